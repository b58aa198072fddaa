/*
 * rtsignal.h - the C library's signal types, as RT-Thread uses them.
 *
 * RT-Thread 4.1 (include/rtdef.h, RT_USING_SIGNALS) and 5.1.0
 * (include/rttypes.h) take siginfo_t, SIG_DFL / SIG_IGN / SIG_ERR, SI_USER
 * and the signal numbers from the C library's <sys/signal.h>: RT-Thread's
 * own components/libc/compilers/common/include/sys/signal.h on 4.1.x and
 * 5.x BSPs.  kernel/ includes no library header, so the port supplies the
 * numbers: a port whose include path has <rtport_signal.h> (rtsim's host
 * port: sim/include/rtport_signal.h, which includes the host C library's
 * <signal.h>) gives the kernel, and every program built against it, the
 * host's numbers and SIG_* values.  Without a port header (a bare-metal
 * build of kernel/), the fallback below gives the numbers of RT-Thread's
 * header for GCC (newlib's: SIGUSR1 30).  siginfo_t and sigset_t are
 * RT-Thread's on both (below; rtport_signal.h).
 */
#ifndef RT_SIGNAL_H__
#define RT_SIGNAL_H__

#if defined(__has_include)
#if __has_include(<rtport_signal.h>)
#include <rtport_signal.h>
#endif
#endif

#ifndef RT_PORT_SIGNAL_H__
/* Freestanding fallback: newlib's values (newlib sys/signal.h). */
#define RT_SIGNAL_FALLBACK 1
union sigval
{
    int   sival_int;
    void *sival_ptr;
};
typedef void (*_sig_func_ptr)(int);
#define SIG_DFL ((_sig_func_ptr)0)
#define SIG_IGN ((_sig_func_ptr)1)
#define SIG_ERR ((_sig_func_ptr)-1)
#define SI_USER 1
#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGFPE  8
#define SIGKILL 9
#define SIGBUS  10
#define SIGSEGV 11
#define SIGSYS  12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGUSR1 30
#define SIGUSR2 31
#endif

/* siginfo_t is RT-Thread's own, on every port: RT-Thread's C library header
 * components/libc/compilers/common/include/sys/signal.h (the copy read:
 * change log ending 2021-07-21 "move to libc/common"; the header 5.1.0's
 * include/rttypes.h includes under RT_USING_SIGNALS) has two 16-bit fields
 * and the value.  The siginfo pool's node is one of these and a list link
 * (src/signal.c struct siginfo_node): 12 bytes on a 32-bit MCU.  glibc's
 * siginfo_t is 128 bytes, which made the pool 3.9 KiB larger than a board's.
 * A file that defines RTSIM_HOST_SIGSET (host code that uses the host's
 * signals) keeps the host's types and may not pass a siginfo_t to the
 * kernel. */
#if !defined(RT_PORT_SIGNAL_H__) || !defined(RTSIM_HOST_SIGSET)
#undef si_value                         /* glibc: a macro into its own union */
struct rt_port_siginfo
{
    unsigned short si_signo;
    unsigned short si_code;
    union sigval   si_value;
};
#define siginfo_t struct rt_port_siginfo
#endif

typedef unsigned long rt_sigset_t;
typedef void (*rt_sighandler_t)(int signo);
typedef siginfo_t rt_siginfo_t;

/* Signal numbers 0 .. RT_SIG_MAX - 1 (one bit each in an rt_sigset_t). */
#define RT_SIG_MAX 32

#endif /* RT_SIGNAL_H__ */
