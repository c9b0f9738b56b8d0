/*
 * extract - the JavaScript an attachment would run: the file itself, or the JScript /
 *           JavaScript blocks of an HTML, SVG, HTA, WSF or SCT file
 *
 * SYNOPSIS
 *   int emu_extract(const char *type, const char *p, size_t n, BUF *out);
 *   int emu_extract_code(const char *type, const char *p, size_t n, BUF *out, BUF *code);
 *
 * DESCRIPTION
 *   type is the language token or type name (js, hta, wsf, sct, html, svg, xml). For js the
 *   source is the bytes as they are. For markup, every <script> element whose language or
 *   type attribute is absent or names JScript/JavaScript/ECMAScript is taken (VBScript and
 *   data blocks are not: they stay with the static analysers); a CDATA wrapper is
 *   removed, and in XML files (svg, wsf, sct) the five predefined entities are decoded.
 *   The blocks are written as one program that runs each block on its own, as a browser
 *   or the script host does: `__blocks(["...", "..."])` (a block that does not compile
 *   does not stop the others; the host records it as BlockSyntax).
 *   An XML file that names the msxsl URN (urn:schemas-microsoft-com:xslt) is a stylesheet
 *   (wmic /format, msxsl.exe, squiblytwo): every element <P:script implements-prefix="U"
 *   language="JScript"> (any prefix P; no language is JScript, as in MSXML) is a block,
 *   and after the blocks one more block per function the stylesheet calls as U:name(
 *   (in select/test expressions) calls it, as the transform would: at most
 *   EMU_XSL_CALLS calls, EMU_XSL_PREFIXES implemented prefixes. VBScript and C# blocks
 *   are not run (heur/lang.c makes them layers for the static analysers).
 *   Returns the EVLOG_KIND_* to run it as (WSH for js, wsf, sct and xsl; HTA; browser for
 *   html and svg), or -1 when there is nothing to run (other types, no script block).
 *   emu_extract_code does the same and also appends to `code` (when not NULL) the bytes of
 *   each block as they stand in the file (no CDATA wrapper, entities not decoded), each
 *   followed by a NUL: the script whatever holds it (a .js file and a page holding the same
 *   script as its one block give the same code).
 *
 * LIMITS
 *   EMU_MAX_BLOCKS blocks; out grows to at most about 6 times n (escaping).
 */
#ifndef FM_EMU_EXTRACT_H
#define FM_EMU_EXTRACT_H

#include <stddef.h>

#include "lib/buf.h"

#define EMU_MAX_BLOCKS   64
#define EMU_XSL_CALLS    32
#define EMU_XSL_PREFIXES 8

int emu_extract(const char *type, const char *p, size_t n, BUF *out);
int emu_extract_code(const char *type, const char *p, size_t n, BUF *out, BUF *code);

#endif
