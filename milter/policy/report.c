/*
 * policy/report - JSON and text renderings of a MSG (see policy/report.h)
 */
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/cap.h"
#include "model/failure.h"
#include "policy/chain.h"
#include "policy/context.h"
#include "policy/report.h"

#define TEXT_FIELD_MAX 200 /* longest sanitized sender string in the text report */

/* key - append ,"name": (no comma before the first key of an object) */
static void key(BUF *o, const char *name, bool first)
{
    if (!first)
        buf_putc(o, ',');
    json_strz(o, name);
    buf_putc(o, ':');
}

/* kv_str - a string field, null when absent */
static void kv_str(BUF *o, const char *name, const char *v, bool first)
{
    key(o, name, first);
    json_strz(o, v);
}

/* kv_num - a numeric field */
static void kv_num(BUF *o, const char *name, double v, bool first)
{
    key(o, name, first);
    buf_printf(o, "%.10g", v);
}

/* kv_bool - a boolean field */
static void kv_bool(BUF *o, const char *name, bool v, bool first)
{
    key(o, name, first);
    buf_puts(o, v ? "true" : "false");
}

/* json_headers - the header facts object */
static void json_headers(BUF *o, const MIME_HEADERS *h)
{
    buf_putc(o, '{');
    kv_str(o, "from", h->from, true);
    kv_str(o, "to", h->to, false);
    kv_str(o, "reply_to", h->reply_to, false);
    kv_str(o, "return_path", h->return_path, false);
    kv_str(o, "subject", h->subject, false);
    kv_str(o, "message_id", h->message_id, false);
    kv_str(o, "date", h->date, false);
    kv_num(o, "received_count", h->received_count, false);
    kv_num(o, "header_bytes", (double)h->header_bytes, false);
    buf_putc(o, '}');
}

/* cache_state - the per-part cache token */
static const char *cache_state(const MSG *m, size_t i)
{
    static const char *const names[] = {"off", "hit", "miss", "partial"};
    unsigned v = m->cache.part ? m->cache.part[i] : MSG_CACHE_OFF;
    return v < 4 ? names[v] : "off";
}

/* json_part - one PART object */
static void json_part(BUF *o, const PART *p, const char *cache)
{
    buf_putc(o, '{');
    kv_str(o, "path", p->path, true);
    kv_str(o, "kind", part_kind_name(p->kind), false);
    kv_str(o, "origin", part_origin_name(p->origin), false);
    kv_num(o, "depth", p->depth, false);
    kv_str(o, "content_type", p->content_type, false);
    kv_str(o, "disposition", p->disposition, false);
    kv_str(o, "filename", p->filename, false);
    kv_str(o, "charset", p->charset, false);
    kv_str(o, "encoding", p->encoding, false);
    kv_num(o, "size", (double)p->size, false);
    kv_bool(o, "truncated", p->truncated, false);
    kv_str(o, "sha256", p->kind == PART_LEAF && p->data ? p->sha256 : NULL, false);
    kv_str(o, "detected", p->kind == PART_LEAF ? p->ft.name : NULL, false);
    kv_str(o, "detected_sub", p->kind == PART_LEAF ? p->ft.sub : NULL, false);
    kv_str(o, "lang", p->kind == PART_LEAF ? p->ft.lang : NULL, false);
    kv_bool(o, "type_mismatch", p->type_mismatch, false);
    kv_str(o, "cache", cache, false);
    buf_putc(o, '}');
}

/* url_flag_names - report tokens for URL flags, in bit order */
static const char *const url_flag_names[] = {"userinfo", "defanged", "ip",        "ip_obfuscated",
                                             "idn",      "long",     "no_scheme", "html"};

/* json_url - one URL object */
static void json_url(BUF *o, const URL *u)
{
    buf_putc(o, '{');
    kv_str(o, "url", u->normalized, true);
    kv_str(o, "raw", u->raw, false);
    kv_str(o, "scheme", u->scheme, false);
    kv_str(o, "host", u->host, false);
    kv_str(o, "host_unicode", u->host_unicode, false);
    kv_str(o, "ip", u->ip, false);
    kv_str(o, "userinfo", u->userinfo, false);
    kv_str(o, "text", u->text, false);
    key(o, "flags", false);
    buf_putc(o, '[');
    bool first = true;
    for (size_t i = 0; i < sizeof(url_flag_names) / sizeof(url_flag_names[0]); i++) {
        if (u->flags & (1u << i)) {
            if (!first)
                buf_putc(o, ',');
            json_strz(o, url_flag_names[i]);
            first = false;
        }
    }
    buf_putc(o, ']');
    key(o, "found", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < u->nwhere; i++) {
        if (i)
            buf_putc(o, ',');
        json_strz(o, u->where[i]);
    }
    buf_puts(o, "]}");
}

/* json_layer - one LAYER object */
static void json_layer(BUF *o, const LAYER *y)
{
    buf_putc(o, '{');
    kv_str(o, "location", y->location, true);
    kv_str(o, "part", y->part, false);
    kv_str(o, "name", y->name, false);
    kv_str(o, "engine_type", y->engine_type, false);
    kv_str(o, "detected", y->ft.name, false);
    kv_str(o, "detected_sub", y->ft.sub, false);
    kv_str(o, "lang", y->ft.lang, false);
    kv_num(o, "depth", y->depth, false);
    kv_num(o, "size", (double)y->size, false);
    kv_str(o, "sha256", y->sha256, false);
    kv_bool(o, "encrypted", y->encrypted, false);
    buf_putc(o, '}');
}

/* json_vba - one VBA module (not its source: -t --extract writes that) */
static void json_vba(BUF *o, const VBA_MODULE *v)
{
    buf_putc(o, '{');
    kv_str(o, "location", v->location, true);
    kv_str(o, "part", v->part, false);
    kv_str(o, "name", v->name, false);
    kv_num(o, "size", (double)v->len, false);
    kv_str(o, "sha256", v->sha256, false);
    buf_putc(o, '}');
}

/* json_hit - one HIT object */
static void json_hit(BUF *o, const HIT *h)
{
    buf_putc(o, '{');
    kv_str(o, "symbol", h->symbol, true);
    kv_num(o, "weight", h->weight, false);
    kv_str(o, "location", h->location, false);
    kv_str(o, "detail", h->detail, false);
    kv_num(o, "count", h->count, false);
    buf_putc(o, '}');
}

/* behaviour_of - capabilities of a hit (0: none) and whether it is a chain */
static unsigned behaviour_of(const RULESET *rs, const HIT *h, bool *chain)
{
    const SCORE_ENTRY *e = scores_find(rs->scores, h->symbol);
    *chain = e && e->nneed > 0;
    return e ? e->caps : 0;
}

#define NO_HIT ((size_t)-1)

/* the hits grouped by attachment (chain_key_len of the location), in one pass: the
 * attachments in the order of their first hit, each one's hits in hit order */
typedef struct GROUPS {
    size_t n;       /* attachments */
    size_t *first;  /* per attachment: its first hit */
    size_t *next;   /* per hit: the next hit of its attachment, or NO_HIT */
    bool *any;      /* per attachment: a hit with capabilities or a chain */
    bool *lure;     /* per attachment: a hit with the LURE capability */
    unsigned *caps; /* per hit: its capabilities */
    bool *chain;    /* per hit: it is a chain */
} GROUPS;

/* key_hash - FNV-1a of an attachment key */
static size_t key_hash(const char *s, size_t n)
{
    size_t x = 2166136261u;
    for (size_t i = 0; i < n; i++)
        x = (x ^ (unsigned char)s[i]) * 16777619u;
    return x;
}

/* groups_new - group the hits (linear: one hash lookup per hit) */
static GROUPS *groups_new(const HITS *h, const RULESET *rs)
{
    GROUPS *g = xcalloc(1, sizeof(*g));
    size_t cap = 16;
    while (cap < 2 * h->n)
        cap *= 2;
    size_t *slot = xmalloc(cap * sizeof(*slot)); /* attachment numbers, NO_HIT: free */
    size_t *last = xcalloc(h->n + 1, sizeof(*last));
    for (size_t i = 0; i < cap; i++)
        slot[i] = NO_HIT;
    g->first = xcalloc(h->n + 1, sizeof(*g->first));
    g->next = xcalloc(h->n + 1, sizeof(*g->next));
    g->any = xcalloc(h->n + 1, sizeof(*g->any));
    g->lure = xcalloc(h->n + 1, sizeof(*g->lure));
    g->caps = xcalloc(h->n + 1, sizeof(*g->caps));
    g->chain = xcalloc(h->n + 1, sizeof(*g->chain));
    for (size_t i = 0; i < h->n; i++) {
        const char *loc = h->v[i].location;
        size_t n = chain_key_len(loc);
        size_t k = key_hash(loc, n) & (cap - 1);
        while (slot[k] != NO_HIT) {
            const char *other = h->v[g->first[slot[k]]].location;
            if (chain_key_len(other) == n && strncmp(other, loc, n) == 0)
                break;
            k = (k + 1) & (cap - 1);
        }
        if (slot[k] == NO_HIT) {
            slot[k] = g->n;
            g->first[g->n++] = i;
        } else {
            g->next[last[slot[k]]] = i;
        }
        size_t a = slot[k];
        last[a] = i;
        g->next[i] = NO_HIT;
        g->caps[i] = behaviour_of(rs, &h->v[i], &g->chain[i]);
        g->any[a] = g->any[a] || g->caps[i] || g->chain[i];
        g->lure[a] = g->lure[a] || (g->caps[i] & CAP_LURE);
    }
    free(slot);
    free(last);
    return g;
}

/* groups_free - release; returns NULL */
static GROUPS *groups_free(GROUPS *g)
{
    if (g == NULL)
        return NULL;
    free(g->first);
    free(g->next);
    free(g->any);
    free(g->lure);
    free(g->caps);
    free(g->chain);
    free(g);
    return NULL;
}

/* where - the context of hit j: a lure in its attachment makes every place a delivery */
static const char *where(const MSG *m, bool lure, size_t j)
{
    if (lure)
        return "delivery";
    return context_mention(m->parts, m->hits->v[j].location) ? "mention" : "delivery";
}

/* json_behaviour - per attachment: its capabilities with places and the chains fired */
static void json_behaviour(BUF *o, const MSG *m, const RULESET *rs)
{
    const HITS *h = m->hits;
    GROUPS *g = groups_new(h, rs);
    bool first = true;
    buf_putc(o, '[');
    for (size_t a = 0; a < g->n; a++) {
        if (!g->any[a])
            continue;
        size_t i = g->first[a];
        buf_puts(o, first ? "{" : ",{");
        first = false;
        key(o, "attachment", true);
        json_str(o, h->v[i].location, chain_key_len(h->v[i].location));
        key(o, "capabilities", false);
        buf_putc(o, '[');
        BUF *chains = buf_new(64);
        bool fc = true;
        bool fch = true;
        for (size_t j = i; j != NO_HIT; j = g->next[j]) {
            if (g->chain[j]) {
                buf_puts(chains, fch ? "{" : ",{");
                fch = false;
                kv_str(chains, "symbol", h->v[j].symbol, true);
                kv_num(chains, "weight", h->v[j].weight, false);
                kv_str(chains, "location", h->v[j].location, false);
                kv_str(chains, "detail", h->v[j].detail, false);
                buf_putc(chains, '}');
            }
            if (g->caps[j] == 0)
                continue;
            BUF *names = buf_new(32);
            cap_format(g->caps[j], names);
            buf_puts(o, fc ? "{" : ",{");
            fc = false;
            kv_str(o, "capabilities", names->data, true);
            kv_str(o, "symbol", h->v[j].symbol, false);
            kv_str(o, "location", h->v[j].location, false);
            kv_str(o, "context", where(m, g->lure[a], j), false);
            buf_putc(o, '}');
            buf_free(names);
        }
        buf_putc(o, ']');
        key(o, "chains", false);
        buf_printf(o, "[%s]}", chains->data);
        buf_free(chains);
    }
    buf_putc(o, ']');
    groups_free(g);
}

/* json_limits - the configured limits and the ones this message exceeded */
static void json_limits(BUF *o, const MSG *m, const CONFIG *c)
{
    buf_putc(o, '{');
    kv_num(o, "max_message_size", (double)c->max_message_size, true);
    kv_num(o, "max_header_bytes", (double)c->max_header_bytes, false);
    kv_num(o, "max_header_field_bytes", (double)c->max_header_field_bytes, false);
    kv_num(o, "max_mime_depth", (double)c->max_mime_depth, false);
    kv_num(o, "max_parts", (double)c->max_parts, false);
    kv_num(o, "max_part_bytes", (double)c->max_part_bytes, false);
    kv_num(o, "max_total_bytes", (double)c->max_total_bytes, false);
    kv_num(o, "max_urls", (double)c->max_urls, false);
    kv_num(o, "max_layers", (double)c->max_layers, false);
    key(o, "exceeded", false);
    buf_putc(o, '[');
    bool first = true;
    MSG_ERRS limits = failure_limits();
    for (size_t i = 0; i < m->hits->n; i++) {
        const char *s = m->hits->v[i].symbol;
        if (!(m->hits->v[i].err & limits))
            continue;
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = m->hits->v[j].err == m->hits->v[i].err;
        if (dup)
            continue;
        if (!first)
            buf_putc(o, ',');
        json_strz(o, s);
        first = false;
    }
    buf_puts(o, "]}");
}

/* report_json - one JSON object per message (see report.h) */
void report_json(BUF *o, const char *file, const MSG *m, const RULESET *rs)
{
    buf_putc(o, '{');
    kv_str(o, "file", file, true);
    kv_str(o, "ref", m->ref, false);
    kv_str(o, "verdict", verdict_name(m->verdict), false);
    kv_num(o, "score", m->score, false);
    kv_num(o, "size", (double)m->size, false);
    kv_num(o, "scanned", (double)m->scanned, false);
    kv_str(o, "ruleset", rs->id, false);
    kv_str(o, "policy", m->policy ? m->policy : "default", false);
    key(o, "headers", false);
    json_headers(o, &m->hdr);
    key(o, "parts", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->parts->n; i++) {
        if (i)
            buf_putc(o, ',');
        json_part(o, m->parts->v[i], cache_state(m, i));
    }
    buf_putc(o, ']');
    key(o, "layers", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->layers->n; i++) {
        if (i)
            buf_putc(o, ',');
        json_layer(o, m->layers->v[i]);
    }
    buf_putc(o, ']');
    key(o, "vba", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->layers->nvba; i++) {
        if (i)
            buf_putc(o, ',');
        json_vba(o, m->layers->vba[i]);
    }
    buf_putc(o, ']');
    key(o, "urls", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->urls->n; i++) {
        if (i)
            buf_putc(o, ',');
        json_url(o, m->urls->v[i]);
    }
    buf_putc(o, ']');
    key(o, "hits", false);
    buf_putc(o, '[');
    for (size_t i = 0; i < m->hits->n; i++) {
        if (i)
            buf_putc(o, ',');
        json_hit(o, &m->hits->v[i]);
    }
    buf_putc(o, ']');
    key(o, "behaviour", false);
    json_behaviour(o, m, rs);
    key(o, "limits", false);
    json_limits(o, m, rs->cfg);
    key(o, "cache", false);
    buf_putc(o, '{');
    kv_str(o, "backend", m->cache.backend, true);
    kv_num(o, "hits", m->cache.hits, false);
    kv_num(o, "misses", m->cache.misses, false);
    kv_num(o, "errors", m->cache.errors, false);
    kv_num(o, "corrupt", m->cache.corrupt, false);
    key(o, "ms", false);
    buf_printf(o, "%.3f}", m->cache.ms);
    kv_num(o, "engine_calls", m->engine_calls, false);
    if (m->dns.questions) { /* URL reputation asked block lists (uribl_zones) */
        key(o, "dns", false);
        buf_putc(o, '{');
        kv_num(o, "questions", m->dns.questions, true);
        kv_num(o, "cached", m->dns.cached, false);
        kv_num(o, "sent", m->dns.sent, false);
        kv_num(o, "answered", m->dns.answered, false);
        kv_num(o, "timeouts", m->dns.timeouts, false);
        kv_num(o, "errors", m->dns.errors, false);
        kv_num(o, "listed", m->dns.listed, false);
        key(o, "wait_ms", false);
        buf_printf(o, "%.3f}", m->dns.wait_ms);
    }
    key(o, "ms", false);
    buf_printf(o, "%.3f", m->ms);
    buf_puts(o, "}\n");
}

/* san - append sanitized sender text, or "-" */
static void san(BUF *o, const char *s)
{
    if (s == NULL)
        buf_putc(o, '-');
    else
        str_sanitize(o, s, strlen(s), TEXT_FIELD_MAX);
}

/* text_part - one line per part, indented by depth */
static void text_part(BUF *o, const PART *p, const char *cache)
{
    buf_printf(o, "  %*s%-10s ", p->depth * 2, "", p->path);
    san(o, p->content_type);
    if (p->filename) {
        buf_puts(o, " name=\"");
        san(o, p->filename);
        buf_putc(o, '"');
    }
    if (p->kind == PART_LEAF) {
        buf_printf(o, " %zu bytes, %s", p->size, p->ft.name);
        if (p->ft.sub)
            buf_printf(o, "/%s", p->ft.sub);
        if (p->ft.lang)
            buf_printf(o, " (%s)", p->ft.lang);
        if (p->type_mismatch)
            buf_puts(o, " TYPE-MISMATCH");
        if (p->truncated)
            buf_puts(o, " TRUNCATED");
        if (p->data)
            buf_printf(o, " sha256=%.16s cache=%s", p->sha256, cache);
    }
    if (p->origin != PART_MIME)
        buf_printf(o, " [%s]", part_origin_name(p->origin));
    buf_putc(o, '\n');
}

/* text_layers - the layers and VBA modules found below one part, by depth */
static void text_layers(BUF *o, const MSG *m, const PART *p)
{
    for (size_t i = 0; i < m->layers->n; i++) {
        const LAYER *y = m->layers->v[i];
        if (strcmp(y->part, p->path) != 0)
            continue;
        buf_printf(o, "  %*s> ", (p->depth + y->depth) * 2, "");
        san(o, y->location);
        buf_printf(o, "  %zu bytes, %s", y->size, y->ft.name);
        if (y->ft.sub)
            buf_printf(o, "/%s", y->ft.sub);
        if (y->ft.lang)
            buf_printf(o, " (%s)", y->ft.lang);
        buf_printf(o, "%s sha256=%.16s\n", y->encrypted ? " ENCRYPTED" : "", y->sha256);
    }
    for (size_t i = 0; i < m->layers->nvba; i++) {
        const VBA_MODULE *v = m->layers->vba[i];
        if (strcmp(v->part, p->path) != 0)
            continue;
        buf_printf(o, "  %*s> ", (p->depth + 1) * 2, "");
        san(o, v->location);
        buf_printf(o, "  VBA %zu bytes\n", v->len);
    }
}

/* text_behaviour - per attachment: capabilities with their places, then the chains */
static void text_behaviour(BUF *o, const MSG *m, const RULESET *rs)
{
    const HITS *h = m->hits;
    GROUPS *g = groups_new(h, rs);
    bool header = false;
    for (size_t a = 0; a < g->n; a++) {
        if (!g->any[a])
            continue;
        size_t i = g->first[a];
        if (!header)
            buf_puts(o, "behaviour:\n");
        header = true;
        buf_printf(o, "  attachment %.*s\n", (int)chain_key_len(h->v[i].location),
                   h->v[i].location);
        for (size_t j = i; j != NO_HIT; j = g->next[j]) {
            if (g->caps[j] == 0)
                continue;
            BUF *names = buf_new(32);
            cap_format(g->caps[j], names);
            buf_printf(o, "    %-28s %s @ ", names->data, h->v[j].symbol);
            san(o, h->v[j].location);
            buf_puts(o, strcmp(where(m, g->lure[a], j), "mention") == 0 ? " (mention)\n" : "\n");
            buf_free(names);
        }
        for (size_t j = i; j != NO_HIT; j = g->next[j])
            if (g->chain[j])
                buf_printf(o, "    chain %s %+.2f: %s\n", h->v[j].symbol, h->v[j].weight,
                           h->v[j].detail);
    }
    groups_free(g);
}

/* report_text - readable report (see report.h) */
void report_text(BUF *o, const char *file, const MSG *m, const RULESET *rs)
{
    buf_puts(o, "file: ");
    san(o, file);
    buf_printf(o, "\nref %s  verdict=%s score=%.2f  size=%zu parts=%zu urls=%zu ms=%.1f rules=%s\n",
               m->ref, verdict_name(m->verdict), m->score, m->size, m->parts->n, m->urls->n, m->ms,
               rs->id);
    buf_printf(o, "cache: %s hits=%u misses=%u errors=%u  engine_calls=%u\n", m->cache.backend,
               m->cache.hits, m->cache.misses, m->cache.errors, m->engine_calls);
    buf_puts(o, "from: ");
    san(o, m->hdr.from);
    buf_puts(o, "\nsubject: ");
    san(o, m->hdr.subject);
    buf_puts(o, "\nparts:\n");
    for (size_t i = 0; i < m->parts->n; i++) {
        text_part(o, m->parts->v[i], cache_state(m, i));
        text_layers(o, m, m->parts->v[i]);
    }
    if (m->urls->n)
        buf_puts(o, "urls:\n");
    for (size_t i = 0; i < m->urls->n; i++) {
        const URL *u = m->urls->v[i];
        buf_puts(o, "  ");
        san(o, u->normalized);
        if (u->text) {
            buf_puts(o, "  text=\"");
            san(o, u->text);
            buf_putc(o, '"');
        }
        buf_printf(o, "  (%s)\n", u->nwhere ? u->where[0] : "");
    }
    if (m->hits->n)
        buf_puts(o, "hits:\n");
    for (size_t i = 0; i < m->hits->n; i++) {
        const HIT *h = &m->hits->v[i];
        buf_printf(o, "  %+6.2f %s @ ", h->weight, h->symbol);
        san(o, h->location);
        buf_printf(o, ": %s\n", h->detail);
    }
    text_behaviour(o, m, rs);
}
