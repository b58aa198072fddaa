/*
 * cmd_mem.c - the shell's memory commands, with RT-Thread's exact output:
 *
 *   free       4.1 format: total / used / maximum / available
 *   list_mem   pre-4.1 format: three lines about the system heap
 *   memtrace   4.1 format: every small-mem heap, one line per block with
 *              its owner's first four name characters (a classic heap in
 *              the pre-4.1 format: list_mem's lines instead of name/total)
 *
 * Addresses are target addresses (rt_mem_target_addr), so the output is
 * the same from run to run.  Owner names come from kheap.c's side table
 * (our block header has no name field, see docs/heap.md): a block handed
 * out by rt_malloc shows its thread ("NONE" before the scheduler runs), a
 * block of another heap object or a free block shows four blanks.
 */
#include <rtthread.h>
#include <rthw.h>
#include "heap.h"

int cmd_free(int argc, char **argv)
{
    rt_size_t total = 0, used = 0, max_used = 0;

    (void)argc;
    (void)argv;
#ifdef RT_USING_MEMHEAP
    /* RT_USING_MEMHEAP_AS_HEAP: RT-Thread's `free` lists the memheaps. */
    const char *algo = rt_system_heap_algorithm();
    if (algo && rt_strcmp(algo, "memheap") == 0)
        return (int)list_memheap();
#endif
    rt_memory_info(&total, &used, &max_used);
    rt_kprintf("total    : %d\n", (int)total);
    rt_kprintf("used     : %d\n", (int)used);
    rt_kprintf("maximum  : %d\n", (int)max_used);
    rt_kprintf("available: %d\n", (int)(total - used));
    return 0;
}

long list_mem(void)
{
    rt_size_t total = 0, used = 0, max_used = 0;

    rt_memory_info(&total, &used, &max_used);
    rt_kprintf("total memory: %d\n", (int)total);
    rt_kprintf("used memory : %d\n", (int)used);
    rt_kprintf("maximum allocated memory: %d\n", (int)max_used);
    return 0;
}

/* ------------------------------------------------------------ memtrace */
#ifdef RT_USING_SMALL_MEM     /* memtrace reads small-mem heaps only */

struct memtrace_ctx
{
    rt_ubase_t lfree;       /* target address of the lowest free block */
    rt_ubase_t heap_end;
    rt_bool_t  print;
};

static void memtrace_size(rt_size_t size)
{
    if (size < 1024)
        rt_kprintf("%5d", (int)size);
    else if (size < 1024 * 1024)
        rt_kprintf("%4dK", (int)(size / 1024));
    else
        rt_kprintf("%4dM", (int)(size / (1024 * 1024)));
}

static int memtrace_block(const struct rt_mem_block *b, void *ctx)
{
    struct memtrace_ctx *c = (struct memtrace_ctx *)ctx;
    char name[4];

    if (b->kind == RT_MEM_BLOCK_SENTINEL)
    {
        c->heap_end = rt_mem_target_addr(b->start);
        if (c->lfree == 0)
            c->lfree = c->heap_end;
        return 0;
    }
    if (b->kind != RT_MEM_BLOCK_DATA)
        return 0;
    if (!b->used && c->lfree == 0)
        c->lfree = rt_mem_target_addr(b->start);
    if (!c->print)
        return 0;

    rt_kprintf("[0x%08x - ", (rt_uint32_t)rt_mem_target_addr(b->start));
    memtrace_size(b->size);
    rt_mem_owner_name((const rt_uint8_t *)b->start + b->header_size, b->used, name);
    rt_kprintf("] %c%c%c%c\n", name[0], name[1], name[2], name[3]);
    return 0;
}

static void memtrace_heap(struct rt_memory *m)
{
    struct memtrace_ctx ctx;
    char name[RT_NAME_MAX + 1];
    rt_bool_t classic = rt_strcmp(m->algorithm, "small-classic") == 0;
    void (*walk)(rt_smem_t, rt_mem_walk_fn, void *) =
        classic ? rt_smem_classic_walk : rt_smem_walk;

    ctx.lfree = 0;
    ctx.heap_end = 0;
    ctx.print = RT_FALSE;
    rt_hw_mem_enter();      /* the walk reads headers (checked mode, Valgrind) */
    walk(m, memtrace_block, &ctx);
    rt_hw_mem_leave();

    if (classic)
    {
        /* pre-4.1: the list_mem lines, then the addresses */
        rt_kprintf("total memory: %d\n", (int)m->total);
        rt_kprintf("used memory : %d\n", (int)m->used);
        rt_kprintf("maximum allocated memory: %d\n", (int)m->max);
        rt_kprintf("\nmemory heap address:\n");
    }
    else
    {
        rt_kprintf("\nmemory heap address:\n");
        rt_strncpy(name, m->parent.name, RT_NAME_MAX);
        name[RT_NAME_MAX] = '\0';
        rt_kprintf("name    : %s\n", name);
        rt_kprintf("total   : 0x%d\n", (int)m->total);
        rt_kprintf("used    : 0x%d\n", (int)m->used);
        rt_kprintf("max_used: 0x%d\n", (int)m->max);
    }
    rt_kprintf("heap_ptr: 0x%08x\n", (rt_uint32_t)rt_mem_target_addr((const void *)m->address));
    rt_kprintf("lfree   : 0x%08x\n", (rt_uint32_t)ctx.lfree);
    rt_kprintf("heap_end: 0x%08x\n", (rt_uint32_t)ctx.heap_end);
    rt_kprintf("\n--memory item information --\n");
    ctx.print = RT_TRUE;
    rt_hw_mem_enter();
    walk(m, memtrace_block, &ctx);
    rt_hw_mem_leave();
}

/* memtrace [name]: every small-mem heap object, newest first (the object
 * list order), or only the one called `name`. */
int memtrace(int argc, char **argv)
{
    struct rt_object_information *info = rt_object_get_information(RT_Object_Class_Memory);
    const char *name = argc > 1 ? argv[1] : RT_NULL;
    rt_list_t *node;

    if (info == RT_NULL)
        return 0;
    for (node = info->object_list.next; node != &info->object_list; node = node->next)
    {
        struct rt_object *obj = rt_list_entry(node, struct rt_object, list);
        struct rt_memory *m = (struct rt_memory *)obj;

        if (name != RT_NULL && rt_strncmp(name, obj->name, RT_NAME_MAX) != 0)
            continue;
        if (m->algorithm == RT_NULL ||
            (rt_strcmp(m->algorithm, "small") != 0 && rt_strcmp(m->algorithm, "small-classic") != 0))
            continue;
        memtrace_heap(m);
    }
    return 0;
}
#endif /* RT_USING_SMALL_MEM */

/* ------------------------------------------------------- registration */

static struct finsh_syscall cmd_mem_free =
    { "free", "Show the memory usage in the system.", (syscall_func)(void (*)(void))cmd_free, RT_NULL };
static struct finsh_syscall cmd_mem_list_mem =
    { "list_mem", "list memory usage information", (syscall_func)(void (*)(void))list_mem, RT_NULL };
#ifdef RT_USING_SMALL_MEM
static struct finsh_syscall cmd_mem_memtrace =
    { "memtrace", "dump memory trace information", (syscall_func)(void (*)(void))memtrace, RT_NULL };
#endif

void rt_mem_cmd_register(void)
{
    if (rt_msh_find("free") == RT_NULL)
        rt_msh_register(&cmd_mem_free);
    if (rt_msh_find("list_mem") == RT_NULL)
        rt_msh_register(&cmd_mem_list_mem);
#ifdef RT_USING_SMALL_MEM
    if (rt_msh_find("memtrace") == RT_NULL)
        rt_msh_register(&cmd_mem_memtrace);
#endif
}
