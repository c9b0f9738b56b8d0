/*
 * heur/xlm - Excel 4 (XLM) macro sheet analysis
 *
 * SYNOPSIS
 *   void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   heur_xlm looks at Excel 4 macro sheet content (OOXML macrosheet XML, SYLK or BIFF bytes)
 *   for EXEC, CALL, REGISTER, URLDownloadToFileA, CHAR/FORMULA/GOTO obfuscation, hidden macro
 *   sheets and auto-open names, and reports XLM_* symbols at c->location. Any bytes are
 *   accepted (NULL or empty: nothing); the work is linear in n.
 */
#ifndef FM_HEUR_XLM_H
#define FM_HEUR_XLM_H

#include <stddef.h>

#include "heur/heur.h"

void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n);

#endif
