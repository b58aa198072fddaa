/*
 * heapmap.h - heap maps: snapshots of every heap and pool taken with the
 * kernel's walkers (rtmm.h), drawn as text, SVG or a self-contained HTML
 * page with a slider.
 *
 * A snapshot is taken inside a run (it reads the simulated RAM); drawing
 * happens afterwards.  Every address is a target address.
 */
#ifndef RTSIM_HEAPMAP_H__
#define RTSIM_HEAPMAP_H__

#include <stdio.h>

/* Functions that follow allocator links inside the simulated RAM, which
 * checked mode poisons for ASan (sim/annotate.c), are not instrumented. */
#if defined(__SANITIZE_ADDRESS__)
#define HM_RAW __attribute__((no_sanitize_address))
#else
#define HM_RAW
#endif

enum hm_kind { HM_DATA, HM_END, HM_CONTROL, HM_ZONE, HM_PAGES, HM_ZI, HM_UNMANAGED };

struct hm_block
{
    unsigned long addr;     /* target address of the header (or of the data if none) */
    unsigned long hdr;      /* header bytes */
    unsigned long size;     /* data bytes */
    int used;
    int kind;               /* enum hm_kind */
    int free_order;         /* 1.. = position in the search order (section's `order`), 0 = none */
    int lfree;              /* small mem: the block lfree points at (a free block or the end marker) */
    char owner[40];         /* what the block is: "a", "main stack", ... or "" */
    char thread[16];        /* the thread that allocated it, or "" */
};

/* What a section's free-block numbers mean: small mem has no free list,
 * it walks every block in address order from lfree; memheap and pools
 * keep a free list; TLSF and slab keep lists per class (not numbered). */
enum hm_order { HM_ORDER_NONE, HM_ORDER_LFREE, HM_ORDER_LIST };

struct hm_section
{
    char title[160];        /* "SRAM 0x20000000..0x20020000: system heap (smallmem)" */
    char stats[200];        /* one line of figures */
    char stats2[200];       /* memheap: the figures of all memheaps together, or "" */
    unsigned long start, end;   /* target range drawn */
    int order;              /* enum hm_order */
    struct hm_block *blocks;
    int nblocks, cap;
};

struct hm_snapshot
{
    char caption[200];      /* "step 3, tick 0, main: a = malloc 100" */
    struct hm_section *sections;
    int nsections;
};

/* The heaps and pools a scenario made, besides the system heap. */
enum hm_obj_kind { HM_OBJ_SMEM, HM_OBJ_CLASSIC, HM_OBJ_SLAB, HM_OBJ_TLSF, HM_OBJ_MEMHEAP,
                   HM_OBJ_POOL };
struct hm_object
{
    const char *name;
    int kind;               /* enum hm_obj_kind */
    void *handle;           /* rt_smem_t, struct rt_memheap *, rt_mp_t ... */
    int in_region;          /* over a whole board region: drawn in that region's row */
};

/* Owner of the block whose data starts at target address `data`: fills
 * label and thread (both may stay ""); supplied by the caller. */
typedef void (*hm_owner_fn)(unsigned long data, char label[40], char thread[16]);

/* Take a snapshot of the board's regions (system heap, ZI) and of the
 * given objects.  `only` (space-separated names, NULL = everything)
 * limits which objects are shown; "heap" names the system heap. */
void hm_take(struct hm_snapshot *snap, const char *caption, const struct hm_object *objs,
             int nobjs, const char *only, hm_owner_fn owner);
void hm_release(struct hm_snapshot *snap);

/* One line that every heap map (text, SVG, HTML) and the demo banner
 * carry when the numbers are not the board's (docs/model.md): NULL in the
 * 32-bit target model. */
extern const char *const hm_model_notice;

/* Drawing. */
void hm_print_text(FILE *out, const struct hm_snapshot *snap);
/* n snapshots (the `map` statements of a run) as panels, one above the
 * other, with one legend. */
void hm_write_svg(FILE *out, const struct hm_snapshot *snaps, int n, const char *title);
/* The run's log for the HTML page: line i was printed during step
 * step_of[i] (0 = before the first snapshot); the page shows the lines up
 * to the step the slider is on. */
struct hm_log
{
    char **lines;
    int *step_of;
    int n;
};
void hm_write_html(FILE *out, const struct hm_snapshot *snaps, int n, const char *title,
                   char *const *texts, const struct hm_log *log);

/* Text of a snapshot as a malloc'ed string. */
char *hm_text(const struct hm_snapshot *snap);

/* Walk one object's blocks into a section (used by `headers` too). */
int hm_object_stats(const struct hm_object *o, unsigned long *free_bytes,
                    unsigned long *largest, unsigned long *free_blocks,
                    unsigned long *used, unsigned long *total);

#endif
