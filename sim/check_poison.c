/*
 * check_poison.c - the bytes checked mode writes into the simulated RAM and
 * verifies there: the guard after (and below) a live block, the poison of
 * a freed one, the spans that remember which poisoned bytes the checker
 * still vouches for, and the strict level's quarantine.  The rules are
 * check.c's; this file holds their bytes:
 *
 * C2  Guard: GUARD_BYTE from a block's size to its capacity (and, for an
 *     aligned block, from its data to the word below the user address,
 *     which holds the raw address).  sim_chk_verify_guard reports the
 *     first damaged byte.
 * C3  Spans: the poisoned bytes of freed blocks not yet handed out again,
 *     sorted by address and never overlapping, each with a copy of its
 *     block's record (the record itself may be reused).  Memory handed out
 *     again is verified, then forgotten; a damaged byte is a write after
 *     free, reported with that copy.
 * C4  Quarantine: at most QUARANTINE_BLOCKS freed blocks, oldest first.
 * C7  Every byte read or written in the simulated RAM goes through
 *     sim_chk_ram_fill / _find_not / _word: built without ASan
 *     instrumentation, run inside rt_hw_mem_enter/leave (Valgrind).
 *
 * May call: check_report.c (to report a damaged byte and stop), host
 * realloc/free.  Keeps no record of its own: spans hold copies.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check_internal.h"

struct chk_span
{
    unsigned char *lo, *hi;
    size_t copy;                /* poi.copy[copy]: the block's record */
};

/* A copy of a freed block's record (the record itself may be reused),
 * shared by the spans a cut splits it into; kept apart so that moving
 * spans moves three words each (issue 19: a cut per checked call). */
struct chk_copy
{
    struct chk_record rec;
    size_t refs;                /* spans using it; 0: on the free list */
    size_t next_free;
};

static struct
{
    /* spans, sorted by lo */
    struct chk_span *span;
    size_t nspans, spancap;
    struct chk_copy *copy;
    size_t ncopies, copycap, free_copy;     /* free_copy: SIZE_MAX = none */
    struct chk_record *quarantine[QUARANTINE_BLOCKS];
    int nquarantine;
} poi;

/* ----------------------------------------------------- RAM access (C7) */
/* These run over every byte of every checked block (issue 19).  Outside
 * ASan a fill is the C library's memset; under ASan (which would check a
 * memset of the RAM it keeps poisoned) and for the search, explicit
 * pieces of check.h's types, never past the range: 16 bytes, then single
 * bytes. */
static inline uintptr_t chk_pattern(unsigned char v)
{
    return (uintptr_t)-1 / 0xFF * v;          /* v in every byte */
}

NO_ASAN void sim_chk_ram_fill(unsigned char *p, size_t n, unsigned char v)
{
    rt_hw_mem_enter();
#ifndef RTSIM_HAVE_ASAN
    memset(p, v, n);
#else
    size_t i = 0;
    sim_v16 pat;
    for (size_t k = 0; k < 16; k++)
        pat[k] = v;
    for (; i + 16 <= n; i += 16)
        *(volatile sim_v16 *)(void *)(p + i) = pat;
    for (; i < n; i++)
        ((volatile unsigned char *)p)[i] = v;
#endif
    rt_hw_mem_leave();
}

/* Offset of the first byte of [p, p + n) that is not v, or n. */
NO_ASAN size_t sim_chk_ram_find_not(const unsigned char *p, size_t n, unsigned char v)
{
    size_t i = 0;
    uintptr_t w = chk_pattern(v);
    rt_hw_mem_enter();
    for (; i + 16 <= n; i += 16)
    {
        sim_v16 x = *(const volatile sim_v16 *)(const void *)(p + i);
        uintptr_t d = 0;
        for (size_t k = 0; k < 16; k += sizeof(uintptr_t))
            d |= *(const sim_uw *)(const void *)((const unsigned char *)&x + k) ^ w;
        if (d != 0)
            break;              /* a differing byte: found below */
    }
    for (; i < n; i++)
        if (((const volatile unsigned char *)p)[i] != v)
            break;
    rt_hw_mem_leave();
    return i;
}

NO_ASAN rt_ubase_t sim_chk_ram_word(const void *p)
{
    rt_hw_mem_enter();
    rt_ubase_t w = *(const volatile rt_ubase_t *)p;
    rt_hw_mem_leave();
    return w;
}

/* ------------------------------------------------------------ guard (C2) */
void sim_chk_verify_guard(const struct chk_record *r, int call, struct rt_hw_mem_site site)
{
    unsigned char *end = r->user + r->size;
    unsigned char *cap_end = r->data + r->capacity;
    size_t off;

    if (end < cap_end && (off = sim_chk_ram_find_not(end, (size_t)(cap_end - end),
                                                     GUARD_BYTE)) < (size_t)(cap_end - end))
    {
        char kind[128];
        snprintf(kind, sizeof kind, "buffer overflow: written past the end of the block "
                 "(first damaged byte at +%lu)", (unsigned long)(end - r->user + off));
        sim_chk_report_head(kind, call, r->user, site);
        sim_chk_report_block(r);
        sim_chk_report_end();
    }
    if (r->user > r->data + sizeof(void *) &&
        (off = sim_chk_ram_find_not(r->data, (size_t)(r->user - sizeof(void *) - r->data),
                                    GUARD_BYTE)) < (size_t)(r->user - sizeof(void *) - r->data))
    {
        char kind[128];
        snprintf(kind, sizeof kind, "buffer underflow: written before the start of the block "
                 "(damaged byte at -%lu)", (unsigned long)(r->user - (r->data + off)));
        sim_chk_report_head(kind, call, r->user, site);
        sim_chk_report_block(r);
        sim_chk_report_end();
    }
    if (r->user != r->data && sim_chk_ram_word(r->user - sizeof(void *)) != (rt_ubase_t)r->data)
    {
        sim_chk_report_head("heap corrupted: the word below an aligned block (its raw "
                            "address) was overwritten", call, r->user, site);
        sim_chk_report_block(r);
        sim_chk_report_end();
    }
}

/* ------------------------------------------------------------ spans (C3) */
static size_t span_first_after(const unsigned char *lo)
{
    /* first span with hi > lo (spans do not overlap, so hi ascends too) */
    size_t a = 0, b = poi.nspans;
    while (a < b)
    {
        size_t m = (a + b) / 2;
        if (poi.span[m].hi <= lo)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

/* An array of *cap elements, twice as long (256 at first). */
static void *poi_grow(void *p, size_t *cap, size_t elem)
{
    *cap = *cap ? *cap * 2 : 256;
    p = realloc(p, *cap * elem);
    if (!p)
    {
        fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
        abort();
    }
    return p;
}

static void span_insert_at(size_t i, const struct chk_span *s)
{
    if (poi.nspans == poi.spancap)
        poi.span = poi_grow(poi.span, &poi.spancap, sizeof *poi.span);
    memmove(&poi.span[i + 1], &poi.span[i], (poi.nspans - i) * sizeof *poi.span);
    poi.span[i] = *s;
    poi.nspans++;
}

static size_t copy_new(const struct chk_record *r)
{
    size_t k;

    if (poi.ncopies == 0 && poi.copycap == 0)
        poi.free_copy = SIZE_MAX;
    if (poi.free_copy != SIZE_MAX)
    {
        k = poi.free_copy;
        poi.free_copy = poi.copy[k].next_free;
    }
    else
    {
        if (poi.ncopies == poi.copycap)
            poi.copy = poi_grow(poi.copy, &poi.copycap, sizeof *poi.copy);
        k = poi.ncopies++;
    }
    poi.copy[k].rec = *r;
    poi.copy[k].refs = 1;
    return k;
}

static void copy_drop(size_t k)
{
    if (--poi.copy[k].refs == 0)
    {
        poi.copy[k].next_free = poi.free_copy;
        poi.free_copy = k;
    }
}

void sim_chk_span_add(unsigned char *lo, unsigned char *hi, const struct chk_record *r)
{
    if (lo >= hi)
        return;
    struct chk_span s = { lo, hi, copy_new(r) };
    span_insert_at(span_first_after(lo), &s);
}

/* Forget every poisoned byte in [lo, hi). */
void sim_chk_span_cut(unsigned char *lo, unsigned char *hi)
{
    size_t i = span_first_after(lo);
    while (i < poi.nspans && poi.span[i].lo < hi)
    {
        struct chk_span *s = &poi.span[i];
        if (s->lo < lo && s->hi > hi)
        {
            /* a hole in the middle: keep both ends */
            struct chk_span right = *s;
            right.lo = hi;
            s->hi = lo;
            poi.copy[right.copy].refs++;
            span_insert_at(i + 1, &right);
            return;
        }
        if (s->lo < lo)
        {
            s->hi = lo;
            i++;
        }
        else if (s->hi > hi)
        {
            s->lo = hi;
            return;
        }
        else
        {
            copy_drop(s->copy);
            memmove(s, s + 1, (poi.nspans - i - 1) * sizeof *poi.span);
            poi.nspans--;
        }
    }
}

/* C3: verify the spans overlapping [vlo, vhi). */
static void spans_verify(unsigned char *vlo, unsigned char *vhi, int call, const void *ptr,
                         struct rt_hw_mem_site site)
{
    for (size_t i = span_first_after(vlo); i < poi.nspans && poi.span[i].lo < vhi; i++)
    {
        const struct chk_span *s = &poi.span[i];
        unsigned char *a = s->lo > vlo ? s->lo : vlo;
        unsigned char *b = s->hi < vhi ? s->hi : vhi;
        size_t off = sim_chk_ram_find_not(a, (size_t)(b - a), POISON_BYTE);
        if (off < (size_t)(b - a))
        {
            struct chk_record copy = poi.copy[s->copy].rec;
            sim_chk_report_use_after_free(&copy, a + off, call, ptr, site);
        }
    }
}

/* C3: memory handed out again: verify [vlo, vhi), then forget [lo, hi). */
void sim_chk_spans_reuse(unsigned char *vlo, unsigned char *vhi, unsigned char *lo,
                         unsigned char *hi, int call, const void *ptr, struct rt_hw_mem_site site)
{
    spans_verify(vlo, vhi, call, ptr, site);
    sim_chk_span_cut(lo < vlo ? lo : vlo, hi > vhi ? hi : vhi);
}

void sim_chk_spans_verify_all(int call)
{
    if (poi.nspans)
        spans_verify(poi.span[0].lo, poi.span[poi.nspans - 1].hi, call, NULL,
                     (struct rt_hw_mem_site){0, 0});
}

const struct chk_record *sim_chk_span_holding(const void *p)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < poi.nspans; i++)
        if (c >= poi.span[i].lo && c < poi.span[i].hi)
            return &poi.copy[poi.span[i].copy].rec;
    return NULL;
}

void sim_chk_poison_freed(struct chk_record *r, rt_size_t head, rt_size_t tail)
{
    rt_hw_mem_enter();
    sim_chk_ram_fill(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    if (head + tail < r->capacity)
        sim_chk_span_add(r->data + head, r->data + r->capacity - tail, r);
}

/* ------------------------------------------------------- quarantine (C4) */
int sim_chk_quarantine_full(void)
{
    return poi.nquarantine == QUARANTINE_BLOCKS;
}

void sim_chk_quarantine_push(struct chk_record *r)
{
    poi.quarantine[poi.nquarantine++] = r;
}

struct chk_record *sim_chk_quarantine_pop(void)
{
    if (poi.nquarantine == 0)
        return NULL;
    struct chk_record *r = poi.quarantine[0];
    memmove(&poi.quarantine[0], &poi.quarantine[1], (size_t)(--poi.nquarantine) * sizeof r);
    return r;
}

void sim_chk_poison_reset(void)
{
    free(poi.span);
    free(poi.copy);
    memset(&poi, 0, sizeof poi);
}
