/*
 * utest_assert.h - RT-Thread's uassert_* macros.
 *
 * Every macro checks one condition and records the outcome in the running
 * test case (utest_handle_get()): a failure prints
 *
 *   [E/utest] [  ASSERT  ] [ unit     ] at (file.c); func: (fn:line); msg: (...)
 *
 * and marks the current unit failed; execution goes on (an assertion never
 * jumps out of the function).  UTEST_UNIT_RUN then skips the remaining
 * units of the test case.  Assertions may be made from any simulated
 * thread, timer or interrupt handler of the run.  Each argument is
 * evaluated exactly once.
 */
#ifndef RTSIM_UTEST_ASSERT_H__
#define RTSIM_UTEST_ASSERT_H__

#include <rtthread.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The functions behind the macros; call them through the macros.
 * utest_assert returns RT_TRUE when `value` is non-zero. */
rt_bool_t utest_assert(int value, const char *file, int line, const char *func,
                       const char *msg);
/* Strings: a NULL argument always fails; on failure both strings are
 * printed ("str-a: (...); str-b: (...)"). */
void utest_assert_string(const char *a, const char *b, rt_bool_t equal,
                         const char *file, int line, const char *func, const char *msg);
/* Buffers: compare `sz` bytes; a NULL argument always fails. */
void utest_assert_buf(const char *a, const char *b, rt_size_t sz, rt_bool_t equal,
                      const char *file, int line, const char *func, const char *msg);

#define __utest_assert(value, msg) \
    utest_assert((value) ? 1 : 0, __FILE__, __LINE__, __func__, msg)

#define uassert_true(value)         __utest_assert(value, "(" #value ") is false")
#define uassert_false(value)        __utest_assert(!(value), "(" #value ") is true")
#define uassert_null(value)         __utest_assert((const void *)(value) == RT_NULL, "(" #value ") is not null")
#define uassert_not_null(value)     __utest_assert((const void *)(value) != RT_NULL, "(" #value ") is null")

/* Integers (or any two values comparable with ==, pointers included). */
#define uassert_int_equal(a, b)     __utest_assert((a) == (b), "(" #a ") not equal to (" #b ")")
#define uassert_int_not_equal(a, b) __utest_assert((a) != (b), "(" #a ") equal to (" #b ")")

#define uassert_str_equal(a, b)                                             \
    utest_assert_string((const char *)(a), (const char *)(b), RT_TRUE,      \
                        __FILE__, __LINE__, __func__, "string not equal")
#define uassert_str_not_equal(a, b)                                         \
    utest_assert_string((const char *)(a), (const char *)(b), RT_FALSE,     \
                        __FILE__, __LINE__, __func__, "string equal")

#define uassert_buf_equal(a, b, sz)                                         \
    utest_assert_buf((const char *)(a), (const char *)(b), (sz), RT_TRUE,   \
                     __FILE__, __LINE__, __func__, "buf not equal")
#define uassert_buf_not_equal(a, b, sz)                                     \
    utest_assert_buf((const char *)(a), (const char *)(b), (sz), RT_FALSE,  \
                     __FILE__, __LINE__, __func__, "buf equal")

/* min <= value <= max (both ends included); `value` is evaluated once
 * (RT-Thread's macro evaluates it twice). */
#define UTEST_IN_RANGE__(value, min, max)                                   \
    __extension__ ({ __typeof__(value) utest_v__ = (value);                 \
                     utest_v__ >= (min) && utest_v__ <= (max); })
#define uassert_in_range(value, min, max)                                   \
    __utest_assert(UTEST_IN_RANGE__(value, min, max),                       \
                   "(" #value ") not in range(" #min "," #max ")")
#define uassert_not_in_range(value, min, max)                               \
    __utest_assert(!UTEST_IN_RANGE__(value, min, max),                      \
                   "(" #value ") in range(" #min "," #max ")")

#if RTSIM_V5_API
/* The 5.x additions (components/utilities/utest/utest_assert.h of 5.x):
 * pointers, ordered comparisons, floats within 0.0001.  Each argument is
 * evaluated once; a failure names both expressions. */
#define UTEST_VALUE_OP__(a, b, op)                                          \
    __extension__ ({ __typeof__(a) utest_a__ = (a);                         \
                     __typeof__(b) utest_b__ = (b);                         \
                     utest_a__ op utest_b__; })
#define uassert_ptr_equal(a, b)                                             \
    __utest_assert((const void *)(a) == (const void *)(b), "(" #a ") not equal to (" #b ")")
#define uassert_ptr_not_equal(a, b)                                         \
    __utest_assert((const void *)(a) != (const void *)(b), "(" #a ") equal to (" #b ")")
#define uassert_value_less(a, b)                                            \
    __utest_assert(UTEST_VALUE_OP__(a, b, <), "(" #a ") not less than (" #b ")")
#define uassert_value_less_equal(a, b)                                      \
    __utest_assert(UTEST_VALUE_OP__(a, b, <=), "(" #a ") not less than or equal to (" #b ")")
#define uassert_value_greater(a, b)                                         \
    __utest_assert(UTEST_VALUE_OP__(a, b, >), "(" #a ") not greater than (" #b ")")
#define uassert_value_greater_equal(a, b)                                   \
    __utest_assert(UTEST_VALUE_OP__(a, b, >=), "(" #a ") not greater than or equal to (" #b ")")
#define uassert_float_equal(a, b)                                           \
    uassert_in_range((double)(a), ((double)(b) - 0.0001), ((double)(b) + 0.0001))
#define uassert_float_not_equal(a, b)                                       \
    uassert_not_in_range((double)(a), ((double)(b) - 0.0001), ((double)(b) + 0.0001))
#endif

#ifdef __cplusplus
}
#endif

#endif /* RTSIM_UTEST_ASSERT_H__ */
