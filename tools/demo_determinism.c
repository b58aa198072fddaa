/*
 * demo_determinism.c - `rtsim demo determinism`: how long does a malloc
 * take?  Small mem's first fit walks the blocks from lfree (RT-Thread
 * 4.1.1 src/mem.c, rt_smem_alloc), so the number of blocks one malloc
 * visits grows with the holes in front of the block it takes; a memory
 * pool takes the head of its free list (src/mempool.c, rt_mp_alloc);
 * slab the head chunk of its class's zone (src/slab.c, rt_slab_alloc);
 * TLSF (an rtsim addition) two bitmap searches and a list head.  Then the
 * other half of real-time use: in an interrupt handler rt_malloc is
 * refused while rt_mp_alloc(pool, 0) is allowed.
 *
 * The small-mem counts are measured on live heaps: the demo walks the
 * heap (rt_smem_walk), counts the blocks R2 of kernel/src/mem.c visits
 * from lfree to the first free block that fits, and checks that the
 * block rt_smem_alloc then returns is that block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <rtsim.h>
#include <rthw.h>
#include <rtmm.h>

#include "demos.h"

#define REQUEST 64

#ifdef RTSIM_HAVE_SMALLMEM
struct blocks
{
    const void *start[2200];
    rt_size_t size[2200];
    rt_bool_t used[2200];
    int n;
    rt_size_t hdr;
};

static int collect(const struct rt_mem_block *b, void *ctx)
{
    struct blocks *c = ctx;
    if (b->kind != RT_MEM_BLOCK_DATA || c->n == 2200)
        return 0;
    c->start[c->n] = b->start;
    c->size[c->n] = b->size;
    c->used[c->n] = b->used;
    c->hdr = b->header_size;
    c->n++;
    return 0;
}

/* N holes of the smallest block, each fenced by a used one, then one
 * malloc(REQUEST) that fits none of them.  Returns the blocks visited,
 * or -1 when the board's heap cannot hold the setup. */
static int smem_visits(int holes, int *verified)
{
    rt_size_t unit = 2 * (3 * sizeof(rt_size_t) + RT_ALIGN(3 * sizeof(rt_size_t), RT_ALIGN_SIZE));
    rt_size_t bytes = (rt_size_t)holes * unit + 1024;
    void *mem = rt_malloc(bytes);
    if (!mem)
        return -1;
    rt_smem_t h = rt_smem_init("holes", mem, bytes);
    void **fence = calloc((size_t)holes, sizeof *fence), **hole = calloc((size_t)holes, sizeof *hole);
    for (int i = 0; i < holes; i++)
    {
        hole[i] = rt_smem_alloc(h, 1);
        fence[i] = rt_smem_alloc(h, 1);
    }
    for (int i = 0; i < holes; i++)
        rt_smem_free(hole[i]);
    static struct blocks bl;
    bl.n = 0;
    rt_hw_mem_enter();
    rt_smem_walk(h, collect, &bl);
    rt_hw_mem_leave();
    int first = 0, visits = 0, chosen = -1;
    while (first < bl.n && bl.used[first])
        first++;                        /* lfree: the lowest free block */
    for (int i = first; i < bl.n; i++)
    {
        visits++;
        if (!bl.used[i] && bl.size[i] >= RT_ALIGN(REQUEST, RT_ALIGN_SIZE))
        {
            chosen = i;
            break;
        }
    }
    void *p = rt_smem_alloc(h, REQUEST);
    *verified = chosen >= 0 && p == (const rt_uint8_t *)bl.start[chosen] + bl.hdr;
    rt_smem_free(p);
    for (int i = 0; i < holes; i++)
        rt_smem_free(fence[i]);
    free(fence);
    free(hole);
    rt_smem_detach(h);
    rt_free(mem);
    return visits;
}
#endif

#ifdef RTSIM_HAVE_MEMPOOL
static rt_mp_t irq_pool;

static void isr(void *param)
{
    (void)param;
    void *b = rt_mp_alloc(irq_pool, 0);
    rt_kprintf("[tick %5u] isr: rt_mp_alloc(p, 0) -> 0x%08lx: allowed (it never waits)\n",
               (unsigned)rt_tick_get_raw(), rt_sim_target_addr(b));
    rt_mp_free(b);
    rt_kprintf("[tick %5u] isr: rt_malloc(16) ...\n", (unsigned)rt_tick_get_raw());
    void *m = rt_malloc(16);
    rt_kprintf("never printed: %p\n", m);
}
#endif

static void part1_main(void *arg)
{
    (void)arg;
    rt_kprintf("Part 1: how many blocks does one malloc look at?\n");
    rt_kprintf("A small-mem heap with N holes (the smallest block, each fenced in by a used\n");
    rt_kprintf("one), then malloc(%d), which fits no hole.  First fit walks every block from\n",
               REQUEST);
    rt_kprintf("lfree, used or free, until one fits (RT-Thread 4.1.1 src/mem.c,\n");
    rt_kprintf("rt_smem_alloc).  Counted on the live heap, checked against the result.\n\n");
#ifdef RTSIM_HAVE_SMALLMEM
    rt_kprintf("  %-6s %-34s %s\n", "holes", "small mem: blocks visited", "the block it returned");
    static const int ns[] = { 10, 100, 1000 };
    for (int k = 0; k < 3; k++)
    {
        int ok = 0, v = smem_visits(ns[k], &ok);
        if (v < 0)
            rt_kprintf("  %-6d the board's heap cannot hold this many holes\n", ns[k]);
        else
            rt_kprintf("  %-6d %-34d %s\n", ns[k], v, ok ? "is the one counted to" : "DIFFERS");
    }
#else
    rt_kprintf("  (not measured: this configuration has no small mem, RT_USING_SMALL_MEM)\n");
#endif
    rt_kprintf("\nThe others do not walk, whatever the holes:\n");
    rt_kprintf("  memory pool  1 block: the head of its free list (src/mempool.c, rt_mp_alloc)\n");
    rt_kprintf("  slab         1 chunk of the first zone of its size class that has a free\n");
    rt_kprintf("               chunk (src/slab.c, rt_slab_alloc); a new zone when none has\n");
    rt_kprintf("  tlsf         2 bitmap searches and a list head (rtsim's tlsf.c, not RT-Thread)\n");
#ifdef RTSIM_HAVE_MEMPOOL
    rt_mp_t p = rt_mp_create("p", 4, 32);
    rt_uint8_t *head = p->block_list;
    void *b = rt_mp_alloc(p, 0);
    rt_kprintf("  (checked: rt_mp_alloc returned the head's block: %s)\n",
               (rt_uint8_t *)b == head + sizeof(rt_uint8_t *) ? "yes" : "NO");
    rt_mp_free(b);
    rt_mp_delete(p);
#endif
}

#ifdef RTSIM_HAVE_MEMPOOL
static void part2_main(void *arg)
{
    (void)arg;
    rt_kprintf("\nPart 2: inside an interrupt handler\n");
    rt_kprintf("A pool \"p\" of 4 blocks; an interrupt at tick 5 tries rt_mp_alloc(p, 0),\n");
    rt_kprintf("which never waits and is allowed (src/mempool.c), then rt_malloc.  rt_malloc\n");
    rt_kprintf("takes the heap's lock, a mutex, which an interrupt may not take: a board\n");
    rt_kprintf("running 4.1.1 stops at the context check in rt_mutex_take (src/ipc.c,\n");
    rt_kprintf("RT_DEBUG_IN_THREAD_CONTEXT) and prints that name; rtsim checks at\n");
    rt_kprintf("rt_malloc's entry and names rt_malloc.\n\n");
    irq_pool = rt_mp_create("p", 4, 32);
    rt_sim_irq_at(5, isr, RT_NULL);
    rt_thread_delay(10);
    rt_kprintf("never printed: the run stopped in the handler\n");
}
#endif

static int demo_determinism(struct rt_sim_config *cfg)
{
    cfg->report = stdout;
    if (rt_sim_run(cfg, part1_main, NULL) != RT_SIM_OK)
        return 1;
#ifdef RTSIM_HAVE_MEMPOOL
    fflush(stdout);
    int rc = rt_sim_run(cfg, part2_main, NULL);
    printf("\nrt_sim_run returned %d (RT_SIM_EASSERT): rt_malloc is not for interrupt\n"
           "handlers; a pool with timeout 0 is.\n", rc);
    return rc == RT_SIM_EASSERT ? 0 : 1;
#else
    return 0;
#endif
}

const struct rtsim_demo rtsim_demo_determinism = {
    "determinism", "how many blocks a malloc visits with 10, 100, 1000 holes; malloc in an interrupt",
    demo_determinism
};
