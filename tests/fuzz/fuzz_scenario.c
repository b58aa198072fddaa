/*
 * fuzz_scenario.c - the scenario parser (tools/scn_parse.c) on arbitrary
 * bytes: it must never crash, overrun or leak (ASan/LSan in the fuzzer,
 * memcheck in CI), and must say why it refused:
 *
 *   S1  scn_parse returns 0 or -1, and -1 comes with a message;
 *   S2  the shell's line mode (scn_parse_lines) on the same text, line by
 *       line as the shell feeds it, returns 0 or -1 and leaks nothing.
 *
 * The input is cut at its first NUL (the parser reads C strings).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bad(const char *what)
{
    fprintf(stderr, "fuzz_scenario: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scn_program prog;
    char *text = malloc(size + 1), *msg = NULL, *line, *save = NULL;
    size_t msg_len = 0;
    int rc, lineno = 0;
    FILE *err;

    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';

    /* S1 */
    err = open_memstream(&msg, &msg_len);
    if (err == NULL)
        abort();
    scn_error_stream = err;
    memset(&prog, 0, sizeof prog);
    rc = scn_parse("fuzz.rts", text, &prog);
    fflush(err);
    if (rc != 0 && rc != -1)
        bad("S1: scn_parse returned neither 0 nor -1");
    if (rc == -1 && msg_len == 0)
        bad("S1: a refusal without a message");
    scn_free(&prog);        /* the caller frees, refused or not (test_cli_parse) */

    /* S2 */
    int more = 0;
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
    {
        struct scn_stmt *first = NULL;

        rc = scn_parse_lines("shell", ++lineno, line, &first, &more);
        if (rc != 0 && rc != -1)
            bad("S2: scn_parse_lines returned neither 0 nor -1");
        if (rc == 0)
            scn_free_stmts(first);
    }
    /* Close blocks left open, so that no state leaks into the next input. */
    for (int i = 0; more && i < 64; i++)
    {
        struct scn_stmt *first = NULL;

        if (scn_parse_lines("shell", ++lineno, "end", &first, &more) == 0)
            scn_free_stmts(first);
    }
    if (more)
        bad("S2: 64 'end' lines did not close the open blocks");
    scn_error_stream = NULL;
    fclose(err);
    free(msg);
    free(text);
    return 0;
}
