/*
 * test_clean_programs.c - zero false positives: seeded random CORRECT
 * programs (rt_malloc, rt_calloc, rt_realloc, rt_free, rt_malloc_align,
 * rt_free_align, memory pools made by rt_mp_create and by rt_mp_init over
 * an exactly-sized static buffer) run on every system-heap algorithm at
 * every checking level (off, on, strict, on + check_every_call).  Each
 * program writes every byte it owns and reads it back; it must end with
 * RT_SIM_OK, no report, no leak, its data intact, rt_system_heap_check()
 * 0 and `used` back to where it started.
 *
 * Under Valgrind (the `valgrind` test setup, CI's memcheck stage) the test
 * also counts memcheck's errors after every program
 * (VALGRIND_COUNT_ERRORS): a program that raised one is minimised (ops
 * dropped one at a time while the error stays) and printed as a C
 * snippet, so it can be kept as a regression below.  Under ASan (CI's
 * asan stage) every wrong access inside the arena stops the program.
 *
 * RTSIM_TEST_SEED picks the first seed, RTSIM_CLEAN_PROGRAMS the number of
 * programs per heap and level (default 12; 2 under helgrind and drd).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

/* kernel/src/heap.h: strict mode's quarantine gives its blocks back. */
void rt_system_heap_quarantine_flush(void);

#ifdef RTSIM_TEST_HAVE_VALGRIND
#include <valgrind/valgrind.h>
#include <valgrind/memcheck.h>
#define VG_ERRORS() (RUNNING_ON_VALGRIND ? (long)VALGRIND_COUNT_ERRORS : 0L)
#else
#define VG_ERRORS() 0L
#endif

/* ------------------------------------------------------------ programs */
enum op_kind { OP_MALLOC, OP_CALLOC, OP_REALLOC, OP_FREE, OP_ALIGN, OP_FREE_ALIGN,
               OP_MP_ALLOC, OP_MP_FREE, OP_KINDS };

struct op
{
    enum op_kind kind;
    int slot;               /* which of the program's pointers */
    rt_size_t size;         /* malloc / calloc / realloc / align size */
    rt_size_t align;        /* rt_malloc_align */
    int pool;               /* 0: rt_mp_create'd pool, 1: static buffer */
};

#define SLOTS       8
#define MAX_OPS     40
#define POOL_BLOCKS 4
#define POOL_BLOCK  24      /* not a multiple of 8 or 16: rounded by the pool */

struct program { struct op op[MAX_OPS]; int n; };

enum slot_kind { S_EMPTY, S_HEAP, S_ALIGN, S_POOL };

struct slot { enum slot_kind kind; unsigned char *p; rt_size_t size; unsigned char seed; };

/* An exactly-sized static pool buffer (RT-Thread 5.x mempool_tc.c does
 * this): its neighbours must stay untouched by rtsim's redzones. */
#define POOL_BUF_SIZE (POOL_BLOCKS * (RT_ALIGN(POOL_BLOCK, RT_ALIGN_SIZE) + sizeof(void *)))
static struct
{
    unsigned char before[16];
    unsigned char buf[POOL_BUF_SIZE];
    unsigned char after[16];
} pool_area;
static struct rt_mempool static_pool;

static const struct program *running;
static int data_bad;            /* a byte read back was not what was written */
static char inside_failure[256];    /* the first expectation that failed in the run */
static char calls[MAX_OPS * 48];        /* the calls the run made, as C */

static void said(const char *fmt, ...)
{
    size_t n = strlen(calls);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(calls + n, sizeof calls - n, fmt, ap);
    va_end(ap);
}

#define EXPECT_EQ(a, b) do { long long a__ = (long long)(a), b__ = (long long)(b);          \
        if (a__ != b__ && !inside_failure[0])                                               \
            snprintf(inside_failure, sizeof inside_failure, "line %d: %s == %s: %lld != %lld", \
                     __LINE__, #a, #b, a__, b__); } while (0)

static rt_size_t pick_size(uint64_t *rng)
{
    switch (tu_rand(rng) % 8)
    {
    case 0:  return (rt_size_t)(tu_rand(rng) % 4);          /* 0..3, also 0 */
    case 1:  return 500 + (rt_size_t)(tu_rand(rng) % 1500);  /* big */
    default: return 1 + (rt_size_t)(tu_rand(rng) % 200);
    }
}

/* A correct program: it only frees what it owns, with the right call. */
static void generate(struct program *pg, uint64_t *rng)
{
    enum slot_kind kind[SLOTS] = { S_EMPTY };
    int pool_of_slot[SLOTS] = { 0 };

    pg->n = 3 + (int)(tu_rand(rng) % (MAX_OPS - 3));
    for (int i = 0; i < pg->n; i++)
    {
        struct op *o = &pg->op[i];
        o->slot = (int)(tu_rand(rng) % SLOTS);
        o->size = pick_size(rng);
        o->align = (rt_size_t)8 << (tu_rand(rng) % 5);
        o->pool = (int)(tu_rand(rng) % 2);
        switch (kind[o->slot])
        {
        case S_EMPTY:
        {
            static const enum op_kind fresh[] = { OP_MALLOC, OP_MALLOC, OP_CALLOC, OP_REALLOC,
                                                  OP_ALIGN, OP_MP_ALLOC };
            o->kind = fresh[tu_rand(rng) % (sizeof fresh / sizeof fresh[0])];
            break;
        }
        case S_HEAP:
            o->kind = tu_rand(rng) % 3 ? OP_REALLOC : OP_FREE;
            break;
        case S_ALIGN:
            o->kind = OP_FREE_ALIGN;
            break;
        case S_POOL:
            o->kind = OP_MP_FREE;
            o->pool = pool_of_slot[o->slot];
            break;
        }
        /* what the slot holds afterwards (a failed allocation is handled
         * at run time: the slot then stays empty) */
        switch (o->kind)
        {
        case OP_MALLOC: case OP_CALLOC:
            kind[o->slot] = o->size ? S_HEAP : S_EMPTY;
            break;
        case OP_REALLOC:
            kind[o->slot] = o->size ? S_HEAP : S_EMPTY;
            break;
        case OP_ALIGN:
            kind[o->slot] = S_ALIGN;
            break;
        case OP_MP_ALLOC:
            kind[o->slot] = S_POOL;
            pool_of_slot[o->slot] = o->pool;
            break;
        default:
            kind[o->slot] = S_EMPTY;
            break;
        }
    }
}

static void fill(struct slot *s, unsigned char seed)
{
    s->seed = seed;
    for (rt_size_t i = 0; i < s->size; i++)
        s->p[i] = (unsigned char)(seed + i * 7);
}

static void verify(const struct slot *s, rt_size_t n)
{
    for (rt_size_t i = 0; i < n && i < s->size; i++)
        if (s->p[i] != (unsigned char)(s->seed + i * 7))
            data_bad = 1;
}

static void run_program(void *arg)
{
    (void)arg;
    const struct program *pg = running;
    struct slot slot[SLOTS];
    rt_size_t used0, used_end;

    rt_memory_info(RT_NULL, &used0, RT_NULL);
    rt_mp_t dyn_pool = rt_mp_create("dyn", POOL_BLOCKS, POOL_BLOCK);
    memset(slot, 0, sizeof slot);
    EXPECT_EQ(dyn_pool != RT_NULL, 1);
    EXPECT_EQ(rt_mp_init(&static_pool, "static", pool_area.buf, sizeof pool_area.buf,
                             POOL_BLOCK), RT_EOK);
    EXPECT_EQ(static_pool.block_total_count, POOL_BLOCKS);
    for (int i = 0; i < pg->n; i++)
    {
        const struct op *o = &pg->op[i];
        struct slot *s = &slot[o->slot];
        rt_mp_t mp = o->pool ? &static_pool : dyn_pool;
        unsigned char seed = (unsigned char)(i * 31 + 1);

        switch (o->kind)
        {
        case OP_MALLOC: case OP_CALLOC: case OP_ALIGN: case OP_MP_ALLOC:
            if (s->kind != S_EMPTY)
                break;
            s->size = o->kind == OP_MP_ALLOC ? POOL_BLOCK : o->size;
            if (o->kind == OP_MALLOC)
                said("    p%d = rt_malloc(%lu);\n", o->slot, (unsigned long)o->size);
            else if (o->kind == OP_CALLOC)
                said("    p%d = rt_calloc(1, %lu);\n", o->slot, (unsigned long)o->size);
            else if (o->kind == OP_ALIGN)
                said("    p%d = rt_malloc_align(%lu, %lu);\n", o->slot, (unsigned long)o->size,
                     (unsigned long)o->align);
            else
                said("    p%d = rt_mp_alloc(%s, 0);\n", o->slot, o->pool ? "static" : "dyn");
            s->p = o->kind == OP_MALLOC ? rt_malloc(o->size)
                 : o->kind == OP_CALLOC ? rt_calloc(1, o->size)
                 : o->kind == OP_ALIGN ? rt_malloc_align(o->size, o->align)
                 : rt_mp_alloc(mp, 0);
            if (s->p == RT_NULL)
                break;
            if (o->kind == OP_CALLOC)
                for (rt_size_t k = 0; k < s->size; k++)
                    if (s->p[k] != 0)
                        data_bad = 1;
            s->kind = o->kind == OP_ALIGN ? S_ALIGN : o->kind == OP_MP_ALLOC ? S_POOL : S_HEAP;
            fill(s, seed);
            break;
        case OP_REALLOC:
        {
            if (s->kind != S_EMPTY && s->kind != S_HEAP)
                break;
            char was[8] = "NULL";
            if (s->p != RT_NULL)
                snprintf(was, sizeof was, "p%d", o->slot);
            said("    p%d = rt_realloc(%s, %lu);\n", o->slot, was, (unsigned long)o->size);
            unsigned char *n = rt_realloc(s->p, o->size);
            if (o->size == 0)
            {
                s->kind = S_EMPTY;
                s->p = RT_NULL;
                break;
            }
            if (n == RT_NULL)
                break;          /* the old block (if any) is intact */
            rt_size_t keep = s->kind == S_HEAP ? (s->size < o->size ? s->size : o->size) : 0;
            s->p = n;
            s->size = keep;
            verify(s, keep);
            s->size = o->size;
            s->kind = S_HEAP;
            fill(s, seed);
            break;
        }
        case OP_FREE: case OP_FREE_ALIGN: case OP_MP_FREE:
            if (s->kind == S_EMPTY)
                break;
            verify(s, s->size);
            said("    %s(p%d);\n", s->kind == S_HEAP ? "rt_free" : s->kind == S_ALIGN
                 ? "rt_free_align" : "rt_mp_free", o->slot);
            if (s->kind == S_HEAP)
                rt_free(s->p);
            else if (s->kind == S_ALIGN)
                rt_free_align(s->p);
            else
                rt_mp_free(s->p);
            s->kind = S_EMPTY;
            s->p = RT_NULL;
            break;
        default:
            break;
        }
    }
    /* a correct program gives everything back */
    for (int k = 0; k < SLOTS; k++)
    {
        struct slot *s = &slot[k];
        if (s->kind == S_EMPTY)
            continue;
        verify(s, s->size);
        said("    %s(p%d);\n", s->kind == S_HEAP ? "rt_free" : s->kind == S_ALIGN
             ? "rt_free_align" : "rt_mp_free", k);
        if (s->kind == S_HEAP)
            rt_free(s->p);
        else if (s->kind == S_ALIGN)
            rt_free_align(s->p);
        else
            rt_mp_free(s->p);
    }
    EXPECT_EQ(rt_mp_detach(&static_pool), RT_EOK);
    EXPECT_EQ(rt_mp_delete(dyn_pool), RT_EOK);
    EXPECT_EQ(rt_system_heap_check(), 0);
    rt_system_heap_quarantine_flush();
    rt_memory_info(RT_NULL, &used_end, RT_NULL);
    EXPECT_EQ(used_end, used0);
}

/* ----------------------------------------------------------- harness */
static const char *const heaps[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };
#define NHEAPS (sizeof heaps / sizeof heaps[0])

struct level { int checked, every_call; const char *name; };
static const struct level levels[] =
{
    { 0, 0, "off" }, { 1, 0, "on" }, { 2, 0, "strict" }, { 1, 1, "on+every_call" },
};
#define NLEVELS (sizeof levels / sizeof levels[0])

/* Run one program; nonzero when it was not clean (or raised a memcheck
 * error).  *why names what was wrong. */
static int try_program(const struct program *pg, const char *heap, const struct level *lv,
                       const char **why)
{
    struct rt_sim_config cfg;
    long errors0 = VG_ERRORS();

    tu_config(&cfg);
    cfg.heap = heap;
    /* slab zones are 32 KiB on the default board's 116 KiB heap: three
     * zones, two taken at boot; the 8 MiB SDRAM heap has room for all */
    if (!strcmp(heap, "slab"))
        cfg.board = "stm32f429-disco";
    cfg.checked = lv->checked;
    cfg.check_every_call = lv->every_call;
    cfg.leaks_fail = 1;
    running = pg;
    data_bad = 0;
    tu_console_reset();
    inside_failure[0] = '\0';
    calls[0] = '\0';
    memset(pool_area.before, 0x11, sizeof pool_area.before);
    memset(pool_area.after, 0x22, sizeof pool_area.after);
    int rc = rt_sim_run(&cfg, run_program, NULL);
    for (size_t k = 0; k < sizeof pool_area.after; k++)
        if (pool_area.before[k] != 0x11 || pool_area.after[k] != 0x22)
            return *why = "a neighbour of the static pool buffer was written", 1;
    if (rc != RT_SIM_OK)
        return *why = "the run did not end with RT_SIM_OK", 1;
    if (tu_report()[0] != '\0')
        return *why = "rtsim reported something", 1;
    if (data_bad)
        return *why = "data read back differs", 1;
    if (inside_failure[0])
        return *why = inside_failure, 1;
    if (VG_ERRORS() != errors0)
        return *why = "memcheck raised an error", 1;
    return 0;
}

/* Drop ops one at a time while the program still fails. */
static void minimise(struct program *pg, const char *heap, const struct level *lv)
{
    const char *why;
    int shrunk = 1;
    while (shrunk)
    {
        shrunk = 0;
        for (int i = 0; i < pg->n; i++)
        {
            struct program t = *pg;
            memmove(&t.op[i], &t.op[i + 1], (size_t)(t.n - i - 1) * sizeof t.op[0]);
            t.n--;
            if (try_program(&t, heap, lv, &why))
            {
                *pg = t;
                shrunk = 1;
                i--;
            }
        }
    }
}

/* Under a Valgrind tool other than memcheck (helgrind, drd: CI's thread
 * checkers, which learn nothing from these one-thread programs) a client
 * request only memcheck answers returns 0. */
static int under_thread_checker(void)
{
#ifdef RTSIM_TEST_HAVE_VALGRIND
    unsigned char byte = 0, vbits = 0;
    return RUNNING_ON_VALGRIND && VALGRIND_GET_VBITS(&byte, &vbits, 1) != 1;
#else
    return 0;
#endif
}

static int programs_per_case(void)
{
    const char *env = getenv("RTSIM_CLEAN_PROGRAMS");
    int dflt = under_thread_checker() ? 2 : 12;
    int n = env ? atoi(env) : dflt;
    return n > 0 ? n : dflt;
}

static void test_random_correct_programs(void **state)
{
    (void)state;
    uint64_t first = tu_seed(12);
    int per = programs_per_case();
    int bad = 0;

    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (rt_system_heap_select(heaps[h]) != RT_EOK)
            continue;
        rt_system_heap_select(RT_NULL);
        for (size_t l = 0; l < NLEVELS; l++)
        {
            for (int k = 0; k < per; k++)
            {
                uint64_t rng = first * 1000003u + (uint64_t)k;
                struct program pg;
                const char *why;
                generate(&pg, &rng);
                if (!try_program(&pg, heaps[h], &levels[l], &why))
                    continue;
                bad++;
                minimise(&pg, heaps[h], &levels[l]);
                (void)try_program(&pg, heaps[h], &levels[l], &why);
                fprintf(stderr, "clean-programs: heap %s, level %s, seed %llu, program %d: %s\n"
                        "  minimised (%d ops), the calls it makes:\n", heaps[h], levels[l].name,
                        (unsigned long long)first, k, why, pg.n);
                fputs(calls, stderr);
                fprintf(stderr, "  report:\n%s", tu_report());
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* Every program the generator found (minimised), and the issue's own,
 * kept: each on every heap at every level. */
#define M(slot, n)  { OP_MALLOC, slot, n, 0, 0 }
#define R(slot, n)  { OP_REALLOC, slot, n, 0, 0 }
#define F(slot)     { OP_FREE, slot, 0, 0, 0 }
static const struct program regressions[] =
{
    /* issue 12, memheap: guard, kheap_validate, slot lookup */
    { { M(0, 156), R(0, 97), F(0), M(1, 85), M(2, 54) }, 5 },
    /* memheap, on: rt_memory_info's used undefined after two shrinks */
    { { M(3, 84), R(3, 34), R(3, 2), F(3) }, 4 },
    /* tlsf, strict: rt_system_heap_check's result undefined */
    { { R(0, 29), R(0, 7), F(0) }, 3 },
    { { M(7, 26), R(7, 3), F(7) }, 3 },
    /* smallmem, on: the shrunk block's header at rt_free */
    { { R(7, 174), R(7, 107), R(3, 2), M(2, 128) }, 4 },
    /* smallmem-classic, on */
    { { M(0, 121), R(0, 29), F(0), R(1, 22), R(3, 34) }, 5 },
};

static void test_regressions(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof regressions / sizeof regressions[0]; i++)
        for (size_t h = 0; h < NHEAPS; h++)
            for (size_t l = 0; l < NLEVELS; l++)
            {
                const char *why;
                if (rt_system_heap_select(heaps[h]) != RT_EOK)
                    continue;
                rt_system_heap_select(RT_NULL);
                if (try_program(&regressions[i], heaps[h], &levels[l], &why))
                {
                    fprintf(stderr, "regression %zu, heap %s, level %s: %s\n%s", i, heaps[h],
                            levels[l].name, why, calls);
                    bad++;
                }
            }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_regressions),
        cmocka_unit_test(test_random_correct_programs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
