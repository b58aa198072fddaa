/*
 * app_main.c - main() of rtsim-app (pkg-config rtsim-app): an RT-Thread
 * application's own code on the rtsim command.  Its MSH_CMD_EXPORT commands
 * register before main(), so they are in the shell beside RT-Thread's.
 *
 * rtsim-app's Cflags rename the application's own main() to rtt_main
 * (-Dmain=rtt_main): the firmware's `int main(void)` then runs in the
 * simulated main thread, as RT-Thread runs it after the components' init,
 * while this file is the host's main().  rtt_main is weak: an application
 * of shell commands only has none.  A library of its own, compiled without
 * that flag.
 */
int rtsim_app_main(int argc, char **argv, int (*firmware_main)(void));
int rtt_main(void) __attribute__((weak));

int main(int argc, char **argv)
{
    return rtsim_app_main(argc, argv, rtt_main);
}
