/*
 * heur/tamper - defence tampering in PowerShell (see tamper.h)
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "heur/tamper.h"
#include "lib/str.h"

#define FLAG_SCAN 16 /* [BindingFlags] numbers looked at */

/* any_of - the first of words found in t[0..n), or NULL */
static const char *any_of(const char *t, size_t n, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (str_memmem_ci(t, n, words[i]))
            return words[i];
    return NULL;
}

/* nonpublic_flags - NonPublic named, or a [BindingFlags] cast of a number with bit 32 */
static bool nonpublic_flags(const char *t, size_t n)
{
    if (str_memmem_ci(t, n, "nonpublic"))
        return true;
    const char *p = t;
    const char *end = t + n;
    for (int k = 0; k < FLAG_SCAN && p < end; k++) {
        const char *f = str_memmem_ci(p, (size_t)(end - p), "bindingflags]");
        if (f == NULL)
            return false;
        p = f + 13;
        while (p < end && (*p == ' ' || *p == '(' || *p == '\t'))
            p++;
        unsigned long v = 0;
        int digits = 0;
        while (p < end && isdigit((unsigned char)*p) && digits < 9) {
            v = v * 10 + (unsigned long)(*p++ - '0');
            digits++;
        }
        if (digits && (v & 32))
            return true;
    }
    return false;
}

/* heur_tamper - see tamper.h */
void heur_tamper(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n)
{
    static const char *const field[] = {"getfield(", "getfields(", "getfield (", "getfields (",
                                        NULL};
    static const char *const engine[] = {
        "getassemblies()",   "[ref]", "system.management.automation",
        ".assembly.gettype", "amsi",  "eventprovider",
        "eventing",          NULL};
    static const char *const patch_target[] = {"amsiscanbuffer", "amsi.dll",        "etweventwrite",
                                               "ntdll",          "amsiopensession", NULL};
    static const char *const patcher[] = {"virtualprotect", "writeprocessmemory", NULL};
    static const char *const logging[] = {"enablescriptblocklogging",
                                          "cachedgrouppolicysettings",
                                          "enablescriptblockinvocationlogging",
                                          "psetwlogprovider",
                                          "etwprovider",
                                          "enablemodulelogging",
                                          NULL};
    const char *t = (const char *)p;
    if (lang == NULL || strcmp(lang, "ps1") != 0)
        return;
    const char *f = any_of(t, n, field);
    const char *e = any_of(t, n, engine);
    if (f && e && nonpublic_flags(t, n) && str_memmem_ci(t, n, ".setvalue"))
        hits_add(c->hits, "PS_REFLECTION_TAMPER", c->location,
                 "non-public field of the engine overwritten: '%s' + SetValue near '%s'", f, e);
    const char *pt = any_of(t, n, patcher);
    const char *tg = pt ? any_of(t, n, patch_target) : NULL;
    if (pt && tg)
        hits_add(c->hits, "PS_MEMORY_PATCH", c->location, "'%s' with '%s'", pt, tg);
    const char *lg = any_of(t, n, logging);
    if (lg || (str_memmem_ci(t, n, "eventprovider") && str_memmem_ci(t, n, "m_enabled")))
        hits_add(c->hits, "PS_LOGGING_TAMPER", c->location, "'%s'", lg ? lg : "m_enabled");
}
