/*
 * analyse - the pipeline of one message (see analyse.h): parse, look the parts up in the
 * cache, scan what missed, URL reputation (overlapping the scan), score, store
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "analyse.h"
#include "cache/msgcache.h"
#include "core/log.h"
#include "model/failure.h"
#include "policy/chain.h"
#include "policy/context.h"
#include "policy/score.h"
#include "policy/verdict.h"
#include "scan/scan.h"
#include "scan/urlrep.h"

/* parse - size limit, MIME walk, URLs of the text parts */
static void parse(MSG *m, const char *raw, size_t len, const CONFIG *c)
{
    m->size = len;
    m->scanned = len;
    if (len > (size_t)c->max_message_size) {
        m->scanned = (size_t)c->max_message_size;
        failure_hit(m->hits, MSG_ERR_LIMIT_MESSAGE_SIZE, "message",
                    "%zu bytes, only the first %zu scanned", len, m->scanned);
    }
    MIME_LIMITS lim = mime_limits(c);
    mime_walk(raw, m->scanned, &lim, m->parts, &m->hdr, m->hits);
    for (size_t i = 0; i < m->parts->n && (log_debug_mask & LOG_D_MIME); i++) {
        const PART *p = m->parts->v[i];
        log_debug(LOG_D_MIME, "ref=%s part=%s kind=%s type=%s size=%zu detected=%s", m->ref,
                  p->path, part_kind_name(p->kind), p->content_type ? p->content_type : "-",
                  p->size, p->ft.name);
    }
    m->urls = urlset_new((size_t)c->max_urls);
    for (size_t i = 0; i < m->parts->n; i++) {
        const PART *p = m->parts->v[i];
        if (p->text == NULL)
            continue;
        if (p->content_type && strcmp(p->content_type, "text/html") == 0)
            url_extract_html(m->urls, p->text, p->text_len, p->path);
        else
            url_extract_text(m->urls, p->text, p->text_len, p->path);
    }
    if (m->urls->overflow)
        failure_hit(m->hits, MSG_ERR_LIMIT_URLS, "message",
                    "%zu distinct URLs over the limit of %zu", m->urls->n + m->urls->dropped,
                    m->urls->max);
    log_debug(LOG_D_URL, "ref=%s urls=%zu dropped=%zu", m->ref, m->urls->n, m->urls->dropped);
}

/* scannable - part i holds bytes no earlier part had (a campaign or a hostile message may
 * repeat one attachment hundreds of times: the first one's findings stand for all) */
static bool scannable(const MSG *m, size_t i)
{
    const PART *p = m->parts->v[i];
    if (p->kind != PART_LEAF || p->data == NULL || p->size == 0)
        return false;
    for (size_t j = 0; j < i; j++) {
        const PART *q = m->parts->v[j];
        if (q->kind == PART_LEAF && q->data && q->size && strcmp(q->sha256, p->sha256) == 0)
            return false;
    }
    return true;
}

/* past_deadline - the message's scan_timeout has passed */
static bool past_deadline(const MSG *m)
{
    return m->deadline_ms > 0 && now_ms() >= m->deadline_ms;
}

/* scan_parts - per part: restored from the cache, or scanned and kept to store */
static void scan_parts(MSG *m, SCAN *s, CACHE_MSG *cm, URLREP *ur)
{
    for (size_t i = 0; i < m->parts->n; i++) {
        const PART *p = m->parts->v[i];
        urlrep_poll(ur); /* block-list answers that arrived meanwhile */
        if (!scannable(m, i))
            continue;
        if (scan_budget_spent(s, p->path))
            break;
        if (past_deadline(m)) {
            failure_hit(m->hits, MSG_ERR_LIMIT_SCAN_TIME, p->path,
                        "scan_timeout reached: this part and "
                        "the rest were not scanned");
            break;
        }
        char *loc = scan_part_location(p);
        int r = cache_msg_restore(cm, i, loc); /* a hit: the findings are back, no engine */
        if (r == CACHE_RESTORE_MISS) {
            cache_msg_part_start(cm, i);
            scan_part(s, i, loc);
            cache_msg_part_done(cm, i, loc);
        } else if (r == CACHE_RESTORE_PARTIAL) { /* new ClamAV databases: libclamav alone */
            cache_msg_partial_done(cm, i, loc, scan_part_clamav(s, i, loc));
        }
        free(loc);
    }
}

/* mention_of - the context callback of score_message: a hit in a part that cannot run */
static bool mention_of(const char *location, void *arg)
{
    return context_mention((const PARTS *)arg, location);
}

/* analyse_verdict - score (capabilities, chains and context: policy/score.h) and verdict
 * under one policy's settings and weights; a hard verdict of a hit is a floor */
void analyse_verdict(MSG *m, const CONFIG *c, const SCORES *scores)
{
    SCORE_CTX sc = {.block_extensions = c->block_extensions != 0,
                    .alone_max = c->capability_alone_max,
                    .mention_max = c->mention_max,
                    .mention = mention_of,
                    .arg = m->parts};
    m->score = score_message(scores, m->hits, &sc);
    m->verdict = verdict_from_score(m->score, c->tag_threshold, c->quarantine_threshold,
                                    c->reject_threshold);
    int forced = score_forced(scores, m->hits);
    if (forced > (int)m->verdict)
        m->verdict = (VERDICT)forced;
}

/* analyse_message - run the pipeline (see analyse.h) */
void analyse_message(MSG *m, const char *raw, size_t len, const RULESET *rs, CACHE *cache)
{
    double t0 = now_ms();
    parse(m, raw, len, rs->cfg);
    URLREP *ur = urlrep_begin(m, rs, cache); /* redirects unwrapped, block-list questions sent */
    SCAN *s = scan_begin(m, rs);
    CACHE_MSG *cm = cache_msg_begin(cache, m, rs, scan_passwords(s) > 0); /* one round trip */
    scan_set_cache(s, cm);
    scan_parts(m, s, cm, ur);
    scan_archives(s);
    urlrep_end(ur); /* URLs the scan found; answers until the DNS deadline; findings */
    ur = urlrep_free(ur);
    cache_msg_scanned(cm); /* IOC hashes over every part and layer */
    s = scan_end(s);
    log_debug(LOG_D_SCAN, "ref=%s layers=%zu vba=%zu", m->ref, m->layers->n, m->layers->nvba);
    const POLICY *def = policyset_default(rs->policies); /* offline: no envelope */
    analyse_verdict(m, def->cfg, def->weights);
    cache_msg_end(cm); /* store part values and sightings, after the verdict */
    cache_msg_free(cm);
    m->ms = now_ms() - t0;
}
