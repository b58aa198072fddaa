/*
 * demos.c - the order of the guided demos (one table: adding a demo is
 * one line) and the model line each one starts with.
 */
#include <stdio.h>

#include <rtthread.h>
#include "demos.h"

const struct rtsim_demo_row rtsim_demo_order[] = {
    { "kernel",         &rtsim_demo_kernel },
    { "heap-init",      NULL },
    { "headers",        NULL },
    { "lfree",          NULL },
    { "split-merge",    NULL },
    { "fragmentation",  NULL },
    { "memheap",        NULL },
    { "slab",           NULL },
    { "mempool",        NULL },
#ifdef RTSIM_HAVE_MEMPOOL
    { "mempool-sample", &rtsim_demo_mempool_sample },
    { "mailbox",        NULL },
#endif
    { "mistakes",       NULL },
    { "determinism",    &rtsim_demo_determinism },
    { "tlsf",           NULL },
    { NULL,             NULL },
};

/* The 4.1 small-mem header of this configuration (kernel/src/mem.c); 0
 * when it has no small mem. */
int rtsim_smem_header_bytes(void)
{
#ifdef RTSIM_HAVE_SMALLMEM
    return (int)rt_smem_header_size;
#else
    return 0;
#endif
}

void rtsim_demo_model_line(void)
{
    if (sizeof(void *) == 4)
        printf("Model: 32-bit target (the default build, gcc -m32): pointers and rt_size_t are 4 bytes,\n"
               "RT_ALIGN_SIZE %d, a small-mem block header %d bytes: the numbers a 32-bit board\n"
               "such as a Cortex-M prints, and those of the RT-Thread manual.\n\n",
               RT_ALIGN_SIZE, rtsim_smem_header_bytes());
    else
        printf("Model: 64-bit host (-Dmodel=host): pointers and rt_size_t are 8\n"
               "bytes, RT_ALIGN_SIZE %d, a small-mem block header %d bytes (rtsim's choice: three\n"
               "words, as RT-Thread master; 4.1.1 pads it to 32): sizes and addresses differ\n"
               "from a 32-bit board's.  The default build (32-bit target model) prints a board's.\n\n",
               RT_ALIGN_SIZE, rtsim_smem_header_bytes());
}
