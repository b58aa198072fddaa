/*
 * smem_core.h - the small-memory heap's algorithm, written once for both
 * of RT-Thread's block-header layouts.
 *
 * RT-Thread 4.1.0 changed only the block header of its small-memory heap:
 * the first-fit walk from lfree, the split rule, plug_holes and realloc
 * are the same algorithm before and after.  This file is that algorithm.
 * Each layout is a header codec - how a header is read, written and
 * validated - in the file that includes this one:
 *
 *   mem.c          4.1.0+: owner word (heap address | used bit), next, prev
 *   mem_classic.c  before 4.1.0: magic 0x1EA0, used, next, prev
 *
 * The includer defines, before `#include "smem_core.h"`:
 *   SMEM_HDR            the header struct (members `next`, `prev`: offsets)
 *   SMEM_HEAP           the control block's struct tag
 *   SMEM_MIN_SIZE       the smallest data a block may hold
 *   SMEM_STRICT_BOUND   1: first fit stops at offset >= total - size
 *                       (classic C2), 0: at offset > total - size
 *   SMEM_SENTINEL_PREV  1: plug_holes may write the sentinel's prev link
 *                       (scratch, as 4.1), 0: it never does (classic)
 * and, after it, the codec functions declared at the end of this comment.
 * Everything here is static, so the two files compile to two separate
 * heaps with no call through a pointer: the hot loop is as fast as a
 * hand-written copy (docs/benchmarks.md).
 *
 * Layout of a heap over [begin, begin + size):
 *
 *   begin (aligned up)
 *   |
 *   v
 *   +-----------------+------+--------+------+--------+ ... +------+-----+
 *   | struct          | hdr  | data   | hdr  | data   |     | hdr  |     |
 *   | SMEM_HEAP       | blk0 |        | blk1 |        |     | END  |     |
 *   +-----------------+------+--------+------+--------+ ... +------+-----+
 *                     ^                                      ^      ^
 *                     heap_ptr (offset 0)          heap_end  end (aligned down)
 *
 * (The classic system heap keeps its control block outside the range, in
 * a static variable, like the pre-4.1 globals.)  Offsets are bytes from
 * heap_ptr.  A block's data capacity is next - offset - SIZEOF_STRUCT_MEM.
 * The sentinel header heap_end sits at offset mem_size_aligned +
 * SIZEOF_STRUCT_MEM, is always "used" and links to itself; `total`
 * (= mem_size_aligned) excludes the first header and the sentinel.
 *
 * Algorithm:
 *   R1  alloc(0) returns NULL.  Other sizes are rounded up to RT_ALIGN_SIZE
 *       and raised to MIN_SIZE_ALIGNED; a size above total returns NULL.
 *   R2  First fit: walk the chain from lfree while offset <= total - size
 *       (classic: < , SMEM_STRICT_BOUND); take the first free block whose
 *       capacity >= size.
 *   R3  Split when capacity >= size + SIZEOF_STRUCT_MEM + MIN_SIZE_ALIGNED:
 *       a free header goes right after the data; used grows by
 *       size + SIZEOF_STRUCT_MEM.  Otherwise the whole block is handed out
 *       and used grows by the whole block, header included.
 *   R4  If the chosen block was lfree, lfree moves on to the next free
 *       block (or heap_end).
 *   R5  free(NULL) does nothing.  Otherwise the codec validates the block,
 *       it is marked free, lfree = min(lfree, block), used shrinks by the
 *       whole block, and plug_holes merges it with a free successor and a
 *       free predecessor.
 *   R6  realloc: newsize is rounded up to RT_ALIGN_SIZE but not raised to
 *       MIN_SIZE; above total -> NULL; 0 -> free, NULL; NULL pointer ->
 *       alloc; same capacity -> same pointer.  When newsize + SIZEOF +
 *       MIN_SIZE < capacity the block shrinks in place: the tail becomes a
 *       free block, lfree is lowered to it if lower, and it is merged with a
 *       free successor.  Anything else (a small shrink, every grow) is
 *       alloc + copy + free; on failure the old block is untouched.
 *
 * Complexity: alloc O(blocks from lfree), free O(1), realloc O(alloc).
 * Fragmentation: first fit from the lowest free block keeps the low end
 * busy and the high end large; many small holes below a large request
 * make every allocation walk past all of them (the "holes" benchmark).
 *
 * Invariants (the check returns the number of the first that fails):
 *   I1  The control block is sane (codec: smem_control_ok): a static Memory
 *       object with the codec's algorithm name, address = heap_ptr,
 *       total = mem_size_aligned, heap_end at offset mem_size_aligned +
 *       SIZEOF_STRUCT_MEM.
 *   I2  The sentinel is a used header of this heap whose next is its own
 *       offset (codec: smem_sentinel_ok; 4.1's prev is scratch).
 *   I3  Every block header on the chain is a valid header of this heap
 *       (codec: hdr_valid).
 *   I4  The chain from offset 0 strictly ascends, every capacity is a
 *       multiple of RT_ALIGN_SIZE, and it ends exactly at the sentinel.
 *   I5  prev links mirror next links: the first block's prev is 0 and each
 *       block's prev is the offset of the block before it.
 *   I6  No two neighbouring blocks are both free (merging is complete).
 *   I7  lfree is the lowest free block, or heap_end when none is free.
 *   I8  used = the sum of (header + capacity) over used blocks, and
 *       used <= max <= total + SIZEOF_STRUCT_MEM (a heap handed out as one
 *       block counts its header, which total leaves out: RT-Thread's `free`
 *       then shows available = -SIZEOF_STRUCT_MEM, a real quirk).
 *
 * The codec (defined by the includer after this file):
 *   hdr_used(h)           is the block handed out?
 *   hdr_set_used(m, h)    write the "used by m" header word(s)
 *   hdr_set_free(m, h)    write the "free, in m" header word(s)
 *   hdr_merged(h)         a header plug_holes merged away (4.1 clears it)
 *   hdr_valid(m, h)       I3: a header of m, used or free
 *   hdr_live(m, h)        a used header of m (the checker's view of a block)
 *   hdr_of(m, h)          a header of m at all (the block after a block)
 *   smem_control_ok(m)    I1
 *   smem_sentinel_ok(m)   I2
 *   smem_control_inside(m) does the walk report the control block?
 */
#ifndef RTSIM_SMEM_CORE_H__
#define RTSIM_SMEM_CORE_H__

#include <rtthread.h>
#include "heap.h"

/* The heap object. */
struct SMEM_HEAP
{
    struct rt_memory    parent;
    rt_uint8_t         *heap_ptr;   /* first block header */
    SMEM_HDR           *heap_end;   /* sentinel */
    SMEM_HDR           *lfree;      /* lowest free block */
    rt_size_t           mem_size_aligned;
};

#define MIN_SIZE_ALIGNED    RT_ALIGN(SMEM_MIN_SIZE, RT_ALIGN_SIZE)
#define SIZEOF_STRUCT_MEM   RT_ALIGN(sizeof(SMEM_HDR), RT_ALIGN_SIZE)

/* The codec, defined by the includer. */
rt_inline rt_bool_t hdr_used(const SMEM_HDR *h);
rt_inline void hdr_set_used(struct SMEM_HEAP *m, SMEM_HDR *h);
rt_inline void hdr_set_free(struct SMEM_HEAP *m, SMEM_HDR *h);
rt_inline void hdr_merged(SMEM_HDR *h);
rt_inline rt_bool_t hdr_valid(const struct SMEM_HEAP *m, const SMEM_HDR *h);
rt_inline rt_bool_t hdr_live(const struct SMEM_HEAP *m, const SMEM_HDR *h);
rt_inline rt_bool_t hdr_of(const struct SMEM_HEAP *m, const SMEM_HDR *h);
static rt_bool_t smem_control_ok(const struct SMEM_HEAP *m);
static rt_bool_t smem_sentinel_ok(const struct SMEM_HEAP *m);
static rt_bool_t smem_control_inside(const struct SMEM_HEAP *m);

/* ------------------------------------------------------------- helpers */

rt_inline SMEM_HDR *smem_item(const struct SMEM_HEAP *m, rt_size_t off)
{
    return (SMEM_HDR *)(m->heap_ptr + off);
}

rt_inline rt_size_t smem_off(const struct SMEM_HEAP *m, const SMEM_HDR *it)
{
    return (rt_size_t)((const rt_uint8_t *)it - m->heap_ptr);
}

rt_inline rt_size_t smem_end_off(const struct SMEM_HEAP *m)
{
    return m->mem_size_aligned + SIZEOF_STRUCT_MEM;
}

/* Set the prev link of the header at `off` unless it is the sentinel. */
rt_inline void smem_set_prev(struct SMEM_HEAP *m, rt_size_t off, rt_size_t prev)
{
    if (off != smem_end_off(m))
        smem_item(m, off)->prev = prev;
}

/* Is m a live small-mem heap object (static, class Memory)? */
rt_inline rt_bool_t smem_is_heap(const struct SMEM_HEAP *m)
{
    return m != RT_NULL && rt_heap_memory_is_static(&m->parent);
}

/* Lay out an empty heap: control block m, blocks over [begin, end) (both
 * aligned; the caller has checked there is room for two headers). */
static void smem_layout(struct SMEM_HEAP *m, const char *name, const char *algorithm,
                        rt_ubase_t begin, rt_ubase_t end)
{
    SMEM_HDR *mem;

    rt_memset(m, 0, sizeof(*m));
    rt_object_init(&m->parent.parent, RT_Object_Class_Memory, name);
    m->parent.algorithm = algorithm;
    m->parent.address = begin;
    m->parent.total = end - begin - 2 * SIZEOF_STRUCT_MEM;
    m->mem_size_aligned = m->parent.total;

    m->heap_ptr = (rt_uint8_t *)begin;
    mem = smem_item(m, 0);
    hdr_set_free(m, mem);
    mem->next = smem_end_off(m);
    mem->prev = 0;

    m->heap_end = smem_item(m, smem_end_off(m));
    hdr_set_used(m, m->heap_end);
    m->heap_end->next = smem_end_off(m);
    m->heap_end->prev = smem_end_off(m);

    m->lfree = mem;
}

/* Carve a free block out of `mem` at `off2` (the new block's offset).
 *   before: [mem ........................][next]
 *   after:  [mem ....][off2: free .......][next]  */
static void smem_split(struct SMEM_HEAP *m, SMEM_HDR *mem, rt_size_t off2)
{
    SMEM_HDR *mem2 = smem_item(m, off2);

    hdr_set_free(m, mem2);
    mem2->next = mem->next;
    mem2->prev = smem_off(m, mem);
    mem->next = off2;
    smem_set_prev(m, mem2->next, off2);
}

/* The prev link of the header after a merge; 4.1 also writes the
 * sentinel's (nothing reads it). */
rt_inline void smem_merge_prev(struct SMEM_HEAP *m, rt_size_t off, rt_size_t prev)
{
    if (SMEM_SENTINEL_PREV)
        smem_item(m, off)->prev = prev;
    else
        smem_set_prev(m, off, prev);
}

/* Merge the free block `mem` with a free successor and a free predecessor.
 *   before: [prev free][mem free][next free]
 *   after:  [prev free ........................]
 * RT-Thread also tests nmem != mem and nmem != heap_end; neither can hold:
 * next > offset for every block (I4) and the sentinel is always used (I2). */
rt_inline void plug_holes(struct SMEM_HEAP *m, SMEM_HDR *mem)
{
    rt_uint8_t *base = m->heap_ptr;
    SMEM_HDR *nmem = (SMEM_HDR *)(base + mem->next);
    SMEM_HDR *pmem;

    if (!hdr_used(nmem))
    {
        if (m->lfree == nmem)
            m->lfree = mem;
        hdr_merged(nmem);
        mem->next = nmem->next;
        smem_merge_prev(m, nmem->next, (rt_size_t)((rt_uint8_t *)mem - base));
    }

    pmem = (SMEM_HDR *)(base + mem->prev);
    if (pmem != mem && !hdr_used(pmem))
    {
        if (m->lfree == mem)
            m->lfree = pmem;
        hdr_merged(mem);
        pmem->next = mem->next;
        smem_merge_prev(m, mem->next, (rt_size_t)((rt_uint8_t *)pmem - base));
    }
}

/* R2: the first free block from lfree with capacity >= size, or NULL.
 * This loop is where the allocator spends its time, so it visits two
 * blocks per round: the compiler can then keep both offsets in registers
 * and a used block costs six instructions instead of seven.  Each visit is
 * the same test: offset within the bound, then free and big enough. */
#if SMEM_STRICT_BOUND
#define SMEM_PAST(off, limit)   ((off) >= (limit))
#else
#define SMEM_PAST(off, limit)   ((off) > (limit))
#endif

rt_inline int smem_fits(const SMEM_HDR *mem, rt_size_t ptr, rt_size_t next, rt_size_t need)
{
    return !hdr_used(mem) && next - ptr >= need;
}

rt_inline SMEM_HDR *find_fit(struct SMEM_HEAP *m, rt_size_t size)
{
    rt_uint8_t *base = m->heap_ptr;
    rt_size_t limit = m->mem_size_aligned - size;
    rt_size_t need = size + SIZEOF_STRUCT_MEM;    /* header + data */
    rt_size_t ptr = smem_off(m, m->lfree);

    if (SMEM_PAST(ptr, limit))
        return RT_NULL;
    for (;;)
    {
        SMEM_HDR *a = (SMEM_HDR *)(base + ptr);
        rt_size_t next = a->next;
        SMEM_HDR *b;

        if (smem_fits(a, ptr, next, need))
            return a;
        if (SMEM_PAST(next, limit))
            return RT_NULL;
        b = (SMEM_HDR *)(base + next);
        ptr = b->next;
        if (smem_fits(b, next, ptr, need))
            return b;
        if (SMEM_PAST(ptr, limit))
            return RT_NULL;
    }
}

/* R3 + R4: hand out `mem` for `size` bytes, splitting when worthwhile. */
rt_inline void mark_used(struct SMEM_HEAP *m, SMEM_HDR *mem, rt_size_t size)
{
    rt_size_t ptr = smem_off(m, mem);
    rt_size_t used = m->parent.used;
    SMEM_HDR *lfree;

    if (mem->next - (ptr + SIZEOF_STRUCT_MEM) >= size + SIZEOF_STRUCT_MEM + MIN_SIZE_ALIGNED)
    {
        smem_split(m, mem, ptr + SIZEOF_STRUCT_MEM + size);
        used += size + SIZEOF_STRUCT_MEM;
    }
    else
    {
        used += mem->next - ptr;
    }
    m->parent.used = used;
    if (m->parent.max < used)
        m->parent.max = used;

    hdr_set_used(m, mem);

    lfree = m->lfree;
    if (mem == lfree)
    {
        rt_uint8_t *base = m->heap_ptr;
        SMEM_HDR *end = m->heap_end;

        while (hdr_used(lfree) && lfree != end)
            lfree = (SMEM_HDR *)(base + lfree->next);
        m->lfree = lfree;
    }
}

/* R1..R4 on a valid heap object. */
rt_inline void *smem_alloc(struct SMEM_HEAP *m, rt_size_t size)
{
    SMEM_HDR *mem;

    if (size > m->mem_size_aligned)     /* before RT_ALIGN can wrap around */
        return RT_NULL;
    size = RT_ALIGN(size, RT_ALIGN_SIZE);
    if (size < MIN_SIZE_ALIGNED)
        size = MIN_SIZE_ALIGNED;
    if (size > m->mem_size_aligned)
        return RT_NULL;

    mem = find_fit(m, size);
    if (mem == RT_NULL)
        return RT_NULL;
    mark_used(m, mem, size);
    return (rt_uint8_t *)mem + SIZEOF_STRUCT_MEM;
}

/* R5 after the codec validated `mem` (at offset off, next header at
 * offset next). */
rt_inline void smem_release(struct SMEM_HEAP *m, SMEM_HDR *mem, rt_size_t off, rt_size_t next)
{
    hdr_set_free(m, mem);
    if (mem < m->lfree)
        m->lfree = mem;
    m->parent.used -= next - off;
    plug_holes(m, mem);
}

/* R6 for the validated used block `mem` (rmem its data), newsize already
 * rounded and non-zero.  `give_back` is the codec's free. */
static void *smem_resize(struct SMEM_HEAP *m, SMEM_HDR *mem, void *rmem, rt_size_t newsize,
                         void (*give_back)(struct SMEM_HEAP *m, void *rmem))
{
    rt_size_t ptr = smem_off(m, mem);
    rt_size_t size = mem->next - ptr - SIZEOF_STRUCT_MEM;
    void *nmem;

    if (size == newsize)
        return rmem;

    if (newsize + SIZEOF_STRUCT_MEM + SMEM_MIN_SIZE < size)
    {
        /* Shrink in place.
         *   before: [mem ..........................][next]
         *   after:  [mem ....][mem2: free .........][next]  */
        SMEM_HDR *mem2;

        m->parent.used -= size - newsize;
        smem_split(m, mem, ptr + SIZEOF_STRUCT_MEM + newsize);
        mem2 = smem_item(m, mem->next);
        if (mem2 < m->lfree)
            m->lfree = mem2;
        plug_holes(m, mem2);
        return rmem;
    }

    nmem = smem_alloc(m, newsize);
    if (nmem != RT_NULL)
    {
        rt_memcpy(nmem, rmem, size < newsize ? size : newsize);
        give_back(m, rmem);
    }
    return nmem;
}

/* ------------------------------------------------------ check and walk */

static int smem_check(const struct SMEM_HEAP *m)
{
    rt_size_t end, off, prev_off, used_sum = 0;
    rt_bool_t prev_free = RT_FALSE, seen_free = RT_FALSE;
    const SMEM_HDR *it;

    if (!smem_is_heap(m) || !smem_control_ok(m) ||
        (m->mem_size_aligned & (RT_ALIGN_SIZE - 1)) != 0 ||
        m->parent.address != (rt_ubase_t)m->heap_ptr ||
        m->parent.total != m->mem_size_aligned ||
        m->heap_end != smem_item(m, smem_end_off(m)))
        return 1;
    end = smem_end_off(m);

    if (!smem_sentinel_ok(m) || m->heap_end->next != end)
        return 2;

    /* I3..I7 in one pass along the chain. */
    for (off = 0, prev_off = 0; off != end; prev_off = off, off = it->next)
    {
        it = smem_item(m, off);
        if (!hdr_valid(m, it))
            return 3;
        if (it->next <= off || it->next > end || it->next - off < SIZEOF_STRUCT_MEM ||
            ((it->next - off - SIZEOF_STRUCT_MEM) & (RT_ALIGN_SIZE - 1)) != 0)
            return 4;
        if (it->prev != prev_off)
            return 5;
        if (!hdr_used(it))
        {
            if (prev_free)
                return 6;
            if (!seen_free && m->lfree != it)
                return 7;
            seen_free = RT_TRUE;
        }
        else
        {
            used_sum += it->next - off;
        }
        prev_free = !hdr_used(it);
    }
    if (!seen_free && m->lfree != m->heap_end)
        return 7;

    if (used_sum != m->parent.used || m->parent.used > m->parent.max ||
        m->parent.max > m->parent.total + SIZEOF_STRUCT_MEM)
        return 8;
    return 0;
}

/* heap.h `walk_span` (checked mode's incremental record): the control
 * block, then the blocks whose header starts in [from, to), the sentinel
 * among them.  `from` must be a block: offset 0, the sentinel, or a header
 * whose prev block links back to it. */
static rt_bool_t smem_walk_span(const struct SMEM_HEAP *m, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx)
{
    struct rt_mem_block b;
    rt_size_t off, end, stop;
    const SMEM_HDR *it;

    if (!smem_is_heap(m) || fn == RT_NULL ||
        (const rt_uint8_t *)from < m->heap_ptr || (const rt_uint8_t *)to <= (const rt_uint8_t *)from)
        return RT_FALSE;
    end = smem_end_off(m);
    off = (rt_size_t)((const rt_uint8_t *)from - m->heap_ptr);
    if (off > end || (off & (RT_ALIGN_SIZE - 1)) != 0)
        return RT_FALSE;
    it = smem_item(m, off);
    if (off != 0 && off != end &&
        (it->prev >= off || smem_item(m, it->prev)->next != off))
        return RT_FALSE;
    stop = (rt_size_t)((const rt_uint8_t *)to - m->heap_ptr);
    b.heap = m;

    if (smem_control_inside(m))
    {
        b.start = m;
        b.header_size = 0;
        b.size = (rt_size_t)(m->heap_ptr - (const rt_uint8_t *)m);
        b.used = RT_TRUE;
        b.kind = RT_MEM_BLOCK_CONTROL;
        if (fn(&b, ctx))
            return RT_TRUE;
    }
    for (; off < end && off < stop; off = it->next)
    {
        it = smem_item(m, off);
        if (it->next <= off || it->next > end || it->next - off < SIZEOF_STRUCT_MEM)
            return RT_TRUE;
        b.start = it;
        b.header_size = SIZEOF_STRUCT_MEM;
        b.size = it->next - off - SIZEOF_STRUCT_MEM;
        b.used = hdr_used(it) ? RT_TRUE : RT_FALSE;
        b.kind = RT_MEM_BLOCK_DATA;
        if (fn(&b, ctx))
            return RT_TRUE;
    }
    if (off == end && end < stop)
    {
        b.start = m->heap_end;
        b.header_size = SIZEOF_STRUCT_MEM;
        b.size = 0;
        b.used = RT_TRUE;
        b.kind = RT_MEM_BLOCK_SENTINEL;
        fn(&b, ctx);
    }
    return RT_TRUE;
}

/* heap.h `walk`: the whole heap is the span from the first block to past
 * the sentinel. */
static void smem_walk(const struct SMEM_HEAP *m, rt_mem_walk_fn fn, void *ctx)
{
    if (smem_is_heap(m))
        (void)smem_walk_span(m, m->heap_ptr, (const rt_uint8_t *)m->heap_end + 1, fn, ctx);
}

/* The checker's view (heap.h `usable`): the block's capacity; a split
 * wrote the header right after it.  *lo is RT_NULL when the header
 * disagrees with its neighbours (overwritten), *hi when the next one does. */
static rt_size_t smem_usable(struct SMEM_HEAP *m, void *ptr, const void **lo, const void **hi)
{
    SMEM_HDR *mem = (SMEM_HDR *)((rt_uint8_t *)ptr - SIZEOF_STRUCT_MEM);
    rt_size_t off = smem_off(m, mem);
    rt_size_t cap = mem->next - off - SIZEOF_STRUCT_MEM;

    *lo = mem;
    *hi = (rt_uint8_t *)ptr + cap + SIZEOF_STRUCT_MEM;
    if (!hdr_live(m, mem) || mem->next <= off || mem->next > smem_end_off(m) ||
        (off == 0 ? mem->prev != 0 : mem->prev >= off || smem_item(m, mem->prev)->next != off))
        *lo = RT_NULL;
    else if (!hdr_of(m, smem_item(m, mem->next)) ||
             (mem->next != smem_end_off(m) && smem_item(m, mem->next)->prev != off))
        *hi = RT_NULL;      /* the next header was written over */
    return cap;
}


#endif
