/*
 * lib/str - small string helpers: sanitizing untrusted text, case-insensitive tests, UTF-8
 *
 * SYNOPSIS
 *   size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp);
 *   void str_sanitize(BUF *out, const char *s, size_t n, size_t max);
 *   char *str_sanitize_dup(const char *s, size_t max);
 *   void json_str(BUF *out, const char *s, size_t n);   void json_strz(BUF *out, const char *s);
 *   void str_lower(char *s);  bool str_ieq(const char *a, const char *b);
 *   bool str_istarts(const char *s, const char *prefix);  bool str_iends(const char *s, const char
 * *suffix); const char *str_memmem_ci(const char *h, size_t hn, const char *needle); char
 * *str_trim(char *s);
 *
 * DESCRIPTION
 *   utf8_seq returns the length (1-4) of the well-formed UTF-8 sequence at s and its
 *   code point, or 0 when the bytes are not well-formed (overlongs, surrogates and
 *   values past U+10FFFF are rejected).
 *
 *   str_sanitize appends a printable rendering of untrusted text (filenames, subjects,
 *   rule metadata) to `out`: well-formed printable UTF-8 passes; control characters
 *   (CR and LF included), DEL, C1 controls, bidirectional overrides and isolates, and
 *   ill-formed bytes become \xNN or \u{NNNN} escapes; a backslash becomes "\\". At most
 *   `max` bytes are appended; a cut is marked with "...". The result never holds CR or LF,
 *   so it is safe in a log line or a header value.
 *
 *   json_str appends s as a quoted JSON string. Ill-formed UTF-8 bytes become U+FFFD so the
 *   output is always valid JSON; json_strz writes `null` for NULL.
 */
#ifndef FM_STR_H
#define FM_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp);
bool utf8_valid(const char *s, size_t n);
void str_sanitize(BUF *out, const char *s, size_t n, size_t max);
char *str_sanitize_dup(const char *s, size_t max);
void json_str(BUF *out, const char *s, size_t n);
void json_strz(BUF *out, const char *s);
void str_lower(char *s);
bool str_ieq(const char *a, const char *b);
bool str_istarts(const char *s, const char *prefix);
bool str_iends(const char *s, const char *suffix);
const char *str_memmem_ci(const char *h, size_t hn, const char *needle);
char *str_trim(char *s);

#endif
