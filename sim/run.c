/*
 * run.c - rt_sim_run: boot a fresh kernel on a board, run the program,
 * tear everything down.
 *
 * Boot follows RT-Thread's rtthread_startup(): interrupts masked, board
 * init (RAM map, system heap from the end of ZI to the end of RAM),
 * scheduler and timers, the "main" thread (dynamic, from the heap, as
 * RT-Thread creates it), the idle thread, then the scheduler starts and the
 * caller's host thread waits for the run to end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim.h"
#include "heap.h"
#include "check.h"

void rt_sim_config_init(struct rt_sim_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->board = "stm32f407";
    cfg->heap = RT_SIM_DEFAULT_HEAP;     /* the configuration's (rtconfig_sim.h) */
    cfg->seed = 1;
    cfg->poll_ticks_after = 16;
    cfg->tick_limit = 0;
    cfg->stall_ticks = 0;
    cfg->cpu_hz = RT_SIM_CPU_HZ_BOARD;
    cfg->uart_baud = 0;
    cfg->wall_timeout = 5.0;
    cfg->leaks_report = 1;
    cfg->realtime = 0;
    /* The flavour's order (rtflavour.h RTSIM_V5_MP_WAKE_FIFO). */
    cfg->mp_wake_order = RTSIM_V5_MP_WAKE_FIFO ? RT_SIM_MP_WAKE_FIFO : RT_SIM_MP_WAKE_LIFO;
    cfg->checked = 1;
}

/* RTSIM_TICKS, RTSIM_CPU_HZ, RTSIM_WALL_TIMEOUT override the program's
 * configuration.  A bad value is a configuration error. */
static int env_overrides(void)
{
    const char *v;
    char *end;
    if ((v = getenv("RTSIM_TICKS")) && *v)
    {
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || v[0] == '-' || n > (rt_tick_t)-1)
        {
            sim_report("rtsim: RTSIM_TICKS=\"%s\" is not a tick count (0 = no limit)\n", v);
            return -1;
        }
        sim.cfg.tick_limit = (rt_tick_t)n;
    }
    if ((v = getenv("RTSIM_CPU_HZ")) && *v)
    {
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || v[0] == '-' || (n != 0 && n < 1000000ull) || n > 4000000000ull)
        {
            sim_report("rtsim: RTSIM_CPU_HZ=\"%s\" is not a clock in Hz (0 = CPU model off, "
                       "else 1000000 to 4000000000)\n", v);
            return -1;
        }
        sim.cfg.cpu_hz = (unsigned long)n;
    }
    if ((v = getenv("RTSIM_WALL_TIMEOUT")) && *v)
    {
        errno = 0;
        double d = strtod(v, &end);
        if (errno || *end || !(d >= 0) || d > 1e6)
        {
            sim_report("rtsim: RTSIM_WALL_TIMEOUT=\"%s\" is not a number of seconds "
                       "(0 = no watchdog)\n", v);
            return -1;
        }
        sim.cfg.wall_timeout = d;
    }
    if (sim.cfg.cpu_hz != RT_SIM_CPU_HZ_BOARD && sim.cfg.cpu_hz != 0 &&
        (sim.cfg.cpu_hz < 1000000ul || sim.cfg.cpu_hz > 4000000000ul))
    {
        sim_report("rtsim: cfg.cpu_hz %lu is not a clock between 1 MHz and 4 GHz (0 = off)\n",
                   sim.cfg.cpu_hz);
        return -1;
    }
    if (!(sim.cfg.wall_timeout >= 0))
    {
        sim_report("rtsim: cfg.wall_timeout must be 0 (off) or a positive number of seconds\n");
        return -1;
    }
    sim.wall_timeout = sim.cfg.wall_timeout;
    return 0;
}

int rt_sim_running(void)
{
    return sim.running;
}

unsigned long rt_sim_rand(void)
{
    /* xorshift64*: small, fast, and the same everywhere. */
    unsigned long long x = sim.rand_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    sim.rand_state = x;
    return (unsigned long)((x * 0x2545F4914F6CDD1Dull) >> 33);
}

/* ---------------------------------------------------------------- RAM map */
const struct rt_sim_region *rt_sim_region(int i)
{
    if (!sim.running || i < 0 || i >= sim.board.nregions)
        return NULL;
    return &sim.region[i];
}

int rt_sim_region_count(void)
{
    return sim.running ? sim.board.nregions : 0;
}

const char *rt_sim_board_name(void)
{
    return sim.running ? sim.board.name : NULL;
}

int rt_sim_is_target(const void *p)
{
    const unsigned char *c = p;
    for (int i = 0; sim.running && i < sim.board.nregions; i++)
    {
        if (c >= sim.region[i].host && c < sim.region[i].host + sim.region[i].size)
            return 1;
    }
    return 0;
}

unsigned long rt_sim_target_addr(const void *p)
{
    const unsigned char *c = p;
    for (int i = 0; sim.running && i < sim.board.nregions; i++)
    {
        if (c >= sim.region[i].host && c < sim.region[i].host + sim.region[i].size)
            return sim.region[i].base + (unsigned long)(c - sim.region[i].host);
    }
    return (unsigned long)(uintptr_t)p;
}

void *rt_sim_host_addr(unsigned long target)
{
    for (int i = 0; sim.running && i < sim.board.nregions; i++)
    {
        if (target >= sim.region[i].base && target - sim.region[i].base < sim.region[i].size)
            return sim.region[i].host + (target - sim.region[i].base);
    }
    return NULL;
}

/* One region's host memory, anonymous and private.  A 32-bit ASan build
 * run through qemu-user gets mappings from the very top of the 4 GiB space
 * first, past the end of what ASan's shadow covers there ("unknown-crash"
 * on the first write): there, ask for addresses below 3 GiB. */
static unsigned char *map_region(size_t size)
{
#if defined(__SANITIZE_ADDRESS__) && UINTPTR_MAX == 0xFFFFFFFFu
    static uintptr_t hint = 0x60000000u;
    for (int tries = 0; tries < 64; tries++)
    {
        void *m = mmap((void *)hint, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        hint += (size + 0xFFFFFu) & ~(uintptr_t)0xFFFFFu;
        if (hint >= 0xB0000000u)
            hint = 0x60000000u;
        if (m == MAP_FAILED)
            return NULL;
        if ((uintptr_t)m + size <= 0xC0000000u)
            return m;
        munmap(m, size);
    }
    return NULL;
#else
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return m == MAP_FAILED ? NULL : m;
#endif
}

/* The power-on garbage at byte k of a region.  It repeats every
 * POWER_ON_PERIOD bytes ((k * 31) mod 2048 decides it, 31 being odd). */
#define POWER_ON_PERIOD 2048u
static unsigned char power_on_byte(size_t k)
{
    return (unsigned char)(0xA5 ^ (k * 31 >> 3));
}

/* A big region pays only for the pages the run touches (issue 19): the
 * same garbage, but from one chunk of POWER_ON_CHUNK bytes of it, made
 * once in a memory file and mapped private and copy-on-write over every
 * chunk of the region.  A page the run never touches costs nothing; one
 * it only reads shares the file's page; one it writes becomes its own.
 * Every byte reads exactly what the byte-by-byte fill would have written,
 * so what a run sees (and checked mode with it) is unchanged.  Regions
 * under two chunks, and hosts without memfd_create, are filled byte by
 * byte.  Returns 0, or -1 (nothing changed) to fill by hand. */
#define POWER_ON_CHUNK (8u << 20)
_Static_assert(POWER_ON_CHUNK % POWER_ON_PERIOD == 0, "a chunk holds whole periods");
static int power_on_lazily(unsigned char *mem, size_t size)
{
    if (size < 2 * (size_t)POWER_ON_CHUNK)
        return -1;
    int fd = memfd_create("rtsim-power-on", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    int ok = ftruncate(fd, POWER_ON_CHUNK) == 0;
    unsigned char *chunk = ok ? mmap(NULL, POWER_ON_CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED,
                                     fd, 0) : MAP_FAILED;
    if (chunk == MAP_FAILED)
    {
        close(fd);
        return -1;
    }
    for (size_t k = 0; k < POWER_ON_PERIOD; k++)
        chunk[k] = power_on_byte(k);
    for (size_t k = POWER_ON_PERIOD; k < POWER_ON_CHUNK; k += k)
        memcpy(chunk + k, chunk, k < POWER_ON_CHUNK - k ? k : POWER_ON_CHUNK - k);
    munmap(chunk, POWER_ON_CHUNK);
    /* MAP_FIXED replaces the region's own anonymous pages, chunk by chunk;
     * page sizes divide the chunk, so every chunk starts on a page. */
    size_t off = 0;
    for (; off < size; off += POWER_ON_CHUNK)
    {
        size_t len = size - off < POWER_ON_CHUNK ? size - off : POWER_ON_CHUNK;
        if (mmap(mem + off, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) ==
            MAP_FAILED)
            break;
    }
    close(fd);
    /* A chunk not mapped: the fill by hand writes every byte, whichever
     * private pages (the file's or the anonymous ones) are there. */
    return off < size ? -1 : 0;
}

static int map_ram(void)
{
    for (int i = 0; i < sim.board.nregions; i++)
    {
        const struct sim_board_region *r = &sim.board.region[i];
        /* mmap, not malloc: to Valgrind and ASan a region is then no host
         * block, so they describe an address inside it by the simulated
         * blocks rtsim told them about (sim/annotate.c). */
        unsigned char *mem = map_region(r->size);
        if (!mem)
        {
            sim_report("rtsim: cannot allocate %zu bytes of host memory for region %s\n",
                       r->size, r->name);
            return -1;
        }
        /* RAM holds garbage at power-on (deterministic garbage, so runs
         * repeat); .data + .bss is zeroed by the startup code. */
        if (power_on_lazily(mem, r->size) != 0)
        {
            for (size_t k = 0; k < r->size; k++)
                mem[k] = power_on_byte(k);
        }
        if (i == sim.board.zi_region)
            memset(mem, 0, sim.board.zi_size);
        sim.region_mem[i] = mem;
        sim.region[i].name = r->name;
        sim.region[i].base = r->base;
        sim.region[i].size = r->size;
        sim.region[i].zi_size = i == sim.board.zi_region ? sim.board.zi_size : r->used;
        sim.region[i].holds_zi = i == sim.board.zi_region;
        sim.region[i].host = mem;
    }
    return 0;
}

static void unmap_ram(void)
{
    for (int i = 0; i < SIM_BOARD_MAX_REGIONS; i++)
    {
        if (sim.region_mem[i])
        {
            sim_annotate_untracked(sim.region_mem[i], sim.region[i].size, 1);
            munmap(sim.region_mem[i], sim.region[i].size);
        }
        sim.region_mem[i] = NULL;
    }
    memset(sim.region, 0, sizeof sim.region);
}

/* ------------------------------------------------------------------ boot */
static void (*app_entry)(void *);
static void *app_arg;

static void main_thread_entry(void *parameter)
{
    (void)parameter;
    rt_components_init();
    app_entry(app_arg);
}

static int board_heap_init(void)
{
    if (rt_system_heap_select(sim.cfg.heap) != RT_EOK)
    {
        sim_report("rtsim: unknown heap algorithm \"%s\"; choose smallmem, smallmem-classic, "
                   "slab, memheap or tlsf\n", sim.cfg.heap);
        return -1;
    }
    int hr = sim.board.heap_region;
    unsigned char *begin = sim.region[hr].host + sim.region[hr].zi_size;
    unsigned char *end = sim.region[hr].host + sim.region[hr].size;
    rt_system_heap_init(begin, end);
    rt_size_t total = 0;
    rt_memory_info(&total, RT_NULL, RT_NULL);
    if (total == 0)
    {
        sim_report("rtsim: the %s heap cannot be set up in the %zu bytes of %s on board %s "
                   "(the console says why)\n", sim.cfg.heap, (size_t)(end - begin),
                   sim.region[hr].name, sim.board.name);
        return -1;
    }
    /* The other regions join the heap when the algorithm can use them. */
    for (int i = 0; i < sim.board.nregions; i++)
    {
        if (i == hr)
            continue;
        unsigned char *b = sim.region[i].host + sim.region[i].zi_size;
        rt_system_heap_add_region(sim.region[i].name, b, sim.region[i].host + sim.region[i].size);
    }
    return 0;
}

static void register_commands(void)
{
    rt_msh_builtin_register();
    rt_mem_cmd_register();
#ifdef RT_USING_MEMHEAP
    rt_memheap_cmd_register();
#endif
#ifdef RT_USING_MEMPOOL
    rt_mempool_cmd_register();
#endif
}

int (rt_sim_run)(const struct rt_sim_config *cfg, void (*app_main)(void *arg), void *arg)
{
    if (sim_self)
    {
        /* Called from a simulated thread: it holds the CPU lock already. */
        fprintf(stderr, "rtsim: rt_sim_run called inside a run\n");
        return RT_SIM_ECONFIG;
    }
    if (app_main == NULL)
    {
        FILE *err = cfg && cfg->report ? cfg->report : stderr;
        fprintf(err, "rtsim: rt_sim_run: app_main is NULL (the function the main thread runs)\n");
        fflush(err);
        return RT_SIM_ECONFIG;
    }
    CHECK_PT(pthread_mutex_lock(&sim_lock));

    /* Interrupts raised before the run stay raised: sim_irqs is not part
     * of sim (include/rtport_irq.h). */
    memset(&sim, 0, sizeof sim);
    if (cfg)
        sim.cfg = *cfg;
    else
        rt_sim_config_init(&sim.cfg);
    if (!sim.cfg.board)
        sim.cfg.board = "stm32f407";
    if (!sim.cfg.heap)
        sim.cfg.heap = RT_SIM_DEFAULT_HEAP;
    sim.rand_state = (unsigned long long)sim.cfg.seed * 0x9E3779B97F4A7C15ull + 1;
    srand((unsigned)sim.cfg.seed);
    app_entry = app_main;
    app_arg = arg;

    sim_self = &sim.host;
    CHECK_PT(pthread_cond_init(&sim.host.cond, NULL));
    sim_port_reset();
    FILE *err = sim.cfg.report ? sim.cfg.report : stderr;
    if (sim_check_begin(&sim.cfg) != 0)
    {
        sim.result = RT_SIM_ECONFIG;
        goto out;
    }
    sim.running = 1;

    if (env_overrides() != 0 || sim_board_load(sim.cfg.board, &sim.board, err) != 0)
    {
        fflush(err);
        sim.result = RT_SIM_ECONFIG;
        goto out;
    }
    sim_cpu_setup();
    sim_wd_annotate();
    if (map_ram() != 0)
    {
        sim.result = RT_SIM_ECONFIG;
        goto out;
    }
    sim_annotate_ram_mapped();

    rt_kernel_reset();
    rt_hw_trace_enabled = sim.cfg.trace != NULL;
#ifdef RT_USING_MEMPOOL
    rt_mp_set_wake_order(sim.cfg.mp_wake_order == RT_SIM_MP_WAKE_FIFO);
#ifdef RT_USING_HOOK
    rt_mp_alloc_sethook(RT_NULL);
    rt_mp_free_sethook(RT_NULL);
#endif
#endif
    if (setjmp(sim.host_jmp) == 0)
    {
        rt_hw_interrupt_disable();
        if (board_heap_init() != 0)
        {
            sim.result = RT_SIM_ECONFIG;
            goto teardown;
        }
        register_commands();
        rt_components_board_init();

        rt_thread_t tid = rt_thread_create("main", main_thread_entry, RT_NULL,
                                           RT_MAIN_THREAD_STACK_SIZE, RT_MAIN_THREAD_PRIORITY, 20);
        if (tid == RT_NULL)
        {
            sim_report("rtsim: the system heap of board %s cannot hold the main thread\n",
                       sim.board.name);
            sim.result = RT_SIM_ECONFIG;
            goto teardown;
        }
        rt_thread_startup(tid);
        rt_thread_idle_init();
        rt_system_scheduler_start();
    }

teardown:
    sim_self = &sim.host;
    sim_port_teardown();
    if (sim.result == RT_SIM_OK && !sim.waiting_end)
    {
        /* Leaks (checked mode): what is still allocated after every
         * thread has ended and the idle thread has reclaimed them. */
        sim.booted = 0;
        sim.result_set = 0;
        if (setjmp(sim.host_jmp) == 0)
        {
            rt_system_signal_deinit();
            rt_system_heap_quarantine_flush();
            /* K11: an overflow into the heap's metadata after its last
             * call is reported here, not left to the detach below */
            rt_system_heap_meta_verify(RT_HW_MEM_END, RT_NULL);
            if (sim_check_end() && sim.cfg.leaks_fail)
                sim.result = RT_SIM_ELEAK;
        }
    }
    sim_check_teardown();
    /* The detach reads the heap's control block.  An assertion there (a
     * control block damaged in the RAM: at level 0, where RT-Thread's own
     * check is all there is, or where a report already ended the run)
     * ends the run and comes back here: the second call does the rest
     * without the detach. */
    (void)setjmp(sim.host_jmp);
    rt_system_heap_deinit();
    unmap_ram();
out:
    sim_irqs_free(&sim_irqs);
    sim_check_reset();
    CHECK_PT(pthread_cond_destroy(&sim.host.cond));
    sim.running = 0;
    sim.booted = 0;
    rt_hw_trace_enabled = 0;
    sim_self = NULL;
    int rc = sim.result;
    CHECK_PT(pthread_mutex_unlock(&sim_lock));
    return rc;
}
