/*
 * ruleset - the immutable snapshot a scan runs with: config, scoring table, version id
 *
 * SYNOPSIS
 *   RULESET *ruleset_load(CONFIG *cfg, BUF *err);   RULESET *ruleset_free(RULESET *rs);
 *
 * DESCRIPTION
 *   ruleset_load takes ownership of cfg and loads <rules_dir>/scoring.conf. The id is 16
 *   hex digits of a SHA-256 over every loaded rule file's bytes, so it changes exactly
 *   when the rules change (later it becomes part of every cache key). On failure it
 *   returns NULL with `FILE:LINE: reason` in err and frees cfg.
 *
 *   The engines issue extends the snapshot with the ClamAV engine, YARA rules and lists,
 *   reference counting and the SIGHUP swap; scans only ever read a RULESET.
 */
#ifndef FM_RULESET_H
#define FM_RULESET_H

#include "buf.h"
#include "config.h"
#include "score.h"

typedef struct RULESET {
    CONFIG *cfg;
    SCORES *scores;
    char id[17];
} RULESET;

RULESET *ruleset_load(CONFIG *cfg, BUF *err);
RULESET *ruleset_free(RULESET *rs);

#endif
