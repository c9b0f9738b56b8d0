/*
 * test_metrics - counters, histogram buckets and the Prometheus text exposition
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/action.h"
#include "mta/metrics.h"
#include "policy/verdict.h"

/* has - the exposition holds this exact line */
static int has(const BUF *b, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = b->data; (p = strstr(p, line)) != NULL; p++)
        if ((p == b->data || p[-1] == '\n') && p[n] == '\n')
            return 1;
    return 0;
}

static void test_counts_and_buckets(void **state)
{
    (void)state;
    metrics_reset();
    METRICS_MSG a = {
        .verdict = VERDICT_CLEAN, .action = CFG_POL_ACCEPT, .size = 1000, .ms = 4, .ms_scan = 3};
    METRICS_MSG b = {.verdict = VERDICT_REJECT,
                     .action = CFG_POL_REJECT,
                     .errs = MSG_ERR_BIT(MSG_ERR_SCANNER) | MSG_ERR_BIT(MSG_ERR_LIMIT_SCAN_TIME),
                     .size = 500,
                     .ms = 300,
                     .ms_scan = 250};
    metrics_message(&a);
    metrics_message(&a);
    metrics_message(&b);
    metrics_count(METRICS_CACHE_HIT, 3);
    metrics_count(METRICS_RELOAD_FAILED, 1);
    BUF *out = buf_new(4096);
    metrics_render(out, "0123456789abcdef");
    assert_true(has(out, "fileless_messages_total{verdict=\"clean\"} 2"));
    assert_true(has(out, "fileless_messages_total{verdict=\"reject\"} 1"));
    assert_true(has(out, "fileless_messages_total{verdict=\"tag\"} 0"));
    assert_true(has(out, "fileless_actions_total{action=\"reject\"} 1"));
    assert_true(has(out, "fileless_failures_total{cause=\"scanner\"} 1"));
    assert_true(has(out, "fileless_failures_total{cause=\"timeout\"} 1"));
    assert_true(has(out, "fileless_failures_total{cause=\"parse\"} 0"));
    assert_true(has(out, "fileless_message_bytes_total 2500"));
    assert_true(has(out, "fileless_cache_lookups_total{result=\"hit\"} 3"));
    assert_true(has(out, "fileless_reloads_total{result=\"failed\"} 1"));
    /* 4 ms falls in le=0.005, 300 ms in le=0.5; buckets are cumulative */
    assert_true(has(out, "fileless_message_seconds_bucket{le=\"0.005\"} 2"));
    assert_true(has(out, "fileless_message_seconds_bucket{le=\"0.25\"} 2"));
    assert_true(has(out, "fileless_message_seconds_bucket{le=\"0.5\"} 3"));
    assert_true(has(out, "fileless_message_seconds_bucket{le=\"+Inf\"} 3"));
    assert_true(has(out, "fileless_message_seconds_count 3"));
    assert_true(has(out, "fileless_message_seconds_sum 0.308000"));
    assert_true(has(out, "fileless_ruleset_info{id=\"0123456789abcdef\"} 1"));
    assert_true(has(out, "# TYPE fileless_scan_seconds histogram"));
    buf_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_counts_and_buckets)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
