#!/usr/bin/env python3
"""The rtsim command line never passes falsely on files, reported as TAP.

usage: check_cli_files.py -- [WRAPPER] RTSIM

  * `rtsim run DIR`, `rtsim run - < DIR`, an unreadable scenario and one
    with a NUL byte are errors (exit 2) naming the file (and the line of
    the NUL byte), with nothing run
  * a failed write of --trace / --svg / --html (a full disk: /dev/full) is
    an error (exit 1) naming the file, for `run` and `demo`
  * bad RTSIM_CHECK / RTSIM_FAIL_ALLOC values are errors naming the value
  * a board region too small to hold anything is a board-file error with
    its line"""
import os
import shutil
import subprocess
import sys
import tempfile

from tap import finish  # tests/tap.py

args = sys.argv[1:]
cmd = [a for a in args[1:] if a]          # an empty wrapper slot on native builds
tmp = tempfile.mkdtemp(prefix="rtsim-cli-files-")
results = []


def run(argv, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("RTSIM_CHECK", None)
    e.pop("RTSIM_FAIL_ALLOC", None)
    e.update(env or {})
    r = subprocess.run(cmd + argv, stdin=stdin, capture_output=True, timeout=120, env=e)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


ok_rts = write("ok.rts", b"a = malloc 10\nfree a\n")

# ------------------------------------------------ scenarios that are not text
rc, out, err = run(["run", tmp])
check("run DIR", rc == 2 and err == "rtsim: cannot read %s: Is a directory\n" % tmp and out == "",
      (rc, out, err))
fd = os.open(tmp, os.O_RDONLY)
try:
    rc, out, err = run(["run", "-"], stdin=fd)
finally:
    os.close(fd)
check("run - < DIR", rc == 2 and err == "rtsim: cannot read standard input: Is a directory\n"
      and out == "", (rc, out, err))
nul = write("nul.rts", b"a = malloc 10\nfree a\x00\nb = malloc 3\n")
rc, out, err = run(["run", nul])
check("run: a NUL byte", rc == 2 and err == "rtsim: %s:2: a NUL byte: not a text scenario\n" % nul
      and out == "", (rc, out, err))
with open(nul, "rb") as f:
    rc, out, err = run(["run", "-"], stdin=f)
check("run -: a NUL byte", rc == 2 and
      err == "rtsim: standard input:2: a NUL byte: not a text scenario\n", (rc, out, err))
missing = os.path.join(tmp, "missing.rts")
rc, out, err = run(["run", missing])
check("run: a missing file", rc == 2 and
      err == "rtsim: cannot read %s: No such file or directory\n" % missing, (rc, out, err))

# ------------------------------------------------------- full disk
if os.path.exists("/dev/full"):
    for opt in ("--trace", "--svg", "--html"):
        rc, out, err = run(["run", opt, "/dev/full", ok_rts])
        check("run %s /dev/full" % opt, rc == 1 and
              "rtsim: cannot write /dev/full: No space left on device\n" in err, (rc, out, err))
    rc, out, err = run(["demo", "kernel", "--trace", "/dev/full"])
    check("demo kernel --trace /dev/full", rc == 1 and
          "rtsim: cannot write /dev/full: No space left on device\n" in err, (rc, err))
    rc, out, err = run(["run", "--trace", os.path.join(tmp, "t.txt"), ok_rts])
    check("run --trace to a good file", rc == 0, (rc, err))
else:
    results.append(("full disk", None, "no /dev/full"))

# ----------------------------------------------------- environment
rc, out, err = run(["run", ok_rts], env={"RTSIM_CHECK": "stritc"})
check("RTSIM_CHECK=stritc", rc != 0 and
      'rtsim: RTSIM_CHECK: bad value "stritc" (use off, on or strict)\n' in err, (rc, out, err))
for bad in ("nth=x", "p=1.5", "bogus"):
    rc, out, err = run(["run", ok_rts], env={"RTSIM_FAIL_ALLOC": bad})
    check("RTSIM_FAIL_ALLOC=" + bad, rc != 0 and
          ('rtsim: RTSIM_FAIL_ALLOC: bad value "%s"' % bad) in err, (rc, out, err))
rc, out, err = run(["run", ok_rts], env={"RTSIM_CHECK": "strict", "RTSIM_FAIL_ALLOC": "after=100"})
check("good RTSIM_CHECK / RTSIM_FAIL_ALLOC", rc == 0, (rc, out, err))

# ----------------------------------------------------------- boards
for size in ("4", "63"):
    board = write("tiny%s.txt" % size, b"board tiny\n# a tiny region\nregion SRAM 0x20000000 %s\n"
                  % size.encode())
    rc, out, err = run(["run", "--board", board, ok_rts])
    check("board region of %s bytes" % size, rc != 0 and
          ("%s:3: expected a region of at least 64 bytes (a smaller one cannot hold anything)\n"
           % board) in err, (rc, out, err))

shutil.rmtree(tmp, ignore_errors=True)
finish(results)
