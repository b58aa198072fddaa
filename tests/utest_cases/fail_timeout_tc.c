/*
 * fail_timeout_tc.c - a utest case that fails on purpose: its timeout is
 * 1 second but it sleeps for 4.9; the run stops at tick 1000 of virtual time
 * (RT_SIM_ETICKLIMIT), which costs no wall time.  It sleeps in the middle
 * of a line ("oversleeping..." has no newline yet): the runner's verdict
 * starts on a line of its own.
 */
#include <utest.h>

static void unit_oversleeps(void)
{
    rt_kprintf("oversleeping...");
    rt_thread_mdelay(4900);
    rt_kprintf(" never woke\n");
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_oversleeps);
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.timeout", RT_NULL, RT_NULL, 1);
