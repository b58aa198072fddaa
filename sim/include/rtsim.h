/*
 * rtsim.h - the simulator's control surface (prefix rt_sim_).
 *
 *     struct rt_sim_config cfg;
 *     rt_sim_config_init(&cfg);
 *     cfg.heap = "slab";
 *     int rc = rt_sim_run(&cfg, app_main, arg);
 *
 * rt_sim_run boots a fresh kernel on the chosen board, runs app_main(arg)
 * as the thread "main", schedules until nothing can happen again (no
 * thread left, no timer active, no interrupt raised) or the tick limit,
 * then tears everything down (host threads joined, arena freed).  It may be called any
 * number of times in one process, but not from two host threads at once and
 * not from inside a run.
 */
#ifndef RT_SIM_H__
#define RT_SIM_H__

#include <stdio.h>
#include <rtthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------- results of rt_sim_run */
#define RT_SIM_OK           0   /* every thread ended; nothing was wrong */
#define RT_SIM_EDEADLOCK    2   /* a cycle of threads each waiting for a mutex another
                                   one holds (the report names the cycle) */
#define RT_SIM_EASSERT      3   /* RT_ASSERT or a context check failed (API misuse) */
#define RT_SIM_EMEMORY      4   /* checked mode caught a memory mistake: bad or double
                                   free, overflow, write after free, heap corrupted */
#define RT_SIM_ELEAK        5   /* blocks leaked and cfg.leaks_fail is set */
#define RT_SIM_ETICKLIMIT   6   /* virtual time reached cfg.tick_limit */
#define RT_SIM_ECONFIG      7   /* bad board, board file or heap name, or the
                                   program and the library were compiled with
                                   different configurations (nothing ran) */
#define RT_SIM_ESTOPPED     8   /* the program called rt_sim_stop() with no code */
#define RT_SIM_EWAITING     9   /* threads remain, each waiting forever on something no
                                   one will give (no cycle); cfg.waiting_ok makes it 0 */
#define RT_SIM_EWALLCLOCK  10   /* the wall-clock watchdog fired: a thread ran for
                                   cfg.wall_timeout seconds without a kernel call.  Not
                                   returned: the process exits with this status
                                   (docs/concept-time.md) */

/* cfg.cpu_hz: run the CPU model at the board's clock (the default). */
#define RT_SIM_CPU_HZ_BOARD ((unsigned long)-1)

/* Order in which rt_mp_free hands a block to waiting threads. */
#define RT_SIM_MP_WAKE_LIFO 0   /* RT-Thread 4.1: newest waiter first (default) */
#define RT_SIM_MP_WAKE_FIFO 1   /* RT-Thread 5.x: oldest waiter first */

struct rt_sim_config
{
    /* A built-in board by name ("stm32f407", "stm32f429-disco",
     * "stm32f103c8") or the path of a board file.  Default "stm32f407". */
    const char *board;
    /* System heap algorithm: "smallmem" (default), "smallmem-classic",
     * "slab", "memheap", "tlsf". */
    const char *heap;
    /* Seed of every pseudo-random choice the simulator makes (and of the
     * C library's rand() as seen by the program).  Default 1. */
    unsigned long seed;
    /* Busy-wait detection: after this many consecutive rt_tick_get() calls
     * by a thread that does not block, the clock advances one tick.
     * Default 16; 0 disables (a busy-wait loop then never ends). */
    unsigned int poll_ticks_after;
    /* Stop the run with RT_SIM_ETICKLIMIT when virtual time reaches this
     * tick (a report lists every thread and what it was doing).  0 = no
     * limit.  Default 0.  RTSIM_TICKS=N in the environment overrides it. */
    rt_tick_t tick_limit;
    /* Stall detection (opt-in): when every thread waits without a timeout
     * and only timers keep firing for this many ticks, end the run with
     * RT_SIM_EWAITING.  Default 0 = never: a periodic timer keeps a run
     * alive until the tick limit, as it keeps a board busy. */
    rt_tick_t stall_ticks;
    /* The CPU model (docs/concept-time.md): code built with the flags of
     * `pkg-config --cflags rtsim` costs cycles at this clock, and busy code
     * sees ticks, timers, preemption and time slices.  Default
     * RT_SIM_CPU_HZ_BOARD (the board's clock: 168 MHz for the STM32F407);
     * 0 = off (CPU work and console output take no virtual time).
     * RTSIM_CPU_HZ=N in the environment overrides it. */
    unsigned long cpu_hz;
    /* Console time: rt_kprintf output takes the time the board's UART
     * needs at this rate (8N1: 10 bits a character), spent by the printing
     * thread.  0 = the board's rate (115200 on the built-in boards).  Only
     * with the CPU model on. */
    unsigned long uart_baud;
    /* End a run in which every remaining thread waits forever (no cycle)
     * as RT_SIM_OK instead of RT_SIM_EWAITING, without a report. */
    int waiting_ok;
    /* Wall-clock watchdog: seconds of real time a thread may run without
     * any kernel call (an uninstrumented `while (!flag);`, a host call that
     * never returns) before the process is stopped with a report and exit
     * status RT_SIM_EWALLCLOCK.  Default 5; 0 = off.  RTSIM_WALL_TIMEOUT=S
     * overrides it.  Under Valgrind the limit is 20 times longer. */
    double wall_timeout;
    /* Real-time pacing: 0 = pure virtual time (default); r > 0 makes one
     * tick take (1 / RT_TICK_PER_SECOND) / r wall seconds while idle.
     * Changes when events happen, never their order. */
    double realtime;
    /* Console: every rt_kprintf output goes to console(console_ctx, text);
     * NULL = stdout. */
    void (*console)(void *ctx, const char *text);
    void *console_ctx;
    /* Scheduler and allocator trace, one event per line (docs/trace.md);
     * NULL = none. */
    FILE *trace;
    /* RT_SIM_MP_WAKE_LIFO (default) or RT_SIM_MP_WAKE_FIFO. */
    int mp_wake_order;
    /* Print the deadlock / assert reports to this stream; NULL = stderr. */
    FILE *report;
    /* Leaked blocks at the end of a run fail it (RT_SIM_ELEAK). */
    int leaks_fail;
    /* List the blocks still allocated at the end of a clean run (checked
     * mode).  Default 1; a demo that ends by showing its live blocks sets 0. */
    int leaks_report;

    /* ---- checked mode (docs/mistakes.md) ----
     * 0 = off (benchmarks: no side tables, no Valgrind/ASan annotations);
     * 1 = checked (default): bad frees, slack overflows, writes after free
     *     and leaks reported, block layout and statistics unchanged;
     * 2 = strict: also guard bytes after every block and a quarantine of
     *     freed blocks, which changes the numbers `free` shows.
     * RTSIM_CHECK=off|on|strict in the environment overrides it. */
    int checked;
    /* Check the whole heap (the algorithm's invariants, every live block's
     * guard, every freed block's poison) after every heap call.  Slow. */
    int check_every_call;
    /* Fault injection: fail the Nth allocation (1 = the first), every
     * allocation after the first `after`, or each with probability p
     * (seeded by fail_alloc_seed); only allocations from the heap or pool
     * object named fail_alloc_heap when it is set.  All zero = use
     * RTSIM_FAIL_ALLOC ("nth=5", "after=100", "p=0.01,seed=7",
     * "nth=2,heap=CCM"). */
    unsigned long fail_alloc_nth;
    unsigned long fail_alloc_after;
    double fail_alloc_p;
    unsigned long fail_alloc_seed;
    const char *fail_alloc_heap;
    /* Called on the failing thread after a memory-error report, just
     * before the run stops (tests use it to prove the heap is intact:
     * rt_system_heap_check() works there).  NULL = none. */
    void (*on_memory_error)(void);
};

/* Fill cfg with the defaults above. */
void rt_sim_config_init(struct rt_sim_config *cfg);

/* Run app_main(arg) as the thread "main" on a freshly booted kernel.
 * cfg NULL = defaults.  Returns one of the RT_SIM_* codes; anything but
 * RT_SIM_OK comes with a report on cfg->report.
 *
 * rt_sim_run(cfg, app_main, arg) is a macro: it calls rt_sim_run_checked
 * with the calling program's view of the configuration (below), so a
 * program compiled with other rtconfig.h values or another word size than
 * the library gets RT_SIM_ECONFIG and a report naming each difference,
 * before anything runs.  The function itself stays callable as
 * (rt_sim_run)(...) or through a pointer, without that check. */
int rt_sim_run(const struct rt_sim_config *cfg, void (*app_main)(void *arg), void *arg);

/* sizeof a struct that exists only when its feature is configured: 0
 * when it is off (the RT_USING_* knob then names the difference). */
#ifdef RT_USING_SEMAPHORE
#define RT_SIM_KNOB_SIZEOF_SEMAPHORE_(X) X("sizeof(struct rt_semaphore)", sizeof(struct rt_semaphore))
#else
#define RT_SIM_KNOB_SIZEOF_SEMAPHORE_(X) X("sizeof(struct rt_semaphore)", 0)
#endif
#ifdef RT_USING_MUTEX
#define RT_SIM_KNOB_SIZEOF_MUTEX_(X) X("sizeof(struct rt_mutex)", sizeof(struct rt_mutex))
#else
#define RT_SIM_KNOB_SIZEOF_MUTEX_(X) X("sizeof(struct rt_mutex)", 0)
#endif
#ifdef RT_USING_EVENT
#define RT_SIM_KNOB_SIZEOF_EVENT_(X) X("sizeof(struct rt_event)", sizeof(struct rt_event))
#else
#define RT_SIM_KNOB_SIZEOF_EVENT_(X) X("sizeof(struct rt_event)", 0)
#endif
#ifdef RT_USING_MEMPOOL
#define RT_SIM_KNOB_SIZEOF_MEMPOOL_(X) X("sizeof(struct rt_mempool)", sizeof(struct rt_mempool))
#else
#define RT_SIM_KNOB_SIZEOF_MEMPOOL_(X) X("sizeof(struct rt_mempool)", 0)
#endif
#ifdef RT_USING_MEMHEAP
#define RT_SIM_KNOB_SIZEOF_MEMHEAP_(X) X("sizeof(struct rt_memheap)", sizeof(struct rt_memheap))
#else
#define RT_SIM_KNOB_SIZEOF_MEMHEAP_(X) X("sizeof(struct rt_memheap)", 0)
#endif
#ifdef RT_USING_MAILBOX
#define RT_SIM_KNOB_SIZEOF_MAILBOX_(X) X("sizeof(struct rt_mailbox)", sizeof(struct rt_mailbox))
#else
#define RT_SIM_KNOB_SIZEOF_MAILBOX_(X) X("sizeof(struct rt_mailbox)", 0)
#endif
#ifdef RT_USING_MESSAGEQUEUE
#define RT_SIM_KNOB_SIZEOF_MESSAGEQUEUE_(X) X("sizeof(struct rt_messagequeue)", sizeof(struct rt_messagequeue))
#else
#define RT_SIM_KNOB_SIZEOF_MESSAGEQUEUE_(X) X("sizeof(struct rt_messagequeue)", 0)
#endif

/* ------------------------------------------- configuration of a build */
/* Everything in the headers whose value changes a struct layout or the
 * kernel's behaviour, one line per knob: X(name, value).  The library
 * records its own values when it is compiled (sim/config_check.c); a
 * program records its values in every file that calls rt_sim_run or
 * registers a utest case.  New knobs and new public structs go at the end
 * (the comparison is by position and name). */
#define RT_SIM_CONFIG_KNOBS(X)                                              \
    X("word size (sizeof(void *))",  sizeof(void *))                        \
    X("sizeof(long)",                sizeof(long))                          \
    X("RT_NAME_MAX",                 RT_NAME_MAX)                           \
    X("RT_ALIGN_SIZE",               RT_ALIGN_SIZE)                         \
    X("RT_THREAD_PRIORITY_MAX",      RT_THREAD_PRIORITY_MAX)                \
    X("RT_TICK_PER_SECOND",          RT_TICK_PER_SECOND)                    \
    X("RT_MAIN_THREAD_STACK_SIZE",   RT_MAIN_THREAD_STACK_SIZE)             \
    X("RT_MAIN_THREAD_PRIORITY",     RT_MAIN_THREAD_PRIORITY)               \
    X("IDLE_THREAD_STACK_SIZE",      IDLE_THREAD_STACK_SIZE)                \
    X("RT_TIMER_SKIP_LIST_LEVEL",    RT_TIMER_SKIP_LIST_LEVEL)              \
    X("RT_USING_HOOK",               RT_SIM_DEFINED_(RT_USING_HOOK))        \
    X("RT_USING_SEMAPHORE",          RT_SIM_DEFINED_(RT_USING_SEMAPHORE))   \
    X("RT_USING_MUTEX",              RT_SIM_DEFINED_(RT_USING_MUTEX))       \
    X("RT_USING_EVENT",              RT_SIM_DEFINED_(RT_USING_EVENT))       \
    X("RT_USING_MEMPOOL",            RT_SIM_DEFINED_(RT_USING_MEMPOOL))     \
    X("RT_USING_HEAP",               RT_SIM_DEFINED_(RT_USING_HEAP))        \
    X("RT_USING_MEMHEAP",            RT_SIM_DEFINED_(RT_USING_MEMHEAP))     \
    X("RT_USING_SLAB",               RT_SIM_DEFINED_(RT_USING_SLAB))        \
    X("RT_DEBUG",                    RT_SIM_DEFINED_(RT_DEBUG))             \
    X("sizeof(rt_tick_t)",           sizeof(rt_tick_t))                     \
    X("sizeof(struct rt_object)",    sizeof(struct rt_object))              \
    X("sizeof(struct rt_timer)",     sizeof(struct rt_timer))               \
    X("sizeof(struct rt_thread)",    sizeof(struct rt_thread))              \
    RT_SIM_KNOB_SIZEOF_SEMAPHORE_(X)                                        \
    RT_SIM_KNOB_SIZEOF_MUTEX_(X)                                            \
    RT_SIM_KNOB_SIZEOF_EVENT_(X)                                            \
    RT_SIM_KNOB_SIZEOF_MEMPOOL_(X)                                          \
    X("sizeof(struct rt_memory)",    sizeof(struct rt_memory))              \
    RT_SIM_KNOB_SIZEOF_MEMHEAP_(X)                                          \
    X("RT_USING_MAILBOX",            RT_SIM_DEFINED_(RT_USING_MAILBOX))     \
    X("RT_USING_MESSAGEQUEUE",       RT_SIM_DEFINED_(RT_USING_MESSAGEQUEUE)) \
    X("RT_USING_SIGNALS",            RT_SIM_DEFINED_(RT_USING_SIGNALS))     \
    RT_SIM_KNOB_SIZEOF_MAILBOX_(X)                                          \
    RT_SIM_KNOB_SIZEOF_MESSAGEQUEUE_(X)                                     \
    X("sizeof(struct rt_sim_config)", sizeof(struct rt_sim_config))

/* 1 when the macro is defined (empty or with a value), 0 when not: an
 * undefined name stringizes to itself, a defined one to its expansion. */
#define RT_SIM_STR_(m) #m
#define RT_SIM_XSTR_(m) RT_SIM_STR_(m)
#define RT_SIM_DEFINED_(m) (sizeof(#m) != sizeof(RT_SIM_XSTR_(m)))

/* One build's values of RT_SIM_CONFIG_KNOBS, in table order. */
struct rt_sim_knobs
{
    unsigned int count;
    const unsigned long *value;
};
#define RT_SIM_KNOB_VALUE_(name, value) (unsigned long)(value),

/* The calling program's view (compiled into the program). */
static inline const struct rt_sim_knobs *rt_sim_program_knobs(void)
{
    static const unsigned long value[] = { RT_SIM_CONFIG_KNOBS(RT_SIM_KNOB_VALUE_) };
    static const struct rt_sim_knobs knobs = { sizeof value / sizeof value[0], value };
    return &knobs;
}

/* Compare a program's view with the library's.  Returns the number of
 * knobs that differ (0 = same configuration); when some differ and
 * `report` is not NULL, writes one line per knob, "RT_NAME_MAX: program 8,
 * library 16", and what to do about it. */
int rt_sim_config_check(const struct rt_sim_knobs *program, FILE *report);

/* rt_sim_run with the program's view checked first: RT_SIM_ECONFIG and
 * the report above (on cfg->report, else stderr) when it differs; program
 * NULL = not checked. */
int rt_sim_run_checked(const struct rt_sim_config *cfg, void (*app_main)(void *arg), void *arg,
                       const struct rt_sim_knobs *program);

/* Variadic, so that a compound literal with commas, such as
 * &(struct rt_sim_config){ .board = "stm32f407", .seed = 2 }, passes as cfg. */
#define rt_sim_run(...) rt_sim_run_checked(__VA_ARGS__, rt_sim_program_knobs())

/* Raise an interrupt: isr(param) runs as an interrupt handler (inside
 * rt_interrupt_enter/leave) when virtual time reaches `tick`; several at
 * the same tick run in the order they were raised, after that tick's
 * timers; a tick already passed runs at the next point interrupts are
 * delivered.  O(log n) for n pending.  May be called before rt_sim_run (applies to the next run) or
 * from inside a run.  Returns 0, or -1 (with a message on cfg.report or
 * stderr) when isr is NULL, when `tick` lies RT_TICK_MAX / 2 ticks or more
 * ahead of now (the counter could not tell it from a tick in the past), or
 * when out of memory. */
int rt_sim_irq_at(rt_tick_t tick, void (*isr)(void *param), void *param);

/* The running thread is about to make a host call that may block for long
 * on purpose (reading a terminal): rt_sim_watchdog_pause(1) before it,
 * rt_sim_watchdog_pause(0) after, so that the wall-clock watchdog
 * (cfg.wall_timeout) does not take the wait for a hang. */
void rt_sim_watchdog_pause(int paused);

/* Stop the current run now with `code` (returned by rt_sim_run; 0 means
 * RT_SIM_ESTOPPED).  Callable from any simulated thread or handler; does
 * not return.  From a host thread rtsim does not run (a plain pthread of
 * the program) the run stops at its next scheduling point and that host
 * thread ends (pthread_exit).  Any other kernel call from such a thread is
 * refused the same way: reported ("... called from a host thread that
 * rtsim does not run"), the run ends with RT_SIM_EASSERT. */
RT_NORETURN void rt_sim_stop(int code);

/* Tests of deliberate mistakes: read / write one byte of simulated RAM
 * the way a faulty program would, without Valgrind or ASan reporting it
 * (they would: that is what the checked-mode annotations are for), so a
 * suite that makes mistakes on purpose to see rtsim's own reports stays
 * clean under both tools.  rt_sim_peek's byte is defined for Valgrind even
 * where the program never wrote (a look, not a use). */
rt_uint8_t rt_sim_peek(const void *addr);
void rt_sim_poke(void *addr, rt_uint8_t value);

/* Nonzero while a run is in progress. */
int rt_sim_running(void);

/* The run's random generator (seeded from cfg.seed), deterministic. */
unsigned long rt_sim_rand(void);

/* ------------------------------------------------ RT-Thread utest cases */
/* The runner behind utest.h (docs/utest.md).  Every registered test case
 * (UTEST_TC_EXPORT) whose name matches runs in its own rt_sim_run(&cfg):
 * init, the case function and cleanup in the thread "main". */
struct rt_sim_utest_options
{
    /* Configuration of every run.  rt_sim_utest_options_init sets the
     * rt_sim_config defaults with board "stm32f429-disco" (8 MiB SDRAM
     * heap: room for RT-Thread's own kernel test cases).  A non-zero
     * cfg.tick_limit replaces the per-case limit below. */
    struct rt_sim_config cfg;
    /* Shell wildcard patterns (fnmatch: * ? [...]); a case runs when its
     * name matches any of them.  npatterns 0 = every case. */
    const char *const *patterns;
    int npatterns;
    /* A case may use timeout_scale x its UTEST_TC_EXPORT timeout (seconds
     * of virtual time) before the run stops with RT_SIM_ETICKLIMIT and the
     * case fails.  Default 1; 0 = no limit.  A timeout of 0 means none. */
    unsigned timeout_scale;
    /* UTEST_LOG_ALL (default: an "[    OK    ]" line per assertion that
     * holds) or UTEST_LOG_ASSERT (failures only). */
    unsigned log_level;
    /* Called on the host thread around each case's run (may be NULL). */
    void (*case_starts)(void *ctx, const char *name);
    void (*case_ends)(void *ctx, const char *name);
    void *hook_ctx;
    /* Called on the host thread after each case with its verdict (may be
     * NULL): failure NULL = passed, else why; asserts = the failed uassert
     * lines, "FILE:LINE: FUNC: MSG" one a line ("" when none). */
    void (*case_result)(void *ctx, const char *name, const char *failure, const char *asserts);
};

struct rt_sim_utest_result
{
    unsigned run;       /* cases selected and run */
    unsigned passed;
    unsigned failed;    /* an assertion, init or cleanup failed, or the run
                           did not end cleanly (deadlock, RT_ASSERT, ...) */
};

void rt_sim_utest_options_init(struct rt_sim_utest_options *opt);
/* Run the selected cases one after another, printing RT-Thread's utest
 * log lines and a summary on the console (cfg.console, else stdout).
 * Returns the number of failed cases (res may be NULL), -1 when out of
 * host memory.  Not from inside a run. */
int rt_sim_utest_run(const struct rt_sim_utest_options *opt, struct rt_sim_utest_result *res);
/* The command line of the rtsim-utest package's main() ("--help" lists
 * the options).  Returns the process exit status: 0 every selected case
 * passed, 1 a case failed, 2 bad usage or configuration, 3 no case
 * matched, 4 a case overran --wall-timeout. */
int rt_sim_utest_main(int argc, char **argv);

/* ------------------------------------------- results for CI (rtsim's own) */
/* One test case's result: failure NULL = passed, else its one-line reason;
 * detail (may be NULL) the longer text (failed uassert lines, FILE:LINE). */
struct rt_sim_case_result
{
    const char *name;
    const char *failure;
    const char *detail;
};
/* JUnit XML (one <testsuite> named `suite`, as meson, GitLab and Jenkins
 * read it) and TAP version 13.  Return 0, -1 on a write error. */
int rt_sim_write_junit(FILE *f, const char *suite, const struct rt_sim_case_result *c, int n);
int rt_sim_write_tap(FILE *f, const struct rt_sim_case_result *c, int n);

/* ------------------------------------------------------------ RAM map */
struct rt_sim_region
{
    const char   *name;     /* "SRAM", "CCM", "SDRAM" ... */
    unsigned long base;     /* target address of the first byte */
    rt_size_t     size;     /* bytes */
    rt_size_t     zi_size;  /* bytes the firmware placed at the start: .data +
                               .bss in the ZI region, the board file's `used`
                               bytes (say, a .ccmram section) elsewhere; a
                               heap over the region starts after them */
    unsigned char *host;    /* host memory backing the region */
    int           holds_zi; /* the region holding .data + .bss */
};
/* Regions of the running board, in board order; NULL when i is out of range. */
const struct rt_sim_region *rt_sim_region(int i);
int rt_sim_region_count(void);
const char *rt_sim_board_name(void);
/* Host and board addresses.  Each region's RAM is one host mapping:
 * host = region->host + (target - region->base) for target in
 * [base, base + size), and back.  Everything rtsim prints (maps, reports,
 * traces, rt_kprintf's %p through rthw.h's rt_mem_target_addr) is the
 * board's address; these convert, e.g. to read a debugger's or Valgrind's
 * host address (docs/mistakes.md, `rtsim addr`).  Valid while a run is in
 * progress (the mapping is the run's).
 *
 * rt_sim_target_addr: the board's address of a host pointer into the RAM
 * map (0x2000.... on the default stm32f407); host pointers elsewhere are
 * returned unchanged, as numbers (rt_sim_is_target tells them apart:
 * nonzero when p is inside a region). */
unsigned long rt_sim_target_addr(const void *p);
int rt_sim_is_target(const void *p);
/* The reverse: the host pointer for a board address, NULL if it is not in
 * any region. */
void *rt_sim_host_addr(unsigned long target);

#ifdef __cplusplus
}
#endif

#endif /* RT_SIM_H__ */
