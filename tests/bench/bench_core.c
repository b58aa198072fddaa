/*
 * bench_core.c - the kernel's benchmarks.
 *
 *  1. Context switch: two equal-priority threads hand the CPU to each
 *     other with rt_thread_yield, beside a bare two-pthread baton (one
 *     mutex, one condition variable and flag per side) measured in the same
 *     run.  Reports hand-offs per second and the ratio.
 *  2. Virtual time: 10 threads sleep in loops (1,000 .. 12,700 ticks) until
 *     tick 10,000,000 - about 26,000 wake-ups.  Reports wall time.  This
 *     file is built with the CPU model's flags (the sleepers' code costs
 *     board cycles), so the figure includes the model.
 *  3. The CPU model's cost: one CPU-bound loop (bench_cpu_loop.c) built
 *     with and without the instrumentation, run in a simulated thread,
 *     wall time side by side (medians of 5); and the virtual time a
 *     million blocks take (from the model's own cycle count).
 *  4. Messages: round trips per second between two threads through two
 *     mailboxes (rt_mb_create) and through two message queues
 *     (rt_mq_create, 4-byte messages): the client sends, the server
 *     receives and replies, the client receives.  Beside the same bare
 *     baton (one round trip = two hand-offs), medians of 5 alternating runs.
 *
 * usage: bench_core [handoffs]
 *        bench_core vt     only the virtual-time run (for callgrind:
 *                          RTSIM_CPU_HZ=0 gives the same run without the model)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <rtsim.h>

unsigned long bench_loop_instrumented(unsigned long n);
unsigned long bench_loop_plain(unsigned long n);
/* sim/cpu.c's cycle budget (internal; read here to count blocks). */
extern __thread int sim_cpu_budget;

/* CPU time of the whole process (all its threads): what the work costs,
 * whatever else the machine is doing. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------- baton */
struct side { pthread_cond_t cond; int turn; };
static pthread_mutex_t baton_lock = PTHREAD_MUTEX_INITIALIZER;
static struct side sides[2];
static long baton_rounds;

static void *baton_thread(void *arg)
{
    int me = (int)(long)arg, other = 1 - me;
    pthread_mutex_lock(&baton_lock);
    for (long i = 0; i < baton_rounds; i++)
    {
        while (!sides[me].turn)
            pthread_cond_wait(&sides[me].cond, &baton_lock);
        sides[me].turn = 0;
        sides[other].turn = 1;
        pthread_cond_signal(&sides[other].cond);
    }
    pthread_mutex_unlock(&baton_lock);
    return NULL;
}

static double bench_baton(long handoffs)
{
    baton_rounds = handoffs / 2;
    for (int i = 0; i < 2; i++)
    {
        pthread_cond_init(&sides[i].cond, NULL);
        sides[i].turn = i == 0;
    }
    pthread_t t[2];
    /* Same conditions as the simulator's contexts: both on one core. */
    pthread_attr_t attr;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(sched_getcpu(), &set);
    pthread_attr_init(&attr);
    pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    double t0 = now_s();
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], &attr, baton_thread, (void *)i);
    pthread_attr_destroy(&attr);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    double dt = now_s() - t0;
    for (int i = 0; i < 2; i++)
        pthread_cond_destroy(&sides[i].cond);
    return (double)(baton_rounds * 2) / dt;
}

/* ---------------------------------------------------------- yield */
static long yield_rounds;
static double yield_elapsed;

static void yielder(void *arg)
{
    (void)arg;
    for (long i = 0; i < yield_rounds; i++)
        rt_thread_yield();
}

static void yield_main(void *arg)
{
    (void)arg;
    rt_enter_critical();
    rt_thread_t a = rt_thread_create("ping", yielder, RT_NULL, 512, 5, 10);
    rt_thread_t b = rt_thread_create("pong", yielder, RT_NULL, 512, 5, 10);
    rt_thread_startup(a);
    rt_thread_startup(b);
    double t0 = now_s();
    rt_exit_critical();   /* ping and pong run to the end here */
    yield_elapsed = now_s() - t0;
}

static double bench_yield(long handoffs)
{
    yield_rounds = handoffs / 2;
    if (rt_sim_run(NULL, yield_main, NULL) != RT_SIM_OK)
    {
        fprintf(stderr, "yield run failed\n");
        exit(1);
    }
    return (double)(yield_rounds * 2) / yield_elapsed;
}

/* ---------------------------------------------------------- messages */
static long msg_rounds;
static double msg_elapsed;
static int msg_use_mq;
static void *msg_req, *msg_rep;     /* rt_mailbox_t or rt_mq_t */

static void msg_send(void *obj, rt_uint32_t v)
{
    if (msg_use_mq)
        rt_mq_send(obj, &v, sizeof v);
    else
        rt_mb_send(obj, v);
}

static rt_uint32_t msg_recv(void *obj)
{
    rt_uint32_t v = 0;
    if (msg_use_mq)
        rt_mq_recv(obj, &v, sizeof v, RT_WAITING_FOREVER);
    else
    {
        rt_ubase_t w = 0;
        rt_mb_recv(obj, &w, RT_WAITING_FOREVER);
        v = (rt_uint32_t)w;
    }
    return v;
}

static void msg_server(void *arg)
{
    (void)arg;
    for (long i = 0; i < msg_rounds; i++)
        msg_send(msg_rep, msg_recv(msg_req) + 1);
}

static void msg_client(void *arg)
{
    (void)arg;
    for (long i = 0; i < msg_rounds; i++)
    {
        msg_send(msg_req, (rt_uint32_t)i);
        if (msg_recv(msg_rep) != (rt_uint32_t)i + 1)
        {
            fprintf(stderr, "message round trip lost a message\n");
            exit(1);
        }
    }
}

static void msg_main(void *arg)
{
    (void)arg;
    if (msg_use_mq)
    {
        msg_req = rt_mq_create("req", 4, 4, RT_IPC_FLAG_FIFO);
        msg_rep = rt_mq_create("rep", 4, 4, RT_IPC_FLAG_FIFO);
    }
    else
    {
        msg_req = rt_mb_create("req", 4, RT_IPC_FLAG_FIFO);
        msg_rep = rt_mb_create("rep", 4, RT_IPC_FLAG_FIFO);
    }
    rt_enter_critical();
    rt_thread_t a = rt_thread_create("client", msg_client, RT_NULL, 512, 5, 10);
    rt_thread_t b = rt_thread_create("server", msg_server, RT_NULL, 512, 5, 10);
    rt_thread_startup(a);
    rt_thread_startup(b);
    double t0 = now_s();
    rt_exit_critical();   /* client and server run to the end here */
    msg_elapsed = now_s() - t0;
    if (msg_use_mq)
    {
        rt_mq_delete(msg_req);
        rt_mq_delete(msg_rep);
    }
    else
    {
        rt_mb_delete(msg_req);
        rt_mb_delete(msg_rep);
    }
}

static double bench_messages(long rounds, int use_mq)
{
    msg_rounds = rounds;
    msg_use_mq = use_mq;
    if (rt_sim_run(NULL, msg_main, NULL) != RT_SIM_OK)
    {
        fprintf(stderr, "message run failed\n");
        exit(1);
    }
    return (double)rounds / msg_elapsed;
}

/* ----------------------------------------------------- virtual time */
static long wakeups;

static void sleeper(void *arg)
{
    rt_tick_t period = (rt_tick_t)(unsigned long)arg;
    while (rt_tick_get() + period <= 10000000u)
    {
        rt_thread_delay(period);
        wakeups++;
    }
}

static void vt_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++)
    {
        char name[8];
        rt_snprintf(name, sizeof name, "s%d", i);
        rt_thread_t t = rt_thread_create(name, sleeper, (void *)(unsigned long)(1000 + 1300 * i),
                                         512, (rt_uint8_t)(5 + i), 10);
        rt_thread_startup(t);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ----------------------------------------------------- CPU model cost */
#define LOOP_N 20000000ul
static unsigned long (*loop_fn)(unsigned long);
static double loop_wall;
static unsigned long loop_sink;
static rt_tick_t loop_ticks;
static long long loop_cycles;

/* CPU time of the calling host thread: the loop's cost, less disturbed by
 * what else the (shared) machine runs than wall time. */
static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void loop_main(void *arg)
{
    (void)arg;
    rt_tick_t t0 = rt_tick_get();
    int b0 = sim_cpu_budget;
    double w0 = thread_cpu_s();
    loop_sink += loop_fn(LOOP_N);
    loop_wall = thread_cpu_s() - w0;
    loop_ticks = rt_tick_get() - t0;
    /* Cycles = whole ticks + what the budget moved (168,000 a tick). */
    loop_cycles = (long long)loop_ticks * 168000 + b0 - sim_cpu_budget;
}

static double run_loop(unsigned long (*fn)(unsigned long), unsigned long hz)
{
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.cpu_hz = hz;
    loop_fn = fn;
    if (rt_sim_run(&cfg, loop_main, NULL) != RT_SIM_OK)
        exit(1);
    return loop_wall;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "vt") == 0)
    {
        int rc = rt_sim_run(NULL, vt_main, NULL);
        printf("virtual time: %ld wake-ups, rc %d\n", wakeups, rc);
        return rc;
    }
    long handoffs = argc > 1 ? atol(argv[1]) : 200000;

    /* Alternate the two, five times each; report the medians. */
    double bare[5], simr[5];
    for (int i = 0; i < 5; i++)
    {
        bare[i] = bench_baton(handoffs);
        simr[i] = bench_yield(handoffs);
    }
    qsort(bare, 5, sizeof bare[0], cmp_double);
    qsort(simr, 5, sizeof simr[0], cmp_double);
    printf("context switch: rt_thread_yield %.0f hand-offs/s, bare pthread baton %.0f/s, "
           "ratio %.2fx (goal >= 0.8x; medians of 5)\n", simr[2], bare[2], simr[2] / bare[2]);

    /* Round trips: the baton's rate halved (two hand-offs each). */
    double rt_bare[5], rt_mb[5], rt_mq[5];
    for (int i = 0; i < 5; i++)
    {
        rt_bare[i] = bench_baton(handoffs) / 2;
        rt_mb[i] = bench_messages(handoffs / 2, 0);
        rt_mq[i] = bench_messages(handoffs / 2, 1);
    }
    qsort(rt_bare, 5, sizeof rt_bare[0], cmp_double);
    qsort(rt_mb, 5, sizeof rt_mb[0], cmp_double);
    qsort(rt_mq, 5, sizeof rt_mq[0], cmp_double);
    printf("messages: round trips/s: mailbox %.0f (%.2fx), message queue %.0f (%.2fx), "
           "bare pthread baton %.0f (goal >= 0.6x; medians of 5)\n",
           rt_mb[2], rt_mb[2] / rt_bare[2], rt_mq[2], rt_mq[2] / rt_bare[2], rt_bare[2]);

    wakeups = 0;
    double c0 = cpu_s();
    double t0 = now_s();
    int rc = rt_sim_run(NULL, vt_main, NULL);
    double dt = now_s() - t0;
    double dc = cpu_s() - c0;
    printf("virtual time: 10 sleepers to tick 10,000,000: %ld wake-ups in %.3f s wall, "
           "%.3f s CPU (goal < 0.3 s wall), rc %d\n", wakeups, dt, dc, rc);

    double plain[5], inst[5], off[5];
    for (int i = 0; i < 5; i++)
    {
        plain[i] = run_loop(bench_loop_plain, RT_SIM_CPU_HZ_BOARD);
        inst[i] = run_loop(bench_loop_instrumented, RT_SIM_CPU_HZ_BOARD);
        off[i] = run_loop(bench_loop_instrumented, 0);
    }
    qsort(plain, 5, sizeof plain[0], cmp_double);
    qsort(inst, 5, sizeof inst[0], cmp_double);
    qsort(off, 5, sizeof off[0], cmp_double);
    run_loop(bench_loop_instrumented, RT_SIM_CPU_HZ_BOARD);
    double blocks = (double)loop_cycles / 4;
    printf("CPU model: %lu-iteration loop %.3f s plain, %.3f s instrumented (%.2fx, goal < 3x), "
           "%.3f s instrumented with cpu_hz 0 (%.2fx); thread CPU time, medians of 5\n", LOOP_N, plain[2],
           inst[2], inst[2] / plain[2], off[2], off[2] / plain[2]);
    printf("CPU model: %.0f blocks (%.2f an iteration) took %lu ticks at 168 MHz: "
           "%.2f ms of virtual time per million blocks\n", blocks, blocks / LOOP_N,
           (unsigned long)loop_ticks, (double)loop_cycles / 168000.0 / (blocks / 1e6));
    return rc;
}
