/*
 * deobf_ps - PowerShell token-level normalisation (the psnorm pass) and the unwrapping of
 *            what Invoke-Expression runs (the iex pass); see deobf.h, deobf_int.h
 *
 * The text is cut into tokens: white space and comments, 'single' and "double" quoted
 * strings and here-strings (a double-quoted one that interpolates $ is opaque), words
 * (backticks removed: I`E`X is IEX) and single-character operators. Then reductions run
 * over the token array, each one a forward pass that writes the array back in place:
 *   'a' + 'b' + ...                       -> 'ab...'
 *   ( 'x' )    (a grouping, not a call)   -> 'x'
 *   '{1}{0}' -f 'a','b'                   -> 'ba'
 *   [char]65, [char]0x41, [char](65)      -> 'A'
 *   ('a','b') / [char[]](72,105)          -> a list; list -join 'sep', -join list -> 'ab'
 *   'abc' -replace 'b','x' (also -creplace/-ireplace, a plain pattern), 'abc'.Replace('b','x')
 *   $pshome[4], $shellid[1], $env:comspec[4,15,25], $env:public[13] ... (the fixed
 *   values Invoke-Obfuscation indexes to spell iex)  -> 'i', a list
 * and, between rounds, $v = 'literal' assigned exactly once is substituted where $v is
 * read. The result is written out (strings as 'single-quoted' literals, words without
 * their backticks) and emitted as a ps1 layer when anything changed. The iex pass then
 * emits the string that IEX / Invoke-Expression / &'iex' / | iex runs as its own layer.
 *
 * Bounds: at most PS_MAX_TOKENS tokens (the rest of a longer text is kept as written),
 * PS_ROUNDS rounds of PS_PASSES passes, and every value built is paid from the call's
 * work budget (deobf_charge) and is at most lim->max_out bytes, so a call is linear in
 * n whatever the text holds. Each pass reads each token a constant number of times.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heur/deobf_psint.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* ---------------------------------------------------------------- reductions */

/* r_concat - 'a' + 'b' + ... at k; returns the next index to look at */
static size_t r_concat(PS *p, size_t k, BUF *b)
{
    size_t j = ps_nx(p, k + 1);
    size_t last = k;
    if (!ps_is_op(p, j, '+') || !ps_is_str(p, ps_nx(p, j + 1)))
        return k + 1;
    buf_reset(b);
    buf_cat(b, ps_val(p, k), p->t[k].vn);
    while (ps_is_op(p, j, '+') && ps_is_str(p, ps_nx(p, j + 1)) && b->len < p->d->lim->max_out) {
        last = ps_nx(p, j + 1);
        buf_cat(b, ps_val(p, last), p->t[last].vn);
        j = ps_nx(p, last + 1);
    }
    ps_put(p, k, last + 1, T_STR, 0, b->data, b->len);
    return last + 1;
}

/* r_group - ( 'x' ) or ( list ) that is a grouping, not a call's argument list */
static size_t r_group(PS *p, size_t k, size_t prev, BUF *b)
{
    size_t a = ps_nx(p, k + 1);
    if (prev < p->nt && p->t[prev].e == p->t[k].s &&
        (p->t[prev].kind == T_WORD || p->t[prev].kind == T_STR || ps_is_op(p, prev, ']') ||
         ps_is_op(p, prev, ')')))
        return k + 1; /* Method('x') or [type]('x'): leave it */
    if ((ps_is_str(p, a) || (a < p->nt && p->t[a].kind == T_LIST)) &&
        ps_is_op(p, ps_nx(p, a + 1), ')')) {
        size_t e = ps_nx(p, a + 1);
        ps_put(p, k, e + 1, p->t[a].kind, p->t[a].nel, ps_val(p, a), p->t[a].vn);
        return e + 1;
    }
    /* ( 'a', 'b', ... ) -> a list */
    size_t j = a;
    size_t nel = 0;
    buf_reset(b);
    while (ps_is_str(p, j) && nel < PS_MAX_ARGS && !memchr(ps_val(p, j), 0, p->t[j].vn)) {
        if (nel++)
            buf_putc(b, 0);
        buf_cat(b, ps_val(p, j), p->t[j].vn);
        j = ps_nx(p, j + 1);
        if (!ps_is_op(p, j, ','))
            break;
        j = ps_nx(p, j + 1);
    }
    if (nel >= 2 && ps_is_op(p, j, ')')) {
        ps_put(p, k, j + 1, T_LIST, (uint16_t)nel, b->data, b->len);
        return j + 1;
    }
    return k + 1;
}

/* format - '{0}{1}' with the arguments args[0..na): into b; false on a bad placeholder */
static bool format(const char *f, size_t fn, const char *const *args, const size_t *alen, size_t na,
                   BUF *b, size_t max)
{
    for (size_t i = 0; i < fn && b->len <= max; i++) {
        if ((f[i] == '{' || f[i] == '}') && i + 1 < fn && f[i + 1] == f[i]) {
            buf_putc(b, f[i++]);
        } else if (f[i] == '{') {
            size_t j = i + 1;
            size_t idx = 0;
            if (j >= fn || !isdigit((unsigned char)f[j]))
                return false;
            while (j < fn && isdigit((unsigned char)f[j]) && idx < PS_MAX_ARGS)
                idx = idx * 10 + (size_t)(f[j++] - '0');
            const char *e = memchr(f + j, '}', fn - j);
            if (e == NULL || idx >= na)
                return false;
            buf_cat(b, args[idx], alen[idx]);
            i = (size_t)(e - f);
        } else {
            buf_putc(b, f[i]);
        }
    }
    return b->len <= max;
}

/* r_format - 'fmt' -f 'a', 'b', ... */
static size_t r_format(PS *p, size_t k, BUF *b)
{
    size_t j = ps_nx(p, k + 1);
    if (!ps_is_word(p, j, "-f"))
        return k + 1;
    const char *args[PS_MAX_ARGS];
    size_t alen[PS_MAX_ARGS];
    size_t na = 0;
    size_t last = j;
    j = ps_nx(p, j + 1);
    if (j < p->nt && p->t[j].kind == T_LIST) { /* -f ('a','b') */
        const char *s = ps_val(p, j);
        const char *end = s + p->t[j].vn;
        for (; na < PS_MAX_ARGS; s++) {
            const char *z = memchr(s, 0, (size_t)(end - s));
            args[na] = s;
            alen[na++] = z ? (size_t)(z - s) : (size_t)(end - s);
            if (!z)
                break;
            s = z;
        }
        last = j;
    }
    while (na == 0 || last != j) {
        if (!ps_is_str(p, j) || na >= PS_MAX_ARGS)
            break;
        args[na] = ps_val(p, j);
        alen[na++] = p->t[j].vn;
        last = j;
        j = ps_nx(p, j + 1);
        if (!ps_is_op(p, j, ','))
            break;
        j = ps_nx(p, j + 1);
    }
    size_t cost = p->t[k].vn;
    for (size_t i = 0; i < na; i++)
        cost += alen[i];
    if (na == 0 || !deobf_charge(p->d, cost))
        return k + 1;
    buf_reset(b);
    if (!format(ps_val(p, k), p->t[k].vn, args, alen, na, b, p->d->lim->max_out))
        return k + 1;
    const char *f = ps_val(p, k);
    size_t i = 0;
    size_t fn = p->t[k].vn;
    while (i < fn && f[i] == '{' && memchr(f + i, '}', fn - i))
        i = (size_t)((const char *)memchr(f + i, '}', fn - i) - f) + 1;
    if (i == fn && na >= 2) /* '{2}{0}{1}': a string cut and shuffled */
        p->obf++;
    else
        p->weak++;
    ps_put(p, k, last + 1, T_STR, 0, b->data, b->len);
    return last + 1;
}

/* r_char - [char]N, [char](N), [char[]](N, N, ...) at the '[' k */
static size_t r_char(PS *p, size_t k, BUF *b)
{
    size_t w = ps_nx(p, k + 1);
    size_t j;
    size_t nel = 0;
    bool arr = ps_is_word(p, w, "char") && ps_is_op(p, w + 1, '[') && ps_is_op(p, w + 2, ']');
    if (!(ps_is_word(p, w, "char") || arr))
        return k + 1;
    j = arr ? w + 3 : w + 1;
    if (!ps_is_op(p, j, ']'))
        return k + 1;
    j = ps_nx(p, j + 1);
    bool paren = ps_is_op(p, j, '(');
    if (paren)
        j = ps_nx(p, j + 1);
    else if (arr)
        return k + 1;
    buf_reset(b);
    long v;
    size_t last = j;
    while (ps_number(p, j, &v) && v >= 0 && v <= 0x10FFFF && nel < PS_MAX_ARGS) {
        if (arr && nel)
            buf_putc(b, 0);
        deobf_utf8(b, p->d->lim->max_out, (unsigned long)v);
        nel++;
        last = j;
        j = ps_nx(p, j + 1);
        if (!arr || !ps_is_op(p, j, ','))
            break;
        j = ps_nx(p, j + 1);
    }
    if (nel == 0 || (paren && !ps_is_op(p, j, ')')))
        return k + 1;
    if (paren)
        last = j;
    if (arr && nel >= 2)
        ps_put(p, k, last + 1, T_LIST, (uint16_t)nel, b->data, b->len);
    else if (!arr || nel == 1)
        ps_put(p, k, last + 1, T_STR, 0, b->data, b->len);
    return last + 1;
}

/* joined - the elements of list token k joined by sep, into b */
static void joined(const PS *p, size_t k, const char *sep, size_t sn, BUF *b)
{
    const char *s = ps_val(p, k);
    buf_reset(b);
    for (size_t i = 0; i < p->t[k].vn && b->len <= p->d->lim->max_out; i++) {
        if (s[i] == 0)
            buf_cat(b, sep, sn);
        else
            buf_putc(b, s[i]);
    }
}

/* r_join - list -join 'sep' (k is the list) */
static size_t r_join(PS *p, size_t k, BUF *b)
{
    size_t j = ps_nx(p, k + 1), s;
    if (!ps_is_word(p, j, "-join"))
        return k + 1;
    s = ps_nx(p, j + 1);
    const char *sep = ps_is_str(p, s) ? ps_val(p, s) : "";
    size_t sn = ps_is_str(p, s) ? p->t[s].vn : 0;
    size_t last = ps_is_str(p, s) ? s : j;
    joined(p, k, sep, sn, b);
    ps_put(p, k, last + 1, T_STR, 0, b->data, b->len);
    return last + 1;
}

/* r_unary_join - -join list (k is the -join word) */
static size_t r_unary_join(PS *p, size_t k, size_t prev, BUF *b)
{
    size_t j = ps_nx(p, k + 1);
    if (j >= p->nt || p->t[j].kind != T_LIST ||
        (prev < p->nt && (p->t[prev].kind == T_STR || p->t[prev].kind == T_LIST)))
        return k + 1;
    joined(p, j, "", 0, b);
    ps_put(p, k, j + 1, T_STR, 0, b->data, b->len);
    return j + 1;
}

/* plain - a regex pattern with no metacharacters (a backslash-escaped one is itself) */
static bool plain(const char *s, size_t n, BUF *out)
{
    buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && !isalnum((unsigned char)s[i + 1]))
            buf_putc(out, s[++i]);
        else if (strchr("\\^$.|?*+()[]{}", s[i]))
            return false;
        else
            buf_putc(out, s[i]);
    }
    return out->len > 0;
}

/* replace_all - v with every pat replaced by rep, into b (budget paid per byte) */
static bool replace_all(PS *p, const char *v, size_t vn, const BUF *pat, const char *rep, size_t rn,
                        bool ci, BUF *b)
{
    buf_reset(b);
    if (!deobf_charge(p->d, vn * (ci ? pat->len : 1)))
        return false;
    for (size_t i = 0; i < vn;) {
        if (vn - i >= pat->len && (ci ? strncasecmp(v + i, pat->data, pat->len) == 0
                                      : memcmp(v + i, pat->data, pat->len) == 0)) {
            buf_cat(b, rep, rn);
            i += pat->len;
        } else {
            buf_putc(b, v[i++]);
        }
        if (b->len > p->d->lim->max_out)
            return false;
    }
    return true;
}

/* r_replace - 'x' -replace 'a','b' / 'x'.Replace('a','b') (k is the string) */
static size_t r_replace(PS *p, size_t k, BUF *b, BUF *pat)
{
    size_t j = ps_nx(p, k + 1), a, r, last;
    bool method =
        ps_is_op(p, k + 1, '.') && ps_is_word(p, k + 2, "replace") && ps_is_op(p, k + 3, '(');
    bool ci = ps_is_word(p, j, "-replace") || ps_is_word(p, j, "-ireplace");
    if (!method && !ci && !ps_is_word(p, j, "-creplace"))
        return k + 1;
    a = ps_nx(p, method ? k + 4 : j + 1);
    if (!ps_is_str(p, a))
        return k + 1;
    r = ps_nx(p, a + 1);
    const char *rep = "";
    size_t rn = 0;
    last = a;
    if (ps_is_op(p, r, ',') && ps_is_str(p, ps_nx(p, r + 1))) {
        r = ps_nx(p, r + 1);
        rep = ps_val(p, r);
        rn = p->t[r].vn;
        last = r;
    } else if (method) {
        return k + 1;
    }
    if (method) {
        last = ps_nx(p, last + 1);
        if (!ps_is_op(p, last, ')'))
            return k + 1;
        buf_reset(pat);
        buf_cat(pat, ps_val(p, a), p->t[a].vn);
    } else if (!plain(ps_val(p, a), p->t[a].vn, pat) || memchr(rep, '$', rn)) {
        return k + 1;
    }
    if (pat->len == 0 || !replace_all(p, ps_val(p, k), p->t[k].vn, pat, rep, rn, ci && !method, b))
        return k + 1;
    ps_put(p, k, last + 1, T_STR, 0, b->data, b->len);
    return last + 1;
}

/* Automatic variables whose values are fixed on every Windows host. */
static const struct {
    const char *name, *value;
} AUTOVARS[] = {
    {"$pshome", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0"},
    {"$shellid", "Microsoft.PowerShell"},
    {"$env:comspec", "C:\\WINDOWS\\system32\\cmd.exe"},
    {"$env:public", "C:\\Users\\Public"},
    {"$env:windir", "C:\\WINDOWS"},
};

/* r_autovar - $pshome[4] / $env:comspec[4,15,25] (k is the word) */
static size_t r_autovar(PS *p, size_t k, BUF *b)
{
    const char *v = NULL;
    for (size_t i = 0; i < sizeof(AUTOVARS) / sizeof(AUTOVARS[0]) && !v; i++)
        if (ps_is_word(p, k, AUTOVARS[i].name))
            v = AUTOVARS[i].value;
    if (v == NULL || !ps_is_op(p, k + 1, '['))
        return k + 1;
    size_t j = ps_nx(p, k + 2);
    size_t nel = 0;
    size_t vn = strlen(v);
    long x;
    buf_reset(b);
    while (ps_number(p, j, &x) && nel < PS_MAX_ARGS) {
        if (x < 0)
            x += (long)vn;
        if (x < 0 || (size_t)x >= vn)
            return k + 1;
        if (nel++)
            buf_putc(b, 0);
        buf_putc(b, v[x]);
        j = ps_nx(p, j + 1);
        if (!ps_is_op(p, j, ','))
            break;
        j = ps_nx(p, j + 1);
    }
    if (nel == 0 || !ps_is_op(p, j, ']'))
        return k + 1;
    ps_put(p, k, j + 1, nel > 1 ? T_LIST : T_STR, (uint16_t)nel, b->data, b->len);
    return j + 1;
}

/* pass - one forward pass of every reduction; true when something changed */
static bool pass(PS *p, BUF *b, BUF *pat)
{
    size_t before = p->changes;
    size_t prev = p->nt;
    for (size_t k = 0; k < p->nt;) {
        TOK *t = &p->t[k];
        size_t next = k + 1;
        if (t->kind == T_STR) {
            next = r_concat(p, k, b);
            if (next == k + 1)
                next = r_format(p, k, b);
            if (next == k + 1) {
                next = r_replace(p, k, b, pat);
                p->weak += next != k + 1;
            }
        } else if (t->kind == T_LIST) {
            next = r_join(p, k, b);
            p->obf += next != k + 1;
        } else if (ps_is_op(p, k, '(')) {
            next = r_group(p, k, prev, b);
        } else if (ps_is_op(p, k, '[')) {
            next = r_char(p, k, b);
            p->weak += next != k + 1;
        } else if (ps_is_word(p, k, "-join")) {
            next = r_unary_join(p, k, prev, b);
            p->obf += next != k + 1;
        } else if (t->kind == T_WORD) {
            next = r_autovar(p, k, b);
            p->obf += next != k + 1;
        }
        if (p->t[k].kind != T_WS && p->t[k].kind != T_DEAD)
            prev = k;
        k = next;
    }
    ps_compact(p);
    return p->changes > before;
}

/* ---------------------------------------------------------------- variables */

typedef struct VAR {
    size_t tok;    /* the string assigned */
    uint32_t name; /* the word token's value */
    uint32_t nlen;
    unsigned count;
} VAR;

/* substitute - $v = 'x' assigned once: its reads become 'x'; true when any changed */
static bool substitute(PS *p)
{
    VAR *vars = xcalloc(PS_MAX_VARS, sizeof(VAR));
    size_t nv = 0;
    size_t before = p->changes;
    for (size_t k = 0; k < p->nt; k++) { /* the assignments */
        if (p->t[k].kind != T_WORD || ps_val(p, k)[0] != '$' || p->t[k].vn < 2)
            continue;
        size_t eq = ps_nx(p, k + 1), j;
        bool assign = ps_is_op(p, eq, '=') && !ps_is_op(p, eq + 1, '=');
        bool compound = (ps_is_op(p, eq, '+') || ps_is_op(p, eq, '-')) && ps_is_op(p, eq + 1, '=');
        if (!assign && !compound)
            continue;
        size_t i = 0;
        while (i < nv &&
               !(vars[i].nlen == p->t[k].vn &&
                 strncasecmp(p->arena->data + vars[i].name, ps_val(p, k), vars[i].nlen) == 0))
            i++;
        if (i == nv && nv == PS_MAX_VARS)
            continue;
        if (i == nv)
            vars[nv++] = (VAR){0, p->t[k].v, p->t[k].vn, 0};
        vars[i].count += 1 + compound;
        j = ps_nx(p, eq + 1);
        size_t end = j + 1;
        bool simple = assign && ps_is_str(p, j) &&
                      (end >= p->nt || ps_is_op(p, end, ';') ||
                       (p->t[end].kind == T_WS &&
                        memchr(p->d->in + p->t[end].s, '\n', p->t[end].e - p->t[end].s)));
        vars[i].tok = simple ? j : SIZE_MAX;
    }
    for (size_t k = 0; k < p->nt; k++) { /* the reads */
        if (p->t[k].kind != T_WORD || ps_val(p, k)[0] != '$')
            continue;
        size_t eq = ps_nx(p, k + 1);
        if (ps_is_op(p, eq, '=') ||
            ((ps_is_op(p, eq, '+') || ps_is_op(p, eq, '-')) && ps_is_op(p, eq + 1, '=')))
            continue;
        for (size_t i = 0; i < nv; i++) {
            if (vars[i].count != 1 || vars[i].tok == SIZE_MAX || vars[i].nlen != p->t[k].vn ||
                strncasecmp(p->arena->data + vars[i].name, ps_val(p, k), vars[i].nlen) != 0)
                continue;
            TOK s = p->t[vars[i].tok];
            s.s = p->t[k].s;
            s.e = p->t[k].e;
            s.orig = 0;
            p->t[k] = s;
            p->changes++;
            break;
        }
    }
    free(vars);
    return p->changes > before;
}

void deobf_psnorm(DEOBF *d)
{
    if (!deobf_lang_in(d->lang, "ps1") || d->n > UINT32_MAX)
        return;
    size_t cap = d->n < PS_MAX_TOKENS ? d->n : PS_MAX_TOKENS;
    PS p = {
        .d = d, .t = try_malloc(cap * sizeof(TOK)), .arena = buf_new(d->n < 4096 ? 4096 : d->n)};
    if (p.t == NULL) {
        buf_free(p.arena);
        return;
    }
    BUF *b = buf_new(256);
    BUF *pat = buf_new(64);
    ps_lex(&p);
    for (int r = 0; r < PS_ROUNDS; r++) {
        for (int i = 0; i < PS_PASSES; i++)
            if (p.spent || !pass(&p, b, pat))
                break;
        if (r + 1 == PS_ROUNDS || !substitute(&p))
            break;
        p.substituted = true;
    }
    if (p.obf > 0 || p.weak > 0 || p.later > 0) {
        BUF *o = buf_new(d->n);
        ps_write(&p, o);
        if (p.obf > 0 || ps_reveals(&p, o))
            deobf_emit(d, "psnorm", "ps1", o->data, o->len);
        buf_free(o);
    }
    ps_unwrap(&p);
    buf_free(b);
    buf_free(pat);
    buf_free(p.arena);
    free(p.t);
}
