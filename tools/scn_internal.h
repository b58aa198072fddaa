/*
 * scn_internal.h - what the scenario runner's files share (tools/ only):
 * scn_run.c owns the run (its state, output, snapshots, threads and irqs,
 * sessions) and dispatches each statement; the statement families live in
 * scn_mem.c (heaps, pools, malloc/free), scn_query.c (expect, check,
 * stats, map, board, headers), scn_sync.c (semaphores, mutexes) and
 * scn_msg.c (mailboxes, message queues); scn_owner.c knows who owns each
 * block and scn_heaps.c dispatches to the heap algorithms.
 */
#ifndef RTSIM_SCN_INTERNAL_H__
#define RTSIM_SCN_INTERNAL_H__

#include <stdio.h>
#include <rtthread.h>
#include "heapmap.h"
#include "scenario.h"

/* ---- scn_owner.c */
/* Start a run's bookkeeping; returns the stream to give the run as
 * cfg.trace (it forwards to `forward`, the user's --trace file, if any). */
FILE *scn_owner_begin(FILE *forward);
void scn_owner_end(void);
/* Name the block whose data starts at target address `addr`; NULL leaves
 * that part as it was. */
void scn_owner_set(unsigned long addr, const char *label, const char *thread);
void scn_owner_remove(unsigned long addr);
/* An hm_owner_fn. */
void scn_owner_of(unsigned long data, char label[40], char thread[16]);

/* ---- scn_heaps.c: kinds are enum hm_obj_kind */
int scn_algo_kind(const char *algo);        /* -1 when unknown */
int scn_algo_built(int kind);               /* is it in this build? */
/* The heap's handle, or NULL when the range is too small. */
void *scn_heap_init(int kind, const char *name, void *begin, rt_size_t size);
void *scn_heap_alloc(const struct hm_object *o, rt_size_t size);
void *scn_heap_realloc(const struct hm_object *o, void *p, rt_size_t size);
void scn_heap_free(const struct hm_object *o, void *p);
int scn_heap_check(const struct hm_object *o);

/* ---- scn_run.c: the run's state, shared by the statement families */
enum var_kind { VAR_BLOCK, VAR_POOL_BLOCK, VAR_WORD /* a value from a mailbox */ };

struct scn_var
{
    char name[32];
    int kind;
    void *ptr;          /* host pointer (NULL = the call failed) */
    int obj;            /* index in objs: heap of a block, pool of a pool block; -1 = system heap */
};

#define SCN_MAX_OBJS 16

struct scn_state
{
    struct scn_options opt;
    struct hm_object objs[SCN_MAX_OBJS];
    char obj_names[SCN_MAX_OBJS][RT_NAME_MAX + 1];
    void *obj_backing[SCN_MAX_OBJS];    /* block of the system heap under it */
    int nobjs;
    struct scn_var *vars;
    int nvars, cap_vars;
    struct hm_snapshot *snaps;
    char **texts;
    int nsnaps, cap_snaps;
    struct hm_log log;                  /* echo and say lines, for --html */
    int cap_log;
    struct hm_snapshot *pictures;       /* every `map`, drawn by --svg as panels */
    int npictures;
    char since_map[400];                /* memory statements since the last `map` */
    int failures;
    int step;
    FILE *tap;                          /* the run's trace (scn_owner.c) */
    const struct scn_stmt *isr_stmt;    /* statement of the running irq body */
    int expect_outcome;                 /* scn_run: RT_SIM_* the program expects */
};
extern struct scn_state scn_st;         /* zeroed by scn_session_begin and _end */

/* ---- scn_run.c: helpers for the statement families */
/* Print "[tick N] thread  text" (and keep it for --html). */
void scn_echo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a run-time error at statement s; counts as a failure. */
void scn_error(const struct scn_stmt *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Note s among the memory statements since the last `map`, and take a map
 * step when --map/--svg/--html asks for them (`what` captions a step with
 * no statement). */
void scn_snapshot(const struct scn_stmt *s, const char *what);
void scn_step(const struct scn_stmt *s);        /* scn_snapshot(s, NULL) */
/* A --junit / --tap case for statement s (or the run, by name). */
void scn_add_case(const struct scn_stmt *s, const char *name, const char *failure);
const char *scn_self_name(void);                /* "main", "isr/t1", "-" */
unsigned long scn_taddr(const void *p);         /* target address, 0 for NULL */
const char *scn_addr_str(const void *p);        /* "0x2000....", "NULL" */
struct scn_var *scn_var_find(const char *name);
/* Create or change a variable; a block it names gets its owner label. */
struct scn_var *scn_var_set(const char *name, int kind, void *ptr, int obj);
int scn_obj_find(const char *name);             /* index in scn_st.objs or -1 */
int scn_is_pool(int o);
/* A variable's pointer; returns -1 when there is no such variable. */
int scn_var_get(const char *name, void **ptr);
/* VAR = a word that came out of a mailbox or queue: when it is the address
 * of a block some variable names, VAR names that block too (returns that
 * variable's name); otherwise VAR holds a plain value (returns NULL). */
const char *scn_var_put(const char *name, void *word);

/* ---- the statement families: each returns 0 when s is not one of its own */
int scn_mem_exec(const struct scn_stmt *s);     /* scn_mem.c */
int scn_query_exec(const struct scn_stmt *s);   /* scn_query.c */
int scn_sync_exec(const struct scn_stmt *s);    /* scn_sync.c */
void scn_sync_reset(void);
void scn_sync_names(void (*fn)(void *ctx, const char *name), void *ctx);

/* ---- scn_msg.c: mailbox and message-queue statements */
void scn_msg_reset(void);
int scn_msg_exec(const struct scn_stmt *s);     /* 0: not one of them */

#endif
