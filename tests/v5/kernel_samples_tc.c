/*
 * kernel_samples_tc.c - programs in the shape of RT-Thread-packages/
 * kernel-sample's current samples (our own code, not theirs), written the
 * way those samples are written to build on 4.x and 5.x alike:
 *
 *   #if defined(RT_VERSION_CHECK) && (RTTHREAD_VERSION >= RT_VERSION_CHECK(5, 0, 1))
 *       rt_align(RT_ALIGN_SIZE)        ... rt_mq_recv(...) > 0
 *   #else
 *       ALIGN(RT_ALIGN_SIZE)           ... rt_mq_recv(...) == RT_EOK
 *   #endif
 *
 * Built and run in both flavours: static threads on aligned stacks, a
 * one-shot and a periodic timer, priority inversion bounded by a mutex,
 * a message queue, a memory pool, the idle and scheduler hooks.
 */
#include <utest.h>

#if defined(RT_VERSION_CHECK) && (RTTHREAD_VERSION >= RT_VERSION_CHECK(5, 0, 1))
#define SAMPLE_ALIGN rt_align(RT_ALIGN_SIZE)
#define MQ_RECV_GOT(r) ((r) > 0)
#else
#define SAMPLE_ALIGN ALIGN(RT_ALIGN_SIZE)
#define MQ_RECV_GOT(r) ((r) == RT_EOK)
#endif

#define STACK 1024
SAMPLE_ALIGN static char stack1[STACK];
static struct rt_thread thread1;
static volatile int count1, count2;

/* thread_sample: a static thread and a dynamic one, both run to the end. */
static void t_count(void *p)
{
    volatile int *c = p;
    for (int i = 0; i < 10; i++)
    {
        (*c)++;
        rt_thread_mdelay(1);
    }
}

static void test_thread_sample(void)
{
    count1 = count2 = 0;
    uassert_int_equal((rt_ubase_t)stack1 % RT_ALIGN_SIZE, 0);
    uassert_int_equal(rt_thread_init(&thread1, "t1", t_count, (void *)&count1, stack1, STACK, 20, 5), RT_EOK);
    rt_thread_startup(&thread1);
    rt_thread_t t2 = rt_thread_create("t2", t_count, (void *)&count2, STACK, 19, 5);
    uassert_not_null(t2);
    rt_thread_startup(t2);
    rt_thread_mdelay(50);
    uassert_int_equal(count1, 10);
    uassert_int_equal(count2, 10);
}

/* timer_sample: a periodic timer stopped after its 10th run, a one-shot. */
static rt_timer_t periodic, oneshot;
static volatile int periodic_runs, oneshot_runs;

static void periodic_cb(void *p)
{
    (void)p;
    if (++periodic_runs == 10)
        rt_timer_stop(periodic);
}

static void oneshot_cb(void *p)
{
    (void)p;
    oneshot_runs++;
}

static void test_timer_sample(void)
{
    periodic_runs = oneshot_runs = 0;
    periodic = rt_timer_create("timer1", periodic_cb, RT_NULL, 10, RT_TIMER_FLAG_PERIODIC);
    oneshot = rt_timer_create("timer2", oneshot_cb, RT_NULL, 30, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_start(periodic);
    rt_timer_start(oneshot);
    rt_thread_mdelay(200);
    uassert_int_equal(periodic_runs, 10);
    uassert_int_equal(oneshot_runs, 1);
    rt_timer_delete(periodic);
    rt_timer_delete(oneshot);
}

/* priority_inversion: a low thread holds the mutex a high one wants; the
 * middle thread cannot run in between. */
static rt_mutex_t mutex;
static rt_thread_t low, mid, high;
static volatile rt_uint8_t low_prio_seen;
static volatile int mid_ran_before_high_done, high_done;

static void low_entry(void *p)
{
    (void)p;
    rt_mutex_take(mutex, RT_WAITING_FOREVER);
    rt_thread_mdelay(30);           /* high starts waiting meanwhile */
    low_prio_seen = low->current_priority;
    rt_mutex_release(mutex);
}

static void mid_entry(void *p)
{
    (void)p;
    rt_thread_mdelay(15);
    if (!high_done)
        mid_ran_before_high_done = 1;
}

static void high_entry(void *p)
{
    (void)p;
    rt_thread_mdelay(10);
    rt_mutex_take(mutex, RT_WAITING_FOREVER);
    rt_mutex_release(mutex);
    high_done = 1;
}

static void test_priority_inversion_sample(void)
{
    high_done = mid_ran_before_high_done = 0;
    mutex = rt_mutex_create("mutex", RT_IPC_FLAG_PRIO);
    low = rt_thread_create("low", low_entry, RT_NULL, STACK, 12, 5);
    mid = rt_thread_create("mid", mid_entry, RT_NULL, STACK, 11, 5);
    high = rt_thread_create("high", high_entry, RT_NULL, STACK, 9, 5);
    rt_thread_startup(low);
    rt_thread_startup(mid);
    rt_thread_startup(high);
    rt_thread_mdelay(100);
    uassert_int_equal(low_prio_seen, 9);    /* inherited */
    uassert_int_equal(high_done, 1);
    uassert_int_equal(mid_ran_before_high_done, 1);     /* its delay ended first */
    rt_mutex_delete(mutex);
}

/* msgq_sample: bytes through a static queue, one urgent. */
static struct rt_messagequeue mq;
SAMPLE_ALIGN static rt_uint8_t mq_pool[256];
static char received[8];
static volatile int nreceived;

static void mq_receiver(void *p)
{
    (void)p;
    char c;
    while (nreceived < 4)
    {
        rt_ssize_t r = rt_mq_recv(&mq, &c, sizeof c, RT_WAITING_FOREVER);
        if (!MQ_RECV_GOT(r))
            break;
        received[nreceived++] = c;
    }
}

static void test_msgq_sample(void)
{
    nreceived = 0;
    rt_mq_init(&mq, "mqt", mq_pool, 1, sizeof mq_pool, RT_IPC_FLAG_FIFO);
    rt_mq_send(&mq, "A", 1);
    rt_mq_send(&mq, "B", 1);
    rt_mq_urgent(&mq, "C", 1);
    rt_mq_send(&mq, "D", 1);
    rt_thread_t t = rt_thread_create("mqr", mq_receiver, RT_NULL, STACK, 9, 5);
    rt_thread_startup(t);
    uassert_int_equal(nreceived, 4);
    uassert_buf_equal(received, "CABD", 4);
    rt_mq_detach(&mq);
}

/* memp_sample: a pool of 4 blocks; a second thread waits for a free. */
static struct rt_mempool mp;
SAMPLE_ALIGN static rt_uint8_t mp_pool[4 * (32 + sizeof(void *))];
static volatile int got_block;

static void mp_waiter(void *p)
{
    (void)p;
    void *b = rt_mp_alloc(&mp, RT_WAITING_FOREVER);
    got_block = b != RT_NULL;
    rt_mp_free(b);
}

static void test_memp_sample(void)
{
    void *b[4];
    got_block = 0;
    rt_mp_init(&mp, "mp1", mp_pool, sizeof mp_pool, 32);
    for (int i = 0; i < 4; i++)
        uassert_not_null(b[i] = rt_mp_alloc(&mp, 0));
    rt_thread_startup(rt_thread_create("mpw", mp_waiter, RT_NULL, STACK, 9, 5));
    uassert_int_equal(got_block, 0);
    rt_mp_free(b[0]);
    uassert_int_equal(got_block, 1);
    for (int i = 1; i < 4; i++)
        rt_mp_free(b[i]);
    uassert_int_equal(mp.block_free_count, 4);
    rt_mp_detach(&mp);
}

/* idlehook_sample and scheduler_hook: both are called. */
static volatile int idle_calls, switches;
static void idle_hook(void) { idle_calls++; }
static void sched_hook(rt_thread_t from, rt_thread_t to) { (void)from; (void)to; switches++; }

static void test_hook_samples(void)
{
    idle_calls = switches = 0;
    uassert_int_equal(rt_thread_idle_sethook(idle_hook), RT_EOK);
    rt_scheduler_sethook(sched_hook);
    rt_thread_mdelay(5);
    rt_scheduler_sethook(RT_NULL);
    rt_thread_idle_delhook(idle_hook);
    uassert_true(idle_calls > 0);
    uassert_true(switches >= 2);        /* to idle and back */
}

/* A case runs at UTEST_THR_PRIORITY (20), as in RT-Thread's utest thread
 * or in tshell (components/utilities/utest/utest.c), in both flavours. */
static void test_case_priority(void)
{
    uassert_int_equal(UTEST_THR_PRIORITY, 20);
    uassert_int_equal(rt_thread_self()->current_priority, UTEST_THR_PRIORITY);
    uassert_int_equal(rt_thread_self()->init_priority, UTEST_THR_PRIORITY);
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_case_priority);
    UTEST_UNIT_RUN(test_thread_sample);
    UTEST_UNIT_RUN(test_timer_sample);
    UTEST_UNIT_RUN(test_priority_inversion_sample);
    UTEST_UNIT_RUN(test_msgq_sample);
    UTEST_UNIT_RUN(test_memp_sample);
    UTEST_UNIT_RUN(test_hook_samples);
}
UTEST_TC_EXPORT(testcase, "rtsim.kernel_samples", tc_init, tc_cleanup, 10);
