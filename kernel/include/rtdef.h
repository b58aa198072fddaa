/*
 * rtdef.h - RT-Thread's basic types, error codes, list nodes and kernel
 * object structures (4.1.x names and layouts; the 5.x ones where
 * rtflavour.h says so).
 *
 * Freestanding: only <stddef.h>, <stdint.h>, <stdbool.h>, <stdarg.h> and
 * <limits.h> may be included anywhere under kernel/.
 */
#ifndef RT_DEF_H__
#define RT_DEF_H__

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <limits.h>

#include <rtconfig.h>         /* rtsim's own, or a BSP's (-Drtconfig=FILE) */
#include "rtconfig_sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version macros and every 4.1/5.x switch (-Drtthread=5). */
#include "rtflavour.h"

/* ------------------------------------------------------------------ types */
typedef int8_t      rt_int8_t;
typedef int16_t     rt_int16_t;
typedef int32_t     rt_int32_t;
typedef int64_t     rt_int64_t;
typedef uint8_t     rt_uint8_t;
typedef uint16_t    rt_uint16_t;
typedef uint32_t    rt_uint32_t;
typedef uint64_t    rt_uint64_t;
typedef int         rt_bool_t;
typedef long        rt_base_t;      /* native word, signed */
typedef unsigned long rt_ubase_t;   /* native word, unsigned; holds a pointer */
typedef rt_base_t   rt_err_t;
typedef rt_uint32_t rt_time_t;
typedef rt_uint32_t rt_tick_t;
typedef rt_base_t   rt_flag_t;
typedef rt_ubase_t  rt_size_t;
typedef rt_base_t   rt_ssize_t;
typedef rt_ubase_t  rt_dev_t;
typedef rt_base_t   rt_off_t;

#if RTSIM_V5_API
typedef rt_base_t   rt_atomic_t;    /* 5.1.0 include/rttypes.h (no stdc/hw atomics) */
#endif

#define RT_TRUE     1
#define RT_FALSE    0
#define RT_NULL     0

#define RT_UINT8_MAX    0xffu
#define RT_UINT16_MAX   0xffffu
#define RT_UINT32_MAX   0xffffffffu
#define RT_TICK_MAX     RT_UINT32_MAX

#define RT_SEM_VALUE_MAX    RT_UINT16_MAX
#define RT_MUTEX_VALUE_MAX  RT_UINT16_MAX
#define RT_MUTEX_HOLD_MAX   RT_UINT8_MAX

/* ------------------------------------------------------ compiler helpers */
#define RT_SECTION(x)   __attribute__((section(x)))
#if RTSIM_V5_API
/* 5.1.0 include/rtdef.h "Common Utilities" and include/rtcompiler.h. */
#define RT_UNUSED(x)    ((void)(x))
#define rt_section(x)   __attribute__((section(x)))
#define rt_used         __attribute__((used))
#define rt_align(n)     __attribute__((aligned(n)))
#define rt_weak         __attribute__((weak))
#define rt_noreturn     __attribute__((noreturn))
#define rt_always_inline static inline __attribute__((always_inline))
#else
#define RT_UNUSED       __attribute__((unused))     /* 4.1.1: an attribute */
#endif
#define RT_USED         __attribute__((used))
#define ALIGN(n)        __attribute__((aligned(n)))
#define RT_WEAK         __attribute__((weak))
#define rt_inline       static __inline
#define RT_NORETURN     __attribute__((noreturn))

/* --------------------------------------------------------- error codes */
#define RT_EOK          0   /* no error */
#define RT_ERROR        1   /* a generic error */
#define RT_ETIMEOUT     2   /* timed out */
#define RT_EFULL        3   /* the resource is full */
#define RT_EEMPTY       4   /* the resource is empty */
#define RT_ENOMEM       5   /* no memory */
#define RT_ENOSYS       6   /* no system */
#define RT_EBUSY        7   /* busy */
#define RT_EIO          8   /* IO error */
#define RT_EINTR        9   /* interrupted system call */
#define RT_EINVAL       10  /* invalid argument */

/* Where kernel objects' buffers come from (RT-Thread 4.1 rtdef.h). */
#ifndef RT_KERNEL_MALLOC
#define RT_KERNEL_MALLOC(sz)    rt_malloc(sz)
#endif
#ifndef RT_KERNEL_FREE
#define RT_KERNEL_FREE(ptr)     rt_free(ptr)
#endif

/* ------------------------------------------------------------ alignment */
/* Round up / down to a multiple of `align`, which must be a power of two. */
#define RT_ALIGN(size, align)       (((size) + (align) - 1) & ~((align) - 1))
#define RT_ALIGN_DOWN(size, align)  ((size) & ~((align) - 1))
/* RT-Thread 5.x's name for RT_ALIGN (newer test cases use it). */
#define RT_ALIGN_UP(size, align)    RT_ALIGN(size, align)

/* ----------------------------------------------------------------- lists */
struct rt_list_node
{
    struct rt_list_node *next;
    struct rt_list_node *prev;
};
typedef struct rt_list_node rt_list_t;

struct rt_slist_node
{
    struct rt_slist_node *next;
};
typedef struct rt_slist_node rt_slist_t;

/* ---------------------------------------------------------- kernel objects */
/* The RT_Object_Class_Static bit marks objects placed by rt_object_init
 * (the caller owns the memory) as opposed to rt_object_allocate. */
enum rt_object_class_type
{
    RT_Object_Class_Null          = 0x00,
    RT_Object_Class_Thread        = 0x01,
    RT_Object_Class_Semaphore     = 0x02,
    RT_Object_Class_Mutex         = 0x03,
    RT_Object_Class_Event         = 0x04,
    RT_Object_Class_MailBox       = 0x05,
    RT_Object_Class_MessageQueue  = 0x06,
    RT_Object_Class_MemHeap       = 0x07,
    RT_Object_Class_MemPool       = 0x08,
    RT_Object_Class_Device        = 0x09,
    RT_Object_Class_Timer         = 0x0a,
    RT_Object_Class_Module        = 0x0b,
    RT_Object_Class_Memory        = 0x0c,
#if RTSIM_V5_API
    /* 5.1.0 include/rtdef.h */
    RT_Object_Class_Channel       = 0x0d,
    RT_Object_Class_ProcessGroup  = 0x0e,
    RT_Object_Class_Session       = 0x0f,
    RT_Object_Class_Custom        = 0x10,
    RT_Object_Class_Unknown       = 0x11,
#else
    RT_Object_Class_Unknown       = 0x0e,
#endif
    RT_Object_Class_Static        = 0x80
};

struct rt_object
{
    char        name[RT_NAME_MAX];  /* not NUL-terminated at full length */
    rt_uint8_t  type;               /* class, | RT_Object_Class_Static */
    rt_uint8_t  flag;               /* class-specific flags */
    rt_list_t   list;               /* node in the class's object list */
};
typedef struct rt_object *rt_object_t;

#if RTSIM_V5_API
/* 5.1.0 include/rtdef.h: the iterator of rt_object_for_each (RT_EOK goes
 * on, a positive value stops with RT_EOK, a negative one is returned) and
 * the custom object rt_custom_object_create makes. */
typedef rt_err_t (*rt_object_iter_t)(rt_object_t object, void *data);

struct rt_custom_object
{
    struct rt_object parent;
    rt_err_t (*destroy)(void *);
    void *data;
};
#endif

struct rt_object_information
{
    enum rt_object_class_type type;
    rt_list_t                 object_list;
    rt_size_t                 object_size;
};

/* ------------------------------------------------------------------ timer */
#define RT_TIMER_FLAG_DEACTIVATED   0x0
#define RT_TIMER_FLAG_ACTIVATED     0x1
#define RT_TIMER_FLAG_ONE_SHOT      0x0
#define RT_TIMER_FLAG_PERIODIC      0x2
#define RT_TIMER_FLAG_HARD_TIMER    0x0
#define RT_TIMER_FLAG_SOFT_TIMER    0x4

#define RT_TIMER_CTRL_SET_TIME      0x0
#define RT_TIMER_CTRL_GET_TIME      0x1
#define RT_TIMER_CTRL_SET_ONESHOT   0x2
#define RT_TIMER_CTRL_SET_PERIODIC  0x3
#define RT_TIMER_CTRL_GET_STATE     0x4
#define RT_TIMER_CTRL_GET_REMAIN_TIME 0x5

#define RT_TIMER_SKIP_LIST_LEVEL    1
#define RT_TIMER_SKIP_LIST_MASK     0x3

struct rt_timer
{
    struct rt_object parent;
    rt_list_t   row[RT_TIMER_SKIP_LIST_LEVEL];  /* node in the sorted timer list */
    void      (*timeout_func)(void *parameter);
    void       *parameter;
    rt_tick_t   init_tick;      /* period / timeout in ticks */
    rt_tick_t   timeout_tick;   /* absolute tick of expiry */
};
typedef struct rt_timer *rt_timer_t;

/* ---------------------------------------------------------------- signals */
#ifdef RT_USING_SIGNALS
#include "rtsignal.h"
#endif

/* ----------------------------------------------------------------- thread */
#define RT_THREAD_INIT          0x00
#define RT_THREAD_READY         0x01
#define RT_THREAD_SUSPEND       0x02
#define RT_THREAD_RUNNING       0x03
#define RT_THREAD_BLOCK         RT_THREAD_SUSPEND
#define RT_THREAD_CLOSE         0x04
#define RT_THREAD_STAT_MASK     0x07
#if RTSIM_V5_API
/* 5.1.0 include/rtdef.h: the suspend flags of rt_thread_suspend_with_flag
 * and of the *_interruptible / *_killable waits (ipc_flag.c).  rtsim keeps
 * 4.1's state values above (5.1.0 numbers them INIT 0, CLOSE 1, READY 2,
 * RUNNING 3, suspended 4, 6 or 7 by flag); compare with the names. */
enum
{
    RT_INTERRUPTIBLE = 0,
    RT_KILLABLE,
    RT_UNINTERRUPTIBLE,
};
#endif

#define RT_THREAD_STAT_YIELD        0x08
#define RT_THREAD_STAT_YIELD_MASK   RT_THREAD_STAT_YIELD

#define RT_THREAD_STAT_SIGNAL           0x10    /* holds signals to handle */
#define RT_THREAD_STAT_SIGNAL_READY     (RT_THREAD_STAT_SIGNAL | RT_THREAD_READY)
#define RT_THREAD_STAT_SIGNAL_WAIT      0x20    /* waits in rt_signal_wait */
#define RT_THREAD_STAT_SIGNAL_PENDING   0x40    /* handle them when it next runs */
#define RT_THREAD_STAT_SIGNAL_MASK      0xf0

#define RT_THREAD_CTRL_STARTUP          0x00
#define RT_THREAD_CTRL_CLOSE            0x01
#define RT_THREAD_CTRL_CHANGE_PRIORITY  0x02
#define RT_THREAD_CTRL_INFO             0x03
#define RT_THREAD_CTRL_BIND_CPU         0x04

struct rt_thread
{
#if RTSIM_V5_API
    /* 5.1.0 include/rtdef.h: the thread starts with `struct rt_object
     * parent` (code writes thread->parent.name).  rtsim keeps 4.1's names
     * for the same bytes beside it (thread->name ...): one layout. */
    union
    {
        struct rt_object parent;
        struct
        {
            char        name[RT_NAME_MAX];
            rt_uint8_t  type;
            rt_uint8_t  flags;
            rt_list_t   list;
        };
    };
#else
    /* rt_object-compatible head */
    char        name[RT_NAME_MAX];
    rt_uint8_t  type;
    rt_uint8_t  flags;
    rt_list_t   list;
#endif

    rt_list_t   tlist;          /* ready list or an object's suspend list */

    void       *sp;             /* port context (the simulator's host thread) */
    void       *entry;
    void       *parameter;
    void       *stack_addr;
    rt_uint32_t stack_size;

    rt_err_t    error;          /* wait result and errno */
    rt_uint8_t  stat;

    rt_uint8_t  current_priority;
    rt_uint8_t  init_priority;
    rt_uint32_t number_mask;

    rt_uint32_t event_set;      /* events waited for, then received */
    rt_uint8_t  event_info;     /* RT_EVENT_FLAG_AND/OR/CLEAR of the wait */

#ifdef RT_USING_SIGNALS
    rt_sigset_t sig_pending;    /* signals sent and not yet handled */
    rt_sigset_t sig_mask;       /* 4.1: a set bit = the signal is UNmasked */
    void       *sig_ret;        /* RT-Thread: the stack to return to (unused here) */
    rt_sighandler_t *sig_vectors;   /* RT_SIG_MAX handlers, from the heap */
    void       *si_list;        /* queued siginfo nodes, oldest first */
#endif

    rt_ubase_t  init_tick;      /* time slice */
    rt_ubase_t  remaining_tick;

    struct rt_timer thread_timer;   /* the thread's own timeout timer */

    void (*cleanup)(struct rt_thread *tid);
    rt_ubase_t  user_data;

    /* rtsim extensions (not in RT-Thread): what the thread waits on, for
     * deadlock reports and list_thread. */
    struct rt_object *wait_object;
    rt_tick_t   wait_since;
};
typedef struct rt_thread *rt_thread_t;

#if RTSIM_V5_API
/* 5.1.0 include/rtsched.h: RT_SCHED_PRIV(t).current_priority and the
 * other scheduling fields, RT_SCHED_CTX(t).stat.  rtsim keeps 4.1's flat
 * struct rt_thread, so both name the thread itself: every field 5.x moved
 * into sched_thread_priv / sched_thread_ctx has the same name here. */
#define RT_SCHED_PRIV(thread)   (*(thread))
#define RT_SCHED_CTX(thread)    (*(thread))
#endif

/* -------------------------------------------------------------------- IPC */
#define RT_IPC_FLAG_FIFO    0x00    /* waiters wake first-in first-out */
#define RT_IPC_FLAG_PRIO    0x01    /* waiters wake by priority */

#define RT_IPC_CMD_UNKNOWN  0x00
#define RT_IPC_CMD_RESET    0x01

#define RT_WAITING_FOREVER  -1
#define RT_WAITING_NO       0

struct rt_ipc_object
{
    struct rt_object parent;
    rt_list_t suspend_thread;
};

#ifdef RT_USING_SEMAPHORE
struct rt_semaphore
{
    struct rt_ipc_object parent;
    rt_uint16_t value;
    rt_uint16_t reserved;
};
typedef struct rt_semaphore *rt_sem_t;
#endif

#ifdef RT_USING_MUTEX
struct rt_mutex
{
    struct rt_ipc_object parent;
    rt_uint16_t value;
    rt_uint8_t  original_priority;
    rt_uint8_t  hold;
    struct rt_thread *owner;
};
typedef struct rt_mutex *rt_mutex_t;
#endif

#ifdef RT_USING_EVENT
#define RT_EVENT_FLAG_AND   0x01
#define RT_EVENT_FLAG_OR    0x02
#define RT_EVENT_FLAG_CLEAR 0x04

struct rt_event
{
    struct rt_ipc_object parent;
    rt_uint32_t set;
};
typedef struct rt_event *rt_event_t;
#endif

#ifdef RT_USING_MAILBOX
/* A mailbox holds `size` mails of one word each (rt_ubase_t: a number or a
 * pointer) in a ring: in_offset is where the next mail goes, out_offset
 * where the next is taken, entry how many are in it.  Receivers wait on
 * parent.suspend_thread, senders of rt_mb_send_wait on
 * suspend_sender_thread.  (RT-Thread 4.1.x, include/rtdef.h.) */
#define RT_MB_ENTRY_MAX     RT_UINT16_MAX
struct rt_mailbox
{
    struct rt_ipc_object parent;
    rt_ubase_t *msg_pool;           /* the ring: size words */
    rt_uint16_t size;               /* capacity in mails */
    rt_uint16_t entry;              /* mails in the ring */
    rt_uint16_t in_offset;          /* next slot to write */
    rt_uint16_t out_offset;         /* next slot to read */
    rt_list_t   suspend_sender_thread;  /* senders waiting for room */
};
typedef struct rt_mailbox *rt_mailbox_t;
#endif

#ifdef RT_USING_MESSAGEQUEUE
/* A message queue copies each message into a slot of its pool: the slot is
 * a struct rt_mq_message header (the link) followed by msg_size bytes
 * (the requested size rounded up to RT_ALIGN_SIZE).  Used slots form the
 * FIFO msg_queue_head..msg_queue_tail, unused ones the msg_queue_free
 * list.  (RT-Thread 4.1.x, include/rtdef.h and src/ipc.c.) */
#define RT_MQ_ENTRY_MAX     RT_UINT16_MAX
struct rt_mq_message
{
    struct rt_mq_message *next;
#if RTSIM_V5_MQ_RECV_LENGTH
    rt_ssize_t length;              /* 5.x: bytes sent into this slot */
#endif
};
#if RTSIM_V5_API
/* 5.1.0 include/rtthread.h: the pool bytes of rt_mq_init for max_msgs. */
#define RT_MQ_BUF_SIZE(msg_size, max_msgs) \
    ((RT_ALIGN((msg_size), RT_ALIGN_SIZE) + sizeof(struct rt_mq_message)) * (max_msgs))
#endif
struct rt_messagequeue
{
    struct rt_ipc_object parent;
    void       *msg_pool;           /* max_msgs slots */
    rt_uint16_t msg_size;           /* bytes of message per slot (aligned) */
    rt_uint16_t max_msgs;           /* number of slots */
    rt_uint16_t entry;              /* messages queued */
    void       *msg_queue_head;     /* oldest message */
    void       *msg_queue_tail;     /* newest message */
    void       *msg_queue_free;     /* unused slots */
    rt_list_t   suspend_sender_thread;  /* senders waiting for a slot */
};
typedef struct rt_messagequeue *rt_mq_t;
#endif

/* ------------------------------------------------------------ memory pool */
#ifdef RT_USING_MEMPOOL
struct rt_mempool
{
    struct rt_object parent;

    void       *start_address;      /* first byte of the pool's memory */
    rt_size_t   size;               /* bytes of pool memory */
    rt_size_t   block_size;         /* user bytes per block (aligned) */
    rt_uint8_t *block_list;         /* head of the free-block list */
    rt_size_t   block_total_count;
    rt_size_t   block_free_count;

    rt_list_t   suspend_thread;     /* threads waiting for a block */
    rt_size_t   suspend_thread_count;   /* always equals the list's length */
};
typedef struct rt_mempool *rt_mp_t;
#endif

/* ------------------------------------------------------------ heap object */
/* Base of every heap algorithm object (RT_Object_Class_Memory). */
struct rt_memory
{
    struct rt_object parent;
    const char *algorithm;          /* "small", "small-classic", "slab", "tlsf" */
    rt_ubase_t  address;            /* start of the managed range */
    rt_size_t   total;              /* bytes the algorithm can hand out */
    rt_size_t   used;               /* bytes in use, headers included */
    rt_size_t   max;                /* peak of used */
};
typedef struct rt_memory *rt_mem_t;
#ifdef RT_USING_SMALL_MEM
typedef rt_mem_t rt_smem_t;
#endif
#ifdef RT_USING_SLAB
typedef rt_mem_t rt_slab_t;
#endif
typedef rt_mem_t rt_tlsf_t;

/* ---------------------------------------------------------------- memheap */
#ifdef RT_USING_MEMHEAP
struct rt_memheap_item
{
    rt_uint32_t magic;                  /* 0x1EA01EA0 | used bit */
    struct rt_memheap *pool_ptr;        /* owning heap */
    struct rt_memheap_item *next;       /* physical successor */
    struct rt_memheap_item *prev;       /* physical predecessor */
    struct rt_memheap_item *next_free;  /* free-list links */
    struct rt_memheap_item *prev_free;
};

struct rt_memheap
{
    struct rt_object parent;
    void       *start_addr;
    rt_size_t   pool_size;
    rt_size_t   available_size;
    rt_size_t   max_used_size;
    struct rt_memheap_item *block_list;
    struct rt_memheap_item *free_list;
    struct rt_memheap_item  free_header;
    struct rt_semaphore     lock;
    rt_bool_t   locked;
};
#endif

#ifdef __cplusplus
}
#endif

#endif /* RT_DEF_H__ */
