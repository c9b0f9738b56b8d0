/*
 * test_lib - lib/: buf, str (sanitize, UTF-8, JSON strings), xalloc growth
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/str.h"
#include "lib/words.h"
#include "lib/xalloc.h"

static void test_buf_grows_and_terminates(void **state)
{
    BUF *b = buf_new(1);
    for (int i = 0; i < 1000; i++)
        buf_printf(b, "%d,", i);
    assert_int_equal(b->len, strlen(b->data));
    assert_true(strncmp(b->data, "0,1,2,", 6) == 0);
    buf_cat(b, "\0x", 2);
    assert_int_equal(b->data[b->len], 0);
    size_t n;
    char *s = buf_steal(b, &n);
    assert_int_equal(b->len, 0);
    assert_int_equal(s[n - 1], 'x');
    free(s);
    assert_null(buf_free(b));
    assert_null(buf_free(NULL));
}

static void test_buf_truncate_reset(void **state)
{
    BUF *b = buf_new(8);
    buf_puts(b, "hello world");
    buf_truncate(b, 5);
    assert_string_equal(b->data, "hello");
    buf_truncate(b, 50);
    assert_string_equal(b->data, "hello");
    buf_reset(b);
    assert_string_equal(b->data, "");
    buf_free(b);
}

static const struct {
    const char *in;
    size_t max;
    const char *want;
} sanitize_cases[] = {
    {"plain.txt", 100, "plain.txt"},
    {"a\r\nb", 100, "a\\x0d\\x0ab"},
    {"tab\there", 100, "tab\\x09here"},
    {"back\\slash", 100, "back\\\\slash"},
    {"invoice\xe2\x80\xae"
     "exe.pdf",
     100, "invoice\\u{202e}exe.pdf"},      /* RTLO */
    {"caf\xc3\xa9", 100, "caf\xc3\xa9"},   /* valid UTF-8 kept */
    {"bad\xff\xfe", 100, "bad\\xff\\xfe"}, /* ill-formed bytes */
    {"\xc0\xaf", 100, "\\xc0\\xaf"},       /* overlong '/' */
    {"0123456789", 5, "01234..."},
    {"\x7f\xc2\x85", 100, "\\x7f\\x85"}, /* DEL and C1 NEL */
};

static void test_sanitize_table(void **state)
{
    for (size_t i = 0; i < sizeof(sanitize_cases) / sizeof(sanitize_cases[0]); i++) {
        BUF *b = buf_new(16);
        str_sanitize(b, sanitize_cases[i].in, strlen(sanitize_cases[i].in), sanitize_cases[i].max);
        assert_string_equal(b->data, sanitize_cases[i].want);
        assert_null(strchr(b->data, '\n'));
        buf_free(b);
    }
}

static void test_utf8_seq_rejects_malformed(void **state)
{
    unsigned cp;
    assert_int_equal(utf8_seq((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
    assert_int_equal(cp, 0x20ac);
    assert_int_equal(utf8_seq((const unsigned char *)"\xed\xa0\x80", 3, &cp), 0); /* surrogate */
    assert_int_equal(utf8_seq((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(utf8_seq((const unsigned char *)"\xe2\x82", 2, &cp), 0); /* truncated */
    assert_true(utf8_valid("ascii", 5));
    assert_false(utf8_valid("\x80", 1));
}

static void test_json_str_escapes(void **state)
{
    BUF *b = buf_new(16);
    json_str(b, "q\"b\\n\n\x01\xff", 8);
    assert_string_equal(b->data, "\"q\\\"b\\\\n\\n\\u0001\\ufffd\"");
    buf_reset(b);
    json_strz(b, NULL);
    assert_string_equal(b->data, "null");
    buf_free(b);
}

static void test_str_helpers(void **state)
{
    assert_true(str_ieq("Text/Plain", "text/plain"));
    assert_true(str_ieq(NULL, NULL));
    assert_false(str_ieq("a", NULL));
    assert_true(str_istarts("Content-Type", "content-"));
    assert_true(str_iends("INVOICE.PDF.JS", ".js"));
    assert_false(str_iends("js", ".js"));
    const char h[] = "xxHello";
    assert_ptr_equal(str_memmem_ci(h, 7, "hello"), h + 2);
    assert_null(str_memmem_ci(h, 6, "hello"));
    char t[] = "  padded \t\n";
    assert_string_equal(str_trim(t), "padded");
    char l[] = "MiXeD";
    str_lower(l);
    assert_string_equal(l, "mixed");
}

static void test_xgrow(void **state)
{
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 10000; i++) {
        XGROW(v, n, cap);
        v[n++] = i;
    }
    assert_true(cap >= n);
    assert_int_equal(v[9999], 9999);
    free(v);
    char *s = xasprintf("%s-%d", "x", 42);
    assert_string_equal(s, "x-42");
    free(s);
    char *d = xstrndup("abcdef", 3);
    assert_string_equal(d, "abc");
    free(d);
}

/* words_has: whole words of a space-separated list, ASCII case folded; str_is_ref; now_ms */
static void test_words_ref_clock(void **state)
{
    (void)state;
    assert_true(words_hasz("js vbs hta", "vbs"));
    assert_true(words_hasz("js vbs hta", "HTA"));
    assert_false(words_hasz("js vbs hta", "vb"));
    assert_false(words_hasz("js vbs hta", "vbsx"));
    assert_false(words_hasz("js vbs hta", ""));
    assert_false(words_hasz("js vbs hta", NULL));
    assert_true(words_has("js vbs", "jsx", 2));
    assert_true(str_is_ref("0123456789abcdef", STR_REF_LEN));
    assert_false(str_is_ref("0123456789abcdeF", STR_REF_LEN));
    assert_false(str_is_ref("0123456789abcde", STR_REF_LEN)); /* stops at the NUL */
    assert_true(str_is_ref("", 0));
    double a = now_ms(), b = now_ms();
    assert_true(a > 0 && b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_grows_and_terminates),
        cmocka_unit_test(test_buf_truncate_reset),
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_utf8_seq_rejects_malformed),
        cmocka_unit_test(test_json_str_escapes),
        cmocka_unit_test(test_str_helpers),
        cmocka_unit_test(test_xgrow),
        cmocka_unit_test(test_words_ref_clock),
    };
    return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
