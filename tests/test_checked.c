/*
 * test_checked.c - checked mode (sim/check.c, docs/mistakes.md): every
 * common memory mistake, on every system-heap algorithm and on pools,
 * reported exactly (kind, call, address, thread, tick, block, history),
 * the run stopped with RT_SIM_EMEMORY, the heap intact; leaks; the strict
 * level; fault injection.
 *
 * Each mistake is a small program.  It records, from inside the run, the
 * target addresses and the capacity the report must name; the test then
 * builds the whole expected report and compares it byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

/* ------------------------------------------------------------ harness */
static const char *heap_name;           /* algorithm of the current case */
static unsigned long at_p, at_q;        /* target addresses the report names */
static unsigned long cap_p;             /* capacity of p's block */
static int heap_ok_after = -1;          /* rt_system_heap_check() at the report */

struct cap_ctx { const void *data; rt_size_t cap; };

static int find_cap(const struct rt_mem_block *b, void *ctx)
{
    struct cap_ctx *c = ctx;
    if (b->used && (b->kind == RT_MEM_BLOCK_DATA || b->kind == RT_MEM_BLOCK_PAGES) &&
        (const unsigned char *)b->start + b->header_size == c->data)
    {
        c->cap = b->size;
        return 1;
    }
    return 0;
}

static rt_size_t capacity_of(const void *p)
{
    struct cap_ctx c = { p, 0 };
    rt_system_heap_walk(find_cap, &c);
    return c.cap;
}

static void note_p(void *p)
{
    at_p = rt_sim_target_addr(p);
    cap_p = (unsigned long)capacity_of(p);
}

static void on_error(void)
{
    heap_ok_after = rt_system_heap_check();
}

static void config(struct rt_sim_config *cfg, const char *heap)
{
    tu_config(cfg);
    cfg->heap = heap;
    cfg->on_memory_error = on_error;
}

static int run_on(const char *heap, void (*fn)(void *), int every_call)
{
    struct rt_sim_config cfg;
    config(&cfg, heap);
    cfg.check_every_call = every_call;
    heap_name = heap;
    heap_ok_after = -1;
    at_p = at_q = cap_p = 0;
    tu_console_reset();
    tu_log_reset();
    return tu_run(&cfg, fn, NULL);
}

static char expect[2048];

/* A deliberate mistake: rtsim must report it; Valgrind and ASan, which see
 * it too (that is the point of the annotations), are kept out of it. */
#define POKE(addr, value) rt_sim_poke((addr), (rt_uint8_t)(value))

#define EXPECT_REPORT(...) do {                                              \
        snprintf(expect, sizeof expect, __VA_ARGS__);                        \
        if (strcmp(tu_report(), expect) != 0)                                \
            fail_msg("%s: report\n%s\nexpected\n%s", heap_name, tu_report(), expect); \
    } while (0)

/* The heaps the checker covers.  "tlsf" joins when main has it. */
static const char *const heaps[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };
#define NHEAPS (sizeof heaps / sizeof heaps[0])

static int heap_available(const char *name)
{
    int ok = rt_system_heap_select(name) == RT_EOK;
    rt_system_heap_select(RT_NULL);
    return ok;
}

#define BLOCK_LINE "  block  0x%08lx, 100 bytes (capacity %lu) from heap \"heap\", allocated by \"main\" at tick 1\n"
#define BLOCK_98   "  block  0x%08lx, 98 bytes (capacity %lu) from heap \"heap\", allocated by \"main\" at tick 1\n"

/* ------------------------------------------------------ 1. double free */
static void double_free_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(100);
    note_p(p);
    rt_thread_delay(2);
    rt_free(p);
    rt_thread_delay(3);
    rt_free(p);
    tu_log("not reached");
}

static void test_double_free(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        assert_int_equal(run_on(heaps[h], double_free_main, 0), RT_SIM_EMEMORY);
        assert_string_equal(tu_log_text(), "");
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: double free\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 6\n"
                      BLOCK_LINE
                      "         freed by \"main\" at tick 3\n", at_p, at_p, cap_p);
    }
}

/* --------------------------------------- 2. free of what rt_malloc did not return */
static long not_heap[4];

static void free_static_main(void *arg)
{
    (void)arg;
    at_p = rt_sim_target_addr(&not_heap[1]);
    rt_free(&not_heap[1]);
    tu_log("not reached");
}

static void free_interior_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(100);
    note_p(p);
    rt_free(p + 4);
    tu_log("not reached");
}

static rt_uint8_t pool_mem[1024];
static struct rt_mempool pool;

static void free_pool_block_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    void *b = rt_mp_alloc(&pool, 0);
    at_p = rt_sim_target_addr(b);
    rt_free(b);
    tu_log("not reached");
}

/* A block of a heap the program made itself, given to the system heap. */
static rt_uint8_t own_heap_mem[4096] __attribute__((aligned(16)));
static struct rt_memheap own_memheap;

static void free_other_heap_main(void *arg)
{
    void *b;
    if (arg == RT_NULL)
    {
        rt_smem_t own = rt_smem_init("own", own_heap_mem, sizeof own_heap_mem);
        b = rt_smem_alloc(own, 32);
    }
    else
    {
        rt_memheap_init(&own_memheap, "ownmh", own_heap_mem, sizeof own_heap_mem);
        b = rt_memheap_alloc(&own_memheap, 32);
    }
    at_p = rt_sim_target_addr(b);
    rt_free(b);
    tu_log("not reached");
}

static void test_invalid_free(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        assert_int_equal(run_on(heaps[h], free_static_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: invalid free: the pointer is not in simulated RAM (a host address: a local or global variable, or host malloc)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n", at_p);

        assert_int_equal(run_on(heaps[h], free_interior_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: invalid free: not the start of a block (4 bytes inside)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 1\n"
                      BLOCK_LINE, at_p + 4, at_p, cap_p);

        struct rt_sim_config cfg;
        config(&cfg, heaps[h]);
        tu_console_reset();
        assert_int_equal(tu_run(&cfg, free_other_heap_main, NULL), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: invalid free: the pointer belongs to another heap, \"own\"\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n", at_p);
        tu_console_reset();
        assert_int_equal(tu_run(&cfg, free_other_heap_main, (void *)1), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: invalid free: the pointer belongs to another heap, \"ownmh\"\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n", at_p);

        assert_int_equal(run_on(heaps[h], free_pool_block_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: invalid free: a block of memory pool \"mp\" (use rt_mp_free)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 0\n"
                      "  block  0x%08lx, 32 bytes (capacity 32) from pool \"mp\", allocated by \"main\" at tick 0\n",
                      at_p, at_p);
        assert_string_equal(tu_log_text(), "");
    }
}

/* --------------------------------------------- 3. writing past a block */
/* 98 bytes: rounded up to 100 (32-bit) or 104 (64-bit), so there is
 * slack to guard in both flavours. */
static void overflow_free_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(98);
    note_p(p);
    memset(p, 1, 98);
    POKE(p + 98, 1);     /* one byte too many */
    rt_free(p);
    tu_log("not reached");
}

static void overflow_realloc_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(98);
    note_p(p);
    POKE(p + 99, 7);
    p = rt_realloc(p, 300);
    tu_log("not reached");
}

static void overflow_check_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(98);
    note_p(p);
    POKE(p + 99, 7);
    rt_thread_delay(1);
    (void)rt_malloc(8);     /* the whole-heap check after this call sees it */
    tu_log("not reached");
}

static void test_overflow(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        assert_int_equal(run_on(heaps[h], overflow_free_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: buffer overflow: written past the end of the block (first damaged byte at +98)\n"
                      "  call   rt_free(0x%08lx), thread \"main\" at tick 1\n"
                      BLOCK_98, at_p, at_p, cap_p);

        assert_int_equal(run_on(heaps[h], overflow_realloc_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        EXPECT_REPORT("rtsim: memory error: buffer overflow: written past the end of the block (first damaged byte at +99)\n"
                      "  call   rt_realloc(0x%08lx), thread \"main\" at tick 1\n"
                      BLOCK_98, at_p, at_p, cap_p);

        assert_int_equal(run_on(heaps[h], overflow_check_main, 1), RT_SIM_EMEMORY);
        EXPECT_REPORT("rtsim: memory error: buffer overflow: written past the end of the block (first damaged byte at +99)\n"
                      "  call   whole-heap check after rt_malloc, thread \"main\" at tick 2\n"
                      BLOCK_98, at_p, cap_p);
        assert_string_equal(tu_log_text(), "");
    }
}

/* A request with no slack: the byte after it is the next block's header. */
static void overflow_header_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(96);
    note_p(p);
    (void)rt_malloc(32);                /* a used block after p */
    POKE(p + 96, rt_sim_peek(p + 96) ^ 0x10);
    rt_free(p);
    tu_log("not reached");
}

static void test_overflow_into_header(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        /* slab: chunks have no headers; the next chunk's data is hit
         * (Valgrind and ASan see it; checked mode cannot). */
        if (!heap_available(heaps[h]) || !strcmp(heaps[h], "slab"))
            continue;
        assert_int_equal(run_on(heaps[h], overflow_header_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after == 0, 0);    /* the user broke it, not rtsim */
        /* The metadata shadow sees it first (tests/test_corruption.c has
         * the whole report). */
        snprintf(expect, sizeof expect, "rtsim: memory error: heap overflow from the block at 0x%08lx: "
                 "the header of the block at ", at_p);
        assert_int_equal(strncmp(tu_report(), expect, strlen(expect)), 0);
        snprintf(expect, sizeof expect, "  call   rt_free(0x%08lx), thread \"main\" at tick 1\n", at_p);
        assert_non_null(strstr(tu_report(), expect));
        snprintf(expect, sizeof expect, "  block  0x%08lx, 96 bytes (capacity %lu) from heap \"heap\", "
                 "allocated by \"main\" at tick 1\n", at_p, cap_p);
        assert_non_null(strstr(tu_report(), expect));
        assert_string_equal(tu_log_text(), "");
    }
}

/* ------------------------------------------------ 4. use after free */
static void write_after_free_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(100);
    note_p(p);
    rt_thread_delay(1);
    rt_free(p);
    POKE(p + 40, 0x55);  /* past any allocator link in a free block */
    rt_thread_delay(1);
    /* Until the allocator hands p's memory out again: at once for most,
     * after every never-used chunk of the zone for slab. */
    for (int i = 0; i < 1000; i++)
        (void)rt_malloc(100);
    tu_log("not reached");
}

static void test_write_after_free(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        assert_int_equal(run_on(heaps[h], write_after_free_main, 0), RT_SIM_EMEMORY);
        assert_int_equal(heap_ok_after, 0);
        /* at_q is not known here (the run stopped inside rt_malloc): the
         * call names the block handed out, which is p's again. */
        EXPECT_REPORT("rtsim: memory error: write after free: byte 0x%08lx (+40 in the freed block) was overwritten\n"
                      "  call   rt_malloc(0x%08lx), thread \"main\" at tick 3\n"
                      BLOCK_LINE
                      "         freed by \"main\" at tick 2\n", at_p + 40, at_p, at_p, cap_p);
    }
}

/* With the whole-heap check after every call, the next heap call sees it
 * even when it reuses nothing. */
static void write_after_free_every_call_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *q = rt_malloc(100);  /* same size: one slab zone */
    unsigned char *p = rt_malloc(100);
    note_p(p);
    rt_thread_delay(1);
    rt_free(p);
    POKE(p + 40, 0x55);
    rt_thread_delay(1);
    rt_free(q);                         /* a call that reuses nothing */
    tu_log("not reached");
}

static void test_write_after_free_every_call(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        assert_int_equal(run_on(heaps[h], write_after_free_every_call_main, 1), RT_SIM_EMEMORY);
        assert_non_null(strstr(tu_report(), "rtsim: memory error: write after free: byte "));
        assert_non_null(strstr(tu_report(), "(+40 in the freed block) was overwritten\n"
                                            "  call   whole-heap check after rt_free, thread \"main\" at tick 3\n"));
        snprintf(expect, sizeof expect, BLOCK_LINE "         freed by \"main\" at tick 2\n", at_p, cap_p);
        assert_non_null(strstr(tu_report(), expect));
        assert_string_equal(tu_log_text(), "");
    }
}

/* ----------------------------- 5. a write before the block (its header) */
static void header_main(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    unsigned char *p = rt_malloc(100);
    note_p(p);
    POKE(p - 1, rt_sim_peek(p - 1) ^ 0x40);
    rt_free(p);
    tu_log("not reached");
}

static void test_header_overwritten(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        /* slab chunks have no header: the byte before is the previous
         * chunk's (its slack, caught as that block's overflow). */
        if (!heap_available(heaps[h]) || !strcmp(heaps[h], "slab"))
            continue;
        assert_int_equal(run_on(heaps[h], header_main, 0), RT_SIM_EMEMORY);
        snprintf(expect, sizeof expect, "rtsim: memory error: heap underflow from the block at 0x%08lx: "
                 "its own header was overwritten (a write before the block)\n"
                 "  call   rt_free(0x%08lx), thread \"main\" at tick 1\n", at_p, at_p);
        assert_int_equal(strncmp(tu_report(), expect, strlen(expect)), 0);
        snprintf(expect, sizeof expect, BLOCK_LINE, at_p, cap_p);
        assert_non_null(strstr(tu_report(), expect));
    }
}

/* ----------------------------------- 6. rt_malloc_align / rt_free_align */
static void align_mix_main(void *arg)
{
    if (arg == RT_NULL)
        rt_free(rt_malloc_align(100, 64));  /* should be rt_free_align */
    else
        rt_free_align(rt_malloc(16));       /* should be rt_free */
    tu_log("not reached");
}

static void align_under_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc_align(100, 64);
    at_p = rt_sim_target_addr(p);
    POKE(p + 100, 1);
    rt_free_align(p);
    tu_log("not reached");
}

static void test_align_mistakes(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    config(&cfg, "smallmem");
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, align_mix_main, NULL), RT_SIM_EMEMORY);
    assert_non_null(strstr(tu_report(), "rtsim: memory error: invalid free: a block from rt_malloc_align (use rt_free_align)\n"));
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, align_mix_main, (void *)1), RT_SIM_EMEMORY);
    assert_non_null(strstr(tu_report(), "rtsim: memory error: invalid free: rt_free_align of a block that rt_malloc_align did not return (use rt_free)\n"));
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, align_under_main, NULL), RT_SIM_EMEMORY);
    snprintf(expect, sizeof expect, "rtsim: memory error: buffer overflow: written past the end of the block (first damaged byte at +100)\n"
             "  call   rt_free_align(0x%08lx)", at_p);
    assert_non_null(strstr(tu_report(), expect));
    assert_string_equal(tu_log_text(), "");
}

/* ------------------------------------------------------------ 7. pools */
static void mp_double_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    rt_thread_delay(1);
    void *b = rt_mp_alloc(&pool, 0);
    at_p = rt_sim_target_addr(b);
    rt_thread_delay(1);
    rt_mp_free(b);
    rt_thread_delay(1);
    rt_mp_free(b);
    tu_log("not reached");
}

static void mp_interior_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    (void)rt_mp_alloc(&pool, 0);
    unsigned char *b = rt_mp_alloc(&pool, 0);
    at_p = rt_sim_target_addr(b);
    rt_mp_free(b + 4);
    tu_log("not reached");
}

static void mp_foreign(int outside)
{
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    void *b = outside ? (void *)&not_heap[2] : rt_malloc(32);
    at_p = rt_sim_target_addr(b);
    rt_mp_free(b);
    tu_log("not reached");
}

static void mp_heap_block_main(void *arg) { (void)arg; mp_foreign(0); }
static void mp_static_main(void *arg) { (void)arg; mp_foreign(1); }

static void mp_write_after_free_main(void *arg)
{
    (void)arg;
    rt_mp_init(&pool, "mp", pool_mem, sizeof pool_mem, 32);
    unsigned char *b = rt_mp_alloc(&pool, 0);
    at_p = rt_sim_target_addr(b);
    rt_thread_delay(1);
    rt_mp_free(b);
    POKE(b + 5, 1);
    rt_thread_delay(1);
    (void)rt_mp_alloc(&pool, 0);        /* the same block (LIFO) */
    tu_log("not reached");
}

static void test_mempool(void **state)
{
    (void)state;
    assert_int_equal(run_on("smallmem", mp_double_main, 0), RT_SIM_EMEMORY);
    EXPECT_REPORT("rtsim: memory error: mempool double free (pool \"mp\")\n"
                  "  call   rt_mp_free(0x%08lx), thread \"main\" at tick 3\n"
                  "  block  0x%08lx, 32 bytes (capacity 32) from pool \"mp\", allocated by \"main\" at tick 1\n"
                  "         freed by \"main\" at tick 2\n", at_p, at_p);

    assert_int_equal(run_on("smallmem", mp_interior_main, 0), RT_SIM_EMEMORY);
    EXPECT_REPORT("rtsim: memory error: mempool invalid free: not the start of a block (4 bytes inside a block of pool \"mp\")\n"
                  "  call   rt_mp_free(0x%08lx), thread \"main\" at tick 0\n"
                  "  block  0x%08lx, 32 bytes (capacity 32) from pool \"mp\", allocated by \"main\" at tick 0\n",
                  at_p + 4, at_p);

    assert_int_equal(run_on("smallmem", mp_heap_block_main, 0), RT_SIM_EMEMORY);
    assert_non_null(strstr(tu_report(), "rtsim: memory error: mempool invalid free: a block of the heap (use rt_free)\n"));

    assert_int_equal(run_on("smallmem", mp_static_main, 0), RT_SIM_EMEMORY);
    EXPECT_REPORT("rtsim: memory error: mempool invalid free: the pointer is not in simulated RAM (a host address: a local or global variable, or host malloc)\n"
                  "  call   rt_mp_free(0x%08lx), thread \"main\" at tick 0\n", at_p);

    assert_int_equal(run_on("smallmem", mp_write_after_free_main, 0), RT_SIM_EMEMORY);
    EXPECT_REPORT("rtsim: memory error: write after free: byte 0x%08lx (+5 in the freed block) was overwritten\n"
                  "  call   rt_mp_alloc(0x%08lx), thread \"main\" at tick 2\n"
                  "  block  0x%08lx, 32 bytes (capacity 32) from pool \"mp\", allocated by \"main\" at tick 0\n"
                  "         freed by \"main\" at tick 1\n", at_p + 5, at_p, at_p);
    assert_string_equal(tu_log_text(), "");
}

/* ------------------------------------------------------------- 8. leaks */
void checked_leaky_main(void *arg);         /* checked_sites.c */
void checked_leaky_worker(void *arg);

/* Built without the allocation-site macros: no file:line in its leak. */
void checked_leaky_worker(void *arg)
{
    (void)arg;
    rt_thread_delay(1);
    (void)rt_malloc(20);
}

static void test_leaks(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    config(&cfg, "smallmem");
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, checked_leaky_main, NULL), RT_SIM_OK);
    const char *rep = tu_report();
    assert_non_null(strstr(rep, "rtsim: 2 blocks (60 bytes) still allocated at the end of the run:\n"));
    assert_non_null(strstr(rep, " 40 bytes, allocated by \"main\" at tick 2 (")); 
    assert_non_null(strstr(rep, "checked_sites.c:"));
    assert_non_null(strstr(rep, " 20 bytes, allocated by \"worker\" at tick 3\n"));

    cfg.leaks_fail = 1;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, checked_leaky_main, NULL), RT_SIM_ELEAK);

    /* Off: nothing is listed. */
    cfg.checked = 0;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, checked_leaky_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_report(), "");
}

/* A clean program: nothing at all is reported, on every heap. */
static void clean_main(void *arg)
{
    (void)arg;
    void *keep[16];
    for (int i = 0; i < 16; i++)
        keep[i] = rt_malloc((rt_size_t)(i % 3 * 100 + 20));
    for (int i = 0; i < 16; i += 2)
        keep[i] = rt_realloc(keep[i], 300);
    for (int i = 0; i < 16; i++)
        rt_free(keep[i]);
    void *a = rt_malloc_align(50, 32);
    rt_free_align(a);
    rt_mp_t mp = rt_mp_create("mp", 4, 24);
    void *b = rt_mp_alloc(mp, 0);
    rt_mp_free(b);
    rt_mp_delete(mp);
}

static void test_clean_program(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHEAPS; h++)
    {
        if (!heap_available(heaps[h]))
            continue;
        for (int every = 0; every < 2; every++)
        {
            struct rt_sim_config cfg;
            config(&cfg, heaps[h]);
            cfg.board = "stm32f429-disco";  /* slab needs a zone per size class */
            cfg.check_every_call = every;
            cfg.leaks_fail = 1;
            tu_console_reset();
            int rc = tu_run(&cfg, clean_main, NULL);
            if (rc != RT_SIM_OK || strcmp(tu_report(), ""))
                fail_msg("%s every=%d: rc %d\n%s%s", heaps[h], every, rc, tu_report(), tu_console());
        }
        struct rt_sim_config cfg;
        config(&cfg, heaps[h]);
        cfg.board = "stm32f429-disco";
        cfg.checked = 2;
        tu_console_reset();
        int rc = tu_run(&cfg, clean_main, NULL);
        if (rc != RT_SIM_OK || strcmp(tu_report(), ""))
            fail_msg("%s strict: rc %d\n%s%s", heaps[h], rc, tu_report(), tu_console());
    }
}

/* ------------------------------------------------ 9. what checking costs */
static rt_size_t used_after;

static void numbers_main(void *arg)
{
    (void)arg;
    rt_size_t used0;
    rt_memory_info(RT_NULL, &used0, RT_NULL);
    void *p = rt_malloc(100);
    rt_memory_info(RT_NULL, &used_after, RT_NULL);
    used_after -= used0;
    rt_free(p);
}

static void test_numbers_by_level(void **state)
{
    (void)state;
    rt_size_t used[3];
    for (int level = 0; level < 3; level++)
    {
        struct rt_sim_config cfg;
        config(&cfg, "smallmem");
        cfg.checked = level;
        assert_int_equal(tu_run(&cfg, numbers_main, NULL), RT_SIM_OK);
        used[level] = used_after;
    }
    /* Level 1 changes nothing; level 2 adds 2 * RT_ALIGN_SIZE of guard. */
    assert_int_equal(used[1], used[0]);
    assert_int_equal(used[2], used[0] + 2 * RT_ALIGN_SIZE);
}

/* Strict: a freed block stays out of reuse (quarantine) and its poison is
 * checked when it leaves; a write into it is caught then. */
static void quarantine_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(64);
    note_p(p);
    rt_free(p);
    unsigned char *q = rt_malloc(64);
    TU_EXPECT(q != p);                  /* held back */
    rt_free(q);
    POKE(p, 9);                  /* even the first word: no link there */
    for (int i = 0; i < 20; i++)        /* push p out of the quarantine */
        rt_free(rt_malloc(8));
    tu_log("not reached");
}

static void test_strict_quarantine(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    config(&cfg, "smallmem");
    cfg.checked = 2;
    tu_console_reset();
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, quarantine_main, NULL), RT_SIM_EMEMORY);
    snprintf(expect, sizeof expect, "rtsim: memory error: write after free: byte 0x%08lx (+0 in the freed block) was overwritten\n", at_p);
    assert_non_null(strstr(tu_report(), expect));
    assert_string_equal(tu_log_text(), "");
}

/* ------------------------------------------------- 10. fault injection */
static int nulls_seen;

static void count_main(void *arg)
{
    (void)arg;
    char pattern[16] = { 0 };
    for (int i = 0; i < 10; i++)
    {
        void *p = rt_malloc(16);
        pattern[i] = p ? 'o' : 'x';
        rt_free(p);
    }
    tu_log("%s", pattern);
}

static void test_fail_alloc(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    config(&cfg, "smallmem");
    cfg.fail_alloc_nth = 3;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "ooxooooooo");

    config(&cfg, "smallmem");
    cfg.fail_alloc_after = 7;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "oooooooxxx");

    /* Seeded probability: the same seed fails the same calls. */
    char first[16];
    config(&cfg, "smallmem");
    cfg.fail_alloc_p = 0.5;
    cfg.fail_alloc_seed = 7;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    snprintf(first, sizeof first, "%s", tu_log_text());
    assert_non_null(strchr(first, 'x'));
    assert_non_null(strchr(first, 'o'));
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), first);

    /* From the environment, counting one heap only. */
    config(&cfg, "smallmem");
    setenv("RTSIM_FAIL_ALLOC", "nth=2,heap=heap", 1);
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "oxoooooooo");
    setenv("RTSIM_FAIL_ALLOC", "nth=2,heap=other", 1);
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, count_main, NULL), RT_SIM_OK);
    assert_string_equal(tu_log_text(), "oooooooooo");
    unsetenv("RTSIM_FAIL_ALLOC");
}

/* The standard loop: fail allocation N = 1, 2, 3, ... of a program until a
 * run sees no failure; every run must end cleanly (no leak, no memory
 * error) with a heap whose check() passes and whose `used` is back. */
typedef void (*program_fn)(void *);

static int sample_lines_missing(void);

static void loop_until_clean(const char *heap, const char *only, program_fn fn, int max_n)
{
    int n;
    for (n = 1; n <= max_n; n++)
    {
        struct rt_sim_config cfg;
        config(&cfg, heap);
        cfg.fail_alloc_nth = (unsigned long)n;
        cfg.fail_alloc_heap = only;
        cfg.leaks_fail = 1;
        nulls_seen = 0;
        tu_console_reset();
        int rc = tu_run(&cfg, fn, NULL);
        if (rc != RT_SIM_OK)
            fail_msg("%s, allocation %d failed: rc %d\n%s", heap, n, rc, tu_report());
        if (only && !strcmp(only, "mp1") && sample_lines_missing())
            nulls_seen++;
        if (nulls_seen == 0)
            break;
    }
    if (n > max_n)
        fail_msg("%s: still failing after %d runs", heap, max_n);
}

static void expect_heap_back(rt_size_t used0)
{
    rt_size_t used;
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    rt_memory_info(RT_NULL, &used, RT_NULL);
    TU_EXPECT_INT(used, used0);
}

static void mp_create_program(void *arg)
{
    (void)arg;
    rt_size_t used0;
    rt_memory_info(RT_NULL, &used0, RT_NULL);
    rt_mp_t mp = rt_mp_create("mp", 8, 40);
    if (mp == RT_NULL)
    {
        nulls_seen++;
        expect_heap_back(used0);
        return;
    }
    void *b = rt_mp_alloc(mp, 0);
    if (b == RT_NULL)
        nulls_seen++;
    rt_mp_free(b);
    TU_EXPECT_INT(rt_mp_check(mp), 0);
    rt_mp_delete(mp);
    expect_heap_back(used0);
}

static void memheap_fallback_program(void *arg)
{
    (void)arg;
    void *p[6];
    int in_ccm = 0;
    for (int i = 0; i < 6; i++)
    {
        p[i] = rt_malloc(200);
        if (p[i] == RT_NULL)
            nulls_seen++;
        else if ((rt_sim_target_addr(p[i]) >> 28) == 0x1)   /* CCM at 0x10000000 */
            in_ccm++;
    }
    /* With heap=heap, a failed allocation of "heap" falls back to CCM. */
    TU_EXPECT_INT(nulls_seen, 0);
    if (in_ccm)
        nulls_seen = 1;
    for (int i = 0; i < 6; i++)
        rt_free(p[i]);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

static void slab_refill_program(void *arg)
{
    (void)arg;
    void *p[20];
    for (int i = 0; i < 20; i++)        /* 2 KiB chunks: a zone holds 15 */
    {
        p[i] = rt_malloc(2000);
        if (p[i] == RT_NULL)
            nulls_seen++;
    }
    TU_EXPECT_INT(rt_system_heap_check(), 0);
    for (int i = 19; i >= 0; i--)
        rt_free(p[i]);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

int mempool_sample(void);               /* tests/samples/mempool_sample.c */

/* The sample handles a failed rt_mp_alloc by skipping that block (a
 * failed thread creation would leave the other thread waiting forever:
 * the sample does not handle that, so the loop fails its pool only). */
static void sample_program(void *arg)
{
    (void)arg;
    mempool_sample();
    rt_thread_delay(100);
    TU_EXPECT_INT(rt_system_heap_check(), 0);
}

/* Did the sample get fewer than its 50 blocks (an injected failure)? */
static int sample_lines_missing(void)
{
    int n = 0;
    for (const char *c = tu_console(); (c = strstr(c, "allocate No.")) != NULL; c++)
        n++;
    return n < 50;
}

static void test_fail_loops(void **state)
{
    (void)state;
    loop_until_clean("smallmem", RT_NULL, mp_create_program, 10);
    loop_until_clean("memheap", "heap", memheap_fallback_program, 10);
    loop_until_clean("slab", RT_NULL, slab_refill_program, 25);
    loop_until_clean("smallmem", "mp1", sample_program, 60);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_free),
        cmocka_unit_test(test_invalid_free),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_overflow_into_header),
        cmocka_unit_test(test_write_after_free),
        cmocka_unit_test(test_write_after_free_every_call),
        cmocka_unit_test(test_header_overwritten),
        cmocka_unit_test(test_align_mistakes),
        cmocka_unit_test(test_mempool),
        cmocka_unit_test(test_leaks),
        cmocka_unit_test(test_clean_program),
        cmocka_unit_test(test_numbers_by_level),
        cmocka_unit_test(test_strict_quarantine),
        cmocka_unit_test(test_fail_alloc),
        cmocka_unit_test(test_fail_loops),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("checked", tests, NULL, NULL);
}
