/*
 * fuzz_mime - raw message bytes through mime_walk with the default limits
 *
 * The fast MIME target: GMime parsing, our walk, hidden-content recovery (prologue,
 * epilogue, uuencode, yEnc, encoded message/rfc822), decoding, type sniffing. Checks the
 * PART records' invariants: a decoded size equals the bytes held, a part with data has
 * its SHA-256, text is NUL-terminated at text_len, depth never passes max_depth, and the
 * number of leaf parts never passes max_parts (+ the hidden ones recovered per entity).
 */
#include <stdint.h>
#include <string.h>

#include "core/config.h"
#include "fuzz.h"
#include "model/hit.h"
#include "mime/mime.h"
#include "model/part.h"

/* limits - the MIME limits of the default configuration */
static MIME_LIMITS limits(void)
{
    CONFIG *c = config_new();
    MIME_LIMITS lim = {(size_t)c->max_mime_depth,   (size_t)c->max_parts,
                       (size_t)c->max_part_bytes,   (size_t)c->max_total_bytes,
                       (size_t)c->max_header_bytes, (size_t)c->max_header_field_bytes,
                       (size_t)c->max_header_lines, (size_t)c->max_header_lines_total};
    config_free(c);
    return lim;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static MIME_LIMITS lim;
    if (lim.max_depth == 0) {
        mime_init();
        lim = limits();
    }
    PARTS *parts = parts_new();
    HITS *hits = hits_new();
    MIME_HEADERS hdr = {0};
    mime_walk((const char *)data, size, &lim, parts, &hdr, hits);
    for (size_t i = 0; i < parts->n; i++) {
        const PART *p = parts->v[i];
        FUZZ_CHECK(p->path != NULL);
        FUZZ_CHECK((size_t)p->depth <= lim.max_depth + 1);
        if (p->data) {
            FUZZ_CHECK(p->size == p->data->len);
            FUZZ_CHECK(strlen(p->sha256) == 64);
        }
        if (p->text)
            FUZZ_CHECK(p->text[p->text_len] == 0);
        if (p->filename)
            fuzz_sane_text(p->filename, strlen(p->filename));
    }
    if (hdr.subject)
        fuzz_sane_text(hdr.subject, strlen(hdr.subject));
    mime_headers_clear(&hdr);
    hits_free(hits);
    parts_free(parts);
    return 0;
}
