/*
 * test_passwords - unit tests for passwords.c
 *
 * Table-driven: each case is one text and the candidates it must yield, in order; every
 * failing case is printed with what it got and what it wanted before the test fails. The
 * large inputs only check that the scan ends within the bounds; nothing asserts a time.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "mime/passwords.h"
#include "lib/xalloc.h"

#define MAXW 4

typedef struct CASE {
    const char *what;
    const char *in;
    const char *want[MAXW + 1]; /* NULL-terminated */
} CASE;

/* ------------------------------------------------------------------ helpers */

/* join - candidates as one line, separated by " | " */
static void join(BUF *b, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? " | " : "", v[i]);
}

/* check_case - run one case from an empty list; returns 1 when it failed */
static int check_case(const CASE *c)
{
    char *out[16] = {0};
    size_t got = passwords_collect(c->in, strlen(c->in), out, 0, 16);
    size_t want = 0;
    while (c->want[want])
        want++;
    int bad = got != want;
    for (size_t i = 0; !bad && i < got; i++)
        bad = strcmp(out[i], c->want[i]) != 0;
    if (bad) {
        BUF *g = buf_new(64), *w = buf_new(64);
        join(g, out, got);
        join(w, (char *const *)c->want, want);
        print_error("FAIL %s\n  input: %s\n  got:   %s\n  want:  %s\n", c->what, c->in, g->data,
                    w->data);
        buf_free(g);
        buf_free(w);
    }
    for (size_t i = 0; i < got; i++)
        free(out[i]);
    return bad;
}

/* run_cases - check a table, failing after all cases were reported */
static void run_cases(const CASE *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += check_case(&cases[i]);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------------ keywords */

static const CASE keyword_cases[] = {
    {"password", "password: k1", {"k1"}},
    {"Passwort (de)", "Passwort: k2", {"k2"}},
    {"passcode", "Passcode: k3", {"k3"}},
    {"pass", "pass: k4", {"k4"}},
    {"pwd", "PWD: k5", {"k5"}},
    {"pw without separator", "pw 7788", {"7788"}},
    {"pw=", "pw=1234", {"1234"}},
    {"Kennwort (de)", "Kennwort: k6", {"k6"}},
    {"mot de passe (fr)", "mot de passe : soleil", {"soleil"}},
    {"Mot de passe, two spaces", "Mot  de passe: k7", {"k7"}},
    {"mot de passe est (fr)", "Le mot de passe est lune7", {"lune7"}},
    {"contraseña (es)", "Contraseña: k8", {"k8"}},
    {"CONTRASEÑA upper case (es)", "CONTRASEÑA: k8b", {"k8b"}},
    {"contraseña es (es)", "La contraseña es q1", {"q1"}},
    {"senha (pt)", "senha: k9", {"k9"}},
    {"senha é (pt)", "A senha é k9b", {"k9b"}},
    {"wachtwoord (nl)", "Wachtwoord: k10", {"k10"}},
    {"hasło (pl)", "Hasło: k11", {"k11"}},
    {"HASŁO upper case (pl)", "HASŁO: k11b", {"k11b"}},
    {"пароль (ru)", "пароль: k12", {"k12"}},
    {"Пароль capitalized (ru)", "Ваш Пароль: k12b", {"k12b"}},
    {"パスワード (ja)", "パスワード：xyz", {"xyz"}},
    {"パスワードは (ja)", "パスワードは「xyz9」です", {"xyz9"}},
    {"密码 (zh-Hans)", "密码：abc123", {"abc123"}},
    {"密码 inside a sentence (zh)", "请输入密码：abc123，谢谢", {"abc123"}},
    {"密码是 (zh)", "密码是 m1m2", {"m1m2"}},
    {"密碼 (zh-Hant)", "密碼：k15", {"k15"}},
    {"암호 (ko)", "암호: k16", {"k16"}},
    {"암호는 (ko)", "암호는 k16b", {"k16b"}},
    {"비밀번호 (ko)", "비밀번호: k17", {"k17"}},
    {"Passwort ist (de)", "Das Passwort ist Sommer2026.", {"Sommer2026"}},
};

/* test_keywords - every keyword and language of passwords.h */
static void test_keywords(void **state)
{
    (void)state;
    run_cases(keyword_cases, sizeof(keyword_cases) / sizeof(keyword_cases[0]));
}

/* ------------------------------------------------------------------ tokens */

static const CASE token_cases[] = {
    {"is: and '!' kept", "The password is: Inv2026!", {"Inv2026!"}},
    {"quotes and full stop", "Passwort: 'geheim'.", {"geheim"}},
    {"curly quotes", "Password: “tr0ub4dor”", {"tr0ub4dor"}},
    {"guillemets", "mot de passe : «Soleil42»", {"Soleil42"}},
    {"comma list", "pw: one, pw: two", {"one", "two"}},
    {"parenthesis", "(password: abc77)", {"abc77"}},
    {"separator then blank lines", "Password:\n\n   s3cr3t\nRegards", {"s3cr3t"}},
    {"64 bytes",
     "pw: 1234567890123456789012345678901234567890123456789012345678901234",
     {"1234567890123456789012345678901234567890123456789012345678901234"}},
    {"65 bytes is too long",
     "pw: 12345678901234567890123456789012345678901234567890123456789012345",
     {NULL}},
    {"ill-formed UTF-8", "password: ab\xff\xfe", {NULL}},
    {"explicit keyword token", "Password: password", {"password"}},
    {"keyword after keyword", "password password password", {NULL}},
    {"filler word", "Your password for the file follows", {NULL}},
    {"compound", "This password-protected archive", {NULL}},
    {"dash separator", "pw - 99red", {"99red"}},
    {"end of text", "the password", {NULL}},
    {"full stop only", "Send me the password.", {NULL}},
};

/* test_tokens - what is taken after a keyword and how it is trimmed */
static void test_tokens(void **state)
{
    (void)state;
    run_cases(token_cases, sizeof(token_cases) / sizeof(token_cases[0]));
}

/* ------------------------------------------------------------------ html and near tokens */

static const CASE html_cases[] = {
    {"bold after keyword", "<p>Password: <b>invoice77</b></p>", {"invoice77"}},
    {"is then bold", "the password is <b>invoice2026</b>", {"invoice2026"}},
    {"bold in the next paragraph",
     "<p>Please use the password below to open the file.</p><p><strong>Qx7-2026</strong></p>",
     {"Qx7-2026"}},
    {"bold before the keyword", "<b>Zz-4411</b> is the password", {"Zz-4411"}},
    {"quoted before the keyword", "Use “K9-secret” as the password.", {"K9-secret"}},
    {"bold keyword itself", "<b>Password</b>: nine9", {"nine9"}},
    {"two bold words are not one token", "password below <b>not one</b>", {NULL}},
    {"attribute is not text", "<input type=\"password\" value=\"nope\">", {NULL}},
    {"tag names are not text", "<password>x</password>", {NULL}},
    {"bold far from any keyword", "<b>lonely</b> some words and nothing else", {NULL}},
};

/* test_html - tags skipped; bold and quoted single tokens near a keyword */
static void test_html(void **state)
{
    (void)state;
    run_cases(html_cases, sizeof(html_cases) / sizeof(html_cases[0]));
}

/* test_near_window - a quoted token counts within 200 bytes of a keyword, not further */
static void test_near_window(void **state)
{
    (void)state;
    BUF *b = buf_new(512);
    buf_puts(b, "'far' ");
    for (int i = 0; i < 25; i++)
        buf_puts(b, "lorem ip "); /* 225 bytes without a keyword */
    buf_puts(b, "password below 'close'");
    CASE c = {"near window", b->data, {"close"}};
    assert_int_equal(check_case(&c), 0);
    buf_free(b);
}

/* ------------------------------------------------------------------ negatives */

static const CASE negative_cases[] = {
    {"passenger", "The passenger list: abc", {NULL}},
    {"passport", "passport number 123456", {NULL}},
    {"compass", "compass 12", {NULL}},
    {"passwords plural", "passwords: many", {NULL}},
    {"bypass", "bypass: x1", {NULL}},
    {"密码学", "密码学 abc", {NULL}},
    {"パスワードを", "パスワードを入力してください", {NULL}},
    {"암호화", "암호화 abc", {NULL}},
    {"empty", "", {NULL}},
};

/* test_negatives - a keyword must be a whole word */
static void test_negatives(void **state)
{
    (void)state;
    run_cases(negative_cases, sizeof(negative_cases) / sizeof(negative_cases[0]));
}

/* ------------------------------------------------------------------ list handling */

/* test_dedupe - existing entries are kept and not repeated */
static void test_dedupe(void **state)
{
    (void)state;
    char *out[8] = {xstrdup("abc")};
    const char *t = "password: abc pw: def pw: def pw: ABC";
    size_t n = passwords_collect(t, strlen(t), out, 1, 8);
    assert_int_equal(n, 3);
    assert_string_equal(out[0], "abc");
    assert_string_equal(out[1], "def");
    assert_string_equal(out[2], "ABC"); /* case-sensitive, as passwords are */
    for (size_t i = 0; i < n; i++)
        free(out[i]);
}

/* test_max - never more than max; a full list is left alone */
static void test_max(void **state)
{
    (void)state;
    char *out[4] = {0};
    const char *t = "pw: a1 pw: a2 pw: a3 pw: a4";
    size_t n = passwords_collect(t, strlen(t), out, 0, 2);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "a1");
    assert_string_equal(out[1], "a2");
    assert_null(out[2]);
    assert_int_equal(passwords_collect(t, strlen(t), out, 2, 2), 2);
    assert_null(out[2]);
    assert_int_equal(passwords_collect(NULL, 5, out, 2, 4), 2);
    free(out[0]);
    free(out[1]);
}

/* test_binary - bytes past a NUL are scanned; a NUL never enters a candidate */
static void test_binary(void **state)
{
    (void)state;
    static const char t[] = "x\0pw: ok1 pw: b\0d";
    char *out[4] = {0};
    size_t n = passwords_collect(t, sizeof(t) - 1, out, 0, 4);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "ok1");
    free(out[0]);
}

/* big_text - about 1 MB of `unit` repeated */
static BUF *big_text(const char *unit)
{
    BUF *b = buf_new(1 << 20);
    while (b->len < (1u << 20))
        buf_puts(b, unit);
    return b;
}

/* test_large_repeated - 1 MB of keywords ends, within max */
static void test_large_repeated(void **state)
{
    (void)state;
    char *out[16] = {0};
    BUF *b = big_text("password password password ");
    size_t n = passwords_collect(b->data, b->len, out, 0, 16);
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    buf_free(b);

    BUF *c = big_text("pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw:pw ");
    n = passwords_collect(c->data, c->len, out, 0, 16);
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    buf_free(c);
}

/* test_large_distinct - 1 MB of distinct candidates stops at max */
static void test_large_distinct(void **state)
{
    (void)state;
    char *out[16] = {0};
    BUF *b = buf_new(1 << 20);
    for (unsigned i = 0; b->len < (1u << 20); i++)
        buf_printf(b, "pw: t%u ", i);
    size_t n = passwords_collect(b->data, b->len, out, 0, 16);
    assert_int_equal(n, 16);
    assert_string_equal(out[15], "t15");
    for (size_t i = 0; i < n; i++)
        free(out[i]);
    buf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_near_window),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_dedupe),
        cmocka_unit_test(test_max),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_large_repeated),
        cmocka_unit_test(test_large_distinct),
    };
    return cmocka_run_group_tests_name("passwords", tests, NULL, NULL);
}
