#!/usr/bin/env python3
"""The pictures in docs/img are made by rtsim: make them again and compare.

usage: check_cli_pictures.py SOURCE_ROOT FEATURES -- [WRAPPER] RTSIM

FEATURES is the comma-separated list of -DRTSIM_HAVE_* flags rtsim was built
with; a picture whose heap is not in the build is skipped.  The pictures
show the 32-bit MCU model, so meson registers this check in the ILP32 build.
RTSIM_UPDATE_GOLDEN=1 rewrites the pictures.  Output is TAP."""
import os
import subprocess
import sys
import tempfile

root, features = sys.argv[1], sys.argv[2]
cmd = [os.path.abspath(a) if os.path.exists(a) else a
       for a in sys.argv[sys.argv.index("--") + 1:] if a]

# picture -> (rtsim arguments, heap part it needs or None)
PICTURES = {
    "heap-init.svg": (["demo", "heap-init"], None),
    "split-merge.svg": (["demo", "split-merge"], None),
    "fragmentation.svg": (["demo", "fragmentation"], None),
    "headers.svg": (["demo", "headers"], None),
    "lfree.svg": (["demo", "lfree"], None),
    "memheap.svg": (["demo", "memheap"], "MEMHEAP"),
    "slab.svg": (["demo", "slab"], "SLAB"),
    "mempool.svg": (["demo", "mempool"], "MEMPOOL"),
    "mailbox.svg": (["demo", "mailbox"], "MEMPOOL"),
    "double-free.svg": (["run", "tools/scenarios/double-free.rts"], None),
    "workload.svg": (["run", "tools/scenarios/workload.rts"], None),
    "tlsf.svg": (["demo", "tlsf"], "TLSF"),
}
update = os.environ.get("RTSIM_UPDATE_GOLDEN")
tmp = tempfile.mkdtemp(prefix="rtsim-pictures-")
lines = []
failed = 0
for i, (name, (args, need)) in enumerate(sorted(PICTURES.items()), 1):
    if need and "RTSIM_HAVE_" + need not in features:
        lines.append(f"ok {i} - docs/img/{name} # SKIP {need.lower()} is not in this build")
        continue
    out = os.path.join(tmp, name)
    r = subprocess.run(cmd + args + ["--svg", out], cwd=root, capture_output=True)
    committed = os.path.join(root, "docs", "img", name)
    if r.returncode != 0 or not os.path.exists(out):
        failed += 1
        lines.append(f"not ok {i} - docs/img/{name}: rtsim {' '.join(args)} exited {r.returncode}")
        lines.append("# " + r.stderr.decode(errors="replace")[:300].replace("\n", "\n# "))
        continue
    new = open(out, "rb").read()
    if update:
        os.makedirs(os.path.dirname(committed), exist_ok=True)
        open(committed, "wb").write(new)
    old = open(committed, "rb").read() if os.path.exists(committed) else None
    if old == new:
        lines.append(f"ok {i} - docs/img/{name} is up to date")
    else:
        failed += 1
        lines.append(f"not ok {i} - docs/img/{name} is stale: regenerate with "
                     f"RTSIM_UPDATE_GOLDEN=1 meson test -C <ILP32 build> cli-pictures")
        os.remove(out)
print(f"1..{len(PICTURES)}")
print("\n".join(lines))
sys.exit(1 if failed else 0)
