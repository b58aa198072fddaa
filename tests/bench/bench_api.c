/*
 * bench_api.c - what the kernel API adds to the work it wraps (issue 19).
 *
 *   bench_api ops N HEAP   boots with system heap HEAP ("tlsf", "smallmem",
 *                          ...), checking off, and runs, with callgrind's
 *                          collection switched on only around the loops
 *                          (CALLGRIND_TOGGLE_COLLECT):
 *                            - 64 live blocks of random sizes 8..128; N
 *                              times: rt_free a random one, rt_malloc a new
 *                              random size in its place;
 *                            - N uncontended rt_mp_alloc(mp, 0) + rt_mp_free,
 *                              and N pop + push of a bare free list;
 *                            - N uncontended rt_sem_take(s, 0) +
 *                              rt_sem_release, rt_mutex_take + release;
 *                            - N / 16 rt_thread_delay(1) (the caller's
 *                              side: the tick comes in another context);
 *                            - N / 16 busy waits of one tick
 *                              (rt_hw_us_delay): one tick interrupt each,
 *                              on this thread.
 *                          tests/bench/bench_api.py runs it under
 *                          `valgrind --tool=callgrind` and reads each
 *                          function's inclusive cost at its call sites
 *                          (rt_malloc against the algorithm's own alloc
 *                          called inside it, on the same heap, same calls).
 *   bench_api wake N       wall-clock: blocked memory-pool hand-overs
 *                          between two threads (two one-block pools; each
 *                          hand-over ends one blocked rt_mp_alloc with the
 *                          other thread's rt_mp_free: one host hand-off)
 *                          against a bare two-pthread mutex + condition-
 *                          variable baton on one core (one hand-off per
 *                          pass), 5 alternating runs each, medians.
 *                          Not a test: it reads the wall clock.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include <rthw.h>
#include <rtthread.h>
#include <rtsim.h>

static long n_ops;
static const char *heap_name = "tlsf";
static void *volatile sink;
static int failures;

/* ------------------------------------------------------ instructions */

#define LIVE 64

static unsigned long long rng = 12345;

static rt_size_t rand_size(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return 8 + (rt_size_t)((rng >> 33) % 121);        /* 8..128 */
}

static unsigned rand_slot(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng >> 33) % LIVE);
}

__attribute__((noinline)) void bench_heap_ops(long n);
__attribute__((noinline)) void bench_heap_ops(long n)
{
    static void *live[LIVE];

    for (int i = 0; i < LIVE; i++)
        live[i] = rt_malloc(rand_size());
    for (long i = 0; i < n; i++)
    {
        unsigned s = rand_slot();
        rt_free(live[s]);
        live[s] = rt_malloc(rand_size());
        if (live[s] == RT_NULL)
            failures++;
    }
    for (int i = 0; i < LIVE; i++)
        rt_free(live[i]);
}

struct node { struct node *next; };

static struct node plain_nodes[16];
static struct node *plain_head;

__attribute__((noinline)) struct node *bench_plain_pop(void);
__attribute__((noinline)) struct node *bench_plain_pop(void)
{
    struct node *n = plain_head;
    plain_head = n->next;
    return n;
}

__attribute__((noinline)) void bench_plain_push(struct node *n);
__attribute__((noinline)) void bench_plain_push(struct node *n)
{
    n->next = plain_head;
    plain_head = n;
}

__attribute__((noinline)) void bench_mp_ops(rt_mp_t mp, long n);
__attribute__((noinline)) void bench_mp_ops(rt_mp_t mp, long n)
{
    for (long i = 0; i < n; i++)
    {
        void *p = rt_mp_alloc(mp, 0);
        sink = p;
        rt_mp_free(p);
        struct node *q = bench_plain_pop();
        sink = q;
        bench_plain_push(q);
    }
}

__attribute__((noinline)) void bench_ipc_ops(rt_sem_t sem, rt_mutex_t mutex, long n);
__attribute__((noinline)) void bench_ipc_ops(rt_sem_t sem, rt_mutex_t mutex, long n)
{
    for (long i = 0; i < n; i++)
    {
        if (rt_sem_take(sem, 0) != RT_EOK)
            failures++;
        rt_sem_release(sem);
        if (rt_mutex_take(mutex, RT_WAITING_FOREVER) != RT_EOK)
            failures++;
        rt_mutex_release(mutex);
    }
}

__attribute__((noinline)) void bench_delay_ops(long n);
__attribute__((noinline)) void bench_delay_ops(long n)
{
    for (long i = 0; i < n; i++)
        rt_thread_delay(1);
}

/* The tick: a busy wait of one tick's worth of CPU time makes the CPU
 * model raise the tick interrupt on this thread (sim/cpu.c rule 3), so the
 * interrupt's whole cost is counted here. */
__attribute__((noinline)) void bench_tick_ops(long n);
__attribute__((noinline)) void bench_tick_ops(long n)
{
    for (long i = 0; i < n; i++)
        rt_hw_us_delay(1000000 / RT_TICK_PER_SECOND);
}

static rt_uint8_t pool_mem[4096] __attribute__((aligned(16)));

static void ops_main(void *arg)
{
    static struct rt_mempool mp;
    static struct rt_semaphore sem;
    static struct rt_mutex mutex;

    (void)arg;
    rt_mp_init(&mp, "bench", pool_mem, sizeof pool_mem, 32);
    rt_sem_init(&sem, "bench", 1, RT_IPC_FLAG_PRIO);
    rt_mutex_init(&mutex, "bench", RT_IPC_FLAG_PRIO);
    for (size_t i = 0; i < sizeof plain_nodes / sizeof plain_nodes[0]; i++)
        bench_plain_push(&plain_nodes[i]);

    CALLGRIND_TOGGLE_COLLECT;
    bench_heap_ops(n_ops);
    bench_mp_ops(&mp, n_ops);
    bench_ipc_ops(&sem, &mutex, n_ops);
    bench_delay_ops(n_ops / 16 > 0 ? n_ops / 16 : 1);
    bench_tick_ops(n_ops / 16 > 0 ? n_ops / 16 : 1);
    CALLGRIND_TOGGLE_COLLECT;

    if (rt_mp_check(&mp) != 0 || mp.block_free_count != mp.block_total_count)
        failures++;
    rt_mp_detach(&mp);
    rt_sem_detach(&sem);
    rt_mutex_detach(&mutex);
}

static int run_ops(void)
{
    struct rt_sim_config cfg;

    rt_sim_config_init(&cfg);
    cfg.checked = 0;            /* measure the API, not the checker */
    cfg.heap = heap_name;
    int rc = rt_sim_run(&cfg, ops_main, NULL);
    printf("ops: %ld rounds on heap %s, rc %d, failures %d\n", n_ops, heap_name, rc, failures);
    return rc != RT_SIM_OK || failures != 0;
}

/* ----------------------------------------------------------- wake rate */

/* Two one-block pools, a and b.  "ping" gives b's block back and waits for
 * a's; "pong" waits for b's block and gives a's back.  Each rt_mp_alloc
 * blocks on an empty pool until the other thread's rt_mp_free wakes it
 * with the block: every hand-over is one blocked wait ended by a free,
 * and one host hand-off, like one pass of the baton below. */
static struct rt_mempool pool_a, pool_b;
static rt_uint8_t pool_a_mem[32] __attribute__((aligned(16)));
static rt_uint8_t pool_b_mem[32] __attribute__((aligned(16)));
static void *block_a, *block_b;
static long handovers, blocked;

static void ping_thread(void *arg)
{
    long rounds = (long)(rt_ubase_t)arg;

    for (long i = 0; i < rounds; i++)
    {
        if (pool_b.suspend_thread_count == 1)
            blocked++;
        rt_mp_free(block_b);                                /* wakes pong */
        block_a = rt_mp_alloc(&pool_a, RT_WAITING_FOREVER); /* waits for pong */
        if (block_a == RT_NULL)
            failures++;
        handovers++;
    }
}

static void pong_thread(void *arg)
{
    long rounds = (long)(rt_ubase_t)arg;

    for (long i = 0; i < rounds; i++)
    {
        block_b = rt_mp_alloc(&pool_b, RT_WAITING_FOREVER); /* waits for ping */
        if (block_b == RT_NULL)
            failures++;
        handovers++;
        if (pool_a.suspend_thread_count == 1)
            blocked++;
        rt_mp_free(block_a);                                /* wakes ping */
    }
}

static void wake_main(void *arg)
{
    (void)arg;
    /* Exactly one block each: 8 bytes and its header word. */
    rt_mp_init(&pool_a, "pool_a", pool_a_mem, 8 + sizeof(void *), 8);
    rt_mp_init(&pool_b, "pool_b", pool_b_mem, 8 + sizeof(void *), 8);
    if (pool_a.block_total_count != 1 || pool_b.block_total_count != 1)
        failures++;
    block_a = rt_mp_alloc(&pool_a, 0);
    block_b = rt_mp_alloc(&pool_b, 0);
    rt_thread_t a = rt_thread_create("ping", ping_thread, (void *)(rt_ubase_t)n_ops, 1024, 20, 10);
    rt_thread_t b = rt_thread_create("pong", pong_thread, (void *)(rt_ubase_t)n_ops, 1024, 20, 10);
    rt_thread_startup(a);
    rt_thread_startup(b);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static double wake_rate(void)
{
    struct rt_sim_config cfg;
    struct timespec t0;

    rt_sim_config_init(&cfg);
    cfg.checked = 0;
    handovers = 0;
    blocked = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rt_sim_run(&cfg, wake_main, NULL) != RT_SIM_OK)
    {
        fprintf(stderr, "bench_api: wake run failed\n");
        exit(1);
    }
    return (double)handovers / seconds_since(&t0);
}

/* The bare baton: two host threads pinned to one core pass a turn through
 * one mutex and condition variable; hand-offs per second. */
static pthread_mutex_t baton_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t baton_cond = PTHREAD_COND_INITIALIZER;
static int baton_turn;

static void *baton_run(void *arg)
{
    int me = (int)(rt_ubase_t)arg;

    pthread_mutex_lock(&baton_lock);
    for (long i = 0; i < n_ops; i++)
    {
        while (baton_turn != me)
            pthread_cond_wait(&baton_cond, &baton_lock);
        baton_turn = !me;
        pthread_cond_signal(&baton_cond);
    }
    pthread_mutex_unlock(&baton_lock);
    return NULL;
}

static double baton_rate(void)
{
    pthread_attr_t attr;
    cpu_set_t old_set, set;
    pthread_t other;
    struct timespec t0;
    int cpu = sched_getcpu();

    baton_turn = 0;
    pthread_attr_init(&attr);
    pthread_getaffinity_np(pthread_self(), sizeof old_set, &old_set);
    CPU_ZERO(&set);
    CPU_SET(cpu < 0 ? 0 : cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&other, &attr, baton_run, (void *)1);
    baton_run((void *)0);
    pthread_join(other, NULL);
    double s = seconds_since(&t0);
    pthread_setaffinity_np(pthread_self(), sizeof old_set, &old_set);
    pthread_attr_destroy(&attr);
    return (double)(2 * n_ops) / s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_wake(void)
{
    double mp[5], bt[5];

    for (int i = 0; i < 5; i++)
    {
        mp[i] = wake_rate();
        bt[i] = baton_rate();
    }
    qsort(mp, 5, sizeof mp[0], cmp_double);
    qsort(bt, 5, sizeof bt[0], cmp_double);
    printf("blocked pool hand-over %.0f /s, one-core pthread baton %.0f passes/s, "
           "ratio %.2fx (goal >= 0.7x; medians of 5 alternating runs; last run: %ld of %ld "
           "hand-overs to a blocked waiter)\n",
           mp[2], bt[2], mp[2] / bt[2], blocked, handovers);
    if (blocked != handovers - 1)
        failures++;
    return failures != 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
    {
        fprintf(stderr, "usage: %s ops [N [HEAP]] | wake [N]\n", argv[0]);
        return 2;
    }
    n_ops = argc > 2 ? atol(argv[2]) : 20000;
    if (argc > 3)
        heap_name = argv[3];
    if (!strcmp(argv[1], "ops"))
        return run_ops();
    if (!strcmp(argv[1], "wake"))
        return run_wake();
    fprintf(stderr, "bench_api: unknown mode %s\n", argv[1]);
    return 2;
}
