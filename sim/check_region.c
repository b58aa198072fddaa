/*
 * check_region.c - checked mode's map of the heaps and pools: the address
 * range of every system heap region and memory pool, registered by the
 * kernel (rt_hw_mem_heap_add / _remove, rt_hw_mp_add / _remove), and the
 * lookups that classify a pointer that is not a block (check_report.c).
 *
 * Rules
 * -----
 * G1  At most 64 ranges; the newest wins a lookup (a pool carved out of a
 *     heap block is found before the heap).
 * G2  A range that goes takes its poison spans with it (C3), and a pool
 *     that goes takes its block records (check_record.c): its memory is
 *     the program's again.
 * G3  With checking on, a range is announced to Valgrind / ASan as it
 *     comes and goes (annotate.c, C7); a pool nobody detached stops being
 *     one at the run's end (sim_check_teardown).
 * G4  The program's own heaps (rt_smem_init, rt_memheap_init, ...) are not
 *     registered: sim_chk_heap_object_holding finds them through the
 *     kernel's object lists, only to name them in a report.
 *
 * May call: check_record.c (drop a pool's records), check_poison.c (cut
 * spans), annotate.c, the kernel's object lists (read inside
 * rt_hw_mem_enter/leave).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "check_internal.h"

static struct
{
    struct chk_region region[64];
    int nregions;
} reg;

const struct chk_region *sim_chk_region_of(const void *p)
{
    const unsigned char *c = p;
    for (int i = reg.nregions - 1; i >= 0; i--)
        if (c >= reg.region[i].lo && c < reg.region[i].hi)
            return &reg.region[i];
    return NULL;
}

/* A heap object (any small mem, slab, tlsf or memheap the program made,
 * found through the kernel's object lists) whose range holds p: only to
 * name it in a report, so the end is taken generously (sentinels). */
const struct rt_object *sim_chk_heap_object_holding(const void *p)
{
    static const int classes[] = { RT_Object_Class_Memory, RT_Object_Class_MemHeap };
    rt_ubase_t a = (rt_ubase_t)p;

    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
    {
        struct rt_object_information *info = rt_object_get_information(classes[c]);
        rt_list_t *node;
        if (!info)
            continue;
        rt_hw_mem_enter();      /* user heaps keep their object in their range */
        for (node = info->object_list.next; node != &info->object_list; node = node->next)
        {
            struct rt_object *o = rt_list_entry(node, struct rt_object, list);
            rt_ubase_t lo, hi;
            if (classes[c] == RT_Object_Class_Memory)
            {
                const struct rt_memory *m = (const struct rt_memory *)o;
                /* the object itself counts when it sits just below its area
                 * (not when it is a host global far from it) */
                lo = (rt_ubase_t)o < m->address &&
                     m->address - (rt_ubase_t)o <= 4 * sizeof(struct rt_memory)
                         ? (rt_ubase_t)o : m->address;
                hi = m->address + m->total + 8 * sizeof(void *);
            }
            else
            {
#ifdef RT_USING_MEMHEAP
                const struct rt_memheap *h = (const struct rt_memheap *)o;
                lo = (rt_ubase_t)h->start_addr;
                hi = lo + h->pool_size;
#else
                continue;       /* no memheaps in this configuration */
#endif
            }
            if (a >= lo && a < hi)
            {
                rt_hw_mem_leave();
                return o;
            }
        }
        rt_hw_mem_leave();
    }
    return NULL;
}

/* G1: 0 when the table is full (the range is then not classified). */
static int region_add(const struct rt_object *owner, void *begin, rt_size_t size, int is_pool)
{
    if (reg.nregions >= (int)(sizeof reg.region / sizeof reg.region[0]))
        return 0;
    struct chk_region *rg = &reg.region[reg.nregions++];
    rg->owner = owner;
    rg->lo = begin;
    rg->hi = (unsigned char *)begin + size;
    rg->is_pool = is_pool;
    return 1;
}

/* ----------------------------------------------------------------- heaps */
void rt_hw_mem_heap_add(const struct rt_object *heap, void *begin, rt_size_t size)
{
    region_add(heap, begin, size, 0);
    if (sim_chk_level())
        sim_annotate_heap(heap, begin, size);
}

static void regions_forget(const struct rt_object *owner)
{
    int k = 0;
    for (int i = 0; i < reg.nregions; i++)
    {
        if (reg.region[i].owner == owner)
        {
            sim_chk_span_cut(reg.region[i].lo, reg.region[i].hi);
            continue;
        }
        reg.region[k++] = reg.region[i];
    }
    reg.nregions = k;
}

void rt_hw_mem_heap_remove(const struct rt_object *heap)
{
    for (int i = 0; i < reg.nregions; i++)
        if (reg.region[i].owner == heap && !reg.region[i].is_pool && sim_chk_level())
            sim_annotate_heap_gone(heap, reg.region[i].lo,
                                   (rt_size_t)(reg.region[i].hi - reg.region[i].lo));
    regions_forget(heap);
}

/* ----------------------------------------------------------------- pools */
void rt_hw_mp_add(const struct rt_object *pool, void *begin, rt_size_t size)
{
    if (region_add(pool, begin, size, 1) && sim_chk_level())
        sim_annotate_pool(pool, begin, size);
}

void rt_hw_mp_remove(const struct rt_object *pool)
{
    for (int i = 0; i < reg.nregions; i++)
        if (reg.region[i].owner == pool && reg.region[i].is_pool && sim_chk_level())
            sim_annotate_pool_gone(pool, reg.region[i].lo,
                                   (rt_size_t)(reg.region[i].hi - reg.region[i].lo));
    regions_forget(pool);
    sim_chk_drop_pool(pool);
}

/* ------------------------------------------------------------- run life */
/* The run ends: pools nobody detached (static ones usually) stop being
 * Valgrind pools, and their memory is the program's again. */
void sim_check_teardown(void)
{
    for (int i = 0; i < reg.nregions; i++)
        if (reg.region[i].is_pool && sim_chk_level())
            sim_annotate_pool_gone(reg.region[i].owner, reg.region[i].lo,
                                   (rt_size_t)(reg.region[i].hi - reg.region[i].lo));
    int k = 0;
    for (int i = 0; i < reg.nregions; i++)
        if (!reg.region[i].is_pool)
            reg.region[k++] = reg.region[i];
    reg.nregions = k;
}

void sim_chk_regions_reset(void)
{
    memset(&reg, 0, sizeof reg);
}
