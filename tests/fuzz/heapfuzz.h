/*
 * heapfuzz.h - one operation-stream harness for every memory manager.
 *
 * An input is a byte string decoded into a sequence of heap operations
 * (alloc, realloc, free, aligned alloc, page / pool operations, free all).
 * After every operation the heap is held against a reference model of the
 * live blocks:
 *
 *   M1  every live block lies inside the arena, is RT_ALIGN_SIZE-aligned
 *       (aligned allocations: aligned as asked) and overlaps no other;
 *   M2  the heap's walker agrees with the model: each used block holds
 *       exactly one live block, no live block sits in a free block or a
 *       header, and no used block is unknown to the model;
 *   M3  every live block still holds its pattern (derived from its id), so
 *       nothing wrote into it and realloc kept the common prefix;
 *   M4  the statistics equal a recount from the walk (used, and
 *       used <= max_used <= total, plus one header for small mem) and the
 *       manager's check() returns 0;
 *   M5  after "free all" (and at the end of the input) used is back to its
 *       value right after init: bytes are conserved.
 *
 * The same code runs as a libFuzzer target (tests/fuzz/fuzz_heap.c) and as
 * the plain replay program CI runs over the committed corpora
 * (tests/fuzz/replay.c).  Outside rt_sim_run: every manager is driven from
 * the host thread after rt_system_object_init() (memheap's semaphore is
 * always free, so rt_sem_take never blocks).
 */
#ifndef RTSIM_HEAPFUZZ_H__
#define RTSIM_HEAPFUZZ_H__

#include <stddef.h>
#include <stdint.h>

#include <rtthread.h>
#include <rtmm.h>

/* A summary of one walk, for the statistics recount (M4). */
struct hf_walk_sum
{
    rt_size_t used_with_headers;    /* sum of header + size over used data blocks */
    rt_size_t used_data;            /* sum of size over used data and page blocks */
    rt_size_t free_data;            /* sum of size over free data and page blocks */
};

/* One memory manager as the harness sees it. */
struct hf_heap
{
    const char *name;
    /* Set up a heap over [arena, arena + size); 0 on success.  `variant`
     * selects among sub-algorithms (the system heap's algorithm). */
    int   (*init)(void *arena, size_t size, unsigned variant);
    void  (*deinit)(void);
    void *(*alloc)(size_t size);
    void *(*realloc)(void *p, size_t size);
    void  (*free)(void *p);
    /* Optional: aligned allocation and its free. */
    void *(*alloc_align)(size_t size, size_t align);
    void  (*free_align)(void *p);
    /* Optional: a second kind of block (slab pages, pool blocks):
     * alloc_extra returns the block and its size in bytes. */
    void *(*alloc_extra)(unsigned arg, size_t *bytes);
    void  (*free_extra)(void *p, size_t bytes);
    int   (*check)(void);
    void  (*walk)(rt_mem_walk_fn fn, void *ctx);
    void  (*info)(size_t *total, size_t *used, size_t *max_used);
    /* What `used` should be, from a walk summary, `total`, and the bytes
     * of extra blocks the model holds. */
    rt_size_t (*expected_used)(const struct hf_walk_sum *s, size_t total, size_t extra_bytes);
    /* max_used may exceed total by this much (small mem hands a heap out
     * as one block with its header, which total leaves out). */
    size_t total_slack;
    /* Aligned blocks keep their raw pointer in the word below them
     * (rt_malloc_align): that word belongs to the block's footprint. */
    int align_word_below;
    /* Number of variants init accepts (1 when there is no choice). */
    unsigned nvariants;
    /* Name of a variant, for messages. */
    const char *(*variant_name)(unsigned variant);
};

/* The managers on this branch, NULL-terminated. */
extern const struct hf_heap *const hf_heaps[];
const struct hf_heap *hf_heap_find(const char *name);

/* Run one input against heap `h`.  Returns 0; on a broken rule prints
 * what broke (op number, rule, block) to stderr and aborts, so libFuzzer
 * and the replay both see a crash. */
int hf_run(const struct hf_heap *h, const uint8_t *data, size_t size);

/* Quiet mode for the replay (no per-op tracing).  HEAPFUZZ_TRACE=1 in the
 * environment prints every decoded operation. */
extern int hf_trace;

#endif
