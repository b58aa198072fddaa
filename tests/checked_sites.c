/*
 * checked_sites.c - part of test_checked: a program built with the
 * allocation-site macros, so its leaks name a file and a line.
 */
#define RTSIM_TRACK_ALLOC_SITES
#include <rtthread.h>

void checked_leaky_main(void *arg);
void checked_leaky_worker(void *arg);

void checked_leaky_main(void *arg)
{
    (void)arg;
    rt_thread_delay(2);
    void *kept = rt_malloc(40);         /* never freed: a leak with a site */
    void *freed = rt_calloc(2, 8);
    rt_free(freed);
    (void)kept;
    rt_thread_startup(rt_thread_create("worker", checked_leaky_worker, RT_NULL, 1024, 10, 10));
}
