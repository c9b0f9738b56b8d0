/*
 * heur_rtf - RTF embedded objects, parsed the way oletools' rtfobj does; Equation Editor
 *            objects in OLE2 files
 *
 * SYNOPSIS
 *   void heur_rtf(HEUR_CTX *c, const unsigned char *data, size_t n);
 *   void heur_ole_equation(HEUR_CTX *c, const unsigned char *data, size_t n);
const char *heur_embedded_lang(const char *name);
 *   const char *heur_embedded_lang(const char *name);
 *
 * DESCRIPTION
 *   heur_rtf finds every \objdata destination and decodes its hex the tolerant way Word
 *   and rtfobj do: whitespace and non-hex bytes are skipped, control words (with all
 *   their digits) are skipped, the text of nested groups counts, \binN takes N raw bytes,
 *   an odd last nibble is dropped; junk before the OLE1 header is stepped over.
 *   The result is read as an OLE1 object (OLEVersion, FormatID, class name, topic, item,
 *   native size, native data). Findings, at c->location:
 *     RTF_OBJECT            any embedded object (class name in the detail);
 *     RTF_OBJUPDATE         \objupdate: the object is loaded when the document opens;
 *     RTF_OBJDATA_OBFUSCATED  control words, groups or junk bytes inside the hex;
 *     RTF_EQUATION_OBJECT   class Equation.3/Equation.2/Equation (CVE-2017-11882/-0802);
 *     RTF_EXPLOIT_CARRIER   an Equation object that also auto-loads or is obfuscated;
 *     RTF_PACKAGE           an OLE1 Package (the embedded file's name in the detail);
 *     OLE_PACKAGE_EXECUTABLE  ... whose name is a script or program.
 *   A Package's file content goes to c->emit ("package"; the language from its name);
 *   an Equation object's native data that is a compound file goes to c->emit
 *   ("oleobject"), where the scan stage judges its Equation Native stream (scan/oleobj.h).
 *   heur_ole_equation looks at an OLE2 file (a document, an embedded object) for an
 *   `Equation Native` stream or the Equation 3.0 CLSID: OLE_EQUATION_OBJECT.
 *   heur_embedded_lang maps an embedded file's name to the script analysers' language
 *   (js jse vbs vbe wsf hta bat ps1), "exe" for programs, or NULL.
 */
#ifndef FM_HEUR_RTF_H
#define FM_HEUR_RTF_H

#include <stddef.h>

#include "heur/heur.h"

void heur_rtf(HEUR_CTX *c, const unsigned char *data, size_t n);
void heur_ole_equation(HEUR_CTX *c, const unsigned char *data, size_t n);
const char *heur_embedded_lang(const char *name);

#endif
