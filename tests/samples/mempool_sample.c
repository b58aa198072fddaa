/*
 * mempool_sample.c - rtsim's own version of RT-Thread's kernel sample for
 * memory pools (kernel-sample memp_sample.c, the programming manual's
 * "Memory Pool Application Example").  Written from the documented
 * behaviour, not copied: the same two threads, priorities, time slices,
 * loop bounds and console messages, so its output can be compared line by
 * line with what the manual shows.
 *
 *   pool   "mp1": 4096 bytes of static memory cut into 80-byte blocks
 *                (48 blocks on a 32-bit target, 46 on a 64-bit one)
 *   thread1 (priority 25): allocates 50 blocks, waiting forever for each,
 *                and prints "allocate No.i" after each success
 *   thread2 (priority 26, lower): prints "thread2 try to release block",
 *                then frees every block it finds, printing
 *                "release block i" before each free
 *
 * thread1 runs first and takes every block, then blocks on the next one.
 * thread2 frees block 0: thread1 (higher priority) is woken and preempts
 * it inside rt_mp_free, takes the block, and blocks again on the next.
 * That alternation continues until thread1 has its 50 blocks; thread2
 * then frees the rest.
 *
 * Run it from the shell as RT-Thread does: msh> mempool_sample
 */
#include <rtthread.h>

#define SAMPLE_BLOCKS_WANTED    50
#define SAMPLE_POOL_BYTES       4096
#define SAMPLE_BLOCK_BYTES      80
#define SAMPLE_PRIORITY         25
#define SAMPLE_STACK_BYTES      512
#define SAMPLE_TIMESLICE        5

static rt_uint8_t *blocks[SAMPLE_BLOCKS_WANTED];
static rt_uint8_t pool_memory[SAMPLE_POOL_BYTES];
static struct rt_mempool pool;

static void allocating_thread(void *parameter)
{
    (void)parameter;
    for (int i = 0; i < SAMPLE_BLOCKS_WANTED; i++)
    {
        if (blocks[i] != RT_NULL)
            continue;
        /* Blocks (thread2 runs) whenever the pool is empty. */
        blocks[i] = rt_mp_alloc(&pool, RT_WAITING_FOREVER);
        if (blocks[i] != RT_NULL)
            rt_kprintf("allocate No.%d\n", i);
    }
}

static void releasing_thread(void *parameter)
{
    (void)parameter;
    rt_kprintf("thread2 try to release block\n");
    for (int i = 0; i < SAMPLE_BLOCKS_WANTED; i++)
    {
        if (blocks[i] == RT_NULL)
            continue;
        rt_kprintf("release block %d\n", i);
        /* May switch to thread1 before returning: it waits, and it has
         * the higher priority. */
        rt_mp_free(blocks[i]);
        blocks[i] = RT_NULL;
    }
}

int mempool_sample(void);
int mempool_sample(void)
{
    for (int i = 0; i < SAMPLE_BLOCKS_WANTED; i++)
        blocks[i] = RT_NULL;

    rt_mp_init(&pool, "mp1", pool_memory, sizeof pool_memory, SAMPLE_BLOCK_BYTES);

    rt_thread_t t1 = rt_thread_create("thread1", allocating_thread, RT_NULL,
                                      SAMPLE_STACK_BYTES, SAMPLE_PRIORITY, SAMPLE_TIMESLICE);
    if (t1 != RT_NULL)
        rt_thread_startup(t1);

    rt_thread_t t2 = rt_thread_create("thread2", releasing_thread, RT_NULL,
                                      SAMPLE_STACK_BYTES, SAMPLE_PRIORITY + 1, SAMPLE_TIMESLICE);
    if (t2 != RT_NULL)
        rt_thread_startup(t2);
    return 0;
}
MSH_CMD_EXPORT(mempool_sample, mempool sample);
