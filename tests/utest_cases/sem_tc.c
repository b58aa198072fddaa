/*
 * sem_tc.c - utest case: a semaphore handed from a producer thread to the
 * test case, with the exact tick of every hand-over and of a timeout.
 */
#include <utest.h>

static struct rt_semaphore sem;
static rt_thread_t producer;

static void producer_entry(void *parameter)
{
    (void)parameter;
    for (int i = 0; i < 3; i++)
    {
        rt_thread_delay(10);
        rt_sem_release(&sem);
    }
}

static void test_handover(void)
{
    rt_tick_t start = rt_tick_get();

    producer = rt_thread_create("producer", producer_entry, RT_NULL, 1024,
                                RT_MAIN_THREAD_PRIORITY - 1, 10);
    uassert_not_null(producer);
    uassert_int_equal(rt_thread_startup(producer), RT_EOK);
    for (int i = 1; i <= 3; i++)
    {
        uassert_int_equal(rt_sem_take(&sem, RT_WAITING_FOREVER), RT_EOK);
        uassert_int_equal(rt_tick_get() - start, 10u * (rt_tick_t)i);
    }
}

static void test_timeout(void)
{
    rt_tick_t start = rt_tick_get();

    uassert_int_equal(rt_sem_take(&sem, 25), -RT_ETIMEOUT);
    uassert_int_equal(rt_tick_get() - start, 25);
    uassert_int_equal(rt_sem_trytake(&sem), -RT_ETIMEOUT);
    uassert_int_equal(rt_sem_release(&sem), RT_EOK);
    uassert_int_equal(rt_sem_trytake(&sem), RT_EOK);
}

static rt_err_t tc_init(void)
{
    return rt_sem_init(&sem, "handover", 0, RT_IPC_FLAG_PRIO);
}

static rt_err_t tc_cleanup(void)
{
    return rt_sem_detach(&sem);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(test_handover);
    UTEST_UNIT_RUN(test_timeout);
}
UTEST_TC_EXPORT(testcase, "rtsim.utest.sem", tc_init, tc_cleanup, 10);
