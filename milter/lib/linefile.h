/*
 * lib/linefile - read a line-oriented configuration file: the one reading loop of the
 * lists, lolbas.conf, the IOC files, the policy file, scoring.conf and milter.conf
 *
 * SYNOPSIS
 *   typedef bool (*LINEFILE_FN)(void *ctx, char *line, unsigned lineno, BUF *why);
 *   int linefile_read(const char *path, unsigned flags, LINEFILE_FN fn, void *ctx, BUF *err);
 *   int linefile_stream(FILE *f, const char *path, unsigned flags, LINEFILE_FN fn, void *ctx,
 *                       BUF *err);
 *
 * DESCRIPTION
 *   linefile_read opens path and hands fn each line that is not blank (only spaces, tabs,
 *   CR, LF) and not a comment (the first byte after spaces and tabs is '#'), with its
 *   number (from 1) and its end of line still attached. With LINEFILE_HASH_COMMENTS a '#'
 *   anywhere ends the line first. With LINEFILE_TRIM fn gets the line without leading and
 *   trailing white space (isspace), and a line that is then empty or starts with '#' is
 *   skipped. fn may change the line in place; it returns false with the reason in why (an
 *   empty buffer for each line) to stop.
 *   With LINEFILE_MISSING_EMPTY a file that does not exist (ENOENT) reads as an empty one.
 *
 *   It returns 1 when the whole file was read, 0 for a missing file taken as empty and -1
 *   otherwise, with one message in err (when err is not NULL), no end of line:
 *   "PATH: cannot open: REASON", "PATH:LINE: WHY" or "PATH: cannot read: REASON" (an I/O
 *   error, or a directory where the file should be). Memory use is the longest line.
 *   linefile_stream does the same over a stream the caller opened and closes (path names
 *   it in messages); it returns 1 or -1.
 */
#ifndef FM_LIB_LINEFILE_H
#define FM_LIB_LINEFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/buf.h"

enum {
    LINEFILE_MISSING_EMPTY = 1 << 0, /* ENOENT: an empty file, not an error */
    LINEFILE_HASH_COMMENTS = 1 << 1, /* '#' starts a comment anywhere on a line */
    LINEFILE_TRIM = 1 << 2,          /* white space trimmed; "#..." after it skipped */
};

typedef bool (*LINEFILE_FN)(void *ctx, char *line, unsigned lineno, BUF *why);

int linefile_read(const char *path, unsigned flags, LINEFILE_FN fn, void *ctx, BUF *err);
int linefile_stream(FILE *f, const char *path, unsigned flags, LINEFILE_FN fn, void *ctx, BUF *err);

#endif
