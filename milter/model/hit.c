/*
 * model/hit - findings list (see model/hit.h)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "model/hit.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* hits_new - empty list */
HITS *hits_new(void)
{
    return xcalloc(1, sizeof(HITS));
}

/* hits_free - release the list; accepts NULL, returns NULL */
HITS *hits_free(HITS *h)
{
    if (h == NULL)
        return NULL;
    for (size_t i = 0; i < h->n; i++) {
        free(h->v[i].symbol);
        free(h->v[i].location);
        free(h->v[i].detail);
    }
    free(h->v);
    free(h);
    return NULL;
}

/* hits_find - the hit with this symbol and location, or NULL (see model/hit.h) */
HIT *hits_find(const HITS *h, const char *symbol, const char *location)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, symbol) == 0 && strcmp(h->v[i].location, location) == 0)
            return &h->v[i];
    return NULL;
}

/* hits_add - record a finding (see model/hit.h); NULL when the list is full */
HIT *hits_add(HITS *h, const char *symbol, const char *location, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    HIT *x = hits_vadd(h, symbol, location, fmt, ap);
    va_end(ap);
    return x;
}

/* hits_vadd - hits_add with a va_list */
HIT *hits_vadd(HITS *h, const char *symbol, const char *location, const char *fmt, va_list ap)
{
    HIT *old = hits_find(h, symbol, location);
    if (old) {
        old->count++;
        return old;
    }
    if (h->n >= HITS_MAX) {
        h->overflow = true;
        return NULL;
    }
    char raw[1024] = "";
    if (fmt)
        vsnprintf(raw, sizeof(raw), fmt, ap);
    BUF *d = buf_new(64);
    str_sanitize(d, raw, strlen(raw), HIT_DETAIL_MAX);
    XGROW(h->v, h->n, h->cap);
    HIT *hit = &h->v[h->n++];
    hit->symbol = xstrdup(symbol);
    hit->location = xstrdup(location);
    hit->detail = buf_steal(d, NULL);
    hit->weight = 0;
    hit->preset = 0;
    hit->has_preset = false;
    hit->count = 1;
    hit->err = 0;
    buf_free(d);
    return hit;
}

/* hits_remove - drop the hit of symbol at exactly location (a finding later disproved) */
void hits_remove(HITS *h, const char *symbol, const char *location)
{
    for (size_t i = 0; i < h->n; i++) {
        HIT *x = &h->v[i];
        if (strcmp(x->symbol, symbol) == 0 && strcmp(x->location, location) == 0) {
            free(x->symbol);
            free(x->location);
            free(x->detail);
            memmove(x, x + 1, (h->n - i - 1) * sizeof(*x));
            h->n--;
            return;
        }
    }
}

/* hits_has - true when some hit carries this symbol */
bool hits_has(const HITS *h, const char *symbol)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, symbol) == 0)
            return true;
    return false;
}
