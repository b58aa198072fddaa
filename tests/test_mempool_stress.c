/*
 * test_mempool_stress.c - a seeded stress of one memory pool: consumer
 * threads allocate with random timeouts (none, forever, 1..10 ticks) and
 * hand their blocks on; producer threads and interrupt handlers free them.
 *
 * A ledger outside the pool records where every block is (free, held by a
 * consumer, queued for a producer, waiting for an interrupt).  At every
 * step a thread checks that the ledger and the pool agree, that
 * rt_mp_check() finds nothing broken, and that a failed wait ended at
 * exactly its timeout.  At the end every consumer has done all its rounds
 * (no waiter was lost: the run would otherwise deadlock or hang) and every
 * block is back.  Two runs with the same seed give byte-identical traces.
 *
 * RTSIM_TEST_SEED=n overrides the seed; it is printed on failure.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#define BLOCKS      4
#define BLOCK_SIZE  24
#define CONSUMERS   6
#define PRODUCERS   2
#define ROUNDS      80
#define STACK       2048
#define WORD        sizeof(void *)

enum where { FREE, HELD, QUEUED, IRQ };

struct stress
{
    rt_mp_t     mp;
    uint64_t    rng;
    int         fifo;
    enum where  ledger[BLOCKS];
    int         owner[BLOCKS];
    void       *queue[BLOCKS];
    int         queued;
    int         irqs_pending;
    int         consumers_done;
    int         rounds_done[CONSUMERS];
    long        timeouts, successes, woken, waits_forever, irq_frees;
};

static struct stress st;
static struct rt_thread tcb[CONSUMERS + PRODUCERS];
static rt_uint8_t stacks[CONSUMERS + PRODUCERS][STACK];

static unsigned rnd(unsigned n)
{
    return (unsigned)(tu_rand(&st.rng) % n);
}

static int block_index(const void *p)
{
    rt_size_t stride = st.mp->block_size + WORD;
    rt_ubase_t off = (rt_ubase_t)p - (rt_ubase_t)st.mp->start_address - WORD;
    TU_EXPECT_INT(off % stride, 0);
    int i = (int)(off / stride);
    TU_EXPECT(i >= 0 && i < BLOCKS);
    return i < 0 || i >= BLOCKS ? 0 : i;
}

/* Every block accounted for: the ledger's free blocks are the pool's. */
static void check_accounting(const char *where)
{
    int n[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < BLOCKS; i++)
        n[st.ledger[i]]++;
    if ((rt_size_t)n[FREE] != st.mp->block_free_count || n[QUEUED] != st.queued ||
        n[IRQ] != st.irqs_pending)
        tu_fail(__FILE__, __LINE__, "%s @%u: ledger free %d queued %d irq %d, pool free %u, "
                "queue %d, irqs %d", where, (unsigned)rt_tick_get(), n[FREE], n[QUEUED],
                n[IRQ], (unsigned)st.mp->block_free_count, st.queued, st.irqs_pending);
    int broken = rt_mp_check(st.mp);
    if (broken)
        tu_fail(__FILE__, __LINE__, "%s: rt_mp_check = I%d", where, broken);
}

static void stamp(void *p, int who, int round)
{
    int *w = p;
    w[0] = who;
    w[1] = round;
    w[2] = ~who;
}

static void verify_stamp(const void *p)
{
    const int *w = p;
    TU_EXPECT_INT(w[2], ~w[0]);
}

static void give_back(void *p)
{
    int i = block_index(p);
    verify_stamp(p);
    st.ledger[i] = FREE;
    rt_mp_free(p);
}

static void isr_free(void *param)
{
    int i = block_index(param);
    TU_EXPECT_INT(st.ledger[i], IRQ);
    verify_stamp(param);
    st.ledger[i] = FREE;
    st.irqs_pending--;
    st.irq_frees++;
    rt_mp_free(param);
    TU_EXPECT_INT(rt_mp_check(st.mp), 0);
}

static void consumer(void *arg)
{
    int me = (int)(rt_ubase_t)arg;
    for (int round = 0; round < ROUNDS; round++)
    {
        unsigned pick = rnd(8);
        rt_int32_t timeout = pick == 0 ? RT_WAITING_NO :
                             pick == 1 ? RT_WAITING_FOREVER : (rt_int32_t)(1 + rnd(10));
        rt_tick_t t0 = rt_tick_get();
        rt_set_errno(RT_EOK);
        void *p = rt_mp_alloc(st.mp, timeout);
        if (p)
        {
            int i = block_index(p);
            TU_EXPECT_INT(st.ledger[i], FREE);
            st.ledger[i] = HELD;
            st.owner[i] = me;
            stamp(p, me, round);
        }
        rt_tick_t waited = rt_tick_get() - t0;
        check_accounting(p ? "alloc" : "alloc failed");

        if (!p)
        {
            TU_EXPECT(timeout != RT_WAITING_FOREVER);
            TU_EXPECT_INT(waited, timeout);        /* exact, also after re-waits */
            TU_EXPECT_INT(rt_get_errno(), -RT_ETIMEOUT);
            st.timeouts++;
            tu_log("%d:%d-", me, round);
        }
        else
        {
            if (timeout > 0)
                TU_EXPECT(waited <= (rt_tick_t)timeout);
            if (timeout == RT_WAITING_FOREVER)
                st.waits_forever++;
            if (waited > 0)
                st.woken++;           /* got it after blocking */
            st.successes++;
            tu_log("%d:%d+%u", me, round, (unsigned)block_index(p));

            int i = block_index(p);
            switch (rnd(3))
            {
            case 0:     /* hold it a while, then free it myself */
                rt_thread_delay(rnd(4));
                TU_EXPECT_INT(st.owner[i], me);
                give_back(p);
                break;
            case 1:     /* hand it to a producer */
                st.ledger[i] = QUEUED;
                st.queue[st.queued++] = p;
                break;
            default:    /* an interrupt frees it a few ticks from now */
                st.ledger[i] = IRQ;
                st.irqs_pending++;
                rt_sim_irq_at(rt_tick_get() + 1 + rnd(5), isr_free, p);
                break;
            }
            check_accounting("after hand-off");
        }
        if (rnd(2))
            rt_thread_delay(rnd(3));
        st.rounds_done[me] = round + 1;
    }
    st.consumers_done++;
}

static void producer(void *arg)
{
    (void)arg;
    while (st.consumers_done < CONSUMERS || st.queued > 0 || st.irqs_pending > 0)
    {
        if (st.queued > 0)
        {
            /* take a random queued block */
            int k = (int)rnd((unsigned)st.queued);
            void *p = st.queue[k];
            st.queue[k] = st.queue[--st.queued];
            give_back(p);
            check_accounting("producer free");
        }
        else
        {
            rt_thread_delay(1 + rnd(3));
        }
    }
}

static void stress_main(void *arg)
{
    (void)arg;
    rt_mp_set_wake_order(st.fifo);
    st.mp = rt_mp_create("stress", BLOCKS, BLOCK_SIZE);
    TU_EXPECT(st.mp != RT_NULL);
    if (!st.mp)
        return;
    for (int i = 0; i < CONSUMERS + PRODUCERS; i++)
    {
        char name[RT_NAME_MAX];
        rt_uint8_t prio;
        void (*fn)(void *);
        if (i < CONSUMERS)
        {
            snprintf(name, sizeof name, "c%d", i);
            prio = (rt_uint8_t)(12 + i % 3);
            fn = consumer;
        }
        else
        {
            snprintf(name, sizeof name, "p%d", i - CONSUMERS);
            prio = (rt_uint8_t)(11 + 3 * (i - CONSUMERS));
            fn = producer;
        }
        rt_thread_init(&tcb[i], name, fn, (void *)(rt_ubase_t)i, stacks[i], STACK, prio, 3);
        rt_thread_startup(&tcb[i]);
    }
    /* main (priority 10) watches: the pool stays consistent at every tick. */
    while (st.consumers_done < CONSUMERS || st.queued > 0 || st.irqs_pending > 0)
    {
        rt_thread_delay(1);
        check_accounting("watch");
    }
    rt_thread_delay(5);
    TU_EXPECT_INT(st.mp->block_free_count, BLOCKS);
    TU_EXPECT_INT(st.mp->suspend_thread_count, 0);
    for (int i = 0; i < CONSUMERS; i++)
        TU_EXPECT_INT(st.rounds_done[i], ROUNDS);
    rt_mp_delete(st.mp);
}

struct outcome
{
    char   *trace;
    size_t  trace_len;
    char   *log;
    long    timeouts, successes, woken, irq_frees;
};

static void run_stress(uint64_t seed, int fifo, struct outcome *out)
{
    memset(&st, 0, sizeof st);
    st.rng = seed;
    st.fifo = fifo;

    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.seed = (unsigned long)seed;
    cfg.poll_ticks_after = 0;       /* exact ticks: no busy-wait accounting */
    cfg.mp_wake_order = fifo ? RT_SIM_MP_WAKE_FIFO : RT_SIM_MP_WAKE_LIFO;
    FILE *trace = open_memstream(&out->trace, &out->trace_len);
    assert_non_null(trace);
    cfg.trace = trace;
    tu_log_reset();

    int rc = rt_sim_run(&cfg, stress_main, NULL);
    fclose(trace);
    if (rc != RT_SIM_OK || tu_failures())
        print_error("seed %llu (set RTSIM_TEST_SEED to repeat), fifo %d, rc %d\n%s\n",
                    (unsigned long long)seed, fifo, rc, tu_report());
    assert_int_equal(rc, RT_SIM_OK);
    tu_assert_no_failures();
    out->log = strdup(tu_log_text());
    out->timeouts = st.timeouts;
    out->successes = st.successes;
    out->irq_frees = st.irq_frees;
    out->woken = st.woken;
    if (getenv("STRESS_VERBOSE"))
        fprintf(stderr, "seed %llu fifo %d: %ld ok (%ld after blocking), %ld timeouts, %ld forever, %ld irq frees, trace %zu bytes\n",
                (unsigned long long)seed, fifo, st.successes, st.woken, st.timeouts, st.waits_forever,
                st.irq_frees, out->trace_len);
}

static void free_outcome(struct outcome *o)
{
    free(o->trace);
    free(o->log);
}

static void stress_twice(int fifo)
{
    uint64_t seed = tu_seed(20261126u + (unsigned)fifo);
    struct outcome a, b;
    run_stress(seed, fifo, &a);
    run_stress(seed, fifo, &b);

    /* The stress really stressed: blocks were handed over, waits timed out
     * and interrupts freed blocks. */
    assert_true(a.successes > CONSUMERS * ROUNDS / 2);
    assert_true(a.timeouts > 0);
    assert_true(a.woken > 0);
    assert_true(a.irq_frees > 0);
    assert_non_null(strstr(a.trace, " mp-alloc "));
    assert_non_null(strstr(a.trace, " mp-free "));
    assert_non_null(strstr(a.trace, " timeout "));

    /* Same seed, same program: byte-identical trace. */
    assert_int_equal(a.trace_len, b.trace_len);
    assert_memory_equal(a.trace, b.trace, a.trace_len);
    assert_string_equal(a.log, b.log);
    free_outcome(&a);
    free_outcome(&b);
}

static void test_stress_lifo(void **state)
{
    (void)state;
    stress_twice(0);
}

static void test_stress_fifo(void **state)
{
    (void)state;
    stress_twice(1);
}

/* Different seeds give different runs (the seed really drives it). */
static void test_seeds_differ(void **state)
{
    (void)state;
    struct outcome a, b;
    run_stress(1, 0, &a);
    run_stress(2, 0, &b);
    assert_true(a.trace_len != b.trace_len || memcmp(a.trace, b.trace, a.trace_len) != 0);
    free_outcome(&a);
    free_outcome(&b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stress_lifo),
        cmocka_unit_test(test_stress_fifo),
        cmocka_unit_test(test_seeds_differ),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("mempool_stress", tests, NULL, NULL);
}
