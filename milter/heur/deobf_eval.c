/*
 * deobf_eval - the eval pass: code a JavaScript text hands to a code sink as a constant,
 *              unwrapped into a js layer (see deobf.h, deobf_int.h)
 *
 * Sinks: eval(...), Function(...) and new Function(...) (the last argument is the body),
 * setTimeout / setInterval / execScript with a string first argument, and the bracket
 * forms window["eval"](...) / this['eval'](...) (a concatenated "ev"+"al" is folded by
 * the concat pass one layer up, so its layer shows the plain name). The argument is read
 * when it is a constant: string literals joined by '+', optionally wrapped in atob(...)
 * (base64), unescape(...) / decodeURIComponent(...) (%XX, %uXXXX) or in parentheses.
 * String.fromCharCode arguments are the charcodes pass's; a computed argument (a variable,
 * a call) is left to the emulator. The value is emitted as a js layer ("eval") when it is
 * text; nested eval(eval("...")) unwraps one level per layer, so scan.c's
 * max_decode_depth bounds the depth.
 *
 * Bounds: each sink's argument is read once (literals at most max_out bytes in total), at
 * most EVAL_ARGS arguments of Function are skipped, and the reading is charged to the
 * pass budget, so the pass stays linear in n.
 */
#include <stdbool.h>
#include <string.h>

#include "heur/deobf_int.h"
#include "lib/buf.h"

#define EVAL_ARGS  16 /* arguments of Function(...) walked */
#define EVAL_PARTS 64 /* literals joined by '+' in one argument */

/* pct_decode - %XX and %uXXXX of b's content (each as a code point, as unescape() does),
 * in place */
static void pct_decode(BUF *b, size_t max)
{
    BUF *o = buf_new(b->len + 1);
    for (size_t i = 0; i < b->len;) {
        unsigned long cp = 0;
        size_t k = b->data[i] == '%' ? deobf_pct_escape(b->data, b->len, i, &cp) : 0;
        if (k) {
            deobf_utf8(o, max, cp);
            i += k;
        } else {
            deobf_put(o, max, b->data + i++, 1);
        }
    }
    buf_reset(b);
    deobf_put(b, max, o->data, o->len);
    buf_free(o);
}

/* literals - string literals joined by '+' at in[*i] into val; false when the argument
 * is not such a constant */
static bool literals(DEOBF *d, size_t *i, BUF *val)
{
    size_t j = deobf_ws(d->in, d->n, *i);
    for (int parts = 0; parts < EVAL_PARTS; parts++) {
        DEOBF_LIT lit;
        if (deobf_lit(d->in, d->n, j, &d->syn, &lit) != 1 || !deobf_charge(d, lit.end - j))
            return false;
        deobf_js_unescape(d->in + lit.c0, lit.c1 - lit.c0, val, d->lim->max_out);
        j = deobf_ws(d->in, d->n, lit.end);
        if (j >= d->n || d->in[j] != '+') {
            *i = j;
            return true;
        }
        j = deobf_ws(d->in, d->n, j + 1);
    }
    return false;
}

/* constant - a constant argument at in[*i]: literals, atob(...), unescape(...),
 * decodeURIComponent(...) or (...) of one; the value in val */
static bool constant(DEOBF *d, size_t *i, BUF *val, int depth)
{
    size_t j = deobf_ws(d->in, d->n, *i);
    static const struct {
        const char *pat;
        int kind; /* 0 parentheses, 1 base64, 2 percent */
    } wraps[] = {{"window.atob (", 1},        {"atob (", 1},      {"unescape (", 2},
                 {"decodeuricomponent (", 2}, {"decodeuri (", 2}, {"(", 0}};
    for (size_t w = 0; depth < 4 && w < sizeof(wraps) / sizeof(*wraps); w++) {
        size_t k = j;
        if (!deobf_pat(d->in, d->n, &k, wraps[w].pat))
            continue;
        BUF *inner = buf_new(64);
        bool ok = constant(d, &k, inner, depth + 1) && deobf_pat(d->in, d->n, &k, " )");
        if (ok && wraps[w].kind == 1)
            ok = deobf_b64dec(inner->data, inner->len, val, d->lim->max_out) > 0;
        else if (ok && wraps[w].kind == 2)
            pct_decode(inner, d->lim->max_out);
        if (ok && wraps[w].kind != 1)
            deobf_put(val, d->lim->max_out, inner->data, inner->len);
        buf_free(inner);
        if (ok)
            *i = k;
        return ok;
    }
    return literals(d, i, val);
}

/* sink - the code sink whose name starts at in[i]: the index after its '(' (0 for none);
 * *function when it is Function (the body is the last argument) */
static size_t sink(const DEOBF *d, size_t i, bool *function)
{
    const char *in = d->in;
    size_t j = i;
    *function = false;
    if (in[i] == '[') { /* window["eval"](...) */
        if (deobf_pat(in, d->n, &j, "[ \"eval\" ] (") || deobf_pat(in, d->n, &j, "[ 'eval' ] ("))
            return j;
        return 0;
    }
    if (i > 0 && deobf_idc(in[i - 1]))
        return 0;
    static const char *const names[] = {"eval (", "settimeout (", "setinterval (", "execscript (",
                                        NULL};
    for (int k = 0; names[k]; k++) {
        j = i;
        if (deobf_pat(in, d->n, &j, names[k]))
            return j;
    }
    j = i;
    if (in[i] == 'F' && deobf_pat(in, d->n, &j, "Function (")) {
        *function = true;
        return j;
    }
    return 0;
}

/* deobf_eval - see the top comment */
void deobf_eval(DEOBF *d)
{
    if (!d->syn.js)
        return;
    BUF *val = buf_new(256);
    for (size_t i = 0; i < d->n && !deobf_full(d); i++) {
        char c = d->in[i];
        if (c != '[' && c != 'e' && c != 'E' && c != 's' && c != 'S' && c != 'F')
            continue;
        bool function;
        size_t j = sink(d, i, &function);
        if (j == 0)
            continue;
        buf_reset(val);
        bool ok = constant(d, &j, val, 0);
        for (int a = 0; ok && function && a < EVAL_ARGS && j < d->n && d->in[j] == ','; a++) {
            buf_reset(val); /* Function("a", "b", "body"): the last one is the body */
            j++;
            ok = constant(d, &j, val, 0);
        }
        if (ok && val->len > 0 && deobf_is_text(val->data, val->len))
            deobf_emit(d, "eval", "js", val->data, val->len);
        if (j > i + 1)
            i = j - 1;
    }
    buf_free(val);
}
