/*
 * delay_tc.c - utest case: thread delays end at exactly the tick asked
 * for, and a higher-priority thread waking up preempts the test case.
 */
#include <utest.h>

static rt_tick_t woke_at;

static void sleeper_entry(void *parameter)
{
    rt_thread_delay((rt_tick_t)(rt_ubase_t)parameter);
    woke_at = rt_tick_get();
}

static void test_delay_exact(void)
{
    rt_tick_t start = rt_tick_get();

    rt_thread_delay(7);
    uassert_int_equal(rt_tick_get() - start, 7);
    rt_thread_mdelay(100);
    uassert_int_equal(rt_tick_get() - start, 7 + rt_tick_from_millisecond(100));
}

static void test_preemption(void)
{
    rt_thread_t t = rt_thread_create("sleeper", sleeper_entry, (void *)(rt_ubase_t)5, 1024,
                                     RT_MAIN_THREAD_PRIORITY - 2, 10);
    rt_tick_t start = rt_tick_get();

    uassert_not_null(t);
    woke_at = 0;
    rt_thread_startup(t);
    uassert_int_equal(woke_at, 0);      /* it is asleep, we run */
    rt_thread_delay(20);
    uassert_int_equal(woke_at, start + 5);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(test_delay_exact);
    UTEST_UNIT_RUN(test_preemption);
}
UTEST_TC_EXPORT(testcase, "rtsim.utest.delay", RT_NULL, RT_NULL, 5);
