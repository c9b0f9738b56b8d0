/*
 * model/failure - why a message was not analysed completely: failure causes as flags
 *
 * SYNOPSIS
 *   HIT *failure_hit(HITS *h, MSG_ERR e, const char *location, const char *fmt, ...);
 *   void failure_set(HITS *h, MSG_ERR e);
 *   void failure_restore(HITS *h, HIT *x);
 *   const char *failure_symbol(MSG_ERR e);      const char *failure_name(MSG_ERR e);
 *   bool failure_is_limit(MSG_ERR e);           MSG_ERRS failure_limits(void);
 *
 * DESCRIPTION
 *   Each cause is one MSG_ERR (an index) and one bit, MSG_ERR_BIT(e), of the message's
 *   MSG_ERRS set, which lives in its findings list (HITS.errs: the message's hits, so
 *   every stage that can fail sets it where the failure happens). A cause that has a
 *   symbol in rules/scoring.conf (SCAN_ERROR, MIME_UNPARSEABLE, LIMIT_*) is reported with
 *   failure_hit: it sets the bit, then adds the hit (symbol from the table, detail from
 *   fmt) and marks the hit with HIT.err = the bit; the bit is set even when the list is
 *   full. Causes outside the analysis (the spool, the quarantine store, the cache) have no
 *   symbol and are set with failure_set. failure_restore derives the bit of a hit
 *   restored from the cache from its symbol through the same table (HIT.err and h->errs;
 *   nothing for other symbols), so cached parts carry their causes without a change of
 *   the cached value format.
 *
 *   Policy (policy/verdict.c, cache/msgcache.c, metrics) decides from these bits, never
 *   from symbol names. Adding a cause: one enum entry here, one row in failure.c's table
 *   (symbol, config name of the limit or NULL), a weight in rules/scoring.conf for its
 *   symbol, and, when it needs its own on_* policy, one row in policy/verdict.c.
 *
 *   failure_symbol gives the symbol of e (NULL for causes without one); failure_name a
 *   short lower-case name (logs, metrics); failure_is_limit whether e is a LIMIT_* cause
 *   (a configured limit cut the analysis short), failure_limits the set of all of those.
 */
#ifndef FM_MODEL_FAILURE_H
#define FM_MODEL_FAILURE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/hit.h"

typedef enum MSG_ERR {
    MSG_ERR_SCANNER,                /* SCAN_ERROR: an engine failed on a part or layer */
    MSG_ERR_PARSE,                  /* MIME_UNPARSEABLE: no MIME structure at all */
    MSG_ERR_LIMIT_MESSAGE_SIZE,     /* max_message_size */
    MSG_ERR_LIMIT_HEADER_BYTES,     /* max_header_bytes */
    MSG_ERR_LIMIT_HEADER_FIELD,     /* max_header_field_bytes */
    MSG_ERR_LIMIT_HEADER_LINES,     /* max_header_lines, max_header_lines_total */
    MSG_ERR_LIMIT_MIME_DEPTH,       /* max_mime_depth */
    MSG_ERR_LIMIT_PARTS,            /* max_parts */
    MSG_ERR_LIMIT_PART_BYTES,       /* max_part_bytes */
    MSG_ERR_LIMIT_TOTAL_BYTES,      /* max_total_bytes */
    MSG_ERR_LIMIT_URLS,             /* max_urls */
    MSG_ERR_LIMIT_LAYERS,           /* max_layers */
    MSG_ERR_LIMIT_DECODE_DEPTH,     /* max_decode_depth */
    MSG_ERR_LIMIT_SCRIPT_DECODED,   /* decoded layers of one script */
    MSG_ERR_LIMIT_CLAMAV_FILE_SIZE, /* clamav_max_file_size */
    MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE, /* clamav_max_scan_size */
    MSG_ERR_LIMIT_CLAMAV_RECURSION, /* clamav_max_recursion */
    MSG_ERR_LIMIT_CLAMAV_FILES,     /* clamav_max_files */
    MSG_ERR_LIMIT_CLAMAV_SCAN_TIME, /* clamav_max_scan_time */
    MSG_ERR_LIMIT_SCAN_TIME,        /* scan_timeout */
    MSG_ERR_LIMIT_DECRYPT_ROUNDS,   /* office_decrypt_max_rounds */
    MSG_ERR_LIMIT_CHM_NOT_OPENED,   /* a CHM that could not be opened */
    MSG_ERR_LIMIT_ARCHIVE_MEMBERS,  /* an archive with more members or bytes than the limits */
    MSG_ERR_LIMIT_WORK_BUDGET,      /* max_work_cpu / max_work_bytes spent */
    MSG_ERR_ARCHIVE_UNREADABLE,     /* archive content that could not be decompressed */
    MSG_ERR_INTERNAL,               /* the spool failed: the message could not be analysed */
    MSG_ERR_QUARANTINE,             /* the quarantine store failed */
    MSG_ERR_CACHE,                  /* the cache could not be used for this message */
    MSG_ERR_N
} MSG_ERR;

typedef uint64_t MSG_ERRS; /* a set of MSG_ERR_BIT() */
#define MSG_ERR_BIT(e) ((MSG_ERRS)1 << (e))
/* the causes on_timeout applies to */
#define MSG_ERRS_TIMEOUT                                                                           \
    (MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_SCAN_TIME) | MSG_ERR_BIT(MSG_ERR_LIMIT_SCAN_TIME))
/* the causes on_limit applies to: a limit left content unscanned, or content could not be
 * opened (an encrypted document whose candidate passwords were not all tried, a CHM not
 * unpacked); size and time limits have their own policies, on_oversize and on_timeout; URL
 * and header-text limits cut no content */
#define MSG_ERRS_ON_LIMIT                                                                          \
    (MSG_ERR_BIT(MSG_ERR_LIMIT_MIME_DEPTH) | MSG_ERR_BIT(MSG_ERR_LIMIT_PARTS) |                    \
     MSG_ERR_BIT(MSG_ERR_LIMIT_PART_BYTES) | MSG_ERR_BIT(MSG_ERR_LIMIT_TOTAL_BYTES) |              \
     MSG_ERR_BIT(MSG_ERR_LIMIT_LAYERS) | MSG_ERR_BIT(MSG_ERR_LIMIT_DECODE_DEPTH) |                 \
     MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_FILE_SIZE) | MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE) |   \
     MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_RECURSION) | MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_FILES) |       \
     MSG_ERR_BIT(MSG_ERR_LIMIT_ARCHIVE_MEMBERS) | MSG_ERR_BIT(MSG_ERR_LIMIT_WORK_BUDGET) |         \
     MSG_ERR_BIT(MSG_ERR_ARCHIVE_UNREADABLE) | MSG_ERR_BIT(MSG_ERR_LIMIT_DECRYPT_ROUNDS) |         \
     MSG_ERR_BIT(MSG_ERR_LIMIT_CHM_NOT_OPENED))
/* causes that may not recur on another try: a part that had one is not cached */
#define MSG_ERRS_TRANSIENT (MSG_ERR_BIT(MSG_ERR_SCANNER) | MSG_ERRS_TIMEOUT)

HIT *failure_hit(HITS *h, MSG_ERR e, const char *location, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void failure_set(HITS *h, MSG_ERR e);
void failure_restore(HITS *h, HIT *x);
const char *failure_symbol(MSG_ERR e);
const char *failure_name(MSG_ERR e);
bool failure_is_limit(MSG_ERR e);
MSG_ERRS failure_limits(void);

#endif
