/*
 * cache/msgcache - cache lookups, restores, stores, IOC checks and sightings of one message
 *             (see cache_msg.h; what is cached and why is in cache.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/clock.h"
#include "model/failure.h"
#include "cache/msgcache.h"
#include "core/digest.h"
#include "core/log.h"
#include "msg.h"
#include "lib/str.h"
#include "lib/xalloc.h"

typedef struct LH { /* a part or layer hash to check against the IOC hashes */
    char *loc;
    char sha256[65], sha1[41], md5[33];
} LH;

typedef struct PENDING_PUT {
    char *key, *loc;
    BUF *val;
} PENDING_PUT;

typedef struct PSTATE { /* per part */
    char sha1[41], md5[33];
    char ctx[17];
    size_t q; /* index in CACHE_MSG.q + 1, 0: not looked up */
} PSTATE;

struct CACHE_MSG {
    CACHE *c;
    MSG *m;
    const RULESET *rs;
    bool passwords, ok; /* ok: the lookup worked */
    bool hashes;        /* SHA-1 and MD5 are needed (cache or IOC files) */
    IOCSET *imported;
    PSTATE *ps;
    CACHE_Q *q;
    size_t nq;
    LH *lh;
    size_t nlh, caplh;
    PENDING_PUT *put;
    size_t nput, capput;
    /* snapshot at part start */
    size_t h0, lh0, cross0, nurls0;
    size_t *nwhere0;
    bool hover0, lover0, uover0, archive;
    bool inner;          /* libclamav ran on a buffer below the part (CACHE_V_INNER) */
    CACHE_VALUE partial; /* a partial hit's value, until cache_msg_partial_done */
    size_t ph0;          /* hits before the part's libclamav rescan */
};

/* attachment - parts whose prevalence is tracked: a filename, or no body text */
static bool attachment(const PART *p)
{
    return p->kind == PART_LEAF && p->data && p->size && (p->filename || p->text == NULL);
}

/* context_tag - what besides the bytes shapes a part's findings (see cache.h) */
static void context_tag(const PART *p, const CONFIG *c, char out[17])
{
    DIGEST *d = digest_new();
    const char *s[] = {p->filename ? p->filename : "", p->content_type ? p->content_type : "",
                       p->charset ? p->charset : ""};
    for (size_t i = 0; i < 3; i++)
        digest_update(d, s[i], strlen(s[i]) + 1);
    char lim[512];
    int n =
        snprintf(lim, sizeof(lim), "%d %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
                 p->type_mismatch, (long long)c->max_layers, (long long)c->max_decode_depth,
                 (long long)c->max_decoded_bytes, (long long)c->min_base64_len,
                 (long long)c->max_part_bytes, (long long)c->max_parts,
                 (long long)c->clamav_max_file_size, (long long)c->clamav_max_scan_size,
                 (long long)c->clamav_max_recursion, (long long)c->clamav_max_files,
                 (long long)c->max_urls, (long long)c->office_decrypt_max_rounds);
    digest_update(d, lim, (size_t)n);
    char hex[DIGEST_HEX_LEN + 1];
    digest_final_hex(d, hex);
    digest_free(d);
    memcpy(out, hex, 16);
    out[16] = 0;
}

/* add_lh - remember a hash to check against the IOC hashes */
static void add_lh(CACHE_MSG *cm, const char *loc, const char *sha256, const char *sha1,
                   const char *md5)
{
    XGROW(cm->lh, cm->nlh, cm->caplh);
    LH *h = &cm->lh[cm->nlh++];
    h->loc = xstrdup(loc);
    snprintf(h->sha256, sizeof(h->sha256), "%s", sha256);
    snprintf(h->sha1, sizeof(h->sha1), "%s", sha1);
    snprintf(h->md5, sizeof(h->md5), "%s", md5);
}

/* cache_msg_begin - one lookup for every leaf part (see cache_msg.h) */
CACHE_MSG *cache_msg_begin(CACHE *c, MSG *m, const RULESET *rs, bool passwords)
{
    CACHE_MSG *cm = xcalloc(1, sizeof(*cm));
    cm->c = c;
    cm->m = m;
    cm->rs = rs;
    cm->passwords = passwords;
    m->cache.backend = cache_name(c);
    cm->hashes = c != NULL || ioc_count(rs->ioc) > 0;
    size_t n = m->parts->n;
    m->cache.part = xcalloc(n ? n : 1, 1);
    cm->ps = xcalloc(n ? n : 1, sizeof(PSTATE));
    cm->q = xcalloc(n ? n : 1, sizeof(CACHE_Q));
    for (size_t i = 0; i < n; i++) {
        const PART *p = m->parts->v[i];
        if (p->kind != PART_LEAF || p->data == NULL || p->size == 0)
            continue;
        if (cm->hashes)
            digest_sha1_md5_hex(p->data->data, p->size, cm->ps[i].sha1, cm->ps[i].md5);
        context_tag(p, rs->cfg, cm->ps[i].ctx);
        if (c == NULL)
            continue;
        cm->q[cm->nq].key = cache_part_key(c, rs->rules_id, p->sha256);
        cm->q[cm->nq].sha256 = attachment(p) ? p->sha256 : NULL;
        cm->ps[i].q = ++cm->nq;
    }
    if (c && cm->nq) {
        double t0 = now_ms();
        cm->ok = cache_lookup(c, cm->q, cm->nq, cache_timeout_ms(c)) == 0;
        m->cache.ms += now_ms() - t0;
        if (!cm->ok) {
            m->cache.errors++;
            failure_set(m->hits, MSG_ERR_CACHE);
        }
    }
    cm->imported = cache_ioc_acquire(c);
    return cm;
}

/* first_seen - FIRST_SEEN for an attachment never seen, when it has a weight */
static void first_seen(CACHE_MSG *cm, size_t i, const char *loc)
{
    const PSTATE *ps = &cm->ps[i];
    const SCORE_ENTRY *e = scores_find(cm->rs->scores, "FIRST_SEEN");
    if (!cm->ok || ps->q == 0 || cm->q[ps->q - 1].sha256 == NULL || cm->q[ps->q - 1].seen > 0 ||
        e == NULL || strcmp(e->symbol, "FIRST_SEEN") != 0 || e->weight <= 0)
        return;
    hits_add(cm->m->hits, "FIRST_SEEN", loc, "attachment %.16s seen for the first time",
             cm->m->parts->v[i]->sha256);
}

/* rel_of - the part of s below loc ("" or starting with '>' or '['), or NULL */
static const char *rel_of(const char *s, const char *loc)
{
    size_t n = strlen(loc);
    if (strncmp(s, loc, n) != 0 || (s[n] && s[n] != '>' && s[n] != '['))
        return NULL;
    return s + n;
}

/* clamav_symbol - a finding libclamav's signatures make (refreshed on a partial hit) */
static bool clamav_symbol(const char *symbol)
{
    return strncmp(symbol, "CLAMAV_", 7) == 0;
}

/* restore_value - put a decoded value's findings back below loc (without the CLAMAV_*
 * ones when they are stale) */
static void restore_value(CACHE_MSG *cm, const CACHE_VALUE *v, const char *loc, bool no_clamav)
{
    BUF *b = buf_new(128);
    for (size_t k = 0; k < v->nhits; k++) {
        const CACHE_HIT *h = &v->hits[k];
        if (no_clamav && clamav_symbol(h->symbol))
            continue;
        buf_reset(b);
        buf_printf(b, "%s%s", loc, h->rel);
        HIT *x = hits_add(cm->m->hits, h->symbol, b->data, NULL);
        if (x && x->count == 1) { /* new: the stored detail is sanitized already */
            free(x->detail);
            x->detail = xstrdup(h->detail);
            x->count = h->count;
        }
        if (x && h->has_preset) {
            x->preset = h->preset;
            x->has_preset = true;
        }
        failure_restore(cm->m->hits, x); /* the cause it reports, from the same table */
    }
    for (size_t k = 0; k < v->nurls; k++) {
        buf_reset(b);
        buf_printf(b, "%s%s", loc, v->urls[k].rel);
        url_extract_text(cm->m->urls, v->urls[k].raw, strlen(v->urls[k].raw), b->data);
    }
    for (size_t k = 0; k < v->nlayers; k++) {
        buf_reset(b);
        buf_printf(b, "%s%s", loc, v->layers[k].rel);
        add_lh(cm, b->data, v->layers[k].sha256, v->layers[k].sha1, v->layers[k].md5);
    }
    buf_free(b);
}

/* cache_msg_restore - a usable cached value for part i: restore it (see cache_msg.h) */
int cache_msg_restore(CACHE_MSG *cm, size_t i, const char *loc)
{
    const PART *p = cm->m->parts->v[i];
    PSTATE *ps = &cm->ps[i];
    add_lh(cm, loc, p->sha256, ps->sha1, ps->md5);
    first_seen(cm, i, loc);
    if (!cm->ok || ps->q == 0)
        return CACHE_RESTORE_MISS;
    CACHE_Q *q = &cm->q[ps->q - 1];
    cm->m->cache.part[i] = MSG_CACHE_MISS;
    if (q->val == NULL && !q->bad)
        return CACHE_RESTORE_MISS;
    CACHE_VALUE v;
    BUF *why = buf_new(64);
    int rc = q->bad ? -1 : cache_value_decode(q->val, q->len, &v, why);
    int hit = CACHE_RESTORE_MISS;
    if (rc != 0) {
        cm->m->cache.corrupt++;
        log_warning("ref=%s cache: ignoring the value of part %s: %s", cm->m->ref, p->path,
                    q->bad ? "not a string" : why->data);
    } else if (strcmp(v.ctx, ps->ctx) == 0 && !((v.flags & CACHE_V_ARCHIVE) && cm->passwords)) {
        if (strcmp(v.db, cm->rs->db_stamp) == 0) {
            restore_value(cm, &v, loc, false);
            cm->m->cache.part[i] = MSG_CACHE_HIT;
            hit = CACHE_RESTORE_HIT;
        } else if (!(v.flags & CACHE_V_INNER)) { /* ClamAV's part is stale: rescan it */
            restore_value(cm, &v, loc, true);
            cm->m->cache.part[i] = MSG_CACHE_PARTIAL;
            cache_value_clear(&cm->partial);
            cm->partial = v; /* kept for cache_msg_partial_done */
            cache_value_init(&v);
            cm->ph0 = cm->m->hits->n;
            hit = CACHE_RESTORE_PARTIAL;
            log_debug(LOG_D_CACHE, "ref=%s cache: part %s partial hit (databases %s, now %s)",
                      cm->m->ref, p->path, cm->partial.db, cm->rs->db_stamp);
        }
    }
    if (rc == 0)
        cache_value_clear(&v);
    buf_free(why);
    return hit;
}

/* queue_put - a value to store for part i at loc (when it fits) */
static void queue_put(CACHE_MSG *cm, size_t i, const char *loc, const CACHE_VALUE *v)
{
    BUF *b = buf_new(256);
    cache_value_encode(v, b);
    if (b->len <= CACHE_VALUE_MAX) {
        XGROW(cm->put, cm->nput, cm->capput);
        cm->put[cm->nput++] = (PENDING_PUT){xstrdup(cm->q[cm->ps[i].q - 1].key), xstrdup(loc), b};
    } else {
        buf_free(b);
    }
}

/* value_add_hit - a copy of hit x, located at rel inside the part, appended to v */
static void value_add_hit(CACHE_VALUE *v, const HIT *x, const char *rel)
{
    XGROW(v->hits, v->nhits, v->caphits);
    v->hits[v->nhits++] = (CACHE_HIT){.symbol = xstrdup(x->symbol),
                                      .rel = xstrdup(rel),
                                      .detail = xstrdup(x->detail),
                                      .count = x->count,
                                      .has_preset = x->has_preset,
                                      .preset = x->preset};
}

/* cache_msg_partial_done - after the libclamav rescan of a partial hit: the cached
 * findings with the fresh CLAMAV_* ones, stored again under the current databases' stamp
 * (not when the rescan failed, ok false) */
void cache_msg_partial_done(CACHE_MSG *cm, size_t i, const char *loc, bool ok)
{
    CACHE_VALUE *v = &cm->partial;
    const HITS *h = cm->m->hits;
    size_t keep = 0;
    for (size_t k = 0; k < v->nhits; k++) { /* drop the stale CLAMAV_* findings */
        CACHE_HIT *x = &v->hits[k];
        if (clamav_symbol(x->symbol)) {
            free(x->symbol);
            free(x->rel);
            free(x->detail);
        } else {
            v->hits[keep++] = *x;
        }
    }
    v->nhits = keep;
    for (size_t k = cm->ph0; ok && k < h->n; k++) {
        const HIT *x = &h->v[k];
        const char *rel = rel_of(x->location, loc);
        if (!clamav_symbol(x->symbol))
            continue;
        if (rel == NULL || strlen(rel) > CACHE_REL_MAX || v->nhits >= CACHE_VALUE_HITS) {
            ok = false;
            break;
        }
        value_add_hit(v, x, rel);
    }
    snprintf(v->db, sizeof(v->db), "%s", cm->rs->db_stamp);
    if (ok && cm->ok && cm->ps[i].q)
        queue_put(cm, i, loc, v);
    cache_value_clear(v);
}

/* cache_msg_inner - libclamav scans a buffer below the part being scanned */
void cache_msg_inner(CACHE_MSG *cm)
{
    if (cm)
        cm->inner = true;
}

/* cache_msg_part_start - remember where the message stood before part i is scanned */
void cache_msg_part_start(CACHE_MSG *cm, size_t i)
{
    (void)i;
    MSG *m = cm->m;
    cm->h0 = m->hits->n;
    cm->lh0 = cm->nlh;
    cm->cross0 = m->layers->cross_dups;
    cm->hover0 = m->hits->overflow;
    cm->lover0 = m->layers->overflow;
    cm->uover0 = m->urls->overflow;
    cm->archive = false;
    cm->inner = false;
    free(cm->nwhere0);
    cm->nurls0 = m->urls->n;
    cm->nwhere0 = xcalloc(m->urls->n ? m->urls->n : 1, sizeof(size_t));
    for (size_t k = 0; k < m->urls->n; k++)
        cm->nwhere0[k] = m->urls->v[k]->nwhere;
}

/* cache_msg_layer - a new layer of the part being scanned: its hashes */
void cache_msg_layer(CACHE_MSG *cm, const char *loc, const char *sha256, const unsigned char *data,
                     size_t n)
{
    char sha1[DIGEST_SHA1_HEX_LEN + 1] = "";
    char md5[DIGEST_MD5_HEX_LEN + 1] = "";
    if (!cm->hashes)
        return;
    digest_sha1_md5_hex(data, n, sha1, md5);
    add_lh(cm, loc, sha256, sha1, md5);
}

/* cache_msg_archive - the part being scanned holds something a password could open */
void cache_msg_archive(CACHE_MSG *cm)
{
    cm->archive = true;
}

/* collect_hits - the hits made while scanning the part; false when one is not below it */
static bool collect_hits(CACHE_MSG *cm, const char *loc, CACHE_VALUE *v)
{
    const HITS *h = cm->m->hits;
    for (size_t k = cm->h0; k < h->n; k++) {
        const HIT *x = &h->v[k];
        const char *rel = rel_of(x->location, loc);
        if (rel == NULL || strlen(rel) > CACHE_REL_MAX || (x->err & MSG_ERRS_TRANSIENT))
            return false; /* outside the part, or transient: do not store */
        value_add_hit(v, x, rel);
    }
    return v->nhits <= CACHE_VALUE_HITS;
}

/* collect_urls - the URL places added while scanning; false when one is not below it */
static bool collect_urls(CACHE_MSG *cm, const char *loc, CACHE_VALUE *v)
{
    const URLSET *u = cm->m->urls;
    for (size_t k = 0; k < u->n; k++) {
        const URL *x = u->v[k];
        if (x->nwhere == URL_MAX_WHERE)
            return false; /* places may have been dropped */
        for (size_t w = k < cm->nurls0 ? cm->nwhere0[k] : 0; w < x->nwhere; w++) {
            const char *sp = strrchr(x->where[w], ' ');
            char *where = sp ? xstrndup(x->where[w], (size_t)(sp - x->where[w])) : NULL;
            const char *rel = where ? rel_of(where, loc) : NULL;
            bool ok = rel && strlen(rel) <= CACHE_REL_MAX && strlen(x->raw) <= URL_MAX_LEN;
            if (ok) {
                XGROW(v->urls, v->nurls, v->capurls);
                v->urls[v->nurls++] = (CACHE_URL){xstrdup(rel), xstrdup(x->raw)};
            }
            free(where);
            if (!ok)
                return false;
        }
    }
    return v->nurls <= CACHE_VALUE_URLS;
}

/* collect_layers - the hashes of the part's layers */
static bool collect_layers(CACHE_MSG *cm, const char *loc, CACHE_VALUE *v)
{
    for (size_t k = cm->lh0; k < cm->nlh; k++) {
        const LH *h = &cm->lh[k];
        const char *rel = rel_of(h->loc, loc);
        if (rel == NULL || strlen(rel) > CACHE_REL_MAX)
            return false;
        XGROW(v->layers, v->nlayers, v->caplayers);
        CACHE_LHASH *l = &v->layers[v->nlayers++];
        l->rel = xstrdup(rel);
        memcpy(l->sha256, h->sha256, sizeof(l->sha256));
        memcpy(l->sha1, h->sha1, sizeof(l->sha1));
        memcpy(l->md5, h->md5, sizeof(l->md5));
    }
    return v->nlayers <= CACHE_VALUE_LAYERS;
}

/* cache_msg_part_done - build the value of a scanned part when it may be stored */
void cache_msg_part_done(CACHE_MSG *cm, size_t i, const char *loc)
{
    const MSG *m = cm->m;
    if (!cm->ok || cm->ps[i].q == 0 || (cm->archive && cm->passwords) ||
        m->layers->cross_dups != cm->cross0 || m->hits->overflow != cm->hover0 ||
        m->layers->overflow != cm->lover0 || m->urls->overflow != cm->uover0)
        return;
    CACHE_VALUE v;
    cache_value_init(&v);
    memcpy(v.ctx, cm->ps[i].ctx, sizeof(v.ctx));
    snprintf(v.db, sizeof(v.db), "%s", cm->rs->db_stamp);
    v.flags = (cm->archive ? CACHE_V_ARCHIVE : 0) | (cm->inner ? CACHE_V_INNER : 0);
    if (collect_hits(cm, loc, &v) && collect_urls(cm, loc, &v) && collect_layers(cm, loc, &v))
        queue_put(cm, i, loc, &v);
    cache_value_clear(&v);
}

/* ioc_check - IOC_HASH when one of the three hashes is listed */
static void ioc_check(CACHE_MSG *cm, const LH *h)
{
    const IOCSET *sets[] = {cm->rs->ioc, cm->imported};
    const char *hs[] = {h->sha256, h->sha1, h->md5};
    for (size_t s = 0; s < 2; s++) {
        for (size_t k = 0; k < 3; k++) {
            const char *name = hs[k][0] ? ioc_find(sets[s], hs[k]) : NULL;
            if (name) {
                hits_add(cm->m->hits, "IOC_HASH", h->loc, "%s %s%s%s", ioc_kind(hs[k]), hs[k],
                         *name ? " " : "", name);
                return;
            }
        }
    }
}

/* cache_msg_scanned - every part and layer hash against the IOC hashes */
void cache_msg_scanned(CACHE_MSG *cm)
{
    if (ioc_count(cm->rs->ioc) == 0 && ioc_count(cm->imported) == 0)
        return;
    for (size_t k = 0; k < cm->nlh; k++)
        ioc_check(cm, &cm->lh[k]);
}

/* scored_below - a hit at or below loc has a weight */
static bool scored_below(const HITS *h, const char *loc)
{
    for (size_t k = 0; k < h->n; k++)
        if (h->v[k].weight > 0 && rel_of(h->v[k].location, loc))
            return true;
    return false;
}

/* sightings - one per distinct attachment hash of the message */
static size_t sightings(CACHE_MSG *cm, CACHE_SIGHT *s, char **entries)
{
    const MSG *m = cm->m;
    BUF *b = buf_new(256);
    long long now = (long long)time(NULL);
    const char *from = m->sender ? m->sender : m->hdr.from ? m->hdr.from : "-";
    const char *to = m->rcpts ? m->rcpts : m->hdr.to ? m->hdr.to : "-";
    buf_printf(b, "%s\t%lld\t", m->ref, now);
    str_sanitize(b, from, strlen(from), 300);
    buf_putc(b, '\t');
    str_sanitize(b, to, strlen(to), 1000);
    size_t n = 0;
    for (size_t i = 0; i < m->parts->n; i++) {
        const PART *p = m->parts->v[i];
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(s[k].sha256, p->sha256) == 0;
        if (!attachment(p) || dup)
            continue;
        entries[n] = xstrdup(b->data);
        s[n] = (CACHE_SIGHT){.sha256 = p->sha256,
                             .sha1 = cm->ps[i].sha1,
                             .md5 = cm->ps[i].md5,
                             .entry = entries[n],
                             .when = now};
        n++;
    }
    buf_free(b);
    return n;
}

/* cache_msg_end - store values and sightings after the verdict (see cache/msgcache.h) */
void cache_msg_end(CACHE_MSG *cm)
{
    if (cm == NULL)
        return;
    MSG *m = cm->m;
    const RULESET *rs = cm->rs;
    for (size_t i = 0; i < m->parts->n; i++) {
        if (m->cache.part[i] == MSG_CACHE_HIT || m->cache.part[i] == MSG_CACHE_PARTIAL)
            m->cache.hits++;
        if (m->cache.part[i] == MSG_CACHE_PARTIAL)
            m->cache.partial++;
        else if (m->cache.part[i] == MSG_CACHE_MISS)
            m->cache.misses++;
    }
    if (cm->c && cm->ok) {
        CACHE_PUT *p = xcalloc(cm->nput + 1, sizeof(*p));
        for (size_t k = 0; k < cm->nput; k++) {
            long long ttl = scored_below(m->hits, cm->put[k].loc) ? rs->cfg->cache_ttl_malicious
                                                                  : rs->cfg->cache_ttl_clean;
            p[k] = (CACHE_PUT){.key = cm->put[k].key,
                               .val = cm->put[k].val->data,
                               .len = cm->put[k].val->len,
                               .ttl = ttl};
        }
        CACHE_SIGHT *s = xcalloc(m->parts->n + 1, sizeof(*s));
        char **entries = xcalloc(m->parts->n + 1, sizeof(char *));
        size_t ns = sightings(cm, s, entries);
        double t0 = now_ms();
        double left = cache_timeout_ms(cm->c) - m->cache.ms;
        if (cache_store(cm->c, p, cm->nput, s, ns, left) != 0)
            log_debug(LOG_D_CACHE, "ref=%s cache: store skipped or failed", m->ref);
        m->cache.ms += now_ms() - t0;
        for (size_t k = 0; k < ns; k++)
            free(entries[k]);
        free(entries);
        free(s);
        free(p);
    }
    if (cm->c)
        cache_count(cm->c, m->cache.hits, m->cache.misses, m->cache.corrupt);
    log_debug(LOG_D_CACHE, "ref=%s cache=%s hits=%u misses=%u errors=%u stored=%zu ms=%.1f", m->ref,
              m->cache.backend, m->cache.hits, m->cache.misses, m->cache.errors, cm->nput,
              m->cache.ms);
}

/* cache_msg_free - release the state; accepts NULL, returns NULL */
CACHE_MSG *cache_msg_free(CACHE_MSG *cm)
{
    if (cm == NULL)
        return NULL;
    for (size_t k = 0; k < cm->nq; k++) {
        free(cm->q[k].key);
        free(cm->q[k].val);
    }
    for (size_t k = 0; k < cm->nlh; k++)
        free(cm->lh[k].loc);
    for (size_t k = 0; k < cm->nput; k++) {
        free(cm->put[k].key);
        free(cm->put[k].loc);
        buf_free(cm->put[k].val);
    }
    cache_ioc_release(cm->c, cm->imported);
    cache_value_clear(&cm->partial);
    free(cm->q);
    free(cm->ps);
    free(cm->lh);
    free(cm->put);
    free(cm->nwhere0);
    free(cm);
    return NULL;
}
