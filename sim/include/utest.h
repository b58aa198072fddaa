/*
 * utest.h - RT-Thread's unit-test framework (utest) on rtsim.
 *
 * A test case written for RT-Thread compiles unmodified:
 *
 *     #include <utest.h>
 *
 *     static void test_alloc(void)
 *     {
 *         void *p = rt_malloc(64);
 *         uassert_not_null(p);
 *         rt_free(p);
 *     }
 *     static void testcase(void) { UTEST_UNIT_RUN(test_alloc); }
 *     UTEST_TC_EXPORT(testcase, "testcases.demo.alloc", RT_NULL, RT_NULL, 10);
 *
 * and runs with the ready main() of the rtsim-utest package:
 *
 *     cc demo_tc.c $(pkg-config --cflags --libs rtsim-utest) -o demo_tc
 *     ./demo_tc                      # every registered case
 *     ./demo_tc 'testcases.demo.*'   # only those whose name matches
 *
 * Differences from RT-Thread, all on purpose:
 *  - Registration: RT-Thread collects UTEST_TC_EXPORT entries in the linker
 *    section "UtestTcTab"; here a constructor appends each to a list when
 *    the program loads, so cases run in registration (link) order.
 *  - Isolation: the runner (rt_sim_utest_run in rtsim.h) boots a fresh
 *    kernel for every case with rt_sim_run; init, the case function and
 *    cleanup run in the thread "main".  A case that deadlocks, trips an
 *    RT_ASSERT or leaves threads behind fails on its own and cannot harm
 *    the next one.
 *  - Timeout: the last argument of UTEST_TC_EXPORT (seconds) bounds the
 *    case's virtual time (docs/utest.md); RT-Thread only prints it.
 * The log lines are RT-Thread's (docs/utest.md shows them).
 */
#ifndef RTSIM_UTEST_H__
#define RTSIM_UTEST_H__

#include <stdint.h>
#include <rtthread.h>
#include "rtsim.h"
#include "utest_log.h"
#include "utest_assert.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of the last assertion made. */
enum utest_error
{
    UTEST_PASSED  = 0,
    UTEST_FAILED  = 1,
    UTEST_SKIPPED = 2
};
typedef enum utest_error utest_err_e;

/* Bookkeeping of the unit being run (reset by UTEST_UNIT_RUN). */
struct utest
{
    utest_err_e error;          /* outcome of the last assertion */
    uint32_t    passed_num;     /* assertions that held in this unit */
    uint32_t    failed_num;     /* assertions that failed in this unit */
};
typedef struct utest *utest_t;

/* One registered test case.  init and cleanup may be RT_NULL; an init or
 * cleanup returning anything but RT_EOK fails the case. */
struct utest_tc_export
{
    const char *name;                   /* "testcases.kernel.mem_tc" */
    uint32_t    run_timeout;            /* seconds (virtual time) */
    rt_err_t  (*init)(void);
    void      (*tc)(void);
    rt_err_t  (*cleanup)(void);
};
typedef struct utest_tc_export *utest_tc_export_t;

typedef void (*test_unit_func)(void);

/* Reset the unit counters, print "[==========] utest unit name: (...)"
 * and call func.  Use UTEST_UNIT_RUN. */
void utest_unit_run(test_unit_func func, const char *unit_func_name);

/* The counters of the current unit (valid inside a run). */
utest_t utest_handle_get(void);

#define UTEST_NAME_MAX_LEN (128u)

/* RT-Thread's utest Kconfig (components/utilities/utest/Kconfig, 4.1.1 and
 * 5.1.0): the stack and priority of the utest thread, default 4096 and 20.
 * Test cases size their own threads' stacks with it.  In rtsim a case runs
 * in the thread "main" (above); these are for the cases' use. */
#ifndef UTEST_THR_STACK_SIZE
#define UTEST_THR_STACK_SIZE 4096
#endif
#ifndef UTEST_THR_PRIORITY
#define UTEST_THR_PRIORITY 20
#endif

/* ------------------------------------------------------- registration */
/* A node of the runner's list of cases (an rtsim detail). */
struct utest_tc_node
{
    const struct utest_tc_export *tc;
    struct utest_tc_node         *next;
    /* The configuration the case's file was compiled with (rtsim.h's
     * RT_SIM_CONFIG_KNOBS); the runner refuses a case whose view differs
     * from the library's.  RT_NULL = not recorded. */
    const struct rt_sim_knobs    *knobs;
};
/* Append a case to the list (called by UTEST_TC_EXPORT's constructor
 * before main; registering the same node twice is ignored). */
void utest_tc_register(struct utest_tc_node *node);
/* The registered cases in registration order; RT_NULL when none. */
const struct utest_tc_node *utest_tc_first(void);

/* Register `testcase` under `name`.  Once per source file, at file scope,
 * followed by a semicolon, as in RT-Thread (the semicolon completes the
 * harmless declaration `struct utest_tc_node;` the macro ends with). */
#define UTEST_TC_EXPORT(testcase, name, init, cleanup, timeout)             \
    static const struct utest_tc_export _utest_testcase =                   \
        { name, timeout, init, testcase, cleanup };                         \
    static struct utest_tc_node _utest_tc_node__ = { &_utest_testcase, RT_NULL, RT_NULL }; \
    __attribute__((constructor)) static void _utest_tc_register__(void)     \
    {                                                                       \
        _utest_tc_node__.knobs = rt_sim_program_knobs();                    \
        utest_tc_register(&_utest_tc_node__);                               \
    }                                                                       \
    struct utest_tc_node

/* Run one unit of the case; when one of its assertions failed, return
 * from the calling case function at once (later units are skipped). */
#define UTEST_UNIT_RUN(test_unit_func)                                      \
    utest_unit_run(test_unit_func, #test_unit_func);                        \
    if (utest_handle_get()->failed_num != 0) return;

#ifdef __cplusplus
}
#endif

#endif /* RTSIM_UTEST_H__ */
