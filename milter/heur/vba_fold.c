/*
 * vba_fold - constant folding over a VBA view (see heur/vba.h for what is folded)
 *
 * The folder is recursive descent over a token cursor (LEX); nesting stops at FOLD_DEPTH,
 * so a token is re-read at most FOLD_DEPTH times. Folded strings and base64/hex runs go to
 * c->emit (deduplicated, EMIT_MAX layers, max_decoded bytes in all) and to v->dec, the
 * decoded text the keyword walk reads again. Variables and junk markers: heur/vba_env.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heur/vba_int.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static bool f_sexpr(VS *v, LEX *x, FOLD *f, int d);

static void dec_add(VS *v, const char *p, size_t n)
{
    for (size_t i = 0; i < n && v->dec->len < v->cap; i++) {
        int ch = p[i] == '\t' || p[i] == '\r' || p[i] == '\n' ? ' ' : p[i];
        if (ch != ' ' || (v->dec->len && v->dec->data[v->dec->len - 1] != ' '))
            buf_putc(v->dec, ch);
    }
    buf_putc(v->dec, '\n');
}

/* text_lang - "ps1" for text starting with powershell, "vbs" other text, NULL binary */
static const char *text_lang(const char *p, size_t n)
{
    size_t bad = 0;
    size_t m = n < 512 ? n : 512;
    for (size_t k = 0; k < m; k++)
        bad += ((unsigned char)p[k] < 0x20 && !memchr("\t\r\n", p[k], 3)) || p[k] == 0x7f;
    return bad * 10 > m ? NULL : n >= 10 && strncasecmp(p, "powershell", 10) == 0 ? "ps1" : "vbs";
}

/* emit - hand a decoded string to c->emit once, within EMIT_MAX and max_decoded in all */
static void emit(VS *v, const char *how, const char *lang, const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    if (n < EMIT_MIN || v->nemit >= EMIT_MAX || v->emitted >= v->cap)
        return;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    for (size_t i = 0; i < v->nemit; i++)
        if (v->seenhash[i] == h)
            return;
    v->seenhash[v->nemit++] = h;
    n = n < v->cap - v->emitted ? n : v->cap - v->emitted;
    v->emitted += n;
    if (v->c->emit)
        v->c->emit(v->c->emit_ctx, how, lang, (const unsigned char *)p, n);
}

/* digit - value of a base64 (or, hex true, a hex) digit, or -1 */
static int digit(int c, bool hex)
{
    const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c && c != '=' ? strchr(hex ? "0123456789abcdef" : a, hex ? LOW(c) : c) : NULL;
    return p ? (int)(p - (hex ? "0123456789abcdef" : a)) : -1;
}

/* run_decode - decode one base64 or hex run that looks like data, not a word or a path: hex
 * needs digits, letters and an even length; base64 digits, both cases and whole quanta */
static void run_decode(VS *v, const char *p, size_t n)
{
    bool hex = n % 2 == 0;
    bool dig = false;
    bool up = false;
    bool lo = false;
    for (size_t i = 0; i < n; i++) {
        hex = hex && digit(p[i], true) >= 0;
        dig |= p[i] >= '0' && p[i] <= '9';
        up |= p[i] >= 'A' && p[i] <= 'Z';
        lo |= p[i] >= 'a' && p[i] <= 'z';
    }
    if (!dig || (hex && !up && !lo) || (!hex && (!up || !lo || (n % 4 && p[n - 1] != '='))) ||
        str_memmem_ci(p, n, "abcdefghijklmnop") != NULL) /* an alphabet table */
        return;
    BUF *o = buf_new(n / 2 + 1);
    unsigned acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; hex && i + 1 < n; i += 2)
        buf_putc(o, digit(p[i], true) * 16 + digit(p[i + 1], true));
    for (size_t i = 0; !hex && i < n && digit(p[i], false) >= 0; i++) {
        acc = (acc << 6) | (unsigned)digit(p[i], false);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_putc(o, (int)((acc >> bits) & 0xff));
        }
    }
    size_t m = 0; /* UTF-16LE text (PowerShell -EncodedCommand) becomes ASCII */
    while (m < o->len && m < 64 && (m % 2 == 0 || o->data[m] == 0))
        m++;
    bool wide = o->len >= 16 && (m == 64 || m == o->len);
    for (size_t i = 0; wide && 2 * i < o->len; i++)
        o->data[i] = o->data[2 * i];
    buf_truncate(o, wide ? (o->len + 1) / 2 : o->len);
    v->nb64++;
    const char *lang = wide ? "ps1" : text_lang(o->data, o->len); /* wide: -EncodedCommand */
    if (lang)
        dec_add(v, o->data, o->len);
    emit(v, hex ? "hex" : "base64", lang, o->data, o->len);
    buf_free(o);
}

/* fold_out - one folded string: statistics, base64/hex runs, the decoded view, emission */
static void fold_out(VS *v, const char *p, size_t n, unsigned how, unsigned terms, unsigned chr)
{
    v->maxchr = chr > v->maxchr ? chr : v->maxchr;
    v->nrevlit += (how & H_REV) && n >= 4;
    v->nrepllit += (how & H_REPL) && n >= EMIT_MIN;
    for (size_t i = 0, s; i < n; i += i == s) { /* base64/hex runs of min_base64 bytes or more */
        for (s = i; i < n && (digit(p[i], false) >= 0 || (i > s && p[i] == '='));)
            i++;
        if (i - s >= v->minb64)
            run_decode(v, p + s, i - s);
    }
    if (terms < 2 && !(how & (H_CHR | H_REV | H_REPL | H_SUB)))
        return; /* a plain literal: already in the view */
    const char *step = how & H_REV    ? "reverse"
                       : how & H_REPL ? "replace"
                       : how & H_SUB  ? "substring"
                                      : "charcodes";
    dec_add(v, p, n);
    emit(v, how & (H_REV | H_REPL | H_CHR | H_SUB) ? step : "concat", text_lang(p, n), p, n);
}

/* lex_next - the next token of a view (no comments left; ':' ends a statement) */
static void lex_next(LEX *x)
{
    const char *s = x->s;
    x->i += x->i < x->n && s[x->i] == ' ';
    size_t b = x->i;
    int ch = b < x->n ? (unsigned char)s[b] : 0;
    x->t = b < x->n ? T_OP : T_EOF;
    x->ts = s + b;
    x->tn = b < x->n;
    x->num = 0;
    if (ch == '\n' || ch == ':') {
        x->t = T_EOL;
        x->i++;
    } else if (ch == '"') { /* "" inside is a quote; an unclosed string ends at the line */
        for (x->i++; x->i < x->n && s[x->i] != '\n'; x->i++)
            if (s[x->i] == '"' && !(x->i + 1 < x->n && s[x->i + 1] == '"' && ++x->i))
                break;
        x->t = T_STR;
        x->ts = s + b + 1;
        x->tn = x->i - b - 1;
        x->i += x->i < x->n && s[x->i] == '"';
    } else if ((ch >= '0' && ch <= '9') ||
               (ch == '&' && x->n - b > 2 && s[b + 1] == 'h' && digit(s[b + 2], true) >= 0)) {
        int base = ch == '&' ? 16 : 10;
        x->t = T_NUM;
        x->i += ch == '&' ? 2 : 0;
        for (; x->i < x->n && digit(s[x->i], true) >= 0 && digit(s[x->i], true) < base; x->i++)
            x->num = x->num > IMAX ? x->num : x->num * base + digit(s[x->i], true);
    } else if (idc(ch)) {
        while (x->i < x->n && idc(s[x->i]))
            x->i++;
        x->i += x->i < x->n && s[x->i] == '$';
        x->t = T_ID;
        x->tn = x->i - b;
    } else {
        x->i += x->t == T_OP;
    }
}

/* fput - append to a fold, at most v->cap bytes */
static void fput(VS *v, FOLD *f, const char *p, size_t n)
{
    buf_cat(f->b, p, n < v->cap - f->b->len ? n : v->cap - f->b->len);
}

/* f_int - constant integer: terms of [+-]* (NUM | (f_int)) joined by + and - */
static bool f_int(LEX *x, long long *val, int d)
{
    long long t;
    int sign = 1;
    *val = 0;
    for (;;) {
        while (IS_OP(x, '-') || IS_OP(x, '+')) { /* unary signs: each consumes a token */
            if (IS_OP(x, '-'))
                sign = -sign;
            lex_next(x);
        }
        bool par = IS_OP(x, '(') && d < FOLD_DEPTH;
        if (x->t != T_NUM && !par)
            return false;
        t = x->num;
        lex_next(x);
        if (par && (!f_int(x, &t, d + 1) || !IS_OP(x, ')')))
            return false;
        if (par)
            lex_next(x);
        if ((*val += sign * t) > IMAX || *val < -IMAX)
            return false;
        if (!IS_OP(x, '+') && !IS_OP(x, '-'))
            return true;
        sign = IS_OP(x, '-') ? -1 : 1; /* the binary operator, then the next term */
        lex_next(x);
    }
}

/* next_int, next_sexpr - past the current token (a ',' or '('), then f_int / f_sexpr */
static bool next_int(LEX *x, long long *val, int d)
{
    lex_next(x);
    return f_int(x, val, d);
}

static bool next_sexpr(VS *v, LEX *x, FOLD *f, int d)
{
    lex_next(x);
    return f_sexpr(v, x, f, d);
}

/* f_chr - Chr/ChrB (0..255) or ChrW (-32768..65535) of a constant, as UTF-8 (ChrB: a byte) */
static bool f_chr(VS *v, LEX *x, FOLD *f, int fn, int d)
{
    long long c;
    if (!f_int(x, &c, d + 1))
        return false;
    c += fn == 2 && c < 0 && c >= -32768 ? 65536 : 0;
    if (c < 0 || c > (fn == 2 ? 0xffff : 0xff) || (c >= 0xd800 && c <= 0xdfff))
        return false;
    char u[3] = {(char)(c < 0x80 || fn == 3 ? c
                        : c < 0x800         ? 0xc0 | c >> 6
                                            : 0xe0 | c >> 12),
                 (char)(c < 0x800 ? 0x80 | (c & 0x3f) : 0x80 | (c >> 6 & 0x3f)),
                 (char)(0x80 | (c & 0x3f))};
    fput(v, f, u, c < 0x80 || fn == 3 ? 1 : c < 0x800 ? 2 : 3);
    f->chr++;
    f->how |= H_CHR;
    return true;
}

/* repl - a with every b replaced by r, into f */
static void repl(VS *v, FOLD *f, const BUF *a, const BUF *b, const BUF *r)
{
    for (size_t i = 0; i < a->len && f->b->len < v->cap;) {
        bool m = b->len && a->len - i >= b->len && memcmp(a->data + i, b->data, b->len) == 0;
        fput(v, f, m ? r->data : a->data + i, m ? r->len : 1);
        i += m ? b->len : 1;
    }
}

/* skip_arg - past one argument that does not fold, to the ',' or ')' that ends it */
static void skip_arg(LEX *x)
{
    int depth = 0;
    for (int k = 0; x->t != T_EOF && x->t != T_EOL && k < LOOK; k++) {
        if (depth == 0 && (IS_OP(x, ',') || IS_OP(x, ')')))
            return;
        depth += IS_OP(x, '(') - IS_OP(x, ')');
        lex_next(x);
    }
}

/* f_revrepl - StrReverse(s) or Replace(s, find, with) of constant strings; Replace(x, "junk",
 * "") of a value that does not fold records "junk" as a marker (vba_env.h) */
static bool f_revrepl(VS *v, LEX *x, FOLD *f, bool rev, int d)
{
    FOLD a = {buf_new(32), 0, 0, 0};
    FOLD b = {buf_new(8), 0, 0, 0};
    FOLD r = {buf_new(8), 0, 0, 0};
    LEX s0 = *x;
    bool ok = f_sexpr(v, x, &a, d + 1);
    bool junk = false;
    if (!ok && !rev) { /* Replace(param, "junk", ""): a marker */
        *x = s0;
        skip_arg(x);
        junk = true;
    }
    if ((ok || junk) && !rev)
        ok = IS_OP(x, ',') && next_sexpr(v, x, &b, d + 1) && IS_OP(x, ',') &&
             next_sexpr(v, x, &r, d + 1) && b.b->len <= FIND_MAX;
    if (junk) {
        if (ok && r.b->len == 0)
            venv_junk(v->env, b.b->data, b.b->len);
        ok = false;
    }
    for (size_t i = a.b->len; ok && rev && i > 0; i--)
        fput(v, f, &a.b->data[i - 1], 1);
    if (ok && !rev)
        repl(v, f, a.b, b.b, r.b);
    f->how |= a.how | b.how | r.how | (rev ? H_REV : H_REPL);
    f->chr += a.chr + b.chr + r.chr;
    buf_free(a.b);
    buf_free(b.b);
    buf_free(r.b);
    return ok;
}

/* f_substr - Mid(s, start[, len]), Left(s, n) or Right(s, n) of constants (which 0, 1, 2) */
static bool f_substr(VS *v, LEX *x, FOLD *f, int which, int d)
{
    FOLD a = {buf_new(32), 0, 0, 0};
    long long p1 = 0;
    long long p2 = -1;
    bool ok = f_sexpr(v, x, &a, d + 1) && IS_OP(x, ',') && next_int(x, &p1, d + 1);
    if (ok && which == 0 && IS_OP(x, ','))
        ok = next_int(x, &p2, d + 1) && p2 >= 0;
    size_t n = a.b->len;
    size_t from = 0;
    size_t len = n;
    ok = ok && p1 >= (which == 0);
    if (ok && which == 0) { /* Mid(s, start[, len]) */
        from = (size_t)p1 - 1;
        len = p2 < 0 ? n : (size_t)p2;
    }
    if (ok && which > 0) { /* Left(s, n), Right(s, n) */
        len = (size_t)p1;
        from = which == 2 && len < n ? n - len : 0;
    }
    if (ok && from < n)
        fput(v, f, a.b->data + from, len < n - from ? len : n - from);
    f->how |= a.how | H_SUB;
    f->chr += a.chr;
    buf_free(a.b);
    return ok;
}

/* f_join - Join(Split(s, d)[, j]): s with every d replaced by j (default " ") */
static bool f_join(VS *v, LEX *x, FOLD *f, int d)
{
    if (!(x->t == T_ID && x->tn == 5 && memcmp(x->ts, "split", 5) == 0))
        return false;
    lex_next(x);
    FOLD a = {buf_new(32), 0, 0, 0};
    FOLD b = {buf_new(8), 0, 0, 0};
    FOLD r = {buf_new(8), 0, 0, 0};
    bool ok = IS_OP(x, '(') && next_sexpr(v, x, &a, d + 1) && IS_OP(x, ',') &&
              next_sexpr(v, x, &b, d + 1) && IS_OP(x, ')');
    if (ok)
        lex_next(x);
    if (ok && IS_OP(x, ','))
        ok = next_sexpr(v, x, &r, d + 1);
    else
        buf_putc(r.b, ' ');
    if (ok)
        repl(v, f, a.b, b.b, r.b);
    f->how |= a.how | b.how | r.how | H_REPL;
    f->chr += a.chr + b.chr + r.chr;
    buf_free(a.b);
    buf_free(b.b);
    buf_free(r.b);
    return ok;
}

/* f_var - a variable holding a constant string (not an array element or a call) */
static bool f_var(VS *v, LEX *x, FOLD *f)
{
    const BUF *val = venv_get(v->env, x->ts, x->tn);
    LEX save = *x;
    if (val == NULL)
        return false;
    lex_next(x);
    if (IS_OP(x, '(')) {
        *x = save;
        return false;
    }
    fput(v, f, val->data, val->len);
    f->terms++;
    f->how |= H_VAR;
    return true;
}

/* f_call - vb constants; Chr/ChrW/ChrB(int), StrReverse(s), Replace(s, find, with) */
static bool f_call(VS *v, LEX *x, FOLD *f, int d)
{
    static const char *const fns[] = {"",           "chr",     "chrw",       "chrb",
                                      "strreverse", "replace", "vbcrlf\r\n", "vbnewline\r\n",
                                      "vbcr\r",     "vblf\n",  "vbtab\t",    "vbnullstring"};
    static const char *const subs[] = {"mid", "left", "right", "join"};
    int fn = NELEM(fns) - 1;
    size_t n = x->tn - (x->ts[x->tn - 1] == '$');
    size_t m = 0;
    for (int k = 0; k < 4; k++) {
        if (n != strlen(subs[k]) || memcmp(x->ts, subs[k], n) != 0)
            continue;
        lex_next(x);
        if (!IS_OP(x, '('))
            return false;
        lex_next(x);
        if (!(k == 3 ? f_join(v, x, f, d) : f_substr(v, x, f, k, d)) || !IS_OP(x, ')'))
            return false;
        lex_next(x);
        f->terms++;
        return true;
    }
    while (fn > 0 && (n != (m = strcspn(fns[fn], "\r\n\t")) || memcmp(x->ts, fns[fn], n) != 0))
        fn--;
    if (fn == 0)
        return false;
    lex_next(x);
    if (fn > 5) { /* a vb constant: not a piece of the split-string count */
        fput(v, f, fns[fn] + m, strlen(fns[fn] + m));
        return true;
    }
    if (!IS_OP(x, '('))
        return false;
    lex_next(x);
    if (!(fn >= 4 ? f_revrepl(v, x, f, fn == 4, d) : f_chr(v, x, f, fn - 1, d)) || !IS_OP(x, ')'))
        return false;
    lex_next(x);
    f->terms++;
    return true;
}

/* f_sterm - one constant string term: literal, (expression) or f_call */
static bool f_sterm(VS *v, LEX *x, FOLD *f, int d)
{
    if (x->t == T_STR) { /* a quote inside is the first of a doubled pair (lex_next) */
        BUF *lit = buf_new(x->tn + 1);
        BUF *cut = buf_new(x->tn + 1);
        for (size_t i = 0; i < x->tn; i += 1 + (x->ts[i] == '"'))
            buf_putc(lit, x->ts[i]);
        bool junk = v->pass2 && venv_strip(v->env, cut, lit->data, lit->len);
        fput(v, f, junk ? cut->data : lit->data, junk ? cut->len : lit->len);
        f->how |= junk ? H_REPL : 0;
        buf_free(lit);
        buf_free(cut);
        f->terms++;
        lex_next(x);
        return true;
    }
    if (!IS_OP(x, '('))
        return x->t == T_ID && (f_var(v, x, f) || f_call(v, x, f, d));
    lex_next(x);
    if (!f_sexpr(v, x, f, d + 1) || !IS_OP(x, ')'))
        return false;
    lex_next(x);
    return true;
}

/* f_sexpr - sterm {(& | +) sterm}; a term that does not fold ends the expression there */
static bool f_sexpr(VS *v, LEX *x, FOLD *f, int d)
{
    if (d > FOLD_DEPTH || !f_sterm(v, x, f, d))
        return false;
    while (IS_OP(x, '&') || IS_OP(x, '+')) {
        LEX save = *x;
        FOLD keep = *f;
        size_t len = f->b->len;
        lex_next(x);
        if (!f_sterm(v, x, f, d)) {
            *x = save;
            *f = keep;
            buf_truncate(f->b, len);
            break;
        }
        f->how |= H_CONCAT;
    }
    return true;
}

/* fold_reset - an empty fold for the next expression */
static void fold_reset(FOLD *f)
{
    f->terms = 0;
    f->chr = 0;
    f->how = 0;
    buf_reset(f->b);
}

/* fold_done - statistics of one folded expression, then fold_out */
static void fold_done(VS *v, const FOLD *f)
{
    if (f->terms > 1 && f->b->len <= 4 * f->terms) { /* pieces of 4 bytes or less */
        v->joins += f->terms - 1;
        if (f->terms > v->maxterms)
            v->maxterms = f->terms;
    }
    fold_out(v, f->b->data, f->b->len, f->how, f->terms, f->chr);
}

/* fold_assign - `name = expr` at a statement start: a constant value is remembered, any
 * other forgets name. false: not an assignment (x unchanged) */
static bool fold_assign(VS *v, LEX *x, FOLD *f)
{
    LEX save = *x;
    const char *name = x->ts;
    size_t nl = x->tn;
    lex_next(x);
    if (!IS_OP(x, '=')) {
        *x = save;
        return false;
    }
    lex_next(x);
    LEX rhs = *x;
    fold_reset(f);
    if ((x->t == T_STR || x->t == T_ID || IS_OP(x, '(')) && f_sexpr(v, x, f, 0) &&
        (x->t == T_EOL || x->t == T_EOF)) {
        venv_set(v->env, name, nl, f->b->data, f->b->len);
        fold_done(v, f);
        return true;
    }
    venv_del(v->env, name, nl);
    *x = rhs; /* the right-hand side may still hold constant parts */
    return true;
}

/* fold_object - CreateObject(...)/GetObject(...) at x: a computed name is dynamic (once per
 * project in the first pass); a folded one is decoded text */
static void fold_object(VS *v, const LEX *at)
{
    LEX y = *at;
    lex_next(&y);
    if (!IS_OP(&y, '('))
        return;
    lex_next(&y);
    if (IS_OP(&y, ',')) /* GetObject(, "class") */
        lex_next(&y);
    FOLD g = {buf_new(32), 0, 0, 0};
    if ((y.t == T_STR || y.t == T_ID || IS_OP(&y, '(')) && f_sexpr(v, &y, &g, 0) &&
        (IS_OP(&y, ')') || IS_OP(&y, ','))) {
        if (g.how & ~H_CONCAT)
            dec_add(v, g.b->data, g.b->len);
    } else if (!v->pass2 && v->dynobj++ == 0) {
        size_t e = (size_t)(at->ts - at->s);
        size_t k = e;
        while (k < at->n && k - e < 60 && at->s[k] != '\n')
            k++;
        snprintf(v->dynev, sizeof(v->dynev), "%.*s", (int)(k - e), at->ts);
    }
    buf_free(g.b);
}

/* vba_fold_module - fold every constant string expression of one module's view; assignments
 * feed the variables, CreateObject/GetObject names are checked */
void vba_fold_module(VS *v, const char *s, size_t n)
{
    LEX x = {.s = s, .n = n};
    FOLD f = {buf_new(64), 0, 0, 0};
    bool start = true;
    for (lex_next(&x); x.t != T_EOF;) {
        LEX save = x;
        if (x.t == T_ID && ((x.tn == 12 && memcmp(x.ts, "createobject", 12) == 0) ||
                            (x.tn == 9 && memcmp(x.ts, "getobject", 9) == 0)))
            fold_object(v, &x);
        if (start && x.t == T_ID && x.tn == 3 && memcmp(x.ts, "let", 3) == 0) {
            lex_next(&x);
            save = x;
        }
        if (start && x.t == T_ID && fold_assign(v, &x, &f)) {
            start = false;
            continue;
        }
        fold_reset(&f);
        if ((x.t == T_STR || x.t == T_ID) && f_sexpr(v, &x, &f, 0)) {
            fold_done(v, &f);
            start = false;
            continue;
        }
        start = save.t == T_EOL;
        x = save;
        lex_next(&x);
    }
    buf_free(f.b);
}
