/*
 * fail_tc.c - a utest case that fails on purpose: its second unit breaks
 * two assertions, so the third unit must never run.  Used by the checks
 * of the runner (check_utest_cli.py, expect_fail_main.c).
 */
#include <utest.h>

static void unit_passes(void)
{
    uassert_int_equal(1 + 1, 2);
}

static void unit_fails(void)
{
    uassert_int_equal(1 + 1, 3);
    uassert_str_equal("rtsim", "rt-thread");
}

static void unit_never_runs(void)
{
    rt_kprintf("unit_never_runs ran\n");
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_passes);
    UTEST_UNIT_RUN(unit_fails);
    UTEST_UNIT_RUN(unit_never_runs);
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.assert", RT_NULL, RT_NULL, 1);
