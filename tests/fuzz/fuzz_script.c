/*
 * fuzz_script - the script analyser (heur_script: every language token filetype.c
 *               gives), the registry-dropper analyser (heur_registry) and the
 *               script-carrying formats (heur_lang: XSL, SCT, CHM HTML, MOF, INF, REG)
 *
 * The first byte selects the language (js, jse, vbs, vbe, wsf, sct, hta, ps1, bat, cmd,
 * url, iqy, slk, settingcontent, reg, html, svg, lnk, or none). The rest goes through
 * heur_script, heur_registry and heur_lang as scan.c's analyse() does, with the decoded layers fed
 * back (fuzz_emit). Checks: every hit has a symbol and a location.
 */
#include <stdint.h>

#include "fuzz.h"
#include "heur/lang.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "model/hit.h"

static const char *const langs[] = {"js",  "jse",  "vbs", "vbe", "wsf", "sct", "hta",
                                    "ps1", "bat",  "cmd", "url", "iqy", "slk", "settingcontent",
                                    "reg", "html", "svg", "lnk", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *lang = langs[fuzz_pick(&data, &size, sizeof(langs) / sizeof(langs[0]))];
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    heur_script(&c, lang, data, size);
    heur_registry(&c, (const char *)data, size);
    heur_lang(&c, *lang ? lang : NULL, data, size);
    for (size_t i = 0; i < hits->n; i++)
        FUZZ_CHECK(hits->v[i].symbol && hits->v[i].symbol[0] && hits->v[i].location);
    hits_free(hits);
    return 0;
}
