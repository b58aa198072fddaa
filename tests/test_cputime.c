/*
 * test_cputime.c - the CPU model (sim/cpu.c, docs/concept-time.md).
 *
 * This file is compiled with -fsanitize-coverage=trace-pc, the flag
 * rtsim.pc gives a user's program: every basic block here costs cycles of
 * the board's clock, and busy code sees ticks, timers, preemption and time
 * slices, in both word-size models.  Exact ticks are asserted wherever the
 * outcome does not depend on how many blocks the compiler made of a loop
 * (time slices, timer deadlines); where it does (how far a counter got),
 * the test asserts the order of events and that two runs are identical.
 *
 * The RT-Thread samples re-created here (behaviour, not code): the
 * programming manual's time-slice, scheduler-hook, timer and idle-hook
 * samples (RT-Thread-packages/kernel-sample, en/ *_sample.c) and RT-Thread 4.1's
 * examples/utest/testcases/kernel/thread_tc.c test_thread_delay (a thread
 * spins on `while (tid3_finish_flag != 1);` until a higher-priority thread
 * woken by its 15-tick delay sets it).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rthw.h>
#include "testutil.h"

#define assert_contains(hay, needle) \
    do { if (!strstr((hay), (needle))) fail_msg("missing \"%s\" in:\n%s", (needle), (hay)); } while (0)

static volatile int flag;

/* ------------------------------------------- a spin ended by a time slice */
static void setter(void *arg)
{
    (void)arg;
    tu_log("setter@%u", (unsigned)rt_tick_get_raw());
    flag = 1;
}

static void spin_equal_main(void *arg)
{
    (void)arg;
    flag = 0;
    /* Same priority as main (10): it runs when main's 20-tick slice ends. */
    tu_spawn("setter", setter, RT_NULL, 10, 5);
    while (!flag)
        ;
    tu_log("main-saw@%u", (unsigned)rt_tick_get_raw());
}

static void test_spin_ended_by_time_slice(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, spin_equal_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "setter@20 main-saw@20");
}

/* ---------------------- thread_tc.c's test_thread_delay: a timer wakes a
 * higher-priority thread, which preempts the spinning one at its tick */
static volatile int t3_done, t3_pass;

static void thread3(void *arg)
{
    (void)arg;
    rt_tick_t start = rt_tick_get();
    rt_thread_delay(15);
    rt_tick_t woke = rt_tick_get();
    tu_log("t3:%u->%u", (unsigned)start, (unsigned)woke);
    t3_pass = woke - start == 15;
    t3_done = 1;
}

static void spin_timer_main(void *arg)
{
    (void)arg;
    t3_done = t3_pass = 0;
    tu_spawn("thread3", thread3, RT_NULL, rt_thread_self()->current_priority - 1, 10);
    while (t3_done != 1)
        ;
    tu_log("main-saw@%u", (unsigned)rt_tick_get_raw());
    TU_EXPECT(t3_pass == 1);
}

static void test_spin_ended_by_timer_woken_thread(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, spin_timer_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "t3:0->15 main-saw@15");
}

/* -------------------------- two CPU-bound threads share by their slices */
static char hook_log[2048];
static size_t hook_len;
static volatile int stop;

static void switch_hook(struct rt_thread *from, struct rt_thread *to)
{
    if (hook_len + 48 < sizeof hook_log)
        hook_len += (size_t)snprintf(hook_log + hook_len, sizeof hook_log - hook_len,
                                     "%.*s>%.*s@%u ", RT_NAME_MAX, from->name, RT_NAME_MAX,
                                     to->name, (unsigned)rt_tick_get_raw());
}

static void burner(void *arg)
{
    volatile unsigned long *count = arg;
    while (!stop)
        (*count)++;
}

static unsigned long burned[2];

static void interleave_main(void *arg)
{
    (void)arg;
    stop = 0;
    burned[0] = burned[1] = 0;
    hook_len = 0;
    hook_log[0] = '\0';
    rt_scheduler_sethook(switch_hook);
    tu_spawn("T1", burner, &burned[0], 12, 3);
    tu_spawn("T2", burner, &burned[1], 12, 7);
    rt_thread_delay(40);            /* main (10) preempts both at tick 40 */
    stop = 1;
    rt_scheduler_sethook(RT_NULL);
}

static void test_cpu_bound_threads_interleave_by_slices(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, interleave_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(hook_log,
        "main>T1@0 T1>T2@3 T2>T1@10 T1>T2@13 T2>T1@20 T1>T2@23 T2>T1@30 T1>T2@33 "
        /* Tick 40 ends T2's slice (T1 is chosen) and wakes main, which
         * preempts: RT-Thread's rt_schedule calls the hook for both. */
        "T2>T1@40 T1>main@40 ");
    /* T1 had 4 slices of 3 ticks, T2 4 of 7: work in proportion. */
    unsigned long a = burned[0], b = burned[1];
    assert_true(a > 0 && b > 0);
    assert_true(b * 12 > a * 25 && b * 12 < a * 31);     /* b/a ~ 27/12 */
    /* Byte-identical: the same counts again. */
    assert_int_equal(tu_run(NULL, interleave_main, RT_NULL), RT_SIM_OK);
    assert_int_equal(burned[0], a);
    assert_int_equal(burned[1], b);
}

/* -------------------------------------- the manual's time-slice sample */
static void slice_entry(void *parameter)
{
    rt_uint32_t value = (rt_uint32_t)(rt_ubase_t)parameter;
    rt_uint32_t count = 0;
    for (;;)
    {
        if (count % 5 == 0)
        {
            rt_kprintf("thread %u is running ,thread %u count = %u\n", (unsigned)value,
                       (unsigned)value, (unsigned)count);
            if (count > 200)
                return;
        }
        count++;
    }
}

static void timeslice_main(void *arg)
{
    (void)arg;
    rt_thread_t t = rt_thread_create("thread1", slice_entry, (void *)1, 1024, 20, 10);
    rt_thread_startup(t);
    t = rt_thread_create("thread2", slice_entry, (void *)2, 1024, 20, 5);
    rt_thread_startup(t);
}

/* Lines of the console printed by "thread N", in order: "1122211..." */
static int owner_changes(const char *text, int *lines)
{
    int changes = 0, last = 0;
    *lines = 0;
    for (const char *p = text; (p = strstr(p, "thread ")); p++)
    {
        int who = p[7] - '0';
        if (last && who != last)
            changes++;
        last = who;
        (*lines)++;
        p = strchr(p, '\n');
        if (!p)
            break;
    }
    return changes;
}

static void test_timeslice_sample(void **state)
{
    (void)state;
    tu_console_reset();
    assert_int_equal(tu_run(NULL, timeslice_main, RT_NULL), RT_SIM_OK);
    char *first = strdup(tu_console());
    int lines;
    int changes = owner_changes(first, &lines);
    assert_int_equal(lines, 2 * 42);        /* counts 0, 5, ... 205 */
    /* A line is ~43 characters: 3.7 ms at 115200 baud.  Thread 1 prints
     * about 3 lines a 10-tick slice, thread 2 about 2 in its 5 ticks: the
     * output alternates, as on a board. */
    assert_true(changes >= 25);
    assert_contains(first, "thread 1 is running ,thread 1 count = 205\n");
    assert_contains(first, "thread 2 is running ,thread 2 count = 205\n");
    /* Byte-identical output on a second run. */
    tu_console_reset();
    assert_int_equal(tu_run(NULL, timeslice_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_console(), first);
    /* With the CPU model off nothing takes time: thread 1 prints all its
     * lines before thread 2 runs. */
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.cpu_hz = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, timeslice_main, RT_NULL), RT_SIM_OK);
    assert_int_equal(owner_changes(tu_console(), &lines), 1);
    free(first);
}

/* ------------------------------------ the manual's scheduler-hook sample */
static void hook_entry(void *parameter)
{
    rt_uint32_t value = (rt_uint32_t)(rt_ubase_t)parameter;
    for (;;)
    {
        rt_kprintf("thread %u is running\n", (unsigned)value);
        rt_thread_mdelay(1000);
    }
}

static void print_hook(struct rt_thread *from, struct rt_thread *to)
{
    rt_kprintf("from: %.*s -->  to: %.*s \n", RT_NAME_MAX, from->name, RT_NAME_MAX, to->name);
}

static void sched_hook_main(void *arg)
{
    (void)arg;
    rt_scheduler_sethook(print_hook);
    rt_thread_startup(rt_thread_create("thread1", hook_entry, (void *)1, 1024, 20, 10));
    rt_thread_startup(rt_thread_create("thread2", hook_entry, (void *)2, 1024, 20, 5));
}

static void test_scheduler_hook_sample(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.tick_limit = 2500;      /* the threads run forever, like firmware */
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, sched_hook_main, RT_NULL), RT_SIM_ETICKLIMIT);
    /* The idle thread runs between the two: each prints, then sleeps. */
    assert_contains(tu_console(),
        "from: main -->  to: thread1 \n"
        "thread 1 is running\n"
        "from: thread1 -->  to: thread2 \n"
        "thread 2 is running\n"
        "from: thread2 -->  to: tidle0 \n"
        "from: tidle0 -->  to: thread1 \n"
        "thread 1 is running\n");
    assert_contains(tu_report(), "rtsim: tick limit 2500 reached; the threads were doing:\n");
    assert_contains(tu_report(), "  thread1           20  suspend ");
    assert_contains(tu_report(), "  thread2           20  suspend ");
    assert_contains(tu_report(), "sleeping until tick ");
}

/* ----------------- the manual's timer sample, called from main: the timers
 * keep the run alive after every thread has ended */
static rt_timer_t tm1, tm2;
static int tm_cnt;

static void timeout1(void *parameter)
{
    (void)parameter;
    rt_kprintf("periodic timer is timeout %d\n", tm_cnt);
    tu_log("t1@%u", (unsigned)rt_tick_get_raw());
    if (tm_cnt++ >= 9)
    {
        rt_timer_stop(tm1);
        rt_kprintf("periodic timer was stopped! \n");
    }
}

static void timeout2(void *parameter)
{
    (void)parameter;
    rt_kprintf("one shot timer is timeout\n");
    tu_log("t2@%u", (unsigned)rt_tick_get_raw());
}

static void timer_main(void *arg)
{
    (void)arg;
    tm_cnt = 0;
    tm1 = rt_timer_create("timer1", timeout1, RT_NULL, 10, RT_TIMER_FLAG_PERIODIC);
    rt_timer_start(tm1);
    tm2 = rt_timer_create("timer2", timeout2, RT_NULL, 30, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_start(tm2);
}

static void test_timer_sample_keeps_the_run_alive(void **state)
{
    (void)state;
    tu_log_reset();
    tu_console_reset();
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.leaks_report = 0;   /* the sample never deletes its timers */
    assert_int_equal(tu_run(&cfg, timer_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(),
        /* At tick 30 timer2 (armed at 0 for 30) fires before timer1 (armed
         * again at 20 for 30): equal deadlines keep arming order. */
        "t1@10 t1@20 t2@30 t1@30 t1@40 t1@50 t1@60 t1@70 t1@80 t1@90 t1@100");
    assert_contains(tu_console(), "periodic timer is timeout 9\nperiodic timer was stopped! \n");
}

/* A periodic timer that is never stopped: the run goes on to the limit. */
static void blink(void *p) { (void)p; }

static void forever_timer_main(void *arg)
{
    (void)arg;
    rt_timer_start(rt_timer_create("led", blink, RT_NULL, 500, RT_TIMER_FLAG_PERIODIC));
}

/* A firmware: main loops forever with a delay. */
static void firmware_main(void *arg)
{
    (void)arg;
    for (;;)
        rt_thread_mdelay(500);
}

static void test_timers_and_loops_run_to_the_tick_limit(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.tick_limit = 100000;
    cfg.leaks_report = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, forever_timer_main, RT_NULL), RT_SIM_ETICKLIMIT);
    assert_contains(tu_report(), "rtsim: tick limit 100000 reached");
    /* RTSIM_TICKS sets the limit of any run. */
    setenv("RTSIM_TICKS", "2200", 1);
    tu_console_reset();
    int rc = tu_run(NULL, firmware_main, RT_NULL);
    unsetenv("RTSIM_TICKS");
    assert_int_equal(rc, RT_SIM_ETICKLIMIT);
    assert_string_equal(tu_report(),
        "rtsim: tick limit 2200 reached; the threads were doing:\n"
        "  thread           pri  state    since  doing\n"
        "  main              10  suspend   2000  sleeping until tick 2500\n");
    setenv("RTSIM_TICKS", "lots", 1);
    tu_console_reset();
    rc = tu_run(NULL, firmware_main, RT_NULL);
    unsetenv("RTSIM_TICKS");
    assert_int_equal(rc, RT_SIM_ECONFIG);
    assert_contains(tu_report(), "RTSIM_TICKS=\"lots\" is not a tick count");
}

/* ------------------------------------------ the manual's idle-hook sample */
static volatile int hook_times;
static int hook_seen[5];

static void idle_hook(void)
{
    rt_enter_critical();
    hook_times++;
    rt_exit_critical();
}

static void idle_thread1(void *parameter)
{
    (void)parameter;
    for (int i = 0; i < 5; i++)
    {
        rt_kprintf("enter thread1.\n");
        rt_enter_critical();
        hook_seen[i] = hook_times;
        hook_times = 0;
        rt_exit_critical();
        rt_kprintf("thread1 delay 500ms.\n");
        rt_thread_mdelay(500);
    }
    rt_thread_idle_delhook(idle_hook);
    rt_kprintf("thread1 finish.\n");
}

static void idlehook_main(void *arg)
{
    (void)arg;
    hook_times = 0;
    rt_thread_idle_sethook(idle_hook);
    rt_thread_startup(rt_thread_create("thread1", idle_thread1, RT_NULL, 1024, 20, 5));
}

static void test_idle_hook_sample(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, idlehook_main, RT_NULL), RT_SIM_OK);
    /* Each 500 ms sleep is 500 idle ticks (the prints around it are the
     * thread's time, not idle time): the hook runs once per idle tick. */
    for (int i = 1; i < 5; i++)
    {
        if (hook_seen[i] != 500)
            fail_msg("round %d: the hook ran %d times, not 500", i, hook_seen[i]);
    }
}

/* ------------------------------------ interrupts masked: the tick waits */
static unsigned long spin_blocks(unsigned long n)
{
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < n; i++)
        x += i;
    return x;
}

static void masked_spin_main(void *arg)
{
    (void)arg;
    rt_tick_t t0 = rt_tick_get_raw();
    rt_base_t level = rt_hw_interrupt_disable();
    spin_blocks(200000);                /* well over one tick of blocks */
    tu_log("masked:%u", (unsigned)(rt_tick_get_raw() - t0));
    rt_hw_interrupt_enable(level);
    tu_log("enabled:%d", rt_tick_get_raw() - t0 >= 1);
    rt_enter_critical();
    t0 = rt_tick_get_raw();
    spin_blocks(200000);                /* ticks come, the switch waits */
    tu_log("critical:%d", rt_tick_get_raw() - t0 >= 1);
    rt_exit_critical();
}

static void test_tick_waits_for_interrupts_enabled(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, masked_spin_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "masked:0 enabled:1 critical:1");
}

/* ------------------------------------------------ cpu_hz, board clocks */
static rt_tick_t loop_ticks;

static void loop_main(void *arg)
{
    (void)arg;
    rt_tick_t t0 = rt_tick_get_raw();
    spin_blocks(4000000);
    loop_ticks = rt_tick_get_raw() - t0;
}

static rt_tick_t ticks_of_loop(const char *board, unsigned long hz)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = board;
    cfg.cpu_hz = hz;
    assert_int_equal(tu_run(&cfg, loop_main, RT_NULL), RT_SIM_OK);
    return loop_ticks;
}

static void test_cpu_hz_scales_time(void **state)
{
    (void)state;
    rt_tick_t f407 = ticks_of_loop("stm32f407", RT_SIM_CPU_HZ_BOARD);
    rt_tick_t f103 = ticks_of_loop("stm32f103c8", RT_SIM_CPU_HZ_BOARD);
    rt_tick_t half = ticks_of_loop("stm32f407", 84000000ul);
    /* At least 4 million blocks of 4 cycles: >= 95 ms at 168 MHz. */
    assert_true(f407 >= 95);
    /* 168 / 72 MHz: the F103 takes 7/3 as long, half the clock twice
     * (each count is within a tick: where the loop starts in a tick). */
    assert_true((f407 - 1) * 7 <= f103 * 3 && f103 * 3 <= (f407 + 1) * 7);
    assert_true(2 * (f407 - 1) <= half && half <= 2 * (f407 + 1));
    assert_int_equal(ticks_of_loop("stm32f407", 0), 0);
}

/* The callback outside a run, and in a host thread: nothing happens. */
static void *host_worker(void *arg)
{
    (void)arg;
    spin_blocks(3000000);       /* ~70 ticks' worth if it were counted */
    return NULL;
}

static void host_thread_main(void *arg)
{
    (void)arg;
    rt_tick_t t0 = rt_tick_get_raw();
    pthread_t t;
    TU_EXPECT_INT(pthread_create(&t, NULL, host_worker, NULL), 0);
    TU_EXPECT_INT(pthread_join(t, NULL), 0);
    tu_log("host-thread:%u", (unsigned)(rt_tick_get_raw() - t0));
}

static void test_outside_a_run_costs_nothing(void **state)
{
    (void)state;
    assert_int_equal(spin_blocks(1000), 499500);
    assert_false(rt_sim_running());
    tu_log_reset();
    assert_int_equal(tu_run(NULL, host_thread_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "host-thread:0");
}

/* ----------------------------------------------- the wall-clock watchdog */
static void spin_forever_main(void *arg)
{
    (void)arg;
    flag = 0;
    tu_spawn("spinner", setter, RT_NULL, 10, 5);
    while (!flag)       /* with the CPU model off, nothing ends this */
        ;
}

/* The child process: a run that spins, watched with a 0.3 s watchdog.
 * It is a fresh exec of this program, so that under Valgrind (which does
 * not follow exec) it runs natively: the watchdog's _exit leaves threads
 * and locks behind on purpose, which memcheck and helgrind would report. */
static int watchdog_child(void)
{
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.cpu_hz = 0;             /* as if built without rtsim's flags */
    cfg.wall_timeout = 0.3;
    rt_sim_run(&cfg, spin_forever_main, RT_NULL);
    return 0;                   /* not reached */
}

static const char *self_path;

static void test_watchdog_stops_an_uninstrumented_spin(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
    {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        unsetenv("RTSIM_WALL_TIMEOUT");
        unsetenv("RTSIM_CPU_HZ");
        execl(self_path, self_path, "--watchdog-child", (char *)NULL);
        /* No exec (an emulated model the kernel cannot start: qemu-i386
         * then runs us): the same run in the forked process. */
        _exit(watchdog_child());
    }
    close(pipefd[1]);
    char buf[2048];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(pipefd[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)k;
    buf[n] = '\0';
    close(pipefd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), RT_SIM_EWALLCLOCK);
    assert_contains(buf, "rtsim: wall-clock watchdog: thread \"main\" (priority 10) has run for ");
    assert_contains(buf, " s of real time at tick 0 without calling the kernel\n");
    assert_contains(buf, "cc app.c $(pkg-config --cflags --libs rtsim)");
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--watchdog-child") == 0)
        return watchdog_child();
    /* argv[0], not /proc/self/exe: under Valgrind that is Valgrind. */
    self_path = argc > 0 && strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spin_ended_by_time_slice),
        cmocka_unit_test(test_spin_ended_by_timer_woken_thread),
        cmocka_unit_test(test_cpu_bound_threads_interleave_by_slices),
        cmocka_unit_test(test_timeslice_sample),
        cmocka_unit_test(test_scheduler_hook_sample),
        cmocka_unit_test(test_timer_sample_keeps_the_run_alive),
        cmocka_unit_test(test_timers_and_loops_run_to_the_tick_limit),
        cmocka_unit_test(test_idle_hook_sample),
        cmocka_unit_test(test_tick_waits_for_interrupts_enabled),
        cmocka_unit_test(test_cpu_hz_scales_time),
        cmocka_unit_test(test_outside_a_run_costs_nothing),
        cmocka_unit_test(test_watchdog_stops_an_uninstrumented_spin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
