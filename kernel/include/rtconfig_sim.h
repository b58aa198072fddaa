/*
 * rtconfig_sim.h - what rtsim needs from any rtconfig.h (rtsim's own, or a
 * BSP's given with `meson setup -Drtconfig=FILE`), included by rtdef.h
 * right after <rtconfig.h>.
 *
 * 1. Defaults for the knobs a configuration leaves out (rtsim additions
 *    such as RT_MEM_OWNER_SLOTS, RT-Thread knobs whose menu was not shown,
 *    and those rtsim's own rtconfig.h leaves to this file): the one place
 *    each default is decided.  Each one is what RT-Thread 4.1's Kconfig
 *    defaults to (src/Kconfig, components/finsh/Kconfig) unless marked
 *    "rtsim".
 * 2. Checks of values rtsim cannot honour: a compile error naming the knob
 *    (meson setup runs the same checks first: kernel/rtconfig.py).
 * 3. RT_SIM_DEFAULT_HEAP: the system heap algorithm the configuration
 *    chooses, as RT-Thread 4.1.1 src/kservice.c chooses its _MEM_* macros.
 *
 * Feature switches: every kernel feature rtsim has is guarded by its
 * RT_USING_* macro in the public headers and in kernel/ (a feature switched
 * off is absent from the API, as on the target: a program using it does not
 * compile).  docs/kernel.md "Configuration" gives the pattern for new ones.
 */
#ifndef RT_CONFIG_SIM_H__
#define RT_CONFIG_SIM_H__

/* ------------------------------------------------------------ defaults */
#ifndef RT_NAME_MAX
#define RT_NAME_MAX 8
#endif
#ifndef RT_ALIGN_SIZE
#define RT_ALIGN_SIZE 4
#endif
#ifndef RT_THREAD_PRIORITY_MAX
#define RT_THREAD_PRIORITY_MAX 32
#endif
#ifndef RT_TICK_PER_SECOND
#define RT_TICK_PER_SECOND 1000
#endif
#if defined(RT_USING_IDLE_HOOK) && !defined(RT_IDLE_HOOK_LIST_SIZE)
#define RT_IDLE_HOOK_LIST_SIZE 4
#endif
#ifndef IDLE_THREAD_STACK_SIZE
#define IDLE_THREAD_STACK_SIZE 256
#endif
#ifndef RT_MAIN_THREAD_STACK_SIZE
#define RT_MAIN_THREAD_STACK_SIZE 2048
#endif
#ifndef RT_MAIN_THREAD_PRIORITY
#define RT_MAIN_THREAD_PRIORITY (RT_THREAD_PRIORITY_MAX / 3)
#endif
#ifndef FINSH_THREAD_PRIORITY
#define FINSH_THREAD_PRIORITY 20
#endif
#ifndef FINSH_THREAD_STACK_SIZE
#define FINSH_THREAD_STACK_SIZE 4096
#endif
#ifndef RT_CONSOLEBUF_SIZE
#define RT_CONSOLEBUF_SIZE 128
#endif
/* rtsim: entries of the system heap's owner-name side table (memtrace
 * shows which thread allocated each block; the 4.1 header has no room for
 * it; see kernel/src/kheap.c).  A power of two: 2048 entries take 16 KiB on
 * a 64-bit host, 12 KiB on ILP32; a bare-metal build of kernel/ can choose
 * fewer. */
#ifndef RT_MEM_OWNER_SLOTS
#define RT_MEM_OWNER_SLOTS 2048
#endif
/* RT_DEBUG (4.1) turns on the context checks (RT_DEBUG_CONTEXT_CHECK,
 * src/Kconfig 4.1: default 1 under RT_DEBUG). */
#if defined(RT_DEBUG) && !defined(RT_DEBUG_CONTEXT_CHECK)
#define RT_DEBUG_CONTEXT_CHECK 1
#endif

/* -------------------------------------------------------------- checks */
#if RT_NAME_MAX < 1 || RT_NAME_MAX > 64
#error "RT_NAME_MAX: rtsim honours 1..64 (RT-Thread's Kconfig range)"
#endif
#if RT_ALIGN_SIZE < 4 || (RT_ALIGN_SIZE & (RT_ALIGN_SIZE - 1)) != 0 || RT_ALIGN_SIZE > 64
#error "RT_ALIGN_SIZE: rtsim honours a power of two from 4 to 64"
#endif
#if defined(__SIZEOF_POINTER__) && RT_ALIGN_SIZE < __SIZEOF_POINTER__
#error "RT_ALIGN_SIZE: smaller than a pointer of this build; use the 32-bit model (cross/ilp32.ini)"
#endif
#if RT_THREAD_PRIORITY_MAX < 8 || RT_THREAD_PRIORITY_MAX > 256
#error "RT_THREAD_PRIORITY_MAX: rtsim honours 8..256"
#endif
#if RT_TICK_PER_SECOND < 1 || RT_TICK_PER_SECOND > 1000
#error "RT_TICK_PER_SECOND: rtsim honours 1..1000 (rt_tick_get_millisecond)"
#endif
#if RT_MAIN_THREAD_PRIORITY < 0 || RT_MAIN_THREAD_PRIORITY >= RT_THREAD_PRIORITY_MAX - 1
#error "RT_MAIN_THREAD_PRIORITY: must be below RT_THREAD_PRIORITY_MAX - 1 (the idle thread's)"
#endif
#if defined(RT_USING_FINSH) && \
    (FINSH_THREAD_PRIORITY < 0 || FINSH_THREAD_PRIORITY >= RT_THREAD_PRIORITY_MAX - 1)
#error "FINSH_THREAD_PRIORITY: must be below RT_THREAD_PRIORITY_MAX - 1 (the idle thread's)"
#endif
#if defined(RT_USING_IDLE_HOOK) && (RT_IDLE_HOOK_LIST_SIZE < 1 || RT_IDLE_HOOK_LIST_SIZE > 16)
#error "RT_IDLE_HOOK_LIST_SIZE: rtsim honours 1..16 (RT-Thread's Kconfig range)"
#endif
#if RT_CONSOLEBUF_SIZE < 16
#error "RT_CONSOLEBUF_SIZE: rtsim needs at least 16"
#endif
#if defined(RT_USING_SMP) || (defined(RT_CPUS_NR) && RT_CPUS_NR > 1)
#error "RT_USING_SMP / RT_CPUS_NR: rtsim simulates one CPU"
#endif
#if !defined(RT_USING_HEAP) || defined(RT_USING_NOHEAP) || defined(RT_USING_USERHEAP)
#error "RT_USING_HEAP: rtsim simulates RT-Thread's system heap; it needs RT_USING_HEAP with small mem, slab or memheap"
#endif
#if defined(RT_USING_MEMHEAP_AS_HEAP) && !defined(RT_USING_MEMHEAP)
#error "RT_USING_MEMHEAP_AS_HEAP: needs RT_USING_MEMHEAP (Kconfig selects it)"
#endif
#if defined(RT_USING_MEMHEAP) && !defined(RT_USING_SEMAPHORE)
#error "RT_USING_MEMHEAP: a memheap's lock is a semaphore: needs RT_USING_SEMAPHORE"
#endif
#if !defined(RT_USING_SMALL_MEM) && !defined(RT_USING_SLAB) && !defined(RT_USING_MEMHEAP_AS_HEAP)
#error "RT_USING_HEAP: no system heap algorithm: define RT_USING_SMALL_MEM, RT_USING_SLAB or RT_USING_MEMHEAP_AS_HEAP"
#endif

/* ------------------------------------------- the system heap algorithm */
/* RT-Thread 4.1.1 src/kservice.c: RT_USING_SMALL_MEM_AS_HEAP, else
 * RT_USING_MEMHEAP_AS_HEAP, else RT_USING_SLAB_AS_HEAP.  Configurations
 * from before the *_AS_HEAP choice (4.0: src/mem.c, src/slab.c,
 * src/memheap.c) chose memheap, then slab, then small mem; before 4.1.0
 * small mem had the classic header (RT_VER_NUM < 0x40100). */
#if defined(RT_USING_SMALL_MEM_AS_HEAP)
#define RT_SIM_HEAP_SMALL_MEM
#elif defined(RT_USING_MEMHEAP_AS_HEAP)
#define RT_SIM_DEFAULT_HEAP "memheap"
#elif defined(RT_USING_SLAB_AS_HEAP) || defined(RT_USING_SLAB)
#define RT_SIM_DEFAULT_HEAP "slab"
#else
#define RT_SIM_HEAP_SMALL_MEM
#endif
#ifdef RT_SIM_HEAP_SMALL_MEM
#if defined(RT_VER_NUM) && RT_VER_NUM < 0x40100
#define RT_SIM_DEFAULT_HEAP "smallmem-classic"
#else
#define RT_SIM_DEFAULT_HEAP "smallmem"
#endif
#undef RT_SIM_HEAP_SMALL_MEM
#endif

#endif /* RT_CONFIG_SIM_H__ */
