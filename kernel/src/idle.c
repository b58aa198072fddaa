/*
 * idle.c - the idle thread "tidle0": lowest priority, always ready.  It
 * runs the idle hooks, frees ended dynamic threads, then lets the port wait
 * for the next event (rt_hw_cpu_idle: in rtsim, the virtual clock jumps).
 */
#include "kernel.h"

#ifdef RT_USING_IDLE_HOOK
#define IDLE_HOOK_LIST_SIZE RT_IDLE_HOOK_LIST_SIZE
#else
#define IDLE_HOOK_LIST_SIZE 1     /* never filled: no rt_thread_idle_sethook */
#endif

extern rt_list_t rt_thread_defunct;

static struct rt_thread idle_thread;
static rt_uint8_t idle_stack[IDLE_THREAD_STACK_SIZE] __attribute__((aligned(RT_ALIGN_SIZE)));
static void (*idle_hook_list[IDLE_HOOK_LIST_SIZE])(void);

void rt_idle_system_reset(void)
{
    for (int i = 0; i < IDLE_HOOK_LIST_SIZE; i++)
        idle_hook_list[i] = RT_NULL;
    rt_memset(&idle_thread, 0, sizeof(idle_thread));
}

#ifdef RT_USING_IDLE_HOOK
rt_err_t rt_thread_idle_sethook(void (*hook)(void))
{
    rt_base_t level = rt_hw_interrupt_disable();
    for (int i = 0; i < IDLE_HOOK_LIST_SIZE; i++)
    {
        if (idle_hook_list[i] == RT_NULL)
        {
            idle_hook_list[i] = hook;
            rt_hw_interrupt_enable(level);
            return RT_EOK;
        }
    }
    rt_hw_interrupt_enable(level);
    return -RT_EFULL;
}

rt_err_t rt_thread_idle_delhook(void (*hook)(void))
{
    rt_base_t level = rt_hw_interrupt_disable();
    for (int i = 0; i < IDLE_HOOK_LIST_SIZE; i++)
    {
        if (idle_hook_list[i] == hook)
        {
            idle_hook_list[i] = RT_NULL;
            rt_hw_interrupt_enable(level);
            return RT_EOK;
        }
    }
    rt_hw_interrupt_enable(level);
    return -RT_ENOSYS;
}
#endif

int rt_thread_idle_hook_count(void)
{
    int n = 0;
    for (int i = 0; i < IDLE_HOOK_LIST_SIZE; i++)
        n += idle_hook_list[i] != RT_NULL;
    return n;
}

rt_thread_t rt_thread_idle_gethandler(void)
{
    return &idle_thread;
}

void rt_thread_defunct_execute(void)
{
    for (;;)
    {
        rt_base_t level = rt_hw_interrupt_disable();
        if (rt_list_isempty(&rt_thread_defunct))
        {
            rt_hw_interrupt_enable(level);
            return;
        }
        rt_thread_t thread = rt_list_entry(rt_thread_defunct.next, struct rt_thread, tlist);
        rt_list_remove(&thread->tlist);
        rt_hw_interrupt_enable(level);

        if (!rt_object_is_systemobject((rt_object_t)thread))
        {
#ifdef RT_USING_SIGNALS
            rt_thread_free_sig(thread);
#endif
            rt_free(thread->stack_addr);
            rt_object_delete((rt_object_t)thread);
        }
    }
}

static void idle_entry(void *parameter)
{
    (void)parameter;
    for (;;)
    {
        for (int i = 0; i < IDLE_HOOK_LIST_SIZE; i++)
        {
            void (*hook)(void) = idle_hook_list[i];
            if (hook != RT_NULL)
                hook();
        }
        rt_thread_defunct_execute();
        rt_hw_cpu_idle();
    }
}

void rt_thread_idle_init(void)
{
    rt_thread_init(&idle_thread, "tidle0", idle_entry, RT_NULL,
                   idle_stack, sizeof(idle_stack), RT_THREAD_PRIORITY_MAX - 1, 32);
    rt_thread_startup(&idle_thread);
}
