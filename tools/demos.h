/* demos.h - the guided demos of `rtsim demo`. */
#ifndef RTSIM_DEMOS_H__
#define RTSIM_DEMOS_H__

#include <rtsim.h>

struct rtsim_demo
{
    const char *name;
    const char *title;
    /* Run the demo with `cfg` (board, heap, trace ... from the command
     * line); returns the process exit status. */
    int (*run)(struct rt_sim_config *cfg);
};


#endif
