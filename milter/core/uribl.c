/*
 * core/uribl - the `uribl_zones` setting (see core/uribl.h)
 *
 * The parser reads the value once per config load; nothing here touches the network.
 * Each zone is cut at ';', split on white space, every token checked; the first bad
 * token ends the parse with its text (sanitized) in the reason.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/uribl.h"
#include "lib/str.h"
#include "lib/xalloc.h"

static const char *const cat_names[URIBL_C_COUNT] = {"spam",   "phish",  "malware", "botnet",
                                                     "abused", "listed", "error",   "ignore"};
static const char *const cat_symbols[URIBL_C_COUNT] = {
    "URIBL_SPAM",   "URIBL_PHISH",  "URIBL_MALWARE", "URIBL_BOTNET",
    "URIBL_ABUSED", "URIBL_LISTED", "URIBL_ERROR",   NULL};

/* uribl_cat_name - the config word of a category */
const char *uribl_cat_name(int cat)
{
    return cat >= 0 && cat < URIBL_C_COUNT ? cat_names[cat] : "?";
}

/* uribl_symbol - the finding of a category (NULL for ignore) */
const char *uribl_symbol(int cat)
{
    return cat >= 0 && cat < URIBL_C_COUNT ? cat_symbols[cat] : NULL;
}

/* uribl_free - release; accepts NULL, returns NULL */
URIBL_ZONES *uribl_free(URIBL_ZONES *z)
{
    if (z == NULL)
        return NULL;
    for (size_t i = 0; i < z->n; i++)
        free(z->v[i].zone);
    free(z->v);
    for (size_t i = 0; i < z->nallow; i++)
        free(z->allow[i]);
    free(z->allow);
    free(z);
    return NULL;
}

/* bad - one reason naming the offending token */
static bool bad(BUF *err, const char *what, const char *tok)
{
    BUF *t = buf_new(32);
    str_sanitize(t, tok, strlen(tok), 60);
    buf_printf(err, "uribl_zones: %s '%s'", what, t->data);
    buf_free(t);
    return false;
}

/* zone_name - letters, digits, '-' and '.', at least one dot-separated label */
static bool zone_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > URIBL_ZONE_MAX || s[0] == '.' || s[0] == '-' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.'))
            return false;
        if (s[i] == '.' && s[i + 1] == '.')
            return false;
    }
    return true;
}

/* addr - one dotted IPv4 address into host order */
static bool addr(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return false;
    *out = ntohl(a.s_addr);
    return true;
}

/* code - CODE of a rule: n (bit mask), a.b.c.d, a-b, a/n */
static bool code(const char *s, URIBL_RULE *r)
{
    char tmp[64];
    if (strlen(s) >= sizeof(tmp))
        return false;
    if (s[strspn(s, "0123456789")] == 0) {
        long v = strtol(s, NULL, 10);
        if (strlen(s) > 3 || v < 1 || v > 255)
            return false;
        r->bits = 1;
        r->lo = (uint32_t)v;
        r->hi = 0;
        return true;
    }
    snprintf(tmp, sizeof(tmp), "%s", s);
    char *dash = strchr(tmp, '-');
    char *slash = strchr(tmp, '/');
    if (dash && slash)
        return false;
    if (dash) {
        *dash = 0;
        return addr(tmp, &r->lo) && addr(dash + 1, &r->hi) && r->lo <= r->hi;
    }
    if (slash) {
        *slash = 0;
        const char *p = slash + 1;
        if (*p == 0 || p[strspn(p, "0123456789")] || strlen(p) > 2 || atoi(p) > 32 ||
            !addr(tmp, &r->lo))
            return false;
        int len = atoi(p);
        uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
        r->lo &= mask;
        r->hi = r->lo | ~mask;
        return true;
    }
    if (!addr(tmp, &r->lo))
        return false;
    r->hi = r->lo;
    return true;
}

/* rule - CODE=CATEGORY */
static bool rule(URIBL_ZONE *z, char *tok, BUF *err)
{
    char *eq = strchr(tok, '=');
    if (eq == NULL)
        return bad(err, "expected CODE=CATEGORY, got", tok);
    *eq = 0;
    URIBL_RULE r = {0};
    r.cat = -1;
    for (int i = 0; i < URIBL_C_COUNT; i++)
        if (strcmp(eq + 1, cat_names[i]) == 0)
            r.cat = i;
    if (r.cat < 0)
        return bad(err, "unknown category", eq + 1);
    if (!code(tok, &r))
        return bad(err, "bad return code", tok);
    if (z->nrules == URIBL_MAX_RULES)
        return bad(err, "too many return codes in zone", z->zone);
    z->rules[z->nrules++] = r;
    return true;
}

/* weight - weight=W */
static bool weight(URIBL_ZONE *z, const char *v, BUF *err)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 0 && d <= 100))
        return bad(err, "bad weight", v);
    z->has_weight = 1;
    z->weight = d;
    return true;
}

/* zone - one `ZONE: KIND ...` clause */
static bool zone(URIBL_ZONES *zs, char *clause, BUF *err)
{
    char *colon = strchr(clause, ':');
    if (colon == NULL)
        return bad(err, "expected 'ZONE: KIND ...', got", clause);
    *colon = 0;
    char *name = str_trim(clause);
    char *save = NULL;
    if (!zone_name(name))
        return bad(err, "bad zone name", name);
    if (zs->n == URIBL_MAX_ZONES)
        return bad(err, "too many zones at", name);
    char *kind = strtok_r(colon + 1, " \t", &save);
    int k = !kind                         ? -1
            : strcmp(kind, "domain") == 0 ? URIBL_K_DOMAIN
            : strcmp(kind, "host") == 0   ? URIBL_K_HOST
            : strcmp(kind, "ip") == 0     ? URIBL_K_IP
                                          : -1;
    if (k < 0)
        return bad(err, "expected domain, host or ip after", name);
    zs->v = xrealloc(zs->v, (zs->n + 1) * sizeof(URIBL_ZONE));
    URIBL_ZONE *z = &zs->v[zs->n++];
    memset(z, 0, sizeof(*z));
    z->zone = xstrdup(name);
    str_lower(z->zone);
    z->kind = k;
    for (char *t = strtok_r(NULL, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        bool okay = strncmp(t, "weight=", 7) == 0 ? weight(z, t + 7, err) : rule(z, t, err);
        if (!okay)
            return false;
    }
    return true;
}

/* uribl_parse - the zones of a uribl_zones value (see core/uribl.h) */
URIBL_ZONES *uribl_parse(const char *text, BUF *err)
{
    URIBL_ZONES *zs = xcalloc(1, sizeof(*zs));
    char *copy = xstrdup(text ? text : "");
    char *save = NULL;
    bool okay = true;
    for (char *c = strtok_r(copy, ";", &save); c && okay; c = strtok_r(NULL, ";", &save))
        if (*str_trim(c))
            okay = zone(zs, c, err);
    free(copy);
    return okay ? zs : uribl_free(zs);
}

/* classify_one - the categories of one answer address */
static unsigned classify_one(const URIBL_ZONE *z, uint32_t a)
{
    for (size_t i = 0; i < z->nrules; i++) {
        const URIBL_RULE *r = &z->rules[i];
        if (!r->bits && a >= r->lo && a <= r->hi)
            return r->cat == URIBL_C_IGNORE ? 0 : 1u << r->cat;
    }
    unsigned m = 0;
    if ((a & 0xffffff00u) == 0x7f000000u)
        for (size_t i = 0; i < z->nrules; i++)
            if (z->rules[i].bits && (a & z->rules[i].lo) && z->rules[i].cat != URIBL_C_IGNORE)
                m |= 1u << z->rules[i].cat;
    for (size_t i = 0; i < z->nrules && m == 0; i++) /* a bit rule matched only "ignore" */
        if (z->rules[i].bits && (a & 0xffffff00u) == 0x7f000000u && (a & z->rules[i].lo))
            return 0;
    if (m)
        return m;
    if ((a & 0xffffff00u) == 0x7fffff00u)
        return 1u << URIBL_C_ERROR;
    return (a >> 24) == 127 ? 1u << URIBL_C_LISTED : 1u << URIBL_C_ERROR;
}

/* uribl_classify - the categories of an answer's A records (see core/uribl.h) */
unsigned uribl_classify(const URIBL_ZONE *z, const uint32_t *codes, size_t n)
{
    unsigned m = 0;
    for (size_t i = 0; z && i < n; i++)
        m |= classify_one(z, codes[i]);
    return m;
}

/* uribl_set_allow - the domains of uribl_allow_domains (see core/uribl.h) */
void uribl_set_allow(URIBL_ZONES *z, const char *list)
{
    for (const char *p = list ? list : ""; *p;) {
        size_t l = strcspn(p, " ,\t");
        if (l) {
            XGROW(z->allow, z->nallow, z->capallow);
            z->allow[z->nallow++] = xstrndup(p, l);
        }
        p += l + (p[l] != 0);
    }
}

/* uribl_allowed - host is an allow-listed domain or under one (see core/uribl.h) */
bool uribl_allowed(const URIBL_ZONES *z, const char *host)
{
    if (z == NULL || z->nallow == 0)
        return false;
    for (const char *h = host; h && *h; h = strchr(h, '.') ? strchr(h, '.') + 1 : NULL)
        for (size_t i = 0; i < z->nallow; i++)
            if (strcasecmp(h, z->allow[i]) == 0)
                return true;
    return false;
}
