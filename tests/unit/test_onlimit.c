/*
 * test_onlimit - on_limit: a limit that left content unscanned is in MSG_ERRS_ON_LIMIT, and the
 * action is at least on_limit (default tag), so such a message never passes as clean
 * without saying so; the size and time limits keep their own policies; budget.c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "model/hit.h"
#include "model/failure.h"
#include "policy/verdict.h"
#include "scan/budget.h"

/* policy - the failure policy for the causes of these hits (-1: none) */
static int policy(const CONFIG *c, const HITS *h)
{
    return verdict_failure_policy(c, h->errs);
}

static void test_limit_flags(void **state)
{
    (void)state;
    const MSG_ERR limited[] = {MSG_ERR_LIMIT_PARTS,
                               MSG_ERR_LIMIT_PART_BYTES,
                               MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE,
                               MSG_ERR_LIMIT_CLAMAV_RECURSION,
                               MSG_ERR_LIMIT_WORK_BUDGET,
                               MSG_ERR_ARCHIVE_UNREADABLE,
                               MSG_ERR_LIMIT_ARCHIVE_MEMBERS,
                               MSG_ERR_LIMIT_DECRYPT_ROUNDS,
                               MSG_ERR_LIMIT_CHM_NOT_OPENED};
    for (size_t i = 0; i < sizeof(limited) / sizeof(limited[0]); i++) {
        HITS *h = hits_new();
        hits_add(h, "FILE_DOUBLE_EXTENSION", "2/a.zip", "x");
        assert_false(h->errs & MSG_ERRS_ON_LIMIT);
        failure_hit(h, limited[i], "2/a.zip", "cut");
        assert_true(h->errs & MSG_ERRS_ON_LIMIT);
        hits_free(h);
    }
    const MSG_ERR own[] = {MSG_ERR_LIMIT_MESSAGE_SIZE, MSG_ERR_LIMIT_CLAMAV_SCAN_TIME,
                           MSG_ERR_LIMIT_URLS};
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        HITS *h = hits_new();
        failure_hit(h, own[i], "message", "x");
        assert_false(h->errs & MSG_ERRS_ON_LIMIT);
        hits_free(h);
    }
}

static void test_on_limit_policy(void **state)
{
    (void)state;
    CONFIG *c = config_new();
    HITS *h = hits_new();
    assert_int_equal(policy(c, h), -1);
    failure_hit(h, MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE, "2/42.zip>a>b", "libclamav MaxScanSize");
    assert_int_equal(c->on_limit, CFG_POL_TAG); /* the default */
    assert_int_equal(policy(c, h), CFG_POL_TAG);
    c->on_limit = CFG_POL_TEMPFAIL;
    assert_int_equal(policy(c, h), CFG_POL_TEMPFAIL);
    c->on_limit = CFG_POL_REJECT;
    assert_int_equal(policy(c, h), CFG_POL_REJECT);
    c->on_limit = CFG_POL_ACCEPT;
    assert_int_equal(policy(c, h), CFG_POL_ACCEPT);
    hits_free(h);
    config_free(c);
}

static void test_budget(void **state)
{
    (void)state;
    BUDGET b;
    budget_start(&b, 0, 1000);
    assert_true(budget_spend(&b, 600));
    assert_true(budget_spend(&b, 400));
    assert_false(budget_spend(&b, 1)); /* 1001 > 1000 */
    assert_true(budget_spent(&b));     /* and it stays spent */
    HITS *h = hits_new();
    budget_report(&b, h, "2/a.zip");
    budget_report(&b, h, "3/b.zip"); /* once */
    assert_true(hits_has(h, "LIMIT_WORK_BUDGET"));
    assert_int_equal(h->n, 1);
    hits_free(h);
    budget_start(&b, 1, 0); /* 1 ms of CPU */
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 200000000UL && !budget_spent(&b); i++)
        x = x + i;
    assert_true(x > 0);
    assert_true(budget_spent(&b));
    assert_true(b.by_cpu);
    assert_true(budget_spend(NULL, 5)); /* no budget: unbounded */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_flags),
        cmocka_unit_test(test_on_limit_policy),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
