#!/usr/bin/env python3
"""callgrind_table.py - instructions per alloc / free of one heap's functions
under callgrind, as a table: the shared part of bench_smem.py and
bench_memheap_slab.py (a module; those two are its command lines).  Its
toggle_total() - run a program under callgrind counting inside one function
only, and read the total - also serves bench_checked.py and
callgrind_ops.py.

A driver names its heaps and, for each, the alloc and free function to
count.  For every heap and trace, BENCH_EXE runs twice under
`valgrind --tool=callgrind --toggle-collect=FUNC` (the count is inclusive
of what FUNC calls), once for the alloc function and once for the free
function, with the arguments TRACE HEAP; the totals are divided by the call
counts the program prints (`alloc=N free=N [big=N]`).  When the program
counts big allocations (big=N > 0), a third run counts bench_big_alloc and
adds a TRACE-big row.
"""
import os
import re
import subprocess
import sys
import tempfile

TRACES = ["random64k", "random1m", "holes"]


def toggle_total(argv, func, valgrind="valgrind"):
    """Run argv under `valgrind --tool=callgrind --toggle-collect=func` (the
    count is inclusive of what func calls).  Returns (total Ir, or None when
    callgrind wrote no total; the finished process, its output as text)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        res = subprocess.run(
            [valgrind, "--tool=callgrind", "--callgrind-out-file=" + out,
             "--toggle-collect=" + func] + list(argv),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        text = ""
        if os.path.exists(out):
            with open(out) as f:
                text = f.read()
        tot = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
        return (int(tot.group(1)) if tot else None), res


def collect(prog, exe, trace, heap, func):
    """(Ir inside func, allocs, frees, bigs) of one run."""
    ir, res = toggle_total([exe, trace, heap], func)
    m = re.search(r"alloc=(\d+) free=(\d+)(?: big=(\d+))?", res.stdout)
    if res.returncode != 0 or not m:
        sys.exit("%s: %s failed:\n%s%s" % (prog, exe, res.stdout, res.stderr))
    if ir is None:
        sys.exit("%s: no total in callgrind's output for %s" % (prog, func))
    return ir, int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def main(prog, doc, funcs, default_heaps, argv=None):
    """The command line: BENCH_EXE [--heap NAME] [TRACE ...].  `funcs` maps
    a heap name to its (alloc, free) function names; without --heap every
    heap of `default_heaps` gets a table."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.exit(doc)
    exe = args.pop(0)
    heaps = list(default_heaps)
    if args[:1] == ["--heap"]:
        if len(args) < 2 or args[1] not in funcs:
            sys.exit("%s: --heap wants one of %s" % (prog, ", ".join(funcs)))
        heaps = [args[1]]
        args = args[2:]
    traces = args or TRACES
    for heap in heaps:
        fa, ff = funcs[heap]
        print("heap %s: instructions per call (callgrind Ir, inclusive)" % heap)
        print("%-10s %8s %10s %8s %10s" % ("trace", "allocs", "Ir/alloc", "frees", "Ir/free"))
        for t in traces:
            ia, na, nf, nb = collect(prog, exe, t, heap, fa)
            ifr, _, _, _ = collect(prog, exe, t, heap, ff)
            print("%-10s %8d %10.0f %8d %10.1f" % (t, na, ia / na, nf, ifr / nf))
            if nb:
                ib, _, _, _ = collect(prog, exe, t, heap, "bench_big_alloc")
                print("%-10s %8d %10.0f %8s %10s" % (t + "-big", nb, ib / nb, "", ""))
