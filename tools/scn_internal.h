/*
 * scn_internal.h - what the scenario runner's files share (tools/ only):
 * scn_run.c runs statements, scn_owner.c knows who owns each block,
 * scn_heaps.c dispatches to the heap algorithms, scn_msg.c runs the
 * mailbox and message-queue statements.
 */
#ifndef RTSIM_SCN_INTERNAL_H__
#define RTSIM_SCN_INTERNAL_H__

#include <stdio.h>
#include <rtthread.h>
#include "heapmap.h"

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

/* ---- scn_run.c, for the statement families in other files */
struct scn_stmt;
void scn_echo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void scn_error(const struct scn_stmt *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void scn_step(const struct scn_stmt *s);        /* a map step, if asked for */
unsigned long scn_taddr(const void *p);
const char *scn_addr_str(const void *p);
/* A variable's pointer; returns -1 when there is no such variable. */
int scn_var_get(const char *name, void **ptr);
/* VAR = a word that came out of a mailbox or queue: when it is the address
 * of a block some variable names, VAR names that block too (returns that
 * variable's name); otherwise VAR holds a plain value (returns NULL). */
const char *scn_var_put(const char *name, void *word);

/* ---- scn_msg.c: mailbox and message-queue statements */
void scn_msg_reset(void);
int scn_msg_exec(const struct scn_stmt *s);     /* 0: not one of them */

#endif
