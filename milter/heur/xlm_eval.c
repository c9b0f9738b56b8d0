/*
 * xlm_eval - Excel 4 formula tokens evaluated (the contract is in heur/xlm_int.h)
 *
 * Every byte is chosen by the sender. A formula (rgce, MS-XLS 2.5.198.104, MS-XLSB
 * 2.5.98.88) is evaluated on a small stack (EV_DEPTH entries) as far as constants go:
 * ptgStr, ptgInt, ptgNum, CHAR(n), &, + - * /; a call renders as text with its evaluated
 * arguments, so `FORMULA(CHAR(61)&CHAR(69)&...,R2C1)` becomes `FORMULA("=EXEC(...)",R2C1)`.
 * A reference reads the remembered cell when the state keeps cells (.xlsb), else renders
 * as R1C1. Function ids: Ftab and, with bit 15, Cetab (MS-XLS 2.5.198.17/2.5.198.8).
 * Operand sizes differ by dialect: BIFF12 rows are 4 bytes, columns 2, strings UTF-16.
 * Evaluation stops at a token it does not know; count() goes on over the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heur/xlm_int.h"
#include "lib/xalloc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define LE16(p)  ((p)[0] | (unsigned)(p)[1] << 8)
#define LE32(p)  (LE16(p) | (unsigned long)LE16((p) + 2) << 16)

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

/* ---- remembered cells ---- */

/* cell_key - the table key of a cell of the current sheet */
static unsigned long long cell_key(const XS *x, unsigned row, unsigned col)
{
    return (((unsigned long long)(x->sheet & 0xffff) << 20 | (row & 0xfffff)) << 16 |
            (col & 0xffff)) +
           1;
}

/* slot - the slot of key in the table (an empty one when absent) */
static XLM_CELL *slot(const XS *x, unsigned long long key)
{
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (x->capcells - 1);
    while (x->cells[i].key && x->cells[i].key != key)
        i = (i + 1) & (x->capcells - 1);
    return &x->cells[i];
}

/* grow - the table doubled, entries rehashed */
static void grow(XS *x)
{
    XLM_CELL *old = x->cells;
    size_t cap = x->capcells;
    x->capcells *= 2;
    x->cells = xcalloc(x->capcells, sizeof(XLM_CELL));
    for (size_t i = 0; i < cap; i++)
        if (old[i].key)
            *slot(x, old[i].key) = old[i];
    free(old);
}

/* xlm_cell_set - see heur/xlm_int.h */
void xlm_cell_set(XS *x, unsigned row, unsigned col, int kind, double num, const char *s, size_t n)
{
    if (x->cells == NULL || kind == 0)
        return;
    XLM_CELL *c = slot(x, cell_key(x, row, col));
    unsigned long long key = cell_key(x, row, col);
    if (c->key == 0) {
        if (x->ncells >= XLM_CELLS_MAX)
            return;
        if (2 * (x->ncells + 1) > x->capcells) {
            grow(x);
            c = slot(x, key);
        }
        c->key = key;
        x->ncells++;
    }
    x->cellbytes -= c->len;
    free(c->s);
    c->s = NULL;
    c->len = 0;
    c->kind = kind;
    c->num = num;
    if (kind == 1) {
        if (n > EV_STR)
            n = EV_STR;
        if (x->cellbytes + n > XLM_CELL_BYTES)
            n = 0;
        c->s = xmalloc(n + 1);
        memcpy(c->s, s, n);
        c->s[n] = '\0';
        c->len = n;
        x->cellbytes += n;
    }
}

/* xlm_rk - see heur/xlm_int.h */
double xlm_rk(unsigned long v)
{
    double d;
    if (v & 2) {
        d = (double)(int32_t)(uint32_t)(v & 0xFFFFFFFCu) / 4;
    } else {
        uint64_t bits = (uint64_t)(v & 0xFFFFFFFCu) << 32;
        memcpy(&d, &bits, sizeof(d));
    }
    return (v & 1) ? d / 100 : d;
}

/* xlm_cells_clear - see heur/xlm_int.h */
void xlm_cells_clear(XS *x)
{
    for (size_t i = 0; x->cells && i < x->capcells; i++) {
        free(x->cells[i].s);
        x->cells[i] = (XLM_CELL){0};
    }
    x->ncells = 0;
    x->cellbytes = 0;
}

/* cell_get - the remembered cell, or NULL */
static const XLM_CELL *cell_get(const XS *x, unsigned row, unsigned col)
{
    if (x->cells == NULL)
        return NULL;
    const XLM_CELL *c = slot(x, cell_key(x, row, col));
    return c->key ? c : NULL;
}

/* xlm_cell_get - see heur/xlm_int.h */
const char *xlm_cell_get(const XS *x, unsigned row, unsigned col, size_t *len)
{
    const XLM_CELL *c = cell_get(x, row, col);
    if (c == NULL || c->kind != 1)
        return NULL;
    *len = c->len;
    return c->s;
}

/* xlm_cell_num - see heur/xlm_int.h */
bool xlm_cell_num(const XS *x, unsigned row, unsigned col, double *v)
{
    const XLM_CELL *c = cell_get(x, row, col);
    if (c == NULL || c->kind != 2)
        return false;
    *v = c->num;
    return true;
}

/* ---- the stack ---- */

/* render - a value as formula text */
static void render(BUF *o, const XLM_VAL *v)
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
static void set_str(XLM_VAL *v, int kind, const char *p, size_t n)
{
    buf_reset(v->s);
    buf_cat(v->s, p, n < EV_STR ? n : EV_STR);
    v->kind = kind;
}

/* as_text - a known value as the text & joins (numbers as Excel shows them) */
static void as_text(BUF *o, const XLM_VAL *v)
{
    if (v->kind == 2)
        buf_printf(o, "%.15g", v->num);
    else
        buf_cat(o, v->s->data, v->s->len);
}

/* arith - a + - * / b (0 for a division by zero) */
static double arith(double a, double b, int op)
{
    switch (op) {
    case '+':
        return a + b;
    case '-':
        return a - b;
    case '*':
        return a * b;
    case '/':
        return b != 0 ? a / b : 0;
    default:
        return 0;
    }
}

/* binop - a binary operator on the two top entries (& concatenates, + - * / compute) */
static void binop(XLM_VAL *a, const XLM_VAL *b, int op)
{
    static const char ops[] = "+-*/^&";
    if (op == '&' && a->kind != 0 && b->kind != 0) {
        BUF *t = buf_new(64);
        as_text(t, a);
        as_text(t, b);
        set_str(a, 1, t->data, t->len);
        buf_free(t);
        return;
    }
    if (op != '&' && op != '^' && a->kind == 2 && b->kind == 2) {
        a->num = arith(a->num, b->num, op);
        return;
    }
    BUF *t = buf_new(64);
    render(t, a);
    buf_putc(t, strchr(ops, op) ? op : '?');
    render(t, b);
    set_str(a, 0, t->data, t->len);
    buf_free(t);
}

/* call - a function of argc arguments on top of the stack, replaced by its value */
static void call(XS *x, size_t *sp, unsigned id, unsigned argc)
{
    if (argc > *sp)
        argc = (unsigned)*sp;
    XLM_VAL *a = x->st + *sp - argc;
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
    XLM_VAL *r = &x->st[(*sp)++];
    set_str(r, 0, t->data, t->len);
    buf_free(t);
}

/* push - a new stack entry (the top one is reused when full) */
static XLM_VAL *push(XS *x, size_t *sp)
{
    if (*sp >= EV_DEPTH)
        *sp = EV_DEPTH - 1;
    XLM_VAL *v = &x->st[(*sp)++];
    v->kind = 0;
    v->num = 0;
    buf_reset(v->s);
    return v;
}

/* ---- tokens ---- */

/* operand_len - bytes of a class ptg (0x20..0x7f) with its operand, or 0 to stop */
static size_t operand_len(unsigned ptg, const unsigned char *r, size_t j, size_t m, int dialect)
{
    bool b12 = dialect == XLM_BIFF12;
    size_t ref = b12 ? 7 : 5;
    size_t area = b12 ? 13 : 9;
    switch (ptg & 0x1f) {
    case 0x00:
        return b12 ? 15 : 8; /* ptgArray */
    case 0x03:
        return 5; /* ptgName */
    case 0x04:    /* ptgRef */
    case 0x0a:    /* ptgRefErr */
    case 0x0c:    /* ptgRefN */
        return ref;
    case 0x05: /* ptgArea */
    case 0x0b: /* ptgAreaErr */
    case 0x0d: /* ptgAreaN */
        return area;
    case 0x06: /* ptgMemArea: the cce bytes of its subexpression follow */
        return 7 + (j + 6 < m ? LE16(r + j + 5) : 0);
    case 0x07:
    case 0x08:
        return 7; /* ptgMemErr, ptgMemNoMem */
    case 0x09:
        return 3; /* ptgMemFunc */
    case 0x19:
        return 7; /* ptgNameX */
    case 0x1a:    /* ptgRef3d */
    case 0x1c:    /* ptgRefErr3d */
        return ref + 2;
    case 0x1b: /* ptgArea3d */
    case 0x1d: /* ptgAreaErr3d */
        return area + 2;
    default:
        return 0;
    }
}

/* token_len - bytes of a ptg that is not evaluated, with its operand, or 0 to stop */
static size_t token_len(unsigned ptg, const unsigned char *r, size_t j, size_t m, int dialect)
{
    static const unsigned char lens[0x20] = {
        [0x1c] = 2, [0x1d] = 2, [0x01] = 5, [0x02] = 5, [0x18] = 5,
    };
    if (ptg == 0x19) { /* ptgAttr: a jump table after tAttrChoose */
        if (j + 3 >= m)
            return 0;
        return (r[j + 1] & 0x04) ? 4 + 2 * ((size_t)LE16(r + j + 2) + 1) : 4;
    }
    if (ptg < 0x20)
        return lens[ptg] ? lens[ptg] : (ptg >= 0x03 && ptg <= 0x16) ? 1 : 0;
    return operand_len(ptg, r, j, m, dialect);
}

/* str_len - bytes of a ptgStr at r[j] with its characters */
static size_t str_len(const unsigned char *r, size_t j, size_t m, int dialect)
{
    if (dialect == XLM_BIFF12)
        return j + 2 < m ? 3 + 2 * (size_t)LE16(r + j + 1) : m - j;
    if (dialect == XLM_BIFF8)
        return j + 2 < m ? 3 + r[j + 1] * ((r[j + 2] & 1) ? 2u : 1u) : m - j;
    return 2u + r[j + 1];
}

/* count - function ids of one formula by a token scan that steps over strings; it goes on
 * where eval stops (an operand it does not know) */
static void count(XS *x, const unsigned char *r, size_t m, int dialect)
{
    for (size_t j = 0; j < m;) {
        unsigned ptg = r[j];
        unsigned tab = 0xffff;
        if (ptg == 0x17 && j + 1 < m) {
            j += str_len(r, j, m, dialect);
        } else if ((ptg == 0x21 || ptg == 0x41 || ptg == 0x61) && j + 2 < m) {
            tab = LE16(r + j + 1);
            j += 3;
        } else if ((ptg == 0x22 || ptg == 0x42 || ptg == 0x62) && j + 3 < m) {
            tab = LE16(r + j + 2);
            j += 4;
        } else {
            j++;
        }
        for (size_t k = 0; k < NELEM(fns); k++)
            if (fns[k].id == tab && fns[k].kw >= 0)
                x->k[fns[k].kw]++;
    }
}

/* push_str - a ptgStr at r[j] pushed; the index after it */
static size_t push_str(XS *x, size_t *sp, const unsigned char *r, size_t j, size_t m, int dialect)
{
    size_t cch, wide, at;
    if (dialect == XLM_BIFF12) {
        cch = LE16(r + j + 1);
        wide = 1;
        at = j + 3;
    } else {
        cch = r[j + 1];
        wide = dialect == XLM_BIFF8 && (r[j + 2] & 1);
        at = j + (dialect == XLM_BIFF8 ? 3 : 2);
    }
    XLM_VAL *v = push(x, sp);
    v->kind = 1;
    for (size_t i = 0; i < cch && at + (i + 1) * (wide + 1) <= m && i < EV_STR; i++)
        buf_putc(v->s, r[at + i * (wide + 1)]);
    return at + cch * (wide + 1);
}

/* push_ref - a ptgRef at r[j]: the remembered cell, or its R1C1 text */
static void push_ref(XS *x, size_t *sp, const unsigned char *r, size_t j, int dialect)
{
    unsigned row, col;
    if (dialect == XLM_BIFF12) {
        row = (unsigned)LE32(r + j + 1);
        col = LE16(r + j + 5) & 0x3fff;
    } else {
        row = LE16(r + j + 1);
        col = LE16(r + j + 3) & 0xff;
    }
    const XLM_CELL *c = cell_get(x, row, col);
    XLM_VAL *v = push(x, sp);
    if (c && c->kind == 1) {
        set_str(v, 1, c->s, c->len);
    } else if (c && c->kind == 2) {
        v->kind = 2;
        v->num = c->num;
    } else {
        buf_printf(v->s, "R%uC%u", row + 1, col + 1);
    }
}

/* eval - one formula's tokens r[0..m) evaluated; sp: the entries left on the stack */
static size_t eval(XS *x, const unsigned char *r, size_t m, int dialect)
{
    size_t sp = 0;
    for (size_t j = 0; j < m;) {
        unsigned ptg = r[j];
        if (ptg == 0x17 && j + 2 < m) { /* ptgStr */
            j = push_str(x, &sp, r, j, m, dialect);
        } else if (ptg == 0x1e && j + 2 < m) { /* ptgInt */
            XLM_VAL *v = push(x, &sp);
            v->kind = 2;
            v->num = LE16(r + j + 1);
            j += 3;
        } else if (ptg == 0x1f && j + 8 < m) { /* ptgNum */
            XLM_VAL *v = push(x, &sp);
            memcpy(&v->num, r + j + 1, 8);
            v->kind = v->num == v->num ? 2 : 0; /* NaN stays unknown */
            j += 9;
        } else if (ptg >= 0x03 && ptg <= 0x08 && sp >= 2) { /* + - * / ^ & */
            binop(&x->st[sp - 2], &x->st[sp - 1], "+-*/^&"[ptg - 3]);
            sp--;
            j++;
        } else if (((ptg & 0x1f) == 0x01 || (ptg & 0x1f) == 0x02) && ptg >= 0x20) {
            bool var = (ptg & 0x1f) == 0x02; /* ptgFunc: iftab; ptgFuncVar: cargs, tab */
            if (j + (var ? 3 : 2) >= m)
                break;
            unsigned id = LE16(r + j + (var ? 2 : 1));
            unsigned argc = var ? r[j + 1] & 0x7f : 1;
            call(x, &sp, id, argc);
            j += var ? 4 : 3;
        } else if ((ptg & 0x1f) == 0x04 && ptg >= 0x20 &&
                   j + (dialect == XLM_BIFF12 ? 6 : 4) < m) { /* ptgRef */
            push_ref(x, &sp, r, j, dialect);
            j += dialect == XLM_BIFF12 ? 7 : 5;
        } else {
            size_t len = token_len(ptg, r, j, m, dialect);
            if (len == 0)
                break;
            if (ptg >= 0x20 || ptg == 0x16) /* an operand we do not follow */
                buf_puts(push(x, &sp)->s, ptg == 0x16 ? "" : "?");
            j += len;
        }
    }
    return sp;
}

/* xlm_formula - see heur/xlm_int.h */
void xlm_formula(XS *x, const unsigned char *r, size_t m, int dialect, unsigned row, unsigned col)
{
    buf_printf(x->list, "R%uC%u =", row + 1, col + 1);
    count(x, r, m, dialect);
    size_t sp = eval(x, r, m, dialect);
    if (sp > 0) {
        const XLM_VAL *v = &x->st[sp - 1];
        render(x->list, v);
        xlm_cell_set(x, row, col, v->kind, v->num, v->s->data, v->s->len);
    }
    buf_putc(x->list, '\n');
}

/* xlm_init - see heur/xlm_int.h */
void xlm_init(XS *x, bool cells)
{
    memset(x, 0, sizeof(*x));
    x->list = buf_new(256);
    x->strs = buf_new(64);
    for (int i = 0; i < EV_DEPTH; i++)
        x->st[i].s = buf_new(32);
    if (cells) {
        x->capcells = 256;
        x->cells = xcalloc(x->capcells, sizeof(XLM_CELL));
    }
}

/* xlm_fini - see heur/xlm_int.h */
void xlm_fini(XS *x)
{
    for (int i = 0; i < EV_DEPTH; i++)
        buf_free(x->st[i].s);
    for (size_t i = 0; x->cells && i < x->capcells; i++)
        free(x->cells[i].s);
    free(x->cells);
    buf_free(x->list);
    buf_free(x->strs);
    memset(x, 0, sizeof(*x));
}
