/*
 * scan/urlprev - campaign prevalence of URLs in Redis, and the Redis half of the DNS
 * answer cache (see scan/urlrep.h)
 *
 * One pipeline per message at its end: SET EX of the fresh block-list answers, then per
 * URL (http, https, ftp with a host, not allow-listed, at most url_prevalence_max):
 *   SET url:first:<id> NOW NX EX ttl, GET it, EXPIRE it      first sighting, kept alive
 *   HSET url:info:<id> url U last NOW, HINCRBY count, EXPIRE  for `fileless-ctl where URL`
 *   PFADD url:m:<id>:<slot> REF, PFADD url:s:<id>:<slot> SENDER (+ EXPIRE window + slot)
 *   PFCOUNT of the last URLREP_SLOTS slots of each           messages and senders in window
 * A slot is a sixth of url_prevalence_window; HyperLogLogs cost at most 12 KB each however
 * many messages they count, and expire with the window, so memory is bounded per URL.
 * The sender is the envelope sender, or the From header without one (-t).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/digest.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "scan/urlrep_int.h"

#define INFO_URL_MAX 512

typedef struct PIPE {
    CACHE_CMD *c;
    size_t n, cap;
    char **own; /* strings the commands point to */
    size_t nown, capown;
} PIPE;

/* keep - a string owned by the pipe (freed with it) */
static const char *keep(PIPE *p, char *s)
{
    p->own = xgrow(p->own, &p->capown, p->nown + 1, sizeof(char *));
    p->own[p->nown++] = s;
    return s;
}

/* cmd - append a command of argc strings */
static CACHE_CMD *cmd(PIPE *p, int argc, const char *const *argv)
{
    p->c = xgrow(p->c, &p->cap, p->n + 1, sizeof(CACHE_CMD));
    CACHE_CMD *k = &p->c[p->n++];
    memset(k, 0, sizeof(*k));
    for (int i = 0; i < argc && i < CACHE_CMD_ARGS; i++)
        k->argv[i] = argv[i];
    k->argc = argc < CACHE_CMD_ARGS ? argc : CACHE_CMD_ARGS;
    return k;
}

/* urlrep_url_id - 32 hex digits of the SHA-256 of the normalized URL (see urlrep.h) */
char *urlrep_url_id(const char *url)
{
    URL *u = url ? url_parse(url, strlen(url)) : NULL;
    if (u == NULL)
        return NULL;
    char hex[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(u->normalized, strlen(u->normalized), hex);
    url_free(u);
    return xstrndup(hex, 32);
}

/* urlrep_key - one prevalence key (see urlrep.h) */
char *urlrep_key(const char *prefix, const char *kind, const char *id, long long slot)
{
    if (slot < 0)
        return xasprintf("%s:url:%s:%s", prefix, kind, id);
    return xasprintf("%s:url:%s:%s:%lld", prefix, kind, id, slot);
}

/* urlrep_slot - the slot of now: a URLREP_SLOTS-th of window (see urlrep.h) */
long long urlrep_slot(long long now, long long window)
{
    long long len = window / URLREP_SLOTS;
    return now / (len > 0 ? len : 1);
}

/* counted - a URL whose prevalence is counted */
static bool counted(const URLREP *r, const URL *u)
{
    return u && u->host && *u->host && u->scheme &&
           (strcmp(u->scheme, "http") == 0 || strcmp(u->scheme, "https") == 0 ||
            strcmp(u->scheme, "ftp") == 0) &&
           !lists_domain_in(r->rs->lists, LIST_ALLOW_DOMAINS, u->host);
}

typedef struct PURL {
    const URL *u;
    size_t first;   /* index of its GET url:first reply */
    size_t msgs;    /* ... of its PFCOUNT of messages */
    size_t senders; /* ... of its PFCOUNT of senders */
} PURL;

/* prevalence - the commands of one URL */
static void prevalence(URLREP *r, PIPE *p, PURL *pu, const char *sender, long long now)
{
    const CONFIG *c = r->rs->cfg;
    const char *pre = cache_key_prefix(r->cache);
    char hex[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(pu->u->normalized, strlen(pu->u->normalized), hex);
    hex[32] = 0;
    long long slot_len = c->url_prevalence_window / URLREP_SLOTS;
    long long slot = urlrep_slot(now, c->url_prevalence_window);
    const char *nows = keep(p, xasprintf("%lld", now));
    const char *ttl = keep(p, xasprintf("%lld", (long long)c->prevalence_ttl));
    const char *wttl = keep(p, xasprintf("%lld", (long long)c->url_prevalence_window + slot_len));
    const char *fk = keep(p, urlrep_key(pre, "first", hex, -1));
    const char *ik = keep(p, urlrep_key(pre, "info", hex, -1));
    const char *mk = keep(p, urlrep_key(pre, "m", hex, slot));
    const char *sk = keep(p, urlrep_key(pre, "s", hex, slot));
    const char *shown = keep(p, str_sanitize_dup(pu->u->normalized, INFO_URL_MAX));
    cmd(p, 6, (const char *[]){"SET", fk, nows, "NX", "EX", ttl});
    pu->first = p->n;
    cmd(p, 2, (const char *[]){"GET", fk});
    cmd(p, 3, (const char *[]){"EXPIRE", fk, ttl});
    cmd(p, 6, (const char *[]){"HSET", ik, "url", shown, "last", nows});
    cmd(p, 4, (const char *[]){"HINCRBY", ik, "count", "1"});
    cmd(p, 3, (const char *[]){"EXPIRE", ik, ttl});
    cmd(p, 3, (const char *[]){"PFADD", mk, r->m->ref});
    cmd(p, 3, (const char *[]){"EXPIRE", mk, wttl});
    cmd(p, 3, (const char *[]){"PFADD", sk, sender});
    cmd(p, 3, (const char *[]){"EXPIRE", sk, wttl});
    const char *ma[URLREP_SLOTS + 1] = {"PFCOUNT"};
    const char *sa[URLREP_SLOTS + 1] = {"PFCOUNT"};
    for (int i = 0; i < URLREP_SLOTS; i++) {
        ma[i + 1] = keep(p, urlrep_key(pre, "m", hex, slot - i));
        sa[i + 1] = keep(p, urlrep_key(pre, "s", hex, slot - i));
    }
    pu->msgs = p->n;
    cmd(p, URLREP_SLOTS + 1, ma);
    pu->senders = p->n;
    cmd(p, URLREP_SLOTS + 1, sa);
}

/* burst - URL_BURST when the replies of one URL show a new URL many senders carry */
static void burst(URLREP *r, const PIPE *p, const PURL *pu, long long now)
{
    const CONFIG *c = r->rs->cfg;
    const CACHE_CMD *f = &p->c[pu->first];
    const CACHE_CMD *mc = &p->c[pu->msgs];
    const CACHE_CMD *sc = &p->c[pu->senders];
    if (f->type != CACHE_R_STR || f->str == NULL || mc->type != CACHE_R_INT ||
        sc->type != CACHE_R_INT || c->url_burst_senders == 0)
        return;
    long long first = atoll(f->str);
    if (first < now - c->url_prevalence_window || sc->num < c->url_burst_senders)
        return;
    char *loc = urlrep_first_place(pu->u);
    hits_add(r->m->hits, "URL_BURST", loc,
             "first seen %lld s ago, then %lld messages from %lld senders within %lld s: %.160s",
             now - first, mc->num, sc->num, (long long)c->url_prevalence_window,
             pu->u->raw ? pu->u->raw : pu->u->normalized);
    free(loc);
}

/* urlprev_store - fresh answers and URL prevalence in one round trip (see file comment) */
void urlprev_store(URLREP *r)
{
    if (!r->redis)
        return;
    const CONFIG *c = r->rs->cfg;
    PIPE p = {0};
    BUF *b = buf_new(64);
    const char *pre = cache_key_prefix(r->cache);
    const char *dttl = keep(&p, xasprintf("%lld", (long long)c->dns_cache_ttl));
    for (size_t i = 0; c->dns_cache_ttl > 0 && i < r->n; i++) {
        if (!r->q[i]->fresh)
            continue;
        urlrep_answer_text(r->q[i], b);
        const char *k = keep(&p, xasprintf("%s:dns:%s", pre, r->q[i]->name));
        cmd(&p, 5, (const char *[]){"SET", k, keep(&p, xstrdup(b->data)), "EX", dttl});
    }
    long long now = (long long)time(NULL);
    const char *sender = r->m->sender && *r->m->sender ? r->m->sender
                         : r->m->hdr.from              ? r->m->hdr.from
                                                       : "-";
    sender = keep(&p, str_sanitize_dup(sender, 256));
    PURL *pu = xcalloc((size_t)c->url_prevalence_max + 1, sizeof(PURL));
    size_t npu = 0;
    for (size_t i = 0; i < r->m->urls->n && npu < (size_t)c->url_prevalence_max; i++) {
        if (!counted(r, r->m->urls->v[i]))
            continue;
        pu[npu].u = r->m->urls->v[i];
        prevalence(r, &p, &pu[npu++], sender, now);
    }
    if (p.n && cache_pipeline(r->cache, p.c, p.n, r->redis_budget) == 0)
        for (size_t i = 0; i < npu; i++)
            burst(r, &p, &pu[i], now);
    cache_cmd_clear(p.c, p.n);
    for (size_t i = 0; i < p.nown; i++)
        free(p.own[i]);
    free(p.own);
    free(p.c);
    free(pu);
    buf_free(b);
}
