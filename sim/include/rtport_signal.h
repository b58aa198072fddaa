/*
 * rtport_signal.h - the host port's signal types for kernel/ (see
 * kernel/include/rtsignal.h): the host C library's <signal.h>, as
 * RT-Thread's newlib builds take newlib's.  Types and numbers only: rtsim
 * never raises, catches or blocks a host signal.
 *
 * sigset_t and its five macros are RT-Thread's, not the host's: RT-Thread's
 * C libraries (newlib's <sys/signal.h>; RT-Thread's own
 * components/libc/compilers/common/include/sys/signal.h, which 5.1.0's
 * include/rttypes.h includes under RT_USING_SIGNALS) make sigset_t an
 * unsigned long with bit n for signal n, which is what rt_signal_wait reads
 * (src/signal.c: sig_mask(signo) & *set).  glibc's sigset_t is a 128-byte
 * struct with bit n-1 for signal n: a set built with it waits for the wrong
 * signal.  siginfo_t is RT-Thread's too (kernel/include/rtsignal.h).  Host
 * code that needs the host's sigset_t (sigaction ...) defines
 * RTSIM_HOST_SIGSET before including rtthread.h: it keeps both host types.
 */
#ifndef RT_PORT_SIGNAL_H__
#define RT_PORT_SIGNAL_H__

#include <signal.h>

#ifndef RTSIM_HOST_SIGSET
#undef sigemptyset
#undef sigfillset
#undef sigaddset
#undef sigdelset
#undef sigismember
#define sigset_t                unsigned long
#define sigemptyset(what)       (*(what) = 0, 0)
#define sigfillset(what)        (*(what) = ~0ul, 0)
#define sigaddset(what, sig)    (*(what) |= (1ul << (sig)), 0)
#define sigdelset(what, sig)    (*(what) &= ~(1ul << (sig)), 0)
#define sigismember(what, sig)  ((*(what) & (1ul << (sig))) != 0)
#endif

#endif
