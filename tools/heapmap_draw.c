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
    case HM_ZI:        return "ZI";
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
                  "owner / free-list position");
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
            else if (!k->used && k->free_order)
                snprintf(what, sizeof what, "free list #%d", k->free_order);
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

/* Owners' colours: one per thread, picked by a hash of its name so a
 * thread keeps its colour from step to step and picture to picture. */
static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
    "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#8cd17d",
};

static const char *owner_colour(const struct hm_block *b)
{
    const char *key = b->thread[0] ? b->thread : b->owner;
    unsigned h = 5381;
    for (; *key; key++)
        h = h * 33 + (unsigned char)*key;
    return palette[h % (sizeof palette / sizeof palette[0])];
}

static const char *block_fill(const struct hm_block *b)
{
    switch (b->kind)
    {
    case HM_ZI:        return "#bab0ac";
    case HM_UNMANAGED: return "#eeeeee";
    case HM_CONTROL:   return "#79706e";
    case HM_END:       return "#000000";
    case HM_ZONE:      return "#d4a6c8";
    default:           return b->used ? owner_colour(b) : "#ffffff";
    }
}

#define SVG_W     1000
#define SVG_LEFT  20
#define SVG_BAR   (SVG_W - 2 * SVG_LEFT)
#define ROW_H     96

static double xpos(const struct hm_section *s, unsigned long a)
{
    double span = (double)(s->end - s->start);
    return SVG_LEFT + (span > 0 ? (double)(a - s->start) * SVG_BAR / span : 0);
}

static void svg_body(FILE *out, const struct hm_snapshot *snap, const char *title, int y0)
{
    int y = y0;
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"title\">", SVG_LEFT, y + 18);
    xml_escape(out, title);
    fputs("</text>\n", out);
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"cap\">", SVG_LEFT, y + 38);
    xml_escape(out, snap->caption);
    if (hm_model_notice)
    {
        fputs(" (", out);
        xml_escape(out, hm_model_notice);
        fputs(")", out);
    }
    fputs("</text>\n", out);
    y += 52;
    for (int i = 0; i < snap->nsections; i++)
    {
        const struct hm_section *s = &snap->sections[i];
        fprintf(out, "<g class=\"region\" data-start=\"0x%08lx\" data-end=\"0x%08lx\">\n",
                s->start, s->end);
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"rt\">", SVG_LEFT, y + 14);
        xml_escape(out, s->title);
        fputs("</text>\n", out);
        int by = y + 20, bh = 36;
        for (int j = 0; j < s->nblocks; j++)
        {
            const struct hm_block *b = &s->blocks[j];
            double x0 = xpos(s, b->addr), x1 = xpos(s, b->addr + b->hdr + b->size);
            double w = x1 - x0 < 0.5 ? 0.5 : x1 - x0;
            const char *cls = b->kind == HM_DATA ? (b->used ? "used" : "free")
                              : kind_word(b);
            fprintf(out, "<g class=\"block %s\" data-addr=\"0x%08lx\" data-size=\"%lu\">",
                    strcmp(cls, "-") == 0 ? "unmanaged" : cls, b->addr, b->size);
            fprintf(out, "<title>0x%08lx: %s, header %lu + data %lu", b->addr, kind_word(b),
                    b->hdr, b->size);
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
                fprintf(out, ", free list #%d", b->free_order);
            fputs("</title>", out);
            /* Outlines only where they do not drown a narrow block. */
            fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\"%s/>",
                    x0, by, w, bh, block_fill(b),
                    w >= 3 ? " stroke=\"#555555\" stroke-width=\"0.5\"" : "");
            if (b->hdr > 0 && b->kind != HM_END)
            {
                double hw = xpos(s, b->addr + b->hdr) - x0;
                if (hw < 1)
                    hw = 1;
                fprintf(out, "<rect class=\"hdr\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
                        "height=\"%d\" fill=\"#222222\"/>", x0, by, hw, bh);
            }
            char label[48] = "";
            if (b->kind == HM_DATA && !b->used && b->free_order)
                snprintf(label, sizeof label, "#%d", b->free_order);
            else if (b->kind == HM_ZI)
                snprintf(label, sizeof label, "ZI");
            else if (b->used && b->owner[0])
                snprintf(label, sizeof label, "%s", b->owner);
            if (label[0] && w > 7.0 * (double)strlen(label) + 6)
            {
                fprintf(out, "<text x=\"%.2f\" y=\"%d\" class=\"bl\">", x0 + w / 2, by + 23);
                xml_escape(out, label);
                fputs("</text>", out);
            }
            fputs("</g>\n", out);
        }
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"ax\">0x%08lx</text>", SVG_LEFT,
                by + bh + 14, s->start);
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"ax\" text-anchor=\"end\">0x%08lx</text>\n",
                SVG_LEFT + SVG_BAR, by + bh + 14, s->end);
        if (s->stats[0])
        {
            fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"st\">", SVG_LEFT + 110, by + bh + 14);
            xml_escape(out, s->stats);
            fputs("</text>\n", out);
        }
        fputs("</g>\n", out);
        y += ROW_H;
    }
    /* Legend: one swatch per owning thread, then the fixed kinds. */
    char seen[32][16];
    int nseen = 0, lx = SVG_LEFT;
    fprintf(out, "<g class=\"legend\">\n");
    for (int i = 0; i < snap->nsections; i++)
        for (int j = 0; j < snap->sections[i].nblocks; j++)
        {
            const struct hm_block *b = &snap->sections[i].blocks[j];
            if (!b->used || b->kind != HM_DATA || !b->thread[0] || nseen == 32)
                continue;
            int dup = 0;
            for (int k = 0; k < nseen; k++)
                dup |= strcmp(seen[k], b->thread) == 0;
            if (dup)
                continue;
            snprintf(seen[nseen++], 16, "%s", b->thread);
            if (lx + 24 + 7 * (int)strlen(b->thread) > SVG_W - 560)
                continue;   /* no room left on the legend's line */
            fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    "<text x=\"%d\" y=\"%d\" class=\"lg\">", lx, y + 2, owner_colour(b),
                    lx + 16, y + 12);
            xml_escape(out, b->thread);
            fputs("</text>\n", out);
            lx += 24 + 7 * (int)strlen(b->thread);
        }
    static const char *const fixed[][2] = {
        { "#ffffff", "free (#n = free-list order)" }, { "#222222", "block header" },
        { "#bab0ac", "ZI (.data + .bss)" }, { "#79706e", "heap control block" },
    };
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
    {
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" "
                "stroke=\"#555555\" stroke-width=\"0.5\"/><text x=\"%d\" y=\"%d\" class=\"lg\">%s"
                "</text>\n", lx, y + 2, fixed[k][0], lx + 16, y + 12, fixed[k][1]);
        lx += 24 + 7 * (int)strlen(fixed[k][1]);
    }
    fputs("</g>\n", out);
}

static int svg_height(const struct hm_snapshot *snap)
{
    return 52 + ROW_H * snap->nsections + 24;
}

static const char svg_style[] =
    "<style>text{font-family:monospace;font-size:11px;fill:#222}"
    ".title{font-size:15px;font-weight:bold}.cap{font-size:12px}"
    ".rt{font-size:12px;font-weight:bold}.bl{text-anchor:middle;fill:#111}"
    ".ax,.st{font-size:10px;fill:#555}</style>\n";

void hm_write_svg(FILE *out, const struct hm_snapshot *snap, const char *title)
{
    int h = svg_height(snap);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\">\n", SVG_W, h, SVG_W, h);
    fputs(svg_style, out);
    fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fafafa\"/>\n", SVG_W, h);
    svg_body(out, snap, title, 0);
    fputs("</svg>\n", out);
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
    "    document.getElementById('selftest').textContent =\n"
    "      'selftest: ' + ok + ' of ' + steps.length + ' steps shown';\n"
    "  }\n"
    "})();\n"
    "//]]>\n";

void hm_write_html(FILE *out, const struct hm_snapshot *snaps, int n, const char *title,
                   char *const *texts, const struct hm_log *log)
{
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n<title>", out);
    xml_escape(out, title);
    fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:1em;background:#fafafa}\n"
          "#controls{position:sticky;top:0;background:#fafafa;padding:.5em 0}\n"
          "#step{width:60%}\npre{font-size:12px;background:#fff;border:1px solid #ddd;"
          "padding:.5em;overflow:auto}\n#log{max-height:18em;position:relative}\n.now{background:#ffeeaa}\n"
          "</style>\n</head>\n<body>\n<h1>", out);
    xml_escape(out, title);
    fprintf(out, "</h1>\n<div id=\"controls\"><input type=\"range\" id=\"step\" min=\"0\" "
            "max=\"%d\" value=\"0\"/> <span id=\"caption\"></span>"
            "<p>Drag the slider or use the arrow keys to step through the run.</p></div>\n"
            "<div id=\"steps\">\n", n > 0 ? n - 1 : 0);
    for (int i = 0; i < n; i++)
    {
        fprintf(out, "<div class=\"step\" id=\"s%d\" data-caption=\"", i);
        xml_escape(out, snaps[i].caption);
        fputs("\">\n", out);
        int h = svg_height(&snaps[i]);
        fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "viewBox=\"0 0 %d %d\">\n", SVG_W, h, SVG_W, h);
        fputs(svg_style, out);
        svg_body(out, &snaps[i], title, 0);
        fputs("</svg>\n<pre>", out);
        if (texts && texts[i])
            xml_escape(out, texts[i]);
        fputs("</pre>\n</div>\n", out);
    }
    fputs("</div>\n<h2>Run log</h2>\n<pre id=\"log\">", out);
    for (int i = 0; log && i < log->n; i++)
    {
        fprintf(out, "<span class=\"ll\" data-step=\"%d\">", log->step_of[i]);
        xml_escape(out, log->lines[i]);
        fputs("\n</span>", out);
    }
    fputs("</pre>\n<p id=\"selftest\"></p>\n<script>\n", out);
    fputs(html_script, out);
    fputs("</script>\n</body>\n</html>\n", out);
}
