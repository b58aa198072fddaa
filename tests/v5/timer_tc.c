/*
 * timer_tc.c - timers (5.x flavour), the behaviour RT-Thread 5.x's
 * src/utest/timer_tc.c checks: one-shot and periodic timers firing at
 * their ticks, stop, control (get/set time, one-shot/periodic, state,
 * remaining time), and several timers in expiry order.  Our own code.
 */
#include <utest.h>

static struct rt_timer tm[3];
static rt_tick_t fired_at[8];
static volatile int nfired;
static char fired_id[8];

static void on_timeout(void *p)
{
    if (nfired < 8)
    {
        fired_id[nfired] = (char)(rt_ubase_t)p;
        fired_at[nfired] = rt_tick_get();
    }
    nfired++;
}

static void test_timer_oneshot_periodic(void)
{
    nfired = 0;
    rt_tick_t t0 = rt_tick_get();
    rt_timer_init(&tm[0], "one", on_timeout, (void *)'o', 10, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_init(&tm[1], "per", on_timeout, (void *)'p', 4, RT_TIMER_FLAG_PERIODIC);
    uassert_int_equal(rt_timer_start(&tm[0]), RT_EOK);
    uassert_int_equal(rt_timer_start(&tm[1]), RT_EOK);
    rt_thread_delay(13);
    /* p at 4, 8; o at 10; p at 12 */
    uassert_int_equal(nfired, 4);
    uassert_buf_equal(fired_id, "ppop", 4);
    uassert_int_equal(fired_at[0] - t0, 4);
    uassert_int_equal(fired_at[2] - t0, 10);
    uassert_int_equal(fired_at[3] - t0, 12);
    rt_uint32_t state = 0;
    rt_timer_control(&tm[0], RT_TIMER_CTRL_GET_STATE, &state);
    uassert_int_equal(state, RT_TIMER_FLAG_DEACTIVATED);
    rt_timer_control(&tm[1], RT_TIMER_CTRL_GET_STATE, &state);
    uassert_int_equal(state, RT_TIMER_FLAG_ACTIVATED);
    uassert_int_equal(rt_timer_stop(&tm[1]), RT_EOK);
    uassert_int_equal(rt_timer_stop(&tm[1]), -RT_ERROR);    /* not running */
    rt_thread_delay(10);
    uassert_int_equal(nfired, 4);
    rt_timer_detach(&tm[0]);
    rt_timer_detach(&tm[1]);
}

static void test_timer_control(void)
{
    nfired = 0;
    rt_tick_t t0 = rt_tick_get();
    rt_timer_t t = rt_timer_create("ctl", on_timeout, (void *)'c', 50, RT_TIMER_FLAG_ONE_SHOT);
    uassert_not_null(t);
    rt_tick_t v = 7;
    rt_timer_control(t, RT_TIMER_CTRL_SET_TIME, &v);
    v = 0;
    rt_timer_control(t, RT_TIMER_CTRL_GET_TIME, &v);
    uassert_int_equal(v, 7);
    rt_timer_control(t, RT_TIMER_CTRL_SET_PERIODIC, RT_NULL);
    rt_timer_start(t);
    rt_thread_delay(3);
    rt_timer_control(t, RT_TIMER_CTRL_GET_REMAIN_TIME, &v);
    uassert_int_equal(v, t0 + 7);       /* the tick it fires at */
    rt_thread_delay(12);
    uassert_int_equal(nfired, 2);        /* 7 and 14 */
    rt_timer_control(t, RT_TIMER_CTRL_SET_ONESHOT, RT_NULL);
    rt_thread_delay(10);                 /* 21: last one */
    uassert_int_equal(nfired, 3);
    uassert_int_equal(fired_at[2] - t0, 21);
    rt_thread_delay(10);
    uassert_int_equal(nfired, 3);
    uassert_int_equal(rt_timer_delete(t), RT_EOK);
    uassert_int_equal(rt_system_heap_check(), 0);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_timer_oneshot_periodic);
    UTEST_UNIT_RUN(test_timer_control);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.timer_tc", tc_init, tc_cleanup, 10);
