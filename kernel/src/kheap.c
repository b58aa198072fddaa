/*
 * kheap.c - the system heap: rt_malloc and friends over the algorithm
 * chosen at boot, with RT-Thread 4.1.x locking and hooks, plus rtsim's
 * statistics, checker and walker.
 *
 *   application ── rt_malloc / rt_free / rt_realloc / rt_calloc / ...
 *                        │  context check (no ISR), heap lock, hooks, trace
 *                        ▼
 *                 struct rt_heap_algorithm  (heap.h: one table entry each)
 *                        │
 *        ┌───────────────┼─────────────────┬──────────┬──────────┐
 *     smallmem    smallmem-classic        slab     memheap      tlsf
 *     (mem.c)     (mem_classic.c)
 *
 * Rules:
 *   K1  rt_system_heap_select(name) picks the algorithm before
 *       rt_system_heap_init; unknown names are refused (-RT_EINVAL).
 *   K2  rt_system_heap_init(begin, end) aligns end down, asserts
 *       end > aligned begin, initialises the algorithm as the object "heap"
 *       over (begin, end_align - begin_align) and creates the heap lock, a
 *       priority mutex named "heap".  It resets both hooks and every
 *       statistic.  A second call without rt_system_heap_deinit is an
 *       error: reported and refused, the heap is left as it was.
 *   K3  Every call that touches the heap reports a call from an interrupt
 *       (RT_DEBUG_NOT_IN_INTERRUPT stops the run) and takes the lock only
 *       when rt_thread_self() != RT_NULL (before the scheduler runs there
 *       is nobody to exclude), as 4.1 does.
 *   K4  Hooks, 4.1: the malloc hook runs after every rt_malloc, also when
 *       it failed, with the caller's size; the free hook runs on every
 *       rt_free, also rt_free(NULL); rt_realloc runs none.  With
 *       "smallmem-classic" the pre-4.1 rules apply instead: the malloc
 *       hook only on success with the rounded size, the free hook after
 *       the NULL check, and rt_realloc fires them on its malloc/free paths.
 *       5.x flavour (RTSIM_V5_HEAP_HOOKS, 5.1.0 src/kservice.c): every
 *       hook gets the address of the pointer and what it leaves there is
 *       used; malloc and free hooks run as 4.1's, rt_realloc runs its
 *       entry hook first and its exit hook last (also on failure), both
 *       with the caller's size - for every algorithm, "smallmem-classic"
 *       too (rtsim's choice: 5.x's hooks live in the wrapper, not mem.c).
 *   K5  rt_calloc refuses a count * size that overflows (RT-Thread does
 *       not check; we do).
 *   K6  rt_malloc_align / rt_free_align as RT-Thread: the raw pointer is
 *       stored in the word below the aligned one.
 *   K7  rt_system_heap_deinit forgets everything (algorithm choice, heap,
 *       lock, hooks, statistics) so the next boot starts fresh.
 *   K8-K10 (checked mode: pointers validated before the algorithm sees
 *       them, metadata accesses bracketed for Valgrind, fault injection)
 *       open the "checked mode" section; K11 (the metadata shadow) opens
 *       its own.  rtsim additions, all of them.
 *   K12 Fast paths (rtsim, issue 19): what is off costs one test - the
 *       algorithm and its flavour are cached at init, fault injection and
 *       the Valgrind brackets are flags (rthw.h, one word), checking
 *       off takes the short paths of rt_malloc and rt_free (the level-0
 *       steps, the lock inline, what is off tested once); the memtrace
 *       owner table is kept only for small-mem heaps (its only reader
 *       walks those); nothing observable changes.
 *   K13 The heap lock's uncontended take and release run inline with the
 *       state change rt_mutex_take / rt_mutex_release make on a free
 *       mutex; a contended, nested or priority-lending case goes through
 *       the mutex calls.  rt_system_heap_fast_paths(RT_FALSE) sends every
 *       case there, and turns off the short paths of rt_malloc / rt_free
 *       (K12) and of the memory pools (tests/test_fastpath.c compares).
 *
 * The file in order: helpers (K3's context check), the memtrace owner
 * table (RT-Thread keeps those four name bytes in each header; an
 * open-addressing table keyed by the data pointer here), the metadata
 * shadow (K11), selection and life (K1, K2, K7), hooks (K4), checked mode
 * (K8-K10), the heap API (rt_malloc ... rt_free_align, K5, K6), and
 * statistics, check and walk.
 *
 * Why one file (over ~900 lines): every entry point runs the same
 * sequence (context check, lock, checked-mode validation, algorithm call,
 * shadow record, hooks, trace, unlock) over state no other file may touch
 * (the chosen algorithm, the heap object, its lock, the owner table);
 * split, that state would need an internal header and the sequence would
 * be read across files.  The algorithms themselves are behind heap.h.
 */
#include <rtthread.h>
#include <rthw.h>
#include "heap.h"
#include "kernel.h"

/* The algorithms rt_system_heap_select knows: those the configuration
 * has (RT_USING_SMALL_MEM, RT_USING_SLAB, RT_USING_MEMHEAP; TLSF is an rtsim
 * addition, always there).  The default is RT_SIM_DEFAULT_HEAP, the one
 * the configuration makes the system heap (rtconfig_sim.h). */
static const struct rt_heap_algorithm *const kheap_algorithms[] =
{
#ifdef RT_USING_SMALL_MEM
    &rt_heap_smallmem,
    &rt_heap_smallmem_classic,
#endif
    /* ---- other heap algorithms: one line each below this mark ---- */
#ifdef RT_USING_SLAB
    &rt_heap_slab,
#endif
#ifdef RT_USING_MEMHEAP
    &rt_heap_memheap,
#endif
    &rt_heap_tlsf,
};

#define KHEAP_NALGO (sizeof(kheap_algorithms) / sizeof(kheap_algorithms[0]))

static const struct rt_heap_algorithm *kheap_algo;  /* RT_NULL = default */
static void *kheap_heap;                            /* the "heap" object */
/* K12 (rtsim, issue 19) The algorithm of the running heap, and whether it is
 * "smallmem-classic" / "memheap", fixed by rt_system_heap_init: the hot
 * paths read these instead of looking the algorithm up on every call. */
static const struct rt_heap_algorithm *kheap_run_algo;
static rt_bool_t kheap_run_classic;
static rt_bool_t kheap_run_memheap;
/* Whether the owner table is kept: the system heap is a small-mem heap,
 * the only kind `memtrace` (cmd_mem.c, its one reader) walks.  Issue 19:
 * the table is updated only where something can read it. */
static rt_bool_t kheap_run_owners;
#ifdef RT_USING_MUTEX
static struct rt_mutex kheap_lock_obj;
#endif
static rt_bool_t kheap_lock_ready;
/* K13 (rtsim, issue 19) The heap lock's uncontended take and release are
 * made inline (the state change rt_mutex_take / rt_mutex_release make on a
 * free mutex with nobody waiting); contention, nesting and lent priority
 * go through the mutex calls.  RT_TRUE unless rt_system_heap_fast_paths
 * (heap.h, for the test that both paths behave the same) turned it off. */
static rt_bool_t kheap_lock_fast = RT_TRUE;
/* K12 rt_malloc / rt_free may take their short paths: the heap is there
 * and the fast paths are on (kheap_heap != RT_NULL && kheap_lock_fast). */
static rt_bool_t kheap_short;
static rt_size_t kheap_failed_allocs;

#if RTSIM_V5_HEAP_HOOKS
static void (*rt_malloc_hook)(void **ptr, rt_size_t size);
static void (*rt_free_hook)(void **ptr);
static void (*rt_realloc_entry_hook)(void **ptr, rt_size_t size);
static void (*rt_realloc_exit_hook)(void **ptr, rt_size_t size);
#else
static void (*rt_malloc_hook)(void *ptr, rt_size_t size);
static void (*rt_free_hook)(void *ptr);
#endif
static void kheap_hooks_reset(void);    /* the hooks section */

/* ---------------------------------------------------------- helpers */

static const struct rt_heap_algorithm *kheap_current(void)
{
    rt_size_t i;

    if (kheap_run_algo != RT_NULL)
        return kheap_run_algo;
    if (kheap_algo != RT_NULL)
        return kheap_algo;
    for (i = 0; i < KHEAP_NALGO; i++)
        if (rt_strcmp(kheap_algorithms[i]->name, RT_SIM_DEFAULT_HEAP) == 0)
            return kheap_algorithms[i];
    return kheap_algorithms[0];
}

static rt_bool_t kheap_is_memheap(void);

rt_inline const struct rt_object *kheap_obj(void)
{
    return (const struct rt_object *)kheap_heap;
}

static rt_bool_t kheap_is_classic(void)
{
#ifdef RT_USING_SMALL_MEM
    if (kheap_run_algo != RT_NULL)
        return kheap_run_classic;
    return kheap_current() == &rt_heap_smallmem_classic;
#else
    return RT_FALSE;
#endif
}

/* K3: may this call use the heap?  Reports misuse and says no. */
static rt_bool_t kheap_usable(const char *func)
{
    if (rt_interrupt_get_nest() != 0)
    {
        rt_debug_not_in_interrupt(func);
        return RT_FALSE;
    }
    if (kheap_heap == RT_NULL)
    {
        rt_assert_handler("system heap initialised", func, (rt_size_t)__LINE__);
        return RT_FALSE;
    }
    return RT_TRUE;
}

/* The heap lock as RT-Thread 4.1.1 src/kservice.c _heap_lock: the mutex
 * "heap" with RT_USING_MUTEX, else a critical section. */
/* `checked`: the caller has made sure (kheap_usable) that this is no
 * interrupt; others leave the context check to rt_mutex_take. */
rt_inline void kheap_lock_ctx(rt_bool_t checked)
{
#ifdef RT_USING_MUTEX
    rt_thread_t self = rt_current_thread;     /* rt_thread_self(), inline */

    if (!kheap_lock_ready || self == RT_NULL)
        return;
    if (kheap_lock_fast && (checked || rt_interrupt_get_nest() == 0))
    {
        /* K13 fast path: the uncontended take, the same state change as
         * rt_mutex_take's (ipc_sem.c) for a free mutex, made inline. */
        rt_base_t level = rt_hw_interrupt_disable();

        if (kheap_lock_obj.owner == RT_NULL && kheap_lock_obj.value > 0)
        {
            self->error = RT_EOK;
            kheap_lock_obj.value--;
            kheap_lock_obj.owner = self;
            kheap_lock_obj.original_priority = self->current_priority;
            kheap_lock_obj.hold++;
            rt_hw_interrupt_enable(level);
            return;
        }
        rt_hw_interrupt_enable(level);
    }
    rt_mutex_take(&kheap_lock_obj, RT_WAITING_FOREVER);
#else
    (void)checked;
    if (kheap_lock_ready)
        rt_enter_critical();
#endif
}

static void kheap_lock(void)
{
    kheap_lock_ctx(RT_FALSE);
}

rt_inline void kheap_unlock_ctx(rt_bool_t checked)
{
#ifdef RT_USING_MUTEX
    rt_thread_t self = rt_current_thread;

    if (!kheap_lock_ready || self == RT_NULL)
        return;
    if (kheap_lock_fast && checked)
    {
        /* K13: the release that gives the mutex back free, as
         * rt_mutex_release does when nobody waits and no priority was
         * lent; anything else goes the whole way.  Between the take (whose
         * rt_hw_interrupt_enable delivered every interrupt and tick then
         * due) and here only kernel code ran, which the CPU model does not
         * charge: nothing can have fallen due, so the release's
         * rt_hw_interrupt_disable / enable pair, an interrupt delivery
         * point that would deliver nothing, is left out. */
        if (kheap_lock_obj.owner == self && kheap_lock_obj.hold == 1 &&
            kheap_lock_obj.original_priority == self->current_priority &&
            rt_list_isempty(&kheap_lock_obj.parent.suspend_thread) &&
            kheap_lock_obj.value < RT_MUTEX_VALUE_MAX)
        {
            kheap_lock_obj.hold = 0;
            kheap_lock_obj.value++;
            kheap_lock_obj.owner = RT_NULL;
            kheap_lock_obj.original_priority = 0xFF;
            return;
        }
    }
    rt_mutex_release(&kheap_lock_obj);
#else
    (void)checked;
    if (kheap_lock_ready)
        rt_exit_critical();
#endif
}

static void kheap_unlock(void)
{
    kheap_unlock_ctx(RT_FALSE);
}

void rt_system_heap_fast_paths(rt_bool_t on)
{
    kheap_lock_fast = on;
    kheap_short = kheap_heap != RT_NULL && on;
#ifdef RT_USING_MEMPOOL
    rt_mp_fast_paths(on);
#endif
}

#if defined(RT_USING_HOOK) && !RTSIM_V5_HEAP_HOOKS
/* The size the pre-4.1 malloc hook saw: aligned, raised to MIN_SIZE. */
static rt_size_t kheap_classic_hook_size(rt_size_t size)
{
    size = RT_ALIGN(size, RT_ALIGN_SIZE);
    return size < RT_ALIGN(12, RT_ALIGN_SIZE) ? RT_ALIGN(12, RT_ALIGN_SIZE) : size;
}
#endif

RT_WEAK rt_ubase_t rt_mem_target_addr(const void *p)
{
    return (rt_ubase_t)p;
}

/* ------------------------------------------------ owner names (memtrace)
 * RT-Thread with RT_USING_MEMTRACE keeps four name bytes in every block
 * header.  Our headers stay exactly three words, so the names live here:
 * an open-addressing table keyed by the data pointer, linear probing,
 * backward-shift deletion.  When it is full a block is simply not named
 * (memtrace shows "????").  O(1) expected per operation. */
#define KHEAP_OWNER_SLOTS ((rt_size_t)RT_MEM_OWNER_SLOTS)   /* power of two (rtconfig.h) */
#define KHEAP_OWNER_BITS  (__builtin_ctz((unsigned)RT_MEM_OWNER_SLOTS))

struct kheap_owner
{
    const void *ptr;
    char name[4];
};

static struct kheap_owner kheap_owners[KHEAP_OWNER_SLOTS];
static rt_size_t kheap_owner_count;

/* Fibonacci hashing: the top bits of (p >> 3) * 2^32/phi, one multiply
 * and one shift (issue 19); pointers that hash alike just probe on. */
rt_inline rt_size_t kheap_owner_hash(const void *p)
{
    rt_uint32_t x = (rt_uint32_t)((rt_ubase_t)p >> 3) * 0x9E3779B1u;

    return (rt_size_t)(x >> (32 - KHEAP_OWNER_BITS));
}

rt_inline struct kheap_owner *kheap_owner_find(const void *p)
{
    rt_size_t i = kheap_owner_hash(p);

    while (kheap_owners[i].ptr != RT_NULL)
    {
        if (kheap_owners[i].ptr == p)
            return &kheap_owners[i];
        i = (i + 1) & (KHEAP_OWNER_SLOTS - 1);
    }
    return RT_NULL;
}

rt_inline void kheap_owner_remove(const void *p)
{
    struct kheap_owner *e;
    rt_size_t hole, i;

    if (!kheap_run_owners)
        return;
    e = kheap_owner_find(p);
    if (e == RT_NULL)
        return;
    hole = (rt_size_t)(e - kheap_owners);
    kheap_owners[hole].ptr = RT_NULL;
    kheap_owner_count--;
    /* Shift later members of the probe run back into the hole. */
    for (i = (hole + 1) & (KHEAP_OWNER_SLOTS - 1); kheap_owners[i].ptr != RT_NULL;
         i = (i + 1) & (KHEAP_OWNER_SLOTS - 1))
    {
        rt_size_t home = kheap_owner_hash(kheap_owners[i].ptr);

        if (((i - home) & (KHEAP_OWNER_SLOTS - 1)) >= ((i - hole) & (KHEAP_OWNER_SLOTS - 1)))
        {
            kheap_owners[hole] = kheap_owners[i];
            kheap_owners[i].ptr = RT_NULL;
            hole = i;
        }
    }
}

/* One probe run finds p's entry or the free slot it goes in; the name's
 * first four bytes are copied as they are (a thread's name array is
 * RT_NAME_MAX >= 4 bytes) and cut at the NUL when read
 * (rt_mem_owner_name): issue 19, the owner table's cost per rt_malloc. */
rt_inline void kheap_owner_set(const void *p)
{
    struct kheap_owner *e;
    rt_thread_t t;
    const char *name;
    rt_size_t i;

    if (p == RT_NULL || !kheap_run_owners)
        return;
    t = rt_current_thread;
    name = t != RT_NULL ? t->name : "NONE";
    i = kheap_owner_hash(p);
    while (kheap_owners[i].ptr != RT_NULL && kheap_owners[i].ptr != p)
        i = (i + 1) & (KHEAP_OWNER_SLOTS - 1);
    e = &kheap_owners[i];
    if (e->ptr == RT_NULL)
    {
        if (kheap_owner_count >= KHEAP_OWNER_SLOTS * 3 / 4)
            return;
        e->ptr = p;
        kheap_owner_count++;
    }
#if RT_NAME_MAX >= 4
    e->name[0] = name[0];
    e->name[1] = name[1];
    e->name[2] = name[2];
    e->name[3] = name[3];
#else
    {
        rt_size_t n;

        for (n = 0; n < 4 && name[n] != '\0'; n++)
            e->name[n] = name[n];
        for (; n < 4; n++)
            e->name[n] = '\0';
    }
#endif
}

static void kheap_owner_reset(void)
{
    rt_memset(kheap_owners, 0, sizeof(kheap_owners));
    kheap_owner_count = 0;
}

void rt_mem_owner_name(const void *data, rt_bool_t used, char name[4])
{
    const struct kheap_owner *e = used ? kheap_owner_find(data) : RT_NULL;
    const char *src = e != RT_NULL ? e->name : (used && kheap_owner_count >= KHEAP_OWNER_SLOTS * 3 / 4 ? "????" : "    ");

    rt_size_t n;

    for (n = 0; n < 4 && src[n] != '\0'; n++)
        name[n] = src[n];
    for (; n < 4; n++)
        name[n] = ' ';
}

/* ------------------------------------------------- metadata shadow (K11) */

static const struct rt_hw_mem_site kheap_no_site = { RT_NULL, 0 };

/* K11 Metadata shadow (rthw.h; heap_shadow.c S1-S7): in checked mode,
 *     before the algorithm is called, every word of the heap's metadata is
 *     compared with what the algorithm last wrote there (before any header
 *     is read); after the call the heap's metadata is recorded again, the
 *     windows around the blocks the call named (kheap_meta_touch) or the
 *     whole heap.  So an overflow into a header, a link or the control
 *     block is reported at the next call, naming the block below it, and
 *     the algorithm never runs on damaged metadata.  Level 0 skips all of
 *     it.  heap_shadow.c keeps the same for heaps a program makes directly;
 *     while this file makes the system heap's own, they are not direct. */
static struct rt_heap_shadow kheap_shadow;

rt_inline void kheap_meta_touch(const void *data)
{
    rt_heap_shadow_touch(&kheap_shadow, data);
}

static void kheap_meta_record(void)
{
    rt_heap_shadow_record(&kheap_shadow);
}

/* K11: is every word of metadata as recorded?  Reports and stops if not. */
rt_inline void kheap_meta_verify(int call, const void *ptr, struct rt_hw_mem_site site)
{
    rt_heap_shadow_verify(&kheap_shadow, call, ptr, site);
}

/* K11 for calls that reach the algorithm without rt_malloc (heap.h:
 * rt_page_alloc / rt_page_free); nothing at level 0. */
void rt_system_heap_meta_verify(int call, const void *ptr)
{
    if (kheap_heap != RT_NULL && (rt_hw_mem_level() & 0xFF) != 0)
        kheap_meta_verify(call, ptr, kheap_no_site);
}

void rt_system_heap_meta_record(void)
{
    if (kheap_heap != RT_NULL && (rt_hw_mem_level() & 0xFF) != 0)
    {
        kheap_shadow.whole = RT_TRUE;
        kheap_meta_record();
    }
}

void rt_system_heap_meta_selfcheck(rt_bool_t on, rt_size_t *partial, rt_size_t *whole,
                                   rt_size_t *mismatches)
{
    kheap_shadow.selfcheck = on;
    if (partial != RT_NULL)
        *partial = kheap_shadow.partial_records;
    if (whole != RT_NULL)
        *whole = kheap_shadow.whole_records;
    if (mismatches != RT_NULL)
        *mismatches = kheap_shadow.mismatches;
}

/* ------------------------------------------------- selection and life */

rt_err_t rt_system_heap_select(const char *name)
{
    rt_size_t i;

    if (name == RT_NULL)
    {
        kheap_algo = RT_NULL;
        return RT_EOK;
    }
    for (i = 0; i < KHEAP_NALGO; i++)
    {
        if (rt_strcmp(kheap_algorithms[i]->name, name) == 0)
        {
            kheap_algo = kheap_algorithms[i];
            return RT_EOK;
        }
    }
    return -RT_EINVAL;
}

const char *rt_system_heap_algorithm(void)
{
    return kheap_current()->name;
}

void rt_system_heap_init(void *begin_addr, void *end_addr)
{
    rt_ubase_t begin_align = RT_ALIGN((rt_ubase_t)begin_addr, RT_ALIGN_SIZE);
    rt_ubase_t end_align = RT_ALIGN_DOWN((rt_ubase_t)end_addr, RT_ALIGN_SIZE);

    if (kheap_heap != RT_NULL)
    {
        rt_kprintf("rt_system_heap_init: the system heap is already initialised\n");
        RT_ASSERT(kheap_heap == RT_NULL);
        return;
    }
    if (end_align <= begin_align)
    {
        RT_ASSERT(end_align > begin_align);
        return;
    }

    kheap_hooks_reset();
    kheap_failed_allocs = 0;
    kheap_owner_reset();

    rt_heap_shadow_system_busy = RT_TRUE;     /* K11: not a heap made directly */
    kheap_heap = kheap_current()->init("heap", begin_addr, end_align - begin_align);
    rt_heap_shadow_system_busy = RT_FALSE;
    if (kheap_heap == RT_NULL)
        return;
    kheap_run_classic = kheap_is_classic();
    kheap_run_memheap = kheap_is_memheap();
    kheap_run_algo = kheap_current();
#ifdef RT_USING_SMALL_MEM
    kheap_run_owners = kheap_run_algo == &rt_heap_smallmem || kheap_run_classic;
#endif
    rt_hw_mem_heap_add(kheap_obj(), begin_addr, end_align - (rt_ubase_t)begin_addr);
#ifdef RT_USING_MUTEX
    rt_mutex_init(&kheap_lock_obj, "heap", RT_IPC_FLAG_PRIO);
#endif
    kheap_lock_ready = RT_TRUE;
    kheap_short = kheap_lock_fast;
    {
        rt_bool_t selfcheck = kheap_shadow.selfcheck;

        rt_heap_shadow_reset(&kheap_shadow, kheap_heap, kheap_run_algo,
                             kheap_run_algo->meta_walk != RT_NULL ? kheap_run_algo->meta_walk
                                                                  : kheap_run_algo->walk,
                             kheap_run_algo->walk_span);
        kheap_shadow.selfcheck = selfcheck;
    }
    if ((rt_hw_mem_level() & 0xFF) != 0)
        kheap_meta_record();
}

rt_err_t rt_system_heap_add_region(const char *name, void *begin, void *end)
{
    const struct rt_heap_algorithm *algo = kheap_current();
    rt_err_t err;

    if (algo->add_region == RT_NULL)
        return -RT_ENOSYS;
    if (!kheap_usable(__func__))
        return -RT_ERROR;
    if ((rt_ubase_t)end <= (rt_ubase_t)begin)
        return -RT_EINVAL;
    kheap_lock();
    if ((rt_hw_mem_level() & 0xFF) != 0)
        kheap_meta_verify(RT_HW_MEM_CHECK, RT_NULL, kheap_no_site);
    rt_hw_mem_enter();
    rt_heap_shadow_system_busy = RT_TRUE;     /* K11: not a heap made directly */
    err = algo->add_region(kheap_heap, name, begin, (rt_size_t)((rt_ubase_t)end - (rt_ubase_t)begin));
    rt_heap_shadow_system_busy = RT_FALSE;
    rt_hw_mem_leave();
    if (err == RT_EOK)
        rt_hw_mem_heap_add(kheap_obj(), begin, (rt_size_t)((rt_ubase_t)end - (rt_ubase_t)begin));
    kheap_shadow.whole = RT_TRUE;
    if ((rt_hw_mem_level() & 0xFF) != 0)
        kheap_meta_record();
    kheap_unlock();
    return err;
}

void rt_system_heap_deinit(void)
{
    void *heap = kheap_heap;

    rt_heap_shadow_direct_reset();      /* K11: heap_shadow.c's table */
    if (heap != RT_NULL)
    {
        rt_hw_meta_forget(heap);
        rt_hw_mem_heap_remove(kheap_obj());
        /* forgotten before the detach: a detach that asserts (a control
         * block damaged in the RAM: small mem, slab, tlsf, whose detach
         * keeps no host state past that point) ends the run, and the port
         * calls this again to finish (sim/run.c) */
        kheap_heap = RT_NULL;
        kheap_current()->detach(heap);
    }
#ifdef RT_USING_MUTEX
    if (kheap_lock_ready)
        rt_mutex_detach(&kheap_lock_obj);
#endif
    kheap_heap = RT_NULL;
    kheap_short = RT_FALSE;
    kheap_lock_ready = RT_FALSE;
    kheap_algo = RT_NULL;
    kheap_run_algo = RT_NULL;
    kheap_run_classic = RT_FALSE;
    kheap_run_memheap = RT_FALSE;
    kheap_run_owners = RT_FALSE;
    kheap_failed_allocs = 0;
    kheap_hooks_reset();
    kheap_owner_reset();
}

/* -------------------------------------------------------------- hooks
 * K4.  The flavour decides the hooks' signatures and where they run
 * (rtflavour.h RTSIM_V5_HEAP_HOOKS); the heap API below calls the four
 * kheap_hook_* points and nothing else of this section. */

#ifdef RT_USING_HOOK
#if RTSIM_V5_HEAP_HOOKS
void rt_malloc_sethook(void (*hook)(void **ptr, rt_size_t size))
{
    rt_malloc_hook = hook;
}

void rt_free_sethook(void (*hook)(void **ptr))
{
    rt_free_hook = hook;
}

void rt_realloc_set_entry_hook(void (*hook)(void **ptr, rt_size_t size))
{
    rt_realloc_entry_hook = hook;
}

void rt_realloc_set_exit_hook(void (*hook)(void **ptr, rt_size_t size))
{
    rt_realloc_exit_hook = hook;
}
#else
void rt_malloc_sethook(void (*hook)(void *ptr, rt_size_t size))
{
    rt_malloc_hook = hook;
}

void rt_free_sethook(void (*hook)(void *ptr))
{
    rt_free_hook = hook;
}
#endif
#endif

/* Boot and deinit (K2, K7) start with no hook set. */
static void kheap_hooks_reset(void)
{
    rt_malloc_hook = RT_NULL;
    rt_free_hook = RT_NULL;
#if RTSIM_V5_HEAP_HOOKS
    rt_realloc_entry_hook = RT_NULL;
    rt_realloc_exit_hook = RT_NULL;
#endif
}

/* rt_malloc's hook, after the unlock; returns what rt_malloc returns (a
 * 5.x hook may replace the pointer through its argument). */
static void *kheap_hook_malloc(void *ptr, rt_size_t size)
{
#if RTSIM_V5_HEAP_HOOKS
    RT_OBJECT_HOOK_CALL(rt_malloc_hook, (&ptr, size));
#else
    if (rt_malloc_hook == RT_NULL)
        return ptr;
    if (!kheap_is_classic())
        RT_OBJECT_HOOK_CALL(rt_malloc_hook, (ptr, size));
    else if (ptr != RT_NULL)
        RT_OBJECT_HOOK_CALL(rt_malloc_hook, (ptr, kheap_classic_hook_size(size)));
#endif
    return ptr;
}

/* rt_free's hook before its NULL check (4.1 and 5.x; a 5.x hook may
 * replace the pointer that is then freed).  The classic rule (after the
 * NULL check) is kheap_hook_free_classic's. */
static void *kheap_hook_free(void *ptr)
{
#if RTSIM_V5_HEAP_HOOKS
    RT_OBJECT_HOOK_CALL(rt_free_hook, (&ptr));
#else
    if (rt_free_hook != RT_NULL && !kheap_is_classic())
        RT_OBJECT_HOOK_CALL(rt_free_hook, (ptr));
#endif
    return ptr;
}

static void kheap_hook_free_classic(void *ptr)
{
#if RTSIM_V5_HEAP_HOOKS
    (void)ptr;
#else
    if (kheap_is_classic())
        RT_OBJECT_HOOK_CALL(rt_free_hook, (ptr));
#endif
}

/* rt_realloc's entry point: 5.x runs the entry hook first, before the
 * lock, and reallocates what it leaves in the pointer; 4.1 has none. */
static void *kheap_hook_realloc_entry(void *ptr, rt_size_t newsize)
{
#if RTSIM_V5_HEAP_HOOKS
    RT_OBJECT_HOOK_CALL(rt_realloc_entry_hook, (&ptr, newsize));
#else
    (void)newsize;
#endif
    return ptr;
}

/* K4, classic: the hooks pre-4.1's rt_realloc fired through its own calls
 * to rt_malloc and rt_free. */
#if !RTSIM_V5_HEAP_HOOKS
static void kheap_classic_realloc_hooks(void *old, void *nptr, rt_size_t newsize)
{
    if (newsize == 0)
    {
        if (old != RT_NULL)
            RT_OBJECT_HOOK_CALL(rt_free_hook, (old));
        return;
    }
    if (nptr != RT_NULL && nptr != old)
    {
        RT_OBJECT_HOOK_CALL(rt_malloc_hook, (nptr, kheap_classic_hook_size(newsize)));
        if (old != RT_NULL)
            RT_OBJECT_HOOK_CALL(rt_free_hook, (old));
    }
}
#endif

/* rt_realloc's exit point, after the unlock: 5.x's exit hook with the
 * result (whatever it leaves is returned), on success and failure alike;
 * 4.1 fires nothing except with "smallmem-classic". */
static void *kheap_hook_realloc_exit(void *old, void *nptr, rt_size_t newsize)
{
#if RTSIM_V5_HEAP_HOOKS
    (void)old;
    RT_OBJECT_HOOK_CALL(rt_realloc_exit_hook, (&nptr, newsize));
#else
    if (kheap_is_classic())
        kheap_classic_realloc_hooks(old, nptr, newsize);
#endif
    return nptr;
}

/* ------------------------------------------------------ checked mode
 * K8  With a checking level (rthw.h: rt_hw_mem_level, sim/check.c), every
 *     pointer handed to rt_free / rt_realloc / rt_free_align is validated
 *     by the port BEFORE the algorithm sees it; a mistake is reported and
 *     the run stops, the heap untouched.  Every block handed out is
 *     described to the port (capacity, what the algorithm wrote around it)
 *     so it can guard the slack and verify the poison of reused memory.
 *     The algorithm, its block layout and its statistics are unchanged at
 *     level 1.  Level 2 asks for KHEAP_STRICT_GUARD more bytes per block
 *     and lets the port hold freed blocks back (quarantine).
 * K9  Algorithm code that reads or writes metadata inside the simulated
 *     RAM runs between rt_hw_mem_enter and rt_hw_mem_leave (Valgrind).
 * K10 Fault injection: rt_hw_mem_fail is asked once per allocation that
 *     needs memory (the memheap algorithm asks per region it tries).
 * The call site comes from the *_site entry points (RTSIM_TRACK_ALLOC_SITES
 * in rtthread.h); it is taken at entry, before anything can block. */
#define KHEAP_STRICT_GUARD  (2 * RT_ALIGN_SIZE)


static rt_bool_t kheap_is_memheap(void)
{
#ifdef RT_USING_MEMHEAP
    if (kheap_run_algo != RT_NULL)
        return kheap_run_memheap;
    return kheap_current() == &rt_heap_memheap;
#else
    return RT_FALSE;
#endif
}

/* Describe the used block at ptr (lock held, inside rt_hw_mem_enter). */
static void kheap_describe(void *ptr, rt_size_t size, struct rt_hw_mem_block *b)
{
    const struct rt_heap_algorithm *a = kheap_current();

    b->heap = kheap_heap;
    b->data = ptr;
    b->size = size;
    b->lo = ptr;
    b->hi = (rt_uint8_t *)ptr + size;
    b->capacity = a->usable != RT_NULL ? a->usable(kheap_heap, ptr, &b->lo, &b->hi) : size;
    b->free_head = a->free_head_words * sizeof(void *);
    b->free_tail = a->free_tail_words * sizeof(void *);
    b->copied = 0;
    if (a->usable == RT_NULL)
        b->free_head = size;    /* layout unknown: no guard, no poison kept */
}

/* Allocate `size` bytes for the caller (lock held). */
static void *kheap_alloc_locked(rt_size_t size, int level, int call, struct rt_hw_mem_site site)
{
    const struct rt_heap_algorithm *a = kheap_run_algo;   /* set: the heap exists */
    struct rt_hw_mem_block b;
    rt_size_t ask = size;
    void *ptr;

    if (level == 0)
    {
        if (size != 0 && !kheap_run_memheap && rt_hw_mem_fail_armed && rt_hw_mem_fail(kheap_obj(), size))
            return RT_NULL;
        return kheap_run_algo->alloc(kheap_heap, size);
    }
    if (size == 0)
        return RT_NULL;
    if (!kheap_is_memheap() && rt_hw_mem_fail_armed && rt_hw_mem_fail(kheap_obj(), size))
        return RT_NULL;
    if (level >= 2 && size <= (rt_size_t)-1 - KHEAP_STRICT_GUARD)
        ask = size + KHEAP_STRICT_GUARD;

    rt_hw_mem_enter();
    ptr = a->alloc(kheap_heap, ask);
    while (ptr == RT_NULL && level >= 2)
    {
        /* Strict: the quarantine gives memory back before a request fails. */
        void *old = rt_hw_mem_unquarantine();
        if (old == RT_NULL)
            break;
        kheap_meta_touch(old);
        a->free(kheap_heap, old);
        ptr = a->alloc(kheap_heap, ask);
    }
    kheap_meta_touch(ptr);
    if (ptr != RT_NULL)
        kheap_describe(ptr, size, &b);
    rt_hw_mem_leave();
    if (ptr != RT_NULL)
        rt_hw_mem_allocated(&b, call, site);
    return ptr;
}

/* The whole-heap check after a call (K8, cfg.check_every_call). */
static void kheap_check_after(int level, int call)
{
    int broken;

    if ((level & RT_HW_MEM_EVERY_CALL) == 0)
        return;
    rt_hw_mem_enter();
    broken = kheap_current()->check(kheap_heap);
    rt_hw_mem_leave();
    if (broken != 0)
        rt_hw_mem_corrupted(kheap_obj(), broken, call);
    rt_hw_mem_check_all(call);
}

/* Validate ptr as a live block and check its header still agrees with
 * what it was handed out as (lock held).  Fills b. */
static void kheap_validate(void *ptr, int call, struct rt_hw_mem_site site,
                           struct rt_hw_mem_block *b)
{
    rt_size_t cap = rt_hw_mem_validate(kheap_obj(), ptr, call, site);

    rt_hw_mem_enter();
    kheap_describe(ptr, cap, b);
    rt_hw_mem_leave();
    if (b->lo == RT_NULL || b->capacity != cap)
        rt_hw_mem_bad_header(ptr, 0, call, site);
    if (b->hi == RT_NULL)
        rt_hw_mem_bad_header(ptr, 1, call, site);
}

/* Give ptr back (lock held, level != 0). */
static void kheap_free_checked(void *ptr, int call, struct rt_hw_mem_site site)
{
    struct rt_hw_mem_block b;
    void *victim;

    kheap_validate(ptr, call, site, &b);
    victim = rt_hw_mem_freeing(&b, call, site);
    kheap_owner_remove(ptr);
    if (victim != RT_NULL)
    {
        kheap_meta_touch(victim);
        rt_hw_mem_enter();
        kheap_current()->free(kheap_heap, victim);
        rt_hw_mem_leave();
    }
}

void rt_system_heap_quarantine_flush(void)
{
    void *old;

    if (kheap_heap == RT_NULL)
        return;
    while ((old = rt_hw_mem_unquarantine()) != RT_NULL)
    {
        kheap_meta_verify(RT_HW_MEM_FREE, old, kheap_no_site);
        kheap_meta_touch(old);
        rt_hw_mem_enter();
        kheap_current()->free(kheap_heap, old);
        rt_hw_mem_leave();
        kheap_meta_record();
    }
}

/* ------------------------------------------------------ the heap API */

/* Checking off (K12): the steps of a checked rt_malloc below with what
 * level 0 skips left out - rt_malloc's short path and kheap_malloc's
 * level-0 branch (a usable heap, K3 done). */
rt_inline void *kheap_malloc_off(rt_size_t size)
{
    void *ptr;

    kheap_lock_ctx(RT_TRUE);
    if (size != 0 && rt_hw_mem_fail_armed && !kheap_run_memheap && rt_hw_mem_fail(kheap_obj(), size))
        ptr = RT_NULL;
    else
        ptr = kheap_run_algo->alloc(kheap_heap, size);
    if (ptr == RT_NULL && size != 0)
        kheap_failed_allocs++;
    kheap_owner_set(ptr);
    kheap_unlock_ctx(RT_TRUE);
    rt_hw_trace(RT_TRACE_MALLOC, kheap_heap, ptr, size, RT_NULL);
    return kheap_hook_malloc(ptr, size);
}

static void *kheap_malloc(rt_size_t size, int call, struct rt_hw_mem_site site)
{
    void *ptr;
    int level;

    if (!kheap_usable("rt_malloc"))
        return RT_NULL;

    level = rt_hw_mem_level();
    if (level == 0)
        return kheap_malloc_off(size);
    kheap_lock_ctx(RT_TRUE);
    if ((level & 0xFF) != 0)
        kheap_meta_verify(call, RT_NULL, site);
    ptr = kheap_alloc_locked(size, level & 0xFF, call, site);
    if ((level & 0xFF) != 0)
        kheap_meta_record();
    if (ptr == RT_NULL && size != 0)
        kheap_failed_allocs++;
    kheap_owner_set(ptr);
    kheap_check_after(level, call);
    kheap_unlock_ctx(RT_TRUE);
    rt_hw_trace(RT_TRACE_MALLOC, kheap_heap, ptr, size, RT_NULL);
    return kheap_hook_malloc(ptr, size);
}

/* K12 short path (rtsim, issue 19): a thread, not an interrupt (K3's
 * check), the heap there, the fast paths on, checking off and no
 * whole-heap check: kheap_malloc_off, with the lock inline (K13) and what
 * is off tested once.  Anything else takes kheap_malloc. */
void *rt_malloc(rt_size_t size)
{
    if (rt_hw_mem_level_now != 0 || !kheap_short || rt_interrupt_nest != 0)
        return kheap_malloc(size, RT_HW_MEM_MALLOC, kheap_no_site);
    return kheap_malloc_off(size);
}

static void kheap_free(void *ptr, int call, struct rt_hw_mem_site site)
{
    int level;

    ptr = kheap_hook_free(ptr);
    if (ptr == RT_NULL)
        return;
    if (!kheap_usable("rt_free"))
        return;
    kheap_hook_free_classic(ptr);

    rt_hw_trace(RT_TRACE_FREE, kheap_heap, ptr, 0, RT_NULL);
    level = rt_hw_mem_level();
    kheap_lock_ctx(RT_TRUE);
    if ((level & 0xFF) != 0)
    {
        kheap_meta_verify(call, ptr, site);
        kheap_free_checked(ptr, call, site);
        kheap_meta_record();
    }
    else
    {
        kheap_owner_remove(ptr);
        kheap_run_algo->free(kheap_heap, ptr);
    }
    kheap_check_after(level, call);
    kheap_unlock_ctx(RT_TRUE);
}

/* K12 short path (rtsim, issue 19), as rt_malloc's: with no free hook
 * and no trace either (both run before the lock), the steps of
 * kheap_free's level-0 branch. */
void rt_free(void *ptr)
{
    if (rt_hw_mem_level_now != 0 || !kheap_short || rt_interrupt_nest != 0 ||
        rt_free_hook != RT_NULL || rt_hw_trace_enabled)
    {
        kheap_free(ptr, RT_HW_MEM_FREE, kheap_no_site);
        return;
    }
    if (ptr == RT_NULL)
        return;
    kheap_lock_ctx(RT_TRUE);
    kheap_owner_remove(ptr);
    kheap_run_algo->free(kheap_heap, ptr);
    kheap_unlock_ctx(RT_TRUE);
}

/* Strict rt_realloc (K8): the block stays where it is when the new size
 * fits its capacity; otherwise the data moves to a new block and the old
 * one goes to the quarantine like any freed block, so a stale pointer to
 * it is caught instead of reaching memory handed out again. */
static void *kheap_realloc_strict(void *ptr, rt_size_t newsize, rt_size_t ask,
                                  const struct rt_hw_mem_block *old, struct rt_hw_mem_site site)
{
    const struct rt_heap_algorithm *a = kheap_current();
    struct rt_hw_mem_block b;
    void *nptr, *victim;

    if (ask <= old->capacity)
    {
        b = *old;
        b.size = newsize;
        rt_hw_mem_resized(&b, old->capacity);
        return ptr;
    }
    rt_hw_mem_enter();
    nptr = a->alloc(kheap_heap, ask);
    while (nptr == RT_NULL)
    {
        void *q = rt_hw_mem_unquarantine();
        if (q == RT_NULL)
            break;
        kheap_meta_touch(q);
        a->free(kheap_heap, q);
        nptr = a->alloc(kheap_heap, ask);
    }
    kheap_meta_touch(nptr);
    if (nptr != RT_NULL)
        kheap_describe(nptr, newsize, &b);
    rt_hw_mem_leave();
    if (nptr == RT_NULL)
        return RT_NULL;
    rt_hw_mem_allocated(&b, RT_HW_MEM_REALLOC, site);
    rt_memcpy(nptr, ptr, rt_hw_mem_size(ptr) < newsize ? rt_hw_mem_size(ptr) : newsize);
    victim = rt_hw_mem_freeing(old, RT_HW_MEM_REALLOC, site);
    if (victim != RT_NULL)
    {
        kheap_meta_touch(victim);
        rt_hw_mem_enter();
        a->free(kheap_heap, victim);
        rt_hw_mem_leave();
    }
    return nptr;
}

/* rt_realloc with checking (lock held, ptr != NULL, newsize != 0). */
static void *kheap_realloc_checked(void *ptr, rt_size_t newsize, int level,
                                   struct rt_hw_mem_site site)
{
    const struct rt_heap_algorithm *a = kheap_current();
    struct rt_hw_mem_block old, b;
    rt_size_t ask = newsize;
    void *nptr;

    kheap_validate(ptr, RT_HW_MEM_REALLOC, site, &old);
    if (newsize > old.capacity && !kheap_is_memheap() && rt_hw_mem_fail_armed && rt_hw_mem_fail(kheap_obj(), newsize))
        return RT_NULL;
    if (level >= 2 && newsize <= (rt_size_t)-1 - KHEAP_STRICT_GUARD)
        ask = newsize + KHEAP_STRICT_GUARD;
    if (level >= 2)
        return kheap_realloc_strict(ptr, newsize, ask, &old, site);

    kheap_meta_touch(ptr);
    rt_hw_mem_enter();
    nptr = a->realloc(kheap_heap, ptr, ask);
    if (nptr != ptr)
        kheap_meta_touch(nptr);
    if (nptr != RT_NULL)
        kheap_describe(nptr, newsize, &b);
    rt_hw_mem_leave();
    if (nptr == ptr)
    {
        rt_hw_mem_resized(&b, old.capacity);
    }
    else if (nptr != RT_NULL)
    {
        /* The algorithm copied the old data in before we could look. */
        b.copied = old.capacity < b.capacity ? old.capacity : b.capacity;
        rt_hw_mem_allocated(&b, RT_HW_MEM_REALLOC, site);
        rt_hw_mem_moved_from(&old, nptr);
    }
    return nptr;
}

static void *kheap_realloc(void *ptr, rt_size_t newsize, struct rt_hw_mem_site site)
{
    void *nptr;
    int level;

    ptr = kheap_hook_realloc_entry(ptr, newsize);
    if (!kheap_usable("rt_realloc"))
        return RT_NULL;

    level = rt_hw_mem_level();
    kheap_lock_ctx(RT_TRUE);
    if ((level & 0xFF) == 0)
    {
        if (newsize > 0 && ptr == RT_NULL && !kheap_is_memheap() &&
            rt_hw_mem_fail_armed && rt_hw_mem_fail(kheap_obj(), newsize))
            nptr = RT_NULL;
        else
            nptr = kheap_current()->realloc(kheap_heap, ptr, newsize);
    }
    else
    {
        kheap_meta_verify(RT_HW_MEM_REALLOC, ptr, site);
        if (ptr == RT_NULL)
        {
            nptr = kheap_alloc_locked(newsize, level & 0xFF, RT_HW_MEM_REALLOC, site);
        }
        else if (newsize == 0)
        {
            kheap_free_checked(ptr, RT_HW_MEM_REALLOC, site);
            nptr = RT_NULL;
        }
        else
        {
            nptr = kheap_realloc_checked(ptr, newsize, level & 0xFF, site);
        }
        kheap_meta_record();
    }
    if (nptr == RT_NULL && newsize != 0)
        kheap_failed_allocs++;
    if (nptr != ptr && (nptr != RT_NULL || newsize == 0))
    {
        kheap_owner_remove(ptr);
        kheap_owner_set(nptr);
    }
    kheap_check_after(level, RT_HW_MEM_REALLOC);
    kheap_unlock_ctx(RT_TRUE);

    rt_hw_trace(RT_TRACE_REALLOC, kheap_heap, nptr, newsize, ptr);
    return kheap_hook_realloc_exit(ptr, nptr, newsize);
}

void *rt_realloc(void *ptr, rt_size_t newsize)
{
    return kheap_realloc(ptr, newsize, kheap_no_site);
}

static void *kheap_calloc(rt_size_t count, rt_size_t size, struct rt_hw_mem_site site)
{
    void *p;

    if (size != 0 && count > (rt_size_t)-1 / size)
    {
        if (kheap_usable("rt_calloc"))
            kheap_failed_allocs++;
        return RT_NULL;
    }
    p = kheap_malloc(count * size, RT_HW_MEM_CALLOC, site);
    if (p != RT_NULL)
        rt_memset(p, 0, count * size);
    return p;
}

void *rt_calloc(rt_size_t count, rt_size_t size)
{
    return kheap_calloc(count, size, kheap_no_site);
}

static void *kheap_malloc_align(rt_size_t size, rt_size_t align, struct rt_hw_mem_site site)
{
    rt_size_t word = sizeof(void *);
    rt_size_t align_size;
    rt_ubase_t raw, aligned;
    void *ptr;

    align = RT_ALIGN(align, word);
    if (align == 0 || (align & (align - 1)) != 0)
    {
        RT_ASSERT(align != 0 && (align & (align - 1)) == 0);
        return RT_NULL;
    }
    if (size > (rt_size_t)-1 - align - word)
        return RT_NULL;
    align_size = RT_ALIGN(size, word) + align;

    ptr = kheap_malloc(align_size, RT_HW_MEM_MALLOC_ALIGN, site);
    if (ptr == RT_NULL)
        return RT_NULL;

    raw = (rt_ubase_t)ptr;
    if ((raw & (align - 1)) == 0)
        aligned = raw + align;
    else
        aligned = RT_ALIGN(raw, align);
    *(rt_ubase_t *)(aligned - sizeof(void *)) = raw;
    if ((rt_hw_mem_level() & 0xFF) != 0)
    {
        kheap_lock();
        rt_hw_mem_aligned(ptr, (void *)aligned, size);
        kheap_unlock();
    }
    return (void *)aligned;
}

void *rt_malloc_align(rt_size_t size, rt_size_t align)
{
    return kheap_malloc_align(size, align, kheap_no_site);
}

static void kheap_free_align(void *ptr, struct rt_hw_mem_site site)
{
    if (ptr == RT_NULL)
        return;
    if ((rt_hw_mem_level() & 0xFF) != 0 && kheap_usable("rt_free_align"))
    {
        /* The word below ptr is trusted only once ptr is known. */
        kheap_lock();
        (void)rt_hw_mem_validate(kheap_obj(), ptr, RT_HW_MEM_FREE_ALIGN, site);
        kheap_unlock();
    }
    kheap_free((void *)*(rt_ubase_t *)((rt_ubase_t)ptr - sizeof(void *)), RT_HW_MEM_FREE_ALIGN, site);
}

void rt_free_align(void *ptr)
{
    kheap_free_align(ptr, kheap_no_site);
}

/* Entry points of RTSIM_TRACK_ALLOC_SITES (rtthread.h). */
void *rt_malloc_site(rt_size_t size, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    return kheap_malloc(size, RT_HW_MEM_MALLOC, site);
}

void rt_free_site(void *ptr, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    kheap_free(ptr, RT_HW_MEM_FREE, site);
}

void *rt_realloc_site(void *ptr, rt_size_t newsize, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    return kheap_realloc(ptr, newsize, site);
}

void *rt_calloc_site(rt_size_t count, rt_size_t size, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    return kheap_calloc(count, size, site);
}

void *rt_malloc_align_site(rt_size_t size, rt_size_t align, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    return kheap_malloc_align(size, align, site);
}

void rt_free_align_site(void *ptr, const char *file, int line)
{
    struct rt_hw_mem_site site = { file, line };
    kheap_free_align(ptr, site);
}

void rt_memory_info(rt_size_t *total, rt_size_t *used, rt_size_t *max_used)
{
    if (kheap_heap == RT_NULL)
    {
        if (total)
            *total = 0;
        if (used)
            *used = 0;
        if (max_used)
            *max_used = 0;
        return;
    }
    kheap_lock();
    rt_hw_mem_enter();
    kheap_current()->info(kheap_heap, total, used, max_used);
    rt_hw_mem_leave();
    kheap_unlock();
}

/* --------------------------------------------- statistics, check, walk */

struct kheap_stats_ctx
{
    struct rt_memory_stats *stats;
    rt_size_t pending;          /* capacity of the previous block if free data */
    rt_bool_t has_pending;
};

/* A free block's capacity is what it can serve, except (classic C2) a
 * block touching heap_end, which serves one alignment step less. */
static void kheap_stats_commit(struct kheap_stats_ctx *c, rt_bool_t before_sentinel)
{
    rt_size_t serve = c->pending;

    if (!c->has_pending)
        return;
    if (before_sentinel && kheap_is_classic())
        serve = serve >= RT_ALIGN_SIZE ? serve - RT_ALIGN_SIZE : 0;
    if (serve > c->stats->largest_free)
        c->stats->largest_free = serve;
    c->has_pending = RT_FALSE;
}

static int kheap_stats_block(const struct rt_mem_block *b, void *ctx)
{
    struct kheap_stats_ctx *c = (struct kheap_stats_ctx *)ctx;

    kheap_stats_commit(c, b->kind == RT_MEM_BLOCK_SENTINEL);
    if (b->used || (b->kind != RT_MEM_BLOCK_DATA && b->kind != RT_MEM_BLOCK_PAGES))
        return 0;

    c->stats->free_bytes += b->size;
    c->stats->free_blocks++;
    c->pending = b->size;
    c->has_pending = RT_TRUE;
    return 0;
}

void rt_memory_stats(struct rt_memory_stats *stats)
{
    struct kheap_stats_ctx ctx;

    if (stats == RT_NULL)
        return;
    rt_memset(stats, 0, sizeof(*stats));
    if (kheap_heap == RT_NULL)
        return;

    ctx.stats = stats;
    ctx.pending = 0;
    ctx.has_pending = RT_FALSE;

    kheap_lock();
    rt_hw_mem_enter();
    kheap_current()->info(kheap_heap, &stats->total, &stats->used, &stats->max_used);
    kheap_current()->walk(kheap_heap, kheap_stats_block, &ctx);
    rt_hw_mem_leave();
    kheap_stats_commit(&ctx, RT_FALSE);
    stats->failed_allocs = kheap_failed_allocs;
    kheap_unlock();

    stats->min_free_ever = stats->total > stats->max_used ? stats->total - stats->max_used : 0;
    if (stats->free_bytes != 0)
        stats->fragmentation_permille = (rt_uint32_t)
            (1000u - (rt_uint32_t)((rt_uint64_t)stats->largest_free * 1000u / stats->free_bytes));
}

int rt_system_heap_check(void)
{
    int rc;

    if (kheap_heap == RT_NULL)
        return 0;
    kheap_lock();
    rt_hw_mem_enter();
    rc = kheap_current()->check(kheap_heap);
    rt_hw_mem_leave();
    kheap_unlock();
    return rc;
}

void rt_system_heap_walk(rt_mem_walk_fn fn, void *ctx)
{
    if (kheap_heap == RT_NULL || fn == RT_NULL)
        return;
    kheap_lock();
    rt_hw_mem_enter();
    kheap_current()->walk(kheap_heap, fn, ctx);
    rt_hw_mem_leave();
    kheap_unlock();
}
