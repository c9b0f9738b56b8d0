/*
 * testhits - symbol checks several analyser unit tests share (header-only)
 *
 *   int hits_expect(h, want, nowant, name)   every space-separated symbol of want is in h and
 *                                            none of nowant; prints what is wrong and every
 *                                            hit when something is; returns the count of
 *                                            problems (0: as expected)
 *   bool hits_has_all(h, list, want, why)    every space-separated symbol of list is (want)
 *                                            or is not (!want) in h; the others are appended
 *                                            to why
 */
#ifndef FM_TESTHITS_H
#define FM_TESTHITS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/hit.h"

static inline int hits_expect(const HITS *h, const char *want, const char *nowant, const char *name)
{
    int bad = 0;
    char w[512];
    for (int pass = 0; pass < 2; pass++) {
        snprintf(w, sizeof(w), "%s", pass ? (nowant ? nowant : "") : (want ? want : ""));
        for (char *t = strtok(w, " "); t; t = strtok(NULL, " "))
            if (hits_has(h, t) != !pass) {
                printf("    FAIL %s: %s %s\n", name, t, pass ? "unexpected" : "missing");
                bad++;
            }
    }
    if (bad)
        for (size_t i = 0; i < h->n; i++)
            printf("      got %s: %s\n", h->v[i].symbol, h->v[i].detail);
    return bad;
}

static inline bool hits_has_all(const HITS *h, const char *list, bool want, BUF *why)
{
    bool ok = true;
    char *dup = xstrdup(list);
    char *save = NULL;
    for (char *w = strtok_r(dup, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (hits_has(h, w) != want) {
            buf_printf(why, " %s%s", want ? "missing " : "unexpected ", w);
            ok = false;
        }
    free(dup);
    return ok;
}

#endif
