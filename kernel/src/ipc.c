/*
 * ipc.c - semaphores, mutexes and events (RT-Thread 4.1.x).
 *
 * Waiters queue on the object's suspend list: at the tail for
 * RT_IPC_FLAG_FIFO, before the first lower-priority waiter for
 * RT_IPC_FLAG_PRIO (equal priorities stay FIFO).  A release wakes the head.
 * A timed wait uses the thread's own timer; the timeout unlinks the thread
 * and returns -RT_ETIMEOUT.  Detach and delete wake every waiter with
 * -RT_ERROR.  Mutexes always queue by priority and lend their owner the
 * priority of a higher-priority waiter (priority inheritance) until it
 * releases the mutex.
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
    rt_thread_resume(thread);
    return RT_EOK;
}

rt_err_t rt_ipc_list_resume_all(rt_list_t *list)
{
    while (!rt_list_isempty(list))
    {
        rt_base_t level = rt_hw_interrupt_disable();
        struct rt_thread *thread = rt_list_entry(list->next, struct rt_thread, tlist);
        thread->error = -RT_ERROR;
        rt_thread_resume(thread);
        rt_hw_interrupt_enable(level);
    }
    return RT_EOK;
}

#if defined(RT_USING_SEMAPHORE) || defined(RT_USING_MUTEX) || defined(RT_USING_EVENT)
static void ipc_object_init(struct rt_ipc_object *ipc)
{
    rt_list_init(&ipc->suspend_thread);
}

/* Suspend the caller on `ipc` for `time` ticks (> 0) or forever (< 0),
 * reschedule, and return the wait's result.  Interrupts are masked with
 * `level` on entry and unmasked on return. */
static rt_err_t ipc_wait(struct rt_ipc_object *ipc, rt_int32_t time, rt_base_t level)
{
    struct rt_thread *thread = rt_thread_self();
    thread->error = RT_EOK;
    rt_ipc_list_suspend(&ipc->suspend_thread, thread, ipc->parent.flag, &ipc->parent);
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
#endif

#ifdef RT_USING_SEMAPHORE
/* --------------------------------------------------------- semaphore */
#define SEM_CHECK(sem) do { RT_ASSERT((sem) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore); } while (0)

rt_err_t rt_sem_init(rt_sem_t sem, const char *name, rt_uint32_t value, rt_uint8_t flag)
{
    RT_ASSERT(sem != RT_NULL);
    RT_ASSERT(value < 0x10000U);
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    rt_object_init(&sem->parent.parent, RT_Object_Class_Semaphore, name);
    ipc_object_init(&sem->parent);
    sem->value = (rt_uint16_t)value;
    sem->parent.parent.flag = flag;
    return RT_EOK;
}

rt_err_t rt_sem_detach(rt_sem_t sem)
{
    SEM_CHECK(sem);
    RT_ASSERT(rt_object_is_systemobject(&sem->parent.parent));
    rt_ipc_list_resume_all(&sem->parent.suspend_thread);
    rt_object_detach(&sem->parent.parent);
    return RT_EOK;
}

rt_sem_t rt_sem_create(const char *name, rt_uint32_t value, rt_uint8_t flag)
{
    RT_ASSERT(value < 0x10000U);
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_sem_t sem = (rt_sem_t)rt_object_allocate(RT_Object_Class_Semaphore, name);
    if (sem == RT_NULL)
        return RT_NULL;
    ipc_object_init(&sem->parent);
    sem->value = (rt_uint16_t)value;
    sem->parent.parent.flag = flag;
    return sem;
}

rt_err_t rt_sem_delete(rt_sem_t sem)
{
    SEM_CHECK(sem);
    RT_ASSERT(rt_object_is_systemobject(&sem->parent.parent) == RT_FALSE);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_ipc_list_resume_all(&sem->parent.suspend_thread);
    rt_object_delete(&sem->parent.parent);
    return RT_EOK;
}

rt_err_t rt_sem_take(rt_sem_t sem, rt_int32_t time)
{
    SEM_CHECK(sem);
    rt_base_t level = rt_hw_interrupt_disable();
    if (sem->value > 0)
    {
        sem->value--;
        rt_hw_interrupt_enable(level);
        return RT_EOK;
    }
    if (time == 0)
    {
        rt_hw_interrupt_enable(level);
        return -RT_ETIMEOUT;
    }
    rt_hw_interrupt_enable(level);
    RT_DEBUG_IN_THREAD_CONTEXT;
    level = rt_hw_interrupt_disable();
    return ipc_wait(&sem->parent, time, level);
}

rt_err_t rt_sem_trytake(rt_sem_t sem)
{
    return rt_sem_take(sem, RT_WAITING_NO);
}

rt_err_t rt_sem_release(rt_sem_t sem)
{
    SEM_CHECK(sem);
    rt_bool_t need_schedule = RT_FALSE;
    rt_base_t level = rt_hw_interrupt_disable();
    if (!rt_list_isempty(&sem->parent.suspend_thread))
    {
        rt_ipc_list_resume(&sem->parent.suspend_thread);
        need_schedule = RT_TRUE;
    }
    else if (sem->value < RT_SEM_VALUE_MAX)
    {
        sem->value++;
    }
    else
    {
        rt_hw_interrupt_enable(level);
        return -RT_EFULL;
    }
    rt_hw_interrupt_enable(level);
    if (need_schedule)
        rt_schedule();
    return RT_EOK;
}

rt_err_t rt_sem_control(rt_sem_t sem, int cmd, void *arg)
{
    SEM_CHECK(sem);
    if (cmd != RT_IPC_CMD_RESET)
        return -RT_ERROR;
    rt_ubase_t value = (rt_ubase_t)arg;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_ipc_list_resume_all(&sem->parent.suspend_thread);
    sem->value = (rt_uint16_t)value;
    rt_hw_interrupt_enable(level);
    rt_schedule();
    return RT_EOK;
}

#endif /* RT_USING_SEMAPHORE */

#ifdef RT_USING_MUTEX
/* ------------------------------------------------------------- mutex */
#define MUTEX_CHECK(m) do { RT_ASSERT((m) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(m)->parent.parent) == RT_Object_Class_Mutex); } while (0)

static void mutex_setup(rt_mutex_t mutex)
{
    ipc_object_init(&mutex->parent);
    mutex->value = 1;
    mutex->owner = RT_NULL;
    mutex->original_priority = 0xFF;
    mutex->hold = 0;
    /* 4.1: always by priority (FIFO cannot bound priority inversion). */
    mutex->parent.parent.flag = RT_IPC_FLAG_PRIO;
}

rt_err_t rt_mutex_init(rt_mutex_t mutex, const char *name, rt_uint8_t flag)
{
    (void)flag;
    RT_ASSERT(mutex != RT_NULL);
    rt_object_init(&mutex->parent.parent, RT_Object_Class_Mutex, name);
    mutex_setup(mutex);
    return RT_EOK;
}

rt_err_t rt_mutex_detach(rt_mutex_t mutex)
{
    MUTEX_CHECK(mutex);
    RT_ASSERT(rt_object_is_systemobject(&mutex->parent.parent));
    rt_ipc_list_resume_all(&mutex->parent.suspend_thread);
    rt_object_detach(&mutex->parent.parent);
    return RT_EOK;
}

rt_mutex_t rt_mutex_create(const char *name, rt_uint8_t flag)
{
    (void)flag;
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_mutex_t mutex = (rt_mutex_t)rt_object_allocate(RT_Object_Class_Mutex, name);
    if (mutex == RT_NULL)
        return RT_NULL;
    mutex_setup(mutex);
    return mutex;
}

rt_err_t rt_mutex_delete(rt_mutex_t mutex)
{
    MUTEX_CHECK(mutex);
    RT_ASSERT(rt_object_is_systemobject(&mutex->parent.parent) == RT_FALSE);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_ipc_list_resume_all(&mutex->parent.suspend_thread);
    rt_object_delete(&mutex->parent.parent);
    return RT_EOK;
}

rt_err_t rt_mutex_take(rt_mutex_t mutex, rt_int32_t time)
{
    RT_DEBUG_IN_THREAD_CONTEXT;
    MUTEX_CHECK(mutex);
    struct rt_thread *thread = rt_thread_self();
    rt_base_t level = rt_hw_interrupt_disable();

    thread->error = RT_EOK;
    if (mutex->owner == thread)
    {
        if (mutex->hold < RT_MUTEX_HOLD_MAX)
        {
            mutex->hold++;
            rt_hw_interrupt_enable(level);
            return RT_EOK;
        }
        rt_hw_interrupt_enable(level);
        return -RT_EFULL;
    }
    if (mutex->value > 0)
    {
        mutex->value--;
        mutex->owner = thread;
        mutex->original_priority = thread->current_priority;
        mutex->hold++;
        rt_hw_interrupt_enable(level);
        return RT_EOK;
    }
    if (time == 0)
    {
        thread->error = -RT_ETIMEOUT;
        rt_hw_interrupt_enable(level);
        return -RT_ETIMEOUT;
    }
    /* Priority inheritance: lend the owner our priority. */
    if (thread->current_priority < mutex->owner->current_priority)
        rt_thread_control(mutex->owner, RT_THREAD_CTRL_CHANGE_PRIORITY, &thread->current_priority);
    /* On success the releasing thread has made us the owner. */
    return ipc_wait(&mutex->parent, time, level);
}

rt_err_t rt_mutex_trytake(rt_mutex_t mutex)
{
    return rt_mutex_take(mutex, RT_WAITING_NO);
}

rt_err_t rt_mutex_release(rt_mutex_t mutex)
{
    MUTEX_CHECK(mutex);
    RT_DEBUG_IN_THREAD_CONTEXT;
    struct rt_thread *thread = rt_thread_self();
    rt_bool_t need_schedule = RT_FALSE;
    rt_base_t level = rt_hw_interrupt_disable();

    if (thread != mutex->owner)
    {
        thread->error = -RT_ERROR;
        rt_hw_interrupt_enable(level);
        return -RT_ERROR;
    }
    mutex->hold--;
    if (mutex->hold == 0)
    {
        /* Give back any inherited priority. */
        if (mutex->original_priority != mutex->owner->current_priority)
            rt_thread_control(mutex->owner, RT_THREAD_CTRL_CHANGE_PRIORITY, &mutex->original_priority);

        if (!rt_list_isempty(&mutex->parent.suspend_thread))
        {
            /* Hand the mutex straight to the first waiter. */
            struct rt_thread *next = rt_list_entry(mutex->parent.suspend_thread.next,
                                                   struct rt_thread, tlist);
            mutex->owner = next;
            mutex->original_priority = next->current_priority;
            mutex->hold++;
            rt_ipc_list_resume(&mutex->parent.suspend_thread);
            need_schedule = RT_TRUE;
        }
        else
        {
            if (mutex->value >= RT_MUTEX_VALUE_MAX)
            {
                rt_hw_interrupt_enable(level);
                return -RT_EFULL;
            }
            mutex->value++;
            mutex->owner = RT_NULL;
            mutex->original_priority = 0xFF;
        }
    }
    rt_hw_interrupt_enable(level);
    if (need_schedule)
        rt_schedule();
    return RT_EOK;
}

rt_err_t rt_mutex_control(rt_mutex_t mutex, int cmd, void *arg)
{
    (void)cmd;
    (void)arg;
    MUTEX_CHECK(mutex);
    return -RT_ERROR;
}

#endif /* RT_USING_MUTEX */

#ifdef RT_USING_EVENT
/* ------------------------------------------------------------- event */
#define EVENT_CHECK(e) do { RT_ASSERT((e) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(e)->parent.parent) == RT_Object_Class_Event); } while (0)

rt_err_t rt_event_init(rt_event_t event, const char *name, rt_uint8_t flag)
{
    RT_ASSERT(event != RT_NULL);
    rt_object_init(&event->parent.parent, RT_Object_Class_Event, name);
    event->parent.parent.flag = flag;
    ipc_object_init(&event->parent);
    event->set = 0;
    return RT_EOK;
}

rt_err_t rt_event_detach(rt_event_t event)
{
    EVENT_CHECK(event);
    RT_ASSERT(rt_object_is_systemobject(&event->parent.parent));
    rt_ipc_list_resume_all(&event->parent.suspend_thread);
    rt_object_detach(&event->parent.parent);
    return RT_EOK;
}

rt_event_t rt_event_create(const char *name, rt_uint8_t flag)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_event_t event = (rt_event_t)rt_object_allocate(RT_Object_Class_Event, name);
    if (event == RT_NULL)
        return RT_NULL;
    event->parent.parent.flag = flag;
    ipc_object_init(&event->parent);
    event->set = 0;
    return event;
}

rt_err_t rt_event_delete(rt_event_t event)
{
    EVENT_CHECK(event);
    RT_ASSERT(rt_object_is_systemobject(&event->parent.parent) == RT_FALSE);
    rt_ipc_list_resume_all(&event->parent.suspend_thread);
    rt_object_delete(&event->parent.parent);
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
            rt_thread_resume(thread);
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
    rt_err_t err = ipc_wait(&event->parent, timeout, level);
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
