/* rtsim_cli.h - what the command-line files share (tools/ only). */
#ifndef RTSIM_CLI_H__
#define RTSIM_CLI_H__

#include <stdio.h>
#include <rtsim.h>
#include "scenario.h"

/* The options every command takes (rtsim.c parses them). */
struct rtsim_options
{
    struct rt_sim_config cfg;
    const char *board, *heap;   /* as given on the command line (NULL = not given) */
    int seed_set;
    int ticks_set;              /* --ticks N (or RTSIM_TICKS) given */
    int check;                  /* --check[=LEVEL] / --no-check: cfg.checked; -1 not given */
    int map, list;
    const char *trace_path, *svg_path, *html_path;
    const char *junit_path;     /* run: --junit FILE */
    int tap;                    /* run: --tap */
    FILE *trace;
    const char *rest;           /* the positional argument */
};

/* A scenario compiled into the binary (tools/scenarios/NAME.rts). */
struct rtsim_scenario
{
    const char *name;
    const char *title;          /* from the file's "# demo: TITLE" line */
    int demo;                   /* listed by `rtsim demo` */
    const char *text;
};
extern const struct rtsim_scenario rtsim_scenarios[];   /* ends with name NULL */

/* Which command's usage a message shows (-1: all of them). */
enum { RTSIM_CMD_DEMO, RTSIM_CMD_RUN, RTSIM_CMD_SHELL, RTSIM_CMD_REPLAY };

int rtsim_bad_usage(int which, const char *fmt, const char *arg);
int rtsim_parse_options(int which, int argc, char **argv, int i, struct rtsim_options *o);
int rtsim_open_outputs(struct rtsim_options *o, struct scn_options *so, const char *title);
/* Close the trace; nonzero (reported) when it could not be written. */
int  rtsim_close_outputs(struct rtsim_options *o);
char *rtsim_read_file(const char *path);
char *rtsim_read_stream(FILE *f, const char *what);
int rtsim_run_text(const char *file, const char *text, struct rtsim_options *o,
                   const char *title);

int rtsim_cmd_shell(int argc, char **argv);
/* The command (main.c) and rtsim-app's main() (app_main.c). */
int rtsim_main(int argc, char **argv);
int rtsim_app_main(int argc, char **argv, int (*firmware_main)(void));
extern int rtsim_shell_ends_run;                 /* shell.c */
extern int (*rtsim_shell_firmware_main)(void);   /* shell.c */
int rtsim_cmd_replay(int argc, char **argv);

#endif
