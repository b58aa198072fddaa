/*
 * bench_mempool.c - what a memory pool costs.
 *
 *   bench_mempool ops N    N uncontended rt_mp_alloc(mp, 0) + rt_mp_free
 *                          pairs, and N pop + push pairs on a plain free
 *                          list (with and without the interrupt lock), each
 *                          in its own noinline function so that callgrind
 *                          can count one of them:
 *                            valgrind --tool=callgrind --toggle-collect=FN
 *                          (tests/bench/callgrind_ops.py does it and divides
 *                          by N).
 *   bench_mempool wake N   wall-clock rate of blocked hand-overs: two
 *                          threads of equal priority pass one block through
 *                          a one-block pool, each getting it by blocking in
 *                          rt_mp_alloc and being woken by the other's
 *                          rt_mp_free; beside it, in the same process, a
 *                          bare pthread mutex + condition-variable baton
 *                          passed between two host threads N times.
 *
 * The wake benchmark is not a test: it reads the wall clock.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rthw.h>
#include <rtthread.h>
#include <rtsim.h>

static long n_ops;
static void *volatile sink;

/* ------------------------------------------------------ instructions */

struct node { struct node *next; };

static struct node plain_nodes[16];
static struct node *plain_head;

__attribute__((noinline)) static struct node *plain_pop(void)
{
    struct node *n = plain_head;
    plain_head = n->next;
    return n;
}

__attribute__((noinline)) static void plain_push(struct node *n)
{
    n->next = plain_head;
    plain_head = n;
}

__attribute__((noinline)) void bench_plain_ops(long n);
__attribute__((noinline)) void bench_plain_ops(long n)
{
    for (long i = 0; i < n; i++)
    {
        struct node *p = plain_pop();
        sink = p;
        plain_push(p);
    }
}

/* The same list, each operation inside rt_hw_interrupt_disable/enable as
 * the pool's are: what the lock alone costs in this port. */
__attribute__((noinline)) static struct node *plain_pop_locked(void)
{
    rt_base_t level = rt_hw_interrupt_disable();
    struct node *n = plain_head;
    plain_head = n->next;
    rt_hw_interrupt_enable(level);
    return n;
}

__attribute__((noinline)) static void plain_push_locked(struct node *n)
{
    rt_base_t level = rt_hw_interrupt_disable();
    n->next = plain_head;
    plain_head = n;
    rt_hw_interrupt_enable(level);
}

__attribute__((noinline)) void bench_plain_locked_ops(long n);
__attribute__((noinline)) void bench_plain_locked_ops(long n)
{
    for (long i = 0; i < n; i++)
    {
        struct node *p = plain_pop_locked();
        sink = p;
        plain_push_locked(p);
    }
}

__attribute__((noinline)) void bench_mp_ops(rt_mp_t mp, long n);
__attribute__((noinline)) void bench_mp_ops(rt_mp_t mp, long n)
{
    for (long i = 0; i < n; i++)
    {
        void *p = rt_mp_alloc(mp, 0);
        sink = p;
        rt_mp_free(p);
    }
}

static rt_uint8_t ops_pool_mem[4096] __attribute__((aligned(16)));

static void ops_main(void *arg)
{
    (void)arg;
    static struct rt_mempool mp;
    rt_mp_init(&mp, "bench", ops_pool_mem, sizeof ops_pool_mem, 32);
    for (size_t i = 0; i < sizeof plain_nodes / sizeof plain_nodes[0]; i++)
        plain_push(&plain_nodes[i]);

    bench_plain_ops(n_ops);
    bench_plain_locked_ops(n_ops);
    bench_mp_ops(&mp, n_ops);
    if (rt_mp_check(&mp) != 0 || mp.block_free_count != mp.block_total_count)
        rt_kprintf("bench: pool inconsistent!\n");
    rt_mp_detach(&mp);
}

/* ----------------------------------------------------------- wake rate */

static struct rt_mempool wake_pool;
static rt_uint8_t wake_pool_mem[64] __attribute__((aligned(16)));
static long handovers, blocked_waits;

/* Take the block (blocking while the other thread has it), let the other
 * thread start waiting, give the block back (waking it), and let it run. */
static void wake_thread(void *arg)
{
    long rounds = (long)(rt_ubase_t)arg;
    for (long i = 0; i < rounds; i++)
    {
        void *b = rt_mp_alloc(&wake_pool, RT_WAITING_FOREVER);
        if (b == RT_NULL)
            rt_kprintf("bench: alloc failed\n");
        rt_thread_yield();          /* the other thread blocks in rt_mp_alloc */
        if (wake_pool.suspend_thread_count == 1)
            blocked_waits++;
        rt_mp_free(b);              /* wakes it */
        handovers++;
        rt_thread_yield();          /* it runs and takes the block */
    }
}

static void wake_main(void *arg)
{
    (void)arg;
    /* Exactly one block: 8 bytes and its header word. */
    rt_mp_init(&wake_pool, "baton", wake_pool_mem, 8 + sizeof(void *), 8);
    if (wake_pool.block_total_count != 1)
        rt_kprintf("bench: pool has %d blocks\n", (int)wake_pool.block_total_count);

    rt_thread_t a = rt_thread_create("ping", wake_thread, (void *)(rt_ubase_t)n_ops, 1024, 20, 10);
    rt_thread_t b = rt_thread_create("pong", wake_thread, (void *)(rt_ubase_t)n_ops, 1024, 20, 10);
    rt_thread_startup(a);
    rt_thread_startup(b);
}

struct baton
{
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    int             turn;
    long            rounds;
};

static void check(int rc, const char *what)
{
    if (rc != 0)
    {
        fprintf(stderr, "bench: %s failed: %s\n", what, strerror(rc));
        exit(1);
    }
}

static void baton_run(struct baton *b, int me)
{
    for (long i = 0; i < b->rounds; i++)
    {
        check(pthread_mutex_lock(&b->lock), "lock");
        while (b->turn != me)
            check(pthread_cond_wait(&b->cond, &b->lock), "wait");
        b->turn = !me;
        check(pthread_cond_signal(&b->cond), "signal");
        check(pthread_mutex_unlock(&b->lock), "unlock");
    }
}

static void *baton_other(void *arg)
{
    baton_run(arg, 1);
    return NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Passes per second of the baton between this thread and a new one; with
 * `one_core` both run on the core this thread is on (the simulator keeps
 * all its threads on one core too). */
static double baton_rate(int one_core)
{
    struct baton b = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, n_ops };
    pthread_attr_t attr;
    cpu_set_t old_set, set;
    check(pthread_attr_init(&attr), "pthread_attr_init");
    check(pthread_getaffinity_np(pthread_self(), sizeof old_set, &old_set), "getaffinity");
    if (one_core)
    {
        int cpu = sched_getcpu();
        CPU_ZERO(&set);
        CPU_SET(cpu < 0 ? 0 : cpu, &set);
        check(pthread_setaffinity_np(pthread_self(), sizeof set, &set), "setaffinity");
        check(pthread_attr_setaffinity_np(&attr, sizeof set, &set), "attr_setaffinity");
    }
    struct timespec t0;
    pthread_t other;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check(pthread_create(&other, &attr, baton_other, &b), "pthread_create");
    baton_run(&b, 0);
    check(pthread_join(other, NULL), "pthread_join");
    double s = seconds_since(&t0);
    check(pthread_setaffinity_np(pthread_self(), sizeof old_set, &old_set), "setaffinity");
    check(pthread_attr_destroy(&attr), "pthread_attr_destroy");
    check(pthread_mutex_destroy(&b.lock), "mutex_destroy");
    check(pthread_cond_destroy(&b.cond), "cond_destroy");
    return (double)(2 * n_ops) / s;
}

static int run_wake(void)
{
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.checked = 0;        /* measure the pool, not the checker */
    if (getenv("BENCH_TRACE"))
        cfg.trace = stdout;
    struct timespec t0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = rt_sim_run(&cfg, wake_main, NULL);
    double mp_s = seconds_since(&t0);
    if (rc != RT_SIM_OK)
    {
        fprintf(stderr, "bench: run failed (%d)\n", rc);
        return 1;
    }
    double mp_rate = (double)handovers / mp_s;
    double cv_any = baton_rate(0);
    double cv_one = baton_rate(1);

    printf("mempool blocked hand-overs: %ld in %.3f s = %.0f /s (%ld to a blocked waiter;"
           " 3 emulated context switches each)\n", handovers, mp_s, mp_rate, blocked_waits);
    printf("pthread cond-var baton, any core: %.0f passes/s; ratio mempool/baton %.2f\n",
           cv_any, mp_rate / cv_any);
    printf("pthread cond-var baton, one core: %.0f passes/s; ratio mempool/baton %.2f\n",
           cv_one, mp_rate / cv_one);
    printf("per emulated switch vs one-core baton pass: %.2f\n", 3 * mp_rate / cv_one);
    return 0;
}

static int run_ops(void)
{
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.checked = 0;        /* measure the pool, not the checker */
    int rc = rt_sim_run(&cfg, ops_main, NULL);
    printf("ops: %ld alloc+free pairs, rc %d\n", n_ops, rc);
    return rc != RT_SIM_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
    {
        fprintf(stderr, "usage: %s ops|wake [N]\n", argv[0]);
        return 2;
    }
    n_ops = argc > 2 ? atol(argv[2]) : 100000;
    if (!strcmp(argv[1], "ops"))
        return run_ops();
    if (!strcmp(argv[1], "wake"))
        return run_wake();
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}
