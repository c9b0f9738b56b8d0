/*
 * core/cmdtab - the table of signed Windows binaries and what their arguments make them do
 *               (rules/lists/lolbas.conf), read by heur/lolbas.c
 *
 * SYNOPSIS
 *   CMDTAB *cmdtab_load(const char *path, BUF *err);   CMDTAB *cmdtab_free(CMDTAB *t);
 *   const CMDRULE *cmdtab_rules(const CMDTAB *t, const char *binary, size_t n, size_t *count);
 *
 * DESCRIPTION
 *   One rule per line: `BINARY  SYMBOL  CONDITION...`, `#` comments, blank lines ignored.
 *     BINARY     the program's base name without .exe, lower case (certutil, regsvr32);
 *     SYMBOL     one of the LOLBIN_* symbols heur/lolbas.c reports (cmdtab_symbols lists
 *                them; their weights and capabilities are in rules/scoring.conf);
 *     CONDITION  all must hold for the rule to fire; `a|b` holds when either does; a
 *                leading `!` negates. Forms (case-insensitive):
 *                  -name    a switch written -name or /name (a value after ':' or '=' is
 *                           allowed: /i:URL); -name* any switch starting so;
 *                  url      an argument or switch value is a remote address (http, https,
 *                           ftp, a UNC \\host\share or //host/share path);
 *                  url~text a remote argument that contains text (url~.dll);
 *                  script   an argument starts javascript: / vbscript: (inline script);
 *                  ads      an argument names an NTFS alternate data stream (file:stream);
 *                  .ext     an argument (or switch value) ends in .ext (.dll, .inf, .xml);
 *                  ~text    an argument contains text (scrobj.dll, runhtmlapplication);
 *                  =word    an argument equals word (process, call, create);
 *                  any      always.
 *   A rule fires once per command line; the same binary may have several rules (a download
 *   and a decode rule for certutil). A missing file is an empty table; a bad line is an
 *   error naming FILE:LINE. Read-only after load: safe from any thread.
 */
#ifndef FM_CMDTAB_H
#define FM_CMDTAB_H

#include <stddef.h>

#include "lib/buf.h"

#define CMDTAB_MAX_CONDS 8

typedef struct CMDRULE {
    char *binary;
    const char *symbol;           /* one of cmdtab_symbols */
    char *cond[CMDTAB_MAX_CONDS]; /* lower case, as written */
    size_t ncond;
    unsigned line;
} CMDRULE;

typedef struct CMDTAB CMDTAB;

extern const char *const cmdtab_symbols[]; /* NULL-terminated */

CMDTAB *cmdtab_load(const char *path, BUF *err);
CMDTAB *cmdtab_free(CMDTAB *t);
const CMDRULE *cmdtab_rules(const CMDTAB *t, const char *binary, size_t n, size_t *count);

#endif
