/*
 * mime/urldoc - links in PDF and SVG documents (see mime/urldoc.h)
 *
 * Not a PDF parser: a forward scan for the `/URI` key and for `stream` keywords, which is
 * what a link annotation needs and what survives a damaged cross-reference table. Each
 * position is read a bounded number of times: a string is read once after its key and
 * the scan resumes past it; a stream is inflated once and scanned for keys only.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "core/inflate.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "mime/urldoc.h"

#define DICT_BACK 512 /* bytes before `stream` searched for /FlateDecode */

/* pdf_literal - a ( ) string from p[i] == '(' into out; returns the index past it */
static size_t pdf_literal(const unsigned char *p, size_t n, size_t i, BUF *out)
{
    int depth = 0;
    for (i++; i < n && out->len < URL_MAX_LEN; i++) {
        unsigned char c = p[i];
        if (c == '\\' && i + 1 < n) {
            unsigned char e = p[++i];
            if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int k = 0; k < 2 && i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7'; k++)
                    v = v * 8 + (p[++i] - '0');
                buf_putc(out, v & 0xff);
            } else if (e == '\r' || e == '\n') {
                if (e == '\r' && i + 1 < n && p[i + 1] == '\n')
                    i++;
            } else {
                buf_putc(out, e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
            }
        } else if (c == '(') {
            depth++;
            buf_putc(out, c);
        } else if (c == ')') {
            if (depth-- == 0)
                return i + 1;
            buf_putc(out, c);
        } else {
            buf_putc(out, c);
        }
    }
    return i;
}

/* pdf_hex - a < > string from p[i] == '<' into out; returns the index past it */
static size_t pdf_hex(const unsigned char *p, size_t n, size_t i, BUF *out)
{
    int hi = -1;
    for (i++; i < n && p[i] != '>' && out->len < URL_MAX_LEN; i++) {
        if (!isxdigit(p[i]))
            continue;
        int v = isdigit(p[i]) ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10;
        if (hi < 0) {
            hi = v;
        } else {
            buf_putc(out, hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0)
        buf_putc(out, hi * 16);
    return i < n ? i + 1 : i;
}

/* uri_keys - every /URI string of p[0..n) */
static void uri_keys(URLSET *set, const unsigned char *p, size_t n, const char *where, BUF *s)
{
    for (size_t i = 0; i + 4 < n; i++) {
        if (p[i] != '/' || memcmp(p + i + 1, "URI", 3) != 0 || isalnum(p[i + 4]))
            continue;
        size_t j = i + 4;
        while (j < n && (isspace(p[j]) || p[j] == 0))
            j++;
        if (j >= n || (p[j] != '(' && (p[j] != '<' || (j + 1 < n && p[j + 1] == '<'))))
            continue;
        buf_reset(s);
        i = (p[j] == '(' ? pdf_literal(p, n, j, s) : pdf_hex(p, n, j, s)) - 1;
        size_t b = 0;
        size_t e = s->len;
        while (b < e && isspace((unsigned char)s->data[b]))
            b++;
        while (e > b && isspace((unsigned char)s->data[e - 1]))
            e--;
        if (e > b)
            url_add(set, s->data + b, e - b, where, "pdf-uri");
    }
}

/* url_extract_pdf - /URI strings of the file and of its FlateDecode streams */
void url_extract_pdf(URLSET *set, const unsigned char *p, size_t n, const char *where)
{
    BUF *s = buf_new(256);
    BUF *z = buf_new(4096);
    uri_keys(set, p, n, where, s);
    size_t streams = 0;
    size_t inflated = 0;
    for (const unsigned char *k = p;
         streams < URLDOC_MAX_STREAMS && inflated < URLDOC_MAX_INFLATE;) {
        const unsigned char *st = memmem(k, (size_t)(p + n - k), "stream", 6);
        if (st == NULL)
            break;
        k = st + 6;
        if (st > p && st[-1] == 'd') /* endstream */
            continue;
        size_t back = (size_t)(st - p) < DICT_BACK ? (size_t)(st - p) : DICT_BACK;
        bool flate =
            memmem(st - back, back, "/FlateDecode", 12) || memmem(st - back, back, "/Fl ", 4);
        const unsigned char *d = k;
        if (d < p + n && *d == '\r')
            d++;
        if (d < p + n && *d == '\n')
            d++;
        const unsigned char *end = memmem(d, (size_t)(p + n - d), "endstream", 9);
        if (end == NULL)
            end = p + n;
        k = end;
        streams++;
        if (!flate)
            continue;
        buf_reset(z);
        zinflate(d, (size_t)(end - d), z, URLDOC_MAX_INFLATE - inflated);
        inflated += z->len;
        uri_keys(set, (const unsigned char *)z->data, z->len, where, s);
    }
    buf_free(s);
    buf_free(z);
}

/* js_string - a quoted literal at p[i] (', " or `) into out, *ok when it was closed;
 * returns the index where reading stopped (past the closing quote) */
static size_t js_string(const char *p, size_t n, size_t i, BUF *out, bool *ok)
{
    *ok = false;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '('))
        i++;
    if (i >= n || (p[i] != '\'' && p[i] != '"' && p[i] != '`'))
        return i;
    char q = p[i++];
    buf_reset(out);
    for (; i < n && p[i] != q && p[i] != '\n' && out->len < URL_MAX_LEN; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        buf_putc(out, p[i]);
    }
    *ok = i < n && p[i] == q && out->len > 0;
    return i < n ? i + 1 : i;
}

/* nav_target - the offset after a navigation sink at p[i] ("location", "location.href",
 * "location.assign", "location.replace", "window.open") and its '=' or '(', or 0 */
static size_t nav_target(const char *p, size_t n, size_t i)
{
    static const char *const sinks[] = {"location.href", "location.assign", "location.replace",
                                        "location", "window.open"};
    if (i > 0 && (isalnum((unsigned char)p[i - 1]) || p[i - 1] == '_'))
        return 0;
    for (size_t k = 0; k < sizeof(sinks) / sizeof(sinks[0]); k++) {
        size_t l = strlen(sinks[k]);
        if (n - i < l || strncmp(p + i, sinks[k], l) != 0)
            continue;
        size_t j = i + l;
        while (j < n && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j < n && p[j] == '=' && (j + 1 >= n || p[j + 1] != '='))
            return j + 1;
        if (j < n && p[j] == '(' &&
            (strstr(sinks[k], "assign") || strstr(sinks[k], "replace") || strstr(sinks[k], "open")))
            return j;
        return 0;
    }
    return 0;
}

/* url_extract_svg - href attributes and script navigation targets */
void url_extract_svg(URLSET *set, const char *p, size_t n, const char *where)
{
    url_extract_html(set, p, n, where);
    BUF *s = buf_new(128);
    BUF *u = buf_new(128);
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 'l' && p[i] != 'w')
            continue;
        size_t j = nav_target(p, n, i);
        if (j == 0)
            continue;
        bool ok;
        size_t e = js_string(p, n, j, s, &ok);
        i = e > i ? e - 1 : i; /* past what was read: each byte is read a bounded number of times */
        if (!ok)
            continue;
        buf_reset(u);
        if (s->len > 2 && s->data[0] == '/' && s->data[1] == '/')
            buf_puts(u, "https:");
        buf_cat(u, s->data, s->len);
        url_add(set, u->data, u->len, where, "svg-script");
    }
    buf_free(s);
    buf_free(u);
}
