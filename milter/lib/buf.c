/*
 * lib/buf - binary-safe growable byte buffer (see lib/buf.h)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"

/* buf_new - create an empty buffer with room for about `hint` bytes */
BUF *buf_new(size_t hint)
{
    BUF *b = xmalloc(sizeof(*b));
    b->cap = hint < 16 ? 16 : hint;
    b->data = xmalloc(b->cap);
    b->len = 0;
    b->data[0] = 0;
    return b;
}

/* buf_free - release a buffer; accepts NULL, returns NULL */
BUF *buf_free(BUF *b)
{
    if (b) {
        free(b->data);
        free(b);
    }
    return NULL;
}

/*
 * buf_room - compute the capacity needed for n more bytes plus the NUL, or 0 on
 * overflow. Doubling keeps appends amortized O(1).
 */
static size_t buf_room(const BUF *b, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        return 0;
    size_t need = b->len + n + 1;
    size_t cap = b->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    return cap;
}

/* buf_try_cat - append n bytes; false (buffer unchanged) when memory runs out */
bool buf_try_cat(BUF *b, const void *p, size_t n)
{
    size_t cap = buf_room(b, n);
    if (cap == 0)
        return false;
    if (cap != b->cap) {
        char *d = try_realloc(b->data, cap);
        if (d == NULL)
            return false;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return true;
}

/* buf_cat - append n bytes, aborting on exhaustion */
void buf_cat(BUF *b, const void *p, size_t n)
{
    if (!buf_try_cat(b, p, n)) {
        fprintf(stderr, "fileless-milter: fatal: out of memory growing a buffer\n");
        abort();
    }
}

/* buf_puts - append a C string */
void buf_puts(BUF *b, const char *s)
{
    buf_cat(b, s, strlen(s));
}

/* buf_putc - append one byte */
void buf_putc(BUF *b, int c)
{
    char ch = (char)c;
    buf_cat(b, &ch, 1);
}

/* buf_printf - append formatted text */
void buf_printf(BUF *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        buf_cat(b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_cat(b, big, (size_t)n);
    free(big);
}

/* buf_reset - empty the buffer, keeping its storage */
void buf_reset(BUF *b)
{
    b->len = 0;
    b->data[0] = 0;
}

/* buf_truncate - shorten the buffer to len bytes (no-op when already shorter) */
void buf_truncate(BUF *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = 0;
    }
}

/* buf_steal - give the bytes to the caller (NUL-terminated; free() them) */
char *buf_steal(BUF *b, size_t *len)
{
    char *p = b->data;
    if (len)
        *len = b->len;
    b->cap = 16;
    b->data = xmalloc(b->cap);
    b->len = 0;
    b->data[0] = 0;
    return p;
}
