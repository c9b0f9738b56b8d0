/*
 * core/digest - SHA-256, SHA-1 and MD5 over libcrypto, and the hashes and ciphers Office
 * decryption needs (see core/digest.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>
#include <pthread.h>

#include "core/digest.h"

struct DIGEST {
    EVP_MD_CTX *ctx;
};

/* digest_die - libcrypto failed; only possible when memory is exhausted */
static void digest_die(void)
{
    fprintf(stderr, "fileless-milter: fatal: SHA-256 context failure\n");
    abort();
}

/* digest_new - start a SHA-256 computation */
DIGEST *digest_new(void)
{
    DIGEST *d = malloc(sizeof(*d));
    if (d == NULL || (d->ctx = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
        digest_die();
    return d;
}

/* digest_dup - a copy of a computation in progress (both go on independently) */
DIGEST *digest_dup(const DIGEST *d)
{
    DIGEST *c = malloc(sizeof(*c));
    if (c == NULL || (c->ctx = EVP_MD_CTX_new()) == NULL || EVP_MD_CTX_copy_ex(c->ctx, d->ctx) != 1)
        digest_die();
    return c;
}

/* digest_update - add n bytes */
void digest_update(DIGEST *d, const void *p, size_t n)
{
    if (n && EVP_DigestUpdate(d->ctx, p, n) != 1)
        digest_die();
}

/* to_hex - n bytes as lower-case hex plus NUL */
static void to_hex(const unsigned char *md, unsigned n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = 0;
}

/* digest_final_hex - finish and write 64 lower-case hex digits plus NUL; d may be reused */
void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(d->ctx, md, &len) != 1 || len != 32 ||
        EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
        digest_die();
    to_hex(md, len, out);
}

/* digest_free - release; accepts NULL, returns NULL */
DIGEST *digest_free(DIGEST *d)
{
    if (d) {
        EVP_MD_CTX_free(d->ctx);
        free(d);
    }
    return NULL;
}

/* digest_sha256_hex - one-shot SHA-256 of a buffer */
void digest_sha256_hex(const void *p, size_t n, char out[DIGEST_HEX_LEN + 1])
{
    DIGEST *d = digest_new();
    digest_update(d, p, n);
    digest_final_hex(d, out);
    digest_free(d);
}

/* digest_hmac_sha256_hex - HMAC-SHA-256 of a buffer under key, in hex */
void digest_hmac_sha256_hex(const void *key, size_t klen, const void *p, size_t n,
                            char out[DIGEST_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    static const unsigned char empty[1];
    if (HMAC(EVP_sha256(), klen ? key : empty, (int)klen, n ? p : empty, n, md, &len) == NULL ||
        len != 32)
        digest_die();
    to_hex(md, len, out);
}

/* digest_equal - string equality without an early exit on the first difference */
bool digest_equal(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* digest_sha1_md5_hex - SHA-1 and MD5 of a buffer, read once in chunks */
void digest_sha1_md5_hex(const void *p, size_t n, char sha1[DIGEST_SHA1_HEX_LEN + 1],
                         char md5[DIGEST_MD5_HEX_LEN + 1])
{
    EVP_MD_CTX *a = EVP_MD_CTX_new();
    EVP_MD_CTX *b = EVP_MD_CTX_new();
    if (a == NULL || b == NULL || EVP_DigestInit_ex(a, EVP_sha1(), NULL) != 1 ||
        EVP_DigestInit_ex(b, EVP_md5(), NULL) != 1)
        digest_die();
    const unsigned char *s = p;
    for (size_t off = 0; off < n;) { /* chunks: both digests read the bytes while cached */
        size_t k = n - off < 65536 ? n - off : 65536;
        if (EVP_DigestUpdate(a, s + off, k) != 1 || EVP_DigestUpdate(b, s + off, k) != 1)
            digest_die();
        off += k;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(a, md, &len) != 1 || len != 20)
        digest_die();
    to_hex(md, len, sha1);
    if (EVP_DigestFinal_ex(b, md, &len) != 1 || len != 16)
        digest_die();
    to_hex(md, len, md5);
    EVP_MD_CTX_free(a);
    EVP_MD_CTX_free(b);
}

/* ---- primitives for Office decryption (scan/officecrypt.c) ---- */

/* md_of - the EVP digest of an algorithm, or NULL */
static const EVP_MD *md_of(DIGEST_ALG alg)
{
    switch (alg) {
    case DIGEST_MD5:
        return EVP_md5();
    case DIGEST_SHA1:
        return EVP_sha1();
    case DIGEST_SHA256:
        return EVP_sha256();
    case DIGEST_SHA384:
        return EVP_sha384();
    case DIGEST_SHA512:
        return EVP_sha512();
    }
    return NULL;
}

/* digest_hash2 - Hash(a || b) into out; returns its length, 0 for an unknown algorithm */
size_t digest_hash2(DIGEST_ALG alg, const void *a, size_t na, const void *b, size_t nb,
                    unsigned char *out)
{
    const EVP_MD *md = md_of(alg);
    if (md == NULL)
        return 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int len = 0;
    if (c == NULL || EVP_DigestInit_ex(c, md, NULL) != 1 ||
        (na && EVP_DigestUpdate(c, a, na) != 1) || (nb && EVP_DigestUpdate(c, b, nb) != 1) ||
        EVP_DigestFinal_ex(c, out, &len) != 1)
        digest_die();
    EVP_MD_CTX_free(c);
    return len;
}

/* digest_spin - H = Hash(LE32(i) || H) for i in [0, count); hlen is the hash's length */
void digest_spin(DIGEST_ALG alg, unsigned char *h, size_t hlen, uint32_t count)
{
    const EVP_MD *md = md_of(alg);
    if (md == NULL || (size_t)EVP_MD_get_size(md) != hlen)
        return;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (c == NULL)
        digest_die();
    for (uint32_t i = 0; i < count; i++) {
        unsigned char le[4] = {(unsigned char)i, (unsigned char)(i >> 8), (unsigned char)(i >> 16),
                               (unsigned char)(i >> 24)};
        unsigned int len = 0;
        if (EVP_DigestInit_ex(c, md, NULL) != 1 || EVP_DigestUpdate(c, le, 4) != 1 ||
            EVP_DigestUpdate(c, h, hlen) != 1 || EVP_DigestFinal_ex(c, h, &len) != 1)
            digest_die();
    }
    EVP_MD_CTX_free(c);
}

/* run_cipher - decrypt n bytes with an initialised context, padding off; 0 or -1 */
static int run_cipher(EVP_CIPHER_CTX *c, const unsigned char *in, size_t n, unsigned char *out)
{
    int len = 0;
    int fin = 0;
    EVP_CIPHER_CTX_set_padding(c, 0);
    for (size_t off = 0; off < n;) { /* EVP takes an int length */
        size_t k = n - off < (1u << 30) ? n - off : (1u << 30);
        if (EVP_DecryptUpdate(c, out + off, &len, in + off, (int)k) != 1 || (size_t)len != k)
            return -1;
        off += k;
    }
    return EVP_DecryptFinal_ex(c, out + n, &fin) == 1 && fin == 0 ? 0 : -1;
}

/* cipher_aes_decrypt - AES by key length, ECB (iv NULL) or CBC, no padding */
int cipher_aes_decrypt(const unsigned char *key, size_t keylen, const unsigned char *iv,
                       const unsigned char *in, size_t n, unsigned char *out)
{
    const EVP_CIPHER *ci = NULL;
    if (keylen == 16)
        ci = iv ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
    else if (keylen == 24)
        ci = iv ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
    else if (keylen == 32)
        ci = iv ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
    if (ci == NULL || n % 16)
        return -1;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c == NULL)
        digest_die();
    int r = EVP_DecryptInit_ex(c, ci, NULL, key, iv) == 1 ? run_cipher(c, in, n, out) : -1;
    EVP_CIPHER_CTX_free(c);
    return r;
}

static pthread_once_t rc4_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *rc4_cipher; /* NULL: no legacy provider */

/* rc4_load - a private library context with the legacy and default providers, and RC4 */
static void rc4_load(void)
{
    OSSL_LIB_CTX *lc = OSSL_LIB_CTX_new();
    if (lc == NULL || OSSL_PROVIDER_load(lc, "legacy") == NULL ||
        OSSL_PROVIDER_load(lc, "default") == NULL)
        return; /* kept for the process's lifetime either way */
    rc4_cipher = EVP_CIPHER_fetch(lc, "RC4", NULL);
}

/* cipher_rc4 - RC4 with a 5..16 byte key over n bytes */
int cipher_rc4(const unsigned char *key, size_t keylen, const unsigned char *in, size_t n,
               unsigned char *out)
{
    pthread_once(&rc4_once, rc4_load);
    if (rc4_cipher == NULL || keylen < 5 || keylen > 16)
        return -1;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c == NULL)
        digest_die();
    int r = -1;
    if (EVP_DecryptInit_ex(c, rc4_cipher, NULL, NULL, NULL) == 1 &&
        EVP_CIPHER_CTX_set_key_length(c, (int)keylen) == 1 &&
        EVP_DecryptInit_ex(c, NULL, NULL, key, NULL) == 1)
        r = run_cipher(c, in, n, out);
    EVP_CIPHER_CTX_free(c);
    return r;
}
