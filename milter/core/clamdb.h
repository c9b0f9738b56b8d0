/*
 * clamdb - the official ClamAV database folder (freshclam's) beside our own signatures
 *
 * SYNOPSIS
 *   char *clamdb_dir(const CONFIG *c);
 *   bool clamdb_stamp(const char *dir, char out[17]);
bool clamdb_image_hash(const char *dir);
 *   bool clamdb_image_hash(const char *dir);
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
 *
 *   clamdb_image_hash tells whether the signature files of dir may use image fuzzy hashes
 *   (`fuzzy_img#` subsignatures of logical signatures): a packed database (.cvd .cld .cud) is
 *   assumed to, a .ldb/.ldu file does when it contains the word. libclamav decodes every
 *   image to hash it whether or not a signature asks (80 % of the instructions of a mail with
 *   one 318 KB PNG), so the hash is computed only when some loaded signature can use it.
 */
#ifndef FM_CLAMDB_H
#define FM_CLAMDB_H

#include <stdbool.h>

#include "core/config.h"

#define CLAMDB_FRESHCLAM_DIR "/var/lib/clamav"

char *clamdb_dir(const CONFIG *c);
bool clamdb_stamp(const char *dir, char out[17]);
bool clamdb_image_hash(const char *dir);

#endif
