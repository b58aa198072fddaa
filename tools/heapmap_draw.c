/*
 * heapmap_draw.c - drawing snapshots (heapmap.c takes them): the text map
 * the scenario statements print, the SVG picture (one row per region,
 * blocks to scale, headers in black, owners coloured by thread, free
 * blocks numbered in free-list order), and the HTML page that steps
 * through every snapshot with a slider (inline script, nothing external).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapmap.h"
#include "xalloc.h"


/* -------------------------------------------------------------- text */

struct sbuf
{
    char *p;
    size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;)
    {
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (b->p && b->n + (size_t)k < b->cap)
        {
            b->n += (size_t)k;
            return;
        }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->p = rtsim_xrealloc(b->p, b->cap);
    }
}

static const char *kind_word(const struct hm_block *b)
{
    switch (b->kind)
    {
    case HM_END:       return "end";
    case HM_CONTROL:   return "ctrl";
    case HM_ZONE:      return "zone";
    case HM_PAGES:     return b->used ? "pages" : "free";
    case HM_ZI:        return "RW+ZI";
    case HM_UNMANAGED: return "-";
    default:           return b->used ? "used" : "free";
    }
}

const char *const hm_model_notice = sizeof(void *) == 4 ? NULL :
    "64-bit host model: block headers are 24 bytes, the board's are 12";

char *hm_text(const struct hm_snapshot *snap)
{
    struct sbuf b = { 0 };
    sb_printf(&b, "%s", "");
    if (hm_model_notice)
        sb_printf(&b, "  (%s)\n", hm_model_notice);
    for (int i = 0; i < snap->nsections; i++)
    {
        const struct hm_section *s = &snap->sections[i];
        sb_printf(&b, "  %s\n", s->title);
        sb_printf(&b, "    %-10s  %-5s %6s + %-7s %s\n", "address", "state", "header", "data",
                  s->order == HM_ORDER_LFREE ? "owner / search order (address order from lfree)"
                  : s->order == HM_ORDER_LIST ? "owner / free-list position" : "owner");
        for (int j = 0; j < s->nblocks; j++)
        {
            const struct hm_block *k = &s->blocks[j];
            char what[80] = "";
            /* Free slab chunks come by the hundred: one line per run. */
            int run = 1;
            while (k->kind == HM_DATA && !k->used && k->hdr == 0 && j + run < s->nblocks &&
                   s->blocks[j + run].kind == HM_DATA && !s->blocks[j + run].used &&
                   s->blocks[j + run].hdr == 0 && s->blocks[j + run].size == k->size)
                run++;
            if (run > 1)
            {
                sb_printf(&b, "    0x%08lx  %-5s %6d x %-7lu free chunks\n", k->addr, "free",
                          run, k->size);
                j += run - 1;
                continue;
            }
            if (k->kind == HM_UNMANAGED)
                snprintf(what, sizeof what, "not managed by a heap here");
            else if (!k->used && k->free_order && s->order == HM_ORDER_LFREE)
                snprintf(what, sizeof what, "#%d%s", k->free_order, k->lfree ? " <- lfree" : "");
            else if (!k->used && k->free_order)
                snprintf(what, sizeof what, "free list #%d", k->free_order);
            else if (k->lfree)
                snprintf(what, sizeof what, "%s <- lfree (no free block)", k->owner);
            else if (k->owner[0] && k->thread[0])
                snprintf(what, sizeof what, "%s (%s)", k->owner, k->thread);
            else if (k->owner[0] || k->thread[0])
                snprintf(what, sizeof what, "%s", k->owner[0] ? k->owner : k->thread);
            if (k->kind == HM_ZI || k->kind == HM_UNMANAGED)
                sb_printf(&b, "    0x%08lx  %-5s %6s   %-7lu %s\n", k->addr, kind_word(k), "",
                          k->size, what);
            else
                sb_printf(&b, "    0x%08lx  %-5s %6lu + %-7lu %s\n", k->addr, kind_word(k),
                          k->hdr, k->size, what);
        }
        if (s->stats[0])
            sb_printf(&b, "    %s\n", s->stats);
        if (s->stats2[0])
            sb_printf(&b, "    %s\n", s->stats2);
    }
    return b.p;
}

void hm_print_text(FILE *out, const struct hm_snapshot *snap)
{
    char *t = hm_text(snap);
    fputs(t, out);
    free(t);
}

/* --------------------------------------------------------------- SVG */

static void xml_escape(FILE *out, const char *s)
{
    for (; *s; s++)
    {
        switch (*s)
        {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default:  fputc(*s, out); break;
        }
    }
}

/* Owners' colours.  Every owner (the thread that allocated a block, or
 * what the kernel uses it for) of the pictures drawn together gets its
 * own colour, in order of first appearance: Okabe and Ito's eight colours
 * for colour-blind readers (minus black), then Paul Tol's muted ones;
 * past those, hues spread around the wheel.  Kinds (free, header, RW+ZI,
 * control, zone, unmanaged) use greys and light tints no owner gets. */
static const char *const palette[] = {
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
    "#882255", "#44aa99", "#999933", "#aa4499", "#332288", "#117733", "#ddcc77",
};
#define NPALETTE ((int)(sizeof palette / sizeof palette[0]))
#define MAX_OWNERS 64

struct colours
{
    char key[MAX_OWNERS][40];
    char fill[MAX_OWNERS][8];
    int n;
};

static const char *owner_key(const struct hm_block *b)
{
    return b->thread[0] ? b->thread : b->owner;
}

static int coloured(const struct hm_block *b)
{
    return b->used && (b->kind == HM_DATA || b->kind == HM_PAGES);
}

static void colours_add(struct colours *c, const struct hm_snapshot *snaps, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < snaps[i].nsections; j++)
            for (int k = 0; k < snaps[i].sections[j].nblocks; k++)
            {
                const struct hm_block *b = &snaps[i].sections[j].blocks[k];
                if (!coloured(b) || c->n == MAX_OWNERS)
                    continue;
                const char *key = owner_key(b);
                int dup = 0;
                for (int m = 0; m < c->n && !dup; m++)
                    dup = strcmp(c->key[m], key) == 0;
                if (dup)
                    continue;
                snprintf(c->key[c->n], sizeof c->key[0], "%s", key);
                if (c->n < NPALETTE)
                    snprintf(c->fill[c->n], sizeof c->fill[0], "%s", palette[c->n]);
                else
                {
                    /* golden-angle hues at medium lightness: still distinct */
                    int h = (c->n * 137) % 360, x = 60 + (h % 60) * 2;
                    int r = h < 120 ? 200 : h < 240 ? 60 : x, g = h < 120 ? x : h < 240 ? 200 : 60,
                        bl = h < 120 ? 60 : h < 240 ? x : 200;
                    snprintf(c->fill[c->n], sizeof c->fill[0], "#%02x%02x%02x", r & 255, g & 255,
                             bl & 255);
                }
                c->n++;
            }
}

static const char *owner_colour(const struct colours *c, const struct hm_block *b)
{
    const char *key = owner_key(b);
    for (int m = 0; m < c->n; m++)
        if (strcmp(c->key[m], key) == 0)
            return c->fill[m];
    return "#777777";   /* past MAX_OWNERS owners: shared grey (legend says so) */
}

#define FILL_FREE      "#ffffff"
#define FILL_HDR       "#222222"
#define FILL_ZI        "#bab0ac"
#define FILL_UNMANAGED "#ececec"
#define FILL_CONTROL   "#6f6a68"
#define FILL_ZONE      "#e8dcc8"

static const char *block_fill(const struct colours *c, const struct hm_block *b)
{
    switch (b->kind)
    {
    case HM_ZI:        return FILL_ZI;
    case HM_UNMANAGED: return FILL_UNMANAGED;
    case HM_CONTROL:   return FILL_CONTROL;
    case HM_END:       return FILL_HDR;
    case HM_ZONE:      return FILL_ZONE;
    default:           return b->used ? owner_colour(c, b) : FILL_FREE;
    }
}

/* A fill dark enough for white text (relative luminance below 0.4). */
static int dark(const char *fill)
{
    unsigned r, g, b;
    if (sscanf(fill, "#%2x%2x%2x", &r, &g, &b) != 3)
        return 0;
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4 * 255;
}

#define SVG_W     1000
#define SVG_LEFT  20
#define SVG_BAR   (SVG_W - 2 * SVG_LEFT)
#define ROW_H     122
#define BAR_Y     36        /* the blocks' top below a row's title (markers above) */
#define BAR_H     36
#define MIN_W     4.0       /* every block at least this wide (px) */

/* A drawn block: a run of equal free slab chunks is one (as in the text). */
struct drawn
{
    const struct hm_block *b;
    int run;                /* blocks merged */
    unsigned long span;     /* bytes covered */
    double x0, w;
};

/* Lay a section's blocks out: widths to scale, except that every block
 * gets at least MIN_W px when the row has room for that (the rest of the
 * width is shared in proportion to size). */
static int layout(const struct hm_section *s, struct drawn **out)
{
    struct drawn *d = rtsim_xrealloc(NULL, (size_t)(s->nblocks ? s->nblocks : 1) * sizeof *d);
    int n = 0;
    for (int j = 0; j < s->nblocks; j++)
    {
        const struct hm_block *k = &s->blocks[j];
        int run = 1;
        while (k->kind == HM_DATA && !k->used && k->hdr == 0 && j + run < s->nblocks &&
               s->blocks[j + run].kind == HM_DATA && !s->blocks[j + run].used &&
               s->blocks[j + run].hdr == 0 && s->blocks[j + run].size == k->size)
            run++;
        /* a zone is drawn as its header; its chunks follow it */
        unsigned long span = k->kind == HM_ZONE ? k->hdr : (k->hdr + k->size) * (unsigned long)run;
        d[n++] = (struct drawn){ k, run, span, 0, 0 };
        j += run - 1;
    }
    double total = 0;
    for (int i = 0; i < n; i++)
        total += (double)d[i].span;
    double minw = n * MIN_W <= SVG_BAR * 0.6 ? MIN_W : 0.5;
    double rest = SVG_BAR - (minw > 0.5 ? n * minw : 0);
    double x = SVG_LEFT;
    for (int i = 0; i < n; i++)
    {
        double w = total > 0 ? (double)d[i].span * rest / total : 0;
        if (minw > 0.5)
            w += minw;
        else if (w < minw)
            w = minw;
        d[i].x0 = x;
        d[i].w = w;
        x += w;
    }
    *out = d;
    return n;
}

/* x of a target address inside a laid-out row */
static double x_of(const struct drawn *d, int n, unsigned long a)
{
    for (int i = 0; i < n; i++)
    {
        unsigned long lo = d[i].b->addr, hi = lo + d[i].span;
        if (a >= lo && a <= hi && d[i].span)
            return d[i].x0 + d[i].w * (double)(a - lo) / (double)d[i].span;
        if (a < lo)
            return d[i].x0;
    }
    return n ? d[n - 1].x0 + d[n - 1].w : SVG_LEFT;
}

/* The legend: every colour the pictures use, and nothing else. */
struct legend
{
    char fill[MAX_OWNERS + 12][8];
    char text[MAX_OWNERS + 12][64];
    int n;
};

static void legend_add(struct legend *l, const char *fill, const char *text)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->text[i], text) == 0)
            return;
    if (l->n == MAX_OWNERS + 12)
        return;
    snprintf(l->fill[l->n], sizeof l->fill[0], "%s", fill);
    snprintf(l->text[l->n], sizeof l->text[0], "%s", text);
    l->n++;
}

static void legend_build(struct legend *l, const struct colours *c,
                         const struct hm_snapshot *snaps, int n)
{
    memset(l, 0, sizeof *l);
    int kinds[8] = { 0 }, hdr = 0, orders[3] = { 0 }, grey = 0;
    for (int i = 0; i < c->n; i++)
        legend_add(l, c->fill[i], c->key[i]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < snaps[i].nsections; j++)
        {
            const struct hm_section *s = &snaps[i].sections[j];
            for (int k = 0; k < s->nblocks; k++)
            {
                const struct hm_block *b = &s->blocks[k];
                if (b->kind == HM_DATA || b->kind == HM_PAGES)
                {
                    if (!b->used)
                        orders[b->free_order ? s->order : HM_ORDER_NONE] = 1;
                    else if (strcmp(owner_colour(c, b), "#777777") == 0)
                        grey = 1;
                }
                else
                    kinds[b->kind] = 1;
                if (b->hdr > 0 && b->kind != HM_ZONE && b->kind != HM_CONTROL)
                    hdr = 1;
            }
        }
    if (grey)
        legend_add(l, "#777777", "further owners");
    if (orders[HM_ORDER_LFREE])
        legend_add(l, FILL_FREE, "free (#n: address order from lfree)");
    if (orders[HM_ORDER_LIST])
        legend_add(l, FILL_FREE, "free (#n: free-list position)");
    if (orders[HM_ORDER_NONE])
        legend_add(l, FILL_FREE, "free");
    if (hdr || kinds[HM_END])
        legend_add(l, FILL_HDR, kinds[HM_END] ? "block header, end marker" : "block header");
    if (kinds[HM_ZI])
        legend_add(l, FILL_ZI, "RW .data + ZI .bss");
    if (kinds[HM_CONTROL])
        legend_add(l, FILL_CONTROL, "heap control data");
    if (kinds[HM_ZONE])
        legend_add(l, FILL_ZONE, "slab zone header");
    if (kinds[HM_UNMANAGED])
        legend_add(l, FILL_UNMANAGED, "not managed by a heap");
}

static int legend_item_w(const struct legend *l, int i)
{
    return 24 + 7 * (int)strlen(l->text[i]);
}

static int legend_lines(const struct legend *l)
{
    int lines = l->n ? 1 : 0, lx = SVG_LEFT;
    for (int i = 0; i < l->n; i++)
    {
        if (lx + legend_item_w(l, i) > SVG_W - SVG_LEFT && lx > SVG_LEFT)
        {
            lines++;
            lx = SVG_LEFT;
        }
        lx += legend_item_w(l, i);
    }
    return lines;
}

static void legend_draw(FILE *out, const struct legend *l, int y)
{
    int lx = SVG_LEFT;
    fprintf(out, "<g class=\"legend\">\n");
    for (int i = 0; i < l->n; i++)
    {
        if (lx + legend_item_w(l, i) > SVG_W - SVG_LEFT && lx > SVG_LEFT)
        {
            y += 18;
            lx = SVG_LEFT;
        }
        fprintf(out, "<g class=\"item\" data-fill=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"12\" "
                "height=\"12\" fill=\"%s\" stroke=\"#555555\" stroke-width=\"0.5\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"lg\">", l->fill[i], lx, y + 2, l->fill[i],
                lx + 16, y + 12);
        xml_escape(out, l->text[i]);
        fputs("</text></g>\n", out);
        lx += legend_item_w(l, i);
    }
    fputs("</g>\n", out);
}

static int panel_height(const struct hm_snapshot *snap)
{
    return 26 + ROW_H * snap->nsections;
}

/* One snapshot: its caption, then one row per section. */
static int svg_panel(FILE *out, const struct hm_snapshot *snap, const struct colours *col, int y)
{
    fprintf(out, "<g class=\"panel\">\n<text x=\"%d\" y=\"%d\" class=\"cap\">", SVG_LEFT, y + 16);
    xml_escape(out, snap->caption);
    if (hm_model_notice)
    {
        fputs(" (", out);
        xml_escape(out, hm_model_notice);
        fputs(")", out);
    }
    fputs("</text>\n", out);
    y += 26;
    for (int i = 0; i < snap->nsections; i++)
    {
        const struct hm_section *s = &snap->sections[i];
        fprintf(out, "<g class=\"region\" data-start=\"0x%08lx\" data-end=\"0x%08lx\" "
                "data-order=\"%s\">\n", s->start, s->end,
                s->order == HM_ORDER_LFREE ? "lfree" : s->order == HM_ORDER_LIST ? "list" : "none");
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"rt\">", SVG_LEFT, y + 14);
        xml_escape(out, s->title);
        fputs("</text>\n", out);
        int by = y + BAR_Y, bh = BAR_H;
        struct drawn *d;
        int n = layout(s, &d);
        for (int j = 0; j < n; j++)
        {
            const struct hm_block *b = d[j].b;
            double x0 = d[j].x0, w = d[j].w;
            const char *cls = b->kind == HM_DATA ? (b->used ? "used" : "free")
                              : b->kind == HM_UNMANAGED ? "unmanaged" : kind_word(b);
            fprintf(out, "<g class=\"block %s\" data-addr=\"0x%08lx\" data-size=\"%lu\" "
                    "data-x=\"%.2f\" data-w=\"%.2f\"", strcmp(cls, "RW+ZI") == 0 ? "zi" : cls,
                    b->addr, b->size, x0, w);
            if (coloured(b))
            {
                fputs(" data-owner=\"", out);
                xml_escape(out, owner_key(b));
                fputs("\"", out);
            }
            fprintf(out, "><title>0x%08lx: %s, header %lu + data %lu", b->addr, kind_word(b),
                    b->hdr, b->size);
            if (d[j].run > 1)
                fprintf(out, " (x %d chunks)", d[j].run);
            if (b->owner[0] || b->thread[0])
            {
                fputs(", ", out);
                xml_escape(out, b->owner);
                if (b->thread[0])
                {
                    fputs(" (", out);
                    xml_escape(out, b->thread);
                    fputs(")", out);
                }
            }
            if (b->free_order)
                fprintf(out, s->order == HM_ORDER_LFREE ? ", #%d in address order from lfree"
                        : ", free list #%d", b->free_order);
            fputs("</title>", out);
            fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s/>",
                    x0, by, w, bh, block_fill(col, b),
                    w >= 3 ? " stroke=\"#555555\" stroke-width=\"0.5\"" : "");
            if (b->hdr > 0 && b->kind != HM_END && b->kind != HM_ZONE && b->kind != HM_CONTROL)
            {
                double hw = w * (double)b->hdr / (double)(b->hdr + b->size);
                if (hw < 1.5)
                    hw = 1.5;
                fprintf(out, "<rect class=\"hdr\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
                        "height=\"%d\" fill=\"%s\"/>", x0, by, hw, bh, FILL_HDR);
            }
            char label[64] = "";
            if (b->kind == HM_DATA && !b->used && b->free_order)
                snprintf(label, sizeof label, "#%d", b->free_order);
            else if (b->kind == HM_DATA && !b->used && d[j].run > 1)
                snprintf(label, sizeof label, "%d free x %lu", d[j].run, b->size);
            else if (b->kind == HM_ZI)
                snprintf(label, sizeof label, "RW+ZI");
            else if (b->kind == HM_UNMANAGED)
                snprintf(label, sizeof label, "not managed by a heap");
            else if (b->used && b->owner[0])
                snprintf(label, sizeof label, "%s", b->owner);
            if (label[0] && w > 7.0 * (double)strlen(label) + 6)
            {
                fprintf(out, "<text x=\"%.2f\" y=\"%d\" class=\"bl\" fill=\"%s\">", x0 + w / 2,
                        by + 23, dark(block_fill(col, b)) ? "#ffffff" : "#111111");
                xml_escape(out, label);
                fputs("</text>", out);
            }
            /* markers above the row: lfree, the end marker, slab zones */
            if (b->lfree)
                fprintf(out, "<g class=\"mark lfree\"><path d=\"M%.2f %d l-5 -8 h10 z\" "
                        "fill=\"#d55e00\"/><text x=\"%.2f\" y=\"%d\" class=\"mk\">lfree</text></g>",
                        x0 + (w < 10 ? w / 2 : 5), by - 1, x0 + (w < 10 ? w / 2 : 5), by - 11);
            if (b->kind == HM_END && !b->lfree)
                fprintf(out, "<g class=\"mark end\"><path d=\"M%.2f %d l-4 -6 h8 z\" "
                        "fill=\"#222222\"/><text x=\"%.2f\" y=\"%d\" class=\"mk\">end</text></g>",
                        x0 + w / 2, by - 1, x0 + w / 2, by - 9);
            if (b->kind == HM_ZONE)
            {
                double x1 = x_of(d, n, b->addr + b->hdr + b->size);
                unsigned long chunk = 0;
                if (j + 1 < n && d[j + 1].b->kind == HM_DATA)
                    chunk = d[j + 1].b->size;
                fprintf(out, "<g class=\"mark zone\"><path d=\"M%.2f %d v-5 H%.2f v5\" "
                        "fill=\"none\" stroke=\"#8c6d31\"/><text x=\"%.2f\" y=\"%d\" class=\"mk\">"
                        "zone: %lu-byte chunks</text></g>", x0, by - 2, x1, (x0 + x1) / 2,
                        by - 10, chunk);
            }
            fputs("</g>\n", out);
        }
        free(d);
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"ax\">0x%08lx</text>", SVG_LEFT,
                by + bh + 12, s->start);
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\">0x%08lx</text>\n",
                SVG_LEFT + SVG_BAR, by + bh + 12, s->end);
        if (s->stats[0])
        {
            fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"st\">", SVG_LEFT, by + bh + 25);
            xml_escape(out, s->stats);
            fputs("</text>\n", out);
        }
        if (s->stats2[0])
        {
            fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"st\">", SVG_LEFT, by + bh + 37);
            xml_escape(out, s->stats2);
            fputs("</text>\n", out);
        }
        fputs("</g>\n", out);
        y += ROW_H;
    }
    fputs("</g>\n", out);
    return y;
}

static const char svg_style[] =
    "<style>text{font-family:monospace;font-size:11px;fill:#222}"
    ".title{font-size:15px;font-weight:bold}.cap{font-size:12px;font-weight:bold}"
    ".rt{font-size:12px}.bl{text-anchor:middle}.mk{text-anchor:middle;font-size:10px}"
    ".ax,.st{font-size:10px;fill:#444}</style>\n";

#define SVG_NOTE "widths to scale, except that every block is at least 4 px wide"

static int svg_height(const struct hm_snapshot *snaps, int n, const struct legend *l)
{
    int h = 52;
    for (int i = 0; i < n; i++)
        h += panel_height(&snaps[i]);
    return h + 18 * legend_lines(l) + 8;
}

/* n snapshots drawn one above the other (panels), one legend. */
static void svg_document(FILE *out, const struct hm_snapshot *snaps, int n, const char *title,
                         const struct colours *col)
{
    struct legend l;
    legend_build(&l, col, snaps, n);
    int h = svg_height(snaps, n, &l);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\">\n", SVG_W, h, SVG_W, h);
    fputs(svg_style, out);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fafafa\"/>\n", SVG_W, h);
    fprintf(out, "<text x=\"%d\" y=\"18\" class=\"title\">", SVG_LEFT);
    xml_escape(out, title);
    fprintf(out, "</text>\n<text x=\"%d\" y=\"36\" class=\"ax\">%s</text>\n", SVG_LEFT, SVG_NOTE);
    int y = 44;
    for (int i = 0; i < n; i++)
        y = svg_panel(out, &snaps[i], col, y);
    legend_draw(out, &l, y + 4);
    fputs("</svg>\n", out);
}

void hm_write_svg(FILE *out, const struct hm_snapshot *snaps, int n, const char *title)
{
    struct colours col = { .n = 0 };
    colours_add(&col, snaps, n);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    svg_document(out, snaps, n, title, &col);
}

/* -------------------------------------------------------------- HTML */

static const char html_script[] =
    "//<![CDATA[\n"
    "(function () {\n"
    "  var slider = document.getElementById('step');\n"
    "  var steps = document.querySelectorAll('.step');\n"
    "  var caption = document.getElementById('caption');\n"
    "  function show(i) {\n"
    "    for (var k = 0; k !== steps.length; k++)\n"
    "      steps[k].style.display = (k === i) ? 'block' : 'none';\n"
    "    caption.textContent = steps[i].getAttribute('data-caption') + ' (' + (i + 1) +\n"
    "                          ' of ' + steps.length + ')';\n"
    "    document.body.setAttribute('data-shown', String(i));\n"
    "    var lines = document.querySelectorAll('#log .ll'), last = null;\n"
    "    for (var j = 0; j !== lines.length; j++) {\n"
    "      var st = Number(lines[j].getAttribute('data-step'));\n"
    "      lines[j].style.display = (st > i) ? 'none' : 'inline';\n"
    "      lines[j].className = (st === i) ? 'll now' : 'll';\n"
    "      if (st === i) last = lines[j];\n"
    "    }\n"
    "    var box = document.getElementById('log');\n"
    "    if (last) box.scrollTop = Math.max(0, last.offsetTop - box.clientHeight / 2);\n"
    "  }\n"
    "  slider.addEventListener('input', function () { show(Number(slider.value)); });\n"
    "  document.addEventListener('keydown', function (e) {\n"
    "    var v = Number(slider.value);\n"
    "    if (e.key === 'ArrowRight' && v !== steps.length - 1) v++;\n"
    "    else if (e.key === 'ArrowLeft' && v !== 0) v--;\n"
    "    else return;\n"
    "    slider.value = String(v); show(v);\n"
    "  });\n"
    "  var m = /step=([0-9]+)/.exec(location.hash);\n"
    "  var first = m ? Math.min(Number(m[1]), steps.length - 1) : 0;\n"
    "  slider.value = String(first);\n"
    "  show(first);\n"
    "  if (location.hash === '#selftest') {\n"
    "    var ok = 0;\n"
    "    for (var i = steps.length - 1; i !== -1; i--) {\n"
    "      slider.value = String(i);\n"
    "      slider.dispatchEvent(new Event('input'));\n"
    "      var shown = 0;\n"
    "      for (var k = 0; k !== steps.length; k++) if (steps[k].style.display === 'block') shown++;\n"
    "      if (shown === 1 && steps[i].style.display === 'block' &&\n"
    "          caption.textContent.indexOf(steps[i].getAttribute('data-caption')) !== -1) ok++;\n"
    "    }\n"
    "    slider.value = '0'; show(0);\n"
    "    var shown0 = 0, ll = document.querySelectorAll('#log .ll');\n"
    "    for (var q = 0; q !== ll.length; q++) if (ll[q].style.display !== 'none') shown0++;\n"
    "    var lr = document.getElementById('log').getBoundingClientRect();\n"
    "    var mr = steps[0].getBoundingClientRect();\n"
    "    document.getElementById('selftest').textContent =\n"
    "      'selftest: ' + ok + ' of ' + steps.length + ' steps shown; log lines at step 1: ' +\n"
    "      shown0 + '; log beside map: ' + (lr.left >= mr.right - 1 && lr.top < window.innerHeight\n"
    "      ? 'yes' : 'no');\n"
    "  }\n"
    "})();\n"
    "//]]>\n";

void hm_write_html(FILE *out, const struct hm_snapshot *snaps, int n, const char *title,
                   char *const *texts, const struct hm_log *log)
{
    struct colours col = { .n = 0 };
    colours_add(&col, snaps, n);    /* an owner keeps its colour from step to step */
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n<title>", out);
    xml_escape(out, title);
    /* The map and the run's log side by side: the log is in view from the
     * first step, next to the picture it explains. */
    fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:1em;background:#fafafa}\n"
          "#controls{position:sticky;top:0;background:#fafafa;padding:.5em 0;z-index:1}\n"
          "#step{width:60%}\npre{font-size:12px;background:#fff;border:1px solid #ddd;"
          "padding:.5em;overflow:auto}\n"
          "#main{display:flex;gap:1em;align-items:flex-start}\n"
          "#steps{flex:0 1 62%;min-width:0}\n#steps svg{width:100%;height:auto}\n"
          "#side{flex:1 1 38%;min-width:16em;position:sticky;top:4.5em}\n"
          "#side h2{margin:.2em 0;font-size:1em}\n"
          "#log{max-height:80vh;position:relative;margin:0;white-space:pre-wrap}\n.now{background:#ffeeaa}\n"
          "</style>\n</head>\n<body>\n<h1>", out);
    xml_escape(out, title);
    fprintf(out, "</h1>\n<div id=\"controls\"><input type=\"range\" id=\"step\" min=\"0\" "
            "max=\"%d\" value=\"0\"/> <span id=\"caption\"></span>"
            " <small>Drag the slider or use the arrow keys to step through the run.</small></div>\n"
            "<div id=\"main\">\n<div id=\"steps\">\n", n > 0 ? n - 1 : 0);
    for (int i = 0; i < n; i++)
    {
        fprintf(out, "<div class=\"step\" id=\"s%d\" data-caption=\"", i);
        xml_escape(out, snaps[i].caption);
        fputs("\">\n", out);
        svg_document(out, &snaps[i], 1, title, &col);
        fputs("<pre>", out);
        if (texts && texts[i])
            xml_escape(out, texts[i]);
        fputs("</pre>\n</div>\n", out);
    }
    fputs("</div>\n<div id=\"side\"><h2>Run log</h2>\n<pre id=\"log\">", out);
    for (int i = 0; log && i < log->n; i++)
    {
        fprintf(out, "<span class=\"ll\" data-step=\"%d\">", log->step_of[i]);
        xml_escape(out, log->lines[i]);
        fputs("\n</span>", out);
    }
    fputs("</pre></div>\n</div>\n", out);
    fputs("<p id=\"selftest\"></p>\n<script>\n", out);
    fputs(html_script, out);
    fputs("</script>\n</body>\n</html>\n", out);
}
