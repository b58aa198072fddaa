/*
 * check.c - checked mode: the port's half of the memory checker
 * (rthw.h, "memory checking"; docs/mistakes.md is the user's page).
 *
 * Who does what
 * -------------
 * The kernel's system heap (kheap.c) and pools (mempool.c) know the heap
 * algorithms: they find a block's capacity and the bytes an allocator
 * wrote around it, and they decide when to call the algorithm.  They never
 * keep host-side tables: kernel/ is freestanding and must not grow with the
 * number of blocks.  This file keeps those tables in host memory, so the
 * simulated RAM holds exactly what the target would hold:
 *
 *   records   one per block ever handed out, keyed by its data address:
 *             size, capacity, heap, who allocated it (thread, tick, call
 *             site) and, once freed, who freed it.  A freed record stays
 *             until its address is handed out again: that is the history
 *             a double free or a write after free is reported with.
 *   spans     the poisoned bytes of freed blocks not yet handed out again,
 *             sorted by address, each with a copy of its block's history.
 *   regions   the address ranges of every heap and pool, to classify a
 *             pointer that is not a block.
 *
 * Rules
 * -----
 * C1  Validate before writing: rt_free / rt_realloc / rt_free_align /
 *     rt_mp_free look the pointer up here first.  Anything but a live block
 *     of the right kind is reported and the run stops (RT_SIM_EMEMORY);
 *     the allocator is never called, so the heap is not corrupted further.
 * C2  Slack guard: the bytes between the requested size and the block's
 *     capacity are filled with GUARD_BYTE when the block is handed out and
 *     verified when it is freed or reallocated, and by the whole-heap
 *     check.  Level 2 (strict) asks the allocator for STRICT_GUARD more
 *     bytes, so every block has at least that much guard.
 * C3  Poison: a freed block's data is filled with POISON_BYTE before the
 *     allocator takes it back; the allocator then writes its own links
 *     (free_head / free_tail bytes, which the span leaves out).  When the
 *     allocator hands out a block, every span inside [data, data+capacity)
 *     is verified; then every span inside [lo, hi) - what the allocator
 *     wrote while handing it out - is forgotten.  A damaged byte is a write
 *     after free, reported with the history of the block it belonged to.
 * C4  Quarantine (level 2): a freed block stays allocated in the heap,
 *     poisoned over its whole capacity, until QUARANTINE_BLOCKS newer
 *     blocks were freed (or an allocation fails, or the run ends); then its
 *     poison is verified and the allocator really frees it.
 * C5  Leaks: at the end of a clean run every live heap block is listed;
 *     with cfg.leaks_fail the run returns RT_SIM_ELEAK.
 * C6  Fault injection lives next door, in fault.c.
 * C7  Valgrind / ASan (annotate.c): heap ranges are no-access, a block is
 *     accessible from data to data + size while it is live, and the
 *     allocator's own accesses are bracketed by rt_hw_mem_enter/leave.
 *
 * Every byte this file reads or writes inside the simulated RAM goes
 * through ram_fill / ram_find_not, which are built without ASan
 * instrumentation and run inside rt_hw_mem_enter/leave (Valgrind).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "check.h"

#define GUARD_BYTE          0xFD    /* slack after a live block's size */
#define POISON_BYTE         0xDD    /* a freed block's data */
#define QUARANTINE_BLOCKS   16

/* ------------------------------------------------------------- history */
struct chk_event
{
    char        thread[RT_NAME_MAX + 1];
    rt_tick_t   tick;
    const char *file;
    int         line;
};

struct chk_record
{
    const struct rt_object *heap;
    unsigned char *data;
    unsigned char *user;        /* what the caller got (rt_malloc_align) */
    rt_size_t size;             /* bytes the caller asked for (from user) */
    rt_size_t capacity;         /* bytes the block holds from data */
    int       is_pool;
    int       freed;            /* 0 live, 1 freed, 2 in quarantine */
    struct chk_event alloc, free;
    int       reused;           /* the address was a freed block before: */
    struct chk_event prev_free; /* who freed that one */
};

struct chk_span
{
    unsigned char *lo, *hi;
    struct chk_record rec;      /* a copy: the record may be reused */
};

struct chk_region
{
    const struct rt_object *owner;
    unsigned char *lo, *hi;
    int is_pool;
};

static struct
{
    int level, every_call;
    /* records: open addressing keyed by data (and user) address */
    struct chk_record **slot;
    void **key;
    size_t nslots, nused;
    /* spans, sorted by lo */
    struct chk_span *span;
    size_t nspans, spancap;
    struct chk_region region[64];
    int nregions;
    struct chk_record *quarantine[QUARANTINE_BLOCKS];
    int nquarantine;
    int failing;                /* a report is being made: no nesting */
    int check_after;            /* the call a whole-heap check follows */
} chk;

/* ----------------------------------------------------- RAM access (C7) */
NO_ASAN static void ram_fill(unsigned char *p, size_t n, unsigned char v)
{
    volatile unsigned char *q = p;
    rt_hw_mem_enter();
    for (size_t i = 0; i < n; i++)
        q[i] = v;
    rt_hw_mem_leave();
}

/* Offset of the first byte of [p, p + n) that is not v, or n. */
NO_ASAN static size_t ram_find_not(const unsigned char *p, size_t n, unsigned char v)
{
    const volatile unsigned char *q = p;
    size_t i;
    rt_hw_mem_enter();
    for (i = 0; i < n; i++)
        if (q[i] != v)
            break;
    rt_hw_mem_leave();
    return i;
}

NO_ASAN static rt_ubase_t ram_word(const void *p)
{
    rt_hw_mem_enter();
    rt_ubase_t w = *(const volatile rt_ubase_t *)p;
    rt_hw_mem_leave();
    return w;
}

/* --------------------------------------------------------------- events */
static void chk_now(struct chk_event *e, struct rt_hw_mem_site site)
{
    rt_thread_t t = sim.booted ? rt_thread_self() : RT_NULL;
    if (rt_interrupt_get_nest() && t)
        snprintf(e->thread, sizeof e->thread, "isr");
    else
        snprintf(e->thread, sizeof e->thread, "%.*s", RT_NAME_MAX, t ? t->name : "(boot)");
    e->tick = rt_tick_get_raw();
    e->file = site.file;
    e->line = site.line;
}

static void chk_event_text(char *buf, size_t n, const struct chk_event *e)
{
    int k = snprintf(buf, n, "\"%s\" at tick %lu", e->thread, (unsigned long)e->tick);
    if (e->file && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " (%s:%d)", e->file, e->line);
}

/* ------------------------------------------------------------- records */
static size_t chk_hash(const void *p, size_t nslots)
{
    unsigned long long x = (unsigned long long)(uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20) & (nslots - 1);
}

static void chk_put_raw(void *key, struct chk_record *r);

static void chk_grow(void)
{
    size_t old_n = chk.nslots;
    struct chk_record **old_slot = chk.slot;
    void **old_key = chk.key;
    chk.nslots = old_n ? old_n * 2 : 4096;
    chk.slot = calloc(chk.nslots, sizeof *chk.slot);
    chk.key = calloc(chk.nslots, sizeof *chk.key);
    if (!chk.slot || !chk.key)
    {
        fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
        abort();
    }
    chk.nused = 0;
    for (size_t i = 0; i < old_n; i++)
        if (old_key[i] && old_slot[i])
            chk_put_raw(old_key[i], old_slot[i]);
    free(old_slot);
    free(old_key);
}

static size_t chk_find_slot(const void *key)
{
    size_t i = chk_hash(key, chk.nslots);
    while (chk.key[i] && chk.key[i] != key)
        i = (i + 1) & (chk.nslots - 1);
    return i;
}

static struct chk_record *chk_get(const void *key)
{
    if (!chk.nslots || !key)
        return NULL;
    size_t i = chk_find_slot(key);
    return chk.key[i] ? chk.slot[i] : NULL;
}

static void chk_put_raw(void *key, struct chk_record *r)
{
    if ((chk.nused + 1) * 4 > chk.nslots * 3)
        chk_grow();
    size_t i = chk_find_slot(key);
    if (!chk.key[i])
        chk.nused++;
    chk.key[i] = key;
    chk.slot[i] = r;
}

/* Remove key (backward-shift deletion keeps probe runs intact). */
static void chk_del(const void *key)
{
    if (!chk.nslots)
        return;
    size_t hole = chk_find_slot(key);
    if (!chk.key[hole])
        return;
    chk.key[hole] = NULL;
    chk.slot[hole] = NULL;
    chk.nused--;
    for (size_t i = (hole + 1) & (chk.nslots - 1); chk.key[i]; i = (i + 1) & (chk.nslots - 1))
    {
        size_t home = chk_hash(chk.key[i], chk.nslots);
        if (((i - home) & (chk.nslots - 1)) >= ((i - hole) & (chk.nslots - 1)))
        {
            chk.key[hole] = chk.key[i];
            chk.slot[hole] = chk.slot[i];
            chk.key[i] = NULL;
            chk.slot[i] = NULL;
            hole = i;
        }
    }
}

/* Forget the record of `data` (and its alias). */
static void chk_drop(struct chk_record *r)
{
    if (r->user != r->data && chk_get(r->user) == r)
        chk_del(r->user);
    if (chk_get(r->data) == r)
        chk_del(r->data);
    free(r);
}

static struct chk_record *chk_new(const struct rt_object *heap, void *data, rt_size_t size,
                                  rt_size_t capacity, int is_pool, struct rt_hw_mem_site site)
{
    struct chk_record *old = chk_get(data);
    struct chk_record *r = calloc(1, sizeof *r);
    if (!r)
    {
        fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
        abort();
    }
    if (old)
    {
        r->reused = old->freed != 0 && old->user == (unsigned char *)data;
        r->prev_free = old->free;
        chk_drop(old);
    }
    r->heap = heap;
    r->data = r->user = data;
    r->size = size;
    r->capacity = capacity;
    r->is_pool = is_pool;
    chk_now(&r->alloc, site);
    chk_put_raw(data, r);
    return r;
}

/* ---------------------------------------------------------------- spans */
static size_t span_first_after(const unsigned char *lo)
{
    /* first span with hi > lo (spans do not overlap, so hi ascends too) */
    size_t a = 0, b = chk.nspans;
    while (a < b)
    {
        size_t m = (a + b) / 2;
        if (chk.span[m].hi <= lo)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

static void span_insert_at(size_t i, const struct chk_span *s)
{
    if (chk.nspans == chk.spancap)
    {
        chk.spancap = chk.spancap ? chk.spancap * 2 : 256;
        chk.span = realloc(chk.span, chk.spancap * sizeof *chk.span);
        if (!chk.span)
        {
            fprintf(stderr, "rtsim: out of host memory for the memory checker\n");
            abort();
        }
    }
    memmove(&chk.span[i + 1], &chk.span[i], (chk.nspans - i) * sizeof *chk.span);
    chk.span[i] = *s;
    chk.nspans++;
}

static void span_add(unsigned char *lo, unsigned char *hi, const struct chk_record *r)
{
    if (lo >= hi)
        return;
    struct chk_span s = { lo, hi, *r };
    span_insert_at(span_first_after(lo), &s);
}

/* Forget every poisoned byte in [lo, hi). */
static void span_cut(unsigned char *lo, unsigned char *hi)
{
    size_t i = span_first_after(lo);
    while (i < chk.nspans && chk.span[i].lo < hi)
    {
        struct chk_span *s = &chk.span[i];
        if (s->lo < lo && s->hi > hi)
        {
            /* a hole in the middle: keep both ends */
            struct chk_span right = *s;
            right.lo = hi;
            s->hi = lo;
            span_insert_at(i + 1, &right);
            return;
        }
        if (s->lo < lo)
        {
            s->hi = lo;
            i++;
        }
        else if (s->hi > hi)
        {
            s->lo = hi;
            return;
        }
        else
        {
            memmove(s, s + 1, (chk.nspans - i - 1) * sizeof *chk.span);
            chk.nspans--;
        }
    }
}

/* ------------------------------------------------------------- reports */
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
    default:                     return "?";
    }
}

static const char *obj_name(const struct rt_object *o)
{
    static char buf[RT_NAME_MAX + 1];
    snprintf(buf, sizeof buf, "%.*s", RT_NAME_MAX, o ? o->name : "?");
    return buf;
}

static void report_head(const char *kind, int call, const void *ptr, struct rt_hw_mem_site site)
{
    struct chk_event now;
    char when[160];

    chk_now(&now, site);
    chk_event_text(when, sizeof when, &now);
    sim_report("rtsim: memory error: %s\n", kind);
    if (call == RT_HW_MEM_CHECK)
        sim_report("  call   whole-heap check after %s, thread %s\n",
                   call_name(chk.check_after), when);
    else
        sim_report("  call   %s(0x%08lx), thread %s\n", call_name(call),
                   rt_sim_target_addr(ptr), when);
}

static void report_block(const struct chk_record *r)
{
    char when[160];

    chk_event_text(when, sizeof when, &r->alloc);
    sim_report("  block  0x%08lx, %lu bytes (capacity %lu) from %s \"%s\", allocated by %s\n",
               rt_sim_target_addr(r->user), (unsigned long)r->size, (unsigned long)r->capacity,
               r->is_pool ? "pool" : "heap", obj_name(r->heap), when);
    if (r->freed)
    {
        chk_event_text(when, sizeof when, &r->free);
        sim_report("         freed by %s\n", when);
    }
}

/* Stop the run: RT_SIM_EMEMORY. */
RT_NORETURN static void report_end(void)
{
    sim_annotate_abandon();
    if (sim.cfg.on_memory_error && !chk.failing)
    {
        chk.failing = 1;
        sim.cfg.on_memory_error();
    }
    sim_end_run(RT_SIM_EMEMORY);
}

/* ------------------------------------------------------- verification */
static void verify_guard(const struct chk_record *r, int call, struct rt_hw_mem_site site)
{
    unsigned char *end = r->user + r->size;
    unsigned char *cap_end = r->data + r->capacity;
    size_t off;

    if (end < cap_end && (off = ram_find_not(end, (size_t)(cap_end - end), GUARD_BYTE)) <
        (size_t)(cap_end - end))
    {
        char kind[128];
        snprintf(kind, sizeof kind, "buffer overflow: written past the end of the block "
                 "(first damaged byte at +%lu)", (unsigned long)(end - r->user + off));
        report_head(kind, call, r->user, site);
        report_block(r);
        report_end();
    }
    if (r->user > r->data + sizeof(void *) &&
        (off = ram_find_not(r->data, (size_t)(r->user - sizeof(void *) - r->data), GUARD_BYTE)) <
        (size_t)(r->user - sizeof(void *) - r->data))
    {
        char kind[128];
        snprintf(kind, sizeof kind, "buffer underflow: written before the start of the block "
                 "(damaged byte at -%lu)", (unsigned long)(r->user - (r->data + off)));
        report_head(kind, call, r->user, site);
        report_block(r);
        report_end();
    }
    if (r->user != r->data && ram_word(r->user - sizeof(void *)) != (rt_ubase_t)r->data)
    {
        report_head("heap corrupted: the word below an aligned block (its raw address) "
                    "was overwritten", call, r->user, site);
        report_block(r);
        report_end();
    }
}

static void report_use_after_free(const struct chk_record *r, const unsigned char *at,
                                  int call, const void *ptr, struct rt_hw_mem_site site)
{
    char kind[160];
    snprintf(kind, sizeof kind, "write after free: byte 0x%08lx (+%lu in the freed block) "
             "was overwritten", rt_sim_target_addr(at), (unsigned long)(at - r->user));
    report_head(kind, call, ptr, site);
    report_block(r);
    report_end();
}

/* C3: verify the spans overlapping [vlo, vhi). */
static void spans_verify(unsigned char *vlo, unsigned char *vhi, int call, const void *ptr,
                         struct rt_hw_mem_site site)
{
    for (size_t i = span_first_after(vlo); i < chk.nspans && chk.span[i].lo < vhi; i++)
    {
        const struct chk_span *s = &chk.span[i];
        unsigned char *a = s->lo > vlo ? s->lo : vlo;
        unsigned char *b = s->hi < vhi ? s->hi : vhi;
        size_t off = ram_find_not(a, (size_t)(b - a), POISON_BYTE);
        if (off < (size_t)(b - a))
        {
            struct chk_record copy = s->rec;
            report_use_after_free(&copy, a + off, call, ptr, site);
        }
    }
}

/* C3: memory handed out again: verify [vlo, vhi), then forget [lo, hi). */
static void spans_reuse(unsigned char *vlo, unsigned char *vhi, unsigned char *lo,
                        unsigned char *hi, int call, const void *ptr, struct rt_hw_mem_site site)
{
    spans_verify(vlo, vhi, call, ptr, site);
    span_cut(lo < vlo ? lo : vlo, hi > vhi ? hi : vhi);
}

/* --------------------------------------------------------- classify */
static const struct chk_region *region_of(const void *p)
{
    const unsigned char *c = p;
    for (int i = chk.nregions - 1; i >= 0; i--)
        if (c >= chk.region[i].lo && c < chk.region[i].hi)
            return &chk.region[i];
    return NULL;
}

/* A heap object (any small mem, slab, tlsf or memheap the program made,
 * found through the kernel's object lists) whose range holds p: only to
 * name it in a report, so the end is taken generously (sentinels). */
static const struct rt_object *heap_object_holding(const void *p)
{
    static const int classes[] = { RT_Object_Class_Memory, RT_Object_Class_MemHeap };
    rt_ubase_t a = (rt_ubase_t)p;

    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
    {
        struct rt_object_information *info = rt_object_get_information(classes[c]);
        rt_list_t *node;
        if (!info)
            continue;
        rt_hw_mem_enter();      /* user heaps keep their object in their range */
        for (node = info->object_list.next; node != &info->object_list; node = node->next)
        {
            struct rt_object *o = rt_list_entry(node, struct rt_object, list);
            rt_ubase_t lo, hi;
            if (classes[c] == RT_Object_Class_Memory)
            {
                const struct rt_memory *m = (const struct rt_memory *)o;
                /* the object itself counts when it sits just below its area
                 * (not when it is a host global far from it) */
                lo = (rt_ubase_t)o < m->address &&
                     m->address - (rt_ubase_t)o <= 4 * sizeof(struct rt_memory)
                         ? (rt_ubase_t)o : m->address;
                hi = m->address + m->total + 8 * sizeof(void *);
            }
            else
            {
#ifdef RT_USING_MEMHEAP
                const struct rt_memheap *h = (const struct rt_memheap *)o;
                lo = (rt_ubase_t)h->start_addr;
                hi = lo + h->pool_size;
#else
                continue;       /* no memheaps in this configuration */
#endif
            }
            if (a >= lo && a < hi)
            {
                rt_hw_mem_leave();
                return o;
            }
        }
        rt_hw_mem_leave();
    }
    return NULL;
}

/* The live heap block whose [user, user + capacity) holds p. */
static struct chk_record *live_block_holding(const void *p, int want_pool)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < chk.nslots; i++)
    {
        struct chk_record *r = chk.slot[i];
        if (r && chk.key[i] == r->data && !r->freed && r->is_pool == want_pool &&
            c >= r->data && c < r->data + r->capacity)
            return r;
    }
    return NULL;
}

/* What the checker knows of host address p (Valgrind's and ASan's reports,
 * annotate.c): its board address and the block around it, live or freed.
 * Returns 0 when p is not inside the simulated RAM. */
int sim_check_describe(const void *p, char *buf, size_t n)
{
    if (!rt_sim_is_target(p))
        return 0;
    const unsigned char *c = p;
    const struct chk_record *r = live_block_holding(p, 0);
    if (!r)
        r = live_block_holding(p, 1);
    for (size_t i = 0; !r && i < chk.nspans; i++)
        if (c >= chk.span[i].lo && c < chk.span[i].hi)
            r = &chk.span[i].rec;
    int k = snprintf(buf, n, "rtsim: host %p is board address 0x%08lx", p, rt_sim_target_addr(p));
    if (r && k > 0 && (size_t)k < n)
    {
        char when[160];
        chk_event_text(when, sizeof when, r->freed ? &r->free : &r->alloc);
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

RT_NORETURN static void report_bad_pointer(const struct rt_object *heap, void *ptr, int call,
                                           struct rt_hw_mem_site site)
{
    const struct chk_region *rg = region_of(ptr);
    struct chk_record *in = live_block_holding(ptr, 0);
    char kind[200];

    if (in && in->user == (unsigned char *)ptr && call == RT_HW_MEM_FREE_ALIGN)
    {
        report_head("invalid free: rt_free_align of a block that rt_malloc_align did not "
                    "return (use rt_free)", call, ptr, site);
        report_block(in);
    }
    else if (in && in->user == (unsigned char *)ptr)
    {
        report_head("invalid free: a block from rt_malloc_align (use rt_free_align)",
                    call, ptr, site);
        report_block(in);
    }
    else if (in)
    {
        snprintf(kind, sizeof kind, "invalid free: not the start of a block (%ld bytes inside)",
                 (long)((unsigned char *)ptr - in->user));
        report_head(kind, call, ptr, site);
        report_block(in);
    }
    else if (rg && rg->is_pool && rg->owner != heap && live_block_holding(ptr, 1) &&
             live_block_holding(ptr, 1)->user == (unsigned char *)ptr)
    {
        snprintf(kind, sizeof kind, "invalid free: a block of memory pool \"%s\" (use rt_mp_free)",
                 obj_name(rg->owner));
        report_head(kind, call, ptr, site);
        report_block(live_block_holding(ptr, 1));
    }
    else if (rg && rg->owner != heap && !(rg->owner && heap &&
             (rg->owner->type & ~RT_Object_Class_Static) == RT_Object_Class_MemHeap &&
             (heap->type & ~RT_Object_Class_Static) == RT_Object_Class_MemHeap && !rg->is_pool))
    {
        snprintf(kind, sizeof kind, "invalid free: the pointer belongs to another %s, \"%s\"",
                 rg->is_pool ? "memory pool" : "heap", obj_name(rg->owner));
        report_head(kind, call, ptr, site);
        struct chk_record *pb = live_block_holding(ptr, 1);
        if (pb)
            report_block(pb);
    }
    else if (rg)
    {
        report_head("invalid free: inside the heap but not a block that was handed out",
                    call, ptr, site);
    }
    else if (heap_object_holding(ptr))
    {
        snprintf(kind, sizeof kind, "invalid free: the pointer belongs to another heap, \"%s\"",
                 obj_name(heap_object_holding(ptr)));
        report_head(kind, call, ptr, site);
    }
    else if (!rt_sim_is_target(ptr))
    {
        report_head("invalid free: the pointer is not in simulated RAM (a host address: a "
                    "local or global variable, or host malloc)", call, ptr, site);
    }
    else
    {
        report_head("invalid free: the pointer is not in any heap", call, ptr, site);
    }
    report_end();
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
    rt_ubase_t first = ram_word(r->data);
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
    report_head(kind, call, ptr, site);
    report_block(r);
    if (r->reused)
    {
        chk_event_text(when, sizeof when, &r->prev_free);
        sim_report("         this address was freed before by %s and handed out again\n", when);
    }
    report_end();
}

/* =============================================================== hooks */

int rt_hw_mem_level(void)
{
    return chk.level | (chk.every_call ? RT_HW_MEM_EVERY_CALL : 0);
}

rt_size_t rt_hw_mem_validate(const struct rt_object *heap, void *ptr, int call,
                             struct rt_hw_mem_site site)
{
    struct chk_record *r = chk_get(ptr);

    /* rt_free_align validates the caller's pointer, then frees the raw one */
    if (r && !r->is_pool && !r->freed &&
        (call == RT_HW_MEM_FREE_ALIGN ? r->user != r->data
                                      : r->user == (unsigned char *)ptr && r->user == r->data))
    {
        char what[96];
        if (maybe_kernel_block(r) && kernel_object_in(r, what, sizeof what))
            report_stale(r, what, call, ptr, site);
        verify_guard(r, call, site);
        sim_annotate_open(r->user, r->size, (rt_size_t)(r->data + r->capacity - r->user));
        return r->capacity;
    }
    if (r && !r->is_pool && r->freed && r->user == (unsigned char *)ptr)
    {
        report_head(r->freed == 2 ? "double free (the block is in quarantine)" : "double free",
                    call, ptr, site);
        report_block(r);
        report_end();
    }
    report_bad_pointer(heap, ptr, call, site);
}

int rt_hw_mem_is_live(void *ptr)
{
    struct chk_record *r = chk_get(ptr);
    return r && !r->freed && !r->is_pool;
}

rt_size_t rt_hw_mem_size(void *ptr)
{
    struct chk_record *r = chk_get(ptr);
    return r && !r->freed && !r->is_pool ? r->size : 0;
}

void rt_hw_mem_allocated(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site)
{
    unsigned char *d = b->data;

    sim_annotate_alloc(b->heap, d, b->size);
    rt_hw_mem_enter();
    span_cut(d, d + b->copied);
    spans_reuse(d, d + b->capacity, (unsigned char *)b->lo, (unsigned char *)b->hi, call, d, site);
    ram_fill(d + b->size, b->capacity - b->size, GUARD_BYTE);
    rt_hw_mem_leave();
    chk_new(b->heap, d, b->size, b->capacity, 0, site);
}

void rt_hw_mem_aligned(void *raw, void *user, rt_size_t size)
{
    struct chk_record *r = chk_get(raw);
    if (!r)
        return;
    unsigned char *u = user;
    r->user = u;
    r->size = size;
    rt_hw_mem_enter();
    ram_fill(r->data, (size_t)(u - sizeof(void *) - r->data), GUARD_BYTE);
    ram_fill(u + size, (size_t)(r->data + r->capacity - (u + size)), GUARD_BYTE);
    rt_hw_mem_leave();
    /* u may be the data address of an older, freed block: its record goes
     * (it would lose its only key and leak) */
    struct chk_record *old = chk_get(u);
    if (old && old != r)
        chk_drop(old);
    chk_put_raw(u, r);
    sim_annotate_aligned(r->data, u, size, r->capacity);
}

void rt_hw_mem_resized(const struct rt_hw_mem_block *b, rt_size_t old_capacity)
{
    struct chk_record *r = chk_get(b->data);
    unsigned char *d = b->data;

    if (!r)
        return;
    rt_hw_mem_enter();
    if (b->capacity > old_capacity)
        spans_reuse(d + old_capacity, d + b->capacity, (unsigned char *)b->lo,
                    (unsigned char *)b->hi, RT_HW_MEM_REALLOC, d, (struct rt_hw_mem_site){0, 0});
    else
        span_cut((unsigned char *)b->lo, (unsigned char *)b->hi);
    if (b->size < b->capacity)
        ram_fill(d + b->size, b->capacity - b->size, GUARD_BYTE);
    rt_hw_mem_leave();
    sim_annotate_resize(b->heap, d, r->size, b->size, old_capacity);
    r->size = b->size;
    r->capacity = b->capacity;
}

static void chk_poison_freed(struct chk_record *r, rt_size_t head, rt_size_t tail)
{
    rt_hw_mem_enter();
    ram_fill(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    if (head + tail < r->capacity)
        span_add(r->data + head, r->data + r->capacity - tail, r);
}

void *rt_hw_mem_freeing(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site)
{
    struct chk_record *r = chk_get(b->data);

    if (!r)
        return b->data;
    chk_now(&r->free, site);
    sim_annotate_free(b->heap, r->data, r->capacity);
    if (chk.level < 2)
    {
        r->freed = 1;
        chk_poison_freed(r, b->free_head, b->free_tail);
        return b->data;
    }
    /* C4: quarantine; the oldest leaves when it is full. */
    rt_hw_mem_enter();
    ram_fill(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    r->freed = 2;
    void *victim = NULL;
    if (chk.nquarantine == QUARANTINE_BLOCKS)
        victim = rt_hw_mem_unquarantine();
    chk.quarantine[chk.nquarantine++] = r;
    return victim;
}

void *rt_hw_mem_unquarantine(void)
{
    if (chk.nquarantine == 0)
        return NULL;
    struct chk_record *r = chk.quarantine[0];
    memmove(&chk.quarantine[0], &chk.quarantine[1], (size_t)(--chk.nquarantine) * sizeof r);
    rt_hw_mem_enter();
    size_t off = ram_find_not(r->data, r->capacity, POISON_BYTE);
    rt_hw_mem_leave();
    if (off < r->capacity)
        report_use_after_free(r, r->data + off, RT_HW_MEM_CHECK, r->user,
                              (struct rt_hw_mem_site){0, 0});
    r->freed = 1;
    /* The allocator frees it now; its links land in the first words, so
     * the poison (checked just now) is not kept as a span. */
    return r->data;
}

void rt_hw_mem_moved_from(const struct rt_hw_mem_block *old, void *to)
{
    struct chk_record *r = chk_get(old->data);
    struct chk_record *n = chk_get(to);
    if (!r)
        return;
    if (n)
        sim_annotate_copied(to, r->size < n->size ? r->size : n->size);
    sim_annotate_free(old->heap, r->data, r->capacity);
    r->freed = 1;
    r->free = r->alloc;
    chk_now(&r->free, (struct rt_hw_mem_site){0, 0});
    /* The allocator already took the block back: poison between its links. */
    if (old->free_head + old->free_tail < r->capacity)
    {
        rt_hw_mem_enter();
        ram_fill(r->data + old->free_head, r->capacity - old->free_head - old->free_tail,
                 POISON_BYTE);
        rt_hw_mem_leave();
        span_add(r->data + old->free_head, r->data + r->capacity - old->free_tail, r);
    }
}

RT_NORETURN void rt_hw_mem_corrupted(const struct rt_object *heap, int invariant, int call)
{
    char kind[160];
    chk.check_after = call;
    call = RT_HW_MEM_CHECK;
    snprintf(kind, sizeof kind, "heap corrupted: invariant I%d of heap \"%s\" (%s) is broken",
             invariant, obj_name(heap), rt_system_heap_algorithm());
    report_head(kind, call, NULL, (struct rt_hw_mem_site){0, 0});
    report_end();
}

RT_NORETURN void rt_hw_mem_bad_header(void *ptr, int next, int call, struct rt_hw_mem_site site)
{
    struct chk_record *r = chk_get(ptr);
    report_head(next ? "buffer overflow: written past the end of the block, over the next "
                       "block's header"
                     : "heap corrupted: the block's header was overwritten (a write before "
                       "the block, or past the end of the block below it)", call, ptr, site);
    if (r)
        report_block(r);
    report_end();
}

/* Whole-heap check, host side: every live block's guard, every span. */
void rt_hw_mem_check_all(int call)
{
    chk.check_after = call;
    call = RT_HW_MEM_CHECK;
    for (size_t i = 0; i < chk.nslots; i++)
    {
        struct chk_record *r = chk.slot[i];
        if (r && chk.key[i] == r->data && !r->freed && !r->is_pool)
        {
            rt_hw_mem_enter();
            verify_guard(r, call, (struct rt_hw_mem_site){0, 0});
            rt_hw_mem_leave();
        }
    }
    if (chk.nspans)
        spans_verify(chk.span[0].lo, chk.span[chk.nspans - 1].hi, call, NULL,
                     (struct rt_hw_mem_site){0, 0});
}

void rt_hw_mem_untracked(void *p, rt_size_t n, int in_use)
{
    if (in_use)
        span_cut(p, (unsigned char *)p + n);
    if (chk.level)
        sim_annotate_untracked(p, n, in_use);
}

void rt_hw_mem_heap_add(const struct rt_object *heap, void *begin, rt_size_t size)
{
    if (chk.nregions < (int)(sizeof chk.region / sizeof chk.region[0]))
    {
        struct chk_region *rg = &chk.region[chk.nregions++];
        rg->owner = heap;
        rg->lo = begin;
        rg->hi = (unsigned char *)begin + size;
        rg->is_pool = 0;
    }
    if (chk.level)
        sim_annotate_heap(heap, begin, size);
}

static void regions_forget(const struct rt_object *owner)
{
    int k = 0;
    for (int i = 0; i < chk.nregions; i++)
    {
        if (chk.region[i].owner == owner)
        {
            span_cut(chk.region[i].lo, chk.region[i].hi);
            continue;
        }
        chk.region[k++] = chk.region[i];
    }
    chk.nregions = k;
}

void rt_hw_mem_heap_remove(const struct rt_object *heap)
{
    for (int i = 0; i < chk.nregions; i++)
        if (chk.region[i].owner == heap && !chk.region[i].is_pool && chk.level)
            sim_annotate_heap_gone(heap, chk.region[i].lo,
                                   (rt_size_t)(chk.region[i].hi - chk.region[i].lo));
    regions_forget(heap);
}

/* ---------------------------------------------------------------- pools */
void rt_hw_mp_add(const struct rt_object *pool, void *begin, rt_size_t size)
{
    if (chk.nregions < (int)(sizeof chk.region / sizeof chk.region[0]))
    {
        struct chk_region *rg = &chk.region[chk.nregions++];
        rg->owner = pool;
        rg->lo = begin;
        rg->hi = (unsigned char *)begin + size;
        rg->is_pool = 1;
        if (chk.level)
            sim_annotate_pool(pool, begin, size);
    }
}

void rt_hw_mp_remove(const struct rt_object *pool)
{
    for (int i = 0; i < chk.nregions; i++)
        if (chk.region[i].owner == pool && chk.region[i].is_pool && chk.level)
            sim_annotate_pool_gone(pool, chk.region[i].lo,
                                   (rt_size_t)(chk.region[i].hi - chk.region[i].lo));
    regions_forget(pool);
    size_t i = 0;
    while (i < chk.nslots)
    {
        struct chk_record *r = chk.slot[i];
        if (r && r->heap == pool && r->is_pool)
            chk_drop(r);    /* the shift may refill slot i: look again */
        else
            i++;
    }
}

void rt_hw_mp_allocated(const struct rt_object *pool, void *block, rt_size_t size,
                        struct rt_hw_mem_site site)
{
    unsigned char *d = block;
    sim_annotate_alloc(pool, d, size);
    rt_hw_mem_enter();
    spans_reuse(d, d + size, d, d + size, RT_HW_MEM_MP_ALLOC, d, site);
    rt_hw_mem_leave();
    chk_new(pool, d, size, size, 1, site);
}

void rt_hw_mp_freeing(const struct rt_object *pool, void *block, rt_size_t size, int state,
                      void *ptr, struct rt_hw_mem_site site)
{
    struct chk_record *r = chk_get(block);
    char kind[160];

    if (state == RT_HW_MP_BLOCK_USED)
    {
        if (!r || !r->is_pool)
            r = chk_new(pool, block, size, size, 1, site);
        chk_now(&r->free, site);
        r->freed = 1;
        chk_poison_freed(r, 0, 0);
        sim_annotate_free(pool, block, size);
        return;
    }
    if (state == RT_HW_MP_BLOCK_FREE)
    {
        snprintf(kind, sizeof kind, "mempool double free (pool \"%s\")", obj_name(pool));
        report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
        if (r && r->is_pool)
            report_block(r);
        report_end();
    }
    if (pool)
    {
        snprintf(kind, sizeof kind, "mempool invalid free: not the start of a block "
                 "(%ld bytes inside a block of pool \"%s\")",
                 (long)((unsigned char *)ptr - (unsigned char *)block), obj_name(pool));
        report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
        if (r && r->is_pool && !r->freed)
            report_block(r);
        report_end();
    }
    const struct chk_region *rg = region_of(ptr);
    struct chk_record *hb = live_block_holding(ptr, 0);
    if (hb && hb->user == (unsigned char *)ptr)
    {
        report_head("mempool invalid free: a block of the heap (use rt_free)",
                    RT_HW_MEM_MP_FREE, ptr, site);
        report_block(hb);
    }
    else if ((rg && !rg->is_pool) || heap_object_holding(ptr))
    {
        snprintf(kind, sizeof kind, "mempool invalid free: the pointer is in heap \"%s\", "
                 "not in a memory pool", obj_name(rg && !rg->is_pool ? rg->owner
                                                                     : heap_object_holding(ptr)));
        report_head(kind, RT_HW_MEM_MP_FREE, ptr, site);
    }
    else if (!rt_sim_is_target(ptr))
    {
        report_head("mempool invalid free: the pointer is not in simulated RAM (a host "
                    "address: a local or global variable, or host malloc)",
                    RT_HW_MEM_MP_FREE, ptr, site);
    }
    else
    {
        report_head("mempool invalid free: the pointer is not in any memory pool",
                    RT_HW_MEM_MP_FREE, ptr, site);
    }
    report_end();
}

/* ------------------------------------------------------------ run life */
int sim_check_begin(const struct rt_sim_config *cfg)
{
    sim_check_reset();
    chk.level = cfg->checked;
    const char *env = getenv("RTSIM_CHECK");
    if (env && *env)
    {
        if (!strcmp(env, "off") || !strcmp(env, "0"))
            chk.level = 0;
        else if (!strcmp(env, "strict") || !strcmp(env, "2"))
            chk.level = 2;
        else if (!strcmp(env, "on") || !strcmp(env, "1") || !strcmp(env, "checked"))
            chk.level = 1;
        else
        {
            sim_report("rtsim: RTSIM_CHECK: bad value \"%s\" (use off, on or strict)\n", env);
            return -1;
        }
    }
    if (chk.level < 0)
        chk.level = 0;
    if (chk.level > 2)
        chk.level = 2;
    chk.every_call = cfg->check_every_call;
    sim_meta_begin(chk.level);
    /* Unchecked runs mark nothing no-access, so the brackets around the
     * allocators' own accesses would only cost time. */
    sim_annotate_brackets(chk.level > 0);

    return sim_fault_begin(cfg);
}

struct leak_row { unsigned long addr; const struct chk_record *r; };

static int leak_cmp(const void *a, const void *b)
{
    unsigned long x = ((const struct leak_row *)a)->addr, y = ((const struct leak_row *)b)->addr;
    return x < y ? -1 : x > y;
}

int sim_check_end(void)
{
    int leaked = 0;
    if (!chk.level)
        return 0;
    struct leak_row *rows = calloc(chk.nused + 1, sizeof *rows);
    if (!rows)
        return 0;
    size_t n = 0;
    rt_size_t bytes = 0;
    for (size_t i = 0; i < chk.nslots; i++)
    {
        struct chk_record *r = chk.slot[i];
        if (r && chk.key[i] == r->data && !r->freed && !r->is_pool)
        {
            rows[n].addr = rt_sim_target_addr(r->user);
            rows[n++].r = r;
            bytes += r->size;
        }
    }
    qsort(rows, n, sizeof *rows, leak_cmp);
    if (n && sim.cfg.leaks_report)
    {
        sim_report("rtsim: %lu block%s (%lu bytes) still allocated at the end of the run:\n",
                   (unsigned long)n, n == 1 ? "" : "s", (unsigned long)bytes);
        for (size_t i = 0; i < n; i++)
        {
            char when[160];
            chk_event_text(when, sizeof when, &rows[i].r->alloc);
            sim_report("  leak   0x%08lx, %lu bytes, allocated by %s\n", rows[i].addr,
                       (unsigned long)rows[i].r->size, when);
        }
    }
    leaked = n > 0;
    free(rows);
    return leaked;
}

/* The run ends: pools nobody detached (static ones usually) stop being
 * Valgrind pools, and their memory is the program's again. */
void sim_check_teardown(void)
{
    for (int i = 0; i < chk.nregions; i++)
        if (chk.region[i].is_pool && chk.level)
            sim_annotate_pool_gone(chk.region[i].owner, chk.region[i].lo,
                                   (rt_size_t)(chk.region[i].hi - chk.region[i].lo));
    int k = 0;
    for (int i = 0; i < chk.nregions; i++)
        if (!chk.region[i].is_pool)
            chk.region[k++] = chk.region[i];
    chk.nregions = k;
}

void sim_check_reset(void)
{
    /* aliases first (rt_malloc_align), so no record is read after free */
    for (size_t i = 0; i < chk.nslots; i++)
        if (chk.slot[i] && chk.key[i] != chk.slot[i]->data)
            chk.slot[i] = NULL;
    for (size_t i = 0; i < chk.nslots; i++)
        free(chk.slot[i]);
    free(chk.slot);
    free(chk.key);
    free(chk.span);
    memset(&chk, 0, sizeof chk);
    sim_meta_reset();
}

/* ------------------------------------------- for check_meta.c (check.h) */
void sim_check_report_head(const char *kind, int call, const void *ptr,
                           struct rt_hw_mem_site site)
{
    struct chk_event now;
    char when[160];

    if (ptr || call == RT_HW_MEM_CHECK)
    {
        report_head(kind, call, ptr, site);
        return;
    }
    chk_now(&now, site);            /* an allocation: no pointer to name */
    chk_event_text(when, sizeof when, &now);
    sim_report("rtsim: memory error: %s\n", kind);
    sim_report("  call   %s, thread %s\n", call_name(call), when);
}

/* The live block (a pool block when want_pool) that ends closest below
 * `p` - the one an overflow into p most probably came from - or NULL. */
const void *sim_check_block_below(const void *p, int want_pool, unsigned long *target,
                                  const unsigned char **end)
{
    const unsigned char *c = p;
    const struct chk_record *best = NULL;
    for (size_t i = 0; i < chk.nslots; i++)
    {
        const struct chk_record *r = chk.slot[i];
        if (r && chk.key[i] == r->data && !r->freed && r->is_pool == want_pool &&
            r->data < c && (!best || r->data > best->data))
            best = r;
    }
    if (best && target)
        *target = rt_sim_target_addr(best->user);
    if (best && end)
        *end = best->data + best->capacity;
    return best;
}

void sim_check_report_record(const void *record)
{
    report_block(record);
}

RT_NORETURN void sim_check_stop(void)
{
    report_end();
}

/* The freed (not yet reused) heap or pool block whose data holds p, or
 * NULL. */
const void *sim_check_freed_holding(const void *p, int want_pool, unsigned long *target)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < chk.nslots; i++)
    {
        const struct chk_record *r = chk.slot[i];
        if (r && chk.key[i] == r->data && r->freed == 1 && r->is_pool == want_pool &&
            c >= r->data && c < r->data + r->capacity)
        {
            if (target)
                *target = rt_sim_target_addr(r->user);
            return r;
        }
    }
    return NULL;
}
