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

#include "buf.h"
#include "hdrguard.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_fields_no_copy),
        cmocka_unit_test(test_long_folded_field_cut),
        cmocka_unit_test(test_part_header_after_boundary),
    };
    return cmocka_run_group_tests_name("hdrguard", tests, NULL, NULL);
}
