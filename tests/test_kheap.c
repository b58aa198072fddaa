/*
 * test_kheap.c - the system heap API inside rt_sim_run: numbers on the
 * default board, hooks (4.1 and classic rules), calloc overflow, aligned
 * allocation, statistics, the shell's output, misuse (init twice, calls
 * from an interrupt, double and foreign frees) and the lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define H   ((rt_size_t)(sizeof(void *) == 8 ? 24 : 12))
#define A   ((rt_size_t)RT_ALIGN_SIZE)
#define CTL ((rt_size_t)(sizeof(void *) == 8 ? 112 : 64))
/* stm32f407: SRAM 128 KiB at 0x20000000, ZI 8 KiB: the heap range is
 * [0x20002000, 0x20020000) = 122880 bytes. */
#define HEAP_BYTES  122880u
#define HEAP_BEGIN  0x20002000ul

static struct rt_sim_config cfg_with_heap(const char *heap)
{
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.heap = heap;
    return cfg;
}

/* ------------------------------------------------------------ numbers */
static void numbers_main(void *arg)
{
    rt_size_t total, used, max_used;
    (void)arg;

    TU_EXPECT_STR(rt_system_heap_algorithm(), "smallmem");
    rt_memory_info(&total, &used, &max_used);
    TU_EXPECT_INT(total, HEAP_BYTES - CTL - 2 * H);
    TU_EXPECT(used > 0);                     /* the main thread lives here */
    TU_EXPECT(max_used >= used);
    rt_memory_info(RT_NULL, RT_NULL, RT_NULL);

    rt_object_t heap = rt_object_find("heap", RT_Object_Class_Memory);
    TU_EXPECT(heap != RT_NULL);
    TU_EXPECT(rt_object_find("heap", RT_Object_Class_Mutex) != RT_NULL);
    TU_EXPECT_INT(rt_sim_target_addr((void *)((rt_mem_t)heap)->address), HEAP_BEGIN + CTL);

    void *p = rt_malloc(100);
    rt_size_t used2;
    rt_memory_info(RT_NULL, &used2, RT_NULL);
    TU_EXPECT_INT(used2 - used, RT_ALIGN(100, A) + H);
    rt_free(p);
    rt_memory_info(RT_NULL, &used2, RT_NULL);
    TU_EXPECT_INT(used2, used);
    TU_EXPECT(rt_malloc(0) == RT_NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, numbers_main, NULL), RT_SIM_OK);
}

/* -------------------------------------------------------------- hooks */
static char hook_log[512];

static void log_append(const char *s)
{
    size_t n = strlen(hook_log);
    snprintf(hook_log + n, sizeof hook_log - n, "%s%s", n ? " " : "", s);
}

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void malloc_hook(void **pp, rt_size_t size)
{
    void *ptr = *pp;
#else
static void malloc_hook(void *ptr, rt_size_t size)
{
#endif
    char b[64];
    snprintf(b, sizeof b, "m(%s,%lu)", ptr == RT_NULL ? "0" : "x",
             (unsigned long)size);
    log_append(b);
}

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void free_hook(void **pp)
{
    void *ptr = *pp;
#else
static void free_hook(void *ptr)
{
#endif
    char b[64];
    snprintf(b, sizeof b, "f(%s)", ptr == RT_NULL ? "0" : "x");
    log_append(b);
}

static void hooks_main(void *arg)
{
    (void)arg;
    hook_log[0] = '\0';
    rt_malloc_sethook(malloc_hook);
    rt_free_sethook(free_hook);

    void *p = rt_malloc(10);
    void *big = rt_malloc(1u << 30);            /* fails */
    TU_EXPECT(big == RT_NULL);
    rt_free(RT_NULL);
    void *q = rt_realloc(p, 500);               /* moves */
    void *r = rt_realloc(RT_NULL, 8);
    rt_free(r);
    rt_free(q);
    void *c = rt_calloc(3, 5);
    rt_free(c);
    rt_malloc_sethook(RT_NULL);
    rt_free_sethook(RT_NULL);
}

static void test_hooks_41(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, hooks_main, NULL), RT_SIM_OK);
    /* malloc hook on every rt_malloc with the caller's size, even on
     * failure; free hook also for NULL; realloc fires nothing */
    assert_string_equal(hook_log,
        "m(x,10) m(0,1073741824) f(0) f(x) f(x) m(x,15) f(x)");
}

static void test_hooks_classic(void **state)
{
    (void)state;
    struct rt_sim_config cfg = cfg_with_heap("smallmem-classic");
    assert_int_equal(tu_run(&cfg, hooks_main, NULL), RT_SIM_OK);
#if RTSIM_V5_HEAP_HOOKS
    /* 5.x flavour: the hooks are the wrapper's (5.1.0 src/kservice.c), the
     * same for every algorithm (tests/v5/flavour_tc.c has the rest). */
    assert_string_equal(hook_log,
        "m(x,10) m(0,1073741824) f(0) f(x) f(x) m(x,15) f(x)");
    return;
#endif
    char expect[256];
    rt_size_t m = RT_ALIGN(12, A);
    /* pre-4.1: success only, rounded size; no hook for free(NULL);
     * realloc's move path fires malloc + free */
    snprintf(expect, sizeof expect,
             "m(x,%lu) m(x,%lu) f(x) m(x,%lu) f(x) f(x) m(x,%lu) f(x)",
             (unsigned long)(RT_ALIGN(10, A) < m ? m : RT_ALIGN(10, A)),
             (unsigned long)RT_ALIGN(500, A), (unsigned long)m,
             (unsigned long)(RT_ALIGN(15, A) < m ? m : RT_ALIGN(15, A)));
    assert_string_equal(hook_log, expect);
}

/* ------------------------------------------------ calloc, align, stats */
static void calloc_main(void *arg)
{
    (void)arg;
    struct rt_memory_stats st;

    unsigned char *p = rt_malloc(64);
    memset(p, 0xEE, 64);
    rt_free(p);
    unsigned char *z = rt_calloc(8, 8);         /* same block, zeroed */
    TU_EXPECT(z == p);
    for (int i = 0; i < 64; i++)
        TU_EXPECT_INT(z[i], 0);
    rt_free(z);

    rt_memory_stats(&st);
    TU_EXPECT_INT(st.failed_allocs, 0);
    TU_EXPECT(rt_calloc((rt_size_t)-1 / 2, 3) == RT_NULL);   /* overflow */
    TU_EXPECT(rt_calloc(3, (rt_size_t)-1 / 2) == RT_NULL);
    TU_EXPECT(rt_calloc(0, 5) == RT_NULL);                   /* malloc(0) */
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.failed_allocs, 2);
}

static void test_calloc_rules(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, calloc_main, NULL), RT_SIM_OK);
}

static rt_size_t align_hook_size;
#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void align_hook(void **ptr, rt_size_t size)
#else
static void align_hook(void *ptr, rt_size_t size)
#endif
{
    (void)ptr;
    align_hook_size = size;
}

static void align_main(void *arg)
{
    (void)arg;
    rt_size_t used0, used;
    rt_memory_info(RT_NULL, &used0, RT_NULL);
    rt_malloc_sethook(align_hook);

    static const rt_size_t aligns[] = { 1, 8, 16, 64, 256, 4096 };
    for (size_t i = 0; i < sizeof aligns / sizeof aligns[0]; i++)
    {
        rt_size_t al = RT_ALIGN(aligns[i], sizeof(void *));
        unsigned char *p = rt_malloc_align(100, aligns[i]);
        TU_EXPECT(p != RT_NULL);
        TU_EXPECT_INT((rt_ubase_t)p % al, 0);
        TU_EXPECT_INT(align_hook_size, RT_ALIGN(100, sizeof(void *)) + al);
        unsigned char *raw = *(unsigned char **)(p - sizeof(void *));
        TU_EXPECT(raw < p && p - raw <= (long)al);
        memset(p, 0x77, 100);
        TU_EXPECT_INT(rt_system_heap_check(), 0);
        rt_free_align(p);
    }
    rt_free_align(RT_NULL);
    rt_malloc_sethook(RT_NULL);
    rt_memory_info(RT_NULL, &used, RT_NULL);
    TU_EXPECT_INT(used, used0);
}

static void test_align(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, align_main, NULL), RT_SIM_OK);
}

static void stats_main(void *arg)
{
    (void)arg;
    struct rt_memory_stats st0, st;
    void *p[8];

    rt_memory_stats(&st0);
    TU_EXPECT_INT(st0.free_blocks, 1);
    TU_EXPECT_INT(st0.fragmentation_permille, 0);
    TU_EXPECT_INT(st0.largest_free, st0.free_bytes);
    TU_EXPECT_INT(st0.free_bytes + st0.used, st0.total);     /* one free block */

    for (int i = 0; i < 8; i++)
        p[i] = rt_malloc(1000);
    for (int i = 0; i < 8; i += 2)
        rt_free(p[i]);                                        /* 4 holes */
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.free_blocks, 5);
    TU_EXPECT_INT(st.largest_free, st0.largest_free - 8 * (1000 + H));
    TU_EXPECT_INT(st.free_bytes, st.largest_free + 4 * 1000);
    TU_EXPECT_INT(st.fragmentation_permille,
                  1000 - (rt_uint32_t)((rt_uint64_t)st.largest_free * 1000 / st.free_bytes));
    TU_EXPECT_INT(st.min_free_ever, st.total - st.max_used);
    TU_EXPECT(rt_malloc(1u << 30) == RT_NULL);
    TU_EXPECT(rt_realloc(p[1], 1u << 30) == RT_NULL);
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.failed_allocs, 2);
    for (int i = 1; i < 8; i += 2)
        rt_free(p[i]);
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.free_blocks, 1);
    TU_EXPECT_INT(st.min_free_ever, st.total - st.max_used);
    TU_EXPECT(st.min_free_ever <= st0.total - st0.used - 8 * (1000 + H));
}

static void test_stats(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, stats_main, NULL), RT_SIM_OK);
}

/* classic: a free block touching heap_end serves one step less */
static void stats_classic_main(void *arg)
{
    (void)arg;
    struct rt_memory_stats st;
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.free_blocks, 1);
    TU_EXPECT_INT(st.largest_free, st.free_bytes - A);
    void *p = rt_malloc(st.largest_free + 1);
    TU_EXPECT(p == RT_NULL);
    p = rt_malloc(st.largest_free);
    TU_EXPECT(p != RT_NULL);
    rt_free(p);
}

static void test_stats_classic(void **state)
{
    (void)state;
    struct rt_sim_config cfg = cfg_with_heap("smallmem-classic");
    assert_int_equal(tu_run(&cfg, stats_classic_main, NULL), RT_SIM_OK);
}

/* ------------------------------------------------------------- shell */
static void shell_main(void *arg)
{
    (void)arg;
    void *p = rt_malloc(100);
    tu_console_reset();
    TU_EXPECT_INT(rt_msh_exec("free"), 0);
    TU_EXPECT_INT(rt_msh_exec("list_mem"), 0);
    TU_EXPECT_INT(rt_msh_exec("memtrace"), 0);
    rt_free(p);
}

static void test_shell(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, shell_main, NULL), RT_SIM_OK);
    const char *out = tu_console();
    rt_size_t total = HEAP_BYTES - CTL - 2 * H;
    char expect[512];

    /* free (4.1) and list_mem (classic): same numbers */
    unsigned long used, max_used;
    TU_EXPECT(sscanf(out, "total    : %*d\nused     : %lu\nmaximum  : %lu\n", &used, &max_used) == 2);
    snprintf(expect, sizeof expect,
             "total    : %lu\nused     : %lu\nmaximum  : %lu\navailable: %lu\n"
             "total memory: %lu\nused memory : %lu\nmaximum allocated memory: %lu\n"
             "\nmemory heap address:\nname    : heap\ntotal   : 0x%lu\nused    : 0x%lu\n"
             "max_used: 0x%lu\nheap_ptr: 0x%08lx\n",
             (unsigned long)total, used, max_used, (unsigned long)total - used,
             (unsigned long)total, used, max_used,
             (unsigned long)total, used, max_used, HEAP_BEGIN + CTL);
    assert_true(strncmp(out, expect, strlen(expect)) == 0);
    /* the first block is the main thread's object, named by its creator */
    snprintf(expect, sizeof expect, "--memory item information --\n[0x%08lx - ",
             HEAP_BEGIN + CTL);
    assert_non_null(strstr(out, expect));
    assert_non_null(strstr(out, "] NONE\n"));   /* allocated before the scheduler */
    snprintf(expect, sizeof expect, "%5lu] main\n", (unsigned long)RT_ALIGN(100, A));
    assert_non_null(strstr(out, expect));
    assert_non_null(strstr(out, "K]     \n"));  /* the free tail */
}

static void test_shell_classic(void **state)
{
    (void)state;
    struct rt_sim_config cfg = cfg_with_heap("smallmem-classic");
    assert_int_equal(tu_run(&cfg, shell_main, NULL), RT_SIM_OK);
    const char *out = tu_console();
    rt_size_t total = HEAP_BYTES - 2 * H;          /* no object inside the range */
    unsigned long used, max_used;
    char expect[512];

    assert_true(sscanf(out, "total    : %*d\nused     : %lu\nmaximum  : %lu\n", &used, &max_used) == 2);
    snprintf(expect, sizeof expect,
             "total    : %lu\nused     : %lu\nmaximum  : %lu\navailable: %lu\n"
             "total memory: %lu\nused memory : %lu\nmaximum allocated memory: %lu\n"
             "total memory: %lu\nused memory : %lu\nmaximum allocated memory: %lu\n"
             "\nmemory heap address:\nheap_ptr: 0x%08lx\n",
             (unsigned long)total, used, max_used, (unsigned long)total - used,
             (unsigned long)total, used, max_used, (unsigned long)total, used, max_used,
             HEAP_BEGIN);
    assert_true(strncmp(out, expect, strlen(expect)) == 0);
    snprintf(expect, sizeof expect, "heap_end: 0x%08lx\n", HEAP_BEGIN + HEAP_BYTES - H);
    assert_non_null(strstr(out, expect));
}

/* ------------------------------------------------------------- misuse */
static void init_twice_main(void *arg)
{
    (void)arg;
    static char region[256];
    rt_system_heap_init(region, region + sizeof region);
    tu_log("not reached");
}

static void test_init_twice(void **state)
{
    (void)state;
    tu_console_reset();
    tu_log_reset();
    assert_int_equal(tu_run(NULL, init_twice_main, NULL), RT_SIM_EASSERT);
    assert_non_null(strstr(tu_console(), "rt_system_heap_init: the system heap is already initialised"));
    assert_string_equal(tu_log_text(), "");
}

static void *isr_block;

static void isr_heap_call(void *param)
{
    switch ((int)(uintptr_t)param)
    {
    case 0: rt_malloc(16); break;
    case 1: rt_free(isr_block); break;
    case 2: rt_realloc(isr_block, 64); break;
    default: rt_calloc(2, 8); break;
    }
}

static void isr_main(void *arg)
{
    isr_block = rt_malloc(32);
    rt_sim_irq_at(3, isr_heap_call, arg);
    rt_thread_delay(10);
    tu_log("not reached");
}

static void test_isr_misuse(void **state)
{
    (void)state;
    static const char *const fn[] = { "rt_malloc", "rt_free", "rt_realloc", "rt_malloc" };
    for (int i = 0; i < 4; i++)
    {
        char expect[80];
        tu_console_reset();
        tu_log_reset();
        assert_int_equal(tu_run(NULL, isr_main, (void *)(uintptr_t)i), RT_SIM_EASSERT);
        snprintf(expect, sizeof expect, "Function[%s] shall not be used in ISR", fn[i]);
        assert_non_null(strstr(tu_console(), expect));
        assert_string_equal(tu_log_text(), "");
    }
}

/* ------------------------------------------------ realloc, walk, trace */
static int count_blocks(const struct rt_mem_block *b, void *ctx)
{
    int *n = ctx;
    n[b->kind]++;
    if (b->kind == RT_MEM_BLOCK_DATA && b->used)
        n[RT_MEM_BLOCK_PAGES + 1]++;
    return 0;
}

static void realloc_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_realloc(RT_NULL, 10);
    TU_EXPECT(p != RT_NULL);
    memcpy(p, "123456789", 10);
    unsigned char *q = rt_realloc(p, 5000);
    TU_EXPECT(q != RT_NULL && memcmp(q, "123456789", 10) == 0);
    unsigned char *r = rt_realloc(q, 16);          /* big shrink: in place */
    TU_EXPECT(r == q);
    TU_EXPECT(rt_realloc(r, (rt_size_t)-1) == RT_NULL);
    TU_EXPECT(memcmp(r, "123456789", 10) == 0);
    TU_EXPECT(rt_realloc(r, 0) == RT_NULL);
    TU_EXPECT_INT(rt_system_heap_check(), 0);

    int n[8] = { 0 };
    rt_system_heap_walk(count_blocks, n);
    TU_EXPECT_INT(n[RT_MEM_BLOCK_CONTROL], 1);
    TU_EXPECT_INT(n[RT_MEM_BLOCK_SENTINEL], 1);
    TU_EXPECT(n[RT_MEM_BLOCK_DATA] >= 3);           /* main's object, stack, the rest */

    /* a heap of our own: memtrace shows it (newest first), names blank */
    static unsigned char own[2048] __attribute__((aligned(16)));
    rt_smem_t m = rt_smem_init("own", own, sizeof own);
    void *x = rt_smem_alloc(m, 100);
    tu_console_reset();
    rt_msh_exec("memtrace own");
    rt_smem_free(x);
    rt_smem_detach(m);
}

static void test_realloc_walk(void **state)
{
    (void)state;
    FILE *trace;
    char *text = NULL;
    size_t len = 0;
    struct rt_sim_config cfg;

    tu_config(&cfg);
    trace = open_memstream(&text, &len);
    cfg.trace = trace;
    assert_int_equal(tu_run(&cfg, realloc_main, NULL), RT_SIM_OK);
    fclose(trace);
    assert_non_null(strstr(text, "malloc heap=heap size=2048 addr=0x200"));
    assert_non_null(strstr(text, "realloc heap=heap size=5000"));
    free(text);

    const char *out = tu_console();
    assert_non_null(strstr(out, "name    : own\n"));
    assert_null(strstr(out, "name    : heap\n"));
    char expect[64];
    snprintf(expect, sizeof expect, "%5lu]     \n", (unsigned long)RT_ALIGN(100, A));
    assert_non_null(strstr(out, expect));
}

/* --------------------------------------------- RT-Thread's dynmem sample
 * The behaviour of the kernel sample "dynmem_sample" (the same steps in
 * our own words): double the request until rt_malloc fails. */
static void dynmem_main(void *arg)
{
    (void)arg;
    for (int i = 0;; i++)
    {
        char *ptr = rt_malloc((rt_size_t)1 << i);
        if (ptr != RT_NULL)
        {
            rt_kprintf("get memory :%d byte\n", 1 << i);
            rt_free(ptr);
            rt_kprintf("free memory :%d byte\n", 1 << i);
        }
        else
        {
            rt_kprintf("try to get %d byte memory failed!\n", 1 << i);
            return;
        }
    }
}

static void test_dynmem_sample(void **state)
{
    (void)state;
    static const struct { const char *board; int last_ok; } cases[] = {
        { "stm32f407", 65536 }, { "stm32f103c8", 8192 }, { "stm32f429-disco", 4194304 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
        struct rt_sim_config cfg;
        char expect[4096] = "", line[80];
        tu_config(&cfg);
        cfg.board = cases[c].board;
        tu_console_reset();
        assert_int_equal(tu_run(&cfg, dynmem_main, NULL), RT_SIM_OK);
        int i;
        for (i = 1; i <= cases[c].last_ok; i *= 2)
        {
            snprintf(line, sizeof line, "get memory :%d byte\nfree memory :%d byte\n", i, i);
            strcat(expect, line);
        }
        snprintf(line, sizeof line, "try to get %d byte memory failed!\n", i);
        strcat(expect, line);
        assert_string_equal(tu_console(), expect);
    }
}

static void double_free_main(void *arg)
{
    (void)arg;
    void *p = rt_malloc(32);
    rt_free(p);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_free(p);
    tu_log("not reached");
}

static void test_double_free(void **state)
{
    (void)state;
    tu_log_reset();
    tu_console_reset();
    assert_int_equal(tu_run(NULL, double_free_main, NULL), RT_SIM_EMEMORY);
    assert_string_equal(tu_log_text(), "");
    assert_non_null(strstr(tu_report(), "rtsim: memory error: double free\n"));
}

static void test_double_free_classic(void **state)
{
    (void)state;
    struct rt_sim_config cfg = cfg_with_heap("smallmem-classic");
    tu_console_reset();
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, double_free_main, NULL), RT_SIM_EMEMORY);
    assert_non_null(strstr(tu_report(), "rtsim: memory error: double free\n"));
    /* Without checking, the classic heap's own check speaks (as on a board). */
    cfg.checked = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, double_free_main, NULL), RT_SIM_EASSERT);
    assert_non_null(strstr(tu_console(), "to free a bad data block:\nmem: 0x2000"));
    assert_non_null(strstr(tu_console(), ", used flag: 0, magic code: 0x1ea0\n"));
}

/* The assert stops the run, so the heap is checked from the assert hook,
 * which runs just before the simulator takes over. */
static int heap_after_assert = -1;

static void check_heap_hook(const char *ex, const char *func, rt_size_t line)
{
    (void)ex;
    (void)func;
    (void)line;
    heap_after_assert = rt_system_heap_check();
}

static void foreign_free_main(void *arg)
{
    static long not_heap[8];
    unsigned char *p = rt_malloc(64);
    memset(p, 0xAB, 64);
    rt_assert_set_hook(check_heap_hook);
    switch ((int)(uintptr_t)arg)
    {
    case 0: rt_free(&not_heap[4]); break;           /* not from the heap */
    case 1: rt_free(p + 16); break;                 /* inside a block */
    case 2: rt_free(p + 1); break;                  /* misaligned */
    case 3: rt_realloc(p + 16, 8); break;           /* realloc of a non-block */
    default: rt_free(p); rt_free(p); break;         /* twice */
    }
    tu_log("not reached");
}

static void check_heap_on_error(void)
{
    heap_after_assert = rt_system_heap_check();
}

/* Checked mode (the default) reports each with RT_SIM_EMEMORY; with
 * checking off, the allocator's own asserts still catch them. */
static void test_foreign_free(void **state)
{
    (void)state;
    for (int checked = 0; checked < 2; checked++)
    {
        for (int i = 0; i < 5; i++)
        {
            struct rt_sim_config cfg;
            tu_config(&cfg);
            cfg.checked = checked;
            cfg.on_memory_error = check_heap_on_error;
            tu_log_reset();
            heap_after_assert = -1;
            assert_int_equal(tu_run(&cfg, foreign_free_main, (void *)(uintptr_t)i),
                             checked ? RT_SIM_EMEMORY : RT_SIM_EASSERT);
            assert_string_equal(tu_log_text(), "");
            assert_int_equal(heap_after_assert, 0);     /* reported before any write */
            rt_assert_set_hook(RT_NULL);
        }
    }
}

static void small_init_main(void *arg)
{
    (void)arg;
    static unsigned char tiny[64] __attribute__((aligned(16)));
    tu_console_reset();
    TU_EXPECT(rt_smem_init("tiny", tiny, sizeof tiny) == RT_NULL);
}

static void test_smem_init_too_small(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, small_init_main, NULL), RT_SIM_OK);
    assert_non_null(strstr(tu_console(), "mem init, error begin address 0x"));
}

/* --------------------------------------------------- lock, fresh runs */
static void worker(void *arg)
{
    uint64_t st = (uintptr_t)arg;
    void *slot[16] = { 0 };
    for (int i = 0; i < 400; i++)
    {
        int k = (int)(tu_rand(&st) % 16);
        if (slot[k])
        {
            rt_free(slot[k]);
            slot[k] = RT_NULL;
        }
        else
            slot[k] = rt_malloc((rt_size_t)(tu_rand(&st) % 300) + 1);
        if (i % 7 == 0)
            rt_thread_yield();
    }
    for (int k = 0; k < 16; k++)
        rt_free(slot[k]);
}

static void threads_main(void *arg)
{
    (void)arg;
    rt_size_t used0, used;
    rt_memory_info(RT_NULL, &used0, RT_NULL);
    rt_thread_t t[3];
    for (int i = 0; i < 3; i++)
    {
        char name[8];
        snprintf(name, sizeof name, "w%d", i);
        t[i] = rt_thread_create(name, worker, (void *)(uintptr_t)(i + 11), 512,
                                RT_MAIN_THREAD_PRIORITY, 2);
        rt_thread_startup(t[i]);
    }
    rt_thread_delay(100);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_memory_info(RT_NULL, &used, RT_NULL);
    /* the ended threads' objects are gone too (idle reclaimed them) */
    TU_EXPECT_INT(used, used0);
}

static void test_threads(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    tu_config(&cfg);
    assert_int_equal(tu_run(&cfg, threads_main, NULL), RT_SIM_OK);
    cfg.heap = "smallmem-classic";
    assert_int_equal(tu_run(&cfg, threads_main, NULL), RT_SIM_OK);
}

static void fresh_main(void *arg)
{
    struct rt_memory_stats st;
    (void)arg;
    rt_memory_stats(&st);
    TU_EXPECT_INT(st.failed_allocs, 0);
    hook_log[0] = '\0';
    rt_free(rt_malloc(8));
    TU_EXPECT_STR(hook_log, "");           /* no hook left from a past run */
    rt_malloc(1u << 30);
    rt_malloc_sethook(malloc_hook);
    rt_free_sethook(free_hook);
}

static void test_fresh_each_run(void **state)
{
    (void)state;
    assert_int_equal(tu_run(NULL, fresh_main, NULL), RT_SIM_OK);
    assert_int_equal(tu_run(NULL, fresh_main, NULL), RT_SIM_OK);
    struct rt_sim_config cfg = cfg_with_heap("no-such-heap");
    assert_int_equal(tu_run(&cfg, fresh_main, NULL), RT_SIM_ECONFIG);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_hooks_41),
        cmocka_unit_test(test_hooks_classic),
        cmocka_unit_test(test_calloc_rules),
        cmocka_unit_test(test_align),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_stats_classic),
        cmocka_unit_test(test_shell),
        cmocka_unit_test(test_shell_classic),
        cmocka_unit_test(test_init_twice),
        cmocka_unit_test(test_isr_misuse),
        cmocka_unit_test(test_realloc_walk),
        cmocka_unit_test(test_dynmem_sample),
        cmocka_unit_test(test_double_free),
        cmocka_unit_test(test_double_free_classic),
        cmocka_unit_test(test_foreign_free),
        cmocka_unit_test(test_smem_init_too_small),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_fresh_each_run),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("kheap", tests, NULL, NULL);
}
