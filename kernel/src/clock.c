/*
 * clock.c - the system tick.
 *
 * rt_tick counts tick interrupts since boot.  The port calls
 * rt_tick_increase from its tick interrupt; in rtsim that interrupt is
 * virtual: it comes when every thread is blocked (time jumps to the next
 * deadline) or when a thread busy-polls the clock (rt_hw_tick_polled).
 */
#include "kernel.h"

static volatile rt_tick_t rt_tick;

void rt_clock_system_reset(void)
{
    rt_tick = 0;
}

rt_tick_t rt_tick_get_raw(void)
{
    return rt_tick;
}

rt_tick_t rt_tick_get(void)
{
    /* A thread polling the clock is burning CPU time (see rthw.h). */
    if (rt_interrupt_get_nest() == 0 && rt_thread_self() != RT_NULL)
        rt_hw_tick_polled();
    return rt_tick;
}

void rt_tick_set(rt_tick_t tick)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_tick = tick;
    rt_hw_interrupt_enable(level);
}

void rt_tick_increase(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    ++rt_tick;

    /* Expire the running thread's time slice (round robin). */
    rt_thread_t thread = rt_thread_self();
    if (thread != RT_NULL)
    {
        if (thread->remaining_tick > 0)
            --thread->remaining_tick;
        if (thread->remaining_tick == 0)
        {
            thread->remaining_tick = thread->init_tick;
            thread->stat |= RT_THREAD_STAT_YIELD;
            rt_hw_interrupt_enable(level);
            rt_schedule();
            level = rt_hw_interrupt_disable();
        }
    }
    rt_hw_interrupt_enable(level);
    rt_timer_check();
}

rt_tick_t rt_tick_from_millisecond(rt_int32_t ms)
{
    if (ms < 0)
        return (rt_tick_t)RT_WAITING_FOREVER;
    rt_tick_t tick = RT_TICK_PER_SECOND * ((rt_uint32_t)ms / 1000);
    tick += (RT_TICK_PER_SECOND * ((rt_uint32_t)ms % 1000) + 999) / 1000;
    return tick;
}

rt_tick_t rt_tick_get_millisecond(void)
{
    return rt_tick_get() * (1000u / RT_TICK_PER_SECOND);
}
