/*
 * cpu.c - the CPU model: application code costs cycles of the board's
 * clock, and the tick interrupt comes where they reach the next tick.
 *
 * Code built with the flags of `pkg-config --cflags rtsim` carries GCC's
 * (or clang's) -fsanitize-coverage=trace-pc: the compiler puts a call to
 * __sanitizer_cov_trace_pc() at the start of every basic block.  That call
 * lands here.  rtsim's own library is built without the flag, so the
 * kernel, the port and this file cost nothing: only the application's code
 * is counted (docs/concept-time.md says why and what that means).
 *
 * Rules:
 *  1. A block costs SIM_CYCLES_PER_BLOCK cycles.  sim_cpu_budget holds the
 *     cycles left until the next tick; every block of the running thread
 *     takes its cost off.  It is a thread-local variable, so the call is
 *     five instructions (load, subtract, store, branch, return): the CPU's
 *     budget lives in the running thread's copy, and a context switch hands
 *     it over (sim_cpu_handoff, port.c switch_contexts).
 *  2. sim_cpu_counting says whether this host thread is a simulated thread
 *     of a run with the model on.  Every other host thread (the one that
 *     called rt_sim_run, a program's own threads, any thread outside a run)
 *     starts at INT_MAX cycles and, in the rare call that reaches zero, is
 *     put back there: the call costs it the same five instructions.
 *  3. When the budget is used up, the tick interrupt happens right there,
 *     on the running thread (sim_cpu_ticks_due in port.c), unless
 *     interrupts are masked or an interrupt handler runs: then the budget
 *     stays at or below zero and the tick comes at the next block or at the
 *     outermost rt_hw_interrupt_enable after they end.  No host signal.
 *  4. Every tick, whatever brought it (this model, the idle jump, clock
 *     polling, an rt_hw_us_delay), starts a new tick period of
 *     cycles_per_tick cycles; an overshoot (a block that crossed the
 *     boundary, console time spent with interrupts masked) is carried over.
 *  5. Console output and rt_hw_us_delay charge their cycles the same way
 *     (sim_cpu_charge), so every kind of CPU time adds up on one clock.
 */
#include <limits.h>

#include "sim.h"

#ifdef RTSIM_HAVE_VALGRIND
#include <valgrind/drd.h>
#endif

__thread int sim_cpu_budget __attribute__((tls_model("local-exec"))) = INT_MAX;
static __thread int sim_cpu_counting __attribute__((tls_model("local-exec")));
int sim_cpu_handoff;

static void budget_used_up(void)
{
    if (!sim_cpu_counting)
    {
        sim_cpu_budget = INT_MAX;       /* rule 2 */
        return;
    }
    sim_cpu_ticks_due();
}

/* Rule 1.  Not instrumented (the library is built without the flag); the
 * attribute keeps it so even if someone adds the flag to the library.
 * No frame pointer: the library's -fno-omit-frame-pointer would add two
 * instructions.  Weak: libFuzzer (clang -fsanitize=fuzzer, tests/fuzz/run.sh)
 * brings its own, which then wins; the CPU model is not needed there. */
#if defined(__clang__)
#define CPU_CALLBACK __attribute__((no_sanitize("coverage"), weak))
#else
#define CPU_CALLBACK __attribute__((no_sanitize_coverage, optimize("omit-frame-pointer"), weak))
#endif
CPU_CALLBACK void __sanitizer_cov_trace_pc(void);

CPU_CALLBACK void __sanitizer_cov_trace_pc(void)
{
    if (__builtin_expect((sim_cpu_budget -= SIM_CYCLES_PER_BLOCK) > 0, 1))
        return;
    budget_used_up();
}

/* The model's figures for this run, from cfg and the board. */
void sim_cpu_setup(void)
{
    unsigned long hz = sim.cfg.cpu_hz == RT_SIM_CPU_HZ_BOARD ? sim.board.cpu_hz : sim.cfg.cpu_hz;
    sim.cpu_hz = hz;
    sim.uart_baud = sim.cfg.uart_baud ? sim.cfg.uart_baud : sim.board.uart_baud;
    /* 1 kHz tick: 168,000 cycles at 168 MHz; at least one block a tick. */
    unsigned long per_tick = hz / RT_TICK_PER_SECOND;
    if (hz && per_tick < SIM_CYCLES_PER_BLOCK)
        per_tick = SIM_CYCLES_PER_BLOCK;
    sim.cycles_per_tick = (int)per_tick;
    sim_cpu_handoff = sim.cycles_per_tick;
}

/* A simulated thread starts to run (rule 2). */
void sim_cpu_attach(void)
{
    sim_cpu_counting = sim.cpu_hz != 0;
    sim_cpu_budget = sim_cpu_counting ? sim_cpu_handoff : INT_MAX;
}

/* Rule 1: the running thread hands the CPU (and its budget) over ... */
void sim_cpu_give(void)
{
    if (sim_cpu_counting)
        sim_cpu_handoff = sim_cpu_budget;
}

/* ... and takes it back when it runs again. */
void sim_cpu_take(void)
{
    if (sim_cpu_counting)
        sim_cpu_budget = sim_cpu_handoff;
}

/* Rule 4: a tick interrupt is starting. */
void sim_cpu_tick_started(void)
{
    if (!sim.cpu_hz)
        return;
    if (sim_cpu_budget > 0)
        sim_cpu_budget = sim.cycles_per_tick;
    else
        sim_cpu_budget += sim.cycles_per_tick;
}

/* Rule 5: the running thread spends `cycles`.  Ticks due come now when they
 * may (they may switch threads: the caller continues when it runs again). */
void sim_cpu_charge(unsigned long long cycles)
{
    if (!sim.cpu_hz || !sim.booted || !sim_self || sim_self == &sim.host)
        return;
    while (cycles > 0)
    {
        /* In pieces of at most one tick: the int budget never overflows. */
        unsigned long long piece = cycles;
        if (piece > (unsigned long long)sim.cycles_per_tick)
            piece = (unsigned long long)sim.cycles_per_tick;
        cycles -= piece;
        sim_cpu_budget -= (int)piece;
        if (sim_cpu_budget <= 0)
            sim_cpu_ticks_due();
        /* Masked, or in a handler: keep at most a few ticks of debt, the
         * rest is dropped as a board drops SysTick interrupts it cannot
         * take (only one can be pending). */
        if (sim_cpu_budget < -4 * sim.cycles_per_tick)
            sim_cpu_budget = -4 * sim.cycles_per_tick;
    }
}

/* Cycles of `chars` characters on the console UART (8N1: 10 bits each). */
unsigned long long sim_cpu_uart_cycles(unsigned long chars)
{
    if (!sim.cpu_hz || !sim.uart_baud)
        return 0;
    return (unsigned long long)chars * 10ull * sim.cpu_hz / sim.uart_baud;
}

/* The watchdog's benign race (watchdog.c rule 1), told to DRD (its header
 * and Helgrind's cannot share a file). */
void sim_wd_drd_ignore(void *addr, unsigned long size)
{
#ifdef RTSIM_HAVE_VALGRIND
    ANNOTATE_BENIGN_RACE_SIZED(addr, size, "rtsim watchdog");
#else
    (void)addr;
    (void)size;
#endif
}
