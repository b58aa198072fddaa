/*
 * board_from_map.h - a board file (docs/boards.md) from a firmware's GNU ld
 * map file or from its linker script's MEMORY block (`rtsim board`).
 *
 * Plain C with stdio only: no rtsim kernel, so tests/fuzz can link it alone.
 */
#ifndef RTSIM_BOARD_FROM_MAP_H__
#define RTSIM_BOARD_FROM_MAP_H__

#include <stdio.h>

struct bfm_options
{
    /* The ZI end: a symbol of the map (default: __bss_end, else _ebss, else
     * end, else the end of the .bss output section), or an address
     * (0x20001234: the only way with a linker script).  NULL = default. */
    const char *zi_end;
    /* The board's name; NULL = the input file's name without directory
     * and extension. */
    const char *name;
};

/* Read the map file at `path` and print a board file on `out`.  Returns 0,
 * or 1 after printing one "FILE:LINE: expected ..." message on `err`
 * (nothing is printed on `out` then).  Never crashes on any input. */
int bfm_from_map(const char *path, const struct bfm_options *opt, FILE *out, FILE *err);

/* The same from a linker script's MEMORY block.  Without opt->zi_end the
 * board has no ZI: the system heap starts at the first RAM region's base. */
int bfm_from_lds(const char *path, const struct bfm_options *opt, FILE *out, FILE *err);

#endif
