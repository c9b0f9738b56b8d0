/*
 * chain - capabilities per attachment, chains, context and facts counted once (see chain.h)
 */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/cap.h"
#include "policy/chain.h"

/* per-hit facts the passes share */
typedef struct INFO {
    const SCORE_ENTRY *e;
    CAP_SET caps;
    bool content;   /* weakened in mention context, capped without a chain */
    bool named;     /* in a ^group (a name or type fact): also a mention in text */
    bool delivered; /* counts for chains (not a mention) */
    bool library;   /* a code finding at or below an exact known library (JS_KNOWN_LIBRARY) */
    size_t key;     /* index of its attachment */
} INFO;

/* chain_key_len - the attachment prefix of a location: up to the first '/' or '>' */
size_t chain_key_len(const char *location)
{
    return strcspn(location, "/>");
}

/* chain_content - a finding about what content does or matches (see chain.h) */
bool chain_content(const char *symbol, const SCORE_ENTRY *e)
{
    if (e && e->nneed > 0)
        return false;
    if (e && e->caps)
        return true;
    static const char *const families[] = {"YARA_",
                                           "CLAMAV_Fileless.Script.",
                                           "CLAMAV_Fileless.Dropper.",
                                           "SCRIPT_",
                                           "PS_",
                                           "BAT_",
                                           "JS_",
                                           "VBS_",
                                           "HTA_",
                                           "WSF_",
                                           "WSH_",
                                           "REG_",
                                           "VBA_",
                                           "XLM_",
                                           "LNK_",
                                           NULL};
    for (int i = 0; families[i]; i++)
        if (strncmp(symbol, families[i], strlen(families[i])) == 0)
            return !(e && e->group); /* a ^group fact (JS_BROWSER_LIBRARY) is no finding */
    return false;
}

/* drop_chain_hits - remove hits of chain symbols (recomputed on every scoring) */
static void drop_chain_hits(const SCORES *s, HITS *hits)
{
    size_t k = 0;
    for (size_t i = 0; i < hits->n; i++) {
        const SCORE_ENTRY *e = scores_find(s, hits->v[i].symbol);
        if (e && e->nneed > 0) {
            free(hits->v[i].symbol);
            free(hits->v[i].location);
            free(hits->v[i].detail);
            continue;
        }
        hits->v[k++] = hits->v[i];
    }
    hits->n = k;
}

/* same_key - two locations in one attachment */
static bool same_key(const char *a, const char *b)
{
    size_t n = chain_key_len(a);
    return n == chain_key_len(b) && strncmp(a, b, n) == 0;
}

/* classify - fill info[] and number the attachments; returns how many */
static size_t classify(const SCORES *s, const HITS *hits, const SCORE_CTX *ctx, INFO *info)
{
    size_t nkeys = 0;
    for (size_t i = 0; i < hits->n; i++) {
        const HIT *h = &hits->v[i];
        INFO *f = &info[i];
        f->e = scores_find(s, h->symbol);
        f->caps = f->e ? f->e->caps : 0;
        f->content = chain_content(h->symbol, f->e);
        f->named = f->e && f->e->group;
        f->delivered = !(ctx->mention && ctx->mention(h->location, ctx->arg)) ||
                       strncmp(h->symbol, "DDE_", 4) == 0;
        f->key = nkeys;
        for (size_t j = 0; j < i; j++)
            if (same_key(hits->v[j].location, h->location)) {
                f->key = info[j].key;
                break;
            }
        if (f->key == nkeys)
            nkeys++;
    }
    /* the code findings (and the URLs read from its code) of a known library's exact file
     * are the library's: no capability, no weight */
    for (size_t i = 0; i < hits->n; i++) {
        if (strcmp(hits->v[i].symbol, "JS_KNOWN_LIBRARY") != 0)
            continue;
        const char *lib = hits->v[i].location;
        size_t ll = strlen(lib);
        for (size_t j = 0; j < hits->n; j++) {
            const char *loc = hits->v[j].location;
            bool code = info[j].content || strncmp(hits->v[j].symbol, "URL_", 4) == 0;
            if (code && strncmp(loc, lib, ll) == 0 && (loc[ll] == 0 || loc[ll] == '>')) {
                info[j].library = true;
                info[j].caps = 0;
            }
        }
    }
    /* a lure makes its whole attachment a delivery */
    for (size_t i = 0; i < hits->n; i++)
        if (info[i].caps & CAP_LURE)
            for (size_t j = 0; j < hits->n; j++)
                if (info[j].key == info[i].key)
                    info[j].delivered = true;
    return nkeys;
}

/* root_len - the attachment root of a location: up to its first '>' */
static size_t root_len(const char *loc)
{
    return strcspn(loc, ">");
}

/* fire - add the hit of chain e in attachment key, naming each group's evidence */
static bool fire(const SCORE_ENTRY *e, HITS *hits, size_t n0, const INFO *info, size_t key)
{
    CAP_SET have = 0;
    size_t first = n0;
    for (size_t i = 0; i < n0; i++)
        if (info[i].key == key && info[i].delivered) {
            have |= info[i].caps;
            if (first == n0)
                first = i;
        }
    for (int g = 0; g < e->nneed; g++)
        if ((have & e->need[g]) == 0)
            return false;
    const char *loc = hits->v[first].location;
    size_t rl = root_len(loc);
    BUF *d = buf_new(128);
    for (int g = 0; g < e->nneed; g++)
        for (size_t i = 0; i < n0; i++) {
            CAP_SET m = info[i].caps & e->need[g];
            if (info[i].key != key || !info[i].delivered || m == 0)
                continue;
            CAP_SET bit = m & -m;
            const char *where = hits->v[i].location;
            where += strncmp(where, loc, rl) == 0 ? rl : 0;
            buf_printf(d, "%s%s=%s%s%s", g ? " " : "", cap_name(bit), hits->v[i].symbol,
                       *where ? "@" : "", where);
            break;
        }
    char *root = xstrndup(loc, rl);
    hits_add(hits, e->symbol, root, "%s", d->data);
    free(root);
    buf_free(d);
    return true;
}

/* budget - cap the weights of the selected hits of one attachment to max together */
static void budget(HITS *hits, const INFO *info, size_t n, size_t key, bool delivered, double max)
{
    double used = 0;
    for (size_t i = 0; i < n; i++) {
        HIT *h = &hits->v[i];
        bool mine = info[i].content || (!delivered && info[i].named);
        if (info[i].key != key || !mine || info[i].delivered != delivered)
            continue;
        if (h->weight <= 0)
            continue;
        double left = max - used;
        h->weight = left <= 0 ? 0 : (h->weight < left ? h->weight : left);
        used += h->weight;
    }
}

/* disguise - a name fact that deceives (a decoy extension, a bidi override): known-good
 * content does not excuse it */
static bool disguise(const char *symbol)
{
    return strcmp(symbol, "FILE_DOUBLE_EXTENSION") == 0 || strcmp(symbol, "FILE_BIDI_NAME") == 0;
}

/* known_place - a ^known hit (JS_BROWSER_LIBRARY) at this location */
static bool known_place(const HITS *hits, const INFO *info, size_t n, const char *loc)
{
    for (size_t i = 0; i < n; i++)
        if (info[i].e && info[i].e->group && strcmp(info[i].e->group, "known") == 0 &&
            strcmp(hits->v[i].location, loc) == 0)
            return true;
    return false;
}

/* one_fact - hits of one ^group count once per message: keep the heaviest */
static void one_fact(HITS *hits, const INFO *info, size_t n, bool block_extensions)
{
    for (size_t i = 0; i < n; i++) {
        const char *g = info[i].e ? info[i].e->group : NULL;
        if (g && strcmp(g, "name") == 0 && !disguise(hits->v[i].symbol) &&
            known_place(hits, info, n, hits->v[i].location))
            hits->v[i].weight = 0; /* the name of known-good content is no danger */
        if (g == NULL || (block_extensions && strcmp(g, "name") == 0))
            continue;
        for (size_t j = i + 1; j < n; j++) {
            const char *o = info[j].e ? info[j].e->group : NULL;
            if (o == NULL || strcmp(o, g) != 0)
                continue;
            if (hits->v[j].weight > hits->v[i].weight) {
                hits->v[i].weight = 0;
                break;
            }
            hits->v[j].weight = 0;
        }
    }
}

/* score_message - see chain.h */
double score_message(const SCORES *s, HITS *hits, const SCORE_CTX *ctx)
{
    static const SCORE_CTX none = {.alone_max = 1e9, .mention_max = 1e9};
    if (ctx == NULL)
        ctx = &none;
    drop_chain_hits(s, hits);
    size_t n0 = hits->n;
    INFO *info = xcalloc(n0 + 1, sizeof(INFO));
    size_t nkeys = classify(s, hits, ctx, info);
    bool *chained = xcalloc(nkeys + 1, sizeof(bool));
    for (size_t k = 0; k < nkeys; k++)
        for (size_t c = 0; c < s->n; c++)
            if (s->v[c].nneed > 0 && fire(&s->v[c], hits, n0, info, k))
                chained[k] = true;
    score_hits(s, hits);
    for (size_t i = 0; i < n0; i++)
        if (info[i].library)
            hits->v[i].weight = 0;
    for (size_t k = 0; k < nkeys; k++) {
        budget(hits, info, n0, k, false, ctx->mention_max);
        if (!chained[k])
            budget(hits, info, n0, k, true, ctx->alone_max);
    }
    one_fact(hits, info, n0, ctx->block_extensions);
    double total = 0;
    for (size_t i = 0; i < hits->n; i++)
        total += hits->v[i].weight;
    free(chained);
    free(info);
    return total;
}
