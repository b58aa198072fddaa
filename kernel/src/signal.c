/*
 * signal.c - thread signals (RT-Thread 4.1.x, src/signal.c; RT_USING_SIGNALS).
 *
 * A signal is a number 0 .. RT_SIG_MAX-1 sent to a thread with
 * rt_thread_kill.  Each thread has:
 *
 *     sig_pending  bit n: signal n sent, not yet handled
 *     sig_mask     bit n: signal n UNmasked (4.1 keeps the enabled set;
 *                  a new thread has every signal masked)
 *     sig_vectors  RT_SIG_MAX handlers from the heap, made by the first
 *                  rt_signal_install (each starts as the default handler)
 *     si_list      the queued siginfo nodes, oldest first, one per pending
 *                  signal, taken from the "signal" memory pool
 *
 * Rules:
 *  1. rt_thread_kill queues a node (a signal already pending only has its
 *     node refreshed) and delivers: nothing more happens while the signal
 *     is masked; it stays pending until rt_signal_unmask delivers it.
 *  2. Delivery to a suspended thread resumes it (off the object it waited
 *     on, its timer stopped) and marks it; delivery to the caller itself
 *     handles the signal at once; delivery to a ready thread marks it.  A
 *     marked thread runs its handlers in its own context the next time it
 *     runs, before it returns to what it was doing.  (RT-Thread builds a
 *     stack frame for a ready thread; rtsim's threads are host threads, so
 *     the scheduler and the port call rt_thread_signal_check where the
 *     thread resumes: same order of events.)
 *  3. Handling: every pending unmasked signal, oldest node first, is taken
 *     off the list and its handler called (SIG_IGN installs no handler:
 *     nothing is called); then thread->error = -RT_EINTR, so a kernel call
 *     the signal interrupted returns -RT_EINTR.
 *  4. rt_signal_wait(set, si, timeout) returns at once with a pending
 *     signal of `set`, else suspends until one is delivered (it must be
 *     unmasked to wake the thread, as in 4.1) or the timeout
 *     (-RT_ETIMEOUT); the waited-for signal is taken without running its
 *     handler.
 *
 * rtsim differences, both about memory: RT-Thread 4.1 creates the siginfo
 * pool ("signal", RT_SIG_INFO_MAX nodes) at boot in rt_system_signal_init;
 * rtsim creates it the first time a signal is sent or a handler installed,
 * so a program without signals has the same heap as an RT-Thread build
 * without RT_USING_SIGNALS, and deletes it when the run ends (it is not a
 * leak of the program's).  Handlers and siginfo nodes of a thread are freed
 * when the thread is closed (4.1: by the idle thread, rt_thread_free_sig).
 */
#include "kernel.h"

#ifdef RT_USING_SIGNALS

#ifndef RT_SIG_INFO_MAX
#define RT_SIG_INFO_MAX 32
#endif

#define sig_bit(signo)      (1ul << (signo))
#define sig_valid(signo)    ((signo) >= 0 && (signo) < RT_SIG_MAX)

struct siginfo_node
{
    siginfo_t si;
    struct rt_slist_node list;
};

static rt_mp_t siginfo_pool;

void rt_signal_system_reset(void)
{
    siginfo_pool = RT_NULL;
}

static rt_err_t siginfo_pool_ready(void)
{
    if (siginfo_pool == RT_NULL)
        siginfo_pool = rt_mp_create("signal", RT_SIG_INFO_MAX, sizeof(struct siginfo_node));
    return siginfo_pool != RT_NULL ? RT_EOK : -RT_ENOMEM;
}

void rt_system_signal_deinit(void)
{
    if (siginfo_pool != RT_NULL)
        rt_mp_delete(siginfo_pool);
    siginfo_pool = RT_NULL;
}

static void signal_default_handler(int signo)
{
    (void)signo;   /* 4.1: logs "handled signo[%d] with default action." at LOG_I */
}

static struct siginfo_node *node_of(struct rt_slist_node *n)
{
    return n ? rt_slist_entry(n, struct siginfo_node, list) : RT_NULL;
}

/* Unlink `node` (its predecessor `prev`, or RT_NULL at the head). */
static void si_unlink(rt_thread_t tid, struct siginfo_node *prev, struct siginfo_node *node)
{
    if (prev)
        prev->list.next = node->list.next;
    else
        tid->si_list = node_of(node->list.next);
}

void rt_thread_handle_sig(rt_bool_t clean_state)
{
    rt_thread_t tid = rt_thread_self();
    rt_base_t level = rt_hw_interrupt_disable();

    if ((tid->sig_pending & tid->sig_mask) && !(tid->stat & RT_THREAD_STAT_SIGNAL_WAIT))
    {
        /* Rule 3: oldest first.  (4.1 takes the head node even when its
         * signal is masked; so does rtsim.) */
        while (tid->sig_pending & tid->sig_mask)
        {
            struct siginfo_node *node = (struct siginfo_node *)tid->si_list;
            if (node == RT_NULL)
                break;
            si_unlink(tid, RT_NULL, node);
            int signo = node->si.si_signo;
            rt_sighandler_t handler = tid->sig_vectors ? tid->sig_vectors[signo] : RT_NULL;
            tid->sig_pending &= ~sig_bit(signo);
            rt_hw_interrupt_enable(level);

            if (handler)
                handler(signo);

            level = rt_hw_interrupt_disable();
            rt_mp_free(node);
            tid->error = -RT_EINTR;
        }
        if (clean_state)
            tid->stat &= (rt_uint8_t)~RT_THREAD_STAT_SIGNAL;
    }
    rt_hw_interrupt_enable(level);
}

void rt_thread_signal_check(void)
{
    rt_thread_t tid = rt_thread_self();
    if (tid == RT_NULL || rt_interrupt_get_nest() != 0)
        return;
    rt_base_t level = rt_hw_interrupt_disable();
    if (tid->stat & RT_THREAD_STAT_SIGNAL_PENDING)
    {
        tid->stat &= (rt_uint8_t)~RT_THREAD_STAT_SIGNAL_PENDING;
        rt_hw_interrupt_enable(level);
        rt_thread_handle_sig(RT_TRUE);
        return;
    }
    rt_hw_interrupt_enable(level);
}

/* Rule 2. */
static void signal_deliver(rt_thread_t tid)
{
    rt_base_t level = rt_hw_interrupt_disable();
    if (!(tid->sig_pending & tid->sig_mask))
    {
        rt_hw_interrupt_enable(level);
        return;
    }
    if ((tid->stat & RT_THREAD_STAT_MASK) == RT_THREAD_SUSPEND)
    {
        /* A waiter of rt_mp_alloc is also counted by its pool (mempool.c
         * invariant I5): it leaves the list here, so it leaves the count. */
        if (tid->wait_object != RT_NULL &&
            rt_object_get_type(tid->wait_object) == RT_Object_Class_MemPool)
            ((struct rt_mempool *)tid->wait_object)->suspend_thread_count--;
        rt_thread_resume_noschedule(tid);
        tid->stat |= RT_THREAD_STAT_SIGNAL | RT_THREAD_STAT_SIGNAL_PENDING;
        rt_hw_interrupt_enable(level);
        rt_schedule();
    }
    else if (tid == rt_thread_self() && rt_interrupt_get_nest() == 0)
    {
        tid->stat |= RT_THREAD_STAT_SIGNAL;
        rt_hw_interrupt_enable(level);
        rt_thread_handle_sig(RT_TRUE);
    }
    else if (!(tid->stat & RT_THREAD_STAT_SIGNAL))
    {
        /* A ready thread, or the thread an interrupt interrupted: it
         * handles the signal when it next runs (the port calls
         * rt_thread_signal_check when the interrupt returns). */
        tid->stat |= RT_THREAD_STAT_SIGNAL | RT_THREAD_STAT_SIGNAL_PENDING;
        rt_hw_interrupt_enable(level);
        rt_schedule();
    }
    else
    {
        rt_hw_interrupt_enable(level);
    }
}

/* The caller's handler table, made on first use (4.1 rt_thread_alloc_sig). */
static rt_err_t signal_vectors_ready(rt_thread_t tid)
{
    if (tid->sig_vectors != RT_NULL)
        return RT_EOK;
    rt_sighandler_t *vectors = (rt_sighandler_t *)RT_KERNEL_MALLOC(sizeof(rt_sighandler_t) * RT_SIG_MAX);
    if (vectors == RT_NULL)
        return -RT_ENOMEM;
    for (int i = 0; i < RT_SIG_MAX; i++)
        vectors[i] = signal_default_handler;
    rt_base_t level = rt_hw_interrupt_disable();
    tid->sig_vectors = vectors;
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

rt_sighandler_t rt_signal_install(int signo, rt_sighandler_t handler)
{
    rt_thread_t tid = rt_thread_self();
    if (!sig_valid(signo))
        return SIG_ERR;
    RT_DEBUG_NOT_IN_INTERRUPT;
    if (siginfo_pool_ready() != RT_EOK || signal_vectors_ready(tid) != RT_EOK)
        return SIG_ERR;

    rt_base_t level = rt_hw_interrupt_disable();
    rt_sighandler_t old = tid->sig_vectors[signo];
    if (handler == SIG_IGN)
        tid->sig_vectors[signo] = RT_NULL;
    else if (handler == SIG_DFL)
        tid->sig_vectors[signo] = signal_default_handler;
    else
        tid->sig_vectors[signo] = handler;
    rt_hw_interrupt_enable(level);
    return old;
}

void rt_signal_ignore(int signo)
{
    rt_thread_t tid = rt_thread_self();
    if (!sig_valid(signo))
        return;
    rt_base_t level = rt_hw_interrupt_disable();
    if (tid->sig_vectors != RT_NULL)
    {
        tid->sig_vectors[signo] = RT_NULL;
        /* A pending signal that is now ignored is dropped. */
        struct siginfo_node *prev = RT_NULL, *node = (struct siginfo_node *)tid->si_list;
        while (node)
        {
            struct siginfo_node *next = node_of(node->list.next);
            if (node->si.si_signo == signo)
            {
                si_unlink(tid, prev, node);
                rt_mp_free(node);
            }
            else
                prev = node;
            node = next;
        }
        tid->sig_pending &= ~sig_bit(signo);
    }
    rt_hw_interrupt_enable(level);
}

void rt_signal_mask(int signo)
{
    rt_thread_t tid = rt_thread_self();
    if (!sig_valid(signo))
        return;
    rt_base_t level = rt_hw_interrupt_disable();
    tid->sig_mask &= ~sig_bit(signo);
    rt_hw_interrupt_enable(level);
}

void rt_signal_unmask(int signo)
{
    rt_thread_t tid = rt_thread_self();
    if (!sig_valid(signo))
        return;
    rt_base_t level = rt_hw_interrupt_disable();
    tid->sig_mask |= sig_bit(signo);
    rt_bool_t deliver = (tid->sig_mask & tid->sig_pending) != 0;
    rt_hw_interrupt_enable(level);
    if (deliver)
        signal_deliver(tid);
}

int rt_signal_wait(const rt_sigset_t *set, rt_siginfo_t *si, rt_int32_t timeout)
{
    rt_thread_t tid = rt_thread_self();
    RT_DEBUG_IN_THREAD_CONTEXT;
    if (set == RT_NULL || *set == 0 || si == RT_NULL)
        return -RT_EINVAL;
    rt_memset(si, 0, sizeof(rt_siginfo_t));

    rt_base_t level = rt_hw_interrupt_disable();
    if (!(tid->sig_pending & *set))
    {
        if (timeout == 0)
        {
            rt_hw_interrupt_enable(level);
            return -RT_ETIMEOUT;
        }
        tid->error = RT_EOK;
        rt_thread_suspend(tid);
        tid->stat |= RT_THREAD_STAT_SIGNAL_WAIT;
        if (timeout > 0)
        {
            rt_tick_t ticks = (rt_tick_t)timeout;
            rt_timer_control(&tid->thread_timer, RT_TIMER_CTRL_SET_TIME, &ticks);
            rt_timer_start(&tid->thread_timer);
        }
        rt_hw_interrupt_enable(level);
        rt_schedule();

        level = rt_hw_interrupt_disable();
        /* rtsim: 4.1 clears only SIGNAL_WAIT, leaving the SIGNAL mark that
         * the skipped handling did not clean, so a later signal to this
         * thread while it is ready would never be marked (rule 2). */
        tid->stat &= (rt_uint8_t)~(RT_THREAD_STAT_SIGNAL_WAIT | RT_THREAD_STAT_SIGNAL |
                                   RT_THREAD_STAT_SIGNAL_PENDING);
        if (tid->error == -RT_ETIMEOUT)
        {
            tid->error = RT_EOK;
            rt_hw_interrupt_enable(level);
            return -RT_ETIMEOUT;
        }
    }

    /* The first queued signal of `set`: taken, its handler not run. */
    struct siginfo_node *prev = RT_NULL, *node = (struct siginfo_node *)tid->si_list;
    while (node)
    {
        int signo = node->si.si_signo;
        if (sig_bit(signo) & *set)
        {
            *si = node->si;
            si_unlink(tid, prev, node);
            tid->sig_pending &= ~sig_bit(signo);
            rt_mp_free(node);
            break;
        }
        prev = node;
        node = node_of(node->list.next);
    }
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

/* rtsim: is `tid` still a thread?  One that ended and whose object the
 * idle thread reclaimed (a stale handle) is reported, not written into
 * (RT-Thread's rt_thread_kill checks only NULL): checked mode knows its
 * block was freed, and is asked before the object is read (memcheck would
 * see the read); unchecked, rt_object_delete has cleared its type. */
static rt_bool_t kill_target_is_thread(rt_thread_t tid)
{
    if (rt_hw_mem_is_freed(tid))
        return RT_FALSE;
    return rt_object_get_type((rt_object_t)tid) == RT_Object_Class_Thread;
}

int rt_thread_kill(rt_thread_t tid, int sig)
{
    RT_ASSERT(tid != RT_NULL);
    RT_ASSERT(kill_target_is_thread(tid));
    if (!sig_valid(sig))
        return -RT_EINVAL;

    rt_base_t level = rt_hw_interrupt_disable();
    if (tid->sig_pending & sig_bit(sig))
    {
        /* Already pending: refresh its node, queue nothing more. */
        for (struct siginfo_node *n = (struct siginfo_node *)tid->si_list; n;
             n = node_of(n->list.next))
        {
            if (n->si.si_signo == sig)
            {
                n->si.si_code = SI_USER;
                n->si.si_value.sival_ptr = RT_NULL;
                rt_hw_interrupt_enable(level);
                return RT_EOK;
            }
        }
    }
    rt_hw_interrupt_enable(level);

    struct siginfo_node *node = RT_NULL;
    if (siginfo_pool_ready() == RT_EOK)
        node = (struct siginfo_node *)rt_mp_alloc(siginfo_pool, RT_WAITING_NO);
    if (node != RT_NULL)
    {
        rt_memset(&node->si, 0, sizeof node->si);
        node->si.si_signo = sig;
        node->si.si_code = SI_USER;
        node->si.si_value.sival_ptr = RT_NULL;
        rt_slist_init(&node->list);

        level = rt_hw_interrupt_disable();
        if (tid->si_list)
            rt_slist_append(&((struct siginfo_node *)tid->si_list)->list, &node->list);
        else
            tid->si_list = node;
        tid->sig_pending |= sig_bit(sig);
        rt_hw_interrupt_enable(level);
    }
    else
        rt_kprintf("[E/SIGN] The allocation of signal info node failed.\n");   /* 4.1: LOG_E */
    /* Deliver what is pending, as 4.1 does either way. */
    signal_deliver(tid);
    return RT_EOK;
}

void rt_thread_free_sig(rt_thread_t tid)
{
    rt_base_t level = rt_hw_interrupt_disable();
    struct siginfo_node *node = (struct siginfo_node *)tid->si_list;
    rt_sighandler_t *vectors = tid->sig_vectors;
    tid->si_list = RT_NULL;
    tid->sig_vectors = RT_NULL;
    tid->sig_pending = 0;
    rt_hw_interrupt_enable(level);

    while (node)
    {
        struct siginfo_node *next = node_of(node->list.next);
        rt_mp_free(node);
        node = next;
    }
    if (vectors)
        RT_KERNEL_FREE(vectors);
}

#else /* !RT_USING_SIGNALS */

void rt_signal_system_reset(void) {}
void rt_system_signal_deinit(void) {}
void rt_thread_signal_check(void) {}

#endif
