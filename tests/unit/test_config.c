/*
 * test_config - the config table: defaults, parsing, errors with file:line, dump
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

#include "testutil.h"
#include "core/config.h"

static char loaded[64]; /* the path load() last wrote (errors must name it) */

/* load - load content; returns rc and leaves the error text in err */
static int load(CONFIG *c, const char *content, BUF *err)
{
    const char *p = write_tmp(content);
    snprintf(loaded, sizeof(loaded), "%s", p);
    int rc = config_load(c, p, err);
    unlink(p);
    return rc;
}

static void test_defaults(void **state)
{
    CONFIG *c = config_new();
    assert_int_equal(c->max_message_size, 50 * 1024 * 1024);
    assert_int_equal(c->max_mime_depth, 32);
    assert_string_equal(c->rules_dir, "rules");
    assert_true(c->tag_threshold <= c->quarantine_threshold);
    assert_int_equal(c->log_level, CFG_LOG_INFO);
    assert_null(config_free(c));
}

static void test_values_parse(void **state)
{
    CONFIG *c = config_new();
    BUF *err = buf_new(64);
    int rc = load(c,
                  "# comment\n\n  max_message_size = 10M \nmax_parts=77\n"
                  "rules_dir = \"/etc/x y\"\nlog_debug = mime, url\ntag_threshold = 2.5\n",
                  err);
    assert_int_equal(rc, 0);
    assert_int_equal(c->max_message_size, 10 * 1024 * 1024);
    assert_int_equal(c->max_parts, 77);
    assert_string_equal(c->rules_dir, "/etc/x y");
    assert_int_equal(c->log_debug, (1u << 1) | (1u << 2));
    assert_true(c->tag_threshold == 2.5);
    config_free(c);
    buf_free(err);
}

static const struct {
    const char *file;
    const char *want; /* substring of the error after "PATH:" */
} error_cases[] = {
    {"max_parts = 5\nscan_size_mx = 1\n", ":2: unknown key 'scan_size_mx'"},
    {"max_parts = lots\n", ":1: bad integer 'lots' for 'max_parts'"},
    {"max_parts = 0\n", ":1: value '0' for 'max_parts' out of range"},
    {"max_message_size = 10Q\n", ":1: bad size '10Q'"},
    {"log_level = loud\n", ":1: bad value 'loud' for 'log_level'"},
    {"log_debug = mime,bogus\n", ":1: unknown value 'bogus' for 'log_debug'"},
    {"max_parts = 5\nmax_parts = 6\n", ":2: duplicate key 'max_parts'"},
    {"just words\n", ":1: expected 'key = value'"},
    {"Bad-Key = 1\n", ":1: bad key 'Bad-Key'"},
    {"tag_threshold = nan\n", ":1: bad number 'nan'"},
    {"tag_threshold = 20\n", "thresholds must satisfy"},
};

static void test_errors_name_file_line_key(void **state)
{
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        CONFIG *c = config_new();
        BUF *err = buf_new(64);
        assert_int_equal(load(c, error_cases[i].file, err), -1);
        if (strstr(err->data, error_cases[i].want) == NULL)
            fail_msg("case %zu: got '%s', want '%s'", i, err->data, error_cases[i].want);
        assert_true(strncmp(err->data, loaded, strlen(loaded)) == 0 &&
                    err->data[strlen(loaded)] == ':');
        config_free(c);
        buf_free(err);
    }
}

static void test_missing_file(void **state)
{
    CONFIG *c = config_new();
    BUF *err = buf_new(64);
    assert_int_equal(config_load(c, "/nonexistent/milter.conf", err), -1);
    assert_non_null(strstr(err->data, "cannot open"));
    config_free(c);
    buf_free(err);
}

static void test_resolve_relative_to_config(void **state)
{
    CONFIG *c = config_new();
    char *r = config_resolve(c, "rules");
    assert_string_equal(r, "rules");
    free(r);
    c->path = strdup("/etc/fileless-milter/milter.conf");
    r = config_resolve(c, "rules");
    assert_string_equal(r, "/etc/fileless-milter/rules");
    free(r);
    r = config_resolve(c, "/abs/rules");
    assert_string_equal(r, "/abs/rules");
    free(r);
    config_free(c);
}

static void test_dump_reloads_to_defaults(void **state)
{
    char path[] = "/tmp/fm-test-dump-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    config_dump(f);
    fclose(f);
    CONFIG *c = config_new();
    BUF *err = buf_new(64);
    assert_int_equal(config_load(c, path, err), 0);
    CONFIG *d = config_new();
    assert_int_equal(c->max_total_bytes, d->max_total_bytes);
    assert_int_equal(c->syslog_facility, d->syslog_facility);
    assert_int_equal(c->log_debug, d->log_debug);
    unlink(path);
    config_free(c);
    config_free(d);
    buf_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values_parse),
        cmocka_unit_test(test_errors_name_file_line_key),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_resolve_relative_to_config),
        cmocka_unit_test(test_dump_reloads_to_defaults),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
