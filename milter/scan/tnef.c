/*
 * tnef - the attachments of a TNEF stream with their names (contract in tnef.h)
 *
 * Attributes used: attAttachRendData (0x00069002) opens an attachment, attAttachTitle
 * (0x00018010) is its (often 8.3) title, attAttachData (0x0006800f) its bytes,
 * attAttachment (0x00069005) its MAPI properties, where PR_ATTACH_LONG_FILENAME
 * (0x3707, PT_STRING8 0x001E or PT_UNICODE 0x001F) is the name Outlook shows. MAPI
 * values are encoded as in MS-OXTNEF 2.1.3.4: fixed sizes padded to 4, variable ones as
 * a count, then u32 length + bytes padded to 4 each; named properties (id >= 0x8000)
 * carry a GUID and a kind-dependent name first. Everything is bounds-checked against
 * the stream; a property block that does not parse just leaves the title as the name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "scan/tnef.h"

#define TNEF_SIG       0x223E9F78u
#define ATT_RENDDATA   0x00069002u
#define ATT_TITLE      0x00018010u
#define ATT_DATA       0x0006800Fu
#define ATT_ATTACHMENT 0x00069005u
#define PR_LONGNAME    0x3707u
#define NAME_MAX_BYTES 1024

typedef struct RD {
    const unsigned char *p, *end;
} RD;

static bool u16(RD *r, uint32_t *v)
{
    if (r->end - r->p < 2)
        return false;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8;
    r->p += 2;
    return true;
}

static bool u32(RD *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return false;
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    return true;
}

static bool skip(RD *r, size_t k)
{
    if ((size_t)(r->end - r->p) < k)
        return false;
    r->p += k;
    return true;
}

/* fixed_size - bytes of one fixed-size MAPI value (padded), 0 for variable types */
static size_t fixed_size(uint32_t type)
{
    switch (type) {
    case 0x0002:
    case 0x0003:
    case 0x0004:
    case 0x000A:
    case 0x000B:
        return 4;
    case 0x0005:
    case 0x0006:
    case 0x0007:
    case 0x0014:
    case 0x0040:
        return 8;
    case 0x0048:
        return 16;
    default:
        return 0;
    }
}

/* utf8_put - one code point as UTF-8 */
static void utf8_put(BUF *b, uint32_t c)
{
    if (c < 0x80) {
        buf_putc(b, (char)c);
    } else if (c < 0x800) {
        buf_putc(b, (char)(0xC0 | c >> 6));
        buf_putc(b, (char)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        buf_putc(b, (char)(0xE0 | c >> 12));
        buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (c & 0x3F)));
    } else {
        buf_putc(b, (char)(0xF0 | c >> 18));
        buf_putc(b, (char)(0x80 | ((c >> 12) & 0x3F)));
        buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (c & 0x3F)));
    }
}

/* utf16_to_utf8 - a UTF-16LE name (BMP and surrogate pairs) into b */
static void utf16_to_utf8(BUF *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t c = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
        if (c == 0)
            break;
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < n) {
            uint32_t d = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8;
            if (d >= 0xDC00 && d < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
                i += 2;
            }
        }
        utf8_put(b, c);
    }
}

/* long_name - PR_ATTACH_LONG_FILENAME from an attAttachment block, or NULL (caller frees) */
static char *long_name(const unsigned char *p, size_t n)
{
    RD r = {p, p + n};
    uint32_t count;
    uint32_t type;
    uint32_t id;
    uint32_t kind;
    uint32_t k;
    uint32_t len;
    if (!u32(&r, &count))
        return NULL;
    for (uint32_t i = 0; i < count && i < 4096; i++) {
        if (!u16(&r, &type) || !u16(&r, &id))
            return NULL;
        if (id >= 0x8000) { /* named property: GUID, kind, then an id or a name */
            if (!skip(&r, 16) || !u32(&r, &kind))
                return NULL;
            if (kind == 0 ? !skip(&r, 4) : !u32(&r, &k) || !skip(&r, (k + 3u) & ~3u))
                return NULL;
        }
        bool multi = (type & 0x1000) != 0;
        uint32_t base = type & 0x0FFF;
        uint32_t values = 1;
        size_t fs = fixed_size(base);
        if (multi && !u32(&r, &values))
            return NULL;
        if (fs) {
            if (values > n || !skip(&r, fs * values))
                return NULL;
            continue;
        }
        if (base != 0x001E && base != 0x001F && base != 0x0102 && base != 0x000D)
            return NULL; /* unknown type: cannot tell its size */
        if (!multi && !u32(&r, &values))
            return NULL;
        for (uint32_t v = 0; v < values && v < 4096; v++) {
            if (!u32(&r, &len) || (size_t)(r.end - r.p) < len)
                return NULL;
            if (id == PR_LONGNAME && (base == 0x001E || base == 0x001F) && v == 0) {
                size_t cut = len < NAME_MAX_BYTES ? len : NAME_MAX_BYTES;
                BUF *b = buf_new(cut + 1); /* what is kept, not the whole property */
                if (base == 0x001F)
                    utf16_to_utf8(b, r.p, cut);
                else
                    buf_cat(b, r.p, strnlen((const char *)r.p, cut));
                char *s = buf_steal(b, NULL);
                buf_free(b);
                return s;
            }
            if (!skip(&r, (len + 3u) & ~3u))
                return NULL;
        }
    }
    return NULL;
}

/* tnef_is - the TNEF signature */
bool tnef_is(const unsigned char *p, size_t n)
{
    return n >= 6 && p[0] == 0x78 && p[1] == 0x9F && p[2] == 0x3E && p[3] == 0x22;
}

typedef struct ATT {
    char *title, *longname;
    const unsigned char *data;
    size_t n;
    bool open;
} ATT;

/* flush - hand the open attachment to fn and reset it */
static void flush(ATT *a, tnef_fn fn, void *ctx, int *count)
{
    if (a->open) {
        const char *name = a->longname && *a->longname ? a->longname : a->title ? a->title : "";
        fn(ctx, name, a->data ? a->data : (const unsigned char *)"", a->n);
        (*count)++;
    }
    free(a->title);
    free(a->longname);
    *a = (ATT){0};
}

/* tnef_walk - every attachment to fn (see tnef.h) */
int tnef_walk(const unsigned char *p, size_t n, size_t max_attach, tnef_fn fn, void *ctx,
              bool *damaged)
{
    if (damaged)
        *damaged = false;
    if (!tnef_is(p, n))
        return -1;
    RD r = {p + 6, p + n};
    ATT a = {0};
    int count = 0;
    while (r.end - r.p >= 9 && (size_t)count < max_attach) { /* a shorter tail is padding */
        uint32_t id;
        uint32_t len;
        uint32_t ck;
        if (!skip(&r, 1) || !u32(&r, &id) || !u32(&r, &len) || (size_t)(r.end - r.p) < len) {
            if (damaged)
                *damaged = true;
            break;
        }
        const unsigned char *d = r.p;
        r.p += len;
        if (!u16(&r, &ck) && r.p != r.end && damaged)
            *damaged = true;
        if (id == ATT_RENDDATA) {
            flush(&a, fn, ctx, &count);
            a.open = true;
        } else if (a.open && id == ATT_TITLE && a.title == NULL) {
            size_t k = strnlen((const char *)d, len < NAME_MAX_BYTES ? len : NAME_MAX_BYTES);
            a.title = xstrndup((const char *)d, k);
        } else if (a.open && id == ATT_DATA && a.data == NULL) {
            a.data = d;
            a.n = len;
        } else if (a.open && id == ATT_ATTACHMENT && a.longname == NULL) {
            a.longname = long_name(d, len);
        }
    }
    if ((size_t)count >= max_attach) {
        a.open = false; /* past the limit: dropped, and said so */
        if (damaged && r.p < r.end)
            *damaged = true;
    }
    flush(&a, fn, ctx, &count);
    return count;
}
