/*
 * mta/spool - the raw bytes of a message as they arrive: memory first, then a private temp file
 *
 * SYNOPSIS
 *   SPOOL *spool_new(size_t mem_max, size_t keep_max);   SPOOL *spool_free(SPOOL *s);
 *   int spool_add(SPOOL *s, const void *p, size_t n);
 *   const char *spool_data(SPOOL *s, size_t *len);
 *
 * DESCRIPTION
 *   spool_add appends bytes. The first mem_max bytes live in memory; past that, all of
 *   them move to an anonymous temporary file (O_TMPFILE in $TMPDIR or /tmp, else
 *   mkstemp + unlink; mode 0600, never visible by name). At most keep_max bytes are
 *   stored (callers pass max_message_size + 1 so the analysis can say
 *   LIMIT_MESSAGE_SIZE); past it bytes are counted in `total` only and `oversize` is set.
 *   spool_add returns 0, or -1 when the temp file cannot be created or written (`failed`
 *   is set, errno kept; later adds are ignored).
 *
 *   spool_data returns the stored bytes (memory, or a read-only mapping of the file,
 *   valid until spool_free), or NULL when nothing could be mapped; an empty spool gives "".
 */
#ifndef FM_SPOOL_H
#define FM_SPOOL_H
#include <stdbool.h>
#include <stddef.h>
#include "lib/buf.h"
typedef struct SPOOL {
    BUF *mem;
    int fd;        /* -1 while in memory */
    size_t stored; /* bytes kept (memory or file) */
    size_t total;  /* bytes received */
    size_t mem_max, keep_max;
    bool oversize, failed;
    void *map; /* mapping made by spool_data */
} SPOOL;
SPOOL *spool_new(size_t mem_max, size_t keep_max);
SPOOL *spool_free(SPOOL *s);
int spool_add(SPOOL *s, const void *p, size_t n);
const char *spool_data(SPOOL *s, size_t *len);
#endif
