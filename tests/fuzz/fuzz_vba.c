/*
 * fuzz_vba - the macro analysers: heur_vba over a VBA project, heur_xlm over Excel 4
 *            macro sheets
 *
 * First byte: even runs heur_vba, odd runs heur_xlm. For heur_vba the rest of the input
 * is split at NUL bytes into up to 8 modules (one project, as scan.c hands it over; a
 * trigger in one module and the Shell call in another are one attack), and each module
 * also goes through heur_registry as scan.c does. Decoded strings go back through the
 * script and registry analysers (fuzz_emit).
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "heur/registry.h"
#include "heur/vba.h"
#include "heur/xlm.h"
#include "model/hit.h"

#define MAX_MODULES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode = fuzz_pick(&data, &size, 2);
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    if (mode == 1) {
        heur_xlm(&c, data, size);
    } else {
        const char *src[MAX_MODULES];
        size_t len[MAX_MODULES], n = 0;
        const char *p = (const char *)data, *end = p + size;
        while (n < MAX_MODULES && (p < end || n == 0)) {
            const char *z = n + 1 < MAX_MODULES ? memchr(p, 0, (size_t)(end - p)) : NULL;
            src[n] = p;
            len[n] = z ? (size_t)(z - p) : (size_t)(end - p);
            p += len[n++] + (z != NULL);
            if (z == NULL)
                break;
        }
        heur_vba(&c, src, len, n);
        for (size_t i = 0; i < n; i++)
            heur_registry(&c, src[i], len[i]);
    }
    hits_free(hits);
    return 0;
}
