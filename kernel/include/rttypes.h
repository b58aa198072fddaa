/*
 * rttypes.h - RT-Thread 5.x's header of the basic types (5.1.0
 * include/rttypes.h, 2024-01-18 "Separate the basic types from rtdef.h").
 * rtsim keeps the types in rtdef.h; code that includes <rttypes.h> (5.x's
 * src/utest/perf/perf_tc.h) gets them from there, in both flavours.
 */
#ifndef RT_TYPES_H__
#define RT_TYPES_H__

#include "rtdef.h"

#endif
