/*
 * scan/chm - CHM members through libmspack, from memory (contract in scan/chm.h)
 *
 * libmspack names files by a string handed to mspack_system.open; here that "name" is a
 * pointer to a SOURCE (the input) or a SINK (a member's output buffer), and every open
 * gets its own handle with its own position, as libmspack opens the input more than once.
 *
 * libmspack refuses a file whose ITSF header GUIDs are not the standard pair
 * (MSPACK_ERR_SIGNATURE). Free Pascal's chmcmd 3.2.2 writes the first GUID twice, and
 * libclamav 1.4 then unpacks nothing either; such a file is retried once with the
 * standard GUIDs put into a copy, so a help file from that compiler is still opened.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <mspack.h>

#include "scan/chm.h"
#include "lib/xalloc.h"

typedef struct SOURCE {
    const unsigned char *data;
    size_t n;
} SOURCE;

typedef struct SINK {
    unsigned char *data;
    size_t len, cap, limit; /* limit: bytes accepted; a write past it fails */
    bool cut;
} SINK;

typedef struct HANDLE {
    SOURCE *src; /* reading */
    SINK *sink;  /* writing */
    size_t pos;
} HANDLE;

/* the two GUIDs of the ITSF header, {7C01FD10-7BAA-11D0-9E0C-00A0C922E6EC} and ...FD11... */
static const unsigned char itsf_guids[32] = {
    0x10, 0xFD, 0x01, 0x7C, 0xAA, 0x7B, 0xD0, 0x11, 0x9E, 0x0C, 0x00, 0xA0, 0xC9, 0x22, 0xE6, 0xEC,
    0x11, 0xFD, 0x01, 0x7C, 0xAA, 0x7B, 0xD0, 0x11, 0x9E, 0x0C, 0x00, 0xA0, 0xC9, 0x22, 0xE6, 0xEC};

/* m_open - a handle over the SOURCE or SINK the "filename" points to */
static struct mspack_file *m_open(struct mspack_system *self, const char *filename, int mode)
{
    (void)self;
    HANDLE *h = xcalloc(1, sizeof(*h));
    if (mode == MSPACK_SYS_OPEN_READ)
        h->src = (SOURCE *)(uintptr_t)filename;
    else if (mode == MSPACK_SYS_OPEN_WRITE)
        h->sink = (SINK *)(uintptr_t)filename;
    else {
        free(h);
        return NULL;
    }
    return (struct mspack_file *)h;
}

static void m_close(struct mspack_file *file)
{
    free(file);
}

static int m_read(struct mspack_file *file, void *buffer, int bytes)
{
    HANDLE *h = (HANDLE *)file;
    if (h == NULL || h->src == NULL || bytes < 0)
        return -1;
    size_t left = h->src->n - h->pos;
    size_t k = (size_t)bytes < left ? (size_t)bytes : left;
    memcpy(buffer, h->src->data + h->pos, k);
    h->pos += k;
    return (int)k;
}

/* m_write - append to the sink up to its limit; past it the write fails (libmspack stops) */
static int m_write(struct mspack_file *file, void *buffer, int bytes)
{
    HANDLE *h = (HANDLE *)file;
    if (h == NULL || h->sink == NULL || bytes < 0)
        return -1;
    SINK *s = h->sink;
    size_t k = (size_t)bytes;
    if (k > s->limit - s->len) {
        k = s->limit - s->len;
        s->cut = true;
    }
    if (s->len + k > s->cap) {
        size_t c = s->cap ? s->cap : 4096;
        while (c < s->len + k)
            c *= 2;
        unsigned char *d = try_realloc(s->data, c);
        if (d == NULL)
            return -1;
        s->data = d;
        s->cap = c;
    }
    memcpy(s->data + s->len, buffer, k);
    s->len += k;
    return s->cut ? -1 : bytes;
}

static int m_seek(struct mspack_file *file, off_t offset, int mode)
{
    HANDLE *h = (HANDLE *)file;
    if (h == NULL || h->src == NULL)
        return -1;
    off_t base = mode == MSPACK_SYS_SEEK_START ? 0
                 : mode == MSPACK_SYS_SEEK_CUR ? (off_t)h->pos
                 : mode == MSPACK_SYS_SEEK_END ? (off_t)h->src->n
                                               : -1;
    if (base < 0 || offset < -base || offset > (off_t)h->src->n - base)
        return -1;
    h->pos = (size_t)(base + offset);
    return 0;
}

static off_t m_tell(struct mspack_file *file)
{
    HANDLE *h = (HANDLE *)file;
    return h ? (off_t)h->pos : -1;
}

static void m_msg(struct mspack_file *file, const char *format, ...)
{
    (void)file; /* libmspack's warnings are about the sender's file: dropped */
    (void)format;
}

static void *m_alloc(struct mspack_system *self, size_t bytes)
{
    (void)self;
    return malloc(bytes);
}

static void m_free(void *p)
{
    free(p);
}

static void m_copy(void *src, void *dest, size_t bytes)
{
    memmove(dest, src, bytes);
}

/* by_place - members in section order, then by offset */
static int by_place(const void *a, const void *b)
{
    const struct mschmd_file *x = *(struct mschmd_file *const *)a;
    const struct mschmd_file *y = *(struct mschmd_file *const *)b;
    if (x->section->id != y->section->id)
        return x->section->id < y->section->id ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* wanted - a regular member: not empty, not an internal #/$ file */
static bool wanted(const struct mschmd_file *f)
{
    const char *n = f->filename;
    if (n == NULL || f->length <= 0)
        return false;
    n += *n == '/';
    return *n && *n != '#' && *n != '$';
}

/* chm_extract - deliver the regular members of a CHM held in memory */
int chm_extract(const unsigned char *data, size_t n, const CHM_LIMITS *lim, chm_member_fn fn,
                void *ctx, size_t *left)
{
    struct mspack_system sys = {m_open, m_close, m_read, m_write, m_seek, m_tell,
                                m_msg,  m_alloc, m_free, m_copy,  NULL};
    SOURCE src = {data, n};
    if (left)
        *left = 0;
    if (data == NULL || lim == NULL)
        return -1;
    struct mschm_decompressor *d = mspack_create_chm_decompressor(&sys);
    if (d == NULL)
        return -1;
    struct mschmd_header *h = d->open(d, (const char *)&src);
    unsigned char *fixed = NULL;
    if (h == NULL && d->last_error(d) == MSPACK_ERR_SIGNATURE && n >= 0x38 &&
        memcmp(data, "ITSF", 4) == 0) { /* a header GUID written wrong (chmcmd does) */
        fixed = xmalloc(n);
        memcpy(fixed, data, n);
        memcpy(fixed + 0x18, itsf_guids, sizeof(itsf_guids));
        src.data = fixed;
        h = d->open(d, (const char *)&src);
    }
    if (h == NULL) {
        mspack_destroy_chm_decompressor(d);
        free(fixed);
        return -1;
    }
    size_t count = 0;
    size_t cap = 16;
    size_t delivered = 0;
    size_t budget = lim->max_total_bytes;
    struct mschmd_file **v = xmalloc(cap * sizeof(*v));
    for (struct mschmd_file *f = h->files; f; f = f->next)
        if (wanted(f)) {
            XGROW(v, count, cap);
            v[count++] = f;
        }
    qsort(v, count, sizeof(*v), by_place);
    for (size_t i = 0; i < count; i++) {
        /* reaching a compressed member means decompressing the section up to it: a member
         * placed past max_total_bytes would cost that much CPU for nothing delivered */
        bool far = v[i]->section->id == 1 && (uint64_t)v[i]->offset > lim->max_total_bytes;
        if (delivered >= lim->max_members || budget == 0 || far) {
            if (left)
                *left = count - i;
            break;
        }
        SINK s = {NULL, 0, 0, lim->max_member_bytes < budget ? lim->max_member_bytes : budget,
                  false};
        int r = d->extract(d, v[i], (const char *)&s);
        if (r == MSPACK_ERR_OK || s.len > 0) { /* a broken member: what came out, as cut */
            const char *name = v[i]->filename + (v[i]->filename[0] == '/');
            fn(ctx, name, s.data ? s.data : (const unsigned char *)"", s.len,
               s.cut || r != MSPACK_ERR_OK);
            delivered++;
            budget -= s.len;
        }
        free(s.data);
    }
    free(v);
    d->close(d, h);
    mspack_destroy_chm_decompressor(d);
    free(fixed);
    return (int)delivered;
}
