/*
 * mem.c - the small-memory heap, RT-Thread 4.1.0+ layout ("small mem").
 *
 * A first-fit allocator over one contiguous range, descended from lwIP's
 * mem.c.  Each heap is a kernel object (RT_Object_Class_Memory) whose
 * control block lives at the start of the range it manages, so several
 * heaps can coexist and a block finds its heap from its own header.
 *
 * Layout of a heap over [begin, begin + size):
 *
 *   begin (aligned up)
 *   |
 *   v
 *   +-----------------+------+--------+------+--------+ ... +------+-----+
 *   | struct          | hdr  | data   | hdr  | data   |     | hdr  |     |
 *   | rt_small_mem    | blk0 |        | blk1 |        |     | END  |     |
 *   +-----------------+------+--------+------+--------+ ... +------+-----+
 *                     ^                                      ^      ^
 *                     heap_ptr (offset 0)          heap_end  end (aligned down)
 *
 * Block header, exactly three words (12 bytes on a 32-bit target with
 * RT_ALIGN_SIZE 4, 24 bytes on a 64-bit one):
 *
 *   +-------------------------------+-------------+-------------+
 *   | pool_ptr: heap address | used | next offset | prev offset |
 *   +-------------------------------+-------------+-------------+
 *     bit 0 = used flag; the rest (full-width mask) = owning heap.
 *
 * Offsets are bytes from heap_ptr.  A block's data capacity is
 * next - offset - SIZEOF_STRUCT_MEM.  The sentinel header heap_end sits at
 * offset mem_size_aligned + SIZEOF_STRUCT_MEM, is always "used" and links
 * to itself; `total` (= mem_size_aligned) excludes the first header and
 * the sentinel.
 *
 * Algorithm:
 *   R1  alloc(0) returns NULL.  Other sizes are rounded up to RT_ALIGN_SIZE
 *       and raised to MIN_SIZE_ALIGNED; a size above total returns NULL.
 *   R2  First fit: walk the chain from lfree while offset <= total - size;
 *       take the first free block whose capacity >= size.  (The bound is
 *       inclusive, so a fresh heap hands out all of total in one block.)
 *   R3  Split when capacity >= size + SIZEOF_STRUCT_MEM + MIN_SIZE_ALIGNED:
 *       a free header goes right after the data; used grows by
 *       size + SIZEOF_STRUCT_MEM.  Otherwise the whole block is handed out
 *       and used grows by the whole block, header included.
 *   R4  If the chosen block was lfree, lfree moves on to the next free
 *       block (or heap_end).
 *   R5  free(NULL) does nothing.  Otherwise the block is validated (aligned,
 *       used, owned by a live heap, inside it, successor owned by it), marked
 *       free, lfree = min(lfree, block), used shrinks by the whole block, and
 *       plug_holes merges it with a free successor and a free predecessor.
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
 * Invariants (rt_smem_check returns the number of the first that fails):
 *   I1  The control block is sane: a static Memory object with algorithm
 *       "small", heap_ptr = the aligned address after the control block,
 *       address = heap_ptr, total = mem_size_aligned, heap_end at offset
 *       mem_size_aligned + SIZEOF_STRUCT_MEM.
 *   I2  The sentinel is used, owned by this heap, and its next is its own
 *       offset (its prev is scratch: plug_holes rewrites it, as upstream;
 *       plug_holes relies on the sentinel being marked used).
 *   I3  Every block header on the chain holds this heap's address with no
 *       flag bits other than bit 0.
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

/* The heap object, placed at the aligned start of its range. */
struct rt_small_mem
{
    struct rt_memory            parent;
    rt_uint8_t                 *heap_ptr;   /* first block header */
    struct rt_small_mem_item   *heap_end;   /* sentinel */
    struct rt_small_mem_item   *lfree;      /* lowest free block */
    rt_size_t                   mem_size_aligned;
};

#define MIN_SIZE            (sizeof(rt_ubase_t) + 2 * sizeof(rt_size_t))
#define MIN_SIZE_ALIGNED    RT_ALIGN(MIN_SIZE, RT_ALIGN_SIZE)
#define SIZEOF_STRUCT_MEM   RT_ALIGN(sizeof(struct rt_small_mem_item), RT_ALIGN_SIZE)

#define MEM_MASK            (~(rt_ubase_t)1)
#define MEM_USED(m)         (((rt_ubase_t)(m) & MEM_MASK) | 1)
#define MEM_FREED(m)        (((rt_ubase_t)(m) & MEM_MASK) | 0)
#define MEM_ISUSED(item)    ((item)->pool_ptr & 1)
#define MEM_POOL(item)      ((struct rt_small_mem *)((item)->pool_ptr & MEM_MASK))

/* ------------------------------------------------------------- helpers */

#ifdef RT_USING_MEMTRACE
/* The name bytes of a header (RT_USING_MEMTRACE): as many characters of
 * `name` as fit, then blanks; "INIT" on the first block of a fresh heap,
 * the thread's name (or "NONE" before the scheduler) on alloc. */
static void smem_setname(struct rt_small_mem_item *mem, const char *name)
{
    rt_size_t i = 0;

    for (; i < SMEM_THREAD_NAME && name[i] != '\0'; i++)
        mem->thread[i] = (rt_uint8_t)name[i];
    for (; i < SMEM_THREAD_NAME; i++)
        mem->thread[i] = ' ';
}
#define SMEM_SETNAME(mem, name) smem_setname((mem), (name))
#else
#define SMEM_SETNAME(mem, name) do { } while (0)
#endif

rt_inline struct rt_small_mem_item *smem_item(const struct rt_small_mem *m, rt_size_t off)
{
    return (struct rt_small_mem_item *)(m->heap_ptr + off);
}

rt_inline rt_size_t smem_off(const struct rt_small_mem *m, const struct rt_small_mem_item *it)
{
    return (rt_size_t)((const rt_uint8_t *)it - m->heap_ptr);
}

rt_inline rt_size_t smem_end_off(const struct rt_small_mem *m)
{
    return m->mem_size_aligned + SIZEOF_STRUCT_MEM;
}

/* Set the prev link of the header at `off` unless it is the sentinel. */
rt_inline void smem_set_prev(struct rt_small_mem *m, rt_size_t off, rt_size_t prev)
{
    if (off != smem_end_off(m))
        smem_item(m, off)->prev = prev;
}

/* Is m a live small-mem heap object (static, class Memory)? */
rt_inline rt_bool_t smem_is_heap(const struct rt_small_mem *m)
{
    return m != RT_NULL &&
           m->parent.parent.type == (RT_Object_Class_Memory | RT_Object_Class_Static);
}

/* Carve a free block out of `mem` at `off2` (the new block's offset).
 *   before: [mem ........................][next]
 *   after:  [mem ....][off2: free .......][next]  */
static void smem_split(struct rt_small_mem *m, struct rt_small_mem_item *mem, rt_size_t off2)
{
    struct rt_small_mem_item *mem2 = smem_item(m, off2);

    mem2->pool_ptr = MEM_FREED(m);
    mem2->next = mem->next;
    mem2->prev = smem_off(m, mem);
    mem->next = off2;
    smem_set_prev(m, mem2->next, off2);
}

/* Merge the free block `mem` with a free successor and a free predecessor.
 *   before: [prev free][mem free][next free]
 *   after:  [prev free ........................]
 * Like RT-Thread it rewrites the successor's prev link even when that is
 * the sentinel (nothing reads the sentinel's prev). */
rt_inline void plug_holes(struct rt_small_mem *m, struct rt_small_mem_item *mem)
{
    rt_uint8_t *base = m->heap_ptr;
    struct rt_small_mem_item *nmem = (struct rt_small_mem_item *)(base + mem->next);
    struct rt_small_mem_item *pmem;

    /* RT-Thread also tests nmem != mem and nmem != heap_end; neither can
     * hold here: next > offset for every block (I4) and the sentinel is
     * always marked used (I2). */
    if (!MEM_ISUSED(nmem))
    {
        if (m->lfree == nmem)
            m->lfree = mem;
        nmem->pool_ptr = 0;
        mem->next = nmem->next;
        ((struct rt_small_mem_item *)(base + nmem->next))->prev = (rt_size_t)((rt_uint8_t *)mem - base);
    }

    pmem = (struct rt_small_mem_item *)(base + mem->prev);
    if (pmem != mem && !MEM_ISUSED(pmem))
    {
        if (m->lfree == mem)
            m->lfree = pmem;
        mem->pool_ptr = 0;
        pmem->next = mem->next;
        ((struct rt_small_mem_item *)(base + mem->next))->prev = (rt_size_t)((rt_uint8_t *)pmem - base);
    }
}

/* R2: the first free block from lfree with capacity >= size, or NULL.
 * This loop is where the allocator spends its time, so it visits two
 * blocks per round: the compiler can then keep both offsets in registers
 * and a used block costs six instructions instead of seven.  Each visit is
 * the same test: offset <= total - size, then free and big enough. */
rt_inline int smem_fits(const struct rt_small_mem_item *mem, rt_size_t ptr, rt_size_t next,
                        rt_size_t need)
{
    return !MEM_ISUSED(mem) && next - ptr >= need;
}

rt_inline struct rt_small_mem_item *find_fit(struct rt_small_mem *m, rt_size_t size)
{
    rt_uint8_t *base = m->heap_ptr;
    rt_size_t limit = m->mem_size_aligned - size;
    rt_size_t need = size + SIZEOF_STRUCT_MEM;    /* header + data */
    rt_size_t ptr = smem_off(m, m->lfree);

    if (ptr > limit)
        return RT_NULL;
    for (;;)
    {
        struct rt_small_mem_item *a = (struct rt_small_mem_item *)(base + ptr);
        rt_size_t next = a->next;
        struct rt_small_mem_item *b;

        if (smem_fits(a, ptr, next, need))
            return a;
        if (next > limit)
            return RT_NULL;
        b = (struct rt_small_mem_item *)(base + next);
        ptr = b->next;
        if (smem_fits(b, next, ptr, need))
            return b;
        if (ptr > limit)
            return RT_NULL;
    }
}

/* R3 + R4: hand out `mem` for `size` bytes, splitting when worthwhile. */
rt_inline void mark_used(struct rt_small_mem *m, struct rt_small_mem_item *mem, rt_size_t size)
{
    rt_size_t ptr = smem_off(m, mem);
    rt_size_t used = m->parent.used;
    struct rt_small_mem_item *lfree;

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

    mem->pool_ptr = MEM_USED(m);
    SMEM_SETNAME(mem, rt_thread_self() != RT_NULL ? rt_thread_self()->name : "NONE");

    lfree = m->lfree;
    if (mem == lfree)
    {
        rt_uint8_t *base = m->heap_ptr;
        struct rt_small_mem_item *end = m->heap_end;

        while (MEM_ISUSED(lfree) && lfree != end)
            lfree = (struct rt_small_mem_item *)(base + lfree->next);
        m->lfree = lfree;
    }
}

/* ----------------------------------------------------------- public API */

rt_smem_t rt_smem_init(const char *name, void *begin_addr, rt_size_t size)
{
    struct rt_small_mem *m;
    struct rt_small_mem_item *mem;
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

    rt_memset(m, 0, sizeof(*m));
    rt_object_init(&m->parent.parent, RT_Object_Class_Memory, name);
    m->parent.algorithm = "small";
    m->parent.address = begin_align;
    m->parent.total = end_align - begin_align - 2 * SIZEOF_STRUCT_MEM;
    m->mem_size_aligned = m->parent.total;

    m->heap_ptr = (rt_uint8_t *)begin_align;
    mem = smem_item(m, 0);
    mem->pool_ptr = MEM_FREED(m);
    mem->next = smem_end_off(m);
    mem->prev = 0;
    SMEM_SETNAME(mem, "INIT");

    m->heap_end = smem_item(m, smem_end_off(m));
    m->heap_end->pool_ptr = MEM_USED(m);
    m->heap_end->next = smem_end_off(m);
    m->heap_end->prev = smem_end_off(m);

    m->lfree = mem;
    return &m->parent;
}

rt_err_t rt_smem_detach(rt_smem_t m)
{
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    RT_ASSERT(rt_object_is_systemobject(&m->parent));

    rt_object_detach(&m->parent);
    return RT_EOK;
}

void *rt_smem_alloc(rt_smem_t heap, rt_size_t size)
{
    struct rt_small_mem *m = (struct rt_small_mem *)heap;
    struct rt_small_mem_item *mem;

    if (size == 0)
        return RT_NULL;
    if (!smem_is_heap(m))
    {
        RT_ASSERT(smem_is_heap(m));
        return RT_NULL;
    }

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

void rt_smem_free(void *rmem)
{
    struct rt_small_mem_item *mem;
    struct rt_small_mem *m;
    rt_uint8_t *base;
    rt_ubase_t pool;
    rt_size_t off, next, end;

    if (rmem == RT_NULL)
        return;

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

    mem->pool_ptr = MEM_FREED(m);
    SMEM_SETNAME(mem, "");
    if (mem < m->lfree)
        m->lfree = mem;
    m->parent.used -= next - off;
    plug_holes(m, mem);
    return;

bad:
    smem_report_bad(rmem);
}

void *rt_smem_realloc(rt_smem_t heap, void *rmem, rt_size_t newsize)
{
    struct rt_small_mem *m = (struct rt_small_mem *)heap;
    struct rt_small_mem_item *mem;
    rt_size_t ptr, size;
    void *nmem;

    if (!smem_is_heap(m))
    {
        RT_ASSERT(smem_is_heap(m));
        return RT_NULL;
    }

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
        return rt_smem_alloc(heap, newsize);

    if (!smem_block_of(m, rmem))
        return RT_NULL;

    mem = (struct rt_small_mem_item *)((rt_uint8_t *)rmem - SIZEOF_STRUCT_MEM);
    ptr = smem_off(m, mem);
    size = mem->next - ptr - SIZEOF_STRUCT_MEM;
    if (size == newsize)
        return rmem;

    if (newsize + SIZEOF_STRUCT_MEM + MIN_SIZE < size)
    {
        /* Shrink in place.
         *   before: [mem ..........................][next]
         *   after:  [mem ....][mem2: free .........][next]  */
        struct rt_small_mem_item *mem2;

        m->parent.used -= size - newsize;
        smem_split(m, mem, ptr + SIZEOF_STRUCT_MEM + newsize);
        mem2 = smem_item(m, mem->next);
        if (mem2 < m->lfree)
            m->lfree = mem2;
        plug_holes(m, mem2);
        return rmem;
    }

    nmem = rt_smem_alloc(heap, newsize);
    if (nmem != RT_NULL)
    {
        rt_memcpy(nmem, rmem, size < newsize ? size : newsize);
        rt_smem_free(rmem);
    }
    return nmem;
}

/* ------------------------------------------------------ check and walk */

int rt_smem_check(rt_smem_t heap)
{
    const struct rt_small_mem *m = (const struct rt_small_mem *)heap;
    rt_size_t end, off, prev_off, used_sum = 0;
    rt_bool_t prev_free = RT_FALSE, seen_free = RT_FALSE;
    const struct rt_small_mem_item *it;

    /* I1 */
    if (!smem_is_heap(m) || m->parent.algorithm == RT_NULL ||
        rt_strcmp(m->parent.algorithm, "small") != 0 ||
        m->heap_ptr != (rt_uint8_t *)RT_ALIGN((rt_ubase_t)m + sizeof(*m), RT_ALIGN_SIZE) ||
        m->parent.address != (rt_ubase_t)m->heap_ptr ||
        m->parent.total != m->mem_size_aligned ||
        (m->mem_size_aligned & (RT_ALIGN_SIZE - 1)) != 0 ||
        m->heap_end != smem_item(m, smem_end_off(m)))
        return 1;
    end = smem_end_off(m);

    /* I2 */
    if (m->heap_end->pool_ptr != MEM_USED(m) || m->heap_end->next != end)
        return 2;

    /* I3..I7 in one pass along the chain. */
    for (off = 0, prev_off = 0; off != end; prev_off = off, off = it->next)
    {
        it = smem_item(m, off);
        if ((it->pool_ptr & MEM_MASK) != (rt_ubase_t)m)
            return 3;
        if (it->next <= off || it->next > end ||
            ((it->next - off - SIZEOF_STRUCT_MEM) & (RT_ALIGN_SIZE - 1)) != 0 ||
            it->next - off < SIZEOF_STRUCT_MEM)
            return 4;
        if (it->prev != prev_off)
            return 5;
        if (!MEM_ISUSED(it))
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
        prev_free = !MEM_ISUSED(it);
    }
    if (!seen_free && m->lfree != m->heap_end)
        return 7;

    /* I8 */
    if (used_sum != m->parent.used || m->parent.used > m->parent.max ||
        m->parent.max > m->parent.total + SIZEOF_STRUCT_MEM)
        return 8;
    return 0;
}

void rt_smem_walk(rt_smem_t heap, rt_mem_walk_fn fn, void *ctx)
{
    const struct rt_small_mem *m = (const struct rt_small_mem *)heap;
    struct rt_mem_block b;
    rt_size_t off, end;

    if (!smem_is_heap(m) || fn == RT_NULL)
        return;
    end = smem_end_off(m);

    b.heap = m;
    b.start = m;
    b.header_size = 0;
    b.size = (rt_size_t)(m->heap_ptr - (const rt_uint8_t *)m);
    b.used = RT_TRUE;
    b.kind = RT_MEM_BLOCK_CONTROL;
    if (fn(&b, ctx))
        return;

    /* Stops at the first broken link, so a corrupted heap cannot loop. */
    for (off = 0; off < end;)
    {
        const struct rt_small_mem_item *it = smem_item(m, off);

        if (it->next <= off || it->next > end || it->next - off < SIZEOF_STRUCT_MEM)
            return;
        b.start = it;
        b.header_size = SIZEOF_STRUCT_MEM;
        b.size = it->next - off - SIZEOF_STRUCT_MEM;
        b.used = MEM_ISUSED(it) ? RT_TRUE : RT_FALSE;
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

static void *smem_sys_init(const char *name, void *begin, rt_size_t size)
{
    return rt_smem_init(name, begin, size);
}

static void smem_sys_detach(void *heap)
{
    rt_smem_detach((rt_smem_t)heap);
}

static void *smem_sys_alloc(void *heap, rt_size_t size)
{
    return rt_smem_alloc((rt_smem_t)heap, size);
}

static void *smem_sys_realloc(void *heap, void *ptr, rt_size_t newsize)
{
    return rt_smem_realloc((rt_smem_t)heap, ptr, newsize);
}

/* rt_free: the system heap checks the block against itself first (see
 * smem_block_of), so a foreign or interior pointer is reported, never
 * followed.  Only then does rt_smem_free run, with its own checks. */
static void smem_sys_free(void *heap, void *ptr)
{
    if (ptr != RT_NULL && !smem_block_of((struct rt_small_mem *)heap, ptr))
        return;
    rt_smem_free(ptr);
}

static void smem_sys_info(void *heap, rt_size_t *total, rt_size_t *used, rt_size_t *max_used)
{
    rt_smem_t m = (rt_smem_t)heap;

    if (total)
        *total = m->total;
    if (used)
        *used = m->used;
    if (max_used)
        *max_used = m->max;
}

static int smem_sys_check(void *heap)
{
    return rt_smem_check((rt_smem_t)heap);
}

static void smem_sys_walk(void *heap, rt_mem_walk_fn fn, void *ctx)
{
    rt_smem_walk((rt_smem_t)heap, fn, ctx);
}

/* The block's capacity; a split wrote the header right after it.  *lo is
 * RT_NULL when the header disagrees with its neighbours (overwritten). */
static rt_size_t smem_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    struct rt_small_mem *m = (struct rt_small_mem *)heap;
    struct rt_small_mem_item *mem = (struct rt_small_mem_item *)((rt_uint8_t *)ptr - SIZEOF_STRUCT_MEM);
    rt_size_t off = smem_off(m, mem);
    rt_size_t cap = mem->next - off - SIZEOF_STRUCT_MEM;

    *lo = mem;
    *hi = (rt_uint8_t *)ptr + cap + SIZEOF_STRUCT_MEM;
    if (mem->pool_ptr != MEM_USED(m) || mem->next <= off || mem->next > smem_end_off(m) ||
        (off == 0 ? mem->prev != 0 : mem->prev >= off || smem_item(m, mem->prev)->next != off))
        *lo = RT_NULL;
    else if (MEM_POOL(smem_item(m, mem->next)) != m ||
             (mem->next != smem_end_off(m) && smem_item(m, mem->next)->prev != off))
        *hi = RT_NULL;      /* the next header was written over */
    return cap;
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
    smem_sys_info,
    smem_sys_check,
    smem_sys_walk,
    smem_sys_usable,
    0, 0,
};
#endif /* RT_USING_SMALL_MEM */
