/*
 * ctl/web - the review page's shared pieces: sessions and the HTML renderers (web_pages.c)
 *
 * SYNOPSIS
 *   void html_esc(BUF *out, const char *s, size_t max);
 *   void webpage_login(BUF *out, const char *error);
 *   void webpage_list(BUF *out, const WEB_SESSION *s, QMETA **v, size_t n, const WEB_QUERY *q);
 *   void webpage_item(BUF *out, const WEB_SESSION *s, const QMETA *m, const QVIEW *v);
 *   void webpage_message(BUF *out, const WEB_SESSION *s, const char *title, const char *text);
 *   extern const char webpage_css[];
 *
 * DESCRIPTION
 *   html_esc is the one way text reaches a page: it first renders the text with
 *   str_sanitize (control characters, CR/LF, bidi overrides and ill-formed UTF-8 become
 *   visible escapes; at most max bytes), then escapes & < > " ' as entities. Every string
 *   that came from a message, a URL or a form goes through it, in element content and in
 *   attribute values alike (attributes are always double-quoted).
 *
 *   The renderers append a whole page: a header with the user and a logout form (when
 *   s is not NULL), the session's flash message, the content. Forms that change state
 *   are POST forms carrying the session's CSRF token. Pages use no script and no inline
 *   style: only /style.css (webpage_css), so the Content-Security-Policy of web.c can
 *   forbid everything else. The list shows at most WEB_LIST_MAX rows.
 */
#ifndef FM_WEB_H
#define FM_WEB_H

#include <stddef.h>
#include <time.h>

#include "lib/buf.h"
#include "store/qmeta.h"
#include "ctl/qview.h"

#define WEB_LIST_MAX 500

typedef struct WEB_SESSION {
    char token[65]; /* cookie value; "" for a free slot */
    char csrf[65];
    char user[65];
    time_t last;
    char flash[512];
    int flash_bad; /* the flash reports a failure */
} WEB_SESSION;

typedef struct WEB_QUERY {
    const char *q, *verdict, *symbol, *sender, *rcpt, *since;
    const char *error; /* a filter that could not be used */
} WEB_QUERY;

void html_esc(BUF *out, const char *s, size_t max);
void webpage_login(BUF *out, const char *error);
void webpage_list(BUF *out, WEB_SESSION *s, QMETA **v, size_t n, const WEB_QUERY *q);
void webpage_item(BUF *out, WEB_SESSION *s, const QMETA *m, const QVIEW *v);
void webpage_message(BUF *out, WEB_SESSION *s, const char *title, const char *text);
extern const char webpage_css[];

#endif
