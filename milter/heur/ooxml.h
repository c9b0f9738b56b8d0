/*
 * heur_ooxml - remote content and DDE in Office documents: OOXML relationships, field
 *              codes, DDE links and DDE formulas
 *
 * SYNOPSIS
 *   void heur_ooxml(HEUR_CTX *c, const char *name, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   name is the part's (or attachment's) file name; the part kind is chosen by it:
 *     *.rels        Relationship elements with TargetMode="External": attachedTemplate
 *                   (OOXML_REMOTE_TEMPLATE), frame (OOXML_REMOTE_FRAME), oleObject
 *                   (OOXML_REMOTE_OLEOBJECT), mhtml:/x-usc: targets (the same); plain
 *                   hyperlinks and images are not findings;
 *     *.xml         Word field codes (every w:instrText of the part joined, and
 *                   w:fldSimple w:instr): DDEAUTO (OOXML_DDEAUTO), DDE (OOXML_DDE),
 *                   INCLUDEPICTURE/INCLUDETEXT/LINK with a URL or UNC path
 *                   (OOXML_REMOTE_FIELD); SpreadsheetML ddeLink (DDE_LINK) and
 *                   Excel 2003 XML / SYLK / CSV cells `=cmd|'/c ...'!A0` (DDE_FORMULA);
 *                   ActiveX parts (activeX*.xml): OOXML_ACTIVEX, Flash: OOXML_FLASH;
 *                   a sheet's <oleObject autoLoad="true"> (the embedded object is
 *                   activated when the workbook opens): OOXML_OLE_AUTOLOAD;
 *     *.csv *.slk   DDE formulas;
 *     other binary  a Word binary field `\x13 DDEAUTO ...` (ASCII or UTF-16LE): OOXML_DDEAUTO
 *                   or OOXML_DDE.
 *   A DDE command goes to c->emit ("dde", language bat) for the script analysers.
 */
#ifndef FM_HEUR_OOXML_H
#define FM_HEUR_OOXML_H

#include <stddef.h>

#include "heur/heur.h"

void heur_ooxml(HEUR_CTX *c, const char *name, const unsigned char *data, size_t n);

#endif
