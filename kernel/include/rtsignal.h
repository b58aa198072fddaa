/*
 * rtsignal.h - the C library's signal types, as RT-Thread 4.1 uses them.
 *
 * RT-Thread 4.1 (include/rtdef.h, RT_USING_SIGNALS) takes siginfo_t,
 * SIG_DFL / SIG_IGN / SIG_ERR, SI_USER and the signal numbers from the C
 * library's <sys/signal.h>: newlib's on a microcontroller.  kernel/ includes
 * no library header, so the port supplies them: a port whose include path
 * has <rtport_signal.h> (rtsim's host port: sim/include/rtport_signal.h,
 * which includes the host C library's <signal.h>) gives the kernel, and
 * every program built against it, the host's types and numbers.  Without a
 * port header (a bare-metal build of kernel/), the fallback below gives
 * newlib's numbers and a siginfo_t with the three fields RT-Thread's
 * signal code reads and writes.  Only the fields si_signo, si_code and
 * si_value are used, so either way the code is the same.
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
typedef struct
{
    int          si_signo;
    int          si_code;
    union sigval si_value;
} siginfo_t;
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

typedef unsigned long rt_sigset_t;
typedef void (*rt_sighandler_t)(int signo);
typedef siginfo_t rt_siginfo_t;

/* Signal numbers 0 .. RT_SIG_MAX - 1 (one bit each in an rt_sigset_t). */
#define RT_SIG_MAX 32

#endif /* RT_SIGNAL_H__ */
