/*
 * fuzz_boardfile.c - the board-file parser (sim/boardfile.c) on arbitrary
 * bytes: it must never crash, overrun or leak, and whatever it accepts must
 * be a consistent board:
 *
 *   B1  sim_board_parse_file returns 0 or -1, and -1 comes with a message;
 *   B2  an accepted board has a NUL-terminated name, description and region
 *       names, 1..SIM_BOARD_MAX_REGIONS regions of non-zero size ending by
 *       4 GiB, zi and heap regions in range, ZI inside its region;
 *   B3  an accepted board passes sim_board_validate again.
 *
 * The input is written to a temporary file (the parser reads a path).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bad(const char *what)
{
    fprintf(stderr, "fuzz_boardfile: accepted board breaks %s\n", what);
    abort();
}

static int nul_in(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct sim_board b;
    char *msg = NULL;
    size_t msg_len = 0;
    FILE *f, *err;
    int rc;

    if (path[0] == '\0')
    {
        int fd;
        snprintf(path, sizeof path, "/tmp/rtsim-boardfuzz-XXXXXX");
        fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
    }
    f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);

    err = open_memstream(&msg, &msg_len);
    if (err == NULL)
        abort();
    rc = sim_board_parse_file(path, &b, err);
    fclose(err);

    if (rc != 0 && rc != -1)
        bad("B1 (return value)");
    if (rc == -1 && msg_len == 0)
        bad("B1 (no message)");
    if (rc == 0)
    {
        if (!nul_in(b.name, sizeof b.name) || b.name[0] == '\0' ||
            !nul_in(b.description, sizeof b.description))
            bad("B2 (names)");
        if (b.nregions < 1 || b.nregions > SIM_BOARD_MAX_REGIONS)
            bad("B2 (region count)");
        for (int i = 0; i < b.nregions; i++)
        {
            if (!nul_in(b.region[i].name, sizeof b.region[i].name) || b.region[i].size == 0 ||
                (unsigned long long)b.region[i].base + b.region[i].size > 0x100000000ull)
                bad("B2 (region)");
        }
        if (b.zi_region < 0 || b.zi_region >= b.nregions || b.heap_region < 0 ||
            b.heap_region >= b.nregions || b.zi_size > b.region[b.zi_region].size)
            bad("B2 (zi / heap)");
        err = fopen("/dev/null", "w");
        if (err == NULL)
            abort();
        if (sim_board_validate(&b, path, err) != 0)
            bad("B3");
        fclose(err);
    }
    free(msg);
    return 0;
}
