/*
 * rthw.h - the port contract: everything the kernel needs from the machine.
 *
 * kernel/ calls only these functions to reach hardware.  On a board they
 * would be a few lines of assembly; in rtsim, sim/ implements them on top of
 * host threads and virtual time (see sim/port.c).  A port must provide
 * every function declared here.
 */
#ifndef RT_HW_H__
#define RT_HW_H__

#include "rtthread.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ interrupts */
/* Mask interrupts and return the previous mask state (PRIMASK-style: the
 * returned level is handed back to rt_hw_interrupt_enable).  Nesting works
 * because each caller restores what it saw. */
rt_base_t rt_hw_interrupt_disable(void);
/* Restore the mask state `level`.  When interrupts become unmasked outside
 * an interrupt handler, events that fell due meanwhile are delivered. */
void rt_hw_interrupt_enable(rt_base_t level);

/* -------------------------------------------------------- thread contexts */
/* Prepare the context of a new thread that will start in tentry(parameter)
 * and call texit() when tentry returns.  stack_addr is the top of the
 * thread's RT-Thread stack.  Returns the value the kernel stores in
 * thread->sp.  In rtsim the result is an opaque host-thread context. */
rt_uint8_t *rt_hw_stack_init(void *tentry, void *parameter,
                             rt_uint8_t *stack_addr, void *texit);
/* Switch from the thread whose sp is at address `from` to the one whose sp
 * is at `to`.  Returns when `from` runs again.  A `from` thread whose state
 * is RT_THREAD_CLOSE never runs again. */
void rt_hw_context_switch(rt_ubase_t from, rt_ubase_t to);
/* Start the first thread; the caller (boot code) does not continue until
 * the run ends. */
void rt_hw_context_switch_to(rt_ubase_t to);
/* Request a switch from inside an interrupt handler; it happens when the
 * outermost handler returns. */
void rt_hw_context_switch_interrupt(rt_ubase_t from, rt_ubase_t to);
/* A thread that is not running has been closed (deleted or detached):
 * release its context.  `sp` is the closed thread's thread->sp. */
void rt_hw_context_release(void *sp);

/* The idle thread has nothing to do: wait for the next event (a timer
 * deadline or an interrupt).  rtsim advances virtual time here, ends the
 * run when no thread is left, and reports a deadlock when threads remain
 * but no event can ever come. */
void rt_hw_cpu_idle(void);

/* The tick counter as the kernel sees it (no busy-wait accounting). */
rt_tick_t rt_tick_get_raw(void);

/* The clock was read without blocking (busy-wait detection, see
 * rt_tick_get).  Called with interrupts unmasked from thread context. */
void rt_hw_tick_polled(void);
/* Busy-wait `us` microseconds: advances the virtual clock. */
void rt_hw_us_delay(rt_uint32_t us);

/* ----------------------------------------------------------- console, log */
void rt_hw_console_output(const char *str);

/* A failed RT_ASSERT or context check: report and stop the run.  Does not
 * return. */
RT_NORETURN void rt_hw_assert_failed(const char *ex, const char *func, rt_size_t line);

/* ------------------------------------------------------------------- boot */
/* Put every kernel global back to its power-on state (object containers,
 * scheduler, timers, tick, hooks).  The port calls it before each boot, so
 * one process can boot the kernel again and again. */
void rt_kernel_reset(void);

/* ------------------------------------------------------------------ trace */
enum rt_trace_event
{
    RT_TRACE_THREAD_CREATE,     /* obj = thread */
    RT_TRACE_THREAD_START,      /* obj = thread */
    RT_TRACE_THREAD_EXIT,       /* obj = thread */
    RT_TRACE_SWITCH,            /* obj = thread switched to */
    RT_TRACE_READY,             /* obj = thread made ready */
    RT_TRACE_SUSPEND,           /* obj = thread, extra = object waited on or NULL */
    RT_TRACE_TIMEOUT,           /* obj = thread whose wait timed out */
    RT_TRACE_IRQ_ENTER,
    RT_TRACE_IRQ_LEAVE,
    RT_TRACE_MALLOC,            /* obj = heap, addr = block (or NULL), size = request */
    RT_TRACE_FREE,              /* obj = heap, addr = block */
    RT_TRACE_REALLOC,           /* obj = heap, addr = new block, extra = old block, size */
    RT_TRACE_MP_ALLOC,          /* obj = pool, addr = block or NULL */
    RT_TRACE_MP_FREE,           /* obj = pool, addr = block */
    RT_TRACE_EVENT_COUNT
};
/* One kernel event for the simulator's trace.  Pointers are host addresses;
 * the port prints them as target addresses.  The port sets
 * rt_hw_trace_enabled while a trace is being written, so that the kernel's
 * hot paths pay one test, not a call, when nobody listens. */
void rt_hw_trace_event(int event, const void *obj, const void *addr,
                       rt_size_t size, const void *extra);
extern rt_uint8_t rt_hw_trace_enabled;

rt_inline void rt_hw_trace(int event, const void *obj, const void *addr,
                           rt_size_t size, const void *extra)
{
    if (rt_hw_trace_enabled)
        rt_hw_trace_event(event, obj, addr, size, extra);
}

#ifdef __cplusplus
}
#endif

#endif /* RT_HW_H__ */
