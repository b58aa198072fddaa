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
 *     runs: the clock jumps to the next timer deadline or raised interrupt;
 *     (b) when a thread has polled the clock cfg.poll_ticks_after times in
 *     a row without blocking; (c) from rt_hw_us_delay.  Nothing ever waits
 *     on the wall clock unless real-time pacing was asked for.
 */
#define _GNU_SOURCE
#include <errno.h>
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
__thread struct sim_ctx *sim_self;

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

static void ctx_unlink(struct sim_ctx **list, struct sim_ctx *c)
{
    for (struct sim_ctx **pp = list; *pp; pp = &(*pp)->next)
    {
        if (*pp == c)
        {
            *pp = c->next;
            c->next = NULL;
            return;
        }
    }
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
    ctx_unlink(&sim.live, victim);
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
        /* A thread starts with interrupts enabled. */
        sim.irq_masked = 0;
        rt_thread_t self = rt_thread_self();
        char name[16];
        snprintf(name, sizeof name, "%.*s", RT_NAME_MAX, self->name);
        /* Only a name for debuggers: failing to set it changes nothing. */
        (void)pthread_setname_np(pthread_self(), name);

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
    if ((thread_of(from_sp)->stat & RT_THREAD_STAT_MASK) == RT_THREAD_CLOSE)
    {
        ctx_unlink(&sim.live, from);
        from->next = sim.zombies;
        sim.zombies = from;
        ctx_wake(to);
        ctx_leave(from);
    }
    if (thread_of(to_sp) != rt_thread_idle_gethandler())
        sim.last_run_tick = rt_tick_get_raw();
    ctx_wake(to);
    ctx_park(from);
}

void rt_hw_context_switch(rt_ubase_t from, rt_ubase_t to)
{
    switch_contexts(from, to);
}

void rt_hw_context_switch_to(rt_ubase_t to)
{
    sim.booted = 1;
    ctx_wake(ctx_of(to));
    ctx_wait(&sim.host);
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

/* ------------------------------------------------------------ interrupts */
rt_base_t rt_hw_interrupt_disable(void)
{
    rt_base_t level = sim.irq_masked;
    sim.irq_masked = 1;
    return level;
}

static void deliver_due_irqs(void);

void rt_hw_interrupt_enable(rt_base_t level)
{
    sim.irq_masked = (int)level;
    if (!level && sim.booted && sim.irqs && rt_interrupt_get_nest() == 0 &&
        (rt_tick_t)(rt_tick_get_raw() - sim.irqs->tick) < RT_TICK_MAX / 2)
        deliver_due_irqs();
}

/* Run one interrupt handler on the current context (rule 4). */
static void run_interrupt(void (*isr)(void *), void *param)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_interrupt_enter();
    rt_hw_trace(RT_TRACE_IRQ_ENTER, NULL, NULL, 0, NULL);
    sim.irq_masked = 0;
    isr(param);
    sim.irq_masked = 1;
    rt_hw_trace(RT_TRACE_IRQ_LEAVE, NULL, NULL, 0, NULL);
    rt_interrupt_leave();
    if (rt_interrupt_get_nest() == 0 && sim.switch_pending)
    {
        sim.switch_pending = 0;
        rt_ubase_t from = sim.pend_from, to = sim.pend_to;
        if (ctx_of(from) != ctx_of(to))
            switch_contexts(from, to);
    }
    sim.irq_masked = (int)level;
}

static void deliver_due_irqs(void)
{
    while (sim.irqs && (rt_tick_t)(rt_tick_get_raw() - sim.irqs->tick) < RT_TICK_MAX / 2)
    {
        struct sim_irq *e = sim.irqs;
        sim.irqs = e->next;
        void (*isr)(void *) = e->isr;
        void *param = e->param;
        free(e);
        run_interrupt(isr, param);
    }
}

static void tick_isr(void *param)
{
    (void)param;
    rt_tick_increase();
}

/* One tick interrupt, then the interrupts raised for the new tick. */
static void tick_interrupt(void)
{
    if (sim.cfg.tick_limit && rt_tick_get_raw() + 1 >= sim.cfg.tick_limit)
    {
        sim_report("rtsim: tick limit %lu reached\n", (unsigned long)sim.cfg.tick_limit);
        sim_end_run(RT_SIM_ETICKLIMIT);
    }
    run_interrupt(tick_isr, NULL);
    deliver_due_irqs();
}

int rt_sim_irq_at(rt_tick_t tick, void (*isr)(void *param), void *param)
{
    struct sim_irq *e = malloc(sizeof *e);
    if (!e)
        return -1;
    e->tick = tick;
    e->isr = isr;
    e->param = param;
    /* Sorted by tick relative to now; equal ticks keep raising order. */
    rt_tick_t now = sim.running ? rt_tick_get_raw() : 0;
    struct sim_irq **pp = &sim.irqs;
    while (*pp && (rt_tick_t)((*pp)->tick - now) <= (rt_tick_t)(tick - now))
        pp = &(*pp)->next;
    e->next = *pp;
    *pp = e;
    return 0;
}

static void free_irqs(void)
{
    while (sim.irqs)
    {
        struct sim_irq *e = sim.irqs;
        sim.irqs = e->next;
        free(e);
    }
}

/* ---------------------------------------------------------------- time */
void rt_hw_tick_polled(void)
{
    struct sim_ctx *c = sim_self;
    if (!sim.booted || sim.irq_masked || !c || c == &sim.host || sim.cfg.poll_ticks_after == 0)
        return;
    if (++c->polls >= sim.cfg.poll_ticks_after)
    {
        c->polls = 0;
        tick_interrupt();
    }
}

void rt_hw_us_delay(rt_uint32_t us)
{
    const unsigned long us_per_tick = 1000000ul / RT_TICK_PER_SECOND;
    sim.us_accum += us;
    while (sim.us_accum >= us_per_tick)
    {
        sim.us_accum -= us_per_tick;
        if (!sim.irq_masked && rt_interrupt_get_nest() == 0)
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
    /* Unlocking is not needed: nobody else may run while we wait. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
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

static void report_deadlock(void)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Thread);
    rt_thread_t idle = rt_thread_idle_gethandler();
    rt_list_t *node;

    sim_report("rtsim: deadlock at tick %lu: every thread is blocked and no timer or "
               "interrupt can wake one\n", (unsigned long)rt_tick_get_raw());
    sim_report("  %-*s pri  state    since  waits on\n", RT_NAME_MAX, "thread");
    /* Oldest thread first reads best: walk the newest-first list backwards. */
    for (node = info->object_list.prev; node != &info->object_list; node = node->prev)
    {
        rt_thread_t t = (rt_thread_t)rt_list_entry(node, struct rt_object, list);
        rt_uint8_t stat = t->stat & RT_THREAD_STAT_MASK;
        if (t == idle || stat != RT_THREAD_SUSPEND)
            continue;
        char what[64];
        if (t->wait_object)
            snprintf(what, sizeof what, "%s \"%.*s\"", sim_object_class_name(t->wait_object),
                     RT_NAME_MAX, t->wait_object->name);
        else
            snprintf(what, sizeof what, "nothing (suspended)");
        sim_report("  %-*.*s %3d  suspend %6lu  %s\n", RT_NAME_MAX, RT_NAME_MAX, t->name,
                   t->current_priority, (unsigned long)t->wait_since, what);
    }
}

void rt_hw_cpu_idle(void)
{
    join_zombies();

    rt_tick_t now = rt_tick_get_raw();
    if (sim.irqs && (rt_tick_t)(now - sim.irqs->tick) < RT_TICK_MAX / 2)
    {
        deliver_due_irqs();
        return;
    }
    if (live_thread_count() == 0)
        sim_end_run(RT_SIM_OK);

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
    if (sim.irqs)
    {
        rt_tick_t d = sim.irqs->tick - now;
        if (!have || d < wait)
            wait = d;
        have = 1;
    }
    if (!have)
    {
        report_deadlock();
        sim_end_run(RT_SIM_EDEADLOCK);
    }
    if (sim.cfg.stall_ticks && (rt_tick_t)(now - sim.last_run_tick) >= sim.cfg.stall_ticks &&
        !some_thread_times_out())
    {
        sim_report("rtsim: stalled: for %lu ticks only timers have fired; every thread waits "
                   "without a timeout\n", (unsigned long)(now - sim.last_run_tick));
        report_deadlock();
        sim_end_run(RT_SIM_EDEADLOCK);
    }
    if (wait == 0)
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
void rt_hw_console_output(const char *str)
{
    if (sim.running && sim.cfg.console)
        sim.cfg.console(sim.cfg.console_ctx, str);
    else
        fputs(str, stdout);
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
    ctx_wake(&sim.host);
    /* Parked for good: teardown kills us. */
    for (;;)
        ctx_park(self);
}

void rt_sim_stop(int code)
{
    sim_end_run(code ? code : RT_SIM_ESTOPPED);
}

void sim_port_reset(void)
{
    sim.cpu = sched_getcpu();
    sim.live = NULL;
    sim.zombies = NULL;
    sim.irq_masked = 0;
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
    free_irqs();
    sim.booted = 0;
}
