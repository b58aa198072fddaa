/*
 * utest_cli.c - the command line of an RT-Thread utest program:
 * rt_sim_utest_main(argc, argv), which the rtsim-utest package's main()
 * calls (sim/utest_main.c).  Options are parsed here; the running is
 * rt_sim_utest_run's (utest.c).
 *
 * The optional wall-clock watchdog exists for one known limit of virtual
 * time: a loop that never calls into the kernel (`while (flag == 0);`)
 * never lets another thread run, so no deadlock is detected and no tick
 * passes.  With --wall-timeout S the watchdog, a host thread that only
 * waits, ends the whole process with status 4 when one case has taken
 * more than S seconds of real time.  It never changes what a run does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rtthread.h>
#include "rtsim.h"
#include "utest.h"

#define EXIT_CASE_FAILED    1
#define EXIT_USAGE          2
#define EXIT_NO_CASE        3
#define EXIT_WALL_TIMEOUT   4

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
        "usage: %s [OPTION]... [PATTERN]...\n"
        "Run the RT-Thread utest cases of this program, each on a freshly booted\n"
        "simulated kernel, and print RT-Thread's utest log.\n"
        "\n"
        "  PATTERN              run only the cases whose name matches one of the\n"
        "                       patterns (shell wildcards * ? [...]; quote them)\n"
        "  --board NAME|FILE    board (default stm32f429-disco: 8 MiB SDRAM heap)\n"
        "  --heap NAME          system heap: smallmem (default), smallmem-classic,\n"
        "                       slab, memheap, tlsf\n"
        "  --seed N             seed of rand() and of the simulator (default 1)\n"
        "  --timeout-scale N    a case may use N times its timeout in virtual time\n"
        "                       (default 1; 0 = no limit)\n"
        "  --ticks N            end every case's run at tick N (replaces the cases'\n"
        "                       timeouts; RTSIM_TICKS=N does the same)\n"
        "  --cpu-hz HZ|board    clock of the CPU model (default board: 180 MHz on the\n"
        "                       default board; 0 = off: busy code takes no time)\n"
        "  --wall-timeout S     stop the program (status 4) when one case takes more\n"
        "                       than S seconds of real time (default: no limit)\n"
        "  -q, --quiet          print failed assertions only, no \"[    OK    ]\" lines\n"
        "  --junit FILE         also write the results as JUnit XML to FILE (one\n"
        "                       testcase per case; a failure names the failed\n"
        "                       uassert's FILE:LINE)\n"
        "  --tap                print the results as TAP on standard output (the\n"
        "                       utest log goes to standard error)\n"
        "  -l, --list           list the registered cases and exit\n"
        "  -h, --help           show this help and exit\n"
        "\n"
        "Exit status: 0 every case passed, 1 a case failed, 2 bad usage or\n"
        "configuration, 3 no case matched, 4 --wall-timeout expired.\n",
        prog);
}

static int parse_unsigned(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    if (!text || !*text || *text == '-')
        return -1;
    errno = 0;
    unsigned long v = strtoul(text, &end, 0);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* ---------------------------------------------------------- watchdog */
struct watchdog
{
    pthread_t       thread;
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    unsigned long   seconds;
    int             armed;          /* a case is running */
    int             quit;
    struct timespec deadline;       /* CLOCK_MONOTONIC */
    const char     *name;
};

static void wd_check(int rc, const char *what)
{
    if (rc != 0)
    {
        fprintf(stderr, "rtsim-utest: %s failed: %s\n", what, strerror(rc));
        exit(EXIT_USAGE);
    }
}

static void *wd_main(void *arg)
{
    struct watchdog *wd = arg;
    wd_check(pthread_mutex_lock(&wd->lock), "pthread_mutex_lock");
    while (!wd->quit)
    {
        if (!wd->armed)
        {
            wd_check(pthread_cond_wait(&wd->cond, &wd->lock), "pthread_cond_wait");
            continue;
        }
        int rc = pthread_cond_timedwait(&wd->cond, &wd->lock, &wd->deadline);
        if (rc == ETIMEDOUT && wd->armed && !wd->quit)
        {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec > wd->deadline.tv_sec ||
                (now.tv_sec == wd->deadline.tv_sec && now.tv_nsec >= wd->deadline.tv_nsec))
            {
                fflush(stdout);
                fprintf(stderr,
                        "rtsim-utest: test case (%s) took more than %lu s of real time; "
                        "stopping.  A loop that never calls into the kernel never lets "
                        "virtual time pass (docs/utest.md).\n",
                        wd->name, wd->seconds);
                _exit(EXIT_WALL_TIMEOUT);
            }
        }
        else if (rc != 0 && rc != ETIMEDOUT)
        {
            wd_check(rc, "pthread_cond_timedwait");
        }
    }
    wd_check(pthread_mutex_unlock(&wd->lock), "pthread_mutex_unlock");
    return NULL;
}

/* -------------------------------------------------- results for CI */
struct hooks
{
    struct watchdog wd;
    int wall;                       /* the watchdog runs */
    struct rt_sim_case_result *cases;
    int n, cap;
    int oom;
};

static char *dup_text(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void collect_result(void *ctx, const char *name, const char *failure, const char *asserts)
{
    struct hooks *h = ctx;
    if (h->n == h->cap)
    {
        int cap = h->cap ? 2 * h->cap : 16;
        struct rt_sim_case_result *c = realloc(h->cases, (size_t)cap * sizeof *c);
        if (!c)
        {
            h->oom = 1;
            return;
        }
        h->cases = c;
        h->cap = cap;
    }
    struct rt_sim_case_result *c = &h->cases[h->n];
    /* The failure's message is the first failed uassert (FILE:LINE: FUNC:
     * MSG) when there is one; the detail adds why the case failed and
     * every failed uassert. */
    c->name = dup_text(name);
    c->failure = NULL;
    c->detail = NULL;
    if (failure && asserts && *asserts)
    {
        size_t k = strcspn(asserts, "\n");
        size_t len = strlen(failure) + strlen(asserts) + 2;
        char *first = malloc(k + 1), *detail = malloc(len);
        if (first && detail)
        {
            snprintf(first, k + 1, "%s", asserts);
            snprintf(detail, len, "%s\n%s", failure, asserts);
        }
        c->failure = first;
        c->detail = detail;
        if (!first || !detail)
        {
            free(first);
            free(detail);
            c->failure = c->detail = NULL;
            h->oom = 1;
        }
    }
    else if (failure)
        c->failure = dup_text(failure);
    if (!c->name || (failure && !c->failure))
        h->oom = 1;
    h->n++;
}

static void free_results(struct hooks *h)
{
    for (int i = 0; i < h->n; i++)
    {
        free((char *)h->cases[i].name);
        free((char *)h->cases[i].failure);
        free((char *)h->cases[i].detail);
    }
    free(h->cases);
}

static void wd_case_starts(void *ctx, const char *name)
{
    struct hooks *h = ctx;
    if (!h->wall)
        return;
    struct watchdog *wd = &h->wd;
    wd_check(pthread_mutex_lock(&wd->lock), "pthread_mutex_lock");
    clock_gettime(CLOCK_MONOTONIC, &wd->deadline);
    wd->deadline.tv_sec += (time_t)wd->seconds;
    wd->name = name;
    wd->armed = 1;
    wd_check(pthread_cond_signal(&wd->cond), "pthread_cond_signal");
    wd_check(pthread_mutex_unlock(&wd->lock), "pthread_mutex_unlock");
}

static void wd_case_ends(void *ctx, const char *name)
{
    struct hooks *h = ctx;
    if (!h->wall)
        return;
    struct watchdog *wd = &h->wd;
    (void)name;
    wd_check(pthread_mutex_lock(&wd->lock), "pthread_mutex_lock");
    wd->armed = 0;
    wd_check(pthread_cond_signal(&wd->cond), "pthread_cond_signal");
    wd_check(pthread_mutex_unlock(&wd->lock), "pthread_mutex_unlock");
}

static void wd_start(struct watchdog *wd)
{
    pthread_condattr_t attr;
    wd_check(pthread_mutex_init(&wd->lock, NULL), "pthread_mutex_init");
    wd_check(pthread_condattr_init(&attr), "pthread_condattr_init");
    wd_check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), "pthread_condattr_setclock");
    wd_check(pthread_cond_init(&wd->cond, &attr), "pthread_cond_init");
    wd_check(pthread_condattr_destroy(&attr), "pthread_condattr_destroy");
    wd_check(pthread_create(&wd->thread, NULL, wd_main, wd), "pthread_create");
}

static void wd_stop(struct watchdog *wd)
{
    wd_check(pthread_mutex_lock(&wd->lock), "pthread_mutex_lock");
    wd->quit = 1;
    wd_check(pthread_cond_signal(&wd->cond), "pthread_cond_signal");
    wd_check(pthread_mutex_unlock(&wd->lock), "pthread_mutex_unlock");
    wd_check(pthread_join(wd->thread, NULL), "pthread_join");
    wd_check(pthread_cond_destroy(&wd->cond), "pthread_cond_destroy");
    wd_check(pthread_mutex_destroy(&wd->lock), "pthread_mutex_destroy");
}

/* ------------------------------------------------------------- main */
static void noop_main(void *arg)
{
    (void)arg;
}

static void discard(void *ctx, const char *text)
{
    (void)ctx;
    (void)text;
}

int rt_sim_utest_main(int argc, char **argv)
{
    enum { OPT_BOARD = 256, OPT_HEAP, OPT_SEED, OPT_SCALE, OPT_WALL, OPT_TICKS, OPT_HZ,
           OPT_JUNIT, OPT_TAP };
    static const struct option longopts[] = {
        { "board",         required_argument, NULL, OPT_BOARD },
        { "heap",          required_argument, NULL, OPT_HEAP },
        { "seed",          required_argument, NULL, OPT_SEED },
        { "timeout-scale", required_argument, NULL, OPT_SCALE },
        { "wall-timeout",  required_argument, NULL, OPT_WALL },
        { "ticks",         required_argument, NULL, OPT_TICKS },
        { "cpu-hz",        required_argument, NULL, OPT_HZ },
        { "junit",         required_argument, NULL, OPT_JUNIT },
        { "tap",           no_argument,       NULL, OPT_TAP },
        { "quiet",         no_argument,       NULL, 'q' },
        { "list",          no_argument,       NULL, 'l' },
        { "help",          no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *prog = argc > 0 && argv[0] ? argv[0] : "utest";
    struct rt_sim_utest_options opt;
    unsigned long wall_seconds = 0, v;
    int list = 0, c, longindex = 0, tap = 0;
    const char *junit = NULL;

    rt_sim_utest_options_init(&opt);
    opterr = 0;
    optind = 0;     /* glibc: full re-initialisation, callable twice */
    while ((c = getopt_long(argc, argv, "qlh", longopts, &longindex)) != -1)
    {
        switch (c)
        {
        case OPT_BOARD: opt.cfg.board = optarg; break;
        case OPT_HEAP:  opt.cfg.heap = optarg; break;
        case OPT_SEED:
            if (parse_unsigned(optarg, (unsigned long)-1, &v) != 0)
                goto bad_value;
            opt.cfg.seed = v;
            break;
        case OPT_SCALE:
            if (parse_unsigned(optarg, 1000000, &v) != 0)
                goto bad_value;
            opt.timeout_scale = (unsigned)v;
            break;
        case OPT_WALL:
            if (parse_unsigned(optarg, 1000000, &v) != 0)
                goto bad_value;
            wall_seconds = v;
            break;
        case OPT_TICKS:
            if (parse_unsigned(optarg, (rt_tick_t)-1, &v) != 0 || v == 0)
                goto bad_value;
            opt.cfg.tick_limit = (rt_tick_t)v;
            break;
        case OPT_HZ:
            if (strcmp(optarg, "board") == 0)
                v = RT_SIM_CPU_HZ_BOARD;
            else if (parse_unsigned(optarg, 4000000000ul, &v) != 0 || (v != 0 && v < 1000000ul))
                goto bad_value;
            opt.cfg.cpu_hz = v;
            break;
        case OPT_JUNIT: junit = optarg; break;
        case OPT_TAP:   tap = 1; break;
        case 'q': opt.log_level = UTEST_LOG_ASSERT; break;
        case 'l': list = 1; break;
        case 'h':
            usage(stdout, prog);
            return 0;
        default:
            if (optopt)
                fprintf(stderr, "%s: option -%c is unknown or needs a value\n", prog, optopt);
            else
                fprintf(stderr, "%s: option %s is unknown or needs a value\n", prog,
                        argv[optind - 1]);
            usage(stderr, prog);
            return EXIT_USAGE;
        }
    }
    opt.patterns = (const char *const *)&argv[optind];
    opt.npatterns = argc - optind;

    if (list)
    {
        for (const struct utest_tc_node *n = utest_tc_first(); n; n = n->next)
            printf("%s (timeout %u s)\n", n->tc->name, (unsigned)n->tc->run_timeout);
        return 0;
    }

    /* Cases compiled with other rtconfig.h values or another word size
     * than the library would run on misread structs: refuse them all
     * before anything runs (rtsim.h, RT_SIM_CONFIG_KNOBS). */
    for (const struct utest_tc_node *n = utest_tc_first(); n; n = n->next)
    {
        if (rt_sim_config_check(n->knobs, stderr) != 0)
        {
            fprintf(stderr, "%s: test case %s (and every case of its file) was compiled with "
                    "another configuration than rtsim; no case ran\n", prog, n->tc->name);
            return EXIT_USAGE;
        }
    }

    /* A bad board or heap name fails every run the same way: find out
     * once, before printing a log that would say nothing else.  The probe
     * boots a kernel that runs nothing; what INIT_*_EXPORT functions
     * print during its boot is dropped. */
    struct rt_sim_config probe = opt.cfg;
    probe.console = discard;
    if (rt_sim_run(&probe, noop_main, NULL) == RT_SIM_ECONFIG)
    {
        usage(stderr, prog);
        return EXIT_USAGE;
    }

    /* The JUnit file is opened before anything runs: a path that cannot
     * be written is a usage error, not a lost report. */
    FILE *junit_f = NULL;
    if (junit && !(junit_f = fopen(junit, "w")))
    {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, junit, strerror(errno));
        return EXIT_USAGE;
    }
    /* --tap: standard output carries TAP only; the log goes to stderr. */
    int tap_fd = -1;
    if (tap)
    {
        fflush(stdout);
        tap_fd = dup(1);
        if (tap_fd < 0 || dup2(2, 1) < 0)
        {
            fprintf(stderr, "%s: --tap: %s\n", prog, strerror(errno));
            if (junit_f)
                fclose(junit_f);
            return EXIT_USAGE;
        }
    }

    static struct hooks h;
    memset(&h, 0, sizeof h);
    opt.case_starts = wd_case_starts;
    opt.case_ends = wd_case_ends;
    opt.case_result = collect_result;
    opt.hook_ctx = &h;
    if (wall_seconds > 0)
    {
        h.wall = 1;
        h.wd.seconds = wall_seconds;
        wd_start(&h.wd);
    }
    struct rt_sim_utest_result res;
    int failed = rt_sim_utest_run(&opt, &res);
    if (wall_seconds > 0)
        wd_stop(&h.wd);
    fflush(stdout);

    int out_failed = 0;
    if (tap)
    {
        dup2(tap_fd, 1);
        close(tap_fd);
        out_failed |= rt_sim_write_tap(stdout, h.cases, h.n);
    }
    if (junit_f)
    {
        out_failed |= rt_sim_write_junit(junit_f, "rtsim-utest", h.cases, h.n);
        out_failed |= fclose(junit_f) != 0;
    }
    int oom = h.oom;
    free_results(&h);
    if (out_failed || oom)
    {
        fprintf(stderr, "%s: could not write the %s results\n", prog, tap ? "TAP" : "JUnit");
        return EXIT_USAGE;
    }

    if (failed < 0)
    {
        fprintf(stderr, "%s: out of memory\n", prog);
        return EXIT_USAGE;
    }
    if (res.run == 0)
        return EXIT_NO_CASE;
    return failed ? EXIT_CASE_FAILED : 0;

bad_value:
    fprintf(stderr, "%s: bad value \"%s\" for --%s\n", prog, optarg, longopts[longindex].name);
    usage(stderr, prog);
    return EXIT_USAGE;
}
