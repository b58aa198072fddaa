/*
 * asserts_tc.c - utest case: every uassert_* macro in its passing form,
 * each argument evaluated once, and init/cleanup run around the case.
 */
#include <utest.h>

static int init_ran;
static int evaluations;

static int count(int v)
{
    evaluations++;
    return v;
}

static void test_every_macro(void)
{
    const char *none = RT_NULL;
    static const char abc[] = "abc";

    uassert_true(1 == 1);
    uassert_false(1 == 2);
    uassert_null(none);
    uassert_not_null(abc);
    uassert_int_equal(6 * 7, 42);
    uassert_int_not_equal(6 * 7, 43);
    uassert_str_equal(abc, "abc");
    uassert_str_not_equal(abc, "abd");
    uassert_buf_equal(abc, "abcdef", 3);
    uassert_buf_not_equal(abc, "abd", 3);
    uassert_in_range(5, 1, 5);
    uassert_not_in_range(6, 1, 5);
    uassert_int_equal(utest_handle_get()->passed_num, 12);
    uassert_int_equal(utest_handle_get()->failed_num, 0);
}

static void test_single_evaluation(void)
{
    evaluations = 0;
    uassert_true(count(1));
    uassert_int_equal(count(2), 2);
    uassert_in_range(count(3), 0, 9);
    uassert_int_equal(evaluations, 3);
}

static void test_init_ran(void)
{
    uassert_int_equal(init_ran, 1);
}

static rt_err_t tc_init(void)
{
    init_ran = 1;
    return RT_EOK;
}

static rt_err_t tc_cleanup(void)
{
    init_ran = 0;
    return RT_EOK;
}

static void testcase(void)
{
    UTEST_UNIT_RUN(test_every_macro);
    UTEST_UNIT_RUN(test_single_evaluation);
    UTEST_UNIT_RUN(test_init_ran);
}
UTEST_TC_EXPORT(testcase, "rtsim.utest.asserts", tc_init, tc_cleanup, 1);
