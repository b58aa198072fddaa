#!/usr/bin/env python3
"""Instructions per rt_malloc / rt_free, per heap algorithm and checking level.

    bench_checked.py [--steps N] BENCH_CHECKED_EXE [HEAP ...]

Runs BENCH_CHECKED_EXE HEAP LEVEL under callgrind for levels 0, 1 and 2,
collecting only inside rt_malloc, then only inside rt_free
(--toggle-collect, inclusive), and divides by the call counts the program
prints.  One table row per heap (docs/benchmarks.md, "Checked mode").
--steps N runs a shorter workload (default 20000 steps): slab's checked
levels take too long under callgrind at the full length.
"""
import re
import sys

import callgrind_table

HEAPS = ["smallmem", "smallmem-classic", "slab", "memheap", "tlsf"]


def collect(exe, heap, level, func, steps):
    ir, res = callgrind_table.toggle_total([exe, heap, str(level)] + steps, func)
    m = re.search(r"malloc=(\d+) free=(\d+) rc=0", res.stdout)
    if not m:
        sys.exit("bench_checked.py: %s %s %d failed:\n%s%s"
                 % (exe, heap, level, res.stdout, res.stderr))
    if ir is None:
        sys.exit("bench_checked.py: no total in callgrind's output for %s" % func)
    return ir, int(m.group(1)), int(m.group(2))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    steps = []
    if args[0] == "--steps":
        if len(args) < 3:
            sys.exit(__doc__)
        steps = [args[1]]
        args = args[2:]
    exe = args.pop(0)
    heaps = args or HEAPS
    print("instructions per call (callgrind Ir, inclusive); level 0 = off, 1 = checked, 2 = strict")
    print("%-17s %9s %9s %9s %9s %9s %9s" % ("heap", "malloc/0", "malloc/1", "malloc/2",
                                              "free/0", "free/1", "free/2"))
    for heap in heaps:
        row = []
        for func in ("rt_malloc", "rt_free"):
            for level in (0, 1, 2):
                ir, nm, nf = collect(exe, heap, level, func, steps)
                row.append(ir / (nm if func == "rt_malloc" else nf))
        print("%-17s %9.0f %9.0f %9.0f %9.0f %9.0f %9.0f" % tuple([heap] + row))


if __name__ == "__main__":
    main()
