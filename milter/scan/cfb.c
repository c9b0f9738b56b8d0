/*
 * scan/cfb - a small, bounded reader of OLE2 compound files (contract in scan/cfb.h)
 *
 * A stream is turned into a list of extents (file offset, length), one per sector or
 * mini sector, each checked to lie inside the file; reading gathers them and writing
 * scatters over them, so both see exactly the same bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/cfb.h"
#include "lib/xalloc.h"

#define ENDOFCHAIN 0xFFFFFFFEu
#define NOSTREAM   0xFFFFFFFFu
#define DIR_SIZE   128

typedef struct ENTRY {
    char name[32];      /* ASCII folding of the UTF-16 name ('?' for other characters) */
    uint16_t wname[32]; /* the UTF-16 name as stored, wlen code units (no NUL) */
    size_t wlen;
    unsigned char clsid[16];
    uint8_t type; /* 1 storage, 2 stream, 5 root */
    uint32_t left, right, child, start;
    uint64_t size;
} ENTRY;

struct CFB {
    const unsigned char *data;
    size_t n;
    uint32_t ss, mss, cutoff; /* sector and mini sector sizes, mini stream cutoff */
    uint32_t *fat, *minifat;
    size_t nfat, nminifat;
    ENTRY *dir;
    size_t ndir;
    uint32_t *mini; /* the mini stream's sectors */
    size_t nmini;
};

typedef struct EXTENT {
    size_t off, len;
} EXTENT;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* sector_ok - sector s lies wholly inside the file */
static bool sector_ok(const CFB *c, uint32_t s)
{
    return (uint64_t)(s + 1ull) * c->ss + c->ss <= c->n;
}

/* sector_at - the file offset of sector s */
static size_t sector_at(const CFB *c, uint32_t s)
{
    return (size_t)(s + 1ull) * c->ss;
}

/*
 * chain - the first sectors (at most max) of the chain from start in table t (nt
 * entries); NULL when it leaves the table first. *len is how many were taken.
 */
static uint32_t *chain(const uint32_t *t, size_t nt, uint32_t start, size_t max, size_t *len)
{
    size_t cap = 16;
    size_t k = 0;
    uint32_t *v = xmalloc(cap * sizeof(*v));
    for (uint32_t s = start; s != ENDOFCHAIN && k < max; s = t[s]) {
        if (s >= nt) {
            free(v);
            return NULL;
        }
        XGROW(v, k, cap);
        v[k++] = s;
    }
    *len = k;
    return v;
}

/* load_fat - the FAT from the header DIFAT and the DIFAT chain */
static bool load_fat(CFB *c)
{
    const unsigned char *h = c->data;
    size_t nsect = c->n / c->ss;
    size_t per = c->ss / 4;
    size_t want = le32(h + 0x2C);
    if (want == 0 || want > CFB_MAX_FAT_SECTORS || want > nsect)
        return false;
    uint32_t *ids = xmalloc(want * sizeof(*ids));
    size_t k = 0;
    for (size_t i = 0; i < 109 && k < want; i++)
        ids[k++] = le32(h + 0x4C + 4 * i);
    uint32_t d = le32(h + 0x44);
    for (size_t hops = 0; k < want && d != ENDOFCHAIN && hops <= nsect; hops++) {
        if (!sector_ok(c, d))
            break;
        const unsigned char *p = c->data + sector_at(c, d);
        for (size_t i = 0; i + 1 < per && k < want; i++)
            ids[k++] = le32(p + 4 * i);
        d = le32(p + 4 * (per - 1));
    }
    bool ok = k == want;
    if (ok) {
        c->nfat = want * per;
        c->fat = xmalloc(c->nfat * sizeof(uint32_t));
        for (size_t i = 0; i < want && ok; i++) {
            ok = sector_ok(c, ids[i]);
            for (size_t j = 0; ok && j < per; j++)
                c->fat[i * per + j] = le32(c->data + sector_at(c, ids[i]) + 4 * j);
        }
    }
    free(ids);
    return ok;
}

/* load_dir - the directory entries along the directory chain */
static bool load_dir(CFB *c)
{
    size_t len;
    size_t nsect = c->n / c->ss;
    uint32_t *v = chain(c->fat, c->nfat, le32(c->data + 0x30), nsect, &len);
    if (v == NULL || len == 0) {
        free(v);
        return false;
    }
    size_t per = c->ss / DIR_SIZE;
    size_t max = len * per;
    if (max > CFB_MAX_DIR_ENTRIES)
        max = CFB_MAX_DIR_ENTRIES;
    c->dir = xcalloc(max, sizeof(ENTRY));
    bool ok = true;
    for (size_t i = 0; i < max && ok; i++) {
        ok = sector_ok(c, v[i / per]);
        if (!ok)
            break;
        const unsigned char *e = c->data + sector_at(c, v[i / per]) + (i % per) * DIR_SIZE;
        ENTRY *d = &c->dir[c->ndir++];
        size_t nl = le16(e + 0x40) / 2;
        for (size_t j = 0; j + 1 < nl && j < 31; j++) {
            uint16_t ch = le16(e + 2 * j);
            d->name[j] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
            d->wname[d->wlen++] = ch;
        }
        memcpy(d->clsid, e + 0x50, 16);
        d->type = e[0x42];
        d->left = le32(e + 0x44);
        d->right = le32(e + 0x48);
        d->child = le32(e + 0x4C);
        d->start = le32(e + 0x74);
        d->size = (uint64_t)le32(e + 0x78) | (c->ss == 512 ? 0 : (uint64_t)le32(e + 0x7C) << 32);
    }
    free(v);
    return ok && c->ndir > 0 && c->dir[0].type == 5;
}

/* load_mini - the MiniFAT and the mini stream's chain (both may be empty) */
static void load_mini(CFB *c)
{
    size_t len;
    size_t nsect = c->n / c->ss;
    uint32_t first = le32(c->data + 0x3C);
    uint32_t *v = first == ENDOFCHAIN ? NULL : chain(c->fat, c->nfat, first, nsect, &len);
    if (v) {
        size_t per = c->ss / 4;
        c->minifat = xmalloc(len * per * sizeof(uint32_t));
        for (size_t i = 0; i < len && sector_ok(c, v[i]); i++, c->nminifat += per)
            for (size_t j = 0; j < per; j++)
                c->minifat[i * per + j] = le32(c->data + sector_at(c, v[i]) + 4 * j);
        free(v);
    }
    if (c->dir[0].start != ENDOFCHAIN && c->dir[0].size > 0)
        c->mini = chain(c->fat, c->nfat, c->dir[0].start, nsect, &c->nmini);
}

/* cfb_open - parse the tables of a compound file held in memory */
CFB *cfb_open(const unsigned char *data, size_t n)
{
    static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    if (data == NULL || n < 512 || memcmp(data, magic, 8) != 0)
        return NULL;
    uint16_t shift = le16(data + 0x1E);
    uint16_t mshift = le16(data + 0x20);
    if ((shift != 9 && shift != 12) || mshift != 6)
        return NULL;
    CFB *c = xcalloc(1, sizeof(*c));
    c->data = data;
    c->n = n;
    c->ss = 1u << shift;
    c->mss = 64;
    c->cutoff = le32(data + 0x38);
    if (c->cutoff != 4096 || n < 2 * (size_t)c->ss || !load_fat(c) || !load_dir(c))
        return cfb_free(c);
    load_mini(c);
    return c;
}

/* cfb_free - release; accepts NULL, returns NULL */
CFB *cfb_free(CFB *c)
{
    if (c) {
        free(c->fat);
        free(c->minifat);
        free(c->dir);
        free(c->mini);
        free(c);
    }
    return NULL;
}

/* cfb_find - a stream among the root's children, by name (walks the sibling tree) */
int cfb_find(const CFB *c, const char *name)
{
    return cfb_find_in(c, 0, name);
}

/* cfb_find_in - a stream among a storage's children, by name (walks the sibling tree) */
int cfb_find_in(const CFB *c, size_t storage, const char *name)
{
    if (c == NULL || name == NULL || storage >= c->ndir ||
        (c->dir[storage].type != 1 && c->dir[storage].type != 5))
        return -1;
    uint32_t *stack = xmalloc(c->ndir * sizeof(uint32_t));
    size_t sp = 0;
    size_t steps = 0;
    int found = -1;
    if (c->dir[storage].child < c->ndir)
        stack[sp++] = c->dir[storage].child;
    while (sp > 0 && found < 0 && steps++ < c->ndir) {
        const ENTRY *e = &c->dir[stack[--sp]];
        if (e->type == 2 && strcasecmp(e->name, name) == 0)
            found = (int)(e - c->dir);
        if (e->left < c->ndir && sp < c->ndir)
            stack[sp++] = e->left;
        if (e->right < c->ndir && sp < c->ndir)
            stack[sp++] = e->right;
    }
    free(stack);
    return found;
}

/* extents - where the stream's first len bytes lie in the file; NULL if broken */
static EXTENT *extents(const CFB *c, int entry, size_t len, size_t *count)
{
    if (c == NULL || entry < 0 || (size_t)entry >= c->ndir || c->dir[entry].type != 2 ||
        len > c->dir[entry].size)
        return NULL;
    const ENTRY *e = &c->dir[entry];
    bool mini = e->size < c->cutoff;
    size_t unit = mini ? c->mss : c->ss;
    size_t need = (len + unit - 1) / unit;
    size_t k;
    uint32_t *v = mini ? (c->minifat ? chain(c->minifat, c->nminifat, e->start, need, &k) : NULL)
                       : chain(c->fat, c->nfat, e->start, need, &k);
    if (len == 0) { /* an empty stream has no sectors (start may be ENDOFCHAIN) */
        free(v);
        *count = 0;
        return xmalloc(1);
    }
    if (v == NULL)
        return NULL;
    EXTENT *x = xmalloc((k ? k : 1) * sizeof(*x));
    bool ok = k >= need;
    for (size_t i = 0; i < need && ok; i++) {
        size_t take = i + 1 < need ? unit : len - i * unit;
        if (mini) { /* mini sector -> its place in the mini stream -> the file */
            uint64_t at = (uint64_t)v[i] * c->mss;
            size_t big = (size_t)(at / c->ss);
            ok = c->mini && big < c->nmini && sector_ok(c, c->mini[big]);
            if (ok)
                x[i] = (EXTENT){sector_at(c, c->mini[big]) + (size_t)(at % c->ss), take};
        } else {
            ok = sector_ok(c, v[i]);
            if (ok)
                x[i] = (EXTENT){sector_at(c, v[i]), take};
        }
    }
    free(v);
    if (!ok) {
        free(x);
        return NULL;
    }
    *count = need;
    return x;
}

/* cfb_read - a copy of a stream's bytes, at most max */
unsigned char *cfb_read(const CFB *c, int entry, size_t max, size_t *len)
{
    if (c == NULL || entry < 0 || (size_t)entry >= c->ndir || c->dir[entry].size > max)
        return NULL;
    size_t n = (size_t)c->dir[entry].size;
    size_t k;
    EXTENT *x = extents(c, entry, n, &k);
    if (x == NULL)
        return NULL;
    unsigned char *out = xmalloc(n ? n : 1);
    for (size_t i = 0, at = 0; i < k; at += x[i].len, i++)
        memcpy(out + at, c->data + x[i].off, x[i].len);
    free(x);
    *len = n;
    return out;
}

/* cfb_write - put len bytes back over the same stream in a copy of the file */
int cfb_write(const CFB *c, int entry, unsigned char *image, const unsigned char *src, size_t len)
{
    size_t k;
    EXTENT *x = extents(c, entry, len, &k);
    if (x == NULL)
        return -1;
    for (size_t i = 0, at = 0; i < k; at += x[i].len, i++)
        memcpy(image + x[i].off, src + at, x[i].len);
    free(x);
    return 0;
}

/* cfb_count - how many directory entries were read */
size_t cfb_count(const CFB *c)
{
    return c ? c->ndir : 0;
}

/* cfb_stream_name - the UTF-16 name of stream entry i; its length, or -1 if no stream */
int cfb_stream_name(const CFB *c, size_t i, uint16_t name[32])
{
    if (c == NULL || i >= c->ndir || c->dir[i].type != 2)
        return -1;
    memcpy(name, c->dir[i].wname, c->dir[i].wlen * sizeof(uint16_t));
    return (int)c->dir[i].wlen;
}

/* cfb_storage - entry i is a storage or the root */
bool cfb_storage(const CFB *c, size_t i)
{
    return c && i < c->ndir && (c->dir[i].type == 1 || c->dir[i].type == 5);
}

/* cfb_clsid - the CLSID of entry i (0 the root storage); false when out of range */
bool cfb_clsid(const CFB *c, size_t i, unsigned char clsid[16])
{
    if (c == NULL || i >= c->ndir)
        return false;
    memcpy(clsid, c->dir[i].clsid, 16);
    return true;
}
