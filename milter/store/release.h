/*
 * store/release - the release header: a quarantined message an admin let out carries proof of it
 *
 * SYNOPSIS
 *   int release_secret(const CONFIG *c, bool create, BUF *key, BUF *err);
 *   char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw,
 *                              size_t len, BUF *err);
 *   bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len,
 *                       int64_t now, char ref[17]);
 *   void release_body_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1]);
 *
 * DESCRIPTION
 *   fileless-ctl quarantine release puts "PREFIX-Release: REF; t=TIME; mac=HEX" in front
 *   of the stored message when it re-injects it. HEX is HMAC-SHA-256 under the release
 *   secret of "fileless-release-v1|REF|TIME|BODY" where BODY is release_body_hash of the
 *   message: SHA-256 (hex) of the body (the bytes after the first empty line), with CRLF
 *   read as LF and trailing line ends ignored, so the SMTP round trip (line ends,
 *   dot-stuffing, the final CRLF) does not change it. The milter (conn.c) checks the
 *   first such header with release_verify: a valid one means "released by an admin, do
 *   not quarantine again" (action.h). Binding the body means a header copied from a
 *   released message onto another message is worthless; TIME bounds its life to
 *   release_max_age_days (and at most an hour in the future, for clock skew).
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

int release_secret(const CONFIG *c, bool create, BUF *key, BUF *err);
char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw, size_t len,
                           BUF *err);
bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len, int64_t now,
                    char ref[17]);
void release_body_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1]);

#endif
