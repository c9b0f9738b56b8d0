/*
 * mime/hdrguard - cap header field length and the entity count (see mime/hdrguard.h)
 *
 * One state machine serves both passes: a first pass with no output only counts the
 * fields over the cap (the common case is none, and then nothing is copied), a second
 * pass writes the capped copy.
 *
 * The entity count keeps the declared boundaries as 64-bit FNV-1a hashes in an
 * open-addressing set: a collision can only make a line count as a delimiter, i.e. cut
 * a hostile message slightly earlier, never let the parser see more.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "mime/hdrguard.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define BOUNDARY_MAX 200 /* bytes of a boundary kept (RFC 2046: at most 70) */
#define TAIL_KEEP    256 /* bytes kept of the end of a cut field (a file name's extension) */

typedef struct GUARD {
    bool in_header;   /* inside a header block */
    bool after_dash;  /* the previous body line started with "--" */
    size_t field;     /* bytes of the current field so far */
    size_t cut;       /* fields cut */
    const char *last; /* the last folded line dropped from the current field, or NULL */
    size_t last_len;
} GUARD;

/* header_like - does the line start with a field name and a colon */
static bool header_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 128 && s[i] > ' ' && s[i] < 127 && s[i] != ':')
        i++;
    return i > 0 && i < n && s[i] == ':';
}

/* emit - append bytes to the copy when there is one */
static void emit(BUF *out, const char *s, size_t n)
{
    if (out)
        buf_cat(out, s, n);
}

static void flush_last(GUARD *g, BUF *out);

/* header_line - one line inside a header block */
static void header_line(GUARD *g, BUF *out, const char *s, size_t n, size_t ll, size_t cap)
{
    bool cont = s[0] == ' ' || s[0] == '\t';
    if (!cont) {
        flush_last(g, out);
        g->field = 0;
    }
    size_t before = g->field;
    g->field += n;
    if (g->field <= cap) {
        emit(out, s, n);
        return;
    }
    if (before < cap) { /* the line that crosses the cap: keep its head and its tail */
        g->cut++;
        size_t keep = cap - before < ll ? cap - before : ll;
        size_t tail = ll - keep < TAIL_KEEP ? ll - keep : TAIL_KEEP;
        if (keep > tail)
            keep -= tail; /* the tail (a name's extension, the closing quote) replaces bytes */
        else
            tail = 0;
        emit(out, s, keep);
        emit(out, s + ll - tail, tail);
        emit(out, "\r\n", 2);
        g->last = NULL;
        return;
    }
    if (s[0] == ' ' || s[0] == '\t') { /* a folded line past the cap: its tail may follow */
        g->last = s;
        g->last_len = ll;
    }
}

/* flush_last - end of a cut field: the tail of its last folded line, as a folded line */
static void flush_last(GUARD *g, BUF *out)
{
    if (g->last == NULL)
        return;
    size_t n = g->last_len < TAIL_KEEP ? g->last_len : TAIL_KEEP;
    emit(out, " ", 1);
    emit(out, g->last + g->last_len - n, n);
    emit(out, "\r\n", 2);
    g->last = NULL;
}

/* run - one pass over raw; writes the capped copy to out when out is not NULL */
static void run(GUARD *g, BUF *out, const char *raw, size_t len, size_t cap)
{
    *g = (GUARD){.in_header = true};
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len;
        size_t n = e - i;
        size_t ll = n;
        while (ll && (raw[i + ll - 1] == '\n' || raw[i + ll - 1] == '\r'))
            ll--;
        if (!g->in_header && g->after_dash && header_like(raw + i, ll)) {
            g->in_header = true;
            g->field = 0;
        }
        if (g->in_header && ll == 0) {
            flush_last(g, out);
            g->in_header = false;
            g->after_dash = false;
            emit(out, raw + i, n);
        } else if (g->in_header) {
            header_line(g, out, raw + i, n, ll, cap);
        } else {
            g->after_dash = ll >= 2 && raw[i] == '-' && raw[i + 1] == '-';
            emit(out, raw + i, n);
        }
        i = e;
    }
    flush_last(g, out);
}

/* hdrguard_cap - a copy with over-long fields cut, or NULL when none is (see hdrguard.h) */
char *hdrguard_cap(const char *raw, size_t len, size_t cap, size_t *outlen, size_t *cut)
{
    GUARD g;
    run(&g, NULL, raw, len, cap);
    *cut = g.cut;
    if (g.cut == 0)
        return NULL;
    BUF *out = buf_new(len < 1 << 20 ? len : 1 << 20);
    run(&g, out, raw, len, cap);
    char *r = buf_steal(out, outlen);
    buf_free(out);
    return r;
}

typedef struct BSET {
    uint64_t *v; /* 0 = empty slot */
    size_t cap, n;
} BSET;

/* bhash - FNV-1a of a boundary, never 0 */
static uint64_t bhash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

/* bset_has - the hash is in the set */
static bool bset_has(const BSET *b, uint64_t h)
{
    for (size_t i = h & (b->cap - 1); b->v[i]; i = (i + 1) & (b->cap - 1))
        if (b->v[i] == h)
            return true;
    return false;
}

/* bset_add - insert a hash, growing the table at half load */
static void bset_add(BSET *b, uint64_t h)
{
    if (bset_has(b, h))
        return;
    if (2 * (b->n + 1) > b->cap) {
        BSET g = {xcalloc(2 * b->cap, sizeof(uint64_t)), 2 * b->cap, 0};
        for (size_t i = 0; i < b->cap; i++)
            if (b->v[i])
                bset_add(&g, b->v[i]);
        free(b->v);
        *b = g;
    }
    size_t i = h & (b->cap - 1);
    while (b->v[i])
        i = (i + 1) & (b->cap - 1);
    b->v[i] = h;
    b->n++;
}

/* declared - add the boundary= value on a line (quoted or a token) to the set */
static void declared(BSET *b, const char *s, size_t n)
{
    const char *p = str_memmem_ci(s, n, "boundary=");
    if (p == NULL)
        return;
    size_t i = (size_t)(p - s) + 9;
    size_t e;
    if (i < n && s[i] == '"') {
        const char *q = memchr(s + i + 1, '"', n - i - 1);
        e = q ? (size_t)(q - s) : n;
        i++;
    } else {
        for (e = i; e < n && s[e] != ';' && s[e] != ' ' && s[e] != '\t' && s[e] != '\r'; e++)
            ;
    }
    if (e > i)
        bset_add(b, bhash(s + i, e - i < BOUNDARY_MAX ? e - i : BOUNDARY_MAX));
}

/* delimiter - "--boundary" or "--boundary--" for a declared boundary */
static bool delimiter(const BSET *b, const char *s, size_t n)
{
    if (n < 3 || s[0] != '-' || s[1] != '-')
        return false;
    s += 2;
    n -= 2;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (bset_has(b, bhash(s, n < BOUNDARY_MAX ? n : BOUNDARY_MAX)))
        return true;
    return n > 2 && s[n - 1] == '-' && s[n - 2] == '-' &&
           bset_has(b, bhash(s, n - 2 < BOUNDARY_MAX ? n - 2 : BOUNDARY_MAX));
}

/* hdrguard_entities - where to cut raw after max delimiter lines (see hdrguard.h) */
size_t hdrguard_entities(const char *raw, size_t len, size_t max, size_t *count)
{
    BSET b = {xcalloc(64, sizeof(uint64_t)), 64, 0};
    size_t i = 0;
    size_t cut = len;
    *count = 0;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len;
        size_t ll = e - i;
        while (ll && (raw[i + ll - 1] == '\n' || raw[i + ll - 1] == '\r'))
            ll--;
        if (b.n && delimiter(&b, raw + i, ll) && ++*count > max) {
            cut = i;
            break;
        }
        if (ll > 9 && memchr(raw + i, '=', ll))
            declared(&b, raw + i, ll);
        i = e;
    }
    free(b.v);
    return cut;
}

typedef struct LINES {
    BSET b;         /* declared boundaries */
    bool in_header; /* inside a header block */
    bool message;   /* this block's Content-Type is message/: its body is a header block */
    bool keep;      /* the current field is kept (its folded lines follow it) */
    size_t fields;  /* fields opened in this block */
    size_t mime;    /* MIME fields kept past the cap in this block */
    size_t budget;  /* fields still allowed in all blocks */
    size_t dropped; /* fields dropped */
    size_t nuls;    /* encoded NULs made visible */
} LINES;

/* mime_field - a field the parser needs to find the parts */
static bool mime_field(const char *s, size_t n)
{
    static const char *const names[] = {
        "content-type:", "content-disposition:", "content-transfer-encoding:", "mime-version:"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t k = strlen(names[i]);
        if (n >= k && strncasecmp(s, names[i], k) == 0)
            return true;
    }
    return false;
}

/* open_delimiter - "--boundary" (not the closing "--boundary--") of a declared boundary */
static bool open_delimiter(const BSET *b, const char *s, size_t n)
{
    if (b->n == 0 || n < 3 || s[0] != '-' || s[1] != '-')
        return false;
    s += 2;
    n -= 2;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return bset_has(b, bhash(s, n < BOUNDARY_MAX ? n : BOUNDARY_MAX));
}

/* lines_field - one line of a header block; true when it is kept */
static bool lines_field(LINES *g, const char *s, size_t ll, size_t per_block)
{
    if (ll > 9 && memchr(s, '=', ll))
        declared(&g->b, s, ll);
    if ((s[0] == ' ' || s[0] == '\t') && g->fields)
        return g->keep;
    g->fields++;
    bool mime = mime_field(s, ll);
    if (mime && ll > 13 && strncasecmp(s, "content-type:", 13) == 0 &&
        str_memmem_ci(s + 13, ll - 13, "message/"))
        g->message = true;
    if (g->fields <= per_block && g->budget > 0) {
        g->budget--;
        g->keep = true;
    } else if (mime && g->mime < HDRGUARD_MIME_KEEP) {
        g->mime++;
        g->keep = true;
    } else {
        g->dropped++;
        g->keep = false;
    }
    return g->keep;
}

/* nul_at - an encoded NUL at s[i]: "%00" in an RFC 2231 value (after "*="), "=00" in a
 * Q encoded word (after "=?"); its length, or 0 */
static size_t nul_at(const char *s, size_t n, size_t i, bool ext, bool word)
{
    if (i + 3 > n || s[i + 1] != '0' || s[i + 2] != '0')
        return 0;
    return (ext && s[i] == '%') || (word && s[i] == '=') ? 3 : 0;
}

/* field_nuls - a header line with each encoded NUL replaced by U+2400 (encoded the same
 * way), so the parser keeps what follows it; returns how many (writes only with out) */
static size_t field_nuls(BUF *out, const char *s, size_t n)
{
    const char *ext = str_memmem_ci(s, n, "*=");
    const char *word = str_memmem_ci(s, n, "=?");
    if (ext == NULL && word == NULL) {
        emit(out, s, n);
        return 0;
    }
    size_t count = 0;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = nul_at(s, n, i, ext && s + i > ext, word && s + i > word);
        if (k == 0)
            continue;
        emit(out, s + run, i - run);
        emit(out, s[i] == '%' ? "%E2%90%80" : "=E2=90=80", 9);
        count++;
        run = i + k;
        i += k - 1;
    }
    emit(out, s + run, n - run);
    return count;
}

/* lines_run - one pass; writes the copy to out when out is not NULL */
static void lines_run(LINES *g, BUF *out, const char *raw, size_t len, size_t per_block)
{
    size_t i = 0;
    g->in_header = true;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len;
        size_t ll = e - i;
        while (ll && (raw[i + ll - 1] == '\n' || raw[i + ll - 1] == '\r'))
            ll--;
        bool keep = true;
        if (!g->in_header) {
            if (open_delimiter(&g->b, raw + i, ll)) {
                g->in_header = true;
                g->fields = g->mime = 0;
                g->message = g->keep = false;
            }
        } else if (ll == 0) { /* end of the block; a message/ body is a header block again */
            g->in_header = g->message;
            g->fields = g->mime = 0;
            g->message = g->keep = false;
        } else if (lines_field(g, raw + i, ll, per_block)) {
            g->nuls += field_nuls(out, raw + i, e - i);
            keep = false; /* written */
        } else {
            keep = false;
        }
        if (keep)
            emit(out, raw + i, e - i);
        i = e;
    }
}

/* hdrguard_lines - a copy without the header fields past the caps, or NULL (see hdrguard.h) */
char *hdrguard_lines(const char *raw, size_t len, size_t per_block, size_t *budget, size_t *outlen,
                     size_t *dropped, size_t *nuls)
{
    LINES g = {.b = {xcalloc(64, sizeof(uint64_t)), 64, 0}, .budget = *budget};
    lines_run(&g, NULL, raw, len, per_block);
    *dropped = g.dropped;
    *nuls = g.nuls;
    if (g.dropped == 0 && g.nuls == 0) {
        *budget = g.budget;
        free(g.b.v);
        return NULL;
    }
    memset(g.b.v, 0, g.b.cap * sizeof(uint64_t));
    g = (LINES){.b = {g.b.v, g.b.cap, 0}, .budget = *budget};
    BUF *out = buf_new(len < 1 << 20 ? len : 1 << 20);
    lines_run(&g, out, raw, len, per_block);
    *budget = g.budget;
    free(g.b.v);
    char *r = buf_steal(out, outlen);
    buf_free(out);
    return r;
}
