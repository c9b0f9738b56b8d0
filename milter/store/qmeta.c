/*
 * store/qmeta - quarantine metadata records (see store/qmeta.h)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/qmeta.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define QMETA_MAGIC "fileless-quarantine 1"

/* qmeta_new - an empty record */
QMETA *qmeta_new(void)
{
    return xcalloc(1, sizeof(QMETA));
}

/* qmeta_clear_hits - drop every hit */
void qmeta_clear_hits(QMETA *m)
{
    for (size_t i = 0; i < m->nhits; i++) {
        free(m->hits[i].symbol);
        free(m->hits[i].location);
        free(m->hits[i].detail);
    }
    free(m->hits);
    m->hits = NULL;
    m->nhits = m->hits_dropped = 0;
}

/* qmeta_free - release; accepts NULL, returns NULL */
QMETA *qmeta_free(QMETA *m)
{
    if (m == NULL)
        return NULL;
    char **strs[] = {&m->client,      &m->helo,        &m->from,         &m->subject,
                     &m->qid,         &m->ruleset,     &m->verdict,      &m->action,
                     &m->released_by, &m->released_to, &m->first_verdict};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        free(*strs[i]);
    for (size_t i = 0; i < m->nrcpt; i++)
        free(m->rcpt[i]);
    free(m->rcpt);
    qmeta_clear_hits(m);
    free(m);
    return NULL;
}

/* qmeta_str - s, or "" for NULL */
const char *qmeta_str(const char *s)
{
    return s ? s : "";
}

/* qmeta_add_rcpt - one more envelope recipient (copied) */
void qmeta_add_rcpt(QMETA *m, const char *rcpt)
{
    if (m->nrcpt >= QMETA_MAX_RCPT) {
        m->rcpt_dropped++;
        return;
    }
    m->rcpt = xrealloc(m->rcpt, (m->nrcpt + 1) * sizeof(*m->rcpt));
    m->rcpt[m->nrcpt++] = xstrdup(rcpt);
}

/* qmeta_add_hit - one more hit (strings copied; NULL stored as "") */
void qmeta_add_hit(QMETA *m, const char *symbol, double weight, const char *location,
                   const char *detail)
{
    if (m->nhits >= QMETA_MAX_HITS) {
        m->hits_dropped++;
        return;
    }
    m->hits = xrealloc(m->hits, (m->nhits + 1) * sizeof(*m->hits));
    m->hits[m->nhits++] = (QHIT){xstrdup(qmeta_str(symbol)), xstrdup(qmeta_str(location)),
                                 xstrdup(qmeta_str(detail)), weight};
}

/* qmeta_has_symbol - some hit has exactly this symbol */
bool qmeta_has_symbol(const QMETA *m, const char *symbol)
{
    for (size_t i = 0; i < m->nhits; i++)
        if (strcmp(m->hits[i].symbol, symbol) == 0)
            return true;
    return false;
}

/* esc - append s with backslash, TAB, CR, LF and control bytes escaped */
static void esc(BUF *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)qmeta_str(s); *p; p++) {
        if (*p == '\\')
            buf_puts(out, "\\\\");
        else if (*p == '\t')
            buf_puts(out, "\\t");
        else if (*p == '\n')
            buf_puts(out, "\\n");
        else if (*p == '\r')
            buf_puts(out, "\\r");
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(out, "\\x%02x", *p);
        else
            buf_putc(out, *p);
    }
}

/* line_str - "key value\n" with the value escaped; nothing for NULL */
static void line_str(BUF *out, const char *key, const char *v)
{
    if (v == NULL)
        return;
    buf_printf(out, "%s ", key);
    esc(out, v);
    buf_putc(out, '\n');
}

/* qmeta_format - the text form (see qmeta.h) */
void qmeta_format(BUF *out, const QMETA *m)
{
    buf_puts(out, QMETA_MAGIC "\n");
    buf_printf(out, "ref %s\ntime %lld\n", m->ref, (long long)m->time);
    line_str(out, "client", m->client);
    line_str(out, "helo", m->helo);
    line_str(out, "qid", m->qid);
    line_str(out, "from", m->from);
    for (size_t i = 0; i < m->nrcpt; i++)
        line_str(out, "rcpt", m->rcpt[i]);
    if (m->rcpt_dropped)
        buf_printf(out, "rcpt_dropped %zu\n", m->rcpt_dropped);
    line_str(out, "subject", m->subject);
    buf_printf(out, "size %lld\n", (long long)m->size);
    line_str(out, "verdict", m->verdict);
    buf_printf(out, "score %.2f\n", m->score);
    line_str(out, "action", m->action);
    line_str(out, "ruleset", m->ruleset);
    line_str(out, "first_verdict", m->first_verdict);
    buf_printf(out, "first_score %.2f\n", m->first_score);
    for (size_t i = 0; i < m->nhits; i++) {
        const QHIT *h = &m->hits[i];
        buf_puts(out, "hit ");
        esc(out, h->symbol);
        buf_printf(out, "\t%.2f\t", h->weight);
        esc(out, h->location);
        buf_putc(out, '\t');
        esc(out, h->detail);
        buf_putc(out, '\n');
    }
    if (m->hits_dropped)
        buf_printf(out, "hits_dropped %zu\n", m->hits_dropped);
    if (m->rescanned)
        buf_printf(out, "rescanned %lld\n", (long long)m->rescanned);
    if (m->released) {
        buf_printf(out, "released %lld\nreleases %u\n", (long long)m->released, m->releases);
        line_str(out, "released_by", m->released_by);
        line_str(out, "released_to", m->released_to);
    }
}

/* hexval - value of one hex digit, or -1 */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* unesc - decode an escaped field of n bytes (caller frees); bad escapes are kept literally */
static char *unesc(const char *s, size_t n)
{
    BUF *b = buf_new(n + 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            buf_putc(b, s[i]);
            continue;
        }
        char c = s[++i];
        if (c == 't' || c == 'n' || c == 'r' || c == '\\') {
            buf_putc(b, c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : '\\');
        } else if (c == 'x' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            int v = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            if (v) /* a NUL would cut the string: drop it */
                buf_putc(b, v);
            i += 2;
        } else {
            buf_putc(b, '\\');
            buf_putc(b, c);
        }
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* parse_num - a decimal number within +-9e15 (the bound keeps the conversions to integers
 * defined; weights and scores may be negative) */
static bool parse_num(const char *v, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    return end != v && *end == 0 && errno == 0 && *out >= -9e15 && *out <= 9e15;
}

/* parse_hit - "SYMBOL\tWEIGHT\tLOCATION\tDETAIL" (escaped fields) */
static bool parse_hit(QMETA *m, const char *v)
{
    const char *f[4];
    size_t len[4];
    const char *p = v;
    for (int i = 0; i < 4; i++) {
        const char *t = i < 3 ? strchr(p, '\t') : p + strlen(p);
        if (t == NULL)
            return false;
        f[i] = p;
        len[i] = (size_t)(t - p);
        p = t + 1;
    }
    char *sym = unesc(f[0], len[0]);
    char *w = xstrndup(f[1], len[1]);
    char *loc = unesc(f[2], len[2]);
    char *det = unesc(f[3], len[3]);
    double weight = 0;
    bool ok = parse_num(w, &weight);
    if (ok)
        qmeta_add_hit(m, sym, weight, loc, det);
    free(sym), free(w), free(loc), free(det);
    return ok;
}

/* set_number - a numeric field; false on a malformed number (unknown keys are accepted:
 * a later version wrote them) */
static bool set_number(QMETA *m, const char *key, const char *v)
{
    static const char *const nums[] = {"time",         "size",     "score",    "first_score",
                                       "rescanned",    "released", "releases", "rcpt_dropped",
                                       "hits_dropped", NULL};
    for (size_t i = 0; nums[i]; i++) {
        double d;
        if (strcmp(key, nums[i]) != 0)
            continue;
        if (!parse_num(v, &d) || (i >= 6 && d < 0)) /* the unsigned counts */
            return false;
        int64_t *ints[] = {&m->time, &m->size, NULL, NULL, &m->rescanned, &m->released};
        if (i == 2)
            m->score = d;
        else if (i == 3)
            m->first_score = d;
        else if (i == 6)
            m->releases = (unsigned)d;
        else if (i == 7)
            m->rcpt_dropped = (size_t)d;
        else if (i == 8)
            m->hits_dropped = (size_t)d;
        else
            *ints[i] = (int64_t)d;
        return true;
    }
    return true;
}

/* set_field - one "key value" pair; false on a malformed value */
static bool set_field(QMETA *m, const char *key, const char *v, size_t vn)
{
    static const struct {
        const char *key;
        size_t off;
    } strs[] = {{"client", offsetof(QMETA, client)},
                {"helo", offsetof(QMETA, helo)},
                {"qid", offsetof(QMETA, qid)},
                {"from", offsetof(QMETA, from)},
                {"subject", offsetof(QMETA, subject)},
                {"verdict", offsetof(QMETA, verdict)},
                {"action", offsetof(QMETA, action)},
                {"ruleset", offsetof(QMETA, ruleset)},
                {"first_verdict", offsetof(QMETA, first_verdict)},
                {"released_by", offsetof(QMETA, released_by)},
                {"released_to", offsetof(QMETA, released_to)}};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        if (strcmp(key, strs[i].key) == 0) {
            char **f = (char **)((char *)m + strs[i].off);
            free(*f);
            *f = unesc(v, vn);
            return true;
        }
    }
    if (strcmp(key, "rcpt") == 0) {
        char *r = unesc(v, vn);
        qmeta_add_rcpt(m, r);
        free(r);
        return true;
    }
    if (strcmp(key, "hit") == 0)
        return parse_hit(m, v);
    if (strcmp(key, "ref") == 0) {
        if (vn != STR_REF_LEN || !str_is_ref(v, vn))
            return false;
        memcpy(m->ref, v, 17);
        return true;
    }
    return set_number(m, key, v);
}

/* qmeta_parse - read the text form (see qmeta.h) */
QMETA *qmeta_parse(const char *p, size_t n, BUF *err)
{
    size_t ml = strlen(QMETA_MAGIC);
    if (n < ml + 1 || memcmp(p, QMETA_MAGIC, ml) != 0 || p[ml] != '\n') {
        buf_puts(err, "not a quarantine metadata file");
        return NULL;
    }
    QMETA *m = qmeta_new();
    char *copy = xstrndup(p, n);
    char *save = NULL;
    unsigned lineno = 1;
    bool ok = true;
    for (char *line = strtok_r(copy + ml + 1, "\n", &save); line && ok;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *sp = strchr(line, ' ');
        if (sp == NULL)
            continue;
        *sp = 0;
        if (!set_field(m, line, sp + 1, strlen(sp + 1))) {
            buf_printf(err, "line %u: bad value for '%s'", lineno, line);
            ok = false;
        }
    }
    free(copy);
    if (ok && m->ref[0] == 0) {
        buf_puts(err, "no ref");
        ok = false;
    }
    return ok ? m : qmeta_free(m);
}

/* jkey - ,"name": */
static void jkey(BUF *o, const char *name, bool first)
{
    if (!first)
        buf_putc(o, ',');
    json_strz(o, name);
    buf_putc(o, ':');
}

/* qmeta_json - one JSON object (see qmeta.h) */
void qmeta_json(BUF *o, const QMETA *m)
{
    buf_putc(o, '{');
    jkey(o, "id", true);
    json_strz(o, m->ref);
    jkey(o, "time", false);
    buf_printf(o, "%lld", (long long)m->time);
    const struct {
        const char *k, *v;
    } s[] = {{"client", m->client},
             {"helo", m->helo},
             {"qid", m->qid},
             {"from", m->from},
             {"subject", m->subject},
             {"verdict", m->verdict},
             {"action", m->action},
             {"ruleset", m->ruleset},
             {"first_verdict", m->first_verdict},
             {"released_by", m->released_by},
             {"released_to", m->released_to}};
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        jkey(o, s[i].k, false);
        json_strz(o, s[i].v);
    }
    jkey(o, "rcpt", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->nrcpt; i++) {
        if (i)
            buf_putc(o, ',');
        json_strz(o, m->rcpt[i]);
    }
    buf_printf(o,
               "],\"size\":%lld,\"score\":%.2f,\"first_score\":%.2f,\"rescanned\":%lld,"
               "\"released\":%lld,\"releases\":%u",
               (long long)m->size, m->score, m->first_score, (long long)m->rescanned,
               (long long)m->released, m->releases);
    jkey(o, "hits", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->nhits; i++) {
        const QHIT *h = &m->hits[i];
        buf_puts(o, i ? ",{" : "{");
        jkey(o, "symbol", true);
        json_strz(o, h->symbol);
        buf_printf(o, ",\"weight\":%.2f", h->weight);
        jkey(o, "location", false);
        json_strz(o, h->location);
        jkey(o, "detail", false);
        json_strz(o, h->detail);
        buf_putc(o, '}');
    }
    buf_puts(o, "]}");
}
