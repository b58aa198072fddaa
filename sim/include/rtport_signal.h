/*
 * rtport_signal.h - the host port's signal types for kernel/ (see
 * kernel/include/rtsignal.h): the host C library's <signal.h>, as
 * RT-Thread's newlib builds take newlib's.  Types and numbers only: rtsim
 * never raises, catches or blocks a host signal.
 */
#ifndef RT_PORT_SIGNAL_H__
#define RT_PORT_SIGNAL_H__

#include <signal.h>

#endif
