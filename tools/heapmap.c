/*
 * heapmap.c - snapshots of the heaps, from the kernel's walkers (drawing
 * them is heapmap_draw.c's job).
 *
 * A snapshot has one section per board region (its ZI part, the system
 * heap's blocks and those of heaps made over the whole region) and one per
 * heap or pool carved out of the system heap.  Blocks carry their target
 * address, header and data sizes, state, owner and, for free blocks, their
 * position in the allocator's free list.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rthw.h>
#include <rtmm.h>
#include <rtsim.h>

#include "heapmap.h"
#include "xalloc.h"

/* Functions that follow allocator links inside the simulated RAM, which
 * checked mode poisons for ASan (sim/annotate.c), are not instrumented. */
#if defined(__SANITIZE_ADDRESS__)
#define HM_RAW __attribute__((no_sanitize_address))
#else
#define HM_RAW
#endif

/* ----------------------------------------------------------- collect */


static struct hm_block *add_block(struct hm_section *s)
{
    if (s->nblocks == s->cap)
    {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->blocks = rtsim_xrealloc(s->blocks, (size_t)s->cap * sizeof *s->blocks);
    }
    struct hm_block *b = &s->blocks[s->nblocks++];
    memset(b, 0, sizeof *b);
    return b;
}

static struct hm_section *add_section(struct hm_snapshot *snap)
{
    snap->sections = rtsim_xrealloc(snap->sections, (size_t)(snap->nsections + 1) * sizeof *snap->sections);
    struct hm_section *s = &snap->sections[snap->nsections++];
    memset(s, 0, sizeof *s);
    return s;
}

struct walk_ctx
{
    struct hm_snapshot *snap;
    int first_section;          /* sections searched for a region match */
    struct hm_section *only;    /* NULL = put each block in its region's section */
    hm_owner_fn owner;
    const char *control_label;
};

static struct hm_section *region_section(struct walk_ctx *c, unsigned long addr)
{
    for (int i = 0; i < rt_sim_region_count(); i++)
    {
        const struct rt_sim_region *r = rt_sim_region(i);
        if (addr >= r->base && addr - r->base < r->size)
            return &c->snap->sections[c->first_section + i];
    }
    return NULL;
}

static int walk_block(const struct rt_mem_block *mb, void *ctx)
{
    struct walk_ctx *c = ctx;
    unsigned long addr = rt_sim_target_addr(mb->start);
    struct hm_section *s = c->only ? c->only : region_section(c, addr);
    if (!s)
        return 0;
    struct hm_block *b = add_block(s);
    b->addr = addr;
    b->hdr = mb->header_size;
    b->size = mb->size;
    b->used = mb->used;
    switch (mb->kind)
    {
    case RT_MEM_BLOCK_SENTINEL: b->kind = HM_END; b->used = 1; break;
    case RT_MEM_BLOCK_CONTROL:  b->kind = HM_CONTROL; b->used = 1; break;
    case RT_MEM_BLOCK_ZONE:     b->kind = HM_ZONE; break;
    case RT_MEM_BLOCK_PAGES:    b->kind = HM_PAGES; break;
    default:                    b->kind = HM_DATA; break;
    }
    if (b->kind == HM_CONTROL)
        snprintf(b->owner, sizeof b->owner, "%s", c->control_label);
    else if (b->kind == HM_ZONE)
        snprintf(b->owner, sizeof b->owner, "slab zone");
    else if (b->used && (b->kind == HM_DATA || b->kind == HM_PAGES) && c->owner)
        c->owner(addr + b->hdr, b->owner, b->thread);
    return 0;
}

static int cmp_block(const void *a, const void *b)
{
    const struct hm_block *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort a region's blocks and fill the gaps with "unmanaged" stretches. */
static void close_gaps(struct hm_section *s)
{
    if (s->nblocks > 0)     /* qsort(NULL, 0, ...) is undefined (UBSan) */
        qsort(s->blocks, (size_t)s->nblocks, sizeof *s->blocks, cmp_block);
    int n = s->nblocks;
    unsigned long at = s->start;
    for (int i = 0; i <= n; i++)
    {
        unsigned long next = i < n ? s->blocks[i].addr : s->end;
        if (next > at)
        {
            struct hm_block *g = add_block(s);
            g->addr = at;
            g->size = next - at;
            g->kind = HM_UNMANAGED;
            g->used = 0;
        }
        if (i < n)
        {
            unsigned long e = s->blocks[i].addr + s->blocks[i].hdr + s->blocks[i].size;
            if (e > at)
                at = e;
        }
    }
    if (s->nblocks > 0)     /* qsort(NULL, 0, ...) is undefined (UBSan) */
        qsort(s->blocks, (size_t)s->nblocks, sizeof *s->blocks, cmp_block);
}

/* Small mem searches its free blocks from the lowest address (the lfree
 * chain), so there address order is free-list order.  Other algorithms
 * keep lists of their own (memheap: numbered below; TLSF: one per size
 * class; slab: per zone) and get no address-order numbers. */
static int address_ordered(const char *algo)
{
    return strcmp(algo, "smallmem") == 0 || strcmp(algo, "smallmem-classic") == 0;
}

static void number_free_by_address(struct hm_section *s)
{
    int k = 0;
    for (int i = 0; i < s->nblocks; i++)
        if (!s->blocks[i].used && s->blocks[i].kind == HM_DATA && s->blocks[i].hdr > 0)
            s->blocks[i].free_order = ++k;
}

#ifdef RTSIM_HAVE_MEMHEAP
static struct hm_block *find_block(struct hm_snapshot *snap, unsigned long addr)
{
    for (int i = 0; i < snap->nsections; i++)
        for (int j = 0; j < snap->sections[i].nblocks; j++)
            if (snap->sections[i].blocks[j].addr == addr)
                return &snap->sections[i].blocks[j];
    return NULL;
}
#endif

/* memheap keeps its own free list (LIFO, not address order): number the
 * free blocks in the order an allocation searches them. */
HM_RAW static void number_memheap_free_lists(struct hm_snapshot *snap)
{
#ifndef RTSIM_HAVE_MEMHEAP
    (void)snap;         /* no memheaps in this configuration */
#else
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemHeap);
    if (!info)
        return;
    for (rt_list_t *n = info->object_list.next; n != &info->object_list; n = n->next)
    {
        struct rt_memheap *h = rt_list_entry(n, struct rt_memheap, parent.list);
        int k = 0;
        struct rt_memheap_item *it = h->free_list->next_free;
        for (; it && it != h->free_list && k < 100000; it = it->next_free)
        {
            struct hm_block *b = find_block(snap, rt_sim_target_addr(it));
            if (b)
                b->free_order = ++k;
        }
    }
#endif
}

static void section_stats_line(struct hm_section *s, unsigned long total, unsigned long used,
                               const char *extra)
{
    unsigned long free_bytes = 0, largest = 0, nfree = 0;
    for (int i = 0; i < s->nblocks; i++)
    {
        const struct hm_block *b = &s->blocks[i];
        if (!b->used && b->kind == HM_DATA)
        {
            free_bytes += b->size;
            nfree++;
            if (b->size > largest)
                largest = b->size;
        }
    }
    snprintf(s->stats, sizeof s->stats,
             "total %lu, used %lu, free %lu in %lu block%s, largest free %lu%s", total, used,
             free_bytes, nfree, nfree == 1 ? "" : "s", largest, extra ? extra : "");
}

static const char *obj_algo(int kind)
{
    static const char *const names[] = { "smallmem", "smallmem-classic", "slab", "tlsf",
                                         "memheap", "pool" };
    return names[kind];
}

static void walk_object(const struct hm_object *o, struct walk_ctx *c)
{
    switch (o->kind)
    {
#ifdef RTSIM_HAVE_SMALLMEM
    case HM_OBJ_SMEM:
        rt_smem_walk((rt_smem_t)o->handle, walk_block, c);
        break;
    case HM_OBJ_CLASSIC:
        rt_smem_classic_walk((rt_smem_t)o->handle, walk_block, c);
        break;
#endif
#ifdef RTSIM_HAVE_SLAB
    case HM_OBJ_SLAB:
        rt_slab_walk((rt_slab_t)o->handle, walk_block, c);
        break;
#endif
#ifdef RTSIM_HAVE_TLSF
    case HM_OBJ_TLSF:
        rt_tlsf_walk((rt_tlsf_t)o->handle, walk_block, c);
        break;
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    case HM_OBJ_MEMHEAP:
        rt_memheap_walk((struct rt_memheap *)o->handle, walk_block, c);
        break;
#endif
#ifdef RTSIM_HAVE_MEMPOOL
    case HM_OBJ_POOL:
        rt_mp_walk((rt_mp_t)o->handle, walk_block, c);
        break;
#endif
    default:
        break;
    }
}

int hm_object_stats(const struct hm_object *o, unsigned long *free_bytes,
                    unsigned long *largest, unsigned long *free_blocks,
                    unsigned long *used, unsigned long *total)
{
    struct hm_snapshot tmp = { 0 };
    struct hm_section *s = add_section(&tmp);
    struct walk_ctx c = { &tmp, 0, s, NULL, "" };
    walk_object(o, &c);
    *free_bytes = *largest = *free_blocks = 0;
    for (int i = 0; i < s->nblocks; i++)
    {
        if (!s->blocks[i].used && s->blocks[i].kind == HM_DATA)
        {
            *free_bytes += s->blocks[i].size;
            (*free_blocks)++;
            if (s->blocks[i].size > *largest)
                *largest = s->blocks[i].size;
        }
    }
    *used = *total = 0;
#ifdef RTSIM_HAVE_MEMPOOL
    if (o->kind == HM_OBJ_POOL)
    {
        rt_mp_t mp = o->handle;
        *total = mp->block_total_count;
        *used = mp->block_total_count - mp->block_free_count;
    }
    else
#endif
#ifdef RTSIM_HAVE_MEMHEAP
    if (o->kind == HM_OBJ_MEMHEAP)
    {
        struct rt_memheap *h = o->handle;
        *total = h->pool_size;
        *used = h->pool_size - h->available_size;
    }
    else
#endif
    {
        rt_mem_t m = o->handle;
        *total = m->total;
        *used = m->used;
    }
    hm_release(&tmp);
    return 0;
}

HM_RAW static void object_section(struct hm_snapshot *snap, const struct hm_object *o,
                           hm_owner_fn owner, struct walk_ctx *region_ctx)
{
    struct hm_section *s;
    struct walk_ctx c;
    if (o->in_region)
    {
        c = *region_ctx;
        c.control_label = o->kind == HM_OBJ_POOL ? "pool" : "heap object";
        walk_object(o, &c);
        return;
    }
    s = add_section(snap);
    c = (struct walk_ctx){ snap, 0, s, owner,
                           o->kind == HM_OBJ_SLAB ? "slab control" : "heap object" };
    walk_object(o, &c);
    if (s->nblocks == 0)
    {
        snap->nsections--;
        return;
    }
    if (s->nblocks > 0)     /* qsort(NULL, 0, ...) is undefined (UBSan) */
        qsort(s->blocks, (size_t)s->nblocks, sizeof *s->blocks, cmp_block);
    struct hm_block *last = &s->blocks[s->nblocks - 1];
    int numbered = o->kind == HM_OBJ_SMEM || o->kind == HM_OBJ_CLASSIC;
    s->start = s->blocks[0].addr;
    s->end = last->addr + last->hdr + last->size;
    if (o->kind == HM_OBJ_POOL)
        snprintf(s->title, sizeof s->title, "pool \"%s\" 0x%08lx..0x%08lx, %lu bytes", o->name,
                 s->start, s->end, s->end - s->start);
    else
        snprintf(s->title, sizeof s->title, "heap \"%s\" (%s) 0x%08lx..0x%08lx, %lu bytes",
                 o->name, obj_algo(o->kind), s->start, s->end, s->end - s->start);
    if (numbered)
        number_free_by_address(s);
    unsigned long fb, lg, nf, used, total;
    hm_object_stats(o, &fb, &lg, &nf, &used, &total);
#ifdef RTSIM_HAVE_MEMPOOL
    if (o->kind == HM_OBJ_POOL)
    {
        rt_mp_t mp = o->handle;
        int k = 0;
        for (rt_uint8_t *h = mp->block_list; h && k < 100000; h = *(rt_uint8_t **)h)
        {
            unsigned long a = rt_sim_target_addr(h);
            for (int i = 0; i < s->nblocks; i++)
                if (s->blocks[i].addr == a)
                    s->blocks[i].free_order = ++k;
        }
        int waiting = 0;
        for (rt_list_t *n = mp->suspend_thread.next; n != &mp->suspend_thread; n = n->next)
            waiting++;
        snprintf(s->stats, sizeof s->stats, "%lu blocks of %lu bytes: %lu used, %lu free, "
                 "%d thread%s waiting", (unsigned long)mp->block_total_count,
                 (unsigned long)mp->block_size, used, total - used, waiting,
                 waiting == 1 ? "" : "s");
    }
    else
#endif
        section_stats_line(s, total, used, NULL);
}

static int name_listed(const char *only, const char *name)
{
    if (!only)
        return 1;
    size_t n = strlen(name);
    for (const char *p = only; (p = strstr(p, name)) != NULL; p += n)
        if ((p == only || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

static void hm_take_walks(struct hm_snapshot *snap, const char *caption,
                          const struct hm_object *objs, int nobjs, const char *only,
                          hm_owner_fn owner);

/* The walks read allocator headers and pool words inside the simulated
 * RAM, which checked mode keeps out of a program's reach for Valgrind:
 * bracket them as the kernel's own walkers are (rthw.h). */
void hm_take(struct hm_snapshot *snap, const char *caption, const struct hm_object *objs,
             int nobjs, const char *only, hm_owner_fn owner)
{
    rt_hw_mem_enter();
    hm_take_walks(snap, caption, objs, nobjs, only, owner);
    rt_hw_mem_leave();
}

static void hm_take_walks(struct hm_snapshot *snap, const char *caption,
                          const struct hm_object *objs, int nobjs, const char *only,
                          hm_owner_fn owner)
{
    memset(snap, 0, sizeof *snap);
    snprintf(snap->caption, sizeof snap->caption, "%s", caption);
    int nreg = rt_sim_region_count();
    int show_regions = name_listed(only, "heap");
    for (int i = 0; i < nreg; i++)
    {
        const struct rt_sim_region *r = rt_sim_region(i);
        struct hm_section *s = add_section(snap);
        s->start = r->base;
        s->end = r->base + r->size;
        snprintf(s->title, sizeof s->title, "%s 0x%08lx..0x%08lx, %lu KiB", r->name, r->base,
                 r->base + r->size, (unsigned long)r->size / 1024);
        if (r->zi_size)
        {
            struct hm_block *b = add_block(s);
            b->addr = r->base;
            b->size = r->zi_size;
            b->used = 1;
            b->kind = HM_ZI;
            snprintf(b->owner, sizeof b->owner, "%s",
                     r->holds_zi ? ".data + .bss (ZI)" : "firmware sections");
        }
    }
    struct walk_ctx rc = { snap, 0, NULL, owner, "heap object" };
    rt_system_heap_walk(walk_block, &rc);
    for (int i = 0; i < nobjs; i++)
        if (objs[i].in_region)
            object_section(snap, &objs[i], owner, &rc);
    for (int i = 0; i < nreg; i++)
    {
        struct hm_section *s = &snap->sections[i];
        close_gaps(s);
        if (address_ordered(rt_system_heap_algorithm()))
            number_free_by_address(s);
    }
    /* The system heap's figures go under the first region it uses. */
    struct rt_memory_stats st;
    rt_memory_stats(&st);
    for (int i = 0; i < nreg; i++)
    {
        struct hm_section *s = &snap->sections[i];
        int has_heap = 0;
        for (int j = 0; j < s->nblocks; j++)
            if (s->blocks[j].kind != HM_ZI && s->blocks[j].kind != HM_UNMANAGED)
                has_heap = 1;
        if (!has_heap)
            continue;
        size_t tl = strlen(s->title);
        snprintf(s->title + tl, sizeof s->title - tl, ": system heap (%s)",
                 rt_system_heap_algorithm());
        if (i == 0 || !snap->sections[0].stats[0])
        {
            snprintf(s->stats, sizeof s->stats,
                     "system heap: total %lu, used %lu, free %lu in %lu block%s, "
                     "largest free %lu", (unsigned long)st.total, (unsigned long)st.used,
                     (unsigned long)st.free_bytes, (unsigned long)st.free_blocks,
                     st.free_blocks == 1 ? "" : "s", (unsigned long)st.largest_free);
            break;
        }
    }
    for (int i = 0; i < nobjs; i++)
        if (!objs[i].in_region && name_listed(only, objs[i].name))
            object_section(snap, &objs[i], owner, &rc);
    number_memheap_free_lists(snap);
    if (!show_regions)
    {
        for (int i = 0; i < nreg; i++)
            free(snap->sections[i].blocks);
        memmove(snap->sections, snap->sections + nreg,
                (size_t)(snap->nsections - nreg) * sizeof *snap->sections);
        snap->nsections -= nreg;
    }
}

void hm_release(struct hm_snapshot *snap)
{
    for (int i = 0; i < snap->nsections; i++)
        free(snap->sections[i].blocks);
    free(snap->sections);
    memset(snap, 0, sizeof *snap);
}
