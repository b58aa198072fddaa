/*
 * test_mailbox.c - mailboxes (kernel/src/ipc_mailbox.c) as RT-Thread 4.1.x
 * src/ipc.c: wake order of receivers and senders (FIFO, PRIO), timeouts to
 * the tick, preemption, -RT_EFULL, urgent, reset, detach/delete with
 * waiters, ISR sends, the context check, heap use of create/delete, and
 * byte-identical traces.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static rt_mailbox_t mb;

/* tu_run that shows the run's report when it is not clean. */
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

/* Ring invariants (ipc_mailbox.c). */
static void mb_invariants(rt_mailbox_t m)
{
    TU_EXPECT(m->entry <= m->size);
    TU_EXPECT(m->size == 0 || m->in_offset < m->size);
    TU_EXPECT(m->size == 0 || m->out_offset < m->size);
    if (m->size)
        TU_EXPECT_INT(m->in_offset, (m->out_offset + m->entry) % m->size);
}

/* ------------------------------------------------------ basic ring, urgent */
static void ring_main(void *arg)
{
    (void)arg;
    rt_ubase_t pool[3];
    struct rt_mailbox box;
    rt_ubase_t v = 0;
    TU_EXPECT_INT(rt_mb_init(&box, "ring", pool, 3, RT_IPC_FLAG_FIFO), RT_EOK);
    TU_EXPECT_INT(box.size, 3);
    TU_EXPECT(box.msg_pool == pool);
    TU_EXPECT_INT(rt_mb_recv(&box, &v, RT_WAITING_NO), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_mb_send(&box, 1), RT_EOK);
    TU_EXPECT_INT(rt_mb_send(&box, 2), RT_EOK);
    TU_EXPECT_INT(rt_mb_urgent(&box, 3), RT_EOK);   /* out_offset 0 -> 2 */
    TU_EXPECT_INT(box.out_offset, 2);
    TU_EXPECT_INT(pool[2], 3);
    mb_invariants(&box);
    TU_EXPECT_INT(rt_mb_send(&box, 4), -RT_EFULL);
    TU_EXPECT_INT(rt_mb_urgent(&box, 4), -RT_EFULL);
    TU_EXPECT_INT(rt_mb_send_wait(&box, 4, 0), -RT_EFULL);
    TU_EXPECT_INT(rt_tick_get(), 0);
    rt_ubase_t got[3];
    for (int i = 0; i < 3; i++)
    {
        TU_EXPECT_INT(rt_mb_recv(&box, &got[i], RT_WAITING_NO), RT_EOK);
        mb_invariants(&box);
    }
    TU_EXPECT_INT(got[0], 3);
    TU_EXPECT_INT(got[1], 1);
    TU_EXPECT_INT(got[2], 2);
    TU_EXPECT_INT(box.entry, 0);
    /* Wrap-around: 200 mails through a ring of 3, two in flight. */
    TU_EXPECT_INT(rt_mb_send(&box, 1000), RT_EOK);
    for (rt_ubase_t i = 1; i < 200; i++)
    {
        TU_EXPECT_INT(rt_mb_send(&box, 1000 + i), RT_EOK);
        TU_EXPECT_INT(rt_mb_recv(&box, &v, 0), RT_EOK);
        TU_EXPECT_INT(v, 1000 + i - 1);
        TU_EXPECT_INT(box.entry, 1);
        mb_invariants(&box);
    }
    /* Pointers go through as words. */
    static char block[8];
    rt_mb_control(&box, RT_IPC_CMD_RESET, RT_NULL);
    TU_EXPECT_INT(rt_mb_send(&box, (rt_ubase_t)block), RT_EOK);
    TU_EXPECT_INT(rt_mb_recv(&box, &v, 0), RT_EOK);
    TU_EXPECT((char *)v == block);
    TU_EXPECT_INT(rt_mb_control(&box, 99, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(rt_mb_detach(&box), RT_EOK);
}

static void test_ring_and_urgent(void **state)
{
    (void)state;
    assert_int_equal(run(ring_main, RT_NULL), RT_SIM_OK);
}

/* FIFO order through the ring, checked against a model. */
static void fifo_model_main(void *arg)
{
    (void)arg;
    rt_ubase_t pool[5];
    struct rt_mailbox box;
    rt_mb_init(&box, "model", pool, 5, RT_IPC_FLAG_PRIO);
    rt_ubase_t model[5];
    int head = 0, n = 0;
    uint64_t rng = tu_seed(14);
    for (rt_ubase_t i = 1; i < 2000; i++)
    {
        unsigned op = (unsigned)(tu_rand(&rng) % 3);
        if (op == 0)
        {
            rt_err_t e = rt_mb_send(&box, i);
            TU_EXPECT_INT(e, n == 5 ? -RT_EFULL : RT_EOK);
            if (n < 5)
                model[(head + n++) % 5] = i;
        }
        else if (op == 1)
        {
            rt_err_t e = rt_mb_urgent(&box, i);
            TU_EXPECT_INT(e, n == 5 ? -RT_EFULL : RT_EOK);
            if (n < 5)
            {
                head = (head + 4) % 5;
                model[head] = i;
                n++;
            }
        }
        else
        {
            rt_ubase_t v = 0;
            rt_err_t e = rt_mb_recv(&box, &v, 0);
            TU_EXPECT_INT(e, n == 0 ? -RT_ETIMEOUT : RT_EOK);
            if (n > 0)
            {
                TU_EXPECT_INT(v, model[head]);
                head = (head + 1) % 5;
                n--;
            }
        }
        TU_EXPECT_INT(box.entry, n);
        mb_invariants(&box);
    }
    rt_mb_detach(&box);
}

static void test_matches_model(void **state)
{
    (void)state;
    assert_int_equal(run(fifo_model_main, RT_NULL), RT_SIM_OK);
}

/* ----------------------------------------------------- receiver wake order */
static void receiver(void *arg)
{
    rt_thread_delay((rt_tick_t)(uintptr_t)arg);   /* arrival tick */
    rt_ubase_t v = 0;
    rt_err_t err = rt_mb_recv(mb, &v, RT_WAITING_FOREVER);
    tu_log("%s:%d:%lu", rt_thread_self()->name, (int)err, (unsigned long)v);
}

static void recv_order_main(void *arg)
{
    mb = rt_mb_create("mb", 4, (rt_uint8_t)(uintptr_t)arg);
    tu_spawn("p20", receiver, (void *)1, 20, 10);
    tu_spawn("p15", receiver, (void *)2, 15, 10);
    tu_spawn("p25", receiver, (void *)3, 25, 10);
    tu_spawn("p15b", receiver, (void *)4, 15, 10);
    rt_thread_delay(5);
    TU_EXPECT_INT(rt_list_len(&mb->parent.suspend_thread), 4);
    for (rt_ubase_t i = 1; i <= 4; i++)
    {
        rt_mb_send(mb, i);
        rt_thread_delay(1);
    }
    TU_EXPECT_INT(mb->entry, 0);
    rt_mb_delete(mb);
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

/* ------------------------------------------------------- sender wake order */
static void sender(void *arg)
{
    rt_ubase_t tag = (rt_ubase_t)(uintptr_t)arg;
    rt_thread_delay((rt_tick_t)tag);
    rt_err_t err = rt_mb_send_wait(mb, tag * 100, RT_WAITING_FOREVER);
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void send_order_main(void *arg)
{
    mb = rt_mb_create("full", 1, (rt_uint8_t)(uintptr_t)arg);
    TU_EXPECT_INT(rt_mb_send(mb, 7), RT_EOK);
    tu_spawn("s20", sender, (void *)1, 20, 10);
    tu_spawn("s15", sender, (void *)2, 15, 10);
    tu_spawn("s25", sender, (void *)3, 25, 10);
    rt_thread_delay(5);
    TU_EXPECT_INT(rt_list_len(&mb->suspend_sender_thread), 3);
    TU_EXPECT_INT(rt_list_len(&mb->parent.suspend_thread), 0);
    rt_ubase_t v;
    for (int i = 0; i < 4; i++)
    {
        TU_EXPECT_INT(rt_mb_recv(mb, &v, RT_WAITING_NO), RT_EOK);
        tu_log("got%lu", (unsigned long)v);
        rt_thread_delay(1);
    }
    rt_mb_delete(mb);
}

static void test_senders_fifo(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(send_order_main, (void *)(uintptr_t)RT_IPC_FLAG_FIFO), RT_SIM_OK);
    assert_string_equal(tu_log_text(),
                        "got7 s20:0@5 got100 s15:0@6 got200 s25:0@7 got300");
}

static void test_senders_prio(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(send_order_main, (void *)(uintptr_t)RT_IPC_FLAG_PRIO), RT_SIM_OK);
    assert_string_equal(tu_log_text(),
                        "got7 s15:0@5 got200 s20:0@6 got100 s25:0@7 got300");
}

/* ---------------------------------------------------------------- timeouts */
static void timeout_main(void *arg)
{
    (void)arg;
    rt_ubase_t pool[1], v = 0;
    struct rt_mailbox box;
    rt_mb_init(&box, "tmo", pool, 1, RT_IPC_FLAG_FIFO);
    TU_EXPECT_INT(rt_mb_recv(&box, &v, 17), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 17);
    TU_EXPECT_INT(rt_list_len(&box.parent.suspend_thread), 0);
    TU_EXPECT_INT(rt_mb_send(&box, 1), RT_EOK);
    TU_EXPECT_INT(rt_mb_send_wait(&box, 2, 23), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 40);
    TU_EXPECT_INT(rt_list_len(&box.suspend_sender_thread), 0);
    TU_EXPECT_INT(box.entry, 1);
    TU_EXPECT_INT(rt_mb_recv(&box, &v, 5), RT_EOK);
    TU_EXPECT_INT(v, 1);
    TU_EXPECT_INT(rt_tick_get(), 40);
    rt_mb_detach(&box);
}

static void test_timeouts_to_the_tick(void **state)
{
    (void)state;
    assert_int_equal(run(timeout_main, RT_NULL), RT_SIM_OK);
}

/* A woken receiver beaten to the mail waits again for the rest of its
 * timeout (RT-Thread 4.1 rt_mb_recv's tick_delta loop). */
static void late_receiver(void *arg)
{
    (void)arg;
    rt_ubase_t v = 0;
    rt_err_t err = rt_mb_recv(mb, &v, 10);
    tu_log("late:%d@%u", (int)err, (unsigned)rt_tick_get());
}

static void beaten_main(void *arg)
{
    (void)arg;
    mb = rt_mb_create("race", 2, RT_IPC_FLAG_FIFO);
    tu_spawn("late", late_receiver, RT_NULL, 25, 10);   /* lower than main */
    rt_thread_delay(3);
    rt_mb_send(mb, 1);                /* wakes late; main keeps the CPU */
    rt_ubase_t v = 0;
    TU_EXPECT_INT(rt_mb_recv(mb, &v, 0), RT_EOK);      /* takes it first */
    tu_log("main:took@%u", (unsigned)rt_tick_get());
    rt_thread_delay(20);
    rt_mb_delete(mb);
}

static void test_beaten_receiver_waits_the_rest(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(beaten_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "main:took@3 late:-2@10");
}

/* ----------------------------------------------------------- preemption */
static void high_receiver(void *arg)
{
    (void)arg;
    rt_ubase_t v = 0;
    while (rt_mb_recv(mb, &v, RT_WAITING_FOREVER) == RT_EOK)
        tu_log("high:%lu", (unsigned long)v);
}

static void preempt_main(void *arg)
{
    (void)arg;
    mb = rt_mb_create("pre", 2, RT_IPC_FLAG_FIFO);
    tu_spawn("high", high_receiver, RT_NULL, 5, 10);    /* above main (10) */
    tu_log("send1");
    rt_mb_send(mb, 1);
    tu_log("after1");
    rt_mb_urgent(mb, 2);
    tu_log("after2");
    rt_mb_delete(mb);      /* wakes high with -RT_ERROR: it ends */
    tu_log("deleted");
}

static void test_send_preempts_for_higher_receiver(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(preempt_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "send1 high:1 after1 high:2 after2 deleted");
}

/* ------------------------------------------- reset, detach, delete: -RT_ERROR */
static struct rt_mailbox smb;
static rt_ubase_t smb_pool[1];

static void any_waiter(void *arg)
{
    rt_ubase_t v = 0;
    rt_err_t err = arg ? rt_mb_send_wait(&smb, 9, 100) : rt_mb_recv(&smb, &v, 100);
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void wake_all_main(void *arg)
{
    int how = (int)(uintptr_t)arg;      /* 0 detach, 1 reset */
    rt_mb_init(&smb, "smb", smb_pool, 1, RT_IPC_FLAG_PRIO);
    tu_spawn("r1", any_waiter, RT_NULL, 12, 10);
    tu_spawn("r2", any_waiter, RT_NULL, 11, 10);
    rt_thread_delay(4);
    rt_mb_send(&smb, 5);     /* wakes r2 (PRIO: 11 before 12) */
    rt_thread_delay(1);      /* r2 takes it */
    rt_mb_send(&smb, 6);     /* wakes r1 */
    rt_thread_delay(1);
    rt_mb_send(&smb, 7);     /* fills the ring */
    tu_spawn("s1", any_waiter, (void *)1, 13, 10);
    tu_spawn("s2", any_waiter, (void *)1, 14, 10);
    rt_thread_delay(3);
    TU_EXPECT_INT(rt_list_len(&smb.suspend_sender_thread), 2);
    TU_EXPECT_INT(smb.entry, 1);
    if (how == 0)
    {
        rt_mb_detach(&smb);
        tu_log("detached");
        rt_thread_delay(1);
    }
    else
    {
        TU_EXPECT_INT(rt_mb_control(&smb, RT_IPC_CMD_RESET, RT_NULL), RT_EOK);
        tu_log("reset");
        TU_EXPECT_INT(smb.entry, 0);
        TU_EXPECT_INT(smb.in_offset, 0);
        TU_EXPECT_INT(smb.out_offset, 0);
        rt_thread_delay(1);
        rt_mb_detach(&smb);
    }
}

static void test_detach_wakes_senders(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(wake_all_main, (void *)0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "r2:0@4 r1:0@5 detached s1:-1@9 s2:-1@9");
}

static void test_reset_wakes_senders(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(wake_all_main, (void *)1), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "r2:0@4 r1:0@5 reset s1:-1@9 s2:-1@9");
}

static void recv_forever(void *arg)
{
    (void)arg;
    rt_ubase_t v = 0;
    rt_err_t err = rt_mb_recv(mb, &v, RT_WAITING_FOREVER);
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void delete_main(void *arg)
{
    (void)arg;
    mb = rt_mb_create("del", 2, RT_IPC_FLAG_FIFO);
    tu_spawn("a", recv_forever, RT_NULL, 20, 10);
    tu_spawn("b", recv_forever, RT_NULL, 5, 10);
    rt_thread_delay(2);
    rt_mb_delete(mb);        /* 4.1: wakes them, does not reschedule */
    tu_log("deleted");
    rt_thread_delay(1);
}

static void test_delete_wakes_receivers(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(delete_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "deleted b:-1@2 a:-1@2");
}

/* ------------------------------------------------------------- interrupts */
static void isr_send(void *param)
{
    rt_ubase_t v = (rt_ubase_t)(uintptr_t)param;
    TU_EXPECT_INT(rt_mb_send(mb, v), RT_EOK);
    tu_log("isr:%lu", (unsigned long)v);
}

static void isr_main(void *arg)
{
    (void)arg;
    mb = rt_mb_create("irq", 2, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(6, isr_send, (void *)41);
    rt_sim_irq_at(9, isr_send, (void *)42);
    rt_ubase_t v = 0;
    TU_EXPECT_INT(rt_mb_recv(mb, &v, 50), RT_EOK);
    tu_log("main:%lu@%u", (unsigned long)v, (unsigned)rt_tick_get());
    TU_EXPECT_INT(rt_mb_recv(mb, &v, RT_WAITING_FOREVER), RT_EOK);
    tu_log("main:%lu@%u", (unsigned long)v, (unsigned)rt_tick_get());
    rt_mb_delete(mb);
}

static void test_isr_send(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(run(isr_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr:41 main:41@6 isr:42 main:42@9");
}

static void isr_blocking_send(void *param)
{
    (void)rt_mb_send_wait(param, 2, 5);     /* full: would wait */
}

static void isr_nonblocking_recv(void *param)
{
    rt_ubase_t v;
    TU_EXPECT_INT(rt_mb_recv(param, &v, 0), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_mb_send_wait(param, 1, 0), RT_EOK);
    TU_EXPECT_INT(rt_mb_send_wait(param, 1, 0), -RT_EFULL);
}

static void isr_block_main(void *arg)
{
    static rt_ubase_t pool[1];
    static struct rt_mailbox box;
    rt_mb_init(&box, "isrmb", pool, 1, RT_IPC_FLAG_FIFO);
    rt_sim_irq_at(2, isr_nonblocking_recv, &box);
    if (arg)
        rt_sim_irq_at(3, isr_blocking_send, &box);
    rt_thread_delay(10);
    rt_mb_detach(&box);
}

static void test_isr_blocking_is_reported(void **state)
{
    (void)state;
    assert_int_equal(run(isr_block_main, RT_NULL), RT_SIM_OK);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, isr_block_main, (void *)1), RT_SIM_EASSERT);
    tu_reset_failures();
    if (!strstr(tu_report(), "rt_mb_send_wait"))
        fail_msg("report: %s\nconsole: %s", tu_report(), tu_console());
}

/* --------------------------------------------------- heap: create/delete */
static void heap_main(void *arg)
{
    (void)arg;
    /* The same two allocations rt_mb_create makes, done by hand. */
    rt_size_t before = heap_used();
    void *obj = rt_malloc(sizeof(struct rt_mailbox));
    void *ring = rt_malloc(10 * sizeof(rt_ubase_t));
    rt_size_t by_hand = heap_used() - before;
    rt_free(ring);
    rt_free(obj);
    TU_EXPECT_INT(heap_used(), before);

    rt_mailbox_t m = rt_mb_create("heap", 10, RT_IPC_FLAG_FIFO);
    TU_EXPECT(m != RT_NULL);
    TU_EXPECT_INT(heap_used() - before, by_hand);
    /* The object first, then its ring: the addresses rt_malloc gave. */
    TU_EXPECT(m == obj);
    TU_EXPECT(m->msg_pool == ring);
    TU_EXPECT_INT(m->size, 10);
    TU_EXPECT(!rt_object_is_systemobject(&m->parent.parent));
    TU_EXPECT(rt_object_find("heap", RT_Object_Class_MailBox) == &m->parent.parent);
    TU_EXPECT_INT(rt_mb_delete(m), RT_EOK);
    TU_EXPECT_INT(heap_used(), before);
    TU_EXPECT(rt_object_find("heap", RT_Object_Class_MailBox) == RT_NULL);
}

static void test_heap_exact(void **state)
{
    (void)state;
    assert_int_equal(run(heap_main, RT_NULL), RT_SIM_OK);
}

/* Out of heap: rt_mb_create returns RT_NULL and leaves nothing behind. */
static void oom_main(void *arg)
{
    (void)arg;
    rt_size_t before = heap_used();
    TU_EXPECT(rt_mb_create("huge", 60000, RT_IPC_FLAG_FIFO) == RT_NULL);
    TU_EXPECT_INT(heap_used(), before);
}

static void test_create_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(run(oom_main, RT_NULL), RT_SIM_OK);
}

/* Deleting a mailbox whose ring was already freed: a double free. */
static void freed_ring_main(void *arg)
{
    (void)arg;
    rt_mailbox_t m = rt_mb_create("gone", 4, RT_IPC_FLAG_FIFO);
    rt_free(m->msg_pool);
    rt_mb_delete(m);
}

static void test_checked_delete_with_freed_ring(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, freed_ring_main, RT_NULL), RT_SIM_EMEMORY);
    if (!strstr(tu_report(), "double free") ||
        !strstr(tu_console(), "rt_mb_delete: mailbox \"gone\": its ring"))
        fail_msg("report: %s\nconsole: %s", tu_report(), tu_console());
}

/* Sending through a created mailbox whose ring was freed: stopped before
 * the write, with the object named. */
static void freed_ring_send_main(void *arg)
{
    (void)arg;
    rt_mailbox_t m = rt_mb_create("gone2", 4, RT_IPC_FLAG_FIFO);
    rt_free(m->msg_pool);
    rt_mb_send(m, 1);
}

static void test_checked_send_with_freed_ring(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(rt_sim_run(&cfg, freed_ring_send_main, RT_NULL), RT_SIM_EASSERT);
    if (!strstr(tu_console(), "rt_mb_send_wait: mailbox \"gone2\": its ring was already freed") ||
        !strstr(tu_report(), "rt_mb_send_wait"))
        fail_msg("report: %s\nconsole: %s", tu_report(), tu_console());
}

/* ------------------------------------------------------------- misuse */
static void misuse_wrong_object(void *arg)
{
    (void)arg;
    static struct rt_semaphore s;
    rt_sem_init(&s, "s", 0, RT_IPC_FLAG_FIFO);
    rt_mb_send((rt_mailbox_t)(void *)&s, 1);
}

static void misuse_delete_static(void *arg)
{
    (void)arg;
    static rt_ubase_t pool[2];
    static struct rt_mailbox box;
    rt_mb_init(&box, "st", pool, 2, RT_IPC_FLAG_FIFO);
    rt_mb_delete(&box);
}

static void misuse_bad_flag(void *arg)
{
    (void)arg;
    (void)rt_mb_create("flag", 2, 7);
}

static void test_misuse_is_reported(void **state)
{
    (void)state;
    struct { const char *name; void (*fn)(void *); const char *func; } cases[] = {
        { "wrong object", misuse_wrong_object, "rt_mb_send_wait" },
        { "delete static", misuse_delete_static, "rt_mb_delete" },
        { "bad flag", misuse_bad_flag, "rt_mb_create" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        struct rt_sim_config cfg;
        tu_config(&cfg);
        int rc = rt_sim_run(&cfg, cases[i].fn, RT_NULL);
        if (rc != RT_SIM_EASSERT || !strstr(tu_report(), cases[i].func))
            fail_msg("%s: rc %d, report: %s", cases[i].name, rc, tu_report());
    }
}

/* ----------------------------------------------------------- determinism */
static void traffic(void *arg)
{
    rt_ubase_t v = 0;
    for (int i = 0; i < 20; i++)
    {
        if (arg)
            rt_mb_send_wait(mb, (rt_ubase_t)i, 3);
        else
            rt_mb_recv(mb, &v, 2);
        rt_thread_delay((rt_tick_t)(i % 3));
    }
}

static void trace_main(void *arg)
{
    (void)arg;
    mb = rt_mb_create("tr", 2, RT_IPC_FLAG_PRIO);
    tu_spawn("prod", traffic, (void *)1, 12, 5);
    tu_spawn("cons", traffic, RT_NULL, 13, 5);
    rt_thread_delay(80);
    rt_mb_delete(mb);
}

static char *trace_once(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.trace = f;
    assert_int_equal(rt_sim_run(&cfg, trace_main, RT_NULL), RT_SIM_OK);
    fclose(f);
    return buf;
}

static void test_trace_byte_identical(void **state)
{
    (void)state;
    size_t n1, n2;
    char *a = trace_once(&n1), *b = trace_once(&n2);
    assert_true(n1 > 1000);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    /* The ring's heap block is named in the trace. */
    assert_non_null(strstr(a, "ipc-pool mb=tr obj="));
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_and_urgent),
        cmocka_unit_test(test_matches_model),
        cmocka_unit_test(test_receivers_fifo),
        cmocka_unit_test(test_receivers_prio),
        cmocka_unit_test(test_senders_fifo),
        cmocka_unit_test(test_senders_prio),
        cmocka_unit_test(test_timeouts_to_the_tick),
        cmocka_unit_test(test_beaten_receiver_waits_the_rest),
        cmocka_unit_test(test_send_preempts_for_higher_receiver),
        cmocka_unit_test(test_detach_wakes_senders),
        cmocka_unit_test(test_reset_wakes_senders),
        cmocka_unit_test(test_delete_wakes_receivers),
        cmocka_unit_test(test_isr_send),
        cmocka_unit_test(test_isr_blocking_is_reported),
        cmocka_unit_test(test_heap_exact),
        cmocka_unit_test(test_create_out_of_memory),
        cmocka_unit_test(test_checked_delete_with_freed_ring),
        cmocka_unit_test(test_checked_send_with_freed_ring),
        cmocka_unit_test(test_misuse_is_reported),
        cmocka_unit_test(test_trace_byte_identical),
    };
    return cmocka_run_group_tests_name("mailbox", tests, NULL, NULL);
}
