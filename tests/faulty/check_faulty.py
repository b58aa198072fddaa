#!/usr/bin/env python3
"""Run tests/faulty/faulty.c under a tool and check what is reported.

usage: check_faulty.py plain    PROGRAM [WRAPPER]   (WRAPPER: qemu-i386 for ILP32)
       check_faulty.py valgrind PROGRAM VALGRIND
       check_faulty.py asan     PROGRAM          (PROGRAM built with ASan)
Exit 0 when every expectation holds; the first failure is printed."""
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
    else:
        expect(rc != 0, "overflow: ASan stops the program", err)
        expect("ERROR: AddressSanitizer: use-after-poison" in err, "overflow: ASan's report", err)
        expect("app_main" in err and "faulty.c" in err, "overflow: the faulty line", err)

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

    if tool == "plain":
        rc, out, err = run(pre + [prog, "leak"])
        expect(rc == 0, "leak: reported, not failing, rc %d" % rc, err)
        expect("rtsim: 1 block (98 bytes) still allocated at the end of the run:" in err and
               "98 bytes, allocated by \"main\" at tick 0 (" in err and "faulty.c:" in err,
               "leak: listed with its site", err)
    print("ok")


if __name__ == "__main__":
    main()
