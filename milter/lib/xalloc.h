/*
 * lib/xalloc - memory allocation that never returns NULL
 *
 * SYNOPSIS
 *   void *xmalloc(size_t n);  void *xcalloc(size_t n, size_t size);
 *   void *xrealloc(void *p, size_t n);  char *xstrdup(const char *s);
 *   char *xstrndup(const char *s, size_t n);  void *xmemdup(const void *p, size_t n);
 *   char *xasprintf(const char *fmt, ...);
 *   void *try_malloc(size_t n);  void *try_realloc(void *p, size_t n);
 *
 * DESCRIPTION
 *   The x* allocators abort the process with a message on stderr when memory is
 *   exhausted, so callers never test for NULL. Sizes are checked for multiplication
 *   overflow (xcalloc, XGROW) and an overflow is treated like exhaustion.
 *
 *   try_malloc/try_realloc return NULL on failure. Use them where the size comes from
 *   the sender (decoded attachments): a huge part must become a policy decision, not
 *   a dead daemon.
 *
 *   XGROW(ptr, count, cap) makes room for one more element in a dynamic array.
 */
#ifndef FM_XALLOC_H
#define FM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *try_malloc(size_t n);
void *try_realloc(void *p, size_t n);
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);

/* XGROW - ensure room for element index `count` in array `ptr` of capacity `cap` */
#define XGROW(ptr, count, cap)                                                                     \
    do {                                                                                           \
        if ((count) >= (cap))                                                                      \
            (ptr) = xgrow((ptr), &(cap), (count) + 1, sizeof(*(ptr)));                             \
    } while (0)

#endif
