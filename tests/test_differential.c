/*
 * test_differential.c - one seeded operation stream through every memory
 * manager at once (small mem 4.1, small mem classic, memheap, slab, the
 * system heap over each algorithm in turn, and every manager heapfuzz.c
 * lists), each over its own arena.
 *
 * Operations: alloc(id, size) fills the block with random bytes;
 * realloc(id, size) writes random bytes into the grown tail; write(id, off,
 * len) overwrites a random stretch; free(id).  A reference copy of each
 * block's contents is kept on the host.  Allocation success may differ
 * between managers (their overheads differ); a block whose alloc or realloc
 * failed in one manager is left out of the comparison there until it is
 * freed ("tainted").  Every manager must agree with the reference, hence
 * with each other, on the contents of every live untainted block, and pass
 * its check() after every operation.  The test also counts how many
 * block comparisons it made, so that it cannot pass vacuously.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "fuzz/heapfuzz.h"

#define MAX_HEAPS   8
#define ARENA_BYTES (160 * 1024)
#define NIDS        160
#define NOPS        4000

struct dheap
{
    const struct hf_heap *h;
    uint8_t *arena;
    uint8_t *blk[NIDS];     /* NULL: absent in this heap */
    uint8_t tainted[NIDS];
};

static struct dheap heaps[MAX_HEAPS];
static int nheaps;
static uint8_t *ref[NIDS];  /* expected contents, NULL: id not live */
static size_t ref_size[NIDS];
static unsigned long compared;

static int setup(void **state)
{
    rt_system_object_init();
    return 0;
}

/* Bring up every manager; the system heap uses `sys_variant`. */
static void heaps_up(unsigned sys_variant)
{
    nheaps = 0;
    for (int i = 0; hf_heaps[i] != NULL && nheaps < MAX_HEAPS; i++)
    {
        struct dheap *d = &heaps[nheaps];
        memset(d, 0, sizeof(*d));
        d->h = hf_heaps[i];
        d->arena = aligned_alloc(64, ARENA_BYTES);
        assert_non_null(d->arena);
        memset(d->arena, 0x5A, ARENA_BYTES);
        if (d->h->init(d->arena, ARENA_BYTES, sys_variant % d->h->nvariants) != 0)
        {
            free(d->arena);     /* e.g. an algorithm not on this branch */
            continue;
        }
        nheaps++;
    }
    assert_true(nheaps >= 4);
}

static void heaps_down(void)
{
    for (int k = 0; k < nheaps; k++)
    {
        for (int id = 0; id < NIDS; id++)
            if (heaps[k].blk[id] != NULL)
                heaps[k].h->free(heaps[k].blk[id]);
        assert_int_equal(heaps[k].h->check(), 0);
        heaps[k].h->deinit();
        free(heaps[k].arena);
    }
    for (int id = 0; id < NIDS; id++)
    {
        free(ref[id]);
        ref[id] = NULL;
    }
}

static void fill_random(uint8_t *p, size_t n, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(tu_rand(rng) >> 24);
}

static size_t rand_size(uint64_t *rng)
{
    uint64_t r = tu_rand(rng);
    switch (r % 8)
    {
    case 0:  return 1 + (r >> 8) % 8192;
    case 1:  return 1 + (r >> 8) % 24;
    default: return 1 + (r >> 8) % 400;
    }
}

/* Compare block `id` of every heap holding it untainted with the reference. */
static void compare_id(int id, uint64_t seed, int op)
{
    if (ref[id] == NULL)
        return;
    for (int k = 0; k < nheaps; k++)
    {
        struct dheap *d = &heaps[k];
        if (d->blk[id] == NULL || d->tainted[id])
            continue;
        if (memcmp(d->blk[id], ref[id], ref_size[id]) != 0)
            fail_msg("seed %llu op %d: %s disagrees on the contents of block %d (%zu bytes)",
                     (unsigned long long)seed, op, d->h->name, id, ref_size[id]);
        compared++;
    }
}

static void check_heaps(uint64_t seed, int op)
{
    for (int k = 0; k < nheaps; k++)
    {
        int rc = heaps[k].h->check();
        if (rc != 0)
            fail_msg("seed %llu op %d: %s check() = %d", (unsigned long long)seed, op,
                     heaps[k].h->name, rc);
    }
}

static void do_alloc(int id, size_t size, uint64_t *rng)
{
    ref[id] = malloc(size);
    assert_non_null(ref[id]);
    ref_size[id] = size;
    fill_random(ref[id], size, rng);
    for (int k = 0; k < nheaps; k++)
    {
        struct dheap *d = &heaps[k];
        d->blk[id] = d->h->alloc(size);
        d->tainted[id] = 0;
        if (d->blk[id] != NULL)
            memcpy(d->blk[id], ref[id], size);
    }
}

static void do_free(int id)
{
    for (int k = 0; k < nheaps; k++)
    {
        struct dheap *d = &heaps[k];
        if (d->blk[id] != NULL)
            d->h->free(d->blk[id]);
        d->blk[id] = NULL;
        d->tainted[id] = 0;
    }
    free(ref[id]);
    ref[id] = NULL;
}

static void do_realloc(int id, size_t size, uint64_t *rng)
{
    size_t old = ref_size[id];
    uint8_t *r = realloc(ref[id], size);

    assert_non_null(r);
    ref[id] = r;
    ref_size[id] = size;
    if (size > old)
        fill_random(r + old, size - old, rng);
    for (int k = 0; k < nheaps; k++)
    {
        struct dheap *d = &heaps[k];
        uint8_t *p;
        if (d->blk[id] == NULL)
            continue;
        p = d->h->realloc(d->blk[id], size);
        if (p == NULL)
        {
            d->tainted[id] = 1;     /* kept its old size: out of the comparison */
            continue;
        }
        d->blk[id] = p;
        if (size > old && !d->tainted[id])
            memcpy(p + old, r + old, size - old);
    }
}

static void do_write(int id, uint64_t *rng)
{
    size_t off = (size_t)(tu_rand(rng) % ref_size[id]);
    size_t len = 1 + (size_t)(tu_rand(rng) % (ref_size[id] - off));

    fill_random(ref[id] + off, len, rng);
    for (int k = 0; k < nheaps; k++)
    {
        struct dheap *d = &heaps[k];
        if (d->blk[id] != NULL && !d->tainted[id])
            memcpy(d->blk[id] + off, ref[id] + off, len);
    }
}

static void run_stream(uint64_t seed, unsigned sys_variant)
{
    uint64_t rng = seed;

    heaps_up(sys_variant);
    for (int op = 0; op < NOPS; op++)
    {
        int id = (int)(tu_rand(&rng) % NIDS);
        unsigned what = (unsigned)(tu_rand(&rng) % 10);

        if (ref[id] == NULL)
            do_alloc(id, rand_size(&rng), &rng);
        else if (what < 3)
            do_free(id);
        else if (what < 6)
            do_realloc(id, rand_size(&rng), &rng);
        else if (ref_size[id] > 0)
            do_write(id, &rng);
        compare_id(id, seed, op);
        check_heaps(seed, op);
        if (op % 500 == 499)
            for (int i = 0; i < NIDS; i++)
                compare_id(i, seed, op);
    }
    for (int i = 0; i < NIDS; i++)
        compare_id(i, seed, NOPS);
    heaps_down();
}

/* The system heap over each of its algorithms, with another seed each. */
static void test_differential_streams(void **state)
{
    uint64_t seed = tu_seed(20261126);

    compared = 0;
    for (unsigned v = 0; v < 5; v++)
        run_stream(seed + v, v);
    fprintf(stderr, "differential: %lu block comparisons over %d managers\n", compared, nheaps);
    /* Enough agreement was observed for the test to mean something. */
    assert_true(compared > 5 * NOPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential_streams),
    };
    return cmocka_run_group_tests_name("differential", tests, setup, NULL);
}
