/*
 * test_smem.c - the 4.1.0+ small-memory heap (kernel/src/mem.c) on plain
 * host memory: exact block shapes after every step, check() around every
 * call, each invariant broken on purpose, seeded stress.
 *
 * Numbers for both word sizes (H = header, A = RT_ALIGN_SIZE,
 * M = MIN_SIZE_ALIGNED, CTL = the heap object at the start of the range):
 *   ILP32:  H 12, A 4, M 12, CTL 64   -> a 4096-byte range has total 4008
 *   native: H 24, A 8, M 24, CTL 112  -> a 4096-byte range has total 3936
 */
#include <stdlib.h>
#include <string.h>

#include "heaptest.h"
#include "testutil.h"

#define H   ((rt_size_t)(sizeof(void *) == 8 ? 24 : 12))
#define A   ((rt_size_t)RT_ALIGN_SIZE)
#define M   H
#define CTL ((rt_size_t)(sizeof(void *) == 8 ? 112 : 64))
#define AL(x) RT_ALIGN((rt_size_t)(x), A)

static const struct ht_ops *o = &ht_smem;
static unsigned char arena[2][65536] __attribute__((aligned(64)));

static rt_smem_t fresh(int which, rt_size_t size)
{
    ht_garbage(arena[which], size, 0x5eed + (uint64_t)which);
    rt_smem_t m = rt_smem_init(which ? "heap1" : "heap0", arena[which], size);
    assert_non_null(m);
    assert_int_equal(rt_smem_check(m), 0);
    return m;
}

static int setup(void **state)
{
    (void)state;
    rt_system_object_init();
    return 0;
}

static void test_init_numbers(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = 4096 - CTL - 2 * H;

    assert_int_equal(m->total, T);
    assert_int_equal(T, sizeof(void *) == 8 ? 3936 : 4008);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, 0);
    assert_string_equal(m->algorithm, "small");
    assert_string_equal(m->parent.name, "heap0");
    assert_int_equal(rt_object_get_type(&m->parent), RT_Object_Class_Memory);
    assert_true(rt_object_is_systemobject(&m->parent));
    assert_ptr_equal((void *)m, arena[0]);
    assert_int_equal(m->address, (rt_ubase_t)arena[0] + CTL);
    assert_shape(o, m, "f%lu", T);
    /* the sentinel sits right after the single free block */
    assert_ptr_equal(ht_sentinel(o, m), arena[0] + CTL + H + T);

    /* the first block's data starts one header after heap_ptr */
    void *p = ht_alloc(o, m, 1);
    assert_ptr_equal(p, arena[0] + CTL + H);
    assert_shape(o, m, "u%lu f%lu", M, T - M - H);
    assert_int_equal(m->used, M + H);
    ht_free(o, m, p);
    assert_shape(o, m, "f%lu", T);
    rt_smem_detach(m);
}

static void test_unaligned_begin(void **state)
{
    (void)state;
    /* begin 3 bytes past an aligned address, odd size: both ends trimmed */
    rt_smem_t m = rt_smem_init("odd", arena[0] + 3, 4001);
    assert_non_null(m);
    assert_ptr_equal((void *)m, arena[0] + A);
    rt_size_t end = RT_ALIGN_DOWN((rt_size_t)(3 + 4001), A);
    assert_int_equal(m->total, end - A - CTL - 2 * H);
    assert_int_equal(rt_smem_check(m), 0);
    rt_smem_detach(m);
}

static void test_whole_total_in_one_block(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total;

    void *p = ht_alloc(o, m, T);          /* 4.1: the inclusive bound */
    assert_non_null(p);
    assert_shape(o, m, "u%lu", T);
    assert_int_equal(m->used, T + H);
    assert_int_equal(m->max, T + H);
    assert_null(ht_alloc(o, m, 1));
    ht_free(o, m, p);
    assert_shape(o, m, "f%lu", T);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, T + H);

    /* one step short: the remainder cannot hold a block, all is handed out */
    p = ht_alloc(o, m, T - A);
    assert_shape(o, m, "u%lu", T);
    ht_free(o, m, p);
    assert_null(ht_alloc(o, m, T + 1));
    assert_null(ht_alloc(o, m, (rt_size_t)-1));
    rt_smem_detach(m);
}

static void test_zero_and_rounding(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total;

    assert_null(ht_alloc(o, m, 0));
    assert_shape(o, m, "f%lu", T);
    void *a = ht_alloc(o, m, 1);
    void *b = ht_alloc(o, m, M + 1);
    void *c = ht_alloc(o, m, 3 * A);
    assert_shape(o, m, "u%lu u%lu u%lu f%lu", M, M + A, M > 3 * A ? M : 3 * A,
                 T - M - (M + A) - (M > 3 * A ? M : 3 * A) - 3 * H);
    assert_ptr_equal(b, (unsigned char *)a + M + H);
    assert_ptr_equal(c, (unsigned char *)b + M + A + H);
    ht_free(o, m, b);
    ht_free(o, m, a);
    ht_free(o, m, c);
    assert_shape(o, m, "f%lu", T);
    rt_smem_detach(m);
}

static void test_split_rule(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total, C = AL(100);
    void *a = ht_alloc(o, m, 100);
    void *g = ht_alloc(o, m, 8);
    ht_free(o, m, a);
    rt_size_t R = T - C - M - 2 * H;
    assert_shape(o, m, "f%lu u%lu f%lu", C, M, R);

    /* remainder one step too small for header + M: whole block, all counted */
    void *x = ht_alloc(o, m, C - H - M + A);
    assert_ptr_equal(x, a);
    assert_shape(o, m, "u%lu u%lu f%lu", C, M, R);
    assert_int_equal(m->used, C + H + M + H);
    ht_free(o, m, x);

    /* remainder exactly header + M: split */
    x = ht_alloc(o, m, C - H - M);
    assert_ptr_equal(x, a);
    assert_shape(o, m, "u%lu f%lu u%lu f%lu", C - H - M, M, M, R);
    assert_int_equal(m->used, C - M + M + H);
    ht_free(o, m, x);
    ht_free(o, m, g);
    assert_shape(o, m, "f%lu", T);
    rt_smem_detach(m);
}

static void test_merge_and_first_fit(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total, R = T - 4 * (32 + H);
    void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 32);
    void *c = ht_alloc(o, m, 32), *d = ht_alloc(o, m, 32);
    assert_shape(o, m, "u32 u32 u32 u32 f%lu", R);

    ht_free(o, m, b);                                   /* no neighbour free */
    assert_shape(o, m, "u32 f32 u32 u32 f%lu", R);
    void *x = ht_alloc(o, m, 8);                        /* first fit: b's hole */
    assert_ptr_equal(x, b);
    ht_free(o, m, x);
    ht_free(o, m, a);                                   /* merges forward */
    assert_shape(o, m, "f%lu u32 u32 f%lu", 64 + H, R);
    ht_free(o, m, d);                                   /* merges with the tail */
    assert_shape(o, m, "f%lu u32 f%lu", 64 + H, R + 32 + H);
    ht_free(o, m, c);                                   /* both sides */
    assert_shape(o, m, "f%lu", T);
    assert_int_equal(m->used, 0);
    assert_int_equal(m->max, 4 * (32 + H));
    rt_smem_detach(m);
}

static void test_realloc_basic(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total;

    void *p = ht_realloc(o, m, NULL, 40);               /* NULL: alloc */
    assert_non_null(p);
    assert_shape(o, m, "u%lu f%lu", AL(40), T - AL(40) - H);
    assert_ptr_equal(ht_realloc(o, m, p, AL(40) - 1), p); /* same capacity */
    assert_null(ht_realloc(o, m, p, 0));                  /* 0: free */
    assert_shape(o, m, "f%lu", T);
    assert_null(ht_realloc(o, m, NULL, 0));
    assert_null(ht_realloc(o, m, NULL, T + 1));
    rt_smem_detach(m);
}

static void test_realloc_shrink(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total;

    /* big shrink in place, tail merged with the free successor */
    unsigned char *p = ht_alloc(o, m, 400);
    memset(p, 0x11, 400);
    assert_ptr_equal(ht_realloc(o, m, p, 100), p);
    assert_shape(o, m, "u%lu f%lu", AL(100), T - AL(100) - H);
    assert_int_equal(m->used, AL(100) + H);
    assert_int_equal(p[0], 0x11);
    assert_int_equal(p[99], 0x11);

    /* shrink below M: not raised to the minimum */
    assert_ptr_equal(ht_realloc(o, m, p, 1), p);
    assert_shape(o, m, "u%lu f%lu", A, T - A - H);
    ht_free(o, m, p);

    /* shrink with a used successor: a new free block, lfree lowered */
    p = ht_alloc(o, m, 400);
    void *g = ht_alloc(o, m, 8);
    assert_ptr_equal(ht_realloc(o, m, p, 100), p);
    assert_shape(o, m, "u%lu f%lu u%lu f%lu", AL(100), 400 - AL(100) - H, M,
                 T - 400 - M - 2 * H);
    assert_ptr_equal(ht_alloc(o, m, 8), p + AL(100) + H);   /* lowest hole */
    rt_smem_detach(m);
    (void)g;
}

static void test_realloc_move(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    rt_size_t T = m->total;

    /* a small shrink cannot split: alloc + copy + free */
    unsigned char *p = ht_alloc(o, m, 64);
    for (int i = 0; i < 64; i++)
        p[i] = (unsigned char)i;
    void *g = ht_alloc(o, m, 8);
    unsigned char *q = ht_realloc(o, m, p, 64 - A);
    assert_ptr_not_equal(q, p);
    assert_shape(o, m, "f64 u%lu u%lu f%lu", M, 64 - A, T - 64 - M - (64 - A) - 3 * H);
    for (rt_size_t i = 0; i < 64 - A; i++)
        assert_int_equal(q[i], i);

    /* grow: moves, contents kept, old block freed and merged */
    unsigned char *r = ht_realloc(o, m, q, 200);
    assert_ptr_not_equal(r, q);
    for (rt_size_t i = 0; i < 64 - A; i++)
        assert_int_equal(r[i], i);
    assert_shape(o, m, "f64 u%lu f%lu u200 f%lu", M, 64 - A, T - 64 - M - (64 - A) - 200 - 4 * H);

    /* grow failure: NULL, old block untouched */
    void *big = ht_alloc(o, m, T - 64 - M - (64 - A) - 200 - 4 * H);
    assert_non_null(big);
    const char *before = strdup(ht_shape(o, m));
    assert_null(ht_realloc(o, m, r, 1000));
    assert_string_equal(ht_shape(o, m), before);
    for (rt_size_t i = 0; i < 64 - A; i++)
        assert_int_equal(r[i], i);
    assert_null(ht_realloc(o, m, r, T + A));    /* above total */
    assert_string_equal(ht_shape(o, m), before);
    free((void *)before);
    (void)g;
    rt_smem_detach(m);
}

/* Break one invariant at a time; check() must name it, then restore. */
static void test_invariants(void **state)
{
    (void)state;
    rt_smem_t m = fresh(0, 4096);
    void *a = ht_alloc(o, m, 32), *b = ht_alloc(o, m, 32), *c = ht_alloc(o, m, 32);
    rt_ubase_t *hb = (rt_ubase_t *)ht_block(o, m, 1);   /* b's header */
    rt_ubase_t *hs = (rt_ubase_t *)ht_sentinel(o, m);
    rt_ubase_t save;

    m->total += A;                                   /* I1 */
    assert_int_equal(rt_smem_check(m), 1);
    m->total -= A;
    save = hs[1]; hs[1] += A;                        /* I2 */
    assert_int_equal(rt_smem_check(m), 2);
    hs[1] = save;
    save = hb[0]; hb[0] ^= 0x100;                    /* I3: foreign owner */
    assert_int_equal(rt_smem_check(m), 3);
    hb[0] = save;
    save = hb[1]; hb[1] = 8 * 4096;                  /* I4: next beyond the end */
    assert_int_equal(rt_smem_check(m), 4);
    hb[1] = save + 1;
    assert_int_equal(rt_smem_check(m), 4);
    hb[1] = save;
    save = hb[2]; hb[2] += A;                        /* I5 */
    assert_int_equal(rt_smem_check(m), 5);
    hb[2] = save;
    assert_int_equal(rt_smem_check(m), 0);

    ht_free(o, m, a);                                /* f u u f */
    hb[0] &= ~(rt_ubase_t)1;                         /* I6: b free next to a */
    assert_int_equal(rt_smem_check(m), 6);
    hb[0] |= 1;
    assert_int_equal(rt_smem_check(m), 0);

    a = ht_alloc(o, m, 32);
    ht_free(o, m, b);                                /* u f u f, lfree = b */
    hb[0] |= 1;                                      /* I7: lfree not free */
    assert_int_equal(rt_smem_check(m), 7);
    hb[0] &= ~(rt_ubase_t)1;
    m->used += A;                                    /* I8 */
    assert_int_equal(rt_smem_check(m), 8);
    m->used -= A;
    save = m->max; m->max = m->total + H + A;
    assert_int_equal(rt_smem_check(m), 8);
    m->max = save;
    assert_int_equal(rt_smem_check(m), 0);
    ht_free(o, m, a);
    ht_free(o, m, c);
    assert_shape(o, m, "f%lu", m->total);
    rt_smem_detach(m);
    /* a detached heap is not a heap any more */
    assert_int_equal(rt_smem_check(m), 1);
}

static void test_two_heaps(void **state)
{
    (void)state;
    rt_smem_t m0 = fresh(0, 4096), m1 = fresh(1, 8192);
    void *p0 = ht_alloc(o, m0, 100), *p1 = ht_alloc(o, m1, 100);
    rt_smem_free(p1);                       /* finds its heap by itself */
    assert_shape(o, m1, "f%lu", m1->total);
    assert_shape(o, m0, "u%lu f%lu", AL(100), m0->total - AL(100) - H);
    rt_smem_free(p0);
    assert_int_equal(rt_smem_check(m0), 0);
    assert_int_equal(m0->used, 0);
    rt_smem_detach(m1);
    rt_smem_detach(m0);
}

static void test_stress(void **state)
{
    (void)state;
    uint64_t seed = tu_seed(42);
    rt_smem_t m = fresh(0, sizeof arena[0]);
    ht_stress(o, m, seed, 20000, 700);
    assert_shape(o, m, "f%lu", m->total);
    rt_smem_detach(m);

    m = fresh(1, 1024);                     /* small: many failures */
    ht_stress(o, m, seed + 1, 5000, 300);
    assert_shape(o, m, "f%lu", m->total);
    rt_smem_detach(m);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_numbers, setup),
        cmocka_unit_test_setup(test_unaligned_begin, setup),
        cmocka_unit_test_setup(test_whole_total_in_one_block, setup),
        cmocka_unit_test_setup(test_zero_and_rounding, setup),
        cmocka_unit_test_setup(test_split_rule, setup),
        cmocka_unit_test_setup(test_merge_and_first_fit, setup),
        cmocka_unit_test_setup(test_realloc_basic, setup),
        cmocka_unit_test_setup(test_realloc_shrink, setup),
        cmocka_unit_test_setup(test_realloc_move, setup),
        cmocka_unit_test_setup(test_invariants, setup),
        cmocka_unit_test_setup(test_two_heaps, setup),
        cmocka_unit_test_setup(test_stress, setup),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("smem", tests, NULL, NULL);
}
