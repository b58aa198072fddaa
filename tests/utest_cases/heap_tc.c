/*
 * heap_tc.c - utest case: rt_malloc / rt_realloc / rt_calloc / rt_free on
 * the system heap, with rt_memory_info accounting every byte back.
 */
#include <utest.h>

static void test_malloc_free(void)
{
    rt_size_t total, used_before, used, max_used;
    char *p;

    rt_memory_info(&total, &used_before, &max_used);
    uassert_true(total > 1024 * 1024);  /* the 8 MiB SDRAM heap */
    p = rt_malloc(1000);
    uassert_not_null(p);
    uassert_int_equal((rt_ubase_t)p % RT_ALIGN_SIZE, 0);
    rt_memory_info(&total, &used, &max_used);
    uassert_in_range(used - used_before, 1000, 1000 + 64);
    rt_memset(p, 0x5A, 1000);
    rt_free(p);
    rt_memory_info(&total, &used, &max_used);
    uassert_int_equal(used, used_before);
}

static void test_realloc_keeps_data(void)
{
    static const char text[] = "RT-Thread on a laptop";
    char *p = rt_malloc(sizeof text);

    uassert_not_null(p);
    rt_memcpy(p, text, sizeof text);
    p = rt_realloc(p, 4096);
    uassert_not_null(p);
    uassert_str_equal(p, text);
    uassert_buf_equal(p, text, sizeof text);
    p = rt_realloc(p, 8);
    uassert_not_null(p);
    uassert_buf_equal(p, text, 8);
    uassert_null(rt_realloc(p, 0));     /* frees it */
}

static void test_calloc_zeroes(void)
{
    rt_uint32_t *v = rt_calloc(64, sizeof *v);
    rt_uint32_t zero[64] = { 0 };

    uassert_not_null(v);
    uassert_buf_equal(v, zero, sizeof zero);
    v[3] = 1;
    uassert_buf_not_equal(v, zero, sizeof zero);
    rt_free(v);
}

static void test_out_of_memory(void)
{
    uassert_null(rt_malloc(64u * 1024 * 1024));
}

static void testcase(void)
{
    UTEST_UNIT_RUN(test_malloc_free);
    UTEST_UNIT_RUN(test_realloc_keeps_data);
    UTEST_UNIT_RUN(test_calloc_zeroes);
    UTEST_UNIT_RUN(test_out_of_memory);
}
UTEST_TC_EXPORT(testcase, "rtsim.utest.heap", RT_NULL, RT_NULL, 5);
