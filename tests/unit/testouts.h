/*
 * testouts - the outputs a deobfuscation pass (heur/deobf.h callback) or a language analyser
 * (HEUR_CTX emit callback) hands back, collected for the unit tests that check them
 * (header-only: each test is one file)
 *
 *   OUTS o = {0};                       up to 128 outputs; more are dropped
 *   outs_collect                        the deobf_run callback (ctx = &o)
 *   outs_emit                           the HEUR_CTX emit callback (unsigned char data)
 *   const OUT *outs_find(&o, how)       the first output of pass how, or NULL
 *   size_t outs_count(&o, how)          the outputs of pass how
 *   outs_free(&o)                       frees the data and empties o
 * Each OUT keeps how, lang ("(null)" for NULL) and a NUL-terminated copy of the data.
 */
#ifndef FM_TESTOUTS_H
#define FM_TESTOUTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

typedef struct OUT {
    char how[32];
    char lang[16]; /* "(null)" for NULL */
    char *data;
    size_t len;
} OUT;

typedef struct OUTS {
    OUT v[128];
    size_t n;
} OUTS;

/* outs_collect - deobf callback: keep every output (ctx is an OUTS) */
static inline void outs_collect(void *ctx, const char *how, const char *lang, const char *data,
                                size_t n)
{
    OUTS *o = ctx;
    if (o->n >= sizeof(o->v) / sizeof(o->v[0]))
        return;
    OUT *x = &o->v[o->n++];
    snprintf(x->how, sizeof(x->how), "%s", how);
    snprintf(x->lang, sizeof(x->lang), "%s", lang ? lang : "(null)");
    x->data = xmemdup(data, n + 1);
    x->data[n] = 0;
    x->len = n;
}

/* outs_emit - HEUR_CTX emit callback: the same with unsigned data */
static inline void outs_emit(void *ctx, const char *how, const char *lang,
                             const unsigned char *data, size_t n)
{
    outs_collect(ctx, how, lang, (const char *)data, n);
}

/* outs_find - the first output of pass how, or NULL */
static inline const OUT *outs_find(const OUTS *o, const char *how)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].how, how) == 0)
            return &o->v[i];
    return NULL;
}

/* outs_count - the outputs of pass how */
static inline size_t outs_count(const OUTS *o, const char *how)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n; i++)
        k += strcmp(o->v[i].how, how) == 0;
    return k;
}

/* outs_free - release the collected outputs; o is empty afterwards */
static inline void outs_free(OUTS *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->v[i].data);
    o->n = 0;
}

#endif
