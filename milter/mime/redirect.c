/*
 * mime/redirect - URLs hidden in open redirects and link wrappers (see mime/redirect.h)
 *
 * Everything here reads sender-controlled text: each decoder works on a copy bounded by
 * URL_MAX_LEN, moves forward only, and produces at most as many bytes as it reads (base64
 * fewer); nothing recurses (depth is a loop in url_unwrap_set). The decoders follow the
 * formats documented and checked in shared/docs/reputation.md section 5.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "lib/words.h"
#include "lib/xalloc.h"
#include "mime/redirect.h"

/* parameters that carry a redirect target on any host */
static const char target_params[] =
    "q u url uri link href redirect redirect_url redirect_uri redirecturl redirecturi redir "
    "target targeturl dest desturl destination goto go next continue return returnurl "
    "return_url returnto return_to to out r rurl l location forward site";

/* is_url - s[0..n) starts with http:// or https:// and has a host after it */
static bool is_url(const char *s, size_t n)
{
    size_t k = n >= 7 && strncasecmp(s, "http://", 7) == 0    ? 7
               : n >= 8 && strncasecmp(s, "https://", 8) == 0 ? 8
                                                              : 0;
    return k && k < n && (isalnum((unsigned char)s[k]) || s[k] == '[');
}

/* url_hexv - value of a hex digit, -1 if not one (see mime/url.h) */
int url_hexv(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* pct - percent-decode s[0..n) into out (reset first); true when anything was decoded */
static bool pct(BUF *out, const char *s, size_t n)
{
    bool any = false;
    buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        int a = i + 2 < n ? url_hexv((unsigned char)s[i + 1]) : -1;
        int b = a >= 0 ? url_hexv((unsigned char)s[i + 2]) : -1;
        if (s[i] == '%' && b >= 0) {
            buf_putc(out, a * 16 + b);
            i += 2;
            any = true;
        } else {
            buf_putc(out, s[i]);
        }
    }
    return any;
}

/* b64v - value of a base64 or base64url digit, -1 if not one */
static int b64v(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* b64 - decode base64 / base64url (padding optional) into out; false on a bad digit */
static bool b64(BUF *out, const char *s, size_t n)
{
    unsigned acc = 0;
    unsigned bits = 0;
    buf_reset(out);
    while (n > 0 && s[n - 1] == '=')
        n--;
    for (size_t i = 0; i < n; i++) {
        int v = b64v((unsigned char)s[i]);
        if (v < 0)
            return false;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_putc(out, (int)((acc >> bits) & 0xff));
        }
    }
    return out->len > 0;
}

/* printable - no control bytes (a decoded target must be text) */
static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

/* take - a copy of the first URL-shaped decoding of v[0..n), or NULL: percent-decoded once
 * (what the server reads), then again up to twice more (double and triple encoding), each
 * also tried as base64 */
static char *take(const char *v, size_t n)
{
    BUF *cur = buf_new(n + 1);
    BUF *nxt = buf_new(n + 1);
    BUF *dec = buf_new(n + 1);
    pct(cur, v, n);
    char *r = NULL;
    for (int round = 0; round < 4 && r == NULL; round++) {
        if (is_url(cur->data, cur->len) && printable(cur->data, cur->len))
            r = xstrndup(cur->data, cur->len);
        else if (cur->len >= 12 && b64(dec, cur->data, cur->len) && is_url(dec->data, dec->len) &&
                 printable(dec->data, dec->len))
            r = xstrndup(dec->data, dec->len);
        else if (!pct(nxt, cur->data, cur->len))
            break;
        BUF *t = cur;
        cur = nxt;
        nxt = t;
    }
    buf_free(cur);
    buf_free(nxt);
    buf_free(dec);
    return r;
}

/* host_is - host equals d or ends in "." d */
static bool host_is(const char *host, const char *d)
{
    size_t h = strlen(host);
    size_t n = strlen(d);
    return h == n ? strcasecmp(host, d) == 0
                  : h > n && host[h - n - 1] == '.' && strcasecmp(host + h - n, d) == 0;
}

/* param - the value of query parameter `name` (case-insensitive), or NULL; *n its length */
static const char *param(const char *q, const char *name, size_t *n)
{
    size_t nl = strlen(name);
    for (const char *p = q; p && *p;) {
        size_t l = strcspn(p, "&#");
        if (l > nl && strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
            *n = l - nl - 1;
            return p + nl + 1;
        }
        p = p[l] == '&' ? p + l + 1 : NULL;
    }
    return NULL;
}

/* urldefense_v2 - u=https-3A__host_path: "-XX" is "%XX", "_" is "/" */
static char *urldefense_v2(const char *q)
{
    size_t n;
    const char *v = param(q, "u", &n);
    if (v == NULL)
        return NULL;
    BUF *b = buf_new(n + 1);
    BUF *d = buf_new(n + 1);
    for (size_t i = 0; i < n; i++)
        buf_putc(b, v[i] == '-' ? '%' : v[i] == '_' ? '/' : v[i]);
    pct(d, b->data, b->len);
    char *r = is_url(d->data, d->len) ? xstrndup(d->data, d->len) : NULL;
    buf_free(b);
    buf_free(d);
    return r;
}

/* run_len - urldefense v3 run length of "**X": A-Z a-z 0-9 - _ are 2..65 */
static int run_len(int c)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int)(p - digits) + 2 : -1;
}

/* urldefense_v3 - /v3/__URL__;B64!...: '*' takes the next byte of the base64url part,
 * '**X' the next run_len(X) bytes */
static char *urldefense_v3(const char *path)
{
    const char *s = path + 6;
    const char *e = strstr(s, "__;");
    if (e == NULL)
        return NULL;
    const char *b = e + 3;
    const char *be = b + strcspn(b, "!");
    BUF *rep = buf_new(64);
    BUF *body = buf_new((size_t)(e - s) + 1);
    BUF *out = buf_new(64);
    if (be > b)
        b64(rep, b, (size_t)(be - b));
    pct(body, s, (size_t)(e - s));
    size_t pos = 0;
    bool ok = true;
    for (size_t i = 0; i < body->len && ok; i++) {
        if (body->data[i] != '*') {
            buf_putc(out, body->data[i]);
            continue;
        }
        int n = 1;
        if (i + 2 < body->len && body->data[i + 1] == '*') {
            n = run_len((unsigned char)body->data[i + 2]);
            i += 2;
        }
        ok = n > 0 && pos + (size_t)n <= rep->len;
        if (ok)
            buf_cat(out, rep->data + pos, (size_t)n);
        pos += ok ? (size_t)n : 0;
    }
    char *r = ok && is_url(out->data, out->len) ? xstrndup(out->data, out->len) : NULL;
    buf_free(rep);
    buf_free(body);
    buf_free(out);
    return r;
}

/* bing - /ck/a?...&u=a1<base64url> */
static char *bing(const char *q)
{
    size_t n;
    const char *v = param(q, "u", &n);
    if (v == NULL || n < 3 || strncmp(v, "a1", 2) != 0)
        return NULL;
    BUF *d = buf_new(n);
    char *r = b64(d, v + 2, n - 2) && is_url(d->data, d->len) && printable(d->data, d->len)
                  ? xstrndup(d->data, d->len)
                  : NULL;
    buf_free(d);
    return r;
}

/* any_param - the first parameter (every one when all, else the target names) holding a URL */
static char *any_param(const char *q, bool all)
{
    for (const char *p = q; p && *p;) {
        size_t l = strcspn(p, "&#");
        size_t k = strcspn(p, "=&#");
        if (k < l && (all || words_has(target_params, p, k))) {
            char *r = take(p + k + 1, l - k - 1);
            if (r)
                return r;
        }
        p = p[l] == '&' ? p + l + 1 : NULL;
    }
    return NULL;
}

/* embedded - an http(s) URL, plain or percent-encoded, inside the path (not at its start) */
static char *embedded(const char *path, size_t n)
{
    static const char *const marks[] = {
        "https://",           "http://", "https%3a%2f%2f", "http%3a%2f%2f", "https%253a%252f%252f",
        "http%253a%252f%252f"};
    for (size_t i = 1; i < n; i++) {
        if (path[i] != 'h' && path[i] != 'H')
            continue;
        for (size_t k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
            size_t ml = strlen(marks[k]);
            if (n - i >= ml && strncasecmp(path + i, marks[k], ml) == 0)
                return take(path + i, n - i);
        }
    }
    return NULL;
}

/* url_unwrap - the target of a redirect URL, or NULL (see mime/redirect.h) */
char *url_unwrap(const char *host, const char *path, const LISTS *lists)
{
    if (host == NULL || path == NULL || strlen(path) > URL_MAX_LEN)
        return NULL;
    const char *q = strchr(path, '?');
    q = q ? q + 1 : NULL;
    if (host_is(host, "urldefense.com") && strncmp(path, "/v3/__", 6) == 0)
        return urldefense_v3(path);
    if (host_is(host, "urldefense.proofpoint.com") && q && strncmp(path, "/v2/url?", 8) == 0)
        return urldefense_v2(q);
    if (host_is(host, "bing.com") && q && strncmp(path, "/ck/a?", 6) == 0) {
        char *r = bing(q);
        if (r)
            return r;
    }
    if (strncmp(path, "/amp/s/", 7) == 0 && strstr(host, "google.") && path[7]) {
        char *t = xasprintf("https://%s", path + 7);
        if (is_url(t, strlen(t)))
            return t;
        free(t);
    }
    bool listed = lists && lists_domain_in(lists, LIST_REDIRECTORS, host);
    char *r = q ? any_param(q, listed) : NULL;
    if (r == NULL)
        r = embedded(path, q ? (size_t)(q - 1 - path) : strcspn(path, "#"));
    return r;
}

/* url_unwrap_set - unwrap set->v[from..], targets included, depth deep (see redirect.h) */
size_t url_unwrap_set(URLSET *set, size_t from, const LISTS *lists, int depth)
{
    if (set == NULL)
        return 0;
    size_t start = from;
    BUF *place = buf_new(64);
    for (int d = 0; d < depth && start < set->n; d++) {
        size_t end = set->n;
        for (size_t i = start; i < end; i++) {
            const URL *u = set->v[i];
            char *t = u ? url_unwrap(u->host, u->path, lists) : NULL;
            if (t == NULL)
                continue;
            const char *w = u->nwhere ? u->where[0] : "message";
            const char *sp = strrchr(w, ' ');
            buf_reset(place);
            buf_cat(place, w, sp ? (size_t)(sp - w) : strlen(w));
            size_t k = url_add(set, t, strlen(t), place->data, "redirect");
            free(t);
            if (k && k - 1 != i && set->v[i]->target == 0)
                set->v[i]->target = k; /* the wrapper knows its target (heur/url.c) */
        }
        start = end;
    }
    buf_free(place);
    return set->n;
}
