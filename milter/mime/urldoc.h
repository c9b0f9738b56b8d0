/*
 * mime/urldoc - links in documents: PDF /URI actions and SVG (href, script navigation)
 *
 * SYNOPSIS
 *   void url_extract_pdf(URLSET *set, const unsigned char *p, size_t n, const char *where);
 *   void url_extract_svg(URLSET *set, const char *p, size_t n, const char *where);
 *
 * DESCRIPTION
 *   url_extract_pdf reads the strings after every `/URI` key (a link annotation's action:
 *   `<< /S /URI /URI (http://...) >>`), literal `( )` strings with their escapes (\n, \ddd
 *   octal, \( \) \\, line continuations, nested parentheses) and hex `< >` strings, in the
 *   file itself and in its FlateDecode streams (object streams hide annotations in
 *   compressed form), and adds each as a URL at "<where> pdf-uri". Bounded: URL_MAX_LEN
 *   per string, URLDOC_MAX_STREAMS streams, URLDOC_MAX_INFLATE bytes inflated in total
 *   (core/inflate.h); streams are inflated one level (no stream inside a stream).
 *
 *   url_extract_svg takes href / xlink:href like HTML (mime/url.h, url_extract_html) and
 *   the targets of script navigation: `location = '...'`, `location.href = "..."`,
 *   `window.location(.href) = ...`, `location.assign(...)`, `location.replace(...)`,
 *   `window.open(...)` with a string literal, at "<where> svg-script" (a
 *   scheme-relative `//host/...` gets https:). Linear in n.
 */
#ifndef FM_URLDOC_H
#define FM_URLDOC_H

#include <stddef.h>

#include "mime/url.h"

#define URLDOC_MAX_STREAMS 2000
#define URLDOC_MAX_INFLATE (16 * 1024 * 1024)

void url_extract_pdf(URLSET *set, const unsigned char *p, size_t n, const char *where);
void url_extract_svg(URLSET *set, const char *p, size_t n, const char *where);

#endif
