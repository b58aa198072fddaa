/*
 * rtdbg.h - RT-Thread's LOG_D / LOG_I / LOG_W / LOG_E macros.
 *
 * Usage, as in RT-Thread:
 *
 *     #define DBG_TAG  "my.mod"        (older code: DBG_SECTION_NAME)
 *     #define DBG_LVL  DBG_INFO        (older code: DBG_LEVEL)
 *     #include <rtdbg.h>
 *
 *     LOG_I("started %d workers", n);  ->  "[I/my.mod] started 4 workers\n"
 *
 * A line is "[<level letter>/<tag>] <message>\n", printed with rt_kprintf,
 * so it goes to the console of the running simulation (stdout by default)
 * and lands in order with everything else the program prints.  Lines below
 * the chosen level compile to nothing.  Define DBG_COLOR (or RT_DEBUG_COLOR)
 * for ANSI colours as RT-Thread prints them; by default the output is plain
 * so it can be compared and grepped.  This header may be included several
 * times with different tags (utest_log.h does): it redefines the macros
 * each time.
 */
#include <rtconfig.h>
#include <rtthread.h>

/* Levels (the bigger, the more verbose). */
#ifndef DBG_ERROR
#define DBG_ERROR           0
#define DBG_WARNING         1
#define DBG_INFO            2
#define DBG_LOG             3
#endif

/* Accept both spellings of the knobs. */
#undef RTDBG_TAG__
#undef RTDBG_LVL__
#if defined(DBG_TAG)
#define RTDBG_TAG__ DBG_TAG
#elif defined(DBG_SECTION_NAME)
#define RTDBG_TAG__ DBG_SECTION_NAME
#else
#define RTDBG_TAG__ "DBG"
#endif
#if defined(DBG_LVL)
#define RTDBG_LVL__ DBG_LVL
#elif defined(DBG_LEVEL)
#define RTDBG_LVL__ DBG_LEVEL
#else
#define RTDBG_LVL__ DBG_WARNING
#endif

#if defined(RT_DEBUG_COLOR) && !defined(DBG_COLOR)
#define DBG_COLOR
#endif

#undef RTDBG_LINE__
#ifdef DBG_COLOR
#define RTDBG_LINE__(letter, colour, ...)                                   \
    do {                                                                    \
        rt_kprintf("\033[" #colour "m[" letter "/" RTDBG_TAG__ "] ");       \
        rt_kprintf(__VA_ARGS__);                                            \
        rt_kprintf("\033[0m\n");                                            \
    } while (0)
#else
#define RTDBG_LINE__(letter, colour, ...)                                   \
    do {                                                                    \
        rt_kprintf("[" letter "/" RTDBG_TAG__ "] ");                        \
        rt_kprintf(__VA_ARGS__);                                            \
        rt_kprintf("\n");                                                   \
    } while (0)
#endif

/* A disabled level evaluates nothing but still type-checks its arguments
 * (so variables used only in logs do not become "unused"), and stays one
 * statement: `if (x) LOG_D(...); else ...` is valid. */
#undef RTDBG_NOTHING__
#define RTDBG_NOTHING__(...)  do { if (0) rt_kprintf(__VA_ARGS__); } while (0)

#undef LOG_D
#undef LOG_I
#undef LOG_W
#undef LOG_E
#undef LOG_RAW
#undef LOG_HEX

#if RTDBG_LVL__ >= DBG_LOG
#define LOG_D(...)  RTDBG_LINE__("D", 0, __VA_ARGS__)
#else
#define LOG_D(...)  RTDBG_NOTHING__(__VA_ARGS__)
#endif
#if RTDBG_LVL__ >= DBG_INFO
#define LOG_I(...)  RTDBG_LINE__("I", 32, __VA_ARGS__)
#else
#define LOG_I(...)  RTDBG_NOTHING__(__VA_ARGS__)
#endif
#if RTDBG_LVL__ >= DBG_WARNING
#define LOG_W(...)  RTDBG_LINE__("W", 33, __VA_ARGS__)
#else
#define LOG_W(...)  RTDBG_NOTHING__(__VA_ARGS__)
#endif
#define LOG_E(...)  RTDBG_LINE__("E", 31, __VA_ARGS__)
#define LOG_RAW(...)  rt_kprintf(__VA_ARGS__)
#define LOG_HEX(name, width, buf, size) \
    do { (void)sizeof(name); (void)sizeof(width); (void)sizeof(buf); (void)sizeof(size); } while (0)

/* The old dbg_log(level, fmt, ...) form. */
#undef dbg_log
#define dbg_log(level, ...)                                                 \
    do {                                                                    \
        if ((level) <= RTDBG_LVL__)                                         \
        {                                                                   \
            static const char rtdbg_letters__[] = "EWID";                   \
            rt_kprintf("[%c/" RTDBG_TAG__ "] ", rtdbg_letters__[(level) & 3]); \
            rt_kprintf(__VA_ARGS__);                                        \
        }                                                                   \
    } while (0)
