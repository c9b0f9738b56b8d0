/*
 * test_hdrguard - over-long header fields are cut, everything else is untouched
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "mime/hdrguard.h"

static void test_short_fields_no_copy(void **state)
{
    const char *m = "Subject: hi\r\nX-A: b\r\n c\r\n\r\nbody line that is long enough\r\n";
    size_t n = 0, cut = 9;
    assert_null(hdrguard_cap(m, strlen(m), 16, &n, &cut));
    assert_int_equal(cut, 0);
}

static void test_long_folded_field_cut(void **state)
{
    BUF *b = buf_new(1024);
    buf_puts(b, "From: a@example.org\r\nSubject: start");
    for (int i = 0; i < 100; i++)
        buf_puts(b, "\r\n folded-continuation");
    buf_puts(b, "\r\nTo: b@example.org\r\n\r\nbody\r\n");
    size_t n = 0, cut = 0;
    char *r = hdrguard_cap(b->data, b->len, 100, &n, &cut);
    assert_non_null(r);
    assert_int_equal(cut, 1);
    assert_int_equal(n, strlen(r));
    assert_non_null(strstr(r, "From: a@example.org\r\n"));
    assert_non_null(strstr(r, "\r\nTo: b@example.org\r\n\r\nbody\r\n"));
    assert_true(n < 200);
    free(r);
    buf_free(b);
}

static void test_part_header_after_boundary(void **state)
{
    BUF *b = buf_new(1024);
    buf_puts(b, "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nX-Long: ");
    for (int i = 0; i < 500; i++)
        buf_putc(b, 'y');
    buf_puts(b, "\r\nContent-Type: text/plain\r\n\r\n");
    for (int i = 0; i < 500; i++) /* a long body line is not a header: kept */
        buf_putc(b, 'z');
    buf_puts(b, "\r\n--B--\r\n");
    size_t n = 0, cut = 0;
    char *r = hdrguard_cap(b->data, b->len, 100, &n, &cut);
    assert_non_null(r);
    assert_int_equal(cut, 1);
    assert_non_null(strstr(r, "\r\nContent-Type: text/plain\r\n\r\nzzzz"));
    assert_int_equal(n, b->len - 510 + 102); /* 510-byte field: 100 kept + CRLF */
    free(r);
    buf_free(b);
}

/* delimiter lines of declared boundaries are counted; the cut falls on delimiter max+1 */
static void test_entities_cut(void **state)
{
    BUF *b = buf_new(4096);
    buf_puts(b, "Content-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n--not-declared\r\n"
                "--a b\r\nContent-Type: multipart/alternative;\r\n boundary=inner\r\n\r\n");
    for (int i = 0; i < 5; i++)
        buf_puts(b, "--inner\r\nContent-Type: text/plain\r\n\r\n-- \r\nsig\r\n");
    size_t at = b->len;
    buf_puts(b, "--inner--  \r\n--a b--\r\n");
    size_t count = 0;
    /* 1 outer + 5 inner + 1 closing inner + 1 closing outer = 8 delimiters */
    assert_int_equal(hdrguard_entities(b->data, b->len, 8, &count), b->len);
    assert_int_equal(count, 8);
    assert_int_equal(hdrguard_entities(b->data, b->len, 6, &count), at);
    assert_int_equal(count, 7);
    assert_int_equal(hdrguard_entities(b->data, b->len, 0, &count),
                     strstr(b->data, "--a b\r") - b->data);
    assert_int_equal(hdrguard_entities("no mime\r\n--x\r\n", 15, 0, &count), 15);
    buf_free(b);
}

/* a flood of fields is cut per block and in total; Content-* behind the flood stays */
static void test_lines_flood(void **state)
{
    BUF *b = buf_new(1 << 16);
    buf_puts(b, "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
                "X:A\r\nX:A\r\n--B\r\n");
    for (int i = 0; i < 500; i++)
        buf_puts(b, "X:A\r\n\tfolded\r\n");
    buf_puts(b, "Content-Type: application/octet-stream; name=a.js\r\n\r\nX:A\r\n--B--\r\n");
    size_t n = 0, dropped = 0, nuls = 0, budget = 1000;
    char *r = hdrguard_lines(b->data, b->len, 10, &budget, &n, &dropped, &nuls);
    assert_non_null(r);
    assert_int_equal(n, strlen(r));
    assert_int_equal(dropped, 490);
    assert_int_equal(budget, 1000 - 2 - 10);
    assert_non_null(strstr(r, "\r\nContent-Type: application/octet-stream; name=a.js\r\n\r\n"
                              "X:A\r\n--B--\r\n")); /* the body line is not a field */
    assert_null(strstr(r, "X:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n"
                          "\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\n"
                          "X:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n\tfolded\r\nX:A\r\n"));
    free(r);
    /* the total budget: 3 fields left for all blocks */
    budget = 3;
    r = hdrguard_lines(b->data, b->len, 10, &budget, &n, &dropped, &nuls);
    assert_non_null(r);
    assert_int_equal(budget, 0);
    assert_int_equal(dropped, 500 - 1); /* From and Content-Type took 2 */
    assert_non_null(strstr(r, "Content-Type: application/octet-stream")); /* MIME kept */
    free(r);
    /* under the caps: no copy, budget spent */
    budget = 100000;
    assert_null(hdrguard_lines(b->data, b->len, 1000, &budget, &n, &dropped, &nuls));
    assert_int_equal(dropped, 0);
    assert_int_equal(budget, 100000 - 503);
    buf_free(b);
}

/* the body of a message/rfc822 part is a header block too */
static void test_lines_rfc822(void **state)
{
    BUF *b = buf_new(1 << 16);
    buf_puts(b, "Content-Type: message/rfc822\r\n\r\n");
    for (int i = 0; i < 100; i++)
        buf_puts(b, "X:A\r\n");
    buf_puts(b, "\r\nbody\r\n");
    size_t n = 0, dropped = 0, nuls = 0, budget = 1000;
    char *r = hdrguard_lines(b->data, b->len, 20, &budget, &n, &dropped, &nuls);
    assert_non_null(r);
    assert_int_equal(dropped, 80);
    free(r);
    /* the same lines in a text body are not touched */
    buf_free(b);
    b = buf_new(1 << 16);
    buf_puts(b, "Content-Type: text/plain\r\n\r\n");
    for (int i = 0; i < 100; i++)
        buf_puts(b, "X:A\r\n");
    assert_null(hdrguard_lines(b->data, b->len, 20, &budget, &n, &dropped, &nuls));
    buf_free(b);
}

/* a cut field keeps its tail: the extension of a long file name survives */
static void test_cut_keeps_tail(void **state)
{
    BUF *b = buf_new(1 << 16);
    buf_puts(b, "Content-Disposition: attachment; filename=\"");
    for (int i = 0; i < 5000; i++)
        buf_putc(b, 'a');
    buf_puts(b, ".js\"\r\n\r\nbody\r\n");
    size_t n = 0, cut = 0;
    char *r = hdrguard_cap(b->data, b->len, 1024, &n, &cut);
    assert_non_null(r);
    assert_int_equal(cut, 1);
    assert_non_null(strstr(r, "aaaa.js\"\r\n\r\nbody\r\n"));
    assert_true(n < 1100);
    free(r);
    buf_free(b);
}

/* an encoded NUL in a name becomes U+2400, encoded the same way; bodies are untouched */
static void test_lines_nul(void **state)
{
    const char *m = "Content-Disposition: attachment; filename*=utf-8''evil%00x.js\r\n"
                    "Subject: =?utf-8?Q?a=00b?=\r\nX-Plain: 100%00\r\n\r\nbody %00 =00\r\n";
    size_t n = 0, dropped = 0, nuls = 0, budget = 100;
    char *r = hdrguard_lines(m, strlen(m), 100, &budget, &n, &dropped, &nuls);
    assert_non_null(r);
    assert_int_equal(nuls, 2);
    assert_int_equal(dropped, 0);
    assert_non_null(strstr(r, "filename*=utf-8''evil%E2%90%80x.js\r\n"));
    assert_non_null(strstr(r, "Subject: =?utf-8?Q?a=E2=90=80b?=\r\n"));
    assert_non_null(strstr(r, "X-Plain: 100%00\r\n\r\nbody %00 =00\r\n"));
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_fields_no_copy),
        cmocka_unit_test(test_long_folded_field_cut),
        cmocka_unit_test(test_part_header_after_boundary),
        cmocka_unit_test(test_entities_cut),
        cmocka_unit_test(test_lines_flood),
        cmocka_unit_test(test_lines_rfc822),
        cmocka_unit_test(test_cut_keeps_tail),
        cmocka_unit_test(test_lines_nul),
    };
    return cmocka_run_group_tests_name("hdrguard", tests, NULL, NULL);
}
