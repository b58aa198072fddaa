/*
 * watchdog.c - the wall-clock watchdog, and how the host thread waits for
 * the end of a run.
 *
 * A simulated thread that spins without calling the kernel (code built
 * without the CPU model's flags: `while (!flag);`), or that never returns
 * from a host call, never lets virtual time pass: without a watchdog the
 * run would hang.  Rules:
 *  1. Every kernel call beats (sim_wd_beat: rt_hw_interrupt_disable, each
 *     tick, each context switch, and in checked mode each compare of a
 *     heap's metadata shadow, which a heap made directly does without
 *     taking a lock): a relaxed atomic counter, written only
 *     by the running thread (the one holding sim_lock), read by the host.
 *  2. The host thread that called rt_sim_run does not wait on sim_lock
 *     while the run goes on (the spinning thread holds it for good) but on
 *     wd_lock / wd_cond, with a timeout: every quarter of cfg.wall_timeout
 *     it looks at the beat counter.  No host signal, no extra thread.
 *  3. No beat for cfg.wall_timeout seconds of wall time: the host prints a
 *     report naming the thread, its priority and the tick (a snapshot the
 *     running thread keeps at every switch and tick), then ends the process
 *     with _exit(RT_SIM_EWALLCLOCK).  The spinning thread cannot be stopped
 *     (nothing may interrupt it, and it owns the simulator), so rt_sim_run
 *     cannot return: stdout and the report stream are flushed when their
 *     locks are free, and the process exits without atexit handlers.
 *  4. rt_sim_watchdog_pause(1) / (0) bracket a host call that may block
 *     for a long time on purpose (the shell reading the terminal).
 *  5. Under Valgrind the limit is 20 times longer (everything is slower).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

#ifdef RTSIM_HAVE_VALGRIND
#include <valgrind/helgrind.h>
#include <valgrind/valgrind.h>
#define WD_ON_VALGRIND() (RUNNING_ON_VALGRIND)
#else
#define WD_ON_VALGRIND() 0
#define VALGRIND_HG_DISABLE_CHECKING(a, n) ((void)(a), (void)(n))
#endif

unsigned long sim_wd_beats;
struct sim_wd_snapshot sim_wd_snap;
static int wd_paused;

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond;
static int wd_ended;            /* the run ended: the host may take sim_lock */
static int wd_cond_ready;

/* The race on the counter and the snapshot is benign by design (rule 1):
 * atomics for TSan, these requests for Helgrind and DRD. */
void sim_wd_annotate(void)
{
    VALGRIND_HG_DISABLE_CHECKING(&sim_wd_beats, sizeof sim_wd_beats);
    VALGRIND_HG_DISABLE_CHECKING(&sim_wd_snap, sizeof sim_wd_snap);
    VALGRIND_HG_DISABLE_CHECKING(&wd_paused, sizeof wd_paused);
    sim_wd_drd_ignore(&sim_wd_beats, sizeof sim_wd_beats);
    sim_wd_drd_ignore(&sim_wd_snap, sizeof sim_wd_snap);
    sim_wd_drd_ignore(&wd_paused, sizeof wd_paused);
}

void sim_wd_note_thread(rt_thread_t t)
{
    for (int i = 0; i < RT_NAME_MAX; i++)
        __atomic_store_n(&sim_wd_snap.name[i], t->name[i], __ATOMIC_RELAXED);
    __atomic_store_n(&sim_wd_snap.priority, t->current_priority, __ATOMIC_RELAXED);
    __atomic_store_n(&sim_wd_snap.tick, (unsigned long)rt_tick_get_raw(), __ATOMIC_RELAXED);
}

void rt_sim_watchdog_pause(int paused)
{
    __atomic_store_n(&wd_paused, paused ? 1 : 0, __ATOMIC_RELAXED);
    sim_wd_beat();
}

/* Rule 2, the thread side: the run has ended, the host may go on. */
void sim_host_notify_end(void)
{
    CHECK_PT(pthread_mutex_lock(&wd_lock));
    wd_ended = 1;
    CHECK_PT(pthread_cond_signal(&wd_cond));
    CHECK_PT(pthread_mutex_unlock(&wd_lock));
}

void sim_host_prepare_wait(void)
{
    if (!wd_cond_ready)
    {
        pthread_condattr_t a;
        CHECK_PT(pthread_condattr_init(&a));
        CHECK_PT(pthread_condattr_setclock(&a, CLOCK_MONOTONIC));
        CHECK_PT(pthread_cond_init(&wd_cond, &a));
        CHECK_PT(pthread_condattr_destroy(&a));
        wd_cond_ready = 1;
    }
    wd_ended = 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void flush_if_free(FILE *f)
{
    if (f && ftrylockfile(f) == 0)
    {
        fflush_unlocked(f);
        funlockfile(f);
    }
}

RT_NORETURN static void wd_fire(double seconds)
{
    char name[RT_NAME_MAX + 1];
    for (int i = 0; i < RT_NAME_MAX; i++)
        name[i] = __atomic_load_n(&sim_wd_snap.name[i], __ATOMIC_RELAXED);
    name[RT_NAME_MAX] = '\0';
    unsigned prio = __atomic_load_n(&sim_wd_snap.priority, __ATOMIC_RELAXED);
    unsigned long tick = __atomic_load_n(&sim_wd_snap.tick, __ATOMIC_RELAXED);
    FILE *out = sim.cfg.report ? sim.cfg.report : stderr;
    flush_if_free(stdout);
    char msg[1024];
    int n = snprintf(msg, sizeof msg,
        "rtsim: wall-clock watchdog: thread \"%s\" (priority %u) has run for %.1f s of real "
        "time at tick %lu without calling the kernel\n"
        "  A loop that never calls the kernel (while (!flag);) sees time pass, timers fire and\n"
        "  other threads preempt it only when it is built with rtsim's flags:\n"
        "    cc app.c $(pkg-config --cflags --libs rtsim)   (the CPU model, docs/concept-time.md)\n"
        "  A forever loop with an empty body (while (1);) is never counted, even so.\n"
        "  The thread cannot be stopped: the process exits with status %d.\n",
        name, prio, seconds, tick, RT_SIM_EWALLCLOCK);
    if (ftrylockfile(out) == 0)
    {
        fputs_unlocked(msg, out);
        fflush_unlocked(out);
        funlockfile(out);
    }
    else if (n > 0)
    {
        /* Somebody holds the stream: write past it. */
        ssize_t w = write(2, msg, strlen(msg));
        (void)w;
    }
    _exit(RT_SIM_EWALLCLOCK);
}

/* Rule 2, the host side.  Called with sim_lock held after the first
 * thread was given the CPU; returns with sim_lock held once the run ended. */
void sim_host_wait_end(void)
{
    double limit = sim.wall_timeout;
    if (limit > 0 && WD_ON_VALGRIND())
        limit *= 20;
    CHECK_PT(pthread_mutex_unlock(&sim_lock));
    CHECK_PT(pthread_mutex_lock(&wd_lock));
    unsigned long seen = __atomic_load_n(&sim_wd_beats, __ATOMIC_RELAXED);
    double since = now_seconds();
    while (!wd_ended)
    {
        if (limit <= 0)
        {
            CHECK_PT(pthread_cond_wait(&wd_cond, &wd_lock));
            continue;
        }
        double step = limit / 4 < 0.05 ? 0.05 : limit / 4;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double frac = step - (double)(time_t)step;
        ts.tv_sec += (time_t)step;
        ts.tv_nsec += (long)(frac * 1e9);
        if (ts.tv_nsec >= 1000000000l)
        {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000l;
        }
        int rc = pthread_cond_timedwait(&wd_cond, &wd_lock, &ts);
        if (rc != 0 && rc != ETIMEDOUT)
            sim_fatal_errno("pthread_cond_timedwait", rc);
        if (wd_ended)
            break;
        unsigned long beats = __atomic_load_n(&sim_wd_beats, __ATOMIC_RELAXED);
        double now = now_seconds();
        if (beats != seen || __atomic_load_n(&wd_paused, __ATOMIC_RELAXED))
        {
            seen = beats;
            since = now;
        }
        else if (now - since >= limit)
        {
            wd_fire(now - since);
        }
    }
    CHECK_PT(pthread_mutex_unlock(&wd_lock));
    CHECK_PT(pthread_mutex_lock(&sim_lock));
}
