/*
 * check_report.c - checked mode's reports: every "rtsim: memory error"
 * message the checker prints, the history lines under it, and the stop
 * (RT_SIM_EMEMORY).  docs/mistakes.md shows each report as the user sees
 * it; the goldens under tests/ hold them byte for byte.
 *
 * Rules
 * -----
 * M1  A report is a head line (what went wrong), a call line (the call,
 *     its pointer as a board address, the thread, tick and call site) and
 *     the block's history (allocated by, freed by), then the run stops: no
 *     report returns (sim_chk_report_end).
 * M2  A pointer is classified from the most to the least specific: a block
 *     of the wrong kind, inside a block, a block of a pool or another heap,
 *     inside a heap but no block, a heap the program made, a host address,
 *     in no heap at all (sim_chk_report_bad_pointer, _mp_free).
 * M3  A live block that now holds a kernel object (or a running thread's
 *     stack) is reported as a stale pointer; the object lists are walked
 *     only when the block starts like an object or a stack (O(1) first look).
 * M4  The program's own on_memory_error callback runs once, before the stop.
 * M5  Reading a block's bytes goes through check_poison.c's RAM access or,
 *     for the first look of M3, inside rt_hw_mem_enter/leave without ASan.
 *
 * May call: check_record.c (events, lookups), check_region.c (what a
 * pointer belongs to), check_poison.c (sim_chk_ram_word, a span's record),
 * the kernel's object lists (read only), sim_report / sim_end_run.
 * Implements the hooks that only report: rt_hw_mem_corrupted and
 * rt_hw_mem_bad_header.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check_internal.h"

static struct
{
    int failing;                /* a report is being made: no nesting */
    int check_after;            /* the call a whole-heap check follows */
} rep;

static const char *call_name(int call)
{
    switch (call)
    {
    case RT_HW_MEM_MALLOC:       return "rt_malloc";
    case RT_HW_MEM_CALLOC:       return "rt_calloc";
    case RT_HW_MEM_REALLOC:      return "rt_realloc";
    case RT_HW_MEM_FREE:         return "rt_free";
    case RT_HW_MEM_MALLOC_ALIGN: return "rt_malloc_align";
    case RT_HW_MEM_FREE_ALIGN:   return "rt_free_align";
    case RT_HW_MEM_MP_ALLOC:     return "rt_mp_alloc";
    case RT_HW_MEM_MP_FREE:      return "rt_mp_free";
    default:                     break;
    }
    if (RT_HW_MEM_IS_DIRECT(call))      /* a heap made directly (heap_shadow.c) */
    {
        static const char *const names[5][4] = {
            { "rt_smem_alloc", "rt_smem_free", "rt_smem_realloc", "rt_smem call" },
            { "rt_smem_classic_alloc", "rt_smem_classic_free", "rt_smem_classic_realloc",
              "rt_smem_classic call" },
            { "rt_slab_alloc", "rt_slab_free", "rt_slab_realloc", "rt_slab_page call" },
            { "rt_memheap_alloc", "rt_memheap_free", "rt_memheap_realloc", "rt_memheap call" },
            { "rt_tlsf_alloc", "rt_tlsf_free", "rt_tlsf_realloc", "rt_tlsf call" },
        };
        int algo = (call >> 2) & 0xF;
        if (algo < 5)
            return names[algo][call & 3];
    }
    return "?";
}

static const char *obj_name(const struct rt_object *o)
{
    static char buf[RT_NAME_MAX + 1];
    snprintf(buf, sizeof buf, "%.*s", RT_NAME_MAX, o ? o->name : "?");
    return buf;
}

void sim_chk_report_head(const char *kind, int call, const void *ptr,
                         struct rt_hw_mem_site site)
{
    struct chk_event now;
    char when[160];

    sim_chk_now(&now, site);
    sim_chk_event_text(when, sizeof when, &now);
    sim_report("rtsim: memory error: %s\n", kind);
    if (call == RT_HW_MEM_CHECK)
        sim_report("  call   whole-heap check after %s, thread %s\n",
                   call_name(rep.check_after), when);
    else
        sim_report("  call   %s(0x%08lx), thread %s\n", call_name(call),
                   rt_sim_target_addr(ptr), when);
}

void sim_chk_report_block(const struct chk_record *r)
{
    char when[160];

    sim_chk_event_text(when, sizeof when, &r->alloc);
    sim_report("  block  0x%08lx, %lu bytes (capacity %lu) from %s \"%s\", allocated by %s\n",
               rt_sim_target_addr(r->user), (unsigned long)r->size, (unsigned long)r->capacity,
               r->is_pool ? "pool" : "heap", obj_name(r->heap), when);
    if (r->freed)
    {
        sim_chk_event_text(when, sizeof when, &r->free);
        sim_report("         freed by %s\n", when);
    }
}

/* Stop the run: RT_SIM_EMEMORY. */
RT_NORETURN void sim_chk_report_end(void)
{
    sim_annotate_abandon();
    if (sim.cfg.on_memory_error && !rep.failing)
    {
        rep.failing = 1;
        sim.cfg.on_memory_error();
    }
    sim_end_run(RT_SIM_EMEMORY);
}

RT_NORETURN void sim_chk_report_use_after_free(const struct chk_record *r,
                                               const unsigned char *at, int call,
                                               const void *ptr, struct rt_hw_mem_site site)
{
    char kind[160];
    snprintf(kind, sizeof kind, "write after free: byte 0x%08lx (+%lu in the freed block) "
             "was overwritten", rt_sim_target_addr(at), (unsigned long)(at - r->user));
    sim_chk_report_head(kind, call, ptr, site);
    sim_chk_report_block(r);
    sim_chk_report_end();
}

/* What the checker knows of host address p (Valgrind's and ASan's reports,
 * annotate.c): its board address and the block around it, live or freed.
 * Returns 0 when p is not inside the simulated RAM. */
int sim_check_describe(const void *p, char *buf, size_t n)
{
    if (!rt_sim_is_target(p))
        return 0;
    const unsigned char *c = p;
    const struct chk_record *r = sim_chk_live_holding(p, 0);
    if (!r)
        r = sim_chk_live_holding(p, 1);
    if (!r)
        r = sim_chk_span_holding(p);
    int k = snprintf(buf, n, "rtsim: host %p is board address 0x%08lx", p, rt_sim_target_addr(p));
    if (r && k > 0 && (size_t)k < n)
    {
        char when[160];
        sim_chk_event_text(when, sizeof when, r->freed ? &r->free : &r->alloc);
        /* Worded as Valgrind words it: "N bytes inside / after / before". */
        long off = (long)(c - r->user), size = (long)r->size;
        long d = off < 0 ? -off : off < size ? off : off - size;
        snprintf(buf + k, n - (size_t)k, ": %ld bytes %s block 0x%08lx (%lu bytes, %s \"%s\", "
                 "%s by %s)", d, off < 0 ? "before" : off < size ? "inside" : "after",
                 rt_sim_target_addr(r->user), (unsigned long)r->size, r->is_pool ? "pool" : "heap",
                 obj_name(r->heap), r->freed ? "freed" : "allocated", when);
    }
    return 1;
}

RT_NORETURN void sim_chk_report_bad_pointer(const struct rt_object *heap, void *ptr, int call,
                                            struct rt_hw_mem_site site)
{
    const struct chk_region *rg = sim_chk_region_of(ptr);
    struct chk_record *in = sim_chk_live_holding(ptr, 0);
    char kind[200];

    if (in && in->user == (unsigned char *)ptr && call == RT_HW_MEM_FREE_ALIGN)
    {
        sim_chk_report_head("invalid free: rt_free_align of a block that rt_malloc_align did not "
                            "return (use rt_free)", call, ptr, site);
        sim_chk_report_block(in);
    }
    else if (in && in->user == (unsigned char *)ptr)
    {
        sim_chk_report_head("invalid free: a block from rt_malloc_align (use rt_free_align)",
                            call, ptr, site);
        sim_chk_report_block(in);
    }
    else if (in)
    {
        snprintf(kind, sizeof kind, "invalid free: not the start of a block (%ld bytes inside)",
                 (long)((unsigned char *)ptr - in->user));
        sim_chk_report_head(kind, call, ptr, site);
        sim_chk_report_block(in);
    }
    else if (rg && rg->is_pool && rg->owner != heap && sim_chk_live_holding(ptr, 1) &&
             sim_chk_live_holding(ptr, 1)->user == (unsigned char *)ptr)
    {
        snprintf(kind, sizeof kind, "invalid free: a block of memory pool \"%s\" (use rt_mp_free)",
                 obj_name(rg->owner));
        sim_chk_report_head(kind, call, ptr, site);
        sim_chk_report_block(sim_chk_live_holding(ptr, 1));
    }
    else if (rg && rg->owner != heap && !(rg->owner && heap &&
             (rg->owner->type & ~RT_Object_Class_Static) == RT_Object_Class_MemHeap &&
             (heap->type & ~RT_Object_Class_Static) == RT_Object_Class_MemHeap && !rg->is_pool))
    {
        snprintf(kind, sizeof kind, "invalid free: the pointer belongs to another %s, \"%s\"",
                 rg->is_pool ? "memory pool" : "heap", obj_name(rg->owner));
        sim_chk_report_head(kind, call, ptr, site);
        struct chk_record *pb = sim_chk_live_holding(ptr, 1);
        if (pb)
            sim_chk_report_block(pb);
    }
    else if (rg)
    {
        sim_chk_report_head("invalid free: inside the heap but not a block that was handed out",
                            call, ptr, site);
    }
    else if (sim_chk_heap_object_holding(ptr))
    {
        snprintf(kind, sizeof kind, "invalid free: the pointer belongs to another heap, \"%s\"",
                 obj_name(sim_chk_heap_object_holding(ptr)));
        sim_chk_report_head(kind, call, ptr, site);
    }
    else if (!rt_sim_is_target(ptr))
    {
        sim_chk_report_head("invalid free: the pointer is not in simulated RAM (a host address: a "
                            "local or global variable, or host malloc)", call, ptr, site);
    }
    else
    {
        sim_chk_report_head("invalid free: the pointer is not in any heap", call, ptr, site);
    }
    sim_chk_report_end();
}

/* A stale pointer the history can still tell: the block at r holds a live
 * kernel object (or the stack of a thread that has not ended), which the
 * kernel never frees while it is alive - the caller's pointer is to a block
 * freed before and handed out again to the kernel.  Writes what it is to
 * `what`; 0 if the block holds none. */
static int kernel_object_in(const struct chk_record *r, char *what, size_t n)
{
    static const char *const class_name[] =
    {
        [RT_Object_Class_Thread] = "thread", [RT_Object_Class_Semaphore] = "semaphore",
        [RT_Object_Class_Mutex] = "mutex", [RT_Object_Class_Event] = "event",
        [RT_Object_Class_MailBox] = "mailbox", [RT_Object_Class_MessageQueue] = "message queue",
        [RT_Object_Class_MemHeap] = "memheap", [RT_Object_Class_MemPool] = "memory pool",
        [RT_Object_Class_Device] = "device", [RT_Object_Class_Timer] = "timer",
        [RT_Object_Class_Module] = "module", [RT_Object_Class_Memory] = "heap",
    };
    const unsigned char *lo = r->data, *hi = r->data + r->capacity;
    int found = 0;

    rt_hw_mem_enter();
    for (int c = 1; c < (int)(sizeof class_name / sizeof class_name[0]) && !found; c++)
    {
        struct rt_object_information *info = rt_object_get_information(c);
        if (!info || !class_name[c] || !info->object_list.next)
            continue;
        for (rt_list_t *node = info->object_list.next; node != &info->object_list && !found;
             node = node->next)
        {
            struct rt_object *o = rt_list_entry(node, struct rt_object, list);
            const unsigned char *stack = RT_NULL;
            if (c == RT_Object_Class_Thread &&
                (((struct rt_thread *)o)->stat & RT_THREAD_STAT_MASK) != RT_THREAD_CLOSE)
                stack = ((struct rt_thread *)o)->stack_addr;
            if ((const unsigned char *)o >= lo && (const unsigned char *)o < hi)
                found = snprintf(what, n, "the %s \"%.*s\", a live kernel object",
                                 class_name[c], RT_NAME_MAX, o->name) > 0;
            else if (stack && stack >= lo && stack < hi)
                found = snprintf(what, n, "the stack of the running thread \"%.*s\"",
                                 RT_NAME_MAX, o->name) > 0;
        }
    }
    rt_hw_mem_leave();
    return found;
}

/* O(1) first look, before kernel_object_in walks the object lists: does
 * the block start like a linked kernel object (a class number, and list
 * links that point back at it) or like a thread stack (RT-Thread fills a
 * new stack with '#', and its lowest bytes are the last to be used)? */
NO_ASAN static int maybe_kernel_block_bytes(const struct chk_record *r)
{
    if (r->capacity < sizeof(rt_ubase_t))
        return 0;
    rt_ubase_t first = sim_chk_ram_word(r->data);
    if (first == (rt_ubase_t)0x2323232323232323ull)
        return 1;
    if (r->capacity < sizeof(struct rt_object))
        return 0;
    /* A kernel object: a class number, a terminated name, an aligned
     * link (its neighbours may be static objects in host memory, so the
     * links are not followed here) */
    const struct rt_object *o = (const struct rt_object *)(void *)r->data;
    const volatile char *name = o->name;
    rt_uint8_t type = *(const volatile rt_uint8_t *)&o->type;
    rt_ubase_t next = (rt_ubase_t)*(rt_list_t *const volatile *)&o->list.next;
    int terminated = 0;
    for (int i = 0; i < RT_NAME_MAX && !terminated; i++)
        terminated = name[i] == '\0';
    return terminated && next != 0 && next % sizeof(void *) == 0 &&
           rt_object_get_information((enum rt_object_class_type)type) != RT_NULL;
}

/* The block's bytes are the program's (maybe never written): every test
 * on them runs inside the bracket, and only the verdict leaves it. */
NO_ASAN static int maybe_kernel_block(const struct chk_record *r)
{
    int verdict = 0;
    rt_hw_mem_enter();
    if (maybe_kernel_block_bytes(r))
        verdict = 1;
    rt_hw_mem_leave();
    return verdict;
}

RT_NORETURN static void report_stale(const struct chk_record *r, const char *what, int call,
                                     void *ptr, struct rt_hw_mem_site site)
{
    char kind[256], when[160];
    snprintf(kind, sizeof kind, "stale pointer: the block now holds %s", what);
    sim_chk_report_head(kind, call, ptr, site);
    sim_chk_report_block(r);
    if (r->reused)
    {
        sim_chk_event_text(when, sizeof when, &r->prev_free);
        sim_report("         this address was freed before by %s and handed out again\n", when);
    }
    sim_chk_report_end();
}

void sim_chk_report_if_stale(const struct chk_record *r, int call, void *ptr,
                             struct rt_hw_mem_site site)
{
    char what[96];
    if (maybe_kernel_block(r) && kernel_object_in(r, what, sizeof what))
        report_stale(r, what, call, ptr, site);
}

RT_NORETURN void rt_hw_mem_corrupted(const struct rt_object *heap, int invariant, int call)
{
    char kind[160];
    rep.check_after = call;
    call = RT_HW_MEM_CHECK;
    snprintf(kind, sizeof kind, "heap corrupted: invariant I%d of heap \"%s\" (%s) is broken",
             invariant, obj_name(heap), rt_system_heap_algorithm());
    sim_chk_report_head(kind, call, NULL, (struct rt_hw_mem_site){0, 0});
    sim_chk_report_end();
}

RT_NORETURN void rt_hw_mem_bad_header(void *ptr, int next, int call, struct rt_hw_mem_site site)
{
    struct chk_record *r = sim_chk_get(ptr);
    sim_chk_report_head(next ? "buffer overflow: written past the end of the block, over the "
                               "next block's header"
                             : "heap corrupted: the block's header was overwritten (a write "
                               "before the block, or past the end of the block below it)",
                        call, ptr, site);
    if (r)
        sim_chk_report_block(r);
    sim_chk_report_end();
}

/* C1: rt_mp_free of anything but a used block of a pool: a block already
 * free, a pointer inside a block, or no pool block at all (pool is RT_NULL:
 * then say whose the pointer is).  r is the block's record, if any. */
RT_NORETURN void sim_chk_report_mp_free(const struct rt_object *pool, void *block, int state,
                                        void *ptr, const struct chk_record *r,
                                        struct rt_hw_mem_site site)
{
    char kind[160];

    if (state == RT_HW_MP_BLOCK_FREE)
    {
        snprintf(kind, sizeof kind, "mempool double free (pool \"%s\")", obj_name(pool));
        sim_chk_report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
        if (r && r->is_pool)
            sim_chk_report_block(r);
        sim_chk_report_end();
    }
    if (pool)
    {
        snprintf(kind, sizeof kind, "mempool invalid free: not the start of a block "
                 "(%ld bytes inside a block of pool \"%s\")",
                 (long)((unsigned char *)ptr - (unsigned char *)block), obj_name(pool));
        sim_chk_report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
        if (r && r->is_pool && !r->freed)
            sim_chk_report_block(r);
        sim_chk_report_end();
    }
    const struct chk_region *rg = sim_chk_region_of(ptr);
    const struct chk_record *hb = sim_chk_live_holding(ptr, 0);
    if (hb && hb->user == (unsigned char *)ptr)
    {
        sim_chk_report_head("mempool invalid free: a block of the heap (use rt_free)",
                            RT_HW_MEM_MP_FREE, ptr, site);
        sim_chk_report_block(hb);
    }
    else if ((rg && !rg->is_pool) || sim_chk_heap_object_holding(ptr))
    {
        snprintf(kind, sizeof kind, "mempool invalid free: the pointer is in heap \"%s\", "
                 "not in a memory pool",
                 obj_name(rg && !rg->is_pool ? rg->owner : sim_chk_heap_object_holding(ptr)));
        sim_chk_report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
    }
    else if (!rt_sim_is_target(ptr))
    {
        sim_chk_report_head("mempool invalid free: the pointer is not in simulated RAM (a host "
                            "address: a local or global variable, or host malloc)",
                            RT_HW_MEM_MP_FREE, ptr, site);
    }
    else
    {
        sim_chk_report_head("mempool invalid free: the pointer is not in any memory pool",
                            RT_HW_MEM_MP_FREE, ptr, site);
    }
    sim_chk_report_end();
}

void sim_chk_report_after(int call)
{
    rep.check_after = call;
}

void sim_chk_report_reset(void)
{
    memset(&rep, 0, sizeof rep);
}

/* ------------------------------------------- for check_meta.c (check.h) */
void sim_check_report_head(const char *kind, int call, const void *ptr,
                           struct rt_hw_mem_site site)
{
    struct chk_event now;
    char when[160];

    if (ptr || call == RT_HW_MEM_CHECK)
    {
        sim_chk_report_head(kind, call, ptr, site);
        return;
    }
    if (call == RT_HW_MEM_END)
    {
        sim_report("rtsim: memory error: %s\n", kind);
        sim_report("  call   end of the run at tick %lu (the system heap's metadata, compared "
                   "before it is taken down)\n", (unsigned long)rt_tick_get_raw());
        return;
    }
    sim_chk_now(&now, site);            /* an allocation: no pointer to name */
    sim_chk_event_text(when, sizeof when, &now);
    sim_report("rtsim: memory error: %s\n", kind);
    sim_report("  call   %s, thread %s\n", call_name(call), when);
}

void sim_check_report_record(const void *record)
{
    sim_chk_report_block(record);
}

RT_NORETURN void sim_check_stop(void)
{
    sim_chk_report_end();
}

