/*
 * cache/msgcache - the cache, IOC hashes and prevalence around the scan of one message
 *
 * SYNOPSIS
 *   CACHE_MSG *cache_msg_begin(CACHE *c, MSG *m, const RULESET *rs, bool passwords);
 *   int cache_msg_restore(CACHE_MSG *cm, size_t i, const char *loc);
 *   void cache_msg_partial_done(CACHE_MSG *cm, size_t i, const char *loc, bool ok);
 *   void cache_msg_inner(CACHE_MSG *cm);
 *   void cache_msg_part_start(CACHE_MSG *cm, size_t i);
 *   void cache_msg_layer(CACHE_MSG *cm, const char *loc, const char *sha256,
 *                        const unsigned char *data, size_t n);
 *   void cache_msg_archive(CACHE_MSG *cm);
 *   void cache_msg_part_done(CACHE_MSG *cm, size_t i, const char *loc);
 *   void cache_msg_scanned(CACHE_MSG *cm);
 *   void cache_msg_end(CACHE_MSG *cm);
 *   CACHE_MSG *cache_msg_free(CACHE_MSG *cm);
 *
 * DESCRIPTION
 *   The pipeline (analyse.c) drives it, with the cache handle it is given (see
 *   cache/cache.h for what is cached and why): cache_msg_begin looks up every leaf part holding
 * bytes in one round trip (values, prevalence counts, IOC generation) and computes each part's
 * SHA-1 and MD5; with c NULL (cache = off) nothing is looked up but IOC files and counters still
 * work. For each part to scan, cache_msg_restore returns CACHE_RESTORE_HIT on a usable hit after
 * putting the cached hits, URLs and layer hashes back at the part's location `loc` (a restored
 * failure symbol sets its cause again: model/failure.h); CACHE_RESTORE_PARTIAL when the value was
 * made with other official ClamAV databases (cache.h): everything but its CLAMAV_* findings is
 * back, the pipeline has libclamav alone rescan the part, then calls cache_msg_partial_done (ok:
 * the rescan worked), which stores the value again with the fresh CLAMAV_* findings; otherwise the
 * pipeline calls cache_msg_part_start, has the part scanned (scan.c reports each new layer with
 * cache_msg_layer and any zip/7z/rar with cache_msg_archive, and any libclamav scan below the part
 * with cache_msg_inner), then cache_msg_part_done, which builds the value to store when the
 * findings are complete and context-free. cache_msg_scanned (after password-opened archives) checks
 * every part and layer hash against the IOC hashes (rules/lists/ioc-*.txt and the imported ones):
 * IOC_HASH at that location. FIRST_SEEN is added for an attachment whose hash was never seen, when
 * its scoring.conf weight is above 0 (0 by default: then nothing is reported).
 *
 *   cache_msg_end runs after the verdict: the values are stored with
 *   cache_ttl_malicious when a hit below the part scored, else cache_ttl_clean, and every
 *   attachment's sighting (ref, time, sender, recipients: the envelope in the daemon,
 *   From/To offline) is recorded, all in one pipelined round trip; it fills m->cache.
 *   cache_msg_free releases the state (any time; accepts NULL). Attachments: leaf parts with a
 * filename or without body text.
 */
#ifndef FM_CACHE_MSG_H
#define FM_CACHE_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "cache/cache.h"
#include "core/ruleset.h"

typedef struct MSG MSG; /* the message record (msg.h) */
typedef struct CACHE_MSG CACHE_MSG;
enum { CACHE_RESTORE_MISS, CACHE_RESTORE_HIT, CACHE_RESTORE_PARTIAL };

CACHE_MSG *cache_msg_begin(CACHE *c, MSG *m, const RULESET *rs, bool passwords);
int cache_msg_restore(CACHE_MSG *cm, size_t i, const char *loc);
void cache_msg_partial_done(CACHE_MSG *cm, size_t i, const char *loc, bool ok);
void cache_msg_inner(CACHE_MSG *cm);
void cache_msg_part_start(CACHE_MSG *cm, size_t i);
void cache_msg_layer(CACHE_MSG *cm, const char *loc, const char *sha256, const unsigned char *data,
                     size_t n);
void cache_msg_archive(CACHE_MSG *cm);
void cache_msg_part_done(CACHE_MSG *cm, size_t i, const char *loc);
void cache_msg_scanned(CACHE_MSG *cm);
void cache_msg_end(CACHE_MSG *cm);
CACHE_MSG *cache_msg_free(CACHE_MSG *cm);

#endif
