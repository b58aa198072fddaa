/*
 * scn_query.c - the scenario statements that look without changing
 * anything (docs/scenarios.md): `expect QUANTITY CMP VALUE` (a result case
 * for --junit / --tap), `check` (the heaps' own check), `stats`, `map`
 * (a picture for --svg / --html), `board` (the memory map) and `headers`
 * (the raw block headers of one or two small-mem heaps, side by side).
 * Quantities read the kernel's own counters (rt_memory_info, the heap
 * objects) and never take a lock from an interrupt handler.
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

/* ------------------------------------------------------------- queries */

/* The value of a quantity; returns -1 (and reports) when unknown. */
static int in_isr(const struct scn_stmt *s)
{
    if (rt_interrupt_get_nest() == 0)
        return 0;
    scn_error(s, "not in an interrupt handler: the heap's lock is a mutex");
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
            scn_error(s, "the system heap has no quantity %s", q);
            return -1;
        }
        return 0;
    }
    int o = scn_obj_find(s->name);
    if (o < 0)
    {
        scn_error(s, "no heap or pool called %s", s->name);
        return -1;
    }
    if (strcmp(q, "check") == 0)
    {
        *out = scn_heap_check(&scn_st.objs[o]);
        return 0;
    }
    unsigned long fb, lg, nf, used, total;
    hm_object_stats(&scn_st.objs[o], &fb, &lg, &nf, &used, &total);
#ifdef RTSIM_HAVE_MEMPOOL
    if (scn_is_pool(o))
    {
        rt_mp_t mp = scn_st.objs[o].handle;
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
            scn_error(s, "a pool has free, used, total, waiting, block_size and check, "
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
        scn_error(s, "a heap has free, used, total, largest, free_blocks and check, "
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
            scn_add_case(s, NULL, "could not evaluate: see the error");
            return;
        }
        ok = compare(v, s->cmp, s->num[0]);
        snprintf(got, sizeof got, "%s is %ld", s->name2, v);
    }
    else
    {
        struct scn_var *v = scn_var_find(s->name);
        if (!v)
        {
            scn_add_case(s, NULL, "no such variable");
            return scn_error(s, "no variable called %s", s->name);
        }
        unsigned long a = scn_taddr(v->ptr), b = 0;
        if (s->flag == SCN_EXP_SAME)
        {
            struct scn_var *w = scn_var_find(s->name2);
            if (!w)
            {
                scn_add_case(s, NULL, "no such variable");
                return scn_error(s, "no variable called %s", s->name2);
            }
            b = scn_taddr(w->ptr);
        }
        else if (s->flag == SCN_EXP_ADDR)
            b = (unsigned long)s->num[0];
        ok = compare((long)a, s->cmp, (long)b);
        snprintf(got, sizeof got, "%s is %s", s->name, scn_addr_str(v->ptr));
    }
    if (ok)
    {
        scn_echo("%s: ok", s->text);
        scn_add_case(s, NULL, NULL);
    }
    else
    {
        scn_echo("%s: FAILED (%s)", s->text, got);
        char msg[300];
        snprintf(msg, sizeof msg, "%s:%d:%d: expectation failed: %s (%s)", s->file, s->line,
                 s->col, s->text, got);
        fprintf(stderr, "%s\n", msg);
        scn_add_case(s, NULL, msg);
        scn_st.failures++;
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
        scn_echo("check: system heap: invariant I%d is broken", rc);
        bad++;
    }
    for (int o = 0; o < scn_st.nobjs; o++)
    {
        if (scn_st.objs[o].kind < 0)
            continue;
        rc = scn_heap_check(&scn_st.objs[o]);
        if (rc)
        {
            scn_echo("check: %s: invariant I%d is broken", scn_st.obj_names[o], rc);
            bad++;
        }
    }
    if (!bad)
        scn_echo("check: every heap and pool is consistent");
    else
    {
        fprintf(stderr, "%s:%d:%d: check found %d broken heap%s\n", s->file, s->line, s->col,
                bad, bad == 1 ? "" : "s");
        scn_st.failures++;
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
        if (strcmp(n, "heap") != 0 && scn_obj_find(n) < 0)
        {
            scn_error(s, "no heap or pool called %s (\"heap\" is the system heap)", n);
            return 0;
        }
    return 1;
}

static void print_stats(const struct scn_stmt *s)
{
    if (in_isr(s) || !names_known(s))
        return;
    struct hm_snapshot snap;
    hm_take(&snap, "", scn_st.objs, scn_st.nobjs, s->str, scn_owner_of);
    scn_echo("%s", s->text);
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
    scn_echo("%s", s->text);
    char cap[600];
    if (scn_st.since_map[0])
    {
        /* Many statements since the last map: name the last ones. */
        const char *steps = scn_st.since_map, *cut;
        while (strlen(steps) > 64 && (cut = strstr(steps, "; ")) != NULL)
            steps = cut + 2;
        snprintf(cap, sizeof cap, "after %s%s (tick %u, %s, line %d)",
                 steps == scn_st.since_map ? "" : "...; ", steps, (unsigned)rt_tick_get_raw(),
                 scn_self_name(), s->line);
    }
    else
        snprintf(cap, sizeof cap, "tick %u, %s, line %d", (unsigned)rt_tick_get_raw(),
                 scn_self_name(), s->line);
    scn_st.since_map[0] = '\0';
    scn_st.pictures = rtsim_xrealloc(scn_st.pictures, (size_t)(scn_st.npictures + 1) * sizeof *scn_st.pictures);
    struct hm_snapshot *pic = &scn_st.pictures[scn_st.npictures++];
    hm_take(pic, cap, scn_st.objs, scn_st.nobjs, s->str, scn_owner_of);
    hm_print_text(stdout, pic);
    fflush(stdout);
}

static void stmt_board(const struct scn_stmt *s)
{
    if (in_isr(s))
        return;
    scn_echo("%s", s->text);
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
        int o = scn_obj_find(names[k]);
        if (o < 0 || (scn_st.objs[o].kind != HM_OBJ_SMEM && scn_st.objs[o].kind != HM_OBJ_CLASSIC))
            return scn_error(s, "%s is not a smallmem or smallmem-classic heap", names[k]);
        cols[k].n = 0;
        cols[k].classic = scn_st.objs[o].kind == HM_OBJ_CLASSIC;
#ifdef RTSIM_HAVE_SMALLMEM
        if (cols[k].classic)
            rt_smem_classic_walk(scn_st.objs[o].handle, hdr_block, &cols[k]);
        else
            rt_smem_walk(scn_st.objs[o].handle, hdr_block, &cols[k]);
#endif
    }
    scn_echo("%s", s->text);
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

/* ------------------------------------------------------- dispatch */

int scn_query_exec(const struct scn_stmt *s)
{
    switch (s->op)
    {
    case SCN_BOARD: stmt_board(s); return 1;
    case SCN_MAP: stmt_map(s); return 1;
    case SCN_STATS: print_stats(s); return 1;
    case SCN_HEADERS: stmt_headers(s); return 1;
    case SCN_CHECK: stmt_check(s); return 1;
    case SCN_EXPECT: stmt_expect(s); return 1;
    default: return 0;
    }
}
