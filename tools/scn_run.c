/*
 * scn_run.c - runs scenario statements inside a simulation.
 *
 * Statements execute in the simulated thread that reaches them (the top
 * level in "main", a `thread` body in its own thread, an `irq` body in an
 * interrupt handler), so blocking, waking and preemption are the kernel's.
 * Only one simulated thread runs at a time, so the tables below need no
 * lock.
 *
 * This file owns the run: its state (scn_st), the echo and error output,
 * the --junit/--tap cases, map snapshots, variables, `thread` and `irq`,
 * the dispatch of each statement (scn_exec) and the session around
 * rt_sim_run.  The statement families are in their own files:
 * scn_mem.c (heaps, pools, malloc/free), scn_query.c (expect, check,
 * stats, map, board, headers), scn_sync.c (semaphores, mutexes) and
 * scn_msg.c (mailboxes, message queues).
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

/* The run's state (scn_internal.h); only one simulated thread runs at a
 * time, so it needs no lock. */
struct scn_state scn_st;

/* --junit / --tap of `rtsim run` (outside scn_st: it outlives the session). */
static struct
{
    struct scn_results *r;
    char errors[2048];                  /* run-time errors, for the run's own case */
} R;

void scn_add_case(const struct scn_stmt *s, const char *name, const char *failure)
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
        return scn_st.isr_stmt;
    rt_thread_t t = rt_thread_self();
    return t ? (const struct scn_stmt *)t->user_data : NULL;
}

static void set_current(const struct scn_stmt *s)
{
    if (rt_interrupt_get_nest() != 0)
        scn_st.isr_stmt = s;
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
                 (unsigned long)line, scn_st.expect_outcome == RT_SIM_EASSERT ? " (expected)" : "");
    else
        snprintf(what, sizeof what, "RT-Thread's check \"%s\" failed in %s%s", ex, func,
                 scn_st.expect_outcome == RT_SIM_EASSERT ? " (expected)" : "");
    scn_where(stderr, what);
}

void scn_where_memory_error(void)
{
    scn_where(stderr, scn_st.expect_outcome == RT_SIM_EMEMORY
                      ? "the memory error reported above (expected)"
                      : "the memory error reported above");
}

const char *scn_self_name(void)
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
    if (!scn_st.opt.html_path)
        return;
    if (scn_st.log.n == scn_st.cap_log)
    {
        scn_st.cap_log = scn_st.cap_log ? 2 * scn_st.cap_log : 64;
        scn_st.log.lines = rtsim_xrealloc(scn_st.log.lines, (size_t)scn_st.cap_log * sizeof *scn_st.log.lines);
        scn_st.log.step_of = rtsim_xrealloc(scn_st.log.step_of, (size_t)scn_st.cap_log * sizeof *scn_st.log.step_of);
    }
    scn_st.log.lines[scn_st.log.n] = strdup(text);
    if (!scn_st.log.lines[scn_st.log.n])
        exit(1);
    scn_st.log.step_of[scn_st.log.n++] = scn_st.nsnaps;
}

void scn_echo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void scn_echo(const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char line[700];
    snprintf(line, sizeof line, "[tick %5u] %-10.10s %s", (unsigned)rt_tick_get_raw(),
             scn_self_name(), buf);
    printf("%s\n", line);
    fflush(stdout);
    log_line(line);
}

void scn_error(const struct scn_stmt *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void scn_error(const struct scn_stmt *s, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    scn_echo("%s: ERROR: %s", s->text, buf);
    fflush(stdout);
    char where[700];
    snprintf(where, sizeof where, "%s:%d:%d: error: %s\n    %s", s->file, s->line, s->col, buf,
             s->text);
    fprintf(stderr, "%s\n", where);
    note_error(where);
    scn_st.failures++;
}

unsigned long scn_taddr(const void *p)
{
    return p ? rt_sim_target_addr(p) : 0;
}

const char *scn_addr_str(const void *p)
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

void scn_snapshot(const struct scn_stmt *s, const char *what)
{
    if (s)
    {
        size_t n = strlen(scn_st.since_map);
        snprintf(scn_st.since_map + n, sizeof scn_st.since_map - n, "%s%s", n ? "; " : "", s->text);
    }
    if (!scn_st.opt.map && !scn_st.opt.svg_path && !scn_st.opt.html_path)
        return;
    /* Walking the system heap takes its lock, which an interrupt handler
     * may not: steps inside handlers show up in the next thread's step. */
    if (rt_interrupt_get_nest() != 0)
        return;
    char cap[200];
    scn_st.step++;
    snprintf(cap, sizeof cap, "step %d, tick %u, %s: %s", scn_st.step, (unsigned)rt_tick_get_raw(),
             scn_self_name(), s ? s->text : what);
    if (scn_st.nsnaps == scn_st.cap_snaps)
    {
        scn_st.cap_snaps = scn_st.cap_snaps ? 2 * scn_st.cap_snaps : 32;
        scn_st.snaps = realloc(scn_st.snaps, (size_t)scn_st.cap_snaps * sizeof *scn_st.snaps);
        scn_st.texts = realloc(scn_st.texts, (size_t)scn_st.cap_snaps * sizeof *scn_st.texts);
        if (!scn_st.snaps || !scn_st.texts)
            exit(1);
    }
    struct hm_snapshot *snap = &scn_st.snaps[scn_st.nsnaps];
    hm_take(snap, cap, scn_st.objs, scn_st.nobjs, NULL, scn_owner_of);
    scn_st.texts[scn_st.nsnaps] = hm_text(snap);
    if (scn_st.opt.map)
    {
        printf("  -- map after %s\n%s", cap, scn_st.texts[scn_st.nsnaps]);
        fflush(stdout);
    }
    scn_st.nsnaps++;
}

/* ------------------------------------------------------------ lookups */

struct scn_var *scn_var_find(const char *name)
{
    for (int i = 0; i < scn_st.nvars; i++)
        if (strcmp(scn_st.vars[i].name, name) == 0)
            return &scn_st.vars[i];
    return NULL;
}

struct scn_var *scn_var_set(const char *name, int kind, void *ptr, int obj)
{
    struct scn_var *v = scn_var_find(name);
    if (!v)
    {
        if (scn_st.nvars == scn_st.cap_vars)
        {
            scn_st.cap_vars = scn_st.cap_vars ? 2 * scn_st.cap_vars : 32;
            scn_st.vars = rtsim_xrealloc(scn_st.vars, (size_t)scn_st.cap_vars * sizeof *scn_st.vars);
        }
        v = &scn_st.vars[scn_st.nvars++];
        memset(v, 0, sizeof *v);
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    v->kind = kind;
    v->ptr = ptr;
    v->obj = obj;
    if (ptr && kind != VAR_WORD)
        scn_owner_set(scn_taddr(ptr), name, scn_self_name());
    return v;
}

int scn_obj_find(const char *name)
{
    for (int i = 0; i < scn_st.nobjs; i++)
        if (strcmp(scn_st.obj_names[i], name) == 0)
            return i;
    return -1;
}

int scn_is_pool(int o)
{
    return o >= 0 && scn_st.objs[o].kind == HM_OBJ_POOL;
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
    scn_echo("interrupt (irq at %ld)", s->num[0]);
    const struct scn_stmt *outer = scn_st.isr_stmt;
    scn_exec(s->body);
    scn_st.isr_stmt = outer;
}

static void stmt_thread(const struct scn_stmt *s)
{
    rt_thread_t t = rt_thread_create(s->name, thread_entry, (void *)s, (rt_uint32_t)s->num[1],
                                     (rt_uint8_t)s->num[0], (rt_uint32_t)s->num[2]);
    if (!t)
        return scn_error(s, "rt_thread_create failed (no heap room for its stack)");
    scn_echo("%s: created, starts", s->text);
    scn_snapshot(s, NULL);
    rt_thread_startup(t);
}

static void stmt_irq(const struct scn_stmt *s)
{
    if ((rt_tick_t)s->num[0] < rt_tick_get_raw())
        return scn_error(s, "tick %ld has passed (now %u)", s->num[0],
                             (unsigned)rt_tick_get_raw());
    if (rt_sim_irq_at((rt_tick_t)s->num[0], irq_entry, (void *)s) != 0)
        return scn_error(s, "cannot raise the interrupt");
    scn_echo("%s: raised for tick %ld", s->text, s->num[0]);
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
            if (scn_st.log.n && scn_st.nsnaps)
                scn_st.log.step_of[scn_st.log.n - 1] = scn_st.nsnaps - 1;
            break;
        case SCN_DELAY:
            scn_echo("%s", s->text);
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
        default:
            /* The statement families in their own files. */
            (void)(scn_mem_exec(s) || scn_query_exec(s) || scn_sync_exec(s) || scn_msg_exec(s));
            break;
        }
    }
    set_current(outer);
}

void scn_names(void (*fn)(void *ctx, const char *name), void *ctx)
{
    for (int i = 0; i < scn_st.nvars; i++)
        fn(ctx, scn_st.vars[i].name);
    for (int i = 0; i < scn_st.nobjs; i++)
        if (scn_st.obj_names[i][0])
            fn(ctx, scn_st.obj_names[i]);
    scn_sync_names(fn, ctx);
}

int scn_failures(void)
{
    return scn_st.failures;
}

/* ----------------------------------------------------------- sessions */

int scn_session_begin(const struct scn_options *opt)
{
    memset(&scn_st, 0, sizeof scn_st);
    scn_msg_reset();
    scn_sync_reset();
    scn_st.opt = *opt;
    scn_st.tap = scn_owner_begin(opt->trace);
    if (!scn_st.tap)
    {
        fprintf(stderr, "rtsim: cannot open the trace tap\n");
        return -1;
    }
    return 0;
}

FILE *scn_session_trace(void)
{
    return scn_st.tap;
}

void scn_session_boot_step(void)
{
    rt_assert_set_hook(where_assert);   /* boot cleared the hooks */
    scn_snapshot(NULL, "boot (heap initialised, main running)");
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
    if (scn_st.opt.svg_path)
    {
        FILE *f = fopen(scn_st.opt.svg_path, "w");
        const struct hm_snapshot *snap = scn_st.npictures ? scn_st.pictures
                                         : scn_st.nsnaps ? &scn_st.snaps[scn_st.nsnaps - 1] : NULL;
        if (!f)
        {
            perror(scn_st.opt.svg_path);
            rc = -1;
        }
        else
        {
            struct hm_snapshot empty = { 0 };
            hm_write_svg(f, snap ? snap : &empty, scn_st.npictures ? scn_st.npictures : 1,
                         scn_st.opt.title ? scn_st.opt.title : "rtsim heap map");
            if (close_written(f, scn_st.opt.svg_path))
                rc = -1;
        }
    }
    if (scn_st.opt.html_path)
    {
        FILE *f = fopen(scn_st.opt.html_path, "w");
        if (!f)
        {
            perror(scn_st.opt.html_path);
            rc = -1;
        }
        else
        {
            hm_write_html(f, scn_st.snaps, scn_st.nsnaps, scn_st.opt.title ? scn_st.opt.title : "rtsim run",
                          scn_st.texts, &scn_st.log);
            if (close_written(f, scn_st.opt.html_path))
                rc = -1;
        }
    }
    return rc;
}

int scn_session_end(void)
{
    scn_owner_end();
    scn_st.tap = NULL;
    if (write_pictures())
        scn_st.failures++;
    for (int i = 0; i < scn_st.nsnaps; i++)
    {
        hm_release(&scn_st.snaps[i]);
        free(scn_st.texts[i]);
    }
    for (int i = 0; i < scn_st.npictures; i++)
        hm_release(&scn_st.pictures[i]);
    free(scn_st.pictures);
    for (int i = 0; i < scn_st.nobjs; i++)
        if (scn_st.objs[i].kind == HM_OBJ_MEMHEAP)
            free(scn_st.objs[i].handle);
    for (int i = 0; i < scn_st.log.n; i++)
        free(scn_st.log.lines[i]);
    free(scn_st.log.lines);
    free(scn_st.log.step_of);
    free(scn_st.snaps);
    free(scn_st.texts);
    free(scn_st.vars);
    int f = scn_st.failures;
    memset(&scn_st, 0, sizeof scn_st);
    scn_sync_reset();
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
    scn_st.expect_outcome = prog->expect_outcome;
    cfg->trace = scn_st.tap;
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
        scn_add_case(NULL, run_name, msg);
        return rc == RT_SIM_ECONFIG ? 2 : 1;
    }
    scn_add_case(NULL, run_name, R.errors[0] ? R.errors : NULL);
    if (failures)
    {
        fprintf(stderr, "rtsim: %d expectation%s failed\n", failures, failures == 1 ? "" : "s");
        return 1;
    }
    return 0;
}

/* ------------------------------------------- for scn_msg.c (scn_internal.h) */

void scn_step(const struct scn_stmt *s)
{
    scn_snapshot(s, NULL);
}

int scn_var_get(const char *name, void **ptr)
{
    struct scn_var *v = scn_var_find(name);
    if (!v)
        return -1;
    *ptr = v->ptr;
    return v->kind;
}

const char *scn_var_put(const char *name, void *word)
{
    /* The latest variable that names the block (`d` after `d = ...`). */
    for (int i = scn_st.nvars - 1; word && i >= 0; i--)
    {
        if (scn_st.vars[i].ptr == word && scn_st.vars[i].kind != VAR_WORD && strcmp(scn_st.vars[i].name, name))
        {
            static char found[32];
            snprintf(found, sizeof found, "%s", scn_st.vars[i].name);
            int kind = scn_st.vars[i].kind, obj = scn_st.vars[i].obj;
            struct scn_var *v = scn_var_set(name, kind, word, obj);
            (void)v;
            return found;
        }
    }
    struct scn_var *v = scn_var_find(name);
    if (v && v->ptr == word && v->kind != VAR_WORD)
        return v->name;
    scn_var_set(name, word ? VAR_WORD : VAR_BLOCK, word, -1);
    return NULL;
}
