/*
 * scn_mem.c - the scenario statements that allocate (docs/scenarios.md):
 * `heap NAME ALGO SIZE` and `pool NAME BLOCK COUNT` (a heap or memory pool
 * carved from the system heap), `pool_delete`, VAR = malloc / calloc /
 * realloc [in HEAP], free, VAR = mp_alloc POOL [timeout], mp_free.  Each
 * call runs in the thread that reaches the statement, echoes its result,
 * names the block after its variable (scn_owner.c) and takes a map step.
 * The table of heaps and pools and the variables are scn_run.c's
 * (scn_st); the heap algorithms are behind scn_heaps.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rtthread.h>
#include <rthw.h>
#include <rtmm.h>
#include <rtsim.h>

#include "heapmap.h"
#include "scenario.h"
#include "scn_internal.h"
#include "xalloc.h"

static void stmt_heap(const struct scn_stmt *s)
{
    int kind = scn_algo_kind(s->str);
    if (scn_obj_find(s->name) >= 0)
        return scn_error(s, "there is already a heap or pool called %s", s->name);
    if (scn_st.nobjs == SCN_MAX_OBJS)
        return scn_error(s, "at most %d heaps and pools", SCN_MAX_OBJS);
    if (!scn_algo_built(kind))
        return scn_error(s, "heap algorithm %s is not in this build of rtsim", s->str);
    void *begin = NULL, *backing = NULL;
    rt_size_t size = 0;
    if (s->flag)
    {
        const struct rt_sim_region *r = NULL;
        for (int i = 0; i < rt_sim_region_count(); i++)
            if (strcmp(rt_sim_region(i)->name, s->name2) == 0)
                r = rt_sim_region(i);
        if (!r)
            return scn_error(s, "board %s has no RAM region %s", rt_sim_board_name(),
                                 s->name2);
        struct hm_snapshot snap;
        hm_take(&snap, "", NULL, 0, NULL, NULL);
        int busy = 0;
        for (int i = 0; i < snap.nsections; i++)
            for (int j = 0; j < snap.sections[i].nblocks; j++)
            {
                const struct hm_block *b = &snap.sections[i].blocks[j];
                if (b->kind != HM_ZI && b->kind != HM_UNMANAGED && b->addr >= r->base &&
                    b->addr - r->base < r->size)
                    busy = 1;
            }
        hm_release(&snap);
        for (int i = 0; i < scn_st.nobjs; i++)
            if (scn_st.objs[i].in_region && scn_taddr(scn_st.obj_backing[i]) == r->base + r->zi_size)
                busy = 1;
        if (busy)
            return scn_error(s, "region %s is already managed by a heap", s->name2);
        begin = r->host + r->zi_size;
        size = r->size - r->zi_size;
        backing = begin;
    }
    else
    {
        size = (rt_size_t)s->num[0];
        backing = rt_malloc(size);
        if (!backing)
            return scn_error(s, "the system heap has no %lu bytes for heap %s",
                                 (unsigned long)size, s->name);
        char label[40];
        snprintf(label, sizeof label, "heap %s", s->name);
        scn_owner_set(scn_taddr(backing), label, scn_self_name());
        begin = backing;
    }
    int o = scn_st.nobjs;
    snprintf(scn_st.obj_names[o], sizeof scn_st.obj_names[o], "%s", s->name);
    void *h = scn_heap_init(kind, scn_st.obj_names[o], begin, size);
    if (!h)
    {
        if (!s->flag)
            rt_free(backing);
        return scn_error(s, "%s cannot manage %lu bytes", s->str, (unsigned long)size);
    }
    scn_st.objs[o] = (struct hm_object){ scn_st.obj_names[o], kind, h, s->flag };
    scn_st.obj_backing[o] = backing;
    scn_st.nobjs++;
    scn_echo("%s -> %s heap at 0x%08lx..0x%08lx", s->text, s->str, scn_taddr(begin),
         scn_taddr(begin) + (unsigned long)size);
    scn_snapshot(s, NULL);
}

static void stmt_pool(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    if (scn_obj_find(s->name) >= 0)
        return scn_error(s, "there is already a heap or pool called %s", s->name);
    if (scn_st.nobjs == SCN_MAX_OBJS)
        return scn_error(s, "at most %d heaps and pools", SCN_MAX_OBJS);
    int o = scn_st.nobjs;
    snprintf(scn_st.obj_names[o], sizeof scn_st.obj_names[o], "%s", s->name);
    rt_mp_t mp = rt_mp_create(scn_st.obj_names[o], (rt_size_t)s->num[0], (rt_size_t)s->num[1]);
    if (!mp)
        return scn_error(s, "rt_mp_create failed: the system heap has no room for %ld "
                             "blocks of %ld bytes", s->num[0], s->num[1]);
    char label[40];
    snprintf(label, sizeof label, "pool %s", s->name);
    scn_owner_set(scn_taddr(mp->start_address), label, NULL);
    snprintf(label, sizeof label, "pool %s object", s->name);
    scn_owner_set(scn_taddr(mp), label, NULL);
    scn_st.objs[o] = (struct hm_object){ scn_st.obj_names[o], HM_OBJ_POOL, mp, 0 };
    scn_st.obj_backing[o] = NULL;
    scn_st.nobjs++;
    scn_echo("%s -> %lu blocks of %lu bytes at 0x%08lx", s->text,
         (unsigned long)mp->block_total_count, (unsigned long)mp->block_size,
         scn_taddr(mp->start_address));
    scn_snapshot(s, NULL);
#else
    scn_error(s, "memory pools are not in this build of rtsim");
#endif
}

static void stmt_pool_delete(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    int o = scn_obj_find(s->name);
    if (!scn_is_pool(o))
        return scn_error(s, "no pool called %s", s->name);
    scn_echo("%s", s->text);
    rt_mp_t mp = scn_st.objs[o].handle;
    scn_st.objs[o].kind = -1;
    scn_st.obj_names[o][0] = '\0';
    rt_mp_delete(mp);
    scn_snapshot(s, NULL);
#else
    scn_error(s, "memory pools are not in this build of rtsim");
#endif
}

/* ------------------------------------------------------ mem statements */

static void stmt_malloc(const struct scn_stmt *s)
{
    int o = -1;
    void *p;
    if (s->name)
    {
        o = scn_obj_find(s->name);
        if (o < 0 || scn_is_pool(o))
            return scn_error(s, "no heap called %s (pools use mp_alloc)", s->name);
    }
    rt_size_t size = (rt_size_t)s->num[0];
    char drawn[40] = "";
    if (s->op == SCN_MALLOC && s->flag)
    {
        size = (rt_size_t)(s->num[0] + (long)(rt_sim_rand() % (unsigned long)(s->num[1] - s->num[0] + 1)));
        snprintf(drawn, sizeof drawn, " (%lu bytes)", (unsigned long)size);
    }
    if (s->op == SCN_CALLOC)
        p = rt_calloc((rt_size_t)s->num[0], (rt_size_t)s->num[1]);
    else
        p = o < 0 ? rt_malloc(size) : scn_heap_alloc(&scn_st.objs[o], size);
    scn_var_set(s->var, VAR_BLOCK, p, o);
    scn_echo("%s -> %s%s", s->text, scn_addr_str(p), drawn);
    scn_snapshot(s, NULL);
}

static void stmt_realloc(const struct scn_stmt *s)
{
    struct scn_var *v = scn_var_find(s->name);
    if (!v || v->kind != VAR_BLOCK)
        return scn_error(s, "no heap block called %s", s->name);
    void *old = v->ptr;
    int o = v->obj;
    /* As in C: `b = realloc b N` that fails leaves b NULL and the old block
     * allocated (and unnamed); the source variable of `c = realloc b N`
     * keeps its now stale address. */
    void *p = o < 0 ? rt_realloc(old, (rt_size_t)s->num[0])
                    : scn_heap_realloc(&scn_st.objs[o], old, (rt_size_t)s->num[0]);
    scn_var_set(s->var, VAR_BLOCK, p, o);
    scn_echo("%s -> %s%s", s->text, scn_addr_str(p),
         p && p == old ? " (in place)" : p ? (old ? " (moved)" : "") :
         s->num[0] == 0 ? " (freed)" : " (old block kept)");
    scn_snapshot(s, NULL);
}

static void stmt_free(const struct scn_stmt *s)
{
    struct scn_var *v = scn_var_find(s->name);
    if (!v)
        return scn_error(s, "no variable called %s", s->name);
    if (v->kind == VAR_POOL_BLOCK)
        return scn_error(s, "%s is a pool block: use mp_free", s->name);
    if (v->kind == VAR_WORD)
        return scn_error(s, "%s is a value from a mailbox or queue, not a block", s->name);
    if (v->obj < 0)
        rt_free(v->ptr);
    else
        scn_heap_free(&scn_st.objs[v->obj], v->ptr);
    scn_echo("%s (%s)", s->text, scn_addr_str(v->ptr));
    if (v->obj >= 0 && v->ptr)
        scn_owner_remove(scn_taddr(v->ptr));
    scn_snapshot(s, NULL);
}

static void stmt_mp_alloc(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    int o = scn_obj_find(s->name);
    if (!scn_is_pool(o))
        return scn_error(s, "no pool called %s", s->name);
    rt_mp_t mp = scn_st.objs[o].handle;
    rt_int32_t timeout = s->flag ? RT_WAITING_FOREVER : (rt_int32_t)s->num[0];
    rt_tick_t t0 = rt_tick_get_raw();
    int waits = mp->block_free_count == 0 && timeout != 0;
    if (waits)
        scn_echo("%s: pool empty, waits", s->text);
    void *p = rt_mp_alloc(mp, timeout);
    scn_var_set(s->var, VAR_POOL_BLOCK, p, o);
    unsigned waited = (unsigned)(rt_tick_get_raw() - t0);
    if (!waits)
        scn_echo("%s -> %s%s", s->text, scn_addr_str(p), p ? "" : " (pool empty)");
    else if (p)
        scn_echo("%s -> %s after %u tick%s", s->text, scn_addr_str(p), waited, waited == 1 ? "" : "s");
    else
        scn_echo("%s -> NULL after %u tick%s (%s)", s->text, waited, waited == 1 ? "" : "s",
             !s->flag && waited >= (unsigned)timeout ? "timed out" : "pool deleted");
    scn_snapshot(s, NULL);
#else
    scn_error(s, "memory pools are not in this build of rtsim");
#endif
}

static void stmt_mp_free(const struct scn_stmt *s)
{
#ifdef RTSIM_HAVE_MEMPOOL
    struct scn_var *v = scn_var_find(s->name);
    if (!v || v->kind != VAR_POOL_BLOCK)
        return scn_error(s, "no pool block called %s", s->name);
    if (!v->ptr)
        return scn_error(s, "%s is NULL (its mp_alloc failed)", s->name);
    rt_mp_t mp = scn_st.objs[v->obj].handle;
    int waiting = !rt_list_isempty(&mp->suspend_thread);
    scn_echo("%s (%s)%s", s->text, scn_addr_str(v->ptr), waiting ? ", a waiting thread gets it" : "");
    scn_owner_remove(scn_taddr(v->ptr));
    rt_mp_free(v->ptr);
    scn_snapshot(s, NULL);
#else
    scn_error(s, "memory pools are not in this build of rtsim");
#endif
}

/* ------------------------------------------------------- dispatch */

int scn_mem_exec(const struct scn_stmt *s)
{
    switch (s->op)
    {
    case SCN_MALLOC:
    case SCN_CALLOC: stmt_malloc(s); return 1;
    case SCN_REALLOC: stmt_realloc(s); return 1;
    case SCN_FREE: stmt_free(s); return 1;
    case SCN_HEAP: stmt_heap(s); return 1;
    case SCN_POOL: stmt_pool(s); return 1;
    case SCN_POOL_DELETE: stmt_pool_delete(s); return 1;
    case SCN_MP_ALLOC: stmt_mp_alloc(s); return 1;
    case SCN_MP_FREE: stmt_mp_free(s); return 1;
    default: return 0;
    }
}
