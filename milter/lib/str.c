/*
 * lib/str - small string helpers (see lib/str.h)
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/str.h"
#include "lib/xalloc.h"

/* utf8_seq - length and code point of the well-formed UTF-8 sequence at s, 0 if none */
size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
        c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
        c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* utf8_valid - true when all n bytes are well-formed UTF-8 */
bool utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned cp;
    while (n) {
        size_t l = utf8_seq(p, n, &cp);
        if (l == 0)
            return false;
        p += l;
        n -= l;
    }
    return true;
}

/*
 * unsafe_cp - code points that must never reach a log or header verbatim: C0/C1
 * controls, DEL, bidi embeddings/overrides/isolates (RTLO hides "exe" in "gpj.exe"),
 * zero-width characters, line/paragraph separators and the BOM.
 */
static bool unsafe_cp(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* str_sanitize - append a printable, bounded rendering of untrusted text */
void str_sanitize(BUF *out, const char *s, size_t n, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = out->len;
    char esc[16];
    while (n) {
        unsigned cp;
        size_t l = utf8_seq(p, n, &cp);
        const char *piece = (const char *)p;
        size_t plen = l;
        if (l == 0) {
            snprintf(esc, sizeof(esc), "\\x%02x", p[0]);
            piece = esc;
            plen = strlen(esc);
            l = 1;
        } else if (cp == '\\') {
            piece = "\\\\";
            plen = 2;
        } else if (unsafe_cp(cp)) {
            if (cp < 0x100)
                snprintf(esc, sizeof(esc), "\\x%02x", cp);
            else
                snprintf(esc, sizeof(esc), "\\u{%04x}", cp);
            piece = esc;
            plen = strlen(esc);
        }
        if (out->len - start + plen > max) {
            buf_puts(out, "...");
            return;
        }
        buf_cat(out, piece, plen);
        p += l;
        n -= l;
    }
}

/* str_sanitize_dup - sanitize a C string into a new allocation */
char *str_sanitize_dup(const char *s, size_t max)
{
    BUF *b = buf_new(64);
    str_sanitize(b, s, strlen(s), max);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* json_str - append s as a quoted JSON string, replacing ill-formed UTF-8 by U+FFFD */
void json_str(BUF *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    buf_putc(out, '"');
    while (n) {
        unsigned cp;
        size_t l = utf8_seq(p, n, &cp);
        if (l == 0) {
            buf_puts(out, "\\ufffd");
            p++;
            n--;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (int)cp);
        } else if (cp == '\n') {
            buf_puts(out, "\\n");
        } else if (cp == '\r') {
            buf_puts(out, "\\r");
        } else if (cp == '\t') {
            buf_puts(out, "\\t");
        } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
            /* C1 controls too: some JSON-lines readers split on U+0085 */
            buf_printf(out, "\\u%04x", cp);
        } else {
            buf_cat(out, p, l);
        }
        p += l;
        n -= l;
    }
    buf_putc(out, '"');
}

/* json_strz - append a C string as JSON, or null */
void json_strz(BUF *out, const char *s)
{
    if (s == NULL)
        buf_puts(out, "null");
    else
        json_str(out, s, strlen(s));
}

/* str_lower - lower-case ASCII letters in place */
void str_lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* str_ieq - ASCII case-insensitive equality; NULL equals only NULL */
bool str_ieq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcasecmp(a, b) == 0;
}

/* str_istarts - s begins with prefix, ignoring ASCII case */
bool str_istarts(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* str_iends - s ends with suffix, ignoring ASCII case */
bool str_iends(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* str_memmem_ci - find needle in the first hn bytes of h, ignoring ASCII case */
const char *str_memmem_ci(const char *h, size_t hn, const char *needle)
{
    size_t m = strlen(needle);
    if (m == 0)
        return h;
    int first = tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + m <= hn; i++) {
        if (tolower((unsigned char)h[i]) == first && strncasecmp(h + i, needle, m) == 0)
            return h + i;
    }
    return NULL;
}

/* str_trim - strip leading and trailing ASCII white space in place */
char *str_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

/* str_is_ref - n lower-case hex digits at s (a reference or ruleset id when n is 16) */
bool str_is_ref(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}
