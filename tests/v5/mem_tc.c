/*
 * mem_tc.c - the small-memory heap object (5.x flavour), the behaviour
 * RT-Thread 5.x's src/utest/mem_tc.c checks: a heap on a static buffer,
 * aligned blocks, exhaustion, realloc keeping contents, and every free
 * merging back into one block.  rt_smem_check after every step.
 * Our own code.
 */
#include <utest.h>

#define HEAP_SIZE 2048
static rt_uint8_t heap_buf[HEAP_SIZE] rt_align(RT_ALIGN_SIZE);

static void test_mem_alloc_free(void)
{
    rt_smem_t h = rt_smem_init("tc_mem", heap_buf, sizeof heap_buf);
    uassert_not_null(h);
    uassert_int_equal(rt_smem_check(h), 0);
    rt_size_t used0 = h->used;

    void *p[8];
    for (int i = 0; i < 8; i++)
    {
        p[i] = rt_smem_alloc(h, 13 + (rt_size_t)i * 7);
        uassert_not_null(p[i]);
        uassert_int_equal((rt_ubase_t)p[i] % RT_ALIGN_SIZE, 0);
        rt_memset(p[i], i, 13 + (rt_size_t)i * 7);
        uassert_int_equal(rt_smem_check(h), 0);
    }
    uassert_value_greater(h->used, used0);
    /* free every other block, then the rest: all merges back */
    for (int i = 0; i < 8; i += 2)
    {
        rt_smem_free(p[i]);
        uassert_int_equal(rt_smem_check(h), 0);
    }
    for (int i = 1; i < 8; i += 2)
    {
        uassert_int_equal(((rt_uint8_t *)p[i])[0], i);
        rt_smem_free(p[i]);
        uassert_int_equal(rt_smem_check(h), 0);
    }
    uassert_int_equal(h->used, used0);

    /* too big: NULL, nothing changes */
    uassert_null(rt_smem_alloc(h, HEAP_SIZE));
    uassert_int_equal(h->used, used0);
    /* the largest block fits again after the frees */
    void *big = rt_smem_alloc(h, h->total - h->used - 64);
    uassert_not_null(big);
    uassert_int_equal(rt_smem_check(h), 0);
    rt_smem_free(big);
    uassert_int_equal(h->used, used0);
    uassert_int_equal(rt_smem_detach(h), RT_EOK);
}

static void test_mem_realloc(void)
{
    rt_smem_t h = rt_smem_init("tc_mem", heap_buf, sizeof heap_buf);
    rt_uint8_t *p = rt_smem_alloc(h, 16);
    for (int i = 0; i < 16; i++)
        p[i] = (rt_uint8_t)i;
    rt_uint8_t *q = rt_smem_realloc(h, p, 200);
    uassert_not_null(q);
    for (int i = 0; i < 16; i++)
        uassert_int_equal(q[i], i);
    uassert_int_equal(rt_smem_check(h), 0);
    rt_uint8_t *r = rt_smem_realloc(h, q, 8);      /* shrink keeps the block */
    uassert_ptr_equal(r, q);
    uassert_int_equal(r[7], 7);
    uassert_int_equal(rt_smem_check(h), 0);
    uassert_null(rt_smem_realloc(h, r, 0));        /* 0: freed */
    uassert_int_equal(rt_smem_check(h), 0);
    rt_smem_detach(h);
}

static void test_system_heap(void)
{
    rt_size_t total, used0, used1, max;
    rt_memory_info(&total, &used0, &max);
    void *p = rt_malloc(100);
    uassert_not_null(p);
    rt_memory_info(&total, &used1, &max);
    uassert_value_greater(used1, used0);
    void *a = rt_malloc_align(40, 32);
    uassert_int_equal((rt_ubase_t)a % 32, 0);
    rt_free_align(a);
    rt_free(p);
    rt_memory_info(&total, &used1, &max);
    uassert_int_equal(used1, used0);
    uassert_int_equal(rt_system_heap_check(), 0);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_mem_alloc_free);
    UTEST_UNIT_RUN(test_mem_realloc);
    UTEST_UNIT_RUN(test_system_heap);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.mem_tc", tc_init, tc_cleanup, 10);
