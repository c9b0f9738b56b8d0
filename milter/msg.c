/*
 * msg - the analysis pipeline of one message (see msg.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cache/msgcache.h"
#include "core/digest.h"
#include "core/log.h"
#include "msg.h"
#include "scan/scan.h"
#include "policy/chain.h"
#include "policy/context.h"
#include "policy/score.h"
#include "lib/xalloc.h"

/* msg_new - empty message state with a reference id */
MSG *msg_new(const char *ref)
{
    MSG *m = xcalloc(1, sizeof(MSG));
    snprintf(m->ref, sizeof(m->ref), "%s", ref);
    m->parts = parts_new();
    m->layers = layers_new();
    m->hits = hits_new();
    m->cache.backend = "off";
    return m;
}

/* msg_free - release everything; accepts NULL, returns NULL */
MSG *msg_free(MSG *m)
{
    if (m == NULL)
        return NULL;
    parts_free(m->parts);
    layers_free(m->layers);
    urlset_free(m->urls);
    hits_free(m->hits);
    mime_headers_clear(&m->hdr);
    cache_msg_free(m->cm);
    free(m->cache.part);
    free(m->sender);
    free(m->rcpts);
    free(m);
    return NULL;
}

/* msg_set_envelope - sender and recipients for the prevalence records (copied) */
void msg_set_envelope(MSG *m, const char *sender, const char *rcpts)
{
    free(m->sender);
    free(m->rcpts);
    m->sender = sender ? xstrdup(sender) : NULL;
    m->rcpts = rcpts ? xstrdup(rcpts) : NULL;
}

/* msg_ref_random - 16 random hex digits */
void msg_ref_random(char ref[17])
{
    unsigned char r[8];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x =
            (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20);
        memcpy(r, &x, sizeof(r));
    }
    for (int i = 0; i < 8; i++)
        snprintf(ref + 2 * i, 3, "%02x", r[i]);
}

/* msg_ref_from_bytes - 16 hex digits of the SHA-256 of the message */
void msg_ref_from_bytes(const char *p, size_t n, char ref[17])
{
    char hex[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(p, n, hex);
    memcpy(ref, hex, 16);
    ref[16] = 0;
}

/* extract_urls - feed every text part to the URL extractor */
static void extract_urls(MSG *m)
{
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
        hits_add(m->hits, "LIMIT_URLS", "message", "%zu distinct URLs over the limit of %zu",
                 m->urls->n + m->urls->dropped, m->urls->max);
}

/* now_ms - monotonic clock in milliseconds */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* mention_of - the context callback of score_message: a hit in a part that cannot run */
static bool mention_of(const char *location, void *arg)
{
    return context_mention((const PARTS *)arg, location);
}

/* msg_analyse - run the pipeline (see msg.h) */
void msg_analyse(MSG *m, const char *raw, size_t len, const RULESET *rs)
{
    const CONFIG *c = rs->cfg;
    double t0 = now_ms();
    m->size = len;
    m->scanned = len;
    if (len > (size_t)c->max_message_size) {
        m->scanned = (size_t)c->max_message_size;
        hits_add(m->hits, "LIMIT_MESSAGE_SIZE", "message", "%zu bytes, only the first %zu scanned",
                 len, m->scanned);
    }
    MIME_LIMITS lim = {.max_depth = (size_t)c->max_mime_depth,
                       .max_parts = (size_t)c->max_parts,
                       .max_part_bytes = (size_t)c->max_part_bytes,
                       .max_total_bytes = (size_t)c->max_total_bytes,
                       .max_header_bytes = (size_t)c->max_header_bytes,
                       .max_header_field = (size_t)c->max_header_field_bytes};
    mime_walk(raw, m->scanned, &lim, m->parts, &m->hdr, m->hits);
    for (size_t i = 0; i < m->parts->n && (log_debug_mask & LOG_D_MIME); i++) {
        const PART *p = m->parts->v[i];
        log_debug(LOG_D_MIME, "ref=%s part=%s kind=%s type=%s size=%zu detected=%s", m->ref,
                  p->path, part_kind_name(p->kind), p->content_type ? p->content_type : "-",
                  p->size, p->ft.name);
    }
    m->urls = urlset_new((size_t)c->max_urls);
    extract_urls(m);
    log_debug(LOG_D_URL, "ref=%s urls=%zu dropped=%zu", m->ref, m->urls->n, m->urls->dropped);
    scan_message(m, rs);
    log_debug(LOG_D_SCAN, "ref=%s layers=%zu vba=%zu", m->ref, m->layers->n, m->layers->nvba);
    SCORE_CTX sc = {.block_extensions = c->block_extensions != 0,
                    .alone_max = c->capability_alone_max,
                    .mention_max = c->mention_max,
                    .mention = mention_of,
                    .arg = m->parts};
    m->score = score_message(rs->scores, m->hits, &sc);
    m->verdict = verdict_from_score(m->score, c->tag_threshold, c->quarantine_threshold,
                                    c->reject_threshold);
    int forced = score_forced(rs->scores, m->hits);
    if (forced > (int)m->verdict)
        m->verdict = (VERDICT)forced;
    cache_msg_end(m, rs); /* store part values and sightings, after the verdict */
    m->ms = now_ms() - t0;
}
