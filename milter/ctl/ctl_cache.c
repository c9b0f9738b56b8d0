/*
 * ctl_cache - `fileless-ctl ioc|cache|where ...` (placeholder until the cache lands)
 */
#include <stdio.h>

#include "ctl.h"

/* unavailable - the common refusal */
static int unavailable(const char *what)
{
    fprintf(stderr, "fileless-ctl: %s: not available in this build\n", what);
    return 1;
}

int ctl_ioc(CTL *ctl, int argc, char **argv)
{
    (void)ctl, (void)argc, (void)argv;
    return unavailable("ioc");
}

int ctl_cache(CTL *ctl, int argc, char **argv)
{
    (void)ctl, (void)argc, (void)argv;
    return unavailable("cache");
}

int ctl_where(CTL *ctl, int argc, char **argv)
{
    (void)ctl, (void)argc, (void)argv;
    return unavailable("where");
}
