/*
 * mime/url - find, normalize and deduplicate URLs in message text and HTML (see mime/url.h)
 *
 * Normal forms: an IPv4 host in any notation becomes its dotted quad in host and ip, so
 * http://3232235777/ and http://192.168.1.1/ are one URL (the first raw form is kept and
 * the flags of every sighting are OR-ed). An IPv6 host is inet_ntop's text in host and
 * ip; the normalized string adds the brackets. Without an authority (data:, ms-msdt:)
 * path holds what follows the colon. Defanged forms are undone in url_parse itself.
 *
 * Why the work is linear (all input is sender-controlled): the text scanner only moves
 * forward, reads a scheme name with a bound (SCHEME_MAX) and, after any attempt, jumps
 * past the whole candidate, so each byte is read a bounded number of times by the
 * scanner, url_end and parse (which cuts at URL_MAX_LEN). The HTML walk (html.c) is
 * forward-only too. Dedup is an open-addressing table, grown at half load, hashed with
 * SipHash-1-3 under a per-set getrandom() key: a sender who cannot guess the key cannot
 * build long probe chains. Nothing recurses; anchor text is cut while it is collected.
 * set->dropped counts each sighting of a URL not held (dropped URLs are not remembered,
 * so memory stays bounded by max). url.c is the only includer of idn2.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <idn2.h>

#include "lib/buf.h"
#include "mime/html.h"
#include "lib/str.h"
#include "mime/url.h"
#include "lib/xalloc.h"

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

typedef struct CTX {
    URLSET *set;
    const char *where; /* the caller's place, e.g. "1.2" */
} CTX;

typedef struct INDEX {
    uint64_t key[2];
    size_t cap;     /* power of two, 0 before the first insert */
    uint64_t *hash; /* hash of the normalized form in each slot */
    size_t *slot;   /* position in set->v plus one; 0 for an empty slot */
} INDEX;

static const struct {
    const char *name;
    int kind, port;
} schemes[] = {
    {"http", K_HIER, 80},        {"https", K_HIER, 443},    {"ftp", K_HIER, 21},
    {"ftps", K_HIER, 990},       {"file", K_FILE, 0},       {"data", K_OPAQUE, 0},
    {"javascript", K_OPAQUE, 0}, {"vbscript", K_OPAQUE, 0}, {"search-ms", K_OPAQUE, 0},
    {"search", K_OPAQUE, 0},     {"mailto", K_SKIP, 0},     {"tel", K_SKIP, 0},
    {"sms", K_SKIP, 0},          {"callto", K_SKIP, 0},
};

/* defanged dots undone in an authority */
static const char *const fake_dots[] = {"[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}"};

/* ---------------------------------------------------------------- parsing */

/* sep_len - length of the separator after a scheme name: ":", "[:]", "(:)", " : //" */
static size_t sep_len(const char *s, size_t n, unsigned *flags)
{
    size_t i = 0;
    size_t sp = 0;
    while (i < n && i < 3 && (s[i] == ' ' || s[i] == '\t'))
        i++, sp++;
    if (i < n && s[i] == ':') {
        i++;
    } else if (n - i >= 3 && (s[i] == '[' || s[i] == '(') && s[i + 1] == ':' &&
               s[i + 2] == (s[i] == '[' ? ']' : ')')) {
        i += 3;
        *flags |= URL_F_DEFANGED;
    } else {
        return 0;
    }
    for (size_t k = 0; k < 3 && i < n && (s[i] == ' ' || s[i] == '\t'); k++)
        i++, sp++;
    if (sp == 0)
        return i;
    /* "http : //x" is a defang; "Note : x" is prose */
    if (n - i < 2 || s[i] != '/' || s[i + 1] != '/')
        return 0;
    *flags |= URL_F_DEFANGED;
    return i;
}

/* classify - map a scheme name (undefanged: hxxp, h**p, hXXps, fxp) to its kind */
static void classify(SCHEME *sc)
{
    char *nm = sc->name;
    size_t len = strlen(nm);
    if ((len == 4 || (len == 5 && nm[4] == 's')) && nm[0] == 'h' && nm[3] == 'p' &&
        strchr("tx*", nm[1]) && strchr("tx*", nm[2]) && strncmp(nm, "http", 4) != 0) {
        memcpy(nm, "http", 4);
        sc->flags |= URL_F_DEFANGED;
    } else if (strcmp(nm, "fxp") == 0) {
        memcpy(nm, "ftp", 3);
        sc->flags |= URL_F_DEFANGED;
    }
    sc->kind = K_UNKNOWN;
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        if (strcmp(nm, schemes[i].name) == 0) {
            sc->kind = schemes[i].kind;
            sc->port = schemes[i].port;
            return;
        }
    }
    if (strncmp(nm, "ms-", 3) == 0 && nm[3] != 0)
        sc->kind = K_OPAQUE;
}

/* scheme_at - recognise "scheme:" (possibly defanged) at s; sc->kind K_NONE if absent */
static void scheme_at(const char *s, size_t n, SCHEME *sc)
{
    memset(sc, 0, sizeof(*sc));
    size_t i = 0;
    if (n == 0 || !isalpha((unsigned char)s[0]))
        return;
    for (; i < n && (isalnum((unsigned char)s[i]) || strchr("+-.*", s[i])) && s[i]; i++) {
        if (i == SCHEME_MAX)
            return;
        sc->name[i] = (char)tolower((unsigned char)s[i]);
    }
    size_t sep = sep_len(s + i, n - i, &sc->flags);
    if (sep == 0)
        return;
    sc->end = i + sep;
    classify(sc);
}

/* utf8_cut - largest length <= max that does not split a UTF-8 sequence of s */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t n = max; /* at most 3 continuation bytes: more is ill-formed anyway */
    while (n > 0 && max - n < 3 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

/* dot_len - length of a defanged dot ("[.]", "(.)", "[dot]" ...) at s, or 0 */
static size_t dot_len(const char *s, size_t n)
{
    if (n < 3 || (s[0] != '[' && s[0] != '(' && s[0] != '{'))
        return 0;
    for (size_t k = 0; k < sizeof(fake_dots) / sizeof(fake_dots[0]); k++) {
        size_t l = strlen(fake_dots[k]);
        if (n >= l && strncasecmp(s, fake_dots[k], l) == 0)
            return l;
    }
    return 0;
}

/* undefang - copy an authority with its defanged dots turned back into "." */
static void undefang(BUF *out, const char *p, size_t n, unsigned *flags)
{
    for (size_t i = 0, m; i < n; i += m ? m : 1) {
        m = dot_len(p + i, n - i);
        buf_putc(out, m ? '.' : p[i]);
        if (m)
            *flags |= URL_F_DEFANGED;
    }
}

/* ipv4_parse - IPv4 in any inet_aton form: 1-4 parts, decimal, 0x hex or 0 octal, the
 * last part filling the remaining bytes. inet_aton ignores anything after white space,
 * so the host must consist of number characters only. */
static bool ipv4_parse(const char *h, uint32_t *addr)
{
    struct in_addr a;
    if (!isdigit((unsigned char)h[0]) || h[strspn(h, "0123456789abcdefxABCDEFX.")] != 0 ||
        inet_aton(h, &a) == 0)
        return false;
    *addr = ntohl(a.s_addr);
    return true;
}

/* set_v6 - canonical IPv6 text for a bracketed host (zone id dropped); false if invalid */
static bool set_v6(URL *u, char *h)
{
    struct in6_addr a;
    char txt[INET6_ADDRSTRLEN];
    char *zone = strchr(h, '%');
    if (zone)
        *zone = 0;
    if (inet_pton(AF_INET6, h, &a) != 1 || !inet_ntop(AF_INET6, &a, txt, sizeof(txt)))
        return false;
    u->ip = xstrdup(txt);
    u->host = xstrdup(txt);
    u->flags |= URL_F_IP;
    return true;
}

/* idn_ascii - IDNA ASCII form of a UTF-8 host (UTS #46, then transitional), or NULL */
static char *idn_ascii(const char *h)
{
    static const int fl[] = {IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT,
                             IDN2_TRANSITIONAL | IDN2_NFC_INPUT};
    for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
        char *out = NULL;
        if (idn2_to_ascii_8z(h, &out, fl[i]) == IDN2_OK && out) {
            char *r = xstrdup(out);
            idn2_free(out);
            str_lower(r);
            return r;
        }
        idn2_free(out);
    }
    return NULL;
}

/* set_name - host name with IDN handling; a failed conversion keeps the host as is */
static void set_name(URL *u, const char *h)
{
    bool ascii = true;
    for (const char *c = h; *c; c++)
        ascii = ascii && (unsigned char)*c < 0x80;
    if (!ascii) {
        u->flags |= URL_F_IDN;
        u->host = utf8_valid(h, strlen(h)) ? idn_ascii(h) : NULL;
        if (u->host == NULL) {
            u->host = xstrdup(h);
            u->host_unicode = utf8_valid(h, strlen(h)) ? xstrdup(h) : NULL;
            return;
        }
    } else {
        u->host = xstrdup(h);
        if (strncmp(h, "xn--", 4) != 0 && strstr(h, ".xn--") == NULL)
            return;
        u->flags |= URL_F_IDN;
    }
    char *out = NULL;
    if (idn2_to_unicode_8z8z(u->host, &out, 0) == IDN2_OK && out)
        u->host_unicode = xstrdup(out);
    idn2_free(out);
}

/* host_ok - reject hosts no browser would open: forbidden bytes; for web schemes also
 * empty names and single labels other than localhost */
static bool host_ok(const URL *u, int kind)
{
    const char *h = u->host ? u->host : "";
    for (const char *c = h; *c; c++) {
        unsigned char b = (unsigned char)*c;
        if (b <= 0x20 || b == 0x7f || strchr("#%/:<>?@[\\]^|", b))
            return false;
    }
    if (kind == K_FILE || (u->flags & URL_F_IP))
        return true;
    return *h && (strchr(h, '.') || strcmp(h, "localhost") == 0);
}

/* set_host - decode, lower-case and classify the host text h (n bytes) */
static bool set_host(URL *u, const char *h, size_t n, bool v6, int kind)
{
    BUF *b = buf_new(n + 1);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *x = (const unsigned char *)h + i;
        int c = x[0];
        if (c == '%' && i + 2 < n && url_hexv(x[1]) >= 0 && url_hexv(x[2]) >= 0) {
            c = url_hexv(x[1]) << 4 | url_hexv(x[2]);
            i += 2;
        }
        buf_putc(b, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); /* ASCII only: UTF-8 stays */
    }
    bool ok;
    uint32_t a;
    if (strlen(b->data) != b->len) { /* a NUL byte, raw or %00, is never part of a host */
        ok = false;
    } else if (v6) {
        ok = set_v6(u, b->data);
    } else if (b->len == 0) {
        ok = kind == K_FILE; /* file:///path */
    } else {
        set_name(u, b->data); /* then drop trailing dots: IDN maps "\u3002" to one too */
        for (size_t k = strlen(u->host); k && u->host[k - 1] == '.';)
            u->host[--k] = 0;
        if (ipv4_parse(u->host, &a)) {
            free(u->host);
            u->host = xasprintf("%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
            u->ip = xstrdup(u->host);
            u->flags |= URL_F_IP;
            if (strlen(u->ip) != n || memcmp(u->ip, h, n) != 0)
                u->flags |= URL_F_IP_OBFUSCATED;
        }
        ok = host_ok(u, kind);
    }
    buf_free(b);
    return ok;
}

/* set_port - read the port after ':'; *rest gets what follows the digits */
static bool set_port(URL *u, const char *p, const char *end, const SCHEME *sc, const char **rest)
{
    long v = 0;
    size_t nd = 0;
    for (; p < end && isdigit((unsigned char)*p); p++, nd++) {
        v = v * 10 + (*p - '0');
        if (nd >= 5 || v > 65535)
            return false;
    }
    if (nd == 0 && p < end)
        return false;
    u->port = v == sc->port ? 0 : (int)v;
    *rest = p;
    return true;
}

/* set_authority - userinfo, host and port out of an undefanged authority a (n bytes) */
static bool set_authority(URL *u, const char *a, size_t n, const SCHEME *sc, const char **rest)
{
    const char *at = memrchr(a, '@', n), *end = a + n, *colon;
    if (at) {
        if (at > a) {
            u->userinfo = xstrndup(a, (size_t)(at - a));
            u->flags |= URL_F_USERINFO;
        }
        a = at + 1;
    }
    *rest = end;
    if (a < end && *a == '[') {
        const char *rb = memchr(a, ']', (size_t)(end - a));
        if (rb == NULL || (rb + 1 < end && rb[1] != ':'))
            return false;
        colon = rb + 1 < end ? rb + 1 : NULL;
        if (!set_host(u, a + 1, (size_t)(rb - a - 1), true, sc->kind))
            return false;
    } else {
        colon = memchr(a, ':', (size_t)(end - a));
        if (!set_host(u, a, (size_t)((colon ? colon : end) - a), false, sc->kind))
            return false;
    }
    return colon == NULL || set_port(u, colon + 1, end, sc, rest);
}

/* parse_hier - scheme://authority/path URLs (http, https, ftp, ftps, file) */
static URL *parse_hier(const char *s, size_t len, const SCHEME *sc, unsigned flags)
{
    const char *p = s + sc->end, *end = s + len, *rest;
    size_t nsl = 0;
    while (p < end && (*p == '/' || *p == '\\'))
        p++, nsl++;
    if (nsl == 0 && !(flags & URL_F_NO_SCHEME))
        return NULL;
    if (sc->kind == K_FILE && nsl > 2)
        p--; /* file:///C:/x has an empty authority */
    const char *ae = p;
    while (ae < end && *ae != '/' && *ae != '\\' && *ae != '?' && *ae != '#')
        ae++;
    URL *u = xcalloc(1, sizeof(*u));
    u->flags = flags;
    BUF *auth = buf_new((size_t)(ae - p) + 1);
    undefang(auth, p, (size_t)(ae - p), &u->flags);
    bool ok = set_authority(u, auth->data, auth->len, sc, &rest);
    if (ok) {
        BUF *b = buf_new(64);
        const char *rend = auth->data + auth->len;
        buf_printf(b, "%s://%s%s", sc->name, u->userinfo ? u->userinfo : "",
                   u->userinfo ? "@" : "");
        const char *host = u->host ? u->host : "";
        if (strchr(host, ':'))
            buf_printf(b, "[%s]", host);
        else
            buf_puts(b, host);
        if (u->port)
            buf_printf(b, ":%d", u->port);
        size_t pstart = b->len;
        buf_cat(b, rest, (size_t)(rend - rest));
        if (rest == rend && (ae == end || *ae == '?' || *ae == '#'))
            buf_putc(b, '/');
        buf_cat(b, ae, (size_t)(end - ae));
        u->path = xstrdup(b->data + pstart);
        u->normalized = buf_steal(b, NULL);
        buf_free(b);
        u->raw = xstrndup(s, len);
        u->scheme = xstrdup(sc->name);
    }
    buf_free(auth);
    return ok ? u : url_free(u);
}

/* parse_opaque - scheme:rest URLs without an authority (data:, javascript:, ms-*: ...) */
static URL *parse_opaque(const char *s, size_t len, const SCHEME *sc, unsigned flags)
{
    const char *rest = s + sc->end;
    size_t rl = len - sc->end;
    /* plausibility, so prose such as "Data: none" or "search: foo" is not a URL */
    if (rl == 0 || (strcmp(sc->name, "data") == 0 && !memchr(rest, ',', rl)) ||
        (strncmp(sc->name, "search", 6) == 0 && !memchr(rest, '=', rl)))
        return NULL;
    URL *u = xcalloc(1, sizeof(*u));
    u->flags = flags;
    u->raw = xstrndup(s, len);
    u->scheme = xstrdup(sc->name);
    u->path = xstrndup(rest, rl);
    u->normalized = xasprintf("%s:%s", u->scheme, u->path);
    return u;
}

/* parse - url_parse with context bits: P_HTML (//host allowed), P_BARE (no scheme) */
static URL *parse(const char *s, size_t len, unsigned ctx)
{
    unsigned flags = ctx & P_HTML ? URL_F_HTML : 0;
    SCHEME sc;
    while (len && (unsigned char)*s <= 0x20)
        s++, len--;
    while (len && (unsigned char)s[len - 1] <= 0x20)
        len--;
    if (len > URL_MAX_LEN) {
        len = utf8_cut(s, URL_MAX_LEN);
        flags |= URL_F_LONG;
    }
    bool www = len >= 4 && strncasecmp(s, "www.", 4) == 0;
    if (!www) /* "www.x.com:8080" is not scheme "www.x.com" */
        scheme_at(s, len, &sc);
    if (www || sc.kind == K_NONE) {
        bool rel = (ctx & P_HTML) && len >= 2 && s[0] == '/' && s[1] == '/';
        if (!www && !rel && !(ctx & P_BARE))
            return NULL;
        sc = (SCHEME){.name = "http", .kind = K_HIER, .port = 80};
        flags |= URL_F_NO_SCHEME;
    }
    flags |= sc.flags;
    if (sc.kind == K_OPAQUE)
        return parse_opaque(s, len, &sc, flags);
    if (sc.kind == K_HIER || sc.kind == K_FILE)
        return parse_hier(s, len, &sc, flags);
    return NULL;
}

/* url_parse - normalize one URL (see url.h); NULL when s is not one */
URL *url_parse(const char *s, size_t len)
{
    return s ? parse(s, len, 0) : NULL;
}

/* url_free - release a URL; accepts NULL, returns NULL */
URL *url_free(URL *u)
{
    if (u == NULL)
        return NULL;
    char *f[] = {u->raw,          u->normalized, u->scheme, u->userinfo, u->host,
                 u->host_unicode, u->ip,         u->path,   u->text};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        free(f[i]);
    for (size_t i = 0; i < u->nwhere; i++)
        free(u->where[i]);
    free(u);
    return NULL;
}

/* ---------------------------------------------------------------- the set */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* sipround - one SipHash round */
static void sipround(uint64_t v[4])
{
    v[0] += v[1], v[1] = ROTL(v[1], 13), v[1] ^= v[0], v[0] = ROTL(v[0], 32);
    v[2] += v[3], v[3] = ROTL(v[3], 16), v[3] ^= v[2];
    v[0] += v[3], v[3] = ROTL(v[3], 21), v[3] ^= v[0];
    v[2] += v[1], v[1] = ROTL(v[1], 17), v[1] ^= v[2], v[2] = ROTL(v[2], 32);
}

/* siphash - SipHash-1-3 of a string under key k (keyed, so probe chains stay short) */
static uint64_t siphash(const uint64_t k[2], const char *s)
{
    size_t n = strlen(s), i;
    uint64_t v[4] = {k[0] ^ 0x736f6d6570736575ULL, k[1] ^ 0x646f72616e646f6dULL,
                     k[0] ^ 0x6c7967656e657261ULL, k[1] ^ 0x7465646279746573ULL};
    uint64_t m, b = (uint64_t)n << 56;
    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&m, s + i, 8);
        v[3] ^= m, sipround(v), v[0] ^= m;
    }
    for (size_t j = 0; i + j < n; j++)
        b |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    v[3] ^= b, sipround(v), v[0] ^= b;
    v[2] ^= 0xff;
    sipround(v), sipround(v), sipround(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* index_find - position plus one of the URL normalized as s, or 0 */
static size_t index_find(const URLSET *set, const char *s, uint64_t h)
{
    const INDEX *ix = set->index;
    for (size_t i = h & (ix->cap - 1); ix->cap; i = (i + 1) & (ix->cap - 1)) {
        if (ix->slot[i] == 0)
            return 0;
        if (ix->hash[i] == h && strcmp(set->v[ix->slot[i] - 1]->normalized, s) == 0)
            return ix->slot[i];
    }
    return 0;
}

/* index_slot - store (h, pos) in the first free slot of h's probe sequence */
static void index_slot(INDEX *ix, uint64_t h, size_t pos)
{
    size_t i = h & (ix->cap - 1);
    while (ix->slot[i])
        i = (i + 1) & (ix->cap - 1);
    ix->hash[i] = h;
    ix->slot[i] = pos + 1;
}

/* index_put - record position pos under hash h; the table doubles at half load, so
 * probe sequences stay short and the amortized cost per URL is O(1) */
static void index_put(INDEX *ix, size_t count, uint64_t h, size_t pos)
{
    if ((count + 1) * 2 > ix->cap) {
        INDEX old = *ix;
        ix->cap = old.cap ? old.cap * 2 : 64;
        ix->hash = xcalloc(ix->cap, sizeof(*ix->hash));
        ix->slot = xcalloc(ix->cap, sizeof(*ix->slot));
        for (size_t i = 0; i < old.cap; i++)
            if (old.slot[i])
                index_slot(ix, old.hash[i], old.slot[i] - 1);
        free(old.hash);
        free(old.slot);
    }
    index_slot(ix, h, pos);
}

/* urlset_new - an empty set holding at most max_urls distinct URLs */
URLSET *urlset_new(size_t max_urls)
{
    URLSET *set = xcalloc(1, sizeof(*set));
    INDEX *ix = xcalloc(1, sizeof(*ix));
    set->max = max_urls;
    set->index = ix;
    if (getrandom(ix->key, sizeof(ix->key), GRND_NONBLOCK) != (ssize_t)sizeof(ix->key)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ix->key[0] = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32 ^ (uint64_t)(uintptr_t)ix;
        ix->key[1] = ix->key[0] * 0x9e3779b97f4a7c15ULL;
    }
    return set;
}

/* urlset_free - release a set and its URLs; accepts NULL, returns NULL */
URLSET *urlset_free(URLSET *set)
{
    if (set == NULL)
        return NULL;
    for (size_t i = 0; i < set->n; i++)
        url_free(set->v[i]);
    free(set->v);
    INDEX *ix = set->index;
    free(ix->hash);
    free(ix->slot);
    free(ix);
    free(set);
    return NULL;
}

/* add_where - record "<where> <src>" once, up to URL_MAX_WHERE places */
static void add_where(URL *u, const char *where, const char *src)
{
    size_t wl = where && *where ? strlen(where) : 0;
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *w = u->where[i];
        if (wl ? strncmp(w, where, wl) == 0 && w[wl] == ' ' && strcmp(w + wl + 1, src) == 0
               : strcmp(w, src) == 0)
            return;
    }
    if (u->nwhere < URL_MAX_WHERE)
        u->where[u->nwhere++] = wl ? xasprintf("%s %s", where, src) : xstrdup(src);
}

/* set_add - keep u, or merge it into the URL with the same normalized form; NULL if
 * u is NULL or was dropped because the set is full. *at (when not NULL): set->v index + 1 */
static URL *set_add(URLSET *set, URL *u, const char *where, const char *src, size_t *at)
{
    if (u == NULL)
        return NULL;
    INDEX *ix = set->index;
    uint64_t h = siphash(ix->key, u->normalized);
    size_t k = index_find(set, u->normalized, h);
    if (k) {
        URL *old = set->v[k - 1];
        *(at ? at : &k) = k;
        old->flags |= u->flags;
        url_free(u);
        add_where(old, where, src);
        return old;
    }
    if (set->n >= set->max) {
        set->dropped++;
        set->overflow = true;
        url_free(u);
        return NULL;
    }
    XGROW(set->v, set->n, set->cap);
    index_put(ix, set->n, h, set->n);
    set->v[set->n++] = u;
    *(at ? at : &k) = set->n;
    add_where(u, where, src);
    return u;
}

/* ---------------------------------------------------------------- plain text */

/* url_add - parse s as one URL and add it at "<where> <src>" (see mime/url.h) */
size_t url_add(URLSET *set, const char *s, size_t len, const char *where, const char *src)
{
    URL *u = url_parse(s, len < URL_MAX_LEN ? len : URL_MAX_LEN);
    size_t at = 0;
    if (set == NULL)
        url_free(u);
    else
        set_add(set, u, where, src, &at);
    return at;
}

/* stop_at - the byte at s[j] ends a URL in text: white space (NBSP too), quotes, <> */
static bool stop_at(const char *s, size_t n, size_t j)
{
    unsigned char c = (unsigned char)s[j];
    if (c <= 0x20 || c == 0x7f || strchr("<>\"'`", c))
        return true;
    return c == 0xc2 && j + 1 < n && (unsigned char)s[j + 1] == 0xa0;
}

/* url_end - end of the URL whose body starts at i: the next delimiter, less trailing
 * punctuation; a ')', ']' or '}' stays when it closes one opened inside the URL */
static size_t url_end(const char *s, size_t n, size_t i)
{
    static const char open[] = "([{", close[] = ")]}";
    long depth[3] = {0, 0, 0};
    size_t j = i;
    for (const char *o; j < n && !stop_at(s, n, j); j++) { /* stop_at stops at NUL */
        if ((o = strchr(open, s[j])) != NULL)
            depth[o - open]++;
        else if ((o = strchr(close, s[j])) != NULL)
            depth[o - close]--;
    }
    for (const char *c; j > i; j--) {
        if ((c = strchr(close, s[j - 1])) != NULL && depth[c - close] < 0)
            depth[c - close]++;
        else if (!strchr(".,;:!?", s[j - 1]))
            break;
    }
    return j;
}

/* try_url - parse the candidate s[from..] (body at body) and add it; its end. With a
 * prefix ("http://" for "h t t p : / /"), prefix + body is parsed and is the raw form. */
static size_t try_url(const CTX *c, const char *s, size_t n, size_t from, size_t body, unsigned ctx,
                      const char *prefix)
{
    size_t e = url_end(s, n, body);
    URL *u;
    if (prefix) {
        BUF *b = buf_new(e - body + 16);
        buf_puts(b, prefix);
        buf_cat(b, s + body, e - body);
        if ((u = parse(b->data, b->len, ctx)) != NULL)
            u->flags |= URL_F_DEFANGED;
        buf_free(b);
    } else {
        u = parse(s + from, e - from, ctx);
    }
    set_add(c->set, u, c->where, "text", NULL);
    return e > body ? e : body;
}

/* word_byte - part of a word: a scheme must not start after one ("xhttp://") */
static bool word_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* spaced_scheme - length of "h t t p s : / /" (letters spaced apart), or 0 */
static size_t spaced_scheme(const char *s, size_t n, bool *tls)
{
    static const char pat[] = "https://";
    size_t i = 0;
    size_t sp = 0;
    *tls = false;
    for (size_t k = 0; k < 8; k++) {
        if (k == 4 && (i >= n || tolower((unsigned char)s[i]) != 's'))
            continue; /* the 's' is optional */
        if (i >= n || tolower((unsigned char)s[i]) != pat[k])
            return 0;
        *tls = *tls || k == 4;
        for (i++; i < n && s[i] == ' ' && sp < 16; i++)
            sp++;
    }
    return sp >= 3 ? i : 0; /* fewer spaces: the ordinary scheme path handles it */
}

/* try_scheme - a scheme URL or www. host starting at s[i]; end of what was used, or 0 */
static size_t try_scheme(const CTX *c, const char *s, size_t n, size_t i)
{
    SCHEME sc;
    bool tls;
    size_t sl = spaced_scheme(s + i, n - i, &tls);
    if (sl)
        return try_url(c, s, n, i, i + sl, 0, tls ? "https://" : "http://");
    if (n - i >= 4 && strncasecmp(s + i, "www.", 4) == 0) {
        if (i > 0 && (s[i - 1] == '@' || s[i - 1] == '.' || s[i - 1] == '-'))
            return 0; /* part of a mail address or a longer host name */
        return try_url(c, s, n, i, i, 0, NULL);
    }
    scheme_at(s + i, n - i, &sc);
    if (sc.kind == K_SKIP) { /* mailto:, tel:: skip the address, do not mine it */
        size_t j = i;
        while (j < n && !stop_at(s, n, j))
            j++;
        return j;
    }
    if (sc.kind == K_NONE || sc.kind == K_UNKNOWN)
        return 0;
    return try_url(c, s, n, i, i + sc.end, 0, NULL);
}

/* scan_text - find URLs in text; the position only moves forward (see the top note) */
static void scan_text(const CTX *c, const char *s, size_t n)
{
    size_t i = 0;
    size_t word = 0; /* word: start of the run of host bytes before i */
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        size_t e = 0, m;
        if (isalpha(ch) && (i == 0 || !word_byte((unsigned char)s[i - 1])))
            e = try_scheme(c, s, n, i);
        else if (i > word && (word == 0 || s[word - 1] != '@') && (m = dot_len(s + i, n - i)) &&
                 i + m < n && isalnum((unsigned char)s[i + m]))
            e = try_url(c, s, n, word, word, P_BARE, NULL); /* example[.]com */
        if (e > i) {
            i = word = e;
            continue;
        }
        i++;
        if (!(isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch >= 0x80))
            word = i;
    }
}

/* url_extract_text - find URLs in plain text (see url.h) */
void url_extract_text(URLSET *set, const char *text, size_t len, const char *where)
{
    CTX c = {set, where};
    if (set && text)
        scan_text(&c, text, len);
}

/* ---------------------------------------------------------------- HTML */

/* html_url - sink: parse an attribute value; relative references come back NULL */
static void *html_url(void *ctx, char *v, size_t len, const char *src)
{
    CTX *c = ctx;
    return set_add(c->set, parse(v, len, P_HTML), c->where, src, NULL);
}

/* html_text - sink: text between tags, and script contents */
static void html_text(void *ctx, const char *s, size_t len)
{
    scan_text(ctx, s, len);
}

/* html_anchor - sink: the first non-empty display text of an <a> is kept with its URL */
static void html_anchor(void *ctx, void *handle, const char *text, size_t len)
{
    URL *u = handle;
    (void)ctx;
    if (u && u->text == NULL && len)
        u->text = xstrndup(text, len);
}

/* url_extract_html - find URLs in HTML (see url.h) */
void url_extract_html(URLSET *set, const char *html, size_t len, const char *where)
{
    static const HTML_SINK sink = {html_url, html_text, html_anchor};
    CTX c = {set, where};
    if (set && html)
        html_walk(html, len, URL_MAX_TEXT, &sink, &c);
}
