/*
 * bench_heaps.c - every heap algorithm on the same deterministic
 * workloads, one table, one SVG chart of fragmentation over time.
 *
 *   bench_heaps [--size BYTES]... [--workload NAME]... [--heap NAME]...
 *               [--trace FILE] [--svg FILE] [--tsv] [--ops FILE] [--seeds N]
 *
 * Workloads (the operation sequence depends only on the workload, the
 * heap size and the seed, never on the algorithm, so every algorithm
 * replays exactly the same calls; each generated workload runs with
 * --seeds N seeds, default 5, and the table shows the mean and the worst):
 *   small  random churn of 8..256-byte blocks, allocations ahead of frees,
 *          until far more is asked for than fits, then steady churn;
 *   mixed  the same with 20% of 256..2048 and 5% of 2 KiB..size/32;
 *   holes  adversarial: fill with 16..64-byte blocks, free every other
 *          one, then ask for 256..1024 bytes (no hole fits), with churn;
 *   trace  --trace FILE: one operation per line, '#' starts a comment:
 *              a ID SIZE    allocate SIZE bytes, remember it as ID
 *              f ID         free ID (ignored if that allocation failed)
 *              r ID SIZE    realloc ID to SIZE bytes
 *          (--ops FILE writes a generated workload in this format.)
 *
 * Columns: see docs/tlsf.md.  Instruction counts need Valgrind: run
 * through tests/bench/callgrind_bench.py, which runs this program under
 * callgrind with --measure; each allocator call is then bracketed by
 * CALLGRIND_TOGGLE_COLLECT and followed by a labelled CALLGRIND_DUMP_STATS,
 * so the script sees the exact instruction count of every single call.
 *
 * Adding an algorithm: one line in `algorithms[]` below (its system-heap
 * seam, kernel/src/heap.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include "../../kernel/src/heap.h"

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#endif
#endif
#ifndef BENCH_HAVE_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT ((void)0)
#define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#endif

/* ------------------------------------------------------ the algorithms */

static const struct rt_heap_algorithm *const algorithms[] = {
    &rt_heap_tlsf,
#ifdef BENCH_HAVE_SMALLMEM
    &rt_heap_smallmem,
#endif
#ifdef BENCH_HAVE_SMALLMEM_CLASSIC
    &rt_heap_smallmem_classic,
#endif
#ifdef BENCH_HAVE_SLAB
    &rt_heap_slab,
#endif
#ifdef BENCH_HAVE_MEMHEAP
    &rt_heap_memheap,
#endif
};
#define N_ALGORITHMS (sizeof(algorithms) / sizeof(algorithms[0]))

/* ------------------------------------------------------ operations */

struct op
{
    char kind;          /* 'a', 'f', 'r' */
    uint32_t id;
    size_t size;
};

struct ops
{
    struct op *v;
    size_t n, cap;
    uint32_t ids;       /* 1 + the largest id */
};

static void ops_push(struct ops *o, char kind, uint32_t id, size_t size)
{
    if (o->n == o->cap)
    {
        o->cap = o->cap ? 2 * o->cap : 1024;
        o->v = realloc(o->v, o->cap * sizeof(*o->v));
        if (o->v == NULL)
        {
            fprintf(stderr, "bench: out of memory\n");
            exit(2);
        }
    }
    o->v[o->n].kind = kind;
    o->v[o->n].id = id;
    o->v[o->n].size = size;
    o->n++;
    if (id + 1 > o->ids)
        o->ids = id + 1;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ull;
}

static size_t rng_range(uint64_t *s, size_t lo, size_t hi)
{
    return lo + (size_t)(rng_next(s) % (hi - lo + 1));
}

/* The generator's idea of what is live (assuming every call succeeds). */
struct gen
{
    uint64_t rng;
    uint32_t *live;     /* ids */
    size_t *live_size;
    size_t n_live, cap;
    size_t demand;      /* bytes the live ids asked for */
    uint32_t next_id;
};

static void gen_alloc(struct gen *g, struct ops *o, size_t size)
{
    if (g->n_live == g->cap)
    {
        g->cap = g->cap ? 2 * g->cap : 1024;
        g->live = realloc(g->live, g->cap * sizeof(*g->live));
        g->live_size = realloc(g->live_size, g->cap * sizeof(*g->live_size));
        if (g->live == NULL || g->live_size == NULL)
            exit(2);
    }
    g->live[g->n_live] = g->next_id;
    g->live_size[g->n_live++] = size;
    g->demand += size;
    ops_push(o, 'a', g->next_id++, size);
}

static void gen_free_at(struct gen *g, struct ops *o, size_t i)
{
    ops_push(o, 'f', g->live[i], 0);
    g->demand -= g->live_size[i];
    g->live[i] = g->live[--g->n_live];
    g->live_size[i] = g->live_size[g->n_live];
}

static void gen_free_random(struct gen *g, struct ops *o)
{
    if (g->n_live > 0)
        gen_free_at(g, o, (size_t)(rng_next(&g->rng) % g->n_live));
}

typedef size_t (*size_fn)(uint64_t *rng, size_t heap);

static size_t size_small(uint64_t *rng, size_t heap)
{
    (void)heap;
    return rng_range(rng, 8, 256);
}

static size_t size_mixed(uint64_t *rng, size_t heap)
{
    unsigned r = (unsigned)(rng_next(rng) % 100);

    if (r < 75)
        return rng_range(rng, 8, 256);
    if (r < 95)
        return rng_range(rng, 257, 2048);
    return rng_range(rng, 2049, heap / 32 > 2049 ? heap / 32 : 2049);
}

/* Churn with allocations ahead of frees until 1.3 x the heap is asked
 * for, then as many 50/50 operations again as that took. */
static void gen_churn(struct ops *o, size_t heap, size_fn size_of, uint64_t seed)
{
    struct gen g;
    size_t steps = 0, i;

    memset(&g, 0, sizeof(g));
    g.rng = seed;
    while (g.demand < heap + heap * 3 / 10)
    {
        if (rng_next(&g.rng) % 100 < 60)
            gen_alloc(&g, o, size_of(&g.rng, heap));
        else
            gen_free_random(&g, o);
        steps++;
    }
    for (i = 0; i < steps; i++)
    {
        if (rng_next(&g.rng) % 2 == 0 && g.n_live > 0)
            gen_free_random(&g, o);
        else if (rng_next(&g.rng) % 16 == 0 && g.n_live > 0)
        {
            size_t k = (size_t)(rng_next(&g.rng) % g.n_live);
            size_t n = size_of(&g.rng, heap);
            ops_push(o, 'r', g.live[k], n);
            g.demand += n - g.live_size[k];
            g.live_size[k] = n;
        }
        else
            gen_alloc(&g, o, size_of(&g.rng, heap));
    }
    free(g.live);
    free(g.live_size);
}

/* Fill with small blocks, free every other one, then ask for blocks no
 * hole can hold while small blocks keep coming and going. */
static void gen_holes(struct ops *o, size_t heap, uint64_t seed)
{
    struct gen g;
    size_t i, first, count;

    memset(&g, 0, sizeof(g));
    g.rng = seed;
    first = g.n_live;
    while (g.demand < heap + heap / 10)
        gen_alloc(&g, o, rng_range(&g.rng, 16, 64));
    count = g.n_live;
    for (i = first; i < count; i += 2)          /* ids 0, 2, 4 ... */
    {
        ops_push(o, 'f', (uint32_t)i, 0);
        g.demand -= g.live_size[i];
    }
    /* rebuild the live list: odd ids survive */
    {
        size_t k = 0;
        for (i = 1; i < count; i += 2)
        {
            g.live[k] = (uint32_t)i;
            g.live_size[k++] = g.live_size[i];
        }
        g.n_live = k;
    }
    for (i = 0; i < count; i++)
    {
        unsigned r = (unsigned)(rng_next(&g.rng) % 8);

        if (r == 0)
            gen_alloc(&g, o, rng_range(&g.rng, 256, 1024));
        else if (r < 4)
            gen_free_random(&g, o);
        else
            gen_alloc(&g, o, rng_range(&g.rng, 16, 64));
    }
    free(g.live);
    free(g.live_size);
}

static int ops_read(struct ops *o, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    unsigned lineno = 0;

    if (f == NULL)
    {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL)
    {
        char kind;
        unsigned long id, size = 0;
        char *hash = strchr(line, '#');
        int n;

        lineno++;
        if (hash != NULL)
            *hash = '\0';
        n = sscanf(line, " %c %lu %lu", &kind, &id, &size);
        if (n <= 0)
            continue;
        if (!((kind == 'a' && n == 3) || (kind == 'r' && n == 3) || (kind == 'f' && n == 2))
            || id >= 10000000ul)
        {
            fprintf(stderr, "%s:%u: expected 'a ID SIZE', 'f ID' or 'r ID SIZE'\n", path, lineno);
            fclose(f);
            return -1;
        }
        ops_push(o, kind, (uint32_t)id, size);
    }
    fclose(f);
    return 0;
}

static void ops_write(const struct ops *o, const char *path, const char *what)
{
    FILE *f = fopen(path, "w");
    size_t i;

    if (f == NULL)
    {
        perror(path);
        exit(2);
    }
    fprintf(f, "# rtsim heap trace: %s\n", what);
    for (i = 0; i < o->n; i++)
    {
        if (o->v[i].kind == 'f')
            fprintf(f, "f %u\n", (unsigned)o->v[i].id);
        else
            fprintf(f, "%c %u %lu\n", o->v[i].kind, (unsigned)o->v[i].id,
                    (unsigned long)o->v[i].size);
    }
    fclose(f);
}

/* ------------------------------------------------------- measuring */

struct census
{
    size_t used_blocks, used_bytes;     /* bytes: header + capacity */
    size_t free_bytes, largest_free;
    size_t header;                      /* header bytes of a used block */
};

static int census_cb(const struct rt_mem_block *b, void *ctx)
{
    struct census *c = ctx;

    if (b->kind != RT_MEM_BLOCK_DATA && b->kind != RT_MEM_BLOCK_PAGES)
        return 0;
    if (b->used)
    {
        c->used_blocks++;
        c->used_bytes += b->header_size + b->size;
        if (b->header_size > c->header)
            c->header = b->header_size;
    }
    else
    {
        c->free_bytes += b->size;
        if (b->size > c->largest_free)
            c->largest_free = b->size;
    }
    return 0;
}

#define SAMPLES 200

struct result
{
    const char *algorithm;
    const char *workload;
    size_t heap;
    size_t ops;
    long first_fail;                    /* op index, -1 if none */
    double util_at_fail;                /* live requested / heap */
    double lost_per_block;              /* (footprint - requested) / block */
    size_t header;
    double largest_min, largest_end;    /* largest free / heap */
    size_t failures;
    double frag[SAMPLES];               /* 1 - largest/free over time */
    double largest[SAMPLES];
    int nsamples;
    int check_failed;
    int unusable;                       /* init refused this heap size */
    /* over the seeds (merge_result) */
    int runs, fails;                    /* replays, replays that hit a failure */
    double util_sum, util_min, lost_sum;
    int lost_n;
};

/* Fold one seed's replay `r` into the running result `agg`. */
static void merge_result(struct result *agg, const struct result *r)
{
    if (agg->runs == 0)
    {
        *agg = *r;                      /* the SVG shows the first seed */
        agg->runs = 0;
        agg->fails = 0;
        agg->util_sum = agg->lost_sum = 0;
        agg->util_min = 1.0;
        agg->lost_n = 0;
    }
    agg->runs++;
    if (r->first_fail >= 0)
    {
        agg->fails++;
        agg->util_sum += r->util_at_fail;
        if (r->util_at_fail < agg->util_min)
            agg->util_min = r->util_at_fail;
        if (r->lost_per_block >= 0)
        {
            agg->lost_sum += r->lost_per_block;
            agg->lost_n++;
        }
    }
    if (r->largest_min < agg->largest_min)
        agg->largest_min = r->largest_min;
    if (r->header > agg->header)
        agg->header = r->header;
    if (r->check_failed && !agg->check_failed)
        agg->check_failed = r->check_failed;
    agg->unusable |= r->unusable;
    if (agg->runs > 1)
        agg->failures += r->failures;
}

static int measuring;                   /* --measure: dumps for callgrind */

static size_t live_census(const struct rt_heap_algorithm *alg, void *heap, struct census *c)
{
    memset(c, 0, sizeof(*c));
    alg->walk(heap, census_cb, c);
    return c->used_blocks;
}

static void *arena_alloc(size_t size)
{
    void *p = aligned_alloc(64, (size + 63) & ~(size_t)63);

    if (p == NULL)
        exit(2);
    memset(p, 0xA5, (size + 63) & ~(size_t)63);
    return p;
}

/* Replay `o` on a fresh heap of `heap_size` bytes. */
static void run(const struct rt_heap_algorithm *alg, const char *workload,
                const struct ops *o, size_t heap_size, struct result *r)
{
    void *arena = arena_alloc(heap_size);
    void *heap;
    void **slot = calloc(o->ids ? o->ids : 1, sizeof(void *));
    size_t *slot_size = calloc(o->ids ? o->ids : 1, sizeof(size_t));
    size_t live_req = 0, live_blocks = 0, i, every = o->n / SAMPLES + 1;
    char label[2] = {0, 0};

    memset(r, 0, sizeof(*r));
    r->algorithm = alg->name;
    r->workload = workload;
    r->heap = heap_size;
    r->ops = o->n;
    r->first_fail = -1;
    r->largest_min = 1.0;
    rt_system_object_init();
    if (slot == NULL || slot_size == NULL)
        exit(2);
    heap = alg->init("bench", arena, heap_size);
    if (heap == NULL)                   /* e.g. slab needs room for a zone */
    {
        r->unusable = 1;
        free(slot);
        free(slot_size);
        free(arena);
        return;
    }
    for (i = 0; i < o->n; i++)
    {
        const struct op *op = &o->v[i];
        void *p = NULL;

        label[0] = op->kind;
        if (op->kind == 'a')
        {
            if (slot[op->id] != NULL)       /* a trace reusing a live id: free first */
            {
                alg->free(heap, slot[op->id]);
                live_req -= slot_size[op->id];
                live_blocks--;
                slot[op->id] = NULL;
            }
            if (measuring)
            {
                CALLGRIND_TOGGLE_COLLECT;
                p = alg->alloc(heap, op->size);
                CALLGRIND_TOGGLE_COLLECT;
                CALLGRIND_DUMP_STATS_AT(label);
            }
            else
                p = alg->alloc(heap, op->size);
            if (p != NULL)
            {
                slot[op->id] = p;
                slot_size[op->id] = op->size;
                live_req += op->size;
                live_blocks++;
                memset(p, (int)(op->id & 0xFF), op->size < 16 ? op->size : 16);
            }
        }
        else if (op->kind == 'f')
        {
            if (slot[op->id] == NULL)
                continue;
            if (measuring)
            {
                CALLGRIND_TOGGLE_COLLECT;
                alg->free(heap, slot[op->id]);
                CALLGRIND_TOGGLE_COLLECT;
                CALLGRIND_DUMP_STATS_AT(label);
            }
            else
                alg->free(heap, slot[op->id]);
            live_req -= slot_size[op->id];
            live_blocks--;
            slot[op->id] = NULL;
        }
        else
        {
            if (slot[op->id] == NULL)
                continue;
            if (measuring)
            {
                CALLGRIND_TOGGLE_COLLECT;
                p = alg->realloc(heap, slot[op->id], op->size);
                CALLGRIND_TOGGLE_COLLECT;
                CALLGRIND_DUMP_STATS_AT(label);
            }
            else
                p = alg->realloc(heap, slot[op->id], op->size);
            if (p != NULL || op->size == 0)
            {
                live_req = live_req - slot_size[op->id] + op->size;
                slot[op->id] = p;
                slot_size[op->id] = op->size;
                if (p == NULL)
                    live_blocks--;
            }
        }
        if (p == NULL && op->kind != 'f' && op->size != 0)
        {
            r->failures++;
            if (r->first_fail < 0)
            {
                struct census c;
                size_t blocks = live_census(alg, heap, &c);

                r->first_fail = (long)i;
                r->util_at_fail = (double)live_req / (double)heap_size;
                /* per-block figures only when the walker shows each block
                 * (slab's zones hold many objects per walked block) */
                r->lost_per_block = blocks == live_blocks && blocks > 0
                                    ? (double)(c.used_bytes - live_req) / (double)blocks : -1;
                r->header = c.header;
                if (getenv("BENCH_DEBUG"))
                    fprintf(stderr, "%s %s %lu: fail at op %lu asking %lu: free %lu in %s, largest %lu, blocks %lu\n",
                            alg->name, workload, (unsigned long)heap_size, (unsigned long)i,
                            (unsigned long)op->size, (unsigned long)c.free_bytes, "walk",
                            (unsigned long)c.largest_free, (unsigned long)blocks);
            }
        }
        if (i % every == 0 || i + 1 == o->n)
        {
            struct census c;

            live_census(alg, heap, &c);
            if (r->nsamples < SAMPLES)
            {
                r->frag[r->nsamples] = c.free_bytes ? 1.0 - (double)c.largest_free / (double)c.free_bytes : 0;
                r->largest[r->nsamples] = (double)c.largest_free / (double)heap_size;
                r->nsamples++;
            }
            if ((double)c.largest_free / (double)heap_size < r->largest_min)
                r->largest_min = (double)c.largest_free / (double)heap_size;
            r->largest_end = (double)c.largest_free / (double)heap_size;
            if (alg->check != NULL && r->check_failed == 0 && alg->check(heap) != 0)
            {
                r->check_failed = alg->check(heap);
                fprintf(stderr, "bench: %s on %s, %lu bytes: check() says invariant I%d "
                        "is broken after operation %lu\n", alg->name, workload,
                        (unsigned long)heap_size, r->check_failed, (unsigned long)i);
            }
        }
    }
    for (i = 0; i < o->ids; i++)
        if (slot[i] != NULL)
            alg->free(heap, slot[i]);
    if (alg->check != NULL && alg->check(heap) != 0)
        r->check_failed = alg->check(heap);
    alg->detach(heap);
    free(slot);
    free(slot_size);
    free(arena);
}

/* The cost of the measuring bracket itself around a call that does
 * nothing: the driver subtracts it. */
static void *noop_alloc(void *heap, rt_size_t size)
{
    (void)size;
    return heap;
}

static void calibrate(void)
{
    void *(*volatile fn)(void *, rt_size_t) = noop_alloc;
    int i;

    for (i = 0; i < 16; i++)
    {
        CALLGRIND_TOGGLE_COLLECT;
        (void)fn(NULL, 16);
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_DUMP_STATS_AT("z");
    }
}

/* ----------------------------------------------------------- output */

static const char *const colours[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

static void svg_chart(const char *path, struct result *res, size_t nres)
{
    FILE *f = fopen(path, "w");
    const char *panels[16];
    size_t npanels = 0, i, j, heaps[16];
    const int pw = 420, ph = 240, margin = 50;
    int width, height;

    if (f == NULL)
    {
        perror(path);
        return;
    }
    for (i = 0; i < nres; i++)           /* one panel per (workload, heap size) */
    {
        if (res[i].runs == 0 || res[i].unusable)
            continue;
        for (j = 0; j < npanels; j++)
            if (strcmp(panels[j], res[i].workload) == 0 && heaps[j] == res[i].heap)
                break;
        if (j == npanels && npanels < 16)
        {
            panels[npanels] = res[i].workload;
            heaps[npanels++] = res[i].heap;
        }
    }
    width = (int)(npanels < 3 ? npanels : 3) * (pw + margin) + margin;
    height = (int)((npanels + 2) / 3) * (ph + 2 * margin) + 60;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", width, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"15\">Fragmentation over time "
               "(1 - largest free block / free bytes; lower is better)</text>\n", margin);
    for (j = 0; j < N_ALGORITHMS; j++)
        fprintf(f, "<text x=\"%d\" y=\"40\" fill=\"%s\">&#9632; %s</text>\n",
                margin + (int)j * 150, colours[j % 6], algorithms[j]->name);
    for (j = 0; j < npanels; j++)
    {
        int x0 = margin + (int)(j % 3) * (pw + margin);
        int y0 = 60 + (int)(j / 3) * (ph + 2 * margin) + 20;

        fprintf(f, "<text x=\"%d\" y=\"%d\">%s, %lu KiB heap</text>\n", x0, y0 - 6,
                panels[j], (unsigned long)(heaps[j] / 1024));
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
                x0, y0, pw, ph);
        for (i = 0; i <= 4; i++)
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\">%lu%%</text>\n",
                    x0 - 4, y0 + ph - (int)i * ph / 4 + 4, (unsigned long)(i * 25));
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"10\">operations &#8594;</text>\n",
                x0 + pw - 90, y0 + ph + 14);
        for (i = 0; i < nres; i++)
        {
            size_t a, k;

            if (res[i].runs == 0 || res[i].unusable
                || strcmp(res[i].workload, panels[j]) != 0 || res[i].heap != heaps[j])
                continue;
            for (a = 0; a < N_ALGORITHMS; a++)
                if (strcmp(algorithms[a]->name, res[i].algorithm) == 0)
                    break;
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
                    colours[a % 6]);
            for (k = 0; k < (size_t)res[i].nsamples; k++)
                fprintf(f, "%.1f,%.1f ",
                        x0 + (double)pw * (double)k / (res[i].nsamples > 1 ? res[i].nsamples - 1 : 1),
                        y0 + ph - ph * res[i].frag[k]);
            fprintf(f, "\"/>\n");
        }
    }
    fprintf(f, "</svg>\n");
    fclose(f);
}

static void print_table(const struct result *res, size_t n, int tsv)
{
    size_t i;

    if (tsv)
    {
        printf("algorithm\tworkload\theap\truns\tfails\tutil_at_fail\tutil_min\t"
               "lost_per_block\theader\tlargest_min\tfailures\tcheck\n");
        for (i = 0; i < n; i++)
            if (res[i].runs > 0 && !res[i].unusable)
                printf("%s\t%s\t%lu\t%d\t%d\t%.4f\t%.4f\t%.2f\t%lu\t%.4f\t%lu\t%d\n",
                       res[i].algorithm, res[i].workload, (unsigned long)res[i].heap,
                       res[i].runs, res[i].fails,
                       res[i].fails ? res[i].util_sum / res[i].fails : 0,
                       res[i].fails ? res[i].util_min : 0,
                       res[i].lost_n ? res[i].lost_sum / res[i].lost_n : -1,
                       (unsigned long)res[i].header, res[i].largest_min,
                       (unsigned long)res[i].failures, res[i].check_failed);
        return;
    }
    printf("%-16s %-8s %8s %5s %10s %9s %10s %7s %12s\n", "algorithm", "workload", "heap",
           "runs", "util@fail", "(worst)", "lost/blk", "header", "largest min");
    for (i = 0; i < n; i++)
    {
        char util[16], worst[16], lost[16];

        if (res[i].runs == 0)
            continue;
        if (res[i].unusable)
        {
            printf("%-16s %-8s %7luK  (the algorithm refuses a heap this small)\n",
                   res[i].algorithm, res[i].workload, (unsigned long)(res[i].heap / 1024));
            continue;
        }
        if (res[i].fails == 0)
        {
            snprintf(util, sizeof(util), "no fail");
            snprintf(worst, sizeof(worst), "-");
        }
        else
        {
            snprintf(util, sizeof(util), "%.1f%%", 100 * res[i].util_sum / res[i].fails);
            snprintf(worst, sizeof(worst), "%.1f%%", 100 * res[i].util_min);
        }
        if (res[i].lost_n > 0)
            snprintf(lost, sizeof(lost), "%.1fB", res[i].lost_sum / res[i].lost_n);
        else
            snprintf(lost, sizeof(lost), "-");
        printf("%-16s %-8s %7luK %5d %10s %9s %10s %6luB %11.1f%%%s\n",
               res[i].algorithm, res[i].workload, (unsigned long)(res[i].heap / 1024),
               res[i].runs, util, worst, lost,
               (unsigned long)res[i].header, 100 * res[i].largest_min,
               res[i].check_failed ? "  CHECK FAILED" : "");
    }
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
    fprintf(stderr, "usage: bench_heaps [--size BYTES]... [--workload small|mixed|holes]... "
                    "[--heap NAME]... [--trace FILE] [--svg FILE] [--ops FILE] [--seeds N] [--tsv] [--measure]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    size_t sizes[8], nsizes = 0, nworkloads = 0, nheaps = 0, i, s, w, a, nres = 0;
    const char *workloads[8], *heaps[8], *trace = NULL, *svg = NULL, *ops_out = NULL;
    struct result *res;
    int tsv = 0;
    unsigned seeds = 5;

    for (i = 1; i < (size_t)argc; i++)
    {
        const char *arg = argv[i];
        const char *val = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

        if (strcmp(arg, "--tsv") == 0)
            tsv = 1;
        else if (strcmp(arg, "--measure") == 0)
            measuring = 1;
        else if (val == NULL)
            usage();
        else if (strcmp(arg, "--size") == 0 && nsizes < 8)
            sizes[nsizes++] = strtoul(argv[++i], NULL, 0);
        else if (strcmp(arg, "--workload") == 0 && nworkloads < 8)
            workloads[nworkloads++] = argv[++i];
        else if (strcmp(arg, "--heap") == 0 && nheaps < 8)
            heaps[nheaps++] = argv[++i];
        else if (strcmp(arg, "--trace") == 0)
            trace = argv[++i];
        else if (strcmp(arg, "--svg") == 0)
            svg = argv[++i];
        else if (strcmp(arg, "--ops") == 0)
            ops_out = argv[++i];
        else if (strcmp(arg, "--seeds") == 0 && atoi(val) > 0)
            seeds = (unsigned)atoi(argv[++i]);
        else
            usage();
    }
    if (nsizes == 0)
    {
        sizes[nsizes++] = 65536;
        sizes[nsizes++] = 1 << 20;
    }
    if (trace != NULL)
        workloads[nworkloads++] = "trace";
    else if (nworkloads == 0)
    {
        workloads[nworkloads++] = "small";
        workloads[nworkloads++] = "mixed";
        workloads[nworkloads++] = "holes";
    }
    if (measuring)
        calibrate();
    nres = nsizes * nworkloads * N_ALGORITHMS;
    res = calloc(nres, sizeof(*res));
    if (res == NULL)
        return 2;
    for (s = 0; s < nsizes; s++)
        for (w = 0; w < nworkloads; w++)
        {
            int is_trace = strcmp(workloads[w], "trace") == 0;
            unsigned k, runs = is_trace ? 1 : seeds;

            for (k = 0; k < runs; k++)
            {
                struct ops o;
                /* the sequence depends on (workload, size, k) only */
                uint64_t seed = 0x5EED5EEDull ^ (sizes[s] * 0x9E3779B97F4A7C15ull)
                                ^ ((uint64_t)(k + 1) * 0xD1B54A32D192ED03ull)
                                ^ (uint64_t)workloads[w][0] << 56;

                memset(&o, 0, sizeof(o));
                if (strcmp(workloads[w], "small") == 0)
                    gen_churn(&o, sizes[s], size_small, seed);
                else if (strcmp(workloads[w], "mixed") == 0)
                    gen_churn(&o, sizes[s], size_mixed, seed);
                else if (strcmp(workloads[w], "holes") == 0)
                    gen_holes(&o, sizes[s], seed);
                else if (is_trace)
                {
                    if (ops_read(&o, trace) != 0)
                        return 2;
                }
                else
                    usage();
                if (ops_out != NULL && k == 0)
                {
                    char what[64];
                    snprintf(what, sizeof(what), "%s, %lu-byte heap", workloads[w], (unsigned long)sizes[s]);
                    ops_write(&o, ops_out, what);
                }
                for (a = 0; a < N_ALGORITHMS; a++)
                {
                    struct result one;
                    size_t h;

                    for (h = 0; h < nheaps; h++)
                        if (strcmp(heaps[h], algorithms[a]->name) == 0)
                            break;
                    if (nheaps > 0 && h == nheaps)
                        continue;
                    if (measuring)
                    {
                        char label[96];
                        snprintf(label, sizeof(label), "run %s %s %lu", algorithms[a]->name,
                                 workloads[w], (unsigned long)sizes[s]);
                        CALLGRIND_DUMP_STATS_AT(label);
                    }
                    run(algorithms[a], workloads[w], &o, sizes[s], &one);
                    merge_result(&res[(s * nworkloads + w) * N_ALGORITHMS + a], &one);
                }
                free(o.v);
            }
        }
    print_table(res, nres, tsv);
    if (svg != NULL)
        svg_chart(svg, res, nres);
    for (i = 0; i < nres; i++)
        if (res[i].runs > 0 && res[i].check_failed)
            return 1;
    free(res);
    return 0;
}
