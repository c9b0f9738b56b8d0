/*
 * clamdb - the official ClamAV database folder (freshclam's) beside our own signatures
 *
 * SYNOPSIS
 *   char *clamdb_dir(const CONFIG *c);
 *   bool clamdb_stamp(const char *dir, char out[17]);
 *
 * DESCRIPTION
 *   clamav_db_dir names a folder of official databases (main/daily/bytecode .cvd/.cld and
 *   whatever freshclam keeps there) loaded into the engine after rules_dir/clamav.
 *   clamdb_dir resolves the setting: `auto` is CLAMDB_FRESHCLAM_DIR when that folder holds a
 *   database file (.cvd .cld .cud), else none; an empty value is none; any other value is a
 *   path (relative to the config file). It returns the path (caller frees) or NULL.
 *
 *   clamdb_stamp writes 16 hex digits identifying the folder's current state (a SHA-256 over
 *   the sorted names, sizes and modification times of its regular files, never their bytes:
 *   the official databases are hundreds of MB and freshclam replaces files whole). A
 *   freshclam update changes the stamp; the stamp goes into the ruleset id, and the daemon
 *   polls it (mta/dbwatch) to reload when it changes. Returns false (out = "none") when the
 *   folder cannot be read.
 */
#ifndef FM_CLAMDB_H
#define FM_CLAMDB_H

#include <stdbool.h>

#include "core/config.h"

#define CLAMDB_FRESHCLAM_DIR "/var/lib/clamav"

char *clamdb_dir(const CONFIG *c);
bool clamdb_stamp(const char *dir, char out[17]);

#endif
