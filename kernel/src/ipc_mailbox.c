/*
 * ipc_mailbox.c - mailboxes (RT-Thread 4.1.x, src/ipc.c).
 *
 * A mailbox is a ring of `size` one-word mails:
 *
 *     msg_pool: [ m2 | m3 |    |    | m1 ]      size 5, entry 3
 *                          ^in_offset  ^out_offset
 *
 * Rules:
 *  1. Send writes at in_offset and advances it (wrapping at size); receive
 *     reads at out_offset and advances it.  Urgent steps out_offset back one
 *     slot and writes there, so the mail is the next one received.
 *  2. Send on a full ring: -RT_EFULL at once (rt_mb_send, or timeout 0),
 *     else the sender waits on suspend_sender_thread (FIFO or by priority,
 *     the object's flag) until a receive frees a slot or the time is up
 *     (-RT_ETIMEOUT).  Urgent never waits.
 *  3. Receive on an empty ring waits on parent.suspend_thread the same way
 *     (timeout 0: -RT_ETIMEOUT at once).
 *  4. A send wakes the first waiting receiver, a receive the first waiting
 *     sender; the woken thread re-checks (it may have been beaten to it by
 *     a thread that ran first) and waits again for what is left of its
 *     timeout.  Waking a higher-priority thread preempts the caller.
 *  5. RT_IPC_CMD_RESET, detach and delete wake every waiter (receivers,
 *     then senders) with -RT_ERROR; reset empties the ring.
 *  6. rt_mb_create takes the ring from the system heap: size *
 *     sizeof(rt_ubase_t) bytes, given back by rt_mb_delete.
 *  7. Sending from an interrupt is allowed; waiting in one is reported by
 *     the context check (RT_DEBUG_IN_THREAD_CONTEXT).
 *
 * Invariants: 0 <= entry <= size; in_offset, out_offset < size;
 * in_offset == (out_offset + entry) % size.  Threads wait on the receiver
 * list only while entry == 0 and on the sender list only while
 * entry == size (between a wake-up and the woken thread running, a waiter
 * may see the other case and wait again).
 */
#include "kernel.h"

#ifdef RT_USING_MAILBOX
#define MB_CHECK(mb) do { RT_ASSERT((mb) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(mb)->parent.parent) == RT_Object_Class_MailBox); } while (0)
/* Checked mode: a created mailbox whose ring was freed is not used. */
#define MB_RING_CHECK(mb) \
    RT_ASSERT(!rt_ipc_buffer_freed(&(mb)->parent.parent, (mb)->msg_pool, __func__))

static void mb_setup(rt_mailbox_t mb, rt_ubase_t *pool, rt_size_t size, rt_uint8_t flag)
{
    /* rtsim: RT-Thread 4.1 stores size in 16 bits without a check. */
    RT_ASSERT(size <= RT_MB_ENTRY_MAX);
    rt_ipc_object_init(&mb->parent);
    mb->parent.parent.flag = flag;
    mb->msg_pool = pool;
    mb->size = (rt_uint16_t)size;
    mb->entry = 0;
    mb->in_offset = 0;
    mb->out_offset = 0;
    rt_list_init(&mb->suspend_sender_thread);
}

/* Rule 5: receivers first, then senders, each with -RT_ERROR. */
static void mb_wake_all(rt_mailbox_t mb)
{
    rt_ipc_list_resume_all(&mb->parent.suspend_thread);
    rt_ipc_list_resume_all(&mb->suspend_sender_thread);
}

rt_err_t rt_mb_init(rt_mailbox_t mb, const char *name, void *msgpool,
                    rt_size_t size, rt_uint8_t flag)
{
    RT_ASSERT(mb != RT_NULL);
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    rt_object_init(&mb->parent.parent, RT_Object_Class_MailBox, name);
    mb_setup(mb, (rt_ubase_t *)msgpool, size, flag);
    return RT_EOK;
}

rt_err_t rt_mb_detach(rt_mailbox_t mb)
{
    MB_CHECK(mb);
    RT_ASSERT(rt_object_is_systemobject(&mb->parent.parent));
    mb_wake_all(mb);
    rt_object_detach(&mb->parent.parent);
    return RT_EOK;
}

rt_mailbox_t rt_mb_create(const char *name, rt_size_t size, rt_uint8_t flag)
{
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_mailbox_t mb = (rt_mailbox_t)rt_object_allocate(RT_Object_Class_MailBox, name);
    if (mb == RT_NULL)
        return RT_NULL;
    rt_ubase_t *pool = (rt_ubase_t *)RT_KERNEL_MALLOC(size * sizeof(rt_ubase_t));
    if (pool == RT_NULL)
    {
        rt_object_delete(&mb->parent.parent);
        return RT_NULL;
    }
    mb_setup(mb, pool, size, flag);
    rt_hw_trace(RT_TRACE_IPC_POOL, mb, pool, size * sizeof(rt_ubase_t), RT_NULL);
    return mb;
}

rt_err_t rt_mb_delete(rt_mailbox_t mb)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    MB_CHECK(mb);
    RT_ASSERT(rt_object_is_systemobject(&mb->parent.parent) == RT_FALSE);
    mb_wake_all(mb);
    /* A ring freed behind the mailbox's back: say whose it was; the free
     * below is then reported as a double free. */
    (void)rt_ipc_buffer_freed(&mb->parent.parent, mb->msg_pool, __func__);
    RT_KERNEL_FREE(mb->msg_pool);
    rt_object_delete(&mb->parent.parent);
    return RT_EOK;
}

/* Rule 4: wake the first thread of `list`, if any, and reschedule. */
#define mb_wake_one rt_ipc_wake_one

rt_err_t rt_mb_send_wait(rt_mailbox_t mb, rt_ubase_t value, rt_int32_t timeout)
{
    MB_CHECK(mb);
    MB_RING_CHECK(mb);
    rt_base_t level = rt_hw_interrupt_disable();

    while (mb->entry == mb->size)
    {
        rt_err_t err = RT_IPC_WAIT_ROUND(&mb->suspend_sender_thread, &mb->parent.parent,
                                         &timeout, &level, -RT_EFULL);
        if (err != RT_EOK)
            return err;
    }

    mb->msg_pool[mb->in_offset] = value;
    if (++mb->in_offset >= mb->size)
        mb->in_offset = 0;
    mb->entry++;
    return mb_wake_one(&mb->parent.suspend_thread, level);
}

rt_err_t rt_mb_send(rt_mailbox_t mb, rt_ubase_t value)
{
    return rt_mb_send_wait(mb, value, 0);
}

rt_err_t rt_mb_urgent(rt_mailbox_t mb, rt_ubase_t value)
{
    MB_CHECK(mb);
    MB_RING_CHECK(mb);
    rt_base_t level = rt_hw_interrupt_disable();
    if (mb->entry == mb->size)
    {
        rt_hw_interrupt_enable(level);
        return -RT_EFULL;
    }
    /* Rule 1: the slot before the next one to be read. */
    if (mb->out_offset > 0)
        mb->out_offset--;
    else
        mb->out_offset = (rt_uint16_t)(mb->size - 1);
    mb->msg_pool[mb->out_offset] = value;
    mb->entry++;
    return mb_wake_one(&mb->parent.suspend_thread, level);
}

rt_err_t rt_mb_recv(rt_mailbox_t mb, rt_ubase_t *value, rt_int32_t timeout)
{
    MB_CHECK(mb);
    MB_RING_CHECK(mb);
    RT_ASSERT(value != RT_NULL);
    rt_base_t level = rt_hw_interrupt_disable();

    while (mb->entry == 0)
    {
        rt_err_t err = RT_IPC_WAIT_ROUND(&mb->parent.suspend_thread, &mb->parent.parent,
                                         &timeout, &level, -RT_ETIMEOUT);
        if (err != RT_EOK)
            return err;
    }

    *value = mb->msg_pool[mb->out_offset];
    if (++mb->out_offset >= mb->size)
        mb->out_offset = 0;
    mb->entry--;
    return mb_wake_one(&mb->suspend_sender_thread, level);
}

rt_err_t rt_mb_control(rt_mailbox_t mb, int cmd, void *arg)
{
    (void)arg;
    MB_CHECK(mb);
    if (cmd != RT_IPC_CMD_RESET)
        return -RT_ERROR;
    rt_base_t level = rt_hw_interrupt_disable();
    mb_wake_all(mb);
    mb->entry = 0;
    mb->in_offset = 0;
    mb->out_offset = 0;
    rt_hw_interrupt_enable(level);
    rt_schedule();
    return RT_EOK;
}
#endif /* RT_USING_MAILBOX */
