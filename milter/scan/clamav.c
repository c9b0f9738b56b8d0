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

#include "core/digest.h"
#include "model/filetype.h"
#include "model/hit.h"
#include "model/layer.h"
#include "core/log.h"
#include "scan/clamav.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define LOC_MAX       1024 /* bytes of a location; longer ones end in "..." */
#define LOC_NAME_MAX  128  /* bytes of one sanitized member name in a location */
#define SIG_NAME_MAX  200  /* bytes of a signature name kept in a symbol */
#define LAST_ERR_SIZE 320

struct CLAMAV {
    struct cl_engine *engine;
    unsigned signatures;
};

typedef struct FRAME {
    int fd;
    uint32_t level;
    char *location;
    LAYER *layer; /* the record made for it, or NULL (level 0, repeats) */
} FRAME;

typedef struct SEEN {
    char sha256[DIGEST_HEX_LEN + 1];
    char *location; /* owned by the SEEN list */
} SEEN;

typedef struct FOUND {
    char *symbol;
    char *location;
} FOUND;

/* per-scan state, the callbacks' context */
typedef struct SCAN {
    const CLAMAV_JOB *job;
    FRAME *stack;
    size_t n, cap;
    SEEN *seen;
    size_t nseen, capseen;
    FOUND *found;
    size_t nfound, capfound;
    bool alerted;       /* virus_found fired at least once */
    long long max_file; /* the engine's max file size, for members that declare more */
} SCAN;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static cl_error_t init_rc = CL_SUCCESS;
static _Thread_local char last_err[LAST_ERR_SIZE]; /* last libclamav error of this thread */

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
    if (severity == CL_MSG_ERROR)
        snprintf(last_err, sizeof(last_err), "%s", b->data);
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
static void push(SCAN *s, int fd, uint32_t level, char *location, LAYER *layer)
{
    XGROW(s->stack, s->n, s->cap);
    s->stack[s->n++] = (FRAME){fd, level, location, layer};
}

/* seen_find - first location of this hash in this scan, or NULL */
static const char *seen_find(const SCAN *s, const char *sha)
{
    for (size_t i = 0; i < s->nseen; i++)
        if (strcmp(s->seen[i].sha256, sha) == 0)
            return s->seen[i].location;
    return NULL;
}

/* seen_add - remember the first location of a hash */
static void seen_add(SCAN *s, const char *sha, const char *location)
{
    XGROW(s->seen, s->nseen, s->capseen);
    SEEN *e = &s->seen[s->nseen++];
    memcpy(e->sha256, sha, sizeof(e->sha256));
    e->location = xstrdup(location);
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

/* ---- names and locations ---- */

/* is_ole2_hashed - libclamav's OLE2 temp name: 32 lower-case hex digits, "_", digits */
static bool is_ole2_hashed(const char *s)
{
    for (int i = 0; i < 32; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    if (s[32] != '_' || s[33] == '\0')
        return false;
    for (const char *p = s + 33; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* is_engine_name - a name libclamav made up (temp file, hashed OLE2 stream, "unknown") */
static bool is_engine_name(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n == 0 || strcmp(base, "unknown") == 0)
        return true;
    if (n > 11 && strncmp(base, "clamav-", 7) == 0 && strcmp(base + n - 4, ".tmp") == 0)
        return true;
    return is_ole2_hashed(base);
}

/* engine_type - "CL_TYPE_MSEXE" -> "msexe" (allocated) */
static char *engine_type(const char *type)
{
    if (type == NULL)
        return xstrdup("unknown");
    char *t = xstrdup(strncmp(type, "CL_TYPE_", 8) == 0 ? type + 8 : type);
    str_lower(t);
    return t;
}

/* anon_name - "(type)" for a layer without a real name; OLE2 data streams say so */
static char *anon_name(const char *file_name, const char *etype)
{
    if (file_name && is_ole2_hashed(file_name) &&
        (strcmp(etype, "binary_data") == 0 || strncmp(etype, "text_", 5) == 0))
        return xstrdup("(ole2-stream)");
    return xasprintf("(%s)", etype);
}

/* loc_child - parent ">" name, name sanitized, the whole cut at LOC_MAX bytes */
static char *loc_child(const char *parent, const char *name, bool sanitize)
{
    BUF *b = buf_new(strlen(parent) + 64);
    buf_puts(b, parent);
    buf_putc(b, '>');
    if (sanitize)
        str_sanitize(b, name, strlen(name), LOC_NAME_MAX);
    else
        buf_puts(b, name);
    if (b->len > LOC_MAX) {
        size_t cut = LOC_MAX - 3;
        while (cut > 0 && ((unsigned char)b->data[cut] & 0xc0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
        buf_truncate(b, cut);
        buf_puts(b, "...");
    }
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

/* ---- findings ---- */

/* heuristic_symbol - our symbol for a libclamav heuristic, or NULL for CLAMAV_<name> */
static const char *heuristic_symbol(const char *name)
{
    static const struct {
        const char *name;
        const char *symbol;
    } map[] = {
        {"Heuristics.Encrypted.Zip", "ARCHIVE_ENCRYPTED"},
        {"Heuristics.Encrypted.7Zip", "ARCHIVE_ENCRYPTED"},
        {"Heuristics.Encrypted.RAR", "ARCHIVE_ENCRYPTED"},
        {"Heuristics.Encrypted.EGG", "ARCHIVE_ENCRYPTED"},
        {"Heuristics.Encrypted.PDF", "DOC_ENCRYPTED"},
        {"Heuristics.Encrypted.OLE2", "DOC_ENCRYPTED"},
        {"Heuristics.OLE2.ContainsMacros.XLM", "DOC_MACROS_XLM"},
        {"Heuristics.OLE2.ContainsMacros.VBA", "DOC_MACROS_VBA"},
        {"Heuristics.OLE2.ContainsMacros", "DOC_MACROS_VBA"},
        {"Heuristics.Limits.Exceeded.MaxFileSize", "LIMIT_CLAMAV_FILE_SIZE"},
        {"Heuristics.Limits.Exceeded.MaxScanSize", "LIMIT_CLAMAV_SCAN_SIZE"},
        {"Heuristics.Limits.Exceeded.MaxRecursion", "LIMIT_CLAMAV_RECURSION"},
        {"Heuristics.Limits.Exceeded.MaxFiles", "LIMIT_CLAMAV_FILES"},
        {"Heuristics.Limits.Exceeded.MaxScanTime", "LIMIT_CLAMAV_SCAN_TIME"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(name, map[i].name) == 0)
            return map[i].symbol;
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
    const char *mapped = heuristic_symbol(name);
    char *symbol = mapped ? xstrdup(mapped) : xasprintf("CLAMAV_%s", name);
    if (!found_covers(s, symbol, location, true)) {
        found_add(s, symbol, location);
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
    char *etype = engine_type(type);
    char *parent = xstrdup(top_location(s));
    bool named = file_name && !is_engine_name(file_name);
    char *anon = named ? NULL : anon_name(file_name, etype);
    char *loc = loc_child(parent, named ? file_name : anon, named);
    FILETYPE ft;
    filetype_sniff(p, n, named ? file_name : NULL, &ft);
    seen_add(s, sha, loc);
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
    push(s, fd, level, loc, y);
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
        push(s, fd, level, xstrdup(s->job->location), NULL);
        own_checks(s, s->job->location, NULL, NULL, p, n, &ft);
        return CL_CLEAN;
    }
    char sha[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(p, n, sha);
    const char *first = seen_find(s, sha);
    if (first) /* libclamav repeats a layer: keep its first place, check it once */
        push(s, fd, level, xstrdup(first), NULL);
    else
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
    if (found_covers(s, "LIMIT_CLAMAV_FILE_SIZE", location, false))
        return;
    found_add(s, "LIMIT_CLAMAV_FILE_SIZE", location);
    hits_add(s->job->hits, "LIMIT_CLAMAV_FILE_SIZE", location,
             "member %.200s declares %lu bytes; only the first %lld are scanned",
             filename ? filename : "?", size, s->max_file);
}

/* cb_meta - archive member metadata: an encrypted member marks its archive; an
 * oversized one is reported */
static cl_error_t cb_meta(const char *container_type, unsigned long fsize_container,
                          const char *filename, unsigned long fsize_real, int is_encrypted,
                          unsigned int filepos_container, void *context)
{
    (void)fsize_container, (void)filepos_container;
    SCAN *s = context;
    if (s != NULL && s->max_file > 0 && fsize_real > (unsigned long long)s->max_file)
        member_too_big(s, filename, fsize_real);
    if (s == NULL || !is_encrypted)
        return CL_CLEAN;
    FRAME *f = top(s);
    if (f && f->layer)
        f->layer->encrypted = true;
    const char *location = top_location(s);
    if (found_covers(s, "ARCHIVE_ENCRYPTED", location, false))
        return CL_CLEAN; /* meta comes twice per zip member, and for each member */
    found_add(s, "ARCHIVE_ENCRYPTED", location);
    char *type = engine_type(container_type);
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

/* scan_options - ALLMATCHES, every parser, the heuristics named in scan_clamav.h */
static struct cl_scan_options scan_options(void)
{
    struct cl_scan_options o = {0};
    o.general = CL_SCAN_GENERAL_ALLMATCHES | CL_SCAN_GENERAL_HEURISTICS |
                CL_SCAN_GENERAL_HEURISTIC_PRECEDENCE;
    o.parse = ~0u;
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
        hits_add(job->hits, "LIMIT_CLAMAV_SCAN_TIME", job->location, "libclamav: %s",
                 cl_strerror(rc));
        return 0;
    case CL_EMAXREC:
        hits_add(job->hits, "LIMIT_CLAMAV_RECURSION", job->location, "libclamav: %s",
                 cl_strerror(rc));
        return 0;
    case CL_EMAXSIZE:
        hits_add(job->hits, "LIMIT_CLAMAV_SCAN_SIZE", job->location, "libclamav: %s",
                 cl_strerror(rc));
        return 0;
    case CL_EMAXFILES:
        hits_add(job->hits, "LIMIT_CLAMAV_FILES", job->location, "libclamav: %s", cl_strerror(rc));
        return 0;
    default:
        hits_add(job->hits, "SCAN_ERROR", job->location, "libclamav: %s%s%s%s", cl_strerror(rc),
                 last_err[0] ? " (" : "", last_err, last_err[0] ? ")" : "");
        return -1;
    }
}

/* clamav_scan - scan job->data from memory (see scan_clamav.h) */
int clamav_scan(const CLAMAV *c, const CLAMAV_JOB *job)
{
    if (job->len == 0)
        return 0; /* nothing to unpack or match */
    cl_fmap_t *map = cl_fmap_open_memory(job->data, job->len);
    if (map == NULL) {
        hits_add(job->hits, "SCAN_ERROR", job->location, "libclamav: cannot map the buffer");
        return -1;
    }
    SCAN s = {.job = job, .max_file = cl_engine_get_num(c->engine, CL_ENGINE_MAX_FILESIZE, NULL)};
    last_err[0] = '\0';
    struct cl_scan_options opts = scan_options();
    const char *virname = NULL;
    unsigned long scanned = 0;
    cl_error_t rc =
        cl_scanmap_callback(map, job->filename, &virname, &scanned, c->engine, &opts, &s);
    cl_fmap_close(map);
    int ret = scan_result(&s, rc, virname);
    scan_clear(&s);
    return ret;
}
