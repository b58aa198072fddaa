/*
 * check_meta.c - checked mode's metadata shadow (rthw.h, "metadata
 * shadow"; docs/mistakes.md, "Overflows into allocator metadata").
 *
 * An allocator trusts its own headers and links: a header overwritten by
 * the program sends it into the wrong memory, or into host memory.  So in
 * checked mode the kernel tells this file, after every allocator call,
 * where the allocator's metadata now is (kheap.c walks the heap; mempool.c
 * names each word it wrote), and this file keeps a copy of those bytes in
 * host memory.  Before the next call reads them, the kernel asks for a
 * comparison; a difference means the program wrote there, and the run
 * stops with a report before the allocator takes one step on it.
 *
 * Rules
 * -----
 * M1  A set of records per owner (the system heap, each pool): address,
 *     length, kind, the block it belongs to, and the bytes as recorded.
 *     Records are kept sorted by address; noting an address again replaces
 *     its record.
 * M2  Verify compares the records that overlap the range asked for (all
 *     of them for length 0) byte by byte with the RAM, in address order,
 *     and reports the first difference: the word, expected and found
 *     bytes, and the live block ending closest below it - the block that
 *     most probably overflowed (check.c keeps every block's history).
 * M3  Nothing here writes to the simulated RAM; it is read through
 *     meta_ram_equal (no ASan instrumentation, inside the Valgrind
 *     brackets), never beyond a recorded range.
 * M4  Host memory: O(metadata) per owner; a forgotten owner's place is
 *     reused, and everything is freed at the end of the run
 *     (sim_meta_reset).  The recorded bytes live in the owner's byte
 *     arena: a record noted again at the same address and length reuses
 *     its place; the arena is reset when the owner is forgotten, and
 *     compacted when incremental records (M5) have left it mostly
 *     garbage.
 * M5  Incremental recording (kheap.c, K11): the kernel may forget only
 *     the records starting in [lo, hi) and note that range again
 *     (rt_hw_meta_renote_begin / _end: the new records are collected and
 *     spliced in at once); rt_hw_meta_window names such a range
 *     around a recorded block header from the records themselves, and
 *     rt_hw_meta_same compares two owners' records (the self-check that
 *     an incremental record equals a whole one).
 * M7  Drop (a slab chunk handed out, heap_shadow.c S8): the record at an
 *     address is marked dead, not removed, so that dropping is O(log n)
 *     with no move of the records above; verify skips it, and noting the
 *     address again revives it in place (its bytes' place too, for the
 *     same length).  An owner's records stay bounded by its addresses.
 * M6  Refresh (kheap.c, K11): rt_hw_meta_refresh copies the RAM into the
 *     link and header records of an owner that overlap a range (or into
 *     all of them).  Only the kernel calls it, right after
 *     an allocator call it verified before (so the bytes that changed
 *     are the allocator's own writes): that is how an incremental record
 *     picks up the relinked free-list words of blocks outside its
 *     windows without walking to them (rt_hw_meta_refresh_each: the
 *     ranges of one call in one pass).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check.h"

#define META_DEAD   (-1)        /* M7: a dropped record's kind */

struct meta_rec
{
    const unsigned char *addr;
    rt_size_t len;
    int kind;
    const void *block;
    size_t off;                 /* of the recorded bytes in set->bytes */
};

struct meta_set
{
    const void *owner;
    struct meta_rec *rec;
    size_t n, cap;
    unsigned char *bytes;
    size_t nbytes, bcap;
    int pool;                   /* a memory pool's words */
    /* M5: between rt_hw_meta_renote_begin and _end, the records noted in
     * [span_lo, span_hi) collect here, in address order. */
    int span;
    size_t compact_at;          /* M4: compact the arena beyond this */
    const unsigned char *span_lo, *span_hi;
    struct meta_rec *tmp;
    size_t tmp_n, tmp_cap;
};


static struct
{
    struct meta_set *set;
    size_t n, cap;
    size_t last;                /* index of the set used last */
} meta;

/* ------------------------------------------------------------ host side */
static void *meta_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    if (c == *cap)
        return p;
    void *q = realloc(p, c * elem);
    if (!q)
    {
        sim_report("rtsim: out of host memory for the metadata shadow\n");
        abort();
    }
    *cap = c;
    return q;
}

static struct meta_set *meta_find(const void *owner, int create)
{
    if (meta.last < meta.n && meta.set[meta.last].owner == owner)
        return &meta.set[meta.last];
    for (size_t i = 0; i < meta.n; i++)
        if (meta.set[i].owner == owner)
            return &meta.set[meta.last = i];
    if (!create)
        return NULL;
    for (size_t i = 0; i < meta.n; i++)
        if (meta.set[i].n == 0)
        {
            meta.set[i].owner = owner;      /* a forgotten owner's place */
            meta.set[i].pool = 0;
            return &meta.set[meta.last = i];
        }
    meta.set = meta_grow(meta.set, &meta.cap, meta.n + 1, sizeof *meta.set);
    memset(&meta.set[meta.n], 0, sizeof meta.set[0]);
    meta.set[meta.n].owner = owner;
    meta.last = meta.n;
    return &meta.set[meta.n++];
}

/* First record whose address is >= a. */
static size_t meta_lower(const struct meta_set *s, const unsigned char *a)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi)
    {
        size_t mid = lo + (hi - lo) / 2;
        if (s->rec[mid].addr < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The records [*first, *end) overlapping [addr, addr + len); all of them
 * for len 0 (M2). */
static void meta_overlapping(const struct meta_set *s, const void *addr, rt_size_t len,
                             size_t *first, size_t *end)
{
    const unsigned char *a = addr;
    size_t i;

    if (len == 0)
    {
        *first = 0;
        *end = s->n;
        return;
    }
    i = meta_lower(s, a);
    while (i > 0 && s->rec[i - 1].addr + s->rec[i - 1].len > a)
        i--;
    *first = i;
    /* forward: every record passed is one the caller visits anyway */
    while (i < s->n && s->rec[i].addr < a + len)
        i++;
    *end = i;
}

/* ------------------------------------------------------ RAM access (M3) */
/* Called inside rt_hw_mem_enter / leave (the caller's bracket).  The RAM
 * is read in pieces of 16, a word, 4, then 1 byte, never past the range
 * asked for, through check.h's types of alignment 1 (sim_v16, sim_uw).
 * Explicit pieces also keep the compiler from turning the loops into
 * memcpy / memcmp calls, which ASan would check; outside ASan a control
 * block goes through the C library (issue 19: tlsf's control block alone
 * is 1,416 bytes on a 64-bit host, compared before every call and copied
 * after it; slab's usage entries are 4 bytes, which the word loop used to
 * leave to a byte loop). */
typedef sim_v16 meta_v16;
typedef rt_uint32_t meta_u32 __attribute__((may_alias, aligned(1)));
typedef sim_uw meta_uw;

#ifdef RTSIM_HAVE_ASAN
#define META_COPY_FN NO_ASAN static void
#else
#define META_COPY_FN static inline __attribute__((always_inline)) void
#endif
META_COPY_FN meta_ram_copy(unsigned char *to, const unsigned char *from, size_t n)
{
    size_t i = 0;
#ifndef RTSIM_HAVE_ASAN
    if (n >= 64)
    {
        memcpy(to, from, n);    /* a control block: the C library's copy */
        return;
    }
#endif
    if (n == 3 * sizeof(rt_ubase_t))    /* a small-mem header */
    {
        *(meta_uw *)(void *)to = *(const volatile meta_uw *)(const void *)from;
        *(meta_uw *)(void *)(to + sizeof(rt_ubase_t)) =
            *(const volatile meta_uw *)(const void *)(from + sizeof(rt_ubase_t));
        *(meta_uw *)(void *)(to + 2 * sizeof(rt_ubase_t)) =
            *(const volatile meta_uw *)(const void *)(from + 2 * sizeof(rt_ubase_t));
        return;
    }
    for (; i + 16 <= n; i += 16)
        *(meta_v16 *)(void *)(to + i) = *(const volatile meta_v16 *)(const void *)(from + i);
    for (; i + sizeof(rt_ubase_t) <= n; i += sizeof(rt_ubase_t))
        *(meta_uw *)(void *)(to + i) = *(const volatile meta_uw *)(const void *)(from + i);
    if (sizeof(rt_ubase_t) > 4 && i + 4 <= n)
    {
        *(meta_u32 *)(void *)(to + i) = *(const volatile meta_u32 *)(const void *)(from + i);
        i += 4;
    }
    for (; i < n; i++)
        to[i] = ((const volatile unsigned char *)from)[i];
}

/* Offset of the first byte of the RAM at p that differs from want, or n
 * (only after meta_ram_same said there is one: a report's path). */
NO_ASAN static size_t meta_ram_diff(const unsigned char *p, const unsigned char *want, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (((const volatile unsigned char *)p)[i] != want[i])
            break;
    return i;
}

/* Is the RAM at p the n bytes at want?  The whole-shadow compare before
 * every call runs here: differences or-ed together (no early exit, no
 * call); meta_ram_diff finds the byte once one differs.  Inline where
 * nothing forbids it (issue 19: one call per record verified); under ASan
 * it must stay a function of its own, uninstrumented. */
#ifdef RTSIM_HAVE_ASAN
#define META_SAME_FN NO_ASAN static int
#else
#define META_SAME_FN static inline __attribute__((always_inline)) int
#endif
/* A control block (the C library's compare, or 16 bytes at a time under
 * ASan) or a header of 4 words or more (memheap's): out of line, so that
 * the loop over the short records stays small. */
NO_ASAN __attribute__((noinline)) static int meta_ram_same_long(const unsigned char *p,
                                                                const unsigned char *want,
                                                                size_t n)
{
    size_t i;
    rt_ubase_t acc = 0;
#ifndef RTSIM_HAVE_ASAN
    if (n >= 64)
        return memcmp(p, want, n) == 0;
#endif
    meta_v16 v = *(const meta_v16 *)(const void *)p ^ *(const meta_v16 *)(const void *)want;
    for (i = 16; i + 16 <= n; i += 16)
        v |= *(const meta_v16 *)(const void *)(p + i) ^ *(const meta_v16 *)(const void *)(want + i);
    for (size_t k = 0; k < 16; k += sizeof(rt_ubase_t))
        acc |= *(const meta_uw *)(const void *)((const unsigned char *)&v + k);
    for (; i < n; i++)
        acc |= (rt_ubase_t)(p[i] ^ want[i]);
    return acc == 0;
}

META_SAME_FN meta_ram_same(const unsigned char *p, const unsigned char *want, size_t n)
{
    size_t i = 0;
    rt_ubase_t acc = 0;

#define META_W(k) (*(const meta_uw *)(const void *)(p + (k) * sizeof(rt_ubase_t)) ^ \
                   *(const meta_uw *)(const void *)(want + (k) * sizeof(rt_ubase_t)))
    /* the usual records: a header (small mem 3 words, memheap 6) or a
     * pair of links (2), unrolled */
    switch (n)
    {
    case sizeof(rt_ubase_t):
        return META_W(0) == 0;
    case 2 * sizeof(rt_ubase_t):
        return (META_W(0) | META_W(1)) == 0;
    case 3 * sizeof(rt_ubase_t):
        return (META_W(0) | META_W(1) | META_W(2)) == 0;
    case 4 * sizeof(rt_ubase_t):
        return (META_W(0) | META_W(1) | META_W(2) | META_W(3)) == 0;
    case 6 * sizeof(rt_ubase_t):
        return (META_W(0) | META_W(1) | META_W(2) | META_W(3) | META_W(4) | META_W(5)) == 0;
    default:
        break;
    }
#undef META_W
    if (n >= 32)
        return meta_ram_same_long(p, want, n);
    for (; i + sizeof(rt_ubase_t) <= n; i += sizeof(rt_ubase_t))
        acc |= *(const meta_uw *)(const void *)(p + i) ^ *(const meta_uw *)(const void *)(want + i);
    if (sizeof(rt_ubase_t) > 4 && i + 4 <= n)
    {
        acc |= *(const meta_u32 *)(const void *)(p + i) ^ *(const meta_u32 *)(const void *)(want + i);
        i += 4;
    }
    for (; i < n; i++)
        acc |= (rt_ubase_t)(p[i] ^ want[i]);
    return acc == 0;
}

/* ------------------------------------------------------------- the hooks */
void rt_hw_meta_forget(const void *owner)
{
    struct meta_set *s = meta_find(owner, 0);
    if (s)
        s->n = s->nbytes = 0;
}

/* M7 */
void rt_hw_meta_drop(const void *owner, const void *addr)
{
    struct meta_set *s = meta_find(owner, 0);
    size_t i;

    if (!s)
        return;
    i = meta_lower(s, addr);
    if (i < s->n && s->rec[i].addr == (const unsigned char *)addr)
        s->rec[i].kind = META_DEAD;
}

void rt_hw_meta_forget_owners(const void *lo, const void *hi)
{
    for (size_t i = 0; i < meta.n; i++)
        if ((const unsigned char *)meta.set[i].owner >= (const unsigned char *)lo &&
            (const unsigned char *)meta.set[i].owner < (const unsigned char *)hi)
            meta.set[i].n = meta.set[i].nbytes = 0;
}

/* The recorded bytes of r. */
static const unsigned char *meta_rec_bytes(const struct meta_set *s, const struct meta_rec *r)
{
    return s->bytes + r->off;
}

void rt_hw_meta_note(const void *owner, const void *addr, rt_size_t len, int kind,
                     const void *block)
{
    struct meta_set *s;
    const unsigned char *a = addr;
    struct meta_rec *r;
    size_t i;

    if (len == 0)
        return;
    s = meta_find(owner, 1);
    if (kind == RT_HW_META_POOL_WORD)
        s->pool = 1;
    if (s->span && a >= s->span_lo && a < s->span_hi)
    {
        /* M5: into the records to splice in, kept in address order */
        for (i = s->tmp_n; i > 0 && s->tmp[i - 1].addr >= a; i--)
            ;
        if (i < s->tmp_n && s->tmp[i].addr == a)
        {
            r = &s->tmp[i];
        }
        else
        {
            if (s->tmp_n == s->tmp_cap)
                s->tmp = meta_grow(s->tmp, &s->tmp_cap, s->tmp_n + 1, sizeof *s->tmp);
            if (i < s->tmp_n)
                memmove(&s->tmp[i + 1], &s->tmp[i], (s->tmp_n - i) * sizeof *s->tmp);
            s->tmp_n++;
            r = &s->tmp[i];
        }
        r->off = SIZE_MAX;
    }
    else
    {
        if (s->n == 0 || s->rec[s->n - 1].addr < a)
            i = s->n;                       /* the usual case: in order */
        else
            i = meta_lower(s, a);
        if (i < s->n && s->rec[i].addr == a)
        {
            r = &s->rec[i];                 /* M1: replace */
            if (r->len != len)
                r->off = SIZE_MAX;
        }
        else
        {
            if (s->n == s->cap)
                s->rec = meta_grow(s->rec, &s->cap, s->n + 1, sizeof *s->rec);
            memmove(&s->rec[i + 1], &s->rec[i], (s->n - i) * sizeof *s->rec);
            s->n++;
            r = &s->rec[i];
            r->off = SIZE_MAX;
        }
    }
    r->addr = a;
    r->len = len;
    r->kind = kind;
    r->block = block;
    if (r->off == SIZE_MAX)
    {
        if (s->nbytes + len > s->bcap)
            s->bytes = meta_grow(s->bytes, &s->bcap, s->nbytes + len, 1);
        r->off = s->nbytes;
        s->nbytes += len;
    }
    meta_ram_copy(s->bytes + r->off, a, len);
}

/* M5: the records of `owner` that start in [lo, hi) are to be replaced
 * by those noted there until rt_hw_meta_renote_end (collected apart, then
 * spliced in at once: one move of the records above, not one per note). */
void rt_hw_meta_renote_begin(const void *owner, const void *lo, const void *hi)
{
    struct meta_set *s = meta_find(owner, 1);

    s->span = 1;
    s->span_lo = lo;
    s->span_hi = hi;
    s->tmp_n = 0;
}

void rt_hw_meta_renote_end(const void *owner)
{
    struct meta_set *s = meta_find(owner, 0);
    size_t i, j, m;

    if (!s || !s->span)
        return;
    s->span = 0;
    i = meta_lower(s, s->span_lo);
    j = meta_lower(s, s->span_hi);
    m = s->tmp_n;
    if (m > j - i)
        s->rec = meta_grow(s->rec, &s->cap, s->n + m - (j - i), sizeof *s->rec);
    if (m != j - i && s->n != j)
        memmove(&s->rec[i + m], &s->rec[j], (s->n - j) * sizeof *s->rec);
    if (m != 0)
        memcpy(&s->rec[i], s->tmp, m * sizeof *s->rec);
    s->n = s->n + m - (j - i);
    s->tmp_n = 0;
    /* M4: the bytes of the records replaced are garbage; when they are
     * most of the arena, copy the live bytes down (O(records), once per
     * many calls). */
    if (s->nbytes > 65536 && s->nbytes > s->compact_at)
    {
        unsigned char *nb = malloc(s->bcap);
        size_t o = 0;
        if (!nb)
        {
            sim_report("rtsim: out of host memory for the metadata shadow\n");
            abort();
        }
        for (size_t k = 0; k < s->n; k++)
        {
            memcpy(nb + o, s->bytes + s->rec[k].off, s->rec[k].len);
            s->rec[k].off = o;
            o += s->rec[k].len;
        }
        free(s->bytes);
        s->bytes = nb;
        s->nbytes = o;
        s->compact_at = 4 * o;
    }
}

/* M5: the window of header records around the block header recorded for
 * the block at `block` (its record ends where the block starts). */
int rt_hw_meta_window(const void *owner, const void *block, unsigned before, unsigned after,
                      const void **lo, const void **hi)
{
    const struct meta_set *s = meta_find(owner, 0);
    size_t i, k;

    if (!s || s->n == 0)
        return 0;
    i = meta_lower(s, block);
    if (i == 0 || s->rec[i - 1].kind != RT_HW_META_HEADER || s->rec[i - 1].block != block)
        return 0;
    i--;
    k = i;                  /* the headers below: skip anything else */
    for (size_t j = i; before > 0 && j > 0; j--)
        if (s->rec[j - 1].kind == RT_HW_META_HEADER)
        {
            k = j - 1;
            before--;
        }
    *lo = s->rec[k].addr;
    k = i;                  /* and above, up to the end of the last one */
    for (size_t j = i + 1; after > 0 && j < s->n; j++)
        if (s->rec[j].kind == RT_HW_META_HEADER)
        {
            k = j;
            after--;
        }
    *hi = s->rec[k].addr + s->rec[k].len;
    return 1;
}

/* M6: the link and header records of `owner` overlapping [addr, addr +
 * len) (len 0: all of them) take the bytes the RAM holds now: the link
 * words of free blocks that a call relinked far from the blocks it took
 * or gave back (tlsf's links after the header, memheap's inside it),
 * recorded without a walk (the control block is walked again every
 * time).  Called right after the
 * allocator's own call, before anything else can write. */
static void meta_refresh_range(struct meta_set *s, const void *addr, rt_size_t len)
{
    size_t i, end;

    meta_overlapping(s, addr, len, &i, &end);
    for (; i < end; i++)
    {
        const struct meta_rec *r = &s->rec[i];
        unsigned char *want = s->bytes + r->off;
        if ((r->kind == RT_HW_META_LINK || r->kind == RT_HW_META_HEADER) &&
            !meta_ram_same(r->addr, want, r->len))
            meta_ram_copy(want, r->addr, r->len);
    }
}

void rt_hw_meta_refresh(const void *owner, const void *addr, rt_size_t len)
{
    struct meta_set *s = meta_find(owner, 0);

    if (!s || s->n == 0)
        return;
    rt_hw_mem_enter();
    meta_refresh_range(s, addr, len);
    rt_hw_mem_leave();
}

/* M6, for n ranges of len bytes at once (the list neighbours of one
 * call: one lookup of the owner, one bracket). */
void rt_hw_meta_refresh_each(const void *owner, const void *const *addr, rt_size_t n,
                             rt_size_t len)
{
    struct meta_set *s = meta_find(owner, 0);

    if (!s || s->n == 0)
        return;
    rt_hw_mem_enter();
    for (rt_size_t k = 0; k < n; k++)
        meta_refresh_range(s, addr[k], len);
    rt_hw_mem_leave();
}

/* M6: the nonzero words, as recorded, of the free-block link records
 * (RT_HW_META_LINK) of `owner` that start in [lo, hi), and of words
 * [hdr_first, hdr_first + hdr_words) of its header records there (links
 * kept in the header: memheap): up to max of them into out[]; returns how
 * many there are (more than max: some left out). */
rt_size_t rt_hw_meta_links(const void *owner, const void *lo, const void *hi,
                           rt_size_t hdr_first, rt_size_t hdr_words, const void **out,
                           rt_size_t max)
{
    const struct meta_set *s = meta_find(owner, 0);
    size_t i, end;
    rt_size_t n = 0;

    if (!s || s->n == 0)
        return 0;
    end = meta_lower(s, hi);
    for (i = meta_lower(s, lo); i < end; i++)
    {
        const struct meta_rec *r = &s->rec[i];
        const unsigned char *b = meta_rec_bytes(s, r);
        size_t k = 0, stop = r->len;
        if (r->kind == RT_HW_META_HEADER && hdr_words != 0)
        {
            k = hdr_first * sizeof(void *);
            stop = k + hdr_words * sizeof(void *) < r->len ? k + hdr_words * sizeof(void *)
                                                            : r->len;
        }
        else if (r->kind != RT_HW_META_LINK)
            continue;
        for (; k + sizeof(void *) <= stop; k += sizeof(void *))
        {
            const void *w;
            memcpy(&w, b + k, sizeof w);
            if (w == NULL)
                continue;
            if (n < max)
                out[n] = w;
            n++;
        }
    }
    return n;
}

/* M5: do two owners hold the same records, byte for byte? */
int rt_hw_meta_same(const void *a, const void *b)
{
    const struct meta_set *x = meta_find(a, 0);
    size_t nx = x ? x->n : 0;
    const struct meta_set *y = meta_find(b, 0);
    size_t ny = y ? y->n : 0;

    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++)
    {
        const struct meta_rec *p = &x->rec[i], *q = &y->rec[i];
        if (p->addr != q->addr || p->len != q->len || p->kind != q->kind ||
            p->block != q->block ||
            memcmp(meta_rec_bytes(x, p), meta_rec_bytes(y, q), p->len) != 0)
            return 0;
    }
    return 1;
}

static const char *meta_kind_text(int kind)
{
    switch (kind)
    {
    case RT_HW_META_CONTROL:   return "control block";
    case RT_HW_META_ZONE:      return "zone header";
    case RT_HW_META_HEADER:    return "block header";
    case RT_HW_META_LINK:      return "free-list link";
    default:                   return "pool block word";
    }
}

/* A heap, memheap or pool object at host address w (its control block
 * lives in host memory: a static variable), or NULL. */
static const struct rt_object *meta_object_at(rt_ubase_t w)
{
    static const int classes[] = { RT_Object_Class_Memory, RT_Object_Class_MemHeap,
                                   RT_Object_Class_MemPool };
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
    {
        struct rt_object_information *info = rt_object_get_information(classes[c]);
        if (!info)
            continue;
        for (rt_list_t *n = info->object_list.next; n != &info->object_list; n = n->next)
            if ((rt_ubase_t)rt_list_entry(n, struct rt_object, list) == w)
                return rt_list_entry(n, struct rt_object, list);
    }
    return NULL;
}

/* Words as the report shows them: an address in the simulated RAM as its
 * target address, the address of a kernel object kept in host memory by
 * the object's name (host addresses change from run to run), anything
 * else in hex; a tail shorter than a word in bytes. */
static void meta_words(char *buf, size_t n, const unsigned char *p, size_t len)
{
    size_t k = 0, i = 0;
    buf[0] = '\0';
    for (; i + sizeof(rt_ubase_t) <= len && k + 40 < n; i += sizeof(rt_ubase_t))
    {
        rt_ubase_t w;
        memcpy(&w, p + i, sizeof w);
        unsigned long t = rt_sim_target_addr((const void *)w);
        const struct rt_object *o;
        if (t != (unsigned long)w)
            k += (size_t)snprintf(buf + k, n - k, " 0x%08lx", t);
        else if (w != 0 && (o = meta_object_at(w)) != NULL)
            k += (size_t)snprintf(buf + k, n - k, " &\"%.*s\"", RT_NAME_MAX, o->name);
        else
            k += (size_t)snprintf(buf + k, n - k, " 0x%0*lx", (int)(2 * sizeof w),
                                  (unsigned long)w);
    }
    for (; i < len && k + 4 < n; i++)
        k += (size_t)snprintf(buf + k, n - k, " %02x", p[i]);
}

/* M2: the report. */
RT_NORETURN static void meta_report(const struct meta_set *s, const struct meta_rec *r,
                                    size_t at, int call, const void *ptr,
                                    struct rt_hw_mem_site site)
{
    const int pool = s->pool;
    const unsigned char *bad = r->addr + at;
    unsigned long below_addr = 0;
    const unsigned char *below_end = NULL;
    const void *below = sim_check_block_below(bad, pool, &below_addr, &below_end);
    char what[160], kind[320], want[160], found[160];
    unsigned char now[4 * sizeof(rt_ubase_t)];

    unsigned long freed_addr = 0;
    const void *freed = r->kind == RT_HW_META_LINK || r->kind == RT_HW_META_POOL_WORD
                        ? sim_check_freed_holding(bad, pool, &freed_addr) : NULL;
    const char *was = r->kind == RT_HW_META_LINK ? "were" : "was";

    if (r->kind == RT_HW_META_CONTROL)
        snprintf(what, sizeof what, "the %s's control block at 0x%08lx",
                 pool ? "memory pool" : "heap", rt_sim_target_addr(r->block));
    else if (r->kind == RT_HW_META_ZONE)
        snprintf(what, sizeof what, "the slab zone header at 0x%08lx",
                 rt_sim_target_addr(r->block));
    else if (r->kind == RT_HW_META_HEADER)
        snprintf(what, sizeof what, "the header of the block at 0x%08lx",
                 rt_sim_target_addr(r->block));
    else if (r->kind == RT_HW_META_LINK)
        snprintf(what, sizeof what, "the free-list links of the free block at 0x%08lx",
                 rt_sim_target_addr(r->block));
    else
        snprintf(what, sizeof what, "the header word of pool block 0x%08lx",
                 rt_sim_target_addr(r->block));
    /* The block right after the damaged record, when the damage is in the
     * record's second half and a live block starts right where it ends: a
     * write before that block (p[-1]) rather than one past a block below. */
    const unsigned char *rec_end = r->addr + r->len;
    unsigned long own_addr = 0;
    const void *own = at >= r->len / 2
                      ? sim_check_block_below(rec_end + 1, pool, &own_addr, NULL) : NULL;
    if (own && own_addr != rt_sim_target_addr(rec_end))
        own = NULL;
    if (own)
    {
        below = own;
        below_addr = own_addr;
    }
    /* A live block far below (free memory or other metadata between) is
     * no likely culprit. */
    if (!own && below && (size_t)(bad - below_end) > 4 * sizeof(void *))
        below = NULL;

    /* A heap made directly (heap_shadow.c S9): rtsim keeps no history of
     * its blocks, so the culprit comes from the shadow itself - the block
     * whose header is the last one recorded below a damaged header; a
     * damaged link belongs to a free block. */
    const int direct = RT_HW_MEM_IS_DIRECT(call) && !own && !below && !freed;
    unsigned long direct_addr = 0;
    if (direct && r->kind == RT_HW_META_HEADER)
        for (size_t i = (size_t)(r - s->rec); i-- > 0;)
            if (s->rec[i].kind == RT_HW_META_HEADER)
            {
                direct_addr = rt_sim_target_addr(s->rec[i].block);
                break;
            }

    if (direct && r->kind == RT_HW_META_LINK)
        snprintf(kind, sizeof kind, "heap metadata overwritten: %s %s overwritten (a write "
                 "after free into it, or an overflow from just below it)", what, was);
    else if (direct_addr != 0)
        snprintf(kind, sizeof kind, "heap overflow from the block at 0x%08lx: %s %s "
                 "overwritten", direct_addr, what, was);
    else if (own && r->kind == RT_HW_META_HEADER)
        snprintf(kind, sizeof kind, "%s underflow from the block at 0x%08lx: its own header "
                 "was overwritten (a write before the block)", pool ? "memory pool" : "heap",
                 own_addr);
    else if (own)
        snprintf(kind, sizeof kind, "%s underflow from the block at 0x%08lx: %s, just before "
                 "it, %s overwritten", pool ? "memory pool" : "heap", own_addr, what, was);
    else if (freed)
        snprintf(kind, sizeof kind, "write after free into the block at 0x%08lx: %s %s "
                 "overwritten", freed_addr, what, was);
    else if (below)
        snprintf(kind, sizeof kind, "%s overflow from the block at 0x%08lx: %s %s overwritten",
                 pool ? "memory pool" : "heap", below_addr, what, was);
    else
        snprintf(kind, sizeof kind, "%s metadata overwritten: %s %s overwritten (no live "
                 "block right below it: a stale or wild pointer)", pool ? "memory pool" : "heap",
                 what, was);
    sim_check_report_head(kind, call, ptr, site);

    /* four words at most, from the word holding the first damaged byte */
    size_t from = at - at % sizeof(void *);
    size_t len = r->len - from < sizeof now ? r->len - from : sizeof now;
    unsigned char was_bytes[sizeof now];
    rt_hw_mem_enter();
    meta_ram_copy(now, r->addr + from, len);
    rt_hw_mem_leave();
    memcpy(was_bytes, meta_rec_bytes(s, r) + from, len);
    /* The report prints the bytes as they are: RAM nobody initialised
     * (a heap made over a fresh block, never-used slab chunks) included. */
    sim_annotate_copied(was_bytes, len);
    sim_annotate_copied(now, len);
    meta_words(want, sizeof want, was_bytes, len);
    meta_words(found, sizeof found, now, len);
    sim_report("  damage 0x%08lx (%s, %lu bytes at 0x%08lx); from 0x%08lx:\n",
               rt_sim_target_addr(bad), meta_kind_text(r->kind), (unsigned long)r->len,
               rt_sim_target_addr(r->addr), rt_sim_target_addr(r->addr + from));
    sim_report("         expected%s\n", want);
    sim_report("         found   %s\n", found);
    if (freed)
        sim_check_report_record(freed);
    if (freed && below)
        sim_report("  below  0x%08lx, the live block just below (if it overflowed instead)\n",
                   below_addr);
    else if (below)
        sim_check_report_record(below);
    sim_check_stop();
}


void rt_hw_meta_verify(const void *owner, const void *addr, rt_size_t len, int call,
                       const void *ptr, struct rt_hw_mem_site site)
{
    const struct meta_set *s = meta_find(owner, 0);
    size_t i, end;

    /* A heap made directly takes no lock (slab, tlsf, small mem): in
     * checked mode its calls still count as kernel calls for the
     * wall-clock watchdog (watchdog.c rule 1), being the port's work. */
    sim_wd_beat();

    if (!s || s->n == 0)
        return;
    meta_overlapping(s, addr, len, &i, &end);
    rt_hw_mem_enter();
    for (; i < end; i++)
    {
        const struct meta_rec *r = &s->rec[i];
        const unsigned char *want = meta_rec_bytes(s, r);
        if (r->kind != META_DEAD && !meta_ram_same(r->addr, want, r->len))
        {
            size_t at = meta_ram_diff(r->addr, want, r->len);
            rt_hw_mem_leave();
            /* found by comparing bytes nobody may have initialised (a heap
             * made over a fresh block): a place, not a use (memcheck) */
            sim_annotate_copied(&at, sizeof at);
            meta_report(s, r, at, call, ptr, site);
        }
    }
    rt_hw_mem_leave();
}

void sim_meta_begin(int level)
{
    rt_hw_meta_enabled = level > 0;
}

void sim_meta_reset(void)
{
    for (size_t i = 0; i < meta.n; i++)
    {
        free(meta.set[i].rec);
        free(meta.set[i].bytes);
        free(meta.set[i].tmp);
    }
    free(meta.set);
    memset(&meta, 0, sizeof meta);
    rt_hw_meta_enabled = 0;
}
