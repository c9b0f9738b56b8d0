/*
 * scan/yara - the YARA adapter: compile rule directories, scan buffers with context
 *
 * SYNOPSIS
 *   void yara_init(void);
 *   YARA *yara_load(const char *const *dirs, size_t ndirs, BUF *err);
 *   YARA *yara_free(YARA *y);
 *   int yara_scan(YARA *y, const unsigned char *data, size_t n, const YARA_VARS *vars,
 *                 yara_match_fn fn, void *ctx, BUF *err);
 *   void yara_set_timeout(YARA *y, int seconds);
 *   unsigned yara_rules(const YARA *y);  double yara_load_ms(const YARA *y);
 *
 * DESCRIPTION
 *   The only file that includes yara.h; no YARA handle leaves it. yara_init calls
 *   yr_initialize once, before threads start.
 *
 *   yara_load compiles every `*.yar` and `*.yara` file of each directory (sorted by name;
 *   missing directories are an error, empty ones are fine) into one rule set, one
 *   namespace per file (the file name without extension), with the external variables
 *   filename, extension, filetype, location, filepath, owner (strings) and layer_depth
 *   (integer) declared. The first directory holds the shipped rules and is strict: on any
 *   compile error in it yara_load returns NULL and err holds every error as
 *   `FILE:LINE: message` (one per line). The other directories (yara_extra_dirs: public
 *   rule sets) are searched recursively (subdirectories give namespaces such as
 *   `apt/apt_x`), `*.rule` files count too, and a file of theirs that does not compile (an
 *   undefined external variable, a module libyara lacks) is skipped with a warning naming
 *   it, the rest loading without it; an extra directory without rule files is a warning.
 *   Compiler warnings are logged, not fatal.
 *
 *   yara_scan matches the rules against one buffer with the variables set for it
 *   (NULL strings become "") and calls fn once per matching rule with its namespace,
 *   name, score (the integer or string `score` meta when present, else has_score = 0) and
 *   a description (the `description` meta, or NULL). Meta strings come from rule files
 *   an admin may have downloaded: callers sanitize before showing them. Scanners are
 *   pooled inside the YARA object (one per concurrent caller), so yara_scan is
 *   thread-safe; a YARA must outlive every scan on it. Returns 0, or -1 with the reason
 *   in err (timeout; too many matches).
 *
 *   yara_set_timeout sets the whole seconds one yara_scan may take (the yara_timeout
 *   setting; YARA_TIMEOUT_DEFAULT_S until set). Call it before the YARA is shared with
 *   scanning threads (it is not synchronized); later scans use it. A scan
 *   past it fails with "timeout after N s (yara_timeout)".
 */
#ifndef FM_SCAN_YARA_H
#define FM_SCAN_YARA_H

#include <stddef.h>

#include "lib/buf.h"

#define YARA_TIMEOUT_DEFAULT_S 10 /* yara_timeout's default in core/config.c */

typedef struct YARA YARA;

typedef struct YARA_VARS {
    const char *filename;
    const char *extension;
    const char *filetype;
    const char *location;
    int layer_depth;
} YARA_VARS;

typedef void (*yara_match_fn)(void *ctx, const char *ns, const char *rule, int has_score,
                              double score, const char *description);

void yara_init(void);
YARA *yara_load(const char *const *dirs, size_t ndirs, BUF *err);
YARA *yara_free(YARA *y);
int yara_scan(YARA *y, const unsigned char *data, size_t n, const YARA_VARS *vars, yara_match_fn fn,
              void *ctx, BUF *err);
void yara_set_timeout(YARA *y, int seconds);
unsigned yara_rules(const YARA *y);
double yara_load_ms(const YARA *y);

#endif
