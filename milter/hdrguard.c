/*
 * hdrguard - cap header field length (see hdrguard.h)
 *
 * One state machine serves both passes: a first pass with no output only counts the
 * fields over the cap (the common case is none, and then nothing is copied), a second
 * pass writes the capped copy.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hdrguard.h"
#include "xalloc.h"

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
