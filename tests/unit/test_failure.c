/*
 * test_failure - failure causes as flags (model/failure) and the failure policy that
 * decides from them (policy/verdict: verdict_failure_policy, verdict_action)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "model/failure.h"
#include "model/hit.h"
#include "policy/verdict.h"

/* every cause has a name; the table is in enum order; symbols are distinct */
static void test_table(void **state)
{
    (void)state;
    MSG_ERRS limits = failure_limits();
    for (int e = 0; e < MSG_ERR_N; e++) {
        const char *s = failure_symbol((MSG_ERR)e);
        assert_string_not_equal(failure_name((MSG_ERR)e), "?");
        assert_int_equal(failure_is_limit((MSG_ERR)e), (limits & MSG_ERR_BIT(e)) != 0);
        if (s != NULL)
            assert_int_equal(failure_is_limit((MSG_ERR)e), strncmp(s, "LIMIT_", 6) == 0);
        for (int f = 0; s && f < e; f++)
            assert_true(failure_symbol((MSG_ERR)f) == NULL ||
                        strcmp(s, failure_symbol((MSG_ERR)f)) != 0);
    }
    assert_string_equal(failure_symbol(MSG_ERR_SCANNER), "SCAN_ERROR");
    assert_string_equal(failure_symbol(MSG_ERR_LIMIT_PARTS), "LIMIT_PARTS");
    assert_null(failure_symbol(MSG_ERR_CACHE));
    assert_null(failure_symbol(MSG_ERR_N));
    assert_true(MSG_ERR_N <= 64);
}

/* failure_hit sets the cause even when the list is full; failure_set has no hit */
static void test_set(void **state)
{
    (void)state;
    HITS *h = hits_new();
    HIT *x = failure_hit(h, MSG_ERR_LIMIT_URLS, "message", "%d URLs", 3);
    assert_non_null(x);
    assert_string_equal(x->symbol, "LIMIT_URLS");
    assert_string_equal(x->detail, "3 URLs");
    assert_true(x->err == MSG_ERR_BIT(MSG_ERR_LIMIT_URLS));
    failure_set(h, MSG_ERR_CACHE);
    assert_int_equal(h->n, 1);
    assert_true(h->errs == (MSG_ERR_BIT(MSG_ERR_LIMIT_URLS) | MSG_ERR_BIT(MSG_ERR_CACHE)));
    assert_null(failure_hit(h, MSG_ERR_INTERNAL, "message", "no symbol")); /* nothing added */
    assert_int_equal(h->n, 1);
    char loc[32];
    for (int i = 0; h->n < HITS_MAX; i++) {
        snprintf(loc, sizeof(loc), "%d", i);
        hits_add(h, "URL_SHORTENER", loc, NULL);
    }
    assert_null(failure_hit(h, MSG_ERR_SCANNER, "9", "full"));
    assert_true(h->overflow);
    assert_true(h->errs & MSG_ERR_BIT(MSG_ERR_SCANNER));
    hits_free(h);
}

/* a hit restored from the cache gets its cause back from its symbol */
static void test_restore(void **state)
{
    (void)state;
    HITS *h = hits_new();
    HIT *x = hits_add(h, "LIMIT_CLAMAV_FILES", "2/a.zip", NULL);
    HIT *y = hits_add(h, "URL_SHORTENER", "1", NULL);
    failure_restore(h, x);
    failure_restore(h, y);
    failure_restore(h, NULL);
    assert_true(x->err == MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_FILES));
    assert_true(y->err == 0);
    assert_true(h->errs == MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_FILES));
    assert_false(h->errs & MSG_ERRS_TRANSIENT);
    hits_free(h);
}

/* the on_* policies: strongest applies; none: -1 */
static void test_policy(void **state)
{
    (void)state;
    CONFIG *c = config_new();
    assert_int_equal(verdict_failure_policy(c, 0), -1);
    /* a limit that left content unscanned: on_limit (tag by default) */
    assert_int_equal(verdict_failure_policy(c, MSG_ERR_BIT(MSG_ERR_LIMIT_PARTS)), CFG_POL_TAG);
    assert_int_equal(verdict_failure_policy(c, MSG_ERR_BIT(MSG_ERR_LIMIT_URLS)), -1);
    c->on_timeout = CFG_POL_TAG;
    c->on_scanner_error = CFG_POL_REJECT;
    assert_int_equal(verdict_failure_policy(c, MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_SCAN_TIME)),
                     CFG_POL_TAG);
    assert_int_equal(verdict_failure_policy(c, MSG_ERRS_TIMEOUT | MSG_ERR_BIT(MSG_ERR_SCANNER)),
                     CFG_POL_REJECT);
    c->on_cache_error = CFG_POL_TEMPFAIL;
    VERDICT_IN in = {.verdict = VERDICT_CLEAN, .errs = MSG_ERR_BIT(MSG_ERR_CACHE)};
    VERDICT_ACTION a = verdict_action(c, &in);
    assert_true(a.plan);
    assert_int_equal(a.action, CFG_POL_TEMPFAIL);
    assert_int_equal(a.natural, CFG_POL_ACCEPT);
    c->mode = CFG_MODE_TAG_ONLY;
    a = verdict_action(c, &in);
    assert_int_equal(a.action, CFG_POL_TAG);
    assert_int_equal(a.would, CFG_POL_TEMPFAIL);
    c->mode = CFG_MODE_OFF;
    a = verdict_action(c, &in);
    assert_false(a.plan);
    assert_int_equal(a.action, CFG_POL_ACCEPT);
    config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_restore),
        cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
