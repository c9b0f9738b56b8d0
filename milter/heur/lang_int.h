/*
 * lang_int - what heur_lang's two files (lang.c: markup formats, lang_conf.c: MOF, INF,
 *            REG) share; no other module includes this
 */
#ifndef FM_HEUR_LANG_INT_H
#define FM_HEUR_LANG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"
#include "lib/buf.h"

#define LANG_MAX_LAYERS   32  /* layers handed out per call */
#define LANG_MAX_BLOCKS   64  /* script blocks, objects, sections or instances read per call */
#define LANG_MAX_SECTIONS 512 /* .inf sections indexed */

typedef struct LX {
    HEUR_CTX *c;
    const char *p;
    size_t n;
    size_t layers; /* handed out so far */
    size_t max;    /* bytes per layer */
} LX;

size_t lang_find(const char *p, size_t n, size_t from, const char *needle);
void lang_emit(LX *x, const char *how, const char *lang, const char *data, size_t len);
void lang_hit(LX *x, const char *sym, const char *fmt, const char *ev);

void lang_mof(LX *x);
void lang_inf(LX *x);
void lang_reg(LX *x);

#endif
