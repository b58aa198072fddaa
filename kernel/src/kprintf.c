/*
 * kprintf.c - formatted output without a C library.
 *
 * rt_vsnprintf understands what RT-Thread's own printf does and what its
 * shell commands use: %d %i %u %x %X %o %c %s %p %%, the flags '-' '0' '+'
 * ' ' '#', a width and a precision (numbers or '*'), and the length
 * modifiers hh h l ll z t.  One RT-Thread quirk is kept: a precision of 0
 * does not shorten a %s (its shell commands rely on it).  Output is always NUL-terminated when size > 0;
 * the return value is the length the full output would have had.
 */
#include <rthw.h>
#include <rtthread.h>

struct out
{
    char     *buf;
    rt_size_t size;
    rt_size_t len;      /* characters produced so far (may exceed size) */
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        out_char(o, c);
}

#define F_LEFT  0x01
#define F_ZERO  0x02
#define F_PLUS  0x04
#define F_SPACE 0x08
#define F_ALT   0x10

static void out_string(struct out *o, const char *s, int width, int prec, int flags)
{
    int n = 0;
    if (!s)
        s = "(null)";
    while ((prec < 0 || n < prec) && s[n])
        n++;
    if (!(flags & F_LEFT))
        out_pad(o, ' ', width - n);
    for (int i = 0; i < n; i++)
        out_char(o, s[i]);
    if (flags & F_LEFT)
        out_pad(o, ' ', width - n);
}

static void out_number(struct out *o, unsigned long long v, int negative, unsigned base,
                       int upper, int width, int prec, int flags)
{
    char digits[32];
    int nd = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char sign = 0;
    const char *prefix = "";

    if (negative)
        sign = '-';
    else if (flags & F_PLUS)
        sign = '+';
    else if (flags & F_SPACE)
        sign = ' ';
    if ((flags & F_ALT) && v != 0)
        prefix = base == 16 ? (upper ? "0X" : "0x") : (base == 8 ? "0" : "");

    if (v == 0 && prec != 0)
        digits[nd++] = '0';
    while (v)
    {
        digits[nd++] = set[v % base];
        v /= base;
    }
    int zeros = prec > nd ? prec - nd : 0;
    int plen = 0;
    while (prefix[plen])
        plen++;
    int total = nd + zeros + plen + (sign ? 1 : 0);

    /* '0' pads with zeros after the sign unless a precision or '-' is given. */
    if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > total)
    {
        zeros += width - total;
        total = width;
    }
    if (!(flags & F_LEFT))
        out_pad(o, ' ', width - total);
    if (sign)
        out_char(o, sign);
    for (int i = 0; i < plen; i++)
        out_char(o, prefix[i]);
    out_pad(o, '0', zeros);
    while (nd)
        out_char(o, digits[--nd]);
    if (flags & F_LEFT)
        out_pad(o, ' ', width - total);
}

rt_int32_t rt_vsnprintf(char *buf, rt_size_t size, const char *fmt, va_list args)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++)
    {
        if (*fmt != '%')
        {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        int flags = 0;
        for (;; fmt++)
        {
            if (*fmt == '-') flags |= F_LEFT;
            else if (*fmt == '0') flags |= F_ZERO;
            else if (*fmt == '+') flags |= F_PLUS;
            else if (*fmt == ' ') flags |= F_SPACE;
            else if (*fmt == '#') flags |= F_ALT;
            else break;
        }
        int width = 0;
        if (*fmt == '*')
        {
            width = va_arg(args, int);
            if (width < 0)
            {
                flags |= F_LEFT;
                width = -width;
            }
            fmt++;
        }
        else
        {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        int prec = -1;
        if (*fmt == '.')
        {
            fmt++;
            prec = 0;
            if (*fmt == '*')
            {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1;
                fmt++;
            }
            else
            {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        int lng = 0;   /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t, 4 ptrdiff */
        if (*fmt == 'h') { lng = -1; fmt++; if (*fmt == 'h') { lng = -2; fmt++; } }
        else if (*fmt == 'l') { lng = 1; fmt++; if (*fmt == 'l') { lng = 2; fmt++; } }
        else if (*fmt == 'z') { lng = 3; fmt++; }
        else if (*fmt == 't') { lng = 4; fmt++; }

        char c = *fmt;
        if (c == '\0')
            break;
        switch (c)
        {
        case 'd':
        case 'i':
        {
            long long v;
            if (lng == 2) v = va_arg(args, long long);
            else if (lng == 1) v = va_arg(args, long);
            else if (lng == 3) v = (long long)va_arg(args, rt_ssize_t);
            else if (lng == 4) v = va_arg(args, ptrdiff_t);
            else v = va_arg(args, int);
            if (lng == -1) v = (short)v;
            if (lng == -2) v = (signed char)v;
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            out_number(&o, mag, v < 0, 10, 0, width, prec, flags);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        {
            unsigned long long v;
            if (lng == 2) v = va_arg(args, unsigned long long);
            else if (lng == 1) v = va_arg(args, unsigned long);
            else if (lng == 3) v = va_arg(args, rt_size_t);
            else if (lng == 4) v = (unsigned long long)va_arg(args, ptrdiff_t);
            else v = va_arg(args, unsigned int);
            if (lng == -1) v = (unsigned short)v;
            if (lng == -2) v = (unsigned char)v;
            unsigned base = c == 'o' ? 8 : (c == 'u' ? 10 : 16);
            out_number(&o, v, 0, base, c == 'X', width, prec, flags);
            break;
        }
        case 'p':
        {
            /* The board's address (rthw.h), as RT-Thread prints a pointer
             * (src/kservice.c rt_vsnprintf, case 'p', the 5.x copy read:
             * change log ending 2023-02-02, RT_PRINTF_SPECIAL defined at
             * the top): with no width given, "0x" and the hex digits
             * zero-padded to two a byte (0x2000a1b4, 0x08000010, NULL
             * 0x00000000 on a 32-bit target); with a width, the digits
             * alone, as %x ("0x" only with '#'). */
            rt_ubase_t v = rt_mem_target_addr(va_arg(args, void *));
            if (width == 0)
            {
                out_char(&o, '0');
                out_char(&o, 'x');
                out_number(&o, v, 0, 16, 0, (int)(2 * sizeof(void *)), prec, F_ZERO);
            }
            else
                out_number(&o, v, 0, 16, 0, width, prec, flags);
            break;
        }
        case 'c':
        {
            char ch = (char)va_arg(args, int);
            if (!(flags & F_LEFT))
                out_pad(&o, ' ', width - 1);
            out_char(&o, ch);
            if (flags & F_LEFT)
                out_pad(&o, ' ', width - 1);
            break;
        }
        case 's':
            /* As RT-Thread's printf: a zero precision ("%-*.s", used by
             * the list commands for their titles) does not truncate. */
            out_string(&o, va_arg(args, const char *), width, prec == 0 ? -1 : prec, flags);
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown conversion: print it as written. */
            out_char(&o, '%');
            out_char(&o, c);
            break;
        }
    }
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (rt_int32_t)o.len;
}

rt_int32_t rt_snprintf(char *buf, rt_size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_int32_t n = rt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

rt_int32_t rt_vsprintf(char *dest, const char *format, va_list arg_ptr)
{
    return rt_vsnprintf(dest, (rt_size_t)-1 / 2, format, arg_ptr);
}

rt_int32_t rt_sprintf(char *buf, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    rt_int32_t n = rt_vsprintf(buf, format, ap);
    va_end(ap);
    return n;
}

/* Like RT-Thread, output longer than RT_CONSOLEBUF_SIZE - 1 is cut. */
int rt_kprintf(const char *fmt, ...)
{
    char buf[RT_CONSOLEBUF_SIZE];
    va_list ap;
    va_start(ap, fmt);
    rt_int32_t n = rt_vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (rt_int32_t)sizeof buf - 1)
        n = (rt_int32_t)sizeof buf - 1;
    rt_hw_console_output(buf);
    return n;
}

void rt_kputs(const char *str)
{
    if (str)
        rt_hw_console_output(str);
}

void rt_show_version(void)
{
    rt_kprintf("\n \\ | /\n");
    rt_kprintf("- RT -     Thread Operating System (rtsim)\n");
    rt_kprintf(" / | \\     %d.%d.%d build on a host\n",
               (int)RT_VERSION_MAJOR, (int)RT_VERSION_MINOR, (int)RT_VERSION_PATCH);
}
