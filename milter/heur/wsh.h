/*
 * wsh - what a Windows Script Host or HTA file does when it is opened
 *
 * SYNOPSIS
 *   void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);
 *   void heur_lolbin(HEUR_CTX *c, const unsigned char *p, size_t n);
 *
 * DESCRIPTION
 *   A .vbs, .vbe, .jse, .wsf or .hta file, and a .js file that uses script-host objects, is a
 *   program: double-clicking it runs it (wscript.exe, mshta.exe), the way Document_Open runs
 *   a macro. heur_wsh reports, for such a file or archive member (lang from the content
 *   sniffer, not a decoded layer):
 *     WSH_RUNS_ON_OPEN   @AUTOEXEC  the file runs when opened (chains with any action);
 *     WSH_WMI_PROCESS    @EXECUTE   WMI Win32_Process Create (winmgmts: ... Win32_Process);
 *     WSH_BASE64_NODE    @DECODE    an XML node with dataType bin.base64 decodes a blob;
 *     WSH_STREAM_SAVE    @WRITE_FILE ADODB.Stream SaveToFile writes bytes to disk.
 *   A browser JavaScript library (heur/known.h) is none of these. Case-insensitive and
 *   linear in n.
 *
 *   heur_lolbin reports SCRIPT_LOLBIN_REMOTE (@DOWNLOAD,EXECUTE) once for a script or
 *   command line that has a signed proxy binary (mshta, regsvr32, msiexec, hh.exe, rundll32,
 *   cmstp, wmic, msxsl, odbcconf, pcalua, forfiles, msbuild, installutil) and an http(s) or
 *   UNC address on one line: the proxy fetches code and runs it. Pure: no I/O.
 */
#ifndef FM_WSH_H
#define FM_WSH_H

#include <stddef.h>

#include "heur/heur.h"

void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);
void heur_lolbin(HEUR_CTX *c, const unsigned char *p, size_t n);

#endif
