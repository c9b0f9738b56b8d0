/*
 * fuzz_extlist - the listings of the unpack helpers (scan/extunpack.c): 7zz's "l -slt"
 *                text and lsar's JSON, both carrying the sender's file names
 *
 * The first byte selects the parser (even: 7z, odd: lsar); the rest, NUL-terminated, is
 * the listing. Checks beyond "no sanitizer report": never more entries than asked for,
 * every entry named, names within the length kept (4096 bytes, UTF-8 from JSON escapes
 * at most 4 bytes a code point), all freed by extunpack_entries_free.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scan/extunpack.h"
#include "lib/xalloc.h"

#define FUZZ_ENTRIES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = xmalloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    EXT_ENTRY v[FUZZ_ENTRIES];
    size_t max = (size_t)(data[0] >> 1) % FUZZ_ENTRIES + 1;
    size_t n = (data[0] & 1) ? extunpack_list_lsar(text, v, max) : extunpack_list_7z(text, v, max);
    FUZZ_CHECK(n <= max);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(v[i].name != NULL && strlen(v[i].name) <= 4096);
    extunpack_entries_free(v, n);
    free(text);
    return 0;
}
