/*
 * test_report - the behaviour section of the reports (policy/report.c) over many hits: per
 * attachment (in the order of its first hit, its hits in hit order) the capability hits
 * with their context, a LURE anywhere in the attachment (before or after) making every
 * place a delivery, and the chains; checked against an independent reading of the hits,
 * with as many hits as a message can hold (HITS_MAX), interleaved over many attachments
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

#include "core/config.h"
#include "core/ruleset.h"
#include "lib/xalloc.h"
#include "mime/url.h"
#include "model/hit.h"
#include "model/part.h"
#include "msg.h"
#include "policy/report.h"
#include "policy/score.h"

static const char *conf = "SCRIPT_DOWNLOAD 4 6 @DOWNLOAD Downloads\n"
                          "SCRIPT_PROCESS_LAUNCH 3 5 @EXECUTE Starts a process\n"
                          "LURE_RUN_DIALOG 4 - @LURE Paste into Run\n"
                          "URL_IP_LITERAL 3 4 A link to an IP\n"
                          "CHAIN_DOWNLOAD_EXECUTE 8 - =DOWNLOAD+EXECUTE Download and run\n";

#define NATT 40 /* attachments: parts 1..NATT */

/* part_of - a body part (text/plain, no name: a mention) for odd numbers, a .js file else */
static void add_part(PARTS *ps, int k)
{
    char path[16];
    snprintf(path, sizeof(path), "%d", k);
    PART *p = parts_add(ps, path);
    p->content_type = xstrdup("text/plain");
    if (k % 2 == 0)
        p->filename = xasprintf("run%d.js", k);
}

/* lure_at - the attachment with a lure: every third; the lure comes last for some */
static bool has_lure(int k)
{
    return k % 3 == 0;
}

/* many_hits - a message with about n hits round-robin over NATT attachments (interleaved,
 * each at its own location), a lure last in every third attachment, a chain in each;
 * *caps: how many hits have capabilities */
static MSG *many_hits(size_t n, size_t *caps)
{
    MSG *m = msg_new("00112233445566cc");
    m->urls = urlset_new(10);
    for (int k = 1; k <= NATT; k++)
        add_part(m->parts, k);
    /* hits round-robin over the attachments (interleaved), each at its own location */
    static const char *const syms[] = {"SCRIPT_DOWNLOAD", "URL_IP_LITERAL",
                                       "SCRIPT_PROCESS_LAUNCH"};
    for (int i = 0; m->hits->n < n - 2 * NATT; i++) {
        int k = 1 + i % NATT;
        char loc[64];
        snprintf(loc, sizeof(loc), "%d>decoded:x%d", k, i);
        const char *sym = syms[i % 3];
        assert_non_null(hits_add(m->hits, sym, loc, "hit %d", i));
        *caps += strcmp(sym, "URL_IP_LITERAL") != 0;
    }
    for (int k = 1; k <= NATT; k++) { /* lures last, so only a look ahead finds them */
        char loc[64];
        snprintf(loc, sizeof(loc), "%d>lure", k);
        if (has_lure(k)) {
            assert_non_null(hits_add(m->hits, "LURE_RUN_DIALOG", loc, "paste"));
            (*caps)++;
        }
        snprintf(loc, sizeof(loc), "%d", k);
        assert_non_null(hits_add(m->hits, "CHAIN_DOWNLOAD_EXECUTE", loc, "chain %d", k));
    }
    return m;
}

static void test_behaviour_many_hits(void **state)
{
    (void)state;
    char path[] = "/tmp/fm-test-report-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, conf, strlen(conf)), (ssize_t)strlen(conf));
    close(fd);
    BUF *err = buf_new(64);
    RULESET rs = {0};
    rs.cfg = config_new();
    rs.scores = scores_load(path, err);
    unlink(path);
    assert_non_null(rs.scores);
    snprintf(rs.id, sizeof(rs.id), "0123456789abcdef");
    size_t want_caps = 0;
    MSG *m = many_hits(HITS_MAX, &want_caps);
    BUF *o = buf_new(1 << 20);
    report_text(o, "many.eml", m, &rs);
    /* walk the behaviour section: attachments in order 1..NATT, each capability hit once,
     * in hit order, mention exactly for a body part without a lure */
    const char *p = strstr(o->data, "behaviour:\n");
    assert_non_null(p);
    size_t caps = 0, chains = 0;
    int att = 0;
    long last = -1;
    for (p = strchr(p, '\n') + 1; *p == ' '; p = strchr(p, '\n') + 1) {
        int k = 0;
        if (sscanf(p, "  attachment %d", &k) == 1 && p[2] == 'a') {
            assert_int_equal(k, att + 1); /* in the order of their first hit */
            att = k;
            last = -1;
            continue;
        }
        if (strncmp(p, "    chain ", 10) == 0) {
            chains++;
            continue;
        }
        const char *at = strstr(p, " @ ");
        assert_true(at != NULL && at < strchr(p, '\n'));
        int kk = atoi(at + 3);
        assert_int_equal(kk, att);
        const char *x = strstr(at, ">decoded:x");
        long idx = x && x < strchr(p, '\n') ? atol(x + 10) : 1000000;
        assert_true(idx > last); /* hit order within the attachment */
        last = idx;
        bool mention = strncmp(strchr(p, '\n') - 10, " (mention)", 10) == 0;
        assert_int_equal(mention, kk % 2 == 1 && !has_lure(kk));
        caps++;
    }
    assert_int_equal(att, NATT);
    assert_int_equal(caps, want_caps);
    assert_int_equal(chains, NATT);
    /* the JSON says the same */
    BUF *j = buf_new(1 << 20);
    report_json(j, "many.eml", m, &rs);
    size_t ment = 0, deliv = 0;
    for (const char *q = j->data; (q = strstr(q, "\"context\":\"")) != NULL; q++)
        q[11] == 'm' ? ment++ : deliv++;
    assert_int_equal(ment + deliv, want_caps);
    size_t text_ment = 0;
    for (const char *q = o->data; (q = strstr(q, " (mention)\n")) != NULL; q++)
        text_ment++;
    assert_int_equal(ment, text_ment);
    buf_free(j);
    buf_free(o);
    msg_free(m);
    scores_free(rs.scores);
    config_free(rs.cfg);
    buf_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_behaviour_many_hits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
