/*
 * scan/urlrep - block-list lookups of a message's URLs (see scan/urlrep.h); prevalence is
 * in urlprev.c
 *
 * Questions are deduplicated by name (c-ares 1.18 merges nothing) and bounded by
 * dns_max_queries. A question's life: NEW, then cached (memory, then Redis) or SENT, then
 * DONE in the c-ares callback or by dns_close at the deadline (DNS_TIMEOUT). Questions are
 * separate allocations because the callback holds a pointer while the array grows.
 * Everything runs in the message's own thread with its own c-ares channel.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "lib/clock.h"
#include "lib/str.h"
#include "lib/words.h"
#include "lib/xalloc.h"
#include "mime/redirect.h"
#include "scan/dns.h"
#include "scan/regdom.h"
#include "scan/urlrep.h"
#include "scan/urlrep_int.h"

#define NAME_MAX_LEN 253
#define DETAIL_URL   160

static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static CACHE_LRU *mem; /* process-wide answers, created on first use */

/* mem_cache - the in-process answer cache (dns_cache_entries, at most 256 bytes each) */
static CACHE_LRU *mem_cache(const CONFIG *c)
{
    pthread_mutex_lock(&mem_lock);
    if (mem == NULL)
        mem =
            cache_memory_lru_new((size_t)c->dns_cache_entries, (size_t)c->dns_cache_entries * 256);
    CACHE_LRU *l = mem;
    pthread_mutex_unlock(&mem_lock);
    return l;
}

/* urlrep_answer_text - "nx" or "127.0.1.2,127.0.0.8": the cached form of an answer */
void urlrep_answer_text(const RQ *q, BUF *out)
{
    buf_reset(out);
    if (q->status == DNS_NXDOMAIN)
        buf_puts(out, "nx");
    for (size_t i = 0; q->status == DNS_OK && i < q->na; i++)
        buf_printf(out, "%s%u.%u.%u.%u", i ? "," : "", q->a[i] >> 24, (q->a[i] >> 16) & 255,
                   (q->a[i] >> 8) & 255, q->a[i] & 255);
}

/* answer_parse - a cached answer back into q; false when malformed */
static bool answer_parse(RQ *q, const char *s, size_t n)
{
    char tmp[DNS_MAX_A * 16 + 1];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    q->na = 0;
    if (strcmp(tmp, "nx") == 0) {
        q->status = DNS_NXDOMAIN;
        return true;
    }
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        struct in_addr a;
        if (q->na == DNS_MAX_A || inet_pton(AF_INET, t, &a) != 1)
            return false;
        q->a[q->na++] = ntohl(a.s_addr);
    }
    q->status = DNS_OK;
    return q->na > 0;
}

/* allowed - the host is allow-listed: never looked up */
static bool allowed(const URLREP *r, const char *host)
{
    if (lists_domain_in(r->rs->lists, LIST_ALLOW_DOMAINS, host))
        return true;
    return uribl_allowed(r->rs->uribl, host); /* uribl_allow_domains, parsed at load */
}

/* reversed - the reversed-address name of an IP literal (IPv4 octets, IPv6 nibbles) */
static bool reversed(const char *ip, BUF *out)
{
    unsigned char a[16];
    buf_reset(out);
    if (inet_pton(AF_INET, ip, a) == 1) {
        buf_printf(out, "%u.%u.%u.%u", a[3], a[2], a[1], a[0]);
        return true;
    }
    if (inet_pton(AF_INET6, ip, a) != 1)
        return false;
    for (int i = 15; i >= 0; i--)
        buf_printf(out, "%s%x.%x", i == 15 ? "" : ".", a[i] & 15, a[i] >> 4);
    return true;
}

/* urlrep_first_place - where[0] less its source word ("1.2 href" -> "1.2"), xmalloc'd */
char *urlrep_first_place(const URL *u)
{
    const char *w = u->nwhere ? u->where[0] : "message";
    const char *sp = strrchr(w, ' ');
    return sp ? xstrndup(w, (size_t)(sp - w)) : xstrdup(w);
}

/* question - add the question name.zone (deduplicated, bounded) */
static void question(URLREP *r, size_t zone, const char *subject, const URL *u)
{
    const char *z = r->rs->uribl->v[zone].zone;
    if (strlen(subject) + 1 + strlen(z) > NAME_MAX_LEN)
        return;
    char *name = xasprintf("%s.%s", subject, z);
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->q[i]->name, name) == 0) {
            free(name);
            return;
        }
    }
    if (r->n >= (size_t)r->rs->cfg->dns_max_queries) {
        r->over++;
        free(name);
        return;
    }
    RQ *q = xcalloc(1, sizeof(*q));
    q->r = r;
    q->name = name;
    q->zone = zone;
    q->subject = xstrdup(subject);
    q->loc = urlrep_first_place(u);
    q->url = xstrdup(u->raw ? u->raw : u->normalized);
    q->redirect = u->nwhere && str_iends(u->where[0], " redirect");
    r->q = xgrow(r->q, &r->cap, r->n + 1, sizeof(RQ *));
    r->q[r->n++] = q;
    r->m->dns.questions++;
}

/* collect - the questions of URLs set->v[from..] */
static void collect(URLREP *r, size_t from)
{
    const URIBL_ZONES *zs = r->rs->uribl;
    BUF *b = buf_new(64);
    for (size_t i = from; i < r->m->urls->n; i++) {
        const URL *u = r->m->urls->v[i];
        if (u == NULL || u->host == NULL || *u->host == 0 || allowed(r, u->host))
            continue;
        char rd[256];
        bool has_rd = u->ip == NULL && regdom_of(u->host, rd, sizeof(rd));
        for (size_t z = 0; z < zs->n; z++) {
            int k = zs->v[z].kind;
            if (k == URIBL_K_IP && u->ip && reversed(u->ip, b))
                question(r, z, b->data, u);
            else if (k == URIBL_K_DOMAIN && has_rd)
                question(r, z, rd, u);
            else if (k == URIBL_K_HOST && u->ip == NULL && strchr(u->host, '.'))
                question(r, z, u->host, u);
        }
    }
    buf_free(b);
}

/* from_caches - answer NEW questions from memory, then Redis (one round trip) */
static void from_caches(URLREP *r)
{
    const CONFIG *c = r->rs->cfg;
    if (c->dns_cache_ttl == 0)
        return;
    CACHE_LRU *l = mem_cache(c);
    size_t nk = 0;
    RQ **ask = xcalloc(r->n + 1, sizeof(RQ *));
    for (size_t i = 0; i < r->n; i++) {
        RQ *q = r->q[i];
        if (q->state != RQ_NEW)
            continue;
        unsigned char *v = NULL;
        size_t len = 0;
        if (cache_memory_lru_get(l, q->name, cache_now(), &v, &len) &&
            answer_parse(q, (char *)v, len))
            q->state = RQ_CACHED;
        else
            ask[nk++] = q;
        free(v);
    }
    if (nk && r->redis) {
        CACHE_CMD *cmd = xcalloc(nk, sizeof(*cmd));
        char **keys = xcalloc(nk, sizeof(char *));
        for (size_t i = 0; i < nk; i++) {
            keys[i] = xasprintf("%s:dns:%s", cache_key_prefix(r->cache), ask[i]->name);
            cmd[i].argv[0] = "GET";
            cmd[i].argv[1] = keys[i];
            cmd[i].argc = 2;
        }
        if (cache_pipeline(r->cache, cmd, nk, r->redis_budget) == 0) {
            for (size_t i = 0; i < nk; i++) {
                if (cmd[i].type == CACHE_R_STR && cmd[i].str &&
                    answer_parse(ask[i], cmd[i].str, strlen(cmd[i].str))) {
                    ask[i]->state = RQ_CACHED;
                    ask[i]->to_memory = true;
                }
            }
        }
        cache_cmd_clear(cmd, nk);
        for (size_t i = 0; i < nk; i++)
            free(keys[i]);
        free(keys);
        free(cmd);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->q[i]->state == RQ_CACHED && !r->q[i]->counted) {
            r->q[i]->counted = true;
            r->m->dns.cached++;
        }
    free(ask);
}

/* on_answer - a DNS answer (or its cancellation at the deadline) */
static void on_answer(void *arg, int status, const uint32_t *a, size_t n)
{
    RQ *q = arg;
    q->state = RQ_DONE;
    q->status = status;
    q->na = n < DNS_MAX_A ? n : DNS_MAX_A;
    memcpy(q->a, a, q->na * sizeof(uint32_t));
    if (status != DNS_TIMEOUT)
        q->r->m->dns.answered++;
    q->fresh = status == DNS_OK || status == DNS_NXDOMAIN;
}

/* send_new - send the NEW questions; true when any was sent */
static bool send_new(URLREP *r)
{
    bool any = false;
    for (size_t i = 0; i < r->n; i++) {
        RQ *q = r->q[i];
        if (q->state != RQ_NEW)
            continue;
        if (r->dns == NULL && !r->dns_failed) {
            BUF *err = buf_new(64);
            r->dns = dns_open(r->rs->cfg->dns_server, (int)r->rs->cfg->dns_timeout, err);
            if (r->dns == NULL) {
                log_warning("ref=%s url reputation: %s", r->m->ref, err->data);
                r->dns_failed = true;
            }
            buf_free(err);
        }
        if (r->dns == NULL) {
            q->state = RQ_DONE;
            q->status = DNS_ERROR;
            continue;
        }
        if (r->first_sent == 0)
            r->first_sent = now_ms();
        q->state = RQ_SENT;
        r->m->dns.sent++;
        dns_query_a(r->dns, q->name, on_answer, q);
        any = true;
    }
    return any;
}

/* round - unwrap, ask and send for the URLs found since the last round */
static bool round_of(URLREP *r)
{
    const CONFIG *c = r->rs->cfg;
    size_t from = r->urls_done;
    r->urls_done = url_unwrap_set(r->m->urls, from, r->rs->lists, (int)c->url_unwrap_depth);
    if (r->rs->uribl == NULL || r->rs->uribl->n == 0)
        return false;
    collect(r, from);
    from_caches(r);
    return send_new(r);
}

/* urlrep_begin - the questions of the parsed message, sent (see scan/urlrep.h) */
URLREP *urlrep_begin(MSG *m, const RULESET *rs, CACHE *cache)
{
    URLREP *r = xcalloc(1, sizeof(*r));
    r->m = m;
    r->rs = rs;
    r->cache = cache;
    r->redis = cache && strcmp(cache_name(cache), "redis") == 0;
    r->redis_budget = cache && r->redis ? cache_timeout_ms(cache) / 2 : 0;
    round_of(r);
    return r;
}

/* urlrep_poll - take the answers that are ready, without waiting */
void urlrep_poll(URLREP *r)
{
    if (r && r->dns && dns_pending(r->dns))
        dns_run(r->dns, 0);
}

/* report - the findings of one answered question */
static void report(URLREP *r, RQ *q, size_t *fails, BUF *b)
{
    const URIBL_ZONE *z = &r->rs->uribl->v[q->zone];
    if (q->state != RQ_DONE && q->state != RQ_CACHED)
        return;
    if (q->status == DNS_TIMEOUT) {
        fails[q->zone * 2]++;
        r->m->dns.timeouts++;
        return;
    }
    if (q->status != DNS_OK && q->status != DNS_NXDOMAIN) {
        fails[q->zone * 2 + 1]++;
        r->m->dns.errors++;
        return;
    }
    if (q->status != DNS_OK)
        return;
    unsigned cats = uribl_classify(z, q->a, q->na);
    urlrep_answer_text(q, b);
    if ((cats & URIBL_LISTING_MASK) == 0 && (cats & (1u << URIBL_C_ERROR))) {
        fails[q->zone * 2 + 1]++;
        r->m->dns.errors++;
        return;
    }
    if (cats & URIBL_LISTING_MASK)
        r->m->dns.listed++;
    for (int cat = 0; cat < URIBL_C_ERROR; cat++) {
        if (!(cats & (1u << cat)))
            continue;
        HIT *h = hits_add(r->m->hits, uribl_symbol(cat), q->loc, "%s listed in %s (%s %s)%s: %.*s",
                          q->subject, z->zone, b->data, uribl_cat_name(cat),
                          q->redirect ? ", behind a redirect" : "", DETAIL_URL, q->url);
        if (h && z->has_weight) {
            h->preset = z->weight;
            h->has_preset = true;
        }
    }
}

/* report_all - every question's findings, then per zone the lookups without an answer */
static void report_all(URLREP *r, double waited_for)
{
    const URIBL_ZONES *zs = r->rs->uribl;
    size_t *fails = xcalloc(zs->n * 2 + 1, sizeof(size_t));
    size_t *asked = xcalloc(zs->n + 1, sizeof(size_t));
    BUF *b = buf_new(64);
    for (size_t i = 0; i < r->n; i++) {
        report(r, r->q[i], fails, b);
        asked[r->q[i]->zone]++;
    }
    for (size_t z = 0; z < zs->n; z++) {
        if (fails[z * 2])
            hits_add(r->m->hits, "URIBL_TIMEOUT", "message",
                     "%zu of %zu lookups in %s unanswered after %.0f ms", fails[z * 2], asked[z],
                     zs->v[z].zone, waited_for);
        if (fails[z * 2 + 1])
            hits_add(r->m->hits, "URIBL_ERROR", "message",
                     "%zu of %zu lookups in %s failed (SERVFAIL, REFUSED or an error code)",
                     fails[z * 2 + 1], asked[z], zs->v[z].zone);
    }
    if (r->over)
        hits_add(r->m->hits, "URIBL_LIMIT", "message",
                 "%zu block-list questions over dns_max_queries (%lld) not asked", r->over,
                 (long long)r->rs->cfg->dns_max_queries);
    buf_free(b);
    free(fails);
    free(asked);
}

/* store_memory - fresh answers (and Redis ones) into the in-process cache */
static void store_memory(URLREP *r)
{
    const CONFIG *c = r->rs->cfg;
    if (c->dns_cache_ttl == 0)
        return;
    CACHE_LRU *l = mem_cache(c);
    BUF *b = buf_new(64);
    for (size_t i = 0; i < r->n; i++) {
        RQ *q = r->q[i];
        if (!q->fresh && !q->to_memory)
            continue;
        urlrep_answer_text(q, b);
        cache_memory_lru_put(l, q->name, b->data, b->len, cache_now() + (double)c->dns_cache_ttl);
    }
    buf_free(b);
}

/* urlrep_end - the last questions, the wait, the findings, the stores (see urlrep.h) */
void urlrep_end(URLREP *r)
{
    if (r == NULL)
        return;
    const CONFIG *c = r->rs->cfg;
    double t0 = now_ms();
    bool late = round_of(r);
    double until = (late ? t0 : r->first_sent) + (double)c->dns_timeout;
    if (r->m->deadline_ms > 0 && until > r->m->deadline_ms)
        until = r->m->deadline_ms;
    urlrep_poll(r); /* what arrived during a long scan counts even past the deadline */
    if (r->dns && dns_pending(r->dns) && until > now_ms())
        dns_run(r->dns, until);
    r->dns = dns_close(r->dns); /* what is left: DNS_TIMEOUT */
    r->m->dns.wait_ms = now_ms() - t0;
    if (r->rs->uribl && r->rs->uribl->n) {
        report_all(r, r->first_sent ? now_ms() - r->first_sent : 0);
        store_memory(r);
    }
    urlprev_store(r); /* Redis: fresh answers and URL prevalence, one round trip */
    log_debug(LOG_D_URL,
              "ref=%s dns questions=%u cached=%u sent=%u answered=%u timeouts=%u errors=%u "
              "listed=%u wait_ms=%.1f",
              r->m->ref, r->m->dns.questions, r->m->dns.cached, r->m->dns.sent, r->m->dns.answered,
              r->m->dns.timeouts, r->m->dns.errors, r->m->dns.listed, r->m->dns.wait_ms);
}

/* urlrep_free - release; accepts NULL, returns NULL */
URLREP *urlrep_free(URLREP *r)
{
    if (r == NULL)
        return NULL;
    r->dns = dns_close(r->dns);
    for (size_t i = 0; i < r->n; i++) {
        free(r->q[i]->name);
        free(r->q[i]->subject);
        free(r->q[i]->loc);
        free(r->q[i]->url);
        free(r->q[i]);
    }
    free(r->q);
    free(r);
    return NULL;
}
