/*
 * ctl/qview - what the CLI and the web page show of quarantined items: filters, MIME tree,
 * header lines
 *
 * SYNOPSIS
 *   int qfilter_since(const char *s, int64_t now, int64_t *out);
 *   bool qfilter_match(const QFILTER *f, const QMETA *m);
 *   QVIEW *qview_new(const CONFIG *c, const char *raw, size_t len);   QVIEW *qview_free(QVIEW *v);
 *   char *qview_time(int64_t t, char buf[32]);
 *   const char *qview_who(void);
 *
 * DESCRIPTION
 *   QFILTER holds the list filters of `quarantine list` and of the review page; a NULL
 *   or empty field does not filter. since: stored at or after (unix seconds; 0 none);
 *   sender and rcpt: case-insensitive substrings of the envelope; symbol: some hit has
 *   exactly that symbol; verdict: the current verdict, or "released" / "unreleased";
 *   text: a case-insensitive substring of ref, sender, any recipient or the Subject (the
 *   search box). qfilter_since parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" (UTC) or a span
 *   back from now ("30m", "12h", "7d"); -1 when malformed.
 *
 *   qview_new walks the stored message with GMime (mime.c) under the config's MIME limits,
 *   without the scanning engines: the MIME tree (PARTS), the header facts, any MIME_* and
 *   LIMIT_* findings, and the top-level header block split into lines (`lines`, each
 *   without its line end; at most QVIEW_MAX_LINES). Strings are as in the message:
 *   escape them for the output (str_sanitize, html escaping).
 *
 *   qview_time formats t as "YYYY-MM-DD HH:MM:SS" UTC into buf. qview_who names the
 *   person running the CLI: $SUDO_USER when set, else the login name of the real uid.
 */
#ifndef FM_QVIEW_H
#define FM_QVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "model/hit.h"
#include "mime/mime.h"
#include "model/part.h"
#include "store/qmeta.h"

#define QVIEW_MAX_LINES 2000

typedef struct QFILTER {
    int64_t since;
    const char *sender, *rcpt, *symbol, *verdict, *text;
} QFILTER;

typedef struct QVIEW {
    PARTS *parts;
    MIME_HEADERS hdr;
    HITS *hits;
    char **lines;
    size_t nlines;
} QVIEW;

int qfilter_since(const char *s, int64_t now, int64_t *out);
bool qfilter_match(const QFILTER *f, const QMETA *m);
QVIEW *qview_new(const CONFIG *c, const char *raw, size_t len);
QVIEW *qview_free(QVIEW *v);
char *qview_time(int64_t t, char buf[32]);
const char *qview_who(void);

#endif
