/*
 * flavour_tc.c - every 4.1/5.x difference rtsim models, built in both
 * flavours (-Drtthread=4.1 and -Drtthread=5); each unit asserts the
 * behaviour of the flavour it was built for (docs/rt-thread-5.md has the
 * table and the RT-Thread sources).  Our own code.
 */
#define __RT_IPC_SOURCE__     /* 5.1.0 rtsched.h's getters, as RT-Thread's test files */
#include <rtsim.h>
#include <rttypes.h>    /* 5.1.0 has it; rtsim gives it in both flavours */
#include <utest.h>

/* ------------------------------------------------------------ version */
static void test_version_macros(void)
{
#if RTSIM_RT_V5
    uassert_int_equal(RT_VERSION_MAJOR, 5);
    uassert_int_equal(RT_VERSION_MINOR, 1);
    uassert_int_equal(RT_VERSION_PATCH, 0);
    uassert_int_equal(RTTHREAD_VERSION, 50100);
    uassert_int_equal(RT_VER_NUM, 0x50100);
    uassert_true(RTTHREAD_VERSION >= RT_VERSION_CHECK(5, 0, 1));
    uassert_str_equal(RTSIM_RT_VERSION_STRING, "5.1.0");
#else
    uassert_int_equal(RT_VERSION, 4);
    uassert_int_equal(RT_SUBVERSION, 1);
    uassert_int_equal(RT_REVISION, 1);
    uassert_int_equal(RTTHREAD_VERSION, 40101);
    uassert_int_equal(RT_VER_NUM, 0x40101);
    uassert_true(RTTHREAD_VERSION < RT_VERSION_CHECK(5, 0, 0));
    /* rtsim's 5.x names for the same numbers */
    uassert_int_equal(RT_VERSION_MAJOR * 10000 + RT_VERSION_MINOR * 100 + RT_VERSION_PATCH, 40101);
    uassert_str_equal(RTSIM_RT_VERSION_STRING, "4.1.1");
#endif
}

/* ---------------------------------------------- RT_UNUSED, object classes */
#if !RTSIM_RT_V5
static int RT_UNUSED unused_41;     /* 4.1: an attribute */
#endif

static void test_unused_and_classes(void)
{
#if RTSIM_RT_V5
    int x = 3;
    RT_UNUSED(x);                   /* 5.x: a statement */
    uassert_int_equal(RT_Object_Class_Custom, 0x10);
    uassert_int_equal(RT_Object_Class_Unknown, 0x11);
    uassert_not_null(rt_object_get_information(RT_Object_Class_Custom));
    uassert_null(rt_object_get_information(RT_Object_Class_Unknown));
#else
    uassert_int_equal(RT_Object_Class_Unknown, 0x0e);
    uassert_not_null(rt_object_get_information(RT_Object_Class_Memory));
#endif
}

/* ---------------------------------------------------- message queue */
static struct rt_messagequeue mq;
static rt_uint8_t mq_pool[24];

static void test_mq_slot_layout(void)
{
    /* msg_size 4: a slot is the header and 4 bytes rounded to RT_ALIGN_SIZE
     * (4 in the 32-bit model, 8 in the 64-bit one). */
    const rt_size_t body = RT_ALIGN(4, RT_ALIGN_SIZE);
    uassert_int_equal(rt_mq_init(&mq, "lay", mq_pool, 4, sizeof mq_pool, RT_IPC_FLAG_FIFO), RT_EOK);
#if RTSIM_RT_V5
    uassert_int_equal(sizeof(struct rt_mq_message), 2 * sizeof(void *));   /* next, length */
    uassert_int_equal(RT_MQ_BUF_SIZE(4, 2), 2 * (body + 2 * sizeof(void *)));
    uassert_int_equal(mq.max_msgs, sizeof mq_pool / (body + 2 * sizeof(void *)));
#else
    uassert_int_equal(sizeof(struct rt_mq_message), sizeof(void *));       /* next */
    uassert_int_equal(mq.max_msgs, sizeof mq_pool / (body + sizeof(void *)));
#endif
    rt_mq_detach(&mq);
}

static void test_mq_recv_result(void)
{
    static rt_uint8_t pool[64];
    rt_uint8_t full[8], buf[8];
    rt_memset(full, 0x11, sizeof full);
    uassert_int_equal(rt_mq_init(&mq, "len", pool, 8, sizeof pool, RT_IPC_FLAG_FIFO), RT_EOK);

    /* An 8-byte message through the slot the next send reuses. */
    uassert_int_equal(rt_mq_send(&mq, full, sizeof full), RT_EOK);
    rt_memset(buf, 0, sizeof buf);
#if RTSIM_RT_V5
    uassert_int_equal(rt_mq_recv(&mq, buf, sizeof buf, 0), 8);
#else
    uassert_int_equal(rt_mq_recv(&mq, buf, sizeof buf, 0), RT_EOK);
#endif
    uassert_buf_equal(buf, full, sizeof full);

    /* A 3-byte message received into 8 bytes. */
    uassert_int_equal(rt_mq_send(&mq, "abc", 3), RT_EOK);
    rt_memset(buf, 0xAA, sizeof buf);
    rt_ssize_t r = rt_mq_recv(&mq, buf, sizeof buf, 0);
    uassert_buf_equal(buf, "abc", 3);
#if RTSIM_RT_V5
    /* 5.x: the length sent; only those bytes are copied. */
    uassert_int_equal(r, 3);
    for (int i = 3; i < 8; i++)
        uassert_int_equal(buf[i], 0xAA);
#else
    /* 4.1: RT_EOK; min(size, msg_size) bytes copied: the slot's old bytes too. */
    uassert_int_equal(r, RT_EOK);
    for (int i = 3; i < 8; i++)
        uassert_int_equal(buf[i], 0x11);
#endif

    /* A receive buffer shorter than the message: the first bytes. */
    uassert_int_equal(rt_mq_send(&mq, "wxyz", 4), RT_EOK);
    rt_memset(buf, 0, sizeof buf);
    r = rt_mq_recv(&mq, buf, 2, 0);
    uassert_buf_equal(buf, "wx\0", 3);
#if RTSIM_RT_V5
    uassert_int_equal(r, 2);
#else
    uassert_int_equal(r, RT_EOK);
#endif
    /* Empty: the same error in both. */
    uassert_int_equal(rt_mq_recv(&mq, buf, sizeof buf, 0), -RT_ETIMEOUT);
    rt_mq_detach(&mq);
}

/* ------------------------------------------------------------ mutexes */
static struct rt_mutex ma, mb;
static volatile int done;

static void wait_a(void *p)
{
    (void)p;
    if (rt_mutex_take(&ma, RT_WAITING_FOREVER) == RT_EOK)
        rt_mutex_release(&ma);
    done++;
}

static void wait_b(void *p)
{
    (void)p;
    if (rt_mutex_take(&mb, RT_WAITING_FOREVER) == RT_EOK)
        rt_mutex_release(&mb);
    done++;
}

/* main (10) holds A and B; 5 waits on A, 7 on B.  Releasing A leaves main
 * at 10 in 4.1 (A's original priority) and at 7 in 5.x (B's waiter). */
static void test_mutex_release_one_of_two(void)
{
    rt_thread_t self = rt_thread_self();
    done = 0;
    rt_mutex_init(&ma, "ma", RT_IPC_FLAG_PRIO);
    rt_mutex_init(&mb, "mb", RT_IPC_FLAG_PRIO);
    uassert_int_equal(self->current_priority, 10);
    rt_mutex_take(&ma, RT_WAITING_FOREVER);
    rt_mutex_take(&mb, RT_WAITING_FOREVER);
    rt_thread_t ta = rt_thread_create("wa", wait_a, RT_NULL, 1024, 5, 10);
    rt_thread_t tb = rt_thread_create("wb", wait_b, RT_NULL, 1024, 7, 10);
    rt_thread_startup(ta);      /* runs at once and waits on A */
    rt_thread_startup(tb);
    rt_thread_delay(1);         /* "wb" runs and waits on B */
    uassert_int_equal(self->current_priority, 5);

    rt_mutex_release(&ma);      /* "wa" gets A, runs and ends */
    uassert_int_equal(done, 1);
#if RTSIM_RT_V5
    uassert_int_equal(self->current_priority, 7);
#else
    uassert_int_equal(self->current_priority, 10);
#endif
    rt_mutex_release(&mb);
    uassert_int_equal(done, 2);
    uassert_int_equal(self->current_priority, 10);
    rt_mutex_detach(&ma);
    rt_mutex_detach(&mb);
}

static void wait_a_timeout(void *p)
{
    (void)p;
    if (rt_mutex_take(&ma, 20) == -RT_ETIMEOUT)
        done++;
}

/* A waiter that times out: 5.x gives the owner its own priority back at
 * the timeout; 4.1 only at the release. */
static void test_mutex_waiter_timeout(void)
{
    rt_thread_t self = rt_thread_self();
    done = 0;
    rt_mutex_init(&ma, "ma", RT_IPC_FLAG_PRIO);
    rt_mutex_take(&ma, RT_WAITING_FOREVER);
    rt_thread_t t = rt_thread_create("wt", wait_a_timeout, RT_NULL, 1024, 5, 10);
    rt_tick_t start = rt_tick_get();
    rt_thread_startup(t);
    uassert_int_equal(self->current_priority, 5);
    rt_thread_delay(50);
    uassert_int_equal(done, 1);
    uassert_int_equal(rt_tick_get() - start, 50);
#if RTSIM_RT_V5
    uassert_int_equal(self->current_priority, 10);
#else
    uassert_int_equal(self->current_priority, 5);
#endif
    rt_mutex_release(&ma);
    uassert_int_equal(self->current_priority, 10);
    rt_mutex_detach(&ma);
}

static void chain_low(void *p)
{
    (void)p;
    rt_mutex_take(&mb, RT_WAITING_FOREVER);     /* holds B ... */
    rt_mutex_take(&ma, RT_WAITING_FOREVER);     /* ... and waits on A (main's) */
    rt_mutex_release(&ma);
    rt_mutex_release(&mb);
    done++;
}

/* main (10) holds A; "low" (20) holds B and waits on A; "high" (3) waits on
 * B.  5.x passes 3 on to main through low; 4.1 raises low only. */
static void test_mutex_chain(void)
{
    rt_thread_t self = rt_thread_self();
    done = 0;
    rt_mutex_init(&ma, "ma", RT_IPC_FLAG_PRIO);
    rt_mutex_init(&mb, "mb", RT_IPC_FLAG_PRIO);
    rt_mutex_take(&ma, RT_WAITING_FOREVER);
    rt_thread_t low = rt_thread_create("low", chain_low, RT_NULL, 1024, 20, 10);
    rt_thread_startup(low);
    rt_thread_delay(5);                         /* low takes B, waits on A */
    uassert_int_equal(self->current_priority, 10);
    rt_thread_t high = rt_thread_create("high", wait_b, RT_NULL, 1024, 3, 10);
    rt_thread_startup(high);                    /* waits on B at once */
    uassert_int_equal(low->current_priority, 3);
#if RTSIM_RT_V5
    uassert_int_equal(self->current_priority, 3);
#else
    uassert_int_equal(self->current_priority, 10);
#endif
    rt_mutex_release(&ma);      /* low (3) gets A, gives back A and B, drops to 20; high ends */
    uassert_int_equal(done, 1);
    uassert_int_equal(self->current_priority, 10);
    uassert_int_equal(low->current_priority, 20);
    rt_thread_delay(1);                         /* low ends */
    uassert_int_equal(done, 2);
    rt_mutex_detach(&ma);
    rt_mutex_detach(&mb);
}

/* ---------------------------------------------------- memory pool */
static struct rt_mempool mp;
static rt_uint8_t mp_buf[2 * (16 + sizeof(void *))];
static char woken[4];
static volatile int nwoken;

static void mp_waiter(void *p)
{
    void *b = rt_mp_alloc(&mp, RT_WAITING_FOREVER);
    woken[nwoken++] = (char)(rt_ubase_t)p;
    rt_mp_free(b);
}

/* Waiters A, B, C queue in that order on an empty pool; one free: 4.1 wakes
 * C (newest; each then frees for the next: C, B, A), 5.1.0 wakes A. */
static void test_mp_wake_order(void)
{
    uassert_int_equal(rt_mp_init(&mp, "mp", mp_buf, sizeof mp_buf, 16), RT_EOK);
    void *b1 = rt_mp_alloc(&mp, 0), *b2 = rt_mp_alloc(&mp, 0);
    uassert_not_null(b1);
    uassert_not_null(b2);
    nwoken = 0;
    for (char c = 'A'; c <= 'C'; c++)
    {
        char name[2] = { c, 0 };
        rt_thread_t t = rt_thread_create(name, mp_waiter, (void *)(rt_ubase_t)c, 1024, 5, 10);
        rt_thread_startup(t);   /* runs and waits */
    }
    rt_mp_free(b1);             /* each woken waiter frees for the next */
    rt_thread_delay(1);
    uassert_int_equal(nwoken, 3);
#if RTSIM_RT_V5
    uassert_buf_equal(woken, "ABC", 3);
#else
    uassert_buf_equal(woken, "CBA", 3);
#endif
    rt_mp_free(b2);
    uassert_int_equal(mp.block_free_count, 2);
    uassert_int_equal(rt_mp_check(&mp), 0);
    rt_mp_detach(&mp);
}

/* ------------------------------------------------------- heap hooks
 * 4.1.1 src/kservice.c: rt_malloc_sethook(void (*)(void *, rt_size_t)),
 * rt_free_sethook(void (*)(void *)), no realloc hooks.  5.1.0
 * src/kservice.c: every hook gets the pointer's address (void **), and
 * rt_realloc has an entry and an exit hook.  In both, rt_malloc's hook
 * runs after the unlock (also on failure, with the caller's size) and
 * rt_free's before the NULL check. */
static char hlog[256];
static void *hook_seen[8];
static rt_size_t hook_size[8];
static int nhook;
static void *hook_redirect;       /* 5.x: what a hook writes through its argument */
static rt_bool_t hook_lock_free;  /* the heap lock was free in every hook */

static void hook_note(char tag, void *ptr, rt_size_t size)
{
    rt_mutex_t heap_lock = (rt_mutex_t)rt_object_find("heap", RT_Object_Class_Mutex);
    rt_size_t n = rt_strlen(hlog);

    if (heap_lock != RT_NULL && heap_lock->owner != RT_NULL)
        hook_lock_free = RT_FALSE;
    if (nhook < 8)
    {
        hook_seen[nhook] = ptr;
        hook_size[nhook] = size;
    }
    nhook++;
    if (n + 2 < sizeof hlog)
    {
        hlog[n] = tag;
        hlog[n + 1] = '\0';
    }
}

static void hooks_clear(void)
{
    hlog[0] = '\0';
    nhook = 0;
    hook_redirect = RT_NULL;
    hook_lock_free = RT_TRUE;
}

#if RTSIM_V5_HEAP_HOOKS
static void on_malloc(void **ptr, rt_size_t size)
{
    hook_note('m', *ptr, size);
    if (hook_redirect != RT_NULL)
        *ptr = hook_redirect;           /* rt_malloc returns this */
}

static void on_free(void **ptr)
{
    hook_note('f', *ptr, 0);
    if (hook_redirect != RT_NULL)
        *ptr = hook_redirect;           /* rt_free frees this instead */
}

static void on_realloc_entry(void **ptr, rt_size_t size)
{
    hook_note('e', *ptr, size);
    if (hook_redirect != RT_NULL)
        *ptr = hook_redirect;           /* this block is reallocated */
}

static void on_realloc_exit(void **ptr, rt_size_t size)
{
    hook_note('x', *ptr, size);
}
#else
static void on_malloc(void *ptr, rt_size_t size)
{
    hook_note('m', ptr, size);
}

static void on_free(void *ptr)
{
    hook_note('f', ptr, 0);
}
#endif

static void hooks_off(void)
{
    rt_malloc_sethook(RT_NULL);
    rt_free_sethook(RT_NULL);
#if RTSIM_V5_HEAP_HOOKS
    rt_realloc_set_entry_hook(RT_NULL);
    rt_realloc_set_exit_hook(RT_NULL);
#endif
}

/* rt_malloc's hook: after the unlock, on success and failure, with the
 * caller's size; in 5.x what it leaves in *ptr is what rt_malloc returns. */
static void test_heap_hook_malloc(void)
{
    rt_size_t used0, used;
    void *p, *q;

    rt_memory_info(RT_NULL, &used0, RT_NULL);
    hooks_clear();
    rt_malloc_sethook(on_malloc);
    p = rt_malloc(10);
    uassert_not_null(p);
    uassert_int_equal(rt_system_heap_check(), 0);
    q = rt_malloc((rt_size_t)1 << 30);          /* fails */
    uassert_null(q);
    uassert_str_equal(hlog, "mm");
    uassert_true(hook_seen[0] == p);
    uassert_int_equal(hook_size[0], 10);        /* the caller's size, not rounded */
    uassert_null(hook_seen[1]);
    uassert_int_equal(hook_size[1], (rt_size_t)1 << 30);
    uassert_true(hook_lock_free);
    rt_free(p);
#if RTSIM_V5_HEAP_HOOKS
    /* The hook replaces the result: rt_malloc returns the hook's pointer,
     * the block it allocated is the hook's to keep (here: to free). */
    hooks_clear();
    hook_redirect = mp_buf;
    q = rt_malloc(24);
    uassert_true(q == mp_buf);
    uassert_not_null(hook_seen[0]);
    uassert_true(hook_seen[0] != mp_buf);
    uassert_int_equal(rt_system_heap_check(), 0);
    hook_redirect = RT_NULL;
    rt_free(hook_seen[0]);
#endif
    hooks_off();
    rt_memory_info(RT_NULL, &used, RT_NULL);
    uassert_int_equal(used, used0);
    uassert_int_equal(rt_system_heap_check(), 0);
}

/* rt_free's hook: before the NULL check, so rt_free(RT_NULL) runs it; in
 * 5.x the pointer it leaves is the one freed (RT_NULL: nothing is). */
static void test_heap_hook_free(void)
{
    rt_size_t used0, used1, used;
    void *p;

    rt_memory_info(RT_NULL, &used0, RT_NULL);
    p = rt_malloc(40);
    uassert_not_null(p);
    rt_memory_info(RT_NULL, &used1, RT_NULL);
    hooks_clear();
    rt_free_sethook(on_free);
    rt_free(RT_NULL);
    uassert_str_equal(hlog, "f");
    uassert_null(hook_seen[0]);
#if RTSIM_V5_HEAP_HOOKS
    /* rt_free(RT_NULL) with a hook that names p: p is freed. */
    hooks_clear();
    hook_redirect = p;
    rt_free(RT_NULL);
    uassert_str_equal(hlog, "f");
    rt_memory_info(RT_NULL, &used, RT_NULL);
    uassert_int_equal(used, used0);
    uassert_int_equal(rt_system_heap_check(), 0);
    p = rt_malloc(40);
    uassert_not_null(p);
#endif
    hooks_clear();
    rt_free(p);
    uassert_str_equal(hlog, "f");
    uassert_true(hook_seen[0] == p);
    uassert_true(hook_lock_free);
    hooks_off();
    rt_memory_info(RT_NULL, &used, RT_NULL);
    uassert_int_equal(used, used0);
    uassert_true(used1 > used0);
    uassert_int_equal(rt_system_heap_check(), 0);
}

/* rt_realloc: 4.1 runs no hook (neither malloc's nor free's); 5.x runs
 * the entry hook (old pointer, new size) before the lock and the exit hook
 * (result, new size) after the unlock, on every path, and reallocates
 * what the entry hook leaves in *ptr. */
static void test_heap_hook_realloc(void)
{
    rt_size_t used0, used;
    void *p, *q, *r, *big;

    rt_memory_info(RT_NULL, &used0, RT_NULL);
    p = rt_malloc(16);
    uassert_not_null(p);
    hooks_clear();
    rt_malloc_sethook(on_malloc);
    rt_free_sethook(on_free);
#if RTSIM_V5_HEAP_HOOKS
    rt_realloc_set_entry_hook(on_realloc_entry);
    rt_realloc_set_exit_hook(on_realloc_exit);
#endif
    q = rt_realloc(p, 600);                     /* moves */
    uassert_not_null(q);
    uassert_int_equal(rt_system_heap_check(), 0);
    r = rt_realloc(RT_NULL, 8);                 /* allocates */
    uassert_not_null(r);
    big = rt_realloc(q, (rt_size_t)1 << 30);    /* fails, q stays */
    uassert_null(big);
    uassert_null(rt_realloc(r, 0));             /* frees */
    uassert_int_equal(rt_system_heap_check(), 0);
#if RTSIM_V5_HEAP_HOOKS
    uassert_str_equal(hlog, "exexexex");
    uassert_int_equal(nhook, 8);
    uassert_true(hook_seen[0] == p);
    uassert_int_equal(hook_size[0], 600);
    uassert_true(hook_seen[1] == q);
    uassert_int_equal(hook_size[1], 600);
    uassert_null(hook_seen[2]);
    uassert_int_equal(hook_size[2], 8);
    uassert_true(hook_seen[3] == r);
    uassert_true(hook_seen[4] == q);
    uassert_null(hook_seen[5]);                 /* the failure too */
    uassert_int_equal(hook_size[5], (rt_size_t)1 << 30);
    uassert_true(hook_seen[6] == r);
    uassert_int_equal(hook_size[6], 0);
    uassert_null(hook_seen[7]);
    uassert_true(hook_lock_free);
    /* rt_realloc(RT_NULL, 0) with an entry hook naming q: q is freed. */
    hooks_clear();
    hook_redirect = q;
    uassert_null(rt_realloc(RT_NULL, 0));
    uassert_str_equal(hlog, "ex");
    hook_redirect = RT_NULL;
#else
    uassert_str_equal(hlog, "");                /* nothing at all */
    rt_free_sethook(RT_NULL);
    rt_free(q);
#endif
    hooks_off();
    rt_memory_info(RT_NULL, &used, RT_NULL);
    uassert_int_equal(used, used0);
    uassert_int_equal(rt_system_heap_check(), 0);
}

/* ------------------------------------------- a waiter rt_thread_resume wakes
 * 5.x src/ipc.c sets thread->error = -RT_EINTR before suspending, so a
 * semaphore or mutex waiter woken by rt_thread_resume (nobody released)
 * gets -RT_EINTR, and a mutex owner stops being lent the waiter's priority;
 * 4.1.1 resets the error to RT_EOK, so the wait returns RT_EOK. */
static struct rt_semaphore intr_sem;
#if RTSIM_V5_WAIT_EINTR
static struct rt_mutex intr_mtx;
#endif
static rt_err_t intr_result;
static volatile int intr_done;

static void intr_sem_waiter(void *p)
{
    (void)p;
    intr_result = rt_sem_take(&intr_sem, RT_WAITING_FOREVER);
    intr_done = 1;
}

#if RTSIM_V5_WAIT_EINTR
static void intr_mtx_waiter(void *p)
{
    (void)p;
    intr_result = rt_mutex_take(&intr_mtx, RT_WAITING_FOREVER);
    intr_done = 1;
}
#endif

static void test_wait_resumed(void)
{
    rt_thread_t t;
    rt_uint8_t mine = rt_thread_self()->current_priority;

    uassert_int_equal(rt_sem_init(&intr_sem, "intr", 0, RT_IPC_FLAG_PRIO), RT_EOK);
    intr_done = 0;
    intr_result = 1;
    t = rt_thread_create("ws", intr_sem_waiter, RT_NULL, 1024, mine - 1, 10);
    rt_thread_startup(t);                   /* runs and waits */
    uassert_int_equal(intr_done, 0);
    uassert_int_equal(rt_thread_resume(t), RT_EOK);
    rt_thread_delay(1);
    uassert_int_equal(intr_done, 1);
#if RTSIM_V5_WAIT_EINTR
    uassert_int_equal(intr_result, -RT_EINTR);
#else
    uassert_int_equal(intr_result, RT_EOK);
#endif
    uassert_int_equal(intr_sem.value, 0);   /* nothing was taken */
    rt_sem_detach(&intr_sem);

#if RTSIM_V5_WAIT_EINTR
    /* A mutex waiter lending its priority: resumed, it gets -RT_EINTR and
     * the owner (this thread) drops back to its own priority. */
    uassert_int_equal(rt_mutex_init(&intr_mtx, "intr", RT_IPC_FLAG_PRIO), RT_EOK);
    uassert_int_equal(rt_mutex_take(&intr_mtx, RT_WAITING_FOREVER), RT_EOK);
    intr_done = 0;
    t = rt_thread_create("wm", intr_mtx_waiter, RT_NULL, 1024, mine - 2, 10);
    rt_thread_startup(t);
    uassert_int_equal(rt_thread_self()->current_priority, mine - 2);
    rt_thread_resume(t);
    rt_thread_delay(1);
    uassert_int_equal(intr_done, 1);
    uassert_int_equal(intr_result, -RT_EINTR);
    uassert_int_equal(rt_thread_self()->current_priority, mine);
    uassert_true(intr_mtx.owner == rt_thread_self());
    uassert_int_equal(rt_mutex_release(&intr_mtx), RT_EOK);
    rt_mutex_detach(&intr_mtx);
#endif
}

/* struct rt_thread: 5.1.0 include/rtdef.h starts it with struct rt_object
 * parent (thread->parent.name); rtsim's 5.x flavour overlays that on 4.1's
 * head, so both spellings name the same bytes.  In both flavours a thread
 * may be created without an entry (RT-Thread's src/thread.c checks none)
 * and deleted unstarted; rtsim reports only starting it. */
static void test_thread_head(void)
{
    rt_thread_t self = rt_thread_self();
    rt_thread_t t;

#if RTSIM_V5_API
    uassert_true((void *)&self->parent == (void *)self);
    uassert_true(self->parent.name == self->name);
    uassert_int_equal(self->parent.type & ~RT_Object_Class_Static, RT_Object_Class_Thread);
    uassert_true(&self->parent.list == &self->list);
#else
    uassert_true((void *)self->name == (void *)self);
#endif
    uassert_int_equal(rt_object_get_type((rt_object_t)self), RT_Object_Class_Thread);

    t = rt_thread_create("noentry", RT_NULL, RT_NULL, 512, 10, 10);
    uassert_not_null(t);
    uassert_true(rt_thread_find("noentry") == t);
    uassert_int_equal(rt_thread_delete(t), RT_EOK);
    rt_thread_delay(1);                     /* the idle thread reclaims it */
    uassert_null(rt_thread_find("noentry"));
}

#if RTSIM_V5_API
/* 5.x's interruptible and killable forms (kernel/src/ipc_flag.c F1, F2):
 * each waits, times out, is handed over to and is interrupted exactly as
 * its plain call, for a signal too, whatever the flag (no RT-Smart). */
enum { F_SEM_I, F_SEM_K, F_MTX_I, F_MTX_K, F_EVT_I, F_EVT_K, F_MBS_I, F_MBS_K,
       F_MBR_I, F_MBR_K, F_MQS_I, F_MQS_K, F_MQR_I, F_MQR_K, F_SEM_PLAIN, F_FORMS };
static struct rt_semaphore fl_sem;
static struct rt_mutex fl_mtx;
static struct rt_event fl_evt;
static struct rt_mailbox fl_mb;
static rt_ubase_t fl_mb_pool[1];
static struct rt_messagequeue fl_mq;
static rt_uint8_t fl_mq_pool[RT_MQ_BUF_SIZE(4, 1)];
static int fl_form, fl_signal, fl_handled;
static rt_int32_t fl_timeout;
static rt_ssize_t fl_result;
static rt_tick_t fl_woke;
static volatile int fl_done;

static void fl_handler(int signo)
{
    fl_handled = signo;
}

static void fl_waiter(void *p)
{
    rt_uint32_t got;
    rt_ubase_t mail;
    char buf[4];

    (void)p;
    if (fl_signal)
    {
        rt_signal_install(SIGUSR1, fl_handler);
        rt_signal_unmask(SIGUSR1);
    }
    switch (fl_form)
    {
    case F_SEM_I: fl_result = rt_sem_take_interruptible(&fl_sem, fl_timeout); break;
    case F_SEM_K: fl_result = rt_sem_take_killable(&fl_sem, fl_timeout); break;
    case F_SEM_PLAIN: fl_result = rt_sem_take(&fl_sem, fl_timeout); break;
    case F_MTX_I: fl_result = rt_mutex_take_interruptible(&fl_mtx, fl_timeout); break;
    case F_MTX_K: fl_result = rt_mutex_take_killable(&fl_mtx, fl_timeout); break;
    case F_EVT_I:
        fl_result = rt_event_recv_interruptible(&fl_evt, 0x1, RT_EVENT_FLAG_OR | RT_EVENT_FLAG_CLEAR,
                                                fl_timeout, &got);
        break;
    case F_EVT_K:
        fl_result = rt_event_recv_killable(&fl_evt, 0x1, RT_EVENT_FLAG_OR | RT_EVENT_FLAG_CLEAR,
                                           fl_timeout, &got);
        break;
    case F_MBS_I: fl_result = rt_mb_send_wait_interruptible(&fl_mb, 7, fl_timeout); break;
    case F_MBS_K: fl_result = rt_mb_send_wait_killable(&fl_mb, 7, fl_timeout); break;
    case F_MBR_I: fl_result = rt_mb_recv_interruptible(&fl_mb, &mail, fl_timeout); break;
    case F_MBR_K: fl_result = rt_mb_recv_killable(&fl_mb, &mail, fl_timeout); break;
    case F_MQS_I: fl_result = rt_mq_send_wait_interruptible(&fl_mq, "abc", 3, fl_timeout); break;
    case F_MQS_K: fl_result = rt_mq_send_wait_killable(&fl_mq, "abc", 3, fl_timeout); break;
    case F_MQR_I: fl_result = rt_mq_recv_interruptible(&fl_mq, buf, sizeof buf, fl_timeout); break;
    case F_MQR_K: fl_result = rt_mq_recv_killable(&fl_mq, buf, sizeof buf, fl_timeout); break;
    }
    fl_woke = rt_tick_get();
    fl_done = 1;
}

/* Objects made so that every form must wait: the semaphore at 0, the
 * mutex held by this thread, no event, the one-mail mailbox and the
 * one-slot queue full for the senders, empty for the receivers. */
static void fl_objects(int form)
{
    rt_sem_init(&fl_sem, "fl", 0, RT_IPC_FLAG_PRIO);
    rt_mutex_init(&fl_mtx, "fl", RT_IPC_FLAG_PRIO);
    rt_mutex_take(&fl_mtx, RT_WAITING_FOREVER);
    rt_event_init(&fl_evt, "fl", RT_IPC_FLAG_PRIO);
    rt_mb_init(&fl_mb, "fl", fl_mb_pool, 1, RT_IPC_FLAG_PRIO);
    rt_mq_init(&fl_mq, "fl", fl_mq_pool, 4, sizeof fl_mq_pool, RT_IPC_FLAG_PRIO);
    if (form == F_MBS_I || form == F_MBS_K)
        uassert_int_equal(rt_mb_send(&fl_mb, 1), RT_EOK);
    if (form == F_MQS_I || form == F_MQS_K)
        uassert_int_equal(rt_mq_send(&fl_mq, "xy", 2), RT_EOK);
}

static void fl_objects_gone(void)
{
    rt_mutex_release(&fl_mtx);
    rt_sem_detach(&fl_sem);
    rt_mutex_detach(&fl_mtx);
    rt_event_detach(&fl_evt);
    rt_mb_detach(&fl_mb);
    rt_mq_detach(&fl_mq);
}

/* Start the waiter (higher priority: it runs and blocks at once). */
static void fl_start(int form, rt_int32_t timeout, int with_signal)
{
    rt_thread_t t;

    fl_form = form;
    fl_timeout = timeout;
    fl_signal = with_signal;
    fl_handled = 0;
    fl_done = 0;
    fl_result = 99;
    t = rt_thread_create("fl", fl_waiter, RT_NULL, 1024, rt_thread_self()->current_priority - 1, 10);
    uassert_not_null(t);
    rt_thread_startup(t);
    uassert_int_equal(fl_done, 0);
    if (with_signal)
        uassert_int_equal(rt_thread_kill(t, SIGUSR1), RT_EOK);
}

/* What makes a waiter of this form go on: give what it waits for. */
static void fl_give(int form)
{
    rt_ubase_t mail;
    char buf[4];

    switch (form)
    {
    case F_SEM_I: case F_SEM_K: case F_SEM_PLAIN: rt_sem_release(&fl_sem); break;
    case F_MTX_I: case F_MTX_K: rt_mutex_release(&fl_mtx); break;
    case F_EVT_I: case F_EVT_K: rt_event_send(&fl_evt, 0x1); break;
    case F_MBS_I: case F_MBS_K: rt_mb_recv(&fl_mb, &mail, 0); break;
    case F_MBR_I: case F_MBR_K: rt_mb_send(&fl_mb, 9); break;
    case F_MQS_I: case F_MQS_K: rt_mq_recv(&fl_mq, buf, sizeof buf, 0); break;
    case F_MQR_I: case F_MQR_K: rt_mq_send(&fl_mq, "hey", 3); break;
    }
}

static void test_wait_flags(void)
{
    for (int form = 0; form < F_FORMS; form++)
    {
        rt_tick_t start;

        /* Times out at its tick. */
        fl_objects(form);
        start = rt_tick_get();
        fl_start(form, 3, 0);
        rt_thread_delay(5);
        uassert_int_equal(fl_done, 1);
        uassert_int_equal(fl_result, -RT_ETIMEOUT);
        uassert_int_equal(fl_woke - start, 3);
        fl_objects_gone();

        /* Handed what it waits for. */
        fl_objects(form);
        fl_start(form, RT_WAITING_FOREVER, 0);
        fl_give(form);
        uassert_int_equal(fl_done, 1);
        uassert_int_equal(fl_result, (form == F_MQR_I || form == F_MQR_K) ? 3 : RT_EOK);
        if (form == F_MTX_I || form == F_MTX_K)
            rt_mutex_release(&fl_mtx);      /* the waiter ended holding it */
        fl_objects_gone();

        /* A signal: the handler runs in the waiter and the wait ends with
         * -RT_EINTR, for every flag and for the plain call alike (F2). */
        fl_objects(form);
        fl_start(form, RT_WAITING_FOREVER, 1);
        rt_thread_delay(1);
        uassert_int_equal(fl_done, 1);
        uassert_int_equal(fl_handled, SIGUSR1);
        uassert_int_equal(fl_result, -RT_EINTR);
        fl_objects_gone();
    }

    /* The non-blocking forms: the plain call's results. */
    fl_objects(F_MBS_I);
    uassert_int_equal(rt_mb_send_interruptible(&fl_mb, 2), -RT_EFULL);
    uassert_int_equal(rt_mb_send_killable(&fl_mb, 2), -RT_EFULL);
    uassert_int_equal(rt_mq_send_interruptible(&fl_mq, "a", 1), RT_EOK);
    uassert_int_equal(rt_mq_send_killable(&fl_mq, "a", 1), -RT_EFULL);
    fl_objects_gone();
}

/* rt_thread_suspend_with_flag: each of the three flags suspends. */
static volatile int sf_step;

static void sf_thread(void *p)
{
    sf_step = 1;
    uassert_int_equal(rt_thread_suspend_with_flag(rt_thread_self(), (int)(rt_ubase_t)p), RT_EOK);
    rt_schedule();
    sf_step = 2;
}

static void test_suspend_with_flag(void)
{
    static const int flags[] = { RT_INTERRUPTIBLE, RT_KILLABLE, RT_UNINTERRUPTIBLE };

    uassert_int_equal(RT_INTERRUPTIBLE, 0);
    uassert_int_equal(RT_KILLABLE, 1);
    uassert_int_equal(RT_UNINTERRUPTIBLE, 2);
    for (int i = 0; i < 3; i++)
    {
        rt_thread_t t = rt_thread_create("sf", sf_thread, (void *)(rt_ubase_t)flags[i], 1024,
                                         rt_thread_self()->current_priority - 1, 10);
        sf_step = 0;
        rt_thread_startup(t);
        uassert_int_equal(sf_step, 1);
        uassert_int_equal(t->stat & RT_THREAD_STAT_MASK, RT_THREAD_SUSPEND);
        uassert_int_equal(rt_thread_resume(t), RT_EOK);
        uassert_int_equal(sf_step, 2);
    }
}
#endif

/* rt_thread_resume of a higher-priority thread: 5.1.0 reschedules before
 * it returns, 4.1.1 only readies it (it runs at the next reschedule);
 * inside a critical section both wait for rt_exit_critical. */
static volatile int rs_step;

static rt_tick_t rs_woke;
static rt_thread_t rs_thread_ref;

static void rs_thread(void *p)
{
    (void)p;
    rt_thread_suspend(rt_thread_self());
    rt_schedule();
    rs_step = 1;
    rs_woke = rt_tick_get();
}

static void rs_isr(void *p)
{
    (void)p;
    uassert_int_equal(rt_thread_resume(rs_thread_ref), RT_EOK);
}

static void test_resume_reschedules(void)
{
    rt_thread_t t;

    for (int locked = 0; locked < 2; locked++)
    {
        rs_step = 0;
        t = rt_thread_create("rs", rs_thread, RT_NULL, 1024,
                             rt_thread_self()->current_priority - 1, 10);
        rt_thread_startup(t);               /* runs and suspends itself */
        uassert_int_equal(rs_step, 0);
        if (locked)
            rt_enter_critical();
        uassert_int_equal(rt_thread_resume(t), RT_EOK);
#if RTSIM_V5_RESUME_RESCHED
        uassert_int_equal(rs_step, locked ? 0 : 1);
#else
        uassert_int_equal(rs_step, 0);
#endif
        if (locked)
            rt_exit_critical();
        else
            rt_schedule();
        uassert_int_equal(rs_step, 1);
    }

    /* From an interrupt at tick now + 3, while this thread sleeps 10 ticks
     * and the CPU idles: 5.x switches to the resumed thread when the
     * handler returns; in 4.1 it is only ready, and runs at the next
     * reschedule: here the one at now + 10, when this thread's delay ends
     * (it runs first, being of higher priority). */
    rs_step = 0;
    rs_woke = 0;
    rs_thread_ref = rt_thread_create("rs", rs_thread, RT_NULL, 1024,
                                     rt_thread_self()->current_priority - 1, 10);
    rt_thread_startup(rs_thread_ref);
    rt_tick_t now = rt_tick_get();
    uassert_int_equal(rt_sim_irq_at(now + 3, rs_isr, RT_NULL), 0);
    rt_thread_delay(10);
    uassert_int_equal(rs_step, 1);
#if RTSIM_V5_RESUME_RESCHED
    uassert_int_equal(rs_woke - now, 3);
#else
    uassert_int_equal(rs_woke - now, 10);
#endif
}

/* ------------------------------------------------- thread-inited hook */
/* 4.1.1 src/thread.c: one function pointer, rt_thread_inited_sethook(fn),
 * called at the end of _thread_init.  5.1.0 src/thread.c: a hook list
 * (RT_OBJECT_HOOKLIST_DEFINE(rt_thread_inited)), nodes added with
 * rt_thread_inited_sethook(node) and called in the order added, removed
 * with rt_thread_inited_rmhook(node). */
static rt_thread_t ih_seen[4];
static int ih_n;
static char ih_log[32];

static void ih_first(rt_thread_t t)
{
    if (ih_n < 4)
        ih_seen[ih_n] = t;
    ih_n++;
    rt_strncpy(ih_log + rt_strlen(ih_log), "a", 2);
}

#if RTSIM_V5_API
static void ih_second(rt_thread_t t)
{
    (void)t;
    rt_strncpy(ih_log + rt_strlen(ih_log), "b", 2);
}
RT_OBJECT_HOOKLIST_DEFINE_NODE(rt_thread_inited, ih_node1, ih_first)
RT_OBJECT_HOOKLIST_DEFINE_NODE(rt_thread_inited, ih_node2, ih_second)
#endif

static void ih_entry(void *arg)
{
    (void)arg;
}

static void test_thread_inited_hook(void)
{
    static struct rt_thread st;
    static rt_uint8_t st_stack[512];
    rt_thread_t t;

    ih_n = 0;
    ih_log[0] = '\0';
#if RTSIM_V5_API
    rt_thread_inited_sethook(&ih_node1);
    rt_thread_inited_sethook(&ih_node2);
#else
    rt_thread_inited_sethook(ih_first);
#endif
    t = rt_thread_create("ih", RT_NULL, RT_NULL, 512, 10, 10);
    uassert_not_null(t);
    uassert_int_equal(rt_thread_init(&st, "ihs", ih_entry, RT_NULL, st_stack, sizeof st_stack,
                                     10, 10), RT_EOK);
    uassert_int_equal(ih_n, 2);
    uassert_true(ih_seen[0] == t);
    uassert_true(ih_seen[1] == &st);
#if RTSIM_V5_API
    uassert_str_equal(ih_log, "abab");
    rt_thread_inited_rmhook(&ih_node1);
#else
    uassert_str_equal(ih_log, "aa");
    rt_thread_inited_sethook(RT_NULL);
#endif
    uassert_int_equal(rt_thread_detach(&st), RT_EOK);
    uassert_int_equal(rt_thread_init(&st, "ihs", ih_entry, RT_NULL, st_stack, sizeof st_stack,
                                     10, 10), RT_EOK);
    uassert_int_equal(ih_n, 2);
#if RTSIM_V5_API
    uassert_str_equal(ih_log, "ababb");
    rt_thread_inited_rmhook(&ih_node2);
#endif
    uassert_int_equal(rt_thread_detach(&st), RT_EOK);
    uassert_int_equal(rt_thread_delete(t), RT_EOK);
    rt_thread_delay(1);
}

/* --------------------------------------------- small 5.1.0 additions */
/* rt_strcpy (4.1.1 and 5.1.0 src/kservice.c); rt_mutex_get_owner and
 * rt_mutex_get_hold (5.1.0 include/rtthread.h, inline). */
static void test_small_api(void)
{
    char buf[8];
    rt_memset(buf, 'x', sizeof buf);
    uassert_true(rt_strcpy(buf, "abc") == buf);
    uassert_str_equal(buf, "abc");
    uassert_int_equal(buf[4], 'x');     /* nothing written past the NUL */
    uassert_true(rt_strcpy(buf, "") == buf);
    uassert_int_equal(buf[0], '\0');
    uassert_int_equal(buf[1], 'b');
#if RTSIM_V5_API
    {
        static struct rt_mutex m;
        uassert_int_equal(rt_mutex_init(&m, "gm", RT_IPC_FLAG_PRIO), RT_EOK);
        uassert_null(rt_mutex_get_owner(&m));
        uassert_int_equal(rt_mutex_get_hold(&m), 0);
        uassert_int_equal(rt_mutex_take(&m, 0), RT_EOK);
        uassert_int_equal(rt_mutex_take(&m, 0), RT_EOK);
        uassert_true(rt_mutex_get_owner(&m) == rt_thread_self());
        uassert_int_equal(rt_mutex_get_hold(&m), 2);
        rt_mutex_release(&m);
        rt_mutex_release(&m);
        uassert_null(rt_mutex_get_owner(&m));
        uassert_int_equal(rt_mutex_detach(&m), RT_EOK);
    }
    {
        /* 5.1.0 include/rtsched.h: the scheduler lock (one CPU: interrupts
         * off) and, for kernel and IPC sources, the thread getters */
        rt_sched_lock_level_t lvl;
        rt_thread_t self = rt_thread_self();
        uassert_int_equal(rt_sched_lock(&lvl), RT_EOK);
        uassert_int_equal(rt_sched_thread_get_curr_prio(self), self->current_priority);
        uassert_int_equal(rt_sched_thread_get_init_prio(self), self->init_priority);
        uassert_int_equal(rt_sched_thread_get_stat(self), RT_THREAD_RUNNING);
        uassert_int_equal(rt_sched_unlock(lvl), RT_EOK);
        uassert_int_equal(rt_sched_lock(&lvl), RT_EOK);
        uassert_int_equal(rt_sched_unlock_n_resched(lvl), RT_EOK);
    }
#endif
}

/* The units below place their threads around priority 10 (rtsim's main);
 * the runner now runs a case at UTEST_THR_PRIORITY (20), as RT-Thread. */
static rt_err_t tc_init(void)
{
    rt_uint8_t prio = 10;
    rt_thread_self()->init_priority = prio;
    return rt_thread_control(rt_thread_self(), RT_THREAD_CTRL_CHANGE_PRIORITY, &prio);
}
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_version_macros);
    UTEST_UNIT_RUN(test_unused_and_classes);
    UTEST_UNIT_RUN(test_mq_slot_layout);
    UTEST_UNIT_RUN(test_mq_recv_result);
    UTEST_UNIT_RUN(test_mutex_release_one_of_two);
    UTEST_UNIT_RUN(test_mutex_waiter_timeout);
    UTEST_UNIT_RUN(test_mutex_chain);
    UTEST_UNIT_RUN(test_mp_wake_order);
    UTEST_UNIT_RUN(test_heap_hook_malloc);
    UTEST_UNIT_RUN(test_heap_hook_free);
    UTEST_UNIT_RUN(test_heap_hook_realloc);
    UTEST_UNIT_RUN(test_wait_resumed);
    UTEST_UNIT_RUN(test_thread_head);
    UTEST_UNIT_RUN(test_resume_reschedules);
    UTEST_UNIT_RUN(test_thread_inited_hook);
    UTEST_UNIT_RUN(test_small_api);
#if RTSIM_V5_API
    UTEST_UNIT_RUN(test_wait_flags);
    UTEST_UNIT_RUN(test_suspend_with_flag);
#endif
}
UTEST_TC_EXPORT(testcase, "rtsim.flavour", tc_init, tc_cleanup, 10);
