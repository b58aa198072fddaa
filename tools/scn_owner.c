/*
 * scn_owner.c - who owns each block, for the heap maps.
 *
 * The event trace (docs/trace.md) names the thread behind every system-heap
 * allocation, and rt_thread_create's two allocations (control block, then
 * stack) are followed by its `create` line.  A stdio cookie stream stands in
 * for the run's trace file: it forwards every byte to the user's --trace
 * file (if any) and reads the lines as they come.  The scenario runner adds
 * what only it knows: the variable that names a block.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <rtthread.h>

#include "scn_internal.h"
#include "xalloc.h"

struct owner
{
    unsigned long addr;     /* target address of the block's data */
    char label[40];
    char thread[16];
};

static struct
{
    struct owner *items;
    int n, cap;
    FILE *forward;          /* the user's --trace file, or NULL */
    FILE *tap;
    char line[512];
    size_t line_len;
    unsigned long last_malloc[2];   /* the two latest allocations */
} own;

/* ----------------------------------------------------------- owners */

static struct owner *owner_find(unsigned long addr)
{
    for (int i = 0; i < own.n; i++)
        if (own.items[i].addr == addr)
            return &own.items[i];
    return NULL;
}

void scn_owner_set(unsigned long addr, const char *label, const char *thread)
{
    if (addr == 0)
        return;
    struct owner *o = owner_find(addr);
    if (!o)
    {
        if (own.n == own.cap)
        {
            own.cap = own.cap ? 2 * own.cap : 64;
            own.items = rtsim_xrealloc(own.items, (size_t)own.cap * sizeof *own.items);
        }
        o = &own.items[own.n++];
        memset(o, 0, sizeof *o);
        o->addr = addr;
    }
    if (label)
        snprintf(o->label, sizeof o->label, "%s", label);
    if (thread)
        snprintf(o->thread, sizeof o->thread, "%s", thread);
}

void scn_owner_remove(unsigned long addr)
{
    struct owner *o = owner_find(addr);
    if (o)
        *o = own.items[--own.n];
}

void scn_owner_of(unsigned long data, char label[40], char thread[16])
{
    struct owner *o = owner_find(data);
    if (o)
    {
        snprintf(label, 40, "%s", o->label);
        snprintf(thread, 16, "%s", o->thread);
    }
}

/* ---------------------------------------------------------- trace tap */

static unsigned long key_ul(const char *line, const char *key)
{
    const char *p = strstr(line, key);
    return p ? strtoul(p + strlen(key), NULL, 0) : 0;
}

static void tap_line(char *line)
{
    char ctx[40], event[24];
    unsigned long tick;
    if (sscanf(line, "%lu %39s %23s", &tick, ctx, event) != 3)
        return;
    const char *thread = strcmp(ctx, "-") == 0 ? "boot" : ctx;
    if (strcmp(event, "malloc") == 0)
    {
        unsigned long a = key_ul(line, " addr=");
        if (a)
        {
            scn_owner_set(a, "", thread);
            own.last_malloc[0] = own.last_malloc[1];
            own.last_malloc[1] = a;
        }
    }
    else if (strcmp(event, "realloc") == 0)
    {
        unsigned long old = key_ul(line, " old="), a = key_ul(line, " addr=");
        struct owner *o = old ? owner_find(old) : NULL;
        char label[40] = "";
        if (o)
            snprintf(label, sizeof label, "%s", o->label);
        if (a && a != old)
        {
            scn_owner_remove(old);
            scn_owner_set(a, label, thread);
        }
    }
    else if (strcmp(event, "free") == 0)
        scn_owner_remove(key_ul(line, " addr="));
    else if (strcmp(event, "ipc-pool") == 0)
    {
        /* rt_mb_create / rt_mq_create: "mb=NAME obj=... addr=..." */
        char kind[3] = "", name[RT_NAME_MAX + 1] = "", label[40];
        const char *p = strstr(line, " ipc-pool ");
        if (p && sscanf(p + 10, "%2[a-z]=%16s", kind, name) == 2)
        {
            snprintf(label, sizeof label, "%s %s", kind, name);
            scn_owner_set(key_ul(line, " obj="), label, NULL);
            snprintf(label, sizeof label, "%s pool %s", kind, name);
            scn_owner_set(key_ul(line, " addr="), label, NULL);
        }
    }
    else if (strcmp(event, "create") == 0)
    {
        /* rt_thread_create allocates the control block, then the stack. */
        char name[RT_NAME_MAX + 1] = "", label[40];
        const char *p = strstr(line, " thread=");
        if (p)
            sscanf(p + 8, "%16s", name);
        snprintf(label, sizeof label, "%s tcb", name);
        if (own.last_malloc[0] && owner_find(own.last_malloc[0]))
            scn_owner_set(own.last_malloc[0], label, NULL);
        snprintf(label, sizeof label, "%s stack", name);
        if (own.last_malloc[1] && owner_find(own.last_malloc[1]))
            scn_owner_set(own.last_malloc[1], label, NULL);
        own.last_malloc[0] = own.last_malloc[1] = 0;
    }
}

static ssize_t tap_write(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    if (own.forward)
        fwrite(buf, 1, n, own.forward);
    for (size_t i = 0; i < n; i++)
    {
        if (buf[i] == '\n')
        {
            own.line[own.line_len] = '\0';
            tap_line(own.line);
            own.line_len = 0;
        }
        else if (own.line_len < sizeof own.line - 1)
            own.line[own.line_len++] = buf[i];
    }
    return (ssize_t)n;
}

static FILE *tap_open(void)
{
    cookie_io_functions_t io = { NULL, tap_write, NULL, NULL };
    FILE *f = fopencookie(NULL, "w", io);
    if (f)
        setvbuf(f, NULL, _IONBF, 0);
    return f;
}

FILE *scn_owner_begin(FILE *forward)
{
    memset(&own, 0, sizeof own);
    own.forward = forward;
    own.tap = tap_open();
    return own.tap;
}

void scn_owner_end(void)
{
    if (own.tap)
        fclose(own.tap);
    free(own.items);
    memset(&own, 0, sizeof own);
}
