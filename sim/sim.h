/*
 * sim.h - internals shared by the files of sim/ (the host port).
 *
 * Execution model: one host thread (pthread) per RT-Thread thread, plus the
 * host thread that called rt_sim_run.  A single mutex, sim.lock, is "the
 * CPU": whoever holds it runs; everybody else is parked on their own
 * condition variable waiting for their permit.  A context switch gives the
 * permit to the next context and parks on its own; the kernel's scheduler
 * decides who is next, the port only obeys.
 */
#ifndef RTSIM_SIM_H__
#define RTSIM_SIM_H__

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

#include <rthw.h>
#include <rtthread.h>
#include "rtsim.h"
#include "board.h"

struct sim_ctx
{
    pthread_t       tid;
    pthread_cond_t  cond;
    int             permit;     /* set by whoever hands us the CPU */
    int             kill;       /* teardown: leave instead of running */
    int             has_thread; /* tid is a live or unjoined pthread */
    struct sim_ctx *killer;     /* context to hand the CPU back to on kill */
    void          (*entry)(void *);
    void           *param;
    void          (*texit)(void);
    jmp_buf         exit_jmp;   /* where a leaving thread unwinds to */
    unsigned        polls;      /* consecutive clock polls (busy-wait) */
    struct sim_ctx *next;       /* on sim.live or sim.zombies */
    struct sim_ctx **pprev;     /* on sim.live: the link pointing at us */
};

/* struct sim_irq and struct sim_irq_queue (the raised interrupts,
 * sim_irqs), PRIMASK (sim_irq_masked), sim_self, sim_cpu_budget and the
 * watchdog's beat are in include/rtport_irq.h (through <rthw.h>): the
 * kernel masks and unmasks interrupts inline on its shortest paths. */

struct sim_state
{
    int running;                    /* inside rt_sim_run */
    int booted;                     /* the scheduler has started */
    int result;                     /* rt_sim_run's return code */
    int result_set;
    /* A host thread rtsim does not run made a kernel call (1) or called
     * rt_sim_stop (2); the run ends at its next scheduling point. */
    int foreign;
    int foreign_code;
    char foreign_call[64];
    struct rt_sim_config cfg;

    struct sim_ctx  host;           /* the rt_sim_run caller */
    jmp_buf         host_jmp;       /* failure before the scheduler runs */
    struct sim_ctx *live;           /* contexts whose pthread may run */
    struct sim_ctx *zombies;        /* ended, waiting to be joined */

    int switch_pending;             /* requested inside an interrupt */
    rt_ubase_t pend_from, pend_to;

    unsigned long us_accum;         /* rt_hw_us_delay remainder */

    struct sim_board board;
    struct rt_sim_region region[SIM_BOARD_MAX_REGIONS];
    unsigned char *region_mem[SIM_BOARD_MAX_REGIONS];

    unsigned long long rand_state;
    int cpu;                        /* core every context is pinned to, or -1 */
    rt_tick_t last_run_tick;        /* when a thread other than idle last ran */

    /* CPU model (cpu.c) */
    unsigned long cpu_hz;           /* 0 = off */
    unsigned long uart_baud;
    int cycles_per_tick;
    double wall_timeout;            /* seconds, 0 = no watchdog */
    int waiting_end;                /* ended with threads waiting forever */
};

/* cpu.c: the CPU model.  A basic block of instrumented code costs this
 * many cycles (docs/concept-time.md: why 4). */
#define SIM_CYCLES_PER_BLOCK 4
/* Cycles left until the next tick, in the running thread's copy:
 * sim_cpu_budget (include/rtport_irq.h). */
extern int sim_cpu_handoff;         /* the budget, between two threads */
void sim_cpu_setup(void);
void sim_cpu_attach(void);
void sim_cpu_give(void);
void sim_cpu_take(void);
void sim_cpu_tick_started(void);
void sim_cpu_charge(unsigned long long cycles);
unsigned long long sim_cpu_uart_cycles(unsigned long chars);
void sim_wd_drd_ignore(void *addr, unsigned long size);
/* port.c: the budget is used up: the tick interrupt(s) now, if they may. */
void sim_cpu_ticks_due(void);

/* watchdog.c */
struct sim_wd_snapshot
{
    char name[RT_NAME_MAX];
    unsigned char priority;
    unsigned long tick;
};
/* sim_wd_beats and sim_wd_beat(): include/rtport_irq.h */
extern struct sim_wd_snapshot sim_wd_snap;
void sim_wd_annotate(void);
void sim_wd_note_thread(rt_thread_t t);
void sim_host_prepare_wait(void);
void sim_host_wait_end(void);
void sim_host_notify_end(void);

extern struct sim_state sim;
extern pthread_mutex_t sim_lock;
/* sim_self, the running context: include/rtport_irq.h */

/* port.c */
void sim_port_reset(void);
void sim_irqs_free(struct sim_irq_queue *q);
void sim_port_teardown(void);
RT_NORETURN void sim_end_run(int code);
void sim_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_fatal_errno(const char *what, int rc);

/* Every pthread call's result is checked: a failure is a bug in the
 * simulator or an exhausted host, reported and fatal. */
#define CHECK_PT(call)                              \
    do {                                            \
        int rc_ = (call);                           \
        if (rc_ != 0)                               \
            sim_fatal_errno(#call, rc_);            \
    } while (0)

/* The console without console time: the utest harness's own log lines,
 * so that a case's timing does not depend on --quiet. */
void sim_console_untimed(const char *str);
/* Whether the console's last text ended inside a line; _track notes text
 * written to the console another way (the utest runner between runs). */
int sim_console_mid_line(void);
void sim_console_track(const char *str);

/* trace.c */
void sim_trace_line(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *sim_object_class_name(const struct rt_object *obj);

#endif
