/*
 * test_smem_codecs.c - the small-memory heap is one algorithm with two
 * header codecs (kernel/src/smem_core.h; mem.c = 4.1.0+, mem_classic.c =
 * before 4.1.0).  The same seeded sequence of alloc / realloc / free goes
 * to a 4.1 heap and a classic heap laid over two arenas of identical
 * garbage; after every step both heaps pass their check, their block
 * chains (offset, size, used) are equal, and the two ranges differ only in
 * header bytes:
 *   - the first word of a header, current or merged away earlier (owner
 *     word | used bit against magic + used; 4.1 clears it when merging,
 *     classic keeps it: C3),
 *   - the sentinel's prev link (scratch in 4.1, never rewritten classic).
 * This holds on the 32-bit target model, where both MIN_SIZEs are 12; on
 * a 64-bit target 4.1's MIN_SIZE is 24 (it grows with the header) and the
 * classic one stays 12, so splits differ by design: there the test checks
 * that one difference instead.  Requests stay at 24 bytes or more and live data below
 * half the heap (the classic strict
 * loop bound, C2, only matters for a block touching heap_end; a request
 * that would fill that block exactly is skipped).
 */
#include <stdlib.h>
#include <string.h>

#include "heaptest.h"
#include "testutil.h"

#define HEAP_BYTES  8192
#define SLOTS       24
#define STEPS       3000

struct chain { rt_size_t n; const void *start[512]; rt_size_t size[512]; rt_bool_t used[512];
               rt_uint8_t kind[512]; };

static unsigned char arena[2][HEAP_BYTES] __attribute__((aligned(64)));
static unsigned char was_header[HEAP_BYTES];   /* 1: a header once began here */
static rt_size_t last_free_cap;
static struct chain cn;                         /* the 4.1 heap's blocks after a step */

static int chain_block(const struct rt_mem_block *b, void *ctx)
{
    struct chain *c = ctx;
    if (c->n < 512)
    {
        c->start[c->n] = b->start;
        c->size[c->n] = b->size;
        c->used[c->n] = b->used;
        c->kind[c->n] = b->kind;
        c->n++;
    }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    rt_system_object_init();
    return 0;
}

/* Compare the two heaps after a step. */
static void compare(rt_smem_t n, rt_smem_t c, int step)
{
    static struct chain cc;
    const size_t W = sizeof(rt_ubase_t), H = W + 2 * sizeof(rt_size_t);

    assert_int_equal(rt_smem_check(n), 0);
    assert_int_equal(rt_smem_classic_check(c), 0);
    assert_int_equal(n->used, c->used);
    assert_int_equal(n->max, c->max);
    assert_int_equal(n->total, c->total);

    cn.n = cc.n = 0;
    rt_smem_walk(n, chain_block, &cn);
    rt_smem_classic_walk(c, chain_block, &cc);
    assert_int_equal(cn.n, cc.n);
    for (rt_size_t i = 0; i < cn.n; i++)
    {
        size_t on = (size_t)((const unsigned char *)cn.start[i] - arena[0]);
        size_t oc = (size_t)((const unsigned char *)cc.start[i] - arena[1]);
        if (on != oc || cn.size[i] != cc.size[i] || cn.used[i] != cc.used[i] ||
            cn.kind[i] != cc.kind[i])
            fail_msg("step %d: block %lu differs: +%zu/%lu/%d against +%zu/%lu/%d", step,
                     (unsigned long)i, on, (unsigned long)cn.size[i], cn.used[i], oc,
                     (unsigned long)cc.size[i], cc.used[i]);
        if (cn.kind[i] != RT_MEM_BLOCK_CONTROL)
            was_header[on] = 1;
    }

    last_free_cap = cn.used[cn.n - 2] ? 0 : cn.size[cn.n - 2];

    /* Byte by byte over the blocks (the control blocks differ: name,
     * algorithm string). */
    size_t first = (size_t)((const unsigned char *)cn.start[1] - arena[0]);
    size_t sentinel = (size_t)((const unsigned char *)cn.start[cn.n - 1] - arena[0]);
    for (size_t o = first; o < sentinel + H; o++)
    {
        if (arena[0][o] == arena[1][o])
            continue;
        size_t h = o - o % W;           /* headers are word aligned */
        /* Byte k of an owner word (0, heap | 0, heap | 1) against byte k
         * of magic + used (0x1ea0, used 0 or 1): a header of the chain, or
         * one merged away (also within a single call: a realloc that
         * splits, then merges), perhaps partly overwritten since by the
         * data of a block that now covers it. */
        size_t k = o - h;
        rt_ubase_t owner[3] = { 0, (rt_ubase_t)n, (rt_ubase_t)n | 1 };
        rt_ubase_t magic_used[2] = { 0x1ea0, 0x1ea0 | (rt_ubase_t)1 << 16 };
        int a_ok = 0, b_ok = 0;
        for (int x = 0; x < 3; x++)
            a_ok |= arena[0][o] == ((const unsigned char *)&owner[x])[k];
        for (int x = 0; x < 2; x++)
            b_ok |= arena[1][o] == ((const unsigned char *)&magic_used[x])[k];
        int header_word = was_header[h] || (a_ok && b_ok);
        int allowed = header_word ||
                      (o >= sentinel + W + sizeof(rt_size_t) && o < sentinel + H);
        if (!allowed)
            fail_msg("step %d: byte +%zu differs outside the header words (%02x against %02x)",
                     step, o, arena[0][o], arena[1][o]);
    }
}

static void test_same_sequence_both_codecs(void **state)
{
    (void)state;
    uint64_t seed = tu_seed(0x5eedc0de), rng = seed;
    unsigned char *live[2][SLOTS] = { { 0 } };
    rt_size_t live_size[SLOTS] = { 0 }, live_total = 0;

    ht_garbage(arena[0], HEAP_BYTES, 0xc0dec);
    memcpy(arena[1], arena[0], HEAP_BYTES);
    memset(was_header, 0, sizeof was_header);
    rt_smem_t n = rt_smem_init("new", arena[0], HEAP_BYTES);
    rt_smem_t c = rt_smem_classic_init("old", arena[1], HEAP_BYTES);
    assert_non_null(n);
    assert_non_null(c);
    compare(n, c, -1);

    for (int step = 0; step < STEPS; step++)
    {
        int i = (int)(tu_rand(&rng) % SLOTS);
        rt_size_t size = 24 + (rt_size_t)(tu_rand(&rng) % 300);
        int op = (int)(tu_rand(&rng) % 3);

        /* C2: only the classic heap refuses a request that fills the block
         * before the sentinel exactly; keep the two heaps in step. */
        if (RT_ALIGN(size, RT_ALIGN_SIZE) == last_free_cap)
            continue;

        if (live[0][i] == RT_NULL)
        {
            if (live_total + size > HEAP_BYTES / 2)
                continue;
            live[0][i] = rt_smem_alloc(n, size);
            live[1][i] = rt_smem_classic_alloc(c, size);
            assert_true((live[0][i] == RT_NULL) == (live[1][i] == RT_NULL));
            if (live[0][i] != RT_NULL)
            {
                assert_int_equal(live[0][i] - arena[0], live[1][i] - arena[1]);
                memset(live[0][i], step & 0xFF, size);
                memset(live[1][i], step & 0xFF, size);
                live_size[i] = size;
                live_total += size;
            }
        }
        else if (op == 0 && live_total - live_size[i] + size <= HEAP_BYTES / 2)
        {
            unsigned char *a = rt_smem_realloc(n, live[0][i], size);
            unsigned char *b = rt_smem_classic_realloc(c, live[1][i], size);
            assert_true((a == RT_NULL) == (b == RT_NULL));
            if (a != RT_NULL)
            {
                assert_int_equal(a - arena[0], b - arena[1]);
                live[0][i] = a;
                live[1][i] = b;
                live_total += size - live_size[i];
                live_size[i] = size;
            }
        }
        else
        {
            rt_smem_free(live[0][i]);
            rt_smem_classic_free(c, live[1][i]);
            live[0][i] = live[1][i] = RT_NULL;
            live_total -= live_size[i];
            live_size[i] = 0;
        }
        compare(n, c, step);
    }
    rt_smem_detach(n);
    rt_smem_classic_detach(c);
}

/* 64-bit model: the one layout number the codecs do not share.  4.1's
 * MIN_SIZE is its header's size (24 bytes), the classic one stays 12 (16
 * aligned), so rt_malloc(1) holds 24 bytes against 16. */
static void test_min_size_64(void **state)
{
    (void)state;
    ht_garbage(arena[0], HEAP_BYTES, 0x64);
    ht_garbage(arena[1], HEAP_BYTES, 0x64);
    rt_smem_t n = rt_smem_init("new", arena[0], HEAP_BYTES);
    rt_smem_t c = rt_smem_classic_init("old", arena[1], HEAP_BYTES);
    unsigned char *a = rt_smem_alloc(n, 1), *b = rt_smem_classic_alloc(c, 1);
    cn.n = 0;
    rt_smem_walk(n, chain_block, &cn);
    assert_int_equal(cn.size[1], 24);
    cn.n = 0;
    rt_smem_classic_walk(c, chain_block, &cn);
    assert_int_equal(cn.size[1], 16);
    rt_smem_free(a);
    rt_smem_classic_free(c, b);
    assert_int_equal(rt_smem_check(n), 0);
    assert_int_equal(rt_smem_classic_check(c), 0);
    rt_smem_detach(n);
    rt_smem_classic_detach(c);
}

int main(void)
{
    const struct CMUnitTest same[] = {
        cmocka_unit_test(test_same_sequence_both_codecs),
    };
    const struct CMUnitTest wide[] = {
        cmocka_unit_test(test_min_size_64),
    };
    if (sizeof(rt_ubase_t) + 2 * sizeof(rt_size_t) == 12)
        return cmocka_run_group_tests(same, setup, NULL);
    return cmocka_run_group_tests(wide, setup, NULL);
}
