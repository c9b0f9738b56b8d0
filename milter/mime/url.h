/*
 * mime/url - find, normalize and deduplicate URLs in message text and HTML
 *
 * SYNOPSIS
 *   URLSET *urlset_new(size_t max_urls);          URLSET *urlset_free(URLSET *set);
 *   void url_extract_text(URLSET *set, const char *text, size_t len, const char *where);
 *   void url_extract_html(URLSET *set, const char *html, size_t len, const char *where);
 *   URL *url_parse(const char *s, size_t len);    URL *url_free(URL *u);
 *   size_t url_add(URLSET *set, const char *s, size_t len, const char *where, const char *src);
 *   int url_hexv(int c);
 *
 * DESCRIPTION
 *   url_extract_text finds bare URLs in plain text: scheme URLs (http, https, ftp, file,
 *   data, javascript, vbscript, search-ms, ms-msdt, ...), "www." hosts without a scheme,
 *   and the defanged forms spammers use (hxxp://, [.] and (.) dots, "http : //"),
 *   ending at white space, quotes, angle brackets or trailing punctuation.
 *
 *   url_extract_html tokenizes HTML tolerantly (no DOM) and takes URLs from href, src,
 *   action, formaction, background, poster, srcset (every candidate), data-* attributes
 *   that hold URLs, and <meta http-equiv=refresh content="0;url=...">. An <a> element's
 *   display text (tags stripped, entities decoded, white space collapsed, bounded) is kept
 *   with its href. Character references in attribute values are decoded first. The text
 *   between tags also goes through url_extract_text.
 *
 *   Every URL is normalized (url_parse) and deduplicated on its normalized form; each
 *   distinct URL records up to URL_MAX_WHERE places it was found ("1.2 href", "1 text").
 *   `where` is copied. url_add parses s as one URL (no scanning for it) and adds it at
 *   "<where> <src>" (redirect targets, PDF annotations) and returns its set->v index + 1 (of the
 *   URL it merged into when already held); 0 when it is not a URL or was dropped. When max_urls
 * distinct URLs are held, further ones are counted in set->dropped and set->overflow is set: the
 * caller reports LIMIT_URLS.
 *
 *   url_parse normalizes one URL: scheme and host lower-cased; percent-escapes in the
 *   host decoded; a trailing dot on the host dropped; IDNA/punycode hosts get a Unicode
 *   form for display (host_unicode) and an ASCII form (host); hosts written as IPv4 in
 *   decimal (3232235777), hex (0xC0A80001, 0xc0.0xa8.0.1), octal (0300.0250.0.1) or
 *   shortened forms (192.168.257) are recognized and canonicalized into `ip`; IPv6 literals
 *   too; the userinfo part is split off (URL_F_USERINFO); default ports are removed. It
 *   returns NULL when s is not a URL (no scheme and no www. host, unknown scheme syntax).
 *
 * LIMITS
 *   Input length is bounded by the caller's per-part byte limit; a single URL longer than
 *   URL_MAX_LEN is cut there and marked URL_F_LONG. Work is linear in the input size.
 */
#ifndef FM_URL_H
#define FM_URL_H

#include <stdbool.h>
#include <stddef.h>

#define URL_MAX_LEN   8192
#define URL_MAX_WHERE 8
#define URL_MAX_TEXT  256

enum {
    URL_F_USERINFO = 1 << 0,      /* user[:pass]@ before the host */
    URL_F_DEFANGED = 1 << 1,      /* hxxp, [.] or similar obfuscation was undone */
    URL_F_IP = 1 << 2,            /* host is an IP literal */
    URL_F_IP_OBFUSCATED = 1 << 3, /* IP written in decimal/hex/octal/short form */
    URL_F_IDN = 1 << 4,           /* host has non-ASCII or punycode labels */
    URL_F_LONG = 1 << 5,          /* cut at URL_MAX_LEN */
    URL_F_NO_SCHEME = 1 << 6,     /* found as www.example.com */
    URL_F_HTML = 1 << 7,          /* found in an HTML attribute */
};

typedef struct URL {
    char *raw;          /* as found, after entity decoding (UTF-8, untrusted) */
    char *normalized;   /* canonical form used for deduplication and lookups */
    char *scheme;       /* lower case, without ':' */
    char *userinfo;     /* or NULL */
    char *host;         /* lower case, ASCII (punycode) form, or NULL (data:, javascript:) */
    char *host_unicode; /* Unicode form for display when the host is IDN, else NULL */
    char *ip;           /* canonical IPv4 dotted quad or IPv6 text when the host is an IP */
    int port;           /* 0 when absent or default */
    char *path;         /* path + query + fragment as found after the authority, or NULL */
    char *text;         /* display text of the <a> element, or NULL */
    unsigned flags;
    char *where[URL_MAX_WHERE];
    size_t nwhere;
    size_t target; /* set->v index + 1 of the URL this one redirects to (mime/redirect.h), or 0 */
} URL;

typedef struct URLSET {
    URL **v;
    size_t n, cap;
    size_t max;     /* max distinct URLs kept */
    size_t dropped; /* distinct URLs not kept because of max */
    bool overflow;
    void *index; /* private: hash index over normalized forms */
} URLSET;

URLSET *urlset_new(size_t max_urls);
URLSET *urlset_free(URLSET *set);
void url_extract_text(URLSET *set, const char *text, size_t len, const char *where);
void url_extract_html(URLSET *set, const char *html, size_t len, const char *where);
URL *url_parse(const char *s, size_t len);
URL *url_free(URL *u);
size_t url_add(URLSET *set, const char *s, size_t len, const char *where, const char *src);
int url_hexv(int c); /* value of a hex digit, -1 if not one (mime/redirect.c) */

#endif
