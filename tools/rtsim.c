/*
 * rtsim - the command line.
 *
 *   rtsim demo [NAME] [options]     guided demos (all of them without NAME)
 *   rtsim demo --list               name the demos
 *   rtsim run FILE|- [options]      run a scenario (docs/scenarios.md; - = stdin)
 *   rtsim shell [options]           an msh prompt; reads stdin
 *   rtsim replay TRACE --heap A,B   replay a trace's allocations through other heaps
 *   rtsim board --from-map FILE     a board file from a firmware's GNU ld map
 *   rtsim board --from-lds FILE     ... or from its linker script's MEMORY block
 *   rtsim --help | --version | COMMAND --help
 *
 * Unknown options and bad values exit with status 2 and a usage message
 * on stderr.
 *
 * The files of tools/:
 *   rtsim.c       this dispatcher and the options every command shares
 *   scn_parse.c   the scenario language: lexer and parser (scenario.h)
 *   scn_run.c     runs statements inside a simulation: the run's state,
 *                 echo, snapshots, threads and irqs, the run's pictures;
 *                 its statement families: scn_mem.c (heaps, pools,
 *                 malloc/free), scn_query.c (expect, check, stats, map,
 *                 board, headers), scn_sync.c (semaphores, mutexes),
 *                 scn_msg.c (mailboxes, message queues)
 *   scn_owner.c   who owns each block (read from the trace, plus variables)
 *   scn_heaps.c   the heap objects a scenario makes, per algorithm
 *   heapmap.c     snapshots from the kernel's walkers
 *   heapmap_draw.c  text maps, SVG, the HTML page
 *   shell.c       `rtsim shell`: the msh prompt as the thread "tshell"
 *   replay.c      `rtsim replay`: a trace's allocations through other heaps
 *   demos.c       the demos' order (one table) and the model line they start with
 *   demo_kernel.c, demo_mempool_sample.c, demo_determinism.c: the demos
 *                 written in C (beyond the scenario language)
 *   board_from_map.c  `rtsim board`: map file / linker script -> board file
 *   scenarios/    the shipped scenarios; embed.py compiles them in
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rtsim.h>
#include "board_from_map.h"
#include "demos.h"
#include "heapmap.h"
#include "rtsim_cli.h"
#include "scenario.h"

/* ------------------------------------------------------------- usage */

static const char common_help[] =
    "options:\n"
    "  --board NAME|FILE   board: stm32f407 (default), stm32f429-disco, stm32f103c8, or a board file\n"
    "  --heap ALGO         system heap: smallmem (default), smallmem-classic, slab, memheap, tlsf\n"
    "  --seed N            seed of every pseudo-random choice (default 1)\n"
    "  --realtime[=RATIO]  pace virtual time against the wall clock (default ratio 1)\n"
    "  --ticks N           end the run at tick N, listing what each thread was doing\n"
    "                      (a normal end; RTSIM_TICKS=N does the same)\n"
    "  --cpu-hz HZ|board   console output takes UART time on a CPU of this clock\n"
    "                      (docs/concept-time.md; default 0: off, scenarios say their time)\n"
    "  --check[=on|strict|off], --no-check  checked mode (docs/mistakes.md; default on)\n"
    "  --trace FILE        write the event trace (docs/trace.md) to FILE\n"
    "  --map               print a text heap map after every memory step\n"
    "  --svg FILE          draw the heap map (at the last `map`, else the end) as SVG\n"
    "  --html FILE         write a page with a slider to step through every heap map\n"
    "  --help              this text\n";

static const char *const usages[] = {
    "usage: rtsim demo [NAME] [options]   run a guided demo (all of them without NAME)\n"
    "       rtsim demo --list             list the demos\n",
    "usage: rtsim run FILE [options]      run a scenario file (docs/scenarios.md; - reads stdin);\n"
    "                                     exit 1 when an expectation fails\n"
    "  --junit FILE        also write the results as JUnit XML: one testcase per\n"
    "                      expect, one for the run's own outcome\n"
    "  --tap               print the results as TAP on stdout (the run's log goes\n"
    "                      to stderr)\n",
    "usage: rtsim shell [options]         msh prompt with RT-Thread's commands and scenario\n"
    "                                     statements, one line at a time (stdin); on a\n"
    "                                     terminal: line editing, history (~/.rtsim_history,\n"
    "                                     $XDG_STATE_HOME/rtsim/history or $RTSIM_HISTORY),\n"
    "                                     Tab completion, Ctrl-C cancels, Ctrl-D exits\n",
    "usage: rtsim replay TRACE --heap A,B,... [--board NAME]\n"
    "                                     replay the malloc/free/realloc lines of a trace\n"
    "                                     through other heap algorithms and compare\n",
};

static void usage(FILE *out, int which)
{
    if (which < 0)
    {
        fputs("rtsim: RT-Thread's memory manager on your laptop\n\n"
              "usage: rtsim demo [NAME] [options]   guided demos (all of them without NAME)\n"
              "       rtsim demo --list             list the demos\n"
              "       rtsim run FILE [options]      run a scenario file (docs/scenarios.md;\n"
              "                                     --junit FILE, --tap: results for CI)\n"
              "       rtsim shell [options]         msh prompt (reads stdin; edits lines on a terminal)\n"
              "       rtsim replay TRACE --heap A,B,...  replay a trace through other heaps\n"
              "       rtsim board --from-map FILE   a board file from a firmware's linker map\n"
              "       rtsim board --from-lds FILE   ... or from a linker script's MEMORY block\n"
              "       rtsim addr [LOG]              add board addresses to a Valgrind log\n"
              "       rtsim --help | --version | COMMAND --help\n\n", out);
        fputs(common_help, out);
        return;
    }
    fputs(usages[which], out);
    if (which != RTSIM_CMD_REPLAY)
        fputs(common_help, out);
}

int rtsim_bad_usage(int which, const char *fmt, const char *arg)
{
    fprintf(stderr, "rtsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    usage(stderr, which);
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

/* ---------------------------------------------------------- options */

static int is_opt(const char *a, const char *name)
{
    return strcmp(a, name) == 0;
}

/* Parse the common options from argv[i..]; up to one positional argument
 * goes to *rest.  Returns 0, 2 (bad usage, reported) or 3 (--help shown). */
int rtsim_parse_options(int which, int argc, char **argv, int i, struct rtsim_options *o)
{
    memset(o, 0, sizeof *o);
    rt_sim_config_init(&o->cfg);
    /* The command runs no instrumented code (scenarios are interpreted and
     * say their time with delay statements): the CPU model's console time
     * only on request. */
    o->cfg.cpu_hz = 0;
    const char *env_ticks = getenv("RTSIM_TICKS");
    o->ticks_set = env_ticks && *env_ticks && strcmp(env_ticks, "0") != 0;
    o->check = -1;
    for (; i < argc; i++)
    {
        const char *a = argv[i];
        if (is_opt(a, "--help") || is_opt(a, "-h"))
        {
            usage(stdout, which);
            return 3;
        }
        if (which == RTSIM_CMD_RUN && is_opt(a, "--junit"))
        {
            if (i + 1 >= argc)
                return rtsim_bad_usage(which, "option %s needs a value", a);
            o->junit_path = argv[++i];
        }
        else if (which == RTSIM_CMD_RUN && is_opt(a, "--tap"))
            o->tap = 1;
        else if (is_opt(a, "--board") || is_opt(a, "--heap") || is_opt(a, "--seed") ||
            is_opt(a, "--trace") || is_opt(a, "--svg") || is_opt(a, "--html") ||
            is_opt(a, "--ticks") || is_opt(a, "--cpu-hz"))
        {
            if (i + 1 >= argc)
                return rtsim_bad_usage(which, "option %s needs a value", a);
            const char *v = argv[++i];
            if (is_opt(a, "--board"))
                o->cfg.board = o->board = v;
            else if (is_opt(a, "--heap"))
                o->cfg.heap = o->heap = v;
            else if (is_opt(a, "--trace"))
                o->trace_path = v;
            else if (is_opt(a, "--svg"))
                o->svg_path = v;
            else if (is_opt(a, "--html"))
                o->html_path = v;
            else if (is_opt(a, "--ticks"))
            {
                unsigned long n;
                if (parse_ulong(v, &n) != 0 || n == 0 || n > (rt_tick_t)-1)
                    return rtsim_bad_usage(which, "--ticks expects a tick count of at least 1, not \"%s\"", v);
                o->cfg.tick_limit = (rt_tick_t)n;
                o->ticks_set = 1;
            }
            else if (is_opt(a, "--cpu-hz"))
            {
                unsigned long n;
                if (strcmp(v, "board") == 0)
                    o->cfg.cpu_hz = RT_SIM_CPU_HZ_BOARD;
                else if (parse_ulong(v, &n) != 0 || (n != 0 && n < 1000000ul) || n > 4000000000ul)
                    return rtsim_bad_usage(which, "--cpu-hz expects 0 (off), board, or a clock of 1000000 to 4000000000 Hz, not \"%s\"", v);
                else
                    o->cfg.cpu_hz = n;
            }
            else
            {
                if (parse_ulong(v, &o->cfg.seed) != 0)
                    return rtsim_bad_usage(which, "--seed expects a non-negative integer, not \"%s\"", v);
                o->seed_set = 1;
            }
        }
        else if (is_opt(a, "--realtime"))
            o->cfg.realtime = 1.0;
        else if (strncmp(a, "--realtime=", 11) == 0)
        {
            char *end;
            double r = strtod(a + 11, &end);
            if (end == a + 11 || *end || !(r > 0))
                return rtsim_bad_usage(which, "--realtime expects a positive ratio, not \"%s\"", a + 11);
            o->cfg.realtime = r;
        }
        else if (is_opt(a, "--check"))
            o->cfg.checked = o->check = 1;
        else if (is_opt(a, "--no-check") || is_opt(a, "--check=off"))
            o->cfg.checked = o->check = 0;
        else if (is_opt(a, "--check=on"))
            o->cfg.checked = o->check = 1;
        else if (is_opt(a, "--check=strict"))
            o->cfg.checked = o->check = 2;
        else if (is_opt(a, "--map"))
            o->map = 1;
        else if (is_opt(a, "--list") && which == RTSIM_CMD_DEMO)
            o->list = 1;
        else if (a[0] == '-' && a[1])
            return rtsim_bad_usage(which, "unknown option %s", a);
        else if (o->rest)
            return rtsim_bad_usage(which, "unexpected argument %s", a);
        else
            o->rest = a;
    }
    if (which == RTSIM_CMD_SHELL && o->rest)
        return rtsim_bad_usage(which, "unexpected argument %s", o->rest);
    return 0;
}

/* Open the trace file and fill the scenario options. */
int rtsim_open_outputs(struct rtsim_options *o, struct scn_options *so, const char *title)
{
    memset(so, 0, sizeof *so);
    if (o->trace_path)
    {
        o->trace = fopen(o->trace_path, "w");
        if (!o->trace)
        {
            fprintf(stderr, "rtsim: cannot write %s: %s\n", o->trace_path, strerror(errno));
            return -1;
        }
    }
    so->trace = o->trace;
    so->map = o->map;
    so->svg_path = o->svg_path;
    so->html_path = o->html_path;
    so->title = title;
    so->ticks_end_ok = o->ticks_set;
    return 0;
}

int rtsim_close_outputs(struct rtsim_options *o)
{
    int rc = 0;
    if (o->trace)
    {
        int bad = ferror(o->trace);
        if (fclose(o->trace) != 0 || bad)
        {
            /* a full disk shows here, not at fopen */
            fprintf(stderr, "rtsim: cannot write %s: %s\n", o->trace_path,
                    strerror(errno ? errno : EIO));
            rc = -1;
        }
    }
    o->trace = NULL;
    return rc;
}

/* ------------------------------------------------------------- files */

char *rtsim_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
    {
        fprintf(stderr, "rtsim: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *text = rtsim_read_stream(f, path);
    fclose(f);
    return text;
}

char *rtsim_read_stream(FILE *f, const char *what)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    errno = 0;
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0)
    {
        n += k;
        if (n + 1 == cap)
        {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    if (!buf)
    {
        fprintf(stderr, "rtsim: out of memory reading %s\n", what);
        return NULL;
    }
    if (ferror(f))
    {
        /* a directory opens, then fails to read (EISDIR) */
        fprintf(stderr, "rtsim: cannot read %s: %s\n", what, strerror(errno ? errno : EIO));
        free(buf);
        return NULL;
    }
    const char *nul = memchr(buf, '\0', n);
    if (nul)
    {
        int line = 1;
        for (const char *c = buf; c < nul; c++)
            line += *c == '\n';
        fprintf(stderr, "rtsim: %s:%d: a NUL byte: not a text scenario\n", what, line);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Settings from the scenario's `set` lines, unless the command line
 * chose them. */
static void apply_settings(const struct scn_program *p, struct rtsim_options *o)
{
    if (p->board && !o->board)
        o->cfg.board = p->board;
    if (p->heap && !o->heap)
        o->cfg.heap = p->heap;
    if (p->seed >= 0 && !o->seed_set)
        o->cfg.seed = (unsigned long)p->seed;
    if (p->wake_fifo >= 0)
        o->cfg.mp_wake_order = p->wake_fifo ? RT_SIM_MP_WAKE_FIFO : RT_SIM_MP_WAKE_LIFO;
    if (p->tick_limit >= 0 && !o->ticks_set)
        o->cfg.tick_limit = (rt_tick_t)p->tick_limit;
}

int rtsim_run_text(const char *file, const char *text, struct rtsim_options *o,
                   const char *title)
{
    struct scn_program prog;
    if (scn_parse(file, text, &prog))
    {
        scn_free(&prog);        /* a refused program may hold statements */
        return 2;
    }
    apply_settings(&prog, o);
    struct scn_options so;
    if (rtsim_open_outputs(o, &so, title))
    {
        scn_free(&prog);
        return 1;
    }
    so.file = file;
    struct rt_sim_config cfg = o->cfg;
    int rc = scn_run(&prog, &cfg, &so);
    if (rtsim_close_outputs(o) != 0 && rc == 0)
        rc = 1;
    scn_free(&prog);
    return rc;
}

/* ------------------------------------------------------------ commands */

/* `rtsim run --junit FILE / --tap`: the run as usual, its expectations and
 * outcome collected (scn_collect) and written for CI.  With --tap the
 * run's log goes to stderr, stdout carries TAP only.  A scenario that does
 * not parse is one failed case holding the parse error. */
static int run_for_ci(const char *file, const char *text, struct rtsim_options *o,
                      const char *title)
{
    FILE *junit = NULL;
    if (o->junit_path && !(junit = fopen(o->junit_path, "w")))
    {
        fprintf(stderr, "rtsim: cannot write %s: %s\n", o->junit_path, strerror(errno));
        return 2;
    }
    int tap_fd = -1;
    if (o->tap)
    {
        fflush(stdout);
        tap_fd = dup(1);
        if (tap_fd < 0 || dup2(2, 1) < 0)
        {
            fprintf(stderr, "rtsim: --tap: %s\n", strerror(errno));
            if (junit)
                fclose(junit);
            return 2;
        }
    }
    /* Parse errors are kept for the report as well as shown. */
    char *perr = NULL;
    size_t perr_len = 0;
    FILE *errs = open_memstream(&perr, &perr_len);
    scn_error_stream = errs;
    struct scn_results res = { 0 };
    scn_collect(&res);
    int rc = rtsim_run_text(file, text, o, title);
    scn_collect(NULL);
    scn_error_stream = NULL;
    if (errs)
        fclose(errs);
    if (perr && perr_len)
        fputs(perr, stderr);
    fflush(stdout);
    fflush(stderr);
    struct rt_sim_case_result *cases = calloc((size_t)res.n + 1, sizeof *cases);
    if (!cases)
    {
        fprintf(stderr, "rtsim: out of memory\n");
        exit(1);
    }
    int n = 0;
    char parse_name[300];
    if (rc == 2 && res.n == 0)
    {
        snprintf(parse_name, sizeof parse_name, "%s: the scenario parses", file);
        cases[n].name = parse_name;
        cases[n].failure = perr && perr_len ? perr : "the scenario does not parse";
        n++;
    }
    for (int i = 0; i < res.n; i++, n++)
    {
        cases[n].name = res.cases[i].name;
        cases[n].failure = res.cases[i].failure;
    }
    int bad = 0;
    if (o->tap)
    {
        dup2(tap_fd, 1);
        close(tap_fd);
        bad |= rt_sim_write_tap(stdout, cases, n);
    }
    if (junit)
    {
        bad |= rt_sim_write_junit(junit, "rtsim run", cases, n);
        bad |= fclose(junit) != 0;
    }
    for (int i = 0; i < res.n; i++)
    {
        free(res.cases[i].name);
        free(res.cases[i].failure);
    }
    free(res.cases);
    free(cases);
    free(perr);
    if (bad)
    {
        fprintf(stderr, "rtsim: could not write the results\n");
        return 2;
    }
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    struct rtsim_options o;
    int rc = rtsim_parse_options(RTSIM_CMD_RUN, argc, argv, 2, &o);
    if (rc)
        return rc == 3 ? 0 : rc;
    if (!o.rest)
        return rtsim_bad_usage(RTSIM_CMD_RUN, "%s", "run needs a scenario FILE");
    char *text = strcmp(o.rest, "-") == 0 ? rtsim_read_stream(stdin, "standard input")
                                          : rtsim_read_file(o.rest);
    if (!text)
        return 2;
    /* The pictures' title: the file's first line when it is a comment. */
    char title[160];
    snprintf(title, sizeof title, "%s", o.rest);
    if (text[0] == '#')
    {
        const char *t = text + 1;
        if (strncmp(t, " demo:", 6) == 0)
            t += 6;
        while (*t == ' ')
            t++;
        snprintf(title, sizeof title, "%.*s", (int)strcspn(t, "\n"), t);
    }
    const char *file = strcmp(o.rest, "-") == 0 ? "<stdin>" : o.rest;
    if (file != o.rest && text[0] != '#')
        snprintf(title, sizeof title, "rtsim run");
    if (!o.junit_path && !o.tap)
    {
        rc = rtsim_run_text(file, text, &o, title);
        free(text);
        return rc;
    }
    rc = run_for_ci(file, text, &o, title);
    free(text);
    return rc;
}

/* The embedded scenario demo NAME, or NULL (not a demo, or its heap is
 * not in this build). */
static const struct rtsim_scenario *scenario_demo(const char *name)
{
    for (const struct rtsim_scenario *sc = rtsim_scenarios; sc->name; sc++)
        if (sc->demo && strcmp(sc->name, name) == 0)
            return sc;
    return NULL;
}

static int listed_in_order(const char *name)
{
    for (const struct rtsim_demo_row *r = rtsim_demo_order; r->name; r++)
        if (strcmp(r->name, name) == 0)
            return 1;
    return 0;
}

static int run_c_demo(const struct rtsim_demo *d, struct rtsim_options *o)
{
    FILE *trace = NULL;
    if (o->trace_path)
    {
        trace = fopen(o->trace_path, "w");
        if (!trace)
        {
            fprintf(stderr, "rtsim: cannot write %s: %s\n", o->trace_path, strerror(errno));
            return 1;
        }
        o->cfg.trace = trace;
    }
    struct rt_sim_config cfg = o->cfg;
    int rc = d->run(&cfg) != 0;
    if (trace)
    {
        int bad = ferror(trace);
        if (fclose(trace) != 0 || bad)    /* a full disk shows here, not at fopen */
        {
            fprintf(stderr, "rtsim: cannot write %s: %s\n", o->trace_path,
                    strerror(errno ? errno : EIO));
            rc = 1;
        }
    }
    o->cfg.trace = NULL;
    return rc;
}

/* Run one demo (a row of the table, or a scenario demo the table does not
 * list yet: those follow the table's). */
static int run_demo(const char *name, const struct rtsim_demo *c, struct rtsim_options *o)
{
    const struct rtsim_scenario *sc = c ? NULL : scenario_demo(name);
    if (!c && !sc)
        return -1;
    printf("=== rtsim demo %s: %s ===\n\n", name, c ? c->title : sc->title);
    rtsim_demo_model_line();
    fflush(stdout);
    int status = 0;
    if (c)
    {
        if (c->run && (o->svg_path || o->html_path))
        {
            fprintf(stderr, "rtsim: demo %s draws its own pictures in text; --svg and --html "
                    "are for the scenario demos\n", name);
            return 2;
        }
        status = run_c_demo(c, o);
    }
    else
    {
        char file[64];
        snprintf(file, sizeof file, "%s.rts", name);
        struct rtsim_options oo = *o;
        status = rtsim_run_text(file, sc->text, &oo, sc->title) != 0;
    }
    printf("\n");
    o->trace_path = NULL;    /* one trace: the first demo's */
    return status;
}

static int cmd_demo(int argc, char **argv)
{
    struct rtsim_options o;
    int rc = rtsim_parse_options(RTSIM_CMD_DEMO, argc, argv, 2, &o);
    if (rc)
        return rc == 3 ? 0 : rc;
    /* A demo ends by showing the blocks it still holds: not leaks. */
    o.cfg.leaks_report = 0;
    if (o.list)
    {
        for (const struct rtsim_demo_row *r = rtsim_demo_order; r->name; r++)
        {
            const struct rtsim_scenario *sc = r->c ? NULL : scenario_demo(r->name);
            if (r->c || sc)
                printf("%-15s %s\n", r->name, r->c ? r->c->title : sc->title);
        }
        for (const struct rtsim_scenario *sc = rtsim_scenarios; sc->name; sc++)
            if (sc->demo && !listed_in_order(sc->name))
                printf("%-15s %s\n", sc->name, sc->title);
        return 0;
    }
    if ((o.svg_path || o.html_path) && !o.rest)
        return rtsim_bad_usage(RTSIM_CMD_DEMO, "%s", "--svg and --html draw one demo: name it");
    int status = 0, found = 0;
    for (const struct rtsim_demo_row *r = rtsim_demo_order; r->name; r++)
    {
        if (o.rest && strcmp(o.rest, r->name) != 0)
            continue;
        int s = run_demo(r->name, r->c, &o);
        if (s == 2)
            return 2;
        if (s >= 0)
            found = 1;
        if (s > 0)
            status = 1;
    }
    for (const struct rtsim_scenario *sc = rtsim_scenarios; sc->name; sc++)
    {
        if (!sc->demo || listed_in_order(sc->name) || (o.rest && strcmp(o.rest, sc->name) != 0))
            continue;
        found = 1;
        if (run_demo(sc->name, NULL, &o) > 0)
            status = 1;
    }
    if (!found)
    {
        fprintf(stderr, "rtsim: no demo named \"%s\" (rtsim demo --list)\n", o.rest);
        return 2;
    }
    return status;
}

static const char board_help[] =
    "usage: rtsim board --from-map FILE [--zi-end SYMBOL|ADDRESS] [--name NAME]\n"
    "       rtsim board --from-lds FILE [--zi-end ADDRESS] [--name NAME]\n"
    "Print a board file (docs/boards.md) describing a firmware's RAM: every RAM region\n"
    "of the map's Memory Configuration table (or of the script's MEMORY block; ROM and\n"
    "flash left out), the end of ZI where the system heap starts, and the bytes the\n"
    "firmware already placed in the other RAM regions.  Save it and pass --board FILE.\n"
    "  --from-map FILE     a GNU ld map file (arm-none-eabi-gcc -Wl,-Map=FILE)\n"
    "  --from-lds FILE     a linker script; no ZI end unless --zi-end gives an address\n"
    "  --zi-end SYMBOL     the symbol that ends ZI (default: __bss_end, else _ebss,\n"
    "                      else end, else the end of .bss), or a hex address\n"
    "  --name NAME         the board's name (default: the file's name)\n"
    "exit status: 0 printed, 1 the file is not usable (FILE:LINE: expected ...), 2 usage\n";

static int cmd_board(int argc, char **argv)
{
    struct bfm_options opt = { NULL, NULL };
    const char *map = NULL, *lds = NULL;

    for (int i = 2; i < argc; i++)
    {
        const char *a = argv[i];
        const char **slot = NULL;
        if (is_opt(a, "--help") || is_opt(a, "-h"))
        {
            fputs(board_help, stdout);
            return 0;
        }
        if (is_opt(a, "--from-map"))
            slot = &map;
        else if (is_opt(a, "--from-lds"))
            slot = &lds;
        else if (is_opt(a, "--zi-end"))
            slot = &opt.zi_end;
        else if (is_opt(a, "--name"))
            slot = &opt.name;
        if (!slot)
        {
            fprintf(stderr, "rtsim: board: unknown argument %s\n", a);
            fputs(board_help, stderr);
            return 2;
        }
        if (i + 1 >= argc || *slot)
        {
            fprintf(stderr, "rtsim: board: %s %s\n", a, *slot ? "given twice" : "needs a value");
            fputs(board_help, stderr);
            return 2;
        }
        *slot = argv[++i];
    }
    if ((map != NULL) == (lds != NULL))
    {
        fprintf(stderr, "rtsim: board: give exactly one of --from-map FILE and --from-lds FILE\n");
        fputs(board_help, stderr);
        return 2;
    }
    return map ? bfm_from_map(map, &opt, stdout, stderr) : bfm_from_lds(lds, &opt, stdout, stderr);
}

/* `rtsim addr [LOG]`: a Valgrind log (file or stdin) with the RAM map a
 * checked run prints under Valgrind ("rtsim: board B RAM R 0xBASE..0xLAST
 * is host 0xH..0xHLAST", sim/annotate.c), copied to stdout with
 * " [board 0x...]" after every host address inside the RAM. */
#define ADDR_MAX_MAPS 64
struct addr_map { unsigned long base, host, host_last; };

static const char addr_usage[] =
    "usage: rtsim addr [LOG]              copy a Valgrind log (file, or stdin without\n"
    "                                     LOG), adding the board address after every host\n"
    "                                     address inside the simulated RAM\n";

static int cmd_addr(int argc, char **argv)
{
    if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
    {
        fputs(addr_usage, stdout);
        return 0;
    }
    if (argc > 3 || (argc == 3 && argv[2][0] == '-' && argv[2][1]))
    {
        fprintf(stderr, "rtsim: %s %s\n%s", argc > 3 ? "unexpected argument" : "unknown option",
                argv[argc > 3 ? 3 : 2], addr_usage);
        return 2;
    }
    int from_stdin = argc < 3 || strcmp(argv[2], "-") == 0;
    char *text = from_stdin ? rtsim_read_stream(stdin, "standard input") : rtsim_read_file(argv[2]);
    if (!text)
        return 2;
    struct addr_map maps[ADDR_MAX_MAPS];
    int nmaps = 0;
    for (const char *p = text; (p = strstr(p, " RAM ")) != NULL && nmaps < ADDR_MAX_MAPS; p++)
    {
        unsigned long base, last, host, host_last;
        char name[32];
        if (sscanf(p, " RAM %31s 0x%lx..0x%lx is host 0x%lx..0x%lx", name, &base, &last, &host,
                   &host_last) == 5 && host_last >= host)
            maps[nmaps++] = (struct addr_map){ base, host, host_last };
    }
    if (nmaps == 0)
        fprintf(stderr, "rtsim: no RAM map in the log (a checked run under Valgrind prints "
                "\"rtsim: board ... RAM ... is host ...\" lines)\n");
    for (const char *p = text; *p; )
    {
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && (p == text || !isalnum((unsigned char)p[-1])))
        {
            char *end;
            unsigned long v = strtoul(p + 2, &end, 16);
            fwrite(p, 1, (size_t)(end - p), stdout);
            int is_map = strncmp(end, "..", 2) == 0 || (p >= text + 4 && strncmp(p - 4, "..", 2) == 0)
                         || (p >= text + 2 && strncmp(p - 2, "..", 2) == 0);
            for (int i = 0; i < nmaps && end > p + 2 && !is_map; i++)
                if (v >= maps[i].host && v <= maps[i].host_last)
                {
                    printf(" [board 0x%08lx]", maps[i].base + (v - maps[i].host));
                    break;
                }
            p = end > p + 2 ? end : p + 2;
            continue;
        }
        fputc(*p++, stdout);
    }
    free(text);
    return ferror(stdout) ? 1 : 0;
}

int rtsim_main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_demo(argc, argv);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
    {
        usage(stdout, -1);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0)
    {
        printf("rtsim 0.1.0 (RT-Thread %s semantics)\n", RTSIM_RT_VERSION_STRING);
        if (hm_model_notice)
            printf("%s\n", hm_model_notice);
        else
            printf("32-bit target model: the boards' numbers (%d-byte block headers)\n",
                   rtsim_smem_header_bytes());
        return 0;
    }
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc, argv);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "shell") == 0)
        return rtsim_cmd_shell(argc, argv);
    if (strcmp(cmd, "replay") == 0)
        return rtsim_cmd_replay(argc, argv);
    if (strcmp(cmd, "board") == 0)
        return cmd_board(argc, argv);
    if (strcmp(cmd, "addr") == 0)
        return cmd_addr(argc, argv);
    if (cmd[0] == '-')
        return rtsim_bad_usage(-1, "unknown option %s", cmd);
    return rtsim_bad_usage(-1, "unknown command %s", cmd);
}

/* rtsim-app's main() (app_main.c): a program that links its own RT-Thread
 * code with the command.  Without a command it boots into the shell, as a
 * board boots into msh, with the CPU model on (its code is built with
 * rtsim.pc's flags; a later --cpu-hz wins), and runs the application's own
 * main() (firmware_main, or NULL) in the main thread; `APP COMMAND ...` is
 * `rtsim COMMAND ...`. */
int rtsim_app_main(int argc, char **argv, int (*firmware_main)(void))
{
    rtsim_shell_firmware_main = firmware_main;
    const char *first = argc > 1 ? argv[1] : "";
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0)
    {
        printf("usage: %s [shell options]   the msh prompt with this program's MSH_CMD_EXPORT\n"
               "       %*s                   commands, its main() in the main thread (rtsim\n"
               "       %*s                   shell --cpu-hz board OPTIONS); the end of input\n"
               "       %*s                   ends the run\n"
               "       %s COMMAND ...       as rtsim COMMAND ...\n\n", argv[0],
               (int)strlen(argv[0]), "", (int)strlen(argv[0]), "", (int)strlen(argv[0]), "",
               argv[0]);
        usage(stdout, -1);
        return 0;
    }
    if (strcmp(first, "--version") != 0 && (argc < 2 || first[0] == '-'))
    {
        char **av = calloc((size_t)argc + 4, sizeof *av);
        if (!av)
            return 1;
        av[0] = argv[0];
        av[1] = "shell";
        av[2] = "--cpu-hz";
        av[3] = "board";
        for (int i = 1; i < argc; i++)
            av[i + 3] = argv[i];
        rtsim_shell_ends_run = 1;
        int rc = rtsim_cmd_shell(argc + 3, av);
        free(av);
        return rc;
    }
    return rtsim_main(argc, argv);
}
