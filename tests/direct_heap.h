/*
 * direct_heap.h - a heap a test makes directly, through its algorithm's
 * own API (rt_smem_*, rt_smem_classic_*, rt_slab_*, rt_memheap_*,
 * rt_tlsf_*), chosen by number: the tests of checked mode's shadow of such
 * heaps (kernel/src/heap_shadow.c S9) run one workload over every
 * algorithm.  Header only, so that the fuzz targets (built without the
 * test library) share it.
 */
#ifndef RTSIM_TEST_DIRECT_HEAP_H
#define RTSIM_TEST_DIRECT_HEAP_H

#include <rtthread.h>

enum { DH_SMEM, DH_CLASSIC, DH_SLAB, DH_MEMHEAP, DH_TLSF, DH_COUNT };

/* As rt_sim_config.heap names them, and the prefix of their calls. */
static const char *const dh_name[DH_COUNT] = { "smallmem", "smallmem-classic", "slab",
                                               "memheap", "tlsf" };
static const char *const dh_api[DH_COUNT] = { "rt_smem", "rt_smem_classic", "rt_slab",
                                              "rt_memheap", "rt_tlsf" };

struct direct_heap
{
    int algo;                   /* DH_* */
    void *h;                    /* the handle, RT_NULL when init failed */
    struct rt_memheap mh;       /* memheap's object lives with the caller */
};

static inline void *dh_init(struct direct_heap *d, int algo, const char *name, void *arena,
                            rt_size_t size)
{
    d->algo = algo;
    switch (algo)
    {
    case DH_SMEM: d->h = rt_smem_init(name, arena, size); break;
    case DH_CLASSIC: d->h = rt_smem_classic_init(name, arena, size); break;
    case DH_SLAB: d->h = rt_slab_init(name, arena, size); break;
    case DH_MEMHEAP: d->h = rt_memheap_init(&d->mh, name, arena, size) == RT_EOK ? &d->mh
                                                                                : RT_NULL; break;
    default: d->h = rt_tlsf_init(name, arena, size); break;
    }
    return d->h;
}

static inline void *dh_alloc(struct direct_heap *d, rt_size_t n)
{
    switch (d->algo)
    {
    case DH_SMEM: return rt_smem_alloc(d->h, n);
    case DH_CLASSIC: return rt_smem_classic_alloc(d->h, n);
    case DH_SLAB: return rt_slab_alloc(d->h, n);
    case DH_MEMHEAP: return rt_memheap_alloc(d->h, n);
    default: return rt_tlsf_alloc(d->h, n);
    }
}

static inline void *dh_realloc(struct direct_heap *d, void *p, rt_size_t n)
{
    switch (d->algo)
    {
    case DH_SMEM: return rt_smem_realloc(d->h, p, n);
    case DH_CLASSIC: return rt_smem_classic_realloc(d->h, p, n);
    case DH_SLAB: return rt_slab_realloc(d->h, p, n);
    case DH_MEMHEAP: return rt_memheap_realloc(d->h, p, n);
    default: return rt_tlsf_realloc(d->h, p, n);
    }
}

/* rt_smem_free and rt_memheap_free name no heap: they find it. */
static inline void dh_free(struct direct_heap *d, void *p)
{
    switch (d->algo)
    {
    case DH_SMEM: rt_smem_free(p); break;
    case DH_CLASSIC: rt_smem_classic_free(d->h, p); break;
    case DH_SLAB: rt_slab_free(d->h, p); break;
    case DH_MEMHEAP: rt_memheap_free(p); break;
    default: rt_tlsf_free(d->h, p); break;
    }
}

static inline void dh_walk(struct direct_heap *d, rt_mem_walk_fn fn, void *ctx)
{
    switch (d->algo)
    {
    case DH_SMEM: rt_smem_walk(d->h, fn, ctx); break;
    case DH_CLASSIC: rt_smem_classic_walk(d->h, fn, ctx); break;
    case DH_SLAB: rt_slab_walk(d->h, fn, ctx); break;
    case DH_MEMHEAP: rt_memheap_walk(d->h, fn, ctx); break;
    default: rt_tlsf_walk(d->h, fn, ctx); break;
    }
}

static inline void dh_detach(struct direct_heap *d)
{
    switch (d->algo)
    {
    case DH_SMEM: rt_smem_detach(d->h); break;
    case DH_CLASSIC: rt_smem_classic_detach(d->h); break;
    case DH_SLAB: rt_slab_detach(d->h); break;
    case DH_MEMHEAP: rt_memheap_detach(d->h); break;
    default: rt_tlsf_detach(d->h); break;
    }
    d->h = RT_NULL;
}

#endif
