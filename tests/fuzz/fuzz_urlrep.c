/*
 * fuzz_urlrep - the new parsers of URL reputation over untrusted text
 *
 * The first byte selects the entry: uribl_parse + uribl_classify (the `uribl_zones`
 * setting and the return-code mapping; the rest of the input, after a NUL, gives answer
 * addresses), url_unwrap_set over the URLs of the text (redirect unwrapping with the
 * shipped redirectors list, 4 levels), url_extract_pdf (PDF /URI strings and FlateDecode
 * streams), url_extract_svg (href and script navigation). Checks: a parse error leaves a
 * reason and no zones, zones and rules stay within their bounds, a category set only has
 * known bits; a URL set never exceeds its maximum and every URL records a place.
 */
#include <stdint.h>
#include <string.h>

#include "core/uribl.h"
#include "fuzz.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "mime/redirect.h"
#include "mime/urldoc.h"

/* zones - parse, check the bounds, classify the addresses that follow a NUL */
static void zones(const uint8_t *d, size_t n)
{
    const uint8_t *nul = memchr(d, 0, n);
    size_t tl = nul ? (size_t)(nul - d) : n;
    char *text = xstrndup((const char *)d, tl);
    BUF *err = buf_new(64);
    URIBL_ZONES *z = uribl_parse(text, err);
    FUZZ_CHECK(z != NULL || err->len > 0);
    if (z) {
        FUZZ_CHECK(z->n <= URIBL_MAX_ZONES);
        uint32_t codes[16];
        size_t nc = 0;
        for (size_t i = tl + 1; nul && i + 4 <= n && nc < 16; i += 4)
            memcpy(&codes[nc++], d + i, 4);
        for (size_t i = 0; i < z->n; i++) {
            FUZZ_CHECK(z->v[i].nrules <= URIBL_MAX_RULES && strlen(z->v[i].zone) <= URIBL_ZONE_MAX);
            unsigned m = uribl_classify(&z->v[i], codes, nc);
            FUZZ_CHECK((m & ~((1u << URIBL_C_IGNORE) - 1)) == 0);
        }
    }
    uribl_free(z);
    buf_free(err);
    free(text);
}

/* check_set - bounds and places of a URL set */
static void check_set(const URLSET *set)
{
    FUZZ_CHECK(set->n <= set->max);
    for (size_t i = 0; i < set->n; i++)
        FUZZ_CHECK(set->v[i]->nwhere >= 1 && set->v[i]->normalized != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode = fuzz_pick(&data, &size, 4);
    if (mode == 0) {
        zones(data, size);
        return 0;
    }
    URLSET *set = urlset_new(64);
    if (mode == 1) {
        url_extract_text(set, (const char *)data, size, "1");
        url_unwrap_set(set, 0, fuzz_lists(), 4);
    } else if (mode == 2) {
        url_extract_pdf(set, data, size, "2");
        url_unwrap_set(set, 0, NULL, 2);
    } else {
        url_extract_svg(set, (const char *)data, size, "3");
    }
    check_set(set);
    urlset_free(set);
    return 0;
}
