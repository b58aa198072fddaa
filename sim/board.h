/*
 * board.h - a target board's RAM map (sim/ internal).
 *
 * A board names its RAM regions (target base address and size), says which
 * region holds .data + .bss ("ZI") and how many bytes they take, and which
 * region holds the system heap.  The heap runs from the end of ZI (or from
 * the start of the heap region when ZI lives elsewhere) to the end of the
 * heap region, as a real board's rt_system_heap_init(begin, end) call does.
 */
#ifndef RTSIM_BOARD_H__
#define RTSIM_BOARD_H__

#include <stddef.h>
#include <stdio.h>

#define SIM_BOARD_MAX_REGIONS   8
#define SIM_BOARD_NAME_MAX      48
#define SIM_REGION_NAME_MAX     16

struct sim_board_region
{
    char          name[SIM_REGION_NAME_MAX];
    unsigned long base;     /* target address */
    size_t        size;     /* bytes */
    size_t        used;     /* bytes the firmware placed at its start (`used`
                               line of a board file); 0 in the ZI region,
                               whose firmware bytes are zi_size */
};

struct sim_board
{
    char   name[SIM_BOARD_NAME_MAX];
    char   description[96];
    int    nregions;
    struct sim_board_region region[SIM_BOARD_MAX_REGIONS];
    int    zi_region;       /* region holding .data + .bss */
    size_t zi_size;         /* bytes of .data + .bss at its start */
    int    heap_region;     /* region holding the system heap */
    unsigned long cpu_hz;   /* core clock of the CPU model (SIM_BOARD_DEFAULT_HZ) */
    unsigned long uart_baud;/* console UART rate (SIM_BOARD_DEFAULT_BAUD) */
};

/* A board file without `cpu_hz` / `uart_baud` lines gets these. */
#define SIM_BOARD_DEFAULT_HZ    168000000ul
#define SIM_BOARD_DEFAULT_BAUD  115200ul

/* Built-in board by name, NULL if none has that name. */
const struct sim_board *sim_board_builtin(const char *name);
/* Number of built-in boards and the i-th one (for --help listings). */
int sim_board_builtin_count(void);
const struct sim_board *sim_board_builtin_at(int i);
/* Resolve a board name or a board file path into *out.  Returns 0, or -1
 * after printing "FILE:LINE: what was expected" (or "unknown board") on err. */
int sim_board_load(const char *name_or_path, struct sim_board *out, FILE *err);
/* Parse a board file (format: docs/boards.md) into *out and validate it.
 * Returns 0, or -1 after printing "FILE:LINE: expected ..." on err
 * (sim/boardfile.c). */
int sim_board_parse_file(const char *path, struct sim_board *out, FILE *err);
/* Check a board's consistency (regions non-empty and disjoint, ZI inside
 * its region, heap region valid).  Returns 0 or -1 with a message on err. */
int sim_board_validate(const struct sim_board *b, const char *origin, FILE *err);


#endif
