/*
 * object_tc.c - the 5.x object API (5.x flavour), the behaviour RT-Thread
 * 5.x's src/utest/object_tc.c checks: names, finding, iterating a class,
 * and custom objects with their destroy function.  Our own code.
 */
#include <utest.h>

static struct rt_semaphore sems[3];

static rt_err_t count_iter(rt_object_t obj, void *data)
{
    (void)obj;
    (*(int *)data)++;
    return RT_EOK;
}

static rt_err_t stop_at_second(rt_object_t obj, void *data)
{
    rt_object_t *seen = data;
    seen[0] == RT_NULL ? (seen[0] = obj) : (seen[1] = obj);
    return seen[1] != RT_NULL ? 1 : RT_EOK;     /* positive: stop, no error */
}

static rt_err_t fail_iter(rt_object_t obj, void *data)
{
    (void)obj;
    (*(int *)data)++;
    return -RT_EBUSY;
}

static void test_object_iterate_and_find(void)
{
    int before = rt_object_get_length(RT_Object_Class_Semaphore);
    rt_sem_init(&sems[0], "s_one", 0, RT_IPC_FLAG_FIFO);
    rt_sem_init(&sems[1], "s_two", 0, RT_IPC_FLAG_FIFO);
    rt_sem_init(&sems[2], "s_three", 0, RT_IPC_FLAG_FIFO);

    int n = 0;
    uassert_int_equal(rt_object_for_each(RT_Object_Class_Semaphore, count_iter, &n), RT_EOK);
    uassert_int_equal(n, before + 3);
    uassert_int_equal(rt_object_get_length(RT_Object_Class_Semaphore), before + 3);

    /* newest first; a positive result stops with RT_EOK */
    rt_object_t seen[2] = { RT_NULL, RT_NULL };
    uassert_int_equal(rt_object_for_each(RT_Object_Class_Semaphore, stop_at_second, seen), RT_EOK);
    uassert_ptr_equal(seen[0], &sems[2].parent.parent);
    uassert_ptr_equal(seen[1], &sems[1].parent.parent);

    /* a negative result stops and is returned */
    n = 0;
    uassert_int_equal(rt_object_for_each(RT_Object_Class_Semaphore, fail_iter, &n), -RT_EBUSY);
    uassert_int_equal(n, 1);
    /* a class without a container */
    uassert_int_equal(rt_object_for_each(RT_Object_Class_Null, count_iter, &n), -RT_EINVAL);
    uassert_int_equal(rt_object_for_each(RT_Object_Class_Unknown, count_iter, &n), -RT_EINVAL);

    uassert_ptr_equal(rt_object_find("s_two", RT_Object_Class_Semaphore), &sems[1].parent.parent);
    uassert_null(rt_object_find("s_two", RT_Object_Class_Mutex));
    uassert_null(rt_object_find("nobody", RT_Object_Class_Semaphore));
    for (int i = 0; i < 3; i++)
        rt_sem_detach(&sems[i]);
    uassert_int_equal(rt_object_get_length(RT_Object_Class_Semaphore), before);
}

static void test_object_get_name(void)
{
    char buf[RT_NAME_MAX + 4];
    rt_sem_init(&sems[0], "abcdef", 0, RT_IPC_FLAG_FIFO);
    rt_object_t o = &sems[0].parent.parent;

    rt_memset(buf, 'x', sizeof buf);
    uassert_int_equal(rt_object_get_name(o, buf, sizeof buf), RT_EOK);
    uassert_str_equal(buf, "abcdef");
    /* a short buffer gets the first bytes, without a terminator */
    rt_memset(buf, 'x', sizeof buf);
    uassert_int_equal(rt_object_get_name(o, buf, 3), RT_EOK);
    uassert_buf_equal(buf, "abcx", 4);
    /* bad arguments */
    uassert_int_equal(rt_object_get_name(RT_NULL, buf, 4), -RT_EINVAL);
    uassert_int_equal(rt_object_get_name(o, RT_NULL, 4), -RT_EINVAL);
    uassert_int_equal(rt_object_get_name(o, buf, 0), -RT_EINVAL);
    rt_sem_detach(&sems[0]);

    /* a name of RT_NAME_MAX characters: bounded by the object's field */
    char longname[RT_NAME_MAX + 8];
    rt_memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    rt_sem_init(&sems[0], longname, 0, RT_IPC_FLAG_FIFO);
    rt_memset(buf, 'x', sizeof buf);
    uassert_int_equal(rt_object_get_name(&sems[0].parent.parent, buf, sizeof buf), RT_EOK);
    uassert_buf_equal(buf, longname, RT_NAME_MAX);
    for (rt_size_t i = RT_NAME_MAX; i < sizeof buf; i++)
        uassert_int_equal(buf[i], 0);
    rt_sem_detach(&sems[0]);
}

static int destroyed;
static void *destroyed_data;

static rt_err_t destroy_fn(void *data)
{
    destroyed++;
    destroyed_data = data;
    return -RT_EBUSY;                   /* handed back by destroy */
}

static void test_custom_object(void)
{
    rt_size_t total, used0, used1, max;
    static int payload = 42;
    rt_memory_info(&total, &used0, &max);

    destroyed = 0;
    rt_object_t obj = rt_custom_object_create("cobj", &payload, destroy_fn);
    uassert_not_null(obj);
    uassert_int_equal(rt_object_get_type(obj), RT_Object_Class_Custom);
    uassert_false(rt_object_is_systemobject(obj));
    uassert_ptr_equal(((struct rt_custom_object *)obj)->data, &payload);
    uassert_ptr_equal(rt_object_find("cobj", RT_Object_Class_Custom), obj);
    uassert_int_equal(rt_object_get_length(RT_Object_Class_Custom), 1);
    uassert_int_equal(rt_system_heap_check(), 0);

    uassert_int_equal(rt_custom_object_destroy(obj), -RT_EBUSY);
    uassert_int_equal(destroyed, 1);
    uassert_ptr_equal(destroyed_data, &payload);
    uassert_int_equal(rt_object_get_length(RT_Object_Class_Custom), 0);
    rt_memory_info(&total, &used1, &max);
    uassert_int_equal(used1, used0);
    uassert_int_equal(rt_system_heap_check(), 0);

    /* without a destroy function: -1, the object is still deleted */
    obj = rt_custom_object_create("c2", RT_NULL, RT_NULL);
    uassert_not_null(obj);
    uassert_int_equal(rt_custom_object_destroy(obj), -1);
    uassert_int_equal(rt_object_get_length(RT_Object_Class_Custom), 0);

    /* not a custom object: -1, nothing deleted */
    rt_sem_t s = rt_sem_create("notc", 0, RT_IPC_FLAG_FIFO);
    uassert_int_equal(rt_custom_object_destroy(&s->parent.parent), -1);
    uassert_ptr_equal(rt_object_find("notc", RT_Object_Class_Semaphore), &s->parent.parent);
    rt_sem_delete(s);
    uassert_int_equal(rt_custom_object_destroy(RT_NULL), -1);
    rt_memory_info(&total, &used1, &max);
    uassert_int_equal(used1, used0);
}

static void test_sched_priv(void)
{
    rt_thread_t self = rt_thread_self();
    uassert_int_equal(RT_SCHED_PRIV(self).current_priority, UTEST_THR_PRIORITY);
    uassert_int_equal(RT_SCHED_PRIV(self).init_priority, UTEST_THR_PRIORITY);
    uassert_int_equal(RT_SCHED_CTX(self).stat & RT_THREAD_STAT_MASK, RT_THREAD_RUNNING);
    uassert_true(rt_scheduler_is_available());
    rt_enter_critical();
    uassert_false(rt_scheduler_is_available());
    rt_exit_critical();
    uassert_true(rt_scheduler_is_available());
}

static rt_err_t tc_init(void) { return RT_EOK; }
static rt_err_t tc_cleanup(void) { return RT_EOK; }

static void testcase(void)
{
    UTEST_UNIT_RUN(test_object_iterate_and_find);
    UTEST_UNIT_RUN(test_object_get_name);
    UTEST_UNIT_RUN(test_custom_object);
    UTEST_UNIT_RUN(test_sched_priv);
}
UTEST_TC_EXPORT(testcase, "testcases.kernel.object_tc", tc_init, tc_cleanup, 10);
