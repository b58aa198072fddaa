/*
 * rtconfig.h - rtsim's own configuration: the one `meson setup build` uses.
 * `meson setup build -Drtconfig=path/to/rtconfig.h` uses a BSP's instead
 * (docs/tutorial-firmware.md); rtconfig_sim.h then fills in what that file
 * leaves out and refuses what rtsim cannot honour.
 *
 * The defaults model RT-Thread 4.1.x with the options the memory-management
 * chapter of the manual assumes.  Each knob is guarded by #ifndef, but the
 * values that count are the ones rtsim's library was compiled with: the
 * kernel is compiled once, into librtsim.  To change a knob, rebuild rtsim
 * with the new value and compile your program with the same one.  Defining
 * it only when compiling your program (-DRT_NAME_MAX=8 on its command line)
 * would give the program other struct layouts than the library's: rtsim.h
 * checks every knob that matters (RT_SIM_CONFIG_KNOBS) and rt_sim_run then
 * returns RT_SIM_ECONFIG before anything runs, naming each knob with both
 * values (docs/model.md).
 */
#ifndef RT_CONFIG_H__
#define RT_CONFIG_H__

#include <stdint.h>

/* Kernel object names: RT_NAME_MAX bytes, not necessarily NUL-terminated
 * when a name is exactly that long (as RT-Thread). */
#ifndef RT_NAME_MAX
#define RT_NAME_MAX 16
#endif

/* Alignment of every heap block and pool block: 4 in the 32-bit target
 * model (the default build: a 32-bit MCU, the numbers of the RT-Thread
 * manual), 8 in the 64-bit host model (RT-Thread on a 64-bit target). */
#ifndef RT_ALIGN_SIZE
#if UINTPTR_MAX > 0xFFFFFFFFu
#define RT_ALIGN_SIZE 8
#else
#define RT_ALIGN_SIZE 4
#endif
#endif

/* The other value knobs (RT_THREAD_PRIORITY_MAX 32, RT_TICK_PER_SECOND 1000,
 * IDLE_THREAD_STACK_SIZE 256, RT_MAIN_THREAD_STACK_SIZE 2048,
 * RT_MAIN_THREAD_PRIORITY, RT_IDLE_HOOK_LIST_SIZE 4, FINSH_THREAD_PRIORITY 20,
 * FINSH_THREAD_STACK_SIZE 4096, RT_DEBUG_CONTEXT_CHECK, and rtsim's
 * RT_MEM_OWNER_SLOTS 2048) are RT-Thread's Kconfig defaults, and rtsim keeps
 * them: rtconfig_sim.h decides each of them, for this file and for a BSP's
 * alike.  This file sets only the values where rtsim's own configuration
 * differs from those defaults (RT_NAME_MAX, RT_ALIGN_SIZE, RT_CONSOLEBUF_SIZE). */

#ifndef RT_CONSOLEBUF_SIZE
#define RT_CONSOLEBUF_SIZE 256
#endif

/* Kernel features.  Each is honoured: switched off, it is absent from the
 * API and from the library (docs/kernel.md, "Configuration").  rtsim's own
 * configuration has every one, and every heap algorithm (`--heap` chooses;
 * small mem is the default system heap). */
#define RT_USING_HOOK
#define RT_HOOK_USING_FUNC_PTR
#define RT_USING_HOOKLIST           /* 5.1.0 src/Kconfig; the 5.x flavour's */
#define RT_USING_IDLE_HOOK
#define RT_USING_TIMER_SOFT_NOT_USED
#define RT_USING_SEMAPHORE
#define RT_USING_MUTEX
#define RT_USING_EVENT
#define RT_USING_MAILBOX
#define RT_USING_MESSAGEQUEUE
#ifndef RT_SIM_NO_SIGNALS
#define RT_USING_SIGNALS
#endif
#define RT_USING_MEMPOOL
#define RT_USING_HEAP
#define RT_USING_SMALL_MEM
#define RT_USING_SMALL_MEM_AS_HEAP
#define RT_USING_MEMHEAP
#define RT_USING_SLAB
#define RT_USING_DEVICE_NOT_USED
#define RT_USING_COMPONENTS_INIT
#define RT_USING_USER_MAIN
#define RT_USING_FINSH
#define FINSH_USING_MSH
#define RT_USING_UTEST
#define RT_DEBUG
#define RT_USING_CONSOLE

#endif /* RT_CONFIG_H__ */
