/*
 * model/part - one entity of a message as the walk found it (the PART record)
 *
 * SYNOPSIS
 *   PARTS *parts_new(void);   PARTS *parts_free(PARTS *p);
 *   PART *parts_add(PARTS *p, const char *path);
 *
 * DESCRIPTION
 *   mime.c fills one PART per MIME entity (multipart containers and message/rfc822
 *   wrappers included, so the report shows the tree) and one per piece of content the
 *   MIME structure hides: multipart prologue/epilogue text, inline uuencoded and yEnc
 *   blocks inside text parts, base64-encoded message/rfc822 bodies.
 *
 *   Paths follow IMAP numbering: the children of the top-level multipart are 1, 2, 3;
 *   a single-part message's body is 1; the body of a message/rfc822 part at 2 is 2.1
 *   (its children 2.1, 2.2 when it is multipart). A multipart root is 0. Hidden content
 *   gets a suffix on its container's path: `0~prologue`, `1.2~epilogue`, `1~uu1`,
 *   `1~yenc1`, and a MIME entity found inside text is walked below `1~mime1` (its body
 *   is `1~mime1.1`). Reports name places as `<path>` or `<path>/<filename>`.
 *
 *   All strings are owned by the PART and are UTF-8 (filenames are decoded from RFC 2231
 *   and RFC 2047 forms, invalid bytes kept as they were: sanitize before printing).
 *   `data` holds the decoded bytes (NULL for containers and for parts skipped by a
 *   limit); `text` holds the charset-converted UTF-8 text of text/plain and text/html
 *   parts (NULL otherwise).
 */
#ifndef FM_PART_H
#define FM_PART_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "model/filetype.h"

enum part_kind { PART_LEAF, PART_MULTIPART, PART_MESSAGE };

enum part_origin { PART_MIME, PART_PROLOGUE, PART_EPILOGUE, PART_UUENCODE, PART_YENC };

typedef struct PART {
    char *path;
    enum part_kind kind;
    enum part_origin origin;
    int depth;
    char *content_type; /* declared, lower case "type/subtype" */
    char *disposition;  /* lower case, or NULL */
    char *filename;     /* UTF-8, or NULL */
    char *charset;      /* lower case, or NULL */
    char *encoding;     /* transfer encoding, lower case, or NULL */
    BUF *data;          /* decoded bytes, or NULL */
    size_t size;        /* decoded size (bytes held in data) */
    bool truncated;     /* decoding stopped at a limit */
    char sha256[65];    /* of data; empty string when data is NULL */
    FILETYPE ft;        /* detected type */
    bool type_mismatch;
    char *text; /* UTF-8 text of text/plain and text/html parts, or NULL */
    size_t text_len;
} PART;

typedef struct PARTS {
    PART **v;
    size_t n, cap;
} PARTS;

PARTS *parts_new(void);
PARTS *parts_free(PARTS *p);
PART *parts_add(PARTS *p, const char *path);
const char *part_kind_name(enum part_kind k);
const char *part_origin_name(enum part_origin o);

#endif
