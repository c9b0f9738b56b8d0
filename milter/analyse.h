/*
 * analyse - the pipeline of one message: parse, cache lookup, scan what missed, score,
 * verdict, store
 *
 * SYNOPSIS
 *   void analyse_message(MSG *m, const char *raw, size_t len, const RULESET *rs, CACHE *cache);
 *   void analyse_verdict(MSG *m, const CONFIG *c, const SCORES *scores);
 *
 * DESCRIPTION
 *   analyse_message fills the record m (msg.h) from the raw message (the bytes are not
 *   kept), in this order:
 *     1. size limit (max_message_size: LIMIT_MESSAGE_SIZE), MIME walk (mime/mime.c), URL
 *        extraction from every text part (mime/url.c: LIMIT_URLS);
 *     2. cache lookup of every leaf part holding bytes, in one round trip
 *        (cache/msgcache.h, with the handle `cache`; NULL: no cache, IOC hashes and
 *        counters still work);
 *     3. per part, in message order: a part whose bytes repeat an earlier part's is
 *        skipped (its findings stand at the first place); past the deadline
 *        (m->deadline_ms) the rest is not scanned (LIMIT_SCAN_TIME); a part the cache had
 *        gets its findings back; the others are scanned (scan/scan.h), and their findings
 *        become values to store;
 *     4. archives opened with the passwords the message states, IOC hashes over every part
 *        and layer, URL heuristics;
 *     5. score (policy/score.h weights, policy/chain.h capability chains, the mention context of
 *        policy/context.h) and verdict (policy/verdict.h, at least the hard verdict of a
 *        hit);
 *     6. the cache values and attachment sightings are stored (after the verdict: the TTL
 *        depends on it); m->cache says what the cache did.
 *   Step 5 uses the default policy of the policy file (policy/policyset.h);
 *   analyse_verdict does it again under another policy's settings and weights (mta/conn.c,
 *   once per policy among the recipients; it sets m->score, m->verdict and the hits'
 *   weights).
 *   It never fails: problems become hits and failure causes (m->hits->errs,
 *   model/failure.h). It may be called once per MSG. m->ms is its wall time.
 */
#ifndef FM_ANALYSE_H
#define FM_ANALYSE_H

#include <stddef.h>

#include "cache/cache.h"
#include "core/ruleset.h"
#include "msg.h"

void analyse_message(MSG *m, const char *raw, size_t len, const RULESET *rs, CACHE *cache);
void analyse_verdict(MSG *m, const CONFIG *c, const SCORES *scores);

#endif
