/*
 * store/qmeta - the metadata record of one quarantined message: text form, parser, JSON
 *
 * SYNOPSIS
 *   QMETA *qmeta_new(void);                         QMETA *qmeta_free(QMETA *m);
 *   void qmeta_add_rcpt(QMETA *m, const char *rcpt);
 *   void qmeta_add_hit(QMETA *m, const char *symbol, double weight, const char *location,
 *                      const char *detail);
 *   void qmeta_clear_hits(QMETA *m);
 *   void qmeta_format(BUF *out, const QMETA *m);
 *   QMETA *qmeta_parse(const char *p, size_t n, BUF *err);
 *   void qmeta_json(BUF *out, const QMETA *m);
 *   bool qmeta_has_symbol(const QMETA *m, const char *symbol);
 *   const char *qmeta_str(const char *s);
 *
 * DESCRIPTION
 *   A QMETA is what the store keeps next to the raw message (REF.meta): reference id,
 *   time stored, client, HELO, envelope sender and recipients (exactly as the MTA gave
 *   them), decoded Subject, size, verdict, score, action taken, every hit (symbol, weight,
 *   location, detail), ruleset id, MTA queue id; then what happened later: the verdict
 *   and score first given (rescan replaces verdict/score/hits/ruleset and sets
 *   `rescanned`), and releases (time, who, to whom, how many).
 *
 *   The text form is line-based so that a damaged file is still readable and greppable:
 *   a first line "fileless-quarantine 1", then one "key value" line per field ("rcpt"
 *   and "hit" repeat; a hit's four fields are separated by TAB). Values are escaped:
 *   backslash, TAB, CR, LF and other control bytes become \\ \t \r \n \xNN, everything
 *   else (UTF-8 included) is written as is, so a value never spans lines whatever the
 *   sender put in it. qmeta_parse accepts what qmeta_format writes, ignores unknown keys
 *   (later versions may add some) and fails (NULL, reason in err) on a wrong first line,
 *   a missing or malformed ref, or a bad number.
 *
 *   qmeta_json appends one JSON object (`fileless-ctl quarantine list --json`): strings
 *   through json_str, absent ones null. qmeta_str returns s or "" for NULL.
 *
 * LIMITS
 *   QMETA_MAX_RCPT recipients and QMETA_MAX_HITS hits are kept; more are dropped and
 *   counted in `rcpt_dropped` / `hits_dropped`.
 */
#ifndef FM_QMETA_H
#define FM_QMETA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define QMETA_MAX_RCPT 1000
#define QMETA_MAX_HITS 2000

typedef struct QHIT {
    char *symbol, *location, *detail;
    double weight;
} QHIT;

typedef struct QMETA {
    char ref[17];
    int64_t time; /* stored, unix seconds */
    char *client, *helo, *from, *subject, *qid, *ruleset, *verdict, *action;
    char **rcpt;
    size_t nrcpt, rcpt_dropped;
    int64_t size;
    double score;
    QHIT *hits;
    size_t nhits, hits_dropped;
    char *first_verdict; /* as first stored */
    double first_score;
    int64_t rescanned; /* 0: never */
    int64_t released;  /* 0: never; time of the last release */
    char *released_by, *released_to;
    unsigned releases;
} QMETA;

QMETA *qmeta_new(void);
QMETA *qmeta_free(QMETA *m);
void qmeta_add_rcpt(QMETA *m, const char *rcpt);
void qmeta_add_hit(QMETA *m, const char *symbol, double weight, const char *location,
                   const char *detail);
void qmeta_clear_hits(QMETA *m);
void qmeta_format(BUF *out, const QMETA *m);
QMETA *qmeta_parse(const char *p, size_t n, BUF *err);
void qmeta_json(BUF *out, const QMETA *m);
bool qmeta_has_symbol(const QMETA *m, const char *symbol);
const char *qmeta_str(const char *s);

#endif
