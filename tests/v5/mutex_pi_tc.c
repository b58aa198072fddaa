/*
 * mutex_pi_tc.c - 5.x mutex priority inheritance (5.x flavour), the
 * behaviour RT-Thread 5.x's src/utest/mutex_pi_tc.c checks: an owner of
 * several mutexes keeps the priority of the highest waiter of those it
 * still holds; a waiter that times out stops lending its priority; the
 * priority passes along a chain of owners and comes back when the waiter
 * at its end gives up.  Our own code and scenarios.
 */
#include <utest.h>

#define MAIN_PRIO 12
static struct rt_mutex m[4];
static volatile int finished;

static void take_release(void *p)
{
    rt_mutex_t mx = p;
    if (rt_mutex_take(mx, RT_WAITING_FOREVER) == RT_EOK)
    {
        uassert_int_equal(RT_SCHED_PRIV(rt_thread_self()).current_priority,
                          RT_SCHED_PRIV(rt_thread_self()).init_priority);
        rt_mutex_release(mx);
    }
    finished++;
}

static void test_several_held(void)
{
    rt_thread_t self = rt_thread_self();
    static const rt_uint8_t prio[3] = { 13, 9, 8 };
    finished = 0;
    rt_thread_control(self, RT_THREAD_CTRL_CHANGE_PRIORITY, &(rt_uint8_t){ MAIN_PRIO });
    self->init_priority = MAIN_PRIO;
    for (int i = 0; i < 3; i++)
    {
        rt_mutex_init(&m[i], "pi", RT_IPC_FLAG_PRIO);
        uassert_int_equal(rt_mutex_take(&m[i], RT_WAITING_FOREVER), RT_EOK);
    }
    for (int i = 0; i < 3; i++)
    {
        rt_thread_startup(rt_thread_create("w", take_release, &m[i], UTEST_THR_STACK_SIZE, prio[i], 10));
        rt_thread_delay(1);                     /* it waits */
    }
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, 8);
    rt_mutex_release(&m[2]);                    /* 8 takes m2, ends */
    uassert_int_equal(finished, 1);
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, 9);
    rt_mutex_release(&m[1]);                    /* 9 takes m1, ends */
    uassert_int_equal(finished, 2);
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, MAIN_PRIO);  /* 13 is lower */
    rt_mutex_release(&m[0]);
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, MAIN_PRIO);
    rt_thread_delay(1);                         /* 13 takes m0, ends */
    uassert_int_equal(finished, 3);
    for (int i = 0; i < 3; i++)
        rt_mutex_detach(&m[i]);
}

static void take_with_timeout(void *p)
{
    uassert_int_equal(rt_mutex_take(p, 100), -RT_ETIMEOUT);
    finished++;
}

static void test_timeout_gives_back(void)
{
    rt_thread_t self = rt_thread_self();
    finished = 0;
    rt_mutex_init(&m[0], "pt", RT_IPC_FLAG_PRIO);
    rt_mutex_take(&m[0], RT_WAITING_FOREVER);
    rt_thread_startup(rt_thread_create("tw", take_with_timeout, &m[0], UTEST_THR_STACK_SIZE, 10, 10));
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, 10);
    rt_thread_delay(50);
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, 10);
    rt_thread_delay(100);
    uassert_int_equal(finished, 1);
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, MAIN_PRIO);
    rt_mutex_release(&m[0]);
    rt_mutex_detach(&m[0]);
}

static rt_thread_t link_thr[3];

/* link i holds m[i] and waits on m[i-1]; link 0 holds m[0] for a while. */
static void chain_link(void *p)
{
    int i = (int)(rt_ubase_t)p;
    rt_mutex_take(&m[i], RT_WAITING_FOREVER);
    rt_thread_delay(10);
    if (i > 0)
    {
        rt_mutex_take(&m[i - 1], RT_WAITING_FOREVER);
        rt_mutex_release(&m[i - 1]);
    }
    else
        rt_thread_delay(300);
    rt_mutex_release(&m[i]);
    finished++;
}

static void hi_waiter(void *p)
{
    (void)p;
    rt_thread_delay(50);
    uassert_int_equal(rt_mutex_take(&m[2], 100), -RT_ETIMEOUT);
    finished++;
}

static void test_chain(void)
{
    finished = 0;
    for (int i = 0; i < 3; i++)
        rt_mutex_init(&m[i], "pc", RT_IPC_FLAG_PRIO);
    for (int i = 0; i < 3; i++)
    {
        link_thr[i] = rt_thread_create("lk", chain_link, (void *)(rt_ubase_t)i,
                                       UTEST_THR_STACK_SIZE, 20, 10);
        rt_thread_startup(link_thr[i]);
    }
    rt_thread_startup(rt_thread_create("hi", hi_waiter, RT_NULL, UTEST_THR_STACK_SIZE, 3, 10));
    rt_thread_delay(100);                       /* hi waits since tick 50 */
    for (int i = 0; i < 3; i++)
        uassert_int_equal(RT_SCHED_PRIV(link_thr[i]).current_priority, 3);
    rt_thread_delay(100);                       /* hi gave up at tick 150 */
    uassert_int_equal(finished, 1);
    for (int i = 0; i < 3; i++)
        uassert_int_equal(RT_SCHED_PRIV(link_thr[i]).current_priority, 20);
    while (finished != 4)
        rt_thread_delay(10);
    for (int i = 0; i < 3; i++)
        rt_mutex_detach(&m[i]);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_several_held);
    UTEST_UNIT_RUN(test_timeout_gives_back);
    UTEST_UNIT_RUN(test_chain);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.mutex_pi_tc", tc_init, tc_cleanup, 10);
