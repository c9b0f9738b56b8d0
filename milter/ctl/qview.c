/*
 * ctl/qview - list filters, MIME tree and header lines of quarantined items (see ctl/qview.h)
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/qview.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* qfilter_since - a date or a span back from now (see qview.h) */
int qfilter_since(const char *s, int64_t now, int64_t *out)
{
    char unit = 0;
    char extra = 0;
    long long n = 0;
    if (sscanf(s, "%lld%c%c", &n, &unit, &extra) == 2 && n >= 0 && strchr("mhd", unit) &&
        strlen(s) <= 12) {
        *out = now - n * (unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
        return 0;
    }
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%d", &tm);
    if (end && *end == 'T')
        end = strptime(end + 1, "%H:%M", &tm);
    if (end == NULL || *end)
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

/* icontains - h contains n, ignoring ASCII case */
static bool icontains(const char *h, const char *n)
{
    return h && str_memmem_ci(h, strlen(h), n) != NULL;
}

/* any_rcpt - some recipient contains n */
static bool any_rcpt(const QMETA *m, const char *n)
{
    for (size_t i = 0; i < m->nrcpt; i++)
        if (icontains(m->rcpt[i], n))
            return true;
    return false;
}

/* set - a filter field is in use */
static bool set(const char *s)
{
    return s && *s;
}

/* qfilter_match - m passes every filter in use */
bool qfilter_match(const QFILTER *f, const QMETA *m)
{
    if (f->since && m->time < f->since)
        return false;
    if (set(f->sender) && !icontains(m->from, f->sender))
        return false;
    if (set(f->rcpt) && !any_rcpt(m, f->rcpt))
        return false;
    if (set(f->symbol) && !qmeta_has_symbol(m, f->symbol))
        return false;
    if (set(f->verdict)) {
        if (strcmp(f->verdict, "released") == 0 ? !m->released
            : strcmp(f->verdict, "unreleased") == 0
                ? m->released != 0
                : strcmp(f->verdict, qmeta_str(m->verdict)) != 0)
            return false;
    }
    if (set(f->text) && !icontains(m->ref, f->text) && !icontains(m->from, f->text) &&
        !any_rcpt(m, f->text) && !icontains(m->subject, f->text))
        return false;
    return true;
}

/* header_lines - the top-level header block, one entry per physical line */
static void header_lines(QVIEW *v, const char *raw, size_t len)
{
    size_t i = 0;
    while (i < len && v->nlines < QVIEW_MAX_LINES) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - raw) : len;
        size_t e = end;
        if (e > i && raw[e - 1] == '\r')
            e--;
        if (e == i)
            break; /* the empty line: end of the header */
        v->lines = xrealloc(v->lines, (v->nlines + 1) * sizeof(*v->lines));
        v->lines[v->nlines++] = xstrndup(raw + i, e - i);
        i = end + 1;
    }
}

/* qview_new - MIME tree, header facts and header lines of a stored message */
QVIEW *qview_new(const CONFIG *c, const char *raw, size_t len)
{
    QVIEW *v = xcalloc(1, sizeof(*v));
    v->parts = parts_new();
    v->hits = hits_new();
    size_t n = len > (size_t)c->max_message_size ? (size_t)c->max_message_size : len;
    MIME_LIMITS lim = mime_limits(c);
    mime_init();
    mime_walk(raw, n, &lim, v->parts, &v->hdr, v->hits);
    header_lines(v, raw, len);
    return v;
}

/* qview_free - release; accepts NULL, returns NULL */
QVIEW *qview_free(QVIEW *v)
{
    if (v == NULL)
        return NULL;
    parts_free(v->parts);
    hits_free(v->hits);
    mime_headers_clear(&v->hdr);
    for (size_t i = 0; i < v->nlines; i++)
        free(v->lines[i]);
    free(v->lines);
    free(v);
    return NULL;
}

/* qview_time - "YYYY-MM-DD HH:MM:SS" UTC */
char *qview_time(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, 32, "%lld", (long long)t);
    return buf;
}

/* qview_who - the admin running the CLI */
const char *qview_who(void)
{
    const char *s = getenv("SUDO_USER");
    if (s && *s && strlen(s) < 64 &&
        strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s))
        return s;
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}
