/*
 * test_signal.c - signals (kernel/src/signal.c) as RT-Thread 4.1.x
 * src/signal.c: delivery to the running thread, to a ready thread and to a
 * blocked one (its kernel call returns -RT_EINTR), masked signals held until
 * unmasked, rt_signal_wait with and without timeout, SIG_IGN / SIG_DFL,
 * bad numbers, sends from an interrupt, and memory given back.
 */
#include <string.h>
#include <rtmm.h>
#include "testutil.h"

static rt_thread_t target;
static rt_sem_t sem;

static int run(void (*fn)(void *), void *arg)
{
    int rc = tu_run(NULL, fn, arg);
    if (rc != RT_SIM_OK)
        print_message("report: %s\nconsole: %s\n", tu_report(), tu_console());
    return rc;
}

/* Handlers log which thread they run in. */
static void handler(int signo)
{
    tu_log("h%d@%.*s", signo, RT_NAME_MAX, rt_thread_self()->name);
}

/* -------------------------------------------------------------- running */
static void self_main(void *arg)
{
    (void)arg;
    TU_EXPECT(rt_signal_install(SIGUSR1, handler) != SIG_ERR);
    rt_signal_unmask(SIGUSR1);
    tu_log("kill");
    TU_EXPECT_INT(rt_thread_kill(rt_thread_self(), SIGUSR1), RT_EOK);
    tu_log("back");
    TU_EXPECT_INT(rt_thread_self()->error, -RT_EINTR);
    TU_EXPECT_INT(rt_thread_self()->sig_pending, 0);
    TU_EXPECT(rt_thread_self()->si_list == RT_NULL);
}

static void test_running_thread_handles_at_once(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(self_main, RT_NULL), RT_SIM_OK);
    char want[64];
    snprintf(want, sizeof want, "kill h%d@main back", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

/* ---------------------------------------------------------------- ready */
static void ready_entry(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR2, handler);
    rt_signal_unmask(SIGUSR2);
    tu_log("t:ready");
    rt_thread_yield();      /* equal priority: stays ready, main runs */
    tu_log("t:resumed");
    for (int i = 0; i < 3; i++)
        rt_thread_yield();
    tu_log("t:end");
}

static void ready_main(void *arg)
{
    (void)arg;
    /* The target shares main's priority (10): round robin by yield. */
    target = tu_spawn("t", ready_entry, RT_NULL, RT_MAIN_THREAD_PRIORITY, 10);
    rt_thread_yield();       /* t installs its handler, then yields back */
    TU_EXPECT_INT(target->stat & RT_THREAD_STAT_MASK, RT_THREAD_READY);
    tu_log("main:kill");
    rt_thread_kill(target, SIGUSR2);
    tu_log("main:killed");
    TU_EXPECT(target->stat & RT_THREAD_STAT_SIGNAL);
    rt_thread_yield();       /* t runs: its handler first, in its context */
    tu_log("main:end");
    rt_thread_delay(1);
}

static void test_ready_thread_handles_when_it_runs(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(ready_main, RT_NULL), RT_SIM_OK);
    char want[128];
    snprintf(want, sizeof want, "t:ready main:kill main:killed h%d@t t:resumed main:end t:end",
             SIGUSR2);
    assert_string_equal(tu_log_text(), want);
}

/* -------------------------------------------------------------- blocked */
static void blocked_entry(void *arg)
{
    int which = (int)(uintptr_t)arg;
    rt_signal_install(SIGUSR1, handler);
    rt_signal_unmask(SIGUSR1);
    rt_err_t err;
    if (which == 0)
        err = rt_sem_take(sem, RT_WAITING_FOREVER);
    else if (which == 1)
    {
        rt_ubase_t v;
        rt_mailbox_t mb = rt_mb_create("mb", 1, RT_IPC_FLAG_FIFO);
        err = rt_mb_recv(mb, &v, 50);
        rt_mb_delete(mb);
    }
    else if (which == 3)
    {
        rt_mp_t mp = rt_mp_create("mp", 1, 16);
        void *first = rt_mp_alloc(mp, 0);
        void *second = rt_mp_alloc(mp, 50);        /* empty: waits */
        err = second ? RT_EOK : rt_thread_self()->error;
        TU_EXPECT(second == RT_NULL);
        TU_EXPECT_INT(mp->suspend_thread_count, 0);
        TU_EXPECT_INT(rt_mp_check(mp), 0);
        rt_mp_free(first);
        rt_mp_delete(mp);
    }
    else
    {
        rt_mq_t q = rt_mq_create("mq", 4, 1, RT_IPC_FLAG_FIFO);
        rt_uint32_t v = 0;
        rt_mq_send(q, &v, 4);
        err = rt_mq_send_wait(q, &v, 4, 50);     /* full */
        rt_mq_delete(q);
    }
    tu_log("t:%d@%u", (int)err, (unsigned)rt_tick_get());
    /* The interrupted wait is over: no late timeout. */
    rt_thread_delay(100);
    tu_log("t:end@%u", (unsigned)rt_tick_get());
}

static void blocked_main(void *arg)
{
    sem = rt_sem_create("s", 0, RT_IPC_FLAG_FIFO);
    target = tu_spawn("t", blocked_entry, arg, 20, 10);
    rt_thread_delay(5);
    TU_EXPECT_INT(target->stat & RT_THREAD_STAT_MASK, RT_THREAD_SUSPEND);
    tu_log("main:kill");
    rt_thread_kill(target, SIGUSR1);
    tu_log("main:killed");
    TU_EXPECT_INT(rt_list_len(&sem->parent.suspend_thread), 0);
    rt_thread_delay(200);
    rt_sem_delete(sem);
}

static void check_blocked(int which)
{
    tu_log_reset();
    assert_int_equal(run(blocked_main, (void *)(uintptr_t)which), RT_SIM_OK);
    char want[128];
    snprintf(want, sizeof want, "main:kill main:killed h%d@t t:-9@5 t:end@105", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

static void test_blocked_sem_take_returns_eintr(void **state)
{
    (void)state;
    check_blocked(0);
}

static void test_blocked_mb_recv_returns_eintr(void **state)
{
    (void)state;
    check_blocked(1);
}

static void test_blocked_mq_send_returns_eintr(void **state)
{
    (void)state;
    check_blocked(2);
}

/* rt_mp_alloc returns RT_NULL (thread->error -RT_EINTR); the pool's count
 * of waiters drops with its list. */
static void test_blocked_mp_alloc_returns_null(void **state)
{
    (void)state;
    check_blocked(3);
}

/* --------------------------------------------------------------- masked */
static void masked_entry(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR1, handler);    /* installed, still masked */
    rt_err_t err = rt_sem_take(sem, 10);
    tu_log("t:take=%d@%u pending=%d", (int)err, (unsigned)rt_tick_get(),
           (rt_thread_self()->sig_pending & (1ul << SIGUSR1)) != 0);
    rt_signal_unmask(SIGUSR1);              /* now it is handled */
    tu_log("t:unmasked");
    rt_signal_mask(SIGUSR1);
    rt_thread_delay(10);
    tu_log("t:pending=%d", (rt_thread_self()->sig_pending & (1ul << SIGUSR1)) != 0);
}

static void masked_main(void *arg)
{
    (void)arg;
    sem = rt_sem_create("s", 0, RT_IPC_FLAG_FIFO);
    target = tu_spawn("t", masked_entry, RT_NULL, 20, 10);
    rt_thread_delay(3);
    rt_thread_kill(target, SIGUSR1);        /* masked: no wake-up */
    TU_EXPECT_INT(target->stat & RT_THREAD_STAT_MASK, RT_THREAD_SUSPEND);
    tu_log("main:killed");
    rt_thread_delay(10);
    rt_thread_kill(target, SIGUSR1);        /* masked again: held */
    rt_thread_delay(20);
    rt_sem_delete(sem);
}

static void test_masked_signal_held_until_unmasked(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(masked_main, RT_NULL), RT_SIM_OK);
    char want[160];
    snprintf(want, sizeof want,
             "main:killed t:take=-2@10 pending=1 h%d@t t:unmasked t:pending=1", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

/* ---------------------------------------------------------- signal_wait */
static void waiter_entry(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR1, handler);
    rt_signal_unmask(SIGUSR1);
    rt_sigset_t set = 1ul << SIGUSR1;
    rt_siginfo_t si;
    int rc = rt_signal_wait(&set, &si, 7);
    tu_log("w:%d@%u", rc, (unsigned)rt_tick_get());
    rc = rt_signal_wait(&set, &si, RT_WAITING_FOREVER);
    tu_log("w:%d@%u signo=%d code_user=%d", rc, (unsigned)rt_tick_get(), si.si_signo,
           si.si_code == SI_USER);
    rc = rt_signal_wait(&set, &si, 0);
    tu_log("w:%d", rc);
    rt_sigset_t none = 0;
    tu_log("w:%d", rt_signal_wait(&none, &si, 5));
}

static void wait_main(void *arg)
{
    (void)arg;
    target = tu_spawn("w", waiter_entry, RT_NULL, 20, 10);
    rt_thread_delay(12);
    rt_thread_kill(target, SIGUSR1);
    rt_thread_delay(5);
}

static void test_signal_wait(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(wait_main, RT_NULL), RT_SIM_OK);
    char want[160];
    /* Timed out at tick 7; the signal sent at tick 12 is taken by the wait,
     * its handler not run; a zero timeout finds nothing; an empty set is
     * -RT_EINVAL. */
    snprintf(want, sizeof want, "w:-2@7 w:0@12 signo=%d code_user=1 w:-2 w:-10", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

/* After an rt_signal_wait woken by a signal, a later signal to the thread
 * while it is ready still runs its handler when it next runs. */
static void wait_then_ready_entry(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR1, handler);
    rt_signal_install(SIGUSR2, handler);
    rt_signal_unmask(SIGUSR1);
    rt_signal_unmask(SIGUSR2);
    rt_sigset_t set = 1ul << SIGUSR1;
    rt_siginfo_t si;
    tu_log("w:%d", rt_signal_wait(&set, &si, RT_WAITING_FOREVER));
    rt_thread_yield();      /* main (same priority) runs and signals us */
    tu_log("w:after");
}

static void wait_then_ready_main(void *arg)
{
    (void)arg;
    target = tu_spawn("w", wait_then_ready_entry, RT_NULL, RT_MAIN_THREAD_PRIORITY, 10);
    rt_thread_yield();                      /* w waits */
    rt_thread_kill(target, SIGUSR1);        /* wakes it: taken by the wait */
    rt_thread_yield();                      /* w logs, yields back */
    rt_thread_kill(target, SIGUSR2);        /* w is ready */
    rt_thread_yield();
    rt_thread_delay(1);
}

static void test_signal_after_wait(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(wait_then_ready_main, RT_NULL), RT_SIM_OK);
    char want[64];
    snprintf(want, sizeof want, "w:0 h%d@w w:after", SIGUSR2);
    assert_string_equal(tu_log_text(), want);
}

/* ------------------------------------------- ignore, default, bad input */
static void misc_main(void *arg)
{
    (void)arg;
    rt_thread_t self = rt_thread_self();
    TU_EXPECT(rt_signal_install(-1, handler) == SIG_ERR);
    TU_EXPECT(rt_signal_install(RT_SIG_MAX, handler) == SIG_ERR);
    TU_EXPECT_INT(rt_thread_kill(self, RT_SIG_MAX), -RT_EINVAL);
    TU_EXPECT_INT(rt_thread_kill(self, -3), -RT_EINVAL);

    rt_sighandler_t old = rt_signal_install(SIGUSR1, handler);
    TU_EXPECT(old != SIG_ERR && old != handler);      /* the default handler */
    TU_EXPECT(rt_signal_install(SIGUSR1, SIG_IGN) == handler);
    rt_signal_unmask(SIGUSR1);
    self->error = RT_EOK;
    rt_thread_kill(self, SIGUSR1);                     /* ignored: no handler */
    TU_EXPECT_INT(self->error, -RT_EINTR);
    TU_EXPECT(rt_signal_install(SIGUSR1, SIG_DFL) == RT_NULL);
    rt_thread_kill(self, SIGUSR1);                     /* default: nothing */

    /* rt_signal_ignore drops a pending signal. */
    rt_signal_install(SIGUSR2, handler);
    rt_thread_kill(self, SIGUSR2);                     /* masked: pending */
    rt_thread_kill(self, SIGUSR2);                     /* no second node */
    TU_EXPECT(self->si_list != RT_NULL);
    TU_EXPECT(((struct rt_slist_node *)((char *)self->si_list + sizeof(siginfo_t)))->next == RT_NULL);
    rt_signal_ignore(SIGUSR2);
    TU_EXPECT_INT(self->sig_pending, 0);
    TU_EXPECT(self->si_list == RT_NULL);
    rt_signal_unmask(SIGUSR2);
    tu_log("end");
}

static void test_ignore_default_and_bad_numbers(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(misc_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "end");
}

/* ----------------------------------------------------------- interrupts */
static void isr_kill(void *param)
{
    (void)param;
    TU_EXPECT_INT(rt_thread_kill(target, SIGUSR1), RT_EOK);
    tu_log("isr");
}

static void isr_target(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR1, handler);
    rt_signal_unmask(SIGUSR1);
    rt_err_t err = rt_thread_delay(30) ;
    (void)err;
    tu_log("t:woke@%u err=%d", (unsigned)rt_tick_get(), (int)rt_thread_self()->error);
}

static void isr_main(void *arg)
{
    (void)arg;
    target = tu_spawn("t", isr_target, RT_NULL, 5, 10);
    rt_sim_irq_at(4, isr_kill, RT_NULL);
    rt_thread_delay(50);
}

static void test_isr_kill_wakes_sleeper(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(isr_main, RT_NULL), RT_SIM_OK);
    char want[96];
    snprintf(want, sizeof want, "isr h%d@t t:woke@4 err=-9", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

/* ---------------------------------------------------------------- memory */
static rt_size_t heap_used(void)
{
    rt_size_t used = 0;
    rt_memory_info(RT_NULL, &used, RT_NULL);
    return used;
}

static void mem_child(void *arg)
{
    (void)arg;
    rt_signal_install(SIGUSR1, handler);
    rt_thread_kill(rt_thread_self(), SIGUSR1);   /* masked: a node stays queued */
}

static void memory_main(void *arg)
{
    (void)arg;
    rt_size_t before = heap_used();
    rt_thread_kill(rt_thread_self(), SIGUSR1);    /* makes the siginfo pool */
    rt_size_t with_pool = heap_used();
    TU_EXPECT(with_pool > before);
    rt_mp_t pool = (rt_mp_t)rt_object_find("signal", RT_Object_Class_MemPool);
    TU_EXPECT(pool != RT_NULL);
    /* RT-Thread's siginfo_t (two 16-bit fields and the value) and a list
     * link: 12-byte blocks on a 32-bit board, as RT-Thread's own
     * <sys/signal.h> makes them; glibc's 128-byte siginfo_t made 132 */
    TU_EXPECT_INT(sizeof(siginfo_t), sizeof(void *) == 4 ? 8 : 16);
    if (pool != RT_NULL)
    {
        TU_EXPECT_INT(pool->block_size, sizeof(void *) == 4 ? 12 : 24);
        TU_EXPECT_INT(pool->block_total_count, 32);
    }
    tu_spawn("c", mem_child, RT_NULL, 20, 10);
    rt_thread_delay(5);                            /* c ends; idle reclaims */
    /* main's own pending node goes back with the pool at the end. */
    TU_EXPECT_INT(heap_used(), with_pool);
}

static void test_memory_given_back(void **state)
{
    (void)state;
    /* A clean run (checked mode) reports leaks; none. */
    assert_int_equal(run(memory_main, RT_NULL), RT_SIM_OK);
    assert_null(strstr(tu_report(), "leak"));
}

/* A set built with the C library's macros (RT-Thread's sigset_t: bit n for
 * signal n, rtport_signal.h) is the set rt_signal_wait reads.  With the
 * host's glibc sigset_t, bit n-1 was set: the wait woke on SIGUSR1 and
 * returned RT_EOK with signal 0 (RT-Thread's src/utest/signal_tc.c). */
static void sigset_waiter(void *arg)
{
    (void)arg;
    sigset_t set;
    rt_siginfo_t si;
    rt_signal_install(SIGUSR1, handler);
    rt_signal_unmask(SIGUSR1);
    TU_EXPECT_INT(sizeof(sigset_t), sizeof(rt_sigset_t));
    TU_EXPECT_INT(sigemptyset(&set), 0);
    TU_EXPECT_INT(sigaddset(&set, SIGUSR1), 0);
    TU_EXPECT(set == (1ul << SIGUSR1));
    TU_EXPECT(sigismember(&set, SIGUSR1));
    TU_EXPECT(!sigismember(&set, SIGUSR2));
    memset(&si, 0, sizeof si);
    int rc = rt_signal_wait(&set, &si, RT_WAITING_FOREVER);
    tu_log("w:%d signo=%d@%u", rc, si.si_signo, (unsigned)rt_tick_get());
    TU_EXPECT_INT(sigdelset(&set, SIGUSR1), 0);
    TU_EXPECT(set == 0);
    TU_EXPECT_INT(sigfillset(&set), 0);
    TU_EXPECT(set == ~0ul);
}

static void sigset_main(void *arg)
{
    (void)arg;
    target = tu_spawn("w", sigset_waiter, RT_NULL, 20, 10);
    rt_thread_delay(3);
    rt_thread_kill(target, SIGUSR1);
    rt_thread_delay(2);
}

static void test_sigaddset_set_is_waited_for(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(sigset_main, RT_NULL), RT_SIM_OK);
    char want[64];
    snprintf(want, sizeof want, "w:0 signo=%d@3", SIGUSR1);
    assert_string_equal(tu_log_text(), want);
}

/* rt_thread_kill on a thread that ended and was reclaimed by idle (a stale
 * handle, as RT-Thread's signal_tc.c's second wait unit does): an rtsim
 * RT_ASSERT naming the check, not a write into freed memory.  Checked mode
 * poisons the freed object; unchecked, rt_object_delete cleared its type. */
static void short_entry(void *arg)
{
    (void)arg;
}

static void stale_kill_main(void *arg)
{
    (void)arg;
    rt_thread_t t = tu_spawn("s", short_entry, RT_NULL, 20, 10);
    rt_thread_delay(3);                 /* s ends; idle frees it */
    tu_log("kill");
    rt_thread_kill(t, SIGUSR1);
    tu_log("not reached");
}

static void test_kill_stale_thread_asserts(void **state)
{
    (void)state;
    for (int checked = 0; checked <= 1; checked++)
    {
        struct rt_sim_config cfg;
        tu_config(&cfg);
        cfg.checked = checked;
        tu_log_reset();
        assert_int_equal(tu_run(&cfg, stale_kill_main, RT_NULL), RT_SIM_EASSERT);
        assert_string_equal(tu_log_text(), "kill");
        assert_non_null(strstr(tu_report(),
                               "rtsim: assertion failed: (kill_target_is_thread(tid)) in "
                               "rt_thread_kill"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_thread_handles_at_once),
        cmocka_unit_test(test_ready_thread_handles_when_it_runs),
        cmocka_unit_test(test_blocked_sem_take_returns_eintr),
        cmocka_unit_test(test_blocked_mb_recv_returns_eintr),
        cmocka_unit_test(test_blocked_mq_send_returns_eintr),
        cmocka_unit_test(test_blocked_mp_alloc_returns_null),
        cmocka_unit_test(test_masked_signal_held_until_unmasked),
        cmocka_unit_test(test_signal_wait),
        cmocka_unit_test(test_signal_after_wait),
        cmocka_unit_test(test_ignore_default_and_bad_numbers),
        cmocka_unit_test(test_isr_kill_wakes_sleeper),
        cmocka_unit_test(test_memory_given_back),
        cmocka_unit_test(test_sigaddset_set_is_waited_for),
        cmocka_unit_test(test_kill_stale_thread_asserts),
    };
    return cmocka_run_group_tests_name("signal", tests, NULL, NULL);
}
