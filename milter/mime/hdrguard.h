/*
 * mime/hdrguard - cut over-long header fields before the MIME parser sees them
 *
 * SYNOPSIS
 *   char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);
 *   size_t hdrguard_entities(const char *raw, size_t len, size_t max, size_t *count);
 *
 * DESCRIPTION
 *   GMime 3.2 grows its header buffer 64 bytes at a time, so one header field of n bytes
 *   (one huge line, or thousands of folded lines) costs O(n^2) copying: a 10 MB field is
 *   a denial of service. No legitimate field is anywhere near `cap` (max_header_field_bytes).
 *
 *   hdrguard_cap finds the header blocks of raw (the message header, and each block of
 *   `Name: value` lines that follows a line starting with "--", i.e. a part header after
 *   a boundary) and, when a field (its first line and its folded continuation lines) is
 *   longer than cap bytes, keeps its first cap bytes and drops the rest of the field. It
 *   returns NULL when no field is over the cap (the caller uses raw as it is), else a new
 *   copy (caller frees) with its length in *outlen and the number of fields cut in *cut.
 *   Pure; linear in len.
 *
 *   hdrguard_entities bounds the number of MIME entities the parser builds. GMime makes
 *   every entity of the message into objects before we walk them (about 2 KB and 20 us
 *   each), so 100,000 parts cost 2 s and 220 MB although the walk keeps only max_parts.
 *   It counts the boundary delimiter lines of raw ("--" + a boundary that some line
 *   declared with boundary=, closing ones too) and returns the offset of the line that
 *   would be delimiter number max + 1, or len when there are at most max; *count gets
 *   the number counted. The caller parses raw up to that offset. Pure; linear in len.
 */
#ifndef FM_HDRGUARD_H
#define FM_HDRGUARD_H

#include <stddef.h>

char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);
size_t hdrguard_entities(const char *raw, size_t len, size_t max, size_t *count);

#endif
