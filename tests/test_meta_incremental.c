/*
 * test_meta_incremental.c - checked mode's incremental metadata record
 * (kernel/src/kheap.c K11, sim/check_meta.c M5; issue 12).
 *
 * After a checked call the small-mem heaps record only the windows of
 * headers the call could change, not the whole heap.  Here a seeded random
 * correct workload (malloc, calloc, realloc that grows, shrinks in place
 * and moves, free, malloc_align) runs on every heap at levels 1 and 2 with
 * the self-check on: after every incremental record the whole heap is
 * recorded too and the two shadows must be the same, byte for byte.  The
 * test also asserts which path was taken: the small-mem heaps record
 * incrementally (all but a few calls), the others always record the whole
 * heap; and that an overflow into the next header is still reported after
 * a run of incremental records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "direct_heap.h"

/* kernel/src/heap.h */
void rt_system_heap_meta_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                   rt_size_t *mismatches);
void rt_heap_shadow_direct_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                     rt_size_t *mismatches);

#define SLOTS   24
#define STEPS   800

static rt_size_t got_partial, got_whole, got_mismatch;
static uint64_t seed;

static void workload(void *arg)
{
    void *slot[SLOTS] = { 0 };
    int aligned[SLOTS] = { 0 };
    uint64_t rng = seed;

    (void)arg;
    rt_system_heap_meta_selfcheck(RT_TRUE, RT_NULL, RT_NULL, RT_NULL);
    for (int step = 0; step < STEPS; step++)
    {
        int i = (int)(tu_rand(&rng) % SLOTS);
        rt_size_t size = 1 + (rt_size_t)(tu_rand(&rng) % 300);
        unsigned op = (unsigned)(tu_rand(&rng) % 8);

        if (slot[i] == RT_NULL)
        {
            if (op == 0)
            {
                slot[i] = rt_calloc(1, size);
            }
            else if (op == 1)
            {
                slot[i] = rt_malloc_align(size, 32);
                aligned[i] = slot[i] != RT_NULL;
            }
            else
            {
                slot[i] = rt_malloc(size);
            }
            if (slot[i] != RT_NULL)
                memset(slot[i], 0x5A, size);
        }
        else if (op < 3 && !aligned[i])
        {
            void *p = rt_realloc(slot[i], size);    /* grows, shrinks or moves */
            if (p != RT_NULL)
            {
                slot[i] = p;
                memset(p, 0xA5, size);
            }
        }
        else
        {
            if (aligned[i])
                rt_free_align(slot[i]);
            else
                rt_free(slot[i]);
            slot[i] = RT_NULL;
            aligned[i] = 0;
        }
    }
    for (int i = 0; i < SLOTS; i++)
    {
        if (aligned[i])
            rt_free_align(slot[i]);
        else
            rt_free(slot[i]);
    }
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_system_heap_meta_selfcheck(RT_FALSE, &got_partial, &got_whole, &got_mismatch);
}

static const char *const heaps[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };

static void test_incremental_equals_whole(void **state)
{
    (void)state;
    seed = tu_seed(12);
    for (size_t h = 0; h < sizeof heaps / sizeof heaps[0]; h++)
    {
        for (int level = 1; level <= 2; level++)
        {
            struct rt_sim_config cfg;

            tu_config(&cfg);
            cfg.heap = heaps[h];
            cfg.board = "stm32f429-disco";
            cfg.checked = level;
            cfg.leaks_fail = 1;
            got_partial = got_whole = got_mismatch = 99999;
            tu_console_reset();
            int rc = tu_run(&cfg, workload, NULL);
            if (rc != RT_SIM_OK || got_mismatch != 0 || getenv("RTSIM_TEST_VERBOSE"))
                fprintf(stderr, "heap %s level %d seed %llu: rc %d, partial %lu, whole %lu, "
                        "mismatches %lu\n%s", heaps[h], level, (unsigned long long)seed, rc,
                        (unsigned long)got_partial, (unsigned long)got_whole,
                        (unsigned long)got_mismatch, tu_report());
            assert_int_equal(rc, RT_SIM_OK);
            assert_string_equal(tu_report(), "");
            assert_int_equal(got_mismatch, 0);
            /* about one call per step; a whole record only where two
             * windows meet (a realloc moving next door, strict mode
             * freeing from its quarantine, ...) or, on slab, where a call
             * changed the page frame (S10) */
            assert_true(got_partial > STEPS * 3 / 4);
            assert_true(got_whole * 10 < got_partial);
        }
    }
}

/* Many incremental records, then an overflow into the header right after
 * a block: the next call reports it, naming the block below. */
static unsigned long victim_below;

static void overflow_late(void *arg)
{
    void *keep[16];

    (void)arg;
    for (int i = 0; i < 16; i++)
        keep[i] = rt_malloc(40 + 8 * (rt_size_t)i);
    for (int i = 0; i < 16; i += 2)
        rt_free(keep[i]);
    for (int i = 0; i < 16; i += 2)
        keep[i] = rt_malloc(40 + 8 * (rt_size_t)i);
    victim_below = rt_sim_target_addr(keep[7]);
    /* 96 bytes asked: 16 bytes past its end, written as the program's
     * stray stores would land (rt_sim_poke: not stopped first by ASan's
     * poisoned headers in a sanitizer build). */
    for (int i = 0; i < 16; i++)
        rt_sim_poke((char *)keep[7] + 96 + i, 0xFF);
    (void)rt_malloc(50);
    TU_EXPECT(0);                               /* not reached: the report stops the run */
}

static void test_overflow_after_incremental_records(void **state)
{
    (void)state;
    static const char *const incremental[] = { "smallmem", "smallmem-classic", "tlsf" };

    for (int c = 0; c < 3; c++)
    {
        struct rt_sim_config cfg;
        char want[96];

        tu_config(&cfg);
        cfg.heap = incremental[c];
        cfg.checked = 1;
        tu_console_reset();
        int rc = rt_sim_run(&cfg, overflow_late, NULL);
        assert_int_equal(rc, RT_SIM_EMEMORY);
        snprintf(want, sizeof want, "heap overflow from the block at 0x%08lx",
                 victim_below);
        if (strstr(tu_report(), want) == NULL)
            fprintf(stderr, "%s: want \"%s\" in:\n%s", cfg.heap, want, tu_report());
        assert_non_null(strstr(tu_report(), want));
        assert_non_null(strstr(tu_report(), "the header of the block at"));
    }
}

/* tlsf records incrementally with its free lists linking blocks far
 * apart: after many calls that relinked list neighbours (the records
 * refreshed through the windows' links), a write into the first word of
 * a free block - its `next` link - far from any block the last calls
 * touched is still reported at the next call, naming that freed block. */
static unsigned long link_victim;

static void link_damage_late(void *arg)
{
    void *keep[24];

    (void)arg;
    for (int i = 0; i < 24; i++)
        keep[i] = rt_malloc(48 + 16 * (rt_size_t)(i % 4));
    for (int i = 0; i < 24; i += 2)
        rt_free(keep[i]);                   /* free blocks in the same lists */
    for (int round = 0; round < 40; round++)
    {
        void *p = rt_malloc(48 + 16 * (rt_size_t)(round % 4));
        rt_free(p);                         /* relinks list neighbours */
    }
    link_victim = rt_sim_target_addr(keep[4]);
    for (int i = 0; i < 4; i++)
        rt_sim_poke((char *)keep[4] + i, 0x41);
    (void)rt_malloc(300);
    TU_EXPECT(0);                               /* not reached: the report stops the run */
}

static void test_link_damage_after_incremental_records(void **state)
{
    struct rt_sim_config cfg;
    char want[96];

    (void)state;
    tu_config(&cfg);
    cfg.heap = "tlsf";
    cfg.checked = 1;
    tu_console_reset();
    int rc = rt_sim_run(&cfg, link_damage_late, NULL);
    assert_int_equal(rc, RT_SIM_EMEMORY);
    snprintf(want, sizeof want, "write after free into the block at 0x%08lx", link_victim);
    if (strstr(tu_report(), want) == NULL || strstr(tu_report(), "free-list link") == NULL)
        fprintf(stderr, "want \"%s\" and a free-list link in:\n%s", want, tu_report());
    assert_non_null(strstr(tu_report(), want));
    assert_non_null(strstr(tu_report(), "free-list link"));
}

/* The same rule for heaps a program makes directly (kernel/src/heap_shadow.c
 * S9): the workload through each algorithm's own API, on a heap made over
 * a 64 KiB block of the system heap. */
#define DIRECT_ARENA 65536
static int direct_algo;

static void direct_workload(void *arg)
{
    void *slot[SLOTS] = { 0 };
    uint64_t rng = seed;
    unsigned char *arena = rt_malloc(DIRECT_ARENA);
    struct direct_heap d;

    (void)arg;
    TU_EXPECT(arena != RT_NULL);
    rt_heap_shadow_direct_selfcheck(RT_TRUE, RT_NULL, RT_NULL, RT_NULL);
    TU_EXPECT(dh_init(&d, direct_algo, "own", arena, DIRECT_ARENA) != RT_NULL);
    if (d.h == RT_NULL)
        return;
    for (int step = 0; step < STEPS; step++)
    {
        int i = (int)(tu_rand(&rng) % SLOTS);
        rt_size_t size = 1 + (rt_size_t)(tu_rand(&rng) % 300);
        unsigned op = (unsigned)(tu_rand(&rng) % 8);

        if (slot[i] == RT_NULL)
        {
            slot[i] = dh_alloc(&d, size);
            if (slot[i] != RT_NULL)
                memset(slot[i], 0x5A, size);
        }
        else if (op < 3)
        {
            void *p = dh_realloc(&d, slot[i], size);  /* grows, shrinks or moves */
            if (p != RT_NULL)
            {
                slot[i] = p;
                memset(p, 0xA5, size);
            }
        }
        else
        {
            dh_free(&d, slot[i]);
            slot[i] = RT_NULL;
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (slot[i] != RT_NULL)
            dh_free(&d, slot[i]);
    dh_detach(&d);
    rt_free(arena);
    rt_heap_shadow_direct_selfcheck(RT_FALSE, &got_partial, &got_whole, &got_mismatch);
}

static void test_direct_incremental_equals_whole(void **state)
{
    (void)state;
    seed = tu_seed(21);
    for (direct_algo = 0; direct_algo < DH_COUNT; direct_algo++)
        for (int level = 1; level <= 2; level++)
        {
            struct rt_sim_config cfg;

            tu_config(&cfg);
            cfg.board = "stm32f429-disco";
            cfg.checked = level;
            cfg.leaks_fail = 1;
            got_partial = got_whole = got_mismatch = 99999;
            int rc = tu_run(&cfg, direct_workload, NULL);
            if (rc != RT_SIM_OK || got_mismatch != 0 || getenv("RTSIM_TEST_VERBOSE"))
                fprintf(stderr, "direct %s level %d seed %llu: rc %d, partial %lu, whole %lu, "
                        "mismatches %lu\n%s", heaps[direct_algo], level,
                        (unsigned long long)seed, rc, (unsigned long)got_partial,
                        (unsigned long)got_whole, (unsigned long)got_mismatch, tu_report());
            assert_int_equal(rc, RT_SIM_OK);
            assert_string_equal(tu_report(), "");
            assert_int_equal(got_mismatch, 0);
            /* slab: one zone fits in the arena, so most sizes fail and
             * write nothing (a partial record of no window) */
            assert_true(got_partial > STEPS * 3 / 4);
            assert_true(got_whole * 10 < got_partial);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_direct_incremental_equals_whole),
        cmocka_unit_test(test_incremental_equals_whole),
        cmocka_unit_test(test_overflow_after_incremental_records),
        cmocka_unit_test(test_link_damage_after_incremental_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
