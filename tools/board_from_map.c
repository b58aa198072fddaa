/*
 * board_from_map.c - `rtsim board --from-map FILE` and `--from-lds FILE`:
 * the firmware's own RAM map as a board file (docs/boards.md).
 *
 * A GNU ld map file (arm-none-eabi-gcc ... -Wl,-Map=rtthread.map, as an
 * RT-Thread GCC BSP build writes it) has two parts this reads:
 *
 *   Memory Configuration
 *
 *   Name             Origin             Length             Attributes
 *   FLASH            0x08000000         0x00100000         xr
 *   RAM              0x20000000         0x00020000         xrw
 *   CCMRAM           0x10000000         0x00010000         xrw
 *   *default*        0x00000000         0xffffffff
 *
 *   Linker script and memory map
 *   ...
 *   .bss            0x20000004       0x64 load address 0x08000010     <- output section
 *    .bss.buf       0x20000004       0x64 main.o                      <- input section
 *                   0x20000068                __bss_end = .           <- symbol
 *   .ccmram         0x10000000       0x44                             <- bytes in CCMRAM
 *
 * Rules (documented in docs/boards.md, "Boards from a firmware"):
 *   M1  Regions come from the Memory Configuration table, in its order.
 *       `*default*` is ld's catch-all, never a region.
 *   M2  A region is left out as ROM when its name says so (contains FLASH
 *       or ROM, and not RAM; case-insensitive: scripts often mark flash
 *       "rwx"), or when it has attributes and none of them is a writable
 *       'w' before a '!'.  Every other region is RAM.
 *   M3  The ZI end is --zi-end (a symbol or an address), else the first of
 *       __bss_end, _ebss, end that the map gives a value (the last
 *       assignment wins, as in ld), else the end of the .bss output section.
 *       Its region holds ZI and the system heap: `zi REGION BYTES` with
 *       BYTES = ZI end - region origin.  RT-Thread's BSPs pass that address
 *       (HEAP_BEGIN = &__bss_end) to rt_system_heap_init unaligned; the
 *       heap aligns it (RT-Thread 4.1.1 src/kservice.c rt_system_heap_init
 *       and src/mem.c rt_smem_init), and so does rtsim.
 *   M4  In every other RAM region the bytes the firmware placed there are
 *       those up to the end of the last allocated output section inside it
 *       (`used REGION BYTES`): a memheap over the region starts after them.
 *   M5  Non-allocated sections (.comment, .debug*, .ARM.attributes, ...)
 *       sit at address 0 and are ignored.
 * Errors are "FILE:LINE: expected ...": a malformed table row, a number
 * that is no hex number, a region the board format cannot hold; errors
 * about the whole file point just past its last line.
 *
 * A linker script's MEMORY block (`NAME (ATTR) : ORIGIN = X, LENGTH = Y`,
 * numbers with K/M suffixes, sums and differences, ORIGIN(R) / LENGTH(R) of
 * earlier regions, comments) gives the regions by the same rule M2; there
 * is no ZI end unless --zi-end gives an address.
 *
 * The file in order: reading lines and numbers, rule M2, the map file
 * (its two parts), the linker script (a small recursive-descent reader of
 * MEMORY), and the output (rule M3's ZI end, M4's used bytes, the board
 * text).  Why one file (over ~900 lines): both inputs end in the same
 * region table, the same rule M2 and the same output; the linker-script
 * reader (about 220 lines) is the only part that could stand alone, and it
 * shares the region table, the number reader and the error reporting.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board_from_map.h"

#define BFM_MAX_MEM      32     /* regions read from a table or a MEMORY block */
#define BFM_MAX_RAM      8      /* SIM_BOARD_MAX_REGIONS: what a board can hold */
#define BFM_NAME_MAX     15     /* region names in a board file */
#define BFM_BOARD_MAX    47
#define BFM_ID_MAX       64
#define BFM_MAX_WORDS    8

struct bfm_region
{
    char name[BFM_ID_MAX];
    char attr[BFM_ID_MAX];
    unsigned long long origin, length;
    int line;
    int ram;
    unsigned long long used_end;   /* end of the last section inside, 0 = none */
    char used_by[BFM_ID_MAX];      /* that section's name */
    int used_line;
    unsigned long long after_zi;   /* sections after the ZI end (ZI region) */
    char after_zi_by[BFM_ID_MAX];
    int after_zi_line;
};

/* A symbol the ZI end may come from. */
struct bfm_sym
{
    const char *name;
    int found, line;
    unsigned long long value;
};

struct bfm
{
    const char *path;
    const char *base;       /* path without directories */
    FILE *err;
    int line;
    int nmem;
    struct bfm_region mem[BFM_MAX_MEM];
    int table_line;
    /* map: the ZI end candidates, the .bss output section */
    struct bfm_sym sym[4];
    int nsym;
    int have_bss, bss_line;
    unsigned long long bss_addr, bss_size;
    /* the output section whose name stood alone on the previous line */
    char pending[BFM_ID_MAX];
    int pending_line;
    int have_pending;
};

static int bfm_fail(struct bfm *m, int line, const char *fmt, ...)
{
    va_list ap;

    if (line > 0)
        fprintf(m->err, "%s:%d: ", m->path, line);
    else
        fprintf(m->err, "%s: ", m->path);
    va_start(ap, fmt);
    vfprintf(m->err, fmt, ap);
    va_end(ap);
    fputc('\n', m->err);
    return 1;
}

/* ---------------------------------------------------------------- lines */

/* Read the whole file; lines are split by the callers.  NUL bytes end a
 * line's text early (they never belong in a map or a script). */
static char *bfm_slurp(struct bfm *m, size_t *len)
{
    FILE *f = fopen(m->path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
    {
        fprintf(m->err, "%s: cannot open: %s\n", m->path, strerror(errno));
        return NULL;
    }
    for (;;)
    {
        if (n + 4096 + 1 > cap)
        {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb)
            {
                fprintf(m->err, "%s: out of memory\n", m->path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    if (ferror(f))
    {
        fprintf(m->err, "%s: read error\n", m->path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int bfm_split(char *line, char **w, int max)
{
    int n = 0;
    char *p = line;

    while (*p)
    {
        while (isspace((unsigned char)*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (n == max)
            return max + 1;
        w[n++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    return n;
}

/* A hex number as ld prints it: 0x followed by 1..16 hex digits. */
static int bfm_hex(const char *s, unsigned long long *out)
{
    unsigned long long v = 0;
    int digits = 0;

    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return -1;
    for (s += 2; *s; s++, digits++)
    {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return -1;
        if (digits == 16)
            return -1;
        v = v << 4 | (unsigned long long)d;
    }
    if (digits == 0)
        return -1;
    *out = v;
    return 0;
}

static int bfm_looks_hex(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

static int bfm_is_ident(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_' || *s == '.' || *s == '$'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '$'))
            return 0;
    return 1;
}

static int bfm_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
    {
        size_t i = 0;
        while (i < n && hay[i] && toupper((unsigned char)hay[i]) == needle[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Rule M2. */
static int bfm_is_ram(const char *name, const char *attr)
{
    if ((bfm_contains_ci(name, "FLASH") || bfm_contains_ci(name, "ROM")) &&
        !bfm_contains_ci(name, "RAM"))
        return 0;
    if (attr[0] == '\0')
        return 1;
    for (const char *a = attr; *a && *a != '!'; a++)
        if (*a == 'w' || *a == 'W')
            return 1;
    return 0;
}

static int bfm_add_region(struct bfm *m, int line, const char *name, const char *attr,
                          unsigned long long origin, unsigned long long length)
{
    struct bfm_region *r;

    if (m->nmem == BFM_MAX_MEM)
        return bfm_fail(m, line, "expected at most %d memory regions", BFM_MAX_MEM);
    if (strlen(name) >= BFM_ID_MAX || strlen(attr) >= BFM_ID_MAX)
        return bfm_fail(m, line, "expected a region name and attributes of at most %d characters",
                        BFM_ID_MAX - 1);
    for (int i = 0; i < m->nmem; i++)
        if (strcmp(m->mem[i].name, name) == 0)
            return bfm_fail(m, line, "expected a region name not used before (%s is on line %d)",
                            name, m->mem[i].line);
    r = &m->mem[m->nmem++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->attr, sizeof r->attr, "%s", attr);
    r->origin = origin;
    r->length = length;
    r->line = line;
    r->ram = bfm_is_ram(name, attr);
    return 0;
}

static struct bfm_region *bfm_ram_at(struct bfm *m, unsigned long long addr, int end_ok)
{
    for (int i = 0; i < m->nmem; i++)
    {
        struct bfm_region *r = &m->mem[i];
        if (r->ram && addr >= r->origin &&
            (addr - r->origin < r->length || (end_ok && addr - r->origin == r->length)))
            return r;
    }
    return NULL;
}

/* ------------------------------------------------------------ map file */

static int bfm_non_alloc(const char *name)
{
    static const char *const skip[] = { ".debug", ".comment", ".ARM.attributes", ".stab",
                                        ".gnu.attributes", ".riscv.attributes", ".note.gnu" };
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strncmp(name, skip[i], strlen(skip[i])) == 0)
            return 1;
    return 0;
}

/* An output section NAME at ADDR of SIZE bytes (rules M4, M5). */
static void bfm_section(struct bfm *m, const char *name, int line, unsigned long long addr,
                        unsigned long long size)
{
    struct bfm_region *r;

    if (strcmp(name, ".bss") == 0)
    {
        m->have_bss = 1;
        m->bss_line = line;
        m->bss_addr = addr;
        m->bss_size = size;
    }
    if (size == 0 || bfm_non_alloc(name) || (r = bfm_ram_at(m, addr, 0)) == NULL)
        return;
    if (addr + size > r->used_end || r->used_end == 0)
    {
        r->used_end = addr + size;
        snprintf(r->used_by, sizeof r->used_by, "%s", name);
        r->used_line = line;
    }
}

/* "0xADDR  NAME = EXPR", "0xADDR  PROVIDE (NAME = .)" or "0xADDR  NAME". */
static void bfm_symbol(struct bfm *m, char **w, int n, unsigned long long value)
{
    char name[BFM_ID_MAX];
    const char *s;

    if (n < 2)
        return;
    s = w[1];
    if ((strcmp(s, "PROVIDE") == 0 || strcmp(s, "PROVIDE_HIDDEN") == 0 ||
         strcmp(s, "HIDDEN") == 0) && n >= 3)
        s = w[2][0] == '(' ? w[2] + 1 : w[2];
    if (strlen(s) >= sizeof name)
        return;
    snprintf(name, sizeof name, "%s", s);
    name[strcspn(name, ",)")] = '\0';
    if (!bfm_is_ident(name) || strcmp(name, ".") == 0)
        return;
    for (int i = 0; i < m->nsym; i++)
    {
        if (strcmp(m->sym[i].name, name) == 0)
        {
            m->sym[i].found = 1;
            m->sym[i].value = value;
            m->sym[i].line = m->line;
        }
    }
}

/* One line of the "Linker script and memory map" part. */
static int bfm_map_line(struct bfm *m, char *raw)
{
    char *w[BFM_MAX_WORDS];
    int indented = raw[0] == ' ' || raw[0] == '\t';
    int n = bfm_split(raw, w, BFM_MAX_WORDS);
    unsigned long long a, b;
    int had_pending = m->have_pending;

    m->have_pending = 0;
    if (n == 0)
        return 0;
    if (!indented)
    {
        /* LOAD x.o, OUTPUT(...), START GROUP, /DISCARD/ and the like. */
        if (w[0][0] != '.' && !bfm_is_ident(w[0]))
            return 0;
        if (strcmp(w[0], "LOAD") == 0 || strcmp(w[0], "START") == 0 ||
            strcmp(w[0], "END") == 0 || strcmp(w[0], "INCLUDE") == 0)
            return 0;
        if (n == 1)
        {
            if (strlen(w[0]) < sizeof m->pending)
            {
                snprintf(m->pending, sizeof m->pending, "%s", w[0]);
                m->pending_line = m->line;
                m->have_pending = 1;
            }
            return 0;
        }
        if (!bfm_looks_hex(w[1]))
            return 0;   /* not an output section line */
        if (bfm_hex(w[1], &a) != 0 || n < 3 || bfm_hex(w[2], &b) != 0)
            return bfm_fail(m, m->line, "expected 'SECTION ADDRESS SIZE' with hex ADDRESS "
                            "and SIZE after output section %.40s", w[0]);
        bfm_section(m, w[0], m->line, a, b);
        return 0;
    }
    if (!bfm_looks_hex(w[0]))
        return 0;       /* input sections, *fill*, script text, [!provide] */
    if (bfm_hex(w[0], &a) != 0)
        return bfm_fail(m, m->line, "expected a hex address (0x...), not '%.40s'", w[0]);
    if (n >= 2 && bfm_looks_hex(w[1]))
    {
        if (bfm_hex(w[1], &b) != 0)
            return bfm_fail(m, m->line, "expected a hex size (0x...), not '%.40s'", w[1]);
        if (had_pending)
            bfm_section(m, m->pending, m->pending_line, a, b);
        return 0;
    }
    bfm_symbol(m, w, n, a);
    return 0;
}

/* One row of the Memory Configuration table. */
static int bfm_table_row(struct bfm *m, char *raw)
{
    char *w[BFM_MAX_WORDS];
    int n = bfm_split(raw, w, BFM_MAX_WORDS);
    unsigned long long origin, length;

    if (n < 3 || n > 4 || bfm_hex(w[1], &origin) != 0 || bfm_hex(w[2], &length) != 0)
        return bfm_fail(m, m->line, "expected a Memory Configuration row 'NAME ORIGIN LENGTH "
                        "[ATTRIBUTES]' with hex ORIGIN and LENGTH");
    if (strcmp(w[0], "*default*") == 0)
        return 0;
    return bfm_add_region(m, m->line, w[0], n == 4 ? w[3] : "", origin, length);
}

static void bfm_trim(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
}

static int bfm_parse_map(struct bfm *m, char *text, size_t len)
{
    enum { FIND_TABLE, HEADER, ROWS, FIND_MAP, MAP } state = FIND_TABLE;
    char *p = text, *end = text + len;

    while (p < end)
    {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *line = p;
        char *s;
        int rc = 0;

        if (nl)
            *nl = '\0';
        p = nl ? nl + 1 : end;
        m->line++;
        line[strcspn(line, "\r")] = '\0';
        bfm_trim(line);
        s = line;
        while (isspace((unsigned char)*s))
            s++;
        switch (state)
        {
        case FIND_TABLE:
            if (strcmp(s, "Memory Configuration") == 0)
            {
                state = HEADER;
                m->table_line = m->line;
            }
            break;
        case HEADER:
            if (*s == '\0')
                break;
            if (strncmp(s, "Name", 4) != 0 || strstr(s, "Origin") == NULL ||
                strstr(s, "Length") == NULL)
                return bfm_fail(m, m->line, "expected the table header 'Name Origin Length "
                                "Attributes' after 'Memory Configuration'");
            state = ROWS;
            break;
        case ROWS:
            if (*s == '\0')
            {
                state = FIND_MAP;
                break;
            }
            rc = bfm_table_row(m, line);
            break;
        case FIND_MAP:
            if (strcmp(s, "Linker script and memory map") == 0)
                state = MAP;
            break;
        case MAP:
            if (strcmp(s, "Cross Reference Table") == 0)
                return 0;
            rc = bfm_map_line(m, line);
            break;
        }
        if (rc)
            return rc;
    }
    m->line++;
    if (state == FIND_TABLE)
        return bfm_fail(m, m->line, "expected a 'Memory Configuration' table: is this a GNU ld "
                        "map file (-Wl,-Map=FILE)?");
    if (state == HEADER)
        return bfm_fail(m, m->line, "expected the table header 'Name Origin Length Attributes'");
    return 0;
}

/* ------------------------------------------------------- linker script */

enum { TK_END, TK_ID, TK_NUM, TK_PUNCT };

struct bfm_lex
{
    const char *p;
    int line;
    int kind;
    char text[BFM_ID_MAX];
    unsigned long long num;
    int tok_line;
};

static int bfm_lex_next(struct bfm *m, struct bfm_lex *lx)
{
    for (;;)
    {
        while (*lx->p && isspace((unsigned char)*lx->p))
        {
            if (*lx->p == '\n')
                lx->line++;
            lx->p++;
        }
        if (lx->p[0] == '/' && lx->p[1] == '*')
        {
            int start = lx->line;
            lx->p += 2;
            while (*lx->p && !(lx->p[0] == '*' && lx->p[1] == '/'))
            {
                if (*lx->p == '\n')
                    lx->line++;
                lx->p++;
            }
            if (!*lx->p)
                return bfm_fail(m, start, "expected '*/' to end this comment");
            lx->p += 2;
            continue;
        }
        break;
    }
    lx->tok_line = lx->line;
    if (!*lx->p)
    {
        lx->kind = TK_END;
        snprintf(lx->text, sizeof lx->text, "end of file");
        return 0;
    }
    if (isdigit((unsigned char)*lx->p))
    {
        char *e;
        errno = 0;
        lx->num = strtoull(lx->p, &e, 0);
        if (errno)
            return bfm_fail(m, lx->line, "expected a number that fits in 64 bits");
        if (*e == 'K' || *e == 'k')
            lx->num *= 1024ull, e++;
        else if (*e == 'M' || *e == 'm')
            lx->num *= 1024ull * 1024, e++;
        if (isalnum((unsigned char)*e) || *e == '_')
            return bfm_fail(m, lx->line, "expected a number (e.g. 0x20000000, 128K, 1M)");
        snprintf(lx->text, sizeof lx->text, "%.*s", (int)(e - lx->p), lx->p);
        lx->p = e;
        lx->kind = TK_NUM;
        return 0;
    }
    if (isalpha((unsigned char)*lx->p) || strchr("_.$*", *lx->p))
    {
        size_t n = 0;
        while (lx->p[n] && (isalnum((unsigned char)lx->p[n]) || strchr("_.$*", lx->p[n])))
            n++;
        if (n >= sizeof lx->text)
            return bfm_fail(m, lx->line, "expected a name of at most %d characters",
                            BFM_ID_MAX - 1);
        memcpy(lx->text, lx->p, n);
        lx->text[n] = '\0';
        lx->p += n;
        lx->kind = TK_ID;
        return 0;
    }
    lx->text[0] = *lx->p++;
    lx->text[1] = '\0';
    lx->kind = TK_PUNCT;
    return 0;
}

static int bfm_expect(struct bfm *m, struct bfm_lex *lx, const char *punct, const char *what)
{
    if (lx->kind != TK_PUNCT || strcmp(lx->text, punct) != 0)
        return bfm_fail(m, lx->tok_line, "expected %s, not '%s'", what, lx->text);
    return bfm_lex_next(m, lx);
}

static int bfm_is_kw(const struct bfm_lex *lx, const char *a, const char *b, const char *c)
{
    return lx->kind == TK_ID &&
           (strcmp(lx->text, a) == 0 || strcmp(lx->text, b) == 0 || strcmp(lx->text, c) == 0);
}

/* TERM { (+|-) TERM }, TERM = NUMBER | ORIGIN(R) | LENGTH(R) (earlier regions). */
static int bfm_expr(struct bfm *m, struct bfm_lex *lx, unsigned long long *out)
{
    unsigned long long v = 0;
    int sign = 1;

    for (;;)
    {
        unsigned long long t;
        if (lx->kind == TK_NUM)
        {
            t = lx->num;
            if (bfm_lex_next(m, lx))
                return 1;
        }
        else if (bfm_is_kw(lx, "ORIGIN", "LENGTH", "ORIGIN"))
        {
            int origin = strcmp(lx->text, "ORIGIN") == 0, i;
            if (bfm_lex_next(m, lx) || bfm_expect(m, lx, "(", "'(' after ORIGIN/LENGTH"))
                return 1;
            for (i = 0; i < m->nmem; i++)
                if (lx->kind == TK_ID && strcmp(m->mem[i].name, lx->text) == 0)
                    break;
            if (i == m->nmem)
                return bfm_fail(m, lx->tok_line, "expected the name of a region declared "
                                "before, not '%s'", lx->text);
            t = origin ? m->mem[i].origin : m->mem[i].length;
            if (bfm_lex_next(m, lx) || bfm_expect(m, lx, ")", "')'"))
                return 1;
        }
        else
            return bfm_fail(m, lx->tok_line, "expected a number (e.g. 0x20000000, 128K), "
                            "ORIGIN(R) or LENGTH(R), not '%s'", lx->text);
        v = sign > 0 ? v + t : v - t;
        if (lx->kind == TK_PUNCT && (lx->text[0] == '+' || lx->text[0] == '-'))
        {
            sign = lx->text[0] == '+' ? 1 : -1;
            if (bfm_lex_next(m, lx))
                return 1;
            continue;
        }
        *out = v;
        return 0;
    }
}

/* NAME [(ATTR)] : ORIGIN = EXPR , LENGTH = EXPR */
static int bfm_lds_region(struct bfm *m, struct bfm_lex *lx)
{
    char name[BFM_ID_MAX], attr[BFM_ID_MAX] = "";
    unsigned long long origin, length;
    int line = lx->tok_line;

    snprintf(name, sizeof name, "%s", lx->text);
    if (bfm_lex_next(m, lx))
        return 1;
    if (lx->kind == TK_PUNCT && lx->text[0] == '(')
    {
        if (bfm_lex_next(m, lx))
            return 1;
        if (lx->kind == TK_PUNCT && lx->text[0] == '!')
        {
            snprintf(attr, sizeof attr, "!");
            if (bfm_lex_next(m, lx))
                return 1;
        }
        if (lx->kind != TK_ID)
            return bfm_fail(m, lx->tok_line, "expected attributes such as rx or rwx after '('");
        snprintf(attr + strlen(attr), sizeof attr - strlen(attr), "%s", lx->text);
        if (bfm_lex_next(m, lx) || bfm_expect(m, lx, ")", "')' after the attributes"))
            return 1;
    }
    if (bfm_expect(m, lx, ":", "':' after the region name"))
        return 1;
    if (!bfm_is_kw(lx, "ORIGIN", "org", "o"))
        return bfm_fail(m, lx->tok_line, "expected ORIGIN = ADDRESS, not '%s'", lx->text);
    if (bfm_lex_next(m, lx) || bfm_expect(m, lx, "=", "'=' after ORIGIN") ||
        bfm_expr(m, lx, &origin) || bfm_expect(m, lx, ",", "',' between ORIGIN and LENGTH"))
        return 1;
    if (!bfm_is_kw(lx, "LENGTH", "len", "l"))
        return bfm_fail(m, lx->tok_line, "expected LENGTH = SIZE, not '%s'", lx->text);
    if (bfm_lex_next(m, lx) || bfm_expect(m, lx, "=", "'=' after LENGTH") ||
        bfm_expr(m, lx, &length))
        return 1;
    return bfm_add_region(m, line, name, attr, origin, length);
}

static int bfm_parse_lds(struct bfm *m, const char *text)
{
    struct bfm_lex lx = { text, 1, TK_END, "", 0, 1 };

    if (bfm_lex_next(m, &lx))
        return 1;
    while (lx.kind != TK_END && !(lx.kind == TK_ID && strcmp(lx.text, "MEMORY") == 0))
        if (bfm_lex_next(m, &lx))
            return 1;
    if (lx.kind == TK_END)   /* point just past the last line */
    {
        size_t n = strlen(text);
        return bfm_fail(m, lx.line + (n > 0 && text[n - 1] != '\n'),
                        "expected a MEMORY { ... } block");
    }
    m->table_line = lx.tok_line;
    if (bfm_lex_next(m, &lx) || bfm_expect(m, &lx, "{", "'{' after MEMORY"))
        return 1;
    while (!(lx.kind == TK_PUNCT && lx.text[0] == '}'))
    {
        if (lx.kind != TK_ID)
            return bfm_fail(m, lx.tok_line, "expected a region 'NAME (ATTR) : ORIGIN = ..., "
                            "LENGTH = ...' or '}', not '%s'", lx.text);
        if (bfm_lds_region(m, &lx))
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------- output */

/* Rule M3: the ZI end, and a sentence saying where it came from. */
static int bfm_zi_end(struct bfm *m, const struct bfm_options *opt, int from_map,
                      unsigned long long *zi, char *why, size_t why_len, int *have)
{
    const char *want = opt->zi_end;

    *have = 0;
    if (want && bfm_looks_hex(want))
    {
        if (bfm_hex(want, zi) != 0)
            return bfm_fail(m, 0, "--zi-end %s: expected a symbol or a hex address", want);
        snprintf(why, why_len, "--zi-end %s", want);
        *have = 1;
        return 0;
    }
    if (!from_map)
    {
        if (want)
            return bfm_fail(m, 0, "--zi-end with a linker script: expected a hex address, "
                            "not the symbol %s (symbols have values only in a map file)", want);
        return 0;
    }
    for (int i = 0; i < m->nsym; i++)
    {
        if (m->sym[i].found)
        {
            *zi = m->sym[i].value;
            snprintf(why, why_len, "%s = 0x%08llx (%s:%d)", m->sym[i].name, *zi, m->base,
                     m->sym[i].line);
            *have = 1;
            return 0;
        }
    }
    if (want)
        return bfm_fail(m, m->line, "expected the symbol %s (--zi-end) to have a value in the "
                        "memory map", want);
    if (m->have_bss)
    {
        *zi = m->bss_addr + m->bss_size;
        snprintf(why, why_len, "end of .bss = 0x%08llx + 0x%llx (%s:%d)", m->bss_addr,
                 m->bss_size, m->base, m->bss_line);
        *have = 1;
        return 0;
    }
    return bfm_fail(m, m->line, "expected one of __bss_end, _ebss, end or a .bss output section "
                    "to give the end of ZI (or choose it with --zi-end SYMBOL)");
}

static void bfm_board_name(struct bfm *m, const struct bfm_options *opt, char *out)
{
    const char *src = opt->name ? opt->name : m->base;
    size_t n = 0;

    for (; *src && n < BFM_BOARD_MAX; src++)
    {
        if (!opt->name && *src == '.' && n > 0)
            break;
        out[n++] = isgraph((unsigned char)*src) && *src != '#' ? *src : '-';
    }
    out[n] = '\0';
    if (n == 0)
        snprintf(out, BFM_BOARD_MAX + 1, "firmware");
}

static int bfm_emit(struct bfm *m, const struct bfm_options *opt, int from_map, FILE *out)
{
    unsigned long long zi = 0;
    char why[160] = "";
    char board[BFM_BOARD_MAX + 1];
    struct bfm_region *zr = NULL, *first = NULL;
    int have_zi, nram = 0;

    for (int i = 0; i < m->nmem; i++)
    {
        struct bfm_region *r = &m->mem[i];
        if (!r->ram)
            continue;
        if (++nram > BFM_MAX_RAM)
            return bfm_fail(m, r->line, "expected at most %d RAM regions (a board's limit); "
                            "%s is one too many", BFM_MAX_RAM, r->name);
        if (strlen(r->name) > BFM_NAME_MAX)
            return bfm_fail(m, r->line, "expected a RAM region name of at most %d characters "
                            "(a board's limit), not %s", BFM_NAME_MAX, r->name);
        if (r->length == 0 || r->origin > 0xFFFFFFFFull || r->length > 0x100000000ull - r->origin)
            return bfm_fail(m, r->line, "expected RAM region %s to be non-empty and to end by "
                            "4 GiB", r->name);
        for (int j = 0; j < i; j++)
        {
            struct bfm_region *q = &m->mem[j];
            if (q->ram && r->origin < q->origin + q->length && q->origin < r->origin + r->length)
                return bfm_fail(m, r->line, "expected RAM region %s not to overlap %s (line %d)",
                                r->name, q->name, q->line);
        }
        if (!first)
            first = r;
    }
    if (!first)
        return bfm_fail(m, m->table_line, "expected at least one RAM region (a writable region "
                        "whose name does not say FLASH or ROM)");
    if (bfm_zi_end(m, opt, from_map, &zi, why, sizeof why, &have_zi))
        return 1;
    if (have_zi)
    {
        zr = bfm_ram_at(m, zi, 1);
        if (!zr)
            return bfm_fail(m, 0, "expected the ZI end %s to lie inside a RAM region", why);
        if (zi - zr->origin >= zr->length)
            return bfm_fail(m, 0, "expected room for a system heap after the ZI end %s: it is "
                            "the end of region %s", why, zr->name);
    }
    else
        zr = first;

    bfm_board_name(m, opt, board);
    fprintf(out, "# Board file made by `rtsim board --from-%s %s` (docs/boards.md).\n",
            from_map ? "map" : "lds", m->base);
    fprintf(out, "# Each number says where it came from.\n");
    fprintf(out, "board       %s\n", board);
    fprintf(out, "description RAM map of %.60s\n", m->base);
    fprintf(out, "# Regions: the %s (%s:%d); ROM regions left out:",
            from_map ? "Memory Configuration table" : "MEMORY block", m->base, m->table_line);
    int nrom = 0;
    for (int i = 0; i < m->nmem; i++)
        if (!m->mem[i].ram)
            fprintf(out, " %s%s", nrom++ ? ", " : "", m->mem[i].name);
    fprintf(out, "%s\n", nrom ? "" : " none");
    for (int i = 0; i < m->nmem; i++)
    {
        struct bfm_region *r = &m->mem[i];
        if (!r->ram)
            continue;
        fprintf(out, "region      %-15s 0x%08llx 0x%08llx  # %s:%d%s%s\n", r->name, r->origin,
                r->length, m->base, r->line, r->attr[0] ? ", attributes " : "", r->attr);
    }
    if (have_zi)
    {
        fprintf(out, "# ZI end: %s, 0x%llx bytes into %s.\n", why, zi - zr->origin, zr->name);
        fprintf(out, "# The system heap starts there: rt_system_heap_init(HEAP_BEGIN, HEAP_END)"
                " aligns it up to RT_ALIGN_SIZE.\n");
        fprintf(out, "zi          %-15s 0x%llx\n", zr->name, zi - zr->origin);
    }
    else
    {
        fprintf(out, "# No ZI end (a linker script has no symbol values; give --zi-end ADDRESS):\n"
                "# the system heap takes all of %s.\n", zr->name);
        fprintf(out, "zi          %-15s 0\n", zr->name);
    }
    fprintf(out, "heap        %s\n", zr->name);
    for (int i = 0; i < m->nmem; i++)
    {
        struct bfm_region *r = &m->mem[i];
        if (!r->ram || r == zr)
            continue;
        if (r->used_end > r->origin)
        {
            if (r->used_end - r->origin >= r->length)
                return bfm_fail(m, r->used_line, "expected room left in region %s after the "
                                "firmware's %s", r->name, r->used_by);
            fprintf(out, "# %s: the firmware's sections end with %s at 0x%08llx (%s:%d); a "
                    "memheap here starts after them.\n", r->name, r->used_by, r->used_end,
                    m->base, r->used_line);
            fprintf(out, "used        %-15s 0x%llx\n", r->name, r->used_end - r->origin);
        }
    }
    if (have_zi && zr->used_end > zi)
        fprintf(out, "# note: %s (%s:%d) ends at 0x%08llx, after the ZI end: the heap covers "
                "it, as a BSP whose HEAP_END is the end of %s does.\n", zr->used_by, m->base,
                zr->used_line, zr->used_end, zr->name);
    return 0;
}

static void bfm_init(struct bfm *m, const char *path, const struct bfm_options *opt, FILE *err)
{
    const char *slash = strrchr(path, '/');

    memset(m, 0, sizeof *m);
    m->path = path;
    m->base = slash ? slash + 1 : path;
    m->err = err ? err : stderr;
    if (opt->zi_end && !bfm_looks_hex(opt->zi_end))
        m->sym[m->nsym++].name = opt->zi_end;
    else if (!opt->zi_end)
    {
        m->sym[m->nsym++].name = "__bss_end";
        m->sym[m->nsym++].name = "_ebss";
        m->sym[m->nsym++].name = "end";
    }
}

/* The board goes to a memory buffer first: on an error nothing is printed. */
static int bfm_run(const char *path, const struct bfm_options *opt, FILE *out, FILE *err,
                   int from_map)
{
    static const struct bfm_options none;
    struct bfm *m = malloc(sizeof *m);
    char *text, *board = NULL;
    size_t len = 0, board_len = 0;
    int rc;

    if (!opt)
        opt = &none;
    if (!m)
    {
        fprintf(err ? err : stderr, "%s: out of memory\n", path);
        return 1;
    }
    bfm_init(m, path, opt, err);
    text = bfm_slurp(m, &len);
    if (!text)
    {
        free(m);
        return 1;
    }
    rc = from_map ? bfm_parse_map(m, text, len) : bfm_parse_lds(m, text);
    if (rc == 0)
    {
        FILE *mem = open_memstream(&board, &board_len);
        if (!mem)
            rc = bfm_fail(m, 0, "out of memory");
        else
        {
            rc = bfm_emit(m, opt, from_map, mem);
            fclose(mem);
            if (rc == 0)
                fwrite(board, 1, board_len, out);
        }
    }
    free(board);
    free(text);
    free(m);
    return rc;
}

int bfm_from_map(const char *path, const struct bfm_options *opt, FILE *out, FILE *err)
{
    return bfm_run(path, opt, out, err, 1);
}

int bfm_from_lds(const char *path, const struct bfm_options *opt, FILE *out, FILE *err)
{
    return bfm_run(path, opt, out, err, 0);
}
