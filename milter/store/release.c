/*
 * store/release - release header MAC, secret and verification (see store/release.h)
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include "lib/str.h"
#include "core/log.h"
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
    size_t b = body_start(raw, len);
    size_t end = len;
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
    hex[64] = '\n';
    hex[65] = 0;
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

#define RCPT_HEX 16 /* hex digits of one recipient's keyed hash */

/* canon_value - a header value with line breaks removed and blanks collapsed, trimmed */
static void canon_value(BUF *out, const char *s, size_t n)
{
    bool blank = false;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\r' || ch == '\n')
            continue;
        if (ch == ' ' || ch == '\t') {
            blank = any;
            continue;
        }
        if (blank)
            buf_putc(out, ' ');
        blank = false;
        any = true;
        buf_putc(out, ch);
    }
}

/* headers_hash - SHA-256 (hex) of the fields that matter, in message order: Subject, From,
 * To, Cc, Message-ID and Content-Type (with its boundary), names lower-cased, values
 * unfolded (see release.h) */
static void headers_hash(const char *raw, size_t len, char out[DIGEST_HEX_LEN + 1])
{
    static const char *const names[] = {"subject", "from",       "to",
                                        "cc",      "message-id", "content-type"};
    size_t end = body_start(raw, len);
    size_t i = 0;
    BUF *b = buf_new(512);
    while (i < end) {
        size_t e = i; /* the field: its line and the folded lines after it */
        do {
            const char *nl = memchr(raw + e, '\n', end - e);
            e = nl ? (size_t)(nl - raw) + 1 : end;
        } while (e < end && (raw[e] == ' ' || raw[e] == '\t'));
        const char *colon = memchr(raw + i, ':', e - i);
        for (size_t k = 0; colon && k < sizeof(names) / sizeof(names[0]); k++) {
            size_t nl = strlen(names[k]);
            if ((size_t)(colon - raw) - i == nl && strncasecmp(raw + i, names[k], nl) == 0) {
                buf_printf(b, "%s:", names[k]);
                canon_value(b, colon + 1, (size_t)(raw + e - colon - 1));
                buf_putc(b, '\n');
            }
        }
        i = e;
    }
    digest_sha256_hex(b->data, b->len, out);
    buf_free(b);
}

/* rcpt_hash - the keyed hash of one recipient (angle brackets and case ignored) */
static void rcpt_hash(const BUF *key, const char *ref, int64_t t, const char *addr,
                      char out[RCPT_HEX + 1])
{
    BUF *b = buf_new(128);
    buf_printf(b, "fileless-release-rcpt|%s|%lld|", ref, (long long)t);
    const char *a = addr ? addr : "";
    while (*a == ' ' || *a == '<')
        a++;
    size_t n = strcspn(a, ">");
    while (n && a[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++)
        buf_putc(b, (char)tolower((unsigned char)a[i]));
    char full[DIGEST_HEX_LEN + 1];
    digest_hmac_sha256_hex(key->data, key->len, b->data, b->len, full);
    memcpy(out, full, RCPT_HEX);
    out[RCPT_HEX] = 0;
    buf_free(b);
}

/* by_str - qsort order of C strings */
static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rcpt_list - the sorted, comma-separated recipient hashes */
static void rcpt_list(BUF *out, const BUF *key, const char *ref, int64_t t, char *const *rcpt,
                      size_t nrcpt)
{
    char **h = xcalloc(nrcpt ? nrcpt : 1, sizeof(*h));
    for (size_t i = 0; i < nrcpt; i++) {
        h[i] = xmalloc(RCPT_HEX + 1);
        rcpt_hash(key, ref, t, rcpt[i], h[i]);
    }
    qsort(h, nrcpt, sizeof(*h), by_str);
    for (size_t i = 0; i < nrcpt; i++)
        if (i == 0 || strcmp(h[i], h[i - 1]) != 0)
            buf_printf(out, "%s%s", out->len ? "," : "", h[i]);
    for (size_t i = 0; i < nrcpt; i++)
        free(h[i]);
    free(h);
}

/* mac_hex - the MAC of ref, time, recipient list, header fields and body under key */
static void mac_hex(const BUF *key, const char *ref, int64_t t, const char *rcpts, const char *raw,
                    size_t len, char out[DIGEST_HEX_LEN + 1])
{
    char body[DIGEST_HEX_LEN + 1];
    char hdrs[DIGEST_HEX_LEN + 1];
    release_body_hash(raw, len, body);
    headers_hash(raw, len, hdrs);
    char *input =
        xasprintf("fileless-release-v2|%s|%lld|%s|%s|%s", ref, (long long)t, rcpts, hdrs, body);
    digest_hmac_sha256_hex(key->data, key->len, input, strlen(input), out);
    free(input);
}

/* folded - the hash list with a line break and a tab after every RELEASE_FOLD-th comma */
static char *folded(const char *list)
{
    BUF *b = buf_new(strlen(list) + strlen(list) / 16 + 8);
    size_t commas = 0;
    for (const char *p = list; *p; p++) {
        buf_putc(b, *p);
        if (*p == ',' && ++commas % RELEASE_FOLD == 0)
            buf_puts(b, "\r\n\t");
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* release_header_value - "REF; t=TIME; r=HASHES; mac=HEX" (caller frees), or NULL */
char *release_header_value(const CONFIG *c, const char *ref, int64_t t, const char *raw, size_t len,
                           char *const *rcpt, size_t nrcpt, BUF *err)
{
    BUF *key = buf_new(80);
    BUF *rl = buf_new(64);
    char *r = NULL;
    if (nrcpt == 0) {
        buf_puts(err, "release: no recipients");
    } else if (nrcpt > RELEASE_MAX_RCPT) {
        buf_printf(err, "release: %zu recipients, at most %d can be released at once", nrcpt,
                   RELEASE_MAX_RCPT);
    } else if (release_secret(c, true, key, err) == 0) {
        char mac[DIGEST_HEX_LEN + 1];
        rcpt_list(rl, key, ref, t, rcpt, nrcpt);
        mac_hex(key, ref, t, rl->data, raw, len, mac);
        char *list = folded(rl->data);
        r = xasprintf("%s; t=%lld; r=%s; mac=%s", ref, (long long)t, list, mac);
        free(list);
    }
    buf_free(rl);
    buf_free(key);
    return r;
}

/* unfolded - the value without line breaks and without the blanks after a line break or
 * a comma (the MTA may hand a folded header over as it came, or unfolded to one line) */
static char *unfolded(const char *value)
{
    BUF *b = buf_new(strlen(value) + 1);
    bool skip = false;
    for (const char *p = value; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            skip = true;
            continue;
        }
        if (skip && (*p == ' ' || *p == '\t'))
            continue;
        buf_putc(b, *p);
        skip = *p == ',';
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* hex_run - length of a run of lower-case hex digits */
static size_t hex_run(const char *s)
{
    return strspn(s, "0123456789abcdef");
}

/* by_hash - qsort/bsearch order of RCPT_HEX-digit hashes */
static int by_hash(const void *a, const void *b)
{
    return memcmp(a, b, RCPT_HEX);
}

/* all_released - every recipient's hash is one of the comma-separated list */
static bool all_released(const BUF *key, const char *ref, int64_t t, const char *list,
                         char *const *rcpt, size_t nrcpt)
{
    size_t n = 0;
    char(*h)[RCPT_HEX] = xcalloc(strlen(list) / RCPT_HEX + 1, RCPT_HEX);
    bool ok = true;
    for (const char *p = list; ok && *p; p += *p == ',') {
        size_t l = strcspn(p, ",");
        ok = l == RCPT_HEX;
        if (ok)
            memcpy(h[n++], p, RCPT_HEX);
        p += l;
    }
    qsort(h, n, RCPT_HEX, by_hash);
    for (size_t i = 0; ok && i < nrcpt; i++) {
        char x[RCPT_HEX + 1];
        rcpt_hash(key, ref, t, rcpt[i], x);
        ok = bsearch(x, h, n, RCPT_HEX, by_hash) != NULL;
    }
    free(h);
    return ok;
}

/* verify_flat - release_verify of an unfolded value */
static bool verify_flat(const CONFIG *c, const char *value, const char *raw, size_t len,
                        char *const *rcpt, size_t nrcpt, int64_t now, char ref[17])
{
    const char *v = value;
    while (*v == ' ' || *v == '\t')
        v++;
    if (nrcpt == 0 || !str_is_ref(v, STR_REF_LEN) || strncmp(v + STR_REF_LEN, "; t=", 4) != 0)
        return false;
    char r[17];
    memcpy(r, v, 16);
    r[16] = 0;
    const char *tp = v + 20;
    size_t tl = strspn(tp, "0123456789");
    if (tl == 0 || tl > 12 || strncmp(tp + tl, "; r=", 4) != 0)
        return false;
    long long t = strtoll(tp, NULL, 10);
    const char *rp = tp + tl + 4;
    size_t rn = strspn(rp, "0123456789abcdef,");
    if (rn == 0 || rn > RELEASE_MAX_RCPT * (RCPT_HEX + 1) || strncmp(rp + rn, "; mac=", 6) != 0)
        return false;
    const char *mp = rp + rn + 6;
    if (hex_run(mp) != DIGEST_HEX_LEN ||
        strspn(mp + DIGEST_HEX_LEN, " \t\r\n") != strlen(mp + DIGEST_HEX_LEN))
        return false;
    if (t > now + 3600 || t < now - c->release_max_age_days * 86400)
        return false;
    char *rcpts = xstrndup(rp, rn);
    BUF *key = buf_new(80);
    BUF *err = buf_new(64);
    bool ok = false;
    if (release_secret(c, false, key, err) == 0) {
        char want[DIGEST_HEX_LEN + 1], got[DIGEST_HEX_LEN + 1];
        mac_hex(key, r, t, rcpts, raw, len, want);
        memcpy(got, mp, DIGEST_HEX_LEN);
        got[DIGEST_HEX_LEN] = 0;
        ok = digest_equal(want, got) && all_released(key, r, t, rcpts, rcpt, nrcpt);
    }
    free(rcpts);
    buf_free(key);
    buf_free(err);
    if (ok)
        memcpy(ref, r, 17);
    return ok;
}

/* release_verify - a valid, fresh release header value for these recipients (see release.h) */
bool release_verify(const CONFIG *c, const char *value, const char *raw, size_t len,
                    char *const *rcpt, size_t nrcpt, int64_t now, char ref[17])
{
    char *flat = unfolded(value);
    bool ok = verify_flat(c, flat, raw, len, rcpt, nrcpt, now, ref);
    free(flat);
    return ok;
}

/* release_claim - mark (ref, recipient) pairs used; 0, or -1 when one was (see release.h) */
int release_claim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt, BUF *err)
{
    BUF *key = buf_new(80);
    if (c->quarantine_dir[0] == 0 || release_secret(c, false, key, err) != 0) {
        if (c->quarantine_dir[0] == 0)
            buf_puts(err, "no quarantine_dir to record the release in");
        buf_free(key);
        return -1;
    }
    char *dir = xasprintf("%s/released", c->quarantine_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        buf_printf(err, "%s: %s", dir, strerror(errno));
    char **paths = xcalloc(nrcpt ? nrcpt : 1, sizeof(*paths));
    int rc = err->len ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < nrcpt; i++) { /* all unused first, then all marked */
        char h[RCPT_HEX + 1];
        rcpt_hash(key, ref, 0, rcpt[i], h);
        paths[i] = xasprintf("%s/%s.%s", dir, ref, h);
        if (access(paths[i], F_OK) == 0) {
            buf_printf(err, "release %s already used for %.200s", ref, rcpt[i]);
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && i < nrcpt; i++) {
        int fd = open(paths[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            buf_printf(err, "release %s already used for %.200s", ref, rcpt[i]);
        else if (fd < 0)
            buf_printf(err, "%s: %s", paths[i], strerror(errno));
        rc = fd < 0 ? -1 : 0;
        if (fd >= 0)
            close(fd);
    }
    for (size_t i = 0; i < nrcpt; i++)
        free(paths[i]);
    free(paths);
    free(dir);
    buf_free(key);
    return rc;
}

/* release_unclaim - forget the (ref, recipient) marks of release_claim (see release.h) */
void release_unclaim(const CONFIG *c, const char *ref, char *const *rcpt, size_t nrcpt)
{
    BUF *key = buf_new(80);
    BUF *err = buf_new(64);
    if (c->quarantine_dir[0] != 0 && release_secret(c, false, key, err) == 0) {
        for (size_t i = 0; i < nrcpt; i++) {
            char h[RCPT_HEX + 1];
            rcpt_hash(key, ref, 0, rcpt[i], h);
            char *path = xasprintf("%s/released/%s.%s", c->quarantine_dir, ref, h);
            if (unlink(path) != 0 && errno != ENOENT)
                log_warning("ref=%s cannot forget the release mark %s: %s", ref, path,
                            strerror(errno));
            free(path);
        }
    }
    buf_free(err);
    buf_free(key);
}
