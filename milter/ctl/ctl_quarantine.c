/*
 * ctl_quarantine - `fileless-ctl quarantine ...` (placeholder until the quarantine store lands)
 */
#include <stdio.h>

#include "ctl.h"

/* ctl_quarantine - not available yet */
int ctl_quarantine(CTL *ctl, int argc, char **argv)
{
    (void)ctl, (void)argc, (void)argv;
    fprintf(stderr, "fileless-ctl: quarantine: not available in this build\n");
    return 1;
}
