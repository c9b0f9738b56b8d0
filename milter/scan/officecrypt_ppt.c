/*
 * scan/officecrypt_ppt - RC4 CryptoAPI in PowerPoint 97-2003 files (contract in
 * scan/officecrypt.h; MS-PPT 2.3.7, MS-OFFCRYPTO 2.3.5.2)
 *
 * A presentation is a chain of user edits in the PowerPoint Document stream: the Current
 * User stream points at the newest UserEditAtom, each UserEditAtom at the one before and
 * at its PersistDirectoryAtom, which maps persist identifiers to stream offsets of
 * records (slides, the document, embedded objects and the VBA project storage). When the
 * file is encrypted, the newest UserEditAtom names the persist object that is the
 * CryptSession10Container (the RC4 CryptoAPI EncryptionHeader and verifier), and every
 * other persist object is encrypted with the key of "block" = its persist identifier, the
 * keystream starting at the object's first byte (its record header included). The
 * UserEditAtoms, the PersistDirectoryAtoms and the container stay plain.
 *
 * Decryption therefore walks every edit's directory (at most PPT_MAX_EDITS edits and
 * PPT_MAX_OBJECTS objects), decrypts each object in a copy of the stream from the
 * original bytes (so a hostile directory that lists overlapping objects cannot make one
 * decryption feed another) in offset order, skipping repeated offsets, overlaps and lengths
 * that leave the stream (at most the stream's size is decrypted, whatever the directory
 * lists: 65,536 entries at one big object once cost 65,536 passes over it), blanks the container,
 * clears encryptSessionPersistIdRef and turns the Current User headerToken into the plain one
 * (0xE391C05F). The streams keep their sizes and go back into a copy of the compound file
 * (cfb_write), which libclamav then opens like any presentation (its VBA included). The Pictures
 * stream is decrypted blip by blip (each field restarts block 0: checked on POI's
 * ppt_with_png_encrypted.ppt, whose PNG reads again). Not decrypted: EncryptedSummary (document
 * properties).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "scan/officecrypt_int.h"
#include "lib/xalloc.h"

#define PPT_CU_MAX       65536 /* bytes of Current User read */
#define PPT_MAX_EDITS    4096
#define PPT_MAX_OBJECTS  65536
#define RT_USEREDIT      0x0FF5
#define RT_PERSISTDIR    0x1772
#define RT_CRYPTSESSION  0x2F14
#define TOKEN_ENCRYPTED  0xF3D1C4DFu
#define TOKEN_PLAIN      0xE391C05Fu
#define USEREDIT_MIN     0x1C
#define USEREDIT_CRYPTED 0x20

typedef struct OBJS {
    OC_PERSIST *v;
    size_t n, cap;
} OBJS;

/* rec_type, rec_len - a record header at off (8 bytes: ver/instance, type, length) */
static uint16_t rec_type(const unsigned char *d, size_t off)
{
    return oc_le16(d + off + 2);
}

static uint32_t rec_len(const unsigned char *d, size_t off)
{
    return oc_le32(d + off + 4);
}

/* directory - the entries of the PersistDirectoryAtom at off; false when broken */
static bool directory(const unsigned char *d, size_t n, size_t off, OBJS *o)
{
    if (off > n || n - off < 8 || rec_type(d, off) != RT_PERSISTDIR ||
        rec_len(d, off) > n - off - 8)
        return false;
    size_t p = off + 8;
    size_t end = p + rec_len(d, off);
    while (end - p >= 4) {
        uint32_t x = oc_le32(d + p);
        uint32_t id = x & 0xFFFFF;
        uint32_t c = x >> 20;
        p += 4;
        for (uint32_t i = 0; i < c && end - p >= 4; i++, p += 4) {
            if (o->n >= PPT_MAX_OBJECTS)
                return true;
            XGROW(o->v, o->n, o->cap);
            o->v[o->n] = (OC_PERSIST){id + i, oc_le32(d + p), (uint32_t)o->n};
            o->n++;
        }
    }
    return true;
}

/* edits - every edit's directory, newest first; the newest edit's encryption reference */
static bool edits(const unsigned char *d, size_t n, uint32_t first, OBJS *o, uint32_t *session,
                  size_t *newest)
{
    uint32_t off = first;
    for (int k = 0; k < PPT_MAX_EDITS; k++) {
        if (off > n || n - off < 8 + USEREDIT_MIN || rec_type(d, off) != RT_USEREDIT ||
            rec_len(d, off) < USEREDIT_MIN || rec_len(d, off) > n - off - 8)
            return k > 0;
        if (k == 0) {
            if (rec_len(d, off) < USEREDIT_CRYPTED)
                return false;
            *session = oc_le32(d + off + 36);
            *newest = off;
        }
        if (!directory(d, n, oc_le32(d + off + 20), o))
            return false;
        uint32_t last = oc_le32(d + off + 16);
        if (last == 0 || last == off)
            return true;
        off = last;
    }
    return true;
}

/* object_at - the offset of persist object id (the newest edit's wins), or -1 */
static long object_at(const OBJS *o, uint32_t id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].id == id)
            return (long)o->v[i].off;
    return -1;
}

/* decrypt_object - the object at off with block id, from the original w into d; its length
 * in *len (0: skipped, a broken entry) */
static bool decrypt_object(const RC4KEY *k, const unsigned char *w, unsigned char *d, size_t n,
                           const OC_PERSIST *p, size_t *len)
{
    unsigned char key[16];
    unsigned char head[8];
    size_t off = p->off;
    *len = 0;
    if (off >= n || n - off < 8)
        return true; /* nothing there to decrypt (a broken entry is skipped) */
    uint16_t t = rec_type(w, off);
    if (t == RT_USEREDIT || t == RT_PERSISTDIR || t == RT_CRYPTSESSION)
        return true; /* never encrypted */
    size_t kl = oc_rc4_block_key(k, p->id, key);
    if (cipher_rc4(key, kl, w + off, 8, head) != 0)
        return false;
    size_t l = 8 + (size_t)rec_len(head, 0);
    if (l > n - off)
        return true; /* a length that leaves the stream: skipped, not stretched */
    *len = l;
    memcpy(d + off, w + off, l);
    return cipher_rc4(key, kl, d + off, l, d + off) == 0;
}

/* by_offset - qsort order: offset, then listing order (the newest edit's entry first) */
static int by_offset(const void *a, const void *b)
{
    const OC_PERSIST *x = a;
    const OC_PERSIST *y = b;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

bool oc_ppt_objects(const RC4KEY *k, const unsigned char *w, unsigned char *d, size_t n,
                    OC_PERSIST *v, size_t nv, size_t skip_off, size_t *done)
{
    *done = 0;
    if (nv > 1)
        qsort(v, nv, sizeof(v[0]), by_offset);
    size_t end = 0; /* the end of the last object decrypted */
    for (size_t i = 0; i < nv; i++) {
        if ((i > 0 && v[i].off == v[i - 1].off) || v[i].off == skip_off || v[i].off < end)
            continue;
        size_t len = 0;
        if (!decrypt_object(k, w, d, n, &v[i], &len))
            return false;
        if (len) {
            end = (size_t)v[i].off + len;
            *done += len;
        }
    }
    return true;
}

/* decrypt_all - every persist object, the container blanked, the reference cleared */
static bool decrypt_all(const RC4KEY *k, const unsigned char *w, unsigned char *d, size_t n,
                        OBJS *o, size_t session_off, size_t newest)
{
    size_t done = 0;
    if (!oc_ppt_objects(k, w, d, n, o->v, o->n, session_off, &done))
        return false;
    memset(d + session_off, 0, 8 + (size_t)rec_len(w, session_off));
    oc_put_le32(d + newest + 36, 0);
    return true;
}

/* field - decrypt len bytes at p with a fresh block-0 keystream */
static bool field(const unsigned char *key, size_t kl, unsigned char *p, size_t len)
{
    return len == 0 || cipher_rc4(key, kl, p, len, p) == 0;
}

/* pictures - the Pictures stream in place: blip records whose header and each field (the
 * one or two UIDs, the tag byte or the 34-byte metafile header, the image data) restart
 * the keystream of block 0; decryption stops at a record that is not a blip */
static bool pictures(const RC4KEY *k, unsigned char *p, size_t n)
{
    unsigned char key[16];
    size_t kl = oc_rc4_block_key(k, 0, key);
    size_t off = 0;
    for (size_t i = 0; i < PPT_MAX_OBJECTS && n - off >= 8; i++) {
        if (!field(key, kl, p + off, 8))
            return false;
        uint16_t t = rec_type(p, off);
        uint16_t inst = (uint16_t)(oc_le16(p + off) >> 4);
        bool meta = t >= 0xF01A && t <= 0xF01C;
        if (!meta && !(t >= 0xF01D && t <= 0xF01F) && t != 0xF029 && t != 0xF02A)
            return true;
        size_t q = off + 8;
        size_t end = rec_len(p, off) > n - q ? n : q + rec_len(p, off);
        size_t parts[4] = {16, (inst & 1) ? 16 : 0, meta ? 34 : 1, 0};
        for (int f = 0; f < 4; f++) {
            size_t left = end - q;
            size_t len = f == 3 || parts[f] > left ? left : parts[f];
            if (!field(key, kl, p + q, len))
                return false;
            q += len;
        }
        off = end;
    }
    return true;
}

/* ppt_key - the encryption header in the container at off, and a candidate that fits */
static bool ppt_key(OC *o, const unsigned char *w, size_t n, long off, RC4HDR *h, RC4KEY *k)
{
    if (off < 0 || (size_t)off > n || n - (size_t)off < 8 ||
        rec_type(w, (size_t)off) != RT_CRYPTSESSION ||
        rec_len(w, (size_t)off) > n - (size_t)off - 8) {
        o->r->why = "no CryptSession10Container where the user edit says";
        return false;
    }
    if (!oc_rc4_parse(o, w + off + 8, rec_len(w, (size_t)off), h) || !h->capi) {
        o->r->why = "an unsupported PowerPoint encryption header";
        return false;
    }
    return oc_rc4_find_key(o, h, k);
}

/* oc_open_ppt - PowerPoint RC4 CryptoAPI */
int oc_open_ppt(OC *o)
{
    o->r->format = "ppt";
    snprintf(o->r->scheme, sizeof(o->r->scheme), "PowerPoint encryption");
    int e[3] = {cfb_find(o->cfb, "Current User"), cfb_find(o->cfb, "PowerPoint Document"),
                cfb_find(o->cfb, "Pictures")};
    size_t len[3] = {0, 0, 0};
    unsigned char *s[3] = {cfb_read(o->cfb, e[0], PPT_CU_MAX, &len[0]),
                           cfb_read(o->cfb, e[1], o->lim->max_bytes, &len[1]),
                           e[2] >= 0 ? cfb_read(o->cfb, e[2], o->lim->max_bytes, &len[2]) : NULL};
    unsigned char *d[3] = {NULL, NULL, NULL};
    OBJS objs = {NULL, 0, 0};
    uint32_t session = 0;
    size_t newest = 0;
    RC4HDR h;
    RC4KEY k;
    int ret = 0;
    if (s[0] == NULL || len[0] < 20 || oc_le32(s[0] + 12) != TOKEN_ENCRYPTED || s[1] == NULL) {
        o->r->why = "broken or oversized Current User or PowerPoint Document stream";
    } else if (!edits(s[1], len[1], oc_le32(s[0] + 16), &objs, &session, &newest)) {
        o->r->why = "broken user edit chain or persist directory";
    } else if (ppt_key(o, s[1], len[1], object_at(&objs, session), &h, &k)) {
        d[0] = xmalloc(len[0]);
        d[1] = try_malloc(len[1] ? len[1] : 1);
        memcpy(d[0], s[0], len[0]);
        oc_put_le32(d[0] + 12, TOKEN_PLAIN);
        if (d[1]) {
            memcpy(d[1], s[1], len[1]);
            d[2] = s[2]; /* decrypted in place: the encrypted copy is not needed */
            s[2] = NULL;
            if (decrypt_all(&k, s[1], d[1], len[1], &objs, (size_t)object_at(&objs, session),
                            newest) &&
                (d[2] == NULL || pictures(&k, d[2], len[2])))
                o->r->out = oc_image_with(o, e, d, len, d[2] ? 3 : 2);
        }
        o->r->len = o->r->out ? o->n : 0;
        ret = o->r->out != NULL;
        if (!ret)
            o->r->why = "decryption failed";
    }
    for (int i = 0; i < 3; i++) {
        free(s[i]);
        free(d[i]);
    }
    free(objs.v);
    return ret;
}
