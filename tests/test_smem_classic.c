/*
 * test_smem_classic.c - the pre-4.1.0 small-memory heap
 * (kernel/src/mem_classic.c), alone and side by side with the 4.1 one.
 *
 * Numbers (H = header, A = RT_ALIGN_SIZE, M = MIN_SIZE_ALIGNED = RT_ALIGN(12)):
 *   ILP32:  H 12 (magic 2 + used 2 + next 4 + prev 4), A 4, M 12
 *   native: H 24 (magic 2 + used 2 + resv 4 + next 8 + prev 8), A 8, M 16
 * The 4.1 heap's M is 24 on native, so rt_malloc(1) costs 40 bytes there
 * against 48 with the 4.1 layout.
 */
#include <stdlib.h>
#include <string.h>

#include "heaptest.h"
#include "testutil.h"

#define H    ((rt_size_t)(sizeof(void *) == 8 ? 24 : 12))
#define A    ((rt_size_t)RT_ALIGN_SIZE)
#define M    ((rt_size_t)RT_ALIGN(12, RT_ALIGN_SIZE))
#define CTL  ((rt_size_t)(sizeof(void *) == 8 ? 112 : 64))
#define NOFF (sizeof(void *) == 8 ? 8 : 4)     /* offset of next in the header */
#define AL(x) RT_ALIGN((rt_size_t)(x), A)

static const struct ht_ops *o = &ht_classic;
static unsigned char arena[2][65536] __attribute__((aligned(64)));

struct cls_hdr { rt_uint16_t *magic, *used; rt_size_t *next, *prev; };

static struct cls_hdr hdr(unsigned char *h)
{
    struct cls_hdr r = { (rt_uint16_t *)h, (rt_uint16_t *)(h + 2),
                         (rt_size_t *)(h + NOFF), (rt_size_t *)(h + NOFF + sizeof(rt_size_t)) };
    return r;
}

static rt_smem_t fresh(const struct ht_ops *ops, int which, rt_size_t size)
{
    ht_garbage(arena[which], size, 0xc1a55 + (uint64_t)which);
    rt_smem_t m = ops->init(which ? "heap1" : "heap0", arena[which], size);
    assert_non_null(m);
    assert_int_equal(ops->check(m), 0);
    return m;
}

static int setup(void **state)
{
    (void)state;
    rt_system_object_init();
    return 0;
}

static void test_header_layout(void **state)
{
    (void)state;
    rt_smem_t m = fresh(o, 0, 4096);
    rt_size_t T = 4096 - CTL - 2 * H;

    assert_int_equal(m->total, T);
    assert_string_equal(m->algorithm, "small-classic");
    unsigned char *p = ht_alloc(o, m, 1);
    assert_ptr_equal(p, arena[0] + CTL + H);
    struct cls_hdr h = hdr(p - H);
    assert_int_equal(*h.magic, 0x1ea0);
    assert_int_equal(*h.used, 1);
    assert_int_equal(*h.next, M + H);
    assert_int_equal(*h.prev, 0);
    assert_shape(o, m, "u%lu f%lu", M, T - M - H);
    struct cls_hdr f = hdr(ht_block(o, m, 1));         /* split-off remainder */
    assert_int_equal(*f.magic, 0x1ea0);
    assert_int_equal(*f.used, 0);
    struct cls_hdr s = hdr(ht_sentinel(o, m));
    assert_int_equal(*s.magic, 0x1ea0);
    assert_int_equal(*s.used, 1);
    assert_int_equal(*s.next, T + H);
    ht_free(o, m, p);
    o->detach(m);
}

/* C2: the strict loop bound - a fresh classic heap cannot hand out total. */
static void test_strict_bound(void **state)
{
    (void)state;
    rt_smem_t m = fresh(o, 0, 4096);
    rt_size_t T = m->total;

    assert_null(ht_alloc(o, m, T));
    assert_shape(o, m, "f%lu", T);
    void *p = ht_alloc(o, m, T - A);    /* one step less: the whole block */
    assert_non_null(p);
    assert_shape(o, m, "u%lu", T);
    assert_int_equal(m->used, T + H);
    ht_free(o, m, p);

    /* the 4.1 heap over the same range does hand out all of its total */
    rt_smem_t n = fresh(&ht_smem, 1, 4096);
    assert_non_null(ht_alloc(&ht_smem, n, n->total));
    rt_smem_detach(n);
    o->detach(m);
}

static void test_split_merge(void **state)
{
    (void)state;
    rt_smem_t m = fresh(o, 0, 4096);
    rt_size_t T = m->total, R = T - 3 * (32 + H) - (64 + H);
    void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 64);
    void *c = ht_alloc(o, m, 32), *d = ht_alloc(o, m, 32);

    ht_free(o, m, b);
    assert_shape(o, m, "u32 f64 u32 u32 f%lu", R);
    void *x = ht_alloc(o, m, 64 - H - M + A);      /* no room for a remainder */
    assert_ptr_equal(x, b);
    assert_shape(o, m, "u32 u64 u32 u32 f%lu", R);
    assert_int_equal(m->used, 3 * (32 + H) + 64 + H);
    ht_free(o, m, x);
    x = ht_alloc(o, m, 64 - H - M);                /* remainder = H + M: split */
    assert_ptr_equal(x, b);
    assert_shape(o, m, "u32 u%lu f%lu u32 u32 f%lu", 64 - H - M, M, R);
    ht_free(o, m, x);
    ht_free(o, m, a);
    assert_shape(o, m, "f%lu u32 u32 f%lu", 96 + H, R);
    ht_free(o, m, d);
    ht_free(o, m, c);
    assert_shape(o, m, "f%lu", T);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, 3 * (32 + H) + 64 + H);
    o->detach(m);
}

static void test_realloc_rules(void **state)
{
    (void)state;
    rt_smem_t m = fresh(o, 0, 4096);
    rt_size_t T = m->total;
    int local;

    assert_ptr_equal(ht_realloc(o, m, &local, 16), &local);  /* C5 */
    unsigned char *p = ht_realloc(o, m, NULL, 400);
    memset(p, 0x5a, 400);
    assert_ptr_equal(ht_realloc(o, m, p, 100), p);
    assert_shape(o, m, "u%lu f%lu", AL(100), T - AL(100) - H);
    assert_ptr_equal(ht_realloc(o, m, p, 1), p);            /* below M */
    assert_shape(o, m, "u%lu f%lu", A, T - A - H);
    unsigned char *q = ht_realloc(o, m, p, 300);            /* grow: moves */
    assert_ptr_not_equal(q, p);
    assert_int_equal(q[0], 0x5a);
    assert_null(ht_realloc(o, m, q, T));                    /* no room: untouched */
    assert_int_equal(q[0], 0x5a);
    assert_null(ht_realloc(o, m, q, 0));
    assert_shape(o, m, "f%lu", T);
    o->detach(m);
}

static void test_invariants(void **state)
{
    (void)state;
    rt_smem_t m = fresh(o, 0, 4096);
    void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 32), *c = ht_alloc(o, m, 32);
    struct cls_hdr hb = hdr(ht_block(o, m, 1));
    struct cls_hdr hs = hdr(ht_sentinel(o, m));
    rt_size_t save;

    m->total += A;
    assert_int_equal(o->check(m), 1);
    m->total -= A;
    *hs.used = 0;
    assert_int_equal(o->check(m), 2);
    *hs.used = 1;
    *hb.magic = 0x1ea1;
    assert_int_equal(o->check(m), 3);
    *hb.magic = 0x1ea0;
    *hb.used = 2;
    assert_int_equal(o->check(m), 3);
    *hb.used = 1;
    save = *hb.next;
    *hb.next = 0;
    assert_int_equal(o->check(m), 4);
    *hb.next = save + 1;
    assert_int_equal(o->check(m), 4);
    *hb.next = save;
    *hb.prev += A;
    assert_int_equal(o->check(m), 5);
    *hb.prev -= A;
    assert_int_equal(o->check(m), 0);

    ht_free(o, m, a);
    *hb.used = 0;
    assert_int_equal(o->check(m), 6);
    *hb.used = 1;
    a = ht_alloc(o, m, 32);
    ht_free(o, m, b);
    *hb.used = 1;
    assert_int_equal(o->check(m), 7);
    *hb.used = 0;
    m->used += A;
    assert_int_equal(o->check(m), 8);
    m->used -= A;
    assert_int_equal(o->check(m), 0);
    ht_free(o, m, a);
    ht_free(o, m, c);
    o->detach(m);
}

struct trace_op { char op; int slot; rt_size_t size; };

/* The same program on both layouts: the shapes differ exactly by the
 * minimum block size, and only where a request is below the minimum. */
static void test_side_by_side(void **state)
{
    (void)state;
    static const struct trace_op prog[] = {
        { 'a', 0, 1 }, { 'a', 1, 100 }, { 'a', 2, 8 }, { 'a', 3, 64 },
        { 'f', 1, 0 }, { 'a', 4, 40 }, { 'r', 3, 16 }, { 'f', 0, 0 },
    };
    rt_smem_t mc = fresh(&ht_classic, 0, 4096), mn = fresh(&ht_smem, 1, 4096);
    void *pc[5] = { 0 }, *pn[5] = { 0 };

    for (size_t i = 0; i < sizeof prog / sizeof prog[0]; i++)
    {
        const struct trace_op *t = &prog[i];
        if (t->op == 'a')
        {
            pc[t->slot] = ht_alloc(&ht_classic, mc, t->size);
            pn[t->slot] = ht_alloc(&ht_smem, mn, t->size);
        }
        else if (t->op == 'f')
        {
            ht_free(&ht_classic, mc, pc[t->slot]);
            ht_free(&ht_smem, mn, pn[t->slot]);
        }
        else
        {
            pc[t->slot] = ht_realloc(&ht_classic, mc, pc[t->slot], t->size);
            pn[t->slot] = ht_realloc(&ht_smem, mn, pn[t->slot], t->size);
        }
    }
    if (sizeof(void *) == 8)
    {
        /* classic shrinks slot 3 in place (16 + 24 + 12 < 64); 4.1 cannot
         * (16 + 24 + 24 = 64 is not < 64) and moves it into the 40-byte hole */
        assert_shape(&ht_classic, mc, "f16 u40 f40 u16 u16 f3688");
        assert_shape(&ht_smem, mn, "f24 u40 u40 u24 f3712");
    }
    else
    {
        /* on a 32-bit target the two layouts behave identically */
        assert_shape(&ht_classic, mc, "f12 u40 f48 u12 u16 f3820");
        assert_shape(&ht_smem, mn, "f12 u40 f48 u12 u16 f3820");
    }
    rt_smem_classic_detach(mc);
    rt_smem_detach(mn);
}

static void test_stress(void **state)
{
    (void)state;
    uint64_t seed = tu_seed(7);
    rt_smem_t m = fresh(o, 0, sizeof arena[0]);
    ht_stress(o, m, seed, 20000, 700);
    assert_shape(o, m, "f%lu", m->total);
    o->detach(m);
    m = fresh(o, 1, 1024);
    ht_stress(o, m, seed + 1, 5000, 300);
    assert_shape(o, m, "f%lu", m->total);
    o->detach(m);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_header_layout, setup),
        cmocka_unit_test_setup(test_strict_bound, setup),
        cmocka_unit_test_setup(test_split_merge, setup),
        cmocka_unit_test_setup(test_realloc_rules, setup),
        cmocka_unit_test_setup(test_invariants, setup),
        cmocka_unit_test_setup(test_side_by_side, setup),
        cmocka_unit_test_setup(test_stress, setup),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("smem_classic", tests, NULL, NULL);
}
