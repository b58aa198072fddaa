/*
 * cmd_memheap.c - the msh command `list_memheap`, as RT-Thread 4.1 prints
 * it: a title padded to RT_NAME_MAX, a rule, then one row per memheap
 * object in object-list order (newest first):
 *
 *   <name, RT_NAME_MAX wide> <pool size> <max used size> <available size>
 *
 * The numbers use RT-Thread's own conversions (%-010d %-013d %-05d), so
 * the columns line up exactly as on a board.
 */
#include <rthw.h>
#include "heap.h"
#include "kernel.h"

/* The whole file: only with RT_USING_MEMHEAP (rtconfig.h), as on the target. */
#ifdef RT_USING_MEMHEAP

static void memheap_row(struct rt_object *obj)
{
    struct rt_memheap *mh = (struct rt_memheap *)(void *)
        ((char *)obj - offsetof(struct rt_memheap, parent));

    rt_kprintf("%-*.*s %-010d %-013d %-05d\n", RT_NAME_MAX, RT_NAME_MAX, mh->parent.name,
               (int)mh->pool_size, (int)mh->max_used_size, (int)mh->available_size);
}

/* The title, the rule and the row loop are every list command's
 * (cmd.c, rt_msh_list_objects). */
long list_memheap(void)
{
    return rt_msh_list_objects(RT_Object_Class_MemHeap, "memheap",
                               "  pool size  max used size available size",
                               " ---------- ------------- --------------", memheap_row);
}

static struct finsh_syscall memheap_cmd_list =
{
    "list_memheap", "list memory heap in system", (syscall_func)list_memheap, RT_NULL
};

void rt_memheap_cmd_register(void)
{
    if (rt_msh_find("list_memheap") == RT_NULL)
        rt_msh_register(&memheap_cmd_list);
}
#endif /* RT_USING_MEMHEAP */
