/*
 * utest_log.h - logging inside RT-Thread utest test cases.
 *
 * Test cases include <utest.h>, which includes this header: it sets the
 * log tag to "testcase" and the level to everything (DBG_LOG), so a test
 * case's LOG_E("...") prints "[E/testcase] ...", exactly as on RT-Thread.
 */
#ifndef RTSIM_UTEST_LOG_H__
#define RTSIM_UTEST_LOG_H__

#include <rtthread.h>

#define UTEST_DEBUG

#undef DBG_TAG
#undef DBG_LVL
#undef DBG_SECTION_NAME
#undef DBG_LEVEL
#define DBG_ENABLE
#define DBG_TAG     "testcase"
#define DBG_LVL     3           /* DBG_LOG */
#include <rtdbg.h>

/* How much the runner prints for assertions (utest_log_lv_set):
 * UTEST_LOG_ALL    - a "[    OK    ]" line for every assertion that holds
 *                    and an "[  ASSERT  ]" line for every one that fails
 *                    (the default, as on RT-Thread);
 * UTEST_LOG_ASSERT - only the failures. */
#define UTEST_LOG_ALL       (1u)
#define UTEST_LOG_ASSERT    (2u)

void utest_log_lv_set(rt_uint8_t lv);

#endif /* RTSIM_UTEST_LOG_H__ */
