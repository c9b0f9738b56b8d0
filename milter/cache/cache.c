/*
 * cache/cache - the cache handle: backend choice, circuit breaker, statistics, imported IOC
 *         snapshot (see cache.h)
 *
 * One handle per process, shared by every worker thread. The backends are thread-safe
 * themselves; this file adds one mutex for the breaker, the counters and the IOC
 * snapshot, never held across a backend call.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "core/log.h"
#include "lib/xalloc.h"

typedef struct IOCSNAP {
    IOCSET *set;
    unsigned refs; /* the handle's own (while current) plus one per message using it */
    struct IOCSNAP *next;
} IOCSNAP;

struct CACHE {
    const CACHE_BACKEND *be;
    void *h;
    CACHE_CONF cc;
    pthread_mutex_t lock;
    CACHE_BREAKER br;
    CACHE_STATS st;
    IOCSNAP *ioc;   /* imported IOC hashes (current), or NULL */
    IOCSNAP *snaps; /* every snapshot still referenced, current included */
    long long ioc_gen;
    bool ioc_fetching;
};

static CACHE *default_cache;

/* cache_now - monotonic seconds */
double cache_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cache_breaker_allow - may a caller use the backend now? (see cache.h) */
bool cache_breaker_allow(CACHE_BREAKER *b, double now)
{
    if (b->open_until == 0)
        return true;
    if (now < b->open_until || b->probing)
        return false;
    b->probing = true; /* half open: this caller probes, the others keep skipping */
    return true;
}

/* cache_breaker_result - close on success; open (longer each time) on failure */
void cache_breaker_result(CACHE_BREAKER *b, bool ok, double now)
{
    b->probing = false;
    if (ok) {
        b->fails = 0;
        b->open_until = 0;
        return;
    }
    if (b->fails < 31)
        b->fails++;
    unsigned scale = b->fails > 3 ? CACHE_BREAKER_SCALE : 1u << (b->fails - 1);
    b->open_until = now + b->base * scale;
}

/* conf_from - the settings a backend needs, copied */
static void conf_from(CACHE_CONF *cc, const CONFIG *c)
{
    cc->servers = xstrdup(c->redis);
    cc->user = xstrdup(c->redis_user);
    cc->password = xstrdup(c->redis_password);
    cc->prefix = xstrdup(c->cache_prefix);
    cc->db = (int)c->redis_db;
    cc->connect_ms = (int)c->redis_connect_timeout;
    cc->timeout_ms = (int)c->redis_timeout;
    cc->memory_entries = (size_t)c->cache_memory_entries;
    cc->memory_bytes = (size_t)c->cache_memory_bytes;
    cc->seen_max = (size_t)c->prevalence_messages;
    cc->seen_ttl = c->prevalence_ttl;
}

/* conf_clear - free the copied settings */
static void conf_clear(CACHE_CONF *cc)
{
    free(cc->servers);
    free(cc->user);
    free(cc->password);
    free(cc->prefix);
}

/* cache_open - the backend named by `cache` (see cache.h) */
CACHE *cache_open(const CONFIG *c, BUF *err)
{
    const CACHE_BACKEND *be = c->cache == CFG_CACHE_REDIS    ? &cache_redis_backend
                              : c->cache == CFG_CACHE_MEMORY ? &cache_memory_backend
                                                             : NULL;
    if (be == NULL)
        return NULL;
    if (be == &cache_redis_backend && c->redis[0] == 0) {
        buf_puts(err, "cache = redis needs redis = unix:/path or host:port");
        return NULL;
    }
    CACHE *k = xcalloc(1, sizeof(*k));
    k->be = be;
    conf_from(&k->cc, c);
    k->br.base = (double)c->cache_breaker_seconds;
    pthread_mutex_init(&k->lock, NULL);
    k->h = be->open(&k->cc, err);
    if (k->h == NULL) {
        conf_clear(&k->cc);
        pthread_mutex_destroy(&k->lock);
        free(k);
        return NULL;
    }
    return k;
}

/* cache_close - release the handle; accepts NULL, returns NULL */
CACHE *cache_close(CACHE *c)
{
    if (c == NULL)
        return NULL;
    if (default_cache == c)
        default_cache = NULL;
    c->be->close(c->h);
    while (c->snaps) { /* messages are done: drop what is left */
        IOCSNAP *n = c->snaps->next;
        ioc_free(c->snaps->set);
        free(c->snaps);
        c->snaps = n;
    }
    conf_clear(&c->cc);
    pthread_mutex_destroy(&c->lock);
    free(c);
    return NULL;
}

/* cache_set_default - the process-wide handle (set before worker threads start) */
void cache_set_default(CACHE *c)
{
    default_cache = c;
}

/* cache_default - the process-wide handle, or NULL when the cache is off */
CACHE *cache_default(void)
{
    return default_cache;
}

/* cache_name - "memory", "redis" or "off" */
const char *cache_name(const CACHE *c)
{
    return c ? c->be->name : "off";
}

/* cache_stats - a copy of the counters */
void cache_stats(CACHE *c, CACHE_STATS *s)
{
    pthread_mutex_lock(&c->lock);
    *s = c->st;
    pthread_mutex_unlock(&c->lock);
}

/* cache_timeout_ms - how long one message may wait for the cache (redis_timeout) */
double cache_timeout_ms(const CACHE *c)
{
    return (double)c->cc.timeout_ms;
}

/* cache_part_key - <prefix>:<schema>:<ruleset id>:part:<sha256> (caller frees) */
char *cache_part_key(const CACHE *c, const char *ruleset_id, const char *sha256)
{
    return xasprintf("%s:%s:%s:part:%s", c->cc.prefix, CACHE_SCHEMA, ruleset_id, sha256);
}

/* enter - breaker check before a backend call; false (counted) when skipped */
static bool enter(CACHE *c)
{
    pthread_mutex_lock(&c->lock);
    bool ok = cache_breaker_allow(&c->br, cache_now());
    if (!ok)
        c->st.skipped++;
    pthread_mutex_unlock(&c->lock);
    return ok;
}

/* leave - record a backend call's outcome; log failures when the breaker opens */
static void leave(CACHE *c, bool ok, const char *what, const BUF *err)
{
    pthread_mutex_lock(&c->lock);
    bool was_closed = c->br.open_until == 0;
    cache_breaker_result(&c->br, ok, cache_now());
    if (!ok) {
        c->st.trips++;
        if (was_closed)
            log_warning("cache %s: %s failed: %s; skipping it for %.0f s", c->be->name, what,
                        err->data, c->br.open_until - cache_now());
    } else if (!was_closed) {
        log_notice("cache %s: working again", c->be->name);
    }
    pthread_mutex_unlock(&c->lock);
}

/* refresh_ioc - fetch the imported IOC set when its generation changed (one caller) */
static void refresh_ioc(CACHE *c, long long gen, double budget_ms)
{
    pthread_mutex_lock(&c->lock);
    bool go = gen != c->ioc_gen && !c->ioc_fetching;
    if (go)
        c->ioc_fetching = true;
    pthread_mutex_unlock(&c->lock);
    if (!go)
        return;
    IOCSET *s = ioc_new();
    BUF *err = buf_new(64);
    long long got = gen;
    int rc = c->be->ioc_fetch(c->h, s, &got, budget_ms, err);
    IOCSNAP *old = NULL;
    IOCSNAP *snap = NULL;
    if (rc == 0) {
        snap = xcalloc(1, sizeof(*snap));
        snap->set = s;
        snap->refs = 1;
        log_info("cache %s: %zu imported IOC hashes (generation %lld)", c->be->name, ioc_count(s),
                 got);
    } else {
        log_warning("cache %s: IOC fetch failed: %s", c->be->name, err->data);
        ioc_free(s);
    }
    pthread_mutex_lock(&c->lock);
    c->ioc_fetching = false;
    if (snap) {
        old = c->ioc;
        c->ioc = snap;
        snap->next = c->snaps;
        c->snaps = snap;
        c->ioc_gen = got;
    }
    pthread_mutex_unlock(&c->lock);
    if (old)
        cache_ioc_release(c, old->set);
    buf_free(err);
}

/* cache_lookup - values and prevalence of n parts in one round trip (see cache.h) */
int cache_lookup(CACHE *c, CACHE_Q *q, size_t n, double budget_ms)
{
    for (size_t i = 0; i < n; i++) {
        q[i].val = NULL;
        q[i].len = 0;
        q[i].bad = false;
        q[i].seen = 0;
    }
    if (!enter(c))
        return -1;
    BUF *err = buf_new(64);
    long long gen = 0;
    double t0 = cache_now();
    int rc = c->be->lookup(c->h, q, n, &gen, budget_ms, err);
    leave(c, rc == 0, "lookup", err);
    pthread_mutex_lock(&c->lock);
    c->st.lookups += n;
    if (rc != 0)
        c->st.errors++;
    pthread_mutex_unlock(&c->lock);
    buf_free(err);
    double left = budget_ms - (cache_now() - t0) * 1e3;
    if (rc == 0 && left >= 1)
        refresh_ioc(c, gen, left);
    return rc;
}

/* cache_store - values and sightings, pipelined (see cache.h) */
int cache_store(CACHE *c, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
                double budget_ms)
{
    if (np == 0 && ns == 0)
        return 0;
    if (budget_ms < 1 || !enter(c))
        return -1;
    BUF *err = buf_new(64);
    int rc = c->be->store(c->h, p, np, s, ns, budget_ms, err);
    leave(c, rc == 0, "store", err);
    pthread_mutex_lock(&c->lock);
    if (rc == 0)
        c->st.stores += np;
    else
        c->st.store_errors++;
    pthread_mutex_unlock(&c->lock);
    buf_free(err);
    return rc;
}

/* cache_pipeline - raw commands to a shared backend in one round trip (see cache.h) */
int cache_pipeline(CACHE *c, CACHE_CMD *cmds, size_t n, double budget_ms)
{
    for (size_t i = 0; i < n; i++) {
        cmds[i].type = CACHE_R_NONE;
        cmds[i].num = 0;
        cmds[i].str = NULL;
    }
    if (c == NULL || c->be->pipeline == NULL || n == 0 || budget_ms < 1 || !enter(c))
        return -1;
    BUF *err = buf_new(64);
    int rc = c->be->pipeline(c->h, cmds, n, budget_ms, err);
    leave(c, rc == 0, "pipeline", err);
    if (rc != 0) {
        pthread_mutex_lock(&c->lock);
        c->st.errors++;
        pthread_mutex_unlock(&c->lock);
    }
    buf_free(err);
    return rc;
}

/* cache_cmd_clear - free the replies of cache_pipeline */
void cache_cmd_clear(CACHE_CMD *cmds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cmds[i].str);
        cmds[i].str = NULL;
    }
}

/* cache_key_prefix - cache_prefix of the handle's config */
const char *cache_key_prefix(const CACHE *c)
{
    return c ? c->cc.prefix : "fm";
}

/* cache_count - add per-message results to the counters (cache_msg.c) */
void cache_count(CACHE *c, unsigned hits, unsigned misses, unsigned corrupt)
{
    pthread_mutex_lock(&c->lock);
    c->st.hits += hits;
    c->st.misses += misses;
    c->st.corrupt += corrupt;
    pthread_mutex_unlock(&c->lock);
}

/* cache_ioc_acquire - the imported IOC set with one more reference, or NULL */
IOCSET *cache_ioc_acquire(CACHE *c)
{
    if (c == NULL)
        return NULL;
    pthread_mutex_lock(&c->lock);
    IOCSET *s = NULL;
    if (c->ioc) {
        c->ioc->refs++;
        s = c->ioc->set;
    }
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* cache_ioc_release - drop a reference; the last one of a replaced set frees it */
void cache_ioc_release(CACHE *c, IOCSET *s)
{
    if (c == NULL || s == NULL)
        return;
    IOCSNAP *gone = NULL;
    pthread_mutex_lock(&c->lock);
    for (IOCSNAP **pp = &c->snaps; *pp; pp = &(*pp)->next) {
        if ((*pp)->set == s) {
            if (--(*pp)->refs == 0) {
                gone = *pp;
                *pp = gone->next;
                if (c->ioc == gone)
                    c->ioc = NULL;
            }
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (gone) {
        ioc_free(gone->set);
        free(gone);
    }
}

/* cache_ioc_import - add hashes to the shared imported set (fileless-ctl) */
int cache_ioc_import(CACHE *c, const IOCSET *s, BUF *err)
{
    return c->be->ioc_import(c->h, s, err);
}

/* cache_ioc_remove - drop one imported hash; -1 when unknown or on failure */
int cache_ioc_remove(CACHE *c, const char *hash, BUF *err)
{
    return c->be->ioc_remove(c->h, hash, err);
}

/* cache_ioc_list - the imported set, fetched now */
int cache_ioc_list(CACHE *c, IOCSET *into, BUF *err)
{
    long long gen = 0;
    return c->be->ioc_fetch(c->h, into, &gen, (double)c->cc.connect_ms + 10000.0, err);
}

/* cache_where - prevalence of a SHA-256, SHA-1 or MD5 */
int cache_where(CACHE *c, const char *hash, CACHE_PREV *out, BUF *err)
{
    memset(out, 0, sizeof(*out));
    return c->be->where(c->h, hash, out, err);
}

/* cache_prev_clear - free what cache_where filled in */
void cache_prev_clear(CACHE_PREV *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->entries[i]);
    free(p->entries);
    memset(p, 0, sizeof(*p));
}

/* cache_flush - delete the part values of one ruleset (or of all), never anything else */
int cache_flush(CACHE *c, const char *ruleset_id, size_t *deleted, BUF *err)
{
    char *pattern =
        xasprintf("%s:%s:%s:part:*", c->cc.prefix, CACHE_SCHEMA, ruleset_id ? ruleset_id : "*");
    int rc = c->be->flush(c->h, pattern, deleted, err);
    free(pattern);
    return rc;
}

/* cache_info - backend statistics as "key: value" lines */
int cache_info(CACHE *c, BUF *out, BUF *err)
{
    buf_printf(out, "backend: %s\n", c->be->name);
    return c->be->info(c->h, out, err);
}
