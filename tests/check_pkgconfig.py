#!/usr/bin/env python3
"""Build user programs the way the README says and run them:
  the README's C example, against a fresh `meson install` (into a DESTDIR
    in the build tree), with `pkg-config --cflags --libs rtsim`: it must be
    a program of the build's model (32-bit in the default build) and run;
  app.c    with the uninstalled `pkg-config --cflags --libs rtsim`
  *_tc.c   with `pkg-config --cflags --libs rtsim-utest` (RT-Thread utest cases)

usage: check_pkgconfig.py BUILD_ROOT SOURCE_ROOT WORD_BITS [WRAPPER]
WRAPPER runs the built programs (qemu-i386 where this host cannot run
32-bit programs itself); CC may carry a sanitizer's flags."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

build_root, source_root, word_bits = sys.argv[1], sys.argv[2], int(sys.argv[3])
wrapper = [sys.argv[4]] if len(sys.argv) > 4 and sys.argv[4] else []
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


def pkg(*args, environ=None):
    r = subprocess.run(["pkg-config", *args], env=environ or env, capture_output=True, text=True)
    return r.returncode, r.stdout.split(), r.stderr


def elf_bits(path):
    with open(path, "rb") as f:
        head = f.read(5)
    return {1: 32, 2: 64}.get(head[4]) if head[:4] == b"\x7fELF" else None


def run(exe, *args):
    return subprocess.run(wrapper + [exe, *args], capture_output=True, text=True, timeout=120)


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

# The README's example, from README.md itself ("## Using it from C").
readme = open(os.path.join(source_root, "README.md"), encoding="utf-8").read()
section = readme[readme.index("## Using it from C"):]
readme_app = re.search(r"```c\n(.*?)```", section, re.S).group(1)

with tempfile.TemporaryDirectory(dir=build_root, prefix="pkgconfig-") as tmp:
    # A fresh install into a DESTDIR; pkg-config reads it through its sysroot.
    dest = os.path.join(tmp, "dest")
    r = subprocess.run(["meson", "install", "-C", build_root, "--no-rebuild", "--quiet",
                        "--destdir", dest], capture_output=True, text=True)
    check("meson install --destdir", r.returncode == 0, r.stdout + r.stderr)
    pcs = [os.path.join(d, f) for d, _, fs in os.walk(dest) for f in fs if f == "rtsim.pc"]
    check("rtsim.pc is installed", len(pcs) == 1, " ".join(pcs))
    if pcs:
        ienv = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pcs[0]),
                    PKG_CONFIG_SYSROOT_DIR=dest)
        ienv.pop("PKG_CONFIG_LIBDIR", None)
        rc, flags, err = pkg("--cflags", "--libs", "rtsim", environ=ienv)
        check("installed: pkg-config --cflags --libs rtsim", rc == 0, err)
        check("the flags carry the model (-m32 in the 32-bit model)",
              ("-m32" in flags) == (word_bits == 32), " ".join(flags))
        src = os.path.join(tmp, "readme_app.c")
        open(src, "w").write(readme_app)
        exe = os.path.join(tmp, "readme_app")
        r = subprocess.run(cc + ["-Wall", "-Werror", src, *flags, "-o", exe],
                           capture_output=True, text=True)
        check("cc app.c $(pkg-config --cflags --libs rtsim) (README's example, installed)",
              r.returncode == 0, r.stderr)
        if r.returncode == 0:
            check(f"the README's program is a {word_bits}-bit program",
                  elf_bits(exe) == word_bits, f"ELF class: {elf_bits(exe)}-bit")
            r = run(exe)
            check("./app (README's example) prints its block and exits 0",
                  r.returncode == 0
                  and re.fullmatch(r"got 0x[0-9a-f]+ at tick 0\n", r.stdout) is not None,
                  f"exit {r.returncode}: " + r.stdout + r.stderr)
        # The same program with another RT_NAME_MAX than the library's is
        # refused before it runs (RT_SIM_ECONFIG, exit status 7).
        r = subprocess.run(cc + ["-DRT_NAME_MAX=8", src, *flags, "-o", exe + "8"],
                           capture_output=True, text=True)
        check("cc -DRT_NAME_MAX=8 app.c $(pkg-config ...)", r.returncode == 0, r.stderr)
        if r.returncode == 0:
            r = run(exe + "8")
            check("./app built with -DRT_NAME_MAX=8: RT_SIM_ECONFIG (7) and the knob named",
                  r.returncode == 7 and r.stdout == ""
                  and "RT_NAME_MAX: program 8, library 16" in r.stderr,
                  f"exit {r.returncode}: " + r.stdout + r.stderr)

    # rtsim: a program with its own main().
    rc, flags, err = pkg("--cflags", "--libs", "rtsim")
    check("pkg-config --cflags --libs rtsim", rc == 0, err)
    src = os.path.join(tmp, "app.c")
    open(src, "w").write(APP)
    exe = os.path.join(tmp, "app")
    r = subprocess.run(cc + warn + [src, *flags, "-o", exe], capture_output=True, text=True)
    check("cc app.c $(pkg-config --cflags --libs rtsim)", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = run(exe)
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
        r = subprocess.run(wrapper + [exe], capture_output=True, text=True, timeout=120)
        check("./spin: the time slice ends main's spin at tick 20",
              r.returncode == 0
              and r.stdout == "setter runs at tick 20\nmain saw the flag\n", r.stdout + r.stderr)
    plain = [f for f in flags if not f.startswith("-fsanitize-coverage")]
    exe = os.path.join(tmp, "spin_plain")
    r = subprocess.run(cc + warn + [src, *plain, "-o", exe], capture_output=True, text=True)
    check("cc spin.c without the CPU model's flag", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run(wrapper + [exe], capture_output=True, text=True, timeout=120,
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
        r = run(exe, "-q")
        out = r.stdout
        check("./cases_tc runs both cases, exit 0",
              r.returncode == 0
              and "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.sem)" in out
              and "[I/utest] [  PASSED  ] [ result   ] testcase (rtsim.utest.heap)" in out
              and out.endswith("rtsim-utest: 2 test cases: 2 passed, 0 failed "
                               "(board stm32f429-disco, heap smallmem, seed 1)\n"),
              out + r.stderr)
        r = run(exe, "-q", "*.heap")
        check("./cases_tc '*.heap' runs one case",
              r.returncode == 0 and "1 tests from 2 testcase ran." in r.stdout, r.stdout)

print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
