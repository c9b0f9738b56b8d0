/*
 * fuzz_lnk - the shell link parser (lnk_parse) and its analysis (heur_lnk)
 *
 * Raw .lnk bytes. Checks lnk.h's promise that every string read from the file is
 * UTF-8 (they are logged and shown), and that show_command stays a small number. Then
 * heur_lnk parses again and scores the command line through heur_script and
 * heur_registry (with decoded layers fed back).
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "model/hit.h"
#include "heur/lnk.h"
#include "lib/str.h"

/* utf8 - a field is NULL or valid UTF-8 */
static void utf8(const char *s)
{
    if (s)
        FUZZ_CHECK(utf8_valid(s, strlen(s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    LNK *l = lnk_parse(data, size);
    if (l) {
        const char *f[] = {l->target, l->arguments,     l->working_dir, l->relative_path,
                           l->name,   l->icon_location, l->env_target,  l->network_share};
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
            utf8(f[i]);
    }
    lnk_free(l);
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    heur_lnk(&c, data, size);
    hits_free(hits);
    return 0;
}
