/*
 * scan/officecrypt - open password-encrypted Office files (contract in scan/officecrypt.h)
 *
 * This file: which scheme a file uses, the candidate loop's shared pieces (UTF-16
 * passwords, the hash budget, the CryptoAPI header), and ECMA-376 Standard and Agile
 * encryption of OOXML packages (MS-OFFCRYPTO 2.3.4.7 - 2.3.4.15). RC4 in BIFF8 and
 * Word 97 files is officecrypt_rc4.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "scan/officecrypt_int.h"
#include "lib/xalloc.h"

#define STANDARD_SPINS 50000u
#define AGILE_MAX_SPIN 10000000u /* MS-OFFCRYPTO 2.3.4.10: spinCount <= 10,000,000 */
#define AGILE_SEGMENT  4096
#define XML_VALUE_MAX  1024 /* longest base64 attribute value read */
#define INFO_MAX       (1u << 20)

/* oc_utf16 - the password as UTF-16LE (a byte that is not UTF-8 counts as Latin-1) */
size_t oc_utf16(const char *pw, unsigned char out[OC_PW16_MAX])
{
    const unsigned char *s = (const unsigned char *)pw;
    size_t k = 0;
    while (*s && k + 4 <= OC_PW16_MAX) {
        uint32_t c = *s++;
        int more = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        uint32_t v = more == 3 ? c & 7 : more == 2 ? c & 15 : more == 1 ? c & 31 : c;
        const unsigned char *t = s;
        for (int i = 0; i < more && (*t & 0xC0) == 0x80; i++)
            v = v << 6 | (*t++ & 0x3F);
        if (t - s == more)
            s = t;
        else
            v = c;          /* not UTF-8 */
        if (v >= 0x10000) { /* a surrogate pair */
            v -= 0x10000;
            uint32_t hi = 0xD800 | (v >> 10);
            uint32_t lo = 0xDC00 | (v & 0x3FF);
            out[k++] = (unsigned char)hi;
            out[k++] = (unsigned char)(hi >> 8);
            out[k++] = (unsigned char)lo;
            out[k++] = (unsigned char)(lo >> 8);
        } else {
            out[k++] = (unsigned char)v;
            out[k++] = (unsigned char)(v >> 8);
        }
    }
    return k;
}

/* oc_spend - take spins hash rounds from the budget; false (and r->budget) when over */
bool oc_spend(OC *o, uint64_t spins)
{
    if (o->r->spins + spins > o->lim->max_spins) {
        o->r->budget = true;
        return false;
    }
    o->r->spins += spins;
    return true;
}

/* oc_parse_capi - Flags, header size, EncryptionHeader, EncryptionVerifier (after the
 * version); false when truncated or odd-sized */
bool oc_parse_capi(const unsigned char *p, size_t n, OC_CAPI *h)
{
    if (n < 8)
        return false;
    uint32_t hsize = oc_le32(p + 4);
    if (hsize < 32 || hsize > n - 8)
        return false;
    const unsigned char *hd = p + 8;
    const unsigned char *v = p + 8 + hsize;
    size_t left = n - 8 - hsize;
    h->flags = oc_le32(hd);
    h->alg = oc_le32(hd + 8);
    h->alghash = oc_le32(hd + 12);
    h->keybits = oc_le32(hd + 16);
    if (left < 4 + 16 + 16 + 4 || oc_le32(v) != 16)
        return false;
    memcpy(h->salt, v + 4, 16);
    memcpy(h->verifier, v + 20, 16);
    h->vhash_size = oc_le32(v + 36);
    size_t hl = left - 40 < 32 ? left - 40 : 32;
    if (hl < 20)
        return false;
    memset(h->vhash, 0, sizeof(h->vhash));
    memcpy(h->vhash, v + 40, hl);
    return true;
}

/* ---- ECMA-376 Standard ---- */

/* standard_key - the AES key for one password (2.3.4.7); false over the budget */
static bool standard_key(OC *o, const OC_CAPI *h, const char *pw, unsigned char *key, size_t kl)
{
    if (!oc_spend(o, STANDARD_SPINS))
        return false;
    unsigned char pw16[OC_PW16_MAX];
    unsigned char H[DIGEST_MAX_LEN];
    unsigned char le0[4] = {0};
    unsigned char x[64];
    unsigned char X[2 * DIGEST_MAX_LEN];
    size_t pl = oc_utf16(pw, pw16);
    digest_hash2(DIGEST_SHA1, h->salt, 16, pw16, pl, H);
    digest_spin(DIGEST_SHA1, H, 20, STANDARD_SPINS);
    digest_hash2(DIGEST_SHA1, H, 20, le0, 4, H);
    memset(x, 0x36, 64);
    for (int i = 0; i < 20; i++)
        x[i] ^= H[i];
    digest_hash2(DIGEST_SHA1, x, 64, NULL, 0, X);
    memset(x, 0x5C, 64);
    for (int i = 0; i < 20; i++)
        x[i] ^= H[i];
    digest_hash2(DIGEST_SHA1, x, 64, NULL, 0, X + DIGEST_MAX_LEN);
    memmove(X + 20, X + DIGEST_MAX_LEN, 20);
    memcpy(key, X, kl);
    return true;
}

/* package - decrypt EncryptedPackage (LE64 size, then ciphertext) with fn per segment */
typedef int (*segment_fn)(void *ctx, size_t index, const unsigned char *in, size_t n,
                          unsigned char *out);

static int package(OC *o, segment_fn fn, void *ctx, size_t seg)
{
    int e = cfb_find(o->cfb, "EncryptedPackage");
    size_t n = 0;
    unsigned char *p = cfb_read(o->cfb, e, o->lim->max_bytes + 8 + seg, &n);
    if (p == NULL || n < 8) {
        free(p);
        o->r->why =
            p ? "broken EncryptedPackage" : "EncryptedPackage over the size limit or broken";
        return 0;
    }
    uint64_t size = (uint64_t)oc_le32(p) | (uint64_t)oc_le32(p + 4) << 32;
    size_t body = (n - 8) / 16 * 16;
    if (size > o->lim->max_bytes) {
        free(p);
        o->r->why = "decrypted package over the size limit";
        return 0;
    }
    unsigned char *out = try_malloc(body ? body : 1);
    if (out == NULL) {
        free(p);
        o->r->why = "out of memory";
        return 0;
    }
    int ok = 1;
    for (size_t off = 0, i = 0; off < body && ok; off += seg, i++)
        ok = fn(ctx, i, p + 8 + off, body - off < seg ? body - off : seg, out + off) == 0;
    free(p);
    if (!ok) {
        free(out);
        o->r->why = "decryption failed";
        return 0;
    }
    o->r->out = out;
    o->r->len = size < body ? (size_t)size : body;
    return 1;
}

typedef struct AES_CTX {
    unsigned char key[32], salt[64];
    size_t kl, sl;
    DIGEST_ALG hash;
} AES_CTX;

/* ecb_segment - Standard: the whole package is one AES-ECB stream */
static int ecb_segment(void *ctx, size_t index, const unsigned char *in, size_t n,
                       unsigned char *out)
{
    (void)index;
    const AES_CTX *a = ctx;
    return cipher_aes_decrypt(a->key, a->kl, NULL, in, n, out);
}

/* open_standard - Standard encryption: AES with a SHA-1 key, ECB */
static int open_standard(OC *o, const unsigned char *info, size_t n)
{
    OC_CAPI h;
    if (!oc_parse_capi(info + 4, n - 4, &h) || h.alghash != 0x8004 ||
        (h.alg != 0x660E && h.alg != 0x660F && h.alg != 0x6610) ||
        (h.keybits != 128 && h.keybits != 192 && h.keybits != 256)) {
        o->r->why = "Standard encryption with an unsupported cipher or a broken header";
        return 0;
    }
    snprintf(o->r->scheme, sizeof(o->r->scheme), "Standard AES-%u", (unsigned)h.keybits);
    AES_CTX a = {.kl = h.keybits / 8};
    for (size_t i = 0; i < o->npw; i++) {
        if (o->pw[i] == NULL || !standard_key(o, &h, o->pw[i], a.key, a.kl))
            continue;
        unsigned char v[16];
        unsigned char vh[32];
        unsigned char d[DIGEST_MAX_LEN];
        if (cipher_aes_decrypt(a.key, a.kl, NULL, h.verifier, 16, v) != 0 ||
            cipher_aes_decrypt(a.key, a.kl, NULL, h.vhash, 32, vh) != 0)
            continue;
        digest_hash2(DIGEST_SHA1, v, 16, NULL, 0, d);
        if (memcmp(d, vh, 20) != 0)
            continue;
        o->r->used = (int)i;
        return package(o, ecb_segment, &a, AGILE_SEGMENT);
    }
    o->r->why = o->r->budget ? "hash budget spent before every candidate was tried"
                             : "no candidate password matches";
    return 0;
}

/* ---- ECMA-376 Agile ---- */

/* xml_tag - the text of the first start tag named name (any namespace prefix), up to '>' */
static const char *xml_tag(const char *x, size_t n, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = x; (p = memmem(p, n - (size_t)(p - x), name, nl)) != NULL; p++) {
        size_t at = (size_t)(p - x);
        if (at == 0 || (x[at - 1] != '<' && x[at - 1] != ':') || at + nl >= n ||
            (x[at + nl] != ' ' && x[at + nl] != '\t' && x[at + nl] != '\r' && x[at + nl] != '\n'))
            continue;
        const char *end = memchr(p, '>', n - at);
        if (end == NULL)
            return NULL;
        *len = (size_t)(end - p);
        return p;
    }
    return NULL;
}

/* xml_attr - the value of attribute name in a tag (no entities in these values) */
static bool xml_attr(const char *t, size_t n, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *p = t; (p = memmem(p, n - (size_t)(p - t), name, nl)) != NULL; p++) {
        size_t at = (size_t)(p - t);
        if (at == 0 ||
            (t[at - 1] != ' ' && t[at - 1] != '\t' && t[at - 1] != '\r' && t[at - 1] != '\n') ||
            at + nl + 2 > n || t[at + nl] != '=' || t[at + nl + 1] != '"')
            continue;
        const char *v = p + nl + 2;
        const char *q = memchr(v, '"', n - at - nl - 2);
        if (q == NULL || (size_t)(q - v) >= cap)
            return false;
        memcpy(out, v, (size_t)(q - v));
        out[q - v] = 0;
        return true;
    }
    return false;
}

/* b64 - decode base64 text into out (cap bytes); the length, or 0 when malformed */
static size_t b64(const char *s, unsigned char *out, size_t cap)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    size_t k = 0;
    for (; *s && *s != '='; s++) {
        const char *c = strchr(al, *s);
        if (c == NULL || *s == 0)
            return 0;
        acc = acc << 6 | (uint32_t)(c - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (k >= cap)
                return 0;
            out[k++] = (unsigned char)(acc >> bits);
        }
    }
    return k;
}

/* hash_alg - an Agile hashAlgorithm name */
static bool hash_alg(const char *s, DIGEST_ALG *a, size_t *len)
{
    static const struct {
        const char *name;
        DIGEST_ALG alg;
        size_t len;
    } t[] = {{"SHA1", DIGEST_SHA1, 20},     {"SHA256", DIGEST_SHA256, 32},
             {"SHA384", DIGEST_SHA384, 48}, {"SHA512", DIGEST_SHA512, 64},
             {"MD5", DIGEST_MD5, 16},       {"SHA-1", DIGEST_SHA1, 20}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(s, t[i].name) == 0) {
            *a = t[i].alg;
            *len = t[i].len;
            return true;
        }
    return false;
}

typedef struct AGILE {
    DIGEST_ALG hash;
    size_t hlen, kl;
    uint32_t spin;
    unsigned char salt[64], vin[80], vval[80], ekey[80];
    size_t sl, vinl, vvall, ekeyl;
    AES_CTX data; /* keyData: salt, hash and key length of the package */
} AGILE;

/* agile_parse - the keyData and password encryptedKey attributes */
static bool agile_parse(const char *x, size_t n, AGILE *g)
{
    size_t kl;
    size_t el;
    const char *kd = xml_tag(x, n, "keyData", &kl);
    const char *ek = xml_tag(x, n, "encryptedKey", &el);
    char v[XML_VALUE_MAX];
    size_t dh;
    if (kd == NULL || ek == NULL)
        return false;
    if (!xml_attr(kd, kl, "cipherAlgorithm", v, sizeof(v)) || strcmp(v, "AES") != 0 ||
        !xml_attr(kd, kl, "hashAlgorithm", v, sizeof(v)) || !hash_alg(v, &g->data.hash, &dh) ||
        !xml_attr(kd, kl, "keyBits", v, sizeof(v)) ||
        ((g->data.kl = (size_t)atoi(v) / 8) != 16 && g->data.kl != 24 && g->data.kl != 32) ||
        !xml_attr(kd, kl, "saltValue", v, sizeof(v)) ||
        (g->data.sl = b64(v, g->data.salt, sizeof(g->data.salt))) < 16)
        return false;
    if (!xml_attr(ek, el, "cipherAlgorithm", v, sizeof(v)) || strcmp(v, "AES") != 0 ||
        !xml_attr(ek, el, "hashAlgorithm", v, sizeof(v)) || !hash_alg(v, &g->hash, &g->hlen) ||
        !xml_attr(ek, el, "keyBits", v, sizeof(v)) ||
        ((g->kl = (size_t)atoi(v) / 8) != 16 && g->kl != 24 && g->kl != 32) ||
        !xml_attr(ek, el, "spinCount", v, sizeof(v)) || atol(v) < 0 ||
        (g->spin = (uint32_t)atol(v)) > AGILE_MAX_SPIN ||
        !xml_attr(ek, el, "saltValue", v, sizeof(v)) ||
        (g->sl = b64(v, g->salt, sizeof(g->salt))) < 16 ||
        !xml_attr(ek, el, "encryptedVerifierHashInput", v, sizeof(v)) ||
        (g->vinl = b64(v, g->vin, sizeof(g->vin))) < 16 ||
        !xml_attr(ek, el, "encryptedVerifierHashValue", v, sizeof(v)) ||
        (g->vvall = b64(v, g->vval, sizeof(g->vval))) < g->hlen ||
        !xml_attr(ek, el, "encryptedKeyValue", v, sizeof(v)) ||
        (g->ekeyl = b64(v, g->ekey, sizeof(g->ekey))) < g->data.kl)
        return false;
    return g->vinl % 16 == 0 && g->vvall % 16 == 0 && g->ekeyl % 16 == 0;
}

/* agile_block_key - Hash(H || block)[:kl], padded with 0x36 */
static void agile_block_key(const AGILE *g, const unsigned char *H, const unsigned char block[8],
                            unsigned char *key)
{
    unsigned char d[DIGEST_MAX_LEN];
    digest_hash2(g->hash, H, g->hlen, block, 8, d);
    memset(key, 0x36, g->kl);
    memcpy(key, d, g->kl < g->hlen ? g->kl : g->hlen);
}

/* agile_try - the package key for one password, or false */
static bool agile_try(const AGILE *g, const char *pw, unsigned char *secret)
{
    static const unsigned char b1[8] = {0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79};
    static const unsigned char b2[8] = {0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e};
    static const unsigned char b3[8] = {0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6};
    unsigned char pw16[OC_PW16_MAX];
    unsigned char H[DIGEST_MAX_LEN];
    unsigned char k[32];
    unsigned char vin[80];
    unsigned char vval[80];
    unsigned char ekey[80];
    unsigned char d[DIGEST_MAX_LEN];
    size_t pl = oc_utf16(pw, pw16);
    digest_hash2(g->hash, g->salt, g->sl, pw16, pl, H);
    digest_spin(g->hash, H, g->hlen, g->spin);
    agile_block_key(g, H, b1, k);
    if (cipher_aes_decrypt(k, g->kl, g->salt, g->vin, g->vinl, vin) != 0)
        return false;
    agile_block_key(g, H, b2, k);
    if (cipher_aes_decrypt(k, g->kl, g->salt, g->vval, g->vvall, vval) != 0)
        return false;
    digest_hash2(g->hash, vin, g->sl < g->vinl ? g->sl : g->vinl, NULL, 0, d);
    if (memcmp(d, vval, g->hlen) != 0)
        return false;
    agile_block_key(g, H, b3, k);
    if (cipher_aes_decrypt(k, g->kl, g->salt, g->ekey, g->ekeyl, ekey) != 0)
        return false;
    memcpy(secret, ekey, g->data.kl);
    return true;
}

/* cbc_segment - Agile: segment i with iv = Hash(keyDataSalt || LE32(i))[:16] */
static int cbc_segment(void *ctx, size_t index, const unsigned char *in, size_t n,
                       unsigned char *out)
{
    const AES_CTX *a = ctx;
    unsigned char le[4];
    unsigned char iv[DIGEST_MAX_LEN];
    oc_put_le32(le, (uint32_t)index);
    memset(iv, 0x36, sizeof(iv));
    digest_hash2(a->hash, a->salt, a->sl, le, 4, iv);
    return cipher_aes_decrypt(a->key, a->kl, iv, in, n, out);
}

/* open_agile - Agile encryption: XML descriptor, spinCount rounds, AES-CBC segments */
static int open_agile(OC *o, const unsigned char *info, size_t n)
{
    AGILE g = {0};
    if (n < 8 || !agile_parse((const char *)info + 8, n - 8, &g)) {
        o->r->why = "Agile encryption with an unsupported cipher or a broken descriptor";
        return 0;
    }
    snprintf(o->r->scheme, sizeof(o->r->scheme), "Agile %s AES-%zu",
             g.hlen == 64   ? "SHA512"
             : g.hlen == 48 ? "SHA384"
             : g.hlen == 32 ? "SHA256"
             : g.hlen == 20 ? "SHA1"
                            : "MD5",
             g.data.kl * 8);
    for (size_t i = 0; i < o->npw; i++) {
        if (o->pw[i] == NULL || !oc_spend(o, g.spin) || !agile_try(&g, o->pw[i], g.data.key))
            continue;
        o->r->used = (int)i;
        return package(o, cbc_segment, &g.data, AGILE_SEGMENT);
    }
    o->r->why = o->r->budget ? "hash budget spent before every candidate was tried"
                             : "no candidate password matches";
    return 0;
}

/* open_ooxml - EncryptionInfo: 4.4 is Agile, x.2 Standard (or RC4 CryptoAPI: not done) */
static int open_ooxml(OC *o)
{
    o->r->format = "ooxml";
    size_t n = 0;
    unsigned char *info = cfb_read(o->cfb, cfb_find(o->cfb, "EncryptionInfo"), INFO_MAX, &n);
    int r = 0;
    if (info == NULL || n < 8) {
        o->r->why = "no readable EncryptionInfo";
    } else {
        uint16_t major = oc_le16(info);
        uint16_t minor = oc_le16(info + 2);
        uint32_t flags = oc_le32(info + 4);
        if (major == 4 && minor == 4)
            r = open_agile(o, info, n);
        else if (minor == 2 && major >= 2 && major <= 4 && (flags & 0x20))
            r = open_standard(o, info, n);
        else
            o->r->why = "an OOXML encryption scheme not implemented (RC4 or extensible)";
    }
    free(info);
    return r;
}

/* ppt_encrypted - Current User's headerToken says the presentation is encrypted */
static bool ppt_encrypted(const CFB *c)
{
    size_t n = 0;
    unsigned char *cu = cfb_read(c, cfb_find(c, "Current User"), 4096, &n);
    bool enc = cu && n >= 16 && oc_le32(cu + 12) == 0xF3D1C4DFu;
    free(cu);
    return enc;
}

/* officecrypt_detect - an OLE2 file with any of the encryption markers */
bool officecrypt_detect(const unsigned char *data, size_t n)
{
    CFB *c = cfb_open(data, n);
    if (c == NULL)
        return false;
    bool enc = (cfb_find(c, "EncryptionInfo") >= 0 && cfb_find(c, "EncryptedPackage") >= 0) ||
               oc_xls_encrypted(c, n) || oc_doc_encrypted(c, n) || ppt_encrypted(c);
    cfb_free(c);
    return enc;
}

/* officecrypt_open - try the candidates on an encrypted Office file */
int officecrypt_open(const unsigned char *data, size_t n, char *const *pw, size_t npw,
                     const OFFICECRYPT_LIMITS *lim, OFFICECRYPT_RESULT *r)
{
    memset(r, 0, sizeof(*r));
    r->used = -1;
    r->format = "";
    OC o = {data, n, cfb_open(data, n), pw, npw, lim, r};
    if (o.cfb == NULL || lim == NULL) {
        cfb_free(o.cfb);
        return -1;
    }
    int ret = -1;
    if (cfb_find(o.cfb, "EncryptionInfo") >= 0 && cfb_find(o.cfb, "EncryptedPackage") >= 0)
        ret = open_ooxml(&o);
    else if (oc_xls_encrypted(o.cfb, n))
        ret = oc_open_xls(&o);
    else if (oc_doc_encrypted(o.cfb, n))
        ret = oc_open_doc(&o);
    else if (ppt_encrypted(o.cfb))
        ret = oc_open_ppt(&o);
    if (ret != 1)
        r->used = -1;
    cfb_free(o.cfb);
    return ret;
}

/* officecrypt_done - free the decrypted bytes */
void officecrypt_done(OFFICECRYPT_RESULT *r)
{
    if (r) {
        free(r->out);
        r->out = NULL;
        r->len = 0;
    }
}
