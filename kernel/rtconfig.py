#!/usr/bin/env python3
"""`meson setup -Drtconfig=FILE`: take a BSP's rtconfig.h as rtsim's configuration.

usage: rtconfig.py RTCONFIG_H OUT_H KERNEL_INCLUDE -- CC [CC_ARGS...]

1. Reads every macro FILE defines (through the C preprocessor, so includes
   and #if blocks count as on the target) and writes them, flattened, to
   OUT_H: the rtconfig.h the build and rtsim.pc's users include.
2. Compiles <rtthread.h> against it: kernel/include/rtconfig_sim.h refuses
   the values rtsim cannot honour with an #error naming the knob.  Any
   compile error fails the setup with that message (exit 1).
3. Prints, for meson:
     heap: ALGO              the system heap the configuration chooses
     features: A B ...       the kernel features it switches on that this
                             rtsim has (RT_USING_X -> x)
     not-simulated: K1 K2 .. knobs rtsim accepts but does not model
                             (devices, drivers, network, packages, and
                             kernel features this rtsim does not have yet)
"""
import os
import re
import subprocess
import sys
import tempfile

# Knobs rtsim honours (docs/tutorial-firmware.md lists what each does).
SIMULATED = {
    "RT_NAME_MAX", "RT_ALIGN_SIZE", "RT_THREAD_PRIORITY_MAX", "RT_TICK_PER_SECOND",
    "RT_THREAD_PRIORITY_8", "RT_THREAD_PRIORITY_32", "RT_THREAD_PRIORITY_256",
    "RT_USING_HOOK", "RT_HOOK_USING_FUNC_PTR", "RT_USING_HOOKLIST", "RT_USING_IDLE_HOOK", "RT_IDLE_HOOK_LIST_SIZE",
    "IDLE_THREAD_STACK_SIZE", "RT_MAIN_THREAD_STACK_SIZE", "RT_MAIN_THREAD_PRIORITY",
    "RT_USING_SEMAPHORE", "RT_USING_MUTEX", "RT_USING_EVENT",
    "RT_USING_MEMPOOL", "RT_USING_HEAP", "RT_USING_SMALL_MEM", "RT_USING_SLAB",
    "RT_USING_MEMHEAP", "RT_USING_SMALL_MEM_AS_HEAP", "RT_USING_MEMHEAP_AS_HEAP",
    "RT_USING_SLAB_AS_HEAP", "RT_USING_MEMHEAP_AUTO_BINDING", "RT_USING_MEMTRACE",
    "RT_DEBUG", "RT_USING_DEBUG", "RT_DEBUG_CONTEXT_CHECK", "RT_DEBUGING_ASSERT",
    "RT_DEBUGING_CONTEXT",
    "RT_USING_FINSH", "FINSH_USING_MSH", "FINSH_THREAD_PRIORITY", "FINSH_THREAD_STACK_SIZE",
    "FINSH_THREAD_NAME", "RT_USING_COMPONENTS_INIT", "RT_USING_USER_MAIN",
    "RT_USING_CONSOLE", "RT_CONSOLEBUF_SIZE", "RT_VER_NUM", "RT_USING_UTEST",
    "RT_MEM_OWNER_SLOTS", "RT_CONFIG_H__", "RT_CPUS_NR",
}
# Kernel features: RT_USING_X -> the name meson and tools/ use, and a symbol
# rtthread.h declares when rtsim has the feature (mailboxes, message queues
# and signals arrive on their own branch: until then they are accepted and
# listed as not simulated).
FEATURES = [
    ("RT_USING_SEMAPHORE", "semaphore", "rt_sem_create"),
    ("RT_USING_MUTEX", "mutex", "rt_mutex_create"),
    ("RT_USING_EVENT", "event", "rt_event_create"),
    ("RT_USING_MAILBOX", "mailbox", "rt_mb_create"),
    ("RT_USING_MESSAGEQUEUE", "messagequeue", "rt_mq_create"),
    ("RT_USING_SIGNALS", "signals", "rt_signal_install"),
    ("RT_USING_MEMPOOL", "mempool", "rt_mp_create"),
    ("RT_USING_SMALL_MEM", "smallmem", "rt_smem_init"),
    ("RT_USING_SLAB", "slab", "rt_slab_init"),
    ("RT_USING_MEMHEAP", "memheap", "rt_memheap_init"),
    ("RT_USING_HOOK", "hook", "rt_malloc_sethook"),
    ("RT_USING_IDLE_HOOK", "idle_hook", "rt_thread_idle_sethook"),
    ("RT_USING_MEMTRACE", "memtrace", None),
]


def fail(msg):
    sys.stderr.write(msg.rstrip("\n") + "\n")
    sys.exit(1)


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") != 3:
        fail(__doc__)
    src, out_h, kinc = argv[0], argv[1], argv[2]
    cc = argv[4:]
    if not os.path.isfile(src):
        fail(f"-Drtconfig={src}: no such file")

    def cpp(text, extra=()):
        return subprocess.run(cc + ["-E", "-x", "c", *extra, "-"], input=text,
                              capture_output=True, text=True)

    def macros(text, extra=()):
        r = subprocess.run(cc + ["-E", "-dM", "-x", "c", *extra, "-"], input=text,
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"-Drtconfig={src}: the preprocessor cannot read it:\n{r.stderr}")
        d = {}
        for line in r.stdout.splitlines():
            m = re.match(r"#define (\w+(?:\([^)]*\))?)(?: (.*))?$", line)
            if m:
                d[m.group(1)] = m.group(2) or ""
        return d

    def defined_at():
        """Where each macro of FILE (or a file it includes) is defined:
        {name: (file, line, text)}, from the preprocessor's line markers."""
        r = cpp(f'#include "{os.path.abspath(src)}"\n',
                ["-dD", "-I", os.path.dirname(os.path.abspath(src))])
        at, fname, line = {}, None, 0
        for text in r.stdout.splitlines():
            m = re.match(r'# (\d+) "([^"]*)"', text)
            if m:
                line, fname = int(m.group(1)), m.group(2)
                continue
            m = re.match(r"#define (\w+)", text)
            if m and fname and not fname.startswith("<"):
                at[m.group(1)] = (fname, line, text.rstrip())
            line += 1
        return at

    def where(err):
        """The lines of FILE that set the knobs an #error names
        (\"RT_USING_SMP / RT_CPUS_NR: ...\"), or that FILE leaves them out."""
        out = []
        for knob in re.findall(r"\b[A-Z][A-Z0-9_]+\b", err.split(":")[0]):
            if knob in at:
                f, n, text = at[knob]
                out.append(f"  {f}:{n}: {text}\n")
            else:
                out.append(f"  {src}: {knob} is not defined\n")
        return "".join(out)

    at = defined_at()
    base = macros("")
    mine = macros(f'#include "{os.path.abspath(src)}"\n',
                  ["-I", os.path.dirname(os.path.abspath(src))])
    defined = {k: v for k, v in mine.items() if base.get(k) != v}

    # 1. The flattened copy.
    os.makedirs(os.path.dirname(os.path.abspath(out_h)), exist_ok=True)
    with open(out_h, "w") as f:
        f.write("/* rtconfig.h: the configuration of this rtsim build, generated by\n"
                f" * kernel/rtconfig.py from {os.path.abspath(src)}\n"
                " * (meson setup -Drtconfig=...).  Every macro that file defines, in the\n"
                " * preprocessor's order; rtconfig_sim.h adds rtsim's defaults. */\n")
        f.write("#ifndef RT_CONFIG_H__\n#define RT_CONFIG_H__\n\n")
        for k, v in defined.items():
            if k == "RT_CONFIG_H__":
                continue
            f.write(f"#define {k} {v}".rstrip() + "\n")
        f.write("\n#endif /* RT_CONFIG_H__ */\n")

    # 2. What rtsim cannot honour: rtconfig_sim.h's #error lines.
    inc = ["-I", os.path.dirname(os.path.abspath(out_h)), "-I", kinc]
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, "probe.c")
        with open(probe, "w") as f:
            f.write("#include <rtthread.h>\nconst char *rtsim_heap = RT_SIM_DEFAULT_HEAP;\n")
        r = subprocess.run(cc + ["-fsyntax-only", *inc, probe], capture_output=True, text=True)
    if r.returncode != 0:
        # gcc quotes the #error line under its diagnostic: each once.
        errs = list(dict.fromkeys(re.findall(r"#error \"?([^\"\n]*)\"?", r.stderr)))
        if errs:
            fail("".join(f"-Drtconfig={src}: {e}\n" + where(e) for e in errs))
        fail(f"-Drtconfig={src}: rtsim's headers do not compile with it:\n{r.stderr}")

    # 3. The heap, the features, and what is not simulated.
    r = cpp("#include <rtthread.h>\nRTSIM_HEAP_IS RT_SIM_DEFAULT_HEAP\n", inc)
    heap = re.search(r'RTSIM_HEAP_IS "([^"]+)"', r.stdout).group(1)
    declared = r.stdout
    features, missing = [], []
    for macro, name, symbol in FEATURES:
        if macro not in defined:
            continue
        if symbol is None or re.search(r"\b" + symbol + r"\b", declared):
            features.append(name)
        else:
            missing.append(macro)
    not_sim = sorted(k for k in defined if k not in SIMULATED and "(" not in k
                     and k not in (m for m, _, _ in FEATURES)) + missing
    # 4. A 5.x file in a 4.1 build or the reverse: accepted, but said.
    ver = defined.get("RT_VER_NUM", "")
    if re.fullmatch(r"0[xX][0-9a-fA-F]+", ver):
        major, flavour5 = int(ver, 16) >> 16, "RTSIM_RTTHREAD_5" in base
        f, n, _ = at.get("RT_VER_NUM", (src, 0, ""))
        if major >= 5 and not flavour5:
            print(f"warning: {f}:{n}: RT_VER_NUM {ver} is RT-Thread {major}.x; this build models "
                  "4.1.1 (set up with -Drtthread=5 for the 5.x API and behaviour)")
        elif major < 5 and flavour5:
            print(f"warning: {f}:{n}: RT_VER_NUM {ver} is RT-Thread {major}.x; this build models "
                  "5.1.0 (-Drtthread=5); the default -Drtthread=4.1 models 4.1.1")
    print("heap:", heap)
    print("features:", " ".join(features))
    print("not-simulated:", " ".join(not_sim))


main()
