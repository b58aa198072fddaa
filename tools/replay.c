/*
 * replay.c - `rtsim replay TRACE --heap A,B,...`: the allocation stream of
 * a trace (its malloc, free and realloc lines, docs/trace.md) replayed
 * through other system-heap algorithms, with a table of how each fared and
 * the first places where one's outcome differs from the trace's.
 *
 * Lines of the boot ("-" context) are skipped: every replay run boots its
 * own kernel, which makes those allocations itself.  Addresses in the
 * trace are matched to the replay's own blocks through a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rtmm.h>
#include <rtsim.h>

#include "rtsim_cli.h"
#include "xalloc.h"

enum ev_kind { EV_MALLOC, EV_FREE, EV_REALLOC };

struct event
{
    int kind;
    int line;
    unsigned long size, addr, old;
};

struct pair
{
    unsigned long addr;
    void *ptr;
};

#define MAX_DIFFS 10

struct replay
{
    const struct event *ev;
    int nev;
    /* results */
    unsigned long failed, peak_used, end_used, end_free, end_largest, min_largest, skipped;
    unsigned long peak_all;
    unsigned frag;
    int ndiff;
    char diff[MAX_DIFFS][160];
    int total_diff;
    struct pair *map;
    int nmap, capmap;
};

static unsigned long key(const char *line, const char *k)
{
    const char *p = strstr(line, k);
    return p ? strtoul(p + strlen(k), NULL, 0) : 0;
}

static int load(const char *path, struct event **out, int *n, unsigned long counts[3])
{
    FILE *f = fopen(path, "r");
    if (!f)
    {
        perror(path);
        return -1;
    }
    char line[512];
    int cap = 0, lineno = 0;
    *out = NULL;
    *n = 0;
    while (fgets(line, sizeof line, f))
    {
        lineno++;
        unsigned long tick;
        char ctx[48], ev[24];
        if (sscanf(line, "%lu %47s %23s", &tick, ctx, ev) != 3)
            continue;
        if (strcmp(ctx, "-") == 0 || !strstr(line, " heap=heap"))
            continue;
        int kind = strcmp(ev, "malloc") == 0 ? EV_MALLOC : strcmp(ev, "free") == 0 ? EV_FREE
                 : strcmp(ev, "realloc") == 0 ? EV_REALLOC : -1;
        if (kind < 0)
            continue;
        if (*n == cap)
        {
            cap = cap ? 2 * cap : 256;
            *out = rtsim_xrealloc(*out, (size_t)cap * sizeof **out);
        }
        struct event *e = &(*out)[(*n)++];
        e->kind = kind;
        e->line = lineno;
        e->size = key(line, " size=");
        e->addr = key(line, " addr=");
        e->old = key(line, " old=");
        counts[kind]++;
    }
    fclose(f);
    return 0;
}

static void **map_find(struct replay *r, unsigned long addr)
{
    for (int i = r->nmap - 1; i >= 0; i--)
        if (r->map[i].addr == addr)
            return &r->map[i].ptr;
    return NULL;
}

static void map_put(struct replay *r, unsigned long addr, void *p)
{
    void **slot = map_find(r, addr);
    if (slot)
    {
        *slot = p;
        return;
    }
    if (r->nmap == r->capmap)
    {
        r->capmap = r->capmap ? 2 * r->capmap : 256;
        r->map = rtsim_xrealloc(r->map, (size_t)r->capmap * sizeof *r->map);
    }
    r->map[r->nmap].addr = addr;
    r->map[r->nmap].ptr = p;
    r->nmap++;
}

static void map_del(struct replay *r, unsigned long addr)
{
    for (int i = 0; i < r->nmap; i++)
        if (r->map[i].addr == addr)
        {
            r->map[i] = r->map[--r->nmap];
            return;
        }
}

static void note(struct replay *r, const struct event *e, const char *what, void *p)
{
    r->total_diff++;
    if (r->ndiff == MAX_DIFFS)
        return;
    char mine[24];
    if (p)
        snprintf(mine, sizeof mine, "0x%08lx", rt_sim_target_addr(p));
    else
        snprintf(mine, sizeof mine, "NULL");
    snprintf(r->diff[r->ndiff++], sizeof r->diff[0], "line %d: %s size=%lu: trace %s, %s %s",
             e->line, what, e->size, e->addr ? "succeeded" : "NULL", rt_system_heap_algorithm(),
             mine);
}

/* Used bytes of the whole system heap.  rt_memory_info (and so
 * rt_memory_stats' total/used) reports memheap's first heap only, as
 * RT-Thread 4.1.1 does; a replay compares algorithms, so for memheap it
 * adds every memheap up, as the maps' "all memheaps" line does. */
static unsigned long used_all(const struct rt_memory_stats *st)
{
    if (strcmp(rt_system_heap_algorithm(), "memheap") != 0)
        return (unsigned long)st->used;
    unsigned long used = 0;
#ifdef RT_USING_MEMHEAP
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemHeap);
    for (rt_list_t *n = info ? info->object_list.next : NULL; n && n != &info->object_list;
         n = n->next)
    {
        struct rt_memheap *h = rt_list_entry(n, struct rt_memheap, parent.list);
        used += (unsigned long)(h->pool_size - h->available_size);
    }
#endif
    return used;
}

static void replay_main(void *arg)
{
    struct replay *r = arg;
    struct rt_memory_stats st;
    r->min_largest = (unsigned long)-1;
    for (int i = 0; i < r->nev; i++)
    {
        const struct event *e = &r->ev[i];
        if (e->kind == EV_MALLOC)
        {
            void *p = rt_malloc((rt_size_t)e->size);
            if (!p)
                r->failed++;
            if (!p != !e->addr)
                note(r, e, "malloc", p);
            if (p && e->addr)
                map_put(r, e->addr, p);
        }
        else if (e->kind == EV_FREE)
        {
            void **slot = e->addr ? map_find(r, e->addr) : NULL;
            if (!slot)
            {
                if (e->addr)
                    r->skipped++;
                continue;
            }
            rt_free(*slot);
            map_del(r, e->addr);
        }
        else
        {
            void *old = NULL;
            if (e->old)
            {
                void **slot = map_find(r, e->old);
                if (!slot)
                {
                    r->skipped++;
                    continue;
                }
                old = *slot;
            }
            void *p = rt_realloc(old, (rt_size_t)e->size);
            int ok = p || e->size == 0, trace_ok = e->addr || e->size == 0;
            if (!ok)
                r->failed++;
            if (ok != trace_ok)
                note(r, e, "realloc", p);
            if (p || e->size == 0)
            {
                if (e->old)
                    map_del(r, e->old);
                if (p)
                    map_put(r, e->addr ? e->addr : e->old, p);
            }
        }
        rt_memory_stats(&st);
        if (st.largest_free < r->min_largest)
            r->min_largest = st.largest_free;
        if (used_all(&st) > r->peak_all)
            r->peak_all = used_all(&st);
    }
    rt_memory_stats(&st);
    /* memheap: the peak of all memheaps together, sampled after each event */
    r->peak_used = strcmp(rt_system_heap_algorithm(), "memheap") == 0 ? r->peak_all
                                                                       : st.max_used;
    r->end_used = used_all(&st);
    r->end_free = st.free_bytes;
    r->end_largest = st.largest_free;
    r->frag = st.fragmentation_permille;
    if (r->min_largest == (unsigned long)-1)
        r->min_largest = st.largest_free;
    /* Give everything back so the run ends without leaks. */
    for (int i = 0; i < r->nmap; i++)
        rt_free(r->map[i].ptr);
    r->nmap = 0;
}

int rtsim_cmd_replay(int argc, char **argv)
{
    struct rtsim_options o;
    int rc = rtsim_parse_options(RTSIM_CMD_REPLAY, argc, argv, 2, &o);
    if (rc)
        return rc == 3 ? 0 : rc;
    if (!o.rest)
        return rtsim_bad_usage(RTSIM_CMD_REPLAY, "%s", "replay needs a TRACE file");
    if (!o.heap)
        return rtsim_bad_usage(RTSIM_CMD_REPLAY, "%s", "replay needs --heap A,B,... (the algorithms to compare)");
    if (o.map || o.svg_path || o.html_path || o.trace_path)
        return rtsim_bad_usage(RTSIM_CMD_REPLAY, "%s", "replay takes --heap, --board and --seed only");
    struct event *ev;
    int nev;
    unsigned long counts[3] = { 0, 0, 0 };
    if (load(o.rest, &ev, &nev, counts))
        return 2;
    unsigned long trace_failed = 0;
    for (int i = 0; i < nev; i++)
        if (ev[i].kind != EV_FREE && !ev[i].addr && ev[i].size)
            trace_failed++;
    printf("replay of %s: %d allocator events (%lu malloc, %lu free, %lu realloc) on %s\n",
           o.rest, nev, counts[0], counts[1], counts[2],
           o.cfg.board ? o.cfg.board : "stm32f407");
    printf("the trace itself: %lu failed\n\n", trace_failed);
    printf("%-17s %6s %10s %9s %9s %12s %12s %6s\n", "heap", "failed", "peak used",
           "end used", "end free", "end largest", "min largest", "frag");
    char list[256];
    snprintf(list, sizeof list, "%s", o.heap);
    struct replay results[8];
    char names[8][24];
    int n = 0, status = 0;
    for (char *tok = strtok(list, ","); tok && n < 8; tok = strtok(NULL, ","))
    {
        struct replay *r = &results[n];
        memset(r, 0, sizeof *r);
        r->ev = ev;
        r->nev = nev;
        snprintf(names[n], sizeof names[n], "%s", tok);
        struct rt_sim_config cfg = o.cfg;
        cfg.heap = names[n];
        cfg.trace = NULL;
        rc = rt_sim_run(&cfg, replay_main, r);
        free(r->map);
        if (rc != RT_SIM_OK)
        {
            printf("%-17s replay did not complete (rt_sim_run returned %d)\n", names[n], rc);
            status = rc == RT_SIM_ECONFIG ? 2 : 1;
            n++;
            continue;
        }
        printf("%-17s %6lu %10lu %9lu %9lu %12lu %12lu %5u.%u%%\n", names[n], r->failed,
               r->peak_used, r->end_used, r->end_free, r->end_largest, r->min_largest,
               r->frag / 10, r->frag % 10);
        n++;
    }
    for (int i = 0; i < n; i++)
    {
        struct replay *r = &results[i];
        if (r->total_diff == 0)
            continue;
        printf("\n%s differs from the trace %d time%s%s:\n", names[i], r->total_diff,
               r->total_diff == 1 ? "" : "s", r->total_diff > MAX_DIFFS ? " (first 10)" : "");
        for (int k = 0; k < r->ndiff; k++)
            printf("  %s\n", r->diff[k]);
    }
    int same = status == 0;
    for (int i = 0; i < n; i++)
        same &= results[i].total_diff == 0;
    if (same && n)
        printf("\nevery algorithm succeeded and failed exactly where the trace did\n");
    for (int i = 0; i < n; i++)
        if (results[i].skipped)
            printf("%s: %lu free/realloc lines named blocks the replay never had (skipped)\n",
                   names[i], results[i].skipped);
    free(ev);
    return status;
}
