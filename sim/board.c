/*
 * board.c - the built-in boards and board lookup.
 *
 * Real parts, RAM as on the chip, so users can relate a map to their
 * hardware.  ZI sizes are those of a small RT-Thread application.
 */
#include <stdio.h>
#include <string.h>

#include "board.h"

static const struct sim_board builtin_boards[] = {
    {
        .name = "stm32f407",
        .description = "STM32F407 (Cortex-M4): 128 KiB SRAM, 64 KiB CCM",
        .nregions = 2,
        .region = {
            { "SRAM", 0x20000000ul, 128 * 1024, 0 },
            { "CCM",  0x10000000ul, 64 * 1024, 0 },
        },
        .zi_region = 0,
        .zi_size = 8 * 1024,
        .heap_region = 0,
        .cpu_hz = 168000000ul,      /* RM0090: SYSCLK up to 168 MHz */
        .uart_baud = 115200ul,
    },
    {
        .name = "stm32f429-disco",
        .description = "STM32F429I-DISCO: 192 KiB SRAM, 64 KiB CCM, 8 MiB SDRAM (system heap)",
        .nregions = 3,
        .region = {
            { "SRAM",  0x20000000ul, 192 * 1024, 0 },
            { "CCM",   0x10000000ul, 64 * 1024, 0 },
            { "SDRAM", 0xD0000000ul, 8 * 1024 * 1024, 0 },
        },
        .zi_region = 0,
        .zi_size = 16 * 1024,
        .heap_region = 2,
        .cpu_hz = 180000000ul,      /* RM0090: SYSCLK up to 180 MHz on the F429 */
        .uart_baud = 115200ul,
    },
    {
        .name = "stm32f103c8",
        .description = "STM32F103C8 (Cortex-M3 \"blue pill\"): 20 KiB SRAM",
        .nregions = 1,
        .region = {
            { "SRAM", 0x20000000ul, 20 * 1024, 0 },
        },
        .zi_region = 0,
        .zi_size = 4 * 1024,
        .heap_region = 0,
        .cpu_hz = 72000000ul,       /* RM0008: SYSCLK up to 72 MHz */
        .uart_baud = 115200ul,
    },
};

#define BUILTIN_COUNT ((int)(sizeof(builtin_boards) / sizeof(builtin_boards[0])))

int sim_board_builtin_count(void)
{
    return BUILTIN_COUNT;
}

const struct sim_board *sim_board_builtin_at(int i)
{
    return i >= 0 && i < BUILTIN_COUNT ? &builtin_boards[i] : NULL;
}

const struct sim_board *sim_board_builtin(const char *name)
{
    for (int i = 0; i < BUILTIN_COUNT; i++)
    {
        if (strcmp(builtin_boards[i].name, name) == 0)
            return &builtin_boards[i];
    }
    return NULL;
}

int sim_board_validate(const struct sim_board *b, const char *origin, FILE *err)
{
    if (b->nregions < 1 || b->nregions > SIM_BOARD_MAX_REGIONS)
    {
        fprintf(err, "%s: a board needs 1 to %d RAM regions, not %d\n", origin,
                SIM_BOARD_MAX_REGIONS, b->nregions);
        return -1;
    }
    for (int i = 0; i < b->nregions; i++)
    {
        const struct sim_board_region *r = &b->region[i];
        if (r->size == 0)
        {
            fprintf(err, "%s: region %s is empty\n", origin, r->name);
            return -1;
        }
        if (r->base + r->size - 1 < r->base || r->base + r->size - 1 > 0xFFFFFFFFul)
        {
            fprintf(err, "%s: region %s does not fit in the 32-bit address space\n", origin, r->name);
            return -1;
        }
        for (int j = 0; j < i; j++)
        {
            const struct sim_board_region *q = &b->region[j];
            if (r->base < q->base + q->size && q->base < r->base + r->size)
            {
                fprintf(err, "%s: regions %s and %s overlap\n", origin, q->name, r->name);
                return -1;
            }
            if (strcmp(q->name, r->name) == 0)
            {
                fprintf(err, "%s: two regions are named %s\n", origin, r->name);
                return -1;
            }
        }
    }
    if (b->zi_region < 0 || b->zi_region >= b->nregions ||
        b->heap_region < 0 || b->heap_region >= b->nregions)
    {
        fprintf(err, "%s: the ZI or heap region is not one of the board's regions\n", origin);
        return -1;
    }
    if (b->cpu_hz < 1000000ul || b->cpu_hz > 4000000000ul)
    {
        fprintf(err, "%s: cpu_hz %lu is not a clock between 1 MHz and 4 GHz\n", origin, b->cpu_hz);
        return -1;
    }
    if (b->uart_baud < 300ul || b->uart_baud > 100000000ul)
    {
        fprintf(err, "%s: uart_baud %lu is not a rate between 300 and 100000000\n", origin,
                b->uart_baud);
        return -1;
    }
    for (int i = 0; i < b->nregions; i++)
    {
        const struct sim_board_region *r = &b->region[i];
        if (r->used != 0 && i == b->zi_region)
        {
            fprintf(err, "%s: region %s holds ZI: its firmware bytes are the zi line, not a "
                    "used line\n", origin, r->name);
            return -1;
        }
        if (r->used >= r->size)
        {
            fprintf(err, "%s: the firmware's %zu bytes leave no room in region %s\n", origin,
                    r->used, r->name);
            return -1;
        }
    }
    if (b->zi_size >= b->region[b->zi_region].size)
    {
        fprintf(err, "%s: ZI (%zu bytes) does not fit in region %s\n", origin, b->zi_size,
                b->region[b->zi_region].name);
        return -1;
    }
    return 0;
}

int sim_board_load(const char *name_or_path, struct sim_board *out, FILE *err)
{
    const struct sim_board *b = sim_board_builtin(name_or_path);
    if (b)
    {
        *out = *b;
        return 0;
    }
    if (strchr(name_or_path, '/') || strchr(name_or_path, '.'))
        return sim_board_parse_file(name_or_path, out, err);
    fprintf(err, "rtsim: unknown board \"%s\"; built-in boards:", name_or_path);
    for (int i = 0; i < BUILTIN_COUNT; i++)
        fprintf(err, " %s", builtin_boards[i].name);
    fprintf(err, " (or the path of a board file)\n");
    return -1;
}

