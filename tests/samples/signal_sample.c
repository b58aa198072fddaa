/*
 * signal_sample.c - rtsim's own version of RT-Thread's kernel sample for
 * signals (kernel-sample signal_sample.c, the programming manual's "Signal
 * Application Example"), written from the documented behaviour:
 *
 *   thread1 (priority 25): installs a SIGUSR1 handler that prints
 *       "thread1 received signal <n>", unmasks SIGUSR1, then prints
 *       "thread1 count : <i>" ten times, 100 ms apart
 *   the caller: starts thread1, sleeps 300 ms, sends it SIGUSR1
 *
 * Run it from the shell as RT-Thread does: msh> signal_sample
 */
#include <rtthread.h>

#define SIG_PRIORITY    25
#define SIG_TIMESLICE   5
#define SIG_STACK       512

static void thread1_signal_handler(int sig)
{
    rt_kprintf("thread1 received signal %d\n", sig);
}

static void sig_thread1_entry(void *parameter)
{
    (void)parameter;
    rt_signal_install(SIGUSR1, thread1_signal_handler);
    rt_signal_unmask(SIGUSR1);
    for (int cnt = 0; cnt < 10; cnt++)
    {
        rt_kprintf("thread1 count : %d\n", cnt);
        rt_thread_mdelay(100);
    }
}

static int signal_sample(void)
{
    rt_thread_t tid1 = rt_thread_create("thread1", sig_thread1_entry, RT_NULL, SIG_STACK,
                                        SIG_PRIORITY, SIG_TIMESLICE);
    if (tid1)
        rt_thread_startup(tid1);
    rt_thread_mdelay(300);
    rt_thread_kill(tid1, SIGUSR1);
    return 0;
}
MSH_CMD_EXPORT(signal_sample, signal sample);
