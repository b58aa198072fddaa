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
    const char *control_label;  /* what a control block is ("slab": two kinds) */
    const char *end_label;      /* what a sentinel is */
    int ncontrol;
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
    {
        /* Name what the control block is: slab has two (its object with
         * the pad up to the first page, then the page-usage table). */
        const char *label = c->control_label;
        if (strcmp(label, "slab") == 0)
            label = c->ncontrol++ == 0 ? "struct rt_slab + pad to a page" : "slab page-usage table";
        snprintf(b->owner, sizeof b->owner, "%s", label);
    }
    else if (b->kind == HM_END)
        snprintf(b->owner, sizeof b->owner, "%s", c->end_label);
    else if (b->kind == HM_PAGES && !b->used)
        snprintf(b->owner, sizeof b->owner, "free pages");
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

/* Small mem has no free list: rt_smem_alloc walks the chain of ALL
 * blocks (used and free) in address order, starting at lfree, the lowest
 * free block (RT-Thread 4.1.1 src/mem.c, rt_smem_alloc; the classic
 * heap's rt_malloc in 3.1.5 the same).  So the search order of its free
 * blocks is their address order from lfree.  memheap and pools keep real
 * free lists (numbered below); TLSF keeps one per size class and slab one
 * per zone: not numbered. */
static int address_ordered(const char *algo)
{
    return strcmp(algo, "smallmem") == 0 || strcmp(algo, "smallmem-classic") == 0;
}

/* Number the free blocks in address order and mark lfree: the lowest free
 * block (invariant I7 of kernel/src/mem.c, which check() verifies), or the
 * end marker when no block is free. */
static void number_free_by_address(struct hm_section *s)
{
    int k = 0, managed = 0;
    for (int i = 0; i < s->nblocks; i++)
        managed |= s->blocks[i].kind == HM_DATA || s->blocks[i].kind == HM_END;
    if (!managed)
        return;
    s->order = HM_ORDER_LFREE;
    for (int i = 0; i < s->nblocks; i++)
        if (!s->blocks[i].used && s->blocks[i].kind == HM_DATA && s->blocks[i].hdr > 0)
        {
            s->blocks[i].free_order = ++k;
            s->blocks[i].lfree = k == 1;
        }
    if (k == 0)
        for (int i = 0; i < s->nblocks; i++)
            if (s->blocks[i].kind == HM_END)
            {
                s->blocks[i].lfree = 1;
                break;
            }
}

#ifdef RTSIM_HAVE_MEMHEAP
static struct hm_block *find_block(struct hm_snapshot *snap, unsigned long addr,
                                   struct hm_section **sec)
{
    for (int i = 0; i < snap->nsections; i++)
        for (int j = 0; j < snap->sections[i].nblocks; j++)
            if (snap->sections[i].blocks[j].addr == addr)
            {
                *sec = &snap->sections[i];
                return &snap->sections[i].blocks[j];
            }
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
            struct hm_section *sec;
            struct hm_block *b = find_block(snap, rt_sim_target_addr(it), &sec);
            if (b)
            {
                b->free_order = ++k;
                sec->order = HM_ORDER_LIST;
            }
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

/* What the control blocks and the sentinel of each algorithm are. */
static const char *control_label_of(const char *algo)
{
    if (strcmp(algo, "smallmem") == 0)
        return "heap object (struct rt_small_mem)";
    if (strcmp(algo, "slab") == 0)
        return "slab";          /* walk_block names its two kinds */
    if (strcmp(algo, "tlsf") == 0)
        return "tlsf control (bitmaps, lists)";
    if (strcmp(algo, "pool") == 0)
        return "pool";
    return "heap object";
}

static const char *end_label_of(const char *algo)
{
    if (strcmp(algo, "smallmem") == 0 || strcmp(algo, "smallmem-classic") == 0)
        return "heap_end (end marker)";
    if (strcmp(algo, "memheap") == 0)
        return "tail (end marker)";
    return "end marker";
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
    struct walk_ctx c = { &tmp, 0, s, NULL, "", "", 0 };
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
    if (o->kind < HM_OBJ_SMEM || o->kind > HM_OBJ_POOL)
        return;     /* deleted */
    if (o->in_region)
    {
        c = *region_ctx;
        c.control_label = control_label_of(obj_algo(o->kind));
        c.end_label = end_label_of(obj_algo(o->kind));
        c.ncontrol = 0;
        walk_object(o, &c);
        return;
    }
    s = add_section(snap);
    c = (struct walk_ctx){ snap, 0, s, owner, control_label_of(obj_algo(o->kind)),
                           end_label_of(obj_algo(o->kind)), 0 };
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
        s->order = HM_ORDER_LIST;
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

#ifdef RTSIM_HAVE_MEMHEAP
/* Free data bytes, free blocks and the largest free block of a region's
 * section, counting only blocks inside [lo, hi). */
static void free_in(const struct hm_section *s, unsigned long lo, unsigned long hi,
                    unsigned long *bytes, unsigned long *n, unsigned long *largest)
{
    *bytes = *n = *largest = 0;
    for (int i = 0; i < s->nblocks; i++)
    {
        const struct hm_block *b = &s->blocks[i];
        if (b->used || b->kind != HM_DATA || b->addr < lo || b->addr >= hi)
            continue;
        *bytes += b->size;
        (*n)++;
        if (b->size > *largest)
            *largest = b->size;
    }
}
#endif

/* slab: the largest request that would succeed now (not the largest free
 * page run: a 100-byte request needs a whole new zone).  From the walk:
 * a free chunk serves its class; an empty zone or a free page run of a
 * zone's size serves any size below zone_limit; a page run of at least
 * zone_limit serves a large request of its size.  zone_size follows N2
 * of kernel/src/slab.c (RT-Thread 4.1.1 src/slab.c, rt_system_heap_init
 * / rt_slab_init): 32 KiB doubling while below 128 KiB and twice it is
 * below heap bytes / 1024; zone_limit = zone_size / 4, at most 16 KiB. */
static unsigned long slab_largest_request(const struct hm_snapshot *snap, int nreg,
                                          unsigned long total)
{
    unsigned long zone_size = 32 * 1024, zone_limit, best = 0;
    while (zone_size < 128 * 1024 && (zone_size << 1) < total / 1024)
        zone_size <<= 1;
    zone_limit = zone_size / 4 > 16 * 1024 ? 16 * 1024 : zone_size / 4;
    for (int r = 0; r < nreg; r++)
    {
        const struct hm_section *s = &snap->sections[r];
        for (int i = 0; i < s->nblocks; i++)
        {
            const struct hm_block *b = &s->blocks[i];
            if (b->kind == HM_ZONE)
            {
                /* an empty zone can be given to any class */
                int empty = 1, j = i + 1;
                for (; j < s->nblocks && s->blocks[j].kind == HM_DATA &&
                       s->blocks[j].addr < b->addr + b->hdr + b->size; j++)
                    empty &= !s->blocks[j].used;
                if (empty && zone_limit - 1 > best)
                    best = zone_limit - 1;
            }
            else if (b->kind == HM_DATA && !b->used && b->hdr == 0 && b->size > best)
                best = b->size;
            else if (b->kind == HM_PAGES && !b->used)
            {
                if (b->size >= zone_size && zone_limit - 1 > best)
                    best = zone_limit - 1;
                if (b->size >= zone_limit && b->size > best)
                    best = b->size;
            }
        }
    }
    return best;
}

/* The system heap's figures.  One heap: one line under the region it
 * uses.  memheap: one line per memheap (its own total and used, as
 * list_memheap and rt_memheap_info give them, and its free blocks), and
 * one line for all of them under the first; rt_memory_info reports the
 * first memheap only, as RT-Thread 4.1.1 does. */
HM_RAW static void system_heap_stats(struct hm_snapshot *snap, int nreg, const char *algo,
                                     const struct hm_object *objs, int nobjs)
{
    struct rt_memory_stats st;
    rt_memory_stats(&st);
    int first = -1;
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
        snprintf(s->title + tl, sizeof s->title - tl, ": system heap (%s)", algo);
        if (first < 0)
            first = i;
    }
    if (first < 0)
        return;
    if (strcmp(algo, "memheap") != 0)
    {
        struct hm_section *s = &snap->sections[first];
        char extra[80] = "";
        if (strcmp(algo, "slab") == 0)
            snprintf(extra, sizeof extra, " (a free page run); largest request that would "
                     "succeed %lu", slab_largest_request(snap, nreg, (unsigned long)st.total));
        for (int j = 0; j < s->nblocks; j++)
            if (s->blocks[j].lfree)
                snprintf(extra, sizeof extra, "; lfree 0x%08lx", s->blocks[j].addr);
        snprintf(s->stats, sizeof s->stats,
                 "system heap: total %lu, used %lu, free %lu in %lu block%s, "
                 "largest free %lu%s", (unsigned long)st.total, (unsigned long)st.used,
                 (unsigned long)st.free_bytes, (unsigned long)st.free_blocks,
                 st.free_blocks == 1 ? "" : "s", (unsigned long)st.largest_free, extra);
        return;
    }
#ifdef RTSIM_HAVE_MEMHEAP
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemHeap);
    unsigned long at = 0, au = 0, af = 0, an = 0, al = 0;
    int count = 0;
    const char *first_name = "";
    for (rt_list_t *n = info ? info->object_list.prev : NULL; n && n != &info->object_list;
         n = n->prev)
    {
        struct rt_memheap *h = rt_list_entry(n, struct rt_memheap, parent.list);
        int mine = 0;
        for (int k = 0; k < nobjs; k++)
            mine |= objs[k].handle == (void *)h;
        if (mine)
            continue;       /* a scenario's own memheap, not the system heap's */
        unsigned long lo = rt_sim_target_addr(h->start_addr), hi = lo + h->pool_size;
        for (int i = 0; i < nreg; i++)
        {
            const struct rt_sim_region *r = rt_sim_region(i);
            if (lo < r->base || lo - r->base >= r->size)
                continue;
            unsigned long fb, nf, lg;
            free_in(&snap->sections[i], lo, hi, &fb, &nf, &lg);
            unsigned long total = h->pool_size, used = h->pool_size - h->available_size;
            snprintf(snap->sections[i].stats, sizeof snap->sections[i].stats,
                     "memheap \"%.*s\": total %lu, used %lu, free %lu in %lu block%s, "
                     "largest free %lu", RT_NAME_MAX, h->parent.name, total, used, fb, nf,
                     nf == 1 ? "" : "s", lg);
            if (count++ == 0)
                first_name = h->parent.name;
            at += total;
            au += used;
            af += fb;
            an += nf;
            if (lg > al)
                al = lg;
        }
    }
    if (count > 1)
        snprintf(snap->sections[first].stats2, sizeof snap->sections[first].stats2,
                 "all %d memheaps: total %lu, used %lu, free %lu in %lu block%s, largest free "
                 "%lu (rt_memory_info and free: \"%.*s\" only)", count, at, au, af, an,
                 an == 1 ? "" : "s", al, RT_NAME_MAX, first_name);
#else
    (void)objs;
    (void)nobjs;
#endif
}

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
                     r->holds_zi ? "RW .data + ZI .bss" : "firmware sections");
        }
    }
    const char *algo = rt_system_heap_algorithm();
    struct walk_ctx rc = { snap, 0, NULL, owner, control_label_of(algo), end_label_of(algo), 0 };
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
    system_heap_stats(snap, nreg, algo, objs, nobjs);
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
