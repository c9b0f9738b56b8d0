/*
 * cache/value - the encoding of a cached part value, and its validating decoder
 *
 * Format (binary safe, every field a netstring `<decimal length>:<bytes>,`):
 *   "FMC1"                                   magic and schema
 *   'c' ctx                                  context tag, 16 lower-case hex digits
 *   'f' flags                                decimal, <= 65535
 *   'd' db                                   official databases' stamp: 16 hex digits or "none"
 *   'h' symbol rel detail count preset       per hit; preset is "-" or a number
 *   'u' rel raw                              per URL found inside the part
 *   'l' rel sha256 sha1 md5                  per layer
 *   'e'                                      end: the last byte of the value
 * Records come in this order (c, f, d, then h/u/l in any order, then e).
 *
 * Why so strict: the bytes come from Redis, which other hosts may write to. The decoder
 * never trusts a length beyond the bytes present, bounds every count, checks every
 * field's alphabet (symbols and locations reach logs and headers) and requires the end
 * marker, so truncated, padded, foreign or random values are all rejected. It allocates
 * only what it returns, and at most proportional to n.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "model/hit.h"
#include "lib/str.h"
#include "mime/url.h"
#include "lib/xalloc.h"

/* cache_value_init - an empty value */
void cache_value_init(CACHE_VALUE *v)
{
    memset(v, 0, sizeof(*v));
}

/* cache_value_clear - release everything a value holds; it is empty afterwards */
void cache_value_clear(CACHE_VALUE *v)
{
    for (size_t i = 0; i < v->nhits; i++) {
        free(v->hits[i].symbol);
        free(v->hits[i].rel);
        free(v->hits[i].detail);
    }
    for (size_t i = 0; i < v->nurls; i++) {
        free(v->urls[i].rel);
        free(v->urls[i].raw);
    }
    for (size_t i = 0; i < v->nlayers; i++)
        free(v->layers[i].rel);
    free(v->hits);
    free(v->urls);
    free(v->layers);
    cache_value_init(v);
}

/* ns - append one netstring */
static void ns(BUF *o, const char *s, size_t n)
{
    buf_printf(o, "%zu:", n);
    buf_cat(o, s, n);
    buf_putc(o, ',');
}

/* nsz - a C string as a netstring */
static void nsz(BUF *o, const char *s)
{
    ns(o, s, strlen(s));
}

/* cache_value_encode - serialize (see the format above) */
void cache_value_encode(const CACHE_VALUE *v, BUF *o)
{
    char num[64];
    buf_puts(o, CACHE_MAGIC "c");
    nsz(o, v->ctx);
    snprintf(num, sizeof(num), "%u", v->flags);
    buf_putc(o, 'f');
    nsz(o, num);
    buf_putc(o, 'd');
    nsz(o, v->db[0] ? v->db : "none");
    for (size_t i = 0; i < v->nhits; i++) {
        const CACHE_HIT *h = &v->hits[i];
        buf_putc(o, 'h');
        nsz(o, h->symbol);
        nsz(o, h->rel);
        nsz(o, h->detail);
        snprintf(num, sizeof(num), "%u", h->count);
        nsz(o, num);
        if (h->has_preset)
            snprintf(num, sizeof(num), "%.17g", h->preset);
        nsz(o, h->has_preset ? num : "-");
    }
    for (size_t i = 0; i < v->nurls; i++) {
        buf_putc(o, 'u');
        nsz(o, v->urls[i].rel);
        nsz(o, v->urls[i].raw);
    }
    for (size_t i = 0; i < v->nlayers; i++) {
        const CACHE_LHASH *l = &v->layers[i];
        buf_putc(o, 'l');
        nsz(o, l->rel);
        nsz(o, l->sha256);
        nsz(o, l->sha1);
        nsz(o, l->md5);
    }
    buf_putc(o, 'e');
}

typedef struct RD {
    const unsigned char *p;
    size_t n, off;
    BUF *why;
} RD;

/* fail - record the first reason; always -1 */
static int fail(RD *r, const char *what)
{
    if (r->why && r->why->len == 0)
        buf_printf(r->why, "%s at byte %zu", what, r->off);
    return -1;
}

/* field - the next netstring: *s, *len point into the input; -1 when malformed */
static int field(RD *r, const char **s, size_t *len)
{
    size_t v = 0;
    size_t digits = 0;
    while (r->off < r->n && isdigit(r->p[r->off])) {
        if (++digits > 7)
            return fail(r, "length too long");
        v = v * 10 + (size_t)(r->p[r->off++] - '0');
    }
    if (digits == 0 || r->off >= r->n || r->p[r->off] != ':')
        return fail(r, "bad netstring length");
    r->off++;
    if (v > r->n - r->off || r->n - r->off - v < 1 || r->p[r->off + v] != ',')
        return fail(r, "netstring past the end");
    *s = (const char *)r->p + r->off;
    *len = v;
    r->off += v + 1;
    return 0;
}

/* text - a field copied as a C string when its bytes pass the check */
static char *text(RD *r, size_t max, bool (*okc)(unsigned char), size_t min)
{
    const char *s;
    size_t n;
    if (field(r, &s, &n) != 0)
        return NULL;
    if (n < min || n > max) {
        fail(r, "field length out of range");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!okc((unsigned char)s[i])) {
            fail(r, "forbidden byte in field");
            return NULL;
        }
    }
    return xstrndup(s, n);
}

/* symbol_ok - symbols: printable ASCII without spaces */
static bool symbol_ok(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

/* text_ok - locations, details, URLs: no control bytes */
static bool text_ok(unsigned char c)
{
    return c >= 0x20 && c != 0x7f;
}

/* hex_ok - lower-case hex digits */
static bool hex_ok(unsigned char c)
{
    return isdigit(c) || (c >= 'a' && c <= 'f');
}

/*
 * sanitized - text str_sanitize would leave as it is, apart from doubling backslashes:
 * details are stored sanitized and restored without a second pass (which would double
 * every backslash again), so a stored one must already be safe for logs and headers
 */
static bool sanitized(const char *s)
{
    size_t n = strlen(s);
    BUF *b = buf_new(n + 16);
    str_sanitize(b, s, n, 8 * n + 16);
    size_t j = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < b->len; i++, j++) {
        if (b->data[i] == '\\') {
            ok = i + 1 < b->len && b->data[i + 1] == '\\';
            i++;
        }
        ok = ok && j < n && s[j] == b->data[i];
    }
    ok = ok && j == n;
    buf_free(b);
    return ok;
}

/* rel_ok - a relative location is empty or goes down from the part */
static bool rel_ok(const char *rel)
{
    return rel[0] == 0 || rel[0] == '>' || rel[0] == '[';
}

/* parse_num - n bytes as a decimal number in [lo, hi]; false when not */
static bool parse_num(const char *s, size_t n, double lo, double hi, bool integer, double *out)
{
    char tmp[40];
    if (n == 0 || n >= sizeof(tmp) || isspace((unsigned char)s[0]))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (*end || errno || !isfinite(d) || d < lo || d > hi || (integer && d != floor(d)))
        return false;
    *out = d;
    return true;
}

/* number - a decimal field in [lo, hi] */
static int number(RD *r, double lo, double hi, bool integer, double *out)
{
    const char *s;
    size_t n;
    if (field(r, &s, &n) != 0)
        return -1;
    return parse_num(s, n, lo, hi, integer, out) ? 0 : fail(r, "number out of range");
}

/* hash_into - a hex field of exactly len digits */
static int hash_into(RD *r, char *out, size_t len)
{
    char *h = text(r, len, hex_ok, len);
    if (h == NULL)
        return -1;
    memcpy(out, h, len + 1);
    free(h);
    return 0;
}

/* read_hit - an 'h' record */
static int read_hit(RD *r, CACHE_VALUE *v)
{
    if (v->nhits >= CACHE_VALUE_HITS)
        return fail(r, "too many hits");
    CACHE_HIT h = {0};
    double count = 0;
    const char *s = NULL;
    size_t n = 0;
    h.symbol = text(r, 200, symbol_ok, 1);
    h.rel = h.symbol ? text(r, CACHE_REL_MAX, text_ok, 0) : NULL;
    h.detail = h.rel ? text(r, 4 * HIT_DETAIL_MAX, text_ok, 0) : NULL;
    bool ok = h.detail && rel_ok(h.rel) && sanitized(h.detail) && sanitized(h.rel) &&
              number(r, 1, 1e6, true, &count) == 0 && field(r, &s, &n) == 0;
    if (ok && !(n == 1 && s[0] == '-'))
        ok = h.has_preset = parse_num(s, n, -1e5, 1e5, false, &h.preset);
    if (!ok) {
        free(h.symbol);
        free(h.rel);
        free(h.detail);
        return fail(r, "bad hit record");
    }
    h.count = (unsigned)count;
    XGROW(v->hits, v->nhits, v->caphits);
    v->hits[v->nhits++] = h;
    return 0;
}

/* read_url - a 'u' record */
static int read_url(RD *r, CACHE_VALUE *v)
{
    if (v->nurls >= CACHE_VALUE_URLS)
        return fail(r, "too many URLs");
    char *rel = text(r, CACHE_REL_MAX, text_ok, 0);
    char *raw = rel ? text(r, URL_MAX_LEN, text_ok, 1) : NULL;
    if (raw == NULL || !rel_ok(rel)) {
        free(rel);
        free(raw);
        return fail(r, "bad URL record");
    }
    XGROW(v->urls, v->nurls, v->capurls);
    v->urls[v->nurls++] = (CACHE_URL){rel, raw};
    return 0;
}

/* read_layer - an 'l' record */
static int read_layer(RD *r, CACHE_VALUE *v)
{
    if (v->nlayers >= CACHE_VALUE_LAYERS)
        return fail(r, "too many layers");
    CACHE_LHASH l = {0};
    l.rel = text(r, CACHE_REL_MAX, text_ok, 0);
    if (l.rel == NULL || !rel_ok(l.rel) || hash_into(r, l.sha256, 64) != 0 ||
        hash_into(r, l.sha1, 40) != 0 || hash_into(r, l.md5, 32) != 0) {
        free(l.rel);
        return fail(r, "bad layer record");
    }
    XGROW(v->layers, v->nlayers, v->caplayers);
    v->layers[v->nlayers++] = l;
    return 0;
}

/* read_head - magic, context tag and flags */
static int read_head(RD *r, CACHE_VALUE *v)
{
    size_t ml = strlen(CACHE_MAGIC);
    if (r->n < ml || memcmp(r->p, CACHE_MAGIC, ml) != 0)
        return fail(r, "not a value of this schema");
    r->off = ml;
    if (r->off >= r->n || r->p[r->off++] != 'c' || hash_into(r, v->ctx, 16) != 0)
        return fail(r, "bad context tag");
    double flags;
    if (r->off >= r->n || r->p[r->off++] != 'f' || number(r, 0, 65535, true, &flags) != 0)
        return fail(r, "bad flags");
    v->flags = (unsigned)flags;
    if (r->off >= r->n || r->p[r->off++] != 'd')
        return fail(r, "bad database stamp");
    char *db = text(r, 16, symbol_ok, 4);
    bool ok = db && strcmp(db, "none") == 0;
    if (db && strlen(db) == 16) {
        ok = true;
        for (size_t i = 0; i < 16; i++)
            ok = ok && hex_ok((unsigned char)db[i]);
    }
    if (ok)
        memcpy(v->db, db, strlen(db) + 1);
    free(db);
    return ok ? 0 : fail(r, "bad database stamp");
}

/* cache_value_decode - parse and validate untrusted bytes; -1 (v empty) when bad */
int cache_value_decode(const void *p, size_t n, CACHE_VALUE *v, BUF *why)
{
    RD r = {p, n, 0, why};
    cache_value_init(v);
    int rc = p == NULL || n > CACHE_VALUE_MAX ? fail(&r, "value too large") : read_head(&r, v);
    while (rc == 0) {
        if (r.off >= r.n) {
            rc = fail(&r, "no end marker (truncated)");
            break;
        }
        unsigned char tag = r.p[r.off++];
        if (tag == 'e') {
            rc = r.off == r.n ? 1 : fail(&r, "bytes after the end marker");
            break;
        }
        rc = tag == 'h'   ? read_hit(&r, v)
             : tag == 'u' ? read_url(&r, v)
             : tag == 'l' ? read_layer(&r, v)
                          : fail(&r, "unknown record");
    }
    if (rc != 1) {
        cache_value_clear(v);
        return -1;
    }
    return 0;
}
