/*
 * check.c - checked mode: the port's half of the memory checker
 * (rthw.h, "memory checking"; docs/mistakes.md is the user's page).
 *
 * Who does what
 * -------------
 * The kernel's system heap (kheap.c) and pools (mempool.c) know the heap
 * algorithms: they find a block's capacity and the bytes an allocator
 * wrote around it, and they decide when to call the algorithm.  They never
 * keep host-side tables: kernel/ is freestanding and must not grow with the
 * number of blocks.  The port keeps those tables in host memory, so the
 * simulated RAM holds exactly what the target would hold, in five files
 * (check_internal.h binds them):
 *
 *   check.c         this file: the rules below, the block hooks
 *                   (rt_hw_mem_validate, _allocated, _aligned, _resized,
 *                   _freeing, _unquarantine, _moved_from, _check_all,
 *                   _untracked, rt_hw_mp_allocated / _freeing) and a run's
 *                   life (begin, the leak list, reset)
 *   check_record.c  records: one per block ever handed out, keyed by its
 *                   data address: size, capacity, heap, who allocated it
 *                   (thread, tick, call site) and, once freed, who freed it.
 *                   A freed record stays until its address is handed out
 *                   again: that is the history a double free or a write
 *                   after free is reported with.
 *   check_poison.c  the guard and poison bytes, and the spans: the poisoned
 *                   bytes of freed blocks not yet handed out again, sorted
 *                   by address, each with a copy of its block's history;
 *                   the quarantine
 *   check_region.c  regions: the address ranges of every heap and pool, to
 *                   classify a pointer that is not a block
 *   check_report.c  every report, and the stop
 *   check_meta.c    the metadata shadow (check.h), a part of its own
 *
 * Rules
 * -----
 * C1  Validate before writing: rt_free / rt_realloc / rt_free_align /
 *     rt_mp_free look the pointer up here first.  Anything but a live block
 *     of the right kind is reported and the run stops (RT_SIM_EMEMORY);
 *     the allocator is never called, so the heap is not corrupted further.
 * C2  Slack guard: the bytes between the requested size and the block's
 *     capacity are filled with GUARD_BYTE when the block is handed out and
 *     verified when it is freed or reallocated, and by the whole-heap
 *     check.  Level 2 (strict) asks the allocator for STRICT_GUARD more
 *     bytes, so every block has at least that much guard.
 * C3  Poison: a freed block's data is filled with POISON_BYTE before the
 *     allocator takes it back; the allocator then writes its own links
 *     (free_head / free_tail bytes, which the span leaves out).  When the
 *     allocator hands out a block, every span inside [data, data+capacity)
 *     is verified; then every span inside [lo, hi) - what the allocator
 *     wrote while handing it out - is forgotten.  A damaged byte is a write
 *     after free, reported with the history of the block it belonged to.
 * C4  Quarantine (level 2): a freed block stays allocated in the heap,
 *     poisoned over its whole capacity, until QUARANTINE_BLOCKS newer
 *     blocks were freed (or an allocation fails, or the run ends); then its
 *     poison is verified and the allocator really frees it.
 * C5  Leaks: at the end of a clean run every live heap block is listed;
 *     with cfg.leaks_fail the run returns RT_SIM_ELEAK.
 * C6  Fault injection lives next door, in fault.c.
 * C7  Valgrind / ASan (annotate.c): heap ranges are no-access, a block is
 *     accessible from data to data + size while it is live, and the
 *     allocator's own accesses are bracketed by rt_hw_mem_enter/leave.
 *
 * Every byte the checker reads or writes inside the simulated RAM goes
 * through check_poison.c's sim_chk_ram_fill / _find_not / _word, which are
 * built without ASan instrumentation and run inside rt_hw_mem_enter/leave
 * (Valgrind).
 *
 * May call: every sim/check_*.c part (check_internal.h), check_meta.c's
 * run life, fault.c, annotate.c.  The hooks that only register ranges
 * live in check_region.c, the ones that only report in check_report.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check_internal.h"

static struct
{
    int level, every_call;
} run;

int sim_chk_level(void)
{
    return run.level;
}

/* =============================================================== hooks */

int rt_hw_mem_level_now;

int rt_hw_mem_level(void)
{
    return run.level | (run.every_call ? RT_HW_MEM_EVERY_CALL : 0);
}

rt_size_t rt_hw_mem_validate(const struct rt_object *heap, void *ptr, int call,
                             struct rt_hw_mem_site site)
{
    struct chk_record *r = sim_chk_get(ptr);

    /* rt_free_align validates the caller's pointer, then frees the raw one */
    if (r && !r->is_pool && !r->freed &&
        (call == RT_HW_MEM_FREE_ALIGN ? r->user != r->data
                                      : r->user == (unsigned char *)ptr && r->user == r->data))
    {
        sim_chk_report_if_stale(r, call, ptr, site);
        sim_chk_verify_guard(r, call, site);
        sim_annotate_open(r->user, r->size, (rt_size_t)(r->data + r->capacity - r->user));
        return r->capacity;
    }
    if (r && !r->is_pool && r->freed && r->user == (unsigned char *)ptr)
    {
        sim_chk_report_head(r->freed == 2 ? "double free (the block is in quarantine)"
                                          : "double free", call, ptr, site);
        sim_chk_report_block(r);
        sim_chk_report_end();
    }
    sim_chk_report_bad_pointer(heap, ptr, call, site);
}

int rt_hw_mem_is_live(void *ptr)
{
    struct chk_record *r = sim_chk_get(ptr);
    return r && !r->freed && !r->is_pool;
}

int rt_hw_mem_is_freed(void *ptr)
{
    struct chk_record *r = sim_chk_get(ptr);
    return r && r->freed && !r->is_pool;
}

rt_size_t rt_hw_mem_size(void *ptr)
{
    struct chk_record *r = sim_chk_get(ptr);
    return r && !r->freed && !r->is_pool ? r->size : 0;
}

void rt_hw_mem_allocated(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site)
{
    unsigned char *d = b->data;

    sim_annotate_alloc(b->heap, d, b->size);
    rt_hw_mem_enter();
    sim_chk_span_cut(d, d + b->copied);
    sim_chk_spans_reuse(d, d + b->capacity, (unsigned char *)b->lo, (unsigned char *)b->hi,
                        call, d, site);
    sim_chk_ram_fill(d + b->size, b->capacity - b->size, GUARD_BYTE);
    rt_hw_mem_leave();
    sim_chk_new(b->heap, d, b->size, b->capacity, 0, site);
}

void rt_hw_mem_aligned(void *raw, void *user, rt_size_t size)
{
    struct chk_record *r = sim_chk_get(raw);
    if (!r)
        return;
    unsigned char *u = user;
    r->user = u;
    r->size = size;
    rt_hw_mem_enter();
    sim_chk_ram_fill(r->data, (size_t)(u - sizeof(void *) - r->data), GUARD_BYTE);
    sim_chk_ram_fill(u + size, (size_t)(r->data + r->capacity - (u + size)), GUARD_BYTE);
    rt_hw_mem_leave();
    /* u may be the data address of an older, freed block: its record goes
     * (it would lose its only key and leak) */
    struct chk_record *old = sim_chk_get(u);
    if (old && old != r)
        sim_chk_drop(old);
    sim_chk_put(u, r);
    sim_annotate_aligned(r->data, u, size, r->capacity);
}

void rt_hw_mem_resized(const struct rt_hw_mem_block *b, rt_size_t old_capacity)
{
    struct chk_record *r = sim_chk_get(b->data);
    unsigned char *d = b->data;

    if (!r)
        return;
    rt_hw_mem_enter();
    if (b->capacity > old_capacity)
        sim_chk_spans_reuse(d + old_capacity, d + b->capacity, (unsigned char *)b->lo,
                            (unsigned char *)b->hi, RT_HW_MEM_REALLOC, d,
                            (struct rt_hw_mem_site){0, 0});
    else
        sim_chk_span_cut((unsigned char *)b->lo, (unsigned char *)b->hi);
    if (b->size < b->capacity)
        sim_chk_ram_fill(d + b->size, b->capacity - b->size, GUARD_BYTE);
    rt_hw_mem_leave();
    sim_annotate_resize(b->heap, d, r->size, b->size, old_capacity);
    r->size = b->size;
    r->capacity = b->capacity;
}

void *rt_hw_mem_freeing(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site)
{
    struct chk_record *r = sim_chk_get(b->data);

    if (!r)
        return b->data;
    sim_chk_now(&r->free, site);
    sim_annotate_free(b->heap, r->data, r->capacity);
    if (run.level < 2)
    {
        r->freed = 1;
        sim_chk_poison_freed(r, b->free_head, b->free_tail);
        return b->data;
    }
    /* C4: quarantine; the oldest leaves when it is full. */
    rt_hw_mem_enter();
    sim_chk_ram_fill(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    r->freed = 2;
    void *victim = NULL;
    if (sim_chk_quarantine_full())
        victim = rt_hw_mem_unquarantine();
    sim_chk_quarantine_push(r);
    return victim;
}

void *rt_hw_mem_unquarantine(void)
{
    struct chk_record *r = sim_chk_quarantine_pop();
    if (!r)
        return NULL;
    rt_hw_mem_enter();
    size_t off = sim_chk_ram_find_not(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    if (off < r->capacity)
        sim_chk_report_use_after_free(r, r->data + off, RT_HW_MEM_CHECK, r->user,
                                      (struct rt_hw_mem_site){0, 0});
    r->freed = 1;
    /* The allocator frees it now; its links land in the first words, so
     * the poison (checked just now) is not kept as a span. */
    return r->data;
}

void rt_hw_mem_moved_from(const struct rt_hw_mem_block *old, void *to)
{
    struct chk_record *r = sim_chk_get(old->data);
    struct chk_record *n = sim_chk_get(to);
    if (!r)
        return;
    if (n)
        sim_annotate_copied(to, r->size < n->size ? r->size : n->size);
    sim_annotate_free(old->heap, r->data, r->capacity);
    r->freed = 1;
    r->free = r->alloc;
    sim_chk_now(&r->free, (struct rt_hw_mem_site){0, 0});
    /* The allocator already took the block back: poison between its links. */
    if (old->free_head + old->free_tail < r->capacity)
    {
        rt_hw_mem_enter();
        sim_chk_ram_fill(r->data + old->free_head,
                         r->capacity - old->free_head - old->free_tail, POISON_BYTE);
        rt_hw_mem_leave();
        sim_chk_span_add(r->data + old->free_head, r->data + r->capacity - old->free_tail, r);
    }
}

/* Whole-heap check, host side: every live block's guard, every span. */
void rt_hw_mem_check_all(int call)
{
    sim_chk_report_after(call);
    call = RT_HW_MEM_CHECK;
    size_t cursor = 0;
    for (struct chk_record *r; (r = sim_chk_next(&cursor)) != NULL;)
    {
        if (!r->freed && !r->is_pool)
        {
            rt_hw_mem_enter();
            sim_chk_verify_guard(r, call, (struct rt_hw_mem_site){0, 0});
            rt_hw_mem_leave();
        }
    }
    sim_chk_spans_verify_all(call);
}

void rt_hw_mem_untracked(void *p, rt_size_t n, int in_use)
{
    if (in_use)
        sim_chk_span_cut(p, (unsigned char *)p + n);
    if (run.level)
        sim_annotate_untracked(p, n, in_use);
}

void rt_hw_mp_allocated(const struct rt_object *pool, void *block, rt_size_t size,
                        struct rt_hw_mem_site site)
{
    unsigned char *d = block;
    sim_annotate_alloc(pool, d, size);
    rt_hw_mem_enter();
    sim_chk_spans_reuse(d, d + size, d, d + size, RT_HW_MEM_MP_ALLOC, d, site);
    rt_hw_mem_leave();
    sim_chk_new(pool, d, size, size, 1, site);
}

void rt_hw_mp_freeing(const struct rt_object *pool, void *block, rt_size_t size, int state,
                      void *ptr, struct rt_hw_mem_site site)
{
    struct chk_record *r = sim_chk_get(block);

    if (state == RT_HW_MP_BLOCK_USED)
    {
        if (!r || !r->is_pool)
            r = sim_chk_new(pool, block, size, size, 1, site);
        sim_chk_now(&r->free, site);
        r->freed = 1;
        sim_chk_poison_freed(r, 0, 0);
        sim_annotate_free(pool, block, size);
        return;
    }
    sim_chk_report_mp_free(pool, block, state, ptr, r, site);
}

/* ------------------------------------------------------------ run life */
int sim_check_begin(const struct rt_sim_config *cfg)
{
    sim_check_reset();
    run.level = cfg->checked;
    const char *env = getenv("RTSIM_CHECK");
    if (env && *env)
    {
        if (!strcmp(env, "off") || !strcmp(env, "0"))
            run.level = 0;
        else if (!strcmp(env, "strict") || !strcmp(env, "2"))
            run.level = 2;
        else if (!strcmp(env, "on") || !strcmp(env, "1") || !strcmp(env, "checked"))
            run.level = 1;
        else
        {
            sim_report("rtsim: RTSIM_CHECK: bad value \"%s\" (use off, on or strict)\n", env);
            return -1;
        }
    }
    if (run.level < 0)
        run.level = 0;
    if (run.level > 2)
        run.level = 2;
    run.every_call = cfg->check_every_call;
    rt_hw_mem_level_now = rt_hw_mem_level();
    sim_meta_begin(run.level);
    /* Unchecked runs mark nothing no-access, so the brackets around the
     * allocators' own accesses would only cost time. */
    sim_annotate_brackets(run.level > 0);

    return sim_fault_begin(cfg);
}

struct leak_row { unsigned long addr; const struct chk_record *r; };

static int leak_cmp(const void *a, const void *b)
{
    unsigned long x = ((const struct leak_row *)a)->addr, y = ((const struct leak_row *)b)->addr;
    return x < y ? -1 : x > y;
}

int sim_check_end(void)
{
    int leaked = 0;
    if (!run.level)
        return 0;
    struct leak_row *rows = calloc(sim_chk_count() + 1, sizeof *rows);
    if (!rows)
        return 0;
    size_t n = 0;
    rt_size_t bytes = 0;
    size_t cursor = 0;
    for (struct chk_record *r; (r = sim_chk_next(&cursor)) != NULL;)
    {
        if (!r->freed && !r->is_pool)
        {
            rows[n].addr = rt_sim_target_addr(r->user);
            rows[n++].r = r;
            bytes += r->size;
        }
    }
    qsort(rows, n, sizeof *rows, leak_cmp);
    if (n && sim.cfg.leaks_report)
    {
        sim_report("rtsim: %lu block%s (%lu bytes) still allocated at the end of the run:\n",
                   (unsigned long)n, n == 1 ? "" : "s", (unsigned long)bytes);
        for (size_t i = 0; i < n; i++)
        {
            char when[160];
            sim_chk_event_text(when, sizeof when, &rows[i].r->alloc);
            sim_report("  leak   0x%08lx, %lu bytes, allocated by %s\n", rows[i].addr,
                       (unsigned long)rows[i].r->size, when);
        }
    }
    leaked = n > 0;
    free(rows);
    return leaked;
}

void sim_check_reset(void)
{
    sim_chk_records_reset();
    sim_chk_poison_reset();
    sim_chk_regions_reset();
    sim_chk_report_reset();
    memset(&run, 0, sizeof run);
    sim_meta_reset();
}
