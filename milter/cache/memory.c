/*
 * cache/memory - the embedded cache backend: a bounded, thread-safe LRU in this process
 *
 * SYNOPSIS
 *   extern const CACHE_BACKEND cache_memory_backend;
 *   CACHE_LRU *cache_memory_lru_new(size_t max_entries, size_t max_bytes);
 *   CACHE_LRU *cache_memory_lru_free(CACHE_LRU *l);
 *   bool cache_memory_lru_get(CACHE_LRU *l, const char *key, double now,
 *                             unsigned char **val, size_t *len);
 *   void cache_memory_lru_put(CACHE_LRU *l, const char *key, const void *val, size_t len,
 *                             double expires);
 *   bool cache_memory_lru_del(CACHE_LRU *l, const char *key);
 *   size_t cache_memory_lru_count(CACHE_LRU *l, size_t *bytes);
 *
 * DESCRIPTION
 *   The LRU maps string keys to byte values with an expiry time (seconds on the
 *   monotonic clock; 0: never). get returns a malloc'd copy (the caller frees) and marks
 *   the entry most recently used; an expired entry is deleted and reported absent. put
 *   replaces or inserts, then evicts least recently used entries while there are more
 *   than max_entries or more than max_bytes of keys and values. One mutex guards it all:
 *   lookups are a hash probe and a copy, so contention is short.
 *
 *   The backend keeps part values under the keys cache.c builds, and prevalence under
 *   "prev:<sha256>" (a text record "first last count sha1 md5" then one sighting per
 *   line, newest first) and "alias:<sha1|md5>" (the SHA-256). It lives and dies with the
 *   process, so IOC hashes come only from rules/lists/ioc-*.txt (ioc import needs Redis)
 *   and `fileless-ctl where` cannot see a daemon's memory: both say so.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "lib/xalloc.h"

typedef struct LRU_ENT {
    char *key;
    unsigned char *val;
    size_t len;
    double expires;
    uint64_t h;
    struct LRU_ENT *prev, *next; /* recency list: head.next is the newest */
    struct LRU_ENT *chain;       /* hash bucket */
} LRU_ENT;

struct CACHE_LRU {
    pthread_mutex_t lock;
    LRU_ENT **tab;
    size_t nslot; /* power of two */
    size_t n, max_entries, bytes, max_bytes;
    LRU_ENT head;
};

typedef struct MEMCACHE {
    CACHE_LRU *lru;
    size_t seen_max;
    long long seen_ttl;
} MEMCACHE;

/* fnv - FNV-1a of a key */
static uint64_t fnv(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* cache_memory_lru_new - an empty LRU with its bounds */
CACHE_LRU *cache_memory_lru_new(size_t max_entries, size_t max_bytes)
{
    CACHE_LRU *l = xcalloc(1, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->max_entries = max_entries ? max_entries : 1;
    l->max_bytes = max_bytes;
    l->nslot = 64;
    while (l->nslot < 2 * l->max_entries && l->nslot < (1u << 22))
        l->nslot *= 2;
    l->tab = xcalloc(l->nslot, sizeof(*l->tab));
    l->head.prev = l->head.next = &l->head;
    return l;
}

/* unlink_ent - take an entry out of its bucket and the recency list, and free it */
static void drop(CACHE_LRU *l, LRU_ENT *e)
{
    LRU_ENT **pp = &l->tab[e->h & (l->nslot - 1)];
    while (*pp != e)
        pp = &(*pp)->chain;
    *pp = e->chain;
    e->prev->next = e->next;
    e->next->prev = e->prev;
    l->n--;
    l->bytes -= e->len + strlen(e->key);
    free(e->key);
    free(e->val);
    free(e);
}

/* cache_memory_lru_free - release everything; accepts NULL, returns NULL */
CACHE_LRU *cache_memory_lru_free(CACHE_LRU *l)
{
    if (l == NULL)
        return NULL;
    while (l->head.next != &l->head)
        drop(l, l->head.next);
    free(l->tab);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return NULL;
}

/* find - the entry of a key, or NULL (lock held) */
static LRU_ENT *find(CACHE_LRU *l, const char *key, uint64_t h)
{
    for (LRU_ENT *e = l->tab[h & (l->nslot - 1)]; e; e = e->chain)
        if (e->h == h && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* to_front - mark an entry most recently used (lock held) */
static void to_front(CACHE_LRU *l, LRU_ENT *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = l->head.next;
    e->prev = &l->head;
    l->head.next->prev = e;
    l->head.next = e;
}

/* cache_memory_lru_get - a copy of a live value (see above) */
bool cache_memory_lru_get(CACHE_LRU *l, const char *key, double now, unsigned char **val,
                          size_t *len)
{
    uint64_t h = fnv(key);
    pthread_mutex_lock(&l->lock);
    LRU_ENT *e = find(l, key, h);
    if (e && e->expires && now >= e->expires) {
        drop(l, e);
        e = NULL;
    }
    if (e) {
        to_front(l, e);
        *val = xmemdup(e->val, e->len ? e->len : 1);
        *len = e->len;
    }
    pthread_mutex_unlock(&l->lock);
    return e != NULL;
}

/* cache_memory_lru_put - insert or replace, then evict to the bounds */
void cache_memory_lru_put(CACHE_LRU *l, const char *key, const void *val, size_t len,
                          double expires)
{
    uint64_t h = fnv(key);
    pthread_mutex_lock(&l->lock);
    LRU_ENT *e = find(l, key, h);
    if (e)
        drop(l, e);
    e = xcalloc(1, sizeof(*e));
    e->key = xstrdup(key);
    e->val = xmemdup(val, len ? len : 1);
    e->len = len;
    e->expires = expires;
    e->h = h;
    e->chain = l->tab[h & (l->nslot - 1)];
    l->tab[h & (l->nslot - 1)] = e;
    e->prev = e->next = e;
    l->n++;
    l->bytes += len + strlen(key);
    to_front(l, e);
    while (l->n > 1 && (l->n > l->max_entries || l->bytes > l->max_bytes))
        drop(l, l->head.prev); /* the least recently used */
    pthread_mutex_unlock(&l->lock);
}

/* cache_memory_lru_del - remove a key; false when absent */
bool cache_memory_lru_del(CACHE_LRU *l, const char *key)
{
    uint64_t h = fnv(key);
    pthread_mutex_lock(&l->lock);
    LRU_ENT *e = find(l, key, h);
    if (e)
        drop(l, e);
    pthread_mutex_unlock(&l->lock);
    return e != NULL;
}

/* cache_memory_lru_count - entries held (and their bytes) */
size_t cache_memory_lru_count(CACHE_LRU *l, size_t *bytes)
{
    pthread_mutex_lock(&l->lock);
    size_t n = l->n;
    if (bytes)
        *bytes = l->bytes;
    pthread_mutex_unlock(&l->lock);
    return n;
}

/* mem_open - an LRU with the configured bounds */
static void *mem_open(const CACHE_CONF *cc, BUF *err)
{
    (void)err;
    MEMCACHE *m = xcalloc(1, sizeof(*m));
    m->lru = cache_memory_lru_new(cc->memory_entries, cc->memory_bytes);
    m->seen_max = cc->seen_max;
    m->seen_ttl = cc->seen_ttl;
    return m;
}

/* mem_close - release */
static void mem_close(void *h)
{
    MEMCACHE *m = h;
    cache_memory_lru_free(m->lru);
    free(m);
}

/* prev_parse - a prevalence record into out (entries included when want) */
static bool prev_parse(const char *rec, size_t len, CACHE_PREV *out, bool want)
{
    char *copy = xstrndup(rec, len);
    char *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    bool ok = line && sscanf(line, "%lld %lld %lld %40s %32s", &out->first, &out->last, &out->count,
                             out->sha1, out->md5) == 5;
    for (char *e = ok && want ? strtok_r(NULL, "\n", &save) : NULL; e;
         e = strtok_r(NULL, "\n", &save)) {
        out->entries = xrealloc(out->entries, (out->n + 1) * sizeof(char *));
        out->entries[out->n++] = xstrdup(e);
    }
    out->found = ok;
    free(copy);
    return ok;
}

/* mem_lookup - values and prevalence counts; never fails */
static int mem_lookup(void *h, CACHE_Q *q, size_t n, long long *gen, double budget, BUF *err)
{
    (void)budget, (void)err;
    MEMCACHE *m = h;
    double now = cache_now();
    *gen = 0;
    for (size_t i = 0; i < n; i++) {
        cache_memory_lru_get(m->lru, q[i].key, now, &q[i].val, &q[i].len);
        if (q[i].sha256 == NULL)
            continue;
        char *k = xasprintf("prev:%s", q[i].sha256);
        unsigned char *rec = NULL;
        size_t len = 0;
        CACHE_PREV p = {0};
        if (cache_memory_lru_get(m->lru, k, now, &rec, &len) &&
            prev_parse((char *)rec, len, &p, false))
            q[i].seen = p.count;
        free(rec);
        free(k);
    }
    return 0;
}

/* sight - one sighting into the prevalence record of its hash */
static void sight(MEMCACHE *m, const CACHE_SIGHT *s, double now)
{
    char *k = xasprintf("prev:%s", s->sha256);
    unsigned char *rec = NULL;
    size_t len = 0;
    CACHE_PREV p = {0};
    bool had =
        cache_memory_lru_get(m->lru, k, now, &rec, &len) && prev_parse((char *)rec, len, &p, true);
    BUF *b = buf_new(256);
    buf_printf(b, "%lld %lld %lld %s %s\n", had ? p.first : s->when, s->when, had ? p.count + 1 : 1,
               s->sha1, s->md5);
    if (m->seen_max)
        buf_printf(b, "%s\n", s->entry);
    for (size_t i = 0; i + 1 < m->seen_max && i < p.n; i++)
        buf_printf(b, "%s\n", p.entries[i]);
    double exp = now + (double)m->seen_ttl;
    cache_memory_lru_put(m->lru, k, b->data, b->len, exp);
    const char *alias[] = {s->sha1, s->md5};
    for (size_t i = 0; i < 2; i++) {
        char *ak = xasprintf("alias:%s", alias[i]);
        cache_memory_lru_put(m->lru, ak, s->sha256, strlen(s->sha256), exp);
        free(ak);
    }
    buf_free(b);
    cache_prev_clear(&p);
    free(rec);
    free(k);
}

/* mem_store - values with their TTL, and sightings; never fails */
static int mem_store(void *h, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
                     double budget, BUF *err)
{
    (void)budget, (void)err;
    MEMCACHE *m = h;
    double now = cache_now();
    for (size_t i = 0; i < np; i++)
        cache_memory_lru_put(m->lru, p[i].key, p[i].val, p[i].len, now + (double)p[i].ttl);
    for (size_t i = 0; i < ns; i++)
        sight(m, &s[i], now);
    return 0;
}

/* mem_ioc_fetch - nothing is imported into process memory */
static int mem_ioc_fetch(void *h, IOCSET *into, long long *gen, double budget, BUF *err)
{
    (void)h, (void)into, (void)budget, (void)err;
    *gen = 0;
    return 0;
}

/* mem_refuse - what needs a shared store */
static int mem_ioc_import(void *h, const IOCSET *s, BUF *err)
{
    (void)h, (void)s;
    buf_puts(err, "cache = memory keeps nothing outside the milter process: put the hashes in "
                  "rules/lists/ioc-*.txt and reload, or use cache = redis");
    return -1;
}

/* mem_ioc_remove - see mem_ioc_import */
static int mem_ioc_remove(void *h, const char *hash, BUF *err)
{
    (void)hash;
    return mem_ioc_import(h, NULL, err);
}

/* mem_where - prevalence of a hash held in this process */
static int mem_where(void *h, const char *hash, CACHE_PREV *out, BUF *err)
{
    (void)err;
    MEMCACHE *m = h;
    double now = cache_now();
    unsigned char *v = NULL;
    size_t len = 0;
    char sha[65] = "";
    if (strlen(hash) != 64) {
        char *ak = xasprintf("alias:%s", hash);
        if (cache_memory_lru_get(m->lru, ak, now, &v, &len) && len == 64) {
            memcpy(sha, v, 64);
            sha[64] = 0;
        }
        free(v);
        free(ak);
        v = NULL;
    } else {
        snprintf(sha, sizeof(sha), "%s", hash);
    }
    char *k = xasprintf("prev:%s", sha);
    if (sha[0] && cache_memory_lru_get(m->lru, k, now, &v, &len))
        prev_parse((char *)v, len, out, true);
    snprintf(out->sha256, sizeof(out->sha256), "%s", sha);
    free(v);
    free(k);
    return 0;
}

/* mem_flush - delete the keys matching a glob pattern */
static int mem_flush(void *h, const char *pattern, size_t *deleted, BUF *err)
{
    (void)err;
    MEMCACHE *m = h;
    CACHE_LRU *l = m->lru;
    *deleted = 0;
    pthread_mutex_lock(&l->lock);
    for (LRU_ENT *e = l->head.next, *next; e != &l->head; e = next) {
        next = e->next;
        if (fnmatch(pattern, e->key, 0) == 0) {
            drop(l, e);
            (*deleted)++;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return 0;
}

/* mem_info - entries and bytes held */
static int mem_info(void *h, BUF *out, BUF *err)
{
    (void)err;
    MEMCACHE *m = h;
    size_t bytes = 0;
    size_t n = cache_memory_lru_count(m->lru, &bytes);
    buf_printf(out, "entries: %zu\nbytes: %zu\nmax_entries: %zu\nmax_bytes: %zu\n", n, bytes,
               m->lru->max_entries, m->lru->max_bytes);
    return 0;
}

const CACHE_BACKEND cache_memory_backend = {
    "memory",       mem_open,       mem_close, mem_lookup, mem_store, mem_ioc_fetch,
    mem_ioc_import, mem_ioc_remove, mem_where, mem_flush,  mem_info,  NULL,
};
