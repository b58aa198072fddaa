/*
 * thread.c - thread life cycle (RT-Thread 4.1.x).
 *
 * States: INIT (created) -> READY <-> RUNNING -> SUSPEND -> READY ... ->
 * CLOSE.  A thread's `tlist` node sits on a ready list or on the suspend
 * list of whatever it waits on; its own one-shot timer implements delays
 * and wait timeouts.  A dynamic thread that ends goes on the defunct list;
 * the idle thread frees its object and stack.  A static thread is detached
 * at once.
 */
#include "kernel.h"

/* RT_ASSERT(p < RT_THREAD_PRIORITY_MAX), RT-Thread's check and its text.
 * With RT_THREAD_PRIORITY_MAX 256 every rt_uint8_t is a priority (and the
 * comparison would be always true: -Wtype-limits). */
#if RT_THREAD_PRIORITY_MAX > 255
#define ASSERT_PRIO(p) ((void)(p))
#else
#define ASSERT_PRIO(p) RT_ASSERT(p < RT_THREAD_PRIORITY_MAX)
#endif

rt_list_t rt_thread_defunct;

static void (*thread_suspend_hook)(rt_thread_t thread);
static void (*thread_resume_hook)(rt_thread_t thread);
#if RTSIM_V5_API
RT_OBJECT_HOOKLIST_DEFINE(rt_thread_inited);     /* 5.1.0 src/thread.c */
#else
static void (*thread_inited_hook)(rt_thread_t thread);
#endif

#ifdef RT_USING_HOOK
void rt_thread_suspend_sethook(void (*hook)(rt_thread_t thread)) { thread_suspend_hook = hook; }
void rt_thread_resume_sethook(void (*hook)(rt_thread_t thread)) { thread_resume_hook = hook; }
#if !RTSIM_V5_API
void rt_thread_inited_sethook(void (*hook)(rt_thread_t thread)) { thread_inited_hook = hook; }
#endif
#endif

void rt_thread_system_reset(void)
{
    rt_list_init(&rt_thread_defunct);
    thread_suspend_hook = RT_NULL;
    thread_resume_hook = RT_NULL;
#if RTSIM_V5_API
#if defined(RT_USING_HOOK) && defined(RT_USING_HOOKLIST)
    rt_list_init(&rt_thread_inited_hooklist);
    rt_thread_inited_nested = 0;
#endif
#else
    thread_inited_hook = RT_NULL;
#endif
}

static void thread_check(rt_thread_t thread)
{
    RT_ASSERT(thread != RT_NULL);
    RT_ASSERT(rt_object_get_type((rt_object_t)thread) == RT_Object_Class_Thread);
}

static rt_err_t thread_init(struct rt_thread *thread, const char *name,
                            void (*entry)(void *parameter), void *parameter,
                            void *stack_start, rt_uint32_t stack_size,
                            rt_uint8_t priority, rt_uint32_t tick)
{
    (void)name;
    rt_list_init(&thread->tlist);
    thread->entry = (void *)entry;
    thread->parameter = parameter;
    thread->stack_addr = stack_start;
    thread->stack_size = stack_size;

    /* RT-Thread fills a new stack with '#' so its high-water mark shows. */
    rt_memset(thread->stack_addr, '#', thread->stack_size);
    thread->sp = rt_hw_stack_init(thread->entry, thread->parameter,
                                  (rt_uint8_t *)thread->stack_addr + thread->stack_size - sizeof(rt_ubase_t),
                                  (void *)rt_thread_exit);

    thread->init_priority = priority;
    thread->current_priority = priority;
    thread->number_mask = 0;
    thread->init_tick = tick;
    thread->remaining_tick = tick;
    thread->error = RT_EOK;
    thread->stat = RT_THREAD_INIT;
    thread->cleanup = RT_NULL;
    thread->user_data = 0;
    thread->wait_object = RT_NULL;
    thread->wait_since = 0;
#ifdef RT_USING_SIGNALS
    thread->sig_pending = 0;
    thread->sig_mask = 0;
    thread->sig_ret = RT_NULL;
    thread->sig_vectors = RT_NULL;
    thread->si_list = RT_NULL;
#endif

    rt_timer_init(&thread->thread_timer, thread->name, rt_thread_timeout, thread,
                  0, RT_TIMER_FLAG_ONE_SHOT);
#if RTSIM_V5_API
    RT_OBJECT_HOOKLIST_CALL(rt_thread_inited, (thread));     /* 5.1.0 _thread_init */
#else
    RT_OBJECT_HOOK_CALL(thread_inited_hook, (thread));
#endif
    rt_hw_trace(RT_TRACE_THREAD_CREATE, thread, RT_NULL, stack_size, RT_NULL);
    return RT_EOK;
}

rt_err_t rt_thread_init(struct rt_thread *thread, const char *name,
                        void (*entry)(void *parameter), void *parameter,
                        void *stack_start, rt_uint32_t stack_size,
                        rt_uint8_t priority, rt_uint32_t tick)
{
    RT_ASSERT(thread != RT_NULL);
    RT_ASSERT(stack_start != RT_NULL);
    ASSERT_PRIO(priority);
    rt_object_init((rt_object_t)thread, RT_Object_Class_Thread, name);
    return thread_init(thread, name, entry, parameter, stack_start, stack_size, priority, tick);
}

rt_thread_t rt_thread_create(const char *name, void (*entry)(void *parameter),
                             void *parameter, rt_uint32_t stack_size,
                             rt_uint8_t priority, rt_uint32_t tick)
{
    ASSERT_PRIO(priority);
    struct rt_thread *thread = (struct rt_thread *)rt_object_allocate(RT_Object_Class_Thread, name);
    if (thread == RT_NULL)
        return RT_NULL;
    void *stack = rt_malloc(stack_size);
    if (stack == RT_NULL)
    {
        rt_object_delete((rt_object_t)thread);
        return RT_NULL;
    }
    thread_init(thread, name, entry, parameter, stack, stack_size, priority, tick);
    return thread;
}

rt_thread_t rt_thread_self(void)
{
    return rt_current_thread;
}

rt_err_t rt_thread_startup(rt_thread_t thread)
{
    thread_check(thread);
    RT_ASSERT((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_INIT);
    /* rtsim: RT-Thread (4.1.1, 5.x src/thread.c) checks no entry; a thread
     * made without one may be found and deleted (5.x's object_tc does), but
     * starting it is reported here instead of jumping to address 0. */
    RT_ASSERT(thread->entry != RT_NULL);

    thread->current_priority = thread->init_priority;
    thread->number_mask = thread->current_priority < 32 ? 1u << thread->current_priority : 0;
    thread->stat = RT_THREAD_SUSPEND;
    rt_hw_trace(RT_TRACE_THREAD_START, thread, RT_NULL, 0, RT_NULL);
    rt_thread_resume_noschedule(thread);
    if (rt_thread_self() != RT_NULL)
        rt_schedule();
    return RT_EOK;
}

static void thread_cleanup_execute(rt_thread_t thread)
{
    if (thread->cleanup != RT_NULL)
        thread->cleanup(thread);
}

/* Take `thread` out of every list and mark it closed.  Interrupts masked. */
static void thread_close(rt_thread_t thread)
{
    if ((thread->stat & RT_THREAD_STAT_MASK) != RT_THREAD_INIT)
        rt_schedule_remove_thread(thread);
    else
        rt_list_remove(&thread->tlist);
    thread->stat = RT_THREAD_CLOSE;
    thread->wait_object = RT_NULL;
    rt_timer_detach(&thread->thread_timer);
    rt_hw_trace(RT_TRACE_THREAD_EXIT, thread, RT_NULL, 0, RT_NULL);
}

void rt_thread_exit(void)
{
    rt_thread_t thread = rt_current_thread;
#ifdef RT_USING_SIGNALS
    if (rt_object_is_systemobject((rt_object_t)thread))
        rt_thread_free_sig(thread);     /* a dynamic one's: the idle thread */
#endif
    rt_base_t level = rt_hw_interrupt_disable();

    thread_cleanup_execute(thread);
    thread_close(thread);
    if (rt_object_is_systemobject((rt_object_t)thread))
        rt_object_detach((rt_object_t)thread);
    else
        rt_list_insert_after(&rt_thread_defunct, &thread->tlist);
    rt_hw_interrupt_enable(level);

    rt_schedule();
    /* Not reached: a closed thread never runs again. */
    RT_ASSERT(0 && "a closed thread was scheduled");
}

/* The thread is closed and, unless it is the caller, its context released. */
static rt_err_t thread_end(rt_thread_t thread, int is_static)
{
#ifdef RT_USING_SIGNALS
    if (is_static)
        rt_thread_free_sig(thread);
#endif
    rt_base_t level = rt_hw_interrupt_disable();
    rt_bool_t self = thread == rt_current_thread;
    thread_cleanup_execute(thread);
    thread_close(thread);
    if (is_static)
        rt_object_detach((rt_object_t)thread);
    else
        rt_list_insert_after(&rt_thread_defunct, &thread->tlist);
    rt_hw_interrupt_enable(level);

    if (self)
    {
        rt_schedule();
        RT_ASSERT(0 && "a closed thread was scheduled");
    }
    rt_hw_context_release(thread->sp);
    return RT_EOK;
}

rt_err_t rt_thread_detach(rt_thread_t thread)
{
    thread_check(thread);
    RT_ASSERT(rt_object_is_systemobject((rt_object_t)thread));
    if ((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_CLOSE)
        return RT_EOK;
    return thread_end(thread, 1);
}

rt_err_t rt_thread_delete(rt_thread_t thread)
{
    thread_check(thread);
    RT_ASSERT(rt_object_is_systemobject((rt_object_t)thread) == RT_FALSE);
    if ((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_CLOSE)
        return RT_EOK;
    return thread_end(thread, 0);
}

rt_err_t rt_thread_yield(void)
{
    rt_thread_t thread = rt_current_thread;
    rt_base_t level = rt_hw_interrupt_disable();
    thread->remaining_tick = thread->init_tick;
    thread->stat |= RT_THREAD_STAT_YIELD;
    rt_schedule();
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

rt_err_t rt_thread_sleep(rt_tick_t tick)
{
    RT_DEBUG_IN_THREAD_CONTEXT;
    rt_thread_t thread = rt_current_thread;
    rt_base_t level = rt_hw_interrupt_disable();

    thread->error = RT_EOK;
    rt_thread_suspend(thread);
    rt_timer_control(&thread->thread_timer, RT_TIMER_CTRL_SET_TIME, &tick);
    rt_timer_start(&thread->thread_timer);
    rt_hw_interrupt_enable(level);

    rt_schedule();
    if (thread->error == -RT_ETIMEOUT)
        thread->error = RT_EOK;
    return RT_EOK;
}

rt_err_t rt_thread_delay(rt_tick_t tick)
{
    return rt_thread_sleep(tick);
}

rt_err_t rt_thread_mdelay(rt_int32_t ms)
{
    return rt_thread_sleep(rt_tick_from_millisecond(ms));
}

/* Sleep until *tick + inc_tick; *tick advances by inc_tick. */
rt_err_t rt_thread_delay_until(rt_tick_t *tick, rt_tick_t inc_tick)
{
    RT_ASSERT(tick != RT_NULL);
    RT_DEBUG_IN_THREAD_CONTEXT;
    rt_thread_t thread = rt_current_thread;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_tick_t now = rt_tick_get();

    if (now - *tick < inc_tick)
    {
        rt_tick_t left = *tick + inc_tick - now;
        thread->error = RT_EOK;
        rt_thread_suspend(thread);
        rt_timer_control(&thread->thread_timer, RT_TIMER_CTRL_SET_TIME, &left);
        rt_timer_start(&thread->thread_timer);
        rt_hw_interrupt_enable(level);
        rt_schedule();
        if (thread->error == -RT_ETIMEOUT)
            thread->error = RT_EOK;
    }
    else
    {
        rt_hw_interrupt_enable(level);
    }
    *tick += inc_tick;
    return RT_EOK;
}

rt_err_t rt_thread_control(rt_thread_t thread, int cmd, void *arg)
{
    thread_check(thread);
    switch (cmd)
    {
    case RT_THREAD_CTRL_CHANGE_PRIORITY:
    {
        RT_ASSERT(arg != RT_NULL);
        rt_uint8_t prio = *(rt_uint8_t *)arg;
        ASSERT_PRIO(prio);
        rt_base_t level = rt_hw_interrupt_disable();
        if ((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_READY)
        {
            rt_schedule_remove_thread(thread);
            thread->current_priority = prio;
            thread->number_mask = prio < 32 ? 1u << prio : 0;
            rt_schedule_insert_thread(thread);
        }
        else
        {
            thread->current_priority = prio;
            thread->number_mask = prio < 32 ? 1u << prio : 0;
            if (thread == rt_current_thread)
                rt_current_priority = prio;
        }
        rt_hw_interrupt_enable(level);
        return RT_EOK;
    }
    case RT_THREAD_CTRL_STARTUP:
        return rt_thread_startup(thread);
    case RT_THREAD_CTRL_CLOSE:
        if (rt_object_is_systemobject((rt_object_t)thread))
            return rt_thread_detach(thread);
        return rt_thread_delete(thread);
    default:
        return -RT_EINVAL;
    }
}

rt_err_t rt_thread_suspend(rt_thread_t thread)
{
    thread_check(thread);
#if RTSIM_V5_API
    /* 5.x: a thread suspends only itself (5.0 src/thread.c
     * rt_thread_suspend_with_flag, 5.1.0 rt_thread_suspend_to_list:
     * RT_ASSERT(thread == rt_thread_self()); 4.1.1 suspends any ready one) */
    RT_ASSERT(thread == rt_thread_self());
#endif
    rt_uint8_t stat = thread->stat & RT_THREAD_STAT_MASK;
    if (stat != RT_THREAD_READY && stat != RT_THREAD_RUNNING)
        return -RT_ERROR;

    rt_base_t level = rt_hw_interrupt_disable();
    rt_schedule_remove_thread(thread);
    thread->stat = (rt_uint8_t)(RT_THREAD_SUSPEND | (thread->stat & ~RT_THREAD_STAT_MASK));
    thread->wait_since = rt_tick_get_raw();
    rt_timer_stop(&thread->thread_timer);
    rt_hw_interrupt_enable(level);

    rt_hw_trace(RT_TRACE_SUSPEND, thread, RT_NULL, 0, RT_NULL);
    RT_OBJECT_HOOK_CALL(thread_suspend_hook, (thread));
    return RT_EOK;
}

/* The resume itself: the kernel's own wake paths (ipc.c, ipc_event.c,
 * mempool.c, signal.c, rt_thread_startup) call this and reschedule when
 * their operation is done. */
rt_err_t rt_thread_resume_noschedule(rt_thread_t thread)
{
    thread_check(thread);
    if ((thread->stat & RT_THREAD_STAT_MASK) != RT_THREAD_SUSPEND)
        return -RT_ERROR;

    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_remove(&thread->tlist);
    rt_timer_stop(&thread->thread_timer);
    thread->wait_object = RT_NULL;
    rt_schedule_insert_thread(thread);
    rt_hw_interrupt_enable(level);

    rt_hw_trace(RT_TRACE_READY, thread, RT_NULL, 0, RT_NULL);
    RT_OBJECT_HOOK_CALL(thread_resume_hook, (thread));
    return RT_EOK;
}

/* 4.1.1 src/thread.c rt_thread_resume puts the thread on its ready list
 * and returns: it runs at the caller's next reschedule.  5.1.0 (src/thread.c
 * rt_thread_resume, rt_sched_unlock_n_resched) reschedules at once, so a
 * resumed thread of higher priority runs before the call returns (not
 * while the scheduler is locked: then at rt_exit_critical). */
rt_err_t rt_thread_resume(rt_thread_t thread)
{
    rt_err_t err = rt_thread_resume_noschedule(thread);

#if RTSIM_V5_RESUME_RESCHED
    if (err == RT_EOK && rt_thread_self() != RT_NULL)
        rt_schedule();
#endif
#if RTSIM_V5_API
    /* 5.1.0 src/scheduler_comm.c rt_sched_thread_ready: a thread that is not
     * suspended is -RT_EINVAL (4.1.1 src/thread.c: -RT_ERROR) */
    if (err == -RT_ERROR)
        err = -RT_EINVAL;
#endif
    return err;
}

/* The thread's own timer fired: its wait or delay is over. */
void rt_thread_timeout(void *parameter)
{
    struct rt_thread *thread = parameter;
    thread_check(thread);
    RT_ASSERT((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_SUSPEND);

    rt_base_t level = rt_hw_interrupt_disable();
    thread->error = -RT_ETIMEOUT;
    rt_list_remove(&thread->tlist);
    thread->wait_object = RT_NULL;
    rt_schedule_insert_thread(thread);
    rt_hw_interrupt_enable(level);

    rt_hw_trace(RT_TRACE_TIMEOUT, thread, RT_NULL, 0, RT_NULL);
    rt_schedule();
}

rt_thread_t rt_thread_find(char *name)
{
    return (rt_thread_t)rt_object_find(name, RT_Object_Class_Thread);
}
