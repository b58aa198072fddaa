/*
 * bench_scale.c - cost that should grow with the work and no faster
 * (issue 19, docs/benchmarks.md "Scale (issue 19)").
 *
 *  1. irq N: N interrupts raised before the run with rt_sim_irq_at at
 *     pseudo-random ticks 1..N (a fixed LCG), each handler counts; the run
 *     ends when the last one ran.  Time to raise + deliver them all.
 *  2. threads N: the main thread creates N threads (512-byte stacks, one
 *     priority), each blocks on one semaphore; main releases it N times,
 *     every thread wakes and returns (its control block is reclaimed by
 *     the idle thread).  All N are alive at once.
 *  3. region SIZE: a board whose one region (also the heap) is SIZE bytes;
 *     the main thread allocates and frees one 64-byte block.  Time of the
 *     whole rt_sim_run and the process's peak resident memory (ru_maxrss)
 *     after it (each size in a child process of its own).
 *
 * Each line: the case, n, wall seconds (CPU seconds of the process in
 * parentheses).  usage: bench_scale [irq|threads|region] [N...]
 * (no arguments: the three default growth curves).
 * Not a test: numbers only; the correctness of the same paths is in
 * tests/test_sim.c (irq order) and tests/test_scale.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <rtsim.h>
#include <rtthread.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A board file with one region of `size` bytes holding ZI and the heap. */
static char board_path[64];
static void write_board(unsigned long long size)
{
    snprintf(board_path, sizeof board_path, "/tmp/bench_scale_%ld.board", (long)getpid());
    FILE *f = fopen(board_path, "w");
    if (!f)
    {
        perror(board_path);
        exit(2);
    }
    /* base 0: a region up to 4 GiB fits the 32-bit target space */
    fprintf(f, "board bench-scale\nregion RAM 0x0 %llu\nzi RAM 16K\n", size);
    fclose(f);
}

/* ------------------------------------------------------------- irqs */
static unsigned long irq_seen;
static void count_isr(void *p)
{
    (void)p;
    irq_seen++;
}

static void irq_main(void *arg)
{
    unsigned long n = *(unsigned long *)arg;
    while (irq_seen < n)
        rt_thread_delay(1000);
}

static void bench_irq(unsigned long n)
{
    irq_seen = 0;
    unsigned long long x = 12345;
    double w0 = now_s(), c0 = cpu_s();
    for (unsigned long i = 0; i < n; i++)
    {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        rt_sim_irq_at((rt_tick_t)(1 + (x >> 33) % n), count_isr, NULL);
    }
    int rc = rt_sim_run(&(struct rt_sim_config){ .board = "stm32f407", .seed = 1 },
                        irq_main, &n);
    printf("irq      %8lu  %8.3f s  (cpu %.3f s)  rc %d, %lu delivered\n", n, now_s() - w0,
           cpu_s() - c0, rc, irq_seen);
}

/* ---------------------------------------------------------- threads */
static rt_sem_t go;
static unsigned long done_threads;

static void waiter(void *p)
{
    (void)p;
    rt_sem_take(go, RT_WAITING_FOREVER);
    done_threads++;
}

static void threads_main(void *arg)
{
    unsigned long n = *(unsigned long *)arg;
    go = rt_sem_create("go", 0, RT_IPC_FLAG_FIFO);
    for (unsigned long i = 0; i < n; i++)
    {
        char name[24];
        snprintf(name, sizeof name, "w%lu", i);
        rt_thread_t t = rt_thread_create(name, waiter, NULL, 512, 10, 5);
        if (!t || rt_thread_startup(t) != RT_EOK)
        {
            rt_kprintf("thread %lu: cannot create\n", i);
            return;
        }
    }
    rt_thread_delay(1);     /* every thread reaches its take */
    for (unsigned long i = 0; i < n; i++)
        rt_sem_release(go);
    while (done_threads < n)
        rt_thread_delay(1);
    rt_thread_delay(1);     /* the idle thread reclaims the last ones */
    rt_sem_delete(go);
}

static void bench_threads(unsigned long n)
{
    done_threads = 0;
    write_board(64ull << 20);
    double w0 = now_s(), c0 = cpu_s();
    int rc = rt_sim_run(&(struct rt_sim_config){ .board = board_path, .seed = 1 },
                        threads_main, &n);
    printf("threads  %8lu  %8.3f s  (cpu %.3f s)  rc %d, %lu ended\n", n, now_s() - w0,
           cpu_s() - c0, rc, done_threads);
    unlink(board_path);
}

/* ----------------------------------------------------------- region */
static void region_main(void *arg)
{
    (void)arg;
    void *p = rt_malloc(64);
    rt_free(p);
}

static void bench_region(unsigned long long size)
{
    write_board(size);
    double w0 = now_s(), c0 = cpu_s();
    int rc = rt_sim_run(&(struct rt_sim_config){ .board = board_path, .seed = 1 },
                        region_main, NULL);
    printf("region   %8llu MiB  %8.3f s  (cpu %.3f s)  peak RSS %ld MiB  rc %d\n", size >> 20,
           now_s() - w0, cpu_s() - c0, max_rss_kib() / 1024, rc);
    unlink(board_path);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *what = argc > 1 ? argv[1] : "all";
    int all = strcmp(what, "all") == 0;
    if (all || strcmp(what, "irq") == 0)
    {
        static const unsigned long def[] = { 25000, 50000, 100000, 200000 };
        if (argc > 2)
            for (int i = 2; i < argc; i++)
                bench_irq(strtoul(argv[i], NULL, 0));
        else
            for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
                bench_irq(def[i]);
    }
    if (all || strcmp(what, "threads") == 0)
    {
        static const unsigned long def[] = { 1000, 2000, 5000, 10000 };
        if (argc > 2)
            for (int i = 2; i < argc; i++)
                bench_threads(strtoul(argv[i], NULL, 0));
        else
            for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
                bench_threads(def[i]);
    }
    if (all || strcmp(what, "region") == 0)
    {
        /* Peak RSS only grows: each size runs in a child of its own.
         * A 32-bit host cannot map 4 GiB: up to 1 GiB there. */
        static const unsigned long long def[] = { 64, 256, 1024, 4096 };
        size_t nd = sizeof def / sizeof def[0] - (sizeof(void *) < 8);
        int na = argc > 2 ? argc - 2 : (int)nd;
        for (int i = 0; i < na; i++)
        {
            unsigned long long mib = argc > 2 ? strtoull(argv[2 + i], NULL, 0) : def[i];
            pid_t pid = fork();
            if (pid == 0)
            {
                bench_region(mib << 20);
                _exit(0);
            }
            int st;
            if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
                printf("region   %8llu MiB  failed\n", mib);
        }
    }
    return 0;
}
