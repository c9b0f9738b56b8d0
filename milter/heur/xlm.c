/*
 * heur_xlm - Excel 4 (XLM) macro sheets (the contract is in heur/xlm.h)
 *
 * Every byte is chosen by the sender. The BIFF walk goes strictly forward, record by
 * record (formats.md §7): BOUNDSHEET (0x85) names macro sheets (dt=1) and their
 * visibility, NAME (0x18) with fBuiltin and code 1 is Auto_Open, FORMULA (0x06) holds the
 * tokens (rgce). A formula is evaluated on a small stack (EV_DEPTH entries) as far as
 * constants go: ptgStr, ptgInt, ptgNum, CHAR(n), &, + - * /; a call renders as text with its
 * evaluated arguments, so `FORMULA(CHAR(61)&CHAR(69)&...,R2C1)` becomes
 * `FORMULA("=EXEC(...)",R2C1)`. Function ids: Ftab and, with bit 15, Cetab (MS-XLS
 * 2.5.198.17/2.5.198.8). The listing (at most XLM_LIST bytes) is scanned for names again
 * and emitted once. Text input (macrosheet XML, SYLK) is scanned byte by byte for names,
 * with NUL bytes skipped (UTF-16LE); CHAR()/"..." chains joined by & are folded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heur/xlm.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define EV_DEPTH 16        /* evaluation stack entries */
#define EV_STR   2048      /* bytes of one evaluated value */
#define XLM_LIST (1 << 20) /* bytes of the deobfuscated listing */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define LOW(c)   ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define LE16(p)  ((p)[0] | (unsigned)(p)[1] << 8)
#define idc(c)                                                                                     \
    ((((c) | 32) >= 'a' && ((c) | 32) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_')

enum { X_EXEC, X_CALL, X_REGISTER, X_CHAR, X_FORMULA, X_GOTO, X_HALT, X_DOWNLOAD };
enum { X_URLMON = X_DOWNLOAD + 1, X_SHELLEXEC, X_AUTO, X_RUN, X_N };
static const char *const xkws[X_N] = {"exec(",    "call(",        "register(", "char(",
                                      "formula(", "goto(",        "halt(",     "urldownloadtofile",
                                      "urlmon",   "shellexecute", "auto_open", "run("};

/* function ids: Ftab, or Cetab | 0x8000 */
static const struct {
    unsigned id;
    int kw;
    const char *name;
} fns[] = {
    {0x006e, X_EXEC, "EXEC"},       {0x0096, X_CALL, "CALL"}, {0x0095, X_REGISTER, "REGISTER"},
    {0x006f, X_CHAR, "CHAR"},       {0x0035, X_GOTO, "GOTO"}, {0x0036, X_HALT, "HALT"},
    {0x8060, X_FORMULA, "FORMULA"}, {0x8011, X_RUN, "RUN"},   {0x0037, -1, "RETURN"},
    {0x8076, -1, "ALERT"},          {0x0001, -1, "IF"},       {0x001f, -1, "MID"},
    {0x0150, -1, "CONCATENATE"},    {0x00a9, -1, "COUNTA"}};

typedef struct VAL {
    int kind; /* 0 unknown (text renders it), 1 string, 2 number */
    double num;
    BUF *s;
} VAL;

typedef struct XS {
    size_t k[X_N];
    unsigned hidden, macrosheets;
    size_t writes; /* FORMULA() calls that write a formula (a string starting with =) */
    BUF *list;     /* deobfuscated formulas */
    BUF *strs;     /* strings built by CHAR() */
} XS;

/* xmatch - lower-case w at d[i] in any case, with at most one NUL between its bytes */
static bool xmatch(const unsigned char *d, size_t n, size_t i, const char *w)
{
    for (size_t k = 0; w[k]; k++, i++) {
        i += k > 0 && i < n && d[i] == 0;
        if (i >= n || LOW(d[i]) != w[k])
            return false;
    }
    return true;
}

/* xlm_text - XLM names in the bytes as ASCII or UTF-16LE; a name must not follow a letter,
 * except in SYLK's `;E` formula and `;N` name fields */
static void xlm_text(size_t *cnt, const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int p[2] = {0, 0}; /* the two bytes before, NULs of UTF-16 skipped */
        for (size_t j = i, q = 0; j > 0 && q < 2 && i - j < 4;)
            p[q] = d[--j], q += d[j] != 0;
        if (d[i] == 0 || (idc(p[0]) && !((LOW(p[0]) == 'e' || LOW(p[0]) == 'n') && p[1] == ';')))
            continue;
        for (int k = 0; k < X_N; k++)
            cnt[k] += LOW(d[i]) == xkws[k][0] && xmatch(d, n, i, xkws[k]);
    }
}

/* ---- BIFF formula evaluation ---- */

/* render - a value as formula text */
static void render(BUF *o, const VAL *v)
{
    if (v->kind == 1) {
        buf_putc(o, '"');
        buf_cat(o, v->s->data, v->s->len);
        buf_putc(o, '"');
    } else if (v->kind == 2) {
        buf_printf(o, "%.15g", v->num);
    } else {
        buf_cat(o, v->s->data, v->s->len);
    }
}

/* set_str - v becomes the string p[0..n), at most EV_STR bytes */
static void set_str(VAL *v, int kind, const char *p, size_t n)
{
    buf_reset(v->s);
    buf_cat(v->s, p, n < EV_STR ? n : EV_STR);
    v->kind = kind;
}

/* binop - a binary operator on the two top entries (& concatenates, + - * / compute) */
static void binop(VAL *a, const VAL *b, int op)
{
    static const char ops[] = "+-*/^&";
    if (op == '&' && a->kind == 1 && b->kind == 1) {
        buf_cat(a->s, b->s->data, b->s->len < EV_STR ? b->s->len : EV_STR);
        return;
    }
    if (op != '&' && a->kind == 2 && b->kind == 2) {
        a->num = op == '+'                  ? a->num + b->num
                 : op == '-'                ? a->num - b->num
                 : op == '*'                ? a->num * b->num
                 : op == '/' && b->num != 0 ? a->num / b->num
                                            : 0;
        return;
    }
    BUF *t = buf_new(64);
    render(t, a), buf_putc(t, strchr(ops, op) ? op : '?'), render(t, b);
    set_str(a, 0, t->data, t->len);
    buf_free(t);
}

/* call - a function of argc arguments on top of the stack, replaced by its value */
static void call(XS *x, VAL *st, size_t *sp, unsigned id, unsigned argc)
{
    if (argc > *sp)
        argc = (unsigned)*sp;
    VAL *a = st + *sp - argc;
    const char *name = NULL;
    for (size_t k = 0; k < NELEM(fns); k++)
        if (fns[k].id == id)
            name = fns[k].name;
    if (id == 0x006f && argc == 1 && a[0].kind == 2 && a[0].num >= 1 && a[0].num < 256) {
        char ch = (char)(unsigned)a[0].num;
        set_str(&a[0], 1, &ch, 1);
        return;
    }
    if (id == 0x8060 && argc >= 1 && a[0].kind == 1 && a[0].s->len && a[0].s->data[0] == '=')
        x->writes++;
    BUF *t = buf_new(64);
    if (name)
        buf_puts(t, name);
    else
        buf_printf(t, "FN%04X", id);
    buf_putc(t, '(');
    for (unsigned i = 0; i < argc; i++) {
        if (i)
            buf_putc(t, ',');
        render(t, &a[i]);
        if (a[i].kind == 1 && a[i].s->len >= 4) { /* a string argument: scanned again */
            buf_cat(x->strs, a[i].s->data, a[i].s->len);
            buf_putc(x->strs, '\n');
        }
    }
    buf_putc(t, ')');
    *sp -= argc;
    VAL *r = &st[(*sp)++];
    set_str(r, 0, t->data, t->len);
    buf_free(t);
}

/* push - a new stack entry (the bottom one is reused when full) */
static VAL *push(VAL *st, size_t *sp)
{
    if (*sp >= EV_DEPTH)
        *sp = EV_DEPTH - 1;
    VAL *v = &st[(*sp)++];
    v->kind = 0, v->num = 0;
    buf_reset(v->s);
    return v;
}

/* token_len - bytes of the operand of a ptg that is not evaluated, or 0 to stop */
static size_t token_len(unsigned ptg, const unsigned char *r, size_t j, size_t m)
{
    static const unsigned char lens[0x20] = {
        [0x1c] = 2, [0x1d] = 2, [0x01] = 5, [0x02] = 5, [0x18] = 5,
    };
    if (ptg == 0x19) /* ptgAttr: a choose jump table after tAttrChoose */
        return j + 3 < m ? (r[j + 1] & 0x04) ? 4 + 2 * ((size_t)LE16(r + j + 2) + 1) : 4 : 0;
    if (ptg < 0x20)
        return lens[ptg] ? lens[ptg] : (ptg >= 0x03 && ptg <= 0x16) ? 1 : 0;
    switch (ptg & 0x1f) {
    case 0x00:
        return 8; /* ptgArray */
    case 0x03:
        return 5; /* ptgName */
    case 0x04:
        return 5; /* ptgRef */
    case 0x05:
        return 9; /* ptgArea */
    case 0x06:
        return 7 + (j + 6 < m ? LE16(r + j + 5) : 0); /* ptgMemArea */
    case 0x07:
    case 0x08:
        return 7;
    case 0x09:
        return 3;
    case 0x0a:
        return 5; /* ptgRefErr */
    case 0x0b:
        return 9;
    case 0x0c:
        return 5; /* ptgRefN */
    case 0x0d:
        return 9;
    case 0x19:
        return 7; /* ptgNameX */
    case 0x1a:
        return 7; /* ptgRef3d */
    case 0x1b:
        return 11; /* ptgArea3d */
    case 0x1c:
        return 7;
    case 0x1d:
        return 11;
    default:
        return 0;
    }
}

/* count - function ids of one formula by a token scan that steps over strings; it goes on
 * where eval stops (an operand it does not know) */
static void count(XS *x, const unsigned char *r, size_t m, bool b8)
{
    for (size_t j = 0; j < m;) {
        unsigned ptg = r[j], tab = 0xffff;
        if (ptg == 0x17 && j + 2 < m) /* ptgStr: cch [fHighByte] chars */
            j += b8 ? 3 + r[j + 1] * ((r[j + 2] & 1) ? 2u : 1u) : 2u + r[j + 1];
        else if ((ptg == 0x21 || ptg == 0x41 || ptg == 0x61) && j + 2 < m)
            tab = LE16(r + j + 1), j += 3;
        else if ((ptg == 0x22 || ptg == 0x42 || ptg == 0x62) && j + 3 < m)
            tab = LE16(r + j + 2), j += 4;
        else
            j++;
        for (size_t k = 0; k < NELEM(fns); k++)
            if (fns[k].id == tab && fns[k].kw >= 0)
                x->k[fns[k].kw]++;
    }
}

/* eval - one formula's tokens r[0..m) evaluated; its text appended to x->list */
static void eval(XS *x, VAL *st, const unsigned char *r, size_t m, bool b8)
{
    size_t sp = 0;
    for (size_t j = 0; j < m;) {
        unsigned ptg = r[j];
        if (ptg == 0x17 && j + 2 < m) { /* ptgStr: cch, [grbit], chars */
            size_t cch = r[j + 1], wide = b8 && (r[j + 2] & 1), at = j + (b8 ? 3 : 2);
            VAL *v = push(st, &sp);
            v->kind = 1;
            for (size_t i = 0; i < cch && at + (i + 1) * (wide + 1) <= m; i++)
                buf_putc(v->s, r[at + i * (wide + 1)]);
            j = at + cch * (wide + 1);
        } else if (ptg == 0x1e && j + 2 < m) { /* ptgInt */
            VAL *v = push(st, &sp);
            v->kind = 2, v->num = LE16(r + j + 1), j += 3;
        } else if (ptg == 0x1f && j + 8 < m) { /* ptgNum */
            VAL *v = push(st, &sp);
            memcpy(&v->num, r + j + 1, 8);
            v->kind = v->num == v->num ? 2 : 0, j += 9;     /* NaN stays unknown */
        } else if (ptg >= 0x03 && ptg <= 0x08 && sp >= 2) { /* + - * / ^ & */
            binop(&st[sp - 2], &st[sp - 1], "+-*/^&"[ptg - 3]);
            sp--, j++;
        } else if (((ptg & 0x1f) == 0x01 || (ptg & 0x1f) == 0x02) && ptg >= 0x20) {
            bool var = (ptg & 0x1f) == 0x02; /* ptgFunc: iftab; ptgFuncVar: cargs, tab */
            if (j + (var ? 3 : 2) >= m)
                break;
            unsigned id = LE16(r + j + (var ? 2 : 1)), argc = var ? r[j + 1] & 0x7f : 1;
            call(x, st, &sp, id, argc);
            j += var ? 4 : 3;
        } else if ((ptg & 0x1f) == 0x04 && ptg >= 0x20 && j + 4 < m) { /* ptgRef R1C1 */
            VAL *v = push(st, &sp);
            buf_printf(v->s, "R%uC%u", LE16(r + j + 1) + 1, (LE16(r + j + 3) & 0xff) + 1);
            j += 5;
        } else {
            size_t len = token_len(ptg, r, j, m);
            if (len == 0)
                break;
            if (ptg >= 0x20 || ptg == 0x16) /* an operand we do not follow */
                buf_puts(push(st, &sp)->s, ptg == 0x16 ? "" : "?");
            j += len;
        }
    }
    if (sp > 0)
        render(x->list, &st[sp - 1]);
}

/* xlm_biff - walk a BIFF5/8 stream. false: not BIFF */
static bool xlm_biff(XS *x, const unsigned char *d, size_t n)
{
    if (n < 8 || LE16(d) != 0x0809 || (LE16(d + 2) != 8 && LE16(d + 2) != 16))
        return false;
    bool b8 = LE16(d + 4) == 0x0600, inmacro = false;
    VAL st[EV_DEPTH];
    for (int i = 0; i < EV_DEPTH; i++)
        st[i].s = buf_new(32), st[i].kind = 0;
    for (size_t i = 0; n - i >= 4 && x->list->len < XLM_LIST;) {
        unsigned type = LE16(d + i);
        size_t len = LE16(d + i + 2);
        const unsigned char *b = d + i + 4;
        if (len > n - i - 4)
            break;
        if (type == 0x0809 && len >= 4) /* a substream: dt 0x40 is a macro sheet */
            inmacro = LE16(b + 2) == 0x0040;
        if (type == 0x0006 && len >= 22 && (inmacro || x->macrosheets)) {
            buf_printf(x->list, "R%uC%u =", LE16(b) + 1, (LE16(b + 2) & 0xff) + 1);
            size_t m = LE16(b + 20) < len - 22 ? LE16(b + 20) : len - 22;
            count(x, b + 22, m, b8);
            eval(x, st, b + 22, m, b8);
            buf_putc(x->list, '\n');
        }
        if (type == 0x0018 && len >= 16 && (LE16(b) & 0x20)) /* built-in: code 1 = Auto_Open */
            x->k[X_AUTO] += (b8 ? b[15] : b[14]) == 0x01;
        if (type == 0x0085 && len >= 6 && b[5] == 1) { /* BOUNDSHEET of a macro sheet */
            x->macrosheets++;
            x->hidden |= b[4] & 3;
        }
        i += 4 + len;
    }
    for (int i = 0; i < EV_DEPTH; i++)
        buf_free(st[i].s);
    return true;
}

/* ---- formula text ---- */

/* unxml - the five XML entities decoded (macrosheet formulas are element text) */
static BUF *unxml(const unsigned char *d, size_t n)
{
    static const char *const ent[] = {"&amp;", "&",    "&quot;", "\"",     "&lt;",
                                      "<",     "&gt;", ">",      "&apos;", "'"};
    BUF *o = buf_new(n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (d[i] == '&' && k < NELEM(ent) &&
               !(n - i >= strlen(ent[k]) && memcmp(d + i, ent[k], strlen(ent[k])) == 0))
            k += 2;
        if (d[i] == '&' && k < NELEM(ent)) {
            buf_puts(o, ent[k + 1]);
            i += strlen(ent[k]) - 1;
        } else if (d[i]) {
            buf_putc(o, d[i]);
        }
    }
    return o;
}

/* text_fold - CHAR(n) and "..." terms joined by &: the joined string when CHAR is in it */
static void text_fold(XS *x, const char *s, size_t n)
{
    BUF *b = buf_new(64);
    for (size_t i = 0; i < n;) {
        size_t j = i, chars = 0;
        buf_reset(b);
        for (;;) {
            if (n - j > 5 && strncasecmp(s + j, "char(", 5) == 0) {
                size_t e = j + 5;
                unsigned v = 0;
                while (e < n && s[e] >= '0' && s[e] <= '9' && v < 1000)
                    v = v * 10 + (unsigned)(s[e++] - '0');
                if (e >= n || s[e] != ')' || v == 0 || v > 255)
                    break;
                buf_putc(b, (int)v), chars++, j = e + 1;
            } else if (j < n && s[j] == '"') {
                size_t e = j + 1;
                while (e < n && s[e] != '"')
                    e++;
                if (e >= n)
                    break;
                buf_cat(b, s + j + 1, e - j - 1), j = e + 1;
            } else {
                break;
            }
            if (j >= n || s[j] != '&' || b->len >= EV_STR)
                break;
            j++;
        }
        if (chars >= 2 && b->len >= 2) {
            buf_cat(x->strs, b->data, b->len);
            buf_putc(x->strs, '\n');
        }
        i = j > i ? j : i + 1;
    }
    buf_free(b);
}

/* heur_xlm - see heur/xlm.h */
void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n)
{
    if (c == NULL || c->hits == NULL || data == NULL)
        return;
    XS x = {.list = buf_new(256), .strs = buf_new(64)};
    bool biff = xlm_biff(&x, data, n);
    const char *how = biff ? " (BIFF)" : "", *at = c->location;
    if (!biff) {
        xlm_text(x.k, data, n);
        BUF *t = unxml(data, n < XLM_LIST ? n : XLM_LIST);
        text_fold(&x, t->data, t->len);
        buf_free(t);
    }
    size_t *k = x.k;
    size_t pre[X_N];
    memcpy(pre, k, sizeof(pre));
    xlm_text(k, (const unsigned char *)x.strs->data, x.strs->len); /* names in built strings */
    k[X_CHAR] = pre[X_CHAR], k[X_FORMULA] = pre[X_FORMULA], k[X_AUTO] = pre[X_AUTO];
    bool cr = k[X_CALL] || k[X_REGISTER], ex = k[X_EXEC] || (k[X_SHELLEXEC] && cr);
    bool dl = k[X_DOWNLOAD] || (k[X_URLMON] && cr);
    if (k[X_AUTO])
        hits_add(c->hits, "XLM_AUTO_OPEN", at, "Auto_Open x%zu%s", k[X_AUTO], how);
    if (ex)
        hits_add(c->hits, "XLM_EXEC", at, "EXEC x%zu, ShellExecute x%zu%s", k[X_EXEC],
                 k[X_SHELLEXEC], how);
    if (cr)
        hits_add(c->hits, "XLM_CALL_REGISTER", at, "CALL x%zu, REGISTER x%zu%s", k[X_CALL],
                 k[X_REGISTER], how);
    if (dl)
        hits_add(c->hits, "XLM_DOWNLOAD", at, "%s", k[X_DOWNLOAD] ? "URLDownloadToFile" : "urlmon");
    if ((k[X_CHAR] >= 10 && (k[X_FORMULA] || k[X_GOTO] || k[X_HALT] || k[X_RUN])) ||
        k[X_CHAR] >= 50)
        hits_add(c->hits, "XLM_OBFUSCATION", at, "CHAR x%zu, FORMULA x%zu, GOTO x%zu%s", k[X_CHAR],
                 k[X_FORMULA], k[X_GOTO], how);
    if (x.writes)
        hits_add(c->hits, "XLM_FORMULA_WRITE", at, "FORMULA() writes %zu formula(s) into cells%s",
                 x.writes, how);
    if (x.hidden)
        hits_add(c->hits, "XLM_HIDDEN_SHEET", at, "%s macro sheet",
                 x.hidden & 2 ? "very hidden" : "hidden");
    if (k[X_AUTO] && (ex || cr || dl))
        hits_add(c->hits, "XLM_AUTO_OPEN_EXEC", at, "Auto_Open + %s",
                 ex   ? "EXEC"
                 : cr ? "CALL/REGISTER"
                      : "download");
    if (c->emit && x.list->len) /* the deobfuscated macro sheet */
        c->emit(c->emit_ctx, "xlm", NULL, (const unsigned char *)x.list->data, x.list->len);
    if (c->emit && x.strs->len >= 8)
        c->emit(c->emit_ctx, "xlm-strings", NULL, (const unsigned char *)x.strs->data, x.strs->len);
    buf_free(x.list), buf_free(x.strs);
}
