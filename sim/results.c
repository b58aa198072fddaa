/*
 * results.c - test results for CI (rtsim's own addition): JUnit XML as
 * meson, GitLab and Jenkins read it, and TAP version 13.  Used by the
 * rtsim-utest runner (--junit FILE, --tap) and by `rtsim run`.
 *
 * JUnit: one <testsuites> holding one <testsuite> whose tests/failures
 * counts match its <testcase> elements; a failed case carries one
 * <failure message="WHY"> whose text is the detail (the failed uassert
 * lines, FILE:LINE ...).  Characters XML 1.0 forbids become '?'.
 * TAP: "TAP version 13", the plan "1..N", "ok N - NAME" / "not ok N -
 * NAME", and the failure's lines (its detail when there is one) as "# "
 * diagnostics after it.
 */
#include <stdio.h>
#include <string.h>

#include "rtsim.h"

static void xml_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
    {
        unsigned char c = (unsigned char)*s;
        switch (c)
        {
        case '&':  fputs("&amp;", f); break;
        case '<':  fputs("&lt;", f); break;
        case '>':  fputs("&gt;", f); break;
        case '"':  fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            fputc(c < 0x20 && c != '\n' && c != '\t' && c != '\r' ? '?' : c, f);
        }
    }
}

/* The first line of a text, as an attribute (no newlines in it). */
static void xml_attr_line(FILE *f, const char *s)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
    xml_text(f, buf);
}

int rt_sim_write_junit(FILE *f, const char *suite, const struct rt_sim_case_result *c, int n)
{
    int failures = 0;
    for (int i = 0; i < n; i++)
        failures += c[i].failure != NULL;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites tests=\"%d\" failures=\"%d\" errors=\"0\">\n", n, failures);
    fputs("  <testsuite name=\"", f);
    xml_text(f, suite);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\">\n", n, failures);
    for (int i = 0; i < n; i++)
    {
        fputs("    <testcase classname=\"", f);
        xml_text(f, suite);
        fputs("\" name=\"", f);
        xml_text(f, c[i].name);
        if (!c[i].failure)
        {
            fputs("\"/>\n", f);
            continue;
        }
        fputs("\">\n      <failure message=\"", f);
        xml_attr_line(f, c[i].failure);
        fputs("\" type=\"failure\">", f);
        xml_text(f, c[i].detail && c[i].detail[0] ? c[i].detail : c[i].failure);
        fputs("</failure>\n    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    fflush(f);
    return ferror(f) ? -1 : 0;
}

static void tap_lines(FILE *f, const char *s)
{
    while (s && *s)
    {
        size_t k = strcspn(s, "\n");
        if (k)
            fprintf(f, "# %.*s\n", (int)k, s);
        s += k;
        if (*s)
            s++;
    }
}

int rt_sim_write_tap(FILE *f, const struct rt_sim_case_result *c, int n)
{
    fprintf(f, "TAP version 13\n1..%d\n", n);
    for (int i = 0; i < n; i++)
    {
        char name[512];
        /* '#' would start a TAP directive: keep it out of the name. */
        snprintf(name, sizeof name, "%s", c[i].name);
        for (char *p = name; *p; p++)
            if (*p == '#' || *p == '\n')
                *p = ' ';
        fprintf(f, "%sok %d - %s\n", c[i].failure ? "not " : "", i + 1, name);
        if (c[i].failure)
            tap_lines(f, c[i].detail && c[i].detail[0] ? c[i].detail : c[i].failure);
    }
    fflush(f);
    return ferror(f) ? -1 : 0;
}
