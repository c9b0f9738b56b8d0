/*
 * fuzz_evlog - the decoder of what an emulation helper sends back (emu/evlog.c): the
 * milter reads frames from a process that ran hostile code, so every length is untrusted
 *
 * The first byte selects: 0 - the bytes as an event stream, decoded frame by frame the
 * way emu/pool.c does (evlog_frame_len, then evlog_get_event on each complete frame);
 * 1 - the bytes as a request (the helper's side, evlog_get_request); 2 - the markup
 * extractor (emu/extract.c) over the bytes as html, svg, hta, wsf, sct or xml (XSL). Checks: a
 * frame never claims more than the buffer holds, every decoded field lies inside its frame, a
 * decoded event re-encodes to the same bytes, a parsed request's pointers stay inside
 * the input, the extractor's program always starts with __blocks([.
 */
#include <string.h>

#include "emu/evlog.h"
#include "emu/extract.h"
#include "fuzz.h"
#include "lib/buf.h"

/* stream - frames as pool.c reads them */
static void stream(const unsigned char *p, size_t n)
{
    size_t off = 0, frame;
    int r;
    while ((r = evlog_frame_len(p + off, n - off, &frame)) == 1) {
        FUZZ_CHECK(frame >= 6 && frame <= n - off);
        EVLOG_EVENT ev;
        if (evlog_get_event(p + off + 4, frame - 4, &ev) == 0) {
            FUZZ_CHECK(ev.nfield >= 1 && ev.nfield <= EVLOG_MAX_FIELDS);
            for (size_t i = 0; i < ev.nfield; i++)
                FUZZ_CHECK((const unsigned char *)ev.field[i] >= p + off + 4 &&
                           (const unsigned char *)ev.field[i] + ev.len[i] <= p + off + frame);
            BUF *b = buf_new(frame);
            evlog_put_event(b, ev.kind, ev.field, ev.len, ev.nfield);
            FUZZ_CHECK(b->len == frame && memcmp(b->data, p + off, frame) == 0);
            buf_free(b);
        }
        off += frame;
    }
    FUZZ_CHECK(off <= n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const unsigned char *p = data + 1;
    size_t n = size - 1;
    if (data[0] % 3 == 0) {
        stream(p, n);
    } else if (data[0] % 3 == 1) {
        EVLOG_REQUEST r;
        long got = evlog_get_request(p, n, &r);
        FUZZ_CHECK(got <= (long)n);
        if (got > 0)
            FUZZ_CHECK((const unsigned char *)r.script + r.script_len <= p + n &&
                       (const unsigned char *)r.name >= p);
    } else {
        static const char *const types[] = {"html", "svg", "hta", "wsf", "sct", "xml"};
        BUF *b = buf_new(64);
        int kind = emu_extract(types[(data[0] / 3) % 6], (const char *)p, n, b);
        if (kind >= 0)
            FUZZ_CHECK(b->len >= 13 && memcmp(b->data, "__blocks([", 10) == 0);
        buf_free(b);
    }
    return 0;
}
