/*
 * test_score - hits, scoring.conf parsing, caps, families, verdict thresholds
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/cap.h"
#include "model/hit.h"
#include "policy/score.h"
#include "policy/verdict.h"

/* scores_from - parse scoring.conf text through a temp file */
static SCORES *scores_from(const char *text, BUF *err)
{
    char path[] = "/tmp/fm-test-scoring-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    SCORES *s = scores_load(path, err);
    unlink(path);
    return s;
}

static void test_hits_dedupe_and_sanitize(void **state)
{
    HITS *h = hits_new();
    hits_add(h, "MIME_TRUNCATED", "message", "at byte %d", 10);
    hits_add(h, "MIME_TRUNCATED", "message", "at byte %d", 20);
    hits_add(h, "MIME_TRUNCATED", "1.2", NULL);
    hits_add(h, "LIMIT_PARTS", "1", "name=%s", "evil\r\nX-Injected: yes");
    assert_int_equal(h->n, 3);
    assert_int_equal(h->v[0].count, 2);
    assert_string_equal(h->v[0].detail, "at byte 10");
    assert_null(strchr(h->v[2].detail, '\n'));
    assert_true(hits_has(h, "LIMIT_PARTS"));
    assert_false(hits_has(h, "LIMIT_URLS"));
    assert_null(hits_free(h));
}

static void test_hits_bounded(void **state)
{
    HITS *h = hits_new();
    char loc[32];
    for (int i = 0; i < HITS_MAX + 10; i++) {
        snprintf(loc, sizeof(loc), "%d", i);
        hits_add(h, "MIME_EMPTY_PART", loc, NULL);
    }
    assert_int_equal(h->n, HITS_MAX);
    assert_true(h->overflow);
    hits_free(h);
}

static void test_scores_weights_caps_families(void **state)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_from("# c\nA_ONE 2 - first\nB_CAPPED 3 5 capped\nCLAMAV_* 20 - family\n"
                            "CLAMAV_EICAR 1 - exact wins\n",
                            err);
    assert_non_null(s);
    HITS *h = hits_new();
    hits_add(h, "A_ONE", "1", NULL);
    hits_add(h, "B_CAPPED", "1", NULL);
    hits_add(h, "B_CAPPED", "2", NULL);
    hits_add(h, "B_CAPPED", "3", NULL);
    hits_add(h, "CLAMAV_FOO", "1", NULL);
    hits_add(h, "CLAMAV_EICAR", "1", NULL);
    hits_add(h, "UNKNOWN_SYMBOL", "1", NULL);
    double total = score_hits(s, h);
    assert_true(h->v[1].weight == 3 && h->v[2].weight == 2 && h->v[3].weight == 0);
    assert_true(h->v[4].weight == 20);
    assert_true(h->v[5].weight == 1);
    assert_true(h->v[6].weight == 0);
    assert_true(total == 2 + 5 + 20 + 1);
    hits_free(h);
    scores_free(s);
    buf_free(err);
}

static const struct {
    const char *text;
    const char *want;
} bad_scoring[] = {
    {"A_ONE 2\n", ":1: expected 'SYMBOL WEIGHT CAP description'"},
    {"lower 2 - x\n", ":1: bad symbol, weight or cap"},
    {"A_ONE two - x\n", ":1: bad symbol, weight or cap"},
    {"A_ONE 2 -3 x\n", ":1: bad symbol, weight or cap"},
    {"A_ONE 2 - x\n\nA_ONE 3 - y\n", ":3: duplicate symbol 'A_ONE'"},
    {"A_ONE 2 - !block x\n", ":1: bad verdict '!block'"},
};

static void test_scores_errors(void **state)
{
    for (size_t i = 0; i < sizeof(bad_scoring) / sizeof(bad_scoring[0]); i++) {
        BUF *err = buf_new(64);
        assert_null(scores_from(bad_scoring[i].text, err));
        if (strstr(err->data, bad_scoring[i].want) == NULL)
            fail_msg("case %zu: got '%s'", i, err->data);
        buf_free(err);
    }
}

static void test_hard_verdict(void **state)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_from("SOFT 1 - soft\nHARD 0.5 - !reject virus\nQ 1 - !quarantine q\n", err);
    assert_non_null(s);
    assert_string_equal(scores_find(s, "HARD")->description, "virus");
    HITS *h = hits_new();
    hits_add(h, "SOFT", "1", NULL);
    assert_int_equal(score_forced(s, h), -1);
    hits_add(h, "Q", "1", NULL);
    assert_int_equal(score_forced(s, h), VERDICT_QUARANTINE);
    hits_add(h, "HARD", "2", NULL);
    assert_int_equal(score_forced(s, h), VERDICT_REJECT);
    assert_true(score_hits(s, h) == 2.5);
    hits_free(h);
    scores_free(s);
    buf_free(err);
}

static void test_capabilities(void **state)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_from("DL 1 - @DOWNLOAD,EXECUTE fetch and run\n"
                            "RK 2 3 @REGISTRY_WRITE !tag run key\nPLAIN 1 - plain\n",
                            err);
    assert_non_null(s);
    assert_int_equal(scores_find(s, "DL")->caps, CAP_DOWNLOAD | CAP_EXECUTE);
    assert_string_equal(scores_find(s, "DL")->description, "fetch and run");
    assert_int_equal(scores_find(s, "RK")->caps, CAP_REGISTRY_WRITE);
    assert_int_equal(scores_find(s, "RK")->force, VERDICT_TAG);
    assert_int_equal(scores_find(s, "PLAIN")->caps, 0);
    BUF *names = buf_new(16);
    cap_format(CAP_EXECUTE | CAP_DOWNLOAD | CAP_LURE, names);
    assert_string_equal(names->data, "DOWNLOAD,EXECUTE,LURE");
    scores_free(s);
    static const char *const bad[] = {"X 1 - @FLY run\n", "X 1 - @ run\n", "X 1 - @EXECUTE,,X r\n"};
    for (size_t i = 0; i < 3; i++) {
        buf_reset(err);
        assert_null(scores_from(bad[i], err));
        assert_non_null(strstr(err->data, "capabilit"));
    }
    buf_free(names);
    buf_free(err);
}

static void test_decoded_chain_scores_once(void **state)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_from("X 3 - x\n", err);
    HITS *h = hits_new();
    hits_add(h, "X", "2/a.zip>a.js", NULL);
    hits_add(h, "X", "2/a.zip>a.js>decoded:concat", NULL);
    hits_add(h, "X", "2/a.zip>b.js", NULL);
    assert_true(score_hits(s, h) == 6);
    assert_true(h->v[1].weight == 0);
    hits_free(h);
    scores_free(s);
    buf_free(err);
}

static void test_verdict_thresholds(void **state)
{
    assert_int_equal(verdict_from_score(0, 5, 10, 15), VERDICT_CLEAN);
    assert_int_equal(verdict_from_score(4.99, 5, 10, 15), VERDICT_CLEAN);
    assert_int_equal(verdict_from_score(5, 5, 10, 15), VERDICT_TAG);
    assert_int_equal(verdict_from_score(10, 5, 10, 15), VERDICT_QUARANTINE);
    assert_int_equal(verdict_from_score(99, 5, 10, 15), VERDICT_REJECT);
    assert_string_equal(verdict_name(VERDICT_QUARANTINE), "quarantine");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hits_dedupe_and_sanitize),
        cmocka_unit_test(test_hits_bounded),
        cmocka_unit_test(test_scores_weights_caps_families),
        cmocka_unit_test(test_scores_errors),
        cmocka_unit_test(test_hard_verdict),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_decoded_chain_scores_once),
        cmocka_unit_test(test_verdict_thresholds),
    };
    return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
