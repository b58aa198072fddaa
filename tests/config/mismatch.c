/*
 * mismatch.c - a program compiled with another configuration than the
 * library (meson builds it with -DRT_NAME_MAX=8, and again with an
 * RT_ALIGN_SIZE the library does not use).  rt_sim_run must refuse it
 * with RT_SIM_ECONFIG before anything runs, naming the knob and both
 * values.  Exit 0 when it did.
 *
 * EXPECT is the report line the knob must get, e.g.
 *   "  RT_NAME_MAX: program 8, library 16 \xe2\x80\x94 rebuild rtsim with your rtconfig.h\n"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rtsim.h>

#ifndef EXPECT
#error "meson passes -DEXPECT=\"...\""
#endif

static int ran;

static void app_main(void *arg)
{
    (void)arg;
    ran = 1;
    /* What the mismatch would break: a semaphore's value read back. */
    static struct rt_semaphore sem;
    rt_sem_init(&sem, "s", 3, RT_IPC_FLAG_PRIO);
    rt_sem_detach(&sem);
}

int main(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *report = open_memstream(&text, &len);
    if (!report)
        return 2;
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.report = report;
    int rc = rt_sim_run(&cfg, app_main, NULL);
    fclose(report);
    fputs(text, stdout);    /* the report, for the test log */

    int ok = 1;
    if (rc != RT_SIM_ECONFIG)
    {
        printf("FAIL: rt_sim_run returned %d, not RT_SIM_ECONFIG (%d)\n", rc, RT_SIM_ECONFIG);
        ok = 0;
    }
    if (ran)
    {
        printf("FAIL: the program's main thread ran\n");
        ok = 0;
    }
    if (!strstr(text, EXPECT))
    {
        printf("FAIL: the report lacks the line: %s\n", EXPECT);
        ok = 0;
    }
    if (strncmp(text, "rtsim: the program and the library were compiled with different "
                      "configurations; nothing ran:\n", 93) != 0)
    {
        printf("FAIL: the report does not start with its headline\n");
        ok = 0;
    }
    free(text);
    printf("%s\n", ok ? "ok: refused with RT_SIM_ECONFIG" : "not ok");
    return ok ? 0 : 1;
}
