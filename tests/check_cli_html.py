#!/usr/bin/env python3
"""Open an `rtsim --html` page in headless Chromium and step its slider;
then open the pictures in it and check what a reader sees.

usage: check_cli_html.py -- [WRAPPER] RTSIM

Pictures, as Chromium lays them out (an inline script measures the SVG):
the split-merge picture has one panel per `map` step, each a distinct
picture; every block of its small teaching heap is at least 3 px wide;
no two owners share a colour and no owner has a kind's colour; every
legend entry's colour is used and every colour used has a legend entry.
The page's log is in view beside the map at step 1.

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


def dump(path):
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--window-size=1280,900",
                           "--user-data-dir=" + os.path.join(tmp, "profile"),
                           "--dump-dom", "file://" + path],
                          capture_output=True, timeout=120).stdout.decode(errors="replace")


dom = dump(page + "#selftest")
failed = []
m = re.search(r'<p id="selftest">selftest: (\d+) of (\d+) steps shown; '
              r'log lines at step 1: (\d+); log beside map: (\w+)</p>', dom)
shown = re.search(r'data-shown="(\d+)"', dom)
if not m:
    print("the page's script did not run (no selftest result in the DOM)")
    sys.exit(1)
ok, total = int(m.group(1)), int(m.group(2))
print(f"slider stepped through {total} steps, {ok} shown correctly (page has {steps})")
if ok != total or total != steps or total < 5 or not shown or shown.group(1) != "0":
    failed.append("slider")
print(f"log lines shown at step 1: {m.group(3)}; log beside the map, in view: {m.group(4)}")
if int(m.group(3)) == 0 or m.group(4) != "yes":
    failed.append("log at step 1 beside the map")

# ------------------------------------------------------------ pictures
MEASURE = r"""
<script>
var out = [];
var kinds = ['#ffffff', '#222222', '#bab0ac', '#ececec', '#6f6a68', '#e8dcc8'];
var panels = document.querySelectorAll('g.panel');
var seen = {}, distinct = 0;
for (var i = 0; i !== panels.length; i++) {
  var body = panels[i].innerHTML.replace(/<text[^>]*class="cap"[^>]*>.*?<\/text>/, '');
  if (!seen[body]) distinct++;
  seen[body] = 1;
}
out.push('panels ' + panels.length + ' distinct ' + distinct);
var narrow = 0, blocks = 0, regions = document.querySelectorAll('g.region');
for (var r = 0; r !== regions.length; r++) {
  var t = regions[r].querySelector('text.rt').textContent;
  if (t.indexOf('heap "h"') !== 0) continue;
  var bs = regions[r].querySelectorAll('g.block > rect:not(.hdr)');
  for (var b = 0; b !== bs.length; b++) {
    blocks++;
    if (bs[b].getBoundingClientRect().width < 3) narrow++;
  }
}
out.push('teaching-heap blocks ' + blocks + ' narrower than 3px ' + narrow);
var owner = {}, clash = 0, used = {};
var us = document.querySelectorAll('g.block');
for (var k = 0; k !== us.length; k++) {
  var rect = us[k].querySelector('rect');
  var fill = rect.getAttribute('fill');
  used[fill] = 1;
  var o = us[k].getAttribute('data-owner');
  if (o === null) continue;
  if (kinds.indexOf(fill) !== -1) clash++;
  for (var p in owner) if (p !== o && owner[p] === fill) clash++;
  owner[o] = fill;
}
var hd = document.querySelectorAll('rect.hdr');
for (var h = 0; h !== hd.length; h++) used[hd[h].getAttribute('fill')] = 1;
var items = document.querySelectorAll('g.legend g.item'), legend = {}, unused = 0, missing = 0;
for (var l = 0; l !== items.length; l++) {
  var f = items[l].getAttribute('data-fill');
  legend[f] = 1;
  if (!used[f]) unused++;
}
for (var u in used) if (!legend[u]) missing++;
out.push('owners ' + Object.keys(owner).length + ' colour clashes ' + clash);
out.push('legend entries ' + items.length + ' unused ' + unused + ' colours without entry ' + missing);
document.body.setAttribute('data-measure', out.join('; '));
</script>
"""


def measure(args, name):
    svg = os.path.join(tmp, name + ".svg")
    r = subprocess.run(cmd + args + ["--svg", svg], capture_output=True)
    if not os.path.exists(svg):
        failed.append(name + ": no picture")
        return None
    text = open(svg, encoding="utf-8").read()
    text = text[text.index("<svg"):]
    wrapper = os.path.join(tmp, name + ".html")
    with open(wrapper, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><body>" + text + MEASURE + "</body></html>")
    d = dump(wrapper)
    mm = re.search(r'data-measure="([^"]*)"', d)
    print(f"{name}: {mm.group(1) if mm else 'the measuring script did not run'}")
    return mm.group(1) if mm else None


def num(text, label):
    mm = re.search(label + r" (\d+)", text)
    return int(mm.group(1)) if mm else -1


got = measure(["demo", "split-merge"], "split-merge")
if got is not None:
    panels, distinct = num(got, "panels"), num(got, "distinct")
    if panels < 7 or distinct != panels:
        failed.append("split-merge: one distinct panel per step")
    if num(got, "teaching-heap blocks") < 20 or num(got, "narrower than 3px") != 0:
        failed.append("split-merge: every block of the teaching heap at least 3 px wide")
for args, name in [(["demo", "split-merge"], "split-merge"),
                   (["run", "tools/scenarios/workload.rts"], "workload"),
                   (["demo", "slab"], "slab"), (["demo", "memheap"], "memheap"),
                   (["demo", "fragmentation"], "fragmentation")]:
    got = got if name == "split-merge" else measure(args, name)
    if got is None:
        continue
    if num(got, "colour clashes") != 0:
        failed.append(name + ": two owners share a colour, or an owner has a kind's colour")
    if num(got, "legend entries") < 2 or num(got, "unused") != 0 or num(got, "colours without entry") != 0:
        failed.append(name + ": legend and colours used differ")
shutil.rmtree(tmp, ignore_errors=True)
if failed:
    print("FAILED: " + "; ".join(failed))
    sys.exit(1)
