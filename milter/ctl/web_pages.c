/*
 * ctl/web_pages - server-rendered HTML of the review page (see ctl/web.h)
 *
 * Security: everything from a message (Subject, addresses, filenames, header lines, part
 * text, hit details) is untrusted and reaches the page only through html_esc. There is no
 * script, no inline style and no external resource; the page works without JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "ctl/web.h"

/* webpage_css - the stylesheet, served as /style.css */
const char webpage_css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}\n"
    "header{display:flex;gap:1em;align-items:center;background:#1d2330;color:#fff;"
    "padding:.5em 1em}\n"
    "header a{color:#fff;font-weight:600;text-decoration:none}header .who{margin-left:auto}\n"
    "main{padding:1em;max-width:1400px}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #e2e5ea;"
    "vertical-align:top;overflow-wrap:anywhere}\n"
    "th{background:#eceef2;font-weight:600}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "pre{background:#fff;border:1px solid #e2e5ea;padding:.5em;white-space:pre-wrap;"
    "overflow-wrap:anywhere;max-height:30em;overflow:auto}\n"
    "form.filters{display:flex;flex-wrap:wrap;gap:.5em;margin-bottom:1em}\n"
    "form.inline{display:inline}\n"
    "input,select,button{font:inherit;padding:.2em .4em}\n"
    "button.danger{background:#b3261e;color:#fff;border:1px solid #8c1d18}\n"
    ".v-reject,.v-quarantine{color:#b3261e;font-weight:600}.v-tag{color:#9a6700}"
    ".v-clean{color:#1a7f37}\n"
    ".flash{padding:.5em 1em;background:#dafbe1;border:1px solid #1a7f37;margin-bottom:1em}\n"
    ".flash.bad{background:#ffebe9;border-color:#b3261e}\n"
    ".actions{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0;padding:.5em;background:#fff;"
    "border:1px solid #e2e5ea}\n"
    "h2{font-size:1.1em;margin:1.5em 0 .5em}\n"
    ".login{max-width:22em;margin:4em auto;background:#fff;padding:1.5em;"
    "border:1px solid #e2e5ea}\n"
    ".login label{display:block;margin:.5em 0}.login input{width:100%;box-sizing:border-box}\n";

/* html_esc - sanitize, then escape for HTML text and double-quoted attributes */
void html_esc(BUF *out, const char *s, size_t max)
{
    BUF *t = buf_new(64);
    if (s)
        str_sanitize(t, s, strlen(s), max);
    for (size_t i = 0; i < t->len; i++) {
        switch (t->data[i]) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            buf_putc(out, t->data[i]);
        }
    }
    buf_free(t);
}

/* head - the document start and the page header */
static void head(BUF *o, const WEB_SESSION *s, const char *title)
{
    buf_puts(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width\"><title>");
    html_esc(o, title, 200);
    buf_puts(o, " - fileless-milter</title><link rel=\"stylesheet\" href=\"/style.css\">"
                "</head><body><header><a href=\"/\">fileless-milter quarantine</a>");
    if (s) {
        buf_puts(o, "<span class=\"who\">");
        html_esc(o, s->user, 64);
        buf_puts(o, "</span><form class=\"inline\" method=\"post\" action=\"/logout\">"
                    "<input type=\"hidden\" name=\"csrf\" value=\"");
        html_esc(o, s->csrf, 80);
        buf_puts(o, "\"><button>Log out</button></form>");
    }
    buf_puts(o, "</header><main>");
}

/* flash - the session's one-shot message, then cleared */
static void flash(BUF *o, WEB_SESSION *s)
{
    if (s == NULL || s->flash[0] == 0)
        return;
    buf_printf(o, "<p class=\"flash%s\" role=\"status\">", s->flash_bad ? " bad" : "");
    html_esc(o, s->flash, sizeof(s->flash));
    buf_puts(o, "</p>");
    s->flash[0] = 0;
}

/* tail - the document end */
static void tail(BUF *o)
{
    buf_puts(o, "</main></body></html>\n");
}

/* csrf_field - the hidden CSRF input of a state-changing form */
static void csrf_field(BUF *o, const WEB_SESSION *s)
{
    buf_puts(o, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_esc(o, s->csrf, 80);
    buf_puts(o, "\">");
}

/* webpage_login - the login form */
void webpage_login(BUF *o, const char *error)
{
    head(o, NULL, "Log in");
    buf_puts(o, "<form class=\"login\" method=\"post\" action=\"/login\"><h1>Log in</h1>");
    if (error) {
        buf_puts(o, "<p class=\"flash bad\">");
        html_esc(o, error, 200);
        buf_puts(o, "</p>");
    }
    buf_puts(o, "<label>User <input name=\"user\" autocomplete=\"username\" required></label>"
                "<label>Password <input name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required></label>"
                "<button type=\"submit\">Log in</button></form>");
    tail(o);
}

/* input - one filter input with its current value */
static void input(BUF *o, const char *name, const char *label, const char *value, int size)
{
    buf_printf(o, "<label>%s <input name=\"%s\" size=\"%d\" value=\"", label, name, size);
    html_esc(o, value ? value : "", 200);
    buf_puts(o, "\"></label>");
}

/* filters - the list's filter form (GET, so a filtered list can be bookmarked) */
static void filters(BUF *o, const WEB_QUERY *q)
{
    static const char *const verdicts[] = {"",      "quarantine", "reject",    "tag",
                                           "clean", "released",   "unreleased"};
    buf_puts(o, "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\">");
    input(o, "q", "Search", q->q, 24);
    buf_puts(o, "<label>Verdict <select name=\"verdict\">");
    for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
        bool sel = q->verdict && strcmp(q->verdict, verdicts[i]) == 0;
        buf_printf(o, "<option value=\"%s\"%s>%s</option>", verdicts[i], sel ? " selected" : "",
                   verdicts[i][0] ? verdicts[i] : "any");
    }
    buf_puts(o, "</select></label>");
    input(o, "symbol", "Symbol", q->symbol, 18);
    input(o, "sender", "Sender", q->sender, 18);
    input(o, "rcpt", "Recipient", q->rcpt, 18);
    input(o, "since", "Since", q->since, 10);
    buf_puts(o, "<button type=\"submit\">Filter</button> <a href=\"/\">clear</a></form>");
}

/* verdict_cell - a verdict with its colour class (known tokens only in the class) */
static void verdict_cell(BUF *o, const char *v)
{
    static const char *const known[] = {"clean", "tag", "quarantine", "reject"};
    const char *cls = "other";
    for (size_t i = 0; i < 4; i++)
        if (v && strcmp(v, known[i]) == 0)
            cls = known[i];
    buf_printf(o, "<td class=\"v-%s\">", cls);
    html_esc(o, v ? v : "-", 20);
    buf_puts(o, "</td>");
}

/* list_row - one item of the list */
static void list_row(BUF *o, const QMETA *m)
{
    char when[32];
    buf_printf(o, "<tr><td>%s</td>", qview_time(m->time, when));
    verdict_cell(o, m->verdict);
    buf_printf(o, "<td class=\"num\">%.2f</td><td>", m->score);
    html_esc(o, m->from, 120);
    buf_puts(o, "</td><td>");
    html_esc(o, m->nrcpt ? m->rcpt[0] : "-", 120);
    if (m->nrcpt > 1)
        buf_printf(o, " (+%zu)", m->nrcpt - 1);
    buf_printf(o, "</td><td><a href=\"/item/%s\">", m->ref); /* ref: validated hex */
    html_esc(o, m->subject && m->subject[0] ? m->subject : "(no subject)", 160);
    bool rejected = m->action && strcmp(m->action, "reject") == 0; /* quarantine_rejects */
    buf_printf(o, "</a></td><td>%s%s%s</td></tr>", m->released ? "released" : "",
               m->released && rejected ? ", " : "", rejected ? "rejected (550)" : "");
}

/* webpage_list - the filtered list */
void webpage_list(BUF *o, WEB_SESSION *s, QMETA **v, size_t n, const WEB_QUERY *q)
{
    head(o, s, "Quarantine");
    flash(o, s);
    filters(o, q);
    if (q->error) {
        buf_puts(o, "<p class=\"flash bad\">");
        html_esc(o, q->error, 200);
        buf_puts(o, "</p>");
    }
    buf_puts(o, "<table><thead><tr><th>Stored (UTC)</th><th>Verdict</th><th>Score</th>"
                "<th>From</th><th>To</th><th>Subject</th><th>Released</th></tr></thead><tbody>");
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < WEB_LIST_MAX; i++, shown++)
        list_row(o, v[i]);
    buf_puts(o, "</tbody></table>");
    buf_printf(o, "<p>%zu item%s%s.</p>", n, n == 1 ? "" : "s",
               n > WEB_LIST_MAX ? " (the newest 500 shown; narrow the filters)" : "");
    tail(o);
}

/* row - a metadata table row */
static void row(BUF *o, const char *label, const char *value, size_t max)
{
    buf_printf(o, "<tr><th>%s</th><td>", label);
    html_esc(o, value ? value : "-", max);
    buf_puts(o, "</td></tr>");
}

/* meta_table - the item's metadata */
static void meta_table(BUF *o, const QMETA *m)
{
    char when[32];
    char num[96];
    buf_puts(o, "<table class=\"meta\">");
    row(o, "Reference", m->ref, 20);
    row(o, "Stored (UTC)", qview_time(m->time, when), 40);
    row(o, "Subject", m->subject, 400);
    row(o, "Envelope from", m->from, 300);
    for (size_t i = 0; i < m->nrcpt; i++)
        row(o, i ? "" : "Envelope to", m->rcpt[i], 300);
    row(o, "Client", m->client, 200);
    row(o, "HELO", m->helo, 200);
    row(o, "MTA queue id", m->qid, 64);
    snprintf(num, sizeof(num), "%lld bytes", (long long)m->size);
    row(o, "Size", num, 40);
    snprintf(num, sizeof(num), "%.20s, score %.2f (first %.20s %.2f)", qmeta_str(m->verdict),
             m->score, qmeta_str(m->first_verdict), m->first_score);
    row(o, "Verdict", num, 96);
    row(o, "Action", m->action, 40);
    row(o, "Rules", m->ruleset, 40);
    if (m->rescanned)
        row(o, "Rescanned (UTC)", qview_time(m->rescanned, when), 40);
    if (m->released) {
        BUF *b = buf_new(128);
        buf_printf(b, "%s UTC by %s to %s (%u time%s)", qview_time(m->released, when),
                   qmeta_str(m->released_by), qmeta_str(m->released_to), m->releases,
                   m->releases == 1 ? "" : "s");
        row(o, "Released", b->data, 600);
        buf_free(b);
    } else {
        row(o, "Released", "no", 10);
    }
    buf_puts(o, "</table>");
}

/* actions - release and delete forms (POST with the CSRF token) */
static void actions(BUF *o, const WEB_SESSION *s, const QMETA *m)
{
    buf_printf(o, "<div class=\"actions\"><form method=\"post\" action=\"/item/%s/release\">",
               m->ref);
    csrf_field(o, s);
    buf_puts(o, "<label>To <input name=\"to\" size=\"28\" placeholder=\"original recipients\">"
                "</label> ");
    if (m->released)
        buf_puts(o, "<label><input type=\"checkbox\" name=\"force\" value=\"1\"> send again"
                    "</label> ");
    buf_printf(o,
               "<button type=\"submit\">Release</button></form>"
               "<form method=\"post\" action=\"/item/%s/delete\">",
               m->ref);
    csrf_field(o, s);
    buf_printf(o,
               "<button class=\"danger\" type=\"submit\">Delete</button></form>"
               "<a href=\"/item/%s/raw\">Download message (.eml)</a></div>",
               m->ref);
}

/* hits_table - every hit with its location */
static void hits_table(BUF *o, const QMETA *m)
{
    buf_printf(o,
               "<h2>Hits (%zu)</h2><table><thead><tr><th>Symbol</th><th>Weight</th>"
               "<th>Location</th><th>Detail</th></tr></thead><tbody>",
               m->nhits);
    for (size_t i = 0; i < m->nhits; i++) {
        buf_puts(o, "<tr><td>");
        html_esc(o, m->hits[i].symbol, 120);
        buf_printf(o, "</td><td class=\"num\">%.2f</td><td>", m->hits[i].weight);
        html_esc(o, m->hits[i].location, 200);
        buf_puts(o, "</td><td>");
        html_esc(o, m->hits[i].detail, 300);
        buf_puts(o, "</td></tr>");
    }
    buf_puts(o, "</tbody></table>");
}

/* mime_table - the MIME tree with download links for leaf parts */
static void mime_table(BUF *o, const QMETA *m, const QVIEW *v)
{
    buf_puts(o, "<h2>MIME tree</h2><table><thead><tr><th>Part</th><th>Declared type</th>"
                "<th>Filename</th><th>Detected</th><th>Size</th><th></th></tr></thead><tbody>");
    for (size_t i = 0; i < v->parts->n; i++) {
        const PART *p = v->parts->v[i];
        buf_puts(o, "<tr><td>");
        for (int d = 0; d < p->depth && d < 16; d++)
            buf_puts(o, "&#160;&#160;");
        html_esc(o, p->path, 60);
        buf_puts(o, "</td><td>");
        html_esc(o, p->content_type, 100);
        buf_puts(o, "</td><td>");
        html_esc(o, p->filename, 200);
        buf_puts(o, "</td><td>");
        html_esc(o, p->kind == PART_LEAF ? p->ft.name : "", 40);
        buf_printf(o, "</td><td class=\"num\">%zu</td><td>", p->size);
        if (p->kind == PART_LEAF && p->data) {
            buf_printf(o, "<a href=\"/item/%s/part?path=", m->ref);
            html_esc(o, p->path, 60); /* paths are digits, dots, ~ and letters */
            buf_puts(o, "\">download</a>");
        }
        buf_puts(o, "</td></tr>");
    }
    buf_puts(o, "</tbody></table>");
}

/* preview - the header lines and the first text part, as escaped text */
static void preview(BUF *o, const QVIEW *v)
{
    buf_puts(o, "<h2>Header</h2><pre>");
    for (size_t i = 0; i < v->nlines; i++) {
        html_esc(o, v->lines[i], 2000);
        buf_putc(o, '\n');
    }
    buf_puts(o, "</pre>");
    for (size_t i = 0; i < v->parts->n; i++) {
        const PART *p = v->parts->v[i];
        if (p->text == NULL)
            continue;
        buf_puts(o, "<h2>Text of part ");
        html_esc(o, p->path, 60);
        buf_puts(o, " (");
        html_esc(o, p->content_type, 60);
        buf_puts(o, ", as source)</h2><pre>");
        /* line by line, so line breaks stay and each line is sanitized */
        const char *t = p->text;
        const char *end = p->text + (p->text_len < 20000 ? p->text_len : 20000);
        while (t < end) {
            const char *nl = memchr(t, '\n', (size_t)(end - t));
            size_t n = nl ? (size_t)(nl - t) : (size_t)(end - t);
            char *line = strndup(t, n);
            if (line && n && line[n - 1] == '\r')
                line[n - 1] = 0;
            html_esc(o, line, 2000);
            buf_putc(o, '\n');
            free(line);
            t += n + 1;
        }
        buf_puts(o, "</pre>");
        break;
    }
}

/* webpage_item - the detail view */
void webpage_item(BUF *o, WEB_SESSION *s, const QMETA *m, const QVIEW *v)
{
    head(o, s, m->subject && m->subject[0] ? m->subject : m->ref);
    flash(o, s);
    meta_table(o, m);
    actions(o, s, m);
    hits_table(o, m);
    mime_table(o, m, v);
    preview(o, v);
    tail(o);
}

/* webpage_message - a short page with a title and a sentence */
void webpage_message(BUF *o, WEB_SESSION *s, const char *title, const char *text)
{
    head(o, s, title);
    flash(o, s);
    buf_puts(o, "<h1>");
    html_esc(o, title, 200);
    buf_puts(o, "</h1><p>");
    html_esc(o, text, 600);
    buf_puts(o, "</p><p><a href=\"/\">Back to the list</a></p>");
    tail(o);
}
