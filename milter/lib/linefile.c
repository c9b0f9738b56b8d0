/*
 * lib/linefile - read a line-oriented configuration file (contract in lib/linefile.h)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/linefile.h"
#include "lib/str.h"

/* skipped - a blank line or a whole-line comment: never shown to the parser */
static bool skipped(const char *line)
{
    const char *p = line + strspn(line, " \t");
    return *p == '#' || p[strspn(p, "\r\n")] == 0;
}

/* linefile_stream - see lib/linefile.h */
int linefile_stream(FILE *f, const char *path, unsigned flags, LINEFILE_FN fn, void *ctx, BUF *err)
{
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    int rc = 1;
    BUF *why = buf_new(64);
    errno = 0;
    while (rc == 1 && getline(&line, &cap, f) != -1) {
        lineno++;
        if (flags & LINEFILE_HASH_COMMENTS)
            line[strcspn(line, "#")] = 0;
        char *l = flags & LINEFILE_TRIM ? str_trim(line) : line;
        buf_reset(why);
        if (!skipped(l) && !fn(ctx, l, lineno, why)) {
            if (err)
                buf_printf(err, "%s:%u: %s", path, lineno, why->len ? why->data : "syntax error");
            rc = -1;
        }
        errno = 0;
    }
    buf_free(why);
    if (rc == 1 && ferror(f)) {
        if (err)
            buf_printf(err, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    return rc;
}

/* linefile_read - see lib/linefile.h */
int linefile_read(const char *path, unsigned flags, LINEFILE_FN fn, void *ctx, BUF *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if ((flags & LINEFILE_MISSING_EMPTY) && errno == ENOENT)
            return 0;
        if (err)
            buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = linefile_stream(f, path, flags, fn, ctx, err);
    fclose(f);
    return rc;
}
