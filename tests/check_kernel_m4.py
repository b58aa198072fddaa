#!/usr/bin/env python3
"""Compile every kernel/ source for a Cortex-M4 with arm-none-eabi-gcc,
freestanding, -Wall -Wextra -Werror.  Exit 77 (skipped) when the compiler
is not installed."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

cc = shutil.which("arm-none-eabi-gcc")
if not cc:
    print("arm-none-eabi-gcc not found: skipped")
    sys.exit(77)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernel")
flags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
         "-ffreestanding", "-fno-builtin", "-std=gnu11", "-Os",
         "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
         "-I" + os.path.join(root, "include")]
failed = 0
sources = sorted(glob.glob(os.path.join(root, "src", "*.c")))
with tempfile.TemporaryDirectory() as tmp:
    for src in sources:
        obj = os.path.join(tmp, os.path.basename(src) + ".o")
        r = subprocess.run([cc] + flags + ["-c", src, "-o", obj], capture_output=True, text=True)
        if r.returncode != 0:
            failed += 1
            print(f"FAILED {os.path.basename(src)}:\n{r.stderr}")
        else:
            print(f"ok {os.path.basename(src)}")
print(f"{len(sources)} kernel sources compiled for Cortex-M4, {failed} failed")
sys.exit(1 if failed else 0)
