/*
 * fault.c - fault injection: make allocations fail on purpose, so that a
 * program's NULL paths run in tests (rthw.h: rt_hw_mem_fail; the user's
 * page is docs/mistakes.md).
 *
 * Rules
 * -----
 * F1  Only the program's allocations count: nothing fails while the board
 *     boots (the main thread's object and stack).
 * F2  "nth=N" fails the Nth counted allocation (1 = the first); "after=N"
 *     fails every one after the first N; "p=P,seed=S" fails each with
 *     probability P from a generator seeded with S (same seed, same calls).
 * F3  ",heap=NAME" counts only allocations from the heap or pool object
 *     called NAME ("heap" is the system heap; memheap regions and pools by
 *     their names).
 * F4  The spec comes from the rt_sim_config fail_alloc_* fields; when they
 *     are all zero, from RTSIM_FAIL_ALLOC in the environment.
 *
 * Independent of the checking level: it works with cfg.checked = 0 too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check.h"

static struct
{
    unsigned long nth, after, count;
    double p;
    unsigned long long rand;
    char heap[RT_NAME_MAX + 1];
    int on;
} fault;

static void fault_seed(unsigned long long seed)
{
    fault.rand = (seed ? seed : 1) * 0x9E3779B97F4A7C15ull + 1;
}

/* Nonzero (and a report naming the value) when a token is not understood. */
static int parse_spec(const char *spec)
{
    char buf[256];
    char *save = NULL;
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
    {
        char *end = NULL;
        if (!strncmp(tok, "nth=", 4))
            fault.nth = strtoul(tok + 4, &end, 0);
        else if (!strncmp(tok, "after=", 6))
            fault.after = strtoul(tok + 6, &end, 0);
        else if (!strncmp(tok, "p=", 2))
        {
            fault.p = strtod(tok + 2, &end);
            if (!(fault.p >= 0.0 && fault.p <= 1.0))
                end = NULL;
        }
        else if (!strncmp(tok, "seed=", 5))
            fault_seed(strtoull(tok + 5, &end, 0));
        else if (!strncmp(tok, "heap=", 5))
        {
            snprintf(fault.heap, sizeof fault.heap, "%.*s", RT_NAME_MAX, tok + 5);
            end = tok + strlen(tok);
        }
        /* a number must be all there is after '=' (and not be negative) */
        const char *eq = strchr(tok, '=');
        if (!end || *end != '\0' || !eq || eq[1] == '\0' || eq[1] == '-')
        {
            sim_report("rtsim: RTSIM_FAIL_ALLOC: bad value \"%s\" (use nth=N, after=N, "
                       "p=P with 0 <= P <= 1, seed=S, heap=NAME)\n", tok);
            return -1;
        }
    }
    return 0;
}

int sim_fault_begin(const struct rt_sim_config *cfg)
{
    memset(&fault, 0, sizeof fault);
    rt_hw_mem_fail_armed = 0;
    fault.nth = cfg->fail_alloc_nth;
    fault.after = cfg->fail_alloc_after;
    fault.p = cfg->fail_alloc_p;
    fault_seed(cfg->fail_alloc_seed);
    if (cfg->fail_alloc_heap)
        snprintf(fault.heap, sizeof fault.heap, "%.*s", RT_NAME_MAX, cfg->fail_alloc_heap);
    if (!fault.nth && !fault.after && fault.p <= 0)
    {
        const char *env = getenv("RTSIM_FAIL_ALLOC");
        if (env && *env && parse_spec(env) != 0)
            return -1;
    }
    fault.on = fault.nth || fault.after || fault.p > 0;
    rt_hw_mem_fail_armed = fault.on ? 1 : 0;
    return 0;
}


int rt_hw_mem_fail(const struct rt_object *heap, rt_size_t size)
{
    (void)size;
    if (!fault.on || !sim.booted)                               /* F1 */
        return 0;
    if (fault.heap[0] && (!heap || strncmp(heap->name, fault.heap, RT_NAME_MAX) != 0))
        return 0;                                               /* F3 */
    unsigned long n = ++fault.count;
    if (fault.nth && n == fault.nth)
        return 1;
    if (fault.after && n > fault.after)
        return 1;
    if (fault.p > 0)
    {
        /* xorshift64*, top 53 bits as a uniform double in [0, 1) */
        unsigned long long x = fault.rand;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        fault.rand = x;
        double u = (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
        return u < fault.p;
    }
    return 0;
}
