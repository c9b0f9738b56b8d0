/*
 * policy/policyset - the policy file: parser, and the most specific policy for a recipient
 * (see policy/policyset.h)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/linefile.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "policy/policyset.h"
#include "policy/verdict.h"

static const char *const kind_names[PK_N] = {"client", "auth",        "sender-domain",
                                             "sender", "rcpt-domain", "rcpt"};

/* keys of milter.conf a policy may change */
static const char *const policy_keys[] = {"mode",
                                          "tag_threshold",
                                          "quarantine_threshold",
                                          "reject_threshold",
                                          "block_extensions",
                                          "capability_alone_max",
                                          "mention_max",
                                          "quarantine_action",
                                          "discard_verdicts",
                                          "subject_tag",
                                          NULL};
static const char *const verdict_keys[] = {NULL, "on_tag", "on_quarantine", "on_reject"};

/* policy_new - a policy with base's settings and each verdict's own action */
static POLICY *policy_new(const POLICYSET *ps, const char *name, unsigned line)
{
    POLICY *p = xcalloc(1, sizeof(*p));
    p->name = xstrdup(name);
    p->cfg = config_dup(ps->base);
    p->weights = ps->scores;
    for (VERDICT v = VERDICT_CLEAN; v <= VERDICT_REJECT; v++)
        p->on_verdict[v] = verdict_natural(v);
    p->line = line;
    return p;
}

/* policy_free - one policy; NULL */
static POLICY *policy_free(POLICY *p)
{
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < p->nm; i++)
        for (int k = 0; k < PK_N; k++)
            free(p->m[i].c[k].value);
    free(p->m);
    config_free(p->cfg);
    scores_free(p->scores);
    free(p->name);
    free(p);
    return NULL;
}

/* policyset_new - the default alone (see policyset.h) */
POLICYSET *policyset_new(const CONFIG *base, const SCORES *scores)
{
    POLICYSET *ps = xcalloc(1, sizeof(*ps));
    ps->base = base;
    ps->scores = scores;
    XGROW(ps->v, ps->n, ps->cap);
    ps->v[ps->n++] = policy_new(ps, "default", 0);
    return ps;
}

/* policyset_free - accepts NULL, returns NULL */
POLICYSET *policyset_free(POLICYSET *ps)
{
    if (ps == NULL)
        return NULL;
    for (size_t i = 0; i < ps->n; i++)
        policy_free(ps->v[i]);
    free(ps->v);
    free(ps->path);
    free(ps);
    return NULL;
}

/* policyset_default - the policy when nothing matches */
const POLICY *policyset_default(const POLICYSET *ps)
{
    return ps->v[0];
}

/* policy_natural - the policy's action for a verdict */
int policy_natural(const POLICY *p, int verdict)
{
    return p->on_verdict[verdict < 0 || verdict > VERDICT_REJECT ? VERDICT_REJECT : verdict];
}

/* policy_parse_ip - an IPv4 or IPv6 address; an IPv4-mapped IPv6 address becomes IPv4 */
bool policy_parse_ip(const char *s, POLICY_IP *ip)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(ip, 0, sizeof(*ip));
    if (inet_pton(AF_INET, s, ip->a) == 1) {
        ip->family = 4;
        return true;
    }
    if (inet_pton(AF_INET6, s, ip->a) != 1)
        return false;
    ip->family = 6;
    if (memcmp(ip->a, mapped, sizeof(mapped)) == 0) {
        memmove(ip->a, ip->a + 12, 4);
        memset(ip->a + 4, 0, 12);
        ip->family = 4;
    }
    return true;
}

/* domain_norm - lower case, no trailing dot, ASCII form (caller frees) */
static char *domain_norm(const char *d, size_t n, POLICY_ASCII ascii)
{
    while (n && d[n - 1] == '.')
        n--;
    char *s = xstrndup(d, n);
    bool plain = true;
    for (char *p = s; *p; p++) {
        if ((unsigned char)*p >= 0x80)
            plain = false;
        *p = (char)tolower((unsigned char)*p);
    }
    if (!plain && ascii) {
        char *a = ascii(s);
        if (a) {
            free(s);
            s = a;
            for (char *p = s; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        }
    }
    return s;
}

/* addr_norm - "local@domain" lower case with the ASCII domain, without angle brackets or a
 * source route; *at is the offset of '@' or -1 (caller frees) */
static char *addr_norm(const char *in, POLICY_ASCII ascii, long *at)
{
    const char *s = in;
    size_t n = strlen(s);
    while (n && (*s == '<' || *s == ' ')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '>' || s[n - 1] == ' '))
        n--;
    const char *colon = *s == '@' ? memchr(s, ':', n) : NULL; /* @relay:user@domain */
    if (colon) {
        n -= (size_t)(colon + 1 - s);
        s = colon + 1;
    }
    const char *a = NULL;
    for (size_t i = n; i-- > 0;)
        if (s[i] == '@') {
            a = s + i;
            break;
        }
    *at = -1;
    if (a == NULL)
        return domain_norm(s, n, NULL); /* a local part alone: just lower-cased */
    char *dom = domain_norm(a + 1, n - (size_t)(a + 1 - s), ascii);
    char *r = xasprintf("%.*s@%s", (int)(a - s), s, dom);
    free(dom);
    for (char *p = r; *p && *p != '@'; p++)
        *p = (char)tolower((unsigned char)*p);
    *at = (long)(strchr(r, '@') - r);
    return r;
}

/* labels - how many labels a domain has */
static int labels(const char *d)
{
    int n = *d ? 1 : 0;
    for (; *d; d++)
        n += *d == '.';
    return n;
}

/* parse_client - CIDR or one address into c */
static bool parse_client(POLICY_COND *c, const char *v, BUF *why)
{
    char *copy = xstrdup(v);
    char *slash = strchr(copy, '/');
    if (slash)
        *slash++ = 0;
    bool ok = policy_parse_ip(copy, &c->net);
    /* the prefix is checked against the address as written: a mapped ::ffff:a.b.c.d
       (turned into IPv4 by policy_parse_ip) takes up to 128 bits */
    bool mapped = c->net.family == 4 && strchr(copy, ':') != NULL;
    int max = c->net.family == 4 && !mapped ? 32 : 128;
    c->prefix = c->net.family == 4 ? 32 : 128;
    if (ok && slash) {
        char *end;
        errno = 0;
        long p = strtol(slash, &end, 10);
        ok = *slash && *end == 0 && errno == 0 && p >= 0 && p <= max;
        /* a mapped network (::ffff:192.0.2.0/120) counts in IPv4 bits */
        if (ok && mapped)
            p = p >= 96 ? p - 96 : -1;
        ok = ok && p >= 0;
        c->prefix = (int)p;
    }
    if (!ok)
        buf_printf(why, "bad network '%s' (want an address or ADDRESS/PREFIX)", v);
    c->precision = c->prefix;
    free(copy);
    return ok;
}

/* parse_cond - "kind:value" into the line m; false with the reason in why */
static bool parse_cond(POLICY_MATCH *m, const char *tok, POLICY_ASCII ascii, BUF *why)
{
    const char *colon = strchr(tok, ':');
    int k = -1;
    for (int i = 0; colon && i < PK_N; i++)
        if (strlen(kind_names[i]) == (size_t)(colon - tok) &&
            strncmp(tok, kind_names[i], (size_t)(colon - tok)) == 0)
            k = i;
    if (k < 0) {
        buf_printf(why,
                   "bad condition '%s' (want rcpt:, rcpt-domain:, sender:, sender-domain:, "
                   "auth: or client: and a value)",
                   tok);
        return false;
    }
    const char *v = colon + 1;
    POLICY_COND *c = &m->c[k];
    if (m->mask & (1u << k)) {
        buf_printf(why, "two %s: conditions on one match line (they would never both hold)",
                   kind_names[k]);
        return false;
    }
    if (*v == 0) {
        buf_printf(why, "empty value in '%s'", tok);
        return false;
    }
    m->mask |= 1u << k;
    long at;
    switch (k) {
    case PK_CLIENT:
        return parse_client(c, v, why);
    case PK_AUTH:
        c->sub = strcmp(v, "*") == 0;
        c->value = c->sub ? xstrdup("*") : addr_norm(v, ascii, &at);
        c->precision = c->sub ? 0 : 1;
        return true;
    case PK_RCPT:
    case PK_SENDER:
        c->value = addr_norm(v, ascii, &at);
        c->precision = 1;
        if (at <= 0 || c->value[at + 1] == 0) {
            buf_printf(why, "'%s' is not an address (want local@domain)", v);
            return false;
        }
        return true;
    default: /* domains */
        c->sub = v[0] == '.' || (v[0] == '*' && v[1] == '.');
        v += c->sub ? (v[0] == '.' ? 1 : 2) : 0;
        c->value = domain_norm(v, strlen(v), ascii);
        if (*c->value == 0 || strchr(c->value, '@') || strchr(c->value, '*')) {
            buf_printf(why, "'%s' is not a domain (want example.com or *.example.com)", tok);
            return false;
        }
        c->precision = labels(c->value) * 2 + (c->sub ? 0 : 1);
        return true;
    }
}

/* parse_match - the value of a match line; false with the reason in why */
static bool parse_match(POLICY *p, char *val, POLICY_ASCII ascii, BUF *why)
{
    POLICY_MATCH m = {0};
    char *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(val, " \t", &save); t && ok; t = strtok_r(NULL, " \t", &save)) {
        if (strcmp(t, "unverified-ok") == 0)
            m.unverified_ok = true;
        else
            ok = parse_cond(&m, t, ascii, why);
    }
    if (ok && m.mask == 0) {
        buf_printf(why, "a match line needs at least one condition");
        ok = false;
    }
    if (!ok) {
        for (int k = 0; k < PK_N; k++)
            free(m.c[k].value);
        return false;
    }
    XGROW(p->m, p->nm, p->capm);
    p->m[p->nm++] = m;
    return true;
}

/* scores_copy - a deep copy of a scoring table */
static SCORES *scores_copy(const SCORES *s)
{
    SCORES *d = xcalloc(1, sizeof(*d));
    d->n = d->cap = s->n;
    d->v = xcalloc(s->n ? s->n : 1, sizeof(*d->v));
    for (size_t i = 0; i < s->n; i++) {
        d->v[i] = s->v[i];
        d->v[i].symbol = xstrdup(s->v[i].symbol);
        d->v[i].description = xstrdup(s->v[i].description ? s->v[i].description : "");
        d->v[i].group = s->v[i].group ? xstrdup(s->v[i].group) : NULL;
    }
    return d;
}

/* parse_weight - "weight SYMBOL = N": the policy's own copy of the scores changed */
static bool parse_weight(POLICYSET *ps, POLICY *p, const char *sym, const char *val, BUF *why)
{
    char *end;
    errno = 0;
    double w = strtod(val, &end);
    if (end == val || *end || errno || w != w || w < 0 || w > 10000) {
        buf_printf(why, "bad weight '%s' for %s (want a number from 0 to 10000)", val, sym);
        return false;
    }
    const SCORE_ENTRY *e = scores_find(ps->scores, sym);
    if (e == NULL || sym[0] == 0 || sym[strlen(sym) - 1] == '*') {
        buf_printf(why, "unknown symbol '%s' (not in scoring.conf)", sym);
        return false;
    }
    if (p->scores == NULL)
        p->weights = p->scores = scores_copy(ps->scores);
    SCORE_ENTRY *own = (SCORE_ENTRY *)scores_find(p->scores, sym);
    if (strcmp(own->symbol, sym) != 0) { /* a family's member gets its own entry */
        SCORE_ENTRY copy = *own;
        copy.symbol = xstrdup(sym);
        copy.description = xstrdup(own->description ? own->description : "");
        copy.group = own->group ? xstrdup(own->group) : NULL;
        XGROW(p->scores->v, p->scores->n, p->scores->cap);
        p->scores->v[p->scores->n++] = copy;
        own = &p->scores->v[p->scores->n - 1];
    }
    own->weight = w;
    return true;
}

/* parse_action - on_tag/on_quarantine/on_reject */
static bool parse_action(POLICY *p, int verdict, const char *val, BUF *why)
{
    static const char *const names[] = {"accept", "tag", "-", "quarantine", "reject", "discard"};
    for (int i = 0; i <= ACT_DISCARD_TOKEN; i++) {
        if (i != CFG_POL_TEMPFAIL && strcmp(val, names[i]) == 0) {
            p->on_verdict[verdict] = i;
            return true;
        }
    }
    buf_printf(why, "bad value '%s' for '%s' (accept, tag, quarantine, reject or discard)", val,
               verdict_keys[verdict]);
    return false;
}

/* parse_setting - KEY = VALUE inside a section */
static bool parse_setting(POLICYSET *ps, POLICY *p, const char *key, char *val, BUF *why)
{
    if (strcmp(key, "match") == 0) {
        if (p == ps->v[0]) {
            buf_printf(why, "[default] takes no match lines (it applies when nothing matches)");
            return false;
        }
        return parse_match(p, val, ps->ascii, why);
    }
    if (strncmp(key, "weight", 6) == 0 && (key[6] == ' ' || key[6] == '\t'))
        return parse_weight(ps, p, str_trim((char *)key + 7), val, why);
    if (strcmp(key, "scan") == 0) {
        if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0) {
            buf_printf(why, "bad value '%s' for 'scan' (yes or no)", val);
            return false;
        }
        p->noscan = strcmp(val, "no") == 0;
        return true;
    }
    for (int v = VERDICT_TAG; v <= VERDICT_REJECT; v++)
        if (strcmp(key, verdict_keys[v]) == 0)
            return parse_action(p, v, val, why);
    for (size_t i = 0; policy_keys[i]; i++)
        if (strcmp(key, policy_keys[i]) == 0)
            return config_set(p->cfg, key, val, why) == 0;
    buf_printf(why,
               "unknown key '%s' (a policy sets match, mode, tag_threshold, quarantine_threshold, "
               "reject_threshold, block_extensions, capability_alone_max, mention_max, "
               "quarantine_action, discard_verdicts, subject_tag, on_tag, on_quarantine, "
               "on_reject, scan and weight SYMBOL)",
               key);
    return false;
}

/* section_done - checks at the end of a section */
static bool section_done(const POLICYSET *ps, POLICY *p, BUF *why)
{
    CONFIG *c = p->cfg;
    if (p->noscan)
        c->mode = CFG_MODE_OFF; /* whatever the section said: nothing is planned */
    if (c->tag_threshold > c->quarantine_threshold ||
        c->quarantine_threshold > c->reject_threshold) {
        buf_printf(why, "[%s]: thresholds must satisfy tag <= quarantine <= reject", p->name);
        return false;
    }
    if (p != ps->v[0] && p->nm == 0) {
        buf_printf(why, "[%s] has no match line (it would never apply)", p->name);
        return false;
    }
    return true;
}

/* valid_name - a section name */
static bool valid_name(const char *s)
{
    if (*s == 0 || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
            return false;
    return true;
}

/* start_section - "[name]": a new policy, or the default again; NULL with the reason */
static POLICY *start_section(POLICYSET *ps, char *s, unsigned line, BUF *why)
{
    size_t n = strlen(s);
    if (s[n - 1] != ']') {
        buf_printf(why, "expected '[name]'");
        return NULL;
    }
    s[n - 1] = 0;
    char *name = str_trim(s + 1);
    if (!valid_name(name)) {
        buf_printf(why, "bad policy name '%s' (letters, digits, '_', '-', '.')", name);
        return NULL;
    }
    for (size_t i = 0; i < ps->n; i++) {
        if (strcmp(ps->v[i]->name, name) == 0) {
            if (ps->v[i]->line)
                buf_printf(why, "policy [%s] already defined at line %u", name, ps->v[i]->line);
            else
                ps->v[i]->line = line;
            return ps->v[i]->line == line ? ps->v[i] : NULL;
        }
    }
    XGROW(ps->v, ps->n, ps->cap);
    ps->v[ps->n++] = policy_new(ps, name, line);
    return ps->v[ps->n - 1];
}

/* parse_line - one line that is not blank or a comment */
static bool parse_line(POLICYSET *ps, POLICY **cur, char *s, unsigned line, BUF *why)
{
    if (*s == '[') {
        if (*cur && !section_done(ps, *cur, why))
            return false;
        return (*cur = start_section(ps, s, line, why)) != NULL;
    }
    char *eq = strchr(s, '=');
    if (eq == NULL) {
        buf_printf(why, "expected 'key = value', 'match = ...' or '[name]'");
        return false;
    }
    if (*cur == NULL) {
        buf_printf(why, "a setting before the first [name] section");
        return false;
    }
    *eq = 0;
    char *val = str_trim(eq + 1);
    size_t n = strlen(val);
    if (n >= 2 && val[0] == '"' && val[n - 1] == '"') { /* "..." as in milter.conf */
        val[n - 1] = 0;
        val++;
    }
    return parse_setting(ps, *cur, str_trim(s), val, why);
}

typedef struct POLICY_FILE {
    POLICYSET *ps;
    POLICY *cur; /* the section being read, NULL before the first */
} POLICY_FILE;

/* policy_line - linefile callback: one line of the policy file */
static bool policy_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    POLICY_FILE *pf = ctx;
    return parse_line(pf->ps, &pf->cur, line, lineno, why);
}

/* policyset_load - read the policy file (see policyset.h) */
int policyset_load(POLICYSET *ps, const char *path, POLICY_ASCII ascii, BUF *err)
{
    free(ps->path);
    ps->path = xstrdup(path);
    ps->ascii = ascii;
    POLICY_FILE pf = {ps, NULL};
    int rc = linefile_read(path, LINEFILE_TRIM, policy_line, &pf, err) < 0 ? -1 : 0;
    BUF *why = buf_new(64);
    if (rc == 0 && pf.cur && !section_done(ps, pf.cur, why)) {
        buf_printf(err, "%s:%u: %s", path, pf.cur->line, why->data);
        rc = -1;
    }
    buf_free(why);
    return rc;
}

/* net_has - the client address lies in the network */
static bool net_has(const POLICY_COND *c, const POLICY_IP *ip)
{
    if (ip->family == 0 || ip->family != c->net.family)
        return false;
    int bits = c->prefix;
    int i = 0;
    for (; bits >= 8; bits -= 8, i++)
        if (ip->a[i] != c->net.a[i])
            return false;
    unsigned char mask = (unsigned char)(0xff00 >> bits);
    return bits == 0 || (ip->a[i] & mask) == (c->net.a[i] & mask);
}

/* domain_has - the domain matches the condition (exact, or a strict subdomain) */
static bool domain_has(const POLICY_COND *c, const char *dom)
{
    if (!c->sub)
        return strcmp(dom, c->value) == 0;
    size_t n = strlen(dom);
    size_t m = strlen(c->value);
    return n > m + 1 && dom[n - m - 1] == '.' && strcmp(dom + n - m, c->value) == 0;
}

/* the envelope, normalized once per selection */
typedef struct NENV {
    char *rcpt, *sender, *auth;
    const char *rdom, *sdom; /* after '@', or NULL */
    const POLICY_IP *client;
} NENV;

/* line_holds - every condition of the line holds, and a sender condition is verified */
static bool line_holds(const POLICY_MATCH *m, const NENV *e)
{
    const POLICY_COND *c = m->c;
    if ((m->mask & (1u << PK_RCPT)) && strcmp(e->rcpt, c[PK_RCPT].value) != 0)
        return false;
    if ((m->mask & (1u << PK_RCPT_DOMAIN)) && !(e->rdom && domain_has(&c[PK_RCPT_DOMAIN], e->rdom)))
        return false;
    if ((m->mask & (1u << PK_SENDER)) && !(e->sender && strcmp(e->sender, c[PK_SENDER].value) == 0))
        return false;
    if ((m->mask & (1u << PK_SENDER_DOMAIN)) &&
        !(e->sdom && domain_has(&c[PK_SENDER_DOMAIN], e->sdom)))
        return false;
    if ((m->mask & (1u << PK_AUTH)) &&
        !(e->auth && (c[PK_AUTH].sub || strcmp(e->auth, c[PK_AUTH].value) == 0)))
        return false;
    if ((m->mask & (1u << PK_CLIENT)) && !net_has(&c[PK_CLIENT], e->client))
        return false;
    unsigned senders = (1u << PK_SENDER) | (1u << PK_SENDER_DOMAIN);
    unsigned verified = (1u << PK_AUTH) | (1u << PK_CLIENT);
    return !(m->mask & senders) || (m->mask & verified) || e->auth || m->unverified_ok;
}

/* more_specific - the order of policyset.h: > 0 when a beats b */
static int more_specific(const POLICY_MATCH *a, const POLICY_MATCH *b)
{
    if (a->mask != b->mask)
        return a->mask > b->mask ? 1 : -1;
    for (int k = PK_N - 1; k >= 0; k--)
        if ((a->mask & (1u << k)) && a->c[k].precision != b->c[k].precision)
            return a->c[k].precision > b->c[k].precision ? 1 : -1;
    return 0;
}

/* policyset_select - the most specific policy for one recipient (see policyset.h) */
const POLICY *policyset_select(const POLICYSET *ps, const POLICY_ENV *env)
{
    if (ps->n == 1) /* only [default]: nothing to match, no address to normalise */
        return ps->v[0];
    NENV e = {.client = &env->client};
    long at;
    e.rcpt = addr_norm(env->rcpt ? env->rcpt : "", ps->ascii, &at);
    e.rdom = at >= 0 ? e.rcpt + at + 1 : NULL;
    if (env->sender && strcmp(env->sender, "<>") != 0 && *env->sender) {
        e.sender = addr_norm(env->sender, ps->ascii, &at);
        e.sdom = at >= 0 ? e.sender + at + 1 : NULL;
    }
    if (env->auth && *env->auth)
        e.auth = addr_norm(env->auth, ps->ascii, &at);
    const POLICY *best = ps->v[0];
    const POLICY_MATCH *bm = NULL;
    for (size_t i = 1; i < ps->n; i++) {
        const POLICY *p = ps->v[i];
        for (size_t j = 0; j < p->nm; j++) {
            if (line_holds(&p->m[j], &e) && (bm == NULL || more_specific(&p->m[j], bm) > 0)) {
                best = p;
                bm = &p->m[j];
            }
        }
    }
    free(e.rcpt);
    free(e.sender);
    free(e.auth);
    return best;
}
