/*
 * rtmm.h - rtsim's inspection API for the memory managers (not in
 * RT-Thread): a block walker and an invariant checker per manager, and the
 * extended statistics of the system heap.
 *
 * The walker is the one source of truth about a heap's shape: the checker,
 * the heap maps, the shell's memtrace and the tests all read it.
 */
#ifndef RT_MM_H__
#define RT_MM_H__

#include "rtdef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a walked block is. */
enum rt_mem_block_kind
{
    RT_MEM_BLOCK_DATA,      /* an ordinary block: used or free */
    RT_MEM_BLOCK_SENTINEL,  /* a boundary header (heap end, memheap tail) */
    RT_MEM_BLOCK_CONTROL,   /* control structure inside the range (heap object, usage table) */
    RT_MEM_BLOCK_ZONE,      /* slab zone header */
    RT_MEM_BLOCK_PAGES,     /* slab page run (free or large allocation) */
};

struct rt_mem_block
{
    const void *start;      /* host address of the block's first byte (its header) */
    rt_size_t   header_size;/* bytes of header before the data (0 if none) */
    rt_size_t   size;       /* data bytes the block holds (capacity) */
    rt_bool_t   used;
    rt_uint8_t  kind;       /* enum rt_mem_block_kind */
    const void *heap;       /* the manager object owning the block */
};

/* Called once per block in address order; return nonzero to stop early. */
typedef int (*rt_mem_walk_fn)(const struct rt_mem_block *block, void *ctx);

/* Each *_check returns 0 when every invariant of the manager holds, or the
 * number n of the first invariant In that is broken (the manager's source
 * file lists them).  It never asserts and never writes.  O(blocks). */
/* Each manager's part is there when the configuration has it (rtconfig.h). */
#ifdef RT_USING_SMALL_MEM
/* Bytes of an rt_smem block header (4.1 layout) in this configuration:
 * three words, and the thread name with RT_USING_MEMTRACE, rounded up to
 * RT_ALIGN_SIZE (12 on a 32-bit board, 16 with RT_ALIGN_SIZE 8). */
extern const rt_size_t rt_smem_header_size;
int  rt_smem_check(rt_smem_t m);
void rt_smem_walk(rt_smem_t m, rt_mem_walk_fn fn, void *ctx);
int  rt_smem_classic_check(rt_smem_t m);
void rt_smem_classic_walk(rt_smem_t m, rt_mem_walk_fn fn, void *ctx);
/* The pre-4.1.0 small mem as an object (kernel/src/mem_classic.c), so a
 * classic heap and a 4.1 heap can be compared side by side.  Same contract
 * as rt_smem_init/detach/alloc/realloc/free, except that free takes the
 * heap (the classic header has no owner pointer). */
rt_smem_t rt_smem_classic_init(const char *name, void *begin_addr, rt_size_t size);
rt_err_t rt_smem_classic_detach(rt_smem_t m);
void *rt_smem_classic_alloc(rt_smem_t m, rt_size_t size);
void *rt_smem_classic_realloc(rt_smem_t m, void *rmem, rt_size_t newsize);
void rt_smem_classic_free(rt_smem_t m, void *rmem);
#endif
#ifdef RT_USING_MEMHEAP
int  rt_memheap_check(struct rt_memheap *heap);
void rt_memheap_walk(struct rt_memheap *heap, rt_mem_walk_fn fn, void *ctx);
#endif
#ifdef RT_USING_SLAB
int  rt_slab_check(rt_slab_t m);
void rt_slab_walk(rt_slab_t m, rt_mem_walk_fn fn, void *ctx);
#endif
int  rt_tlsf_check(rt_tlsf_t m);
void rt_tlsf_walk(rt_tlsf_t m, rt_mem_walk_fn fn, void *ctx);
#ifdef RT_USING_MEMPOOL
int  rt_mp_check(rt_mp_t mp);
/* Every block of the pool in address order (header_size = one pointer,
 * used = its header word holds the pool).  Not from an ISR while the pool
 * is in use by others: it does not mask interrupts.  O(blocks). */
void rt_mp_walk(rt_mp_t mp, rt_mem_walk_fn fn, void *ctx);
/* Which waiter rt_mp_free wakes: 0 = RT-Thread 4.1 (newest first, the
 * default), nonzero = RT-Thread 5.x (oldest first).  The simulator calls
 * it at every boot with rt_sim_config.mp_wake_order. */
void rt_mp_set_wake_order(int fifo);
#endif

/* Extended statistics of the system heap, beyond rt_memory_info. */
struct rt_memory_stats
{
    rt_size_t total;            /* as rt_memory_info */
    rt_size_t used;             /* as rt_memory_info (headers included) */
    rt_size_t max_used;         /* as rt_memory_info */
    rt_size_t free_bytes;       /* data bytes in free blocks */
    rt_size_t free_blocks;      /* number of free blocks */
    rt_size_t largest_free;     /* largest single request that could succeed now */
    rt_size_t min_free_ever;    /* lowest total - used ever seen */
    rt_size_t failed_allocs;    /* rt_malloc/rt_realloc calls that returned NULL */
    rt_uint32_t fragmentation_permille; /* 1000 * (1 - largest_free / free_bytes) */
};
void rt_memory_stats(struct rt_memory_stats *stats);
/* Check / walk the system heap, whatever its algorithm. */
int  rt_system_heap_check(void);
void rt_system_heap_walk(rt_mem_walk_fn fn, void *ctx);
/* Name of the system heap algorithm ("smallmem", ...). */
const char *rt_system_heap_algorithm(void);
/* Choose the algorithm rt_system_heap_init will use (boot code only).
 * -RT_EINVAL for an unknown name. */
rt_err_t rt_system_heap_select(const char *name);
/* Give the system heap another RAM region (multi-region algorithms:
 * memheap, tlsf).  -RT_ENOSYS when the algorithm has a single region. */
rt_err_t rt_system_heap_add_region(const char *name, void *begin, void *end);
/* Forget the system heap (end of a run). */
void rt_system_heap_deinit(void);

#ifdef __cplusplus
}
#endif

#endif /* RT_MM_H__ */
