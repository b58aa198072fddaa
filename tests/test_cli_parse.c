/*
 * test_cli_parse.c - the scenario parser (tools/scn_parse.c) on its own:
 * every statement parses into the fields the runner reads, every error is
 * refused without leaking (the memcheck setup runs this too), and the
 * shell's line-by-line mode keeps a block open until its `end`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario.h"

static FILE *quiet(void)
{
    FILE *f = fopen("/dev/null", "w");
    assert_non_null(f);
    scn_error_stream = f;
    return f;
}

static void test_statements(void **state)
{
    (void)state;
    static const char text[] =
        "# a comment\n"
        "set board stm32f103c8\n"
        "set heap memheap\n"
        "set seed 7\n"
        "set wake fifo\n"
        "set tick_limit 500\n"
        "a = malloc 4K   # trailing comment\n"
        "b = malloc rand 16 0x20\n"
        "c = calloc 3 10\n"
        "c = realloc c 100\n"
        "h = malloc 8 in mine\n"
        "heap mine smallmem-classic 512\n"
        "heap ccm memheap region CCM\n"
        "pool p 4 80\n"
        "x = mp_alloc p forever\n"
        "y = mp_alloc p 25\n"
        "thread w prio 5 stack 2048 slice 3\n"
        "    delay 10\n"
        "    mp_free x\n"
        "end\n"
        "irq at 40\n"
        "    say \"in \\\"isr\\\"\"\n"
        "end\n"
        "msh list_mempool  \n"
        "expect a != NULL\n"
        "expect a == b\n"
        "expect a == 0x20001000\n"
        "expect p.waiting >= 1\n"
        "expect largest < 100\n"
        "expect deadlock\n"
        "map heap p\n"
        "headers mine other\n"
        "free a\n"
        "pool_delete p\n"
        "sem ready 2\n"
        "mutex lock\n"
        "take lock forever\n"
        "take ready 15\n"
        "release lock\n";
    struct scn_program prog;
    assert_int_equal(scn_parse("t.rts", text, &prog), 0);
    assert_string_equal(prog.board, "stm32f103c8");
    assert_string_equal(prog.heap, "memheap");
    assert_int_equal(prog.seed, 7);
    assert_int_equal(prog.wake_fifo, 1);
    assert_int_equal(prog.tick_limit, 500);
    assert_int_equal(prog.expect_outcome, RT_SIM_EDEADLOCK);

    struct scn_stmt *s = prog.first;
    assert_int_equal(s->op, SCN_MALLOC);
    assert_string_equal(s->var, "a");
    assert_int_equal(s->num[0], 4096);
    assert_string_equal(s->text, "a = malloc 4K");
    assert_int_equal(s->line, 7);
    s = s->next;
    assert_int_equal(s->flag, 1);
    assert_int_equal(s->num[0], 16);
    assert_int_equal(s->num[1], 32);
    s = s->next;
    assert_int_equal(s->op, SCN_CALLOC);
    s = s->next;
    assert_int_equal(s->op, SCN_REALLOC);
    assert_string_equal(s->name, "c");
    s = s->next;
    assert_string_equal(s->name, "mine");
    s = s->next;
    assert_int_equal(s->op, SCN_HEAP);
    assert_string_equal(s->str, "smallmem-classic");
    assert_int_equal(s->num[0], 512);
    s = s->next;
    assert_int_equal(s->flag, 1);
    assert_string_equal(s->name2, "CCM");
    s = s->next;
    assert_int_equal(s->op, SCN_POOL);
    assert_int_equal(s->num[0], 4);
    assert_int_equal(s->num[1], 80);
    s = s->next;
    assert_int_equal(s->op, SCN_MP_ALLOC);
    assert_int_equal(s->flag, 1);
    s = s->next;
    assert_int_equal(s->num[0], 25);
    s = s->next;
    assert_int_equal(s->op, SCN_THREAD);
    assert_int_equal(s->num[0], 5);
    assert_int_equal(s->num[1], 2048);
    assert_int_equal(s->num[2], 3);
    assert_int_equal(s->body->op, SCN_DELAY);
    assert_int_equal(s->body->next->op, SCN_MP_FREE);
    assert_null(s->body->next->next);
    s = s->next;
    assert_int_equal(s->op, SCN_IRQ);
    assert_string_equal(s->body->str, "in \"isr\"");
    s = s->next;
    assert_int_equal(s->op, SCN_MSH);
    assert_string_equal(s->str, "list_mempool");
    s = s->next;
    assert_int_equal(s->flag, SCN_EXP_NULL);
    assert_int_equal(s->cmp, SCN_NE);
    s = s->next;
    assert_int_equal(s->flag, SCN_EXP_SAME);
    assert_string_equal(s->name2, "b");
    s = s->next;
    assert_int_equal(s->flag, SCN_EXP_ADDR);
    assert_int_equal(s->num[0], 0x20001000);
    s = s->next;
    assert_int_equal(s->flag, SCN_EXP_QUANTITY);
    assert_string_equal(s->name, "p");
    assert_string_equal(s->name2, "waiting");
    assert_int_equal(s->cmp, SCN_GE);
    s = s->next;
    assert_null(s->name);
    assert_string_equal(s->name2, "largest");
    assert_int_equal(s->cmp, SCN_LT);
    s = s->next;
    assert_int_equal(s->flag, SCN_EXP_OUTCOME);
    s = s->next;
    assert_int_equal(s->op, SCN_MAP);
    assert_string_equal(s->str, "heap p");
    s = s->next;
    assert_int_equal(s->op, SCN_HEADERS);
    assert_string_equal(s->name2, "other");
    s = s->next;
    assert_int_equal(s->op, SCN_FREE);
    s = s->next;
    assert_int_equal(s->op, SCN_POOL_DELETE);
    s = s->next;
    assert_int_equal(s->op, SCN_SEM);
    assert_int_equal(s->num[0], 2);
    s = s->next;
    assert_int_equal(s->op, SCN_MUTEX);
    s = s->next;
    assert_int_equal(s->op, SCN_TAKE);
    assert_int_equal(s->flag, 1);
    s = s->next;
    assert_int_equal(s->num[0], 15);
    s = s->next;
    assert_int_equal(s->op, SCN_RELEASE);
    assert_null(s->next);
    scn_free(&prog);

    static const char msg[] =
        "mailbox mb 4 prio\n"
        "mqueue q 12 3\n"
        "mb_send mb a\n"
        "mb_send mb 7 forever\n"
        "mq_send q 9 25\n"
        "mb_urgent mb b\n"
        "v = mb_recv mb forever\n"
        "w = mq_recv q 0\n"
        "mb_delete mb\n"
        "mq_delete q\n";
    assert_int_equal(scn_parse("msg.rts", msg, &prog), 0);
    s = prog.first;
    assert_int_equal(s->op, SCN_MAILBOX);
    assert_int_equal(s->num[0], 4);
    assert_int_equal(s->flag, 1);
    s = s->next;
    assert_int_equal(s->op, SCN_MQUEUE);
    assert_int_equal(s->num[0], 12);
    assert_int_equal(s->num[1], 3);
    assert_int_equal(s->flag, 0);
    s = s->next;
    assert_int_equal(s->op, SCN_MB_SEND);
    assert_string_equal(s->name2, "a");
    assert_int_equal(s->flag, 0);
    s = s->next;
    assert_int_equal(s->num[0], 7);
    assert_int_equal(s->flag, SCN_MSG_WAIT | SCN_MSG_FOREVER);
    s = s->next;
    assert_int_equal(s->op, SCN_MQ_SEND);
    assert_int_equal(s->num[1], 25);
    assert_int_equal(s->flag, SCN_MSG_WAIT);
    s = s->next;
    assert_int_equal(s->op, SCN_MB_URGENT);
    s = s->next;
    assert_int_equal(s->op, SCN_MB_RECV);
    assert_string_equal(s->var, "v");
    assert_int_equal(s->flag, SCN_MSG_WAIT | SCN_MSG_FOREVER);
    s = s->next;
    assert_int_equal(s->op, SCN_MQ_RECV);
    assert_int_equal(s->num[1], 0);
    s = s->next;
    assert_int_equal(s->op, SCN_MB_DELETE);
    s = s->next;
    assert_int_equal(s->op, SCN_MQ_DELETE);
    assert_null(s->next);
    scn_free(&prog);
}

/* Each refused text must leave nothing allocated (memcheck says so). */
static void test_errors_do_not_leak(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a = mallok 1", "a = malloc", "a = malloc 1 in", "a = malloc rand 5 1",
        "a = calloc 1", "a = realloc", "a = realloc a", "x = mp_alloc", "x = mp_alloc p",
        "free", "free 1", "say", "say x", "say \"open", "board x", "map 1", "headers",
        "headers a 1", "heap", "heap h", "heap h x", "heap h smallmem", "heap h tlsf region",
        "pool", "pool p", "pool p 1", "pool_delete", "mp_free", "delay", "delay x",
        "thread", "thread t", "thread t prio", "thread t prio x", "thread t prio 1 stack",
        "thread t prio 1 slice", "thread t prio 1 bogus", "thread abcdefghi prio 1",
        "thread t prio 31", "irq", "irq 1", "irq at", "msh", "check now", "expect",
        "expect 1", "expect a", "expect a <", "expect a < NULL", "expect a == 1x",
        "expect free", "expect free ==", "expect free == a", "expect h.nope == 1",
        "expect deadlock now", "set", "set board", "set heap nope", "set seed",
        "set wake", "set wake up", "set nope 1", "end", "@", "a = ", "free = malloc 1",
        "NULL = malloc 1", "1 = malloc 2", "a ! b", "thread t prio 1\n  free a",
        "irq at 3\n  thread t prio 1\n  end\nend", "a = malloc 12KB",
        "sem", "sem s", "sem s x", "mutex", "mutex 1", "take", "take m", "take m x",
        "release", "release m now", "take = malloc 1",
        "mailbox", "mailbox m", "mailbox m 0", "mailbox m 70000", "mailbox m 2 lifo",
        "mqueue q 4", "mqueue q 0 2", "mqueue q 4 0", "mb_send", "mb_send m",
        "mb_send m x soon", "mb_send m 1 2 3", "mb_urgent m 1 5", "x = mb_recv",
        "x = mb_recv m", "x = mb_recv m later", "x = mq_recv 1 2", "mb_delete",
        "mq_delete 3", "mq_send q", "mailbox = malloc 1",
    };
    FILE *f = quiet();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
        struct scn_program prog;
        if (scn_parse("bad.rts", bad[i], &prog) == 0)
            fail_msg("accepted: %s", bad[i]);
        scn_free(&prog);
    }
    scn_error_stream = NULL;
    fclose(f);
}

static void test_shell_lines(void **state)
{
    (void)state;
    struct scn_stmt *first = NULL;
    int more = 0;
    assert_int_equal(scn_parse_lines("<stdin>", 1, "thread t prio 3", &first, &more), 0);
    assert_true(more);
    assert_null(first);
    assert_int_equal(scn_parse_lines("<stdin>", 2, "  x = malloc 10", &first, &more), 0);
    assert_true(more);
    assert_int_equal(scn_parse_lines("<stdin>", 3, "end", &first, &more), 0);
    assert_false(more);
    assert_non_null(first);
    assert_int_equal(first->op, SCN_THREAD);
    assert_int_equal(first->body->op, SCN_MALLOC);
    scn_free_stmts(first);

    /* `set` and `expect deadlock` belong in files; a bad line inside an
     * open block drops the block. */
    FILE *f = quiet();
    assert_int_equal(scn_parse_lines("<stdin>", 4, "set heap slab", &first, &more), -1);
    assert_int_equal(scn_parse_lines("<stdin>", 5, "expect deadlock", &first, &more), -1);
    assert_int_equal(scn_parse_lines("<stdin>", 6, "irq at 9", &first, &more), 0);
    assert_true(more);
    assert_int_equal(scn_parse_lines("<stdin>", 7, "  nonsense", &first, &more), -1);
    assert_false(more);
    assert_int_equal(scn_parse_lines("<stdin>", 8, "a = malloc 1", &first, &more), 0);
    assert_non_null(first);
    assert_int_equal(first->op, SCN_MALLOC);
    scn_free_stmts(first);
    scn_error_stream = NULL;
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_errors_do_not_leak),
        cmocka_unit_test(test_shell_lines),
    };
    return cmocka_run_group_tests_name("cli_parse", tests, NULL, NULL);
}
