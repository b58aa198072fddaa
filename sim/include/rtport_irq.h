/*
 * rtport_irq.h - the host port's interrupt mask, inline, for kernel/ (see
 * kernel/include/rthw.h, "interrupts, inline").
 *
 * rt_hw_interrupt_disable / rt_hw_interrupt_enable (sim/port.c) are calls;
 * on the kernel's shortest paths (a memory pool's alloc and free, issue 19)
 * the two calls and the registers the caller saves around them cost more
 * than the pool's own work.  This header gives the kernel their common
 * case inline, on the same state the port functions use, which is why
 * that state lives here and not in sim.h's struct sim_state:
 *
 *   sim_self        the running context (NULL: a host thread rtsim does
 *                   not run: the "foreign" check, sim/port.c)
 *   sim_irq_masked  PRIMASK
 *   sim_irqs        the raised interrupts (port.c rule 8); only .n is read
 *   sim_cpu_budget  cycles left until the CPU model's next tick (cpu.c)
 *   sim_wd_beats    the watchdog's beat (watchdog.c rule 1)
 *
 * The port's own rt_hw_interrupt_disable / enable are written on top of
 * the two functions below, so the inline case and the call cannot drift
 * apart.  Whenever the inline case does not apply (a foreign thread; an
 * unmask that may deliver an interrupt or a tick) the kernel calls the
 * port function at the same place, which does exactly what it did before.
 *
 * librtsim is a static library linked into the program (never into a
 * shared object), so: thread-local variables are local-exec, read with one
 * %fs- (or %gs-) relative instruction; the others are hidden, read
 * PC-relative even from -fPIC code (meson builds static libraries with
 * it), not through the GOT, which costs one more instruction each.
 */
#ifndef RT_PORT_IRQ_H__
#define RT_PORT_IRQ_H__

#include <stddef.h>

struct sim_ctx;

/* A raised interrupt: one slot of the pending heap (port.c, rule 8). */
struct sim_irq
{
    rt_tick_t       tick;
    unsigned long long seq;     /* raising order: equal ticks run FIFO */
    void          (*isr)(void *param);
    void           *param;
};

/* The pending interrupts: a binary min-heap ordered by (tick - ref, seq),
 * where ref is at or before every pending tick (port.c, rule 8). */
struct sim_irq_queue
{
    struct sim_irq *slot;       /* slot[0] is the next one due */
    size_t n, cap;
    rt_tick_t ref;
    unsigned long long seq;
};

extern __thread struct sim_ctx *sim_self __attribute__((tls_model("local-exec")));
extern __thread int sim_cpu_budget __attribute__((tls_model("local-exec")));
#define SIM_PORT_DATA __attribute__((visibility("hidden")))
extern SIM_PORT_DATA int sim_irq_masked;
extern SIM_PORT_DATA struct sim_irq_queue sim_irqs;
extern SIM_PORT_DATA unsigned long sim_wd_beats;

/* One beat of the watchdog (watchdog.c rule 1).  The watchdog thread reads
 * the counter while a simulated thread writes it: relaxed atomics, so that
 * TSan sees no race (Helgrind and DRD are told in sim_wd_annotate). */
static inline void sim_wd_beat(void)
{
    __atomic_store_n(&sim_wd_beats, __atomic_load_n(&sim_wd_beats, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELAXED);
}

/* rthw.h's contract: rt_hw_interrupt_disable() from a thread rtsim runs -
 * save and set PRIMASK, beat - and RT_TRUE; from any other host thread
 * nothing, and RT_FALSE (the caller calls rt_hw_interrupt_disable(), whose
 * foreign-thread check refuses the call during a run). */
static inline rt_bool_t rt_hw_interrupt_disable_inline(rt_base_t *level)
{
    if (__builtin_expect(sim_self == NULL, 0))
        return RT_FALSE;
    *level = sim_irq_masked;
    sim_irq_masked = 1;
    sim_wd_beat();
    return RT_TRUE;
}

/* rthw.h's contract: restore PRIMASK and RT_TRUE, when that is all
 * rt_hw_interrupt_enable(level) does: interrupts stay masked, or no
 * interrupt is raised and the running thread has CPU time left before the
 * next tick.  Otherwise RT_FALSE, PRIMASK already restored (the caller
 * calls rt_hw_interrupt_enable(level), which delivers what is due). */
static inline rt_bool_t rt_hw_interrupt_enable_inline(rt_base_t level)
{
    sim_irq_masked = (int)level;
    return __builtin_expect(level || (!sim_irqs.n && sim_cpu_budget > 0), 1);
}

#endif
