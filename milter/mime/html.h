/*
 * mime/html - tolerant HTML walk (no DOM): URL-bearing attributes, text, anchor display text
 *
 * SYNOPSIS
 *   void html_walk(const char *s, size_t n, size_t max_text, const HTML_SINK *sink, void *ctx);
 *   void html_decode(BUF *out, const char *s, size_t n, bool in_attr);
 *
 * DESCRIPTION
 *   html_walk tokenizes n bytes of HTML and reports to the sink:
 *
 *   url(ctx, v, len, src) for every attribute value that may hold a URL, with
 *   character references decoded and TAB/CR/LF removed (browsers drop them inside URLs).
 *   src names the source: "href", "src", "action", "formaction", "background",
 *   "poster", "cite", "longdesc", "lowsrc", "dynsrc", "xlink:href", "data", "codebase";
 *   "srcset" (once per candidate, width/density descriptors dropped); "data-*" (any
 *   data- attribute: the sink decides whether it looks like a URL); "meta-refresh" (the
 *   url= part of <meta http-equiv=refresh content=...>). The sink returns a handle for
 *   the URL (or NULL); v is scratch memory, valid during the call only.
 *
 *   text(ctx, s, len) for text between tags (references decoded) and for the raw
 *   contents of <script> and <style>. Comments, doctypes and processing instructions
 *   are skipped.
 *
 *   anchor(ctx, handle, text, len) when an <a> with an href ends (at </a>, at the next
 *   <a>, or at the end of input), with the handle url() returned for that href and the
 *   element's display text: tags stripped, references decoded, white space (NBSP too)
 *   collapsed to single spaces and trimmed, cut at max_text bytes on a UTF-8 boundary.
 *
 *   html_decode appends s to out with character references decoded: numeric (&#58;
 *   &#x3a;; invalid code points become U+FFFD) and a small set of named ones (amp lt gt
 *   quot apos nbsp shy, and punctuation names used to hide URLs: colon sol period
 *   commat ...). With in_attr, a legacy reference without ';' followed by an
 *   alphanumeric or '=' is left alone, as browsers do in attribute values.
 *
 *   Broken markup never fails: a '<' that does not open a tag is text; an unterminated
 *   quote, comment or script runs to the end of input. Tag and attribute names are
 *   compared case-insensitively.
 *
 * LIMITS
 *   Work is linear in n: the tokenizer only moves forward and nothing recurses. Names
 *   are cut at HTML_MAX_NAME bytes; anchor text is collected up to max_text bytes.
 */
#ifndef FM_HTML_H
#define FM_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

#define HTML_MAX_NAME 31

typedef struct HTML_SINK {
    void *(*url)(void *ctx, char *v, size_t len, const char *src);
    void (*text)(void *ctx, const char *s, size_t len);
    void (*anchor)(void *ctx, void *handle, const char *text, size_t len);
} HTML_SINK;

void html_walk(const char *s, size_t n, size_t max_text, const HTML_SINK *sink, void *ctx);
void html_decode(BUF *out, const char *s, size_t n, bool in_attr);

#endif
