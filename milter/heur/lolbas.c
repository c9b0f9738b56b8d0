/*
 * heur/lolbas - LOLBAS command lines with per-binary argument semantics (see lolbas.h)
 *
 * One forward pass over the text: at every word start a name of at most NAME_MAX bytes is
 * read and looked up in the table (a binary search); a hit parses the command that follows
 * (at most LOLBAS_CMD_MAX bytes) and tests the binary's rules. The pass resumes after the
 * name, so a command line holding another binary (cmd /c "certutil ...") is read again
 * from that name. Each step is bounded, the number of parsed commands too.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "heur/lolbas.h"
#include "heur/url.h"
#include "lib/str.h"

#define NAME_MAX_LEN 40

/* word_char - a byte of a program name */
static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

/* comment_line - the line holding position i (< n) starts with a comment marker; the
 * look back is bounded by LOLBAS_CMD_MAX (a longer line is no comment line) */
static bool comment_line(const char *t, size_t n, size_t i)
{
    size_t s = i;
    while (s > 0 && t[s - 1] != '\n' && t[s - 1] != '\r')
        if (i - --s > LOLBAS_CMD_MAX)
            return false;
    while (s < i && (t[s] == ' ' || t[s] == '\t' || t[s] == '@'))
        s++;
    if (t[s] == '#' || t[s] == '\'' ||
        (s + 1 < n && ((t[s] == ':' && t[s + 1] == ':') || (t[s] == '/' && t[s + 1] == '/'))))
        return true;
    return s + 4 <= n && strncasecmp(t + s, "rem", 3) == 0 && (t[s + 3] == ' ' || t[s + 3] == '\t');
}

/* lolbas_split - see lolbas.h: the arguments of s[0..n); returns the bytes consumed */
size_t lolbas_split(const char *s, size_t n, LOLBAS_ARGS *a)
{
    size_t i = 0;
    size_t len = 0;
    char quote = 0;
    bool in_arg = false;
    a->n = 0;
    if (n > LOLBAS_CMD_MAX)
        n = LOLBAS_CMD_MAX;
    for (; i < n; i++) {
        char ch = s[i];
        if (ch == '\n' || ch == '\r' || ch == 0)
            break;
        if (!quote && (ch == '&' || ch == '|' || ch == ';' || ch == ')' || ch == '`'))
            break;
        if (ch == '^')
            continue;
        if (quote ? ch == quote : (ch == '"' || ch == '\'')) {
            quote = quote ? 0 : ch;
            continue;
        }
        if (!quote && (ch == ' ' || ch == '\t')) {
            if (in_arg && a->n < LOLBAS_MAX_ARGS) {
                a->v[a->n++][len] = 0;
                in_arg = false;
            }
            continue;
        }
        if (a->n == LOLBAS_MAX_ARGS)
            continue;
        if (!in_arg) {
            in_arg = true;
            len = 0;
        }
        if (len + 1 < LOLBAS_ARG_MAX)
            a->v[a->n][len++] = (char)tolower((unsigned char)ch);
    }
    if (in_arg && a->n < LOLBAS_MAX_ARGS)
        a->v[a->n++][len] = 0;
    return i;
}

/* switch_name - the name of a switch argument (-x, /x, --x, //x) or NULL; *nlen its length,
 * *value what follows ':' or '=' (or "") */
static const char *switch_name(const char *arg, size_t *nlen, const char **value)
{
    const char *p = arg;
    if (*p != '-' && *p != '/')
        return NULL;
    p += (p[1] == p[0]) ? 2 : 1;
    if (!isalpha((unsigned char)*p))
        return NULL;
    size_t n = strcspn(p, ":=");
    if (strncmp(p + n, "://", 3) == 0 || memchr(p, '/', n) || memchr(p, '\\', n))
        return NULL; /* //host/share, /usr/bin: paths, not switches */
    *nlen = n;
    *value = p[n] ? p + n + 1 : "";
    return p;
}

/* remote - a remote address (heur_remote) */
static bool remote(const char *s)
{
    return heur_remote(s, strlen(s));
}

/* ads - a path with an alternate data stream: file:stream after a drive letter or none */
static bool ads(const char *s)
{
    if (strstr(s, "://") || remote(s))
        return false;
    const char *c = strrchr(s, ':');
    if (c == NULL || c - s < 2 || c[1] == 0 || strpbrk(c + 1, "\\/") || c[-1] == ':')
        return false;
    unsigned char b = (unsigned char)c[-1];
    if (!(isalnum(b) || b == '.' || b == '_' || b == '-' || b == '$'))
        return false;
    const char *colon = strchr(s, ':');
    if (colon == c) /* one colon: a name:stream without a drive, needs a file-like name */
        return memchr(s, '.', (size_t)(c - s)) != NULL || memchr(s, '\\', (size_t)(c - s));
    return colon - s == 1; /* C:\path\file:stream */
}

/* alt_holds - one alternative (without '!') of a condition against the arguments */
static bool alt_holds(const char *alt, size_t an, const LOLBAS_ARGS *a)
{
    char w[LOLBAS_ARG_MAX];
    if (an >= sizeof(w))
        an = sizeof(w) - 1;
    memcpy(w, alt, an);
    w[an] = 0;
    if (strcmp(w, "any") == 0)
        return true;
    for (size_t i = 0; i < a->n; i++) {
        const char *arg = a->v[i];
        const char *value = "";
        size_t sn = 0;
        const char *sw = switch_name(arg, &sn, &value);
        const char *operand = sw && *value ? value : arg;
        if (w[0] == '-') {
            size_t k = an - 1;
            bool prefix = k > 0 && w[an - 1] == '*';
            if (prefix)
                k--;
            if (sw && (prefix ? sn >= k : sn == k) && strncmp(sw, w + 1, k) == 0)
                return true;
        } else if (strncmp(w, "url~", 4) == 0) {
            if (remote(operand) && strstr(operand, w + 4))
                return true;
        } else if (strcmp(w, "url") == 0) {
            if (remote(operand) || (sw == NULL && strstr(arg, "http://")) ||
                (sw == NULL && strstr(arg, "https://")))
                return true;
        } else if (strcmp(w, "script") == 0) {
            if (strstr(arg, "javascript:") || strstr(arg, "vbscript:"))
                return true;
        } else if (strcmp(w, "ads") == 0) {
            if ((sw == NULL || *value) && ads(operand))
                return true;
        } else if (w[0] == '.') {
            if (str_iends(operand, w) || (sw == NULL && strstr(arg, w) && str_iends(arg, w)))
                return true;
        } else if (w[0] == '~') {
            if (strstr(arg, w + 1))
                return true;
        } else if (w[0] == '=') {
            if (strcmp(arg, w + 1) == 0)
                return true;
        }
    }
    return false;
}

/* cond_holds - any '|'-separated alternative holds ('!' negates one) */
static bool cond_holds(const char *cond, const LOLBAS_ARGS *a)
{
    const char *p = cond;
    while (*p) {
        size_t n = strcspn(p, "|");
        bool neg = *p == '!';
        bool h = alt_holds(p + neg, n - neg, a);
        if (neg ? !h : h)
            return true;
        p += n;
        if (*p == '|')
            p++;
    }
    return false;
}

/* lolbas_match - see lolbas.h: every condition of r holds */
bool lolbas_match(const CMDRULE *r, const LOLBAS_ARGS *a)
{
    for (size_t i = 0; i < r->ncond; i++)
        if (!cond_holds(r->cond[i], a))
            return false;
    return true;
}

/* name_at - the lower-case program name at t[i..] into name (its length, 0 for none);
 * *after the position after the name and an optional .exe */
static size_t name_at(const char *t, size_t n, size_t i, char *name, size_t *after)
{
    size_t k = 0;
    while (i + k < n && word_char((unsigned char)t[i + k])) {
        if (k == NAME_MAX_LEN)
            return 0;
        name[k] = (char)tolower((unsigned char)t[i + k]);
        k++;
    }
    name[k] = 0;
    size_t j = i + k;
    if (j + 4 <= n && strncasecmp(t + j, ".exe", 4) == 0)
        j += 4;
    if (j < n && (word_char((unsigned char)t[j]) || t[j] == '.' || t[j] == '\\' || t[j] == '/' ||
                  t[j] == '(' || t[j] == '='))
        return 0; /* part of a longer name, a path component, a call or an assignment */
    *after = j;
    return k;
}

/* heur_lolbas - see lolbas.h */
void heur_lolbas(HEUR_CTX *c, const unsigned char *p, size_t n)
{
    const CMDTAB *tab = lists_lolbas(c->lists);
    const char *t = (const char *)p;
    size_t cmds = 0;
    LOLBAS_ARGS a;
    if (tab == NULL)
        return;
    for (size_t i = 0; i < n && cmds < LOLBAS_MAX_CMDS; i++) {
        if (!isalpha((unsigned char)t[i]) || (i > 0 && word_char((unsigned char)t[i - 1])))
            continue;
        char name[NAME_MAX_LEN + 1];
        size_t after = 0;
        size_t k = name_at(t, n, i, name, &after);
        size_t count = 0;
        const CMDRULE *r = k ? cmdtab_rules(tab, name, k, &count) : NULL;
        if (r == NULL) {
            while (i + 1 < n && word_char((unsigned char)t[i + 1]))
                i++;
            continue;
        }
        if (comment_line(t, n, i)) {
            i += k - 1;
            continue;
        }
        cmds++;
        if (after < n && (t[after] == '"' || t[after] == '\''))
            after++; /* "C:\Windows\System32\certutil.exe" -urlcache ... */
        size_t used = lolbas_split(t + after, n - after, &a);
        for (size_t j = 0; j < count; j++)
            if (lolbas_match(&r[j], &a))
                hits_add(c->hits, r[j].symbol, c->location, "%s%.*s (lolbas.conf:%u)", name,
                         (int)(used < 120 ? used : 120), t + after, r[j].line);
        i += k - 1;
    }
}
