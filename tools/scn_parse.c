/*
 * scn_parse.c - lexer and parser of the scenario language.
 *
 * The language is line based: one statement per line, `#` starts a
 * comment, `thread ...` and `irq at ...` open a block that `end` closes.
 * Tokens are words (letters, digits, '_', '-', '.'), numbers (decimal or
 * 0x hex, optional K = x1024), "strings" with \" and \\ escapes, and the
 * operators = == != < <= > >=.  Every error names FILE:LINE:COL and what
 * was expected there.
 *
 *   text ─ one line at a time ─▶ lexer (next: one token of lookahead)
 *        ─▶ parse_line: one statement, the keyword's own rule
 *        ─▶ parse_text: links it into the open block's list
 *
 *   prog->first ─▶ stmt ─▶ thread t1 ─▶ stmt ─▶ ...      (next: same level)
 *                            └ body ─▶ stmt ─▶ irq at 5 ─▶ ...
 *                                                └ body ─▶ stmt
 *
 * Rules:
 *   P1  A statement is one line: after its last operand the lexer must be
 *       at the end of the line (end_of_line), else "expected end of line".
 *   P2  `thread` and `irq at` open a block; `end` closes the innermost.
 *       parse_state keeps one tail pointer per open level (at most
 *       MAX_DEPTH), so a statement is appended in O(1) to its own list.
 *       An `end` with nothing open, a block still open at the end of the
 *       file (the error points just past the last line), and `thread` or
 *       `irq` inside an irq body are errors.
 *   P3  The first error ends the parse (-1); the statements of a failed
 *       line are freed before returning.
 *   P4  `rtsim shell` parses line by line (scn_parse_lines): an open block
 *       is kept between calls and handed over whole once its `end` comes.
 *
 * Why one file (over ~900 lines): the lexer and token helpers above the
 * statement rules are a third of it and serve only parse_line; parse_line
 * is one switch over the keywords, the grammar a reader wants in one
 * place (docs/scenarios.md follows its order).  A new statement is a case
 * there, a keyword in scn_keywords, and its family's file in scn_*.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

enum tok_kind { TK_END, TK_WORD, TK_NUM, TK_STR, TK_OP };

struct tok
{
    enum tok_kind kind;
    int col;            /* 1-based column of the first character */
    char text[256];     /* word, operator or string contents */
    long num;
};

struct lexer
{
    const char *file;
    int line;
    const char *src;    /* the line (not NUL-terminated at end of line) */
    int len;
    int pos;
    struct tok t;       /* current token */
    int failed;
    int show_src;       /* quote the line under the error, a caret at COL */
};

FILE *scn_error_stream;    /* NULL = stderr */

static void perr(struct lexer *lx, int col, const char *fmt, ...)
{
    va_list ap;
    FILE *out = scn_error_stream ? scn_error_stream : stderr;
    if (lx->failed)
        return;
    lx->failed = 1;
    fprintf(out, "%s:%d:%d: error: ", lx->file, lx->line, col);
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    /* The statement as written, as compilers quote it (files only: the
     * shell's line was just typed, and its transcripts stay as they were). */
    if (lx->show_src && lx->src)
    {
        int n = lx->len;
        while (n > 0 && (lx->src[n - 1] == '\r' || lx->src[n - 1] == ' '))
            n--;
        fprintf(out, "    %.*s\n    ", n, lx->src);
        for (int i = 1; i < col && i <= n; i++)
            fputc(lx->src[i - 1] == '\t' ? '\t' : ' ', out);
        fputs("^\n", out);
    }
    fflush(out);
}

static const char *tok_desc(const struct tok *t)
{
    static char buf[300];
    switch (t->kind)
    {
    case TK_END: return "end of line";
    case TK_STR: snprintf(buf, sizeof buf, "string \"%.200s\"", t->text); return buf;
    case TK_NUM: snprintf(buf, sizeof buf, "number %.200s", t->text); return buf;
    case TK_OP:  snprintf(buf, sizeof buf, "'%.200s'", t->text); return buf;
    default:     snprintf(buf, sizeof buf, "\"%.200s\"", t->text); return buf;
    }
}

static int is_word_char(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
}

static void next(struct lexer *lx)
{
    struct tok *t = &lx->t;
    while (lx->pos < lx->len && (lx->src[lx->pos] == ' ' || lx->src[lx->pos] == '\t' ||
                                 lx->src[lx->pos] == '\r'))
        lx->pos++;
    t->col = lx->pos + 1;
    t->text[0] = '\0';
    t->num = 0;
    if (lx->pos >= lx->len || lx->src[lx->pos] == '#')
    {
        t->kind = TK_END;
        return;
    }
    char c = lx->src[lx->pos];
    int n = 0;
    if (c == '"')
    {
        lx->pos++;
        while (lx->pos < lx->len && lx->src[lx->pos] != '"')
        {
            char d = lx->src[lx->pos++];
            if (d == '\\' && lx->pos < lx->len)
            {
                d = lx->src[lx->pos++];
                if (d == 'n')
                    d = '\n';
            }
            if (n < (int)sizeof t->text - 1)
                t->text[n++] = d;
        }
        t->text[n] = '\0';
        if (lx->pos >= lx->len)
        {
            perr(lx, t->col, "unterminated string: expected a closing '\"'");
            t->kind = TK_END;
            return;
        }
        lx->pos++;
        t->kind = TK_STR;
        return;
    }
    if (strchr("=!<>", c))
    {
        t->text[n++] = c;
        lx->pos++;
        if (lx->pos < lx->len && lx->src[lx->pos] == '=')
        {
            t->text[n++] = '=';
            lx->pos++;
        }
        t->text[n] = '\0';
        if (strcmp(t->text, "!") == 0)
        {
            perr(lx, t->col, "expected '!=', found '!'");
            t->kind = TK_END;
            return;
        }
        t->kind = TK_OP;
        return;
    }
    if (is_word_char((unsigned char)c))
    {
        while (lx->pos < lx->len && is_word_char((unsigned char)lx->src[lx->pos]))
        {
            if (n < (int)sizeof t->text - 1)
                t->text[n++] = lx->src[lx->pos];
            lx->pos++;
        }
        t->text[n] = '\0';
        t->kind = TK_WORD;
        if (isdigit((unsigned char)t->text[0]))
        {
            char *end;
            int hex = t->text[0] == '0' && (t->text[1] == 'x' || t->text[1] == 'X');
            errno = 0;
            t->num = strtol(t->text, &end, hex ? 16 : 10);
            int too_big = errno == ERANGE;
            if ((*end == 'K' || *end == 'k') && end[1] == '\0')
            {
                if (t->num > LONG_MAX / 1024)
                    too_big = 1;        /* the product would overflow a long */
                else
                    t->num *= 1024;
                end++;
            }
            if (too_big)
            {
                perr(lx, t->col, "number \"%s\" is too large", t->text);
                t->kind = TK_END;
                return;
            }
            if (*end)
            {
                perr(lx, t->col, "bad number \"%s\": expected digits, 0x-hex digits, "
                     "optionally followed by K", t->text);
                t->kind = TK_END;
                return;
            }
            t->kind = TK_NUM;
        }
        return;
    }
    perr(lx, t->col, "unexpected character '%c'", c);
    t->kind = TK_END;
}

/* ----------------------------------------------------------- helpers */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
    {
        fprintf(stderr, "rtsim: out of memory\n");
        exit(1);
    }
    return d;
}

static int is_word(struct lexer *lx, const char *w)
{
    return lx->t.kind == TK_WORD && strcmp(lx->t.text, w) == 0;
}

static int accept(struct lexer *lx, const char *w)
{
    if (is_word(lx, w))
    {
        next(lx);
        return 1;
    }
    return 0;
}

static int expect_word(struct lexer *lx, const char *w)
{
    if (accept(lx, w))
        return 0;
    perr(lx, lx->t.col, "expected \"%s\", found %s", w, tok_desc(&lx->t));
    return -1;
}

/* A name: a word that starts with a letter or '_'. */
static char *take_name(struct lexer *lx, const char *what)
{
    if (lx->t.kind != TK_WORD || !(isalpha((unsigned char)lx->t.text[0]) || lx->t.text[0] == '_'))
    {
        perr(lx, lx->t.col, "expected %s, found %s", what, tok_desc(&lx->t));
        return NULL;
    }
    char *s = xstrdup(lx->t.text);
    next(lx);
    return s;
}

static int take_num(struct lexer *lx, const char *what, long *out)
{
    if (lx->t.kind != TK_NUM)
    {
        perr(lx, lx->t.col, "expected %s (a number), found %s", what, tok_desc(&lx->t));
        return -1;
    }
    *out = lx->t.num;
    next(lx);
    return 0;
}

static int end_of_line(struct lexer *lx)
{
    if (lx->t.kind == TK_END)
        return 0;
    perr(lx, lx->t.col, "expected end of line, found %s", tok_desc(&lx->t));
    return -1;
}

static const char *const heap_algos[] = {
    "smallmem", "smallmem-classic", "slab", "memheap", "tlsf", NULL
};

static int known(const char *const *list, const char *w)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], w) == 0)
            return 1;
    return 0;
}

static const char *const quantities[] = {
    "free", "used", "max_used", "total", "largest", "free_blocks", "failed",
    "tick", "check", "frag", "waiting", "block_size", NULL
};

const char *const scn_keywords[] = {
    "say", "board", "map", "stats", "headers", "free", "heap", "pool", "pool_delete",
    "mp_free", "delay", "thread", "irq", "msh", "check", "expect", "set", "end",
    "sem", "mutex", "take", "release", "mailbox", "mqueue", "mb_send", "mb_urgent",
    "mb_delete", "mq_send", "mq_urgent", "mq_delete", NULL
};

int scn_is_keyword(const char *word)
{
    return known(scn_keywords, word);
}

/* ------------------------------------------------------- statements */

static struct scn_stmt *new_stmt(struct lexer *lx, enum scn_op op)
{
    struct scn_stmt *s = calloc(1, sizeof *s);
    if (!s)
    {
        fprintf(stderr, "rtsim: out of memory\n");
        exit(1);
    }
    s->op = op;
    s->file = lx->file;
    s->line = lx->line;
    /* The statement text without comment and surrounding blanks. */
    int a = 0, b = lx->len;
    int in_str = 0;
    for (int i = 0; i < lx->len; i++)
    {
        if (lx->src[i] == '"')
            in_str = !in_str;
        else if (lx->src[i] == '#' && !in_str)
        {
            b = i;
            break;
        }
    }
    while (a < b && isspace((unsigned char)lx->src[a]))
        a++;
    s->col = a + 1;
    while (b > a && isspace((unsigned char)lx->src[b - 1]))
        b--;
    s->text = malloc((size_t)(b - a) + 1);
    if (!s->text)
        exit(1);
    memcpy(s->text, lx->src + a, (size_t)(b - a));
    s->text[b - a] = '\0';
    return s;
}

static int parse_cmp(struct lexer *lx, enum scn_cmp *cmp)
{
    static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
    if (lx->t.kind == TK_OP)
    {
        for (int i = 0; i < 6; i++)
            if (strcmp(lx->t.text, ops[i]) == 0)
            {
                *cmp = (enum scn_cmp)i;
                next(lx);
                return 0;
            }
    }
    perr(lx, lx->t.col, "expected a comparison (== != < <= > >=), found %s", tok_desc(&lx->t));
    return -1;
}

/* expect deadlock | waiting | assert | memory | expect VAR ==|!= NULL|VAR|ADDRESS
 *               | expect [HEAP.]QUANTITY OP NUMBER */
static int parse_expect(struct lexer *lx, struct scn_stmt *s)
{
    if (lx->t.kind != TK_WORD || isdigit((unsigned char)lx->t.text[0]))
    {
        perr(lx, lx->t.col, "expected what to check (a variable, a quantity such as free, "
             "used, largest, tick, or \"deadlock\" / \"waiting\" / \"assert\" / \"memory\"), found %s", tok_desc(&lx->t));
        return -1;
    }
    if (accept(lx, "deadlock") || accept(lx, "waiting") || accept(lx, "assert") ||
        accept(lx, "memory"))
    {
        s->flag = SCN_EXP_OUTCOME;
        s->num[0] = strstr(s->text, "deadlock") ? RT_SIM_EDEADLOCK
                  : strstr(s->text, "waiting") ? RT_SIM_EWAITING
                  : strstr(s->text, "memory") ? RT_SIM_EMEMORY : RT_SIM_EASSERT;
        return end_of_line(lx);
    }
    int col = lx->t.col;
    char word[256];
    snprintf(word, sizeof word, "%s", lx->t.text);
    next(lx);
    char *dot = strchr(word, '.');
    const char *qty = dot ? dot + 1 : word;
    if (dot || known(quantities, word))
    {
        if (!known(quantities, qty))
        {
            perr(lx, col + (int)(qty - word), "unknown quantity \"%s\": expected one of free, "
                 "used, max_used, total, largest, free_blocks, failed, tick, check, frag, "
                 "waiting, block_size", qty);
            return -1;
        }
        s->flag = SCN_EXP_QUANTITY;
        s->name2 = xstrdup(qty);
        if (dot)
        {
            *dot = '\0';
            s->name = xstrdup(word);
        }
        if (parse_cmp(lx, &s->cmp) || take_num(lx, "a value to compare with", &s->num[0]))
            return -1;
        return end_of_line(lx);
    }
    s->name = xstrdup(word);
    if (parse_cmp(lx, &s->cmp))
        return -1;
    if (s->cmp != SCN_EQ && s->cmp != SCN_NE)
    {
        perr(lx, col, "a variable compares only with == or != (NULL, another variable "
             "or an address)");
        return -1;
    }
    if (accept(lx, "NULL"))
        s->flag = SCN_EXP_NULL;
    else if (lx->t.kind == TK_NUM)
    {
        s->flag = SCN_EXP_ADDR;
        s->num[0] = lx->t.num;
        next(lx);
    }
    else
    {
        s->flag = SCN_EXP_SAME;
        if (!(s->name2 = take_name(lx, "NULL, a variable or an address")))
            return -1;
    }
    return end_of_line(lx);
}

/* VAR = malloc|calloc|realloc|mp_alloc ... */
static int parse_assign(struct lexer *lx, struct scn_stmt **out, char *var)
{
    struct scn_stmt *s = NULL;
    int col = lx->t.col;
    if (accept(lx, "malloc"))
    {
        s = new_stmt(lx, SCN_MALLOC);
        if (accept(lx, "rand"))
        {
            /* malloc rand MIN MAX: a size drawn from the run's seeded generator */
            s->flag = 1;
            if (take_num(lx, "the smallest size", &s->num[0]) ||
                take_num(lx, "the largest size", &s->num[1]))
                goto fail;
            if (s->num[1] < s->num[0])
            {
                perr(lx, lx->t.col, "the largest size %ld is below the smallest %ld",
                     s->num[1], s->num[0]);
                goto fail;
            }
        }
        else if (take_num(lx, "a size in bytes or \"rand MIN MAX\"", &s->num[0]))
            goto fail;
        if (accept(lx, "in") && !(s->name = take_name(lx, "a heap name after \"in\"")))
            goto fail;
    }
    else if (accept(lx, "calloc"))
    {
        s = new_stmt(lx, SCN_CALLOC);
        if (take_num(lx, "an element count", &s->num[0]) ||
            take_num(lx, "an element size", &s->num[1]))
            goto fail;
    }
    else if (accept(lx, "realloc"))
    {
        s = new_stmt(lx, SCN_REALLOC);
        if (!(s->name = take_name(lx, "the variable to resize")) ||
            take_num(lx, "the new size in bytes", &s->num[0]))
            goto fail;
    }
    else if (is_word(lx, "mb_recv") || is_word(lx, "mq_recv"))
    {
        s = new_stmt(lx, lx->t.text[1] == 'b' ? SCN_MB_RECV : SCN_MQ_RECV);
        next(lx);
        if (!(s->name = take_name(lx, s->op == SCN_MB_RECV ? "a mailbox name"
                                                            : "a message queue name")))
            goto fail;
        s->flag = SCN_MSG_WAIT;
        if (accept(lx, "forever"))
            s->flag |= SCN_MSG_FOREVER;
        else if (take_num(lx, "a timeout in ticks or \"forever\"", &s->num[1]))
            goto fail;
    }
    else if (accept(lx, "mp_alloc"))
    {
        s = new_stmt(lx, SCN_MP_ALLOC);
        if (!(s->name = take_name(lx, "a pool name")))
            goto fail;
        if (accept(lx, "forever"))
            s->flag = 1;
        else if (take_num(lx, "a timeout in ticks or \"forever\"", &s->num[0]))
            goto fail;
    }
    else
    {
        perr(lx, col, "expected malloc, calloc, realloc, mp_alloc, mb_recv or mq_recv after '=', "
             "found %s",
             tok_desc(&lx->t));
        free(var);
        return -1;
    }
    s->var = var;
    if (end_of_line(lx))
        goto fail2;
    *out = s;
    return 0;
fail:
    s->var = var;
fail2:
    scn_free_stmts(s);
    return -1;
}

/* One line.  *out = the statement (NULL for an empty line); *opens = 1
 * for a block opener, *closes = 1 for `end`. */
static int parse_line(struct lexer *lx, struct scn_program *prog, struct scn_stmt **out,
                      int *opens, int *closes)
{
    *out = NULL;
    *opens = *closes = 0;
    next(lx);
    if (lx->failed)
        return -1;
    if (lx->t.kind == TK_END)
        return 0;
    if (lx->t.kind != TK_WORD || isdigit((unsigned char)lx->t.text[0]))
    {
        perr(lx, lx->t.col, "expected a statement, found %s", tok_desc(&lx->t));
        return -1;
    }
    int col = lx->t.col;
    char first[256];
    snprintf(first, sizeof first, "%s", lx->t.text);
    next(lx);
    struct scn_stmt *s = NULL;

    if (lx->t.kind == TK_OP && strcmp(lx->t.text, "=") == 0)
    {
        if (!isalpha((unsigned char)first[0]) && first[0] != '_')
        {
            perr(lx, col, "expected a variable name before '='");
            return -1;
        }
        if (known(scn_keywords, first) || known(quantities, first) || strcmp(first, "NULL") == 0)
        {
            perr(lx, col, "\"%s\" is a reserved word: expected a variable name", first);
            return -1;
        }
        next(lx);
        return parse_assign(lx, out, xstrdup(first));
    }
    if (strcmp(first, "end") == 0)
    {
        *closes = 1;
        return end_of_line(lx);
    }
    if (strcmp(first, "set") == 0)
    {
        if (!prog)
        {
            perr(lx, col, "\"set\" belongs at the start of a scenario file, before the run "
                 "starts (use --board/--heap/--seed on the command line)");
            return -1;
        }
        int kcol = lx->t.col;
        char *key = take_name(lx, "a setting (board, heap, seed, wake, tick_limit)");
        if (!key)
            return -1;
        int rc = 0;
        if (strcmp(key, "board") == 0 || strcmp(key, "heap") == 0)
        {
            int vcol = lx->t.col;
            if (lx->t.kind != TK_WORD && lx->t.kind != TK_STR)
            {
                perr(lx, vcol, "expected a %s name, found %s", key, tok_desc(&lx->t));
                rc = -1;
            }
            else if (strcmp(key, "heap") == 0 && !known(heap_algos, lx->t.text))
            {
                perr(lx, vcol, "unknown heap algorithm \"%s\": expected smallmem, "
                     "smallmem-classic, slab, memheap or tlsf", lx->t.text);
                rc = -1;
            }
            else
            {
                /* A later `set` wins; the earlier value is freed. */
                const char **slot = key[0] == 'b' ? &prog->board : &prog->heap;
                free((char *)*slot);
                *slot = xstrdup(lx->t.text);
                next(lx);
            }
        }
        else if (strcmp(key, "seed") == 0)
            rc = take_num(lx, "a seed", &prog->seed);
        else if (strcmp(key, "tick_limit") == 0)
            rc = take_num(lx, "a tick", &prog->tick_limit);
        else if (strcmp(key, "wake") == 0)
        {
            if (accept(lx, "lifo"))
                prog->wake_fifo = 0;
            else if (accept(lx, "fifo"))
                prog->wake_fifo = 1;
            else
            {
                perr(lx, lx->t.col, "expected lifo or fifo, found %s", tok_desc(&lx->t));
                rc = -1;
            }
        }
        else
        {
            perr(lx, kcol, "unknown setting \"%s\": expected board, heap, seed, wake or "
                 "tick_limit", key);
            rc = -1;
        }
        free(key);
        return rc ? rc : end_of_line(lx);
    }
    if (strcmp(first, "say") == 0)
    {
        s = new_stmt(lx, SCN_SAY);
        if (lx->t.kind != TK_STR)
        {
            perr(lx, lx->t.col, "expected a \"quoted text\" after say, found %s",
                 tok_desc(&lx->t));
            goto fail;
        }
        s->str = xstrdup(lx->t.text);
        next(lx);
    }
    else if (strcmp(first, "board") == 0)
        s = new_stmt(lx, SCN_BOARD);
    else if (strcmp(first, "check") == 0)
        s = new_stmt(lx, SCN_CHECK);
    else if (strcmp(first, "map") == 0 || strcmp(first, "stats") == 0)
    {
        s = new_stmt(lx, first[0] == 'm' ? SCN_MAP : SCN_STATS);
        /* Names of the heaps to show, space separated, kept in str. */
        char names[512] = "";
        while (lx->t.kind == TK_WORD)
        {
            char *n = take_name(lx, "a heap or pool name");
            if (!n)
                goto fail;
            if (strlen(names) + strlen(n) + 2 < sizeof names)
            {
                strcat(names, " ");
                strcat(names, n);
            }
            free(n);
        }
        if (names[0])
            s->str = xstrdup(names + 1);
    }
    else if (strcmp(first, "headers") == 0)
    {
        s = new_stmt(lx, SCN_HEADERS);
        if (!(s->name = take_name(lx, "a heap name")))
            goto fail;
        if (lx->t.kind == TK_WORD && !(s->name2 = take_name(lx, "a second heap name")))
            goto fail;
    }
    else if (strcmp(first, "free") == 0 || strcmp(first, "mp_free") == 0)
    {
        s = new_stmt(lx, first[0] == 'f' ? SCN_FREE : SCN_MP_FREE);
        if (!(s->name = take_name(lx, "the variable to free")))
            goto fail;
    }
    else if (strcmp(first, "heap") == 0)
    {
        s = new_stmt(lx, SCN_HEAP);
        if (!(s->name = take_name(lx, "a name for the heap")))
            goto fail;
        int acol = lx->t.col;
        if (lx->t.kind != TK_WORD || !known(heap_algos, lx->t.text))
        {
            perr(lx, acol, "expected a heap algorithm (smallmem, smallmem-classic, slab, "
                 "memheap, tlsf), found %s", tok_desc(&lx->t));
            goto fail;
        }
        s->str = xstrdup(lx->t.text);
        next(lx);
        if (accept(lx, "region"))
        {
            s->flag = 1;
            if (!(s->name2 = take_name(lx, "a region name of the board (e.g. CCM)")))
                goto fail;
        }
        else if (take_num(lx, "a size in bytes or \"region NAME\"", &s->num[0]))
            goto fail;
    }
    else if (strcmp(first, "pool") == 0)
    {
        s = new_stmt(lx, SCN_POOL);
        if (!(s->name = take_name(lx, "a name for the pool")) ||
            take_num(lx, "a block count", &s->num[0]) ||
            take_num(lx, "a block size in bytes", &s->num[1]))
            goto fail;
        if (s->num[0] < 1 || s->num[1] < 1)
        {
            perr(lx, col, "a pool needs at least one block of at least one byte");
            goto fail;
        }
    }
    else if (strcmp(first, "pool_delete") == 0)
    {
        s = new_stmt(lx, SCN_POOL_DELETE);
        if (!(s->name = take_name(lx, "a pool name")))
            goto fail;
    }
    else if (strcmp(first, "mailbox") == 0 || strcmp(first, "mqueue") == 0)
    {
        int is_mb = first[1] == 'a';
        s = new_stmt(lx, is_mb ? SCN_MAILBOX : SCN_MQUEUE);
        if (!(s->name = take_name(lx, is_mb ? "a name for the mailbox" : "a name for the queue")))
            goto fail;
        int ncol = lx->t.col;
        if (take_num(lx, is_mb ? "a size in mails" : "a message size in bytes", &s->num[0]) ||
            (!is_mb && take_num(lx, "a number of messages", &s->num[1])))
            goto fail;
        if (s->num[0] < 1 || s->num[0] > 65535 || (!is_mb && (s->num[1] < 1 || s->num[1] > 65535)))
        {
            perr(lx, ncol, is_mb ? "a mailbox holds 1 to 65535 mails"
                                 : "a queue needs 1 to 65535 messages of 1 to 65535 bytes");
            goto fail;
        }
        if (accept(lx, "prio"))
            s->flag = 1;
        else
            (void)accept(lx, "fifo");
    }
    else if (!strcmp(first, "mb_send") || !strcmp(first, "mb_urgent") ||
             !strcmp(first, "mq_send") || !strcmp(first, "mq_urgent"))
    {
        int is_mb = first[1] == 'b', urgent = first[3] == 'u';
        s = new_stmt(lx, is_mb ? (urgent ? SCN_MB_URGENT : SCN_MB_SEND)
                               : (urgent ? SCN_MQ_URGENT : SCN_MQ_SEND));
        if (!(s->name = take_name(lx, is_mb ? "a mailbox name" : "a message queue name")))
            goto fail;
        if (lx->t.kind == TK_NUM)
            take_num(lx, "a value", &s->num[0]);
        else if (!(s->name2 = take_name(lx, "a variable or a number to send")))
            goto fail;
        if (!urgent && lx->t.kind != TK_END)
        {
            s->flag = SCN_MSG_WAIT;
            if (accept(lx, "forever"))
                s->flag |= SCN_MSG_FOREVER;
            else if (take_num(lx, "a timeout in ticks or \"forever\"", &s->num[1]))
                goto fail;
        }
    }
    else if (strcmp(first, "mb_delete") == 0 || strcmp(first, "mq_delete") == 0)
    {
        int is_mb = first[1] == 'b';
        s = new_stmt(lx, is_mb ? SCN_MB_DELETE : SCN_MQ_DELETE);
        if (!(s->name = take_name(lx, is_mb ? "a mailbox name" : "a message queue name")))
            goto fail;
    }
    else if (strcmp(first, "sem") == 0)
    {
        s = new_stmt(lx, SCN_SEM);
        if (!(s->name = take_name(lx, "a name for the semaphore")) ||
            take_num(lx, "an initial count", &s->num[0]))
            goto fail;
    }
    else if (strcmp(first, "mutex") == 0 || strcmp(first, "release") == 0)
    {
        s = new_stmt(lx, first[0] == 'm' ? SCN_MUTEX : SCN_RELEASE);
        if (!(s->name = take_name(lx, first[0] == 'm' ? "a name for the mutex"
                                                       : "a semaphore or mutex name")))
            goto fail;
    }
    else if (strcmp(first, "take") == 0)
    {
        s = new_stmt(lx, SCN_TAKE);
        if (!(s->name = take_name(lx, "a semaphore or mutex name")))
            goto fail;
        if (accept(lx, "forever"))
            s->flag = 1;
        else if (take_num(lx, "a timeout in ticks or \"forever\"", &s->num[0]))
            goto fail;
    }
    else if (strcmp(first, "delay") == 0)
    {
        s = new_stmt(lx, SCN_DELAY);
        if (take_num(lx, "a number of ticks", &s->num[0]))
            goto fail;
    }
    else if (strcmp(first, "thread") == 0)
    {
        s = new_stmt(lx, SCN_THREAD);
        if (!(s->name = take_name(lx, "a thread name")))
            goto fail;
        if (strlen(s->name) > 8)
        {
            perr(lx, col + 7, "thread name \"%s\" is longer than 8 characters (RT_NAME_MAX "
                 "of a typical board)", s->name);
            goto fail;
        }
        if (expect_word(lx, "prio") || take_num(lx, "a priority, 0 = highest,", &s->num[0]))
            goto fail;
        if (s->num[0] < 0 || s->num[0] >= RT_THREAD_PRIORITY_MAX - 1)
        {
            perr(lx, col, "priority %ld out of range: expected 0 to %d", s->num[0],
                 RT_THREAD_PRIORITY_MAX - 2);
            goto fail;
        }
        s->num[1] = 1024;
        s->num[2] = 10;
        for (;;)
        {
            if (accept(lx, "stack"))
            {
                if (take_num(lx, "a stack size in bytes", &s->num[1]))
                    goto fail;
            }
            else if (accept(lx, "slice"))
            {
                if (take_num(lx, "a time slice in ticks", &s->num[2]))
                    goto fail;
            }
            else
                break;
        }
        *opens = 1;
    }
    else if (strcmp(first, "irq") == 0)
    {
        s = new_stmt(lx, SCN_IRQ);
        if (expect_word(lx, "at") || take_num(lx, "a tick", &s->num[0]))
            goto fail;
        *opens = 1;
    }
    else if (strcmp(first, "msh") == 0)
    {
        s = new_stmt(lx, SCN_MSH);
        int p = lx->t.col - 1;
        if (lx->t.kind == TK_END)
        {
            perr(lx, lx->t.col, "expected a shell command after msh (e.g. msh free)");
            goto fail;
        }
        int e = lx->len;
        while (e > p && isspace((unsigned char)lx->src[e - 1]))
            e--;
        s->str = calloc(1, (size_t)(e - p) + 1);
        if (!s->str)
            exit(1);
        memcpy(s->str, lx->src + p, (size_t)(e - p));
        *out = s;
        return 0;
    }
    else if (strcmp(first, "expect") == 0)
    {
        s = new_stmt(lx, SCN_EXPECT);
        if (parse_expect(lx, s))
            goto fail;
        if (s->flag == SCN_EXP_OUTCOME)
        {
            if (!prog)
            {
                perr(lx, col, "\"%s\" belongs in a scenario file", s->text);
                goto fail;
            }
            prog->expect_outcome = (int)s->num[0];
        }
        *out = s;
        return 0;
    }
    else
    {
        perr(lx, col, "unknown statement \"%s\": expected say, board, map, stats, headers, "
             "VAR = malloc/calloc/realloc/mp_alloc, free, heap, pool, pool_delete, mp_free, "
             "sem, mutex, take, release, mailbox, mqueue, mb_send, mb_urgent, mb_delete, "
             "mq_send, mq_urgent, mq_delete, delay, thread, irq, msh, check, expect, set or end",
             first);
        return -1;
    }
    if (end_of_line(lx))
        goto fail;
    *out = s;
    return 0;
fail:
    scn_free_stmts(s);
    return -1;
}

/* ------------------------------------------------------------ blocks */

#define MAX_DEPTH 8

struct parse_state
{
    struct scn_stmt **tail[MAX_DEPTH + 1];
    struct scn_stmt *open[MAX_DEPTH + 1];
    int depth;
};

static int parse_text(const char *file, int first_line, const char *text,
                      struct scn_program *prog, struct parse_state *ps)
{
    struct lexer lx = { 0 };
    lx.file = file;
    lx.line = first_line - 1;
    lx.show_src = prog != NULL;
    const char *p = text;
    while (*p)
    {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        lx.line++;
        lx.src = p;
        lx.len = len;
        lx.pos = 0;
        struct scn_stmt *s;
        int opens, closes;
        if (parse_line(&lx, prog, &s, &opens, &closes))
            return -1;
        if (closes)
        {
            if (ps->depth == 0)
            {
                perr(&lx, 1, "\"end\" without an open thread or irq block");
                return -1;
            }
            ps->depth--;
        }
        else if (s)
        {
            if (ps->depth > 0 && (s->op == SCN_THREAD || s->op == SCN_IRQ) &&
                ps->open[ps->depth]->op == SCN_IRQ)
            {
                perr(&lx, 1, "an interrupt handler cannot start threads or raise interrupts");
                scn_free_stmts(s);
                return -1;
            }
            *ps->tail[ps->depth] = s;
            ps->tail[ps->depth] = &s->next;
            if (opens)
            {
                if (ps->depth == MAX_DEPTH)
                {
                    perr(&lx, 1, "blocks nested deeper than %d", MAX_DEPTH);
                    return -1;
                }
                ps->depth++;
                ps->open[ps->depth] = s;
                ps->tail[ps->depth] = &s->body;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

int scn_parse(const char *file, const char *text, struct scn_program *prog)
{
    memset(prog, 0, sizeof *prog);
    prog->seed = -1;
    prog->wake_fifo = -1;
    prog->tick_limit = -1;
    struct parse_state ps = { 0 };
    ps.tail[0] = &prog->first;
    if (parse_text(file, 1, text, prog, &ps))
        return -1;
    if (ps.depth > 0)
    {
        struct scn_stmt *o = ps.open[ps.depth];
        int lines = 1;
        for (const char *q = text; *q; q++)
            if (*q == '\n' && q[1])
                lines++;
        fprintf(scn_error_stream ? scn_error_stream : stderr,
                "%s:%d:1: error: end of file inside the %s block opened at line %d: "
                "expected \"end\"\n", file, lines + 1, o->op == SCN_THREAD ? "thread" : "irq",
                o->line);
        return -1;
    }
    return 0;
}

/* The shell feeds lines one at a time; an open block is kept here. */
static struct parse_state shell_ps;
static struct scn_stmt *shell_first;

int scn_parse_lines(const char *file, int first_line, const char *text,
                    struct scn_stmt **first, int *more)
{
    if (shell_ps.depth == 0)
    {
        shell_first = NULL;
        shell_ps.tail[0] = &shell_first;
    }
    *first = NULL;
    if (parse_text(file, first_line, text, NULL, &shell_ps))
    {
        scn_free_stmts(shell_first);
        shell_first = NULL;
        shell_ps.depth = 0;
        *more = 0;
        return -1;
    }
    *more = shell_ps.depth > 0;
    if (!*more)
    {
        *first = shell_first;
        shell_first = NULL;
    }
    return 0;
}

void scn_free_stmts(struct scn_stmt *s)
{
    while (s)
    {
        struct scn_stmt *n = s->next;
        scn_free_stmts(s->body);
        free(s->text);
        free(s->var);
        free(s->name);
        free(s->name2);
        free(s->str);
        free(s);
        s = n;
    }
}

void scn_free(struct scn_program *prog)
{
    scn_free_stmts(prog->first);
    free((char *)prog->board);
    free((char *)prog->heap);
    memset(prog, 0, sizeof *prog);
}
