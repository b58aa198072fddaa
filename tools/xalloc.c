/* xalloc.c - see xalloc.h. */
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

void *rtsim_xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
    {
        fprintf(stderr, "rtsim: out of memory\n");
        exit(1);
    }
    return p;
}
