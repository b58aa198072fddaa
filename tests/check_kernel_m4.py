#!/usr/bin/env python3
"""Compile every kernel/ source for a bare-metal target, freestanding,
-Wall -Wextra -Werror.  Exit 77 (skipped) when the target's compiler is not
installed.

usage: check_kernel_m4.py [TARGET] [--size]

TARGET is one of the table below (default cortex-m4).  --size also prints
text/data/bss of every object (the size report of docs/robustness.md).
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

COMMON = ["-ffreestanding", "-fno-builtin", "-std=gnu11", "-Os",
          "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"]

# name: (compiler, size tool, target flags, Debian package)
TARGETS = {
    "cortex-m4": ("arm-none-eabi-gcc", "arm-none-eabi-size",
                  ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
                  "gcc-arm-none-eabi"),
    "riscv32": ("riscv64-unknown-elf-gcc", "riscv64-unknown-elf-size",
                ["-march=rv32imac", "-mabi=ilp32", "-mcmodel=medlow"],
                "gcc-riscv64-unknown-elf"),
}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    # -DNAME=VALUE: passed on (the build's flavour, -Drtthread=5)
    defines = [a for a in sys.argv[1:] if a.startswith("-D")]
    want_size = "--size" in sys.argv[1:]
    name = args[0] if args else "cortex-m4"
    if name not in TARGETS:
        print(f"unknown target {name}; known: {', '.join(TARGETS)}")
        return 2
    cc_name, size_name, tflags, package = TARGETS[name]
    cc = shutil.which(cc_name)
    if not cc:
        print(f"{cc_name} not found (Debian package {package}): skipped")
        return 77
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernel")
    flags = tflags + COMMON + defines + ["-I" + os.path.join(root, "include")]
    failed = 0
    sources = sorted(glob.glob(os.path.join(root, "src", "*.c")))
    with tempfile.TemporaryDirectory() as tmp:
        objs = []
        for src in sources:
            obj = os.path.join(tmp, os.path.basename(src)[:-2] + ".o")
            r = subprocess.run([cc] + flags + ["-c", src, "-o", obj],
                               capture_output=True, text=True)
            if r.returncode != 0:
                failed += 1
                print(f"FAILED {os.path.basename(src)}:\n{r.stderr}")
            else:
                print(f"ok {os.path.basename(src)}")
                objs.append(obj)
        size = shutil.which(size_name)
        if want_size and size and objs:
            r = subprocess.run([size, "-t"] + objs, capture_output=True, text=True)
            print(r.stdout.replace(tmp + os.sep, ""))
    print(f"{len(sources)} kernel sources compiled for {name}, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
