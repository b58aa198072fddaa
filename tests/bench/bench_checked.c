/*
 * bench_checked.c - what checked mode costs per rt_malloc / rt_free, for
 * each system-heap algorithm and checking level (docs/benchmarks.md,
 * "Checked mode").
 *
 *   bench_checked HEAP LEVEL [STEPS]     e.g. bench_checked tlsf 1
 *
 * One simulated run: 64 slots, STEPS (default 20000) steps of a fixed
 * seeded workload
 * (an empty slot gets rt_malloc(8..263), a full one rt_free), everything
 * freed at the end.  Prints the call counts; tests/bench/bench_checked.py
 * runs it under callgrind, collecting inside rt_malloc and rt_free
 * (inclusive: the algorithm, the checker and the metadata shadow).
 */
#include <stdio.h>
#include <stdlib.h>

#include <rtthread.h>
#include <rtsim.h>

#define SLOTS 64
#define STEPS 20000

static int steps = STEPS;

static unsigned long mallocs, frees;

static void workload(void *arg)
{
    static void *slot[SLOTS];
    unsigned long long x = 0x9e3779b97f4a7c15ull;

    (void)arg;
    for (int i = 0; i < steps; i++)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        void **s = &slot[x % SLOTS];
        if (*s == NULL)
        {
            *s = rt_malloc(8 + (x >> 8) % 256);
            mallocs++;
        }
        else
        {
            rt_free(*s);
            *s = NULL;
            frees++;
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (slot[i] != NULL)
        {
            rt_free(slot[i]);
            slot[i] = NULL;
            frees++;
        }
}

int main(int argc, char **argv)
{
    struct rt_sim_config cfg;

    if (argc != 3 && argc != 4)
    {
        fprintf(stderr, "usage: bench_checked HEAP LEVEL [STEPS]\n");
        return 2;
    }
    if (argc == 4)
    {
        char *end;
        long n = strtol(argv[3], &end, 10);
        if (*end != '\0' || n < 1 || n > 10000000)
        {
            fprintf(stderr, "bench_checked: STEPS must be 1..10000000, not \"%s\"\n", argv[3]);
            return 2;
        }
        steps = (int)n;
    }
    rt_sim_config_init(&cfg);
    cfg.heap = argv[1];
    cfg.checked = atoi(argv[2]);
    cfg.board = "stm32f429-disco";
    int rc = rt_sim_run(&cfg, workload, NULL);
    printf("malloc=%lu free=%lu rc=%d\n", mallocs, frees, rc);
    return rc;
}
