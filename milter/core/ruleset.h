/*
 * core/ruleset - the immutable snapshot a scan runs with, and its atomic replacement
 *
 * SYNOPSIS
 *   int ruleset_init_libraries(BUF *err);
 *   RULESET *ruleset_load(CONFIG *cfg, BUF *err);   RULESET *ruleset_free(RULESET *rs);
 *   void ruleset_install(RULESET *rs);
 *   RULESET *ruleset_acquire(void);                 void ruleset_release(RULESET *rs);
 *   void ruleset_hold(RULESET *rs);
 *   int ruleset_reload(const char *config_path, BUF *err);
 *
 * DESCRIPTION
 *   A RULESET holds the config, the scoring table, the compiled ClamAV engine
 *   (<rules_dir>/clamav), the compiled YARA rules (<rules_dir>/yara plus yara_extra_dirs),
 *   the word lists (<rules_dir>/lists), the IOC hashes of <rules_dir>/lists/ioc-*.txt
 *   (core/ioc.h) and a version id: 16 hex digits of a SHA-256 over the engine versions and
 *   the names (not the directories: two hosts with the same rules in different places
 *   share one id, and so one Redis cache) and bytes of every rule file (scoring.conf,
 *   clamav/, yara/, the extra YARA directories, lists/). The id changes exactly when the
 *   rules change; it is part of every cache key and of every report, so verdicts of old
 *   rules are never reused.
 *
 *   The policy file (policy_file, else policy.conf of the rules when it exists; domains
 *   turned into their A-label form by mime/url.c's IDNA) is part of the snapshot: a reload
 *   with a broken policy file keeps the old snapshot. It is not part of the id (it changes
 *   scores, not findings: cached findings stay valid).
 *
 *   ruleset_init_libraries initializes libclamav and YARA once, before threads start.
 *   ruleset_load takes ownership of cfg and builds everything; on any error (a
 *   signature or YARA compile error, a bad scoring.conf line) it returns NULL with
 *   `FILE:LINE: reason` lines in err and frees cfg. ruleset_free releases a snapshot no one
 *   else holds (load failures, tests).
 *
 *   The current snapshot: ruleset_install makes rs current (taking its reference; the
 *   previous one is released). ruleset_acquire returns the current snapshot with one more
 *   reference (a connection or a scan holds it for its whole life); ruleset_release drops
 *   one, and the last release of a replaced snapshot frees it. ruleset_hold adds a reference
 *   to a snapshot the caller holds (a scan thread that may outlive its connection).
 *   ruleset_reload reads the config file again and builds a new snapshot off the request
 *   path (the caller's thread: SIGHUP's thread in the daemon); on success it installs it,
 *   on failure it returns -1 with the reason and the old snapshot stays current. All of
 *   these are thread-safe.
 */
#ifndef FM_RULESET_H
#define FM_RULESET_H

#include "lib/buf.h"
#include "core/config.h"
#include "core/ioc.h"
#include "core/uribl.h"
#include "core/lists.h"
#include "scan/clamav.h"
#include "scan/yara.h"
#include "policy/policyset.h"
#include "policy/score.h"

typedef struct RULESET {
    CONFIG *cfg;
    SCORES *scores;
    CLAMAV *clamav;
    YARA *yara;
    LISTS *lists;
    IOCSET *ioc;         /* rules/lists/ioc-*.txt */
    POLICYSET *policies; /* the policy file (policy/policyset.h); never NULL once loaded */
    URIBL_ZONES *uribl;  /* uribl_zones, parsed */
    char id[17];         /* every rule file, the engine version and db_stamp */
    char rules_id[17];   /* the same without db_stamp: the cache key (cache/cache.h) */
    char *clamav_db;     /* the official database folder loaded (clamav_db_dir), or NULL */
    char db_stamp[17];   /* its state when loaded (core/clamdb.h), "none" without one */
    unsigned refs;       /* owned by ruleset.c; changed under its lock */
} RULESET;

int ruleset_init_libraries(BUF *err);
RULESET *ruleset_load(CONFIG *cfg, BUF *err);
RULESET *ruleset_free(RULESET *rs);
void ruleset_install(RULESET *rs);
RULESET *ruleset_acquire(void);
void ruleset_release(RULESET *rs);
void ruleset_hold(RULESET *rs);
int ruleset_reload(const char *config_path, BUF *err);

#endif
