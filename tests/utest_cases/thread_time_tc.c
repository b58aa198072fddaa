/*
 * thread_time_tc.c - RT-Thread-style utest units whose threads spin
 * without calling the kernel, in the shape of RT-Thread 4.1's
 * examples/utest/testcases/kernel/thread_tc.c (test_thread_delay,
 * test_thread_control, test_thread_suspend, test_timeslice): written for
 * rtsim, built with the CPU model's flags (tests/meson.build), so the tick
 * preempts the spinning threads as on a board.  Without the flags these
 * units would never end.
 */
#include <stdlib.h>
#include <utest.h>

#define STACK 2048

static rt_thread_t self;
static volatile int woke_done, woke_ok;

static void sleeper(void *parameter)
{
    rt_tick_t t0 = rt_tick_get();
    rt_thread_delay(15);
    woke_ok = rt_tick_get() - t0 == 15;
    woke_done = 1;
}

/* A higher-priority thread sleeps 15 ticks; this one spins meanwhile. */
static void test_spin_until_woken(void)
{
    woke_done = woke_ok = 0;
    rt_thread_t t = rt_thread_create("sleeper", sleeper, RT_NULL, STACK,
                                     self->current_priority - 1, 10);
    uassert_not_null(t);
    rt_thread_startup(t);
    while (woke_done != 1)
        ;
    uassert_true(woke_ok == 1);
}

/* thread_tc.c's thread7 is `while (1);`: an empty forever loop compiles to
 * a jump to itself that neither GCC nor clang instruments (no statement,
 * no block call: docs/concept-time.md), so it never sees a tick.  This one
 * does something, as real firmware loops do. */
static volatile rt_uint32_t spins;

static void spin_forever(void *parameter)
{
    for (;;)
        spins++;
}

/* A lower-priority thread spins forever; the delay still ends on time and
 * the spinner can be changed and closed. */
static void test_lower_priority_spinner(void)
{
    rt_thread_t t = rt_thread_create("spinner", spin_forever, RT_NULL, STACK,
                                     self->current_priority + 1, 10);
    uassert_not_null(t);
    rt_thread_startup(t);
    rt_tick_t t0 = rt_tick_get();
    rt_thread_mdelay(200);
    uassert_int_equal(rt_tick_get() - t0, 200);
    rt_uint8_t prio = self->current_priority + 5;
    uassert_int_equal(rt_thread_control(t, RT_THREAD_CTRL_CHANGE_PRIORITY, &prio), RT_EOK);
    uassert_int_equal(t->current_priority, prio);
    uassert_int_equal(rt_thread_delete(t), RT_EOK);
}

static volatile rt_uint32_t counted;

/* A suspended counter does not count; resumed, it counts again.  4.1:
 * 5.x suspends only the caller (rt_thread_suspend_to_list asserts it). */
#if !RTSIM_V5_API
static void counter(void *parameter)
{
    for (;;)
        counted++;
}

static void test_suspend_resume_counter(void)
{
    counted = 0;
    rt_thread_t t = rt_thread_create("counter", counter, RT_NULL, STACK,
                                     self->current_priority + 1, 10);
    uassert_not_null(t);
    rt_thread_startup(t);
    rt_thread_delay(5);
    rt_thread_suspend(t);
    rt_uint32_t before = counted;
    uassert_true(before != 0);
    rt_thread_delay(5);
    uassert_true(counted == before);
    rt_thread_resume(t);
    rt_thread_delay(5);
    uassert_true(counted != before);
    rt_thread_delete(t);
}
#endif

static volatile rt_uint32_t cnt_a, cnt_b1, cnt_b2;

static void ticker(void *parameter)
{
    for (;;)
    {
        rt_thread_delay(3);
        if (++cnt_a > 10)
            return;
    }
}

static void busy_b(void *parameter)
{
    volatile rt_uint32_t *c = parameter;
    while (cnt_a <= 10)
        (*c)++;
}

/* Two equal-priority busy threads with 2-tick slices share the CPU evenly
 * while a higher one wakes every 3 ticks.  (thread_tc.c's own version
 * wakes it every 2 ticks: then every slice ends at the tick that wakes the
 * higher thread, and RT-Thread 4.1 puts both the yielding thread and the
 * preempted one at the tail of the ready list (src/scheduler.c,
 * rt_schedule_insert_thread; 5.x puts a preempted thread at the head), so
 * the first B thread gets every slice; RT-Thread leaves that unit
 * commented out.) */
static void test_equal_slices(void)
{
    cnt_a = cnt_b1 = cnt_b2 = 0;
    rt_thread_startup(rt_thread_create("A", ticker, RT_NULL, STACK, self->current_priority + 1, 10));
    rt_thread_startup(rt_thread_create("B1", busy_b, (void *)&cnt_b1, STACK,
                                       self->current_priority + 2, 2));
    rt_thread_startup(rt_thread_create("B2", busy_b, (void *)&cnt_b2, STACK,
                                       self->current_priority + 2, 2));
    do
        rt_thread_delay(40);
    while (cnt_a <= 10);
    rt_thread_delay(10);        /* B1 and B2 see cnt_a and end */
    uassert_int_equal(cnt_a, 11);
    uassert_true(cnt_b1 > 0 && cnt_b2 > 0);
    rt_uint32_t diff = cnt_b1 > cnt_b2 ? cnt_b1 - cnt_b2 : cnt_b2 - cnt_b1;
    uassert_true(diff * 100 / cnt_b1 < 30);
}

static rt_err_t tc_init(void)
{
    self = rt_thread_self();
    return RT_EOK;
}

static void testcase(void)
{
    UTEST_UNIT_RUN(test_spin_until_woken);
    UTEST_UNIT_RUN(test_lower_priority_spinner);
#if !RTSIM_V5_API
    UTEST_UNIT_RUN(test_suspend_resume_counter);
#endif
    UTEST_UNIT_RUN(test_equal_slices);
}
UTEST_TC_EXPORT(testcase, "rtsim.cpu.thread_time", tc_init, RT_NULL, 10);
