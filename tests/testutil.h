/*
 * testutil.h - helpers shared by the CMocka suites.
 *
 * CMocka's assert_* macros longjmp to the test runner and must only be used
 * on the test's own host thread, i.e. outside rt_sim_run.  Inside simulated
 * threads and interrupt handlers use TU_EXPECT* : they record the first
 * failure (file, line, expression, values) and let the run continue; the
 * test then calls tu_assert_no_failures() (tu_run does it for you).
 */
#ifndef RTSIM_TESTUTIL_H__
#define RTSIM_TESTUTIL_H__

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rtthread.h>
#include <rtsim.h>

/* A default configuration whose console output is captured (see
 * tu_console) and whose reports go to the captured stream too. */
void tu_config(struct rt_sim_config *cfg);
/* Everything printed on the console since the last tu_console_reset(). */
const char *tu_console(void);
void tu_console_reset(void);
/* Everything rt_sim_run reported (deadlock, assert ...) since the last reset. */
const char *tu_report(void);

/* rt_sim_run(cfg ? cfg : tu_config(), fn, arg), then fails the CMocka test
 * if any TU_EXPECT failed inside the run.  Returns rt_sim_run's result. */
int tu_run(const struct rt_sim_config *cfg, void (*fn)(void *), void *arg);

void tu_fail(const char *file, int line, const char *fmt, ...);
void tu_assert_no_failures(void);
void tu_reset_failures(void);
int  tu_failures(void);

#define TU_EXPECT(cond) \
    do { if (!(cond)) tu_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define TU_EXPECT_INT(a, b) \
    do { long long a__ = (long long)(a), b__ = (long long)(b); \
         if (a__ != b__) tu_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a__, b__); } while (0)
#define TU_EXPECT_STR(a, b) \
    do { const char *a__ = (a), *b__ = (b); \
         if (strcmp(a__, b__) != 0) tu_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, a__, b__); } while (0)

/* Create and start a thread (512-byte stack, time slice `slice` ticks)
 * from inside a run; a failure is recorded with TU_EXPECT. */
rt_thread_t tu_spawn(const char *name, void (*fn)(void *), void *arg, rt_uint8_t prio,
                     rt_uint32_t slice);

/* A small deterministic PRNG for randomised tests (xorshift64*).  The seed
 * comes from RTSIM_TEST_SEED when set, else `default_seed`; print it on
 * failure with tu_seed(). */
uint64_t tu_seed(uint64_t default_seed);
uint64_t tu_rand(uint64_t *state);
/* The seeds a model test runs: RTSIM_TEST_SEED=n runs n alone; else 1 ..
 * RTSIM_MODEL_SEEDS (fewer under the thread checkers), default `count`. */
void tu_seed_range(uint64_t count, uint64_t *first, uint64_t *last);

/* Event log: tests append short strings from inside the run and compare
 * the whole sequence afterwards ("A:start B:start A:done ..."). */
void tu_log(const char *fmt, ...);
const char *tu_log_text(void);
void tu_log_reset(void);

#endif
