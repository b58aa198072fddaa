/*
 * fail_timeout_tc.c - a utest case that fails on purpose: its timeout is
 * 1 second but it sleeps for 5; the run stops at tick 1000 of virtual time
 * (RT_SIM_ETICKLIMIT), which costs no wall time.
 */
#include <utest.h>

static void unit_oversleeps(void)
{
    rt_thread_mdelay(5000);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_oversleeps);
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.timeout", RT_NULL, RT_NULL, 1);
