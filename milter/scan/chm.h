/*
 * scan/chm - the members of a Microsoft Compiled HTML Help file (.chm), with their names
 *
 * SYNOPSIS
 *   int chm_extract(const unsigned char *data, size_t n, const CHM_LIMITS *lim,
 *                   chm_member_fn fn, void *ctx, size_t *left);
 *
 * DESCRIPTION
 *   The libmspack adapter: the only file that includes mspack.h. The file is read from
 *   memory through a custom mspack_system (no temporary files; libmspack's messages are
 *   dropped). libclamav 1.4 unpacks some CHM files for its signatures, but not those of
 *   every compiler (a chmcmd-built help file gives it no member at all), and its names
 *   keep the leading '/'. chm_extract hands each regular member to fn with its name
 *   without the leading '/' ("index.htm", "js/app.js"), in the order the members lie in
 *   their sections (so LZX is decompressed once, front to back). Internal files (names
 *   starting with '#' or '$', and the ::DataSpace system files) and empty entries are
 *   skipped. A file whose header GUIDs are written wrong (chmcmd) is read with the
 *   standard ones. A member longer than lim->max_member_bytes, or than what is left of
 *   lim->max_total_bytes, is delivered cut with truncated = 1.
 *
 *   Returns the number of members delivered, or -1 when libmspack cannot open the data
 *   as a CHM. *left (may be NULL) is the number of members not delivered because of
 *   lim->max_members or lim->max_total_bytes.
 *
 * LIMITS
 *   lim->max_members, lim->max_member_bytes, lim->max_total_bytes (the caller passes
 *   max_parts, max_part_bytes and max_total_bytes). libmspack decompresses a member only
 *   as far as we accept its bytes: a write past the limit stops it. Members are taken in
 *   offset order and the first compressed member placed beyond max_total_bytes in its
 *   section ends delivery (it and the rest count in *left): reaching it would mean
 *   decompressing that much, so LZX work stays within max_total_bytes plus one member.
 */
#ifndef FM_CHM_H
#define FM_CHM_H

#include <stddef.h>

typedef struct CHM_LIMITS {
    size_t max_members;
    size_t max_member_bytes;
    size_t max_total_bytes;
} CHM_LIMITS;

typedef void (*chm_member_fn)(void *ctx, const char *name, const unsigned char *data, size_t n,
                              int truncated);

int chm_extract(const unsigned char *data, size_t n, const CHM_LIMITS *lim, chm_member_fn fn,
                void *ctx, size_t *left);

#endif
