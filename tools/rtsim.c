/* rtsim - placeholder main, replaced by the command-line tool. */
#include <stdio.h>
#include <rtsim.h>

static void app(void *arg)
{
    (void)arg;
    rt_kprintf("hello from main at tick %u\n", (unsigned)rt_tick_get());
}

int main(void)
{
    return rt_sim_run(NULL, app, NULL);
}
