/*
 * testutil - small helpers several unit tests share (header-only: each test is one file)
 *
 *   unsigned char *slurp(const char *path, size_t *len)  a whole file, NUL-terminated;
 *                                                        NULL when it is absent
 *   char *b64(const void *p, size_t n)                   base64 without line breaks
 *   char *b64_utf16(const char *s)                       base64 of the UTF-16LE form of
 *                                                        ASCII text (-EncodedCommand)
 *   const char *write_tmp(const char *content)           a new temp file holding content;
 *                                                        its path (static buffer; the
 *                                                        caller unlinks it); needs cmocka.h
 * Results are the caller's to free (not write_tmp's).
 */
#ifndef FM_TESTUTIL_H
#define FM_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

/* slurp - a whole file, NUL-terminated; NULL when it is absent */
static inline unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    BUF *b = buf_new(4096);
    char piece[4096];
    size_t k;
    while ((k = fread(piece, 1, sizeof(piece), f)) > 0)
        buf_cat(b, piece, k);
    fclose(f);
    char *data = buf_steal(b, len);
    buf_free(b);
    return (unsigned char *)data;
}

/* b64 - base64 of p[0..n) (no line breaks), a new string */
static inline char *b64(const void *p, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *u = p;
    char *s = xmalloc(4 * ((n + 2) / 3) + 1), *o = s;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) |
                     (i + 2 < n ? u[i + 2] : 0);
        *o++ = A[v >> 18 & 63];
        *o++ = A[v >> 12 & 63];
        *o++ = i + 1 < n ? A[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? A[v & 63] : '=';
    }
    *o = 0;
    return s;
}

/* b64_utf16 - base64 of the UTF-16LE form of ASCII text s (PowerShell's -EncodedCommand) */
static inline char *b64_utf16(const char *s)
{
    size_t n = strlen(s);
    unsigned char *u = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        u[2 * i] = (unsigned char)s[i], u[2 * i + 1] = 0;
    char *r = b64(u, 2 * n);
    free(u);
    return r;
}

#ifdef assert_true
/* write_tmp - a temp file with this content; its path (static buffer, valid until the next call) */
static inline const char *write_tmp(const char *content)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/fm-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}
#endif

#endif
