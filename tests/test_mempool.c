/*
 * test_mempool.c - memory pools (kernel/src/mempool.c): geometry, the
 * free list, time-0 failure, exact timeout ticks, preemption on free,
 * frees from interrupts, both wake orders, detach/delete with waiters,
 * misuse reports, hooks, list_mempool and every invariant of rt_mp_check.
 *
 * Everything that touches the kernel runs inside rt_sim_run; inside the
 * run only TU_EXPECT / tu_log are used, cmocka asserts come after.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "testutil.h"

/* kernel/src/heap.h: registers the msh command list_mempool. */
void rt_mempool_cmd_register(void);

/* Static threads, so that the tests do not depend on the system heap. */
#define T_MAX 8
#define T_STACK 2048
static struct rt_thread t_tcb[T_MAX];
static rt_uint8_t t_stack[T_MAX][T_STACK];
static int t_used;

static rt_thread_t spawn(const char *name, void (*fn)(void *), void *arg, rt_uint8_t prio)
{
    if (t_used >= T_MAX)
    {
        TU_EXPECT(t_used < T_MAX);
        return RT_NULL;
    }
    rt_thread_t t = &t_tcb[t_used];
    rt_err_t err = rt_thread_init(t, name, fn, arg, t_stack[t_used], T_STACK, prio, 5);
    t_used++;
    TU_EXPECT_INT(err, RT_EOK);
    rt_thread_startup(t);
    return t;
}

/* Until rt_sim_run applies cfg.mp_wake_order itself, every app_main
 * starts by setting the order (harmless once it does). */
static void (*run_fn)(void *);
static int run_fifo;

static void run_trampoline(void *arg)
{
    rt_mp_set_wake_order(run_fifo);
    run_fn(arg);
}

static int run(void (*fn)(void *), void *arg, int wake_fifo)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    /* White-box tests: they read and corrupt pool headers on purpose and
     * expect the pool's own asserts; checked mode is test_checked.c's. */
    cfg.checked = 0;
    cfg.mp_wake_order = wake_fifo ? RT_SIM_MP_WAKE_FIFO : RT_SIM_MP_WAKE_LIFO;
    t_used = 0;
    run_fn = fn;
    run_fifo = wake_fifo;
    tu_log_reset();
    tu_console_reset();
    return tu_run(&cfg, run_trampoline, arg);
}

/* Pool memory: aligned like a linker would place a static array. */
static rt_uint8_t pool_mem[8192] __attribute__((aligned(16)));
static struct rt_mempool pool;

#define WORD sizeof(void *)

static rt_size_t expect_total(rt_size_t size, rt_size_t block)
{
    return RT_ALIGN_DOWN(size, RT_ALIGN_SIZE) / (RT_ALIGN(block, RT_ALIGN_SIZE) + WORD);
}

/* ----------------------------------------------------------- geometry */

struct geom { rt_size_t size, block; };
static const struct geom geoms[] = {
    { 4096, 80 }, { 4096, 1 }, { 4096, 3 }, { 1000, 7 }, { 1000, 8 },
    { 37, 4 }, { 257, 16 }, { 64, 100 }, { 4096, 4088 }, { 4096, 4100 },
    { 8192, 12 }, { 333, 33 },
};

static void geometry_main(void *arg)
{
    (void)arg;
    for (size_t g = 0; g < sizeof geoms / sizeof geoms[0]; g++)
    {
        rt_size_t size = geoms[g].size, block = geoms[g].block;
        rt_size_t bs = RT_ALIGN(block, RT_ALIGN_SIZE), stride = bs + WORD;
        rt_size_t total = expect_total(size, block);

        memset(pool_mem, 0xA5, sizeof pool_mem);
        TU_EXPECT_INT(rt_mp_init(&pool, "geom", pool_mem, size, block), RT_EOK);
        TU_EXPECT_INT(pool.block_size, bs);
        TU_EXPECT_INT(pool.size, RT_ALIGN_DOWN(size, RT_ALIGN_SIZE));
        TU_EXPECT_INT(pool.block_total_count, total);
        TU_EXPECT_INT(pool.block_free_count, total);
        TU_EXPECT_INT(pool.suspend_thread_count, 0);
        TU_EXPECT_INT(rt_mp_check(&pool), 0);

        /* A fresh pool hands out its blocks in address order. */
        for (rt_size_t i = 0; i < total; i++)
        {
            rt_uint8_t *p = rt_mp_alloc(&pool, 0);
            TU_EXPECT(p == pool_mem + i * stride + WORD);
            TU_EXPECT_INT((rt_ubase_t)p % RT_ALIGN_SIZE, 0);
            TU_EXPECT_INT(rt_mp_check(&pool), 0);
            if (p)
                memset(p, 0x5A, bs);   /* the whole block is usable */
        }
        TU_EXPECT_INT(pool.block_free_count, 0);
        TU_EXPECT_INT(rt_mp_check(&pool), 0);
        rt_set_errno(RT_EOK);
        TU_EXPECT(rt_mp_alloc(&pool, 0) == RT_NULL);
        TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
        /* Nothing written past the last block. */
        if (total * stride < sizeof pool_mem)
            TU_EXPECT_INT(pool_mem[total * stride], 0xA5);

        /* Free in address order; the next allocs come back newest first. */
        for (rt_size_t i = 0; i < total; i++)
        {
            rt_mp_free(pool_mem + i * stride + WORD);
            TU_EXPECT_INT(rt_mp_check(&pool), 0);
        }
        TU_EXPECT_INT(pool.block_free_count, total);
        for (rt_size_t i = total; i-- > 0;)
            TU_EXPECT(rt_mp_alloc(&pool, 0) == pool_mem + i * stride + WORD);
        for (rt_size_t i = 0; i < total; i++)
            rt_mp_free(pool_mem + i * stride + WORD);
        TU_EXPECT_INT(rt_mp_check(&pool), 0);
        TU_EXPECT_INT(rt_mp_detach(&pool), RT_EOK);
    }

    /* The manual's example: 4096 / (80 + 4) = 48 blocks on a 32-bit MCU;
     * a 64-bit target has 8-byte links: 4096 / (80 + 8) = 46. */
    rt_mp_init(&pool, "mp1", pool_mem, 4096, 80);
    TU_EXPECT_INT(pool.block_total_count, WORD == 4 ? 48 : 46);
    rt_mp_detach(&pool);
    tu_log("done");
}

static void test_geometry(void **state)
{
    (void)state;
    assert_int_equal(run(geometry_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "done");
}

/* rt_mp_free(NULL) is a no-op; walk reports used/free per block. */
struct walk_count { int used, free_blocks, total; };
static int walk_cb(const struct rt_mem_block *b, void *ctx)
{
    struct walk_count *c = ctx;
    c->total++;
    if (b->used)
        c->used++;
    else
        c->free_blocks++;
    return 0;
}

static void walk_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "walk", pool_mem, 1024, 24);
    rt_mp_free(RT_NULL);
    void *a = rt_mp_alloc(&pool, 0), *b = rt_mp_alloc(&pool, RT_WAITING_FOREVER);
    struct walk_count c = { 0, 0, 0 };
    rt_mp_walk(&pool, walk_cb, &c);
    TU_EXPECT_INT(c.total, (int)pool.block_total_count);
    TU_EXPECT_INT(c.used, 2);
    TU_EXPECT_INT(c.free_blocks, (int)pool.block_total_count - 2);
    rt_mp_free(a);
    rt_mp_free(b);
    rt_mp_detach(&pool);
}

static void test_walk_and_free_null(void **state)
{
    (void)state;
    assert_int_equal(run(walk_main, NULL, 0), RT_SIM_OK);
}

/* ------------------------------------------------- time 0 and interrupts */

static void *held;
static struct rt_mempool *isr_pool;

static void isr_try_alloc(void *param)
{
    (void)param;
    rt_set_errno(RT_EOK);
    TU_EXPECT(rt_mp_alloc(isr_pool, 0) == RT_NULL);      /* empty: fails at once */
    TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
    rt_mp_free(held);                                      /* free from an ISR */
    void *p = rt_mp_alloc(isr_pool, 0);                    /* and take it back */
    TU_EXPECT(p == held);
    rt_mp_free(p);
    tu_log("isr@%u", (unsigned)rt_tick_get());
}

static void time0_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "one", pool_mem, 2 * (8 + WORD), 8);
    isr_pool = &pool;
    TU_EXPECT_INT(pool.block_total_count, 2);
    void *a = rt_mp_alloc(&pool, 0);
    held = rt_mp_alloc(&pool, 0);
    TU_EXPECT(a != RT_NULL && held != RT_NULL);

    rt_tick_t t0 = rt_tick_get();
    rt_set_errno(RT_EOK);
    TU_EXPECT(rt_mp_alloc(&pool, RT_WAITING_NO) == RT_NULL);
    TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
    TU_EXPECT_INT(rt_tick_get(), t0);                      /* no time passed */
    TU_EXPECT_INT(pool.suspend_thread_count, 0);

    rt_sim_irq_at(5, isr_try_alloc, RT_NULL);
    rt_thread_delay(10);
    TU_EXPECT_INT(pool.block_free_count, 1);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    rt_mp_free(a);
    rt_mp_detach(&pool);
}

static void test_time0_and_isr(void **state)
{
    (void)state;
    assert_int_equal(run(time0_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr@5");
}

/* ---------------------------------------------------- exact timeouts */

struct waiter
{
    const char *name;
    rt_tick_t   start_delay;
    rt_int32_t  timeout;
};

static void timed_waiter(void *arg)
{
    const struct waiter *w = arg;
    if (w->start_delay)
        rt_thread_delay(w->start_delay);
    rt_tick_t t0 = rt_tick_get();
    rt_set_errno(RT_EOK);
    void *p = rt_mp_alloc(&pool, w->timeout);
    rt_tick_t t1 = rt_tick_get();
    TU_EXPECT(p == RT_NULL);
    TU_EXPECT_INT(t1 - t0, w->timeout);
    TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
    tu_log("%s@%u", w->name, (unsigned)t1);
    /* The thread's own timer works normally again. */
    rt_thread_delay(2);
    TU_EXPECT_INT(rt_tick_get(), t1 + 2);
}

static const struct waiter timed[] = {
    { "w1", 0, 3 }, { "w2", 2, 7 }, { "w3", 0, 10 },
};

/* An interrupt at the tick of a timeout runs after that tick's timers:
 * it sees the count and the list agree too. */
static void isr_observe(void *param)
{
    rt_size_t expected = (rt_size_t)(rt_ubase_t)param;
    TU_EXPECT_INT(pool.suspend_thread_count, expected);
    TU_EXPECT_INT(rt_list_len(&pool.suspend_thread), expected);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    tu_log("isr%u", (unsigned)rt_tick_get());
}

static void timeouts_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "tmo", pool_mem, 8 + WORD, 8);
    void *only = rt_mp_alloc(&pool, 0);
    rt_sim_irq_at(3, isr_observe, (void *)2);
    rt_sim_irq_at(9, isr_observe, (void *)1);
    rt_sim_irq_at(10, isr_observe, (void *)0);
    for (int i = 0; i < 3; i++)
        spawn(timed[i].name, timed_waiter, (void *)&timed[i], 20);

    /* Observe the count at every tick: exact, also right after a timeout. */
    for (rt_tick_t tick = 1; tick <= 12; tick++)
    {
        rt_thread_delay(1);
        TU_EXPECT_INT(rt_tick_get(), tick);
        /* w2 starts waiting at tick 2, after main has looked. */
        rt_size_t expected = (tick < 3) + (tick > 2 && tick < 9) + (tick < 10);
        if (pool.suspend_thread_count != expected)
            tu_fail(__FILE__, __LINE__, "tick %u: count %u, expected %u", (unsigned)tick,
                    (unsigned)pool.suspend_thread_count, (unsigned)expected);
        TU_EXPECT_INT(rt_list_len(&pool.suspend_thread), expected);
        TU_EXPECT_INT(rt_mp_check(&pool), 0);
    }
    rt_thread_delay(5);
    rt_mp_free(only);
    rt_mp_detach(&pool);
}

static void test_timeout_ticks(void **state)
{
    (void)state;
    assert_int_equal(run(timeouts_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr3 w1@3 isr9 w2@9 isr10 w3@10");
}

/* A waiter woken by a free whose block is taken before it runs waits
 * again for what is left of its timeout: it still fails at t0 + 10. */
static void rewait_waiter(void *arg)
{
    (void)arg;
    void *p = rt_mp_alloc(&pool, 10);
    TU_EXPECT(p == RT_NULL);
    TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
    tu_log("r@%u", (unsigned)rt_tick_get());
}

static void rewait_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "rew", pool_mem, 8 + WORD, 8);
    void *only = rt_mp_alloc(&pool, 0);
    spawn("r", rewait_waiter, RT_NULL, 20);
    rt_thread_delay(4);
    TU_EXPECT_INT(pool.suspend_thread_count, 1);
    rt_mp_free(only);                               /* wakes r; r is lower priority */
    TU_EXPECT_INT(pool.suspend_thread_count, 0);     /* r is ready, not waiting */
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    only = rt_mp_alloc(&pool, 0);                   /* take it back first */
    TU_EXPECT(only != RT_NULL);
    tu_log("stolen@%u", (unsigned)rt_tick_get());
    rt_thread_delay(1);
    TU_EXPECT_INT(pool.suspend_thread_count, 1);     /* r waits again */
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    rt_thread_delay(10);
    rt_mp_free(only);
    rt_mp_detach(&pool);
}

static void test_rewait_remaining_time(void **state)
{
    (void)state;
    assert_int_equal(run(rewait_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "stolen@4 r@10");
}

/* A timeout equal to the time left when the block comes back: woken at
 * the last tick with the pool taken, the waiter fails at once (time 0). */

/* ------------------------------------------------------- preemption */

static void *handed;

static void high_waiter(void *arg)
{
    (void)arg;
    void *p = rt_mp_alloc(&pool, RT_WAITING_FOREVER);
    TU_EXPECT(p == handed);
    tu_log("%s:got", rt_thread_self()->name);
    rt_mp_free(p);
}

static void freeing_thread(void *arg)
{
    (void)arg;
    tu_log("%s:free", rt_thread_self()->name);
    rt_mp_free(handed);
    tu_log("%s:after", rt_thread_self()->name);
}

static void preempt_main(void *arg)
{
    int waiter_higher = *(int *)arg;
    rt_mp_init(&pool, "pre", pool_mem, 8 + WORD, 8);
    handed = rt_mp_alloc(&pool, 0);
    /* main (priority 10) starts the waiter, then the freer; both run
     * when main sleeps. */
    spawn("W", high_waiter, RT_NULL, waiter_higher ? 15 : 25);
    rt_thread_delay(1);
    TU_EXPECT_INT(pool.suspend_thread_count, 1);
    spawn("F", freeing_thread, RT_NULL, 20);
    rt_thread_delay(5);
    TU_EXPECT_INT(pool.block_free_count, 1);
    rt_mp_detach(&pool);
}

static void test_free_preempts_lower_priority(void **state)
{
    (void)state;
    int higher = 1;
    assert_int_equal(run(preempt_main, &higher, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "F:free W:got F:after");
    higher = 0;
    assert_int_equal(run(preempt_main, &higher, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "F:free F:after W:got");
}

/* --------------------------------------------------- free from an ISR */

static void isr_free_held(void *param)
{
    tu_log("isr");
    rt_mp_free(param);
}

static void irq_waiter(void *arg)
{
    (void)arg;
    void *p = rt_mp_alloc(&pool, 20);
    TU_EXPECT(p == held);
    tu_log("w@%u", (unsigned)rt_tick_get());
    rt_mp_free(p);
}

static void irq_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "irq", pool_mem, 8 + WORD, 8);
    held = rt_mp_alloc(&pool, 0);
    rt_sim_irq_at(10, isr_free_held, held);
    spawn("w", irq_waiter, RT_NULL, 5);     /* higher than main: waits at once */
    TU_EXPECT_INT(pool.suspend_thread_count, 1);
    /* main waits too, after w: LIFO wakes main first, FIFO wakes w. */
    void *p = rt_mp_alloc(&pool, RT_WAITING_FOREVER);
    TU_EXPECT(p == held);
    tu_log("main@%u", (unsigned)rt_tick_get());
    rt_mp_free(p);
    rt_mp_detach(&pool);
}

static void test_free_from_interrupt_wakes_waiter(void **state)
{
    (void)state;
    /* LIFO: main waited last, so main gets the block at tick 10, frees it,
     * which wakes w (higher priority) at once. */
    assert_int_equal(run(irq_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr main@10 w@10");
    /* FIFO: w waited first and gets it; it frees it back to main. */
    assert_int_equal(run(irq_main, NULL, 1), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "isr w@10 main@10");
}

/* ------------------------------------------------------- wake orders */

static void order_waiter(void *arg)
{
    (void)arg;
    void *p = rt_mp_alloc(&pool, RT_WAITING_FOREVER);
    TU_EXPECT(p != RT_NULL);
    tu_log("%s", rt_thread_self()->name);
    rt_thread_delay(100);
    rt_mp_free(p);
}

static void order_main(void *arg)
{
    int fifo = *(int *)arg;
    rt_mp_set_wake_order(fifo);     /* also set through cfg.mp_wake_order */
    rt_mp_init(&pool, "ord", pool_mem, 3 * (8 + WORD), 8);
    void *b[3];
    for (int i = 0; i < 3; i++)
        b[i] = rt_mp_alloc(&pool, 0);
    spawn("A", order_waiter, RT_NULL, 20);
    rt_thread_delay(1);
    spawn("B", order_waiter, RT_NULL, 20);
    rt_thread_delay(1);
    spawn("C", order_waiter, RT_NULL, 20);
    rt_thread_delay(1);
    TU_EXPECT_INT(pool.suspend_thread_count, 3);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    tu_console_reset();
    list_mempool();
    for (int i = 0; i < 3; i++)
    {
        rt_mp_free(b[i]);
        rt_thread_delay(1);
    }
    rt_thread_delay(200);
    TU_EXPECT_INT(pool.block_free_count, 3);
    rt_mp_detach(&pool);
}

static void test_wake_order_lifo(void **state)
{
    (void)state;
    int fifo = 0;
    assert_int_equal(run(order_main, &fifo, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "C B A");
    assert_non_null(strstr(tu_console(), "  0000 3:C/B/A\n"));
}

static void test_wake_order_fifo(void **state)
{
    (void)state;
    int fifo = 1;
    assert_int_equal(run(order_main, &fifo, 1), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "A B C");
    assert_non_null(strstr(tu_console(), "  0000 3:A/B/C\n"));
}

/* ----------------------------------------------- detach/delete waiters */

static void doomed_waiter(void *arg)
{
    rt_mp_t mp = *(rt_mp_t *)arg;
    rt_int32_t timeout = rt_thread_self()->name[0] == 'f' ? RT_WAITING_FOREVER : 50;
    rt_set_errno(RT_EOK);
    void *p = rt_mp_alloc(mp, timeout);
    TU_EXPECT(p == RT_NULL);
    TU_EXPECT_INT(rt_get_errno(), -RT_ERROR);
    rt_tick_t t = rt_tick_get();
    tu_log("%s@%u", rt_thread_self()->name, (unsigned)t);
    /* The waiter's timer is its own again: a delay ends on time and the
     * old 50-tick timeout never fires. */
    rt_thread_delay(3);
    TU_EXPECT_INT(rt_tick_get(), t + 3);
}

static rt_mp_t doomed;

static void destroy_main(void *arg)
{
    int dynamic = *(int *)arg;
    if (dynamic)
    {
        doomed = rt_mp_create("dyn", 1, 16);
        TU_EXPECT(doomed != RT_NULL);
        if (!doomed)
            return;
        TU_EXPECT_INT(doomed->block_total_count, 1);
        TU_EXPECT_INT(doomed->block_size, RT_ALIGN(16, RT_ALIGN_SIZE));
    }
    else
    {
        rt_mp_init(&pool, "sta", pool_mem, 8 + WORD, 8);
        doomed = &pool;
    }
    void *only = rt_mp_alloc(doomed, 0);
    (void)only;
    spawn("f1", doomed_waiter, &doomed, 20);
    spawn("t2", doomed_waiter, &doomed, 20);
    spawn("t3", doomed_waiter, &doomed, 21);
    rt_thread_delay(5);
    TU_EXPECT_INT(doomed->suspend_thread_count, 3);
    TU_EXPECT_INT(rt_mp_check(doomed), 0);
    tu_log("destroy");
    if (dynamic)
        TU_EXPECT_INT(rt_mp_delete(doomed), RT_EOK);
    else
        TU_EXPECT_INT(rt_mp_detach(doomed), RT_EOK);
    tu_log("destroyed");        /* no reschedule inside detach/delete */
    rt_thread_delay(100);
}

static void test_detach_wakes_all(void **state)
{
    (void)state;
    int dynamic = 0;
    assert_int_equal(run(destroy_main, &dynamic, 0), RT_SIM_OK);
    /* LIFO wake order: the newest waiter first. */
    assert_string_equal(tu_log_text(), "destroy destroyed t2@5 f1@5 t3@5");
}

static void test_delete_wakes_all(void **state)
{
    (void)state;
    int dynamic = 1;
    assert_int_equal(run(destroy_main, &dynamic, 1), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "destroy destroyed f1@5 t2@5 t3@5");
}

/* --------------------------------------------------------- create */

static void create_main(void *arg)
{
    (void)arg;
    rt_mp_t mp = rt_mp_create("dyn", 10, 30);
    TU_EXPECT(mp != RT_NULL);
    if (!mp)
        return;
    TU_EXPECT_INT(mp->block_size, RT_ALIGN(30, RT_ALIGN_SIZE));
    TU_EXPECT_INT(mp->block_total_count, 10);
    TU_EXPECT_INT(mp->size, 10 * (RT_ALIGN(30, RT_ALIGN_SIZE) + WORD));
    TU_EXPECT(rt_object_find("dyn", RT_Object_Class_MemPool) == &mp->parent);
    TU_EXPECT(!rt_object_is_systemobject(&mp->parent));
    void *p[10];
    for (int i = 0; i < 10; i++)
        TU_EXPECT((p[i] = rt_mp_alloc(mp, 0)) != RT_NULL);
    TU_EXPECT(rt_mp_alloc(mp, 0) == RT_NULL);
    TU_EXPECT_INT(rt_mp_check(mp), 0);
    for (int i = 0; i < 10; i++)
        rt_mp_free(p[i]);
    TU_EXPECT_INT(rt_mp_delete(mp), RT_EOK);
    TU_EXPECT(rt_object_find("dyn", RT_Object_Class_MemPool) == RT_NULL);

    /* Impossible sizes fail cleanly. */
    TU_EXPECT(rt_mp_create("big", (rt_size_t)-1 / 4, 64) == RT_NULL);
    TU_EXPECT(rt_mp_create("zero", 0, 64) == RT_NULL);
    tu_log("ok");
}

static void test_create_delete(void **state)
{
    (void)state;
    assert_int_equal(run(create_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "ok");
}

/* ------------------------------------------------------------ hooks */

static int alloc_hook_calls, free_hook_calls;
static void *last_hook_block;

static void on_alloc(struct rt_mempool *mp, void *block)
{
    TU_EXPECT(mp == &pool);
    alloc_hook_calls++;
    last_hook_block = block;
}

static void on_free(struct rt_mempool *mp, void *block)
{
    TU_EXPECT(mp == &pool);
    free_hook_calls++;
    last_hook_block = block;
}

static void hooks_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "hook", pool_mem, 8 + WORD, 8);
    alloc_hook_calls = free_hook_calls = 0;
    rt_mp_alloc_sethook(on_alloc);
    rt_mp_free_sethook(on_free);
    void *p = rt_mp_alloc(&pool, 0);
    TU_EXPECT_INT(alloc_hook_calls, 1);
    TU_EXPECT(last_hook_block == p);
    TU_EXPECT(rt_mp_alloc(&pool, 0) == RT_NULL);
    TU_EXPECT_INT(alloc_hook_calls, 1);         /* not on failure */
    rt_mp_free(p);
    TU_EXPECT_INT(free_hook_calls, 1);
    TU_EXPECT(last_hook_block == p);
    rt_mp_free(RT_NULL);
    TU_EXPECT_INT(free_hook_calls, 1);
    rt_mp_alloc_sethook(RT_NULL);
    rt_mp_free_sethook(RT_NULL);
    rt_mp_detach(&pool);
}

static void test_hooks(void **state)
{
    (void)state;
    assert_int_equal(run(hooks_main, NULL, 0), RT_SIM_OK);
}

/* ------------------------------------------------------- list_mempool */

static void list_waiter(void *arg)
{
    (void)arg;
    void *p = rt_mp_alloc(&pool, 30);
    (void)p;
}

static void list_main(void *arg)
{
    (void)arg;
    static struct rt_mempool other;
    rt_mp_init(&pool, "mp1", pool_mem, 4096, 80);
    rt_mp_init(&other, "a_rather_long_name", pool_mem + 4096, 1024, 100);
    void *blocks[64];
    rt_size_t n = pool.block_total_count;
    for (rt_size_t i = 0; i < n; i++)
        blocks[i] = rt_mp_alloc(&pool, 0);
    spawn("thread1", list_waiter, RT_NULL, 20);
    spawn("t2", list_waiter, RT_NULL, 20);
    rt_thread_delay(1);
    tu_console_reset();
    TU_EXPECT_INT(list_mempool(), 0);
    TU_EXPECT_INT(rt_msh_exec("list_mempool"), 0);
    rt_thread_delay(40);
    for (rt_size_t i = 0; i < n; i++)
        rt_mp_free(blocks[i]);
    rt_mp_detach(&other);
    rt_mp_detach(&pool);
}

static void test_list_mempool(void **state)
{
    (void)state;
    rt_mempool_cmd_register();
    assert_int_equal(run(list_main, NULL, 0), RT_SIM_OK);
    char expect[1300];
    int total = WORD == 4 ? 48 : 46;
    int other_bs = RT_ALIGN(100, RT_ALIGN_SIZE);
    int other_total = 1024 / (other_bs + (int)WORD);
    char table[600];
    snprintf(table, sizeof table,
             "%-*s block total free suspend thread\n"
             "%.*s ----  ----  ---- --------------\n"
             "%-*.*s %04d  %04d  %04d 0\n"
             "%-*s %04d  %04d  %04d 2:t2/thread1\n",
             RT_NAME_MAX, "mempool",
             RT_NAME_MAX, "--------------------------------",
             RT_NAME_MAX, RT_NAME_MAX, "a_rather_long_name", other_bs, other_total, other_total,
             RT_NAME_MAX, "mp1", 80, total, 0);
    snprintf(expect, sizeof expect, "%s%s", table, table);
    assert_string_equal(tu_console(), expect);
}

/* ------------------------------------------------------- rt_mp_check */

static void check_waiter(void *arg)
{
    (void)arg;
    (void)rt_mp_alloc(&pool, RT_WAITING_FOREVER);
}

static void check_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "chk", pool_mem, 4 * (16 + WORD), 16);
    rt_size_t stride = 16 + WORD;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    TU_EXPECT_INT(rt_mp_check(RT_NULL), 1);

    /* I1: counts beyond the geometry; a foreign type. */
    pool.block_free_count = 5;
    TU_EXPECT_INT(rt_mp_check(&pool), 1);
    pool.block_free_count = 4;
    pool.block_total_count = 3;
    TU_EXPECT_INT(rt_mp_check(&pool), 1);
    pool.block_total_count = 4;
    rt_uint8_t type = pool.parent.type;
    pool.parent.type = RT_Object_Class_Semaphore | RT_Object_Class_Static;
    TU_EXPECT_INT(rt_mp_check(&pool), 1);
    pool.parent.type = type;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);

    /* I2: a free link off the stride. */
    rt_uint8_t **link1 = (rt_uint8_t **)(void *)(pool_mem + 1 * stride);
    rt_uint8_t *saved = *link1;
    *link1 = pool_mem + 2 * stride + 1;
    TU_EXPECT_INT(rt_mp_check(&pool), 2);
    *link1 = pool_mem + 4 * stride;                 /* past the last block */
    TU_EXPECT_INT(rt_mp_check(&pool), 2);
    *link1 = saved;

    /* I3: a cycle; a count that disagrees with the list. */
    *link1 = pool_mem;
    TU_EXPECT_INT(rt_mp_check(&pool), 3);
    *link1 = saved;
    pool.block_free_count = 3;
    TU_EXPECT_INT(rt_mp_check(&pool), 3);
    pool.block_free_count = 4;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);

    /* I4: an allocated block whose word no longer names the pool. */
    rt_uint8_t *p = rt_mp_alloc(&pool, 0);
    rt_uint8_t **owner = (rt_uint8_t **)(void *)(p - WORD);
    *owner = RT_NULL;
    TU_EXPECT_INT(rt_mp_check(&pool), 4);
    *owner = (rt_uint8_t *)&pool;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);

    /* I5, I6 with a real waiter. */
    void *rest[3];
    for (int i = 0; i < 3; i++)
        rest[i] = rt_mp_alloc(&pool, 0);
    rt_thread_t w = spawn("cw", check_waiter, RT_NULL, 20);
    rt_thread_delay(1);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    pool.suspend_thread_count++;
    TU_EXPECT_INT(rt_mp_check(&pool), 5);
    pool.suspend_thread_count -= 2;
    TU_EXPECT_INT(rt_mp_check(&pool), 5);
    pool.suspend_thread_count++;
    struct rt_object *wo = w->wait_object;
    w->wait_object = RT_NULL;
    TU_EXPECT_INT(rt_mp_check(&pool), 6);
    w->wait_object = wo;
    rt_uint8_t stat = w->stat;
    w->stat = RT_THREAD_READY;
    TU_EXPECT_INT(rt_mp_check(&pool), 6);
    w->stat = stat;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);

    rt_mp_free(p);                  /* the waiter takes it */
    rt_thread_delay(1);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    for (int i = 0; i < 3; i++)
        rt_mp_free(rest[i]);
    tu_log("ok");
}

static void test_check_invariants(void **state)
{
    (void)state;
    assert_int_equal(run(check_main, NULL, 0), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "ok");
}

/* ------------------------------------------------------------ misuse */

static void misuse_null(void *arg) { (void)arg; (void)rt_mp_alloc(RT_NULL, 0); }

static void misuse_type(void *arg)
{
    (void)arg;
    static struct rt_semaphore sem;
    rt_sem_init(&sem, "sem", 0, RT_IPC_FLAG_FIFO);
    (void)rt_mp_alloc((rt_mp_t)(void *)&sem, 0);
}

static void isr_blocking_alloc(void *param)
{
    (void)rt_mp_alloc(param, 5);
}

static void misuse_isr(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "isr", pool_mem, 8 + WORD, 8);
    (void)rt_mp_alloc(&pool, 0);
    rt_sim_irq_at(3, isr_blocking_alloc, &pool);
    rt_thread_delay(10);
}

static void misuse_locked_scheduler(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "lck", pool_mem, 8 + WORD, 8);
    (void)rt_mp_alloc(&pool, 0);
    rt_enter_critical();
    (void)rt_mp_alloc(&pool, 5);
    rt_exit_critical();
}

static void misuse_detach_dynamic(void *arg)
{
    (void)arg;
    rt_mp_t mp = rt_mp_create("dyn", 2, 8);
    if (mp)
        rt_mp_detach(mp);
}

static void misuse_delete_static(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "sta", pool_mem, 64, 8);
    rt_mp_delete(&pool);
}

static void misuse_double_free(void *arg)
{
    (void)arg;
    memset(pool_mem, 0, sizeof pool_mem);
    rt_mp_init(&pool, "dbl", pool_mem, 64, 8);
    void *p = rt_mp_alloc(&pool, 0);
    rt_mp_free(p);
    /* The word below p is now a free-list link to the next free block,
     * whose bytes do not make a pool object. */
    rt_mp_free(p);
}

struct misuse_case { const char *name; void (*fn)(void *); const char *func; };

static void test_misuse_is_reported(void **state)
{
    (void)state;
    static const struct misuse_case cases[] = {
        { "null pool", misuse_null, "rt_mp_alloc" },
        { "wrong type", misuse_type, "rt_mp_alloc" },
        { "block in ISR", misuse_isr, "rt_mp_alloc" },
        { "block, scheduler locked", misuse_locked_scheduler, "rt_mp_alloc" },
        { "detach dynamic", misuse_detach_dynamic, "rt_mp_detach" },
        { "delete static", misuse_delete_static, "rt_mp_delete" },
        { "double free", misuse_double_free, "rt_mp_free" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        int rc = run(cases[i].fn, NULL, 0);
        if (rc != RT_SIM_EASSERT || !strstr(tu_report(), cases[i].func))
            fail_msg("%s: rc %d, report: %s", cases[i].name, rc, tu_report());
    }
}

/* ------------------------------------------- deadlock report and trace */

static void starving(void *arg)
{
    (void)arg;
    (void)rt_mp_alloc(&pool, RT_WAITING_FOREVER);
}

static void deadlock_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "empty", pool_mem, 8 + WORD, 8);
    (void)rt_mp_alloc(&pool, 0);
    rt_thread_delay(3);
    spawn("hungry", starving, RT_NULL, 20);
}

static void test_deadlock_report_names_the_pool(void **state)
{
    (void)state;
    /* Waiting forever for a block nobody frees: no cycle, so not a deadlock. */
    assert_int_equal(run(deadlock_main, NULL, 0), RT_SIM_EWAITING);
    const char *r = tu_report();
    const char *line = strstr(r, "hungry");
    if (!line || !strstr(line, "mempool \"empty\""))
        fail_msg("report: %s", r);
    char since[32];
    snprintf(since, sizeof since, " 3  mempool");     /* waits since tick 3 */
    assert_non_null(strstr(line, since));
}

static char *trace_text;
static size_t trace_len;

static void trace_waiter(void *arg)
{
    rt_mp_t mp = arg;
    void *p = rt_mp_alloc(mp, RT_WAITING_FOREVER);
    rt_mp_free(p);
}

static void trace_main(void *arg)
{
    (void)arg;
    rt_mp_t mp = rt_mp_create("tr", 1, 16);
    void *p = rt_mp_alloc(mp, 0);
    spawn("W", trace_waiter, mp, 5);         /* higher than main: waits at once */
    rt_mp_free(p);                            /* W preempts main inside the free */
    p = rt_mp_alloc(mp, 0);
    TU_EXPECT(rt_mp_alloc(mp, 0) == RT_NULL);
    rt_mp_free(p);
    rt_mp_delete(mp);
}

/* Position of `needle` in the trace after `from`, or fail. */
static const char *after(const char *from, const char *needle)
{
    const char *p = strstr(from, needle);
    if (!p)
        fail_msg("\"%s\" not found in order in the trace:\n%s", needle, trace_text);
    return p + strlen(needle);
}

static void test_trace_order(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    FILE *f = open_memstream(&trace_text, &trace_len);
    assert_non_null(f);
    cfg.trace = f;
    t_used = 0;
    run_fn = trace_main;
    run_fifo = 0;
    int rc = tu_run(&cfg, run_trampoline, NULL);
    fclose(f);
    assert_int_equal(rc, RT_SIM_OK);
    /* The free is traced before the wake-up and the switch it causes; W's
     * own allocation and free come before main runs on. */
    const char *p = after(trace_text, " main mp-alloc pool=tr addr=0x");
    p = after(p, " W suspend thread=W");
    p = after(p, " main mp-free pool=tr addr=0x");
    p = after(p, " main ready thread=W");
    p = after(p, "switch to=W");
    p = after(p, " W mp-alloc pool=tr addr=0x");
    p = after(p, " W mp-free pool=tr addr=0x");
    p = after(p, "switch to=main");
    /* A failed time-0 request is traced with address 0. */
    p = after(p, " main mp-alloc pool=tr addr=0x");
    p = after(p, " main mp-alloc pool=tr addr=0x00000000\n");
    p = after(p, " main mp-free pool=tr addr=0x");
    free(trace_text);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_walk_and_free_null),
        cmocka_unit_test(test_time0_and_isr),
        cmocka_unit_test(test_timeout_ticks),
        cmocka_unit_test(test_rewait_remaining_time),
        cmocka_unit_test(test_free_preempts_lower_priority),
        cmocka_unit_test(test_free_from_interrupt_wakes_waiter),
        cmocka_unit_test(test_wake_order_lifo),
        cmocka_unit_test(test_wake_order_fifo),
        cmocka_unit_test(test_detach_wakes_all),
        cmocka_unit_test(test_delete_wakes_all),
        cmocka_unit_test(test_create_delete),
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_list_mempool),
        cmocka_unit_test(test_check_invariants),
        cmocka_unit_test(test_misuse_is_reported),
        cmocka_unit_test(test_deadlock_report_names_the_pool),
        cmocka_unit_test(test_trace_order),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("mempool", tests, NULL, NULL);
}
