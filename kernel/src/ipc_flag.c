/*
 * ipc_flag.c - RT-Thread 5.x's interruptible and killable waits (the 5.x
 * flavour only; docs/rt-thread-5.md).
 *
 * 5.x gives every blocking IPC call two more forms, and the thread API
 * rt_thread_suspend_with_flag (5.1.0 include/rtthread.h):
 *
 *   rt_sem_take            _interruptible  _killable
 *   rt_mutex_take          _interruptible  _killable
 *   rt_event_recv          _interruptible  _killable
 *   rt_mb_send, rt_mb_send_wait, rt_mb_recv        the same two each
 *   rt_mq_send, rt_mq_send_wait, rt_mq_recv        the same two each
 *
 * Each form is the plain call with another suspend flag (5.x src/ipc.c:
 * rt_sem_take calls _rt_sem_take(sem, timeout, RT_UNINTERRUPTIBLE), the
 * _interruptible form passes RT_INTERRUPTIBLE, _killable RT_KILLABLE).
 *
 * Rules
 * -----
 * F1  The flag becomes the waiter's suspend state (5.1.0 include/rtdef.h:
 *     RT_THREAD_SUSPEND_INTERRUPTIBLE 0x4, _KILLABLE 0x6,
 *     _UNINTERRUPTIBLE 0x7; a flag other than the three is an RT_ASSERT,
 *     src/thread.c _thread_set_suspend_state of the 5.1 era).
 * F2  Without RT-Smart the state changes nothing a program can see: a
 *     signal resumes a suspended thread whatever its flag (5.x
 *     src/signal.c _signal_deliver tests
 *     (stat & RT_THREAD_SUSPEND_MASK) == RT_THREAD_SUSPEND_MASK, which all
 *     three states pass, then calls rt_thread_resume); only RT-Smart's
 *     process signals tell them apart.  rtsim models RT-Thread without
 *     RT-Smart and keeps 4.1's thread states (one RT_THREAD_SUSPEND), so
 *     each form here is its plain call: the same wait, wake order, timeout
 *     tick, results (-RT_EINTR for a wait a signal or rt_thread_resume
 *     ends, rtflavour.h RTSIM_V5_WAIT_EINTR) and hooks.
 */
#include "kernel.h"

#if RTSIM_V5_API

rt_err_t rt_thread_suspend_with_flag(rt_thread_t thread, int suspend_flag)
{
    /* F1 */
    RT_ASSERT(suspend_flag == RT_INTERRUPTIBLE || suspend_flag == RT_KILLABLE ||
              suspend_flag == RT_UNINTERRUPTIBLE);
    return rt_thread_suspend(thread);
}

/* F2: NAME_interruptible and NAME_killable, each the plain NAME. */
#define IPC_FLAG_FORMS(ret, name, params, args)                             \
    ret name##_interruptible params { return name args; }                   \
    ret name##_killable params { return name args; }

#ifdef RT_USING_SEMAPHORE
IPC_FLAG_FORMS(rt_err_t, rt_sem_take, (rt_sem_t sem, rt_int32_t timeout), (sem, timeout))
#endif
#ifdef RT_USING_MUTEX
IPC_FLAG_FORMS(rt_err_t, rt_mutex_take, (rt_mutex_t mutex, rt_int32_t time), (mutex, time))
#endif
#ifdef RT_USING_EVENT
IPC_FLAG_FORMS(rt_err_t, rt_event_recv,
               (rt_event_t event, rt_uint32_t set, rt_uint8_t opt, rt_int32_t timeout,
                rt_uint32_t *recved),
               (event, set, opt, timeout, recved))
#endif
#ifdef RT_USING_MAILBOX
IPC_FLAG_FORMS(rt_err_t, rt_mb_send, (rt_mailbox_t mb, rt_ubase_t value), (mb, value))
IPC_FLAG_FORMS(rt_err_t, rt_mb_send_wait, (rt_mailbox_t mb, rt_ubase_t value, rt_int32_t timeout),
               (mb, value, timeout))
IPC_FLAG_FORMS(rt_err_t, rt_mb_recv, (rt_mailbox_t mb, rt_ubase_t *value, rt_int32_t timeout),
               (mb, value, timeout))
#endif
#ifdef RT_USING_MESSAGEQUEUE
IPC_FLAG_FORMS(rt_err_t, rt_mq_send, (rt_mq_t mq, const void *buffer, rt_size_t size),
               (mq, buffer, size))
IPC_FLAG_FORMS(rt_err_t, rt_mq_send_wait,
               (rt_mq_t mq, const void *buffer, rt_size_t size, rt_int32_t timeout),
               (mq, buffer, size, timeout))
IPC_FLAG_FORMS(rt_ssize_t, rt_mq_recv, (rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout),
               (mq, buffer, size, timeout))
#endif

#endif /* RTSIM_V5_API */
