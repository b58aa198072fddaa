/*
 * heaptest.h - helpers shared by the small-mem suites (test_smem.c,
 * test_smem_classic.c): every operation wrapped with the heap's checker,
 * the heap's shape as a string, and a seeded stress rig.
 *
 * Use on the test's own host thread only (CMocka asserts).
 */
#ifndef RTSIM_HEAPTEST_H__
#define RTSIM_HEAPTEST_H__

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rtthread.h>

/* One small-mem flavour seen through one interface. */
struct ht_ops
{
    const char *name;
    rt_smem_t (*init)(const char *name, void *begin, rt_size_t size);
    rt_err_t (*detach)(rt_smem_t m);
    void *(*alloc)(rt_smem_t m, rt_size_t size);
    void *(*realloc)(rt_smem_t m, void *p, rt_size_t size);
    void (*free)(rt_smem_t m, void *p);
    int (*check)(rt_smem_t m);
    void (*walk)(rt_smem_t m, rt_mem_walk_fn fn, void *ctx);
};
extern const struct ht_ops ht_smem;     /* 4.1 */
extern const struct ht_ops ht_classic;  /* pre-4.1 */

/* Wrappers: assert check() == 0 before and after the call. */
void *ht_alloc(const struct ht_ops *o, rt_smem_t m, rt_size_t size);
void *ht_realloc(const struct ht_ops *o, rt_smem_t m, void *p, rt_size_t size);
void  ht_free(const struct ht_ops *o, rt_smem_t m, void *p);

/* The data blocks in address order, "u24 f3912" (u = used, f = free,
 * then the capacity in bytes).  Returns a static buffer. */
const char *ht_shape(const struct ht_ops *o, rt_smem_t m);
/* Same, built from a format ("u%d f%d", ...). */
const char *ht_fmt(const char *fmt, ...);
#define assert_shape(o, m, ...) assert_string_equal(ht_shape(o, m), ht_fmt(__VA_ARGS__))

/* Header start of the n-th data block (0-based), and of the sentinel. */
unsigned char *ht_block(const struct ht_ops *o, rt_smem_t m, int n);
unsigned char *ht_sentinel(const struct ht_ops *o, rt_smem_t m);

/* Fill [p, p + n) with garbage derived from `seed`. */
void ht_garbage(void *p, size_t n, uint64_t seed);

/* Seeded random alloc/free/realloc sequence over heap m, contents
 * verified, check() after every step.  `max_size` bounds requests. */
void ht_stress(const struct ht_ops *o, rt_smem_t m, uint64_t seed, int steps, rt_size_t max_size);

#endif
