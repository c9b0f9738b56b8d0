/*
 * test_quarantine - the quarantine store (atomic files, permissions, metadata round trip,
 * size cap, purge, delete, lookup by prefix) and the release header MAC
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "store/quarantine.h"
#include "store/release.h"
#include "lib/xalloc.h"

static const char raw[] = "Subject: hi\r\nFrom: a@b\r\n\r\nbody line\r\n.dot line\r\n";

/* tmpdir - a fresh directory; its store is DIR/q */
static char *tmpdir(void)
{
    char tmpl[] = "/tmp/test_quarantine.XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return xasprintf("%s/q", tmpl);
}

/* config_in - the default configuration with its store in dir */
static CONFIG *config_in(const char *dir)
{
    CONFIG *c = config_new();
    free(c->quarantine_dir);
    c->quarantine_dir = xstrdup(dir);
    return c;
}

/* cleanup - remove the test tree */
static void cleanup(char *dir)
{
    char *slash = strrchr(dir, '/');
    *slash = 0; /* the mkdtemp directory */
    char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(dir);
}

/* sample - a record with hostile text in it */
static QMETA *sample(const char *ref, int64_t t)
{
    QMETA *m = qmeta_new();
    snprintf(m->ref, sizeof(m->ref), "%s", ref);
    m->time = t;
    m->client = xstrdup("mx.example[192.0.2.1]");
    m->helo = xstrdup("helo\tname");
    m->from = xstrdup("<a@example.org>");
    qmeta_add_rcpt(m, "<x@example.net>");
    qmeta_add_rcpt(m, "<y@example.net>");
    m->subject = xstrdup("<script>alert(1)</script>\r\nBcc: evil\\x41 ü");
    m->verdict = xstrdup("quarantine");
    m->first_verdict = xstrdup("quarantine");
    m->score = m->first_score = 12.5;
    m->action = xstrdup("discard");
    m->ruleset = xstrdup("0123456789abcdef");
    m->size = (int64_t)strlen(raw);
    qmeta_add_hit(m, "VBA_AUTOEXEC", 6, "2/a b.docm>vba\tx", "detail\nwith newline");
    return m;
}

/* mode_of - permission bits of a path */
static unsigned mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void test_store_permissions_round_trip(void **state)
{
    char *dir = tmpdir();
    BUF *err = buf_new(64);
    QMETA *m = sample("00112233445566aa", 1000);
    assert_int_equal(quarantine_store(dir, 0, m, raw, strlen(raw), err), 0);
    char *eml = xasprintf("%s/items/00112233445566aa.eml", dir);
    char *meta = xasprintf("%s/items/00112233445566aa.meta", dir);
    char *items = xasprintf("%s/items", dir), *tmp = xasprintf("%s/tmp", dir);
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(items), 0700);
    assert_int_equal(mode_of(tmp), 0700);
    assert_int_equal(mode_of(eml), 0600);
    assert_int_equal(mode_of(meta), 0600);
    /* the raw bytes exactly, nothing left in tmp/ */
    size_t len = 0;
    char *back = quarantine_raw(dir, m->ref, &len, err);
    assert_int_equal(len, strlen(raw));
    assert_memory_equal(back, raw, len);
    free(back);
    char *ls = xasprintf("test -z \"$(ls -A '%s')\"", tmp);
    assert_int_equal(system(ls), 0);
    /* metadata round trip, hostile text included, and lookup by prefix */
    QMETA *r = quarantine_load(dir, "0011", err);
    assert_non_null(r);
    assert_string_equal(r->subject, m->subject);
    assert_string_equal(r->helo, "helo\tname");
    assert_int_equal(r->nrcpt, 2);
    assert_string_equal(r->rcpt[1], "<y@example.net>");
    assert_int_equal(r->nhits, 1);
    assert_string_equal(r->hits[0].location, "2/a b.docm>vba\tx");
    assert_string_equal(r->hits[0].detail, "detail\nwith newline");
    assert_true(r->hits[0].weight == 6);
    assert_true(r->score == 12.5);
    assert_int_equal(r->time, 1000);
    BUF *a = buf_new(256), *b = buf_new(256);
    qmeta_format(a, m);
    qmeta_format(b, r);
    assert_string_equal(a->data, b->data);
    /* a record's text never holds a raw CR or a line past the escaped field */
    assert_null(strchr(a->data, '\r'));
    /* update: released mark survives a reload */
    r->released = 2000;
    r->releases = 1;
    r->released_by = xstrdup("root");
    assert_int_equal(quarantine_update(dir, r, err), 0);
    qmeta_free(r);
    r = quarantine_load(dir, "00112233445566aa", err);
    assert_int_equal(r->released, 2000);
    assert_string_equal(r->released_by, "root");
    assert_int_equal(mode_of(meta), 0600);
    qmeta_free(r);
    /* bad ids */
    buf_reset(err);
    assert_null(quarantine_load(dir, "../../etc", err));
    assert_null(quarantine_load(dir, "ffff", err));
    assert_non_null(strstr(err->data, "no such item"));
    buf_free(a), buf_free(b);
    free(eml), free(meta), free(items), free(tmp), free(ls);
    qmeta_free(m);
    buf_free(err);
    cleanup(dir);
}

static void test_cap_and_duplicate(void **state)
{
    char *dir = tmpdir();
    BUF *err = buf_new(64);
    QMETA *m = sample("00000000000000a1", 1);
    /* the cap counts message and metadata: 100 bytes is too little */
    assert_int_equal(quarantine_store(dir, 100, m, raw, strlen(raw), err), -1);
    assert_non_null(strstr(err->data, "store full"));
    assert_int_equal(quarantine_usage(dir), 0);
    assert_int_equal(quarantine_store(dir, 100000, m, raw, strlen(raw), err), 0);
    int64_t used = quarantine_usage(dir);
    assert_true(used > (int64_t)strlen(raw));
    /* the same ref twice is refused and leaves the first intact */
    buf_reset(err);
    assert_int_equal(quarantine_store(dir, 0, m, "other", 5, err), -1);
    size_t len = 0;
    char *back = quarantine_raw(dir, m->ref, &len, err);
    assert_int_equal(len, strlen(raw));
    free(back);
    assert_int_equal(quarantine_usage(dir), used);
    qmeta_free(m);
    buf_free(err);
    cleanup(dir);
}

static void test_list_purge_delete(void **state)
{
    char *dir = tmpdir();
    BUF *err = buf_new(64);
    int64_t now = (int64_t)time(NULL);
    const char *refs[] = {"000000000000000a", "000000000000000b", "000000000000000c"};
    int64_t times[] = {now - 40 * 86400, now - 86400, now};
    for (int i = 0; i < 3; i++) {
        QMETA *m = sample(refs[i], times[i]);
        assert_int_equal(quarantine_store(dir, 0, m, raw, strlen(raw), err), 0);
        qmeta_free(m);
    }
    QMETA **v;
    size_t n;
    assert_int_equal(quarantine_list(dir, &v, &n, err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(v[0]->ref, refs[2]); /* newest first */
    quarantine_list_free(v, n);
    /* release marks: one older than the release life goes, a recent one stays */
    char *rdir = xasprintf("%s/released", dir);
    assert_int_equal(mkdir(rdir, 0700), 0);
    char *old_mark = xasprintf("%s/%s.0123456789abcdef", rdir, refs[0]);
    char *new_mark = xasprintf("%s/%s.0123456789abcdef", rdir, refs[2]);
    for (int i = 0; i < 2; i++) {
        int fd = open(i ? new_mark : old_mark, O_WRONLY | O_CREAT | O_EXCL, 0600);
        assert_true(fd >= 0);
        close(fd);
    }
    struct timeval tv[2] = {{.tv_sec = (time_t)(now - 9 * 86400)},
                            {.tv_sec = (time_t)(now - 9 * 86400)}};
    assert_int_equal(utimes(old_mark, tv), 0);
    size_t removed = 0;
    assert_int_equal(quarantine_purge(dir, now - 30 * 86400, now - 8 * 86400, &removed, err), 0);
    assert_int_equal(removed, 1);
    assert_int_not_equal(access(old_mark, F_OK), 0);
    assert_int_equal(access(new_mark, F_OK), 0);
    unlink(new_mark);
    rmdir(rdir);
    free(old_mark);
    free(new_mark);
    free(rdir);
    char *gone = xasprintf("%s/items/%s.eml", dir, refs[0]);
    assert_int_not_equal(access(gone, F_OK), 0);
    assert_int_equal(quarantine_delete(dir, refs[1], err), 0);
    assert_int_equal(quarantine_list(dir, &v, &n, err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(v[0]->ref, refs[2]);
    quarantine_list_free(v, n);
    assert_int_equal(quarantine_delete(dir, refs[1], err), -1);
    free(gone);
    buf_free(err);
    cleanup(dir);
}

static void test_meta_parse_errors(void **state)
{
    BUF *err = buf_new(64);
    assert_null(qmeta_parse("hello\n", 6, err));
    const char bad_ref[] = "fileless-quarantine 1\nref ../x\ntime 1\n";
    assert_null(qmeta_parse(bad_ref, strlen(bad_ref), err));
    const char bad_num[] = "fileless-quarantine 1\nref 0123456789abcdef\ntime soon\n";
    assert_null(qmeta_parse(bad_num, strlen(bad_num), err));
    const char unknown[] = "fileless-quarantine 1\nref 0123456789abcdef\nfuture_key x\n";
    QMETA *m = qmeta_parse(unknown, strlen(unknown), err);
    assert_non_null(m);
    qmeta_free(m);
    buf_free(err);
}

static void test_release_mac(void **state)
{
    char *dir = tmpdir();
    CONFIG *c = config_in(dir);
    BUF *err = buf_new(64);
    int64_t now = (int64_t)time(NULL);
    char *to[] = {"<a@example.net>", "B@Example.NET"}, *b_only[] = {"b@example.net"};
    char *other_rcpt[] = {"a@example.net", "c@example.net"};
    char *v = release_header_value(c, "00112233445566aa", now, raw, strlen(raw), to, 2, err);
    assert_non_null(v);
    assert_null(strstr(v, "example")); /* recipients only as keyed hashes */
    char *key = xasprintf("%s/release.key", dir);
    assert_int_equal(mode_of(key), 0600);
    char ref[17] = "";
    assert_true(release_verify(c, v, raw, strlen(raw), to, 2, now, ref));
    assert_string_equal(ref, "00112233445566aa");
    assert_true(release_verify(c, v, raw, strlen(raw), b_only, 1, now, ref)); /* a subset */
    assert_false(release_verify(c, v, raw, strlen(raw), other_rcpt, 2, now, ref));
    assert_false(release_verify(c, v, raw, strlen(raw), to, 0, now, ref));
    /* the SMTP round trip: LF line ends, a final line end added, folding */
    const char lf[] = "X-Other: 1\nSubject:  hi\nFrom: a@b\n\nbody line\n.dot line\n\n";
    assert_true(release_verify(c, v, lf, strlen(lf), to, 2, now, ref));
    /* another body, Subject, From, boundary or a new To: refused */
    const char *changed[] = {
        "X-Other: 1\r\nSubject: hi\r\nFrom: a@b\r\n\r\nmalware\r\n",
        "X-Other: 1\r\nSubject: hi!\r\nFrom: a@b\r\n\r\nbody line\r\n"
        ".dot line\r\n",
        "X-Other: 1\r\nSubject: hi\r\nFrom: x@b\r\n\r\nbody line\r\n"
        ".dot line\r\n",
        "X-Other: 1\r\nSubject: hi\r\nFrom: a@b\r\nContent-Type: multipart/mixed;"
        " boundary=x\r\n\r\nbody line\r\n.dot line\r\n",
        "X-Other: 1\r\nSubject: hi\r\nFrom: a@b\r\nTo: z@b\r\n\r\nbody line\r\n"
        ".dot line\r\n"};
    for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++)
        assert_false(release_verify(c, v, changed[i], strlen(changed[i]), to, 2, now, ref));
    char *forged = xstrdup(v);
    forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ? '1' : '0';
    assert_false(release_verify(c, forged, raw, strlen(raw), to, 2, now, ref));
    assert_false(release_verify(c, v, raw, strlen(raw), to, 2, now + 8 * 86400, ref));
    assert_false(release_verify(c, v, raw, strlen(raw), to, 2, now - 7200, ref));
    assert_false(release_verify(c, "garbage", raw, strlen(raw), to, 2, now, ref));
    /* once per recipient: a's claim succeeds, a again fails, b still can */
    assert_int_equal(release_claim(c, "00112233445566aa", to, 1, err), 0);
    buf_reset(err);
    assert_int_equal(release_claim(c, "00112233445566aa", to, 2, err), -1);
    assert_non_null(strstr(err->data, "already used"));
    buf_reset(err);
    assert_int_equal(release_claim(c, "00112233445566aa", b_only, 1, err), 0);
    /* a tempfailed message gives its marks back: the MTA's retry can claim again */
    buf_reset(err);
    assert_int_equal(release_claim(c, "00112233445566aa", to, 2, err), -1);
    release_unclaim(c, "00112233445566aa", to, 2);
    release_unclaim(c, "00112233445566aa", to, 2); /* gone already: no harm */
    buf_reset(err);
    assert_int_equal(release_claim(c, "00112233445566aa", to, 2, err), 0);
    assert_int_equal(release_claim(c, "00112233445566aa", b_only, 1, err), -1);
    /* another key: refused */
    free(c->release_secret);
    c->release_secret = xstrdup("another secret of enough length");
    assert_false(release_verify(c, v, raw, strlen(raw), to, 2, now, ref));
    free(forged), free(key), free(v);
    buf_free(err);
    config_free(c);
    cleanup(dir);
}

/* every recipient a stored item can have (QMETA_MAX_RCPT) fits one release: the value is
 * folded into short lines and verifies folded, unfolded and for any subset; one more
 * recipient is refused with the reason */
static void test_release_many_rcpt(void **state)
{
    (void)state;
    char *dir = tmpdir();
    CONFIG *c = config_in(dir);
    BUF *err = buf_new(64);
    int64_t now = (int64_t)time(NULL);
    size_t n = RELEASE_MAX_RCPT;
    char **to = xcalloc(n + 1, sizeof(*to));
    for (size_t i = 0; i <= n; i++)
        to[i] = xasprintf("user%zu@example.net", i);
    char *v = release_header_value(c, "00112233445566bb", now, raw, strlen(raw), to, n, err);
    assert_non_null(v);
    assert_true(strlen(v) <= RELEASE_VALUE_MAX);
    size_t longest = 0; /* "X-Fileless-Release: " comes in front of the first line */
    for (const char *p = v; *p;) {
        size_t l = strcspn(p, "\r\n");
        longest = l > longest ? l : longest;
        p += l;
        p += strspn(p, "\r\n");
    }
    assert_true(longest + 20 <= 998);
    char ref[17] = "";
    assert_true(release_verify(c, v, raw, strlen(raw), to, n, now, ref));
    assert_true(release_verify(c, v, raw, strlen(raw), to + n - 200, 200, now, ref));
    assert_false(release_verify(c, v, raw, strlen(raw), to + 1, n, now, ref)); /* to[n] not */
    BUF *flat = buf_new(strlen(v)); /* unfolded by the MTA: CRLF TAB -> one space */
    BUF *lf = buf_new(strlen(v));   /* or handed over with bare LF line ends */
    for (const char *p = v; *p; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n' && p[1] == '\t') {
            buf_putc(flat, ' ');
            buf_puts(lf, "\n\t");
            p++;
            continue;
        }
        buf_putc(flat, *p);
        buf_putc(lf, *p);
    }
    assert_true(release_verify(c, flat->data, raw, strlen(raw), to, n, now, ref));
    assert_true(release_verify(c, lf->data, raw, strlen(raw), to, n, now, ref));
    char *over = release_header_value(c, "00112233445566bb", now, raw, strlen(raw), to, n + 1, err);
    assert_null(over);
    assert_non_null(strstr(err->data, "at most"));
    buf_reset(err);
    assert_int_equal(release_claim(c, "00112233445566bb", to, n, err), 0);
    release_unclaim(c, "00112233445566bb", to, n);
    for (size_t i = 0; i <= n; i++)
        free(to[i]);
    free(to);
    free(v);
    buf_free(flat);
    buf_free(lf);
    buf_free(err);
    config_free(c);
    cleanup(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_permissions_round_trip),
        cmocka_unit_test(test_cap_and_duplicate),
        cmocka_unit_test(test_list_purge_delete),
        cmocka_unit_test(test_meta_parse_errors),
        cmocka_unit_test(test_release_mac),
        cmocka_unit_test(test_release_many_rcpt),
    };
    return cmocka_run_group_tests_name("quarantine", tests, NULL, NULL);
}
