/*
 * heur/url - URL heuristics over the message's URL set (see heur/url.h)
 *
 * Symbols and what they mean are listed in rules/scoring.conf. Everything here is pure:
 * no I/O, no library beyond libc and lib/, no regular expressions.
 *
 * URLs: each URL of the set is reported at its first place (where[0] less its source
 * word) with the URL, cut to DETAIL_URL bytes, as detail; hits_add sanitizes it. Links
 * to allow-listed domains are skipped entirely. Defanged URLs are analysed like the
 * others: dedup ORs flags, so skipping them would let a sender hide a live link behind a
 * defanged copy. The display-text check needs the <a> text to name a host (a URL, a
 * www. name or host.tld with a well-known TLD, so `Node.js` or `README.md` do not
 * count) and compares registrable domains: the last two labels, three under a
 * two-level public suffix from a small table (co.uk, com.au ...). All per-URL work is
 * linear in the URL and its display text (bounded by URL_MAX_TEXT).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "core/lists.h"
#include "heur/name.h"
#include "heur/url.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/words.h"

#define DETAIL_NAME 120 /* bytes of a user name quoted in a detail */
#define DETAIL_URL  160 /* bytes of a URL quoted in a detail */
#define HOST_MAX    256 /* display-text host kept for comparison */

static const char archive_exts[] = "zip rar 7z gz tgz tar bz2 xz cab ace arj lzh r00 "
                                   "iso img vhd vhdx";
/* where[] sources that load a resource rather than offer a link */
static const char embed_srcs[] = "src srcset background poster lowsrc dynsrc cite longdesc";
/* two-level public suffixes under which the registrable domain has three labels */
static const char two_level[] =
    "co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk com.au net.au org.au edu.au "
    "gov.au co.nz org.nz net.nz govt.nz co.jp ne.jp or.jp ac.jp go.jp co.za org.za com.br "
    "net.br org.br gov.br com.cn net.cn org.cn gov.cn com.mx com.ar com.tr co.in net.in org.in "
    "co.kr or.kr co.il com.sg com.hk com.tw com.my co.id co.th com.vn com.ph com.ua com.pl "
    "com.es com.pk com.ng co.ke com.eg com.sa com.co com.pe co.at or.at";
/* TLDs a bare `host.tld` in display text must end in (file names such as Node.js,
 * README.md or setup.py must not pass for domains) */
static const char known_tlds[] =
    "com net org edu gov mil int info biz name pro mobi io co me tv app dev xyz online site "
    "shop store top club live tech cloud email link click page blog news art ly gl uk de fr "
    "it es nl be ch at se no dk fi ie pt gr cz sk hu ro bg ru ua by kz jp cn kr in au nz ca "
    "us br mx ar cl pe za tr il sg hk tw my id th vn ph eu pl lt lv ee si hr ae sa qa eg ng "
    "ke ma ir pk bd lk";
static const char office_schemes[] = "ms-word ms-excel ms-powerpoint ms-visio ms-access "
                                     "ms-project ms-publisher ms-spd ms-infopath";
static const char bad_schemes[] = "vbscript file search-ms search ms-msdt ms-officecmd ms-cxh "
                                  "ms-cxh-full ms-appinstaller ms-its";

typedef struct UREP {
    HEUR_CTX *c;
    const URLSET *set;
    const URL *u;
    const char *loc; /* where the URL was first found */
} UREP;

/* report - one URL finding at the URL's first place */
static void report(const UREP *r, const char *symbol, const char *why)
{
    hits_add(r->c->hits, symbol, r->loc, "%s%s%.*s", why ? why : "", why ? ": " : "", DETAIL_URL,
             r->u->raw ? r->u->raw : r->u->normalized);
}

/* trivial_js - javascript: hrefs that do nothing ("void(0)", ";"), common in templates */
static bool trivial_js(const char *p)
{
    char t[16];
    size_t n = 0;
    for (; *p && n < sizeof(t) - 1; p++)
        if (*p != ' ' && *p != '\t')
            t[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    if (*p)
        return false;
    t[n] = 0;
    return words_has("void(0) void(0); void0 void0; ; // returnfalse returnfalse;", t, n) || n == 0;
}

/* only_in_text - every place of the URL is plain text (no href, src or action) */
static bool only_in_text(const URL *u)
{
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *sp = strrchr(u->where[i], ' ');
        if (sp == NULL || strcmp(sp + 1, "text") != 0)
            return false;
    }
    return u->nwhere > 0;
}

/* only_in_markup - every place of the URL is an HTML/SVG link attribute: a javascript: URL
 * there is code of the page, judged with its scripts in the decoded:script layer
 * (heur/html.h), not a second time as a link */
static bool only_in_markup(const URL *u)
{
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *sp = strrchr(u->where[i], ' ');
        const char *a = sp ? sp + 1 : u->where[i];
        if (!words_hasz("href src action formaction xlink:href", a))
            return false;
    }
    return u->nwhere > 0;
}

/* scheme_danger - why the URL's scheme is dangerous, or NULL */
static const char *scheme_danger(const URL *u)
{
    const char *s = u->scheme ? u->scheme : "";
    const char *p = u->path ? u->path : "";
    if (strcmp(s, "javascript") == 0) /* in plain text a mention: no client follows it */
        return trivial_js(p) || only_in_text(u) || only_in_markup(u) ? NULL : "javascript: link";
    if (strcmp(s, "data") == 0) /* inline images are everyday HTML mail; SVG can script */
        return str_istarts(p, "image/") && !str_istarts(p, "image/svg") ? NULL : "data: URL";
    if (strcmp(s, "vbscript") == 0 && only_in_text(u))
        return NULL; /* a quoted command line, not a link */
    if (words_hasz(bad_schemes, s))
        return "dangerous scheme";
    if (words_hasz(office_schemes, s) && /* command form, or the abbreviated ms-word:<uri> */
        (str_istarts(p, "ofe|") || str_istarts(p, "ofv|") || str_istarts(p, "nft|") ||
         str_istarts(p, "http:") || str_istarts(p, "https:") || str_istarts(p, "file:") ||
         str_istarts(p, "\\\\")))
        return "Office URI opening a remote document";
    return NULL;
}

/* mixed_script - a label of the Unicode host mixes Latin, Cyrillic and Greek letters */
static bool mixed_script(const char *h)
{
    const unsigned char *u = (const unsigned char *)h;
    size_t n = strlen(h);
    unsigned seen = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        size_t l = utf8_seq(u + i, n - i, &cp);
        if (l == 0) {
            cp = 0;
            l = 1;
        }
        if (cp == '.')
            seen = 0;
        else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            seen |= 1;
        else if ((cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
                 (cp >= 0x1e00 && cp <= 0x1eff))
            seen |= 1;
        else if ((cp >= 0x400 && cp <= 0x52f) || (cp >= 0x1c80 && cp <= 0x1c8f) ||
                 (cp >= 0x2de0 && cp <= 0x2dff) || (cp >= 0xa640 && cp <= 0xa69f))
            seen |= 2;
        else if ((cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x1f00 && cp <= 0x1fff))
            seen |= 4;
        if (seen && (seen & (seen - 1))) /* two scripts in one label */
            return true;
        i += l;
    }
    return false;
}

/* host_checks - IP literals, IDN tricks, userinfo, shorteners, block list */
static void host_checks(const UREP *r)
{
    const URL *u = r->u;
    if (u->flags & URL_F_IP)
        report(r, "URL_IP_LITERAL", "IP address host");
    if (u->flags & URL_F_IP_OBFUSCATED)
        hits_add(r->c->hits, "URL_IP_OBFUSCATED", r->loc, "host written as %.*s is %s", DETAIL_URL,
                 u->raw ? u->raw : "", u->ip ? u->ip : "?");
    if (u->flags & URL_F_IDN)
        hits_add(r->c->hits, "URL_PUNYCODE", r->loc, "IDN host %.*s (%.*s)", DETAIL_URL,
                 u->host_unicode ? u->host_unicode
                 : u->host       ? u->host
                                 : "",
                 DETAIL_URL, u->host ? u->host : "");
    const char *uh = u->host_unicode ? u->host_unicode : u->host;
    if ((u->flags & URL_F_IDN) && uh && mixed_script(uh))
        hits_add(r->c->hits, "URL_MIXED_SCRIPT", r->loc, "host %.*s mixes scripts in a label",
                 DETAIL_URL, uh);
    if ((u->flags & URL_F_USERINFO) && u->userinfo)
        hits_add(r->c->hits, "URL_USERINFO", r->loc, "'%.*s@' before host %.*s", DETAIL_NAME,
                 u->userinfo, DETAIL_NAME, u->host ? u->host : "");
    if (u->host && lists_domain_in(r->c->lists, LIST_SHORTENERS, u->host))
        report(r, "URL_SHORTENER", NULL);
    if (u->host && lists_domain_in(r->c->lists, LIST_BLOCK_DOMAINS, u->host))
        report(r, "URL_BLOCKLISTED", "block-listed domain");
}

/* offered - the URL was offered as a link somewhere, not only loaded as a resource */
static bool offered(const URL *u)
{
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *sp = strrchr(u->where[i], ' ');
        if (!words_hasz(embed_srcs, sp ? sp + 1 : u->where[i]))
            return true;
    }
    return u->nwhere == 0;
}

/* path_checks - links to executables, scripts and archives (by the last path segment) */
static void path_checks(const UREP *r)
{
    const URL *u = r->u;
    if (u->path == NULL || !words_hasz("http https ftp ftps file", u->scheme) || !offered(u))
        return;
    size_t end = strcspn(u->path, "?#");
    size_t seg = end;
    while (seg > 0 && u->path[seg - 1] != '/' && u->path[seg - 1] != '\\')
        seg--;
    NAME nm;
    name_parse(u->path + seg, end - seg, &nm);
    if (nm.ext[0] == 0)
        return;
    /* ".com" ends redirector paths that embed a host (/r/www.example.com), not programs */
    if (strcmp(nm.ext, "com") != 0 && lists_has(r->c->lists, LIST_DANGEROUS_EXT, nm.ext))
        report(r, "URL_EXECUTABLE_LINK", nm.ext);
    else if (words_hasz(archive_exts, nm.ext))
        report(r, "URL_ARCHIVE_LINK", nm.ext);
}

/* registrable - offset of the registrable domain in h[0..n): last two labels, or three
 * under a two-level public suffix */
static size_t registrable(const char *h, size_t n)
{
    size_t d1 = n, d2, d3;
    while (d1 > 0 && h[d1 - 1] != '.')
        d1--;
    if (d1 == 0)
        return 0;
    for (d2 = d1 - 1; d2 > 0 && h[d2 - 1] != '.';)
        d2--;
    if (d2 == 0 || !words_has(two_level, h + d2, n - d2))
        return d2;
    for (d3 = d2 - 1; d3 > 0 && h[d3 - 1] != '.';)
        d3--;
    return d3;
}

/* host_shape - h[0..n) is a plausible host: labels of letters, digits, '-' or UTF-8,
 * at least two; `strong` (written with a scheme or www.) or a well-known TLD */
static bool host_shape(const char *h, size_t n, bool strong)
{
    size_t labels = 1;
    size_t last = 0;
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)h[i];
        if (b == '.') {
            if (i == last || i + 1 == n)
                return false;
            labels++;
            last = i + 1;
        } else if (!(name_ext_byte(h[i]) || b >= 0x80) || b == '_') {
            return false;
        }
        digits = digits && (b == '.' || (b >= '0' && b <= '9'));
    }
    if (labels < 2)
        return false;
    if (digits)
        return labels == 4; /* a dotted quad */
    bool alpha = n - last >= 2;
    for (size_t i = last; i < n; i++)
        alpha = alpha && (((h[i] | 0x20) >= 'a' && (h[i] | 0x20) <= 'z') || (h[i] & 0x80));
    return alpha && (strong || words_has(known_tlds, h + last, n - last));
}

/* token_host - the host named by one display-text token t[0..n), lower-cased into out */
static bool token_host(const char *t, size_t n, char out[HOST_MAX])
{
    bool strong = false;
    if (n >= 7 && strncasecmp(t, "http://", 7) == 0) {
        t += 7;
        n -= 7;
        strong = true;
    } else if (n >= 8 && strncasecmp(t, "https://", 8) == 0) {
        t += 8;
        n -= 8;
        strong = true;
    }
    size_t a = 0;
    while (a < n && !strchr("/?#\\", t[a]))
        a++;
    const char *at = memrchr(t, '@', a);
    if (at && !strong)
        return false; /* a mail address */
    if (at) {
        a -= (size_t)(at + 1 - t);
        t = at + 1;
    }
    const char *colon = memchr(t, ':', a);
    if (colon)
        a = (size_t)(colon - t);
    strong = strong || (a > 4 && strncasecmp(t, "www.", 4) == 0);
    if (a == 0 || a >= HOST_MAX || !host_shape(t, a, strong))
        return false;
    for (size_t i = 0; i < a; i++)
        out[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] - 'A' + 'a' : t[i]);
    out[a] = 0;
    return true;
}

/* display_host - the first host the display text names, into out */
static bool display_host(const char *text, char out[HOST_MAX])
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ");
        size_t b = 0;
        size_t e = n;
        while (b < e && strchr("<([{\"'", p[b]))
            b++;
        while (e > b && strchr(">)]}\"'.,;:!?", p[e - 1]))
            e--;
        if (token_host(p + b, e - b, out))
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

/* wrapped_to - the link is a redirect wrapper whose target (or its target's, a few levels:
 * mime/redirect.h set URL.target) is in the display text's registrable domain dh[dr..dn) */
static bool wrapped_to(const UREP *r, const char *dh, size_t dn, size_t dr, bool idn)
{
    size_t k = r->u->target;
    for (int depth = 0; k > 0 && k <= r->set->n && depth < 8; depth++) {
        const URL *t = r->set->v[k - 1];
        const char *th = t->ip ? t->ip : idn && t->host_unicode ? t->host_unicode : t->host;
        if (th) {
            size_t tn = strlen(th);
            size_t tr = t->ip ? 0 : registrable(th, tn);
            size_t d0 = t->ip ? 0 : dr;
            if (dn - d0 == tn - tr && strncasecmp(dh + d0, th + tr, dn - d0) == 0)
                return true;
        }
        k = t->target;
    }
    return false;
}

/* display_checks - the <a> text names a host of another registrable domain */
static void display_checks(const UREP *r)
{
    const URL *u = r->u;
    char dh[HOST_MAX];
    if (u->text == NULL || u->host == NULL || !display_host(u->text, dh))
        return;
    bool idn = false;
    for (const char *p = dh; *p; p++)
        idn = idn || (*p & 0x80);
    const char *hh = u->ip ? u->ip : idn && u->host_unicode ? u->host_unicode : u->host;
    size_t dn = strlen(dh);
    size_t hn = strlen(hh);
    size_t dr = u->ip ? 0 : registrable(dh, dn);
    size_t hr = u->ip ? 0 : registrable(hh, hn);
    if (dn - dr == hn - hr && strncasecmp(dh + dr, hh + hr, dn - dr) == 0)
        return;
    if (wrapped_to(r, dh, dn, dr, idn))
        return; /* a link wrapper (safelinks, urldefense ...) around the named host */
    hits_add(r->c->hits, "URL_DISPLAY_MISMATCH", r->loc, "text names %s, link goes to %.*s", dh,
             DETAIL_URL, hh);
}

/* url_check - every URL check on one URL, reported at its first place */
static void url_check(HEUR_CTX *c, const URLSET *set, const URL *u, BUF *loc)
{
    if (u->host && lists_domain_in(c->lists, LIST_ALLOW_DOMAINS, u->host))
        return;
    buf_reset(loc);
    const char *w = u->nwhere ? u->where[0] : NULL;
    const char *sp = w ? strrchr(w, ' ') : NULL;
    if (sp)
        buf_cat(loc, w, (size_t)(sp - w)); /* "1.2 href" -> "1.2" */
    else
        buf_puts(loc, c->location ? c->location : "message");
    UREP r = {c, set, u, loc->data};
    const char *why = scheme_danger(u);
    if (why)
        report(&r, "URL_DANGEROUS_SCHEME", why);
    host_checks(&r);
    path_checks(&r);
    display_checks(&r);
}

/* heur_url - every URL of the message (see heur/url.h) */
void heur_url(HEUR_CTX *c, const URLSET *urls)
{
    if (c == NULL || urls == NULL)
        return;
    BUF *loc = buf_new(64);
    for (size_t i = 0; i < urls->n; i++)
        if (urls->v[i])
            url_check(c, urls, urls->v[i], loc);
    buf_free(loc);
}

/* heur_remote - see heur/url.h */
bool heur_remote(const char *t, size_t n)
{
    return (n >= 7 && strncasecmp(t, "http://", 7) == 0) ||
           (n >= 8 && strncasecmp(t, "https://", 8) == 0) ||
           (n >= 6 && strncasecmp(t, "ftp://", 6) == 0) ||
           (n > 2 && t[0] == '\\' && t[1] == '\\' && isalnum((unsigned char)t[2]));
}
