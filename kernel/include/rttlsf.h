/*
 * rttlsf.h - the parts of the TLSF-class heap that RT-Thread has no name
 * for (an rtsim addition).  The core object API (rt_tlsf_init, _detach,
 * _alloc, _realloc, _free) is in rtthread.h; check and walk are in rtmm.h.
 * Its contract, in one place (kernel/src/tlsf.c has the design):
 *
 *   rt_tlsf_init(name, begin, size): the heap object is placed at the
 *     start of [begin, begin + size), the rest becomes one free block.
 *     Returns RT_NULL iff the range wraps, exceeds a quarter of the address
 *     space, or cannot hold the control block and one block.  Static
 *     object of class Memory, algorithm "tlsf".  O(log size).
 *   rt_tlsf_alloc(m, size): RT_NULL iff size == 0, size >
 *     rt_tlsf_max_request(m), or no free block holds size + one word
 *     (see tlsf.c R2 for the one case a fitting block is not found).  Data
 *     aligned to RT_ALIGN_SIZE.  O(1).
 *   rt_tlsf_free(m, ptr): ptr from this heap or RT_NULL.  A pointer whose
 *     header is not marked used trips RT_ASSERT and changes nothing.  O(1).
 *   rt_tlsf_realloc(m, ptr, size): ptr RT_NULL = alloc; size 0 = free and
 *     RT_NULL; in place when shrinking or when the next block is free and
 *     large enough; else alloc + copy + free.  RT_NULL on failure with ptr
 *     untouched.  O(1) plus the copy.
 *   rt_tlsf_detach(m): forgets the object; the memory is the caller's.
 *   Statistics in m->total / used / max: used counts whole blocks, headers
 *   included, as small mem does.
 *
 * None of these functions blocks, prints or takes a lock: the caller
 * serialises calls on one heap (the system heap wraps them in its lock).
 * Every one may be called from an interrupt handler if the caller's lock
 * allows it, because each runs in a bounded number of instructions.
 */
#ifndef RT_TLSF_H__
#define RT_TLSF_H__

#include "rtdef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Give heap `m` another RAM region [begin, begin + size).  The region may
 * lie anywhere (not next to the others); blocks never span two regions.
 * A region larger than the heap's largest block class (fixed at
 * rt_tlsf_init from its size) is cut into several sub-regions.
 * Returns RT_EOK; -RT_EINVAL when the region is too small to hold one
 * block, overlaps a region of the heap, or wraps the address space.
 * O(regions + size / largest block).  `total` grows by the new blocks. */
rt_err_t rt_tlsf_add_region(rt_tlsf_t m, void *begin, rt_size_t size);

/* rt_tlsf_alloc with the returned address a multiple of `align`.
 * align must be a power of two; align <= RT_ALIGN_SIZE is plain alloc.
 * Returns RT_NULL iff size == 0, align is not a power of two, or no free
 * block can hold size + align + one minimum block (the slack that lets
 * the misaligned front be returned to the heap as a free block).  O(1).
 * The block is released with rt_tlsf_free / resized with rt_tlsf_realloc
 * like any other (realloc keeps the alignment only when it works in place). */
void *rt_tlsf_alloc_align(rt_tlsf_t m, rt_size_t size, rt_size_t align);

/* Data bytes usable in the block behind `ptr` (>= the size asked for).
 * O(1). */
rt_size_t rt_tlsf_usable_size(void *ptr);

/* Largest `size` for which rt_tlsf_alloc(m, size) could ever succeed on
 * this heap (fixed at init).  Larger requests return RT_NULL in O(1). */
rt_size_t rt_tlsf_max_request(rt_tlsf_t m);

/* Test builds only (RT_TLSF_COUNT_STEPS defined when compiling tlsf.c):
 * one count per elementary step - a bitmap scan, a list probe, a link or
 * unlink, a split, a merge.  Tests read it to prove that no call's step
 * count depends on the heap's size or contents. */
extern rt_uint32_t rt_tlsf_steps;

#ifdef __cplusplus
}
#endif

#endif /* RT_TLSF_H__ */
