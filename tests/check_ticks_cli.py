#!/usr/bin/env python3
"""--ticks N and RTSIM_TICKS=N on every rtsim command (run, demo, shell):
the run ends at tick N with the report of what each thread was doing, and
that is a normal end (exit 0); bad values are usage errors (exit 2).

usage: check_ticks_cli.py -- [WRAPPER] RTSIM"""
import os
import subprocess
import sys
import tempfile

args = sys.argv[1:]
if args and args[0] == "--":
    args = args[1:]
wrapper = [a for a in args[:-1] if a]
rtsim = args[-1]
problems = 0

FIRMWARE = """# a firmware-style scenario: a thread that sleeps in a loop longer than --ticks
thread blinker prio 12
    delay 5000
end
"""


def run(*argv, stdin=None, env_extra=None):
    env = dict(os.environ)
    env.pop("RTSIM_TICKS", None)
    env.update(env_extra or {})
    r = subprocess.run(wrapper + [rtsim, *argv], input=stdin, capture_output=True, text=True,
                       env=env)
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


with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "firmware.rts")
    with open(path, "w") as f:
        f.write(FIRMWARE)
    rc, out, err = run("run", path, "--ticks", "1200")
    check("run --ticks 1200: exit 0", rc == 0, f"rc={rc}\n{out}\n{err}")
    check("run --ticks 1200: the report lists the sleeping thread",
          "rtsim: tick limit 1200 reached; the threads were doing:" in err
          and "blinker" in err and "sleeping until tick 5000" in err, err)
    rc, out, err = run("run", path, env_extra={"RTSIM_TICKS": "700"})
    check("RTSIM_TICKS=700 rtsim run: exit 0, limit 700", rc == 0
          and "rtsim: tick limit 700 reached" in err, f"rc={rc}\n{err}")
    rc, out, err = run("run", path)
    check("run without a limit: the scenario ends at tick 5000", rc == 0
          and "tick limit" not in err, f"rc={rc}\n{err}")
    for bad in (["--ticks", "0"], ["--ticks", "x"], ["--ticks"], ["--cpu-hz", "12"]):
        rc, out, err = run("run", path, *bad)
        check(f"run {' '.join(bad)}: exit 2 with usage", rc == 2 and "usage:" in err,
              f"rc={rc}\n{err}")

rc, out, err = run("demo", "kernel", "--ticks", "12")
check("demo kernel --ticks 12: exit 0, stopped at 12", rc == 0
      and "rtsim: tick limit 12 reached" in out + err, f"rc={rc}\n{out[-600:]}\n{err}")
rc, out, err = run("shell", "--ticks", "300", stdin="delay 1000\n")
check("shell --ticks 300: exit 0, stopped at 300", rc == 0
      and "rtsim: tick limit 300 reached" in err, f"rc={rc}\n{out[-400:]}\n{err}")
rc, out, err = run("shell", stdin="delay 1000\n", env_extra={"RTSIM_TICKS": "250"})
check("RTSIM_TICKS=250 rtsim shell: exit 0, stopped at 250", rc == 0
      and "rtsim: tick limit 250 reached" in err, f"rc={rc}\n{err}")
rc, out, err = run("shell", "--cpu-hz", "board", stdin="list_thread\n")
check("shell --cpu-hz board: exit 0", rc == 0, f"rc={rc}\n{err}")

print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
