/*
 * mime/mime - walk a raw RFC 822 message with GMime into PART records, under limits
 *
 * SYNOPSIS
 *   void mime_init(void);
 *   void mime_walk(const char *raw, size_t len, const MIME_LIMITS *lim,
 *                  PARTS *parts, MIME_HEADERS *hdr, HITS *hits);
 *   void mime_headers_clear(MIME_HEADERS *hdr);
 *
 * DESCRIPTION
 *   The only file that includes gmime.h; no GMime object leaves it. mime_init calls
 *   g_mime_init once, before any thread starts. mime_walk is thread-safe (each call has
 *   its own parser, stream and objects).
 *
 *   mime_walk parses `raw` (the message as the MTA sent it: headers, blank line, body)
 *   and appends one PART per entity, recursively through multipart types and message/rfc822
 *   at any depth up to the limit, plus PARTs for content the structure hides: non-blank
 *   multipart prologue/epilogue, inline uuencoded (`begin 644 name`) and yEnc blocks in
 *   text parts, and message/rfc822 bodies sent with a base64 or quoted-printable
 *   transfer encoding (decoded and parsed again; GMime does not). Each PART gets its
 *   decoded bytes, SHA-256, detected type (filetype.c) and mismatch flag; text/plain and
 *   text/html parts also get their text converted to UTF-8. `hdr` receives the facts
 *   later stages need (From, To, Reply-To, Return-Path, Subject decoded, Message-ID,
 *   Date, Received count). Findings go to `hits`.
 *
 * LIMITS (all from the config table; each breach is a LIMIT_* hit at its location, and
 *   the walk goes on where it safely can)
 *   max_depth        entities nested deeper are not descended (LIMIT_MIME_DEPTH);
 *   max_parts        entities past this count are not recorded (LIMIT_PARTS); the parser
 *                    sees the message only up to its 2 * max_parts + 16th boundary
 *                    delimiter line (hdrguard_entities: GMime builds every entity first);
 *   max_part_bytes   decoding of one part stops there, the part is marked truncated
 *                    and hashed over what was decoded (LIMIT_PART_BYTES);
 *   max_total_bytes  decoded bytes of all parts together; later parts are listed but not
 *                    decoded (LIMIT_TOTAL_BYTES);
 *   max_header_bytes the header block of one entity (LIMIT_HEADER_BYTES);
 *   max_header_field one header field; longer ones are cut before parsing (hdrguard.c),
 *                    because GMime's cost grows with the square of a field's length
 *                    (LIMIT_HEADER_FIELD).
 *   GMime's own nesting limit (1024) and malformations are reported through its
 *   warning callback as MIME_* hits (MIME_MULTIPART_NO_BOUNDARY, MIME_TRUNCATED,
 *   MIME_CONFLICTING_HEADER, ...); base64 bodies holding non-alphabet bytes or cut mid
 *   quantum give MIME_BAD_BASE64.
 */
#ifndef FM_MIME_H
#define FM_MIME_H

#include <stddef.h>

#include "model/hit.h"
#include "model/part.h"

typedef struct MIME_LIMITS {
    size_t max_depth;
    size_t max_parts;
    size_t max_part_bytes;
    size_t max_total_bytes;
    size_t max_header_bytes;
    size_t max_header_field;
} MIME_LIMITS;

typedef struct MIME_HEADERS {
    char *from;
    char *to;
    char *reply_to;
    char *return_path;
    char *subject;
    char *message_id;
    char *date;
    unsigned received_count;
    size_t header_bytes; /* size of the top-level header block */
} MIME_HEADERS;

void mime_init(void);
void mime_walk(const char *raw, size_t len, const MIME_LIMITS *lim, PARTS *parts, MIME_HEADERS *hdr,
               HITS *hits);
void mime_headers_clear(MIME_HEADERS *hdr);

#endif
