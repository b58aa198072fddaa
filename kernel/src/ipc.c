/*
 * ipc.c - what every RT-Thread 4.1.x IPC object shares: its wait lists.
 *
 * Waiters queue on an object's suspend list: at the tail for
 * RT_IPC_FLAG_FIFO, before the first lower-priority waiter for
 * RT_IPC_FLAG_PRIO (equal priorities stay FIFO).  A release wakes the head.
 * A timed wait uses the thread's own timer; the timeout unlinks the thread
 * and returns -RT_ETIMEOUT.  Detach and delete wake every waiter with
 * -RT_ERROR.
 *
 * The object families live one per file: ipc_sem.c (semaphore, mutex),
 * ipc_event.c (event), ipc_mailbox.c, ipc_msgqueue.c, signal.c; each uses
 * only the helpers below (kernel.h).
 */
#include "kernel.h"

/* ------------------------------------------------------- wait lists */
rt_err_t rt_ipc_list_suspend(rt_list_t *list, struct rt_thread *thread,
                             rt_uint8_t flag, struct rt_object *object)
{
    rt_err_t err = rt_thread_suspend(thread);
    RT_ASSERT(err == RT_EOK);
    thread->wait_object = object;

    if (flag == RT_IPC_FLAG_PRIO)
    {
        rt_list_t *node;
        rt_list_for_each(node, list)
        {
            struct rt_thread *t = rt_list_entry(node, struct rt_thread, tlist);
            if (thread->current_priority < t->current_priority)
            {
                rt_list_insert_before(&t->tlist, &thread->tlist);
                return RT_EOK;
            }
        }
    }
    rt_list_insert_before(list, &thread->tlist);
    return RT_EOK;
}

rt_err_t rt_ipc_list_resume(rt_list_t *list)
{
    struct rt_thread *thread = rt_list_entry(list->next, struct rt_thread, tlist);
    thread->error = RT_EOK;
    rt_thread_resume_noschedule(thread);
    return RT_EOK;
}

rt_err_t rt_ipc_list_resume_all(rt_list_t *list)
{
    while (!rt_list_isempty(list))
    {
        rt_base_t level = rt_hw_interrupt_disable();
        struct rt_thread *thread = rt_list_entry(list->next, struct rt_thread, tlist);
        thread->error = -RT_ERROR;
        rt_thread_resume_noschedule(thread);
        rt_hw_interrupt_enable(level);
    }
    return RT_EOK;
}

void rt_ipc_object_init(struct rt_ipc_object *ipc)
{
    rt_list_init(&ipc->suspend_thread);
}

rt_err_t rt_ipc_wait_list(rt_list_t *list, struct rt_object *object,
                          rt_int32_t time, rt_base_t level)
{
    struct rt_thread *thread = rt_thread_self();
#if RTSIM_V5_WAIT_EINTR
    /* 5.x: what is left when nothing but rt_thread_resume wakes us. */
    thread->error = -RT_EINTR;
#else
    thread->error = RT_EOK;
#endif
    rt_ipc_list_suspend(list, thread, object->flag, object);
    if (time > 0)
    {
        rt_tick_t ticks = (rt_tick_t)time;
        rt_timer_control(&thread->thread_timer, RT_TIMER_CTRL_SET_TIME, &ticks);
        rt_timer_start(&thread->thread_timer);
    }
    rt_hw_interrupt_enable(level);
    rt_schedule();
    return thread->error;
}

rt_err_t rt_ipc_wait(struct rt_ipc_object *ipc, rt_int32_t time, rt_base_t level)
{
    return rt_ipc_wait_list(&ipc->suspend_thread, &ipc->parent, time, level);
}

/* One round of a send/receive wait loop (mailboxes, message queues):
 * called with interrupts disabled (*level) while the condition the caller
 * waits for is false.  timeout 0: interrupts restored, `fail` returned.
 * Else the context check (reported under `func`, the API's name), the
 * wait on `list` and, when woken with RT_EOK, interrupts disabled again
 * (*level) and *timeout reduced to what is left: the caller re-checks.
 * A wake-up with an error returns it with interrupts enabled. */
rt_err_t rt_ipc_wait_round(rt_list_t *list, struct rt_object *object, rt_int32_t *timeout,
                           rt_base_t *level, rt_err_t fail, const char *func)
{
    if (*timeout == 0)
    {
        rt_hw_interrupt_enable(*level);
        return fail;
    }
    rt_hw_interrupt_enable(*level);
    rt_debug_in_thread_context(func);
    *level = rt_hw_interrupt_disable();
    rt_tick_t since = rt_tick_get_raw();
    rt_err_t err = rt_ipc_wait_list(list, object, *timeout, *level);
    if (err != RT_EOK)
        return err;
    *level = rt_hw_interrupt_disable();
    *timeout = rt_ipc_time_left(*timeout, since);
    return RT_EOK;
}

/* Wake the first thread of `list`, if any, restore interrupts (level) and,
 * when one was woken, reschedule.  RT_EOK. */
rt_err_t rt_ipc_wake_one(rt_list_t *list, rt_base_t level)
{
    if (!rt_list_isempty(list))
    {
        rt_ipc_list_resume(list);
        rt_hw_interrupt_enable(level);
        rt_schedule();
        return RT_EOK;
    }
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

/* The end of an IPC object's life: every waiter woken with -RT_ERROR,
 * then the object unlinked (detach: a static object, delete: a dynamic
 * one, freed).  The caller has asserted the object is of the kind it
 * expects (static or dynamic), so the report names the public call as
 * RT-Thread 4.1.1's src/ipc.c does. */
void rt_ipc_object_end(struct rt_ipc_object *ipc, rt_bool_t dynamic)
{
    rt_ipc_list_resume_all(&ipc->suspend_thread);
    if (dynamic)
        rt_object_delete(&ipc->parent);
    else
        rt_object_detach(&ipc->parent);
}

rt_int32_t rt_ipc_time_left(rt_int32_t time, rt_tick_t since)
{
    if (time <= 0)
        return time;
    rt_tick_t spent = rt_tick_get_raw() - since;
    return spent >= (rt_tick_t)time ? 0 : time - (rt_int32_t)spent;
}

rt_bool_t rt_ipc_buffer_freed(struct rt_object *object, void *buffer, const char *func)
{
    if (rt_object_is_systemobject(object) || rt_hw_mem_level() == 0 || rt_hw_mem_is_live(buffer))
        return RT_FALSE;
    rt_kprintf("%s: %s \"%.*s\": its %s was already freed\n", func,
               rt_object_get_type(object) == RT_Object_Class_MailBox ? "mailbox" : "message queue",
               RT_NAME_MAX, object->name,
               rt_object_get_type(object) == RT_Object_Class_MailBox ? "ring" : "pool");
    return RT_TRUE;
}
