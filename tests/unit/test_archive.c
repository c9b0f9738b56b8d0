/*
 * test_archive - unit tests for archive.c (password-protected archives via libarchive)
 *
 * The encrypted zips are built at test time with libarchive's own writer (ZipCrypto,
 * AES-128, AES-256), so no fixture file and no zip tool is needed. That is why this test
 * includes <archive.h>: the rule "archive.c is the only includer of libarchive" is about
 * production code (tests/check-code.sh looks at milter/ only).
 *
 * Corpus cases read ../shared/corpus (relative to the repo root, the working directory)
 * and skip cleanly when it is absent: the oletools zips, encrypted with "infected-test"
 * (../shared/corpus/MANIFEST.md), whose member sizes and CRC-32s come from the zips'
 * central directories as listed by Python's zipfile; and ClamAV's clam-v3.rar, turned
 * into an "encrypted" RAR by setting the password flag in a header (libarchive cannot
 * decrypt RAR, and must not mistake its ciphertext for data).
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "scan/archive.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "testutil.h"

#define CORPUS   "../shared/corpus"
#define SCRIPT   "WScript.Echo('inert test')"
#define PW       "S3cret!"
#define NGOT     16
#define OUT_SIZE (4u << 20) /* room for every zip built here */

static int store; /* make_archive stores members uncompressed (zip) */

/* ------------------------------------------------------------------ building zips */

typedef enum { F_TEXT, F_ZEROS, F_PATTERN, F_DIR } FILL;

typedef struct SPEC {
    const char *name;
    FILL fill;
    const char *text; /* F_TEXT */
    size_t size;      /* F_ZEROS, F_PATTERN */
} SPEC;

/* pattern_byte - byte i of an F_PATTERN member, easy to recompute when checking */
static unsigned char pattern_byte(size_t i)
{
    return (unsigned char)(i * 31 + i / 251);
}

/* write_body - write a member's bytes in 64 KB pieces (50 MB of zeros never sit in memory) */
static void write_body(struct archive *a, const SPEC *s)
{
    static unsigned char piece[65536];
    if (s->fill == F_TEXT) {
        assert_int_equal(archive_write_data(a, s->text, strlen(s->text)), strlen(s->text));
        return;
    }
    for (size_t done = 0; done < s->size;) {
        size_t k = s->size - done < sizeof(piece) ? s->size - done : sizeof(piece);
        for (size_t i = 0; i < k; i++)
            piece[i] = s->fill == F_ZEROS ? 0 : pattern_byte(done + i);
        assert_int_equal(archive_write_data(a, piece, k), k);
        done += k;
    }
}

/* make_archive - an archive in memory (zip, or 7z when sevenzip) holding the specs;
 * encryption is a libarchive zip option value ("traditional", "aes128", "aes256") or NULL */
static unsigned char *make_archive(int sevenzip, const char *encryption, const SPEC *specs,
                                   size_t nspecs, size_t *len)
{
    struct archive *a = archive_write_new();
    assert_int_equal(sevenzip ? archive_write_set_format_7zip(a) : archive_write_set_format_zip(a),
                     ARCHIVE_OK);
    if (store)
        assert_int_equal(archive_write_set_options(a, "zip:compression=store"), ARCHIVE_OK);
    if (encryption) {
        char opt[64];
        snprintf(opt, sizeof(opt), "zip:encryption=%s", encryption);
        assert_int_equal(archive_write_set_options(a, opt), ARCHIVE_OK);
        assert_int_equal(archive_write_set_passphrase(a, PW), ARCHIVE_OK);
    }
    unsigned char *out = xmalloc(OUT_SIZE);
    assert_int_equal(archive_write_open_memory(a, out, OUT_SIZE, len), ARCHIVE_OK);
    for (size_t i = 0; i < nspecs; i++) {
        const SPEC *s = &specs[i];
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, s->name);
        archive_entry_set_filetype(e, s->fill == F_DIR ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, s->fill == F_DIR ? 0755 : 0644);
        archive_entry_set_size(e, s->fill == F_DIR    ? 0
                                  : s->fill == F_TEXT ? (la_int64_t)strlen(s->text)
                                                      : (la_int64_t)s->size);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        if (s->fill != F_DIR)
            write_body(a, s);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return out;
}

/* ------------------------------------------------------------------ collecting members */

typedef struct GOT {
    size_t count, total;
    char *name[NGOT];
    unsigned char *data[NGOT];
    size_t n[NGOT];
    int truncated[NGOT];
} GOT;

/* collect - archive_member_fn that keeps copies of what it is given */
static void collect(void *ctx, const char *name, const unsigned char *data, size_t n, int truncated)
{
    GOT *g = ctx;
    assert_non_null(name);
    assert_non_null(data);
    g->total += n;
    if (g->count < NGOT) {
        g->name[g->count] = xstrdup(name);
        g->data[g->count] = xmemdup(data, n);
        g->n[g->count] = n;
        g->truncated[g->count] = truncated;
    }
    g->count++;
}

/* got_free - release what collect kept */
static void got_free(GOT *g)
{
    for (size_t i = 0; i < g->count && i < NGOT; i++) {
        free(g->name[i]);
        free(g->data[i]);
    }
    memset(g, 0, sizeof(*g));
}

static const ARCHIVE_LIMITS roomy = {100, 1u << 20, 8u << 20};

static char *wrong_then_right[] = {(char *)"wrong",   (char *)"", NULL,
                                   (char *)"s3cret!", (char *)PW, (char *)"after"};
#define RIGHT_AT 4
static char *only_wrong[] = {(char *)"wrong", (char *)"s3cret!", (char *)"S3cret"};

/* ------------------------------------------------------------------ cases */

static const char *const methods[] = {"traditional", "aes128", "aes256"};

/* test_right_among_wrong - each zip encryption: the right candidate opens it */
static void test_right_among_wrong(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"invoice.js", F_TEXT, SCRIPT, 0}};
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
        size_t len;
        unsigned char *zip = make_archive(0, methods[m], spec, 1, &len);
        GOT g = {0};
        const char *used = (const char *)1;
        int r =
            archive_open_with_passwords(zip, len, wrong_then_right, 6, &roomy, collect, &g, &used);
        if (r != 1)
            print_error("FAIL %s: got %d, want 1\n", methods[m], r);
        assert_int_equal(r, 1);
        assert_ptr_equal(used, wrong_then_right[RIGHT_AT]);
        assert_int_equal(g.count, 1);
        assert_string_equal(g.name[0], "invoice.js");
        assert_int_equal(g.n[0], strlen(SCRIPT));
        assert_memory_equal(g.data[0], SCRIPT, strlen(SCRIPT));
        assert_int_equal(g.truncated[0], 0);
        got_free(&g);
        free(zip);
    }
}

/* test_no_right_password - encrypted, no candidate works: 0, nothing delivered */
static void test_no_right_password(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"invoice.js", F_TEXT, SCRIPT, 0}};
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
        size_t len;
        unsigned char *zip = make_archive(0, methods[m], spec, 1, &len);
        GOT g = {0};
        const char *used = (const char *)1;
        assert_int_equal(
            archive_open_with_passwords(zip, len, only_wrong, 3, &roomy, collect, &g, &used), 0);
        assert_null(used);
        assert_int_equal(g.count, 0);
        assert_int_equal(archive_open_with_passwords(zip, len, NULL, 0, &roomy, collect, &g, NULL),
                         0);
        assert_int_equal(
            archive_open_with_passwords(zip, len, wrong_then_right, 0, &roomy, collect, &g, NULL),
            0);
        assert_int_equal(g.count, 0);
        free(zip);
    }
}

/* test_not_encrypted - a plain zip or 7z is not this module's business: -1 */
static void test_not_encrypted(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"invoice.js", F_TEXT, SCRIPT, 0}};
    for (int sevenzip = 0; sevenzip <= 1; sevenzip++) {
        size_t len;
        unsigned char *a = make_archive(sevenzip, NULL, spec, 1, &len);
        GOT g = {0};
        const char *used = (const char *)1;
        assert_int_equal(
            archive_open_with_passwords(a, len, wrong_then_right, 6, &roomy, collect, &g, &used),
            -1);
        assert_null(used);
        assert_int_equal(g.count, 0);
        free(a);
    }
}

/* test_not_archive - random bytes, text, nothing: -1 */
static void test_not_archive(void **state)
{
    (void)state;
    unsigned char noise[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32: fixed, reproducible */
        noise[i] = (unsigned char)x;
    }
    GOT g = {0};
    const unsigned char *text = (const unsigned char *)"PK not really a zip";
    assert_int_equal(archive_open_with_passwords(noise, sizeof(noise), wrong_then_right, 6, &roomy,
                                                 collect, &g, NULL),
                     -1);
    assert_int_equal(
        archive_open_with_passwords(text, 19, wrong_then_right, 6, &roomy, collect, &g, NULL), -1);
    assert_int_equal(
        archive_open_with_passwords(text, 0, wrong_then_right, 6, &roomy, collect, &g, NULL), -1);
    assert_int_equal(
        archive_open_with_passwords(NULL, 0, wrong_then_right, 6, &roomy, collect, &g, NULL), -1);
    assert_int_equal(g.count, 0);
}

/* test_member_limit - a member over max_member_bytes comes cut, flagged; an exact fit does not */
static void test_member_limit(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"big.bin", F_PATTERN, NULL, 10000},
                                {"fit.bin", F_PATTERN, NULL, 1000}};
    const ARCHIVE_LIMITS lim = {100, 1000, 1u << 20};
    size_t len;
    unsigned char *zip = make_archive(0, "aes256", spec, 2, &len);
    GOT g = {0};
    assert_int_equal(
        archive_open_with_passwords(zip, len, wrong_then_right, 6, &lim, collect, &g, NULL), 1);
    assert_int_equal(g.count, 2);
    unsigned char want[1000];
    for (size_t i = 0; i < sizeof(want); i++)
        want[i] = pattern_byte(i);
    assert_string_equal(g.name[0], "big.bin");
    assert_int_equal(g.n[0], 1000);
    assert_int_equal(g.truncated[0], 1);
    assert_memory_equal(g.data[0], want, 1000);
    assert_string_equal(g.name[1], "fit.bin");
    assert_int_equal(g.n[1], 1000);
    assert_int_equal(g.truncated[1], 0);
    assert_memory_equal(g.data[1], want, 1000);
    got_free(&g);
    free(zip);
}

/* test_max_members - at most max_members regular members; directories are not members */
static void test_max_members(void **state)
{
    (void)state;
    static const SPEC spec[] = {
        {"docs/", F_DIR, NULL, 0},    {"m0.js", F_TEXT, SCRIPT, 0}, {"m1.js", F_TEXT, SCRIPT, 0},
        {"m2.js", F_TEXT, SCRIPT, 0}, {"m3.js", F_TEXT, SCRIPT, 0}, {"m4.js", F_TEXT, SCRIPT, 0},
    };
    const ARCHIVE_LIMITS lim = {3, 1u << 20, 1u << 20};
    size_t len;
    unsigned char *zip = make_archive(0, "traditional", spec, 6, &len);
    GOT g = {0};
    assert_int_equal(
        archive_open_with_passwords(zip, len, wrong_then_right, 6, &lim, collect, &g, NULL), 1);
    assert_int_equal(g.count, 3);
    assert_string_equal(g.name[0], "m0.js");
    assert_string_equal(g.name[2], "m2.js");
    got_free(&g);
    free(zip);
}

/* test_total_limit - max_total_bytes over all members: the member that crosses it is cut */
static void test_total_limit(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"a.bin", F_PATTERN, NULL, 1000},
                                {"b.bin", F_PATTERN, NULL, 1000},
                                {"c.bin", F_PATTERN, NULL, 1000},
                                {"d.bin", F_PATTERN, NULL, 1000}};
    const ARCHIVE_LIMITS lim = {100, 1u << 20, 2500};
    size_t len;
    unsigned char *zip = make_archive(0, "traditional", spec, 4, &len);
    GOT g = {0};
    assert_int_equal(
        archive_open_with_passwords(zip, len, wrong_then_right, 6, &lim, collect, &g, NULL), 1);
    assert_int_equal(g.count, 3);
    assert_int_equal(g.n[0], 1000);
    assert_int_equal(g.truncated[0], 0);
    assert_int_equal(g.n[1], 1000);
    assert_int_equal(g.n[2], 500);
    assert_int_equal(g.truncated[2], 1);
    assert_int_equal(g.total, 2500);
    got_free(&g);
    free(zip);
}

/* find_decoy - a wrong password that passes ZipCrypto's one-byte check on the first member
 * (about one in 256 does), written to buf; found with libarchive's reader directly */
static void find_decoy(const unsigned char *zip, size_t len, char *buf, size_t size)
{
    for (unsigned i = 0; i < 65536; i++) {
        snprintf(buf, size, "decoy%u", i);
        struct archive *a = archive_read_new();
        struct archive_entry *e;
        char byte;
        archive_read_support_format_zip(a);
        archive_read_add_passphrase(a, buf);
        assert_int_equal(archive_read_open_memory(a, zip, len), ARCHIVE_OK);
        assert_int_equal(archive_read_next_header(a, &e), ARCHIVE_OK);
        la_ssize_t r = archive_read_data(a, &byte, 1); /* "Incorrect passphrase" or a byte */
        archive_read_free(a);
        if (r >= 0)
            return;
    }
    fail_msg("no decoy found in 65536 tries");
}

/* test_decoy - a wrong password passing ZipCrypto's check byte loses to the right one, even
 * when the member is longer than max_member_bytes (verification reads on to the CRC) */
static void test_decoy(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"big.bin", F_PATTERN, NULL, 3000}};
    const ARCHIVE_LIMITS lim = {100, 1000, 1u << 20};
    size_t len;
    store = 1; /* stored: garbage from a decoy key is not stopped by an inflate error */
    unsigned char *zip = make_archive(0, "traditional", spec, 1, &len);
    store = 0;
    char decoy[32];
    find_decoy(zip, len, decoy, sizeof(decoy));
    char *pws[] = {decoy, (char *)PW};
    GOT g = {0};
    const char *used = NULL;
    assert_int_equal(archive_open_with_passwords(zip, len, pws, 2, &lim, collect, &g, &used), 1);
    assert_ptr_equal(used, pws[1]);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.n[0], 1000);
    assert_int_equal(g.truncated[0], 1);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(g.data[0][i], pattern_byte(i));
    got_free(&g);
    free(zip);
}

/* max_rss_kb - the peak resident size of this process so far, in KB */
static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* test_zip_bomb - 50 MB of zeros, encrypted: stops at max_total_bytes, memory stays small */
static void test_zip_bomb(void **state)
{
    (void)state;
    static const SPEC spec[] = {{"zeros.bin", F_ZEROS, NULL, 50u << 20},
                                {"after.js", F_TEXT, SCRIPT, 0}};
    const ARCHIVE_LIMITS lim = {100, 64u << 20, 1u << 20};
    size_t len;
    unsigned char *zip = make_archive(0, "traditional", spec, 2, &len);
    assert_true(len < (1u << 20)); /* it is a bomb: far smaller than what it holds */
    GOT g = {0};
    long before = max_rss_kb();
    assert_int_equal(
        archive_open_with_passwords(zip, len, wrong_then_right, 6, &lim, collect, &g, NULL), 1);
    long grown = max_rss_kb() - before;
    assert_int_equal(g.count, 1);
    assert_string_equal(g.name[0], "zeros.bin");
    assert_int_equal(g.n[0], 1u << 20);
    assert_int_equal(g.truncated[0], 1);
    /* had the 50 MB been held, the peak would have grown by about that much */
    if (grown >= 24 * 1024)
        print_error("peak RSS grew by %ld KB\n", grown);
    assert_true(grown < 24 * 1024);
    got_free(&g);
    free(zip);
}

/* ------------------------------------------------------------------ corpus */

/* crc32_of - CRC-32 (zip's and RAR's polynomial) of n bytes */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return c ^ 0xffffffffu;
}

/* corpus_present - whether ../shared/corpus is there; skips the test when not */
static int corpus_present(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

static const struct {
    const char *path, *member;
    size_t size;
    uint32_t crc;
    const char *magic;
} oletools[] = {
    {"msodde/dde-in-word2003.xml.zip", "dde-in-word2003.xml", 4153, 0xa22f04e9, "<?xml"},
    {"msodde/dde-in-word2007.xml.zip", "dde-in-word2007.xml", 27289, 0xb636446a, "<?xml"},
    {"msodde/dde-test-from-office2003.doc.zip", "dde-test-from-office2003.doc", 24576, 0x2a65b03a,
     "\xd0\xcf\x11\xe0"},
    {"msodde/dde-test-from-office2013-utf_16le-korean.doc.zip",
     "dde-test-from-office2013-utf_16le-korean.doc", 27648, 0xdeb2f206, "\xd0\xcf\x11\xe0"},
    {"msodde/dde-test-from-office2016.doc.zip", "dde-test-from-office2016.doc", 23552, 0x5e20a569,
     "\xd0\xcf\x11\xe0"},
    {"ooxml/dde-in-word2003.xml.zip", "dde-in-word2003.xml", 4153, 0xa22f04e9, "<?xml"},
    {"rtfobj/issue_185.rtf.zip", "issue_185.rtf", 133, 0xf0e48487, "{\\rt"},
};

/* test_corpus_oletools - real ZipCrypto zips open with "infected-test" among wrong ones */
static void test_corpus_oletools(void **state)
{
    (void)state;
    if (!corpus_present())
        skip();
    char *pws[] = {(char *)"infected", (char *)"Infected-test", (char *)"infected-test"};
    int failed = 0;
    for (size_t i = 0; i < sizeof(oletools) / sizeof(oletools[0]); i++) {
        char path[512];
        size_t len;
        snprintf(path, sizeof(path), CORPUS "/oletools/test-data/%s", oletools[i].path);
        unsigned char *zip = slurp(path, &len);
        assert_non_null(zip);
        GOT g = {0};
        const char *used = NULL;
        int r = archive_open_with_passwords(zip, len, pws, 3, &roomy, collect, &g, &used);
        size_t ml = strlen(oletools[i].magic);
        int ok = r == 1 && used == pws[2] && g.count == 1 &&
                 strcmp(g.name[0], oletools[i].member) == 0 && g.n[0] == oletools[i].size &&
                 crc32_of(g.data[0], g.n[0]) == oletools[i].crc && !g.truncated[0] &&
                 memcmp(g.data[0], oletools[i].magic, ml) == 0;
        if (!ok) {
            print_error("FAIL %s: r=%d count=%zu n=%zu\n", oletools[i].path, r, g.count,
                        g.count ? g.n[0] : 0);
            failed++;
        }
        got_free(&g);
        free(zip);
    }
    assert_int_equal(failed, 0);
}

/* rar_flag - set a header flag in the first RAR 4 block of the given type; fix its CRC */
static void rar_flag(unsigned char *p, size_t n, unsigned type, unsigned flag)
{
    size_t at = 7; /* after the marker block "Rar!\x1a\x07\x00" */
    while (at + 7 <= n) {
        size_t size = p[at + 5] | (size_t)p[at + 6] << 8;
        unsigned flags = p[at + 3] | (unsigned)p[at + 4] << 8;
        if (p[at + 2] == type) {
            flags |= flag;
            p[at + 3] = (unsigned char)flags, p[at + 4] = (unsigned char)(flags >> 8);
            uint32_t crc = crc32_of(p + at + 2, size - 2);
            p[at] = (unsigned char)crc, p[at + 1] = (unsigned char)(crc >> 8);
            return;
        }
        size_t add = (flags & 0x8000) ? (p[at + 7] | (size_t)p[at + 8] << 8 |
                                         (size_t)p[at + 9] << 16 | (size_t)p[at + 10] << 24)
                                      : 0;
        assert_true(size >= 7);
        at += size + add;
    }
    fail_msg("no RAR block of type 0x%x", type);
}

/* test_corpus_rar - libarchive cannot decrypt RAR: an encrypted one is 0, never 1 */
static void test_corpus_rar(void **state)
{
    (void)state;
    if (!corpus_present())
        skip();
    size_t len;
    unsigned char *rar = slurp(CORPUS "/clamav-unittest-input/scanfiles_decoded/clam-v3.rar", &len);
    assert_non_null(rar);
    GOT g = {0};
    assert_int_equal(
        archive_open_with_passwords(rar, len, wrong_then_right, 6, &roomy, collect, &g, NULL), -1);
    unsigned char *file_enc = xmemdup(rar, len), *head_enc = xmemdup(rar, len);
    rar_flag(file_enc, len, 0x74, 0x0004); /* FHD_PASSWORD: the member's data is encrypted */
    rar_flag(head_enc, len, 0x73, 0x0080); /* MHD_PASSWORD: the headers are encrypted */
    const char *used = (const char *)1;
    assert_int_equal(
        archive_open_with_passwords(file_enc, len, wrong_then_right, 6, &roomy, collect, &g, &used),
        0);
    assert_null(used);
    assert_int_equal(
        archive_open_with_passwords(head_enc, len, wrong_then_right, 6, &roomy, collect, &g, NULL),
        0);
    assert_int_equal(g.count, 0);
    free(rar);
    free(file_enc);
    free(head_enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zip_bomb), /* first: the peak RSS it measures is still low */
        cmocka_unit_test(test_right_among_wrong), cmocka_unit_test(test_no_right_password),
        cmocka_unit_test(test_not_encrypted),     cmocka_unit_test(test_not_archive),
        cmocka_unit_test(test_member_limit),      cmocka_unit_test(test_max_members),
        cmocka_unit_test(test_total_limit),       cmocka_unit_test(test_decoy),
        cmocka_unit_test(test_corpus_oletools),   cmocka_unit_test(test_corpus_rar),
    };
    return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
