/*
 * demo_kernel.c - `rtsim demo kernel`: threads of several priorities,
 * delays, a semaphore hand-over from a producer to a consumer, and a
 * deadlock that the simulator reports.  Every line carries its tick.
 */
#include <stdio.h>
#include <rtsim.h>
#include <rthw.h>

#include "demos.h"

#if defined(RT_USING_SEMAPHORE) && defined(RT_USING_MUTEX)

/* Narration: the tick (read without busy-wait accounting) and the thread. */
#define SAY(...) do { rt_kprintf("[tick %5u] %-10.10s ", (unsigned)rt_tick_get_raw(), \
                                 rt_thread_self()->name); rt_kprintf(__VA_ARGS__); } while (0)

static rt_sem_t data_ready;
static int samples[3];

static void sensor(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
    {
        SAY("sleeps 30 ticks (rt_thread_delay)\n");
        rt_thread_delay(30);
        samples[i] = 20 + i * 3;
        SAY("measured %d, releases semaphore \"ready\"\n", samples[i]);
        rt_sem_release(data_ready);
        SAY("continues after the release (it has the higher priority)\n");
    }
    SAY("done\n");
}

static void logger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
    {
        SAY("waits for \"ready\" (rt_sem_take, forever)\n");
        rt_sem_take(data_ready, RT_WAITING_FOREVER);
        SAY("got sample %d\n", samples[i]);
    }
    rt_sem_delete(data_ready);      /* the last user gives it back: no leak */
}

static void background(void *arg)
{
    (void)arg;
    SAY("lowest priority: runs only when the others are blocked\n");
    rt_thread_delay(100);
    SAY("woke at the end of its 100-tick delay\n");
}

static void part1_main(void *arg)
{
    (void)arg;
    rt_kprintf("Part 1: priorities, delays and a semaphore hand-over\n");
    rt_kprintf("  sensor (priority 8) produces a sample every 30 ticks;\n");
    rt_kprintf("  logger (priority 12) waits for each one on semaphore \"ready\";\n");
    rt_kprintf("  background (priority 20) runs when both are blocked.\n");
    rt_kprintf("  Lower number = higher priority.  Idle ticks cost no wall time.\n\n");
    data_ready = rt_sem_create("ready", 0, RT_IPC_FLAG_PRIO);
    rt_thread_startup(rt_thread_create("logger", logger, RT_NULL, 1024, 12, 10));
    rt_thread_startup(rt_thread_create("sensor", sensor, RT_NULL, 1024, 8, 10));
    rt_thread_startup(rt_thread_create("background", background, RT_NULL, 1024, 20, 10));
    SAY("started three threads and ends\n");
}

static struct rt_mutex lock_a, lock_b;

static void taker(void *arg)
{
    int first_a = arg != RT_NULL;
    rt_mutex_t first = first_a ? &lock_a : &lock_b, second = first_a ? &lock_b : &lock_a;
    SAY("takes mutex \"%s\"\n", first->parent.parent.name);
    rt_mutex_take(first, RT_WAITING_FOREVER);
    rt_thread_delay(5);
    SAY("wants mutex \"%s\" too\n", second->parent.parent.name);
    rt_mutex_take(second, RT_WAITING_FOREVER);
    SAY("never gets here\n");
}

static void part2_main(void *arg)
{
    (void)arg;
    rt_kprintf("\nPart 2: a deadlock\n");
    rt_kprintf("  left takes lock_a then lock_b; right takes lock_b then lock_a.\n\n");
    rt_mutex_init(&lock_a, "lock_a", RT_IPC_FLAG_PRIO);
    rt_mutex_init(&lock_b, "lock_b", RT_IPC_FLAG_PRIO);
    rt_thread_startup(rt_thread_create("left", taker, (void *)1, 1024, 9, 10));
    rt_thread_startup(rt_thread_create("right", taker, RT_NULL, 1024, 9, 10));
}

static int demo_kernel(struct rt_sim_config *cfg)
{
    cfg->report = stdout;
    int rc = rt_sim_run(cfg, part1_main, NULL);
    if (rc == RT_SIM_ETICKLIMIT)
        return 0;       /* --ticks / RTSIM_TICKS ended it: a normal end */
    if (rc != RT_SIM_OK)
        return 1;
    rc = rt_sim_run(cfg, part2_main, NULL);
    printf("\nrt_sim_run returned %d (RT_SIM_EDEADLOCK): the simulator noticed that no\n"
           "thread can ever run again and named what each one waits for.\n", rc);
    return rc == RT_SIM_EDEADLOCK ? 0 : 1;
}
#else
/* A -Drtconfig build without semaphores or mutexes: nothing to show. */
static int demo_kernel(struct rt_sim_config *cfg)
{
    (void)cfg;
    printf("This rtsim's configuration (rtconfig.h) has no semaphores or no mutexes\n"
           "(RT_USING_SEMAPHORE, RT_USING_MUTEX): the kernel demo needs both.\n");
    return 0;
}
#endif

const struct rtsim_demo rtsim_demo_kernel = {
    "kernel", "threads, priorities, delays, a semaphore hand-over and a deadlock", demo_kernel
};
