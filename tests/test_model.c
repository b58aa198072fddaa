/*
 * test_model.c - the word-size model of this build (docs/model.md).
 *
 * meson passes RTSIM_MODEL_BITS: 32 in the default build (the 32-bit
 * target model, gcc -m32: the boards' numbers), 64 with -Dmodel=host.
 * The numbers below are the RT-Thread manual's for a 32-bit MCU and their
 * 64-bit counterparts; the library's own configuration record must agree
 * with this program's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rtthread.h>
#include <rtmm.h>
#include <rtsim.h>

#ifndef RTSIM_MODEL_BITS
#error "meson passes -DRTSIM_MODEL_BITS=32 or 64"
#endif

static void test_pointer_size(void **state)
{
    (void)state;
    assert_int_equal(sizeof(void *) * 8, RTSIM_MODEL_BITS);
    assert_int_equal(sizeof(rt_ubase_t) * 8, RTSIM_MODEL_BITS);
    assert_int_equal(RT_ALIGN_SIZE, RTSIM_MODEL_BITS == 32 ? 4 : 8);
}

struct first_used { rt_size_t header; rt_size_t size; int seen; };

static int find_used(const struct rt_mem_block *b, void *ctx)
{
    struct first_used *f = ctx;
    if (b->kind == RT_MEM_BLOCK_DATA && b->used)
    {
        f->header = b->header_size;
        f->size = b->size;
        f->seen++;
    }
    return 0;
}

/* The small-memory heap's block header: 12 bytes on the board (the
 * manual's number), 24 on a 64-bit host; and the manual's memory-pool
 * sample: 4096 bytes of 80-byte blocks hold 48 on the board (a 4-byte
 * block header), 46 on a 64-bit host.  Measured inside a run, on a heap and
 * a pool of their own. */
static struct first_used seen;
static rt_size_t pool_total, pool_free;

static void measure_main(void *arg)
{
    (void)arg;
    static rt_uint64_t arena[4096 / 8];
    rt_smem_t m = rt_smem_init("model", arena, sizeof arena);
    if (m)
    {
        void *p = rt_smem_alloc(m, 100);
        rt_smem_walk(m, find_used, &seen);
        rt_smem_free(p);
        rt_smem_detach(m);
    }
    static rt_uint64_t pool_mem[4096 / 8];
    static struct rt_mempool mp;
    if (rt_mp_init(&mp, "mp1", pool_mem, sizeof pool_mem, 80) == RT_EOK)
    {
        pool_total = mp.block_total_count;
        pool_free = mp.block_free_count;
        rt_mp_detach(&mp);
    }
}

static void test_smem_header(void **state)
{
    (void)state;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(rt_sim_run(NULL, measure_main, NULL), RT_SIM_OK);
    assert_int_equal(seen.seen, 1);
    assert_int_equal(seen.header, RTSIM_MODEL_BITS == 32 ? 12 : 24);
    assert_int_equal(seen.size, RTSIM_MODEL_BITS == 32 ? 100 : 104);   /* RT_ALIGN(100, RT_ALIGN_SIZE) */
}

static void test_mempool_blocks(void **state)
{
    (void)state;
    pool_total = pool_free = 0;
    assert_int_equal(rt_sim_run(NULL, measure_main, NULL), RT_SIM_OK);
    assert_int_equal(pool_total, RTSIM_MODEL_BITS == 32 ? 48 : 46);
    assert_int_equal(pool_free, pool_total);
}

/* This program was compiled with the library's configuration: no knob
 * differs, and the checked rt_sim_run runs. */
static int ran;
static void app_main(void *arg)
{
    (void)arg;
    ran = 1;
}

static void test_same_configuration(void **state)
{
    (void)state;
    assert_int_equal(rt_sim_config_check(rt_sim_program_knobs(), NULL), 0);
    assert_true(rt_sim_program_knobs()->count >= 20);
    ran = 0;
    assert_int_equal(rt_sim_run(NULL, app_main, NULL), RT_SIM_OK);
    assert_int_equal(ran, 1);
    /* The macro takes a compound literal with commas as cfg ... */
    ran = 0;
    assert_int_equal(rt_sim_run(&(struct rt_sim_config){ .board = "stm32f103c8",
                                                         .heap = "smallmem", .seed = 3 },
                                app_main, NULL), RT_SIM_OK);
    assert_int_equal(ran, 1);
    /* ... and the function itself stays callable (the ABI), unchecked. */
    int (*run)(const struct rt_sim_config *, void (*)(void *), void *) = rt_sim_run;
    ran = 0;
    assert_int_equal(run(NULL, app_main, NULL), RT_SIM_OK);
    assert_int_equal((rt_sim_run)(NULL, app_main, NULL), RT_SIM_OK);
    assert_int_equal(ran, 1);
}

/* A record that differs in one knob is named, with both values; one of
 * another length says it comes from another rtsim.h. */
static void test_doctored_record(void **state)
{
    (void)state;
    const struct rt_sim_knobs *mine = rt_sim_program_knobs();
    static unsigned long value[64];
    assert_true(mine->count <= 64);
    memcpy(value, mine->value, mine->count * sizeof value[0]);
    /* The third knob is RT_NAME_MAX (rtsim.h's table). */
    value[2] = 8;
    struct rt_sim_knobs other = { mine->count, value };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(rt_sim_config_check(&other, f), 1);
    fclose(f);
    assert_non_null(strstr(text, "  RT_NAME_MAX: program 8, library 16 \xe2\x80\x94 "
                                 "rebuild rtsim with your rtconfig.h\n"));
    free(text);

    value[2] = mine->value[2];
    other.count = mine->count - 1;
    f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(rt_sim_config_check(&other, f), 1);
    fclose(f);
    assert_non_null(strstr(text, "configuration record: program"));
    free(text);
    assert_int_equal(rt_sim_config_check(NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pointer_size),
        cmocka_unit_test(test_smem_header),
        cmocka_unit_test(test_mempool_blocks),
        cmocka_unit_test(test_same_configuration),
        cmocka_unit_test(test_doctored_record),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
