/*
 * core/lists - the word lists in rules/lists/ (see core/lists.h)
 *
 * Each list is a hash set of lower-case entries: an array of keys with their 64-bit
 * hashes, and an open-addressing table of positions, kept at most half full.
 *
 * Why lookups stay linear in the attacker's input: the keys looked up (extensions,
 * URL hosts) come from the sender, the entries from the admin. Lookups never insert, so a
 * sender cannot lengthen a probe chain; chains depend on the admin's file only. The hash
 * is FNV-1a fed from the LAST byte to the first, so lists_domain_in gets the hash of
 * every parent domain (every suffix that starts after a dot) incrementally in one
 * right-to-left pass: a host of n bytes costs O(n) hashing, not O(n * labels). A full
 * key compare happens only when the 64-bit hashes agree.
 *
 * File syntax: one entry per line; `#` starts a comment anywhere; blank lines are
 * ignored; case is folded. Domain entries may be written `*.example.com`,
 * `.example.com` or `example.com.` (all mean example.com and its subdomains) and must be
 * ASCII (an IDN is written in its xn-- form, as URL hosts are compared in that form).
 * A line with two words, or an entry with bytes a list cannot hold, is an error naming
 * FILE:LINE, so a typo fails the (re)load loudly instead of silently matching nothing.
 *
 * Diagnostics go to the caller's BUF as "FILE: reason" or "FILE:LINE: reason". The files
 * are read through lib/linefile (comments, line numbers, I/O errors); nothing else beyond libc.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "core/cmdtab.h"
#include "core/lists.h"
#include "lib/linefile.h"
#include "lib/xalloc.h"

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME  1099511628211ULL

typedef struct ENTRY {
    char *key; /* lower case */
    size_t len;
    uint64_t hash;
} ENTRY;

typedef struct SET {
    ENTRY *v;
    size_t n, cap;
    size_t *slot; /* position + 1, 0 for empty; nslot is a power of two */
    size_t nslot;
} SET;

struct LISTS {
    SET set[LIST_COUNT];
    CMDTAB *lolbas;  /* lolbas.conf */
    SET known;       /* known-libraries.txt: SHA-256 digests (hex) */
    char **known_as; /* the name of each digest, by position in known */
};

static const struct {
    const char *file;
    bool domain; /* entries are domain names (else extensions) */
} files[LIST_COUNT] = {
    [LIST_DANGEROUS_EXT] = {"dangerous-extensions.txt", false},
    [LIST_SHORTENERS] = {"shorteners.txt", true},
    [LIST_BLOCK_DOMAINS] = {"block-domains.txt", true},
    [LIST_ALLOW_DOMAINS] = {"allow-domains.txt", true},
    [LIST_REDIRECTORS] = {"redirectors.txt", true},
};

/* ---------------------------------------------------------------- the hash set */

/* fold - ASCII lower case of one byte */
static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* hash_step - fold one more byte (the one before those hashed so far) into h */
static uint64_t hash_step(uint64_t h, unsigned char c)
{
    return (h ^ fold(c)) * FNV_PRIME;
}

/* hash_key - hash of s[0..n), fed right to left */
static uint64_t hash_key(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    while (n > 0)
        h = hash_step(h, (unsigned char)s[--n]);
    return h;
}

/* set_find - position + 1 of the entry equal to s[0..n) with hash h, or 0 */
static size_t set_find(const SET *s, const char *k, size_t n, uint64_t h)
{
    if (s->n == 0)
        return 0;
    size_t mask = s->nslot - 1;
    for (size_t i = (size_t)h & mask; s->slot[i]; i = (i + 1) & mask) {
        const ENTRY *e = &s->v[s->slot[i] - 1];
        if (e->hash == h && e->len == n && strncasecmp(e->key, k, n) == 0)
            return s->slot[i];
    }
    return 0;
}

/* set_place - put entry p into the slot table */
static void set_place(SET *s, size_t p)
{
    size_t mask = s->nslot - 1;
    size_t i = (size_t)s->v[p].hash & mask;
    while (s->slot[i])
        i = (i + 1) & mask;
    s->slot[i] = p + 1;
}

/* set_rehash - rebuild the slot table with nslot slots */
static void set_rehash(SET *s, size_t nslot)
{
    free(s->slot);
    s->slot = xcalloc(nslot, sizeof(size_t));
    s->nslot = nslot;
    for (size_t p = 0; p < s->n; p++)
        set_place(s, p);
}

/* set_add - insert a lower-case entry once */
static void set_add(SET *s, const char *k, size_t n)
{
    uint64_t h = hash_key(k, n);
    if (set_find(s, k, n, h))
        return;
    XGROW(s->v, s->n, s->cap);
    s->v[s->n++] = (ENTRY){xstrndup(k, n), n, h};
    if (s->n * 2 > s->nslot) /* at most half full: probe chains stay short */
        set_rehash(s, s->nslot ? s->nslot * 2 : 16);
    else
        set_place(s, s->n - 1);
}

/* set_clear - release a set's storage */
static void set_clear(SET *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].key);
    free(s->v);
    free(s->slot);
    memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- loading */

/* entry_ok - bytes an entry may hold: extensions [a-z0-9_-], domains also '.' and ':' */
static bool entry_ok(const char *e, bool domain)
{
    for (const unsigned char *c = (const unsigned char *)e; *c; c++)
        if (!(isalnum(*c) || *c == '-' || *c == '_' || (domain && (*c == '.' || *c == ':'))))
            return false;
    return *e != 0;
}

/* clean_entry - the entry of one line, lower-cased, in place; "" for none, NULL on a
 * syntax error (why says which) */
static char *clean_entry(char *line, bool domain, const char **why)
{
    char *e = line + strspn(line, " \t\r\n\f\v");
    size_t n = strcspn(e, " \t\r\n\f\v");
    if (e[n] && e[n + strspn(e + n, " \t\r\n\f\v")]) {
        *why = "one entry per line";
        return NULL;
    }
    e[n] = 0;
    if (domain && strncmp(e, "*.", 2) == 0)
        e += 2;
    while (*e == '.')
        e++;
    for (n = strlen(e); domain && n && e[n - 1] == '.';)
        e[--n] = 0;
    for (char *c = e; *c; c++)
        *c = (char)fold((unsigned char)*c);
    if (*e && !entry_ok(e, domain)) {
        *why = domain ? "not a domain name (write IDN names in their xn-- form)"
                      : "not a file extension (letters, digits, '-' and '_' only)";
        return NULL;
    }
    return e;
}

typedef struct LIST_FILE {
    SET *set;
    bool domain;
} LIST_FILE;

/* list_line - linefile callback: the entry of one line into the set */
static bool list_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    LIST_FILE *lf = ctx;
    const char *w = NULL;
    char *e = clean_entry(line, lf->domain, &w);
    (void)lineno;
    if (e == NULL)
        buf_puts(why, w);
    else if (*e)
        set_add(lf->set, e, strlen(e));
    return e != NULL;
}

/* load_file - read one list into s; false with a message in err on failure. A missing
 * file is an empty list. */
static bool load_file(SET *s, const char *path, bool domain, BUF *err)
{
    LIST_FILE lf = {s, domain};
    return linefile_read(path, LINEFILE_MISSING_EMPTY | LINEFILE_HASH_COMMENTS, list_line, &lf,
                         err) >= 0;
}

/* known_line - linefile callback: "HEX64 name..." of known-libraries.txt into the LISTS */
static bool known_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    LISTS *l = ctx;
    (void)lineno;
    char *d = line + strspn(line, " \t\r\n");
    size_t n = strcspn(d, " \t\r\n");
    if (n == 0)
        return true;
    char *name = d + n + strspn(d + n, " \t");
    size_t nl = strcspn(name, "\r\n");
    while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
        nl--;
    bool hex = n == 64;
    for (size_t i = 0; hex && i < n; i++)
        hex = isxdigit((unsigned char)d[i]) != 0;
    if (!hex || nl == 0) {
        buf_puts(why, "want a SHA-256 digest (64 hex digits) and the library's name");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = (char)fold((unsigned char)d[i]);
    size_t before = l->known.n;
    set_add(&l->known, d, n);
    if (l->known.n > before) {
        l->known_as = xrealloc(l->known_as, l->known.n * sizeof(char *));
        l->known_as[before] = xstrndup(name, nl);
    }
    return true;
}

/* load_known - known-libraries.txt (a missing file is an empty list) */
static bool load_known(LISTS *l, const char *path, BUF *err)
{
    return linefile_read(path, LINEFILE_MISSING_EMPTY | LINEFILE_HASH_COMMENTS, known_line, l,
                         err) >= 0;
}

/* load_extra - the two tables beside the word lists: lolbas.conf, known-libraries.txt */
static bool load_extra(LISTS *l, const char *dir, BUF *err)
{
    char *path = xasprintf("%s/lolbas.conf", dir);
    l->lolbas = cmdtab_load(path, err);
    free(path);
    if (l->lolbas == NULL)
        return false;
    path = xasprintf("%s/known-libraries.txt", dir);
    bool ok = load_known(l, path, err);
    free(path);
    return ok;
}

/* lists_load - read every list from dir (NULL: all lists empty); NULL and a message in
 * err when a file cannot be read or holds a bad line */
LISTS *lists_load(const char *dir, BUF *err)
{
    LISTS *l = xcalloc(1, sizeof(LISTS));
    BUF *scratch = err ? NULL : buf_new(64); /* a caller without err still gets NULL */
    for (int i = 0; dir && l && i < LIST_COUNT; i++) {
        char *path = xasprintf("%s/%s", dir, files[i].file);
        if (!load_file(&l->set[i], path, files[i].domain, err ? err : scratch))
            l = lists_free(l);
        free(path);
    }
    if (dir && l && !load_extra(l, dir, err ? err : scratch))
        l = lists_free(l);
    buf_free(scratch);
    return l;
}

/* lists_free - release the lists; accepts NULL, returns NULL */
LISTS *lists_free(LISTS *l)
{
    if (l == NULL)
        return NULL;
    for (int i = 0; i < LIST_COUNT; i++)
        set_clear(&l->set[i]);
    for (size_t i = 0; i < l->known.n; i++)
        free(l->known_as[i]);
    free(l->known_as);
    set_clear(&l->known);
    cmdtab_free(l->lolbas);
    free(l);
    return NULL;
}

/* ---------------------------------------------------------------- lookups */

/* lists_has - key is an entry of the list (ASCII case-insensitive) */
bool lists_has(const LISTS *l, enum list_id which, const char *key)
{
    if (l == NULL || key == NULL || which < 0 || which >= LIST_COUNT)
        return false;
    size_t n = strlen(key);
    return set_find(&l->set[which], key, n, hash_key(key, n)) != 0;
}

/* ip_like - a host made of digits and dots, or holding ':' (an IPv4 or IPv6 literal):
 * its "parent domains" mean nothing, so it only matches exactly */
static bool ip_like(const char *h, size_t n)
{
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == ':')
            return true;
        digits = digits && (isdigit((unsigned char)h[i]) || h[i] == '.');
    }
    return digits;
}

/* lists_domain_in - host, or one of its parent domains, is an entry of the list */
bool lists_domain_in(const LISTS *l, enum list_id which, const char *host)
{
    if (l == NULL || host == NULL || which < 0 || which >= LIST_COUNT)
        return false;
    const SET *s = &l->set[which];
    size_t n = strlen(host);
    while (n && host[n - 1] == '.') /* "example.com." is example.com */
        n--;
    if (s->n == 0 || n == 0)
        return false;
    if (ip_like(host, n))
        return set_find(s, host, n, hash_key(host, n)) != 0;
    uint64_t h = FNV_OFFSET;
    for (size_t i = n; i > 0; i--) { /* one right-to-left pass: see the top note */
        h = hash_step(h, (unsigned char)host[i - 1]);
        if ((i == 1 || host[i - 2] == '.') && set_find(s, host + i - 1, n - i + 1, h))
            return true;
    }
    return false;
}

/* lists_lolbas - the LOLBAS argument table (empty when there is no lolbas.conf) */
const CMDTAB *lists_lolbas(const LISTS *l)
{
    return l ? l->lolbas : NULL;
}

/* lists_known_library - the name of the library whose SHA-256 is hex, or NULL */
const char *lists_known_library(const LISTS *l, const char *hex)
{
    if (l == NULL || hex == NULL)
        return NULL;
    size_t n = strlen(hex);
    size_t p = set_find(&l->known, hex, n, hash_key(hex, n));
    return p ? l->known_as[p - 1] : NULL;
}

/* lists_known_libraries - how many known-library digests are loaded */
size_t lists_known_libraries(const LISTS *l)
{
    return l ? l->known.n : 0;
}
