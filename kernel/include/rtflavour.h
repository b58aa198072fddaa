/*
 * rtflavour.h - the one place that decides which RT-Thread rtsim models.
 *
 * `meson setup -Drtthread=5` defines RTSIM_RTTHREAD_5 for every target (and
 * in rtsim.pc's Cflags for a user's program); without it rtsim models
 * RT-Thread 4.1.1.  Every 4.1/5.x difference rtsim models is one macro
 * here, named RTSIM_V5_*; the code tests those macros, never the version
 * numbers.  docs/rt-thread-5.md lists them with the RT-Thread source each
 * comes from.
 *
 * The 5.x release modelled is 5.1.0 (include/rtdef.h "RT_VERSION_MINOR 1",
 * RT_VERSION_CHECK without the U suffixes 5.2.0 added).
 *
 * Freestanding: included by rtdef.h, no headers of its own.
 */
#ifndef RT_FLAVOUR_H__
#define RT_FLAVOUR_H__

#ifdef RTSIM_RTTHREAD_5
#define RTSIM_RT_V5 1
#else
#define RTSIM_RT_V5 0
#endif

/* ------------------------------------------------------------ version */
#if RTSIM_RT_V5
/* RT-Thread 5.1.0 include/rtdef.h, word for word in meaning. */
#define RT_VERSION_MAJOR                5
#define RT_VERSION_MINOR                1
#define RT_VERSION_PATCH                0
#define RT_VERSION_CHECK(major, minor, revise)  ((major * 10000) + (minor * 100) + revise)
#define RTTHREAD_VERSION    RT_VERSION_CHECK(RT_VERSION_MAJOR, RT_VERSION_MINOR, RT_VERSION_PATCH)
/* RT-Thread 5.1.0 src/Kconfig: config RT_VER_NUM, default 0x50100 (a BSP's
 * rtconfig.h carries it; rtsim's own configuration does not). */
#ifndef RT_VER_NUM
#define RT_VER_NUM                      0x50100
#endif
#define RTSIM_RT_VERSION_STRING         "5.1.0"
/* RT-Thread 5.1.0 src/Kconfig: config RT_CPUS_NR, default 1, outside
 * RT_USING_SMP (4.1.1's is inside it), so every 5.1 BSP's rtconfig.h has
 * it and the 5.x kernel test files size arrays with it. */
#ifndef RT_CPUS_NR
#define RT_CPUS_NR                      1
#endif
#else
/* RT-Thread 4.1.1 include/rtdef.h. */
#define RT_VERSION                      4L
#define RT_SUBVERSION                   1L
#define RT_REVISION                     1L
#define RT_VERSION_CHECK(major, minor, revise)  ((major * 10000) + \
                                                 (minor * 100) + revise)
#define RTTHREAD_VERSION    RT_VERSION_CHECK(RT_VERSION, RT_SUBVERSION, RT_REVISION)
/* rtsim addition: the 5.x names (not in 4.1.1), so that code written for
 * both (`#if RT_VERSION_MAJOR >= 5`) builds here too. */
#define RT_VERSION_MAJOR                RT_VERSION
#define RT_VERSION_MINOR                RT_SUBVERSION
#define RT_VERSION_PATCH                RT_REVISION
/* RT-Thread 4.1.1 src/Kconfig: config RT_VER_NUM, default 0x40101. */
#ifndef RT_VER_NUM
#define RT_VER_NUM                      0x40101
#endif
#define RTSIM_RT_VERSION_STRING         "4.1.1"
#endif

/* ------------------------------------------------- behaviour switches */
/* rt_mq_recv returns the bytes received (rt_ssize_t) and each message slot
 * records its length: 5.0.1+ src/ipc.c rt_mq_recv / _rt_mq_send_wait,
 * include/rtthread.h struct rt_mq_message { next; length; }.  4.1.1 returns
 * RT_EOK and the slot header is the link alone. */
#define RTSIM_V5_MQ_RECV_LENGTH     RTSIM_RT_V5

/* Releasing one of several held mutexes sets the owner's priority from
 * the mutexes it still holds (their highest waiter) and its own
 * init_priority: 5.x src/ipc.c rt_mutex_release, _thread_get_mutex_priority.
 * 4.1.1 restores the priority the owner had when it took this mutex
 * (mutex->original_priority).  Also 5.x: an inherited priority passes
 * along a chain of owners each waiting on the next one's mutex
 * (_thread_update_priority), and a waiter that times out stops lending
 * its priority (rt_mutex_take); 4.1.1 does neither. */
#define RTSIM_V5_MUTEX_PRIO_RECOMPUTE RTSIM_RT_V5

/* Which memory-pool waiter a free wakes by default (rt_sim_config's
 * mp_wake_order, mempool.c R6): 5.1.0 src/mempool.c rt_mp_alloc queues
 * waiters at the tail (rt_thread_suspend_to_list, RT_IPC_FLAG_FIFO): the
 * oldest is woken first; 4.1.1 (and 5.0.x) insert at the head
 * (rt_list_insert_after): the newest first.  A program may still choose
 * either order with cfg.mp_wake_order. */
#define RTSIM_V5_MP_WAKE_FIFO       RTSIM_RT_V5

/* A thread waiting in an IPC call (semaphore, mutex, event, mailbox,
 * message queue) that rt_thread_resume wakes without the object handing it
 * anything gets -RT_EINTR: 5.x src/ipc.c sets thread->error = -RT_EINTR
 * before suspending (_rt_sem_take, _rt_mutex_take, _rt_event_recv ...) and
 * only a release, a timeout or a detach overwrites it; a mutex waiter so
 * woken stops lending the owner its priority (_rt_mutex_take's error
 * path).  4.1.1 resets the error to RT_EOK before suspending, so such a
 * wait returns RT_EOK. */
#define RTSIM_V5_WAIT_EINTR         RTSIM_RT_V5

/* rt_thread_resume reschedules before it returns (5.1.0 src/thread.c
 * rt_thread_resume: rt_sched_unlock_n_resched), so a resumed thread of
 * higher priority runs at once; 4.1.1's only readies it (thread.c). */
#define RTSIM_V5_RESUME_RESCHED     RTSIM_RT_V5

/* The system-heap hooks: 5.1.0 src/kservice.c (change log "2023-10-16
 * Shell Add hook point for rt_malloc services") and include/rtthread.h
 * declare rt_malloc_sethook(void (*)(void **ptr, rt_size_t size)),
 * rt_free_sethook(void (*)(void **ptr)), rt_realloc_set_entry_hook and
 * rt_realloc_set_exit_hook(void (*)(void **ptr, rt_size_t size)).  Each
 * hook gets the address of the pointer variable (what it writes there is
 * what rt_malloc / rt_realloc return or what rt_free / rt_realloc go on
 * with): rt_malloc's after the allocation, also on failure, with the
 * caller's size; rt_free's before its NULL check; rt_realloc's entry hook
 * before the lock with the old pointer, its exit hook after the unlock
 * with the result, both with the caller's new size.  4.1.1 has the first
 * two only, taking the pointer itself (kheap.c K4). */
#define RTSIM_V5_HEAP_HOOKS         RTSIM_RT_V5

/* The 5.x API beside 4.1's: rtatomic.h, RT_SCHED_PRIV, rt_object_get_name,
 * rt_object_for_each, custom objects, rt_scheduler_is_available,
 * RT_UNUSED(x), rt_align()... (5.1.0 include/rtdef.h, rtthread.h,
 * rtatomic.h, src/object.c). */
#define RTSIM_V5_API                RTSIM_RT_V5

#endif /* RT_FLAVOUR_H__ */
