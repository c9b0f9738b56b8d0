/*
 * inflate - zlib adapter (see inflate.h)
 *
 * One inflate() loop over the whole input with a fixed output chunk; each chunk is
 * appended with the room left under max, and the loop stops when max is reached, the
 * stream ends, or zlib reports an error. zlib's avail_in is an unsigned int, so inputs
 * larger than UINT_MAX are fed in slices.
 */
#include <limits.h>
#include <string.h>
#include <zlib.h>

#include "core/inflate.h"

#define CHUNK 16384 /* output bytes per inflate() call */

/* window_bits - gzip, zlib or raw deflate, from the first bytes */
static int window_bits(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B)
        return 16 + MAX_WBITS;
    if (n >= 2 && (p[0] & 0x0F) == 8 && (p[0] >> 4) <= 7 && ((p[0] << 8) | p[1]) % 31 == 0)
        return MAX_WBITS;
    return -MAX_WBITS;
}

/* zinflate - decompress p[0..n) into out, at most max bytes (see inflate.h) */
int zinflate(const unsigned char *p, size_t n, BUF *out, size_t max)
{
    z_stream z;
    unsigned char chunk[CHUNK];
    size_t before = out->len;
    size_t fed = 0;
    int rc = Z_OK;
    if (p == NULL || n == 0 || max == 0)
        return ZINFLATE_BAD;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, window_bits(p, n)) != Z_OK)
        return ZINFLATE_BAD;
    while (rc == Z_OK && out->len - before < max) {
        if (z.avail_in == 0 && fed < n) {
            size_t slice = n - fed < UINT_MAX ? n - fed : UINT_MAX;
            z.next_in = (unsigned char *)p + fed;
            z.avail_in = (unsigned)slice;
            fed += slice;
        }
        z.next_out = chunk;
        z.avail_out = CHUNK;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t got = CHUNK - z.avail_out;
        size_t room = max - (out->len - before);
        if (got > 0 && !buf_try_cat(out, chunk, got < room ? got : room))
            break;
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && fed >= n)
            break; /* the input ended before the stream did */
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    inflateEnd(&z);
    if (out->len == before)
        return ZINFLATE_BAD;
    return rc == Z_STREAM_END ? ZINFLATE_OK : ZINFLATE_CUT;
}
