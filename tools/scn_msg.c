/*
 * scn_msg.c - the scenario statements for mailboxes and message queues
 * (docs/scenarios.md): mailbox, mqueue, mb_send / mq_send (with a timeout:
 * rt_mb_send_wait / rt_mq_send_wait), mb_urgent / mq_urgent, VAR = mb_recv /
 * mq_recv, mb_delete / mq_delete.  A mail is a word: sending a variable
 * sends its block's address; receiving it names the block again, so
 * `free`/`mp_free` work on what came out of the mailbox.  A message queue
 * copies the word's bytes (at most its message size) into its pool.
 */
#include <stdio.h>
#include <string.h>

#include <rtthread.h>

#include "scenario.h"
#include "scn_internal.h"

#define MAX_MSG_OBJS 16

static struct
{
    char name[RT_NAME_MAX + 1];
    int is_mq;
    void *handle;           /* rt_mailbox_t or rt_mq_t; NULL = deleted */
} box[MAX_MSG_OBJS];
static int nbox;

void scn_msg_reset(void)
{
    memset(box, 0, sizeof box);
    nbox = 0;
}

#if defined(RT_USING_MAILBOX) && defined(RT_USING_MESSAGEQUEUE)
static int box_find(const char *name, int is_mq)
{
    for (int i = 0; i < nbox; i++)
        if (box[i].handle && box[i].is_mq == is_mq && strcmp(box[i].name, name) == 0)
            return i;
    return -1;
}

static const char *kind_name(int is_mq)
{
    return is_mq ? "message queue" : "mailbox";
}

static void stmt_create(const struct scn_stmt *s)
{
    int is_mq = s->op == SCN_MQUEUE;
    if (box_find(s->name, 0) >= 0 || box_find(s->name, 1) >= 0)
        return scn_error(s, "there is already a mailbox or queue called %s", s->name);
    if (nbox == MAX_MSG_OBJS)
        return scn_error(s, "at most %d mailboxes and queues", MAX_MSG_OBJS);
    int i = nbox;
    snprintf(box[i].name, sizeof box[i].name, "%s", s->name);
    rt_uint8_t flag = s->flag ? RT_IPC_FLAG_PRIO : RT_IPC_FLAG_FIFO;
    void *pool;
    char label[40];
    if (is_mq)
    {
        rt_mq_t mq = rt_mq_create(box[i].name, (rt_size_t)s->num[0], (rt_size_t)s->num[1], flag);
        if (!mq)
            return scn_error(s, "rt_mq_create failed: the system heap has no room");
        box[i].handle = mq;
        pool = mq->msg_pool;
        scn_echo("%s -> %u slots of %u bytes (%u-byte header + %u) = %lu bytes at %s",
                 s->text, mq->max_msgs, (unsigned)(sizeof(struct rt_mq_message) + mq->msg_size),
                 (unsigned)sizeof(struct rt_mq_message), mq->msg_size,
                 (unsigned long)(mq->max_msgs * (sizeof(struct rt_mq_message) + mq->msg_size)),
                 scn_addr_str(pool));
    }
    else
    {
        rt_mailbox_t mb = rt_mb_create(box[i].name, (rt_size_t)s->num[0], flag);
        if (!mb)
            return scn_error(s, "rt_mb_create failed: the system heap has no room");
        box[i].handle = mb;
        pool = mb->msg_pool;
        scn_echo("%s -> %u mails of %u bytes = %lu bytes at %s", s->text, mb->size,
                 (unsigned)sizeof(rt_ubase_t), (unsigned long)(mb->size * sizeof(rt_ubase_t)),
                 scn_addr_str(pool));
    }
    box[i].is_mq = is_mq;
    nbox++;
    snprintf(label, sizeof label, "%s pool %s", is_mq ? "mq" : "mb", s->name);
    scn_owner_set(scn_taddr(pool), label, NULL);
    snprintf(label, sizeof label, "%s %s", is_mq ? "mq" : "mb", s->name);
    scn_owner_set(scn_taddr(box[i].handle), label, NULL);
    scn_step(s);
}

/* The word a send statement sends: a variable's block address or a number. */
static int send_value(const struct scn_stmt *s, rt_ubase_t *out, char *what, size_t cap)
{
    if (!s->name2)
    {
        *out = (rt_ubase_t)s->num[0];
        snprintf(what, cap, "%lu", (unsigned long)s->num[0]);
        return 0;
    }
    void *p;
    if (scn_var_get(s->name2, &p) < 0)
    {
        scn_error(s, "no variable called %s", s->name2);
        return -1;
    }
    *out = (rt_ubase_t)p;
    snprintf(what, cap, "%s", scn_addr_str(p));
    return 0;
}

static const char *result_text(rt_err_t rc)
{
    switch (rc)
    {
    case RT_EOK:        return "sent";
    case -RT_EFULL:     return "full (-RT_EFULL)";
    case -RT_ETIMEOUT:  return "timed out (-RT_ETIMEOUT)";
    case -RT_EINTR:     return "interrupted (-RT_EINTR)";
    case -RT_ERROR:     return "error (-RT_ERROR: deleted, reset or too long)";
    default:            return "error";
    }
}

static void stmt_send(const struct scn_stmt *s)
{
    int is_mq = s->op == SCN_MQ_SEND || s->op == SCN_MQ_URGENT;
    int urgent = s->op == SCN_MB_URGENT || s->op == SCN_MQ_URGENT;
    int i = box_find(s->name, is_mq);
    if (i < 0)
        return scn_error(s, "no %s called %s", kind_name(is_mq), s->name);
    rt_ubase_t v;
    char what[32];
    if (send_value(s, &v, what, sizeof what))
        return;
    rt_int32_t timeout = !(s->flag & SCN_MSG_WAIT) ? 0
                       : (s->flag & SCN_MSG_FOREVER) ? RT_WAITING_FOREVER : (rt_int32_t)s->num[1];
    int full;
    rt_size_t bytes = sizeof v;
    if (is_mq)
    {
        rt_mq_t mq = box[i].handle;
        full = mq->msg_queue_free == RT_NULL;
        if (bytes > mq->msg_size)
            bytes = mq->msg_size;
    }
    else
    {
        rt_mailbox_t mb = box[i].handle;
        full = mb->entry == mb->size;
    }
    int waits = full && timeout != 0;
    if (waits)
        scn_echo("%s: %s full, waits", s->text, kind_name(is_mq));
    rt_tick_t t0 = rt_tick_get();
    rt_err_t rc;
    if (is_mq)
        rc = urgent ? rt_mq_urgent(box[i].handle, &v, bytes)
                    : rt_mq_send_wait(box[i].handle, &v, bytes, timeout);
    else
        rc = urgent ? rt_mb_urgent(box[i].handle, v) : rt_mb_send_wait(box[i].handle, v, timeout);
    unsigned waited = (unsigned)(rt_tick_get() - t0);
    char copy[48] = "";
    if (is_mq && rc == RT_EOK)
        snprintf(copy, sizeof copy, ", %lu bytes copied", (unsigned long)bytes);
    if (waits)
        scn_echo("%s -> %s%s (%s) after %u tick%s", s->text, urgent ? "urgent " : "",
                 result_text(rc), what, waited, waited == 1 ? "" : "s");
    else
        scn_echo("%s -> %s%s (%s%s)", s->text, urgent && rc == RT_EOK ? "urgent, " : "",
                 result_text(rc), what, copy);
    scn_step(s);
}

static void stmt_recv(const struct scn_stmt *s)
{
    int is_mq = s->op == SCN_MQ_RECV;
    int i = box_find(s->name, is_mq);
    if (i < 0)
        return scn_error(s, "no %s called %s", kind_name(is_mq), s->name);
    rt_int32_t timeout = (s->flag & SCN_MSG_FOREVER) ? RT_WAITING_FOREVER : (rt_int32_t)s->num[1];
    int empty = is_mq ? ((rt_mq_t)box[i].handle)->entry == 0
                      : ((rt_mailbox_t)box[i].handle)->entry == 0;
    int waits = empty && timeout != 0;
    if (waits)
        scn_echo("%s: %s empty, waits", s->text, kind_name(is_mq));
    rt_tick_t t0 = rt_tick_get();
    rt_ubase_t v = 0;
    rt_err_t rc;
    if (is_mq)
    {
        /* 5.x returns the bytes received (docs/rt-thread-5.md), 4.1 RT_EOK. */
        long r = (long)rt_mq_recv(box[i].handle, &v, sizeof v, timeout);
        rc = r >= 0 ? RT_EOK : (rt_err_t)r;
    }
    else
    {
        rc = rt_mb_recv(box[i].handle, &v, timeout);
    }
    unsigned waited = (unsigned)(rt_tick_get() - t0);
    char got[64];
    if (rc == RT_EOK)
    {
        const char *var = scn_var_put(s->var, (void *)v);
        if (var)
            snprintf(got, sizeof got, "%s (%s)", scn_addr_str((void *)v), var);
        else
            snprintf(got, sizeof got, "%lu", (unsigned long)v);
    }
    else
    {
        scn_var_put(s->var, RT_NULL);
        snprintf(got, sizeof got, "NULL, %s",
                 rc == -RT_ETIMEOUT ? "timed out (-RT_ETIMEOUT)"
                 : rc == -RT_EINTR ? "interrupted (-RT_EINTR)" : "error (-RT_ERROR: deleted or reset)");
    }
    if (waits)
        scn_echo("%s -> %s after %u tick%s", s->text, got, waited, waited == 1 ? "" : "s");
    else
        scn_echo("%s -> %s", s->text, got);
    scn_step(s);
}

static void stmt_delete(const struct scn_stmt *s)
{
    int is_mq = s->op == SCN_MQ_DELETE;
    int i = box_find(s->name, is_mq);
    if (i < 0)
        return scn_error(s, "no %s called %s", kind_name(is_mq), s->name);
    void *h = box[i].handle;
    box[i].handle = NULL;
    scn_echo("%s", s->text);
    if (is_mq)
        rt_mq_delete(h);
    else
        rt_mb_delete(h);
    scn_step(s);
}

int scn_msg_exec(const struct scn_stmt *s)
{
    switch (s->op)
    {
    case SCN_MAILBOX:
    case SCN_MQUEUE:    stmt_create(s); return 1;
    case SCN_MB_SEND:
    case SCN_MB_URGENT:
    case SCN_MQ_SEND:
    case SCN_MQ_URGENT: stmt_send(s); return 1;
    case SCN_MB_RECV:
    case SCN_MQ_RECV:   stmt_recv(s); return 1;
    case SCN_MB_DELETE:
    case SCN_MQ_DELETE: stmt_delete(s); return 1;
    default:            return 0;
    }
}
#else
/* A configuration without mailboxes or message queues (-Drtconfig): the
 * statements parse, and running one is an error naming it. */
int scn_msg_exec(const struct scn_stmt *s)
{
    switch (s->op)
    {
    case SCN_MAILBOX: case SCN_MQUEUE: case SCN_MB_SEND: case SCN_MB_URGENT:
    case SCN_MQ_SEND: case SCN_MQ_URGENT: case SCN_MB_RECV: case SCN_MQ_RECV:
    case SCN_MB_DELETE: case SCN_MQ_DELETE:
        scn_error(s, "mailboxes and message queues are not in this build's configuration "
                  "(RT_USING_MAILBOX, RT_USING_MESSAGEQUEUE)");
        return 1;
    default:
        return 0;
    }
}
#endif
