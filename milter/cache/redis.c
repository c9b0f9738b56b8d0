/*
 * cache/redis - the shared cache backend over hiredis 0.14 (the only includer of hiredis.h)
 *
 * SYNOPSIS
 *   extern const CACHE_BACKEND cache_redis_backend;
 *
 * DESCRIPTION
 *   Keys (prefix = cache_prefix):
 *     <prefix>:<schema>:<ruleset id>:part:<sha256>   part value (cache_value.c), EX ttl
 *     <prefix>:prev:<sha256>        hash: first, last, count, sha1, md5   (EXPIRE prevalence_ttl)
 *     <prefix>:seen:<sha256>        list of sightings, newest first, LTRIM to prevalence_messages
 *     <prefix>:alias:<sha1|md5>     the SHA-256 (for `where` and --hunt with other hash kinds)
 *     <prefix>:ioc                  hash: imported IOC hash -> name
 *     <prefix>:ioc:gen              incremented by every import and remove
 *     <prefix>:dns:..., <prefix>:url:...   URL reputation (scan/urlrep.c, via r_pipeline)
 *
 *   Connections: a locked pool. A caller checks a context out (or connects one: the
 *   endpoints of `redis` are tried in order, starting with the last one that worked),
 *   pipelines its commands, and checks it back in; a context that saw any error is freed
 *   instead (hiredis errors are sticky), so the next checkout reconnects. Every connect
 *   runs redisSetTimeout, AUTH and SELECT again (hiredis 0.14 forgets the command timeout
 *   on reconnect), and before every pipeline the socket timeouts are set to the caller's
 *   remaining budget, so one message never waits longer than redis_timeout. Reading a
 *   value uses GETRANGE 0 CACHE_VALUE_MAX: a huge value planted under our key costs at
 *   most that many bytes. The process ignores SIGPIPE (daemon, -t and fileless-ctl set
 *   it): a write to a dead server is an EPIPE error, not a dead milter.
 *
 *   hiredis replies never leave this file: values are copied into the caller's structs.
 */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cache/cache.h"
#include "lib/xalloc.h"

#define POOL_IDLE_MAX 64
#define ADMIN_MS      10000.0 /* fileless-ctl operations */
#define SCAN_COUNT    "1000"

typedef struct REDIS {
    const CACHE_CONF *cc;
    char **ep;
    size_t nep, pref;
    pthread_mutex_t lock;
    redisContext *idle[POOL_IDLE_MAX];
    size_t nidle;
} REDIS;

/* tv_ms - milliseconds as a timeval (at least 1 ms) */
static struct timeval tv_ms(double ms)
{
    long v = ms < 1 ? 1 : (long)ms;
    return (struct timeval){v / 1000, (v % 1000) * 1000};
}

/* connect_ep - one endpoint: unix:/path or host:port ([v6]:port) */
static redisContext *connect_ep(const char *ep, struct timeval tv, BUF *err)
{
    redisContext *c = NULL;
    if (strncmp(ep, "unix:", 5) == 0) {
        c = redisConnectUnixWithTimeout(ep + 5, tv);
    } else {
        const char *colon = strrchr(ep, ':');
        int port = colon ? atoi(colon + 1) : 6379;
        char *host = colon ? xstrndup(ep, (size_t)(colon - ep)) : xstrdup(ep);
        size_t hl = strlen(host);
        if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
            memmove(host, host + 1, hl - 2);
            host[hl - 2] = 0;
        }
        c = redisConnectWithTimeout(host, port, tv);
        free(host);
    }
    if (c == NULL || c->err) {
        buf_printf(err, "%s: %s", ep, c ? c->errstr : "cannot allocate a context");
        if (c)
            redisFree(c);
        return NULL;
    }
    return c;
}

/* command_ok - run one command during set-up; false with the reason */
static bool command_ok(redisContext *c, BUF *err, int argc, const char **argv)
{
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (!ok)
        buf_printf(err, "%s: %s", argv[0], r ? r->str : c->errstr);
    if (r)
        freeReplyObject(r);
    return ok;
}

/* setup - timeouts, keep-alive, AUTH and SELECT on a fresh connection */
static bool setup(REDIS *r, redisContext *c, double ms, BUF *err)
{
    const CACHE_CONF *cc = r->cc;
    if (redisSetTimeout(c, tv_ms(ms)) != REDIS_OK) {
        buf_printf(err, "redisSetTimeout: %s", c->errstr);
        return false;
    }
    redisEnableKeepAlive(c);
    if (cc->password[0]) {
        const char *a3[] = {"AUTH", cc->user, cc->password};
        const char *a2[] = {"AUTH", cc->password};
        if (!(cc->user[0] ? command_ok(c, err, 3, a3) : command_ok(c, err, 2, a2)))
            return false;
    }
    char db[16];
    snprintf(db, sizeof(db), "%d", cc->db);
    const char *sel[] = {"SELECT", db};
    return cc->db == 0 || command_ok(c, err, 2, sel);
}

/* checkout - an idle connection or a new one; NULL with the reason */
static redisContext *checkout(REDIS *r, double budget_ms, BUF *err)
{
    redisContext *c = NULL;
    pthread_mutex_lock(&r->lock);
    if (r->nidle)
        c = r->idle[--r->nidle];
    size_t start = r->pref;
    pthread_mutex_unlock(&r->lock);
    double ms = budget_ms < r->cc->timeout_ms ? budget_ms : r->cc->timeout_ms;
    if (c) {
        if (redisSetTimeout(c, tv_ms(ms)) == REDIS_OK)
            return c;
        redisFree(c);
    }
    double cms = budget_ms < r->cc->connect_ms ? budget_ms : r->cc->connect_ms;
    for (size_t k = 0; k < r->nep; k++) {
        size_t i = (start + k) % r->nep;
        if (k)
            buf_puts(err, "; ");
        if ((c = connect_ep(r->ep[i], tv_ms(cms), err)) == NULL)
            continue;
        if (setup(r, c, ms, err)) {
            pthread_mutex_lock(&r->lock);
            r->pref = i;
            pthread_mutex_unlock(&r->lock);
            buf_reset(err);
            return c;
        }
        redisFree(c);
        c = NULL;
    }
    return NULL;
}

/* checkin - keep a healthy connection for the next caller; free a failed one */
static void checkin(REDIS *r, redisContext *c, bool ok)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    if (ok && !c->err && r->nidle < POOL_IDLE_MAX) {
        r->idle[r->nidle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    if (c)
        redisFree(c);
}

/* append - queue one command (argv strings; lens NULL: strlen) */
static void append(redisContext *c, int argc, const char **argv, const size_t *lens)
{
    redisAppendCommandArgv(c, argc, argv, lens);
}

/* reply - the next pipelined reply, or NULL with the connection error in err */
static redisReply *reply(redisContext *c, BUF *err)
{
    void *r = NULL;
    if (redisGetReply(c, &r) != REDIS_OK || r == NULL) {
        if (err->len == 0)
            buf_printf(err, "%s", c->errstr[0] ? c->errstr : "no reply");
        return NULL;
    }
    return r;
}

/* drain - read n replies; -1 on a connection error, 1 when one was an error reply */
static int drain(redisContext *c, size_t n, BUF *err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        redisReply *r = reply(c, err);
        if (r == NULL)
            return -1;
        if (r->type == REDIS_REPLY_ERROR && rc == 0) {
            buf_printf(err, "%s", r->str);
            rc = 1;
        }
        freeReplyObject(r);
    }
    return rc;
}

/* r_open - parse the endpoint list; connections are made on demand */
static void *r_open(const CACHE_CONF *cc, BUF *err)
{
    REDIS *r = xcalloc(1, sizeof(*r));
    r->cc = cc;
    pthread_mutex_init(&r->lock, NULL);
    char *copy = xstrdup(cc->servers);
    char *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        r->ep = xrealloc(r->ep, (r->nep + 1) * sizeof(char *));
        r->ep[r->nep++] = xstrdup(t);
    }
    free(copy);
    if (r->nep == 0) {
        buf_puts(err, "redis: no endpoint");
        free(r->ep);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return NULL;
    }
    return r;
}

/* r_close - free the pool and the endpoint list */
static void r_close(void *h)
{
    REDIS *r = h;
    for (size_t i = 0; i < r->nidle; i++)
        redisFree(r->idle[i]);
    for (size_t i = 0; i < r->nep; i++)
        free(r->ep[i]);
    free(r->ep);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* key - <prefix>:<what>:<hash> (caller frees) */
static char *key(const REDIS *r, const char *what, const char *hash)
{
    return hash ? xasprintf("%s:%s:%s", r->cc->prefix, what, hash)
                : xasprintf("%s:%s", r->cc->prefix, what);
}

/* take_value - a GETRANGE reply into q (absent, bad, or a copy) */
static void take_value(CACHE_Q *q, const redisReply *x)
{
    if (x->type == REDIS_REPLY_STRING && x->len > 0) {
        q->val = xmemdup(x->str, (size_t)x->len);
        q->len = (size_t)x->len;
    } else if (x->type != REDIS_REPLY_STRING && x->type != REDIS_REPLY_NIL) {
        q->bad = true; /* a list, a hash ...: not ours */
    }
}

/* r_lookup - GETRANGE and HGET count per part, and the IOC generation: one round trip */
static int r_lookup(void *h, CACHE_Q *q, size_t n, long long *gen, double budget, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, budget, err);
    if (c == NULL)
        return -1;
    char max[32];
    snprintf(max, sizeof(max), "%d", CACHE_VALUE_MAX);
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        const char *a[] = {"GETRANGE", q[i].key, "0", max};
        append(c, 4, a, NULL);
        sent++;
        if (q[i].sha256) {
            char *k = key(r, "prev", q[i].sha256);
            const char *b[] = {"HGET", k, "count"};
            append(c, 3, b, NULL);
            sent++;
            free(k);
        }
    }
    char *gk = key(r, "ioc:gen", NULL);
    const char *g[] = {"GET", gk};
    append(c, 2, g, NULL);
    sent++;
    free(gk);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        redisReply *x = reply(c, err);
        if (x == NULL) {
            rc = -1;
        } else {
            take_value(&q[i], x);
            freeReplyObject(x);
        }
        if (rc == 0 && q[i].sha256) {
            if ((x = reply(c, err)) == NULL)
                rc = -1;
            else if (x->type == REDIS_REPLY_STRING)
                q[i].seen = atoll(x->str);
            if (x)
                freeReplyObject(x);
        }
    }
    redisReply *x = rc == 0 ? reply(c, err) : NULL;
    if (x) {
        *gen = x->type == REDIS_REPLY_STRING ? atoll(x->str) : 0;
        freeReplyObject(x);
    } else
        rc = -1;
    checkin(r, c, rc == 0);
    return rc;
}

/* append_sight - the prevalence updates of one sighting; returns commands queued */
static size_t append_sight(REDIS *r, redisContext *c, const CACHE_SIGHT *s)
{
    char when[32];
    char ttl[32];
    char max[32];
    snprintf(when, sizeof(when), "%lld", s->when);
    snprintf(ttl, sizeof(ttl), "%lld", r->cc->seen_ttl);
    snprintf(max, sizeof(max), "%zd", (ssize_t)r->cc->seen_max - 1);
    char *pk = key(r, "prev", s->sha256);
    char *sk = key(r, "seen", s->sha256);
    char *a1 = key(r, "alias", s->sha1);
    char *a2 = key(r, "alias", s->md5);
    const char *c1[] = {"HSETNX", pk, "first", when};
    const char *c2[] = {"HSET", pk, "last", when, "sha1", s->sha1, "md5", s->md5};
    const char *c3[] = {"HINCRBY", pk, "count", "1"};
    const char *c4[] = {"EXPIRE", pk, ttl};
    const char *c5[] = {"LPUSH", sk, s->entry};
    const char *c6[] = {"LTRIM", sk, "0", max};
    const char *c7[] = {"EXPIRE", sk, ttl};
    const char *c8[] = {"SET", a1, s->sha256, "EX", ttl};
    const char *c9[] = {"SET", a2, s->sha256, "EX", ttl};
    append(c, 4, c1, NULL);
    append(c, 8, c2, NULL);
    append(c, 4, c3, NULL);
    append(c, 3, c4, NULL);
    append(c, 5, c8, NULL);
    append(c, 5, c9, NULL);
    size_t k = 6;
    if (r->cc->seen_max) {
        append(c, 3, c5, NULL);
        append(c, 4, c6, NULL);
        append(c, 3, c7, NULL);
        k += 3;
    }
    free(pk);
    free(sk);
    free(a1);
    free(a2);
    return k;
}

/* r_store - SET EX per value and the sightings, pipelined */
static int r_store(void *h, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
                   double budget, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, budget, err);
    if (c == NULL)
        return -1;
    size_t sent = 0;
    for (size_t i = 0; i < np; i++) {
        char ttl[32];
        snprintf(ttl, sizeof(ttl), "%lld", p[i].ttl);
        const char *a[] = {"SET", p[i].key, p[i].val, "EX", ttl};
        size_t l[] = {3, strlen(p[i].key), p[i].len, 2, strlen(ttl)};
        append(c, 5, a, l);
        sent++;
    }
    for (size_t i = 0; i < ns; i++)
        sent += append_sight(r, c, &s[i]);
    int rc = drain(c, sent, err);
    checkin(r, c, rc >= 0);
    return rc == 0 ? 0 : -1;
}

/* r_ioc_fetch - HGETALL of the imported set with its generation */
static int r_ioc_fetch(void *h, IOCSET *into, long long *gen, double budget, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, budget, err);
    if (c == NULL)
        return -1;
    char *k = key(r, "ioc", NULL);
    char *gk = key(r, "ioc:gen", NULL);
    const char *a[] = {"GET", gk};
    const char *b[] = {"HGETALL", k};
    append(c, 2, a, NULL);
    append(c, 2, b, NULL);
    free(k);
    free(gk);
    redisReply *g = reply(c, err);
    redisReply *x = g ? reply(c, err) : NULL;
    int rc = x && x->type == REDIS_REPLY_ARRAY ? 0 : -1;
    if (rc == 0) {
        *gen = g->type == REDIS_REPLY_STRING ? atoll(g->str) : 0;
        for (size_t i = 0; i + 1 < x->elements; i += 2)
            if (x->element[i]->type == REDIS_REPLY_STRING &&
                x->element[i + 1]->type == REDIS_REPLY_STRING)
                ioc_add(into, x->element[i]->str, x->element[i + 1]->str);
    } else if (x) {
        buf_printf(err, "HGETALL: %s", x->type == REDIS_REPLY_ERROR ? x->str : "not a hash");
    }
    if (g)
        freeReplyObject(g);
    if (x)
        freeReplyObject(x);
    checkin(r, c, x != NULL);
    return rc;
}

/* r_ioc_import - HSET every hash, then INCR the generation */
static int r_ioc_import(void *h, const IOCSET *s, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, ADMIN_MS, err);
    if (c == NULL)
        return -1;
    char *k = key(r, "ioc", NULL);
    char *gk = key(r, "ioc:gen", NULL);
    size_t sent = 0;
    const char *name;
    const char *hash;
    for (size_t i = 0; (hash = ioc_at(s, i, &name)) != NULL; i++) {
        const char *a[] = {"HSET", k, hash, name};
        append(c, 4, a, NULL);
        sent++;
    }
    const char *g[] = {"INCR", gk};
    append(c, 2, g, NULL);
    sent++;
    free(k);
    free(gk);
    int rc = drain(c, sent, err);
    checkin(r, c, rc >= 0);
    return rc == 0 ? 0 : -1;
}

/* r_ioc_remove - HDEL one hash (INCR the generation when it was there) */
static int r_ioc_remove(void *h, const char *hash, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, ADMIN_MS, err);
    if (c == NULL)
        return -1;
    char *k = key(r, "ioc", NULL);
    char *gk = key(r, "ioc:gen", NULL);
    const char *a[] = {"HDEL", k, hash};
    const char *g[] = {"INCR", gk};
    redisReply *x = redisCommandArgv(c, 3, a, NULL);
    int rc = x && x->type == REDIS_REPLY_INTEGER && x->integer == 1 ? 0 : -1;
    if (rc != 0)
        buf_printf(err, "%s",
                   x == NULL                      ? c->errstr
                   : x->type == REDIS_REPLY_ERROR ? x->str
                                                  : "not imported");
    if (x)
        freeReplyObject(x);
    if (rc == 0 && !command_ok(c, err, 2, g))
        rc = -1;
    free(k);
    free(gk);
    checkin(r, c, c->err == 0);
    return rc;
}

/* fill_prev - HGETALL prev and LRANGE seen replies into out */
static void fill_prev(CACHE_PREV *out, const redisReply *hx, const redisReply *lx)
{
    for (size_t i = 0; hx->type == REDIS_REPLY_ARRAY && i + 1 < hx->elements; i += 2) {
        const char *f = hx->element[i]->str;
        const char *v = hx->element[i + 1]->str;
        if (f == NULL || v == NULL)
            continue;
        out->found = true;
        if (strcmp(f, "first") == 0)
            out->first = atoll(v);
        else if (strcmp(f, "last") == 0)
            out->last = atoll(v);
        else if (strcmp(f, "count") == 0)
            out->count = atoll(v);
        else if (strcmp(f, "sha1") == 0)
            snprintf(out->sha1, sizeof(out->sha1), "%s", v);
        else if (strcmp(f, "md5") == 0)
            snprintf(out->md5, sizeof(out->md5), "%s", v);
    }
    for (size_t i = 0; lx->type == REDIS_REPLY_ARRAY && i < lx->elements; i++) {
        if (lx->element[i]->type != REDIS_REPLY_STRING)
            continue;
        out->entries = xrealloc(out->entries, (out->n + 1) * sizeof(char *));
        out->entries[out->n++] = xstrdup(lx->element[i]->str);
    }
}

/* r_where - resolve an alias, then the prevalence hash and its sightings */
static int r_where(void *h, const char *hash, CACHE_PREV *out, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, ADMIN_MS, err);
    if (c == NULL)
        return -1;
    snprintf(out->sha256, sizeof(out->sha256), "%s", hash);
    int rc = 0;
    if (strlen(hash) != 64) {
        char *ak = key(r, "alias", hash);
        const char *a[] = {"GET", ak};
        redisReply *x = redisCommandArgv(c, 2, a, NULL);
        free(ak);
        rc = x ? 0 : -1;
        out->sha256[0] = 0;
        if (x && x->type == REDIS_REPLY_STRING && x->len == 64)
            snprintf(out->sha256, sizeof(out->sha256), "%s", x->str);
        if (x)
            freeReplyObject(x);
    }
    if (rc == 0 && out->sha256[0]) {
        char *pk = key(r, "prev", out->sha256);
        char *sk = key(r, "seen", out->sha256);
        const char *a[] = {"HGETALL", pk};
        const char *b[] = {"LRANGE", sk, "0", "-1"};
        append(c, 2, a, NULL);
        append(c, 4, b, NULL);
        free(pk);
        free(sk);
        redisReply *hx = reply(c, err);
        redisReply *lx = hx ? reply(c, err) : NULL;
        if (hx && lx)
            fill_prev(out, hx, lx);
        else
            rc = -1;
        if (hx)
            freeReplyObject(hx);
        if (lx)
            freeReplyObject(lx);
    }
    if (rc != 0 && err->len == 0)
        buf_printf(err, "%s", c->errstr);
    checkin(r, c, rc == 0);
    return rc;
}

/* r_scan - SCAN MATCH pattern; with del, UNLINK each batch; counts keys */
static int r_scan(REDIS *r, const char *pattern, bool del, size_t *count, BUF *err)
{
    redisContext *c = checkout(r, ADMIN_MS, err);
    if (c == NULL)
        return -1;
    char cursor[32] = "0";
    int rc = 0;
    *count = 0;
    do {
        const char *a[] = {"SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_COUNT};
        redisReply *x = redisCommandArgv(c, 6, a, NULL);
        if (x == NULL || x->type != REDIS_REPLY_ARRAY || x->elements != 2) {
            buf_printf(err, "SCAN: %s", x && x->type == REDIS_REPLY_ERROR ? x->str : c->errstr);
            rc = -1;
        } else {
            snprintf(cursor, sizeof(cursor), "%s", x->element[0]->str);
            const redisReply *keys = x->element[1];
            *count += keys->elements;
            if (del && keys->elements) {
                const char **argv = xcalloc(keys->elements + 1, sizeof(char *));
                argv[0] = "UNLINK";
                for (size_t i = 0; i < keys->elements; i++)
                    argv[i + 1] = keys->element[i]->str;
                rc = command_ok(c, err, (int)keys->elements + 1, argv) ? 0 : -1;
                free(argv);
            }
        }
        if (x)
            freeReplyObject(x);
    } while (rc == 0 && strcmp(cursor, "0") != 0);
    checkin(r, c, rc == 0);
    return rc;
}

/* r_flush - delete the keys matching a pattern (SCAN + UNLINK, never FLUSHDB) */
static int r_flush(void *h, const char *pattern, size_t *deleted, BUF *err)
{
    return r_scan(h, pattern, true, deleted, err);
}

/* r_info - counts of values, prevalence records and IOC hashes under our prefix */
static int r_info(void *h, BUF *out, BUF *err)
{
    REDIS *r = h;
    size_t n = 0;
    struct {
        const char *label, *what;
    } rows[] = {{"values", CACHE_SCHEMA ":*:part:*"}, {"prevalence", "prev:*"}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *pat = xasprintf("%s:%s", r->cc->prefix, rows[i].what);
        int rc = r_scan(r, pat, false, &n, err);
        free(pat);
        if (rc != 0)
            return -1;
        buf_printf(out, "%s: %zu\n", rows[i].label, n);
    }
    IOCSET *s = ioc_new();
    long long gen = 0;
    int rc = r_ioc_fetch(r, s, &gen, ADMIN_MS, err);
    if (rc == 0)
        buf_printf(out, "ioc: %zu (generation %lld)\nservers: %s\n", ioc_count(s), gen,
                   r->cc->servers);
    ioc_free(s);
    return rc;
}

/* r_pipeline - raw commands in one round trip, replies copied (see cache.h) */
static int r_pipeline(void *h, CACHE_CMD *cmds, size_t n, double budget, BUF *err)
{
    REDIS *r = h;
    redisContext *c = checkout(r, budget, err);
    if (c == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        append(c, cmds[i].argc, cmds[i].argv, NULL);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        redisReply *x = reply(c, err);
        if (x == NULL) {
            rc = -1;
            break;
        }
        CACHE_CMD *k = &cmds[i];
        k->type = x->type == REDIS_REPLY_NIL                                       ? CACHE_R_NIL
                  : x->type == REDIS_REPLY_INTEGER                                 ? CACHE_R_INT
                  : x->type == REDIS_REPLY_ERROR                                   ? CACHE_R_ERR
                  : x->type == REDIS_REPLY_STRING || x->type == REDIS_REPLY_STATUS ? CACHE_R_STR
                                                                                   : CACHE_R_OTHER;
        k->num = x->type == REDIS_REPLY_INTEGER ? x->integer : 0;
        if ((k->type == CACHE_R_STR || k->type == CACHE_R_ERR) && x->str)
            k->str = xstrndup(x->str, x->len < CACHE_VALUE_MAX ? x->len : CACHE_VALUE_MAX);
        freeReplyObject(x);
    }
    checkin(r, c, rc == 0);
    return rc;
}

const CACHE_BACKEND cache_redis_backend = {
    "redis",      r_open,       r_close, r_lookup, r_store, r_ioc_fetch,
    r_ioc_import, r_ioc_remove, r_where, r_flush,  r_info,  r_pipeline,
};
