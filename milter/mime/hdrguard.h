/*
 * mime/hdrguard - cut over-long header fields before the MIME parser sees them
 *
 * SYNOPSIS
 *   char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);
 *   size_t hdrguard_entities(const char *raw, size_t len, size_t max, size_t *count);
#define HDRGUARD_MIME_KEEP 16
char *hdrguard_lines(const char *raw, size_t len, size_t per_block, size_t *budget,
                     size_t *outlen, size_t *dropped, size_t *nuls);
 *   char *hdrguard_lines(const char *raw, size_t len, size_t per_block, size_t *budget,
 *                        size_t *outlen, size_t *dropped);
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
 *
 *   hdrguard_lines bounds the header fields GMime builds (about 650 bytes each: two
 *   million "X:A" lines cost over a gigabyte). A header block is the start of raw, the
 *   lines after an opening delimiter of a declared boundary, and the body of a block
 *   whose Content-Type is message/...; it runs to the first empty line, and every line in
 *   it that does not start with white space opens a field (GMime reads them all as
 *   header lines, colon or not). Fields past per_block in one block, or past *budget in
 *   all (*budget is decremented by the fields kept, so one budget can span the
 *   re-parses of one message), are dropped with their folded lines, except the first
 *   HDRGUARD_MIME_KEEP Content-Type/-Disposition/-Transfer-Encoding/MIME-Version fields
 *   of the block (a flood in front of them must not hide an attachment). In the fields
 *   kept, an encoded NUL ("%00" in an RFC 2231 value, "=00" in a Q encoded word), which
 *   the parser would turn into the end of the name (evil%00.js read as "evil"), becomes
 *   U+2400 SYMBOL FOR NULL encoded the same way: what follows stays, *nuls counts them.
 *   Returns NULL when nothing is dropped or replaced (the caller parses raw as it is),
 *   else a new copy (caller frees) with its length in *outlen and the number of fields
 *   dropped in *dropped. Pure; linear in len.
 *
 *   hdrguard_cap keeps the last TAIL_KEEP (256) bytes of a cut field in place of as many
 *   bytes before the cut (for a folded field: its last folded line's end), so a long
 *   file name keeps its extension and closing quote.
 */
#ifndef FM_HDRGUARD_H
#define FM_HDRGUARD_H

#include <stddef.h>

char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut);
size_t hdrguard_entities(const char *raw, size_t len, size_t max, size_t *count);
#define HDRGUARD_MIME_KEEP 16
char *hdrguard_lines(const char *raw, size_t len, size_t per_block, size_t *budget, size_t *outlen,
                     size_t *dropped, size_t *nuls);

#endif
