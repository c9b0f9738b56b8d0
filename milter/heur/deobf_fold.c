/*
 * heur/deobf_fold - the passes that fold expressions into literals: string concatenation,
 *              char codes, and escape sequences (see deobf.h, deobf_int.h)
 *
 * concat and charcodes share one engine (fold): a scan that, at each ATOM (a string
 * literal, or for charcodes also String.fromCharCode(...), Chr()/ChrW()/ChrB(), [char]N
 * or [char[]](...) -join ''), reads the chain of atoms joined by + (or & in VBScript)
 * and writes their values as one literal. The concat pass emits when it joined two or
 * more literals; the charcodes pass when it turned at least one char-code expression
 * into text (folding the literals around it on the way, so `"ht" + Chr(116) & "p"`
 * becomes "http"). Values are copied as written (escapes are not decoded, and a quote
 * inside a value is not escaped again): the result is for re-analysis, not for running.
 *
 * Numbers in char codes: decimal, 0x hex (js, ps1) or &H hex (vbs), optionally joined by
 * + and - ("72+1"); a value outside 0..U+10FFFF ends the atom unread. Code points are
 * written as UTF-8.
 *
 * Linearity: an atom is read once; when the chain after it breaks, the scan continues
 * after the last atom read, and only white space and one operator are read twice. An
 * unclosed literal makes the scan skip to its line end (deobf_lit). The value of a chain
 * and the output are bounded by max_out; the scan stops when the output is full.
 *
 * escapes: \xNN, \uNNNN, \u{N..} (js, and scripts in html/svg/hta/wsf/sct), %uNNNN and %NN
 * when the text calls unescape or decodeURI(Component), and &#N; / &#xN; in markup. It
 * emits when at least MIN_ESCAPES sequences were decoded (one "\x20" is not obfuscation).
 * An escaped backslash ("\\x41") is kept as written.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/deobf_int.h"
#include "lib/str.h"

#define MIN_ESCAPES 4
#define MAX_DIGITS  8 /* digits of one number in a char code */

typedef struct ATOM {
    size_t end; /* just after the atom (or the line end of an unclosed literal) */
    bool code;  /* a char-code expression, not a literal */
    char q;     /* quote of a literal, 0 for a char code */
} ATOM;

/* ---------------------------------------------------------------- numbers */

/* hexv - value of exactly k hex digits at in[i], or -1 */
static long hexv(const char *in, size_t n, size_t i, size_t k)
{
    long v = 0;
    if (i > n || n - i < k)
        return -1;
    for (size_t j = i; j < i + k; j++) {
        if (!isxdigit((unsigned char)in[j]))
            return -1;
        v = v * 16 + (isdigit((unsigned char)in[j]) ? in[j] - '0' : (in[j] | 0x20) - 'a' + 10);
    }
    return v;
}

/* num - one number at in[*i]: decimal, 0x.. or &H.. hex; false when there is none */
static bool num(const char *in, size_t n, size_t *i, long *v)
{
    size_t j = *i;
    size_t k = 0;
    int base = 10;
    if (j + 1 < n && ((in[j] == '0' && (in[j + 1] | 0x20) == 'x') ||
                      (in[j] == '&' && (in[j + 1] | 0x20) == 'h'))) {
        base = 16;
        j += 2;
    }
    long x = 0;
    for (; j < n && k <= MAX_DIGITS; j++, k++) {
        int c = (unsigned char)in[j];
        int dv = isdigit(c) ? c - '0' : (base == 16 && isxdigit(c)) ? (c | 0x20) - 'a' + 10 : -1;
        if (dv < 0)
            break;
        x = x * base + dv;
    }
    if (k == 0 || k > MAX_DIGITS)
        return false;
    *v = x;
    *i = j;
    return true;
}

/* expr - num ([+-] num)* with white space, a code point; false when out of range */
static bool expr(const char *in, size_t n, size_t *i, long *v)
{
    size_t j = deobf_ws(in, n, *i);
    long x, t;
    if (!num(in, n, &j, &x))
        return false;
    for (;;) {
        size_t k = deobf_ws(in, n, j);
        if (k >= n || (in[k] != '+' && in[k] != '-'))
            break;
        size_t m = deobf_ws(in, n, k + 1);
        if (m >= n || !isdigit((unsigned char)in[m]) || !num(in, n, &m, &t))
            break;
        x = in[k] == '+' ? x + t : x - t;
        if (x < -0x110000 || x > 0x220000)
            return false;
        j = m;
    }
    if (x < 0 || x > 0x10FFFF)
        return false;
    *v = x;
    *i = j;
    return true;
}

/* code_list - expr (, expr)* ) : the code points appended to val; *i past the ')' */
static bool code_list(DEOBF *d, size_t *i, BUF *val)
{
    size_t j = *i;
    size_t max = d->lim->max_out;
    long v;
    for (;;) {
        if (!expr(d->in, d->n, &j, &v))
            return false;
        deobf_utf8(val, max, (unsigned long)v);
        j = deobf_ws(d->in, d->n, j);
        if (j < d->n && d->in[j] == ')') {
            *i = j + 1;
            return true;
        }
        if (j >= d->n || d->in[j] != ',')
            return false;
        j++;
    }
}

/* ---------------------------------------------------------------- atoms */

/* js_codes - String.fromCharCode(n, ...) */
static bool js_codes(DEOBF *d, size_t i, BUF *val, size_t *end)
{
    size_t j = i;
    if (!deobf_pat(d->in, d->n, &j, "string.fromcharcode ( "))
        return false;
    if (j < d->n && d->in[j] == ')')
        return false;
    if (!code_list(d, &j, val))
        return false;
    *end = j;
    return true;
}

/* vbs_chr - Chr(n), ChrW(n), ChrB(n), Chr$(n) */
static bool vbs_chr(DEOBF *d, size_t i, BUF *val, size_t *end)
{
    size_t j = i;
    long v;
    if (!deobf_pat(d->in, d->n, &j, "chr"))
        return false;
    if (j < d->n && ((d->in[j] | 0x20) == 'w' || (d->in[j] | 0x20) == 'b'))
        j++;
    if (j < d->n && d->in[j] == '$')
        j++;
    if (!deobf_pat(d->in, d->n, &j, " (") || !expr(d->in, d->n, &j, &v) ||
        !deobf_pat(d->in, d->n, &j, " )"))
        return false;
    deobf_utf8(val, d->lim->max_out, (unsigned long)v);
    *end = j;
    return true;
}

/* ps_char - [char]N, [char](N), or [char[]](N, ...) with an optional -join '' */
static bool ps_char(DEOBF *d, size_t i, BUF *val, size_t *end)
{
    size_t j = i;
    long v;
    if (deobf_pat(d->in, d->n, &j, "[char[]] ")) {
        if (j < d->n && d->in[j] == '@')
            j++;
        if (!deobf_pat(d->in, d->n, &j, "( ") || !code_list(d, &j, val))
            return false;
        size_t k = j;
        if (deobf_pat(d->in, d->n, &k, " -join #"))
            j = k;
        *end = j;
        return true;
    }
    j = i;
    if (!deobf_pat(d->in, d->n, &j, "[char] "))
        return false;
    bool paren = deobf_pat(d->in, d->n, &j, "(");
    if (!expr(d->in, d->n, &j, &v) || (paren && !deobf_pat(d->in, d->n, &j, " )")))
        return false;
    deobf_utf8(val, d->lim->max_out, (unsigned long)v);
    *end = j;
    return true;
}

/*
 * atom - the atom at in[i], its value appended to val: 1 read, 0 none, -1 an unclosed
 * literal (a->end is its line end). Char codes only when codes is set.
 */
static int atom(DEOBF *d, size_t i, bool codes, BUF *val, ATOM *a)
{
    const char *in = d->in;
    char c = in[i];
    if (c == '"' || c == '\'') {
        DEOBF_LIT lit;
        int r = deobf_lit(in, d->n, i, &d->syn, &lit);
        if (r == 1) {
            deobf_put(val, d->lim->max_out, in + lit.c0, lit.c1 - lit.c0);
            *a = (ATOM){lit.end, false, lit.q};
        } else if (r < 0) {
            a->end = lit.end;
        }
        return r;
    }
    if (!codes || (i > 0 && (deobf_idc(in[i - 1]) || in[i - 1] == '.')))
        return 0;
    size_t mark = val->len;
    size_t end = 0;
    bool ok = ((c | 0x20) == 's' && d->syn.js && js_codes(d, i, val, &end)) ||
              ((c | 0x20) == 'c' && d->syn.vbs && vbs_chr(d, i, val, &end)) ||
              (c == '[' && d->syn.ps && ps_char(d, i, val, &end));
    if (!ok) {
        buf_truncate(val, mark);
        return 0;
    }
    *a = (ATOM){end, true, 0};
    return 1;
}

/* join_op - in[j] is a concatenation operator of the language (not ++, +=, &&) */
static bool join_op(const DEOBF *d, size_t j)
{
    const char *in = d->in;
    char next = j + 1 < d->n ? in[j + 1] : 0;
    if (in[j] == '+')
        return next != '+' && next != '=';
    return in[j] == '&' && d->syn.amp && next != '&' && next != '=';
}

/* chain - atoms joined to the first one; returns the end, counts atoms and codes */
static size_t chain(DEOBF *d, bool codes, BUF *val, size_t end, size_t *k, bool *code)
{
    for (;;) {
        size_t j = deobf_ws(d->in, d->n, end);
        if (j >= d->n || !join_op(d, j))
            return end;
        j = deobf_ws(d->in, d->n, j + 1);
        size_t mark = val->len;
        ATOM b;
        if (j >= d->n || atom(d, j, codes, val, &b) != 1) {
            buf_truncate(val, mark);
            return end;
        }
        end = b.end;
        (*k)++;
        *code |= b.code;
    }
}

/* fold - the engine of concat (codes false) and charcodes (codes true) */
static void fold(DEOBF *d, bool codes, const char *how)
{
    const char *in = d->in;
    size_t n = d->n;
    size_t max = d->lim->max_out;
    size_t i = 0;
    size_t cp = 0;
    size_t folds = 0;
    size_t codes_read = 0;
    BUF *o = buf_new(n < max ? n + 1 : max + 1);
    BUF *val = buf_new(64);
    while (i < n && o->len < max) {
        buf_reset(val);
        ATOM a;
        int r = atom(d, i, codes, val, &a);
        if (r <= 0) {
            i = r < 0 ? a.end : i + 1;
            continue;
        }
        size_t k = 1;
        bool code = a.code;
        size_t end = chain(d, codes, val, a.end, &k, &code);
        if (k >= 2 || code) {
            char q = a.q ? a.q : '"';
            deobf_put(o, max, in + cp, i - cp);
            deobf_put(o, max, &q, 1);
            deobf_put(o, max, val->data, val->len);
            deobf_put(o, max, &q, 1);
            cp = end;
            folds++;
            codes_read += code;
        }
        i = end;
    }
    if (codes ? codes_read > 0 : folds > 0) {
        deobf_put(o, max, in + cp, n - cp);
        deobf_emit(d, how, d->lang, o->data, o->len);
    }
    buf_free(o);
    buf_free(val);
}

/* deobf_concat - "a" + "b" (js, ps1), "a" & "b" (vbs) folded into one literal */
void deobf_concat(DEOBF *d)
{
    if (d->syn.on && !deobf_full(d))
        fold(d, false, "concat");
}

/* deobf_charcodes - fromCharCode, Chr/ChrW, [char] expressions turned into text */
void deobf_charcodes(DEOBF *d)
{
    if (d->syn.on && !deobf_full(d))
        fold(d, true, "charcodes");
}

/* ---------------------------------------------------------------- escapes */

/* deobf_js_escape - see deobf_int.h */
size_t deobf_js_escape(const char *in, size_t n, size_t i, unsigned long *cp)
{
    long v;
    char t = i + 1 < n ? in[i + 1] : 0;
    if (t == 'x' && (v = hexv(in, n, i + 2, 2)) >= 0) {
        *cp = (unsigned long)v;
        return 4;
    }
    if (t != 'u')
        return 0;
    if (i + 2 < n && in[i + 2] == '{') {
        size_t j = i + 3;
        unsigned long x = 0;
        while (j < n && j < i + 10 && isxdigit((unsigned char)in[j]))
            x = x * 16 + (unsigned long)hexv(in, n, j++, 1);
        if (j == i + 3 || j >= n || in[j] != '}')
            return 0;
        *cp = x;
        return j + 1 - i;
    }
    if ((v = hexv(in, n, i + 2, 4)) < 0)
        return 0;
    long lo;
    if (v >= 0xD800 && v <= 0xDBFF && i + 7 < n && in[i + 6] == '\\' && in[i + 7] == 'u' &&
        (lo = hexv(in, n, i + 8, 4)) >= 0xDC00 && lo <= 0xDFFF) {
        *cp = 0x10000 + (((unsigned long)v - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
        return 12;
    }
    *cp = (unsigned long)v;
    return 6;
}

/* deobf_pct_escape - see deobf_int.h */
size_t deobf_pct_escape(const char *in, size_t n, size_t i, unsigned long *cp)
{
    long v;
    if (i + 1 < n && (in[i + 1] | 0x20) == 'u' && (v = hexv(in, n, i + 2, 4)) >= 0) {
        *cp = (unsigned long)v;
        return 6;
    }
    if ((v = hexv(in, n, i + 1, 2)) >= 0) {
        *cp = (unsigned long)v;
        return 3;
    }
    return 0;
}

/* deobf_js_unescape - see deobf_int.h */
void deobf_js_unescape(const char *p, size_t n, BUF *b, size_t max)
{
    for (size_t i = 0; i < n && b->len < max;) {
        unsigned long cp = 0;
        size_t k = p[i] == '\\' ? deobf_js_escape(p, n, i, &cp) : 0;
        if (k) {
            deobf_utf8(b, max, cp);
            i += k;
        } else if (p[i] != '\\' || i + 1 >= n) {
            deobf_put(b, max, p + i++, 1);
        } else {
            char c = p[i + 1];
            char out = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
            deobf_put(b, max, &out, 1);
            i += 2;
        }
    }
}

/* entity - &#N; or &#xN; (the ';' optional): bytes read, 0 when none */
static size_t entity(const char *in, size_t n, size_t i, unsigned long *cp)
{
    if (i + 2 >= n || in[i + 1] != '#')
        return 0;
    bool hex = (in[i + 2] | 0x20) == 'x';
    size_t j = i + 2 + hex;
    size_t k = 0;
    unsigned long x = 0;
    for (; j < n && k < 7; j++, k++) {
        int c = (unsigned char)in[j];
        if (!(hex ? isxdigit(c) : isdigit(c)))
            break;
        x = x * (hex ? 16 : 10) + (unsigned long)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (k == 0 || k == 7)
        return 0;
    *cp = x;
    return j - i + (j < n && in[j] == ';');
}

/* deobf_escapes - decode escape sequences (see the top of this file) */
void deobf_escapes(DEOBF *d)
{
    bool js = d->syn.js;
    bool ent = deobf_lang_in(d->lang, "html svg hta wsf sct xml");
    if (deobf_full(d) || (!js && !ent))
        return;
    const char *in = d->in;
    size_t n = d->n;
    size_t max = d->lim->max_out;
    size_t count = 0;
    bool pct = js && (str_memmem_ci(in, n, "unescape") || str_memmem_ci(in, n, "decodeuri"));
    BUF *o = buf_new(n < max ? n + 1 : max + 1);
    for (size_t i = 0; i < n && o->len < max;) {
        unsigned long cp = 0;
        size_t k = 0;
        if (in[i] == '\\' && js && i + 1 < n && in[i + 1] == '\\') {
            deobf_put(o, max, in + i, 2);
            i += 2;
            continue;
        }
        if (in[i] == '\\' && js)
            k = deobf_js_escape(in, n, i, &cp);
        else if (in[i] == '%' && pct)
            k = deobf_pct_escape(in, n, i, &cp);
        else if (in[i] == '&' && ent)
            k = entity(in, n, i, &cp);
        if (k == 0) {
            deobf_put(o, max, in + i, 1);
            i++;
            continue;
        }
        if (cp < 0x100 && in[i] == '%' && k == 3) {
            unsigned char byte = (unsigned char)cp; /* %NN is a byte (UTF-8 sequences) */
            deobf_put(o, max, &byte, 1);
        } else {
            deobf_utf8(o, max, cp);
        }
        count++;
        i += k;
    }
    if (count >= MIN_ESCAPES)
        deobf_emit(d, "escapes", d->lang, o->data, o->len);
    buf_free(o);
}
