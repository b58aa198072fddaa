/*
 * fuzz_heap.c - the libFuzzer entry point of one memory manager (and the
 * function the replay program feeds each corpus file to).
 *
 * Built once per manager with -DFUZZ_HEAP="smem" (or "smem-classic",
 * "memheap", "slab", "sys", ...); see tests/fuzz/run.sh and heapfuzz.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "heapfuzz.h"

#ifndef FUZZ_HEAP
#error "build with -DFUZZ_HEAP=\"name\""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct hf_heap *h;

    if (h == NULL)
    {
        h = hf_heap_find(FUZZ_HEAP);
        if (h == NULL)
        {
            fprintf(stderr, "heapfuzz: no manager named %s\n", FUZZ_HEAP);
            abort();
        }
        hf_trace = getenv("HEAPFUZZ_TRACE") != NULL;
        /* The managers' own messages (rt_kprintf: "init error ...") go to
         * stdout outside a run; keep them out of the fuzzer's way.  The
         * replay prints its TAP lines on a copy of the original stdout. */
        if (!hf_trace && freopen("/dev/null", "w", stdout) == NULL)
            abort();
    }
    return hf_run(h, data, size);
}
