/*
 * test_mutex_model.c - random programs on one mutex checked against a model
 * of RT-Thread's priority inheritance, written from RT-Thread's src/ipc.c
 * (4.1.1 rt_mutex_take / rt_mutex_release for the 4.1 flavour; the 5.x
 * _rt_mutex_take / rt_mutex_release / _thread_get_mutex_priority for the
 * 5.x flavour), not from rtsim's code.
 *
 * A program: thread H of random priority takes the mutex at tick 0 and
 * keeps it, asleep, until its release tick; K waiter threads of random
 * priority (ties on purpose) each sleep to a start tick of their own and
 * take the mutex with a timeout of 0, 1..30 ticks or forever; a waiter that
 * gets it keeps it, asleep, for 1..8 ticks, then releases it and ends.  At
 * tick 150 the mutex is detached.  Every start, deadline and release falls
 * on a tick of its own (the model rejects programs where two meet), so
 * the model needs no scheduler.  A monitor thread of priority 1 wakes at
 * every tick, before anyone else, and records who owns the mutex and at
 * which priority that owner runs: the state the previous tick left.
 *
 * The rules, one mutex (its waiters queue by priority in both releases:
 * rt_mutex_init ignores its flag):
 *
 *   take, free         the caller owns it; 4.1 remembers its priority
 *                      (original_priority); 5.x resets the mutex's
 *                      priority (the best waiter's, 0xff for none)
 *   take, owned        timeout 0: -RT_ETIMEOUT; else the caller waits, and
 *                        4.1: if it outranks the owner's current priority,
 *                             the owner is raised to its priority
 *                        5.x: if it outranks the mutex's priority, that
 *                             becomes its priority, and if that outranks
 *                             the owner's, the owner is raised to it
 *   deadline           the waiter leaves with -RT_ETIMEOUT;
 *                        4.1: the owner keeps what it was lent
 *                        5.x: the mutex's priority becomes its first
 *                             waiter's (0xff); if the owner ran at the
 *                             leaving waiter's priority, it is set to its
 *                             init priority, raised to the mutex's
 *   release            4.1: the owner gets its original priority back
 *                      5.x: if the owner runs at the mutex's priority, it
 *                           is set to its init priority (it holds no other
 *                           mutex)
 *                      then the first waiter owns it (4.1: its priority
 *                      remembered; 5.x: the mutex's priority becomes the
 *                      next waiter's) and returns RT_EOK - and is not
 *                      raised for the waiters behind it
 *   detach             every waiter left: -RT_ERROR
 *
 * Checked: each waiter's result and tick; the owner and its priority at
 * every tick.  SEEDS programs (RTSIM_TEST_SEED=n: that seed only; printed
 * on failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#define MAX_WAITERS 7
#define SEEDS       150
#define END_TICK    150
#define NOBODY      (-1)
#define HOLDER      MAX_WAITERS     /* thread H's index */
#define NTHREADS    (MAX_WAITERS + 1)

struct program
{
    int k;
    rt_uint8_t prio[NTHREADS];
    int start[NTHREADS];            /* H: 0 */
    rt_int32_t timeout[NTHREADS];
    int hold_for[NTHREADS];         /* H: its release tick */
};

struct snapshot
{
    int owner;
    int prio;
};

static struct program pg;
static struct snapshot want_at[END_TICK + 1], got_at[END_TICK + 1];
static rt_err_t want_err[NTHREADS], got_err[NTHREADS];
static int want_tick[NTHREADS], got_tick[NTHREADS];

/* ---------------------------------------------------------------- model */
#if RTSIM_V5_MUTEX_PRIO_RECOMPUTE
#define V5 1
#else
#define V5 0
#endif

/* Returns 0 when two events meet on one tick or one falls too late. */
static int model(void)
{
    int owner = HOLDER, orig = pg.prio[HOLDER], cache = 0xff;
    int cur[NTHREADS], waiting[NTHREADS], wait_at[NTHREADS], release_at[NTHREADS];
    int order[NTHREADS], n = 0;          /* the wait list, by priority */

    for (int i = 0; i < NTHREADS; i++)
    {
        cur[i] = pg.prio[i];
        waiting[i] = 0;
        release_at[i] = -1;
        want_err[i] = 1;                /* none */
        want_tick[i] = -1;
    }
    release_at[HOLDER] = pg.hold_for[HOLDER];
    for (int t = 1; t < END_TICK; t++)
    {
        int events = 0;
        for (int i = 0; i < pg.k; i++)
        {
            if (pg.start[i] == t)
            {
                events++;
                if (owner == NOBODY)
                {
                    owner = i;
                    orig = cur[i];
                    cache = 0xff;
                    want_err[i] = RT_EOK;
                    want_tick[i] = t;
                    release_at[i] = t + pg.hold_for[i];
                }
                else if (pg.timeout[i] == 0)
                {
                    want_err[i] = -RT_ETIMEOUT;
                    want_tick[i] = t;
                }
                else
                {
                    int at = n++;
                    while (at > 0 && cur[i] < cur[order[at - 1]])
                    {
                        order[at] = order[at - 1];
                        at--;
                    }
                    order[at] = i;
                    waiting[i] = 1;
                    wait_at[i] = t;
                    if (!V5 && cur[i] < cur[owner])
                        cur[owner] = cur[i];
                    if (V5 && cur[i] < cache)
                    {
                        cache = cur[i];
                        if (cache < cur[owner])
                            cur[owner] = cache;
                    }
                }
            }
            else if (waiting[i] && pg.timeout[i] != RT_WAITING_FOREVER &&
                     wait_at[i] + pg.timeout[i] == t)
            {
                events++;
                int at = 0;
                while (order[at] != i)
                    at++;
                for (; at + 1 < n; at++)
                    order[at] = order[at + 1];
                n--;
                waiting[i] = 0;
                want_err[i] = -RT_ETIMEOUT;
                want_tick[i] = t;
                if (V5)
                {
                    int need_update = cur[owner] == cur[i];
                    cache = n ? cur[order[0]] : 0xff;
                    if (need_update)
                        cur[owner] = pg.prio[owner] < cache ? pg.prio[owner] : cache;
                }
            }
        }
        if (owner != NOBODY && release_at[owner] == t)
        {
            events++;
            if (!V5 && cur[owner] != orig)
                cur[owner] = orig;
            if (V5 && cur[owner] == cache)
                cur[owner] = pg.prio[owner];
            if (n)
            {
                int next = order[0];
                for (int at = 0; at + 1 < n; at++)
                    order[at] = order[at + 1];
                n--;
                waiting[next] = 0;
                owner = next;
                orig = cur[next];
                cache = n ? cur[order[0]] : 0xff;
                want_err[next] = RT_EOK;
                want_tick[next] = t;
                release_at[next] = t + pg.hold_for[next];
                if (release_at[next] >= END_TICK - 5)
                    return 0;
            }
            else
            {
                owner = NOBODY;
                cache = 0xff;
            }
        }
        if (events > 1)
            return 0;
        want_at[t].owner = owner;
        want_at[t].prio = owner == NOBODY ? -1 : cur[owner];
    }
    for (int i = 0; i < pg.k; i++)
        if (waiting[i])
        {
            want_err[i] = -RT_ERROR;
            want_tick[i] = END_TICK;
        }
    return 1;
}

static void make_program(uint64_t *rng)
{
    do
    {
        memset(&pg, 0, sizeof pg);
        pg.k = 2 + (int)(tu_rand(rng) % (MAX_WAITERS - 1));
        pg.prio[HOLDER] = (rt_uint8_t)(8 + tu_rand(rng) % 7);
        pg.hold_for[HOLDER] = 5 + (int)(tu_rand(rng) % 60);
        for (int i = 0; i < pg.k; i++)
        {
            pg.prio[i] = (rt_uint8_t)(8 + tu_rand(rng) % 7);         /* 8..14: ties */
            pg.start[i] = 1 + (int)(tu_rand(rng) % 90);
            switch (tu_rand(rng) % 5)
            {
            case 0: pg.timeout[i] = 0; break;
            case 1: pg.timeout[i] = RT_WAITING_FOREVER; break;
            default: pg.timeout[i] = 1 + (rt_int32_t)(tu_rand(rng) % 30); break;
            }
            pg.hold_for[i] = 1 + (int)(tu_rand(rng) % 8);
        }
    } while (!model());
}

/* ------------------------------------------------------------------ run */
static struct rt_mutex mtx;
static rt_thread_t th[NTHREADS];

static void holder(void *arg)
{
    (void)arg;
    TU_EXPECT_INT(rt_mutex_take(&mtx, RT_WAITING_FOREVER), RT_EOK);
    TU_EXPECT_INT(rt_tick_get(), 0);
    rt_thread_delay((rt_tick_t)pg.hold_for[HOLDER]);
    TU_EXPECT_INT(rt_mutex_release(&mtx), RT_EOK);
}

static void waiter(void *arg)
{
    int i = (int)(intptr_t)arg;

    rt_thread_delay((rt_tick_t)pg.start[i]);
    TU_EXPECT_INT(rt_tick_get(), pg.start[i]);
    got_err[i] = rt_mutex_take(&mtx, pg.timeout[i]);
    got_tick[i] = (int)rt_tick_get();
    if (got_err[i] == RT_EOK)
    {
        rt_thread_delay((rt_tick_t)pg.hold_for[i]);
        TU_EXPECT_INT(rt_mutex_release(&mtx), RT_EOK);
    }
}

static void monitor(void *arg)
{
    (void)arg;
    for (int t = 1; t < END_TICK; t++)
    {
        rt_thread_delay(1);
        TU_EXPECT_INT(rt_tick_get(), t);
        /* the state tick t - 1 left */
        rt_thread_t o = mtx.owner;
        int who = NOBODY;
        for (int i = 0; i < NTHREADS; i++)
            if (o != RT_NULL && th[i] == o)
                who = i;
        TU_EXPECT(o == RT_NULL || who != NOBODY);
        got_at[t - 1].owner = who;
        got_at[t - 1].prio = o ? o->current_priority : -1;
    }
}

static void program_main(void *arg)
{
    (void)arg;
    memset(th, 0, sizeof th);
    TU_EXPECT_INT(rt_mutex_init(&mtx, "mm", RT_IPC_FLAG_PRIO), RT_EOK);
    tu_spawn("mon", monitor, RT_NULL, 1, 5);
    th[HOLDER] = tu_spawn("H", holder, RT_NULL, pg.prio[HOLDER], 5);
    for (int i = 0; i < pg.k; i++)
    {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        th[i] = tu_spawn(name, waiter, (void *)(intptr_t)i, pg.prio[i], 5);
    }
    rt_thread_delay(END_TICK);
    TU_EXPECT_INT(rt_tick_get(), END_TICK);
    rt_mutex_detach(&mtx);
    rt_thread_delay(5);
}

static void describe(char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%s; H(prio %d) holds to %d; waiters",
                                 V5 ? "5.x" : "4.1", pg.prio[HOLDER], pg.hold_for[HOLDER]);
    for (int i = 0; i < pg.k && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, " w%d(prio %d, at %d, timeout %ld, holds %d)",
                               i, pg.prio[i], pg.start[i], (long)pg.timeout[i], pg.hold_for[i]);
}

static void test_mutex_against_model(void **state)
{
    (void)state;
    uint64_t first, last;
    tu_seed_range(SEEDS, &first, &last);
    int compared = 0;

    for (uint64_t seed = first; seed <= last; seed++)
    {
        uint64_t rng = seed * 6007 + 17;
        char what[1024];
        make_program(&rng);
        describe(what, sizeof what);
        memset(got_at, 0xff, sizeof got_at);
        for (int i = 0; i < NTHREADS; i++)
        {
            got_err[i] = 1;
            got_tick[i] = -1;
        }
        int rc = tu_run(NULL, program_main, RT_NULL);
        if (rc != RT_SIM_OK)
            fail_msg("seed %llu: %s\nrun ended %d: %s", (unsigned long long)seed, what, rc,
                     tu_report());
        for (int i = 0; i < pg.k; i++, compared++)
            if (got_err[i] != want_err[i] || got_tick[i] != want_tick[i])
                fail_msg("seed %llu: %s\nw%d: got %ld at tick %d, model %ld at tick %d",
                         (unsigned long long)seed, what, i, (long)got_err[i], got_tick[i],
                         (long)want_err[i], want_tick[i]);
        for (int t = 1; t < END_TICK - 1; t++, compared++)
            if (got_at[t].owner != want_at[t].owner || got_at[t].prio != want_at[t].prio)
                fail_msg("seed %llu: %s\nafter tick %d: owner %d at priority %d, model owner "
                         "%d at priority %d (%d = H, -1 = nobody)", (unsigned long long)seed,
                         what, t, got_at[t].owner, got_at[t].prio, want_at[t].owner,
                         want_at[t].prio, HOLDER);
    }
    assert_true(compared > 0 && compared >= (int)(last - first + 1) * (2 + END_TICK - 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutex_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
