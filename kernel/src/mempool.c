/*
 * mempool.c - fixed-size block memory pools (RT-Thread 4.1.x semantics).
 *
 * A pool takes one region of memory, cuts it into equal blocks and links
 * the free ones into a list; an allocation pops the head of that list in
 * O(1) and a free pushes the block back.  A thread that finds the pool
 * empty may wait for a block: it is suspended on the pool until another
 * thread (or an interrupt handler) frees one, or until its timeout expires.
 *
 * Layout
 * ------
 * Every block is preceded by one pointer-sized header word.  The stride
 * from one block to the next is block_size + sizeof(void *).
 *
 *   start_address                                        start + size
 *   |                                                               |
 *   v                                                               v
 *   +------+-------------+------+-------------+-- ... --+------+-------------+-----+
 *   | word | block 0     | word | block 1     |         | word | block n-1   |slack|
 *   +------+-------------+------+-------------+-- ... --+------+-------------+-----+
 *   |<------ stride ---->|
 *          ^ user pointer = header + sizeof(void *)
 *
 *   header word of a FREE block:      the next free block's header (NULL ends)
 *   header word of an ALLOCATED block: the owning struct rt_mempool *
 *
 * so rt_mp_free(block) finds its pool in the word just below the block.
 * n = block_total_count = size / stride; the slack (< stride bytes) at the
 * end is never used.  block_list points at the header word of the first
 * free block, never at the user pointer.
 *
 * Rules
 * -----
 * R1  Init: size is rounded down and block_size up to RT_ALIGN_SIZE; the
 *     count is size / (block_size + sizeof(void *)).  Create allocates
 *     block_count strides and keeps that size as it is (RT-Thread's
 *     rt_mp_create sets block_total_count = block_count without rounding):
 *     exactly block_count blocks, even where a stride is not a multiple of
 *     RT_ALIGN_SIZE (RT_ALIGN_SIZE 8 on a 32-bit MCU).  The free list is
 *     threaded in address order, so a fresh pool hands out its lowest block
 *     first.  start_address is used as given (as RT-Thread; it is not
 *     re-aligned).  A region too small for one block gives an empty pool
 *     (RT-Thread would write before `start`; we write nothing).
 * R2  Alloc takes the head of the free list and stores the pool's address
 *     in the block's header word.
 * R3  Free pushes the block at the head of the free list: the next alloc
 *     returns the block freed last (LIFO reuse, cache-warm).
 * R4  time == 0 on an empty pool fails at once: RT_NULL, errno
 *     -RT_ETIMEOUT.  Allowed in an interrupt handler.
 * R5  time != 0 on an empty pool suspends the caller on suspend_thread.
 *     Never from an interrupt, before the scheduler runs or with the
 *     scheduler locked: RT_DEBUG_SCHEDULER_AVAILABLE reports it.  time < 0
 *     waits forever; time > 0 starts the thread's own timer.  After every
 *     wake-up the waiter re-checks the pool (another thread may have taken
 *     the block between the free and the waiter running) and, for
 *     time > 0, waits again only for what is left of its timeout; when
 *     nothing is left it fails as in R4.  A wake-up with an error
 *     (-RT_ETIMEOUT from the timer, -RT_ERROR from detach/delete) returns
 *     RT_NULL at once; thread->error, which rt_get_errno() reports, holds
 *     the reason.
 * R6  Wake order.  A free wakes the waiter at the head of suspend_thread.
 *     RT-Thread 4.1 (the default) inserts new waiters at the head, so the
 *     newest waiter is woken first (LIFO); RT-Thread 5.x inserts at the
 *     tail (FIFO).  rt_mp_set_wake_order() picks one; the simulator sets it
 *     at every boot from rt_sim_config.mp_wake_order.  Priority does not
 *     choose who is woken, only who runs first afterwards.
 * R7  rt_mp_free wakes at most one waiter and then calls rt_schedule(): a
 *     woken waiter of higher priority than the freeing thread runs before
 *     rt_mp_free returns.  From an interrupt the switch happens when the
 *     outermost handler returns.  rt_mp_free(RT_NULL) does nothing.
 * R8  rt_mp_detach / rt_mp_delete wake every waiter with -RT_ERROR and do
 *     not reschedule (as RT-Thread 4.1): a woken waiter runs when the
 *     caller next blocks or yields.  A woken waiter never touches the pool
 *     again, so delete may free the pool's memory at once.
 * R9  Hooks: the alloc hook is called after a successful allocation with
 *     (pool, user pointer), outside the critical section; the free hook
 *     before the block is given back.  Trace events RT_TRACE_MP_ALLOC (also
 *     for an immediate failure, with a NULL block) and RT_TRACE_MP_FREE are
 *     emitted inside the critical section, so they appear in the trace
 *     before any switch the operation causes.
 *
 * suspend_thread_count
 * --------------------
 * RT-Thread up to 4.0.2 kept this counter and let it drift: a waiter that
 * timed out was unlinked by the kernel's timeout handler without the count
 * being decremented (PR #3077), and a later free woke a bogus thread.
 * Here the count changes in the same critical section as the list, at
 * every instant another thread or handler could observe:
 *   - the waiter links itself and increments;
 *   - rt_mp_free / detach / delete unlink the woken thread and decrement;
 *   - a timeout: while a thread waits with time > 0, its own timer's
 *     callback is temporarily our mp_wait_timeout, which decrements and
 *     then calls the kernel's own callback (which unlinks and readies the
 *     thread), all with interrupts masked; the waiter restores the timer's
 *     callback when it runs again.
 * Every decision (is anyone waiting?) still looks at the list, never at
 * the counter.  Known limit: deleting, detaching or rt_thread_resume()-ing
 * a thread while it waits on a pool unlinks it without the pool knowing;
 * rt_mp_check then reports I5 (RT-Thread does not support that either).
 *
 * Complexity
 * ----------
 * init O(blocks); create O(blocks) + one rt_malloc; alloc and free O(1)
 * (a free that wakes a waiter: O(1) plus the scheduler); detach/delete
 * O(waiters); rt_mp_check / rt_mp_walk O(blocks + free blocks + waiters).
 * No fragmentation: every block is the same size.  The cost is internal
 * waste (request < block_size) and one header word per block.
 *
 * Invariants (rt_mp_check returns the number of the first that fails)
 * ----------
 * I1  The pool is a live MemPool object with consistent geometry:
 *     block_size is a multiple of RT_ALIGN_SIZE, block_total_count ==
 *     size / (block_size + sizeof(void *)), and block_free_count <=
 *     block_total_count.
 * I2  Every link of the free list (block_list and each free block's
 *     header word) is RT_NULL or the header of a block of this pool: inside
 *     [start, start + total * stride) and on the stride.
 * I3  The free list has exactly block_free_count blocks (no cycle).
 * I4  Every block that is not free holds this pool's address in its header
 *     word: the blocks whose header word is the pool number exactly
 *     block_total_count - block_free_count.
 * I5  The suspend list has exactly suspend_thread_count nodes, each a
 *     thread object.
 * I6  No thread is both waiting and ready: every thread on the suspend list
 *     is SUSPENDed and records this pool as what it waits on.
 */
#include <rthw.h>
#include <rtthread.h>
#include "kernel.h"

/* The whole file: only with RT_USING_MEMPOOL (rtconfig.h), as on the target. */
#ifdef RT_USING_MEMPOOL

/* ------------------------------------------------------------- settings */

static void (*mp_alloc_hook)(struct rt_mempool *mp, void *block);
static void (*mp_free_hook)(struct rt_mempool *mp, void *block);

/* 0: RT-Thread 4.1 order (newest waiter first); 1: 5.x order (oldest). */
static rt_uint8_t mp_wake_fifo;

void rt_mp_set_wake_order(int fifo)
{
    mp_wake_fifo = fifo ? 1 : 0;
}

/* rtsim (issue 19): nonzero when rt_mp_alloc / rt_mp_free must take
 * their full paths whatever the port's switches say: a hook is set, or
 * the short paths are off (rt_mp_fast_paths, for tests/test_fastpath.c). */
static rt_uint8_t mp_full_only;
static rt_bool_t mp_fast = RT_TRUE;

static void mp_full_only_update(void)
{
    mp_full_only = (!mp_fast || mp_alloc_hook != RT_NULL || mp_free_hook != RT_NULL) ? 1 : 0;
}

void rt_mp_fast_paths(rt_bool_t on)
{
    mp_fast = on;
    mp_full_only_update();
}

#ifdef RT_USING_HOOK
void rt_mp_alloc_sethook(void (*hook)(struct rt_mempool *mp, void *block))
{
    mp_alloc_hook = hook;
    mp_full_only_update();
}

void rt_mp_free_sethook(void (*hook)(struct rt_mempool *mp, void *block))
{
    mp_free_hook = hook;
    mp_full_only_update();
}
#endif

/* ------------------------------------------------------------- geometry */

#define MP_WORD sizeof(rt_uint8_t *)

/* The header word at `header`, seen as a link or as an owner.  The cast
 * goes through void * so that -Wcast-align stays quiet: headers are
 * pointer-aligned whenever start_address is. */
rt_inline rt_uint8_t **mp_word(rt_uint8_t *header)
{
    return (rt_uint8_t **)(void *)header;
}

/* Header words are pool metadata: in checked mode the port keeps them
 * out of the program's reach (Valgrind, ASan), so every access is
 * bracketed (rthw.h, rt_hw_mem_enter) - when the brackets do anything in
 * this run (rt_hw_mem_brackets; a call each otherwise, issue 19). */
rt_inline rt_uint8_t *mp_get(rt_uint8_t *header)
{
    rt_uint8_t *value;

    if (rt_hw_mem_brackets)
        rt_hw_mem_enter();
    value = *mp_word(header);
    if (rt_hw_mem_brackets)
        rt_hw_mem_leave();
    return value;
}

rt_inline void mp_set(rt_uint8_t *header, rt_uint8_t *value)
{
    if (rt_hw_mem_brackets)
        rt_hw_mem_enter();
    *mp_word(header) = value;
    if (rt_hw_mem_brackets)
        rt_hw_mem_leave();
}

rt_inline rt_size_t mp_stride(const struct rt_mempool *mp)
{
    return mp->block_size + MP_WORD;
}

rt_inline rt_bool_t mp_is_pool(const struct rt_mempool *mp)
{
    return (mp->parent.type & ~RT_Object_Class_Static) == RT_Object_Class_MemPool;
}

/* Is `header` the header word of one of mp's blocks? */
static rt_bool_t mp_is_block_header(const struct rt_mempool *mp, const rt_uint8_t *header)
{
    rt_ubase_t start = (rt_ubase_t)mp->start_address;
    rt_ubase_t at = (rt_ubase_t)header;
    rt_size_t stride = mp_stride(mp);

    if (at < start)
        return RT_FALSE;
    rt_ubase_t offset = at - start;
    return offset / stride < mp->block_total_count && offset % stride == 0;
}

/* Lay the blocks out and thread the free list in address order (R1).
 * Shared by rt_mp_init (which rounds size down first) and rt_mp_create. */
static void mp_setup(struct rt_mempool *mp, void *start, rt_size_t size,
                     rt_size_t block_size)
{
    mp->start_address = start;
    mp->size = size;
    mp->block_size = RT_ALIGN(block_size, RT_ALIGN_SIZE);
    mp->block_total_count = mp->size / mp_stride(mp);
    mp->block_free_count = mp->block_total_count;
    rt_list_init(&mp->suspend_thread);
    mp->suspend_thread_count = 0;

    /* header(0) -> header(1) -> ... -> header(n-1) -> NULL */
    rt_uint8_t *next = RT_NULL;
    rt_size_t i = mp->block_total_count;
    while (i-- > 0)
    {
        rt_uint8_t *header = (rt_uint8_t *)start + i * mp_stride(mp);
        mp_set(header, next);
        next = header;
    }
    mp->block_list = next;
}

/* ----------------------------------------------- metadata shadow (M) */
/* Checked mode (rthw.h, "metadata shadow"): before the pool follows a
 * word of its metadata - its control words (type, start_address ...
 * block_free_count) or the header word of a block - the port compares it
 * with what the pool last wrote there, and reports an overwritten one
 * (naming the block below it) instead of following it.  After writing,
 * the pool records what it wrote.  The suspend list and its count are not
 * recorded: waiting threads change them. */
rt_inline const void *mp_meta_ctl(const struct rt_mempool *mp)
{
    return &mp->start_address;
}

rt_inline rt_size_t mp_meta_ctl_len(const struct rt_mempool *mp)
{
    return (rt_size_t)((const rt_uint8_t *)&mp->suspend_thread -
                       (const rt_uint8_t *)&mp->start_address);
}

static void mp_meta_note(struct rt_mempool *mp, rt_uint8_t *header)
{
    rt_hw_mem_enter();
    rt_hw_meta_note(mp, &mp->parent.type, 1, RT_HW_META_CONTROL, mp);
    rt_hw_meta_note(mp, mp_meta_ctl(mp), mp_meta_ctl_len(mp), RT_HW_META_CONTROL, mp);
    if (header != RT_NULL)
        rt_hw_meta_note(mp, header, MP_WORD, RT_HW_META_POOL_WORD, header + MP_WORD);
    rt_hw_mem_leave();
}

/* A new pool: record its control words and every block's word. */
static void mp_meta_record_all(struct rt_mempool *mp)
{
    rt_size_t i;

    if (!rt_hw_meta_enabled)
        return;
    rt_hw_meta_forget(mp);
    mp_meta_note(mp, RT_NULL);
    for (i = 0; i < mp->block_total_count; i++)
        mp_meta_note(mp, (rt_uint8_t *)mp->start_address + i * mp_stride(mp));
}

static void mp_meta_verify_ctl(struct rt_mempool *mp, int call, const void *ptr,
                               struct rt_hw_mem_site site)
{
    rt_hw_meta_verify(mp, &mp->parent.type, 1, call, ptr, site);
    rt_hw_meta_verify(mp, mp_meta_ctl(mp), mp_meta_ctl_len(mp), call, ptr, site);
}

/* rt_mp_alloc is about to pop: the control words, then (now trusted) the
 * word of the block at the head of the free list. */
static void mp_meta_verify_pop(struct rt_mempool *mp, struct rt_hw_mem_site site)
{
    mp_meta_verify_ctl(mp, RT_HW_MEM_MP_ALLOC, RT_NULL, site);
    if (mp->block_free_count != 0)
        rt_hw_meta_verify(mp, mp->block_list, MP_WORD, RT_HW_MEM_MP_ALLOC, RT_NULL, site);
}

/* ------------------------------------------------------------- waiting */

/* What a waiting thread keeps on its own stack while its timer is ours. */
struct mp_wait
{
    struct rt_mempool *mp;
    struct rt_thread  *thread;
    void (*kernel_timeout)(void *parameter);    /* the timer's own callback */
    void  *kernel_parameter;
};

/* The waiter's timer fired (timer context).  If it still waits on this
 * pool, drop it from the count and let the kernel's callback unlink and
 * ready it, all with interrupts masked so that nobody sees the list and
 * the count disagree.  `wait` lives on the waiter's stack: it is not
 * touched after the kernel's callback, which may switch to the waiter. */
static void mp_wait_timeout(void *parameter)
{
    struct mp_wait *wait = parameter;
    void (*kernel_timeout)(void *) = wait->kernel_timeout;
    void *kernel_parameter = wait->kernel_parameter;
    struct rt_thread *thread = wait->thread;
    rt_base_t level = rt_hw_interrupt_disable();

    if (thread->wait_object == &wait->mp->parent &&
        (thread->stat & RT_THREAD_STAT_MASK) == RT_THREAD_SUSPEND)
    {
        wait->mp->suspend_thread_count--;
        thread->wait_object = RT_NULL;
        kernel_timeout(kernel_parameter);
    }
    rt_hw_interrupt_enable(level);
}

/* Suspend the calling thread on mp (interrupts masked by the caller). */
static void mp_wait_begin(struct rt_mempool *mp, struct mp_wait *wait,
                          struct rt_thread *thread, rt_int32_t time)
{
    thread->error = RT_EOK;
    rt_thread_suspend(thread);
    if (mp_wake_fifo)
        rt_list_insert_before(&mp->suspend_thread, &thread->tlist);
    else
        rt_list_insert_after(&mp->suspend_thread, &thread->tlist);
    mp->suspend_thread_count++;
    thread->wait_object = &mp->parent;

    if (time > 0)
    {
        rt_tick_t ticks = (rt_tick_t)time;
        struct rt_timer *timer = &thread->thread_timer;

        wait->mp = mp;
        wait->thread = thread;
        wait->kernel_timeout = timer->timeout_func;
        wait->kernel_parameter = timer->parameter;
        timer->timeout_func = mp_wait_timeout;
        timer->parameter = wait;
        rt_timer_control(timer, RT_TIMER_CTRL_SET_TIME, &ticks);
        rt_timer_start(timer);
    }
}

/* The waiter runs again (interrupts masked): give the timer back.  The
 * pool, the timer or detach/delete has already unlinked it. */
static void mp_wait_end(struct mp_wait *wait, struct rt_thread *thread, rt_int32_t time)
{
    if (time > 0)
    {
        struct rt_timer *timer = &thread->thread_timer;
        rt_timer_stop(timer);
        timer->timeout_func = wait->kernel_timeout;
        timer->parameter = wait->kernel_parameter;
    }
}

/* Wake the waiter at the head of the list with `result` (interrupts
 * masked).  The count and the list change together. */
static void mp_wake_first(struct rt_mempool *mp, rt_err_t result)
{
    struct rt_thread *thread =
        rt_list_entry(mp->suspend_thread.next, struct rt_thread, tlist);

    rt_list_remove(&thread->tlist);
    mp->suspend_thread_count--;
    thread->wait_object = RT_NULL;
    thread->error = result;
    rt_thread_resume_noschedule(thread);
}

static void mp_wake_all(struct rt_mempool *mp, rt_err_t result)
{
    rt_base_t level = rt_hw_interrupt_disable();
    while (!rt_list_isempty(&mp->suspend_thread))
        mp_wake_first(mp, result);
    rt_hw_interrupt_enable(level);
}

/* ---------------------------------------------------- init and create */

rt_err_t rt_mp_init(struct rt_mempool *mp, const char *name, void *start,
                    rt_size_t size, rt_size_t block_size)
{
    RT_ASSERT(mp != RT_NULL);
    RT_ASSERT(name != RT_NULL);
    RT_ASSERT(start != RT_NULL);
    RT_ASSERT(size > 0 && block_size > 0);

    rt_object_init(&mp->parent, RT_Object_Class_MemPool, name);
    mp_setup(mp, start, RT_ALIGN_DOWN(size, RT_ALIGN_SIZE), block_size);
    rt_hw_mp_add(&mp->parent, start, mp->size);
    mp_meta_record_all(mp);
    return RT_EOK;
}

rt_err_t rt_mp_detach(struct rt_mempool *mp)
{
    RT_ASSERT(mp != RT_NULL);
    RT_ASSERT(mp_is_pool(mp));
    RT_ASSERT(rt_object_is_systemobject(&mp->parent));

    mp_wake_all(mp, -RT_ERROR);
    rt_hw_meta_forget(mp);
    rt_hw_mp_remove(&mp->parent);
    rt_object_detach(&mp->parent);
    return RT_EOK;
}

rt_mp_t rt_mp_create(const char *name, rt_size_t block_count, rt_size_t block_size)
{
    RT_DEBUG_NOT_IN_INTERRUPT;

    /* A block size so large that rounding it up and adding the header
     * word would wrap is refused (rtsim's own check; RT-Thread does not). */
    if (block_count == 0 || block_size == 0 ||
        block_size > (rt_size_t)-1 - (RT_ALIGN_SIZE - 1) - MP_WORD)
        return RT_NULL;
    rt_size_t stride = RT_ALIGN(block_size, RT_ALIGN_SIZE) + MP_WORD;
    if (block_count > ((rt_size_t)-1) / stride)
        return RT_NULL;

    struct rt_mempool *mp =
        (struct rt_mempool *)rt_object_allocate(RT_Object_Class_MemPool, name);
    if (mp == RT_NULL)
        return RT_NULL;

    void *start = rt_malloc(stride * block_count);
    if (start == RT_NULL)
    {
        rt_object_delete(&mp->parent);
        return RT_NULL;
    }
    mp_setup(mp, start, stride * block_count, block_size);
    rt_hw_mp_add(&mp->parent, start, mp->size);
    mp_meta_record_all(mp);
    return mp;
}

rt_err_t rt_mp_delete(rt_mp_t mp)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    RT_ASSERT(mp != RT_NULL);
    RT_ASSERT(mp_is_pool(mp));
    RT_ASSERT(rt_object_is_systemobject(&mp->parent) == RT_FALSE);

    mp_wake_all(mp, -RT_ERROR);
    rt_hw_meta_forget(mp);
    rt_hw_mp_remove(&mp->parent);
    rt_free(mp->start_address);
    rt_object_delete(&mp->parent);
    return RT_EOK;
}

/* ------------------------------------------------------- alloc and free */

/* The call site of the *_site entry points (RTSIM_TRACK_ALLOC_SITES),
 * taken at entry: one CPU, so nothing can overwrite it before. */
static struct rt_hw_mem_site mp_site;

static struct rt_hw_mem_site mp_take_site(void)
{
    struct rt_hw_mem_site site = mp_site;
    mp_site.file = RT_NULL;
    mp_site.line = 0;
    return site;
}

/* RT_ASSERT naming the API call a helper runs for (reports name the
 * function the program called). */
#define MP_ASSERT(func, EX)                                             \
    do {                                                                \
        if (!(EX))                                                      \
            rt_assert_handler(#EX, (func), (rt_size_t)__LINE__);        \
    } while (0)

/* The rest of rt_mp_alloc with interrupts masked (`level`): wait while
 * the pool is empty, then take the first free block. */
static void *mp_alloc_masked(rt_mp_t mp, rt_int32_t time, rt_base_t level,
                             struct rt_hw_mem_site site)
{
    if (rt_hw_meta_enabled)
        mp_meta_verify_pop(mp, site);
    while (mp->block_free_count == 0)
    {
        if (time == 0)
        {
            rt_hw_trace(RT_TRACE_MP_ALLOC, mp, RT_NULL, mp->block_size, RT_NULL);
            rt_hw_interrupt_enable(level);
            rt_set_errno(-RT_ETIMEOUT);
            return RT_NULL;
        }

        /* Not from an ISR, not before the scheduler runs, not with the
         * scheduler locked (the wait would return at once, still queued). */
        rt_debug_scheduler_available("rt_mp_alloc", RT_TRUE);
        struct rt_thread *thread = rt_thread_self();
        struct mp_wait wait;
        rt_tick_t slept_from = rt_tick_get_raw();

        mp_wait_begin(mp, &wait, thread, time);
        rt_hw_interrupt_enable(level);
        rt_schedule();

        level = rt_hw_interrupt_disable();
        mp_wait_end(&wait, thread, time);
        if (thread->error != RT_EOK)
        {
            /* Timed out, or the pool is gone: do not touch mp. */
            rt_hw_interrupt_enable(level);
            return RT_NULL;
        }
        if (time > 0)
        {
            rt_tick_t slept = rt_tick_get_raw() - slept_from;
            time = slept < (rt_tick_t)time ? time - (rt_int32_t)slept : 0;
        }
        if (rt_hw_meta_enabled)
            mp_meta_verify_pop(mp, site);
    }

    /* header -> next   becomes   header = owner (mp) */
    rt_uint8_t *header = mp->block_list;
    mp->block_list = mp_get(header);
    mp->block_free_count--;
    mp_set(header, (rt_uint8_t *)mp);
    void *block = header + MP_WORD;
    if (rt_hw_meta_enabled)     /* = checking level 1 or 2 (rthw.h) */
    {
        mp_meta_note(mp, header);   /* checking on: the shadow is kept */
        rt_hw_mp_allocated(&mp->parent, block, mp->block_size, site);
    }
    rt_hw_trace(RT_TRACE_MP_ALLOC, mp, block, mp->block_size, RT_NULL);
    rt_hw_interrupt_enable(level);

    RT_OBJECT_HOOK_CALL(mp_alloc_hook, (mp, block));
    return block;
}

/* rt_mp_alloc with a call site (rt_mp_alloc_site), a hook, tracing,
 * fault injection or checking on. */
RT_KERNEL_SLOW static void *mp_alloc_full(rt_mp_t mp, rt_int32_t time)
{
    struct rt_hw_mem_site site = mp_take_site();

    MP_ASSERT("rt_mp_alloc", mp != RT_NULL);
    MP_ASSERT("rt_mp_alloc", mp_is_pool(mp));

    if (rt_hw_mem_fail_armed && rt_hw_mem_fail(&mp->parent, mp->block_size))
    {
        /* Fault injection: as an empty pool that cannot wait. */
        rt_set_errno(-RT_ETIMEOUT);
        return RT_NULL;
    }
    return mp_alloc_masked(mp, time, rt_hw_interrupt_disable(), site);
}

static const struct rt_hw_mem_site mp_no_site = { RT_NULL, 0 };

/* rt_mp_alloc's short path where it cannot go on inline: a failed
 * assertion, or interrupts the port does not mask inline (rthw.h,
 * "interrupts, inline"; rtsim: a host thread it does not run, which
 * rt_hw_interrupt_disable refuses).  The same steps, with the calls. */
RT_KERNEL_SLOW static void *mp_alloc_called(rt_mp_t mp, rt_int32_t time)
{
    MP_ASSERT("rt_mp_alloc", mp != RT_NULL);
    MP_ASSERT("rt_mp_alloc", mp_is_pool(mp));
    return mp_alloc_masked(mp, time, rt_hw_interrupt_disable(), mp_no_site);
}

/* Unmask with the call (something may fall due, rthw.h), then return
 * `block`: a tail call for the short paths. */
RT_KERNEL_SLOW static void *mp_enable_called(rt_base_t level, void *block)
{
    rt_hw_interrupt_enable(level);
    return block;
}

/* Short path (rtsim, issue 19): with every switch of rthw.h off and no
 * hook (the *_site variants go to mp_alloc_full themselves), the same
 * steps as mp_alloc_full / mp_alloc_masked with what is off left out.
 * Interrupts are masked and unmasked inline (rthw.h); every other case
 * leaves by a tail call, so the path saves no register: a failed check or
 * a foreign thread to mp_alloc_called, an empty pool to mp_alloc_masked
 * (interrupts still masked), an unmask that may deliver something to
 * mp_enable_called (the same place as the call it replaces). */
void *rt_mp_alloc(rt_mp_t mp, rt_int32_t time)
{
    rt_uint8_t *header;
    rt_base_t level;

    if (rt_hw_flags.any != 0 || mp_full_only)
        return mp_alloc_full(mp, time);
    if (mp == RT_NULL || !mp_is_pool(mp) || !rt_hw_interrupt_disable_inline(&level))
        return mp_alloc_called(mp, time);
    if (mp->block_free_count == 0)
        return mp_alloc_masked(mp, time, level, mp_no_site);
    header = mp->block_list;
    mp->block_list = *mp_word(header);
    mp->block_free_count--;
    *mp_word(header) = (rt_uint8_t *)mp;
    if (!rt_hw_interrupt_enable_inline(level))
        return mp_enable_called(level, header + MP_WORD);
    return header + MP_WORD;
}

void *rt_mp_alloc_site(rt_mp_t mp, rt_int32_t time, const char *file, int line)
{
    mp_site.file = file;
    mp_site.line = line;
    return mp_alloc_full(mp, time);
}

/* The pool whose blocks area holds `ptr`, found through the object list
 * (never through the word below ptr, which may be anything); *block is
 * the start of the block holding ptr. */
static struct rt_mempool *mp_find_holder(void *ptr, rt_uint8_t **block,
                                         struct rt_hw_mem_site site)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemPool);
    rt_list_t *node;

    for (node = info->object_list.next; node != &info->object_list; node = node->next)
    {
        struct rt_mempool *mp = (struct rt_mempool *)rt_list_entry(node, struct rt_object, list);
        mp_meta_verify_ctl(mp, RT_HW_MEM_MP_FREE, ptr, site);
        rt_ubase_t start = (rt_ubase_t)mp->start_address + MP_WORD;
        rt_ubase_t at = (rt_ubase_t)ptr;
        rt_size_t stride = mp_stride(mp);

        if (at >= start && (at - start) / stride < mp->block_total_count)
        {
            *block = (rt_uint8_t *)(start + (at - start) / stride * stride);
            return mp;
        }
    }
    return RT_NULL;
}

/* Checked mode: ptr must be a used block of a live pool; anything else is
 * reported by the port (which stops the run) before a byte is written. */
static void mp_validate_free(void *ptr, struct rt_hw_mem_site site)
{
    rt_uint8_t *block = RT_NULL;
    rt_base_t level = rt_hw_interrupt_disable();
    struct rt_mempool *mp = mp_find_holder(ptr, &block, site);

    if (mp == RT_NULL)
        rt_hw_mp_freeing(RT_NULL, ptr, 0, RT_HW_MP_NOT_A_BLOCK, ptr, site);
    else if (block != (rt_uint8_t *)ptr)
        rt_hw_mp_freeing(&mp->parent, block, mp->block_size, RT_HW_MP_NOT_A_BLOCK, ptr, site);
    else
    {
        /* the block's word, compared with what the pool wrote, then read */
        rt_hw_meta_verify(mp, block - MP_WORD, MP_WORD, RT_HW_MEM_MP_FREE, ptr, site);
        rt_hw_mp_freeing(&mp->parent, block, mp->block_size,
                         mp_get(block - MP_WORD) != (rt_uint8_t *)mp ? RT_HW_MP_BLOCK_FREE
                                                                     : RT_HW_MP_BLOCK_USED,
                         ptr, site);
    }
    rt_hw_interrupt_enable(level);
}

/* The end of rt_mp_free, interrupts masked: wake the first waiter. */
rt_inline void mp_free_wake(struct rt_mempool *mp, rt_base_t level)
{
    if (rt_list_isempty(&mp->suspend_thread))
    {
        rt_hw_interrupt_enable(level);
        return;
    }
    mp_wake_first(mp, RT_EOK);
    rt_hw_interrupt_enable(level);
    rt_schedule();
}

/* rt_mp_free with a call site (rt_mp_free_site), a hook, tracing or
 * checking on. */
RT_KERNEL_SLOW static void mp_free_full(void *block)
{
    struct rt_hw_mem_site site = mp_take_site();

    if (block == RT_NULL)
        return;
    if (rt_hw_meta_enabled)     /* = checking level 1 or 2 (rthw.h) */
        mp_validate_free(block, site);

    rt_uint8_t *header = (rt_uint8_t *)block - MP_WORD;
    struct rt_mempool *mp = (struct rt_mempool *)(void *)mp_get(header);

    /* A block whose word is not a pool was never allocated from one, or
     * is already free (its word is then a free-list link). */
    MP_ASSERT("rt_mp_free", mp != RT_NULL);
    MP_ASSERT("rt_mp_free", mp_is_pool(mp));
    MP_ASSERT("rt_mp_free", mp_is_block_header(mp, header));

    RT_OBJECT_HOOK_CALL(mp_free_hook, (mp, block));

    rt_base_t level = rt_hw_interrupt_disable();
    /* header = owner   becomes   header -> old head; head = header */
    mp_set(header, mp->block_list);
    mp->block_list = header;
    mp->block_free_count++;
    if (rt_hw_meta_enabled)
        mp_meta_note(mp, header);
    rt_hw_trace(RT_TRACE_MP_FREE, mp, block, mp->block_size, RT_NULL);
    mp_free_wake(mp, level);
}

/* rt_mp_free's short path with the calls, as mp_alloc_called: a failed
 * assertion or a foreign thread. */
RT_KERNEL_SLOW static void mp_free_called(void *block)
{
    rt_uint8_t *header = (rt_uint8_t *)block - MP_WORD;
    struct rt_mempool *mp = (struct rt_mempool *)(void *)*mp_word(header);

    MP_ASSERT("rt_mp_free", mp != RT_NULL);
    MP_ASSERT("rt_mp_free", mp_is_pool(mp));
    MP_ASSERT("rt_mp_free", mp_is_block_header(mp, header));
    rt_base_t level = rt_hw_interrupt_disable();
    *mp_word(header) = mp->block_list;
    mp->block_list = header;
    mp->block_free_count++;
    mp_free_wake(mp, level);
}

/* A waiter is woken: out of line, a tail call for the short path. */
RT_KERNEL_SLOW static void mp_free_wake_called(struct rt_mempool *mp, rt_base_t level)
{
    mp_free_wake(mp, level);
}

/* Short path (rtsim, issue 19), as rt_mp_alloc's: mp_free_full's steps
 * with what is off left out; a failed check or a foreign thread continues
 * in mp_free_called, a waiter to wake in mp_free_wake_called. */
void rt_mp_free(void *block)
{
    rt_uint8_t *header;
    struct rt_mempool *mp;
    rt_base_t level;

    if (rt_hw_flags.any != 0 || mp_full_only)
    {
        mp_free_full(block);
        return;
    }
    if (block == RT_NULL)
        return;
    header = (rt_uint8_t *)block - MP_WORD;
    mp = (struct rt_mempool *)(void *)*mp_word(header);
    if (mp == RT_NULL || !mp_is_pool(mp) || !mp_is_block_header(mp, header) ||
        !rt_hw_interrupt_disable_inline(&level))
    {
        mp_free_called(block);
        return;
    }
    *mp_word(header) = mp->block_list;
    mp->block_list = header;
    mp->block_free_count++;
    if (!rt_list_isempty(&mp->suspend_thread))
    {
        mp_free_wake_called(mp, level);
        return;
    }
    if (!rt_hw_interrupt_enable_inline(level))
        rt_hw_interrupt_enable(level);
}

void rt_mp_free_site(void *block, const char *file, int line)
{
    mp_site.file = file;
    mp_site.line = line;
    mp_free_full(block);
}

/* --------------------------------------------------- inspection (rtmm.h) */

/* Number of blocks whose header word equals `value`. */
static rt_size_t mp_count_headers(const struct rt_mempool *mp, const void *value)
{
    rt_size_t n = 0;
    for (rt_size_t i = 0; i < mp->block_total_count; i++)
    {
        rt_uint8_t *header = (rt_uint8_t *)mp->start_address + i * mp_stride(mp);
        if (mp_get(header) == (const rt_uint8_t *)value)
            n++;
    }
    return n;
}

static int mp_check_locked(const struct rt_mempool *mp)
{
    /* I1 */
    if (!mp_is_pool(mp) || mp->block_size % RT_ALIGN_SIZE != 0 ||
        mp->block_total_count != mp->size / mp_stride(mp) ||
        mp->block_free_count > mp->block_total_count)
        return 1;

    /* I2, I3: walk at most block_free_count + 1 links. */
    rt_size_t free_len = 0;
    for (rt_uint8_t *header = mp->block_list; header != RT_NULL; header = mp_get(header))
    {
        if (!mp_is_block_header(mp, header))
            return 2;
        if (++free_len > mp->block_free_count)
            return 3;
    }
    if (free_len != mp->block_free_count)
        return 3;

    /* I4 */
    if (mp_count_headers(mp, mp) != mp->block_total_count - mp->block_free_count)
        return 4;

    /* I5, I6 */
    rt_size_t waiters = 0;
    const rt_list_t *node;
    for (node = mp->suspend_thread.next; node != &mp->suspend_thread; node = node->next)
    {
        const struct rt_thread *thread = rt_list_entry(node, struct rt_thread, tlist);
        if (++waiters > mp->suspend_thread_count ||
            (thread->type & ~RT_Object_Class_Static) != RT_Object_Class_Thread)
            return 5;
        if ((thread->stat & RT_THREAD_STAT_MASK) != RT_THREAD_SUSPEND ||
            thread->wait_object != &mp->parent)
            return 6;
    }
    if (waiters != mp->suspend_thread_count)
        return 5;

    return 0;
}

int rt_mp_check(rt_mp_t mp)
{
    if (mp == RT_NULL)
        return 1;
    rt_base_t level = rt_hw_interrupt_disable();
    int broken = mp_check_locked(mp);
    rt_hw_interrupt_enable(level);
    return broken;
}

void rt_mp_walk(rt_mp_t mp, rt_mem_walk_fn fn, void *ctx)
{
    RT_ASSERT(mp != RT_NULL);
    RT_ASSERT(fn != RT_NULL);

    for (rt_size_t i = 0; i < mp->block_total_count; i++)
    {
        rt_uint8_t *header = (rt_uint8_t *)mp->start_address + i * mp_stride(mp);
        struct rt_mem_block b;

        b.start = header;
        b.header_size = MP_WORD;
        b.size = mp->block_size;
        b.used = mp_get(header) == (rt_uint8_t *)mp;
        b.kind = RT_MEM_BLOCK_DATA;
        b.heap = mp;
        if (fn(&b, ctx))
            return;
    }
}
#endif /* RT_USING_MEMPOOL */
