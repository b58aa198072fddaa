/*
 * fuzz_boardmap.c - `rtsim board` (tools/board_from_map.c) on arbitrary
 * bytes, read both as a GNU ld map file and as a linker script.  It must
 * never crash, overrun or leak, and:
 *
 *   M1  bfm_from_map / bfm_from_lds return 0 or 1;
 *   M2  1 comes with one message that starts with the file's path and
 *       nothing on the output; 0 comes with a board file on the output and
 *       no message;
 *   M3  a printed board file is one rtsim accepts (sim_board_parse_file).
 *
 * The input is written to a temporary file (the tool reads a path).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "board_from_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bad(const char *what)
{
    fprintf(stderr, "fuzz_boardmap: breaks %s\n", what);
    abort();
}

static void tmpname(char *path, size_t cap)
{
    int fd;

    snprintf(path, cap, "/tmp/rtsim-boardmap-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
}

static void one(const char *path, const char *board_path, int from_map)
{
    char *out = NULL, *msg = NULL;
    size_t out_len = 0, msg_len = 0;
    FILE *o = open_memstream(&out, &out_len), *e = open_memstream(&msg, &msg_len);
    int rc;

    if (!o || !e)
        abort();
    rc = from_map ? bfm_from_map(path, NULL, o, e) : bfm_from_lds(path, NULL, o, e);
    fclose(o);
    fclose(e);
    if (rc != 0 && rc != 1)
        bad("M1");
    if (rc == 1 && (out_len != 0 || msg_len == 0 || strncmp(msg, path, strlen(path)) != 0))
        bad("M2 (an error)");
    if (rc == 0 && (out_len == 0 || msg_len != 0))
        bad("M2 (a board)");
    if (rc == 0)
    {
        struct sim_board b;
        FILE *f = fopen(board_path, "w"), *null = fopen("/dev/null", "w");
        if (!f || !null)
            abort();
        fwrite(out, 1, out_len, f);
        fclose(f);
        if (sim_board_parse_file(board_path, &b, null) != 0)
        {
            fprintf(stderr, "%s", out);
            bad("M3");
        }
        fclose(null);
    }
    free(out);
    free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64], board_path[64];
    FILE *f;

    if (path[0] == '\0')
    {
        tmpname(path, sizeof path);
        tmpname(board_path, sizeof board_path);
    }
    f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    one(path, board_path, 1);
    one(path, board_path, 0);
    return 0;
}
