/*
 * shell.c - `rtsim shell`: RT-Thread's msh prompt over a simulated board.
 *
 * The shell is a simulated thread, "tshell" at FINSH_THREAD_PRIORITY (20,
 * as RT-Thread's finsh) with FINSH_THREAD_STACK_SIZE (rtconfig.h), that
 * reads standard input one line at a time.  A line
 * whose first word is a registered command (help, free, list_thread, ...,
 * and anything an application registered with MSH_CMD_EXPORT) runs through
 * rt_msh_exec, except `free VAR`, the statement; any other line is a
 * scenario statement (docs/scenarios.md),
 * with `thread` and `irq` blocks read up to their `end`.  Reading stdin
 * holds the whole simulation still, as a console does: threads of lower
 * priority than the shell run only while it waits (`delay N`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    int errors;
    struct scn_stmt **keep;     /* parsed statements stay alive: threads run them */
    int nkeep, capkeep;
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

static void shell_thread(void *arg)
{
    struct shell_ctx *c = arg;
    char line[1024];
    int lineno = 0, more = 0;
    rt_show_version();
    for (;;)
    {
        fputs(more ? "...  " : "msh >", stdout);
        fflush(stdout);
        /* Waiting for the user is no hang: the watchdog looks away. */
        rt_sim_watchdog_pause(1);
        char *got = fgets(line, sizeof line, stdin);
        rt_sim_watchdog_pause(0);
        if (!got)
        {
            fputs("\n", stdout);
            break;
        }
        lineno++;
        if (c->echo)
            fputs(line, stdout);
        line[strcspn(line, "\r\n")] = '\0';
        char word[64];
        int wlen = first_word(line, word, sizeof word);
        if (!more && (strcmp(word, "exit") == 0 || strcmp(word, "quit") == 0))
            break;
        /* `free` is both RT-Thread's command and a statement: alone it is
         * the command, with a variable the statement. */
        const char *rest = line + strspn(line, " \t") + wlen;
        int bare = rest[strspn(rest, " \t")] == '\0';
        if (!more && word[0] && rt_msh_find(word) && (bare || !scn_is_keyword(word)))
        {
            rt_msh_exec(line);
            fflush(stdout);
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
    fflush(stdout);
}

static void shell_main(void *arg)
{
    scn_session_boot_step();
    rt_thread_t t = rt_thread_create("tshell", shell_thread, arg, FINSH_THREAD_STACK_SIZE,
                                     FINSH_THREAD_PRIORITY, 10);
    if (t)
        rt_thread_startup(t);
}

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
    c.echo = !isatty(0);
    scn_error_stream = stdout;
    if (scn_session_begin(&so))
        return 1;
    o.cfg.trace = scn_session_trace();
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
    if (run != RT_SIM_OK)
        return run == RT_SIM_ECONFIG ? 2 : 1;
    return failures || c.errors ? 1 : 0;
}
