/*
 * fuzz_url - URL extraction from text and HTML, URL normalization, the HTML walker
 *
 * The first byte selects the entry: url_parse (normalization: defanging, IDNA, numeric
 * and shortened IPs, userinfo, ports), url_extract_text, url_extract_html (html.c's
 * tokenizer, entity decoding, srcset, meta refresh, anchor text), or html_decode alone.
 * Each URL set then goes through heur_url (shorteners, lists, IP hosts, mismatched
 * anchor text). The set holds at most 64 URLs so the overflow path runs too. Checks: a
 * parsed URL has a normalized form and a scheme, its host is lower case; a set never
 * holds more than its maximum and every URL in it records where it was found.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "fuzz.h"
#include "heur/file.h"
#include "heur/url.h"
#include "model/hit.h"
#include "mime/html.h"
#include "mime/url.h"

/* check_url - invariants of one normalized URL */
static void check_url(const URL *u)
{
    FUZZ_CHECK(u->normalized != NULL && u->scheme != NULL && u->raw != NULL);
    for (const char *h = u->host; h && *h; h++)
        FUZZ_CHECK(!isupper((unsigned char)*h));
    FUZZ_CHECK(u->nwhere <= URL_MAX_WHERE);
}

/* set_run - extract into a bounded set, check it, analyse it */
static void set_run(const char *s, size_t n, bool html)
{
    URLSET *set = urlset_new(64);
    if (html)
        url_extract_html(set, s, n, "1");
    else
        url_extract_text(set, s, n, "1");
    FUZZ_CHECK(set->n <= set->max);
    for (size_t i = 0; i < set->n; i++) {
        check_url(set->v[i]);
        FUZZ_CHECK(set->v[i]->nwhere >= 1);
    }
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    heur_url(&c, set);
    hits_free(hits);
    urlset_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned mode = fuzz_pick(&data, &size, 4);
    const char *s = (const char *)data;
    if (mode == 0) {
        URL *u = url_parse(s, size);
        if (u)
            check_url(u);
        url_free(u);
    } else if (mode == 3) {
        BUF *b = buf_new(size + 1);
        html_decode(b, s, size, size & 1);
        buf_free(b);
    } else {
        set_run(s, size, mode == 2);
    }
    return 0;
}
