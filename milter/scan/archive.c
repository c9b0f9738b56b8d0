/*
 * scan/archive - open password-protected archives with libarchive (contract in archive_pw.h)
 *
 * Why it is built this way:
 *  - One passphrase per libarchive object, and a fresh object per candidate: libarchive
 *    tries every passphrase it holds and would not tell which one worked.
 *  - Only libarchive's zip reader uses passphrases. Its 7-Zip reader answers "encrypted,
 *    but currently not supported", and its RAR reader even hands out the ciphertext of an
 *    encrypted entry as if it were data, so any candidate would seem to "work". Encrypted
 *    archives of other formats are therefore reported (0) without trying candidates.
 *  - A candidate is first verified on the encrypted members only, reading into a scratch
 *    chunk; the members are then read once more, for delivery, with the winner. ZipCrypto's
 *    check byte lets one wrong password in 256 through (and a sender can pick such a decoy
 *    for the message text on purpose); only the CRC (AES: the HMAC) checked at a member's
 *    end catches it. So verification reads a member to its end, within max_total_bytes
 *    rather than max_member_bytes: a member read to its end without error is proof
 *    (PW_STRONG). A member longer than max_total_bytes gives weaker proof (PW_WEAK), used
 *    only when no candidate gives proof; such a member is delivered cut (truncated = 1),
 *    which the caller can report as a limit, so a decoy cannot hide content silently.
 *  - Verification opens at most VERIFY_MEMBERS encrypted members per candidate: each AES
 *    member costs a PBKDF2 key derivation, and 32 candidates times thousands of members
 *    would be a CPU bomb.
 *  - Sizes recorded in the archive are the sender's and are not trusted: a member buffer
 *    grows with what was actually decompressed and never past min(max_member_bytes, the
 *    bytes left of max_total_bytes); decompression stops one byte past that limit (the
 *    byte that tells a cut from an exact fit). Headers visited per pass are capped too.
 *  - Filters: only in-process decompressors. archive_read_support_filter_all() would also
 *    register lrzip, grzip and (Debian has no liblzo2 in libarchive) lzop, which run an
 *    external program on the sender's bytes.
 *  - libarchive's own buffers (inflate window, zip read buffers) are fixed in size; they
 *    are not counted against the limits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "scan/archive.h"
#include "lib/xalloc.h"

#define CHUNK          65536 /* bytes asked of archive_read_data at a time */
#define MAX_ENTRIES    65536 /* headers visited per pass, directories included */
#define VERIFY_MEMBERS 4     /* encrypted members opened per candidate */

enum { PW_FAIL, PW_WEAK, PW_STRONG };

typedef struct MEMBER {
    unsigned char *data;
    size_t len, cap;
} MEMBER;

/* ar_open_as - a reader over data holding passphrase pw (NULL: none), for RAR only or
 * for zip, 7z and RAR; NULL if it cannot start. RAR only matters: libarchive's zip reader
 * looks for the end record near the end of the data and would read a stored zip member
 * of a RAR as the archive itself. */
static struct archive *ar_open_as(const unsigned char *data, size_t n, const char *pw,
                                  bool rar_only)
{
    struct archive *a = archive_read_new();
    if (a == NULL)
        return NULL;
    if (!rar_only) {
        archive_read_support_format_zip(a);
        archive_read_support_format_7zip(a);
    }
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_lzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_compress(a);
    archive_read_support_filter_uu(a);
    if ((pw && archive_read_add_passphrase(a, pw) != ARCHIVE_OK) ||
        archive_read_open_memory(a, data, n) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* ar_open - a reader for zip, 7z and RAR */
static struct archive *ar_open(const unsigned char *data, size_t n, const char *pw)
{
    return ar_open_as(data, n, pw, false);
}

/* next_entry - the next header, or false at the end, on a fatal error or past MAX_ENTRIES */
static bool next_entry(struct archive *a, struct archive_entry **e, size_t *seen)
{
    if ((*seen)++ >= MAX_ENTRIES)
        return false;
    int r = archive_read_next_header(a, e);
    /* ARCHIVE_FAILED concerns this entry only; reading goes on with the next one */
    return r == ARCHIVE_OK || r == ARCHIVE_WARN || r == ARCHIVE_FAILED;
}

/* is_regular - a regular file entry (directories, links and devices are not delivered) */
static bool is_regular(struct archive_entry *e)
{
    return archive_entry_filetype(e) == AE_IFREG;
}

/* probe - -1: not an archive or nothing encrypted; 0: encrypted, not zip; 1: encrypted zip */
static int probe(const unsigned char *data, size_t n)
{
    struct archive *a = ar_open(data, n, NULL);
    if (a == NULL)
        return -1;
    struct archive_entry *e;
    size_t seen = 0;
    bool enc = false;
    while (!enc && next_entry(a, &e, &seen))
        enc = is_regular(e) && archive_entry_is_encrypted(e);
    /* a 7z or rar whose headers are encrypted fails on its first header, flagged */
    if (!enc && archive_read_has_encrypted_entries(a) > 0)
        enc = true;
    bool zip = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
    archive_read_free(a);
    return !enc ? -1 : zip ? 1 : 0;
}

/* member_cat - append k bytes, growing the buffer by doubling but never past limit
 * (len + k <= limit); false when memory runs out */
static bool member_cat(MEMBER *m, const unsigned char *p, size_t k, size_t limit)
{
    if (m->len + k > m->cap) {
        size_t c = m->cap ? m->cap : 4096;
        while (c < m->len + k)
            c = c > limit / 2 ? limit : c * 2;
        if (c > limit)
            c = limit;
        unsigned char *d = try_realloc(m->data, c);
        if (d == NULL)
            return false;
        m->data = d;
        m->cap = c;
    }
    memcpy(m->data + m->len, p, k);
    m->len += k;
    return true;
}

/*
 * read_member - read the current entry, keeping at most cap bytes in m (NULL: count and
 * discard). Returns 0 when the entry ended without error (the CRC or HMAC was checked),
 * 1 when it was cut at cap (or memory ran out), -1 on an error such as a wrong password.
 * *got is the number of bytes kept.
 */
static int read_member(struct archive *a, MEMBER *m, unsigned char *chunk, size_t cap, size_t *got)
{
    *got = 0;
    for (;;) {
        size_t left = cap - *got;
        la_ssize_t r = archive_read_data(a, chunk, left < CHUNK ? left + 1 : CHUNK);
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        size_t k = (size_t)r > left ? left : (size_t)r;
        if (m && k && !member_cat(m, chunk, k, cap))
            return 1;
        *got += k;
        if ((size_t)r > left)
            return 1;
    }
}

/* verify - how well pw opens the encrypted members: PW_FAIL, PW_WEAK or PW_STRONG */
static int verify(const unsigned char *data, size_t n, const char *pw, const ARCHIVE_LIMITS *lim,
                  unsigned char *chunk)
{
    struct archive *a = ar_open(data, n, pw);
    if (a == NULL)
        return PW_FAIL;
    struct archive_entry *e;
    size_t seen = 0;
    size_t regular = 0;
    size_t tried = 0;
    size_t budget = lim->max_total_bytes;
    int best = PW_FAIL;
    while (best != PW_STRONG && tried < VERIFY_MEMBERS && regular < lim->max_members &&
           next_entry(a, &e, &seen)) {
        if (!is_regular(e))
            continue;
        regular++;
        if (!archive_entry_is_encrypted(e))
            continue;
        tried++;
        size_t got;
        int r = read_member(a, NULL, chunk, budget, &got); /* to the CRC if within budget */
        budget -= got;
        if (r == 0)
            best = PW_STRONG;
        else if (r == 1)
            best = PW_WEAK;
        if (budget == 0)
            break;
    }
    archive_read_free(a);
    return best;
}

/* deliver - read the archive with pw and hand each regular member to fn, within the limits */
static void deliver(const unsigned char *data, size_t n, const char *pw, const ARCHIVE_LIMITS *lim,
                    archive_member_fn fn, void *ctx, unsigned char *chunk)
{
    struct archive *a = ar_open(data, n, pw);
    if (a == NULL)
        return;
    struct archive_entry *e;
    size_t seen = 0;
    size_t regular = 0;
    size_t budget = lim->max_total_bytes;
    MEMBER m = {0};
    while (budget > 0 && regular < lim->max_members && next_entry(a, &e, &seen)) {
        if (!is_regular(e))
            continue;
        regular++;
        size_t got;
        size_t cap = lim->max_member_bytes < budget ? lim->max_member_bytes : budget;
        m.len = 0;
        int r = read_member(a, &m, chunk, cap, &got);
        budget -= got;
        if (r < 0)
            continue; /* another password, or damage: nothing trustworthy to deliver */
        const char *name = archive_entry_pathname(e);
        if (fn)
            fn(ctx, name ? name : "", m.data ? m.data : (const unsigned char *)"", m.len, r == 1);
    }
    free(m.data);
    archive_read_free(a);
}

/* archive_open_with_passwords - open an encrypted archive with the first candidate that works */
int archive_open_with_passwords(const unsigned char *data, size_t n, char *const *passwords,
                                size_t npw, const ARCHIVE_LIMITS *lim, archive_member_fn fn,
                                void *ctx, const char **used)
{
    if (used)
        *used = NULL;
    if (data == NULL || lim == NULL)
        return -1;
    int kind = probe(data, n);
    if (kind <= 0)
        return kind;
    size_t tries = passwords == NULL             ? 0
                   : npw < ARCHIVE_MAX_PASSWORDS ? npw
                                                 : ARCHIVE_MAX_PASSWORDS;
    unsigned char *chunk = xmalloc(CHUNK);
    const char *pick = NULL;
    const char *weak = NULL;
    for (size_t i = 0; i < tries && pick == NULL; i++) {
        if (passwords[i] == NULL || passwords[i][0] == 0)
            continue; /* libarchive refuses an empty passphrase */
        int v = verify(data, n, passwords[i], lim, chunk);
        if (v == PW_STRONG)
            pick = passwords[i];
        else if (v == PW_WEAK && weak == NULL)
            weak = passwords[i];
    }
    if (pick == NULL)
        pick = weak;
    if (pick) {
        deliver(data, n, pick, lim, fn, ctx, chunk);
        if (used)
            *used = pick;
    }
    free(chunk);
    return pick ? 1 : 0;
}

/* ---- listing: every member of a RAR (or any archive libarchive reads) ---- */

#define RAR4_SIG     "Rar!\x1a\x07\x00"
#define RAR5_SIG     "Rar!\x1a\x07\x01\x00"
#define RAR5_MAX_ENC 4096 /* encrypted member names remembered from a RAR5 walk */

typedef struct RAR5_ENC {
    char **names; /* members whose file header carries an encryption record */
    size_t n, cap;
    bool headers; /* an archive encryption header: every header after it is ciphertext */
} RAR5_ENC;

/* vint - RAR5 variable-length integer at *p (7 bits a byte); false past end */
static bool vint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char b = *(*p)++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* rar5_file_encrypted - one file header (after type and flags) says "encrypted" */
static void rar5_file(RAR5_ENC *enc, const unsigned char *p, const unsigned char *end,
                      uint64_t hflags, uint64_t extra)
{
    uint64_t v;
    uint64_t fflags;
    uint64_t namelen;
    if ((hflags & 2) && !vint(&p, end, &v)) /* data size */
        return;
    if (!vint(&p, end, &fflags) || !vint(&p, end, &v) || !vint(&p, end, &v))
        return; /* file flags, unpacked size, attributes */
    p += ((fflags & 2) ? 4 : 0) + ((fflags & 4) ? 4 : 0); /* mtime, crc32 */
    if (p > end || !vint(&p, end, &v) || !vint(&p, end, &v) || !vint(&p, end, &namelen))
        return; /* compression info, host OS, name length */
    if (namelen > (uint64_t)(end - p))
        return;
    const unsigned char *name = p;
    const unsigned char *x = extra <= (uint64_t)(end - p) ? end - extra : end;
    bool crypt = false;
    while (x < end && !crypt) {
        uint64_t size;
        uint64_t type;
        const unsigned char *rec = x;
        if (!vint(&x, end, &size) || size > (uint64_t)(end - x))
            break;
        const unsigned char *next = x + size;
        crypt = vint(&x, next, &type) && type == 1;
        x = next > rec ? next : end;
    }
    if (crypt && enc->n < RAR5_MAX_ENC) {
        XGROW(enc->names, enc->n, enc->cap);
        enc->names[enc->n++] = xstrndup((const char *)name, (size_t)namelen);
    }
}

/* rar5_walk - libarchive 3.6 neither flags nor refuses RAR5 encryption: read the
 * headers ourselves (u32 crc, vint size, vint type, vint flags, ...) */
static void rar5_walk(const unsigned char *data, size_t n, RAR5_ENC *enc)
{
    /* RAR4: the main header (u16 crc, u8 type 0x73, u16 flags) has MHD_PASSWORD 0x80 */
    if (n >= 12 && memcmp(data, RAR4_SIG, 7) == 0 && data[9] == 0x73 && (data[10] & 0x80))
        enc->headers = true;
    if (n < 8 || memcmp(data, RAR5_SIG, 8) != 0)
        return;
    const unsigned char *p = data + 8;
    const unsigned char *end = data + n;
    for (size_t k = 0; k < MAX_ENTRIES && end - p > 4; k++) {
        const unsigned char *q = p + 4;
        uint64_t size;
        uint64_t type;
        uint64_t hflags;
        uint64_t extra = 0;
        uint64_t dsize = 0;
        if (!vint(&q, end, &size) || size > (uint64_t)(end - q))
            return;
        const unsigned char *hend = q + size;
        if (!vint(&q, hend, &type) || !vint(&q, hend, &hflags))
            return;
        if ((hflags & 1) && !vint(&q, hend, &extra))
            return;
        const unsigned char *after = q;
        if ((hflags & 2) && !vint(&after, hend, &dsize))
            return;
        if (type == 4) {
            enc->headers = true;
            return;
        }
        if (type == 2)
            rar5_file(enc, q, hend, hflags, extra);
        if (type == 5 || dsize > (uint64_t)(end - hend))
            return;
        p = hend + dsize;
    }
}

/* rar5_enc_has - name is one the walk saw encrypted */
static bool rar5_enc_has(const RAR5_ENC *enc, const char *name)
{
    for (size_t i = 0; i < enc->n; i++)
        if (strcmp(enc->names[i], name) == 0)
            return true;
    return false;
}

/* archive_is_encrypted - libarchive flags an encrypted member or header, or the RAR walk
 * finds an encryption record libarchive does not flag */
bool archive_is_encrypted(const unsigned char *data, size_t n)
{
    if (data == NULL)
        return false;
    if (probe(data, n) >= 0)
        return true;
    RAR5_ENC enc = {0};
    rar5_walk(data, n, &enc);
    bool yes = enc.headers || enc.n > 0;
    for (size_t i = 0; i < enc.n; i++)
        free(enc.names[i]);
    free(enc.names);
    return yes;
}

/* archive_list - every regular member to fn (see archive_pw.h) */
int archive_list(const unsigned char *data, size_t n, const ARCHIVE_LIMITS *lim,
                 archive_entry_fn fn, void *ctx)
{
    if (data == NULL || lim == NULL)
        return -1;
    struct archive *a = ar_open_as(data, n, NULL, true);
    if (a == NULL)
        return -1;
    RAR5_ENC enc = {0};
    rar5_walk(data, n, &enc);
    unsigned char *chunk = xmalloc(CHUNK);
    struct archive_entry *e;
    size_t seen = 0;
    size_t regular = 0;
    size_t budget = lim->max_total_bytes;
    MEMBER m = {0};
    int r;
    ARCHIVE_ITEM it;
    while ((r = archive_read_next_header(a, &e)) >= ARCHIVE_FAILED && r != ARCHIVE_EOF) {
        if (seen++ >= MAX_ENTRIES || regular >= lim->max_members || budget == 0) {
            it = (ARCHIVE_ITEM){"", NULL, 0, ARCHIVE_I_LIMIT, "member or byte limit reached"};
            fn(ctx, &it);
            break;
        }
        if (!is_regular(e))
            continue;
        regular++;
        const char *name = archive_entry_pathname(e);
        it = (ARCHIVE_ITEM){name ? name : "", NULL, 0, 0, NULL};
        if (archive_entry_is_encrypted(e) || rar5_enc_has(&enc, it.name)) {
            it.flags = ARCHIVE_I_ENCRYPTED; /* RAR hands out ciphertext as data: never read */
            archive_read_data_skip(a);
            fn(ctx, &it);
            continue;
        }
        size_t got;
        size_t cap = lim->max_member_bytes < budget ? lim->max_member_bytes : budget;
        m.len = 0;
        int rr = read_member(a, &m, chunk, cap, &got);
        budget -= got;
        it.data = m.data ? m.data : (const unsigned char *)"";
        it.n = m.len;
        if (rr < 0) {
            it.flags = ARCHIVE_I_ERROR;
            it.error = archive_error_string(a);
        } else if (rr == 1) {
            it.flags = ARCHIVE_I_TRUNCATED;
        }
        fn(ctx, &it);
    }
    if (r < ARCHIVE_FAILED || enc.headers) {
        const char *why = enc.headers ? "archive headers are encrypted" : archive_error_string(a);
        it = (ARCHIVE_ITEM){"", NULL, 0, enc.headers ? ARCHIVE_I_ENCRYPTED : ARCHIVE_I_ERROR,
                            why ? why : "unreadable archive"};
        if (r != ARCHIVE_EOF || enc.headers)
            fn(ctx, &it);
    }
    for (size_t i = 0; i < enc.n; i++)
        free(enc.names[i]);
    free(enc.names);
    free(m.data);
    free(chunk);
    archive_read_free(a);
    return (int)regular;
}
