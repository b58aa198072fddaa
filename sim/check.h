/*
 * check.h - checked mode inside sim/: the memory checker (check.c and its
 * parts check_record.c, check_poison.c, check_region.c, check_report.c,
 * bound by check_internal.h; the metadata shadow check_meta.c) and the
 * Valgrind / ASan annotations (annotate.c).
 */
#ifndef RTSIM_CHECK_H__
#define RTSIM_CHECK_H__

#include <rthw.h>
#include "rtsim.h"

/* Functions that touch the simulated RAM on the checker's behalf are not
 * instrumented by ASan (the RAM they touch is poisoned on purpose). */
#if defined(__SANITIZE_ADDRESS__)
#define RTSIM_HAVE_ASAN 1
#define NO_ASAN __attribute__((no_sanitize_address, noinline))
#else
#define NO_ASAN
#endif

/* Pieces of the simulated RAM read by the checker (check_meta.c M3,
 * check_poison.c C7): 16 bytes (GCC's vector extension: SSE where the
 * target has it, words where it does not) and a word, declared with
 * alignment 1 (any address is legal, for UBSan too) and may_alias. */
typedef unsigned char sim_v16 __attribute__((vector_size(16), may_alias, aligned(1)));
typedef rt_ubase_t sim_uw __attribute__((may_alias, aligned(1)));

/* fault.c: read the fault-injection spec for a run; nonzero (reported)
 * when RTSIM_FAIL_ALLOC is not understood. */
int  sim_fault_begin(const struct rt_sim_config *cfg);

/* check.c (teardown: check_region.c): a run's life. */
/* Nonzero (reported) when RTSIM_CHECK or RTSIM_FAIL_ALLOC is not understood. */
int  sim_check_begin(const struct rt_sim_config *cfg);
/* At the end of a clean run: list leaked blocks; nonzero if any. */
int  sim_check_end(void);
void sim_check_reset(void);
/* Before the heap and RAM go: forget the pools still registered. */
void sim_check_teardown(void);

/* For check_meta.c: the report's parts (check_report.c) and the block
 * lookups (check_record.c). */
void sim_check_report_head(const char *kind, int call, const void *ptr,
                           struct rt_hw_mem_site site);
const void *sim_check_block_below(const void *p, int want_pool, unsigned long *target,
                                  const unsigned char **end);
const void *sim_check_freed_holding(const void *p, int want_pool, unsigned long *target);
void sim_check_report_record(const void *record);
RT_NORETURN void sim_check_stop(void);

/* check_meta.c: the metadata shadow: on for checking levels 1 and 2;
 * forgets everything between runs. */
void sim_meta_begin(int level);
void sim_meta_reset(void);

/* annotate.c: tell Valgrind / ASan (no-ops when neither is there). */
void sim_annotate_heap(const struct rt_object *heap, void *begin, rt_size_t size);
void sim_annotate_heap_gone(const struct rt_object *heap, void *begin, rt_size_t size);
void sim_annotate_pool(const struct rt_object *pool, void *begin, rt_size_t size);
void sim_annotate_pool_gone(const struct rt_object *pool, void *begin, rt_size_t size);
void sim_annotate_alloc(const void *heap, void *data, rt_size_t size);
void sim_annotate_aligned(void *raw, void *user, rt_size_t size, rt_size_t capacity);
void sim_annotate_resize(const void *heap, void *data, rt_size_t old_size, rt_size_t new_size,
                         rt_size_t old_capacity);
/* A live block is about to be rewritten by its allocator (free, realloc). */
void sim_annotate_open(void *data, rt_size_t size, rt_size_t capacity);
void sim_annotate_free(const void *heap, void *data, rt_size_t capacity);
/* realloc copied n bytes of the caller's data to a new block. */
void sim_annotate_copied(void *data, rt_size_t n);
/* Raw memory (rt_page_alloc) handed out / given back. */
void sim_annotate_untracked(void *p, rt_size_t n, int in_use);
/* A report is about to stop the run: undo this thread's brackets. */
void sim_annotate_abandon(void);
/* Turn the rt_hw_mem_enter/leave brackets on (checked runs under Valgrind)
 * or off. */
void sim_annotate_brackets(int on);
/* A run's RAM is mapped: under Valgrind print the host/board map of every
 * region; under ASan install the report callback that translates every
 * host address inside the RAM (annotate.c). */
void sim_annotate_ram_mapped(void);
int sim_check_describe(const void *p, char *buf, size_t n);

#endif
