/*
 * ctl - fileless-ctl, the admin tool: commands over the same core as the daemon
 *
 * SYNOPSIS
 *   fileless-ctl [-c CONFIG] COMMAND [ARGS...]
 *   int ctl_quarantine(CTL *ctl, int argc, char **argv);   (ctl_quarantine.c)
 *   int ctl_ioc(CTL *ctl, int argc, char **argv);          (ctl_cache.c)
 *   int ctl_cache(CTL *ctl, int argc, char **argv);        (ctl_cache.c)
 *   int ctl_where(CTL *ctl, int argc, char **argv);        (ctl_cache.c)
 *   int ctl_web(CTL *ctl, int argc, char **argv);          (web.c)
 *   RULESET *ctl_ruleset(CTL *ctl);
 *
 * DESCRIPTION
 *   ctl.c parses the global options, loads the config (the same file and table as the
 *   daemon: -c, else ./milter.conf, else /etc/fileless-milter/milter.conf) and calls the
 *   command with argv[0] = the command name. Each command parses its own options
 *   (getopt_long from index 1), prints results on stdout and diagnostics on stderr.
 *   ctl_ruleset builds the rules snapshot on first use (commands that scan: rescan);
 *   a rules error exits 1 with the reason.
 *
 *   Exit status of every command: 0 success; 1 an operation failed (the message says
 *   which); 2 bad usage (the usage line is printed).
 */
#ifndef FM_CTL_H
#define FM_CTL_H

#include "config.h"
#include "ruleset.h"

typedef struct CTL {
    const char *config_path; /* the file loaded */
    CONFIG *cfg;             /* owned by ctl.c (moved into the ruleset when one is built) */
    RULESET *rs;             /* built on demand by ctl_ruleset */
} CTL;

int ctl_quarantine(CTL *ctl, int argc, char **argv);
int ctl_ioc(CTL *ctl, int argc, char **argv);
int ctl_cache(CTL *ctl, int argc, char **argv);
int ctl_where(CTL *ctl, int argc, char **argv);
int ctl_web(CTL *ctl, int argc, char **argv);
RULESET *ctl_ruleset(CTL *ctl);

#endif
