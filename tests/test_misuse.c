/*
 * test_misuse.c - mistakes checked mode names precisely (docs/mistakes.md)
 * and API misuse refused cleanly (issue 12): stale pointers to blocks
 * handed out again, strict realloc's quarantine, an underflow into a
 * block's own header, a pool block given to rt_free, a host pointer,
 * rt_mp_create near SIZE_MAX, an exactly-sized static pool, kernel calls
 * and rt_sim_stop from a host thread rtsim does not run, rt_sim_run and
 * rt_sim_irq_at refusals.  Each report is compared byte for byte.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

static const char *const heaps[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };
#define NHEAPS (sizeof heaps / sizeof heaps[0])

static unsigned long at_p;
static char expect[1024];

static int run_on(const char *heap, int level, void (*fn)(void *), void *arg)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.heap = heap;
    cfg.checked = level;
    /* slab: the default board's heap holds three 32 KiB zones only */
    if (!strcmp(heap, "slab"))
        cfg.board = "stm32f429-disco";
    tu_console_reset();
    tu_log_reset();
    at_p = 0;
    return tu_run(&cfg, fn, arg);
}

#define EXPECT_REPORT(...) do {                                              \
        snprintf(expect, sizeof expect, __VA_ARGS__);                        \
        if (strcmp(tu_report(), expect) != 0)                                \
            fail_msg("%s: report\n%s\nexpected\n%s", heap, tu_report(), expect); \
    } while (0)

/* ------------------------------------------- stale free after reuse */
static void quiet_thread(void *arg)
{
    (void)arg;
    rt_thread_delay(10);
}

/* p is freed, rt_thread_create gets its memory for the thread object,
 * then p is freed again: before, the idle thread crashed on the freed
 * thread object. */
static void stale_free_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(sizeof(struct rt_thread));
    rt_free(p);
    rt_thread_delay(1);
    rt_thread_t t = rt_thread_create("oth", quiet_thread, RT_NULL, 512, 5, 10);
    TU_EXPECT((void *)t == (void *)p);
    at_p = rt_sim_target_addr(p);
    rt_thread_startup(t);
    rt_thread_delay(1);
    rt_free(p);
    tu_log("not reached");
}

static void test_stale_free_of_kernel_object(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        const char *heap = heaps[h];
        /* slab hands out a zone's never-used chunks before freed ones:
         * the thread object does not land on p there */
        if (!strcmp(heap, "slab"))
            continue;
        assert_int_equal(run_on(heap, 1, stale_free_main, NULL), RT_SIM_EMEMORY);
        assert_string_equal(tu_log_text(), "");
        snprintf(expect, sizeof expect,
                 "rtsim: memory error: stale pointer: the block now holds the thread \"oth\", a live kernel object\n"
                 "  call   rt_free(0x%08lx), thread \"main\" at tick 2\n", at_p);
        if (strncmp(tu_report(), expect, strlen(expect)) != 0)
            fail_msg("%s: report\n%s\nexpected to start with\n%s", heap, tu_report(), expect);
        assert_non_null(strstr(tu_report(), "allocated by \"main\" at tick 1\n"
                               "         this address was freed before by \"main\" at tick 0 and handed out again\n"));
    }
}

/* A moving rt_realloc, then the old pointer freed: at level 1 the old
 * block went back to the allocator (a double free); in strict mode it is
 * in the quarantine. */
static void moved_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(40);
    unsigned char *fence = rt_malloc(8);    /* p cannot grow in place */
    at_p = rt_sim_target_addr(p);
    unsigned char *q = rt_realloc(p, 400);
    TU_EXPECT(q != RT_NULL && q != p);
    rt_thread_delay(1);
    rt_free(p);
    (void)fence;
    tu_log("not reached");
}

static void test_moved_realloc_stale_free(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        const char *heap = heaps[h];
        for (int level = 1; level <= 2; level++)
        {
            assert_int_equal(run_on(heap, level, moved_main, NULL), RT_SIM_EMEMORY);
            assert_string_equal(tu_log_text(), "");
            snprintf(expect, sizeof expect, "rtsim: memory error: %s\n"
                     "  call   rt_free(0x%08lx), thread \"main\" at tick 1\n",
                     level == 2 ? "double free (the block is in quarantine)" : "double free", at_p);
            if (strncmp(tu_report(), expect, strlen(expect)) != 0)
                fail_msg("%s level %d: report\n%s\nexpected to start with\n%s", heap, level,
                         tu_report(), expect);
            assert_non_null(strstr(tu_report(), "         freed by \"main\" at tick 0\n"));
        }
    }
}

/* Strict: the memory a moving realloc left is not handed out again at
 * once, so a stale write through the old pointer is caught when it leaves
 * the quarantine. */
static void moved_reuse_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(40);
    unsigned char *fence = rt_malloc(8);
    unsigned char *q = rt_realloc(p, 400);
    unsigned char *r = rt_malloc(40);
    TU_EXPECT(r != p);
    rt_free(q);
    rt_free(r);
    rt_free(fence);
}

static void test_strict_realloc_quarantine(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        assert_int_equal(run_on(heaps[h], 2, moved_reuse_main, NULL), RT_SIM_OK);
        assert_string_equal(tu_report(), "");
    }
}

/* --------------------------------- underflow into the block's own header */
static void underflow_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(100);
    at_p = rt_sim_target_addr(p);
    rt_sim_poke(p - 1, 0x5A);   /* p[-1] = 0x5A */
    rt_free(p);
    tu_log("not reached");
}

static void test_underflow_into_own_header(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        const char *heap = heaps[h];
        if (!strcmp(heap, "slab"))
            continue;       /* no headers: the byte belongs to the chunk below */
        for (int level = 1; level <= 2; level++)
        {
            assert_int_equal(run_on(heap, level, underflow_main, NULL), RT_SIM_EMEMORY);
            /* The metadata shadow sees the damaged header word first. */
            snprintf(expect, sizeof expect,
                     "rtsim: memory error: heap underflow from the block at 0x%08lx: its own header was overwritten (a write before the block)\n"
                     "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n", at_p, at_p);
            if (strncmp(tu_report(), expect, strlen(expect)) != 0)
                fail_msg("%s level %d: report\n%s\nexpected to start with\n%s", heap, level,
                         tu_report(), expect);
        }
    }
}

/* ------------------------------------------------- reports name it */
static rt_uint8_t pool_mem[256];
static struct rt_mempool pool;
static long host_var;

static void free_pool_block_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    void *b = rt_mp_alloc(&pool, 0);
    at_p = rt_sim_target_addr(b);
    rt_free(b);
}

static void free_host_main(void *arg)
{
    if (arg)
        rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    at_p = (unsigned long)(uintptr_t)&host_var;
    if (arg)
        rt_mp_free(&host_var);
    else
        rt_free(&host_var);
}

static void test_reports_name_the_mistake(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        const char *heap = heaps[h];
        assert_int_equal(run_on(heap, 1, free_pool_block_main, NULL), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: invalid free: a block of memory pool \"mp\" (use rt_mp_free)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n"
                      "  block  0x%08lx, 32 bytes (capacity 32) from pool \"mp\", allocated by \"main\" at tick 0\n",
                      at_p, at_p);
        assert_int_equal(run_on(heap, 1, free_host_main, NULL), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: invalid free: the pointer is not in simulated RAM (a host address: a local or global variable, or host malloc)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n", at_p);
        assert_int_equal(run_on(heap, 1, free_host_main, (void *)1), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: mempool invalid free: the pointer is not in simulated RAM (a host address: a local or global variable, or host malloc)\n"
                      "  call   rt_mp_free(0x%08lx), thread \"main\" at tick 0\n", at_p);
    }
}

/* ------------------------------------------------------------ pools */
static void mp_huge_main(void *arg)
{
    (void)arg;
    rt_size_t used0, used1;
    rt_memory_info(RT_NULL, &used0, RT_NULL);
    for (rt_size_t k = 0; k <= 40; k++)
        TU_EXPECT(rt_mp_create("huge", 1, (rt_size_t)-1 - k) == RT_NULL);
    TU_EXPECT(rt_mp_create("huge", 2, (rt_size_t)-1 / 2) == RT_NULL);
    rt_memory_info(RT_NULL, &used1, RT_NULL);
    TU_EXPECT_INT(used1, used0);
    rt_mp_t ok = rt_mp_create("ok", 2, 24);
    TU_EXPECT(ok != RT_NULL);
    if (ok)
        rt_mp_delete(ok);
}

static void test_mp_create_huge_block(void **state)
{
    (void)state;
    assert_int_equal(run_on("smallmem", 1, mp_huge_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_report(), "");
}

/* RT-Thread 5.x mempool_tc.c: a static buffer of exactly
 * count * (block + header word) bytes; every block taken and given back.
 * The neighbours of the buffer must stay the program's (memcheck: no
 * redzone past the buffer). */
#define TC_BLOCK 80
#define TC_COUNT 4
static struct
{
    long before;
    rt_uint8_t buf[TC_COUNT * (TC_BLOCK + sizeof(rt_uint8_t *))];
    long after;
} tc __attribute__((aligned(16)));
static struct rt_mempool tc_pool;

static void exact_pool_main(void *arg)
{
    (void)arg;
    void *b[TC_COUNT];
    TU_EXPECT_INT(rt_mp_init(&tc_pool, "tc", tc.buf, sizeof tc.buf, TC_BLOCK), RT_EOK);
    TU_EXPECT_INT(tc_pool.block_total_count, TC_COUNT);
    for (int round = 0; round < 2; round++)
    {
        for (int i = 0; i < TC_COUNT; i++)
        {
            b[i] = rt_mp_alloc(&tc_pool, 0);
            TU_EXPECT(b[i] != RT_NULL);
            memset(b[i], i, TC_BLOCK);
            tc.after++;             /* the program's own variable */
            tc.before++;
        }
        TU_EXPECT(rt_mp_alloc(&tc_pool, 0) == RT_NULL);
        for (int i = 0; i < TC_COUNT; i++)
        {
            rt_mp_free(b[i]);
            tc.after++;
        }
    }
    TU_EXPECT_INT(rt_mp_detach(&tc_pool), RT_EOK);
}

static void test_exact_static_pool(void **state)
{
    (void)state;
    for (int level = 0; level <= 2; level++)
    {
        tc.before = tc.after = 0;
        assert_int_equal(run_on("smallmem", level, exact_pool_main, NULL), RT_SIM_OK);
        assert_string_equal(tu_report(), "");
        assert_int_equal(tc.after, 16);
        assert_int_equal(tc.before, 8);
    }
}

/* rt_malloc_align returning an address freed before: the checker's
 * record of the old block must not be lost (memcheck's leak check at the
 * end of this program sees it). */
static void align_reuse_main(void *arg)
{
    (void)arg;
    /* p2's address comes back as the aligned address of a later block
     * for some of these sizes (before: 2 records, 256 bytes, lost on the
     * 64-bit small-mem heap) */
    for (rt_size_t s1 = 8; s1 <= 256; s1 += 8)
        for (int k = 0; k < 6; k++)
        {
            unsigned char *p1 = rt_malloc(s1), *p2 = rt_malloc(16);
            rt_free(p2);
            rt_free(p1);
            unsigned char *a = rt_malloc_align(40, (rt_size_t)8 << k);
            memset(a, 1, 40);
            rt_free_align(a);
        }
}

static void test_align_reuse(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        assert_int_equal(run_on(heaps[h], 1, align_reuse_main, NULL), RT_SIM_OK);
        assert_string_equal(tu_report(), "");
    }
}

/* ------------------------------------------------ foreign host threads */
static volatile int foreign_kind;
static struct rt_semaphore foreign_sem;

static void *foreign_thread(void *arg)
{
    (void)arg;
    if (foreign_kind == 0)
        rt_sem_release(&foreign_sem);
    else
        rt_sim_stop(42);
    return (void *)1;   /* not reached: the thread ends in the call */
}

static void foreign_main(void *arg)
{
    pthread_t *tid = arg;
    rt_sem_init(&foreign_sem, "fs", 0, RT_IPC_FLAG_PRIO);
    if (pthread_create(tid, NULL, foreign_thread, NULL) != 0)
        tu_fail(__FILE__, __LINE__, "pthread_create");
    /* wait in virtual time until the host thread's request ends the run
     * (cfg.tick_limit is the safety net) */
    for (;;)
        rt_thread_delay(1);
}

static void test_foreign_host_thread(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++)
    {
        pthread_t tid;
        void *ret = NULL;
        struct rt_sim_config cfg;
        foreign_kind = kind;
        tu_config(&cfg);
        cfg.tick_limit = 100000000;
        tu_console_reset();
        tu_log_reset();
        int rc = tu_run(&cfg, foreign_main, &tid);
        assert_int_equal(pthread_join(tid, &ret), 0);
        assert_null(ret);
        assert_string_equal(tu_log_text(), "");
        if (kind == 0)
        {
            assert_int_equal(rc, RT_SIM_EASSERT);
            assert_string_equal(tu_report(), "rtsim: rt_sem_release called from a host thread that "
                                "rtsim does not run (only threads made with rt_thread_create / "
                                "rt_thread_init may call the kernel)\n");
        }
        else
        {
            assert_int_equal(rc, 42);
            assert_string_equal(tu_report(), "");
        }
    }
}

/* ------------------------------------------------------ API refusals */
static void never(void *arg)
{
    (void)arg;
}

static void irq_main(void *arg)
{
    (void)arg;
    rt_thread_delay(5);
    TU_EXPECT_INT(rt_sim_irq_at(5 + RT_TICK_MAX / 2, never, RT_NULL), -1);
    TU_EXPECT_INT(rt_sim_irq_at(4 + RT_TICK_MAX / 2, never, RT_NULL), 0);
    TU_EXPECT_INT(rt_sim_irq_at(10, RT_NULL, RT_NULL), -1);
    rt_sim_stop(0);
}

static void test_api_refusals(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    tu_console_reset();
    assert_int_equal(rt_sim_run(&cfg, NULL, NULL), RT_SIM_ECONFIG);
    assert_string_equal(tu_report(), "rtsim: rt_sim_run: app_main is NULL (the function the main thread runs)\n");

    tu_console_reset();
    assert_int_equal(tu_run(&cfg, irq_main, NULL), RT_SIM_ESTOPPED);
    snprintf(expect, sizeof expect,
             "rtsim: rt_sim_irq_at: tick %lu is beyond the tick counter's range (now 5; at most %lu ticks ahead)\n"
             "rtsim: rt_sim_irq_at: the handler is NULL\n",
             (unsigned long)(5 + RT_TICK_MAX / 2), (unsigned long)(RT_TICK_MAX / 2 - 1));
    assert_string_equal(tu_report(), expect);
}

/* Environment values rtsim does not understand are errors naming them. */
static void test_bad_environment(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    static const char *const bad_fail[] = { "nth=x", "nth=", "p=2", "after=-1", "bogus" };
    tu_config(&cfg);

    setenv("RTSIM_CHECK", "stritc", 1);
    tu_console_reset();
    assert_int_equal(rt_sim_run(&cfg, never, NULL), RT_SIM_ECONFIG);
    assert_string_equal(tu_report(), "rtsim: RTSIM_CHECK: bad value \"stritc\" (use off, on or strict)\n");
    unsetenv("RTSIM_CHECK");

    for (size_t i = 0; i < sizeof bad_fail / sizeof bad_fail[0]; i++)
    {
        setenv("RTSIM_FAIL_ALLOC", bad_fail[i], 1);
        tu_console_reset();
        assert_int_equal(rt_sim_run(&cfg, never, NULL), RT_SIM_ECONFIG);
        snprintf(expect, sizeof expect, "rtsim: RTSIM_FAIL_ALLOC: bad value \"%s\" (use nth=N, "
                 "after=N, p=P with 0 <= P <= 1, seed=S, heap=NAME)\n", bad_fail[i]);
        assert_string_equal(tu_report(), expect);
    }
    setenv("RTSIM_FAIL_ALLOC", "nth=3,p=0.5,seed=7,heap=heap", 1);
    tu_console_reset();
    assert_int_equal(rt_sim_run(&cfg, never, NULL), RT_SIM_OK);
    assert_string_equal(tu_report(), "");
    unsetenv("RTSIM_FAIL_ALLOC");
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_stale_free_of_kernel_object),
        cmocka_unit_test(test_moved_realloc_stale_free),
        cmocka_unit_test(test_strict_realloc_quarantine),
        cmocka_unit_test(test_underflow_into_own_header),
        cmocka_unit_test(test_reports_name_the_mistake),
        cmocka_unit_test(test_mp_create_huge_block),
        cmocka_unit_test(test_exact_static_pool),
        cmocka_unit_test(test_align_reuse),
        cmocka_unit_test(test_foreign_host_thread),
        cmocka_unit_test(test_api_refusals),
        cmocka_unit_test(test_bad_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
