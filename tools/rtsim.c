/*
 * rtsim - the command line: guided demos (the main job), and more.
 *
 *   rtsim demo [NAME] [options]    run a guided demo (default: all, in order)
 *   rtsim demo --list              name the demos
 *   rtsim --help | --version
 *
 * Options: --board NAME|FILE  --heap ALGO  --seed N  --trace FILE
 *          --realtime[=RATIO]
 * Unknown options and bad values exit with status 2 and a usage message
 * on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtsim.h>
#include "demos.h"

extern const struct rtsim_demo rtsim_demo_kernel;

static const struct rtsim_demo *const demos[] = {
    &rtsim_demo_kernel,
};
#define DEMO_COUNT ((int)(sizeof demos / sizeof demos[0]))

static void usage(FILE *out)
{
    fprintf(out,
        "usage: rtsim demo [NAME] [options]   run a guided demo (all of them without NAME)\n"
        "       rtsim demo --list             list the demos\n"
        "       rtsim --help | --version\n"
        "options:\n"
        "  --board NAME|FILE   board: stm32f407 (default), stm32f429-disco, stm32f103c8, or a board file\n"
        "  --heap ALGO         system heap: smallmem (default), smallmem-classic, slab, memheap, tlsf\n"
        "  --seed N            seed of every pseudo-random choice (default 1)\n"
        "  --trace FILE        write the event trace (docs/trace.md) to FILE\n"
        "  --realtime[=RATIO]  pace virtual time against the wall clock (default ratio 1)\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "rtsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr);
    return 2;
}

static int parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

/* Parse the common options from argv[i..]; non-options go to *rest. */
static int parse_common(int argc, char **argv, int i, struct rt_sim_config *cfg,
                        const char **trace_path, const char **rest)
{
    *rest = NULL;
    for (; i < argc; i++)
    {
        const char *a = argv[i];
        if (strcmp(a, "--board") == 0 || strcmp(a, "--heap") == 0 ||
            strcmp(a, "--seed") == 0 || strcmp(a, "--trace") == 0)
        {
            if (i + 1 >= argc)
                return bad_usage("option %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--board") == 0)
                cfg->board = v;
            else if (strcmp(a, "--heap") == 0)
                cfg->heap = v;
            else if (strcmp(a, "--trace") == 0)
                *trace_path = v;
            else if (parse_ulong(v, &cfg->seed) != 0)
                return bad_usage("--seed expects a non-negative integer, not \"%s\"", v);
        }
        else if (strcmp(a, "--realtime") == 0)
            cfg->realtime = 1.0;
        else if (strncmp(a, "--realtime=", 11) == 0)
        {
            char *end;
            double r = strtod(a + 11, &end);
            if (end == a + 11 || *end || !(r > 0))
                return bad_usage("--realtime expects a positive ratio, not \"%s\"", a + 11);
            cfg->realtime = r;
        }
        else if (a[0] == '-')
            return bad_usage("unknown option %s", a);
        else if (*rest)
            return bad_usage("unexpected argument %s", a);
        else
            *rest = a;
    }
    return 0;
}

static int cmd_demo(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[2], "--list") == 0)
    {
        for (int i = 0; i < DEMO_COUNT; i++)
            printf("%-10s %s\n", demos[i]->name, demos[i]->title);
        return 0;
    }
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    const char *trace_path = NULL, *name = NULL;
    int rc = parse_common(argc, argv, 2, &cfg, &trace_path, &name);
    if (rc)
        return rc;
    FILE *trace = NULL;
    if (trace_path)
    {
        trace = fopen(trace_path, "w");
        if (!trace)
        {
            fprintf(stderr, "rtsim: cannot write %s: %s\n", trace_path, strerror(errno));
            return 1;
        }
        cfg.trace = trace;
    }
    int status = 0, found = 0;
    for (int i = 0; i < DEMO_COUNT; i++)
    {
        if (name && strcmp(name, demos[i]->name) != 0)
            continue;
        found = 1;
        printf("=== rtsim demo %s: %s ===\n\n", demos[i]->name, demos[i]->title);
        fflush(stdout);
        if (demos[i]->run(&cfg) != 0)
            status = 1;
        printf("\n");
    }
    if (trace)
        fclose(trace);
    if (!found)
    {
        fprintf(stderr, "rtsim: no demo named \"%s\" (rtsim demo --list)\n", name);
        return 2;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_demo(argc, argv);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
    {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0)
    {
        printf("rtsim 0.1.0 (RT-Thread %ld.%ld.%ld semantics)\n", RT_VERSION, RT_SUBVERSION, RT_REVISION);
        return 0;
    }
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc, argv);
    if (cmd[0] == '-')
        return bad_usage("unknown option %s", cmd);
    return bad_usage("unknown command %s", cmd);
}
