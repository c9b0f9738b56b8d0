/*
 * wsh - Windows Script Host files run on open (see wsh.h)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "heur/known.h"
#include "heur/wsh.h"
#include "lib/str.h"

/* host_objects - JavaScript that creates script-host objects (WScript, ActiveXObject) */
static bool host_objects(const char *t, size_t n)
{
    return str_memmem_ci(t, n, "activexobject") || str_memmem_ci(t, n, "wscript.") ||
           str_memmem_ci(t, n, "getobject(");
}

/* heur_wsh - see wsh.h */
void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n)
{
    const char *t = (const char *)p;
    if (c->depth > 0 || lang == NULL)
        return;
    static const char *const hosts = " vbs vbe jse wsf hta ";
    char word[16];
    bool wsh = false;
    if (strlen(lang) < sizeof(word) - 2) {
        snprintf(word, sizeof(word), " %s ", lang);
        wsh = strstr(hosts, word) != NULL;
    }
    if (strcmp(lang, "js") == 0)
        wsh = host_objects(t, n) && !known_browser_js(p, n);
    if (!wsh)
        return;
    hits_add(c->hits, "WSH_RUNS_ON_OPEN", c->location, "a %s file runs when opened", lang);
    if (str_memmem_ci(t, n, "winmgmts") && str_memmem_ci(t, n, "win32_process") &&
        str_memmem_ci(t, n, "create"))
        hits_add(c->hits, "WSH_WMI_PROCESS", c->location, "WMI Win32_Process Create");
    if (str_memmem_ci(t, n, "bin.base64"))
        hits_add(c->hits, "WSH_BASE64_NODE", c->location, "XML node dataType bin.base64");
    if (str_memmem_ci(t, n, "adodb.stream") && str_memmem_ci(t, n, "savetofile"))
        hits_add(c->hits, "WSH_STREAM_SAVE", c->location, "ADODB.Stream SaveToFile");
}
