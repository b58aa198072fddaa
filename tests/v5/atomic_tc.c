/*
 * atomic_tc.c - rtatomic.h on the simulated single CPU (5.x flavour), the
 * behaviour RT-Thread 5.x's src/utest/atomic_tc.c checks: every operation's
 * result and side effect, and counts kept exact while threads of equal
 * priority interleave and an interrupt adds from under them.  Our own code.
 */
#include <utest.h>

static void test_atomic_api(void)
{
    rt_atomic_t v = 0, exp;

    rt_atomic_store(&v, 10);
    uassert_int_equal(rt_atomic_load(&v), 10);
    uassert_int_equal(rt_atomic_add(&v, 5), 10);        /* old value */
    uassert_int_equal(v, 15);
    uassert_int_equal(rt_atomic_sub(&v, 20), 15);
    uassert_int_equal(v, -5);
    rt_atomic_store(&v, 0x0F);
    uassert_int_equal(rt_atomic_and(&v, 0x3C), 0x0F);
    uassert_int_equal(v, 0x0C);
    uassert_int_equal(rt_atomic_or(&v, 0x30), 0x0C);
    uassert_int_equal(v, 0x3C);
    uassert_int_equal(rt_atomic_xor(&v, 0xFF), 0x3C);
    uassert_int_equal(v, 0xC3);
    uassert_int_equal(rt_atomic_exchange(&v, 7), 0xC3);
    uassert_int_equal(v, 7);

    /* compare-exchange: success stores, failure reports the current value */
    exp = 7;
    uassert_int_equal(rt_atomic_compare_exchange_strong(&v, &exp, 9), 1);
    uassert_int_equal(v, 9);
    exp = 7;
    uassert_int_equal(rt_atomic_compare_exchange_strong(&v, &exp, 11), 0);
    uassert_int_equal(v, 9);
    uassert_int_equal(exp, 9);

    /* flag */
    rt_atomic_flag_clear(&v);
    uassert_int_equal(v, 0);
    uassert_int_equal(rt_atomic_flag_test_and_set(&v), 0);
    uassert_int_equal(v, 1);
    uassert_int_equal(rt_atomic_flag_test_and_set(&v), 1);
    rt_atomic_flag_clear(&v);
    uassert_int_equal(rt_atomic_load(&v), 0);

    /* wrap-around as on the board */
    rt_atomic_store(&v, (rt_atomic_t)((~(rt_ubase_t)0) >> 1));   /* max */
    rt_atomic_add(&v, 1);
    uassert_true(v < 0);
}

#define WORKERS 3
#define ROUNDS  200
static rt_atomic_t counter, done_count, spin_flag;
static rt_atomic_t in_section, overlaps;

static void worker(void *p)
{
    (void)p;
    for (int i = 0; i < ROUNDS; i++)
    {
        rt_atomic_add(&counter, 3);
        rt_atomic_sub(&counter, 1);
        /* a test-and-set lock around a section the others must not enter */
        while (rt_atomic_flag_test_and_set(&spin_flag))
            rt_thread_yield();
        if (rt_atomic_add(&in_section, 1) != 0)
            rt_atomic_add(&overlaps, 1);
        rt_thread_yield();                  /* hold it across a switch */
        rt_atomic_sub(&in_section, 1);
        rt_atomic_flag_clear(&spin_flag);
        rt_thread_yield();
    }
    rt_atomic_add(&done_count, 1);
}

static void isr_add(void *p)
{
    (void)p;
    rt_atomic_add(&counter, 1000);
}

static void test_atomic_threads(void)
{
    counter = done_count = spin_flag = in_section = overlaps = 0;
    rt_tick_t now = rt_tick_get();
    for (int i = 0; i < 5; i++)
        uassert_int_equal(rt_sim_irq_at(now + 1 + (rt_tick_t)i, isr_add, RT_NULL), 0);
    for (int i = 0; i < WORKERS; i++)
    {
        rt_thread_t t = rt_thread_create("aw", worker, RT_NULL, UTEST_THR_STACK_SIZE,
                                         RT_MAIN_THREAD_PRIORITY + 1, 1);
        uassert_not_null(t);
        rt_thread_startup(t);
    }
    while (rt_atomic_load(&done_count) != WORKERS)
        rt_thread_delay(1);
    rt_thread_delay(10);                    /* every interrupt has come */
    uassert_int_equal(counter, WORKERS * ROUNDS * 2 + 5 * 1000);
    uassert_int_equal(overlaps, 0);
    uassert_int_equal(spin_flag, 0);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_atomic_api);
    UTEST_UNIT_RUN(test_atomic_threads);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.atomic_tc", tc_init, tc_cleanup, 10);
