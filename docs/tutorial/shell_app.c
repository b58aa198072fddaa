/* shell_app.c - a shell command of your application, as RT-Thread samples
 * are written: `sensor N` starts a thread that takes N readings from a
 * memory pool and gives them back. */
#include <stdlib.h>

#include <rtthread.h>

static rt_mp_t pool;

static void sensor_entry(void *arg)
{
    int n = (int)(rt_ubase_t)arg;

    for (int i = 0; i < n; i++)
    {
        rt_uint8_t *reading = rt_mp_alloc(pool, RT_WAITING_FOREVER);
        reading[0] = (rt_uint8_t)i;
        rt_kprintf("reading %d in block %d of %d\n", i,
                   (int)(pool->block_total_count - pool->block_free_count),
                   (int)pool->block_total_count);
        rt_thread_mdelay(10);
        rt_mp_free(reading);
    }
}

static int sensor(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;

    if (pool == RT_NULL)
        pool = rt_mp_create("readings", 4, 32);
    rt_thread_t t = rt_thread_create("sensor", sensor_entry, (void *)(rt_ubase_t)n,
                                     1024, 25, 10);
    if (t != RT_NULL)
        rt_thread_startup(t);
    return 0;
}
MSH_CMD_EXPORT(sensor, take N readings from a memory pool);
