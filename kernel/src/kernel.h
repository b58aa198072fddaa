/*
 * kernel.h - kernel-internal declarations shared between kernel/src files.
 */
#ifndef RTSIM_KERNEL_H__
#define RTSIM_KERNEL_H__

#include <rthw.h>
#include <rtthread.h>

/* Power-on resets, one per file with globals; rt_kernel_reset calls all. */
void rt_kservice_init(void);
void rt_thread_system_reset(void);
void rt_irq_system_reset(void);
void rt_clock_system_reset(void);
void rt_idle_system_reset(void);
void rt_components_reset(void);
void rt_signal_system_reset(void);
/* rt_thread_resume without the 5.x flavour's reschedule (thread.c). */
rt_err_t rt_thread_resume_noschedule(rt_thread_t thread);

/* The tick counter without the busy-wait accounting of rt_tick_get:
 * what the kernel itself uses. */
rt_tick_t rt_tick_get_raw(void);

/* rtsim (issue 19): a slow path kept out of line, so that the short path
 * calling it keeps a small frame. */
#define RT_KERNEL_SLOW __attribute__((noinline, cold))

/* The memory pools' short paths on or off (mempool.c; with the heap's,
 * rt_system_heap_fast_paths). */
void rt_mp_fast_paths(rt_bool_t on);

/* Interrupt nesting (irq.c): rt_interrupt_get_nest() without the call. */
extern volatile rt_uint8_t rt_interrupt_nest;

/* Scheduler internals. */
extern rt_thread_t rt_current_thread;
extern rt_uint8_t rt_current_priority;

/* Suspend `thread` (the caller) on an IPC-style wait list: at the tail
 * (RT_IPC_FLAG_FIFO) or before the first lower-priority waiter
 * (RT_IPC_FLAG_PRIO).  Records what it waits on for deadlock reports. */
rt_err_t rt_ipc_list_suspend(rt_list_t *list, struct rt_thread *thread,
                             rt_uint8_t flag, struct rt_object *object);
/* Resume the first waiter of the list (error RT_EOK). */
rt_err_t rt_ipc_list_resume(rt_list_t *list);
/* Resume every waiter with -RT_ERROR. */
rt_err_t rt_ipc_list_resume_all(rt_list_t *list);
/* An empty suspend list. */
void rt_ipc_object_init(struct rt_ipc_object *ipc);
/* Suspend the caller on `ipc` for `time` ticks (> 0) or forever (< 0),
 * reschedule, and return the wait's result (thread->error).  Interrupts
 * are masked with `level` on entry and unmasked on return. */
rt_err_t rt_ipc_wait(struct rt_ipc_object *ipc, rt_int32_t time, rt_base_t level);
/* The same on another list of `object` (a mailbox's or message queue's
 * senders), queued by object->flag. */
rt_err_t rt_ipc_wait_list(rt_list_t *list, struct rt_object *object,
                          rt_int32_t time, rt_base_t level);
/* What is left of a timeout of `time` ticks begun at tick `since`: `time`
 * itself when it is RT_WAITING_FOREVER or 0, else never below 0.  A waiter
 * woken but beaten to the mail or slot waits again for the rest
 * (RT-Thread 4.1 src/ipc.c, rt_mb_recv's tick_delta). */
rt_int32_t rt_ipc_time_left(rt_int32_t time, rt_tick_t since);
/* Shared shapes of the IPC files (ipc.c): one round of a send/receive wait
 * loop, waking the first waiter, and the end of an object's life. */
rt_err_t rt_ipc_wait_round(rt_list_t *list, struct rt_object *object, rt_int32_t *timeout,
                           rt_base_t *level, rt_err_t fail, const char *func);
#define RT_IPC_WAIT_ROUND(list, object, timeout, level, fail) \
    rt_ipc_wait_round((list), (object), (timeout), (level), (fail), __func__)
rt_err_t rt_ipc_wake_one(rt_list_t *list, rt_base_t level);
void rt_ipc_object_end(struct rt_ipc_object *ipc, rt_bool_t dynamic);
/* Checked mode (rtsim): is the heap buffer of the created mailbox or
 * message queue `object` no longer a live block?  Says so on the console
 * (naming `func`) and returns RT_TRUE; RT_FALSE for init'ed objects (their
 * buffer is the caller's), unchecked runs and live buffers. */
rt_bool_t rt_ipc_buffer_freed(struct rt_object *object, void *buffer, const char *func);

/* The msh list commands' shape (cmd.c): the title line, then the rule,
 * from the object kind `title`, its `columns` and the columns' `rule`. */
void rt_msh_list_title(const char *title, const char *columns, const char *rule);
/* The title, then row(obj) for every object of `klass`, newest first.
 * Returns 0, as a list command does. */
long rt_msh_list_objects(enum rt_object_class_type klass, const char *title,
                         const char *columns, const char *rule,
                         void (*row)(struct rt_object *obj));

#endif
