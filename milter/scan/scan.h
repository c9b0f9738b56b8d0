/*
 * scan/scan - run the content engines over a message: every part, every layer they unpack,
 *        every VBA module, and archives opened with passwords found in the message
 *
 * SYNOPSIS
 *   SCAN *scan_begin(MSG *m, const RULESET *rs);     SCAN *scan_end(SCAN *s);
 *   size_t scan_passwords(const SCAN *s);   bool scan_budget_spent(SCAN *s, const char *loc);
 *   void scan_set_cache(SCAN *s, CACHE_MSG *cm);
 *   void scan_part(SCAN *s, size_t i, const char *loc);
 *   bool scan_part_clamav(SCAN *s, size_t i, const char *loc);
 *   void scan_archives(SCAN *s);
 *   char *scan_part_location(const PART *p);
 *
 * DESCRIPTION
 *   The pipeline (analyse.c) decides which parts are scanned (not those the cache had,
 *   nor repeats of an earlier part's bytes) and calls, in this order: scan_begin (the
 *   password candidates of the Subject and the text parts are collected; scan_passwords
 *   counts them), scan_set_cache (the cache state of the message, cache/msgcache.h, or
 *   NULL), scan_part for each part to scan, scan_archives, then scan_end.
 *
 *   For part i, scan_part runs YARA over the bytes and libclamav over them (scan/clamav.c),
 *   which unpacks layers (archive members, OOXML parts, OLE2 streams, embedded objects) into
 *   m->layers and VBA source into m->layers->vba; each new layer and each VBA module is
 *   matched with YARA as it comes, with the external variables filename, extension,
 *   filetype, location and layer_depth. A YARA match is the hit `YARA_<rule>` at that
 *   location, weighted by the rule's score meta when it has one (else the YARA_DEFAULT entry
 *   of scoring.conf). A part whose bytes equal an earlier part's is not scanned again (its
 *   findings stand at the first place). scan_part_clamav runs libclamav alone over part i,
 *   without layer callbacks (no YARA, no analysers, no layers recorded), and adds only its
 *   CLAMAV_* findings (and a SCAN_ERROR when it failed, then it returns false): the
 *   refresh of a partial cache hit after the official databases changed (cache/cache.h).
 *
 *   Our analysers (heur_*.c, lnk.c) run over every part and layer: file tricks on names
 *   and types, shortcuts, scripts, registry droppers, XLM sheets, and each VBA project as
 *   a whole. What they decode (deobfuscated scripts, -EncodedCommand, base64 ...) comes
 *   back as a layer `<location>>decoded:<how>`, which gets YARA and the analysers again,
 *   max_decode_depth levels deep; URLs in scripts and decoded layers join the message's
 *   URLs. Last, scan_end runs heur_url over all URLs, reports LIMIT_LAYERS and frees s.
 *
 *   Encrypted archives (zip, 7z, rar: a part or a layer) are queued and, in scan_archives,
 *   retried with the candidate passwords found in the Subject and the text parts
 *   (mime/passwords.c, at most max_passwords); when one opens it (scan/archive.c,
 *   libarchive), the hit ARCHIVE_PASSWORD_FROM_BODY is added and every member becomes a
 *   layer at `<archive location>[pw]>member` that is scanned like a part (ClamAV and YARA),
 *   so what it holds is found too.
 *
 *   RAR (v4, v5; Debian's libclamav has no unrar) and TNEF (winmail.dat: libclamav gives
 *   no names) are unpacked by us after the libclamav scan (archive.c, tnef.c): each
 *   member is a layer `<location>>member` going through libclamav, YARA and the
 *   analysers like any part, within clamav_max_files, max_part_bytes and
 *   clamav_max_scan_size per archive and clamav_max_recursion deep. Members we cannot
 *   decompress are ARCHIVE_UNREADABLE (never a silent pass). The names of encrypted
 *   members (zip and 7z via libclamav's metadata callback, RAR via archive.c) are scored
 *   like visible ones (double extensions, dangerous types, ARCHIVE_ENCRYPTED_SCRIPT).
 *
 *   Bombs: a layer whose bytes were already seen is analysed once (clamav.c skips it
 *   inside libclamav; a repeated RAR/TNEF member gets only its name scored), and
 *   ARCHIVE_BOMB marks the traits (bomb_min_ratio, bomb_min_repeats, bomb_min_depth).
 *   Each message has a work budget (budget.h: max_work_cpu ms of the thread's CPU,
 *   max_work_bytes unpacked); once spent, every later layer, member and part is skipped
 *   and LIMIT_WORK_BUDGET says so (scan_budget_spent: the pipeline asks before each part).
 *
 *   Each new layer and each zip/7z/rar is reported to the cache state (cache_msg_layer,
 *   cache_msg_archive) so that the pipeline can store the part's findings and check the
 *   layer hashes against the IOC hashes; scan.c never looks the cache up itself.
 *
 *   scan_part_location is the location string of a part: its path, then `/` and its
 *   sanitized filename when it has one (`2/invoice.zip`). The caller frees it.
 *
 * LIMITS
 *   max_layers (LIMIT_LAYERS), the clamav_* limits (scan/clamav.h), archive members are
 *   bounded by max_part_bytes each and max_total_bytes together; password-opened
 *   archives nested in password-opened archives are followed SCAN_MAX_PW_DEPTH deep.
 */
#ifndef FM_SCAN_H
#define FM_SCAN_H

#include <stddef.h>

#include "cache/msgcache.h"
#include "core/ruleset.h"
#include "model/part.h"

#define SCAN_MAX_PW_DEPTH 3

typedef struct MSG MSG; /* the message record (msg.h) */
typedef struct SCAN SCAN;

SCAN *scan_begin(MSG *m, const RULESET *rs);
size_t scan_passwords(const SCAN *s);
bool scan_budget_spent(SCAN *s, const char *loc);
void scan_set_cache(SCAN *s, CACHE_MSG *cm);
void scan_part(SCAN *s, size_t i, const char *loc);
bool scan_part_clamav(SCAN *s, size_t i, const char *loc);
void scan_archives(SCAN *s);
SCAN *scan_end(SCAN *s);
char *scan_part_location(const PART *p);

#endif
