#!/usr/bin/env python3
"""Build user programs the way the README says and run them:
  the README's C example, against a fresh `meson install` (into a DESTDIR
    in the build tree), with `pkg-config --cflags --libs rtsim`: it must be
    a program of the build's model (32-bit in the default build) and run;
  app.c    with the uninstalled `pkg-config --cflags --libs rtsim`
  *_tc.c   with `pkg-config --cflags --libs rtsim-utest` (RT-Thread utest cases)
  shell_app.c with `pkg-config --cflags --libs rtsim-app`: its MSH_CMD_EXPORT
           command in the shell it boots into, commands piped on stdin

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

# An application with a shell command, as an RT-Thread sample is written:
# the command starts a thread of lower priority than the shell (20) that
# spins on a volatile flag until its timer sets it.
SHELL_APP = r'''
#include <rtthread.h>

static volatile int done;

static void timeout(void *arg)
{
    (void)arg;
    done = 1;
}

static void worker(void *arg)
{
    (void)arg;
    rt_timer_t t = rt_timer_create("t", timeout, RT_NULL, 3, RT_TIMER_FLAG_ONE_SHOT);
    rt_timer_start(t);
    rt_kprintf("worker spins from tick %u\n", (unsigned)rt_tick_get());
    while (!done)
        ;
    rt_kprintf("worker done at tick %u\n", (unsigned)rt_tick_get());
    rt_timer_delete(t);
}

static int hello(int argc, char **argv)
{
    rt_kprintf("hello from %s, %d argument(s), the first %s\n", rt_thread_self()->name,
               argc - 1, argc > 1 ? argv[1] : "-");
    rt_thread_startup(rt_thread_create("worker", worker, RT_NULL, 1024, 25, 10));
    return 0;
}
MSH_CMD_EXPORT(hello, say hello and start a worker);

static void forever(void *arg)
{
    (void)arg;
    for (;;)
        rt_thread_mdelay(1);
}

static void spin(void)
{
    rt_thread_startup(rt_thread_create("forever", forever, RT_NULL, 1024, 25, 10));
}
MSH_CMD_EXPORT(spin, start a thread that never ends);
'''

# Firmware with its own main(), as on a board: rtsim-app's Cflags rename it
# (-Dmain=rtt_main) and run it in the main thread, the shell beside it.
FIRMWARE = r'''
#include <rtthread.h>

static int blinks;

static void show(void)
{
    rt_kprintf("blinks %d at tick %u\n", blinks, (unsigned)rt_tick_get());
}
MSH_CMD_EXPORT(show, how often main has blinked);

int main(void)
{
    rt_kprintf("main runs in %s at priority %d\n", rt_thread_self()->name,
               rt_thread_self()->current_priority);
    for (;;)
    {
        blinks++;
        rt_thread_mdelay(10);
    }
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
    check("rtsim-app.pc is installed beside it",
          len(pcs) == 1 and os.path.isfile(os.path.join(os.path.dirname(pcs[0]), "rtsim-app.pc")),
          " ".join(pcs))
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

    # rtsim-app: the program is the rtsim command with its own commands;
    # without a command it boots into the shell (CPU model on), and the end
    # of its input ends the run.
    rc, flags, err = pkg("--cflags", "--libs", "rtsim-app")
    check("pkg-config --cflags --libs rtsim-app", rc == 0, err)
    src = os.path.join(tmp, "shell_app.c")
    open(src, "w").write(SHELL_APP)
    exe = os.path.join(tmp, "shell_app")
    r = subprocess.run(cc + warn + [src, *flags, "-o", exe], capture_output=True, text=True)
    check("cc shell_app.c $(pkg-config --cflags --libs rtsim-app)", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run(wrapper + [exe], input="hello a b\ndelay 10\nlist_timer\n",
                           capture_output=True, text=True, timeout=120)
        out = r.stdout[r.stdout.find("msh >"):]
        # Console output takes UART time (115200 baud): the banner and the
        # echoed lines bring the shell's delay to tick 11.
        check("./shell_app < script: its command runs in tshell; the worker (priority 25) "
              "runs while the shell waits, its spin ends at the timer's tick; the end of "
              "input ends the run with status 0",
              r.returncode == 0 and out ==
              "msh >hello a b\nhello from tshell, 2 argument(s), the first a\n"
              "msh >delay 10\n[tick    11] tshell     delay 10\n"
              "worker spins from tick 11\nworker done at tick 14\n"
              "msh >list_timer\n"
              "timer             periodic   timeout       flag\n"
              "---------------- ---------- ---------- -----------\n"
              "tshell           0x0000000a 0x00000015 deactivated\n"
              "tidle0           0x00000000 0x00000000 deactivated\n"
              "current tick:0x00000026\n"
              "msh >\n", r.stdout + r.stderr)
        try:
            r = subprocess.run(wrapper + [exe], input="spin\ndelay 5\n", capture_output=True,
                               text=True, timeout=30)
            check("./shell_app < script with a thread that never ends: the end of input "
                  "ends the run, status 0",
                  r.returncode == 0 and r.stdout.endswith("msh >delay 5\n[tick     7] tshell"
                                                          "     delay 5\nmsh >\n"),
                  r.stdout[-600:] + r.stderr)
        except subprocess.TimeoutExpired:
            check("./shell_app < script with a thread that never ends: the end of input "
                  "ends the run", False, "still running after 30 s")
    src = os.path.join(tmp, "firmware.c")
    open(src, "w").write(FIRMWARE)
    exe_fw = os.path.join(tmp, "firmware")
    r = subprocess.run(cc + warn + [src, *flags, "-o", exe_fw], capture_output=True, text=True)
    check("cc firmware.c (with its own main) $(pkg-config --cflags --libs rtsim-app)",
          r.returncode == 0, r.stderr)
    if r.returncode == 0:
        r = subprocess.run(wrapper + [exe_fw], input="show\ndelay 35\nshow\n",
                           capture_output=True, text=True, timeout=120)
        # The banner at boot, then main (priority 10) until it sleeps, then
        # the shell; console time moves the ticks (115200 baud).
        check("./firmware < script: the banner, then the firmware's main() in the main "
              "thread at priority 10 until it sleeps, the shell beside it; the end of input "
              "ends the run, status 0",
              r.returncode == 0 and "\nmain runs in main at priority 10\nmsh >show\n"
              "blinks 1 at tick 10\nmsh >delay 35\n[tick    12] tshell     delay 35\n"
              "msh >show\nblinks 4 at tick 47\nmsh >\n" in r.stdout
              and r.stdout.index("Thread Operating System") < r.stdout.index("main runs"),
              r.stdout + r.stderr)
    if os.path.exists(exe):
        r = subprocess.run(wrapper + [exe, "--bogus"], capture_output=True, text=True,
                           timeout=120)
        check("./shell_app --bogus: the shell's usage error (status 2)",
              r.returncode == 2 and "unknown option --bogus" in r.stderr, r.stderr)
        r = run(exe, "demo", "--list")
        check("./shell_app demo --list: the rtsim command's demos",
              r.returncode == 0 and "fragmentation" in r.stdout, r.stdout + r.stderr)
        r = run(exe, "--help")
        check("./shell_app --help says what it is, then rtsim's usage",
              r.returncode == 0 and "this program's MSH_CMD_EXPORT" in r.stdout
              and "rtsim shell" in r.stdout, r.stdout + r.stderr)

print(f"{problems} problem(s)")
sys.exit(1 if problems else 0)
