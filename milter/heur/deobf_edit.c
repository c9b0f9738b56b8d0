/*
 * heur/deobf_edit - the passes that edit literals: reverse and replace (see heur/deobf.h,
 *              deobf_int.h)
 *
 * reverse: JS "...".split("").reverse().join(""); VBScript StrReverse("..."); PowerShell
 * $v[-1..-($v.Length)] and [array]::Reverse($v) where $v was assigned a literal ('...',
 * optionally .ToCharArray()) earlier in the text. Reversal keeps UTF-8 sequences whole.
 * The PowerShell variables are remembered in a fixed table (VARS slots, a few probes
 * each; a name that finds no slot is not tracked): memory and time per variable are
 * constant, values are spans of the input, not copies.
 *
 * replace: a literal followed by a chain of .replace(a, b) / .replaceAll (js: a string
 * replaces its first occurrence; a /regex/ with plain characters replaces the first, or
 * all with g; i ignores case), .Replace(a, b) (ps1: all, case-sensitive) or -replace a, b
 * (ps1: all, case-insensitive; -creplace case-sensitive; the pattern must be plain), and
 * VBScript Replace(Replace("...", a, b), c, d) nested up to MAX_NEST deep (no recursion:
 * the Replace( prefixes are counted, then the literal, then the argument tails).
 *
 * Both write the text with each recognised expression replaced by the resulting literal
 * and emit it when something changed. A replacement costs the length of the value (the
 * search is linear for a case-sensitive pattern; a case-insensitive one pays length times
 * pattern length) from the call's work budget, so a 10 MB chain of .replace() on a large
 * literal stops transforming instead of going quadratic.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/deobf_int.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define VARS     512 /* slots of the PowerShell variable table */
#define PROBES   8   /* slots tried for one name */
#define NAME_MAX 64  /* longest variable name tracked */
#define PAT_MAX  256 /* longest replace pattern */
#define MAX_NEST 16  /* nested VBScript Replace( calls */

typedef struct PSVAR {
    size_t name, nlen; /* the name: in[name..name+nlen) */
    size_t c0, c1;     /* the value: a literal's content */
    char q;
    bool rev; /* reversed by [array]::Reverse since */
    bool used;
} PSVAR;

typedef struct EDIT {
    DEOBF *d;
    BUF *o;         /* the result text */
    size_t cp;      /* input copied to o up to here */
    size_t changes; /* expressions replaced */
} EDIT;

/* edit_put - replace in[from..to) by the literal q value q in the result */
static void edit_put(EDIT *e, size_t from, size_t to, char q, const char *v, size_t vn)
{
    size_t max = e->d->lim->max_out;
    deobf_put(e->o, max, e->d->in + e->cp, from - e->cp);
    deobf_put(e->o, max, &q, 1);
    deobf_put(e->o, max, v, vn);
    deobf_put(e->o, max, &q, 1);
    e->cp = to;
    e->changes++;
}

/* edit_end - copy the rest, emit when something changed, free the result */
static void edit_end(EDIT *e, const char *how)
{
    if (e->changes > 0) {
        deobf_put(e->o, e->d->lim->max_out, e->d->in + e->cp, e->d->n - e->cp);
        deobf_emit(e->d, how, e->d->lang, e->o->data, e->o->len);
    }
    buf_free(e->o);
}

/* reversed - p[0..n) reversed by UTF-8 sequence into b */
static void reversed(BUF *b, size_t max, const char *p, size_t n)
{
    size_t end = n;
    while (end > 0) {
        size_t s = end - 1;
        while (s > 0 && end - s < 4 && ((unsigned char)p[s] & 0xC0) == 0x80)
            s--;
        if (!deobf_put(b, max, p + s, end - s))
            return;
        end = s;
    }
}

/* ---------------------------------------------------------------- PowerShell variables */

/* var_name - length of a $name at in[i] (after the '$'), 0 when none or too long */
static size_t var_name(const char *in, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && j - i <= NAME_MAX && (isalnum((unsigned char)in[j]) || in[j] == '_'))
        j++;
    return j - i > NAME_MAX ? 0 : j - i;
}

/* var_slot - the slot of a name: its own, a free one (when add), or NULL */
static PSVAR *var_slot(PSVAR *vars, const char *in, size_t name, size_t nlen, bool add)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < nlen; i++)
        h = (h ^ (unsigned char)tolower((unsigned char)in[name + i])) * 16777619u;
    for (size_t p = 0; p < PROBES; p++) {
        PSVAR *v = &vars[(h + p) % VARS];
        if (!v->used)
            return add ? v : NULL;
        if (v->nlen == nlen && strncasecmp(in + v->name, in + name, nlen) == 0)
            return v;
    }
    return NULL;
}

/* ps_assign - $name = 'literal'[.ToCharArray()] recorded; returns the end, or 0 */
static size_t ps_assign(EDIT *e, PSVAR *vars, size_t i, size_t nlen)
{
    const char *in = e->d->in;
    size_t n = e->d->n;
    size_t j = deobf_ws(in, n, i + 1 + nlen);
    if (j >= n || in[j] != '=' || (j + 1 < n && in[j + 1] == '='))
        return 0;
    j = deobf_ws(in, n, j + 1);
    size_t k = j;
    if (deobf_pat(in, n, &k, "[char[]] "))
        j = k;
    DEOBF_LIT lit;
    if (j >= n || deobf_lit(in, n, j, &e->d->syn, &lit) != 1)
        return 0;
    PSVAR *v = var_slot(vars, in, i + 1, nlen, true);
    if (v)
        *v = (PSVAR){i + 1, nlen, lit.c0, lit.c1, lit.q, false, true};
    k = lit.end;
    return deobf_pat(in, n, &k, ".tochararray( )") ? k : lit.end;
}

/* ps_index - $v[-1..-($v.Length)] of a known $v: written reversed; returns the end, or 0 */
static size_t ps_index(EDIT *e, PSVAR *vars, size_t i, size_t nlen)
{
    const char *in = e->d->in;
    size_t n = e->d->n;
    size_t j = i + 1 + nlen;
    if (!deobf_pat(in, n, &j, " [ -1 .. - "))
        return 0;
    bool paren = deobf_pat(in, n, &j, "( ");
    if (j >= n || in[j] != '$' || var_name(in, n, j + 1) != nlen ||
        strncasecmp(in + j + 1, in + i + 1, nlen) != 0)
        return 0;
    j += 1 + nlen;
    if (!deobf_pat(in, n, &j, ".length") || (paren && !deobf_pat(in, n, &j, " )")) ||
        !deobf_pat(in, n, &j, " ]"))
        return 0;
    PSVAR *v = var_slot(vars, in, i + 1, nlen, false);
    if (v == NULL)
        return 0;
    BUF *b = buf_new(v->c1 - v->c0 + 1);
    if (v->rev)
        deobf_put(b, e->d->lim->max_out, in + v->c0, v->c1 - v->c0);
    else
        reversed(b, e->d->lim->max_out, in + v->c0, v->c1 - v->c0);
    edit_put(e, i, j, v->q, b->data, b->len);
    buf_free(b);
    return j;
}

/* ps_array_reverse - [array]::Reverse($v) of a known $v: written as $v = 'reversed' */
static size_t ps_array_reverse(EDIT *e, PSVAR *vars, size_t i)
{
    const char *in = e->d->in;
    size_t n = e->d->n;
    size_t j = i;
    size_t nlen;
    if (!deobf_pat(in, n, &j, "[array]::reverse ( $") || (nlen = var_name(in, n, j)) == 0)
        return 0;
    size_t name = j;
    j += nlen;
    PSVAR *v = var_slot(vars, in, name, nlen, false);
    if (!deobf_pat(in, n, &j, " )") || v == NULL)
        return 0;
    v->rev = !v->rev;
    BUF *b = buf_new(v->c1 - v->c0 + nlen + 8);
    buf_putc(b, '$');
    buf_cat(b, in + name, nlen);
    buf_puts(b, " = ");
    deobf_put(e->o, e->d->lim->max_out, in + e->cp, i - e->cp);
    deobf_put(e->o, e->d->lim->max_out, b->data, b->len);
    e->cp = i;
    buf_reset(b);
    if (v->rev)
        reversed(b, e->d->lim->max_out, in + v->c0, v->c1 - v->c0);
    else
        deobf_put(b, e->d->lim->max_out, in + v->c0, v->c1 - v->c0);
    edit_put(e, i, j, v->q, b->data, b->len);
    buf_free(b);
    return j;
}

/* ---------------------------------------------------------------- reverse */

/* rev_literal - a literal at in[i], reversed when .split("").reverse().join("") follows */
static size_t rev_literal(EDIT *e, size_t i)
{
    DEOBF *d = e->d;
    DEOBF_LIT lit;
    int r = deobf_lit(d->in, d->n, i, &d->syn, &lit);
    if (r <= 0)
        return r < 0 ? lit.end : i + 1;
    static const char chain[] = " .split( # ) .reverse( ) .join( # )";
    size_t j = lit.end;
    if (!d->syn.js || !deobf_pat(d->in, d->n, &j, chain))
        return lit.end;
    /* a chain of k such calls is folded at once: an odd k reverses, an even k does not (one
     * layer, not one nested layer per call) */
    size_t k = 1;
    for (size_t next = j; deobf_pat(d->in, d->n, &next, chain); k++)
        j = next;
    BUF *b = buf_new(lit.c1 - lit.c0 + 1);
    if (k % 2)
        reversed(b, d->lim->max_out, d->in + lit.c0, lit.c1 - lit.c0);
    else
        buf_cat(b, d->in + lit.c0, lit.c1 - lit.c0);
    edit_put(e, i, j, lit.q, b->data, b->len);
    buf_free(b);
    return j;
}

/* strreverse - VBScript StrReverse("..."); returns the end, or 0 */
static size_t strreverse(EDIT *e, size_t i)
{
    DEOBF *d = e->d;
    size_t j = i;
    DEOBF_LIT lit;
    if (!deobf_pat(d->in, d->n, &j, "strreverse ( ") || j >= d->n ||
        deobf_lit(d->in, d->n, j, &d->syn, &lit) != 1)
        return 0;
    j = lit.end;
    if (!deobf_pat(d->in, d->n, &j, " )"))
        return 0;
    BUF *b = buf_new(lit.c1 - lit.c0 + 1);
    reversed(b, d->lim->max_out, d->in + lit.c0, lit.c1 - lit.c0);
    edit_put(e, i, j, lit.q, b->data, b->len);
    buf_free(b);
    return j;
}

/* rev_dollar - a PowerShell $name: an assignment to remember or a reversing index */
static size_t rev_dollar(EDIT *e, PSVAR *vars, size_t i)
{
    size_t nlen = var_name(e->d->in, e->d->n, i + 1), end;
    if (nlen == 0)
        return i + 1;
    if ((end = ps_assign(e, vars, i, nlen)) > 0 || (end = ps_index(e, vars, i, nlen)) > 0)
        return end;
    return i + 1 + nlen;
}

/* deobf_reverse - reversed literals (see the top of this file) */
void deobf_reverse(DEOBF *d)
{
    if (!d->syn.on || deobf_full(d))
        return;
    size_t max = d->lim->max_out;
    size_t n = d->n;
    EDIT e = {d, buf_new(n < max ? n + 1 : max + 1), 0, 0};
    PSVAR *vars = d->syn.ps ? xcalloc(VARS, sizeof(PSVAR)) : NULL;
    for (size_t i = 0; i < n && e.o->len < max;) {
        char c = d->in[i];
        bool word = i == 0 || !(deobf_idc(d->in[i - 1]) || d->in[i - 1] == '.');
        size_t end = 0;
        if (c == '"' || c == '\'')
            end = rev_literal(&e, i);
        else if (d->syn.vbs && (c | 0x20) == 's' && word)
            end = strreverse(&e, i);
        else if (vars && c == '$')
            end = rev_dollar(&e, vars, i);
        else if (vars && c == '[')
            end = ps_array_reverse(&e, vars, i);
        i = end > i ? end : i + 1;
    }
    free(vars);
    edit_end(&e, "reverse");
}

/* ---------------------------------------------------------------- replace */

typedef struct REPL {
    BUF *pat, *rep; /* plain pattern and replacement */
    bool all, ci;
} REPL;

/* plain_regex - a regex body with no metacharacters (escaped ones are plain) into out */
static bool plain_regex(const char *p, size_t n, BUF *out)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\\' && i + 1 < n && !isalnum((unsigned char)p[i + 1])) {
            buf_putc(out, p[++i]);
        } else if (c == '\\' || strchr(".$^{}[]()|*+?", c)) {
            return false;
        } else {
            buf_putc(out, c);
        }
    }
    return out->len > 0;
}

/* js_regex - /plain/flags at in[*j] into r */
static bool js_regex(DEOBF *d, size_t *j, REPL *r)
{
    const char *in = d->in;
    size_t i = *j + 1;
    size_t k = i;
    while (k < d->n && k - i < PAT_MAX && in[k] != '/' && in[k] != '\n')
        k += in[k] == '\\' ? 2 : 1;
    if (k >= d->n || in[k] != '/' || !plain_regex(in + i, k - i, r->pat))
        return false;
    r->all = r->ci = false;
    for (k++; k < d->n && isalpha((unsigned char)in[k]); k++) {
        r->all |= in[k] == 'g';
        r->ci |= in[k] == 'i';
    }
    *j = k;
    return true;
}

/* lit_arg - a literal argument at in[*j] (at most PAT_MAX bytes) into b */
static bool lit_arg(DEOBF *d, size_t *j, BUF *b, bool regex)
{
    DEOBF_LIT lit;
    if (*j >= d->n || deobf_lit(d->in, d->n, *j, &d->syn, &lit) != 1 || lit.c1 - lit.c0 > PAT_MAX)
        return false;
    *j = lit.end;
    if (regex)
        return plain_regex(d->in + lit.c0, lit.c1 - lit.c0, b);
    buf_cat(b, d->in + lit.c0, lit.c1 - lit.c0);
    return true;
}

/* repl_op - one .replace(a, b) / .Replace / -replace a, b after a value at in[*j] */
static bool repl_op(DEOBF *d, size_t *j, REPL *r)
{
    size_t k = *j;
    buf_reset(r->pat);
    buf_reset(r->rep);
    bool ps_op = false;
    bool all_js = false;
    if (d->syn.ps &&
        (deobf_pat(d->in, d->n, &k, " -replace ") || deobf_pat(d->in, d->n, &k, " -ireplace ") ||
         (ps_op = deobf_pat(d->in, d->n, &k, " -creplace ")))) {
        r->all = true;
        r->ci = !ps_op;
        ps_op = true;
    } else if (d->syn.js && (deobf_pat(d->in, d->n, &k, " .replace ( ") ||
                             (all_js = deobf_pat(d->in, d->n, &k, " .replaceall ( ")))) {
        r->all = all_js;
        r->ci = false;
        if (k < d->n && d->in[k] == '/' && !js_regex(d, &k, r))
            return false;
    } else if (d->syn.ps && deobf_pat(d->in, d->n, &k, " .replace ( ")) {
        r->all = true;
        r->ci = false;
    } else {
        return false;
    }
    if ((r->pat->len == 0 && !lit_arg(d, &k, r->pat, ps_op)) ||
        !deobf_pat(d->in, d->n, &k, " , ") || !lit_arg(d, &k, r->rep, false) ||
        (ps_op && memchr(r->rep->data, '$', r->rep->len)) ||
        (!ps_op && !deobf_pat(d->in, d->n, &k, " )")))
        return false;
    *j = k;
    return true;
}

/* find - the next occurrence of pat in v from `from`, or NULL */
static const char *find(const BUF *v, size_t from, const BUF *pat, bool ci)
{
    if (ci)
        return str_memmem_ci(v->data + from, v->len - from, pat->data);
    return memmem(v->data + from, v->len - from, pat->data, pat->len);
}

/* apply - one replacement on the value *v (paid from the budget); false when unpaid */
static bool apply(DEOBF *d, BUF **v, const REPL *r)
{
    size_t cost = (*v)->len + r->pat->len;
    if (r->pat->len == 0 || memchr(r->pat->data, 0, r->pat->len) ||
        !deobf_charge(d, r->ci ? cost * r->pat->len : cost))
        return false;
    BUF *out = buf_new((*v)->len + 1);
    size_t from = 0;
    size_t max = d->lim->max_out;
    const char *hit;
    while ((hit = find(*v, from, r->pat, r->ci)) != NULL) {
        size_t at = (size_t)(hit - (*v)->data);
        deobf_put(out, max, (*v)->data + from, at - from);
        deobf_put(out, max, r->rep->data, r->rep->len);
        from = at + r->pat->len;
        if (!r->all)
            break;
    }
    deobf_put(out, max, (*v)->data + from, (*v)->len - from);
    buf_free(*v);
    *v = out;
    return true;
}

/* repl_literal - a literal at in[i] and the chain of replace operations after it */
static size_t repl_literal(EDIT *e, REPL *r, size_t i)
{
    DEOBF *d = e->d;
    DEOBF_LIT lit;
    int res = deobf_lit(d->in, d->n, i, &d->syn, &lit);
    if (res <= 0)
        return res < 0 ? lit.end : i + 1;
    if (!d->syn.js && !d->syn.ps)
        return lit.end;
    BUF *v = buf_new(lit.c1 - lit.c0 + 1);
    deobf_put(v, d->lim->max_out, d->in + lit.c0, lit.c1 - lit.c0);
    size_t j = lit.end;
    size_t k = j;
    size_t ops = 0;
    while (repl_op(d, &k, r) && apply(d, &v, r))
        j = k, ops++;
    if (ops > 0)
        edit_put(e, i, j, lit.q, v->data, v->len);
    buf_free(v);
    return j;
}

/* vbs_replace - Replace(...Replace("...", a, b)..., c, d); returns the end, or 0 */
static size_t vbs_replace(EDIT *e, REPL *r, size_t i)
{
    DEOBF *d = e->d;
    size_t j = i;
    size_t depth = 0;
    while (depth < MAX_NEST && deobf_pat(d->in, d->n, &j, "replace ( "))
        depth++;
    DEOBF_LIT lit;
    if (depth == 0 || j >= d->n || deobf_lit(d->in, d->n, j, &d->syn, &lit) != 1)
        return 0;
    BUF *v = buf_new(lit.c1 - lit.c0 + 1);
    deobf_put(v, d->lim->max_out, d->in + lit.c0, lit.c1 - lit.c0);
    j = lit.end;
    for (size_t k = 0; k < depth && j > 0; k++) {
        buf_reset(r->pat);
        buf_reset(r->rep);
        r->all = true;
        r->ci = false;
        if (!deobf_pat(d->in, d->n, &j, " , ") || !lit_arg(d, &j, r->pat, false) ||
            !deobf_pat(d->in, d->n, &j, " , ") || !lit_arg(d, &j, r->rep, false) ||
            !deobf_pat(d->in, d->n, &j, " )") || !apply(d, &v, r))
            j = 0;
    }
    if (j > 0)
        edit_put(e, i, j, '"', v->data, v->len);
    buf_free(v);
    return j;
}

/* deobf_replace - literals with replace operations applied (see the top of this file) */
void deobf_replace(DEOBF *d)
{
    if (!d->syn.on || deobf_full(d))
        return;
    size_t max = d->lim->max_out;
    size_t n = d->n;
    EDIT e = {d, buf_new(n < max ? n + 1 : max + 1), 0, 0};
    REPL r = {buf_new(64), buf_new(64), false, false};
    for (size_t i = 0; i < n && e.o->len < max;) {
        char c = d->in[i];
        bool word = i == 0 || !(deobf_idc(d->in[i - 1]) || d->in[i - 1] == '.');
        size_t end = 0;
        if (c == '"' || c == '\'')
            end = repl_literal(&e, &r, i);
        else if (d->syn.vbs && (c | 0x20) == 'r' && word)
            end = vbs_replace(&e, &r, i);
        i = end > i ? end : i + 1;
    }
    buf_free(r.pat);
    buf_free(r.rep);
    edit_end(&e, "replace");
}
