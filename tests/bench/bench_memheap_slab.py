#!/usr/bin/env python3
"""Instructions per alloc / free for memheap and slab under callgrind.

    bench_memheap_slab.py BENCH_EXE [--heap memheap|slab] [TRACE ...]

For every trace it runs BENCH_EXE twice under callgrind, collecting only
inside the heap's alloc function, then only inside its free function
(--toggle-collect, so the counts are inclusive of what they call: memheap's
semaphore, slab's page allocator), and divides the totals by the call
counts the program prints.  Same traces and table as bench_smem.py.
"""
import os
import re
import subprocess
import sys
import tempfile

FUNCS = {
    "memheap": ("rt_memheap_alloc", "rt_memheap_free"),
    "slab": ("rt_slab_alloc", "rt_slab_free"),
}


def collect(exe, trace, heap, func):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        res = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
             "--toggle-collect=" + func, exe, trace, heap],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        m = re.search(r"alloc=(\d+) free=(\d+)", res.stdout)
        if res.returncode != 0 or not m:
            sys.exit("bench_memheap_slab.py: %s failed:\n%s%s" % (exe, res.stdout, res.stderr))
        with open(out) as f:
            text = f.read()
        tot = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.M)
        return int(tot.group(1)), int(m.group(1)), int(m.group(2))


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    exe = args.pop(0)
    heaps = ["memheap", "slab"]
    if args[:1] == ["--heap"]:
        heaps = [args[1]]
        args = args[2:]
    traces = args or ["random64k", "random1m", "holes"]
    for heap in heaps:
        fa, ff = FUNCS[heap]
        print("heap %s: instructions per call (callgrind Ir, inclusive)" % heap)
        print("%-10s %8s %10s %8s %10s" % ("trace", "allocs", "Ir/alloc", "frees", "Ir/free"))
        for t in traces:
            ia, na, nf = collect(exe, t, heap, fa)
            ifr, _, _ = collect(exe, t, heap, ff)
            print("%-10s %8d %10.0f %8d %10.1f" % (t, na, ia / na, nf, ifr / nf))


if __name__ == "__main__":
    main()
