/*
 * test_ipc_samples.c - runs tests/samples/{mailbox,msgq,signal}_sample.c
 * (our versions of RT-Thread's kernel samples) from the shell and checks
 * their console lines against the runs RT-Thread's programming manual
 * documents ("Mailbox / Message Queue / Signal Application Example").
 */
#include <stdio.h>
#include <string.h>
#include "testutil.h"

static void sample_main(void *arg)
{
    TU_EXPECT_INT(rt_msh_exec(arg), 0);
}

/* The lines of the console starting with one of `prefixes`. */
static void pick(const char *console, const char *const *prefixes, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = console; *p;)
    {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        for (const char *const *pre = prefixes; *pre; pre++)
            if (!strncmp(p, *pre, strlen(*pre)))
            {
                assert_true(len + n < cap);
                memcpy(out + len, p, n);
                len += n;
                out[len] = '\0';
                break;
            }
        p += n;
    }
}

static char got[16384], want[16384];

static void run_sample(const char *cmd)
{
    tu_console_reset();
    assert_int_equal(tu_run(NULL, sample_main, (void *)cmd), RT_SIM_OK);
}

/* Manual: the two strings alternate, five times each, then "over". */
static void test_mailbox_sample(void **state)
{
    (void)state;
    run_sample("mailbox_sample");
    static const char *const pre[] = { "thread1:", NULL };
    pick(tu_console(), pre, got, sizeof got);
    size_t len = 0;
    for (int i = 1; i <= 10; i++)
        len += (size_t)snprintf(want + len, sizeof want - len,
                                "thread1: get a mail from mailbox, the content:%s\n",
                                i & 1 ? "I'm a mail!" : "this is another mail!");
    snprintf(want + len, sizeof want - len, "thread1: get a mail from mailbox, the content:over\n");
    assert_string_equal(got, want);
}

/* Manual: thread2 sends A..T (I urgent) with 5 ms delays; thread1 takes
 * one every 50 ms.  Printing takes the UART's time (115200 8N1: each
 * "thread2: send message - X" line is about 2.4 ms), so by thread1's second
 * receive only B..E are queued: B comes second, and the urgent I, sent
 * after H, is the next message thread1 gets - A, B, I, C..H, J..T, the
 * order the programming manual prints. */
static void test_msgq_sample(void **state)
{
    (void)state;
    run_sample("msgq_sample");
    static const char *const recv[] = { "thread1:", NULL };
    pick(tu_console(), recv, got, sizeof got);
    const char *order = "ABICDEFGHJKLMNOPQRST";
    size_t len = 0;
    for (const char *c = order; *c; c++)
        len += (size_t)snprintf(want + len, sizeof want - len,
                                "thread1: recv msg from msg queue, the content:%c\n", *c);
    snprintf(want + len, sizeof want - len, "thread1: detach mq \n");
    assert_string_equal(got, want);

    static const char *const sent[] = { "thread2:", "message queue stop", "rt_mq_", NULL };
    pick(tu_console(), sent, got, sizeof got);
    len = 0;
    for (char c = 'A'; c <= 'T'; c++)
        len += (size_t)snprintf(want + len, sizeof want - len,
                                c == 'I' ? "thread2: send urgent message - %c\n"
                                         : "thread2: send message - %c\n", c);
    snprintf(want + len, sizeof want - len, "message queue stop send, thread2 quit\n");
    assert_string_equal(got, want);

    /* The interleaving: A is taken at once; B is taken before I is sent;
     * I jumps ahead of the C..H still queued. */
    const char *con = tu_console();
    const char *a = strstr(con, "content:A"), *i_sent = strstr(con, "urgent message - I");
    const char *i_got = strstr(con, "content:I"), *b_got = strstr(con, "content:B");
    assert_true(a && i_sent && i_got && b_got);
    assert_true(a < strstr(con, "send message - B"));
    assert_true(b_got < i_sent && i_sent < i_got);
    assert_true(i_got < strstr(con, "content:C"));
}

/* Manual: counts 0, 1, 2, then the handler (signal 10 = SIGUSR1 where the
 * C library numbers it so), then 3 .. 9, all in thread1. */
static void test_signal_sample(void **state)
{
    (void)state;
    run_sample("signal_sample");
    static const char *const pre[] = { "thread1 ", NULL };
    pick(tu_console(), pre, got, sizeof got);
    size_t len = 0;
    for (int i = 0; i < 10; i++)
    {
        if (i == 3)
            len += (size_t)snprintf(want + len, sizeof want - len,
                                    "thread1 received signal %d\n", SIGUSR1);
        len += (size_t)snprintf(want + len, sizeof want - len, "thread1 count : %d\n", i);
    }
    assert_string_equal(got, want);
    assert_int_equal(SIGUSR1, 10);   /* the host C library's number, as the manual prints */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mailbox_sample),
        cmocka_unit_test(test_msgq_sample),
        cmocka_unit_test(test_signal_sample),
    };
    return cmocka_run_group_tests_name("ipc_samples", tests, NULL, NULL);
}
