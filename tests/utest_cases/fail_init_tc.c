/*
 * fail_init_tc.c - a utest case that fails on purpose: its init returns an
 * error, so the case function and cleanup never run.
 */
#include <utest.h>

static rt_err_t tc_init(void)
{
    return -RT_ENOMEM;
}

static void testcase(void)
{
    rt_kprintf("fail_init: the case function ran\n");
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.init", tc_init, RT_NULL, 1);
