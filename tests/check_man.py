#!/usr/bin/env python3
"""docs/rtsim.1 against `rtsim --help` and every `rtsim COMMAND --help`, as TAP.

usage: check_man.py MANPAGE -- [WRAPPER] RTSIM

  * every option a --help names is in the man page, and every option the
    man page names is in some --help (neither may go stale)
  * every command of `rtsim --help` has its synopsis line and its entry
  * the version in .TH is `rtsim --version`'s
  * docs/meson.build installs every docs/*.md
  * groff renders the page without a warning (when groff is installed)
"""
import os
import re
import shutil
import subprocess
import sys

from tap import finish  # tests/tap.py

args = sys.argv[1:]
man_path = args[0]
cmd = [a for a in args[args.index("--") + 1:] if a]
results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def skip(name, why):
    results.append((name, None, why))


def out(argv):
    r = subprocess.run(cmd + argv, capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode()


OPT = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
man = open(man_path).read()
man_plain = man.replace("\\-", "-").replace("\\&", "")
man_opts = set(OPT.findall(man_plain))

rc, top = out(["--help"])
check("rtsim --help exits 0", rc == 0)
commands = re.findall(r"rtsim ([a-z]+) ", top)
commands = list(dict.fromkeys(commands))
check("rtsim --help names demo, run, shell, replay, board and addr",
      commands == ["demo", "run", "shell", "replay", "board", "addr"], repr(commands))
help_opts = set(OPT.findall(top))
for c in commands:
    rc, text = out([c, "--help"])
    check(f"rtsim {c} --help exits 0", rc == 0)
    opts = set(OPT.findall(text))
    help_opts |= opts
    missing = sorted(opts - man_opts)
    check(f"every option of rtsim {c} --help is in the man page", not missing, repr(missing))
    check(f"the man page has the synopsis of {c}",
          re.search(r"^\.B rtsim " + c + r"\b", man, re.M) is not None)
    check(f"the man page describes {c} under COMMANDS",
          re.search(r"^\.TP\n\.B[IR]? \"?" + c + r"\b", man, re.M) is not None)
missing = sorted(set(OPT.findall(top)) - man_opts)
check("every option of rtsim --help is in the man page", not missing, repr(missing))
stale = sorted(man_opts - help_opts)
check("every option in the man page is in some --help", not stale, repr(stale))

rc, ver = out(["--version"])
m = re.search(r"^\.TH RTSIM 1 \"[^\"]*\" \"rtsim ([0-9.]+)\"", man, re.M)
check("the man page's version is rtsim --version's",
      m is not None and ver.startswith("rtsim " + m.group(1) + " "), repr(ver))

# Every guide in docs/ is installed (docs/meson.build lists them by name).
docs = os.path.dirname(os.path.abspath(man_path))
listed = open(os.path.join(docs, "meson.build")).read()
unlisted = sorted(f for f in os.listdir(docs) if f.endswith(".md") and f"'{f}'" not in listed)
check("docs/meson.build installs every docs/*.md", not unlisted, repr(unlisted))

groff = shutil.which("groff")
if groff:
    r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", man_path], capture_output=True)
    check("groff renders the page without warnings", r.returncode == 0 and not r.stderr,
          r.stderr.decode())
else:
    skip("groff renders the page without warnings", "groff not installed")

finish(results)
