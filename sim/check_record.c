/*
 * check_record.c - checked mode's block records: one per block ever handed
 * out, keyed by its data address (and, for rt_malloc_align, its user
 * address too): size, capacity, heap, who allocated it (thread, tick, call
 * site) and, once freed, who freed it.  The table lives in host memory, so
 * the simulated RAM holds exactly what the target would hold (check.c,
 * "Who does what").
 *
 * Rules
 * -----
 * R1  A freed record stays until its address is handed out again: that is
 *     the history a double free or a write after free is reported with.
 *     The new record remembers who freed the old one (prev_free).
 * R2  One record, at most two keys (data, user); forgetting it removes
 *     both, so no key ever points at freed host memory.
 * R3  Open addressing, linear probing, at most 3/4 full; deletion shifts
 *     the probe run back, so a lookup never stops at a hole.
 * R4  Walks (sim_chk_next and the lookups below) see each record once, by
 *     its data key, in table order - the order checks and reports ran in
 *     before the split, so their output is unchanged.
 *
 * May call: the kernel's thread and tick queries (sim_chk_now), host
 * calloc/free.  Nothing of the other sim/check*.c parts (check_internal.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check_internal.h"

static struct
{
    /* open addressing keyed by data (and user) address */
    struct chk_record **slot;
    void **key;
    size_t nslots, nused;
} tab;

/* --------------------------------------------------------------- events */
/* The name, at most RT_NAME_MAX bytes of it, always ended: what
 * snprintf("%.*s") made, without formatting (issue 19: every checked
 * rt_malloc / rt_free records one or two events). */
static void chk_name_copy(char dst[RT_NAME_MAX + 1], const char *src)
{
    size_t i;
    for (i = 0; i < RT_NAME_MAX && src[i] != '\0'; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

void sim_chk_now(struct chk_event *e, struct rt_hw_mem_site site)
{
    rt_thread_t t = sim.booted ? rt_thread_self() : RT_NULL;
    if (rt_interrupt_get_nest() && t)
        chk_name_copy(e->thread, "isr");
    else
        chk_name_copy(e->thread, t ? t->name : "(boot)");
    e->tick = rt_tick_get_raw();
    e->file = site.file;
    e->line = site.line;
}

void sim_chk_event_text(char *buf, size_t n, const struct chk_event *e)
{
    int k = snprintf(buf, n, "\"%s\" at tick %lu", e->thread, (unsigned long)e->tick);
    if (e->file && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " (%s:%d)", e->file, e->line);
}

/* ---------------------------------------------------------------- table */
static size_t chk_hash(const void *p, size_t nslots)
{
    unsigned long long x = (unsigned long long)(uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20) & (nslots - 1);
}

static void chk_grow(void)
{
    size_t old_n = tab.nslots;
    struct chk_record **old_slot = tab.slot;
    void **old_key = tab.key;
    tab.nslots = old_n ? old_n * 2 : 4096;
    tab.slot = calloc(tab.nslots, sizeof *tab.slot);
    tab.key = calloc(tab.nslots, sizeof *tab.key);
    if (!tab.slot || !tab.key)
    {
        fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
        abort();
    }
    tab.nused = 0;
    for (size_t i = 0; i < old_n; i++)
        if (old_key[i] && old_slot[i])
            sim_chk_put(old_key[i], old_slot[i]);
    free(old_slot);
    free(old_key);
}

static size_t chk_find_slot(const void *key)
{
    size_t i = chk_hash(key, tab.nslots);
    while (tab.key[i] && tab.key[i] != key)
        i = (i + 1) & (tab.nslots - 1);
    return i;
}

struct chk_record *sim_chk_get(const void *key)
{
    if (!tab.nslots || !key)
        return NULL;
    size_t i = chk_find_slot(key);
    return tab.key[i] ? tab.slot[i] : NULL;
}

void sim_chk_put(void *key, struct chk_record *r)
{
    if ((tab.nused + 1) * 4 > tab.nslots * 3)
        chk_grow();
    size_t i = chk_find_slot(key);
    if (!tab.key[i])
        tab.nused++;
    tab.key[i] = key;
    tab.slot[i] = r;
}

/* Remove key (backward-shift deletion keeps probe runs intact: R3). */
static void chk_del(const void *key)
{
    if (!tab.nslots)
        return;
    size_t hole = chk_find_slot(key);
    if (!tab.key[hole])
        return;
    tab.key[hole] = NULL;
    tab.slot[hole] = NULL;
    tab.nused--;
    for (size_t i = (hole + 1) & (tab.nslots - 1); tab.key[i]; i = (i + 1) & (tab.nslots - 1))
    {
        size_t home = chk_hash(tab.key[i], tab.nslots);
        if (((i - home) & (tab.nslots - 1)) >= ((i - hole) & (tab.nslots - 1)))
        {
            tab.key[hole] = tab.key[i];
            tab.slot[hole] = tab.slot[i];
            tab.key[i] = NULL;
            tab.slot[i] = NULL;
            hole = i;
        }
    }
}

/* Forget the record of `data` (and its alias: R2). */
void sim_chk_drop(struct chk_record *r)
{
    if (r->user != r->data && sim_chk_get(r->user) == r)
        chk_del(r->user);
    if (sim_chk_get(r->data) == r)
        chk_del(r->data);
    free(r);
}

struct chk_record *sim_chk_new(const struct rt_object *heap, void *data, rt_size_t size,
                               rt_size_t capacity, int is_pool, struct rt_hw_mem_site site)
{
    struct chk_record *old = sim_chk_get(data);
    struct chk_record *r;

    if (old && old->data == (unsigned char *)data && old->user == old->data)
    {
        /* The common case of a freed block handed out again: the record
         * is reused in place (same key, no alias; issue 19: no host
         * allocation per checked call). */
        struct chk_event prev_free = old->free;
        int reused = old->freed != 0;

        memset(old, 0, sizeof *old);
        old->reused = reused;
        old->prev_free = prev_free;
        r = old;
        old = NULL;
    }
    else
    {
        r = calloc(1, sizeof *r);
        if (!r)
        {
            fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
            abort();
        }
    }
    if (old)
    {
        r->reused = old->freed != 0 && old->user == (unsigned char *)data;
        r->prev_free = old->free;
        sim_chk_drop(old);
    }
    r->heap = heap;
    r->data = r->user = data;
    r->size = size;
    r->capacity = capacity;
    r->is_pool = is_pool;
    sim_chk_now(&r->alloc, site);
    sim_chk_put(data, r);
    return r;
}

/* ---------------------------------------------------------------- walks */
struct chk_record *sim_chk_next(size_t *cursor)
{
    for (size_t i = *cursor; i < tab.nslots; i++)
    {
        struct chk_record *r = tab.slot[i];
        if (r && tab.key[i] == r->data)
        {
            *cursor = i + 1;
            return r;
        }
    }
    *cursor = tab.nslots;
    return NULL;
}

size_t sim_chk_count(void)
{
    return tab.nused;
}

/* The live heap block whose [user, user + capacity) holds p. */
struct chk_record *sim_chk_live_holding(const void *p, int want_pool)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < tab.nslots; i++)
    {
        struct chk_record *r = tab.slot[i];
        if (r && tab.key[i] == r->data && !r->freed && r->is_pool == want_pool &&
            c >= r->data && c < r->data + r->capacity)
            return r;
    }
    return NULL;
}

void sim_chk_drop_pool(const struct rt_object *pool)
{
    size_t i = 0;
    while (i < tab.nslots)
    {
        struct chk_record *r = tab.slot[i];
        if (r && r->heap == pool && r->is_pool)
            sim_chk_drop(r);    /* the shift may refill slot i: look again */
        else
            i++;
    }
}

void sim_chk_records_reset(void)
{
    /* aliases first (rt_malloc_align), so no record is read after free */
    for (size_t i = 0; i < tab.nslots; i++)
        if (tab.slot[i] && tab.key[i] != tab.slot[i]->data)
            tab.slot[i] = NULL;
    for (size_t i = 0; i < tab.nslots; i++)
        free(tab.slot[i]);
    free(tab.slot);
    free(tab.key);
    memset(&tab, 0, sizeof tab);
}

/* ------------------------------------------- for check_meta.c (check.h) */
/* The live block (a pool block when want_pool) that ends closest below
 * `p` - the one an overflow into p most probably came from - or NULL. */
const void *sim_check_block_below(const void *p, int want_pool, unsigned long *target,
                                  const unsigned char **end)
{
    const unsigned char *c = p;
    const struct chk_record *best = NULL;
    for (size_t i = 0; i < tab.nslots; i++)
    {
        const struct chk_record *r = tab.slot[i];
        if (r && tab.key[i] == r->data && !r->freed && r->is_pool == want_pool &&
            r->data < c && (!best || r->data > best->data))
            best = r;
    }
    if (best && target)
        *target = rt_sim_target_addr(best->user);
    if (best && end)
        *end = best->data + best->capacity;
    return best;
}

/* The freed (not yet reused) heap or pool block whose data holds p, or
 * NULL. */
const void *sim_check_freed_holding(const void *p, int want_pool, unsigned long *target)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < tab.nslots; i++)
    {
        const struct chk_record *r = tab.slot[i];
        if (r && tab.key[i] == r->data && r->freed == 1 && r->is_pool == want_pool &&
            c >= r->data && c < r->data + r->capacity)
        {
            if (target)
                *target = rt_sim_target_addr(r->user);
            return r;
        }
    }
    return NULL;
}
