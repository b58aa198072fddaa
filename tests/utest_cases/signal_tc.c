/*
 * signal_tc.c - utest case in the shape of RT-Thread 4.1's
 * examples/utest/testcases/kernel/signal_tc.c (our own code): install and
 * its return values, a signal to the test thread itself, to another
 * thread blocked in rt_thread_mdelay, and rt_signal_wait's timeout.
 */
#include <utest.h>

static volatile int recive_sig;

static void sig_handle_default(int signo)
{
    recive_sig = signo;
}

static void rt_signal_install_test(void)
{
    uassert_true(rt_signal_install(-1, sig_handle_default) == SIG_ERR);
    uassert_true(rt_signal_install(RT_SIG_MAX, sig_handle_default) == SIG_ERR);
    uassert_true(rt_signal_install(SIGUSR1, sig_handle_default) != SIG_ERR);
    uassert_true(rt_signal_install(SIGUSR1, SIG_IGN) == sig_handle_default);
    uassert_true(rt_signal_install(SIGUSR1, SIG_DFL) == RT_NULL);
}

static void rt_signal_kill_self_test(void)
{
    recive_sig = -1;
    rt_signal_install(SIGUSR2, sig_handle_default);
    rt_signal_unmask(SIGUSR2);
    uassert_int_equal(rt_thread_kill(rt_thread_self(), SIGUSR2), RT_EOK);
    uassert_int_equal(recive_sig, SIGUSR2);
    rt_signal_mask(SIGUSR2);
}

static void sleeper(void *parameter)
{
    (void)parameter;
    rt_signal_install(SIGUSR1, sig_handle_default);
    rt_signal_unmask(SIGUSR1);
    rt_thread_mdelay(1000);
}

static void rt_signal_kill_other_test(void)
{
    recive_sig = -1;
    rt_thread_t t = rt_thread_create("sleeper", sleeper, RT_NULL, 1024,
                                     RT_MAIN_THREAD_PRIORITY - 1, 10);
    rt_thread_startup(t);
    rt_thread_mdelay(10);
    uassert_int_equal(rt_thread_kill(t, SIGUSR1), RT_EOK);
    rt_thread_mdelay(1);
    uassert_int_equal(recive_sig, SIGUSR1);
}

static void rt_signal_wait_test(void)
{
    rt_sigset_t set = 1ul << SIGUSR2;
    rt_siginfo_t si;
    rt_tick_t start = rt_tick_get();
    uassert_int_equal(rt_signal_wait(&set, &si, 50), -RT_ETIMEOUT);
    uassert_int_equal(rt_tick_get() - start, 50);
}

static rt_err_t utest_tc_init(void) { return RT_EOK; }
static rt_err_t utest_tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(rt_signal_install_test);
    UTEST_UNIT_RUN(rt_signal_kill_self_test);
    UTEST_UNIT_RUN(rt_signal_kill_other_test);
    UTEST_UNIT_RUN(rt_signal_wait_test);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.signal_tc", utest_tc_init, utest_tc_cleanup, 1000);
