/*
 * bench_memheap_slab.c - the small-memory heap's fixed allocation traces
 * (tests/bench/bench_smem.c on branch smem: same generator, same seed, same
 * steps) run on memheap and on slab, for callgrind.
 *
 *   bench_memheap_slab TRACE memheap|slab
 *
 * TRACE:
 *   random64k   fill a 64 KiB heap to half with random 8..256-byte blocks,
 *               then 20000 times free a random block and allocate a new one
 *   random1m    the same over 1 MiB
 *   holes       1 MiB: 4000 16-byte blocks with every other one freed
 *               (2000 holes), then 200 requests of 1..2 KiB, then
 *               everything freed
 *
 * The trace runs inside rt_sim_run because memheap takes its semaphore on
 * every call (that cost is part of what is measured).  It prints the number
 * of alloc and free calls; bench_memheap_slab.py divides callgrind's
 * instruction counts (inclusive, per function) by them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rtsim.h>

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned long long next_rand(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

/* One heap of either kind behind three calls. */
struct bench_heap
{
    int slab;
    struct rt_memheap memheap;
    rt_slab_t s;
};

static unsigned long n_alloc, n_free;

static void *do_alloc(struct bench_heap *h, rt_size_t size)
{
    n_alloc++;
    return h->slab ? rt_slab_alloc(h->s, size) : rt_memheap_alloc(&h->memheap, size);
}

static void do_free(struct bench_heap *h, void *p)
{
    n_free++;
    if (h->slab)
        rt_slab_free(h->s, p);
    else
        rt_memheap_free(p);
}

static rt_size_t heap_used(struct bench_heap *h)
{
    return h->slab ? h->s->used : h->memheap.pool_size - h->memheap.available_size;
}

static rt_size_t heap_total(struct bench_heap *h)
{
    return h->slab ? h->s->total : h->memheap.pool_size;
}

#define MAX_LIVE 16384

static void *live[MAX_LIVE];
static int nlive;

static void trace_random(struct bench_heap *h)
{
    /* fill to half (stop early if the heap refuses: slab zones) */
    int refused = 0;
    while (heap_used(h) < heap_total(h) / 2 && nlive < MAX_LIVE && refused < 64)
    {
        void *p = do_alloc(h, 8 + (rt_size_t)(next_rand() % 249));
        if (p)
            live[nlive++] = p;
        else
            refused++;
    }
    for (int step = 0; step < 20000; step++)
    {
        if (nlive > 0)
        {
            int k = (int)(next_rand() % (unsigned)nlive);
            do_free(h, live[k]);
            live[k] = live[--nlive];
        }
        void *p = do_alloc(h, 8 + (rt_size_t)(next_rand() % 249));
        if (p && nlive < MAX_LIVE)
            live[nlive++] = p;
    }
    while (nlive > 0)
        do_free(h, live[--nlive]);
}

static void trace_holes(struct bench_heap *h)
{
    static void *small[4000], *big[200];
    for (int i = 0; i < 4000; i++)
        small[i] = do_alloc(h, 16);
    for (int i = 0; i < 4000; i += 2)
        do_free(h, small[i]);
    for (int i = 0; i < 200; i++)
        big[i] = do_alloc(h, 1024 + (rt_size_t)(next_rand() % 1024));
    for (int i = 0; i < 200; i++)
        do_free(h, big[i]);
    for (int i = 1; i < 4000; i += 2)
        do_free(h, small[i]);
}

struct bench_args { const char *trace; int slab; rt_size_t size; int result; };

static void bench_main(void *arg)
{
    struct bench_args *a = arg;
    static struct bench_heap h;
    void *arena = malloc(a->size);

    a->result = 1;
    if (!arena)
        return;
    h.slab = a->slab;
    if (h.slab)
        h.s = rt_slab_init("bench", arena, a->size);
    else if (rt_memheap_init(&h.memheap, "bench", arena, a->size) != RT_EOK)
        h.s = RT_NULL;
    if (h.slab && h.s == RT_NULL)
    {
        free(arena);
        return;
    }
    if (strcmp(a->trace, "holes") == 0)
        trace_holes(&h);
    else
        trace_random(&h);

    rt_size_t left = h.slab ? h.s->used : heap_used(&h) - 0;
    int check = h.slab ? rt_slab_check(h.s) : rt_memheap_check(&h.memheap);
    printf("trace=%s heap=%s alloc=%lu free=%lu used=%lu check=%d\n", a->trace,
           h.slab ? "slab" : "memheap", n_alloc, n_free, (unsigned long)left, check);
    a->result = check != 0;
    if (h.slab)
        rt_slab_detach(h.s);
    else
        rt_memheap_detach(&h.memheap);
    free(arena);
}

int main(int argc, char **argv)
{
    struct bench_args a = { argc > 1 ? argv[1] : "random64k", 0, 0, 1 };
    const char *heap = argc > 2 ? argv[2] : "memheap";

    if (strcmp(heap, "slab") == 0)
        a.slab = 1;
    else if (strcmp(heap, "memheap") != 0)
    {
        fprintf(stderr, "bench_memheap_slab: unknown heap %s (memheap, slab)\n", heap);
        return 2;
    }
    if (strcmp(a.trace, "random64k") == 0)
        a.size = 64 * 1024;
    else if (strcmp(a.trace, "random1m") == 0 || strcmp(a.trace, "holes") == 0)
        a.size = 1024 * 1024;
    else
    {
        fprintf(stderr, "bench_memheap_slab: unknown trace %s (random64k, random1m, holes)\n",
                a.trace);
        return 2;
    }
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.checked = 0;        /* measure the allocators, not the checker */
    int rc = rt_sim_run(&cfg, bench_main, &a);
    return rc != RT_SIM_OK ? rc : a.result;
}
