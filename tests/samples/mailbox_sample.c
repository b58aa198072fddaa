/*
 * mailbox_sample.c - rtsim's own version of RT-Thread's kernel sample for
 * mailboxes (kernel-sample mailbox_sample.c, the programming manual's
 * "Mailbox Application Example"), written from the documented behaviour:
 *
 *   mailbox "mbt": a static 128-byte pool, 128 / 4 = 32 mails, FIFO
 *   thread1 (priority 10): receives a mail (a string's address), prints
 *       "thread1: get a mail from mailbox, the content:<string>", stops
 *       after "over", otherwise sleeps 100 ms; then detaches the mailbox
 *   thread2 (priority 10): sends the address of "I'm a mail!" and of
 *       "this is another mail!" in turn, 10 mails 200 ms apart, then "over"
 *
 * Run it from the shell as RT-Thread does: msh> mailbox_sample
 */
#include <rtthread.h>

#define MB_PRIORITY     10
#define MB_TIMESLICE    5
#define MB_STACK        512

static struct rt_mailbox mb;
static char mb_pool[128];
static char mb_str1[] = "I'm a mail!";
static char mb_str2[] = "this is another mail!";
static char mb_str3[] = "over";

static void mb_thread1_entry(void *parameter)
{
    (void)parameter;
    char *str;
    for (;;)
    {
        if (rt_mb_recv(&mb, (rt_ubase_t *)&str, RT_WAITING_FOREVER) == RT_EOK)
        {
            rt_kprintf("thread1: get a mail from mailbox, the content:%s\n", str);
            if (str == mb_str3)
                break;
            rt_thread_mdelay(100);
        }
    }
    rt_mb_detach(&mb);
}

static void mb_thread2_entry(void *parameter)
{
    (void)parameter;
    for (int count = 1; count <= 10; count++)
    {
        rt_mb_send(&mb, (rt_ubase_t)(count & 1 ? mb_str1 : mb_str2));
        rt_thread_mdelay(200);
    }
    rt_mb_send(&mb, (rt_ubase_t)mb_str3);
}

static int mailbox_sample(void)
{
    if (rt_mb_init(&mb, "mbt", mb_pool, sizeof(mb_pool) / 4, RT_IPC_FLAG_FIFO) != RT_EOK)
        return -1;
    rt_thread_t t1 = rt_thread_create("thread1", mb_thread1_entry, RT_NULL, MB_STACK,
                                      MB_PRIORITY, MB_TIMESLICE);
    if (t1)
        rt_thread_startup(t1);
    rt_thread_t t2 = rt_thread_create("thread2", mb_thread2_entry, RT_NULL, MB_STACK,
                                      MB_PRIORITY, MB_TIMESLICE);
    if (t2)
        rt_thread_startup(t2);
    return 0;
}
MSH_CMD_EXPORT(mailbox_sample, mailbox sample);
