#!/usr/bin/env python3
"""`meson setup -Drtconfig=FILE`: rtsim built with a BSP's rtconfig.h, as TAP.

usage: check_rtconfig.py SOURCE_ROOT WORK_DIR

  * tests/rtconfig/stm32f4-rtconfig.h (an STM32F4 BSP's 4.1 Kconfig output:
    RT_NAME_MAX 8, RT_ALIGN_SIZE 4, small mem as the heap, devices and
    drivers) sets up in the 32-bit model, lists the knobs it does not
    simulate once, and builds the library, rtsim.pc and the rtsim command;
  * a program compiled against that build with rtsim.pc sees RT_NAME_MAX 8,
    RT_ALIGN_SIZE 4, thread names cut to 8 bytes, the small-mem heap with
    its 12-byte headers; a program using memheap or slab (switched off)
    does not compile; rtsim's own demo runs on it;
  * tests/rtconfig/minimal-rtconfig.h (slab as the heap; no semaphores,
    mutexes, events, pools or hooks; small mem with RT_USING_MEMTRACE)
    builds in the 64-bit model: slab is the system heap, a small-mem header
    holds the allocating thread's name (8 more bytes), and programs using a
    semaphore, a mutex, an event, a pool, memheap or a hook do not compile;
  * 256 priorities with RT_USING_MEMTRACE build with -Dwerror; a thread runs
    at 254; --version and the heap-init demo say 16-byte headers;
  * 5.x's RT_DEBUGING_ASSERT / _CONTEXT are not listed as without effect;
  * RT_USING_MEMHEAP_AS_HEAP makes memheap the system heap;
  * values rtsim cannot honour are setup errors naming the knob.

The builds live in WORK_DIR (inside the build tree); ninja builds only the
library and the rtsim command."""
import os
import re
import shutil
import subprocess
import sys

from tap import finish  # tests/tap.py

src, work = sys.argv[1], sys.argv[2]
results = []
os.makedirs(work, exist_ok=True)
fixtures = os.path.join(src, "tests", "rtconfig")
STM32 = os.path.join(fixtures, "stm32f4-rtconfig.h")
MINIMAL = os.path.join(fixtures, "minimal-rtconfig.h")


def ok(what, cond, detail=""):
    results.append((what, bool(cond), detail))
    return bool(cond)


def sh(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=900, **kw)


def setup(name, rtconfig, ilp32):
    """ilp32: True, the cross file; False, the 64-bit host model; None, the
    default build (the 32-bit model through -m32: README's command)."""
    d = os.path.join(work, name)
    shutil.rmtree(d, ignore_errors=True)
    argv = ["meson", "setup", d, src, "-Drtconfig=" + rtconfig, "-Dtests=false", "-Dwerror=true"]
    if ilp32:
        argv += ["--cross-file", os.path.join(src, "cross", "ilp32.ini")]
    elif ilp32 is False:
        argv += ["-Dmodel=host"]      # the 64-bit host model (docs/model.md)
    return d, sh(argv)


def build(d):
    return sh(["ninja", "-C", d, "-j2", "sim/librtsim.a", "tools/rtsim"])


def variant(name, text):
    p = os.path.join(work, name)
    open(p, "w").write(text)
    return p


def run_exe(argv):
    """Run a program of the 32-bit model: natively when the host can,
    else through qemu-i386 (the cross file's wrapper)."""
    try:
        return sh(argv)
    except OSError:
        return sh(["qemu-i386"] + argv)


def user_program(d, name, code, m32):
    """Compile CODE against the build in D through its uninstalled rtsim.pc."""
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(d, "meson-uninstalled"))
    pc = subprocess.run(["pkg-config", "--cflags", "--libs", "rtsim"], env=env,
                        capture_output=True, text=True)
    c = os.path.join(work, name + ".c")
    exe = os.path.join(work, name)
    open(c, "w").write(code)
    cc = ["cc"] + (["-m32"] if m32 else [])
    r = sh(cc + ["-Wall", "-Werror", c, *pc.stdout.split(), "-o", exe])
    return exe, r


if not shutil.which("pkg-config"):
    print("1..0 # SKIP pkg-config is not installed")
    sys.exit(77)

# ------------------------------------------------------ the STM32F4 BSP
d, r = setup("stm32f4", STM32, ilp32=True)
out = r.stdout
ok("stm32f4-rtconfig.h: meson setup (32-bit model) succeeds", r.returncode == 0, out + r.stderr)
notsim = re.findall(r"rtconfig: not simulated \(accepted, no effect\): (.*)", out)
ok("the knobs rtsim does not model are listed once, at setup",
   len(notsim) == 1 and all(k in notsim[0].split() for k in
                            ["RT_USING_DEVICE", "RT_USING_SERIAL", "RT_CONSOLE_DEVICE_NAME",
                             "SOC_STM32F407ZG", "BSP_USING_UART1", "RT_USING_TIMER_SOFT"])
   and "RT_NAME_MAX" not in notsim[0].split(), out)
ok("setup names the system heap the configuration chooses: smallmem",
   re.search(r"rtconfig: .*stm32f4-rtconfig\.h: system heap smallmem; kernel features: "
             r"semaphore mutex event .*mempool smallmem hook idle_hook", out), out)
rb = build(d)
ok("ninja builds librtsim.a and rtsim with it", rb.returncode == 0, rb.stdout[-3000:] + rb.stderr)
gen = os.path.join(d, "kernel", "rtconfig.h")
ok("the build's rtconfig.h is the BSP's, flattened",
   os.path.isfile(gen) and "#define RT_NAME_MAX 8\n" in open(gen).read()
   and "#define RT_CONSOLE_DEVICE_NAME \"uart1\"\n" in open(gen).read(), gen)

APP = r'''
#include <rtthread.h>
#include <rtsim.h>
#include <rtmm.h>
#include <stdio.h>
#include <string.h>

static char seen[64];

static void worker(void *arg)
{
    (void)arg;
    snprintf(seen, sizeof seen, "%.*s", RT_NAME_MAX, rt_thread_self()->name);
}

static void app_main(void *arg)
{
    (void)arg;
    rt_thread_t t = rt_thread_create("sensor_poll_thread", worker, RT_NULL, 1024, 12, 10);
    rt_thread_startup(t);
    rt_thread_mdelay(10);
    char *a = rt_malloc(1), *b = rt_malloc(1);
    rt_kprintf("RT_NAME_MAX=%d RT_ALIGN_SIZE=%d name=%s heap=%s gap=%d\n", RT_NAME_MAX,
               RT_ALIGN_SIZE, seen, rt_system_heap_algorithm(), (int)(b - a));
    rt_sem_t s = rt_sem_create("s", 1, RT_IPC_FLAG_PRIO);     /* on in this BSP */
    rt_kprintf("sem %s\n", rt_sem_take(s, 0) == RT_EOK ? "taken" : "not taken");
    rt_sem_delete(s);
    rt_free(a);
    rt_free(b);
}

int main(void)
{
    return rt_sim_run(NULL, app_main, NULL);
}
'''
exe, rc = user_program(d, "app_stm32f4", APP, m32=True)
if ok("cc -m32 app.c $(pkg-config --cflags --libs rtsim) against the BSP build",
      rc.returncode == 0, rc.stderr):
    rr = run_exe([exe])
    ok("the program sees RT_NAME_MAX 8, RT_ALIGN_SIZE 4, a name cut to 8 bytes, small mem "
       "with 12-byte headers (a 1-byte block takes 12 + 12)",
       rr.returncode == 0 and rr.stdout == "RT_NAME_MAX=8 RT_ALIGN_SIZE=4 name=sensor_p "
       "heap=smallmem gap=24\nsem taken\n", rr.stdout + rr.stderr)

for feat, code, word in [
        ("memheap", "static struct rt_memheap h;\nint main(void) { return "
                    "rt_memheap_init(&h, \"h\", 0, 0); }\n", "rt_memheap"),
        ("slab", "int main(void) { rt_slab_t s = rt_slab_init(\"s\", 0, 0); "
                 "return s != 0; }\n", "rt_slab")]:
    _, rc = user_program(d, "use_" + feat, "#include <rtthread.h>\n" + code, m32=True)
    ok(f"a program using {feat} (switched off) does not compile",
       rc.returncode != 0 and word in rc.stderr and "error" in rc.stderr, rc.stderr)

rr = run_exe([os.path.join(d, "tools", "rtsim"), "demo", "heap-init"])
ok("rtsim demo heap-init of that build: small mem, 12-byte headers, a thread object of 136 "
   "bytes (152 with rtsim's own RT_NAME_MAX 16)",
   rr.returncode == 0 and "system heap (smallmem)" in rr.stdout
   and re.search(r"used\s+12 \+ 136\s+main tcb", rr.stdout), rr.stdout + rr.stderr)

# ------------------------------------------- minimal: slab, no IPC, no hooks
d2, r = setup("minimal", MINIMAL, ilp32=False)
ok("minimal-rtconfig.h (slab as heap, no IPC, no pools, no hooks): setup, 64-bit model",
   r.returncode == 0 and "system heap slab; kernel features: smallmem slab memtrace\n" in r.stdout,
   r.stdout + r.stderr)
rb = build(d2)
ok("... and it builds", rb.returncode == 0, rb.stdout[-3000:] + rb.stderr)
MINI = r'''
#include <rtthread.h>
#include <rtsim.h>
#include <rtmm.h>
static void app_main(void *arg)
{
    (void)arg;
    void *p = rt_malloc(100);
    rt_kprintf("RT_NAME_MAX=%d heap=%s tick=%d\n", RT_NAME_MAX, rt_system_heap_algorithm(),
               RT_TICK_PER_SECOND);
    rt_free(p);
    /* RT_USING_MEMTRACE: pool_ptr, next, prev and 8 name bytes */
    char *mem = rt_malloc(1024);
    rt_smem_t h = rt_smem_init("own", mem, 1024);
    char *a = rt_smem_alloc(h, 1), *b = rt_smem_alloc(h, 1);
    rt_kprintf("gap=%d name=%.8s\n", (int)(b - a), a - 8);
    rt_smem_free(a);
    rt_kprintf("freed=[%.8s]\n", a - 8);
    rt_smem_free(b);
    rt_smem_detach(h);
    rt_free(mem);
}
int main(void) { return rt_sim_run(NULL, app_main, NULL); }
'''
exe, rc = user_program(d2, "app_minimal", MINI, m32=False)
if ok("a program builds against the minimal configuration", rc.returncode == 0, rc.stderr):
    rr = sh([exe])
    ok("its system heap is slab (RT_USING_SLAB_AS_HEAP); RT_USING_MEMTRACE: a small-mem block "
       "takes 32 + 24 bytes and its header names the thread (4.1.1 rt_smem_setname)",
       rr.returncode == 0 and rr.stdout == "RT_NAME_MAX=6 heap=slab tick=100\n"
       "gap=56 name=main    \nfreed=[        ]\n", rr.stdout + rr.stderr)
    rr = sh([os.path.join(d2, "tools", "rtsim"), "run", "-", "--heap", "memheap"],
            input="check\n")
    ok("--heap memheap is refused: memheap is not in this configuration",
       rr.returncode != 0 and "unknown heap algorithm \"memheap\"" in rr.stderr, rr.stderr)
for feat, code in [
        ("semaphore", "rt_sem_t s = rt_sem_create(\"s\", 0, 0); (void)s;"),
        ("mutex", "struct rt_mutex m; rt_mutex_init(&m, \"m\", 0);"),
        ("event", "rt_event_t e = rt_event_create(\"e\", 0); (void)e;"),
        ("mempool", "rt_mp_t mp = rt_mp_create(\"p\", 4, 16); (void)mp;"),
        ("memheap", "struct rt_memheap h; rt_memheap_init(&h, \"h\", 0, 0);"),
        ("hooks", "rt_malloc_sethook(0);"),
        ("idle hooks", "rt_thread_idle_sethook(0);")]:
    _, rc = user_program(d2, "use_" + feat.replace(" ", "_"),
                         "#include <rtthread.h>\nint main(void) { " + code + " return 0; }\n",
                         m32=False)
    ok(f"minimal: a program using {feat} does not compile", rc.returncode != 0
       and "error" in rc.stderr, rc.stderr)

# ---------------------------------------------- memheap as the system heap
base = open(STM32).read()
# 256 priorities and RT_USING_MEMTRACE: the kernel builds without a warning
# (-Dwerror: a priority check of an rt_uint8_t against 256 is always true,
# -Wtype-limits), a thread runs at 254, and the tools say the 16-byte header
mt = variant("memtrace256-rtconfig.h", base.replace(
    "#define RT_THREAD_PRIORITY_32\n#define RT_THREAD_PRIORITY_MAX 32\n",
    "#define RT_THREAD_PRIORITY_256\n#define RT_THREAD_PRIORITY_MAX 256\n").replace(
    "#define RT_USING_SMALL_MEM_AS_HEAP\n", "#define RT_USING_SMALL_MEM_AS_HEAP\n#define RT_USING_MEMTRACE\n"))
dm, r = setup("memtrace256", mt, ilp32=True)
ok("RT_THREAD_PRIORITY_MAX 256 and RT_USING_MEMTRACE: setup", r.returncode == 0,
   (r.stdout + r.stderr)[-1500:])
rb = build(dm)
ok("... it builds with -Dwerror (no -Wtype-limits on the priority checks)", rb.returncode == 0,
   rb.stdout[-3000:] + rb.stderr)
if rb.returncode == 0:
    rr = run_exe([os.path.join(dm, "tools", "rtsim"), "--version"])
    ok("... rtsim --version: 16-byte block headers (4.1.1 src/mem.c with RT_USING_MEMTRACE)",
       rr.returncode == 0 and "(16-byte block headers)" in rr.stdout, rr.stdout + rr.stderr)
    rr = run_exe([os.path.join(dm, "tools", "rtsim"), "demo", "heap-init"])
    ok("... rtsim demo heap-init: the main thread's object takes 16 + 136 bytes",
       rr.returncode == 0 and re.search(r"used\s+16 \+ 136\s+main tcb", rr.stdout),
       rr.stdout + rr.stderr)
    PRIO = r'''
#include <rtthread.h>
#include <rtsim.h>
static void low(void *arg) { (void)arg; rt_kprintf("ran at %d\n", rt_thread_self()->current_priority); }
static void app_main(void *arg)
{
    (void)arg;
    rt_thread_t t = rt_thread_create("low", low, RT_NULL, 1024, 254, 10);
    rt_thread_startup(t);
    rt_thread_mdelay(10);
    rt_kprintf("max=%d\n", RT_THREAD_PRIORITY_MAX);
}
int main(void) { return rt_sim_run(NULL, app_main, NULL); }
'''
    exe, rc = user_program(dm, "app_prio256", PRIO, m32=True)
    if ok("... a program builds against it", rc.returncode == 0, rc.stderr):
        rr = run_exe([exe])
        ok("... a thread of priority 254 runs when main sleeps",
           rr.returncode == 0 and rr.stdout == "ran at 254\nmax=256\n", rr.stdout + rr.stderr)
mh = variant("memheap-rtconfig.h", base.replace(
    "#define RT_USING_SMALL_MEM_AS_HEAP\n",
    "#define RT_USING_MEMHEAP\n#define RT_MEMHEAP_FAST_MODE\n#define RT_USING_MEMHEAP_AS_HEAP\n"
    "#define RT_USING_MEMHEAP_AUTO_BINDING\n"))
_, r = setup("memheap", mh, ilp32=True)
ok("RT_USING_MEMHEAP_AS_HEAP: the system heap is memheap",
   r.returncode == 0 and re.search(r"system heap memheap; kernel features: .*memheap", r.stdout),
   r.stdout + r.stderr)
# memheap as the system heap and no small mem at all (an i.MX RT BSP): the
# tools build, the small-mem demos are left out, and `rtsim demo` passes
nosm = variant("nosmallmem-rtconfig.h", base.replace(
    "#define RT_USING_SMALL_MEM\n#define RT_USING_SMALL_MEM_AS_HEAP\n",
    "#define RT_USING_MEMHEAP\n#define RT_MEMHEAP_FAST_MODE\n#define RT_USING_MEMHEAP_AS_HEAP\n"
    "#define RT_USING_MEMHEAP_AUTO_BINDING\n"))
dn, r = setup("nosmallmem", nosm, ilp32=True)
ok("no RT_USING_SMALL_MEM, memheap as the heap: setup",
   r.returncode == 0 and "system heap memheap;" in r.stdout, (r.stdout + r.stderr)[-1500:])
rb = build(dn)
ok("... it builds (the determinism demo says small mem is not measured)", rb.returncode == 0,
   rb.stdout[-3000:] + rb.stderr)
if rb.returncode == 0:
    rr = run_exe([os.path.join(dn, "tools", "rtsim"), "demo", "--list"])
    names = [line.split()[0] for line in rr.stdout.splitlines() if line.strip()]
    ok("... its demos leave out the small-mem ones (heap-init, headers, lfree, split-merge)",
       rr.returncode == 0 and "memheap" in names
       and not set(names) & {"heap-init", "headers", "lfree", "split-merge"}, rr.stdout)
    rr = run_exe([os.path.join(dn, "tools", "rtsim"), "demo"])
    ok("... and `rtsim demo` runs them all and exits 0", rr.returncode == 0,
       (rr.stdout + rr.stderr)[-2000:])
old = variant("v3-rtconfig.h", base.replace("#define RT_USING_SMALL_MEM_AS_HEAP\n", "")
              .replace("0x40101", "0x30105"))
_, r = setup("v3", old, ilp32=True)
ok("a 3.1 configuration (RT_USING_SMALL_MEM, RT_VER_NUM 0x30105): the classic small mem",
   r.returncode == 0 and "system heap smallmem-classic;" in r.stdout, r.stdout + r.stderr)

# ------------------- README's command: the default build, RT_ALIGN_SIZE 8 on a 32-bit MCU
# The default build is the 32-bit model through -m32 (meson.build); the
# configuration's checks must compile with it too (they once ran without it,
# and refused every RT_ALIGN_SIZE 4 file as "smaller than a pointer").
_, r = setup("stm32f4-default", STM32, ilp32=None)
ok("stm32f4-rtconfig.h (RT_ALIGN_SIZE 4): meson setup -Drtconfig=... in the default build "
   "(README's command) succeeds", r.returncode == 0, (r.stdout + r.stderr)[-1500:])
a8 = variant("align8-rtconfig.h", base.replace("RT_ALIGN_SIZE 4", "RT_ALIGN_SIZE 8"))
d8, r = setup("align8", a8, ilp32=None)
ok("RT_ALIGN_SIZE 8 (the Kconfig default of current BSPs), default build: setup",
   r.returncode == 0, (r.stdout + r.stderr)[-1500:])
rb = build(d8)
ok("... and it builds", rb.returncode == 0, rb.stdout[-3000:] + rb.stderr)
POOL = r'''
#include <rtthread.h>
#include <rtsim.h>
static void app_main(void *arg)
{
    static rt_uint8_t mem[3 * (32 + 4)];
    static struct rt_mempool mp;
    (void)arg;
    rt_mp_t p = rt_mp_create("p", 3, 32);
    rt_mp_init(&mp, "q", mem, sizeof mem, 32);
    rt_kprintf("create total=%d size=%d; init total=%d size=%d\n", (int)p->block_total_count,
               (int)p->size, (int)mp.block_total_count, (int)mp.size);
    rt_mp_delete(p);
    rt_mp_detach(&mp);
}
int main(void) { return rt_sim_run(NULL, app_main, NULL); }
'''
exe, rc = user_program(d8, "app_align8", POOL, m32=True)
if ok("a pool program builds against it", rc.returncode == 0, rc.stderr):
    rr = run_exe([exe])
    # 4.1.1 src/mempool.c: rt_mp_create keeps block_count blocks of (32 + 4)
    # bytes, unrounded; rt_mp_init rounds the 108-byte region down to 104
    ok("rt_mp_create(\"p\", 3, 32) has 3 blocks (108 bytes) with RT_ALIGN_SIZE 8 on a 32-bit "
       "board; rt_mp_init of 108 bytes has 2 (104)",
       rr.returncode == 0 and rr.stdout == "create total=3 size=108; init total=2 size=104\n",
       rr.stdout + rr.stderr)
v5 = variant("v5num-rtconfig.h", base.replace("0x40101", "0x50100").replace(
    "#define RT_USING_HOOK\n", "#define RT_USING_HOOK\n#define RT_USING_DEBUG\n"
    "#define RT_DEBUGING_ASSERT\n#define RT_DEBUGING_CONTEXT\n#define RT_DEBUGING_COLOR\n"))
_, r = setup("v5num", v5, ilp32=True)
ns = (re.findall(r"rtconfig: not simulated \(accepted, no effect\): (.*)", r.stdout) or [""])[0].split()
ok("5.x's debug knobs: RT_DEBUGING_ASSERT and RT_DEBUGING_CONTEXT are not listed as having no "
   "effect (rtsim keeps both checks on); RT_DEBUGING_COLOR is",
   "RT_DEBUGING_COLOR" in ns and not {"RT_USING_DEBUG", "RT_DEBUGING_ASSERT",
                                      "RT_DEBUGING_CONTEXT"} & set(ns), r.stdout[-1500:])
ok("RT_VER_NUM 0x50100 in a 4.1 build: accepted, with a warning naming the file and line",
   r.returncode == 0 and re.search(r"WARNING: rtconfig: \S*v5num-rtconfig\.h:\d+: RT_VER_NUM 0x50100 "
                                   r"is RT-Thread 5\.x; this build models 4\.1\.1", r.stdout + r.stderr),
   (r.stdout + r.stderr)[-1500:])

# ------------------------------------------------ values rtsim cannot honour
for name, text, ilp32, want in [
        ("align3", base.replace("RT_ALIGN_SIZE 4", "RT_ALIGN_SIZE 3"), True,
         "RT_ALIGN_SIZE: rtsim honours a power of two from 4 to 64"),
        ("align-64bit", base, False,
         "RT_ALIGN_SIZE: smaller than a pointer of this build; use the 32-bit model "
         "(cross/ilp32.ini)"),
        ("smp", base.replace("#define RT_USING_HOOK\n", "#define RT_USING_HOOK\n"
                             "#define RT_USING_SMP\n#define RT_CPUS_NR 2\n"), True,
         "RT_USING_SMP / RT_CPUS_NR: rtsim simulates one CPU"),
        ("noheap", base.replace("#define RT_USING_HEAP\n", "#define RT_USING_NOHEAP\n"), True,
         "RT_USING_HEAP: rtsim simulates RT-Thread's system heap"),
        ("prio", base.replace("RT_MAIN_THREAD_PRIORITY 10", "RT_MAIN_THREAD_PRIORITY 31"), True,
         "RT_MAIN_THREAD_PRIORITY: must be below RT_THREAD_PRIORITY_MAX - 1"),
        ("name", base.replace("RT_NAME_MAX 8", "RT_NAME_MAX 0"), True,
         "RT_NAME_MAX: rtsim honours 1..64")]:
    p = variant(name + "-rtconfig.h", text)
    _, r = setup("bad-" + name, p, ilp32)
    ok(f"setup error naming the knob: {want.split(':')[0]} ({name})",
       r.returncode != 0 and f"-Drtconfig={p}: {want}" in r.stdout + r.stderr,
       (r.stdout + r.stderr)[-1500:])
    if name == "smp":
        ok("... said once, with the line that sets it",
           (r.stdout + r.stderr).count(want) == 1
           and re.search(r"\S*smp-rtconfig\.h:\d+: #define RT_CPUS_NR 2", r.stdout + r.stderr),
           (r.stdout + r.stderr)[-1500:])
_, r = setup("bad-missing", os.path.join(work, "no-such-rtconfig.h"), True)
ok("a file that does not exist: setup error",
   r.returncode != 0 and "no-such-rtconfig.h: no such file" in r.stdout + r.stderr,
   (r.stdout + r.stderr)[-800:])

finish(results)
