/*
 * fuzz_lolbas - the LOLBAS command-line reader (heur/lolbas.c), the PowerShell tamper
 *               analyser (heur/tamper.c) and the HTML script extractor (heur/html.c) over
 *               arbitrary text
 *
 * Checks the splitter's promises: at most LOLBAS_MAX_ARGS arguments, each NUL-terminated
 * inside its LOLBAS_ARG_MAX buffer and lower case, and never more bytes consumed than
 * given or than LOLBAS_CMD_MAX. Then heur_lolbas runs over the text with the shipped
 * rules/lists/lolbas.conf, and heur_tamper as PowerShell; every hit's detail is sane text.
 * html_script never writes past its bound.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "heur/html.h"
#include "heur/lolbas.h"
#include "heur/tamper.h"
#include "model/hit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static LOLBAS_ARGS a;
    size_t used = lolbas_split((const char *)data, size, &a);
    FUZZ_CHECK(used <= size && used <= LOLBAS_CMD_MAX);
    FUZZ_CHECK(a.n <= LOLBAS_MAX_ARGS);
    for (size_t i = 0; i < a.n; i++) {
        size_t len = strnlen(a.v[i], LOLBAS_ARG_MAX);
        FUZZ_CHECK(len < LOLBAS_ARG_MAX);
        for (size_t k = 0; k < len; k++)
            FUZZ_CHECK(!isupper((unsigned char)a.v[i][k]));
    }
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    heur_lolbas(&c, data, size);
    heur_tamper(&c, "ps1", data, size);
    for (size_t i = 0; i < hits->n; i++)
        fuzz_sane_text(hits->v[i].detail, strlen(hits->v[i].detail));
    hits_free(hits);
    BUF *out = buf_new(64);
    bool vbs;
    html_script((const char *)data, size, out, 4096, &vbs);
    FUZZ_CHECK(out->len <= 4096);
    buf_free(out);
    return 0;
}
