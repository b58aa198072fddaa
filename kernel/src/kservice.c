/*
 * kservice.c - RT-Thread's kernel services: memory and string helpers,
 * errno, the assert handler and the context checks.
 */
#include <rthw.h>
#include <rtthread.h>

/* ------------------------------------------------------------------ errno */
/* errno lives in the current thread's `error` field; in an interrupt or
 * before the scheduler runs it lives here. */
static volatile int kservice_errno;

rt_err_t rt_get_errno(void)
{
    rt_thread_t tid = rt_thread_self();
    if (rt_interrupt_get_nest() != 0 || tid == RT_NULL)
        return kservice_errno;
    return tid->error;
}

void rt_set_errno(rt_err_t no)
{
    rt_thread_t tid = rt_thread_self();
    if (rt_interrupt_get_nest() != 0 || tid == RT_NULL)
    {
        kservice_errno = (int)no;
        return;
    }
    tid->error = no;
}

int *_rt_errno(void)
{
    rt_thread_t tid = rt_thread_self();
    if (rt_interrupt_get_nest() != 0 || tid == RT_NULL)
        return (int *)&kservice_errno;
    return (int *)&tid->error;
}

/* ------------------------------------------------------- memory, strings */
void *rt_memset(void *s, int c, rt_ubase_t count)
{
    unsigned char *p = s;
    while (count--)
        *p++ = (unsigned char)c;
    return s;
}

void *rt_memcpy(void *dst, const void *src, rt_ubase_t count)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (count--)
        *d++ = *s++;
    return dst;
}

void *rt_memmove(void *dest, const void *src, rt_size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dest;
    if ((rt_ubase_t)d < (rt_ubase_t)s || (rt_ubase_t)d >= (rt_ubase_t)s + n)
    {
        while (n--)
            *d++ = *s++;
    }
    else
    {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dest;
}

rt_int32_t rt_memcmp(const void *cs, const void *ct, rt_size_t count)
{
    const unsigned char *a = cs, *b = ct;
    for (; count > 0; a++, b++, count--)
    {
        if (*a != *b)
            return (rt_int32_t)*a - (rt_int32_t)*b;
    }
    return 0;
}

rt_size_t rt_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (rt_size_t)(p - s);
}

rt_size_t rt_strnlen(const char *s, rt_ubase_t maxlen)
{
    rt_size_t n = 0;
    while (n < maxlen && s[n])
        n++;
    return n;
}

/* 4.1.x include/rtthread.h, 5.1.0 include/rtklibc.h (src/klibc/kstring.c). */
char *rt_strcpy(char *dst, const char *src)
{
    char *dest = dst;
    while (*src != '\0')
        *dst++ = *src++;
    *dst = '\0';
    return dest;
}

/* As strncpy: pads with NULs and does not terminate a full-length copy. */
char *rt_strncpy(char *dst, const char *src, rt_size_t n)
{
    rt_size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

rt_int32_t rt_strncmp(const char *cs, const char *ct, rt_size_t count)
{
    for (; count > 0; count--, cs++, ct++)
    {
        if (*cs != *ct)
            return (rt_int32_t)(unsigned char)*cs - (rt_int32_t)(unsigned char)*ct;
        if (*cs == '\0')
            break;
    }
    return 0;
}

rt_int32_t rt_strcmp(const char *cs, const char *ct)
{
    while (*cs && *cs == *ct)
    {
        cs++;
        ct++;
    }
    return (rt_int32_t)(unsigned char)*cs - (rt_int32_t)(unsigned char)*ct;
}

static char to_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

rt_int32_t rt_strcasecmp(const char *a, const char *b)
{
    while (*a && to_lower(*a) == to_lower(*b))
    {
        a++;
        b++;
    }
    return (rt_int32_t)(unsigned char)to_lower(*a) - (rt_int32_t)(unsigned char)to_lower(*b);
}

char *rt_strstr(const char *s1, const char *s2)
{
    rt_size_t l2 = rt_strlen(s2);
    if (l2 == 0)
        return (char *)s1;
    for (rt_size_t l1 = rt_strlen(s1); l1 >= l2; l1--, s1++)
    {
        if (rt_memcmp(s1, s2, l2) == 0)
            return (char *)s1;
    }
    return RT_NULL;
}

char *rt_strdup(const char *s)
{
    rt_size_t len = rt_strlen(s) + 1;
    char *p = rt_malloc(len);
    if (p)
        rt_memcpy(p, s, len);
    return p;
}

/* ---------------------------------------------------- assert and checks */
static void (*assert_hook)(const char *ex, const char *func, rt_size_t line);

void rt_assert_set_hook(void (*hook)(const char *ex, const char *func, rt_size_t line))
{
    assert_hook = hook;
}

/* RT-Thread prints the failure and spins forever; the simulator reports it
 * and stops the run instead (rt_hw_assert_failed does not return). */
void rt_assert_handler(const char *ex, const char *func, rt_size_t line)
{
    if (assert_hook)
        assert_hook(ex, func, line);
    rt_hw_assert_failed(ex, func, line);
}

void rt_debug_not_in_interrupt(const char *func)
{
    if (rt_interrupt_get_nest() != 0)
    {
        rt_kprintf("Function[%s] shall not be used in ISR\n", func);
        rt_assert_handler("not in interrupt", func, 0);
    }
}

void rt_debug_in_thread_context(const char *func)
{
    if (rt_thread_self() == RT_NULL)
    {
        rt_kprintf("Function[%s] shall not be used before scheduler start\n", func);
        rt_assert_handler("in thread context", func, 0);
    }
    rt_debug_not_in_interrupt(func);
}

void rt_debug_scheduler_available(const char *func, rt_bool_t need_check)
{
    if (!need_check)
        return;
    if (rt_critical_level() != 0)
    {
        rt_kprintf("Function[%s]: scheduler is not available\n", func);
        rt_assert_handler("scheduler available", func, 0);
    }
    rt_debug_in_thread_context(func);
}

/* Reset every hook of this file at boot. */
void rt_kservice_init(void);
void rt_kservice_init(void)
{
    assert_hook = RT_NULL;
    kservice_errno = 0;
}
