/*
 * scan/scan - the engines over a message (see scan/scan.h)
 *
 * Encrypted archives are queued while libclamav runs and opened afterwards, so that no
 * libclamav scan is started from inside another scan's callback. Each queued archive
 * is a private copy bounded by max_part_bytes, and the queue is bounded by the layer
 * limit, so a message full of small encrypted zips cannot grow memory without bound.
 *
 * Encrypted Office files (officecrypt.c) are queued the same way but opened as soon as
 * the part that holds them is done, before its findings are handed to the cache: the
 * default password VelvetSweatshop is always tried, so what the decrypted file holds
 * belongs to the part's findings even when the message states no password. CHM help
 * files (chm.c, libmspack) share that queue: their members are scanned as layers
 * `<chm location>>member` once libclamav is done with the part.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/archive.h"
#include "cache/msgcache.h"
#include "core/digest.h"
#include "model/filetype.h"
#include "heur/heur.h"
#include "heur/file.h"
#include "heur/url.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "heur/vba.h"
#include "heur/xlm.h"
#include "heur/lnk.h"
#include "heur/lure.h"
#include "emu/emulate.h"
#include "mime/passwords.h"
#include "scan/scan.h"
#include "scan/chm.h"
#include "scan/clamav.h"
#include "scan/officecrypt.h"
#include "scan/yara.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define LOCATION_NAME_MAX 128

typedef struct PENDING {
    char *location;
    char *part;
    char *name; /* the file's name (Office queue), or NULL */
    bool chm;   /* after-part queue: a CHM, not an Office file */
    int depth;
    int pwdepth;
    unsigned char *data;
    size_t n;
} PENDING;

typedef struct SCAN {
    MSG *m;
    CACHE_MSG *cm; /* cache lookups, layer hashes, values to store */
    const RULESET *rs;
    char *pw[ARCHIVE_MAX_PASSWORDS];
    size_t npw;
    PENDING *q;
    size_t nq, capq;
    PENDING *oq; /* encrypted Office files and CHMs: opened after each part */
    size_t noq, capoq, oq_done;
    uint64_t rounds_left; /* office_decrypt_max_rounds not yet spent */
    int pwdepth;          /* password-opened archives above the buffer being scanned */
    int decode;           /* decoded layers above the buffer being analysed */
    bool encrypted;       /* the buffer came out of a password-opened archive */
} SCAN;

typedef struct MATCH_CTX {
    SCAN *s;
    const char *location;
} MATCH_CTX;

static void scan_buffer(SCAN *s, const char *location, const char *part, const char *filename,
                        const FILETYPE *ft, int depth, const unsigned char *data, size_t n);
static void analyse(SCAN *s, const char *location, const char *part, const FILE_FACTS *facts,
                    const FILETYPE *ft, int depth, const unsigned char *data, size_t n);
static const char *part_type(const SCAN *s, const char *path);
static bool textual(const FILETYPE *ft);
static void scan_buffer(SCAN *s, const char *location, const char *part, const char *filename,
                        const FILETYPE *ft, int depth, const unsigned char *data, size_t n);

/* scan_part_location - "path" or "path/filename" (see scan.h) */
char *scan_part_location(const PART *p)
{
    if (p->filename == NULL || *p->filename == 0)
        return xstrdup(p->path);
    BUF *b = buf_new(64);
    buf_printf(b, "%s/", p->path);
    str_sanitize(b, p->filename, strlen(p->filename), LOCATION_NAME_MAX);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* on_match - a YARA rule matched: YARA_<rule> at the location, with its own score */
static void on_match(void *ctx, const char *ns, const char *rule, int has_score, double score,
                     const char *description)
{
    MATCH_CTX *mc = ctx;
    char *symbol = xasprintf("YARA_%s", rule);
    HIT *h = hits_add(mc->s->m->hits, symbol, mc->location, "%s:%s%s%s", ns, rule,
                      description ? " " : "", description ? description : "");
    if (h && has_score) {
        h->preset = score;
        h->has_preset = true;
    }
    free(symbol);
}

/* run_yara - match the rules against one buffer with its context variables */
static void run_yara(SCAN *s, const unsigned char *data, size_t n, const char *filename,
                     const char *filetype, const char *location, int depth)
{
    char ext[40];
    snprintf(ext, sizeof(ext), "%s", filename ? filetype_ext(filename) : "");
    YARA_VARS v = {filename, ext, filetype, location, depth};
    MATCH_CTX mc = {s, location};
    BUF *err = buf_new(64);
    s->m->engine_calls++;
    if (yara_scan(s->rs->yara, data, n, &v, on_match, &mc, err) != 0)
        hits_add(s->m->hits, "SCAN_ERROR", location, "yara: %s", err->data);
    buf_free(err);
}

/* archive_like - containers libarchive can open with a password */
static bool archive_like(const FILETYPE *ft)
{
    return strcmp(ft->name, "zip") == 0 || strcmp(ft->name, "7z") == 0 ||
           strcmp(ft->name, "rar") == 0;
}

/* queue_archive - keep a copy of an archive to retry with passwords after the scan */
static void queue_archive(SCAN *s, const char *location, const char *part, int depth,
                          const unsigned char *data, size_t n)
{
    cache_msg_archive(s->cm); /* findings now depend on the message's passwords */
    if (s->npw == 0 || s->pwdepth >= SCAN_MAX_PW_DEPTH || s->nq >= s->m->layers->max ||
        n > (size_t)s->rs->cfg->max_part_bytes)
        return;
    unsigned char *copy = try_malloc(n);
    if (copy == NULL)
        return;
    memcpy(copy, data, n);
    XGROW(s->q, s->nq, s->capq);
    s->q[s->nq++] =
        (PENDING){xstrdup(location), xstrdup(part), NULL, false, depth, s->pwdepth + 1, copy, n};
}

/*
 * queue_office - keep a copy of an encrypted Office file to open after the part; one that
 * cannot be kept (nesting, size, memory) is reported encrypted now
 */
static void queue_office(SCAN *s, const char *location, const char *part, const char *name,
                         int depth, const unsigned char *data, size_t n)
{
    if (!officecrypt_detect(data, n))
        return;
    if (s->npw > 0)
        cache_msg_archive(s->cm); /* a stated password may open it */
    unsigned char *copy = NULL;
    if (s->pwdepth >= SCAN_MAX_PW_DEPTH || s->noq >= s->m->layers->max ||
        n > (size_t)s->rs->cfg->max_part_bytes || (copy = try_malloc(n)) == NULL) {
        hits_add(s->m->hits, "DOC_ENCRYPTED", location,
                 "encrypted Office document not opened (nesting or size limit)");
        return;
    }
    memcpy(copy, data, n);
    XGROW(s->oq, s->noq, s->capoq);
    s->oq[s->noq++] = (PENDING){.location = xstrdup(location),
                                .part = xstrdup(part),
                                .name = name ? xstrdup(name) : NULL,
                                .depth = depth,
                                .pwdepth = s->pwdepth + 1,
                                .data = copy,
                                .n = n};
}

/* queue_chm - keep a copy of a CHM to unpack after the part (not from inside libclamav) */
static void queue_chm(SCAN *s, const char *location, const char *part, int depth,
                      const unsigned char *data, size_t n)
{
    unsigned char *copy = NULL;
    if (s->pwdepth >= SCAN_MAX_PW_DEPTH || s->noq >= s->m->layers->max ||
        n > (size_t)s->rs->cfg->max_part_bytes || (copy = try_malloc(n)) == NULL) {
        hits_add(s->m->hits, "LIMIT_CHM_NOT_OPENED", location,
                 "CHM members not unpacked by name (nesting or size limit)");
        return;
    }
    memcpy(copy, data, n);
    XGROW(s->oq, s->noq, s->capoq);
    s->oq[s->noq++] = (PENDING){.location = xstrdup(location),
                                .part = xstrdup(part),
                                .chm = true,
                                .depth = depth,
                                .pwdepth = s->pwdepth + 1,
                                .data = copy,
                                .n = n};
}

/* on_layer - libclamav unpacked a new layer: YARA it, and queue it if it is an archive */
static void on_layer(void *ctx, const LAYER *layer, const unsigned char *data, size_t n)
{
    SCAN *s = ctx;
    cache_msg_layer(s->cm, layer->location, layer->sha256, data, n);
    run_yara(s, data, n, layer->name, layer->ft.lang ? layer->ft.lang : layer->ft.name,
             layer->location, layer->depth);
    FILE_FACTS f = {layer->name,  &layer->ft, NULL, false, layer->depth, part_type(s, layer->part),
                    s->encrypted, NULL,       0};
    analyse(s, layer->location, layer->part, &f, &layer->ft, layer->depth, data, n);
    if (archive_like(&layer->ft))
        queue_archive(s, layer->location, layer->part, layer->depth, data, n);
    if (strcmp(layer->ft.name, "ole2") == 0)
        queue_office(s, layer->location, layer->part, layer->name, layer->depth, data, n);
    else if (strcmp(layer->ft.name, "chm") == 0)
        queue_chm(s, layer->location, layer->part, layer->depth, data, n);
}

/* on_vba - a new VBA module: YARA over its source */
static void on_vba(void *ctx, const VBA_MODULE *module)
{
    SCAN *s = ctx;
    run_yara(s, (const unsigned char *)module->source, module->len, module->name, "vba",
             module->location, 1);
}

/* heur_ctx - the context every analyser gets for one buffer */
static HEUR_CTX heur_ctx(SCAN *s, const char *location, void *emit_ctx);

typedef struct EMIT_CTX {
    SCAN *s;
    const char *location;
    const char *part;
    int depth;
} EMIT_CTX;

/*
 * on_decoded - an analyser decoded a layer (base64, -EncodedCommand, char codes ...):
 * record it, run YARA on it and analyse it again, max_decode_depth levels deep.
 */
static void on_decoded(void *ctx, const char *how, const char *lang, const unsigned char *data,
                       size_t n)
{
    EMIT_CTX *e = ctx;
    SCAN *s = e->s;
    if (n == 0)
        return;
    if (s->decode >= s->rs->cfg->max_decode_depth) { /* never a silent stop (design 13) */
        hits_add(s->m->hits, "LIMIT_DECODE_DEPTH", e->location,
                 "a %s layer below %d decoded levels was not analysed", how,
                 (int)s->rs->cfg->max_decode_depth);
        return;
    }
    char *loc = xasprintf("%s>decoded:%s", e->location, how);
    char sha[65];
    digest_sha256_hex(data, n, sha);
    LAYER *y = layers_add(s->m->layers, loc, sha);
    if (y) {
        cache_msg_layer(s->cm, loc, sha, data, n);
        y->part = xstrdup(e->part);
        y->engine_type = xstrdup("decoded");
        y->depth = e->depth + 1;
        y->size = n;
        filetype_sniff(data, n, NULL, &y->ft);
        if (lang && y->ft.lang == NULL && y->ft.is_text)
            y->ft.lang = lang, y->ft.name = "script";
        FILETYPE ft = y->ft;
        s->decode++;
        if (textual(&ft) || strncmp(how, "emu-", 4) != 0) /* a file an emulated script */
            run_yara(s, data, n, NULL, ft.lang ? ft.lang : ft.name, loc, y->depth);
        else /* built (the zip a smuggling page saves) is unpacked like a part */
            scan_buffer(s, loc, e->part, NULL, &ft, y->depth, data, n);
        analyse(s, loc, e->part, NULL, &ft, y->depth, data, n); /* file tricks: not for decoded */
        s->decode--;
    }
    free(loc);
}

/* heur_ctx - the context every analyser gets for one buffer */
static HEUR_CTX heur_ctx(SCAN *s, const char *location, void *emit_ctx)
{
    const CONFIG *c = s->rs->cfg;
    return (HEUR_CTX){s->m->hits,
                      location,
                      s->rs->lists,
                      on_decoded,
                      emit_ctx,
                      s->decode,
                      (size_t)c->max_decoded_bytes,
                      (size_t)c->min_base64_len};
}

/* part_type - detected type of the part a layer came from (its outermost container) */
static const char *part_type(const SCAN *s, const char *path)
{
    for (size_t i = 0; i < s->m->parts->n; i++)
        if (strcmp(s->m->parts->v[i]->path, path) == 0)
            return s->m->parts->v[i]->ft.name;
    return NULL;
}

/* textual - the analysers that read text apply */
static bool textual(const FILETYPE *ft)
{
    return ft->is_text || ft->lang != NULL;
}

/*
 * analyse - our analysers over one buffer: file tricks, shortcuts, scripts (with their
 * decoded layers), registry droppers, XLM sheets, and the URLs in script text
 */
static void analyse(SCAN *s, const char *location, const char *part, const FILE_FACTS *facts,
                    const FILETYPE *ft, int depth, const unsigned char *data, size_t n)
{
    EMIT_CTX e = {s, location, part, depth};
    HEUR_CTX c = heur_ctx(s, location, &e);
    const char *filename = facts ? facts->filename : NULL;
    if (facts) {
        FILE_FACTS f = *facts; /* HTML smuggling is read from the bytes of any HTML file */
        bool markup = strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0 ||
                      (ft->lang && strcmp(ft->lang, "hta") == 0);
        if (f.text == NULL && markup)
            f.text = (const char *)data, f.text_len = n;
        heur_file(&c, &f);
    }
    if (strcmp(ft->name, "lnk") == 0)
        heur_lnk(&c, data, n);
    if (ft->lang || strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0) {
        const char *type = ft->lang ? ft->lang : ft->name;
        heur_script(&c, type, data, n);
        if (emu_wanted(location, type)) /* run it: what it builds comes back as layers */
            emu_script(&c, s->rs->cfg, type, data, n);
    }
    if (textual(ft) || strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0)
        heur_lure(&c, data, n);
    if (textual(ft)) {
        heur_registry(&c, (const char *)data, n);
        if (filename && str_iends(filename, ".xml"))
            heur_xlm(&c, data, n);
        if (ft->lang || depth > 0)
            url_extract_text(s->m->urls, (const char *)data, n, location);
    } else if (ft->sub && strcmp(ft->sub, "xls") == 0) {
        heur_xlm(&c, data, n);
    }
}

/* analyse_vba - one project's modules together, at the document's location */
static void analyse_vba(SCAN *s, size_t from)
{
    LAYERS *l = s->m->layers;
    for (size_t i = from; i < l->nvba; i++) {
        const char *doc = l->vba[i]->location;
        const char *cut = strstr(doc, ">vba:");
        size_t dlen = cut ? (size_t)(cut - doc) : strlen(doc);
        bool seen = false;
        for (size_t j = from; j < i && !seen; j++)
            seen = strncmp(l->vba[j]->location, doc, dlen) == 0 && l->vba[j]->location[dlen] == '>';
        if (seen)
            continue;
        const char **src = xcalloc(l->nvba - i, sizeof(char *));
        size_t *len = xcalloc(l->nvba - i, sizeof(size_t)), k = 0;
        for (size_t j = i; j < l->nvba; j++) {
            if (strncmp(l->vba[j]->location, doc, dlen) == 0 && l->vba[j]->location[dlen] == '>') {
                src[k] = l->vba[j]->source;
                len[k++] = l->vba[j]->len;
            }
        }
        char *docloc = xstrndup(doc, dlen);
        EMIT_CTX e = {s, docloc, l->vba[i]->part, 1};
        HEUR_CTX c = heur_ctx(s, docloc, &e);
        heur_vba(&c, src, len, k);
        for (size_t j = 0; j < k; j++) /* VBA text also hides registry droppers */
            heur_registry(&c, src[j], len[j]);
        free(docloc);
        free(src);
        free(len);
    }
}

/*
 * scan_buffer - YARA and libclamav over a part or a password-opened member; ft is the
 * caller's sniff of the same bytes (mime.c sniffed every part already)
 */
static void scan_buffer(SCAN *s, const char *location, const char *part, const char *filename,
                        const FILETYPE *ft, int depth, const unsigned char *data, size_t n)
{
    run_yara(s, data, n, filename, ft->lang ? ft->lang : ft->name, location, depth);
    CLAMAV_JOB job = {location,     part,       filename, depth,  data, n,
                      s->m->layers, s->m->hits, on_layer, on_vba, s};
    size_t vba_before = s->m->layers->nvba;
    s->m->engine_calls++;
    clamav_scan(s->rs->clamav, &job);
    analyse_vba(s, vba_before);
    if (archive_like(ft))
        queue_archive(s, location, part, depth, data, n);
    if (strcmp(ft->name, "ole2") == 0)
        queue_office(s, location, part, filename, depth, data, n);
    else if (strcmp(ft->name, "chm") == 0)
        queue_chm(s, location, part, depth, data, n);
}

typedef struct MEMBER_CTX {
    SCAN *s;
    const PENDING *from;
} MEMBER_CTX;

/* on_member - a member of a password-opened archive: a layer, scanned like a part */
static void on_member(void *ctx, const char *name, const unsigned char *data, size_t n,
                      int truncated)
{
    MEMBER_CTX *mc = ctx;
    SCAN *s = mc->s;
    BUF *loc = buf_new(128);
    buf_printf(loc, "%s[pw]>", mc->from->location);
    str_sanitize(loc, name, strlen(name), LOCATION_NAME_MAX);
    char sha[65];
    digest_sha256_hex(data, n, sha);
    LAYER *y = layers_add(s->m->layers, loc->data, sha);
    if (y) {
        cache_msg_layer(s->cm, loc->data, sha, data, n);
        y->part = xstrdup(mc->from->part);
        y->name = xstrdup(name);
        y->engine_type = xstrdup("archive-member");
        y->depth = mc->from->depth + 1;
        y->size = n;
        y->encrypted = true;
        filetype_sniff(data, n, name, &y->ft);
        if (truncated)
            hits_add(s->m->hits, "LIMIT_PART_BYTES", loc->data, "member cut at %zu bytes", n);
        int saved = s->pwdepth;
        bool was = s->encrypted;
        s->pwdepth = mc->from->pwdepth;
        s->encrypted = true;
        scan_buffer(s, loc->data, mc->from->part, name, &y->ft, y->depth, data, n);
        FILE_FACTS f = {name, &y->ft, NULL, false, y->depth, "zip", true, NULL, 0};
        analyse(s, loc->data, mc->from->part, &f, &y->ft, y->depth, data, n);
        s->pwdepth = saved;
        s->encrypted = was;
    }
    buf_free(loc);
}

/*
 * drop_repeats - findings on the decrypted copy itself that the encrypted file already
 * has (a .xls keeps its VBA storage unencrypted, so libclamav reports its macros twice)
 */
static void drop_repeats(SCAN *s, size_t h0, const char *loc, const char *parent)
{
    HITS *h = s->m->hits;
    for (size_t k = h->n; k-- > h0;) {
        if (strcmp(h->v[k].location, loc) != 0)
            continue;
        bool dup = false;
        for (size_t j = 0; j < h0 && !dup; j++)
            dup = strcmp(h->v[j].symbol, h->v[k].symbol) == 0 &&
                  strcmp(h->v[j].location, parent) == 0;
        if (dup)
            hits_remove(h, h->v[k].symbol, loc);
    }
}

/* decrypted - an opened Office file: the findings, then a layer scanned like a part */
static void decrypted(SCAN *s, const PENDING *p, const OFFICECRYPT_RESULT *r, const char *pw)
{
    hits_remove(s->m->hits, "DOC_ENCRYPTED", p->location); /* it was opened after all */
    if (r->used == 0)
        hits_add(s->m->hits, "DOC_DEFAULT_PASSWORD", p->location,
                 "%s (%s) opened with the default password " OFFICECRYPT_DEFAULT_PASSWORD,
                 r->format, r->scheme);
    else
        hits_add(s->m->hits, "DOC_PASSWORD_FROM_BODY", p->location,
                 "%s (%s) opened with the password '%s' stated in the message", r->format,
                 r->scheme, pw);
    char *loc = xasprintf("%s>decrypted", p->location), sha[65];
    digest_sha256_hex(r->out, r->len, sha);
    LAYER *y = layers_add(s->m->layers, loc, sha);
    if (y) {
        cache_msg_layer(s->cm, loc, sha, r->out, r->len);
        y->part = xstrdup(p->part);
        y->name = p->name ? xstrdup(p->name) : NULL;
        y->engine_type = xstrdup("decrypted");
        y->depth = p->depth + 1;
        y->size = r->len;
        filetype_sniff(r->out, r->len, p->name, &y->ft);
        FILETYPE ft = y->ft;
        int saved = s->pwdepth;
        size_t h0 = s->m->hits->n;
        s->pwdepth = p->pwdepth;
        scan_buffer(s, loc, p->part, p->name, &ft, p->depth + 1, r->out, r->len);
        analyse(s, loc, p->part, NULL, &ft, p->depth + 1, r->out, r->len);
        s->pwdepth = saved;
        drop_repeats(s, h0, loc, p->location);
    }
    free(loc);
}

/* open_office - try VelvetSweatshop, then the message's passwords, on one queued file */
static void open_office(SCAN *s, const PENDING *p)
{
    char *cand[ARCHIVE_MAX_PASSWORDS + 1] = {OFFICECRYPT_DEFAULT_PASSWORD};
    for (size_t i = 0; i < s->npw; i++)
        cand[i + 1] = s->pw[i];
    OFFICECRYPT_LIMITS lim = {(size_t)s->rs->cfg->max_part_bytes, s->rounds_left};
    OFFICECRYPT_RESULT r;
    int ret = officecrypt_open(p->data, p->n, cand, s->npw + 1, &lim, &r);
    s->rounds_left -= r.spins < s->rounds_left ? r.spins : s->rounds_left;
    if (r.budget)
        hits_add(s->m->hits, "LIMIT_DECRYPT_ROUNDS", p->location,
                 "office_decrypt_max_rounds spent: not every candidate password was tried (%s)",
                 r.scheme);
    if (ret == 0) { /* in place of libclamav's, with the reason */
        hits_remove(s->m->hits, "DOC_ENCRYPTED", p->location);
        hits_add(s->m->hits, "DOC_ENCRYPTED", p->location, "encrypted %s (%s) not opened: %s",
                 r.format, r.scheme, r.why ? r.why : "?");
    } else if (ret == 1)
        decrypted(s, p, &r, cand[r.used]);
    officecrypt_done(&r);
}

/* on_chm_member - a CHM member: a layer with its name, scanned like a part */
static void on_chm_member(void *ctx, const char *name, const unsigned char *data, size_t n,
                          int truncated)
{
    const PENDING *p = ((MEMBER_CTX *)ctx)->from;
    SCAN *s = ((MEMBER_CTX *)ctx)->s;
    BUF *loc = buf_new(128);
    buf_printf(loc, "%s>", p->location);
    str_sanitize(loc, name, strlen(name), LOCATION_NAME_MAX);
    char sha[65];
    digest_sha256_hex(data, n, sha);
    LAYER *y = layers_add(s->m->layers, loc->data, sha); /* NULL: libclamav had it already */
    if (y) {
        cache_msg_layer(s->cm, loc->data, sha, data, n);
        y->part = xstrdup(p->part);
        y->name = xstrdup(name);
        y->engine_type = xstrdup("chm-member");
        y->depth = p->depth + 1;
        y->size = n;
        filetype_sniff(data, n, name, &y->ft);
        if (truncated)
            hits_add(s->m->hits, "LIMIT_PART_BYTES", loc->data, "member cut at %zu bytes", n);
        FILETYPE ft = y->ft;
        int saved = s->pwdepth;
        s->pwdepth = p->pwdepth;
        scan_buffer(s, loc->data, p->part, name, &ft, y->depth, data, n);
        FILE_FACTS f = {name, &ft, NULL, false, y->depth, "chm", false, NULL, 0};
        analyse(s, loc->data, p->part, &f, &ft, y->depth, data, n);
        s->pwdepth = saved;
    }
    buf_free(loc);
}

/* open_chm - unpack one queued CHM by name */
static void open_chm(SCAN *s, const PENDING *p)
{
    CHM_LIMITS lim = {(size_t)s->rs->cfg->max_parts, (size_t)s->rs->cfg->max_part_bytes,
                      (size_t)s->rs->cfg->max_total_bytes};
    MEMBER_CTX mc = {s, p};
    size_t left = 0;
    if (chm_extract(p->data, p->n, &lim, on_chm_member, &mc, &left) < 0)
        hits_add(s->m->hits, "LIMIT_CHM_NOT_OPENED", p->location,
                 "libmspack cannot open this CHM: its members were not unpacked by name");
    else if (left > 0)
        hits_add(s->m->hits, "LIMIT_PARTS", p->location,
                 "%zu CHM members not unpacked (member or byte limit)", left);
}

/* open_office_queue - open the Office files and CHMs queued so far (may queue more) */
static void open_office_queue(SCAN *s)
{
    for (; s->oq_done < s->noq; s->oq_done++) {
        PENDING p = s->oq[s->oq_done];
        if (p.chm)
            open_chm(s, &p);
        else
            open_office(s, &p);
        free(p.data);
        free(p.location);
        free(p.part);
        free(p.name);
    }
}

/* open_pending - try the message's passwords on each queued archive */
static void open_pending(SCAN *s)
{
    ARCHIVE_LIMITS lim = {(size_t)s->rs->cfg->max_parts, (size_t)s->rs->cfg->max_part_bytes,
                          (size_t)s->rs->cfg->max_total_bytes};
    for (size_t i = 0; i < s->nq; i++) { /* members may queue more: nq grows */
        PENDING p = s->q[i];
        MEMBER_CTX mc = {s, &p};
        const char *used = NULL;
        if (archive_open_with_passwords(p.data, p.n, s->pw, s->npw, &lim, on_member, &mc, &used) ==
            1)
            hits_add(s->m->hits, "ARCHIVE_PASSWORD_FROM_BODY", p.location,
                     "opened with the password '%s' stated in the message", used);
        open_office_queue(s); /* Office files among the members */
        free(p.data);
        free(p.location);
        free(p.part);
        s->q[i].data = NULL;
    }
    free(s->q);
}

/* collect_passwords - candidates from the Subject and every text part */
static void collect_passwords(SCAN *s)
{
    size_t max = (size_t)s->rs->cfg->max_passwords;
    if (max > ARCHIVE_MAX_PASSWORDS)
        max = ARCHIVE_MAX_PASSWORDS;
    if (s->m->hdr.subject)
        s->npw =
            passwords_collect(s->m->hdr.subject, strlen(s->m->hdr.subject), s->pw, s->npw, max);
    for (size_t i = 0; i < s->m->parts->n; i++) {
        const PART *p = s->m->parts->v[i];
        if (p->text)
            s->npw = passwords_collect(p->text, p->text_len, s->pw, s->npw, max);
    }
}

/*
 * seen_before - an earlier part has the same bytes: its findings stand for this one
 * (a campaign or a hostile message may repeat one attachment hundreds of times)
 */
static bool seen_before(const MSG *m, size_t i)
{
    for (size_t j = 0; j < i; j++) {
        const PART *q = m->parts->v[j];
        if (q->kind == PART_LEAF && q->data && q->size &&
            strcmp(q->sha256, m->parts->v[i]->sha256) == 0)
            return true;
    }
    return false;
}

/* past_deadline - the message's scan_timeout has passed */
static bool past_deadline(const MSG *m)
{
    if (m->deadline_ms <= 0)
        return false;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6 >= m->deadline_ms;
}

/* scan_message - every part through the engines (see scan.h) */
void scan_message(MSG *m, const RULESET *rs)
{
    SCAN s = {.m = m, .rs = rs, .rounds_left = (uint64_t)rs->cfg->office_decrypt_max_rounds};
    m->layers->max = (size_t)rs->cfg->max_layers;
    collect_passwords(&s);
    s.cm = cache_msg_begin(cache_default(), m, rs, s.npw > 0); /* one round trip */
    for (size_t i = 0; i < m->parts->n; i++) {
        const PART *p = m->parts->v[i];
        if (p->kind != PART_LEAF || p->data == NULL || p->size == 0 || seen_before(m, i))
            continue;
        if (past_deadline(m)) {
            hits_add(m->hits, "LIMIT_SCAN_TIME", p->path,
                     "scan_timeout reached: this part and "
                     "the rest were not scanned");
            break;
        }
        char *loc = scan_part_location(p);
        if (cache_msg_restore(s.cm, i, loc)) { /* a hit: the findings are back, no engine */
            free(loc);
            continue;
        }
        cache_msg_part_start(s.cm, i);
        const unsigned char *d = (const unsigned char *)p->data->data;
        scan_buffer(&s, loc, p->path, p->filename, &p->ft, 0, d, p->size);
        FILE_FACTS f = {p->filename, &p->ft, p->content_type, p->type_mismatch, 0,
                        NULL,        false,  p->text,         p->text_len};
        analyse(&s, loc, p->path, &f, &p->ft, 0, d, p->size);
        open_office_queue(&s);
        cache_msg_part_done(s.cm, i, loc);
        free(loc);
    }
    open_pending(&s);
    open_office_queue(&s);
    cache_msg_scanned(s.cm); /* IOC hashes over every part and layer */
    HEUR_CTX c = heur_ctx(&s, "message", NULL);
    c.emit = NULL;
    heur_url(&c, m->urls);
    if (m->layers->overflow)
        hits_add(m->hits, "LIMIT_LAYERS", "message", "more than %zu layers", m->layers->max);
    for (size_t i = 0; i < s.npw; i++)
        free(s.pw[i]);
    free(s.oq);
}
