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
 *     takes its cost off.  One CPU, one running thread at a time (it holds
 *     sim_lock), so one plain counter is enough.
 *  2. sim_cpu_meter is a per-host-thread pointer: &sim_cpu_budget in a
 *     simulated thread while the model is on, NULL everywhere else (the
 *     host thread that called rt_sim_run, any other host thread, every
 *     thread outside a run).  NULL = the call returns at once.
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
#include "sim.h"

#ifdef RTSIM_HAVE_VALGRIND
#include <valgrind/drd.h>
#endif

int sim_cpu_budget;
__thread int *sim_cpu_meter;

/* Rule 1.  Not instrumented (the library is built without the flag); the
 * attribute keeps it so even if someone adds the flag to the library. */
__attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_pc(void);

__attribute__((no_sanitize_coverage)) void __sanitizer_cov_trace_pc(void)
{
    int *meter = sim_cpu_meter;
    if (__builtin_expect(meter == NULL, 0))
        return;
    if ((*meter -= SIM_CYCLES_PER_BLOCK) > 0)
        return;
    sim_cpu_ticks_due();
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
    sim_cpu_budget = sim.cycles_per_tick;
}

/* The meter of a simulated thread starting to run (rule 2). */
void sim_cpu_attach(void)
{
    sim_cpu_meter = sim.cpu_hz ? &sim_cpu_budget : NULL;
}

void sim_cpu_detach(void)
{
    sim_cpu_meter = NULL;
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
