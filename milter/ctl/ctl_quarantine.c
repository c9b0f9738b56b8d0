/*
 * ctl/ctl_quarantine - `fileless-ctl quarantine list|show|release|delete|purge|rescan`
 *
 *   list [--since WHEN] [--sender S] [--rcpt S] [--symbol SYM] [--verdict V] [--search S]
 *        [--json]                    newest first; a table, or one JSON object per line
 *   show ID [--raw | --json]         metadata, hits, MIME tree, header; --raw: the bytes
 *   release ID [--to ADDR] [--force] re-inject through release_relay with a release header
 *   release --verdict V [--force]    every item whose current verdict is V (after rescan)
 *   delete ID
 *   purge [--older-than DAYS]        default quarantine_days
 *   rescan ID | --all                current rules; updates verdict, score and hits
 *
 * ID is a reference id or a unique prefix of at least 4 hex digits. Every string from a
 * message is printed through str_sanitize (the JSON forms through json_str), so a
 * hostile Subject cannot drive the terminal. Changes go to the audit log.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "store/quarantine.h"
#include "ctl/qview.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* say - print a sanitized field, cut at max bytes */
static void say(const char *label, const char *s, size_t max)
{
    BUF *b = buf_new(128);
    str_sanitize(b, s ? s : "-", s ? strlen(s) : 1, max);
    printf("%-10s %s\n", label, b->data);
    buf_free(b);
}

/* cell - a sanitized, padded table cell */
static void cell(BUF *out, const char *s, int width)
{
    BUF *b = buf_new(64);
    str_sanitize(b, s ? s : "-", s ? strlen(s) : 1, (size_t)width);
    buf_printf(out, "%-*s  ", width, b->data);
    buf_free(b);
}

/* usage - the subcommands' synopsis on stderr (bad usage) */
static int usage(void)
{
    return ctl_usage("quarantine", stderr, 2);
}

/* list_row - one table line */
static void list_row(const QMETA *m)
{
    char when[32], score[16];
    BUF *b = buf_new(256);
    qview_time(m->time, when);
    when[16] = 0;
    snprintf(score, sizeof(score), "%6.2f", m->score);
    buf_printf(b, "%s  %s  ", m->ref, when);
    cell(b, m->verdict, 10);
    buf_printf(b, "%s  %-3s  ", score, m->released ? "yes" : "-");
    cell(b, m->from, 28);
    char *first = m->nrcpt ? xasprintf("%s%s", m->rcpt[0], m->nrcpt > 1 ? " +" : "") : NULL;
    cell(b, first, 28);
    free(first);
    BUF *subj = buf_new(64);
    str_sanitize(subj, qmeta_str(m->subject), strlen(qmeta_str(m->subject)), 60);
    buf_cat(b, subj->data, subj->len);
    puts(b->data);
    buf_free(subj);
    buf_free(b);
}

/* cmd_list - list with filters */
static int cmd_list(CTL *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"since", 1, 0, 's'},   {"sender", 1, 0, 'f'}, {"rcpt", 1, 0, 'r'}, {"symbol", 1, 0, 'y'},
        {"verdict", 1, 0, 'v'}, {"search", 1, 0, 'q'}, {"json", 0, 0, 'j'}, {0, 0, 0, 0}};
    QFILTER f = {0};
    bool json = false;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == 's' && qfilter_since(optarg, (int64_t)time(NULL), &f.since) != 0) {
            fprintf(stderr, "fileless-ctl: --since '%s': want YYYY-MM-DD or 7d/12h/30m\n", optarg);
            return 2;
        }
        if (o == '?')
            return usage();
        f.sender = o == 'f' ? optarg : f.sender;
        f.rcpt = o == 'r' ? optarg : f.rcpt;
        f.symbol = o == 'y' ? optarg : f.symbol;
        f.verdict = o == 'v' ? optarg : f.verdict;
        f.text = o == 'q' ? optarg : f.text;
        json = json || o == 'j';
    }
    const char *dir = ctl_store(ctl);
    if (dir == NULL || optind != argc)
        return dir ? usage() : 1;
    QMETA **v;
    size_t n;
    BUF *err = buf_new(128);
    BUF *out = buf_new(1024);
    if (quarantine_list(dir, &v, &n, err) != 0) {
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
        buf_free(err), buf_free(out);
        return 1;
    }
    if (!json)
        printf("%-16s  %-16s  %-10s  %6s  %-3s  %-28s  %-28s  %s\n", "ID", "STORED (UTC)",
               "VERDICT", "SCORE", "REL", "FROM", "RCPT", "SUBJECT");
    for (size_t i = 0; i < n; i++) {
        if (!qfilter_match(&f, v[i]))
            continue;
        if (json) {
            buf_reset(out);
            qmeta_json(out, v[i]);
            puts(out->data);
        } else {
            list_row(v[i]);
        }
    }
    quarantine_list_free(v, n);
    buf_free(err), buf_free(out);
    return 0;
}

/* show_meta - the metadata block */
static void show_meta(const QMETA *m)
{
    char when[32];
    printf("%-10s %s\n%-10s %s UTC\n", "id", m->ref, "stored", qview_time(m->time, when));
    say("client", m->client, 200);
    say("helo", m->helo, 200);
    say("queue id", m->qid, 64);
    say("from", m->from, 300);
    for (size_t i = 0; i < m->nrcpt; i++)
        say(i ? "" : "rcpt", m->rcpt[i], 300);
    if (m->rcpt_dropped)
        printf("%-10s (%zu more not kept)\n", "", m->rcpt_dropped);
    say("subject", m->subject, 300);
    printf("%-10s %lld bytes\n", "size", (long long)m->size);
    printf("%-10s %s, score %.2f (first: %s %.2f)\n", "verdict", qmeta_str(m->verdict), m->score,
           qmeta_str(m->first_verdict), m->first_score);
    say("action", m->action, 40);
    say("rules", m->ruleset, 40);
    if (m->rescanned)
        printf("%-10s %s UTC\n", "rescanned", qview_time(m->rescanned, when));
    if (m->released) {
        BUF *b = buf_new(128);
        str_sanitize(b, qmeta_str(m->released_by), strlen(qmeta_str(m->released_by)), 64);
        buf_puts(b, " to ");
        str_sanitize(b, qmeta_str(m->released_to), strlen(qmeta_str(m->released_to)), 300);
        printf("%-10s %s UTC by %s (%u time%s)\n", "released", qview_time(m->released, when),
               b->data, m->releases, m->releases == 1 ? "" : "s");
        buf_free(b);
    } else {
        printf("%-10s no\n", "released");
    }
}

/* show_view - hits, MIME tree and header lines */
static void show_view(const QMETA *m, const QVIEW *v)
{
    BUF *b = buf_new(256);
    printf("\nhits (%zu):\n", m->nhits);
    for (size_t i = 0; i < m->nhits; i++) {
        buf_reset(b);
        buf_printf(b, "  %-32s %6.2f  ", m->hits[i].symbol, m->hits[i].weight);
        str_sanitize(b, m->hits[i].location, strlen(m->hits[i].location), 120);
        buf_puts(b, "  ");
        str_sanitize(b, m->hits[i].detail, strlen(m->hits[i].detail), 200);
        puts(b->data);
    }
    printf("\nMIME tree:\n");
    for (size_t i = 0; i < v->parts->n; i++) {
        const PART *p = v->parts->v[i];
        buf_reset(b);
        buf_printf(b, "  %*s%-10s %-28s ", p->depth * 2, "", p->path,
                   p->content_type ? p->content_type : "-");
        if (p->filename)
            str_sanitize(b, p->filename, strlen(p->filename), 120), buf_putc(b, ' ');
        if (p->kind == PART_LEAF)
            buf_printf(b, "%zu bytes, %s", p->size, p->ft.name ? p->ft.name : "?");
        puts(b->data);
    }
    printf("\nheader:\n");
    for (size_t i = 0; i < v->nlines; i++) {
        buf_reset(b);
        str_sanitize(b, v->lines[i], strlen(v->lines[i]), 400);
        printf("  %s\n", b->data);
    }
    buf_free(b);
}

/* cmd_show - one item */
static int cmd_show(CTL *ctl, int argc, char **argv)
{
    static const struct option opts[] = {{"raw", 0, 0, 'r'}, {"json", 0, 0, 'j'}, {0, 0, 0, 0}};
    int o;
    int mode = 0;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == '?')
            return usage();
        mode = o;
    }
    const char *dir = ctl_store(ctl);
    if (dir == NULL || optind != argc - 1)
        return dir ? usage() : 1;
    BUF *err = buf_new(128);
    QMETA *m = quarantine_load(dir, argv[optind], err);
    size_t len = 0;
    char *raw = m ? quarantine_raw(dir, m->ref, &len, err) : NULL;
    int rc = raw ? 0 : 1;
    if (rc) {
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
    } else if (mode == 'r') {
        rc = fwrite(raw, 1, len, stdout) == len ? 0 : 1;
    } else if (mode == 'j') {
        buf_reset(err);
        qmeta_json(err, m);
        puts(err->data);
    } else {
        QVIEW *v = qview_new(ctl->cfg, raw, len);
        show_meta(m);
        show_view(m, v);
        qview_free(v);
    }
    free(raw);
    qmeta_free(m);
    buf_free(err);
    return rc;
}

/* report - print an operation's outcome; the exit status */
static int report(int rc, const BUF *msg, const BUF *err)
{
    if (rc == 0)
        printf("%s\n", msg->data);
    else
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
    return rc ? 1 : 0;
}

/* release_bulk - release every item whose current verdict is `verdict` */
static int release_bulk(CTL *ctl, const char *verdict, bool force)
{
    QMETA **v;
    size_t n;
    size_t done = 0;
    size_t failed = 0;
    BUF *msg = buf_new(128);
    BUF *err = buf_new(128);
    if (quarantine_list(ctl->cfg->quarantine_dir, &v, &n, err) != 0) {
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
        buf_free(msg), buf_free(err);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(qmeta_str(v[i]->verdict), verdict) != 0 || (v[i]->released && !force))
            continue;
        buf_reset(msg), buf_reset(err);
        int rc = ctl_release_item(ctl, v[i]->ref, NULL, force, qview_who(), msg, err);
        report(rc, msg, err);
        rc ? failed++ : done++;
    }
    printf("%zu released, %zu failed\n", done, failed);
    quarantine_list_free(v, n);
    buf_free(msg), buf_free(err);
    return failed ? 1 : 0;
}

/* cmd_release - one item, or every item with a verdict */
static int cmd_release(CTL *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", 1, 0, 't'}, {"force", 0, 0, 'f'}, {"verdict", 1, 0, 'v'}, {0, 0, 0, 0}};
    const char *to = NULL;
    const char *verdict = NULL;
    bool force = false;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == '?')
            return usage();
        to = o == 't' ? optarg : to;
        verdict = o == 'v' ? optarg : verdict;
        force = force || o == 'f';
    }
    if (ctl_store(ctl) == NULL)
        return 1;
    if (verdict && optind == argc && to == NULL)
        return release_bulk(ctl, verdict, force);
    if (verdict || optind != argc - 1)
        return usage();
    BUF *msg = buf_new(128);
    BUF *err = buf_new(128);
    int rc =
        report(ctl_release_item(ctl, argv[optind], to, force, qview_who(), msg, err), msg, err);
    buf_free(msg), buf_free(err);
    return rc;
}

/* cmd_delete - remove one item */
static int cmd_delete(CTL *ctl, int argc, char **argv)
{
    if (ctl_store(ctl) == NULL)
        return 1;
    if (argc != 2 || argv[1][0] == '-')
        return usage();
    BUF *msg = buf_new(128);
    BUF *err = buf_new(128);
    int rc = report(ctl_delete_item(ctl, argv[1], qview_who(), msg, err), msg, err);
    buf_free(msg), buf_free(err);
    return rc;
}

/* cmd_purge - remove items older than the retention */
static int cmd_purge(CTL *ctl, int argc, char **argv)
{
    static const struct option opts[] = {{"older-than", 1, 0, 'o'}, {0, 0, 0, 0}};
    long long days = ctl->cfg->quarantine_days;
    int o;
    char *end;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'o' || (days = strtoll(optarg, &end, 10)) < 0 || *end || end == optarg)
            return usage();
    }
    const char *dir = ctl_store(ctl);
    if (dir == NULL || optind != argc)
        return dir ? usage() : 1;
    BUF *err = buf_new(128);
    size_t removed = 0;
    int64_t before = (int64_t)time(NULL) - (int64_t)days * 86400;
    /* a release header lives release_max_age_days from its time, which may be an hour
       ahead (clock skew); a mark is written after that time, so one older is dead */
    int64_t released_before =
        (int64_t)time(NULL) - (int64_t)ctl->cfg->release_max_age_days * 86400 - 3600;
    int rc = quarantine_purge(dir, before, released_before, &removed, err);
    quarantine_audit(ctl->cfg, qview_who(), "action=purge older_than=%lldd removed=%zu result=%s",
                     days, removed, rc ? "failed" : "ok");
    if (rc == 0 || removed) /* a failure before anything was removed is only the error */
        printf("%zu item%s older than %lld days removed\n", removed, removed == 1 ? "" : "s", days);
    if (rc)
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
    buf_free(err);
    return rc ? 1 : 0;
}

/* cmd_rescan - one item or all */
static int cmd_rescan(CTL *ctl, int argc, char **argv)
{
    if (ctl_store(ctl) == NULL)
        return 1;
    if (argc != 2 || (argv[1][0] == '-' && strcmp(argv[1], "--all") != 0))
        return usage();
    BUF *msg = buf_new(128);
    BUF *err = buf_new(128);
    int rc = 0;
    if (strcmp(argv[1], "--all") == 0) {
        QMETA **v;
        size_t n;
        if (quarantine_list(ctl->cfg->quarantine_dir, &v, &n, err) != 0)
            rc = report(-1, msg, err);
        for (size_t i = 0; i < n; i++) {
            buf_reset(msg), buf_reset(err);
            if (report(ctl_rescan_item(ctl, v[i]->ref, qview_who(), msg, err), msg, err))
                rc = 1;
        }
        quarantine_list_free(v, n);
    } else {
        rc = report(ctl_rescan_item(ctl, argv[1], qview_who(), msg, err), msg, err);
    }
    buf_free(msg), buf_free(err);
    return rc;
}

/* ctl_quarantine - dispatch a subcommand (see ctl.h) */
int ctl_quarantine(CTL *ctl, int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(CTL *, int, char **);
    } subs[] = {{"list", cmd_list},     {"show", cmd_show},   {"release", cmd_release},
                {"delete", cmd_delete}, {"purge", cmd_purge}, {"rescan", cmd_rescan}};
    if (argc < 2)
        return usage();
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(argv[1], subs[i].name) == 0) {
            optind = 1;
            return subs[i].run(ctl, argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "fileless-ctl: quarantine: unknown subcommand '%s'\n", argv[1]);
    return usage();
}
