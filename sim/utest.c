/*
 * utest.c - RT-Thread's utest framework on the simulator: the assertion
 * functions behind utest_assert.h, the list of registered test cases, and
 * the runner that gives every case its own freshly booted kernel.
 *
 * One case, one run:
 *
 *   host thread (rt_sim_utest_run)        simulated thread "main"
 *   ------------------------------        -----------------------------------
 *   cfg.tick_limit = timeout
 *   rt_sim_run(cfg, case_main) ───────►   "(name) started"
 *                                         init() ─► tc() ─► cleanup()
 *                                         "PASSED" / "FAILED", "(name) finished"
 *                                         ... remaining threads run to the end
 *   rc = RT_SIM_OK or why it stopped ◄──  (deadlock, RT_ASSERT, time limit)
 *   verdict: failed if an assertion failed, init/cleanup failed or rc != 0
 *
 * Every line goes to the console of the run (cfg.console, else stdout):
 * inside a run through rt_hw_console_output, exactly where rt_kprintf
 * output goes, so the case's own output and the log lines interleave as
 * they would on a board; between runs directly.  The counters below are
 * touched only by the simulated thread holding the CPU, or by the host
 * thread while no run is in progress, never by both at once.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rthw.h>
#include <rtthread.h>
#include "rtsim.h"
#include "utest.h"
#include "sim.h"

/* ----------------------------------------------------------- state */
static struct utest_tc_node *tc_head;          /* registration order */
static struct utest local_utest;               /* the running unit */
static rt_uint8_t log_level = UTEST_LOG_ALL;
static unsigned long case_assert_failures;     /* whole case, all units */
static char case_asserts[2048];                /* their lines, for case_result */

/* Where lines go between runs (the runner's cfg.console). */
static void (*idle_console)(void *ctx, const char *text);
static void *idle_console_ctx;

/* ------------------------------------------------------------ output */
static void ut_idle_out(const char *text)
{
    sim_console_track(text);
    if (idle_console)
        idle_console(idle_console_ctx, text);
    else
        fputs(text, stdout);
}

static void ut_out(const char *text)
{
    if (rt_sim_running())
        sim_console_untimed(text);     /* the harness's lines take no UART time */
    else
        ut_idle_out(text);
}

/* One log line "[<letter>/utest] <message>\n", as RT-Thread's utest.c
 * prints through rtdbg.h.  Formatted on the host, so no length limit. */
__attribute__((format(printf, 2, 3)))
static void ut_line(char letter, const char *fmt, ...)
{
    char small[512];
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *msg = small;
    if ((size_t)n >= sizeof small)
    {
        msg = malloc((size_t)n + 1);
        if (!msg)
            return;
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    char head[16];
    /* A run that stopped in the middle of a print (its tick limit reached
     * while the UART sent it) left a line open: the verdict gets its own. */
    if (!rt_sim_running() && sim_console_mid_line())
        ut_out("\n");
    snprintf(head, sizeof head, "[%c/utest] ", letter);
    ut_out(head);
    ut_out(msg);
    ut_out("\n");
    if (msg != small)
        free(msg);
    /* A case that crashes the host process (a NULL dereference after a
     * failed allocation) must not take its log lines with it. */
    fflush(stdout);
}

/* ------------------------------------------------------ registration */
void utest_tc_register(struct utest_tc_node *node)
{
    struct utest_tc_node **pp = &tc_head;
    while (*pp)
    {
        if (*pp == node)
            return;
        pp = &(*pp)->next;
    }
    node->next = RT_NULL;
    *pp = node;
}

const struct utest_tc_node *utest_tc_first(void)
{
    return tc_head;
}

/* -------------------------------------------------------- assertions */
void utest_log_lv_set(rt_uint8_t lv)
{
    if (lv == UTEST_LOG_ALL || lv == UTEST_LOG_ASSERT)
        log_level = lv;
}

utest_t utest_handle_get(void)
{
    return &local_utest;
}

void utest_unit_run(test_unit_func func, const char *unit_func_name)
{
    ut_line('I', "[==========] utest unit name: (%s)", unit_func_name);
    local_utest.error = UTEST_PASSED;
    local_utest.passed_num = 0;
    local_utest.failed_num = 0;
    if (func != RT_NULL)
        func();
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *bslash = strrchr(path, '\\');
    if (bslash && (!slash || bslash > slash))
        slash = bslash;
    return slash && slash[1] ? slash + 1 : path;
}

rt_bool_t utest_assert(int value, const char *file, int line, const char *func,
                       const char *msg)
{
    if (!value)
    {
        local_utest.error = UTEST_FAILED;
        local_utest.failed_num++;
        case_assert_failures++;
        ut_line('E', "[  ASSERT  ] [ unit     ] at (%s); func: (%s:%d); msg: (%s)",
                base_name(file), func, line, msg);
        size_t n = strlen(case_asserts);
        snprintf(case_asserts + n, sizeof case_asserts - n, "%s:%d: %s: %s\n", file, line,
                 func, msg);
        return RT_FALSE;
    }
    if (log_level == UTEST_LOG_ALL)
        ut_line('D', "[    OK    ] [ unit     ] (%s:%d) is passed", func, line);
    local_utest.error = UTEST_PASSED;
    local_utest.passed_num++;
    return RT_TRUE;
}

void utest_assert_string(const char *a, const char *b, rt_bool_t equal,
                         const char *file, int line, const char *func, const char *msg)
{
    int ok = a != RT_NULL && b != RT_NULL && (strcmp(a, b) == 0) == (equal != RT_FALSE);
    if (!utest_assert(ok, file, line, func, msg))
        ut_line('E', "[  ASSERT  ] [ unit     ] str-a: (%s); str-b: (%s)",
                a ? a : "(null)", b ? b : "(null)");
}

void utest_assert_buf(const char *a, const char *b, rt_size_t sz, rt_bool_t equal,
                      const char *file, int line, const char *func, const char *msg)
{
    int ok = a != RT_NULL && b != RT_NULL && (memcmp(a, b, sz) == 0) == (equal != RT_FALSE);
    utest_assert(ok, file, line, func, msg);
}

/* -------------------------------------------------- running one case */
/* What happened to one case, filled in by case_body inside the run. */
struct case_run
{
    const struct utest_tc_export *tc;
    int started;        /* the "started" line was printed */
    const char *failed; /* why the case failed, NULL when it did not */
    int finished;       /* the "finished" line was printed */
};

/* RT-Thread's utest_do_run, for one case, in the calling thread. */
static void case_body(struct case_run *r)
{
    const struct utest_tc_export *tc = r->tc;

    local_utest.error = UTEST_PASSED;
    local_utest.passed_num = 0;
    local_utest.failed_num = 0;
    case_assert_failures = 0;
    case_asserts[0] = '\0';

    ut_line('I', "[----------] [ testcase ] (%s) started", tc->name);
    r->started = 1;
    if (tc->init != RT_NULL && tc->init() != RT_EOK)
    {
        ut_line('E', "[  FAILED  ] [ result   ] testcase init (%s)", tc->name);
        r->failed = "init did not return RT_EOK";
        goto finished;
    }
    if (tc->tc != RT_NULL)
    {
        tc->tc();
        /* RT-Thread judges by the last unit run (UTEST_UNIT_RUN stops at
         * the first failing unit); an assertion failed anywhere in the
         * case (a helper thread, a unit run without the macro) counts too. */
        if (local_utest.failed_num == 0 && case_assert_failures == 0)
        {
            ut_line('I', "[  PASSED  ] [ result   ] testcase (%s)", tc->name);
        }
        else
        {
            ut_line('E', "[  FAILED  ] [ result   ] testcase (%s)", tc->name);
            r->failed = "an assertion failed";
        }
    }
    else
    {
        ut_line('E', "[  FAILED  ] [ result   ] testcase (%s)", tc->name);
        r->failed = "no case function";
    }
    if (tc->cleanup != RT_NULL && tc->cleanup() != RT_EOK)
    {
        ut_line('E', "[  FAILED  ] [ result   ] testcase cleanup (%s)", tc->name);
        if (!r->failed)
            r->failed = "cleanup did not return RT_EOK";
    }
finished:
    ut_line('I', "[----------] [ testcase ] (%s) finished", tc->name);
    r->finished = 1;
}

static void case_main(void *arg)
{
    /* RT-Thread runs a case in the thread "utest" (utest_thread_create:
     * UTEST_THR_PRIORITY) or in tshell (FINSH_THREAD_PRIORITY), both 20:
     * cases place their threads relative to it (UTEST_THR_PRIORITY - 1). */
    rt_thread_t self = rt_thread_self();
    rt_uint8_t prio = UTEST_THR_PRIORITY;
    rt_thread_control(self, RT_THREAD_CTRL_CHANGE_PRIORITY, &prio);
    self->init_priority = prio;     /* the 5.x mutex recompute starts from it */
    case_body(arg);
}

static const char *run_result_words(int rc)
{
    switch (rc)
    {
    case RT_SIM_EDEADLOCK:  return "deadlock: a cycle of threads each waiting for a mutex another holds";
    case RT_SIM_EWAITING:   return "threads were left waiting forever for something no one will give";
    case RT_SIM_EASSERT:    return "an RT_ASSERT or a context check failed";
    case RT_SIM_EMEMORY:    return "a memory error was detected";
    case RT_SIM_ELEAK:      return "memory was leaked";
    case RT_SIM_ETICKLIMIT: return "timeout: virtual time passed the case's limit";
    case RT_SIM_ECONFIG:    return "bad board or heap, or the case was compiled with another configuration than rtsim";
    case RT_SIM_ESTOPPED:   return "the program stopped the run";
    default:                return "the run failed";
    }
}

static int name_selected(const char *name, const char *const *patterns, int npatterns)
{
    if (npatterns == 0)
        return 1;
    for (int i = 0; i < npatterns; i++)
    {
        if (fnmatch(patterns[i], name, 0) == 0)
            return 1;
    }
    return 0;
}

/* Run one case in a fresh kernel; returns 1 when it failed. */
static int run_one(const struct rt_sim_utest_options *opt,
                   const struct utest_tc_node *node, char *why, size_t why_size)
{
    const struct utest_tc_export *tc = node->tc;
    struct rt_sim_config cfg = opt->cfg;
    struct case_run r;

    memset(&r, 0, sizeof r);
    r.tc = tc;
    if (cfg.tick_limit == 0 && opt->timeout_scale > 0 && tc->run_timeout > 0)
    {
        /* The case may use its whole timeout: tick `ticks` itself is
         * still allowed, the run stops when the clock reaches ticks + 1. */
        unsigned long long ticks = (unsigned long long)tc->run_timeout * opt->timeout_scale
                                   * RT_TICK_PER_SECOND;
        cfg.tick_limit = ticks >= RT_TICK_MAX - 1 ? RT_TICK_MAX - 1 : (rt_tick_t)ticks + 1;
    }

    if (opt->case_starts)
        opt->case_starts(opt->hook_ctx, tc->name);
    /* Checked with the view of the file that registered the case. */
    int rc = rt_sim_run_checked(&cfg, case_main, &r, node->knobs);
    if (opt->case_ends)
        opt->case_ends(opt->hook_ctx, tc->name);

    why[0] = '\0';
    /* rtsim: a case whose function and cleanup returned, leaving threads it
     * started blocked for good (suspended and never resumed, waiting on
     * something no one gives), is judged by its own verdict, as on a
     * board, where those threads stay blocked and the next case runs
     * (RT-Thread 5.1's sched_thread_tc.c leaves one suspended).  A warning
     * says so; the waiting-forever report is on stderr as ever. */
    if (rc == RT_SIM_EWAITING && r.finished)
    {
        ut_line('W', "[ WARNING  ] [ result   ] testcase (%s): threads it started are left "
                "blocked for good after it finished (a board leaves them so; see the report "
                "on stderr)", tc->name);
        rc = RT_SIM_OK;
    }
    if (rc != RT_SIM_OK)
    {
        snprintf(why, why_size, "%s (rt_sim_run returned %d)", run_result_words(rc), rc);
        if (!r.started)
            ut_line('I', "[----------] [ testcase ] (%s) started", tc->name);
        ut_line('E', "[  FAILED  ] [ result   ] testcase (%s): %s", tc->name, why);
        if (!r.finished)
            ut_line('I', "[----------] [ testcase ] (%s) finished", tc->name);
        return 1;
    }
    if (r.failed)
    {
        snprintf(why, why_size, "%s (%lu failed assertion%s)", r.failed,
                 case_assert_failures, case_assert_failures == 1 ? "" : "s");
        return 1;
    }
    if (case_assert_failures != 0)
    {
        /* Made after the verdict: in cleanup or a thread still running. */
        snprintf(why, why_size, "%lu assertion(s) failed after the case function returned",
                 case_assert_failures);
        ut_line('E', "[  FAILED  ] [ result   ] testcase (%s): %s", tc->name, why);
        return 1;
    }
    return 0;
}

void rt_sim_utest_options_init(struct rt_sim_utest_options *opt)
{
    memset(opt, 0, sizeof *opt);
    rt_sim_config_init(&opt->cfg);
    opt->cfg.board = "stm32f429-disco";
    opt->timeout_scale = 1;
    opt->log_level = UTEST_LOG_ALL;
}

struct failure
{
    const char *name;
    char why[160];
};

int rt_sim_utest_run(const struct rt_sim_utest_options *opt, struct rt_sim_utest_result *res)
{
    struct rt_sim_utest_result local;
    struct failure *failures = NULL;
    unsigned registered = 0;

    if (!res)
        res = &local;
    memset(res, 0, sizeof *res);
    for (const struct utest_tc_node *n = tc_head; n; n = n->next)
        registered++;
    if (registered)
    {
        failures = calloc(registered, sizeof *failures);
        if (!failures)
            return -1;
    }
    idle_console = opt->cfg.console;
    idle_console_ctx = opt->cfg.console_ctx;
    log_level = opt->log_level == UTEST_LOG_ASSERT ? UTEST_LOG_ASSERT : UTEST_LOG_ALL;

    ut_line('I', "[==========] [ utest    ] started");
    for (const struct utest_tc_node *n = tc_head; n; n = n->next)
    {
        if (!name_selected(n->tc->name, opt->patterns, opt->npatterns))
            continue;
        struct failure *f = &failures[res->failed];
        res->run++;
        case_asserts[0] = '\0';
        int bad = run_one(opt, n, f->why, sizeof f->why);
        if (opt->case_result)
            opt->case_result(opt->hook_ctx, n->tc->name, bad ? f->why : NULL, case_asserts);
        if (bad)
        {
            f->name = n->tc->name;
            res->failed++;
        }
        else
        {
            res->passed++;
        }
    }

    if (res->run == 0)
    {
        for (int i = 0; i < opt->npatterns; i++)
            ut_line('I', "[==========] [ utest    ] Not find (%s)", opt->patterns[i]);
        if (opt->npatterns == 0)
            ut_line('I', "[==========] [ utest    ] no test case is registered");
    }
    else
    {
        ut_line('I', "[==========] [ utest    ] %u tests from %u testcase ran.",
                res->run, registered);
        ut_line('I', "[  PASSED  ] [ result   ] %u tests.", res->passed);
        if (res->failed)
        {
            ut_line('E', "[  FAILED  ] [ result   ] %u tests, listed below:", res->failed);
            for (unsigned i = 0; i < res->failed; i++)
                ut_line('E', "[  FAILED  ] [ result   ] %s", failures[i].name);
        }
    }
    ut_line('I', "[==========] [ utest    ] finished");

    /* rtsim's own summary: one line, then why each failure failed. */
    char line[512];
    snprintf(line, sizeof line,
             "rtsim-utest: %u test case%s: %u passed, %u failed (board %s, heap %s, seed %lu)\n",
             res->run, res->run == 1 ? "" : "s", res->passed, res->failed,
             opt->cfg.board ? opt->cfg.board : "stm32f407",
             opt->cfg.heap ? opt->cfg.heap : "smallmem", opt->cfg.seed);
    ut_out(line);
    for (unsigned i = 0; i < res->failed; i++)
    {
        snprintf(line, sizeof line, "rtsim-utest: FAILED %s: %s\n",
                 failures[i].name, failures[i].why);
        ut_out(line);
    }
    free(failures);
    idle_console = NULL;
    idle_console_ctx = NULL;
    return (int)res->failed;
}

/* --------------------------------------------- shell: utest_list/run */
/* Inside a run, as RT-Thread's msh commands: cases run one after another
 * in the calling thread, on the kernel that is already running (not a
 * fresh one each).  `utest_run [pattern]`. */
static long utest_list(void)
{
    ut_line('I', "Commands list : ");
    for (const struct utest_tc_node *n = tc_head; n; n = n->next)
        ut_line('I', "[testcase name]:%s; [run timeout]:%u", n->tc->name,
                (unsigned)n->tc->run_timeout);
    return 0;
}
MSH_CMD_EXPORT_ALIAS(utest_list, utest_list, output all utest testcase);

static int utest_run(int argc, char **argv)
{
    const char *pattern = argc > 1 ? argv[1] : NULL;
    unsigned run = 0, failed = 0, registered = 0;

    ut_line('I', "[==========] [ utest    ] started");
    for (const struct utest_tc_node *n = tc_head; n; n = n->next)
    {
        registered++;
        if (pattern && fnmatch(pattern, n->tc->name, 0) != 0)
            continue;
        struct case_run r;
        memset(&r, 0, sizeof r);
        r.tc = n->tc;
        case_body(&r);
        run++;
        failed += r.failed != NULL || case_assert_failures != 0;
    }
    if (run == 0 && pattern)
    {
        ut_line('I', "[==========] [ utest    ] Not find (%s)", pattern);
    }
    else
    {
        ut_line('I', "[==========] [ utest    ] %u tests from %u testcase ran.", run, registered);
        ut_line('I', "[  PASSED  ] [ result   ] %u tests.", run - failed);
        if (failed)
            ut_line('E', "[  FAILED  ] [ result   ] %u tests.", failed);
    }
    ut_line('I', "[==========] [ utest    ] finished");
    return failed ? -RT_ERROR : RT_EOK;
}
MSH_CMD_EXPORT_ALIAS(utest_run, utest_run, utest_run [testcase name pattern]);
