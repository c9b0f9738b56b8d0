/*
 * known - known-good content: a browser JavaScript library is not a dropper
 *
 * SYNOPSIS
 *   bool known_browser_js(const unsigned char *p, size_t n);
 *   void heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);
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
 *   ARCHIVE_SCRIPT ...) at the same place (policy/chain.h). Pure: no I/O.
 */
#ifndef FM_KNOWN_H
#define FM_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"

bool known_browser_js(const unsigned char *p, size_t n);
void heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);

#endif
