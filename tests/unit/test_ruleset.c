/*
 * test_ruleset - building snapshots from rule files, the version id, and reload:
 * valid new rules are picked up, a syntax error keeps the old snapshot and names the
 * file and line, and a replaced snapshot lives until its last holder lets it go.
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

#include "core/ruleset.h"
#include "lib/xalloc.h"
#include "core/log.h"

static char dir[64];

/* put - write a file under the test directory */
static void put(const char *rel, const char *text)
{
    char *p = xasprintf("%s/%s", dir, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static int setup(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/fm-test-ruleset-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char *sub[] = {xasprintf("%s/rules", dir), xasprintf("%s/rules/clamav", dir),
                   xasprintf("%s/rules/yara", dir)};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(mkdir(sub[i], 0700), 0);
        free(sub[i]);
    }
    put("milter.conf", "rules_dir = rules\nlog_level = error\n");
    put("rules/scoring.conf", "YARA_DEFAULT 5 - default\nCLAMAV_* 20 - sigs\n");
    put("rules/clamav/t.ndb", "Test.Marker:0:*:6d61726b65722d737472696e67\n");
    put("rules/yara/one.yar", "rule one { strings: $a = \"alpha\" condition: $a }\n");
    BUF *err = buf_new(64);
    assert_int_equal(ruleset_init_libraries(err), 0);
    buf_free(err);
    return 0;
}

static int teardown(void **state)
{
    char *cmd = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

/* conf - path of the test config */
static char *conf(void)
{
    return xasprintf("%s/milter.conf", dir);
}

static void test_reload_cycle(void **state)
{
    char *c = conf();
    BUF *err = buf_new(64);
    assert_int_equal(ruleset_reload(c, err), 0);
    RULESET *first = ruleset_acquire();
    assert_non_null(first);
    assert_int_equal(yara_rules(first->yara), 1);
    assert_int_equal(strlen(first->id), 16);

    put("rules/yara/two.yar", "rule two { strings: $a = \"beta\" condition: $a }\n");
    assert_int_equal(ruleset_reload(c, err), 0);
    RULESET *second = ruleset_acquire();
    assert_int_equal(yara_rules(second->yara), 2);
    assert_string_not_equal(first->id, second->id);
    assert_int_equal(yara_rules(first->yara), 1); /* still usable by its holder */
    ruleset_release(first);

    put("rules/yara/broken.yar", "rule ok2 { condition: true }\n\nrule broken { condition: $b }\n");
    buf_reset(err);
    assert_int_equal(ruleset_reload(c, err), -1);
    if (strstr(err->data, "broken.yar:3:") == NULL)
        fail_msg("error does not name broken.yar:3: %s", err->data);
    RULESET *still = ruleset_acquire();
    assert_ptr_equal(still, second);
    ruleset_release(still);
    ruleset_release(second);
    buf_free(err);
    free(c);
}

static void test_id_follows_rule_bytes(void **state)
{
    char *c = conf();
    BUF *err = buf_new(64);
    char *broken = xasprintf("%s/rules/yara/broken.yar", dir);
    unlink(broken);
    free(broken);
    assert_int_equal(ruleset_reload(c, err), 0);
    RULESET *a = ruleset_acquire();
    char id[17];
    memcpy(id, a->id, sizeof(id));
    ruleset_release(a);
    assert_int_equal(ruleset_reload(c, err), 0); /* same files, same id */
    a = ruleset_acquire();
    assert_string_equal(a->id, id);
    ruleset_release(a);
    put("rules/clamav/t.ndb", "Test.Marker:0:*:6d61726b65722d737472696e6732\n");
    assert_int_equal(ruleset_reload(c, err), 0);
    a = ruleset_acquire();
    assert_string_not_equal(a->id, id);
    ruleset_release(a);
    buf_free(err);
    free(c);
}

static void test_bad_signature_file(void **state)
{
    log_expect(true); /* a negative test: the warnings it logs are expected */
    char *c = conf();
    BUF *err = buf_new(64);
    RULESET *before = ruleset_acquire();
    put("rules/clamav/bad.ndb", "this is not a signature\n");
    assert_int_equal(ruleset_reload(c, err), -1);
    assert_true(err->len > 0);
    RULESET *after = ruleset_acquire();
    assert_ptr_equal(before, after);
    ruleset_release(after);
    ruleset_release(before);
    char *bad = xasprintf("%s/rules/clamav/bad.ndb", dir);
    unlink(bad);
    free(bad);
    buf_free(err);
    free(c);
    log_expect(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reload_cycle),
        cmocka_unit_test(test_id_follows_rule_bytes),
        cmocka_unit_test(test_bad_signature_file),
    };
    return cmocka_run_group_tests_name("ruleset", tests, setup, teardown);
}
