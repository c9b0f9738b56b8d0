/*
 * core/ioc - known-bad hash sets (see core/ioc.h)
 *
 * Entries live in an array (insertion order, for listing); a table of positions + 1 with
 * open addressing finds them. The table is rebuilt at twice the size when half full.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ioc.h"
#include "lib/linefile.h"
#include "lib/xalloc.h"

typedef struct IOC {
    char hash[65];
    char *name;
    uint64_t h;
} IOC;

struct IOCSET {
    IOC *v;
    size_t n, cap;
    size_t *slot; /* position + 1; nslot is a power of two */
    size_t nslot;
};

/* fnv - FNV-1a of a string */
static uint64_t fnv(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* ioc_new - an empty set */
IOCSET *ioc_new(void)
{
    return xcalloc(1, sizeof(IOCSET));
}

/* ioc_free - release; accepts NULL, returns NULL */
IOCSET *ioc_free(IOCSET *s)
{
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name);
    free(s->v);
    free(s->slot);
    free(s);
    return NULL;
}

/* ioc_kind - "md5", "sha1", "sha256" by length when all hex digits, else NULL */
const char *ioc_kind(const char *hash)
{
    size_t n = 0;
    for (; hash[n]; n++)
        if (!isxdigit((unsigned char)hash[n]))
            return NULL;
    return n == 32 ? "md5" : n == 40 ? "sha1" : n == 64 ? "sha256" : NULL;
}

/* find_slot - the table slot holding hash, or the empty slot where it would go */
static size_t find_slot(const IOCSET *s, const char *hash, uint64_t h)
{
    size_t mask = s->nslot - 1;
    size_t i = (size_t)h & mask;
    while (s->slot[i] && (s->v[s->slot[i] - 1].h != h || strcmp(s->v[s->slot[i] - 1].hash, hash)))
        i = (i + 1) & mask;
    return i;
}

/* rehash - a table twice as large (at least 64 slots) */
static void rehash(IOCSET *s)
{
    free(s->slot);
    s->nslot = s->nslot ? s->nslot * 2 : 64;
    s->slot = xcalloc(s->nslot, sizeof(size_t));
    for (size_t k = 0; k < s->n; k++)
        s->slot[find_slot(s, s->v[k].hash, s->v[k].h)] = k + 1;
}

/* ioc_add - record a hash with its name (see ioc.h) */
bool ioc_add(IOCSET *s, const char *hash, const char *name)
{
    if (ioc_kind(hash) == NULL)
        return false;
    char low[65];
    size_t n = strlen(hash);
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)tolower((unsigned char)hash[i]);
    uint64_t h = fnv(low);
    if (s->nslot == 0 || 2 * (s->n + 1) > s->nslot)
        rehash(s);
    size_t i = find_slot(s, low, h);
    if (s->slot[i]) {
        IOC *e = &s->v[s->slot[i] - 1];
        free(e->name);
        e->name = xstrdup(name ? name : "");
        return true;
    }
    XGROW(s->v, s->n, s->cap);
    IOC *e = &s->v[s->n++];
    memcpy(e->hash, low, n + 1);
    e->name = xstrdup(name ? name : "");
    e->h = h;
    s->slot[i] = s->n;
    return true;
}

/* ioc_find - the name of a (lower-case) hash, or NULL */
const char *ioc_find(const IOCSET *s, const char *hash)
{
    if (s == NULL || s->n == 0)
        return NULL;
    size_t i = find_slot(s, hash, fnv(hash));
    return s->slot[i] ? s->v[s->slot[i] - 1].name : NULL;
}

/* ioc_count - number of entries */
size_t ioc_count(const IOCSET *s)
{
    return s ? s->n : 0;
}

/* ioc_at - the i-th hash in insertion order and its name */
const char *ioc_at(const IOCSET *s, size_t i, const char **name)
{
    if (s == NULL || i >= s->n)
        return NULL;
    if (name)
        *name = s->v[i].name;
    return s->v[i].hash;
}

/* ioc_parse_line - one line of an IOC file (see ioc.h) */
int ioc_parse_line(const char *line, char hash[65], char *name, size_t namecap)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == 0 || *p == '\n' || *p == '\r' || *p == '#')
        return 0;
    size_t n = 0;
    while (p[n] && !isspace((unsigned char)p[n]))
        n++;
    if (n != 32 && n != 40 && n != 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)p[i]))
            return -1;
        hash[i] = (char)tolower((unsigned char)p[i]);
    }
    hash[n] = 0;
    p += n;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t k = 0;
    for (; *p && *p != '\n' && *p != '\r' && k + 1 < namecap; p++)
        name[k++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
    while (k > 0 && (name[k - 1] == ' ' || name[k - 1] == '\t'))
        k--;
    if (namecap)
        name[k] = 0;
    return 1;
}

/* ioc_line - linefile callback: one hash and its name into the set */
static bool ioc_line(void *ctx, char *line, unsigned lineno, BUF *why)
{
    char hash[65];
    char name[IOC_NAME_MAX];
    int r = ioc_parse_line(line, hash, name, sizeof(name));
    (void)lineno;
    if (r > 0)
        ioc_add(ctx, hash, name);
    if (r < 0)
        buf_puts(why, "not an MD5, SHA-1 or SHA-256 hash");
    return r >= 0;
}

/* ioc_load_file - add every entry of one file; -1 with FILE[:LINE]: reason */
int ioc_load_file(IOCSET *s, const char *path, BUF *err)
{
    return linefile_read(path, 0, ioc_line, s, err) < 0 ? -1 : 0;
}

/* by_name - qsort order of strings */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ioc_load_dir - every ioc-*.txt of dir, in name order */
int ioc_load_dir(IOCSET *s, const char *dir, BUF *err)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;
        buf_printf(err, "%s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "ioc-", 4) == 0 && len > 8 &&
            strcmp(e->d_name + len - 4, ".txt") == 0) {
            XGROW(names, n, cap);
            names[n++] = xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = ioc_load_file(s, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}
