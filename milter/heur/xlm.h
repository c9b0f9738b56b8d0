/*
 * heur_xlm - Excel 4 (XLM) macro sheets: BIFF8 workbook streams and OOXML macrosheet XML
 *
 * SYNOPSIS
 *   void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   A buffer that starts with a BIFF BOF record (a `Workbook`/`Book` stream) is walked
 *   record by record: BOUNDSHEET macro sheets (dt=1) and their visibility, the built-in
 *   Lbl Auto_Open, and every FORMULA record, whose tokens are evaluated as far as
 *   constants go (CHAR of numbers, & concatenation, arithmetic). Only BIFF records count
 *   there, so a VBA-only workbook gives no XLM symbol. Any other buffer is read as
 *   formula text (macrosheet XML, SYLK) as ASCII or UTF-16LE; in it CHAR()&"..." chains
 *   are folded. The deobfuscated formulas (`Macro1!R1C1 =EXEC("cmd /c ...")`) and strings
 *   built by CHAR() go to c->emit ("xlm" layers), so the script analysers and YARA see
 *   the commands. Symbols: XLM_AUTO_OPEN, XLM_EXEC, XLM_CALL_REGISTER, XLM_DOWNLOAD,
 *   XLM_OBFUSCATION, XLM_HIDDEN_SHEET, XLM_AUTO_OPEN_EXEC, XLM_FORMULA_WRITE.
 */
#ifndef FM_HEUR_XLM_H
#define FM_HEUR_XLM_H

#include <stddef.h>

#include "heur/heur.h"

void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n);

#endif
