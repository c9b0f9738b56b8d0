/*
 * core/digest - SHA-256, SHA-1 and MD5 over libcrypto (see core/digest.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = la != lb;
    for (size_t i = 0; i < la && i < lb; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

/* digest_sha1_md5_hex - SHA-1 and MD5 of a buffer, read once in chunks */
void digest_sha1_md5_hex(const void *p, size_t n, char sha1[DIGEST_SHA1_HEX_LEN + 1],
                         char md5[DIGEST_MD5_HEX_LEN + 1])
{
    EVP_MD_CTX *a = EVP_MD_CTX_new(), *b = EVP_MD_CTX_new();
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
