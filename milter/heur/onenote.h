/*
 * heur_onenote - files embedded in a OneNote notebook (.one)
 *
 * SYNOPSIS
 *   void heur_onenote(HEUR_CTX *c, const unsigned char *data, size_t n);
 *
 * DESCRIPTION
 *   Carves every FileDataStoreObject (MS-ONESTORE 2.6.13; formats.md §5): the header
 *   GUID, u64 cbLength, 12 bytes, the data at +36, the footer GUID at the next 8-byte
 *   boundary after the data (checked). Names are not stored next to the data: the
 *   notebook's UTF-16LE strings that end in a script or program extension are collected,
 *   and a blob is paired with such a name when its content agrees (a PE with a program
 *   name; text with a script name, in order). A notebook is not a finding by itself;
 *   embedded pictures are ignored. Findings at c->location:
 *     ONENOTE_EMBEDDED_EXECUTABLE  a PE (MZ) or a program name (.exe .scr .dll ...);
 *     ONENOTE_EMBEDDED_SCRIPT      a script (.hta .cmd .bat .js .vbs .wsf .ps1 ...) by name
 *                                  or by content (<hta:application>, @echo off, <script ...).
 *   Each embedded file that is not a picture goes to c->emit ("onenote"), with the
 *   script language from its name, so the script analysers and YARA read it.
 */
#ifndef FM_HEUR_ONENOTE_H
#define FM_HEUR_ONENOTE_H

#include <stddef.h>

#include "heur/heur.h"

void heur_onenote(HEUR_CTX *c, const unsigned char *data, size_t n);

#endif
