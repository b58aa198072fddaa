/*
 * bench_smem.c - fixed allocation traces for measuring rt_smem_alloc and
 * rt_smem_free (and the classic heap's) under callgrind.
 *
 *   bench_smem TRACE [smallmem|smallmem-classic]
 *
 * TRACE:
 *   random64k   fill a 64 KiB heap to half with random 8..256-byte blocks,
 *               then 20000 times free a random block and allocate a new one
 *   random1m    the same over 1 MiB
 *   holes       1 MiB: 4000 small blocks with every other one freed (2000
 *               holes of 16 bytes), then 200 requests of 1..2 KiB that walk
 *               past all the holes, then everything freed
 * Prints the number of alloc and free calls; bench_smem.py divides
 * callgrind's instruction counts by them.  The trace is the same on every
 * run (fixed seed), so the counts are reproducible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned long long next_rand(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

struct heap_if
{
    rt_smem_t (*init)(const char *, void *, rt_size_t);
    void *(*alloc)(rt_smem_t, rt_size_t);
    void (*free)(rt_smem_t, void *);
};

static void smem_free2(rt_smem_t m, void *p)
{
    (void)m;
    rt_smem_free(p);
}

static const struct heap_if smem_if = { rt_smem_init, rt_smem_alloc, smem_free2 };
static const struct heap_if classic_if = { rt_smem_classic_init, rt_smem_classic_alloc,
                                           rt_smem_classic_free };

static unsigned long n_alloc, n_free;

static void *do_alloc(const struct heap_if *h, rt_smem_t m, rt_size_t size)
{
    n_alloc++;
    return h->alloc(m, size);
}

static void do_free(const struct heap_if *h, rt_smem_t m, void *p)
{
    n_free++;
    h->free(m, p);
}

#define MAX_LIVE 16384

static void *live[MAX_LIVE];
static int nlive;

static void trace_random(const struct heap_if *h, rt_smem_t m)
{
    /* fill to half */
    while (m->used < m->total / 2 && nlive < MAX_LIVE)
    {
        void *p = do_alloc(h, m, 8 + (rt_size_t)(next_rand() % 249));
        if (p)
            live[nlive++] = p;
    }
    for (int step = 0; step < 20000; step++)
    {
        if (nlive > 0)
        {
            int k = (int)(next_rand() % (unsigned)nlive);
            do_free(h, m, live[k]);
            live[k] = live[--nlive];
        }
        void *p = do_alloc(h, m, 8 + (rt_size_t)(next_rand() % 249));
        if (p && nlive < MAX_LIVE)
            live[nlive++] = p;
    }
    while (nlive > 0)
        do_free(h, m, live[--nlive]);
}

/* The large requests of the holes trace go through here, so callgrind
 * can count them alone (--toggle-collect=bench_big_alloc; the wrapper
 * adds a handful of instructions per call). */
__attribute__((noinline)) void *bench_big_alloc(const struct heap_if *h, rt_smem_t m,
                                                rt_size_t size);
__attribute__((noinline)) void *bench_big_alloc(const struct heap_if *h, rt_smem_t m,
                                                rt_size_t size)
{
    return do_alloc(h, m, size);
}

static unsigned long n_big;

static void trace_holes(const struct heap_if *h, rt_smem_t m)
{
    static void *small[4000], *big[200];
    for (int i = 0; i < 4000; i++)
        small[i] = do_alloc(h, m, 16);
    for (int i = 0; i < 4000; i += 2)
        do_free(h, m, small[i]);
    for (int i = 0; i < 200; i++)
    {
        big[i] = bench_big_alloc(h, m, 1024 + (rt_size_t)(next_rand() % 1024));
        n_big++;
    }
    for (int i = 0; i < 200; i++)
        do_free(h, m, big[i]);
    for (int i = 1; i < 4000; i += 2)
        do_free(h, m, small[i]);
}

int main(int argc, char **argv)
{
    const char *trace = argc > 1 ? argv[1] : "random64k";
    const struct heap_if *h = &smem_if;
    rt_size_t size;

    if (argc > 2 && strcmp(argv[2], "smallmem-classic") == 0)
        h = &classic_if;
    else if (argc > 2 && strcmp(argv[2], "smallmem") != 0)
    {
        fprintf(stderr, "bench_smem: unknown heap %s\n", argv[2]);
        return 2;
    }
    if (strcmp(trace, "random64k") == 0)
        size = 64 * 1024;
    else if (strcmp(trace, "random1m") == 0 || strcmp(trace, "holes") == 0)
        size = 1024 * 1024;
    else
    {
        fprintf(stderr, "bench_smem: unknown trace %s (random64k, random1m, holes)\n", trace);
        return 2;
    }

    rt_system_object_init();
    void *arena = malloc(size);
    if (!arena)
        return 1;
    rt_smem_t m = h->init("bench", arena, size);
    if (!m)
        return 1;
    if (strcmp(trace, "holes") == 0)
        trace_holes(h, m);
    else
        trace_random(h, m);

    int bad = m->used != 0;
    printf("trace=%s alloc=%lu free=%lu big=%lu used=%lu\n", trace, n_alloc, n_free,
           n_big, (unsigned long)m->used);
    free(arena);
    return bad;
}
