/*
 * scn_heaps.c - the heap objects a scenario makes (`heap NAME ALGO ...`):
 * one switch per operation over the algorithms, each compiled in only when
 * its kernel part is (RTSIM_HAVE_*, set by tools/meson.build).
 */
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rtmm.h>

#include "scn_internal.h"

static const char *const algo_names[] = { "smallmem", "smallmem-classic", "slab", "tlsf",
                                          "memheap", "pool" };

/* ------------------------------------------------------- heap objects */

int scn_algo_kind(const char *algo)
{
    for (int i = 0; i < HM_OBJ_POOL; i++)
        if (strcmp(algo_names[i], algo) == 0)
            return i;
    return -1;
}

int scn_algo_built(int kind)
{
    switch (kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM: case HM_OBJ_CLASSIC: return 1;
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB: return 1;
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF: return 1;
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP: return 1;
#endif
#ifdef RTSIM_HAVE_MEMPOOL
    case HM_OBJ_POOL: return 1;
#endif
    default: return 0;
    }
}

void *scn_heap_init(int kind, const char *name, void *begin, rt_size_t size)
{
    switch (kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:    return rt_smem_init(name, begin, size);
    case HM_OBJ_CLASSIC: return rt_smem_classic_init(name, begin, size);
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:    return rt_slab_init(name, begin, size);
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:    return rt_tlsf_init(name, begin, size);
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP:
    {
        struct rt_memheap *h = calloc(1, sizeof *h);
        if (!h)
            return NULL;
        if (rt_memheap_init(h, name, begin, size) != RT_EOK)
        {
            free(h);
            return NULL;
        }
        return h;
    }
#endif
    default:
        (void)name; (void)begin; (void)size;
        return NULL;
    }
}

void *scn_heap_alloc(const struct hm_object *o, rt_size_t size)
{
    void *h = o->handle;
    switch (o->kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:    return rt_smem_alloc(h, size);
    case HM_OBJ_CLASSIC: return rt_smem_classic_alloc(h, size);
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:    return rt_slab_alloc(h, size);
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:    return rt_tlsf_alloc(h, size);
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP: return rt_memheap_alloc(h, size);
#endif
    default:             return NULL;
    }
}

void *scn_heap_realloc(const struct hm_object *o, void *p, rt_size_t size)
{
    void *h = o->handle;
    switch (o->kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:    return rt_smem_realloc(h, p, size);
    case HM_OBJ_CLASSIC: return rt_smem_classic_realloc(h, p, size);
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:    return rt_slab_realloc(h, p, size);
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:    return rt_tlsf_realloc(h, p, size);
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP: return rt_memheap_realloc(h, p, size);
#endif
    default:             return NULL;
    }
}

void scn_heap_free(const struct hm_object *o, void *p)
{
    void *h = o->handle;
    switch (o->kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:    rt_smem_free(p); break;
    case HM_OBJ_CLASSIC: rt_smem_classic_free(h, p); break;
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:    rt_slab_free(h, p); break;
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:    rt_tlsf_free(h, p); break;
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP: rt_memheap_free(p); break;
#endif
    default:             (void)h; break;
    }
}

int scn_heap_check(const struct hm_object *o)
{
    void *h = o->handle;
    switch (o->kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:    return rt_smem_check(h);
    case HM_OBJ_CLASSIC: return rt_smem_classic_check(h);
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:    return rt_slab_check(h);
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:    return rt_tlsf_check(h);
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP: return rt_memheap_check(h);
#endif
#ifdef RTSIM_HAVE_MEMPOOL
    case HM_OBJ_POOL:    return rt_mp_check(h);
#endif
    default:             return 0;
    }
}
