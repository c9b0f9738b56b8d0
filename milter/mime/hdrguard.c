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

#include "lib/buf.h"
#include "mime/hdrguard.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define BOUNDARY_MAX 200 /* bytes of a boundary kept (RFC 2046: at most 70) */

typedef struct GUARD {
    bool in_header;  /* inside a header block */
    bool after_dash; /* the previous body line started with "--" */
    size_t field;    /* bytes of the current field so far */
    size_t cut;      /* fields cut */
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

/* header_line - one line inside a header block */
static void header_line(GUARD *g, BUF *out, const char *s, size_t n, size_t ll, size_t cap)
{
    bool cont = s[0] == ' ' || s[0] == '\t';
    if (!cont)
        g->field = 0;
    size_t before = g->field;
    g->field += n;
    if (g->field <= cap) {
        emit(out, s, n);
        return;
    }
    if (before < cap) { /* the line that crosses the cap: keep its head, end the line */
        g->cut++;
        size_t keep = cap - before < ll ? cap - before : ll;
        emit(out, s, keep);
        emit(out, "\r\n", 2);
    }
}

/* run - one pass over raw; writes the capped copy to out when out is not NULL */
static void run(GUARD *g, BUF *out, const char *raw, size_t len, size_t cap)
{
    *g = (GUARD){.in_header = true};
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len, n = e - i, ll = n;
        while (ll && (raw[i + ll - 1] == '\n' || raw[i + ll - 1] == '\r'))
            ll--;
        if (!g->in_header && g->after_dash && header_like(raw + i, ll))
            g->in_header = true, g->field = 0;
        if (g->in_header && ll == 0) {
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
    size_t i = (size_t)(p - s) + 9, e;
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
    s += 2, n -= 2;
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
    size_t i = 0, cut = len;
    *count = 0;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len, ll = e - i;
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
