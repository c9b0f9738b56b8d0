/*
 * known - known-good content: a browser JavaScript library is not a dropper
 *
 * SYNOPSIS
 *   bool known_browser_js(const unsigned char *p, size_t n);
 *   bool heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);
 *
 * DESCRIPTION
 *   known_browser_js is true for JavaScript that talks to a browser (window, document,
 *   navigator, addEventListener, requestAnimationFrame, HTMLElement) and to nothing a
 *   script host offers: no ActiveXObject, WScript, CreateObject/GetObject, Shell.Application,
 *   FileSystemObject, ADODB, MSXML/WinHTTP objects, no command interpreter (cmd, powershell,
 *   mshta ...) and no Node.js process or file-system module. Such a file does nothing when
 *   double-clicked on Windows that a browser would not do. heur_known reports it as
 *   JS_BROWSER_LIBRARY at c->location (lang "js", a file or archive member, not a decoded
 *   layer); its `^known` group in scoring.conf clears the name facts (FILE_DANGEROUS_EXT,
 *   ARCHIVE_SCRIPT ...) at the same place (policy/chain.h). Where the buffer was emulated
 *   to its end (run != HEUR_RUN_NONE) the run decides instead of the host words: a run
 *   that used the script host is no library whatever its words; a run that used none is
 *   one when the code talks to a browser, even if host words appear (a library's
 *   ActiveXObject fallback for old Internet Explorer, "cmd.exe" in a comment).
 *
 *   A JavaScript buffer (any depth) whose SHA-256 is in rules/lists/known-libraries.txt
 *   (core/lists.h: `DIGEST name`, built from npm packages by tests/behaviour/known_libs.py)
 *   is reported as JS_KNOWN_LIBRARY with the library's name instead: the exact file a
 *   project publishes. Its `^known` group clears the name facts like JS_BROWSER_LIBRARY,
 *   and chain.c also drops the code findings at and below that place (a library that
 *   builds DOM nodes or calls eval is the library, not a dropper). heur_known returns
 *   known_browser_js of a depth-0 js buffer (false otherwise), for heur_wsh: the ~30 host
 *   words are scanned once per buffer. Pure: no I/O.
 */
#ifndef FM_KNOWN_H
#define FM_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"

/* what an emulated run of the buffer showed (emu/emulate.h) */
typedef enum HEUR_RUN {
    HEUR_RUN_NONE,  /* not emulated, or the run did not reach its end (limit, error, throw) */
    HEUR_RUN_INERT, /* ran to its end without a script-host object, shell, file or registry */
    HEUR_RUN_HOST   /* used the script host (WScript, ActiveX/COM objects, shell, files) */
} HEUR_RUN;

bool known_browser_js(const unsigned char *p, size_t n);
bool heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n, HEUR_RUN run);

#endif
