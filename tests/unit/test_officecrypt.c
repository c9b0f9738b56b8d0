/*
 * test_officecrypt - unit tests for officecrypt.c, officecrypt_rc4.c and cfb.c
 *
 * Real encrypted Office files from ../shared/corpus (msoffcrypto-tool's inputs with their
 * expected decrypted outputs, oletools' VelvetSweatshop samples, Apache POI's protected
 * files; passwords from MANIFEST.md and formats.md §4). Each case skips cleanly when the
 * corpus is absent. Checked: the scheme is recognised, the right candidate is picked
 * (VelvetSweatshop first, then the stated ones), the output starts with the right magic
 * (PK for OOXML, the OLE2 signature for .xls/.doc) and equals msoffcrypto-tool's output
 * (OOXML byte for byte; for .xls/.doc the decrypted streams), the VBA project is in the
 * decrypted package, wrong passwords and unsupported schemes are refused with a reason,
 * and the hash budget stops Agile's 100,000 rounds per candidate.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/digest.h"
#include "scan/cfb.h"
#include "scan/officecrypt.h"
#include "scan/officecrypt_int.h"
#include "lib/xalloc.h"
#include "testutil.h"

#define MSO    "../shared/corpus/office-msoffcrypto-tool/"
#define OLET   "../shared/corpus/oletools/test-data/encrypted/"
#define POI    "../shared/corpus/office-apache-poi/"
#define VELVET OFFICECRYPT_DEFAULT_PASSWORD

static const OFFICECRYPT_LIMITS LIM = {32u << 20, 2000000};
static const unsigned char OLE[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

typedef struct CASE {
    const char *path;
    const char *pw;  /* the stated password tried after VelvetSweatshop, or NULL */
    int expect_used; /* 0: VelvetSweatshop, 1: the stated one */
    const char *format;
    const char *scheme_prefix;
} CASE;

/* open_case - read and decrypt a corpus file; NULL (and a skip) when it is absent */
static unsigned char *open_case(const CASE *c, OFFICECRYPT_RESULT *r, int *ret)
{
    size_t n;
    unsigned char *d = slurp(c->path, &n);
    if (d == NULL)
        return NULL;
    char *pw[2] = {VELVET, (char *)c->pw};
    assert_true(officecrypt_detect(d, n));
    *ret = officecrypt_open(d, n, pw, c->pw ? 2 : 1, &LIM, r);
    return d;
}

/* stream - a stream of a compound file held in memory, or NULL */
static unsigned char *stream(const unsigned char *d, size_t n, const char *name, size_t *len)
{
    CFB *c = cfb_open(d, n);
    unsigned char *s = c ? cfb_read(c, cfb_find(c, name), 64u << 20, len) : NULL;
    cfb_free(c);
    return s;
}

/* check_case - decrypts with the expected candidate, scheme and magic */
static int check_case(const CASE *c, OFFICECRYPT_RESULT *r)
{
    int ret = -2;
    unsigned char *d = open_case(c, r, &ret);
    if (d == NULL)
        return 0;
    free(d);
    if (ret != 1)
        fprintf(stderr, "%s: %d %s %s\n", c->path, ret, r->scheme, r->why ? r->why : "");
    assert_int_equal(ret, 1);
    assert_int_equal(r->used, c->expect_used);
    assert_string_equal(r->format, c->format);
    assert_memory_equal(r->scheme, c->scheme_prefix, strlen(c->scheme_prefix));
    assert_true(r->len > 8);
    if (strcmp(c->format, "ooxml") == 0)
        assert_memory_equal(r->out, "PK\3\4", 4);
    else
        assert_memory_equal(r->out, OLE, 8);
    return 1;
}

/* same_file - the decrypted output equals an expected file */
static void same_file(const OFFICECRYPT_RESULT *r, const char *expected)
{
    size_t n;
    unsigned char *e = slurp(expected, &n);
    if (e == NULL)
        return;
    assert_int_equal(r->len, n);
    assert_memory_equal(r->out, e, n);
    free(e);
}

/* same_stream - a stream of the output equals the expected file's, from offset skip on */
static void same_stream(const OFFICECRYPT_RESULT *r, const char *expected, const char *name,
                        size_t skip)
{
    size_t n, a, b;
    unsigned char *e = slurp(expected, &n);
    if (e == NULL)
        return;
    unsigned char *x = stream(e, n, name, &a), *y = stream(r->out, r->len, name, &b);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(a, b);
    assert_true(a > skip);
    assert_memory_equal(x + skip, y + skip, a - skip);
    free(x);
    free(y);
    free(e);
}

static void test_agile_sha512(void **state)
{
    (void)state;
    OFFICECRYPT_RESULT r;
    CASE c = {MSO "inputs/example_password.xlsx", "Password1234_", 1, "ooxml",
              "Agile SHA512 AES-256"};
    if (!check_case(&c, &r))
        skip();
    same_file(&r, MSO "outputs/example.xlsx");
    assert_true(r.spins >= 200000); /* VelvetSweatshop tried first, 100,000 rounds each */
    officecrypt_done(&r);
    c.path = MSO "inputs/example_password.docx";
    assert_int_equal(check_case(&c, &r), 1);
    same_file(&r, MSO "outputs/example.docx");
    officecrypt_done(&r);
    CASE s = {POI "spreadsheet/protected_sha512.xlsx", "this is a test", 1, "ooxml",
              "Agile SHA512"};
    if (check_case(&s, &r))
        officecrypt_done(&r);
}

static void test_standard(void **state)
{
    (void)state;
    OFFICECRYPT_RESULT r;
    CASE c = {MSO "inputs/ecma376standard_password.docx", "Password1234_", 1, "ooxml",
              "Standard AES-128"};
    if (!check_case(&c, &r))
        skip();
    same_file(&r, MSO "outputs/ecma376standard_password_plain.docx");
    officecrypt_done(&r);
    CASE v = {POI "spreadsheet/protect.xlsx", NULL, 0, "ooxml", "Standard AES-128"};
    if (check_case(&v, &r))
        officecrypt_done(&r);
    CASE t = {POI "spreadsheet/protected_passtika.xlsx", "tika", 1, "ooxml", "Standard"};
    if (check_case(&t, &r))
        officecrypt_done(&r);
}

/* velvet - VelvetSweatshop files: the first candidate; the macros are in the output */
static void test_velvet_macros(void **state)
{
    (void)state;
    OFFICECRYPT_RESULT r;
    CASE c = {OLET "autostart-encrypt-standardpassword.xlsm", NULL, 0, "ooxml",
              "Agile SHA1 AES-128"};
    if (!check_case(&c, &r))
        skip();
    assert_non_null(memmem(r.out, r.len, "xl/vbaProject.bin", 17)); /* zip directory */
    officecrypt_done(&r);
    CASE b = {OLET "autostart-encrypt-standardpassword.xlsb", NULL, 0, "ooxml", "Agile SHA1"};
    assert_int_equal(check_case(&b, &r), 1);
    assert_non_null(memmem(r.out, r.len, "xl/vbaProject.bin", 17));
    officecrypt_done(&r);
    CASE x = {OLET "autostart-encrypt-standardpassword.xls", NULL, 0, "xls", "RC4"};
    assert_int_equal(check_case(&x, &r), 1);
    size_t n;
    unsigned char *w = stream(r.out, r.len, "Workbook", &n);
    assert_non_null(w);
    assert_true(n > 64);
    assert_int_equal(w[0] | w[1] << 8, 0x0809); /* BOF */
    /* FILEPASS is blanked; the BOUNDSHEET name after it is readable again */
    assert_null(memmem(w, 64, "\x2f\x00", 2) == w + 20 ? w : NULL);
    free(w);
    officecrypt_done(&r);
}

static void test_rc4_xls(void **state)
{
    (void)state;
    OFFICECRYPT_RESULT r;
    CASE c = {MSO "inputs/rc4cryptoapi_password.xls", "Password1234_", 1, "xls", "RC4 CryptoAPI"};
    if (!check_case(&c, &r))
        skip();
    /* msoffcrypto keeps FILEPASS's header and blanks only its body: compare past it */
    size_t n;
    unsigned char *w = stream(r.out, r.len, "Workbook", &n);
    size_t fp_end = 20 + 4 + (size_t)(w[22] | w[23] << 8);
    free(w);
    same_stream(&r, MSO "outputs/rc4cryptoapi_password_plain.xls", "Workbook", fp_end);
    officecrypt_done(&r);
    CASE p = {POI "spreadsheet/password.xls", "password", 1, "xls", "RC4"};
    if (check_case(&p, &r))
        officecrypt_done(&r);
}

static void test_rc4_doc(void **state)
{
    (void)state;
    OFFICECRYPT_RESULT r;
    CASE c = {MSO "inputs/rc4cryptoapi_password.doc", "Password1234_", 1, "doc", "RC4 CryptoAPI"};
    if (!check_case(&c, &r))
        skip();
    size_t n;
    unsigned char *w = stream(r.out, r.len, "WordDocument", &n);
    assert_int_equal(w[0] | w[1] << 8, 0xA5EC);
    assert_int_equal((w[0x0A] | w[0x0B] << 8) & 0x0100, 0); /* fEncrypted cleared */
    free(w);
    same_stream(&r, MSO "outputs/rc4cryptoapi_password_plain.doc", "WordDocument", 0x44);
    officecrypt_done(&r);
    CASE t = {POI "document/password_tika_binaryrc4.doc", "tika", 1, "doc", "RC4"};
    if (check_case(&t, &r))
        officecrypt_done(&r);
    CASE p = {POI "document/password_password_cryptoapi.doc", "password", 1, "doc",
              "RC4 CryptoAPI"};
    if (check_case(&p, &r))
        officecrypt_done(&r);
}

/* refused - wrong passwords (XOR and PowerPoint too), budget; plain files are not encrypted */
static void test_refused(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = slurp(MSO "inputs/example_password.xlsx", &n);
    if (d == NULL)
        skip();
    OFFICECRYPT_RESULT r;
    char *wrong[] = {VELVET, "wrong-password"};
    assert_int_equal(officecrypt_open(d, n, wrong, 2, &LIM, &r), 0);
    assert_int_equal(r.used, -1);
    assert_null(r.out);
    assert_string_equal(r.why, "no candidate password matches");
    OFFICECRYPT_LIMITS tight = {32u << 20, 150000}; /* one Agile candidate, not two */
    char *right[] = {VELVET, "Password1234_"};
    assert_int_equal(officecrypt_open(d, n, right, 2, &tight, &r), 0);
    assert_true(r.budget);
    assert_int_equal(r.spins, 100000);
    free(d);
    /* XOR obfuscation and PowerPoint: only the right password opens them */
    const char *other[] = {MSO "inputs/xor_password_123456789012345.xls",
                           MSO "inputs/rc4cryptoapi_password.ppt"};
    for (size_t i = 0; i < 2; i++) {
        d = slurp(other[i], &n);
        assert_non_null(d);
        assert_true(officecrypt_detect(d, n));
        assert_int_equal(officecrypt_open(d, n, wrong, 2, &LIM, &r), 0);
        assert_string_equal(r.why, "no candidate password matches");
        free(d);
    }
    const char *plain[] = {MSO "inputs/plain.xls", MSO "inputs/plain.doc", MSO "inputs/plain.ppt",
                           MSO "outputs/example.xlsx"};
    for (size_t i = 0; i < 4; i++) {
        d = slurp(plain[i], &n);
        assert_non_null(d);
        assert_false(officecrypt_detect(d, n));
        assert_int_equal(officecrypt_open(d, n, right, 2, &LIM, &r), -1);
        free(d);
    }
}

/* stream_of - a stream of a compound file in memory (NULL when absent) */
static unsigned char *stream_of(const unsigned char *d, size_t n, const char *name, size_t *len)
{
    CFB *c = cfb_open(d, n);
    unsigned char *s = c ? cfb_read(c, cfb_find(c, name), 64u << 20, len) : NULL;
    cfb_free(c);
    return s;
}

/* ppt - RC4 CryptoAPI .ppt: PowerPoint Document equals msoffcrypto-tool's decryption but
 * for the two bytes it rewrites and we leave (UserEditAtom.recLen, the directory count) */
static void test_ppt(void **state)
{
    (void)state;
    size_t n, m, a, b, cu;
    unsigned char *d = slurp(MSO "inputs/rc4cryptoapi_password.ppt", &n);
    unsigned char *want = slurp(MSO "outputs/rc4cryptoapi_password_plain.ppt", &m);
    if (d == NULL || want == NULL) {
        free(d);
        free(want);
        skip();
    }
    char *pw[] = {VELVET, "Password1234_"};
    OFFICECRYPT_RESULT r;
    assert_int_equal(officecrypt_open(d, n, pw, 2, &LIM, &r), 1);
    assert_int_equal(r.used, 1);
    assert_string_equal(r.format, "ppt");
    assert_string_equal(r.scheme, "RC4 CryptoAPI 128-bit");
    unsigned char *got = stream_of(r.out, r.len, "PowerPoint Document", &a);
    unsigned char *exp = stream_of(want, m, "PowerPoint Document", &b);
    unsigned char *cur = stream_of(r.out, r.len, "Current User", &cu);
    assert_non_null(got);
    assert_non_null(exp);
    assert_int_equal(a, b);
    size_t diff = 0;
    for (size_t i = 0; i < a; i++)
        diff += got[i] != exp[i];
    assert_int_equal(diff, 2);
    assert_true(cur != NULL && cu >= 16);
    assert_int_equal(cur[12] | cur[13] << 8 | cur[14] << 16 | (unsigned)cur[15] << 24, 0xE391C05Fu);
    assert_false(officecrypt_detect(r.out, r.len)); /* it is a plain presentation now */
    free(got);
    free(exp);
    free(cur);
    officecrypt_done(&r);
    free(d);
    free(want);
    /* POI's 40-bit file: the Pictures stream's two PNG blips read again */
    d = slurp(POI "slideshow/ppt_with_png_encrypted.ppt", &n);
    if (d == NULL)
        return;
    char *pw2[] = {VELVET, "password"};
    assert_int_equal(officecrypt_open(d, n, pw2, 2, &LIM, &r), 1);
    assert_string_equal(r.scheme, "RC4 CryptoAPI 40-bit");
    unsigned char *pic = stream_of(r.out, r.len, "Pictures", &a);
    assert_true(pic != NULL && a > 15203 + 29);
    assert_memory_equal(pic + 25, "\x89PNG", 4);
    assert_memory_equal(pic + 15203 + 25, "\x89PNG", 4);
    assert_int_equal(pic[2] | pic[3] << 8, 0xF01E);
    free(pic);
    officecrypt_done(&r);
    free(d);
}

/* xor_xls - XOR obfuscation: the WRITEACCESS user name reads again, FILEPASS is gone */
static void test_xor_xls(void **state)
{
    (void)state;
    size_t n, a;
    unsigned char *d = slurp(MSO "inputs/xor_password_123456789012345.xls", &n);
    if (d == NULL)
        skip();
    char *pw[] = {VELVET, "123456789012345"};
    OFFICECRYPT_RESULT r;
    assert_int_equal(officecrypt_open(d, n, pw, 2, &LIM, &r), 1);
    assert_int_equal(r.used, 1);
    assert_string_equal(r.scheme, "XOR obfuscation");
    unsigned char *w = stream_of(r.out, r.len, "Workbook", &a);
    assert_non_null(w);
    assert_non_null(memmem(w, a, "Microsoft Office User", 21));
    assert_false(officecrypt_detect(r.out, r.len));
    unsigned char *orig = stream_of(d, n, "Workbook", &a);
    assert_null(memmem(orig, a, "Microsoft Office User", 21));
    free(orig);
    free(w);
    officecrypt_done(&r);
    free(d);
}

/* cfb_broken - truncations and bit flips of a real file never crash the readers */
static void test_cfb_broken(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = slurp(MSO "inputs/rc4cryptoapi_password.xls", &n);
    if (d == NULL)
        skip();
    char *pw[] = {VELVET, "Password1234_"};
    OFFICECRYPT_RESULT r;
    for (size_t cut = 0; cut < n; cut += n / 61 + 1) {
        if (officecrypt_open(d, cut, pw, 2, &LIM, &r) == 1)
            officecrypt_done(&r);
    }
    unsigned char *m = xmalloc(n);
    for (size_t at = 0; at < 4096 && at < n; at += 7) {
        memcpy(m, d, n);
        m[at] ^= 0xFF;
        if (officecrypt_open(m, n, pw, 2, &LIM, &r) == 1)
            officecrypt_done(&r);
    }
    free(m);
    free(d);
}

/* digest_primitives - RC4 through the legacy provider and AES known answers */
static void test_primitives(void **state)
{
    (void)state;
    /* RFC 6229: key 0102030405, keystream offset 0: b2 39 63 05 f0 3d c0 27 */
    unsigned char key[5] = {1, 2, 3, 4, 5}, z[8] = {0}, ks[8];
    assert_int_equal(cipher_rc4(key, 5, z, 8, ks), 0);
    assert_memory_equal(ks, "\xb2\x39\x63\x05\xf0\x3d\xc0\x27", 8);
    /* FIPS-197 C.1: AES-128 of 00112233..ff under 000102..0f is 69c4e0d8... */
    unsigned char k[16], c[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                  0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a},
                         p[16];
    for (int i = 0; i < 16; i++)
        k[i] = (unsigned char)i;
    assert_int_equal(cipher_aes_decrypt(k, 16, NULL, c, 16, p), 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(p[i], (i << 4) | i);
    assert_int_equal(cipher_aes_decrypt(k, 15, NULL, c, 16, p), -1);
    assert_int_equal(cipher_rc4(key, 4, z, 8, ks), -1);
}

/* ppt_directory - 65,536 directory entries at one object as big as the stream, and at
 * offsets inside it, decrypt the stream once, not once per entry; an object whose length
 * leaves the stream is skipped, not decrypted to the end of the stream */
static void test_ppt_directory(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    size_t nv = 65536;
    unsigned char *w = xcalloc(1, n);
    unsigned char *d = xcalloc(1, n);
    RC4KEY k = {true, {0}, 16};
    memset(k.h, 0x5A, sizeof(k.h));
    unsigned char key[16];
    size_t kl = oc_rc4_block_key(&k, 7, key);
    unsigned char *plain = xcalloc(1, n);
    oc_put_le32(plain + 4, (uint32_t)(n - 8)); /* a record of the whole stream, block 7 */
    assert_int_equal(cipher_rc4(key, kl, plain, n, w), 0);
    OC_PERSIST *v = xcalloc(nv, sizeof(*v));
    for (size_t i = 0; i < nv; i++) /* half repeat it, half point inside it */
        v[i] = (OC_PERSIST){i % 2 ? 7 : (uint32_t)(100 + i), i % 2 ? 0 : (uint32_t)(i * 8 + 8),
                            (uint32_t)i};
    size_t done = 0;
    assert_true(oc_ppt_objects(&k, w, d, n, v, nv, (size_t)-1, &done));
    assert_int_equal(done, n);
    assert_memory_equal(d, plain, n); /* once, with block 7 (the first listed) */
    /* the same object with a length one byte past the stream: nothing decrypted */
    memset(w, 0, n);
    memset(d, 0, n);
    oc_put_le32(w + 4, (uint32_t)(n - 7));
    assert_int_equal(cipher_rc4(key, kl, w, n, w), 0);
    for (size_t i = 0; i < nv; i++)
        v[i] = (OC_PERSIST){7, 0, (uint32_t)i};
    assert_true(oc_ppt_objects(&k, w, d, n, v, nv, (size_t)-1, &done));
    assert_int_equal(done, 0);
    free(v);
    free(w);
    free(d);
    free(plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primitives),    cmocka_unit_test(test_agile_sha512),
        cmocka_unit_test(test_standard),      cmocka_unit_test(test_velvet_macros),
        cmocka_unit_test(test_rc4_xls),       cmocka_unit_test(test_rc4_doc),
        cmocka_unit_test(test_refused),       cmocka_unit_test(test_cfb_broken),
        cmocka_unit_test(test_ppt),           cmocka_unit_test(test_xor_xls),
        cmocka_unit_test(test_ppt_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
