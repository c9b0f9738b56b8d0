/*
 * scan/officecrypt_rc4 - RC4 (v1.1) and RC4 CryptoAPI in BIFF8 workbooks and Word 97 documents
 * (contract in scan/officecrypt.h; MS-OFFCRYPTO 2.3.5.2 and 2.3.6.2, MS-XLS 2.2.10, MS-DOC 2.2.6)
 *
 * The keystream restarts at every block of the stream (1024 bytes in .xls, 512 in .doc)
 * with a key derived from the block number, so a stream is decrypted by position; what
 * the format leaves plain (record headers and a few records in .xls, the FibBase and
 * the encryption header in .doc) is then copied back from the original. The decrypted
 * streams are the same size as the encrypted ones and go back into a copy of the
 * compound file over the same sectors (cfb_write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "scan/officecrypt_int.h"
#include "lib/xalloc.h"

#define XLS_BLOCK     1024
#define DOC_BLOCK     512
#define XLS_FILEPASS  0x002F
#define XLS_BOF       0x0809
#define XLS_BOUNDSH   0x0085
#define XLS_HEAD_RECS 32 /* records looked at for FILEPASS after BOF */
#define FIB_BASE      0x44
#define FIB_ENCRYPTED 0x0100
#define FIB_TABLE1    0x0200
#define FIB_OBFUSC    0x8000

/* oc_rc4_parse - the version and what follows: RC4 v1.1 or RC4 CryptoAPI (vN.2) */
bool oc_rc4_parse(OC *o, const unsigned char *p, size_t n, RC4HDR *h)
{
    if (n < 4)
        return false;
    uint16_t major = oc_le16(p);
    uint16_t minor = oc_le16(p + 2);
    if (major == 1 && minor == 1 && n >= 4 + 48) {
        h->capi = false;
        memcpy(h->salt, p + 4, 16);
        memcpy(h->verifier, p + 20, 16);
        memcpy(h->vhash, p + 36, 16);
        snprintf(o->r->scheme, sizeof(o->r->scheme), "RC4");
        return true;
    }
    OC_CAPI c;
    if (minor != 2 || major < 2 || major > 4 || !oc_parse_capi(p + 4, n - 4, &c) ||
        c.alg != 0x6801 || (c.alghash != 0x8004 && c.alghash != 0))
        return false;
    uint32_t bits = c.keybits ? c.keybits : 40;
    if (bits < 40 || bits > 128 || bits % 8)
        return false;
    h->capi = true;
    h->keybytes = bits / 8;
    memcpy(h->salt, c.salt, 16);
    memcpy(h->verifier, c.verifier, 16);
    memcpy(h->vhash, c.vhash, 20);
    snprintf(o->r->scheme, sizeof(o->r->scheme), "RC4 CryptoAPI %u-bit", (unsigned)bits);
    return true;
}

/* oc_rc4_block_key - the RC4 key of block b */
size_t oc_rc4_block_key(const RC4KEY *k, uint32_t b, unsigned char key[16])
{
    unsigned char le[4];
    unsigned char d[DIGEST_MAX_LEN];
    oc_put_le32(le, b);
    if (!k->capi) {
        digest_hash2(DIGEST_MD5, k->h, 5, le, 4, d);
        memcpy(key, d, 16);
        return 16;
    }
    digest_hash2(DIGEST_SHA1, k->h, 20, le, 4, d);
    memset(key, 0, 16);
    memcpy(key, d, k->kl);
    return k->kl == 5 ? 16 : k->kl; /* a 40-bit key is used as 16 bytes, zero-padded */
}

/* rc4_try - derive the key for one password and check the verifier */
static bool rc4_try(const RC4HDR *h, const char *pw, RC4KEY *k)
{
    unsigned char pw16[OC_PW16_MAX];
    unsigned char d[DIGEST_MAX_LEN];
    unsigned char key[16];
    unsigned char buf[36];
    size_t pl = oc_utf16(pw, pw16);
    k->capi = h->capi;
    if (!h->capi) {
        unsigned char rep[16 * 21];
        digest_hash2(DIGEST_MD5, pw16, pl, NULL, 0, d);
        for (int i = 0; i < 16; i++) {
            memcpy(rep + 21 * i, d, 5);
            memcpy(rep + 21 * i + 5, h->salt, 16);
        }
        digest_hash2(DIGEST_MD5, rep, sizeof(rep), NULL, 0, d);
        memcpy(k->h, d, 5);
    } else {
        digest_hash2(DIGEST_SHA1, h->salt, 16, pw16, pl, k->h);
        k->kl = h->keybytes;
    }
    size_t hl = h->capi ? 20 : 16;
    size_t kl = oc_rc4_block_key(k, 0, key);
    memcpy(buf, h->verifier, 16);
    memcpy(buf + 16, h->vhash, hl);
    if (cipher_rc4(key, kl, buf, 16 + hl, buf) != 0)
        return false;
    digest_hash2(h->capi ? DIGEST_SHA1 : DIGEST_MD5, buf, 16, NULL, 0, d);
    return memcmp(d, buf + 16, hl) == 0;
}

/* oc_rc4_find_key - the first candidate that passes the verifier; false (and r->why) if none */
bool oc_rc4_find_key(OC *o, const RC4HDR *h, RC4KEY *k)
{
    for (size_t i = 0; i < o->npw; i++) {
        if (o->pw[i] == NULL || !oc_spend(o, 1))
            continue;
        if (rc4_try(h, o->pw[i], k)) {
            o->r->used = (int)i;
            return true;
        }
    }
    o->r->why = o->r->budget ? "hash budget spent before every candidate was tried"
                             : "no candidate password matches";
    return false;
}

/* decrypt - a whole stream by position, block by block */
static bool decrypt(const RC4KEY *k, unsigned char *p, size_t n, size_t bs)
{
    unsigned char key[16];
    for (size_t off = 0; off < n; off += bs) {
        size_t kl = oc_rc4_block_key(k, (uint32_t)(off / bs), key);
        if (cipher_rc4(key, kl, p + off, n - off < bs ? n - off : bs, p + off) != 0)
            return false;
    }
    return true;
}

/* oc_image_with - a copy of the file with the given streams replaced; NULL on failure */
unsigned char *oc_image_with(OC *o, const int *entry, unsigned char *const *src, const size_t *len,
                             size_t k)
{
    unsigned char *img = try_malloc(o->n);
    if (img == NULL)
        return NULL;
    memcpy(img, o->data, o->n);
    for (size_t i = 0; i < k; i++)
        if (entry[i] >= 0 && cfb_write(o->cfb, entry[i], img, src[i], len[i]) != 0) {
            free(img);
            return NULL;
        }
    return img;
}

/* ---- BIFF8 ---- */

/* filepass - the offset of the FILEPASS record among the first records, or -1 */
static long filepass(const unsigned char *w, size_t n)
{
    if (n < 8 || oc_le16(w) != XLS_BOF)
        return -1;
    size_t off = 0;
    for (int i = 0; i < XLS_HEAD_RECS && off + 4 <= n; i++) {
        if (oc_le16(w + off) == XLS_FILEPASS)
            return (long)off;
        off += 4 + (size_t)oc_le16(w + off + 2);
    }
    return -1;
}

/* workbook - the Workbook stream's entry (Book is BIFF5, never RC4-encrypted here) */
static int workbook(const CFB *c)
{
    return cfb_find(c, "Workbook");
}

/* oc_xls_encrypted - a BIFF8 workbook with FILEPASS */
bool oc_xls_encrypted(const CFB *c, size_t max)
{
    size_t n = 0;
    unsigned char *w = cfb_read(c, workbook(c), max, &n);
    bool enc = w && filepass(w, n) >= 0;
    free(w);
    return enc;
}

/* plain_record - record types MS-XLS 2.2.10 leaves unencrypted */
static bool plain_record(uint16_t t)
{
    return t == XLS_BOF || t == XLS_FILEPASS || t == 0x0194 || t == 0x0195 || t == 0x00E1 ||
           t == 0x0196 || t == 0x0138;
}

/* restore_xls - copy back what was never encrypted, blank FILEPASS */
static void restore_xls(const unsigned char *w, unsigned char *d, size_t n)
{
    for (size_t off = 0; off + 4 <= n;) {
        uint16_t t = oc_le16(w + off);
        size_t len = oc_le16(w + off + 2);
        size_t end = off + 4 + len > n ? n : off + 4 + len;
        memcpy(d + off, w + off, 4);
        if (plain_record(t))
            memcpy(d + off + 4, w + off + 4, end - off - 4);
        else if (t == XLS_BOUNDSH)
            memcpy(d + off + 4, w + off + 4, end - off - 4 < 4 ? end - off - 4 : 4);
        if (t == XLS_FILEPASS) {
            d[off] = d[off + 1] = 0;
            memset(d + off + 4, 0, end - off - 4);
        }
        off = end;
    }
}

/* oc_open_xls - BIFF8 RC4 / RC4 CryptoAPI */
int oc_open_xls(OC *o)
{
    o->r->format = "xls";
    int e = workbook(o->cfb);
    size_t n = 0;
    unsigned char *w = cfb_read(o->cfb, e, o->lim->max_bytes, &n);
    unsigned char *d = NULL;
    long fp = w ? filepass(w, n) : -1;
    RC4HDR h;
    RC4KEY k;
    int ret = 0;
    size_t flen = fp >= 0 && (size_t)fp + 4 <= n ? oc_le16(w + fp + 2) : 0;
    if (fp < 0 || (size_t)fp + 4 + flen > n || flen < 2) {
        o->r->why = "broken FILEPASS record";
    } else if (oc_le16(w + fp + 4) == 0) {
        ret = oc_open_xls_xor(o, e, w, n, (size_t)fp);
    } else if (oc_le16(w + fp + 4) != 1 || !oc_rc4_parse(o, w + fp + 6, flen - 2, &h)) {
        o->r->why = "an unsupported FILEPASS encryption header";
    } else if (oc_rc4_find_key(o, &h, &k) && (d = try_malloc(n)) != NULL) {
        memcpy(d, w, n);
        if (decrypt(&k, d, n, XLS_BLOCK)) {
            restore_xls(w, d, n);
            o->r->out = oc_image_with(o, &e, &d, &n, 1);
            o->r->len = o->r->out ? o->n : 0;
            ret = o->r->out != NULL;
        }
        if (!ret)
            o->r->why = "decryption failed";
    }
    free(w);
    free(d);
    return ret;
}

/* ---- Word 97 ---- */

/* oc_doc_encrypted - WordDocument's FibBase has fEncrypted */
bool oc_doc_encrypted(const CFB *c, size_t max)
{
    size_t n = 0;
    unsigned char *w = cfb_read(c, cfb_find(c, "WordDocument"), max, &n);
    bool enc = w && n >= FIB_BASE && oc_le16(w) == 0xA5EC && (oc_le16(w + 0x0A) & FIB_ENCRYPTED);
    free(w);
    return enc;
}

/* open_doc_streams - decrypt WordDocument, the table stream and Data; 1 or 0 */
static int open_doc_streams(OC *o, const RC4KEY *k, int *e, unsigned char **s, size_t *len,
                            size_t lkey)
{
    unsigned char *orig[3] = {NULL, NULL, NULL};
    bool ok = true;
    for (int i = 0; i < 3 && ok; i++) {
        if (s[i] == NULL)
            continue;
        orig[i] = xmalloc(len[i] ? len[i] : 1);
        memcpy(orig[i], s[i], len[i]);
        ok = decrypt(k, s[i], len[i], DOC_BLOCK);
    }
    if (ok) {
        memcpy(s[0], orig[0], FIB_BASE); /* the FibBase is never encrypted */
        memcpy(s[1], orig[1], lkey);     /* nor the encryption header */
        uint16_t flags = (uint16_t)(oc_le16(s[0] + 0x0A) & ~FIB_ENCRYPTED);
        s[0][0x0A] = (unsigned char)flags;
        s[0][0x0B] = (unsigned char)(flags >> 8);
        oc_put_le32(s[0] + 0x0E, 0); /* lKey is 0 when not encrypted */
        o->r->out = oc_image_with(o, e, s, len, s[2] ? 3 : 2);
        o->r->len = o->r->out ? o->n : 0;
    }
    for (int i = 0; i < 3; i++)
        free(orig[i]);
    return o->r->out != NULL;
}

/* oc_open_doc - Word 97 RC4 / RC4 CryptoAPI */
int oc_open_doc(OC *o)
{
    o->r->format = "doc";
    size_t max = o->lim->max_bytes;
    size_t len[3] = {0, 0, 0};
    int e[3];
    e[0] = cfb_find(o->cfb, "WordDocument");
    unsigned char *s[3] = {cfb_read(o->cfb, e[0], max, &len[0]), NULL, NULL};
    uint16_t flags = s[0] && len[0] >= FIB_BASE ? oc_le16(s[0] + 0x0A) : 0;
    size_t lkey = s[0] && len[0] >= FIB_BASE ? oc_le32(s[0] + 0x0E) : 0;
    e[1] = cfb_find(o->cfb, flags & FIB_TABLE1 ? "1Table" : "0Table");
    e[2] = cfb_find(o->cfb, "Data");
    s[1] = cfb_read(o->cfb, e[1], max, &len[1]);
    s[2] = e[2] >= 0 ? cfb_read(o->cfb, e[2], max, &len[2]) : NULL;
    RC4HDR h;
    RC4KEY k;
    int ret = 0;
    if (s[0] == NULL || len[0] < FIB_BASE || s[1] == NULL || lkey > len[1] ||
        (e[2] >= 0 && s[2] == NULL)) {
        o->r->why = "broken or oversized WordDocument, table or Data stream";
    } else if (flags & FIB_OBFUSC) {
        snprintf(o->r->scheme, sizeof(o->r->scheme), "XOR obfuscation");
        o->r->why = "XOR obfuscation is not implemented";
    } else if (!oc_rc4_parse(o, s[1], lkey, &h)) {
        o->r->why = "an unsupported encryption header in the table stream";
    } else if (oc_rc4_find_key(o, &h, &k)) {
        ret = open_doc_streams(o, &k, e, s, len, lkey);
        if (!ret)
            o->r->why = "decryption failed";
    }
    for (int i = 0; i < 3; i++)
        free(s[i]);
    return ret;
}
