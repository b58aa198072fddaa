/*
 * heap_shadow.c - checked mode's metadata shadow of a heap (rtsim
 * addition, issue 12; rthw.h "metadata shadow", docs/mistakes.md).
 *
 * One heap's shadow, the records of where its metadata is and what the
 * algorithm last wrote there (kept by sim/check_meta.c), is brought up to
 * date here after each call, and compared with the RAM before the next.
 * Two kinds of heap use it:
 *
 *   the system heap        kheap.c, around every rt_malloc / rt_free / ...
 *   heaps made directly    rt_smem_init, rt_smem_classic_init, rt_slab_init,
 *                          rt_memheap_init, rt_tlsf_init: each public call
 *                          of the algorithm brackets its work with
 *                          RT_HEAP_SHADOW_IN / _OUT (heap.h)
 *
 *     call ──► verify every record (S2) ──► the algorithm runs ──► record
 *              │ a difference: report, stop            │ the windows it
 *              ▼ (the algorithm never reads it)         ▼ touched (S4), or all
 *
 * Rules
 * -----
 * S1  What is recorded comes from the algorithm's walker: each control
 *     block (less the object's list node, which changes when other objects
 *     come and go), zone header, block header and sentinel, and the
 *     free_head / free_tail link words of each free block.  Level 0 skips
 *     all of it.
 * S2  Before the algorithm runs, every record is compared with the RAM
 *     (rt_hw_meta_verify): an overflow into a header, a link or the control
 *     block is reported at the next call, naming the block below it, and
 *     the algorithm never runs on damaged metadata.
 * S3  After the call the records are made again: the windows the call
 *     touched (S4-S6), or the whole heap.
 * S4  Incremental record: an algorithm with a partial walker (heap.h
 *     walk_span) changes, in one call on a block, the layout only in its
 *     control block and from the block's lower neighbour to the second
 *     header above it (small mem: split, plug_holes; tlsf and memheap:
 *     split, merge with both neighbours).  The call names each block it
 *     takes or gives back (rt_heap_shadow_touch); the window around each
 *     comes from the records as they were before the call
 *     (rt_hw_meta_window), and after the call only those windows are
 *     forgotten and walked again.  Two windows that meet, more than
 *     RT_HEAP_SHADOW_SPANS, a block with no recorded header, or a window
 *     whose start is no longer a block header: the whole heap is
 *     recorded.
 * S5  An algorithm with free-list links (tlsf after the header, memheap
 *     inside it) may also rewrite the links of free blocks anywhere -
 *     values only, in words already recorded: those of the list neighbours
 *     of the free blocks in its windows, before the call (unlinked) and
 *     after it (filed).  The link words in the windows' records, as
 *     recorded before the call and again after it, point at those
 *     neighbours; the records there take the RAM's bytes
 *     (rt_hw_meta_links, rt_hw_meta_refresh: the call was verified before
 *     it ran, so what differs is the allocator's own writing).  More than
 *     SHADOW_LINKS of them: every link and header record is refreshed.
 * S6  The self-check (rt_system_heap_meta_selfcheck) also records the
 *     whole heap under a second owner after each incremental record and
 *     counts the differences (tests/test_meta_incremental.c).
 * S7  A failed allocation of an algorithm with a partial walker wrote
 *     nothing: no window.
 * S8  An algorithm may keep some of its records itself (heap.h meta_walk):
 *     slab records each free chunk's link words when it pushes the chunk
 *     (RT_HEAP_SHADOW_WROTE), and the first words of a new zone's
 *     never-used chunks when it makes the zone; it verifies a chunk's
 *     record when it hands the chunk out (RT_HEAP_SHADOW_READ) and drops
 *     it then (RT_HEAP_SHADOW_DROP: O(log n), check_meta.c M7), forgetting
 *     a zone's all at once when the zone empties, under an owner per zone,
 *     so that neither the record nor the verification of a call walks
 *     every free chunk.  A damaged link is reported when the chunk is
 *     taken, before its link is followed.
 * S9  Heaps made directly: registered at init (rt_heap_shadow_add), from
 *     their init to their detach, in checked mode only; the system heap's
 *     own heaps never are (rt_heap_shadow_system_busy while kheap.c makes
 *     them).  IN and OUT pair and nest (realloc calls alloc and free):
 *     only the outermost IN verifies, every IN and OUT names its block
 *     (S4), and the outermost OUT records.  The depth is per heap, so a
 *     thread switched in between (a memheap's semaphore) can only skip a
 *     verification, never see half-recorded metadata.  A call that names
 *     no heap (rt_smem_free, rt_memheap_free) finds it by address range,
 *     never by reading the block's header first, and the innermost one
 *     when a heap was made inside a block of another.  A heap made over
 *     the start or the object of a shadowed heap replaces it (that one was
 *     never detached, its memory is reused): its records are dropped
 *     unverified.  A detach verifies before it reads the heap object.  At
 *     most SHADOW_DIRECT heaps are shadowed at once; more are still
 *     usable, unshadowed (the table is static: kernel/ has no malloc).
 * S10 An algorithm whose blocks have no header (slab) names, after the
 *     call, the window of each block it took or gave back (heap.h
 *     meta_window: a chunk's zone header), or says that the call changed
 *     more than that; only the control block and those windows are
 *     walked again (walk_span), as in S4.  slab can tell: every change
 *     to its page frame (a zone made from pages or given back, a large
 *     block, raw pages) rewrites an entry of the usage table, and slab
 *     counts those writes (slab.c slab_usage_set): a count that moved
 *     since the last record means the call rewrote the table (comparing
 *     the table's records with the RAM, as before, cost 1,300
 *     instructions a call on an 8 MiB heap); a zone that left its class
 *     list (emptied: its neighbours' links) is no longer live.  Either
 *     way, the whole heap is recorded.
 */
#include "heap.h"

#define SHADOW_LINKS    32
#define SHADOW_DIRECT   16

static const struct rt_hw_mem_site shadow_no_site = { RT_NULL, 0 };

/* The call being checked, for S8's reports from inside the algorithm. */
static struct
{
    int call;
    const void *ptr;
    struct rt_hw_mem_site site;
} shadow_now;

struct shadow_walk
{
    const struct rt_heap_shadow *s;
    const void *owner;          /* s->heap, or the self-check's twin */
};

/* S1: one block of the walk. */
static int shadow_block(const struct rt_mem_block *b, void *ctx)
{
    const struct shadow_walk *w = (const struct shadow_walk *)ctx;
    const struct rt_heap_algorithm *a = w->s->algo;
    const void *owner = w->owner;
    const rt_uint8_t *p = (const rt_uint8_t *)b->start;
    rt_size_t head = a->free_head_words * sizeof(void *);
    rt_size_t tail = a->free_tail_words * sizeof(void *);
    rt_size_t n;

    switch (b->kind)
    {
    case RT_MEM_BLOCK_CONTROL:
        n = b->header_size != 0 ? b->header_size : b->size;
        if (b->start == w->s->heap && n >= sizeof(struct rt_object))
        {
            const struct rt_object *o = (const struct rt_object *)b->start;
            const rt_uint8_t *list = (const rt_uint8_t *)&o->list;

            rt_hw_meta_note(owner, p, (rt_size_t)(list - p), RT_HW_META_CONTROL, p);
            rt_hw_meta_note(owner, list + sizeof(o->list),
                            n - (rt_size_t)(list + sizeof(o->list) - p), RT_HW_META_CONTROL, p);
        }
        else
        {
            rt_hw_meta_note(owner, p, n, RT_HW_META_CONTROL, p);
        }
        break;
    case RT_MEM_BLOCK_ZONE:
        rt_hw_meta_note(owner, p, b->header_size, RT_HW_META_ZONE, p);
        break;
    case RT_MEM_BLOCK_PAGES:
        if (!b->used)
            rt_hw_meta_note(owner, p, head < b->size ? head : b->size, RT_HW_META_LINK, p);
        break;
    default:    /* data blocks and sentinels: named by their data address */
        rt_hw_meta_note(owner, p, b->header_size, RT_HW_META_HEADER, p + b->header_size);
        if (!b->used && b->kind == RT_MEM_BLOCK_DATA && (head | tail) != 0)
        {
            p += b->header_size;
            rt_hw_meta_note(owner, p, head < b->size ? head : b->size, RT_HW_META_LINK, p);
            if (tail != 0 && tail <= b->size && b->size - tail >= head)
                rt_hw_meta_note(owner, p + b->size - tail, tail, RT_HW_META_LINK, p);
        }
        break;
    }
    return 0;
}

void rt_heap_shadow_reset(struct rt_heap_shadow *s, void *heap,
                          const struct rt_heap_algorithm *algo, rt_heap_walk_t walk,
                          rt_heap_walk_span_t walk_span)
{
    s->heap = heap;
    s->algo = algo;
    s->walk = walk;
    s->walk_span = walk_span;
    s->n = 0;
    s->whole = RT_TRUE;
    s->refresh = RT_FALSE;
    s->partial_records = s->whole_records = s->mismatches = 0;
}

/* S4, S7 */
void rt_heap_shadow_touch(struct rt_heap_shadow *s, const void *data)
{
    const void *lo, *hi;
    rt_uint8_t i;

    if (s->whole)
        return;
    if (data == RT_NULL && s->walk_span != RT_NULL)
        return;
    if (s->walk_span != RT_NULL && s->algo->meta_window != RT_NULL)
    {
        /* S10: the window is asked for after the call; keep the block */
        for (i = 0; i < s->n; i++)
            if (s->lo[i] == data)
                return;
        if (s->n == RT_HEAP_SHADOW_SPANS)
            s->whole = RT_TRUE;
        else
            s->lo[s->n++] = data;
        return;
    }
    if (s->walk_span == RT_NULL || s->n == RT_HEAP_SHADOW_SPANS ||
        !rt_hw_meta_window(s->heap, data, 1, 2, &lo, &hi))
    {
        s->whole = RT_TRUE;
        return;
    }
    for (i = 0; i < s->n; i++)
    {
        if (s->lo[i] == lo && s->hi[i] == hi)
            return;                             /* the same block again */
        if ((const rt_uint8_t *)lo <= (const rt_uint8_t *)s->hi[i] &&
            (const rt_uint8_t *)s->lo[i] <= (const rt_uint8_t *)hi)
        {
            s->whole = RT_TRUE;                 /* windows that meet */
            return;
        }
    }
    s->lo[s->n] = lo;
    s->hi[s->n] = hi;
    s->n++;
    if (s->algo->free_head_words != 0 || s->algo->free_tail_words != 0 ||
        s->algo->header_link_words != 0)
        s->refresh = RT_TRUE;
}

/* S5: the free-list link words recorded in the windows (link records, and
 * the header's link words of an algorithm that keeps them there), after
 * the `have` already in links[]; the total (above SHADOW_LINKS: some were
 * left out, refresh everything). */
static rt_size_t shadow_links(const struct rt_heap_shadow *s, const void **links, rt_size_t have)
{
    rt_uint8_t i;

    for (i = 0; i < s->n && have <= SHADOW_LINKS; i++)
        have += rt_hw_meta_links(s->heap, s->lo[i], s->hi[i], s->algo->header_link_word,
                                 s->algo->header_link_words, links + have,
                                 SHADOW_LINKS - have);
    return have;
}

/* S3-S6 (checked mode, the heap's lock held). */
void rt_heap_shadow_record(struct rt_heap_shadow *s)
{
    const struct rt_heap_algorithm *a = s->algo;
    const void *links[SHADOW_LINKS];
    /* a neighbour's header and the link words after it (tlsf), or the
     * header up to its last link word (memheap) */
    rt_size_t span = (a->header_link_words != 0
                      ? (rt_size_t)a->header_link_word + a->header_link_words
                      : 1 + (rt_size_t)a->free_head_words) * sizeof(void *);
    struct shadow_walk w;
    rt_size_t nlinks = 0;
    rt_uint8_t i;

    w.s = s;
    w.owner = s->heap;
    rt_hw_mem_enter();
    if (!s->whole && s->walk_span != RT_NULL && a->meta_window != RT_NULL)
    {
        /* S10: each block's window, now that the call is done; blocks in
         * one window (a realloc in place) walk it once */
        rt_uint8_t n = 0;
        for (i = 0; !s->whole && i < s->n; i++)
        {
            const void *lo, *hi;
            rt_uint8_t k;
            if (!a->meta_window(s->heap, s->lo[i], &lo, &hi))
                s->whole = RT_TRUE;
            for (k = 0; k < n && s->lo[k] != lo; k++)
                ;
            if (k == n)
            {
                s->lo[n] = lo;
                s->hi[n] = hi;
                n++;
            }
        }
        s->n = n;
    }
    if (!s->whole && s->refresh)
        nlinks = shadow_links(s, links, 0);             /* as before the call */
    for (i = 0; !s->whole && i < s->n; i++)
    {
        rt_hw_meta_renote_begin(s->heap, s->lo[i], s->hi[i]);
        if (!s->walk_span(s->heap, s->lo[i], s->hi[i], shadow_block, &w))
            s->whole = RT_TRUE;
        rt_hw_meta_renote_end(s->heap);
    }
    if (!s->whole && s->refresh)
    {
        nlinks = shadow_links(s, links, nlinks);        /* and after it */
        if (nlinks > SHADOW_LINKS)
            rt_hw_meta_refresh(s->heap, RT_NULL, 0);
        else
            rt_hw_meta_refresh_each(s->heap, links, nlinks, span);
    }
    if (s->whole)
    {
        rt_hw_meta_forget(s->heap);
        s->walk(s->heap, shadow_block, &w);
        s->whole_records++;
    }
    else
    {
        s->partial_records++;
        if (s->selfcheck)
        {
            /* S6: the same walk over the whole heap, as a second owner */
            w.owner = (const rt_uint8_t *)s->heap + 1;
            rt_hw_meta_forget(w.owner);
            s->walk(s->heap, shadow_block, &w);
            if (!rt_hw_meta_same(s->heap, w.owner))
                s->mismatches++;
            rt_hw_meta_forget(w.owner);
        }
    }
    rt_hw_mem_leave();
    s->n = 0;
    s->whole = RT_FALSE;
    s->refresh = RT_FALSE;
}

/* S2 */
void rt_heap_shadow_verify(struct rt_heap_shadow *s, int call, const void *ptr,
                           struct rt_hw_mem_site site)
{
    shadow_now.call = call;
    shadow_now.ptr = ptr;
    shadow_now.site = site;
    rt_hw_meta_verify(s->heap, RT_NULL, 0, call, ptr, site);
}

/* ------------------------------------------------ self-kept records (S8) */

void rt_heap_shadow_read(const void *heap, const void *addr, rt_size_t len)
{
    rt_hw_meta_verify(heap, addr, len, shadow_now.call, shadow_now.ptr, shadow_now.site);
}

void rt_heap_shadow_wrote(const void *heap, const void *addr, rt_size_t len)
{
    rt_hw_mem_enter();
    rt_hw_meta_note(heap, addr, len, RT_HW_META_LINK, addr);
    rt_hw_mem_leave();
}

void rt_heap_shadow_drop(const void *heap, const void *addr)
{
    if (addr == RT_NULL)
        rt_hw_meta_forget(heap);
    else
        rt_hw_meta_drop(heap, addr);
}

/* ------------------------------------------------- heaps made directly (S9) */

struct shadow_direct
{
    struct rt_heap_shadow s;
    const rt_uint8_t *lo, *hi;      /* every region the heap covers */
    int code;                       /* RT_HW_MEM_DIRECT(code, op) */
    int depth;
};

static struct shadow_direct shadow_direct[SHADOW_DIRECT];
static int shadow_direct_count;
rt_bool_t rt_heap_shadow_system_busy;
/* S6 for heaps made directly: on for each one made while it is; the
 * counts of those detached since it was turned on. */
static struct
{
    rt_bool_t on;
    rt_size_t partial, whole, mismatches;
} shadow_direct_self;

static struct shadow_direct *shadow_find(const void *heap)
{
    for (int i = 0; i < SHADOW_DIRECT && shadow_direct_count != 0; i++)
        if (shadow_direct[i].s.heap == heap && heap != RT_NULL)
            return &shadow_direct[i];
    return RT_NULL;
}

/* The innermost heap holding ptr (a heap may be made inside a block of
 * another). */
static struct shadow_direct *shadow_holding(const void *ptr)
{
    const rt_uint8_t *p = (const rt_uint8_t *)ptr;
    struct shadow_direct *best = RT_NULL;

    for (int i = 0; i < SHADOW_DIRECT && shadow_direct_count != 0; i++)
        if (shadow_direct[i].s.heap != RT_NULL && p >= shadow_direct[i].lo &&
            p < shadow_direct[i].hi &&
            (best == RT_NULL ||
             shadow_direct[i].hi - shadow_direct[i].lo < best->hi - best->lo))
            best = &shadow_direct[i];
    return best;
}

void rt_heap_shadow_add(void *heap, const struct rt_heap_algorithm *algo,
                        rt_heap_walk_t walk, rt_heap_walk_span_t walk_span, int code,
                        void *begin, rt_size_t size)
{
    const rt_uint8_t *b = (const rt_uint8_t *)begin;
    struct shadow_direct *d;

    if (!rt_hw_meta_enabled || heap == RT_NULL || rt_heap_shadow_system_busy)
        return;
    d = shadow_find(heap);
    if (d == RT_NULL)
    {
        /* a heap made over the start or the object of one never detached */
        for (int i = 0; i < SHADOW_DIRECT; i++)
        {
            const rt_uint8_t *old_start = shadow_direct[i].lo;
            const rt_uint8_t *old_obj = (const rt_uint8_t *)shadow_direct[i].s.heap;

            if (old_obj != RT_NULL && ((old_start >= b && old_start < b + size) ||
                                       (old_obj >= b && old_obj < b + size)))
            {
                rt_hw_meta_forget(old_obj);
                shadow_direct[i].s.heap = RT_NULL;
                shadow_direct_count--;
            }
        }
        for (int i = 0; i < SHADOW_DIRECT && d == RT_NULL; i++)
            if (shadow_direct[i].s.heap == RT_NULL)
                d = &shadow_direct[i];
        if (d == RT_NULL)
            return;
        rt_heap_shadow_reset(&d->s, heap, algo, walk, walk_span);
        d->s.selfcheck = shadow_direct_self.on;
        d->code = code;
        d->depth = 0;
        d->lo = b;
        d->hi = b + size;
        shadow_direct_count++;
    }
    else
    {
        /* another region (rt_tlsf_add_region): verified by the caller's IN */
        if (b < d->lo)
            d->lo = b;
        if (b + size > d->hi)
            d->hi = b + size;
        d->s.whole = RT_TRUE;
    }
    if (d->depth == 0)
        rt_heap_shadow_record(&d->s);
}

void rt_heap_shadow_remove(void *heap)
{
    struct shadow_direct *d = shadow_find(heap);

    if (d == RT_NULL)
        return;
    if (d->depth == 0)      /* detach reads the control block: verified first */
        rt_heap_shadow_verify(&d->s, RT_HW_MEM_DIRECT(d->code, RT_HW_MEM_OP_OTHER), RT_NULL,
                              shadow_no_site);
    rt_hw_meta_forget(heap);
    if (d->s.selfcheck)
    {
        shadow_direct_self.partial += d->s.partial_records;
        shadow_direct_self.whole += d->s.whole_records;
        shadow_direct_self.mismatches += d->s.mismatches;
    }
    d->s.heap = RT_NULL;
    shadow_direct_count--;
}

void rt_heap_shadow_direct_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                     rt_size_t *mismatches)
{
    if (partial != RT_NULL)
        *partial = shadow_direct_self.partial;
    if (whole != RT_NULL)
        *whole = shadow_direct_self.whole;
    if (mismatches != RT_NULL)
        *mismatches = shadow_direct_self.mismatches;
    shadow_direct_self.on = on;
    shadow_direct_self.partial = shadow_direct_self.whole = shadow_direct_self.mismatches = 0;
}

void *rt_heap_shadow_in(void *heap, const void *ptr, int op)
{
    struct shadow_direct *d = heap != RT_NULL ? shadow_find(heap) : shadow_holding(ptr);

    if (d == RT_NULL)
        return RT_NULL;
    if (d->depth++ == 0)
        rt_heap_shadow_verify(&d->s, RT_HW_MEM_DIRECT(d->code, op), ptr, shadow_no_site);
    if (ptr != RT_NULL)
        rt_heap_shadow_touch(&d->s, ptr);
    return d;
}

void rt_heap_shadow_out(void *token, const void *got)
{
    struct shadow_direct *d = (struct shadow_direct *)token;

    if (d->s.heap == RT_NULL)
    {
        d->depth--;                 /* detached inside the call */
        return;
    }
    if (got != RT_NULL)
        rt_heap_shadow_touch(&d->s, got);
    if (--d->depth == 0)
        rt_heap_shadow_record(&d->s);
}

void rt_heap_shadow_direct_reset(void)
{
    for (int i = 0; i < SHADOW_DIRECT; i++)
        shadow_direct[i].s.heap = RT_NULL;
    shadow_direct_count = 0;
    shadow_direct_self.on = RT_FALSE;
    rt_heap_shadow_system_busy = RT_FALSE;
}
