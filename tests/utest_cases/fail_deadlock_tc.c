/*
 * fail_deadlock_tc.c - a utest case that fails on purpose: it waits
 * forever on a semaphore nobody releases.  No cycle of mutex waits, so not
 * a deadlock: the run ends with the waiting-forever report
 * (RT_SIM_EWAITING) and the case fails; its "PASSED" line is
 * never printed because the case function never returns.
 */
#include <utest.h>

static void unit_waits_forever(void)
{
    rt_sem_t never = rt_sem_create("never", 0, RT_IPC_FLAG_FIFO);

    uassert_not_null(never);
    rt_sem_take(never, RT_WAITING_FOREVER);
}

static void testcase(void)
{
    UTEST_UNIT_RUN(unit_waits_forever);
}
UTEST_TC_EXPORT(testcase, "rtsim.fail.waiting", RT_NULL, RT_NULL, 10);
