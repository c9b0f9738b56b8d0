/*
 * heur/registry - registry droppers: a registry write + a launcher in the value + an
 *                 encoded payload (the Kovter/Poweliks/Gootkit pattern)
 *
 * SYNOPSIS
 *   void heur_registry(HEUR_CTX *c, const char *text, size_t n);
 *
 * DESCRIPTION
 *   Runs over every text layer: scripts, VBA source, decoded layers, shortcut command
 *   lines, .reg files. It finds autostart and handler keys (Run, RunOnce, Winlogon
 *   Shell/Userinit, Classes\<ext>\shell\open\command, Image File Execution Options,
 *   Environment UserInitMprLogonScript, COM InprocServer32, unusual payload keys such as
 *   Gootloader's Software\Microsoft\Phone), write operations (RegWrite, reg add,
 *   New-ItemProperty, Set-ItemProperty, New-Item -Value, StdRegProv Set*Value,
 *   RegSetValueEx, .reg file syntax), launchers stored in values (mshta javascript:/
 *   vbscript:, rundll32 javascript:..RunHTMLApplication, powershell -enc, wscript //E:,
 *   regsvr32 /i:http scrobj.dll) and large encoded blobs written to values. Single
 *   elements score low (a sysadmin script that documents registry paths stays below the
 *   tag threshold); the combination scores far higher. Details name the key and the
 *   launcher: `Run key 'HKCU\...\Run\x' <- mshta javascript:...`.
 */
#ifndef FM_HEUR_REGISTRY_H
#define FM_HEUR_REGISTRY_H

#include <stddef.h>

#include "heur/heur.h"

void heur_registry(HEUR_CTX *c, const char *text, size_t n);

#endif
