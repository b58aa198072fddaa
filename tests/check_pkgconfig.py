#!/usr/bin/env python3
"""Build two user programs the way the README says, against the
uninstalled pkg-config files of the build tree, and run them:
  app.c    with `pkg-config --cflags --libs rtsim`
  *_tc.c   with `pkg-config --cflags --libs rtsim-utest` (RT-Thread utest cases)

usage: check_pkgconfig.py BUILD_ROOT SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

build_root, source_root = sys.argv[1], sys.argv[2]
env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(build_root, "meson-uninstalled"))
cc = os.environ.get("CC", "cc").split()
warn = ["-Wall", "-Wextra", "-Werror"]
problems = 0


def check(what, ok, detail=""):
    global problems
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems += 1
        if detail:
            print("     " + detail.strip().replace("\n", "\n     "))


def pkg(*args):
    r = subprocess.run(["pkg-config", *args], env=env, capture_output=True, text=True)
    return r.returncode, r.stdout.split(), r.stderr


if not shutil.which("pkg-config"):
    print("pkg-config is not installed")
    sys.exit(77)

APP = r'''
#include <rtthread.h>
#include <rtsim.h>

static void app_main(void *arg)
{
    void *p = rt_malloc(100);
    (void)arg;
    rt_kprintf("got %s block at tick %u\n", p ? "a" : "no", (unsigned)rt_tick_get());
    rt_free(p);
}

int main(void)
{
    struct rt_sim_config cfg;
    rt_sim_config_init(&cfg);
    cfg.board = "stm32f429-disco";
    return rt_sim_run(&cfg, app_main, NULL);
}
'''

SPIN = r'''
#include <rtthread.h>
#include <rtsim.h>

static volatile int flag;

static void setter(void *arg)
{
    (void)arg;
    rt_kprintf("setter runs at tick %u\n", (unsigned)rt_tick_get());
    flag = 1;
}

static void app_main(void *arg)
{
    (void)arg;
    rt_thread_startup(rt_thread_create("setter", setter, RT_NULL, 1024, 10, 5));
    while (!flag)
        ;
    rt_kprintf("main saw the flag\n");
}

int main(void)
{
    return rt_sim_run(NULL, app_main, NULL);
}
'''

with tempfile.TemporaryDirectory() as tmp:
    # rtsim: a program with its own main().
    rc, flags, err = pkg("--cflags", "--libs", "rtsim")
    check("pkg-config --cflags --libs rtsim", rc == 0, err)
    src = os.path.join(tmp, "app.c")
    open(src, "w").write(APP)
    exe = os.path.join(tmp, "app")
    r = subprocess.run(cc + warn + [src, *flags, "-o", exe], capture_output=True, text=True)
    check("cc app.c $(pkg-config --cflags --libs rtsim)", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run([exe], capture_output=True, text=True)
        check("./app prints and exits 0",
              r.returncode == 0 and r.stdout == "got a block at tick 0\n", r.stdout + r.stderr)

    # The CPU model: the flags instrument the program; main's spin is
    # preempted when its 20-tick slice ends.  Without the flag the spin
    # never ends and the wall-clock watchdog stops the process (status 10).
    check("rtsim's Cflags carry the CPU model's -fsanitize-coverage=trace-pc",
          "-fsanitize-coverage=trace-pc" in flags, " ".join(flags))
    src = os.path.join(tmp, "spin.c")
    open(src, "w").write(SPIN)
    exe = os.path.join(tmp, "spin")
    r = subprocess.run(cc + warn + [src, *flags, "-o", exe], capture_output=True, text=True)
    check("cc spin.c $(pkg-config --cflags --libs rtsim)", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run([exe], capture_output=True, text=True, timeout=60)
        check("./spin: the time slice ends main's spin at tick 20",
              r.returncode == 0
              and r.stdout == "setter runs at tick 20\nmain saw the flag\n", r.stdout + r.stderr)
    plain = [f for f in flags if not f.startswith("-fsanitize-coverage")]
    exe = os.path.join(tmp, "spin_plain")
    r = subprocess.run(cc + warn + [src, *plain, "-o", exe], capture_output=True, text=True)
    check("cc spin.c without the CPU model's flag", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run([exe], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, RTSIM_WALL_TIMEOUT="0.5"))
        check("./spin_plain: the watchdog stops it with status 10 and names main",
              r.returncode == 10
              and 'wall-clock watchdog: thread "main" (priority 10)' in r.stderr, r.stderr)

    # rtsim-utest: RT-Thread utest cases, main() from the package.
    rc, flags, err = pkg("--cflags", "--libs", "rtsim-utest")
    check("pkg-config --cflags --libs rtsim-utest", rc == 0, err)
    libs = [f for f in flags if f.startswith("-l")]
    check("-lrtsim-utest comes before -lrtsim",
          "-lrtsim-utest" in libs and "-lrtsim" in libs
          and libs.index("-lrtsim-utest") < libs.index("-lrtsim"), " ".join(flags))
    cases = [os.path.join(source_root, "tests", "utest_cases", n)
             for n in ("sem_tc.c", "heap_tc.c")]
    exe = os.path.join(tmp, "cases_tc")
    r = subprocess.run(cc + warn + [*cases, *flags, "-o", exe], capture_output=True, text=True)
    check("cc sem_tc.c heap_tc.c $(pkg-config --cflags --libs rtsim-utest)",
          r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run([exe, "-q"], capture_output=True, text=True)
        out = r.stdout
        check("./cases_tc runs both cases, exit 0",
              r.returncode == 0
              and "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.sem)" in out
              and "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.heap)" in out
              and out.endswith("rtsim-utest: 2 test cases: 2 passed, 0 failed "
                               "(board stm32f429-disco, heap smallmem, seed 1)\n"),
              out + r.stderr)
        r = subprocess.run([exe, "-q", "*.heap"], capture_output=True, text=True)
        check("./cases_tc '*.heap' runs one case",
              r.returncode == 0 and "1 tests from 2 testcase ran." in r.stdout, r.stdout)

print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
