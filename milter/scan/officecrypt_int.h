/*
 * scan/officecrypt_int - what officecrypt.c (OOXML, dispatch), officecrypt_rc4.c (BIFF8
 * .xls, Word .doc), officecrypt_ppt.c (PowerPoint) and officecrypt_xor.c (XOR-obfuscated
 * .xls) share; not for other modules (the contract is officecrypt.h)
 */
#ifndef FM_OFFICECRYPT_INT_H
#define FM_OFFICECRYPT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/cfb.h"
#include "scan/officecrypt.h"

typedef struct OC {
    const unsigned char *data;
    size_t n;
    CFB *cfb;
    char *const *pw;
    size_t npw;
    const OFFICECRYPT_LIMITS *lim;
    OFFICECRYPT_RESULT *r;
} OC;

/* the EncryptionHeader + EncryptionVerifier of Standard and RC4 CryptoAPI encryption */
typedef struct OC_CAPI {
    uint32_t flags, alg, alghash, keybits, vhash_size;
    unsigned char salt[16], verifier[16], vhash[32];
} OC_CAPI;

/* RC4 (v1.1) or RC4 CryptoAPI: the header, and the key derived from a password */
typedef struct RC4HDR {
    bool capi;
    size_t keybytes; /* CryptoAPI key length (5..16) */
    unsigned char salt[16], verifier[16], vhash[20];
} RC4HDR;

typedef struct RC4KEY {
    bool capi;
    unsigned char h[20]; /* v1.1: the 5-byte intermediate; CryptoAPI: H0 */
    size_t kl;
} RC4KEY;

#define OC_PW16_MAX (2 * OFFICECRYPT_MAX_PASSWORD)

static inline uint32_t oc_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint16_t oc_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline void oc_put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* a PowerPoint persist object: identifier (its RC4 block), stream offset, listing order */
typedef struct OC_PERSIST {
    uint32_t id, off, seq;
} OC_PERSIST;

size_t oc_utf16(const char *pw, unsigned char out[OC_PW16_MAX]);
bool oc_spend(OC *o, uint64_t spins);
bool oc_parse_capi(const unsigned char *p, size_t n, OC_CAPI *h);
bool oc_xls_encrypted(const CFB *c, size_t max);
bool oc_doc_encrypted(const CFB *c, size_t max);
int oc_open_xls(OC *o);
bool oc_rc4_parse(OC *o, const unsigned char *p, size_t n, RC4HDR *h);
bool oc_rc4_find_key(OC *o, const RC4HDR *h, RC4KEY *k);
size_t oc_rc4_block_key(const RC4KEY *k, uint32_t b, unsigned char key[16]);
unsigned char *oc_image_with(OC *o, const int *entry, unsigned char *const *src, const size_t *len,
                             size_t k);
int oc_open_ppt(OC *o);
/* oc_ppt_objects - decrypt the persist objects v (sorted here by offset) of the stream w
 * (n bytes) into d, each from the original bytes: a repeated offset (the first listed wins),
 * an object overlapping the one before, one whose length leaves the stream and the one at
 * skip_off are skipped, so at most n bytes are decrypted in all; *done counts them */
bool oc_ppt_objects(const RC4KEY *k, const unsigned char *w, unsigned char *d, size_t n,
                    OC_PERSIST *v, size_t nv, size_t skip_off, size_t *done);
int oc_open_xls_xor(OC *o, int entry, const unsigned char *w, size_t n, size_t fp);
int oc_open_doc(OC *o);

#endif
