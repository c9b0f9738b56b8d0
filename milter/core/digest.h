/*
 * core/digest - SHA-256 of byte buffers, in hex (the form used in reports and cache keys)
 *
 * SYNOPSIS
 *   void digest_sha256_hex(const void *p, size_t n, char out[DIGEST_HEX_LEN + 1]);
 *   DIGEST *digest_new(void);  void digest_update(DIGEST *d, const void *p, size_t n);
 *   void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1]);  DIGEST *digest_free(DIGEST
 * *d);
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
 */
#ifndef FM_DIGEST_H
#define FM_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_HEX_LEN      64
#define DIGEST_SHA1_HEX_LEN 40
#define DIGEST_MD5_HEX_LEN  32

typedef struct DIGEST DIGEST;

void digest_sha256_hex(const void *p, size_t n, char out[DIGEST_HEX_LEN + 1]);
DIGEST *digest_new(void);
void digest_update(DIGEST *d, const void *p, size_t n);
void digest_final_hex(DIGEST *d, char out[DIGEST_HEX_LEN + 1]);
DIGEST *digest_free(DIGEST *d);
void digest_hmac_sha256_hex(const void *key, size_t klen, const void *p, size_t n,
                            char out[DIGEST_HEX_LEN + 1]);
bool digest_equal(const char *a, const char *b);
void digest_sha1_md5_hex(const void *p, size_t n, char sha1[DIGEST_SHA1_HEX_LEN + 1],
                         char md5[DIGEST_MD5_HEX_LEN + 1]);

#endif
