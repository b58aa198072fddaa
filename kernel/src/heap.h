/*
 * heap.h - the seam between the system heap API (kheap.c: rt_malloc and
 * friends, locking, hooks, statistics) and the heap algorithms.
 *
 * Adding an algorithm = writing one `struct rt_heap_algorithm` and listing
 * it in kheap.c's table.  Every function here is called with the heap lock
 * held (or before the scheduler starts); none of them may block or print.
 */
#ifndef RTSIM_HEAP_H__
#define RTSIM_HEAP_H__

#include <rtthread.h>
#include <rthw.h>

struct rt_heap_algorithm
{
    const char *name;   /* as chosen by rt_sim_config.heap: "smallmem", ... */
    /* Manage [begin, begin + size).  Returns the heap handle, or RT_NULL
     * when the range is too small (the algorithm has already explained why
     * with rt_kprintf, as RT-Thread does). */
    void *(*init)(const char *name, void *begin, rt_size_t size);
    /* Add another RAM region to the same heap.  RT_NULL for single-region
     * algorithms. */
    rt_err_t (*add_region)(void *heap, const char *name, void *begin, rt_size_t size);
    void  (*detach)(void *heap);
    void *(*alloc)(void *heap, rt_size_t size);
    void *(*realloc)(void *heap, void *ptr, rt_size_t newsize);
    void  (*free)(void *heap, void *ptr);
    void  (*info)(void *heap, rt_size_t *total, rt_size_t *used, rt_size_t *max_used);
    int   (*check)(void *heap);
    void  (*walk)(void *heap, rt_mem_walk_fn fn, void *ctx);
    /* For the checker (rthw.h, checked mode): the capacity of the used
     * block at ptr, and in [*lo, *hi) every byte the algorithm may have
     * written while handing it out (its header, a split-off free block's
     * header and links, a new slab zone's header).  Reads only.  Sets *lo
     * to RT_NULL when the block's own header is inconsistent, *hi to
     * RT_NULL when the next block's header is (an overflow). */
    rt_size_t (*usable)(void *heap, void *ptr, const void **lo, const void **hi);
    /* Words at the start / end of a FREE block's data that the algorithm
     * keeps its own links in (slab: the chunk link or page-run header;
     * tlsf: next/pprev and the footer).  The poison skips them. */
    rt_uint8_t free_head_words, free_tail_words;
    /* Checked mode's incremental record (kheap.c, K11; rtsim, issue 12):
     * walk as walk() does, the control block and then only the blocks
     * whose header starts in [from, to).  RT_FALSE, having walked nothing,
     * when `from` is not a block header of the heap (the caller then walks
     * the whole heap).  An algorithm with one promises that a call taking
     * or giving back a block changes the layout only in its control block
     * and from the block's lower neighbour to the second header above it
     * (small mem: split, plug_holes; tlsf and memheap: split, merge), and
     * that outside those headers it writes nothing but the free-list links
     * (free_head_words after the header, or header_link_words inside it)
     * of the list neighbours of the free blocks there, which kheap.c finds
     * through those blocks' own links (K11).  With meta_window (below),
     * the windows are that function's instead.  RT_NULL: the algorithm
     * has no partial walk and every call records the whole heap. */
    rt_bool_t (*walk_span)(void *heap, const void *from, const void *to,
                           rt_mem_walk_fn fn, void *ctx);
    /* Free-list links kept in the block header (memheap: next_free and
     * prev_free): header_link_words pointer-sized words from word
     * header_link_word of the header; 0 and 0 for the others.  With
     * walk_span, the list neighbours they point at are refreshed as
     * free_head_words links are (kheap.c K11). */
    rt_uint8_t header_link_word, header_link_words;
    /* Checked mode's whole record walks this instead of walk when it is
     * set: what walk reports, less the metadata the algorithm records
     * itself, word by word, as it writes it (slab: its free chunks' links,
     * RT_HEAP_SHADOW_LINKS below).  RT_NULL: walk. */
    void  (*meta_walk)(void *heap, rt_mem_walk_fn fn, void *ctx);
    /* Checked mode's incremental record of an algorithm whose blocks have
     * no header (slab; heap_shadow.c S10): after a call on the block at
     * data, [*lo, *hi) holds the start of the only frame record besides
     * the control block that the call could have rewritten (slab: the
     * zone header of a chunk), and walk_span walks that window.  RT_FALSE
     * when the call may have changed more (slab: a large block, a zone
     * made from pages or given back, the usage table rewritten): the
     * whole heap is recorded.  RT_NULL: S4's windows of block headers. */
    rt_bool_t (*meta_window)(void *heap, const void *data, const void **lo, const void **hi);
};

typedef void (*rt_heap_walk_t)(void *heap, rt_mem_walk_fn fn, void *ctx);
typedef rt_bool_t (*rt_heap_walk_span_t)(void *heap, const void *from, const void *to,
                                         rt_mem_walk_fn fn, void *ctx);

/* ------------------------------------------- metadata shadow (heap_shadow.c)
 * Checked mode's shadow of one heap (rtsim addition, issue 12): the rules
 * are heap_shadow.c's S1-S9.  kheap.c keeps one for the system heap;
 * heap_shadow.c keeps one for each heap a program makes directly. */
#define RT_HEAP_SHADOW_SPANS    4
struct rt_heap_shadow
{
    void *heap;                             /* the records' owner */
    const struct rt_heap_algorithm *algo;   /* link words, header links */
    rt_heap_walk_t walk;                    /* the whole record */
    rt_heap_walk_span_t walk_span;          /* the incremental one, or RT_NULL */
    const void *lo[RT_HEAP_SHADOW_SPANS], *hi[RT_HEAP_SHADOW_SPANS];
    rt_uint8_t n;
    rt_bool_t whole;            /* record the whole heap after this call */
    rt_bool_t refresh;          /* free-list links: refresh the neighbours' records */
    rt_bool_t selfcheck;        /* rt_system_heap_meta_selfcheck */
    rt_size_t partial_records, whole_records, mismatches;
};
/* Start over: the next record is whole. */
void rt_heap_shadow_reset(struct rt_heap_shadow *s, void *heap,
                          const struct rt_heap_algorithm *algo, rt_heap_walk_t walk,
                          rt_heap_walk_span_t walk_span);
/* The call is about to take or give back the block at data (S4). */
void rt_heap_shadow_touch(struct rt_heap_shadow *s, const void *data);
/* Record the heap's metadata as it is now (S3-S6). */
void rt_heap_shadow_record(struct rt_heap_shadow *s);
/* Every record compared with the RAM (S2); reports and stops if one differs. */
void rt_heap_shadow_verify(struct rt_heap_shadow *s, int call, const void *ptr,
                           struct rt_hw_mem_site site);
/* The records an algorithm keeps itself (meta_walk, S8): a slab's free
 * chunks' links, under an owner of their own. */
#define RT_HEAP_SHADOW_LINKS(heap)  ((const void *)((const rt_uint8_t *)(heap) + 2))
/* S8: verify the self-kept record at addr before the algorithm reads it,
 * (re)note one, drop the one at addr (RT_NULL: all of them).  Each is one
 * test at level 0. */
void rt_heap_shadow_read(const void *heap, const void *addr, rt_size_t len);
void rt_heap_shadow_wrote(const void *heap, const void *addr, rt_size_t len);
void rt_heap_shadow_drop(const void *heap, const void *addr);
#define RT_HEAP_SHADOW_READ(heap, addr, len) \
    do { if (rt_hw_meta_enabled) rt_heap_shadow_read((heap), (addr), (len)); } while (0)
#define RT_HEAP_SHADOW_WROTE(heap, addr, len) \
    do { if (rt_hw_meta_enabled) rt_heap_shadow_wrote((heap), (addr), (len)); } while (0)
#define RT_HEAP_SHADOW_DROP(heap, addr) \
    do { if (rt_hw_meta_enabled) rt_heap_shadow_drop((heap), (addr)); } while (0)

/* Heaps a program makes directly (rt_smem_init, rt_smem_classic_init,
 * rt_slab_init, rt_memheap_init, rt_tlsf_init; S9): registered at init,
 * forgotten at detach; each public call brackets its work with
 * RT_HEAP_SHADOW_IN / _OUT.  IN with heap RT_NULL finds the heap holding
 * ptr; ptr is the block the call gives back or resizes, OUT's `got` the
 * block it handed out. */
void rt_heap_shadow_add(void *heap, const struct rt_heap_algorithm *algo,
                        rt_heap_walk_t walk, rt_heap_walk_span_t walk_span, int code,
                        void *begin, rt_size_t size);
void rt_heap_shadow_remove(void *heap);
void *rt_heap_shadow_in(void *heap, const void *ptr, int op);
void rt_heap_shadow_out(void *token, const void *got);
void rt_heap_shadow_direct_reset(void);
/* S6 for heaps made directly (tests/test_meta_incremental.c): turn the
 * self-check on or off for heaps made from now on; the counts of those
 * detached since the last call. */
void rt_heap_shadow_direct_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                     rt_size_t *mismatches);
/* While the system heap makes or grows its heaps (kheap.c): not direct. */
extern rt_bool_t rt_heap_shadow_system_busy;
#define RT_HEAP_SHADOW_IN(heap, ptr, op) \
    (rt_hw_meta_enabled ? rt_heap_shadow_in((void *)(heap), (ptr), (op)) : RT_NULL)
#define RT_HEAP_SHADOW_OUT(token, got) \
    do { if ((token) != RT_NULL) rt_heap_shadow_out((token), (got)); } while (0)

/* Shared by the algorithms whose handle is a struct rt_memory (small mem in
 * both header layouts, slab, tlsf; memheap keeps its own counters). */
/* Their info(): the object's total, used and peak. */
rt_inline void rt_heap_memory_info(void *heap, rt_size_t *total, rt_size_t *used,
                                   rt_size_t *max_used)
{
    const struct rt_memory *m = (const struct rt_memory *)heap;

    if (total != RT_NULL)
        *total = m->total;
    if (used != RT_NULL)
        *used = m->used;
    if (max_used != RT_NULL)
        *max_used = m->max;
}

/* The first thing each of their checkers asks: is m a live, statically
 * initialised memory object (rt_object_init with RT_Object_Class_Memory)? */
rt_inline rt_bool_t rt_heap_memory_is_static(const struct rt_memory *m)
{
    return m->parent.type == (RT_Object_Class_Memory | RT_Object_Class_Static);
}

/* Their system-heap entries: the table's `void *heap` is the algorithm's
 * rt_mem_t handle, and alloc, realloc, check and walk only forward to the
 * public call of the same name (rt_<pfx>_alloc, ...).  RT_HEAP_FORWARD(pfx)
 * defines those four as static <pfx>_sys_alloc, <pfx>_sys_realloc,
 * <pfx>_sys_check and <pfx>_sys_walk, so each algorithm writes only the
 * entries that differ (init, detach, free, usable).  memheap's entries
 * span its regions and are its own. */
#define RT_HEAP_FORWARD(pfx)                                                    \
    static void *pfx##_sys_alloc(void *heap, rt_size_t size)                   \
    {                                                                           \
        return rt_##pfx##_alloc((rt_mem_t)heap, size);                          \
    }                                                                           \
    static void *pfx##_sys_realloc(void *heap, void *ptr, rt_size_t newsize)   \
    {                                                                           \
        return rt_##pfx##_realloc((rt_mem_t)heap, ptr, newsize);                \
    }                                                                           \
    static int pfx##_sys_check(void *heap)                                      \
    {                                                                           \
        return rt_##pfx##_check((rt_mem_t)heap);                                \
    }                                                                           \
    static void pfx##_sys_walk(void *heap, rt_mem_walk_fn fn, void *ctx)       \
    {                                                                           \
        rt_##pfx##_walk((rt_mem_t)heap, fn, ctx);                               \
    }

/* Register the memory shell commands (free, list_mem, memtrace) with
 * rt_msh_register; called once by the boot code (kernel/src/cmd_mem.c). */
void rt_mem_cmd_register(void);

/* rt_mem_target_addr, the address the board sees, is a port hook:
 * declared in rthw.h (rt_kprintf's %p uses it too). */

/* The four-character owner name memtrace prints for the block whose data
 * starts at `data`: the thread that rt_malloc'ed it ("NONE" before the
 * scheduler runs), four blanks for a free block or one not handed out by
 * rt_malloc (kernel/src/kheap.c). */
void rt_mem_owner_name(const void *data, rt_bool_t used, char name[4]);

/* Strict checking: give every quarantined block back to the algorithm
 * (the simulator calls it at the end of a clean run, before the leak
 * list). */
void rt_system_heap_quarantine_flush(void);

/* Checked mode's metadata shadow (kheap.c, K11) around an algorithm call
 * that does not come through rt_malloc and friends: verify before it,
 * record after it.  No-ops at checking level 0. */
void rt_system_heap_meta_verify(int call, const void *ptr);
void rt_system_heap_meta_record(void);
/* rtsim (issue 12), for tests: with `on`, every incremental record of the
 * shadow (kheap.c K11) is compared with a whole-heap record made right
 * after it.  Reports, since rt_system_heap_init, how many records were
 * incremental, how many whole, and how many incremental ones differed
 * from the whole record (must stay 0).  Any pointer may be RT_NULL. */
void rt_system_heap_meta_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                   rt_size_t *mismatches);
/* rtsim (issue 19): RT_FALSE sends the heap lock's take and release through
 * rt_mutex_take / rt_mutex_release always (the slow path), RT_TRUE (the
 * default) lets the uncontended ones run inline; observable behaviour is
 * the same either way (tests/test_fastpath.c). */
void rt_system_heap_fast_paths(rt_bool_t on);

extern const struct rt_heap_algorithm rt_heap_smallmem;
extern const struct rt_heap_algorithm rt_heap_smallmem_classic;
extern const struct rt_heap_algorithm rt_heap_slab;
extern const struct rt_heap_algorithm rt_heap_memheap;
extern const struct rt_heap_algorithm rt_heap_tlsf;
void rt_memheap_cmd_register(void);    /* msh list_memheap (cmd_memheap.c) */
void rt_mempool_cmd_register(void);    /* msh list_mempool (cmd_mempool.c) */

#endif
