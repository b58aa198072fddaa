/*
 * utest_main.c - the ready main() of the rtsim-utest package: link a file
 * of RT-Thread utest cases with `pkg-config --libs rtsim-utest` and run
 * the program.  Everything is in rt_sim_utest_main (utest_cli.c), so a
 * program with a main() of its own can call that instead.
 */
#include "rtsim.h"

int main(int argc, char **argv)
{
    return rt_sim_utest_main(argc, argv);
}
