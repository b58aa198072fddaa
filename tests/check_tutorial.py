#!/usr/bin/env python3
"""Run docs/tutorial-firmware.md as written, as TAP.

usage: check_tutorial.py SOURCE_ROOT WORK_DIR

Every ```sh block of the page runs, in order, with bash -e in a directory
that looks like the rtsim checkout (symbolic links to its files), so
`meson setup build-fw ...` and the files the page writes stay out of the
source tree.  A plain ``` block right after a ```sh block is that command's
output: each of its lines that holds no "..." must appear, in that order,
in what the commands printed.  The SVG the page shows must be the one the
commands draw (RTSIM_UPDATE_GOLDEN=1 rewrites docs/img/firmware-heap.svg).

When this host cannot run 32-bit x86 programs, the page's 32-bit programs
(build-fw/tools/rtsim, ./app, ./shell_app) run through qemu-i386.  Exit 77 (skipped)
without arm-none-eabi-gcc."""
import os
import re
import shutil
import subprocess
import sys

from tap import finish  # tests/tap.py

src, work = sys.argv[1], sys.argv[2]
page = os.path.join(src, "docs", "tutorial-firmware.md")
svg_golden = os.path.join(src, "docs", "img", "firmware-heap.svg")
results = []


def ok(what, cond, detail=""):
    results.append((what, bool(cond), detail))
    return bool(cond)


if not shutil.which("arm-none-eabi-gcc"):
    print("1..0 # SKIP arm-none-eabi-gcc is not installed (Debian: gcc-arm-none-eabi)")
    sys.exit(77)

# The checkout, as symbolic links.
tut = os.path.join(work, "checkout")
shutil.rmtree(tut, ignore_errors=True)
os.makedirs(tut)
for name in ["meson.build", "meson_options.txt", "kernel", "sim", "tools", "tests", "cross",
             "docs", "README.md"]:
    os.symlink(os.path.join(src, name), os.path.join(tut, name))

# Can this host run -m32 programs?
probe = os.path.join(work, "probe32")
wrap = ""
r = subprocess.run(["cc", "-m32", "-x", "c", "-", "-o", probe], input="int main(void){return 0;}\n",
                   capture_output=True, text=True)
try:
    native = r.returncode == 0 and subprocess.run([probe]).returncode == 0
except OSError:
    native = False
if not native:
    wrap = "qemu-i386 "

# The page: ```sh blocks and the plain blocks after them.
text = open(page).read()
blocks = re.findall(r"```(\w*)\n(.*?)```", text, re.S)
steps = []
for i, (lang, body) in enumerate(blocks):
    if lang == "sh":
        expect = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "" else None
        steps.append((body, expect))
ok("the page has its command blocks", len(steps) >= 6, str(len(steps)))

for body, expect in steps:
    script = body.replace("build-fw/tools/rtsim", wrap + "build-fw/tools/rtsim")
    script = re.sub(r"(^|\| )(\./(?:app|shell_app)\b)", r"\1" + wrap + r"\2", script,
                    flags=re.M)
    r = subprocess.run(["bash", "-e", "-c", script], cwd=tut, capture_output=True, text=True,
                       timeout=1200)
    first = body.strip().splitlines()[0]
    printed = r.stdout + r.stderr
    ok(f"runs: {first}", r.returncode == 0, printed[-3000:])
    if expect is None:
        continue
    lines = [ln.rstrip() for ln in printed.splitlines()]
    pos, missing = 0, None
    for want in expect.splitlines():
        if "..." in want or not want.strip():
            continue
        while pos < len(lines) and lines[pos] != want.rstrip():
            pos += 1
        if pos == len(lines):
            missing = want
            break
        pos += 1
    ok(f"prints what the page shows: {first}", missing is None,
       f"missing (in order): {missing!r}\n--- printed:\n{printed[-3000:]}")

drawn = os.path.join(tut, "heap.svg")
if os.path.isfile(drawn):
    new = open(drawn).read()
    if os.environ.get("RTSIM_UPDATE_GOLDEN"):
        open(svg_golden, "w").write(new)
    old = open(svg_golden).read() if os.path.isfile(svg_golden) else ""
    ok("docs/img/firmware-heap.svg is the picture the commands draw", new == old,
       "stale picture: rerun with RTSIM_UPDATE_GOLDEN=1")
else:
    ok("the page's commands draw heap.svg", False)

finish(results)
