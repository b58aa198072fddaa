/*
 * components.c - automatic initialisation (INIT_*_EXPORT) and the kernel's
 * power-on reset.
 *
 * RT-Thread collects init functions in linker sections; rtsim registers
 * them from constructors at program load (see RT_INIT_EXPORT__ in
 * rtthread.h), which works the same on a host and on bare metal.  The
 * registry belongs to the program, not to one boot: it survives
 * rt_kernel_reset.
 */
#include "kernel.h"

static struct rt_init_desc *init_head;

/* The port's switches (rthw.h): rt_hw_trace_enabled, set while it writes
 * a trace, and the memory checker's three. */
union rt_hw_flags rt_hw_flags;

void rt_init_register(struct rt_init_desc *desc)
{
    /* Keep registration order within a level: append. */
    struct rt_init_desc **pp = &init_head;
    while (*pp)
    {
        if (*pp == desc)
            return;
        pp = &(*pp)->next;
    }
    desc->next = RT_NULL;
    *pp = desc;
}

static void run_levels(int from, int to)
{
    for (int level = from; level <= to; level++)
    {
        for (struct rt_init_desc *d = init_head; d; d = d->next)
        {
            if (d->level == level)
                d->fn();
        }
    }
}

void rt_components_board_init(void)
{
    run_levels(1, 1);
}

int rt_components_init(void)
{
    run_levels(2, 6);
    return 0;
}

void rt_components_reset(void)
{
}

void rt_kernel_reset(void)
{
    rt_system_object_init();
    rt_kservice_init();
    rt_system_scheduler_init();
    rt_system_timer_init();
    rt_thread_system_reset();
    rt_irq_system_reset();
    rt_clock_system_reset();
    rt_idle_system_reset();
    rt_components_reset();
    rt_signal_system_reset();
}
