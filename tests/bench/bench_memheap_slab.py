#!/usr/bin/env python3
"""Instructions per alloc / free for memheap and slab under callgrind.

    bench_memheap_slab.py BENCH_EXE [--heap memheap|slab] [TRACE ...]

For every trace it runs BENCH_EXE twice under callgrind, collecting only
inside the heap's alloc function, then only inside its free function
(--toggle-collect, so the counts are inclusive of what they call: memheap's
semaphore, slab's page allocator), and divides the totals by the call
counts the program prints.  Same traces and table as bench_smem.py (both
are command lines of callgrind_table.py).
"""
import callgrind_table

FUNCS = {
    "memheap": ("rt_memheap_alloc", "rt_memheap_free"),
    "slab": ("rt_slab_alloc", "rt_slab_free"),
}

if __name__ == "__main__":
    callgrind_table.main("bench_memheap_slab.py", __doc__, FUNCS, ["memheap", "slab"])
