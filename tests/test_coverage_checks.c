/*
 * test_coverage_checks.c - one corruption per condition of the heap
 * checkers (each case breaks exactly one field and asserts the number of
 * the invariant *_check() names), the walkers stopped early, and the
 * error returns of the managers' entry points.  Written to lift branch
 * coverage of kernel/ (docs/robustness.md "Coverage"); the per-manager
 * suites own the behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../kernel/src/heap.h"

#define PAGE 4096

static int setup(void **state)
{
    rt_system_object_init();
    return 0;
}

/* Stops the walk after `limit` blocks; counts the calls. */
struct stopper { int calls, limit; };
static int stop_cb(const struct rt_mem_block *b, void *ctx)
{
    struct stopper *s = ctx;
    return ++s->calls >= s->limit;
}

/* ================================================================ slab */

/* Mirrors of slab.c's private structures (layout as in kernel/src/slab.c). */
struct slab_zone_m
{
    rt_uint32_t magic, nfree, nmax;
    struct slab_zone_m *next;
    rt_uint8_t *baseptr;
    rt_uint32_t uindex, chunksize, zoneindex;
    void **freechunk;
};
struct slab_page_m { struct slab_page_m *next; rt_size_t page; };
struct slab_m
{
    struct rt_memory parent;
    rt_ubase_t heap_start, heap_end;
    rt_uint32_t *memusage;
    struct slab_zone_m *zone_array[72];
    struct slab_zone_m *zone_free;
    rt_uint32_t zone_free_cnt, zone_size, zone_limit, zone_page_cnt;
    struct slab_page_m *page_list;
};
/* usage entry: type in bits 0-1, size (pages or zone offset) above */
#define USAGE(type, size) ((rt_uint32_t)(type) | ((rt_uint32_t)(size) << 2))

struct slab_fix
{
    unsigned char *arena;
    rt_slab_t m;
    struct slab_m *s;
    struct slab_zone_m *z;      /* live zone: chunk a freed, chunk b used */
    void *a, *b, *large;
    size_t zpage, lpage, npages;    /* page indexes of the zone and the large block */
};

static void slab_fix_get(struct slab_fix *f)
{
    f->arena = aligned_alloc(PAGE, 1024 * 1024);
    assert_non_null(f->arena);
    memset(f->arena, 0, 1024 * 1024);
    f->m = rt_slab_init("cov", f->arena, 1024 * 1024);
    assert_non_null(f->m);
    f->s = (struct slab_m *)f->m;
    f->a = rt_slab_alloc(f->m, 32);
    f->b = rt_slab_alloc(f->m, 32);
    f->large = rt_slab_alloc(f->m, 3 * PAGE);
    assert_non_null(f->a);
    assert_non_null(f->b);
    assert_non_null(f->large);
    rt_slab_free(f->m, f->a);
    f->z = (struct slab_zone_m *)((uintptr_t)f->b & ~(uintptr_t)(PAGE - 1));
    f->zpage = ((uintptr_t)f->z - f->s->heap_start) / PAGE;
    f->lpage = ((uintptr_t)f->large - f->s->heap_start) / PAGE;
    f->npages = (f->s->heap_end - f->s->heap_start) / PAGE;
    assert_int_equal(f->z->magic, 0x51AB51ABu);
    assert_int_equal(f->z->chunksize, 32);
    assert_ptr_equal(f->z->freechunk, f->a);
    assert_non_null(f->s->page_list);
    assert_int_equal(rt_slab_check(f->m), 0);
}

static void slab_fix_put(struct slab_fix *f)
{
    rt_slab_detach(f->m);
    free(f->arena);
}

enum slab_case
{
    SC_TYPE, SC_ALGO_NULL, SC_ALGO_OTHER, SC_START_MISALIGNED, SC_END_MISALIGNED,
    SC_START_AFTER_END, SC_ZONE_SIZE, SC_ZONE_LIMIT, SC_ZONE_PAGES, SC_MEMUSAGE,
    SC_RUN_OUTSIDE, SC_RUN_TOO_LONG, SC_RUN_LOOP,
    SC_RUN_PAGE_SIZE, SC_TABLE_USED, SC_LARGE_ZERO, SC_LARGE_PAST_END, SC_LARGE_TAIL,
    SC_ZONE_OFFSET, SC_ZONE_TAIL, SC_RUN_SHORT, SC_BAD_TYPE_TAIL,
    SC_ZINDEX_RANGE, SC_CHUNK_ZERO, SC_CHUNK_LIMIT, SC_CHUNK_CLASS, SC_CHUNK_ODD,
    SC_BASEPTR, SC_NMAX, SC_NFREE_OVER, SC_UINDEX_OVER,
    SC_FREE_BELOW, SC_FREE_OFFGRID, SC_FREE_PAST_UINDEX, SC_FREE_LOOP,
    SC_UNLISTED, SC_OTHER_CLASS_LIST, SC_ZONE_FREE_OUTSIDE, SC_ZONE_FREE_CNT,
    SC_MAX_BELOW_USED, SC_MAX_OVER_TOTAL, SC_COUNT
};

static const int slab_expect[SC_COUNT] = {
    [SC_TYPE] = 1, [SC_ALGO_NULL] = 1, [SC_ALGO_OTHER] = 1, [SC_START_MISALIGNED] = 1,
    [SC_END_MISALIGNED] = 1, [SC_START_AFTER_END] = 1, [SC_ZONE_SIZE] = 1,
    [SC_ZONE_LIMIT] = 1, [SC_ZONE_PAGES] = 1, [SC_MEMUSAGE] = 1,
    [SC_RUN_OUTSIDE] = 2, [SC_RUN_TOO_LONG] = 2, [SC_RUN_LOOP] = 2,
    [SC_RUN_PAGE_SIZE] = 3, [SC_TABLE_USED] = 3, [SC_LARGE_ZERO] = 3, [SC_LARGE_PAST_END] = 3,
    [SC_LARGE_TAIL] = 3, [SC_ZONE_OFFSET] = 3, [SC_ZONE_TAIL] = 3, [SC_RUN_SHORT] = 3,
    [SC_BAD_TYPE_TAIL] = 3,
    [SC_ZINDEX_RANGE] = 4, [SC_CHUNK_ZERO] = 4, [SC_CHUNK_LIMIT] = 4, [SC_CHUNK_CLASS] = 4,
    [SC_CHUNK_ODD] = 4, [SC_BASEPTR] = 4, [SC_NMAX] = 4, [SC_NFREE_OVER] = 4,
    [SC_UINDEX_OVER] = 4,
    [SC_FREE_BELOW] = 5, [SC_FREE_OFFGRID] = 5, [SC_FREE_PAST_UINDEX] = 5, [SC_FREE_LOOP] = 5,
    [SC_UNLISTED] = 6, [SC_OTHER_CLASS_LIST] = 6,
    [SC_ZONE_FREE_OUTSIDE] = 7, [SC_ZONE_FREE_CNT] = 7,
    [SC_MAX_BELOW_USED] = 8, [SC_MAX_OVER_TOTAL] = 8,
};

static void test_slab_check_conditions(void **state)
{
    for (int c = 0; c < SC_COUNT; c++)
    {
        struct slab_fix f;
        slab_fix_get(&f);
        struct slab_m *s = f.s;
        struct slab_zone_m *z = f.z;
        struct slab_m saved = *s;
        struct slab_zone_m zsaved = *z;
        struct slab_page_m *run = s->page_list;
        struct slab_page_m runsaved = *run;
        rt_uint32_t usaved[1024 * 1024 / PAGE];
        memcpy(usaved, s->memusage, sizeof usaved);
        void *asaved = *(void **)f.a;

        switch (c)
        {
        case SC_TYPE: s->parent.parent.type = RT_Object_Class_Memory; break;
        case SC_ALGO_NULL: s->parent.algorithm = NULL; break;
        case SC_ALGO_OTHER: s->parent.algorithm = "tlsf"; break;
        case SC_START_MISALIGNED: s->heap_start += 8; break;
        case SC_END_MISALIGNED: s->heap_end -= 8; break;
        case SC_START_AFTER_END: s->heap_end = s->heap_start; break;
        case SC_ZONE_SIZE: s->zone_size *= 2; break;
        case SC_ZONE_LIMIT: s->zone_limit /= 2; break;
        case SC_ZONE_PAGES: s->zone_page_cnt++; break;
        case SC_MEMUSAGE: s->memusage += 1; break;
        case SC_RUN_OUTSIDE: s->page_list = (struct slab_page_m *)((uintptr_t)run + 8); break;
        case SC_RUN_TOO_LONG: run->page = f.npages; break;
        case SC_RUN_LOOP: run->next = run; break;
        case SC_RUN_PAGE_SIZE:
            s->memusage[((uintptr_t)run - s->heap_start) / PAGE] = USAGE(0, 1); break;
        case SC_TABLE_USED: s->memusage[0] = USAGE(1, 0); break;
        case SC_LARGE_ZERO: s->memusage[f.lpage] = USAGE(2, 0); break;
        case SC_LARGE_PAST_END: s->memusage[f.lpage] = USAGE(2, f.npages); break;
        case SC_LARGE_TAIL: s->memusage[f.lpage + 1] = USAGE(1, 1); break;
        case SC_ZONE_OFFSET: s->memusage[f.zpage] = USAGE(1, 1); break;
        case SC_ZONE_TAIL: s->memusage[f.zpage + 1] = USAGE(1, 2); break;
        case SC_RUN_SHORT: run->page--; break;
        case SC_BAD_TYPE_TAIL: s->memusage[f.zpage + 1] = USAGE(2, 1); break;
        case SC_ZINDEX_RANGE: z->zoneindex = 72; break;
        case SC_CHUNK_ZERO: z->chunksize = 0; break;
        case SC_CHUNK_LIMIT: z->chunksize = s->zone_limit + 1024; break;
        case SC_CHUNK_CLASS: z->chunksize = 40; break;
        case SC_CHUNK_ODD: z->chunksize = 33; break;
        case SC_BASEPTR: z->baseptr += 32; break;
        case SC_NMAX: z->nmax--; break;
        case SC_NFREE_OVER: z->nfree = z->nmax + 1; break;
        case SC_UINDEX_OVER: z->uindex = z->nmax; break;
        case SC_FREE_BELOW: z->freechunk = (void **)(z->baseptr - 32); break;
        case SC_FREE_OFFGRID: z->freechunk = (void **)((rt_uint8_t *)f.a + 8); break;
        case SC_FREE_PAST_UINDEX: z->freechunk = (void **)(z->baseptr + 32 * (z->uindex + 1)); break;
        case SC_FREE_LOOP: *(void **)f.a = f.a; break;
        case SC_UNLISTED: s->zone_array[z->zoneindex] = NULL; break;
        case SC_OTHER_CLASS_LIST: s->zone_array[z->zoneindex + 1] = z; break;
        case SC_ZONE_FREE_OUTSIDE: s->zone_free = (struct slab_zone_m *)(uintptr_t)8; break;
        case SC_ZONE_FREE_CNT: s->zone_free_cnt++; break;
        case SC_MAX_BELOW_USED: s->parent.max = s->parent.used - 1; break;
        case SC_MAX_OVER_TOTAL: s->parent.max = s->parent.total + 1; break;
        }
        int got = rt_slab_check(f.m);
        if (got != slab_expect[c])
            fail_msg("slab case %d: check() returned %d, expected %d", c, got, slab_expect[c]);

        /* the walker survives every corruption but the misplaced range */
        if (c != SC_START_MISALIGNED && c != SC_END_MISALIGNED && c != SC_START_AFTER_END
            && c != SC_MEMUSAGE && c != SC_ZONE_PAGES)
        {
            struct stopper st = { 0, 1 << 30 };
            rt_slab_walk(f.m, stop_cb, &st);
            assert_true(st.calls >= 2);
        }

        /* undo, and the heap is whole again */
        *(void **)f.a = asaved;
        *run = runsaved;
        memcpy(s->memusage = saved.memusage, usaved, sizeof usaved);
        *z = zsaved;
        *s = saved;
        assert_int_equal(rt_slab_check(f.m), 0);
        slab_fix_put(&f);
    }
}

/* The walker stops as soon as its callback says so, at every kind of block. */
static void test_slab_walk_stops(void **state)
{
    struct slab_fix f;
    slab_fix_get(&f);
    struct stopper all = { 0, 1 << 30 };
    rt_slab_walk(f.m, stop_cb, &all);
    /* control, table, zone, nmax chunks, large, free run */
    assert_int_equal(all.calls, 2 + 1 + (int)f.z->nmax + 1 + 1);
    for (int limit = 1; limit <= all.calls; limit++)
    {
        struct stopper st = { 0, limit };
        rt_slab_walk(f.m, stop_cb, &st);
        assert_int_equal(st.calls, limit);
    }
    /* no callback, no heap: nothing happens */
    rt_slab_walk(f.m, NULL, NULL);
    struct stopper none = { 0, 1 };
    rt_slab_walk(NULL, stop_cb, &none);
    assert_int_equal(none.calls, 0);
    assert_int_equal(rt_slab_check(NULL), 1);
    slab_fix_put(&f);
}


/* ============================================== small mem (both flavours) */

#include "heaptest.h"

/* Both control blocks: struct rt_memory, then these (mem.c, mem_classic.c). */
struct smem_m
{
    struct rt_memory parent;
    rt_uint8_t *heap_ptr;
    void *heap_end;
    void *lfree;
    rt_size_t mem_size_aligned;
};
#define SA RT_ALIGN_SIZE

static _Alignas(64) unsigned char smem_arena[4096];

/* A header: word 0 owner|used (4.1) or magic/used (classic), then next, prev. */
static rt_size_t *hdr(const struct ht_ops *o, rt_smem_t m, int n)
{
    return (rt_size_t *)(void *)ht_block(o, m, n);
}
static void set_used(const struct ht_ops *o, rt_size_t *h, int used)
{
    if (o == &ht_smem)
        h[0] = (h[0] & ~(rt_size_t)1) | (rt_size_t)used;
    else
        ((rt_uint16_t *)h)[1] = (rt_uint16_t)used;
}

enum smem_case
{
    MC_TYPE, MC_ALGO_NULL, MC_ALGO_OTHER, MC_HEAP_PTR, MC_ADDRESS, MC_SIZE_ODD,
    MC_HEAP_END, MC_SENT_FREE, MC_SENT_OWNER, MC_SENT_PREV, MC_USED_FLAG,
    MC_NEXT_SELF, MC_NEXT_SHORT, MC_FIRST_PREV, MC_LFREE_LATE, MC_LFREE_NONE,
    MC_MAX_BELOW_USED, MC_COUNT
};

static void smem_conditions(const struct ht_ops *o)
{
    for (int c = 0; c < MC_COUNT; c++)
    {
        memset(smem_arena, 0xA5, sizeof smem_arena);
        rt_smem_t m = o->init("cov", smem_arena, sizeof smem_arena);
        assert_non_null(m);
        struct smem_m *sm = (struct smem_m *)m;
        void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 32), *cc = ht_alloc(o, m, 32);
        ht_free(o, m, a);                       /* f u u f */
        assert_ptr_equal(sm->lfree, ht_block(o, m, 0));
        struct smem_m saved = *sm;
        rt_size_t *h0 = hdr(o, m, 0), *h1 = hdr(o, m, 1), *h3 = hdr(o, m, 3);
        rt_size_t *hs = (rt_size_t *)(void *)ht_sentinel(o, m);
        rt_size_t s0[3], s1[3], s3[3], ss[3];
        memcpy(s0, h0, sizeof s0); memcpy(s1, h1, sizeof s1);
        memcpy(s3, h3, sizeof s3); memcpy(ss, hs, sizeof ss);
        int expect = 0;

        switch (c)
        {
        case MC_TYPE: sm->parent.parent.type = RT_Object_Class_Memory; expect = 1; break;
        case MC_ALGO_NULL: sm->parent.algorithm = NULL; expect = 1; break;
        case MC_ALGO_OTHER: sm->parent.algorithm = "slab"; expect = 1; break;
        case MC_HEAP_PTR: sm->heap_ptr += SA; expect = 1; break;
        case MC_ADDRESS: sm->parent.address += SA; expect = 1; break;
        case MC_SIZE_ODD: sm->mem_size_aligned += 1; sm->parent.total += 1; expect = 1; break;
        case MC_HEAP_END: sm->heap_end = (rt_uint8_t *)sm->heap_end - SA; expect = 1; break;
        case MC_SENT_FREE: set_used(o, hs, 0); expect = 2; break;
        case MC_SENT_OWNER:
            if (o == &ht_smem) hs[0] ^= 0x100; else ((rt_uint16_t *)hs)[0] ^= 1;
            expect = 2; break;
        case MC_SENT_PREV:
            /* only the classic sentinel's prev is checked (4.1's is scratch) */
            hs[2] += SA; expect = o == &ht_smem ? 0 : 2; break;
        case MC_USED_FLAG:
            /* classic: a used flag of 2; 4.1: a flag bit beyond bit 0 */
            if (o == &ht_smem) h1[0] |= 2; else ((rt_uint16_t *)h1)[1] = 2;
            expect = 3; break;
        case MC_NEXT_SELF: h1[1] = (rt_size_t)((rt_uint8_t *)h1 - sm->heap_ptr); expect = 4; break;
        case MC_NEXT_SHORT: h1[1] = (rt_size_t)((rt_uint8_t *)h1 - sm->heap_ptr) + SA; expect = 4; break;
        case MC_FIRST_PREV: h0[2] = SA; expect = 5; break;
        case MC_LFREE_LATE: sm->lfree = h3; expect = 7; break;
        case MC_LFREE_NONE: set_used(o, h0, 1); set_used(o, h3, 1); expect = 7; break;
        case MC_MAX_BELOW_USED: sm->parent.max = sm->parent.used - 1; expect = 8; break;
        }
        int got = o->check(m);
        if (got != expect)
            fail_msg("%s case %d: check() returned %d, expected %d", o->name, c, got, expect);

        /* the walker stops at the first broken link instead of looping */
        struct stopper st = { 0, 1 << 30 };
        o->walk(m, stop_cb, &st);
        assert_true(st.calls <= 6);

        memcpy(h0, s0, sizeof s0); memcpy(h1, s1, sizeof s1);
        memcpy(h3, s3, sizeof s3); memcpy(hs, ss, sizeof ss);
        *sm = saved;
        assert_int_equal(o->check(m), 0);
        ht_free(o, m, b);
        ht_free(o, m, cc);
        assert_int_equal(m->used, 0);
        assert_int_equal(o->detach(m), RT_EOK);
    }
}

static void smem_walk_stops(const struct ht_ops *o)
{
    rt_smem_t m = o->init("cov", smem_arena, sizeof smem_arena);
    void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 64);
    struct stopper all = { 0, 1 << 30 };
    o->walk(m, stop_cb, &all);
    assert_int_equal(all.calls, 5);     /* control, a, b, the free rest, sentinel */
    for (int limit = 1; limit <= 5; limit++)
    {
        struct stopper st = { 0, limit };
        o->walk(m, stop_cb, &st);
        assert_int_equal(st.calls, limit);
    }
    o->walk(m, NULL, NULL);
    struct stopper none = { 0, 1 };
    o->walk(NULL, stop_cb, &none);
    assert_int_equal(none.calls, 0);
    assert_int_equal(o->check(NULL), 1);
    ht_free(o, m, a);
    ht_free(o, m, b);
    assert_int_equal(o->detach(m), RT_EOK);
}

static void test_smem_check_conditions(void **state) { smem_conditions(&ht_smem); }
static void test_classic_check_conditions(void **state) { smem_conditions(&ht_classic); }
static void test_smem_walk_stops(void **state) { smem_walk_stops(&ht_smem); }
static void test_classic_walk_stops(void **state) { smem_walk_stops(&ht_classic); }

/* ============================================================== memheap */

#define MH_HDR RT_ALIGN(sizeof(struct rt_memheap_item), RT_ALIGN_SIZE)
static _Alignas(64) unsigned char mh_arena[2048];
static unsigned char mh_saved_arena[sizeof mh_arena];
static struct rt_memheap_item mh_outside;      /* a header outside the pool */

static struct rt_memheap_item *mh_item(void *p)
{
    return (struct rt_memheap_item *)(void *)((rt_uint8_t *)p - MH_HDR);
}

enum mh_case
{
    HC_TYPE, HC_START_ODD, HC_SIZE_ODD, HC_SIZE_TINY, HC_BLOCK_LIST, HC_FREE_LIST,
    HC_NEXT_OFFGRID, HC_POOL_PTR, HC_PREV, HC_NEXT_SELF, HC_NEXT_SHORT, HC_TAIL_FREE,
    HC_TAIL_NEXT, HC_USED_LINKED, HC_TAIL_LINKED, HC_LIST_OUTSIDE, HC_LIST_PREV,
    HC_LIST_USED, HC_LIST_LOOP, HC_HEAD_PREV, HC_LIST_SHORT, HC_MAX_OVER_POOL,
    HC_TAIL_NEXT_FREE, HC_FAKE_USED, HC_FAKE_OWNER, HC_FAKE_NEXT_OUT, HC_FAKE_NEXT_BACK,
    HC_COUNT
};
static const int mh_expect[HC_COUNT] = {
    [HC_TYPE] = 1, [HC_START_ODD] = 1, [HC_SIZE_ODD] = 1, [HC_SIZE_TINY] = 1,
    [HC_BLOCK_LIST] = 1, [HC_FREE_LIST] = 1,
    [HC_NEXT_OFFGRID] = 2, [HC_POOL_PTR] = 2,
    [HC_PREV] = 3, [HC_NEXT_SELF] = 3, [HC_NEXT_SHORT] = 3, [HC_TAIL_FREE] = 3, [HC_TAIL_NEXT] = 3,
    [HC_USED_LINKED] = 5, [HC_TAIL_LINKED] = 5, [HC_LIST_OUTSIDE] = 5, [HC_LIST_PREV] = 5,
    [HC_LIST_USED] = 5, [HC_LIST_LOOP] = 5, [HC_HEAD_PREV] = 5, [HC_LIST_SHORT] = 5,
    [HC_MAX_OVER_POOL] = 7,
    [HC_TAIL_NEXT_FREE] = 5, [HC_FAKE_USED] = 5, [HC_FAKE_OWNER] = 5, [HC_FAKE_NEXT_OUT] = 5,
    [HC_FAKE_NEXT_BACK] = 5,
};

static void body_memheap_conditions(void *arg)
{
    for (int c = 0; c < HC_COUNT; c++)
    {
        struct rt_memheap h;
        TU_EXPECT_INT(rt_memheap_init(&h, "cov", mh_arena, sizeof mh_arena), RT_EOK);
        void *a = rt_memheap_alloc(&h, 64), *b = rt_memheap_alloc(&h, 64), *d = rt_memheap_alloc(&h, 64);
        TU_EXPECT(a != NULL && b != NULL && d != NULL);
        rt_memheap_free(a);                     /* F U U F T */
        TU_EXPECT_INT(rt_memheap_check(&h), 0);
        struct rt_memheap_item *ia = mh_item(a), *ib = mh_item(b);
        struct rt_memheap_item *tail =
            (struct rt_memheap_item *)(void *)(mh_arena + sizeof mh_arena - MH_HDR);
        struct rt_memheap_item *head = h.free_list;
        struct rt_memheap_item *f1 = head->next_free, *f2 = f1->next_free;
        TU_EXPECT(f1 != head && f2 != head && f2->next_free == head);
        struct rt_memheap saved = h;
        memcpy(mh_saved_arena, mh_arena, sizeof mh_arena);

        switch (c)
        {
        case HC_TYPE: h.parent.type = RT_Object_Class_MemHeap; break;
        case HC_START_ODD: h.start_addr = mh_arena + 1; break;
        case HC_SIZE_ODD: h.pool_size += 1; break;
        case HC_SIZE_TINY: h.pool_size = MH_HDR; break;
        case HC_BLOCK_LIST: h.block_list = ib; break;
        case HC_FREE_LIST: h.free_list = ia; break;
        case HC_NEXT_OFFGRID: ia->next = (struct rt_memheap_item *)(void *)((rt_uint8_t *)ib + 1); break;
        case HC_POOL_PTR: ib->pool_ptr = &saved; break;
        case HC_PREV: ib->prev = ib; break;
        case HC_NEXT_SELF: ib->next = ib; break;
        case HC_NEXT_SHORT: ib->next = (struct rt_memheap_item *)(void *)((rt_uint8_t *)ib + RT_ALIGN_SIZE); break;
        case HC_TAIL_FREE: tail->magic &= ~1u; break;
        case HC_TAIL_NEXT: tail->next = ib; break;
        case HC_USED_LINKED: ib->next_free = ia; break;
        case HC_TAIL_LINKED: tail->prev_free = ia; break;
        case HC_LIST_OUTSIDE: head->next_free = &mh_outside; break;
        case HC_LIST_PREV: f2->prev_free = head; break;
        case HC_LIST_USED: f1->next_free = ib; break;
        case HC_LIST_LOOP: f2->next_free = f1; break;
        case HC_HEAD_PREV: head->prev_free = f1; break;
        case HC_LIST_SHORT: head->next_free = f2; f2->prev_free = head; break;
        case HC_MAX_OVER_POOL: h.max_used_size = h.pool_size + RT_ALIGN_SIZE; break;
        case HC_TAIL_NEXT_FREE: tail->next_free = ia; break;
        default:
        {
            /* a header forged inside b's data, linked after f1 on the free
             * list only: it must be free, ours, and on the physical list */
            struct rt_memheap_item *fk = (struct rt_memheap_item *)(void *)((rt_uint8_t *)b + RT_ALIGN_SIZE);
            *fk = *f1;
            fk->prev_free = f1;
            fk->next_free = f2;
            f1->next_free = fk;
            f2->prev_free = fk;
            if (c == HC_FAKE_USED) fk->magic |= 1;
            if (c == HC_FAKE_OWNER) fk->pool_ptr = &saved;
            if (c == HC_FAKE_NEXT_OUT) fk->next = (struct rt_memheap_item *)(void *)((rt_uint8_t *)ib + 1);
            if (c == HC_FAKE_NEXT_BACK) fk->next = ib;     /* ib->prev is not fk */
            break;
        }
        }
        int got = rt_memheap_check(&h);
        if (got != mh_expect[c])
            tu_fail(__FILE__, __LINE__, "memheap case %d: check() returned %d, expected %d",
                    c, got, mh_expect[c]);
        /* the walker stops at broken links instead of looping */
        struct stopper st = { 0, 1 << 30 };
        rt_memheap_walk(&h, stop_cb, &st);
        TU_EXPECT(st.calls <= 8);

        memcpy(mh_arena, mh_saved_arena, sizeof mh_arena);
        h = saved;
        TU_EXPECT_INT(rt_memheap_check(&h), 0);
        rt_memheap_free(b);
        rt_memheap_free(d);
        TU_EXPECT_INT(rt_memheap_check(&h), 0);
        TU_EXPECT_INT(h.available_size, sizeof mh_arena - 2 * MH_HDR);
        TU_EXPECT_INT(rt_memheap_detach(&h), RT_EOK);
    }
    TU_EXPECT_INT(rt_memheap_check(NULL), 1);
}

static void body_memheap_walk_stops(void *arg)
{
    struct rt_memheap h;
    TU_EXPECT_INT(rt_memheap_init(&h, "cov", mh_arena, sizeof mh_arena), RT_EOK);
    void *a = rt_memheap_alloc(&h, 64), *b = rt_memheap_alloc(&h, 64);
    struct stopper all = { 0, 1 << 30 };
    rt_memheap_walk(&h, stop_cb, &all);
    TU_EXPECT(all.calls >= 4);
    for (int limit = 1; limit <= all.calls; limit++)
    {
        struct stopper st = { 0, limit };
        rt_memheap_walk(&h, stop_cb, &st);
        TU_EXPECT_INT(st.calls, limit);
    }
    rt_memheap_walk(&h, NULL, NULL);
    struct stopper none = { 0, 1 };
    rt_memheap_walk(NULL, stop_cb, &none);
    TU_EXPECT_INT(none.calls, 0);
    rt_memheap_free(a);
    rt_memheap_free(b);
    TU_EXPECT_INT(rt_memheap_detach(&h), RT_EOK);
}

static void test_memheap_check_conditions(void **state)
{
    assert_int_equal(tu_run(NULL, body_memheap_conditions, NULL), RT_SIM_OK);
}
static void test_memheap_walk_stops(void **state)
{
    assert_int_equal(tu_run(NULL, body_memheap_walk_stops, NULL), RT_SIM_OK);
}

/* ------------------------------------- small mem: misuse reported, not done */

enum misuse
{
    MU_FREE_MISALIGNED, MU_FREE_TWICE, MU_FREE_OUTSIDE, MU_FREE_FOREIGN_OWNER,
    MU_FREE_NEXT_BACK, MU_FREE_NEXT_FOREIGN, MU_RE_MISALIGNED, MU_RE_OUTSIDE,
    MU_RE_FOREIGN_OWNER, MU_RE_NEXT_BACK, MU_ALLOC_NOT_HEAP, MU_RE_NOT_HEAP,
    MU_FREE_NOT_HEAP, MU_COUNT
};

struct misuse_case { const struct ht_ops *o; int kind; const char *expect; };
static const struct misuse_case *mu_case;
static rt_smem_t mu_heap;
static int mu_check_at_assert;

static void mu_hook(const char *ex, const char *func, rt_size_t line)
{
    mu_check_at_assert = mu_case->o->check(mu_heap);
}

/* A block header written by hand: word 0 owner|used (4.1) or
 * magic 0x1ea0 + used (classic), then next, prev. */
static void fake_header(const struct ht_ops *o, rt_size_t *h, rt_smem_t m, rt_ubase_t owner,
                        int used, rt_size_t next)
{
    if (o == &ht_smem)
        h[0] = (rt_size_t)(owner | (rt_ubase_t)used);
    else
    {
        h[0] = 0;
        ((rt_uint16_t *)h)[0] = 0x1ea0;
        ((rt_uint16_t *)h)[1] = (rt_uint16_t)used;
    }
    h[1] = next;
    h[2] = 0;
}

static void body_misuse(void *arg)
{
    const struct ht_ops *o = mu_case->o;
    memset(smem_arena, 0, sizeof smem_arena);
    mu_heap = o->init("mis", smem_arena, sizeof smem_arena);
    TU_EXPECT(mu_heap != RT_NULL);
    static _Alignas(64) rt_size_t outside[16];
    static struct rt_memory not_heap;
    unsigned char *a = o->alloc(mu_heap, 64);
    unsigned char *heap_ptr = (unsigned char *)((struct smem_m *)mu_heap)->heap_ptr;
    rt_size_t H = (rt_size_t)(a - heap_ptr);                /* the first block's header */
    rt_size_t *inner = (rt_size_t *)(void *)(a + 16);      /* a header inside a's data */
    rt_size_t inner_off = (rt_size_t)((unsigned char *)inner - heap_ptr);
    memset(a, 0, 64);
    memset(outside, 0, sizeof outside);
    memset(&not_heap, 0, sizeof not_heap);
    TU_EXPECT_INT(o->check(mu_heap), 0);
    rt_assert_set_hook(mu_hook);
    switch (mu_case->kind)
    {
    case MU_FREE_MISALIGNED: o->free(mu_heap, a + 1); break;
    case MU_FREE_TWICE:
        rt_assert_set_hook(RT_NULL);
        o->free(mu_heap, a);
        rt_assert_set_hook(mu_hook);
        o->free(mu_heap, a);
        break;
    case MU_FREE_OUTSIDE:
        fake_header(o, outside, mu_heap, (rt_ubase_t)mu_heap, 1, 64);
        o->free(mu_heap, (unsigned char *)outside + H);
        break;
    case MU_FREE_FOREIGN_OWNER:
        /* 4.1: an owner that is no heap; classic: a header without the magic */
        fake_header(o, inner, mu_heap, (rt_ubase_t)&not_heap, 1, inner_off + 32);
        if (o == &ht_classic)
            ((rt_uint16_t *)inner)[0] = 0x1234;
        o->free(mu_heap, (unsigned char *)inner + H);
        break;
    case MU_FREE_NEXT_BACK:
        fake_header(o, inner, mu_heap, (rt_ubase_t)mu_heap, 1, 0);
        o->free(mu_heap, (unsigned char *)inner + H);
        break;
    case MU_FREE_NEXT_FOREIGN:
        /* next lands on zeroes inside a: no header of this heap there */
        fake_header(o, inner, mu_heap, (rt_ubase_t)mu_heap, 1, inner_off + H + 8);
        o->free(mu_heap, (unsigned char *)inner + H);
        break;
    case MU_RE_MISALIGNED: o->realloc(mu_heap, a + 1, 8); break;
    case MU_RE_OUTSIDE:
        fake_header(o, outside, mu_heap, (rt_ubase_t)mu_heap, 1, 64);
        o->realloc(mu_heap, (unsigned char *)outside + H, 8);
        break;
    case MU_RE_FOREIGN_OWNER:
        fake_header(o, inner, mu_heap, (rt_ubase_t)&not_heap, 1, inner_off + 32);
        if (o == &ht_classic)
            ((rt_uint16_t *)inner)[1] = 0;
        o->realloc(mu_heap, (unsigned char *)inner + H, 8);
        break;
    case MU_RE_NEXT_BACK:
        fake_header(o, inner, mu_heap, (rt_ubase_t)mu_heap, 1, 0);
        o->realloc(mu_heap, (unsigned char *)inner + H, 8);
        break;
    case MU_ALLOC_NOT_HEAP: o->alloc(&not_heap, 8); break;
    case MU_RE_NOT_HEAP: o->realloc(&not_heap, a, 8); break;
    case MU_FREE_NOT_HEAP:
        if (o == &ht_classic)
            rt_smem_classic_free(&not_heap, a);
        else
            o->free(mu_heap, &not_heap.total);  /* no heap object anywhere */
        break;
    }
    tu_log("not reached");
}

static const struct misuse_case misuse_cases[] = {
    { &ht_smem, MU_FREE_MISALIGNED, "((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0) in smem_report_bad" },
    { &ht_smem, MU_FREE_TWICE, "(MEM_ISUSED(mem)) in smem_report_bad" },
    { &ht_smem, MU_FREE_OUTSIDE, "((rt_uint8_t *)mem >= m->heap_ptr && mem < m->heap_end) in smem_report_bad" },
    { &ht_smem, MU_FREE_FOREIGN_OWNER, "(smem_is_heap(m)) in smem_report_bad" },
    { &ht_smem, MU_FREE_NEXT_BACK, "(smem_owner_fast(rmem) != RT_NULL) in smem_report_bad" },
    { &ht_smem, MU_FREE_NEXT_FOREIGN, "(MEM_POOL(smem_item(m, mem->next)) == m) in smem_report_bad" },
    { &ht_smem, MU_RE_MISALIGNED, "((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0) in smem_block_of" },
    { &ht_smem, MU_RE_OUTSIDE, "((rt_uint8_t *)mem >= m->heap_ptr && mem < m->heap_end) in smem_block_of" },
    { &ht_smem, MU_RE_FOREIGN_OWNER, "(MEM_POOL(mem) == m) in smem_block_of" },
    { &ht_smem, MU_RE_NEXT_BACK, "(smem_owner_fast(rmem) != RT_NULL) in smem_report_bad" },
    { &ht_smem, MU_ALLOC_NOT_HEAP, "(smem_is_heap(m)) in rt_smem_alloc" },
    { &ht_smem, MU_RE_NOT_HEAP, "(smem_is_heap(m)) in rt_smem_realloc" },
    { &ht_classic, MU_FREE_MISALIGNED, "((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0) in cls_used_block" },
    { &ht_classic, MU_FREE_TWICE, "(mem->used) in cls_report_bad_block" },
    { &ht_classic, MU_FREE_OUTSIDE, "((rt_uint8_t *)rmem >= m->heap_ptr + SIZEOF_STRUCT_MEM && (rt_uint8_t *)rmem < (rt_uint8_t *)m->heap_end) in cls_used_block" },
    { &ht_classic, MU_FREE_FOREIGN_OWNER, "(mem->magic == HEAP_MAGIC) in cls_report_bad_block" },
    { &ht_classic, MU_FREE_NEXT_BACK, "(mem->next > cls_off(m, mem) && mem->next <= cls_end_off(m)) in cls_used_block" },
    { &ht_classic, MU_RE_MISALIGNED, "((((rt_ubase_t)rmem) & (RT_ALIGN_SIZE - 1)) == 0) in cls_used_block" },
    { &ht_classic, MU_RE_FOREIGN_OWNER, "(mem->used) in cls_report_bad_block" },
    { &ht_classic, MU_ALLOC_NOT_HEAP, "(cls_is_heap(m)) in rt_smem_classic_alloc" },
    { &ht_classic, MU_RE_NOT_HEAP, "(cls_is_heap(m)) in rt_smem_classic_realloc" },
    { &ht_classic, MU_FREE_NOT_HEAP, "(cls_is_heap(m)) in rt_smem_classic_free" },
};

static void test_smem_misuse(void **state)
{
    for (size_t i = 0; i < sizeof misuse_cases / sizeof misuse_cases[0]; i++)
    {
        mu_case = &misuse_cases[i];
        struct rt_sim_config cfg;
        tu_config(&cfg);
        cfg.checked = 0;
        tu_log_reset();
        tu_console_reset();
        mu_check_at_assert = -1;
        int rc = tu_run(&cfg, body_misuse, NULL);
        if (rc != RT_SIM_EASSERT)
            fail_msg("%s misuse %d: run ended %d, log \"%s\", report:\n%s", mu_case->o->name,
                     mu_case->kind, rc, tu_log_text(), tu_report());
        rt_assert_set_hook(RT_NULL);
        if (strstr(tu_report(), mu_case->expect) == NULL)
            fail_msg("%s misuse %d: expected \"%s\" in:\n%s", mu_case->o->name, mu_case->kind,
                     mu_case->expect, tu_report());
        assert_string_equal(tu_log_text(), "");
        assert_int_equal(mu_check_at_assert, 0);    /* reported before any write */
    }
}

/* ============================================================ rt_snprintf */

static void test_snprintf_formats(void **state)
{
    char buf[64];
#define F(expect, ...) do { \
        int n__ = rt_snprintf(buf, sizeof buf, __VA_ARGS__); \
        assert_string_equal(buf, expect); \
        assert_int_equal(n__, (int)strlen(expect)); \
    } while (0)
    F("(null)|", "%s|", (char *)NULL);
    F("ab    |", "%-6s|", "ab");
    F("  ab|", "%4s|", "ab");
    F("ab|", "%.2s|", "abcd");
    F("abcd|", "%.s|", "abcd");             /* zero precision does not truncate */
    F("+5 5", "%+d% d", 5, 5);
    F("-5", "%+d", -5);
    F("0xff 0XFF 010 0 7", "%#x %#X %#o %#x %#u", 255u, 255u, 8u, 0u, 7u);
    F("[]", "[%.0d]", 0);
    F("-0042", "%05d", -42);
    F("42   |", "%-5d|", 42);
    F("  007", "%05.3d", 7);
    F("7   |", "%*d|", -4, 7);
    F("   7|", "%*d|", 4, 7);
    F("7 007", "%.*d %.*d", -1, 7, 3, 7);
    F("4464 44 4464 44", "%hd %hhd %hu %hhu", 70000, 300, 70000u, 300u);
    F("-5 -6 -3 -4", "%ld %lld %zd %td", -5L, -6LL, (rt_ssize_t)-3, (ptrdiff_t)-4);
    F("5 6 3 4 1f 777", "%lu %llu %zu %tu %lx %llo", 5UL, 6ULL, (rt_size_t)3, (ptrdiff_t)4,
      31UL, 511ULL);
    F("-7 +0", "%i %+i", -7, 0);
    /* RT-Thread's %p (kprintf.c): "0x" and zero-padded to 2 digits a byte
     * when no width is given, else the digits alone */
    F(sizeof(void *) == 4 ? "0x00000010 0x00000000" : "0x0000000000000010 0x0000000000000000",
      "%p %p", (void *)(uintptr_t)0x10, (void *)0);
    F("  10|10  |0x10|", "%4p|%-4p|%#4p|", (void *)(uintptr_t)0x10, (void *)(uintptr_t)0x10,
      (void *)(uintptr_t)0x10);
    F("x  |  x|", "%-3c|%3c|", 'x', 'x');
    F("100%", "100%%");
    F("%q", "%q");
    F("abc", "abc%");
    F("abc", "abc%l");
    /* truncation: the full length comes back, the text is cut */
    assert_int_equal(rt_snprintf(buf, 4, "abcdef"), 6);
    assert_string_equal(buf, "abc");
    buf[0] = 'Z';
    assert_int_equal(rt_snprintf(buf, 0, "abc"), 3);
    assert_int_equal(buf[0], 'Z');
#undef F
}

/* ============================================================== mempool */

enum mp_case
{
    PC_TYPE, PC_BLOCK_SIZE, PC_TOTAL, PC_FREE_OVER, PC_LINK_BELOW, PC_LINK_OFFGRID,
    PC_LIST_LONG, PC_LIST_SHORT, PC_OWNER, PC_WAITERS, PC_COUNT
};
static const int mp_expect[PC_COUNT] = {
    [PC_TYPE] = 1, [PC_BLOCK_SIZE] = 1, [PC_TOTAL] = 1, [PC_FREE_OVER] = 1,
    [PC_LINK_BELOW] = 2, [PC_LINK_OFFGRID] = 2, [PC_LIST_LONG] = 3, [PC_LIST_SHORT] = 3,
    [PC_OWNER] = 4, [PC_WAITERS] = 5,
};

static void body_mp_conditions(void *arg)
{
    static _Alignas(16) unsigned char mem[8 * 48];
    for (int c = 0; c < PC_COUNT; c++)
    {
        struct rt_mempool mp;
        TU_EXPECT_INT(rt_mp_init(&mp, "cov", mem, sizeof mem, 32), RT_EOK);
        rt_size_t total = mp.block_total_count;
        void *a = rt_mp_alloc(&mp, 0), *b = rt_mp_alloc(&mp, 0);
        TU_EXPECT(a != RT_NULL && b != RT_NULL);
        TU_EXPECT_INT(rt_mp_check(&mp), 0);
        TU_EXPECT_INT(mp.block_free_count, total - 2);
        struct rt_mempool saved = mp;
        void *a_word = ((void **)a)[-1];

        switch (c)
        {
        case PC_TYPE: mp.parent.type = RT_Object_Class_Timer; break;
        case PC_BLOCK_SIZE: mp.block_size += 1; break;
        case PC_TOTAL: mp.block_total_count += 1; break;
        case PC_FREE_OVER: mp.block_free_count = total + 1; break;
        case PC_LINK_BELOW: mp.block_list = (rt_uint8_t *)mp.start_address - 8; break;
        case PC_LINK_OFFGRID: mp.block_list += RT_ALIGN_SIZE; break;
        case PC_LIST_LONG: mp.block_free_count -= 1; break;
        case PC_LIST_SHORT: mp.block_free_count += 1; break;
        case PC_OWNER: ((void **)a)[-1] = &saved; break;
        case PC_WAITERS: mp.suspend_thread_count = 1; break;
        }
        int got = rt_mp_check(&mp);
        if (got != mp_expect[c])
            tu_fail(__FILE__, __LINE__, "mempool case %d: check() returned %d, expected %d",
                    c, got, mp_expect[c]);
        ((void **)a)[-1] = a_word;
        mp = saved;
        TU_EXPECT_INT(rt_mp_check(&mp), 0);
        rt_mp_free(a);
        rt_mp_free(b);
        TU_EXPECT_INT(mp.block_free_count, total);
        TU_EXPECT_INT(rt_mp_detach(&mp), RT_EOK);
    }
}

static void body_mp_edges(void *arg)
{
    static _Alignas(16) unsigned char mem[4 * 48];
    struct rt_mempool mp;

    /* create refuses no blocks, empty blocks and a size that overflows */
    TU_EXPECT(rt_mp_create("z", 0, 32) == RT_NULL);
    TU_EXPECT(rt_mp_create("z", 4, 0) == RT_NULL);
    TU_EXPECT(rt_mp_create("z", ((rt_size_t)-1) / 16, 32) == RT_NULL);

    TU_EXPECT_INT(rt_mp_init(&mp, "edge", mem, sizeof mem, 32), RT_EOK);
    struct stopper all = { 0, 1 << 30 };
    rt_mp_walk(&mp, stop_cb, &all);
    TU_EXPECT(all.calls >= 2);
    for (int limit = 1; limit <= all.calls; limit++)
    {
        struct stopper st = { 0, limit };
        rt_mp_walk(&mp, stop_cb, &st);
        TU_EXPECT_INT(st.calls, limit);
    }
    TU_EXPECT_INT(rt_mp_check(RT_NULL), 1);
    TU_EXPECT_INT(rt_mp_detach(&mp), RT_EOK);
}

static void test_mp_check_conditions(void **state)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.checked = 0;    /* checked runs (rightly) fence off the header words */
    assert_int_equal(tu_run(&cfg, body_mp_conditions, NULL), RT_SIM_OK);
}
static void test_mp_edges(void **state)
{
    assert_int_equal(tu_run(NULL, body_mp_edges, NULL), RT_SIM_OK);
}

/* ====================================================== system heap edges */

static void body_kheap_edges(void *arg)
{
    static _Alignas(16) unsigned char region[4096];
    struct rt_memory_stats before, after;
    const char *heap = arg;

    /* calloc whose product overflows: NULL, counted as a failed allocation */
    rt_memory_stats(&before);
    TU_EXPECT(rt_calloc(((rt_size_t)-1) / 4 + 1, 4) == RT_NULL);
    rt_memory_stats(&after);
    TU_EXPECT_INT(after.failed_allocs, before.failed_allocs + 1);
    TU_EXPECT_INT(after.used, before.used);

    /* extra regions: refused by a heap without them, checked by one with */
    if (strcmp(heap, "smallmem") == 0)
        TU_EXPECT_INT(rt_system_heap_add_region("r", region, region + sizeof region), -RT_ENOSYS);
    else
        TU_EXPECT_INT(rt_system_heap_add_region("r", region + sizeof region, region), -RT_EINVAL);

    /* the walk stops when told */
    struct stopper st = { 0, 1 };
    rt_system_heap_walk(stop_cb, &st);
    TU_EXPECT_INT(st.calls, 1);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_kheap_edges(void **state)
{
    static const char *const heaps[] = { "smallmem", "tlsf", "memheap" };
    for (size_t i = 0; i < sizeof heaps / sizeof heaps[0]; i++)
    {
        struct rt_sim_config cfg;
        tu_config(&cfg);
        cfg.heap = heaps[i];
        assert_int_equal(tu_run(&cfg, body_kheap_edges, (void *)heaps[i]), RT_SIM_OK);
    }
}

/* ================================================== ipc error returns */

static void body_ipc_returns(void *arg)
{
    struct rt_mutex m;
    struct rt_semaphore sem;
    struct rt_event ev;
    unsigned i;

    /* a mutex held RT_MUTEX_HOLD_MAX times refuses one more, then unwinds */
    TU_EXPECT_INT(rt_mutex_init(&m, "hold", RT_IPC_FLAG_PRIO), RT_EOK);
    for (i = 0; i < RT_MUTEX_HOLD_MAX; i++)
        TU_EXPECT_INT(rt_mutex_take(&m, RT_WAITING_NO), RT_EOK);
    TU_EXPECT_INT(rt_mutex_take(&m, RT_WAITING_NO), -RT_EFULL);
    TU_EXPECT_INT(m.hold, RT_MUTEX_HOLD_MAX);
    for (i = 0; i < RT_MUTEX_HOLD_MAX; i++)
        TU_EXPECT_INT(rt_mutex_release(&m), RT_EOK);
    TU_EXPECT(m.owner == RT_NULL);
    TU_EXPECT_INT(rt_mutex_release(&m), -RT_ERROR);     /* not the owner any more */
    TU_EXPECT_INT(rt_mutex_control(&m, RT_IPC_CMD_RESET + 1, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(rt_mutex_detach(&m), RT_EOK);

    /* unknown control commands */
    TU_EXPECT_INT(rt_sem_init(&sem, "s", 1, RT_IPC_FLAG_FIFO), RT_EOK);
    TU_EXPECT_INT(rt_sem_control(&sem, RT_IPC_CMD_RESET + 1, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(sem.value, 1);
    TU_EXPECT_INT(rt_sem_detach(&sem), RT_EOK);
    TU_EXPECT_INT(rt_event_init(&ev, "e", RT_IPC_FLAG_FIFO), RT_EOK);
    TU_EXPECT_INT(rt_event_send(&ev, 0x4), RT_EOK);
    TU_EXPECT_INT(rt_event_control(&ev, RT_IPC_CMD_RESET + 1, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(ev.set, 0x4);
    TU_EXPECT_INT(rt_event_detach(&ev), RT_EOK);
}

static void test_ipc_returns(void **state)
{
    assert_int_equal(tu_run(NULL, body_ipc_returns, NULL), RT_SIM_OK);
}

/* ============================================ kernel asserts on bad calls */

static void nop_entry(void *p) { }
static void nop_timeout(void *p) { }
static _Alignas(16) unsigned char as_stack[2048];
static struct rt_thread as_thread;
static struct rt_timer as_timer, as_wrong_obj;
static struct rt_semaphore as_sem;
static struct rt_mutex as_mutex;
static struct rt_event as_event;

/* An object of another class, for the type asserts. */
static void *wrong(void)
{
    rt_timer_init(&as_wrong_obj, "wrong", nop_timeout, RT_NULL, 10, RT_TIMER_FLAG_ONE_SHOT);
    return &as_wrong_obj;
}

#define BAD(name, body) static void bad_##name(void) { body; }
BAD(thread_init_null, rt_thread_init(RT_NULL, "t", nop_entry, RT_NULL, as_stack, sizeof as_stack, 5, 5))
BAD(thread_init_stack, rt_thread_init(&as_thread, "t", nop_entry, RT_NULL, RT_NULL, sizeof as_stack, 5, 5))
BAD(thread_init_entry,
    rt_thread_init(&as_thread, "t", RT_NULL, RT_NULL, as_stack, sizeof as_stack, 5, 5);
    rt_thread_startup(&as_thread))
BAD(thread_init_prio, rt_thread_init(&as_thread, "t", nop_entry, RT_NULL, as_stack, sizeof as_stack, RT_THREAD_PRIORITY_MAX, 5))
BAD(thread_create_entry, rt_thread_startup(rt_thread_create("t", RT_NULL, RT_NULL, 1024, 5, 5)))
BAD(thread_create_prio, rt_thread_create("t", nop_entry, RT_NULL, 1024, RT_THREAD_PRIORITY_MAX, 5))
BAD(thread_startup_null, rt_thread_startup(RT_NULL))
BAD(thread_startup_type, rt_thread_startup(wrong()))
BAD(thread_startup_twice, rt_thread_startup(rt_thread_self()))
BAD(thread_detach_dynamic, rt_thread_detach(rt_thread_create("t", nop_entry, RT_NULL, 1024, 5, 5)))
BAD(thread_delete_static,
    rt_thread_init(&as_thread, "t", nop_entry, RT_NULL, as_stack, sizeof as_stack, 5, 5);
    rt_thread_delete(&as_thread))
BAD(thread_delay_until, rt_thread_delay_until(RT_NULL, 1))
BAD(thread_control_arg, rt_thread_control(rt_thread_self(), RT_THREAD_CTRL_CHANGE_PRIORITY, RT_NULL))
BAD(thread_control_prio,
    rt_uint8_t prio = RT_THREAD_PRIORITY_MAX;
    rt_thread_control(rt_thread_self(), RT_THREAD_CTRL_CHANGE_PRIORITY, &prio))
BAD(timer_start_null, rt_timer_start(RT_NULL))
BAD(timer_start_type, rt_timer_start((rt_timer_t)(void *)&as_sem); (void)0)
BAD(timer_init_null, rt_timer_init(RT_NULL, "t", nop_timeout, RT_NULL, 1, 0))
BAD(timer_init_fn, rt_timer_init(&as_timer, "t", RT_NULL, RT_NULL, 1, 0))
BAD(timer_init_time, rt_timer_init(&as_timer, "t", nop_timeout, RT_NULL, RT_TICK_MAX / 2, 0))
BAD(timer_detach_dynamic, rt_timer_detach(rt_timer_create("t", nop_timeout, RT_NULL, 1, 0)))
BAD(timer_create_fn, rt_timer_create("t", RT_NULL, RT_NULL, 1, 0))
BAD(timer_create_time, rt_timer_create("t", nop_timeout, RT_NULL, RT_TICK_MAX / 2, 0))
BAD(timer_delete_static,
    rt_timer_init(&as_timer, "t", nop_timeout, RT_NULL, 1, 0);
    rt_timer_delete(&as_timer))
BAD(timer_control_time,
    rt_tick_t big = RT_TICK_MAX / 2;
    rt_timer_init(&as_timer, "t", nop_timeout, RT_NULL, 1, 0);
    rt_timer_control(&as_timer, RT_TIMER_CTRL_SET_TIME, &big))
BAD(sem_init_null, rt_sem_init(RT_NULL, "s", 0, RT_IPC_FLAG_FIFO))
BAD(sem_init_value, rt_sem_init(&as_sem, "s", 0x10000, RT_IPC_FLAG_FIFO))
BAD(sem_init_flag, rt_sem_init(&as_sem, "s", 0, 7))
BAD(sem_create_value, rt_sem_create("s", 0x10000, RT_IPC_FLAG_FIFO))
BAD(sem_create_flag, rt_sem_create("s", 0, 7))
BAD(sem_detach_null, rt_sem_detach(RT_NULL))
BAD(sem_detach_dynamic, rt_sem_detach(rt_sem_create("s", 0, RT_IPC_FLAG_FIFO)))
BAD(sem_delete_static, rt_sem_init(&as_sem, "s", 0, RT_IPC_FLAG_FIFO); rt_sem_delete(&as_sem))
BAD(sem_delete_type, rt_sem_delete(wrong()))
BAD(sem_take_type, rt_sem_take(wrong(), 0))
BAD(sem_release_null, rt_sem_release(RT_NULL))
BAD(sem_control_type, rt_sem_control(wrong(), RT_IPC_CMD_RESET, RT_NULL))
BAD(mutex_init_null, rt_mutex_init(RT_NULL, "m", RT_IPC_FLAG_PRIO))
BAD(mutex_detach_type, rt_mutex_detach(wrong()))
BAD(mutex_detach_dynamic, rt_mutex_detach(rt_mutex_create("m", RT_IPC_FLAG_PRIO)))
BAD(mutex_delete_static, rt_mutex_init(&as_mutex, "m", RT_IPC_FLAG_PRIO); rt_mutex_delete(&as_mutex))
BAD(mutex_delete_null, rt_mutex_delete(RT_NULL))
BAD(mutex_take_type, rt_mutex_take(wrong(), 0))
BAD(mutex_release_null, rt_mutex_release(RT_NULL))
BAD(mutex_control_type, rt_mutex_control(wrong(), RT_IPC_CMD_RESET, RT_NULL))
BAD(event_init_null, rt_event_init(RT_NULL, "e", RT_IPC_FLAG_FIFO))
BAD(event_detach_type, rt_event_detach(wrong()))
BAD(event_detach_dynamic, rt_event_detach(rt_event_create("e", RT_IPC_FLAG_FIFO)))
BAD(event_delete_static, rt_event_init(&as_event, "e", RT_IPC_FLAG_FIFO); rt_event_delete(&as_event))
BAD(event_delete_null, rt_event_delete(RT_NULL))
BAD(event_send_type, rt_event_send(wrong(), 1))
BAD(event_recv_null, rt_event_recv(RT_NULL, 1, RT_EVENT_FLAG_OR, 0, RT_NULL))
BAD(event_recv_option, rt_event_init(&as_event, "e", RT_IPC_FLAG_FIFO);
    rt_event_recv(&as_event, 1, RT_EVENT_FLAG_CLEAR, RT_WAITING_FOREVER, RT_NULL))
BAD(event_control_type, rt_event_control(wrong(), RT_IPC_CMD_RESET, RT_NULL))
BAD(object_init_null, rt_object_init(RT_NULL, RT_Object_Class_Timer, "o"))
BAD(object_init_twice, rt_timer_init(&as_timer, "t", nop_timeout, RT_NULL, 1, 0);
    rt_object_init(&as_timer.parent, RT_Object_Class_Timer, "t"))
BAD(object_detach_null, rt_object_detach(RT_NULL))
BAD(object_delete_null, rt_object_delete(RT_NULL))
BAD(object_delete_static, rt_object_delete(wrong()))
BAD(object_is_system_null, rt_object_is_systemobject(RT_NULL))
BAD(object_get_type_null, rt_object_get_type(RT_NULL))
static struct rt_mempool as_mp;
static _Alignas(16) unsigned char as_mp_mem[512];
static void *as_fake_block[4];
BAD(mp_init_null, rt_mp_init(RT_NULL, "p", as_mp_mem, sizeof as_mp_mem, 32))
BAD(mp_init_name, rt_mp_init(&as_mp, RT_NULL, as_mp_mem, sizeof as_mp_mem, 32))
BAD(mp_init_start, rt_mp_init(&as_mp, "p", RT_NULL, sizeof as_mp_mem, 32))
BAD(mp_init_size, rt_mp_init(&as_mp, "p", as_mp_mem, 0, 32))
BAD(mp_detach_null, rt_mp_detach(RT_NULL))
BAD(mp_detach_type, rt_mp_detach(wrong()))
BAD(mp_delete_null, rt_mp_delete(RT_NULL))
BAD(mp_delete_type, rt_mp_delete(wrong()))
BAD(mp_free_not_block,
    /* a word naming a live pool, in front of memory that is none of its blocks */
    rt_mp_init(&as_mp, "p", as_mp_mem, sizeof as_mp_mem, 32);
    as_fake_block[0] = &as_mp;
    rt_mp_free(&as_fake_block[1]))
BAD(mp_walk_null, rt_mp_walk(RT_NULL, stop_cb, RT_NULL))
BAD(mp_walk_fn, rt_mp_init(&as_mp, "p", as_mp_mem, sizeof as_mp_mem, 32); rt_mp_walk(&as_mp, RT_NULL, RT_NULL))
BAD(sem_detach_type, rt_sem_detach(wrong()))
BAD(sem_delete_null, rt_sem_delete(RT_NULL))
BAD(sem_take_null, rt_sem_take(RT_NULL, 0))
BAD(sem_release_type, rt_sem_release(wrong()))
BAD(sem_control_null, rt_sem_control(RT_NULL, RT_IPC_CMD_RESET, RT_NULL))
BAD(mutex_detach_null, rt_mutex_detach(RT_NULL))
BAD(mutex_delete_type, rt_mutex_delete(wrong()))
BAD(mutex_take_null, rt_mutex_take(RT_NULL, 0))
BAD(mutex_release_type, rt_mutex_release(wrong()))
BAD(mutex_control_null, rt_mutex_control(RT_NULL, RT_IPC_CMD_RESET, RT_NULL))
BAD(event_detach_null, rt_event_detach(RT_NULL))
BAD(event_delete_type, rt_event_delete(wrong()))
BAD(event_send_null, rt_event_send(RT_NULL, 1))
BAD(event_recv_type, rt_event_recv(wrong(), 1, RT_EVENT_FLAG_OR, 0, RT_NULL))
BAD(event_control_null, rt_event_control(RT_NULL, RT_IPC_CMD_RESET, RT_NULL))
BAD(malloc_align_odd, rt_malloc_align(16, 24))
BAD(heap_init_twice, rt_system_heap_init(as_mp_mem, as_mp_mem + sizeof as_mp_mem))
#undef BAD

struct assert_case { void (*fn)(void); const char *expect; };
#define C(name, expect) { bad_##name, expect }
static const struct assert_case assert_cases[] = {
    C(thread_init_null, "(thread != RT_NULL) in rt_thread_init"),
    C(thread_init_stack, "(stack_start != RT_NULL) in rt_thread_init"),
    C(thread_init_entry, "(thread->entry != RT_NULL) in rt_thread_startup"),
    C(thread_init_prio, "(priority < RT_THREAD_PRIORITY_MAX) in rt_thread_init"),
    C(thread_create_entry, "(thread->entry != RT_NULL) in rt_thread_startup"),
    C(thread_create_prio, "(priority < RT_THREAD_PRIORITY_MAX) in rt_thread_create"),
    C(thread_startup_null, "(thread != RT_NULL) in thread_check"),
    C(thread_startup_type, "(rt_object_get_type((rt_object_t)thread) == RT_Object_Class_Thread) in thread_check"),
    C(thread_startup_twice, "((thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_INIT) in rt_thread_startup"),
    C(thread_detach_dynamic, "(rt_object_is_systemobject((rt_object_t)thread)) in rt_thread_detach"),
    C(thread_delete_static, "(rt_object_is_systemobject((rt_object_t)thread) == RT_FALSE) in rt_thread_delete"),
    C(thread_delay_until, "(tick != RT_NULL) in rt_thread_delay_until"),
    C(thread_control_arg, "(arg != RT_NULL) in rt_thread_control"),
    C(thread_control_prio, "(prio < RT_THREAD_PRIORITY_MAX) in rt_thread_control"),
    C(timer_start_null, "(timer != RT_NULL) in timer_check"),
    C(timer_start_type, "(rt_object_get_type(&timer->parent) == RT_Object_Class_Timer) in timer_check"),
    C(timer_init_null, "(timer != RT_NULL) in rt_timer_init"),
    C(timer_init_fn, "(timeout != RT_NULL) in rt_timer_init"),
    C(timer_init_time, "(time < RT_TICK_MAX / 2) in rt_timer_init"),
    C(timer_detach_dynamic, "(rt_object_is_systemobject(&timer->parent)) in rt_timer_detach"),
    C(timer_create_fn, "(timeout != RT_NULL) in rt_timer_create"),
    C(timer_create_time, "(time < RT_TICK_MAX / 2) in rt_timer_create"),
    C(timer_delete_static, "(rt_object_is_systemobject(&timer->parent) == RT_FALSE) in rt_timer_delete"),
    C(timer_control_time, "(*(rt_tick_t *)arg < RT_TICK_MAX / 2) in rt_timer_control"),
    C(sem_init_null, "(sem != RT_NULL) in rt_sem_init"),
    C(sem_init_value, "(value < 0x10000U) in rt_sem_init"),
    C(sem_init_flag, "(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO) in rt_sem_init"),
    C(sem_create_value, "(value < 0x10000U) in rt_sem_create"),
    C(sem_create_flag, "(flag == RT_IPC_FLAG_FIFO || flag == RT_IPC_FLAG_PRIO) in rt_sem_create"),
    C(sem_detach_null, "((sem) != RT_NULL) in rt_sem_detach"),
    C(sem_detach_dynamic, "(rt_object_is_systemobject(&sem->parent.parent)) in rt_sem_detach"),
    C(sem_delete_static, "(rt_object_is_systemobject(&sem->parent.parent) == RT_FALSE) in rt_sem_delete"),
    C(sem_delete_type, "(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore) in rt_sem_delete"),
    C(sem_take_type, "(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore) in rt_sem_take"),
    C(sem_release_null, "((sem) != RT_NULL) in rt_sem_release"),
    C(sem_control_type, "(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore) in rt_sem_control"),
    C(mutex_init_null, "(mutex != RT_NULL) in rt_mutex_init"),
    C(mutex_detach_type, "(rt_object_get_type(&(mutex)->parent.parent) == RT_Object_Class_Mutex) in rt_mutex_detach"),
    C(mutex_detach_dynamic, "(rt_object_is_systemobject(&mutex->parent.parent)) in rt_mutex_detach"),
    C(mutex_delete_static, "(rt_object_is_systemobject(&mutex->parent.parent) == RT_FALSE) in rt_mutex_delete"),
    C(mutex_delete_null, "((mutex) != RT_NULL) in rt_mutex_delete"),
    C(mutex_take_type, "(rt_object_get_type(&(mutex)->parent.parent) == RT_Object_Class_Mutex) in rt_mutex_take"),
    C(mutex_release_null, "((mutex) != RT_NULL) in rt_mutex_release"),
    C(mutex_control_type, "(rt_object_get_type(&(mutex)->parent.parent) == RT_Object_Class_Mutex) in rt_mutex_control"),
    C(event_init_null, "(event != RT_NULL) in rt_event_init"),
    C(event_detach_type, "(rt_object_get_type(&(event)->parent.parent) == RT_Object_Class_Event) in rt_event_detach"),
    C(event_detach_dynamic, "(rt_object_is_systemobject(&event->parent.parent)) in rt_event_detach"),
    C(event_delete_static, "(rt_object_is_systemobject(&event->parent.parent) == RT_FALSE) in rt_event_delete"),
    C(event_delete_null, "((event) != RT_NULL) in rt_event_delete"),
    C(event_send_type, "(rt_object_get_type(&(event)->parent.parent) == RT_Object_Class_Event) in rt_event_send"),
    C(event_recv_null, "((event) != RT_NULL) in rt_event_recv"),
    C(event_recv_option, "(opt & (RT_EVENT_FLAG_AND | RT_EVENT_FLAG_OR)) in rt_event_recv"),
    C(event_control_type, "(rt_object_get_type(&(event)->parent.parent) == RT_Object_Class_Event) in rt_event_control"),
    C(object_init_null, "(object != RT_NULL) in rt_object_init"),
    C(object_init_twice, "(obj != object) in rt_object_init"),
    C(object_detach_null, "(object != RT_NULL) in rt_object_detach"),
    C(object_delete_null, "(object != RT_NULL) in rt_object_delete"),
    C(object_delete_static, "(!(object->type & RT_Object_Class_Static)) in rt_object_delete"),
    C(object_is_system_null, "(object != RT_NULL) in rt_object_is_systemobject"),
    C(object_get_type_null, "(object != RT_NULL) in rt_object_get_type"),
    C(mp_init_null, "(mp != RT_NULL) in rt_mp_init"),
    C(mp_init_name, "(name != RT_NULL) in rt_mp_init"),
    C(mp_init_start, "(start != RT_NULL) in rt_mp_init"),
    C(mp_init_size, "(size > 0 && block_size > 0) in rt_mp_init"),
    C(mp_detach_null, "(mp != RT_NULL) in rt_mp_detach"),
    C(mp_detach_type, "(mp_is_pool(mp)) in rt_mp_detach"),
    C(mp_delete_null, "(mp != RT_NULL) in rt_mp_delete"),
    C(mp_delete_type, "(mp_is_pool(mp)) in rt_mp_delete"),
    C(mp_free_not_block, "(mp_is_block_header(mp, header)) in rt_mp_free"),
    C(mp_walk_null, "(mp != RT_NULL) in rt_mp_walk"),
    C(mp_walk_fn, "(fn != RT_NULL) in rt_mp_walk"),
    C(sem_detach_type, "(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore) in rt_sem_detach"),
    C(sem_delete_null, "((sem) != RT_NULL) in rt_sem_delete"),
    C(sem_take_null, "((sem) != RT_NULL) in rt_sem_take"),
    C(sem_release_type, "(rt_object_get_type(&(sem)->parent.parent) == RT_Object_Class_Semaphore) in rt_sem_release"),
    C(sem_control_null, "((sem) != RT_NULL) in rt_sem_control"),
    C(mutex_detach_null, "((mutex) != RT_NULL) in rt_mutex_detach"),
    C(mutex_delete_type, "(rt_object_get_type(&(mutex)->parent.parent) == RT_Object_Class_Mutex) in rt_mutex_delete"),
    C(mutex_take_null, "((mutex) != RT_NULL) in rt_mutex_take"),
    C(mutex_release_type, "(rt_object_get_type(&(mutex)->parent.parent) == RT_Object_Class_Mutex) in rt_mutex_release"),
    C(mutex_control_null, "((mutex) != RT_NULL) in rt_mutex_control"),
    C(event_detach_null, "((event) != RT_NULL) in rt_event_detach"),
    C(event_delete_type, "(rt_object_get_type(&(event)->parent.parent) == RT_Object_Class_Event) in rt_event_delete"),
    C(event_send_null, "((event) != RT_NULL) in rt_event_send"),
    C(event_recv_type, "(rt_object_get_type(&(event)->parent.parent) == RT_Object_Class_Event) in rt_event_recv"),
    C(event_control_null, "((event) != RT_NULL) in rt_event_control"),
    C(malloc_align_odd, "(align != 0 && (align & (align - 1)) == 0) in kheap_malloc_align"),
    C(heap_init_twice, "(kheap_heap == RT_NULL) in rt_system_heap_init"),
};
#undef C

static const struct assert_case *as_case;
static void body_assert(void *arg)
{
    as_case->fn();
    tu_log("not reached");
}

static void test_kernel_asserts(void **state)
{
    for (size_t i = 0; i < sizeof assert_cases / sizeof assert_cases[0]; i++)
    {
        struct rt_sim_config cfg;
        as_case = &assert_cases[i];
        tu_config(&cfg);
        cfg.checked = 0;    /* the kernel's own asserts speak, not the checker */
        tu_log_reset();
        tu_console_reset();
        int rc = tu_run(&cfg, body_assert, NULL);
        char want[256];
        snprintf(want, sizeof want, "rtsim: assertion failed: %s, line ", as_case->expect);
        if (rc != RT_SIM_EASSERT || strstr(tu_report(), want) == NULL)
            fail_msg("case %zu: run ended %d, expected \"%s\" in:\n%s", i, rc, want, tu_report());
        assert_string_equal(tu_log_text(), "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_slab_check_conditions, setup),
        cmocka_unit_test_setup(test_slab_walk_stops, setup),
        cmocka_unit_test_setup(test_smem_check_conditions, setup),
        cmocka_unit_test_setup(test_classic_check_conditions, setup),
        cmocka_unit_test_setup(test_smem_walk_stops, setup),
        cmocka_unit_test_setup(test_classic_walk_stops, setup),
        cmocka_unit_test_setup(test_smem_misuse, setup),
        cmocka_unit_test(test_memheap_check_conditions),
        cmocka_unit_test(test_memheap_walk_stops),
        cmocka_unit_test(test_snprintf_formats),
        cmocka_unit_test(test_mp_check_conditions),
        cmocka_unit_test(test_mp_edges),
        cmocka_unit_test(test_kheap_edges),
        cmocka_unit_test(test_ipc_returns),
        cmocka_unit_test(test_kernel_asserts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
