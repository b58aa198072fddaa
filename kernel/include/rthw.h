/*
 * rthw.h - the port contract: everything the kernel needs from the machine.
 *
 * kernel/ calls only these functions to reach hardware.  On a board they
 * would be a few lines of assembly; in rtsim, sim/ implements them on top of
 * host threads and virtual time (see sim/port.c).  A port must provide
 * every function declared here.
 */
#ifndef RT_HW_H__
#define RT_HW_H__

#include "rtthread.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ interrupts */
/* Mask interrupts and return the previous mask state (PRIMASK-style: the
 * returned level is handed back to rt_hw_interrupt_enable).  Nesting works
 * because each caller restores what it saw. */
rt_base_t rt_hw_interrupt_disable(void);
/* Restore the mask state `level`.  When interrupts become unmasked outside
 * an interrupt handler, events that fell due meanwhile are delivered. */
void rt_hw_interrupt_enable(rt_base_t level);

/* ---------------------------------------------------- interrupts, inline
 * rtsim (issue 19): the two calls above, and the registers a caller saves
 * around them, cost more than a memory pool's whole alloc or free.  A port
 * may give their common case inline; the kernel's shortest paths use it
 * as
 *
 *     if (!rt_hw_interrupt_disable_inline(&level))
 *         level = rt_hw_interrupt_disable();
 *     ...
 *     if (!rt_hw_interrupt_enable_inline(level))
 *         rt_hw_interrupt_enable(level);
 *
 * rt_hw_interrupt_disable_inline: either does all that
 * rt_hw_interrupt_disable() would, stores the previous mask state in
 * *level and returns RT_TRUE, or does nothing and returns RT_FALSE.
 * rt_hw_interrupt_enable_inline: either does all that
 * rt_hw_interrupt_enable(level) would (nothing falls due) and returns
 * RT_TRUE, or returns RT_FALSE, having done at most what
 * rt_hw_interrupt_enable(level) does again first (restore the state), so
 * the caller's call right after it delivers at the same place.
 * A port whose include path has <rtport_irq.h> supplies both (rtsim's:
 * sim/include/rtport_irq.h); without one (a bare-metal build of kernel/)
 * both return RT_FALSE and the kernel calls the functions above, as
 * RT-Thread does. */
#if defined(__has_include)
#if __has_include(<rtport_irq.h>)
#include <rtport_irq.h>
#endif
#endif
#ifndef RT_PORT_IRQ_H__
rt_inline rt_bool_t rt_hw_interrupt_disable_inline(rt_base_t *level)
{
    (void)level;
    return RT_FALSE;
}

rt_inline rt_bool_t rt_hw_interrupt_enable_inline(rt_base_t level)
{
    (void)level;
    return RT_FALSE;
}
#endif

/* -------------------------------------------------------- thread contexts */
/* Prepare the context of a new thread that will start in tentry(parameter)
 * and call texit() when tentry returns.  stack_addr is the top of the
 * thread's RT-Thread stack.  Returns the value the kernel stores in
 * thread->sp.  In rtsim the result is an opaque host-thread context. */
rt_uint8_t *rt_hw_stack_init(void *tentry, void *parameter,
                             rt_uint8_t *stack_addr, void *texit);
/* Switch from the thread whose sp is at address `from` to the one whose sp
 * is at `to`.  Returns when `from` runs again.  A `from` thread whose state
 * is RT_THREAD_CLOSE never runs again. */
void rt_hw_context_switch(rt_ubase_t from, rt_ubase_t to);
/* Start the first thread; the caller (boot code) does not continue until
 * the run ends. */
void rt_hw_context_switch_to(rt_ubase_t to);
/* Request a switch from inside an interrupt handler; it happens when the
 * outermost handler returns. */
void rt_hw_context_switch_interrupt(rt_ubase_t from, rt_ubase_t to);
/* A thread that is not running has been closed (deleted or detached):
 * release its context.  `sp` is the closed thread's thread->sp. */
void rt_hw_context_release(void *sp);

/* The idle thread has nothing to do: wait for the next event (a timer
 * deadline or an interrupt).  rtsim advances virtual time here, ends the
 * run when no thread is left, and reports a deadlock when threads remain
 * but no event can ever come. */
void rt_hw_cpu_idle(void);
#if RTSIM_V5_API
/* The CPU the caller runs on.  RT-Thread's ports implement it in libcpu
 * (SMP ports read the core's id register); the 5.x kernel test files call
 * it on every configuration (sched_sem_tc.c).  rtsim has one CPU: 0. */
int rt_hw_cpu_id(void);
#endif
/* Number of idle hooks set (rtsim: the port lets idle time pass one tick
 * at a time while there are some, so that they run every idle tick). */
int rt_thread_idle_hook_count(void);
int rt_interrupt_hook_count(void);

/* The tick counter as the kernel sees it (no busy-wait accounting). */
rt_tick_t rt_tick_get_raw(void);

/* The clock was read without blocking (busy-wait detection, see
 * rt_tick_get).  Called with interrupts unmasked from thread context. */
void rt_hw_tick_polled(void);
/* Busy-wait `us` microseconds: advances the virtual clock. */
void rt_hw_us_delay(rt_uint32_t us);

/* ----------------------------------------------------------- console, log */
void rt_hw_console_output(const char *str);

/* The address the board sees for a pointer: on a board, the pointer itself
 * (kheap.c's weak default); in the simulator, a pointer into the simulated
 * RAM becomes its target address (0x2000.... on the default board) and any
 * other pointer is returned unchanged (sim/boardfile.c, rt_sim_target_addr).
 * rt_kprintf's %p and RT-Thread's memory messages print through it. */
rt_ubase_t rt_mem_target_addr(const void *p);

/* A failed RT_ASSERT or context check: report and stop the run.  Does not
 * return. */
RT_NORETURN void rt_hw_assert_failed(const char *ex, const char *func, rt_size_t line);

/* ------------------------------------------------------------------- boot */
/* Put every kernel global back to its power-on state (object containers,
 * scheduler, timers, tick, hooks).  The port calls it before each boot, so
 * one process can boot the kernel again and again. */
void rt_kernel_reset(void);

/* ------------------------------------------------------------------ trace */
enum rt_trace_event
{
    RT_TRACE_THREAD_CREATE,     /* obj = thread */
    RT_TRACE_THREAD_START,      /* obj = thread */
    RT_TRACE_THREAD_EXIT,       /* obj = thread */
    RT_TRACE_SWITCH,            /* obj = thread switched to */
    RT_TRACE_READY,             /* obj = thread made ready */
    RT_TRACE_SUSPEND,           /* obj = thread, extra = object waited on or NULL */
    RT_TRACE_TIMEOUT,           /* obj = thread whose wait timed out */
    RT_TRACE_IRQ_ENTER,
    RT_TRACE_IRQ_LEAVE,
    RT_TRACE_MALLOC,            /* obj = heap, addr = block (or NULL), size = request */
    RT_TRACE_FREE,              /* obj = heap, addr = block */
    RT_TRACE_REALLOC,           /* obj = heap, addr = new block, extra = old block, size */
    RT_TRACE_MP_ALLOC,          /* obj = pool, addr = block or NULL */
    RT_TRACE_MP_FREE,           /* obj = pool, addr = block */
    RT_TRACE_IPC_POOL,          /* obj = mailbox/message queue created, addr = its
                                   buffer from the heap, size = its bytes */
    RT_TRACE_EVENT_COUNT
};
/* rtsim (issue 19): the port's on/off switches that the kernel's hot paths
 * test, kept in one word so that a path which needs them all off (the
 * memory pools' short path) tests them with one load.  Each has its name
 * below and its meaning where it is declared. */
union rt_hw_flags
{
    struct
    {
        rt_uint8_t trace;       /* rt_hw_trace_enabled */
        rt_uint8_t fail_armed;  /* rt_hw_mem_fail_armed */
        rt_uint8_t brackets;    /* rt_hw_mem_brackets */
        rt_uint8_t meta;        /* rt_hw_meta_enabled */
    } f;
    rt_uint32_t any;
};
extern union rt_hw_flags rt_hw_flags;

/* One kernel event for the simulator's trace.  Pointers are host addresses;
 * the port prints them as target addresses.  The port sets
 * rt_hw_trace_enabled while a trace is being written, so that the kernel's
 * hot paths pay one test, not a call, when nobody listens. */
void rt_hw_trace_event(int event, const void *obj, const void *addr,
                       rt_size_t size, const void *extra);
#define rt_hw_trace_enabled (rt_hw_flags.f.trace)

rt_inline void rt_hw_trace(int event, const void *obj, const void *addr,
                           rt_size_t size, const void *extra)
{
    if (rt_hw_trace_enabled)
        rt_hw_trace_event(event, obj, addr, size, extra);
}


/* --------------------------------------------------------- memory checking
 * The system heap (kheap.c) and the memory pools (mempool.c) tell the port
 * about every block they hand out and take back; the port keeps the side
 * tables (who allocated what, when, where), fills and verifies the guard
 * and poison bytes, tells Valgrind and ASan, injects allocation failures,
 * and reports mistakes (sim/check.c, docs/mistakes.md).  None of these
 * functions writes into the heap's metadata; all are called with the heap
 * lock held or with interrupts masked (pools), from the calling thread.
 * Host-side memory lives in the port, so kernel/ needs none. */

/* The call a report names. */
enum rt_hw_mem_call
{
    RT_HW_MEM_MALLOC, RT_HW_MEM_CALLOC, RT_HW_MEM_REALLOC, RT_HW_MEM_FREE,
    RT_HW_MEM_MALLOC_ALIGN, RT_HW_MEM_FREE_ALIGN, RT_HW_MEM_MP_ALLOC,
    RT_HW_MEM_MP_FREE, RT_HW_MEM_CHECK,
    RT_HW_MEM_END           /* the end of a clean run (rtsim): the system
                             * heap's metadata compared once more */
};
/* A call on a heap a program made directly (kernel/src/heap_shadow.c, rtsim
 * addition): algorithm `algo` (RT_HW_MEM_ALGO_*), operation `op`
 * (RT_HW_MEM_OP_*). */
#define RT_HW_MEM_DIRECT(algo, op)  (0x40 | (algo) << 2 | (op))
#define RT_HW_MEM_IS_DIRECT(call)   (((call) & ~0x3F) == 0x40)
#define RT_HW_MEM_ALGO_SMEM         0   /* rt_smem_* */
#define RT_HW_MEM_ALGO_CLASSIC      1   /* rt_smem_classic_* */
#define RT_HW_MEM_ALGO_SLAB         2   /* rt_slab_* */
#define RT_HW_MEM_ALGO_MEMHEAP      3   /* rt_memheap_* */
#define RT_HW_MEM_ALGO_TLSF         4   /* rt_tlsf_* */
#define RT_HW_MEM_OP_ALLOC          0
#define RT_HW_MEM_OP_FREE           1
#define RT_HW_MEM_OP_REALLOC        2
#define RT_HW_MEM_OP_OTHER          3   /* add_region, alloc_align, page calls */

/* Where a program built with RTSIM_TRACK_ALLOC_SITES made the call
 * (file NULL when unknown). */
struct rt_hw_mem_site
{
    const char *file;
    int line;
};

/* A block as the checker sees it.  `lo`..`hi` is everything the allocator
 * wrote around the block while handing it out (its header, a split-off free
 * block's header and links, a fresh slab zone's header); `data`..`data +
 * capacity` is what the block really holds; the caller asked for `size`. */
struct rt_hw_mem_block
{
    const void *heap;           /* heap or pool object (RT_NULL: system heap) */
    void       *data;
    rt_size_t   size;
    rt_size_t   capacity;
    const void *lo, *hi;
    rt_size_t   free_head;      /* bytes at the start of a free block's data */
    rt_size_t   free_tail;      /* ... and at its end, that the allocator uses */
    rt_size_t   copied;         /* bytes from data that realloc's copy wrote */
};

/* Checking level of the run: 0 off, 1 checked (default), 2 strict; with
 * RT_HW_MEM_EVERY_CALL or-ed in when the whole heap is to be checked after
 * every call. */
#define RT_HW_MEM_EVERY_CALL    0x100
int rt_hw_mem_level(void);
/* rtsim (issue 19): the value rt_hw_mem_level() returns, kept by the port
 * in a variable (set when a run begins) so that the heap's short path
 * tests it without a call. */
extern int rt_hw_mem_level_now;
/* Fault injection: nonzero = make this allocation from `heap` fail. */
int rt_hw_mem_fail(const struct rt_object *heap, rt_size_t size);
/* rtsim (issue 19): flags the port keeps so that the hot paths pay one
 * test, not a call, for what is off: rt_hw_mem_fail_armed is nonzero while
 * fault injection is configured (otherwise rt_hw_mem_fail says no);
 * rt_hw_mem_brackets is nonzero while rt_hw_mem_enter / rt_hw_mem_leave do
 * anything (checked runs under Valgrind). */
#define rt_hw_mem_fail_armed (rt_hw_flags.f.fail_armed)
#define rt_hw_mem_brackets (rt_hw_flags.f.brackets)
/* Bracket around code that reads or writes allocator metadata inside the
 * simulated RAM (Valgrind must not report it).  Nests. */
void rt_hw_mem_enter(void);
void rt_hw_mem_leave(void);
/* A heap range now belongs to `heap` (init, add_region) / no longer does. */
void rt_hw_mem_heap_add(const struct rt_object *heap, void *begin, rt_size_t size);
void rt_hw_mem_heap_remove(const struct rt_object *heap);
/* May `ptr` be freed / reallocated (`call`) from `heap`?  Returns the
 * capacity recorded for the live block.  On a mistake it reports and stops
 * the run (does not return).  Nothing has been written yet. */
rt_size_t rt_hw_mem_validate(const struct rt_object *heap, void *ptr, int call,
                             struct rt_hw_mem_site site);
/* Is `ptr` the start of a live block of the system heap? (no report) */
int rt_hw_mem_is_live(void *ptr);
/* Is `ptr` the start of a block of the system heap that was freed and not
 * handed out again? (no report; always 0 unchecked) */
int rt_hw_mem_is_freed(void *ptr);
/* The size the caller asked for, of the live block at `ptr` (0 if none). */
rt_size_t rt_hw_mem_size(void *ptr);
/* A block was handed out: verify the poison of what it reuses, fill its
 * slack with the guard pattern, record its history. */
void rt_hw_mem_allocated(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site);
/* rt_malloc_align: the caller gets `user` (size bytes) inside the block
 * whose data starts at `raw`; guard the bytes before and after it. */
void rt_hw_mem_aligned(void *raw, void *user, rt_size_t size);
/* A block grew or shrank in place (realloc): old capacity `old_capacity`. */
void rt_hw_mem_resized(const struct rt_hw_mem_block *b, rt_size_t old_capacity);
/* `ptr` is about to be given back: check its guard; poison its data.
 * Returns the block the allocator must free now: ptr, or (strict level,
 * quarantine) an older block, or RT_NULL. */
void *rt_hw_mem_freeing(const struct rt_hw_mem_block *b, int call, struct rt_hw_mem_site site);
/* realloc moved the block to `to` (already reported with
 * rt_hw_mem_allocated) and the allocator took the old one back: poison it. */
void rt_hw_mem_moved_from(const struct rt_hw_mem_block *old, void *to);
/* Take one block out of the quarantine (strict level) for the allocator to
 * free, after verifying its poison; RT_NULL when empty. */
void *rt_hw_mem_unquarantine(void);
/* A whole-heap check (`what`, an invariant number) failed: report, stop. */
RT_NORETURN void rt_hw_mem_corrupted(const struct rt_object *heap, int invariant, int call);
/* Memory of a heap handed out or taken back outside the block API
 * (rt_page_alloc / rt_page_free): accessible while in use. */
void rt_hw_mem_untracked(void *p, rt_size_t n, int in_use);
/* The header of the live block at ptr (next = 0), or of the block after
 * it (next = 1: an overflow), was written over: report, stop. */
RT_NORETURN void rt_hw_mem_bad_header(void *ptr, int next, int call, struct rt_hw_mem_site site);
/* The port's half of the whole-heap check: every live block's guard and
 * every freed block's poison.  Reports and stops on damage. */
void rt_hw_mem_check_all(int call);
/* Memory pools: a block was handed out / `ptr` is about to be given back.
 * For rt_hw_mp_freeing, `pool` is the pool whose blocks area holds ptr
 * (RT_NULL: none) and `block` the start of the block holding it; `state`
 * says what the block's header word shows.  Anything but a used block at
 * ptr is reported and stops the run. */
void rt_hw_mp_allocated(const struct rt_object *pool, void *block, rt_size_t size,
                        struct rt_hw_mem_site site);
void rt_hw_mp_freeing(const struct rt_object *pool, void *block, rt_size_t size,
                      int state, void *ptr, struct rt_hw_mem_site site);
/* states for rt_hw_mp_freeing */
#define RT_HW_MP_BLOCK_USED     0   /* fine: poison it */
#define RT_HW_MP_BLOCK_FREE     1   /* double free: report */
#define RT_HW_MP_NOT_A_BLOCK    2   /* no pool or not a block start: report */
/* A pool's memory came into use / goes away. */
void rt_hw_mp_add(const struct rt_object *pool, void *begin, rt_size_t size);
void rt_hw_mp_remove(const struct rt_object *pool);


/* ------------------------------------------------------ metadata shadow
 * Checked mode (levels 1 and 2) keeps, in host memory, a copy of every
 * word of allocator metadata the allocators last wrote into the simulated
 * RAM: block headers, free-list links, control blocks, pool block words
 * (sim/check_meta.c).  Before an allocator reads metadata, the kernel
 * asks the port to compare the words it will read with that copy; the
 * first difference is reported (which word, expected and found bytes, and
 * the live block just below it, the likely overflow) and stops the run,
 * so an allocator never follows a damaged header or link.  After an
 * allocator wrote metadata, the kernel records it again.  The simulated
 * RAM keeps RT-Thread's layout: nothing is added to it.  At level 0 none
 * of these is called; a port for real hardware implements them as empty
 * functions.  `owner` is the heap object (kheap.c: the system heap) or
 * the pool (mempool.c). */
enum rt_hw_meta_kind
{
    RT_HW_META_CONTROL,     /* a control block: heap object, usage table */
    RT_HW_META_ZONE,        /* a slab zone header */
    RT_HW_META_HEADER,      /* a block header */
    RT_HW_META_LINK,        /* a free block's list links (or footer) */
    RT_HW_META_POOL_WORD    /* a pool block's word: owner or free-list link */
};
/* Nonzero while the shadow is kept (levels 1 and 2): the port sets it at
 * boot, so the pools' hot paths pay one test, not a call, at level 0. */
#define rt_hw_meta_enabled (rt_hw_flags.f.meta)
/* Forget every record of `owner`. */
void rt_hw_meta_forget(const void *owner);
/* ... of every owner whose key lies in [lo, hi) (a slab's zones). */
void rt_hw_meta_forget_owners(const void *lo, const void *hi);
/* The record of `owner` at addr is no longer metadata (a slab chunk
 * handed out); noting addr again makes it one. */
void rt_hw_meta_drop(const void *owner, const void *addr);
/* [addr, addr + len) is `owner`'s metadata as it is now, part of the
 * block whose header (or first byte) is `block`.  A record at the same
 * address is replaced.  Called inside rt_hw_mem_enter / leave. */
void rt_hw_meta_note(const void *owner, const void *addr, rt_size_t len, int kind,
                     const void *block);
/* Incremental recording (rtsim, issue 12): the records of `owner` that
 * start in [lo, hi) are replaced by what is noted in that range (in
 * address order) until rt_hw_meta_renote_end, so that the kernel can
 * record that range again instead of the whole heap. */
void rt_hw_meta_renote_begin(const void *owner, const void *lo, const void *hi);
void rt_hw_meta_renote_end(const void *owner);
/* The range from the `before`-th block header recorded below the header
 * of the block at `block` (the data address) to the end of the `after`-th
 * one above it (fewer where the records end); 0 if no header is recorded
 * for `block`. */
int rt_hw_meta_window(const void *owner, const void *block, unsigned before, unsigned after,
                      const void **lo, const void **hi);
/* The free-block link records (RT_HW_META_LINK) and block header records
 * of `owner` overlapping [addr, addr + len) (len 0: all of them) take the
 * bytes the RAM holds now (the kernel's incremental record, right after an
 * allocator call: the free-list links it rewrote outside the windows it
 * walks again). */
void rt_hw_meta_refresh(const void *owner, const void *addr, rt_size_t len);
/* The same for the n ranges [addr[k], addr[k] + len) (len > 0). */
void rt_hw_meta_refresh_each(const void *owner, const void *const *addr, rt_size_t n,
                             rt_size_t len);
/* The nonzero words, as recorded, of the free-block link records of
 * `owner` that start in [lo, hi), and of words [hdr_first, hdr_first +
 * hdr_words) of its block header records there (an algorithm that keeps
 * its free-list links in the header: memheap): up to `max` into out[];
 * returns how many there are (the list neighbours an allocator call may
 * relink). */
rt_size_t rt_hw_meta_links(const void *owner, const void *lo, const void *hi,
                           rt_size_t hdr_first, rt_size_t hdr_words, const void **out,
                           rt_size_t max);
/* Nonzero if owners a and b hold the same records, byte for byte (the
 * self-check of incremental recording). */
int rt_hw_meta_same(const void *a, const void *b);
/* Compare the records of `owner` that overlap [addr, addr + len) (len 0:
 * all of them) with the RAM; on a difference report for `call` on `ptr`
 * and stop the run (does not return). */
void rt_hw_meta_verify(const void *owner, const void *addr, rt_size_t len, int call,
                       const void *ptr, struct rt_hw_mem_site site);

#ifdef __cplusplus
}
#endif

#endif /* RT_HW_H__ */
