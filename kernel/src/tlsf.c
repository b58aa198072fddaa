/*
 * tlsf.c - a two-level segregated-fit heap: malloc, free and realloc in a
 * constant number of instructions, one word of overhead per used block.
 *
 * An rtsim addition to RT-Thread's memory managers, selectable as the
 * system heap ("tlsf").  Our own design and code; the idea of segregated
 * free lists indexed by two bitmaps is Masmano, Ripoll, Crespo and Real's
 * TLSF (2004).
 *
 * Why one file of ~1,000 lines: each allocator is one file opening with its
 * picture and numbered invariants (a project rule).  Its parts - the
 * two-level index and free lists, regions, the API, the walker and the
 * checker, the system-heap adapter - share one private block layout
 * (header word, footer, index arithmetic) that the hot paths keep inline
 * (rt_inline) for a constant instruction count; split, that layout would
 * become a header every part includes and the invariants would leave the
 * code they constrain.  The code follows the comment's order.
 *
 * ------------------------------------------------------------- layout
 *
 * W = sizeof(rt_size_t) (4 on ILP32, 8 native), A = RT_ALIGN_SIZE (>= W).
 * A block is a header word followed by its data; its "size" is the whole
 * footprint, header included, a multiple of A.  Every data address is a
 * multiple of A, so every header sits at an address = -W (mod A).
 *
 *   used block                        free block
 *   +---------------------------+     +---------------------------+
 *   | size |TINY|PREV_FREE|USED |     | size |  0 |    0    |  0  | head
 *   +---------------------------+     +---------------------------+
 *   | data ...                  |     | next   (free list)        |
 *   |                           |     | pprev  (&prev->next, or   |
 *   |                           |     |         &heads[index])    |
 *   |                           |     | ...                       |
 *   |                           |     | footer = this block       | last
 *   +---------------------------+     +---------------------------+ word
 *   (TINY = PREV_TINY, bit 2, native only; see below)
 *
 * USED (bit 0) says the block is handed out.  PREV_FREE (bit 1) says the
 * block just below is free, so its last word - the footer - is a pointer
 * to its header: that is how free() finds the physical predecessor without
 * a prev pointer in every header.  A used block needs no footer and so
 * carries exactly one word of overhead.  The smallest block holds head,
 * next, pprev and footer: MIN_BLOCK = 4 W = 16 bytes on ILP32.  Where
 * A >= 8 leaves a third flag bit (native: A = W = 8), a free block of
 * exactly 3 W ("tiny": head, next, pprev) has no room for a footer;
 * PREV_TINY (bit 2) in its successor says so, and the predecessor is then
 * found at a fixed distance.  MIN_BLOCK = 3 W = 24 bytes natively.
 *
 * A heap is one or more regions.  The first region starts with the
 * control block; later regions start with a small region descriptor.
 *
 *   region 0: [ control: rt_memory | maps | heads[rows*8]  | col_map[rows+1] ]
 *             [ block ][ block ] ... [ block ][ epilogue: size 0 | USED ]
 *   region k: [ descriptor ][ block ] ... [ block ][ epilogue ]
 *
 * The epilogue is a used header of size 0: a free block never merges past
 * the end of its region, and the first block of a region has PREV_FREE
 * clear, so it never merges below its start.  Regions may be anywhere.
 *
 * Free blocks are kept in rows*8 lists.  A block of size s is in list
 *
 *   sh = msb(s | SMALL) - 3,    index(s) = (s >> sh) + ((sh - log2 A) << 3)
 *
 * where SMALL = 8 A.  Row 0 (s < SMALL) has one list per multiple of A;
 * row r >= 1 splits [2^(r+2+log2 A), 2^(r+3+log2 A)) into 8 equal classes.
 * Bit r of row_map says row r has a non-empty list; bit c of col_map[r]
 * says list 8 r + c is non-empty.  rows is fixed at init by the size of
 * the first region, which caps the largest block (max_block).
 *
 * ------------------------------------------------------------- rules
 *
 * R1 alloc(n): need = round_up(n + W, A), at least MIN_BLOCK.  n == 0 and
 *    any n above max_request fail at once (one unsigned compare covers
 *    both, and no later arithmetic can overflow).
 * R2 Good fit first: if the head of list index(need) is at least need,
 *    take it.  Otherwise search from index(need) + 1: every block there is
 *    >= need.  The search is two find-first-set operations: the lowest set
 *    bit of col_map[row] at or above the column, else the lowest row above
 *    in row_map and its lowest column.  No bit set: fail.
 * R3 The chosen block is always a list head: unlink it in O(1).  If what is
 *    left after need bytes is at least MIN_BLOCK, split: the tail becomes a
 *    free block (filed by R6); else the whole block is handed out and
 *    the successor's PREV bits are cleared.
 *        [ free: size             ]  ->  [ used: need ][ free: size-need ]
 * R4 free(p): the block loses USED.  If the successor is free, unlink and
 *    absorb it.  If our PREV_FREE is set, the footer below (or, with
 *    PREV_TINY, a fixed 3 W) names the predecessor: unlink it, it absorbs
 *    us.
 *        [ free a ][ freed b ][ free c ]  ->  [ free a+b+c              ]
 *    Then file the result (R6).  Two free blocks are never neighbours.
 * R5 Unlink any block in O(1): *pprev = next, next->pprev = pprev.  When
 *    the list became empty, pprev points into heads[], and its offset is
 *    the list index whose bits are cleared - no size mapping needed.
 * R6 File a free block at the head of list index(size) (LIFO), set the
 *    bits, write the footer (none in a tiny block), and tell the
 *    successor: PREV_FREE set, PREV_TINY iff the block is tiny.  One
 *    read-modify-write of one header.
 * R7 realloc(p, n): shrinking splits the tail off in place and frees it
 *    (R4, so it merges with a free successor).  Growing absorbs a free
 *    successor when the two together are large enough, then trims.
 *    Otherwise alloc + copy + free, and the old block is kept on failure.
 * R8 alloc_align(n, a): take a block of need + a - A + MIN_BLOCK bytes
 *    (R2-R3 without the split), move the data start to the first multiple
 *    of a at least MIN_BLOCK in, give the front back as a free block, then
 *    split the tail as R3.
 *
 * ------------------------------------------------------------- bounds
 *
 * Time.  No call contains a loop: R1-R8 are straight-line code with a
 * fixed number of bitmap scans (each one count-leading/trailing-zeros
 * instruction), list links and header writes, whatever the heap's size,
 * history or fragmentation.  Only realloc's copy (proportional to the
 * block) and add_region/check/walk (O(regions), O(blocks)) are not O(1).
 *
 * Waste.  (a) Per used block: one word of header, plus the rounding of n
 * to A, plus a tail shorter than MIN_BLOCK that was not worth splitting:
 * at most W + A - 1 + MIN_BLOCK - A bytes, typically W + A/2.  (b) No
 * search rounding: a block is split to the exact need, so the class
 * granularity (1/8 of a power of two, 12.5%) costs no bytes, only the
 * choice of a somewhat larger block when the good-fit probe misses.
 * 8 classes per power of two rather than TLSF's usual 32: measured
 * (docs/tlsf.md), coarser classes fit as well or better here - the probe
 * of the exact class hits more often when a class is wider, and the exact
 * split wastes nothing - and they shrink the list heads fourfold: 3 to 8
 * points of utilisation on 16..64 KiB heaps.
 * (c) Fragmentation: immediate coalescing (R4) means free space is never
 * split into neighbouring pieces; LIFO lists and good fit reuse recently
 * freed, similar-sized holes first.  (d) Control block: heads grow with
 * log2 of the first region, 8 W + 4 bytes per doubling (984 bytes for a
 * 64 KiB heap natively, 560 on ILP32: 1.5% and 0.9%).
 * Limitation: the good-fit probe looks only at the head of the exact
 * list, so a request may fail while a larger-enough block sits deeper in
 * that list (TLSF's usual trade; never when that block is alone there,
 * so a block of exactly the heap's size is always found).
 *
 * ------------------------------------------------------------- invariants
 *
 * rt_tlsf_check returns the number of the first that fails:
 * I1  control: the object is a static Memory object of algorithm "tlsf";
 *     rows, lists, max_block, max_request and col_map agree; row_map has
 *     no bit at or above rows.
 * I2  regions: each descriptor's first block and epilogue are well placed
 *     (data multiples of A, at least one MIN_BLOCK apart, inside memory
 *     after the descriptor); regions do not overlap; each epilogue is a
 *     size-0 USED header.
 * I3  sizes: every block size is a multiple of A and >= MIN_BLOCK, and
 *     stepping by sizes from a region's first block lands exactly on its
 *     epilogue.
 * I4  PREV_FREE of every block and epilogue equals "the block below is
 *     free", and PREV_TINY "... and three words long"; both are clear on
 *     each region's first block.  (A free block's own PREV bits are
 *     therefore clear: I5.)
 * I5  no two physically adjacent blocks are both free.
 * I6  the footer of every free block but a tiny one points at its header.
 * I7  lists: every block on list i lies in a region, is free, has
 *     index(size) == i, and its pprev points at the link that reached it.
 * I8  bitmaps: bit i of col_map is set iff list i is non-empty; bit r of
 *     row_map iff col_map[r] != 0; the spare col_map[rows] is 0.
 * I9  every free block is on a list: lists and regions count the same.
 * I10 statistics: used + (bytes of free blocks) == total; max >= used.
 */
#include <rtthread.h>
#include <rttlsf.h>
#include "heap.h"

#define TLSF_W          ((rt_size_t)sizeof(rt_size_t))
#define TLSF_A          ((rt_size_t)RT_ALIGN_SIZE)
#define TLSF_A_SHIFT    ((rt_size_t)__builtin_ctz(RT_ALIGN_SIZE))
#define TLSF_SL_SHIFT   3u
#define TLSF_SL_COUNT   (1u << TLSF_SL_SHIFT)
#define TLSF_SMALL      ((rt_size_t)TLSF_SL_COUNT << TLSF_A_SHIFT)
/* A free block needs head, next and pprev, plus a footer - except a
 * block of exactly three words ("tiny"), whose successor says so with
 * PREV_TINY instead.  That takes a third flag bit, so tiny blocks exist
 * only when A >= 8 and three words are a multiple of A (the native
 * 64-bit flavour: 24-byte minimum instead of 32). */
#if RT_ALIGN_SIZE >= 8 && (3 * __SIZEOF_LONG__) % RT_ALIGN_SIZE == 0   /* rt_size_t is unsigned long */
#define TLSF_PREV_TINY  ((rt_size_t)4)
#define TLSF_TINY       (3 * TLSF_W)
#define TLSF_MIN_BLOCK  TLSF_TINY
#else
#define TLSF_PREV_TINY  ((rt_size_t)0)
#define TLSF_TINY       ((rt_size_t)0)
#define TLSF_MIN_BLOCK  RT_ALIGN(4 * TLSF_W, TLSF_A)
#endif
#define TLSF_WORD_BITS  (sizeof(rt_size_t) * CHAR_BIT)

#define TLSF_USED       ((rt_size_t)1)
#define TLSF_PREV_FREE  ((rt_size_t)2)
#define TLSF_PREV_BITS  (TLSF_PREV_FREE | TLSF_PREV_TINY)
#define TLSF_FLAGS      (TLSF_USED | TLSF_PREV_BITS)

_Static_assert((RT_ALIGN_SIZE & (RT_ALIGN_SIZE - 1)) == 0, "RT_ALIGN_SIZE: power of two");
_Static_assert(RT_ALIGN_SIZE >= sizeof(rt_size_t), "tlsf needs RT_ALIGN_SIZE >= word");
_Static_assert(RT_ALIGN_SIZE >= 4, "tlsf keeps two flag bits in the size");

#ifdef RT_TLSF_COUNT_STEPS
rt_uint32_t rt_tlsf_steps;
#define TLSF_STEP() (rt_tlsf_steps++)
#else
#define TLSF_STEP() ((void)0)
#endif

struct tlsf_block
{
    rt_size_t head;                 /* size | PREV_TINY | PREV_FREE | USED */
    struct tlsf_block *next;        /* free blocks only */
    struct tlsf_block **pprev;      /* free blocks only */
};

struct tlsf_region
{
    struct tlsf_region *next;       /* in order of addition; RT_NULL ends */
    rt_uint8_t *first;              /* header of the first block */
    rt_uint8_t *end;                /* header of the epilogue */
};

struct tlsf_heap
{
    struct rt_memory parent;        /* first: rt_tlsf_t points here */
    rt_size_t max_request;          /* largest n alloc can ever satisfy */
    rt_size_t max_block;            /* largest block size the lists can file */
    rt_ubase_t row_map;             /* bit r: some list of row r non-empty */
    rt_uint32_t *col_map;           /* [rows + 1]; the spare stays 0 */
    rt_size_t lists;                /* rows * 8 */
    rt_size_t heads_bytes;          /* lists * sizeof(pointer) */
    rt_size_t rows;
    struct tlsf_region region0;     /* the region holding this block */
    struct tlsf_block *heads[];     /* [lists], then col_map */
};

static const char tlsf_algorithm_name[] = "tlsf";

/* ------------------------------------------------------------ helpers */

rt_inline struct tlsf_heap *tlsf_heap(rt_tlsf_t m)
{
    return (struct tlsf_heap *)m;
}

rt_inline struct tlsf_block *tlsf_at(void *base, rt_size_t offset)
{
    return (struct tlsf_block *)((rt_uint8_t *)base + offset);
}

rt_inline rt_size_t tlsf_size(const struct tlsf_block *b)
{
    return b->head & ~TLSF_FLAGS;
}

rt_inline struct tlsf_block **tlsf_footer(struct tlsf_block *b, rt_size_t size)
{
    return (struct tlsf_block **)((rt_uint8_t *)b + size - TLSF_W);
}

/* The list a block of `size` bytes is filed in (see the essay), written
 * as (size >> (msb - 3)) + (msb << 3) - const so that it compiles to
 * eight x86-64 instructions (bsr, lea, shr, shl, lea ...). */
rt_inline rt_size_t tlsf_index(rt_size_t size)
{
    rt_size_t msb = (rt_size_t)(__builtin_clzl(size | TLSF_SMALL) ^ (int)(TLSF_WORD_BITS - 1));

    return (size >> (msb - TLSF_SL_SHIFT)) + (msb << TLSF_SL_SHIFT)
           - ((TLSF_SL_SHIFT + TLSF_A_SHIFT) << TLSF_SL_SHIFT);
}

/* Bytes of block needed for n data bytes (n <= max_request). */
rt_inline rt_size_t tlsf_need(rt_size_t n)
{
    rt_size_t need = (n + TLSF_W + TLSF_A - 1) & ~(TLSF_A - 1);
    return need < TLSF_MIN_BLOCK ? TLSF_MIN_BLOCK : need;
}

/* Largest block size the lists of `rows` rows can file. */
static rt_size_t tlsf_row_limit(rt_size_t rows)
{
    if (rows <= 1)
        return TLSF_SMALL - TLSF_A;
    return ((rt_size_t)1 << (rows - 1 + TLSF_SL_SHIFT + TLSF_A_SHIFT)) - TLSF_A;
}

/* ------------------------------------------------------- list keeping */

/* R6: file free block b of `size` bytes at the head of its list. */
rt_inline void tlsf_file(struct tlsf_heap *h, struct tlsf_block *b, rt_size_t size)
{
    rt_size_t idx = tlsf_index(size);
    struct tlsf_block **slot = &h->heads[idx];
    struct tlsf_block *n = *slot;
    struct tlsf_block *succ = tlsf_at(b, size);

    TLSF_STEP();
    b->head = size;
    b->pprev = slot;
    if (TLSF_PREV_TINY == 0 || size != TLSF_TINY)
        *tlsf_footer(b, size) = b;
    succ->head = (succ->head & ~TLSF_PREV_TINY) | TLSF_PREV_FREE
                 | (size == TLSF_TINY ? TLSF_PREV_TINY : 0);
    /* (next is stored in each branch: two adjacent stores invite the
     * compiler to pair them through a vector register - 2 extra
     * instructions on x86-64) */
    if (n != RT_NULL)
    {
        b->next = n;
        n->pprev = &b->next;
    }
    else
    {
        b->next = RT_NULL;
        h->col_map[idx >> TLSF_SL_SHIFT] |= 1u << (idx & (TLSF_SL_COUNT - 1));
        h->row_map |= (rt_ubase_t)1 << (idx >> TLSF_SL_SHIFT);
    }
    *slot = b;
}

/* Clear the bits of list idx, which just became empty. */
rt_inline void tlsf_list_emptied(struct tlsf_heap *h, rt_size_t idx)
{
    rt_size_t row = idx >> TLSF_SL_SHIFT;
    rt_uint32_t cols = h->col_map[row] & ~(1u << (idx & (TLSF_SL_COUNT - 1)));

    h->col_map[row] = cols;
    if (cols == 0)
        h->row_map &= ~((rt_ubase_t)1 << row);
}

/* R5: unlink free block b from whatever list holds it. */
rt_inline void tlsf_unlink(struct tlsf_heap *h, struct tlsf_block *b)
{
    struct tlsf_block *n = b->next;
    struct tlsf_block **pp = b->pprev;
    rt_ubase_t off;

    TLSF_STEP();
    *pp = n;
    if (n != RT_NULL)
    {
        n->pprev = pp;
        return;
    }
    off = (rt_ubase_t)pp - (rt_ubase_t)h->heads;
    if (off < h->heads_bytes)
        tlsf_list_emptied(h, off / sizeof(struct tlsf_block *));
}

/* R2 + R3's unlink: take a free block of at least `need` bytes off its
 * list, or return RT_NULL. */
rt_inline struct tlsf_block *tlsf_take(struct tlsf_heap *h, rt_size_t need)
{
    rt_size_t idx = tlsf_index(need);
    struct tlsf_block *b = h->heads[idx];
    struct tlsf_block *n;

    TLSF_STEP();
    if (b == RT_NULL || b->head < need)
    {
        /* The first non-empty list above idx: two find-first-sets. */
        rt_size_t row;
        rt_uint32_t cols;

        idx++;
        row = idx >> TLSF_SL_SHIFT;
        cols = h->col_map[row] & ((rt_uint32_t)~0u << (idx & (TLSF_SL_COUNT - 1)));
        TLSF_STEP();
        if (cols == 0)
        {
            rt_ubase_t rows = h->row_map & (~(rt_ubase_t)1 << row);

            TLSF_STEP();
            if (rows == 0)
                return RT_NULL;
            row = (rt_size_t)__builtin_ctzl(rows);
            cols = h->col_map[row];
        }
        idx = (row << TLSF_SL_SHIFT) + (rt_size_t)__builtin_ctz(cols);
        b = h->heads[idx];
    }
    n = b->next;
    h->heads[idx] = n;
    if (n != RT_NULL)
        n->pprev = &h->heads[idx];
    else
        tlsf_list_emptied(h, idx);
    return b;
}

/* R3: hand out `need` bytes of block b (off the lists, `size` bytes,
 * its PREV bits in `flags`): split off a free tail if it is big enough. */
rt_inline void *tlsf_carve(struct tlsf_heap *h, struct tlsf_block *b, rt_size_t size,
                           rt_size_t need, rt_size_t flags)
{
    rt_size_t rest = size - need;

    if (rest >= TLSF_MIN_BLOCK)
    {
        TLSF_STEP();
        tlsf_file(h, tlsf_at(b, need), rest);
        size = need;
    }
    else
        tlsf_at(b, size)->head &= ~TLSF_PREV_BITS;
    b->head = size | flags | TLSF_USED;
    h->parent.used += size;
    if (h->parent.used > h->parent.max)
        h->parent.max = h->parent.used;
    return (rt_uint8_t *)b + TLSF_W;
}

/* R4: return used block b to the free lists, merging with free
 * neighbours.  Statistics: the caller has not yet subtracted it. */
rt_inline void tlsf_release(struct tlsf_heap *h, struct tlsf_block *b)
{
    rt_size_t head = b->head;
    rt_size_t size = head & ~TLSF_FLAGS;
    struct tlsf_block *next = tlsf_at(b, size);
    rt_size_t next_head = next->head;

    h->parent.used -= size;
    if ((next_head & TLSF_USED) == 0)
    {
        TLSF_STEP();
        tlsf_unlink(h, next);
        size += next_head;                      /* a free head is its size */
    }
    if (head & TLSF_PREV_FREE)
    {
        struct tlsf_block *prev = (head & TLSF_PREV_TINY)
                                  ? (struct tlsf_block *)((rt_uint8_t *)b - TLSF_TINY)
                                  : ((struct tlsf_block **)b)[-1];

        TLSF_STEP();
        tlsf_unlink(h, prev);
        size += prev->head;
        b = prev;
    }
    tlsf_file(h, b, size);
}

/* ------------------------------------------------------------ regions */

/* Lay out [first, end) as one free block plus an epilogue at `end`. */
static void tlsf_region_init(struct tlsf_heap *h, struct tlsf_region *r,
                             rt_uint8_t *first, rt_uint8_t *end)
{
    r->next = RT_NULL;
    r->first = first;
    r->end = end;
    ((struct tlsf_block *)end)->head = TLSF_USED;
    tlsf_file(h, (struct tlsf_block *)first, (rt_size_t)(end - first));
    h->parent.total += (rt_size_t)(end - first);
}

/* Header address of the first block whose data starts at or after p. */
rt_inline rt_ubase_t tlsf_first_header(rt_ubase_t p)
{
    return RT_ALIGN(p + TLSF_W, TLSF_A) - TLSF_W;
}

static rt_bool_t tlsf_overlaps(struct tlsf_heap *h, rt_ubase_t lo, rt_ubase_t hi)
{
    struct tlsf_region *r;

    for (r = &h->region0; r != RT_NULL; r = r->next)
    {
        rt_ubase_t rlo = (r == &h->region0) ? (rt_ubase_t)h : (rt_ubase_t)r;
        rt_ubase_t rhi = (rt_ubase_t)r->end + TLSF_W;

        if (lo < rhi && rlo < hi)
            return RT_TRUE;
    }
    return RT_FALSE;
}

static rt_err_t tlsf_add_region(rt_tlsf_t m, void *begin, rt_size_t size)
{
    struct tlsf_heap *h = tlsf_heap(m);
    rt_ubase_t lo = (rt_ubase_t)begin;
    rt_ubase_t hi = lo + size;
    struct tlsf_region *tail;
    rt_bool_t added = RT_FALSE;
    rt_ubase_t desc_room = sizeof(struct tlsf_region) + TLSF_MIN_BLOCK + 2 * TLSF_A;

    if (hi < lo || size < desc_room || tlsf_overlaps(h, lo, hi))
        return -RT_EINVAL;
    for (tail = &h->region0; tail->next != RT_NULL; tail = tail->next)
        ;
    lo = RT_ALIGN(lo, sizeof(void *));
    hi = RT_ALIGN_DOWN(hi, TLSF_A);
    /* Cut into sub-regions whose single block the lists can file. */
    while (hi > lo && hi - lo >= desc_room)
    {
        struct tlsf_region *r = (struct tlsf_region *)lo;
        rt_ubase_t first = tlsf_first_header(lo + sizeof(*r));
        rt_ubase_t end = hi - TLSF_W;

        if (end - first > h->max_block)
            end = first + h->max_block;
        tlsf_region_init(h, r, (rt_uint8_t *)first, (rt_uint8_t *)end);
        tail->next = r;
        tail = r;
        lo = end + TLSF_W;
        added = RT_TRUE;
    }
    return added ? RT_EOK : -RT_EINVAL;
}

rt_err_t rt_tlsf_add_region(rt_tlsf_t m, void *begin, rt_size_t size)
{
    RT_ASSERT(m != RT_NULL);

    void *meta = RT_HEAP_SHADOW_IN(m, RT_NULL, RT_HW_MEM_OP_OTHER);      /* rtsim: S9 */
    rt_err_t err = tlsf_add_region(m, begin, size);
    if (meta != RT_NULL && err == RT_EOK)
        rt_heap_shadow_add(m, &rt_heap_tlsf, RT_NULL, RT_NULL, RT_HW_MEM_ALGO_TLSF, begin, size);
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
    return err;
}

/* ---------------------------------------------------------------- API */

rt_tlsf_t rt_tlsf_init(const char *name, void *begin, rt_size_t size)
{
    rt_ubase_t lo = RT_ALIGN((rt_ubase_t)begin, sizeof(void *));
    rt_ubase_t hi = (rt_ubase_t)begin + size;
    rt_size_t rows, lists, control;
    rt_ubase_t first, end;
    struct tlsf_heap *h;

    if (hi < (rt_ubase_t)begin || size > ((rt_size_t)-1 >> 2) || hi < lo)
        return RT_NULL;
    hi = RT_ALIGN_DOWN(hi, TLSF_A);
    rows = (tlsf_index(size | TLSF_MIN_BLOCK) >> TLSF_SL_SHIFT) + 1;
    lists = rows << TLSF_SL_SHIFT;
    control = sizeof(struct tlsf_heap) + lists * sizeof(struct tlsf_block *)
              + (rows + 1) * sizeof(rt_uint32_t);
    first = tlsf_first_header(lo + control);
    end = hi - TLSF_W;
    if (hi < lo + control || end < first || end - first < TLSF_MIN_BLOCK)
        return RT_NULL;

    h = (struct tlsf_heap *)lo;
    rt_memset(h, 0, control);
    rt_object_init(&h->parent.parent, RT_Object_Class_Memory, name);
    h->parent.algorithm = tlsf_algorithm_name;
    h->parent.address = lo;
    h->rows = rows;
    h->lists = lists;
    h->heads_bytes = lists * sizeof(struct tlsf_block *);
    h->max_block = tlsf_row_limit(rows);
    h->max_request = h->max_block - TLSF_W;
    h->col_map = (rt_uint32_t *)&h->heads[lists];
    tlsf_region_init(h, &h->region0, (rt_uint8_t *)first, (rt_uint8_t *)end);
    /* rtsim: checked mode's shadow of a heap made directly (heap_shadow.c S9) */
    rt_heap_shadow_add(&h->parent, &rt_heap_tlsf, rt_heap_tlsf.walk, rt_heap_tlsf.walk_span,
                       RT_HW_MEM_ALGO_TLSF, begin, size);
    return &h->parent;
}

rt_err_t rt_tlsf_detach(rt_tlsf_t m)
{
    rt_heap_shadow_remove(m);           /* rtsim: heap_shadow.c S9, verified first */
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    rt_object_detach(&m->parent);
    return RT_EOK;
}

static void *tlsf_alloc(rt_tlsf_t m, rt_size_t size)
{
    struct tlsf_heap *h = tlsf_heap(m);
    struct tlsf_block *b;
    rt_size_t need;

    if (size - 1 >= h->max_request)             /* R1: 0, or too large */
        return RT_NULL;
    need = tlsf_need(size);
    b = tlsf_take(h, need);
    if (b == RT_NULL)
        return RT_NULL;
    return tlsf_carve(h, b, b->head, need, 0);
}

void *rt_tlsf_alloc(rt_tlsf_t m, rt_size_t size)
{
    void *meta = RT_HEAP_SHADOW_IN(m, RT_NULL, RT_HW_MEM_OP_ALLOC);      /* rtsim: S9 */
    void *ptr = tlsf_alloc(m, size);
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

void rt_tlsf_free(rt_tlsf_t m, void *ptr)
{
    struct tlsf_block *b;
    void *meta;

    if (ptr == RT_NULL)
        return;
    meta = RT_HEAP_SHADOW_IN(m, ptr, RT_HW_MEM_OP_FREE);                 /* rtsim: S9 */
    b = (struct tlsf_block *)((rt_uint8_t *)ptr - TLSF_W);
    if (__builtin_expect((b->head & TLSF_USED) == 0, 0))
    {
        /* Not a used block (freed twice, or not ours): report, and leave
         * the heap as it is if the assert handler returns. */
        RT_ASSERT(b->head & TLSF_USED);
    }
    else
    {
        tlsf_release(tlsf_heap(m), b);
    }
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* Cut used block b (size bytes, statistics counting all of it) down to
 * need bytes, releasing the tail if it can stand as a block. */
static void tlsf_trim(struct tlsf_heap *h, struct tlsf_block *b, rt_size_t size,
                      rt_size_t need)
{
    struct tlsf_block *tail;

    if (size - need < TLSF_MIN_BLOCK)
        return;
    tail = tlsf_at(b, need);
    tail->head = (size - need) | TLSF_USED;     /* b below it is used */
    b->head = need | (b->head & TLSF_FLAGS);
    tlsf_release(h, tail);
}

/* R7, past the asserts: b is the used block at ptr. */
static void *tlsf_resize(rt_tlsf_t m, struct tlsf_block *b, void *ptr, rt_size_t size)
{
    struct tlsf_heap *h = tlsf_heap(m);
    struct tlsf_block *next;
    rt_size_t need, have, next_head;
    void *moved;

    if (size - 1 >= h->max_request)
        return RT_NULL;
    need = tlsf_need(size);
    have = tlsf_size(b);
    if (need <= have)                           /* R7: shrink in place */
    {
        tlsf_trim(h, b, have, need);
        return ptr;
    }
    next = tlsf_at(b, have);
    next_head = next->head;
    if ((next_head & TLSF_USED) == 0 && have + next_head >= need)
    {                                           /* R7: grow into the successor */
        tlsf_unlink(h, next);
        have += next_head;
        tlsf_at(b, have)->head &= ~TLSF_PREV_BITS;
        b->head = have | (b->head & TLSF_FLAGS);
        h->parent.used += next_head;
        if (h->parent.used > h->parent.max)
            h->parent.max = h->parent.used;
        tlsf_trim(h, b, have, need);
        return ptr;
    }
    moved = rt_tlsf_alloc(m, size);
    if (moved == RT_NULL)
        return RT_NULL;
    rt_memcpy(moved, ptr, have - TLSF_W);
    rt_tlsf_free(m, ptr);
    return moved;
}

void *rt_tlsf_realloc(rt_tlsf_t m, void *ptr, rt_size_t size)
{
    struct tlsf_block *b;
    void *meta, *moved;

    if (ptr == RT_NULL)
        return rt_tlsf_alloc(m, size);
    if (size == 0)
    {
        rt_tlsf_free(m, ptr);
        return RT_NULL;
    }
    meta = RT_HEAP_SHADOW_IN(m, ptr, RT_HW_MEM_OP_REALLOC);              /* rtsim: S9 */
    b = (struct tlsf_block *)((rt_uint8_t *)ptr - TLSF_W);
    RT_ASSERT(b->head & TLSF_USED);
    moved = tlsf_resize(m, b, ptr, size);
    RT_HEAP_SHADOW_OUT(meta, moved);
    return moved;
}

static void *tlsf_alloc_align(rt_tlsf_t m, rt_size_t size, rt_size_t align)
{
    struct tlsf_heap *h = tlsf_heap(m);
    struct tlsf_block *b;
    rt_size_t need, slack, have, flags = 0;
    rt_ubase_t data, aligned;

    if (align <= TLSF_A)
        return rt_tlsf_alloc(m, size);
    if ((align & (align - 1)) != 0 || size - 1 >= h->max_request
        || align > h->max_block)
        return RT_NULL;
    need = tlsf_need(size);
    slack = align - TLSF_A + TLSF_MIN_BLOCK;
    if (slack >= h->max_block || need > h->max_block - slack)
        return RT_NULL;
    b = tlsf_take(h, need + slack);
    if (b == RT_NULL)
        return RT_NULL;
    have = b->head;
    data = (rt_ubase_t)b + TLSF_W;
    if ((data & (align - 1)) != 0)              /* R8: give the front back */
    {
        struct tlsf_block *front = b;
        rt_size_t lead;

        aligned = RT_ALIGN(data + TLSF_MIN_BLOCK, align);
        lead = aligned - data;
        b = tlsf_at(front, lead);
        have -= lead;
        tlsf_file(h, front, lead);              /* sets b's PREV bits */
        flags = b->head & TLSF_PREV_BITS;
    }
    return tlsf_carve(h, b, have, need, flags);
}

void *rt_tlsf_alloc_align(rt_tlsf_t m, rt_size_t size, rt_size_t align)
{
    void *meta = RT_HEAP_SHADOW_IN(m, RT_NULL, RT_HW_MEM_OP_OTHER);      /* rtsim: S9 */
    void *ptr = tlsf_alloc_align(m, size, align);
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

rt_size_t rt_tlsf_usable_size(void *ptr)
{
    const struct tlsf_block *b = (const struct tlsf_block *)((rt_uint8_t *)ptr - TLSF_W);

    return tlsf_size(b) - TLSF_W;
}

rt_size_t rt_tlsf_max_request(rt_tlsf_t m)
{
    return tlsf_heap(m)->max_request;
}

/* -------------------------------------------------------- walk, check */

/* The blocks of region r whose header starts in [p, to), p a header of
 * r, then its epilogue if that starts before `to` (also after a block
 * whose size runs past it); nonzero when fn asked to stop or a block is
 * corrupt (size 0: never loop). */
static int tlsf_walk_blocks(const struct tlsf_region *r, const rt_uint8_t *p, const rt_uint8_t *to,
                            rt_mem_walk_fn fn, void *ctx, struct rt_mem_block *blk)
{
    for (; p < r->end && p < to; p += tlsf_size((const struct tlsf_block *)p))
    {
        const struct tlsf_block *b = (const struct tlsf_block *)p;

        if (tlsf_size(b) == 0)
            return 1;
        blk->start = b;
        blk->header_size = TLSF_W;
        blk->size = tlsf_size(b) - TLSF_W;
        blk->used = (b->head & TLSF_USED) != 0;
        blk->kind = RT_MEM_BLOCK_DATA;
        if (fn(blk, ctx))
            return 1;
    }
    if (r->end >= to)
        return 0;
    blk->start = r->end;
    blk->header_size = TLSF_W;
    blk->size = 0;
    blk->used = RT_TRUE;
    blk->kind = RT_MEM_BLOCK_SENTINEL;
    return fn(blk, ctx);
}

void rt_tlsf_walk(rt_tlsf_t m, rt_mem_walk_fn fn, void *ctx)
{
    struct tlsf_heap *h = tlsf_heap(m);
    struct tlsf_region *r;

    if (m == RT_NULL || fn == RT_NULL)
        return;
    for (r = &h->region0; r != RT_NULL; r = r->next)
    {
        struct rt_mem_block blk;
        const void *desc = (r == &h->region0) ? (const void *)h : (const void *)r;

        blk.start = desc;
        blk.header_size = 0;
        blk.size = (rt_size_t)(r->first - (const rt_uint8_t *)desc);
        blk.used = RT_TRUE;
        blk.kind = RT_MEM_BLOCK_CONTROL;
        blk.heap = m;
        if (fn(&blk, ctx) || tlsf_walk_blocks(r, r->first, r->end + 1, fn, ctx, &blk))
            return;
    }
}

/* Checked mode's partial walk (heap.h walk_span; rtsim, issue 12): the
 * control block, then every region descriptor, block header and epilogue
 * that starts in [from, to) - a span may run from the end of one region
 * into another that lies next to it.  `from` must be a block header or
 * epilogue of some region: what could be one is checked (alignment, size,
 * the region's bounds); anything else walks nothing and says so, and the
 * caller records the whole heap. */
static rt_bool_t tlsf_walk_span(rt_tlsf_t m, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx)
{
    struct tlsf_heap *h = tlsf_heap(m);
    const rt_uint8_t *f = (const rt_uint8_t *)from, *t = (const rt_uint8_t *)to;
    struct tlsf_region *r;
    struct rt_mem_block blk;
    rt_uint8_t *p;

    if (m == RT_NULL || fn == RT_NULL || t <= f || ((rt_ubase_t)f + TLSF_W) % TLSF_A != 0)
        return RT_FALSE;
    for (r = &h->region0; r != RT_NULL; r = r->next)
        if (f >= r->first && f <= r->end)
            break;
    if (r == RT_NULL)
        return RT_FALSE;
    p = (rt_uint8_t *)(rt_ubase_t)f;
    if (p != r->end && (tlsf_size((struct tlsf_block *)p) < TLSF_MIN_BLOCK ||
                        tlsf_size((struct tlsf_block *)p) > (rt_size_t)(r->end - p)))
        return RT_FALSE;

    blk.heap = m;
    for (r = &h->region0; r != RT_NULL; r = r->next)
    {
        const rt_uint8_t *desc = (r == &h->region0) ? (const rt_uint8_t *)h : (const rt_uint8_t *)r;

        if (r == &h->region0 || (desc >= f && desc < t))
        {
            blk.start = desc;
            blk.header_size = 0;
            blk.size = (rt_size_t)(r->first - desc);
            blk.used = RT_TRUE;
            blk.kind = RT_MEM_BLOCK_CONTROL;
            if (fn(&blk, ctx))
                return RT_TRUE;
        }
        if (f >= r->first && f <= r->end)
            p = (rt_uint8_t *)(rt_ubase_t)f;        /* the region of `from` */
        else if (r->first > f && r->first < t)
            p = r->first;                           /* a region next to it */
        else
            continue;
        if (tlsf_walk_blocks(r, p, t, fn, ctx, &blk))
            return RT_TRUE;
    }
    return RT_TRUE;
}

/* Totals a physical walk gathers for the list and statistics checks. */
struct tlsf_census
{
    rt_size_t free_blocks;
    rt_size_t free_bytes;
    rt_size_t block_bytes;
};

static rt_bool_t tlsf_in_region(const struct tlsf_heap *h, rt_ubase_t p)
{
    const struct tlsf_region *r;

    for (r = &h->region0; r != RT_NULL; r = r->next)
        if (p >= (rt_ubase_t)r->first && p < (rt_ubase_t)r->end)
            return RT_TRUE;
    return RT_FALSE;
}

static int tlsf_check_control(const struct tlsf_heap *h)
{
    if (!rt_heap_memory_is_static(&h->parent)
        || h->parent.algorithm != tlsf_algorithm_name)
        return 1;
    if (h->rows < 1 || h->rows > TLSF_WORD_BITS - 1 - TLSF_SL_SHIFT - TLSF_A_SHIFT
        || h->lists != h->rows << TLSF_SL_SHIFT
        || h->heads_bytes != h->lists * sizeof(struct tlsf_block *)
        || h->max_block != tlsf_row_limit(h->rows)
        || h->max_request != h->max_block - TLSF_W
        || h->col_map != (const rt_uint32_t *)&h->heads[h->lists]
        || (h->row_map >> h->rows) != 0)
        return 1;
    return 0;
}

static int tlsf_check_regions(const struct tlsf_heap *h)
{
    const struct tlsf_region *r, *s;
    rt_size_t count = 0;

    for (r = &h->region0; r != RT_NULL; r = r->next)
    {
        rt_ubase_t lo = (r == &h->region0) ? (rt_ubase_t)h : (rt_ubase_t)r;
        rt_ubase_t first = (rt_ubase_t)r->first, end = (rt_ubase_t)r->end;

        if (++count > ((rt_size_t)1 << 24))
            return 2;                           /* a cycle */
        if (first <= lo || end <= first || end - first < TLSF_MIN_BLOCK
            || ((first + TLSF_W) & (TLSF_A - 1)) != 0
            || ((end + TLSF_W) & (TLSF_A - 1)) != 0)
            return 2;
        if ((((const struct tlsf_block *)end)->head & ~TLSF_PREV_BITS) != TLSF_USED)
            return 2;
        for (s = &h->region0; s != r; s = s->next)
        {
            rt_ubase_t slo = (s == &h->region0) ? (rt_ubase_t)h : (rt_ubase_t)s;

            if (lo < (rt_ubase_t)s->end + TLSF_W && slo < end + TLSF_W)
                return 2;
        }
    }
    return 0;
}

/* The lower of two broken-invariant numbers (0 = none). */
rt_inline int tlsf_first_broken(int a, int b)
{
    return (a == 0 || (b != 0 && b < a)) ? b : a;
}

/* I3..I6 over one region; returns the lowest broken number, 0 if none. */
static int tlsf_check_blocks(const struct tlsf_region *r, struct tlsf_census *c)
{
    const rt_uint8_t *p = r->first;
    rt_size_t prev_bits = 0;                    /* what PREV bits should say */
    int broken = 0;

    while (p < r->end)
    {
        const struct tlsf_block *b = (const struct tlsf_block *)p;
        rt_size_t size = tlsf_size(b);
        rt_bool_t is_free = (b->head & TLSF_USED) == 0;

        if ((size & (TLSF_A - 1)) != 0 || size < TLSF_MIN_BLOCK
            || size > (rt_size_t)(r->end - p))
            return 3;
        if ((b->head & TLSF_PREV_BITS) != prev_bits)
            broken = tlsf_first_broken(broken, 4);
        if (is_free)
        {
            if (prev_bits != 0)
                broken = tlsf_first_broken(broken, 5);
            if ((TLSF_PREV_TINY == 0 || size != TLSF_TINY)
                && *(struct tlsf_block *const *)(p + size - TLSF_W) != b)
                broken = tlsf_first_broken(broken, 6);
            c->free_blocks++;
            c->free_bytes += size;
        }
        c->block_bytes += size;
        prev_bits = !is_free ? 0
                    : TLSF_PREV_FREE | (size == TLSF_TINY ? TLSF_PREV_TINY : 0);
        p += size;
    }
    if (p != r->end)
        return 3;
    if ((((const struct tlsf_block *)p)->head & TLSF_PREV_BITS) != prev_bits)
        broken = tlsf_first_broken(broken, 4);
    return broken;
}

/* I7, I8 and I9 over the lists. */
static int tlsf_check_lists(const struct tlsf_heap *h, const struct tlsf_census *c)
{
    rt_size_t idx, listed = 0;

    for (idx = 0; idx < h->lists; idx++)
    {
        struct tlsf_block *const *link = &h->heads[idx];
        const struct tlsf_block *b;

        for (b = *link; b != RT_NULL; link = &b->next, b = *link)
        {
            if (!tlsf_in_region(h, (rt_ubase_t)b)
                || (b->head & TLSF_FLAGS) != 0
                || tlsf_index(b->head) != idx
                || b->pprev != link)
                return 7;
            if (++listed > c->free_blocks)
                return 9;                       /* listed twice, or a cycle */
        }
    }
    for (idx = 0; idx < h->rows; idx++)
    {
        rt_uint32_t cols = 0;
        rt_size_t col;

        for (col = 0; col < TLSF_SL_COUNT; col++)
            if (h->heads[(idx << TLSF_SL_SHIFT) + col] != RT_NULL)
                cols |= 1u << col;
        if (h->col_map[idx] != cols
            || ((h->row_map >> idx) & 1u) != (cols != 0))
            return 8;
    }
    if (h->col_map[h->rows] != 0)
        return 8;
    return listed == c->free_blocks ? 0 : 9;
}

int rt_tlsf_check(rt_tlsf_t m)
{
    const struct tlsf_heap *h = tlsf_heap(m);
    const struct tlsf_region *r;
    struct tlsf_census c = {0, 0, 0};
    int broken = 0, rc;

    if (m == RT_NULL || tlsf_check_control(h) != 0)
        return 1;
    if (tlsf_check_regions(h) != 0)
        return 2;
    for (r = &h->region0; r != RT_NULL; r = r->next)
    {
        rc = tlsf_check_blocks(r, &c);
        if (rc == 3)
            return 3;
        broken = tlsf_first_broken(broken, rc);
    }
    if (broken != 0)
        return broken;
    rc = tlsf_check_lists(h, &c);
    if (rc != 0)
        return rc;
    if (h->parent.used + c.free_bytes != h->parent.total
        || c.block_bytes != h->parent.total
        || h->parent.max < h->parent.used)
        return 10;
    return 0;
}

/* ------------------------------------------------- system-heap adapter */

static void *tlsf_sys_init(const char *name, void *begin, rt_size_t size)
{
    return rt_tlsf_init(name, begin, size);
}

static rt_err_t tlsf_sys_add_region(void *heap, const char *name, void *begin, rt_size_t size)
{
    (void)name;
    return rt_tlsf_add_region((rt_tlsf_t)heap, begin, size);
}

static void tlsf_sys_detach(void *heap)
{
    rt_tlsf_detach((rt_tlsf_t)heap);
}

RT_HEAP_FORWARD(tlsf)

static void tlsf_sys_free(void *heap, void *ptr)
{
    rt_tlsf_free((rt_tlsf_t)heap, ptr);
}

static rt_bool_t tlsf_sys_walk_span(void *heap, const void *from, const void *to,
                                    rt_mem_walk_fn fn, void *ctx)
{
    return tlsf_walk_span((rt_tlsf_t)heap, from, to, fn, ctx);
}

/* For the checker (heap.h): the block's capacity.  Handing it out wrote
 * its header word and, after a split, the next header and a free block's
 * links; *lo / *hi are RT_NULL when our header / the next one is damaged. */
static rt_size_t tlsf_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    struct tlsf_heap *h = tlsf_heap((rt_tlsf_t)heap);
    struct tlsf_block *b = (struct tlsf_block *)(void *)((rt_uint8_t *)ptr - TLSF_W);
    rt_size_t size = tlsf_size(b);
    struct tlsf_block *next = tlsf_at(b, size);

    *lo = b;
    *hi = (rt_uint8_t *)next + 3 * TLSF_W;
    /* A damaged size must not send us anywhere: check it before `next`. */
    if ((b->head & TLSF_USED) == 0 || size < TLSF_MIN_BLOCK || (size & (TLSF_A - 1)) != 0 ||
        size > h->max_block || !tlsf_in_region(h, (rt_ubase_t)next - 1))
    {
        *lo = RT_NULL;
        return size > TLSF_W ? size - TLSF_W : 0;
    }
    if ((next->head & TLSF_PREV_FREE) != 0 || (tlsf_size(next) & (TLSF_A - 1)) != 0 ||
        (tlsf_size(next) != 0 && tlsf_size(next) < TLSF_MIN_BLOCK) ||
        (tlsf_size(next) == 0 && (next->head & TLSF_USED) == 0))
        *hi = RT_NULL;
    return size - TLSF_W;
}

const struct rt_heap_algorithm rt_heap_tlsf =
{
    "tlsf",
    tlsf_sys_init,
    tlsf_sys_add_region,
    tlsf_sys_detach,
    tlsf_sys_alloc,
    tlsf_sys_realloc,
    tlsf_sys_free,
    rt_heap_memory_info,
    tlsf_sys_check,
    tlsf_sys_walk,
    tlsf_sys_usable,
    2, 1,       /* a free block keeps next and pprev first, its footer last */
    tlsf_sys_walk_span,
    0, 0,       /* its links follow the header (free_head_words) */
    RT_NULL,    /* meta_walk: walk */
    RT_NULL,    /* meta_window: S4 */
};
