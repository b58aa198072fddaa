#!/usr/bin/env python3
"""Instructions per rt_smem_alloc / rt_smem_free under callgrind.

    bench_smem.py BENCH_EXE [--heap smallmem|smallmem-classic] [TRACE ...]

For every trace it runs BENCH_EXE twice under callgrind, collecting only
inside the allocator's alloc function, then only inside its free function
(--toggle-collect), and divides the instruction totals by the call counts
the program prints.  Output: one table row per trace.
"""
import os
import re
import subprocess
import sys
import tempfile

FUNCS = {
    "smallmem": ("rt_smem_alloc", "rt_smem_free"),
    "smallmem-classic": ("rt_smem_classic_alloc", "rt_smem_classic_free"),
}


def collect(exe, trace, heap, func):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        res = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
             "--toggle-collect=" + func, exe, trace, heap],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        if res.returncode != 0:
            sys.exit("bench_smem.py: %s failed:\n%s%s" % (exe, res.stdout, res.stderr))
        m = re.search(r"alloc=(\d+) free=(\d+) big=(\d+)", res.stdout)
        with open(out) as f:
            text = f.read()
        tot = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
        return int(tot.group(1)), int(m.group(1)), int(m.group(2)), int(m.group(3))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    exe = args.pop(0)
    heap = "smallmem"
    if args[:1] == ["--heap"]:
        heap = args[1]
        args = args[2:]
    traces = args or ["random64k", "random1m", "holes"]
    fa, ff = FUNCS[heap]
    print("heap %s: instructions per call (callgrind Ir, inclusive)" % heap)
    print("%-10s %8s %10s %8s %10s" % ("trace", "allocs", "Ir/alloc", "frees", "Ir/free"))
    for t in traces:
        ia, na, nf, nb = collect(exe, t, heap, fa)
        ifr, _, _, _ = collect(exe, t, heap, ff)
        print("%-10s %8d %10.0f %8d %10.1f" % (t, na, ia / na, nf, ifr / nf))
        if nb:
            ib, _, _, _ = collect(exe, t, heap, "bench_big_alloc")
            print("%-10s %8d %10.0f %8s %10s" % (t + "-big", nb, ib / nb, "", ""))


if __name__ == "__main__":
    main()
