/*
 * heur_oleobj - what the streams of an OLE2 file carry: Equation Editor native data
 *               (exploit structure) and Windows Installer packages (programs in Binary)
 *
 * SYNOPSIS
 *   void heur_equation_native(HEUR_CTX *c, const unsigned char *d, size_t n, bool ole10);
 *   const char *heur_equation_exploit(const unsigned char *d, size_t n, bool ole10);
 *   size_t heur_msi_name(const uint16_t *w, size_t nw, char *out, size_t outsz);
 *   void heur_msi_stream(HEUR_CTX *c, const char *name, const unsigned char *d, size_t n);
 *
 * DESCRIPTION
 *   The scan stage reads the streams (scan/cfb.c); these judge their bytes.
 *   heur_equation_native judges the native data of an Equation Editor object: the
 *   `Equation Native` stream (ole10 false: an EQNOLEFILEHDR whose first 16-bit word is its
 *   own length, then MTEF) or the `\1Ole10Native` stream of an object whose CLSID is
 *   Equation 3.0 (ole10 true: a 32-bit size, then MTEF; the editor reads either).
 *   heur_equation_exploit says why the data is no equation the editor writes, or NULL:
 *     - the MTEF header is not one (version 2..5, platform 0 Mac / 1 Windows, product
 *       0 MathType / 1 Equation Editor);
 *     - a FONT record among the leading records (after the tag-only size/line records)
 *       whose name is no font name: 32 bytes or more without a NUL (LF_FACESIZE; the
 *       editor copies it into a fixed buffer: CVE-2017-11882 / CVE-2018-0802) or with
 *       control or non-ASCII bytes (code).
 *   A legitimate equation has a valid header and short printable font names and is not
 *   reported. Finding: OLE_EQUATION_EXPLOIT (the reason in the detail), at c->location.
 *   heur_msi_name decodes an MSI stream name (code points 0x3800-0x483F pack one or two
 *   characters of [0-9A-Za-z._], 0x4840 marks a table and is written '!') into out
 *   (NUL-terminated, truncated to outsz); other code points are copied when ASCII, else
 *   '?'. Returns the length written.
 *   heur_msi_stream judges one stream of a Windows Installer package by its decoded name:
 *   a `Binary.*` stream (the Binary table: custom action code) that is a Windows program
 *   (a PE image without the DLL flag; custom action type 2 runs it on install):
 *   MSI_BINARY_EXE.
 */
#ifndef FM_HEUR_OLEOBJ_H
#define FM_HEUR_OLEOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heur/heur.h"

void heur_equation_native(HEUR_CTX *c, const unsigned char *d, size_t n, bool ole10);
const char *heur_equation_exploit(const unsigned char *d, size_t n, bool ole10);
size_t heur_msi_name(const uint16_t *w, size_t nw, char *out, size_t outsz);
void heur_msi_stream(HEUR_CTX *c, const char *name, const unsigned char *d, size_t n);

#endif
