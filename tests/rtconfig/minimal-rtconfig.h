#ifndef RT_CONFIG_H__
#define RT_CONFIG_H__

/* rtsim test fixture: a small configuration with most kernel features
 * switched off, slab as the system heap, and small mem with memtrace for
 * heaps of the application's own (RT-Thread 4.1 Kconfig format). */

/* RT-Thread Kernel */

#define RT_NAME_MAX 6
#define RT_ALIGN_SIZE 8
#define RT_THREAD_PRIORITY_8
#define RT_THREAD_PRIORITY_MAX 8
#define RT_TICK_PER_SECOND 100
#define IDLE_THREAD_STACK_SIZE 512

/* Inter-Thread communication */

/* Memory Management */

#define RT_USING_SMALL_MEM
#define RT_USING_SLAB
#define RT_USING_SLAB_AS_HEAP
#define RT_USING_MEMTRACE
#define RT_USING_HEAP

/* Kernel Device Object */

#define RT_USING_CONSOLE
#define RT_CONSOLEBUF_SIZE 64
#define RT_VER_NUM 0x40101

/* RT-Thread Components */

#define RT_USING_COMPONENTS_INIT
#define RT_USING_USER_MAIN
#define RT_MAIN_THREAD_STACK_SIZE 1024
#define RT_MAIN_THREAD_PRIORITY 4

#endif
