/*
 * mem.c - the small-memory heap, RT-Thread 4.1.0+ layout ("small mem"):
 * the 4.1.0+ header codec over the shared algorithm (smem_core.h: the
 * picture, the rules R1..R6 and the invariants I1..I8).
 *
 * A first-fit allocator over one contiguous range, descended from lwIP's
 * mem.c.  Each heap is a kernel object (RT_Object_Class_Memory) whose
 * control block lives at the start of the range it manages, so several
 * heaps can coexist and a block finds its heap from its own header.
 *
 * Block header, exactly three words (12 bytes on a 32-bit target with
 * RT_ALIGN_SIZE 4, 24 bytes on a 64-bit one):
 *
 *   +-------------------------------+-------------+-------------+
 *   | pool_ptr: heap address | used | next offset | prev offset |
 *   +-------------------------------+-------------+-------------+
 *     bit 0 = used flag; the rest (full-width mask) = owning heap.
 *
 * Compare mem_classic.c: that codec and this one are the whole of
 * RT-Thread 4.1.0's change to the small-memory heap.
 *
 * Deliberate differences from RT-Thread 4.1.x: the owner mask is full
 * width (4.1's 0xFFFFFFFE drops the upper half of 64-bit addresses); there
 * is no padding word on 64-bit (the current upstream layout); a failed
 * validation in free or realloc returns without touching the heap when the
 * assert handler returns; a size within RT_ALIGN_SIZE of the largest
 * rt_size_t is refused before rounding (4.1 rounds it to 0 and hands out a
 * minimum block, or frees the block in realloc).
 */
#include <rtthread.h>
#include "heap.h"

/* The whole file: only with RT_USING_SMALL_MEM (rtconfig.h), as on the target. */
#ifdef RT_USING_SMALL_MEM

/* One block header.  With RT_USING_MEMTRACE (rtconfig.h) it also holds
 * the allocating thread's name, 4 bytes (8 on a 64-bit target), as RT-Thread
 * 4.1.1 src/mem.c: a 16-byte header on a 32-bit MCU. */
#if UINTPTR_MAX > 0xFFFFFFFFu
#define SMEM_THREAD_NAME    8
#else
#define SMEM_THREAD_NAME    4
#endif
struct rt_small_mem_item
{
    rt_ubase_t pool_ptr;    /* owning heap | used bit */
    rt_size_t  next;        /* offset of the next header */
    rt_size_t  prev;        /* offset of the previous header */
#ifdef RT_USING_MEMTRACE
    rt_uint8_t thread[SMEM_THREAD_NAME];    /* allocating thread, blank-padded */
#endif
};

#define SMEM_HDR            struct rt_small_mem_item
#define SMEM_HEAP           rt_small_mem
#define SMEM_MIN_SIZE       (sizeof(rt_ubase_t) + 2 * sizeof(rt_size_t))
#define SMEM_STRICT_BOUND   0
#define SMEM_SENTINEL_PREV  1
#include "smem_core.h"

const rt_size_t rt_smem_header_size = SIZEOF_STRUCT_MEM;     /* rtmm.h */

/* ------------------------------------------------- the 4.1.0+ codec */

#define MEM_MASK            (~(rt_ubase_t)1)
#define MEM_USED(m)         (((rt_ubase_t)(m) & MEM_MASK) | 1)
#define MEM_FREED(m)        (((rt_ubase_t)(m) & MEM_MASK) | 0)
#define MEM_ISUSED(item)    ((item)->pool_ptr & 1)
#define MEM_POOL(item)      ((struct rt_small_mem *)((item)->pool_ptr & MEM_MASK))

rt_inline rt_bool_t hdr_used(const SMEM_HDR *h)
{
    return MEM_ISUSED(h) != 0;
}

#ifdef RT_USING_MEMTRACE
/* The name bytes of a header (RT_USING_MEMTRACE, 4.1.1 rt_smem_setname):
 * as many characters of `name` as fit, then blanks. */
static void smem_setname(SMEM_HDR *h, const char *name)
{
    rt_size_t i = 0;

    for (; i < SMEM_THREAD_NAME && name[i] != '\0'; i++)
        h->thread[i] = (rt_uint8_t)name[i];
    for (; i < SMEM_THREAD_NAME; i++)
        h->thread[i] = ' ';
}
#define SMEM_SETNAME(h, name) smem_setname((h), (name))
#else
#define SMEM_SETNAME(h, name) do { } while (0)
#endif

/* With RT_USING_MEMTRACE a used header names the allocating thread ("NONE"
 * before the scheduler runs) and a free one is blank, as 4.1.1 names them
 * at alloc, split and free.  (rtsim: a fresh heap's first block and its end
 * marker are named at boot by whoever initialises the heap, where 4.1.1
 * writes "INIT".) */
rt_inline void hdr_set_used(struct rt_small_mem *m, SMEM_HDR *h)
{
    h->pool_ptr = MEM_USED(m);
    SMEM_SETNAME(h, rt_thread_self() != RT_NULL ? rt_thread_self()->name : "NONE");
}

rt_inline void hdr_set_free(struct rt_small_mem *m, SMEM_HDR *h)
{
    h->pool_ptr = MEM_FREED(m);
    SMEM_SETNAME(h, "");
}

/* 4.1's plug_holes clears the owner word of a header it merges away. */
rt_inline void hdr_merged(SMEM_HDR *h)
{
    h->pool_ptr = 0;
}

rt_inline rt_bool_t hdr_valid(const struct rt_small_mem *m, const SMEM_HDR *h)
{
    return (h->pool_ptr & MEM_MASK) == (rt_ubase_t)m;
}

rt_inline rt_bool_t hdr_live(const struct rt_small_mem *m, const SMEM_HDR *h)
{
    return h->pool_ptr == MEM_USED(m);
}

rt_inline rt_bool_t hdr_of(const struct rt_small_mem *m, const SMEM_HDR *h)
{
    return MEM_POOL(h) == m;
}

/* I1's codec part: the algorithm's name, and the blocks right after the
 * control block. */
static rt_bool_t smem_control_ok(const struct rt_small_mem *m)
{
    return m->parent.algorithm != RT_NULL && rt_strcmp(m->parent.algorithm, "small") == 0 &&
           m->heap_ptr == (rt_uint8_t *)RT_ALIGN((rt_ubase_t)m + sizeof(*m), RT_ALIGN_SIZE);
}

/* I2's codec part (the sentinel's prev is scratch). */
static rt_bool_t smem_sentinel_ok(const struct rt_small_mem *m)
{
    return m->heap_end->pool_ptr == MEM_USED(m);
}

static rt_bool_t smem_control_inside(const struct rt_small_mem *m)
{
    (void)m;
    return RT_TRUE;
}

/* ----------------------------------------------------------- public API */

rt_smem_t rt_smem_init(const char *name, void *begin_addr, rt_size_t size)
{
    struct rt_small_mem *m;
    rt_ubase_t start_addr, begin_align, end_align;

    m = (struct rt_small_mem *)RT_ALIGN((rt_ubase_t)begin_addr, RT_ALIGN_SIZE);
    start_addr = (rt_ubase_t)m + sizeof(*m);
    begin_align = RT_ALIGN(start_addr, RT_ALIGN_SIZE);
    end_align = RT_ALIGN_DOWN((rt_ubase_t)begin_addr + size, RT_ALIGN_SIZE);

    if (size < sizeof(*m) || (rt_ubase_t)begin_addr + size < (rt_ubase_t)begin_addr ||
        end_align <= 2 * SIZEOF_STRUCT_MEM || end_align - 2 * SIZEOF_STRUCT_MEM < start_addr)
    {
        rt_kprintf("mem init, error begin address 0x%x, and end address 0x%x\n",
                   (rt_uint32_t)rt_mem_target_addr(begin_addr),
                   (rt_uint32_t)(rt_mem_target_addr(begin_addr) + size));
        return RT_NULL;
    }

    smem_layout(m, name, "small", begin_align, end_align);
    /* rtsim: checked mode's shadow of a heap made directly (heap_shadow.c S9) */
    rt_heap_shadow_add(&m->parent, &rt_heap_smallmem, rt_heap_smallmem.walk,
                       rt_heap_smallmem.walk_span, RT_HW_MEM_ALGO_SMEM, begin_addr, size);
    return &m->parent;
}

rt_err_t rt_smem_detach(rt_smem_t m)
{
    rt_heap_shadow_remove(m);           /* rtsim: heap_shadow.c S9, verified first */
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    RT_ASSERT(rt_object_is_systemobject(&m->parent));

    rt_object_detach(&m->parent);
    return RT_EOK;
}

void *rt_smem_alloc(rt_smem_t heap, rt_size_t size)
{
    struct rt_small_mem *m = (struct rt_small_mem *)heap;

    if (size == 0)
        return RT_NULL;
    /* rtsim S9: the control block is verified before it is read */
    void *meta = RT_HEAP_SHADOW_IN(heap, RT_NULL, RT_HW_MEM_OP_ALLOC);
    void *ptr = RT_NULL;
    if (!smem_is_heap(m))
        RT_ASSERT(smem_is_heap(m));
    else
        ptr = smem_alloc(m, size);
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

/* R5's validation, the fast path: is rmem the data of a used block of a
 * live heap, inside it, followed by a header of the same heap?  Reads the
 * header (as RT-Thread does); writes nothing. */
rt_inline struct rt_small_mem *smem_owner_fast(void *rmem)
{
    struct rt_small_mem_item *mem = (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);
    struct rt_small_mem *m = MEM_POOL(mem);
    rt_uint8_t *next;

    if (((rt_ubase_t)rmem & (RT_ALIGN_SIZE - 1)) != 0 || !MEM_ISUSED(mem) || !smem_is_heap(m) ||
        (rt_uint8_t *)mem < m->heap_ptr || mem >= m->heap_end)
        return RT_NULL;
    next = m->heap_ptr + mem->next;
    if (next <= (rt_uint8_t *)mem || next > (rt_uint8_t *)m->heap_end ||
        MEM_POOL((struct rt_small_mem_item *)next) != m)
        return RT_NULL;
    return m;
}

/* The slow path after smem_owner_fast said no: name the first failed
 * check through RT_ASSERT, as RT-Thread's asserts would. */
static void smem_report_bad(void *rmem)
{
    struct rt_small_mem_item *mem = (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);

    RT_ASSERT((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0);
    if (((rt_ubase_t)rmem & (RT_ALIGN_SIZE - 1)) != 0)
        return;
    struct rt_small_mem *m = MEM_POOL(mem);   /* aligned: the header may be read */
    RT_ASSERT(MEM_ISUSED(mem));
    RT_ASSERT(smem_is_heap(m));
    if (!MEM_ISUSED(mem) || !smem_is_heap(m))
        return;
    RT_ASSERT((rt_uint8_t *)mem >= m->heap_ptr && mem < m->heap_end);
    RT_ASSERT(MEM_POOL(smem_item(m, mem->next)) == m);
    RT_ASSERT(smem_owner_fast(rmem) != RT_NULL);
}

/* Is rmem the data of a used block of heap m?  Checks the range and the
 * owner word against m before trusting anything else in the header, so a
 * pointer into the middle of a block, or into another heap, is reported
 * (RT_ASSERT) without following a garbage owner pointer. */
static rt_bool_t smem_block_of(struct rt_small_mem *m, void *rmem)
{
    struct rt_small_mem_item *mem = (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);

    if (((rt_ubase_t)rmem & (RT_ALIGN_SIZE - 1)) != 0)
    {
        RT_ASSERT((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0);
        return RT_FALSE;
    }
    if ((rt_uint8_t *)mem < m->heap_ptr || mem >= m->heap_end)
    {
        RT_ASSERT((rt_uint8_t *)mem >= m->heap_ptr && mem < m->heap_end);
        return RT_FALSE;
    }
    if (MEM_POOL(mem) != m)
    {
        RT_ASSERT(MEM_POOL(mem) == m);
        return RT_FALSE;
    }
    if (smem_owner_fast(rmem) != m)
    {
        smem_report_bad(rmem);
        return RT_FALSE;
    }
    return RT_TRUE;
}

static void smem_free(void *rmem)
{
    struct rt_small_mem_item *mem;
    struct rt_small_mem *m;
    rt_uint8_t *base;
    rt_ubase_t pool;
    rt_size_t off, next, end;

    /* R5's validation, inline: every value read here is reused below. */
    /* A misaligned pointer cannot be a block: do not even read its header. */
    if (((rt_ubase_t)rmem & (RT_ALIGN_SIZE - 1)) != 0)
        goto bad;
    mem = (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);
    pool = mem->pool_ptr;
    m = (struct rt_small_mem *)(pool & MEM_MASK);
    if ((pool & 1) == 0 || !smem_is_heap(m))
        goto bad;
    base = m->heap_ptr;
    end = smem_end_off(m);
    off = (rt_size_t)((rt_uint8_t *)mem - base);    /* wraps when mem < base */
    next = mem->next;
    /* off < end follows: off >= end would make next > off >= end. */
    if (next <= off || next > end ||
        MEM_POOL((struct rt_small_mem_item *)(base + next)) != m)
        goto bad;

    smem_release(m, mem, off, next);
    return;

bad:
    smem_report_bad(rmem);
}

void rt_smem_free(void *rmem)
{
    if (rmem == RT_NULL)
        return;

    void *meta = RT_HEAP_SHADOW_IN(RT_NULL, rmem, RT_HW_MEM_OP_FREE);    /* rtsim: S9 */
    smem_free(rmem);
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* R6's free after a move: rt_smem_free finds the heap from the header. */
static void smem_give_back(struct rt_small_mem *m, void *rmem)
{
    (void)m;
    rt_smem_free(rmem);
}

/* R6, past the heap check. */
static void *smem_realloc(struct rt_small_mem *m, void *rmem, rt_size_t newsize)
{
    if (newsize > m->mem_size_aligned)  /* before RT_ALIGN can wrap around */
        return RT_NULL;
    newsize = RT_ALIGN(newsize, RT_ALIGN_SIZE);
    if (newsize > m->mem_size_aligned)
        return RT_NULL;
    if (newsize == 0)
    {
        rt_smem_free(rmem);
        return RT_NULL;
    }
    if (rmem == RT_NULL)
        return rt_smem_alloc(&m->parent, newsize);
    if (!smem_block_of(m, rmem))
        return RT_NULL;
    return smem_resize(m, (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM),
                       rmem, newsize, smem_give_back);
}

void *rt_smem_realloc(rt_smem_t heap, void *rmem, rt_size_t newsize)
{
    struct rt_small_mem *m = (struct rt_small_mem *)heap;
    void *moved = RT_NULL;
    /* rtsim S9: the control block is verified before it is read */
    void *meta = RT_HEAP_SHADOW_IN(heap, rmem, RT_HW_MEM_OP_REALLOC);

    if (!smem_is_heap(m))
        RT_ASSERT(smem_is_heap(m));
    else
        moved = smem_realloc(m, rmem, newsize);
    RT_HEAP_SHADOW_OUT(meta, moved);
    return moved;
}

/* ------------------------------------------------------ check and walk */

int rt_smem_check(rt_smem_t heap)
{
    return smem_check((const struct rt_small_mem *)heap);
}

void rt_smem_walk(rt_smem_t heap, rt_mem_walk_fn fn, void *ctx)
{
    smem_walk((const struct rt_small_mem *)heap, fn, ctx);
}

/* ----------------------------------------- system-heap seam (heap.h) */

static void *smem_sys_init(const char *name, void *begin, rt_size_t size)
{
    return rt_smem_init(name, begin, size);
}

static void smem_sys_detach(void *heap)
{
    rt_smem_detach((rt_smem_t)heap);
}

RT_HEAP_FORWARD(smem)

/* rt_free: the system heap checks the block against itself first (see
 * smem_block_of), so a foreign or interior pointer is reported, never
 * followed.  Only then does rt_smem_free run, with its own checks. */
static void smem_sys_free(void *heap, void *ptr)
{
    if (ptr != RT_NULL && !smem_block_of((struct rt_small_mem *)heap, ptr))
        return;
    rt_smem_free(ptr);
}

static rt_size_t smem_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    return smem_usable((struct rt_small_mem *)heap, ptr, lo, hi);
}

static rt_bool_t smem_sys_walk_span(void *heap, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx)
{
    return smem_walk_span((const struct rt_small_mem *)heap, from, to, fn, ctx);
}

const struct rt_heap_algorithm rt_heap_smallmem =
{
    "smallmem",
    smem_sys_init,
    RT_NULL,
    smem_sys_detach,
    smem_sys_alloc,
    smem_sys_realloc,
    smem_sys_free,
    rt_heap_memory_info,
    smem_sys_check,
    smem_sys_walk,
    smem_sys_usable,
    0, 0,
    smem_sys_walk_span,
    0, 0,       /* no links in the header */
    RT_NULL,    /* meta_walk: walk */
    RT_NULL,    /* meta_window: S4 */
};
#endif /* RT_USING_SMALL_MEM */
