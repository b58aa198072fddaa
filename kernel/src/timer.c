/*
 * timer.c - one-shot and periodic timers (RT-Thread 4.1, hard timers).
 *
 * Rules:
 *  1. Active timers sit on one list sorted by expiry tick; a timer expiring
 *     at the same tick as others goes after them (expiry is FIFO).
 *  2. Ticks wrap: a timer is due when (now - timeout_tick) < RT_TICK_MAX/2,
 *     so a timeout may be at most RT_TICK_MAX/2 - 1 ticks away.
 *  3. rt_timer_check, called from the tick interrupt, runs every due timer
 *     in list order with interrupts enabled; a periodic timer that is still
 *     active after its callback is restarted from the current tick.
 *  4. RT_TIMER_FLAG_SOFT_TIMER timers run in the tick interrupt too (the
 *     simulator has no timer thread); documented in docs/kernel.md.
 * Start is O(active timers); stop and expiry are O(1) each.
 */
#include "kernel.h"

static rt_list_t timer_list[RT_TIMER_SKIP_LIST_LEVEL];

static void (*timer_enter_hook)(struct rt_timer *timer);
static void (*timer_exit_hook)(struct rt_timer *timer);

#ifdef RT_USING_HOOK
void rt_timer_enter_sethook(void (*hook)(struct rt_timer *timer)) { timer_enter_hook = hook; }
void rt_timer_exit_sethook(void (*hook)(struct rt_timer *timer)) { timer_exit_hook = hook; }
#endif

void rt_system_timer_init(void)
{
    for (int i = 0; i < RT_TIMER_SKIP_LIST_LEVEL; i++)
        rt_list_init(&timer_list[i]);
    timer_enter_hook = RT_NULL;
    timer_exit_hook = RT_NULL;
}

void rt_system_timer_thread_init(void)
{
}

static void timer_check(rt_timer_t timer)
{
    RT_ASSERT(timer != RT_NULL);
    RT_ASSERT(rt_object_get_type(&timer->parent) == RT_Object_Class_Timer);
}

static void timer_remove(rt_timer_t timer)
{
    for (int i = 0; i < RT_TIMER_SKIP_LIST_LEVEL; i++)
        rt_list_remove(&timer->row[i]);
}

static void timer_setup(rt_timer_t timer, void (*timeout)(void *parameter),
                        void *parameter, rt_tick_t time, rt_uint8_t flag)
{
    timer->parent.flag = (rt_uint8_t)(flag & ~RT_TIMER_FLAG_ACTIVATED);
    timer->timeout_func = timeout;
    timer->parameter = parameter;
    timer->timeout_tick = 0;
    timer->init_tick = time;
    for (int i = 0; i < RT_TIMER_SKIP_LIST_LEVEL; i++)
        rt_list_init(&timer->row[i]);
}

void rt_timer_init(rt_timer_t timer, const char *name,
                   void (*timeout)(void *parameter), void *parameter,
                   rt_tick_t time, rt_uint8_t flag)
{
    RT_ASSERT(timer != RT_NULL);
    RT_ASSERT(timeout != RT_NULL);
    RT_ASSERT(time < RT_TICK_MAX / 2);
    rt_object_init(&timer->parent, RT_Object_Class_Timer, name);
    timer_setup(timer, timeout, parameter, time, flag);
}

rt_err_t rt_timer_detach(rt_timer_t timer)
{
    timer_check(timer);
    RT_ASSERT(rt_object_is_systemobject(&timer->parent));
    rt_base_t level = rt_hw_interrupt_disable();
    timer_remove(timer);
    timer->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
    rt_hw_interrupt_enable(level);
    rt_object_detach(&timer->parent);
    return RT_EOK;
}

rt_timer_t rt_timer_create(const char *name, void (*timeout)(void *parameter),
                           void *parameter, rt_tick_t time, rt_uint8_t flag)
{
    RT_ASSERT(timeout != RT_NULL);
    RT_ASSERT(time < RT_TICK_MAX / 2);
    rt_timer_t timer = (rt_timer_t)rt_object_allocate(RT_Object_Class_Timer, name);
    if (timer == RT_NULL)
        return RT_NULL;
    timer_setup(timer, timeout, parameter, time, flag);
    return timer;
}

rt_err_t rt_timer_delete(rt_timer_t timer)
{
    timer_check(timer);
    RT_ASSERT(rt_object_is_systemobject(&timer->parent) == RT_FALSE);
    rt_base_t level = rt_hw_interrupt_disable();
    timer_remove(timer);
    timer->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
    rt_hw_interrupt_enable(level);
    rt_object_delete(&timer->parent);
    return RT_EOK;
}

rt_err_t rt_timer_start(rt_timer_t timer)
{
    timer_check(timer);
    rt_base_t level = rt_hw_interrupt_disable();

    timer_remove(timer);
    timer->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
    RT_ASSERT(timer->init_tick < RT_TICK_MAX / 2);
    timer->timeout_tick = rt_tick_get_raw() + timer->init_tick;

    /* Rule 1: after every timer expiring at or before ours. */
    rt_list_t *node;
    rt_list_for_each(node, &timer_list[0])
    {
        rt_timer_t t = rt_list_entry(node, struct rt_timer, row[0]);
        rt_tick_t diff = t->timeout_tick - timer->timeout_tick;
        if (diff != 0 && diff < RT_TICK_MAX / 2)
            break;
    }
    rt_list_insert_before(node, &timer->row[0]);
    timer->parent.flag |= RT_TIMER_FLAG_ACTIVATED;

    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

rt_err_t rt_timer_stop(rt_timer_t timer)
{
    timer_check(timer);
    if (!(timer->parent.flag & RT_TIMER_FLAG_ACTIVATED))
        return -RT_ERROR;
    rt_base_t level = rt_hw_interrupt_disable();
    timer_remove(timer);
    timer->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

rt_err_t rt_timer_control(rt_timer_t timer, int cmd, void *arg)
{
    timer_check(timer);
    rt_base_t level = rt_hw_interrupt_disable();
    switch (cmd)
    {
    case RT_TIMER_CTRL_GET_TIME:
        *(rt_tick_t *)arg = timer->init_tick;
        break;
    case RT_TIMER_CTRL_SET_TIME:
        RT_ASSERT(*(rt_tick_t *)arg < RT_TICK_MAX / 2);
        timer->init_tick = *(rt_tick_t *)arg;
        break;
    case RT_TIMER_CTRL_SET_ONESHOT:
        timer->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_PERIODIC;
        break;
    case RT_TIMER_CTRL_SET_PERIODIC:
        timer->parent.flag |= RT_TIMER_FLAG_PERIODIC;
        break;
    case RT_TIMER_CTRL_GET_STATE:
        *(rt_uint32_t *)arg = (timer->parent.flag & RT_TIMER_FLAG_ACTIVATED) ?
                              RT_TIMER_FLAG_ACTIVATED : RT_TIMER_FLAG_DEACTIVATED;
        break;
    case RT_TIMER_CTRL_GET_REMAIN_TIME:
        *(rt_tick_t *)arg = timer->timeout_tick;
        break;
    default:
        break;
    }
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

rt_tick_t rt_timer_next_timeout_tick(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_tick_t next = RT_TICK_MAX;
    if (!rt_list_isempty(&timer_list[0]))
        next = rt_list_first_entry(&timer_list[0], struct rt_timer, row[0])->timeout_tick;
    rt_hw_interrupt_enable(level);
    return next;
}

int rt_timer_active_count(void)
{
    return (int)rt_list_len(&timer_list[0]);
}

void rt_timer_check(void)
{
    rt_list_t running;
    rt_list_init(&running);
    rt_base_t level = rt_hw_interrupt_disable();

    while (!rt_list_isempty(&timer_list[0]))
    {
        rt_timer_t t = rt_list_first_entry(&timer_list[0], struct rt_timer, row[0]);
        if ((rt_tick_get_raw() - t->timeout_tick) >= RT_TICK_MAX / 2)
            break;

        RT_OBJECT_HOOK_CALL(timer_enter_hook, (t));
        timer_remove(t);
        if (!(t->parent.flag & RT_TIMER_FLAG_PERIODIC))
            t->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
        /* Park the timer on a local list: if the callback stops, restarts
         * or detaches it, the list empties and we leave it alone. */
        rt_list_insert_after(&running, &t->row[0]);
        rt_hw_interrupt_enable(level);

        t->timeout_func(t->parameter);

        level = rt_hw_interrupt_disable();
        RT_OBJECT_HOOK_CALL(timer_exit_hook, (t));
        if (rt_list_isempty(&running))
            continue;
        rt_list_remove(&t->row[0]);
        if ((t->parent.flag & RT_TIMER_FLAG_PERIODIC) && (t->parent.flag & RT_TIMER_FLAG_ACTIVATED))
        {
            t->parent.flag &= (rt_uint8_t)~RT_TIMER_FLAG_ACTIVATED;
            rt_timer_start(t);
        }
    }
    rt_hw_interrupt_enable(level);
}
