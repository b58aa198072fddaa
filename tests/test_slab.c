/*
 * test_slab.c - slab: init geometry and zone sizing, the page allocator,
 * size classes, the large path, zone release, realloc, each invariant
 * broken on purpose, seeded stress with content checks, and slab as the
 * system heap.
 *
 * slab takes no lock of its own, so most cases drive it on plain host
 * memory from the test thread (after rt_system_object_init) with CMocka
 * asserts; cases that expect console output or an assert run in rt_sim_run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../kernel/src/heap.h"

#define PAGE 4096

/* Mirror of slab.c's private zone header, for the corruption cases. */
struct zone_mirror
{
    rt_uint32_t magic, nfree, nmax;
    void *next;
    rt_uint8_t *baseptr;
    rt_uint32_t uindex, chunksize, zoneindex;
    void *freechunk;
};

static unsigned char *arena;        /* page-aligned host memory */
static size_t arena_size;

static void arena_get(size_t size, int garbage)
{
    arena = aligned_alloc(PAGE, size);
    assert_non_null(arena);
    arena_size = size;
    if (garbage)
    {
        uint64_t r = 0x5EED;
        for (size_t i = 0; i < size; i++)
            arena[i] = (unsigned char)tu_rand(&r);
    }
}

static void arena_put(void)
{
    free(arena);
    arena = NULL;
}

/* ------------------------------------------------------------ helpers */

struct blocks
{
    int n;
    struct rt_mem_block b[64];
    int chunks_used, chunks_free;   /* DATA blocks are counted, not kept */
};

static int collect_cb(const struct rt_mem_block *b, void *ctx)
{
    struct blocks *s = ctx;
    if (b->kind == RT_MEM_BLOCK_DATA)
    {
        if (b->used)
            s->chunks_used++;
        else
            s->chunks_free++;
        return 0;
    }
    if (s->n < 64)
        s->b[s->n++] = *b;
    return 0;
}

static void collect(rt_slab_t m, struct blocks *s)
{
    memset(s, 0, sizeof *s);
    rt_slab_walk(m, collect_cb, s);
}

/* "C C Z+ P-40960 L8192": control, zone (+ live / - cached), pages (- free,
 * L large or raw used run) with byte sizes. */
static const char *shape(rt_slab_t m)
{
    static char text[512];
    struct blocks s;
    size_t len = 0;
    collect(m, &s);
    text[0] = '\0';
    for (int i = 0; i < s.n && len < sizeof text - 32; i++)
    {
        const struct rt_mem_block *b = &s.b[i];
        const char *sep = len ? " " : "";
        if (b->kind == RT_MEM_BLOCK_CONTROL)
            len += (size_t)snprintf(text + len, sizeof text - len, "%sC", sep);
        else if (b->kind == RT_MEM_BLOCK_ZONE)
            len += (size_t)snprintf(text + len, sizeof text - len, "%sZ%c", sep, b->used ? '+' : '-');
        else
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%c%lu", sep,
                                    b->used ? 'L' : 'P', (unsigned long)b->size);
    }
    return text;
}

/* The frame walk (checked mode's record after each call, heap.h
 * meta_walk) takes a free run's length from the run's head (issue 19);
 * the checker's walk scans the usage table.  Both must give the same
 * zones and page runs.  Returns the number of free runs longer than a
 * page (those the head's count skipped). */
static int frame_cb(const struct rt_mem_block *b, void *ctx)
{
    struct blocks *s = ctx;
    if ((b->kind == RT_MEM_BLOCK_ZONE || b->kind == RT_MEM_BLOCK_PAGES) && s->n < 64)
        s->b[s->n++] = *b;
    return 0;
}

static int frames_agree(rt_slab_t m)
{
    struct blocks whole, frame;
    int longer = 0;

    memset(&whole, 0, sizeof whole);
    memset(&frame, 0, sizeof frame);
    rt_slab_walk(m, frame_cb, &whole);
    rt_heap_slab.meta_walk(m, frame_cb, &frame);
    assert_int_equal(frame.n, whole.n);
    for (int i = 0; i < whole.n; i++)
    {
        assert_ptr_equal(frame.b[i].start, whole.b[i].start);
        assert_int_equal(frame.b[i].size, whole.b[i].size);
        assert_int_equal(frame.b[i].used, whole.b[i].used);
        assert_int_equal(frame.b[i].kind, whole.b[i].kind);
        if (whole.b[i].kind == RT_MEM_BLOCK_PAGES && !whole.b[i].used && whole.b[i].size > PAGE)
            longer++;
    }
    return longer;
}

static const char *fmt(const char *f, ...)
{
    static char buf[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

static void *sl_alloc(rt_slab_t m, rt_size_t n)
{
    assert_int_equal(rt_slab_check(m), 0);
    void *p = rt_slab_alloc(m, n);
    assert_int_equal(rt_slab_check(m), 0);
    return p;
}

static void sl_free(rt_slab_t m, void *p)
{
    assert_int_equal(rt_slab_check(m), 0);
    rt_slab_free(m, p);
    assert_int_equal(rt_slab_check(m), 0);
}

static void *sl_realloc(rt_slab_t m, void *p, rt_size_t n)
{
    assert_int_equal(rt_slab_check(m), 0);
    void *q = rt_slab_realloc(m, p, n);
    assert_int_equal(rt_slab_check(m), 0);
    return q;
}

/* Pages the heap gets from `size` bytes at a page-aligned `arena`: the
 * control block takes the first page (it is smaller than one). */
static rt_size_t heap_pages(size_t size) { return size / PAGE - 1; }

static rt_size_t table_pages(rt_size_t pages)
{
    return (pages * 4 + PAGE - 1) / PAGE;
}

static int setup(void **state)
{
    rt_system_object_init();
    return 0;
}

/* --------------------------------------------------------------- init */

static void test_init_geometry(void **state)
{
    arena_get(1024 * 1024, 1);
    rt_slab_t m = rt_slab_init("slab1", arena, arena_size);
    assert_non_null(m);
    assert_ptr_equal(m, arena);
    rt_size_t pages = heap_pages(arena_size), tp = table_pages(pages);
    assert_int_equal(m->total, pages * PAGE);
    assert_int_equal(m->address, (rt_ubase_t)arena + PAGE);
    assert_int_equal(m->used, 0);
    assert_string_equal(m->algorithm, "slab");
    assert_int_equal(rt_slab_check(m), 0);
    assert_string_equal(shape(m), fmt("C C P%lu", (unsigned long)((pages - tp) * PAGE)));
    assert_ptr_equal(rt_object_find("slab1", RT_Object_Class_Memory), &m->parent);

    /* 32 KiB zones on this heap: zone_limit 8 KiB */
    void *small = sl_alloc(m, 8191);
    void *large = sl_alloc(m, 8192);
    struct blocks s;
    collect(m, &s);
    assert_int_equal(s.b[2].kind, RT_MEM_BLOCK_ZONE);
    assert_int_equal(s.b[2].header_size + s.b[2].size, 32 * 1024);
    assert_int_equal(s.b[3].kind, RT_MEM_BLOCK_PAGES);
    assert_int_equal(s.b[3].size, 8192);
    assert_true(s.b[3].used);
    assert_int_equal(m->used, 8192 + 8192);
    assert_null(sl_alloc(m, 0));
    sl_free(m, small);
    sl_free(m, large);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, 16384);
    assert_int_equal(rt_slab_detach(m), RT_EOK);
    assert_null(rt_object_find("slab1", RT_Object_Class_Memory));
    arena_put();
}

/* Zones grow with the heap: 64 KiB zones (16 KiB limit) past 64 MiB. */
static void test_zone_sizing(void **state)
{
    arena_get(72u * 1024 * 1024, 0);
    rt_slab_t m = rt_slab_init("big", arena, arena_size);
    assert_non_null(m);
    void *chunk = sl_alloc(m, 16383);
    void *large = sl_alloc(m, 16384);
    struct blocks s;
    collect(m, &s);
    assert_int_equal(s.b[2].header_size + s.b[2].size, 64 * 1024);
    assert_int_equal(s.b[3].size, 16384);
    assert_true(s.b[3].used);
    assert_int_equal(m->used, 16384 + 16384);
    sl_free(m, chunk);
    sl_free(m, large);
    rt_slab_detach(m);
    arena_put();
}

static void body_tiny(void *arg)
{
    static _Alignas(4096) unsigned char small[16 * 1024];
    tu_console_reset();
    TU_EXPECT(rt_slab_init("tiny", small, sizeof small) == NULL);
    TU_EXPECT(strstr(tu_console(), "slab needs at least 9") != NULL);
    TU_EXPECT(rt_object_find("tiny", RT_Object_Class_Memory) == NULL);
    /* the system-heap entry fails the same way */
    tu_console_reset();
    TU_EXPECT(rt_heap_slab.init("heap", small, sizeof small) == NULL);
    TU_EXPECT(strstr(tu_console(), "slab init error") != NULL);
    /* smaller than a page: RT-Thread's own message */
    tu_console_reset();
    TU_EXPECT(rt_slab_init("crumb", small, 1000) == NULL);
    TU_EXPECT(strstr(tu_console(), "slab init errr. wrong address") != NULL);
}

static void test_tiny_heap(void **state)
{
    assert_int_equal(tu_run(NULL, body_tiny, NULL), RT_SIM_OK);
}

/* ----------------------------------------------------------- page level */

static void test_page_allocator(void **state)
{
    arena_get(256 * 1024, 1);
    rt_slab_t m = rt_slab_init("pages", arena, arena_size);
    rt_size_t pages = heap_pages(arena_size), tp = table_pages(pages);
    unsigned long freeb = (unsigned long)((pages - tp) * PAGE);
    unsigned char *first = arena + PAGE + tp * PAGE;

    assert_null(rt_slab_page_alloc(m, 0));
    unsigned char *a = rt_slab_page_alloc(m, 1);
    unsigned char *b = rt_slab_page_alloc(m, 2);
    unsigned char *c = rt_slab_page_alloc(m, 3);
    assert_ptr_equal(a, first);
    assert_ptr_equal(b, first + PAGE);
    assert_ptr_equal(c, first + 3 * PAGE);
    assert_int_equal(rt_slab_check(m), 0);
    assert_string_equal(shape(m), fmt("C C L4096 L8192 L12288 P%lu", freeb - 6 * PAGE));
    assert_int_equal(m->used, 0);      /* raw pages are not in `used` */

    /* free the middle run; first fit reuses it */
    rt_slab_page_free(m, b, 2);
    assert_string_equal(shape(m), fmt("C C L4096 P8192 L12288 P%lu", freeb - 6 * PAGE));
    assert_ptr_equal(rt_slab_page_alloc(m, 1), b);
    assert_string_equal(shape(m), fmt("C C L4096 L4096 P4096 L12288 P%lu", freeb - 6 * PAGE));
    rt_slab_page_free(m, b, 1);
    assert_int_equal(rt_slab_check(m), 0);
    /* too long for the hole: comes from the end */
    assert_ptr_equal(rt_slab_page_alloc(m, 3), first + 6 * PAGE);
    rt_slab_page_free(m, first + 6 * PAGE, 3);
    /* merge with the run after, then the runs on both sides */
    rt_slab_page_free(m, c, 3);
    assert_string_equal(shape(m), fmt("C C L4096 P%lu", freeb - PAGE));
    rt_slab_page_free(m, a, 1);
    assert_string_equal(shape(m), fmt("C C P%lu", freeb));
    assert_int_equal(rt_slab_check(m), 0);
    /* everything, then nothing is left */
    a = rt_slab_page_alloc(m, pages - tp);
    assert_ptr_equal(a, first);
    assert_null(rt_slab_page_alloc(m, 1));
    rt_slab_page_free(m, a, pages - tp);
    assert_int_equal(rt_slab_check(m), 0);
    rt_slab_detach(m);
    arena_put();
}

/* ---------------------------------------------------------- size classes */

static void test_size_classes(void **state)
{
    static const struct { rt_size_t ask, chunk; } table[] = {
        { 1, 8 }, { 8, 8 }, { 9, 16 }, { 120, 120 }, { 121, 128 }, { 128, 128 },
        { 129, 144 }, { 255, 256 }, { 256, 256 }, { 257, 288 }, { 511, 512 },
        { 513, 576 }, { 1000, 1024 }, { 1025, 1152 }, { 2047, 2048 }, { 2049, 2304 },
        { 4095, 4096 }, { 4097, 4608 }, { 8191, 8192 },
    };
    arena_get(1024 * 1024, 1);
    rt_slab_t m = rt_slab_init("classes", arena, arena_size);

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    {
        rt_size_t before = m->used;
        unsigned char *p = sl_alloc(m, table[i].ask);
        unsigned char *q = sl_alloc(m, table[i].ask);
        assert_non_null(p);
        assert_int_equal(m->used - before, 2 * table[i].chunk);
        /* consecutive chunks of the same zone */
        assert_int_equal(q - p, (long)table[i].chunk);
        assert_int_equal((uintptr_t)p % 8, 0);
        /* power-of-two chunks are aligned to their size, up to a page (a
         * zone is only page-aligned) */
        if ((table[i].chunk & (table[i].chunk - 1)) == 0)
            assert_int_equal((uintptr_t)p % (table[i].chunk < PAGE ? table[i].chunk : PAGE), 0);
        memset(p, 0x77, table[i].ask);
        memset(q, 0x77, table[i].ask);
        sl_free(m, q);
        sl_free(m, p);
        assert_int_equal(m->used, before);
    }
    rt_slab_detach(m);
    arena_put();
}

/* ---------------------------------------------------------- zone release */

static struct zone_mirror *zone_at(void *chunk)
{
    /* 32 KiB zones start on a page: the chunk's zone is the page run start.
     * Every chunk used here lies in the zone's first page. */
    return (struct zone_mirror *)((uintptr_t)chunk & ~(uintptr_t)(PAGE - 1));
}


static void test_zone_release(void **state)
{
    arena_get(1024 * 1024, 1);
    rt_slab_t m = rt_slab_init("zones", arena, arena_size);
    rt_size_t pages = heap_pages(arena_size), tp = table_pages(pages);
    unsigned long freeb = (unsigned long)((pages - tp) * PAGE);

    /* 64-byte chunks: a 32 KiB zone holds (32768 - 64) / 64 = 511 */
    enum { PER_ZONE = 511, ZONES = 4 };
    static void *p[ZONES][PER_ZONE];
    for (int z = 0; z < ZONES; z++)
        for (int i = 0; i < PER_ZONE; i++)
            p[z][i] = rt_slab_alloc(m, 64);
    assert_int_equal(rt_slab_check(m), 0);
    assert_int_equal(m->used, ZONES * PER_ZONE * 64);
    assert_string_equal(shape(m), fmt("C C Z+ Z+ Z+ Z+ P%lu", freeb - 4 * 32768));
    /* every zone starts at a page and its chunks follow the header */
    for (int z = 1; z < ZONES; z++)
        assert_ptr_equal((unsigned char *)p[z][0], (unsigned char *)p[z - 1][0] + 32768);

    /* zone 0 empties first but is its class's only listed zone: it stays */
    for (int i = 0; i < PER_ZONE; i++)
        rt_slab_free(m, p[0][i]);
    assert_int_equal(rt_slab_check(m), 0);
    assert_string_equal(shape(m), fmt("C C Z+ Z+ Z+ Z+ P%lu", freeb - 4 * 32768));
    /* zones 1 and 2 empty while zone 0 is listed: both cached (zone_free) */
    for (int z = 1; z <= 2; z++)
        for (int i = 0; i < PER_ZONE; i++)
            rt_slab_free(m, p[z][i]);
    assert_int_equal(rt_slab_check(m), 0);
    assert_string_equal(shape(m), fmt("C C Z+ Z- Z- Z+ P%lu", freeb - 4 * 32768));
    /* zone 3: a third cached zone passes the threshold (2): released */
    for (int i = 0; i < PER_ZONE; i++)
        rt_slab_free(m, p[3][i]);
    assert_int_equal(rt_slab_check(m), 0);
    assert_string_equal(shape(m), fmt("C C Z+ Z- Z- P%lu", freeb - 3 * 32768));
    assert_int_equal(m->used, 0);

    /* another class reuses the most recently cached zone (zone 2) */
    void *q = sl_alloc(m, 200);
    assert_ptr_equal(zone_at(q), zone_at(p[2][0]));
    assert_string_equal(shape(m), fmt("C C Z+ Z- Z+ P%lu", freeb - 3 * 32768));
    sl_free(m, q);
    rt_slab_detach(m);
    arena_put();
}

/* ---------------------------------------------------------------- realloc */

static void test_realloc_paths(void **state)
{
    arena_get(1024 * 1024, 1);
    rt_slab_t m = rt_slab_init("re", arena, arena_size);

    assert_null(sl_realloc(m, NULL, 0));
    unsigned char *p = sl_realloc(m, NULL, 20);     /* NULL: alloc (24-byte class) */
    assert_non_null(p);
    memset(p, 0x41, 20);
    assert_ptr_equal(sl_realloc(m, p, 24), p);      /* same class: same chunk */
    assert_ptr_equal(sl_realloc(m, p, 17), p);
    unsigned char *q = sl_realloc(m, p, 100);       /* other class: moves */
    assert_ptr_not_equal(q, p);
    for (int i = 0; i < 20; i++)
        assert_int_equal(q[i], 0x41);
    memset(q, 0x42, 100);
    unsigned char *l = sl_realloc(m, q, 20000);     /* to the large path */
    assert_int_equal((uintptr_t)l % PAGE, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(l[i], 0x42);
    assert_int_equal(m->used, 5 * PAGE);
    memset(l, 0x43, 20000);
    unsigned char *l2 = sl_realloc(m, l, 9000);     /* large always moves */
    assert_ptr_not_equal(l2, l);
    for (int i = 0; i < 9000; i++)
        assert_int_equal(l2[i], 0x43);
    unsigned char *s = sl_realloc(m, l2, 40);       /* back to a chunk */
    for (int i = 0; i < 40; i++)
        assert_int_equal(s[i], 0x43);
    /* a small chunk to 16 KiB and beyond: moves to pages, prints nothing */
    unsigned char *big = sl_realloc(m, s, 16384 + 1);
    assert_non_null(big);
    assert_null(sl_realloc(m, big, 0));             /* 0 frees */
    assert_int_equal(m->used, 0);
    /* too large for the heap: NULL, block kept */
    p = sl_alloc(m, 64);
    assert_null(sl_realloc(m, p, 2 * 1024 * 1024));
    sl_free(m, p);
    rt_slab_detach(m);
    arena_put();
}

/* -------------------------------------------------------- invariants broken */

static void test_corruption(void **state)
{
    arena_get(1024 * 1024, 1);
    for (int inv = 1; inv <= 8; inv++)
    {
        rt_slab_t m = rt_slab_init("bad", arena, arena_size);
        void *a = rt_slab_alloc(m, 32);
        void *b = rt_slab_alloc(m, 32);
        void *large = rt_slab_alloc(m, 3 * PAGE);
        rt_slab_free(m, a);
        assert_int_equal(rt_slab_check(m), 0);
        struct blocks s;
        collect(m, &s);
        const struct rt_mem_block *run = &s.b[s.n - 1];     /* the free run */
        assert_false(run->used);
        struct zone_mirror *z = zone_at(b);
        rt_uint32_t *usage = (rt_uint32_t *)m->address;

        switch (inv)
        {
        case 1: m->total += PAGE; break;
        case 2: ((rt_size_t *)run->start)[1] = 0; break;        /* page count 0 */
        case 3: usage[((uintptr_t)run->start - m->address) / PAGE + 1] = 1; break;
        case 4: z->magic = 0x12345678; break;
        case 5: z->nfree++; break;
        case 6:
        {
            /* a listed zone made to look full (consistent counts): I6 */
            z->nfree = 0;
            z->uindex = z->nmax - 1;
            z->freechunk = NULL;
            break;
        }
        case 7: z->magic = 0xFFFFFFFF; break;
        case 8: m->used += 8; break;
        }
        int got = rt_slab_check(m);
        if (got != inv)
            fail_msg("corruption of I%d reported as %d", inv, got);
        (void)shape(m);     /* the walker survives */
        (void)large;
        rt_slab_detach(m);
    }
    arena_put();
}

/* ---------------------------------------------------------------- misuse */

static void body_bad_free(void *arg)
{
    static _Alignas(4096) unsigned char mem[256 * 1024];
    rt_slab_t m = rt_slab_init("misuse", mem, sizeof mem);
    void *raw = rt_slab_page_alloc(m, 2);
    tu_console_reset();
    rt_slab_free(m, raw);       /* not from rt_slab_alloc: asserts */
    tu_fail(__FILE__, __LINE__, "bad free returned");
}

static void test_bad_free(void **state)
{
    assert_int_equal(tu_run(NULL, body_bad_free, NULL), RT_SIM_EASSERT);
    assert_non_null(strstr(tu_console(), "no live slab zone holds this address"));
}

/* ---------------------------------------------------------------- stress */

struct slot { unsigned char *p; rt_size_t n; unsigned char tag; };

static void test_stress(void **state)
{
    uint64_t seed = tu_seed(42), rng = seed;
    enum { SLOTS = 300, OPS = 12000 };
    static struct slot s[SLOTS];
    long long_runs = 0;
    memset(s, 0, sizeof s);
    arena_get(1024 * 1024, 1);
    rt_slab_t m = rt_slab_init("stress", arena, arena_size);

    for (int op = 0; op < OPS; op++)
    {
        struct slot *x = &s[tu_rand(&rng) % SLOTS];
        unsigned r = (unsigned)(tu_rand(&rng) % 100);
        rt_size_t n = r < 90 ? 1 + tu_rand(&rng) % 512 : 1 + tu_rand(&rng) % 24000;
        for (rt_size_t i = 0; x->p && i < x->n; i++)
            if (x->p[i] != x->tag)
                fail_msg("contents changed: seed %llu op %d", (unsigned long long)seed, op);
        if (tu_rand(&rng) % 2 == 0)
        {
            sl_free(m, x->p);
            x->p = sl_alloc(m, n);
            x->n = x->p ? n : 0;
        }
        else
        {
            unsigned char *q = sl_realloc(m, x->p, n);
            if (q)
            {
                rt_size_t keep = n < x->n ? n : x->n;
                for (rt_size_t i = 0; i < keep; i++)
                    if (q[i] != x->tag)
                        fail_msg("realloc lost data: seed %llu op %d", (unsigned long long)seed, op);
                x->p = q;
                x->n = n;
            }
        }
        x->tag = (unsigned char)tu_rand(&rng);
        if (x->p)
            memset(x->p, x->tag, x->n);
        long_runs += frames_agree(m);
    }
    /* free runs longer than a page were there most of the time (7,874
     * runs summed over the 12,000 steps at the default seed): the run's
     * head gave their length, and it agreed with the scan */
    assert_true(long_runs > OPS / 2);
    for (int i = 0; i < SLOTS; i++)
        sl_free(m, s[i].p);
    assert_int_equal(m->used, 0);
    rt_slab_detach(m);
    arena_put();
}

/* ------------------------------------------------------ the system heap */

static void body_system_slab(void *arg)
{
    TU_EXPECT_STR(rt_system_heap_algorithm(), "slab");
    void *p = rt_malloc(100);
    void *l = rt_malloc(100000);
    TU_EXPECT(p != NULL && l != NULL);
    TU_EXPECT(rt_malloc(0) == NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    void *pg = rt_page_alloc(2);
    TU_EXPECT(pg != NULL && (uintptr_t)pg % PAGE == 0);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_page_free(pg, 2);
    rt_free(p);
    rt_free(l);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_system_slab(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.heap = "slab";
    assert_int_equal(tu_run(&cfg, body_system_slab, NULL), RT_SIM_OK);
}

/* The 120 KiB heap of stm32f407 (29 pages after the control block) holds
 * the usage table (1 page) and, after boot, the zones of the main thread's
 * control block and stack (8 pages each).  `malloc 4096` opens a third
 * zone, leaving 4 free pages; a 3000-byte request (class 3072, below the
 * 8 KiB zone limit) needs a fresh 32 KiB zone and fails, exactly as in
 * RT-Thread 4.1.x src/slab.c rt_slab_alloc (rt_slab_page_alloc of
 * zone_size / RT_MM_PAGE_SIZE pages returns RT_NULL), while a larger
 * 8192-byte request takes 2 whole pages and succeeds. */
static void body_no_room_for_zone(void *arg)
{
    rt_size_t total, used, max;
    void *a = rt_malloc(4096);
    TU_EXPECT(a != NULL && (uintptr_t)a % PAGE == 0);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_memory_info(&total, &used, &max);
    TU_EXPECT_INT((long)total, 118784);
    TU_EXPECT(rt_malloc(3000) == NULL);             /* no 8 free pages in a row */
    TU_EXPECT(rt_malloc(2049) == NULL);             /* class 2176: no zone either */
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    void *c = rt_malloc(2000);                      /* class 2048: the boot stack's zone */
    TU_EXPECT(c != NULL);
    void *l = rt_malloc(8192);                      /* large: 2 of the 4 free pages */
    TU_EXPECT(l != NULL && (uintptr_t)l % PAGE == 0);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_free(l);
    rt_free(a);         /* the class's only zone stays on its list, not cached */
    TU_EXPECT(rt_malloc(3000) == NULL);
    rt_free(c);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_no_room_for_zone(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "stm32f407";
    cfg.heap = "slab";
    assert_int_equal(tu_run(&cfg, body_no_room_for_zone, NULL), RT_SIM_OK);
}


/* ------------------------------------------ RT-Thread's slab_tc, in kind */

/* What RT-Thread 4.1's examples/utest/testcases/kernel/slab_tc.c does: a
 * 1 MiB slab over rt_malloc'ed memory filled with 0xAA; (a) 60 % allocs
 * of (2..6) records, 40 % frees of the newest, freeing half of everything
 * when an alloc fails; (b) a table of one slot per 1 MiB / record, random
 * reallocs of 0..4 records, contents checked on every move.  RT-Thread
 * runs each for 10 s of ticks; here a fixed number of rounds. */
struct tc_ctx { rt_list_t node; rt_size_t size; rt_uint8_t magic; };

static int tc_intact(const struct tc_ctx *c, rt_size_t upto)
{
    const unsigned char *b = (const unsigned char *)&c[1];
    for (rt_size_t i = 0; upto > sizeof *c && i < upto - sizeof *c; i++)
        if (b[i] != c->magic)
            return 0;
    return 1;
}

static void body_slab_tc(void *arg)
{
    enum { SIZE = 1024 * 1024, ROUNDS = 120000 };
    uint64_t rng = 1014;
    rt_list_t head;
    rt_size_t count = 0;

    unsigned char *buf = rt_malloc(SIZE);
    TU_EXPECT(buf != NULL);
    if (buf == NULL)
        return;
    TU_EXPECT_INT((uintptr_t)buf % RT_ALIGN_SIZE, 0);
    memset(buf, 0xAA, SIZE);
    rt_slab_t heap = rt_slab_init("slab_tc", buf, SIZE);
    TU_EXPECT(heap != NULL);

    /* (a) alloc / free */
    rt_list_init(&head);
    int refusals = 0;
    for (int round = 0; round < ROUNDS && tu_failures() == 0; round++)
    {
        if (tu_rand(&rng) % 10 >= 4)
        {
            rt_size_t size = (tu_rand(&rng) % 5 + 2) * sizeof(struct tc_ctx);
            struct tc_ctx *c = rt_slab_alloc(heap, size);
            if (c == NULL)
            {
                refusals++;
                rt_size_t target = count / 2;
                while (count != target)
                {
                    c = rt_list_first_entry(&head, struct tc_ctx, node);
                    rt_list_remove(&c->node);
                    TU_EXPECT(tc_intact(c, c->size));
                    memset(c, 0xAA, c->size);
                    rt_slab_free(heap, c);
                    count--;
                }
                TU_EXPECT_INT(rt_slab_check(heap), 0);
                continue;
            }
            memset(c, 0, size);
            rt_list_init(&c->node);
            c->size = size;
            c->magic = (rt_uint8_t)tu_rand(&rng);
            memset(&c[1], c->magic, size - sizeof *c);
            rt_list_insert_after(&head, &c->node);
            count++;
        }
        else if (!rt_list_isempty(&head))
        {
            struct tc_ctx *c = rt_list_first_entry(&head, struct tc_ctx, node);
            rt_list_remove(&c->node);
            TU_EXPECT(tc_intact(c, c->size));
            memset(c, 0xAA, c->size);
            rt_slab_free(heap, c);
            count--;
        }
    }
    TU_EXPECT(refusals > 0);        /* the heap did fill up */
    while (!rt_list_isempty(&head))
    {
        struct tc_ctx *c = rt_list_first_entry(&head, struct tc_ctx, node);
        rt_list_remove(&c->node);
        TU_EXPECT(tc_intact(c, c->size));
        rt_slab_free(heap, c);
        count--;
    }
    TU_EXPECT_INT(count, 0);
    TU_EXPECT_INT(heap->used, 0);
    TU_EXPECT_INT(rt_slab_check(heap), 0);
    rt_slab_detach(heap);

    /* (b) realloc */
    struct rc { rt_size_t size; rt_uint8_t magic; };
    memset(buf, 0xAA, SIZE);
    heap = rt_slab_init("slab_tc", buf, SIZE);
    rt_size_t slots = SIZE / (RT_ALIGN(sizeof(struct rc), RT_ALIGN_SIZE) + RT_ALIGN_SIZE);
    struct rc **tab = rt_slab_alloc(heap, slots * sizeof *tab);
    TU_EXPECT(tab != NULL);
    memset(tab, 0, slots * sizeof *tab);
    for (int round = 0; round < ROUNDS && tu_failures() == 0; round++)
    {
        rt_size_t size = (tu_rand(&rng) % 5) * sizeof(struct rc);
        rt_size_t idx = tu_rand(&rng) % slots;
        struct rc *c = rt_slab_realloc(heap, tab[idx], size);
        if (c == NULL)
        {
            if (size == 0)
                tab[idx] = NULL;
            else
                for (rt_size_t i = 0; i < slots; i++)
                    if (tab[i] && tu_rand(&rng) % 2)
                    {
                        rt_slab_realloc(heap, tab[i], 0);
                        tab[i] = NULL;
                    }
            continue;
        }
        if (tab[idx] != NULL)
        {
            rt_size_t keep = c->size < size ? c->size : size;
            const unsigned char *b = (const unsigned char *)&c[1];
            for (rt_size_t i = 0; keep > sizeof *c && i < keep - sizeof *c; i++)
                if (b[i] != c->magic)
                {
                    tu_fail(__FILE__, __LINE__, "slab_tc realloc lost data");
                    break;
                }
        }
        c->magic = (rt_uint8_t)tu_rand(&rng);
        c->size = size;
        if (size > sizeof *c)
            memset(&c[1], c->magic, size - sizeof *c);
        tab[idx] = c;
    }
    for (rt_size_t i = 0; i < slots; i++)
        if (tab[i])
            rt_slab_realloc(heap, tab[i], 0);
    rt_slab_free(heap, tab);
    TU_EXPECT_INT(heap->used, 0);
    TU_EXPECT_INT(rt_slab_check(heap), 0);
    rt_slab_detach(heap);
    rt_free(buf);
}

static void test_rtthread_slab_tc(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    assert_int_equal(tu_run(&cfg, body_slab_tc, NULL), RT_SIM_OK);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_geometry, setup),
        cmocka_unit_test_setup(test_zone_sizing, setup),
        cmocka_unit_test(test_tiny_heap),
        cmocka_unit_test_setup(test_page_allocator, setup),
        cmocka_unit_test_setup(test_size_classes, setup),
        cmocka_unit_test_setup(test_zone_release, setup),
        cmocka_unit_test_setup(test_realloc_paths, setup),
        cmocka_unit_test_setup(test_corruption, setup),
        cmocka_unit_test(test_bad_free),
        cmocka_unit_test_setup(test_stress, setup),
        cmocka_unit_test(test_system_slab),
        cmocka_unit_test(test_no_room_for_zone),
        cmocka_unit_test(test_rtthread_slab_tc),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
