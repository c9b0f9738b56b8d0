/*
 * heur/html - the code of an HTML page apart from its prose
 *
 * SYNOPSIS
 *   void heur_html(HEUR_CTX *c, const unsigned char *p, size_t n);
 *   size_t html_script(const char *p, size_t n, BUF *out, size_t max, bool *vbs);
 *
 * DESCRIPTION
 *   An HTML page is mostly prose the reader sees; a security newsletter or an incident
 *   report quotes command lines there, and that prose is a mention (policy/context.c: an
 *   .html/.htm attachment is read like a .txt). What the browser runs is elsewhere:
 *   <script> elements (no type, or a JavaScript/JScript/VBScript/module type; JSON and
 *   templates are data), event-handler attributes (onload="...", onclick=...), and
 *   javascript:/vbscript: URLs in attributes. html_script collects those, each on its own
 *   line, entities &quot; &#39; &amp; &lt; &gt; decoded in attribute values, at most max
 *   bytes; *vbs is set when a VBScript block was seen. heur_html hands the result to
 *   c->emit as the layer `decoded:script` (lang js, or hta when VBScript is mixed in),
 *   which every analyser and YARA see again and which is a delivery (code), while the
 *   page's own findings stay mentions. Linear in n. Pure: no I/O.
 */
#ifndef FM_HTML_H
#define FM_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"
#include "lib/buf.h"

void heur_html(HEUR_CTX *c, const unsigned char *p, size_t n);
size_t html_script(const char *p, size_t n, BUF *out, size_t max, bool *vbs);

#endif
