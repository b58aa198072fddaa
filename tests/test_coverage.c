/*
 * test_coverage.c - the kernel paths no other suite reaches, each with an
 * expectation on its result: every shell command (with threads waiting on
 * semaphores and mutexes, so the wait queues are printed), the kservice
 * string and memory routines, rt_kprintf/rt_snprintf formats, idle and
 * object hooks, thread control, timer control, semaphore / event control.
 * Written to lift line and branch coverage of kernel/ (docs/robustness.md);
 * the other suites own the behaviour of each area.
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include <rtmm.h>

/* ------------------------------------------------------------ commands */

static struct rt_semaphore cov_sem;
static struct rt_mutex cov_mutex;
static struct rt_event cov_event;

static void timer_nop(void *p) { }
static void waiter_sem(void *arg) { rt_sem_take(&cov_sem, 50); }
static void waiter_mutex(void *arg)
{
    if (rt_mutex_take(&cov_mutex, 50) == RT_EOK)
        rt_mutex_release(&cov_mutex);
}
static void waiter_event(void *arg)
{
    rt_uint32_t got = 0;
    TU_EXPECT_INT(rt_event_recv(&cov_event, 0x3, RT_EVENT_FLAG_AND | RT_EVENT_FLAG_CLEAR, 50, &got), RT_EOK);
    TU_EXPECT_INT(got, 0x3);
}

static void start(const char *name, void (*fn)(void *), rt_uint8_t prio)
{
    rt_thread_t t = rt_thread_create(name, fn, RT_NULL, 1024, prio, 5);
    TU_EXPECT(t != RT_NULL);
    if (t != RT_NULL)
        rt_thread_startup(t);
}

static void body_commands(void *arg)
{
    static const char *const cmds[] = {
        "help", "version", "list_thread", "list_sem", "list_mutex", "list_timer",
        "free", "list_mem", "memtrace", "list_memheap", "list_mempool",
    };
    struct rt_timer tm;

    rt_sem_init(&cov_sem, "csem", 0, RT_IPC_FLAG_FIFO);
    rt_mutex_init(&cov_mutex, "cmtx", RT_IPC_FLAG_PRIO);
    rt_event_init(&cov_event, "cevt", RT_IPC_FLAG_FIFO);
    rt_timer_init(&tm, "ctim", timer_nop, RT_NULL, 100, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_start(&tm);
    TU_EXPECT_INT(rt_mutex_take(&cov_mutex, RT_WAITING_FOREVER), RT_EOK);
    start("ws1", waiter_sem, 5);
    start("ws2", waiter_sem, 6);
    start("wm", waiter_mutex, 5);
    start("we", waiter_event, 5);

    tu_console_reset();
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        TU_EXPECT(rt_msh_exec(cmds[i]) >= 0);
    TU_EXPECT(strstr(tu_console(), "csem") != NULL);
    TU_EXPECT(strstr(tu_console(), "ws1") != NULL);
    TU_EXPECT(strstr(tu_console(), "cmtx") != NULL);
    TU_EXPECT(strstr(tu_console(), "ctim") != NULL);
    TU_EXPECT(rt_msh_exec("no_such_command") < 0);
    TU_EXPECT(rt_msh_exec("   ") <= 0);
    TU_EXPECT(rt_msh_exec("help extra words here") >= 0);
    TU_EXPECT(rt_msh_find("list_thread") != RT_NULL);
    TU_EXPECT(rt_msh_find("nope") == RT_NULL);
    TU_EXPECT(rt_msh_first() != RT_NULL);

    rt_event_send(&cov_event, 0x1);
    rt_event_send(&cov_event, 0x2);
    rt_mutex_release(&cov_mutex);
    rt_sem_release(&cov_sem);
    rt_sem_release(&cov_sem);
    rt_thread_delay(60);
    rt_timer_stop(&tm);
    rt_timer_detach(&tm);
    rt_sem_detach(&cov_sem);
    rt_mutex_detach(&cov_mutex);
    rt_event_detach(&cov_event);
}

static void test_commands(void **state)
{
    /* Console time off: the eleven commands print about 4 KB, which a
     * 115200-baud UART needs ~350 ms for (docs/concept-time.md), longer
     * than the waiters' 50-tick timeouts this test is not about. */
    struct rt_sim_config cfg;
    tu_config(&cfg);
    cfg.cpu_hz = 0;
    assert_int_equal(tu_run(&cfg, body_commands, NULL), RT_SIM_OK);
}

/* ----------------------------------------------------- kservice, printf */

static void body_kservice(void *arg)
{
    char buf[64], *dup;
    unsigned char m[16];

    for (int i = 0; i < 16; i++)
        m[i] = (unsigned char)i;
    rt_memmove(m + 2, m, 8);                        /* overlapping, forward */
    TU_EXPECT(m[2] == 0 && m[9] == 7);
    rt_memmove(m, m + 4, 8);                        /* overlapping, backward */
    TU_EXPECT(m[0] == 2 && m[5] == 7 && m[6] == 10);
    TU_EXPECT(rt_memcmp("abc", "abd", 3) < 0);
    TU_EXPECT(rt_memcmp("abc", "abc", 3) == 0);
    TU_EXPECT_INT(rt_strlen("hello"), 5);
    TU_EXPECT_INT(rt_strnlen("hello", 3), 3);
    TU_EXPECT_INT(rt_strnlen("hi", 8), 2);
    rt_memset(buf, 'x', sizeof buf);
    rt_strncpy(buf, "ab", 5);
    TU_EXPECT(buf[0] == 'a' && buf[2] == '\0' && buf[4] == '\0' && buf[5] == 'x');
    TU_EXPECT(rt_strncmp("abcd", "abce", 3) == 0);
    TU_EXPECT(rt_strncmp("abcd", "abce", 4) < 0);
    TU_EXPECT(rt_strcasecmp("HeLLo", "hello") == 0);
    TU_EXPECT(rt_strcasecmp("a", "B") < 0);
    TU_EXPECT(rt_strstr("needle in haystack", "hay") != RT_NULL);
    TU_EXPECT(rt_strstr("needle", "") != RT_NULL);
    TU_EXPECT(rt_strstr("needle", "pin") == RT_NULL);
    dup = rt_strdup("copy me");
    TU_EXPECT(dup != RT_NULL && rt_strcmp(dup, "copy me") == 0);
    rt_free(dup);

    rt_set_errno(-RT_EFULL);
    TU_EXPECT_INT(rt_get_errno(), -RT_EFULL);
    TU_EXPECT(_rt_errno() != RT_NULL);

    rt_snprintf(buf, sizeof buf, "%5d|%-5d|%05d|%x|%X|%o|%c|%s|%%", 42, 42, 42, 255, 255, 8, 'z', "s");
    TU_EXPECT_STR(buf, "   42|42   |00042|ff|FF|10|z|s|%");
    rt_snprintf(buf, sizeof buf, "%ld|%lu|%lx|%p|%.3s|%10s|%-4s|", -5L, 5UL, 0xabUL, (void *)0x10,
                "abcdef", "r", "l");
    TU_EXPECT(strncmp(buf, "-5|5|ab|", 8) == 0);
    TU_EXPECT(strstr(buf, "|abc|") != NULL && strstr(buf, "         r|l   |") != NULL);
    TU_EXPECT_INT(rt_snprintf(buf, 4, "%s", "truncated"), 9);
    TU_EXPECT_STR(buf, "tru");
    rt_sprintf(buf, "%+d %i % d %#x %#o", 3, -4, 5, 16, 8);
    TU_EXPECT(buf[0] != '\0');
    rt_show_version();
    rt_kprintf("%s%d%c\n", "kprintf ", 1, '!');
}

static void test_kservice(void **state)
{
    assert_int_equal(tu_run(NULL, body_kservice, NULL), RT_SIM_OK);
}

/* ------------------------------------------- hooks, objects, thread API */

static int idle_calls, attach_calls, detach_calls, suspend_calls, resume_calls;
static void idle_hook(void) { idle_calls++; }
static void on_attach(struct rt_object *o) { attach_calls++; }
static void on_detach(struct rt_object *o) { detach_calls++; }
static void on_suspend(rt_thread_t t) { suspend_calls++; }
static void on_resume(rt_thread_t t) { resume_calls++; }
static void sleeper(void *arg) { rt_thread_delay(20); }
static int timer_fired;
static void timer_cb(void *p) { timer_fired++; }

/* INIT_*_EXPORT: run once per boot, in level order (components.c). */
static int board_inits, app_inits;
static int cov_board_init(void) { board_inits++; return 0; }
static int cov_app_init(void) { TU_EXPECT_INT(board_inits, app_inits + 1); app_inits++; return 0; }
INIT_BOARD_EXPORT(cov_board_init);
INIT_APP_EXPORT(cov_app_init);

static void spinner(void *arg)
{
    for (int i = 0; i < 3; i++)
        rt_thread_yield();
}

static void body_api(void *arg)
{
    struct rt_semaphore s;
    struct rt_event ev;
    rt_object_t ptrs[4];
    rt_tick_t t;
    struct rt_timer tm;
    rt_thread_t th;
    rt_uint8_t prio;

    TU_EXPECT_INT(rt_thread_idle_sethook(idle_hook), RT_EOK);
    rt_thread_delay(2);                             /* idle runs the hook */
    TU_EXPECT(idle_calls > 0);
    TU_EXPECT_INT(rt_thread_idle_delhook(idle_hook), RT_EOK);
    TU_EXPECT_INT(rt_thread_idle_delhook(idle_hook), -RT_ENOSYS);
    for (int i = 0; ; i++)
        if (rt_thread_idle_sethook(idle_hook) != RT_EOK)
        {
            TU_EXPECT(i > 0);                       /* the hook table filled up */
            break;
        }
    while (rt_thread_idle_delhook(idle_hook) == RT_EOK)
        ;
    TU_EXPECT(rt_thread_idle_gethandler() != RT_NULL);

    rt_object_attach_sethook(on_attach);
    rt_object_detach_sethook(on_detach);
    rt_sem_init(&s, "hooked", 1, RT_IPC_FLAG_FIFO);
    TU_EXPECT(rt_object_find("hooked", RT_Object_Class_Semaphore) == &s.parent.parent);
    TU_EXPECT(rt_object_find("absent", RT_Object_Class_Semaphore) == RT_NULL);
    TU_EXPECT(rt_object_get_length(RT_Object_Class_Semaphore) >= 1);
    TU_EXPECT(rt_object_get_length((enum rt_object_class_type)0) == 0);
    TU_EXPECT(rt_object_get_pointers(RT_Object_Class_Thread, ptrs, 4) >= 2);
    TU_EXPECT(rt_object_get_pointers(RT_Object_Class_Thread, ptrs, 0) == 0);
    TU_EXPECT(rt_object_get_information((enum rt_object_class_type)0x7f) == RT_NULL);
    TU_EXPECT_INT(rt_sem_control(&s, RT_IPC_CMD_RESET, (void *)3), RT_EOK);
    TU_EXPECT_INT(s.value, 3);
    TU_EXPECT_INT(rt_sem_control(&s, RT_IPC_CMD_UNKNOWN, RT_NULL), -RT_ERROR);
    rt_sem_detach(&s);
    rt_object_attach_sethook(RT_NULL);
    rt_object_detach_sethook(RT_NULL);
    TU_EXPECT(attach_calls == 1 && detach_calls == 1);

    rt_event_init(&ev, "ev", RT_IPC_FLAG_PRIO);
    TU_EXPECT_INT(rt_event_recv(&ev, 0, RT_EVENT_FLAG_OR, 0, RT_NULL), -RT_ERROR);
    TU_EXPECT_INT(rt_event_recv(&ev, 1, RT_EVENT_FLAG_OR, 0, RT_NULL), -RT_ETIMEOUT);
    rt_event_send(&ev, 5);
    TU_EXPECT_INT(rt_event_recv(&ev, 4, RT_EVENT_FLAG_OR, 0, RT_NULL), RT_EOK);
    TU_EXPECT_INT(rt_event_control(&ev, RT_IPC_CMD_RESET, RT_NULL), RT_EOK);
    TU_EXPECT_INT(ev.set, 0);
    TU_EXPECT_INT(rt_event_control(&ev, RT_IPC_CMD_UNKNOWN, RT_NULL), -RT_ERROR);
    rt_event_detach(&ev);

    rt_thread_suspend_sethook(on_suspend);
    rt_thread_resume_sethook(on_resume);
    th = rt_thread_create("sleepy", sleeper, RT_NULL, 1024, 20, 5);
    TU_EXPECT(th != RT_NULL);
    rt_thread_startup(th);
    TU_EXPECT(rt_thread_find("sleepy") == th);
    TU_EXPECT(rt_thread_find("nobody") == RT_NULL);
    prio = 12;
    TU_EXPECT_INT(rt_thread_control(th, RT_THREAD_CTRL_CHANGE_PRIORITY, &prio), RT_EOK);
    TU_EXPECT_INT(th->current_priority, 12);
    rt_thread_delay(1);                             /* it runs and sleeps */
    rt_thread_delay(30);                            /* and ends */

    TU_EXPECT(board_inits >= 1 && app_inits == board_inits);

    /* Suspend a ready thread before it runs, then resume it. */
    th = rt_thread_create("spin", spinner, RT_NULL, 1024, 25, 5);
    TU_EXPECT(th != RT_NULL);
    TU_EXPECT_INT(rt_thread_control(th, 0x7f, RT_NULL), -RT_EINVAL);
    TU_EXPECT_INT(rt_thread_control(th, RT_THREAD_CTRL_STARTUP, RT_NULL), RT_EOK);
#if !RTSIM_V5_API     /* 5.x suspends only the caller (test_sched) */
    TU_EXPECT_INT(rt_thread_suspend(th), RT_EOK);
    TU_EXPECT_INT(rt_thread_suspend(th), -RT_ERROR);
    TU_EXPECT(suspend_calls >= 1);
    rt_thread_delay(2);                             /* it stays suspended */
    TU_EXPECT_INT(rt_thread_resume(th), RT_EOK);
    TU_EXPECT(resume_calls >= 1);
#endif
    rt_thread_delay(2);                             /* now it runs and ends */

    /* A thread closed through rt_thread_control before it ever ran. */
    th = rt_thread_create("closed", spinner, RT_NULL, 1024, 25, 5);
    TU_EXPECT(th != RT_NULL);
    TU_EXPECT_INT(rt_thread_control(th, RT_THREAD_CTRL_CLOSE, RT_NULL), RT_EOK);
    rt_thread_delay(1);

    rt_timer_init(&tm, "tm", timer_cb, RT_NULL, 10, RT_TIMER_FLAG_PERIODIC);
    t = 4;
    TU_EXPECT_INT(rt_timer_control(&tm, RT_TIMER_CTRL_SET_TIME, &t), RT_EOK);
    t = 0;
    TU_EXPECT_INT(rt_timer_control(&tm, RT_TIMER_CTRL_GET_TIME, &t), RT_EOK);
    TU_EXPECT_INT(t, 4);
    rt_timer_start(&tm);
    rt_thread_delay(9);
    TU_EXPECT_INT(timer_fired, 2);
    TU_EXPECT_INT(rt_timer_control(&tm, RT_TIMER_CTRL_SET_ONESHOT, RT_NULL), RT_EOK);
    rt_thread_delay(10);
    rt_timer_control(&tm, RT_TIMER_CTRL_GET_STATE, &t);
    rt_timer_control(&tm, RT_TIMER_CTRL_SET_PERIODIC, RT_NULL);
    rt_timer_control(&tm, RT_TIMER_CTRL_GET_REMAIN_TIME, &t);
    rt_timer_stop(&tm);
    rt_timer_detach(&tm);
    rt_thread_suspend_sethook(RT_NULL);
    rt_thread_resume_sethook(RT_NULL);
}

static void test_api(void **state)
{
    int rc = tu_run(NULL, body_api, NULL);
    if (rc != RT_SIM_OK)
        fail_msg("run ended %d:\n%s", rc, tu_report());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_kservice),
        cmocka_unit_test(test_api),
    };
    return cmocka_run_group_tests_name("coverage", tests, NULL, NULL);
}
