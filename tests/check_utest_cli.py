#!/usr/bin/env python3
"""Check the command line of a program linked with rtsim-utest's main():
exit statuses, name filters, options, and RT-Thread's utest log lines.

usage: check_utest_cli.py -- [WRAPPER] UTEST_PASS UTEST_FAIL
UTEST_PASS holds rtsim.utest.{sem,delay,heap,asserts} (all pass);
UTEST_FAIL holds five cases that fail on purpose, rtsim.utest.heap and
rtsim.utest.left_blocked (passes, leaving threads blocked)."""
import subprocess
import sys

args = sys.argv[1:]
if args and args[0] == "--":
    args = args[1:]
wrapper = [a for a in args[:-2] if a]   # empty slot on native builds
passing, failing = args[-2], args[-1]
problems = 0


def run(prog, *argv):
    r = subprocess.run(wrapper + [prog, *argv], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def check(what, ok, detail=""):
    global problems
    if ok:
        print(f"ok   {what}")
    else:
        problems += 1
        print(f"FAIL {what}")
        if detail:
            print("     " + detail.replace("\n", "\n     "))


PASS_CASES = ["rtsim.utest.sem", "rtsim.utest.delay", "rtsim.utest.heap",
              "rtsim.utest.asserts"]

# Everything, default options.
rc, out, err = run(passing)
lines = out.splitlines()
check("all cases pass: exit 0", rc == 0, err)
check("first line", lines[:1] == ["[I/utest] [==========] [ utest    ] started"], out[:200])
started = [l for l in lines if l.endswith(") started") and "[ testcase ]" in l]
check("cases run in registration order",
      started == [f"[I/utest] [----------] [ testcase ] ({n}) started" for n in PASS_CASES],
      "\n".join(started))
for n in PASS_CASES:
    check(f"{n} passed", f"[I/utest] [  PASSED  ] [ result   ] testcase ({n})" in lines)
    check(f"{n} finished", f"[I/utest] [----------] [ testcase ] ({n}) finished" in lines)
check("unit lines", "[I/utest] [==========] utest unit name: (test_handover)" in lines)
check("OK lines for assertions that hold",
      any(l.startswith("[D/utest] [    OK    ] [ unit     ] (test_every_macro:") for l in lines))
check("summary lines", lines[-4:] == [
    "[I/utest] [==========] [ utest    ] 4 tests from 4 testcase ran.",
    "[I/utest] [  PASSED  ] [ result   ] 4 tests.",
    "[I/utest] [==========] [ utest    ] finished",
    "rtsim-utest: 4 test cases: 4 passed, 0 failed "
    "(board stm32f429-disco, heap smallmem, seed 1)"], "\n".join(lines[-4:]))
rc2, out2, _ = run(passing)
check("same program, same output (byte for byte)", rc2 == 0 and out2 == out)

# Quiet: failures only.
rc, out, err = run(passing, "-q")
check("--quiet: exit 0, no OK lines", rc == 0 and "[    OK    ]" not in out, err)

# Filters: shell wildcards, several patterns.
rc, out, err = run(passing, "rtsim.utest.[sd]*")
check("filter 'rtsim.utest.[sd]*' runs sem and delay",
      rc == 0 and "(rtsim.utest.sem) started" in out and "(rtsim.utest.delay) started" in out
      and "(rtsim.utest.heap) started" not in out
      and "2 tests from 4 testcase ran." in out, out[-400:])
rc, out, err = run(passing, "*.heap", "--quiet", "*.asserts")
check("two patterns, option between them",
      rc == 0 and "2 tests from 4 testcase ran." in out and "(rtsim.utest.heap) started" in out
      and "(rtsim.utest.asserts) started" in out, out[-400:])
rc, out, err = run(passing, "nomatch.*")
check("no case matches: exit 3, 'Not find'",
      rc == 3 and "[I/utest] [==========] [ utest    ] Not find (nomatch.*)" in out, out)

# Configuration.
rc, out, err = run(passing, "-q", "--heap", "smallmem-classic", "--seed=7")
check("--heap smallmem-classic --seed=7: exit 0",
      rc == 0 and "(board stm32f429-disco, heap smallmem-classic, seed 7)" in out, out[-300:])
rc, out, err = run(passing, "-q", "--board", "stm32f407", "rtsim.utest.heap")
check("--board stm32f407: the 128 KiB heap fails the 1 MiB check: exit 1",
      rc == 1 and "(total > 1024 * 1024) is false" in out, out[-600:])
rc, out, err = run(passing, "--list")
check("--list", rc == 0 and [l.split(" ")[0] for l in out.splitlines()] == PASS_CASES, out)
rc, out, err = run(passing, "--help")
check("--help: usage on stdout, exit 0", rc == 0 and out.startswith("usage:"), out)

# Bad usage: exit 2, usage on stderr, no log.
for bad in (["--bogus"], ["--heap", "bogus"], ["--board", "no-such-board"],
            ["--seed", "x"], ["--heap"]):
    rc, out, err = run(passing, *bad)
    check(f"bad usage {' '.join(bad)}: exit 2, usage on stderr",
          rc == 2 and "usage:" in err and "[==========]" not in out, f"rc={rc}\n{err}")

# Failing cases.
rc, out, err = run(failing, "-q")
check("failing program: exit 1", rc == 1, err)
check("five failures listed",
      "[E/utest] [  FAILED  ] [ result   ] 5 tests, listed below:" in out
      and "rtsim-utest: FAILED rtsim.fail.waiting: threads were left waiting forever" in out
      and "rtsim-utest: FAILED rtsim.fail.timeout: timeout" in out, out[-1200:])
check("waiting-forever report on stderr", "rtsim: waiting forever at tick 0" in err
      and "rtsim: deadlock" not in err, err[:400])
# --ticks N replaces every case's own limit; RTSIM_TICKS=N does the same.
rc, out, err = run(passing, "-q", "--ticks", "50", "rtsim.utest.delay")
check("--ticks 50: the delay case stops at tick 50 and fails", rc == 1
      and "rtsim: tick limit 50 reached" in err and "rtsim.utest.delay: timeout" in out,
      f"rc={rc}\n{out[-400:]}\n{err[:400]}")
import os as _os
r = subprocess.run(wrapper + [passing, "-q", "rtsim.utest.delay"], capture_output=True,
                   text=True, env=dict(_os.environ, RTSIM_TICKS="50"))
check("RTSIM_TICKS=50: the same", r.returncode == 1 and "rtsim: tick limit 50 reached" in r.stderr,
      f"rc={r.returncode}\n{r.stderr[:400]}")
for bad in (["--ticks", "0"], ["--ticks", "x"], ["--cpu-hz", "5"]):
    rc, out, err = run(passing, *bad)
    check(f"bad value {' '.join(bad)}: exit 2", rc == 2 and "bad value" in err, f"rc={rc}\n{err}")
rc, out, err = run(passing, "-q", "--cpu-hz", "0")
check("--cpu-hz 0: every case still passes", rc == 0, out[-400:])
rc, out, err = run(failing, "-q", "rtsim.utest.*")
check("failing program, passing case only: exit 0", rc == 0, out[-400:])
rc, out, err = run(failing, "-q", "--timeout-scale", "0", "rtsim.fail.timeout")
check("--timeout-scale 0 lifts the limit: the 4.9 s sleep passes", rc == 0, out[-400:])
rc, out, err = run(failing, "-q", "--timeout-scale", "5", "rtsim.fail.timeout")
check("--timeout-scale 5 gives it 5 s: enough", rc == 0, out[-400:])

print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
