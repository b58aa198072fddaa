/*
 * memheap.c - RT-Thread's memheap: one heap per memory range, and the
 * "memheap" system heap that glues several non-contiguous RAM regions into
 * one (RT-Thread 4.1.x, RT_USING_MEMHEAP_AS_HEAP + AUTO_BINDING).
 *
 * ------------------------------------------------------------------ layout
 *
 * A memheap manages [start, start + pool_size).  Every block starts with a
 * header (struct rt_memheap_item, HDR bytes: 24 on a 32-bit target, 48 on a
 * 64-bit one).  The last HDR bytes hold the *tail*, a header that is always
 * "used", so that no block ever merges past the end:
 *
 *   start                                                start+pool_size
 *   |HDR| data ........ |HDR| data ...... |HDR| data ...|HDR(tail)|
 *    blk0 (used)          blk1 (free)       blk2 (used)    used
 *
 *   physical list:  blk0 <-> blk1 <-> blk2 <-> tail <-> blk0  (circular,
 *                   by address; the tail's next is the first block)
 *   free list:      free_header <-> blk1 <-> ... (circular, through the
 *                   heap's embedded free_header, newest first)
 *
 * A block's data size is (next - block - HDR).  magic is 0x1EA01EA0, with
 * bit 0 set while the block is used.  pool_ptr names the owning heap, so
 * rt_memheap_free needs no heap argument.
 *
 * --------------------------------------------------------------- algorithm
 *
 * R1  Requests are rounded up to RT_ALIGN_SIZE and raised to MINIALLOC
 *     (12 bytes, rounded to RT_ALIGN_SIZE so headers stay aligned on 64-bit).
 *     Size 0 returns RT_NULL (RT-Thread PR #5366).
 * R2  A request is tried only if it is smaller than available_size.  The
 *     free list is searched first fit, in list order (newest free first).
 * R3  Split: if the chosen block's data >= size + HDR + MINIALLOC, a new free
 *     header is written at block + HDR + size and pushed at the *head* of
 *     the free list; available -= size + HDR.  Otherwise the whole block is
 *     handed out; available -= its data size.
 * R4  Free: the block and its successor must carry the magic (overwrite
 *     check); otherwise the error is printed and asserted, nothing written.
 *     The block is marked free, available += its data size; if the physical
 *     predecessor is free it absorbs the block (available += HDR, no list
 *     insertion); if the physical successor is free, it is absorbed and
 *     unlinked from the free list (available += HDR); a block that did not
 *     merge left is pushed at the head of the free list.
 * R5  Realloc grow: if the physical successor is free and old + next data >
 *     new + MINIALLOC, the block grows in place and the remainder becomes a
 *     free block (pushed at the head).  Otherwise alloc + copy + free.
 * R6  Realloc shrink: if new + HDR + MINIALLOC >= old, nothing changes.
 *     Otherwise the tail part becomes a free block, merged with a free
 *     successor, pushed at the head.
 * R7  max_used_size is the peak of pool_size - available_size (headers and
 *     the tail count as used).
 * R8  Every public operation but init/detach holds the heap's semaphore
 *     `lock` (unless `locked` says the caller already has it).
 *
 * System heap "memheap": the first range becomes the memheap "heap"; each
 * extra RAM region (add_region) becomes one more memheap named after the
 * region.  An allocation the first heap cannot serve is tried on every other
 * memheap object, newest first (RT-Thread's AUTO_BINDING walks the MemHeap
 * object list, so a user's own memheaps take part too); free and realloc
 * find the owner in the block header.  Realloc that cannot be served by the
 * owner falls back to alloc anywhere + copy + free.
 *
 * ------------------------------------------------ complexity, fragmentation
 *
 * Alloc is O(free blocks), free is O(1), realloc O(1) in place or alloc+free.
 * First fit over a LIFO free list gives no placement guarantee: freshly
 * freed small blocks are tried first, which is fast for repeated same-size
 * traffic but lets large requests fail while the sum of free space would
 * serve them.  Each block costs HDR bytes (24/48), plus HDR for the tail.
 *
 * -------------------------------------------------------------- invariants
 *
 * I1  The heap object is a static MemHeap object; start and pool_size are
 *     RT_ALIGN_SIZE-aligned; block_list == start; free_list == &free_header.
 * I2  Every header on the physical list lies inside the pool, is aligned,
 *     carries the magic (used bit aside) and pool_ptr == the heap.
 * I3  The physical list is circular and doubly linked: addresses ascend
 *     from start to the tail at start + pool_size - HDR, whose next is start;
 *     next->prev == block for every block; the tail is used.
 * I4  No two physically adjacent blocks are both free.
 * I5  The free list is circular and doubly linked through free_header and
 *     holds exactly the free blocks, each once; used blocks (and the tail)
 *     have NULL free-list links.
 * I6  available_size == the sum of the data sizes of the free blocks.
 * I7  pool_size - available_size <= max_used_size <= pool_size.
 *
 * rt_memheap_check returns the number of the first broken invariant.
 */
#include <rthw.h>
#include "heap.h"

/* The whole file: only with RT_USING_MEMHEAP (rtconfig.h), as on the target. */
#ifdef RT_USING_MEMHEAP

#define MEMHEAP_MAGIC       0x1EA01EA0u
#define MEMHEAP_MASK        0xFFFFFFFEu
#define MEMHEAP_USED        0x01u
#define MEMHEAP_FREED       0x00u

/* Header size: the item rounded up to RT_ALIGN_SIZE. */
#define MEMHEAP_HDR         RT_ALIGN(sizeof(struct rt_memheap_item), RT_ALIGN_SIZE)
/* Smallest data size of a block.  RT-Thread uses 12; rounding it up keeps
 * every header aligned when RT_ALIGN_SIZE is 8. */
#define MEMHEAP_MINIALLOC   RT_ALIGN(12, RT_ALIGN_SIZE)

#define ITEM_IS_USED(item)  (((item)->magic & MEMHEAP_USED) != 0)
#define ITEM_SIZE(item)     ((rt_size_t)((rt_uint8_t *)(item)->next - (rt_uint8_t *)(item)) - MEMHEAP_HDR)
#define ITEM_DATA(item)     ((void *)((rt_uint8_t *)(item) + MEMHEAP_HDR))
#define DATA_ITEM(ptr)      ((struct rt_memheap_item *)(void *)((rt_uint8_t *)(ptr) - MEMHEAP_HDR))

/* ------------------------------------------------------------ list helpers */

static void memheap_freelist_push(struct rt_memheap *heap, struct rt_memheap_item *item)
{
    /* free_header <-> X   becomes   free_header <-> item <-> X */
    item->next_free = heap->free_list->next_free;
    item->prev_free = heap->free_list;
    heap->free_list->next_free->prev_free = item;
    heap->free_list->next_free = item;
}

static void memheap_freelist_remove(struct rt_memheap_item *item)
{
    item->next_free->prev_free = item->prev_free;
    item->prev_free->next_free = item->next_free;
    item->next_free = RT_NULL;
    item->prev_free = RT_NULL;
}

/* Write a free header at `at`, physically after `before`. */
static struct rt_memheap_item *memheap_insert_after(struct rt_memheap *heap,
                                                   struct rt_memheap_item *before,
                                                   void *at)
{
    struct rt_memheap_item *item = (struct rt_memheap_item *)at;

    /* before <-> next   becomes   before <-> item <-> next */
    item->magic = MEMHEAP_MAGIC | MEMHEAP_FREED;
    item->pool_ptr = heap;
    item->prev = before;
    item->next = before->next;
    before->next->prev = item;
    before->next = item;
    item->next_free = RT_NULL;
    item->prev_free = RT_NULL;
    return item;
}

/* Unlink `item` from the physical list; its predecessor grows over it. */
static void memheap_unlink(struct rt_memheap_item *item)
{
    /* prev <-> item <-> next   becomes   prev <-> next */
    item->next->prev = item->prev;
    item->prev->next = item->next;
}

static void memheap_note_usage(struct rt_memheap *heap)
{
    if (heap->pool_size - heap->available_size > heap->max_used_size)
        heap->max_used_size = heap->pool_size - heap->available_size;
}

static rt_bool_t memheap_lock(struct rt_memheap *heap)
{
    if (heap->locked)
        return RT_TRUE;
    rt_err_t result = rt_sem_take(&heap->lock, RT_WAITING_FOREVER);
    if (result != RT_EOK)
    {
        rt_set_errno(result);
        return RT_FALSE;
    }
    return RT_TRUE;
}

static void memheap_unlock(struct rt_memheap *heap)
{
    if (!heap->locked)
        rt_sem_release(&heap->lock);
}

static rt_size_t memheap_round(rt_size_t size)
{
    /* A request near the top of the address space must stay huge (and
     * fail), not wrap around to a small size in RT_ALIGN. */
    if (size > RT_ALIGN_DOWN((rt_size_t)-1, RT_ALIGN_SIZE))
        return RT_ALIGN_DOWN((rt_size_t)-1, RT_ALIGN_SIZE);
    size = RT_ALIGN(size, RT_ALIGN_SIZE);
    return size < MEMHEAP_MINIALLOC ? MEMHEAP_MINIALLOC : size;
}

/* heap_shadow.c's walks of a heap made directly (below, with the others). */
static void memheap_walk_one(void *heap, rt_mem_walk_fn fn, void *ctx);
static rt_bool_t memheap_walk_span_one(void *heap, const void *from, const void *to,
                                       rt_mem_walk_fn fn, void *ctx);

/* ------------------------------------------------------------- init/detach */

rt_err_t rt_memheap_init(struct rt_memheap *memheap, const char *name,
                         void *start_addr, rt_size_t size)
{
    RT_ASSERT(memheap != RT_NULL);

    /* An unaligned start is aligned up and the size shortened (PR #5366). */
    rt_ubase_t begin = RT_ALIGN((rt_ubase_t)start_addr, RT_ALIGN_SIZE);
    rt_ubase_t shift = begin - (rt_ubase_t)start_addr;
    if (size < shift + 2 * MEMHEAP_HDR + MEMHEAP_MINIALLOC)
    {
        rt_kprintf("memheap init error: %d bytes is too small (needs %d)\n",
                   (int)size, (int)(shift + 2 * MEMHEAP_HDR + MEMHEAP_MINIALLOC));
        return -RT_ERROR;
    }

    rt_object_init(&memheap->parent, RT_Object_Class_MemHeap, name);

    memheap->start_addr = (void *)begin;
    memheap->pool_size = RT_ALIGN_DOWN(size - shift, RT_ALIGN_SIZE);
    memheap->available_size = memheap->pool_size - 2 * MEMHEAP_HDR;
    memheap->max_used_size = memheap->pool_size - memheap->available_size;

    /* The free list's sentinel, embedded in the heap object. */
    struct rt_memheap_item *header = &memheap->free_header;
    header->magic = MEMHEAP_MAGIC | MEMHEAP_FREED;
    header->pool_ptr = memheap;
    header->next = RT_NULL;
    header->prev = RT_NULL;
    header->next_free = header;
    header->prev_free = header;
    memheap->free_list = header;

    /* One free block over everything but the tail:  |HDR| free |HDR tail| */
    struct rt_memheap_item *first = (struct rt_memheap_item *)begin;
    struct rt_memheap_item *tail =
        (struct rt_memheap_item *)(begin + memheap->pool_size - MEMHEAP_HDR);
    first->magic = MEMHEAP_MAGIC | MEMHEAP_FREED;
    first->pool_ptr = memheap;
    first->next = tail;
    first->prev = tail;
    memheap->block_list = first;
    memheap_freelist_push(memheap, first);

    tail->magic = MEMHEAP_MAGIC | MEMHEAP_USED;
    tail->pool_ptr = memheap;
    tail->next = first;
    tail->prev = first;
    tail->next_free = RT_NULL;
    tail->prev_free = RT_NULL;

    rt_sem_init(&memheap->lock, name, 1, RT_IPC_FLAG_PRIO);
    memheap->locked = RT_FALSE;
    /* rtsim: checked mode's shadow of a heap made directly (heap_shadow.c S9) */
    rt_heap_shadow_add(memheap, &rt_heap_memheap, memheap_walk_one, memheap_walk_span_one,
                       RT_HW_MEM_ALGO_MEMHEAP, start_addr, size);
    return RT_EOK;
}

rt_err_t rt_memheap_detach(struct rt_memheap *heap)
{
    rt_heap_shadow_remove(heap);           /* rtsim: heap_shadow.c S9, verified first */
    RT_ASSERT(heap != RT_NULL);
    RT_ASSERT(rt_object_get_type(&heap->parent) == RT_Object_Class_MemHeap);
    RT_ASSERT(rt_object_is_systemobject(&heap->parent));

    rt_sem_detach(&heap->lock);
    rt_object_detach(&heap->parent);
    return RT_EOK;
}

/* ------------------------------------------------------------------ alloc */

/* First fit over the free list (R2).  Lock held. */
static struct rt_memheap_item *memheap_find_fit(struct rt_memheap *heap, rt_size_t size)
{
    for (struct rt_memheap_item *item = heap->free_list->next_free;
         item != heap->free_list; item = item->next_free)
    {
        if (ITEM_SIZE(item) >= size)
            return item;
    }
    return RT_NULL;
}

/* Hand out `item` for `size` bytes, splitting off the rest (R3).  Lock held. */
static void memheap_take(struct rt_memheap *heap, struct rt_memheap_item *item, rt_size_t size)
{
    rt_size_t free_size = ITEM_SIZE(item);

    memheap_freelist_remove(item);
    if (free_size >= size + MEMHEAP_HDR + MEMHEAP_MINIALLOC)
    {
        /* |HDR| free ........ |   becomes   |HDR| size |HDR| rest | */
        struct rt_memheap_item *rest =
            memheap_insert_after(heap, item, (rt_uint8_t *)ITEM_DATA(item) + size);
        memheap_freelist_push(heap, rest);
        heap->available_size -= size + MEMHEAP_HDR;
    }
    else
    {
        heap->available_size -= free_size;
    }
    memheap_note_usage(heap);
    item->magic = MEMHEAP_MAGIC | MEMHEAP_USED;
}

static void *memheap_alloc(struct rt_memheap *heap, rt_size_t size)
{
    if (size == 0)
        return RT_NULL;
    if (rt_hw_mem_fail(&heap->parent, size))     /* rtsim fault injection */
        return RT_NULL;
    size = memheap_round(size);
    if (size >= heap->available_size)
        return RT_NULL;

    if (!memheap_lock(heap))
        return RT_NULL;
    struct rt_memheap_item *item = memheap_find_fit(heap, size);
    if (item != RT_NULL)
        memheap_take(heap, item, size);
    memheap_unlock(heap);

    return item != RT_NULL ? ITEM_DATA(item) : RT_NULL;
}

void *rt_memheap_alloc(struct rt_memheap *heap, rt_size_t size)
{
    RT_ASSERT(heap != RT_NULL);
    RT_ASSERT(rt_object_get_type(&heap->parent) == RT_Object_Class_MemHeap);

    void *meta = RT_HEAP_SHADOW_IN(heap, RT_NULL, RT_HW_MEM_OP_ALLOC);   /* rtsim: S9 */
    void *ptr = memheap_alloc(heap, size);
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

/* ------------------------------------------------------------------- free */

/* The overwrite check of R4.  Reports and asserts; returns RT_FALSE when
 * the block must not be touched (the assert handler returned). */
static rt_bool_t memheap_block_ok(const struct rt_memheap_item *item, const void *ptr)
{
    if (item->magic != (MEMHEAP_MAGIC | MEMHEAP_USED))
    {
        rt_kprintf("memheap free 0x%08lx: bad magic 0x%08x (expected 0x%08x): "
                   "not a used memheap block, freed twice, or overwritten\n",
                   (unsigned long)rt_mem_target_addr(ptr), (unsigned)item->magic, (unsigned)(MEMHEAP_MAGIC | MEMHEAP_USED));
        RT_ASSERT(item->magic == (MEMHEAP_MAGIC | MEMHEAP_USED));
        return RT_FALSE;
    }
    if ((item->next->magic & MEMHEAP_MASK) != MEMHEAP_MAGIC)
    {
        rt_kprintf("memheap free 0x%08lx: the header after this %d-byte block has magic 0x%08x: "
                   "the block was written past its end\n",
                   (unsigned long)rt_mem_target_addr(ptr), (int)ITEM_SIZE(item), (unsigned)item->next->magic);
        RT_ASSERT((item->next->magic & MEMHEAP_MASK) == MEMHEAP_MAGIC);
        return RT_FALSE;
    }
    return RT_TRUE;
}

/* Free `item` and merge it with free neighbours (R4).  Lock held. */
static void memheap_release(struct rt_memheap *heap, struct rt_memheap_item *item)
{
    rt_bool_t push = RT_TRUE;

    item->magic = MEMHEAP_MAGIC | MEMHEAP_FREED;
    heap->available_size += ITEM_SIZE(item);

    if (!ITEM_IS_USED(item->prev))
    {
        /* |prev free|item| becomes |prev free ........| (already listed) */
        heap->available_size += MEMHEAP_HDR;
        memheap_unlink(item);
        item = item->prev;
        push = RT_FALSE;
    }
    if (!ITEM_IS_USED(item->next))
    {
        /* |item|next free| becomes |item ..........| */
        struct rt_memheap_item *next = item->next;
        heap->available_size += MEMHEAP_HDR;
        memheap_freelist_remove(next);
        memheap_unlink(next);
    }
    if (push)
        memheap_freelist_push(heap, item);
}

static void memheap_free(void *ptr)
{
    struct rt_memheap_item *item = DATA_ITEM(ptr);
    if (!memheap_block_ok(item, ptr))
        return;

    struct rt_memheap *heap = item->pool_ptr;
    RT_ASSERT(heap != RT_NULL);
    RT_ASSERT(rt_object_get_type(&heap->parent) == RT_Object_Class_MemHeap);

    if (!memheap_lock(heap))
        return;
    memheap_release(heap, item);
    memheap_unlock(heap);
}

void rt_memheap_free(void *ptr)
{
    if (ptr == RT_NULL)
        return;

    void *meta = RT_HEAP_SHADOW_IN(RT_NULL, ptr, RT_HW_MEM_OP_FREE);     /* rtsim: S9 */
    memheap_free(ptr);
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* ---------------------------------------------------------------- realloc */

/* Grow in place into a free successor (R5).  Lock held. */
static rt_bool_t memheap_grow(struct rt_memheap *heap, struct rt_memheap_item *item,
                              rt_size_t oldsize, rt_size_t newsize)
{
    struct rt_memheap_item *next = item->next;

    RT_ASSERT(next > item);     /* never the tail */
    if (ITEM_IS_USED(next))
        return RT_FALSE;
    /* room <= newsize + MINIALLOC, written so that a huge newsize cannot
     * wrap around (room is bounded by the pool). */
    rt_size_t room = ITEM_SIZE(next) + oldsize;
    if (room <= newsize || room - newsize <= MEMHEAP_MINIALLOC)
        return RT_FALSE;

    /* |item old|HDR next free .....|   becomes   |item new .....|HDR rest| */
    heap->available_size -= newsize - oldsize;
    memheap_note_usage(heap);
    memheap_freelist_remove(next);
    memheap_unlink(next);
    struct rt_memheap_item *rest =
        memheap_insert_after(heap, item, (rt_uint8_t *)ITEM_DATA(item) + newsize);
    memheap_freelist_push(heap, rest);
    return RT_TRUE;
}

/* Give the end of a used block back (R6).  Lock held. */
static void memheap_shrink(struct rt_memheap *heap, struct rt_memheap_item *item,
                           rt_size_t newsize)
{
    /* |item old .........|   becomes   |item new|HDR rest| */
    struct rt_memheap_item *rest =
        memheap_insert_after(heap, item, (rt_uint8_t *)ITEM_DATA(item) + newsize);

    if (!ITEM_IS_USED(rest->next))
    {
        struct rt_memheap_item *next = rest->next;
        heap->available_size -= ITEM_SIZE(next);
        memheap_freelist_remove(next);
        memheap_unlink(next);
    }
    memheap_freelist_push(heap, rest);
    heap->available_size += ITEM_SIZE(rest);
}

static void *memheap_realloc(struct rt_memheap *heap, void *ptr, rt_size_t newsize)
{
    if (newsize == 0)
    {
        rt_memheap_free(ptr);
        return RT_NULL;
    }
    if (ptr == RT_NULL)
        return rt_memheap_alloc(heap, newsize);

    newsize = memheap_round(newsize);
    struct rt_memheap_item *item = DATA_ITEM(ptr);
    rt_size_t oldsize = ITEM_SIZE(item);

    if (newsize > oldsize)
    {
        if (!memheap_lock(heap))
            return RT_NULL;
        rt_bool_t grown = memheap_grow(heap, item, oldsize, newsize);
        memheap_unlock(heap);
        if (grown)
            return ptr;

        void *moved = rt_memheap_alloc(heap, newsize);
        if (moved != RT_NULL)
        {
            rt_memcpy(moved, ptr, oldsize);
            rt_memheap_free(ptr);
        }
        return moved;
    }

    /* Too little would be left for a block of its own: keep it all. */
    if (newsize + MEMHEAP_HDR + MEMHEAP_MINIALLOC >= oldsize)
        return ptr;

    if (!memheap_lock(heap))
        return RT_NULL;
    memheap_shrink(heap, item, newsize);
    memheap_unlock(heap);
    return ptr;
}

void *rt_memheap_realloc(struct rt_memheap *heap, void *ptr, rt_size_t newsize)
{
    RT_ASSERT(heap != RT_NULL);
    RT_ASSERT(rt_object_get_type(&heap->parent) == RT_Object_Class_MemHeap);

    void *meta = RT_HEAP_SHADOW_IN(heap, ptr, RT_HW_MEM_OP_REALLOC);     /* rtsim: S9 */
    void *moved = memheap_realloc(heap, ptr, newsize);
    RT_HEAP_SHADOW_OUT(meta, moved);
    return moved;
}

void rt_memheap_info(struct rt_memheap *heap, rt_size_t *total,
                     rt_size_t *used, rt_size_t *max_used)
{
    RT_ASSERT(heap != RT_NULL);

    if (!memheap_lock(heap))
        return;
    if (total != RT_NULL)
        *total = heap->pool_size;
    if (used != RT_NULL)
        *used = heap->pool_size - heap->available_size;
    if (max_used != RT_NULL)
        *max_used = heap->max_used_size;
    memheap_unlock(heap);
}

/* ------------------------------------------------------------ walk, check */

/* Report every block from `item` whose header starts below `to`, then
 * the tail if it does; returns nonzero if fn stopped it.  Stops by itself
 * at a header outside the pool (a corrupted heap). */
static int memheap_walk_from(struct rt_memheap *heap, struct rt_memheap_item *item,
                             const rt_uint8_t *to, rt_mem_walk_fn fn, void *ctx)
{
    rt_uint8_t *lo = (rt_uint8_t *)heap->start_addr;
    rt_uint8_t *tail = lo + heap->pool_size - MEMHEAP_HDR;

    while ((rt_uint8_t *)item >= lo && (rt_uint8_t *)item < tail &&
           ((rt_ubase_t)item & (RT_ALIGN_SIZE - 1)) == 0 && (rt_uint8_t *)item < to)
    {
        struct rt_mem_block b;
        b.start = item;
        b.header_size = MEMHEAP_HDR;
        b.used = ITEM_IS_USED(item) ? RT_TRUE : RT_FALSE;
        b.kind = RT_MEM_BLOCK_DATA;
        b.heap = heap;
        rt_bool_t broken = (rt_uint8_t *)item->next <= (rt_uint8_t *)item
                           || (rt_uint8_t *)item->next > tail
                           || ((rt_ubase_t)item->next & (RT_ALIGN_SIZE - 1)) != 0;
        b.size = broken ? 0 : ITEM_SIZE(item);  /* the checker names the fault */
        if (fn(&b, ctx))
            return 1;
        if (broken)
            return 0;
        item = item->next;
    }
    if ((rt_uint8_t *)item == tail && tail < to)
    {
        struct rt_mem_block b = { tail, MEMHEAP_HDR, 0, RT_TRUE, RT_MEM_BLOCK_SENTINEL, heap };
        return fn(&b, ctx);
    }
    return 0;
}

/* Report every block, tail included. */
static int memheap_walk_blocks(struct rt_memheap *heap, rt_mem_walk_fn fn, void *ctx)
{
    rt_uint8_t *tail = (rt_uint8_t *)heap->start_addr + heap->pool_size - MEMHEAP_HDR;

    return memheap_walk_from(heap, heap->block_list, tail + 1, fn, ctx);
}

void rt_memheap_walk(struct rt_memheap *heap, rt_mem_walk_fn fn, void *ctx)
{
    if (heap != RT_NULL && fn != RT_NULL)
        (void)memheap_walk_blocks(heap, fn, ctx);
}

/* Is `p` a plausible header position inside [lo, tail]? */
static rt_bool_t memheap_in_pool(const void *p, const rt_uint8_t *lo, const rt_uint8_t *tail)
{
    const rt_uint8_t *b = (const rt_uint8_t *)p;
    return b >= lo && b <= tail && ((rt_ubase_t)b % RT_ALIGN_SIZE) == 0;
}

/* I2..I4 and the counts that I5 and I6 need.  Returns 0 or the invariant. */
static int memheap_check_physical(struct rt_memheap *heap, rt_size_t *free_blocks,
                                  rt_size_t *free_bytes)
{
    const rt_uint8_t *lo = (const rt_uint8_t *)heap->start_addr;
    const rt_uint8_t *tail = lo + heap->pool_size - MEMHEAP_HDR;
    struct rt_memheap_item *item = heap->block_list;
    struct rt_memheap_item *prev = (struct rt_memheap_item *)(rt_ubase_t)tail;
    rt_bool_t prev_free = RT_FALSE;

    *free_blocks = 0;
    *free_bytes = 0;
    for (;;)
    {
        if (!memheap_in_pool(item, lo, tail))
            return 2;
        if ((item->magic & MEMHEAP_MASK) != MEMHEAP_MAGIC || item->pool_ptr != heap)
            return 2;
        if (item->prev != prev)
            return 3;
        if ((const rt_uint8_t *)item == tail)
            break;
        if ((const rt_uint8_t *)item->next <= (const rt_uint8_t *)item)
            return 3;
        if ((const rt_uint8_t *)item->next < (const rt_uint8_t *)item + MEMHEAP_HDR)
            return 3;
        rt_bool_t is_free = !ITEM_IS_USED(item);
        if (is_free && prev_free)
            return 4;
        if (is_free)
        {
            (*free_blocks)++;
            *free_bytes += ITEM_SIZE(item);
        }
        else if (item->next_free != RT_NULL || item->prev_free != RT_NULL)
        {
            return 5;
        }
        prev_free = is_free;
        prev = item;
        item = item->next;
    }
    /* item is the tail */
    if (!ITEM_IS_USED(item) || item->next != heap->block_list)
        return 3;
    if (item->next_free != RT_NULL || item->prev_free != RT_NULL)
        return 5;
    return 0;
}

static int memheap_check_freelist(struct rt_memheap *heap, rt_size_t free_blocks)
{
    const rt_uint8_t *lo = (const rt_uint8_t *)heap->start_addr;
    const rt_uint8_t *tail = lo + heap->pool_size - MEMHEAP_HDR;
    struct rt_memheap_item *head = heap->free_list;
    struct rt_memheap_item *item = head->next_free;
    struct rt_memheap_item *prev = head;
    rt_size_t count = 0;

    while (item != head)
    {
        if (count == free_blocks || !memheap_in_pool(item, lo, tail))
            return 5;
        if (item->prev_free != prev || ITEM_IS_USED(item) || item->pool_ptr != heap)
            return 5;
        /* a listed block must be on the physical list */
        if (!memheap_in_pool(item->next, lo, tail) || item->next->prev != item)
            return 5;
        count++;
        prev = item;
        item = item->next_free;
    }
    if (head->prev_free != prev || count != free_blocks)
        return 5;
    return 0;
}

int rt_memheap_check(struct rt_memheap *heap)
{
    rt_size_t free_blocks, free_bytes;

    if (heap == RT_NULL)
        return 1;
    if (heap->parent.type != (RT_Object_Class_MemHeap | RT_Object_Class_Static))
        return 1;
    if ((rt_ubase_t)heap->start_addr % RT_ALIGN_SIZE != 0 || heap->pool_size % RT_ALIGN_SIZE != 0)
        return 1;
    if (heap->pool_size < 2 * MEMHEAP_HDR)
        return 1;
    if (heap->block_list != heap->start_addr || heap->free_list != &heap->free_header)
        return 1;

    int broken = memheap_check_physical(heap, &free_blocks, &free_bytes);
    if (broken == 0)
        broken = memheap_check_freelist(heap, free_blocks);
    if (broken != 0)
        return broken;
    if (heap->available_size != free_bytes)
        return 6;
    if (heap->max_used_size < heap->pool_size - heap->available_size
        || heap->max_used_size > heap->pool_size)
        return 7;
    return 0;
}

/* ============================================ "memheap" as the system heap */

/* The heap's own memheaps: [0] is the system heap proper ("heap"), the
 * others are the extra RAM regions.  Kernel globals as in RT-Thread (which
 * keeps the system memheap in a static); reset by detach. */
#define MEMHEAP_SYS_REGIONS_MAX 8

static struct rt_memheap memheap_sys[MEMHEAP_SYS_REGIONS_MAX];
static int memheap_sys_count;

static void *memheap_sys_init(const char *name, void *begin, rt_size_t size)
{
    if (memheap_sys_count != 0)
        return RT_NULL;     /* one system heap at a time */
    if (rt_memheap_init(&memheap_sys[0], name, begin, size) != RT_EOK)
        return RT_NULL;
    memheap_sys_count = 1;
    return &memheap_sys[0];
}

static rt_err_t memheap_sys_add_region(void *heap, const char *name, void *begin, rt_size_t size)
{
    RT_ASSERT(heap == &memheap_sys[0]);
    if (memheap_sys_count >= MEMHEAP_SYS_REGIONS_MAX)
        return -RT_EFULL;
    if (rt_memheap_init(&memheap_sys[memheap_sys_count], name, begin, size) != RT_EOK)
        return -RT_ERROR;
    memheap_sys_count++;
    return RT_EOK;
}

static void memheap_sys_detach(void *heap)
{
    RT_ASSERT(heap == &memheap_sys[0]);
    for (int i = memheap_sys_count - 1; i >= 0; i--)
        rt_memheap_detach(&memheap_sys[i]);
    memheap_sys_count = 0;
}

/* Try the system memheap, then every other memheap object, newest first. */
static void *memheap_sys_alloc(void *heap, rt_size_t size)
{
    struct rt_memheap *first = (struct rt_memheap *)heap;
    void *ptr = rt_memheap_alloc(first, size);
    if (ptr != RT_NULL || size == 0)
        return ptr;

    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemHeap);
    RT_ASSERT(info != RT_NULL);
    for (rt_list_t *node = info->object_list.next; node != &info->object_list; node = node->next)
    {
        struct rt_memheap *other = (struct rt_memheap *)(void *)
            ((char *)node - offsetof(struct rt_memheap, parent.list));
        if (other == first)
            continue;
        ptr = rt_memheap_alloc(other, size);
        if (ptr != RT_NULL)
            break;
    }
    return ptr;
}

static void memheap_sys_free(void *heap, void *ptr)
{
    rt_memheap_free(ptr);
}

static void *memheap_sys_realloc(void *heap, void *ptr, rt_size_t newsize)
{
    if (ptr == RT_NULL)
        return memheap_sys_alloc(heap, newsize);
    if (newsize == 0)
    {
        rt_memheap_free(ptr);
        return RT_NULL;
    }

    struct rt_memheap_item *item = DATA_ITEM(ptr);
    void *moved = rt_memheap_realloc(item->pool_ptr, ptr, newsize);
    if (moved != RT_NULL)
        return moved;

    /* The owner cannot serve it: any heap, copy, free. */
    moved = memheap_sys_alloc(heap, newsize);
    if (moved != RT_NULL)
    {
        rt_size_t oldsize = ITEM_SIZE(item);
        rt_memcpy(moved, ptr, oldsize < newsize ? oldsize : newsize);
        rt_memheap_free(ptr);
    }
    return moved;
}

/* rt_memory_info reports the system memheap only, as RT-Thread does. */
static void memheap_sys_info(void *heap, rt_size_t *total, rt_size_t *used, rt_size_t *max_used)
{
    rt_memheap_info((struct rt_memheap *)heap, total, used, max_used);
}

static int memheap_sys_check(void *heap)
{
    for (int i = 0; i < memheap_sys_count; i++)
    {
        int broken = rt_memheap_check(&memheap_sys[i]);
        if (broken != 0)
            return broken;
    }
    return 0;
}

/* Every region in turn, in the order they were given (board order). */
static void memheap_sys_walk(void *heap, rt_mem_walk_fn fn, void *ctx)
{
    for (int i = 0; i < memheap_sys_count; i++)
    {
        if (memheap_walk_blocks(&memheap_sys[i], fn, ctx))
            return;
    }
}

/* Checked mode's partial walk (heap.h walk_span; rtsim, issue 12): every
 * header and tail that starts in [from, to) - `from` a header or the tail
 * of one of the regions, the span possibly running on into a region right
 * after it.  What could be a header is checked (in a region, aligned, its
 * magic, a successor above it); anything else walks nothing and says so.
 * No control block: the memheap objects live in host memory. */
static rt_bool_t memheap_walk_span_in(struct rt_memheap *heaps, int count, const void *from,
                                      const void *to, rt_mem_walk_fn fn, void *ctx)
{
    const rt_uint8_t *f = (const rt_uint8_t *)from, *t = (const rt_uint8_t *)to;
    int i, at = -1;

    if (fn == RT_NULL || t <= f || ((rt_ubase_t)f & (RT_ALIGN_SIZE - 1)) != 0)
        return RT_FALSE;
    for (i = 0; i < count && at < 0; i++)
    {
        const rt_uint8_t *lo = (const rt_uint8_t *)heaps[i].start_addr;
        const rt_uint8_t *tail = lo + heaps[i].pool_size - MEMHEAP_HDR;

        if (f >= lo && f <= tail)
            at = i;
    }
    if (at < 0)
        return RT_FALSE;
    {
        const struct rt_memheap_item *item = (const struct rt_memheap_item *)f;
        const rt_uint8_t *tail = (const rt_uint8_t *)heaps[at].start_addr +
                                 heaps[at].pool_size - MEMHEAP_HDR;

        if (f != tail && ((item->magic & MEMHEAP_MASK) != MEMHEAP_MAGIC ||
                          (const rt_uint8_t *)item->next <= f ||
                          (const rt_uint8_t *)item->next > tail))
            return RT_FALSE;
    }
    for (i = 0; i < count; i++)
    {
        struct rt_memheap *h = &heaps[i];
        struct rt_memheap_item *start;

        if (i == at)
            start = (struct rt_memheap_item *)(rt_ubase_t)f;
        else if ((const rt_uint8_t *)h->block_list > f && (const rt_uint8_t *)h->block_list < t)
            start = h->block_list;
        else
            continue;
        if (memheap_walk_from(h, start, t, fn, ctx))
            return RT_TRUE;
    }
    return RT_TRUE;
}

static rt_bool_t memheap_sys_walk_span(void *heap, const void *from, const void *to,
                                       rt_mem_walk_fn fn, void *ctx)
{
    (void)heap;
    return memheap_walk_span_in(memheap_sys, memheap_sys_count, from, to, fn, ctx);
}

/* A heap made directly (heap_shadow.c S9): the same, over that one heap. */
static void memheap_walk_one(void *heap, rt_mem_walk_fn fn, void *ctx)
{
    (void)memheap_walk_blocks((struct rt_memheap *)heap, fn, ctx);
}

static rt_bool_t memheap_walk_span_one(void *heap, const void *from, const void *to,
                                       rt_mem_walk_fn fn, void *ctx)
{
    return memheap_walk_span_in((struct rt_memheap *)heap, 1, from, to, fn, ctx);
}

/* The block's capacity; a split wrote a whole header right after it.  *lo
 * is RT_NULL when the header disagrees with its neighbours (overwritten). */
static rt_size_t memheap_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    struct rt_memheap_item *item = DATA_ITEM(ptr);
    rt_size_t cap = ITEM_SIZE(item);
    struct rt_memheap *owner = item->pool_ptr;
    rt_uint8_t *start, *end;

    *lo = item;
    *hi = (rt_uint8_t *)ptr + cap + MEMHEAP_HDR;
    if (item->magic != (MEMHEAP_MAGIC | MEMHEAP_USED) || owner == RT_NULL)
    {
        *lo = RT_NULL;
        return cap;
    }
    start = (rt_uint8_t *)owner->start_addr;
    end = start + owner->pool_size;
    if ((rt_uint8_t *)item < start || (rt_uint8_t *)item >= end ||
        (rt_uint8_t *)item->next <= (rt_uint8_t *)item || (rt_uint8_t *)item->next >= end ||
        (rt_uint8_t *)item->prev < start || (rt_uint8_t *)item->prev >= end ||
        item->prev->next != item ||
        item->next_free != RT_NULL || item->prev_free != RT_NULL)
        *lo = RT_NULL;
    else if ((item->next->magic & MEMHEAP_MASK) != MEMHEAP_MAGIC || item->next->prev != item)
        *hi = RT_NULL;      /* the next header was written over */
    return cap;
}

const struct rt_heap_algorithm rt_heap_memheap =
{
    .name = "memheap",
    .init = memheap_sys_init,
    .add_region = memheap_sys_add_region,
    .detach = memheap_sys_detach,
    .alloc = memheap_sys_alloc,
    .realloc = memheap_sys_realloc,
    .free = memheap_sys_free,
    .info = memheap_sys_info,
    .check = memheap_sys_check,
    .walk = memheap_sys_walk,
    .usable = memheap_sys_usable,
    .walk_span = memheap_sys_walk_span,
    /* next_free, prev_free: the header's words 4 and 5 (magic is padded
     * to a pointer's width on a 64-bit host) */
    .header_link_word = (rt_uint8_t)(offsetof(struct rt_memheap_item, next_free) / sizeof(void *)),
    .header_link_words = 2,
};
#endif /* RT_USING_MEMHEAP */
