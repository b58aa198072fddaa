/*
 * test_board.c - board files (sim/boardfile.c) and the RAM map the system
 * heap is built on: parsing, every error with its FILE:LINE, and boots on
 * the built-in boards and on a board file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "../sim/board.h"

#define H   ((rt_size_t)(sizeof(void *) == 8 ? 24 : 12))
#define CTL ((rt_size_t)(sizeof(void *) == 8 ? 112 : 64))

static char path[64];

/* Write `text` to a fresh temporary board file; path[] names it. */
static void write_board(const char *text)
{
    strcpy(path, "/tmp/rtsim-board-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Parse `text`; return what was reported (static), "" when it parsed. */
static const char *parse(const char *text, struct sim_board *b, int *rc)
{
    static char msg[512];
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    assert_non_null(err);
    write_board(text);
    *rc = sim_board_parse_file(path, b, err);
    fclose(err);
    unlink(path);
    /* replace the random file name by FILE for comparisons */
    msg[0] = '\0';
    const char *p = buf;
    size_t plen = strlen(path);
    while (*p)
    {
        if (strncmp(p, path, plen) == 0)
        {
            strcat(msg, "FILE");
            p += plen;
        }
        else
        {
            size_t n = strlen(msg);
            msg[n] = *p++;
            msg[n + 1] = '\0';
        }
    }
    free(buf);
    return msg;
}

static void test_parse_good(void **state)
{
    (void)state;
    struct sim_board b;
    int rc;
    const char *msg = parse(
        "# a board with the heap in CCM\n"
        "board   my-f407\n"
        "description STM32F407 with the heap in CCM  \n"
        "\n"
        "region SRAM 0x20000000 128K   # main RAM\n"
        "region CCM  0x10000000 64KiB\n"
        "region EXT  3489660928 0x10000\n"
        "zi SRAM 24K\n"
        "heap CCM\n", &b, &rc);
    assert_string_equal(msg, "");
    assert_int_equal(rc, 0);
    assert_string_equal(b.name, "my-f407");
    assert_string_equal(b.description, "STM32F407 with the heap in CCM");
    assert_int_equal(b.nregions, 3);
    assert_string_equal(b.region[0].name, "SRAM");
    assert_int_equal(b.region[0].base, 0x20000000ul);
    assert_int_equal(b.region[0].size, 128 * 1024);
    assert_int_equal(b.region[1].size, 64 * 1024);
    assert_int_equal(b.region[2].base, 0xD0000000ul);
    assert_int_equal(b.region[2].size, 0x10000);
    assert_int_equal(b.zi_region, 0);
    assert_int_equal(b.zi_size, 24 * 1024);
    assert_int_equal(b.heap_region, 1);

    /* defaults: zi in the first region with 0 bytes, heap = zi region */
    msg = parse("board tiny\nregion RAM 0x20000000 16K\n", &b, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(b.zi_region, 0);
    assert_int_equal(b.zi_size, 0);
    assert_int_equal(b.heap_region, 0);
    assert_int_equal(b.cpu_hz, 168000000ul);       /* SIM_BOARD_DEFAULT_HZ */
    assert_int_equal(b.uart_baud, 115200ul);
    msg = parse("board m\nregion A 0 1M\nregion B 0x100000 2m\nzi B 1k\n", &b, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(b.heap_region, 1);
    assert_int_equal(b.region[1].size, 2 * 1024 * 1024);
    /* the CPU model's clock and the console's rate */
    msg = parse("board c\nregion R 0 16K\ncpu_hz 72000000\nuart_baud 921600\n", &b, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(b.cpu_hz, 72000000ul);
    assert_int_equal(b.uart_baud, 921600ul);
    /* the built-in boards' clocks */
    assert_int_equal(sim_board_builtin("stm32f407")->cpu_hz, 168000000ul);
    assert_int_equal(sim_board_builtin("stm32f429-disco")->cpu_hz, 180000000ul);
    assert_int_equal(sim_board_builtin("stm32f103c8")->cpu_hz, 72000000ul);
}

/* `used REGION BYTES` (written by rtsim board --from-map): the region's
 * heap starts after them; the zi region keeps its zi bytes. */
static void test_parse_used(void **state)
{
    (void)state;
    struct sim_board b;
    int rc;
    const char *msg = parse("board u\n"
                            "used CCM 0x2a4          # may come before its region\n"
                            "region SRAM 0x20000000 128K\n"
                            "region CCM 0x10000000 64K\n"
                            "zi SRAM 0x101\n", &b, &rc);
    assert_string_equal(msg, "");
    assert_int_equal(rc, 0);
    assert_int_equal(b.region[0].used, 0);
    assert_int_equal(b.region[1].used, 0x2a4);
    assert_int_equal(b.zi_size, 0x101);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const struct { const char *text, *msg; } cases[] = {
        { "bord x\n", "FILE:1: expected one of: board, description, region, zi, heap, used, cpu_hz, uart_baud\n" },
        { "board\n", "FILE:1: expected 'board NAME'\n" },
        { "board a\nboard b\n", "FILE:2: expected a single 'board' line\n" },
        { "board a\nregion R 0x2000000 \n", "FILE:2: expected 'region NAME BASE SIZE'\n" },
        { "board a\nregion R 0x20000000 12Q\n",
          "FILE:2: expected a region size (e.g. 128K, 8M, 0x20000) that ends by 4 GiB\n" },
        { "board a\nregion R zz 1K\n",
          "FILE:2: expected a base address (decimal or 0x-hex, below 4 GiB)\n" },
        { "board a\nregion R 0xFFFFF000 8K\n",
          "FILE:2: expected a region size (e.g. 128K, 8M, 0x20000) that ends by 4 GiB\n" },
        { "board a\nregion R 0 1K\nregion R 4K 1K\n",
          "FILE:3: expected a region name not used before\n" },
        { "board a\nregion R 0 1K\nzi S 10\n",
          "FILE:4: expected the zi line to name a declared region\n" },
        { "board a\nregion R 0 1K\nheap S\n",
          "FILE:4: expected the heap line to name a declared region\n" },
        { "board a\nregion R 0 1K\nzi R -5\n", "FILE:3: expected a byte count for zi (e.g. 24K)\n" },
        { "# nothing\n", "FILE:2: expected a 'board NAME' line\n" },
        { "board a\n", "FILE:2: expected at least one 'region NAME BASE SIZE' line\n" },
        { "board a\nregion R 0 1K\ncpu_hz 168M\n",
          "FILE:3: expected 'cpu_hz HZ' (e.g. cpu_hz 168000000)\n" },
        { "board a\nregion R 0 1K\ncpu_hz\n", "FILE:3: expected 'cpu_hz HZ' (e.g. cpu_hz 168000000)\n" },
        { "board a\nregion R 0 1K\nuart_baud 0\n",
          "FILE:3: expected 'uart_baud RATE' (e.g. uart_baud 115200)\n" },
        { "board a\nregion R 0 1K\nused R\n", "FILE:3: expected 'used REGION BYTES'\n" },
        { "board a\nregion R 0 1K\nused R x\n",
          "FILE:3: expected a byte count for used (e.g. 0x44, 2K)\n" },
        { "board a\nregion R 0 1K\nregion S 4K 1K\nused S 4\nused S 8\n",
          "FILE:5: expected a single 'used' line per region\n" },
        { "board a\nregion R 0 1K\nused T 4\n",
          "FILE:3: expected the used line to name a declared region\n" },
        { "board a\nregion R 0 1K\nused R 4\n",
          "FILE:3: expected a used line for a region other than the zi region (ZI's bytes are "
          "the zi line)\n" },
        { "board a\nregion R 0 1K\nregion S 4K 1K\nused S 1K\n",
          "FILE:4: expected used bytes that leave room in the region\n" },
        /* well-formed, but sim_board_validate refuses it */
        { "board a\nregion R 0 1K\ncpu_hz 1000\n",
          "FILE: cpu_hz 1000 is not a clock between 1 MHz and 4 GHz\n" },
        { "board a\nregion R 0 1K\nuart_baud 50\n",
          "FILE: uart_baud 50 is not a rate between 300 and 100000000\n" },
        { "board a\nregion R 0 1K\nregion S 512 1K\n", "FILE: regions R and S overlap\n" },
        { "board a\nregion R 0 1K\nzi R 1K\n", "FILE: ZI (1024 bytes) does not fit in region R\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        struct sim_board b;
        int rc;
        const char *msg = parse(cases[i].text, &b, &rc);
        assert_int_equal(rc, -1);
        assert_string_equal(msg, cases[i].msg);
    }

    struct sim_board b;
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    assert_int_equal(sim_board_parse_file("/nonexistent/board.txt", &b, err), -1);
    fclose(err);
    assert_non_null(strstr(buf, "/nonexistent/board.txt: cannot open board file"));
    free(buf);
}

/* -------------------------------------------------------------- boots */
static void heap_numbers(void *arg)
{
    rt_size_t total;
    (void)arg;
    rt_memory_info(&total, RT_NULL, RT_NULL);
    tu_log("%s %lu %lx", rt_sim_board_name(), (unsigned long)total,
           rt_sim_target_addr((void *)((rt_mem_t)rt_object_find("heap", RT_Object_Class_Memory))->address));
}

static void test_builtin_boots(void **state)
{
    (void)state;
    static const struct { const char *name; unsigned long bytes, begin; } boards[] = {
        { "stm32f407", 120 * 1024, 0x20002000ul },
        { "stm32f429-disco", 8 * 1024 * 1024, 0xD0000000ul },
        { "stm32f103c8", 16 * 1024, 0x20001000ul },
    };
    for (size_t i = 0; i < sizeof boards / sizeof boards[0]; i++)
    {
        struct rt_sim_config cfg;
        char expect[128];
        tu_config(&cfg);
        cfg.board = boards[i].name;
        tu_log_reset();
        assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_OK);
        snprintf(expect, sizeof expect, "%s %lu %lx", boards[i].name,
                 boards[i].bytes - CTL - 2 * H, boards[i].begin + CTL);
        assert_string_equal(tu_log_text(), expect);
    }
}

static void test_file_boot(void **state)
{
    (void)state;
    struct rt_sim_config cfg;
    char expect[128];

    write_board("board ccm-heap\nregion SRAM 0x20000000 128K\nregion CCM 0x10000000 64K\n"
                "zi SRAM 24K\nheap CCM\n");
    tu_config(&cfg);
    cfg.board = path;
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_OK);
    snprintf(expect, sizeof expect, "ccm-heap %lu %lx", 64 * 1024 - CTL - 2 * H,
             0x10000000ul + CTL);
    assert_string_equal(tu_log_text(), expect);
    unlink(path);

    /* Firmware bytes in the heap's region: the heap starts after them,
     * aligned up to RT_ALIGN_SIZE.  RT-Thread 4.1.1's rt_system_heap_init
     * (src/kservice.c) computes the size from the aligned begin but passes
     * the unaligned begin on, and rt_smem_init aligns begin + size down:
     * an unaligned ZI end costs up to RT_ALIGN_SIZE bytes at the top too. */
    write_board("board ccm-used\nregion SRAM 0x20000000 128K\nregion CCM 0x10000000 64K\n"
                "zi SRAM 24K\nheap CCM\nused CCM 0x2a2\n");
    tu_log_reset();
    assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_OK);
    snprintf(expect, sizeof expect, "ccm-used %lu %lx",
             RT_ALIGN_DOWN(0x2a2 + 64 * 1024 - RT_ALIGN(0x2a2, RT_ALIGN_SIZE), RT_ALIGN_SIZE) -
                 RT_ALIGN(0x2a2, RT_ALIGN_SIZE) - CTL - 2 * H,
             0x10000000ul + RT_ALIGN(0x2a2, RT_ALIGN_SIZE) + CTL);
    assert_string_equal(tu_log_text(), expect);
    unlink(path);

    write_board("board bad\nregion SRAM 0x20000000 128Z\n");
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_ECONFIG);
    snprintf(expect, sizeof expect, "%s:2: expected a region size", path);
    assert_non_null(strstr(tu_report(), expect));
    unlink(path);

    /* ZI leaves 64 bytes: the heap cannot even hold its own object */
    write_board("board full\nregion SRAM 0x20000000 4K\nzi SRAM 4032\n");
    cfg.board = path;
    tu_console_reset();
    assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_ECONFIG);
    assert_non_null(strstr(tu_report(), "heap cannot be set up"));
    assert_non_null(strstr(tu_console(),
                           "mem init, error begin address 0x20000fc0, and end address 0x20001000\n"));
    unlink(path);

    cfg.board = "no-such-board";
    assert_int_equal(tu_run(&cfg, heap_numbers, NULL), RT_SIM_ECONFIG);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_used),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_builtin_boots),
        cmocka_unit_test(test_file_boot),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
