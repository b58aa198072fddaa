/*
 * rtthread.h - RT-Thread's kernel API (4.1.x names and semantics).
 *
 * Conventions used in the comments below:
 *   ISR: yes   - may be called from an interrupt handler.
 *   blocks     - may suspend the calling thread (never from an ISR; doing
 *                so is reported and stops the run).
 *   O(...)     - time complexity in the stated quantity.
 * Functions that RT-Thread guards with RT_ASSERT report a misuse (NULL or
 * wrong-type object, static object deleted, ...) through rt_assert_handler,
 * which in the simulator prints the failed expression, the function and the
 * line, and stops the run with RT_SIM_EASSERT.
 */
#ifndef RT_THREAD_H__
#define RT_THREAD_H__

#include <rtconfig.h>
#include "rtdef.h"
#include "rtservice.h"
#include "rtmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================ debugging */
void rt_assert_handler(const char *ex, const char *func, rt_size_t line);
void rt_assert_set_hook(void (*hook)(const char *ex, const char *func, rt_size_t line));

#define RT_ASSERT(EX)                                                   \
    do {                                                                \
        if (!(EX))                                                      \
            rt_assert_handler(#EX, __func__, (rt_size_t)__LINE__);      \
    } while (0)

/* Context checks (RT_DEBUG_CONTEXT_CHECK): a call that may block, made
 * from an interrupt or before the scheduler started, is reported. */
void rt_debug_not_in_interrupt(const char *func);
void rt_debug_in_thread_context(const char *func);
void rt_debug_scheduler_available(const char *func, rt_bool_t need_check);
#define RT_DEBUG_NOT_IN_INTERRUPT       rt_debug_not_in_interrupt(__func__)
#define RT_DEBUG_IN_THREAD_CONTEXT      rt_debug_in_thread_context(__func__)
#define RT_DEBUG_SCHEDULER_AVAILABLE(need_check) \
    rt_debug_scheduler_available(__func__, need_check)

#define RT_DEBUG_LOG(type, message) do { if (type) rt_kprintf message; } while (0)

/* Hook call: RT-Thread's RT_OBJECT_HOOK_CALL with function pointers;
 * nothing without RT_USING_HOOK (as 4.1's rtdef.h). */
#ifdef RT_USING_HOOK
#define RT_OBJECT_HOOK_CALL(func, argv) \
    do { if ((func) != RT_NULL) func argv; } while (0)
#else
#define RT_OBJECT_HOOK_CALL(func, argv) do { (void)(func); } while (0)
#endif

#if RTSIM_V5_API && defined(RT_USING_HOOK) && defined(RT_USING_HOOKLIST)
/* Hook lists: 5.1.0 include/rtdef.h (RT_USING_HOOKLIST), with
 * rt_hw_interrupt_disable for its spinlock (rtsim is one CPU).  5.1.0's
 * sethook / rmhook spin while a call of the list is under way
 * (name##_nested); on one CPU that call is the caller's own (a handler that
 * adds or removes a hook) or a preempted thread's, and the spin never ends:
 * rtsim makes it a failed RT_ASSERT instead (rtsim addition). */
#define RT_OBJECT_HOOKLIST_DECLARE(handler_type, name) \
    typedef struct name##_hooklistnode                 \
    {                                                  \
        handler_type handler;                          \
        rt_list_t list_node;                           \
    } *name##_hooklistnode_t;                          \
    extern volatile rt_ubase_t name##_nested;          \
    void name##_sethook(name##_hooklistnode_t node);   \
    void name##_rmhook(name##_hooklistnode_t node)
#define RT_OBJECT_HOOKLIST_DEFINE_NODE(hookname, nodename, hooker_handler) \
    struct hookname##_hooklistnode nodename = {                            \
        .handler = hooker_handler,                                         \
        .list_node = RT_LIST_OBJECT_INIT(nodename.list_node),              \
    };
#define RT_OBJECT_HOOKLIST_DEFINE(name)                                      \
    static rt_list_t name##_hooklist = RT_LIST_OBJECT_INIT(name##_hooklist); \
    volatile rt_ubase_t name##_nested = 0;                                   \
    void name##_sethook(name##_hooklistnode_t node)                          \
    {                                                                        \
        rt_base_t level = rt_hw_interrupt_disable();                         \
        RT_ASSERT(name##_nested == 0);                                       \
        rt_list_insert_before(&name##_hooklist, &node->list_node);           \
        rt_hw_interrupt_enable(level);                                       \
    }                                                                        \
    void name##_rmhook(name##_hooklistnode_t node)                           \
    {                                                                        \
        rt_base_t level = rt_hw_interrupt_disable();                         \
        RT_ASSERT(name##_nested == 0);                                       \
        rt_list_remove(&node->list_node);                                    \
        rt_hw_interrupt_enable(level);                                       \
    }
#define RT_OBJECT_HOOKLIST_CALL(name, argv)                                   \
    do                                                                        \
    {                                                                         \
        name##_hooklistnode_t iter, next;                                     \
        rt_base_t level = rt_hw_interrupt_disable();                          \
        name##_nested += 1;                                                   \
        rt_hw_interrupt_enable(level);                                        \
        if (!rt_list_isempty(&name##_hooklist))                               \
        {                                                                     \
            rt_list_for_each_entry_safe(iter, next, &name##_hooklist, list_node) \
            {                                                                 \
                iter->handler argv;                                           \
            }                                                                 \
        }                                                                     \
        level = rt_hw_interrupt_disable();                                    \
        name##_nested -= 1;                                                   \
        rt_hw_interrupt_enable(level);                                        \
    } while (0)
#elif RTSIM_V5_API
#define RT_OBJECT_HOOKLIST_DECLARE(handler_type, name)
#define RT_OBJECT_HOOKLIST_DEFINE_NODE(hookname, nodename, hooker_handler)
#define RT_OBJECT_HOOKLIST_DEFINE(name)
#define RT_OBJECT_HOOKLIST_CALL(name, argv)
#endif

/* ====================================================== kernel objects */
/* Re-initialise every object container to empty (called at boot). */
void rt_system_object_init(void);
struct rt_object_information *rt_object_get_information(enum rt_object_class_type type);
int  rt_object_get_length(enum rt_object_class_type type);
int  rt_object_get_pointers(enum rt_object_class_type type, rt_object_t *pointers, int maxlen);

/* Static object: the caller owns `object`.  Asserts it is not already in
 * the class list.  Name copied with strncpy(RT_NAME_MAX); inserted at the
 * head of the class list (newest first).  O(objects of the class). */
void rt_object_init(struct rt_object *object, enum rt_object_class_type type, const char *name);
/* Unlink a static object and set its type to 0.  O(1). */
void rt_object_detach(rt_object_t object);
/* Dynamic object from the system heap (zeroed); RT_NULL when out of memory. */
rt_object_t rt_object_allocate(enum rt_object_class_type type, const char *name);
/* Unlink and free a dynamic object.  Asserts it is not static. */
void rt_object_delete(rt_object_t object);
rt_bool_t rt_object_is_systemobject(rt_object_t object);
rt_uint8_t rt_object_get_type(rt_object_t object);
/* First object of the class named `name` (newest first); not from an ISR. */
rt_object_t rt_object_find(const char *name, rt_uint8_t type);
#if RTSIM_V5_API
/* The 5.x object API (5.1.0 include/rtthread.h, src/object.c; object.c). */
rt_err_t rt_object_for_each(rt_uint8_t type, rt_object_iter_t iter, void *data);
rt_err_t rt_object_get_name(rt_object_t object, char *name, rt_uint8_t name_size);
rt_object_t rt_custom_object_create(const char *name, void *data, rt_err_t (*data_destroy)(void *));
rt_err_t rt_custom_object_destroy(rt_object_t obj);
#endif

#ifdef RT_USING_HOOK
void rt_object_attach_sethook(void (*hook)(struct rt_object *object));
void rt_object_detach_sethook(void (*hook)(struct rt_object *object));
#endif

/* ============================================================ clock/timer */
/* Current tick.  Starts at 0 at boot.  ISR: yes.  A thread that polls the
 * clock in a loop without blocking is treated as burning CPU time: every
 * RT_SIM config `poll_ticks_after` consecutive calls advance the clock by
 * one tick (with its tick interrupt), so busy-wait loops terminate. */
rt_tick_t rt_tick_get(void);
void rt_tick_set(rt_tick_t tick);
/* The tick interrupt's body: advance the clock one tick, expire the
 * current thread's time slice, run due timers.  Called by the port. */
void rt_tick_increase(void);
rt_tick_t rt_tick_from_millisecond(rt_int32_t ms);
rt_tick_t rt_tick_get_millisecond(void);

void rt_system_timer_init(void);
void rt_system_timer_thread_init(void);

void rt_timer_init(rt_timer_t timer, const char *name,
                   void (*timeout)(void *parameter), void *parameter,
                   rt_tick_t time, rt_uint8_t flag);
rt_err_t rt_timer_detach(rt_timer_t timer);
rt_timer_t rt_timer_create(const char *name, void (*timeout)(void *parameter),
                           void *parameter, rt_tick_t time, rt_uint8_t flag);
rt_err_t rt_timer_delete(rt_timer_t timer);
/* (Re)start: expires at now + init_tick.  ISR: yes.  O(active timers). */
rt_err_t rt_timer_start(rt_timer_t timer);
rt_err_t rt_timer_stop(rt_timer_t timer);
rt_err_t rt_timer_control(rt_timer_t timer, int cmd, void *arg);
/* Tick of the earliest active timer, RT_TICK_MAX when none. */
rt_tick_t rt_timer_next_timeout_tick(void);
/* Number of active timers. */
int rt_timer_active_count(void);
/* Run every timer whose tick has come, in expiry order.  Called by
 * rt_tick_increase. */
void rt_timer_check(void);

#ifdef RT_USING_HOOK
void rt_timer_enter_sethook(void (*hook)(struct rt_timer *timer));
void rt_timer_exit_sethook(void (*hook)(struct rt_timer *timer));
#endif

/* ================================================================ threads */
rt_err_t rt_thread_init(struct rt_thread *thread, const char *name,
                        void (*entry)(void *parameter), void *parameter,
                        void *stack_start, rt_uint32_t stack_size,
                        rt_uint8_t priority, rt_uint32_t tick);
rt_err_t rt_thread_detach(rt_thread_t thread);
/* Object and stack from the system heap; RT_NULL when out of memory. */
rt_thread_t rt_thread_create(const char *name, void (*entry)(void *parameter),
                             void *parameter, rt_uint32_t stack_size,
                             rt_uint8_t priority, rt_uint32_t tick);
rt_err_t rt_thread_delete(rt_thread_t thread);
/* Make an INIT thread ready; reschedules if a thread is running. */
rt_err_t rt_thread_startup(rt_thread_t thread);
rt_thread_t rt_thread_self(void);
rt_thread_t rt_thread_find(char *name);
/* Give the CPU to the next ready thread of the same priority. */
rt_err_t rt_thread_yield(void);
/* Sleep `tick` ticks (blocks).  Returns RT_EOK. */
rt_err_t rt_thread_delay(rt_tick_t tick);
rt_err_t rt_thread_delay_until(rt_tick_t *tick, rt_tick_t inc_tick);
rt_err_t rt_thread_mdelay(rt_int32_t ms);
rt_err_t rt_thread_sleep(rt_tick_t tick);
rt_err_t rt_thread_control(rt_thread_t thread, int cmd, void *arg);
/* Suspend a READY/RUNNING thread (no reschedule: call rt_schedule). */
rt_err_t rt_thread_suspend(rt_thread_t thread);
#if RTSIM_V5_API
/* 5.x: suspend with RT_INTERRUPTIBLE, RT_KILLABLE or RT_UNINTERRUPTIBLE
 * (any other flag: RT_ASSERT); as rt_thread_suspend here (ipc_flag.c). */
rt_err_t rt_thread_suspend_with_flag(rt_thread_t thread, int suspend_flag);
#endif
/* Make a SUSPENDed thread ready (no reschedule: call rt_schedule). */
rt_err_t rt_thread_resume(rt_thread_t thread);
void rt_thread_timeout(void *parameter);
/* Thread exit: the end of every thread's entry function comes here. */
void rt_thread_exit(void);

#ifdef RT_USING_HOOK
void rt_thread_suspend_sethook(void (*hook)(rt_thread_t thread));
void rt_thread_resume_sethook(void (*hook)(rt_thread_t thread));
#if RTSIM_V5_API
/* 5.1.0 include/rtthread.h: a hook list, rt_thread_inited_sethook(node)
 * and rt_thread_inited_rmhook(node); no function-pointer form. */
typedef void (*rt_thread_inited_hookproto_t)(rt_thread_t thread);
RT_OBJECT_HOOKLIST_DECLARE(rt_thread_inited_hookproto_t, rt_thread_inited);
#else
void rt_thread_inited_sethook(void (*hook)(rt_thread_t thread));
#endif
#endif

/* idle */
void rt_thread_idle_init(void);
#ifdef RT_USING_IDLE_HOOK
rt_err_t rt_thread_idle_sethook(void (*hook)(void));
rt_err_t rt_thread_idle_delhook(void (*hook)(void));
#endif
rt_thread_t rt_thread_idle_gethandler(void);
/* Free the objects and stacks of threads that have ended. */
void rt_thread_defunct_execute(void);

/* ============================================================= scheduler */
void rt_system_scheduler_init(void);
void rt_system_scheduler_start(void);
/* Switch to the highest-priority ready thread if it should run now. */
void rt_schedule(void);
void rt_schedule_insert_thread(struct rt_thread *thread);
void rt_schedule_remove_thread(struct rt_thread *thread);
#if RTSIM_V5_API
rt_base_t rt_enter_critical(void);
void rt_exit_critical_safe(rt_base_t critical_level);
#else
void rt_enter_critical(void);
#endif
void rt_exit_critical(void);
rt_uint16_t rt_critical_level(void);
#ifdef RT_USING_HOOK
void rt_scheduler_sethook(void (*hook)(rt_thread_t from, rt_thread_t to));
#endif

extern rt_uint32_t rt_thread_ready_priority_group;

/* ============================================================ interrupts */
void rt_interrupt_enter(void);
void rt_interrupt_leave(void);
rt_uint8_t rt_interrupt_get_nest(void);
#ifdef RT_USING_HOOK
void rt_interrupt_enter_sethook(void (*hook)(void));
void rt_interrupt_leave_sethook(void (*hook)(void));
#endif

/* ======================================================== kernel services */
rt_err_t rt_get_errno(void);
void rt_set_errno(rt_err_t no);
int *_rt_errno(void);

void *rt_memset(void *src, int c, rt_ubase_t n);
void *rt_memcpy(void *dst, const void *src, rt_ubase_t count);
void *rt_memmove(void *dest, const void *src, rt_size_t n);
rt_int32_t rt_memcmp(const void *cs, const void *ct, rt_size_t count);
char *rt_strdup(const char *s);
char *rt_strstr(const char *str1, const char *str2);
rt_int32_t rt_strcasecmp(const char *a, const char *b);
char *rt_strcpy(char *dst, const char *src);
char *rt_strncpy(char *dest, const char *src, rt_size_t n);
rt_int32_t rt_strncmp(const char *cs, const char *ct, rt_size_t count);
rt_int32_t rt_strcmp(const char *cs, const char *ct);
rt_size_t rt_strlen(const char *src);
rt_size_t rt_strnlen(const char *s, rt_ubase_t maxlen);

rt_int32_t rt_vsnprintf(char *buf, rt_size_t size, const char *fmt, va_list args);
rt_int32_t rt_snprintf(char *buf, rt_size_t size, const char *format, ...);
rt_int32_t rt_sprintf(char *buf, const char *format, ...);
rt_int32_t rt_vsprintf(char *dest, const char *format, va_list arg_ptr);
/* Formatted output to the console (the port's rt_hw_console_output).
 * Returns the number of characters written.  ISR: yes. */
int rt_kprintf(const char *fmt, ...);
void rt_kputs(const char *str);
void rt_show_version(void);

/* ================================================================ IPC */
/* Each IPC is declared only when its RT_USING_* is on (docs/kernel.md,
 * "Configuration"): a program using a switched-off one does not compile. */
#ifdef RT_USING_SEMAPHORE
rt_err_t rt_sem_init(rt_sem_t sem, const char *name, rt_uint32_t value, rt_uint8_t flag);
rt_err_t rt_sem_detach(rt_sem_t sem);
rt_sem_t rt_sem_create(const char *name, rt_uint32_t value, rt_uint8_t flag);
rt_err_t rt_sem_delete(rt_sem_t sem);
/* Take: RT_EOK, -RT_ETIMEOUT, or -RT_ERROR when the semaphore is
 * detached/deleted while waiting.  blocks (unless time == 0). */
rt_err_t rt_sem_take(rt_sem_t sem, rt_int32_t time);
#if RTSIM_V5_API
/* 5.x's interruptible and killable forms of each blocking call: the same
 * wait here (ipc_flag.c says why). */
rt_err_t rt_sem_take_interruptible(rt_sem_t sem, rt_int32_t timeout);
rt_err_t rt_sem_take_killable(rt_sem_t sem, rt_int32_t timeout);
#endif
rt_err_t rt_sem_trytake(rt_sem_t sem);
/* Release: wakes the first waiter (FIFO or by priority).  ISR: yes. */
rt_err_t rt_sem_release(rt_sem_t sem);
rt_err_t rt_sem_control(rt_sem_t sem, int cmd, void *arg);
#endif

#ifdef RT_USING_MUTEX
rt_err_t rt_mutex_init(rt_mutex_t mutex, const char *name, rt_uint8_t flag);
rt_err_t rt_mutex_detach(rt_mutex_t mutex);
rt_mutex_t rt_mutex_create(const char *name, rt_uint8_t flag);
rt_err_t rt_mutex_delete(rt_mutex_t mutex);
/* Recursive; priority inheritance while a higher-priority thread waits. */
rt_err_t rt_mutex_take(rt_mutex_t mutex, rt_int32_t time);
#if RTSIM_V5_API
rt_err_t rt_mutex_take_interruptible(rt_mutex_t mutex, rt_int32_t time);
rt_err_t rt_mutex_take_killable(rt_mutex_t mutex, rt_int32_t time);
#endif
rt_err_t rt_mutex_trytake(rt_mutex_t mutex);
rt_err_t rt_mutex_release(rt_mutex_t mutex);
rt_err_t rt_mutex_control(rt_mutex_t mutex, int cmd, void *arg);
#if RTSIM_V5_API
/* 5.1.0 include/rtthread.h: the owner and the recursion depth, read without a lock. */
rt_inline rt_thread_t rt_mutex_get_owner(rt_mutex_t mutex)
{
    return mutex->owner;
}
rt_inline rt_ubase_t rt_mutex_get_hold(rt_mutex_t mutex)
{
    return mutex->hold;
}
#endif
#endif

#ifdef RT_USING_EVENT
rt_err_t rt_event_init(rt_event_t event, const char *name, rt_uint8_t flag);
rt_err_t rt_event_detach(rt_event_t event);
rt_event_t rt_event_create(const char *name, rt_uint8_t flag);
rt_err_t rt_event_delete(rt_event_t event);
rt_err_t rt_event_send(rt_event_t event, rt_uint32_t set);
rt_err_t rt_event_recv(rt_event_t event, rt_uint32_t set, rt_uint8_t opt,
                       rt_int32_t timeout, rt_uint32_t *recved);
#if RTSIM_V5_API
rt_err_t rt_event_recv_interruptible(rt_event_t event, rt_uint32_t set, rt_uint8_t opt,
                                     rt_int32_t timeout, rt_uint32_t *recved);
rt_err_t rt_event_recv_killable(rt_event_t event, rt_uint32_t set, rt_uint8_t opt,
                                rt_int32_t timeout, rt_uint32_t *recved);
#endif
rt_err_t rt_event_control(rt_event_t event, int cmd, void *arg);
#endif

#ifdef RT_USING_MAILBOX
/* Mailboxes (ipc_mailbox.c): one-word mails in a ring of `size`.
 * rt_mb_create takes size * sizeof(rt_ubase_t) bytes from the system heap
 * (rt_mb_delete gives them back).  Send: RT_EOK or -RT_EFULL (send_wait
 * blocks up to `timeout` ticks while full: -RT_ETIMEOUT; -RT_ERROR when
 * the mailbox is detached, deleted or reset meanwhile; -RT_EINTR when a
 * signal interrupts the wait).  Urgent puts the mail at the head, never
 * blocks.  Recv blocks up to `timeout` while empty (0: -RT_ETIMEOUT at
 * once).  Non-blocking calls: ISR yes.  All O(1) plus the wake-up. */
rt_err_t rt_mb_init(rt_mailbox_t mb, const char *name, void *msgpool,
                    rt_size_t size, rt_uint8_t flag);
rt_err_t rt_mb_detach(rt_mailbox_t mb);
rt_mailbox_t rt_mb_create(const char *name, rt_size_t size, rt_uint8_t flag);
rt_err_t rt_mb_delete(rt_mailbox_t mb);
rt_err_t rt_mb_send(rt_mailbox_t mb, rt_ubase_t value);
rt_err_t rt_mb_send_wait(rt_mailbox_t mb, rt_ubase_t value, rt_int32_t timeout);
rt_err_t rt_mb_urgent(rt_mailbox_t mb, rt_ubase_t value);
rt_err_t rt_mb_recv(rt_mailbox_t mb, rt_ubase_t *value, rt_int32_t timeout);
#if RTSIM_V5_API
rt_err_t rt_mb_send_interruptible(rt_mailbox_t mb, rt_ubase_t value);
rt_err_t rt_mb_send_killable(rt_mailbox_t mb, rt_ubase_t value);
rt_err_t rt_mb_send_wait_interruptible(rt_mailbox_t mb, rt_ubase_t value, rt_int32_t timeout);
rt_err_t rt_mb_send_wait_killable(rt_mailbox_t mb, rt_ubase_t value, rt_int32_t timeout);
rt_err_t rt_mb_recv_interruptible(rt_mailbox_t mb, rt_ubase_t *value, rt_int32_t timeout);
rt_err_t rt_mb_recv_killable(rt_mailbox_t mb, rt_ubase_t *value, rt_int32_t timeout);
#endif
rt_err_t rt_mb_control(rt_mailbox_t mb, int cmd, void *arg);
#endif

#ifdef RT_USING_MESSAGEQUEUE
/* Message queues (ipc_msgqueue.c): messages copied into fixed slots of
 * RT_ALIGN(msg_size, RT_ALIGN_SIZE) bytes plus a one-pointer header.
 * rt_mq_init fits pool_size / slot slots in the caller's pool; rt_mq_create
 * takes max_msgs slots from the system heap.  Send/urgent: -RT_ERROR for a
 * message longer than the slot, -RT_EFULL when no slot is free (send_wait
 * blocks as rt_mb_send_wait).  Recv copies min(size, msg_size) bytes and
 * returns RT_EOK (4.1.x: not a length).  Errors as the mailbox. */
rt_err_t rt_mq_init(rt_mq_t mq, const char *name, void *msgpool,
                    rt_size_t msg_size, rt_size_t pool_size, rt_uint8_t flag);
rt_err_t rt_mq_detach(rt_mq_t mq);
rt_mq_t rt_mq_create(const char *name, rt_size_t msg_size, rt_size_t max_msgs, rt_uint8_t flag);
rt_err_t rt_mq_delete(rt_mq_t mq);
rt_err_t rt_mq_send(rt_mq_t mq, const void *buffer, rt_size_t size);
rt_err_t rt_mq_send_wait(rt_mq_t mq, const void *buffer, rt_size_t size, rt_int32_t timeout);
rt_err_t rt_mq_urgent(rt_mq_t mq, const void *buffer, rt_size_t size);
#if RTSIM_V5_MQ_RECV_LENGTH
/* 5.x: the bytes received (at most `size`), or a negative error. */
rt_ssize_t rt_mq_recv(rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout);
#else
/* 4.1: RT_EOK, or a negative error. */
rt_err_t rt_mq_recv(rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout);
#endif
#if RTSIM_V5_API
rt_err_t rt_mq_send_interruptible(rt_mq_t mq, const void *buffer, rt_size_t size);
rt_err_t rt_mq_send_killable(rt_mq_t mq, const void *buffer, rt_size_t size);
rt_err_t rt_mq_send_wait_interruptible(rt_mq_t mq, const void *buffer, rt_size_t size,
                                       rt_int32_t timeout);
rt_err_t rt_mq_send_wait_killable(rt_mq_t mq, const void *buffer, rt_size_t size,
                                  rt_int32_t timeout);
rt_ssize_t rt_mq_recv_interruptible(rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout);
rt_ssize_t rt_mq_recv_killable(rt_mq_t mq, void *buffer, rt_size_t size, rt_int32_t timeout);
#endif
rt_err_t rt_mq_control(rt_mq_t mq, int cmd, void *arg);
#endif

#ifdef RT_USING_SIGNALS
/* Signals (signal.c, RT_USING_SIGNALS): numbers 0 .. RT_SIG_MAX-1, types
 * and SIG* numbers from the C library's <signal.h> (rtsignal.h).  A new
 * thread has every signal masked.  install: the old handler, SIG_ERR for a
 * bad number (SIG_IGN: nothing is called; SIG_DFL: the default, which does
 * nothing).  kill: RT_EOK or -RT_EINVAL; ISR yes; the handler runs in the
 * target's own context when it next runs, and a kernel call it was
 * blocked in returns -RT_EINTR.  wait: RT_EOK (si filled), -RT_ETIMEOUT,
 * -RT_EINVAL; blocks. */
rt_sighandler_t rt_signal_install(int signo, rt_sighandler_t handler);
/* rtsim addition (not in RT-Thread 4.1): rt_signal_install(signo, SIG_IGN)
 * that also drops the signal if it is pending. */
void rt_signal_ignore(int signo);
void rt_signal_mask(int signo);
void rt_signal_unmask(int signo);
int rt_signal_wait(const rt_sigset_t *set, rt_siginfo_t *si, rt_int32_t timeout);
int rt_thread_kill(rt_thread_t tid, int sig);
void rt_thread_handle_sig(rt_bool_t clean_state);
void rt_thread_free_sig(rt_thread_t tid);
#endif
/* Where a thread resumes (the scheduler, the port after an interrupt and
 * at a thread's first run): run the signal handlers delivered to it
 * meanwhile.  No-op without RT_USING_SIGNALS.  (rtsim: RT-Thread builds a
 * stack frame instead.) */
void rt_thread_signal_check(void);
/* End of run: the lazily made siginfo pool goes back to the heap. */
void rt_system_signal_deinit(void);

/* ========================================================= memory pools */
#ifdef RT_USING_MEMPOOL
rt_err_t rt_mp_init(struct rt_mempool *mp, const char *name, void *start,
                    rt_size_t size, rt_size_t block_size);
rt_err_t rt_mp_detach(struct rt_mempool *mp);
rt_mp_t rt_mp_create(const char *name, rt_size_t block_count, rt_size_t block_size);
rt_err_t rt_mp_delete(rt_mp_t mp);
void *rt_mp_alloc(rt_mp_t mp, rt_int32_t time);
void rt_mp_free(void *block);
#ifdef RT_USING_HOOK
void rt_mp_alloc_sethook(void (*hook)(struct rt_mempool *mp, void *block));
void rt_mp_free_sethook(void (*hook)(struct rt_mempool *mp, void *block));
#endif
#endif

/* ========================================================== system heap */
void rt_system_heap_init(void *begin_addr, void *end_addr);
void *rt_malloc(rt_size_t size);
void rt_free(void *ptr);
void *rt_realloc(void *ptr, rt_size_t newsize);
void *rt_calloc(rt_size_t count, rt_size_t size);
void *rt_malloc_align(rt_size_t size, rt_size_t align);
void rt_free_align(void *ptr);
void rt_memory_info(rt_size_t *total, rt_size_t *used, rt_size_t *max_used);
#ifdef RT_USING_HOOK
#if RTSIM_V5_HEAP_HOOKS
/* 5.1.0 include/rtthread.h: each hook gets the address of the pointer. */
void rt_malloc_sethook(void (*hook)(void **ptr, rt_size_t size));
void rt_realloc_set_entry_hook(void (*hook)(void **ptr, rt_size_t size));
void rt_realloc_set_exit_hook(void (*hook)(void **ptr, rt_size_t size));
void rt_free_sethook(void (*hook)(void **ptr));
#else
void rt_malloc_sethook(void (*hook)(void *ptr, rt_size_t size));
void rt_free_sethook(void (*hook)(void *ptr));
#endif
#endif
/* Allocation sites: a program that defines RTSIM_TRACK_ALLOC_SITES before
 * including rtthread.h has its heap and pool calls record __FILE__ and
 * __LINE__; rtsim's checker names them in reports and leak lists. */
void *rt_malloc_site(rt_size_t size, const char *file, int line);
void rt_free_site(void *ptr, const char *file, int line);
void *rt_realloc_site(void *ptr, rt_size_t newsize, const char *file, int line);
void *rt_calloc_site(rt_size_t count, rt_size_t size, const char *file, int line);
void *rt_malloc_align_site(rt_size_t size, rt_size_t align, const char *file, int line);
void rt_free_align_site(void *ptr, const char *file, int line);
#ifdef RT_USING_MEMPOOL
void *rt_mp_alloc_site(rt_mp_t mp, rt_int32_t time, const char *file, int line);
void rt_mp_free_site(void *block, const char *file, int line);
#endif
#ifdef RTSIM_TRACK_ALLOC_SITES
#define rt_malloc(size)             rt_malloc_site((size), __FILE__, __LINE__)
#define rt_free(ptr)                rt_free_site((ptr), __FILE__, __LINE__)
#define rt_realloc(ptr, size)       rt_realloc_site((ptr), (size), __FILE__, __LINE__)
#define rt_calloc(count, size)      rt_calloc_site((count), (size), __FILE__, __LINE__)
#define rt_malloc_align(size, al)   rt_malloc_align_site((size), (al), __FILE__, __LINE__)
#define rt_free_align(ptr)          rt_free_align_site((ptr), __FILE__, __LINE__)
#define rt_mp_alloc(mp, time)       rt_mp_alloc_site((mp), (time), __FILE__, __LINE__)
#define rt_mp_free(block)           rt_mp_free_site((block), __FILE__, __LINE__)
#endif
#ifdef RT_USING_SLAB
void *rt_page_alloc(rt_size_t npages);
void rt_page_free(void *addr, rt_size_t npages);
#endif

#ifdef RT_USING_SMALL_MEM
/* small memory (4.1.0+ layout) */
rt_smem_t rt_smem_init(const char *name, void *begin_addr, rt_size_t size);
rt_err_t rt_smem_detach(rt_smem_t m);
void *rt_smem_alloc(rt_smem_t m, rt_size_t size);
void *rt_smem_realloc(rt_smem_t m, void *rmem, rt_size_t newsize);
void rt_smem_free(void *rmem);
#endif

#ifdef RT_USING_SLAB
/* slab */
rt_slab_t rt_slab_init(const char *name, void *begin_addr, rt_size_t size);
rt_err_t rt_slab_detach(rt_slab_t m);
void *rt_slab_page_alloc(rt_slab_t m, rt_size_t npages);
void rt_slab_page_free(rt_slab_t m, void *addr, rt_size_t npages);
void *rt_slab_alloc(rt_slab_t m, rt_size_t size);
void *rt_slab_realloc(rt_slab_t m, void *ptr, rt_size_t size);
void rt_slab_free(rt_slab_t m, void *ptr);
#endif

#ifdef RT_USING_MEMHEAP
/* memheap */
rt_err_t rt_memheap_init(struct rt_memheap *memheap, const char *name,
                         void *start_addr, rt_size_t size);
rt_err_t rt_memheap_detach(struct rt_memheap *heap);
void *rt_memheap_alloc(struct rt_memheap *heap, rt_size_t size);
void *rt_memheap_realloc(struct rt_memheap *heap, void *ptr, rt_size_t newsize);
void rt_memheap_free(void *ptr);
void rt_memheap_info(struct rt_memheap *heap, rt_size_t *total,
                     rt_size_t *used, rt_size_t *max_used);
#endif

/* TLSF-class O(1) heap (an rtsim addition, same object API as small mem) */
rt_tlsf_t rt_tlsf_init(const char *name, void *begin, rt_size_t size);
rt_err_t rt_tlsf_detach(rt_tlsf_t m);
void *rt_tlsf_alloc(rt_tlsf_t m, rt_size_t size);
void *rt_tlsf_realloc(rt_tlsf_t m, void *ptr, rt_size_t size);
void rt_tlsf_free(rt_tlsf_t m, void *ptr);

/* =========================================== components, shell, version */
int rt_components_init(void);
void rt_components_board_init(void);

/* Automatic initialisation (INIT_*_EXPORT): functions registered at program
 * load and called by the simulator's boot in level order (board, prev,
 * device, component, env, app), each level in registration order. */
typedef int (*init_fn_t)(void);
struct rt_init_desc
{
    const char *fn_name;
    init_fn_t   fn;
    int         level;
    struct rt_init_desc *next;
};
void rt_init_register(struct rt_init_desc *desc);

#define RT_INIT_EXPORT__(fn, lvl)                                          \
    static struct rt_init_desc __rt_init_desc_##fn = { #fn, fn, lvl, RT_NULL }; \
    __attribute__((constructor)) static void __rt_init_reg_##fn(void)       \
    { rt_init_register(&__rt_init_desc_##fn); }

#define INIT_BOARD_EXPORT(fn)       RT_INIT_EXPORT__(fn, 1)
#define INIT_PREV_EXPORT(fn)        RT_INIT_EXPORT__(fn, 2)
#define INIT_DEVICE_EXPORT(fn)      RT_INIT_EXPORT__(fn, 3)
#define INIT_COMPONENT_EXPORT(fn)   RT_INIT_EXPORT__(fn, 4)
#define INIT_ENV_EXPORT(fn)         RT_INIT_EXPORT__(fn, 5)
#define INIT_APP_EXPORT(fn)         RT_INIT_EXPORT__(fn, 6)

/* Shell commands (finsh/msh): MSH_CMD_EXPORT registers `command` under its
 * own name.  The command may be `int cmd(int argc, char **argv)` or
 * `void cmd(void)`; both are called as the former. */
typedef long (*syscall_func)(void);
struct finsh_syscall
{
    const char   *name;
    const char   *desc;
    syscall_func  func;
    struct finsh_syscall *next;
};
void rt_msh_register(struct finsh_syscall *call);
struct finsh_syscall *rt_msh_find(const char *name);
struct finsh_syscall *rt_msh_first(void);
/* Run one command line (split on blanks) through the registered commands.
 * Returns the command's result, or -RT_ENOSYS when unknown. */
int rt_msh_exec(const char *cmdline);
/* Register the kernel's own commands (help, version, list_thread, list_sem,
 * list_mutex, list_timer); the simulator does it at every boot. */
void rt_msh_builtin_register(void);

#define RT_MSH_EXPORT__(cmd, name_str, desc_str)                            \
    static struct finsh_syscall __fsym_##cmd =                              \
        { name_str, desc_str, (syscall_func)(void (*)(void))(cmd), RT_NULL }; \
    __attribute__((constructor)) static void __fsym_reg_##cmd(void)         \
    { rt_msh_register(&__fsym_##cmd); }

#define MSH_CMD_EXPORT(command, desc)               RT_MSH_EXPORT__(command, #command, #desc)
#define MSH_CMD_EXPORT_ALIAS(command, alias, desc)  RT_MSH_EXPORT__(command, #alias, #desc)
#define FINSH_FUNCTION_EXPORT(name, desc)           RT_MSH_EXPORT__(name, #name, #desc)
#define FINSH_FUNCTION_EXPORT_ALIAS(name, alias, desc) RT_MSH_EXPORT__(name, #alias, #desc)

/* RT-Thread's msh commands that inspect the kernel (kernel/cmd.c). */
long list_thread(void);
#ifdef RT_USING_SEMAPHORE
long list_sem(void);
#endif
#ifdef RT_USING_MUTEX
long list_mutex(void);
#endif
#ifdef RT_USING_MAILBOX
long list_mailbox(void);
#endif
#ifdef RT_USING_MESSAGEQUEUE
long list_msgqueue(void);
#endif
long list_timer(void);
#ifdef RT_USING_MEMPOOL
long list_mempool(void);
#endif
#ifdef RT_USING_MEMHEAP
long list_memheap(void);
#endif
long list_mem(void);
long list_memory(void);
int cmd_free(int argc, char **argv);
#ifdef RT_USING_SMALL_MEM
int memtrace(int argc, char **argv);
#endif

#if RTSIM_V5_API
/* 5.1.0 include/rtthread.h: a thread runs (not an ISR), and it may be
 * switched away from (not in a critical section either). */
rt_inline rt_bool_t rt_in_thread_context(void)
{
    return rt_thread_self() != RT_NULL && rt_interrupt_get_nest() == 0;
}
rt_inline rt_bool_t rt_scheduler_is_available(void)
{
    return rt_critical_level() == 0 && rt_in_thread_context();
}

/* 5.1.0 include/rtsched.h "System Scheduler Locking" (public) and
 * src/scheduler_up.c: on one CPU the scheduler lock is interrupts off. */
typedef rt_ubase_t rt_sched_lock_level_t;
rt_base_t rt_hw_interrupt_disable(void);         /* as rthw.h */
void rt_hw_interrupt_enable(rt_base_t level);
rt_inline rt_err_t rt_sched_lock(rt_sched_lock_level_t *plvl)
{
    *plvl = (rt_sched_lock_level_t)rt_hw_interrupt_disable();
    return RT_EOK;
}
rt_inline rt_err_t rt_sched_unlock(rt_sched_lock_level_t level)
{
    rt_hw_interrupt_enable((rt_base_t)level);
    return RT_EOK;
}
rt_inline rt_err_t rt_sched_unlock_n_resched(rt_sched_lock_level_t level)
{
    rt_hw_interrupt_enable((rt_base_t)level);
    if (rt_thread_self() != RT_NULL)
        rt_schedule();
    return RT_EOK;
}
#if defined(__RT_KERNEL_SOURCE__) || defined(__RT_IPC_SOURCE__)
/* 5.1.0 include/rtsched.h, for kernel sources and utest files only */
rt_inline rt_uint8_t rt_sched_thread_get_stat(struct rt_thread *thread)
{
    return thread->stat & RT_THREAD_STAT_MASK;
}
rt_inline rt_uint8_t rt_sched_thread_get_curr_prio(struct rt_thread *thread)
{
    return thread->current_priority;
}
rt_inline rt_uint8_t rt_sched_thread_get_init_prio(struct rt_thread *thread)
{
    return thread->init_priority;
}
#endif
#endif

#ifdef __cplusplus
}
#endif

#if RTSIM_V5_API
#include "rtatomic.h"       /* 5.1.0 include/rtthread.h includes it too */
#endif

#endif /* RT_THREAD_H__ */
