/*
 * ipc_msgqueue.c - message queues (RT-Thread 4.1.x, src/ipc.c).
 *
 * A message queue copies each message into a slot of its pool.  A slot is
 * RT-Thread's message header (one link word, struct rt_mq_message) and
 * msg_size bytes of message, msg_size being the requested size rounded up
 * to RT_ALIGN_SIZE:
 *
 *     slot = [ next | msg_size bytes ]          stride = sizeof(header) + msg_size
 *     msg_pool: [slot 0][slot 1]...[slot max_msgs-1]
 *
 *     head -> m1 -> m2 -> m3 = tail             (queued, oldest first)
 *     free -> s4 -> s5 -> NULL                  (unused slots)
 *
 * Rules:
 *  1. rt_mq_init: max_msgs = pool_size / stride (what does not fit a whole
 *     slot is unused); the free list is built from slot 0 upwards, each
 *     slot pushed at its head, so the last slot is handed out first.
 *     rt_mq_create: the pool is max_msgs * stride bytes from the system
 *     heap, given back by rt_mq_delete.
 *  2. Send takes the head of the free list, copies the message in and
 *     appends the slot at the tail of the queue; urgent links it at the
 *     head instead (the next message received).  A message longer than
 *     msg_size is -RT_ERROR, nothing queued.
 *  3. Send with no free slot: -RT_EFULL at once (rt_mq_send, timeout 0,
 *     urgent), else the sender waits on suspend_sender_thread (FIFO or by
 *     priority, the object's flag) for a receive or the timeout
 *     (-RT_ETIMEOUT).
 *  4. Receive takes the head of the queue, copies min(size, msg_size) bytes
 *     out, and puts the slot back on the free list; on an empty queue it
 *     waits on parent.suspend_thread the same way.  It returns RT_EOK.
 *     5.x flavour (RTSIM_V5_MQ_RECV_LENGTH, 5.0.1+ src/ipc.c _rt_mq_recv):
 *     the slot header also holds the length sent (header = next | length),
 *     receive copies min(size, length) bytes and returns that count.
 *  5. A send wakes the first waiting receiver, a receive the first waiting
 *     sender; a woken thread re-checks and waits again for what is left of
 *     its timeout.  Waking a higher-priority thread preempts the caller.
 *  6. RT_IPC_CMD_RESET, detach and delete wake every waiter with -RT_ERROR;
 *     reset moves every queued slot back to the free list.
 *  7. Sending from an interrupt is allowed; waiting in one is reported by
 *     the context check.
 *
 * Invariants: entry = length of head..tail; entry + length of the free
 * list = max_msgs; tail == NULL iff head == NULL.
 */
#include "kernel.h"

#ifdef RT_USING_MESSAGEQUEUE
#define MQ_CHECK(mq) do { RT_ASSERT((mq) != RT_NULL); \
    RT_ASSERT(rt_object_get_type(&(mq)->parent.parent) == RT_Object_Class_MessageQueue); } while (0)
/* Checked mode: a created queue whose pool was freed is not used. */
#define MQ_POOL_CHECK(mq) \
    RT_ASSERT(!rt_ipc_buffer_freed(&(mq)->parent.parent, (mq)->msg_pool, __func__))

/* Bytes from one slot to the next. */
static rt_size_t mq_stride(rt_mq_t mq)
{
    return sizeof(struct rt_mq_message) + mq->msg_size;
}

/* Rule 1: every slot on the free list, the last slot at its head. */
static void mq_setup(rt_mq_t mq, void *pool, rt_size_t msg_size, rt_size_t max_msgs,
                     rt_uint8_t flag)
{
    rt_ipc_object_init(&mq->parent);
    mq->parent.parent.flag = flag;
    mq->msg_pool = pool;
    mq->msg_size = (rt_uint16_t)msg_size;
    mq->max_msgs = (rt_uint16_t)max_msgs;
    mq->msg_queue_head = RT_NULL;
    mq->msg_queue_tail = RT_NULL;
    mq->msg_queue_free = RT_NULL;
    for (rt_size_t i = 0; i < mq->max_msgs; i++)
    {
        struct rt_mq_message *slot =
            (struct rt_mq_message *)((rt_uint8_t *)pool + i * mq_stride(mq));
        slot->next = (struct rt_mq_message *)mq->msg_queue_free;
        mq->msg_queue_free = slot;
    }
    mq->entry = 0;
    rt_list_init(&mq->suspend_sender_thread);
}

static void mq_wake_all(rt_mq_t mq)
{
    rt_ipc_list_resume_all(&mq->parent.suspend_thread);
    rt_ipc_list_resume_all(&mq->suspend_sender_thread);
}

rt_err_t rt_mq_init(rt_mq_t mq, const char *name, void *msgpool,
                    rt_size_t msg_size, rt_size_t pool_size, rt_uint8_t flag)
{
    RT_ASSERT(mq != RT_NULL);
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    rt_size_t aligned = RT_ALIGN(msg_size, RT_ALIGN_SIZE);
    /* rtsim: RT-Thread 4.1 truncates these to 16 bits without a check. */
    RT_ASSERT(aligned <= RT_UINT16_MAX);
    rt_size_t max_msgs = pool_size / (aligned + sizeof(struct rt_mq_message));
    RT_ASSERT(max_msgs <= RT_MQ_ENTRY_MAX);
    rt_object_init(&mq->parent.parent, RT_Object_Class_MessageQueue, name);
    mq_setup(mq, msgpool, aligned, max_msgs, flag);
    return RT_EOK;
}

rt_err_t rt_mq_detach(rt_mq_t mq)
{
    MQ_CHECK(mq);
    RT_ASSERT(rt_object_is_systemobject(&mq->parent.parent));
    mq_wake_all(mq);
    rt_object_detach(&mq->parent.parent);
    return RT_EOK;
}

rt_mq_t rt_mq_create(const char *name, rt_size_t msg_size, rt_size_t max_msgs, rt_uint8_t flag)
{
    RT_ASSERT(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO);
    RT_DEBUG_NOT_IN_INTERRUPT;
    rt_size_t aligned = RT_ALIGN(msg_size, RT_ALIGN_SIZE);
    RT_ASSERT(aligned <= RT_UINT16_MAX);
    RT_ASSERT(max_msgs <= RT_MQ_ENTRY_MAX);
    rt_mq_t mq = (rt_mq_t)rt_object_allocate(RT_Object_Class_MessageQueue, name);
    if (mq == RT_NULL)
        return RT_NULL;
    rt_size_t bytes = (aligned + sizeof(struct rt_mq_message)) * max_msgs;
    void *pool = RT_KERNEL_MALLOC(bytes);
    if (pool == RT_NULL)
    {
        rt_object_delete(&mq->parent.parent);
        return RT_NULL;
    }
    mq_setup(mq, pool, aligned, max_msgs, flag);
    rt_hw_trace(RT_TRACE_IPC_POOL, mq, pool, bytes, RT_NULL);
    return mq;
}

rt_err_t rt_mq_delete(rt_mq_t mq)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    MQ_CHECK(mq);
    RT_ASSERT(rt_object_is_systemobject(&mq->parent.parent) == RT_FALSE);
    mq_wake_all(mq);
    (void)rt_ipc_buffer_freed(&mq->parent.parent, mq->msg_pool, __func__);
    RT_KERNEL_FREE(mq->msg_pool);
    rt_object_delete(&mq->parent.parent);
    return RT_EOK;
}

/* Rule 5: wake the first thread of `list`, if any, and reschedule. */
#define mq_wake_one rt_ipc_wake_one

/* Rule 2: a filled slot goes to the tail (or, urgent, the head). */
static void mq_link(rt_mq_t mq, struct rt_mq_message *msg, rt_bool_t urgent)
{
    if (urgent)
    {
        msg->next = (struct rt_mq_message *)mq->msg_queue_head;
        mq->msg_queue_head = msg;
        if (mq->msg_queue_tail == RT_NULL)
            mq->msg_queue_tail = msg;
    }
    else
    {
        msg->next = RT_NULL;
        if (mq->msg_queue_tail != RT_NULL)
            ((struct rt_mq_message *)mq->msg_queue_tail)->next = msg;
        mq->msg_queue_tail = msg;
        if (mq->msg_queue_head == RT_NULL)
            mq->msg_queue_head = msg;
    }
    mq->entry++;
}

/* Rules 2 and 5, called with interrupts disabled (level) and a free slot:
 * take it, copy the message in with interrupts enabled, as RT-Thread does
 * (the slot is off every list meanwhile), queue it and wake a receiver. */
static rt_err_t mq_put(rt_mq_t mq, const void *buffer, rt_size_t size,
                       rt_bool_t urgent, rt_base_t level)
{
    struct rt_mq_message *msg = (struct rt_mq_message *)mq->msg_queue_free;
    mq->msg_queue_free = msg->next;
    rt_hw_interrupt_enable(level);

#if RTSIM_V5_MQ_RECV_LENGTH
    msg->length = (rt_ssize_t)size;
#endif
    rt_memcpy(msg + 1, buffer, size);

    level = rt_hw_interrupt_disable();
    mq_link(mq, msg, urgent);
    return mq_wake_one(&mq->parent.suspend_thread, level);
}

rt_err_t rt_mq_send_wait(rt_mq_t mq, const void *buffer, rt_size_t size, rt_int32_t timeout)
{
    MQ_CHECK(mq);
    MQ_POOL_CHECK(mq);
    RT_ASSERT(buffer != RT_NULL);
    RT_ASSERT(size != 0);
    if (size > mq->msg_size)
        return -RT_ERROR;

    rt_base_t level = rt_hw_interrupt_disable();
    while (mq->msg_queue_free == RT_NULL)
    {
        rt_err_t err = RT_IPC_WAIT_ROUND(&mq->suspend_sender_thread, &mq->parent.parent,
                                         &timeout, &level, -RT_EFULL);
        if (err != RT_EOK)
            return err;
    }
    return mq_put(mq, buffer, size, RT_FALSE, level);
}

rt_err_t rt_mq_send(rt_mq_t mq, const void *buffer, rt_size_t size)
{
    return rt_mq_send_wait(mq, buffer, size, 0);
}

rt_err_t rt_mq_urgent(rt_mq_t mq, const void *buffer, rt_size_t size)
{
    MQ_CHECK(mq);
    MQ_POOL_CHECK(mq);
    RT_ASSERT(buffer != RT_NULL);
    RT_ASSERT(size != 0);
    if (size > mq->msg_size)
        return -RT_ERROR;

    rt_base_t level = rt_hw_interrupt_disable();
    if (mq->msg_queue_free == RT_NULL)
    {
        rt_hw_interrupt_enable(level);
        return -RT_EFULL;
    }
    return mq_put(mq, buffer, size, RT_TRUE, level);
}

#if RTSIM_V5_MQ_RECV_LENGTH
rt_ssize_t
#else
rt_err_t
#endif
rt_mq_recv(rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout)
{
    MQ_CHECK(mq);
    MQ_POOL_CHECK(mq);
    RT_ASSERT(buffer != RT_NULL);
    RT_ASSERT(size != 0);

    rt_base_t level = rt_hw_interrupt_disable();
    while (mq->entry == 0)
    {
        rt_err_t err = RT_IPC_WAIT_ROUND(&mq->parent.suspend_thread, &mq->parent.parent,
                                         &timeout, &level, -RT_ETIMEOUT);
        if (err != RT_EOK)
            return err;
    }
    struct rt_mq_message *msg = (struct rt_mq_message *)mq->msg_queue_head;
    mq->msg_queue_head = msg->next;
    if (mq->msg_queue_tail == msg)
        mq->msg_queue_tail = RT_NULL;
    mq->entry--;
    rt_hw_interrupt_enable(level);

#if RTSIM_V5_MQ_RECV_LENGTH
    rt_size_t len = (rt_size_t)msg->length < size ? (rt_size_t)msg->length : size;
#else
    rt_size_t len = size > mq->msg_size ? mq->msg_size : size;
#endif
    rt_memcpy(buffer, msg + 1, len);

    level = rt_hw_interrupt_disable();
    msg->next = (struct rt_mq_message *)mq->msg_queue_free;
    mq->msg_queue_free = msg;
    rt_err_t err = mq_wake_one(&mq->suspend_sender_thread, level);
#if RTSIM_V5_MQ_RECV_LENGTH
    return err == RT_EOK ? (rt_ssize_t)len : err;
#else
    return err;
#endif
}

rt_err_t rt_mq_control(rt_mq_t mq, int cmd, void *arg)
{
    (void)arg;
    MQ_CHECK(mq);
    if (cmd != RT_IPC_CMD_RESET)
        return -RT_ERROR;
    rt_base_t level = rt_hw_interrupt_disable();
    mq_wake_all(mq);
    while (mq->msg_queue_head != RT_NULL)
    {
        struct rt_mq_message *msg = (struct rt_mq_message *)mq->msg_queue_head;
        mq->msg_queue_head = msg->next;
        msg->next = (struct rt_mq_message *)mq->msg_queue_free;
        mq->msg_queue_free = msg;
    }
    mq->msg_queue_tail = RT_NULL;
    mq->entry = 0;
    rt_hw_interrupt_enable(level);
    rt_schedule();
    return RT_EOK;
}
#endif /* RT_USING_MESSAGEQUEUE */
