/* app.c - your application code, on your firmware's heap. */
#include <rtthread.h>
#include <rtsim.h>

static void app_main(void *arg)
{
    rt_size_t total, used, max_used;
    rt_thread_t me = rt_thread_self();

    (void)arg;
    void *frame = rt_malloc(8192);
    void *log = rt_malloc(4096);
    rt_memory_info(&total, &used, &max_used);
    rt_kprintf("thread %.*s (RT_NAME_MAX %d): heap total %d, used %d\n", RT_NAME_MAX,
               me->name, RT_NAME_MAX, (int)total, (int)used);
    rt_kprintf("frame at 0x%08lx, log at 0x%08lx\n", rt_sim_target_addr(frame),
               rt_sim_target_addr(log));       /* board addresses */
    rt_free(log);
    rt_free(frame);
}

int main(void)
{
    struct rt_sim_config cfg;

    rt_sim_config_init(&cfg);
    cfg.board = "my-board.txt";     /* made by rtsim board --from-map */
    return rt_sim_run(&cfg, app_main, RT_NULL);
}
