/*
 * irq_tc.c - interrupts (5.x flavour), the behaviour RT-Thread 5.x's
 * src/utest/irq_tc.c checks: the enter/leave hooks, the nesting count,
 * rt_scheduler_is_available inside a handler, and a semaphore released
 * from an interrupt waking a thread at the interrupt's tick.  Our own code.
 */
#include <utest.h>

static volatile int enters, leaves;
static volatile rt_uint8_t nest_seen;
static volatile rt_bool_t avail_in_isr;
static struct rt_semaphore sem;

static void on_enter(void) { enters++; }
static void on_leave(void) { leaves++; }

static void isr(void *p)
{
    (void)p;
    nest_seen = rt_interrupt_get_nest();
    avail_in_isr = rt_scheduler_is_available();
    rt_sem_release(&sem);
}

static void test_irq_hooks_and_nest(void)
{
    enters = leaves = 0;
    rt_interrupt_enter_sethook(on_enter);
    rt_interrupt_leave_sethook(on_leave);
    uassert_int_equal(rt_interrupt_get_nest(), 0);
    rt_interrupt_enter();
    rt_interrupt_enter();
    uassert_int_equal(rt_interrupt_get_nest(), 2);
    uassert_false(rt_scheduler_is_available());
    rt_interrupt_leave();
    rt_interrupt_leave();
    uassert_int_equal(rt_interrupt_get_nest(), 0);
    uassert_true(rt_scheduler_is_available());
    uassert_int_equal(enters, 2);
    uassert_int_equal(leaves, 2);
    rt_interrupt_enter_sethook(RT_NULL);
    rt_interrupt_leave_sethook(RT_NULL);
}

static void test_irq_wakes_thread(void)
{
    rt_sem_init(&sem, "irq", 0, RT_IPC_FLAG_PRIO);
    enters = 0;
    rt_interrupt_enter_sethook(on_enter);
    rt_tick_t at = rt_tick_get() + 30;
    uassert_int_equal(rt_sim_irq_at(at, isr, RT_NULL), 0);
    uassert_int_equal(rt_sem_take(&sem, RT_WAITING_FOREVER), RT_EOK);
    uassert_int_equal(rt_tick_get(), at);
    uassert_int_equal(nest_seen, 1);
    uassert_false(avail_in_isr);
    uassert_true(enters >= 1);
    rt_interrupt_enter_sethook(RT_NULL);
    rt_sem_detach(&sem);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_irq_hooks_and_nest);
    UTEST_UNIT_RUN(test_irq_wakes_thread);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.irq_tc", tc_init, tc_cleanup, 10);
