/*
 * digest - SHA-256 over libcrypto (see digest.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest.h"

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

/* to_hex - 32 bytes as 64 lower-case hex digits plus NUL */
static void to_hex(const unsigned char *md, char out[DIGEST_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[DIGEST_HEX_LEN] = 0;
}

/* digest_final_hex - finish and write 64 lower-case hex digits plus NUL; d may be reused */
void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(d->ctx, md, &len) != 1 || len != 32 ||
        EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
        digest_die();
    to_hex(md, out);
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
    to_hex(md, out);
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
