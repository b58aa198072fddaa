/*
 * scn_sync.c - the scenario statements for semaphores and mutexes
 * (docs/scenarios.md): `sem NAME VALUE`, `mutex NAME`, `take NAME
 * [TIMEOUT]`, `release NAME`.  A take that would wait says so before it
 * blocks, so the echo shows who waits for what; each kernel call is there
 * only when the configuration has the object (RT_USING_SEMAPHORE,
 * RT_USING_MUTEX).  Mailboxes and message queues are scn_msg.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rthw.h>
#include <rtmm.h>
#include <rtsim.h>

#include "heapmap.h"
#include "scenario.h"
#include "scn_internal.h"
#include "xalloc.h"

/* ------------------------------------------------- semaphores, mutexes */

static struct { char name[RT_NAME_MAX + 1]; int is_mutex; void *handle; } ipc[SCN_MAX_OBJS];
static int nipc;

void scn_sync_reset(void)
{
    memset(ipc, 0, sizeof ipc);
    nipc = 0;
}

void scn_sync_names(void (*fn)(void *ctx, const char *name), void *ctx)
{
    for (int i = 0; i < nipc; i++)
        fn(ctx, ipc[i].name);
}

static int ipc_find(const char *name)
{
    for (int i = 0; i < nipc; i++)
        if (strcmp(ipc[i].name, name) == 0)
            return i;
    return -1;
}

/* The kernel calls behind the statements, each there only when the
 * configuration has the object (RT_USING_SEMAPHORE, RT_USING_MUTEX). */
static const char *ipc_missing(int is_mutex)
{
#ifndef RT_USING_MUTEX
    if (is_mutex)
        return "this rtsim's rtconfig.h has no mutexes (RT_USING_MUTEX)";
#endif
#ifndef RT_USING_SEMAPHORE
    if (!is_mutex)
        return "this rtsim's rtconfig.h has no semaphores (RT_USING_SEMAPHORE)";
#endif
    (void)is_mutex;
    return NULL;
}

static void *ipc_create(int is_mutex, const char *name, rt_uint32_t value)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_create(name, RT_IPC_FLAG_PRIO);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_create(name, value, RT_IPC_FLAG_PRIO);
#endif
    (void)name, (void)value;
    return NULL;
}

static int ipc_would_wait(int is_mutex, void *handle)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
    {
        rt_mutex_t m = handle;
        return m->owner != RT_NULL && m->owner != rt_thread_self();
    }
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return ((rt_sem_t)handle)->value == 0;
#endif
    (void)handle;
    return 0;
}

static rt_err_t ipc_take(int is_mutex, void *handle, rt_int32_t timeout)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_take(handle, timeout);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_take(handle, timeout);
#endif
    (void)handle, (void)timeout;
    return -RT_ENOSYS;
}

static rt_err_t ipc_release(int is_mutex, void *handle)
{
#ifdef RT_USING_MUTEX
    if (is_mutex)
        return rt_mutex_release(handle);
#endif
#ifdef RT_USING_SEMAPHORE
    if (!is_mutex)
        return rt_sem_release(handle);
#endif
    (void)handle;
    return -RT_ENOSYS;
}

static void stmt_ipc_create(const struct scn_stmt *s)
{
    const char *missing = ipc_missing(s->op == SCN_MUTEX);
    if (missing)
        return scn_error(s, "%s", missing);
    if (ipc_find(s->name) >= 0)
        return scn_error(s, "there is already a semaphore or mutex called %s", s->name);
    if (nipc == SCN_MAX_OBJS)
        return scn_error(s, "at most %d semaphores and mutexes", SCN_MAX_OBJS);
    int i = nipc;
    snprintf(ipc[i].name, sizeof ipc[i].name, "%s", s->name);
    ipc[i].is_mutex = s->op == SCN_MUTEX;
    ipc[i].handle = ipc_create(ipc[i].is_mutex, ipc[i].name, (rt_uint32_t)s->num[0]);
    if (!ipc[i].handle)
        return scn_error(s, "no heap room for the object");
    nipc++;
    scn_echo("%s", s->text);
}

static void stmt_take(const struct scn_stmt *s)
{
    int i = ipc_find(s->name);
    if (i < 0)
        return scn_error(s, "no semaphore or mutex called %s", s->name);
    rt_int32_t timeout = s->flag ? RT_WAITING_FOREVER : (rt_int32_t)s->num[0];
    int waits = ipc_would_wait(ipc[i].is_mutex, ipc[i].handle) && timeout != 0;
    if (waits)
        scn_echo("%s: waits", s->text);
    rt_tick_t t0 = rt_tick_get_raw();
    rt_err_t rc = ipc_take(ipc[i].is_mutex, ipc[i].handle, timeout);
    unsigned waited = (unsigned)(rt_tick_get_raw() - t0);
    const char *what = rc == RT_EOK ? "taken" : rc == -RT_ETIMEOUT ? "timed out" : "error";
    if (waits)
        scn_echo("%s -> %s after %u tick%s", s->text, what, waited, waited == 1 ? "" : "s");
    else
        scn_echo("%s -> %s", s->text, what);
}

static void stmt_release(const struct scn_stmt *s)
{
    int i = ipc_find(s->name);
    if (i < 0)
        return scn_error(s, "no semaphore or mutex called %s", s->name);
    scn_echo("%s", s->text);
    rt_err_t rc = ipc_release(ipc[i].is_mutex, ipc[i].handle);
    if (rc != RT_EOK)
        scn_error(s, "release failed (error %d): %s", (int)rc,
                      ipc[i].is_mutex ? "the mutex is not held by this thread" : "full");
}

/* ------------------------------------------------------- dispatch */

int scn_sync_exec(const struct scn_stmt *s)
{
    switch (s->op)
    {
    case SCN_SEM:
    case SCN_MUTEX: stmt_ipc_create(s); return 1;
    case SCN_TAKE: stmt_take(s); return 1;
    case SCN_RELEASE: stmt_release(s); return 1;
    default: return 0;
    }
}
