/*
 * ipc_event.c - event sets (RT-Thread 4.1.x, src/ipc.c): a 32-bit set; a
 * waiter asks for AND or OR of some bits, optionally clearing them.
 */
#include "kernel.h"

#ifdef RT_USING_EVENT
/* ------------------------------------------------------------- event */
#define EVENT_CHECK(e) do { RT_ASSERT((e) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(e)->parent.parent) == RT_Object_Class_Event); } while (0)

/* What init and create share once the object is linked. */
static void event_setup(rt_event_t event, rt_uint8_t flag)
{
    event->parent.parent.flag = flag;
    rt_ipc_object_init(&event->parent);
    event->set = 0;
}

rt_err_t rt_event_init(rt_event_t event, const char *name, rt_uint8_t flag)
{
    RT_ASSERT(event != RT_NULL);
    rt_object_init(&event->parent.parent, RT_Object_Class_Event, name);
    event_setup(event, flag);
    return RT_EOK;
}

rt_err_t rt_event_detach(rt_event_t event)
{
    EVENT_CHECK(event);
    RT_ASSERT(rt_object_is_systemobject(&event->parent.parent));
    rt_ipc_object_end(&event->parent, RT_FALSE);
    return RT_EOK;
}

rt_event_t rt_event_create(const char *name, rt_uint8_t flag)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_event_t event = (rt_event_t)rt_object_allocate(RT_Object_Class_Event, name);
    if (event == RT_NULL)
        return RT_NULL;
    event_setup(event, flag);
    return event;
}

rt_err_t rt_event_delete(rt_event_t event)
{
    EVENT_CHECK(event);
    RT_ASSERT(rt_object_is_systemobject(&event->parent.parent) == RT_FALSE);
    rt_ipc_object_end(&event->parent, RT_TRUE);
    return RT_EOK;
}

/* Does `have` satisfy a wait for `set` with options `opt`?  *got = the
 * matching bits. */
static rt_bool_t event_match(rt_uint32_t have, rt_uint32_t set, rt_uint8_t opt, rt_uint32_t *got)
{
    if (opt & RT_EVENT_FLAG_AND)
    {
        if ((have & set) == set)
        {
            *got = have & set;
            return RT_TRUE;
        }
    }
    else if (have & set)
    {
        *got = have & set;
        return RT_TRUE;
    }
    return RT_FALSE;
}

rt_err_t rt_event_send(rt_event_t event, rt_uint32_t set)
{
    EVENT_CHECK(event);
    if (set == 0)
        return -RT_ERROR;
    rt_bool_t need_schedule = RT_FALSE;
    rt_base_t level = rt_hw_interrupt_disable();
    event->set |= set;

    rt_list_t *node = event->parent.suspend_thread.next;
    while (node != &event->parent.suspend_thread)
    {
        struct rt_thread *thread = rt_list_entry(node, struct rt_thread, tlist);
        node = node->next;
        rt_uint32_t got;
        if (event_match(event->set, thread->event_set, thread->event_info, &got))
        {
            thread->event_set = got;
            if (thread->event_info & RT_EVENT_FLAG_CLEAR)
                event->set &= ~got;
            thread->error = RT_EOK;
            rt_thread_resume_noschedule(thread);
            need_schedule = RT_TRUE;
        }
    }
    rt_hw_interrupt_enable(level);
    if (need_schedule)
        rt_schedule();
    return RT_EOK;
}

rt_err_t rt_event_recv(rt_event_t event, rt_uint32_t set, rt_uint8_t opt,
                       rt_int32_t timeout, rt_uint32_t *recved)
{
    EVENT_CHECK(event);
    if (set == 0)
        return -RT_ERROR;
    /* 4.1.1 src/ipc.c rt_event_recv: an option with neither AND nor OR is
     * an RT_ASSERT(0) (such a waiter could never be woken) */
    RT_ASSERT(opt & (RT_EVENT_FLAG_AND | RT_EVENT_FLAG_OR));
    struct rt_thread *thread = rt_thread_self();
    rt_base_t level = rt_hw_interrupt_disable();
    rt_uint32_t got;

    if (event_match(event->set, set, opt, &got))
    {
        if (opt & RT_EVENT_FLAG_CLEAR)
            event->set &= ~got;
        rt_hw_interrupt_enable(level);
        if (recved)
            *recved = got;
        return RT_EOK;
    }
    if (timeout == 0)
    {
        rt_hw_interrupt_enable(level);
        return -RT_ETIMEOUT;
    }
    rt_hw_interrupt_enable(level);
    RT_DEBUG_IN_THREAD_CONTEXT;
    level = rt_hw_interrupt_disable();
    thread->event_set = set;
    thread->event_info = opt;
    rt_err_t err = rt_ipc_wait(&event->parent, timeout, level);
    if (err == RT_EOK && recved)
        *recved = thread->event_set;
    return err;
}

rt_err_t rt_event_control(rt_event_t event, int cmd, void *arg)
{
    (void)arg;
    EVENT_CHECK(event);
    if (cmd != RT_IPC_CMD_RESET)
        return -RT_ERROR;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_ipc_list_resume_all(&event->parent.suspend_thread);
    event->set = 0;
    rt_hw_interrupt_enable(level);
    rt_schedule();
    return RT_EOK;
}
#endif /* RT_USING_EVENT */
