/*
 * test_msgqueue.c - message queues (kernel/src/ipc_msgqueue.c) as
 * RT-Thread 4.1.x src/ipc.c: slot layout (header + aligned message),
 * max_msgs, copies in and out, -RT_ERROR / -RT_EFULL / -RT_ETIMEOUT,
 * urgent, wake order of receivers and senders, preemption, reset,
 * detach/delete with waiters, ISR sends, heap use of create/delete.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#define HDR ((rt_size_t)sizeof(struct rt_mq_message))

/* What a successful rt_mq_recv of an n-byte message returns: RT_EOK in
 * RT-Thread 4.1.1 (src/ipc.c, rt_mq_recv), the bytes received in the 5.x
 * flavour (5.1.0 src/ipc.c, _rt_mq_recv; docs/rt-thread-5.md). */
#define RECV_OK(n) (RTSIM_RT_V5 ? (long)(n) : (long)RT_EOK)

static rt_mq_t mq;

static int run(void (*fn)(void *), void *arg)
{
    int rc = tu_run(NULL, fn, arg);
    if (rc != RT_SIM_OK)
        print_message("report: %s\nconsole: %s\n", tu_report(), tu_console());
    return rc;
}

static rt_size_t heap_used(void)
{
    rt_size_t used = 0;
    rt_memory_info(RT_NULL, &used, RT_NULL);
    return used;
}

static int list_len(void *head)
{
    int n = 0;
    for (struct rt_mq_message *m = head; m; m = m->next)
        n++;
    return n;
}

/* Invariants of ipc_msgqueue.c. */
static void mq_invariants(rt_mq_t q)
{
    TU_EXPECT_INT(list_len(q->msg_queue_head), q->entry);
    TU_EXPECT_INT(list_len(q->msg_queue_head) + list_len(q->msg_queue_free), q->max_msgs);
    TU_EXPECT((q->msg_queue_head == RT_NULL) == (q->msg_queue_tail == RT_NULL));
}

/* ------------------------------------------------------- layout, max_msgs */
static void layout_main(void *arg)
{
    (void)arg;
    static rt_uint8_t pool[100] __attribute__((aligned(8)));
    struct rt_messagequeue q;
    /* msg_size 5 -> RT_ALIGN(5, RT_ALIGN_SIZE); slot = header + that. */
    rt_size_t msg = RT_ALIGN(5, RT_ALIGN_SIZE);
    TU_EXPECT_INT(rt_mq_init(&q, "lay", pool, 5, sizeof pool, RT_IPC_FLAG_FIFO), RT_EOK);
    TU_EXPECT_INT(q.msg_size, msg);
    TU_EXPECT_INT(q.max_msgs, sizeof pool / (HDR + msg));
#if RTSIM_RT_V5
    TU_EXPECT_INT(q.max_msgs, RT_ALIGN_SIZE == 4 ? 6 : 4);   /* 100/16, 100/24 */
#else
    TU_EXPECT_INT(q.max_msgs, RT_ALIGN_SIZE == 4 ? 8 : 6);   /* 100/12, 100/16 */
#endif
    TU_EXPECT_INT(q.entry, 0);
    /* The free list starts at the last slot and runs down to slot 0. */
    rt_uint8_t *expect = pool + (q.max_msgs - 1) * (HDR + msg);
    for (struct rt_mq_message *m = q.msg_queue_free; m; m = m->next)
    {
        TU_EXPECT((rt_uint8_t *)m == expect);
        expect -= HDR + msg;
    }
    TU_EXPECT(expect + HDR + msg == pool);
    mq_invariants(&q);

    /* The first message goes into the last slot, after its header. */
    char text[5] = "abcd";
    TU_EXPECT_INT(rt_mq_send(&q, text, 5), RT_EOK);
    rt_uint8_t *last = pool + (q.max_msgs - 1) * (HDR + msg);
    TU_EXPECT(q.msg_queue_head == last);
    TU_EXPECT(memcmp(last + HDR, "abcd", 5) == 0);
    /* A copy: changing the sender's buffer changes nothing queued. */
    text[0] = 'X';
    char out[8] = "-------";
    TU_EXPECT_INT(rt_mq_recv(&q, out, sizeof out, 0), RECV_OK(5));
    /* min(size, msg_size) bytes come out. */
    TU_EXPECT(memcmp(out, "abcd", 5) == 0);
    /* Longer than the slot: -RT_ERROR, nothing queued. */
    char big[32] = {0};
    TU_EXPECT_INT(rt_mq_send(&q, big, msg + 1), -RT_ERROR);
    TU_EXPECT_INT(rt_mq_urgent(&q, big, msg + 1), -RT_ERROR);
    TU_EXPECT_INT(rt_mq_send_wait(&q, big, msg + 1, 10), -RT_ERROR);
    TU_EXPECT_INT(q.entry, 0);
    TU_EXPECT_INT(rt_mq_send(&q, big, msg), RT_EOK);
    /* A smaller receive buffer gets its size only. */
    char two[2] = { 'q', 'q' };
    memcpy(big, "0123456789", 10);
    rt_mq_recv(&q, out, sizeof out, 0);
    TU_EXPECT_INT(rt_mq_send(&q, big, msg), RT_EOK);
    TU_EXPECT_INT(rt_mq_recv(&q, two, 1, 0), RECV_OK(1));
    TU_EXPECT_INT(two[0], '0');
    TU_EXPECT_INT(two[1], 'q');
    mq_invariants(&q);
    TU_EXPECT_INT(rt_mq_control(&q, 99, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(rt_mq_detach(&q), RT_EOK);

    /* A pool smaller than one slot holds no message. */
    struct rt_messagequeue tiny;
    rt_mq_init(&tiny, "tiny", pool, 8, HDR + 7, RT_IPC_FLAG_FIFO);
    TU_EXPECT_INT(tiny.max_msgs, 0);
    TU_EXPECT_INT(rt_mq_send(&tiny, "x", 1), -RT_EFULL);
    rt_mq_detach(&tiny);
}

static void test_layout_and_copies(void **state)
{
    (void)state;
    assert_int_equal(run(layout_main, RT_NULL), RT_SIM_OK);
}

/* FIFO + urgent + full against a model, with invariants each step. */
static void model_main(void *arg)
{
    (void)arg;
    static rt_uint8_t pool[4 * (HDR + 8)];
    struct rt_messagequeue q;
    rt_mq_init(&q, "model", pool, 8, sizeof pool, RT_IPC_FLAG_PRIO);
    TU_EXPECT_INT(q.max_msgs, 4);
    rt_uint32_t model[4];
    int head = 0, n = 0;
    uint64_t rng = tu_seed(6);
    for (rt_uint32_t i = 1; i < 2000; i++)
    {
        unsigned op = (unsigned)(tu_rand(&rng) % 3);
        if (op < 2)
        {
            rt_err_t e = op ? rt_mq_urgent(&q, &i, sizeof i) : rt_mq_send(&q, &i, sizeof i);
            TU_EXPECT_INT(e, n == 4 ? -RT_EFULL : RT_EOK);
            if (n < 4)
            {
                if (op)
                {
                    head = (head + 3) % 4;
                    model[head] = i;
                }
                else
                    model[(head + n) % 4] = i;
                n++;
            }
        }
        else
        {
            rt_uint32_t v = 0;
            long e = (long)rt_mq_recv(&q, &v, sizeof v, 0);
            TU_EXPECT_INT(e, n == 0 ? -RT_ETIMEOUT : RECV_OK(sizeof v));
            if (n)
            {
                TU_EXPECT_INT(v, model[head]);
                head = (head + 1) % 4;
                n--;
            }
        }
        TU_EXPECT_INT(q.entry, n);
        mq_invariants(&q);
    }
    rt_mq_detach(&q);
}

static void test_matches_model(void **state)
{
    (void)state;
    assert_int_equal(run(model_main, RT_NULL), RT_SIM_OK);
}

/* ----------------------------------------------------------- wake orders */
static void receiver(void *arg)
{
    rt_thread_delay((rt_tick_t)(uintptr_t)arg);
    rt_uint32_t v = 0;
    long err = (long)rt_mq_recv(mq, &v, sizeof v, RT_WAITING_FOREVER);
    tu_log("%s:%d:%u", rt_thread_self()->name, err == RECV_OK(sizeof v) ? 0 : (int)err, (unsigned)v);
}

static void recv_order_main(void *arg)
{
    mq = rt_mq_create("mq", 4, 4, (rt_uint8_t)(uintptr_t)arg);
    tu_spawn("p20", receiver, (void *)1, 20, 10);
    tu_spawn("p15", receiver, (void *)2, 15, 10);
    tu_spawn("p25", receiver, (void *)3, 25, 10);
    tu_spawn("p15b", receiver, (void *)4, 15, 10);
    rt_thread_delay(5);
    TU_EXPECT_INT(rt_list_len(&mq->parent.suspend_thread), 4);
    for (rt_uint32_t i = 1; i <= 4; i++)
    {
        rt_mq_send(mq, &i, sizeof i);
        rt_thread_delay(1);
    }
    rt_mq_delete(mq);
}

static void test_receivers_fifo(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(recv_order_main, (void *)(uintptr_t)RT_IPC_FLAG_FIFO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "p20:0:1 p15:0:2 p25:0:3 p15b:0:4");
}

static void test_receivers_prio(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(recv_order_main, (void *)(uintptr_t)RT_IPC_FLAG_PRIO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "p15:0:1 p15b:0:2 p20:0:3 p25:0:4");
}

static void sender(void *arg)
{
    rt_uint32_t tag = (rt_uint32_t)(uintptr_t)arg;
    rt_thread_delay(tag);
    rt_uint32_t v = tag * 100;
    rt_err_t err = rt_mq_send_wait(mq, &v, sizeof v, RT_WAITING_FOREVER);
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void send_order_main(void *arg)
{
    mq = rt_mq_create("full", 4, 1, (rt_uint8_t)(uintptr_t)arg);
    rt_uint32_t v = 7;
    TU_EXPECT_INT(rt_mq_send(mq, &v, sizeof v), RT_EOK);
    TU_EXPECT_INT(rt_mq_send(mq, &v, sizeof v), -RT_EFULL);
    tu_spawn("s20", sender, (void *)1, 20, 10);
    tu_spawn("s15", sender, (void *)2, 15, 10);
    tu_spawn("s25", sender, (void *)3, 25, 10);
    rt_thread_delay(5);
    TU_EXPECT_INT(rt_list_len(&mq->suspend_sender_thread), 3);
    for (int i = 0; i < 4; i++)
    {
        TU_EXPECT_INT(rt_mq_recv(mq, &v, sizeof v, RT_WAITING_NO), RECV_OK(sizeof v));
        tu_log("got%u", (unsigned)v);
        rt_thread_delay(1);
    }
    rt_mq_delete(mq);
}

static void test_senders_fifo(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(send_order_main, (void *)(uintptr_t)RT_IPC_FLAG_FIFO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "got7 s20:0@5 got100 s15:0@6 got200 s25:0@7 got300");
}

static void test_senders_prio(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(send_order_main, (void *)(uintptr_t)RT_IPC_FLAG_PRIO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "got7 s15:0@5 got200 s20:0@6 got100 s25:0@7 got300");
}

/* ------------------------------------------------- timeouts, preemption */
static void timeout_main(void *arg)
{
    (void)arg;
    static rt_uint8_t pool[HDR + 8];
    struct rt_messagequeue q;
    rt_uint32_t v = 1;
    rt_mq_init(&q, "tmo", pool, 4, sizeof pool, RT_IPC_FLAG_FIFO);
    TU_EXPECT_INT(q.max_msgs, 1);
    TU_EXPECT_INT(rt_mq_recv(&q, &v, sizeof v, 13), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 13);
    TU_EXPECT_INT(rt_mq_send(&q, &v, sizeof v), RT_EOK);
    TU_EXPECT_INT(rt_mq_send_wait(&q, &v, sizeof v, 29), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 42);
    TU_EXPECT_INT(rt_list_len(&q.suspend_sender_thread), 0);
    TU_EXPECT_INT(rt_mq_urgent(&q, &v, sizeof v), -RT_EFULL);
    TU_EXPECT_INT(rt_tick_get(), 42);
    mq_invariants(&q);
    rt_mq_detach(&q);
}

static void test_timeouts_to_the_tick(void **state)
{
    (void)state;
    assert_int_equal(run(timeout_main, RT_NULL), RT_SIM_OK);
}

static void high_receiver(void *arg)
{
    (void)arg;
    char buf[8];
    while (rt_mq_recv(mq, buf, sizeof buf, RT_WAITING_FOREVER) >= 0)   /* RT_EOK, or 5.x's length */
        tu_log("high:%s", buf);
}

static void preempt_main(void *arg)
{
    (void)arg;
    mq = rt_mq_create("pre", 8, 2, RT_IPC_FLAG_FIFO);
    tu_spawn("high", high_receiver, RT_NULL, 5, 10);
    tu_log("send");
    rt_mq_send(mq, "one", 4);
    tu_log("after1");
    rt_mq_urgent(mq, "two", 4);
    tu_log("after2");
    rt_mq_delete(mq);
    tu_log("deleted");
}

static void test_send_preempts_for_higher_receiver(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(preempt_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "send high:one after1 high:two after2 deleted");
}

/* Urgent overtakes what is queued. */
static void urgent_main(void *arg)
{
    (void)arg;
    rt_mq_t q = rt_mq_create("urg", 4, 3, RT_IPC_FLAG_FIFO);
    rt_uint32_t a = 1, b = 2, c = 3, v;
    rt_mq_send(q, &a, 4);
    rt_mq_send(q, &b, 4);
    rt_mq_urgent(q, &c, 4);
    for (int i = 0; i < 3; i++)
    {
        rt_mq_recv(q, &v, 4, 0);
        tu_log("%u", (unsigned)v);
    }
    mq_invariants(q);
    rt_mq_delete(q);
}

static void test_urgent_to_the_head(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(urgent_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "3 1 2");
}

/* ------------------------------------------------ reset, detach, delete */
static void waiter(void *arg)
{
    rt_uint32_t v = 5;
    long err = arg ? (long)rt_mq_send_wait(mq, &v, 4, 100) : (long)rt_mq_recv(mq, &v, 4, 100);
    if (!arg && err == RECV_OK(4))
        err = RT_EOK;
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void reset_main(void *arg)
{
    (void)arg;
    mq = rt_mq_create("rst", 4, 2, RT_IPC_FLAG_FIFO);
    tu_spawn("r", waiter, RT_NULL, 12, 10);
    rt_thread_delay(2);
    TU_EXPECT_INT(rt_mq_control(mq, RT_IPC_CMD_RESET, RT_NULL), RT_EOK);
    tu_log("reset1");
    rt_thread_delay(1);
    rt_uint32_t v = 1;
    rt_mq_send(mq, &v, 4);
    rt_mq_send(mq, &v, 4);
    tu_spawn("s", waiter, (void *)1, 12, 10);
    rt_thread_delay(2);
    TU_EXPECT_INT(mq->entry, 2);
    TU_EXPECT_INT(rt_mq_control(mq, RT_IPC_CMD_RESET, RT_NULL), RT_EOK);
    tu_log("reset2");
    TU_EXPECT_INT(mq->entry, 0);
    mq_invariants(mq);
    TU_EXPECT_INT(list_len(mq->msg_queue_free), 2);
    rt_thread_delay(1);
    tu_spawn("d", waiter, RT_NULL, 12, 10);
    rt_thread_delay(2);
    rt_mq_delete(mq);
    tu_log("deleted");
    rt_thread_delay(1);
}

static void test_reset_and_delete_wake_waiters(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(reset_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "reset1 r:-1@2 reset2 s:-1@5 deleted d:-1@8");
}

/* ----------------------------------------------------------- interrupts */
static void isr_send(void *param)
{
    rt_uint32_t v = (rt_uint32_t)(uintptr_t)param;
    TU_EXPECT_INT(rt_mq_send(mq, &v, sizeof v), RT_EOK);
}

static void isr_main(void *arg)
{
    (void)arg;
    mq = rt_mq_create("irq", 4, 2, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(4, isr_send, (void *)77);
    rt_uint32_t v = 0;
    TU_EXPECT_INT(rt_mq_recv(mq, &v, sizeof v, 30), RECV_OK(sizeof v));
    tu_log("main:%u@%u", (unsigned)v, (unsigned)rt_tick_get());
    rt_mq_delete(mq);
}

static void test_isr_send(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(isr_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "main:77@4");
}

static void isr_blocking_recv(void *param)
{
    rt_uint32_t v;
    (void)rt_mq_recv(param, &v, sizeof v, 5);
}

static void isr_block_main(void *arg)
{
    (void)arg;
    rt_mq_t q = rt_mq_create("isrq", 4, 1, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(3, isr_blocking_recv, q);
    rt_thread_delay(10);
    rt_mq_delete(q);
}

static void test_isr_blocking_is_reported(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, isr_block_main, RT_NULL), RT_SIM_EASSERT);
    if (!strstr(tu_report(), "rt_mq_recv"))
        fail_msg("report: %s", tu_report());
}

/* ------------------------------------------------------------------ heap */
/* Lines of memtrace's block list owned by "main". */
static int memtrace_main_blocks(void)
{
    tu_console_reset();
    rt_msh_exec("memtrace");
    int n = 0;
    for (const char *p = tu_console(); (p = strstr(p, "] main")) != NULL; p++)
        n++;
    return n;
}

static void heap_main(void *arg)
{
    (void)arg;
    int blocks_before = memtrace_main_blocks();
    rt_size_t before = heap_used();
    /* rt_mq_create's two allocations, by hand: the object, then
     * max_msgs * (header + RT_ALIGN(msg_size, RT_ALIGN_SIZE)). */
    void *obj = rt_malloc(sizeof(struct rt_messagequeue));
    void *pool = rt_malloc(6 * (HDR + RT_ALIGN(10, RT_ALIGN_SIZE)));
    rt_size_t by_hand = heap_used() - before;
    rt_free(pool);
    rt_free(obj);

    rt_mq_t q = rt_mq_create("heap", 10, 6, RT_IPC_FLAG_PRIO);
    TU_EXPECT(q != RT_NULL);
    TU_EXPECT_INT(heap_used() - before, by_hand);
    TU_EXPECT(q == obj);
    TU_EXPECT(q->msg_pool == pool);
    TU_EXPECT_INT(q->max_msgs, 6);
    TU_EXPECT_INT(q->msg_size, RT_ALIGN(10, RT_ALIGN_SIZE));
    /* memtrace lists the object and its pool as main's blocks. */
    TU_EXPECT_INT(memtrace_main_blocks(), blocks_before + 2);
    mq_invariants(q);
    TU_EXPECT_INT(rt_mq_delete(q), RT_EOK);
    TU_EXPECT_INT(heap_used(), before);
    TU_EXPECT_INT(memtrace_main_blocks(), blocks_before);

    TU_EXPECT(rt_mq_create("huge", 4000, 4000, RT_IPC_FLAG_FIFO) == RT_NULL);
    TU_EXPECT_INT(heap_used(), before);
}

static void test_heap_exact(void **state)
{
    (void)state;
    assert_int_equal(run(heap_main, RT_NULL), RT_SIM_OK);
}

static void freed_pool_main(void *arg)
{
    (void)arg;
    rt_mq_t q = rt_mq_create("gone", 4, 2, RT_IPC_FLAG_FIFO);
    rt_free(q->msg_pool);
    if (arg)
        rt_mq_send(q, "abc", 4);
    rt_mq_delete(q);
}

static void test_checked_freed_pool(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, freed_pool_main, RT_NULL), RT_SIM_EMEMORY);
    if (!strstr(tu_report(), "double free") ||
        !strstr(tu_console(), "rt_mq_delete: message queue \"gone\": its pool was already freed"))
        fail_msg("report: %s\nconsole: %s", tu_report(), tu_console());
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, freed_pool_main, (void *)1), RT_SIM_EASSERT);
    if (!strstr(tu_console(), "rt_mq_send_wait: message queue \"gone\": its pool was already freed"))
        fail_msg("console: %s", tu_console());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_and_copies),
        cmocka_unit_test(test_matches_model),
        cmocka_unit_test(test_receivers_fifo),
        cmocka_unit_test(test_receivers_prio),
        cmocka_unit_test(test_senders_fifo),
        cmocka_unit_test(test_senders_prio),
        cmocka_unit_test(test_timeouts_to_the_tick),
        cmocka_unit_test(test_send_preempts_for_higher_receiver),
        cmocka_unit_test(test_urgent_to_the_head),
        cmocka_unit_test(test_reset_and_delete_wake_waiters),
        cmocka_unit_test(test_isr_send),
        cmocka_unit_test(test_isr_blocking_is_reported),
        cmocka_unit_test(test_heap_exact),
        cmocka_unit_test(test_checked_freed_pool),
    };
    return cmocka_run_group_tests_name("msgqueue", tests, NULL, NULL);
}
