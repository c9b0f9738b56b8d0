/*
 * test_yara_timeout - the yara_timeout setting: its config row (default 10 s, bounds) and
 * that the YARA adapter honours the value it is given. A rule whose condition loops over
 * filesize^2 byte pairs (hours of work) on a 100 kB buffer fails after about 1 s with a
 * 1 s timeout, and the error names the setting; a quick rule on the same YARA still passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "scan/yara.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_match(void *ctx, const char *ns, const char *rule, int has_score, double score,
                        const char *description)
{
    (void)ns;
    (void)rule;
    (void)has_score;
    (void)score;
    (void)description;
    ++*(int *)ctx;
}

static void test_config_row(void **state)
{
    (void)state;
    CONFIG *c = config_new();
    assert_int_equal(c->yara_timeout, YARA_TIMEOUT_DEFAULT_S);
    BUF *err = buf_new(64);
    assert_int_equal(config_set(c, "yara_timeout", "2", err), 0);
    assert_int_equal(c->yara_timeout, 2);
    assert_int_not_equal(config_set(c, "yara_timeout", "0", err), 0);
    buf_free(err);
    config_free(c);
}

static void test_timeout_honoured(void **state)
{
    (void)state;
    char dir[] = "/tmp/fm-yto-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/slow.yar", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("rule Slow { condition: for all i in (0..filesize - 1) : "
          "(for all j in (0..filesize - 1) : (uint8(i) + uint8(j) < 600)) }\n",
          f);
    assert_int_equal(fclose(f), 0);
    const char *dirs[] = {dir};
    BUF *err = buf_new(64);
    YARA *y = yara_load(dirs, 1, err);
    assert_non_null(y);
    yara_set_timeout(y, 1);
    size_t n = 100000;
    unsigned char *data = xcalloc(n, 1);
    int matches = 0;
    double t0 = now_s();
    assert_int_equal(yara_scan(y, data, n, NULL, count_match, &matches, err), -1);
    double took = now_s() - t0;
    printf("# slow rule: %s after %.2f s\n", err->data, took);
    assert_string_equal(err->data, "timeout after 1 s (yara_timeout)");
    assert_true(took >= 0.9 && took < YARA_TIMEOUT_DEFAULT_S); /* 1 s, not the default */
    assert_int_equal(matches, 0);
    /* the same YARA scans a small buffer to the end */
    buf_reset(err);
    assert_int_equal(yara_scan(y, data, 10, NULL, count_match, &matches, err), 0);
    assert_int_equal(matches, 1);
    free(data);
    buf_free(err);
    yara_free(y);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_row),
        cmocka_unit_test(test_timeout_honoured),
    };
    yara_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
