/*
 * evlog - the wire format between the milter and the fileless-emu helper: one request
 *         (script in), a stream of event frames (what the script did, out)
 *
 * SYNOPSIS
 *   void evlog_put_request(BUF *out, const EVLOG_REQUEST *r);
 *   int evlog_get_request(const unsigned char *p, size_t n, EVLOG_REQUEST *r);
 *   void evlog_put_event(BUF *out, int kind, const char *const *field, const size_t *len,
 *                        size_t nfield);
 *   int evlog_frame_len(const unsigned char *p, size_t n, size_t *frame);
 *   int evlog_get_event(const unsigned char *p, size_t n, EVLOG_EVENT *ev);
 *
 * DESCRIPTION
 *   Pure encoding and decoding, no I/O, so that both processes share it and a fuzz target
 *   (tests/fuzz/fuzz_evlog.c) can feed it arbitrary bytes. Integers are little-endian u32.
 *
 *   Request: "FME1", ms, memory (MiB), kind (EVLOG_KIND_*), name length, script length,
 *   then the name and the script bytes. evlog_get_request needs the whole request: it
 *   returns the request length when p holds all of it (r's pointers point into p), 0 when
 *   more bytes are needed, -1 when the bytes are not a request.
 *
 *   Event frame: u32 body length, then the body: one kind byte (EVLOG_EV_*), one field
 *   count (at most EVLOG_MAX_FIELDS), and each field as u32 length + bytes. The first field
 *   is the event's name: the API for a call ("RegWrite", "Run", "XMLHTTP.Open" ...), how a
 *   layer was produced ("eval", "write", "blob" ...), the status for the end frame ("ok",
 *   "quit", "timeout", "memory", "syntax", "exception"). evlog_frame_len says how long the
 *   frame at p is (1, with *frame set), that more bytes are needed (0) or that the length
 *   is impossible (-1, over EVLOG_MAX_FRAME). evlog_get_event decodes one complete frame
 *   body (p, n = body only); it returns 0, or -1 for a malformed body (fields overrunning
 *   the body, too many fields, trailing bytes). The fields point into p.
 *
 * LIMITS
 *   EVLOG_MAX_FRAME bytes per frame, EVLOG_MAX_SCRIPT bytes per script, EVLOG_MAX_FIELDS.
 */
#ifndef FM_EMU_EVLOG_H
#define FM_EMU_EVLOG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define EVLOG_MAGIC      "FME1"
#define EVLOG_MAX_FIELDS 8
#define EVLOG_MAX_FRAME  (16u << 20)
#define EVLOG_MAX_SCRIPT (16u << 20)
#define EVLOG_MAX_NAME   1024u

enum { EVLOG_KIND_WSH = 0, EVLOG_KIND_BROWSER = 1, EVLOG_KIND_HTA = 2, EVLOG_NKINDS };
enum { EVLOG_EV_CALL = 'C', EVLOG_EV_LAYER = 'L', EVLOG_EV_END = 'E' };

typedef struct EVLOG_REQUEST {
    uint32_t ms;
    uint32_t memory_mib;
    uint32_t kind;
    const char *name;
    size_t name_len;
    const char *script;
    size_t script_len;
} EVLOG_REQUEST;

typedef struct EVLOG_EVENT {
    int kind;
    size_t nfield;
    const char *field[EVLOG_MAX_FIELDS];
    size_t len[EVLOG_MAX_FIELDS];
} EVLOG_EVENT;

void evlog_put_request(BUF *out, const EVLOG_REQUEST *r);
long evlog_get_request(const unsigned char *p, size_t n, EVLOG_REQUEST *r);
void evlog_put_event(BUF *out, int kind, const char *const *field, const size_t *len,
                     size_t nfield);
int evlog_frame_len(const unsigned char *p, size_t n, size_t *frame);
int evlog_get_event(const unsigned char *p, size_t n, EVLOG_EVENT *ev);

#endif
