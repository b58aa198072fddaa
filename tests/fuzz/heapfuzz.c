/*
 * heapfuzz.c - the operation-stream harness of heapfuzz.h: input decoding,
 * the reference model, the checks M1..M5, and one adapter per manager.
 *
 * Input format (every byte string is valid; a short input just stops):
 *
 *   byte 0    arena: size = hf_arena_sizes[b % 5], start misaligned by
 *             (b / 5) % 8 bytes
 *   byte 1    variant (the system heap's algorithm), modulo nvariants
 *   then ops  op byte, then its arguments:
 *     0..2  alloc SIZE              SIZE = two bytes, see hf_size()
 *     3..4  free IDX                IDX = one byte, modulo live blocks
 *     5..6  realloc IDX SIZE        IDX == live count means realloc(NULL)
 *     7     aligned alloc SIZE A    align = 1 << (A % 10); plain alloc if
 *                                   the manager has no aligned alloc
 *     8     realloc IDX 0           must free and return NULL
 *     9     extra ARG               slab pages / pool block, or free one
 *     10    alloc 0                 must return NULL
 *     11    free all                M5: used back to its initial value
 *   (op byte modulo 12)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapfuzz.h"

int hf_trace;

#define HF_MAX_LIVE     96
#define HF_ARENA_MAX    (192 * 1024)
#define HF_PATTERN_SPAN 4096            /* distinct pattern start offsets */

static const size_t hf_arena_sizes[5] = { 3000, 12 * 1024, 48 * 1024, 100 * 1024, HF_ARENA_MAX };

/* The arena; 64 spare bytes so the start can be misaligned on purpose. */
static _Alignas(64) uint8_t hf_arena[HF_ARENA_MAX + 64];
/* Block contents: block `id` holds hf_pattern[pat(id) ...]. */
static uint8_t hf_pattern[HF_ARENA_MAX + HF_PATTERN_SPAN];

enum hf_kind { HF_PLAIN, HF_ALIGNED, HF_EXTRA };

struct hf_block
{
    uint8_t *p;
    size_t size;        /* bytes asked for (the model's view) */
    uint32_t id;
    uint8_t kind;       /* enum hf_kind */
    size_t align;       /* HF_ALIGNED */
};

static struct
{
    const struct hf_heap *h;
    unsigned variant;
    uint8_t *lo, *hi;                   /* the arena given to init */
    struct hf_block live[HF_MAX_LIVE];
    int nlive;
    uint32_t next_id;
    size_t used0;                       /* used right after init */
    size_t extra_bytes;                 /* bytes of HF_EXTRA blocks */
    unsigned op;                        /* number of the current op */
    const char *opname;
} hf;

/* ------------------------------------------------------------- failing */

static void hf_fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "heapfuzz: %s", hf.h->name);
    if (hf.h->nvariants > 1)
        fprintf(stderr, "/%s", hf.h->variant_name(hf.variant));
    fprintf(stderr, ": op %u (%s): ", hf.op, hf.opname ? hf.opname : "init");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  live blocks: %d, arena %zu bytes\n", hf.nlive, (size_t)(hf.hi - hf.lo));
    fflush(stderr);
    abort();
}

/* -------------------------------------------------------------- content */

static void hf_pattern_init(void)
{
    static int done;
    uint32_t x = 0x9E3779B9u;

    if (done)
        return;
    for (size_t i = 0; i < sizeof(hf_pattern); i++)
    {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        hf_pattern[i] = (uint8_t)x;
    }
    done = 1;
}

static const uint8_t *hf_pat(uint32_t id)
{
    return hf_pattern + (id * 2654435761u) % HF_PATTERN_SPAN;
}

static void hf_fill(const struct hf_block *b)
{
    memcpy(b->p, hf_pat(b->id), b->size);
}

static void hf_verify(const struct hf_block *b, size_t n)
{
    if (memcmp(b->p, hf_pat(b->id), n) != 0)
    {
        size_t i = 0;
        while (i < n && b->p[i] == hf_pat(b->id)[i])
            i++;
        hf_fail("M3: block id %u (%zu bytes at arena+%td) changed at byte %zu",
                b->id, b->size, b->p - hf.lo, i);
    }
}

/* ------------------------------------------------------------- the model */


/* Where the walk must find a block: an aligned block from rt_malloc_align
 * keeps the raw pointer in the word below it, inside the same raw block
 * (and a 0-byte aligned block may end exactly at the raw block's end), so
 * it is looked up from that word on. */
static const uint8_t *hf_join_start(const struct hf_block *b)
{
    return b->kind == HF_ALIGNED && hf.h->align_word_below ? b->p - sizeof(void *) : b->p;
}

static const uint8_t *hf_join_end(const struct hf_block *b)
{
    return b->p + b->size;
}

/* Order of the footprints [hf_join_start, hf_join_end). */
static int hf_cmp_addr(const void *a, const void *b)
{
    const uint8_t *x = hf_join_start(a), *y = hf_join_start(b);
    return x < y ? -1 : x > y;
}

static void hf_add(uint8_t *p, size_t size, uint8_t kind, size_t align)
{
    struct hf_block *b;

    if (size > (size_t)(hf.hi - hf.lo) || p < hf.lo || p + size > hf.hi)
        hf_fail("M1: a %zu-byte request got a block at %p, which the arena "
                "[%p, +%zu) cannot hold", size, (void *)p, (void *)hf.lo, (size_t)(hf.hi - hf.lo));
    b = &hf.live[hf.nlive++];
    b->p = p;
    b->size = size;
    b->id = hf.next_id++;
    b->kind = kind;
    b->align = align;
    if (kind == HF_EXTRA)
        hf.extra_bytes += size;
    hf_fill(b);
}

static void hf_remove(int i)
{
    if (hf.live[i].kind == HF_EXTRA)
        hf.extra_bytes -= hf.live[i].size;
    hf.live[i] = hf.live[--hf.nlive];
}

/* --------------------------------------------------------------- checks */

struct hf_join
{
    const struct hf_block *sorted;
    int n, cursor;
    struct hf_walk_sum sum;
};

/* M2: the walk (address order) against the sorted model. */
static int hf_join_block(const struct rt_mem_block *b, void *ctx)
{
    struct hf_join *j = ctx;
    const uint8_t *data, *end;

    if (b->kind != RT_MEM_BLOCK_DATA && b->kind != RT_MEM_BLOCK_PAGES)
        return 0;
    data = (const uint8_t *)b->start + b->header_size;
    end = data + b->size;
    if (b->used)
    {
        if (b->kind == RT_MEM_BLOCK_DATA)
            j->sum.used_with_headers += b->header_size + b->size;
        j->sum.used_data += b->size;
    }
    else
    {
        j->sum.free_data += b->size;
    }

    if (j->cursor < j->n && hf_join_start(&j->sorted[j->cursor]) < data)
        hf_fail("M2: live block id %u at arena+%td is not inside any data block "
                "(next block's data starts at arena+%td)",
                j->sorted[j->cursor].id, j->sorted[j->cursor].p - hf.lo, data - hf.lo);
    if (!b->used)
    {
        if (j->cursor < j->n && hf_join_start(&j->sorted[j->cursor]) < end)
            hf_fail("M2: live block id %u at arena+%td lies in a free block [arena+%td, +%zu)",
                    j->sorted[j->cursor].id, j->sorted[j->cursor].p - hf.lo, data - hf.lo,
                    (size_t)b->size);
        return 0;
    }
    if (j->cursor >= j->n || hf_join_start(&j->sorted[j->cursor]) >= end)
        hf_fail("M2: used block [arena+%td, +%zu) holds no live block (leaked or unknown)",
                data - hf.lo, (size_t)b->size);
    if (hf_join_end(&j->sorted[j->cursor]) > end)
        hf_fail("M2: live block id %u (%zu bytes) overruns its block [arena+%td, +%zu)",
                j->sorted[j->cursor].id, j->sorted[j->cursor].size, data - hf.lo, (size_t)b->size);
    j->cursor++;
    if (j->cursor < j->n && hf_join_start(&j->sorted[j->cursor]) < end)
        hf_fail("M2: two live blocks (ids %u and %u) in one used block at arena+%td",
                j->sorted[j->cursor - 1].id, j->sorted[j->cursor].id, data - hf.lo);
    return 0;
}

static void hf_check_all(void)
{
    static struct hf_block sorted[HF_MAX_LIVE];
    struct hf_join j;
    size_t total = 0, used = 0, max_used = 0, expect;
    int rc, i;

    rc = hf.h->check();
    if (rc != 0)
        hf_fail("M4: check() returned %d (invariant I%d broken)", rc, rc);

    /* M1 */
    memcpy(sorted, hf.live, sizeof(sorted[0]) * (size_t)hf.nlive);
    qsort(sorted, (size_t)hf.nlive, sizeof(sorted[0]), hf_cmp_addr);
    for (i = 0; i < hf.nlive; i++)
    {
        const struct hf_block *b = &sorted[i];
        size_t align = b->kind == HF_ALIGNED && b->align > RT_ALIGN_SIZE ? b->align : RT_ALIGN_SIZE;

        if (b->p < hf.lo || b->p + b->size > hf.hi || b->p + b->size < b->p)
            hf_fail("M1: block id %u (%zu bytes at %p) outside the arena", b->id, b->size, (void *)b->p);
        if ((uintptr_t)b->p % align != 0)
            hf_fail("M1: block id %u at arena+%td not aligned to %zu", b->id, b->p - hf.lo, align);
        if (i > 0 && hf_join_end(&sorted[i - 1]) > hf_join_start(b))
            hf_fail("M1: blocks id %u and id %u overlap", sorted[i - 1].id, b->id);
    }

    /* M3 */
    for (i = 0; i < hf.nlive; i++)
        hf_verify(&hf.live[i], hf.live[i].size);

    /* M2 */
    memset(&j, 0, sizeof(j));
    j.sorted = sorted;
    j.n = hf.nlive;
    hf.h->walk(hf_join_block, &j);
    if (j.cursor != j.n)
        hf_fail("M2: live block id %u at arena+%td not found by the walk",
                sorted[j.cursor].id, sorted[j.cursor].p - hf.lo);

    /* M4 */
    hf.h->info(&total, &used, &max_used);
    expect = hf.h->expected_used(&j.sum, total, hf.extra_bytes);
    if (used != expect)
        hf_fail("M4: used %zu but the walk counts %zu (total %zu)", used, expect, total);
    if (used > max_used || max_used > total + hf.h->total_slack)
        hf_fail("M4: used %zu, max_used %zu, total %zu out of order", used, max_used, total);
}

/* ---------------------------------------------------------------- ops */

struct hf_reader
{
    const uint8_t *p, *end;
};

static unsigned hf_byte(struct hf_reader *r)
{
    return r->p < r->end ? *r->p++ : 0;
}

/* A request size: mostly small, sometimes pages, rarely absurd. */
static size_t hf_size(struct hf_reader *r)
{
    unsigned b = hf_byte(r), c = hf_byte(r);

    switch (b & 3)
    {
    case 0:  return c & 31;                                     /* 0..31 */
    case 1:  return (size_t)c * 4 + ((b >> 2) & 3);             /* ..1023 */
    case 2:  return ((size_t)(b >> 2) << 8 | c) % 8192;         /* ..8191 */
    default:
#ifndef HEAPFUZZ_NO_HUGE
        if (b == 0xFF)
            return (size_t)-1 - c;                              /* overflow */
#endif
        return ((size_t)(b >> 2) << 10) | (size_t)c << 2;       /* ..65535 */
    }
}

static void hf_note(const char *name)
{
    hf.opname = name;
    if (hf_trace)
        fprintf(stderr, "op %u: %s\n", hf.op, name);
}

static void op_alloc(size_t size)
{
    uint8_t *p;

    hf_note("alloc");
    p = hf.h->alloc(size);
    if (size == 0 && p != NULL)
        hf_fail("alloc(0) returned a block");
    if (p != NULL)
        hf_add(p, size, HF_PLAIN, 0);
}

static void op_free(unsigned idx)
{
    struct hf_block *b;

    hf_note("free");
    if (hf.nlive == 0)
        return;
    b = &hf.live[idx % (unsigned)hf.nlive];
    if (b->kind == HF_EXTRA)
        hf.h->free_extra(b->p, b->size);
    else if (b->kind == HF_ALIGNED)
        hf.h->free_align(b->p);
    else
        hf.h->free(b->p);
    hf_remove((int)(b - hf.live));
}

/* The index of a realloc-able (plain) live block chosen by idx, or -1. */
static int hf_pick_plain(unsigned idx)
{
    for (int k = 0; k < hf.nlive; k++)
    {
        int i = (int)((idx + (unsigned)k) % (unsigned)hf.nlive);
        if (hf.live[i].kind == HF_PLAIN)
            return i;
    }
    return -1;
}

static void op_realloc(unsigned idx, size_t size)
{
    struct hf_block *b;
    uint8_t *p;
    int i;

    hf_note(size == 0 ? "realloc to 0" : "realloc");
    i = hf.nlive > 0 && idx % (unsigned)(hf.nlive + 1) != (unsigned)hf.nlive ? hf_pick_plain(idx) : -1;
    if (i < 0)
    {
        p = hf.h->realloc(NULL, size);
        if (size == 0 && p != NULL)
            hf_fail("realloc(NULL, 0) returned a block");
        if (p != NULL)
            hf_add(p, size, HF_PLAIN, 0);
        return;
    }
    b = &hf.live[i];
    p = hf.h->realloc(b->p, size);
    if (size == 0)
    {
        if (p != NULL)
            hf_fail("realloc(p, 0) returned a block");
        hf_remove(i);
        return;
    }
    if (p == NULL)
        return;             /* failed: the old block must be intact (M3) */
    if (size > (size_t)(hf.hi - hf.lo) || p < hf.lo || p + size > hf.hi)
        hf_fail("M1: realloc to %zu bytes got a block at %p, which the arena "
                "[%p, +%zu) cannot hold", size, (void *)p, (void *)hf.lo, (size_t)(hf.hi - hf.lo));
    hf_verify(&(struct hf_block){ p, b->size, b->id, HF_PLAIN, 0 },
              b->size < size ? b->size : size);
    b->p = p;
    b->size = size;
    hf_fill(b);
}

static void op_alloc_align(size_t size, unsigned a)
{
    size_t align = (size_t)1 << (a % 10);
    uint8_t *p;

    if (hf.h->alloc_align == NULL)
    {
        op_alloc(size);
        return;
    }
    hf_note("alloc_align");
    p = hf.h->alloc_align(size, align);
    if (p != NULL)
    {
        if ((uintptr_t)p % align != 0)
            hf_fail("alloc_align(%zu, %zu) returned a misaligned block", size, align);
        if (hf.h->align_word_below && p - sizeof(void *) < hf.lo)
            hf_fail("alloc_align(%zu, %zu) returned a block at the arena's start", size, align);
        hf_add(p, size, HF_ALIGNED, align);
    }
}

static void op_extra(unsigned arg)
{
    size_t bytes = 0;
    uint8_t *p;

    if (hf.h->alloc_extra == NULL)
    {
        op_alloc(arg);
        return;
    }
    hf_note("extra alloc");
    p = hf.h->alloc_extra(arg, &bytes);
    if (p != NULL)
        hf_add(p, bytes, HF_EXTRA, 0);
}

static void op_free_all(void)
{
    size_t total, used, max_used;

    hf_note("free all");
    while (hf.nlive > 0)
        op_free(0);
    hf.opname = "free all";
    hf.h->info(&total, &used, &max_used);
    if (used != hf.used0)
        hf_fail("M5: used %zu after freeing everything, %zu after init", used, hf.used0);
}

int hf_run(const struct hf_heap *h, const uint8_t *data, size_t size)
{
    struct hf_reader r = { data, data + size };
    unsigned asel, variant;
    size_t arena_size, total, max_used;
    int err;

    if (size < 2)
        return 0;
    hf_pattern_init();
    memset(&hf, 0, sizeof(hf));
    hf.h = h;
    asel = hf_byte(&r);
    variant = hf_byte(&r) % h->nvariants;
    hf.variant = variant;
    arena_size = hf_arena_sizes[asel % 5];
    hf.lo = hf_arena + (asel / 5) % 8;
    hf.hi = hf.lo + arena_size;
    memset(hf_arena, 0xA5, sizeof(hf_arena));  /* nothing may rely on zeroed RAM */

    rt_system_object_init();
    err = h->init(hf.lo, arena_size, variant);
    if (err != 0)
        return 0;           /* too small for this manager: refused, fine */
    h->info(&total, &hf.used0, &max_used);
    hf_check_all();

    while (r.p < r.end)
    {
        unsigned op = hf_byte(&r) % 12;

        hf.op++;
        if (hf.nlive == HF_MAX_LIVE && (op <= 2 || op == 7 || op == 9))
            op = 3;
        switch (op)
        {
        case 0: case 1: case 2:
            op_alloc(hf_size(&r));
            break;
        case 3: case 4:
            op_free(hf_byte(&r));
            break;
        case 5: case 6: {
            unsigned idx = hf_byte(&r);
            if (hf.nlive == HF_MAX_LIVE)
                idx %= (unsigned)hf.nlive;  /* no realloc(NULL) when full */
            op_realloc(idx, hf_size(&r));
            break;
        }
        case 7: {
            size_t s = hf_size(&r);
            op_alloc_align(s, hf_byte(&r));
            break;
        }
        case 8:
            op_realloc(hf_byte(&r) % (unsigned)(hf.nlive > 0 ? hf.nlive : 1), 0);
            break;
        case 9:
            op_extra(hf_byte(&r));
            break;
        case 10:
            op_alloc(0);
            break;
        default:
            op_free_all();
            break;
        }
        hf_check_all();
    }
    hf.op++;
    op_free_all();
    hf_check_all();
    h->deinit();
    return 0;
}

/* =============================================================== adapters */

static rt_size_t hf_used_headers(const struct hf_walk_sum *s, size_t total, size_t extra)
{
    return s->used_with_headers;
}

static rt_size_t hf_used_total_minus_free(const struct hf_walk_sum *s, size_t total, size_t extra)
{
    return total - s->free_data;
}

static rt_size_t hf_used_data_minus_extra(const struct hf_walk_sum *s, size_t total, size_t extra)
{
    return s->used_data - extra;
}

static const char *hf_no_variant(unsigned v)
{
    return "";
}

/* ----------------------------------------------------- small mem (4.1) */

static rt_smem_t hf_smem;

static int smem_init(void *a, size_t n, unsigned v)
{
    hf_smem = rt_smem_init("fuzz", a, n);
    return hf_smem == RT_NULL;
}
static void smem_deinit(void) { rt_smem_detach(hf_smem); }
static void *smem_alloc(size_t n) { return rt_smem_alloc(hf_smem, n); }
static void *smem_realloc(void *p, size_t n) { return rt_smem_realloc(hf_smem, p, n); }
static void smem_free(void *p) { rt_smem_free(p); }
static int smem_check(void) { return rt_smem_check(hf_smem); }
static void smem_walk(rt_mem_walk_fn fn, void *ctx) { rt_smem_walk(hf_smem, fn, ctx); }
static void mem_info(rt_mem_t m, size_t *t, size_t *u, size_t *x)
{
    *t = m->total;
    *u = m->used;
    *x = m->max;
}
static void smem_info(size_t *t, size_t *u, size_t *x) { mem_info(hf_smem, t, u, x); }

static const struct hf_heap hf_heap_smem =
{
    .name = "smem", .init = smem_init, .deinit = smem_deinit, .alloc = smem_alloc,
    .realloc = smem_realloc, .free = smem_free, .check = smem_check, .walk = smem_walk,
    .info = smem_info, .expected_used = hf_used_headers, .nvariants = 1,
    .total_slack = 3 * sizeof(void *),   /* one header: mem.c's I8 */
    .variant_name = hf_no_variant,
};

/* ------------------------------------------------ small mem (classic) */

static rt_smem_t hf_cls;

static int cls_init(void *a, size_t n, unsigned v)
{
    hf_cls = rt_smem_classic_init("fuzz", a, n);
    return hf_cls == RT_NULL;
}
static void cls_deinit(void) { rt_smem_classic_detach(hf_cls); }
static void *cls_alloc(size_t n) { return rt_smem_classic_alloc(hf_cls, n); }
static void *cls_realloc(void *p, size_t n) { return rt_smem_classic_realloc(hf_cls, p, n); }
static void cls_free(void *p) { rt_smem_classic_free(hf_cls, p); }
static int cls_check(void) { return rt_smem_classic_check(hf_cls); }
static void cls_walk(rt_mem_walk_fn fn, void *ctx) { rt_smem_classic_walk(hf_cls, fn, ctx); }
static void cls_info(size_t *t, size_t *u, size_t *x) { mem_info(hf_cls, t, u, x); }

static const struct hf_heap hf_heap_classic =
{
    .name = "smem-classic", .init = cls_init, .deinit = cls_deinit, .alloc = cls_alloc,
    .realloc = cls_realloc, .free = cls_free, .check = cls_check, .walk = cls_walk,
    .info = cls_info, .expected_used = hf_used_headers, .nvariants = 1,
    .total_slack = 3 * sizeof(void *),
    .variant_name = hf_no_variant,
};

/* -------------------------------------------------------------- memheap */

static struct rt_memheap hf_memheap;

static int mh_init(void *a, size_t n, unsigned v)
{
    return rt_memheap_init(&hf_memheap, "fuzz", a, n) != RT_EOK;
}
static void mh_deinit(void) { rt_memheap_detach(&hf_memheap); }
static void *mh_alloc(size_t n) { return rt_memheap_alloc(&hf_memheap, n); }
static void *mh_realloc(void *p, size_t n) { return rt_memheap_realloc(&hf_memheap, p, n); }
static void mh_free(void *p) { rt_memheap_free(p); }
static int mh_check(void) { return rt_memheap_check(&hf_memheap); }
static void mh_walk(rt_mem_walk_fn fn, void *ctx) { rt_memheap_walk(&hf_memheap, fn, ctx); }
static void mh_info(size_t *t, size_t *u, size_t *x)
{
    rt_size_t tt, uu, xx;
    rt_memheap_info(&hf_memheap, &tt, &uu, &xx);
    *t = tt;
    *u = uu;
    *x = xx;
}

static const struct hf_heap hf_heap_memheap =
{
    .name = "memheap", .init = mh_init, .deinit = mh_deinit, .alloc = mh_alloc,
    .realloc = mh_realloc, .free = mh_free, .check = mh_check, .walk = mh_walk,
    .info = mh_info, .expected_used = hf_used_total_minus_free, .nvariants = 1,
    .variant_name = hf_no_variant,
};

/* ----------------------------------------------------------------- slab */

static rt_slab_t hf_slab;

static int slab_init(void *a, size_t n, unsigned v)
{
    hf_slab = rt_slab_init("fuzz", a, n);
    return hf_slab == RT_NULL;
}
static void slab_deinit(void) { rt_slab_detach(hf_slab); }
static void *slab_alloc(size_t n) { return rt_slab_alloc(hf_slab, n); }
static void *slab_realloc(void *p, size_t n) { return rt_slab_realloc(hf_slab, p, n); }
static void slab_free(void *p) { rt_slab_free(hf_slab, p); }
static int slab_check(void) { return rt_slab_check(hf_slab); }
static void slab_walk(rt_mem_walk_fn fn, void *ctx) { rt_slab_walk(hf_slab, fn, ctx); }
static void slab_info(size_t *t, size_t *u, size_t *x) { mem_info(hf_slab, t, u, x); }
static void *slab_pages(unsigned arg, size_t *bytes)
{
    rt_size_t npages = 1 + arg % 3;
    *bytes = npages * 4096;
    return rt_slab_page_alloc(hf_slab, npages);
}
static void slab_pages_free(void *p, size_t bytes) { rt_slab_page_free(hf_slab, p, bytes / 4096); }

static const struct hf_heap hf_heap_slab =
{
    .name = "slab", .init = slab_init, .deinit = slab_deinit, .alloc = slab_alloc,
    .realloc = slab_realloc, .free = slab_free, .alloc_extra = slab_pages,
    .free_extra = slab_pages_free, .check = slab_check, .walk = slab_walk,
    .info = slab_info, .expected_used = hf_used_data_minus_extra, .nvariants = 1,
    .variant_name = hf_no_variant,
};

/* ---------------------------------------------------------- system heap
 * rt_malloc and friends (kheap.c) over each algorithm in turn, with
 * rt_malloc_align / rt_free_align.  Outside a run rt_thread_self() is
 * NULL, so the heap lock is not taken (K3). */

static const char *const hf_sys_algos[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };
#define HF_SYS_NALGOS (sizeof(hf_sys_algos) / sizeof(hf_sys_algos[0]))
static unsigned hf_sys_algo;

static const char *sys_variant_name(unsigned v) { return hf_sys_algos[v % HF_SYS_NALGOS]; }

static int sys_init(void *a, size_t n, unsigned v)
{
    rt_size_t total = 0;

    hf_sys_algo = v % HF_SYS_NALGOS;
    if (rt_system_heap_select(hf_sys_algos[hf_sys_algo]) != RT_EOK)
        return 1;           /* not on this branch yet */
    rt_system_heap_init(a, (uint8_t *)a + n);
    rt_memory_info(&total, RT_NULL, RT_NULL);
    if (total == 0)
    {
        rt_system_heap_deinit();
        return 1;
    }
    return 0;
}
static void sys_deinit(void) { rt_system_heap_deinit(); }
static void *sys_alloc(size_t n) { return rt_malloc(n); }
static void *sys_realloc(void *p, size_t n) { return rt_realloc(p, n); }
static void sys_free(void *p) { rt_free(p); }
static void *sys_alloc_align(size_t n, size_t a) { return rt_malloc_align(n, a); }
static void sys_free_align(void *p) { rt_free_align(p); }
static int sys_check(void) { return rt_system_heap_check(); }
static void sys_walk(rt_mem_walk_fn fn, void *ctx) { rt_system_heap_walk(fn, ctx); }
static void sys_info(size_t *t, size_t *u, size_t *x)
{
    rt_size_t tt, uu, xx;
    rt_memory_info(&tt, &uu, &xx);
    *t = tt;
    *u = uu;
    *x = xx;
}
static rt_size_t sys_expected_used(const struct hf_walk_sum *s, size_t total, size_t extra)
{
    const char *a = hf_sys_algos[hf_sys_algo];

    if (strcmp(a, "memheap") == 0)
        return hf_used_total_minus_free(s, total, extra);
    if (strcmp(a, "slab") == 0)
        return hf_used_data_minus_extra(s, total, extra);
    return hf_used_headers(s, total, extra);
}

static const struct hf_heap hf_heap_sys =
{
    .name = "sys", .init = sys_init, .deinit = sys_deinit, .alloc = sys_alloc,
    .realloc = sys_realloc, .free = sys_free, .alloc_align = sys_alloc_align,
    .free_align = sys_free_align, .check = sys_check, .walk = sys_walk,
    .info = sys_info, .expected_used = sys_expected_used, .nvariants = HF_SYS_NALGOS,
    .align_word_below = 1,
    .total_slack = 3 * sizeof(void *),
    .variant_name = sys_variant_name,
};

/* ----------------------------------------------------------------- TLSF
 * Compiled in when kernel/src/tlsf.c is in the tree (tests/meson.build). */
#ifdef RTSIM_HAVE_TLSF
#include <rttlsf.h>

static rt_tlsf_t hf_tlsf;

static int tlsf_init(void *a, size_t n, unsigned v)
{
    hf_tlsf = rt_tlsf_init("fuzz", a, n);
    return hf_tlsf == RT_NULL;
}
static void tlsf_deinit(void) { rt_tlsf_detach(hf_tlsf); }
static void *tlsf_alloc(size_t n) { return rt_tlsf_alloc(hf_tlsf, n); }
static void *tlsf_realloc(void *p, size_t n) { return rt_tlsf_realloc(hf_tlsf, p, n); }
static void tlsf_free(void *p) { rt_tlsf_free(hf_tlsf, p); }
static void *tlsf_alloc_align(size_t n, size_t a) { return rt_tlsf_alloc_align(hf_tlsf, n, a); }
static int tlsf_check(void) { return rt_tlsf_check(hf_tlsf); }
static void tlsf_walk(rt_mem_walk_fn fn, void *ctx) { rt_tlsf_walk(hf_tlsf, fn, ctx); }
static void tlsf_info(size_t *t, size_t *u, size_t *x) { mem_info(hf_tlsf, t, u, x); }

/* I10 of tlsf.c: used counts each used block with its header. */
static const struct hf_heap hf_heap_tlsf =
{
    .name = "tlsf", .init = tlsf_init, .deinit = tlsf_deinit, .alloc = tlsf_alloc,
    .realloc = tlsf_realloc, .free = tlsf_free, .alloc_align = tlsf_alloc_align,
    .free_align = tlsf_free, .check = tlsf_check, .walk = tlsf_walk, .info = tlsf_info,
    .expected_used = hf_used_headers, .nvariants = 1, .variant_name = hf_no_variant,
};
#endif

/* ---------------------------------------------------------- memory pool
 * A fixed-block pool seen as a heap: a request fits when it is 1 ..
 * block_size bytes; realloc keeps the block while the new size fits.  The
 * variant picks the block size; the pool takes at most 16 KiB of the arena
 * (rt_mp_check is O(blocks)).  Never blocks: time 0 (R4). */

static struct rt_mempool hf_mp;
static const rt_size_t hf_mp_sizes[4] = { 8, 24, 80, 200 };

static const char *mp_variant_name(unsigned v)
{
    static const char *const names[4] = { "8", "24", "80", "200" };
    return names[v % 4];
}

static int mp_init(void *a, size_t n, unsigned v)
{
    rt_ubase_t start = RT_ALIGN((rt_ubase_t)a, RT_ALIGN_SIZE);   /* as a user would */
    size_t size = n - (size_t)(start - (rt_ubase_t)a);

    if (size > 16 * 1024)
        size = 16 * 1024;
    if (rt_mp_init(&hf_mp, "fuzz", (void *)start, size, hf_mp_sizes[v % 4]) != RT_EOK)
        return 1;
    if (hf_mp.block_total_count == 0)
    {
        rt_mp_detach(&hf_mp);
        return 1;
    }
    return 0;
}
static void mp_deinit(void) { rt_mp_detach(&hf_mp); }
static void *mp_alloc(size_t n)
{
    return n == 0 || n > hf_mp.block_size ? NULL : rt_mp_alloc(&hf_mp, RT_WAITING_NO);
}
static void mp_free(void *p) { rt_mp_free(p); }
static void *mp_realloc(void *p, size_t n)
{
    if (p == NULL)
        return mp_alloc(n);
    if (n == 0)
    {
        rt_mp_free(p);
        return NULL;
    }
    return n <= hf_mp.block_size ? p : NULL;
}
static int mp_check(void) { return rt_mp_check(&hf_mp); }
static void mp_walk(rt_mem_walk_fn fn, void *ctx) { rt_mp_walk(&hf_mp, fn, ctx); }
static void mp_info(size_t *t, size_t *u, size_t *x)
{
    *t = hf_mp.block_total_count * hf_mp.block_size;
    *u = (hf_mp.block_total_count - hf_mp.block_free_count) * hf_mp.block_size;
    *x = *u;
}

static const struct hf_heap hf_heap_mempool =
{
    .name = "mempool", .init = mp_init, .deinit = mp_deinit, .alloc = mp_alloc,
    .realloc = mp_realloc, .free = mp_free, .check = mp_check, .walk = mp_walk,
    .info = mp_info, .expected_used = hf_used_data_minus_extra, .nvariants = 4,
    .variant_name = mp_variant_name,
};

/* ------------------------------------------------------------- registry */

const struct hf_heap *const hf_heaps[] =
{
    &hf_heap_smem,
    &hf_heap_classic,
    &hf_heap_memheap,
    &hf_heap_slab,
    &hf_heap_sys,
    &hf_heap_mempool,
#ifdef RTSIM_HAVE_TLSF
    &hf_heap_tlsf,
#endif
    NULL,
};

const struct hf_heap *hf_heap_find(const char *name)
{
    for (int i = 0; hf_heaps[i] != NULL; i++)
        if (strcmp(hf_heaps[i]->name, name) == 0)
            return hf_heaps[i];
    return NULL;
}
