/*
 * policy/symcheck - unknown symbols in scoring.conf (see policy/symcheck.h)
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/symcheck.h"

/* cmp_str - bsearch/qsort order of the generated table (it is written sorted, C locale) */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* known - the code can emit this exact symbol */
static bool known(const char *sym)
{
    return bsearch(&sym, symbols_known, symbols_known_n, sizeof(*symbols_known), cmp_str) != NULL;
}

/* symcheck_unknown - see policy/symcheck.h */
size_t symcheck_unknown(const SCORES *s, BUF *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const SCORE_ENTRY *e = &s->v[i];
        size_t len = strlen(e->symbol);
        if (len && e->symbol[len - 1] == '*')
            continue; /* a family */
        if (strncmp(e->symbol, "CLAMAV_", 7) == 0 || strncmp(e->symbol, "YARA_", 5) == 0)
            continue; /* names from signatures and rules */
        if (e->nneed > 0)
            continue; /* a chain: scoring.conf itself defines it */
        if (known(e->symbol))
            continue;
        buf_printf(out, "%s%s", n ? " " : "", e->symbol);
        n++;
    }
    return n;
}
