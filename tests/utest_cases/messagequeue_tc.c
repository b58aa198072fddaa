/*
 * messagequeue_tc.c - utest case in the shape of RT-Thread 4.1's
 * examples/utest/testcases/kernel/messagequeue_tc.c (our own code): init
 * and create, send / urgent / recv order, a message longer than the slot,
 * full, reset, and a message copied between two threads.
 */
#include <utest.h>

/* rt_mq_recv's success value: RT_EOK up to 4.1, the length since 5.0.1
 * (the test as portable code writes it, with RT_VERSION_CHECK). */
#if RTTHREAD_VERSION >= RT_VERSION_CHECK(5, 0, 1)
#define MQ_RECV_OK(len) ((rt_ssize_t)(len))
#else
#define MQ_RECV_OK(len) RT_EOK
#endif

#define MSG_SIZE 4
#define MAX_MSGS 5

static struct rt_messagequeue static_mq;
/* RT-Thread sizes a pool as (aligned message + header) * messages. */
static rt_uint8_t mq_buf[(RT_ALIGN(MSG_SIZE, RT_ALIGN_SIZE) + sizeof(struct rt_mq_message)) * MAX_MSGS];
static rt_mq_t dynamic_mq;

static void test_mq_init(void)
{
    uassert_true(rt_mq_init(&static_mq, "mq1", mq_buf, MSG_SIZE, sizeof(mq_buf),
                            RT_IPC_FLAG_FIFO) == RT_EOK);
    uassert_int_equal(static_mq.max_msgs, MAX_MSGS);
    uassert_true(rt_mq_detach(&static_mq) == RT_EOK);
}

static void test_mq_create(void)
{
    dynamic_mq = rt_mq_create("mq2", MSG_SIZE, MAX_MSGS, RT_IPC_FLAG_FIFO);
    uassert_not_null(dynamic_mq);
    uassert_int_equal(dynamic_mq->max_msgs, MAX_MSGS);
    uassert_true(rt_mq_delete(dynamic_mq) == RT_EOK);
}

static void test_mq_send_recv(void)
{
    rt_uint32_t v;
    dynamic_mq = rt_mq_create("mq3", MSG_SIZE, MAX_MSGS, RT_IPC_FLAG_PRIO);
    for (rt_uint32_t i = 0; i < MAX_MSGS - 1; i++)
        uassert_true(rt_mq_send(dynamic_mq, &i, sizeof i) == RT_EOK);
    v = 100;
    uassert_true(rt_mq_urgent(dynamic_mq, &v, sizeof v) == RT_EOK);
    uassert_true(rt_mq_send(dynamic_mq, &v, sizeof v) == -RT_EFULL);
    char big[RT_ALIGN(MSG_SIZE, RT_ALIGN_SIZE) + 1] = {0};   /* longer than a slot */
    uassert_true(rt_mq_send(dynamic_mq, big, sizeof big) == -RT_ERROR);
    uassert_true(rt_mq_recv(dynamic_mq, &v, sizeof v, 0) == MQ_RECV_OK(sizeof v));
    uassert_int_equal(v, 100);
    for (rt_uint32_t i = 0; i < MAX_MSGS - 1; i++)
    {
        uassert_true(rt_mq_recv(dynamic_mq, &v, sizeof v, 0) == MQ_RECV_OK(sizeof v));
        uassert_int_equal(v, i);
    }
    uassert_true(rt_mq_recv(dynamic_mq, &v, sizeof v, 5) == -RT_ETIMEOUT);
    rt_mq_send(dynamic_mq, &v, sizeof v);
    uassert_true(rt_mq_control(dynamic_mq, RT_IPC_CMD_RESET, RT_NULL) == RT_EOK);
    uassert_int_equal(dynamic_mq->entry, 0);
    uassert_true(rt_mq_delete(dynamic_mq) == RT_EOK);
}

static void mq_sender(void *parameter)
{
    rt_uint32_t v = 0x12345678;
    rt_thread_mdelay(10);
    rt_mq_send_wait(parameter, &v, sizeof v, RT_WAITING_FOREVER);
}

static void test_mq_handover(void)
{
    rt_uint32_t v = 0;
    rt_mq_init(&static_mq, "mq4", mq_buf, MSG_SIZE, sizeof(mq_buf), RT_IPC_FLAG_FIFO);
    rt_thread_t t = rt_thread_create("mqsend", mq_sender, &static_mq, 1024,
                                     RT_MAIN_THREAD_PRIORITY + 1, 10);
    rt_thread_startup(t);
    uassert_true(rt_mq_recv(&static_mq, &v, sizeof v, RT_WAITING_FOREVER) == MQ_RECV_OK(sizeof v));
    uassert_int_equal(v, 0x12345678);
    rt_mq_detach(&static_mq);
}

static rt_err_t utest_tc_init(void) { return RT_EOK; }
static rt_err_t utest_tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_mq_init);
    UTEST_UNIT_RUN(test_mq_create);
    UTEST_UNIT_RUN(test_mq_send_recv);
    UTEST_UNIT_RUN(test_mq_handover);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.messagequeue_tc", utest_tc_init, utest_tc_cleanup, 100);
