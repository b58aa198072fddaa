#!/usr/bin/env python3
"""`rtsim board --from-map` / `--from-lds` (tools/board_from_map.c), as TAP.

usage: check_board_from_map.py BITS -- [WRAPPER] RTSIM

  * two firmware images are linked here with arm-none-eabi-gcc (-nostdlib,
    our own linker scripts, -Wl,-Map): one RAM region with an unaligned ZI
    end given by _ebss; SRAM + CCM with a .ccmram section and __bss_end.
    The board files have the right regions, ZI end and used bytes, and a
    run on them puts the heap at the ZI end aligned up to RT_ALIGN_SIZE
    (4 on ILP32, 8 on the 64-bit model) and a memheap over CCM after the
    firmware's .ccmram bytes;
  * the same from the linker script (no ZI unless --zi-end ADDRESS);
  * hand-made edge cases: no .bss, symbols missing, --zi-end, malformed
    lines: each error names FILE:LINE and what was expected;
  * 400 seeded mutations (100 under an emulator) of the real maps and scripts: exit 0 or 1, never a
    crash, and whatever is printed is a board file rtsim accepts.

Exit 77 (skipped) when arm-none-eabi-gcc is not installed."""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

from tap import finish  # tests/tap.py

args = sys.argv[1:]
bits = int(args[0])
cmd = [a for a in args[2:] if a]
align = 8 if bits == 64 else 4
results = []


def ok(what, cond, detail=""):
    results.append((what, bool(cond), detail))


def run(argv, cwd=None):
    r = subprocess.run(cmd + argv, capture_output=True, text=True, cwd=cwd, timeout=120)
    return r.returncode, r.stdout, r.stderr


GCC = shutil.which("arm-none-eabi-gcc")
if not GCC:
    print("1..0 # SKIP arm-none-eabi-gcc is not installed (Debian: gcc-arm-none-eabi)")
    sys.exit(77)

tmp = tempfile.mkdtemp(prefix="rtsim-bfm-")

# ---------------------------------------------------------------- firmware
FW_ONE = r'''
int counter = 5;                    /* .data: 4 bytes */
char rx_buf[0x106];                 /* .bss: ends unaligned */
void Reset_Handler(void) { rx_buf[0] = (char)counter; for (;;) ; }
__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))0x20005000, Reset_Handler };
'''
# A blue-pill-like part; no __bss_end: _ebss must be chosen (then end).
LDS_ONE = r'''
ENTRY(Reset_Handler)
MEMORY
{
  FLASH (rx)  : ORIGIN = 0x08000000, LENGTH = 64K
  SRAM  (xrw) : ORIGIN = 0x20000000, LENGTH = 20K
}
SECTIONS
{
  .isr_vector : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) *(.rodata*) } > FLASH
  .data : { _sdata = .; *(.data*) _edata = .; } > SRAM AT> FLASH
  .bss (NOLOAD) : { _sbss = .; *(.bss*) *(COMMON) _ebss = .; } > SRAM
  end = . + 0x40;
}
'''
FW_TWO = r'''
int ticks = 1;
long long stats[3] = { 1, 2, 3 };   /* .data */
char pool[0x1000];                  /* .bss */
__attribute__((section(".ccmram"))) char dma_buf[0x2a4];
void Reset_Handler(void) { pool[0] = (char)ticks; dma_buf[0] = (char)stats[1]; for (;;) ; }
__attribute__((section(".isr_vector"), used))
void (*const vectors[])(void) = { (void (*)(void))0x20020000, Reset_Handler };
'''
# As an RT-Thread STM32F4 GCC BSP's link.lds: FLASH rx, RAM and CCM rw,
# __bss_end after .bss (board.h: HEAP_BEGIN = &__bss_end).
LDS_TWO = r'''
ENTRY(Reset_Handler)
MEMORY
{
  ROM (rx)     : ORIGIN = 0x08000000, LENGTH = 1024k   /* flash */
  RAM (rw)     : ORIGIN = 0x20000000, LENGTH = 128k
  CCMRAM (rw)  : ORIGIN = 0x10000000, LENGTH = 64K
}
SECTIONS
{
  .text : { KEEP(*(.isr_vector)) *(.text*) *(.rodata*) . = ALIGN(4); _etext = .; } > ROM
  _sidata = .;
  .data : AT (_sidata) { . = ALIGN(4); _sdata = .; *(.data*) . = ALIGN(4); _edata = .; } > RAM
  .bss : { . = ALIGN(4); _sbss = .; *(.bss*) *(COMMON) . = ALIGN(4); _ebss = .; } > RAM
  __bss_end = .;
  .ccmram (NOLOAD) : { *(.ccmram*) } > CCMRAM
  _end = .;
}
'''


def link(name, c_src, lds):
    c = os.path.join(tmp, name + ".c")
    ld = os.path.join(tmp, name + ".lds")
    open(c, "w").write(c_src)
    open(ld, "w").write(lds)
    mp = os.path.join(tmp, name + ".map")
    r = subprocess.run([GCC, "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-O1",
                        "-ffunction-sections", "-fdata-sections", c, "-T", ld,
                        "-Wl,-Map=" + mp, "-o", os.path.join(tmp, name + ".elf")],
                       capture_output=True, text=True)
    ok(f"arm-none-eabi-gcc links {name}.elf and writes {name}.map", r.returncode == 0, r.stderr)
    return mp, ld


def map_symbol(mp, sym):
    for line in open(mp):
        m = re.match(r"\s+0x([0-9a-f]+)\s+" + re.escape(sym) + r"( = |$)", line)
        if m:
            return int(m.group(1), 16)
    return None


def directives(board):
    """{directive: [word lists]} of a board file, comments dropped."""
    d = {}
    for line in board.splitlines():
        words = line.split("#")[0].split()
        if words:
            d.setdefault(words[0], []).append(words[1:])
    return d


def heap_start(board_path):
    """The first address after ZI in the heap-init demo's map (the heap object)."""
    rc, out, err = run(["demo", "heap-init", "--board", board_path])
    m = re.search(r"RW\+ZI\s+\d+\s+RW \.data \+ ZI \.bss\n(?:.*not managed.*\n)?\s+0x([0-9a-f]+)\s+ctrl",
                  out)
    return rc, (int(m.group(1), 16) if m else None), out + err


mp1, lds1 = link("one", FW_ONE, LDS_ONE)
mp2, lds2 = link("two", FW_TWO, LDS_TWO)

# ---------------------------------------------- one region, _ebss unaligned
rc, board, err = run(["board", "--from-map", mp1])
ok("one.map: exit 0, nothing on stderr", rc == 0 and err == "", err)
d = directives(board)
ebss = map_symbol(mp1, "_ebss")
ok("one.map: _ebss is unaligned in the map (the test means something)",
   ebss is not None and ebss % 4 != 0, str(ebss))
ok("one.map: FLASH left out, SRAM 0x20000000 20K kept",
   d.get("region") == [["SRAM", "0x20000000", "0x00005000"]], board)
ok("one.map: ZI end = _ebss (no __bss_end; _ebss before end)",
   d.get("zi") == [["SRAM", hex(ebss - 0x20000000)]] and "_ebss = 0x%08x" % ebss in board, board)
ok("one.map: heap in SRAM, no used lines", d.get("heap") == [["SRAM"]] and "used" not in d, board)
ok("one.map: each number says where it came from",
   re.search(r"region\s+SRAM .*# one\.map:\d+, attributes xrw", board) and
   re.search(r"# ZI end: _ebss = 0x[0-9a-f]+ \(one\.map:\d+\)", board), board)
b1 = os.path.join(tmp, "one.board")
open(b1, "w").write(board)
rc, start, out = heap_start(b1)
want = (ebss + align - 1) // align * align
ok(f"one.board: the heap begins at the ZI end aligned to {align}: 0x{want:08x}",
   rc == 0 and start == want, out)

# ------------------------------------------- SRAM + CCM, .ccmram, __bss_end
rc, board, err = run(["board", "--from-map", mp2, "--name", "my-f407"])
ok("two.map: exit 0", rc == 0 and err == "", err)
d = directives(board)
bss_end = map_symbol(mp2, "__bss_end")
ok("two.map: ROM left out; RAM and CCMRAM in table order",
   d.get("region") == [["RAM", "0x20000000", "0x00020000"],
                       ["CCMRAM", "0x10000000", "0x00010000"]], board)
ok("two.map: board name from --name", d.get("board") == [["my-f407"]], board)
ok("two.map: ZI end = __bss_end", bss_end is not None and
   d.get("zi") == [["RAM", hex(bss_end - 0x20000000)]], board)
ok("two.map: CCMRAM holds the firmware's 0x2a4 bytes of .ccmram",
   d.get("used") == [["CCMRAM", "0x2a4"]] and re.search(r"with \.ccmram at 0x100002a4", board),
   board)
b2 = os.path.join(tmp, "two.board")
open(b2, "w").write(board)
rc, start, out = heap_start(b2)
ok(f"two.board: the heap begins at __bss_end aligned to {align}",
   rc == 0 and start == (bss_end + align - 1) // align * align, out)
ok("two.board: the board line shows the firmware bytes in CCMRAM",
   "CCMRAM 0x10000000..0x10010000    64 KiB  firmware 0x10000000..0x100002a4 (676 bytes)" in out,
   out)
scn = os.path.join(tmp, "ccm.rts")
open(scn, "w").write("heap ccm memheap region CCMRAM\nx = malloc 100 in ccm\nmap\n")
rc, out, err = run(["run", scn, "--board", b2])
m = re.search(r"memheap heap at 0x([0-9a-f]+)\.\.0x10010000", out)
ok("two.board: a memheap over CCMRAM starts after .ccmram (0x100002a4)",
   rc == 0 and m and int(m.group(1), 16) == 0x100002a4, out + err)
ok("two.board: the map names those bytes 'firmware sections'",
   re.search(r"0x10000000\s+RW\+ZI\s+676\s+firmware sections", out), out)
rc, out, err = run(["run", scn, "--board", b2, "--heap", "memheap"])
ok("two.board --heap memheap: CCMRAM already in the system heap, after .ccmram",
   rc == 1 and "already managed by a heap" in err, out + err)

# ------------------------------------------------------------ --from-lds
rc, board, err = run(["board", "--from-lds", lds2])
d = directives(board)
ok("two.lds: regions as in the map, no ZI, heap = first RAM region",
   rc == 0 and d.get("region") == [["RAM", "0x20000000", "0x00020000"],
                                   ["CCMRAM", "0x10000000", "0x00010000"]]
   and d.get("zi") == [["RAM", "0"]] and d.get("heap") == [["RAM"]] and "used" not in d,
   board + err)
rc, board, err = run(["board", "--from-lds", lds1, "--zi-end", "0x2000010a"])
d = directives(board)
ok("one.lds --zi-end 0x2000010a: zi SRAM 0x10a", rc == 0 and d.get("zi") == [["SRAM", "0x10a"]],
   board + err)
b3 = os.path.join(tmp, "one-lds.board")
open(b3, "w").write(board)
rc, start, out = heap_start(b3)
ok(f"one-lds.board: heap at 0x2000010a aligned to {align}",
   rc == 0 and start == (0x2000010a + align - 1) // align * align, out)

# ------------------------------------------------------- hand-made cases
TABLE = """
Memory Configuration

Name             Origin             Length             Attributes
FLASH            0x08000000         0x00100000         xr
RAM              0x20000000         0x00020000         xrw
*default*        0x00000000         0xffffffff

Linker script and memory map

"""


def case(name, text, argv=(), kind="map"):
    p = os.path.join(tmp, name)
    open(p, "w").write(text)
    return run(["board", "--from-" + kind, p, *argv]) + (p,)


rc, out, err, p = case("nobss.map", TABLE + ".data           0x20000000       0x10\n")
ok("no .bss, no symbols: error past the last line naming what was expected",
   rc == 1 and out == "" and err == f"{p}:12: expected one of __bss_end, _ebss, end or a .bss "
   "output section to give the end of ZI (or choose it with --zi-end SYMBOL)\n", err)

rc, out, err, p = case("bssonly.map", TABLE +
                       ".bss            0x20000010      0x123 load address 0x08000400\n"
                       "                [!provide]                PROVIDE (end = .)\n")
ok("symbols missing: the end of .bss (0x20000133); an unprovided 'end' is ignored",
   rc == 0 and directives(out).get("zi") == [["RAM", "0x133"]]
   and "end of .bss = 0x20000010 + 0x123 (bssonly.map:11)" in out, out + err)

rc, out, err, p = case("wrap.map", TABLE +
                       ".bss.with_a_very_long_name\n"
                       "                0x20000000      0x200\n"
                       "                0x20000200                PROVIDE (end = .)\n"
                       "                0x20000100                _ebss = .\n"
                       "                0x20000180                _ebss = .\n"
                       "                0x2000000c       0x20 (size before relaxing)\n")
ok("PROVIDE (end = .); _ebss assigned twice: the last value, before end",
   rc == 0 and directives(out).get("zi") == [["RAM", "0x180"]], out + err)

rc, out, err, p = case("zi.map", TABLE + "                0x20000400                my_heap_start = .\n"
                       "                0x20000100                __bss_end = .\n",
                       ["--zi-end", "my_heap_start"])
ok("--zi-end SYMBOL chooses the symbol", rc == 0 and directives(out).get("zi") == [["RAM", "0x400"]],
   out + err)
rc, out, err, p = case("zi2.map", TABLE + "                0x20000100                __bss_end = .\n",
                       ["--zi-end", "missing_sym"])
ok("--zi-end of a symbol the map lacks: error naming it",
   rc == 1 and err == f"{p}:12: expected the symbol missing_sym (--zi-end) to have a value in "
   "the memory map\n", err)
rc, out, err, p = case("outside.map", TABLE + "                0x30000000                __bss_end = .\n")
ok("ZI end outside every RAM region: error",
   rc == 1 and "expected the ZI end __bss_end = 0x30000000 (outside.map:11) to lie inside a RAM "
   "region" in err, err)

bad_row = TABLE.replace("0x00020000         xrw", "0x0002000g         xrw")
rc, out, err, p = case("badrow.map", bad_row)
ok("malformed table row: FILE:LINE and the row's form",
   rc == 1 and err == f"{p}:6: expected a Memory Configuration row 'NAME ORIGIN LENGTH "
   "[ATTRIBUTES]' with hex ORIGIN and LENGTH\n", err)
rc, out, err, p = case("badsym.map", TABLE + "\n\n                0x2000zz10                __bss_end = .\n")
ok("malformed symbol line: FILE:LINE", rc == 1 and
   err == f"{p}:13: expected a hex address (0x...), not '0x2000zz10'\n", err)
rc, out, err, p = case("badsec.map", TABLE + ".bss            0x20000010      size\n")
ok("malformed output section line: FILE:LINE", rc == 1 and
   err == f"{p}:11: expected 'SECTION ADDRESS SIZE' with hex ADDRESS and SIZE after output "
   "section .bss\n", err)
rc, out, err, p = case("header.map", "\nMemory Configuration\n\nRAM 0x0 0x10\n")
ok("missing table header: FILE:LINE", rc == 1 and
   err == f"{p}:4: expected the table header 'Name Origin Length Attributes' after 'Memory "
   "Configuration'\n", err)
rc, out, err, p = case("notmap.map", "hello\nworld\n")
ok("not a map file: says what it expected", rc == 1 and err == f"{p}:3: expected a 'Memory "
   "Configuration' table: is this a GNU ld map file (-Wl,-Map=FILE)?\n", err)
rc, out, err, p = case("romonly.map", TABLE.replace("RAM              0x20000000         "
                                                    "0x00020000         xrw\n", ""))
ok("only flash: error at the table", rc == 1 and err == f"{p}:2: expected at least one RAM region "
   "(a writable region whose name does not say FLASH or ROM)\n", err)
rc, out, err, p = case("longname.map", TABLE.replace("RAM              0x20000000",
                                                     "RAM_D1_AXI_SRAM_BANK 0x20000000")
                       + "                0x20000100                __bss_end = .\n")
ok("a region name too long for a board file: FILE:LINE", rc == 1 and
   err == f"{p}:6: expected a RAM region name of at most 15 characters (a board's limit), not "
   "RAM_D1_AXI_SRAM_BANK\n", err)
rc, out, err, p = case("noattr.map", TABLE.replace("xr\n", "\n", 1).replace("xrw\n", "\n")
                       + "                0x20000100                __bss_end = .\n")
ok("no attributes: FLASH left out by its name, RAM kept",
   rc == 0 and [r[0] for r in directives(out).get("region", [])] == ["RAM"], out + err)

rc, out, err, p = case("bad1.lds", "MEMORY\n{\n  RAM (rw) : ORIGIN = 0x20000000,\n  LENTH = 4K\n}\n",
                       kind="lds")
ok("linker script, misspelt LENGTH: FILE:LINE", rc == 1 and
   err == f"{p}:4: expected LENGTH = SIZE, not 'LENTH'\n", err)
rc, out, err, p = case("bad2.lds", "/* no memory here\nSECTIONS { }\n", kind="lds")
ok("linker script, unterminated comment: its line", rc == 1 and
   err == f"{p}:1: expected '*/' to end this comment\n", err)
rc, out, err, p = case("bad3.lds", "SECTIONS { }\n", kind="lds")
ok("linker script without MEMORY", rc == 1 and err == f"{p}:2: expected a MEMORY {{ ... }} block\n",
   err)
rc, out, err, p = case("expr.lds", "MEMORY {\n FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 512K\n"
                       " SRAM1 (rwx): org = 0x20000000, len = 128K - 0x100\n"
                       " SRAM2 (rwx): ORIGIN = ORIGIN(SRAM1) + LENGTH(SRAM1) + 0x100, l = 16K }\n",
                       kind="lds")
ok("linker script expressions: sums, K, org/len/l, ORIGIN()/LENGTH()",
   rc == 0 and directives(out).get("region") == [["SRAM1", "0x20000000", "0x0001ff00"],
                                                 ["SRAM2", "0x20020000", "0x00004000"]], out + err)
rc, out, err, p = case("sym.lds", LDS_ONE, ["--zi-end", "_ebss"], kind="lds")
ok("linker script with --zi-end SYMBOL: explains that it needs an address", rc == 1 and
   "expected a hex address, not the symbol _ebss" in err, err)
rc, out, err = run(["board", "--from-map"])
ok("usage errors exit 2", rc == 2 and "needs a value" in err, err)
rc, out, err = run(["board", "--help"])
ok("board --help", rc == 0 and "--from-lds" in out and "--zi-end" in out, out)

# ------------------------------------------------ seeded mutation (fuzz)
rng = random.Random(int(os.environ.get("RTSIM_SEED", "16")))
seeds = [(open(mp1, "rb").read(), "map"), (open(mp2, "rb").read(), "map"),
         (open(lds2, "rb").read(), "lds"), (open(lds1, "rb").read(), "lds")]
crashes, bad_boards, bad_errors = [], [], []
# Under an emulator (qemu-i386 in the ILP32 build) every run costs ~0.3 s.
MUTATIONS = 400 if len(cmd) == 1 else 100
for i in range(MUTATIONS):
    data, kind = seeds[i % len(seeds)]
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(5)
        j = rng.randrange(len(lines))
        if op == 0:
            del lines[j]
        elif op == 1:
            lines.insert(j, lines[rng.randrange(len(lines))])
        elif op == 2 and lines[j]:
            k = rng.randrange(len(lines[j]))
            lines[j] = lines[j][:k] + bytes([rng.randrange(256)]) + lines[j][k + 1:]
        elif op == 3:
            lines[j] = bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
        else:
            lines = lines[:j]
        if not lines:
            lines = [b""]
    p = os.path.join(tmp, f"mut{i}.{kind}")
    open(p, "wb").write(b"\n".join(lines))
    r = subprocess.run(cmd + ["board", "--from-" + kind, p], capture_output=True, timeout=60)
    if r.returncode not in (0, 1):
        crashes.append(f"{p}: exit {r.returncode}")
    elif r.returncode == 1 and not r.stderr.decode("latin-1").startswith(p + ":"):
        bad_errors.append(f"{p}: {r.stderr!r}")
    elif r.returncode == 0 and i % 8 == 0:
        bp = p + ".board"
        open(bp, "wb").write(r.stdout)
        rr = subprocess.run(cmd + ["run", "-", "--board", bp], input=b"check\n",
                            capture_output=True, timeout=60)
        if rr.returncode != 0:
            bad_boards.append(f"{bp}: {rr.stderr.decode('latin-1')}")
ok(f"{MUTATIONS} mutated maps and scripts: exit 0 or 1, never a crash", not crashes, "\n".join(crashes))
ok("every rejection names the file first", not bad_errors, "\n".join(bad_errors[:5]))
ok("every accepted mutation (sampled) is a board rtsim boots", not bad_boards,
   "\n".join(bad_boards[:5]))

shutil.rmtree(tmp, ignore_errors=True)
finish(results)
