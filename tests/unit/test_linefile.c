/*
 * test_linefile - lib/linefile: blank and comment lines skipped, line numbers, '#' cut
 * with LINEFILE_HASH_COMMENTS, LINEFILE_TRIM, the callback's error as FILE:LINE, a missing file, a
 * directory where the file should be
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "lib/linefile.h"
#include "lib/xalloc.h"

/* collect - "LINENO:LINE|" for each line shown; a line "bad..." fails */
static bool collect(void *ctx, char *line, unsigned lineno, BUF *why)
{
    BUF *b = ctx;
    line[strcspn(line, "\r\n")] = 0;
    if (strncmp(line, "bad", 3) == 0) {
        buf_puts(why, "bad line");
        return false;
    }
    buf_printf(b, "%u:%s|", lineno, line);
    return true;
}

static char *tmp_file(const char *text)
{
    char *path = xstrdup("/tmp/test_linefile.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_lines(void **state)
{
    (void)state;
    char *path = tmp_file("# head\n\none\n  \t\r\n  # indented comment\ntwo # tail\nthree");
    BUF *got = buf_new(64);
    BUF *err = buf_new(64);
    assert_int_equal(linefile_read(path, 0, collect, got, err), 1);
    assert_string_equal(got->data, "3:one|6:two # tail|7:three|");
    buf_reset(got);
    assert_int_equal(linefile_read(path, LINEFILE_HASH_COMMENTS, collect, got, err), 1);
    assert_string_equal(got->data, "3:one|6:two |7:three|");
    assert_int_equal(err->len, 0);
    unlink(path);
    free(path);
    /* LINEFILE_TRIM: white space gone, a comment after \f or \v skipped too */
    path = tmp_file("\t one \r\n\f# comment\n  two words \v\n");
    buf_reset(got);
    assert_int_equal(linefile_read(path, LINEFILE_TRIM, collect, got, err), 1);
    assert_string_equal(got->data, "1:one|3:two words|");
    unlink(path);
    free(path);
    buf_free(got);
    buf_free(err);
}

static void test_errors(void **state)
{
    (void)state;
    char *path = tmp_file("ok\nbad one\nnot read\n");
    BUF *got = buf_new(64);
    BUF *err = buf_new(64);
    assert_int_equal(linefile_read(path, 0, collect, got, err), -1);
    assert_string_equal(got->data, "1:ok|");
    char *want = xasprintf("%s:2: bad line", path);
    assert_string_equal(err->data, want);
    free(want);
    assert_int_equal(linefile_read(path, 0, collect, got, NULL), -1); /* err may be NULL */
    unlink(path);
    /* missing: an error, or an empty file with LINEFILE_MISSING_EMPTY */
    buf_reset(err);
    assert_int_equal(linefile_read(path, 0, collect, got, err), -1);
    assert_non_null(strstr(err->data, ": cannot open: "));
    buf_reset(err);
    assert_int_equal(linefile_read(path, LINEFILE_MISSING_EMPTY, collect, got, err), 0);
    assert_int_equal(err->len, 0);
    /* a directory opens but cannot be read: never an empty file */
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(linefile_read(path, LINEFILE_MISSING_EMPTY, collect, got, err), -1);
    assert_non_null(strstr(err->data, ": cannot read: "));
    rmdir(path);
    free(path);
    buf_free(got);
    buf_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("linefile", tests, NULL, NULL);
}
