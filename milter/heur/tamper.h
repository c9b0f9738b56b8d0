/*
 * heur/tamper - PowerShell that tampers with the defences of its own process (AMSI,
 *               script-block logging, ETW) through .NET reflection or memory patches
 *
 * SYNOPSIS
 *   void heur_tamper(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);
 *
 * DESCRIPTION
 *   The public bypasses share one mechanism whatever names they hide: they reach a
 *   non-public field of the PowerShell engine by reflection and overwrite it
 *   (amsiInitFailed, cachedGroupPolicySettings, the ETW provider's m_enabled), or they patch
 *   the code of AmsiScanBuffer / EtwEventWrite in memory. Names are often hashed or built
 *   at run time, so the mechanism is what is matched, not the names. For a PowerShell
 *   buffer (lang "ps1", a file or a decoded layer) heur_tamper reports at c->location:
 *     PS_REFLECTION_TAMPER  @EVASION,IN_MEMORY  GetField/GetFields with non-public binding
 *                           flags (NonPublic, or a [BindingFlags] number with bit 32) and
 *                           SetValue, on the engine's own types (GetAssemblies(), [Ref],
 *                           System.Management.Automation, .Assembly.GetType);
 *     PS_MEMORY_PATCH       @EVASION,IN_MEMORY  VirtualProtect (or WriteProcessMemory)
 *                           together with AmsiScanBuffer, amsi.dll, EtwEventWrite or ntdll;
 *     PS_LOGGING_TAMPER     @EVASION  script-block / module logging or the ETW provider named
 *                           for change (EnableScriptBlockLogging, cachedGroupPolicySettings,
 *                           EventProvider m_enabled, PSEtwLogProvider).
 *   Case-insensitive, linear in n. Pure: no I/O.
 */
#ifndef FM_TAMPER_H
#define FM_TAMPER_H

#include <stddef.h>

#include "heur/heur.h"

void heur_tamper(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n);

#endif
