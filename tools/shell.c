/*
 * shell.c - `rtsim shell`: RT-Thread's msh prompt over a simulated board.
 *
 * The shell is a simulated thread, "tshell" at FINSH_THREAD_PRIORITY (20,
 * as RT-Thread's finsh) with FINSH_THREAD_STACK_SIZE (rtconfig_sim.h), that
 * reads standard input one line at a time.  A line
 * whose first word is a registered command (help, free, list_thread, ...,
 * and anything an application registered with MSH_CMD_EXPORT) runs through
 * rt_msh_exec, except `free VAR`, the statement; any other line is a
 * scenario statement (docs/scenarios.md),
 * with `thread` and `irq` blocks read up to their `end`.  Reading stdin
 * holds the whole simulation still, as a console does: threads of lower
 * priority than the shell run only while it waits (`delay N`).
 *
 * On a terminal the line is read through libedit (when rtsim was built with
 * it): Emacs-style editing, history kept in a file across sessions (see
 * history_path), Tab completion of commands, statement keywords and the
 * session's names; Ctrl-C cancels the line, Ctrl-D on an empty line exits.
 * A first word that is neither a command nor a statement gets RT-Thread's
 * "NAME: command not found." (components/finsh/msh.c, msh_exec, 4.1) and
 * rtsim's own "did you mean" suggestion.  Input that is not a terminal
 * (scripts, the golden transcripts) is read and echoed as it always was.
 */
#define _GNU_SOURCE
#define RTSIM_HOST_SIGSET   /* sigaction below: the host's sigset_t (rtport_signal.h) */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef RTSIM_HAVE_LIBEDIT
#include <histedit.h>
#endif

#include <rtthread.h>
#include <rtsim.h>

#include "rtsim_cli.h"
#include "scenario.h"

/* An application command, registered the RT-Thread way. */
static int heapmap(int argc, char **argv)
{
    static char names[256];
    names[0] = '\0';
    for (int i = 1; i < argc; i++)
    {
        if (strlen(names) + strlen(argv[i]) + 2 >= sizeof names)
            break;
        if (names[0])
            strcat(names, " ");
        strcat(names, argv[i]);
    }
    struct scn_stmt s = { 0 };
    s.op = SCN_MAP;
    s.file = "msh";
    s.text = (char *)"heapmap";
    s.str = names[0] ? names : NULL;
    scn_exec(&s);
    return 0;
}
MSH_CMD_EXPORT(heapmap, print the heap map of every region heap and pool);

struct shell_ctx
{
    int echo;           /* echo input lines (stdin is not a terminal) */
    int interactive;    /* stdin is a terminal: editing, suggestions */
    int errors;
    int ends_run;       /* rtsim-app: the end of input (or exit) ends the run */
    struct scn_stmt **keep;     /* parsed statements stay alive: threads run them */
    int nkeep, capkeep;
#ifdef RTSIM_HAVE_LIBEDIT
    EditLine *el;
    History *hist;
    char hist_path[1024];
#endif
};

static void keep(struct shell_ctx *c, struct scn_stmt *s)
{
    if (c->nkeep == c->capkeep)
    {
        c->capkeep = c->capkeep ? 2 * c->capkeep : 32;
        c->keep = realloc(c->keep, (size_t)c->capkeep * sizeof *c->keep);
        if (!c->keep)
            exit(1);
    }
    c->keep[c->nkeep++] = s;
}

static int first_word(const char *line, char *word, size_t n)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t k = 0;
    while (line[k] && line[k] != ' ' && line[k] != '\t' && line[k] != '\n' && line[k] != '\r' &&
           k + 1 < n)
    {
        word[k] = line[k];
        k++;
    }
    word[k] = '\0';
    return (int)k;
}

/* ------------------------------------------------------------ Ctrl-C */

/* SIGINT cancels the line being read.  The signal may land on any host
 * thread of the simulation, and libedit prints the prompt before it
 * switches the terminal to raw mode, so a Ctrl-C may come while no read()
 * is waiting: the handler sets a flag and writes a byte to a pipe, which
 * the shell's character readers (read_key, read_tty_line) poll beside
 * standard input.  Only without that pipe is the signal passed on to the
 * shell's thread, to interrupt its poll(): passing it on as well as
 * writing the pipe delivered it twice, and under qemu-i386 the second
 * delivery could come after the next prompt and cancel a line the user
 * had not interrupted. */
static volatile sig_atomic_t interrupted;
static pthread_t reader;
static int sigpipe[2] = { -1, -1 };

static void on_sigint(int sig)
{
    interrupted = 1;
    if (sigpipe[1] >= 0)
    {
        int saved = errno;
        if (write(sigpipe[1], "", 1) < 0)
            errno = saved;
        errno = saved;
    }
    else if (!pthread_equal(pthread_self(), reader))
        pthread_kill(reader, sig);
}

static void drain_sigpipe(void)
{
    char buf[16];
    while (sigpipe[0] >= 0 && read(sigpipe[0], buf, sizeof buf) > 0)
        ;
}

/* Wait until standard input has a byte (or hung up) while watching for
 * Ctrl-C, for both character readers (read_tty_line, read_key).  Returns
 * 1 when input is ready, 0 when Ctrl-C came (`interrupted` set, or the
 * signal pipe had a byte: drained), -1 when poll fails. */
static int wait_input(void)
{
    for (;;)
    {
        if (interrupted)
            return 0;
        struct pollfd p[2] = { { 0, POLLIN, 0 }, { sigpipe[0], POLLIN, 0 } };
        int r = poll(p, sigpipe[0] >= 0 ? 2 : 1, -1);
        if (r < 0)
        {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (sigpipe[0] >= 0 && (p[1].revents & POLLIN))
        {
            drain_sigpipe();
            return 0;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
            return 1;
    }
}

/* One line from a terminal in its own (cooked) mode, byte by byte, while
 * watching for Ctrl-C.  Returns 0, 1 when Ctrl-C cancelled the line, -1
 * at the end of input. */
static int read_tty_line(char *line, size_t n)
{
    size_t k = 0;
    for (;;)
    {
        int w = wait_input();
        if (w == 0)
            return 1;
        if (w < 0)
            return -1;
        char ch;
        ssize_t got = read(0, &ch, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
        {
            line[k] = '\0';
            return k ? 0 : -1;
        }
        if (ch == '\n')
        {
            line[k] = '\0';
            return 0;
        }
        if (k + 1 < n)
            line[k++] = ch;
    }
}

/* ---------------------------------------------------------- help, typos */

static const char *const extra_words[] = { "exit", "quit", NULL };

static void print_help(void)
{
    rt_msh_exec("help");
    fputs("Scenario statements (docs/scenarios.md), one a line:\n"
          "  VAR = malloc SIZE [in HEAP] | calloc N SIZE | realloc VAR SIZE | mp_alloc POOL TICKS\n"
          "  free VAR, mp_free VAR, heap NAME ALGO SIZE|region R, pool NAME COUNT SIZE,\n"
          "  pool_delete NAME, sem NAME COUNT, mutex NAME, take NAME TICKS|forever, release NAME,\n"
          "  say \"TEXT\", board, map [NAME...], stats [NAME], headers HEAP [HEAP], check,\n"
          "  expect ..., delay TICKS, msh COMMAND, thread NAME prio N ... end, irq at TICK ... end\n"
          "exit             - leave the shell (also quit, or Ctrl-D)\n\n", stdout);
    fflush(stdout);
}

/* Optimal string alignment distance (a swap of two neighbours costs 1). */
static int distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return 99;
    int d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++)
        {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

struct best { const char *word; int dist; const char *typed; };

static void consider(struct best *b, const char *cand)
{
    int d = distance(b->typed, cand);
    if (d < b->dist)
    {
        b->dist = d;
        b->word = cand;
    }
}

/* The command, statement or `exit` closest to a typo, NULL if none is
 * close (at most a third of the word's letters differ, at least 1). */
static const char *suggest(const char *typed)
{
    struct best b = { NULL, 99, typed };
    for (struct finsh_syscall *c = rt_msh_first(); c; c = c->next)
        consider(&b, c->name);
    for (int i = 0; scn_keywords[i]; i++)
        consider(&b, scn_keywords[i]);
    for (int i = 0; extra_words[i]; i++)
        consider(&b, extra_words[i]);
    int limit = (int)strlen(typed) / 3;
    if (limit < 1)
        limit = 1;
    return b.dist <= limit ? b.word : NULL;
}

/* ------------------------------------------------------- line editing */

#ifdef RTSIM_HAVE_LIBEDIT
static const char *prompt_text = "msh >";

static char *prompt_fn(EditLine *el)
{
    (void)el;
    return (char *)prompt_text;
}

/* Where the history lives: $RTSIM_HISTORY, else $XDG_STATE_HOME/rtsim/
 * history when XDG_STATE_HOME is set (and that directory exists or can be
 * made), else ~/.rtsim_history. */
static void history_path(char *out, size_t n)
{
    const char *env = getenv("RTSIM_HISTORY");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    out[0] = '\0';
    if (env && *env)
        snprintf(out, n, "%s", env);
    else if (xdg && *xdg == '/')
    {
        char dir[900];
        snprintf(dir, sizeof dir, "%s/rtsim", xdg);
        if (mkdir(dir, 0700) == 0 || errno == EEXIST)
            snprintf(out, n, "%s/history", dir);
    }
    if (!out[0] && home && *home)
        snprintf(out, n, "%s/.rtsim_history", home);
}

/* Tab completion. */
struct cands
{
    const char *prefix;
    size_t plen;
    const char *list[256];
    int n;
};

static void cand_add(void *ctx, const char *w)
{
    struct cands *c = ctx;
    if (strncmp(w, c->prefix, c->plen) != 0 || c->n == 256)
        return;
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->list[i], w) == 0)
            return;
    c->list[c->n++] = w;
}

static int cand_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *const later_words[] = {
    "malloc", "calloc", "realloc", "mp_alloc", "in", "forever", "prio", "stack", "slice",
    "at", "NULL", "region", "smallmem", "smallmem-classic", "slab", "memheap", "tlsf",
    "heap", NULL
};

static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    const LineInfo *li = el_line(el);
    const char *start = li->cursor;
    while (start > li->buffer && !isspace((unsigned char)start[-1]))
        start--;
    const char *p = li->buffer;
    while (p < start && isspace((unsigned char)*p))
        p++;
    int first = p == start;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(li->cursor - start), start);
    struct cands c = { prefix, strlen(prefix), { 0 }, 0 };
    if (first)
    {
        for (struct finsh_syscall *f = rt_msh_first(); f; f = f->next)
            cand_add(&c, f->name);
        for (int i = 0; scn_keywords[i]; i++)
            cand_add(&c, scn_keywords[i]);
        for (int i = 0; extra_words[i]; i++)
            cand_add(&c, extra_words[i]);
    }
    else
        for (int i = 0; later_words[i]; i++)
            cand_add(&c, later_words[i]);
    scn_names(cand_add, &c);
    if (c.n == 0)
        return CC_REFRESH_BEEP;
    qsort(c.list, (size_t)c.n, sizeof c.list[0], cand_cmp);
    /* The longest common prefix of the candidates. */
    size_t common = strlen(c.list[0]);
    for (int i = 1; i < c.n; i++)
    {
        size_t k = 0;
        while (k < common && c.list[i][k] == c.list[0][k])
            k++;
        common = k;
    }
    if (c.n == 1)
    {
        char ins[160];
        snprintf(ins, sizeof ins, "%s ", c.list[0] + c.plen);
        el_insertstr(el, ins);
        return CC_REFRESH;
    }
    if (common > c.plen)
    {
        char ins[160];
        snprintf(ins, sizeof ins, "%.*s", (int)(common - c.plen), c.list[0] + c.plen);
        el_insertstr(el, ins);
        return CC_REFRESH;
    }
    fputc('\n', stdout);
    for (int i = 0; i < c.n; i++)
        printf("%s%s", c.list[i], i + 1 < c.n ? "  " : "\n");
    fflush(stdout);
    return CC_REDISPLAY;
}

/* libedit's character reader: one byte of standard input (the scenario
 * language is ASCII), or -1 when Ctrl-C came (see on_sigint). */
static int read_key(EditLine *el, wchar_t *wc)
{
    for (;;)
    {
        int w = wait_input();
        if (w == 0)
            interrupted = 1;    /* it may have come through the pipe alone */
        if (w <= 0)
            return -1;
        unsigned char ch;
        ssize_t n = read(0, &ch, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? 0 : -1;
        if (ch == '\0')
        {
            /* libedit prints the prompt before it switches the
             * terminal to raw mode (el_wgetc calls tty_rawmode).  A
             * Ctrl-D typed in that instant meets the cooked line
             * discipline, which queues it as an end-of-file marker;
             * once raw mode is on, Linux's n_tty hands the marker
             * out as a NUL byte.  On an empty line that NUL is the
             * user's Ctrl-D: give libedit its Ctrl-D.  (A NUL on a
             * line with text stays Ctrl-@, libedit's set-mark.) */
            const LineInfo *li = el_line(el);
            if (li && li->lastchar == li->buffer)
                ch = 0x04;
        }
        *wc = (wchar_t)ch;
        return 1;
    }
}

static void editor_open(struct shell_ctx *c)
{
    c->el = el_init("rtsim", stdin, stdout, stderr);
    c->hist = history_init();
    if (!c->el || !c->hist)
    {
        if (c->el)
            el_end(c->el);
        if (c->hist)
            history_end(c->hist);
        c->el = NULL;
        c->hist = NULL;
        return;
    }
    HistEvent ev;
    history(c->hist, &ev, H_SETSIZE, 1000);
    history(c->hist, &ev, H_SETUNIQUE, 1);
    history_path(c->hist_path, sizeof c->hist_path);
    if (c->hist_path[0])
        history(c->hist, &ev, H_LOAD, c->hist_path);
    el_set(c->el, EL_EDITOR, "emacs");
    el_set(c->el, EL_PROMPT, prompt_fn);
    el_set(c->el, EL_HIST, history, c->hist);
    el_set(c->el, EL_GETCFN, read_key);
    /* The wide form: el_set's narrow one copies the two strings and never
     * frees them (libedit 3.1), which LeakSanitizer reports. */
    el_wset(c->el, EL_ADDFN, L"rtsim-complete", L"complete a command, statement or name",
            complete);
    el_set(c->el, EL_BIND, "^I", "rtsim-complete", NULL);
    el_source(c->el, NULL);     /* the user's ~/.editrc, as other libedit programs */
}

static void editor_close(struct shell_ctx *c)
{
    if (!c->el)
        return;
    el_end(c->el);
    history_end(c->hist);
    c->el = NULL;
}

static void remember(struct shell_ctx *c, const char *line)
{
    if (!c->hist || !line[strspn(line, " \t")])
        return;
    HistEvent ev;
    history(c->hist, &ev, H_ENTER, line);
    if (c->hist_path[0])
        history(c->hist, &ev, H_SAVE, c->hist_path);
}
#endif

/* Read one line into `line` (without its newline).  Returns 0, 1 when
 * Ctrl-C cancelled it, -1 at the end of input. */
static int read_line(struct shell_ctx *c, const char *prompt, char *line, size_t n)
{
#ifdef RTSIM_HAVE_LIBEDIT
    if (c->el)
    {
        prompt_text = prompt;
        /* A Ctrl-C typed while the last line ran is dropped with it. */
        drain_sigpipe();
        interrupted = 0;
        int count = 0;
        const char *got = el_gets(c->el, &count);
        if (interrupted)
        {
            /* Ctrl-C: the line is dropped, as in a shell. */
            fputs("^C\n", stdout);
            fflush(stdout);
            el_reset(c->el);
            return 1;
        }
        if (!got || count <= 0)
            return -1;
        snprintf(line, n, "%s", got);
        line[strcspn(line, "\r\n")] = '\0';
        remember(c, line);
        return 0;
    }
#endif
    if (c->interactive)
    {
        /* A Ctrl-C typed while the last line ran is dropped with it. */
        drain_sigpipe();
        interrupted = 0;
    }
    fputs(prompt, stdout);
    fflush(stdout);
    if (c->interactive)
    {
        /* A terminal without libedit: its own line discipline edits. */
        int r = read_tty_line(line, n);
        if (r > 0)
        {
            fputs("^C\n", stdout);
            fflush(stdout);
        }
        return r;
    }
    if (!fgets(line, (int)n, stdin))
        return -1;
    if (c->echo)
        fputs(line, stdout);
    line[strcspn(line, "\r\n")] = '\0';
    return 0;
}

static void shell_thread(void *arg)
{
    struct shell_ctx *c = arg;
    char line[1024];
    int lineno = 0, more = 0;
    reader = pthread_self();
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;      /* no SA_RESTART: the read is interrupted */
    sigemptyset(&sa.sa_mask);
    if (c->interactive)
    {
        if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) != 0)
            sigpipe[0] = sigpipe[1] = -1;
        sigaction(SIGINT, &sa, &old);
    }
#ifdef RTSIM_HAVE_LIBEDIT
    if (c->interactive)
        editor_open(c);
#endif
    for (;;)
    {
        /* Waiting for the user is no hang: the watchdog looks away. */
        rt_sim_watchdog_pause(1);
        int r = read_line(c, more ? "...  " : "msh >", line, sizeof line);
        rt_sim_watchdog_pause(0);
        if (r < 0)
        {
            fputs("\n", stdout);
            break;
        }
        if (r > 0)
        {
            while (more)    /* drop the open thread/irq blocks too */
            {
                struct scn_stmt *dropped = NULL;
                if (scn_parse_lines("<stdin>", lineno, "end", &dropped, &more))
                    more = 0;
                scn_free_stmts(dropped);
            }
            continue;
        }
        lineno++;
        char word[64];
        int wlen = first_word(line, word, sizeof word);
        if (!more && (strcmp(word, "exit") == 0 || strcmp(word, "quit") == 0))
            break;
        /* `free` is both RT-Thread's command and a statement: alone it is
         * the command, with a variable the statement. */
        const char *rest = line + strspn(line, " \t") + wlen;
        int bare = rest[strspn(rest, " \t")] == '\0';
        if (!more && strcmp(word, "help") == 0 && bare)
        {
            print_help();
            continue;
        }
        if (!more && word[0] && rt_msh_find(word) && (bare || !scn_is_keyword(word)))
        {
            rt_msh_exec(line);
            fflush(stdout);
            continue;
        }
        /* On a terminal, a first word that is no command, no statement and
         * no `VAR =` is a mistyped command. */
        if (c->interactive && !more && word[0] && !scn_is_keyword(word) &&
            rest[strspn(rest, " \t")] != '=' && isalpha((unsigned char)word[0]))
        {
            rt_msh_exec(word);      /* RT-Thread's "NAME: command not found." */
            const char *near = suggest(word);
            if (near)
                printf("did you mean \"%s\"?\n", near);
            fflush(stdout);
            c->errors++;
            continue;
        }
        struct scn_stmt *first = NULL;
        if (scn_parse_lines("<stdin>", lineno, line, &first, &more))
        {
            c->errors++;
            fflush(stderr);
            continue;
        }
        if (first)
        {
            keep(c, first);
            scn_exec(first);
        }
    }
#ifdef RTSIM_HAVE_LIBEDIT
    editor_close(c);
#endif
    if (c->interactive)
    {
        sigaction(SIGINT, &old, NULL);
        if (sigpipe[0] >= 0)
        {
            close(sigpipe[0]);
            close(sigpipe[1]);
        }
        sigpipe[0] = sigpipe[1] = -1;
    }
    fflush(stdout);
    if (c->ends_run)
        rt_sim_stop(0);
}

/* rtsim-app: the application's own main() (app_main.c), or NULL. */
int (*rtsim_shell_firmware_main)(void);

static void shell_main(void *arg)
{
    rt_show_version();      /* RT-Thread: rtthread_startup, before any thread */
    scn_session_boot_step();
    rt_thread_t t = rt_thread_create("tshell", shell_thread, arg, FINSH_THREAD_STACK_SIZE,
                                     FINSH_THREAD_PRIORITY, 10);
    if (t)
        rt_thread_startup(t);
    /* As on a board: finsh's thread is made during the components' init,
     * then the main thread (RT_MAIN_THREAD_PRIORITY, above the shell) runs
     * the application's main(); the shell runs whenever main waits. */
    if (rtsim_shell_firmware_main)
        rtsim_shell_firmware_main();
}

/* Set by rtsim-app (rtsim.c rtsim_app_main): its shell is the program's
 * console, so the end of input (Ctrl-D, exit, the end of a piped script)
 * ends the run, threads still running or not, with status 0.  The rtsim
 * command's shell leaves its scenario threads to finish. */
int rtsim_shell_ends_run;

int rtsim_cmd_shell(int argc, char **argv)
{
    struct rtsim_options o;
    int rc = rtsim_parse_options(RTSIM_CMD_SHELL, argc, argv, 2, &o);
    if (rc)
        return rc == 3 ? 0 : rc;
    struct scn_options so;
    if (rtsim_open_outputs(&o, &so, "rtsim shell"))
        return 1;
    struct shell_ctx c = { 0 };
    c.interactive = isatty(0);
    c.echo = !c.interactive;
    c.ends_run = rtsim_shell_ends_run;
    scn_error_stream = stdout;
    if (scn_session_begin(&so))
        return 1;
    o.cfg.trace = scn_session_trace();
    o.cfg.on_memory_error = scn_where_memory_error;
    int run = rt_sim_run(&o.cfg, shell_main, &c);
    fflush(stdout);
    int failures = scn_session_end();
    if (rtsim_close_outputs(&o) != 0)
        failures++;
    for (int i = 0; i < c.nkeep; i++)
        scn_free_stmts(c.keep[i]);
    free(c.keep);
    if (run == RT_SIM_ETICKLIMIT && o.ticks_set)
        run = RT_SIM_OK;     /* --ticks: a normal end */
    if (run == RT_SIM_ESTOPPED && c.ends_run)
        run = RT_SIM_OK;     /* rtsim-app: the input ended */
    if (run != RT_SIM_OK)
        return run == RT_SIM_ECONFIG ? 2 : 1;
    return failures || c.errors ? 1 : 0;
}
