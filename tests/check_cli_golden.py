#!/usr/bin/env python3
"""check_golden.py for rtsim's scenarios: compare a command's stdout with a
golden file, byte for byte except where --mask REGEX matches (both sides;
e.g. the kernel source line an assertion names, which moves whenever that
file is edited).

usage: check_cli_golden.py GOLDEN [--mask REGEX]... -- COMMAND ARGS...
RTSIM_UPDATE_GOLDEN=1 rewrites the golden file."""
import difflib
import os
import re
import subprocess
import sys

args = sys.argv[1:]
golden = args.pop(0)
masks = []
while args and args[0] == "--mask":
    masks.append(re.compile(args[1].encode()))
    args = args[2:]
args = [a for a in args[1:] if a]
r = subprocess.run(args, capture_output=True)
if os.environ.get("RTSIM_UPDATE_GOLDEN"):
    open(golden, "wb").write(r.stdout)
    print(f"updated {golden}")
    sys.exit(0)


def masked(b):
    for m in masks:
        b = m.sub(b"<masked>", b)
    return b


want = open(golden, "rb").read() if os.path.exists(golden) else b""
if masked(r.stdout) == masked(want):
    print(f"output matches {os.path.basename(golden)} ({len(want)} bytes)")
    sys.exit(0)
sys.stderr.write(r.stderr.decode(errors="replace"))
diff = difflib.unified_diff(masked(want).decode(errors="replace").splitlines(True),
                            masked(r.stdout).decode(errors="replace").splitlines(True),
                            "golden", "actual")
sys.stdout.writelines(diff)
sys.exit(1)
