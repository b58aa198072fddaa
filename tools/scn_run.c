/*
 * scn_run.c - runs scenario statements inside a simulation.
 *
 * Statements execute in the simulated thread that reaches them (the top
 * level in "main", a `thread` body in its own thread, an `irq` body in an
 * interrupt handler), so blocking, waking and preemption are the kernel's.
 * Only one simulated thread runs at a time, so the tables below need no
 * lock.
 *
 * Every executed statement is echoed with its tick and thread.  Owners of
 * blocks come from two places: the event trace (which thread allocated
 * what, thread stacks and control blocks) read through a stdio cookie, and
 * the scenario's own variable names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rthw.h>
#include <rtmm.h>
#include <rtsim.h>

#include "heapmap.h"
#include "scenario.h"
#include "scn_internal.h"
#include "xalloc.h"

/* -------------------------------------------------------------- state */

enum var_kind { VAR_BLOCK, VAR_POOL_BLOCK, VAR_WORD /* a value from a mailbox */ };

struct var
{
    char name[32];
    int kind;
    void *ptr;          /* host pointer (NULL = the call failed) */
    int obj;            /* index in objs: heap of a block, pool of a pool block; -1 = system heap */
};

#define MAX_OBJS 16

static struct
{
    struct scn_options opt;
    struct hm_object objs[MAX_OBJS];
    char obj_names[MAX_OBJS][RT_NAME_MAX + 1];
    void *obj_backing[MAX_OBJS];        /* block of the system heap under it */
    int nobjs;
    struct var *vars;
    int nvars, cap_vars;
    struct hm_snapshot *snaps;
    char **texts;
    int nsnaps, cap_snaps;
    struct hm_log log;                  /* echo and say lines, for --html */
    int cap_log;
    struct hm_snapshot *pictures;       /* every `map`, drawn by --svg as panels */
    int npictures;
    char since_map[400];                /* memory statements since the last `map` */
    int failures;
    int step;
    FILE *tap;                          /* the run's trace (scn_owner.c) */
    struct { char name[RT_NAME_MAX + 1]; int is_mutex; void *handle; } ipc[MAX_OBJS];
    int nipc;
    const struct scn_stmt *isr_stmt;    /* statement of the running irq body */
    int expect_outcome;                 /* scn_run: RT_SIM_* the program expects */
} S;

/* --junit / --tap of `rtsim run` (outside S: it outlives the session). */
static struct
{
    struct scn_results *r;
    char errors[2048];                  /* run-time errors, for the run's own case */
} R;

static void add_case(const struct scn_stmt *s, const char *name, const char *failure)
{
    if (!R.r)
        return;
    struct scn_results *r = R.r;
    if (r->n == r->cap)
    {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->cases = rtsim_xrealloc(r->cases, (size_t)r->cap * sizeof *r->cases);
    }
    char buf[700];
    if (s)
        snprintf(buf, sizeof buf, "%s:%d: %s", s->file, s->line, s->text);
    else
        snprintf(buf, sizeof buf, "%s", name);
    r->cases[r->n].name = strdup(buf);
    r->cases[r->n].failure = failure ? strdup(failure) : NULL;
    if (!r->cases[r->n].name || (failure && !r->cases[r->n].failure))
        exit(1);
    r->n++;
}

void scn_collect(struct scn_results *r)
{
    R.r = r;
    R.errors[0] = '\0';
}

static void note_error(const char *text)
{
    size_t n = strlen(R.errors);
    snprintf(R.errors + n, sizeof R.errors - n, "%s\n", text);
}

/* The statement the running thread or handler executes (scn_exec keeps
 * it in the thread's user_data: scenario threads are rtsim's own). */
static const struct scn_stmt *current_stmt(void)
{
    if (rt_interrupt_get_nest() != 0)
        return S.isr_stmt;
    rt_thread_t t = rt_thread_self();
    return t ? (const struct scn_stmt *)t->user_data : NULL;
}

static void set_current(const struct scn_stmt *s)
{
    if (rt_interrupt_get_nest() != 0)
        S.isr_stmt = s;
    else if (rt_thread_self())
        rt_thread_self()->user_data = (rt_ubase_t)s;
}

void scn_where(FILE *out, const char *what)
{
    const struct scn_stmt *s = current_stmt();
    if (!s || !s->line)
        return;
    char buf[700];
    snprintf(buf, sizeof buf, "%s:%d:%d: error: %s\n    %s", s->file, s->line, s->col, what,
             s->text);
    fprintf(out, "%s\n", buf);
    fflush(out);
    note_error(buf);
}

/* The kernel stops the run: name the statement it was in. */
static void where_assert(const char *ex, const char *func, rt_size_t line)
{
    char what[300];
    if (line)
        snprintf(what, sizeof what, "RT_ASSERT(%s) failed in %s, line %lu%s", ex, func,
                 (unsigned long)line, S.expect_outcome == RT_SIM_EASSERT ? " (expected)" : "");
    else
        snprintf(what, sizeof what, "RT-Thread's check \"%s\" failed in %s%s", ex, func,
                 S.expect_outcome == RT_SIM_EASSERT ? " (expected)" : "");
    scn_where(stderr, what);
}

void scn_where_memory_error(void)
{
    scn_where(stderr, S.expect_outcome == RT_SIM_EMEMORY
                      ? "the memory error reported above (expected)"
                      : "the memory error reported above");
}

static const char *self_name(void)
{
    static char buf[RT_NAME_MAX + 8];
    rt_thread_t t = rt_thread_self();
    if (!t)
        return "-";
    snprintf(buf, sizeof buf, "%s%.*s", rt_interrupt_get_nest() ? "isr/" : "", RT_NAME_MAX,
             t->name);
    return buf;
}

/* ------------------------------------------------------------- output */

/* Keep a printed line for the HTML page's log (only when one is written). */
static void log_line(const char *text)
{
    if (!S.opt.html_path)
        return;
    if (S.log.n == S.cap_log)
    {
        S.cap_log = S.cap_log ? 2 * S.cap_log : 64;
        S.log.lines = rtsim_xrealloc(S.log.lines, (size_t)S.cap_log * sizeof *S.log.lines);
        S.log.step_of = rtsim_xrealloc(S.log.step_of, (size_t)S.cap_log * sizeof *S.log.step_of);
    }
    S.log.lines[S.log.n] = strdup(text);
    if (!S.log.lines[S.log.n])
        exit(1);
    S.log.step_of[S.log.n++] = S.nsnaps;
}

static void echo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void echo(const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char line[700];
    snprintf(line, sizeof line, "[tick %5u] %-10.10s %s", (unsigned)rt_tick_get_raw(),
             self_name(), buf);
    printf("%s\n", line);
    fflush(stdout);
    log_line(line);
}

static void runtime_error(const struct scn_stmt *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void runtime_error(const struct scn_stmt *s, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    echo("%s: ERROR: %s", s->text, buf);
    fflush(stdout);
    char where[700];
    snprintf(where, sizeof where, "%s:%d:%d: error: %s\n    %s", s->file, s->line, s->col, buf,
             s->text);
    fprintf(stderr, "%s\n", where);
    note_error(where);
    S.failures++;
}

static unsigned long taddr(const void *p)
{
    return p ? rt_sim_target_addr(p) : 0;
}

static const char *addr_str(const void *p)
{
    static char buf[2][24];
    static int k;
    k ^= 1;
    if (!p)
        return "NULL";
    snprintf(buf[k], sizeof buf[k], "0x%08lx", rt_sim_target_addr(p));
    return buf[k];
}

/* ---------------------------------------------------------- snapshots */

static void take_step(const struct scn_stmt *s, const char *what)
{
    if (s)
    {
        size_t n = strlen(S.since_map);
        snprintf(S.since_map + n, sizeof S.since_map - n, "%s%s", n ? "; " : "", s->text);
    }
    if (!S.opt.map && !S.opt.svg_path && !S.opt.html_path)
        return;
    /* Walking the system heap takes its lock, which an interrupt handler
     * may not: steps inside handlers show up in the next thread's step. */
    if (rt_interrupt_get_nest() != 0)
        return;
    char cap[200];
    S.step++;
    snprintf(cap, sizeof cap, "step %d, tick %u, %s: %s", S.step, (unsigned)rt_tick_get_raw(),
             self_name(), s ? s->text : what);
    if (S.nsnaps == S.cap_snaps)
    {
        S.cap_snaps = S.cap_snaps ? 2 * S.cap_snaps : 32;
        S.snaps = realloc(S.snaps, (size_t)S.cap_snaps * sizeof *S.snaps);
        S.texts = realloc(S.texts, (size_t)S.cap_snaps * sizeof *S.texts);
        if (!S.snaps || !S.texts)
            exit(1);
    }
    struct hm_snapshot *snap = &S.snaps[S.nsnaps];
    hm_take(snap, cap, S.objs, S.nobjs, NULL, scn_owner_of);
    S.texts[S.nsnaps] = hm_text(snap);
    if (S.opt.map)
    {
        printf("  -- map after %s\n%s", cap, S.texts[S.nsnaps]);
        fflush(stdout);
    }
    S.nsnaps++;
}

/* ------------------------------------------------------------ lookups */

static struct var *var_find(const char *name)
{
    for (int i = 0; i < S.nvars; i++)
        if (strcmp(S.vars[i].name, name) == 0)
            return &S.vars[i];
    return NULL;
}

static struct var *var_set(const char *name, int kind, void *ptr, int obj)
{
    struct var *v = var_find(name);
    if (!v)
    {
        if (S.nvars == S.cap_vars)
        {
            S.cap_vars = S.cap_vars ? 2 * S.cap_vars : 32;
            S.vars = rtsim_xrealloc(S.vars, (size_t)S.cap_vars * sizeof *S.vars);
        }
        v = &S.vars[S.nvars++];
        memset(v, 0, sizeof *v);
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    v->kind = kind;
    v->ptr = ptr;
    v->obj = obj;
    if (ptr && kind != VAR_WORD)
        scn_owner_set(taddr(ptr), name, self_name());
    return v;
}

static int obj_find(const char *name)
{
    for (int i = 0; i < S.nobjs; i++)
        if (strcmp(S.obj_names[i], name) == 0)
            return i;
    return -1;
}

static int is_pool(int o)
{
    return o >= 0 && S.objs[o].kind == HM_OBJ_POOL;
}

static void stmt_heap(const struct scn_stmt *s)
{
    int kind = scn_algo_kind(s->str);
    if (obj_find(s->name) >= 0)
        return runtime_error(s, "there is already a heap or pool called %s", s->name);
    if (S.nobjs == MAX_OBJS)
        return runtime_error(s, "at most %d heaps and pools", MAX_OBJS);
    if (!scn_algo_built(kind))
        return runtime_error(s, "heap algorithm %s is not in this build of rtsim", s->str);
    void *begin = NULL, *backing = NULL;
    rt_size_t size = 0;
    if (s->flag)
    {
        const struct rt_sim_region *r = NULL;
        for (int i = 0; i < rt_sim_region_count(); i++)
            if (strcmp(rt_sim_region(i)->name, s->name2) == 0)
                r = rt_sim_region(i);
        if (!r)
            return runtime_error(s, "board %s has no RAM region %s", rt_sim_board_name(),
                                 s->name2);
        struct hm_snapshot snap;
        hm_take(&snap, "", NULL, 0, NULL, NULL);
        int busy = 0;
        for (int i = 0; i < snap.nsections; i++)
            for (int j = 0; j < snap.sections[i].nblocks; j++)
            {
                const struct hm_block *b = &snap.sections[i].blocks[j];
                if (b->kind != HM_ZI && b->kind != HM_UNMANAGED && b->addr >= r->base &&
                    b->addr - r->base < r->size)
                    busy = 1;
            }
        hm_release(&snap);
        for (int i = 0; i < S.nobjs; i++)
            if (S.objs[i].in_region && taddr(S.obj_backing[i]) == r->base + r->zi_size)
                busy = 1;
        if (busy)
            return runtime_error(s, "region %s is already managed by a heap", s->name2);
        begin = r->host + r->zi_size;
        size = r->size - r->zi_size;
        backing = begin;
    }
    else
    {
        size = (rt_size_t)s->num[0];
        backing = rt_malloc(size);
        if (!backing)
            return runtime_error(s, "the system heap has no %lu bytes for heap %s",
                                 (unsigned long)size, s->name);
        char label[40];
        snprintf(label, sizeof label, "heap %s", s->name);
        scn_owner_set(taddr(backing), label, self_name());
        begin = backing;
    }
    int o = S.nobjs;
    snprintf(S.obj_names[o], sizeof S.obj_names[o], "%s", s->name);
    void *h = scn_heap_init(kind, S.obj_names[o], begin, size);
    if (!h)
    {
        if (!s->flag)
            rt_free(backing);
        return runtime_error(s, "%s cannot manage %lu bytes", s->str, (unsigned long)size);
    }
    S.objs[o] = (struct hm_object){ S.obj_names[o], kind, h, s->flag };
    S.obj_backing[o] = backing;
    S.nobjs++;
    echo("%s -> %s heap at 0x%08lx..0x%08lx", s->text, s->str, taddr(begin),
         taddr(begin) + (unsigned long)size);
    take_step(s, NULL);
}

static void stmt_pool(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    if (obj_find(s->name) >= 0)
        return runtime_error(s, "there is already a heap or pool called %s", s->name);
    if (S.nobjs == MAX_OBJS)
        return runtime_error(s, "at most %d heaps and pools", MAX_OBJS);
    int o = S.nobjs;
    snprintf(S.obj_names[o], sizeof S.obj_names[o], "%s", s->name);
    rt_mp_t mp = rt_mp_create(S.obj_names[o], (rt_size_t)s->num[0], (rt_size_t)s->num[1]);
    if (!mp)
        return runtime_error(s, "rt_mp_create failed: the system heap has no room for %ld "
                             "blocks of %ld bytes", s->num[0], s->num[1]);
    char label[40];
    snprintf(label, sizeof label, "pool %s", s->name);
    scn_owner_set(taddr(mp->start_address), label, NULL);
    snprintf(label, sizeof label, "pool %s object", s->name);
    scn_owner_set(taddr(mp), label, NULL);
    S.objs[o] = (struct hm_object){ S.obj_names[o], HM_OBJ_POOL, mp, 0 };
    S.obj_backing[o] = NULL;
    S.nobjs++;
    echo("%s -> %lu blocks of %lu bytes at 0x%08lx", s->text,
         (unsigned long)mp->block_total_count, (unsigned long)mp->block_size,
         taddr(mp->start_address));
    take_step(s, NULL);
#else
    runtime_error(s, "memory pools are not in this build of rtsim");
#endif
}

static void stmt_pool_delete(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    int o = obj_find(s->name);
    if (!is_pool(o))
        return runtime_error(s, "no pool called %s", s->name);
    echo("%s", s->text);
    rt_mp_t mp = S.objs[o].handle;
    S.objs[o].kind = -1;
    S.obj_names[o][0] = '\0';
    rt_mp_delete(mp);
    take_step(s, NULL);
#else
    runtime_error(s, "memory pools are not in this build of rtsim");
#endif
}

/* ------------------------------------------------------ mem statements */

static void stmt_malloc(const struct scn_stmt *s)
{
    int o = -1;
    void *p;
    if (s->name)
    {
        o = obj_find(s->name);
        if (o < 0 || is_pool(o))
            return runtime_error(s, "no heap called %s (pools use mp_alloc)", s->name);
    }
    rt_size_t size = (rt_size_t)s->num[0];
    char drawn[40] = "";
    if (s->op == SCN_MALLOC && s->flag)
    {
        size = (rt_size_t)(s->num[0] + (long)(rt_sim_rand() % (unsigned long)(s->num[1] - s->num[0] + 1)));
        snprintf(drawn, sizeof drawn, " (%lu bytes)", (unsigned long)size);
    }
    if (s->op == SCN_CALLOC)
        p = rt_calloc((rt_size_t)s->num[0], (rt_size_t)s->num[1]);
    else
        p = o < 0 ? rt_malloc(size) : scn_heap_alloc(&S.objs[o], size);
    var_set(s->var, VAR_BLOCK, p, o);
    echo("%s -> %s%s", s->text, addr_str(p), drawn);
    take_step(s, NULL);
}

static void stmt_realloc(const struct scn_stmt *s)
{
    struct var *v = var_find(s->name);
    if (!v || v->kind != VAR_BLOCK)
        return runtime_error(s, "no heap block called %s", s->name);
    void *old = v->ptr;
    int o = v->obj;
    /* As in C: `b = realloc b N` that fails leaves b NULL and the old block
     * allocated (and unnamed); the source variable of `c = realloc b N`
     * keeps its now stale address. */
    void *p = o < 0 ? rt_realloc(old, (rt_size_t)s->num[0])
                    : scn_heap_realloc(&S.objs[o], old, (rt_size_t)s->num[0]);
    var_set(s->var, VAR_BLOCK, p, o);
    echo("%s -> %s%s", s->text, addr_str(p),
         p && p == old ? " (in place)" : p ? (old ? " (moved)" : "") :
         s->num[0] == 0 ? " (freed)" : " (old block kept)");
    take_step(s, NULL);
}

static void stmt_free(const struct scn_stmt *s)
{
    struct var *v = var_find(s->name);
    if (!v)
        return runtime_error(s, "no variable called %s", s->name);
    if (v->kind == VAR_POOL_BLOCK)
        return runtime_error(s, "%s is a pool block: use mp_free", s->name);
    if (v->kind == VAR_WORD)
        return runtime_error(s, "%s is a value from a mailbox or queue, not a block", s->name);
    if (v->obj < 0)
        rt_free(v->ptr);
    else
        scn_heap_free(&S.objs[v->obj], v->ptr);
    echo("%s (%s)", s->text, addr_str(v->ptr));
    if (v->obj >= 0 && v->ptr)
        scn_owner_remove(taddr(v->ptr));
    take_step(s, NULL);
}

static void stmt_mp_alloc(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    int o = obj_find(s->name);
    if (!is_pool(o))
        return runtime_error(s, "no pool called %s", s->name);
    rt_mp_t mp = S.objs[o].handle;
    rt_int32_t timeout = s->flag ? RT_WAITING_FOREVER : (rt_int32_t)s->num[0];
    rt_tick_t t0 = rt_tick_get_raw();
    int waits = mp->block_free_count == 0 && timeout != 0;
    if (waits)
        echo("%s: pool empty, waits", s->text);
    void *p = rt_mp_alloc(mp, timeout);
    var_set(s->var, VAR_POOL_BLOCK, p, o);
    unsigned waited = (unsigned)(rt_tick_get_raw() - t0);
    if (!waits)
        echo("%s -> %s%s", s->text, addr_str(p), p ? "" : " (pool empty)");
    else if (p)
        echo("%s -> %s after %u tick%s", s->text, addr_str(p), waited, waited == 1 ? "" : "s");
    else
        echo("%s -> NULL after %u tick%s (%s)", s->text, waited, waited == 1 ? "" : "s",
             !s->flag && waited >= (unsigned)timeout ? "timed out" : "pool deleted");
    take_step(s, NULL);
#else
    runtime_error(s, "memory pools are not in this build of rtsim");
#endif
}

static void stmt_mp_free(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    struct var *v = var_find(s->name);
    if (!v || v->kind != VAR_POOL_BLOCK)
        return runtime_error(s, "no pool block called %s", s->name);
    if (!v->ptr)
        return runtime_error(s, "%s is NULL (its mp_alloc failed)", s->name);
    rt_mp_t mp = S.objs[v->obj].handle;
    int waiting = !rt_list_isempty(&mp->suspend_thread);
    echo("%s (%s)%s", s->text, addr_str(v->ptr), waiting ? ", a waiting thread gets it" : "");
    scn_owner_remove(taddr(v->ptr));
    rt_mp_free(v->ptr);
    take_step(s, NULL);
#else
    runtime_error(s, "memory pools are not in this build of rtsim");
#endif
}

/* ------------------------------------------------------------- queries */

/* The value of a quantity; returns -1 (and reports) when unknown. */
static int in_isr(const struct scn_stmt *s)
{
    if (rt_interrupt_get_nest() == 0)
        return 0;
    runtime_error(s, "not in an interrupt handler: the heap's lock is a mutex");
    return 1;
}

static int quantity(const struct scn_stmt *s, long *out)
{
    const char *q = s->name2;
    if (strcmp(q, "tick") == 0)
    {
        *out = (long)rt_tick_get_raw();
        return 0;
    }
    if (!s->name || strcmp(s->name, "heap") == 0)
    {
        struct rt_memory_stats st;
        if (in_isr(s))
            return -1;
        rt_memory_stats(&st);
        if (strcmp(q, "free") == 0) *out = (long)st.free_bytes;
        else if (strcmp(q, "used") == 0) *out = (long)st.used;
        else if (strcmp(q, "max_used") == 0) *out = (long)st.max_used;
        else if (strcmp(q, "total") == 0) *out = (long)st.total;
        else if (strcmp(q, "largest") == 0) *out = (long)st.largest_free;
        else if (strcmp(q, "free_blocks") == 0) *out = (long)st.free_blocks;
        else if (strcmp(q, "failed") == 0) *out = (long)st.failed_allocs;
        else if (strcmp(q, "frag") == 0) *out = (long)st.fragmentation_permille;
        else if (strcmp(q, "check") == 0) *out = rt_system_heap_check();
        else
        {
            runtime_error(s, "the system heap has no quantity %s", q);
            return -1;
        }
        return 0;
    }
    int o = obj_find(s->name);
    if (o < 0)
    {
        runtime_error(s, "no heap or pool called %s", s->name);
        return -1;
    }
    if (strcmp(q, "check") == 0)
    {
        *out = scn_heap_check(&S.objs[o]);
        return 0;
    }
    unsigned long fb, lg, nf, used, total;
    hm_object_stats(&S.objs[o], &fb, &lg, &nf, &used, &total);
#ifdef RTSIM_HAVE_MEMPOOL
    if (is_pool(o))
    {
        rt_mp_t mp = S.objs[o].handle;
        long waiting = 0;
        for (rt_list_t *n = mp->suspend_thread.next; n != &mp->suspend_thread; n = n->next)
            waiting++;
        if (strcmp(q, "free") == 0) *out = (long)mp->block_free_count;
        else if (strcmp(q, "total") == 0) *out = (long)mp->block_total_count;
        else if (strcmp(q, "used") == 0) *out = (long)used;
        else if (strcmp(q, "waiting") == 0) *out = waiting;
        else if (strcmp(q, "block_size") == 0) *out = (long)mp->block_size;
        else
        {
            runtime_error(s, "a pool has free, used, total, waiting, block_size and check, "
                          "not %s", q);
            return -1;
        }
        return 0;
    }
#endif
    if (strcmp(q, "free") == 0) *out = (long)fb;
    else if (strcmp(q, "used") == 0) *out = (long)used;
    else if (strcmp(q, "total") == 0) *out = (long)total;
    else if (strcmp(q, "largest") == 0) *out = (long)lg;
    else if (strcmp(q, "free_blocks") == 0) *out = (long)nf;
    else
    {
        runtime_error(s, "a heap has free, used, total, largest, free_blocks and check, "
                      "not %s", q);
        return -1;
    }
    return 0;
}

static int compare(long a, enum scn_cmp c, long b)
{
    switch (c)
    {
    case SCN_EQ: return a == b;
    case SCN_NE: return a != b;
    case SCN_LT: return a < b;
    case SCN_LE: return a <= b;
    case SCN_GT: return a > b;
    default:     return a >= b;
    }
}

static void stmt_expect(const struct scn_stmt *s)
{
    int ok;
    char got[120] = "";
    if (s->flag == SCN_EXP_OUTCOME)
        return;     /* judged by scn_run when the run ends */
    if (s->flag == SCN_EXP_QUANTITY)
    {
        long v;
        if (quantity(s, &v))
        {
            add_case(s, NULL, "could not evaluate: see the error");
            return;
        }
        ok = compare(v, s->cmp, s->num[0]);
        snprintf(got, sizeof got, "%s is %ld", s->name2, v);
    }
    else
    {
        struct var *v = var_find(s->name);
        if (!v)
        {
            add_case(s, NULL, "no such variable");
            return runtime_error(s, "no variable called %s", s->name);
        }
        unsigned long a = taddr(v->ptr), b = 0;
        if (s->flag == SCN_EXP_SAME)
        {
            struct var *w = var_find(s->name2);
            if (!w)
            {
                add_case(s, NULL, "no such variable");
                return runtime_error(s, "no variable called %s", s->name2);
            }
            b = taddr(w->ptr);
        }
        else if (s->flag == SCN_EXP_ADDR)
            b = (unsigned long)s->num[0];
        ok = compare((long)a, s->cmp, (long)b);
        snprintf(got, sizeof got, "%s is %s", s->name, addr_str(v->ptr));
    }
    if (ok)
    {
        echo("%s: ok", s->text);
        add_case(s, NULL, NULL);
    }
    else
    {
        echo("%s: FAILED (%s)", s->text, got);
        char msg[300];
        snprintf(msg, sizeof msg, "%s:%d:%d: expectation failed: %s (%s)", s->file, s->line,
                 s->col, s->text, got);
        fprintf(stderr, "%s\n", msg);
        add_case(s, NULL, msg);
        S.failures++;
    }
}

static void stmt_check(const struct scn_stmt *s)
{
    if (in_isr(s))
        return;
    int bad = 0;
    int rc = rt_system_heap_check();
    if (rc)
    {
        echo("check: system heap: invariant I%d is broken", rc);
        bad++;
    }
    for (int o = 0; o < S.nobjs; o++)
    {
        if (S.objs[o].kind < 0)
            continue;
        rc = scn_heap_check(&S.objs[o]);
        if (rc)
        {
            echo("check: %s: invariant I%d is broken", S.obj_names[o], rc);
            bad++;
        }
    }
    if (!bad)
        echo("check: every heap and pool is consistent");
    else
    {
        fprintf(stderr, "%s:%d:%d: check found %d broken heap%s\n", s->file, s->line, s->col,
                bad, bad == 1 ? "" : "s");
        S.failures++;
    }
}

/* Every name of `map A B` / `stats A` is "heap" or a heap or pool of the
 * session (an unknown one is an error, not an empty map). */
static int names_known(const struct scn_stmt *s)
{
    if (!s->str)
        return 1;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s->str);
    char *save = NULL;
    for (char *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save))
        if (strcmp(n, "heap") != 0 && obj_find(n) < 0)
        {
            runtime_error(s, "no heap or pool called %s (\"heap\" is the system heap)", n);
            return 0;
        }
    return 1;
}

static void print_stats(const struct scn_stmt *s)
{
    if (in_isr(s) || !names_known(s))
        return;
    struct hm_snapshot snap;
    hm_take(&snap, "", S.objs, S.nobjs, s->str, scn_owner_of);
    echo("%s", s->text);
    for (int i = 0; i < snap.nsections; i++)
    {
        if (snap.sections[i].stats[0])
            printf("    %s\n", snap.sections[i].stats);
        if (snap.sections[i].stats2[0])
            printf("    %s\n", snap.sections[i].stats2);
    }
    hm_release(&snap);
    fflush(stdout);
}

static void stmt_map(const struct scn_stmt *s)
{
    if (in_isr(s) || !names_known(s))
        return;
    echo("%s", s->text);
    char cap[600];
    if (S.since_map[0])
    {
        /* Many statements since the last map: name the last ones. */
        const char *steps = S.since_map, *cut;
        while (strlen(steps) > 64 && (cut = strstr(steps, "; ")) != NULL)
            steps = cut + 2;
        snprintf(cap, sizeof cap, "after %s%s (tick %u, %s, line %d)",
                 steps == S.since_map ? "" : "...; ", steps, (unsigned)rt_tick_get_raw(),
                 self_name(), s->line);
    }
    else
        snprintf(cap, sizeof cap, "tick %u, %s, line %d", (unsigned)rt_tick_get_raw(),
                 self_name(), s->line);
    S.since_map[0] = '\0';
    S.pictures = rtsim_xrealloc(S.pictures, (size_t)(S.npictures + 1) * sizeof *S.pictures);
    struct hm_snapshot *pic = &S.pictures[S.npictures++];
    hm_take(pic, cap, S.objs, S.nobjs, s->str, scn_owner_of);
    hm_print_text(stdout, pic);
    fflush(stdout);
}

static void stmt_board(const struct scn_stmt *s)
{
    if (in_isr(s))
        return;
    echo("%s", s->text);
    struct hm_snapshot snap;
    hm_take(&snap, "", NULL, 0, NULL, NULL);
    printf("    board %s, %d RAM region%s:\n", rt_sim_board_name(), rt_sim_region_count(),
           rt_sim_region_count() == 1 ? "" : "s");
    for (int i = 0; i < rt_sim_region_count(); i++)
    {
        const struct rt_sim_region *r = rt_sim_region(i);
        unsigned long lo = 0, hi = 0;
        const struct hm_section *sec = &snap.sections[i];
        for (int j = 0; j < sec->nblocks; j++)
        {
            const struct hm_block *b = &sec->blocks[j];
            if (b->kind == HM_ZI || b->kind == HM_UNMANAGED)
                continue;
            if (!lo)
                lo = b->addr;
            hi = b->addr + b->hdr + b->size;
        }
        printf("    %-6s 0x%08lx..0x%08lx %5lu KiB", r->name, r->base, r->base + r->size,
               (unsigned long)r->size / 1024);
        if (r->zi_size)
            printf("  %s 0x%08lx..0x%08lx (%lu bytes)", r->holds_zi ? "RW+ZI" : "firmware",
                   r->base, r->base + r->zi_size,
                   (unsigned long)r->zi_size);
        if (lo)
            printf("  heap 0x%08lx..0x%08lx (%lu bytes)", lo, hi, hi - lo);
        printf("\n");
    }
    hm_release(&snap);
    fflush(stdout);
}

/* headers A [B]: the raw block headers of one or two small-mem heaps,
 * decoded, side by side. */
struct hdr_lines
{
    char line[256][64];
    int n;
    int classic;
    unsigned long base;
};

#ifdef RTSIM_HAVE_SMALLMEM
static int hdr_block(const struct rt_mem_block *b, void *ctx)
{
    struct hdr_lines *h = ctx;
    if (h->n == 256 || b->kind == RT_MEM_BLOCK_CONTROL)
        return 0;
    const unsigned char *p = b->start;
    unsigned long a = rt_sim_target_addr(p);
    if (h->classic)
    {
        struct { rt_uint16_t magic, used; rt_size_t next, prev; } c;
        memcpy(&c, p, sizeof c);
        snprintf(h->line[h->n++], 64, "0x%08lx magic=%04x used=%u next=%-5lu prev=%-5lu", a,
                 c.magic, c.used, (unsigned long)c.next, (unsigned long)c.prev);
    }
    else
    {
        struct { rt_ubase_t pool; rt_size_t next, prev; } c;
        memcpy(&c, p, sizeof c);
        unsigned long owner = rt_sim_target_addr((const void *)(c.pool & ~(rt_ubase_t)1));
        snprintf(h->line[h->n++], 64, "0x%08lx pool=0x%08lx|%u next=%-5lu prev=%-5lu", a,
                 owner, (unsigned)(c.pool & 1), (unsigned long)c.next, (unsigned long)c.prev);
    }
    return 0;
}
#endif

static void stmt_headers(const struct scn_stmt *s)
{
    char first[64] = "", second[64] = "";
    snprintf(first, sizeof first, "%s", s->name);
    if (s->name2)
        snprintf(second, sizeof second, "%s", s->name2);
    const char *names[2] = { first, second };
    static struct hdr_lines cols[2];
    int ncols = second[0] ? 2 : 1;
    for (int k = 0; k < ncols; k++)
    {
        int o = obj_find(names[k]);
        if (o < 0 || (S.objs[o].kind != HM_OBJ_SMEM && S.objs[o].kind != HM_OBJ_CLASSIC))
            return runtime_error(s, "%s is not a smallmem or smallmem-classic heap", names[k]);
        cols[k].n = 0;
        cols[k].classic = S.objs[o].kind == HM_OBJ_CLASSIC;
#ifdef RTSIM_HAVE_SMALLMEM
        if (cols[k].classic)
            rt_smem_classic_walk(S.objs[o].handle, hdr_block, &cols[k]);
        else
            rt_smem_walk(S.objs[o].handle, hdr_block, &cols[k]);
#endif
    }
    echo("%s", s->text);
    if (ncols == 2)
        printf("    %-54s %s\n", first, second);
    int rows = cols[0].n > (ncols == 2 ? cols[1].n : 0) ? cols[0].n : cols[1].n;
    if (ncols == 1)
        rows = cols[0].n;
    for (int i = 0; i < rows; i++)
    {
        char row[256];
        snprintf(row, sizeof row, "    %-54.63s %.63s", i < cols[0].n ? cols[0].line[i] : "",
                 ncols == 2 && i < cols[1].n ? cols[1].line[i] : "");
        size_t n = strlen(row);
        while (n && row[n - 1] == ' ')
            row[--n] = '\0';
        printf("%s\n", row);
    }
    fflush(stdout);
}

/* ------------------------------------------------- semaphores, mutexes */

static int ipc_find(const char *name)
{
    for (int i = 0; i < S.nipc; i++)
        if (strcmp(S.ipc[i].name, name) == 0)
            return i;
    return -1;
}

/* The kernel calls behind the statements, each there only when the
 * configuration has the object (RT_USING_SEMAPHORE, RT_USING_MUTEX). */
static const char *ipc_missing(int is_mutex)
{
#ifndef RT_USING_MUTEX
    if (is_mutex)
        return "this rtsim's rtconfig.h has no mutexes (RT_USING_MUTEX)";
#endif
#ifndef RT_USING_SEMAPHORE
    if (!is_mutex)
        return "this rtsim's rtconfig.h has no semaphores (RT_USING_SEMAPHORE)";
#endif
    (void)is_mutex;
    return NULL;
}

static void *ipc_create(int is_mutex, const char *name, rt_uint32_t value)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_create(name, RT_IPC_FLAG_PRIO);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_create(name, value, RT_IPC_FLAG_PRIO);
#endif
    (void)name, (void)value;
    return NULL;
}

static int ipc_would_wait(int is_mutex, void *handle)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
    {
        rt_mutex_t m = handle;
        return m->owner != RT_NULL && m->owner != rt_thread_self();
    }
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return ((rt_sem_t)handle)->value == 0;
#endif
    (void)handle;
    return 0;
}

static rt_err_t ipc_take(int is_mutex, void *handle, rt_int32_t timeout)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_take(handle, timeout);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_take(handle, timeout);
#endif
    (void)handle, (void)timeout;
    return -RT_ENOSYS;
}

static rt_err_t ipc_release(int is_mutex, void *handle)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_release(handle);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_release(handle);
#endif
    (void)handle;
    return -RT_ENOSYS;
}

static void stmt_ipc_create(const struct scn_stmt *s)
{
    const char *missing = ipc_missing(s->op == SCN_MUTEX);
    if (missing)
        return runtime_error(s, "%s", missing);
    if (ipc_find(s->name) >= 0)
        return runtime_error(s, "there is already a semaphore or mutex called %s", s->name);
    if (S.nipc == MAX_OBJS)
        return runtime_error(s, "at most %d semaphores and mutexes", MAX_OBJS);
    int i = S.nipc;
    snprintf(S.ipc[i].name, sizeof S.ipc[i].name, "%s", s->name);
    S.ipc[i].is_mutex = s->op == SCN_MUTEX;
    S.ipc[i].handle = ipc_create(S.ipc[i].is_mutex, S.ipc[i].name, (rt_uint32_t)s->num[0]);
    if (!S.ipc[i].handle)
        return runtime_error(s, "no heap room for the object");
    S.nipc++;
    echo("%s", s->text);
}

static void stmt_take(const struct scn_stmt *s)
{
    int i = ipc_find(s->name);
    if (i < 0)
        return runtime_error(s, "no semaphore or mutex called %s", s->name);
    rt_int32_t timeout = s->flag ? RT_WAITING_FOREVER : (rt_int32_t)s->num[0];
    int waits = ipc_would_wait(S.ipc[i].is_mutex, S.ipc[i].handle) && timeout != 0;
    if (waits)
        echo("%s: waits", s->text);
    rt_tick_t t0 = rt_tick_get_raw();
    rt_err_t rc = ipc_take(S.ipc[i].is_mutex, S.ipc[i].handle, timeout);
    unsigned waited = (unsigned)(rt_tick_get_raw() - t0);
    const char *what = rc == RT_EOK ? "taken" : rc == -RT_ETIMEOUT ? "timed out" : "error";
    if (waits)
        echo("%s -> %s after %u tick%s", s->text, what, waited, waited == 1 ? "" : "s");
    else
        echo("%s -> %s", s->text, what);
}

static void stmt_release(const struct scn_stmt *s)
{
    int i = ipc_find(s->name);
    if (i < 0)
        return runtime_error(s, "no semaphore or mutex called %s", s->name);
    echo("%s", s->text);
    rt_err_t rc = ipc_release(S.ipc[i].is_mutex, S.ipc[i].handle);
    if (rc != RT_EOK)
        runtime_error(s, "release failed (error %d): %s", (int)rc,
                      S.ipc[i].is_mutex ? "the mutex is not held by this thread" : "full");
}

/* ----------------------------------------------------- threads and irqs */

static void thread_entry(void *arg)
{
    const struct scn_stmt *s = arg;
    scn_exec(s->body);
}

static void irq_entry(void *arg)
{
    const struct scn_stmt *s = arg;
    echo("interrupt (irq at %ld)", s->num[0]);
    const struct scn_stmt *outer = S.isr_stmt;
    scn_exec(s->body);
    S.isr_stmt = outer;
}

static void stmt_thread(const struct scn_stmt *s)
{
    rt_thread_t t = rt_thread_create(s->name, thread_entry, (void *)s, (rt_uint32_t)s->num[1],
                                     (rt_uint8_t)s->num[0], (rt_uint32_t)s->num[2]);
    if (!t)
        return runtime_error(s, "rt_thread_create failed (no heap room for its stack)");
    echo("%s: created, starts", s->text);
    take_step(s, NULL);
    rt_thread_startup(t);
}

static void stmt_irq(const struct scn_stmt *s)
{
    if ((rt_tick_t)s->num[0] < rt_tick_get_raw())
        return runtime_error(s, "tick %ld has passed (now %u)", s->num[0],
                             (unsigned)rt_tick_get_raw());
    if (rt_sim_irq_at((rt_tick_t)s->num[0], irq_entry, (void *)s) != 0)
        return runtime_error(s, "cannot raise the interrupt");
    echo("%s: raised for tick %ld", s->text, s->num[0]);
}

/* -------------------------------------------------------------- exec */

void scn_exec(struct scn_stmt *s)
{
    const struct scn_stmt *outer = current_stmt();
    for (; s; s = s->next)
    {
        set_current(s);
        switch (s->op)
        {
        case SCN_SAY:
            printf("%s\n", s->str);
            fflush(stdout);
            /* Narration belongs to the picture on screen when it is
             * printed: the page shows it from that step on (so the log
             * is not empty at the first step). */
            log_line(s->str);
            if (S.log.n && S.nsnaps)
                S.log.step_of[S.log.n - 1] = S.nsnaps - 1;
            break;
        case SCN_BOARD:   stmt_board(s); break;
        case SCN_MAP:     stmt_map(s); break;
        case SCN_STATS:   print_stats(s); break;
        case SCN_HEADERS: stmt_headers(s); break;
        case SCN_MALLOC:
        case SCN_CALLOC:  stmt_malloc(s); break;
        case SCN_REALLOC: stmt_realloc(s); break;
        case SCN_FREE:    stmt_free(s); break;
        case SCN_HEAP:    stmt_heap(s); break;
        case SCN_POOL:    stmt_pool(s); break;
        case SCN_POOL_DELETE: stmt_pool_delete(s); break;
        case SCN_MP_ALLOC: stmt_mp_alloc(s); break;
        case SCN_MP_FREE: stmt_mp_free(s); break;
        case SCN_DELAY:
            echo("%s", s->text);
            rt_thread_delay((rt_tick_t)s->num[0]);
            break;
        case SCN_THREAD:  stmt_thread(s); break;
        case SCN_IRQ:     stmt_irq(s); break;
        case SCN_MSH:
            printf("msh >%s\n", s->str);
            fflush(stdout);
            rt_msh_exec(s->str);
            fflush(stdout);
            break;
        case SCN_CHECK:   stmt_check(s); break;
        case SCN_EXPECT:  stmt_expect(s); break;
        case SCN_SEM:
        case SCN_MUTEX:   stmt_ipc_create(s); break;
        case SCN_TAKE:    stmt_take(s); break;
        case SCN_RELEASE: stmt_release(s); break;
        default:
            (void)scn_msg_exec(s);
            break;
        }
    }
    set_current(outer);
}

void scn_names(void (*fn)(void *ctx, const char *name), void *ctx)
{
    for (int i = 0; i < S.nvars; i++)
        fn(ctx, S.vars[i].name);
    for (int i = 0; i < S.nobjs; i++)
        if (S.obj_names[i][0])
            fn(ctx, S.obj_names[i]);
    for (int i = 0; i < S.nipc; i++)
        fn(ctx, S.ipc[i].name);
}

int scn_failures(void)
{
    return S.failures;
}

/* ----------------------------------------------------------- sessions */

int scn_session_begin(const struct scn_options *opt)
{
    memset(&S, 0, sizeof S);
    scn_msg_reset();
    S.opt = *opt;
    S.tap = scn_owner_begin(opt->trace);
    if (!S.tap)
    {
        fprintf(stderr, "rtsim: cannot open the trace tap\n");
        return -1;
    }
    return 0;
}

FILE *scn_session_trace(void)
{
    return S.tap;
}

void scn_session_boot_step(void)
{
    rt_assert_set_hook(where_assert);   /* boot cleared the hooks */
    take_step(NULL, "boot (heap initialised, main running)");
}

/* Close a picture file; a failed write (a full disk) is an error. */
static int close_written(FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
    {
        fprintf(stderr, "rtsim: cannot write %s: %s\n", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

static int write_pictures(void)
{
    int rc = 0;
    if (S.opt.svg_path)
    {
        FILE *f = fopen(S.opt.svg_path, "w");
        const struct hm_snapshot *snap = S.npictures ? S.pictures
                                         : S.nsnaps ? &S.snaps[S.nsnaps - 1] : NULL;
        if (!f)
        {
            perror(S.opt.svg_path);
            rc = -1;
        }
        else
        {
            struct hm_snapshot empty = { 0 };
            hm_write_svg(f, snap ? snap : &empty, S.npictures ? S.npictures : 1,
                         S.opt.title ? S.opt.title : "rtsim heap map");
            if (close_written(f, S.opt.svg_path))
                rc = -1;
        }
    }
    if (S.opt.html_path)
    {
        FILE *f = fopen(S.opt.html_path, "w");
        if (!f)
        {
            perror(S.opt.html_path);
            rc = -1;
        }
        else
        {
            hm_write_html(f, S.snaps, S.nsnaps, S.opt.title ? S.opt.title : "rtsim run",
                          S.texts, &S.log);
            if (close_written(f, S.opt.html_path))
                rc = -1;
        }
    }
    return rc;
}

int scn_session_end(void)
{
    scn_owner_end();
    S.tap = NULL;
    if (write_pictures())
        S.failures++;
    for (int i = 0; i < S.nsnaps; i++)
    {
        hm_release(&S.snaps[i]);
        free(S.texts[i]);
    }
    for (int i = 0; i < S.npictures; i++)
        hm_release(&S.pictures[i]);
    free(S.pictures);
    for (int i = 0; i < S.nobjs; i++)
        if (S.objs[i].kind == HM_OBJ_MEMHEAP)
            free(S.objs[i].handle);
    for (int i = 0; i < S.log.n; i++)
        free(S.log.lines[i]);
    free(S.log.lines);
    free(S.log.step_of);
    free(S.snaps);
    free(S.texts);
    free(S.vars);
    int f = S.failures;
    memset(&S, 0, sizeof S);
    return f;
}

/* ---------------------------------------------------------------- run */

static void scenario_main(void *arg)
{
    struct scn_program *prog = arg;
    scn_session_boot_step();
    scn_exec(prog->first);
}

static const char *const outcome_names[] = {
    "clean end", "?", "deadlock", "failed assertion", "memory error", "leak",
    "tick limit", "bad configuration", "stop", "waiting forever",
};

int scn_run(struct scn_program *prog, struct rt_sim_config *cfg, const struct scn_options *opt)
{
    if (scn_session_begin(opt))
        return 1;
    S.expect_outcome = prog->expect_outcome;
    cfg->trace = S.tap;
    if (!cfg->on_memory_error)
        cfg->on_memory_error = scn_where_memory_error;
    if (prog->expect_outcome)
        cfg->report = stdout;
    int rc = rt_sim_run(cfg, scenario_main, prog);
    fflush(stdout);
    /* The limit the user gave on the command line ends a run normally
     * (a firmware-style program never ends by itself). */
    if (rc == RT_SIM_ETICKLIMIT && opt->ticks_end_ok && prog->expect_outcome == RT_SIM_OK)
        rc = RT_SIM_OK;
    int failures = scn_session_end();
    char run_name[300], msg[2600];
    snprintf(run_name, sizeof run_name, "%s: the run ends with %s",
             opt->file ? opt->file : "scenario", outcome_names[prog->expect_outcome]);
    if (rc != prog->expect_outcome)
    {
        snprintf(msg, sizeof msg, "run outcome: %s (code %d); the scenario expects: %s",
                 rc >= 0 && rc <= 9 ? outcome_names[rc] : "?", rc,
                 outcome_names[prog->expect_outcome]);
        fprintf(stderr, "rtsim: %s\n", msg);
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof msg - n, "\n%s", R.errors);
        add_case(NULL, run_name, msg);
        return rc == RT_SIM_ECONFIG ? 2 : 1;
    }
    add_case(NULL, run_name, R.errors[0] ? R.errors : NULL);
    if (failures)
    {
        fprintf(stderr, "rtsim: %d expectation%s failed\n", failures, failures == 1 ? "" : "s");
        return 1;
    }
    return 0;
}

/* ------------------------------------------- for scn_msg.c (scn_internal.h) */

void scn_echo(const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    echo("%s", buf);
}

void scn_error(const struct scn_stmt *s, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    runtime_error(s, "%s", buf);
}

void scn_step(const struct scn_stmt *s)
{
    take_step(s, NULL);
}

unsigned long scn_taddr(const void *p)
{
    return taddr(p);
}

const char *scn_addr_str(const void *p)
{
    return addr_str(p);
}

int scn_var_get(const char *name, void **ptr)
{
    struct var *v = var_find(name);
    if (!v)
        return -1;
    *ptr = v->ptr;
    return v->kind;
}

const char *scn_var_put(const char *name, void *word)
{
    /* The latest variable that names the block (`d` after `d = ...`). */
    for (int i = S.nvars - 1; word && i >= 0; i--)
    {
        if (S.vars[i].ptr == word && S.vars[i].kind != VAR_WORD && strcmp(S.vars[i].name, name))
        {
            static char found[32];
            snprintf(found, sizeof found, "%s", S.vars[i].name);
            int kind = S.vars[i].kind, obj = S.vars[i].obj;
            struct var *v = var_set(name, kind, word, obj);
            (void)v;
            return found;
        }
    }
    struct var *v = var_find(name);
    if (v && v->ptr == word && v->kind != VAR_WORD)
        return v->name;
    var_set(name, word ? VAR_WORD : VAR_BLOCK, word, -1);
    return NULL;
}
