#include <string.h>
#include "testutil.h"

static void hello(void *arg)
{
    (void)arg;
    rt_kprintf("hello %d\n", 42);
}

static void test_hello(void **state)
{
    (void)state;
    tu_console_reset();
    assert_int_equal(tu_run(NULL, hello, NULL), RT_SIM_OK);
    assert_string_equal(tu_console(), "hello 42\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
