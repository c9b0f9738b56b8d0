/*
 * heur_xlsb - Excel 4 macro sheets and DDE links of an .xlsb (Excel binary workbook,
 *             BIFF12 parts in an OOXML zip)
 *
 * SYNOPSIS
 *   typedef struct XLSB_PART { const char *name; const unsigned char *data; size_t n; }
 *           XLSB_PART;
 *   bool xlsb_wanted(const char *name);
 *   void heur_xlsb(HEUR_CTX *c, const XLSB_PART *parts, size_t n);
 *   void heur_xlsb_zip(HEUR_CTX *c, const unsigned char *zip, size_t n, size_t max_part);
void heur_xlsb_zip(HEUR_CTX *c, const unsigned char *zip, size_t n, size_t max_part);
 *
 * DESCRIPTION
 *   heur_xlsb_zip reads the zip itself: the central directory, then only the wanted
 *   members (stored or deflated, core/inflate, at most max_part bytes each, MAX_PARTS of
 *   them), and calls heur_xlsb. Otherwise the caller unzips the workbook and hands over, by their
full member names, the parts
 *   xlsb_wanted() accepts: xl/workbook.bin, xl/_rels/workbook.bin.rels,
 *   the .bin parts under xl/macrosheets/ and xl/externalLinks/ (libclamav names members by their
 *   base name only, and a macro sheet's sheet1.bin looks like a worksheet's). Together
 *   they give what heur_xlm finds in a BIFF8 workbook stream (MS-XLSB 2.1.4, 2.4):
 *     - workbook.bin: BrtName records whose name starts with Auto_Open (with or without
 *       _xlnm.), BrtBundleSh sheets with their visibility; the .rels part says which of
 *       them are macro sheets (relationship type ...xlMacrosheet);
 *     - a macro sheet: every BrtFmlaString/Num/Bool/Error formula evaluated (the shared
 *       evaluator of heur/xlm_eval.c, BIFF12 token sizes), string and number cells and
 *       the cached formula results remembered so that references read them: a command
 *       spread over many CHAR() cells and joined with & comes out whole;
 *     - an external link part: BrtBeginSupBook of type DDE gives the application and the
 *       topic of a DDE link (`=cmd|'/c ...'!A1` in a cell refers to it).
 *   Symbols: the XLM_* of heur/xlm.h (details end in "(BIFF12)") at c->location, and
 *   DDE_LINK; the listing, the built strings and a DDE topic go to c->emit ("xlm",
 *   "xlm-strings", "dde"). Every length is bounded by its record and its part.
 */
#ifndef FM_HEUR_XLSB_H
#define FM_HEUR_XLSB_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"

typedef struct XLSB_PART {
    const char *name; /* the member's full name in the zip */
    const unsigned char *data;
    size_t n;
} XLSB_PART;

bool xlsb_wanted(const char *name);
void heur_xlsb(HEUR_CTX *c, const XLSB_PART *parts, size_t n);
void heur_xlsb_zip(HEUR_CTX *c, const unsigned char *zip, size_t n, size_t max_part);

#endif
