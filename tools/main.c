/*
 * main.c - the rtsim command's main(): the command itself is in
 * librtsim-cli.a (rtsim.c rtsim_main), which rtsim-app shares.
 */
#include "rtsim_cli.h"

int main(int argc, char **argv)
{
    return rtsim_main(argc, argv);
}
