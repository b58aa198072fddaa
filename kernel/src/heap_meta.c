/*
 * heap_meta.c - the metadata shadow of heaps a program makes directly
 * (rtsim addition; rthw.h "metadata shadow", docs/mistakes.md).
 *
 * The system heap is shadowed by kheap.c (K11) around every rt_malloc /
 * rt_free.  A heap made with rt_smem_init, rt_smem_classic_init,
 * rt_slab_init, rt_memheap_init or rt_tlsf_init is used through its own
 * API, so each of those public functions brackets its work with
 * RT_MEM_META_IN / RT_MEM_META_OUT (heap.h): on the way in, every word of
 * the heap's recorded metadata is compared with the RAM (a difference is
 * reported and stops the run before the algorithm reads it); on the way
 * out, the heap is walked and its metadata recorded again.
 *
 * Rules
 * -----
 * D1  A heap is shadowed from its init to its detach, in checked mode
 *     only (rt_hw_meta_enabled); the system heap never is here (the
 *     algorithms' system-heap seams call the unwrapped bodies: K11
 *     shadows it).
 * D2  IN and OUT pair; they nest (realloc calls alloc and free): only the
 *     outermost IN verifies and the outermost OUT records.  The depth is
 *     per heap, so a thread switched in between (a memheap's semaphore)
 *     can only skip a verification, never see half-recorded metadata.
 * D3  A call that names no heap (rt_smem_free, rt_memheap_free) finds it
 *     by address range, never by reading the block's header first.
 * D4  What is recorded is what K11 records for the system heap: control
 *     blocks less the object's list node, zone headers, block headers and
 *     sentinels, and each free block's link words (the algorithm's
 *     free_head_words / free_tail_words).
 * D5  A heap made over memory a shadowed heap covers replaces it (that
 *     one was never detached, its memory is reused).
 * D6  At most RT_MEM_META_DIRECT heaps are shadowed at once; more are
 *     still usable, unshadowed (the table is static: kernel/ has no
 *     malloc).
 */
#include "heap.h"

#define RT_MEM_META_DIRECT 16

struct heap_meta_direct
{
    void *heap;
    const struct rt_heap_algorithm *algo;   /* its free_head / free_tail words */
    void (*walk)(void *heap, rt_mem_walk_fn fn, void *ctx);    /* this heap only */
    const rt_uint8_t *lo, *hi;      /* every region the heap covers */
    int code;                       /* RT_HW_MEM_DIRECT(code, op) */
    int depth;                      /* D2 */
};

static struct heap_meta_direct heap_meta_direct[RT_MEM_META_DIRECT];
static int heap_meta_count;
static const struct rt_hw_mem_site heap_meta_no_site = { RT_NULL, 0 };

static struct heap_meta_direct *heap_meta_find(const void *heap)
{
    for (int i = 0; i < RT_MEM_META_DIRECT && heap_meta_count != 0; i++)
        if (heap_meta_direct[i].heap == heap && heap != RT_NULL)
            return &heap_meta_direct[i];
    return RT_NULL;
}

/* D3 */
static struct heap_meta_direct *heap_meta_holding(const void *ptr)
{
    const rt_uint8_t *p = (const rt_uint8_t *)ptr;
    for (int i = 0; i < RT_MEM_META_DIRECT && heap_meta_count != 0; i++)
        if (heap_meta_direct[i].heap != RT_NULL && p >= heap_meta_direct[i].lo &&
            p < heap_meta_direct[i].hi)
            return &heap_meta_direct[i];
    return RT_NULL;
}

struct heap_meta_walk
{
    const struct heap_meta_direct *d;
};

/* D4: one block of the walk, as kheap_meta_block does for the system heap. */
static int heap_meta_block(const struct rt_mem_block *b, void *ctx)
{
    const struct heap_meta_direct *d = ((struct heap_meta_walk *)ctx)->d;
    const void *owner = d->heap;
    const rt_uint8_t *p = (const rt_uint8_t *)b->start;
    rt_size_t head = d->algo->free_head_words * sizeof(void *);
    rt_size_t tail = d->algo->free_tail_words * sizeof(void *);
    rt_size_t n;

    switch (b->kind)
    {
    case RT_MEM_BLOCK_CONTROL:
        n = b->header_size != 0 ? b->header_size : b->size;
        if (b->start == d->heap && n >= sizeof(struct rt_object))
        {
            /* the object's list node is checked by object.c's walks */
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
    default:
        rt_hw_meta_note(owner, p, b->header_size, RT_HW_META_HEADER, p + b->header_size);
        if (!b->used && b->kind == RT_MEM_BLOCK_DATA)
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

static void heap_meta_record(const struct heap_meta_direct *d)
{
    struct heap_meta_walk w;

    w.d = d;
    rt_hw_meta_forget(d->heap);
    rt_hw_mem_enter();
    d->walk(d->heap, heap_meta_block, &w);
    rt_hw_mem_leave();
}

void rt_mem_meta_add(void *heap, const struct rt_heap_algorithm *algo,
                     void (*walk)(void *heap, rt_mem_walk_fn fn, void *ctx), int code,
                     void *begin, rt_size_t size)
{
    struct heap_meta_direct *d;

    if (!rt_hw_meta_enabled || heap == RT_NULL)
        return;
    d = heap_meta_find(heap);
    if (d == RT_NULL)
    {
        /* a heap made over the memory of one never detached: that one is gone */
        for (int i = 0; i < RT_MEM_META_DIRECT; i++)
            if (heap_meta_direct[i].heap != RT_NULL &&
                heap_meta_direct[i].lo < (const rt_uint8_t *)begin + size &&
                (const rt_uint8_t *)begin < heap_meta_direct[i].hi)
                rt_mem_meta_remove(heap_meta_direct[i].heap);
        for (int i = 0; i < RT_MEM_META_DIRECT && d == RT_NULL; i++)
            if (heap_meta_direct[i].heap == RT_NULL)
                d = &heap_meta_direct[i];
        if (d == RT_NULL)
            return;                                 /* D6 */
        d->heap = heap;
        d->algo = algo;
        d->walk = walk != RT_NULL ? walk : algo->walk;
        d->code = code;
        d->depth = 0;
        d->lo = (const rt_uint8_t *)begin;
        d->hi = (const rt_uint8_t *)begin + size;
        heap_meta_count++;
    }
    else
    {
        /* another region (rt_tlsf_add_region): verified by the caller's IN */
        if ((const rt_uint8_t *)begin < d->lo)
            d->lo = (const rt_uint8_t *)begin;
        if ((const rt_uint8_t *)begin + size > d->hi)
            d->hi = (const rt_uint8_t *)begin + size;
    }
    if (d->depth == 0)
        heap_meta_record(d);
}

void rt_mem_meta_grow(void *heap, void *begin, rt_size_t size)
{
    struct heap_meta_direct *d = heap_meta_find(heap);

    if (d != RT_NULL)
        rt_mem_meta_add(heap, d->algo, d->walk, d->code, begin, size);
}

void rt_mem_meta_remove(void *heap)
{
    struct heap_meta_direct *d = heap_meta_find(heap);

    if (d == RT_NULL)
        return;
    rt_hw_meta_forget(heap);
    d->heap = RT_NULL;
    heap_meta_count--;
}

void *rt_mem_meta_in(void *heap, const void *ptr, int op)
{
    struct heap_meta_direct *d = heap != RT_NULL ? heap_meta_find(heap) : heap_meta_holding(ptr);

    if (d == RT_NULL)
        return RT_NULL;
    if (d->depth++ == 0)
        rt_hw_meta_verify(d->heap, RT_NULL, 0, RT_HW_MEM_DIRECT(d->code, op), ptr,
                          heap_meta_no_site);
    return d;
}

void rt_mem_meta_out(void *token)
{
    struct heap_meta_direct *d = (struct heap_meta_direct *)token;

    if (--d->depth == 0 && d->heap != RT_NULL)
        heap_meta_record(d);
}

void rt_mem_meta_reset(void)
{
    for (int i = 0; i < RT_MEM_META_DIRECT; i++)
        heap_meta_direct[i].heap = RT_NULL;
    heap_meta_count = 0;
}
