/*
 * left_blocked_tc.c - a utest case that passes although it leaves threads
 * blocked for good: one suspended by rt_thread_suspend and never resumed
 * (RT-Thread 5.1's sched_thread_tc.c ends so: of two threads that suspend
 * themselves and resume each other in turn, the last one stays suspended),
 * one waiting on a semaphore nobody releases.  Its function and cleanup
 * return and every assertion holds, so on a board utest prints PASSED and
 * goes on to the next case while those threads stay blocked.  rtsim's
 * runner gives the same verdict, with a warning naming what happened
 * (sim/utest.c, run_one); the waiting-forever report goes to stderr.
 */
#include <utest.h>

static struct rt_semaphore never;
static rt_thread_t pair[2];
static int turns[2];

static void take_turns(void *arg)
{
    int me = (int)(rt_ubase_t)arg;

    for (int i = 0; i < 3; i++)
    {
        rt_enter_critical();
        rt_thread_suspend(rt_thread_self());
        rt_thread_resume(pair[1 - me]);
        turns[me]++;
        rt_exit_critical();
    }
}

static void waits_for_good(void *arg)
{
    (void)arg;
    rt_sem_take(&never, RT_WAITING_FOREVER);
}

static void unit_leaves_threads_blocked(void)
{
    rt_thread_t waiter = rt_thread_create("waiter", waits_for_good, RT_NULL, 1024, 10, 10);

    uassert_not_null(waiter);
    for (int i = 0; i < 2; i++)
    {
        pair[i] = rt_thread_create(i ? "t2" : "t1", take_turns, (void *)(rt_ubase_t)i,
                                   1024, 10, 10);
        uassert_not_null(pair[i]);
    }
    rt_thread_startup(waiter);
    rt_thread_startup(pair[0]);
    rt_thread_startup(pair[1]);
    rt_thread_mdelay(10);
    /* A turn counts before the switch in rt_exit_critical.  t1's first
     * resume finds t2 ready, not suspended (nothing to do), so each resume
     * after it wakes the thread that suspended last: t1 ends after its
     * third turn, t2 stays suspended in its third. */
    uassert_int_equal(turns[0], 3);
    uassert_int_equal(turns[1], 3);
    uassert_int_equal(pair[1]->stat & RT_THREAD_STAT_MASK, RT_THREAD_SUSPEND);
}

static rt_err_t init(void)
{
    return rt_sem_init(&never, "never", 0, RT_IPC_FLAG_FIFO);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_leaves_threads_blocked);
}
UTEST_TC_EXPORT(testcase, "rtsim.utest.left_blocked", init, RT_NULL, 10);
