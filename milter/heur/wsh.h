/*
 * wsh - what a Windows Script Host or HTA file does when it is opened
 *
 * SYNOPSIS
 *   void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n, bool
browser_js); void heur_wsh_emulated(HEUR_CTX *c, const char *lang);
 *   void heur_wsh_emulated(HEUR_CTX *c, const char *lang);
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
 *   A browser JavaScript library (browser_js: heur_known's result for this buffer) is none
 *   of these. Case-insensitive and
 *   linear in n.
 *
 *   heur_wsh_emulated reports WSH_RUNS_ON_OPEN for a .js file (lang js, not a decoded layer)
 *   whose emulation (findings at `c->location>emu:...`, so call it after emu_script) did
 *   what only a script host can: wrote a file, started a process, wrote the registry,
 *   made an HTTP request through a COM object (WinHttp, MSXML) ... The static check misses
 *   obfuscated host objects; the run shows them.
 *
 *   Signed proxies with remote code (regsvr32 /i:URL, mshta URL ...) are read with
 *   their argument semantics by heur/lolbas.h. Pure: no I/O.
 */
#ifndef FM_WSH_H
#define FM_WSH_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"

void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n, bool browser_js);
void heur_wsh_emulated(HEUR_CTX *c, const char *lang);

#endif
