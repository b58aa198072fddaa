/*
 * demo_mempool_sample.c - `rtsim demo mempool-sample`: the RT-Thread
 * manual's memory-pool sample ("Memory Pool Application Example",
 * kernel-sample memp_sample.c), written again from its documented
 * behaviour, and the pool's free chain drawn from the simulated RAM.
 *
 * The sample: pool "mp1" of 4096 bytes cut into 80-byte blocks; thread1
 * (priority 25) allocates 50 blocks, waiting forever for each; thread2
 * (priority 26) frees every block it finds.  Its output is printed as the
 * manual prints it; the lines starting with "  |" are the demo's own.
 *
 * Every block starts with one pointer-sized word (RT-Thread 4.1.1
 * src/mempool.c, rt_mp_init / rt_mp_alloc / rt_mp_free): in a free block
 * it points at the next free block (mp->block_list is the head); in an
 * allocated block it points at the pool itself, which is how rt_mp_free
 * finds the pool from the block.
 */
#include <stdio.h>
#include <rtsim.h>
#include <rthw.h>
#include <rtmm.h>

#include "demos.h"
#include "heapmap.h"

#ifdef RTSIM_HAVE_MEMPOOL

#define WANTED      50
#define POOL_BYTES  4096
#define BLOCK_BYTES 80

static rt_uint8_t *ptr[WANTED];
static struct rt_mempool *mpp;  /* in the simulated RAM, as .bss on a board */
#define mp (*mpp)
static rt_uint8_t *pool_memory;

/* The chain, drawn: one line per block for the first 3 and the last 2. */
struct chain_ctx
{
    int i, n;
};

static int count_block(const struct rt_mem_block *b, void *ctx)
{
    (void)b;
    ((struct chain_ctx *)ctx)->n++;
    return 0;
}

HM_RAW static int draw_block(const struct rt_mem_block *b, void *ctx)
{
    struct chain_ctx *c = ctx;
    int i = c->i++;
    if (i >= 3 && i < c->n - 2)
    {
        if (i == 3)
            rt_kprintf("  |   ...        (%d more blocks)\n", c->n - 5);
        return 0;
    }
    rt_uint8_t *word = *(rt_uint8_t *const *)b->start;
    rt_kprintf("  |   0x%08lx word 0x%08lx ", rt_sim_target_addr(b->start),
               word ? rt_sim_target_addr(word) : 0ul);
    if (word == (rt_uint8_t *)&mp || (b->used && word))
        rt_kprintf("-> the pool \"mp1\" (allocated)\n");
    else if (word)
        rt_kprintf("-> next free block\n");
    else
        rt_kprintf("= NULL: the last free block\n");
    return 0;
}

static void draw_chain(const char *when)
{
    struct chain_ctx c = { 0, 0 };
    rt_hw_mem_enter();
    rt_mp_walk(&mp, count_block, &c);
    rt_kprintf("  | pool \"mp1\" %s: %u of %u blocks free, block_list (the head) = 0x%08lx\n",
               when, (unsigned)mp.block_free_count, (unsigned)mp.block_total_count,
               mp.block_list ? rt_sim_target_addr(mp.block_list) : 0ul);
    rt_mp_walk(&mp, draw_block, &c);
    rt_hw_mem_leave();
}

static void thread1_mp_alloc(void *parameter)
{
    (void)parameter;
    for (int i = 0; i < WANTED; i++)
    {
        if (ptr[i] == RT_NULL)
        {
            ptr[i] = rt_mp_alloc(&mp, RT_WAITING_FOREVER);
            if (ptr[i] != RT_NULL)
                rt_kprintf("allocate No.%d\n", i);
        }
    }
}

static void thread2_mp_release(void *parameter)
{
    (void)parameter;
    rt_kprintf("thread2 try to release block\n");
    draw_chain("with thread1 waiting (every block allocated)");
    for (int i = 0; i < WANTED; i++)
    {
        if (ptr[i] != RT_NULL)
        {
            rt_kprintf("release block %d\n", i);
            rt_mp_free(ptr[i]);
            ptr[i] = RT_NULL;
        }
    }
}

static void sample_main(void *arg)
{
    (void)arg;
    int blocks = POOL_BYTES / (BLOCK_BYTES + (int)sizeof(rt_uint8_t *));
    rt_kprintf("The manual's memory-pool sample.  Pool \"mp1\": %d bytes cut into\n", POOL_BYTES);
    rt_kprintf("%d-byte blocks, each with a word of %d bytes in front: %d / (%d + %d) = %d\n",
               BLOCK_BYTES, (int)sizeof(rt_uint8_t *), POOL_BYTES, BLOCK_BYTES,
               (int)sizeof(rt_uint8_t *), blocks);
    rt_kprintf("blocks (the manual, on a 32-bit target, has 48).  thread1 (priority 25) wants %d\n",
               WANTED);
    rt_kprintf("blocks and waits forever for each; thread2 (priority 26) frees them.  The\n");
    rt_kprintf("sample's static array and pool object are taken from the heap here, so\n");
    rt_kprintf("that their addresses are the board's.\n\n");
    pool_memory = rt_malloc(POOL_BYTES);
    mpp = rt_malloc(sizeof *mpp);
    for (int i = 0; i < WANTED; i++)
        ptr[i] = RT_NULL;
    rt_mp_init(&mp, "mp1", pool_memory, POOL_BYTES, BLOCK_BYTES);
    draw_chain("after rt_mp_init");
    rt_kprintf("\n");

    rt_thread_t t1 = rt_thread_create("thread1", thread1_mp_alloc, RT_NULL, 512, 25, 5);
    rt_thread_startup(t1);
    rt_thread_t t2 = rt_thread_create("thread2", thread2_mp_release, RT_NULL, 512, 26, 5);
    rt_thread_startup(t2);
    rt_thread_delay(10);        /* main (priority 10) lets the sample run */

    rt_kprintf("\n");
    draw_chain("at the end");
    rt_kprintf("  | rt_mp_free puts each block at the head of the chain (block_list): the\n"
               "  | last one freed is the first one the next rt_mp_alloc gets.\n");
    rt_mp_detach(&mp);
    rt_free(pool_memory);
    rt_free(mpp);
}

static int demo_mempool_sample(struct rt_sim_config *cfg)
{
    cfg->report = stdout;
    return rt_sim_run(cfg, sample_main, NULL) == RT_SIM_OK ? 0 : 1;
}

const struct rtsim_demo rtsim_demo_mempool_sample = {
    "mempool-sample", "the manual's memory-pool sample, line by line, with the pool's free chain",
    demo_mempool_sample
};

#endif
