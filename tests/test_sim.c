/*
 * test_sim.c - the simulator: timers and virtual time, interrupts,
 * busy-wait polling, deadlock reports, API misuse, repeated runs and
 * deterministic traces.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include <rthw.h>

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected to find \"%s\" in:\n%s", needle, text);
}

/* ---------------------------------------------------------------- timers */
static int periodic_hits;

static void on_timer(void *p)
{
    tu_log("%s@%u", (const char *)p, (unsigned)rt_tick_get());
    if (strcmp(p, "per") == 0)
        periodic_hits++;
}

static void timer_main(void *arg)
{
    (void)arg;
    periodic_hits = 0;
    struct rt_timer one;
    rt_timer_init(&one, "one", on_timer, "one", 15, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_t per = rt_timer_create("per", on_timer, "per", 10, RT_TIMER_FLAG_PERIODIC);
    rt_timer_t same = rt_timer_create("same", on_timer, "same", 10, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_start(per);
    rt_timer_start(same);   /* same deadline as per: after it */
    rt_timer_start(&one);
    rt_thread_delay(35);
    TU_EXPECT_INT(periodic_hits, 3);
    rt_timer_stop(per);
    TU_EXPECT_INT(rt_timer_stop(per), -RT_ERROR);
    rt_uint32_t st = 1;
    rt_timer_control(&one, RT_TIMER_CTRL_GET_STATE, &st);
    TU_EXPECT_INT(st, RT_TIMER_FLAG_DEACTIVATED);
    rt_thread_delay(30);
    TU_EXPECT_INT(periodic_hits, 3);
    rt_timer_delete(per);
    rt_timer_delete(same);
    rt_timer_detach(&one);
}

static void test_timers_order_and_period(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, timer_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "per@10 same@10 one@15 per@20 per@30");
}

/* ------------------------------------------------------------ interrupts */
static struct rt_semaphore irq_sem;

static void isr_release(void *param)
{
    (void)param;
    TU_EXPECT_INT(rt_interrupt_get_nest(), 1);
    tu_log("isr@%u", (unsigned)rt_tick_get());
    rt_sem_release(&irq_sem);
}

static void irq_waiter(void *arg)
{
    (void)arg;
    rt_err_t err = rt_sem_take(&irq_sem, RT_WAITING_FOREVER);
    tu_log("woke:%d@%u", (int)err, (unsigned)rt_tick_get());
}

static void irq_main(void *arg)
{
    (void)arg;
    rt_sem_init(&irq_sem, "irq", 0, RT_IPC_FLAG_FIFO);
    tu_spawn("waiter", irq_waiter, RT_NULL, 5, 10);
    rt_sim_irq_at(1234, isr_release, RT_NULL);
    rt_thread_delay(2000);
    tu_log("main@%u", (unsigned)rt_tick_get());
    rt_sem_detach(&irq_sem);
}

static void test_irq_at_tick_wakes_thread(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, irq_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr@1234 woke:0@1234 main@2000");
}

/* An interrupt preempts a low-priority busy thread as soon as it is due;
 * the woken high-priority thread runs before the busy one continues. */
static volatile int busy_done;

static void busy(void *arg)
{
    (void)arg;
    while (rt_tick_get() < 50)
        ;
    tu_log("busy:done@%u", (unsigned)rt_tick_get());
    busy_done = 1;
}

static void irq_preempt_main(void *arg)
{
    (void)arg;
    busy_done = 0;
    rt_sem_init(&irq_sem, "irq", 0, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(20, isr_release, RT_NULL);
    tu_spawn("waiter", irq_waiter, RT_NULL, 5, 10);
    tu_spawn("busy", busy, RT_NULL, 25, 10);
    rt_thread_delay(100);
    rt_sem_detach(&irq_sem);
}

static void test_irq_preempts_busy_thread(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, irq_preempt_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr@20 woke:0@20 busy:done@50");
}

/* Busy-wait: a loop polling the clock ends; few reads do not move it. */
static void poll_main(void *arg)
{
    (void)arg;
    rt_tick_t a = rt_tick_get(), b = rt_tick_get(), c = rt_tick_get();
    TU_EXPECT_INT(a, 0);
    TU_EXPECT_INT(b, 0);
    TU_EXPECT_INT(c, 0);
    rt_tick_t start = rt_tick_get();
    while (rt_tick_get() - start < 3000)
        ;
    TU_EXPECT_INT(rt_tick_get(), 3000);
    rt_hw_us_delay(2500);   /* 2.5 ticks at 1000 Hz */
    TU_EXPECT_INT(rt_tick_get_raw(), 3002);
    rt_hw_us_delay(500);
    TU_EXPECT_INT(rt_tick_get_raw(), 3003);
}

static void test_busy_wait_and_us_delay(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, poll_main, RT_NULL), RT_SIM_OK);
}

/* Virtual time: ten threads sleeping in loops reach tick 1,000,000 without
 * stepping through idle ticks. */
static int wakeups;

static void sleeper_loop(void *arg)
{
    rt_tick_t period = (rt_tick_t)(uintptr_t)arg;
    while (rt_tick_get() + period <= 1000000)
    {
        rt_thread_delay(period);
        wakeups++;
    }
}

static void vt_main(void *arg)
{
    (void)arg;
    wakeups = 0;
    for (int i = 0; i < 10; i++)
    {
        char name[8];
        rt_snprintf(name, sizeof name, "s%d", i);
        tu_spawn(name, sleeper_loop, (void *)(uintptr_t)(1000 + 1300 * i), (rt_uint8_t)(5 + i), 10);
    }
}

static void test_virtual_time_jumps(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, vt_main, RT_NULL), RT_SIM_OK);
    int expect = 0;
    for (int i = 0; i < 10; i++)
        expect += 1000000 / (1000 + 1300 * i);
    assert_int_equal(wakeups, expect);
}

static void forever(void *arg)
{
    (void)arg;
    for (;;)
        rt_thread_delay(1000);
}

static void test_tick_limit(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.tick_limit = 5000;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, forever, RT_NULL), RT_SIM_ETICKLIMIT);
    assert_contains(tu_report(), "tick limit 5000 reached");
}

/* The thread that was running when the limit came is in the table too
 * (it was left out: only ready and suspended threads were listed); the
 * lower-priority one it starved never ran. */
static void spin_on_clock(void *arg)
{
    (void)arg;
    tu_spawn("napper", forever, RT_NULL, 12, 10);
    for (;;)
        (void)rt_tick_get();
}

static void test_tick_limit_names_running(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.tick_limit = 50;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, spin_on_clock, RT_NULL), RT_SIM_ETICKLIMIT);
    const char *r = tu_report();
    assert_contains(r, "rtsim: tick limit 50 reached; the threads were doing:\n"
                       "  thread           pri  state    since  doing\n"
                       "  main              10  running      -  running\n"
                       "  napper            12  ready        -  ready to run\n");
}

/* -------------------------------------------------------------- deadlock */
static struct rt_semaphore dl_a, dl_b;

static void dl_thread(void *arg)
{
    (void)arg;
    rt_sem_take(&dl_b, RT_WAITING_FOREVER);
}

static void deadlock_main(void *arg)
{
    (void)arg;
    rt_sem_init(&dl_a, "sem_a", 0, RT_IPC_FLAG_FIFO);
    rt_sem_init(&dl_b, "sem_b", 0, RT_IPC_FLAG_FIFO);
    tu_spawn("worker", dl_thread, RT_NULL, 12, 10);
    rt_thread_delay(7);
    rt_sem_take(&dl_a, RT_WAITING_FOREVER);
    tu_log("unreachable");
}

/* Two threads waiting forever on semaphores nobody will release: no cycle,
 * so RT_SIM_EWAITING (not a deadlock), with each waiter and its object;
 * cfg.waiting_ok makes the same end clean (and lists no leaks: the
 * waiters still own their stacks). */
static void test_waiting_forever_reported(void **state)
{
    (void)state;
    tu_log_reset();
    tu_console_reset();
    assert_int_equal(tu_run(NULL, deadlock_main, RT_NULL), RT_SIM_EWAITING);
    assert_string_equal(tu_log_text(), "");
    const char *r = tu_report();
    assert_contains(r, "rtsim: waiting forever at tick 7: every remaining thread waits for "
                       "something no thread, timer or interrupt will give (no cycle of mutex "
                       "waits: not a deadlock; cfg.waiting_ok makes this a clean end)\n");
    assert_contains(r, "\n  main              10  suspend      7  semaphore \"sem_a\"\n");
    assert_contains(r, "\n  worker            12  suspend      0  semaphore \"sem_b\"\n");
    assert_null(strstr(r, "rtsim: deadlock"));

    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.waiting_ok = 1;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, deadlock_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_report(), "");
    assert_null(strstr(tu_console(), "leak"));
}

/* A real deadlock: a cycle of mutex waits, three threads long, reported
 * with the cycle; an unrelated thread waiting on a semaphore is listed too. */
static struct rt_mutex cy_m[3];

static void blink_nop(void *p)
{
    (void)p;
}

static void cy_thread(void *arg)
{
    int i = (int)(rt_ubase_t)arg;
    rt_mutex_take(&cy_m[i], RT_WAITING_FOREVER);
    rt_thread_delay(10);
    rt_mutex_take(&cy_m[(i + 1) % 3], RT_WAITING_FOREVER);
    tu_log("unreachable");
}

static void cycle_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
    {
        char name[8];
        snprintf(name, sizeof name, "m%d", i);
        rt_mutex_init(&cy_m[i], name, RT_IPC_FLAG_PRIO);
    }
    tu_spawn("t0", cy_thread, (void *)0, 12, 10);
    tu_spawn("t1", cy_thread, (void *)1, 12, 10);
    tu_spawn("t2", cy_thread, (void *)2, 12, 10);
    if (arg)    /* a periodic timer keeps the run going to the tick limit */
        rt_timer_start(rt_timer_create("led", blink_nop, RT_NULL, 100, RT_TIMER_FLAG_PERIODIC));
    rt_sem_init(&dl_a, "sem_a", 0, RT_IPC_FLAG_FIFO);
    rt_sem_take(&dl_a, RT_WAITING_FOREVER);
}

static void test_deadlock_reported(void **state)
{
    (void)state;
    tu_log_reset();
    tu_console_reset();
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.waiting_ok = 1;     /* never hides a cycle */
    assert_int_equal(tu_run(&cfg, cycle_main, RT_NULL), RT_SIM_EDEADLOCK);
    assert_string_equal(tu_log_text(), "");
    const char *r = tu_report();
    assert_contains(r, "rtsim: deadlock at tick 10: a cycle of threads, each waiting for a "
                       "mutex the next one holds:\n"
                       "  \"t0\" waits for mutex \"m1\" held by \"t1\"\n"
                       "  \"t1\" waits for mutex \"m2\" held by \"t2\"\n"
                       "  \"t2\" waits for mutex \"m0\" held by \"t0\"\n");
    assert_contains(r, "\n  main              10  suspend      0  semaphore \"sem_a\"\n");
    assert_contains(r, "\n  t0                12  suspend     10  mutex \"m1\"\n");

    /* A periodic timer keeps the run alive: the tick-limit report names the
     * cycle too. */
    tu_config(&cfg);
    cfg.tick_limit = 1000;
    cfg.leaks_report = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, cycle_main, (void *)1), RT_SIM_ETICKLIMIT);
    r = tu_report();
    assert_contains(r, "rtsim: tick limit 1000 reached; the threads were doing:\n");
    assert_contains(r, "  and a deadlock: a cycle of threads, each waiting for a mutex the next "
                       "one holds:\n  \"t0\" waits for mutex \"m1\" held by \"t1\"\n");
}

/* A periodic timer that never wakes anybody keeps a board busy forever;
 * cfg.stall_ticks (opt-in) ends such a run as waiting forever. */
static int blinks;

static void blink(void *p)
{
    (void)p;
    blinks++;
}

static void stall_main(void *arg)
{
    (void)arg;
    blinks = 0;
    rt_timer_t t = rt_timer_create("led", blink, RT_NULL, 500, RT_TIMER_FLAG_PERIODIC);
    rt_timer_start(t);
    rt_sem_init(&dl_a, "never", 0, RT_IPC_FLAG_FIFO);
    rt_thread_delay(100);
    rt_sem_take(&dl_a, RT_WAITING_FOREVER);
}

static void test_stall_detected(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.stall_ticks = 20000;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, stall_main, RT_NULL), RT_SIM_EWAITING);
    assert_contains(tu_report(), "rtsim: waiting forever at tick 20500: for 20400 ticks only "
                                 "timers have fired; every thread waits without a timeout");
    assert_contains(tu_report(), "semaphore \"never\"");
    assert_int_equal(blinks, 41);   /* ticks 500 .. 20500; main last ran at 100 */
}

/* ------------------------------------------------------------------ misuse */
struct misuse { const char *what; };

static void isr_blocks(void *param)
{
    (void)param;
    rt_sem_take(&irq_sem, 10);   /* blocking in an interrupt */
}

static void misuse_main(void *arg)
{
    const char *what = arg;
    if (strcmp(what, "null-sem") == 0)
        rt_sem_release(RT_NULL);
    else if (strcmp(what, "wrong-type") == 0)
    {
        static struct rt_mutex m;
        rt_mutex_init(&m, "m", RT_IPC_FLAG_PRIO);
        rt_sem_release((rt_sem_t)(void *)&m);
    }
    else if (strcmp(what, "delete-static") == 0)
    {
        static struct rt_semaphore s;
        rt_sem_init(&s, "s", 0, RT_IPC_FLAG_FIFO);
        rt_sem_delete(&s);
    }
    else if (strcmp(what, "block-in-isr") == 0)
    {
        rt_sem_init(&irq_sem, "irq", 0, RT_IPC_FLAG_FIFO);
        rt_sim_irq_at(3, isr_blocks, RT_NULL);
        rt_thread_delay(10);
    }
    tu_log("continued");
}

static void expect_misuse(const char *what, const char *needle)
{
    tu_log_reset();
    tu_console_reset();
    assert_int_equal(tu_run(NULL, misuse_main, (void *)what), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "");
    if (!strstr(tu_report(), needle))
        fail_msg("report for %s lacks \"%s\":\n%s", what, needle, tu_report());
}

static void test_misuse_reported(void **state)
{
    (void)state;
    expect_misuse("null-sem", "assertion failed: ((sem) != RT_NULL) in rt_sem_release");
    expect_misuse("wrong-type", "in rt_sem_release");
    expect_misuse("delete-static", "in rt_sem_delete");
    expect_misuse("block-in-isr", "assertion failed: (not in interrupt) in rt_sem_take");
    assert_contains(tu_console(), "Function[rt_sem_take] shall not be used in ISR");
    assert_contains(tu_report(), "tick 3, in an interrupt");
}

static void stopper(void *arg)
{
    (void)arg;
    tu_spawn("other", forever, RT_NULL, 15, 10);
    rt_thread_delay(3);
    rt_sim_stop(42);
}

static int nested_rc;

static void nested(void *arg)
{
    (void)arg;
    nested_rc = rt_sim_run(NULL, nested, NULL);
}

static void test_stop_and_bad_config(void **state)
{
    (void)state;
    nested_rc = -1;
    assert_int_equal(tu_run(NULL, nested, RT_NULL), RT_SIM_OK);
    assert_int_equal(nested_rc, RT_SIM_ECONFIG);
    assert_int_equal(tu_run(NULL, stopper, RT_NULL), 42);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "no-such-board";
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, stopper, RT_NULL), RT_SIM_ECONFIG);
    assert_contains(tu_report(), "unknown board \"no-such-board\"");
    tu_config(&cfg);
    cfg.heap = "buddy";
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, stopper, RT_NULL), RT_SIM_ECONFIG);
    assert_contains(tu_report(), "unknown heap algorithm \"buddy\"");
    /* Slab needs more room than the tiny board has: a clear refusal. */
    tu_config(&cfg);
    cfg.heap = "slab";
    cfg.board = "stm32f103c8";
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, stopper, RT_NULL), RT_SIM_ECONFIG);
    assert_contains(tu_report(), "the slab heap cannot be set up in the 16384 bytes of SRAM on board stm32f103c8");
    assert_contains(tu_console(), "slab needs at least");
}

/* --------------------------------------------- repeated runs, determinism */
static void busy_program(void *arg)
{
    (void)arg;
    rt_sem_init(&irq_sem, "irq", 0, RT_IPC_FLAG_PRIO);
    rt_sim_irq_at(15, isr_release, RT_NULL);
    tu_spawn("waiter", irq_waiter, RT_NULL, 5, 10);
    for (int i = 0; i < 3; i++)
    {
        void *p = rt_malloc(32 + (rt_sim_rand() % 64));
        tu_spawn("yield", forever, RT_NULL, 30, 10);   /* lower than main: never runs */
        rt_thread_delay(10);
        rt_free(p);
        rt_thread_t t = rt_thread_find("yield");
        if (t)
            rt_thread_delete(t);
    }
    rt_sem_detach(&irq_sem);
}

static char *traced_run(unsigned long seed, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    assert_non_null(f);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.trace = f;
    cfg.seed = seed;
    assert_int_equal(tu_run(&cfg, busy_program, RT_NULL), RT_SIM_OK);
    fclose(f);
    return text;
}

static void test_trace_is_deterministic(void **state)
{
    (void)state;
    size_t la, lb, lc;
    char *a = traced_run(7, &la), *b = traced_run(7, &lb), *c = traced_run(8, &lc);
    assert_true(la > 500);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(la != lc || memcmp(a, c, la) != 0);   /* the seed matters */
    assert_contains(a, "15 isr/tidle0 ready thread=waiter");
    assert_contains(a, "0 - create thread=main prio=10 stack=2048");
    free(a);
    free(b);
    free(c);
}

static void test_50_runs(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++)
    {
        tu_log_reset();
        assert_int_equal(tu_run(NULL, busy_program, RT_NULL), RT_SIM_OK);
        assert_string_equal(tu_log_text(), "isr@15 woke:0@15");
    }
}

/* An interrupt that falls due while interrupts are masked is delivered at
 * the outermost enable. */
static void masked_main(void *arg)
{
    (void)arg;
    rt_sem_init(&irq_sem, "irq", 0, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(2, isr_release, RT_NULL);
    rt_base_t outer = rt_hw_interrupt_disable();
    rt_base_t inner = rt_hw_interrupt_disable();
    rt_hw_us_delay(3000);            /* three ticks pass, masked */
    tu_log("masked@%u", (unsigned)rt_tick_get_raw());
    rt_hw_interrupt_enable(inner);
    tu_log("inner-enabled");
    rt_hw_interrupt_enable(outer);   /* the handler runs here */
    tu_log("enabled value=%d", irq_sem.value);
    rt_sem_detach(&irq_sem);
}

static void test_irq_delivered_at_outermost_enable(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    /* CPU model on (default): the 3 ms are CPU time; the tick interrupts
     * wait for the outermost enable, the clock with them (it is counted by
     * the tick handler), and the interrupt raised for tick 2 runs there. */
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, masked_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "masked@0 inner-enabled isr@2 enabled value=1");
    /* CPU model off: rt_hw_us_delay moves the clock itself. */
    cfg.cpu_hz = 0;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, masked_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "masked@3 inner-enabled isr@3 enabled value=1");
}

/* Real-time pacing changes when events happen, never their order. */
static void test_realtime_keeps_order(void **state)
{
    (void)state;
    size_t la, lb;
    char *a = traced_run(3, &la);
    char *b = NULL;
    FILE *f = open_memstream(&b, &lb);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.trace = f;
    cfg.seed = 3;
    cfg.realtime = 1000.0;   /* one tick = 1 microsecond of wall time */
    assert_int_equal(tu_run(&cfg, busy_program, RT_NULL), RT_SIM_OK);
    fclose(f);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

/* Leaks: listed by default; cfg.leaks_report = 0 silences the list,
 * cfg.leaks_fail makes them fail the run either way. */
static void leaky(void *arg)
{
    (void)arg;
    TU_EXPECT(rt_malloc(40) != RT_NULL);
}

static void test_leak_report_switches(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, leaky, RT_NULL), RT_SIM_OK);
    assert_contains(tu_report(), "rtsim: 1 block (40 bytes) still allocated at the end of the run:");
    cfg.leaks_report = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, leaky, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_report(), "");
    cfg.leaks_fail = 1;
    assert_int_equal(tu_run(&cfg, leaky, RT_NULL), RT_SIM_ELEAK);
    assert_string_equal(tu_report(), "");
}

static void ms_main(void *arg)
{
    (void)arg;
    TU_EXPECT_INT(rt_tick_from_millisecond(0), 0);
    TU_EXPECT_INT(rt_tick_from_millisecond(1500), 1500);
    TU_EXPECT_INT(rt_tick_from_millisecond(-1), (rt_tick_t)RT_WAITING_FOREVER);
    rt_thread_mdelay(250);
    TU_EXPECT_INT(rt_tick_get_millisecond(), 250);
}

static void test_millisecond_conversions(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, ms_main, RT_NULL), RT_SIM_OK);
}

/* rt_kprintf("%p") prints the board's address of a block in the simulated
 * RAM (0x2000.... on the default stm32f407), as the board would: RT-Thread's
 * rt_vsnprintf prints "0x" and the hex digits zero-padded to two a byte;
 * other host pointers are printed as they are.  rt_sim_host_addr maps
 * back. */
static void pointer_main(void *arg)
{
    (void)arg;
    char *p = rt_malloc(40);
    TU_EXPECT(p != RT_NULL);
    char got[40], want[40];
    rt_snprintf(got, sizeof got, "%p", p + 3);
    unsigned long t = rt_sim_target_addr(p + 3);
    snprintf(want, sizeof want, "0x%0*lx", (int)(2 * sizeof(void *)), t);
    TU_EXPECT_STR(got, want);
    TU_EXPECT(t >= 0x20000000ul && t < 0x20000000ul + 128 * 1024);
    TU_EXPECT(rt_sim_host_addr(t) == p + 3);
    tu_console_reset();
    rt_kprintf("block at %p\n", p);
    snprintf(want, sizeof want, "block at 0x%0*lx\n", (int)(2 * sizeof(void *)),
             rt_sim_target_addr(p));
    TU_EXPECT_STR(tu_console(), want);
    static int outside;
    rt_snprintf(got, sizeof got, "%p", (void *)&outside);
    snprintf(want, sizeof want, "0x%0*lx", (int)(2 * sizeof(void *)),
             (unsigned long)(uintptr_t)&outside);
    TU_EXPECT_STR(got, want);
    TU_EXPECT(!rt_sim_is_target(&outside));
    rt_free(p);
}

static void test_kprintf_pointer_is_board_address(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, pointer_main, RT_NULL), RT_SIM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_order_and_period),
        cmocka_unit_test(test_irq_at_tick_wakes_thread),
        cmocka_unit_test(test_irq_preempts_busy_thread),
        cmocka_unit_test(test_busy_wait_and_us_delay),
        cmocka_unit_test(test_virtual_time_jumps),
        cmocka_unit_test(test_tick_limit),
        cmocka_unit_test(test_tick_limit_names_running),
        cmocka_unit_test(test_deadlock_reported),
        cmocka_unit_test(test_waiting_forever_reported),
        cmocka_unit_test(test_stall_detected),
        cmocka_unit_test(test_misuse_reported),
        cmocka_unit_test(test_stop_and_bad_config),
        cmocka_unit_test(test_trace_is_deterministic),
        cmocka_unit_test(test_50_runs),
        cmocka_unit_test(test_millisecond_conversions),
        cmocka_unit_test(test_leak_report_switches),
        cmocka_unit_test(test_irq_delivered_at_outermost_enable),
        cmocka_unit_test(test_kprintf_pointer_is_board_address),
        cmocka_unit_test(test_realtime_keeps_order),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
