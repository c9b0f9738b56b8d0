/*
 * store/release - the release header: a quarantined message an admin let out carries proof of it
 *
 * SYNOPSIS
 *   int release_secret(const CONFIG *c, bool create, BUF *key, BUF *err);
 *   char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw,
 *                              size_t len, char *const *rcpt, size_t nrcpt, BUF *err);
 *   bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len,
 *                       char *const *rcpt, size_t nrcpt, int64_t now, char ref[17]);
 *   int release_claim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt,
 *                     BUF *err);
 *   void release_body_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1]);
 *   void release_unclaim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt);
 *
 * DESCRIPTION
 *   fileless-ctl quarantine release puts "PREFIX-Release: REF; t=TIME; r=HASHES; mac=HEX"
 *   in front of the stored message when it re-injects it. HASHES are the recipients the
 *   release goes to, each as 16 hex digits of HMAC-SHA-256 under the release secret of
 *   "fileless-release-rcpt|REF|TIME|address" (angle brackets dropped, lower-cased; keyed,
 *   so the header shows no address), sorted, comma-separated, with a folding line break
 *   (CRLF TAB) after every RELEASE_FOLD-th comma so that no header line gets long: a
 *   release goes to at most RELEASE_MAX_RCPT recipients (QMETA_MAX_RCPT, all a stored
 *   item can have; more are refused with the reason, nothing is sent), and its value
 *   takes at most RELEASE_VALUE_MAX bytes (what the milter keeps of it). Line breaks, and
 *   blanks after a line break or a comma, are not part of the value (the MTA may hand it
 *   over folded or unfolded). HEX is HMAC-SHA-256 of
 *   "fileless-release-v2|REF|TIME|HASHES|HEADERS|BODY": HEADERS is the SHA-256 (hex) of
 *   the fields Subject, From, To, Cc, Message-ID and Content-Type (its boundary
 *   included), in message order, names lower-cased, values with line breaks removed and
 *   blanks collapsed; BODY is release_body_hash of the message: SHA-256 (hex) of the body
 *   (the bytes after the first empty line), with CRLF read as LF and trailing line ends
 *   ignored, so the SMTP round trip (line ends, dot-stuffing, the final CRLF) does not
 *   change it. The milter (conn.c) checks the first such header with release_verify
 *   against the transaction's envelope recipients: a valid one means "released by an
 *   admin, do not quarantine again" (action.h), and then release_claim must succeed.
 *   Another Subject, From, recipient list, boundary or body, a header copied onto
 *   another message, or a recipient the release did not go to: not valid. TIME bounds
 *   its life to release_max_age_days (and at most an hour in the future, for clock skew).
 *
 *   release_claim makes a released ref good once per recipient: it records each (REF,
 *   recipient) pair as an empty file QUARANTINE_DIR/released/REF.HASH (created
 *   exclusively) and fails, with the reason, when one of them was recorded before
 *   (nothing new is recorded then), when there is no quarantine_dir or the file cannot
 *   be made (fail closed: the message is judged as if it had no release header).
 *   release_unclaim removes those marks again (a missing one is no error): the milter
 *   calls it when the message was tempfailed after all, so that the MTA's retry can
 *   still use the release.
 *
 *   release_secret puts the key in `key`: release_secret when set, else the contents of
 *   release_secret_file (trailing white space removed), else QUARANTINE_DIR/release.key;
 *   with `create` that file is made (64 random hex digits, 0600, atomically) when it is
 *   missing. A key shorter than 16 bytes is refused. Returns 0, or -1 with the reason.
 *   release_header_value returns the header value (caller frees), or NULL with the reason.
 *   release_verify returns true, with the ref, only for a well-formed, fresh value whose
 *   MAC matches (compared in constant time); any problem (no key configured included)
 *   gives false.
 */
#ifndef FM_RELEASE_H
#define FM_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "core/config.h"
#include "core/digest.h"
#include "store/qmeta.h"

#define RELEASE_MAX_RCPT QMETA_MAX_RCPT
#define RELEASE_FOLD     4 /* recipient hashes per header line */
/* "REF; t=TIME; r=" + a hash, its comma and a fold per recipient + "; mac=" HEX */
#define RELEASE_VALUE_MAX (256 + RELEASE_MAX_RCPT * 20)

int release_secret(const CONFIG *c, bool create, BUF *key, BUF *err);
char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw, size_t len,
                           char *const *rcpt, size_t nrcpt, BUF *err);
bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len,
                    char *const *rcpt, size_t nrcpt, int64_t now, char ref[17]);
int release_claim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt, BUF *err);
void release_body_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1]);
void release_unclaim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt);

#endif
