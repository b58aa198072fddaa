/*
 * slab.c - RT-Thread's slab allocator (RT-Thread 4.1.x; DragonFly BSD's
 * kernel slab allocator in origin): a page allocator, zones of equal-sized
 * chunks for small requests, whole pages for large ones.
 *
 * Why one file of ~1,100 lines: each allocator is one file opening with its
 * picture and numbered invariants (a project rule), and every part of it -
 * page runs, zones, size classes, alloc/free/realloc, the walker and the
 * checker (I1-I8, a third of the file), the system-heap entry - reads the
 * same private layout (struct rt_slab, its zones and usage table).  Split,
 * that layout would move into a shared header and the invariants away from
 * the code they constrain.  The sections below follow the algorithm's
 * order: layout, algorithm, invariants, then the code in the same order.
 *
 * ------------------------------------------------------------------ layout
 *
 *   begin (aligned)   heap_start (page-aligned)                    heap_end
 *   |struct rt_slab|pad|usage table|zone  |zone  |large |free pages |zone |
 *                      |  pages    |32 KiB|32 KiB|n pgs |  run      |     |
 *
 *   zone (zone_size bytes, zone_size/4096 pages, page-aligned):
 *   |struct rt_slab_zone|pad|chunk 0|chunk 1|chunk 2| ... |chunk nmax-1|
 *                           ^ z_baseptr (offset aligned to the chunk size
 *                             when it is a power of two, else to 8; zones
 *                             are page-aligned, so a power-of-two chunk is
 *                             aligned to its size up to 4096)
 *
 *   free page run:  the first page of a run holds {next run, page count};
 *                   the runs form one address-ordered singly linked list.
 *   usage table:    one 32-bit entry {type:2, size:30} per page:
 *                   FREE; SMALL (size = page's offset inside its zone);
 *                   LARGE on the first page of a large block (size = pages);
 *                   RAW (rtsim) on the first page of a run handed out by
 *                   rt_slab_page_alloc (size = pages).
 *
 * --------------------------------------------------------------- algorithm
 *
 * Pages (RT_MM_PAGE_SIZE = 4096):
 * P1  page_alloc(n) walks the run list first fit; a longer run gives its
 *     front pages and keeps the rest, an exact run is unlinked.  n == 0
 *     returns RT_NULL.
 * P2  page_free(addr, n) inserts in address order and merges with the run
 *     ending at addr and with the run starting at addr + n pages.
 * Init:
 * N1  The control block sits at begin (aligned); pages run from the first
 *     page boundary after it to the last page boundary of the range.
 * N2  zone_size starts at 32 KiB and doubles while it is below 128 KiB and
 *     twice it is below (heap bytes / 1024); zone_limit = zone_size / 4,
 *     at most 16 KiB; a zone is zone_size / 4096 pages.
 * N3  The usage table takes the first whole pages.  rtsim also refuses a
 *     heap with no room for the table plus one zone (RT-Thread accepts it
 *     and every small request then fails) and says so with rt_kprintf.
 * Allocation (size 0 returns RT_NULL):
 * A1  size >= zone_limit: whole pages from the page allocator; the first
 *     page's entry becomes LARGE/n; used += n * 4096.
 * A2  Otherwise the size is rounded to its class (8-byte steps below 128,
 *     16 below 256, 32 below 512, ... 1024 below 16384: 72 classes) and
 *     zone_array[class] (zones with a free chunk, most recent first) gives a
 *     chunk: the never-used chunk after uindex while one remains, else the
 *     head of the zone's free-chunk list.  A zone that runs out leaves the
 *     list.  used += chunk size.
 * A3  No zone: reuse one from zone_free, or take zone_size/4096 pages and
 *     mark them SMALL with their offsets; set the zone up and put it at the
 *     head of its class list.
 * Free:
 * F1  A LARGE page: its pages go back to the page allocator, used -= n*4096.
 * F2  A SMALL page: the zone is found from the page offset, its magic is
 *     asserted, the chunk is pushed on the zone's free-chunk list, used -=
 *     chunk size; a zone that was full rejoins its class list.
 * F3  A zone that becomes entirely free while its class has another zone
 *     moves to zone_free; when zone_free holds more than 2 zones, the newest
 *     goes back to the page allocator (its pages become FREE).
 * Realloc: NULL allocates, 0 frees.  A chunk whose class does not change
 * stays; otherwise alloc + copy + free.  Large blocks always move.
 * System heap: the "slab" entry (rt_heap_slab) remembers its slab, and
 * rt_page_alloc/rt_page_free hand out its pages (RT_NULL / no-op when the
 * system heap is another algorithm).
 *
 * rtsim changes, none visible to a correct program: the usage table is
 * zeroed at init, a freed large block's entry becomes FREE again, and runs
 * from rt_slab_page_alloc are marked RAW (so the table describes every
 * page; raw pages do not count in `used`, as in RT-Thread); realloc of a small chunk to 16 KiB or more
 * does not print RT-Thread's "Unexpected byte count".
 *
 * ------------------------------------------------ complexity, fragmentation
 *
 * Small alloc and free are O(1) (free of an emptied zone is O(zones of that
 * class)); large ones are O(free runs).  Internal fragmentation is up to the
 * class step (at most about 1/8 of a chunk above 128 bytes, up to 7 bytes
 * below); a zone keeps its pages while any chunk in it lives, so a few
 * long-lived chunks can pin many pages.  No per-chunk header: the chunk
 * size is found through the usage table.  Fixed cost: the control block,
 * the usage table (1 page per 1024 pages) and up to 2 cached empty zones.
 *
 * -------------------------------------------------------------- invariants
 *
 * I1  The control block: a static Memory object with algorithm "slab";
 *     heap_start < heap_end, both page-aligned; total == their distance;
 *     zone_size, zone_limit, zone_page_cnt follow N2; the usage table is
 *     the first pages of the heap.
 * I2  The free page runs: inside the heap, page-aligned, count > 0, in
 *     ascending address order, neither overlapping nor touching (merged).
 * I3  The usage table: every page of a free run is FREE; scanning the
 *     pages after the table, each is the start of a zone (SMALL, offset 0,
 *     followed by offsets 1..zone_page_cnt-1), the first page of a large
 *     block or raw run (LARGE/n or RAW/n, inside the heap, n-1 FREE
 *     entries after it), or a
 *     FREE page of a free run (their count equals the runs' total).
 * I4  Every zone header: magic 0x51AB51AB (live) or 0xFFFFFFFF (cached
 *     empty); a live zone's class, chunk size, base offset and nmax agree
 *     with its class and zone_size; nfree <= nmax; uindex < nmax.
 * I5  A live zone's free-chunk list: each chunk lies on the chunk grid at
 *     an index <= uindex; nfree == list length + (nmax - 1 - uindex).
 * I6  zone_array[c] holds exactly the live zones of class c with nfree > 0.
 * I7  zone_free holds zone_free_cnt (<= 2) zones, all cached empty ones,
 *     and every cached empty zone is on it.
 * I8  used == chunk bytes of live chunks + large-block bytes;
 *     used <= max <= total.
 *
 * rt_slab_check returns the number of the first broken invariant.
 */
#include <rthw.h>
#include "heap.h"

/* The whole file: only with RT_USING_SLAB (rtconfig.h), as on the target. */
#ifdef RT_USING_SLAB

#define RT_MM_PAGE_SIZE         4096
#define RT_MM_PAGE_BITS         12
#define RT_MM_PAGE_MASK         (RT_MM_PAGE_SIZE - 1)

#define SLAB_MAGIC              0x51AB51ABu
#define SLAB_ZONE_FREE_MAGIC    0xFFFFFFFFu
#define SLAB_ZONE_LIMIT         (16 * 1024)     /* largest zone-managed size */
#define SLAB_MIN_ZONE_SIZE      (32 * 1024)
#define SLAB_MAX_ZONE_SIZE      (128 * 1024)
#define SLAB_NZONES             72
#define SLAB_ZONE_RELEASE_THRESH 2
#define SLAB_MIN_CHUNK_MASK     7

#define PAGE_TYPE_FREE          0x00
#define PAGE_TYPE_SMALL         0x01
#define PAGE_TYPE_LARGE         0x02
#define PAGE_TYPE_RAW           0x03    /* rtsim: pages from rt_slab_page_alloc */

struct rt_slab_chunk
{
    struct rt_slab_chunk *c_next;
};

struct rt_slab_zone
{
    rt_uint32_t z_magic;            /* SLAB_MAGIC, or SLAB_ZONE_FREE_MAGIC when cached */
    rt_uint32_t z_nfree;            /* chunks free (never-used ones included) */
    rt_uint32_t z_nmax;             /* chunks in the zone */
    struct rt_slab_zone *z_next;    /* zone_array[] or zone_free link */
    rt_uint8_t *z_baseptr;          /* chunk 0 */
    rt_uint32_t z_uindex;           /* highest chunk index ever handed out */
    rt_uint32_t z_chunksize;
    rt_uint32_t z_zoneindex;        /* size class */
    struct rt_slab_chunk *z_freechunk;  /* freed chunks, newest first */
};

struct rt_slab_memusage
{
    rt_uint32_t type: 2;            /* PAGE_TYPE_* */
    rt_uint32_t size: 30;           /* LARGE: pages; SMALL: offset in the zone */
};

/* First page of a free run. */
struct rt_slab_page
{
    struct rt_slab_page *next;
    rt_size_t page;                 /* pages in the run */
};

struct rt_slab
{
    struct rt_memory parent;        /* total/used/max, algorithm "slab" */
    rt_ubase_t heap_start;
    rt_ubase_t heap_end;
    struct rt_slab_memusage *memusage;
    struct rt_slab_zone *zone_array[SLAB_NZONES];
    struct rt_slab_zone *zone_free;
    rt_uint32_t zone_free_cnt;
    rt_uint32_t zone_size;
    rt_uint32_t zone_limit;
    rt_uint32_t zone_page_cnt;
    struct rt_slab_page *page_list;
};

#define PAGE_AT(addr)       ((struct rt_slab_page *)(addr))
#define PAGES_AFTER(p, n)   ((struct rt_slab_page *)(void *)((rt_uint8_t *)(p) + (rt_size_t)(n) * RT_MM_PAGE_SIZE))

/* rtsim (checked mode, heap_shadow.c S10): every write of a usage-table
 * entry goes through here and is counted, so that the record after a call
 * can tell whether the call rewrote the table without comparing it (the
 * table is a page per 1,024 pages: 8 KB for an 8 MiB heap).  The count
 * seen by the last record is kept beside it; a count that moved since
 * means a whole record.  Not simulated RAM: the target's layout is
 * untouched. */
static rt_uint32_t slab_usage_writes, slab_usage_recorded;

rt_inline void slab_usage_set(struct rt_slab_memusage *kup, rt_uint32_t type, rt_uint32_t size)
{
    kup->type = type;
    kup->size = size;
    slab_usage_writes++;
}

static struct rt_slab_memusage *slab_kup(struct rt_slab *slab, const void *addr)
{
    return &slab->memusage[((rt_ubase_t)addr - slab->heap_start) >> RT_MM_PAGE_BITS];
}

static rt_size_t slab_usage_pages(const struct rt_slab *slab)
{
    rt_size_t npages = (slab->heap_end - slab->heap_start) / RT_MM_PAGE_SIZE;
    return RT_ALIGN(npages * sizeof(struct rt_slab_memusage), RT_MM_PAGE_SIZE) / RT_MM_PAGE_SIZE;
}

/* Checked mode (heap_shadow.c S8; rtsim, issue 12): a free chunk's link
 * words are recorded when the chunk is pushed and verified when it is
 * popped, under an owner per zone, so that a call never records or
 * verifies every free chunk of the heap.  The rest of the metadata (the
 * control block, the usage table, zone headers, page runs) is recorded by
 * slab_meta_walk after each call and verified before the next. */
#define SLAB_ZONE_OWNER(z)  RT_HEAP_SHADOW_LINKS(z)

rt_inline rt_size_t slab_link_bytes(const struct rt_slab_zone *z)
{
    return 2 * sizeof(void *) < z->z_chunksize ? 2 * sizeof(void *) : z->z_chunksize;
}

/* ---------------------------------------------------------- page allocator */

static void *slab_pages_take(struct rt_slab *slab, rt_size_t npages)
{
    struct rt_slab_page **prev;
    struct rt_slab_page *b;

    if (npages == 0)
        return RT_NULL;
    for (prev = &slab->page_list; (b = *prev) != RT_NULL; prev = &b->next)
    {
        if (b->page > npages)
        {
            /* |b: n + rest| becomes |given n|rest| */
            struct rt_slab_page *rest = PAGES_AFTER(b, npages);
            rest->next = b->next;
            rest->page = b->page - npages;
            *prev = rest;
            break;
        }
        if (b->page == npages)
        {
            *prev = b->next;
            break;
        }
    }
    return b;
}

static void slab_pages_give(struct rt_slab *slab, void *addr, rt_size_t npages)
{
    struct rt_slab_page *n = PAGE_AT(addr);
    struct rt_slab_page **prev;
    struct rt_slab_page *b;

    RT_ASSERT(addr != RT_NULL);
    RT_ASSERT((rt_ubase_t)addr % RT_MM_PAGE_SIZE == 0);
    RT_ASSERT(npages != 0);

    for (prev = &slab->page_list; (b = *prev) != RT_NULL; prev = &b->next)
    {
        RT_ASSERT(b->page > 0);
        RT_ASSERT(b > n || PAGES_AFTER(b, b->page) <= n);   /* not freed twice */

        if (PAGES_AFTER(b, b->page) == n)
        {
            /* |b|n| becomes |b ....|, and |b ....|next| becomes one run */
            b->page += npages;
            if (PAGES_AFTER(b, b->page) == b->next)
            {
                b->page += b->next->page;
                b->next = b->next->next;
            }
            return;
        }
        if (PAGES_AFTER(n, npages) == b)
        {
            /* |n|b| becomes |n ....| */
            n->page = b->page + npages;
            n->next = b->next;
            *prev = n;
            return;
        }
        if (b > PAGES_AFTER(n, npages))
            break;
    }
    n->page = npages;
    n->next = b;
    *prev = n;
}

/* The public page calls mark the run RAW in the usage table (an rtsim
 * addition: RT-Thread leaves such pages undescribed) so that walk and check
 * can tell them from free pages. */
void *rt_slab_page_alloc(rt_slab_t m, rt_size_t npages)
{
    struct rt_slab *slab = (struct rt_slab *)m;
    void *meta = RT_HEAP_SHADOW_IN(m, RT_NULL, RT_HW_MEM_OP_OTHER);      /* rtsim: S9 */
    void *pages = slab_pages_take(slab, npages);
    if (pages != RT_NULL)
    {
        struct rt_slab_memusage *kup = slab_kup(slab, pages);
        slab_usage_set(kup, PAGE_TYPE_RAW, (rt_uint32_t)npages);
    }
    RT_HEAP_SHADOW_OUT(meta, pages);
    return pages;
}

void rt_slab_page_free(rt_slab_t m, void *addr, rt_size_t npages)
{
    struct rt_slab *slab = (struct rt_slab *)m;
    RT_ASSERT(addr != RT_NULL);
    void *meta = RT_HEAP_SHADOW_IN(m, addr, RT_HW_MEM_OP_OTHER);         /* rtsim: S9 */
    struct rt_slab_memusage *kup = slab_kup(slab, addr);
    slab_usage_set(kup, PAGE_TYPE_FREE, 0);
    slab_pages_give(slab, addr, npages);
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* -------------------------------------------------------------- init/detach */

static void slab_meta_walk(void *heap, rt_mem_walk_fn fn, void *ctx);
static rt_bool_t slab_walk_span(void *heap, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx);

static void slab_size_zones(struct rt_slab *slab, rt_size_t heap_bytes)
{
    slab->zone_size = SLAB_MIN_ZONE_SIZE;
    while (slab->zone_size < SLAB_MAX_ZONE_SIZE && (slab->zone_size << 1) < heap_bytes / 1024)
        slab->zone_size <<= 1;
    slab->zone_limit = slab->zone_size / 4;
    if (slab->zone_limit > SLAB_ZONE_LIMIT)
        slab->zone_limit = SLAB_ZONE_LIMIT;
    slab->zone_page_cnt = slab->zone_size / RT_MM_PAGE_SIZE;
}

rt_slab_t rt_slab_init(const char *name, void *begin_addr, rt_size_t size)
{
    struct rt_slab *slab = (struct rt_slab *)RT_ALIGN((rt_ubase_t)begin_addr, RT_ALIGN_SIZE);
    rt_ubase_t begin_align = RT_ALIGN((rt_ubase_t)slab + sizeof(*slab), RT_MM_PAGE_SIZE);
    rt_ubase_t end_align = RT_ALIGN_DOWN((rt_ubase_t)begin_addr + size, RT_MM_PAGE_SIZE);

    if (begin_align >= end_align)
    {
        rt_kprintf("slab init errr. wrong address[0x%lx - 0x%lx]\n",
                   (unsigned long)rt_mem_target_addr(begin_addr),
                   (unsigned long)rt_mem_target_addr(begin_addr) + (unsigned long)size);
        return RT_NULL;
    }

    struct rt_slab probe;
    probe.heap_start = begin_align;
    probe.heap_end = end_align;
    slab_size_zones(&probe, end_align - begin_align);
    rt_size_t npages = (end_align - begin_align) / RT_MM_PAGE_SIZE;
    rt_size_t table_pages = slab_usage_pages(&probe);
    if (npages < table_pages + probe.zone_page_cnt)
    {
        rt_kprintf("slab init error: %d bytes give %d pages of %d bytes, but slab needs "
                   "at least %d (%d for the page usage table + %d for one %d KiB zone)\n",
                   (int)size, (int)npages, RT_MM_PAGE_SIZE,
                   (int)(table_pages + probe.zone_page_cnt), (int)table_pages,
                   (int)probe.zone_page_cnt, (int)(probe.zone_size / 1024));
        return RT_NULL;
    }

    rt_memset(slab, 0, sizeof(*slab));
    rt_object_init(&slab->parent.parent, RT_Object_Class_Memory, name);
    slab->parent.algorithm = "slab";
    slab->parent.address = begin_align;
    slab->parent.total = end_align - begin_align;
    slab->parent.used = 0;
    slab->parent.max = 0;
    slab->heap_start = begin_align;
    slab->heap_end = end_align;
    slab->zone_size = probe.zone_size;
    slab->zone_limit = probe.zone_limit;
    slab->zone_page_cnt = probe.zone_page_cnt;

    slab->page_list = RT_NULL;
    slab_pages_give(slab, (void *)begin_align, npages);

    slab->memusage = slab_pages_take(slab, table_pages);
    rt_memset(slab->memusage, 0, table_pages * RT_MM_PAGE_SIZE);
    slab_usage_writes++;                    /* rtsim: S10 */
    /* rtsim: checked mode's shadow of a heap made directly (heap_shadow.c S9) */
    rt_heap_shadow_add(&slab->parent, &rt_heap_slab, slab_meta_walk, slab_walk_span,
                       RT_HW_MEM_ALGO_SLAB, begin_addr, size);
    return &slab->parent;
}

/* Checked mode: the zones' own records (S8) go with the heap, found by
 * their keys, not by reading the usage table. */
static void slab_forget_zones(struct rt_slab *slab)
{
    if (rt_hw_meta_enabled)
        rt_hw_meta_forget_owners((const void *)slab->heap_start, (const void *)slab->heap_end);
}

rt_err_t rt_slab_detach(rt_slab_t m)
{
    rt_heap_shadow_remove(m);           /* rtsim: heap_shadow.c S9, verified first */
    RT_ASSERT(m != RT_NULL);
    RT_ASSERT(rt_object_get_type(&m->parent) == RT_Object_Class_Memory);
    RT_ASSERT(rt_object_is_systemobject(&m->parent));
    slab_forget_zones((struct rt_slab *)m);
    rt_object_detach(&m->parent);
    return RT_EOK;
}

/* ------------------------------------------------------------ size classes */

/* Round *bytes up to its class size and return the class (N < 16384). */
static int slab_zoneindex(rt_size_t *bytes)
{
    rt_ubase_t n = *bytes;

    if (n < 128)
    {
        *bytes = n = (n + 7) & ~(rt_ubase_t)7;
        return (int)(n / 8 - 1);
    }
    if (n < 256)
    {
        *bytes = n = (n + 15) & ~(rt_ubase_t)15;
        return (int)(n / 16 + 7);
    }
    static const struct { rt_ubase_t below, step; int bias; } classes[] =
    {
        { 512, 32, 15 }, { 1024, 64, 23 }, { 2048, 128, 31 },
        { 4096, 256, 39 }, { 8192, 512, 47 }, { 16384, 1024, 55 },
    };
    for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
    {
        if (n < classes[i].below)
        {
            *bytes = n = (n + classes[i].step - 1) & ~(classes[i].step - 1);
            return (int)(n / classes[i].step) + classes[i].bias;
        }
    }
    return -1;
}

/* Offset of chunk 0 in a zone of `chunk`-byte chunks. */
static rt_uint32_t slab_zone_offset(rt_size_t chunk)
{
    rt_uint32_t off = sizeof(struct rt_slab_zone);
    if ((chunk & (chunk - 1)) == 0)     /* power of two: align to it */
        return (rt_uint32_t)((off + chunk - 1) & ~(chunk - 1));
    return (off + SLAB_MIN_CHUNK_MASK) & ~(rt_uint32_t)SLAB_MIN_CHUNK_MASK;
}

/* ------------------------------------------------------------------- alloc */

static void slab_note_used(struct rt_slab *slab, rt_size_t bytes)
{
    slab->parent.used += bytes;
    if (slab->parent.used > slab->parent.max)
        slab->parent.max = slab->parent.used;
}

static void *slab_alloc_large(struct rt_slab *slab, rt_size_t size)
{
    rt_size_t npages = RT_ALIGN(size, RT_MM_PAGE_SIZE) >> RT_MM_PAGE_BITS;
    void *pages = slab_pages_take(slab, npages);
    if (pages == RT_NULL)
        return RT_NULL;

    struct rt_slab_memusage *kup = slab_kup(slab, pages);
    slab_usage_set(kup, PAGE_TYPE_LARGE, (rt_uint32_t)npages);
    slab_note_used(slab, npages * RT_MM_PAGE_SIZE);
    return pages;
}

/* A chunk from a zone that has one (A2). */
static void *slab_zone_take(struct rt_slab *slab, struct rt_slab_zone *z, int zi)
{
    void *chunk;

    RT_ASSERT(z->z_nfree > 0);
    if (--z->z_nfree == 0)
    {
        slab->zone_array[zi] = z->z_next;
        z->z_next = RT_NULL;
    }
    if (z->z_uindex + 1 != z->z_nmax)
    {
        z->z_uindex++;
        chunk = z->z_baseptr + (rt_size_t)z->z_uindex * z->z_chunksize;
        /* rtsim S8: as the zone was made, or an overflow from below */
        RT_HEAP_SHADOW_READ(SLAB_ZONE_OWNER(z), chunk, slab_link_bytes(z));
        RT_HEAP_SHADOW_DROP(SLAB_ZONE_OWNER(z), chunk);
    }
    else
    {
        chunk = z->z_freechunk;
        /* rtsim S8: its link as the free pushed it, before it is followed */
        RT_HEAP_SHADOW_READ(SLAB_ZONE_OWNER(z), chunk, slab_link_bytes(z));
        z->z_freechunk = z->z_freechunk->c_next;
        RT_HEAP_SHADOW_DROP(SLAB_ZONE_OWNER(z), chunk);
    }
    slab_note_used(slab, z->z_chunksize);
    return chunk;
}

/* A new zone for class zi of `chunk`-byte chunks (A3); hands out chunk 0. */
static void *slab_zone_new(struct rt_slab *slab, int zi, rt_size_t chunk)
{
    struct rt_slab_zone *z = slab->zone_free;

    if (z != RT_NULL)
    {
        slab->zone_free = z->z_next;
        slab->zone_free_cnt--;
    }
    else
    {
        z = slab_pages_take(slab, slab->zone_page_cnt);
        if (z == RT_NULL)
            return RT_NULL;
        struct rt_slab_memusage *kup = slab_kup(slab, z);
        for (rt_uint32_t off = 0; off < slab->zone_page_cnt; off++, kup++)
        {
            slab_usage_set(kup, PAGE_TYPE_SMALL, off);
        }
    }

    rt_memset(z, 0, sizeof(*z));
    rt_uint32_t off = slab_zone_offset(chunk);
    z->z_magic = SLAB_MAGIC;
    z->z_zoneindex = (rt_uint32_t)zi;
    z->z_nmax = (rt_uint32_t)((slab->zone_size - off) / chunk);
    z->z_nfree = z->z_nmax - 1;
    z->z_baseptr = (rt_uint8_t *)z + off;
    z->z_uindex = 0;
    z->z_chunksize = (rt_uint32_t)chunk;

    z->z_next = slab->zone_array[zi];
    slab->zone_array[zi] = z;
    slab_note_used(slab, chunk);
    if (rt_hw_meta_enabled)
    {
        /* rtsim S8: the never-used chunks' first words, checked when each
         * is handed out (an overflow into the free chunk above a block) */
        RT_HEAP_SHADOW_DROP(SLAB_ZONE_OWNER(z), RT_NULL);
        for (rt_uint32_t i = 1; i < z->z_nmax; i++)
            rt_heap_shadow_wrote(SLAB_ZONE_OWNER(z), z->z_baseptr + (rt_size_t)i * chunk,
                                 slab_link_bytes(z));
    }
    return z->z_baseptr;
}

static void *slab_alloc(rt_slab_t m, rt_size_t size)
{
    struct rt_slab *slab = (struct rt_slab *)m;

    if (size == 0)
        return RT_NULL;
    if (size >= slab->zone_limit)
        return slab_alloc_large(slab, size);

    int zi = slab_zoneindex(&size);
    RT_ASSERT(zi >= 0 && zi < SLAB_NZONES);
    if (slab->zone_array[zi] != RT_NULL)
        return slab_zone_take(slab, slab->zone_array[zi], zi);
    return slab_zone_new(slab, zi, size);
}

void *rt_slab_alloc(rt_slab_t m, rt_size_t size)
{
    void *meta = RT_HEAP_SHADOW_IN(m, RT_NULL, RT_HW_MEM_OP_ALLOC);      /* rtsim: S9 */
    void *ptr = slab_alloc(m, size);
    RT_HEAP_SHADOW_OUT(meta, ptr);
    return ptr;
}

/* -------------------------------------------------------------------- free */

static struct rt_slab_zone *slab_zone_of(struct rt_slab *slab, const void *ptr,
                                         const struct rt_slab_memusage *kup)
{
    rt_ubase_t page = (rt_ubase_t)ptr & ~(rt_ubase_t)RT_MM_PAGE_MASK;
    return (struct rt_slab_zone *)(page - (rt_ubase_t)kup->size * RT_MM_PAGE_SIZE);
}

/* An entirely free zone leaves its class list for zone_free (F3). */
static void slab_zone_retire(struct rt_slab *slab, struct rt_slab_zone *z)
{
    struct rt_slab_zone **pz = &slab->zone_array[z->z_zoneindex];
    while (*pz != z)
        pz = &(*pz)->z_next;
    *pz = z->z_next;

    RT_HEAP_SHADOW_DROP(SLAB_ZONE_OWNER(z), RT_NULL);    /* rtsim S8 */
    z->z_magic = SLAB_ZONE_FREE_MAGIC;
    z->z_next = slab->zone_free;
    slab->zone_free = z;
    slab->zone_free_cnt++;

    if (slab->zone_free_cnt > SLAB_ZONE_RELEASE_THRESH)
    {
        z = slab->zone_free;
        slab->zone_free = z->z_next;
        slab->zone_free_cnt--;
        struct rt_slab_memusage *kup = slab_kup(slab, z);
        for (rt_uint32_t i = 0; i < slab->zone_page_cnt; i++, kup++)
            slab_usage_set(kup, PAGE_TYPE_FREE, 0);
        slab_pages_give(slab, z, slab->zone_page_cnt);
    }
}

void rt_slab_free(rt_slab_t m, void *ptr)
{
    struct rt_slab *slab = (struct rt_slab *)m;

    if (ptr == RT_NULL)
        return;

    void *meta = RT_HEAP_SHADOW_IN(m, ptr, RT_HW_MEM_OP_FREE);           /* rtsim: S9 */
    struct rt_slab_memusage *kup = slab_kup(slab, (void *)((rt_ubase_t)ptr & ~(rt_ubase_t)RT_MM_PAGE_MASK));
    if (kup->type == PAGE_TYPE_LARGE)
    {
        rt_size_t npages = kup->size;
        slab_usage_set(kup, PAGE_TYPE_FREE, 0);
        slab->parent.used -= npages * RT_MM_PAGE_SIZE;
        slab_pages_give(slab, ptr, npages);
        goto out;
    }

    struct rt_slab_zone *z = slab_zone_of(slab, ptr, kup);
    if (kup->type != PAGE_TYPE_SMALL || z->z_magic != SLAB_MAGIC)
    {
        rt_kprintf("slab free 0x%08lx: no live slab zone holds this address "
                   "(zone magic 0x%08x, expected 0x%08x)\n",
                   (unsigned long)rt_mem_target_addr(ptr), kup->type == PAGE_TYPE_SMALL ? (unsigned)z->z_magic : 0u,
                   (unsigned)SLAB_MAGIC);
        RT_ASSERT(kup->type == PAGE_TYPE_SMALL && z->z_magic == SLAB_MAGIC);
        goto out;
    }

    struct rt_slab_chunk *chunk = (struct rt_slab_chunk *)ptr;
    chunk->c_next = z->z_freechunk;
    z->z_freechunk = chunk;
    RT_HEAP_SHADOW_WROTE(SLAB_ZONE_OWNER(z), chunk, slab_link_bytes(z));   /* rtsim S8 */
    slab->parent.used -= z->z_chunksize;

    if (z->z_nfree++ == 0)
    {
        z->z_next = slab->zone_array[z->z_zoneindex];
        slab->zone_array[z->z_zoneindex] = z;
    }
    if (z->z_nfree == z->z_nmax
        && (z->z_next != RT_NULL || slab->zone_array[z->z_zoneindex] != z))
        slab_zone_retire(slab, z);
out:
    RT_HEAP_SHADOW_OUT(meta, RT_NULL);
}

/* ----------------------------------------------------------------- realloc */

void *rt_slab_realloc(rt_slab_t m, void *ptr, rt_size_t size)
{
    struct rt_slab *slab = (struct rt_slab *)m;
    rt_size_t oldsize;

    if (ptr == RT_NULL)
        return rt_slab_alloc(m, size);
    if (size == 0)
    {
        rt_slab_free(m, ptr);
        return RT_NULL;
    }

    void *meta = RT_HEAP_SHADOW_IN(m, ptr, RT_HW_MEM_OP_REALLOC);        /* rtsim: S9 */
    void *moved = RT_NULL;
    struct rt_slab_memusage *kup = slab_kup(slab, (void *)((rt_ubase_t)ptr & ~(rt_ubase_t)RT_MM_PAGE_MASK));
    if (kup->type == PAGE_TYPE_LARGE)
    {
        oldsize = (rt_size_t)kup->size << RT_MM_PAGE_BITS;
    }
    else if (kup->type == PAGE_TYPE_SMALL)
    {
        struct rt_slab_zone *z = slab_zone_of(slab, ptr, kup);
        RT_ASSERT(z->z_magic == SLAB_MAGIC);
        oldsize = z->z_chunksize;
        if (size < slab->zone_limit)
        {
            rt_size_t rounded = size;
            (void)slab_zoneindex(&rounded);
            if (rounded == oldsize)
            {
                moved = ptr;    /* same class: same chunk */
                goto out;
            }
            size = rounded;
        }
    }
    else
    {
        goto out;
    }

    moved = rt_slab_alloc(m, size);
    if (moved != RT_NULL)
    {
        rt_memcpy(moved, ptr, size < oldsize ? size : oldsize);
        rt_slab_free(m, ptr);
    }
out:
    RT_HEAP_SHADOW_OUT(meta, moved);
    return moved;
}

/* ------------------------------------------------------------- walk, check */

static rt_bool_t slab_page_in_heap(const struct rt_slab *slab, const void *p)
{
    rt_ubase_t a = (rt_ubase_t)p;
    return a >= slab->heap_start && a < slab->heap_end && (a & RT_MM_PAGE_MASK) == 0;
}

/* Report the chunks of a live zone, `window` chunks at a time so that the
 * free-chunk list is read O(nmax / window) times with a small bitmap. */
#define SLAB_WALK_WINDOW 512

static int slab_walk_chunks(struct rt_slab *slab, struct rt_slab_zone *z,
                            rt_mem_walk_fn fn, void *ctx)
{
    rt_uint8_t seen_free[SLAB_WALK_WINDOW / 8];

    for (rt_uint32_t base = 0; base < z->z_nmax; base += SLAB_WALK_WINDOW)
    {
        rt_memset(seen_free, 0, sizeof(seen_free));
        rt_uint32_t steps = 0;
        for (struct rt_slab_chunk *c = z->z_freechunk; c != RT_NULL && steps < z->z_nmax;
             c = c->c_next, steps++)
        {
            rt_ubase_t off = (rt_ubase_t)c - (rt_ubase_t)z->z_baseptr;
            if ((rt_ubase_t)c < (rt_ubase_t)z->z_baseptr || off % z->z_chunksize != 0
                || off / z->z_chunksize >= z->z_nmax)
                break;
            rt_uint32_t idx = (rt_uint32_t)(off / z->z_chunksize);
            if (idx >= base && idx < base + SLAB_WALK_WINDOW)
                seen_free[(idx - base) / 8] |= (rt_uint8_t)(1u << ((idx - base) % 8));
        }
        for (rt_uint32_t i = base; i < z->z_nmax && i < base + SLAB_WALK_WINDOW; i++)
        {
            rt_bool_t is_free = i > z->z_uindex
                             || (seen_free[(i - base) / 8] & (1u << ((i - base) % 8))) != 0;
            struct rt_mem_block b = { z->z_baseptr + (rt_size_t)i * z->z_chunksize, 0,
                                      z->z_chunksize, is_free ? RT_FALSE : RT_TRUE,
                                      RT_MEM_BLOCK_DATA, slab };
            if (fn(&b, ctx))
                return 1;
        }
    }
    return 0;
}

static int slab_emit(rt_mem_walk_fn fn, void *ctx, const void *start, rt_size_t header,
                     rt_size_t size, rt_bool_t used, rt_uint8_t kind, const void *heap)
{
    struct rt_mem_block b = { start, header, size, used, kind, heap };
    return fn(&b, ctx);
}

/* The control block: the object and the rest of its first page. */
static int slab_walk_control(struct rt_slab *slab, rt_mem_walk_fn fn, void *ctx)
{
    return slab_emit(fn, ctx, slab, sizeof(*slab),
                     slab->heap_start - (rt_ubase_t)slab - sizeof(*slab), RT_TRUE,
                     RT_MEM_BLOCK_CONTROL, slab);
}

/* The zone at z: its header (+ its chunks). */
static int slab_walk_zone(struct rt_slab *slab, struct rt_slab_zone *z, rt_mem_walk_fn fn,
                          void *ctx, rt_bool_t chunks)
{
    rt_uint8_t *page = (rt_uint8_t *)z;
    rt_bool_t live = z->z_magic == SLAB_MAGIC;
    rt_size_t off = live ? (rt_size_t)(z->z_baseptr - page) : sizeof(*z);

    if (off > slab->zone_size)
        off = sizeof(*z);
    if (slab_emit(fn, ctx, z, off, slab->zone_size - off, live, RT_MEM_BLOCK_ZONE, slab))
        return 1;
    return chunks && live && z->z_chunksize != 0 && z->z_nmax != 0
           && z->z_nmax <= slab->zone_size / 8 && z->z_uindex < z->z_nmax
           && slab_walk_chunks(slab, z, fn, ctx);
}

/* Everything in address order: the control block, the usage table, then
 * per page structure: zone header (+ its chunks), large block, free run. */
static int slab_walk_all(struct rt_slab *slab, rt_mem_walk_fn fn, void *ctx, rt_bool_t chunks)
{
    rt_size_t table_pages = slab_usage_pages(slab);
    rt_size_t npages = (slab->heap_end - slab->heap_start) / RT_MM_PAGE_SIZE;

    if (slab_walk_control(slab, fn, ctx))
        return 1;
    /* the frame (slab_meta_walk): only the table's entries are metadata */
    if (slab_emit(fn, ctx, slab->memusage, 0,
                  chunks ? table_pages * RT_MM_PAGE_SIZE : npages * sizeof(*slab->memusage),
                  RT_TRUE, RT_MEM_BLOCK_CONTROL, slab))
        return 1;

    rt_size_t i = table_pages;
    while (i < npages)
    {
        rt_uint8_t *page = (rt_uint8_t *)slab->heap_start + i * RT_MM_PAGE_SIZE;
        struct rt_slab_memusage *kup = &slab->memusage[i];
        rt_size_t span = 1;

        if (kup->type == PAGE_TYPE_SMALL && kup->size == 0 && i + slab->zone_page_cnt <= npages)
        {
            span = slab->zone_page_cnt;
            if (slab_walk_zone(slab, (struct rt_slab_zone *)(void *)page, fn, ctx, chunks))
                return 1;
        }
        else if ((kup->type == PAGE_TYPE_LARGE || kup->type == PAGE_TYPE_RAW)
                 && kup->size > 0 && i + kup->size <= npages)
        {
            span = kup->size;
            if (slab_emit(fn, ctx, page, 0, span * RT_MM_PAGE_SIZE, RT_TRUE, RT_MEM_BLOCK_PAGES, slab))
                return 1;
        }
        else if (kup->type == PAGE_TYPE_FREE)
        {
            /* The frame walk (checked mode's record after every call, which
             * follows a verified call) takes the run's length from its head
             * when the table agrees at both ends: in a heap that holds I3,
             * a run of the page list is a whole run of free pages.  Else,
             * and always for the checker's walk, the table is scanned
             * (issue 19: a page at a time over every free page, twice per
             * checked call). */
            const struct rt_slab_page *run = (const struct rt_slab_page *)(void *)page;
            if (!chunks && run->page > 1 && run->page <= npages - i &&
                slab->memusage[i + run->page - 1].type == PAGE_TYPE_FREE &&
                (i + run->page == npages || slab->memusage[i + run->page].type != PAGE_TYPE_FREE))
                span = run->page;
            while (i + span < npages && slab->memusage[i + span].type == PAGE_TYPE_FREE)
                span++;
            if (slab_emit(fn, ctx, page, 0, span * RT_MM_PAGE_SIZE, RT_FALSE, RT_MEM_BLOCK_PAGES, slab))
                return 1;
        }
        else
        {
            return 0;   /* a torn table: the checker names it */
        }
        i += span;
    }
    return 0;
}

void rt_slab_walk(rt_slab_t m, rt_mem_walk_fn fn, void *ctx)
{
    if (m != RT_NULL && fn != RT_NULL)
        (void)slab_walk_all((struct rt_slab *)m, fn, ctx, RT_TRUE);
}

/* heap.h meta_walk: the walk less the chunks (S8 keeps their links). */
static void slab_meta_walk(void *heap, rt_mem_walk_fn fn, void *ctx)
{
    slab_usage_recorded = slab_usage_writes;    /* S10: the whole frame */
    (void)slab_walk_all((struct rt_slab *)heap, fn, ctx, RT_FALSE);
}

/* heap.h meta_window (checked mode, heap_shadow.c S10; rtsim): after a
 * call on the chunk at data, its zone's header is the only frame record
 * besides the control block that the call could have rewritten, as long
 * as the zone is still live (a zone emptied by a free left its class
 * list, relinking a neighbour) and the usage table is as recorded (a zone
 * made from pages or given back, a large block, raw pages: each rewrites
 * an entry). */
static rt_bool_t slab_meta_window(void *heap, const void *data, const void **lo,
                                  const void **hi)
{
    struct rt_slab *slab = (struct rt_slab *)heap;
    rt_ubase_t a = (rt_ubase_t)data;
    const struct rt_slab_memusage *kup;
    struct rt_slab_zone *z;
    rt_bool_t usage_same = slab_usage_writes == slab_usage_recorded;

    slab_usage_recorded = slab_usage_writes;
    if (!usage_same)
        return RT_FALSE;
    if (a < slab->heap_start + slab_usage_pages(slab) * RT_MM_PAGE_SIZE || a >= slab->heap_end)
        return RT_FALSE;
    kup = slab_kup(slab, data);
    if (kup->type != PAGE_TYPE_SMALL || kup->size >= slab->zone_page_cnt)
        return RT_FALSE;
    z = slab_zone_of(slab, data, kup);
    if ((rt_ubase_t)z < slab->heap_start || z->z_magic != SLAB_MAGIC)
        return RT_FALSE;
    *lo = z;
    *hi = (const rt_uint8_t *)z + 1;
    return RT_TRUE;
}

/* heap.h walk_span: the control block, and the zone at `from` (S10's
 * window); RT_FALSE, having walked nothing, when no zone starts there. */
static rt_bool_t slab_walk_span(void *heap, const void *from, const void *to,
                                rt_mem_walk_fn fn, void *ctx)
{
    struct rt_slab *slab = (struct rt_slab *)heap;
    rt_ubase_t a = (rt_ubase_t)from;
    const struct rt_slab_memusage *kup;

    (void)to;
    if (a % RT_MM_PAGE_SIZE != 0 ||
        a < slab->heap_start + slab_usage_pages(slab) * RT_MM_PAGE_SIZE || a >= slab->heap_end)
        return RT_FALSE;
    kup = slab_kup(slab, from);
    if (kup->type != PAGE_TYPE_SMALL || kup->size != 0)
        return RT_FALSE;
    (void)slab_walk_control(slab, fn, ctx);
    (void)slab_walk_zone(slab, (struct rt_slab_zone *)(void *)from, fn, ctx, RT_FALSE);
    return RT_TRUE;
}

static int slab_check_control(const struct rt_slab *slab)
{
    if (!rt_heap_memory_is_static(&slab->parent))
        return 1;
    if (slab->parent.algorithm == RT_NULL || rt_strcmp(slab->parent.algorithm, "slab") != 0)
        return 1;
    if ((slab->heap_start & RT_MM_PAGE_MASK) != 0 || (slab->heap_end & RT_MM_PAGE_MASK) != 0
        || slab->heap_start >= slab->heap_end)
        return 1;
    if (slab->parent.total != slab->heap_end - slab->heap_start)
        return 1;
    struct rt_slab expect;
    slab_size_zones(&expect, slab->heap_end - slab->heap_start);
    if (slab->zone_size != expect.zone_size || slab->zone_limit != expect.zone_limit
        || slab->zone_page_cnt != expect.zone_page_cnt)
        return 1;
    if ((rt_ubase_t)slab->memusage != slab->heap_start)
        return 1;
    return 0;
}

static int slab_check_runs(const struct rt_slab *slab, rt_size_t *free_pages)
{
    rt_size_t npages = (slab->heap_end - slab->heap_start) / RT_MM_PAGE_SIZE;
    rt_size_t runs = 0;
    const struct rt_slab_page *prev_end = RT_NULL;

    *free_pages = 0;
    for (const struct rt_slab_page *b = slab->page_list; b != RT_NULL; b = b->next)
    {
        if (!slab_page_in_heap(slab, b) || b->page == 0 || ++runs > npages)
            return 2;
        if (b->page > (slab->heap_end - (rt_ubase_t)b) / RT_MM_PAGE_SIZE)
            return 2;
        if (prev_end != RT_NULL && b <= prev_end)
            return 2;   /* out of order, overlapping or touching */
        for (rt_size_t p = 0; p < b->page; p++)
        {
            const struct rt_slab_memusage *kup =
                &slab->memusage[((rt_ubase_t)b - slab->heap_start) / RT_MM_PAGE_SIZE + p];
            if (kup->type != PAGE_TYPE_FREE || kup->size != 0)
                return 3;
        }
        *free_pages += b->page;
        prev_end = PAGES_AFTER(b, b->page);
    }
    return 0;
}

/* I4 + I5 for one live zone; adds its live chunk bytes to *used. */
static int slab_check_live_zone(const struct rt_slab *slab, const struct rt_slab_zone *z,
                                rt_size_t *used)
{
    if (z->z_zoneindex >= SLAB_NZONES)
        return 4;
    rt_size_t chunk = z->z_chunksize;
    rt_size_t probe = chunk - 1;    /* rounds up to chunk in its own class */
    if (chunk == 0 || chunk > slab->zone_limit || slab_zoneindex(&probe) != (int)z->z_zoneindex
        || probe != chunk)
        return 4;
    rt_uint32_t off = slab_zone_offset(chunk);
    if (z->z_baseptr != (const rt_uint8_t *)z + off || z->z_nmax != (slab->zone_size - off) / chunk)
        return 4;
    if (z->z_nfree > z->z_nmax || z->z_uindex >= z->z_nmax)
        return 4;

    rt_uint32_t listed = 0;
    for (const struct rt_slab_chunk *c = z->z_freechunk; c != RT_NULL; c = c->c_next)
    {
        rt_ubase_t a = (rt_ubase_t)c, basea = (rt_ubase_t)z->z_baseptr;
        if (a < basea || (a - basea) % chunk != 0 || (a - basea) / chunk > z->z_uindex
            || ++listed > z->z_uindex + 1)
            return 5;
    }
    if (z->z_nfree != listed + (z->z_nmax - 1 - z->z_uindex))
        return 5;
    *used += (rt_size_t)(z->z_nmax - z->z_nfree) * chunk;
    return 0;
}

static int slab_list_has(const struct rt_slab_zone *list, const struct rt_slab_zone *z,
                         rt_size_t bound)
{
    for (rt_size_t n = 0; list != RT_NULL && n <= bound; list = list->z_next, n++)
        if (list == z)
            return 1;
    return 0;
}

/* I6..I8 once the page scan has counted the listed zones of each class,
 * the cached empty zones and the bytes in use. */
static int slab_check_lists(const struct rt_slab *slab, const rt_size_t *on_list,
                            rt_size_t cached, rt_size_t used)
{
    for (int c = 0; c < SLAB_NZONES; c++)
    {
        rt_size_t n = 0;
        for (const struct rt_slab_zone *z = slab->zone_array[c]; z != RT_NULL; z = z->z_next)
            if (++n > on_list[c])
                return 6;
        if (n != on_list[c])
            return 6;
    }
    rt_size_t n = 0;
    for (const struct rt_slab_zone *z = slab->zone_free; z != RT_NULL; z = z->z_next)
        if (++n > SLAB_ZONE_RELEASE_THRESH || !slab_page_in_heap(slab, z))
            return 7;
    if (n != slab->zone_free_cnt || n != cached)
        return 7;
    if (slab->parent.used != used || slab->parent.max < used || slab->parent.max > slab->parent.total)
        return 8;
    return 0;
}

/* I3..I8 from a scan of the usage table. */
static int slab_check_pages(const struct rt_slab *slab, rt_size_t free_pages)
{
    rt_size_t npages = (slab->heap_end - slab->heap_start) / RT_MM_PAGE_SIZE;
    rt_size_t table_pages = slab_usage_pages(slab);
    rt_size_t seen_free = 0, used = 0, cached = 0;
    rt_size_t on_list[SLAB_NZONES] = { 0 };

    for (rt_size_t i = 0; i < table_pages; i++)
        if (slab->memusage[i].type != PAGE_TYPE_FREE)
            return 3;

    for (rt_size_t i = table_pages; i < npages;)
    {
        const struct rt_slab_memusage *kup = &slab->memusage[i];
        const rt_uint8_t *page = (const rt_uint8_t *)slab->heap_start + i * RT_MM_PAGE_SIZE;

        if (kup->type == PAGE_TYPE_FREE)
        {
            seen_free++;
            i++;
            continue;
        }
        if (kup->type == PAGE_TYPE_LARGE || kup->type == PAGE_TYPE_RAW)
        {
            if (kup->size == 0 || i + kup->size > npages)
                return 3;
            for (rt_size_t p = 1; p < kup->size; p++)
                if (slab->memusage[i + p].type != PAGE_TYPE_FREE)
                    return 3;
            if (kup->type == PAGE_TYPE_LARGE)
                used += (rt_size_t)kup->size * RT_MM_PAGE_SIZE;
            i += kup->size;
            continue;
        }
        if (kup->type != PAGE_TYPE_SMALL || kup->size != 0 || i + slab->zone_page_cnt > npages)
            return 3;
        for (rt_size_t p = 1; p < slab->zone_page_cnt; p++)
            if (slab->memusage[i + p].type != PAGE_TYPE_SMALL || slab->memusage[i + p].size != p)
                return 3;

        const struct rt_slab_zone *z = (const struct rt_slab_zone *)(const void *)page;
        if (z->z_magic == SLAB_ZONE_FREE_MAGIC)
        {
            cached++;
            if (!slab_list_has(slab->zone_free, z, SLAB_ZONE_RELEASE_THRESH))
                return 7;
        }
        else if (z->z_magic == SLAB_MAGIC)
        {
            int broken = slab_check_live_zone(slab, z, &used);
            if (broken != 0)
                return broken;
            rt_bool_t listed = slab_list_has(slab->zone_array[z->z_zoneindex], z, npages) != 0;
            if (listed != (z->z_nfree > 0))
                return 6;
            if (listed)
                on_list[z->z_zoneindex]++;
        }
        else
        {
            return 4;
        }
        i += slab->zone_page_cnt;
    }
    if (seen_free != free_pages)
        return 3;
    return slab_check_lists(slab, on_list, cached, used);
}

int rt_slab_check(rt_slab_t m)
{
    const struct rt_slab *slab = (const struct rt_slab *)m;
    rt_size_t free_pages;

    if (slab == RT_NULL)
        return 1;
    int broken = slab_check_control(slab);
    if (broken == 0)
        broken = slab_check_runs(slab, &free_pages);
    if (broken == 0)
        broken = slab_check_pages(slab, free_pages);
    return broken;
}

/* ================================================ "slab" as the system heap */

/* The slab serving as the system heap, for rt_page_alloc/rt_page_free. */
static rt_slab_t slab_system;

static void *slab_sys_init(const char *name, void *begin, rt_size_t size)
{
    rt_slab_t m = rt_slab_init(name, begin, size);
    if (m != RT_NULL)
        slab_system = m;
    return m;
}

static void slab_sys_detach(void *heap)
{
    if (heap == slab_system)
        slab_system = RT_NULL;
    rt_slab_detach((rt_slab_t)heap);
}

/* Whole pages from the system heap when it is slab (RT-Thread 4.1 keeps
 * these under the heap lock; the page allocator never blocks, so masking
 * interrupts is enough here).  RT_NULL when the system heap is not slab. */
void *rt_page_alloc(rt_size_t npages)
{
    if (slab_system == RT_NULL)
        return RT_NULL;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_system_heap_meta_verify(RT_HW_MEM_MALLOC, RT_NULL);
    rt_hw_mem_enter();
    void *pages = rt_slab_page_alloc(slab_system, npages);
    rt_hw_mem_leave();
    rt_system_heap_meta_record();
    if (pages != RT_NULL)
        rt_hw_mem_untracked(pages, npages * RT_MM_PAGE_SIZE, 1);
    rt_hw_interrupt_enable(level);
    return pages;
}

void rt_page_free(void *addr, rt_size_t npages)
{
    if (slab_system == RT_NULL || addr == RT_NULL)
        return;
    rt_base_t level = rt_hw_interrupt_disable();
    rt_hw_mem_untracked(addr, npages * RT_MM_PAGE_SIZE, 0);
    rt_system_heap_meta_verify(RT_HW_MEM_FREE, addr);
    rt_hw_mem_enter();
    rt_slab_page_free(slab_system, addr, npages);
    rt_hw_mem_leave();
    rt_system_heap_meta_record();
    rt_hw_interrupt_enable(level);
}

RT_HEAP_FORWARD(slab)

static void slab_sys_free(void *heap, void *ptr)
{
    rt_slab_free((rt_slab_t)heap, ptr);
}

/* The block's capacity.  Handing out a large block may leave a page-run
 * header after it; the first chunk of a zone comes with a fresh zone
 * header before it (and a page-run header after the zone). */
static rt_size_t slab_sys_usable(void *heap, void *ptr, const void **lo, const void **hi)
{
    struct rt_slab *slab = (struct rt_slab *)heap;
    rt_uint8_t *p = (rt_uint8_t *)ptr;
    struct rt_slab_memusage *kup = slab_kup(slab, (void *)((rt_ubase_t)ptr & ~(rt_ubase_t)RT_MM_PAGE_MASK));

    if (kup->type == PAGE_TYPE_LARGE)
    {
        rt_size_t cap = (rt_size_t)kup->size * RT_MM_PAGE_SIZE;
        *lo = p;
        *hi = p + cap + sizeof(struct rt_slab_page);
        return cap;
    }
    struct rt_slab_zone *z = slab_zone_of(slab, ptr, kup);
    *lo = p;
    *hi = p + z->z_chunksize;
    if (p == z->z_baseptr)
    {
        *lo = z;
        *hi = (rt_uint8_t *)z + slab->zone_size + sizeof(struct rt_slab_page);
    }
    return z->z_chunksize;
}

const struct rt_heap_algorithm rt_heap_slab =
{
    .name = "slab",
    .init = slab_sys_init,
    .add_region = RT_NULL,
    .detach = slab_sys_detach,
    .alloc = slab_sys_alloc,
    .realloc = slab_sys_realloc,
    .free = slab_sys_free,
    .info = rt_heap_memory_info,
    .check = slab_sys_check,
    .walk = slab_sys_walk,
    .usable = slab_sys_usable,
    .free_head_words = 2,   /* chunk link, or a page run's {next, pages} */
    .meta_walk = slab_meta_walk,
    .walk_span = slab_walk_span,
    .meta_window = slab_meta_window,
};
#endif /* RT_USING_SLAB */
