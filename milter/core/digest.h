/*
 * core/digest - SHA-256 of byte buffers, in hex (the form used in reports and cache keys)
 *
 * SYNOPSIS
 *   void digest_sha256_hex(const void *p, size_t n, char out[DIGEST_HEX_LEN + 1]);
 *   DIGEST *digest_new(void);  void digest_update(DIGEST *d, const void *p, size_t n);
 *   DIGEST *digest_dup(const DIGEST *d);
 *   void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1]);
 *   DIGEST *digest_free(DIGEST *d);
 *   void digest_sha1_md5_hex(const void *p, size_t n, char sha1[DIGEST_SHA1_HEX_LEN + 1],
 *                            char md5[DIGEST_MD5_HEX_LEN + 1]);
 *
 * DESCRIPTION
 *   The adapter over OpenSSL's libcrypto (the only file that includes an OpenSSL header).
 *   libcrypto uses the CPU's SHA extensions where present, which matters because every
 *   part and layer of every message is hashed. Failures inside libcrypto are treated like
 *   memory exhaustion (they cannot happen for SHA-256 short of that).
 *
 *   digest_hmac_sha256_hex is HMAC-SHA-256 (RFC 2104) of p under key, in hex: the MAC of
 *   the quarantine release header. digest_equal compares two NUL-terminated strings in
 *   time independent of where they differ (for MACs and session tokens; the lengths are
 *   not secret).
 *   digest_sha1_md5_hex gives the SHA-1 and MD5 of a buffer in one pass over it: IOC lists
 *   (fileless-ctl ioc import, rules/lists/ioc-*.txt) are often written in those forms, so
 *   parts and layers carry all three. Neither is used for anything security relevant
 *   beyond matching such lists.
 *
 *   The primitives below serve scan/officecrypt.c (Office decryption, MS-OFFCRYPTO):
 *   digest_hash2 writes Hash(a || b) (b may be NULL) into out (room for the hash,
 *   DIGEST_MAX_LEN is always enough) and returns its length (0 for an
 *   unknown algorithm); digest_spin repeats H = Hash(LE32(i) || H) for i = 0..count-1
 *   (the password hardening loop). cipher_aes_decrypt decrypts n bytes (a multiple of 16)
 *   with AES-128/192/256 by key length, ECB (iv NULL) or CBC, no padding. cipher_rc4
 *   runs RC4 over n bytes with a 5..16 byte key; OpenSSL 3 keeps RC4 in its legacy
 *   provider, which is loaded once into a private library context (the default context
 *   and its algorithms are left alone). Both return 0, or -1 when the cipher cannot be
 *   used (a bad key length, or no legacy provider on this machine). out may equal in.
 */
#ifndef FM_DIGEST_H
#define FM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_HEX_LEN      64
#define DIGEST_SHA1_HEX_LEN 40
#define DIGEST_MD5_HEX_LEN  32

typedef struct DIGEST DIGEST;

void digest_sha256_hex(const void *p, size_t n, char out[DIGEST_HEX_LEN + 1]);
DIGEST *digest_new(void);
DIGEST *digest_dup(const DIGEST *d);
void digest_update(DIGEST *d, const void *p, size_t n);
void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1]);
DIGEST *digest_free(DIGEST *d);
void digest_hmac_sha256_hex(const void *key, size_t klen, const void *p, size_t n,
                            char out[DIGEST_HEX_LEN + 1]);
bool digest_equal(const char *a, const char *b);
void digest_sha1_md5_hex(const void *p, size_t n, char sha1[DIGEST_SHA1_HEX_LEN + 1],
                         char md5[DIGEST_MD5_HEX_LEN + 1]);

typedef enum { DIGEST_MD5, DIGEST_SHA1, DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512 } DIGEST_ALG;
#define DIGEST_MAX_LEN 64

size_t digest_hash2(DIGEST_ALG alg, const void *a, size_t na, const void *b, size_t nb,
                    unsigned char *out);
void digest_spin(DIGEST_ALG alg, unsigned char *h, size_t hlen, uint32_t count);
int cipher_aes_decrypt(const unsigned char *key, size_t keylen, const unsigned char *iv,
                       const unsigned char *in, size_t n, unsigned char *out);
int cipher_rc4(const unsigned char *key, size_t keylen, const unsigned char *in, size_t n,
               unsigned char *out);

#endif
