/*
 * web - `fileless-ctl web`: the quarantine review page (placeholder until it lands)
 */
#include <stdio.h>

#include "ctl.h"

int ctl_web(CTL *ctl, int argc, char **argv)
{
    (void)ctl, (void)argc, (void)argv;
    fprintf(stderr, "fileless-ctl: web: not available in this build\n");
    return 1;
}
