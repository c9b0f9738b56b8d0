/*
 * test_spool - raw message storage: memory, spill to a private temp file, size cap
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mta/spool.h"

static void test_memory_then_file(void **state)
{
    SPOOL *s = spool_new(10, 1000);
    assert_int_equal(spool_add(s, "Subject: x", 10), 0);
    assert_int_equal(s->fd, -1);
    assert_int_equal(spool_add(s, "\r\n\r\nbody", 8), 0);
    assert_true(s->fd >= 0);
    size_t len;
    const char *p = spool_data(s, &len);
    assert_int_equal(len, 18);
    assert_memory_equal(p, "Subject: x\r\n\r\nbody", 18);
    assert_false(s->oversize);
    spool_free(s);
}

static void test_cap(void **state)
{
    SPOOL *s = spool_new(4, 6);
    assert_int_equal(spool_add(s, "abcd", 4), 0);
    assert_int_equal(spool_add(s, "efgh", 4), 0);
    assert_int_equal(spool_add(s, "ijkl", 4), 0);
    assert_true(s->oversize);
    assert_int_equal(s->total, 12);
    size_t len;
    const char *p = spool_data(s, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(p, "abcdef", 6);
    spool_free(s);
    s = spool_new(100, 100);
    p = spool_data(s, &len);
    assert_int_equal(len, 0);
    assert_non_null(p);
    spool_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_then_file),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
