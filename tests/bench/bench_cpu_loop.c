/*
 * bench_cpu_loop.c - one CPU-bound loop, compiled twice by meson: with
 * the CPU model's instrumentation (LOOP_FN = bench_loop_instrumented) and
 * without (LOOP_FN = bench_loop_plain), for bench_core's cost figure.
 */
unsigned long LOOP_FN(unsigned long n);

unsigned long LOOP_FN(unsigned long n)
{
    /* An integer hash: a few blocks an iteration, nothing to optimise away. */
    unsigned long x = 12345;
    for (unsigned long i = 0; i < n; i++)
    {
        x ^= x << 7;
        x ^= x >> 9;
        if (x & 1)
            x += i;
    }
    return x;
}
