/*
 * config_check.c - the library's configuration record, and its comparison
 * with a program's (RT_SIM_ECONFIG before anything runs).
 *
 * rtconfig.h's knobs are compile-time values: rtsim's kernel objects are
 * compiled once, with the values the library was built with.  A program
 * compiled with other values (-DRT_NAME_MAX=8 on its command line) or for
 * another word size (no -m32) sees other struct layouts: a semaphore's
 * value lands where the library keeps part of the name, and the run goes
 * on silently wrong.  So rtsim.h's rt_sim_run macro hands the program's
 * view (RT_SIM_CONFIG_KNOBS, evaluated in the program) to
 * rt_sim_run_checked, and this file compares it with the same table
 * evaluated here, in the library.  An rtsim addition: RT-Thread compiles
 * the kernel and the application together, so it has no such check.
 */
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define KNOB_NAME(name, value) name,
static const char *const knob_name[] = { RT_SIM_CONFIG_KNOBS(KNOB_NAME) };
#define KNOB_VALUE(name, value) (unsigned long)(value),
static const unsigned long knob_value[] = { RT_SIM_CONFIG_KNOBS(KNOB_VALUE) };
#define KNOB_COUNT ((unsigned)(sizeof knob_value / sizeof knob_value[0]))

/* What to do about a difference in this knob. */
static const char *knob_advice(const char *name)
{
    if (strncmp(name, "word size", 9) == 0 || strcmp(name, "sizeof(long)") == 0)
        return " \u2014 compile the program with $(pkg-config --cflags --libs rtsim)";
    if (strncmp(name, "sizeof(", 7) == 0)
        return "";          /* follows from the knobs above */
    return " \u2014 rebuild rtsim with your rtconfig.h";
}

int rt_sim_config_check(const struct rt_sim_knobs *program, FILE *report)
{
    if (!program)
        return 0;
    int differ = 0;
    unsigned n = program->count < KNOB_COUNT ? program->count : KNOB_COUNT;
    for (unsigned i = 0; i < n; i++)
    {
        if (program->value[i] == knob_value[i])
            continue;
        if (report && differ == 0)
            fputs("rtsim: the program and the library were compiled with different "
                  "configurations; nothing ran:\n", report);
        if (report)
            fprintf(report, "  %s: program %lu, library %lu%s\n", knob_name[i],
                    program->value[i], knob_value[i], knob_advice(knob_name[i]));
        differ++;
    }
    if (program->count != KNOB_COUNT)
    {
        if (report && differ == 0)
            fputs("rtsim: the program and the library were compiled with different "
                  "configurations; nothing ran:\n", report);
        if (report)
            fprintf(report, "  configuration record: program %u knobs, library %u \u2014 the "
                    "program was compiled with another version of rtsim.h\n",
                    program->count, KNOB_COUNT);
        differ++;
    }
    if (report && differ)
        fflush(report);
    return differ;
}

int rt_sim_run_checked(const struct rt_sim_config *cfg, void (*app_main)(void *arg), void *arg,
                       const struct rt_sim_knobs *program)
{
    FILE *report = cfg && cfg->report ? cfg->report : stderr;
    if (rt_sim_config_check(program, report) != 0)
        return RT_SIM_ECONFIG;
    return (rt_sim_run)(cfg, app_main, arg);
}
