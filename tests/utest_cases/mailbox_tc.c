/*
 * mailbox_tc.c - utest case in the shape of RT-Thread 4.1's
 * examples/utest/testcases/kernel/mailbox_tc.c (our own code): static and
 * dynamic mailboxes, send/recv, full and empty, urgent, reset, and a
 * blocking hand-over between two threads.
 */
#include <utest.h>

static struct rt_mailbox test_static_mb;
static char mb_buffer[4 * sizeof(rt_ubase_t)];
static rt_mailbox_t test_dynamic_mb;

static void test_mailbox_init(void)
{
    uassert_true(rt_mb_init(&test_static_mb, "mbtest", mb_buffer,
                            sizeof(mb_buffer) / sizeof(rt_ubase_t), RT_IPC_FLAG_FIFO) == RT_EOK);
    uassert_true(rt_mb_detach(&test_static_mb) == RT_EOK);
    uassert_true(rt_mb_init(&test_static_mb, "mbtest", mb_buffer,
                            sizeof(mb_buffer) / sizeof(rt_ubase_t), RT_IPC_FLAG_PRIO) == RT_EOK);
    uassert_true(rt_mb_detach(&test_static_mb) == RT_EOK);
}

static void test_mailbox_create(void)
{
    test_dynamic_mb = rt_mb_create("mbtest", 4, RT_IPC_FLAG_FIFO);
    uassert_not_null(test_dynamic_mb);
    uassert_true(rt_mb_delete(test_dynamic_mb) == RT_EOK);
}

static void test_mailbox_send_recv(void)
{
    rt_ubase_t v = 0;
    test_dynamic_mb = rt_mb_create("mbtest", 4, RT_IPC_FLAG_FIFO);
    uassert_not_null(test_dynamic_mb);
    for (rt_ubase_t i = 1; i <= 4; i++)
        uassert_true(rt_mb_send(test_dynamic_mb, i) == RT_EOK);
    uassert_true(rt_mb_send(test_dynamic_mb, 5) == -RT_EFULL);
    uassert_true(rt_mb_send_wait(test_dynamic_mb, 5, 10) == -RT_ETIMEOUT);
    uassert_true(rt_mb_recv(test_dynamic_mb, &v, 0) == RT_EOK);
    uassert_int_equal(v, 1);
    uassert_true(rt_mb_urgent(test_dynamic_mb, 9) == RT_EOK);
    uassert_true(rt_mb_recv(test_dynamic_mb, &v, 0) == RT_EOK);
    uassert_int_equal(v, 9);
    uassert_true(rt_mb_control(test_dynamic_mb, RT_IPC_CMD_RESET, RT_NULL) == RT_EOK);
    uassert_true(rt_mb_recv(test_dynamic_mb, &v, 0) == -RT_ETIMEOUT);
    uassert_true(rt_mb_delete(test_dynamic_mb) == RT_EOK);
}

static void mb_sender(void *parameter)
{
    rt_thread_mdelay(20);
    rt_mb_send(parameter, 0x55aa);
}

static void test_mailbox_handover(void)
{
    rt_ubase_t v = 0;
    rt_mb_init(&test_static_mb, "mbho", mb_buffer, 1, RT_IPC_FLAG_PRIO);
    rt_thread_t t = rt_thread_create("mbsend", mb_sender, &test_static_mb, 1024,
                                     RT_MAIN_THREAD_PRIORITY + 1, 10);
    uassert_not_null(t);
    rt_thread_startup(t);
    rt_tick_t start = rt_tick_get();
    uassert_true(rt_mb_recv(&test_static_mb, &v, RT_WAITING_FOREVER) == RT_EOK);
    uassert_int_equal(v, 0x55aa);
    uassert_int_equal(rt_tick_get() - start, rt_tick_from_millisecond(20));
    rt_mb_detach(&test_static_mb);
}

static rt_err_t utest_tc_init(void) { return RT_EOK; }
static rt_err_t utest_tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_mailbox_init);
    UTEST_UNIT_RUN(test_mailbox_create);
    UTEST_UNIT_RUN(test_mailbox_send_recv);
    UTEST_UNIT_RUN(test_mailbox_handover);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.mailbox_tc", utest_tc_init, utest_tc_cleanup, 100);
