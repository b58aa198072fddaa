/*
 * msgq_sample.c - rtsim's own version of RT-Thread's kernel sample for
 * message queues (kernel-sample msgq_sample.c, the programming manual's
 * "Message Queue Application Example"), written from the documented
 * behaviour:
 *
 *   queue "mqt": a static 2048-byte pool, 1-byte messages, FIFO
 *   thread1 (priority 25): receives a byte, prints "thread1: recv msg from
 *       msg queue, the content:<c>", stops after its 20th, otherwise
 *       sleeps 50 ms; prints "thread1: detach mq" and detaches the queue
 *   thread2 (priority 25): sends 'A', 'B', ... every 5 ms, printing
 *       "thread2: send message - <c>"; the 9th ('I') goes out urgent
 *       ("thread2: send urgent message - I"); after 20 it prints "message
 *       queue stop send, thread2 quit"
 *
 * Run it from the shell as RT-Thread does: msh> msgq_sample
 */
#include <rtthread.h>

#define MQ_PRIORITY     25
#define MQ_TIMESLICE    5
#define MQ_STACK        512

static struct rt_messagequeue mq;
static rt_uint8_t msg_pool[2048];

static void mq_thread1_entry(void *parameter)
{
    (void)parameter;
    char buf = 0;
    for (rt_uint8_t cnt = 0;; cnt++)
    {
        /* As kernel-sample's current msgq_sample.c tests it: a length
         * since 5.0.1, RT_EOK before. */
#if defined(RT_VERSION_CHECK) && (RTTHREAD_VERSION >= RT_VERSION_CHECK(5, 0, 1))
        if (rt_mq_recv(&mq, &buf, sizeof(buf), RT_WAITING_FOREVER) > 0)
#else
        if (rt_mq_recv(&mq, &buf, sizeof(buf), RT_WAITING_FOREVER) == RT_EOK)
#endif
        {
            rt_kprintf("thread1: recv msg from msg queue, the content:%c\n", buf);
            if (cnt == 19)
                break;
        }
        rt_thread_mdelay(50);
    }
    rt_kprintf("thread1: detach mq \n");
    rt_mq_detach(&mq);
}

static void mq_thread2_entry(void *parameter)
{
    (void)parameter;
    char buf = 'A';
    for (rt_uint8_t cnt = 0;; cnt++, buf++)
    {
        if (cnt == 8)
        {
            if (rt_mq_urgent(&mq, &buf, 1) != RT_EOK)
                rt_kprintf("rt_mq_urgent ERR\n");
            else
                rt_kprintf("thread2: send urgent message - %c\n", buf);
        }
        else if (cnt >= 20)
        {
            rt_kprintf("message queue stop send, thread2 quit\n");
            break;
        }
        else
        {
            if (rt_mq_send(&mq, &buf, 1) != RT_EOK)
                rt_kprintf("rt_mq_send ERR\n");
            rt_kprintf("thread2: send message - %c\n", buf);
        }
        rt_thread_mdelay(5);
    }
}

static int msgq_sample(void)
{
    if (rt_mq_init(&mq, "mqt", msg_pool, 1, sizeof(msg_pool), RT_IPC_FLAG_FIFO) != RT_EOK)
        return -1;
    rt_thread_t t1 = rt_thread_create("thread1", mq_thread1_entry, RT_NULL, MQ_STACK,
                                      MQ_PRIORITY, MQ_TIMESLICE);
    if (t1)
        rt_thread_startup(t1);
    rt_thread_t t2 = rt_thread_create("thread2", mq_thread2_entry, RT_NULL, MQ_STACK,
                                      MQ_PRIORITY, MQ_TIMESLICE);
    if (t2)
        rt_thread_startup(t2);
    return 0;
}
MSH_CMD_EXPORT(msgq_sample, msgq sample);
