/*
 * evlog - request and event-frame encoding shared by the milter and fileless-emu (see
 *         evlog.h). Every length read from the wire is checked against what is left.
 */
#include <string.h>

#include "emu/evlog.h"

#define REQ_HEAD 24 /* magic + five u32 */

/* put_u32 - little-endian */
static void put_u32(BUF *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    buf_cat(b, x, 4);
}

/* get_u32 - little-endian, p has 4 bytes */
static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* evlog_put_request - see evlog.h */
void evlog_put_request(BUF *out, const EVLOG_REQUEST *r)
{
    buf_cat(out, EVLOG_MAGIC, 4);
    put_u32(out, r->ms);
    put_u32(out, r->memory_mib);
    put_u32(out, r->kind);
    put_u32(out, (uint32_t)r->name_len);
    put_u32(out, (uint32_t)r->script_len);
    buf_cat(out, r->name, r->name_len);
    buf_cat(out, r->script, r->script_len);
}

/* evlog_get_request - see evlog.h */
long evlog_get_request(const unsigned char *p, size_t n, EVLOG_REQUEST *r)
{
    if (n < 4)
        return memcmp(p, EVLOG_MAGIC, n) == 0 ? 0 : -1;
    if (memcmp(p, EVLOG_MAGIC, 4) != 0)
        return -1;
    if (n < REQ_HEAD)
        return 0;
    uint32_t kind = get_u32(p + 12);
    uint32_t nl = get_u32(p + 16);
    uint32_t sl = get_u32(p + 20);
    if (kind >= EVLOG_NKINDS || nl > EVLOG_MAX_NAME || sl > EVLOG_MAX_SCRIPT)
        return -1;
    size_t total = REQ_HEAD + (size_t)nl + sl;
    if (n < total)
        return 0;
    r->ms = get_u32(p + 4);
    r->memory_mib = get_u32(p + 8);
    r->kind = kind;
    r->name = (const char *)p + REQ_HEAD;
    r->name_len = nl;
    r->script = (const char *)p + REQ_HEAD + nl;
    r->script_len = sl;
    return (long)total;
}

/* evlog_put_event - one frame: length, kind, field count, fields (see evlog.h) */
void evlog_put_event(BUF *out, int kind, const char *const *field, const size_t *len, size_t nfield)
{
    if (nfield > EVLOG_MAX_FIELDS)
        nfield = EVLOG_MAX_FIELDS;
    size_t body = 2;
    for (size_t i = 0; i < nfield; i++)
        body += 4 + len[i];
    put_u32(out, (uint32_t)body);
    unsigned char head[2] = {(unsigned char)kind, (unsigned char)nfield};
    buf_cat(out, head, 2);
    for (size_t i = 0; i < nfield; i++) {
        put_u32(out, (uint32_t)len[i]);
        buf_cat(out, field[i], len[i]);
    }
}

/* evlog_frame_len - the whole frame's length when its header is there (see evlog.h) */
int evlog_frame_len(const unsigned char *p, size_t n, size_t *frame)
{
    if (n < 4)
        return 0;
    uint32_t body = get_u32(p);
    if (body < 2 || body > EVLOG_MAX_FRAME)
        return -1;
    if (n < 4 + (size_t)body)
        return 0;
    *frame = 4 + (size_t)body;
    return 1;
}

/* evlog_get_event - decode one frame body (see evlog.h) */
int evlog_get_event(const unsigned char *p, size_t n, EVLOG_EVENT *ev)
{
    if (n < 2)
        return -1;
    int kind = p[0];
    if (kind != EVLOG_EV_CALL && kind != EVLOG_EV_LAYER && kind != EVLOG_EV_END)
        return -1;
    size_t nf = p[1];
    size_t off = 2;
    if (nf == 0 || nf > EVLOG_MAX_FIELDS)
        return -1;
    ev->kind = kind;
    ev->nfield = nf;
    for (size_t i = 0; i < nf; i++) {
        if (n - off < 4)
            return -1;
        uint32_t l = get_u32(p + off);
        off += 4;
        if (l > n - off)
            return -1;
        ev->field[i] = (const char *)p + off;
        ev->len[i] = l;
        off += l;
    }
    return off == n ? 0 : -1;
}
