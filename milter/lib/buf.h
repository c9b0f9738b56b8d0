/*
 * lib/buf - binary-safe growable byte buffer
 *
 * SYNOPSIS
 *   BUF *buf_new(size_t hint);             BUF *buf_free(BUF *b);
 *   void buf_cat(BUF *b, const void *p, size_t n);   void buf_puts(BUF *b, const char *s);
 *   void buf_putc(BUF *b, int c);          void buf_printf(BUF *b, const char *fmt, ...);
 *   bool buf_try_cat(BUF *b, const void *p, size_t n);
 *   void buf_reset(BUF *b);                char *buf_steal(BUF *b, size_t *len);
 *
 * DESCRIPTION
 *   A BUF holds `len` bytes at `data` and always keeps a NUL byte after them, so text
 *   can be passed to C string functions (binary data may contain NULs of its own).
 *   buf_cat and friends abort on exhaustion like xmalloc. buf_try_cat returns false
 *   and leaves the buffer unchanged when memory runs out: use it for sender-sized data.
 *   buf_free accepts NULL and returns NULL. buf_steal hands the storage to the caller
 *   (free() it) and leaves the BUF empty and reusable.
 */
#ifndef FM_BUF_H
#define FM_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct BUF {
    char *data;
    size_t len;
    size_t cap;
} BUF;

BUF *buf_new(size_t hint);
BUF *buf_free(BUF *b);
void buf_cat(BUF *b, const void *p, size_t n);
bool buf_try_cat(BUF *b, const void *p, size_t n);
void buf_puts(BUF *b, const char *s);
void buf_putc(BUF *b, int c);
void buf_printf(BUF *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(BUF *b);
void buf_truncate(BUF *b, size_t len);
char *buf_steal(BUF *b, size_t *len);

#endif
