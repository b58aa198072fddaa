/*
 * cmd_mempool.c - the msh command list_mempool, in RT-Thread 4.1's format.
 *
 *   <title, RT_NAME_MAX wide> block total free suspend thread
 *   <RT_NAME_MAX dashes> ----  ----  ---- --------------
 *   <name> <block_size %04d>  <total %04d>  <free %04d> <waiters %d>[:a/b/c]
 *
 * One row per pool, newest first (the object list's order).  The waiter
 * count is the length of the suspend list, walked as RT-Thread's shell
 * does; when it is not zero the row goes on with ':' and the names of the
 * waiting threads in wake order, joined by '/'.  Each row is read with
 * interrupts masked; the printing happens after.
 */
#include <rthw.h>
#include <rtthread.h>
#include "heap.h"
#include "kernel.h"

/* The whole file: only with RT_USING_MEMPOOL (rtconfig.h), as on the target. */
#ifdef RT_USING_MEMPOOL

/* Names of at most this many waiters are shown per pool. */
#define MP_CMD_NAMES_MAX 16

struct mp_row
{
    char        name[RT_NAME_MAX];
    rt_size_t   block_size, total, free_count, waiters;
    char        waiter_names[MP_CMD_NAMES_MAX][RT_NAME_MAX];
};

/* Copy what one row shows (interrupts masked by the caller). */
static void mp_row_read(const struct rt_mempool *mp, struct mp_row *row)
{
    rt_memcpy(row->name, mp->parent.name, RT_NAME_MAX);
    row->block_size = mp->block_size;
    row->total = mp->block_total_count;
    row->free_count = mp->block_free_count;
    row->waiters = 0;

    const rt_list_t *node;
    rt_list_for_each(node, &mp->suspend_thread)
    {
        const struct rt_thread *thread = rt_list_entry(node, struct rt_thread, tlist);
        if (row->waiters < MP_CMD_NAMES_MAX)
            rt_memcpy(row->waiter_names[row->waiters], thread->name, RT_NAME_MAX);
        row->waiters++;
    }
}

static void mp_row_print(const struct mp_row *row)
{
    rt_kprintf("%-*.*s %04d  %04d  %04d %d", RT_NAME_MAX, RT_NAME_MAX, row->name,
               (int)row->block_size, (int)row->total, (int)row->free_count,
               (int)row->waiters);
    if (row->waiters > 0)
    {
        rt_size_t shown = row->waiters < MP_CMD_NAMES_MAX ? row->waiters : MP_CMD_NAMES_MAX;
        rt_kprintf(":");
        for (rt_size_t i = 0; i < shown; i++)
            rt_kprintf(i ? "/%.*s" : "%.*s", RT_NAME_MAX, row->waiter_names[i]);
        if (shown < row->waiters)
            rt_kprintf("/...");
    }
    rt_kprintf("\n");
}

long list_mempool(void)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_MemPool);
    const char *title = "mempool";
    struct mp_row row;

    /* The title and rule of every list command (cmd.c); the rows are
     * read under masked interrupts and printed after, so the loop is ours. */
    rt_msh_list_title(title, " block total free suspend thread", " ----  ----  ---- --------------");

    if (info == RT_NULL)
        return 0;

    /* Rows are printed with interrupts unmasked, so the list may change
     * meanwhile: walk by position, re-finding the n-th pool each time. */
    for (int n = 0;; n++)
    {
        rt_base_t level = rt_hw_interrupt_disable();
        const rt_list_t *node = info->object_list.next;
        for (int k = 0; k < n && node != &info->object_list; k++)
            node = node->next;
        if (node == &info->object_list)
        {
            rt_hw_interrupt_enable(level);
            break;
        }
        mp_row_read(rt_list_entry(node, struct rt_mempool, parent.list), &row);
        rt_hw_interrupt_enable(level);
        mp_row_print(&row);
    }
    return 0;
}

void rt_mempool_cmd_register(void)
{
    static struct finsh_syscall cmd =
        { "list_mempool", "list memory pool in system", (syscall_func)list_mempool, RT_NULL };
    if (rt_msh_find(cmd.name) == RT_NULL)
        rt_msh_register(&cmd);
}
#endif /* RT_USING_MEMPOOL */
