#!/usr/bin/env python3
"""Instructions per rt_smem_alloc / rt_smem_free under callgrind.

    bench_smem.py BENCH_EXE [--heap smallmem|smallmem-classic] [TRACE ...]

For every trace it runs BENCH_EXE twice under callgrind, collecting only
inside the allocator's alloc function, then only inside its free function
(--toggle-collect), and divides the instruction totals by the call counts
the program prints.  Output: one table row per trace.  The running and the
table are callgrind_table.py's.
"""
import callgrind_table

FUNCS = {
    "smallmem": ("rt_smem_alloc", "rt_smem_free"),
    "smallmem-classic": ("rt_smem_classic_alloc", "rt_smem_classic_free"),
}

if __name__ == "__main__":
    callgrind_table.main("bench_smem.py", __doc__, FUNCS, ["smallmem"])
