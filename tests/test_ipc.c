/*
 * test_ipc.c - semaphores, mutexes (priority inheritance), events:
 * wake order, exact timeout ticks, delete/detach with waiters.
 */
#include <string.h>
#include "testutil.h"

/* ------------------------------------------------------ semaphore order */
static rt_sem_t sem;

static void sem_waiter(void *arg)
{
    rt_thread_delay((rt_tick_t)(uintptr_t)arg);   /* arrival tick */
    rt_err_t err = rt_sem_take(sem, RT_WAITING_FOREVER);
    tu_log("%s:%d", rt_thread_self()->name, (int)err);
}

static void order_main(void *arg)
{
    rt_uint8_t flag = (rt_uint8_t)(uintptr_t)arg;
    sem = rt_sem_create("s", 0, flag);
    /* Waiters arrive in this order with these priorities. */
    tu_spawn("p20", sem_waiter, (void *)1, 20, 10);
    tu_spawn("p15", sem_waiter, (void *)2, 15, 10);
    tu_spawn("p25", sem_waiter, (void *)3, 25, 10);
    tu_spawn("p15b", sem_waiter, (void *)4, 15, 10);
    rt_thread_delay(5);   /* let all of them block */
    TU_EXPECT_INT(rt_list_len(&sem->parent.suspend_thread), 4);
    for (int i = 0; i < 4; i++)
    {
        rt_sem_release(sem);
        rt_thread_delay(1);   /* the woken thread runs and logs */
    }
    rt_sem_delete(sem);
}

static void test_sem_fifo_order(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, order_main, (void *)(uintptr_t)RT_IPC_FLAG_FIFO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "p20:0 p15:0 p25:0 p15b:0");
}

static void test_sem_prio_order(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, order_main, (void *)(uintptr_t)RT_IPC_FLAG_PRIO), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "p15:0 p15b:0 p20:0 p25:0");
}

/* ---------------------------------------------------- semaphore timeouts */
static void timeout_main(void *arg)
{
    (void)arg;
    struct rt_semaphore s;
    rt_sem_init(&s, "st", 1, RT_IPC_FLAG_FIFO);
    TU_EXPECT_INT(rt_sem_take(&s, RT_WAITING_NO), RT_EOK);
    TU_EXPECT_INT(rt_sem_take(&s, RT_WAITING_NO), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 0);
    TU_EXPECT_INT(rt_sem_take(&s, 25), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), 25);
    TU_EXPECT_INT(rt_list_len(&s.parent.suspend_thread), 0);
    TU_EXPECT_INT(rt_sem_release(&s), RT_EOK);
    TU_EXPECT_INT(s.value, 1);
    TU_EXPECT_INT(rt_sem_take(&s, 25), RT_EOK);
    TU_EXPECT_INT(rt_tick_get(), 25);
    rt_sem_detach(&s);
}

static void test_sem_timeout_exact_tick(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, timeout_main, RT_NULL), RT_SIM_OK);
}

/* delete and detach wake every waiter with -RT_ERROR */
static struct rt_semaphore static_sem;

static void static_waiter(void *arg)
{
    (void)arg;
    rt_err_t err = rt_sem_take(&static_sem, 100);
    tu_log("%s:%d@%u", rt_thread_self()->name, (int)err, (unsigned)rt_tick_get());
}

static void detach_main(void *arg)
{
    (void)arg;
    rt_sem_init(&static_sem, "ss", 0, RT_IPC_FLAG_PRIO);
    tu_spawn("w1", static_waiter, RT_NULL, 12, 10);
    tu_spawn("w2", static_waiter, RT_NULL, 11, 10);
    rt_thread_delay(7);
    rt_sem_detach(&static_sem);
    tu_log("detached");
    rt_thread_delay(1);
}

static void test_sem_detach_wakes_all(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, detach_main, RT_NULL), RT_SIM_OK);
    /* Woken at tick 7 with -RT_ERROR; both run once main sleeps. */
    assert_string_equal(tu_log_text(), "detached w2:-1@7 w1:-1@7");
}

/* ---------------------------------------------------- priority inheritance */
static rt_mutex_t mtx;

static void low_holder(void *arg)
{
    (void)arg;
    rt_mutex_take(mtx, RT_WAITING_FOREVER);
    tu_log("low:took");
    rt_thread_delay(5);
    tu_log("low:prio=%d", rt_thread_self()->current_priority);
    rt_mutex_release(mtx);
    tu_log("low:released prio=%d", rt_thread_self()->current_priority);
}

static void high_taker(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    tu_log("high:wants");
    rt_err_t err = rt_mutex_take(mtx, RT_WAITING_FOREVER);
    tu_log("high:took=%d@%u owner=%s", (int)err, (unsigned)rt_tick_get(), mtx->owner->name);
    rt_mutex_release(mtx);
}

static void mid_busy(void *arg)
{
    (void)arg;
    rt_thread_delay(2);
    tu_log("mid:run@%u", (unsigned)rt_tick_get());
}

static void inherit_main(void *arg)
{
    (void)arg;
    mtx = rt_mutex_create("m", RT_IPC_FLAG_PRIO);
    tu_spawn("low", low_holder, RT_NULL, 20, 10);
    tu_spawn("high", high_taker, RT_NULL, 5, 10);
    tu_spawn("mid", mid_busy, RT_NULL, 12, 10);
    rt_thread_delay(20);
    TU_EXPECT(mtx->owner == RT_NULL);
    TU_EXPECT_INT(mtx->value, 1);
    rt_mutex_delete(mtx);
}

static void test_mutex_priority_inheritance(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, inherit_main, RT_NULL), RT_SIM_OK);
    /* low holds; high blocks at tick 1 and lends priority 5 to low; mid
     * (12) wakes at 2 but cannot preempt low (now 5); low releases at 5,
     * drops back to 20, high takes it at once, then mid runs, then low. */
    assert_string_equal(tu_log_text(),
        "low:took high:wants mid:run@2 low:prio=5 high:took=0@5 owner=high low:released prio=20");
}

static void recursive_main(void *arg)
{
    (void)arg;
    struct rt_mutex m;
    rt_mutex_init(&m, "rm", RT_IPC_FLAG_FIFO);
    TU_EXPECT_INT(m.parent.parent.flag, RT_IPC_FLAG_PRIO);   /* 4.1 forces PRIO */
    TU_EXPECT_INT(rt_mutex_take(&m, 0), RT_EOK);
    TU_EXPECT_INT(rt_mutex_take(&m, 0), RT_EOK);
    TU_EXPECT_INT(m.hold, 2);
    TU_EXPECT_INT(rt_mutex_release(&m), RT_EOK);
    TU_EXPECT(m.owner == rt_thread_self());
    TU_EXPECT_INT(rt_mutex_release(&m), RT_EOK);
    TU_EXPECT(m.owner == RT_NULL);
    TU_EXPECT_INT(rt_mutex_release(&m), -RT_ERROR);   /* not the owner */
    rt_mutex_detach(&m);
}

static void test_mutex_recursive_and_owner(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, recursive_main, RT_NULL), RT_SIM_OK);
}

/* -------------------------------------------------------------- events */
static rt_event_t ev;

static void ev_and(void *arg)
{
    (void)arg;
    rt_uint32_t got = 0;
    rt_err_t err = rt_event_recv(ev, 0x3, RT_EVENT_FLAG_AND | RT_EVENT_FLAG_CLEAR,
                                 RT_WAITING_FOREVER, &got);
    tu_log("and:%d:%x@%u", (int)err, (unsigned)got, (unsigned)rt_tick_get());
}

static void ev_or(void *arg)
{
    (void)arg;
    rt_uint32_t got = 0;
    rt_err_t err = rt_event_recv(ev, 0x6, RT_EVENT_FLAG_OR, 50, &got);
    tu_log("or:%d:%x@%u", (int)err, (unsigned)got, (unsigned)rt_tick_get());
}

static void event_main(void *arg)
{
    (void)arg;
    ev = rt_event_create("ev", RT_IPC_FLAG_FIFO);
    tu_spawn("and", ev_and, RT_NULL, 9, 10);
    rt_thread_delay(3);
    rt_event_send(ev, 0x1);
    tu_log("sent1");
    rt_thread_delay(3);
    rt_event_send(ev, 0x2);
    tu_log("sent2 set=%x", (unsigned)ev->set);
    tu_spawn("or", ev_or, RT_NULL, 9, 10);
    rt_thread_delay(60);
    rt_event_delete(ev);
}

/* A thread that ends holding a mutex (RT-Thread 4.1.1 and 5.1.0 keep it
 * held): a later take that would wait is a report naming the mutex, not a
 * priority lent to a freed thread (rtsim addition).  Both while the owner's
 * object is still there (closed, not yet freed by idle) and after it was
 * freed; checked and unchecked. */
static rt_mutex_t held;

static void hold_and_end(void *arg)
{
    (void)arg;
    rt_mutex_take(held, RT_WAITING_FOREVER);
    tu_log("holder:ends");
}

static void ended_owner_main(void *arg)
{
    int wait_for_free = (int)(uintptr_t)arg;
    held = rt_mutex_create("held", RT_IPC_FLAG_PRIO);
    tu_spawn("holder", hold_and_end, RT_NULL, 5, 10);   /* runs at once, ends */
    if (wait_for_free)
        rt_thread_delay(2);                             /* idle frees it */
    TU_EXPECT_INT(rt_mutex_take(held, 0), -RT_ETIMEOUT);
    tu_log("take");
    rt_mutex_take(held, 10);
    tu_log("not reached");
}

static void test_mutex_owner_ended(void **state)
{
    (void)state;
    for (int checked = 0; checked <= 1; checked++)
    {
        for (int freed = 0; freed <= 1; freed++)
        {
            struct rt_sim_config cfg;
            tu_config(&cfg);
            cfg.checked = checked;
            tu_log_reset();
            tu_console_reset();
            assert_int_equal(tu_run(&cfg, ended_owner_main, (void *)(uintptr_t)freed),
                             RT_SIM_EASSERT);
            assert_string_equal(tu_log_text(), "holder:ends take");
            assert_non_null(strstr(tu_console(), "rtsim: mutex \"held\" is held by a thread "
                                   "that has ended"));
            assert_non_null(strstr(tu_report(), "(mutex owner has not ended) in rt_mutex_take"));
        }
    }
}

static void test_events(void **state)
{
    (void)state;
    tu_log_reset();
    assert_int_equal(tu_run(NULL, event_main, RT_NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "sent1 and:0:3@6 sent2 set=0 or:-2:0@56");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sem_fifo_order),
        cmocka_unit_test(test_sem_prio_order),
        cmocka_unit_test(test_sem_timeout_exact_tick),
        cmocka_unit_test(test_sem_detach_wakes_all),
        cmocka_unit_test(test_mutex_priority_inheritance),
        cmocka_unit_test(test_mutex_recursive_and_owner),
        cmocka_unit_test(test_mutex_owner_ended),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests_name("ipc", tests, NULL, NULL);
}
