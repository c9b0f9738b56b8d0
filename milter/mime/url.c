/*
 * mime/url - find and deduplicate URLs in message text and HTML (see mime/url.h); each
 * candidate is normalized by mime/urlparse.c
 *
 * Why the work is linear (all input is sender-controlled): the text scanner only moves
 * forward, reads a scheme name with a bound (SCHEME_MAX) and, after any attempt, jumps
 * past the whole candidate, so each byte is read a bounded number of times by the
 * scanner, url_end and url_parse_ctx (which cuts at URL_MAX_LEN). The HTML walk (html.c)
 * is forward-only too. Dedup is an open-addressing table, grown at half load, hashed with
 * SipHash-1-3 under a per-set getrandom() key: a sender who cannot guess the key cannot
 * build long probe chains. Nothing recurses; anchor text is cut while it is collected.
 * set->dropped counts each sighting of a URL not held (dropped URLs are not remembered,
 * so memory stays bounded by max).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "mime/html.h"
#include "mime/url_int.h"

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

/* ---------------------------------------------------------------- the set */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* sipround - one SipHash round */
static void sipround(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = ROTL(v[1], 13);
    v[1] ^= v[0];
    v[0] = ROTL(v[0], 32);
    v[2] += v[3];
    v[3] = ROTL(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = ROTL(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = ROTL(v[1], 17);
    v[1] ^= v[2];
    v[2] = ROTL(v[2], 32);
}

/* siphash - SipHash-1-3 of a string under key k (keyed, so probe chains stay short) */
static uint64_t siphash(const uint64_t k[2], const char *s)
{
    size_t n = strlen(s);
    size_t i;
    uint64_t v[4] = {k[0] ^ 0x736f6d6570736575ULL, k[1] ^ 0x646f72616e646f6dULL,
                     k[0] ^ 0x6c7967656e657261ULL, k[1] ^ 0x7465646279746573ULL};
    uint64_t m;
    uint64_t b = (uint64_t)n << 56;
    for (i = 0; i + 8 <= n; i += 8) {
        memcpy(&m, s + i, 8);
        v[3] ^= m;
        sipround(v);
        v[0] ^= m;
    }
    for (size_t j = 0; i + j < n; j++)
        b |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
    v[3] ^= b;
    sipround(v);
    v[0] ^= b;
    v[2] ^= 0xff;
    for (int r = 0; r < 3; r++)
        sipround(v);
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
    static const char open[] = "([{";
    static const char close[] = ")]}";
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
        if ((u = url_parse_ctx(b->data, b->len, ctx)) != NULL)
            u->flags |= URL_F_DEFANGED;
        buf_free(b);
    } else {
        u = url_parse_ctx(s + from, e - from, ctx);
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
    url_scheme_at(s + i, n - i, &sc);
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
        size_t e = 0;
        size_t m;
        if (isalpha(ch) && (i == 0 || !word_byte((unsigned char)s[i - 1])))
            e = try_scheme(c, s, n, i);
        else if (i > word && (word == 0 || s[word - 1] != '@') && (m = url_dot_len(s + i, n - i)) &&
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
    return set_add(c->set, url_parse_ctx(v, len, P_HTML), c->where, src, NULL);
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
