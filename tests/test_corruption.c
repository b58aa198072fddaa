/*
 * test_corruption.c - the metadata shadow (sim/check_meta.c, rthw.h
 * "metadata shadow"): a program that writes over allocator metadata is
 * stopped at the next allocator call that would read it, with a report
 * that names the damaged word, its expected and found contents and the
 * block that most probably did it - never a crash, never a block handed
 * out twice, never a host address returned or written.
 *
 * The matrix: every system-heap algorithm and memory pools
 *   x  overflow by one byte, by one word, over the whole next header,
 *      write after free into the first word, the last word, the links
 *   x  checking levels 1 and 2.
 * Each case computes, inside the run and before it damages anything, the
 * report it must get (the record it hits, the words there before and
 * after); the test compares the report line by line.  A host canary - a
 * buffer whose address the "links" cases write into the heap - must come
 * out of every run untouched, and rt_system_heap_check() is called from
 * the report hook (it must not crash on the damaged heap).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rthw.h>
#include <rtmm.h>
#include "testutil.h"
#include "direct_heap.h"

#define W   sizeof(void *)

enum mistake { M_BYTE, M_WORD, M_HEADER, M_WAF_FIRST, M_WAF_LAST, M_WAF_LINKS, M_COUNT };
static const char *const mistake_name[M_COUNT] = {
    "overflow by one byte", "overflow by one word", "overflow over the next header",
    "write after free, first word", "write after free, last word",
    "write after free into the links",
};

static const char *const heaps[] = { "smallmem", "smallmem-classic", "slab", "memheap", "tlsf" };
#define NHEAPS (sizeof heaps / sizeof heaps[0])

static const char *heap_name;           /* NULL: the pool cases */
static enum mistake mistake;
static int hook_check = -1;             /* rt_system_heap_check() in the report hook */
static char want[4096];                 /* the report the case must get */
static size_t want_len;
/* Host memory the links are pointed at: canary + 1, so that the address
 * written never has a zero low byte (a byte that already matches would
 * move the first damaged byte, and with it the report, by the canary's
 * place in the binary). */
static unsigned char canary[64] __attribute__((aligned(16)));
static int dalgo;                       /* a heap made directly: DH_* */
static struct direct_heap dheap;

static void on_error(void)
{
    hook_check = rt_system_heap_check();
}

static void want_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void want_add(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    want_len += (size_t)vsnprintf(want + want_len, sizeof want - want_len, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------ the record a byte belongs to
 * As kheap.c records the system heap (K11): headers, free blocks' link
 * words (free_head / free_tail words of the algorithm), zone headers. */
struct rec { const unsigned char *start; size_t len; const char *kind; const unsigned char *block; };
struct find { const unsigned char *at; struct rec r; int found; };

static size_t free_head_bytes(void)
{
    return !strcmp(heap_name, "slab") || !strcmp(heap_name, "tlsf") ? 2 * W : 0;
}

static size_t free_tail_bytes(void)
{
    return !strcmp(heap_name, "tlsf") ? W : 0;
}

static void rec_try(struct find *f, const unsigned char *s, size_t len, const char *kind,
                    const unsigned char *block)
{
    if (!f->found && len && f->at >= s && f->at < s + len)
    {
        f->r.start = s;
        f->r.len = len;
        f->r.kind = kind;
        f->r.block = block;
        f->found = 1;
    }
}

static int rec_block(const struct rt_mem_block *b, void *ctx)
{
    struct find *f = ctx;
    const unsigned char *s = b->start;
    size_t head = free_head_bytes(), tail = free_tail_bytes();

    if (b->kind == RT_MEM_BLOCK_ZONE)
        rec_try(f, s, b->header_size, "zone header", s);
    else if (b->kind == RT_MEM_BLOCK_DATA || b->kind == RT_MEM_BLOCK_SENTINEL)
    {
        rec_try(f, s, b->header_size, "block header", s + b->header_size);
        if (!b->used && b->kind == RT_MEM_BLOCK_DATA)
        {
            const unsigned char *d = s + b->header_size;
            rec_try(f, d, head < b->size ? head : b->size, "free-list link", d);
            if (tail && tail <= b->size && b->size - tail >= head)
                rec_try(f, d + b->size - tail, tail, "free-list link", d);
        }
    }
    return f->found;
}

/* The words the report prints: as sim/check_meta.c shows them. */
static void words(char *buf, size_t n, const unsigned char *bytes, size_t len)
{
    size_t k = 0, i = 0;
    buf[0] = '\0';
    for (; i + W <= len; i += W)
    {
        rt_ubase_t w;
        memcpy(&w, bytes + i, W);
        unsigned long t = rt_sim_target_addr((const void *)w);
        if (t != (unsigned long)w)
            k += (size_t)snprintf(buf + k, n - k, " 0x%08lx", t);
        else if (w != 0 && !strcmp(heap_name ? heap_name : "", "memheap") &&
                 rt_object_find("heap", RT_Object_Class_MemHeap) == (rt_object_t)w)
            k += (size_t)snprintf(buf + k, n - k, " &\"heap\"");
        else if (w != 0 && w == (rt_ubase_t)&dheap.mh)
            k += (size_t)snprintf(buf + k, n - k, " &\"own\"");
        else
            k += (size_t)snprintf(buf + k, n - k, " 0x%0*lx", (int)(2 * W), (unsigned long)w);
    }
    for (; i < len; i++)
        k += (size_t)snprintf(buf + k, n - k, " %02x", bytes[i]);
}

/* Damage [at, at + n) with `value` bytes (or the bytes of `src`), and add
 * the report's damage lines for record r. */
static void damage(const struct rec *r, unsigned char *at, size_t n, int value,
                   const unsigned char *src)
{
    size_t first = (size_t)(at - r->start);
    size_t from = first - first % W;
    size_t len = r->len - from < 4 * W ? r->len - from : 4 * W;
    unsigned char before[4 * W], after[4 * W];
    char a[200], b[200];

    for (size_t i = 0; i < len; i++)
        before[i] = rt_sim_peek(r->start + from + i);
    for (size_t i = 0; i < n; i++)
        rt_sim_poke(at + i, src ? src[i] : (rt_uint8_t)(value < 0 ? rt_sim_peek(at + i) ^ 0x5a
                                                                  : value));
    for (size_t i = 0; i < len; i++)
        after[i] = rt_sim_peek(r->start + from + i);
    size_t d = 0;
    while (d < len && before[d] == after[d])
        d++;
    words(a, sizeof a, before, len);
    words(b, sizeof b, after, len);
    want_add("  damage 0x%08lx (%s, %lu bytes at 0x%08lx); from 0x%08lx:\n"
             "         expected%s\n"
             "         found   %s\n",
             rt_sim_target_addr(r->start + from + d), r->kind, (unsigned long)r->len,
             rt_sim_target_addr(r->start), rt_sim_target_addr(r->start + from), a, b);
}

static const char *what(const struct rec *r, char *buf, size_t n)
{
    if (!strcmp(r->kind, "block header"))
        snprintf(buf, n, "the header of the block at 0x%08lx was", rt_sim_target_addr(r->block));
    else if (!strcmp(r->kind, "free-list link"))
        snprintf(buf, n, "the free-list links of the free block at 0x%08lx were",
                 rt_sim_target_addr(r->block));
    else
        snprintf(buf, n, "the slab zone header at 0x%08lx was", rt_sim_target_addr(r->block));
    return buf;
}

struct cap_ctx { const void *data; rt_size_t cap; };

static int find_cap(const struct rt_mem_block *b, void *ctx)
{
    struct cap_ctx *c = ctx;
    if (b->used && b->kind == RT_MEM_BLOCK_DATA &&
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

static void block_line(const void *p, unsigned long size, unsigned long cap, const char *from,
                       const char *name, int freed)
{
    want_add("  block  0x%08lx, %lu bytes (capacity %lu) from %s \"%s\", allocated by \"main\" "
             "at tick 0\n", rt_sim_target_addr(p), size, cap, from, name);
    if (freed)
        want_add("         freed by \"main\" at tick 0\n");
}

/* ------------------------------------------------------------ heap cases */
static void heap_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(100);
    rt_size_t cap = capacity_of(p);
    char wbuf[160];
    struct find f = { 0 };

    if (mistake <= M_HEADER)
    {
        /* p's block ends right before metadata (the next header, or a free
         * chunk's link): overflow into it, then ask for memory. */
        f.at = p + cap;
        rt_system_heap_walk(rec_block, &f);
        TU_EXPECT(f.found);
        if (!f.found)
            return;
        size_t n = mistake == M_BYTE ? 1 : mistake == M_WORD ? W : f.r.len;
        want_add("rtsim: memory error: heap overflow from the block at 0x%08lx: %s overwritten\n"
                 "  call   rt_malloc, thread \"main\" at tick 0\n",
                 rt_sim_target_addr(p), what(&f.r, wbuf, sizeof wbuf));
        damage(&f.r, p + cap, n, mistake == M_BYTE ? -1 : mistake == M_WORD ? 0x41 : 0xff, RT_NULL);
        block_line(p, 100, cap, "heap", "heap", 0);
        /* the same size: slab verifies a free chunk's words when it hands
         * the chunk out (heap_shadow.c S8), the others every record */
        (void)rt_malloc(100);
        tu_log("not reached");
        return;
    }

    /* q is freed between two live blocks; then write through the stale q. */
    unsigned char *q = rt_malloc(100);
    rt_size_t qcap = capacity_of(q);
    unsigned char *r = rt_malloc(100);
    (void)r;
    rt_free(q);
    unsigned char *at = mistake == M_WAF_FIRST ? q : q + qcap - W;
    unsigned long canary_addr = (unsigned long)(rt_ubase_t)(canary + 1);
    if (mistake == M_WAF_LINKS)
    {
        /* the links: in the free block's data (slab, tlsf) or its header */
        f.at = q;
        rt_system_heap_walk(rec_block, &f);
        if (!f.found)
        {
            f.at = q - 1;
            rt_system_heap_walk(rec_block, &f);
            if (!f.found)       /* slab, strict: no header, q's data is poison */
                at = q;
            else
            /* next/prev (small mem), next_free/prev_free (memheap): the
             * header's last two words; tlsf (strict: q still looks used)
             * has only its size word */
            at = f.r.len >= 3 * W ? (unsigned char *)f.r.start + f.r.len - 2 * W : q - W;
        }
        else
        {
            at = q;
        }
    }
    else
    {
        f.at = at;
        rt_system_heap_walk(rec_block, &f);
    }

    int level2 = (rt_hw_mem_level() & 0xFF) >= 2;
    if (f.found)
    {
        /* metadata: the shadow reports it at the next call */
        int in_data = at >= q;
        if (in_data)
            want_add("rtsim: memory error: write after free into the block at 0x%08lx: %s "
                     "overwritten\n", rt_sim_target_addr(q), what(&f.r, wbuf, sizeof wbuf));
        else
            want_add("rtsim: memory error: heap overflow from the block at 0x%08lx: %s "
                     "overwritten\n", rt_sim_target_addr(p), what(&f.r, wbuf, sizeof wbuf));
        want_add("  call   rt_malloc, thread \"main\" at tick 0\n");
        damage(&f.r, at, W, 0x77, mistake == M_WAF_LINKS ? (const unsigned char *)&canary_addr : RT_NULL);
        if (in_data)
        {
            block_line(q, 100, qcap, "heap", "heap", 1);
            /* named only when nothing lies between it and the damage but
             * a few words (a header) */
            if ((size_t)(at + (f.r.start - at) % W - (p + cap)) <= 4 * W)
                want_add("  below  0x%08lx, the live block just below (if it overflowed instead)\n",
                         rt_sim_target_addr(p));
        }
        else
        {
            block_line(p, 100, cap, "heap", "heap", 0);
        }
    }
    else
    {
        /* q's poisoned data (or, strict, the quarantined block): the
         * poison check reports it when the memory is verified */
        for (size_t i = 0; i < W; i++)
            rt_sim_poke(at + i, mistake == M_WAF_LINKS ? ((unsigned char *)&canary_addr)[i] : 0x77);
        want_add("rtsim: memory error: write after free: byte 0x%08lx (+%lu in the freed block) "
                 "was overwritten\n", rt_sim_target_addr(at), (unsigned long)(at - q));
    }
    /* the next calls must not hand anything damaged out (slab hands out
     * every never-used chunk of the zone before a freed one) */
    for (int i = 0; i < 1000; i++)
        (void)rt_malloc(100);
    if (level2)
        return;     /* strict: the quarantine is verified at the end of the run */
    tu_log("not reached");
}

/* ------------------------------------------------------------ pool cases */
#define BS 32

static void pool_main(void *arg)
{
    (void)arg;
    rt_mp_t mp = rt_mp_create("mp", 4, BS);
    unsigned char *b0 = rt_mp_alloc(mp, 0);
    unsigned long canary_addr = (unsigned long)(rt_ubase_t)(canary + 1);
    struct rec r;
    char wbuf[160];

    if (mistake <= M_HEADER)
    {
        /* b0's block is followed by b1's word (a free-list link) */
        r.start = b0 + BS;
        r.len = W;
        r.kind = "pool block word";
        r.block = b0 + BS + W;
        (void)wbuf;
        want_add("rtsim: memory error: memory pool overflow from the block at 0x%08lx: the "
                 "header word of pool block 0x%08lx was overwritten\n"
                 "  call   rt_mp_alloc, thread \"main\" at tick 0\n",
                 rt_sim_target_addr(b0), rt_sim_target_addr(r.block));
        damage(&r, b0 + BS, mistake == M_BYTE ? 1 : W, mistake == M_BYTE ? -1 : 0x41, RT_NULL);
        block_line(b0, BS, BS, "pool", "mp", 0);
        void *x = rt_mp_alloc(mp, 0);
        void *y = rt_mp_alloc(mp, 0);
        TU_EXPECT(x != y);
        tu_log("not reached");
        return;
    }
    unsigned char *b1 = rt_mp_alloc(mp, 0);
    rt_mp_free(b1);
    if (mistake == M_WAF_LINKS)
    {
        /* the freed block's word is its free-list link: point it at host memory */
        r.start = b1 - W;
        r.len = W;
        r.kind = "pool block word";
        r.block = b1;
        want_add("rtsim: memory error: memory pool overflow from the block at 0x%08lx: the "
                 "header word of pool block 0x%08lx was overwritten\n"
                 "  call   rt_mp_alloc, thread \"main\" at tick 0\n",
                 rt_sim_target_addr(b0), rt_sim_target_addr(b1));
        damage(&r, b1 - W, W, 0, (const unsigned char *)&canary_addr);
        block_line(b0, BS, BS, "pool", "mp", 0);
    }
    else
    {
        unsigned char *at = mistake == M_WAF_FIRST ? b1 : b1 + BS - W;
        for (size_t i = 0; i < W; i++)
            rt_sim_poke(at + i, 0x77);
        want_add("rtsim: memory error: write after free: byte 0x%08lx (+%lu in the freed block) "
                 "was overwritten\n", rt_sim_target_addr(at), (unsigned long)(at - b1));
    }
    void *x = rt_mp_alloc(mp, 0);
    void *y = rt_mp_alloc(mp, 0);
    TU_EXPECT(x != canary && y != canary);
    tu_log("not reached");
}

/* ------------------------------------------------------------------ run */
/* A case's configuration and a clean slate: the system heap `heap`, the
 * algorithm the records belong to `name`. */
static void case_begin(struct rt_sim_config *cfg, const char *heap, const char *name,
                       enum mistake m, int level)
{
    tu_config(cfg);
    cfg->heap = heap;
    cfg->checked = level;
    cfg->on_memory_error = on_error;
    heap_name = name;
    mistake = m;
    hook_check = -1;
    want_len = 0;
    want[0] = '\0';
    memset(canary, 0xC5, sizeof canary);
    tu_console_reset();
    tu_log_reset();
}

static void run_case(const char *heap, enum mistake m, int level)
{
    struct rt_sim_config cfg;
    case_begin(&cfg, heap ? heap : "smallmem", heap ? heap : "smallmem", m, level);

    int rc = tu_run(&cfg, heap ? heap_main : pool_main, NULL);
    const char *label = heap ? heap : "pool";

    if (rc != RT_SIM_EMEMORY)
        fail_msg("%s, %s, level %d: run ended %d, report:\n%s", label, mistake_name[m], level, rc,
                 tu_report());
    /* the first lines are exact; a strict run may add the leak list */
    if (strncmp(tu_report(), want, want_len) != 0)
        fail_msg("%s, %s, level %d: report\n%s\nexpected\n%s", label, mistake_name[m], level,
                 tu_report(), want);
    assert_string_equal(tu_log_text(), "");
    assert_int_not_equal(hook_check, -1);       /* the hook ran the check */
    for (size_t i = 0; i < sizeof canary; i++)
        assert_int_equal(canary[i], 0xC5);
}

static int heap_available(const char *name)
{
    int ok = rt_system_heap_select(name) == RT_EOK;
    rt_system_heap_select(RT_NULL);
    return ok;
}

static void test_heap_matrix(void **state)
{
    (void)state;
    for (int level = 1; level <= 2; level++)
        for (size_t h = 0; h < NHEAPS; h++)
            for (int m = 0; m < M_COUNT; m++)
                if (heap_available(heaps[h]))
                    run_case(heaps[h], (enum mistake)m, level);
}

static void test_pool_matrix(void **state)
{
    (void)state;
    for (int level = 1; level <= 2; level++)
        for (int m = 0; m < M_COUNT; m++)
            run_case(RT_NULL, (enum mistake)m, level);
}

/* ------------------------------------------- heaps made directly (S8, S9)
 * kernel/src/heap_shadow.c shadows a heap a program makes itself exactly
 * as kheap.c's K11 shadows the system heap.  The arena is a system-heap block (so the
 * addresses are the board's); rtsim keeps no history of the direct heap's
 * blocks, so the culprit is named from the shadow: the block whose header
 * is the last one below a damaged header. */
#define DIRECT_ARENA 65536      /* slab needs whole pages */

static int direct_clean;        /* the clean-program case: no damage */

/* The report's first lines for damage to record r of a heap made directly,
 * p the block below: the culprit comes from the shadow (check_meta.c). */
static void direct_want(const struct rec *r, const unsigned char *p)
{
    char wbuf[160];

    if (!strcmp(r->kind, "block header"))
        want_add("rtsim: memory error: heap overflow from the block at 0x%08lx: %s "
                 "overwritten\n", rt_sim_target_addr(p), what(r, wbuf, sizeof wbuf));
    else
        want_add("rtsim: memory error: heap metadata overwritten: %s overwritten (a write "
                 "after free into it, or an overflow from just below it)\n",
                 what(r, wbuf, sizeof wbuf));
    want_add("  call   %s_alloc, thread \"main\" at tick 0\n", dh_api[dalgo]);
}

static void direct_main(void *arg)
{
    (void)arg;
    unsigned char *arena = rt_malloc(DIRECT_ARENA);
    void *h = dh_init(&dheap, dalgo, "own", arena, DIRECT_ARENA);
    struct find f = { 0 };
    unsigned long canary_addr = (unsigned long)(rt_ubase_t)canary;

    TU_EXPECT(h != RT_NULL);
    if (h == RT_NULL)
        return;
    if (direct_clean)
    {
        /* a correct program: every call, a realloc in place and moving,
         * reuse of freed blocks; then detach and a second heap over the
         * same memory (S9) */
        uint64_t st = 12;
        void *live[16] = { 0 };
        for (int i = 0; i < 400; i++)
        {
            int k = (int)(tu_rand(&st) % 16);
            if (live[k])
            {
                dh_free(&dheap, live[k]);
                live[k] = RT_NULL;
            }
            else
            {
                rt_size_t n = 1 + (rt_size_t)(tu_rand(&st) % 300);
                live[k] = dh_alloc(&dheap, n);
                if (live[k])
                    memset(live[k], 0x3C, n);
            }
        }
        for (int k = 0; k < 16; k++)
            dh_free(&dheap, live[k]);
        dh_detach(&dheap);
        h = dh_init(&dheap, dalgo, "own", arena, DIRECT_ARENA);
        void *x = dh_alloc(&dheap, 64);
        TU_EXPECT(x != RT_NULL);
        dh_free(&dheap, x);
        dh_detach(&dheap);
        rt_free(arena);
        return;
    }

    unsigned char *p = dh_alloc(&dheap, 100);
    struct cap_ctx c = { p, 0 };
    dh_walk(&dheap, find_cap, &c);
    if (mistake <= M_HEADER)
    {
        f.at = p + c.cap;
        dh_walk(&dheap, rec_block, &f);
        TU_EXPECT(f.found);
        if (!f.found)
            return;
        direct_want(&f.r, p);
        damage(&f.r, p + c.cap, W, 0x41, RT_NULL);
        (void)dh_alloc(&dheap, 100);      /* slab: the chunk above p (S8) */
        tu_log("not reached");
        return;
    }
    /* write through a stale pointer into a freed block's links: point them
     * at host memory */
    unsigned char *q = dh_alloc(&dheap, 100);
    unsigned char *r = dh_alloc(&dheap, 100);
    (void)r;
    dh_free(&dheap, q);
    f.at = q;
    dh_walk(&dheap, rec_block, &f);
    if (!f.found)
    {
        /* small mem, memheap: the links are the header's last two words */
        f.at = q - 1;
        dh_walk(&dheap, rec_block, &f);
    }
    TU_EXPECT(f.found);
    if (!f.found)
        return;
    unsigned char *at = f.r.block == q && f.r.start == q ? q : (unsigned char *)f.r.start + f.r.len - 2 * W;
    direct_want(&f.r, p);
    damage(&f.r, at, W, 0, (const unsigned char *)&canary_addr);
    for (int i = 0; i < 1000; i++)
        (void)dh_alloc(&dheap, 100);
    tu_log("not reached");
}

static void run_direct(int algo, enum mistake m, int level, int clean)
{
    struct rt_sim_config cfg;
    case_begin(&cfg, "smallmem", dh_name[algo], m, level);
    dalgo = algo;
    direct_clean = clean;

    int rc = tu_run(&cfg, direct_main, NULL);
    if (clean)
    {
        if (rc != RT_SIM_OK)
            fail_msg("%s, clean program, level %d: run ended %d, report:\n%s", dh_api[algo], level, rc,
                     tu_report());
        assert_string_equal(tu_log_text(), "");
        return;
    }
    if (rc != RT_SIM_EMEMORY)
        fail_msg("%s, %s, level %d: run ended %d, report:\n%s", dh_api[algo], mistake_name[m], level,
                 rc, tu_report());
    if (strncmp(tu_report(), want, want_len) != 0)
        fail_msg("%s, %s, level %d: report\n%s\nexpected\n%s", dh_api[algo], mistake_name[m], level,
                 tu_report(), want);
    assert_string_equal(tu_log_text(), "");
    assert_int_not_equal(hook_check, -1);
    for (size_t i = 0; i < sizeof canary; i++)
        assert_int_equal(canary[i], 0xC5);
}

static void test_direct_matrix(void **state)
{
    (void)state;
    for (int level = 1; level <= 2; level++)
        for (int d = 0; d < DH_COUNT; d++)
        {
            run_direct(d, M_HEADER, level, 0);
            run_direct(d, M_WAF_LINKS, level, 0);
        }
}

static void test_direct_clean(void **state)
{
    (void)state;
    for (int level = 0; level <= 2; level++)
        for (int d = 0; d < DH_COUNT; d++)
            run_direct(d, M_HEADER, level, 1);
}

/* A heap made inside a block of another (S9): rt_smem_free finds the inner
 * one, the outer one stays shadowed; then an overflow in the outer heap is
 * still reported. */
static void nested_main(void *arg)
{
    (void)arg;
    unsigned char *arena = rt_malloc(DIRECT_ARENA);
    rt_tlsf_t outer = rt_tlsf_init("out", arena, DIRECT_ARENA);
    unsigned char *block = rt_tlsf_alloc(outer, 8192);
    rt_smem_t inner = rt_smem_init("in", block, 8192);
    void *live[8];

    TU_EXPECT(outer != RT_NULL && block != RT_NULL && inner != RT_NULL);
    for (int round = 0; round < 50; round++)
    {
        for (int i = 0; i < 8; i++)
            live[i] = (round + i) % 2 ? rt_smem_alloc(inner, 24 + (rt_size_t)i * 8)
                                      : rt_tlsf_alloc(outer, 40 + (rt_size_t)i * 8);
        for (int i = 0; i < 8; i++)
        {
            if ((round + i) % 2)
                rt_smem_free(live[i]);
            else
                rt_tlsf_free(outer, live[i]);
        }
    }
    TU_EXPECT_INT(rt_smem_check(inner), 0);
    TU_EXPECT_INT(rt_tlsf_check(outer), 0);
    rt_smem_detach(inner);
    unsigned char *p = rt_tlsf_alloc(outer, 64);
    (void)rt_tlsf_alloc(outer, 64);
    tu_log("clean");
    struct cap_ctx c = { p, 0 };
    rt_tlsf_walk(outer, find_cap, &c);
    rt_sim_poke(p + c.cap, 0x41);                       /* the next header */
    rt_tlsf_free(outer, block);
    tu_log("not reached");
}

static void test_direct_nested(void **state)
{
    struct rt_sim_config cfg;

    (void)state;
    tu_config(&cfg);
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, nested_main, NULL), RT_SIM_EMEMORY);
    assert_string_equal(tu_log_text(), "clean");
    assert_non_null(strstr(tu_report(), "call   rt_tlsf_free"));
}

/* Damage after the last heap call.  A static thread writes once the idle
 * thread has reclaimed main (the last heap calls of the run): at level 1
 * the end of the run compares the system heap's records and reports the
 * overflow; at level 0 a damaged heap object makes the teardown's detach
 * assert (RT-Thread's own check), which ends the run instead of looping
 * back into the teardown (fuzz-corrupt found that hang). */
static struct rt_thread late_thread;
static rt_uint8_t late_stack[2048] __attribute__((aligned(8)));
static int late_what;                   /* 0: the next header, 1: the heap object */

static void late_entry(void *arg)
{
    unsigned char *p = arg;

    rt_thread_delay(5);
    if (late_what == 0)
    {
        struct cap_ctx c = { p, 0 };
        rt_system_heap_walk(find_cap, &c);
        rt_sim_poke(p + c.cap, 0x41);
    }
    else
    {
        struct rt_object *heap = rt_object_find("heap", RT_Object_Class_Memory);
        TU_EXPECT(heap != RT_NULL);
        rt_sim_poke(&heap->type, 0x55);
    }
    tu_log("damaged");
}

static void late_main(void *arg)
{
    (void)arg;
    unsigned char *p = rt_malloc(40);           /* kept: the block below */
    (void)rt_malloc(40);
    TU_EXPECT(p != RT_NULL);
    TU_EXPECT_INT(rt_thread_init(&late_thread, "late", late_entry, p, late_stack,
                                 sizeof late_stack, RT_THREAD_PRIORITY_MAX - 2, 10), RT_EOK);
    rt_thread_startup(&late_thread);
}

static void test_damage_after_last_call(void **state)
{
    struct rt_sim_config cfg;

    (void)state;
    tu_config(&cfg);
    cfg.heap = "smallmem";
    late_what = 0;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, late_main, NULL), RT_SIM_EMEMORY);
    assert_string_equal(tu_log_text(), "damaged");
    assert_non_null(strstr(tu_report(), "heap overflow from the block at "));
    assert_non_null(strstr(tu_report(), "\n  call   end of the run at tick 5 (the system heap's "
                                        "metadata, compared before it is taken down)\n"));

    tu_config(&cfg);
    cfg.heap = "smallmem";
    cfg.checked = 0;
    late_what = 1;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, late_main, NULL), RT_SIM_EASSERT);
    assert_string_equal(tu_log_text(), "damaged");
    assert_non_null(strstr(tu_report(), "rtsim: assertion failed: (rt_object_get_type(&m->parent)"
                                        " == RT_Object_Class_Memory) in rt_smem_detach"));
    /* the next run in this process starts from a clean kernel */
    tu_config(&cfg);
    late_what = 0;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, late_main, NULL), RT_SIM_EMEMORY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_direct_nested),
        cmocka_unit_test(test_heap_matrix),
        cmocka_unit_test(test_pool_matrix),
        cmocka_unit_test(test_direct_matrix),
        cmocka_unit_test(test_direct_clean),
        cmocka_unit_test(test_damage_after_last_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
