/*
 * test_stress.c - hundreds of threads on the heaps, seeded, in virtual time.
 *
 *   heap_threads   200 threads of random priority (and time slice) on the
 *                  system heap, for every algorithm: each allocates,
 *                  fills, sleeps a random number of ticks, verifies and
 *                  frees, and between rounds waits on a semaphore nobody
 *                  releases with a random timeout.  Checks: every timeout
 *                  fires exactly at its tick with -RT_ETIMEOUT; the heap
 *                  passes its check after every free; no block is written
 *                  by anyone else; at the end blocks and bytes are
 *                  conserved (malloc hook count == free hook count, used
 *                  back to its value before the threads, once the idle
 *                  thread has reclaimed their stacks); no deadlock (the
 *                  run returns RT_SIM_OK).
 *   irq_frees      100 threads hand blocks of a private small-mem heap to
 *                  interrupt handlers raised with rt_sim_irq_at at random
 *                  future ticks; the handler verifies and frees the block
 *                  (rt_smem_free from the ISR, the threads allocate with
 *                  interrupts masked) and releases the owner's semaphore.
 *                  Checks: no lost wake-up (every owner wakes with RT_EOK,
 *                  at exactly the handler's tick), every block freed once,
 *                  the heap empty and consistent at the end.
 *
 *   pool_threads   150 threads of random priority wait in rt_mp_alloc on a
 *                  pool of 8 blocks (forever, or 1..12 ticks); a holder
 *                  keeps its block 0..2 ticks and has an interrupt handler
 *                  free it (rt_mp_free from the ISR).  Checks: a failed
 *                  wait was a timed one and ended exactly at its deadline;
 *                  no forever-waiter is lost (no deadlock, every round
 *                  done); allocations + timeouts = attempts; every block
 *                  back, no waiter left, rt_mp_check clean throughout.
 *
 * Seeds come from RTSIM_TEST_SEED (tu_seed); a failure prints the seed.
 * RTSIM_STRESS_THREADS caps both thread counts (helgrind and drd runs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include <rthw.h>
#include <rtmm.h>

#define MAX_THREADS     200
#define ROUNDS          6
#define MAX_IRQ_THREADS 100
#define IRQ_ROUNDS      4

static uint64_t seed;
/* Thread counts: MAX_* unless RTSIM_STRESS_THREADS caps them.  The
 * helgrind and drd test setups set it (meson.build): their cost grows
 * with the square of the number of host threads. */
static int nthreads = MAX_THREADS, irq_threads = MAX_IRQ_THREADS;

/* ========================================================= heap_threads */

struct worker
{
    int index;
    uint64_t rng;
    int done_rounds;
};

static struct worker workers[MAX_THREADS];
static struct rt_semaphore never;       /* never released: timeouts only */
static struct rt_semaphore finished;    /* one release per worker */
static unsigned long malloc_hooks, free_hooks;
static unsigned long timeouts_ok;

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void on_malloc(void **pp, rt_size_t size)
{
    void *p = *pp;
#else
static void on_malloc(void *p, rt_size_t size)
{
#endif
    if (p != RT_NULL)
        malloc_hooks++;
}

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void on_free(void **pp)
{
    void *p = *pp;
#else
static void on_free(void *p)
{
#endif
    if (p != RT_NULL)
        free_hooks++;
}

static void worker_entry(void *arg)
{
    struct worker *w = arg;

    for (int r = 0; r < ROUNDS; r++)
    {
        rt_size_t size = 1 + (rt_size_t)(tu_rand(&w->rng) % (r % 3 == 2 ? 3000 : 200));
        unsigned char tag = (unsigned char)(w->index * 7 + r);
        unsigned char *p = rt_malloc(size);

        if (p != RT_NULL)
        {
            memset(p, tag, size);
            rt_thread_delay((rt_tick_t)(tu_rand(&w->rng) % 4));
            for (rt_size_t i = 0; i < size; i++)
                if (p[i] != tag)
                {
                    TU_EXPECT(p[i] == tag);
                    break;
                }
            rt_free(p);
            TU_EXPECT_INT(rt_system_heap_check(), 0);
        }

        rt_int32_t timeout = 1 + (rt_int32_t)(tu_rand(&w->rng) % 20);
        rt_tick_t start = rt_tick_get();
        rt_err_t err = rt_sem_take(&never, timeout);
        TU_EXPECT_INT(err, -RT_ETIMEOUT);
        TU_EXPECT_INT(rt_tick_get() - start, timeout);
        if (err == -RT_ETIMEOUT && rt_tick_get() - start == (rt_tick_t)timeout)
            timeouts_ok++;
        w->done_rounds++;
    }
    rt_sem_release(&finished);
}

static void heap_threads_main(void *arg)
{
    rt_size_t used_before, used_after, total;
    uint64_t rng = seed;

    rt_sem_init(&never, "never", 0, RT_IPC_FLAG_PRIO);
    rt_sem_init(&finished, "fin", 0, RT_IPC_FLAG_FIFO);
    malloc_hooks = free_hooks = timeouts_ok = 0;
    rt_memory_info(&total, &used_before, RT_NULL);
    rt_malloc_sethook(on_malloc);
    rt_free_sethook(on_free);

    for (int i = 0; i < nthreads; i++)
    {
        char name[RT_NAME_MAX];
        rt_thread_t t;

        workers[i].index = i;
        workers[i].rng = rng ^ (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull;
        workers[i].done_rounds = 0;
        snprintf(name, sizeof name, "w%d", i);
        t = rt_thread_create(name, worker_entry, &workers[i], 1024,
                             (rt_uint8_t)(4 + tu_rand(&rng) % 24),
                             (rt_uint32_t)(1 + tu_rand(&rng) % 5));
        TU_EXPECT(t != RT_NULL);
        if (t != RT_NULL)
            rt_thread_startup(t);
    }
    for (int i = 0; i < nthreads; i++)
        TU_EXPECT_INT(rt_sem_take(&finished, RT_WAITING_FOREVER), RT_EOK);
    /* Let the idle thread reclaim the ended threads' stacks and TCBs. */
    rt_thread_delay(2);

    rt_malloc_sethook(RT_NULL);
    rt_free_sethook(RT_NULL);
    for (int i = 0; i < nthreads; i++)
        TU_EXPECT_INT(workers[i].done_rounds, ROUNDS);
    TU_EXPECT_INT(timeouts_ok, nthreads * ROUNDS);
    TU_EXPECT_INT(malloc_hooks, free_hooks);
    rt_memory_info(RT_NULL, &used_after, RT_NULL);
    TU_EXPECT_INT(used_after, used_before);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_sem_detach(&never);
    rt_sem_detach(&finished);
}

static void run_heap_threads(const char *algo)
{
    struct rt_sim_config cfg;

    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.heap = algo;
    cfg.seed = (unsigned long)seed;
    if (tu_run(&cfg, heap_threads_main, NULL) != RT_SIM_OK)
        fail_msg("heap_threads on %s failed (seed %llu):\n%s", algo,
                 (unsigned long long)seed, tu_report());
}

static void test_heap_threads_smallmem(void **state) { run_heap_threads("smallmem"); }
static void test_heap_threads_classic(void **state) { run_heap_threads("smallmem-classic"); }
static void test_heap_threads_slab(void **state) { run_heap_threads("slab"); }
static void test_heap_threads_memheap(void **state) { run_heap_threads("memheap"); }
static void test_heap_threads_tlsf(void **state) { run_heap_threads("tlsf"); }

/* ============================================================ irq_frees */

#define IRQ_HEAP_BYTES (24 * 1024)

struct handoff
{
    unsigned char *block;
    rt_size_t size;
    unsigned char tag;
    rt_tick_t due;
    rt_tick_t freed_at;
    int freed;
    struct rt_semaphore *owner;
};

struct irq_worker
{
    int index;
    uint64_t rng;
    struct rt_semaphore sem;
    struct handoff slot;
};

static _Alignas(16) unsigned char irq_arena[IRQ_HEAP_BYTES];
static rt_smem_t irq_heap;
static struct irq_worker irq_workers[MAX_IRQ_THREADS];
static struct rt_semaphore irq_finished;
static unsigned long irq_allocs, irq_frees, irq_wakeups;

/* Runs as an interrupt handler. */
static void isr_free(void *param)
{
    struct handoff *h = param;

    TU_EXPECT(rt_interrupt_get_nest() > 0);
    TU_EXPECT_INT(rt_tick_get(), h->due);
    TU_EXPECT(!h->freed);
    for (rt_size_t i = 0; i < h->size; i++)
        if (h->block[i] != h->tag)
        {
            TU_EXPECT(h->block[i] == h->tag);
            break;
        }
    rt_smem_free(h->block);
    h->freed = 1;
    h->freed_at = rt_tick_get();
    irq_frees++;
    rt_sem_release(h->owner);
}

static void irq_worker_entry(void *arg)
{
    struct irq_worker *w = arg;

    for (int r = 0; r < IRQ_ROUNDS; r++)
    {
        rt_size_t size = 1 + (rt_size_t)(tu_rand(&w->rng) % 120);
        rt_base_t level = rt_hw_interrupt_disable();
        unsigned char *p = rt_smem_alloc(irq_heap, size);
        rt_hw_interrupt_enable(level);

        if (p == RT_NULL)
        {
            rt_thread_delay(1);     /* heap momentarily full: try later */
            continue;
        }
        irq_allocs++;
        w->slot.block = p;
        w->slot.size = size;
        w->slot.tag = (unsigned char)(w->index + r);
        w->slot.freed = 0;
        w->slot.owner = &w->sem;
        w->slot.due = rt_tick_get() + 1 + (rt_tick_t)(tu_rand(&w->rng) % 6);
        memset(p, w->slot.tag, size);
        TU_EXPECT_INT(rt_sim_irq_at(w->slot.due, isr_free, &w->slot), 0);

        /* The handler must wake us, at its tick, long before the timeout. */
        rt_err_t err = rt_sem_take(&w->sem, 100);
        TU_EXPECT_INT(err, RT_EOK);
        TU_EXPECT(w->slot.freed);
        TU_EXPECT_INT(rt_tick_get(), w->slot.due);
        if (err == RT_EOK)
            irq_wakeups++;
    }
    rt_sem_release(&irq_finished);
}

static void irq_frees_main(void *arg)
{
    uint64_t rng = seed ^ 0x5bd1e995u;

    irq_allocs = irq_frees = irq_wakeups = 0;
    irq_heap = rt_smem_init("irqheap", irq_arena, sizeof irq_arena);
    TU_EXPECT(irq_heap != RT_NULL);
    if (irq_heap == RT_NULL)
        return;
    rt_sem_init(&irq_finished, "fin", 0, RT_IPC_FLAG_FIFO);

    for (int i = 0; i < irq_threads; i++)
    {
        char name[RT_NAME_MAX];
        struct irq_worker *w = &irq_workers[i];
        rt_thread_t t;

        w->index = i;
        w->rng = rng ^ (uint64_t)(i + 1) * 0xD6E8FEB86659FD93ull;
        snprintf(name, sizeof name, "i%d", i);
        rt_sem_init(&w->sem, name, 0, (rt_uint8_t)(i % 2 ? RT_IPC_FLAG_PRIO : RT_IPC_FLAG_FIFO));
        t = rt_thread_create(name, irq_worker_entry, w, 1024,
                             (rt_uint8_t)(4 + tu_rand(&rng) % 24), 5);
        TU_EXPECT(t != RT_NULL);
        if (t != RT_NULL)
            rt_thread_startup(t);
    }
    for (int i = 0; i < irq_threads; i++)
        TU_EXPECT_INT(rt_sem_take(&irq_finished, RT_WAITING_FOREVER), RT_EOK);

    TU_EXPECT(irq_allocs > 0);
    TU_EXPECT_INT(irq_frees, irq_allocs);
    TU_EXPECT_INT(irq_wakeups, irq_allocs);
    TU_EXPECT_INT(irq_heap->used, 0);
    TU_EXPECT_INT(rt_smem_check(irq_heap), 0);
    for (int i = 0; i < irq_threads; i++)
        rt_sem_detach(&irq_workers[i].sem);
    rt_sem_detach(&irq_finished);
    rt_smem_detach(irq_heap);
}

static void test_irq_frees(void **state)
{
    struct rt_sim_config cfg;

    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.seed = (unsigned long)seed;
    if (tu_run(&cfg, irq_frees_main, NULL) != RT_SIM_OK)
        fail_msg("irq_frees failed (seed %llu):\n%s", (unsigned long long)seed, tu_report());
}

/* ========================================================= pool_threads */

#define POOL_BLOCKS      8
#define POOL_BLOCK_SIZE  48
#define MAX_POOL_THREADS 150
#define POOL_ROUNDS      4

struct pool_slot
{
    unsigned char *block;
    unsigned char tag;
    rt_tick_t due;
};

struct pool_worker
{
    int index;
    uint64_t rng;
    int done_rounds;
    struct pool_slot slot[POOL_ROUNDS];
};

static int pool_threads = MAX_POOL_THREADS;
static struct rt_mempool pool;
static _Alignas(16) unsigned char pool_mem[POOL_BLOCKS * (POOL_BLOCK_SIZE + sizeof(void *))];
static struct pool_worker pool_workers[MAX_POOL_THREADS];
static struct rt_semaphore pool_finished;
static unsigned long pool_allocs, pool_frees, pool_timeouts;

/* Runs as an interrupt handler: verify, give the block back (R7). */
static void isr_pool_free(void *param)
{
    struct pool_slot *s = param;

    TU_EXPECT_INT(rt_tick_get(), s->due);
    for (int i = 0; i < POOL_BLOCK_SIZE; i++)
        if (s->block[i] != s->tag)
        {
            TU_EXPECT(s->block[i] == s->tag);
            break;
        }
    rt_mp_free(s->block);
    pool_frees++;
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
}

static void pool_worker_entry(void *arg)
{
    struct pool_worker *w = arg;

    for (int r = 0; r < POOL_ROUNDS; r++)
    {
        /* -1 (forever) one time in four, else 1..12 ticks */
        rt_int32_t timeout = tu_rand(&w->rng) % 4 == 0 ? RT_WAITING_FOREVER
                           : 1 + (rt_int32_t)(tu_rand(&w->rng) % 12);
        rt_tick_t start = rt_tick_get();
        unsigned char *p = rt_mp_alloc(&pool, timeout);
        struct pool_slot *s = &w->slot[r];

        TU_EXPECT_INT(rt_mp_check(&pool), 0);
        if (p == RT_NULL)
        {
            /* Only a timed wait may fail, and exactly at its deadline. */
            TU_EXPECT(timeout != RT_WAITING_FOREVER);
            TU_EXPECT_INT(rt_tick_get() - start, timeout);
            pool_timeouts++;
        }
        else
        {
            pool_allocs++;
            s->block = p;
            s->tag = (unsigned char)(w->index * 3 + r);
            memset(p, s->tag, POOL_BLOCK_SIZE);
            rt_thread_delay((rt_tick_t)(tu_rand(&w->rng) % 3));
            s->due = rt_tick_get() + 1 + (rt_tick_t)(tu_rand(&w->rng) % 3);
            TU_EXPECT_INT(rt_sim_irq_at(s->due, isr_pool_free, s), 0);
        }
        w->done_rounds++;
    }
    rt_sem_release(&pool_finished);
}

static void pool_threads_main(void *arg)
{
    uint64_t rng = seed ^ 0x27d4eb2fu;

    pool_allocs = pool_frees = pool_timeouts = 0;
    TU_EXPECT_INT(rt_mp_init(&pool, "spool", pool_mem, sizeof pool_mem, POOL_BLOCK_SIZE), RT_EOK);
    TU_EXPECT_INT(pool.block_total_count, POOL_BLOCKS);
    rt_sem_init(&pool_finished, "fin", 0, RT_IPC_FLAG_FIFO);

    for (int i = 0; i < pool_threads; i++)
    {
        char name[RT_NAME_MAX];
        struct pool_worker *w = &pool_workers[i];
        rt_thread_t t;

        w->index = i;
        w->rng = rng ^ (uint64_t)(i + 1) * 0x94D049BB133111EBull;
        w->done_rounds = 0;
        snprintf(name, sizeof name, "p%d", i);
        t = rt_thread_create(name, pool_worker_entry, w, 1024,
                             (rt_uint8_t)(4 + tu_rand(&rng) % 24), 3);
        TU_EXPECT(t != RT_NULL);
        if (t != RT_NULL)
            rt_thread_startup(t);
    }
    for (int i = 0; i < pool_threads; i++)
        TU_EXPECT_INT(rt_sem_take(&pool_finished, RT_WAITING_FOREVER), RT_EOK);
    /* The last blocks come back from interrupts a few ticks later. */
    rt_thread_delay(8);

    for (int i = 0; i < pool_threads; i++)
        TU_EXPECT_INT(pool_workers[i].done_rounds, POOL_ROUNDS);
    fprintf(stderr, "pool_threads: %lu blocks handed out, %lu timed waits expired\n", pool_allocs, pool_timeouts);
    TU_EXPECT(pool_allocs > 0);
    TU_EXPECT_INT(pool_allocs + pool_timeouts, (unsigned long)pool_threads * POOL_ROUNDS);
    TU_EXPECT_INT(pool_frees, pool_allocs);
    TU_EXPECT_INT(pool.block_free_count, POOL_BLOCKS);
    TU_EXPECT_INT(pool.suspend_thread_count, 0);
    TU_EXPECT_INT(rt_mp_check(&pool), 0);
    rt_sem_detach(&pool_finished);
    rt_mp_detach(&pool);
}

static void test_pool_threads(void **state)
{
    struct rt_sim_config cfg;

    tu_config(&cfg);
    cfg.board = "stm32f429-disco";
    cfg.seed = (unsigned long)seed;
    if (tu_run(&cfg, pool_threads_main, NULL) != RT_SIM_OK)
        fail_msg("pool_threads failed (seed %llu):\n%s", (unsigned long long)seed, tu_report());
}

static int setup(void **state)
{
    const char *cap = getenv("RTSIM_STRESS_THREADS");

    seed = tu_seed(9);
    if (cap != NULL && atoi(cap) > 0)
    {
        nthreads = atoi(cap) < MAX_THREADS ? atoi(cap) : MAX_THREADS;
        irq_threads = atoi(cap) < MAX_IRQ_THREADS ? atoi(cap) : MAX_IRQ_THREADS;
        pool_threads = atoi(cap) < MAX_POOL_THREADS ? atoi(cap) : MAX_POOL_THREADS;
    }
    fprintf(stderr, "stress: seed %llu (RTSIM_TEST_SEED replays another)\n", (unsigned long long)seed);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_threads_smallmem),
        cmocka_unit_test(test_heap_threads_classic),
        cmocka_unit_test(test_heap_threads_slab),
        cmocka_unit_test(test_heap_threads_memheap),
        cmocka_unit_test(test_heap_threads_tlsf),
        cmocka_unit_test(test_irq_frees),
        cmocka_unit_test(test_pool_threads),
    };
    return cmocka_run_group_tests_name("stress", tests, setup, NULL);
}
