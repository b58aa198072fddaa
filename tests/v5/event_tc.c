/*
 * event_tc.c - events (5.x flavour), the behaviour RT-Thread 5.x's
 * src/utest/event_tc.c checks: init/create/detach/delete, AND and OR
 * receives with and without CLEAR, the timeout tick, and a waiter woken
 * by a send from another thread.  Our own code.
 */
#include <utest.h>

static struct rt_event static_event;
static rt_event_t dyn_event;
static rt_uint32_t got;
static volatile int waiter_done;
static rt_tick_t woke_at;

static void test_event_init_create(void)
{
    uassert_int_equal(rt_event_init(&static_event, "ev", RT_IPC_FLAG_PRIO), RT_EOK);
    uassert_int_equal(static_event.set, 0);
    uassert_int_equal(rt_object_get_type(&static_event.parent.parent), RT_Object_Class_Event);
    uassert_int_equal(rt_event_detach(&static_event), RT_EOK);
    dyn_event = rt_event_create("evd", RT_IPC_FLAG_FIFO);
    uassert_not_null(dyn_event);
    uassert_int_equal(rt_event_delete(dyn_event), RT_EOK);
    uassert_int_equal(rt_system_heap_check(), 0);
}

static void test_event_and_or(void)
{
    rt_event_init(&static_event, "ev", RT_IPC_FLAG_PRIO);
    rt_event_send(&static_event, 0x3);
    /* AND of 0x7: not all there */
    uassert_int_equal(rt_event_recv(&static_event, 0x7, RT_EVENT_FLAG_AND, 0, &got), -RT_ETIMEOUT);
    /* OR without CLEAR: the matching bits, set unchanged */
    uassert_int_equal(rt_event_recv(&static_event, 0x6, RT_EVENT_FLAG_OR, 0, &got), RT_EOK);
    uassert_int_equal(got, 0x2);
    uassert_int_equal(static_event.set, 0x3);
    /* AND with CLEAR: the bits leave the set */
    uassert_int_equal(rt_event_recv(&static_event, 0x3, RT_EVENT_FLAG_AND | RT_EVENT_FLAG_CLEAR, 0, &got), RT_EOK);
    uassert_int_equal(got, 0x3);
    uassert_int_equal(static_event.set, 0);
    /* timeout at its tick */
    rt_tick_t t0 = rt_tick_get();
    uassert_int_equal(rt_event_recv(&static_event, 0x1, RT_EVENT_FLAG_OR, 25, &got), -RT_ETIMEOUT);
    uassert_int_equal(rt_tick_get() - t0, 25);
    uassert_int_equal(rt_event_control(&static_event, RT_IPC_CMD_RESET, RT_NULL), RT_EOK);
    rt_event_detach(&static_event);
}

static void event_waiter(void *p)
{
    rt_uint32_t r = 0;
    if (rt_event_recv(&static_event, (rt_uint32_t)(rt_ubase_t)p,
                      RT_EVENT_FLAG_AND | RT_EVENT_FLAG_CLEAR, RT_WAITING_FOREVER, &r) == RT_EOK)
    {
        got = r;
        woke_at = rt_tick_get();
    }
    waiter_done++;
}

static void test_event_wakeup(void)
{
    rt_event_init(&static_event, "ev", RT_IPC_FLAG_PRIO);
    waiter_done = 0;
    got = 0;
    rt_thread_startup(rt_thread_create("ew", event_waiter, (void *)0x11, UTEST_THR_STACK_SIZE,
                                       RT_MAIN_THREAD_PRIORITY - 1, 10));
    rt_thread_delay(10);
    rt_event_send(&static_event, 0x01);         /* half of it: still waiting */
    uassert_int_equal(waiter_done, 0);
    rt_tick_t now = rt_tick_get();
    rt_event_send(&static_event, 0x10);         /* the higher-priority waiter runs at once */
    uassert_int_equal(waiter_done, 1);
    uassert_int_equal(got, 0x11);
    uassert_int_equal(woke_at, now);
    uassert_int_equal(static_event.set, 0);
    rt_event_detach(&static_event);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_event_init_create);
    UTEST_UNIT_RUN(test_event_and_or);
    UTEST_UNIT_RUN(test_event_wakeup);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.event_tc", tc_init, tc_cleanup, 10);
