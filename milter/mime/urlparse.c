/*
 * mime/urlparse - normalize one URL: url_parse and url_free (see mime/url.h), and the
 * scheme and defang helpers the text scanner of mime/url.c shares (mime/url_int.h)
 *
 * Normal forms: an IPv4 host in any notation becomes its dotted quad in host and ip, so
 * http://3232235777/ and http://192.168.1.1/ are one URL (the first raw form is kept and
 * the flags of every sighting are OR-ed). An IPv6 host is inet_ntop's text in host and
 * ip; the normalized string adds the brackets. Without an authority (data:, ms-msdt:)
 * path holds what follows the colon. Defanged forms are undone in url_parse itself.
 *
 * Contract: input is sender-controlled and not NUL-terminated (s, len); a URL longer than
 * URL_MAX_LEN is cut there (URL_F_LONG). Each byte is read a bounded number of times and
 * nothing recurses. The result is NULL or a URL owned by the caller (url_free).
 * urlparse.c is the only includer of idn2.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mime/url_int.h"

static const struct {
    const char *name;
    int kind;
    int port;
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
    while (i < n && i < 3 && (s[i] == ' ' || s[i] == '\t')) {
        i++;
        sp++;
    }
    if (i < n && s[i] == ':') {
        i++;
    } else if (n - i >= 3 && (s[i] == '[' || s[i] == '(') && s[i + 1] == ':' &&
               s[i + 2] == (s[i] == '[' ? ']' : ')')) {
        i += 3;
        *flags |= URL_F_DEFANGED;
    } else {
        return 0;
    }
    for (size_t k = 0; k < 3 && i < n && (s[i] == ' ' || s[i] == '\t'); k++) {
        i++;
        sp++;
    }
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

/* url_scheme_at - recognise "scheme:" (possibly defanged) at s; sc->kind K_NONE if absent */
void url_scheme_at(const char *s, size_t n, SCHEME *sc)
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

/* url_dot_len - length of a defanged dot ("[.]", "(.)", "[dot]" ...) at s, or 0 */
size_t url_dot_len(const char *s, size_t n)
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
    size_t i = 0;
    while (i < n) {
        size_t m = url_dot_len(p + i, n - i);
        buf_putc(out, m ? '.' : p[i]);
        if (m)
            *flags |= URL_F_DEFANGED;
        i += m ? m : 1;
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
    for (; p < end && isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (nd >= 5 || v > 65535)
            return false;
        nd++;
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
    const char *at = memrchr(a, '@', n);
    const char *end = a + n;
    const char *colon;
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
    const char *p = s + sc->end;
    const char *end = s + len;
    const char *rest;
    size_t nsl = 0;
    while (p < end && (*p == '/' || *p == '\\')) {
        p++;
        nsl++;
    }
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

/* url_parse_ctx - url_parse with context bits: P_HTML (//host allowed), P_BARE (no scheme) */
URL *url_parse_ctx(const char *s, size_t len, unsigned ctx)
{
    unsigned flags = ctx & P_HTML ? URL_F_HTML : 0;
    SCHEME sc;
    while (len && (unsigned char)*s <= 0x20) {
        s++;
        len--;
    }
    while (len && (unsigned char)s[len - 1] <= 0x20)
        len--;
    if (len > URL_MAX_LEN) {
        len = utf8_cut(s, URL_MAX_LEN);
        flags |= URL_F_LONG;
    }
    bool www = len >= 4 && strncasecmp(s, "www.", 4) == 0;
    if (!www) /* "www.x.com:8080" is not scheme "www.x.com" */
        url_scheme_at(s, len, &sc);
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
    return s ? url_parse_ctx(s, len, 0) : NULL;
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
