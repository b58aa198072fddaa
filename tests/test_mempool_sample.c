/*
 * test_mempool_sample.c - runs tests/samples/mempool_sample.c (our version
 * of RT-Thread's memory-pool kernel sample) from the shell and checks the
 * interleaving of its "allocate" and "release" lines against what RT-Thread's
 * programming manual documents, for the build's word size.
 *
 * The manual (32-bit target, 4096 / (80 + 4) = 48 blocks) shows:
 *   allocate No.0 ... allocate No.47
 *   thread2 try to release block
 *   release block 0, allocate No.48, release block 1, allocate No.49,
 *   release block 2 ... release block 49
 * On a 64-bit target the pool has 4096 / (80 + 8) = 46 blocks, so four
 * release/allocate pairs interleave before thread2 frees the rest.
 */
#include <stdio.h>
#include <string.h>
#include "testutil.h"

#define WANTED 50

static void sample_main(void *arg)
{
    (void)arg;
    rt_mp_set_wake_order(0);
    TU_EXPECT_INT(rt_msh_exec("mempool_sample"), 0);
}

/* The sample's own lines, in order (boot banners and the like dropped). */
static void sample_lines(const char *console, char *out, size_t cap)
{
    out[0] = '\0';
    size_t len = 0;
    for (const char *p = console; *p;)
    {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!strncmp(p, "allocate No.", 12) || !strncmp(p, "release block ", 14) ||
            !strncmp(p, "thread2 try to release block", 28))
        {
            assert_true(len + n < cap);
            memcpy(out + len, p, n);
            len += n;
            out[len] = '\0';
        }
        p += n;
    }
}

/* What the manual's sequence becomes for a pool of `blocks` blocks. */
static void expected_lines(int blocks, char *out, size_t cap)
{
    size_t len = 0;
#define EMIT(...) do { int n_ = snprintf(out + len, cap - len, __VA_ARGS__); \
                       assert_true(n_ > 0 && (size_t)n_ < cap - len); len += (size_t)n_; } while (0)
    for (int i = 0; i < blocks; i++)
        EMIT("allocate No.%d\n", i);
    EMIT("thread2 try to release block\n");
    for (int i = 0; i < WANTED; i++)
    {
        EMIT("release block %d\n", i);
        if (blocks + i < WANTED)
            EMIT("allocate No.%d\n", blocks + i);
    }
#undef EMIT
}

static char got[8192], want[8192];

static void test_sample_output(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, sample_main, NULL), RT_SIM_OK);
    sample_lines(tu_console(), got, sizeof got);

    int blocks = 4096 / (80 + (int)sizeof(void *));
    assert_int_equal(blocks, sizeof(void *) == 4 ? 48 : 46);
    expected_lines(blocks, want, sizeof want);
    assert_string_equal(got, want);
}

/* The manual's text for the 32-bit target, spelled out (its "..." lines
 * filled in), checked on the ILP32 build. */
static void test_sample_matches_manual_ilp32(void **state)
{
    (void)state;
    if (sizeof(void *) != 4)
        return;     /* the native flavour models a 64-bit target */
    char manual[4096];
    size_t len = 0;
    for (int i = 0; i <= 47; i++)
        len += (size_t)snprintf(manual + len, sizeof manual - len, "allocate No.%d\n", i);
    len += (size_t)snprintf(manual + len, sizeof manual - len,
                            "thread2 try to release block\n"
                            "release block 0\nallocate No.48\n"
                            "release block 1\nallocate No.49\n");
    for (int i = 2; i <= 49; i++)
        len += (size_t)snprintf(manual + len, sizeof manual - len, "release block %d\n", i);

    struct rt_sim_config cfg;
    tu_config(&cfg);
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, sample_main, NULL), RT_SIM_OK);
    sample_lines(tu_console(), got, sizeof got);
    assert_string_equal(got, manual);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_output),
        cmocka_unit_test(test_sample_matches_manual_ilp32),
    };
    return cmocka_run_group_tests_name("mempool_sample", tests, NULL, NULL);
}
