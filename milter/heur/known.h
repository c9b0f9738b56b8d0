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
 *   ARCHIVE_SCRIPT ...) at the same place (policy/chain.h).
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

bool known_browser_js(const unsigned char *p, size_t n);
bool heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);

#endif
