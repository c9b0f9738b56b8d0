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
 * `<chm location>>member` once libclamav is done with the part. RAR and TNEF streams
 * (unpack.c) share it too, and the work budget (budget.h) bounds the whole.
 */
#include "mime/urldoc.h"
#include "scan/oleobj.h"
#include "scan/scan_int.h"

typedef struct MATCH_CTX {
    SCAN *s;
    const char *location;
} MATCH_CTX;

static const char *part_type(const SCAN *s, const char *path);
static bool textual(const FILETYPE *ft);

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
    YARA_VARS v = {.filename = filename,
                   .extension = ext,
                   .filetype = filetype,
                   .location = location,
                   .layer_depth = depth};
    MATCH_CTX mc = {s, location};
    BUF *err = buf_new(64);
    s->m->engine_calls++;
    if (yara_scan(s->rs->yara, data, n, &v, on_match, &mc, err) != 0)
        failure_hit(s->m->hits, MSG_ERR_SCANNER, location, "yara: %s", err->data);
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
        (PENDING){xstrdup(location), xstrdup(part), NULL, false, depth, s->pwdepth + 1, copy, n, 0};
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
        failure_hit(s->m->hits, MSG_ERR_LIMIT_CHM_NOT_OPENED, location,
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

/* queue_unpack - keep a copy of a RAR or TNEF stream to unpack after the part */
static void queue_unpack(SCAN *s, const char *location, const char *part, int depth,
                         const char *ft_name, const unsigned char *data, size_t n)
{
    unsigned char *copy = NULL;
    if (s->noq >= s->m->layers->max || (copy = try_malloc(n ? n : 1)) == NULL) {
        failure_hit(s->m->hits, MSG_ERR_ARCHIVE_UNREADABLE, location,
                    "not unpacked (layer limit or memory): its content was not scanned");
        return;
    }
    memcpy(copy, data, n);
    XGROW(s->oq, s->noq, s->capoq);
    s->oq[s->noq++] = (PENDING){.location = xstrdup(location),
                                .part = xstrdup(part),
                                .unpack = unpack_kind(ft_name, data, n),
                                .depth = depth,
                                .pwdepth = s->pwdepth,
                                .data = copy,
                                .n = n};
}

/*
 * noise_view - libclamav's UTF-16 reading of bytes that are not UTF-16 text (the binary
 * streams of a PDF come back whole as a text_utf16be layer): by content it is no text and
 * no known format, so YARA and the analysers would only read noise whose bytes they saw
 * as they are in the parent layer. libclamav's own signatures still see it.
 */
static bool noise_view(const LAYER *layer)
{
    return layer->engine_type && strncmp(layer->engine_type, "text_utf16", 10) == 0 &&
           !layer->ft.is_text && strcmp(layer->ft.name, "binary") == 0;
}

/* scan_int_layer - a new layer was recorded: its hashes to the cache state, its bytes to
 * the message's layer sink (if any) */
void scan_int_layer(SCAN *s, const char *loc, const char *sha256, const unsigned char *data,
                    size_t n)
{
    cache_msg_layer(s->cm, loc, sha256, data, n);
    if (s->m->layer_sink)
        s->m->layer_sink(s->m->layer_ctx, loc, data, n);
}

/* on_layer - libclamav unpacked a new layer: YARA it, and queue it if it is an archive */
static void on_layer(void *ctx, const LAYER *layer, const unsigned char *data, size_t n)
{
    SCAN *s = ctx;
    scan_int_layer(s, layer->location, layer->sha256, data, n);
    if (noise_view(layer))
        return;
    run_yara(s, data, n, layer->name, layer->ft.lang ? layer->ft.lang : layer->ft.name,
             layer->location, layer->depth);
    FILE_FACTS f = {.filename = layer->name,
                    .ft = &layer->ft,
                    .depth = layer->depth,
                    .container = part_type(s, layer->part),
                    .encrypted = s->encrypted};
    scan_int_analyse(s, layer->location, layer->part, &f, &layer->ft, layer->depth, data, n);
    if (archive_like(&layer->ft))
        queue_archive(s, layer->location, layer->part, layer->depth, data, n);
    if (strcmp(layer->ft.name, "ole2") == 0)
        queue_office(s, layer->location, layer->part, layer->name, layer->depth, data, n);
    else if (strcmp(layer->ft.name, "chm") == 0)
        queue_chm(s, layer->location, layer->part, layer->depth, data, n);
    else if (unpack_kind(layer->ft.name, data, n))
        queue_unpack(s, layer->location, layer->part, layer->depth, layer->ft.name, data, n);
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
    if (!budget_spend(&s->budget, n)) {
        budget_report(&s->budget, s->m->hits, e->location);
        return;
    }
    if (s->decode >= s->rs->cfg->max_decode_depth) { /* never a silent stop (design 13) */
        failure_hit(s->m->hits, MSG_ERR_LIMIT_DECODE_DEPTH, e->location,
                    "a %s layer below %d decoded levels was not analysed", how,
                    (int)s->rs->cfg->max_decode_depth);
        return;
    }
    char *loc = xasprintf("%s>decoded:%s", e->location, how);
    char sha[65];
    digest_sha256_hex(data, n, sha);
    LAYER *y = layers_add(s->m->layers, loc, sha);
    if (y) {
        scan_int_layer(s, loc, sha, data, n);
        y->part = xstrdup(e->part);
        y->engine_type = xstrdup("decoded");
        y->depth = e->depth + 1;
        y->size = n;
        filetype_sniff(data, n, NULL, &y->ft);
        if (lang && y->ft.lang == NULL && y->ft.is_text) {
            y->ft.lang = lang;
            y->ft.name = "script";
        }
        FILETYPE ft = y->ft;
        s->decode++;
        if (textual(&ft) || strncmp(how, "emu-", 4) != 0) /* a file an emulated script */
            run_yara(s, data, n, NULL, ft.lang ? ft.lang : ft.name, loc, y->depth);
        else /* built (the zip a smuggling page saves) is unpacked like a part */
            scan_int_buffer(s, loc, e->part, NULL, &ft, y->depth, data, n);
        scan_int_analyse(s, loc, e->part, NULL, &ft, y->depth, data,
                         n); /* file tricks: not for decoded */
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

/* maldoc - the document analysers: RTF objects, OneNote files, Equation Editor objects in
 * OLE2, OOXML relationships, fields and DDE (parts chosen by name), Word binary fields */
static void maldoc(HEUR_CTX *c, const char *filename, const FILETYPE *ft, const unsigned char *data,
                   size_t n)
{
    if (strcmp(ft->name, "rtf") == 0)
        heur_rtf(c, data, n);
    else if (strcmp(ft->name, "onenote") == 0)
        heur_onenote(c, data, n);
    else if (strcmp(ft->name, "ole2") == 0) {
        heur_ole_equation(c, data, n);
        scan_ole_objects(c, data, n);
    }
    if (filename && (str_iends(filename, ".rels") || str_iends(filename, ".xml") ||
                     str_iends(filename, ".csv") || str_iends(filename, ".slk")))
        heur_ooxml(c, filename, data, n);
    else if (strcmp(ft->name, "ole2") == 0)
        heur_ooxml(c, NULL, data, n); /* a Word binary DDE field */
}

/* xlm_text_part - an OOXML macro sheet, the workbook part naming Auto_Open, or SYLK */
static bool xlm_text_part(const char *filename, const unsigned char *data, size_t n)
{
    const char *p = (const char *)data;
    size_t head = n < 4096 ? n : 4096;
    return filename && ((str_iends(filename, ".xml") && (str_memmem_ci(p, head, ":macrosheet") ||
                                                         str_memmem_ci(p, n, "_xlnm.auto_open"))) ||
                        str_iends(filename, ".slk"));
}

/* is_xlsb - an OOXML zip whose member names (stored uncompressed) hold xl/workbook.bin */
static bool is_xlsb(const FILETYPE *ft, const unsigned char *data, size_t n)
{
    return strcmp(ft->name, "ooxml") == 0 &&
           str_memmem_ci((const char *)data, n, "xl/workbook.bin") != NULL;
}

/*
 * analyse - our analysers over one buffer: file tricks, shortcuts, scripts (with their
 * decoded layers), registry droppers, XLM sheets, and the URLs in script text
 */
void scan_int_analyse(SCAN *s, const char *location, const char *part, const FILE_FACTS *facts,
                      const FILETYPE *ft, int depth, const unsigned char *data, size_t n)
{
    EMIT_CTX e = {s, location, part, depth};
    HEUR_CTX c = heur_ctx(s, location, &e);
    const char *filename = facts ? facts->filename : NULL;
    HEUR_RUN run = HEUR_RUN_NONE; /* what emulating it showed (heur_known) */
    if (facts) {
        FILE_FACTS f = *facts; /* HTML smuggling is read from the bytes of any HTML file */
        bool markup = strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0 ||
                      (ft->lang && strcmp(ft->lang, "hta") == 0);
        if (f.text == NULL && markup) {
            f.text = (const char *)data;
            f.text_len = n;
        }
        heur_file(&c, &f);
    }
    if (strcmp(ft->name, "lnk") == 0)
        heur_lnk(&c, data, n);
    maldoc(&c, filename, ft, data, n);
    if (strcmp(ft->name, "pdf") == 0) /* link annotations (mime/urldoc.h) */
        url_extract_pdf(s->m->urls, data, n, location);
    else if (strcmp(ft->name, "svg") == 0)
        url_extract_svg(s->m->urls, (const char *)data, n, location);
    if (is_xlsb(ft, data, n)) /* libclamav names members by base name: read by full name */
        heur_xlsb_zip(&c, data, n, (size_t)s->rs->cfg->max_part_bytes);
    if (ft->lang || strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0) {
        const char *type = ft->lang ? ft->lang : ft->name;
        if (strcmp(type, "html") == 0 || strcmp(type, "svg") == 0)
            heur_html(&c, data, n); /* the code apart from the prose: decoded:script */
        heur_script(&c, type, data, n);
        if (emu_wanted(location, type)) { /* run it: what it builds comes back as layers */
            run = emu_script(&c, s->rs->cfg, type, data, n);
            heur_wsh_emulated(&c, ft->lang);
        }
    } else if (strcmp(ft->name, "xml") == 0 && emu_wanted(location, "xml")) {
        emu_script(&c, s->rs->cfg, "xml", data, n); /* an XSL stylesheet's msxsl:script */
    }
    bool browser_js = heur_known(&c, ft->lang, data, n, run);
    heur_wsh(&c, ft->lang, data, n, browser_js);
    if (ft->lang) {
        heur_lolbas(&c, data, n);
        heur_tamper(&c, ft->lang, data, n);
    }
    if (textual(ft) || strcmp(ft->name, "html") == 0 || strcmp(ft->name, "svg") == 0)
        heur_lure(&c, data, n);
    if (textual(ft)) {
        heur_registry(&c, (const char *)data, n);
        heur_lang(&c, ft->lang, data, n);
        if (xlm_text_part(filename, data, n))
            heur_xlm(&c, data, n);
        if (ft->lang || depth > 0)
            url_extract_text(s->m->urls, (const char *)data, n, location);
    } else if (n >= 8 && data[0] == 0x09 && data[1] == 0x08) { /* a BIFF workbook stream */
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
        size_t *len = xcalloc(l->nvba - i, sizeof(size_t));
        size_t k = 0;
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

/* on_encrypted - an encrypted member libclamav could not open: its name is scored */
static void on_encrypted(void *ctx, const char *location, const char *part, int depth,
                         const char *container, const char *name)
{
    SCAN *s = ctx;
    FILETYPE ft;
    (void)part;
    filetype_sniff((const unsigned char *)"", 0, name, &ft);
    unpack_score_name(s->m->hits, s->rs->lists, location, depth, container, name, &ft, true);
}

/*
 * scan_buffer - YARA and libclamav over a part or a password-opened member; ft is the
 * caller's sniff of the same bytes (mime.c sniffed every part already)
 */
void scan_int_buffer(SCAN *s, const char *location, const char *part, const char *filename,
                     const FILETYPE *ft, int depth, const unsigned char *data, size_t n)
{
    run_yara(s, data, n, filename, ft->lang ? ft->lang : ft->name, location, depth);
    CLAMAV_JOB job = {location,   part,     filename, depth, data,       n,           s->m->layers,
                      s->m->hits, on_layer, on_vba,   s,     &s->budget, on_encrypted};
    size_t vba_before = s->m->layers->nvba;
    s->m->engine_calls++;
    if (depth > 0)
        cache_msg_inner(s->cm); /* a part-only rescan would not reach this buffer */
    clamav_scan(s->rs->clamav, &job);
    analyse_vba(s, vba_before);
    if (archive_like(ft))
        queue_archive(s, location, part, depth, data, n);
    if (strcmp(ft->name, "ole2") == 0)
        queue_office(s, location, part, filename, depth, data, n);
    else if (strcmp(ft->name, "chm") == 0)
        queue_chm(s, location, part, depth, data, n);
    else if (unpack_kind(ft->name, data, n))
        queue_unpack(s, location, part, depth, ft->name, data, n);
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

/* scan_begin - a scan of m; the password candidates are collected (see scan/scan.h) */
SCAN *scan_begin(MSG *m, const RULESET *rs)
{
    SCAN *s = xcalloc(1, sizeof(*s));
    s->m = m;
    s->rs = rs;
    s->rounds_left = (uint64_t)rs->cfg->office_decrypt_max_rounds;
    s->helper_ms_left = rs->cfg->unpack_helper_ms;
    budget_start(&s->budget, rs->cfg->max_work_cpu, rs->cfg->max_work_bytes);
    m->layers->max = (size_t)rs->cfg->max_layers;
    collect_passwords(s);
    return s;
}

/* scan_passwords - how many password candidates the message states */
size_t scan_passwords(const SCAN *s)
{
    return s->npw;
}

/* scan_budget_spent - the message's work budget is spent: reported at loc (see scan.h) */
bool scan_budget_spent(SCAN *s, const char *loc)
{
    if (!budget_spent(&s->budget))
        return false;
    budget_report(&s->budget, s->m->hits, loc);
    return true;
}

/* scan_set_cache - the cache state layers and archives are reported to (NULL: none) */
void scan_set_cache(SCAN *s, CACHE_MSG *cm)
{
    s->cm = cm;
}

/* scan_part - the engines and analysers over part i, at loc */
void scan_part(SCAN *s, size_t i, const char *loc)
{
    const PART *p = s->m->parts->v[i];
    const unsigned char *d = (const unsigned char *)p->data->data;
    scan_int_buffer(s, loc, p->path, p->filename, &p->ft, 0, d, p->size);
    FILE_FACTS f = {.filename = p->filename,
                    .ft = &p->ft,
                    .declared = p->content_type,
                    .type_mismatch = p->type_mismatch,
                    .text = p->text,
                    .text_len = p->text_len};
    scan_int_analyse(s, loc, p->path, &f, &p->ft, 0, d, p->size);
    scan_int_open_office_queue(s);
}

/* scan_part_clamav - libclamav alone over part i (a partial cache hit, see cache/cache.h):
 * its CLAMAV_* findings go to the message, everything else it sees (layers, heuristics the
 * cached value has already) is dropped; false when libclamav failed or ran out of time
 * (that failure hit is added too: the value is then not stored) */
bool scan_part_clamav(SCAN *s, size_t i, const char *loc)
{
    const PART *p = s->m->parts->v[i];
    LAYERS *layers = layers_new();
    layers->max = s->m->layers->max;
    HITS *h = hits_new();
    CLAMAV_JOB job = {.location = loc,
                      .part = p->path,
                      .filename = p->filename,
                      .data = (const unsigned char *)p->data->data,
                      .len = p->size,
                      .layers = layers,
                      .hits = h};
    s->m->engine_calls++;
    bool ok = clamav_scan(s->rs->clamav, &job) == 0;
    for (size_t k = 0; k < h->n; k++) /* an error or time-out: the findings may be partial */
        ok = ok && !(h->v[k].err & MSG_ERRS_TRANSIENT);
    for (size_t k = 0; k < h->n; k++) {
        const HIT *x = &h->v[k];
        if (strncmp(x->symbol, "CLAMAV_", 7) != 0 && !(x->err & MSG_ERRS_TRANSIENT))
            continue; /* the cached value has the rest (heuristics, deterministic limits) */
        HIT *y = hits_add(s->m->hits, x->symbol, x->location, NULL);
        if (y && y->count == 1) {
            free(y->detail);
            y->detail = xstrdup(x->detail);
            y->count = x->count;
        }
        failure_restore(s->m->hits, y);
    }
    hits_free(h);
    layers_free(layers);
    return ok;
}

/* scan_archives - the encrypted archives queued, with the message's passwords, then the
 * encrypted Office documents they held */
void scan_archives(SCAN *s)
{
    scan_int_open_pending(s);
    scan_int_open_office_queue(s);
}

/* scan_end - URLs and the layer limit; frees s, returns NULL */
SCAN *scan_end(SCAN *s)
{
    if (s == NULL)
        return NULL;
    MSG *m = s->m;
    HEUR_CTX c = heur_ctx(s, "message", NULL);
    c.emit = NULL;
    heur_url(&c, m->urls);
    if (m->layers->overflow)
        failure_hit(m->hits, MSG_ERR_LIMIT_LAYERS, "message", "more than %zu layers",
                    m->layers->max);
    for (size_t i = 0; i < s->npw; i++)
        free(s->pw[i]);
    for (size_t i = 0; i < s->nq; i++) { /* queued, never opened (scan_archives not run) */
        free(s->q[i].data);
        free(s->q[i].location);
        free(s->q[i].part);
    }
    free(s->q);
    free(s->oq);
    free(s);
    return NULL;
}
