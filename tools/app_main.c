/*
 * app_main.c - main() of rtsim-app (pkg-config rtsim-app): an RT-Thread
 * application's own code on the rtsim command.  Its MSH_CMD_EXPORT commands
 * register before main(), so they are in the shell beside RT-Thread's.
 * A library of its own, so that a program with its own main() keeps it.
 */
int rtsim_app_main(int argc, char **argv);

int main(int argc, char **argv)
{
    return rtsim_app_main(argc, argv);
}
