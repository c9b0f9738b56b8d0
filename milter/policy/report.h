/*
 * policy/report - the scan report of one message, as JSON (one line) or as text
 *
 * SYNOPSIS
 *   void report_json(BUF *out, const char *file, const MSG *m, const RULESET *rs);
 *   void report_text(BUF *out, const char *file, const MSG *m, const RULESET *rs);
 *
 * DESCRIPTION
 *   report_json appends one JSON object and a newline. The schema is stable and pinned
 *   by tests/golden (described in tests/golden/SCHEMA.md): top-level fields file, ref,
 *   verdict, score, size, scanned, ruleset, headers, parts, urls, hits, limits, cache,
 *   engine_calls, ms (each part has `cache`: hit, miss or off).
 *   Later versions add fields, never rename or remove these. Strings that came from the
 *   message are emitted as JSON strings (ill-formed UTF-8 replaced by U+FFFD).
 *
 *   report_text appends a readable report; every string that came from the message goes
 *   through str_sanitize, so control characters, CR/LF and bidi overrides are escaped.
 */
#ifndef FM_REPORT_H
#define FM_REPORT_H

#include "lib/buf.h"
#include "msg.h"
#include "core/ruleset.h"

void report_json(BUF *out, const char *file, const MSG *m, const RULESET *rs);
void report_text(BUF *out, const char *file, const MSG *m, const RULESET *rs);

#endif
