/*
 * mem_classic.c - the small-memory heap with its pre-4.1.0 header
 * ("smallmem-classic"), kept so the two layouts the RT-Thread manual draws
 * can be compared side by side.
 *
 * RT-Thread up to 4.0.x kept one global heap in static variables (heap_ptr,
 * heap_end, lfree, mem_size_aligned).  Here the same state is a
 * `struct rt_smem_classic` object so that a classic heap and a 4.1 heap can
 * live in one program.  As the system heap ("smallmem-classic") the control
 * block is a static variable, exactly like the old globals, so the whole
 * range is heap and `total` is what an old board printed.  Made with
 * rt_smem_classic_init the control block sits at the aligned start of the
 * range (like 4.1's), since a caller's memory is all there is.
 *
 * Block header (12 bytes on a 32-bit target, 24 on a 64-bit one):
 *
 *   32-bit:  +--------+--------+-------------+-------------+
 *            | magic  | used   | next offset | prev offset |
 *            | 0x1EA0 | 0 / 1  |             |             |
 *            +--------+--------+-------------+-------------+
 *              16 bit   16 bit    32 bit        32 bit
 *   64-bit:  magic(16) used(16) resv(32) next(64) prev(64)
 *
 * Compared with mem.c (4.1) the header has a magic number instead of an
 * owner pointer, so a block cannot name its heap: free needs the heap.
 * That codec and this one are the whole of RT-Thread 4.1.0's change to the
 * small-memory heap; the algorithm both run is smem_core.h (the picture,
 * the rules R1..R6 and the invariants I1..I8).
 *
 * Where the classic heap behaves differently:
 *   C1  (RT-Thread checks the size against total before the MIN_SIZE raise
 *       as well as after; the outcome is the same as R1's.)
 *   C2  The first-fit loop runs while offset < total - size (strict), so a
 *       fresh heap can NOT hand out all of total in one block: the largest
 *       request a block touching heap_end can serve is its capacity minus
 *       RT_ALIGN_SIZE (SMEM_STRICT_BOUND).
 *   C3  Every header written by alloc (the block and a split-off remainder)
 *       gets the magic.  Merged-away headers keep their bytes, and the
 *       sentinel's prev is never rewritten (I2 checks it).
 *   C4  free validates the block: outside the heap -> assert; not used or
 *       wrong magic -> "to free a bad data block:" report, then assert.
 *   C5  realloc of a pointer outside the heap returns it unchanged.
 *   C6  (system heap, kheap.c) the malloc hook fires only on success, with
 *       the aligned size; realloc's move path fires both hooks.
 *
 * I1 here: algorithm "small-classic" and heap_ptr aligned (the control
 * block may live outside the range).  I2: the sentinel has the magic, is
 * used, and links to itself both ways.  I3: every header has the magic
 * and a used flag of 0 or 1.
 */
#include <rtthread.h>
#include "heap.h"

/* The whole file: only with RT_USING_SMALL_MEM (rtconfig.h), as on the target. */
#ifdef RT_USING_SMALL_MEM

#define HEAP_MAGIC 0x1ea0

struct heap_mem
{
    rt_uint16_t magic;
    rt_uint16_t used;
#if UINTPTR_MAX > 0xFFFFFFFFu
    rt_uint32_t resv;
#endif
    rt_size_t next, prev;
};

#define SMEM_HDR            struct heap_mem
#define SMEM_HEAP           rt_smem_classic
#define SMEM_MIN_SIZE       12
#define SMEM_STRICT_BOUND   1
#define SMEM_SENTINEL_PREV  0
#include "smem_core.h"

/* ------------------------------------------------- the classic codec */

rt_inline rt_bool_t hdr_used(const SMEM_HDR *h)
{
    return h->used != 0;
}

rt_inline void hdr_set_used(struct rt_smem_classic *m, SMEM_HDR *h)
{
    (void)m;
    h->used = 1;
    h->magic = HEAP_MAGIC;
}

rt_inline void hdr_set_free(struct rt_smem_classic *m, SMEM_HDR *h)
{
    (void)m;
    h->used = 0;
    h->magic = HEAP_MAGIC;
}

/* C3: a merged-away header keeps its bytes. */
rt_inline void hdr_merged(SMEM_HDR *h)
{
    (void)h;
}

rt_inline rt_bool_t hdr_valid(const struct rt_smem_classic *m, const SMEM_HDR *h)
{
    (void)m;
    return h->magic == HEAP_MAGIC && h->used <= 1;
}

rt_inline rt_bool_t hdr_live(const struct rt_smem_classic *m, const SMEM_HDR *h)
{
    (void)m;
    return h->magic == HEAP_MAGIC && h->used == 1;
}

rt_inline rt_bool_t hdr_of(const struct rt_smem_classic *m, const SMEM_HDR *h)
{
    (void)m;
    return h->magic == HEAP_MAGIC;
}

static rt_bool_t smem_control_ok(const struct rt_smem_classic *m)
{
    return m->parent.algorithm != RT_NULL &&
           rt_strcmp(m->parent.algorithm, "small-classic") == 0 &&
           ((rt_ubase_t)m->heap_ptr & (RT_ALIGN_SIZE - 1)) == 0;
}

static rt_bool_t smem_sentinel_ok(const struct rt_smem_classic *m)
{
    return hdr_live(m, m->heap_end) && m->heap_end->prev == smem_end_off(m);
}

/* A control block inside the range (rt_smem_classic_init) is reported by
 * the walk; the system heap's (a static variable) is not. */
static rt_bool_t smem_control_inside(const struct rt_smem_classic *m)
{
    return (const rt_uint8_t *)m < m->heap_ptr &&
           (const rt_uint8_t *)m + sizeof(*m) + RT_ALIGN_SIZE > m->heap_ptr;
}

/* The pre-4.1 names (RT_ASSERT prints them). */
#define cls_off(m, it)      smem_off(m, it)
#define cls_end_off(m)      smem_end_off(m)
#define cls_is_heap(m)      smem_is_heap(m)

/* Lay out a classic heap over [begin, end) with control block `m`. */
static rt_smem_t cls_init_at(struct rt_smem_classic *m, const char *name,
                             rt_ubase_t begin, rt_ubase_t end, void *report_begin,
                             rt_size_t report_size)
{
    rt_ubase_t begin_align = RT_ALIGN(begin, RT_ALIGN_SIZE);
    rt_ubase_t end_align = RT_ALIGN_DOWN(end, RT_ALIGN_SIZE);

    if (end < begin || end_align <= 2 * SIZEOF_STRUCT_MEM ||
        end_align - 2 * SIZEOF_STRUCT_MEM < begin_align)
    {
        rt_kprintf("mem init, error begin address 0x%x, and end address 0x%x\n",
                   (rt_uint32_t)rt_mem_target_addr(report_begin),
                   (rt_uint32_t)(rt_mem_target_addr(report_begin) + report_size));
        return RT_NULL;
    }

    smem_layout(m, name, "small-classic", begin_align, end_align);
    return &m->parent;
}

/* C4: the old "bad data block" report, then the assert. */
static void cls_report_bad_block(struct heap_mem *mem)
{
    rt_kprintf("to free a bad data block:\n");
    rt_kprintf("mem: 0x%08x, used flag: %d, magic code: 0x%04x\n",
               (rt_uint32_t)rt_mem_target_addr(mem), mem->used, mem->magic);
    RT_ASSERT(mem->used);
    RT_ASSERT(mem->magic == HEAP_MAGIC);
}

/* The header of the used block at rmem, or RT_NULL after reporting. */
rt_inline struct heap_mem *cls_used_block(struct rt_smem_classic *m, void *rmem)
{
    struct heap_mem *mem;

    if (((rt_ubase_t)rmem & (RT_ALIGN_SIZE - 1)) != 0 ||
        (rt_uint8_t *)rmem < m->heap_ptr + SIZEOF_STRUCT_MEM ||
        (rt_uint8_t *)rmem >= (rt_uint8_t *)m->heap_end)
    {
        RT_ASSERT((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0);
        RT_ASSERT((rt_uint8_t *)rmem >= m->heap_ptr + SIZEOF_STRUCT_MEM &&
                  (rt_uint8_t *)rmem < (rt_uint8_t *)m->heap_end);
        return RT_NULL;
    }
    mem = (struct heap_mem *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);
    if (!mem->used || mem->magic != HEAP_MAGIC)
    {
        cls_report_bad_block(mem);
        return RT_NULL;
    }
    if (mem->next <= cls_off(m, mem) || mem->next > cls_end_off(m))
    {
        RT_ASSERT(mem->next > cls_off(m, mem) && mem->next <= cls_end_off(m));
        return RT_NULL;
    }
    return mem;
}

/* ----------------------------------------------------------- public API */

rt_smem_t rt_smem_classic_init(const char *name, void *begin_addr, rt_size_t size)
{
    struct rt_smem_classic *m;
    rt_ubase_t start;

    m = (struct rt_smem_classic *)RT_ALIGN((rt_ubase_t)begin_addr, RT_ALIGN_SIZE);
    start = (rt_ubase_t)m + sizeof(*m);
    if (size < sizeof(*m) + (rt_size_t)((rt_ubase_t)m - (rt_ubase_t)begin_addr) ||
        (rt_ubase_t)begin_addr + size < (rt_ubase_t)begin_addr)
    {
        rt_kprintf("mem init, error begin address 0x%x, and end address 0x%x\n",
                   (rt_uint32_t)rt_mem_target_addr(begin_addr),
                   (rt_uint32_t)(rt_mem_target_addr(begin_addr) + size));
        return RT_NULL;
    }
    rt_smem_t h = cls_init_at(m, name, start, (rt_ubase_t)begin_addr + size, begin_addr, size);
    /* rtsim: checked mode's shadow of a heap made directly (heap_shadow.c S9) */
    if (h != RT_NULL)
        rt_heap_shadow_add(h, &rt_heap_smallmem_classic, rt_heap_smallmem_classic.walk,
                           rt_heap_smallmem_classic.walk_span, RT_HW_MEM_ALGO_CLASSIC,
                           begin_addr, size);
    return h;
}

rt_err_t rt_smem_classic_detach(rt_smem_t m)
{
    rt_heap_shadow_remove(m);           /* rtsim: heap_shadow.c S9, verified first */
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    RT_ASSERT(rt_object_is_systemobject(&m->parent));

    rt_object_detach(&m->parent);
    return RT_EOK;
}

void *rt_smem_classic_alloc(rt_smem_t heap, rt_size_t size)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;

    if (size == 0)
        return RT_NULL;
    /* rtsim S9: the control block is verified before it is read */
    void *meta = RT_HEAP_SHADOW_IN(heap, RT_NULL, RT_HW_MEM_OP_ALLOC);
    void *ptr = RT_NULL;
    if (!cls_is_heap(m))
        RT_ASSERT(cls_is_heap(m));
    else
        ptr = smem_alloc(m, size);   /* C1 */
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

void rt_smem_classic_free(rt_smem_t heap, void *rmem)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    struct heap_mem *mem;

    if (rmem == RT_NULL)
        return;
    /* rtsim S9: the control block is verified before it is read */
    void *meta = RT_HEAP_SHADOW_IN(heap, rmem, RT_HW_MEM_OP_FREE);
    if (!cls_is_heap(m))
    {
        RT_ASSERT(cls_is_heap(m));
    }
    else
    {
        mem = cls_used_block(m, rmem);
        if (mem != RT_NULL)
            smem_release(m, mem, cls_off(m, mem), mem->next);
    }
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* R6's free after a move. */
static void cls_give_back(struct rt_smem_classic *m, void *rmem)
{
    rt_smem_classic_free(&m->parent, rmem);
}

/* R6, past the heap check. */
static void *cls_realloc(struct rt_smem_classic *m, void *rmem, rt_size_t newsize)
{
    struct heap_mem *mem;

    if (newsize > m->mem_size_aligned)      /* before RT_ALIGN can wrap */
        return RT_NULL;
    newsize = RT_ALIGN(newsize, RT_ALIGN_SIZE);
    if (newsize > m->mem_size_aligned)
        return RT_NULL;
    if (newsize == 0)
    {
        rt_smem_classic_free(&m->parent, rmem);
        return RT_NULL;
    }
    if (rmem == RT_NULL)
        return rt_smem_classic_alloc(&m->parent, newsize);

    /* C5: a pointer outside the heap comes back unchanged. */
    if ((rt_uint8_t *)rmem < m->heap_ptr || (rt_uint8_t *)rmem >= (rt_uint8_t *)m->heap_end)
        return rmem;
    mem = cls_used_block(m, rmem);
    if (mem == RT_NULL)
        return RT_NULL;
    return smem_resize(m, mem, rmem, newsize, cls_give_back);
}

void *rt_smem_classic_realloc(rt_smem_t heap, void *rmem, rt_size_t newsize)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    void *moved = RT_NULL;
    /* rtsim S9: the control block is verified before it is read */
    void *meta = RT_HEAP_SHADOW_IN(heap, rmem, RT_HW_MEM_OP_REALLOC);

    if (!cls_is_heap(m))
        RT_ASSERT(cls_is_heap(m));
    else
        moved = cls_realloc(m, rmem, newsize);
    RT_HEAP_SHADOW_OUT(meta, moved);
    return moved;
}

/* ------------------------------------------------------ check and walk */

int rt_smem_classic_check(rt_smem_t heap)
{
    return smem_check((const struct rt_smem_classic *)heap);
}

void rt_smem_classic_walk(rt_smem_t heap, rt_mem_walk_fn fn, void *ctx)
{
    smem_walk((const struct rt_smem_classic *)heap, fn, ctx);
}

/* ----------------------------------------- system-heap seam (heap.h) */

/* The pre-4.1 globals: the system heap's control block lives outside the
 * heap range, so all of [begin, end) is heap. */
static struct rt_smem_classic cls_system_heap;

static void *smem_classic_sys_init(const char *name, void *begin, rt_size_t size)
{
    return cls_init_at(&cls_system_heap, name, (rt_ubase_t)begin,
                       (rt_ubase_t)begin + size, begin, size);
}

static void smem_classic_sys_detach(void *heap)
{
    rt_smem_classic_detach((rt_smem_t)heap);
    rt_memset(&cls_system_heap, 0, sizeof(cls_system_heap));
}

RT_HEAP_FORWARD(smem_classic)

static void smem_classic_sys_free(void *heap, void *ptr)
{
    rt_smem_classic_free((rt_smem_t)heap, ptr);
}

static rt_size_t smem_classic_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    return smem_usable((struct rt_smem_classic *)heap, ptr, lo, hi);
}

static rt_bool_t cls_sys_walk_span(void *heap, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx)
{
    return smem_walk_span((const struct rt_smem_classic *)heap, from, to, fn, ctx);
}

const struct rt_heap_algorithm rt_heap_smallmem_classic =
{
    "smallmem-classic",
    smem_classic_sys_init,
    RT_NULL,
    smem_classic_sys_detach,
    smem_classic_sys_alloc,
    smem_classic_sys_realloc,
    smem_classic_sys_free,
    rt_heap_memory_info,
    smem_classic_sys_check,
    smem_classic_sys_walk,
    smem_classic_sys_usable,
    0, 0,
    cls_sys_walk_span,
    0, 0,       /* no links in the header */
    RT_NULL,    /* meta_walk: walk */
    RT_NULL,    /* meta_window: S4 */
};
#endif /* RT_USING_SMALL_MEM */
