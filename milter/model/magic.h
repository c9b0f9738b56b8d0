/*
 * model/magic - binary formats by their magic bytes (used by model/filetype.c)
 *
 * SYNOPSIS
 *   const char *magic_sniff(const unsigned char *p, size_t n, const char **sub);
 *   bool magic_at(const unsigned char *p, size_t n, size_t off, const char *m, size_t len);
 *   unsigned magic_le16(const unsigned char *b);
 *
 * DESCRIPTION
 *   magic_sniff returns the static name token of the binary format of p[0..n) (the tokens
 *   of model/filetype.h: "zip", "ole2", "pe", "pdf", "iso" ...), or NULL when no magic
 *   matches; *sub is set to the sub-kind when there is one (zip: OOXML kind or "jar"; ole2:
 *   "doc", "xls", "msg", "encrypted-ooxml" ...) and left alone otherwise. Reads stay inside
 *   p[0..n); the work is linear in n with fixed caps.
 *   magic_at: p[off, off + len) lies inside the n bytes and equals m. magic_le16: the
 *   little-endian 16-bit value at b (the caller has checked the two bytes exist).
 */
#ifndef FM_MODEL_MAGIC_H
#define FM_MODEL_MAGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

const char *magic_sniff(const unsigned char *p, size_t n, const char **sub);

/* magic_at - p[off, off + len) lies inside the n bytes and equals m */
static inline bool magic_at(const unsigned char *p, size_t n, size_t off, const char *m, size_t len)
{
    return off <= n && len <= n - off && memcmp(p + off, m, len) == 0;
}

/* magic_le16 - little-endian 16-bit value; the caller has checked the 2 bytes exist */
static inline unsigned magic_le16(const unsigned char *b)
{
    return (unsigned)b[0] | (unsigned)b[1] << 8;
}

#endif
