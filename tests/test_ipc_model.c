/*
 * test_ipc_model.c - random programs of blocking IPC checked against a
 * model written from RT-Thread 4.1.1's src/ipc.c, not from rtsim's code.
 *
 * One program, made from a seed: K waiter threads of random priority (ties
 * included), each sleeping to its own start tick and then taking once with
 * a random timeout (0, 1..30 ticks, or forever) from one object - a
 * semaphore (rt_sem_take), a mailbox (rt_mb_recv), a message queue
 * (rt_mq_recv) or an event (rt_event_recv of random bits, AND or OR, with
 * or without CLEAR) - made with RT_IPC_FLAG_FIFO or RT_IPC_FLAG_PRIO and a
 * random initial content; a giver that releases / sends at random ticks,
 * each time from its own thread or from an interrupt (rt_sim_irq_at); at
 * the end the object is detached, which wakes whoever still waits.
 *
 * Every start, give and deadline falls on a tick of its own, so the order of
 * events is the order of ticks and the model needs no scheduler:
 *
 *   start(i)     something there: take it (the oldest mail / message) now;
 *                timeout 0: -RT_ETIMEOUT now; else wait
 *   give         a waiter: the first of the list gets it (FIFO: the oldest
 *                waiter; PRIO: the highest priority, the oldest among equals
 *                - _ipc_list_suspend inserts before the first strictly lower
 *                priority) and returns RT_EOK at that tick; else the count
 *                goes up / the mail is queued
 *   deadline(i)  still waiting: -RT_ETIMEOUT at that tick
 *   detach       every waiter left: -RT_ERROR at that tick (4.1.1
 *                _ipc_list_resume_all)
 *
 * An event is not taken but matched: a give (rt_event_send) sets its bits
 * and wakes, in the list's order, every waiter whose condition then holds,
 * a CLEAR waiter clearing its bits before the next is looked at (see
 * model(); later 5.x copies of src/ipc.c clear them after the whole walk
 * instead, docs/rt-thread-5.md).
 *
 * What is checked, per waiter: the result, the tick it came back, and the
 * value it received; after the last give, the object's count / entries.
 * Both flags, three objects, SEEDS programs each (RTSIM_TEST_SEED=n runs
 * the programs of seed n only; the seed is printed on failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"

#define MAX_WAITERS 8
#define MAX_GIVES   10
#define SEEDS       40
#define END_TICK    150
#define NO_WAIT     (-2)        /* a slot of the model: the waiter is not waiting */

enum obj { OBJ_SEM, OBJ_MB, OBJ_MQ, OBJ_EVT };
static const char *obj_name[] = { "sem", "mailbox", "msgqueue", "event" };

struct program
{
    enum obj obj;
    rt_uint8_t flag;
    int k, g;
    int initial;                        /* count, or mails queued at the start */
    rt_uint8_t prio[MAX_WAITERS];
    int start[MAX_WAITERS];
    rt_int32_t timeout[MAX_WAITERS];    /* 0, 1..30, RT_WAITING_FOREVER */
    rt_uint32_t want_set[MAX_WAITERS];  /* event: the bits asked for */
    rt_uint8_t option[MAX_WAITERS];     /* event: AND or OR, maybe CLEAR */
    rt_uint32_t bits[MAX_GIVES];        /* event: the bits each give sends */
    int give[MAX_GIVES];                /* ascending ticks */
    int give_isr[MAX_GIVES];
};

struct outcome
{
    rt_err_t err;
    int tick;
    rt_ubase_t value;                   /* mail / message received, else 0 */
};

static struct program pg;
static struct outcome want[MAX_WAITERS], got[MAX_WAITERS];
static int want_left;                   /* count, or entries, after the last give */

/* --------------------------------------------------------------- model */
static void model(void)
{
    int waiting[MAX_WAITERS];           /* start tick while waiting, else NO_WAIT */
    rt_ubase_t queue[MAX_GIVES + 4];
    int qh = 0, qn = 0, count = pg.initial;
    int next_give = 0;

    for (int i = 0; i < pg.initial; i++)
        queue[qn++] = 1000 + i;
    for (int i = 0; i < pg.k; i++)
        waiting[i] = NO_WAIT;
    rt_uint32_t set = (1u << pg.initial) - 1;   /* event: its bits (initial: bits 0 ..) */

    for (int t = 0; t <= END_TICK; t++)
    {
        for (int i = 0; i < pg.k; i++)
        {
            if (pg.start[i] == t && pg.obj == OBJ_EVT)
            {
                /* 4.1.1 rt_event_recv: AND needs every bit, OR one; the
                 * bits received are set & wanted; CLEAR clears the bits
                 * asked for */
                rt_uint32_t w = pg.want_set[i];
                int ok = (pg.option[i] & RT_EVENT_FLAG_AND) ? (set & w) == w : (set & w) != 0;
                if (ok)
                {
                    want[i].err = RT_EOK;
                    want[i].tick = t;
                    want[i].value = set & w;
                    if (pg.option[i] & RT_EVENT_FLAG_CLEAR)
                        set &= ~w;
                }
                else if (pg.timeout[i] == 0)
                {
                    want[i].err = -RT_ETIMEOUT;
                    want[i].tick = t;
                }
                else
                    waiting[i] = t;
            }
            else if (pg.start[i] == t)
            {
                int have = pg.obj == OBJ_SEM ? count > 0 : qn > 0;
                if (have)
                {
                    want[i].err = RT_EOK;
                    want[i].tick = t;
                    if (pg.obj == OBJ_SEM)
                        count--;
                    else
                    {
                        want[i].value = queue[qh++];
                        qn--;
                    }
                }
                else if (pg.timeout[i] == 0)
                {
                    want[i].err = -RT_ETIMEOUT;
                    want[i].tick = t;
                }
                else
                    waiting[i] = t;
            }
            else if (waiting[i] != NO_WAIT && pg.timeout[i] != RT_WAITING_FOREVER &&
                     waiting[i] + pg.timeout[i] == t)
            {
                waiting[i] = NO_WAIT;
                want[i].err = -RT_ETIMEOUT;
                want[i].tick = t;
            }
        }
        if (next_give < pg.g && pg.give[next_give] == t && pg.obj == OBJ_EVT)
        {
            /* 4.1.1 rt_event_send: set the bits, then walk the waiters in
             * the list's order (FIFO: oldest first; PRIO: by priority, the
             * oldest among equals); each whose condition holds wakes (OR
             * receives the bits it matched, AND the bits it asked for),
             * and a CLEAR waiter's bits are cleared at once, before the
             * next waiter is looked at. */
            int order[MAX_WAITERS], n = 0;
            set |= pg.bits[next_give];
            for (int i = 0; i < pg.k; i++)
                if (waiting[i] != NO_WAIT)
                {
                    int at = n++;
                    while (at > 0)
                    {
                        int o = order[at - 1];
                        int before = waiting[i] < waiting[o];
                        if (pg.flag == RT_IPC_FLAG_PRIO && pg.prio[i] != pg.prio[o])
                            before = pg.prio[i] < pg.prio[o];
                        if (!before)
                            break;
                        order[at] = o;
                        at--;
                    }
                    order[at] = i;
                }
            for (int k = 0; k < n; k++)
            {
                int i = order[k];
                rt_uint32_t w = pg.want_set[i];
                int ok = (pg.option[i] & RT_EVENT_FLAG_AND) ? (set & w) == w : (set & w) != 0;
                if (!ok)
                    continue;
                waiting[i] = NO_WAIT;
                want[i].err = RT_EOK;
                want[i].tick = t;
                want[i].value = (pg.option[i] & RT_EVENT_FLAG_AND) ? w : (set & w);
                if (pg.option[i] & RT_EVENT_FLAG_CLEAR)
                    set &= ~(rt_uint32_t)want[i].value;
            }
            next_give++;
        }
        else if (next_give < pg.g && pg.give[next_give] == t)
        {
            rt_ubase_t v = 2000 + (rt_ubase_t)next_give;
            int best = -1;
            for (int i = 0; i < pg.k; i++)
            {
                if (waiting[i] == NO_WAIT)
                    continue;
                int older = best < 0 || waiting[i] < waiting[best];
                if (pg.flag == RT_IPC_FLAG_PRIO && best >= 0 && pg.prio[i] != pg.prio[best])
                    older = pg.prio[i] < pg.prio[best];     /* higher priority first */
                if (older)
                    best = i;
            }
            if (best >= 0)
            {
                waiting[best] = NO_WAIT;
                want[best].err = RT_EOK;
                want[best].tick = t;
                want[best].value = pg.obj == OBJ_SEM ? 0 : v;
            }
            else if (pg.obj == OBJ_SEM)
                count++;
            else
                queue[qh + qn++] = v;
            next_give++;
        }
    }
    want_left = pg.obj == OBJ_SEM ? count : pg.obj == OBJ_EVT ? (int)set : qn;
    for (int i = 0; i < pg.k; i++)
        if (waiting[i] != NO_WAIT)
        {
            want[i].err = -RT_ERROR;
            want[i].tick = END_TICK;
        }
}

/* ------------------------------------------------------------ program */
static int tick_taken(const int *used, int n, int t)
{
    for (int i = 0; i < n; i++)
        if (used[i] == t)
            return 1;
    return 0;
}

/* A program whose starts, gives and deadlines are all on distinct ticks in
 * 1 .. END_TICK - 10. */
static void make_program(uint64_t *rng, enum obj obj, rt_uint8_t flag)
{
    int used[3 * MAX_WAITERS + MAX_GIVES], n = 0;

    memset(&pg, 0, sizeof pg);
    pg.obj = obj;
    pg.flag = flag;
    pg.k = 2 + (int)(tu_rand(rng) % (MAX_WAITERS - 1));
    pg.g = 1 + (int)(tu_rand(rng) % MAX_GIVES);
    pg.initial = (int)(tu_rand(rng) % 3);
    for (int i = 0; i < pg.k; i++)
    {
        int t;
        rt_int32_t to;
        pg.prio[i] = (rt_uint8_t)(8 + tu_rand(rng) % 5);     /* 8..12: ties */
        do
        {
            t = 1 + (int)(tu_rand(rng) % 90);
            switch (tu_rand(rng) % 4)
            {
            case 0: to = 0; break;
            case 1: to = RT_WAITING_FOREVER; break;
            default: to = 1 + (rt_int32_t)(tu_rand(rng) % 30); break;
            }
        } while (tick_taken(used, n, t) ||
                 (to > 0 && (tick_taken(used, n, t + to) || t + to == t)));
        used[n++] = t;
        if (to > 0)
            used[n++] = t + to;
        pg.start[i] = t;
        pg.timeout[i] = to;
        pg.want_set[i] = 1 + (rt_uint32_t)(tu_rand(rng) % 15);       /* bits 0..3 */
        pg.option[i] = (rt_uint8_t)((tu_rand(rng) % 2 ? RT_EVENT_FLAG_AND : RT_EVENT_FLAG_OR) |
                                    (tu_rand(rng) % 2 ? RT_EVENT_FLAG_CLEAR : 0));
    }
    for (int j = 0; j < pg.g; j++)
    {
        int t;
        do
            t = 1 + (int)(tu_rand(rng) % 120);
        while (tick_taken(used, n, t));
        used[n++] = t;
        pg.give[j] = t;
        pg.give_isr[j] = (int)(tu_rand(rng) % 2);
        pg.bits[j] = 1 + (rt_uint32_t)(tu_rand(rng) % 15);
    }
    /* ascending gives */
    for (int a = 0; a < pg.g; a++)
        for (int b = a + 1; b < pg.g; b++)
            if (pg.give[b] < pg.give[a])
            {
                int t = pg.give[a]; pg.give[a] = pg.give[b]; pg.give[b] = t;
                t = pg.give_isr[a]; pg.give_isr[a] = pg.give_isr[b]; pg.give_isr[b] = t;
                rt_uint32_t x = pg.bits[a]; pg.bits[a] = pg.bits[b]; pg.bits[b] = x;
            }
}

/* ---------------------------------------------------------- the run */
static struct rt_semaphore sem;
static struct rt_mailbox mb;
static rt_ubase_t mb_pool[MAX_GIVES + 4];
static struct rt_messagequeue mq;
/* room for MAX_GIVES + 4 messages with either flavour's slot header */
static rt_uint8_t mq_pool[(sizeof(rt_ubase_t) + 4 * sizeof(void *)) * (MAX_GIVES + 4)];
static struct rt_event evt;
static int gives_done;

static void give_one(void)
{
    rt_ubase_t v = 2000 + (rt_ubase_t)gives_done++;
    switch (pg.obj)
    {
    case OBJ_SEM: TU_EXPECT_INT(rt_sem_release(&sem), RT_EOK); break;
    case OBJ_MB:  TU_EXPECT_INT(rt_mb_send(&mb, v), RT_EOK); break;
    case OBJ_MQ:  TU_EXPECT_INT(rt_mq_send(&mq, &v, sizeof v), RT_EOK); break;
    case OBJ_EVT: TU_EXPECT_INT(rt_event_send(&evt, pg.bits[v - 2000]), RT_EOK); break;
    }
}

static void give_isr(void *arg)
{
    (void)arg;
    give_one();
}

static void waiter(void *arg)
{
    int i = (int)(intptr_t)arg;
    rt_ubase_t v = 0;
    rt_err_t err = RT_EOK;

    rt_thread_delay((rt_tick_t)pg.start[i]);
    TU_EXPECT_INT(rt_tick_get(), pg.start[i]);
    switch (pg.obj)
    {
    case OBJ_SEM:
        err = rt_sem_take(&sem, pg.timeout[i]);
        break;
    case OBJ_MB:
        err = rt_mb_recv(&mb, &v, pg.timeout[i]);
        break;
    case OBJ_EVT:
    {
        rt_uint32_t recved = 0;
        err = rt_event_recv(&evt, pg.want_set[i], pg.option[i], pg.timeout[i], &recved);
        v = recved;
        break;
    }
    case OBJ_MQ:
    {
        rt_ssize_t r = rt_mq_recv(&mq, &v, sizeof v, pg.timeout[i]);
#if RTSIM_V5_MQ_RECV_LENGTH
        err = r > 0 ? RT_EOK : (rt_err_t)r;     /* 5.x: the length received */
        if (r > 0)
            TU_EXPECT_INT(r, sizeof v);
#else
        err = (rt_err_t)r;
#endif
        break;
    }
    }
    got[i].err = err;
    got[i].tick = (int)rt_tick_get();
    got[i].value = err == RT_EOK ? v : 0;
}

static void giver(void *arg)
{
    (void)arg;
    for (int j = 0; j < pg.g; j++)
    {
        if (pg.give_isr[j])
        {
            TU_EXPECT_INT(rt_sim_irq_at((rt_tick_t)pg.give[j], give_isr, RT_NULL), 0);
            continue;
        }
        rt_thread_delay((rt_tick_t)pg.give[j] - rt_tick_get());
        TU_EXPECT_INT(rt_tick_get(), pg.give[j]);
        give_one();
    }
}

static void program_main(void *arg)
{
    (void)arg;
    gives_done = 0;
    switch (pg.obj)
    {
    case OBJ_SEM:
        TU_EXPECT_INT(rt_sem_init(&sem, "msem", (rt_uint32_t)pg.initial, pg.flag), RT_EOK);
        break;
    case OBJ_MB:
        TU_EXPECT_INT(rt_mb_init(&mb, "mmb", mb_pool, MAX_GIVES + 4, pg.flag), RT_EOK);
        for (int i = 0; i < pg.initial; i++)
            TU_EXPECT_INT(rt_mb_send(&mb, 1000 + (rt_ubase_t)i), RT_EOK);
        break;
    case OBJ_MQ:
        TU_EXPECT_INT(rt_mq_init(&mq, "mmq", mq_pool, sizeof(rt_ubase_t), sizeof mq_pool,
                                 pg.flag), RT_EOK);
        for (int i = 0; i < pg.initial; i++)
        {
            rt_ubase_t v = 1000 + (rt_ubase_t)i;
            TU_EXPECT_INT(rt_mq_send(&mq, &v, sizeof v), RT_EOK);
        }
        break;
    case OBJ_EVT:
        /* the initial content: bits 0 .. initial-1 */
        TU_EXPECT_INT(rt_event_init(&evt, "mevt", pg.flag), RT_EOK);
        if (pg.initial)
            TU_EXPECT_INT(rt_event_send(&evt, (1u << pg.initial) - 1), RT_EOK);
        break;
    }
    for (int i = 0; i < pg.k; i++)
    {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        tu_spawn(name, waiter, (void *)(intptr_t)i, pg.prio[i], 5);
    }
    tu_spawn("giver", giver, RT_NULL, 4, 5);
    rt_thread_delay(END_TICK - 1);
    switch (pg.obj)
    {
    case OBJ_SEM: TU_EXPECT_INT(sem.value, want_left); break;
    case OBJ_MB:  TU_EXPECT_INT(mb.entry, want_left); break;
    case OBJ_MQ:  TU_EXPECT_INT(mq.entry, want_left); break;
    case OBJ_EVT: TU_EXPECT_INT(evt.set, want_left); break;
    }
    rt_thread_delay(1);
    TU_EXPECT_INT(rt_tick_get(), END_TICK);
    switch (pg.obj)
    {
    case OBJ_SEM: rt_sem_detach(&sem); break;
    case OBJ_MB:  rt_mb_detach(&mb); break;
    case OBJ_MQ:  rt_mq_detach(&mq); break;
    case OBJ_EVT: rt_event_detach(&evt); break;
    }
    rt_thread_delay(5);         /* the woken waiters record and end */
}

static void describe(char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "%s %s initial %d; waiters", obj_name[pg.obj],
                                 pg.flag == RT_IPC_FLAG_PRIO ? "PRIO" : "FIFO", pg.initial);
    for (int i = 0; i < pg.k && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, " w%d(prio %d, at %d, timeout %ld, set %x %s%s)",
                               i, pg.prio[i], pg.start[i], (long)pg.timeout[i],
                               (unsigned)pg.want_set[i],
                               (pg.option[i] & RT_EVENT_FLAG_AND) ? "AND" : "OR",
                               (pg.option[i] & RT_EVENT_FLAG_CLEAR) ? "|CLEAR" : "");
    for (int j = 0; j < pg.g && at < n; j++)
        at += (size_t)snprintf(buf + at, n - at, "%s%d%s bits %x", j ? ", " : "; gives ",
                               pg.give[j], pg.give_isr[j] ? "(isr)" : "", (unsigned)pg.bits[j]);
}

static void run_programs(enum obj obj)
{
    uint64_t first, last;
    tu_seed_range(SEEDS, &first, &last);
    int compared = 0;

    for (uint64_t seed = first; seed <= last; seed++)
        for (int f = 0; f < 2; f++)
        {
            uint64_t rng = seed * 7919 + (uint64_t)obj * 104729 + (uint64_t)f + 1;
            char what[2048];
            make_program(&rng, obj, f ? RT_IPC_FLAG_PRIO : RT_IPC_FLAG_FIFO);
            memset(want, 0, sizeof want);
            memset(got, 0xff, sizeof got);
            model();
            describe(what, sizeof what);
            int rc = tu_run(NULL, program_main, RT_NULL);
            if (rc != RT_SIM_OK)
                fail_msg("seed %llu: %s\nrun ended %d: %s", (unsigned long long)seed, what, rc,
                         tu_report());
            for (int i = 0; i < pg.k; i++, compared++)
                if (got[i].err != want[i].err || got[i].tick != want[i].tick ||
                    got[i].value != want[i].value)
                    fail_msg("seed %llu: %s\nw%d: got %ld at tick %d value %lu, model %ld at "
                             "tick %d value %lu", (unsigned long long)seed, what, i,
                             (long)got[i].err, got[i].tick, (unsigned long)got[i].value,
                             (long)want[i].err, want[i].tick, (unsigned long)want[i].value);
        }
    /* not vacuous: every waiter of every program was compared */
    assert_true(compared > 0 && compared >= (int)(last - first + 1) * 2 * 2);
}

static void test_sem_against_model(void **state)
{
    (void)state;
    run_programs(OBJ_SEM);
}

static void test_mailbox_against_model(void **state)
{
    (void)state;
    run_programs(OBJ_MB);
}

static void test_event_against_model(void **state)
{
    (void)state;
    run_programs(OBJ_EVT);
}

static void test_msgqueue_against_model(void **state)
{
    (void)state;
    run_programs(OBJ_MQ);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sem_against_model),
        cmocka_unit_test(test_mailbox_against_model),
        cmocka_unit_test(test_msgqueue_against_model),
        cmocka_unit_test(test_event_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
