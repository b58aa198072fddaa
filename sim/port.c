/*
 * port.c - rthw.h on a Linux host: the thread emulator, interrupts and
 * virtual time.
 *
 * Rules (see sim.h for the data):
 *  1. Exactly one context runs: it holds sim_lock.  Handing over the CPU =
 *     set the next context's permit, signal its own condition variable, and
 *     wait on ours until our permit is set (ctx_switch).  No shared
 *     condition variable, no broadcast, no signals, no pthread_cancel.
 *  2. A new thread's pthread is created parked; it first runs when the
 *     scheduler switches to it.  A thread that ends hands over the CPU and
 *     unwinds to its start routine, which returns; it is joined later.
 *  3. A thread closed while parked (deleted, or still alive at the end of a
 *     run) is woken with `kill` set: it hands the CPU back to its killer and
 *     unwinds the same way.
 *  4. Interrupts run on the current context between rt_interrupt_enter and
 *     rt_interrupt_leave; a switch requested inside them happens after the
 *     outermost handler returns.
 *  5. Time is virtual.  The tick interrupt comes (a) when the idle thread
 *     runs: the clock jumps to the next timer deadline or raised interrupt
 *     (one tick at a time while idle hooks are set, so they run every idle
 *     tick); (b) when the running thread's CPU time reaches the next tick
 *     (cpu.c: instrumented code, console output, rt_hw_us_delay), at that
 *     point, in its own context, once interrupts are unmasked and no
 *     handler runs; (c) when a thread has polled the clock
 *     cfg.poll_ticks_after times in a row without blocking; (d) from
 *     rt_hw_us_delay with the CPU model off.  Nothing ever waits on the
 *     wall clock unless real-time pacing was asked for.
 *  6. A run ends when nothing can happen again: the idle thread runs, no
 *     timer is active and no interrupt is raised.  No thread left: OK.
 *     Threads left, a cycle of mutex waits among them: RT_SIM_EDEADLOCK
 *     with the cycle; no cycle: RT_SIM_EWAITING (OK with cfg.waiting_ok).
 *  7. The host thread waits for the end of the run on the watchdog's lock,
 *     not on sim_lock (watchdog.c).
 *  8. Raised interrupts wait in a binary heap ordered by tick (modulo the
 *     counter's range), then raising order; the head is the next one due.
 *     Raising and delivering one is O(log n) (see irq_push).
 *
 * Why one file (over ~900 lines): rules 1-8 are one state machine over
 * sim_lock and the running context.  The context hand-over, the interrupt
 * queue, virtual time and the idle thread's end-of-run decision each read
 * and change the same few fields (sim_self, the permit, the irq heap, the
 * tick) under that one lock, and their order inside a call is the rule
 * (a tick delivered before or after a switch changes what runs).  Split,
 * those static helpers would become sim.h's API and the ordering would be
 * spread over files.  What is separable already lives next door: CPU time
 * (cpu.c), the watchdog (watchdog.c), the run's life (run.c).  The next
 * seam, if this grows: the end-of-run report (report_table, the mutex
 * cycle), which only reads the kernel's thread list.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"

struct sim_state sim;
pthread_mutex_t sim_lock = PTHREAD_MUTEX_INITIALIZER;
/* Read inline by the kernel too (include/rtport_irq.h says why they are
 * not in sim). */
__thread struct sim_ctx *sim_self __attribute__((tls_model("local-exec")));
int sim_irq_masked;
struct sim_irq_queue sim_irqs;

/* ------------------------------------------------------------- failures */
void sim_fatal_errno(const char *what, int rc)
{
    fprintf(stderr, "rtsim: internal error: %s failed: %s\n", what, strerror(rc));
    abort();
}


void sim_report(const char *fmt, ...)
{
    FILE *out = sim.cfg.report ? sim.cfg.report : stderr;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fflush(out);
}

/* ------------------------------------------------------ context hand-over */
static void ctx_wake(struct sim_ctx *c)
{
    c->permit = 1;
    CHECK_PT(pthread_cond_signal(&c->cond));
}

/* Wait until somebody hands us the CPU. */
static void ctx_wait(struct sim_ctx *self)
{
    while (!self->permit)
        CHECK_PT(pthread_cond_wait(&self->cond, &sim_lock));
    self->permit = 0;
}

/* Leave the pthread of `self` (never the host): unwinds to its start. */
RT_NORETURN static void ctx_leave(struct sim_ctx *self)
{
    longjmp(self->exit_jmp, 1);
}

/* Park a thread context; on return it runs again.  Honours kill. */
static void ctx_park(struct sim_ctx *self)
{
    ctx_wait(self);
    if (self->kill)
    {
        ctx_wake(self->killer);
        ctx_leave(self);
    }
    self->polls = 0;
}

/* Take `c` off sim.live in O(1) (a run with thousands of threads ends
 * them all: a walk per thread made that quadratic, issue 19). */
static void ctx_unlink_live(struct sim_ctx *c)
{
    if (!c->pprev)
        return;
    *c->pprev = c->next;
    if (c->next)
        c->next->pprev = c->pprev;
    c->next = NULL;
    c->pprev = NULL;
}

static void ctx_destroy(struct sim_ctx *c)
{
    if (c->has_thread)
        CHECK_PT(pthread_join(c->tid, NULL));
    CHECK_PT(pthread_cond_destroy(&c->cond));
    free(c);
}

static void join_zombies(void)
{
    while (sim.zombies)
    {
        struct sim_ctx *c = sim.zombies;
        sim.zombies = c->next;
        ctx_destroy(c);
    }
}

/* Stop the parked context `victim` (rule 3) and free it. */
static void ctx_kill(struct sim_ctx *victim)
{
    struct sim_ctx *self = sim_self;
    ctx_unlink_live(victim);
    victim->kill = 1;
    victim->killer = self;
    ctx_wake(victim);
    ctx_wait(self);
    ctx_destroy(victim);
}

static void *ctx_start(void *arg)
{
    struct sim_ctx *c = arg;
    sim_self = c;
    CHECK_PT(pthread_mutex_lock(&sim_lock));
    if (setjmp(c->exit_jmp) == 0)
    {
        ctx_park(c);
        sim_cpu_attach();
        /* A thread starts with interrupts enabled. */
        sim_irq_masked = 0;
        rt_thread_t self = rt_thread_self();
        char name[16];
        snprintf(name, sizeof name, "%.*s", RT_NAME_MAX, self->name);
        /* Only a name for debuggers: failing to set it changes nothing. */
        (void)pthread_setname_np(pthread_self(), name);

        rt_thread_signal_check();   /* signals sent before its first run */
        c->entry(c->param);
        c->texit();
        /* rt_thread_exit does not return. */
        abort();
    }
    CHECK_PT(pthread_mutex_unlock(&sim_lock));
    return NULL;
}

rt_uint8_t *rt_hw_stack_init(void *tentry, void *parameter, rt_uint8_t *stack_addr, void *texit)
{
    (void)stack_addr;
    struct sim_ctx *c = calloc(1, sizeof *c);
    if (!c)
    {
        sim_report("rtsim: out of host memory creating a thread context\n");
        sim_end_run(RT_SIM_EASSERT);
    }
    CHECK_PT(pthread_cond_init(&c->cond, NULL));
    c->entry = (void (*)(void *))tentry;
    c->param = parameter;
    c->texit = (void (*)(void))texit;

    pthread_attr_t attr;
    CHECK_PT(pthread_attr_init(&attr));
    CHECK_PT(pthread_attr_setstacksize(&attr, 256 * 1024));
    /* Only one context runs at a time: keeping them all on one core makes
     * every hand-over a local wake-up instead of a cross-core one. */
    if (sim.cpu >= 0)
    {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(sim.cpu, &set);
        CHECK_PT(pthread_attr_setaffinity_np(&attr, sizeof set, &set));
    }
    int rc = pthread_create(&c->tid, &attr, ctx_start, c);
    CHECK_PT(pthread_attr_destroy(&attr));
    if (rc != 0)
    {
        CHECK_PT(pthread_cond_destroy(&c->cond));
        free(c);
        sim_report("rtsim: cannot create a host thread: %s\n", strerror(rc));
        sim_end_run(RT_SIM_EASSERT);
    }
    c->has_thread = 1;
    c->next = sim.live;
    if (sim.live)
        sim.live->pprev = &c->next;
    c->pprev = &sim.live;
    sim.live = c;
    return (rt_uint8_t *)c;
}

static struct sim_ctx *ctx_of(rt_ubase_t sp_addr)
{
    return *(struct sim_ctx **)sp_addr;
}

static rt_thread_t thread_of(rt_ubase_t sp_addr)
{
    return rt_container_of((void **)sp_addr, struct rt_thread, sp);
}

static void foreign_thread_honour(void);

/* Switch from the running context to `to`.  A closed `from` leaves. */
static void switch_contexts(rt_ubase_t from_sp, rt_ubase_t to_sp)
{
    struct sim_ctx *from = ctx_of(from_sp), *to = ctx_of(to_sp);
    if (from != sim_self)
    {
        fprintf(stderr, "rtsim: internal error: switch from a thread that is not running\n");
        abort();
    }
    if (from == to)
        return;
    sim_cpu_give();
    if ((thread_of(from_sp)->stat & RT_THREAD_STAT_MASK) == RT_THREAD_CLOSE)
    {
        ctx_unlink_live(from);
        from->next = sim.zombies;
        sim.zombies = from;
        ctx_wake(to);
        ctx_leave(from);
    }
    if (thread_of(to_sp) != rt_thread_idle_gethandler())
        sim.last_run_tick = rt_tick_get_raw();
    sim_wd_beat();
    sim_wd_note_thread(thread_of(to_sp));
    ctx_wake(to);
    ctx_park(from);
    foreign_thread_honour();
    sim_cpu_take();
}

void rt_hw_context_switch(rt_ubase_t from, rt_ubase_t to)
{
    switch_contexts(from, to);
}

void rt_hw_context_switch_to(rt_ubase_t to)
{
    sim.booted = 1;
    sim_wd_note_thread(thread_of(to));
    sim_host_prepare_wait();
    ctx_wake(ctx_of(to));
    sim_host_wait_end();
    /* The run ended (sim_end_run): take the CPU back for the teardown. */
}

void rt_hw_context_switch_interrupt(rt_ubase_t from, rt_ubase_t to)
{
    if (!sim.switch_pending)
    {
        sim.switch_pending = 1;
        sim.pend_from = from;
    }
    sim.pend_to = to;
}

void rt_hw_context_release(void *sp)
{
    struct sim_ctx *c = sp;
    if (!c || c == sim_self)
        return;
    ctx_kill(c);
}

/* ------------------------------------------------- foreign host threads
 * Only the threads rtsim made (one pthread per simulated thread, and the
 * rt_sim_run caller) may enter the kernel.  A plain pthread of the program
 * that calls the kernel during a run would race with the simulated CPU:
 * its call is refused - reported, the run ends with RT_SIM_EASSERT at its
 * next scheduling point - and that host thread ends there (pthread_exit),
 * since the call can neither go on nor return.  rt_sim_stop from such a
 * thread asks the run to stop the same way.  Outside a run the kernel is
 * the caller's alone (the fuzz targets drive it so). */

/* The kernel function the program called: the outermost rt_* frame
 * (names need the program linked with -rdynamic; else "a kernel call"). */
static void foreign_call_name(char *buf, size_t n)
{
    void *frames[32];
    int k = backtrace(frames, 32);
    char **sym = backtrace_symbols(frames, k);
    snprintf(buf, n, "a kernel call");
    for (int i = 1; sym && i < k; i++)
    {
        const char *open = strchr(sym[i], '(');
        if (!open || strncmp(open + 1, "rt_", 3) != 0 || !strncmp(open + 1, "rt_hw_", 6))
            continue;
        size_t len = strcspn(open + 1, "+)");
        snprintf(buf, n, "%.*s", (int)len, open + 1);
    }
    free(sym);
}

/* From a host thread that is not ours: during a run, refuse (above).
 * Out of line: the kernel's interrupt_disable pays one test for it. */
__attribute__((noinline, cold))
static void foreign_thread_check(int is_stop, int stop_code)
{
    char name[64];
    int running;

    if (sim_self)
        return;
    CHECK_PT(pthread_mutex_lock(&sim_lock));
    running = sim.running && sim.booted;
    if (running && !sim.foreign)
    {
        if (!is_stop)
            foreign_call_name(name, sizeof name);
        sim.foreign = is_stop ? 2 : 1;
        sim.foreign_code = stop_code;
        snprintf(sim.foreign_call, sizeof sim.foreign_call, "%s", is_stop ? "" : name);
    }
    CHECK_PT(pthread_mutex_unlock(&sim_lock));
    if (running || is_stop)
        pthread_exit(NULL);
}

/* At a scheduling point of the run: end it if a foreign thread asked. */
static void foreign_thread_honour(void)
{
    if (!sim.foreign || sim.foreign == 3)
        return;
    if (sim.foreign == 1)
    {
        sim.foreign = 3;
        sim_report("rtsim: %s called from a host thread that rtsim does not run (only "
                   "threads made with rt_thread_create / rt_thread_init may call the kernel)\n",
                   sim.foreign_call);
        sim_end_run(RT_SIM_EASSERT);
    }
    sim.foreign = 3;
    sim_end_run(sim.foreign_code ? sim.foreign_code : RT_SIM_ESTOPPED);
}

/* ------------------------------------------------------------ interrupts */
static rt_base_t interrupt_disable_foreign(void);

/* Called around every kernel critical section: a leaf with no frame; a
 * host thread that is not ours goes to the out-of-line check by a tail
 * call (issue 19: no stack adjustment on the common path).  The common
 * case is rtport_irq.h's, which the kernel's shortest paths use inline. */
__attribute__((optimize("omit-frame-pointer")))
rt_base_t rt_hw_interrupt_disable(void)
{
    rt_base_t level;

    if (__builtin_expect(rt_hw_interrupt_disable_inline(&level), 1))
        return level;
    return interrupt_disable_foreign();
}

/* The same from a host thread rtsim does not run: refused during a run
 * (foreign_thread_check does not return then); outside one, as above. */
__attribute__((noinline, cold)) static rt_base_t interrupt_disable_foreign(void)
{
    foreign_thread_check(0, 0);
    rt_base_t level = sim_irq_masked;
    sim_irq_masked = 1;
    sim_wd_beat();
    return level;
}

static void deliver_due_irqs(void);

static void interrupt_enable_due(rt_base_t level);

/* Fast path (issue 19): a leaf with no frame.  Nothing is due while
 * interrupts stay masked, and with no interrupt raised and CPU time left
 * no tick is either (rtport_irq.h, rt_hw_interrupt_enable_inline, which
 * restores PRIMASK); otherwise the checks below, as before. */
__attribute__((optimize("omit-frame-pointer")))
void rt_hw_interrupt_enable(rt_base_t level)
{
    if (__builtin_expect(rt_hw_interrupt_enable_inline(level), 1))
        return;
    interrupt_enable_due(level);
}

__attribute__((noinline)) static void interrupt_enable_due(rt_base_t level)
{
    if (!level && sim.booted && sim_irqs.n && rt_interrupt_get_nest() == 0 &&
        (rt_tick_t)(rt_tick_get_raw() - sim_irqs.slot[0].tick) < RT_TICK_MAX / 2)
        deliver_due_irqs();
    /* A tick the CPU model held back while interrupts were masked. */
    if (!level && sim_cpu_budget <= 0 && sim.cpu_hz)
        sim_cpu_ticks_due();
}

/* Run one interrupt handler on the current context (rule 4). */
static void run_interrupt(void (*isr)(void *), void *param)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_interrupt_enter();
    rt_hw_trace(RT_TRACE_IRQ_ENTER, NULL, NULL, 0, NULL);
    sim_irq_masked = 0;
    isr(param);
    sim_irq_masked = 1;
    rt_hw_trace(RT_TRACE_IRQ_LEAVE, NULL, NULL, 0, NULL);
    rt_interrupt_leave();
    if (rt_interrupt_get_nest() == 0 && sim.switch_pending)
    {
        sim.switch_pending = 0;
        rt_ubase_t from = sim.pend_from, to = sim.pend_to;
        if (ctx_of(from) != ctx_of(to))
            switch_contexts(from, to);
    }
    sim_irq_masked = (int)level;
    /* The interrupted thread runs again: signals sent to it meanwhile. */
    if (rt_interrupt_get_nest() == 0 && !level)
        rt_thread_signal_check();
}

/* Rule 8: the pending interrupts are a binary min-heap ordered by
 * (tick - ref, seq).  ref is a tick at or before every pending one (the
 * earliest raised tick when the heap was empty or a tick raised before
 * it; the head's tick after each delivery), so ticks compare modulo the
 * counter's range like everywhere else, and the order of two pending
 * interrupts never changes while they wait: raising or delivering one is
 * O(log n).  seq numbers raising order: equal ticks run first-raised
 * first. */
static int irq_before(const struct sim_irq *a, const struct sim_irq *b, rt_tick_t ref)
{
    rt_tick_t ka = a->tick - ref, kb = b->tick - ref;
    return ka != kb ? ka < kb : a->seq < b->seq;
}

static void irq_sift_down(struct sim_irq_queue *q, size_t i)
{
    struct sim_irq e = q->slot[i];
    for (;;)
    {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && irq_before(&q->slot[c + 1], &q->slot[c], q->ref))
            c++;
        if (!irq_before(&q->slot[c], &e, q->ref))
            break;
        q->slot[i] = q->slot[c];
        i = c;
    }
    q->slot[i] = e;
}

/* Add one; 0, or -1 out of memory. */
static int irq_push(struct sim_irq_queue *q, rt_tick_t tick, void (*isr)(void *), void *param)
{
    if (q->n == q->cap)
    {
        size_t cap = q->cap ? 2 * q->cap : 64;
        struct sim_irq *slot = cap > ((size_t)-1) / sizeof *slot ? NULL
                             : realloc(q->slot, cap * sizeof *slot);
        if (!slot)
            return -1;
        q->slot = slot;
        q->cap = cap;
    }
    /* A tick before ref becomes ref: every pending key grows by the same
     * amount, their order stays. */
    if (q->n == 0 || (rt_tick_t)((rt_tick_t)(q->ref - tick) - 1) < RT_TICK_MAX / 2 - 1)
        q->ref = tick;
    struct sim_irq e = { tick, q->seq++, isr, param };
    size_t i = q->n++;
    while (i > 0 && irq_before(&e, &q->slot[(i - 1) / 2], q->ref))
    {
        q->slot[i] = q->slot[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->slot[i] = e;
    return 0;
}

/* Remove the head (q->n > 0). */
static struct sim_irq irq_pop(struct sim_irq_queue *q)
{
    struct sim_irq head = q->slot[0];
    if (--q->n > 0)
    {
        q->slot[0] = q->slot[q->n];
        irq_sift_down(q, 0);
        /* The new head is the earliest: every key shrinks alike. */
        q->ref = q->slot[0].tick;
    }
    return head;
}

void sim_irqs_free(struct sim_irq_queue *q)
{
    free(q->slot);
    memset(q, 0, sizeof *q);
}

static void deliver_due_irqs(void)
{
    while (sim_irqs.n && (rt_tick_t)(rt_tick_get_raw() - sim_irqs.slot[0].tick) < RT_TICK_MAX / 2)
    {
        struct sim_irq e = irq_pop(&sim_irqs);
        run_interrupt(e.isr, e.param);
    }
}

static void tick_isr(void *param)
{
    (void)param;
    rt_tick_increase();
}

static void report_threads(void);

/* One tick interrupt, then the interrupts raised for the new tick. */
static void tick_interrupt(void)
{
    foreign_thread_honour();
    if (sim.cfg.tick_limit && rt_tick_get_raw() + 1 >= sim.cfg.tick_limit)
    {
        sim_report("rtsim: tick limit %lu reached; the threads were doing:\n",
                   (unsigned long)sim.cfg.tick_limit);
        report_threads();
        sim_end_run(RT_SIM_ETICKLIMIT);
    }
    sim_cpu_tick_started();
    sim_wd_beat();
    __atomic_store_n(&sim_wd_snap.tick, (unsigned long)rt_tick_get_raw() + 1, __ATOMIC_RELAXED);
    run_interrupt(tick_isr, NULL);
    deliver_due_irqs();
}

/* cpu.c rule 3: the running thread's CPU time reached the next tick. */
void sim_cpu_ticks_due(void)
{
    struct sim_ctx *self = sim_self;
    while (sim_cpu_budget <= 0 && sim.cpu_hz && sim.booted && !sim_irq_masked &&
           self && self != &sim.host && rt_interrupt_get_nest() == 0)
        tick_interrupt();
}

int rt_sim_irq_at(rt_tick_t tick, void (*isr)(void *param), void *param)
{
    FILE *err = sim.running && sim.cfg.report ? sim.cfg.report : stderr;
    rt_tick_t now0 = sim.running ? rt_tick_get_raw() : 0;
    if (isr == NULL)
    {
        fprintf(err, "rtsim: rt_sim_irq_at: the handler is NULL\n");
        fflush(err);
        return -1;
    }
    /* Ticks compare modulo the counter's range: one half of it or more
     * ahead would read as a tick in the past and fire at once. */
    if (tick > now0 && tick - now0 >= RT_TICK_MAX / 2)
    {
        fprintf(err, "rtsim: rt_sim_irq_at: tick %lu is beyond the tick counter's range "
                "(now %lu; at most %lu ticks ahead)\n", (unsigned long)tick,
                (unsigned long)now0, (unsigned long)(RT_TICK_MAX / 2 - 1));
        fflush(err);
        return -1;
    }
    if (irq_push(&sim_irqs, tick, isr, param) != 0)
    {
        fprintf(err, "rtsim: rt_sim_irq_at: out of host memory\n");
        fflush(err);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- time */
void rt_hw_tick_polled(void)
{
    struct sim_ctx *c = sim_self;
    if (!sim.booted || sim_irq_masked || !c || c == &sim.host || sim.cfg.poll_ticks_after == 0)
        return;
    if (++c->polls >= sim.cfg.poll_ticks_after)
    {
        c->polls = 0;
        tick_interrupt();
    }
}

void rt_hw_us_delay(rt_uint32_t us)
{
    if (sim.cpu_hz)
    {
        /* CPU model on: the delay is CPU time like any other (cpu.c). */
        sim_cpu_charge((unsigned long long)us * sim.cpu_hz / 1000000u);
        return;
    }
    const unsigned long us_per_tick = 1000000ul / RT_TICK_PER_SECOND;
    sim.us_accum += us;
    while (sim.us_accum >= us_per_tick)
    {
        sim.us_accum -= us_per_tick;
        if (!sim_irq_masked && rt_interrupt_get_nest() == 0)
            tick_interrupt();
        else
            rt_tick_set(rt_tick_get_raw() + 1);
    }
}

static void pace(rt_tick_t ticks)
{
    if (sim.cfg.realtime <= 0 || ticks == 0)
        return;
    double seconds = (double)ticks / RT_TICK_PER_SECOND / sim.cfg.realtime;
    if (seconds > 5.0)
        seconds = 5.0;
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    /* Unlocking is not needed: nobody else may run while we wait.  The
     * wait is on purpose: the wall-clock watchdog looks away. */
    rt_sim_watchdog_pause(1);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    rt_sim_watchdog_pause(0);
}

/* --------------------------------------------------------------- idle */
static int live_thread_count(void)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Thread);
    rt_thread_t idle = rt_thread_idle_gethandler();
    int n = 0;
    rt_list_t *node;
    rt_list_for_each(node, &info->object_list)
    {
        rt_thread_t t = (rt_thread_t)rt_list_entry(node, struct rt_object, list);
        rt_uint8_t stat = t->stat & RT_THREAD_STAT_MASK;
        if (t != idle && (stat == RT_THREAD_READY || stat == RT_THREAD_SUSPEND ||
                          stat == RT_THREAD_RUNNING))
            n++;
    }
    return n;
}

/* Does some suspended thread wait with a timeout (so time will wake it)? */
static int some_thread_times_out(void)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Thread);
    rt_list_t *node;
    rt_list_for_each(node, &info->object_list)
    {
        rt_thread_t t = (rt_thread_t)rt_list_entry(node, struct rt_object, list);
        if ((t->stat & RT_THREAD_STAT_MASK) == RT_THREAD_SUSPEND &&
            (t->thread_timer.parent.flag & RT_TIMER_FLAG_ACTIVATED))
            return 1;
    }
    return 0;
}

/* What a thread is doing, for the reports. */
static void describe_thread(rt_thread_t t, char *what, size_t n)
{
    rt_uint8_t stat = t->stat & RT_THREAD_STAT_MASK;
    int timed = (t->thread_timer.parent.flag & RT_TIMER_FLAG_ACTIVATED) != 0;
    if (stat != RT_THREAD_SUSPEND)
    {
        snprintf(what, n, "%s", t == rt_thread_self() ? "running" : "ready to run");
        return;
    }
    int k;
    if (t->wait_object)
        k = snprintf(what, n, "%s \"%.*s\"", sim_object_class_name(t->wait_object),
                     RT_NAME_MAX, t->wait_object->name);
    else if (timed)
        k = snprintf(what, n, "sleeping");
    else
        k = snprintf(what, n, "nothing (suspended)");
    if (timed && k > 0 && (size_t)k < n)
        snprintf(what + k, n - (size_t)k, "%s until tick %lu", t->wait_object ? "," : "",
                 (unsigned long)t->thread_timer.timeout_tick);
}

static void report_table(int all)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Thread);
    rt_thread_t idle = rt_thread_idle_gethandler();
    rt_list_t *node;

    sim_report("  %-*s pri  state    since  %s\n", RT_NAME_MAX, "thread", all ? "doing" : "waits on");
    /* Oldest thread first reads best: walk the newest-first list backwards. */
    for (node = info->object_list.prev; node != &info->object_list; node = node->prev)
    {
        rt_thread_t t = (rt_thread_t)rt_list_entry(node, struct rt_object, list);
        rt_uint8_t stat = t->stat & RT_THREAD_STAT_MASK;
        if (t == idle || (stat != RT_THREAD_SUSPEND &&
                          (!all || (stat != RT_THREAD_READY && stat != RT_THREAD_RUNNING))))
            continue;
        char what[96];
        describe_thread(t, what, sizeof what);
        if (stat == RT_THREAD_SUSPEND)
            sim_report("  %-*.*s %3d  suspend %6lu  %s\n", RT_NAME_MAX, RT_NAME_MAX, t->name,
                       t->current_priority, (unsigned long)t->wait_since, what);
        else
            sim_report("  %-*.*s %3d  %-7s %6s  %s\n", RT_NAME_MAX, RT_NAME_MAX, t->name,
                       t->current_priority, t == rt_thread_self() ? "running" : "ready", "-",
                       what);
    }
}

static rt_thread_t find_mutex_cycle(void);
static void report_cycle_lines(rt_thread_t start);

/* The tick-limit report: every thread and what it was doing, and a cycle
 * of mutex waits if there is one (timers kept the run going). */
static void report_threads(void)
{
    report_table(1);
    rt_thread_t cycle = find_mutex_cycle();
    if (cycle)
    {
        sim_report("  and a deadlock: a cycle of threads, each waiting for a mutex the next one "
                   "holds:\n");
        report_cycle_lines(cycle);
    }
}

#ifdef RT_USING_MUTEX
/* The mutex a suspended thread waits for, or NULL. */
static rt_mutex_t waits_for_mutex(rt_thread_t t)
{
    if ((t->stat & RT_THREAD_STAT_MASK) != RT_THREAD_SUSPEND || !t->wait_object ||
        rt_object_get_type(t->wait_object) != RT_Object_Class_Mutex)
        return NULL;
    return (rt_mutex_t)t->wait_object;
}

/* A thread on a cycle of mutex waits (each waits for a mutex the next one
 * holds, the last for one the first holds), or NULL. */
static rt_thread_t find_mutex_cycle(void)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Thread);
    int n = 0;
    rt_list_t *node;
    rt_list_for_each(node, &info->object_list)
        n++;
    for (node = info->object_list.prev; node != &info->object_list; node = node->prev)
    {
        rt_thread_t start = (rt_thread_t)rt_list_entry(node, struct rt_object, list);
        rt_thread_t t = start;
        for (int step = 0; step < n; step++)
        {
            rt_mutex_t m = waits_for_mutex(t);
            if (!m || !m->owner)
                break;
            t = m->owner;
            if (t == start)
                return start;
        }
    }
    return NULL;
}

static void report_cycle_lines(rt_thread_t start)
{
    rt_thread_t t = start;
    do
    {
        rt_mutex_t m = waits_for_mutex(t);
        sim_report("  \"%.*s\" waits for mutex \"%.*s\" held by \"%.*s\"\n", RT_NAME_MAX, t->name,
                   RT_NAME_MAX, m->parent.parent.name, RT_NAME_MAX, m->owner->name);
        t = m->owner;
    } while (t != start);
}

#else
/* Without mutexes (-Drtconfig) no thread can hold what another waits for. */
static rt_thread_t find_mutex_cycle(void)
{
    return NULL;
}

static void report_cycle_lines(rt_thread_t start)
{
    (void)start;
}
#endif

static void report_cycle(rt_thread_t start)
{
    sim_report("rtsim: deadlock at tick %lu: a cycle of threads, each waiting for a mutex the "
               "next one holds:\n", (unsigned long)rt_tick_get_raw());
    report_cycle_lines(start);
    report_table(0);
}

/* Rule 6: nothing can happen again and threads are left. */
RT_NORETURN static void end_with_waiters(const char *why)
{
    rt_thread_t cycle = find_mutex_cycle();
    if (cycle)
    {
        report_cycle(cycle);
        sim_end_run(RT_SIM_EDEADLOCK);
    }
    if (sim.cfg.waiting_ok)
    {
        sim.waiting_end = 1;
        sim_end_run(RT_SIM_OK);
    }
    sim_report("rtsim: waiting forever at tick %lu: %s (no cycle of mutex waits: not a "
               "deadlock; cfg.waiting_ok makes this a clean end)\n",
               (unsigned long)rt_tick_get_raw(), why);
    report_table(0);
    sim_end_run(RT_SIM_EWAITING);
}

#if RTSIM_V5_API
int rt_hw_cpu_id(void)
{
    return 0;
}
#endif

void rt_hw_cpu_idle(void)
{
    join_zombies();
    foreign_thread_honour();

    rt_tick_t now = rt_tick_get_raw();
    if (sim_irqs.n && (rt_tick_t)(now - sim_irqs.slot[0].tick) < RT_TICK_MAX / 2)
    {
        deliver_due_irqs();
        return;
    }

    /* The next event: the earliest timer or raised interrupt. */
    int have = 0;
    rt_tick_t wait = 0;
    rt_tick_t next_timer = rt_timer_next_timeout_tick();
    if (rt_timer_active_count() > 0)
    {
        rt_tick_t d = next_timer - now;
        wait = d >= RT_TICK_MAX / 2 ? 0 : d;
        have = 1;
    }
    if (sim_irqs.n)
    {
        rt_tick_t d = sim_irqs.slot[0].tick - now;
        if (!have || d < wait)
            wait = d;
        have = 1;
    }
    if (!have)
    {
        if (live_thread_count() == 0)
            sim_end_run(RT_SIM_OK);
        end_with_waiters("every remaining thread waits for something no thread, timer or "
                         "interrupt will give");
    }
    /* The tick test first: the two walks over every thread run only when
     * a stall is possible (an idle pass per timer tick must not cost
     * O(threads), issue 19). */
    if (sim.cfg.stall_ticks && (rt_tick_t)(now - sim.last_run_tick) >= sim.cfg.stall_ticks &&
        live_thread_count() > 0 && !some_thread_times_out())
    {
        char why[128];
        snprintf(why, sizeof why, "for %lu ticks only timers have fired; every thread waits "
                 "without a timeout", (unsigned long)(now - sim.last_run_tick));
        end_with_waiters(why);
    }
    if (wait == 0)
        wait = 1;
    /* Idle hooks run at least once per idle tick (rule 5a); interrupt
     * enter/leave hooks see every tick interrupt. */
    if (rt_thread_idle_hook_count() > 0 || rt_interrupt_hook_count() > 0)
        wait = 1;
    if (sim.cfg.tick_limit && (rt_tick_t)(now + wait) > sim.cfg.tick_limit)
        wait = sim.cfg.tick_limit - now;
    pace(wait);
    /* Jump: the ticks in between would find nothing to do. */
    if (wait > 1)
        rt_tick_set(now + wait - 1);
    tick_interrupt();
}

/* ------------------------------------------------------- console, assert */
/* Did the last text on the console end inside a line?  (The utest runner
 * starts its verdict on a line of its own after a run stopped in the
 * middle of a print: sim/utest.c.) */
static int console_mid_line;

int sim_console_mid_line(void)
{
    return console_mid_line;
}

void sim_console_track(const char *str)
{
    size_t n = strlen(str);

    if (n != 0)
        console_mid_line = str[n - 1] != '\n';
}

void sim_console_untimed(const char *str)
{
    sim_console_track(str);
    if (sim.running && sim.cfg.console)
        sim.cfg.console(sim.cfg.console_ctx, str);
    else
        fputs(str, stdout);
}

void rt_hw_console_output(const char *str)
{
    sim_console_untimed(str);
    /* Console time (cpu.c rule 5): the UART sends every character, and a
     * '\r' before each '\n' as RT-Thread's BSP console drivers do. */
    if (sim.running && sim.cpu_hz)
    {
        unsigned long chars = 0;
        for (const char *p = str; *p; p++)
            chars += *p == '\n' ? 2 : 1;
        sim_cpu_charge(sim_cpu_uart_cycles(chars));
    }
}

void rt_hw_assert_failed(const char *ex, const char *func, rt_size_t line)
{
    rt_kprintf("(%s) assertion failed at function:%s, line number:%d \n", ex, func, (int)line);
    if (!sim.running)
    {
        fprintf(stderr, "rtsim: assertion failed outside a run: (%s) in %s, line %d\n",
                ex, func, (int)line);
        abort();
    }
    rt_thread_t t = sim.booted ? rt_thread_self() : NULL;
    /* Line 0: one of the kernel's context checks (RT_DEBUG_NOT_IN_INTERRUPT
     * and its kin), which name the function, not a line. */
    if (line)
        sim_report("rtsim: assertion failed: (%s) in %s, line %d\n", ex, func, (int)line);
    else
        sim_report("rtsim: assertion failed: (%s) in %s\n", ex, func);
    sim_report("  thread \"%.*s\", tick %lu%s\n", RT_NAME_MAX, t ? t->name : "(boot)",
               (unsigned long)rt_tick_get_raw(), rt_interrupt_get_nest() ? ", in an interrupt" : "");
    sim_end_run(RT_SIM_EASSERT);
}

/* --------------------------------------------------------- run control */
void sim_end_run(int code)
{
    if (!sim.result_set)
    {
        sim.result = code;
        sim.result_set = 1;
    }
    struct sim_ctx *self = sim_self;
    if (self == &sim.host || !sim.booted)
        longjmp(sim.host_jmp, 1);
    sim_host_notify_end();
    /* Parked for good: teardown kills us. */
    for (;;)
        ctx_park(self);
}

void rt_sim_stop(int code)
{
    if (!sim_self)
    {
        /* A host thread of the program: the run stops at its next
         * scheduling point, and this thread ends (see above). */
        foreign_thread_check(1, code);
    }
    sim_end_run(code ? code : RT_SIM_ESTOPPED);
}

void sim_port_reset(void)
{
    sim.cpu = sched_getcpu();
    sim.live = NULL;
    sim.zombies = NULL;
    sim_irq_masked = 0;
    sim.switch_pending = 0;
    sim.us_accum = 0;
    sim.booted = 0;
}

/* End every remaining thread (rule 3) and join them all. */
void sim_port_teardown(void)
{
    while (sim.live)
        ctx_kill(sim.live);
    join_zombies();
    sim_irqs_free(&sim_irqs);
    sim.booted = 0;
}
