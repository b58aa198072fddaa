/*
 * test_sched.c - priorities, preemption, delays, yield, round robin,
 * suspend/resume, priority changes, thread life cycle.
 */
#include <string.h>
#include "testutil.h"

/* --------------------------------------------------------------- helpers */
static void logger(void *arg)
{
    tu_log("%s@%u", (const char *)arg, (unsigned)rt_tick_get());
}

/* ------------------------------------------------------------ the tests */
static void hello(void *arg)
{
    (void)arg;
    rt_kprintf("hello %d from %s\n", 42, rt_thread_self()->name);
}

static void test_main_thread_runs_app(void **state)
{
    (void)state;
    tu_console_reset();
    assert_int_equal(tu_run(NULL, hello, NULL), RT_SIM_OK);
    assert_string_equal(tu_console(), "hello 42 from main\n");
}

/* A higher-priority thread started by main preempts it at once; a lower
 * one runs only when main blocks or ends. */
static void prio_main(void *arg)
{
    (void)arg;
    tu_log("main:start");
    tu_spawn("low", logger, "low", 20, 10);
    tu_log("main:after-low");
    tu_spawn("high", logger, "high", 5, 10);
    tu_log("main:after-high");
    tu_spawn("mid", logger, "mid", 15, 10);
    tu_log("main:end");
}

static void test_priority_preemption(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, prio_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(),
        "main:start main:after-low high@0 main:after-high main:end mid@0 low@0");
}

/* Delays end at exactly now + n; equal deadlines wake in FIFO order. */
static void delayer(void *arg)
{
    rt_tick_t n = (rt_tick_t)(uintptr_t)arg;
    rt_tick_t start = rt_tick_get();
    rt_thread_delay(n);
    TU_EXPECT_INT(rt_tick_get(), start + n);
    tu_log("%s@%u", rt_thread_self()->name, (unsigned)rt_tick_get());
}

static void delay_main(void *arg)
{
    (void)arg;
    tu_spawn("d30", delayer, (void *)30, 12, 10);
    tu_spawn("d10", delayer, (void *)10, 12, 10);
    tu_spawn("d10b", delayer, (void *)10, 12, 10);
    tu_spawn("d1", delayer, (void *)1, 12, 10);
    rt_thread_delay(5);
    tu_log("main@%u", (unsigned)rt_tick_get());
    rt_thread_mdelay(100);
    tu_log("main@%u", (unsigned)rt_tick_get());
}

static void test_delays_exact_ticks(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, delay_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "d1@1 main@5 d10@10 d10b@10 d30@30 main@105");
}

static void until_main(void *arg)
{
    (void)arg;
    rt_tick_t t = rt_tick_get();
    for (int i = 0; i < 3; i++)
    {
        rt_thread_delay(3);   /* work that takes 3 ticks */
        rt_thread_delay_until(&t, 10);
        tu_log("%u", (unsigned)rt_tick_get());
    }
}

static void test_delay_until_is_periodic(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, until_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "10 20 30");
}

/* Yield hands over only to threads of the same priority. */
static void yielder(void *arg)
{
    for (int i = 0; i < 3; i++)
    {
        tu_log("%s%d", (const char *)arg, i);
        rt_thread_yield();
    }
}

static void yield_main(void *arg)
{
    (void)arg;
    rt_enter_critical();    /* start all three before any runs */
    tu_spawn("A", yielder, "A", 8, 10);
    tu_spawn("B", yielder, "B", 8, 10);
    tu_spawn("C", yielder, "C", 9, 10);
    rt_exit_critical();
}

static void test_yield_round(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, yield_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "A0 B0 A1 B1 A2 B2 C0 C1 C2");
}

/* Two busy threads of equal priority share the CPU in time slices: the
 * clock advances because they poll it (busy-wait rule). */
struct spin { const char *name; rt_tick_t until; };

static void spinner(void *arg)
{
    struct spin *s = arg;
    rt_tick_t last = (rt_tick_t)-1;
    rt_tick_t now;
    while ((now = rt_tick_get()) < s->until)
    {
        if (now != last && now % 5 == 0)
            tu_log("%s%u", s->name, (unsigned)now);
        last = now;
    }
}

static void rr_main(void *arg)
{
    (void)arg;
    static struct spin a = { "a", 20 }, b = { "b", 20 };
    rt_enter_critical();
    tu_spawn("spinA", spinner, &a, 8, 5);
    tu_spawn("spinB", spinner, &b, 8, 5);
    rt_exit_critical();
}

static void test_round_robin_time_slices(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, rr_main, NULL), RT_SIM_OK);
    /* A runs ticks 0..4, B 5..9, A 10..14, B 15..19. */
    assert_string_equal(tu_log_text(), "a0 b5 a10 b15");
}

/* Suspend/resume and priority change. */
static rt_thread_t victim;

static void victim_entry(void *arg)
{
    (void)arg;
    tu_log("v:run");
    rt_thread_delay(100);   /* resumed early by main: the delay is cut short */
    tu_log("v:woke@%u", (unsigned)rt_tick_get());
}

static void suspend_main(void *arg)
{
    (void)arg;
    victim = tu_spawn("victim", victim_entry, RT_NULL, 15, 10);
    rt_thread_delay(2);
    TU_EXPECT_INT(victim->stat & RT_THREAD_STAT_MASK, RT_THREAD_SUSPEND);
    TU_EXPECT_INT(rt_thread_resume(victim), RT_EOK);
#if RTSIM_V5_API
    TU_EXPECT_INT(rt_thread_resume(victim), -RT_EINVAL);  /* 5.1.0 rt_sched_thread_ready */
#else
    TU_EXPECT_INT(rt_thread_resume(victim), -RT_ERROR);   /* not suspended any more */
#endif
    tu_log("main:resumed");
    rt_uint8_t prio = 3;
    rt_thread_control(victim, RT_THREAD_CTRL_CHANGE_PRIORITY, &prio);
    TU_EXPECT_INT(victim->current_priority, 3);
    rt_schedule();   /* now higher than main: runs at once */
    tu_log("main:end");
}

static void test_suspend_resume_priority_change(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, suspend_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "v:run main:resumed v:woke@2 main:end");
}

/* Suspending another thread: 4.1.1 suspends any ready or running one;
 * 5.x only the caller (5.1.0 src/thread.c rt_thread_suspend_to_list:
 * RT_ASSERT(thread == rt_thread_self())). */
static void other_entry(void *arg)
{
    (void)arg;
    rt_thread_delay(5);
    tu_log("other:ran");
}

static void suspend_other_main(void *arg)
{
    (void)arg;
    rt_thread_t t = tu_spawn("other", other_entry, RT_NULL, 15, 10);
    tu_log("suspend");
    TU_EXPECT_INT(rt_thread_suspend(t), RT_EOK);
    rt_thread_delay(10);
    tu_log("resume");
    rt_thread_resume(t);
    rt_thread_delay(10);
}

static void test_suspend_other_thread(void **state)
{
    (void)state;
    tu_log_reset();
#if RTSIM_V5_API
    assert_int_equal(tu_run(NULL, suspend_other_main, NULL), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "suspend");
    assert_non_null(strstr(tu_report(), "(thread == rt_thread_self()) in rt_thread_suspend"));
#else
    assert_int_equal(tu_run(NULL, suspend_other_main, NULL), RT_SIM_OK);
    /* suspended ready, before it ever ran: it runs only after the resume */
    assert_string_equal(tu_log_text(), "suspend resume other:ran");
#endif
}

/* Critical sections hold off preemption until the outermost exit. */
static void crit_main(void *arg)
{
    (void)arg;
    rt_enter_critical();
    rt_enter_critical();
    tu_spawn("hi", logger, "hi", 2, 10);
    tu_log("main:in");
    rt_exit_critical();
    tu_log("main:still");
    TU_EXPECT_INT(rt_critical_level(), 1);
    rt_exit_critical();
    tu_log("main:out");
}

static void test_critical_section(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, crit_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "main:in main:still hi@0 main:out");
}

#if RTSIM_V5_API
/* 5.x: rt_enter_critical returns the level it made; rt_exit_critical_safe
 * checks the level it is given (5.1.0 src/scheduler_up.c). */
static void crit_safe_main(void *arg)
{
    (void)arg;
    rt_base_t outer = rt_enter_critical();
    rt_base_t inner = rt_enter_critical();
    TU_EXPECT_INT(outer, 1);
    TU_EXPECT_INT(inner, 2);
    tu_spawn("hi", logger, "hi", 2, 10);
    rt_exit_critical_safe(inner);
    tu_log("main:still");
    rt_exit_critical_safe(outer);
    tu_log("main:out");
    TU_EXPECT_INT(rt_critical_level(), 0);
}

static void crit_unsafe_main(void *arg)
{
    (void)arg;
    rt_base_t outer = rt_enter_critical();
    rt_enter_critical();
    rt_exit_critical_safe(outer);   /* the inner level was due */
    tu_log("main:never");
}

static void test_critical_safe(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, crit_safe_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "main:still hi@0 main:out");

    /* A level that is not the current one: RT-Thread's message, then the
     * run ends as a failed assertion where the board would spin. */
    tu_log_reset();
    tu_console_reset();
    assert_int_equal(tu_run(NULL, crit_unsafe_main, NULL), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "");
    assert_non_null(strstr(tu_console(), "rt_exit_critical_safe: un-compatible critical level\n"
                                         "\tCurrent 2\n\tCaller 1\n"));
}

/* rt_thread_suspend_with_flag with a flag that is none of the three. */
static void bad_flag_main(void *arg)
{
    (void)arg;
    rt_thread_suspend_with_flag(rt_thread_self(), 3);
    tu_log("main:never");
}

static void test_suspend_bad_flag(void **state)
{
    (void)state;
    tu_log_reset();
    tu_console_reset();
    assert_int_equal(tu_run(NULL, bad_flag_main, NULL), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "");
    assert_non_null(strstr(tu_report(), "rtsim: assertion failed: (suspend_flag == RT_INTERRUPTIBLE"));
    assert_non_null(strstr(tu_report(), "in rt_thread_suspend_with_flag"));
}

/* A thread-inited hook that adds another hook: 5.1.0's sethook would spin
 * on the list's nesting count for ever on one CPU; rtsim asserts. */
static void nested_hook(rt_thread_t t);
RT_OBJECT_HOOKLIST_DEFINE_NODE(rt_thread_inited, nh_node, nested_hook)
static struct rt_thread_inited_hooklistnode nh_node2;

static void nested_hook(rt_thread_t t)
{
    (void)t;
    tu_log("hook");
    nh_node2.handler = nested_hook;
    rt_thread_inited_sethook(&nh_node2);
    tu_log("never");
}

static void nested_hook_main(void *arg)
{
    (void)arg;
    rt_thread_inited_sethook(&nh_node);
    rt_thread_create("t", logger, "t", 512, 12, 10);
    tu_log("main:never");
}

static void test_hooklist_nested_sethook(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, nested_hook_main, NULL), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "hook");
    assert_non_null(strstr(tu_report(), "rtsim: assertion failed: (rt_thread_inited_nested == 0)"));
}
#endif

/* The interrupt hooks see every tick interrupt, also while every thread
 * sleeps (the idle thread's jump to the next timer would skip them): a
 * board's tick ISR calls rt_interrupt_enter / leave once per tick
 * (RT-Thread 4.1.1 src/irq.c, the BSP's SysTick_Handler). */
static rt_tick_t hook_ticks[16];
static volatile int enter_calls, leave_calls;

static void on_irq_enter(void)
{
    if (enter_calls < 16)
        hook_ticks[enter_calls] = rt_tick_get();
    enter_calls++;
}

static void on_irq_leave(void)
{
    leave_calls++;
}

static void irq_hook_main(void *arg)
{
    (void)arg;
    rt_interrupt_enter_sethook(on_irq_enter);
    rt_interrupt_leave_sethook(on_irq_leave);
    rt_tick_t t0 = rt_tick_get();
    rt_thread_delay(10);
    rt_interrupt_enter_sethook(RT_NULL);
    rt_interrupt_leave_sethook(RT_NULL);
    TU_EXPECT_INT(rt_tick_get() - t0, 10);
    TU_EXPECT_INT(enter_calls, 10);
    TU_EXPECT_INT(leave_calls, 10);
    for (int i = 0; i < 10 && i < enter_calls; i++)
        TU_EXPECT_INT(hook_ticks[i], t0 + (rt_tick_t)i);   /* before the tick counts */
}

static void test_irq_hooks_every_idle_tick(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, irq_hook_main, NULL), RT_SIM_OK);
}

/* Static threads, deleting a sleeping thread, thread lookup, object names. */
static struct rt_thread st_thread;
static rt_uint8_t st_stack[512];

static void sleeper(void *arg)
{
    (void)arg;
    rt_thread_delay(1000);
    tu_log("sleeper:never");
}

static void lifecycle_main(void *arg)
{
    (void)arg;
    TU_EXPECT_INT(rt_thread_init(&st_thread, "static", logger, "static", st_stack,
                                 sizeof st_stack, 12, 10), RT_EOK);
    TU_EXPECT(rt_object_is_systemobject((rt_object_t)&st_thread));
    TU_EXPECT(rt_thread_find("static") == &st_thread);
    rt_thread_startup(&st_thread);
    rt_thread_delay(1);
    TU_EXPECT(rt_thread_find("static") == RT_NULL);   /* ended: detached */

    rt_thread_t s = tu_spawn("sleeper", sleeper, RT_NULL, 12, 10);
    rt_thread_delay(1);
    TU_EXPECT_INT(rt_thread_delete(s), RT_EOK);
    TU_EXPECT(rt_thread_find("sleeper") != RT_NULL);   /* defunct until idle runs */
    rt_thread_delay(1);
    TU_EXPECT(rt_thread_find("sleeper") == RT_NULL);
    TU_EXPECT(rt_thread_find("main") == rt_thread_self());
    TU_EXPECT(rt_thread_find("tidle0") == rt_thread_idle_gethandler());
}

static void test_thread_lifecycle(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, lifecycle_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "static@0");
}

/* 200 threads created, each ends; the heap is back where it started. */
static int finished;

static void short_lived(void *arg)
{
    (void)arg;
    finished++;
    if (finished % 3 == 0)
        rt_thread_delay(1);
}

static void many_main(void *arg)
{
    (void)arg;
    rt_size_t total, used_before, used_after, max;
    rt_memory_info(&total, &used_before, &max);
    finished = 0;
    for (int i = 0; i < 200; i++)
    {
        char name[RT_NAME_MAX];
        rt_snprintf(name, sizeof name, "t%d", i);
        rt_thread_t t = rt_thread_create(name, short_lived, RT_NULL, 256, (rt_uint8_t)(5 + i % 20), 5);
        TU_EXPECT(t != RT_NULL);
        if (t)
            rt_thread_startup(t);
        if (i % 10 == 9)
            rt_thread_delay(2);
    }
    rt_thread_delay(10);
    TU_EXPECT_INT(finished, 200);
    rt_memory_info(&total, &used_after, &max);
    TU_EXPECT_INT(used_after, used_before);
    TU_EXPECT_INT(rt_object_get_length(RT_Object_Class_Thread), 2);   /* main + idle */
}

static void test_200_threads(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, many_main, NULL), RT_SIM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_thread_runs_app),
        cmocka_unit_test(test_priority_preemption),
        cmocka_unit_test(test_delays_exact_ticks),
        cmocka_unit_test(test_delay_until_is_periodic),
        cmocka_unit_test(test_yield_round),
        cmocka_unit_test(test_round_robin_time_slices),
        cmocka_unit_test(test_suspend_resume_priority_change),
        cmocka_unit_test(test_suspend_other_thread),
        cmocka_unit_test(test_critical_section),
#if RTSIM_V5_API
        cmocka_unit_test(test_critical_safe),
        cmocka_unit_test(test_suspend_bad_flag),
        cmocka_unit_test(test_hooklist_nested_sethook),
#endif
        cmocka_unit_test(test_irq_hooks_every_idle_tick),
        cmocka_unit_test(test_thread_lifecycle),
        cmocka_unit_test(test_200_threads),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
