#!/usr/bin/env python3
"""Count test results from meson's test logs.

usage: ci_summary.py STAGE=LOGFILE ... [STAGE=skipped:REASON ...]

A stage this host cannot run (tools/test.sh: 32-bit Valgrind where 32-bit
programs run only through qemu-i386) is given as STAGE=skipped:REASON: it
counts one skipped and its reason is printed.  Each LOGFILE is a meson-logs/testlog*.json (one JSON object per line).
TAP tests count each subtest ("ok N" / "not ok N"); other tests count
once.  A test meson judged bad (crash, Valgrind's exit 99, timeout) with no
failed subtest adds one failure, so the counts always agree with meson's
verdict.  Per-stage lines go to stderr; the last line on stdout is
"N passed, N failed" (", N skipped" when some were skipped)."""
import json
import re
import sys

BAD = {"FAIL", "ERROR", "TIMEOUT", "UNEXPECTEDPASS"}
total = {"passed": 0, "failed": 0, "skipped": 0}
for arg in sys.argv[1:]:
    stage, _, path = arg.partition("=")
    c = {"passed": 0, "failed": 0, "skipped": 0}
    if path.startswith("skipped:"):
        print(f"stage {stage}: skipped: {path[len('skipped:'):]}", file=sys.stderr)
        total["skipped"] += 1
        continue
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        print(f"stage {stage}: no log ({e}): counted as one failure", file=sys.stderr)
        total["failed"] += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        result = t.get("result", "")
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        nots = len(re.findall(r"^not ok \d+", out, re.M))
        if result == "SKIP":
            c["skipped"] += 1
            continue
        if oks or nots:
            c["passed"] += oks
            c["failed"] += nots
            if result in BAD and nots == 0:
                c["failed"] += 1
        elif result in BAD:
            c["failed"] += 1
        else:
            c["passed"] += 1
        if result in BAD:
            print(f"stage {stage}: bad: {t.get('name')} ({result})", file=sys.stderr)
    print(f"stage {stage}: {c['passed']} ok, {c['failed']} bad, {c['skipped']} skipped",
          file=sys.stderr)
    for k in total:
        total[k] += c[k]
line = f"{total['passed']} passed, {total['failed']} failed"
if total["skipped"]:
    line += f", {total['skipped']} skipped"
print(line)
sys.exit(1 if total["failed"] else 0)
