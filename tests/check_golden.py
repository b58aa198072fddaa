#!/usr/bin/env python3
"""Run a command and compare its stdout with a golden file, byte for byte.

usage: check_golden.py GOLDEN [--expect-status N] -- COMMAND ARGS...
Set RTSIM_UPDATE_GOLDEN=1 to rewrite the golden file instead."""
import difflib
import os
import subprocess
import sys

args = sys.argv[1:]
golden = args.pop(0)
status = 0
if args and args[0] == "--expect-status":
    status = int(args[1])
    args = args[2:]
if args and args[0] == "--":
    args = args[1:]
args = [a for a in args if a]   # an empty wrapper slot on native builds
r = subprocess.run(args, capture_output=True)
if r.returncode != status:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    print(f"exit status {r.returncode}, expected {status}")
    sys.exit(1)
if os.environ.get("RTSIM_UPDATE_GOLDEN"):
    open(golden, "wb").write(r.stdout)
    print(f"updated {golden}")
    sys.exit(0)
want = open(golden, "rb").read()
if r.stdout == want:
    print(f"output matches {os.path.basename(golden)} ({len(want)} bytes)")
    sys.exit(0)
diff = difflib.unified_diff(want.decode(errors="replace").splitlines(True),
                            r.stdout.decode(errors="replace").splitlines(True),
                            "golden", "actual")
sys.stdout.writelines(diff)
sys.exit(1)
