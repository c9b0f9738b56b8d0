/*
 * core/cmdtab - the LOLBAS argument table (see core/cmdtab.h)
 *
 * The rules are kept sorted by binary name (stable: file order within one binary), so a
 * lookup is a binary search for the first rule of a name and a walk over its rules.
 * Conditions are checked for syntax here, matched in heur/lolbas.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdtab.h"
#include "lib/linefile.h"
#include "lib/xalloc.h"

struct CMDTAB {
    CMDRULE *v;
    size_t n, cap;
};

/* the symbols a rule may name (heur/lolbas.c reports them; weights in scoring.conf) */
const char *const cmdtab_symbols[] = {"LOLBIN_DOWNLOAD",
                                      "LOLBIN_REMOTE_EXEC",
                                      "LOLBIN_PROXY_EXEC",
                                      "LOLBIN_DECODE",
                                      "LOLBIN_ADS",
                                      "LOLBIN_PERSIST",
                                      NULL};

/* symbol_of - the table's own copy of a symbol name, or NULL */
static const char *symbol_of(const char *s)
{
    for (int i = 0; cmdtab_symbols[i]; i++)
        if (strcmp(cmdtab_symbols[i], s) == 0)
            return cmdtab_symbols[i];
    return NULL;
}

/* alt_ok - one alternative of a condition is well formed */
static bool alt_ok(const char *a, size_t n)
{
    if (n && *a == '!') {
        a++;
        n--;
    }
    if (n == 0)
        return false;
    if ((*a == '-' || *a == '.' || *a == '~' || *a == '=') && n > 1)
        return true;
    if (n > 4 && strncmp(a, "url~", 4) == 0)
        return true;
    return (n == 3 && (strncmp(a, "url", 3) == 0 || strncmp(a, "ads", 3) == 0 ||
                       strncmp(a, "any", 3) == 0)) ||
           (n == 6 && strncmp(a, "script", 6) == 0);
}

/* cond_ok - every '|'-separated alternative is well formed */
static bool cond_ok(const char *c)
{
    while (*c) {
        size_t n = strcspn(c, "|");
        if (!alt_ok(c, n))
            return false;
        c += n;
        if (*c == '|' && *++c == 0)
            return false;
    }
    return true;
}

/* parse_line - one rule from a line (comments cut); 0 ok and blank, 1 a rule, -1 error */
static int parse_line(char *line, CMDRULE *r, const char **why)
{
    char *save = NULL;
    char *w[2 + CMDTAB_MAX_CONDS]; /* BINARY SYMBOL and at most CMDTAB_MAX_CONDS */
    size_t nw = 0;
    for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (nw == sizeof(w) / sizeof(*w)) {
            *why = "too many conditions";
            return -1;
        }
        w[nw++] = t;
    }
    if (nw == 0)
        return 0;
    if (nw < 3) {
        *why = "want BINARY SYMBOL CONDITION...";
        return -1;
    }
    for (char *c = w[0]; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' || *c == '-')) {
            *why = "binary: lower-case base name without .exe";
            return -1;
        }
    if ((r->symbol = symbol_of(w[1])) == NULL) {
        *why = "unknown symbol (want LOLBIN_DOWNLOAD, _REMOTE_EXEC, _PROXY_EXEC, _DECODE, "
               "_ADS or _PERSIST)";
        return -1;
    }
    for (size_t i = 2; i < nw; i++) {
        for (char *c = w[i]; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (!cond_ok(w[i])) {
            *why = "bad condition (want -switch, url, script, ads, .ext, ~text, =word, any)";
            return -1;
        }
    }
    r->binary = xstrdup(w[0]);
    r->ncond = nw - 2;
    for (size_t i = 2; i < nw; i++)
        r->cond[i - 2] = xstrdup(w[i]);
    return 1;
}

/* by_binary - order of rules: binary name, then line */
static int by_binary(const void *a, const void *b)
{
    const CMDRULE *x = a;
    const CMDRULE *y = b;
    int c = strcmp(x->binary, y->binary);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* cmd_line - linefile callback: one rule into the table */
static bool cmd_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    CMDTAB *t = ctx;
    CMDRULE r = {.line = lineno};
    const char *w = NULL;
    int got = parse_line(line, &r, &w);
    if (got < 0)
        buf_puts(why, w);
    if (got > 0) {
        XGROW(t->v, t->n, t->cap);
        t->v[t->n++] = r;
    }
    return got >= 0;
}

/* cmdtab_load - see cmdtab.h */
CMDTAB *cmdtab_load(const char *path, BUF *err)
{
    CMDTAB *t = xcalloc(1, sizeof(CMDTAB));
    if (path == NULL)
        return t;
    if (linefile_read(path, LINEFILE_MISSING_EMPTY | LINEFILE_HASH_COMMENTS, cmd_line, t, err) < 0)
        return cmdtab_free(t);
    if (t->n)
        qsort(t->v, t->n, sizeof(CMDRULE), by_binary);
    return t;
}

/* cmdtab_free - release a table; accepts NULL, returns NULL */
CMDTAB *cmdtab_free(CMDTAB *t)
{
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].binary);
        for (size_t j = 0; j < t->v[i].ncond; j++)
            free(t->v[i].cond[j]);
    }
    free(t->v);
    free(t);
    return NULL;
}

/* cmp_name - binary[0..n) against a rule's binary */
static int cmp_name(const char *name, size_t n, const char *binary)
{
    int c = strncmp(name, binary, n);
    return c ? c : (binary[n] ? -1 : 0);
}

/* cmdtab_rules - see cmdtab.h: the rules of binary[0..n) (lower case), count in *count */
const CMDRULE *cmdtab_rules(const CMDTAB *t, const char *binary, size_t n, size_t *count)
{
    *count = 0;
    if (t == NULL || t->n == 0)
        return NULL;
    size_t lo = 0;
    size_t hi = t->n;
    while (lo < hi) { /* first rule not below the name */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_name(binary, n, t->v[mid].binary) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < t->n && cmp_name(binary, n, t->v[k].binary) == 0)
        k++;
    *count = k - lo;
    return k > lo ? &t->v[lo] : NULL;
}
