/*
 * heur/heur - what every analyser (heur_*.c) receives: where the buffer is, where findings
 *        go, the lists, and how to hand a decoded layer back for scanning
 *
 * DESCRIPTION
 *   The analysers are pure: no I/O, no third-party library. Each gets a HEUR_CTX:
 *     hits      findings, at `location` unless the analyser knows a finer place;
 *     location  the buffer's location (`2/invoice.zip>doc.js`, `1/a.docm>vbaProject.bin`);
 *     lists     rules/lists (dangerous extensions, shorteners, allow/block domains);
 *     emit      hands a decoded layer back to scan.c, which records it as a LAYER at
 *               `<location>>decoded:<how>` (how: base64, encodedcommand, charcodes,
 *               concat, reverse, replace, vbe, jse, escapes, cmdset, ...), runs YARA on it
 *               and the analysers again (bounded: max_decode_depth levels and
 *               max_decoded_bytes per layer). May be NULL (unit tests).
 *     depth     decode levels above this buffer (0 for a part or an unpacked layer).
 *   Details passed to hits_add are sanitized by it; keep them short and quote the
 *   evidence (`Run key 'HKCU\...\Run\x' <- mshta javascript:...`).
 */
#ifndef FM_HEUR_H
#define FM_HEUR_H

#include <stddef.h>

#include "model/hit.h"
#include "core/lists.h"

typedef void (*heur_emit_fn)(void *ctx, const char *how, const char *lang,
                             const unsigned char *data, size_t n);

typedef struct HEUR_CTX {
    HITS *hits;
    const char *location;
    const LISTS *lists;
    heur_emit_fn emit;
    void *emit_ctx;
    int depth;
    size_t max_decoded; /* bytes per decoded layer (config max_decoded_bytes) */
    size_t min_base64;  /* shortest base64 literal worth decoding (config min_base64_len) */
} HEUR_CTX;

#endif
