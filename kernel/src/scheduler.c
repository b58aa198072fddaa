/*
 * scheduler.c - RT-Thread 4.1's single-core priority scheduler.
 *
 * Rules:
 *  1. Priority 0 is the highest.  Each priority has a FIFO ready list; a
 *     bitmap (two levels above 32 priorities) finds the highest non-empty
 *     list with one find-first-set.
 *  2. The running thread is not on any ready list (4.1 behaviour).
 *  3. rt_schedule picks the head of the highest ready list.  The running
 *     thread keeps the CPU if its priority is strictly higher, or equal and
 *     it has not yielded; otherwise it goes to the tail of its ready list.
 *  4. Inside an interrupt the switch is only requested; it happens when the
 *     outermost handler returns (rt_hw_context_switch_interrupt).
 *  5. rt_enter_critical/rt_exit_critical nest; while locked, rt_schedule
 *     does nothing, and the outermost exit reschedules.  In the 5.x
 *     flavour rt_enter_critical returns the level it made and
 *     rt_exit_critical_safe(level) checks it before it exits.
 */
#include "kernel.h"

rt_list_t rt_thread_priority_table[RT_THREAD_PRIORITY_MAX];
rt_uint32_t rt_thread_ready_priority_group;
#if RT_THREAD_PRIORITY_MAX > 32
rt_uint8_t rt_thread_ready_table[32];
#endif

rt_thread_t rt_current_thread;
rt_uint8_t rt_current_priority;
static rt_int16_t scheduler_lock_nest;

static void (*scheduler_hook)(rt_thread_t from, rt_thread_t to);

#ifdef RT_USING_HOOK
void rt_scheduler_sethook(void (*hook)(rt_thread_t from, rt_thread_t to))
{
    scheduler_hook = hook;
}
#endif

void rt_system_scheduler_init(void)
{
    for (int i = 0; i < RT_THREAD_PRIORITY_MAX; i++)
        rt_list_init(&rt_thread_priority_table[i]);
    rt_thread_ready_priority_group = 0;
#if RT_THREAD_PRIORITY_MAX > 32
    rt_memset(rt_thread_ready_table, 0, sizeof(rt_thread_ready_table));
#endif
    rt_current_thread = RT_NULL;
    rt_current_priority = RT_THREAD_PRIORITY_MAX - 1;
    scheduler_lock_nest = 0;
    scheduler_hook = RT_NULL;
}

static rt_ubase_t highest_ready_priority(void)
{
#if RT_THREAD_PRIORITY_MAX > 32
    rt_ubase_t number = (rt_ubase_t)__builtin_ffs((int)rt_thread_ready_priority_group) - 1;
    return (number << 3) + (rt_ubase_t)__builtin_ffs(rt_thread_ready_table[number]) - 1;
#else
    return (rt_ubase_t)__builtin_ffs((int)rt_thread_ready_priority_group) - 1;
#endif
}

static void ready_bit_set(rt_uint8_t prio)
{
#if RT_THREAD_PRIORITY_MAX > 32
    rt_thread_ready_table[prio >> 3] |= (rt_uint8_t)(1u << (prio & 7));
    rt_thread_ready_priority_group |= 1u << (prio >> 3);
#else
    rt_thread_ready_priority_group |= 1u << prio;
#endif
}

static void ready_bit_clear(rt_uint8_t prio)
{
#if RT_THREAD_PRIORITY_MAX > 32
    rt_thread_ready_table[prio >> 3] &= (rt_uint8_t)~(1u << (prio & 7));
    if (rt_thread_ready_table[prio >> 3] == 0)
        rt_thread_ready_priority_group &= ~(1u << (prio >> 3));
#else
    rt_thread_ready_priority_group &= ~(1u << prio);
#endif
}

void rt_system_scheduler_start(void)
{
    rt_ubase_t highest = highest_ready_priority();
    rt_thread_t to = rt_list_entry(rt_thread_priority_table[highest].next, struct rt_thread, tlist);

    rt_current_thread = to;
    rt_current_priority = (rt_uint8_t)highest;
    rt_schedule_remove_thread(to);
    to->stat = RT_THREAD_RUNNING;
    rt_hw_trace(RT_TRACE_SWITCH, to, RT_NULL, 0, RT_NULL);
    rt_hw_context_switch_to((rt_ubase_t)&to->sp);
}

void rt_schedule(void)
{
    rt_bool_t switched = RT_FALSE;
    rt_base_t level = rt_hw_interrupt_disable();

    if (scheduler_lock_nest == 0 && rt_thread_ready_priority_group != 0)
    {
        rt_ubase_t highest = highest_ready_priority();
        rt_thread_t from = rt_current_thread;
        rt_thread_t to = rt_list_entry(rt_thread_priority_table[highest].next,
                                       struct rt_thread, tlist);
        int requeue_from = 0;

        if ((from->stat & RT_THREAD_STAT_MASK) == RT_THREAD_RUNNING)
        {
            if (from->current_priority < highest)
                to = from;
            else if (from->current_priority == highest &&
                     (from->stat & RT_THREAD_STAT_YIELD_MASK) == 0)
                to = from;
            else
                requeue_from = 1;
            from->stat &= (rt_uint8_t)~RT_THREAD_STAT_YIELD_MASK;
        }

        if (to != from)
        {
            rt_current_priority = (rt_uint8_t)highest;
            rt_current_thread = to;
            RT_OBJECT_HOOK_CALL(scheduler_hook, (from, to));
            if (requeue_from)
                rt_schedule_insert_thread(from);
            rt_schedule_remove_thread(to);
            to->stat = (rt_uint8_t)(RT_THREAD_RUNNING | (to->stat & ~RT_THREAD_STAT_MASK));
            rt_hw_trace(RT_TRACE_SWITCH, to, RT_NULL, 0, from);

            if (rt_interrupt_get_nest() == 0)
            {
                rt_hw_context_switch((rt_ubase_t)&from->sp, (rt_ubase_t)&to->sp);
                switched = RT_TRUE;     /* `from` runs again from here */
            }
            else
                rt_hw_context_switch_interrupt((rt_ubase_t)&from->sp, (rt_ubase_t)&to->sp);
        }
        else
        {
            rt_schedule_remove_thread(rt_current_thread);
            rt_current_thread->stat = (rt_uint8_t)(RT_THREAD_RUNNING |
                                      (rt_current_thread->stat & ~RT_THREAD_STAT_MASK));
        }
    }

    rt_hw_interrupt_enable(level);
    /* Signals delivered while this thread was away (RT-Thread 4.1
     * scheduler.c: RT_THREAD_STAT_SIGNAL_PENDING after the switch). */
    if (switched)
        rt_thread_signal_check();
}

void rt_schedule_insert_thread(struct rt_thread *thread)
{
    RT_ASSERT(thread != RT_NULL);
    rt_base_t level = rt_hw_interrupt_disable();

    if (thread == rt_current_thread)
    {
        /* The running thread stays off the ready lists (rule 2). */
        thread->stat = (rt_uint8_t)(RT_THREAD_RUNNING | (thread->stat & ~RT_THREAD_STAT_MASK));
    }
    else
    {
        thread->stat = (rt_uint8_t)(RT_THREAD_READY | (thread->stat & ~RT_THREAD_STAT_MASK));
        rt_list_insert_before(&rt_thread_priority_table[thread->current_priority], &thread->tlist);
        ready_bit_set(thread->current_priority);
    }
    rt_hw_interrupt_enable(level);
}

void rt_schedule_remove_thread(struct rt_thread *thread)
{
    RT_ASSERT(thread != RT_NULL);
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_remove(&thread->tlist);
    if (rt_list_isempty(&rt_thread_priority_table[thread->current_priority]))
        ready_bit_clear(thread->current_priority);
    rt_hw_interrupt_enable(level);
}

/* Rule 5.  5.1.0 (src/scheduler_up.c, rt_enter_critical) returns the
 * nesting level it made, for rt_exit_critical_safe; 4.1.1 returns nothing. */
#if RTSIM_V5_API
rt_base_t rt_enter_critical(void)
#else
void rt_enter_critical(void)
#endif
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_base_t nest = ++scheduler_lock_nest;
    rt_hw_interrupt_enable(level);
#if RTSIM_V5_API
    return nest;
#else
    (void)nest;
#endif
}

void rt_exit_critical(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    scheduler_lock_nest--;
    if (scheduler_lock_nest <= 0)
    {
        scheduler_lock_nest = 0;
        rt_hw_interrupt_enable(level);
        if (rt_current_thread)
            rt_schedule();
        return;
    }
    rt_hw_interrupt_enable(level);
}

#if RTSIM_V5_API
/* 5.1.0 src/scheduler_up.c, rt_exit_critical_safe: with RT_USING_DEBUG (its
 * Kconfig default) a level that is not the current one is printed, once,
 * and the board spins forever; then rt_exit_critical.  rtsim checks in
 * every configuration and ends the run there as a failed RT_ASSERT
 * (RT_SIM_EASSERT) instead of spinning. */
void rt_exit_critical_safe(rt_base_t critical_level)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_base_t nest = scheduler_lock_nest;

    rt_hw_interrupt_enable(level);
    if (critical_level != nest)
    {
        rt_kprintf("%s: un-compatible critical level\n\tCurrent %d\n\tCaller %d\n",
                   __func__, (int)nest, (int)critical_level);
        RT_ASSERT(critical_level == nest);
    }
    rt_exit_critical();
}
#endif

rt_uint16_t rt_critical_level(void)
{
    return (rt_uint16_t)scheduler_lock_nest;
}
