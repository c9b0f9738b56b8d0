/*
 * ctl/ctl - fileless-ctl, the admin tool: commands over the same core as the daemon
 *
 * SYNOPSIS
 *   fileless-ctl [-c CONFIG] COMMAND [ARGS...]
 *   int ctl_quarantine(CTL *ctl, int argc, char **argv);   (ctl_quarantine.c)
 *   int ctl_ioc(CTL *ctl, int argc, char **argv);          (ctl_cache.c)
 *   int ctl_cache(CTL *ctl, int argc, char **argv);        (ctl_cache.c)
 *   int ctl_where(CTL *ctl, int argc, char **argv);
int ctl_where_url(CTL *ctl, const char *url);        (ctl_cache.c)
 *   int ctl_web(CTL *ctl, int argc, char **argv);          (web.c)
 *   RULESET *ctl_ruleset(CTL *ctl);
 *   int ctl_usage(const char *command, FILE *out, int status);
 *   const char *ctl_store(const CTL *ctl);
 *   int ctl_release_item(CTL *ctl, const char *id, const char *to, bool force,
 *                        const char *who, BUF *msg, BUF *err);          (ctl_release.c)
 *   int ctl_delete_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err);
 *   int ctl_rescan_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err);
 *
 * DESCRIPTION
 *   ctl.c parses the global options, loads the config (the same file and table as the
 *   daemon: -c, else ./milter.conf, else /etc/fileless-milter/milter.conf) and calls the
 *   command with argv[0] = the command name. Each command parses its own options
 *   (getopt_long from index 1), prints results on stdout and diagnostics on stderr.
 *   ctl_ruleset builds the rules snapshot on first use (commands that scan: rescan);
 *   a rules error exits 1 with the reason. `COMMAND ... --help` (or `help COMMAND`) prints
 *   the command's usage on stdout and exits 0 before any config is read; ctl_usage prints
 *   it (commands call it on bad usage, with stderr and 2). `web --hash-password` runs on the
 *   defaults when no config file exists.
 *
 *   ctl_store returns quarantine_dir, or NULL after printing why there is none.
 *
 *   The item operations are shared by the CLI and the review page; `who` is the admin
 *   (the CLI: qview_who(); the page: the login name) and goes to the audit log with the
 *   outcome. Each holds the store lock while it runs, returns 0 with a one-line summary
 *   in msg, or -1 with the reason in err. ctl_release_item re-injects the stored message
 *   (release_relay) with a release header (release.h) to its envelope recipients, or to
 *   `to` when given, and marks the item released (time, who, to); an item already
 *   released is refused unless `force`. ctl_delete_item removes the item.
 *   ctl_rescan_item runs the current rules over the stored message (the full engines:
 *   ctl_ruleset) and replaces verdict, score, hits and ruleset id in the metadata.
 *
 *   Exit status of every command: 0 success; 1 an operation failed (the message says
 *   which); 2 bad usage (the usage line is printed).
 */
#ifndef FM_CTL_H
#define FM_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/buf.h"
#include "core/config.h"
#include "core/ruleset.h"

typedef struct CTL {
    const char *config_path; /* the file loaded */
    CONFIG *cfg;             /* owned by ctl.c (moved into the ruleset when one is built) */
    RULESET *rs;             /* built on demand by ctl_ruleset */
} CTL;

int ctl_quarantine(CTL *ctl, int argc, char **argv);
int ctl_ioc(CTL *ctl, int argc, char **argv);
int ctl_cache(CTL *ctl, int argc, char **argv);
int ctl_where(CTL *ctl, int argc, char **argv);
int ctl_where_url(CTL *ctl, const char *url);
int ctl_web(CTL *ctl, int argc, char **argv);
RULESET *ctl_ruleset(CTL *ctl);
int ctl_usage(const char *command, FILE *out, int status);
const char *ctl_store(const CTL *ctl);
int ctl_release_item(CTL *ctl, const char *id, const char *to, bool force, const char *who,
                     BUF *msg, BUF *err);
int ctl_delete_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err);
int ctl_rescan_item(CTL *ctl, const char *id, const char *who, BUF *msg, BUF *err);

#endif
