/*
 * annotate.c - Valgrind and ASan see inside the simulated RAM.
 *
 * Without help both tools see each RAM region as one big host block and
 * miss every mistake inside it.  In checked mode (level >= 1) we tell them:
 *
 *   heap range           no-access from rt_system_heap_init on, except the
 *                        heap object's struct rt_memory (other kernel code
 *                        walks object lists through it)
 *   live block           accessible from data to data + size (a Valgrind
 *                        mempool per heap and per memory pool: memcheck
 *                        reports an error with the RT-Thread-level
 *                        allocation and free stacks)
 *   slack, guard, header no-access: a user write there is reported at once
 *   freed block          no-access (Valgrind: "inside a block free'd")
 *
 * The allocators read and write their headers and links inside no-access
 * memory.  kheap.c brackets every such access with rt_hw_mem_enter/leave:
 * under Valgrind that is VALGRIND_DISABLE/ENABLE_ERROR_REPORTING (counted
 * per thread, so a thread switch inside a bracket is harmless).  Under ASan
 * the allocator files are built without instrumentation instead (see
 * tests/faulty/meson.build), and so are the checker's own RAM accesses
 * (NO_ASAN in check.c).
 *
 * Only this file and check.c know about Valgrind or ASan headers.
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "check.h"

#ifdef RTSIM_HAVE_VALGRIND
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>
#define VG_ON() (RUNNING_ON_VALGRIND)
#else
#define VG_ON() 0
#define VALGRIND_DISABLE_ERROR_REPORTING ((void)0)
#define VALGRIND_ENABLE_ERROR_REPORTING ((void)0)
#endif

#ifdef RTSIM_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Depth of rt_hw_mem_enter on this host thread. */
static __thread int bracket_depth;
/* Brackets matter only in checked runs under Valgrind; set at run start. */
static int brackets_on;

void sim_annotate_brackets(int on)
{
    brackets_on = on && VG_ON();
    rt_hw_mem_brackets = brackets_on ? 1 : 0;
}

/* ------------------------------------------- board addresses in reports */
#ifdef RTSIM_HAVE_ASAN
/* ASan prints its report, then calls this with the whole text: every host
 * address in it that lies inside the simulated RAM gets a line with its
 * board address and block.  Written with write(2): no allocation while
 * ASan reports. */
static void asan_report(const char *text)
{
    const void *seen[32];
    int nseen = 0;
    for (const char *p = text; (p = strstr(p, "0x")) != NULL; )
    {
        unsigned long v = 0;
        const char *q = p + 2;
        int digits = 0;
        for (; digits < 16; q++, digits++)
        {
            int d = *q >= '0' && *q <= '9' ? *q - '0' : *q >= 'a' && *q <= 'f' ? *q - 'a' + 10 : -1;
            if (d < 0)
                break;
            v = v * 16 + (unsigned long)d;
        }
        p = q;
        const void *host = (const void *)v;
        if (digits < 6 || !rt_sim_is_target(host))
            continue;
        int dup = 0;
        for (int i = 0; i < nseen; i++)
            dup |= seen[i] == host;
        if (dup || nseen == 32)
            continue;
        seen[nseen++] = host;
        char line[400];
        if (sim_check_describe(host, line, sizeof line - 1))
        {
            size_t len = strlen(line);
            line[len++] = '\n';
            if (write(2, line, len) < 0)
                return;
        }
    }
}
#endif

void sim_annotate_ram_mapped(void)
{
#ifdef RTSIM_HAVE_ASAN
    __asan_set_error_report_callback(asan_report);
#endif
#ifdef RTSIM_HAVE_VALGRIND
    /* Valgrind names host addresses: the map turns each into the board's
     * (board = host - HOST + BASE).  Checked runs only, as the annotations. */
    if (!VG_ON() || rt_hw_mem_level() == 0)
        return;
    for (int i = 0; i < rt_sim_region_count(); i++)
    {
        const struct rt_sim_region *r = rt_sim_region(i);
        VALGRIND_PRINTF("rtsim: board %s RAM %s 0x%08lx..0x%08lx is host %p..%p\n",
                        rt_sim_board_name(), r->name, r->base,
                        r->base + (unsigned long)r->size - 1, (void *)r->host,
                        (void *)(r->host + r->size - 1));
    }
#endif
}

void rt_hw_mem_enter(void)
{
    if (brackets_on && bracket_depth++ == 0)
        VALGRIND_DISABLE_ERROR_REPORTING;
}

void rt_hw_mem_leave(void)
{
    if (brackets_on && bracket_depth > 0 && --bracket_depth == 0)
        VALGRIND_ENABLE_ERROR_REPORTING;
}

NO_ASAN rt_uint8_t rt_sim_peek(const void *addr)
{
    rt_hw_mem_enter();
    rt_uint8_t v = *(const volatile rt_uint8_t *)addr;
    rt_hw_mem_leave();
    /* the byte as it is, even one nobody wrote: a look, not a use */
    sim_annotate_copied(&v, 1);
    return v;
}

NO_ASAN void rt_sim_poke(void *addr, rt_uint8_t value)
{
    rt_hw_mem_enter();
    *(volatile rt_uint8_t *)addr = value;
    rt_hw_mem_leave();
}

void sim_annotate_abandon(void)
{
    /* One disable was issued when the depth left 0: one enable undoes it. */
    if (bracket_depth > 0 && VG_ON())
        VALGRIND_ENABLE_ERROR_REPORTING;
    bracket_depth = 0;
}

void sim_annotate_heap(const struct rt_object *heap, void *begin, rt_size_t size)
{
    unsigned char *obj = (unsigned char *)heap;
    unsigned char *lo = begin, *hi = lo + size;

    POISON(lo, size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        /* One Valgrind pool per heap object: every region of the system
         * heap is registered under the system heap's object. */
        /* The redzone lets memcheck name the block an overflow ran off
         * ("0 bytes after a block of size 100"); memcheck makes it
         * no-access again when the block is freed, so it must not reach
         * the next block's data: one word fits before every header; slab
         * chunks touch each other. */
        size_t rz = strcmp(rt_system_heap_algorithm(), "slab") ? sizeof(void *) : 0;
        VALGRIND_MAKE_MEM_NOACCESS(lo, size);
        if (!VALGRIND_MEMPOOL_EXISTS(heap))
            VALGRIND_CREATE_MEMPOOL(heap, rz, 0);
    }
#endif
    if (obj >= lo && obj < hi)
    {
        UNPOISON(obj, sizeof(struct rt_memory));
#ifdef RTSIM_HAVE_VALGRIND
        if (VG_ON())
            VALGRIND_MAKE_MEM_DEFINED(obj, sizeof(struct rt_memory));
#endif
    }
}

/* The heap goes (detach, end of run): its range is plain memory again, so
 * whatever the kernel still touches there (object list links of objects
 * living in leaked blocks) is not reported. */
void sim_annotate_heap_gone(const struct rt_object *heap, void *begin, rt_size_t size)
{
    UNPOISON(begin, size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        if (VALGRIND_MEMPOOL_EXISTS(heap))
            VALGRIND_DESTROY_MEMPOOL(heap);
        VALGRIND_MAKE_MEM_DEFINED(begin, size);
    }
#else
    (void)heap;
#endif
}

/* A memory pool: its blocks area is no-access but for live blocks.  No
 * redzone: memcheck marks a block's redzones no-access on every alloc and
 * free, and the one after the last block would lie past the buffer the
 * program gave rt_mp_init (over a neighbouring variable when the buffer is
 * sized exactly).  Headers are no-access anyway. */
void sim_annotate_pool(const struct rt_object *pool, void *begin, rt_size_t size)
{
    POISON(begin, size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        VALGRIND_MAKE_MEM_NOACCESS(begin, size);
        if (!VALGRIND_MEMPOOL_EXISTS(pool))
            VALGRIND_CREATE_MEMPOOL(pool, 0, 0);
    }
#else
    (void)pool;
#endif
}

void sim_annotate_pool_gone(const struct rt_object *pool, void *begin, rt_size_t size)
{
    UNPOISON(begin, size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        if (VALGRIND_MEMPOOL_EXISTS(pool))
            VALGRIND_DESTROY_MEMPOOL(pool);
        VALGRIND_MAKE_MEM_DEFINED(begin, size);
    }
#else
    (void)pool;
#endif
}

/* The Valgrind pool of a block: the heap object that handed it out, or
 * (memheap fallback) the region object the block's header names. */
static const void *pool_of(const void *heap)
{
    return heap;
}

void sim_annotate_alloc(const void *heap, void *data, rt_size_t size)
{
    UNPOISON(data, size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON() && VALGRIND_MEMPOOL_EXISTS(pool_of(heap)))
        VALGRIND_MEMPOOL_ALLOC(pool_of(heap), data, size);
#else
    (void)heap;
#endif
}

void sim_annotate_aligned(void *raw, void *user, rt_size_t size, rt_size_t capacity)
{
    unsigned char *r = raw, *u = user;
    /* The word below user (the raw pointer) stays readable. */
    POISON(r, (size_t)(u - sizeof(void *) - r));
    POISON(u + size, (size_t)(r + capacity - (u + size)));
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        VALGRIND_MAKE_MEM_NOACCESS(r, (size_t)(u - sizeof(void *) - r));
        VALGRIND_MAKE_MEM_NOACCESS(u + size, (size_t)(r + capacity - (u + size)));
    }
#else
    (void)capacity;
#endif
}

void sim_annotate_resize(const void *heap, void *data, rt_size_t old_size, rt_size_t new_size,
                         rt_size_t old_capacity)
{
    unsigned char *d = data;
    if (new_size > old_size)
        UNPOISON(d + old_size, new_size - old_size);
    else
        POISON(d + new_size, old_size - new_size);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON() && VALGRIND_MEMPOOL_EXISTS(pool_of(heap)))
    {
        VALGRIND_MEMPOOL_CHANGE(pool_of(heap), d, d, new_size);
        if (new_size > old_size)
            VALGRIND_MAKE_MEM_UNDEFINED(d + old_size, new_size - old_size);
        /* MEMPOOL_CHANGE leaves the bytes past the new size as they were;
         * the old slack was opened by sim_annotate_open */
        VALGRIND_MAKE_MEM_NOACCESS(d + new_size, (old_capacity > new_size ? old_capacity
                                                                          : new_size) - new_size);
    }
#else
    (void)heap;
#endif
}

void sim_annotate_free(const void *heap, void *data, rt_size_t capacity)
{
    POISON(data, capacity);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON() && VALGRIND_MEMPOOL_EXISTS(pool_of(heap)))
        VALGRIND_MEMPOOL_FREE(pool_of(heap), data);
    if (VG_ON())
        VALGRIND_MAKE_MEM_NOACCESS(data, capacity);
#else
    (void)heap;
#endif
}

/* The allocator is about to rewrite a live block (rt_free, rt_realloc):
 * its slack becomes plain defined memory (it holds the guard bytes) for
 * the time of the call.  Otherwise a header the allocator writes across
 * the end of the caller's bytes (a shrink splits at the aligned new size)
 * would be half accessible: memcheck keeps no value for the no-access
 * half, and the word, read back, would be partly undefined.  The call's
 * annotation (resize, free) closes the slack again. */
void sim_annotate_open(void *data, rt_size_t size, rt_size_t capacity)
{
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON() && capacity > size)
        VALGRIND_MAKE_MEM_DEFINED((unsigned char *)data + size, capacity - size);
#else
    (void)data;
    (void)size;
    (void)capacity;
#endif
}

void sim_annotate_copied(void *data, rt_size_t n)
{
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
        VALGRIND_MAKE_MEM_DEFINED(data, n);
#else
    (void)data;
    (void)n;
#endif
}

void sim_annotate_untracked(void *p, rt_size_t n, int in_use)
{
    if (in_use)
        UNPOISON(p, n);
    else
        POISON(p, n);
#ifdef RTSIM_HAVE_VALGRIND
    if (VG_ON())
    {
        if (in_use)
            VALGRIND_MAKE_MEM_UNDEFINED(p, n);
        else
            VALGRIND_MAKE_MEM_NOACCESS(p, n);
    }
#endif
}
