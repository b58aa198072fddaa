/*
 * expect_fail_main.c - checks the runner's verdicts on cases that fail on
 * purpose.  A program with a main() of its own: it calls
 * rt_sim_utest_run directly, captures the console and the run reports,
 * and exits 0 only when every case got the verdict and the log lines it
 * should.  Run plain and under Valgrind (the failing runs must tear down
 * as cleanly as passing ones).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtsim.h>
#include <utest.h>

static char *console;
static size_t console_len;

static void capture(void *ctx, const char *text)
{
    size_t n = strlen(text);
    char *grown = realloc(console, console_len + n + 1);

    (void)ctx;
    if (!grown)
        abort();
    console = grown;
    memcpy(console + console_len, text, n + 1);
    console_len += n;
}

static int problems;

static void expect(const char *text, const char *what, int present)
{
    if ((strstr(text, what) != NULL) != present)
    {
        fprintf(stderr, "expect_fail: %s: \"%s\"\n", present ? "missing" : "unexpected", what);
        problems++;
    }
}

int main(void)
{
    struct rt_sim_utest_options opt;
    struct rt_sim_utest_result res;
    char *reports = NULL;
    size_t reports_len = 0;
    FILE *report = open_memstream(&reports, &reports_len);

    if (!report)
        return 2;
    rt_sim_utest_options_init(&opt);
    opt.cfg.console = capture;
    opt.cfg.report = report;
    opt.log_level = UTEST_LOG_ASSERT;
    int failed = rt_sim_utest_run(&opt, &res);
    fclose(report);

    if (failed != 5 || res.run != 7 || res.passed != 2 || res.failed != 5)
    {
        fprintf(stderr, "expect_fail: run %u passed %u failed %u (returned %d); "
                "expected 7, 2, 5\n", res.run, res.passed, res.failed, failed);
        problems++;
    }
    /* rtsim.fail.assert: both failures reported, the third unit skipped. */
    expect(console, "[E/utest] [  ASSERT  ] [ unit     ] at (fail_tc.c); func: (unit_fails:", 1);
    expect(console, "msg: ((1 + 1) not equal to (3))", 1);
    expect(console, "[E/utest] [  ASSERT  ] [ unit     ] str-a: (rtsim); str-b: (rt-thread)", 1);
    expect(console, "[E/utest] [  FAILED  ] [ result   ] testcase (rtsim.fail.assert)\n", 1);
    expect(console, "unit_never_runs ran", 0);
    expect(console, "[    OK    ]", 0);    /* UTEST_LOG_ASSERT */
    /* Runs that did not end cleanly. */
    expect(console, "testcase (rtsim.fail.waiting): threads were left waiting forever", 1);
    expect(console, "testcase (rtsim.fail.rtassert): an RT_ASSERT", 1);
    expect(console, "testcase (rtsim.fail.timeout): timeout", 1);
    expect(console, "oversleeping...\n[E/utest] [  FAILED  ] [ result   ] testcase (rtsim.fail.timeout)", 1);
    expect(console, "[I/utest] [----------] [ testcase ] (rtsim.fail.waiting) finished", 1);
    expect(reports, "rtsim: waiting forever at tick 0", 1);
    expect(reports, "rtsim: deadlock", 0);
    /* A failing init: neither the case function nor cleanup runs. */
    expect(console, "[E/utest] [  FAILED  ] [ result   ] testcase init (rtsim.fail.init)", 1);
    expect(console, "fail_init: the case function ran", 0);
    /* Isolation: the case linked after the failures still passes. */
    expect(console, "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.heap)", 1);
    expect(console, "[E/utest] [  FAILED  ] [ result   ] 5 tests, listed below:", 1);
    expect(console, "rtsim-utest: 7 test cases: 2 passed, 5 failed", 1);
    /* Threads left blocked after the case finished: its own verdict, a
     * warning, the report on stderr naming both threads. */
    expect(console, "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.left_blocked)", 1);
    expect(console, "[W/utest] [ WARNING  ] [ result   ] testcase (rtsim.utest.left_blocked): "
           "threads it started are left blocked for good after it finished", 1);
    expect(console, "[ WARNING  ] [ result   ] testcase (rtsim.fail.waiting)", 0);
    expect(reports, "  waiter            10  suspend      0  semaphore \"never\"\n"
           "  t2                10  suspend      0  nothing (suspended)\n", 1);

    if (problems)
        fprintf(stderr, "---- console ----\n%s---- reports ----\n%s", console, reports);
    else
        printf("expect_fail: all 7 verdicts as expected\n");
    free(console);
    free(reports);
    return problems ? 1 : 0;
}
