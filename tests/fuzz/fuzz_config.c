/*
 * fuzz_config - the milter.conf parser (config_load_stream over the input in memory)
 *
 * Any bytes: keys, values, quotes, size and duration suffixes, flags lists, enums,
 * duplicate keys, cross-key checks. On success the derived helpers run too
 * (config_socket_mode, config_resolve). Checks: a failed load says why in one message
 * that names the file (FILE:LINE: ... or FILE: ...); a successful one leaves no message
 * and keeps the threshold order the cross-key check promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "core/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fmemopen((void *)data, size ? size : 1, "r");
    if (f == NULL)
        return 0;
    if (size == 0)
        fgetc(f); /* fmemopen wants a non-empty buffer: consume the one byte */
    CONFIG *c = config_new();
    BUF *err = buf_new(64);
    int rc = config_load_stream(c, f, "fuzz.conf", err);
    fclose(f);
    if (rc == 0) {
        FUZZ_CHECK(err->len == 0);
        FUZZ_CHECK(c->tag_threshold <= c->quarantine_threshold &&
                   c->quarantine_threshold <= c->reject_threshold);
        (void)config_socket_mode(c);
        free(config_resolve(c, "rules"));
    } else {
        FUZZ_CHECK(err->len > 0 && strncmp(err->data, "fuzz.conf", 9) == 0);
    }
    buf_free(err);
    config_free(c);
    return 0;
}
