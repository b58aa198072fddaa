/* testutil.c - see testutil.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

struct tu_buf { char *text; size_t len, cap; };

static struct tu_buf console_buf, log_buf, fail_buf;
static char *report_text;
static size_t report_len;
static FILE *report_stream;
static int failure_count;

static void buf_append(struct tu_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
    {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->text, cap);
        if (!p)
        {
            fprintf(stderr, "testutil: out of memory\n");
            abort();
        }
        b->text = p;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

static void buf_reset(struct tu_buf *b)
{
    b->len = 0;
    if (b->text)
        b->text[0] = '\0';
}

static void console_sink(void *ctx, const char *text)
{
    (void)ctx;
    buf_append(&console_buf, text, strlen(text));
}

static void free_all(void)
{
    free(console_buf.text);
    free(log_buf.text);
    free(fail_buf.text);
    if (report_stream)
        fclose(report_stream);
    free(report_text);
}

static void ensure_report_stream(void)
{
    if (!report_stream)
    {
        report_stream = open_memstream(&report_text, &report_len);
        if (!report_stream)
        {
            fprintf(stderr, "testutil: open_memstream failed\n");
            abort();
        }
        atexit(free_all);
    }
}

void tu_config(struct rt_sim_config *cfg)
{
    ensure_report_stream();
    rt_sim_config_init(cfg);
    cfg->console = console_sink;
    cfg->report = report_stream;
}

const char *tu_console(void)
{
    return console_buf.text ? console_buf.text : "";
}

void tu_console_reset(void)
{
    buf_reset(&console_buf);
    ensure_report_stream();
    fflush(report_stream);
    rewind(report_stream);
    fflush(report_stream);
    if (report_text)
        report_text[0] = '\0';
}

const char *tu_report(void)
{
    ensure_report_stream();
    fflush(report_stream);
    /* After a rewind the stream keeps older, longer text past the end. */
    if (report_text)
        report_text[report_len] = '\0';
    return report_text ? report_text : "";
}

int tu_run(const struct rt_sim_config *cfg, void (*fn)(void *), void *arg)
{
    struct rt_sim_config local;
    if (!cfg)
    {
        tu_config(&local);
        cfg = &local;
    }
    int rc = rt_sim_run(cfg, fn, arg);
    tu_assert_no_failures();
    return rc;
}

void tu_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    failure_count++;
    if (failure_count <= 8)
    {
        char where[700];
        int n = snprintf(where, sizeof where, "%s:%d: expected %s\n", file, line, msg);
        buf_append(&fail_buf, where, (size_t)n);
    }
}

void tu_assert_no_failures(void)
{
    if (failure_count)
    {
        int n = failure_count;
        char *text = strdup(fail_buf.text ? fail_buf.text : "");
        tu_reset_failures();
        print_error("%s", text ? text : "");
        free(text);
        fail_msg("%d expectation(s) failed inside the simulated run", n);
    }
}

void tu_reset_failures(void)
{
    failure_count = 0;
    buf_reset(&fail_buf);
}

int tu_failures(void)
{
    return failure_count;
}

uint64_t tu_seed(uint64_t default_seed)
{
    const char *s = getenv("RTSIM_TEST_SEED");
    if (s && *s)
        return strtoull(s, NULL, 0);
    return default_seed;
}

void tu_seed_range(uint64_t count, uint64_t *first, uint64_t *last)
{
    const char *one = getenv("RTSIM_TEST_SEED");
    const char *n = getenv("RTSIM_MODEL_SEEDS");
    if (one && *one)
    {
        *first = *last = strtoull(one, NULL, 0);
        return;
    }
    *first = 1;
    *last = n && *n ? strtoull(n, NULL, 0) : count;
}

uint64_t tu_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void tu_log(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof msg)
        n = sizeof msg - 1;
    if (log_buf.len)
        buf_append(&log_buf, " ", 1);
    buf_append(&log_buf, msg, (size_t)n);
}

const char *tu_log_text(void)
{
    return log_buf.text ? log_buf.text : "";
}

void tu_log_reset(void)
{
    buf_reset(&log_buf);
}

rt_thread_t tu_spawn(const char *name, void (*fn)(void *), void *arg, rt_uint8_t prio,
                     rt_uint32_t slice)
{
    rt_thread_t t = rt_thread_create(name, fn, arg, 512, prio, slice);
    TU_EXPECT(t != RT_NULL);
    if (t)
        rt_thread_startup(t);
    return t;
}
