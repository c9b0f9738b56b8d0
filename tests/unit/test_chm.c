/*
 * test_chm - unit tests for chm.c (CHM members through libmspack, from memory)
 *
 * ClamAV's clam.chm from ../shared/corpus (skipped when absent; formats.md §2 lists its
 * members): names come without the leading '/', internal #/$ files are skipped, the
 * LZX-compressed clam.exe.txt is the 544-byte ClamAV test file (sha256 71e7b604...), and
 * the member, byte and count limits cut or stop delivery. Garbage and truncations of the
 * real file are refused or delivered within the limits, never crash.
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
#include "scan/chm.h"
#include "lib/xalloc.h"
#include "testutil.h"

#define CLAM_CHM "../shared/corpus/clamav-testfiles/files/clam.chm"
#define CLAM_SHA "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"

typedef struct GOT {
    size_t n, bytes, cut;
    char names[32][64];
    char exe_sha[65];
} GOT;

static void on_member(void *ctx, const char *name, const unsigned char *data, size_t n,
                      int truncated)
{
    GOT *g = ctx;
    if (g->n < 32)
        snprintf(g->names[g->n], sizeof(g->names[0]), "%s", name);
    g->n++;
    g->bytes += n;
    g->cut += truncated != 0;
    if (strcmp(name, "clam.exe.txt") == 0 && !truncated)
        digest_sha256_hex(data, n, g->exe_sha);
}

static bool has(const GOT *g, const char *name)
{
    for (size_t i = 0; i < g->n && i < 32; i++)
        if (strcmp(g->names[i], name) == 0)
            return true;
    return false;
}

static void test_clam_chm(void **state)
{
    (void)state;
    size_t n, left = 9;
    unsigned char *d = slurp(CLAM_CHM, &n);
    if (d == NULL)
        skip();
    CHM_LIMITS lim = {1000, 1u << 20, 8u << 20};
    GOT g = {0};
    int r = chm_extract(d, n, &lim, on_member, &g, &left);
    assert_int_equal(r, (int)g.n);
    assert_true(g.n >= 3);
    assert_int_equal(left, 0);
    assert_int_equal(g.cut, 0);
    assert_true(has(&g, "clam.exe.txt"));
    assert_true(has(&g, "clam.chm.hhc"));
    for (size_t i = 0; i < g.n; i++) { /* no leading '/', no internal file */
        assert_true(g.names[i][0] != '/' && g.names[i][0] != '#' && g.names[i][0] != '$');
    }
    assert_string_equal(g.exe_sha, CLAM_SHA);

    CHM_LIMITS one = {1, 1u << 20, 8u << 20}; /* the member count stops delivery */
    GOT h = {0};
    assert_int_equal(chm_extract(d, n, &one, on_member, &h, &left), 1);
    assert_int_equal(left, g.n - 1);
    CHM_LIMITS small = {1000, 100, 8u << 20}; /* each member cut at 100 bytes */
    GOT k = {0};
    chm_extract(d, n, &small, on_member, &k, &left);
    assert_int_equal(k.n, g.n);
    assert_true(k.cut >= 1);
    assert_true(k.bytes <= 100 * k.n);
    CHM_LIMITS total = {1000, 1u << 20, 300}; /* 300 bytes over all members */
    GOT t = {0};
    chm_extract(d, n, &total, on_member, &t, &left);
    assert_true(t.bytes <= 300);
    assert_true(left > 0 || t.cut > 0);
    free(d);
}

static void test_broken(void **state)
{
    (void)state;
    CHM_LIMITS lim = {1000, 1u << 20, 8u << 20};
    GOT g = {0};
    size_t left;
    assert_int_equal(
        chm_extract((const unsigned char *)"ITSF\3\0\0\0", 8, &lim, on_member, &g, &left), -1);
    assert_int_equal(chm_extract((const unsigned char *)"hello", 5, &lim, on_member, &g, NULL), -1);
    size_t n;
    unsigned char *d = slurp(CLAM_CHM, &n);
    if (d == NULL)
        skip();
    for (size_t cut = 0; cut < n; cut += n / 97 + 1)
        chm_extract(d, cut, &lim, on_member, &g, &left);
    unsigned char *m = xmalloc(n);
    for (size_t at = 0; at < n; at += n / 211 + 1) {
        memcpy(m, d, n);
        m[at] ^= 0x5A;
        chm_extract(m, n, &lim, on_member, &g, &left);
    }
    free(m);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clam_chm),
        cmocka_unit_test(test_broken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
