/*
 * memheap_tc.c - memheap (5.x flavour), the behaviour RT-Thread 5.x's
 * src/utest/memheap_tc.c checks: random-sized allocations and frees from
 * a memheap until it is full, contents kept, realloc, and the heap whole
 * again at the end.  rt_memheap_check after every step.  Our own code.
 */
#include <utest.h>

#define HEAP_SIZE 4096
static rt_uint8_t heap_buf[HEAP_SIZE] rt_align(RT_ALIGN_SIZE);
static struct rt_memheap heap;

static void test_memheap_fill(void)
{
    void *p[64];
    int n = 0;
    uint32_t seed = 12345;
    uassert_int_equal(rt_memheap_init(&heap, "tc_mh", heap_buf, sizeof heap_buf), RT_EOK);
    rt_size_t avail0 = heap.available_size;
    while (n < 64)
    {
        seed = seed * 1103515245u + 12345u;
        rt_size_t sz = 8 + (seed >> 16) % 120;
        p[n] = rt_memheap_alloc(&heap, sz);
        uassert_int_equal(rt_memheap_check(&heap), 0);
        if (p[n] == RT_NULL)
            break;
        uassert_int_equal((rt_ubase_t)p[n] % RT_ALIGN_SIZE, 0);
        rt_memset(p[n], n, sz < 8 ? sz : 8);
        n++;
    }
    uassert_value_greater(n, 10);
    uassert_value_less(heap.available_size, avail0);
    for (int i = n - 1; i >= 0; i -= 2)
    {
        uassert_int_equal(((rt_uint8_t *)p[i])[0], i);
        rt_memheap_free(p[i]);
        uassert_int_equal(rt_memheap_check(&heap), 0);
    }
    for (int i = n - 2; i >= 0; i -= 2)
    {
        rt_memheap_free(p[i]);
        uassert_int_equal(rt_memheap_check(&heap), 0);
    }
    uassert_int_equal(heap.available_size, avail0);

    rt_uint8_t *q = rt_memheap_alloc(&heap, 32);
    rt_memset(q, 0x5A, 32);
    rt_uint8_t *r = rt_memheap_realloc(&heap, q, 300);
    uassert_not_null(r);
    uassert_int_equal(r[31], 0x5A);
    uassert_int_equal(rt_memheap_check(&heap), 0);
    rt_memheap_free(r);
    uassert_int_equal(heap.available_size, avail0);
    uassert_int_equal(rt_memheap_detach(&heap), RT_EOK);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_memheap_fill);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.memheap_tc", tc_init, tc_cleanup, 10);
