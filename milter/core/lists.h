/*
 * core/lists - the word lists in rules/lists/ an admin edits without recompiling
 *
 * SYNOPSIS
 *   LISTS *lists_load(const char *dir, BUF *err);   LISTS *lists_free(LISTS *l);
 *   bool lists_has(const LISTS *l, enum list_id which, const char *key);
 *   bool lists_domain_in(const LISTS *l, enum list_id which, const char *host);
 *   const CMDTAB *lists_lolbas(const LISTS *l);
 *   const char *lists_known_library(const LISTS *l, const char *sha256_hex);
 *   size_t lists_known_libraries(const LISTS *l);
 *
 * DESCRIPTION
 *   Each list is a text file in rules/lists/, one entry per line, `#` comments, blank
 *   lines ignored, entries compared case-insensitively:
 *     dangerous-extensions.txt  file extensions without the dot (exe, js, vbs, lnk, ...)
 *     shorteners.txt            URL shortener domains
 *     block-domains.txt         known-bad domains (a subdomain matches too)
 *     allow-domains.txt         domains whose links are never scored
 *     redirectors.txt           redirector / link-wrapper hosts (mime/redirect.h)
 *   Beside them, two tables:
 *     lolbas.conf               signed binaries and what their arguments make them do
 *                               (core/cmdtab.h; read by heur/lolbas.c): lists_lolbas;
 *     known-libraries.txt       `SHA-256 name` of known library files (jQuery, Bootstrap
 *                               ...): lists_known_library gives the name of a digest.
 *   A missing file is an empty list; an unreadable one is an error (FILE: reason).
 *   lists_domain_in matches the host or any parent domain (a.b.example.com matches
 *   example.com). Lookups are O(1) on average (hash sets). Read-only after load: safe
 *   from any thread.
 */
#ifndef FM_LISTS_H
#define FM_LISTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cmdtab.h"
#include "lib/buf.h"

enum list_id {
    LIST_DANGEROUS_EXT,
    LIST_SHORTENERS,
    LIST_BLOCK_DOMAINS,
    LIST_ALLOW_DOMAINS,
    LIST_REDIRECTORS,
    LIST_COUNT
};

typedef struct LISTS LISTS;

LISTS *lists_load(const char *dir, BUF *err);
LISTS *lists_free(LISTS *l);
bool lists_has(const LISTS *l, enum list_id which, const char *key);
bool lists_domain_in(const LISTS *l, enum list_id which, const char *host);
const CMDTAB *lists_lolbas(const LISTS *l);
const char *lists_known_library(const LISTS *l, const char *sha256_hex);
size_t lists_known_libraries(const LISTS *l);

#endif
