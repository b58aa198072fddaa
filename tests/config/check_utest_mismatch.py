#!/usr/bin/env python3
"""The rtsim-utest main refuses test cases compiled with another
configuration than the library: exit 2, a report naming the knob with both
values, and no case run.

usage: check_utest_mismatch.py EXPECTED_LINE -- [WRAPPER] PROGRAM"""
import subprocess
import sys

expect = sys.argv[1]
cmd = [a for a in sys.argv[sys.argv.index("--") + 1:] if a]
r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
print(r.stdout + r.stderr)
problems = []
if r.returncode != 2:
    problems.append(f"exit status {r.returncode}, not 2")
if expect not in r.stderr:
    problems.append("stderr lacks: " + expect)
if "no case ran" not in r.stderr:
    problems.append("stderr does not say that no case ran")
if "[  PASSED  ]" in r.stdout or "started" in r.stdout:
    problems.append("a case ran")
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
