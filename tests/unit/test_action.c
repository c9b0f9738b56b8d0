/*
 * test_action - action_plan (verdict, policies, modes, spoofed headers, report) and
 * action_apply through a recording MTA_OPS
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

#include "model/failure.h"
#include "policy/action.h"
#include "lib/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "model/hit.h"

/* the recording MTA: one line per call */
static BUF *rec;
static int fail_quarantine;
static bool leadspc;

static const char *r_getsymval(void *ctx, const char *name)
{
    return NULL;
}
static int r_addheader(void *ctx, const char *name, const char *value)
{
    buf_printf(rec, "add %s: %s\n", name, value);
    return 0;
}
static int r_insheader(void *ctx, int idx, const char *name, const char *value)
{
    buf_printf(rec, "ins %d %s: %s\n", idx, name, value);
    return 0;
}
static int r_chgheader(void *ctx, const char *name, int idx, const char *value)
{
    buf_printf(rec, "chg %s[%d]: %s\n", name, idx, value ? value : "(delete)");
    return 0;
}
static int r_quarantine(void *ctx, const char *reason)
{
    buf_printf(rec, "quarantine %s\n", reason);
    return fail_quarantine ? -1 : 0;
}
static int r_setreply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
    buf_printf(rec, "reply %s %s %s\n", rcode, xcode, text);
    return 0;
}
static int r_progress(void *ctx)
{
    return 0;
}
static int fail_delrcpt;
static int r_delrcpt(void *ctx, const char *rcpt)
{
    buf_printf(rec, "delrcpt %s\n", rcpt);
    return fail_delrcpt ? -1 : 0;
}
static const MTA_OPS recorder = {r_getsymval,  r_addheader, r_insheader, r_chgheader,
                                 r_quarantine, r_setreply,  r_progress,  r_delrcpt};

/* run - plan and apply one message; returns the status, the calls are in rec */
static ACT_STATUS run(CONFIG *c, VERDICT v, double score, MSG_ERRS errs, HITS *h,
                      const ACT_HDR *inb, size_t ninb, const char *subject)
{
    ACT_INPUT in = {.verdict = v,
                    .score = score,
                    .ref = "0123456789abcdef",
                    .ruleset_id = "fedcba9876543210",
                    .hits = h,
                    .cfg = c,
                    .errs = errs,
                    .inbound = inb,
                    .ninbound = ninb,
                    .subject = subject,
                    .leadspc = leadspc,
                    .store = false,
                    .released = NULL};
    ACT_PLAN *p = action_plan(&in);
    buf_reset(rec);
    ACT_STATUS st = action_apply(p, &recorder, NULL);
    action_plan_free(p);
    return st;
}

static void test_clean_and_spoofed(void **state)
{
    CONFIG *c = config_new();
    ACT_HDR inb[] = {{"X-Fileless-Verdict", 1}, {"X-Fileless-Verdict", 2}};
    assert_int_equal(run(c, VERDICT_CLEAN, 0, 0, NULL, inb, 2, "hi"), ACT_ACCEPT);
    assert_string_equal(rec->data, "chg X-Fileless-Verdict[2]: (delete)\n"
                                   "chg X-Fileless-Verdict[1]: (delete)\n"
                                   "ins 0 X-Fileless-Verdict: clean; score=0.00; "
                                   "ref=0123456789abcdef; rules=fedcba9876543210\n"
                                   "ins 1 X-Fileless-Report: none\n");
    config_free(c);
}

/* more inbound X-Fileless-* headers than max_spoofed_headers: refused, whatever the
 * verdict and mode; within the cap every one is deleted and ours goes on top */
static void test_spoofed_over_cap(void **state)
{
    CONFIG *c = config_new();
    ACT_INPUT in = {VERDICT_CLEAN,
                    0,
                    "0123456789abcdef",
                    "fedcba9876543210",
                    NULL,
                    c,
                    0,
                    NULL,
                    0,
                    "Hi",
                    false,
                    false,
                    NULL,
                    5000,
                    NULL,
                    NULL,
                    NULL,
                    0};
    for (int mode = 0; mode < 2; mode++) {
        c->mode = mode ? CFG_MODE_TAG_ONLY : CFG_MODE_ENFORCE;
        ACT_PLAN *p = action_plan(&in);
        buf_reset(rec);
        assert_int_equal(action_apply(p, &recorder, NULL), ACT_REJECT);
        action_plan_free(p);
        assert_string_equal(rec->data, "reply 550 5.7.1 message refused: 5000 X-Fileless-* "
                                       "headers (ref 0123456789abcdef)\n");
    }
    config_free(c);
}

/* with SMFIP_HDR_LEADSPC the MTA writes "Name:" + value: every value we add starts with a space */
static void test_leading_space(void **state)
{
    CONFIG *c = config_new();
    free(c->subject_tag);
    c->subject_tag = strdup("[SUSPECT]");
    leadspc = true;
    assert_int_equal(run(c, VERDICT_TAG, 6, 0, NULL, NULL, 0, "Invoice"), ACT_ACCEPT);
    leadspc = false;
    assert_string_equal(rec->data, "ins 0 X-Fileless-Verdict:  tag; score=6.00; "
                                   "ref=0123456789abcdef; rules=fedcba9876543210\n"
                                   "ins 1 X-Fileless-Report:  none\n"
                                   "chg Subject[1]:  [SUSPECT] Invoice\n");
    config_free(c);
}

/* failure causes set with their hits are the policy input: engine timeouts are on_timeout;
 * a hit that only carries a failure symbol (hits_add) sets no cause */
static void test_flags_from_hits(void **state)
{
    HITS *h = hits_new();
    assert_true(h->errs == 0);
    hits_add(h, "LIMIT_SCAN_TIME", "1", "named, not set");
    assert_true(h->errs == 0);
    failure_hit(h, MSG_ERR_LIMIT_CLAMAV_SCAN_TIME, "2/a.zip", "libclamav gave up");
    assert_true(h->errs == MSG_ERR_BIT(MSG_ERR_LIMIT_CLAMAV_SCAN_TIME));
    assert_true(hits_has(h, "LIMIT_CLAMAV_SCAN_TIME"));
    failure_hit(h, MSG_ERR_LIMIT_SCAN_TIME, "message", "scan_timeout");
    failure_hit(h, MSG_ERR_SCANNER, "2/a.zip", "yara: timeout");
    assert_true(h->errs == (MSG_ERRS_TIMEOUT | MSG_ERR_BIT(MSG_ERR_SCANNER)));
    CONFIG *c = config_new();
    assert_int_equal(run(c, VERDICT_CLEAN, 0, h->errs, h, NULL, 0, NULL), ACT_TEMPFAIL);
    c->on_timeout = CFG_POL_ACCEPT;
    c->on_scanner_error = CFG_POL_TAG;
    assert_int_equal(run(c, VERDICT_CLEAN, 0, h->errs, h, NULL, 0, NULL), ACT_ACCEPT);
    assert_non_null(strstr(rec->data, "; action=tag"));
    config_free(c);
    hits_free(h);
}

static void test_reject_quarantine_tempfail(void **state)
{
    CONFIG *c = config_new();
    assert_int_equal(run(c, VERDICT_REJECT, 20, 0, NULL, NULL, 0, NULL), ACT_REJECT);
    assert_string_equal(rec->data, "reply 550 5.7.1 Message rejected: dangerous content "
                                   "(ref 0123456789abcdef)\n");
    assert_int_equal(run(c, VERDICT_QUARANTINE, 12, 0, NULL, NULL, 0, NULL), ACT_ACCEPT);
    assert_non_null(strstr(rec->data, "quarantine fileless-milter: score=12.00"));
    fail_quarantine = 1;
    log_expect(true); /* the failed MTA operation is logged */
    assert_int_equal(run(c, VERDICT_QUARANTINE, 12, 0, NULL, NULL, 0, NULL), ACT_TEMPFAIL);
    log_expect(false);
    fail_quarantine = 0;
    assert_int_equal(run(c, VERDICT_CLEAN, 1, MSG_ERR_BIT(MSG_ERR_SCANNER), NULL, NULL, 0, NULL),
                     ACT_TEMPFAIL);
    assert_non_null(strstr(rec->data, "reply 451 4.7.1 "));
    /* a stronger verdict stands; oversize only tags by default */
    assert_int_equal(run(c, VERDICT_REJECT, 20, MSG_ERR_BIT(MSG_ERR_SCANNER), NULL, NULL, 0, NULL),
                     ACT_REJECT);
    assert_int_equal(
        run(c, VERDICT_CLEAN, 0, MSG_ERR_BIT(MSG_ERR_LIMIT_MESSAGE_SIZE), NULL, NULL, 0, NULL),
        ACT_ACCEPT);
    assert_non_null(strstr(rec->data, "; action=tag\n"));
    c->quarantine_action = CFG_QA_DISCARD;
    assert_int_equal(run(c, VERDICT_QUARANTINE, 12, 0, NULL, NULL, 0, NULL), ACT_DISCARD);
    c->quarantine_action = CFG_QA_HOLD;
    /* discard per verdict: only the verdict's own action, never a failure policy's */
    c->discard_verdicts = 1u << (VERDICT_REJECT - 1);
    assert_int_equal(run(c, VERDICT_REJECT, 20, 0, NULL, NULL, 0, NULL), ACT_DISCARD);
    assert_int_equal(rec->len, 0);
    assert_int_equal(run(c, VERDICT_QUARANTINE, 12, 0, NULL, NULL, 0, NULL), ACT_ACCEPT);
    assert_int_equal(run(c, VERDICT_TAG, 6, MSG_ERR_BIT(MSG_ERR_SCANNER), NULL, NULL, 0, NULL),
                     ACT_TEMPFAIL);
    c->discard_verdicts = 0;
    /* a multi-line reply: \n in the template becomes a line break */
    free(c->reject_text);
    c->reject_text = strdup("Rejected (ref %s)\\nSee https://help.example/mail");
    assert_int_equal(run(c, VERDICT_REJECT, 20, 0, NULL, NULL, 0, NULL), ACT_REJECT);
    assert_string_equal(rec->data, "reply 550 5.7.1 Rejected (ref 0123456789abcdef)\n"
                                   "See https://help.example/mail\n");
    config_free(c);
}

static void test_tag_only_and_off(void **state)
{
    CONFIG *c = config_new();
    c->mode = CFG_MODE_TAG_ONLY;
    free(c->subject_tag);
    c->subject_tag = strdup("[SUSPECT]");
    assert_int_equal(run(c, VERDICT_REJECT, 20, 0, NULL, NULL, 0, "Invoice"), ACT_ACCEPT);
    assert_null(strstr(rec->data, "reply"));
    assert_non_null(strstr(rec->data, "; mode=tag-only; would=reject\n"));
    assert_non_null(strstr(rec->data, "chg Subject[1]: [SUSPECT] Invoice\n"));
    c->mode = CFG_MODE_OFF;
    assert_int_equal(run(c, VERDICT_REJECT, 20, 0, NULL, NULL, 0, NULL), ACT_ACCEPT);
    assert_int_equal(rec->len, 0);
    config_free(c);
}

static void test_report_sorted_sanitized_bounded(void **state)
{
    CONFIG *c = config_new();
    HITS *h = hits_new();
    hits_add(h, "FILE_DOUBLE_EXTENSION", "2/a\r\nb.pdf.js", "x")->weight = 3;
    hits_add(h, "JS_EVAL", "2", "x")->weight = 6;
    hits_add(h, "MIME_EMPTY_PART", "3", "x")->weight = 0;
    run(c, VERDICT_TAG, 9, 0, h, NULL, 0, NULL);
    assert_non_null(strstr(rec->data, "ins 1 X-Fileless-Report: JS_EVAL=6.0@2, "
                                      "FILE_DOUBLE_EXTENSION=3.0@2/a\\x0d\\x0ab.pdf.js\n"));
    assert_null(strstr(rec->data, "MIME_EMPTY_PART"));
    for (int i = 0; i < 200; i++)
        hits_add(h, "URL_IP_LITERAL", "1", "%d", i);
    char loc[32];
    for (int i = 0; i < 200; i++) {
        snprintf(loc, sizeof(loc), "%d.%d.%d.%d.%d", i, i, i, i, i);
        hits_add(h, "URL_SHORTENER", loc, "x")->weight = 1;
    }
    run(c, VERDICT_TAG, 9, 0, h, NULL, 0, NULL);
    const char *r = strstr(rec->data, "Report: ");
    assert_non_null(r);
    assert_true(strlen(r) < ACT_REPORT_MAX + 20);
    hits_free(h);
    config_free(c);
}

/* plan_store - a plan with a quarantine store configured; *store tells whether it asks to store */
static ACT_STATUS plan_store(CONFIG *c, VERDICT v, MSG_ERRS errs, const char *released, bool *store)
{
    ACT_INPUT in = {.verdict = v,
                    .score = 12,
                    .ref = "0123456789abcdef",
                    .ruleset_id = "fedcba9876543210",
                    .cfg = c,
                    .errs = errs,
                    .subject = "Hi",
                    .store = true,
                    .released = released};
    ACT_PLAN *p = action_plan(&in);
    buf_reset(rec);
    *store = p->store;
    ACT_STATUS st = action_apply(p, &recorder, NULL);
    action_plan_free(p);
    return st;
}

static void test_quarantine_store(void **state)
{
    CONFIG *c = config_new();
    bool store = false;
    /* auto: stored, then discarded (the store keeps it) */
    assert_int_equal(plan_store(c, VERDICT_QUARANTINE, 0, NULL, &store), ACT_DISCARD);
    assert_true(store);
    /* the store failed: on_quarantine_error (tempfail), nothing stored */
    assert_int_equal(
        plan_store(c, VERDICT_QUARANTINE, MSG_ERR_BIT(MSG_ERR_QUARANTINE), NULL, &store),
        ACT_TEMPFAIL);
    assert_false(store);
    assert_non_null(strstr(rec->data, "reply 451 4.7.1 "));
    c->on_quarantine_error = CFG_POL_QUARANTINE; /* fall back to the hold queue */
    assert_int_equal(
        plan_store(c, VERDICT_QUARANTINE, MSG_ERR_BIT(MSG_ERR_QUARANTINE), NULL, &store),
        ACT_ACCEPT);
    assert_non_null(strstr(rec->data, "quarantine fileless-milter"));
    /* hold after storing */
    c->quarantine_action = CFG_QA_HOLD;
    assert_int_equal(plan_store(c, VERDICT_QUARANTINE, 0, NULL, &store), ACT_ACCEPT);
    assert_true(store);
    assert_non_null(strstr(rec->data, "quarantine fileless-milter"));
    /* clean and reject verdicts are not stored */
    assert_int_equal(plan_store(c, VERDICT_CLEAN, 0, NULL, &store), ACT_ACCEPT);
    assert_false(store);
    assert_int_equal(plan_store(c, VERDICT_REJECT, 0, NULL, &store), ACT_REJECT);
    assert_false(store);
    /* released: tagged, not quarantined again; reject still applies */
    assert_int_equal(plan_store(c, VERDICT_QUARANTINE, 0, "00112233aabbccdd", &store), ACT_ACCEPT);
    assert_false(store);
    assert_null(strstr(rec->data, "quarantine fileless"));
    assert_non_null(strstr(rec->data, "; released=00112233aabbccdd\n"));
    assert_int_equal(plan_store(c, VERDICT_REJECT, 0, "00112233aabbccdd", &store), ACT_REJECT);
    /* tag-only never stores */
    c->mode = CFG_MODE_TAG_ONLY;
    assert_int_equal(plan_store(c, VERDICT_QUARANTINE, 0, NULL, &store), ACT_ACCEPT);
    assert_false(store);
    config_free(c);
}

/* quarantine_rejects: a reject is stored too, the reply stays 550; a failed store leaves
 * the reject; a stored-and-discarded message is labelled quarantine (log, metrics) */
static void test_quarantine_rejects_and_label(void **state)
{
    CONFIG *c = config_new();
    bool store = true;
    assert_int_equal(plan_store(c, VERDICT_REJECT, 0, NULL, &store), ACT_REJECT);
    assert_false(store); /* default no */
    c->quarantine_rejects = 1;
    assert_int_equal(plan_store(c, VERDICT_REJECT, 0, NULL, &store), ACT_REJECT);
    assert_true(store);
    assert_non_null(strstr(rec->data, "reply 550 5.7.1 "));
    assert_int_equal(plan_store(c, VERDICT_REJECT, MSG_ERR_BIT(MSG_ERR_QUARANTINE), NULL, &store),
                     ACT_REJECT);
    assert_false(store);
    assert_int_equal(plan_store(c, VERDICT_CLEAN, 0, NULL, &store), ACT_ACCEPT);
    assert_false(store);
    /* labels */
    assert_int_equal(verdict_action_label(ACT_DISCARD_TOKEN, true), CFG_POL_QUARANTINE);
    assert_int_equal(verdict_action_label(ACT_DISCARD_TOKEN, false), ACT_DISCARD_TOKEN);
    assert_int_equal(verdict_action_label(CFG_POL_REJECT, true), CFG_POL_REJECT);
    VERDICT_IN vi = {.verdict = VERDICT_QUARANTINE, .store = true};
    c->mode = CFG_MODE_TAG_ONLY; /* the would-be action is a stored quarantine */
    VERDICT_ACTION va = verdict_action(c, &vi);
    assert_false(va.store);
    assert_true(va.would_store);
    assert_int_equal(verdict_action_label(va.would, va.would_store), CFG_POL_QUARANTINE);
    config_free(c);
}

/* a policy: its name in the verdict header (not "default"), its action per verdict, and
 * the recipients another policy removes, first, also in mode off; a failed removal
 * tempfails */
static void test_policy_split(void **state)
{
    CONFIG *c = config_new();
    const char *del[] = {"<boss@example.net>", "<cfo@example.net>"};
    int on_verdict[4] = {CFG_POL_ACCEPT, CFG_POL_TAG, CFG_POL_TAG, CFG_POL_QUARANTINE};
    ACT_INPUT in = {.verdict = VERDICT_REJECT,
                    .score = 20,
                    .ref = "0123456789abcdef",
                    .ruleset_id = "fedcba9876543210",
                    .cfg = c,
                    .policy = "lab",
                    .on_verdict = on_verdict,
                    .delrcpt = del,
                    .ndelrcpt = 2};
    ACT_PLAN *p = action_plan(&in);
    buf_reset(rec);
    assert_int_equal(action_apply(p, &recorder, NULL), ACT_ACCEPT);
    assert_int_equal(p->action, CFG_POL_QUARANTINE); /* on_reject = quarantine: the hold */
    action_plan_free(p);
    assert_string_equal(rec->data,
                        "delrcpt <boss@example.net>\ndelrcpt <cfo@example.net>\n"
                        "ins 0 X-Fileless-Verdict: reject; score=20.00; ref=0123456789abcdef; "
                        "rules=fedcba9876543210; action=quarantine; policy=lab\n"
                        "ins 1 X-Fileless-Report: none\n"
                        "quarantine fileless-milter: score=20.00 ref=0123456789abcdef\n");
    c->mode = CFG_MODE_OFF; /* plans nothing of its own, still removes */
    p = action_plan(&in);
    buf_reset(rec);
    fail_delrcpt = 1;
    log_expect(true); /* the failed MTA operation is logged */
    assert_int_equal(action_apply(p, &recorder, NULL), ACT_TEMPFAIL);
    log_expect(false);
    fail_delrcpt = 0;
    action_plan_free(p);
    assert_string_equal(rec->data, "delrcpt <boss@example.net>\ndelrcpt <cfo@example.net>\n");
    c->mode = CFG_MODE_ENFORCE;
    in.policy = "default";
    in.ndelrcpt = 0;
    in.verdict = VERDICT_TAG;
    p = action_plan(&in);
    buf_reset(rec);
    assert_int_equal(action_apply(p, &recorder, NULL), ACT_ACCEPT);
    action_plan_free(p);
    assert_string_equal(rec->data, "ins 0 X-Fileless-Verdict: tag; score=20.00; "
                                   "ref=0123456789abcdef; rules=fedcba9876543210\n"
                                   "ins 1 X-Fileless-Report: none\n");
    config_free(c);
}

int main(void)
{
    rec = buf_new(1024);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_and_spoofed),
        cmocka_unit_test(test_leading_space),
        cmocka_unit_test(test_spoofed_over_cap),
        cmocka_unit_test(test_flags_from_hits),
        cmocka_unit_test(test_reject_quarantine_tempfail),
        cmocka_unit_test(test_tag_only_and_off),
        cmocka_unit_test(test_report_sorted_sanitized_bounded),
        cmocka_unit_test(test_quarantine_store),
        cmocka_unit_test(test_quarantine_rejects_and_label),
        cmocka_unit_test(test_policy_split),
    };
    int r = cmocka_run_group_tests_name("action", tests, NULL, NULL);
    buf_free(rec);
    return r;
}
