#!/usr/bin/env python3
"""The 32-bit target model's kernel structs have the Cortex-M4's layout.

The model is an i386 program (gcc -m32); the boards are Cortex-M (ARM
EABI).  The two ABIs differ in how they align 64-bit struct members (4
bytes on i386, 8 on ARM), which no kernel struct has: this check compiles
the public kernel structs and every allocator's private structs (each
kernel/src file included whole, white box) with both compilers and compares
sizeof and _Alignof of each.  Nothing is run: each object file carries the
numbers in a section of its own, read back with objcopy.

usage: check_layout_m4.py SOURCE_ROOT WORD_BITS -- CC...   (CC: the model's compiler)
Exit 77 (skipped) in the 64-bit model or without arm-none-eabi-gcc."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

source_root, word_bits = os.path.abspath(sys.argv[1]), int(sys.argv[2])
host_cc = [a for a in sys.argv[sys.argv.index("--") + 1:] if a]
if word_bits != 32:
    print("the 64-bit host model is not the board's layout: nothing to compare")
    sys.exit(77)
arm_cc, arm_objcopy = shutil.which("arm-none-eabi-gcc"), shutil.which("arm-none-eabi-objcopy")
host_objcopy = shutil.which("objcopy")
if not (arm_cc and arm_objcopy and host_objcopy):
    print("arm-none-eabi-gcc / objcopy not installed (apt-get install gcc-arm-none-eabi)")
    sys.exit(77)

PUBLIC = ["struct rt_list_node", "struct rt_slist_node", "struct rt_object",
          "struct rt_object_information", "struct rt_timer", "struct rt_thread",
          "struct rt_ipc_object", "struct rt_semaphore", "struct rt_mutex", "struct rt_event",
          "struct rt_mempool", "struct rt_memory", "struct rt_memheap_item", "struct rt_memheap"]
# kernel/src file: its own structs (block headers and heap objects).
PRIVATE = {
    "mem.c": ["struct rt_small_mem_item", "struct rt_small_mem"],
    "mem_classic.c": ["struct heap_mem", "struct rt_smem_classic"],
    "slab.c": ["struct rt_slab_chunk", "struct rt_slab_zone", "struct rt_slab_memusage",
               "struct rt_slab_page", "struct rt_slab"],
    "tlsf.c": ["struct tlsf_block", "struct tlsf_region", "struct tlsf_heap"],
}
COMMON = ["-ffreestanding", "-fno-builtin", "-std=gnu11", "-O0", "-w", "-c",
          "-I", os.path.join(source_root, "kernel", "include"),
          "-I", os.path.join(source_root, "kernel", "src")]
ARM = [arm_cc, "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]


def unit(include, structs):
    rows = "".join(f"    sizeof({s}), _Alignof({s}),\n" for s in structs)
    return (f'#include "{include}"\n'
            '__attribute__((used, section(".rtsim_layout")))\n'
            f'const unsigned int rtsim_layout[] = {{\n{rows}}};\n')


def numbers(cc, objcopy, src, tmp, tag):
    obj = os.path.join(tmp, tag + ".o")
    binf = os.path.join(tmp, tag + ".bin")
    r = subprocess.run(cc + COMMON + [src, "-o", obj], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"compile failed ({tag}):\n{r.stderr}")
    subprocess.run([objcopy, "-O", "binary", "--only-section=.rtsim_layout", obj, binf],
                   check=True)
    data = open(binf, "rb").read()
    return struct.unpack(f"<{len(data) // 4}I", data)


# The difference itself, so the comparison is known to see one: an
# application struct with a 64-bit member (8 bytes on i386, 16 on ARM).
CONTROL = "struct app_sample { char tag; rt_uint64_t stamp; }"

problems = 0
with tempfile.TemporaryDirectory() as tmp:
    units = [("rtthread.h", PUBLIC)] + [(os.path.join(source_root, "kernel", "src", f), s)
                                         for f, s in PRIVATE.items()]
    for i, (inc, structs) in enumerate(units):
        src = os.path.join(tmp, f"layout{i}.c")
        open(src, "w").write(unit(inc, structs))
        host = numbers(host_cc, host_objcopy, src, tmp, f"host{i}")
        arm = numbers(ARM, arm_objcopy, src, tmp, f"arm{i}")
        for k, s in enumerate(structs):
            h, a = host[2 * k:2 * k + 2], arm[2 * k:2 * k + 2]
            same = h == a
            print(f"{'ok  ' if same else 'FAIL'} {s:30} i386 size {h[0]:4} align {h[1]}"
                  f"   cortex-m4 size {a[0]:4} align {a[1]}", flush=True)
            problems += not same
    src = os.path.join(tmp, "control.c")
    open(src, "w").write("#include <rtthread.h>\n" + CONTROL + ";\n" +
                         unit("rtdef.h", ["struct app_sample"]).replace('#include "rtdef.h"\n', ""))
    h = numbers(host_cc, host_objcopy, src, tmp, "hostc")
    a = numbers(ARM, arm_objcopy, src, tmp, "armc")
    differs = h == (8 + 4, 4) and a == (16, 8)
    print(f"{'ok  ' if differs else 'FAIL'} {CONTROL} (an application's): i386 size {h[0]} "
          f"align {h[1]}, cortex-m4 size {a[0]} align {a[1]} (expected 12/4 and 16/8)")
    problems += not differs
print(f"{problems} difference(s)")
sys.exit(1 if problems else 0)
