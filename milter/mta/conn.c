/*
 * mta/conn - per-connection and per-transaction milter state and stages (see mta/conn.h)
 *
 * Nothing here knows libmilter: MTA operations go through MTA_OPS, so the stages could be
 * driven by a test harness as well.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/clock.h"
#include "model/failure.h"
#include "mta/conn.h"
#include "core/log.h"
#include "mta/metrics.h"
#include "analyse.h"
#include "msg.h"
#include "policy/split.h"
#include "mta/scanjob.h"
#include "store/quarantine.h"
#include "store/release.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define TOP_HITS     5
#define ENVELOPE_MAX 1000      /* bytes kept of one envelope address for the store */
#define TRIM_AFTER   (1 << 20) /* a message this large: give freed memory back to the system */

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned live; /* CONNs not yet freed */

/* conn_live - connections not yet closed (the daemon waits for them at shutdown) */
unsigned conn_live(void)
{
    pthread_mutex_lock(&live_lock);
    unsigned n = live;
    pthread_mutex_unlock(&live_lock);
    return n;
}

/* conn_new - a connection without a transaction */
CONN *conn_new(bool leadspc)
{
    pthread_mutex_lock(&live_lock);
    live++;
    pthread_mutex_unlock(&live_lock);
    CONN *c = xcalloc(1, sizeof(*c));
    c->leadspc = leadspc;
    c->client = xstrdup("unknown");
    return c;
}

/* conn_end - drop the current transaction, if any */
void conn_end(CONN *c)
{
    if (c->rs)
        ruleset_release(c->rs);
    c->rs = NULL;
    c->spool = spool_free(c->spool);
    free(c->qid);
    free(c->from);
    free(c->auth);
    free(c->subject);
    free(c->from_raw);
    free(c->release);
    c->qid = c->from = c->auth = c->subject = c->from_raw = c->release = NULL;
    c->rcpts = buf_free(c->rcpts);
    c->nrcpt = 0;
    for (size_t i = 0; i < c->nrcptv; i++)
        free(c->rcptv[i]);
    free(c->rcptv);
    c->rcptv = NULL;
    c->nrcptv = 0;
    for (size_t i = 0; i < c->ninbound; i++)
        free(c->inbound[i].name);
    free(c->inbound);
    c->inbound = NULL;
    c->ninbound = c->capinbound = c->nprefixed = 0;
    free(c->gpol);
    free(c->gover);
    free(c->rgroup);
    c->gpol = NULL;
    c->gover = NULL;
    c->rgroup = NULL;
    c->ngroup = 0;
}

/* conn_free - end the transaction and release the connection; returns NULL */
CONN *conn_free(CONN *c)
{
    if (c == NULL)
        return NULL;
    conn_end(c);
    pthread_mutex_lock(&live_lock);
    live--;
    pthread_mutex_unlock(&live_lock);
    free(c->client);
    free(c->helo);
    free(c);
    return NULL;
}

/* conn_connect - remember the client as "name[addr]" */
void conn_connect(CONN *c, const char *name, const struct sockaddr *addr)
{
    char ip[INET6_ADDRSTRLEN] = "local";
    memset(&c->client_ip, 0, sizeof(c->client_ip));
    if (addr && addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, ip, sizeof(ip));
    else if (addr && addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, ip, sizeof(ip));
    if (strcmp(ip, "local") != 0 && !policy_parse_ip(ip, &c->client_ip))
        memset(&c->client_ip, 0, sizeof(c->client_ip));
    metrics_count(METRICS_CONNECTION, 1);
    BUF *b = buf_new(64);
    str_sanitize(b, name ? name : "unknown", name ? strlen(name) : 7, 100);
    buf_printf(b, "[%s]", ip);
    free(c->client);
    c->client = buf_steal(b, NULL);
    buf_free(b);
}

/* conn_helo - remember the HELO/EHLO name (for the quarantine store) */
void conn_helo(CONN *c, const char *helo)
{
    free(c->helo);
    c->helo = helo ? xstrndup(helo, ENVELOPE_MAX) : NULL;
}

/* sane_dup - a sanitized, bounded copy of sender text (NULL stays NULL) */
static char *sane_dup(const char *s, size_t max)
{
    return s ? str_sanitize_dup(s, max) : NULL;
}

/* begin - start a transaction with the current ruleset */
static void begin(CONN *c, const char *from)
{
    conn_end(c);
    c->rs = ruleset_acquire();
    const CONFIG *cfg = c->rs->cfg;
    c->spool = spool_new((size_t)cfg->spool_memory_max, (size_t)cfg->max_message_size + 1);
    msg_ref_random(c->ref);
    c->from = sane_dup(from ? from : "<>", 300);
    c->from_raw = xstrndup(from ? from : "<>", ENVELOPE_MAX);
    c->rcpts = buf_new(64);
    c->t0 = now_ms();
}

/* conn_mail - MAIL FROM: a new transaction (see conn.h) */
void conn_mail(CONN *c, const char *from, const MTA_OPS *ops, void *ctx)
{
    begin(c, from);
    c->qid = sane_dup(ops->getsymval(ctx, "i"), 64);
    c->auth = sane_dup(ops->getsymval(ctx, "{auth_authen}"), 200);
}

/* rcpt_group - the group of the recipient's policy (a new one for a new policy) */
static size_t rcpt_group(CONN *c, const char *rcpt)
{
    POLICY_ENV env = {.rcpt = rcpt, .sender = c->from_raw, .auth = c->auth, .client = c->client_ip};
    const POLICY *p = policyset_select(c->rs->policies, &env);
    for (size_t g = 0; g < c->ngroup; g++)
        if (c->gpol[g] == p)
            return g;
    c->gpol = xrealloc(c->gpol, (c->ngroup + 1) * sizeof(*c->gpol));
    c->gover = xrealloc(c->gover, (c->ngroup + 1) * sizeof(*c->gover));
    c->gpol[c->ngroup] = p;
    c->gover[c->ngroup] = false;
    return c->ngroup++;
}

/* conn_rcpt - RCPT TO: remember the recipient for the log line, and its policy */
void conn_rcpt(CONN *c, const char *rcpt)
{
    if (c->rs == NULL)
        begin(c, NULL);
    size_t g = rcpt_group(c, rcpt);
    if (c->nrcpt < 20) {
        if (c->nrcpt)
            buf_putc(c->rcpts, ',');
        str_sanitize(c->rcpts, rcpt, strlen(rcpt), 200);
    }
    if (c->nrcptv < QMETA_MAX_RCPT) {
        c->rcptv = xrealloc(c->rcptv, (c->nrcptv + 1) * sizeof(*c->rcptv));
        c->rgroup = xrealloc(c->rgroup, (c->nrcptv + 1) * sizeof(*c->rgroup));
        c->rgroup[c->nrcptv] = (unsigned)g;
        c->rcptv[c->nrcptv++] = xstrndup(rcpt, ENVELOPE_MAX);
    } else {
        c->gover[g] = true;
    }
    c->nrcpt++;
}

/* remember_inbound - an inbound header with our prefix, with its index among its name */
static void remember_inbound(CONN *c, const char *name)
{
    int idx = 1;
    for (size_t i = 0; i < c->ninbound; i++)
        if (str_ieq(c->inbound[i].name, name))
            idx++;
    if (c->ninbound == c->capinbound) {
        c->capinbound = c->capinbound ? c->capinbound * 2 : 4;
        c->inbound = xrealloc(c->inbound, c->capinbound * sizeof(*c->inbound));
    }
    c->inbound[c->ninbound++] = (ACT_HDR){xstrdup(name), idx};
}

/* conn_header - one header into the spool; note spoofed ones and the Subject */
void conn_header(CONN *c, const char *name, const char *value)
{
    if (c->rs == NULL)
        begin(c, NULL);
    const char *prefix = c->rs->cfg->header_prefix;
    size_t pl = strlen(prefix);
    const char *v = value;
    if (c->leadspc && *v == ' ')
        v++;
    if (strncasecmp(name, prefix, pl) == 0 && name[pl] == '-') {
        /* every one is counted; past max_spoofed_headers the message is refused */
        if (++c->nprefixed <= (size_t)c->rs->cfg->max_spoofed_headers)
            remember_inbound(c, name);
        if (c->release == NULL && str_ieq(name + pl + 1, "Release"))
            c->release = xstrndup(v, RELEASE_VALUE_MAX);
    }
    if (c->subject == NULL && str_ieq(name, "Subject"))
        c->subject = xstrdup(v);
    spool_add(c->spool, name, strlen(name));
    spool_add(c->spool, c->leadspc ? ":" : ": ", c->leadspc ? 1 : 2);
    spool_add(c->spool, value, strlen(value));
    spool_add(c->spool, "\r\n", 2);
}

/* conn_eoh - the empty line between header and body */
void conn_eoh(CONN *c)
{
    if (c->rs == NULL)
        begin(c, NULL);
    spool_add(c->spool, "\r\n", 2);
}

/* conn_body - a body chunk; false once nothing more will be stored */
bool conn_body(CONN *c, const void *p, size_t n)
{
    if (c->rs == NULL)
        begin(c, NULL);
    spool_add(c->spool, p, n);
    return !c->spool->oversize && !c->spool->failed;
}

/* top_hits - the heaviest hits' symbols, comma-separated ("-" when none) */
static void top_hits(BUF *out, const HITS *h)
{
    const HIT *best[TOP_HITS] = {NULL};
    for (size_t i = 0; i < h->n; i++) {
        const HIT *x = &h->v[i];
        for (size_t k = 0; k < TOP_HITS; k++) {
            if (best[k] == NULL || x->weight > best[k]->weight) {
                memmove(&best[k + 1], &best[k], (TOP_HITS - k - 1) * sizeof(*best));
                best[k] = x;
                break;
            }
        }
    }
    for (size_t k = 0; k < TOP_HITS && best[k]; k++)
        buf_printf(out, "%s%s", k ? "," : "", best[k]->symbol);
    if (best[0] == NULL)
        buf_putc(out, '-');
}

/* log_message - the one summary line per message */
static void log_message(const CONN *c, const MSG *m, const ACT_PLAN *p, size_t size, bool scanned)
{
    BUF *hits = buf_new(128);
    top_hits(hits, m->hits);
    int a = verdict_action_label(p->action, p->store);
    int w = verdict_action_label(p->would, p->would_store);
    const char *act = action_name(a);
    char partial[32] = ""; /* hits whose ClamAV findings were refreshed (new databases) */
    if (m->cache.partial)
        snprintf(partial, sizeof(partial), "/partial=%u", m->cache.partial);
    log_info(
        "ref=%s qid=%s client=%s from=%s rcpts=%s size=%zu verdict=%s score=%.2f action=%s%s%s "
        "policy=%s hits=%s cache=%u/%u%s%s ms=%.1f ms_scan=%.1f",
        c->ref, c->qid ? c->qid : "-", c->client, c->from, c->nrcpt ? c->rcpts->data : "-", size,
        scanned ? verdict_name(m->verdict) : "unscanned", m->score, act, w != a ? "/would=" : "",
        w != a ? action_name(w) : "", m->policy ? m->policy : "default", hits->data, m->cache.hits,
        m->cache.misses, m->cache.errors ? "/error" : "", partial, now_ms() - c->t0, m->ms);
    buf_free(hits);
}

/* progress - scanjob's "still working" call (ctx: a PROGRESS_CTX) */
typedef struct PROGRESS_CTX {
    const MTA_OPS *ops;
    void *ctx;
} PROGRESS_CTX;

static int progress(void *arg)
{
    PROGRESS_CTX *p = arg;
    return p->ops->progress(p->ctx);
}

/* analyse - the spooled message through scanjob; its failure causes are in m->hits->errs */
static MSG *analyse(CONN *c, const MTA_OPS *ops, void *ctx)
{
    const CONFIG *cfg = c->rs->cfg;
    size_t total = c->spool->total;
    if (c->spool->failed) {
        log_error("ref=%s spool: %s", c->ref, strerror(errno));
        MSG *m = msg_new(c->ref);
        failure_set(m->hits, MSG_ERR_INTERNAL);
        return m;
    }
    PROGRESS_CTX pc = {ops, ctx};
    SCANJOB_WAIT w = {.timeout_ms = (double)cfg->scan_timeout,
                      .progress_ms = (double)cfg->progress_interval,
                      .progress = progress,
                      .arg = &pc};
    MSG *m = msg_new(c->ref);
    msg_set_envelope(m, c->from, c->nrcpt ? c->rcpts->data : NULL);
    m = scanjob_run(m, &c->spool, c->rs, &w);
    if (m == NULL) {
        m = msg_new(c->ref);
        failure_hit(m->hits, MSG_ERR_LIMIT_SCAN_TIME, "message",
                    "no verdict within scan_timeout (%lld ms)", (long long)cfg->scan_timeout);
    }
    m->size = total;
    return m;
}

/* store - the message into the quarantine store; 0, or -1 (logged) */
static int store(const CONN *c, const MSG *m, int action, const char *const *rcpts, size_t nr,
                 const char *raw, size_t len)
{
    const CONFIG *cfg = c->rs->cfg;
    BUF *err = buf_new(128);
    int rc = -1;
    QMETA *q = qmeta_new();
    memcpy(q->ref, c->ref, sizeof(q->ref));
    q->time = (int64_t)time(NULL);
    q->client = xstrdup(c->client);
    q->helo = c->helo ? xstrdup(c->helo) : NULL;
    q->from = xstrdup(c->from_raw ? c->from_raw : "<>");
    q->qid = c->qid ? xstrdup(c->qid) : NULL;
    q->subject = m->hdr.subject ? xstrdup(m->hdr.subject) : NULL;
    q->ruleset = xstrdup(c->rs->id);
    q->verdict = xstrdup(verdict_name(m->verdict));
    q->first_verdict = xstrdup(q->verdict);
    q->score = q->first_score = m->score;
    q->action = xstrdup(action_name(verdict_action_label(action, true))); /* stored */
    q->size = (int64_t)len;
    for (size_t i = 0; i < nr; i++)
        qmeta_add_rcpt(q, rcpts[i]);
    q->rcpt_dropped = nr == c->nrcptv ? c->nrcpt - c->nrcptv : 0;
    for (size_t i = 0; i < m->hits->n; i++) {
        const HIT *h = &m->hits->v[i];
        qmeta_add_hit(q, h->symbol, h->weight, h->location, h->detail);
    }
    if (raw == NULL || c->spool->oversize)
        buf_puts(err, raw ? "message larger than max_message_size cannot be kept whole"
                          : "message not spooled");
    else
        rc = quarantine_store(cfg->quarantine_dir, cfg->quarantine_max_bytes, q, raw, len, err);
    if (rc == 0)
        log_info("ref=%s stored in quarantine %s (%zu bytes)", c->ref, cfg->quarantine_dir, len);
    else
        log_error("ref=%s quarantine store failed: %s", c->ref, err->data);
    qmeta_free(q);
    buf_free(err);
    return rc;
}

/* keep_release - a verified release header stays (the first PREFIX-Release, index 1):
 * the recipient sees the message was released, and a later hop with the same secret
 * recognises it too; other inbound PREFIX-* headers are still removed */
static void keep_release(CONN *c)
{
    const char *prefix = c->rs->cfg->header_prefix;
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < c->ninbound; i++) {
        const char *n = c->inbound[i].name;
        if (c->inbound[i].index == 1 && strncasecmp(n, prefix, pl) == 0 &&
            str_ieq(n + pl, "-Release")) {
            free(c->inbound[i].name);
            memmove(&c->inbound[i], &c->inbound[i + 1],
                    (c->ninbound - i - 1) * sizeof(*c->inbound));
            c->ninbound--;
            return;
        }
    }
}

/* plan_for - the plan under one policy: the message scored with its settings and weights */
static ACT_PLAN *plan_for(MSG *m, ACT_INPUT *in, const POLICY *pol, bool scanned)
{
    if (scanned)
        analyse_verdict(m, pol->cfg, pol->weights);
    m->policy = pol->name;
    in->verdict = m->verdict;
    in->score = m->score;
    in->cfg = pol->cfg;
    in->on_verdict = pol->on_verdict;
    in->policy = pol->name;
    return action_plan(in);
}

/* EOM - what conn_eom works with */
typedef struct EOM {
    CONN *c;
    MSG *m;
    ACT_INPUT in;
    const char *raw;
    size_t len;
    bool scanned;
} EOM;

/* split - each group's plan, then the lead group and the removals (policy/split.h); the
 * removed recipients are put in in.delrcpt (*del, caller frees); returns the lead */
static size_t split(EOM *e, const char ***del)
{
    CONN *c = e->c;
    SPLIT_GROUP *sg = xcalloc(c->ngroup, sizeof(*sg));
    bool *remove = xcalloc(c->ngroup, sizeof(*remove));
    bool *keep = xcalloc(c->ngroup, sizeof(*keep));
    for (size_t g = 0; g < c->ngroup; g++) {
        ACT_PLAN *p = plan_for(e->m, &e->in, c->gpol[g], e->scanned);
        sg[g] = (SPLIT_GROUP){.action = p->action,
                              .planned = c->gpol[g]->cfg->mode != CFG_MODE_OFF,
                              .known = !c->gover[g]};
        keep[g] = p->store || p->action == CFG_POL_REJECT; /* their copy goes to the store */
        action_plan_free(p);
    }
    size_t lead = split_decide(sg, c->ngroup, e->in.store, remove);
    size_t n = 0;
    size_t kept = 0;
    size_t keep_group = c->ngroup;
    *del = xcalloc(c->nrcptv + 1, sizeof(**del));
    const char **stored = xcalloc(c->nrcptv + 1, sizeof(*stored));
    for (size_t i = 0; i < c->nrcptv; i++) {
        unsigned g = c->rgroup[i];
        if (!remove[g])
            continue;
        (*del)[n++] = c->rcptv[i];
        char *who = str_sanitize_dup(c->rcptv[i], 200);
        log_info("ref=%s recipient %s removed: policy=%s action=%s", c->ref, who, c->gpol[g]->name,
                 action_name(sg[g].action));
        free(who);
        if (keep[g] && e->in.store) {
            stored[kept++] = c->rcptv[i];
            keep_group = keep_group < c->ngroup ? keep_group : g;
        }
    }
    if (kept) { /* their copy into the store, as their own policy scores it */
        action_plan_free(plan_for(e->m, &e->in, c->gpol[keep_group], e->scanned));
        if (store(c, e->m, sg[keep_group].action, stored, kept, e->raw, e->len) != 0) {
            log_error("ref=%s the removed recipients' copy could not be stored: policy %s "
                      "applies to the whole message",
                      c->ref, c->gpol[keep_group]->name);
            e->in.errs |= MSG_ERR_BIT(MSG_ERR_QUARANTINE);
            lead = keep_group;
            n = 0;
        }
    }
    e->in.delrcpt = *del;
    e->in.ndelrcpt = n;
    free(stored);
    free(sg);
    free(remove);
    free(keep);
    return lead;
}

/* unscanned - the record of a message all of whose recipients have `scan = no` */
static MSG *unscanned(const CONN *c)
{
    MSG *m = msg_new(c->ref);
    m->size = c->spool ? c->spool->total : 0;
    return m;
}

/* conn_eom - analyse, plan, store, apply, log (see conn.h) */
ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx)
{
    if (c->rs == NULL)
        begin(c, NULL);
    if (c->qid == NULL)
        c->qid = sane_dup(ops->getsymval(ctx, "i"), 64);
    if (c->ngroup == 0) { /* no recipient seen: the default policy */
        c->gpol = xcalloc(1, sizeof(*c->gpol));
        c->gover = xcalloc(1, sizeof(*c->gover));
        c->gpol[c->ngroup++] = policyset_default(c->rs->policies);
    }
    bool scan = false;
    for (size_t g = 0; g < c->ngroup; g++)
        scan = scan || !c->gpol[g]->noscan;
    MSG *m = scan ? analyse(c, ops, ctx) : unscanned(c);
    size_t len = 0; /* the spool is back unless the scan was given up (scan_timeout) */
    const char *raw = c->spool && !c->spool->failed ? spool_data(c->spool, &len) : NULL;
    const CONFIG *cfg = c->rs->cfg;
    char released[17];
    bool rel = raw && c->release &&
               release_verify(cfg, c->release, raw, len, c->rcptv, c->nrcptv, time(NULL), released);
    BUF *why = buf_new(64);
    if (rel && release_claim(cfg, released, c->rcptv, c->nrcptv, why) != 0) /* once per rcpt */
        rel = false;
    if (c->release)
        log_info("ref=%s release header %s%s%s", c->ref, rel ? released : "invalid, ignored",
                 why->len ? ": " : "", why->data);
    buf_free(why);
    if (rel)
        keep_release(c);
    EOM e = {.c = c, .m = m, .raw = raw, .len = len, .scanned = scan};
    e.in = (ACT_INPUT){.ref = c->ref,
                       .ruleset_id = c->rs->id,
                       .hits = m->hits,
                       .cfg = cfg,
                       .errs = m->hits->errs,
                       .inbound = c->inbound,
                       .ninbound = c->ninbound,
                       .subject = c->subject,
                       .leadspc = c->leadspc,
                       .store = cfg->quarantine_dir[0] != 0,
                       .released = rel ? released : NULL,
                       .spoofed_over =
                           c->nprefixed > (size_t)cfg->max_spoofed_headers ? c->nprefixed : 0};
    const char **del = NULL;
    size_t lead = c->ngroup > 1 ? split(&e, &del) : 0;
    ACT_PLAN *p = plan_for(m, &e.in, c->gpol[lead], scan);
    if (p->store &&
        store(c, m, p->action, (const char *const *)c->rcptv, c->nrcptv, raw, len) != 0) {
        e.in.errs |= MSG_ERR_BIT(MSG_ERR_QUARANTINE);
        action_plan_free(p);
        p = action_plan(&e.in);
    }
    ACT_STATUS st = action_apply(p, ops, ctx);
    if (rel && st == ACT_TEMPFAIL) /* the MTA retries: the release must still hold then */
        release_unclaim(cfg, released, c->rcptv, c->nrcptv);
    log_message(c, m, p, m->size, scan);
    free(del);
    METRICS_MSG mm = {.verdict = (int)m->verdict,
                      .action = verdict_action_label(p->action, p->store),
                      .errs = e.in.errs,
                      .size = m->size,
                      .ms = now_ms() - c->t0,
                      .ms_scan = m->ms};
    metrics_message(&mm);
    metrics_count(METRICS_CACHE_HIT, m->cache.hits);
    metrics_count(METRICS_CACHE_MISS, m->cache.misses);
    metrics_count(METRICS_CACHE_ERROR, m->cache.errors);
    action_plan_free(p);
    size_t size = m->size;
    msg_free(m);
    conn_end(c);
    if (size >= TRIM_AFTER) /* the parser's many small blocks stay in the arenas otherwise */
        malloc_trim(0);
    return st;
}
