/*
 * heur/vba - macro analysis: VBA module source (from libclamav); XLM is heur/xlm.h
 *
 * SYNOPSIS
 *   void heur_vba(HEUR_CTX *c, const char *const *src, const size_t *len, size_t n);
 *
 * DESCRIPTION
 *   heur_vba looks at all n modules of one VBA project together (an auto-exec trigger
 *   in ThisDocument and the Shell call in Module1 are one attack). The source is
 *   libclamav's normalization: lower case outside string literals, `_` continuations
 *   joined. It reports graded symbols at c->location (the document) so that a macro
 *   that only formats cells stays low and auto-exec + execute + download + registry
 *   write + obfuscation climbs to reject; strings it can decode statically (Chr() chains,
 *   StrReverse, Replace, hex/base64 literals, concatenations) go back through c->emit.
 * */
#ifndef FM_HEUR_VBA_H
#define FM_HEUR_VBA_H

#include <stddef.h>

#include "heur/heur.h"

void heur_vba(HEUR_CTX *c, const char *const *src, const size_t *len, size_t n);

#endif
