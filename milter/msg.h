/*
 * msg - the record of one message under analysis: parts, URLs, hits, score, verdict
 *
 * SYNOPSIS
 *   MSG *msg_new(const char *ref);    MSG *msg_free(MSG *m);
 *   void msg_set_envelope(MSG *m, const char *sender, const char *rcpts);
 *   void msg_ref_random(char ref[17]);
 *   void msg_ref_from_bytes(const char *p, size_t n, char ref[17]);
 *
 * DESCRIPTION
 *   MSG owns everything found in one message (ownership is hierarchical: parts, URLs and
 *   hits are freed with it). The pipeline that fills it is analyse_message (analyse.h);
 *   m->cache and m->engine_calls say what the cache and the engines did. msg_set_envelope
 *   gives the envelope sender and recipients (sanitized copies) for the prevalence
 *   records; without it the From and To headers are used.
 *
 *   The reference id is 16 hex digits. The daemon draws it at random (msg_ref_random);
 *   the offline scan derives it from the message bytes (msg_ref_from_bytes) so a report
 *   is reproducible.
 *
 *   Why the analysis was incomplete is in m->hits->errs: the failure causes
 *   (model/failure.h, MSG_ERR_*), each set where the failure happened with its symbol.
 *
 *   deadline_ms (set by mta/scanjob.c from scan_timeout): parts analyse_message has not
 *   reached by then are not scanned (LIMIT_SCAN_TIME).
 */
#ifndef FM_MSG_H
#define FM_MSG_H

#include <stddef.h>

#include "model/hit.h"
#include "model/layer.h"
#include "mime/mime.h"
#include "model/part.h"
#include "mime/url.h"
#include "policy/verdict.h"

/* per part; PARTIAL: a hit whose ClamAV findings were refreshed (cache/cache.h) */
enum { MSG_CACHE_OFF, MSG_CACHE_HIT, MSG_CACHE_MISS, MSG_CACHE_PARTIAL };

typedef struct MSG_CACHE {
    const char *backend; /* "memory", "redis" or "off" */
    unsigned hits, misses, errors, corrupt;
    unsigned partial;    /* hits whose ClamAV findings were refreshed (counted in hits too) */
    double ms;           /* time spent waiting for the cache */
    unsigned char *part; /* MSG_CACHE_* per part index, or NULL */
} MSG_CACHE;

typedef struct MSG_DNS { /* URL reputation (scan/urlrep.h) */
    unsigned questions;  /* block-list names this message needed */
    unsigned cached;     /* answered from memory or Redis */
    unsigned sent, answered, timeouts, errors, listed;
    double wait_ms; /* time urlrep_end waited for answers */
} MSG_DNS;

typedef struct MSG {
    char ref[17];
    size_t size;    /* bytes received */
    size_t scanned; /* bytes analysed */
    PARTS *parts;
    LAYERS *layers; /* what the engines unpacked, and VBA modules */
    URLSET *urls;
    HITS *hits;
    MIME_HEADERS hdr;
    double score;
    VERDICT verdict;
    double ms;          /* wall time of analyse_message */
    double deadline_ms; /* CLOCK_MONOTONIC ms after which scanning stops (0: none) */
    MSG_CACHE cache;
    unsigned engine_calls; /* YARA and libclamav scans run */
    char *sender, *rcpts;  /* envelope (msg_set_envelope), or NULL */
    const char *policy;    /* name of the policy applied (the ruleset's), NULL: default */
    /* optional: called with the bytes of every new layer the scan records (after
     * layers_add, so within max_layers; -t --extract writes them); NULL: none */
    void (*layer_sink)(void *ctx, const char *location, const unsigned char *data, size_t n);
    void *layer_ctx;
    MSG_DNS dns;
} MSG;

MSG *msg_new(const char *ref);
MSG *msg_free(MSG *m);
void msg_set_envelope(MSG *m, const char *sender, const char *rcpts);
void msg_ref_random(char ref[17]);
void msg_ref_from_bytes(const char *p, size_t n, char ref[17]);

#endif
