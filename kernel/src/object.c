/*
 * object.c - the kernel object container.
 *
 * Every kernel object (thread, semaphore, heap ...) sits on its class's
 * list, newest first.  Static objects (rt_object_init) live in memory the
 * caller owns and carry RT_Object_Class_Static in their type; dynamic ones
 * (rt_object_allocate) come from the system heap.
 */
#include "kernel.h"

/* Classes 1 .. OBJ_CLASS_COUNT-1 have a container (5.x adds Channel,
 * ProcessGroup, Session and Custom below Unknown = 0x11). */
#if RTSIM_V5_API
#define OBJ_CLASS_COUNT RT_Object_Class_Unknown
#else
#define OBJ_CLASS_COUNT 16
#endif

static struct rt_object_information object_container[OBJ_CLASS_COUNT];

static const rt_size_t object_sizes[OBJ_CLASS_COUNT] = {
    [RT_Object_Class_Thread]       = sizeof(struct rt_thread),
#ifdef RT_USING_SEMAPHORE
    [RT_Object_Class_Semaphore]    = sizeof(struct rt_semaphore),
#endif
#ifdef RT_USING_MUTEX
    [RT_Object_Class_Mutex]        = sizeof(struct rt_mutex),
#endif
#ifdef RT_USING_EVENT
    [RT_Object_Class_Event]        = sizeof(struct rt_event),
#endif
#ifdef RT_USING_MAILBOX
    [RT_Object_Class_MailBox]      = sizeof(struct rt_mailbox),
#endif
#ifdef RT_USING_MESSAGEQUEUE
    [RT_Object_Class_MessageQueue] = sizeof(struct rt_messagequeue),
#endif
#ifdef RT_USING_MEMHEAP
    [RT_Object_Class_MemHeap]      = sizeof(struct rt_memheap),
#endif
#ifdef RT_USING_MEMPOOL
    [RT_Object_Class_MemPool]      = sizeof(struct rt_mempool),
#endif
    [RT_Object_Class_Timer]        = sizeof(struct rt_timer),
    [RT_Object_Class_Memory]       = sizeof(struct rt_memory),
#if RTSIM_V5_API
    [RT_Object_Class_Custom]       = sizeof(struct rt_custom_object),
#endif
};

static void (*object_attach_hook)(struct rt_object *object);
static void (*object_detach_hook)(struct rt_object *object);

#ifdef RT_USING_HOOK
void rt_object_attach_sethook(void (*hook)(struct rt_object *object))
{
    object_attach_hook = hook;
}

void rt_object_detach_sethook(void (*hook)(struct rt_object *object))
{
    object_detach_hook = hook;
}
#endif

void rt_system_object_init(void)
{
    for (int i = 0; i < OBJ_CLASS_COUNT; i++)
    {
        object_container[i].type = (enum rt_object_class_type)i;
        rt_list_init(&object_container[i].object_list);
        object_container[i].object_size = object_sizes[i];
    }
    object_attach_hook = RT_NULL;
    object_detach_hook = RT_NULL;
}

struct rt_object_information *rt_object_get_information(enum rt_object_class_type type)
{
    unsigned t = (unsigned)type & ~(unsigned)RT_Object_Class_Static;
    if (t == 0 || t >= OBJ_CLASS_COUNT)
        return RT_NULL;
    return &object_container[t];
}

int rt_object_get_length(enum rt_object_class_type type)
{
    struct rt_object_information *info = rt_object_get_information(type);
    if (!info)
        return 0;
    rt_base_t level = rt_hw_interrupt_disable();
    int n = (int)rt_list_len(&info->object_list);
    rt_hw_interrupt_enable(level);
    return n;
}

int rt_object_get_pointers(enum rt_object_class_type type, rt_object_t *pointers, int maxlen)
{
    struct rt_object_information *info = rt_object_get_information(type);
    if (!info || maxlen <= 0)
        return 0;
    int n = 0;
    rt_list_t *node;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_for_each(node, &info->object_list)
    {
        pointers[n++] = rt_list_entry(node, struct rt_object, list);
        if (n >= maxlen)
            break;
    }
    rt_hw_interrupt_enable(level);
    return n;
}

static void object_link(struct rt_object_information *info, struct rt_object *object,
                        rt_uint8_t type, const char *name)
{
    object->type = type;
    object->flag = 0;
    rt_strncpy(object->name, name ? name : "", RT_NAME_MAX);
    RT_OBJECT_HOOK_CALL(object_attach_hook, (object));
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_insert_after(&info->object_list, &object->list);
    rt_hw_interrupt_enable(level);
}

void rt_object_init(struct rt_object *object, enum rt_object_class_type type, const char *name)
{
    struct rt_object_information *info = rt_object_get_information(type);
    RT_ASSERT(object != RT_NULL);
    RT_ASSERT(info != RT_NULL);

    /* The same object must not be initialised twice. */
    rt_list_t *node;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_for_each(node, &info->object_list)
    {
        struct rt_object *obj = rt_list_entry(node, struct rt_object, list);
        if (obj == object)
        {
            rt_hw_interrupt_enable(level);
            RT_ASSERT(obj != object);
        }
    }
    rt_hw_interrupt_enable(level);

    object_link(info, object, (rt_uint8_t)(type | RT_Object_Class_Static), name);
}

void rt_object_detach(rt_object_t object)
{
    RT_ASSERT(object != RT_NULL);
    RT_OBJECT_HOOK_CALL(object_detach_hook, (object));
    object->type = 0;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_remove(&object->list);
    rt_hw_interrupt_enable(level);
}

rt_object_t rt_object_allocate(enum rt_object_class_type type, const char *name)
{
    RT_DEBUG_NOT_IN_INTERRUPT;
    struct rt_object_information *info = rt_object_get_information(type);
    RT_ASSERT(info != RT_NULL);
    RT_ASSERT(info->object_size >= sizeof(struct rt_object));

    struct rt_object *object = rt_malloc(info->object_size);
    if (object == RT_NULL)
        return RT_NULL;
    rt_memset(object, 0, info->object_size);
    object_link(info, object, (rt_uint8_t)type, name);
    return object;
}

void rt_object_delete(rt_object_t object)
{
    RT_ASSERT(object != RT_NULL);
    RT_ASSERT(!(object->type & RT_Object_Class_Static));
    RT_OBJECT_HOOK_CALL(object_detach_hook, (object));
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_remove(&object->list);
    rt_hw_interrupt_enable(level);
    object->type = RT_Object_Class_Null;
    rt_free(object);
}

rt_bool_t rt_object_is_systemobject(rt_object_t object)
{
    RT_ASSERT(object != RT_NULL);
    return (object->type & RT_Object_Class_Static) ? RT_TRUE : RT_FALSE;
}

rt_uint8_t rt_object_get_type(rt_object_t object)
{
    RT_ASSERT(object != RT_NULL);
    return (rt_uint8_t)(object->type & ~RT_Object_Class_Static);
}

rt_object_t rt_object_find(const char *name, rt_uint8_t type)
{
    struct rt_object_information *info = rt_object_get_information((enum rt_object_class_type)type);
    if (name == RT_NULL || info == RT_NULL)
        return RT_NULL;
    RT_DEBUG_NOT_IN_INTERRUPT;

    rt_list_t *node;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_for_each(node, &info->object_list)
    {
        struct rt_object *obj = rt_list_entry(node, struct rt_object, list);
        if (rt_strncmp(obj->name, name, RT_NAME_MAX) == 0)
        {
            rt_hw_interrupt_enable(level);
            return obj;
        }
    }
    rt_hw_interrupt_enable(level);
    return RT_NULL;
}

#if RTSIM_V5_API
/* ------------------------------------------------ the 5.x object API */
/* 5.1.0 src/object.c rt_object_for_each: call iter on each object of the
 * class, newest first, with interrupts off (iter must not block nor create
 * or delete objects of the class).  iter's RT_EOK goes on, a positive value
 * stops and gives RT_EOK, a negative value stops and is returned;
 * -RT_EINVAL for a class without a container. */
rt_err_t rt_object_for_each(rt_uint8_t type, rt_object_iter_t iter, void *data)
{
    struct rt_object_information *info = rt_object_get_information((enum rt_object_class_type)type);
    if (info == RT_NULL)
        return -RT_EINVAL;
    RT_ASSERT(iter != RT_NULL);
    RT_DEBUG_NOT_IN_INTERRUPT;

    rt_list_t *node;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_list_for_each(node, &info->object_list)
    {
        rt_err_t err = iter(rt_list_entry(node, struct rt_object, list), data);
        if (err != RT_EOK)
        {
            rt_hw_interrupt_enable(level);
            return err >= 0 ? RT_EOK : err;
        }
    }
    rt_hw_interrupt_enable(level);
    return RT_EOK;
}

/* 5.1.0 src/object.c rt_object_get_name: copy the name into name[name_size]
 * as rt_strncpy does (no terminator when it fills the buffer); -RT_EINVAL
 * for a NULL object or buffer or a zero size.  rtsim guard: never reads
 * past the object's RT_NAME_MAX bytes (a full-length name has no NUL). */
rt_err_t rt_object_get_name(rt_object_t object, char *name, rt_uint8_t name_size)
{
    if (object == RT_NULL || name == RT_NULL || name_size == 0)
        return -RT_EINVAL;
    rt_size_t n = name_size < RT_NAME_MAX ? name_size : RT_NAME_MAX;
    rt_strncpy(name, object->name, n);
    if (n < name_size)
        rt_memset(name + n, 0, name_size - n);
    return RT_EOK;
}

/* 5.1.0 src/object.c rt_custom_object_create: a dynamic object of class
 * Custom holding `data` and the function that destroys it; RT_NULL when the
 * heap is full. */
rt_object_t rt_custom_object_create(const char *name, void *data,
                                    rt_err_t (*data_destroy)(void *))
{
    struct rt_custom_object *cobj =
        (struct rt_custom_object *)rt_object_allocate(RT_Object_Class_Custom, name);
    if (cobj == RT_NULL)
        return RT_NULL;
    cobj->destroy = data_destroy;
    cobj->data = data;
    return &cobj->parent;
}

/* 5.1.0 src/object.c rt_custom_object_destroy: call the destroy function
 * (its result is returned) and delete the object; -1 (-RT_ERROR) when
 * there is no destroy function or obj is not a custom object (then nothing
 * is deleted). */
rt_err_t rt_custom_object_destroy(rt_object_t obj)
{
    rt_err_t ret = -RT_ERROR;
    if (obj != RT_NULL && obj->type == RT_Object_Class_Custom)
    {
        struct rt_custom_object *cobj = (struct rt_custom_object *)obj;
        if (cobj->destroy != RT_NULL)
            ret = cobj->destroy(cobj->data);
        rt_object_delete(obj);
    }
    return ret;
}
#endif /* RTSIM_V5_API */
