/*
 * irq.c - interrupt nesting.  An interrupt handler runs between
 * rt_interrupt_enter and rt_interrupt_leave; a context switch requested
 * inside it happens when the outermost handler returns (the port does it).
 */
#include "kernel.h"

/* A global, as in RT-Thread 4.1.1 src/irq.c (ports read it); kernel.h
 * declares it for the heap's short path (kheap.c K12). */
volatile rt_uint8_t rt_interrupt_nest;
static void (*interrupt_enter_hook)(void);
static void (*interrupt_leave_hook)(void);

#ifdef RT_USING_HOOK
void rt_interrupt_enter_sethook(void (*hook)(void)) { interrupt_enter_hook = hook; }
void rt_interrupt_leave_sethook(void (*hook)(void)) { interrupt_leave_hook = hook; }
#endif

void rt_irq_system_reset(void)
{
    rt_interrupt_nest = 0;
    interrupt_enter_hook = RT_NULL;
    interrupt_leave_hook = RT_NULL;
}

void rt_interrupt_enter(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_interrupt_nest++;
    RT_OBJECT_HOOK_CALL(interrupt_enter_hook, ());
    rt_hw_interrupt_enable(level);
}

void rt_interrupt_leave(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    RT_OBJECT_HOOK_CALL(interrupt_leave_hook, ());
    rt_interrupt_nest--;
    rt_hw_interrupt_enable(level);
}

/* rtsim: the idle jump steps tick by tick while a hook is set (port.c),
 * so a hook sees every tick interrupt, as on a board. */
int rt_interrupt_hook_count(void)
{
    return (interrupt_enter_hook != RT_NULL) + (interrupt_leave_hook != RT_NULL);
}

rt_uint8_t rt_interrupt_get_nest(void)
{
    return rt_interrupt_nest;
}
