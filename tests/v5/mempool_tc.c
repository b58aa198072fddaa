/*
 * mempool_tc.c - memory pools (5.x flavour), the behaviour RT-Thread 5.x's
 * src/utest/mempool_tc.c checks: a static pool sized for exactly N blocks,
 * a created pool, exhaustion, a timed wait failing at its tick, and a free
 * waking the oldest waiter (5.1.0).  rt_mp_check after every step.
 * Our own code.
 */
#include <utest.h>

#define BLOCK 32
#define COUNT 4
static rt_uint8_t pool_buf[COUNT * (BLOCK + sizeof(rt_uint8_t *))];
static struct rt_mempool mp;
static int hook_allocs, hook_frees;

static void on_alloc(struct rt_mempool *p, void *block) { (void)p; (void)block; hook_allocs++; }
static void on_free(struct rt_mempool *p, void *block) { (void)p; (void)block; hook_frees++; }

static void test_mempool_static(void)
{
    void *b[COUNT];
    hook_allocs = hook_frees = 0;
    rt_mp_alloc_sethook(on_alloc);
    rt_mp_free_sethook(on_free);
    uassert_int_equal(rt_mp_init(&mp, "tc_mp", pool_buf, sizeof pool_buf, BLOCK), RT_EOK);
    uassert_int_equal(mp.block_total_count, COUNT);
    for (int i = 0; i < COUNT; i++)
    {
        b[i] = rt_mp_alloc(&mp, 0);
        uassert_not_null(b[i]);
        uassert_int_equal(rt_mp_check(&mp), 0);
    }
    uassert_null(rt_mp_alloc(&mp, 0));
    rt_tick_t t0 = rt_tick_get();
    uassert_null(rt_mp_alloc(&mp, 15));
    uassert_int_equal(rt_tick_get() - t0, 15);
    for (int i = 0; i < COUNT; i++)
    {
        rt_mp_free(b[i]);
        uassert_int_equal(rt_mp_check(&mp), 0);
    }
    uassert_int_equal(mp.block_free_count, COUNT);
    uassert_int_equal(hook_allocs, COUNT);
    uassert_int_equal(hook_frees, COUNT);
    rt_mp_alloc_sethook(RT_NULL);
    rt_mp_free_sethook(RT_NULL);
    uassert_int_equal(rt_mp_detach(&mp), RT_EOK);
}

static char order[3];
static volatile int n_order;
static rt_mp_t dyn;

static void waiter(void *p)
{
    void *blk = rt_mp_alloc(dyn, RT_WAITING_FOREVER);
    order[n_order++] = (char)(rt_ubase_t)p;
    rt_mp_free(blk);
}

static void test_mempool_wait_order(void)
{
    dyn = rt_mp_create("tc_dyn", 1, BLOCK);
    uassert_not_null(dyn);
    void *only = rt_mp_alloc(dyn, 0);
    n_order = 0;
    for (char c = 'a'; c <= 'c'; c++)
    {
        rt_thread_startup(rt_thread_create("mw", waiter, (void *)(rt_ubase_t)c,
                                           UTEST_THR_STACK_SIZE, RT_MAIN_THREAD_PRIORITY - 1, 10));
    }
    rt_mp_free(only);
    rt_thread_delay(1);
    uassert_int_equal(n_order, 3);
    uassert_buf_equal(order, "abc", 3);             /* oldest first */
    uassert_int_equal(rt_mp_check(dyn), 0);
    uassert_int_equal(rt_mp_delete(dyn), RT_EOK);
    uassert_int_equal(rt_system_heap_check(), 0);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_mempool_static);
    UTEST_UNIT_RUN(test_mempool_wait_order);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.mempool_tc", tc_init, tc_cleanup, 10);
