/*
 * scan/open - what is opened after a part: password-protected archives, encrypted Office
 * files, CHMs, RAR and TNEF containers; each member or decrypted file goes back through
 * scan_int_buffer and scan_int_analyse (see scan/scan_int.h)
 */
#include "scan/scan_int.h"
#include "lib/clock.h"

typedef struct MEMBER_CTX {
    SCAN *s;
    const PENDING *from;
    const char *container; /* NULL: zip */
} MEMBER_CTX;

/* one layer the steps below add: a member of an opened container or a decrypted file */
typedef struct MEMBER_LAYER {
    const char *loc;       /* its location */
    const char *part;      /* the MIME part it came out of */
    const char *name;      /* member name, or NULL */
    const char *engine;    /* LAYER.engine_type */
    const char *container; /* FILE_FACTS.container; NULL: analysed without file facts */
    int depth;
    int pwdepth;    /* s->pwdepth while it is scanned */
    bool encrypted; /* out of a password-opened archive: the layer's flag, s->encrypted */
    bool truncated; /* cut at max_part_bytes: LIMIT_PART_BYTES */
    size_t hits0;   /* out: the message's hit count just before its engines ran */
} MEMBER_LAYER;

/* member_layer - record data as a new layer and scan it like a part (libclamav and YARA,
 * then the analysers); NULL when a layer with the same bytes is recorded already */
static LAYER *member_layer(SCAN *s, MEMBER_LAYER *m, const unsigned char *data, size_t n)
{
    char sha[65];
    digest_sha256_hex(data, n, sha);
    LAYER *y = layers_add(s->m->layers, m->loc, sha);
    if (y == NULL)
        return NULL;
    scan_int_layer(s, m->loc, sha, data, n);
    y->part = xstrdup(m->part);
    y->name = m->name ? xstrdup(m->name) : NULL;
    y->engine_type = xstrdup(m->engine);
    y->depth = m->depth;
    y->size = n;
    y->encrypted = m->encrypted;
    filetype_sniff(data, n, m->name, &y->ft);
    if (m->truncated)
        failure_hit(s->m->hits, MSG_ERR_LIMIT_PART_BYTES, m->loc, "member cut at %zu bytes", n);
    FILETYPE ft = y->ft;
    int saved = s->pwdepth;
    bool was = s->encrypted;
    s->pwdepth = m->pwdepth;
    s->encrypted = was || m->encrypted;
    m->hits0 = s->m->hits->n;
    scan_int_buffer(s, m->loc, m->part, m->name, &ft, m->depth, data, n);
    FILE_FACTS f = {.filename = m->name,
                    .ft = &ft,
                    .depth = m->depth,
                    .container = m->container,
                    .encrypted = s->encrypted};
    scan_int_analyse(s, m->loc, m->part, m->container ? &f : NULL, &ft, m->depth, data, n);
    s->pwdepth = saved;
    s->encrypted = was;
    return y;
}

/* on_member - a member of a password-opened archive: a layer, scanned like a part */
static void on_member(void *ctx, const char *name, const unsigned char *data, size_t n,
                      int truncated)
{
    MEMBER_CTX *mc = ctx;
    SCAN *s = mc->s;
    if (!budget_spend(&s->budget, n)) {
        budget_report(&s->budget, s->m->hits, mc->from->location);
        return;
    }
    BUF *loc = buf_new(128);
    buf_printf(loc, "%s[pw]>", mc->from->location);
    str_sanitize(loc, name, strlen(name), LOCATION_NAME_MAX);
    MEMBER_LAYER m = {.loc = loc->data,
                      .part = mc->from->part,
                      .name = name,
                      .engine = "archive-member",
                      .container = mc->container ? mc->container : "zip",
                      .depth = mc->from->depth + 1,
                      .pwdepth = mc->from->pwdepth,
                      .encrypted = true,
                      .truncated = truncated};
    member_layer(s, &m, data, n);
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
    char *loc = xasprintf("%s>decrypted", p->location);
    MEMBER_LAYER m = {.loc = loc,
                      .part = p->part,
                      .name = p->name,
                      .engine = "decrypted",
                      .depth = p->depth + 1,
                      .pwdepth = p->pwdepth};
    if (member_layer(s, &m, r->out, r->len))
        drop_repeats(s, m.hits0, loc, p->location);
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
        failure_hit(s->m->hits, MSG_ERR_LIMIT_DECRYPT_ROUNDS, p->location,
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
    MEMBER_LAYER m = {.loc = loc->data,
                      .part = p->part,
                      .name = name,
                      .engine = "chm-member",
                      .container = "chm",
                      .depth = p->depth + 1,
                      .pwdepth = p->pwdepth,
                      .truncated = truncated};
    member_layer(s, &m, data, n); /* NULL: libclamav had it already */
    buf_free(loc);
}

/* open_chm - unpack one queued CHM by name */
static void open_chm(SCAN *s, const PENDING *p)
{
    CHM_LIMITS lim = {(size_t)s->rs->cfg->max_parts, (size_t)s->rs->cfg->max_part_bytes,
                      (size_t)s->rs->cfg->max_total_bytes};
    MEMBER_CTX mc = {s, p, NULL};
    size_t left = 0;
    if (chm_extract(p->data, p->n, &lim, on_chm_member, &mc, &left) < 0)
        failure_hit(s->m->hits, MSG_ERR_LIMIT_CHM_NOT_OPENED, p->location,
                    "libmspack cannot open this CHM: its members were not unpacked by name");
    else if (left > 0)
        failure_hit(s->m->hits, MSG_ERR_LIMIT_PARTS, p->location,
                    "%zu CHM members not unpacked (member or byte limit)", left);
}

/* u_member - a RAR or TNEF member: a layer through libclamav, YARA and the analysers;
 * a repeat of bytes seen before gets only its own name scored */
static bool u_member(const UNPACK_HOST *h, const char *loc, const char *name,
                     const unsigned char *data, size_t n, bool truncated)
{
    SCAN *s = h->ctx;
    MEMBER_LAYER m = {.loc = loc,
                      .part = h->part,
                      .name = name,
                      .engine = h->container,
                      .container = h->container,
                      .depth = h->depth + 1,
                      .pwdepth = s->pwdepth,
                      .truncated = truncated};
    if (member_layer(s, &m, data, n))
        return true;
    FILETYPE ft; /* libclamav's TNEF layer has no name: this one does */
    filetype_sniff(data, n, name, &ft);
    unpack_score_name(s->m->hits, s->rs->lists, loc, h->depth + 1, h->container, name, &ft,
                      s->encrypted);
    return false;
}

/* unpack - a queued RAR or TNEF stream (unpack.c), within the limits and the budget */
static void unpack(SCAN *s, const PENDING *p)
{
    const CONFIG *c = s->rs->cfg;
    if (p->depth + 1 > c->clamav_max_recursion) {
        failure_hit(s->m->hits, MSG_ERR_LIMIT_CLAMAV_RECURSION, p->location,
                    "an archive nested deeper than clamav_max_recursion was not unpacked");
        return;
    }
    UNPACK_HOST h = {
        s,
        s->m->hits,
        s->rs->lists,
        &s->budget,
        p->location,
        p->part,
        p->depth,
        p->unpack == UNPACK_TNEF ? "tnef" : "rar",
        {(size_t)c->clamav_max_files, (size_t)c->max_part_bytes, (size_t)c->clamav_max_scan_size},
        c->bomb_min_repeats,
        u_member};
    unpack_run(&h, p->unpack, p->data, p->n);
}

/* open_office_queue - open the Office files and CHMs queued so far (may queue more) */
void scan_int_open_office_queue(SCAN *s)
{
    for (; s->oq_done < s->noq; s->oq_done++) {
        PENDING p = s->oq[s->oq_done];
        if (budget_spent(&s->budget))
            budget_report(&s->budget, s->m->hits, p.location);
        else if (p.unpack)
            unpack(s, &p);
        else if (p.chm)
            open_chm(s, &p);
        else
            open_office(s, &p);
        free(p.data);
        free(p.location);
        free(p.part);
        free(p.name);
    }
}

/* open_external - an encrypted 7z or RAR through Debian's unpackers (scan/extunpack.c) */
static void open_external(SCAN *s, const PENDING *p, int kind, const ARCHIVE_LIMITS *lim)
{
    const CONFIG *c = s->rs->cfg;
    double t0 = now_ms();
    double left = (double)s->helper_ms_left; /* unpack_helper_ms, but never past scan_timeout */
    if (s->m->deadline_ms > 0 && s->m->deadline_ms - t0 < left)
        left = s->m->deadline_ms - t0;
    EXTUNPACK_CFG ec = {c->unpack_7z_helper, c->unpack_rar_helper, c->clamav_tmpdir,
                        (unsigned)(left > 0 ? left : 0), (size_t)c->unpack_helper_memory};
    MEMBER_CTX mc = {s, p, kind == EXT_7Z ? "7z" : "rar"};
    const char *what = kind == EXT_7Z ? "7z" : "RAR";
    EXTUNPACK_RESULT r;
    int ret = extunpack_open(kind, p->data, p->n, s->pw, s->npw, &ec, lim, on_member, &mc, &r);
    s->helper_ms_left -= (long long)(now_ms() - t0);
    BUF *why = buf_new(128);
    str_sanitize(why, r.why, strlen(r.why), 200);
    if (ret == 1)
        hits_add(s->m->hits, "ARCHIVE_PASSWORD_FROM_BODY", p->location,
                 "%s opened with the password '%s' stated in the message", what, s->pw[r.used]);
    else if (ret < 0 || r.timeout)
        failure_hit(s->m->hits, MSG_ERR_ARCHIVE_UNREADABLE, p->location,
                    "encrypted %s not opened: %s", what, why->data);
    /* never clean: it stays ARCHIVE_ENCRYPTED, whoever flagged it first */
    if (ret != 1 && !hits_find(s->m->hits, "ARCHIVE_ENCRYPTED", p->location))
        hits_add(s->m->hits, "ARCHIVE_ENCRYPTED", p->location,
                 "%s: no password stated in the message opened it (%s)", what, why->data);
    if (r.cut)
        failure_hit(s->m->hits, MSG_ERR_LIMIT_ARCHIVE_MEMBERS, p->location,
                    "the %s unpacker was stopped at max_part_bytes or max_total_bytes: the rest "
                    "was not scanned",
                    what);
    if (r.mismatch)
        failure_hit(s->m->hits, MSG_ERR_ARCHIVE_UNREADABLE, p->location,
                    "the %s unpacker's output did not match its listing: the rest was scanned "
                    "as '(unlisted data)'",
                    what);
    buf_free(why);
}

/* open_pending - try the message's passwords on each queued archive */
void scan_int_open_pending(SCAN *s)
{
    ARCHIVE_LIMITS lim = {(size_t)s->rs->cfg->max_parts, (size_t)s->rs->cfg->max_part_bytes,
                          (size_t)s->rs->cfg->max_total_bytes};
    for (size_t i = 0; i < s->nq; i++) { /* members may queue more: nq grows */
        PENDING p = s->q[i];
        MEMBER_CTX mc = {s, &p, NULL};
        const char *used = NULL;
        int r = 0;
        int kind = extunpack_kind(p.data, p.n);
        if (budget_spent(&s->budget))
            budget_report(&s->budget, s->m->hits, p.location);
        else if ((r = archive_open_with_passwords(p.data, p.n, s->pw, s->npw, &lim, on_member, &mc,
                                                  &used)) == 1)
            hits_add(s->m->hits, "ARCHIVE_PASSWORD_FROM_BODY", p.location,
                     "opened with the password '%s' stated in the message", used);
        else if (kind && archive_is_encrypted(p.data, p.n))
            open_external(s, &p, kind, &lim);
        scan_int_open_office_queue(s); /* Office files among the members */
        free(p.data);
        free(p.location);
        free(p.part);
        s->q[i].data = NULL;
    }
    free(s->q);
    s->q = NULL;
    s->nq = s->capq = 0;
}
