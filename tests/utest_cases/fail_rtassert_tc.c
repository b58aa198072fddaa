/*
 * fail_rtassert_tc.c - a utest case that fails on purpose: it releases a
 * NULL semaphore, which RT-Thread's RT_ASSERT rejects; the run stops
 * with RT_SIM_EASSERT.
 */
#include <utest.h>

static void unit_misuses_api(void)
{
    rt_sem_release(RT_NULL);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_misuses_api);
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.rtassert", RT_NULL, RT_NULL, 10);
