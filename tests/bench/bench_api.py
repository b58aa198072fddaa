#!/usr/bin/env python3
"""bench_api.py - instructions per kernel API call against the work it
wraps (issue 19; docs/benchmarks.md, "API fast paths").

    python3 tests/bench/bench_api.py BUILD64/tests/bench_api [N] [HEAP ...]

For each heap (default: tlsf smallmem) runs `bench_api ops N HEAP` under
`valgrind --tool=callgrind --collect-atstart=no` (the program switches
collection on around its loops only) and reads, for every call site in the
output, the callee's inclusive cost and call count.  Instructions per call
of a function = sum of inclusive cost / sum of calls over its call sites.
The algorithm's row is its alloc / free function as rt_malloc / rt_free
call it: the same calls on the same heap, so the difference is exactly
what the API layer adds.
"""
import os
import re
import subprocess
import sys
import tempfile

ALGO = {
    "tlsf": ("tlsf_sys_alloc", "tlsf_sys_free"),
    "smallmem": ("smem_sys_alloc", "smem_sys_free"),
    "smallmem-classic": ("smem_classic_sys_alloc", "smem_classic_sys_free"),
}


def callsites(path):
    """{callee: [calls, inclusive Ir]} over every call site in the file."""
    out = {}
    callee = None
    pending = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("cfn="):
                callee = line[4:].strip()
                callee = re.sub(r"^\(\d+\)\s*", "", callee)
            elif line.startswith("calls="):
                pending = int(line[6:].split()[0])
            elif pending is not None:
                parts = line.split()
                ir = int(parts[1]) if len(parts) > 1 else 0
                e = out.setdefault(callee, [0, 0])
                e[0] += pending
                e[1] += ir
                pending = None
    return out


def per_call(sites, fn):
    if fn not in sites or sites[fn][0] == 0:
        return None
    return sites[fn][1] / sites[fn][0], sites[fn][0]


def run(exe, n, heap):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        res = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no",
                              "--compress-strings=no", "--compress-pos=no",
                              "--callgrind-out-file=" + out, exe, "ops", str(n), heap],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit("bench_api.py: %s failed:\n%s%s" % (exe, res.stdout, res.stderr))
        return callsites(out)


def fmt(v):
    return "%8.1f" % v[0] if v else "%8s" % "-"


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    exe = argv[1]
    n = int(argv[2]) if len(argv) > 2 else 20000
    heaps = argv[3:] or ["tlsf", "smallmem"]
    status = 0
    for heap in heaps:
        s = run(exe, n, heap)
        fa, ff = ALGO.get(heap, (None, None))
        m, a = per_call(s, "rt_malloc"), per_call(s, fa)
        fr, af = per_call(s, "rt_free"), per_call(s, ff)
        print("heap %s, checking off, sizes 8..128, 64 live blocks, %d rounds"
              " (callgrind Ir per call, inclusive)" % (heap, n))
        print("  rt_malloc %s   algorithm %s   API adds %8.1f  (goal <= 150)"
              % (fmt(m), fmt(a), m[0] - a[0]))
        print("  rt_free   %s   algorithm %s   API adds %8.1f  (goal <= 150)"
              % (fmt(fr), fmt(af), fr[0] - af[0]))
        if heap == heaps[0]:
            mpa, mpf = per_call(s, "rt_mp_alloc"), per_call(s, "rt_mp_free")
            pop, push = per_call(s, "bench_plain_pop"), per_call(s, "bench_plain_push")
            print("  rt_mp_alloc(mp, 0) + rt_mp_free %8.1f   bare pop + push %6.1f"
                  "   (goal: pool <= 100)" % (mpa[0] + mpf[0], pop[0] + push[0]))
            for fn in ("rt_sem_take", "rt_sem_release", "rt_mutex_take",
                       "rt_mutex_release", "rt_thread_delay", "rt_hw_us_delay"):
                v = per_call(s, fn)
                note = {"rt_thread_delay": "  (delay(1): the caller's side)",
                        "rt_hw_us_delay": "  (= one tick interrupt: busy wait of one tick)",
                        "rt_mutex_take": "  (with the heap lock's, if it calls it)",
                        "rt_mutex_release": "  (with the heap lock's, if it calls it)"}.get(fn, "")
                print("  %-18s %s  (%d calls)%s" % (fn, fmt(v), v[1] if v else 0, note))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
