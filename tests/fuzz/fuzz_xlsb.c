/*
 * fuzz_xlsb - the .xlsb analyser (heur/xlsb.c) and the BIFF8 macro sheet walk (heur/xlm.c)
 *
 * First byte picks: 0 heur_xlsb_zip over the whole input (a zip: central directory, stored
 * and deflated members); 1..3 the input as one part, xl/macrosheets/sheet1.bin,
 * xl/workbook.bin or xl/externalLinks/externalLink1.bin; 4 the input split at its first
 * NUL into workbook.bin and a macro sheet (names and formulas together); 5 heur_xlm (a
 * BIFF8 workbook stream, two passes with cells).
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "heur/xlm.h"
#include "heur/xlsb.h"
#include "model/hit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"xl/macrosheets/sheet1.bin", "xl/workbook.bin",
                                        "xl/externalLinks/externalLink1.bin"};
    unsigned mode = fuzz_pick(&data, &size, 6);
    HITS *hits = hits_new();
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    if (mode == 0) {
        heur_xlsb_zip(&c, data, size, 1u << 20);
    } else if (mode <= 3) {
        XLSB_PART p = {names[mode - 1], data, size};
        heur_xlsb(&c, &p, 1);
    } else if (mode == 4) {
        const uint8_t *z = memchr(data, 0, size);
        size_t cut = z ? (size_t)(z - data) : size / 2;
        XLSB_PART p[] = {{names[1], data, cut}, {names[0], data + cut, size - cut}};
        heur_xlsb(&c, p, 2);
    } else {
        heur_xlm(&c, data, size);
    }
    hits_free(hits);
    return 0;
}
