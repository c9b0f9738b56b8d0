/*
 * wsh - Windows Script Host files run on open (see wsh.h)
 */
#include <stdbool.h>
#include <string.h>

#include "heur/wsh.h"
#include "lib/str.h"
#include "lib/words.h"

/* host_objects - JavaScript that creates script-host objects (WScript, ActiveXObject) */
static bool host_objects(const char *t, size_t n)
{
    return str_memmem_ci(t, n, "activexobject") || str_memmem_ci(t, n, "wscript.") ||
           str_memmem_ci(t, n, "getobject(");
}

/* heur_wsh - see wsh.h */
void heur_wsh(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n, bool browser_js)
{
    const char *t = (const char *)p;
    if (c->depth > 0 || lang == NULL)
        return;
    bool wsh = words_hasz("vbs vbe jse wsf hta", lang);
    if (strcmp(lang, "js") == 0)
        wsh = host_objects(t, n) && !browser_js;
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

/* host_event - an emulator finding only a script host can cause (files, processes, the
 * registry, tasks, WMI; an HTTP request through a COM object, not a browser's XHR) */
static bool host_event(const HIT *h)
{
    static const char *const host_only[] = {
        "EMU_EXEC",     "EMU_EXEC_LAUNCHER", "EMU_WRITE_FILE",       "EMU_STARTUP_FILE",
        "EMU_SHORTCUT", "EMU_REG_WRITE",     "EMU_REG_RUNKEY",       "EMU_REG_PAYLOAD",
        "EMU_SCHTASK",  "EMU_WMI_PERSIST",   "EMU_REMOTE_SCRIPTLET", NULL};
    for (int i = 0; host_only[i]; i++)
        if (strcmp(h->symbol, host_only[i]) == 0)
            return true;
    return strcmp(h->symbol, "EMU_DOWNLOAD") == 0 && h->detail &&
           (str_memmem_ci(h->detail, strlen(h->detail), "winhttp") ||
            str_memmem_ci(h->detail, strlen(h->detail), "msxml") ||
            str_memmem_ci(h->detail, strlen(h->detail), "serverxmlhttp"));
}

/* heur_wsh_emulated - see wsh.h */
void heur_wsh_emulated(HEUR_CTX *c, const char *lang)
{
    if (c->depth > 0 || lang == NULL || strcmp(lang, "js") != 0)
        return;
    size_t ll = strlen(c->location);
    for (size_t i = 0; i < c->hits->n; i++) {
        const HIT *h = &c->hits->v[i];
        if (strncmp(h->location, c->location, ll) == 0 &&
            strncmp(h->location + ll, ">emu:", 5) == 0 && host_event(h)) {
            hits_add(c->hits, "WSH_RUNS_ON_OPEN", c->location,
                     "a js file that used script-host objects when emulated (%s) runs when opened",
                     h->symbol);
            return;
        }
    }
}
