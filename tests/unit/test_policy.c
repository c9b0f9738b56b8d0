/*
 * test_policy - the policy file (policy/policyset.h): parsing and its errors with file:line,
 * which policy applies (specificity, CIDR v4/v6, case, IDN, verified senders), the settings
 * and weights a policy changes; and the split of recipients under different policies
 * (policy/split.h) and the action per verdict (policy/verdict.h)
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
#include "lib/xalloc.h"
#include "mime/url.h"
#include "policy/policyset.h"
#include "policy/split.h"
#include "policy/verdict.h"

static CONFIG *base;
static SCORES *scores;

/* ascii - the daemon's IDNA conversion: url_parse's host (core/ruleset.c does the same) */
static char *ascii(const char *domain)
{
    char *u = xasprintf("http://%s/", domain);
    URL *url = url_parse(u, strlen(u));
    char *r = url && url->host ? xstrdup(url->host) : NULL;
    url_free(url);
    free(u);
    return r;
}

/* load - a policy set from content; NULL with the error in err */
static POLICYSET *load(const char *content, BUF *err)
{
    const char *p = write_tmp(content);
    char path[64];
    snprintf(path, sizeof(path), "%s", p);
    POLICYSET *ps = policyset_new(base, scores);
    int rc = policyset_load(ps, path, ascii, err);
    unlink(path);
    if (rc == 0)
        return ps;
    policyset_free(ps);
    return NULL;
}

/* pick - the name of the policy for a recipient */
static const char *pick(const POLICYSET *ps, const char *rcpt, const char *sender, const char *auth,
                        const char *client)
{
    POLICY_ENV env = {.rcpt = rcpt, .sender = sender, .auth = auth};
    if (client)
        assert_true(policy_parse_ip(client, &env.client));
    return policyset_select(ps, &env)->name;
}

static const char *const file = "# sites\n"
                                "[default]\n"
                                "tag_threshold = 6\n"
                                "subject_tag = \"[SUSPICIOUS MAIL]\"\n"
                                "\n"
                                "[example]\n"
                                "match = rcpt-domain:example.com\n"
                                "mode = enforce\n"
                                "[subs]\n"
                                "match = rcpt-domain:*.example.com\n"
                                "mode = tag-only\n"
                                "[deep]\n"
                                "match = rcpt-domain:lab.eu.example.com\n"
                                "[alice]\n"
                                "match = rcpt:Alice@Example.COM\n"
                                "reject_threshold = 30\n"
                                "[partner]\n"
                                "match = sender-domain:partner.example client:198.51.100.0/24\n"
                                "match = sender-domain:partner.example client:2001:db8:1::/48\n"
                                "mode = off\n"
                                "[partner-to-example]\n"
                                "match = rcpt-domain:example.com sender-domain:partner.example "
                                "client:198.51.100.0/24\n"
                                "[forged-ok]\n"
                                "match = sender:bad@evil.example unverified-ok\n"
                                "reject_threshold = 12\n"
                                "[unverified]\n"
                                "match = sender-domain:trusted.example\n"
                                "scan = no\n"
                                "[staff]\n"
                                "match = auth:*\n"
                                "[boss]\n"
                                "match = auth:boss@corp.example\n"
                                "[lan]\n"
                                "match = client:10.0.0.0/8\n"
                                "[lan-host]\n"
                                "match = client:10.1.2.3\n"
                                "[lan6]\n"
                                "match = client:fd00::/8\n"
                                "[idn]\n"
                                "match = rcpt-domain:bücher.example\n"
                                "on_reject = quarantine\n"
                                "on_quarantine = discard\n"
                                "weight TEST_A = 9.5\n"
                                "weight CLAMAV_Foo.Bar = 20\n";

static void test_specificity(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    POLICYSET *ps = load(file, err);
    assert_non_null(ps);
    assert_string_equal(err->data, "");
    assert_int_equal(ps->n, 15);
    /* recipient address > recipient domain; case folded on both sides */
    assert_string_equal(pick(ps, "<ALICE@example.com>", NULL, NULL, NULL), "alice");
    assert_string_equal(pick(ps, "<bob@EXAMPLE.com.>", NULL, NULL, NULL), "example");
    /* *. matches subdomains only; more labels win; an exact domain is not a subdomain */
    assert_string_equal(pick(ps, "bob@eu.example.com", NULL, NULL, NULL), "subs");
    assert_string_equal(pick(ps, "bob@lab.eu.example.com", NULL, NULL, NULL), "deep");
    assert_string_equal(pick(ps, "bob@x.lab.eu.example.com", NULL, NULL, NULL), "subs");
    assert_string_equal(pick(ps, "bob@notexample.com", NULL, NULL, NULL), "default");
    /* recipient domain + sender beats recipient domain alone; sender beats client */
    assert_string_equal(pick(ps, "bob@example.com", "<x@partner.example>", NULL, "198.51.100.7"),
                        "partner-to-example");
    assert_string_equal(pick(ps, "bob@other.example", "x@partner.example", NULL, "198.51.100.7"),
                        "partner");
    assert_string_equal(
        pick(ps, "bob@other.example", "x@partner.example", NULL, "2001:db8:1:ff::1"), "partner");
    /* the partner from elsewhere: its sender domain is not verified */
    assert_string_equal(pick(ps, "bob@other.example", "x@partner.example", NULL, "192.0.2.1"),
                        "default");
    assert_string_equal(pick(ps, "bob@other.example", "x@partner.example", NULL, "2001:db8:2::1"),
                        "default");
    /* a forged sender alone: only with unverified-ok; or when the session authenticated */
    assert_string_equal(pick(ps, "bob@other.example", "x@trusted.example", NULL, NULL), "default");
    assert_string_equal(pick(ps, "bob@other.example", "x@trusted.example", "", NULL), "default");
    assert_string_equal(pick(ps, "bob@other.example", "x@trusted.example", "u1", NULL),
                        "unverified");
    assert_string_equal(pick(ps, "bob@other.example", "BAD@evil.example", NULL, NULL), "forged-ok");
    assert_string_equal(pick(ps, "bob@other.example", "<>", NULL, NULL), "default");
    /* auth: an exact login beats auth:*; sender beats auth; auth beats client */
    assert_string_equal(pick(ps, "bob@other.example", NULL, "someone", "10.1.2.3"), "staff");
    assert_string_equal(pick(ps, "bob@other.example", NULL, "Boss@corp.example", NULL), "boss");
    /* CIDR: the longer prefix wins; an IPv4-mapped address is IPv4 */
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "10.9.9.9"), "lan");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "10.1.2.3"), "lan-host");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "::ffff:10.1.2.3"), "lan-host");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "11.0.0.1"), "default");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "fd12::1"), "lan6");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "fe80::1"), "default");
    /* IDN: the file's U-label matches the MTA's A-label, and an upper-case U-label */
    assert_string_equal(pick(ps, "a@xn--bcher-kva.example", NULL, NULL, NULL), "idn");
    assert_string_equal(pick(ps, "a@XN--BCHER-KVA.EXAMPLE", NULL, NULL, NULL), "idn");
    assert_string_equal(pick(ps, "a@bücher.example", NULL, NULL, NULL), "idn");
    /* a source route and a bare local part */
    assert_string_equal(pick(ps, "<@relay.example:alice@example.com>", NULL, NULL, NULL), "alice");
    assert_string_equal(pick(ps, "postmaster", NULL, NULL, NULL), "default");
    policyset_free(ps);
    buf_free(err);
}

static void test_settings(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    POLICYSET *ps = load(file, err);
    assert_non_null(ps);
    const POLICY *def = policyset_default(ps), *p;
    assert_true(def->cfg->tag_threshold == 6);
    assert_string_equal(def->cfg->subject_tag, "[SUSPICIOUS MAIL]");
    assert_true(base->tag_threshold == 5); /* the base is untouched */
    POLICY_ENV env = {.rcpt = "x@eu.example.com"};
    p = policyset_select(ps, &env);
    assert_int_equal(p->cfg->mode, CFG_MODE_TAG_ONLY);
    assert_false(p->noscan);
    assert_true(p->weights == scores && p->scores == NULL);
    env = (POLICY_ENV){.rcpt = "x@a.example", .sender = "u@trusted.example", .auth = "u"};
    p = policyset_select(ps, &env);
    assert_true(p->noscan); /* scan = no: an allow-list, mode off */
    assert_int_equal(p->cfg->mode, CFG_MODE_OFF);
    env.rcpt = "x@xn--bcher-kva.example";
    p = policyset_select(ps, &env);
    assert_int_equal(policy_natural(p, VERDICT_REJECT), CFG_POL_QUARANTINE);
    assert_int_equal(policy_natural(p, VERDICT_QUARANTINE), ACT_DISCARD_TOKEN);
    assert_int_equal(policy_natural(p, VERDICT_TAG), CFG_POL_TAG);
    assert_true(scores_find(p->weights, "TEST_A")->weight == 9.5);
    assert_true(scores_find(scores, "TEST_A")->weight == 2);
    /* a family member gets its own entry; the family and other members keep theirs */
    assert_true(scores_find(p->weights, "CLAMAV_Foo.Bar")->weight == 20);
    assert_true(scores_find(p->weights, "CLAMAV_Other")->weight == 7);
    assert_true(scores_find(scores, "CLAMAV_Foo.Bar")->weight == 7);
    /* the action per verdict reaches verdict_action */
    VERDICT_IN vi = {.verdict = VERDICT_REJECT, .on_verdict = p->on_verdict};
    VERDICT_ACTION va = verdict_action(p->cfg, &vi);
    assert_int_equal(va.action, CFG_POL_QUARANTINE);
    vi.verdict = VERDICT_QUARANTINE;
    assert_int_equal(verdict_action(p->cfg, &vi).action, ACT_DISCARD_TOKEN);
    policyset_free(ps);
    buf_free(err);
}

/* bad - content fails with this message (path replaced by F) */
static void bad(const char *content, const char *want)
{
    BUF *err = buf_new(64);
    assert_null(load(content, err));
    const char *colon = strchr(err->data, ':');
    assert_non_null(colon);
    if (strcmp(colon + 1, want) != 0) {
        fprintf(stderr, "got  '%s'\nwant '%s'\n", colon + 1, want);
        fail();
    }
    buf_free(err);
}

/* a mapped IPv4 network is written with an IPv6 prefix (96 + IPv4 bits) */
static void test_mapped_network(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    POLICYSET *ps = load("[mapped]\nmatch = client:::ffff:192.0.2.0/120\n", err);
    assert_non_null(ps);
    assert_string_equal(err->data, "");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "192.0.2.77"), "mapped");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "::ffff:192.0.2.1"), "mapped");
    assert_string_equal(pick(ps, "bob@other.example", NULL, NULL, "192.0.3.1"), "default");
    policyset_free(ps);
    /* only [default]: every recipient gets it (the shortcut without matching) */
    buf_reset(err);
    ps = load("[default]\nreject_threshold = 12\n", err);
    assert_non_null(ps);
    assert_int_equal(ps->n, 1);
    assert_string_equal(pick(ps, "bob@other.example", "x@y.example", "u1", "192.0.2.77"),
                        "default");
    assert_string_equal(pick(ps, NULL, NULL, NULL, NULL), "default");
    policyset_free(ps);
    buf_free(err);
    bad("[a]\nmatch = client:::ffff:192.0.2.0/95\n",
        "2: bad network '::ffff:192.0.2.0/95' (want an address or ADDRESS/PREFIX)");
    bad("[a]\nmatch = client:::ffff:192.0.2.0/129\n",
        "2: bad network '::ffff:192.0.2.0/129' (want an address or ADDRESS/PREFIX)");
}

static void test_errors(void **state)
{
    (void)state;
    bad("mode = off\n", "1: a setting before the first [name] section");
    bad("# x\n[a]\nmatch = rcpt:a@b.example\nmode = sometimes\n",
        "4: bad value 'sometimes' for 'mode'");
    bad("[a]\nmatch = recipient:a@b.example\n",
        "2: bad condition 'recipient:a@b.example' (want rcpt:, rcpt-domain:, sender:, "
        "sender-domain:, auth: or client: and a value)");
    bad("[a]\nmatch = client:10.0.0.0/33\n",
        "2: bad network '10.0.0.0/33' (want an address or ADDRESS/PREFIX)");
    bad("[a]\nmatch = client:2001:db8::/129\n",
        "2: bad network '2001:db8::/129' (want an address or ADDRESS/PREFIX)");
    bad("[a]\nmatch = rcpt:nobody\n", "2: 'nobody' is not an address (want local@domain)");
    bad("[a]\nmatch = rcpt-domain:a@b\n",
        "2: 'rcpt-domain:a@b' is not a domain (want example.com or *.example.com)");
    bad("[a]\nmatch = rcpt-domain:a.example rcpt-domain:b.example\n",
        "2: two rcpt-domain: conditions on one match line (they would never both hold)");
    bad("[a]\nmatch = rcpt:a@b.example\n[a]\nmatch = rcpt:c@b.example\n",
        "3: policy [a] already defined at line 1");
    bad("[a]\nmatch = rcpt:a@b.example\nweight NO_SUCH = 3\n",
        "3: unknown symbol 'NO_SUCH' (not in scoring.conf)");
    bad("[a]\nmatch = rcpt:a@b.example\nweight TEST_A = lots\n",
        "3: bad weight 'lots' for TEST_A (want a number from 0 to 10000)");
    bad("[a]\nmatch = rcpt:a@b.example\non_reject = tempfail\n",
        "3: bad value 'tempfail' for 'on_reject' (accept, tag, quarantine, reject or discard)");
    bad("[a]\nmatch = rcpt:a@b.example\nsocket = inet:1@x\n",
        "3: unknown key 'socket' (a policy sets match, mode, tag_threshold, quarantine_threshold, "
        "reject_threshold, block_extensions, capability_alone_max, mention_max, "
        "quarantine_action, discard_verdicts, subject_tag, on_tag, on_quarantine, on_reject, scan "
        "and weight SYMBOL)");
    bad("[a]\nmatch = rcpt:a@b.example\nscan = maybe\n",
        "3: bad value 'maybe' for 'scan' (yes or no)");
    bad("[a]\nmode = off\n[b]\nmatch = rcpt:a@b.example\n",
        "3: [a] has no match line (it would never apply)");
    bad("[a]\nmatch = rcpt:a@b.example\ntag_threshold = 50\n",
        "1: [a]: thresholds must satisfy tag <= quarantine <= reject");
    bad("[default]\nmatch = rcpt:a@b.example\n",
        "2: [default] takes no match lines (it applies when nothing matches)");
    bad("[a b]\n", "1: bad policy name 'a b' (letters, digits, '_', '-', '.')");
    bad("[a]\nmatch rcpt:a@b.example\n", "2: expected 'key = value', 'match = ...' or '[name]'");
    bad("[a]\nmatch = unverified-ok\n", "2: a match line needs at least one condition");
    BUF *err = buf_new(64);
    POLICYSET *ps = policyset_new(base, scores);
    assert_int_equal(policyset_load(ps, "/nonexistent/policy.conf", ascii, err), -1);
    assert_non_null(strstr(err->data, "/nonexistent/policy.conf: cannot open"));
    policyset_free(ps);
    /* an empty file (comments only): the default alone */
    ps = load("# nothing yet\n\n", err);
    assert_non_null(ps);
    assert_int_equal(ps->n, 1);
    POLICY_ENV env = {.rcpt = "a@b.example"};
    assert_string_equal(policyset_select(ps, &env)->name, "default");
    policyset_free(ps);
    buf_free(err);
}

/* decide - split_decide over actions (planned, known); the lead, removals as "01.." */
static size_t decide(const int *act, size_t n, bool store, char *rm)
{
    SPLIT_GROUP g[8];
    bool remove[8];
    for (size_t i = 0; i < n; i++)
        g[i] = (SPLIT_GROUP){.action = act[i], .planned = true, .known = true};
    size_t lead = split_decide(g, n, store, remove);
    for (size_t i = 0; i < n; i++)
        rm[i] = remove[i] ? '1' : '0';
    rm[n] = 0;
    return lead;
}

static void test_split(void **state)
{
    (void)state;
    char rm[9];
    enum {
        A = CFG_POL_ACCEPT,
        T = CFG_POL_TAG,
        F = CFG_POL_TEMPFAIL,
        Q = CFG_POL_QUARANTINE,
        R = CFG_POL_REJECT,
        D = ACT_DISCARD_TOKEN
    };
    /* the same action: no split */
    assert_int_equal(decide((int[]){R, R}, 2, true, rm), 0);
    assert_string_equal(rm, "00");
    /* tag-only (tag) and enforce (reject) with a store: the enforce recipients removed */
    assert_int_equal(decide((int[]){T, R}, 2, true, rm), 0);
    assert_string_equal(rm, "01");
    /* without a store the reject applies to everyone (the sender is told) */
    assert_int_equal(decide((int[]){T, R}, 2, false, rm), 1);
    assert_string_equal(rm, "00");
    /* a discard (a stored quarantine, or discard_verdicts) is removed with or without */
    assert_int_equal(decide((int[]){D, A, T}, 3, false, rm), 2);
    assert_string_equal(rm, "100");
    /* a tempfail anywhere: the whole message */
    assert_int_equal(decide((int[]){T, D, F}, 3, true, rm), 2);
    assert_string_equal(rm, "000");
    /* a hold (quarantine without a store) cannot be split: strictest */
    assert_int_equal(decide((int[]){T, Q}, 2, false, rm), 1);
    assert_int_equal(decide((int[]){Q, R, T}, 3, false, rm), 1);
    assert_string_equal(rm, "000");
    /* no deliverer: the strictest, discard last */
    assert_int_equal(decide((int[]){R, D}, 2, true, rm), 1);
    assert_string_equal(rm, "00");
    /* a group with a recipient that cannot be named is not removed: strictest */
    SPLIT_GROUP g[2] = {{T, true, true}, {R, true, false}};
    bool remove[2];
    assert_int_equal(split_decide(g, 2, true, remove), 1);
    assert_false(remove[0] || remove[1]);
    /* equal actions: the group that plans something leads (mode off writes nothing) */
    SPLIT_GROUP h[2] = {{A, false, true}, {A, true, true}};
    assert_int_equal(split_decide(h, 2, true, remove), 1);
}

static int setup(void **state)
{
    (void)state;
    base = config_new();
    const char *p = write_tmp("TEST_A 2 - test symbol\n"
                              "CLAMAV_* 7 - ClamAV\n");
    char path[64];
    snprintf(path, sizeof(path), "%s", p);
    BUF *err = buf_new(64);
    scores = scores_load(path, err);
    unlink(path);
    assert_non_null(scores);
    buf_free(err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    config_free(base);
    scores_free(scores);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_specificity), cmocka_unit_test(test_settings),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_mapped_network),
        cmocka_unit_test(test_split),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
