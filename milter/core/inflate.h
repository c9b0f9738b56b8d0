/*
 * inflate - zlib adapter: decompress a gzip, zlib or raw deflate stream into a bounded
 *           buffer (the only includer of zlib.h)
 *
 * SYNOPSIS
 *   int zinflate(const unsigned char *p, size_t n, BUF *out, size_t max);
 *
 * DESCRIPTION
 *   The format is told by the first bytes: 1F 8B is gzip, a valid zlib header (CMF/FLG
 *   with CM 8 and the check bits) is zlib, anything else is tried as raw deflate (what
 *   .NET's DeflateStream reads). At most max bytes are appended to out, so a
 *   decompression bomb costs max bytes and the time to produce them, never more.
 *   Returns ZINFLATE_OK when the stream ended, ZINFLATE_CUT when output stopped at max
 *   or the input ended early (what was produced is kept: a truncated stream still
 *   yields its beginning), ZINFLATE_BAD when nothing could be decompressed.
 */
#ifndef FM_INFLATE_H
#define FM_INFLATE_H

#include <stddef.h>

#include "lib/buf.h"

enum { ZINFLATE_OK = 0, ZINFLATE_CUT = 1, ZINFLATE_BAD = -1 };

int zinflate(const unsigned char *p, size_t n, BUF *out, size_t max);

#endif
