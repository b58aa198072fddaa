/* demos.h - the guided demos of `rtsim demo`. */
#ifndef RTSIM_DEMOS_H__
#define RTSIM_DEMOS_H__

#include <rtsim.h>

/* A demo written in C (beyond the scenario language). */
struct rtsim_demo
{
    const char *name;
    const char *title;
    /* Run the demo with `cfg` (board, heap, trace ... from the command
     * line); returns the process exit status. */
    int (*run)(struct rt_sim_config *cfg);
};

extern const struct rtsim_demo rtsim_demo_kernel;
extern const struct rtsim_demo rtsim_demo_mempool_sample;
extern const struct rtsim_demo rtsim_demo_determinism;

/* One row per guided demo, in the order `rtsim demo` runs and lists them
 * (each concept builds on the ones before): a scenario demo
 * (tools/scenarios/NAME.rts, "# demo:" first line) has c == NULL; a C
 * demo names its struct.  Ends with name NULL (tools/demos.c). */
struct rtsim_demo_row
{
    const char *name;
    const struct rtsim_demo *c;
};
extern const struct rtsim_demo_row rtsim_demo_order[];

/* The line every demo starts with: which word-size model runs and what
 * that means for the numbers it prints. */
void rtsim_demo_model_line(void);
/* Bytes of a 4.1 small-mem block header in this configuration. */
int rtsim_smem_header_bytes(void);

#endif
