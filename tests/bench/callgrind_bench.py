#!/usr/bin/env python3
"""callgrind_bench.py - instructions per allocator call, for every heap
algorithm, next to bench_heaps' utilisation table.

    python3 tests/bench/callgrind_bench.py BUILD/tests/bench/bench_heaps \
        [--out DIR] [bench_heaps options ...]

Runs bench_heaps once plainly (the table and the SVG chart) and once under
`valgrind --tool=callgrind --collect-atstart=no --combine-dumps=yes` with
--measure.  In that mode bench_heaps brackets every alloc / free / realloc
with CALLGRIND_TOGGLE_COLLECT and dumps the counters after it, labelled
'a', 'f' or 'r'; a dump labelled 'run ALGO WORKLOAD SIZE' starts each
replay, and 16 'z' dumps at the start measure the empty bracket (a call
through a function pointer to a function that returns at once), which is
subtracted.  Each dump's `summary:` line is therefore the exact count of
x86 instructions (callgrind's Ir) executed by that one call.

Prints one table: median and worst instructions per malloc and free (one
seed), utilisation at the first failed allocation (mean and worst of the
plain run's seeds, 5 by default), bytes lost per block, header bytes, and
the smallest largest-free-block seen.  Exit status 1 if a heap
check failed during the replay.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile


def parse_dumps(path):
    """Yield (label, instructions) for every dump in a combined file."""
    label = None
    trig = re.compile(r'^desc: Trigger: Client Request: (.*)$')
    with open(path, 'r', errors='replace') as f:
        for line in f:
            m = trig.match(line)
            if m:
                label = m.group(1).strip()
            elif line.startswith('summary:'):
                yield label, int(line.split()[1])
                label = None


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    bench = argv[1]
    rest = argv[2:]
    out_dir = None
    if '--out' in rest:
        i = rest.index('--out')
        out_dir = rest[i + 1]
        del rest[i:i + 2]
    if out_dir is None:
        out_dir = os.path.join(os.path.dirname(os.path.abspath(bench)), 'bench-out')
    os.makedirs(out_dir, exist_ok=True)
    svg = os.path.join(out_dir, 'fragmentation.svg')

    plain = subprocess.run([bench, '--tsv', '--svg', svg] + rest,
                           stdout=subprocess.PIPE, universal_newlines=True)
    rows = [l.split('\t') for l in plain.stdout.strip().splitlines()]
    head, rows = rows[0], rows[1:]
    table = {(r[0], r[1], int(r[2])): dict(zip(head, r)) for r in rows}

    with tempfile.TemporaryDirectory() as tmp:
        cg_out = os.path.join(tmp, 'callgrind.out')
        # One seed under callgrind (the plain run above averages five).
        cmd = ['valgrind', '--tool=callgrind', '--collect-atstart=no',
               '--combine-dumps=yes', '--callgrind-out-file=' + cg_out,
               bench, '--measure', '--tsv', '--seeds', '1'] + rest
        cg = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            universal_newlines=True)
        if cg.returncode not in (0, 1):
            sys.stderr.write(cg.stderr)
            return 2
        costs = {}
        bracket = []
        key = None
        for label, ir in parse_dumps(cg_out):
            if label is None:
                continue
            if label == 'z':
                bracket.append(ir)
            elif label.startswith('run '):
                _, alg, wl, size = label.split()
                key = (alg, wl, int(size))
                costs[key] = {'a': [], 'f': [], 'r': []}
            elif key is not None and label in ('a', 'f', 'r'):
                costs[key][label].append(ir)
    base = min(bracket) if bracket else 0

    def stat(v):
        if not v:
            return '-', '-'
        v = [x - base for x in v]
        return '%d' % statistics.median(v), '%d' % max(v)

    print('instructions per call: callgrind Ir, native build, bracket of %d subtracted' % base)
    print('%-16s %-8s %6s %8s %8s %8s %8s %10s %8s %9s %7s %9s' % (
        'algorithm', 'workload', 'heap', 'malloc', 'worst', 'free', 'worst',
        'util@fail', '(worst)', 'lost/blk', 'header', 'lrg.min'))
    status = 0
    for key in table:
        t = table[key]
        c = costs.get(key, {'a': [], 'f': [], 'r': []})
        am, aw = stat(c['a'])
        fm, fw = stat(c['f'])
        failed = int(t['fails']) > 0
        util = ('%.1f%%' % (100 * float(t['util_at_fail']))) if failed else 'no fail'
        worst = ('%.1f%%' % (100 * float(t['util_min']))) if failed else '-'
        lost = float(t['lost_per_block'])
        lost = ('%.1fB' % lost) if failed and lost >= 0 else '-'
        print('%-16s %-8s %5dK %8s %8s %8s %8s %10s %8s %9s %6sB %8.1f%%%s' % (
            key[0], key[1], key[2] // 1024, am, aw, fm, fw, util, worst,
            lost, t['header'], 100 * float(t['largest_min']),
            '  CHECK FAILED' if t['check'] != '0' else ''))
        if t['check'] != '0':
            status = 1
    # Flatness: each algorithm's worst call over every workload, per size.
    print()
    print('worst call over all workloads (instructions):')
    sizes = sorted({k[2] for k in table})
    print('%-16s ' % 'algorithm' + ' '.join('%7dK malloc/free' % (s // 1024) for s in sizes))
    for alg in dict.fromkeys(k[0] for k in table):
        cells = []
        for size in sizes:
            wa = [max(costs[k]['a']) - base for k in costs
                  if k[0] == alg and k[2] == size and costs[k]['a']]
            wf = [max(costs[k]['f']) - base for k in costs
                  if k[0] == alg and k[2] == size and costs[k]['f']]
            cells.append('%16s' % ('%s/%s' % (max(wa) if wa else '-', max(wf) if wf else '-')))
        print('%-16s ' % alg + ' '.join(cells))
    print('fragmentation chart: %s' % svg)
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
