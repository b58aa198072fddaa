#!/usr/bin/env python3
"""Run tests/faulty/faulty.c under a tool and check what is reported.

usage: check_faulty.py plain    PROGRAM [WRAPPER]   (WRAPPER: qemu-i386 for ILP32)
       check_faulty.py valgrind PROGRAM VALGRIND
       check_faulty.py asan     PROGRAM          (PROGRAM built with ASan)
Exit 0 when every expectation holds; the first failure is printed."""
import re
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what, out):
    if not cond:
        print("FAILED: " + what)
        print(out)
        sys.exit(1)


def main():
    tool, prog = sys.argv[1], sys.argv[2]
    if tool == "plain":
        pre = [sys.argv[3]] if len(sys.argv) > 3 and sys.argv[3] else []
    elif tool == "valgrind":
        pre = [sys.argv[3], "--tool=memcheck", "--error-exitcode=99",
               "--leak-check=full", "--errors-for-leak-kinds=definite"]
    elif tool == "asan":
        pre = []
    else:
        sys.exit("unknown tool " + tool)

    # A clean program prints nothing at all, and succeeds.
    rc, out, err = run(pre + [prog, "clean"])
    text = out + err
    if tool == "valgrind":
        # Valgrind's own banner lines start with ==pid==; nothing else.
        text = "".join(l + "\n" for l in text.splitlines()
                       if not (l.startswith("==") and ("Memcheck" in l or "Copyright" in l or
                               "Using Valgrind" in l or "Command:" in l or l.endswith("== ")
                               or "HEAP SUMMARY" in l or "in use at exit" in l
                               or "total heap usage" in l or "All heap blocks" in l
                               or "ERROR SUMMARY" in l or "For lists of" in l
                               or "rerun with" in l or l.rstrip().endswith("==")
                               or "For counts" in l)))
        # rtsim's map of the board's RAM to host addresses (annotate.c).
        text = "".join(l + "\n" for l in text.splitlines()
                       if not re.match(r"\*\*\d+\*\* rtsim: board stm32f407 RAM (SRAM|CCM) "
                                       r"0x[0-9a-f]{8}\.\.0x[0-9a-f]{8} is host 0x", l))
    expect(rc == 0 and text == "", "clean program: rc %d, output %r" % (rc, text), out + err)

    rc, out, err = run(pre + [prog, "overflow"])
    if tool == "plain":
        expect(rc == 4, "overflow: rtsim stops the run with RT_SIM_EMEMORY (4), rc %d" % rc, err)
        expect("rtsim: memory error: buffer overflow: written past the end of the block "
               "(first damaged byte at +98)" in err, "overflow: rtsim's report", err)
        expect("faulty.c:" in err, "overflow: the allocation site", err)
    elif tool == "valgrind":
        expect(rc == 99, "overflow: memcheck fails the run, rc %d" % rc, err)
        expect("Invalid write of size 1" in err, "overflow: memcheck's Invalid write", err)
        expect("0 bytes after a block of size 98" in err,
               "overflow: memcheck names the 98-byte block inside the arena", err)
        expect("app_main (faulty.c" in err, "overflow: the faulty line", err)
        expect("kheap_malloc (kheap.c" in err, "overflow: the RT-Thread-level allocation stack", err)
        expect("rtsim: memory error: buffer overflow" in err, "overflow: rtsim's report too", err)
        # The map turns Valgrind's host address into the board's: 0 bytes
        # after the block rtsim's report names (0x... + 98).
        m = re.search(r"RAM SRAM 0x([0-9a-f]{8})\.\.0x[0-9a-f]{8} is host 0x([0-9A-Fa-f]+)\.\.", err)
        a = re.search(r"Address 0x([0-9a-f]+) is 0 bytes after a block of size 98", err)
        b = re.search(r"block  0x([0-9a-f]{8}), 98 bytes", err)
        expect(m and a and b and int(a.group(1), 16) - int(m.group(2), 16) + int(m.group(1), 16)
               == int(b.group(1), 16) + 98,
               "overflow: rtsim's RAM map translates memcheck's address to the board's", err)
    else:
        expect(rc != 0, "overflow: ASan stops the program", err)
        expect("ERROR: AddressSanitizer: use-after-poison" in err, "overflow: ASan's report", err)
        expect("app_main" in err and "faulty.c" in err, "overflow: the faulty line", err)
        b = re.search(r"block 0x([0-9a-f]{8}) \(98 bytes, heap \"heap\", allocated by \"main\" "
                      r"at tick 0 \([^)]*faulty\.c:\d+\)\)", err)
        h = re.search(r"use-after-poison on address 0x([0-9a-f]+)", err)
        expect(b and h and re.search(r"rtsim: host 0x0*%s is board address 0x%08x: 0 bytes after "
                                     r"block 0x%s" % (h.group(1), int(b.group(1), 16) + 98,
                                                      b.group(1)), err),
               "overflow: rtsim translates ASan's address to the board's and its block", err)

    rc, out, err = run(pre + [prog, "use-after-free"])
    if tool == "plain":
        expect(rc == 4, "use-after-free: rc %d" % rc, err)
        expect("rtsim: memory error: write after free: byte " in err and
               "(+10 in the freed block) was overwritten" in err, "use-after-free: rtsim's report", err)
    elif tool == "valgrind":
        expect(rc == 99, "use-after-free: rc %d" % rc, err)
        expect("Invalid write of size 1" in err, "use-after-free: memcheck's Invalid write", err)
        expect("10 bytes inside a block of size 98 free'd" in err,
               "use-after-free: memcheck names the freed block", err)
        expect("kheap_free (kheap.c" in err, "use-after-free: the RT-Thread-level free stack", err)
    else:
        expect(rc != 0 and "ERROR: AddressSanitizer: use-after-poison" in err,
               "use-after-free: ASan's report", err)
        expect(re.search(r"rtsim: host 0x[0-9a-f]+ is board address 0x2000[0-9a-f]{4}: 10 bytes "
                         r"inside block 0x2000[0-9a-f]{4} \(98 bytes, heap \"heap\", freed by "
                         r"\"main\" at tick 0", err),
               "use-after-free: rtsim names the freed block", err)

    if tool == "plain":
        rc, out, err = run(pre + [prog, "leak"])
        expect(rc == 0, "leak: reported, not failing, rc %d" % rc, err)
        expect("rtsim: 1 block (98 bytes) still allocated at the end of the run:" in err and
               "98 bytes, allocated by \"main\" at tick 0 (" in err and "faulty.c:" in err,
               "leak: listed with its site", err)
    print("ok")


if __name__ == "__main__":
    main()
