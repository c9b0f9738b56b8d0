/*
 * lib/xalloc - memory allocation that never returns NULL (see lib/xalloc.h)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* xalloc_die - report exhaustion and abort; there is no sane way to go on */
static void xalloc_die(size_t n)
{
    fprintf(stderr, "fileless-milter: fatal: out of memory allocating %zu bytes\n", n);
    abort();
}

/* xmalloc - allocate n bytes (n may be 0) */
void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        xalloc_die(n);
    return p;
}

/* xcalloc - allocate zeroed n*size bytes, checking the product for overflow */
void *xcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        xalloc_die(SIZE_MAX);
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        xalloc_die(n * size);
    return p;
}

/* xrealloc - resize p to n bytes */
void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        xalloc_die(n);
    return q;
}

/* xstrdup - copy a NUL-terminated string */
char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

/* xstrndup - copy at most n bytes of s and terminate the copy */
char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

/* xmemdup - copy n bytes */
void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);
    if (n)
        memcpy(q, p, n);
    return q;
}

/* xasprintf - format into a new string */
char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        xalloc_die(0);
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* try_malloc - allocate n bytes or return NULL; for sender-sized buffers */
void *try_malloc(size_t n)
{
    return malloc(n ? n : 1);
}

/* try_realloc - resize or return NULL, leaving p untouched */
void *try_realloc(void *p, size_t n)
{
    return realloc(p, n ? n : 1);
}

/* xgrow - grow an array of elem-sized items so that it holds at least need items */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            xalloc_die(SIZE_MAX);
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        xalloc_die(SIZE_MAX);
    p = xrealloc(p, c * elem);
    *cap = c;
    return p;
}
