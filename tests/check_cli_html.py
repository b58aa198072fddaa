#!/usr/bin/env python3
"""Open an `rtsim --html` page in headless Chromium and step its slider.

usage: check_cli_html.py -- [WRAPPER] RTSIM

The page steps its own slider through every position when its address ends
in #selftest (dispatching the same `input` events a user's drag does) and
writes "selftest: N of M steps shown" into the page; Chromium's --dump-dom
gives the page as it is after its script ran.  Exit 77 (skipped) when
Chromium is not installed (Debian: apt-get install chromium)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

cmd = [a for a in sys.argv[sys.argv.index("--") + 1:] if a]
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("chromium not installed: skipped")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="rtsim-html-")
page = os.path.join(tmp, "run.html")
r = subprocess.run(cmd + ["demo", "split-merge", "--html", page], capture_output=True)
if r.returncode != 0:
    print("rtsim failed:", r.stderr.decode(errors="replace"))
    sys.exit(1)
steps = open(page, encoding="utf-8").read().count('<div class="step"')
dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                      "--user-data-dir=" + os.path.join(tmp, "profile"),
                      "--dump-dom", "file://" + page + "#selftest"],
                     capture_output=True, timeout=120).stdout.decode(errors="replace")
shutil.rmtree(tmp, ignore_errors=True)
m = re.search(r'<p id="selftest">selftest: (\d+) of (\d+) steps shown</p>', dom)
shown = re.search(r'data-shown="(\d+)"', dom)
if not m:
    print("the page's script did not run (no selftest result in the DOM)")
    sys.exit(1)
ok, total = int(m.group(1)), int(m.group(2))
print(f"slider stepped through {total} steps, {ok} shown correctly (page has {steps})")
if ok != total or total != steps or total < 5 or not shown or shown.group(1) != "0":
    sys.exit(1)
