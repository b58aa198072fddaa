/*
 * test_fastpath.c - the API fast paths change nothing anyone can see
 * (issue 19).  The same random program - three threads of two priorities
 * allocating, freeing, reallocating through rt_malloc and friends, a
 * memory pool with waits and timeouts, a semaphore, a recursive mutex,
 * delays and yields, an interrupt every 3 ticks - runs twice on each heap
 * algorithm: once with the
 * fast paths (the default) and once with them turned off
 * (rt_system_heap_fast_paths(RT_FALSE): the heap lock always through
 * rt_mutex_take / rt_mutex_release).  The scheduler and allocator trace,
 * every malloc / free / pool hook call with its arguments, the final
 * statistics and the console must be byte-identical.
 *
 * Hooks and tracing send rt_malloc, rt_free and the pools down their full
 * paths, so each heap is also run "quiet" - no hook, no trace - with the
 * program logging what it sees instead: each call's result, the tick and
 * the thread it ran on.  Those logs, the statistics and the console must
 * be identical too (the short paths against the full ones).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../kernel/src/heap.h"

static char hook_log[1 << 20];
static size_t hook_len;

static void logf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(hook_log + hook_len, sizeof hook_log - hook_len, fmt, ap);
    va_end(ap);
    if (n > 0 && hook_len + (size_t)n < sizeof hook_log)
        hook_len += (size_t)n;
}

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void on_malloc(void **pp, rt_size_t size)
{
    void *p = *pp;
#else
static void on_malloc(void *p, rt_size_t size)
{
#endif
    logf_("m %lx %lu\n", (unsigned long)rt_mem_target_addr(p), (unsigned long)size);
}

#if RTSIM_V5_HEAP_HOOKS   /* 5.x flavour: the hook gets the pointer's address */
static void on_free(void **pp)
{
    void *p = *pp;
#else
static void on_free(void *p)
{
#endif
    logf_("f %lx\n", (unsigned long)rt_mem_target_addr(p));
}

static void on_mp_alloc(struct rt_mempool *mp, void *b)
{
    logf_("pa %s %lx\n", mp->parent.name, (unsigned long)((rt_uint8_t *)b - (rt_uint8_t *)mp->start_address));
}

static void on_mp_free(struct rt_mempool *mp, void *b)
{
    logf_("pf %s %lx\n", mp->parent.name, (unsigned long)((rt_uint8_t *)b - (rt_uint8_t *)mp->start_address));
}

static int quiet;   /* no hooks, no trace: the program logs instead */

/* What the calling thread saw: the tick, its name, the call, the result. */
static void seen(const char *what, const void *p)
{
    if (quiet)
        logf_("%lu %s %s %lx\n", (unsigned long)rt_tick_get(), rt_thread_self()->name, what,
              p != RT_NULL ? (unsigned long)rt_mem_target_addr(p) : 0ul);
}

static struct rt_mempool pool;
static rt_uint8_t pool_mem[4 * (32 + sizeof(void *))] __attribute__((aligned(16)));
static struct rt_semaphore sem;
static struct rt_mutex mtx;
static int done;

#define LIVE 24

static void worker(void *arg)
{
    uint64_t st = (uint64_t)(rt_ubase_t)arg * 0x9E3779B97F4A7C15ull + 1;
    void *live[LIVE] = { 0 };
    void *blocks[3] = { 0 };

    for (int i = 0; i < 300; i++)
    {
        unsigned r = (unsigned)(tu_rand(&st) % 100);
        unsigned s = (unsigned)(tu_rand(&st) % LIVE);
        rt_size_t size = (rt_size_t)(tu_rand(&st) % 160);

        if (r < 30)
        {
            seen("f", live[s]);
            rt_free(live[s]);
            live[s] = rt_malloc(size);
            seen("m", live[s]);
        }
        else if (r < 40)
        {
            void *p = rt_realloc(live[s], size);
            seen("r", p);
            if (p != RT_NULL || size == 0)
                live[s] = p;
        }
        else if (r < 45)
        {
            rt_free(live[s]);
            live[s] = rt_calloc(size % 7, size / 7 + 1);
            seen("c", live[s]);
        }
        else if (r < 55)
        {
            unsigned b = s % 3;
            if (blocks[b] != RT_NULL)
            {
                seen("pf", blocks[b]);
                rt_mp_free(blocks[b]);
                blocks[b] = RT_NULL;
            }
            else
            {
                blocks[b] = rt_mp_alloc(&pool, (rt_int32_t)(tu_rand(&st) % 3));
                seen("pa", blocks[b]);
            }
        }
        else if (r < 65)
        {
            if (rt_sem_take(&sem, (rt_int32_t)(tu_rand(&st) % 2)) == RT_EOK)
            {
                rt_thread_yield();
                rt_sem_release(&sem);
            }
        }
        else if (r < 75)
        {
            rt_mutex_take(&mtx, RT_WAITING_FOREVER);
            rt_mutex_take(&mtx, RT_WAITING_FOREVER);
            void *p = rt_malloc(size + 1);
            seen("M", p);
            rt_thread_yield();
            rt_free(p);
            rt_mutex_release(&mtx);
            rt_mutex_release(&mtx);
        }
        else if (r < 85)
        {
            rt_thread_delay((rt_tick_t)(tu_rand(&st) % 3));
            seen("d", RT_NULL);
        }
        else
        {
            rt_thread_yield();
            seen("y", RT_NULL);
        }
    }
    for (int i = 0; i < LIVE; i++)
        rt_free(live[i]);
    for (int i = 0; i < 3; i++)
        if (blocks[i] != RT_NULL)
            rt_mp_free(blocks[i]);
    done++;
}

/* Interrupts land between the threads' calls: the fast paths must leave
 * every delivery point where it was. */
static int irq_live;

static void isr(void *param)
{
    (void)param;
    if (!irq_live)
        return;
    rt_sem_release(&sem);
    rt_sem_take(&sem, 0);
    if (quiet)
        logf_("%lu irq\n", (unsigned long)rt_tick_get());
    if (rt_sim_irq_at(rt_tick_get() + 3, isr, RT_NULL) != 0)
        logf_("irq_at failed\n");
}

static void app_main(void *arg)
{
    (void)arg;
    if (!quiet)
    {
        rt_malloc_sethook(on_malloc);
        rt_free_sethook(on_free);
        rt_mp_alloc_sethook(on_mp_alloc);
        rt_mp_free_sethook(on_mp_free);
    }
    rt_mp_init(&pool, "pool", pool_mem, sizeof pool_mem, 32);
    rt_sem_init(&sem, "sem", 2, RT_IPC_FLAG_PRIO);
    rt_mutex_init(&mtx, "mtx", RT_IPC_FLAG_PRIO);
    done = 0;
    irq_live = 1;
    rt_sim_irq_at(rt_tick_get() + 2, isr, RT_NULL);
    tu_spawn("w1", worker, (void *)1, 10, 3);
    tu_spawn("w2", worker, (void *)2, 12, 2);
    tu_spawn("w3", worker, (void *)3, 12, 5);
    while (done < 3)
        rt_thread_delay(5);
    irq_live = 0;

    rt_size_t total, used, max_used;
    /* The heap lock's own state after the run, as the mutex calls left it. */
    rt_mutex_t hl = (rt_mutex_t)rt_object_find("heap", RT_Object_Class_Mutex);
    if (hl != RT_NULL)
        logf_("lock %u %p %u %u\n", (unsigned)hl->value, (void *)hl->owner,
              (unsigned)hl->hold, (unsigned)hl->original_priority);
    rt_memory_info(&total, &used, &max_used);
    logf_("info %lu %lu %lu check %d pool %lu/%lu\n", (unsigned long)total,
          (unsigned long)used, (unsigned long)max_used, rt_system_heap_check(),
          (unsigned long)pool.block_free_count, (unsigned long)pool.block_total_count);
    rt_malloc_sethook(RT_NULL);
    rt_free_sethook(RT_NULL);
    rt_mp_alloc_sethook(RT_NULL);
    rt_mp_free_sethook(RT_NULL);
    rt_mp_detach(&pool);
    rt_sem_detach(&sem);
    rt_mutex_detach(&mtx);
}

/* One run: trace, hook log, console, each as one string. */
struct outcome
{
    char *trace;
    char *hooks;
    char *console;
    int rc;
};

static struct outcome run_once(const char *heap, rt_bool_t fast, int be_quiet)
{
    struct outcome o;
    struct rt_sim_config cfg;
    char *buf = NULL;
    size_t len = 0;
    FILE *tr = open_memstream(&buf, &len);

    assert_non_null(tr);
    tu_config(&cfg);
    cfg.heap = heap;
    cfg.checked = 0;
    cfg.trace = be_quiet ? NULL : tr;
    quiet = be_quiet;
    hook_len = 0;
    hook_log[0] = '\0';
    tu_console_reset();
    rt_system_heap_fast_paths(fast);
    o.rc = tu_run(&cfg, app_main, NULL);
    rt_system_heap_fast_paths(RT_TRUE);
    fclose(tr);
    o.trace = buf;
    o.hooks = strdup(hook_log);
    o.console = strdup(tu_console());
    return o;
}

static void same_both_ways_as(const char *heap, int be_quiet)
{
    struct outcome a = run_once(heap, RT_TRUE, be_quiet);
    struct outcome b = run_once(heap, RT_FALSE, be_quiet);

    assert_int_equal(a.rc, RT_SIM_OK);
    assert_int_equal(b.rc, RT_SIM_OK);
    /* The program did something: hooks fired (or the program logged),
     * the trace has events (none when quiet), interrupts came. */
    assert_true(strlen(a.hooks) > 1000);
    assert_true(be_quiet ? strlen(a.trace) == 0 : strlen(a.trace) > 1000);
    if (be_quiet)
        assert_non_null(strstr(a.hooks, " irq\n"));
    assert_non_null(strstr(a.hooks, "check 0"));
    assert_string_equal(a.hooks, b.hooks);
    assert_string_equal(a.console, b.console);
    assert_string_equal(a.trace, b.trace);
    free(a.trace);
    free(a.hooks);
    free(a.console);
    free(b.trace);
    free(b.hooks);
    free(b.console);
}

static void same_both_ways(const char *heap)
{
    same_both_ways_as(heap, 0);
    same_both_ways_as(heap, 1);
}

static void test_tlsf(void **state)
{
    (void)state;
    same_both_ways("tlsf");
}

static void test_smallmem(void **state)
{
    (void)state;
    same_both_ways("smallmem");
}

static void test_smallmem_classic(void **state)
{
    (void)state;
    same_both_ways("smallmem-classic");
}

static void test_slab(void **state)
{
    (void)state;
    same_both_ways("slab");
}

static void test_memheap(void **state)
{
    (void)state;
    same_both_ways("memheap");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tlsf),
        cmocka_unit_test(test_smallmem),
        cmocka_unit_test(test_smallmem_classic),
        cmocka_unit_test(test_slab),
        cmocka_unit_test(test_memheap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
