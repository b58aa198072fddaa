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
 *
 * Algorithm: the rules R1..R6 of mem.c, with these differences:
 *   C1  The size check against total comes before the MIN_SIZE raise.
 *   C2  The first-fit loop runs while offset < total - size (strict), so a
 *       fresh heap can NOT hand out all of total in one block: the largest
 *       request a block touching heap_end can serve is its capacity minus
 *       RT_ALIGN_SIZE.
 *   C3  Every header written by alloc (the block and a split-off remainder)
 *       gets the magic.  Merged-away headers keep their bytes.
 *   C4  free validates the block: outside the heap -> assert; not used or
 *       wrong magic -> "to free a bad data block:" report, then assert.
 *   C5  realloc of a pointer outside the heap returns it unchanged.
 *   C6  (system heap, kheap.c) the malloc hook fires only on success, with
 *       the aligned size; realloc's move path fires both hooks.
 *
 * Complexity and fragmentation: as mem.c.
 *
 * Invariants (rt_smem_classic_check returns the first that fails):
 *   I1  The control block is a static Memory object with algorithm
 *       "small-classic", address = heap_ptr, total = mem_size_aligned,
 *       heap_end at offset mem_size_aligned + SIZEOF_STRUCT_MEM.
 *   I2  The sentinel has the magic, is used, and links to itself.
 *   I3  Every header on the chain has the magic and a used flag of 0 or 1.
 *   I4  The chain strictly ascends from offset 0, capacities are multiples
 *       of RT_ALIGN_SIZE, and it ends exactly at the sentinel.
 *   I5  prev links mirror next links (the first block's prev is 0).
 *   I6  No two neighbouring blocks are both free.
 *   I7  lfree is the lowest free block, or heap_end when none is free.
 *   I8  used = the sum of (header + capacity) over used blocks, and
 *       used <= max <= total + SIZEOF_STRUCT_MEM (a heap handed out as one
 *       block counts its header, which total leaves out: RT-Thread's `free`
 *       then shows available = -SIZEOF_STRUCT_MEM, a real quirk).
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

struct rt_smem_classic
{
    struct rt_memory    parent;
    rt_uint8_t         *heap_ptr;
    struct heap_mem    *heap_end;
    struct heap_mem    *lfree;
    rt_size_t           mem_size_aligned;
};

#define MIN_SIZE            12
#define MIN_SIZE_ALIGNED    RT_ALIGN(MIN_SIZE, RT_ALIGN_SIZE)
#define SIZEOF_STRUCT_MEM   RT_ALIGN(sizeof(struct heap_mem), RT_ALIGN_SIZE)

/* ------------------------------------------------------------- helpers */

rt_inline struct heap_mem *cls_item(const struct rt_smem_classic *m, rt_size_t off)
{
    return (struct heap_mem *)(m->heap_ptr + off);
}

rt_inline rt_size_t cls_off(const struct rt_smem_classic *m, const struct heap_mem *it)
{
    return (rt_size_t)((const rt_uint8_t *)it - m->heap_ptr);
}

rt_inline rt_size_t cls_end_off(const struct rt_smem_classic *m)
{
    return m->mem_size_aligned + SIZEOF_STRUCT_MEM;
}

rt_inline void cls_set_prev(struct rt_smem_classic *m, rt_size_t off, rt_size_t prev)
{
    if (off != cls_end_off(m))
        cls_item(m, off)->prev = prev;
}

static rt_bool_t cls_is_heap(const struct rt_smem_classic *m)
{
    return m != RT_NULL &&
           m->parent.parent.type == (RT_Object_Class_Memory | RT_Object_Class_Static);
}

/* Carve a free block out of `mem` at offset off2.
 *   before: [mem ........................][next]
 *   after:  [mem ....][off2: free .......][next]  */
static void cls_split(struct rt_smem_classic *m, struct heap_mem *mem, rt_size_t off2)
{
    struct heap_mem *mem2 = cls_item(m, off2);

    mem2->magic = HEAP_MAGIC;
    mem2->used = 0;
    mem2->next = mem->next;
    mem2->prev = cls_off(m, mem);
    mem->next = off2;
    cls_set_prev(m, mem2->next, off2);
}

/*   before: [prev free][mem free][next free]
 *   after:  [prev free ........................]  */
rt_inline void cls_plug_holes(struct rt_smem_classic *m, struct heap_mem *mem)
{
    struct heap_mem *nmem = cls_item(m, mem->next);
    struct heap_mem *pmem;

    if (mem != nmem && nmem->used == 0 && nmem != m->heap_end)
    {
        if (m->lfree == nmem)
            m->lfree = mem;
        mem->next = nmem->next;
        cls_set_prev(m, nmem->next, cls_off(m, mem));
    }

    pmem = cls_item(m, mem->prev);
    if (pmem != mem && pmem->used == 0)
    {
        if (m->lfree == mem)
            m->lfree = pmem;
        pmem->next = mem->next;
        cls_set_prev(m, mem->next, cls_off(m, pmem));
    }
}

/* C2: strict bound.  Two blocks per round, as in mem.c's find_fit. */
rt_inline int cls_fits(const struct heap_mem *mem, rt_size_t ptr, rt_size_t next, rt_size_t need)
{
    return !mem->used && next - ptr >= need;
}

rt_inline struct heap_mem *cls_find_fit(struct rt_smem_classic *m, rt_size_t size)
{
    rt_uint8_t *base = m->heap_ptr;
    rt_size_t limit = m->mem_size_aligned - size;
    rt_size_t need = size + SIZEOF_STRUCT_MEM;
    rt_size_t ptr = cls_off(m, m->lfree);

    if (ptr >= limit)
        return RT_NULL;
    for (;;)
    {
        struct heap_mem *a = (struct heap_mem *)(base + ptr);
        rt_size_t next = a->next;
        struct heap_mem *b;

        if (cls_fits(a, ptr, next, need))
            return a;
        if (next >= limit)
            return RT_NULL;
        b = (struct heap_mem *)(base + next);
        ptr = b->next;
        if (cls_fits(b, next, ptr, need))
            return b;
        if (ptr >= limit)
            return RT_NULL;
    }
}

rt_inline void cls_mark_used(struct rt_smem_classic *m, struct heap_mem *mem, rt_size_t size)
{
    rt_size_t ptr = cls_off(m, mem);

    if (mem->next - (ptr + SIZEOF_STRUCT_MEM) >= size + SIZEOF_STRUCT_MEM + MIN_SIZE_ALIGNED)
    {
        cls_split(m, mem, ptr + SIZEOF_STRUCT_MEM + size);
        m->parent.used += size + SIZEOF_STRUCT_MEM;
    }
    else
    {
        m->parent.used += mem->next - ptr;
    }
    if (m->parent.max < m->parent.used)
        m->parent.max = m->parent.used;

    mem->used = 1;
    mem->magic = HEAP_MAGIC;

    if (mem == m->lfree)
    {
        while (m->lfree->used && m->lfree != m->heap_end)
            m->lfree = cls_item(m, m->lfree->next);
    }
}

/* Lay out a classic heap over [begin, end) with control block `m`. */
static rt_smem_t cls_init_at(struct rt_smem_classic *m, const char *name,
                             rt_ubase_t begin, rt_ubase_t end, void *report_begin,
                             rt_size_t report_size)
{
    rt_ubase_t begin_align = RT_ALIGN(begin, RT_ALIGN_SIZE);
    rt_ubase_t end_align = RT_ALIGN_DOWN(end, RT_ALIGN_SIZE);
    struct heap_mem *mem;

    if (end < begin || end_align <= 2 * SIZEOF_STRUCT_MEM ||
        end_align - 2 * SIZEOF_STRUCT_MEM < begin_align)
    {
        rt_kprintf("mem init, error begin address 0x%x, and end address 0x%x\n",
                   (rt_uint32_t)rt_mem_target_addr(report_begin),
                   (rt_uint32_t)(rt_mem_target_addr(report_begin) + report_size));
        return RT_NULL;
    }

    rt_memset(m, 0, sizeof(*m));
    rt_object_init(&m->parent.parent, RT_Object_Class_Memory, name);
    m->parent.algorithm = "small-classic";
    m->parent.address = begin_align;
    m->mem_size_aligned = end_align - begin_align - 2 * SIZEOF_STRUCT_MEM;
    m->parent.total = m->mem_size_aligned;

    m->heap_ptr = (rt_uint8_t *)begin_align;
    mem = cls_item(m, 0);
    mem->magic = HEAP_MAGIC;
    mem->used = 0;
    mem->next = cls_end_off(m);
    mem->prev = 0;

    m->heap_end = cls_item(m, cls_end_off(m));
    m->heap_end->magic = HEAP_MAGIC;
    m->heap_end->used = 1;
    m->heap_end->next = cls_end_off(m);
    m->heap_end->prev = cls_end_off(m);

    m->lfree = mem;
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
    return cls_init_at(m, name, start, (rt_ubase_t)begin_addr + size, begin_addr, size);
}

rt_err_t rt_smem_classic_detach(rt_smem_t m)
{
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    RT_ASSERT(rt_object_is_systemobject(&m->parent));

    rt_object_detach(&m->parent);
    return RT_EOK;
}

void *rt_smem_classic_alloc(rt_smem_t heap, rt_size_t size)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    struct heap_mem *mem;

    if (size == 0)
        return RT_NULL;
    if (!cls_is_heap(m))
    {
        RT_ASSERT(cls_is_heap(m));
        return RT_NULL;
    }

    if (size > m->mem_size_aligned)         /* before RT_ALIGN can wrap */
        return RT_NULL;
    size = RT_ALIGN(size, RT_ALIGN_SIZE);
    if (size > m->mem_size_aligned)         /* C1: before the raise */
        return RT_NULL;
    if (size < MIN_SIZE_ALIGNED)
        size = MIN_SIZE_ALIGNED;
    if (size > m->mem_size_aligned)         /* only a heap below MIN_SIZE */
        return RT_NULL;

    mem = cls_find_fit(m, size);
    if (mem == RT_NULL)
        return RT_NULL;
    cls_mark_used(m, mem, size);
    return (rt_uint8_t *)mem + SIZEOF_STRUCT_MEM;
}

void rt_smem_classic_free(rt_smem_t heap, void *rmem)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    struct heap_mem *mem;

    if (rmem == RT_NULL)
        return;
    if (!cls_is_heap(m))
    {
        RT_ASSERT(cls_is_heap(m));
        return;
    }
    mem = cls_used_block(m, rmem);
    if (mem == RT_NULL)
        return;

    mem->used = 0;
    mem->magic = HEAP_MAGIC;
    if (mem < m->lfree)
        m->lfree = mem;
    m->parent.used -= mem->next - cls_off(m, mem);
    cls_plug_holes(m, mem);
}

void *rt_smem_classic_realloc(rt_smem_t heap, void *rmem, rt_size_t newsize)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    struct heap_mem *mem;
    rt_size_t ptr, size;
    void *nmem;

    if (!cls_is_heap(m))
    {
        RT_ASSERT(cls_is_heap(m));
        return RT_NULL;
    }
    if (newsize > m->mem_size_aligned)      /* before RT_ALIGN can wrap */
        return RT_NULL;
    newsize = RT_ALIGN(newsize, RT_ALIGN_SIZE);
    if (newsize > m->mem_size_aligned)
        return RT_NULL;
    if (newsize == 0)
    {
        rt_smem_classic_free(heap, rmem);
        return RT_NULL;
    }
    if (rmem == RT_NULL)
        return rt_smem_classic_alloc(heap, newsize);

    /* C5: a pointer outside the heap comes back unchanged. */
    if ((rt_uint8_t *)rmem < m->heap_ptr || (rt_uint8_t *)rmem >= (rt_uint8_t *)m->heap_end)
        return rmem;
    mem = cls_used_block(m, rmem);
    if (mem == RT_NULL)
        return RT_NULL;

    ptr = cls_off(m, mem);
    size = mem->next - ptr - SIZEOF_STRUCT_MEM;
    if (size == newsize)
        return rmem;

    if (newsize + SIZEOF_STRUCT_MEM + MIN_SIZE < size)
    {
        /*   before: [mem ..........................][next]
         *   after:  [mem ....][mem2: free .........][next]  */
        struct heap_mem *mem2;

        m->parent.used -= size - newsize;
        cls_split(m, mem, ptr + SIZEOF_STRUCT_MEM + newsize);
        mem2 = cls_item(m, mem->next);
        if (mem2 < m->lfree)
            m->lfree = mem2;
        cls_plug_holes(m, mem2);
        return rmem;
    }

    nmem = rt_smem_classic_alloc(heap, newsize);
    if (nmem != RT_NULL)
    {
        rt_memcpy(nmem, rmem, size < newsize ? size : newsize);
        rt_smem_classic_free(heap, rmem);
    }
    return nmem;
}

/* ------------------------------------------------------ check and walk */

int rt_smem_classic_check(rt_smem_t heap)
{
    const struct rt_smem_classic *m = (const struct rt_smem_classic *)heap;
    rt_size_t end, off, prev_off, used_sum = 0;
    rt_bool_t prev_free = RT_FALSE, seen_free = RT_FALSE;
    const struct heap_mem *it;

    /* I1 */
    if (!cls_is_heap(m) || m->parent.algorithm == RT_NULL ||
        rt_strcmp(m->parent.algorithm, "small-classic") != 0 ||
        m->parent.address != (rt_ubase_t)m->heap_ptr ||
        ((rt_ubase_t)m->heap_ptr & (RT_ALIGN_SIZE - 1)) != 0 ||
        m->parent.total != m->mem_size_aligned ||
        (m->mem_size_aligned & (RT_ALIGN_SIZE - 1)) != 0 ||
        m->heap_end != cls_item(m, cls_end_off(m)))
        return 1;
    end = cls_end_off(m);

    /* I2 */
    if (m->heap_end->magic != HEAP_MAGIC || m->heap_end->used != 1 ||
        m->heap_end->next != end || m->heap_end->prev != end)
        return 2;

    for (off = 0, prev_off = 0; off != end; prev_off = off, off = it->next)
    {
        it = cls_item(m, off);
        if (it->magic != HEAP_MAGIC || it->used > 1)
            return 3;
        if (it->next <= off || it->next > end || it->next - off < SIZEOF_STRUCT_MEM ||
            ((it->next - off - SIZEOF_STRUCT_MEM) & (RT_ALIGN_SIZE - 1)) != 0)
            return 4;
        if (it->prev != prev_off)
            return 5;
        if (!it->used)
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
        prev_free = !it->used;
    }
    if (!seen_free && m->lfree != m->heap_end)
        return 7;

    if (used_sum != m->parent.used || m->parent.used > m->parent.max ||
        m->parent.max > m->parent.total + SIZEOF_STRUCT_MEM)
        return 8;
    return 0;
}

void rt_smem_classic_walk(rt_smem_t heap, rt_mem_walk_fn fn, void *ctx)
{
    const struct rt_smem_classic *m = (const struct rt_smem_classic *)heap;
    struct rt_mem_block b;
    rt_size_t off, end;

    if (!cls_is_heap(m) || fn == RT_NULL)
        return;
    end = cls_end_off(m);
    b.heap = m;

    if ((const rt_uint8_t *)m < m->heap_ptr &&
        (const rt_uint8_t *)m + sizeof(*m) + RT_ALIGN_SIZE > m->heap_ptr)
    {
        /* control block inside the range (rt_smem_classic_init) */
        b.start = m;
        b.header_size = 0;
        b.size = (rt_size_t)(m->heap_ptr - (const rt_uint8_t *)m);
        b.used = RT_TRUE;
        b.kind = RT_MEM_BLOCK_CONTROL;
        if (fn(&b, ctx))
            return;
    }

    for (off = 0; off < end;)
    {
        const struct heap_mem *it = cls_item(m, off);

        if (it->next <= off || it->next > end || it->next - off < SIZEOF_STRUCT_MEM)
            return;
        b.start = it;
        b.header_size = SIZEOF_STRUCT_MEM;
        b.size = it->next - off - SIZEOF_STRUCT_MEM;
        b.used = it->used ? RT_TRUE : RT_FALSE;
        b.kind = RT_MEM_BLOCK_DATA;
        if (fn(&b, ctx))
            return;
        off = it->next;
    }

    b.start = m->heap_end;
    b.header_size = SIZEOF_STRUCT_MEM;
    b.size = 0;
    b.used = RT_TRUE;
    b.kind = RT_MEM_BLOCK_SENTINEL;
    fn(&b, ctx);
}

/* ----------------------------------------- system-heap seam (heap.h) */

/* The pre-4.1 globals: the system heap's control block lives outside the
 * heap range, so all of [begin, end) is heap. */
static struct rt_smem_classic cls_system_heap;

static void *cls_sys_init(const char *name, void *begin, rt_size_t size)
{
    return cls_init_at(&cls_system_heap, name, (rt_ubase_t)begin,
                       (rt_ubase_t)begin + size, begin, size);
}

static void cls_sys_detach(void *heap)
{
    rt_smem_classic_detach((rt_smem_t)heap);
    rt_memset(&cls_system_heap, 0, sizeof(cls_system_heap));
}

static void *cls_sys_alloc(void *heap, rt_size_t size)
{
    return rt_smem_classic_alloc((rt_smem_t)heap, size);
}

static void *cls_sys_realloc(void *heap, void *ptr, rt_size_t newsize)
{
    return rt_smem_classic_realloc((rt_smem_t)heap, ptr, newsize);
}

static void cls_sys_free(void *heap, void *ptr)
{
    rt_smem_classic_free((rt_smem_t)heap, ptr);
}

static void cls_sys_info(void *heap, rt_size_t *total, rt_size_t *used, rt_size_t *max_used)
{
    rt_smem_t m = (rt_smem_t)heap;

    if (total)
        *total = m->total;
    if (used)
        *used = m->used;
    if (max_used)
        *max_used = m->max;
}

static int cls_sys_check(void *heap)
{
    return rt_smem_classic_check((rt_smem_t)heap);
}

static void cls_sys_walk(void *heap, rt_mem_walk_fn fn, void *ctx)
{
    rt_smem_classic_walk((rt_smem_t)heap, fn, ctx);
}

/* The block's capacity; a split wrote the header right after it.  *lo is
 * RT_NULL when the header disagrees with its neighbours (overwritten). */
static rt_size_t cls_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    struct rt_smem_classic *m = (struct rt_smem_classic *)heap;
    struct heap_mem *mem = (struct heap_mem *)((rt_uint8_t *)ptr - SIZEOF_STRUCT_MEM);
    rt_size_t off = cls_off(m, mem);
    rt_size_t cap = mem->next - off - SIZEOF_STRUCT_MEM;

    *lo = mem;
    *hi = (rt_uint8_t *)ptr + cap + SIZEOF_STRUCT_MEM;
    if (mem->magic != HEAP_MAGIC || mem->used != 1 || mem->next <= off || mem->next > cls_end_off(m) ||
        (off == 0 ? mem->prev != 0 : mem->prev >= off || cls_item(m, mem->prev)->next != off))
        *lo = RT_NULL;
    else if (cls_item(m, mem->next)->magic != HEAP_MAGIC ||
             (mem->next != cls_end_off(m) && cls_item(m, mem->next)->prev != off))
        *hi = RT_NULL;      /* the next header was written over */
    return cap;
}

const struct rt_heap_algorithm rt_heap_smallmem_classic =
{
    "smallmem-classic",
    cls_sys_init,
    RT_NULL,
    cls_sys_detach,
    cls_sys_alloc,
    cls_sys_realloc,
    cls_sys_free,
    cls_sys_info,
    cls_sys_check,
    cls_sys_walk,
    cls_sys_usable,
    0, 0,
};
#endif /* RT_USING_SMALL_MEM */
