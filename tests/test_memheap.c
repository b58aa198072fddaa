/*
 * test_memheap.c - memheap: exact shapes after every step, the checker
 * before and after every operation, each invariant broken on purpose,
 * overwrite detection, seeded stress with content checks, and the
 * "memheap" system heap over three separate host buffers.
 *
 * memheap takes its semaphore, so every body runs inside rt_sim_run and
 * reports through TU_EXPECT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../kernel/src/heap.h"

/* The layout constants of memheap.c, derived the same way. */
#define HDR     RT_ALIGN(sizeof(struct rt_memheap_item), RT_ALIGN_SIZE)
#define MINI    RT_ALIGN(12, RT_ALIGN_SIZE)
#define ROUND(n) (RT_ALIGN((n), RT_ALIGN_SIZE) < MINI ? MINI : RT_ALIGN((n), RT_ALIGN_SIZE))

#define ARENA_SIZE 4096
/* Host memory for the heaps, aligned for any RT_ALIGN_SIZE. */
static _Alignas(16) unsigned char arena[3][ARENA_SIZE];

/* ------------------------------------------------------------- helpers */

struct shape_ctx { char text[1024]; size_t len; };

/* "U16 F928 T": used / free data sizes in address order, T = tail. */
static int shape_cb(const struct rt_mem_block *b, void *ctx)
{
    struct shape_ctx *s = ctx;
    int n;
    if (b->kind == RT_MEM_BLOCK_SENTINEL)
        n = snprintf(s->text + s->len, sizeof s->text - s->len, "%sT", s->len ? " " : "");
    else
        n = snprintf(s->text + s->len, sizeof s->text - s->len, "%s%c%lu", s->len ? " " : "",
                     b->used ? 'U' : 'F', (unsigned long)b->size);
    if (n > 0 && (size_t)n < sizeof s->text - s->len)
        s->len += (size_t)n;
    return 0;
}

static const char *shape(struct rt_memheap *h)
{
    static struct shape_ctx s;
    s.len = 0;
    s.text[0] = '\0';
    rt_memheap_walk(h, shape_cb, &s);
    return s.text;
}

/* Build an expected shape from a format with %lu sizes. */
static const char *fmt_shape(const char *fmt, ...)
{
    static char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

#define EXPECT_SHAPE(h, ...) TU_EXPECT_STR(shape(h), fmt_shape(__VA_ARGS__))

static void *mh_alloc(struct rt_memheap *h, rt_size_t n)
{
    TU_EXPECT_INT(rt_memheap_check(h), 0);
    void *p = rt_memheap_alloc(h, n);
    TU_EXPECT_INT(rt_memheap_check(h), 0);
    if (p)
        TU_EXPECT_INT((uintptr_t)p % RT_ALIGN_SIZE, 0);
    return p;
}

static void mh_free(struct rt_memheap *h, void *p)
{
    TU_EXPECT_INT(rt_memheap_check(h), 0);
    rt_memheap_free(p);
    TU_EXPECT_INT(rt_memheap_check(h), 0);
}

static void *mh_realloc(struct rt_memheap *h, void *p, rt_size_t n)
{
    TU_EXPECT_INT(rt_memheap_check(h), 0);
    void *q = rt_memheap_realloc(h, p, n);
    TU_EXPECT_INT(rt_memheap_check(h), 0);
    return q;
}

static unsigned long U(rt_size_t v) { return (unsigned long)v; }

static void run_ok(void (*body)(void *))
{
    assert_int_equal(tu_run(NULL, body, NULL), RT_SIM_OK);
}

/* ------------------------------------------------------------- init */

static void body_init(void *arg)
{
    struct rt_memheap h;
    rt_size_t total, used, max;

    memset(arena[0], 0xA5, ARENA_SIZE);
    TU_EXPECT_INT(rt_memheap_init(&h, "heap1", arena[0], 1024), RT_EOK);
    TU_EXPECT_INT(rt_memheap_check(&h), 0);
    EXPECT_SHAPE(&h, "F%lu T", U(1024 - 2 * HDR));
    rt_memheap_info(&h, &total, &used, &max);
    TU_EXPECT_INT(total, 1024);
    TU_EXPECT_INT(used, 2 * HDR);
    TU_EXPECT_INT(max, 2 * HDR);
    TU_EXPECT(rt_object_find("heap1", RT_Object_Class_MemHeap) == &h.parent);
    /* size 0 gives nothing (RT-Thread PR #5366) and changes nothing */
    TU_EXPECT(rt_memheap_alloc(&h, 0) == NULL);
    /* a request must be smaller than what is available */
    TU_EXPECT(rt_memheap_alloc(&h, 1024 - 2 * HDR) == NULL);
    EXPECT_SHAPE(&h, "F%lu T", U(1024 - 2 * HDR));
    TU_EXPECT_INT(rt_memheap_detach(&h), RT_EOK);
    TU_EXPECT(rt_object_find("heap1", RT_Object_Class_MemHeap) == NULL);

    /* an unaligned start is aligned up and the size shortened */
    TU_EXPECT_INT(rt_memheap_init(&h, "odd", arena[0] + 1, 1024), RT_EOK);
    TU_EXPECT(h.start_addr == arena[0] + RT_ALIGN_SIZE);
    TU_EXPECT_INT(h.pool_size, 1024 - RT_ALIGN_SIZE);
    TU_EXPECT_INT(rt_memheap_check(&h), 0);
    void *p = mh_alloc(&h, 3);
    TU_EXPECT(p == arena[0] + RT_ALIGN_SIZE + HDR);
    mh_free(&h, p);
    rt_memheap_detach(&h);

    /* too small: refused with a message, no object left behind */
    tu_console_reset();
    TU_EXPECT_INT(rt_memheap_init(&h, "tiny", arena[0], 2 * HDR), -RT_ERROR);
    TU_EXPECT(strstr(tu_console(), "memheap init error") != NULL);
    TU_EXPECT(rt_object_find("tiny", RT_Object_Class_MemHeap) == NULL);
}

static void test_init(void **state) { run_ok(body_init); }

/* ------------------------------------------------------ split and merge */

static void body_split_merge(void *arg)
{
    struct rt_memheap h;
    rt_size_t pool = 1024, rest = pool - 2 * HDR;

    memset(arena[0], 0x5A, ARENA_SIZE);
    rt_memheap_init(&h, "sm", arena[0], pool);

    void *a = mh_alloc(&h, 10);
    rest -= ROUND(10) + HDR;
    EXPECT_SHAPE(&h, "U%lu F%lu T", U(ROUND(10)), U(rest));
    TU_EXPECT(a == arena[0] + HDR);
    void *b = mh_alloc(&h, 100);
    rest -= ROUND(100) + HDR;
    void *c = mh_alloc(&h, 40);
    rest -= ROUND(40) + HDR;
    void *d = mh_alloc(&h, 8);
    rest -= ROUND(8) + HDR;
    EXPECT_SHAPE(&h, "U%lu U%lu U%lu U%lu F%lu T", U(ROUND(10)), U(ROUND(100)), U(ROUND(40)),
                 U(ROUND(8)), U(rest));
    TU_EXPECT_INT(h.available_size, rest);

    /* free list is LIFO: after freeing a then c, a request both fit gets c */
    mh_free(&h, a);
    mh_free(&h, c);
    EXPECT_SHAPE(&h, "F%lu U%lu F%lu U%lu F%lu T", U(ROUND(10)), U(ROUND(100)), U(ROUND(40)),
                 U(ROUND(8)), U(rest));
    void *e = mh_alloc(&h, 1);
    TU_EXPECT(e == c);
    /* c (40) had room for MINI + HDR + MINI? then it was split */
    if (ROUND(40) >= MINI + HDR + MINI)
        EXPECT_SHAPE(&h, "F%lu U%lu U%lu F%lu U%lu F%lu T", U(ROUND(10)), U(ROUND(100)), U(MINI),
                     U(ROUND(40) - MINI - HDR), U(ROUND(8)), U(rest));
    else
        EXPECT_SHAPE(&h, "F%lu U%lu U%lu U%lu F%lu T", U(ROUND(10)), U(ROUND(100)), U(ROUND(40)),
                     U(ROUND(8)), U(rest));
    mh_free(&h, e);
    EXPECT_SHAPE(&h, "F%lu U%lu F%lu U%lu F%lu T", U(ROUND(10)), U(ROUND(100)), U(ROUND(40)),
                 U(ROUND(8)), U(rest));

    /* freeing b merges with both neighbours into one block */
    mh_free(&h, b);
    EXPECT_SHAPE(&h, "F%lu U%lu F%lu T", U(ROUND(10) + ROUND(100) + ROUND(40) + 2 * HDR),
                 U(ROUND(8)), U(rest));
    /* and d: everything is one block again */
    mh_free(&h, d);
    EXPECT_SHAPE(&h, "F%lu T", U(pool - 2 * HDR));
    TU_EXPECT_INT(h.available_size, pool - 2 * HDR);
    rt_memheap_detach(&h);
}

static void test_split_merge(void **state) { run_ok(body_split_merge); }

/* A free block too small to split is handed out whole. */
static void body_no_split(void *arg)
{
    struct rt_memheap h;
    rt_size_t pool = 2 * HDR + 3 * HDR + 128 + 32;
    rt_memheap_init(&h, "ns", arena[0], pool);

    void *a = mh_alloc(&h, 128);
    void *b = mh_alloc(&h, 32);
    rt_size_t rest = pool - 2 * HDR - 128 - 32 - 2 * HDR;
    EXPECT_SHAPE(&h, "U128 U32 F%lu T", U(rest));
    mh_free(&h, a);
    /* 128 free: a request leaving less than HDR + MINI takes it whole */
    rt_size_t want = 128 - HDR - MINI + RT_ALIGN_SIZE;
    void *c = mh_alloc(&h, want);
    TU_EXPECT(c == a);
    EXPECT_SHAPE(&h, "U128 U32 F%lu T", U(rest));
    TU_EXPECT_INT(h.available_size, rest);
    mh_free(&h, c);
    /* a request that leaves exactly HDR + MINI splits */
    c = mh_alloc(&h, 128 - HDR - MINI);
    EXPECT_SHAPE(&h, "U%lu F%lu U32 F%lu T", U(128 - HDR - MINI), U(MINI), U(rest));
    mh_free(&h, c);
    mh_free(&h, b);
    EXPECT_SHAPE(&h, "F%lu T", U(pool - 2 * HDR));
    rt_memheap_detach(&h);
}

static void test_no_split(void **state) { run_ok(body_no_split); }

/* ----------------------------------------------------------------- realloc */

static void body_realloc(void *arg)
{
    struct rt_memheap h;
    rt_size_t pool = 1024, data = pool - 2 * HDR;
    rt_memheap_init(&h, "re", arena[0], pool);

    TU_EXPECT(mh_realloc(&h, NULL, 0) == NULL);
    unsigned char *a = mh_realloc(&h, NULL, 64);       /* NULL: alloc */
    TU_EXPECT(a != NULL);
    memset(a, 0x11, 64);
    EXPECT_SHAPE(&h, "U64 F%lu T", U(data - 64 - HDR));

    /* grow in place into the free successor */
    unsigned char *g = mh_realloc(&h, a, 200);
    TU_EXPECT(g == a);
    EXPECT_SHAPE(&h, "U%lu F%lu T", U(ROUND(200)), U(data - ROUND(200) - HDR));
    TU_EXPECT_INT(h.available_size, data - ROUND(200) - HDR);
    for (int i = 0; i < 64; i++)
        TU_EXPECT_INT(g[i], 0x11);

    /* shrink in place: the tail part merges with the free successor */
    unsigned char *s = mh_realloc(&h, g, 40);
    TU_EXPECT(s == a);
    EXPECT_SHAPE(&h, "U%lu F%lu T", U(ROUND(40)), U(data - ROUND(40) - HDR));
    /* shrinking by less than HDR + MINI changes nothing */
    TU_EXPECT(mh_realloc(&h, s, ROUND(40) - RT_ALIGN_SIZE) == s);
    EXPECT_SHAPE(&h, "U%lu F%lu T", U(ROUND(40)), U(data - ROUND(40) - HDR));

    /* a used successor: grow moves, contents kept, old block freed */
    unsigned char *fence = mh_alloc(&h, 16);
    memset(s, 0x22, ROUND(40));
    unsigned char *m = mh_realloc(&h, s, 100);
    TU_EXPECT(m != s && m != NULL);
    for (rt_size_t i = 0; i < ROUND(40); i++)
        TU_EXPECT_INT(m[i], 0x22);
    EXPECT_SHAPE(&h, "F%lu U16 U%lu F%lu T", U(ROUND(40)), U(ROUND(100)),
                 U(data - ROUND(40) - 16 - ROUND(100) - 3 * HDR));

    /* shrink again: the cut-off part merges with the free rest */
    unsigned char *k = mh_realloc(&h, m, 32);
    TU_EXPECT(k == m);
    EXPECT_SHAPE(&h, "F%lu U16 U32 F%lu T", U(ROUND(40)),
                 U(data - ROUND(40) - 16 - 32 - 3 * HDR));
    /* 0 frees */
    TU_EXPECT(mh_realloc(&h, k, 0) == NULL);
    mh_free(&h, fence);
    EXPECT_SHAPE(&h, "F%lu T", U(data));
    /* too large for the heap: NULL, block untouched */
    unsigned char *p = mh_alloc(&h, 64);
    TU_EXPECT(mh_realloc(&h, p, pool) == NULL);
    EXPECT_SHAPE(&h, "U64 F%lu T", U(data - 64 - HDR));
    mh_free(&h, p);
    rt_memheap_detach(&h);
}

static void test_realloc_shapes(void **state) { run_ok(body_realloc); }

/* ---------------------------------------------------- invariants broken */

struct corrupt_case { int expect; void (*damage)(struct rt_memheap *h, void **p); };

static struct rt_memheap_item *item_of(void *p)
{
    return (struct rt_memheap_item *)((unsigned char *)p - HDR);
}

static void dmg_i1(struct rt_memheap *h, void **p) { h->free_list = NULL; }
static void dmg_i2(struct rt_memheap *h, void **p) { item_of(p[1])->magic = 0xDEADBEEF; }
static void dmg_i3(struct rt_memheap *h, void **p) { item_of(p[2])->prev = item_of(p[0]); }
static void dmg_i4(struct rt_memheap *h, void **p)
{
    /* p[3] marked free without merging: touches the free rest */
    item_of(p[3])->magic = 0x1EA01EA0;
}
static void dmg_i5(struct rt_memheap *h, void **p)
{
    /* unlink the free block p[1] from the free list only */
    struct rt_memheap_item *it = item_of(p[1]);
    it->prev_free->next_free = it->next_free;
    it->next_free->prev_free = it->prev_free;
}
static void dmg_i6(struct rt_memheap *h, void **p) { h->available_size += RT_ALIGN_SIZE; }
static void dmg_i7(struct rt_memheap *h, void **p) { h->max_used_size = 0; }

static const struct corrupt_case cases[] = {
    { 1, dmg_i1 }, { 2, dmg_i2 }, { 3, dmg_i3 }, { 4, dmg_i4 },
    { 5, dmg_i5 }, { 6, dmg_i6 }, { 7, dmg_i7 },
};

static void body_corrupt(void *arg)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        struct rt_memheap h;
        void *p[4];
        rt_memheap_init(&h, "bad", arena[0], 2048);
        for (int j = 0; j < 4; j++)
            p[j] = mh_alloc(&h, 48);
        mh_free(&h, p[1]);          /* U F U U F T */
        TU_EXPECT_INT(rt_memheap_check(&h), 0);
        cases[i].damage(&h, p);
        int got = rt_memheap_check(&h);
        if (got != cases[i].expect)
            tu_fail(__FILE__, __LINE__, "corruption of I%d reported as %d", cases[i].expect, got);
        /* the walker survives whatever the damage */
        (void)shape(&h);
        h.free_list = &h.free_header;
        rt_memheap_detach(&h);
    }
}

/* rt_memheap_check's own verdicts: checking off, since checked mode would
 * report the damage (heap_shadow.c S9) at the detach that ends each case. */
static void test_corrupt(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.checked = 0;
    assert_int_equal(tu_run(&cfg, body_corrupt, NULL), RT_SIM_OK);
}

/* ------------------------------------------------ overwrite detection */

static void body_overrun(void *arg)
{
    static struct rt_memheap h;
    rt_memheap_init(&h, "ovr", arena[0], 1024);
    unsigned char *a = rt_memheap_alloc(&h, 32);
    (void)rt_memheap_alloc(&h, 32);
    memset(a, 0, 32 + 4);       /* 4 bytes into the next header's magic */
    rt_memheap_free(a);         /* asserts: the run stops here */
    tu_fail(__FILE__, __LINE__, "free of an overrun block returned");
}

static void body_double_free(void *arg)
{
    static struct rt_memheap h;
    rt_memheap_init(&h, "dbl", arena[0], 1024);
    void *a = rt_memheap_alloc(&h, 32);
    (void)rt_memheap_alloc(&h, 32);
    rt_memheap_free(a);
    rt_memheap_free(a);
    tu_fail(__FILE__, __LINE__, "double free returned");
}

static void test_overwrite_detected(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    /* Checking off: memheap's own overwrite check (RT-Thread 4.1.1
     * src/memheap.c, rt_memheap_free) asserts. */
    cfg.checked = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, body_overrun, NULL), RT_SIM_EASSERT);
    assert_non_null(strstr(tu_console(), "written past its end"));
    /* Checked (the default): the heap's shadow (heap_shadow.c S9) reports
     * the overflow before memheap reads the damaged header. */
    tu_config(&cfg);
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, body_overrun, NULL), RT_SIM_EMEMORY);
    assert_non_null(strstr(tu_report(), "heap overflow from the block at"));
    assert_non_null(strstr(tu_report(), "call   rt_memheap_free"));
    assert_null(strstr(tu_console(), "written past its end"));
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, body_double_free, NULL), RT_SIM_EASSERT);
    assert_non_null(strstr(tu_console(), "bad magic 0x1ea01ea0"));
}

/* ---------------------------------------------------------------- stress */

#define STRESS_SLOTS 40

struct slot { unsigned char *p; rt_size_t n; unsigned char tag; };

static void fill(struct slot *s) { memset(s->p, s->tag, s->n); }

static int intact(const struct slot *s)
{
    for (rt_size_t i = 0; i < s->n; i++)
        if (s->p[i] != s->tag)
            return 0;
    return 1;
}

static uint64_t stress_seed;

/* In the spirit of RT-Thread's memheap_tc: 40 slots, random sizes below
 * 64 KiB / 40, alloc / free / realloc at random; every block carries a tag
 * that must survive every other operation. */
static void body_stress(void *arg)
{
    static _Alignas(16) unsigned char big[64 * 1024];
    struct rt_memheap h;
    struct slot s[STRESS_SLOTS] = { { 0 } };
    uint64_t rng = stress_seed;

    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)tu_rand(&rng);
    rt_memheap_init(&h, "stress", big, sizeof big);

    for (int op = 0; op < 20000 && tu_failures() == 0; op++)
    {
        struct slot *x = &s[tu_rand(&rng) % STRESS_SLOTS];
        rt_size_t n = tu_rand(&rng) % (sizeof big / STRESS_SLOTS);
        unsigned what = (unsigned)(tu_rand(&rng) % 3);

        if (x->p && !intact(x))
            tu_fail(__FILE__, __LINE__, "block contents changed (seed %llu, op %d)",
                    (unsigned long long)stress_seed, op);
        if (what == 0 || x->p == NULL)
        {
            mh_free(&h, x->p);
            x->p = mh_alloc(&h, n);
            x->n = x->p ? n : 0;
        }
        else if (what == 1)
        {
            unsigned char *q = mh_realloc(&h, x->p, n);
            if (n == 0)
            {
                x->p = NULL;
                x->n = 0;
            }
            else if (q != NULL)
            {
                rt_size_t keep = n < x->n ? n : x->n;
                for (rt_size_t i = 0; i < keep; i++)
                    if (q[i] != x->tag)
                    {
                        tu_fail(__FILE__, __LINE__, "realloc lost contents (seed %llu, op %d)",
                                (unsigned long long)stress_seed, op);
                        break;
                    }
                x->p = q;
                x->n = n;
            }
        }
        else
        {
            mh_free(&h, x->p);
            x->p = NULL;
            x->n = 0;
        }
        x->tag = (unsigned char)tu_rand(&rng);
        if (x->p)
            fill(x);
    }
    for (int i = 0; i < STRESS_SLOTS; i++)
        mh_free(&h, s[i].p);
    EXPECT_SHAPE(&h, "F%lu T", U(sizeof big - 2 * HDR));
    rt_memheap_detach(&h);
}

static void test_stress(void **state)
{
    stress_seed = tu_seed(20261126);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    int rc = tu_run(&cfg, body_stress, NULL);
    if (rc != RT_SIM_OK)
        fail_msg("stress run failed (%d), seed %llu", rc, (unsigned long long)stress_seed);
}

/* ------------------------------------------- the "memheap" system heap */

struct region_count { int sentinels; const void *first_block[4]; int blocks; };

static int region_cb(const struct rt_mem_block *b, void *ctx)
{
    struct region_count *r = ctx;
    if (b->kind == RT_MEM_BLOCK_SENTINEL)
        r->sentinels++;
    else if (r->blocks == 0 || r->first_block[r->sentinels] == NULL)
        r->first_block[r->sentinels] = b->start;
    r->blocks++;
    return 0;
}

static int in_arena(const void *p, int i)
{
    const unsigned char *c = p;
    return c >= arena[i] && c < arena[i] + ARENA_SIZE;
}

static void body_system_regions(void *arg)
{
    const struct rt_heap_algorithm *alg = &rt_heap_memheap;
    memset(arena, 0xEE, sizeof arena);

    /* three separate host buffers: 1 KiB system heap, 2 KiB "CCM", 4 KiB "SDRAM" */
    void *heap = alg->init("heap", arena[0] + 1, 1024);
    TU_EXPECT(heap != NULL);
    TU_EXPECT_INT(alg->add_region(heap, "CCM", arena[1], 2048), RT_EOK);
    TU_EXPECT_INT(alg->add_region(heap, "SDRAM", arena[2], 4096), RT_EOK);
    TU_EXPECT_INT(alg->check(heap), 0);

    struct region_count rc = { 0 };
    alg->walk(heap, region_cb, &rc);
    TU_EXPECT_INT(rc.sentinels, 3);
    TU_EXPECT(in_arena(rc.first_block[0], 0) && in_arena(rc.first_block[1], 1)
              && in_arena(rc.first_block[2], 2));

    TU_EXPECT(alg->alloc(heap, 0) == NULL);
    void *a = alg->alloc(heap, 512);
    TU_EXPECT(in_arena(a, 0));
    /* the first heap is full: fall over to the others, newest object first */
    void *b = alg->alloc(heap, 800);
    TU_EXPECT(in_arena(b, 2));
    void *c = alg->alloc(heap, 3000);
    TU_EXPECT(c == NULL || in_arena(c, 2));
    void *d = alg->alloc(heap, 1500);
    TU_EXPECT(in_arena(d, 1));
    TU_EXPECT_INT(alg->check(heap), 0);

    /* realloc the owner cannot serve moves to another region, contents kept */
    alg->free(heap, c);
    c = NULL;
    memset(a, 0x3C, 512);
    void *e = alg->realloc(heap, a, 2000);
    TU_EXPECT(in_arena(e, 2));
    for (int i = 0; e && i < 512; i++)
        TU_EXPECT_INT(((unsigned char *)e)[i], 0x3C);
    TU_EXPECT_INT(alg->check(heap), 0);

    /* free finds the owner from the header */
    alg->free(heap, b);
    alg->free(heap, c);
    alg->free(heap, d);
    alg->free(heap, e);
    TU_EXPECT_INT(alg->check(heap), 0);
    rt_size_t total, used, max;
    alg->info(heap, &total, &used, &max);
    TU_EXPECT_INT(total, 1024 - RT_ALIGN_SIZE);
    TU_EXPECT_INT(used, 2 * HDR);

    alg->detach(heap);
    TU_EXPECT(rt_object_find("CCM", RT_Object_Class_MemHeap) == NULL);
    /* a second boot works */
    heap = alg->init("heap", arena[0], 1024);
    TU_EXPECT(heap != NULL);
    alg->detach(heap);
}

static void test_system_regions(void **state) { run_ok(body_system_regions); }

/* Through rt_malloc on a board with external SDRAM. */
static void body_board_memheap(void *arg)
{
    TU_EXPECT_STR(rt_system_heap_algorithm(), "memheap");
    void *big = rt_malloc(1024 * 1024);     /* larger than internal SRAM */
    TU_EXPECT(big != NULL);
    void *small = rt_malloc(100);
    TU_EXPECT(small != NULL);
    TU_EXPECT(rt_malloc(0) == NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    struct region_count rc = { 0 };
    rt_system_heap_walk(region_cb, &rc);
    TU_EXPECT(rc.sentinels >= 2);
    rt_free(big);
    rt_free(small);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_board_memheap(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.heap = "memheap";
    assert_int_equal(tu_run(&cfg, body_board_memheap, NULL), RT_SIM_OK);
}

/* With memheap as the system heap, `free` lists the memheaps (one per
 * RAM region of the board), as RT_USING_MEMHEAP_AS_HEAP does. */
static void body_free_lists_memheaps(void *arg)
{
    (void)arg;
    tu_console_reset();
    TU_EXPECT_INT(rt_msh_exec("free"), 0);
    const char *out = tu_console();
    const char *title = "memheap           pool size  max used size available size\n";
    TU_EXPECT(strncmp(out, title, strlen(title)) == 0);
    TU_EXPECT(strstr(out, "\nheap             8388608    ") != NULL);
    TU_EXPECT(strstr(out, "\nSRAM             ") != NULL);
    TU_EXPECT(strstr(out, "\nCCM              65536      ") != NULL);
    TU_EXPECT(strstr(out, "total    :") == NULL);
}

static void test_free_lists_memheaps(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.heap = "memheap";
    assert_int_equal(tu_run(&cfg, body_free_lists_memheaps, NULL), RT_SIM_OK);
}

/* ------------------------------------------------------------ list_memheap */

static void body_list(void *arg)
{
    static struct rt_memheap h1, h2;
    rt_memheap_init(&h1, "heap1", arena[0], 1024);
    rt_memheap_init(&h2, "sram2", arena[1], 2048);
    void *p = rt_memheap_alloc(&h2, 100);

    rt_memheap_cmd_register();
    rt_memheap_cmd_register();      /* idempotent */
    tu_console_reset();
    TU_EXPECT(rt_msh_find("list_memheap") != NULL);
    list_memheap();

    char want[1024];
    /* RT-Thread's printf does not let a zero precision shorten "%-*.s":
     * the title shows, padded to RT_NAME_MAX. */
    snprintf(want, sizeof want,
             "%-*s  pool size  max used size available size\n"
             "%.*s ---------- ------------- --------------\n"
             "%-*.*s %-10d %-13d %-5d\n"
             "%-*.*s %-10d %-13d %-5d\n",
             RT_NAME_MAX, "memheap", RT_NAME_MAX, "--------------------------------",
             RT_NAME_MAX, RT_NAME_MAX, "sram2", 2048, (int)(2 * HDR + ROUND(100) + HDR),
             (int)(2048 - 3 * HDR - ROUND(100)),
             RT_NAME_MAX, RT_NAME_MAX, "heap1", 1024, (int)(2 * HDR), (int)(1024 - 2 * HDR));
    TU_EXPECT_STR(tu_console(), want);
    /* one row written out, for the reader (RT_NAME_MAX 16, 64-bit) */
    if (RT_NAME_MAX == 16 && HDR == 48)
        TU_EXPECT(strstr(tu_console(), "heap1            1024       96            928  \n") != NULL);
    rt_memheap_free(p);
    rt_memheap_detach(&h2);
    rt_memheap_detach(&h1);
}

static void test_list_memheap(void **state) { run_ok(body_list); }


/* --------------------------------------- RT-Thread's memheap_tc, in kind */

/* What RT-Thread's examples/utest/testcases/kernel/memheap_tc.c does: a
 * 64 KiB memheap inside a block from rt_malloc_align, 40 slots, sizes
 * below 64 KiB / 40, 100000 rounds of free+alloc or realloc on a slot that
 * holds a block, then detach and rt_free_align.  It asserts nothing but
 * must not crash; we also check the heap and each block's contents. */
static void body_memheap_tc(void *arg)
{
    enum { HEAP = 64 * 1024, SLICES = 40, ROUNDS = 100000 };
    struct rt_memheap heap1;
    struct slot s[SLICES] = { { 0 } };
    uint64_t rng = 2019;

    unsigned char *start = rt_malloc_align(HEAP, 4);
    TU_EXPECT(start != NULL);
    if (start == NULL)
        return;
    TU_EXPECT_INT(rt_memheap_init(&heap1, "heap1", start, HEAP), RT_EOK);
    for (int i = 0; i < SLICES; i++)
    {
        s[i].n = tu_rand(&rng) % (HEAP / SLICES);
        s[i].p = rt_memheap_alloc(&heap1, s[i].n);
        s[i].tag = (unsigned char)i;
        if (s[i].p)
            fill(&s[i]);
        else
            s[i].n = 0;
    }
    for (int round = 0; round < ROUNDS && tu_failures() == 0; round++)
    {
        rt_size_t n = tu_rand(&rng) % (HEAP / SLICES);
        struct slot *x = &s[tu_rand(&rng) % SLICES];
        unsigned op = (unsigned)(tu_rand(&rng) % 2);
        if (x->p == NULL)
            continue;
        if (!intact(x))
            tu_fail(__FILE__, __LINE__, "memheap_tc: contents changed at round %d", round);
        unsigned char *q;
        if (op == 0)
        {
            rt_memheap_free(x->p);
            q = rt_memheap_alloc(&heap1, n);
        }
        else
        {
            q = rt_memheap_realloc(&heap1, x->p, n);
            if (q != NULL)
            {
                rt_size_t keep = n < x->n ? n : x->n;
                for (rt_size_t i = 0; i < keep; i++)
                    if (q[i] != x->tag)
                    {
                        tu_fail(__FILE__, __LINE__, "memheap_tc: realloc lost data");
                        break;
                    }
            }
        }
        x->p = q;
        x->n = q ? n : 0;
        x->tag++;
        if (q)
            fill(x);
        if (round % 1000 == 0)
            TU_EXPECT_INT(rt_memheap_check(&heap1), 0);
    }
    TU_EXPECT_INT(rt_memheap_check(&heap1), 0);
    TU_EXPECT_INT(rt_memheap_detach(&heap1), RT_EOK);
    rt_free_align(start);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_rtthread_memheap_tc(void **state) { run_ok(body_memheap_tc); }


/* ------------------------------------------------------------- locking */

static struct rt_memheap lock_heap;

static void lock_waiter(void *arg)
{
    tu_log("B:alloc");
    void *p = rt_memheap_alloc(&lock_heap, 64);     /* blocks on lock_heap.lock */
    tu_log("B:got");
    TU_EXPECT(p != NULL);
    rt_memheap_free(p);
}

/* The heap's semaphore really excludes: a higher-priority thread that
 * allocates while the lock is held waits until it is released. */
static void body_lock(void *arg)
{
    rt_memheap_init(&lock_heap, "locked", arena[0], 1024);
    TU_EXPECT_INT(rt_sem_take(&lock_heap.lock, RT_WAITING_FOREVER), RT_EOK);
    rt_thread_t b = rt_thread_create("B", lock_waiter, NULL, 1024, RT_MAIN_THREAD_PRIORITY - 1, 10);
    TU_EXPECT(b != NULL);
    rt_thread_startup(b);       /* B runs at once and blocks */
    tu_log("main:release");
    rt_sem_release(&lock_heap.lock);
    tu_log("main:after");
    TU_EXPECT_INT(rt_memheap_check(&lock_heap), 0);
    EXPECT_SHAPE(&lock_heap, "F%lu T", U(1024 - 2 * HDR));
    rt_memheap_detach(&lock_heap);
}

static void test_lock(void **state)
{
    tu_log_reset();
    run_ok(body_lock);
    assert_string_equal(tu_log_text(), "B:alloc main:release B:got main:after");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_split_merge),
        cmocka_unit_test(test_no_split),
        cmocka_unit_test(test_realloc_shapes),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_overwrite_detected),
        cmocka_unit_test(test_stress),
        cmocka_unit_test(test_system_regions),
        cmocka_unit_test(test_board_memheap),
        cmocka_unit_test(test_free_lists_memheaps),
        cmocka_unit_test(test_list_memheap),
        cmocka_unit_test(test_rtthread_memheap_tc),
        cmocka_unit_test(test_lock),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("memheap", tests, NULL, NULL);
}
