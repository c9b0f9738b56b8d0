/*
 * fuzz_cache - the cache value decoder (cache_value_decode): bytes read from Redis under
 * our keys are untrusted (anyone who can write to that Redis can plant them)
 *
 * Checks cache.h's promises: a value is accepted or refused, never a crash; a refusal
 * leaves the value empty; an accepted value stays within CACHE_VALUE_HITS/_URLS/_LAYERS,
 * every string is UTF-8 without control bytes where it reaches a report, and encoding it
 * again gives a value that decodes to the same counts (the codec round-trips).
 */
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "cache/cache.h"
#include "fuzz.h"
#include "lib/str.h"

/* same_counts - two decoded values hold as many hits, URLs and layer hashes */
static int same_counts(const CACHE_VALUE *a, const CACHE_VALUE *b)
{
    return a->nhits == b->nhits && a->nurls == b->nurls && a->nlayers == b->nlayers &&
           a->flags == b->flags && strcmp(a->ctx, b->ctx) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CACHE_VALUE v;
    memset(&v, 0, sizeof(v));
    if (cache_value_decode(data, size, &v, NULL) != 0) {
        FUZZ_CHECK(v.nhits == 0 && v.nurls == 0 && v.nlayers == 0);
        cache_value_clear(&v);
        return 0;
    }
    FUZZ_CHECK(v.nhits <= CACHE_VALUE_HITS && v.nurls <= CACHE_VALUE_URLS &&
               v.nlayers <= CACHE_VALUE_LAYERS);
    for (size_t i = 0; i < v.nhits; i++) {
        FUZZ_CHECK(v.hits[i].symbol && utf8_valid(v.hits[i].symbol, strlen(v.hits[i].symbol)));
        FUZZ_CHECK(v.hits[i].rel && strlen(v.hits[i].rel) <= CACHE_REL_MAX);
    }
    BUF *enc = buf_new(size + 16);
    cache_value_encode(&v, enc);
    CACHE_VALUE w;
    memset(&w, 0, sizeof(w));
    FUZZ_CHECK(cache_value_decode(enc->data, enc->len, &w, NULL) == 0);
    FUZZ_CHECK(same_counts(&v, &w));
    cache_value_clear(&w);
    cache_value_clear(&v);
    buf_free(enc);
    return 0;
}
