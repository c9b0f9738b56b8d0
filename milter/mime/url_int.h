/*
 * mime/url_int - what mime/url.c (finding URLs in text and HTML) and mime/urlparse.c
 * (normalizing one URL) share; not for other modules (they use mime/url.h)
 *
 *   void url_scheme_at(const char *s, size_t n, SCHEME *sc);
 *   size_t url_dot_len(const char *s, size_t n);
 *   URL *url_parse_ctx(const char *s, size_t len, unsigned ctx);
 *
 * url_scheme_at recognises "scheme:" at s, possibly defanged ("hxxp", "[:]", "http : //");
 * sc->kind is K_NONE when there is none, else the scheme's kind, sc->end the offset just past
 * the separator. url_dot_len is the length of a defanged dot ("[.]", "(dot)" ...) at s, or 0.
 * url_parse_ctx is url_parse with context bits: P_HTML (an HTML attribute: "//host" is
 * allowed and URL_F_HTML set) and P_BARE (a defanged host without a scheme). All read at most
 * n (len) bytes of s.
 */
#ifndef FM_URL_INT_H
#define FM_URL_INT_H

#include "mime/url.h"

#define SCHEME_MAX 24 /* longest scheme name we look at: "ms-" names are short */

enum { P_HTML = 1, P_BARE = 2 }; /* parse context: HTML attribute; defanged bare host */
enum { K_NONE, K_UNKNOWN, K_SKIP, K_HIER, K_FILE, K_OPAQUE };

typedef struct SCHEME {
    char name[SCHEME_MAX + 1]; /* canonical lower-case name ("http" for "hxxp") */
    int kind;
    int port;       /* default port, dropped from the normalized form */
    size_t end;     /* offset just past the separator */
    unsigned flags; /* URL_F_DEFANGED when the scheme or separator was defanged */
} SCHEME;

void url_scheme_at(const char *s, size_t n, SCHEME *sc);
size_t url_dot_len(const char *s, size_t n);
URL *url_parse_ctx(const char *s, size_t len, unsigned ctx);

#endif
