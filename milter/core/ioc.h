/*
 * core/ioc - sets of known-bad file hashes (SHA-256, SHA-1, MD5) with an optional name
 *
 * SYNOPSIS
 *   IOCSET *ioc_new(void);                 IOCSET *ioc_free(IOCSET *s);
 *   int ioc_parse_line(const char *line, char hash[65], char *name, size_t namecap);
 *   bool ioc_add(IOCSET *s, const char *hash, const char *name);
 *   const char *ioc_find(const IOCSET *s, const char *hash);
 *   size_t ioc_count(const IOCSET *s);
 *   const char *ioc_at(const IOCSET *s, size_t i, const char **name);
 *   int ioc_load_file(IOCSET *s, const char *path, BUF *err);
 *   int ioc_load_dir(IOCSET *s, const char *dir, BUF *err);
 *   const char *ioc_kind(const char *hash);
 *
 * DESCRIPTION
 *   An IOC file has one hash per line: 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex
 *   digits, then optionally white space and a name (the rest of the line, e.g. the
 *   malware family). `#` at the start of a line (after blanks) makes it a comment;
 *   blank lines are ignored. ioc_parse_line returns 1 with the lower-cased hash and the
 *   name (cut to namecap - 1 bytes, control characters replaced by '?'), 0 for a blank or
 *   comment line, -1 for anything else (a hash of another length, non-hex digits).
 *
 *   ioc_add records a hash (lower-cased; the name is copied, the last one wins) and
 *   returns false when the hash is not 32/40/64 hex digits. ioc_find returns the name
 *   ("" when none) of a hash, or NULL; the hash must be lower-case. ioc_at walks the
 *   entries in insertion order. ioc_load_file adds a file's entries (an error names
 *   FILE:LINE); ioc_load_dir adds every `ioc-*.txt` of a directory in name order (a
 *   missing directory is empty). ioc_kind names a hash's type: "md5", "sha1",
 *   "sha256" or NULL.
 *
 *   A set is read-only after it is built, so many threads may look up concurrently.
 *
 * LIMITS
 *   Lookups are O(1) on average (open addressing over FNV-1a, kept at most half full).
 *   The hashes looked up are computed by us from sender bytes; the entries come from
 *   the admin, so probe chains depend on the admin's lists only.
 */
#ifndef FM_IOC_H
#define FM_IOC_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define IOC_NAME_MAX 128

typedef struct IOCSET IOCSET;

IOCSET *ioc_new(void);
IOCSET *ioc_free(IOCSET *s);
int ioc_parse_line(const char *line, char hash[65], char *name, size_t namecap);
bool ioc_add(IOCSET *s, const char *hash, const char *name);
const char *ioc_find(const IOCSET *s, const char *hash);
size_t ioc_count(const IOCSET *s);
const char *ioc_at(const IOCSET *s, size_t i, const char **name);
int ioc_load_file(IOCSET *s, const char *path, BUF *err);
int ioc_load_dir(IOCSET *s, const char *dir, BUF *err);
const char *ioc_kind(const char *hash);

#endif
