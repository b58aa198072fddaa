#!/usr/bin/env python3
"""Instructions per operation of bench_mempool's loops, counted by callgrind.

usage: callgrind_ops.py VALGRIND BENCH_EXE [N]

Runs `BENCH_EXE ops N` once per measured function under
`valgrind --tool=callgrind --toggle-collect=FUNCTION` (inclusive cost of
that function and everything it calls), reads the total Ir and divides
by N.  Prints one line per function and the ratio pool / plain list.
"""
import sys

import callgrind_table

FUNCS = [
    ("bench_plain_ops", "plain free list pop+push"),
    ("bench_plain_locked_ops", "plain list, each op under the irq lock"),
    ("bench_mp_ops", "rt_mp_alloc(mp, 0) + rt_mp_free"),
]


def instructions(valgrind, exe, func, n):
    ir, res = callgrind_table.toggle_total([exe, "ops", str(n)], func, valgrind)
    if res.returncode != 0:
        sys.exit("callgrind_ops.py: %s ops %d failed:\n%s%s"
                 % (exe, n, res.stdout, res.stderr))
    if ir is None:
        sys.exit("callgrind_ops.py: no totals in callgrind output for " + func)
    return ir


def main():
    valgrind, exe = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    per_op = {}
    for func, what in FUNCS:
        per_op[func] = instructions(valgrind, exe, func, n) / n
        print("%-24s %8.1f instructions per op  (%s)" % (func, per_op[func], what))
    plain, locked, mp = (per_op[f] for f, _ in FUNCS)
    print("pool / plain list:        %.2fx" % (mp / plain))
    print("pool / locked plain list: %.2fx" % (mp / locked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
