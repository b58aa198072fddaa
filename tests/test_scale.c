/*
 * test_scale.c - what issue 19's scale work must not change: the order
 * raised interrupts run in (one tick, many ticks, across the counter's
 * wrap, raised from threads and from handlers), thousands of threads
 * created and deleted with the heap checked after every step, and a big
 * RAM region whose untouched memory still reads as power-on garbage in
 * checked mode.  The costs themselves are measured by the benchmark
 * tests/bench/bench_scale.c, not here.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"

/* ------------------------------------------------------------ the model */
#define MAX_IRQS 4096
struct raised { rt_tick_t tick; int id; };
static struct raised raised[MAX_IRQS];     /* in raising order */
static int nraised;
static int ran_id[MAX_IRQS];
static rt_tick_t ran_tick[MAX_IRQS];
static int nran;
static uint64_t rng;

static void record_isr(void *p)
{
    int id = (int)(intptr_t)p;
    TU_EXPECT(rt_interrupt_get_nest() == 1);
    if (nran < MAX_IRQS)
    {
        ran_id[nran] = id;
        ran_tick[nran] = rt_tick_get();
        nran++;
    }
}

static void raise_at(rt_tick_t tick, void (*isr)(void *))
{
    int id = nraised;
    TU_EXPECT(nraised < MAX_IRQS);
    raised[nraised].tick = tick;
    raised[nraised].id = id;
    nraised++;
    TU_EXPECT_INT(rt_sim_irq_at(tick, isr, (void *)(intptr_t)id), 0);
}

/* The model: every interrupt runs at its own tick; the whole sequence is
 * the raised ones stably sorted by tick (modulo the counter's range,
 * measured from `base`), so equal ticks run in raising order. */
static rt_tick_t sort_base;
static int by_tick(const void *a, const void *b)
{
    const struct raised *x = a, *y = b;
    rt_tick_t kx = x->tick - sort_base, ky = y->tick - sort_base;
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return x->id - y->id;
}

static void check_against_model(rt_tick_t base)
{
    assert_int_equal(nran, nraised);
    struct raised *want = malloc(sizeof raised[0] * (size_t)nraised);
    assert_non_null(want);
    memcpy(want, raised, sizeof raised[0] * (size_t)nraised);
    sort_base = base;
    qsort(want, (size_t)nraised, sizeof want[0], by_tick);
    for (int i = 0; i < nraised; i++)
    {
        if (ran_id[i] != want[i].id || ran_tick[i] != want[i].tick)
            fail_msg("position %d: ran #%d at tick %lu, the model says #%d at tick %lu", i,
                     ran_id[i], (unsigned long)ran_tick[i], want[i].id,
                     (unsigned long)want[i].tick);
    }
    free(want);
}

static void model_reset(void)
{
    nraised = nran = 0;
}

/* ---------------------------------------------------- same-tick order */
static void wait_all(void *arg)
{
    (void)arg;
    while (nran < nraised)
        rt_thread_delay(1);
}

static void test_same_tick_fifo(void **state)
{
    (void)state;
    model_reset();
    /* Interleaved ticks raised before the run: 5 at tick 7, 5 at tick 3. */
    for (int i = 0; i < 10; i++)
        raise_at(i % 2 ? 3 : 7, record_isr);
    assert_int_equal(tu_run(NULL, wait_all, NULL), RT_SIM_OK);
    check_against_model(0);
    /* Exactly: the tick-3 ones (odd ids) in raising order, then tick 7. */
    static const int order[10] = { 1, 3, 5, 7, 9, 0, 2, 4, 6, 8 };
    for (int i = 0; i < 10; i++)
        assert_int_equal(ran_id[i], order[i]);
}

/* A handler raising one more at its own tick: it runs after the ones
 * already raised for that tick (raising order), within the same tick. */
static void chain_isr(void *p)
{
    record_isr(p);
    int id = (int)(intptr_t)p;
    if (id < 3)
        raise_at(rt_tick_get(), chain_isr);
}

static void test_raised_from_handler_same_tick(void **state)
{
    (void)state;
    model_reset();
    raise_at(5, chain_isr);   /* id 0 */
    raise_at(5, record_isr);  /* id 1 */
    raise_at(6, record_isr);  /* id 2 */
    assert_int_equal(tu_run(NULL, wait_all, NULL), RT_SIM_OK);
    /* 0 raises 3 (tick 5) after 1: order 0 1 3 at tick 5, then 2. */
    assert_int_equal(nran, 4);
    assert_int_equal(ran_id[0], 0);
    assert_int_equal(ran_id[1], 1);
    assert_int_equal(ran_id[2], 3);
    assert_int_equal(ran_id[3], 2);
    assert_int_equal(ran_tick[2], 5);
    assert_int_equal(ran_tick[3], 6);
}

/* -------------------------------------------- many, at random ticks */
static void random_isr(void *p)
{
    record_isr(p);
    /* One handler in four raises another 0..40 ticks ahead. */
    if (nraised < 3000 && tu_rand(&rng) % 4 == 0)
        raise_at(rt_tick_get() + (rt_tick_t)(tu_rand(&rng) % 41), random_isr);
}

static void random_main(void *arg)
{
    rt_tick_t start = *(rt_tick_t *)arg;
    if (start)
        rt_tick_set(start);
    rt_tick_t t0 = rt_tick_get();
    /* The thread raises batches at random ticks ahead, sleeping between. */
    for (int round = 0; round < 40; round++)
    {
        for (int i = 0; i < 40; i++)
            raise_at(rt_tick_get() + 1 + (rt_tick_t)(tu_rand(&rng) % 500), random_isr);
        rt_thread_delay((rt_tick_t)(tu_rand(&rng) % 30));
    }
    while (nran < nraised)
        rt_thread_delay(10);
    TU_EXPECT(rt_tick_get() - t0 < 10000);
}

static void run_random(rt_tick_t start)
{
    model_reset();
    rng = tu_seed(0x5CA1E19);
    /* Before the run too, when the clock starts at 0. */
    if (start == 0)
        for (int i = 0; i < 400; i++)
            raise_at(1 + (rt_tick_t)(tu_rand(&rng) % 300), random_isr);
    assert_int_equal(tu_run(NULL, random_main, &start), RT_SIM_OK);
    assert_true(nraised > 1600);
    check_against_model(start);
}

static void test_random_ticks_against_model(void **state)
{
    (void)state;
    run_random(0);
}

/* The same across the tick counter's wrap: ticks compare modulo its range. */
static void test_random_ticks_across_wrap(void **state)
{
    (void)state;
    run_random((rt_tick_t)(RT_TICK_MAX - 300));
}

/* A tick already passed runs at the next point interrupts are delivered,
 * before a later one raised earlier (rtsim's contract: "when virtual time
 * reaches tick"). */
static void past_main(void *arg)
{
    (void)arg;
    rt_thread_delay(50);
    raise_at(rt_tick_get() + 100, record_isr);   /* id 0 */
    raise_at(rt_tick_get() - 20, record_isr);    /* id 1: in the past */
    rt_tick_t now = rt_tick_get();
    rt_thread_delay(1);
    TU_EXPECT_INT(nran, 1);
    TU_EXPECT_INT(ran_id[0], 1);
    TU_EXPECT_INT(ran_tick[0], now);
    while (nran < 2)
        rt_thread_delay(10);
    TU_EXPECT_INT(ran_tick[1], now + 100);
}

static void test_past_tick_runs_at_once(void **state)
{
    (void)state;
    model_reset();
    assert_int_equal(tu_run(NULL, past_main, NULL), RT_SIM_OK);
}

/* ------------------------------------------------- thousands of threads */
static int ended;
static rt_sem_t gate;

static void worker(void *p)
{
    (void)p;
    rt_sem_take(gate, RT_WAITING_FOREVER);
    ended++;
}

static void sleeper(void *p)
{
    (void)p;
    rt_thread_delay(100000);
}

static void threads_main(void *arg)
{
    int n = *(int *)arg;
    gate = rt_sem_create("gate", 0, RT_IPC_FLAG_FIFO);
    TU_EXPECT(gate != RT_NULL);
    for (int wave = 0; wave < 8; wave++)
    {
        rt_thread_t *victims = rt_malloc(sizeof(rt_thread_t) * (size_t)n);
        TU_EXPECT(victims != RT_NULL);
        ended = 0;
        for (int i = 0; i < n; i++)
        {
            char name[16];
            snprintf(name, sizeof name, "w%d", i % 100000);
            rt_thread_t t = rt_thread_create(name, worker, RT_NULL, 512, 10, 5);
            TU_EXPECT(t != RT_NULL);
            TU_EXPECT_INT(rt_thread_startup(t), RT_EOK);
            snprintf(name, sizeof name, "s%d", i % 100000);
            victims[i] = rt_thread_create(name, sleeper, RT_NULL, 512, 12, 5);
            TU_EXPECT(victims[i] != RT_NULL);
            TU_EXPECT_INT(rt_thread_startup(victims[i]), RT_EOK);
            if (i % 97 == 0)
                TU_EXPECT_INT(rt_system_heap_check(), 0);
        }
        rt_thread_delay(1);
        TU_EXPECT_INT(rt_system_heap_check(), 0);
        /* Half the sleepers deleted while blocked, newest first ... */
        for (int i = n - 1; i >= n / 2; i--)
            TU_EXPECT_INT(rt_thread_delete(victims[i]), RT_EOK);
        for (int i = 0; i < n; i++)
            rt_sem_release(gate);
        rt_thread_delay(2);
        TU_EXPECT_INT(ended, n);
        TU_EXPECT_INT(rt_system_heap_check(), 0);
        /* ... the rest oldest first. */
        for (int i = 0; i < n / 2; i++)
            TU_EXPECT_INT(rt_thread_delete(victims[i]), RT_EOK);
        rt_thread_delay(2);
        TU_EXPECT_INT(rt_system_heap_check(), 0);
        rt_free(victims);
    }
    rt_sem_delete(gate);
}

static char board_file[64];
static void write_board(const char *text)
{
    snprintf(board_file, sizeof board_file, "/tmp/test_scale_%ld.board", (long)getpid());
    FILE *f = fopen(board_file, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_thousands_of_threads(void **state)
{
    (void)state;
    write_board("board scale-threads\nregion RAM 0x20000000 16M\nzi RAM 16K\n");
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = board_file;
    cfg.checked = 1;
    /* 2 x n alive at once, 8 waves: 2,400 threads created and deleted.
     * n stays under Valgrind's 500 threads (the memcheck, helgrind and
     * drd setups run this suite); RTSIM_SCALE_THREADS=N for more.
     * A 32-bit ASan build runs through qemu-i386 here, whose mappings
     * come from the top of the 4 GiB space: past about 250 live host
     * threads their stacks land beyond what ASan's shadow covers there
     * (ASan's CHECK "AddrIsInMem(stack_bottom_)"; 2 x 120 ran, 2 x 150
     * did not), so that build keeps 2 x 50 alive. */
#if defined(__SANITIZE_ADDRESS__) && UINTPTR_MAX == 0xFFFFFFFFu
    const int default_n = 50;
#else
    const int default_n = 150;
#endif
    const char *env = getenv("RTSIM_SCALE_THREADS");
    int n = env ? atoi(env) : default_n;
    if (n < 1)
        n = 1;
    assert_int_equal(tu_run(&cfg, threads_main, &n), RT_SIM_OK);
    unlink(board_file);
}

/* ------------------------------------------------------- a big region */
#define BIG_BASE 0x60000000ul
#define BIG_SIZE (96ul << 20)

static unsigned char power_on(unsigned long k)
{
    return (unsigned char)(0xA5 ^ (k * 31 >> 3));
}

static int after_free_caught;
static void big_main(void *arg)
{
    (void)arg;
    /* The big region holds no heap: every byte is the run's to read, and
     * untouched it reads as power-on garbage, chunk edges included. */
    static const unsigned long at[] = { 0, 1, 2047, 2048, 4095, 4096, (8ul << 20) - 1,
                                        8ul << 20, (8ul << 20) + 12345, (40ul << 20) + 777,
                                        BIG_SIZE - 4097, BIG_SIZE - 1 };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
    {
        unsigned char *p = rt_sim_host_addr(BIG_BASE + at[i]);
        TU_EXPECT(p != RT_NULL);
        if (p)
            TU_EXPECT_INT(*p, power_on(at[i]));
    }
    /* Written bytes stay written; their neighbours keep the garbage. */
    unsigned char *w = rt_sim_host_addr(BIG_BASE + (16ul << 20));
    w[0] = 0x11;
    TU_EXPECT_INT(w[0], 0x11);
    TU_EXPECT_INT(w[1], power_on((16ul << 20) + 1));
    TU_EXPECT_INT(w[-1], power_on((16ul << 20) - 1));
    /* The same page of another chunk is untouched by that write. */
    unsigned char *o = rt_sim_host_addr(BIG_BASE + (24ul << 20));
    TU_EXPECT_INT(o[0], power_on(24ul << 20));
    /* The heap over the other big region works and is checked. */
    unsigned char *b = rt_malloc(20u << 20);
    TU_EXPECT(b != RT_NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    if (!b)
        return;
    memset(b, 0x5A, 4096);  /* most of the block stays untouched */
    rt_free(b);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    /* A write after free far into the freed block, in pages the run never
     * wrote before the free: checked mode's poison covers them. */
    after_free_caught = 1;
    rt_sim_poke(b + (12u << 20), 0x55);
    rt_free(rt_malloc(16)); /* the whole-heap check after it sees it */
    after_free_caught = 0;
}

static void test_big_region_reads_power_on_garbage(void **state)
{
    (void)state;
    write_board("board scale-big\nregion SRAM 0x20000000 40M\nregion BIG 0x60000000 96M\n"
                "zi SRAM 16K\nheap SRAM\n");
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.board = board_file;
    cfg.checked = 1;
    cfg.check_every_call = 1;
    int rc = tu_run(&cfg, big_main, NULL);
    unlink(board_file);
    /* The write after free ended the run as a memory mistake. */
    assert_int_equal(rc, RT_SIM_EMEMORY);
    assert_int_equal(after_free_caught, 1);
    assert_non_null(strstr(tu_report(), "rtsim: memory error: write after free: byte "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_tick_fifo),
        cmocka_unit_test(test_raised_from_handler_same_tick),
        cmocka_unit_test(test_random_ticks_against_model),
        cmocka_unit_test(test_random_ticks_across_wrap),
        cmocka_unit_test(test_past_tick_runs_at_once),
        cmocka_unit_test(test_thousands_of_threads),
        cmocka_unit_test(test_big_region_reads_power_on_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
