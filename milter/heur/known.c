/*
 * known - browser JavaScript libraries (see known.h)
 */
#include <string.h>

#include "core/digest.h"
#include "core/lists.h"
#include "heur/known.h"
#include "lib/str.h"

static const char *const host[] = {"activexobject",
                                   "wscript",
                                   "createobject",
                                   "getobject",
                                   "shell.application",
                                   "filesystemobject",
                                   "adodb.",
                                   "msxml2.",
                                   "winhttp",
                                   "xmlhttp.",
                                   "wshshell",
                                   "cscript",
                                   "powershell",
                                   "cmd.exe",
                                   "cmd /c",
                                   "mshta",
                                   "rundll32",
                                   "regsvr32",
                                   "child_process",
                                   "require(\"fs\")",
                                   "require('fs')",
                                   "process.env",
                                   "execsync",
                                   "shellexecute",
                                   NULL};
static const char *const browser[] = {
    "window.",     "document.", "navigator.", "addeventlistener", "requestanimationframe",
    "htmlelement", NULL};

/* browser_words - the code names a browser object */
static bool browser_words(const unsigned char *p, size_t n)
{
    const char *t = (const char *)p;
    for (int i = 0; browser[i]; i++)
        if (str_memmem_ci(t, n, browser[i]))
            return true;
    return false;
}

/* known_browser_js - see known.h */
bool known_browser_js(const unsigned char *p, size_t n)
{
    const char *t = (const char *)p;
    for (int i = 0; host[i]; i++)
        if (str_memmem_ci(t, n, host[i]))
            return false;
    return browser_words(p, n);
}

/* heur_known - see known.h */
bool heur_known(HEUR_CTX *c, const char *lang, const unsigned char *p, size_t n, HEUR_RUN run)
{
    bool js = lang && strcmp(lang, "js") == 0;
    bool is_browser = false;
    if (c->depth == 0 && js) /* once per buffer; the emulated run decides when there is one */
        is_browser = run == HEUR_RUN_NONE    ? known_browser_js(p, n)
                     : run == HEUR_RUN_INERT ? browser_words(p, n)
                                             : false;
    if (n > 0 && js && lists_known_libraries(c->lists) > 0) {
        char hex[DIGEST_HEX_LEN + 1];
        digest_sha256_hex(p, n, hex);
        const char *name = lists_known_library(c->lists, hex);
        if (name) {
            hits_add(c->hits, "JS_KNOWN_LIBRARY", c->location, "%s (sha256 %.16s...)", name, hex);
            return is_browser;
        }
    }
    if (is_browser)
        hits_add(c->hits, "JS_BROWSER_LIBRARY", c->location,
                 "browser JavaScript without script-host objects, shell or file system");
    return is_browser;
}
