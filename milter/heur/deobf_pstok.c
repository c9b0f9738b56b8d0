/*
 * deobf_pstok - PowerShell tokens for the psnorm pass: the lexer, navigation over the
 *               token array, writing it back out as text, and the IEX unwrapping
 *               (see deobf_ps.c for the contract, deobf_psint.h for the types)
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

/* ---------------------------------------------------------------- tokens */

/* ps_val - the value of token k */
const char *ps_val(const PS *p, size_t k)
{
    return p->arena->data + p->t[k].v;
}

/* ps_add_val - store a value in the arena; false when the budget is spent */
bool ps_add_val(PS *p, TOK *t, const char *s, size_t n)
{
    if (n > p->d->lim->max_out)
        return false;
    if (!deobf_charge(p->d, n + 1) || p->arena->len > UINT32_MAX - n) {
        p->spent = true; /* the budget is spent: no more passes */
        return false;
    }
    t->v = (uint32_t)p->arena->len;
    t->vn = (uint32_t)n;
    return buf_try_cat(p->arena, s, n);
}

/* wordc - a character of a PowerShell word (command, variable, parameter, number) */
static bool wordc(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c == '-' || c == ':' || c == '?' || c == '\\' ||
           c == '`' || c >= 0x80;
}

/* bt_char - the character a backtick escape stands for inside "..." */
static char bt_char(char c)
{
    switch (c) {
    case '0':
        return 0;
    case 'a':
        return 7;
    case 'b':
        return 8;
    case 'f':
        return 12;
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'v':
        return 11;
    default:
        return c;
    }
}

/* lex_string - the quoted string at i: value into b; returns its end, *opaque if "$..." */
static size_t lex_string(const char *in, size_t n, size_t i, BUF *b, bool *opaque)
{
    bool here = in[i] == '@';
    char q = in[i + here];
    size_t j = i + 1 + here;
    *opaque = false;
    if (here && j < n && in[j] == '\r') /* the here-string starts on the next line */
        j++;
    if (here && j < n && in[j] == '\n')
        j++;
    for (; j < n; j++) {
        char c = in[j];
        if (here) {
            if ((c == '\n') && j + 2 < n && in[j + 1] == q && in[j + 2] == '@')
                return j + 3;
            if (c == '$' && q == '"')
                *opaque = true;
            buf_putc(b, c);
            continue;
        }
        if (c == q && j + 1 < n && in[j + 1] == q) {
            buf_putc(b, c), j++;
        } else if (c == q) {
            return j + 1;
        } else if (q == '"' && c == '`' && j + 1 < n) {
            buf_putc(b, bt_char(in[++j]));
        } else {
            if (q == '"' && c == '$')
                *opaque = true;
            buf_putc(b, c);
        }
    }
    *opaque = true; /* unterminated: kept as written */
    return n;
}

/* ps_lex - cut the input into tokens (see the top of this file) */
void ps_lex(PS *p)
{
    const char *in = p->d->in;
    size_t n = p->d->n;
    size_t i = 0;
    BUF *b = buf_new(64);
    while (i < n && p->nt < PS_MAX_TOKENS) {
        TOK t = {0};
        unsigned char c = (unsigned char)in[i];
        size_t j = i + 1;
        t.s = (uint32_t)i;
        if (isspace(c) || (c == '`' && j < n && isspace((unsigned char)in[j]))) {
            while (j < n && isspace((unsigned char)in[j]))
                j++;
            t.kind = T_WS;
        } else if (c == '#' || (c == '<' && j < n && in[j] == '#')) {
            const char *e = c == '#' ? memchr(in + i, '\n', n - i) : memmem(in + i, n - i, "#>", 2);
            j = e ? (size_t)(e - in) + (c == '#' ? 0 : 2) : n;
            t.kind = T_WS;
        } else if (c == '\'' || c == '"' ||
                   (c == '@' && j + 1 < n && (in[j] == '\'' || in[j] == '"') &&
                    in[j + 1] == '\n') ||
                   (c == '@' && j + 2 < n && (in[j] == '\'' || in[j] == '"') &&
                    in[j + 1] == '\r')) {
            bool opaque;
            buf_reset(b);
            j = lex_string(in, n, i, b, &opaque);
            t.kind = opaque ? T_OPAQUE : T_STR;
            t.orig = 1;
            if (!opaque && !ps_add_val(p, &t, b->data, b->len))
                t.kind = T_OPAQUE;
        } else if (wordc(c)) {
            buf_reset(b);
            for (j = i; j < n && wordc((unsigned char)in[j]); j++) {
                if (in[j] == '`' && j + 1 < n && isspace((unsigned char)in[j + 1]))
                    break; /* a line continuation ends the word */
                if (in[j] == '`' && j + 1 < n)
                    j++;
                if (in[j] != '`')
                    buf_putc(b, in[j]);
            }
            t.kind = T_WORD;
            t.orig = j - i == b->len; /* no backticks removed */
            if (!t.orig) {
                p->changes++;
                p->obf++;
            }
            if (!ps_add_val(p, &t, b->data, b->len)) {
                t.kind = T_OPAQUE;
                t.orig = 1;
            }
        } else {
            t.kind = T_OP;
        }
        t.e = (uint32_t)j;
        p->t[p->nt++] = t;
        i = j;
    }
    p->tail = i;
    buf_free(b);
}

/* ---------------------------------------------------------------- navigation */

/* ps_nx - index of the first non-white-space token at or after k (p->nt when none) */
size_t ps_nx(const PS *p, size_t k)
{
    while (k < p->nt && (p->t[k].kind == T_WS || p->t[k].kind == T_DEAD))
        k++;
    return k;
}

/* ps_is_op - token k is operator character c */
bool ps_is_op(const PS *p, size_t k, char c)
{
    return k < p->nt && p->t[k].kind == T_OP && p->d->in[p->t[k].s] == c;
}

/* ps_is_word - token k is the word w (ignoring case) */
bool ps_is_word(const PS *p, size_t k, const char *w)
{
    return k < p->nt && p->t[k].kind == T_WORD && p->t[k].vn == strlen(w) &&
           strncasecmp(ps_val(p, k), w, p->t[k].vn) == 0;
}

/* ps_is_str - token k is a string literal */
bool ps_is_str(const PS *p, size_t k)
{
    return k < p->nt && p->t[k].kind == T_STR;
}

/* ps_number - token k is a decimal or 0x number: its value */
bool ps_number(const PS *p, size_t k, long *v)
{
    if (k >= p->nt || p->t[k].kind != T_WORD || p->t[k].vn == 0 || p->t[k].vn > 10)
        return false;
    char tmp[12], *end;
    memcpy(tmp, ps_val(p, k), p->t[k].vn);
    tmp[p->t[k].vn] = 0;
    bool hex = p->t[k].vn > 2 && tmp[0] == '0' && (tmp[1] | 0x20) == 'x';
    *v = strtol(hex ? tmp + 2 : tmp, &end, hex ? 16 : 10);
    return *end == 0 && end != tmp + 2 * hex;
}

/* kill - tokens [a, b) are gone */
static void kill(PS *p, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        p->t[k].kind = T_DEAD;
}

/* ps_put - token k becomes a string (or list) with value s[0..n); tokens (k, end) die */
bool ps_put(PS *p, size_t k, size_t end, uint8_t kind, uint16_t nel, const char *s, size_t n)
{
    TOK t = p->t[k];
    if (!ps_add_val(p, &t, s, n))
        return false;
    t.kind = kind;
    t.orig = 0;
    t.nel = nel;
    t.e = p->t[end - 1].e;
    p->t[k] = t;
    kill(p, k + 1, end);
    p->changes++;
    p->later += p->substituted;
    return true;
}

/* ps_compact - drop dead tokens */
void ps_compact(PS *p)
{
    size_t w = 0;
    for (size_t r = 0; r < p->nt; r++)
        if (p->t[r].kind != T_DEAD)
            p->t[w++] = p->t[r];
    p->nt = w;
}

/* ---------------------------------------------------------------- output */

/* write_str - a value as a single-quoted literal */
static void write_str(const PS *p, BUF *o, size_t max, const char *v, size_t vn)
{
    if (o->len > 0 && o->data[o->len - 1] == '\'') /* 'a''b' would read as one literal */
        deobf_put(o, max, " ", 1);
    deobf_put(o, max, "'", 1);
    for (size_t i = 0; i < vn && o->len < max; i++) {
        if (v[i] == '\'')
            deobf_put(o, max, "''", 2);
        else
            deobf_put(o, max, v + i, 1);
    }
    deobf_put(o, max, "'", 1);
    (void)p;
}

/* ps_write - the token array as text */
void ps_write(const PS *p, BUF *o)
{
    size_t max = p->d->lim->max_out;
    for (size_t k = 0; k < p->nt && o->len < max; k++) {
        const TOK *t = &p->t[k];
        if (t->kind == T_STR && !t->orig) {
            write_str(p, o, max, ps_val(p, k), t->vn);
        } else if (t->kind == T_LIST) {
            const char *s = ps_val(p, k);
            size_t a = 0;
            deobf_put(o, max, "(", 1);
            for (size_t i = 0; i <= t->vn; i++) {
                if (i == t->vn || s[i] == 0) {
                    write_str(p, o, max, s + a, i - a);
                    if (i < t->vn)
                        deobf_put(o, max, ",", 1);
                    a = i + 1;
                }
            }
            deobf_put(o, max, ")", 1);
        } else if (t->kind == T_WORD && !t->orig) {
            deobf_put(o, max, ps_val(p, k), t->vn);
        } else {
            deobf_put(o, max, p->d->in + t->s, t->e - t->s);
        }
    }
    deobf_put(o, max, p->d->in + p->tail, p->d->n - p->tail);
}

/* ---------------------------------------------------------------- iex */

/* iex_word - token k invokes an expression: iex, Invoke-Expression, or &/. 'iex' */
static bool iex_word(const PS *p, size_t k)
{
    if (ps_is_word(p, k, "iex") || ps_is_word(p, k, "invoke-expression"))
        return true;
    return ps_is_str(p, k) &&
           ((p->t[k].vn == 3 && strncasecmp(ps_val(p, k), "iex", 3) == 0) ||
            (p->t[k].vn == 17 && strncasecmp(ps_val(p, k), "invoke-expression", 17) == 0));
}

/* ps_unwrap - emit what IEX runs: iex 'code', 'code' | iex, &'iex' 'code' */
void ps_unwrap(PS *p)
{
    for (size_t k = 0; k < p->nt && !deobf_full(p->d); k++) {
        if (!iex_word(p, k))
            continue;
        size_t a = ps_nx(p, k + 1);
        size_t back = k;
        while (back > 0 && (p->t[back - 1].kind == T_WS || ps_is_op(p, back - 1, '&') ||
                            ps_is_op(p, back - 1, '.')))
            back--;
        if (ps_is_op(p, a, '(') && ps_is_str(p, ps_nx(p, a + 1)) &&
            ps_is_op(p, ps_nx(p, ps_nx(p, a + 1) + 1), ')'))
            a = ps_nx(p, a + 1); /* IEX('code'): a call-like grouping */
        if (ps_is_str(p, a) && p->t[a].vn >= DEOBF_MIN_OUT) {
            deobf_emit(p->d, "iex", "ps1", ps_val(p, a), p->t[a].vn);
        } else if (back >= 2 && ps_is_op(p, back - 1, '|')) {
            size_t s = back - 1;
            while (s > 0 && p->t[s - 1].kind == T_WS)
                s--;
            if (s > 0 && ps_is_str(p, s - 1))
                deobf_emit(p->d, "iex", "ps1", ps_val(p, s - 1), p->t[s - 1].vn);
        }
    }
}

/* Words whose appearance in the normalised text, and not in the input, shows that the
 * reductions revealed something (string building that hides nothing is not worth a layer). */
static const char *const REVEAL[] = {
    "iex",           "invoke-", "downloadstring", "downloadfile", "webclient",  "frombase64string",
    "start-process", "http",    "new-object",     "bypass",       "hidden",     "reflection",
    "::load",        "net.",    "shell",          "cmd",          "powershell", "compression",
    "virtualalloc",  "amsi",    "-enc",
};

/* ps_reveals - the normalised text o names a REVEAL word the input does not */
bool ps_reveals(const PS *p, const BUF *o)
{
    for (size_t i = 0; i < sizeof(REVEAL) / sizeof(REVEAL[0]); i++)
        if (str_memmem_ci(o->data, o->len, REVEAL[i]) &&
            !str_memmem_ci(p->d->in, p->d->n, REVEAL[i]))
            return true;
    return false;
}

/* deobf_psnorm - token-level normalisation of PowerShell, then IEX unwrapping */
