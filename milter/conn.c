/*
 * conn - per-connection and per-transaction milter state and stages (see conn.h)
 *
 * Nothing here knows libmilter: MTA operations go through MTA_OPS, so the stages could be
 * driven by a test harness as well.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conn.h"
#include "log.h"
#include "msg.h"
#include "str.h"
#include "xalloc.h"

#define TOP_HITS 5

/* messages inside conn_eom; the daemon waits for them before it exits (conn_wait_idle) */
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t busy_cond = PTHREAD_COND_INITIALIZER;
static size_t busy;

/* now_ms - monotonic clock in milliseconds */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* conn_new - a connection without a transaction */
CONN *conn_new(bool leadspc)
{
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
    c->qid = c->from = c->auth = c->subject = NULL;
    c->rcpts = buf_free(c->rcpts);
    c->nrcpt = 0;
    for (size_t i = 0; i < c->ninbound; i++)
        free(c->inbound[i].name);
    free(c->inbound);
    c->inbound = NULL;
    c->ninbound = c->capinbound = 0;
}

/* conn_free - end the transaction and release the connection; returns NULL */
CONN *conn_free(CONN *c)
{
    if (c == NULL)
        return NULL;
    conn_end(c);
    free(c->client);
    free(c);
    return NULL;
}

/* conn_connect - remember the client as "name[addr]" */
void conn_connect(CONN *c, const char *name, const struct sockaddr *addr)
{
    char ip[INET6_ADDRSTRLEN] = "local";
    if (addr && addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, ip, sizeof(ip));
    else if (addr && addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, ip, sizeof(ip));
    BUF *b = buf_new(64);
    str_sanitize(b, name ? name : "unknown", name ? strlen(name) : 7, 100);
    buf_printf(b, "[%s]", ip);
    free(c->client);
    c->client = buf_steal(b, NULL);
    buf_free(b);
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

/* conn_rcpt - RCPT TO: remember the recipient for the log line */
void conn_rcpt(CONN *c, const char *rcpt)
{
    if (c->rs == NULL)
        begin(c, NULL);
    if (c->nrcpt < 20) {
        if (c->nrcpt)
            buf_putc(c->rcpts, ',');
        str_sanitize(c->rcpts, rcpt, strlen(rcpt), 200);
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
    if (strncasecmp(name, prefix, pl) == 0 && name[pl] == '-' && c->ninbound < 1000)
        remember_inbound(c, name);
    const char *v = value;
    if (c->leadspc && *v == ' ')
        v++;
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
static void log_message(const CONN *c, const MSG *m, const ACT_PLAN *p, size_t size)
{
    BUF *hits = buf_new(128);
    top_hits(hits, m->hits);
    const char *act = action_name(p->action);
    log_info(
        "ref=%s qid=%s client=%s from=%s rcpts=%s size=%zu verdict=%s score=%.2f action=%s%s%s "
        "hits=%s ms=%.1f",
        c->ref, c->qid ? c->qid : "-", c->client, c->from, c->nrcpt ? c->rcpts->data : "-", size,
        verdict_name(m->verdict), m->score, act, p->would != p->action ? "/would=" : "",
        p->would != p->action ? action_name(p->would) : "", hits->data, now_ms() - c->t0);
    buf_free(hits);
}

/* busy_add - one more (+1) or one less (-1) message inside conn_eom */
static void busy_add(int d)
{
    pthread_mutex_lock(&busy_lock);
    busy = d > 0 ? busy + 1 : busy - 1;
    if (busy == 0)
        pthread_cond_broadcast(&busy_cond);
    pthread_mutex_unlock(&busy_lock);
}

/* conn_wait_idle - wait until no message is inside conn_eom, at most ms; returns how many
 * still are */
size_t conn_wait_idle(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&busy_lock);
    while (busy > 0 && pthread_cond_timedwait(&busy_cond, &busy_lock, &ts) == 0)
        ;
    size_t n = busy;
    pthread_mutex_unlock(&busy_lock);
    return n;
}

static ACT_STATUS eom(CONN *c, const MTA_OPS *ops, void *ctx);

/* conn_eom - analyse, plan, apply, log (see conn.h) */
ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx)
{
    busy_add(1);
    ACT_STATUS st = eom(c, ops, ctx);
    busy_add(-1);
    return st;
}

/* eom - conn_eom's work */
static ACT_STATUS eom(CONN *c, const MTA_OPS *ops, void *ctx)
{
    if (c->rs == NULL)
        begin(c, NULL);
    if (c->qid == NULL)
        c->qid = sane_dup(ops->getsymval(ctx, "i"), 64);
    MSG *m = msg_new(c->ref);
    size_t len = 0;
    const char *raw = c->spool->failed ? NULL : spool_data(c->spool, &len);
    unsigned flags = 0;
    if (raw) {
        msg_analyse(m, raw, len, c->rs);
        flags = action_flags(m->hits);
    } else {
        log_error("ref=%s spool: %s", c->ref, strerror(errno));
        flags = ACT_F_INTERNAL;
    }
    m->size = c->spool->total;
    ACT_INPUT in = {m->verdict, m->score,   c->ref,      c->rs->id,  m->hits,   c->rs->cfg,
                    flags,      c->inbound, c->ninbound, c->subject, c->leadspc};
    ACT_PLAN *p = action_plan(&in);
    ACT_STATUS st = action_apply(p, ops, ctx);
    log_message(c, m, p, m->size);
    action_plan_free(p);
    msg_free(m);
    conn_end(c);
    return st;
}
