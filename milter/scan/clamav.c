/*
 * scan/clamav - the libclamav adapter (see scan_clamav.h)
 *
 * Why it is built this way (facts from docs/libraries.md §1, checked against 1.4.6):
 *   - Callbacks are engine-global, so they are set once in clamav_load; each scan passes
 *     its own SCAN (on the caller's stack) as the callback context. Nothing here is
 *     shared between scans except the read-only engine, so scans may run in parallel.
 *   - The location of a layer comes from a stack of FRAMEs: file_inspection pushes (after
 *     dropping frames at the same or a deeper level, in case a post_scan never came) and
 *     post_scan pops. The parent is the nearest frame with a smaller level, not
 *     "level - 1": libclamav skips levels (an exe in an OLE10Native stream arrives at
 *     level 3 below a level-1 stream).
 *   - virus_found gives only an fd: the hit goes to the open frame with that fd, else to
 *     the innermost open frame (VBA text is scanned from a temp fd that is no layer, while
 *     its OLE2 file is the innermost frame), else to the part itself.
 *   - CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE: without it libclamav defers "potentially
 *     unwanted" alerts (macros, encrypted archives, limits) to the very end of the scan
 *     and reports them all at fd -1, i.e. at the part, losing the member they were found
 *     in. With ALLMATCHES the flag changes nothing else (same layers, same names).
 *   - The clean-file cache is disabled: a cached file's children are never enumerated.
 *   - Member names come from the sender. The location is shown and logged, so it is
 *     built from str_sanitize'd names; LAYER.name keeps the raw name.
 *   - libclamav repeats itself: OOXML parts are rescanned as embedded zips, OLE2 temp
 *     directories are walked once per level, virus_found fires again at each parent.
 *     clcb_meta fires twice per zip member. Within one scan a repeated layer hash reuses
 *     the first location (so its hits land there) and our own checks run once per hash;
 *     a symbol already reported at a location or below it is not reported again at an
 *     ancestor, and ARCHIVE_ENCRYPTED once per archive, so HIT.count stays meaningful.
 *   - LIMITS values <= 0 (or lim NULL) keep libclamav's defaults.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clamav.h>

#include "model/failure.h"
#include "core/digest.h"
#include "model/filetype.h"
#include "model/hit.h"
#include "model/layer.h"
#include "core/log.h"
#include "scan/budget.h"
#include "scan/clamav.h"
#include "scan/layername.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define SIG_NAME_MAX  200 /* bytes of a signature name kept in a symbol */
#define LAST_ERR_SIZE 320

#define BOMB_BIG                                                                                   \
    (1u << 20) /* a repeated layer this big (or an archive) counts as a bomb repeat                \
                */

struct CLAMAV {
    struct cl_engine *engine;
    unsigned signatures;
    int64_t bomb_ratio, bomb_repeats, bomb_depth; /* ARCHIVE_BOMB thresholds, <= 0: off */
    bool image_hash; /* CL_SCAN_PARSE_IMAGE_FUZZY_HASH (CLAMAV_LIMITS.image_hash) */
};

typedef struct FRAME {
    int fd;
    uint32_t level;
    char *location;
    LAYER *layer; /* the record made for it, or NULL (level 0, repeats) */
    int adepth;   /* archives on the path down to it, itself included */
} FRAME;

typedef struct SEEN {
    char sha256[DIGEST_HEX_LEN + 1];
    char *location; /* owned by the SEEN list */
    bool heavy;     /* an archive or a big layer: a repeat of it is a bomb's trait */
} SEEN;

typedef struct FOUND {
    char *symbol;
    char *location;
} FOUND;

/* per-scan state, the callbacks' context */
typedef struct SCAN {
    const CLAMAV *c;
    const CLAMAV_JOB *job;
    FRAME *stack;
    size_t n, cap;
    SEEN *seen;
    size_t nseen, capseen;
    FOUND *found;
    size_t nfound, capfound;
    bool alerted;             /* virus_found fired at least once */
    size_t repeats;           /* repeated layers skipped */
    size_t heavy;             /* ... of them archives or big layers */
    double ratio;             /* highest member compression ratio (clcb_meta) */
    unsigned long ratio_real; /* that member's real size */
    int adepth;               /* deepest archive nesting */
    long long max_file;       /* the engine's max file size, for members that declare more */
} SCAN;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static cl_error_t init_rc = CL_SUCCESS;
static _Thread_local char last_err[LAST_ERR_SIZE]; /* last libclamav error of this thread */
static _Thread_local bool scan_err; /* an error message came during this thread's scan */

/* cb_msg - libclamav's messages to our log, sanitized (they quote file names) */
static void cb_msg(enum cl_msg severity, const char *fullmsg, const char *msg, void *context)
{
    (void)fullmsg;
    if (msg == NULL)
        return;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        n--;
    BUF *b = buf_new(n + 16);
    str_sanitize(b, msg, n, LAST_ERR_SIZE - 1);
    if (severity == CL_MSG_ERROR) {
        snprintf(last_err, sizeof(last_err), "%s", b->data);
        if (context != NULL)
            scan_err = true;
    }
    if (severity != CL_MSG_INFO_VERBOSE && context == NULL) {
        log_warning("clamav: %s%s", severity == CL_MSG_ERROR ? "error: " : "", b->data);
    } else {
        /* during a scan (context set) most messages are about the sender's malformed
         * files, and a sender must not be able to flood the log; a failed scan carries
         * the last error in its SCAN_ERROR hit */
        log_debug(LOG_D_SCAN, "clamav: %s", b->data);
    }
    buf_free(b);
}

/* init_once_fn - route messages, then cl_init; runs once per process */
static void init_once_fn(void)
{
    cl_set_clcb_msg(cb_msg);
    init_rc = cl_init(CL_INIT_DEFAULT);
}

/* clamav_init - initialize libclamav once; later calls return the first result */
int clamav_init(BUF *err)
{
    pthread_once(&init_once, init_once_fn);
    if (init_rc != CL_SUCCESS) {
        buf_printf(err, "cl_init: %s", cl_strerror(init_rc));
        return -1;
    }
    return 0;
}

/* clamav_version - libclamav's version string */
const char *clamav_version(void)
{
    return cl_retver();
}

/* clamav_signatures - how many signatures cl_load loaded */
unsigned clamav_signatures(const CLAMAV *c)
{
    return c ? c->signatures : 0;
}

/* clamav_free - release the engine; accepts NULL, returns NULL */
CLAMAV *clamav_free(CLAMAV *c)
{
    if (c == NULL)
        return NULL;
    if (c->engine)
        cl_engine_free(c->engine);
    free(c);
    return NULL;
}

/* lib_error - "what: libclamav's reason (its last error message)" into err */
static void lib_error(BUF *err, const char *what, cl_error_t rc)
{
    buf_printf(err, "%s: %s", what, cl_strerror(rc));
    if (last_err[0])
        buf_printf(err, " (%s)", last_err);
}

/* ---- per-scan state ---- */

/* top - the innermost open frame, or NULL */
static FRAME *top(SCAN *s)
{
    return s->n ? &s->stack[s->n - 1] : NULL;
}

/* top_location - location of the innermost open frame, else the buffer's own */
static const char *top_location(SCAN *s)
{
    return s->n ? s->stack[s->n - 1].location : s->job->location;
}

/* pop - close the innermost frame */
static void pop(SCAN *s)
{
    free(s->stack[--s->n].location);
}

/* push - open a frame; takes ownership of location */
static void push(SCAN *s, int fd, uint32_t level, char *location, LAYER *layer, bool archive)
{
    int adepth = (s->n ? s->stack[s->n - 1].adepth : 0) + (archive ? 1 : 0);
    if (adepth > s->adepth)
        s->adepth = adepth;
    XGROW(s->stack, s->n, s->cap);
    s->stack[s->n++] = (FRAME){fd, level, location, layer, adepth};
}

/* seen_find - the first sighting of this hash in this scan, or NULL */
static const SEEN *seen_find(const SCAN *s, const char *sha)
{
    for (size_t i = 0; i < s->nseen; i++)
        if (strcmp(s->seen[i].sha256, sha) == 0)
            return &s->seen[i];
    return NULL;
}

/* seen_add - remember the first location of a hash */
static void seen_add(SCAN *s, const char *sha, const char *location, bool heavy)
{
    XGROW(s->seen, s->nseen, s->capseen);
    SEEN *e = &s->seen[s->nseen++];
    memcpy(e->sha256, sha, sizeof(e->sha256));
    e->location = xstrdup(location);
    e->heavy = heavy;
}

/* is_archive - a container of files (not a document that happens to be a zip) */
static bool is_archive(const FILETYPE *ft)
{
    static const char *const names[] = {"zip", "7z", "rar", "gzip", "cab", "tar", "archive"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(ft->name, names[i]) == 0)
            return true;
    return false;
}

/* scan_clear - release everything a SCAN holds */
static void scan_clear(SCAN *s)
{
    while (s->n)
        pop(s);
    for (size_t i = 0; i < s->nseen; i++)
        free(s->seen[i].location);
    for (size_t i = 0; i < s->nfound; i++) {
        free(s->found[i].symbol);
        free(s->found[i].location);
    }
    free(s->stack);
    free(s->seen);
    free(s->found);
}

/* ---- findings ---- */

/* heuristic_symbol - our symbol for a libclamav heuristic, or NULL for CLAMAV_<name>; *err
 * is the failure cause it reports (MSG_ERR) or -1 */
static const char *heuristic_symbol(const char *name, int *err)
{
    static const struct {
        const char *name;
        const char *symbol; /* NULL: the symbol of err (model/failure.h) */
        int err;
    } map[] = {
        {"Heuristics.Encrypted.Zip", "ARCHIVE_ENCRYPTED", -1},
        {"Heuristics.Encrypted.7Zip", "ARCHIVE_ENCRYPTED", -1},
        {"Heuristics.Encrypted.RAR", "ARCHIVE_ENCRYPTED", -1},
        {"Heuristics.Encrypted.EGG", "ARCHIVE_ENCRYPTED", -1},
        {"Heuristics.Encrypted.PDF", "DOC_ENCRYPTED", -1},
        {"Heuristics.Encrypted.OLE2", "DOC_ENCRYPTED", -1},
        {"Heuristics.OLE2.ContainsMacros.XLM", "DOC_MACROS_XLM", -1},
        {"Heuristics.OLE2.ContainsMacros.VBA", "DOC_MACROS_VBA", -1},
        {"Heuristics.OLE2.ContainsMacros", "DOC_MACROS_VBA", -1},
        {"Heuristics.Limits.Exceeded.MaxFileSize", NULL, MSG_ERR_LIMIT_CLAMAV_FILE_SIZE},
        {"Heuristics.Limits.Exceeded.MaxScanSize", NULL, MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE},
        {"Heuristics.Limits.Exceeded.MaxRecursion", NULL, MSG_ERR_LIMIT_CLAMAV_RECURSION},
        {"Heuristics.Limits.Exceeded.MaxFiles", NULL, MSG_ERR_LIMIT_CLAMAV_FILES},
        {"Heuristics.Limits.Exceeded.MaxScanTime", NULL, MSG_ERR_LIMIT_CLAMAV_SCAN_TIME},
    };
    *err = -1;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(name, map[i].name) == 0) {
            *err = map[i].err;
            return map[i].symbol ? map[i].symbol : failure_symbol((MSG_ERR)map[i].err);
        }
    }
    return NULL;
}

/* found_covers - symbol already reported at location (or, when `below`, under it) */
static bool found_covers(const SCAN *s, const char *symbol, const char *location, bool below)
{
    size_t ln = strlen(location);
    for (size_t i = 0; i < s->nfound; i++) {
        const FOUND *f = &s->found[i];
        if (strcmp(f->symbol, symbol) == 0 && strncmp(f->location, location, ln) == 0 &&
            (f->location[ln] == '\0' || (below && f->location[ln] == '>')))
            return true;
    }
    return false;
}

/* found_add - remember a symbol reported at location */
static void found_add(SCAN *s, const char *symbol, const char *location)
{
    XGROW(s->found, s->nfound, s->capfound);
    s->found[s->nfound++] = (FOUND){xstrdup(symbol), xstrdup(location)};
}

/*
 * report - one libclamav detection as a hit at location (symbols: see scan_clamav.h).
 * virus_found repeats a name for the same file and again at each parent: a symbol
 * already reported at this location or below it is dropped, so the deepest (first) place
 * is kept and sibling members with the same signature are still each reported.
 */
static void report(SCAN *s, const char *virname, const char *location)
{
    char *name = str_sanitize_dup(virname, SIG_NAME_MAX);
    size_t n = strlen(name);
    if (n > 11 && strcmp(name + n - 11, ".UNOFFICIAL") == 0)
        name[n - 11] = '\0';
    int err;
    const char *mapped = heuristic_symbol(name, &err);
    char *symbol = mapped ? xstrdup(mapped) : xasprintf("CLAMAV_%s", name);
    if (!found_covers(s, symbol, location, true)) {
        found_add(s, symbol, location);
        if (err >= 0)
            failure_hit(s->job->hits, (MSG_ERR)err, location, "libclamav %s", name);
        else
            hits_add(s->job->hits, symbol, location, "libclamav %s%s", mapped ? "" : "signature ",
                     name);
    }
    free(symbol);
    free(name);
}

/* own_checks - what ClamAV 1.4 misses: ECMA-376 encrypted OOXML, XLM sheets in OOXML */
static void own_checks(SCAN *s, const char *location, const char *parent, const char *file_name,
                       const unsigned char *p, size_t n, const FILETYPE *ft)
{
    if (ft->sub && strcmp(ft->sub, "encrypted-ooxml") == 0)
        hits_add(s->job->hits, "DOC_ENCRYPTED", location,
                 "ECMA-376 encrypted Office document (OLE2 EncryptedPackage)");
    if (parent && file_name && strcmp(file_name, "[Content_Types].xml") == 0 &&
        str_memmem_ci((const char *)p, n, "macrosheet"))
        hits_add(s->job->hits, "DOC_MACROS_XLM", parent,
                 "OOXML with an Excel 4.0 macro sheet (macrosheet content type)");
}

/* ---- callbacks ---- */

/* new_layer - record a layer seen for the first time in this scan and open its frame */
static void new_layer(SCAN *s, int fd, const char *type, const char *file_name,
                      const unsigned char *p, size_t n, uint32_t level, const char *sha)
{
    const CLAMAV_JOB *job = s->job;
    char *etype = layername_type(type);
    char *parent = xstrdup(top_location(s));
    bool named = file_name && !layername_is_engine(file_name);
    char *anon = named ? NULL : layername_anon(file_name, etype);
    char *loc = layername_child(parent, named ? file_name : anon, named);
    FILETYPE ft;
    filetype_sniff(p, n, named ? file_name : NULL, &ft);
    seen_add(s, sha, loc, is_archive(&ft) || n >= BOMB_BIG);
    LAYER *y = layers_add(job->layers, loc, sha);
    if (y) {
        y->part = xstrdup(job->part ? job->part : "");
        y->name = named ? xstrdup(file_name) : NULL;
        y->engine_type = etype;
        etype = NULL;
        y->ft = ft;
        y->depth = job->depth + (int)level;
        y->size = n;
    }
    push(s, fd, level, loc, y, is_archive(&ft));
    own_checks(s, loc, parent, file_name, p, n, &ft);
    if (y && job->on_layer)
        job->on_layer(job->ctx, y, p, n);
    free(etype);
    free(anon);
    free(parent);
}

/* cb_inspect - every file libclamav unpacks, and the buffer itself at level 0 */
static cl_error_t cb_inspect(int fd, const char *type, const char **ancestors,
                             size_t parent_file_size, const char *file_name, size_t file_size,
                             const char *file_buffer, uint32_t level, uint32_t attrs, void *context)
{
    (void)ancestors, (void)parent_file_size, (void)attrs;
    SCAN *s = context;
    if (s == NULL)
        return CL_CLEAN;
    /* file_buffer is always set in 1.4 (the dispatcher maps the whole layer); be safe */
    const unsigned char *p = (const unsigned char *)(file_buffer ? file_buffer : "");
    size_t n = file_buffer ? file_size : 0;
    while (s->n && s->stack[s->n - 1].level >= level)
        pop(s); /* a frame whose post_scan never came */
    if (level == 0) {
        FILETYPE ft;
        filetype_sniff(p, n, s->job->filename, &ft);
        push(s, fd, level, xstrdup(s->job->location), NULL, is_archive(&ft));
        own_checks(s, s->job->location, NULL, NULL, p, n, &ft);
        return CL_CLEAN;
    }
    char sha[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(p, n, sha);
    const SEEN *first = seen_find(s, sha);
    bool within = budget_spend(s->job->budget, n);
    if (first) { /* a repeated layer: its findings stand at its first place; skip it */
        push(s, fd, level, xstrdup(first->location), NULL, false);
        s->repeats++;
        s->heavy += first->heavy;
        return CL_BREAK;
    }
    if (!within) { /* the message's work budget is spent: skip, and say so once */
        budget_report(s->job->budget, s->job->hits, top_location(s));
        push(s, fd, level, xstrdup(top_location(s)), NULL, false);
        return CL_BREAK;
    }
    new_layer(s, fd, type, file_name, p, n, level, sha);
    return CL_CLEAN;
}

/* cb_post - a layer is done: close its frame */
static cl_error_t cb_post(int fd, int result, const char *virname, void *context)
{
    (void)result, (void)virname;
    SCAN *s = context;
    if (s && s->n && s->stack[s->n - 1].fd == fd)
        pop(s);
    return CL_CLEAN;
}

/* cb_virus - a signature or heuristic matched in the file open on fd */
static void cb_virus(int fd, const char *virname, void *context)
{
    SCAN *s = context;
    if (s == NULL || virname == NULL)
        return;
    s->alerted = true;
    const char *location = top_location(s);
    for (size_t i = s->n; i-- > 0;)
        if (s->stack[i].fd == fd) {
            location = s->stack[i].location;
            break;
        }
    report(s, virname, location);
}

/*
 * member_too_big - an archive member declares more bytes than max file size. libclamav
 * inflates such a member only up to max file size and says nothing (no MaxFileSize
 * alert), so a one-member zip bomb would pass as a silent partial scan; report it.
 */
static void member_too_big(SCAN *s, const char *filename, unsigned long size)
{
    const char *location = top_location(s);
    const char *symbol = failure_symbol(MSG_ERR_LIMIT_CLAMAV_FILE_SIZE);
    if (found_covers(s, symbol, location, false))
        return;
    found_add(s, symbol, location);
    failure_hit(s->job->hits, MSG_ERR_LIMIT_CLAMAV_FILE_SIZE, location,
                "member %.200s declares %lu bytes; only the first %lld are scanned",
                filename ? filename : "?", size, s->max_file);
}

/* encrypted_name - an encrypted member's name to job->on_encrypted, once per name */
static void encrypted_name(SCAN *s, const FRAME *f, const char *container_type,
                           const char *filename)
{
    if (s->job->on_encrypted == NULL || filename == NULL || *filename == '\0')
        return;
    char *loc = layername_child(top_location(s), filename, true);
    if (!found_covers(s, "(encrypted member)", loc, false)) {
        found_add(s, "(encrypted member)", loc);
        char *type = layername_type(container_type);
        int depth = s->job->depth + (f ? (int)f->level : 0) + 1;
        s->job->on_encrypted(s->job->ctx, loc, s->job->part ? s->job->part : "", depth, type,
                             filename);
        free(type);
    }
    free(loc);
}

/* cb_meta - archive member metadata: an encrypted member marks its archive; an
 * oversized one is reported */
static cl_error_t cb_meta(const char *container_type, unsigned long fsize_container,
                          const char *filename, unsigned long fsize_real, int is_encrypted,
                          unsigned int filepos_container, void *context)
{
    (void)filepos_container;
    SCAN *s = context;
    if (s != NULL && fsize_container > 0 && fsize_real >= BOMB_BIG &&
        (double)fsize_real / (double)fsize_container > s->ratio) {
        s->ratio = (double)fsize_real / (double)fsize_container;
        s->ratio_real = fsize_real;
    }
    if (s != NULL && s->max_file > 0 && fsize_real > (unsigned long long)s->max_file)
        member_too_big(s, filename, fsize_real);
    if (s == NULL || !is_encrypted)
        return CL_CLEAN;
    FRAME *f = top(s);
    if (f && f->layer)
        f->layer->encrypted = true;
    const char *location = top_location(s);
    encrypted_name(s, f, container_type, filename);
    if (found_covers(s, "ARCHIVE_ENCRYPTED", location, false))
        return CL_CLEAN; /* meta comes twice per zip member, and for each member */
    found_add(s, "ARCHIVE_ENCRYPTED", location);
    char *type = layername_type(container_type);
    /* hits_add sanitizes the detail; the member name is the sender's */
    hits_add(s->job->hits, "ARCHIVE_ENCRYPTED", location, "encrypted member %.200s in %s",
             filename ? filename : "?", type);
    free(type);
    return CL_CLEAN;
}

/* cb_vba - one VBA module's source, normalized by libclamav; delivered repeatedly */
static int cb_vba(const unsigned char *const data, const size_t len, void *context)
{
    SCAN *s = context;
    if (s == NULL || data == NULL || len == 0)
        return 0;
    const CLAMAV_JOB *job = s->job;
    VBA_MODULE *m = layers_add_vba(job->layers, top_location(s), job->part ? job->part : "",
                                   (const char *)data, len);
    if (m && job->on_vba)
        job->on_vba(job->ctx, m);
    return 0;
}

/* ---- engine ---- */

/* set_limits - apply the positive LIMITS values; 0 or -1 with err */
static int set_limits(struct cl_engine *e, const CLAMAV_LIMITS *lim, BUF *err)
{
    if (lim == NULL)
        return 0;
    const struct {
        enum cl_engine_field field;
        int64_t value, max;
        const char *name;
    } set[] = {
        {CL_ENGINE_MAX_FILESIZE, lim->max_file_size, INT64_MAX, "max file size"},
        {CL_ENGINE_MAX_SCANSIZE, lim->max_scan_size, INT64_MAX, "max scan size"},
        {CL_ENGINE_MAX_RECURSION, lim->max_recursion, UINT32_MAX, "max recursion"},
        {CL_ENGINE_MAX_FILES, lim->max_files, UINT32_MAX, "max files"},
        {CL_ENGINE_MAX_SCANTIME, lim->max_scan_time_ms, UINT32_MAX, "max scan time"},
    };
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
        if (set[i].value <= 0)
            continue;
        long long v = set[i].value > set[i].max ? set[i].max : set[i].value;
        cl_error_t rc = cl_engine_set_num(e, set[i].field, v);
        if (rc != CL_SUCCESS) {
            lib_error(err, set[i].name, rc);
            return -1;
        }
    }
    if (lim->tmpdir && *lim->tmpdir) {
        cl_error_t rc = cl_engine_set_str(e, CL_ENGINE_TMPDIR, lim->tmpdir);
        if (rc != CL_SUCCESS) {
            lib_error(err, "tmpdir", rc);
            return -1;
        }
    }
    return 0;
}

/* engine_setup - limits, no clean cache, every callback; 0 or -1 with err */
static int engine_setup(struct cl_engine *e, const CLAMAV_LIMITS *lim, BUF *err)
{
    cl_error_t rc = cl_engine_set_num(e, CL_ENGINE_DISABLE_CACHE, 1);
    if (rc != CL_SUCCESS) {
        lib_error(err, "disable cache", rc);
        return -1;
    }
    if (set_limits(e, lim, err) != 0)
        return -1;
    cl_engine_set_clcb_file_inspection(e, cb_inspect);
    cl_engine_set_clcb_post_scan(e, cb_post);
    cl_engine_set_clcb_virus_found(e, cb_virus);
    cl_engine_set_clcb_meta(e, cb_meta);
    cl_engine_set_clcb_vba(e, cb_vba);
    return 0;
}

/* clamav_load - one compiled engine from the signature files in dir (see scan_clamav.h) */
CLAMAV *clamav_load(const char *dir, const CLAMAV_LIMITS *lim, BUF *err)
{
    if (clamav_init(err) != 0)
        return NULL;
    CLAMAV *c = xcalloc(1, sizeof(*c));
    bool ok = false;
    cl_error_t rc;
    last_err[0] = '\0';
    if ((c->engine = cl_engine_new()) == NULL) {
        buf_printf(err, "cl_engine_new failed");
        goto out;
    }
    if (engine_setup(c->engine, lim, err) != 0)
        goto out;
    if (lim) {
        c->bomb_ratio = lim->bomb_ratio;
        c->bomb_repeats = lim->bomb_repeats;
        c->bomb_depth = lim->bomb_depth;
        c->image_hash = lim->image_hash;
    }
    /* an empty directory is CL_EOPEN: last_err then says "No supported database files" */
    if ((rc = cl_load(dir, c->engine, &c->signatures, CL_DB_STDOPT)) != CL_SUCCESS) {
        BUF *what = buf_new(64);
        buf_puts(what, "cl_load ");
        str_sanitize(what, dir, strlen(dir), 256);
        lib_error(err, what->data, rc);
        buf_free(what);
        goto out;
    }
    if (lim && lim->db_dir &&
        (rc = cl_load(lim->db_dir, c->engine, &c->signatures, CL_DB_STDOPT)) != CL_SUCCESS) {
        BUF *what = buf_new(64);
        buf_puts(what, "cl_load clamav_db_dir ");
        str_sanitize(what, lim->db_dir, strlen(lim->db_dir), 256);
        lib_error(err, what->data, rc);
        buf_free(what);
        goto out;
    }
    if ((rc = cl_engine_compile(c->engine)) != CL_SUCCESS) {
        lib_error(err, "cl_engine_compile", rc);
        goto out;
    }
    ok = true;
out:
    if (!ok)
        c = clamav_free(c);
    return c;
}

/* scan_options - ALLMATCHES, every parser (image hashes only when a signature uses them),
 * the heuristics named in scan_clamav.h */
static struct cl_scan_options scan_options(const CLAMAV *c)
{
    struct cl_scan_options o = {0};
    o.general = CL_SCAN_GENERAL_ALLMATCHES | CL_SCAN_GENERAL_HEURISTICS |
                CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE;
    o.parse = ~0u;
    if (!c->image_hash)
        o.parse &= ~(unsigned)CL_SCAN_PARSE_IMAGE_FUZZY_HASH;
    o.heuristic = CL_SCAN_HEURISTIC_MACROS | CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE |
                  CL_SCAN_HEURISTIC_ENCRYPTED_DOC | CL_SCAN_HEURISTIC_EXCEEDS_MAX |
                  CL_SCAN_HEURISTIC_BROKEN;
    return o;
}

/* scan_result - turn cl_scanmap_callback's return into hits; 0, or -1 on failure */
static int scan_result(SCAN *s, cl_error_t rc, const char *virname)
{
    const CLAMAV_JOB *job = s->job;
    switch (rc) {
    case CL_CLEAN:
    case CL_BREAK:
        return 0;
    case CL_VIRUS:
        if (!s->alerted && virname) /* a detection no callback saw */
            report(s, virname, job->location);
        return 0;
    case CL_ETIMEOUT:
        failure_hit(job->hits, MSG_ERR_LIMIT_CLAMAV_SCAN_TIME, job->location, "libclamav: %s",
                    cl_strerror(rc));
        return 0;
    case CL_EMAXREC:
        failure_hit(job->hits, MSG_ERR_LIMIT_CLAMAV_RECURSION, job->location, "libclamav: %s",
                    cl_strerror(rc));
        return 0;
    case CL_EMAXSIZE:
        failure_hit(job->hits, MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE, job->location, "libclamav: %s",
                    cl_strerror(rc));
        return 0;
    case CL_EMAXFILES:
        failure_hit(job->hits, MSG_ERR_LIMIT_CLAMAV_FILES, job->location, "libclamav: %s",
                    cl_strerror(rc));
        return 0;
    default:
        failure_hit(job->hits, MSG_ERR_SCANNER, job->location, "libclamav: %s%s%s%s",
                    cl_strerror(rc), last_err[0] ? " (" : "", last_err, last_err[0] ? ")" : "");
        return -1;
    }
}

/*
 * bomb_check - ARCHIVE_BOMB when the part has a bomb's traits: a member inflating more
 * than bomb_min_ratio times (and to at least 1 MiB), bomb_min_repeats identical
 * archives or big members, or archives nested bomb_min_depth deep
 */
static void bomb_check(SCAN *s)
{
    const CLAMAV *c = s->c;
    BUF *why = buf_new(128);
    if (c->bomb_ratio > 0 && s->ratio >= (double)c->bomb_ratio)
        buf_printf(why, "%sa member inflates %.0f times (to %lu bytes)", why->len ? "; " : "",
                   s->ratio, s->ratio_real);
    if (c->bomb_repeats > 0 && s->heavy >= (size_t)c->bomb_repeats)
        buf_printf(why, "%s%zu identical archives or big members (analysed once)",
                   why->len ? "; " : "", s->heavy);
    if (c->bomb_depth > 0 && s->adepth >= c->bomb_depth)
        buf_printf(why, "%sarchives nested %d deep", why->len ? "; " : "", s->adepth);
    if (why->len)
        hits_add(s->job->hits, "ARCHIVE_BOMB", s->job->location, "%s", why->data);
    buf_free(why);
}

/* clamav_scan - scan job->data from memory (see scan_clamav.h) */
int clamav_scan(const CLAMAV *c, const CLAMAV_JOB *job)
{
    if (job->len == 0)
        return 0; /* nothing to unpack or match */
    cl_fmap_t *map = cl_fmap_open_memory(job->data, job->len);
    if (map == NULL) {
        failure_hit(job->hits, MSG_ERR_SCANNER, job->location, "libclamav: cannot map the buffer");
        return -1;
    }
    /* a layer callback can analyse a layer, which scans again (nested): the outer scan's
     * error state is kept aside and put back, the inner scan reports its own */
    bool outer_err = scan_err;
    char outer_last[LAST_ERR_SIZE];
    memcpy(outer_last, last_err, sizeof(outer_last));
    scan_err = false;
    SCAN s = {
        .c = c, .job = job, .max_file = cl_engine_get_num(c->engine, CL_ENGINE_MAX_FILESIZE, NULL)};
    last_err[0] = '\0';
    struct cl_scan_options opts = scan_options(c);
    const char *virname = NULL;
    unsigned long scanned = 0;
    cl_error_t rc =
        cl_scanmap_callback(map, job->filename, &virname, &scanned, c->engine, &opts, &s);
    cl_fmap_close(map);
    int ret = scan_result(&s, rc, virname);
    if (ret == 0 && scan_err) { /* a layer failed (temp file, read, decompression ...) */
        failure_hit(job->hits, MSG_ERR_SCANNER, job->location,
                    "libclamav reported an error on a layer, its content may be unscanned: %s",
                    last_err);
        ret = -1;
    }
    bomb_check(&s);
    scan_clear(&s);
    scan_err = outer_err;
    if (outer_err || outer_last[0])
        memcpy(last_err, outer_last, sizeof(outer_last));
    return ret;
}
