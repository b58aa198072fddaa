/*
 * check_internal.h - the parts of checked mode's host side, for each other.
 * Only sim/check*.c include it; the rest of sim/ sees check.h.
 *
 *   check.c         the rules (C1..C7), the block hooks (rt_hw_mem_validate,
 *                   _allocated, _freeing, ..., rt_hw_mp_allocated / _freeing)
 *                   and a run's life (begin, leaks at the end, reset)
 *   check_record.c  block records and their history, keyed by address
 *   check_poison.c  the bytes the checker writes into the simulated RAM:
 *                   guard (C2), poison spans (C3), quarantine (C4)
 *   check_region.c  the heap and pool ranges (rt_hw_mem_heap_add, rt_hw_mp_add,
 *                   ...) and what a pointer that is no block belongs to
 *   check_report.c  every memory-error message, and stopping the run
 *
 * Calls go downwards only: check.c may call every part; check_region.c
 * calls check_record.c and check_poison.c; check_poison.c calls
 * check_report.c (to report a damaged byte); check_report.c calls the
 * lookups of check_record.c, check_region.c and check_poison.c (never a
 * hook); check_record.c calls nothing of the others.
 *
 * Every symbol here is sim_chk_*: librtsim.a is linked into the user's
 * program, so nothing internal may take a short global name.
 */
#ifndef RTSIM_CHECK_INTERNAL_H__
#define RTSIM_CHECK_INTERNAL_H__

#include <stddef.h>
#include "check.h"

#define GUARD_BYTE          0xFD    /* slack after a live block's size */
#define POISON_BYTE         0xDD    /* a freed block's data */
#define QUARANTINE_BLOCKS   16

/* ------------------------------------------- check.c: the run's level */
/* 0 off, 1 checked, 2 strict (sim_check_begin). */
int sim_chk_level(void);

/* ------------------------------------------------------ check_record.c */
struct chk_event
{
    char        thread[RT_NAME_MAX + 1];
    rt_tick_t   tick;
    const char *file;
    int         line;
};

struct chk_record
{
    const struct rt_object *heap;
    unsigned char *data;
    unsigned char *user;        /* what the caller got (rt_malloc_align) */
    rt_size_t size;             /* bytes the caller asked for (from user) */
    rt_size_t capacity;         /* bytes the block holds from data */
    int       is_pool;
    int       freed;            /* 0 live, 1 freed, 2 in quarantine */
    struct chk_event alloc, free;
    int       reused;           /* the address was a freed block before: */
    struct chk_event prev_free; /* who freed that one */
};

/* Who runs now (thread or "isr", tick, the call site). */
void sim_chk_now(struct chk_event *e, struct rt_hw_mem_site site);
void sim_chk_event_text(char *buf, size_t n, const struct chk_event *e);

/* The record keyed by a block's data or user address, or NULL. */
struct chk_record *sim_chk_get(const void *key);
/* Key r by `key` too (an aligned block's user address). */
void sim_chk_put(void *key, struct chk_record *r);
/* Forget r under both its keys and free it. */
void sim_chk_drop(struct chk_record *r);
/* A new live record at data (an older one there is dropped, its free kept
 * as the new one's prev_free). */
struct chk_record *sim_chk_new(const struct rt_object *heap, void *data, rt_size_t size,
                               rt_size_t capacity, int is_pool, struct rt_hw_mem_site site);
/* Every record once (by its data key), from *cursor on; NULL at the end.
 * Start with *cursor = 0; the order is the table's. */
struct chk_record *sim_chk_next(size_t *cursor);
/* How many keys the table holds (an upper bound on the records). */
size_t sim_chk_count(void);
/* The live heap (pool, when want_pool) block whose [data, data + capacity)
 * holds p, or NULL. */
struct chk_record *sim_chk_live_holding(const void *p, int want_pool);
/* Forget every record of a pool that goes. */
void sim_chk_drop_pool(const struct rt_object *pool);
/* Free every record (the run's end). */
void sim_chk_records_reset(void);

/* ------------------------------------------------------ check_poison.c */
/* Every byte the checker reads or writes in the simulated RAM (C7): built
 * without ASan, run inside rt_hw_mem_enter/leave. */
void sim_chk_ram_fill(unsigned char *p, size_t n, unsigned char v);
/* Offset of the first byte of [p, p + n) that is not v, or n. */
size_t sim_chk_ram_find_not(const unsigned char *p, size_t n, unsigned char v);
rt_ubase_t sim_chk_ram_word(const void *p);

/* C2: the guard around a live block, reported (the run stops) if damaged. */
void sim_chk_verify_guard(const struct chk_record *r, int call, struct rt_hw_mem_site site);
/* C3: poison a freed block, remembering all but its allocator's links. */
void sim_chk_poison_freed(struct chk_record *r, rt_size_t head, rt_size_t tail);
/* C3: remember [lo, hi) of r as poisoned / forget every poisoned byte in it. */
void sim_chk_span_add(unsigned char *lo, unsigned char *hi, const struct chk_record *r);
void sim_chk_span_cut(unsigned char *lo, unsigned char *hi);
/* C3: memory handed out again: verify [vlo, vhi), then forget [lo, hi). */
void sim_chk_spans_reuse(unsigned char *vlo, unsigned char *vhi, unsigned char *lo,
                         unsigned char *hi, int call, const void *ptr,
                         struct rt_hw_mem_site site);
/* C3: verify every span (the whole-heap check). */
void sim_chk_spans_verify_all(int call);
/* The record copy of the span holding p, or NULL. */
const struct chk_record *sim_chk_span_holding(const void *p);
/* C4: the quarantine, oldest first. */
int  sim_chk_quarantine_full(void);
void sim_chk_quarantine_push(struct chk_record *r);
struct chk_record *sim_chk_quarantine_pop(void);
void sim_chk_poison_reset(void);

/* ------------------------------------------------------ check_region.c */
struct chk_region
{
    const struct rt_object *owner;
    unsigned char *lo, *hi;
    int is_pool;
};

/* The heap or pool range holding p (the newest first), or NULL. */
const struct chk_region *sim_chk_region_of(const void *p);
/* A heap object the program made whose range holds p, or NULL. */
const struct rt_object *sim_chk_heap_object_holding(const void *p);
void sim_chk_regions_reset(void);

/* ------------------------------------------------------ check_report.c */
/* The report's head, the block's history, the stop (RT_SIM_EMEMORY). */
void sim_chk_report_head(const char *kind, int call, const void *ptr,
                         struct rt_hw_mem_site site);
void sim_chk_report_block(const struct chk_record *r);
RT_NORETURN void sim_chk_report_end(void);
/* A whole-heap check (RT_HW_MEM_CHECK) runs after this call. */
void sim_chk_report_after(int call);
RT_NORETURN void sim_chk_report_use_after_free(const struct chk_record *r,
                                               const unsigned char *at, int call,
                                               const void *ptr, struct rt_hw_mem_site site);
/* C1: ptr is no live block of the right kind. */
RT_NORETURN void sim_chk_report_bad_pointer(const struct rt_object *heap, void *ptr, int call,
                                            struct rt_hw_mem_site site);
/* C1: the live block r now holds a kernel object: reported (stops). */
void sim_chk_report_if_stale(const struct chk_record *r, int call, void *ptr,
                             struct rt_hw_mem_site site);
/* C1: rt_mp_free of anything but a used pool block (r: block's record). */
RT_NORETURN void sim_chk_report_mp_free(const struct rt_object *pool, void *block, int state,
                                        void *ptr, const struct chk_record *r,
                                        struct rt_hw_mem_site site);
void sim_chk_report_reset(void);

#endif
