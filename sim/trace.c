/*
 * trace.c - the event trace (docs/trace.md).
 *
 * One line per event:  TICK CONTEXT EVENT [key=value ...]
 *   TICK     virtual tick, decimal
 *   CONTEXT  the running thread's name, "isr/NAME" inside an interrupt
 *            that interrupted NAME, or "-" before the scheduler starts
 *   EVENT    create start exit switch ready suspend timeout irq-enter
 *            irq-leave malloc free realloc mp-alloc mp-free ipc-pool
 * Addresses are target addresses (0x%08lx), so the trace of a program is
 * byte-identical from run to run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

const char *sim_object_class_name(const struct rt_object *obj)
{
    switch (obj->type & ~RT_Object_Class_Static)
    {
    case RT_Object_Class_Thread:        return "thread";
    case RT_Object_Class_Semaphore:     return "semaphore";
    case RT_Object_Class_Mutex:         return "mutex";
    case RT_Object_Class_Event:         return "event";
    case RT_Object_Class_MailBox:       return "mailbox";
    case RT_Object_Class_MessageQueue:  return "messagequeue";
    case RT_Object_Class_MemHeap:       return "memheap";
    case RT_Object_Class_MemPool:       return "mempool";
    case RT_Object_Class_Timer:         return "timer";
    case RT_Object_Class_Memory:        return "heap";
    default:                            return "object";
    }
}

/* The thread a line is about: normally the running one; a switch line is
 * written by the thread giving up the CPU. */
static rt_thread_t trace_context;

void sim_trace_line(const char *event, const char *fmt, ...)
{
    FILE *out = sim.cfg.trace;
    if (!out)
        return;
    rt_thread_t cur = trace_context ? trace_context : (sim.booted ? rt_thread_self() : NULL);
    char ctx[RT_NAME_MAX + 8];
    if (!cur)
        snprintf(ctx, sizeof ctx, "-");
    else if (rt_interrupt_get_nest())
        snprintf(ctx, sizeof ctx, "isr/%.*s", RT_NAME_MAX, cur->name);
    else
        snprintf(ctx, sizeof ctx, "%.*s", RT_NAME_MAX, cur->name);
    fprintf(out, "%lu %s %s", (unsigned long)rt_tick_get_raw(), ctx, event);
    if (fmt && *fmt)
    {
        va_list ap;
        va_start(ap, fmt);
        fputc(' ', out);
        vfprintf(out, fmt, ap);
        va_end(ap);
    }
    fputc('\n', out);
}

static const char *name_of(const void *obj)
{
    static char buf[RT_NAME_MAX + 1];
    if (!obj)
        return "-";
    snprintf(buf, sizeof buf, "%.*s", RT_NAME_MAX, ((const struct rt_object *)obj)->name);
    return buf;
}

void rt_hw_trace_event(int event, const void *obj, const void *addr, rt_size_t size, const void *extra)
{
    if (!sim.running || !sim.cfg.trace)
        return;
    unsigned long a = addr ? rt_sim_target_addr(addr) : 0;
    unsigned long x = extra ? rt_sim_target_addr(extra) : 0;
    switch (event)
    {
    case RT_TRACE_THREAD_CREATE:
        sim_trace_line("create", "thread=%s prio=%d stack=%lu", name_of(obj),
                       ((const struct rt_thread *)obj)->init_priority, (unsigned long)size);
        break;
    case RT_TRACE_THREAD_START:
        sim_trace_line("start", "thread=%s", name_of(obj));
        break;
    case RT_TRACE_THREAD_EXIT:
        sim_trace_line("exit", "thread=%s", name_of(obj));
        break;
    case RT_TRACE_SWITCH:
        /* From the boot code (extra = NULL) or from the thread leaving. */
        trace_context = extra ? (rt_thread_t)(uintptr_t)extra : NULL;
        sim_trace_line("switch", "to=%s", name_of(obj));
        trace_context = NULL;
        break;
    case RT_TRACE_READY:
        sim_trace_line("ready", "thread=%s", name_of(obj));
        break;
    case RT_TRACE_SUSPEND:
        sim_trace_line("suspend", "thread=%s", name_of(obj));
        break;
    case RT_TRACE_TIMEOUT:
        sim_trace_line("timeout", "thread=%s", name_of(obj));
        break;
    case RT_TRACE_IRQ_ENTER:
        sim_trace_line("irq-enter", NULL);
        break;
    case RT_TRACE_IRQ_LEAVE:
        sim_trace_line("irq-leave", NULL);
        break;
    case RT_TRACE_MALLOC:
        sim_trace_line("malloc", "heap=%s size=%lu addr=0x%08lx", name_of(obj), (unsigned long)size, a);
        break;
    case RT_TRACE_FREE:
        sim_trace_line("free", "heap=%s addr=0x%08lx", name_of(obj), a);
        break;
    case RT_TRACE_REALLOC:
        sim_trace_line("realloc", "heap=%s size=%lu old=0x%08lx addr=0x%08lx", name_of(obj),
                       (unsigned long)size, x, a);
        break;
    case RT_TRACE_MP_ALLOC:
        sim_trace_line("mp-alloc", "pool=%s addr=0x%08lx", name_of(obj), a);
        break;
    case RT_TRACE_MP_FREE:
        sim_trace_line("mp-free", "pool=%s addr=0x%08lx", name_of(obj), a);
        break;
    case RT_TRACE_IPC_POOL:
        sim_trace_line("ipc-pool", "%s=%s obj=0x%08lx addr=0x%08lx size=%lu",
                       (((const struct rt_object *)obj)->type & ~RT_Object_Class_Static) ==
                       RT_Object_Class_MailBox ? "mb" : "mq", name_of(obj),
                       rt_sim_target_addr(obj), a, (unsigned long)size);
        break;
    default:
        sim_trace_line("event", "id=%d", event);
        break;
    }
}
