/* heaptest.c - see heaptest.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heaptest.h"
#include "testutil.h"

static void smem_free2(rt_smem_t m, void *p)
{
    (void)m;
    rt_smem_free(p);
}

const struct ht_ops ht_smem =
{
    "smallmem", rt_smem_init, rt_smem_detach, rt_smem_alloc, rt_smem_realloc,
    smem_free2, rt_smem_check, rt_smem_walk,
};

const struct ht_ops ht_classic =
{
    "smallmem-classic", rt_smem_classic_init, rt_smem_classic_detach,
    rt_smem_classic_alloc, rt_smem_classic_realloc, rt_smem_classic_free,
    rt_smem_classic_check, rt_smem_classic_walk,
};

static void ht_checked(const struct ht_ops *o, rt_smem_t m, const char *when)
{
    int rc = o->check(m);
    if (rc != 0)
        fail_msg("%s: %s check() = I%d", o->name, when, rc);
}

void *ht_alloc(const struct ht_ops *o, rt_smem_t m, rt_size_t size)
{
    ht_checked(o, m, "before alloc");
    void *p = o->alloc(m, size);
    ht_checked(o, m, "after alloc");
    if (p)
        assert_int_equal((uintptr_t)p % RT_ALIGN_SIZE, 0);
    return p;
}

void *ht_realloc(const struct ht_ops *o, rt_smem_t m, void *p, rt_size_t size)
{
    ht_checked(o, m, "before realloc");
    void *q = o->realloc(m, p, size);
    ht_checked(o, m, "after realloc");
    return q;
}

void ht_free(const struct ht_ops *o, rt_smem_t m, void *p)
{
    ht_checked(o, m, "before free");
    o->free(m, p);
    ht_checked(o, m, "after free");
}

struct shape_ctx { char *buf; size_t len, cap; };

static int shape_block(const struct rt_mem_block *b, void *ctx)
{
    struct shape_ctx *c = ctx;
    if (b->kind != RT_MEM_BLOCK_DATA)
        return 0;
    int n = snprintf(c->buf + c->len, c->cap - c->len, "%s%c%lu", c->len ? " " : "",
                     b->used ? 'u' : 'f', (unsigned long)b->size);
    if (n > 0 && (size_t)n < c->cap - c->len)
        c->len += (size_t)n;
    return 0;
}

const char *ht_shape(const struct ht_ops *o, rt_smem_t m)
{
    static char buf[8192];
    struct shape_ctx c = { buf, 0, sizeof buf };
    buf[0] = '\0';
    o->walk(m, shape_block, &c);
    return buf;
}

const char *ht_fmt(const char *fmt, ...)
{
    static char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

struct nth_ctx { int n; int kind; unsigned char *found; };

static int nth_block(const struct rt_mem_block *b, void *ctx)
{
    struct nth_ctx *c = ctx;
    if (b->kind != c->kind)
        return 0;
    if (c->n-- == 0)
    {
        c->found = (unsigned char *)b->start;
        return 1;
    }
    return 0;
}

unsigned char *ht_block(const struct ht_ops *o, rt_smem_t m, int n)
{
    struct nth_ctx c = { n, RT_MEM_BLOCK_DATA, NULL };
    o->walk(m, nth_block, &c);
    assert_non_null(c.found);
    return c.found;
}

unsigned char *ht_sentinel(const struct ht_ops *o, rt_smem_t m)
{
    struct nth_ctx c = { 0, RT_MEM_BLOCK_SENTINEL, NULL };
    o->walk(m, nth_block, &c);
    assert_non_null(c.found);
    return c.found;
}

void ht_garbage(void *p, size_t n, uint64_t seed)
{
    unsigned char *b = p;
    uint64_t s = seed | 1;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(tu_rand(&s) >> 56);
}

/* ------------------------------------------------------------- stress */

#define HT_SLOTS 64

struct ht_slot { unsigned char *p; rt_size_t size; uint8_t tag; };

static void slot_fill(struct ht_slot *s)
{
    for (rt_size_t i = 0; i < s->size; i++)
        s->p[i] = (uint8_t)(s->tag + i * 7);
}

static int slot_ok(const struct ht_slot *s, rt_size_t n)
{
    for (rt_size_t i = 0; i < n; i++)
        if (s->p[i] != (uint8_t)(s->tag + i * 7))
            return 0;
    return 1;
}

struct range_ctx { const unsigned char *p; rt_size_t n; int ok; };

static int range_block(const struct rt_mem_block *b, void *ctx)
{
    struct range_ctx *c = ctx;
    const unsigned char *data = (const unsigned char *)b->start + b->header_size;
    if (b->kind == RT_MEM_BLOCK_DATA && b->used && data == c->p && b->size >= c->n)
        c->ok = 1;
    return c->ok;
}

void ht_stress(const struct ht_ops *o, rt_smem_t m, uint64_t seed, int steps, rt_size_t max_size)
{
    struct ht_slot slot[HT_SLOTS];
    uint64_t st = seed;
    memset(slot, 0, sizeof slot);

    for (int step = 0; step < steps; step++)
    {
        struct ht_slot *s = &slot[tu_rand(&st) % HT_SLOTS];
        unsigned op = (unsigned)(tu_rand(&st) % 8);
        rt_size_t size = (rt_size_t)(tu_rand(&st) % max_size);

        if (s->p && !slot_ok(s, s->size))
            fail_msg("%s: seed %llu step %d: block contents changed", o->name,
                     (unsigned long long)seed, step);
        if (s->p == NULL)
        {
            s->p = ht_alloc(o, m, size);
            s->size = s->p ? size : 0;
            if (size == 0)
                assert_null(s->p);
        }
        else if (op < 4)
        {
            ht_free(o, m, s->p);
            s->p = NULL;
            s->size = 0;
            continue;
        }
        else
        {
            unsigned char *q = ht_realloc(o, m, s->p, size);
            if (size == 0)
            {
                assert_null(q);
                s->p = NULL;
                s->size = 0;
                continue;
            }
            if (q == NULL)
            {
                if (!slot_ok(s, s->size))   /* failure: old block untouched */
                    fail_msg("%s: seed %llu step %d: failed realloc changed the block",
                             o->name, (unsigned long long)seed, step);
                continue;
            }
            s->p = q;
            if (!slot_ok(s, s->size < size ? s->size : size))
                fail_msg("%s: seed %llu step %d: realloc lost contents", o->name,
                         (unsigned long long)seed, step);
            s->size = size;
        }
        if (s->p)
        {
            struct range_ctx rc = { s->p, s->size, 0 };
            o->walk(m, range_block, &rc);
            if (!rc.ok)
                fail_msg("%s: seed %llu step %d: block not a used block of its size",
                         o->name, (unsigned long long)seed, step);
            s->tag = (uint8_t)tu_rand(&st);
            slot_fill(s);
        }
    }
    for (int i = 0; i < HT_SLOTS; i++)
    {
        if (slot[i].p)
        {
            assert_true(slot_ok(&slot[i], slot[i].size));
            ht_free(o, m, slot[i].p);
        }
    }
}
