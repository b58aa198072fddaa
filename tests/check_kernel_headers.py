#!/usr/bin/env python3
"""kernel/ is freestanding: it may include only five C headers and its own.

Fails (exit 1) listing every offending #include; prints what it checked."""
import os
import re
import sys

ALLOWED = {"stddef.h", "stdint.h", "stdbool.h", "stdarg.h", "limits.h"}
# Port headers: supplied by the port on its include path, each with a
# freestanding fallback in kernel/ (include/rtsignal.h, include/rthw.h).
PORT = {"rtport_signal.h", "rtport_irq.h"}
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernel")
own = set()
for d, _, files in os.walk(root):
    own.update(f for f in files if f.endswith(".h"))

bad = []
checked = 0
for d, _, files in os.walk(root):
    for f in sorted(files):
        if not f.endswith((".c", ".h")):
            continue
        path = os.path.join(d, f)
        checked += 1
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
                if not m:
                    continue
                name = m.group(2)
                if name in ALLOWED or name in PORT or os.path.basename(name) in own:
                    continue
                bad.append(f"{os.path.relpath(path, os.path.join(root, '..'))}:{n}: includes {name}")
for b in bad:
    print(b)
print(f"{checked} kernel files checked, {len(bad)} host includes")
sys.exit(1 if bad else 0)
