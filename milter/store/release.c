/*
 * store/release - release header MAC, secret and verification (see store/release.h)
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "store/quarantine.h"
#include "store/release.h"
#include "lib/xalloc.h"

#define MIN_KEY 16

/* body_start - offset of the body: after the first empty line (len when none) */
static size_t body_start(const char *raw, size_t len)
{
    if (len >= 2 && raw[0] == '\r' && raw[1] == '\n')
        return 2;
    if (len >= 1 && raw[0] == '\n')
        return 1;
    for (size_t i = 0; i + 1 < len; i++) {
        if (raw[i] != '\n')
            continue;
        if (raw[i + 1] == '\n')
            return i + 2;
        if (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
            return i + 3;
    }
    return len;
}

/* release_body_hash - SHA-256 of the canonical body (see release.h) */
void release_body_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1])
{
    size_t b = body_start(raw, len), end = len;
    while (end > b && (raw[end - 1] == '\n' || raw[end - 1] == '\r'))
        end--;
    DIGEST *d = digest_new();
    size_t run = b;
    for (size_t i = b; i < end; i++) {
        if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n') {
            digest_update(d, raw + run, i - run);
            run = i + 1;
        }
    }
    digest_update(d, raw + run, end - run);
    digest_final_hex(d, out);
    digest_free(d);
}

/* read_key - a key file's contents, trailing white space removed */
static int read_key(const char *path, BUF *key, BUF *err)
{
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        buf_printf(err, "release key %s: %s", path, strerror(errno));
        return -1;
    }
    char chunk[512];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && key->len < 4096)
        buf_cat(key, chunk, n);
    fclose(f);
    while (key->len && isspace((unsigned char)key->data[key->len - 1]))
        buf_truncate(key, key->len - 1);
    return 0;
}

/* make_key - QUARANTINE_DIR/release.key with 64 random hex digits, unless it exists */
static int make_key(const char *dir, BUF *err)
{
    unsigned char r[32];
    char hex[66];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        buf_printf(err, "getrandom: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", r[i]);
    hex[64] = '\n', hex[65] = 0;
    if (quarantine_prepare(dir, -1, -1, err) != 0)
        return -1;
    BUF *why = buf_new(64);
    int rc = quarantine_write(dir, "release.key", hex, 65, true, why);
    char *path = xasprintf("%s/release.key", dir);
    if (rc != 0 && access(path, F_OK) == 0) /* made by someone else meanwhile: use theirs */
        rc = 0;
    else if (rc != 0)
        buf_printf(err, "release key: %s", why->data);
    free(path);
    buf_free(why);
    return rc;
}

/* release_secret - the HMAC key (see release.h) */
int release_secret(const CONFIG *c, bool create, BUF *key, BUF *err)
{
    buf_reset(key);
    if (c->release_secret[0]) {
        buf_puts(key, c->release_secret);
    } else if (c->release_secret_file[0]) {
        if (read_key(c->release_secret_file, key, err) != 0)
            return -1;
    } else if (c->quarantine_dir[0]) {
        char *path = xasprintf("%s/release.key", c->quarantine_dir);
        int rc = 0;
        if (create && access(path, F_OK) != 0)
            rc = make_key(c->quarantine_dir, err);
        if (rc == 0)
            rc = read_key(path, key, err);
        free(path);
        if (rc != 0)
            return -1;
    } else {
        buf_puts(err, "no release secret: set release_secret, release_secret_file or "
                      "quarantine_dir");
        return -1;
    }
    if (key->len < MIN_KEY) {
        buf_printf(err, "release secret shorter than %d bytes", MIN_KEY);
        return -1;
    }
    return 0;
}

/* mac_hex - the MAC of ref, time and body under key */
static void mac_hex(const BUF *key, const char *ref, int64_t t, const char *raw, size_t len,
                    char out[DIGEST_HEX_LEN + 1])
{
    char body[DIGEST_HEX_LEN + 1];
    release_body_hash(raw, len, body);
    char *input = xasprintf("fileless-release-v1|%s|%lld|%s", ref, (long long)t, body);
    digest_hmac_sha256_hex(key->data, key->len, input, strlen(input), out);
    free(input);
}

/* release_header_value - "REF; t=TIME; mac=HEX" (caller frees), or NULL */
char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw, size_t len,
                           BUF *err)
{
    BUF *key = buf_new(80);
    char *r = NULL;
    if (release_secret(c, true, key, err) == 0) {
        char mac[DIGEST_HEX_LEN + 1];
        mac_hex(key, ref, t, raw, len, mac);
        r = xasprintf("%s; t=%lld; mac=%s", ref, (long long)t, mac);
    }
    buf_free(key);
    return r;
}

/* hex_run - length of a run of lower-case hex digits */
static size_t hex_run(const char *s)
{
    return strspn(s, "0123456789abcdef");
}

/* release_verify - a valid, fresh release header value (see release.h) */
bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len, int64_t now,
                    char ref[17])
{
    const char *v = value;
    while (*v == ' ' || *v == '\t')
        v++;
    if (hex_run(v) != 16 || strncmp(v + 16, "; t=", 4) != 0)
        return false;
    char r[17];
    memcpy(r, v, 16);
    r[16] = 0;
    const char *tp = v + 20;
    size_t tl = strspn(tp, "0123456789");
    if (tl == 0 || tl > 12 || strncmp(tp + tl, "; mac=", 6) != 0)
        return false;
    long long t = strtoll(tp, NULL, 10);
    const char *mp = tp + tl + 6;
    if (hex_run(mp) != DIGEST_HEX_LEN ||
        strspn(mp + DIGEST_HEX_LEN, " \t\r\n") != strlen(mp + DIGEST_HEX_LEN))
        return false;
    if (t > now + 3600 || t < now - c->release_max_age_days * 86400)
        return false;
    BUF *key = buf_new(80), *err = buf_new(64);
    bool ok = false;
    if (release_secret(c, false, key, err) == 0) {
        char want[DIGEST_HEX_LEN + 1], got[DIGEST_HEX_LEN + 1];
        mac_hex(key, r, t, raw, len, want);
        memcpy(got, mp, DIGEST_HEX_LEN);
        got[DIGEST_HEX_LEN] = 0;
        ok = digest_equal(want, got);
    }
    buf_free(key);
    buf_free(err);
    if (ok)
        memcpy(ref, r, 17);
    return ok;
}
