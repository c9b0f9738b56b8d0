/*
 * hdrguard - cut over-long header fields before the MIME parser sees them
 *
 * SYNOPSIS
 *   char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);
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
 */
#ifndef FM_HDRGUARD_H
#define FM_HDRGUARD_H

#include <stddef.h>

char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);

#endif
