/*
 * heur/lolbas - command lines of signed Windows binaries, read with the meaning of their
 *               arguments (rules/lists/lolbas.conf)
 *
 * SYNOPSIS
 *   void heur_lolbas(HEUR_CTX *c, const unsigned char *p, size_t n);
 *   size_t lolbas_split(const char *s, size_t n, LOLBAS_ARGS *a);
 *   bool lolbas_match(const CMDRULE *r, const LOLBAS_ARGS *a);
 *
 * DESCRIPTION
 *   Living-off-the-land binaries (certutil, regsvr32, mshta, msiexec, wmic, bitsadmin ...)
 *   do what their arguments say: `certutil -urlcache -f URL` downloads, `regsvr32 /i:URL
 *   scrobj.dll` runs a remote scriptlet, `msbuild x.xml` compiles and runs inline tasks.
 *   heur_lolbas finds each invocation of a binary the table names in a script, command
 *   file or decoded layer (the name at a word start, an optional path before it and .exe
 *   after it), splits its arguments as cmd.exe does (white space outside "..." or '...',
 *   carets dropped, the command ends at a line end or an unquoted & | ; or `)`),
 *   and reports the symbol of every rule of that binary whose conditions all hold, once per
 *   buffer, with the command as evidence:
 *     LOLBIN_DOWNLOAD     @DOWNLOAD,EVASION  a tool that is not a downloader fetches a file;
 *     LOLBIN_REMOTE_EXEC  @DOWNLOAD,EXECUTE  the code it runs comes from a remote address;
 *     LOLBIN_PROXY_EXEC   @EXECUTE,EVASION   a signed binary runs code handed to it
 *                                            (inline script, a project, a DLL, a command);
 *     LOLBIN_DECODE       @DECODE,WRITE_FILE it decodes a file (certutil -decode);
 *     LOLBIN_ADS          @WRITE_FILE,EVASION it reads or writes an alternate data stream;
 *     LOLBIN_PERSIST      @PERSIST,EXECUTE   it registers a command that runs later.
 *   Lines that are comments (rem, ::, #, //, ') are skipped. Bounded: at most
 *   LOLBAS_MAX_CMDS invocations per buffer, LOLBAS_MAX_ARGS arguments of at most
 *   LOLBAS_ARG_MAX bytes each, LOLBAS_CMD_MAX bytes per command; linear in n otherwise.
 *   lolbas_split and lolbas_match are the two halves (tests, fuzzing). Pure: no I/O.
 */
#ifndef FM_LOLBAS_H
#define FM_LOLBAS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cmdtab.h"
#include "heur/heur.h"

#define LOLBAS_MAX_CMDS 256
#define LOLBAS_MAX_ARGS 32
#define LOLBAS_ARG_MAX  256
#define LOLBAS_CMD_MAX  2048

typedef struct LOLBAS_ARGS {
    char v[LOLBAS_MAX_ARGS][LOLBAS_ARG_MAX]; /* lower case, quotes and carets removed */
    size_t n;
} LOLBAS_ARGS;

void heur_lolbas(HEUR_CTX *c, const unsigned char *p, size_t n);
size_t lolbas_split(const char *s, size_t n, LOLBAS_ARGS *a);
bool lolbas_match(const CMDRULE *r, const LOLBAS_ARGS *a);

#endif
