/*
 * fuzz_corrupt.c - checked mode against one random corruption of the
 * simulated RAM (the metadata shadow, sim/check_meta.c).
 *
 * An input is a byte string: byte 0 picks the system heap's algorithm
 * (smallmem, smallmem-classic, slab, memheap, tlsf), the checking level
 * (1 or 2) and whether the blocks come from the system heap or from a
 * heap of that algorithm the program makes directly over a 64 KiB block
 * of it (rt_smem_init, ..., kernel/src/heap_shadow.c S9); the rest is a stream of correct operations - rt_malloc,
 * rt_realloc, rt_free, rt_mp_alloc, rt_mp_free on one pool - with exactly
 * one corruption at a point the input chooses: one byte of the system
 * heap's range, XORed with a non-zero value.  Bytes of blocks the program
 * does not own (kernel objects: threads, the pool's object) and the heap
 * object's node in the kernel's object list are never hit;
 * the program's own blocks, free memory, headers, links, control blocks
 * and the pool's words may be.  The rules:
 *
 *   F1  the run ends with RT_SIM_OK (the corruption was never read, or hit
 *       only data) or RT_SIM_EMEMORY (reported) - never an assert, a
 *       deadlock, a crash or a hang (libFuzzer and ASan see those);
 *   F2  no allocation returns memory outside the heap's range (pool blocks:
 *       outside the pool), or overlapping a live block, or a host address;
 *   F3  every live block keeps the bytes the program wrote, except a block
 *       the corruption hit (that is the program's own write).
 *
 * FUZZ_CORRUPT_REPORTS=FILE keeps the reports (default: dropped),
 * FUZZ_CORRUPT_TRACE=1 prints each run's heap, level and result.
 *
 * Built like the other fuzz targets: as a libFuzzer target by
 * tests/fuzz/run.sh (target name "corrupt"), and linked with replay.c as
 * the CI test fuzz-corrupt over tests/fuzz/corpus/corrupt.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rtsim.h>

#include "../direct_heap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS   16
#define PSLOTS  6
#define PBS     24


static const uint8_t *in;
static size_t in_len, in_pos;

struct live
{
    unsigned char *p;
    size_t size;
    uint8_t seed;
    int hit;            /* the corruption landed in it */
};
static struct live slot[SLOTS], pslot[PSLOTS];
static unsigned char *heap_lo, *heap_hi;
static rt_mp_t pool;

/* ------------------------------------------- the heap the blocks come from */
#define ARENA   49152   /* a direct heap's memory (slab: a zone and its table) */
static int direct;                      /* byte 0: a heap made directly */
static int algo;                        /* its algorithm, DH_* */
static struct direct_heap dheap;
static unsigned char *arena;

static void *h_alloc(size_t n)
{
    return direct ? dh_alloc(&dheap, n) : rt_malloc(n);
}

static void *h_realloc(void *p, size_t n)
{
    return direct ? dh_realloc(&dheap, p, n) : rt_realloc(p, n);
}

static void h_free(void *p)
{
    if (direct)
        dh_free(&dheap, p);
    else
        rt_free(p);
}

static void h_walk(rt_mem_walk_fn fn, void *ctx)
{
    if (direct)
        dh_walk(&dheap, fn, ctx);
    else
        rt_system_heap_walk(fn, ctx);
}

/* The direct heap, made over a block of the system heap; RT_NULL if not. */
static void *h_make(void)
{
    arena = rt_malloc(ARENA);
    return arena != NULL ? dh_init(&dheap, algo, "fzd", arena, ARENA) : RT_NULL;
}

static void h_unmake(void)
{
    dh_detach(&dheap);
    rt_free(arena);
}

static void bad(const char *what)
{
    fprintf(stderr, "fuzz_corrupt: %s\n", what);
    abort();
}

static unsigned next_byte(void)
{
    return in_pos < in_len ? in[in_pos++] : 0;
}

static int more(void)
{
    return in_pos < in_len;
}

/* ------------------------------------------------------------ the model */
static void fill(struct live *l)
{
    for (size_t i = 0; i < l->size; i++)
        l->p[i] = (unsigned char)(l->seed + i * 7);
}

/* F3 */
static void verify(const struct live *l)
{
    if (l->p == NULL || l->hit)
        return;
    for (size_t i = 0; i < l->size; i++)
        if (l->p[i] != (unsigned char)(l->seed + i * 7))
            bad("a live block lost its data");
}

/* F2 */
static void placed(const unsigned char *p, size_t size, const unsigned char *lo,
                   const unsigned char *hi)
{
    if (p < lo || p + size > hi || p + size < p)
        bad("an allocation outside its heap or pool");
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p && p < slot[i].p + slot[i].size && slot[i].p < p + size)
            bad("an allocation overlapping a live block");
    for (int i = 0; i < PSLOTS; i++)
        if (pslot[i].p && p < pslot[i].p + pslot[i].size && pslot[i].p < p + size)
            bad("an allocation overlapping a live pool block");
}

/* ------------------------------------------------ what may be corrupted */
struct range_ctx { unsigned char *lo, *hi; const unsigned char *at; int foreign; };

static int range_block(const struct rt_mem_block *b, void *ctx)
{
    struct range_ctx *c = ctx;
    unsigned char *s = (unsigned char *)b->start;
    unsigned char *e = s + b->header_size + b->size;

    if (c->lo == NULL || s < c->lo)
        c->lo = s;
    if (c->at && b->kind == RT_MEM_BLOCK_CONTROL && b->start == b->heap)
    {
        /* the heap object's node in the kernel's object list: kernel
         * metadata (it changes as other heaps come and go), not shadowed */
        const struct rt_object *o = b->heap;
        if (c->at >= (const unsigned char *)&o->list &&
            c->at < (const unsigned char *)&o->list + sizeof o->list)
            c->foreign = 1;
    }
    if (e > c->hi)
        c->hi = e;
    if (c->at && b->used && c->at >= s + b->header_size && c->at < e &&
        (b->kind == RT_MEM_BLOCK_DATA || b->kind == RT_MEM_BLOCK_PAGES))
    {
        /* a used block: the program's own, the pool's memory, or foreign */
        const unsigned char *d = s + b->header_size;
        int own = pool != RT_NULL && d == (const unsigned char *)pool->start_address;
        for (int i = 0; i < SLOTS; i++)
            own |= slot[i].p == d;
        if (!own)
            c->foreign = 1;
    }
    return 0;
}

static unsigned char *last_freed;      /* a stale pointer to aim at */

/* Where the one corruption lands, by the low bits of `where`: anywhere
 * from the heap's start to just past its highest used block; just past a
 * live block (an overflow); inside the pool; or through the pointer freed
 * last (a write after free). */
/* Is p inside one of the board's RAM regions?  The heap's range may span
 * several regions (memheap): the bytes between them are no RAM, and on the
 * host not even mapped. */
static int in_ram(const rt_uint8_t *p)
{
    for (int i = 0; i < rt_sim_region_count(); i++)
    {
        const struct rt_sim_region *r = rt_sim_region(i);
        if (p >= r->host && p < r->host + r->size)
            return 1;
    }
    return 0;
}

static void corrupt(unsigned where, unsigned value)
{
    struct range_ctx c = { NULL, NULL, NULL, 0 };
    unsigned char *at = NULL, *top = NULL;

    h_walk(range_block, &c);
    if (c.lo == NULL || c.hi <= c.lo || value == 0)
        return;
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p && slot[i].p + slot[i].size > top)
            top = slot[i].p + slot[i].size;
    if (pool && (unsigned char *)pool->start_address + pool->size > top)
        top = (unsigned char *)pool->start_address + pool->size;
    top = top && top + 128 < c.hi ? top + 128 : c.hi;
    switch (where & 3)
    {
    case 0:
        at = c.lo + ((where >> 2) * 2654435761u) % (size_t)(top - c.lo);
        break;
    case 1:
        for (int k = 0; k < SLOTS && !at; k++)
        {
            struct live *l = &slot[((where >> 2) + (unsigned)k) % SLOTS];
            if (l->p)
                at = l->p + l->size + (where >> 6) % 48;
        }
        break;
    case 2:
        if (pool)
            at = (unsigned char *)pool->start_address + (where >> 2) % pool->size;
        break;
    default:
        if (last_freed)
            at = last_freed + (where >> 2) % 64 - 16;
        break;
    }
    if (at == NULL || at < c.lo || at >= c.hi || !in_ram(at))
        return;

    c.at = at;
    c.foreign = 0;
    h_walk(range_block, &c);
    if (c.foreign)
        return;                 /* a kernel object: not the allocator's business */
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p && at >= slot[i].p && at < slot[i].p + slot[i].size)
            slot[i].hit = 1;
    for (int i = 0; i < PSLOTS; i++)
        if (pslot[i].p && at >= pslot[i].p && at < pslot[i].p + pslot[i].size)
            pslot[i].hit = 1;
    rt_sim_poke(at, (rt_uint8_t)(rt_sim_peek(at) ^ value));
}

/* ------------------------------------------------------------- the run */
static void app(void *arg)
{
    (void)arg;
    int corrupted = 0;
    unsigned corrupt_at = next_byte();     /* after this many operations */
    unsigned ops = 0;

    pool = rt_mp_create("fz", PSLOTS, PBS);
    if (pool == RT_NULL)
        return;
    if (direct && h_make() == RT_NULL)
    {
        /* no room for the arena beside the pool on this board's heap:
         * nothing to test (the heaps' own tests cover a failing init) */
        if (arena == NULL)
        {
            rt_mp_delete(pool);
            pool = RT_NULL;
            return;
        }
        bad("the direct heap could not be made");
    }
    {
        struct range_ctx c = { NULL, NULL, NULL, 0 };
        h_walk(range_block, &c);
        heap_lo = c.lo;
        heap_hi = c.hi;
    }
    while (more() && ops < 400)
    {
        unsigned op = next_byte(), a = next_byte(), b = next_byte();
        struct live *l = &slot[a % SLOTS];
        struct live *pl = &pslot[a % PSLOTS];

        if (!corrupted && ops == corrupt_at)
        {
            corrupt(a | b << 8, op | 1);
            corrupted = 1;
            ops++;
            continue;
        }
        ops++;
        switch (op % 5)
        {
        case 0:     /* rt_malloc */
        case 1:
            if (l->p == NULL)
            {
                size_t n = 1 + (size_t)(b * 3 % 300);
                unsigned char *p = h_alloc(n);
                if (p)
                {
                    placed(p, n, heap_lo, heap_hi);
                    *l = (struct live){ p, n, (uint8_t)b, 0 };
                    fill(l);
                }
            }
            else
            {
                verify(l);
                h_free(l->p);
                last_freed = l->p;
                l->p = NULL;
            }
            break;
        case 2:     /* rt_realloc */
            if (l->p != NULL)
            {
                size_t n = 1 + (size_t)(b * 5 % 400);
                verify(l);
                unsigned char *p = h_realloc(l->p, n);
                if (p)
                {
                    size_t keep = n < l->size ? n : l->size;
                    l->p = NULL;        /* not "overlapping itself" */
                    placed(p, n, heap_lo, heap_hi);
                    l->p = p;
                    l->size = keep;
                    if (!l->hit)
                        verify(l);
                    l->size = n;
                    fill(l);
                }
            }
            break;
        case 3:     /* rt_mp_alloc */
            if (pl->p == NULL)
            {
                unsigned char *p = rt_mp_alloc(pool, 0);
                if (p)
                {
                    const unsigned char *lo = pool->start_address;
                    placed(p, PBS, lo, lo + pool->size);
                    *pl = (struct live){ p, PBS, (uint8_t)b, 0 };
                    fill(pl);
                }
            }
            break;
        default:    /* rt_mp_free */
            if (pl->p != NULL)
            {
                verify(pl);
                rt_mp_free(pl->p);
                last_freed = pl->p;
                pl->p = NULL;
            }
            break;
        }
    }
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p)
        {
            verify(&slot[i]);
            h_free(slot[i].p);
            slot[i].p = NULL;
        }
    if (direct)
        h_unmake();
    for (int i = 0; i < PSLOTS; i++)
        if (pslot[i].p)
        {
            verify(&pslot[i]);
            rt_mp_free(pslot[i].p);
            pslot[i].p = NULL;
        }
    rt_mp_delete(pool);
    pool = RT_NULL;
}

static void quiet(void *ctx, const char *text)
{
    (void)ctx;
    (void)text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    struct rt_sim_config cfg;

    if (size < 2)
        return 0;
    if (sink == NULL && (sink = fopen(getenv("FUZZ_CORRUPT_REPORTS") ? getenv("FUZZ_CORRUPT_REPORTS")
                                                                     : "/dev/null", "w")) == NULL)
        abort();
    in = data;
    in_len = size;
    in_pos = 1;
    memset(slot, 0, sizeof slot);
    memset(pslot, 0, sizeof pslot);
    pool = RT_NULL;
    last_freed = NULL;
    memset(&dheap, 0, sizeof dheap);
    arena = NULL;
    algo = data[0] % 5;
    direct = (data[0] / 10) % 2;

    rt_sim_config_init(&cfg);
    cfg.heap = dh_name[algo];
    cfg.checked = 1 + (data[0] / 5) % 2;
    cfg.console = quiet;
    cfg.report = sink;
    int rc = rt_sim_run(&cfg, app, NULL);
    if (getenv("FUZZ_CORRUPT_TRACE"))
        fprintf(stderr, "fuzz_corrupt: %s%s, level %d: %d\n", cfg.heap,
                direct ? " (made directly)" : "", cfg.checked, rc);
    if (rc != RT_SIM_OK && rc != RT_SIM_EMEMORY)
    {
        fprintf(stderr, "fuzz_corrupt: %s%s, level %d: the run ended %d\n", cfg.heap,
                direct ? " (made directly)" : "", cfg.checked, rc);
        abort();
    }
    return 0;
}
