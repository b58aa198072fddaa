/*
 * test_tlsf.c - the TLSF-class heap (kernel/src/tlsf.c) over plain host
 * memory: exact block layouts, rt_tlsf_check() around every operation,
 * every invariant broken on purpose and reported by its number, the edge
 * cases peers got wrong, several regions, aligned allocation, realloc in
 * place, a seeded random stress with contents verified, and a proof that
 * each call does a bounded number of steps whatever the heap's size.
 *
 * Every heap here lives in a host buffer pre-filled with garbage, so
 * nothing relies on zeroed RAM.  RTSIM_TEST_SEED overrides the seed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rtthread.h>
#include <rttlsf.h>
#include "testutil.h"

/* White-box: the allocator itself, with its step counter on, so tests can
 * reach its structures and prove its bounds.  These definitions take the
 * place of the library's tlsf.o in this executable. */
#define RT_TLSF_COUNT_STEPS 1
#include "../kernel/src/tlsf.c"

#define MIN_BLK TLSF_MIN_BLOCK      /* 16 ILP32, 24 native (tiny blocks) */

#define W       sizeof(rt_size_t)
#define A       ((rt_size_t)RT_ALIGN_SIZE)

/* Footprint of a block holding n data bytes (mirrors tlsf.c's R1). */
static rt_size_t blk(rt_size_t n)
{
    rt_size_t need = RT_ALIGN(n + W, A);
    return need < MIN_BLK ? MIN_BLK : need;
}

/* ---------------------------------------------------------- arenas */

struct arena
{
    void *mem;
    size_t size;
};

static void *arena_new(struct arena *a, size_t size)
{
    a->mem = aligned_alloc(64, RT_ALIGN(size, 64));
    assert_non_null(a->mem);
    a->size = size;
    memset(a->mem, 0xA5, RT_ALIGN(size, 64));      /* garbage, not zeroes */
    return a->mem;
}

static void arena_free(struct arena *a)
{
    free(a->mem);
    a->mem = NULL;
}

static rt_tlsf_t heap_new(struct arena *a, size_t size)
{
    rt_tlsf_t m;

    rt_system_object_init();
    m = rt_tlsf_init("tlsf", arena_new(a, size), size);
    assert_non_null(m);
    assert_int_equal(rt_tlsf_check(m), 0);
    return m;
}

static void heap_end(rt_tlsf_t m, struct arena *a)
{
    assert_int_equal(rt_tlsf_check(m), 0);
    assert_int_equal(rt_tlsf_detach(m), RT_EOK);
    arena_free(a);
}

/* ----------------------------------------- checked operations (rule 3) */

static void *t_alloc(rt_tlsf_t m, rt_size_t n)
{
    void *p;

    assert_int_equal(rt_tlsf_check(m), 0);
    p = rt_tlsf_alloc(m, n);
    assert_int_equal(rt_tlsf_check(m), 0);
    if (p != NULL)
    {
        assert_int_equal((uintptr_t)p % A, 0);
        assert_true(rt_tlsf_usable_size(p) >= n);
    }
    return p;
}

static void t_free(rt_tlsf_t m, void *p)
{
    assert_int_equal(rt_tlsf_check(m), 0);
    rt_tlsf_free(m, p);
    assert_int_equal(rt_tlsf_check(m), 0);
}

static void *t_realloc(rt_tlsf_t m, void *p, rt_size_t n)
{
    void *q;

    assert_int_equal(rt_tlsf_check(m), 0);
    q = rt_tlsf_realloc(m, p, n);
    assert_int_equal(rt_tlsf_check(m), 0);
    return q;
}

/* ----------------------------------------------------- heap shape */

struct shape
{
    char text[4096];
    size_t len;
    rt_size_t data_blocks;
    rt_size_t regions;
    const void *first_free;
    rt_size_t largest_free;
};

static int shape_cb(const struct rt_mem_block *b, void *ctx)
{
    struct shape *s = ctx;
    int n = 0;

    switch (b->kind)
    {
    case RT_MEM_BLOCK_CONTROL:
        s->regions++;
        n = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s[", s->len ? " " : "");
        break;
    case RT_MEM_BLOCK_SENTINEL:
        n = snprintf(s->text + s->len, sizeof(s->text) - s->len, " ]");
        break;
    default:
        n = snprintf(s->text + s->len, sizeof(s->text) - s->len, " %c%lu",
                     b->used ? 'U' : 'F', (unsigned long)(b->header_size + b->size));
        s->data_blocks++;
        if (!b->used && s->first_free == NULL)
            s->first_free = b->start;
        if (!b->used && b->size > s->largest_free)
            s->largest_free = b->size;
        break;
    }
    s->len += (size_t)n;
    return 0;
}

static const char *shape_of(rt_tlsf_t m, struct shape *s)
{
    memset(s, 0, sizeof(*s));
    rt_tlsf_walk(m, shape_cb, s);
    return s->text;
}

static void expect_shape(rt_tlsf_t m, const char *fmt, ...)
{
    char want[4096];
    struct shape s;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    assert_string_equal(shape_of(m, &s), want);
}

static rt_size_t *hdr(void *p)
{
    return (rt_size_t *)((char *)p - W);
}

/* Footprint of the single free block of a fresh heap. */
static rt_size_t whole_block(rt_tlsf_t m)
{
    return m->total;
}

/* ============================================================ tests */

static void test_init_layout(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 4096);
    struct shape s;

    (void)state;
    assert_string_equal(m->algorithm, "tlsf");
    assert_int_equal(rt_object_get_type(&m->parent), RT_Object_Class_Memory);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, 0);
    assert_int_equal(m->total % A, 0);
    /* control block, one free block of all the rest, epilogue */
    expect_shape(m, "[ F%lu ]", (unsigned long)whole_block(m));
    shape_of(m, &s);
    assert_int_equal((uintptr_t)s.first_free + m->total + W, RT_ALIGN_DOWN((uintptr_t)a.mem + 4096, A));
    heap_end(m, &a);
}

static void test_init_too_small(void **state)
{
    struct arena a;

    (void)state;
    rt_system_object_init();
    arena_new(&a, 4096);
    assert_null(rt_tlsf_init("tiny", a.mem, 64));
    assert_null(rt_tlsf_init("wrap", (void *)(uintptr_t)-64, 4096));
    /* any start and length: data aligned, the whole block usable */
    {
        unsigned off, cut;

        for (off = 0; off < 2 * A; off++)
            for (cut = 0; cut < 2 * A; cut += 3)
            {
                rt_tlsf_t m = rt_tlsf_init("odd", (char *)a.mem + off, 4000 - cut);
                void *p;

                assert_non_null(m);
                assert_int_equal(rt_tlsf_check(m), 0);
                p = t_alloc(m, m->total - W);
                assert_non_null(p);
                assert_true((char *)p + m->total - W <= (char *)a.mem + off + 4000 - cut);
                t_free(m, p);
                rt_tlsf_detach(m);
            }
    }
    arena_free(&a);
}

static void test_exact_layout(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 4096);
    unsigned long t = (unsigned long)whole_block(m);
    unsigned long b1 = blk(1), b2 = blk(24), b3 = blk(100);
    void *p1, *p2, *p3;

    (void)state;
    p1 = t_alloc(m, 1);
    p2 = t_alloc(m, 24);
    p3 = t_alloc(m, 100);
    assert_ptr_equal((char *)p2, (char *)p1 + b1);
    assert_ptr_equal((char *)p3, (char *)p2 + b2);
    expect_shape(m, "[ U%lu U%lu U%lu F%lu ]", b1, b2, b3, t - b1 - b2 - b3);
    assert_int_equal(m->used, b1 + b2 + b3);          /* headers counted */
    assert_int_equal(m->max, b1 + b2 + b3);

    t_free(m, p2);                                      /* a hole */
    expect_shape(m, "[ U%lu F%lu U%lu F%lu ]", b1, b2, b3, t - b1 - b2 - b3);
    t_free(m, p1);                                      /* merges forward */
    expect_shape(m, "[ F%lu U%lu F%lu ]", b1 + b2, b3, t - b1 - b2 - b3);
    assert_int_equal(m->used, b3);
    p1 = t_alloc(m, 1);                                 /* good fit: the hole */
    expect_shape(m, "[ U%lu F%lu U%lu F%lu ]", b1, b2, b3, t - b1 - b2 - b3);
    t_free(m, p3);                                      /* merges both ways */
    expect_shape(m, "[ U%lu F%lu ]", b1, t - b1);
    t_free(m, p1);
    expect_shape(m, "[ F%lu ]", t);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, b1 + b2 + b3);
    heap_end(m, &a);
}

/* The smallest free block (tiny, without footer where the native flavour
 * allows it) is found again from above: freeing its successor merges. */
static void test_min_blocks_merge(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 4096);
    unsigned long t = (unsigned long)whole_block(m), b = (unsigned long)MIN_BLK;
    void *p1, *p2, *p3, *p4;

    (void)state;
    assert_int_equal(blk(1), MIN_BLK);
    p1 = t_alloc(m, 1);
    p2 = t_alloc(m, 1);
    p3 = t_alloc(m, 1);
    p4 = t_alloc(m, 1);
    t_free(m, p2);
    expect_shape(m, "[ U%lu F%lu U%lu U%lu F%lu ]", b, b, b, b, t - 4 * b);
    assert_int_equal(*hdr(p3) & TLSF_PREV_BITS, TLSF_PREV_FREE | TLSF_PREV_TINY);
    t_free(m, p3);                          /* merges with the block below */
    expect_shape(m, "[ U%lu F%lu U%lu F%lu ]", b, 2 * b, b, t - 4 * b);
    p2 = t_alloc(m, 1);                     /* splits it again: tiny tail */
    expect_shape(m, "[ U%lu U%lu F%lu U%lu F%lu ]", b, b, b, b, t - 4 * b);
    t_free(m, p4);                          /* merges both ways */
    expect_shape(m, "[ U%lu U%lu F%lu ]", b, b, t - 2 * b);
    t_free(m, p1);
    t_free(m, p2);
    expect_shape(m, "[ F%lu ]", t);
    heap_end(m, &a);
}

static void test_small_tail_not_split(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 4096);
    rt_size_t t = whole_block(m);
    void *p;

    (void)state;
    /* Leave a tail one alignment unit short of a minimum block: it stays
     * inside the allocation rather than becoming an unusable free block. */
    p = t_alloc(m, t - W - (MIN_BLK - A));
    assert_non_null(p);
    expect_shape(m, "[ U%lu ]", (unsigned long)t);
    assert_int_equal(m->used, t);
    assert_int_equal(rt_tlsf_usable_size(p), t - W);
    t_free(m, p);
    heap_end(m, &a);
}

static void test_edge_sizes(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 65536);
    rt_size_t t = whole_block(m);
    rt_size_t max = rt_tlsf_max_request(m);
    void *p;

    (void)state;
    assert_null(t_alloc(m, 0));
    assert_null(t_alloc(m, (rt_size_t)-1));
    assert_null(t_alloc(m, (rt_size_t)-1 - W));
    assert_null(t_alloc(m, (rt_size_t)-1 / 2));
    assert_null(t_alloc(m, max + 1));
    assert_null(t_alloc(m, t - W + 1));             /* one byte too many */
    assert_null(rt_tlsf_alloc_align(m, (rt_size_t)-1 - 64, 64));
    assert_null(rt_tlsf_alloc_align(m, 64, 48));    /* not a power of two */
    {
        rt_size_t align;                            /* alignments near the limit */

        for (align = 1024; align != 0; align <<= 1)
        {
            p = rt_tlsf_alloc_align(m, 1, align);
            assert_int_equal(rt_tlsf_check(m), 0);
            if (p != NULL)
            {
                assert_int_equal((uintptr_t)p % align, 0);
                t_free(m, p);
            }
        }
    }
    assert_int_equal(m->used, 0);
    expect_shape(m, "[ F%lu ]", (unsigned long)t);

    /* A free block of exactly the pool's size can be handed out. */
    p = t_alloc(m, t - W);
    assert_non_null(p);
    assert_int_equal(m->used, t);
    assert_null(t_alloc(m, 1));
    memset(p, 0x3C, t - W);
    assert_int_equal(rt_tlsf_check(m), 0);
    t_free(m, p);
    expect_shape(m, "[ F%lu ]", (unsigned long)t);

    rt_tlsf_free(m, NULL);                          /* no effect */
    assert_int_equal(rt_tlsf_check(m), 0);
    heap_end(m, &a);
}

/* Break one invariant on a small heap, expect its number, repair. */
struct corrupt_heap
{
    struct arena a;
    rt_tlsf_t m;
    struct tlsf_heap *h;
    void *p[4];
    struct tlsf_block *hole;
};

static void corrupt_setup(struct corrupt_heap *c)
{
    int i;

    c->m = heap_new(&c->a, 8192);
    c->h = (struct tlsf_heap *)c->m;
    for (i = 0; i < 4; i++)
        c->p[i] = t_alloc(c->m, 40);
    t_free(c->m, c->p[1]);                          /* [ U F U U Ftail ] */
    c->hole = (struct tlsf_block *)((char *)c->p[1] - W);
    expect_shape(c->m, "[ U%lu F%lu U%lu U%lu F%lu ]", (unsigned long)blk(40),
                 (unsigned long)blk(40), (unsigned long)blk(40), (unsigned long)blk(40),
                 (unsigned long)(c->m->total - 4 * blk(40)));
}

static void test_corrupt_each_invariant(void **state)
{
    struct corrupt_heap c;
    rt_size_t saved, *h2, *h3, *epi;
    void *saved_ptr, **slot;

    (void)state;
    /* I1: the object's algorithm, then the row count */
    corrupt_setup(&c);
    c.m->algorithm = "tlsf";                        /* equal text, not ours */
    assert_int_equal(rt_tlsf_check(c.m), 1);
    c.m->algorithm = tlsf_algorithm_name;
    c.h->rows++;
    assert_int_equal(rt_tlsf_check(c.m), 1);
    c.h->rows--;
    heap_end(c.m, &c.a);

    /* I2: the epilogue header */
    corrupt_setup(&c);
    epi = (rt_size_t *)c.h->region0.end;
    saved = *epi;
    *epi = 0;
    assert_int_equal(rt_tlsf_check(c.m), 2);
    *epi = saved;
    heap_end(c.m, &c.a);

    /* I3: a used block's size running past its region */
    corrupt_setup(&c);
    saved = *hdr(c.p[0]);
    *hdr(c.p[0]) = saved + 1000 * A;
    assert_int_equal(rt_tlsf_check(c.m), 3);
    *hdr(c.p[0]) = saved;
    heap_end(c.m, &c.a);

    /* I4: PREV_FREE set on a block whose predecessor is used */
    corrupt_setup(&c);
    h3 = hdr(c.p[3]);
    *h3 |= TLSF_PREV_FREE;
    assert_int_equal(rt_tlsf_check(c.m), 4);
    *h3 &= ~TLSF_PREV_FREE;
    heap_end(c.m, &c.a);

    /* I5: the used block after the hole turned free by hand, its flags,
     * footer and successor kept consistent so that I4 and I6 still hold */
    corrupt_setup(&c);
    h2 = hdr(c.p[2]);
    saved = *h2;
    *h2 = blk(40) | TLSF_PREV_FREE;                 /* free, below it the hole */
    *tlsf_footer((struct tlsf_block *)h2, blk(40)) = (struct tlsf_block *)h2;
    *hdr(c.p[3]) |= TLSF_PREV_FREE;
    assert_int_equal(rt_tlsf_check(c.m), 5);
    *h2 = saved;
    *hdr(c.p[3]) &= ~TLSF_PREV_FREE;
    heap_end(c.m, &c.a);

    /* I6: the hole's footer */
    corrupt_setup(&c);
    slot = (void **)tlsf_footer(c.hole, blk(40));
    saved_ptr = *slot;
    *slot = NULL;
    assert_int_equal(rt_tlsf_check(c.m), 6);
    *slot = saved_ptr;
    heap_end(c.m, &c.a);

    /* I7: the hole's pprev link */
    corrupt_setup(&c);
    saved_ptr = c.hole->pprev;
    c.hole->pprev = &c.hole->next;
    assert_int_equal(rt_tlsf_check(c.m), 7);
    c.hole->pprev = saved_ptr;
    heap_end(c.m, &c.a);

    /* I8: the bit of list 0 (always empty: smaller than any block), then
     * a row bit */
    corrupt_setup(&c);
    c.h->col_map[0] |= 1u;
    assert_int_equal(rt_tlsf_check(c.m), 8);
    c.h->col_map[0] &= ~1u;
    c.h->row_map ^= 1u;
    assert_int_equal(rt_tlsf_check(c.m), 8);
    c.h->row_map ^= 1u;
    heap_end(c.m, &c.a);

    /* I9: the hole taken off its list (correctly unlinked) */
    corrupt_setup(&c);
    tlsf_unlink(c.h, c.hole);
    assert_int_equal(rt_tlsf_check(c.m), 9);
    tlsf_file(c.h, c.hole, blk(40));
    heap_end(c.m, &c.a);

    /* I10: statistics */
    corrupt_setup(&c);
    c.m->used += A;
    assert_int_equal(rt_tlsf_check(c.m), 10);
    c.m->used -= A;
    c.m->max = c.m->used - A;
    assert_int_equal(rt_tlsf_check(c.m), 10);
    c.m->max = c.m->used;
    heap_end(c.m, &c.a);
}

static void test_realloc_in_place(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 8192);
    unsigned long t = (unsigned long)whole_block(m);
    unsigned long b64 = blk(64), b200 = blk(200), b16 = blk(16);
    char *p, *q, *r;
    int i;

    (void)state;
    /* NULL acts as alloc; growing with a free successor stays in place */
    p = t_realloc(m, NULL, 64);
    assert_non_null(p);
    for (i = 0; i < 64; i++)
        p[i] = (char)i;
    q = t_realloc(m, p, 200);
    assert_ptr_equal(q, p);
    expect_shape(m, "[ U%lu F%lu ]", b200, t - b200);
    assert_int_equal(m->used, b200);
    for (i = 0; i < 64; i++)
        assert_int_equal(q[i], (char)i);

    /* shrinking stays in place and the tail merges with the free rest */
    q = t_realloc(m, p, 64);
    assert_ptr_equal(q, p);
    expect_shape(m, "[ U%lu F%lu ]", b64, t - b64);
    assert_int_equal(m->used, b64);

    /* a used successor forces a move; the contents follow */
    r = t_alloc(m, 16);
    expect_shape(m, "[ U%lu U%lu F%lu ]", b64, b16, t - b64 - b16);
    q = t_realloc(m, p, 200);
    assert_ptr_not_equal(q, p);
    for (i = 0; i < 64; i++)
        assert_int_equal(q[i], (char)i);
    expect_shape(m, "[ F%lu U%lu U%lu F%lu ]", b64, b16, b200, t - b64 - b16 - b200);

    /* growing into a free successor that is just large enough: no split */
    t_free(m, q);
    {
        char *n1, *guard;
        rt_size_t both;

        p = t_alloc(m, 8);
        n1 = t_alloc(m, 8);
        assert_ptr_equal(n1, p + rt_tlsf_usable_size(p) + W);
        guard = t_alloc(m, 8);
        both = rt_tlsf_usable_size(p) + W + rt_tlsf_usable_size(n1);
        t_free(m, n1);
        q = t_realloc(m, p, both);              /* exactly absorbs n1 */
        assert_ptr_equal(q, p);
        assert_int_equal(rt_tlsf_usable_size(q), both);
        t_free(m, guard);
    }

    /* too large: NULL, the old block is untouched */
    assert_null(t_realloc(m, q, (rt_size_t)-1));
    assert_null(t_realloc(m, q, 100000));
    assert_int_equal(rt_tlsf_check(m), 0);

    /* size 0 frees */
    assert_null(t_realloc(m, q, 0));
    t_free(m, r);
    expect_shape(m, "[ F%lu ]", t);
    heap_end(m, &a);
}

static void test_multi_region(void **state)
{
    struct arena a, b, c, d;
    rt_tlsf_t m = heap_new(&a, 65536);
    rt_size_t t0 = m->total, big;
    struct shape s;
    void *p, *q;

    (void)state;
    arena_new(&b, 32768);
    assert_int_equal(rt_tlsf_add_region(m, b.mem, b.size), RT_EOK);
    assert_int_equal(rt_tlsf_check(m), 0);
    shape_of(m, &s);
    assert_int_equal(s.regions, 2);
    big = m->total - t0;
    assert_true(big > 32768 - 64);

    /* overlapping or tiny regions are refused and change nothing */
    assert_int_equal(rt_tlsf_add_region(m, (char *)b.mem + 100, 1000), -RT_EINVAL);
    assert_int_equal(rt_tlsf_add_region(m, a.mem, 4096), -RT_EINVAL);
    assert_int_equal(rt_tlsf_add_region(m, (char *)a.mem + 60000, 5536), -RT_EINVAL);
    arena_new(&c, 64);
    assert_int_equal(rt_tlsf_add_region(m, c.mem, 8), -RT_EINVAL);
    assert_int_equal(rt_tlsf_check(m), 0);

    /* the whole first region, then the second region serves; a request
     * larger than what is left anywhere fails */
    q = t_alloc(m, t0 - W);
    assert_non_null(q);
    assert_null(t_alloc(m, 40000));
    p = t_alloc(m, 8000);
    assert_non_null(p);
    assert_true((char *)p > (char *)b.mem && (char *)p < (char *)b.mem + b.size);
    t_free(m, p);
    p = t_alloc(m, big - W);                /* the whole second region */
    assert_non_null(p);
    assert_int_equal(m->used, m->total);
    assert_null(t_alloc(m, 1));
    t_free(m, p);
    t_free(m, q);

    /* a region larger than the largest block class is cut into pieces,
     * and blocks never merge across the cuts */
    arena_new(&d, 3 * rt_tlsf_max_request(m));
    assert_int_equal(rt_tlsf_add_region(m, d.mem, d.size), RT_EOK);
    assert_int_equal(rt_tlsf_check(m), 0);
    shape_of(m, &s);
    assert_true(s.regions >= 5);
    assert_true(s.largest_free <= rt_tlsf_max_request(m));
    p = t_alloc(m, rt_tlsf_max_request(m) - 512);
    assert_non_null(p);
    t_free(m, p);

    heap_end(m, &a);
    arena_free(&b);
    arena_free(&c);
    arena_free(&d);
}

static void test_aligned(void **state)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, 65536);
    unsigned long t = (unsigned long)whole_block(m);
    void *keep, *p[12];
    rt_size_t align;
    int i = 0;

    (void)state;
    keep = t_alloc(m, 3);                   /* make the free space misaligned */
    for (align = 1; align <= 4096; align <<= 1, i++)
    {
        p[i] = rt_tlsf_alloc_align(m, 100 + (rt_size_t)i, align);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % (align > A ? align : A), 0);
        assert_true(rt_tlsf_usable_size(p[i]) >= 100 + (rt_size_t)i);
        memset(p[i], 0x5A, 100 + (size_t)i);
        assert_int_equal(rt_tlsf_check(m), 0);
    }
    while (i-- > 0)
        t_free(m, p[i]);
    t_free(m, keep);
    expect_shape(m, "[ F%lu ]", t);
    assert_int_equal(m->used, 0);
    heap_end(m, &a);
}

/* ------------------------------------------------ seeded random stress */

#define STRESS_SLOTS 200

struct live
{
    unsigned char *p;
    rt_size_t n;
    unsigned char tag;
};

static void fill(struct live *l)
{
    memset(l->p, l->tag, l->n);
}

static void verify(const struct live *l)
{
    rt_size_t i;

    for (i = 0; i < l->n; i++)
        if (l->p[i] != l->tag)
            fail_msg("block %p byte %lu: %02x != %02x", (void *)l->p, (unsigned long)i,
                     l->p[i], l->tag);
}

static void stress(rt_size_t heap_size, uint64_t seed, int ops)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, heap_size);
    struct live slot[STRESS_SLOTS];
    uint64_t rng = seed;
    int i, k;

    memset(slot, 0, sizeof(slot));
    for (i = 0; i < ops; i++)
    {
        uint64_t r = tu_rand(&rng);
        struct live *l = &slot[r % STRESS_SLOTS];
        rt_size_t n = (r >> 16) % 8 == 0 ? (r >> 24) % 4096 + 1 : (r >> 24) % 256 + 1;
        unsigned op = (unsigned)(r >> 40) % 4;

        if (l->p == NULL)
        {
            l->p = op == 3 ? rt_tlsf_alloc_align(m, n, (rt_size_t)16 << ((r >> 50) % 5))
                           : rt_tlsf_alloc(m, n);
            l->n = n;
            l->tag = (unsigned char)(r >> 56);
            if (l->p != NULL)
                fill(l);
        }
        else if (op == 0)
        {
            unsigned char *q;
            verify(l);
            q = rt_tlsf_realloc(m, l->p, n);
            if (q != NULL)
            {
                rt_size_t keep = n < l->n ? n : l->n, j;
                for (j = 0; j < keep; j++)
                    if (q[j] != l->tag)
                        fail_msg("seed %llu op %d: realloc lost byte %lu",
                                 (unsigned long long)seed, i, (unsigned long)j);
                l->p = q;
                l->n = n;
                fill(l);
            }
        }
        else
        {
            verify(l);
            rt_tlsf_free(m, l->p);
            l->p = NULL;
        }
        k = rt_tlsf_check(m);
        if (k != 0)
            fail_msg("seed %llu op %d: invariant I%d broken", (unsigned long long)seed, i, k);
    }
    for (k = 0; k < STRESS_SLOTS; k++)
        if (slot[k].p != NULL)
        {
            verify(&slot[k]);
            rt_tlsf_free(m, slot[k].p);
        }
    assert_int_equal(m->used, 0);
    expect_shape(m, "[ F%lu ]", (unsigned long)whole_block(m));
    heap_end(m, &a);
}

static void test_random_stress(void **state)
{
    uint64_t seed = tu_seed(0x7153F00Dull);

    (void)state;
    print_message("# seed %llu (set RTSIM_TEST_SEED to repeat)\n", (unsigned long long)seed);
    stress(16384, seed, 4000);
    stress(262144, seed + 1, 6000);
}

/* ------------------------------------------------ O(1): bounded steps */

struct step_max
{
    rt_uint32_t alloc, free;
};

/* Run a workload, recording the most steps any one alloc or free took. */
static void steps_workload(rt_size_t heap_size, int adversarial, struct step_max *out)
{
    struct arena a;
    rt_tlsf_t m = heap_new(&a, heap_size);
    static void *ptr[65536];
    uint64_t rng = 12345;
    int n = 0, i;
    rt_uint32_t before;

    out->alloc = out->free = 0;
    /* fill the heap with small blocks, free every other one (many holes),
     * then ask for blocks no hole can hold */
    for (;;)
    {
        rt_size_t sz = adversarial ? 8 : (rt_size_t)(tu_rand(&rng) % 256 + 8);
        before = rt_tlsf_steps;
        ptr[n] = rt_tlsf_alloc(m, sz);
        if (rt_tlsf_steps - before > out->alloc)
            out->alloc = rt_tlsf_steps - before;
        if (ptr[n] == NULL || n == 65535)
            break;
        n++;
    }
    for (i = 0; i < n; i += 2)
    {
        before = rt_tlsf_steps;
        rt_tlsf_free(m, ptr[i]);
        if (rt_tlsf_steps - before > out->free)
            out->free = rt_tlsf_steps - before;
    }
    for (i = 0; i < 64; i++)
    {
        before = rt_tlsf_steps;
        assert_null(rt_tlsf_alloc(m, 512 + (rt_size_t)i));
        if (rt_tlsf_steps - before > out->alloc)
            out->alloc = rt_tlsf_steps - before;
    }
    for (i = 1; i < n; i += 2)              /* each free merges both ways */
    {
        before = rt_tlsf_steps;
        rt_tlsf_free(m, ptr[i]);
        if (rt_tlsf_steps - before > out->free)
            out->free = rt_tlsf_steps - before;
    }
    assert_int_equal(m->used, 0);
    heap_end(m, &a);
}

static void test_constant_steps(void **state)
{
    struct step_max s64r, s1mr, s64a, s1ma;

    (void)state;
    steps_workload(65536, 0, &s64r);
    steps_workload(1 << 20, 0, &s1mr);
    steps_workload(65536, 1, &s64a);
    steps_workload(1 << 20, 1, &s1ma);
    /* the same bound at 64 KiB and 1 MiB, random or adversarial: take
     * (probe, column scan, row scan), split, file = 5; free: two merges
     * (2 each) and one filing = 5 */
    assert_int_equal(s64r.alloc, s1mr.alloc);
    assert_int_equal(s64a.alloc, s1ma.alloc);
    assert_int_equal(s64r.free, s1mr.free);
    assert_int_equal(s64a.free, s1ma.free);
    assert_true(s1mr.alloc <= 5 && s1ma.alloc <= 5);
    assert_int_equal(s1ma.free, 5);
}

/* ------------------------------------- as the system heap, simulated */

struct sys_walk
{
    int regions;
    int blocks;
};

static int sys_walk_cb(const struct rt_mem_block *b, void *ctx)
{
    struct sys_walk *w = ctx;

    if (b->kind == RT_MEM_BLOCK_CONTROL)
        w->regions++;
    else if (b->kind == RT_MEM_BLOCK_DATA)
        w->blocks++;
    return 0;
}

static void churn_thread(void *arg)
{
    uintptr_t id = (uintptr_t)arg;
    unsigned char *p[16];
    int round, i;

    for (round = 0; round < 8; round++)
    {
        for (i = 0; i < 16; i++)
        {
            p[i] = rt_malloc(16 + (rt_size_t)((id * 31 + (uintptr_t)i * 17 + (uintptr_t)round) % 300));
            TU_EXPECT(p[i] != RT_NULL);
            if (p[i] != RT_NULL)
                p[i][0] = (unsigned char)(id + (uintptr_t)i);
        }
        rt_thread_delay(1);             /* let the others interleave */
        for (i = 0; i < 16; i++)
        {
            if (p[i] != RT_NULL)
                TU_EXPECT_INT(p[i][0], (unsigned char)(id + (uintptr_t)i));
            rt_free(p[i]);
        }
        TU_EXPECT_INT(rt_system_heap_check(), 0);
    }
}

static void sys_heap_main(void *arg)
{
    rt_size_t total, used, max_used, used_before;
    struct sys_walk w = {0, 0};
    void *p, *q, *big;
    int i;

    (void)arg;
    TU_EXPECT_STR(rt_system_heap_algorithm(), "tlsf");
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_system_heap_walk(sys_walk_cb, &w);
    TU_EXPECT(w.regions >= 2);          /* the heap's region, plus CCM ... */
    rt_memory_info(&total, &used, &max_used);
    used_before = used;

    p = rt_malloc(100);
    TU_EXPECT(p != RT_NULL);
    q = rt_realloc(p, 300);             /* the neighbour is free: in place */
    TU_EXPECT(q == p);
    big = rt_malloc(40 * 1024);         /* larger than CCM: from SRAM */
    TU_EXPECT(big != RT_NULL);
    p = rt_malloc_align(200, 256);
    TU_EXPECT(p != RT_NULL && ((uintptr_t)p & 255) == 0);
    rt_free_align(p);
    TU_EXPECT(rt_malloc(0) == RT_NULL);
    TU_EXPECT(rt_malloc((rt_size_t)-8) == RT_NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);

    for (i = 0; i < 3; i++)
    {
        char name[8] = "churn0";
        rt_thread_t t;

        name[5] = (char)('0' + i);
        t = rt_thread_create(name, churn_thread, (void *)(uintptr_t)i, 1024, 10, 5);
        TU_EXPECT(t != RT_NULL);
        if (t != RT_NULL)
            rt_thread_startup(t);
    }
    rt_thread_delay(50);
    rt_free(big);
    rt_free(q);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_memory_info(&total, &used, &max_used);
    TU_EXPECT_INT(used, used_before);
}

static void test_system_heap(void **state)
{
    struct rt_sim_config cfg;

    (void)state;
    tu_config(&cfg);
    cfg.heap = "tlsf";
    assert_int_equal(tu_run(&cfg, sys_heap_main, RT_NULL), RT_SIM_OK);
    tu_config(&cfg);                    /* 8 MiB SDRAM + SRAM + CCM */
    cfg.heap = "tlsf";
    cfg.board = "stm32f429-disco";
    assert_int_equal(tu_run(&cfg, sys_heap_main, RT_NULL), RT_SIM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_layout),
        cmocka_unit_test(test_init_too_small),
        cmocka_unit_test(test_exact_layout),
        cmocka_unit_test(test_min_blocks_merge),
        cmocka_unit_test(test_small_tail_not_split),
        cmocka_unit_test(test_edge_sizes),
        cmocka_unit_test(test_corrupt_each_invariant),
        cmocka_unit_test(test_realloc_in_place),
        cmocka_unit_test(test_multi_region),
        cmocka_unit_test(test_aligned),
        cmocka_unit_test(test_random_stress),
        cmocka_unit_test(test_constant_steps),
        cmocka_unit_test(test_system_heap),
    };
    return cmocka_run_group_tests_name("tlsf", tests, NULL, NULL);
}
