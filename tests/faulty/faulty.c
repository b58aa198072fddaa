/*
 * faulty.c - a deliberately faulty RT-Thread program, for the tests that
 * prove Valgrind and ASan see inside rtsim's simulated RAM
 * (tests/faulty/check_faulty.py).  Built with the allocation-site macros.
 *
 *   faulty clean             allocates and frees correctly: prints nothing
 *   faulty overflow          writes one byte past a 98-byte block
 *   faulty use-after-free    writes into a block after rt_free
 *   faulty leak              forgets a block (rtsim lists it at the end)
 */
#define RTSIM_TRACK_ALLOC_SITES
#include <string.h>
#include <rtthread.h>
#include <rtsim.h>

static const char *mode;

static void app_main(void *arg)
{
    (void)arg;
    volatile unsigned char *p = rt_malloc(98);   /* slack after it in both flavours */
    if (p == RT_NULL)
        return;
    memset((void *)p, 0, 98);
    if (!strcmp(mode, "overflow"))
        p[98] = 'x';                    /* one byte too far */
    if (!strcmp(mode, "leak"))
        return;
    rt_free((void *)p);
    if (!strcmp(mode, "use-after-free"))
        p[10] = 'x';                    /* the block is free */
    void *q = rt_malloc(98);           /* the same memory again */
    rt_free(q);
}

int main(int argc, char **argv)
{
    mode = argc > 1 ? argv[1] : "clean";
    return rt_sim_run(RT_NULL, app_main, RT_NULL);
}
