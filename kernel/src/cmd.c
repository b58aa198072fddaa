/*
 * cmd.c - the msh command registry and RT-Thread's kernel-inspection
 * commands (list_thread, list_sem, list_mutex, list_mailbox, list_msgqueue,
 * list_timer, help), printing
 * what RT-Thread 4.1's shell prints.  Memory-manager commands live beside
 * their managers (cmd_mem.c, cmd_mempool.c, cmd_memheap.c) and share the
 * list commands' title and row loop (rt_msh_list_title, rt_msh_list_objects).
 */
#include "kernel.h"

#define MSH_ARG_MAX 10

static struct finsh_syscall *msh_head;

void rt_msh_register(struct finsh_syscall *call)
{
    struct finsh_syscall **pp = &msh_head;
    while (*pp)
    {
        if (*pp == call)
            return;
        pp = &(*pp)->next;
    }
    call->next = RT_NULL;
    *pp = call;
}

struct finsh_syscall *rt_msh_first(void)
{
    return msh_head;
}

struct finsh_syscall *rt_msh_find(const char *name)
{
    for (struct finsh_syscall *c = msh_head; c; c = c->next)
    {
        if (rt_strcmp(c->name, name) == 0)
            return c;
    }
    return RT_NULL;
}

int rt_msh_exec(const char *cmdline)
{
    char line[RT_CONSOLEBUF_SIZE];
    char *argv[MSH_ARG_MAX + 1];
    int argc = 0;

    rt_strncpy(line, cmdline, sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    char *p = line;
    while (*p && argc < MSH_ARG_MAX)
    {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
    }
    argv[argc] = RT_NULL;
    if (argc == 0)
        return 0;

    struct finsh_syscall *call = rt_msh_find(argv[0]);
    if (call == RT_NULL)
    {
        rt_kprintf("%s: command not found.\n", argv[0]);
        return -RT_ENOSYS;
    }
    int (*fn)(int, char **) = (int (*)(int, char **))(void (*)(void))call->func;
    return fn(argc, argv);
}

/* ------------------------------------------------------- list commands */
/* Every list command of RT-Thread 4.1's components/finsh/cmd.c has one
 * shape: a title line (the object kind padded to RT_NAME_MAX, then the
 * column names), a rule (RT_NAME_MAX dashes, then the columns' dashes),
 * then one row per object of its class, newest first (object-list order).
 * rt_msh_list_title and list_objects print the shape; each command gives
 * only its row.  The rt_kprintf calls are the ones RT-Thread makes, one
 * per piece, so the console's UART time is the same too. */
void rt_msh_list_title(const char *title, const char *columns, const char *rule)
{
    /* RT-Thread writes the title with "%-*.s"; its printf ignores a zero
     * precision, so the whole title shows (kprintf.c keeps that quirk). */
    rt_kprintf("%-*.s%s\n", RT_NAME_MAX, title, columns);
    for (int i = 0; i < RT_NAME_MAX; i++)
        rt_kprintf("-");
    rt_kprintf("%s\n", rule);
}

long rt_msh_list_objects(enum rt_object_class_type klass, const char *title,
                         const char *columns, const char *rule,
                         void (*row)(struct rt_object *obj))
{
    struct rt_object_information *info = rt_object_get_information(klass);

    rt_msh_list_title(title, columns, rule);
    if (info == RT_NULL)
        return 0;
    for (rt_list_t *node = info->object_list.next; node != &info->object_list; node = node->next)
        row(rt_list_entry(node, struct rt_object, list));
    return 0;
}

#if defined(RT_USING_SEMAPHORE) || defined(RT_USING_MAILBOX) || defined(RT_USING_MESSAGEQUEUE)
/* The waiting threads' names in wake order, joined by '/'. */
static void show_wait_queue(rt_list_t *list)
{
    rt_list_t *node;
    rt_list_for_each(node, list)
    {
        struct rt_thread *thread = rt_list_entry(node, struct rt_thread, tlist);
        rt_kprintf("%.*s", RT_NAME_MAX, thread->name);
        if (node->next != list)
            rt_kprintf("/");
    }
}
#endif

#if defined(RT_USING_MAILBOX) || defined(RT_USING_MESSAGEQUEUE)
/* The end of a row whose last column is the waiter count: ":" and the
 * names when someone waits, then the newline. */
static void show_waiters_end(rt_list_t *list)
{
    if (!rt_list_isempty(list))
    {
        rt_kprintf(":");
        show_wait_queue(list);
    }
    rt_kprintf("\n");
}
#endif

static void thread_row(struct rt_object *obj)
{
    struct rt_thread *t = (struct rt_thread *)obj;
    rt_uint8_t stat = t->stat & RT_THREAD_STAT_MASK;
    rt_kprintf("%-*.*s %3d ", RT_NAME_MAX, RT_NAME_MAX, t->name, t->current_priority);
    if (stat == RT_THREAD_READY)        rt_kprintf(" ready  ");
    else if (stat == RT_THREAD_SUSPEND) rt_kprintf(" suspend");
    else if (stat == RT_THREAD_INIT)    rt_kprintf(" init   ");
    else if (stat == RT_THREAD_CLOSE)   rt_kprintf(" close  ");
    else if (stat == RT_THREAD_RUNNING) rt_kprintf(" running");

    /* Host threads run on host stacks: the RT-Thread stack is never
     * written, so its high-water mark is what its '#' fill shows. */
    rt_uint8_t *ptr = (rt_uint8_t *)t->stack_addr;
    while (ptr < (rt_uint8_t *)t->stack_addr + t->stack_size && *ptr == '#')
        ptr++;
    rt_ubase_t used = t->stack_size - (rt_ubase_t)(ptr - (rt_uint8_t *)t->stack_addr);
    rt_kprintf(" 0x%08x 0x%08x    %02d%%   0x%08x %03d\n",
               (unsigned)0, (unsigned)t->stack_size,
               (int)(used * 100 / (t->stack_size ? t->stack_size : 1)),
               (unsigned)t->remaining_tick, (int)t->error);
}

long list_thread(void)
{
    return rt_msh_list_objects(RT_Object_Class_Thread, "thread",
                               " pri  status      sp     stack size max used left tick  error",
                               " ---  ------- ---------- ----------  ------  ---------- ---",
                               thread_row);
}

#if defined(RT_USING_SEMAPHORE)
/* RT-Thread 4.1 list_sem: the count and ':' in one piece, then the names. */
static void sem_row(struct rt_object *obj)
{
    struct rt_semaphore *s = (struct rt_semaphore *)obj;
    if (!rt_list_isempty(&s->parent.suspend_thread))
    {
        rt_kprintf("%-*.*s %03d %d:", RT_NAME_MAX, RT_NAME_MAX, obj->name, s->value,
                   (int)rt_list_len(&s->parent.suspend_thread));
        show_wait_queue(&s->parent.suspend_thread);
        rt_kprintf("\n");
    }
    else
    {
        rt_kprintf("%-*.*s %03d %d\n", RT_NAME_MAX, RT_NAME_MAX, obj->name, s->value,
                   (int)rt_list_len(&s->parent.suspend_thread));
    }
}

long list_sem(void)
{
    return rt_msh_list_objects(RT_Object_Class_Semaphore, "semaphore", " v   suspend thread",
                               " --- --------------", sem_row);
}
#endif

#if defined(RT_USING_MUTEX)
static void mutex_row(struct rt_object *obj)
{
    struct rt_mutex *m = (struct rt_mutex *)obj;
    rt_kprintf("%-*.*s %-8.*s %04d %d\n", RT_NAME_MAX, RT_NAME_MAX, obj->name,
               RT_NAME_MAX, m->owner ? m->owner->name : "(NULL)", m->hold,
               (int)rt_list_len(&m->parent.suspend_thread));
}

long list_mutex(void)
{
    return rt_msh_list_objects(RT_Object_Class_Mutex, "mutex", "   owner  hold suspend thread",
                               " -------- ---- --------------", mutex_row);
}
#endif

#if defined(RT_USING_MAILBOX)
/* RT-Thread 4.1 components/finsh/cmd.c list_mailbox: the receivers
 * waiting (suspend_thread), not the senders. */
static void mailbox_row(struct rt_object *obj)
{
    struct rt_mailbox *m = (struct rt_mailbox *)obj;
    rt_kprintf("%-*.*s %04d  %04d %d", RT_NAME_MAX, RT_NAME_MAX, obj->name, m->entry, m->size,
               (int)rt_list_len(&m->parent.suspend_thread));
    show_waiters_end(&m->parent.suspend_thread);
}

long list_mailbox(void)
{
    return rt_msh_list_objects(RT_Object_Class_MailBox, "mailbox", " entry size suspend thread",
                               " ----  ---- --------------", mailbox_row);
}
#endif

#if defined(RT_USING_MESSAGEQUEUE)
/* RT-Thread 4.1 components/finsh/cmd.c list_msgqueue. */
static void msgqueue_row(struct rt_object *obj)
{
    struct rt_messagequeue *m = (struct rt_messagequeue *)obj;
    rt_kprintf("%-*.*s %04d  %d", RT_NAME_MAX, RT_NAME_MAX, obj->name, m->entry,
               (int)rt_list_len(&m->parent.suspend_thread));
    show_waiters_end(&m->parent.suspend_thread);
}

long list_msgqueue(void)
{
    return rt_msh_list_objects(RT_Object_Class_MessageQueue, "msgqueue", " entry suspend thread",
                               " ----  --------------", msgqueue_row);
}
#endif

static void timer_row(struct rt_object *obj)
{
    struct rt_timer *t = (struct rt_timer *)obj;
    rt_kprintf("%-*.*s 0x%08x 0x%08x ", RT_NAME_MAX, RT_NAME_MAX, obj->name,
               (unsigned)t->init_tick, (unsigned)t->timeout_tick);
    if (t->parent.flag & RT_TIMER_FLAG_ACTIVATED)
        rt_kprintf("activated\n");
    else
        rt_kprintf("deactivated\n");
}

long list_timer(void)
{
    rt_msh_list_objects(RT_Object_Class_Timer, "timer", "  periodic   timeout       flag",
                        " ---------- ---------- -----------", timer_row);
    rt_kprintf("current tick:0x%08x\n", (unsigned)rt_tick_get_raw());
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_kprintf("RT-Thread shell commands:\n");
    for (struct finsh_syscall *c = msh_head; c; c = c->next)
        rt_kprintf("%-16s - %s\n", c->name, c->desc);
    rt_kprintf("\n");
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    rt_show_version();
    return 0;
}

#define BUILTIN(fn, name, desc) \
    { name, desc, (syscall_func)(void (*)(void))(fn), RT_NULL }

static struct finsh_syscall builtin_cmds[] = {
    BUILTIN(cmd_help, "help", "RT-Thread shell help."),
    BUILTIN(cmd_version, "version", "show RT-Thread version information"),
    BUILTIN(list_thread, "list_thread", "list thread"),
#ifdef RT_USING_SEMAPHORE
    BUILTIN(list_sem, "list_sem", "list semaphore in system"),
#endif
#ifdef RT_USING_MUTEX
    BUILTIN(list_mutex, "list_mutex", "list mutex in system"),
#endif
#ifdef RT_USING_MAILBOX
    BUILTIN(list_mailbox, "list_mailbox", "list mail box in system"),
#endif
#ifdef RT_USING_MESSAGEQUEUE
    BUILTIN(list_msgqueue, "list_msgqueue", "list message queue in system"),
#endif
    BUILTIN(list_timer, "list_timer", "list timer in system"),
};

void rt_msh_builtin_register(void)
{
    for (rt_size_t i = 0; i < sizeof(builtin_cmds) / sizeof(builtin_cmds[0]); i++)
        rt_msh_register(&builtin_cmds[i]);
}
