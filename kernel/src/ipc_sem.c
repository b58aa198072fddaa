/*
 * ipc_sem.c - semaphores and mutexes (RT-Thread 4.1.x, src/ipc.c).
 *
 * Both wait on the shared suspend lists of ipc.c.  Mutexes always queue by
 * priority and lend their owner the priority of a higher-priority waiter
 * (priority inheritance) until it releases the mutex.
 */
#include "kernel.h"

#ifdef RT_USING_SEMAPHORE
/* --------------------------------------------------------- semaphore */
/* The type is read inline; rt_object_get_type's assertion reports it only
 * when it is wrong (issue 19: one test, not a call). */
#define SEM_CHECK(sem) do { RT_ASSERT((sem) != RT_NULL); \
    if (((sem)->parent.parent.type & ~RT_Object_Class_Static) != RT_Object_Class_Semaphore) \
        RT_ASSERT(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore); } while (0)

rt_err_t rt_sem_init(rt_sem_t sem, const char *name, rt_uint32_t value, rt_uint8_t flag)
{
    RT_ASSERT(sem != RT_NULL);
    RT_ASSERT(value < 0x10000U);
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    rt_object_init(&sem->parent.parent, RT_Object_Class_Semaphore, name);
    rt_ipc_object_init(&sem->parent);
    sem->value = (rt_uint16_t)value;
    sem->parent.parent.flag = flag;
    return RT_EOK;
}

rt_err_t rt_sem_detach(rt_sem_t sem)
{
    SEM_CHECK(sem);
    RT_ASSERT(rt_object_is_systemobject(&sem->parent.parent));
    rt_ipc_object_end(&sem->parent, RT_FALSE);
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
    rt_ipc_object_init(&sem->parent);
    sem->value = (rt_uint16_t)value;
    sem->parent.parent.flag = flag;
    return sem;
}

rt_err_t rt_sem_delete(rt_sem_t sem)
{
    SEM_CHECK(sem);
    RT_ASSERT(rt_object_is_systemobject(&sem->parent.parent) == RT_FALSE);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_ipc_object_end(&sem->parent, RT_TRUE);
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
    return rt_ipc_wait(&sem->parent, time, level);
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
/* The hot paths' form of the two checks (issue 19): the same tests read
 * inline, the reporting functions called only when one fails. */
#define MUTEX_CHECK_FAST(m) do { RT_ASSERT((m) != RT_NULL); \
    if (((m)->parent.parent.type & ~RT_Object_Class_Static) != RT_Object_Class_Mutex) \
        RT_ASSERT(rt_object_get_type(&(m)->parent.parent) == RT_Object_Class_Mutex); } while (0)
#define IN_THREAD_CONTEXT_FAST() do { \
    if (rt_current_thread == RT_NULL || rt_interrupt_get_nest() != 0) \
        RT_DEBUG_IN_THREAD_CONTEXT; } while (0)

static void mutex_setup(rt_mutex_t mutex)
{
    rt_ipc_object_init(&mutex->parent);
    mutex->value = 1;
    mutex->owner = RT_NULL;
    mutex->original_priority = 0xFF;
    mutex->hold = 0;
    /* 4.1: always by priority (FIFO cannot bound priority inversion). */
    mutex->parent.parent.flag = RT_IPC_FLAG_PRIO;
}

#if RTSIM_V5_MUTEX_PRIO_RECOMPUTE
/* 5.x (src/ipc.c _thread_get_mutex_priority): the priority `thread` is
 * owed: its init_priority, raised to the first (highest-priority) waiter
 * of each mutex it holds other than `skip`.  rtsim finds the held mutexes
 * on the Mutex class list (5.x keeps a per-thread list; same result). */
static rt_uint8_t mutex_owed_priority(struct rt_thread *thread, rt_mutex_t skip)
{
    rt_uint8_t prio = thread->init_priority;
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Mutex);
    rt_list_t *node;
    rt_list_for_each(node, &info->object_list)
    {
        rt_mutex_t m = rt_list_entry(node, struct rt_mutex, parent.parent.list);
        if (m == skip || m->owner != thread || rt_list_isempty(&m->parent.suspend_thread))
            continue;
        struct rt_thread *w = rt_list_entry(m->parent.suspend_thread.next, struct rt_thread, tlist);
        if (w->current_priority < prio)
            prio = w->current_priority;
    }
    return prio;
}

/* A waiter whose priority changed moves to its place in the mutex's
 * (priority-ordered) wait list; equal priorities keep their order. */
static void mutex_resort_waiter(rt_mutex_t m, struct rt_thread *t)
{
    rt_list_remove(&t->tlist);
    rt_list_t *node;
    rt_list_for_each(node, &m->parent.suspend_thread)
    {
        struct rt_thread *w = rt_list_entry(node, struct rt_thread, tlist);
        if (t->current_priority < w->current_priority)
        {
            rt_list_insert_before(&w->tlist, &t->tlist);
            return;
        }
    }
    rt_list_insert_before(&m->parent.suspend_thread, &t->tlist);
}

/* The mutex `owner` waits on, RT_NULL when it waits on none. */
static rt_mutex_t mutex_waited_on(struct rt_thread *owner)
{
    struct rt_object *wo = owner->wait_object;
    if (wo == RT_NULL || rt_object_get_type(wo) != RT_Object_Class_Mutex)
        return RT_NULL;
    return (rt_mutex_t)wo;
}

/* 5.x (src/ipc.c _thread_update_priority): set `owner` to the priority it
 * is owed and carry the change along the chain (the owner waits on a mutex
 * whose owner waits on ...).  Bounded: a deadlock cycle converges, and
 * the walk stops at the first thread whose priority does not change. */
static void mutex_update_chain(struct rt_thread *owner, rt_mutex_t skip)
{
    for (int depth = 0; owner != RT_NULL && depth < 256; depth++)
    {
        rt_uint8_t prio = mutex_owed_priority(owner, skip);
        skip = RT_NULL;
        if (prio == owner->current_priority)
            return;
        rt_thread_control(owner, RT_THREAD_CTRL_CHANGE_PRIORITY, &prio);
        rt_mutex_t m = mutex_waited_on(owner);
        if (m == RT_NULL)
            return;
        mutex_resort_waiter(m, owner);
        owner = m->owner;
    }
}
#endif

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
    rt_ipc_object_end(&mutex->parent, RT_FALSE);
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
    rt_ipc_object_end(&mutex->parent, RT_TRUE);
    return RT_EOK;
}

/* rtsim addition: a mutex whose owner has ended.  Neither RT-Thread 4.1.1
 * nor 5.1.0 releases a thread's mutexes when it exits (src/thread.c
 * rt_thread_exit / _thread_exit), so its owner field then names a closed
 * thread, or a freed one; taking the mutex would lend that thread a priority
 * and wait for ever.  Asked before the owner is read any further (checked
 * mode knows a freed block, so memcheck sees no read of it). */
static rt_bool_t mutex_owner_ended(struct rt_thread *owner)
{
    return rt_hw_mem_is_freed(owner)
           || rt_object_get_type((rt_object_t)owner) != RT_Object_Class_Thread
           || (owner->stat & RT_THREAD_STAT_MASK) == RT_THREAD_CLOSE;
}

static void mutex_owner_ended_report(rt_mutex_t mutex, rt_base_t level)
{
    rt_hw_interrupt_enable(level);
    rt_kprintf("rtsim: mutex \"%.*s\" is held by a thread that has ended (a thread's "
               "mutexes are not released when it exits)\n", RT_NAME_MAX, mutex->parent.parent.name);
    rt_assert_handler("mutex owner has not ended", "rt_mutex_take", (rt_size_t)__LINE__);
}

rt_err_t rt_mutex_take(rt_mutex_t mutex, rt_int32_t time)
{
    IN_THREAD_CONTEXT_FAST();
    MUTEX_CHECK_FAST(mutex);
    struct rt_thread *thread = rt_current_thread;     /* rt_thread_self() */
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
    if (mutex_owner_ended(mutex->owner))
    {
        mutex_owner_ended_report(mutex, level);
        return -RT_ERROR;
    }
    /* Priority inheritance: lend the owner our priority. */
    if (thread->current_priority < mutex->owner->current_priority)
    {
        struct rt_thread *owner = mutex->owner;
        rt_thread_control(owner, RT_THREAD_CTRL_CHANGE_PRIORITY, &thread->current_priority);
#if RTSIM_V5_MUTEX_PRIO_RECOMPUTE
        /* 5.x: and on along the chain of mutex owners (4.1: the owner only). */
        rt_mutex_t m = mutex_waited_on(owner);
        if (m != RT_NULL)
        {
            mutex_resort_waiter(m, owner);
            mutex_update_chain(m->owner, RT_NULL);
        }
#endif
    }
    /* On success the releasing thread has made us the owner. */
#if RTSIM_V5_MUTEX_PRIO_RECOMPUTE
    rt_err_t err = rt_ipc_wait(&mutex->parent, time, level);
    if (err == -RT_ETIMEOUT || err == -RT_EINTR)
    {
        /* 5.x rt_mutex_take: a waiter that timed out or was resumed
         * (-RT_EINTR) no longer lends the owner its priority.  (After
         * -RT_ERROR the mutex may be deleted: not touched.) */
        level = rt_hw_interrupt_disable();
        if (mutex->owner != RT_NULL && mutex->owner != thread)
            mutex_update_chain(mutex->owner, RT_NULL);
        rt_hw_interrupt_enable(level);
    }
    return err;
#else
    return rt_ipc_wait(&mutex->parent, time, level);
#endif
}

rt_err_t rt_mutex_trytake(rt_mutex_t mutex)
{
    return rt_mutex_take(mutex, RT_WAITING_NO);
}

rt_err_t rt_mutex_release(rt_mutex_t mutex)
{
    MUTEX_CHECK_FAST(mutex);
    IN_THREAD_CONTEXT_FAST();
    struct rt_thread *thread = rt_current_thread;     /* rt_thread_self() */
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
#if RTSIM_V5_MUTEX_PRIO_RECOMPUTE
        /* 5.x: keep what the mutexes still held are owed. */
        mutex_update_chain(thread, mutex);
#else
        /* 4.1: give back any inherited priority. */
        if (mutex->original_priority != mutex->owner->current_priority)
            rt_thread_control(mutex->owner, RT_THREAD_CTRL_CHANGE_PRIORITY, &mutex->original_priority);
#endif

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
