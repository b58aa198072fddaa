/*
 * boardfile.c - boards described in a small text file (docs/boards.md).
 *
 *     # STM32F407 with the heap in CCM instead of SRAM
 *     board       my-f407
 *     description STM32F407, heap in CCM
 *     region      SRAM 0x20000000 128K
 *     region      CCM  0x10000000 64K
 *     zi          SRAM 24K        # .data + .bss at the start of SRAM
 *     heap        CCM             # default: the zi region
 *
 * One directive per line; '#' starts a comment; blank lines are ignored.
 * Numbers are decimal or 0x-hex, optionally followed by K, M or G (also
 * KiB, MiB, GiB; powers of 1024).  Directives:
 *   board NAME             required, once
 *   description TEXT...    optional, the rest of the line
 *   region NAME BASE SIZE  1..SIM_BOARD_MAX_REGIONS, in board order
 *   zi REGION BYTES        optional (default: first region, 0 bytes)
 *   heap REGION            optional (default: the zi region)
 *   used REGION BYTES      optional, once per region other than the zi
 *                          region: bytes the firmware placed at its start
 *                          (a .ccmram section, say); a heap over the region
 *                          starts after them.  `rtsim board --from-map`
 *                          writes these lines.
 * Errors are reported as "FILE:LINE: expected ..." and the whole board is
 * then checked by sim_board_validate.
 *
 * Also here: the simulator's rt_mem_target_addr (the port hook of rthw.h),
 * which turns the host pointers the kernel prints (its memory commands,
 * rt_kprintf's %p) into target addresses.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rthw.h>
#include <rtsim.h>
#include "board.h"
#include "../kernel/src/heap.h"

#define BF_LINE_MAX 256
#define BF_MAX_WORDS 8

rt_ubase_t rt_mem_target_addr(const void *p)
{
    return (rt_ubase_t)rt_sim_target_addr(p);
}

struct bf_state
{
    const char *path;
    int line;
    FILE *err;
    struct sim_board *b;
    int have_board, have_zi, have_heap;
    char zi_name[SIM_REGION_NAME_MAX];
    char heap_name[SIM_REGION_NAME_MAX];
    int nused;
    struct
    {
        char name[SIM_REGION_NAME_MAX];
        size_t bytes;
        int line;
    } used[SIM_BOARD_MAX_REGIONS];
};

static int bf_error(struct bf_state *st, const char *what)
{
    fprintf(st->err, "%s:%d: expected %s\n", st->path, st->line, what);
    return -1;
}

/* Parse a size or address: decimal or 0x-hex, optional K/M/G[iB]. */
static int bf_number(const char *s, unsigned long long *out)
{
    char *end;
    unsigned long long v, mul = 1;

    if (*s == '\0' || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || end == s)
        return -1;
    if (*end != '\0')
    {
        char unit = (char)toupper((unsigned char)*end);

        if (unit == 'K')
            mul = 1024ull;
        else if (unit == 'M')
            mul = 1024ull * 1024;
        else if (unit == 'G')
            mul = 1024ull * 1024 * 1024;
        else
            return -1;
        end++;
        if (strcmp(end, "iB") != 0 && strcmp(end, "") != 0 && strcmp(end, "B") != 0)
            return -1;
        if (v > ~0ull / mul)
            return -1;
    }
    *out = v * mul;
    return 0;
}

static int bf_region_index(const struct sim_board *b, const char *name)
{
    int i;

    for (i = 0; i < b->nregions; i++)
        if (strcmp(b->region[i].name, name) == 0)
            return i;
    return -1;
}

static int bf_copy_name(struct bf_state *st, char *dst, size_t cap, const char *src,
                        const char *what)
{
    if (strlen(src) >= cap)
        return bf_error(st, what);
    strcpy(dst, src);
    return 0;
}

#define BF_REGION_MIN 64

static int bf_region(struct bf_state *st, char **w, int n)
{
    struct sim_board_region *r;
    unsigned long long base, size;

    if (n != 4)
        return bf_error(st, "'region NAME BASE SIZE'");
    if (st->b->nregions >= SIM_BOARD_MAX_REGIONS)
        return bf_error(st, "at most 8 regions");
    if (bf_region_index(st->b, w[1]) >= 0)
        return bf_error(st, "a region name not used before");
    if (bf_number(w[2], &base) != 0 || base > 0xFFFFFFFFull)
        return bf_error(st, "a base address (decimal or 0x-hex, below 4 GiB)");
    if (bf_number(w[3], &size) != 0 || size == 0 || size > 0x100000000ull - base)
        return bf_error(st, "a region size (e.g. 128K, 8M, 0x20000) that ends by 4 GiB");
    /* rtsim's own floor: a smaller region holds no heap header and block */
    if (size < BF_REGION_MIN)
        return bf_error(st, "a region of at least 64 bytes (a smaller one cannot hold anything)");
    r = &st->b->region[st->b->nregions];
    if (bf_copy_name(st, r->name, sizeof(r->name), w[1], "a region name of at most 15 characters") != 0)
        return -1;
    r->base = (unsigned long)base;
    r->size = (size_t)size;
    st->b->nregions++;
    return 0;
}

/* used REGION BYTES: resolved by bf_finish (the region may come later). */
static int bf_used(struct bf_state *st, char **w, int n)
{
    unsigned long long v;

    if (n != 3)
        return bf_error(st, "'used REGION BYTES'");
    if (bf_number(w[2], &v) != 0 || v > (unsigned long long)(size_t)-1)
        return bf_error(st, "a byte count for used (e.g. 0x44, 2K)");
    for (int i = 0; i < st->nused; i++)
        if (strcmp(st->used[i].name, w[1]) == 0)
            return bf_error(st, "a single 'used' line per region");
    if (st->nused == SIM_BOARD_MAX_REGIONS)
        return bf_error(st, "at most 8 'used' lines");
    if (bf_copy_name(st, st->used[st->nused].name, sizeof st->used[0].name, w[1],
                     "a region name") != 0)
        return -1;
    st->used[st->nused].bytes = (size_t)v;
    st->used[st->nused].line = st->line;
    st->nused++;
    return 0;
}

static int bf_directive(struct bf_state *st, char *line, char **w, int n)
{
    unsigned long long v;

    if (strcmp(w[0], "board") == 0)
    {
        if (n != 2)
            return bf_error(st, "'board NAME'");
        if (st->have_board)
            return bf_error(st, "a single 'board' line");
        st->have_board = 1;
        return bf_copy_name(st, st->b->name, sizeof(st->b->name), w[1],
                            "a board name of at most 47 characters");
    }
    if (strcmp(w[0], "description") == 0)
    {
        char *text = strstr(line, "description") + strlen("description");

        size_t len;

        while (isspace((unsigned char)*text))
            text++;
        len = strlen(text);
        while (len > 0 && isspace((unsigned char)text[len - 1]))
            text[--len] = '\0';
        return bf_copy_name(st, st->b->description, sizeof(st->b->description), text,
                            "a description of at most 95 characters");
    }
    if (strcmp(w[0], "region") == 0)
        return bf_region(st, w, n);
    if (strcmp(w[0], "zi") == 0)
    {
        if (n != 3)
            return bf_error(st, "'zi REGION BYTES'");
        if (st->have_zi)
            return bf_error(st, "a single 'zi' line");
        if (bf_number(w[2], &v) != 0 || v > (unsigned long long)(size_t)-1)
            return bf_error(st, "a byte count for zi (e.g. 24K)");
        st->have_zi = 1;
        st->b->zi_size = (size_t)v;
        return bf_copy_name(st, st->zi_name, sizeof(st->zi_name), w[1], "a region name");
    }
    if (strcmp(w[0], "heap") == 0)
    {
        if (n != 2)
            return bf_error(st, "'heap REGION'");
        if (st->have_heap)
            return bf_error(st, "a single 'heap' line");
        st->have_heap = 1;
        return bf_copy_name(st, st->heap_name, sizeof(st->heap_name), w[1], "a region name");
    }
    if (strcmp(w[0], "cpu_hz") == 0 || strcmp(w[0], "uart_baud") == 0)
    {
        int clock = w[0][0] == 'c';
        /* Plain decimal: bf_number's K/M suffixes are binary (memory sizes). */
        if (n != 2 || strspn(w[1], "0123456789") != strlen(w[1]) || strlen(w[1]) > 10 ||
            bf_number(w[1], &v) != 0 || v == 0 || v > 4000000000ull)
            return bf_error(st, clock ? "'cpu_hz HZ' (e.g. cpu_hz 168000000)"
                                      : "'uart_baud RATE' (e.g. uart_baud 115200)");
        if (clock)
            st->b->cpu_hz = (unsigned long)v;
        else
            st->b->uart_baud = (unsigned long)v;
        return 0;
    }
    if (strcmp(w[0], "used") == 0)
        return bf_used(st, w, n);
    return bf_error(st, "one of: board, description, region, zi, heap, used, cpu_hz, uart_baud");
}

/* Split `line` (comment stripped) into blank-separated words. */
static int bf_split(char *line, char **w)
{
    int n = 0;
    char *p = line;

    while (*p != '\0')
    {
        while (isspace((unsigned char)*p))
            *p++ = '\0';
        if (*p == '\0')
            break;
        if (n == BF_MAX_WORDS)
            return n + 1;
        w[n++] = p;
        while (*p != '\0' && !isspace((unsigned char)*p))
            p++;
    }
    return n;
}

/* After the last line: resolve region names, apply defaults. */
static int bf_finish(struct bf_state *st)
{
    struct sim_board *b = st->b;

    if (!st->have_board)
        return bf_error(st, "a 'board NAME' line");
    if (b->nregions == 0)
        return bf_error(st, "at least one 'region NAME BASE SIZE' line");
    if (b->cpu_hz == 0)
        b->cpu_hz = SIM_BOARD_DEFAULT_HZ;
    if (b->uart_baud == 0)
        b->uart_baud = SIM_BOARD_DEFAULT_BAUD;
    b->zi_region = 0;
    if (st->have_zi && (b->zi_region = bf_region_index(b, st->zi_name)) < 0)
        return bf_error(st, "the zi line to name a declared region");
    b->heap_region = b->zi_region;
    if (st->have_heap && (b->heap_region = bf_region_index(b, st->heap_name)) < 0)
        return bf_error(st, "the heap line to name a declared region");
    for (int i = 0; i < st->nused; i++)
    {
        int r = bf_region_index(b, st->used[i].name);

        st->line = st->used[i].line;
        if (r < 0)
            return bf_error(st, "the used line to name a declared region");
        if (r == b->zi_region)
            return bf_error(st, "a used line for a region other than the zi region (ZI's "
                            "bytes are the zi line)");
        if (st->used[i].bytes >= b->region[r].size)
            return bf_error(st, "used bytes that leave room in the region");
        b->region[r].used = st->used[i].bytes;
    }
    return 0;
}

int sim_board_parse_file(const char *path, struct sim_board *out, FILE *err)
{
    struct bf_state st;
    char line[BF_LINE_MAX + 2], copy[BF_LINE_MAX + 2];
    char *w[BF_MAX_WORDS];
    FILE *f;
    int rc = 0;

    memset(&st, 0, sizeof(st));
    memset(out, 0, sizeof(*out));
    st.path = path;
    st.err = err != NULL ? err : stderr;
    st.b = out;

    f = fopen(path, "r");
    if (f == NULL)
    {
        fprintf(st.err, "%s: cannot open board file: %s\n", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof(line), f) != NULL)
    {
        char *hash;
        int n;

        st.line++;
        if (strchr(line, '\n') == NULL && !feof(f))
        {
            rc = bf_error(&st, "a line of at most 256 characters");
            break;
        }
        if ((hash = strchr(line, '#')) != NULL)
            *hash = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        strcpy(copy, line);
        n = bf_split(line, w);
        if (n == 0)
            continue;
        if (n > BF_MAX_WORDS && strcmp(w[0], "description") != 0)
        {
            rc = bf_error(&st, "fewer words on the line");
            break;
        }
        rc = bf_directive(&st, copy, w, n);
    }
    if (rc == 0 && ferror(f))
    {
        fprintf(st.err, "%s:%d: read error\n", path, st.line);
        rc = -1;
    }
    fclose(f);
    if (rc == 0)
    {
        st.line++;  /* "expected" errors at end of file point past the last line */
        rc = bf_finish(&st);
    }
    if (rc == 0)
        rc = sim_board_validate(out, path, st.err);
    return rc;
}
