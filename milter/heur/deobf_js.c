/*
 * deobf_js - the strarray pass: the string array of the javascript-obfuscator family
 *            resolved statically (see deobf.h, deobf_int.h)
 *
 * Shape read (the classic output of javascript-obfuscator with stringArray, rotation and
 * optional base64 string encoding):
 *   var _0x12ab = ['lit', 'lit', ...];                      the array (JS literals)
 *   (function (a, b) { ... a['push'](a['shift']()) ... }(_0x12ab, 0x1a3));   rotation
 *   var _0x34cd = function (a, b) { a = a - 0x0; var c = _0x12ab[a]; ... return c; };
 * and then _0x34cd('0x1f') / _0x34cd(0x1f) everywhere. The array is rotated left by the
 * count (the classic `c(++b)` with `while(--d)` loop shifts b times), the decoder's
 * offset (`a = a - 0x..`) is read from its body, and when the body holds the obfuscator's
 * base64 alphabet (lower case first) each element is base64-decoded and %-unescaped as
 * its decoder does. Every call with a constant index, and every direct _0x12ab[0x1f], is
 * replaced by the element as a quoted literal; the text is emitted as a js layer.
 * Versions whose rotation is a checksum loop (`while (!![])` with parseInt) are not
 * resolved (the rotation count is then not a constant of the text).
 *
 * Bounds: JS_MAX_ELEMS elements, each at most max_out bytes, windows of JS_WINDOW bytes
 * after the array for the rotation and the decoder, and one forward scan for the calls;
 * the output is at most max_out bytes.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heur/deobf_int.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define JS_MAX_ELEMS 8192 /* array elements read */
#define JS_MIN_ELEMS 3    /* fewer is an ordinary array */
#define JS_WINDOW    4096 /* bytes after the array searched for the rotation and decoder */
#define JS_NAME      64   /* longest identifier followed */

static const char OBF_B64[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=";

typedef struct ARR {
    size_t start, end;      /* the array literal, '[' .. ']' */
    char name[JS_NAME + 1]; /* its variable */
    size_t nlen;
    size_t *off, *len, n; /* elements: values in vals */
    BUF *vals;
} ARR;

/* read_array - `NAME = [ 'a', 'b', ... ]` at the '[' at i: elements into a */
static bool read_array(DEOBF *d, size_t i, ARR *a)
{
    const char *in = d->in;
    size_t n = d->n;
    size_t j = i + 1;
    size_t cap = 64;
    a->n = 0;
    buf_reset(a->vals);
    for (;;) {
        j = deobf_ws(in, n, j);
        DEOBF_LIT lit;
        if (j >= n || deobf_lit(in, n, j, &d->syn, &lit) != 1 || a->n >= JS_MAX_ELEMS) {
            a->end = j < n && deobf_lit(in, n, j, &d->syn, &lit) == -1 ? lit.end : j;
            return false;
        }
        if (a->n == cap || a->off == NULL) {
            cap = a->off == NULL ? 64 : cap * 2;
            a->off = xrealloc(a->off, cap * sizeof(size_t));
            a->len = xrealloc(a->len, cap * sizeof(size_t));
        }
        a->off[a->n] = a->vals->len;
        deobf_js_unescape(in + lit.c0, lit.c1 - lit.c0, a->vals, d->lim->max_out);
        a->len[a->n] = a->vals->len - a->off[a->n];
        a->n++;
        j = deobf_ws(in, n, lit.end);
        if (j < n && in[j] == ']') {
            a->end = j + 1;
            return a->n >= JS_MIN_ELEMS;
        }
        if (j >= n || in[j] != ',') {
            a->end = j;
            return false;
        }
        j++;
    }
}

/* find_array - the first `var|const|let NAME = [literals]` in the text */
static bool find_array(DEOBF *d, ARR *a)
{
    const char *in = d->in;
    size_t n = d->n;
    for (size_t i = 0; i + 4 < n; i++) {
        if (in[i] != '[' || i == 0)
            continue;
        size_t j = i;
        while (j > 0 && isspace((unsigned char)in[j - 1]))
            j--;
        if (j == 0 || in[j - 1] != '=')
            continue;
        j--;
        while (j > 0 && isspace((unsigned char)in[j - 1]))
            j--;
        size_t e = j;
        while (j > 0 && deobf_idc(in[j - 1]) && e - j < JS_NAME)
            j--;
        if (j == e || (j > 0 && deobf_idc(in[j - 1])))
            continue;
        a->end = i + 1;
        bool ok = read_array(d, i, a);
        if (!ok && a->end > i + 1) /* what was read is not read again */
            i = a->end - 1;
        if (ok) {
            a->start = i;
            a->nlen = e - j;
            memcpy(a->name, in + j, a->nlen);
            a->name[a->nlen] = 0;
            return true;
        }
    }
    return false;
}

/* number - a decimal or 0x number at p[*i] */
static bool number(const char *p, size_t n, size_t *i, long *v)
{
    size_t j = *i;
    int base = 10;
    if (j + 1 < n && p[j] == '0' && (p[j + 1] | 0x20) == 'x') {
        base = 16;
        j += 2;
    }
    size_t d0 = j;
    long x = 0;
    while (j < n && j - d0 < 9 &&
           (base == 16 ? isxdigit((unsigned char)p[j]) : isdigit((unsigned char)p[j]))) {
        int c = (unsigned char)p[j++];
        x = x * base + (isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (j == d0)
        return false;
    *i = j;
    *v = x;
    return true;
}

/* rotation - `(NAME, count)` after the array with push/shift in the window: the count */
static long rotation(const DEOBF *d, const ARR *a)
{
    size_t w = d->n - a->end > JS_WINDOW ? a->end + JS_WINDOW : d->n;
    const char *in = d->in;
    if (!str_memmem_ci(in + a->end, w - a->end, "push") ||
        !str_memmem_ci(in + a->end, w - a->end, "shift"))
        return 0;
    for (size_t i = a->end; i + a->nlen < w; i++) {
        if (in[i] != '(' && in[i] != ',')
            continue;
        size_t j = deobf_ws(in, w, i + 1);
        if (j + a->nlen > w || memcmp(in + j, a->name, a->nlen) != 0 ||
            (j + a->nlen < w && deobf_idc(in[j + a->nlen])))
            continue;
        j = deobf_ws(in, w, j + a->nlen);
        if (j >= w || in[j] != ',')
            continue;
        j = deobf_ws(in, w, j + 1);
        long v;
        if (number(in, w, &j, &v))
            return v;
    }
    return 0;
}

/* decoder - the function that indexes the array: its name, offset and encoding */
static bool decoder(const DEOBF *d, const ARR *a, char *name, size_t *nlen, long *offset, bool *b64)
{
    const char *in = d->in;
    size_t w = d->n - a->end > JS_WINDOW ? a->end + JS_WINDOW : d->n;
    for (size_t i = a->end; i < w; i += 8) {
        const char *f = str_memmem_ci(in + i, w - i, "function");
        if (f == NULL)
            break;
        i = (size_t)(f - in);
        /* `var NAME = function` before it */
        size_t j = i;
        while (j > a->end && isspace((unsigned char)in[j - 1]))
            j--;
        if (j == a->end || in[j - 1] != '=')
            continue;
        j--;
        while (j > a->end && isspace((unsigned char)in[j - 1]))
            j--;
        size_t e = j;
        while (j > a->end && deobf_idc(in[j - 1]) && e - j < JS_NAME)
            j--;
        if (j == e)
            continue;
        const char *body = memchr(in + i, '{', w - i);
        if (body == NULL)
            continue;
        size_t b0 = (size_t)(body - in);
        size_t b1 = b0;
        size_t depth = 0;
        for (; b1 < w; b1++) { /* the body's end: braces outside strings are enough here */
            depth += in[b1] == '{';
            if (in[b1] == '}' && --depth == 0)
                break;
        }
        char idx[JS_NAME + 2];
        snprintf(idx, sizeof(idx), "%s[", a->name);
        if (memmem(in + b0, b1 - b0, idx, strlen(idx)) == NULL)
            continue;
        *nlen = e - j;
        memcpy(name, in + j, *nlen);
        name[*nlen] = 0;
        *offset = 0;
        for (size_t k = b0; k + 1 < b1; k++) { /* a = a - 0x..; */
            if (in[k] != '-')
                continue;
            size_t m = deobf_ws(in, b1, k + 1);
            long v;
            if (number(in, b1, &m, &v)) {
                *offset = v;
                break;
            }
        }
        *b64 = memmem(in + b0, b1 - b0, OBF_B64, sizeof(OBF_B64) - 1) != NULL;
        return true;
    }
    return false;
}

/* obf_b64 - the obfuscator's base64 (lower case first) then %-unescape, into b */
static void obf_b64(const char *p, size_t n, BUF *b, size_t max)
{
    BUF *raw = buf_new(n);
    unsigned acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *q = memchr(OBF_B64, p[i], 64);
        if (q == NULL)
            break;
        acc = (acc << 6 | (unsigned)(q - OBF_B64)) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_putc(raw, (int)((acc >> bits) & 0xFF));
        }
    }
    deobf_put(b, max, raw->data, raw->len); /* decodeURIComponent of %xx of the bytes: the bytes */
    buf_free(raw);
}

/* put_elem - element k (after rotation) as a quoted literal */
static void put_elem(const ARR *a, size_t k, bool b64, BUF *o, size_t max)
{
    const char *v = a->vals->data + a->off[k];
    deobf_put(o, max, "'", 1);
    BUF *t = buf_new(a->len[k] + 1);
    if (b64)
        obf_b64(v, a->len[k], t, max);
    else
        buf_cat(t, v, a->len[k]);
    for (size_t i = 0; i < t->len; i++)
        deobf_put(o, max, t->data[i] == '\'' ? "\\'" : t->data + i, t->data[i] == '\'' ? 2 : 1);
    buf_free(t);
    deobf_put(o, max, "'", 1);
}

/* member - x[DEC('0x5')] where the element is an identifier: written x.Run (end past ']') */
static bool member(const ARR *a, size_t k, bool b64, const char *in, size_t n, size_t i,
                   size_t *end, BUF *o, size_t max)
{
    if (i == 0 || in[i - 1] != '[' || *end >= n || in[*end] != ']' || o->len == 0 ||
        o->data[o->len - 1] != '[')
        return false;
    BUF *t = buf_new(a->len[k] + 1);
    if (b64)
        obf_b64(a->vals->data + a->off[k], a->len[k], t, max);
    else
        buf_cat(t, a->vals->data + a->off[k], a->len[k]);
    bool id = t->len > 0 && !isdigit((unsigned char)t->data[0]);
    for (size_t j = 0; j < t->len && id; j++)
        id = deobf_idc(t->data[j]);
    if (id) {
        o->data[o->len - 1] = '.';
        deobf_put(o, max, t->data, t->len);
        (*end)++;
    }
    buf_free(t);
    return id;
}

/* call_index - `NAME('0x1f')` / `NAME(0x1f, ...)` / `ARR[0x1f]` at i: the index */
static bool call_index(const char *in, size_t n, size_t i, const char *name, size_t nlen, char open,
                       long *v, size_t *end)
{
    if (i + nlen >= n || memcmp(in + i, name, nlen) != 0 || (i > 0 && deobf_idc(in[i - 1])))
        return false;
    size_t j = deobf_ws(in, n, i + nlen);
    if (j >= n || in[j] != open)
        return false;
    j = deobf_ws(in, n, j + 1);
    char q = j < n && (in[j] == '\'' || in[j] == '"') ? in[j] : 0;
    j += q != 0;
    if (!number(in, n, &j, v) || (q && (j >= n || in[j++] != q)))
        return false;
    char close = open == '(' ? ')' : ']';
    const char *c = memchr(in + j, close, n - j < 64 ? n - j : 64);
    if (c == NULL)
        return false;
    *end = (size_t)(c - in) + 1;
    return true;
}

/* deobf_strarray - resolve the string array and its decoder calls (see the top) */
void deobf_strarray(DEOBF *d)
{
    if (!d->syn.js || d->n < 32)
        return;
    ARR a = {0};
    a.vals = buf_new(256);
    char dec[JS_NAME + 1] = "";
    size_t dlen = 0;
    size_t changes = 0;
    long offset = 0;
    bool b64 = false;
    if (find_array(d, &a)) {
        long rot = rotation(d, &a);
        bool have = decoder(d, &a, dec, &dlen, &offset, &b64);
        size_t *ro = xcalloc(a.n, sizeof(size_t));
        size_t *rl = xcalloc(a.n, sizeof(size_t));
        for (size_t k = 0; k < a.n; k++) { /* rotate left by rot */
            size_t from = (k + (size_t)(rot % (long)a.n)) % a.n;
            ro[k] = a.off[from];
            rl[k] = a.len[from];
        }
        memcpy(a.off, ro, a.n * sizeof(size_t));
        memcpy(a.len, rl, a.n * sizeof(size_t));
        free(ro);
        free(rl);
        BUF *o = buf_new(d->n);
        size_t cp = 0;
        size_t max = d->lim->max_out;
        for (size_t i = a.end; i < d->n && o->len < max; i++) {
            long v;
            size_t end;
            bool hit = have && call_index(d->in, d->n, i, dec, dlen, '(', &v, &end);
            if (hit)
                v -= offset;
            else if (call_index(d->in, d->n, i, a.name, a.nlen, '[', &v, &end))
                hit = true;
            if (!hit || v < 0 || (size_t)v >= a.n)
                continue;
            deobf_put(o, max, d->in + cp, i - cp);
            if (!member(&a, (size_t)v, b64 && have, d->in, d->n, i, &end, o, max))
                put_elem(&a, (size_t)v, b64 && have, o, max);
            cp = end;
            i = end - 1;
            changes++;
        }
        deobf_put(o, max, d->in + cp, d->n - cp);
        if (changes > 0 && (have || rot > 0)) /* a plain array read by index is no trick */
            deobf_emit(d, "strarray", "js", o->data, o->len);
        buf_free(o);
    }
    free(a.off);
    free(a.len);
    buf_free(a.vals);
}
