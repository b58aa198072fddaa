/* xalloc.h - host allocation for the rtsim command: out of memory is
 * reported ("rtsim: out of memory") and ends the program with status 1. */
#ifndef RTSIM_XALLOC_H__
#define RTSIM_XALLOC_H__

#include <stddef.h>

void *rtsim_xrealloc(void *p, size_t n);

#endif
