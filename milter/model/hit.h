/*
 * model/hit - findings: a named symbol at a location, with a short detail
 *
 * SYNOPSIS
 *   HITS *hits_new(void);     HITS *hits_free(HITS *h);
 *   HIT *hits_add(HITS *h, const char *symbol, const char *location, const char *fmt, ...);
 *   HIT *hits_vadd(HITS *h, const char *symbol, const char *location, const char *fmt,
 *                  va_list ap);
 *   bool hits_has(const HITS *h, const char *symbol);
 *   HIT *hits_find(const HITS *h, const char *symbol, const char *location);
 *   void hits_remove(HITS *h, const char *symbol, const char *location);
 *
 * DESCRIPTION
 *   Every finding of every stage is a HIT: an UPPER_SNAKE symbol (`LIMIT_MIME_DEPTH`,
 *   `MIME_MULTIPART_NO_BOUNDARY`, later `VBA_AUTOEXEC`, `CLAMAV_<sig>` ...), the place it
 *   was found (`2.1`, `2/invoice.zip>doc.js`, or `message` for the whole message) and a
 *   detail. Symbol and location are copied; the detail is formatted and sanitized
 *   (str_sanitize, at most HIT_DETAIL_MAX bytes) because it often quotes sender text.
 *   The same symbol at the same location is recorded once; later duplicates only bump
 *   `count`. hits_find returns the hit of a symbol at exactly that location, or NULL.
 *   hits_remove drops the hit of a symbol at exactly that location, for a
 *   finding a later stage disproves (DOC_ENCRYPTED on a file that was then decrypted).
 *   `weight` is filled in by score.c; a finding that carries its own weight (a YARA rule's
 *   `score` meta) sets `preset`/`has_preset`. The list keeps insertion order. `errs` is the
 *   set of failure causes of the message and `err` the cause a hit reports
 *   (model/failure.h sets both; hits_add leaves them alone).
 *
 * LIMITS
 *   At most HITS_MAX distinct hits are kept per message; past that hits_add returns NULL
 *   and sets `overflow` (a hostile message cannot grow the report without bound).
 */
#ifndef FM_HIT_H
#define FM_HIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIT_DETAIL_MAX 240
#define HITS_MAX       2000

typedef struct HIT {
    char *symbol;
    char *location;
    char *detail;
    double weight;   /* set by score.c: this hit's contribution after caps */
    double preset;   /* weight the finding carries itself (a YARA rule's score meta) */
    bool has_preset; /* use preset instead of the scoring.conf weight */
    unsigned count;  /* how many times it was reported */
    uint64_t err;    /* the failure cause it reports (MSG_ERR_BIT, model/failure.h), or 0 */
} HIT;

typedef struct HITS {
    HIT *v;
    size_t n, cap;
    bool overflow;
    uint64_t errs; /* failure causes of the message (MSG_ERRS, model/failure.h) */
} HITS;

HITS *hits_new(void);
HITS *hits_free(HITS *h);
HIT *hits_find(const HITS *h, const char *symbol, const char *location);
HIT *hits_add(HITS *h, const char *symbol, const char *location, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
HIT *hits_vadd(HITS *h, const char *symbol, const char *location, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
bool hits_has(const HITS *h, const char *symbol);
void hits_remove(HITS *h, const char *symbol, const char *location);

#endif
