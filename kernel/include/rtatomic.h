/*
 * rtatomic.h - RT-Thread 5.x's atomic operations (-Drtthread=5).
 *
 * rtsim simulates one CPU, so these are RT-Thread's software atomics
 * (5.1.0 include/rtatomic.h, the branch without RT_USING_STDC_ATOMIC or
 * RT_USING_HW_ATOMIC): each operation runs with interrupts disabled, which
 * on a single CPU makes it indivisible against every thread, timer and
 * simulated interrupt.  The read-modify-write operations return the value
 * before the operation; rt_atomic_flag_test_and_set returns the flag's old
 * value (0 or 1) and leaves it 1; rt_atomic_compare_exchange_strong stores
 * `desired` and returns 1 when *ptr equals *expected, else copies *ptr into
 * *expected and returns 0.
 */
#ifndef RT_ATOMIC_H__
#define RT_ATOMIC_H__

#include "rtdef.h"

#if RTSIM_V5_API
/* rthw.h's two (declared here: rthw.h includes rtthread.h, which includes
 * this file). */
rt_base_t rt_hw_interrupt_disable(void);
void rt_hw_interrupt_enable(rt_base_t level);

#define RTSIM_ATOMIC_RMW__(name, op)                                        \
    rt_inline rt_atomic_t rt_soft_atomic_##name(volatile rt_atomic_t *ptr,  \
                                                rt_atomic_t val)            \
    {                                                                       \
        rt_base_t level = rt_hw_interrupt_disable();                        \
        rt_atomic_t old = *ptr;                                             \
        *ptr = op;                                                          \
        rt_hw_interrupt_enable(level);                                      \
        return old;                                                         \
    }

/* Sums wrap as on the board (two's complement), without signed overflow. */
RTSIM_ATOMIC_RMW__(add, (rt_atomic_t)((rt_ubase_t)old + (rt_ubase_t)val))
RTSIM_ATOMIC_RMW__(sub, (rt_atomic_t)((rt_ubase_t)old - (rt_ubase_t)val))
RTSIM_ATOMIC_RMW__(and, old & val)
RTSIM_ATOMIC_RMW__(or, old | val)
RTSIM_ATOMIC_RMW__(xor, old ^ val)
RTSIM_ATOMIC_RMW__(exchange, val)

rt_inline rt_atomic_t rt_soft_atomic_load(volatile rt_atomic_t *ptr)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_atomic_t v = *ptr;
    rt_hw_interrupt_enable(level);
    return v;
}

rt_inline void rt_soft_atomic_store(volatile rt_atomic_t *ptr, rt_atomic_t val)
{
    rt_base_t level = rt_hw_interrupt_disable();
    *ptr = val;
    rt_hw_interrupt_enable(level);
}

rt_inline rt_atomic_t rt_soft_atomic_flag_test_and_set(volatile rt_atomic_t *ptr)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_atomic_t old = *ptr != 0;
    *ptr = 1;
    rt_hw_interrupt_enable(level);
    return old;
}

rt_inline void rt_soft_atomic_flag_clear(volatile rt_atomic_t *ptr)
{
    rt_soft_atomic_store(ptr, 0);
}

rt_inline rt_atomic_t rt_soft_atomic_compare_exchange_strong(volatile rt_atomic_t *ptr,
                                                            rt_atomic_t *expected,
                                                            rt_atomic_t desired)
{
    rt_base_t level = rt_hw_interrupt_disable();
    rt_atomic_t ok = *ptr == *expected;
    if (ok)
        *ptr = desired;
    else
        *expected = *ptr;
    rt_hw_interrupt_enable(level);
    return ok;
}

#define rt_atomic_load(ptr)                 rt_soft_atomic_load(ptr)
#define rt_atomic_store(ptr, v)             rt_soft_atomic_store(ptr, v)
#define rt_atomic_add(ptr, v)               rt_soft_atomic_add(ptr, v)
#define rt_atomic_sub(ptr, v)               rt_soft_atomic_sub(ptr, v)
#define rt_atomic_and(ptr, v)               rt_soft_atomic_and(ptr, v)
#define rt_atomic_or(ptr, v)                rt_soft_atomic_or(ptr, v)
#define rt_atomic_xor(ptr, v)               rt_soft_atomic_xor(ptr, v)
#define rt_atomic_exchange(ptr, v)          rt_soft_atomic_exchange(ptr, v)
#define rt_atomic_flag_clear(ptr)           rt_soft_atomic_flag_clear(ptr)
#define rt_atomic_flag_test_and_set(ptr)    rt_soft_atomic_flag_test_and_set(ptr)
#define rt_atomic_compare_exchange_strong(ptr, v, des) \
    rt_soft_atomic_compare_exchange_strong(ptr, v, des)

#endif /* RTSIM_V5_API */

#endif /* RT_ATOMIC_H__ */
