/*
 * scenario.h - the scenario language of `rtsim run`, `rtsim demo` and
 * `rtsim shell` (docs/scenarios.md is the user's guide).
 *
 * A scenario is parsed completely before anything runs (scn_parse), so a
 * mistake anywhere is reported with file:line:column before the first
 * allocation.  The parsed program is a tree of statements: the top level
 * runs in the thread "main"; `thread ... end` and `irq at ... end` carry
 * bodies.  scn_exec runs a list of statements in the calling simulated
 * thread (or interrupt handler).
 */
#ifndef RTSIM_SCENARIO_H__
#define RTSIM_SCENARIO_H__

#include <stdio.h>
#include <rtsim.h>

enum scn_op
{
    SCN_SAY,        /* say "text" */
    SCN_BOARD,      /* board: print the RAM map */
    SCN_MAP,        /* map [HEAP...] */
    SCN_STATS,      /* stats [HEAP] */
    SCN_HEADERS,    /* headers HEAP */
    SCN_MALLOC,     /* VAR = malloc SIZE [in HEAP] */
    SCN_CALLOC,     /* VAR = calloc COUNT SIZE */
    SCN_REALLOC,    /* VAR = realloc VAR SIZE */
    SCN_FREE,       /* free VAR */
    SCN_HEAP,       /* heap NAME ALGO SIZE | heap NAME ALGO region REGION */
    SCN_POOL,       /* pool NAME COUNT SIZE */
    SCN_POOL_DELETE,/* pool_delete NAME */
    SCN_MP_ALLOC,   /* VAR = mp_alloc POOL TIMEOUT|forever */
    SCN_MP_FREE,    /* mp_free VAR */
    SCN_DELAY,      /* delay TICKS */
    SCN_THREAD,     /* thread NAME prio N [stack N] [slice N] ... end */
    SCN_IRQ,        /* irq at TICK ... end */
    SCN_MSH,        /* msh COMMAND LINE */
    SCN_CHECK,      /* check */
    SCN_EXPECT,     /* expect ... */
    SCN_SEM,        /* sem NAME COUNT */
    SCN_MUTEX,      /* mutex NAME */
    SCN_TAKE,       /* take NAME TICKS|forever */
    SCN_RELEASE,    /* release NAME */
    SCN_MAILBOX,    /* mailbox NAME SIZE [fifo|prio] */
    SCN_MQUEUE,     /* mqueue NAME MSG_SIZE MAX_MSGS [fifo|prio] */
    SCN_MB_SEND,    /* mb_send NAME VAR|NUMBER [TICKS|forever] */
    SCN_MB_URGENT,  /* mb_urgent NAME VAR|NUMBER */
    SCN_MB_RECV,    /* VAR = mb_recv NAME TICKS|forever */
    SCN_MB_DELETE,  /* mb_delete NAME */
    SCN_MQ_SEND,    /* mq_send NAME VAR|NUMBER [TICKS|forever] */
    SCN_MQ_URGENT,  /* mq_urgent NAME VAR|NUMBER */
    SCN_MQ_RECV,    /* VAR = mq_recv NAME TICKS|forever */
    SCN_MQ_DELETE,  /* mq_delete NAME */
};

enum scn_expect_kind
{
    SCN_EXP_NULL,       /* VAR == NULL / VAR != NULL */
    SCN_EXP_SAME,       /* VAR == VAR / VAR != VAR */
    SCN_EXP_ADDR,       /* VAR == 0x20001000 (target address) */
    SCN_EXP_QUANTITY,   /* [HEAP.]QUANTITY OP NUMBER */
    SCN_EXP_OUTCOME,    /* the run ends in a deadlock / a failed assertion */
};

enum scn_cmp { SCN_EQ, SCN_NE, SCN_LT, SCN_LE, SCN_GT, SCN_GE };

/* flag bits of mb_send / mq_send / *_recv */
#define SCN_MSG_WAIT     1  /* a timeout was given (num[1] ticks) */
#define SCN_MSG_FOREVER  2  /* ... and it is "forever" */

struct scn_stmt
{
    enum scn_op op;
    const char *file;
    int line;
    int col;                /* 1-based column where the statement starts */
    char *text;             /* the statement as written (echoed when run) */
    char *var;              /* target variable (VAR = ...) */
    char *name;             /* heap / pool / thread / variable operand */
    char *name2;            /* second name: region, algorithm, VAR of expect */
    char *str;              /* say text, msh command line, set value */
    long num[3];            /* sizes, counts, priority, ticks ... */
    int flag;               /* expect: kind; mp_alloc: forever; heap: region;
                               mailbox/mqueue: prio; *_send: SCN_MSG_* bits */
    enum scn_cmp cmp;
    struct scn_stmt *body;  /* thread / irq body */
    struct scn_stmt *next;
};

struct scn_program
{
    struct scn_stmt *first;
    /* `set` values (NULL / -1 = not set). */
    const char *board;
    const char *heap;
    long seed;
    int wake_fifo;          /* -1 unset, 0 lifo, 1 fifo */
    long tick_limit;
    int expect_outcome;     /* RT_SIM_* code the run must end with (0 = OK) */
};

/* Parse `text` (the contents of `file`).  Returns 0, or -1 after printing
 * "FILE:LINE:COL: error: ..." to stderr.  Strings in the program are owned
 * by it (scn_free). */
int scn_parse(const char *file, const char *text, struct scn_program *prog);
/* Parse one more chunk into a program (the shell: line by line).  `more`
 * is set when a `thread`/`irq` block is still open and more lines are
 * needed; the statements parsed are returned through *first. */
int scn_parse_lines(const char *file, int first_line, const char *text,
                    struct scn_stmt **first, int *more);
void scn_free_stmts(struct scn_stmt *s);
/* Is `word` a statement's first word (say, free, map, ...)? */
int scn_is_keyword(const char *word);
/* Where parse errors go (NULL = stderr; the shell shows them on stdout). */
extern FILE *scn_error_stream;
/* The statement keywords, NULL-terminated (the shell's Tab completion). */
extern const char *const scn_keywords[];
void scn_free(struct scn_program *prog);

/* ------------------------------------------------------------ running */

/* Options of one run (shared by run, demo and shell). */
struct scn_options
{
    int map;                /* --map: text map after every memory step */
    FILE *trace;            /* --trace FILE (NULL = none) */
    const char *svg_path;   /* --svg FILE */
    const char *html_path;  /* --html FILE */
    const char *title;      /* caption of the pictures */
    int ticks_end_ok;       /* --ticks / RTSIM_TICKS: reaching the limit is a normal end */
    const char *file;       /* the scenario's file name (results for CI) */
};

/* Run a parsed program with rt_sim_run (settings of `cfg`, refined by the
 * program's `set` lines unless `keep_cfg` has them from the command line).
 * Returns the process exit status: 0 every expectation held and the run
 * ended as expected, 1 otherwise (details on stderr). */
int scn_run(struct scn_program *prog, struct rt_sim_config *cfg,
            const struct scn_options *opt);

/* The state scn_exec works on, for the shell's own run: begin before
 * rt_sim_run (and give the run scn_session_trace() as cfg.trace: owners of
 * blocks are read from the trace), boot_step first thing in the run (the
 * map right after boot), end after rt_sim_run (writes the pictures). */
int  scn_session_begin(const struct scn_options *opt);
FILE *scn_session_trace(void);
void scn_session_boot_step(void);
int  scn_session_end(void);     /* returns the number of failures */
/* Execute statements in the current simulated thread (or handler). */
void scn_exec(struct scn_stmt *s);
/* Expectations that failed so far in this run. */
int  scn_failures(void);
/* The session's variable, heap/pool and semaphore/mutex names, one call
 * each (the shell's Tab completion; call from the shell's thread). */
void scn_names(void (*fn)(void *ctx, const char *name), void *ctx);
/* Name the statement the current thread (or interrupt handler) is running
 * as "FILE:LINE:COL: error: WHAT" plus the statement, on `out`; nothing
 * when it runs none.  Used when the kernel stops the run (an RT_ASSERT, a
 * memory error) inside a statement. */
void scn_where(FILE *out, const char *what);
/* An rt_sim_config.on_memory_error that names the statement (scn_run and
 * the shell install it). */
void scn_where_memory_error(void);

/* Results of `rtsim run` for CI (--junit / --tap): one case per `expect`
 * plus one for the run's own outcome. */
struct scn_case
{
    char *name;             /* "FILE:LINE: expect ..." or "run FILE" */
    char *failure;          /* NULL = passed */
};
struct scn_results
{
    struct scn_case *cases;
    int n, cap;
};
/* Collect into `r` during scn_run (NULL = stop collecting). */
void scn_collect(struct scn_results *r);

#endif
