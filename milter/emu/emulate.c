/*
 * emulate - events of an emulated script into findings and layers (see emulate.h)
 *
 * The helper's events are copied as they arrive (pool.c calls on_event), then read in
 * order. Command lines and registry values are classified with fixed, case-insensitive
 * substring tests: a launcher is a script host or encoded-command line (mshta,
 * rundll32 ... javascript:, powershell -enc / iex / DownloadString, wscript/cscript,
 * regsvr32 /i: or scrobj, certutil -decode/-urlcache, bitsadmin /transfer); a payload
 * value is a launcher, script text, or 200+ characters of base64/hex. An autostart key
 * is Run/RunOnce (also under Policies), Winlogon Shell/Userinit, UserInitMprLogonScript,
 * Image File Execution Options / SilentProcessExit or a shell\open\command handler.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "emu/emulate.h"
#include "emu/extract.h"
#include "emu/pool.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "model/hit.h"

#define MAX_KEPT   4000 /* events kept per run (the helper's own cap) */
#define MAX_LAYERS 48   /* layers handed back per run */
#define MIN_LAYER  8    /* shorter produced strings are not layers */
#define DETAIL     200  /* bytes of an argument quoted in a finding */
#define PER_API    16   /* findings per API and script; the rest are counted */

typedef struct EV {
    int kind;
    size_t n;
    char *f[EVLOG_MAX_FIELDS];
    size_t l[EVLOG_MAX_FIELDS];
} EV;

typedef struct RUN {
    EV *v;
    size_t n, cap;
} RUN;

typedef struct APICOUNT {
    const char *api;
    unsigned n;
} APICOUNT;

/* on_event - keep a copy of the event (fields NUL-terminated) */
static void on_event(void *ctx, const EVLOG_EVENT *ev)
{
    RUN *r = ctx;
    if (r->n >= MAX_KEPT)
        return;
    XGROW(r->v, r->n, r->cap);
    EV *e = &r->v[r->n++];
    e->kind = ev->kind;
    e->n = ev->nfield;
    for (size_t i = 0; i < ev->nfield; i++) {
        e->f[i] = xmalloc(ev->len[i] + 1);
        memcpy(e->f[i], ev->field[i], ev->len[i]);
        e->f[i][ev->len[i]] = 0;
        e->l[i] = ev->len[i];
    }
}

/* has - case-insensitive substring in the first n bytes of s */
static bool has(const char *s, size_t n, const char *needle)
{
    return str_memmem_ci(s, n, needle) != NULL;
}

/* launcher - a command line that starts a script host or an encoded/remote payload */
static bool launcher(const char *s, size_t n)
{
    if (has(s, n, "mshta") || has(s, n, "javascript:") || has(s, n, "vbscript:"))
        return true;
    if ((has(s, n, "powershell") || has(s, n, "pwsh")) &&
        (has(s, n, " -e") || has(s, n, "iex") || has(s, n, "invoke-expression") ||
         has(s, n, "downloadstring") || has(s, n, "frombase64string") || has(s, n, "-w hidden") ||
         has(s, n, "-windowstyle hidden")))
        return true;
    if ((has(s, n, "wscript") || has(s, n, "cscript")) &&
        (has(s, n, "//e:") || has(s, n, ".js") || has(s, n, ".vbs") || has(s, n, ".wsf")))
        return true;
    if (has(s, n, "regsvr32") && (has(s, n, "/i:") || has(s, n, "scrobj")))
        return true;
    if (has(s, n, "certutil") && (has(s, n, "-decode") || has(s, n, "urlcache")))
        return true;
    return has(s, n, "bitsadmin") && has(s, n, "/transfer");
}

/* payload - a registry value that is itself code or an encoded blob */
static bool payload(const char *s, size_t n)
{
    if (launcher(s, n) || has(s, n, "activexobject") || has(s, n, "fromcharcode") ||
        has(s, n, "eval(") || has(s, n, "function(") || has(s, n, "frombase64string"))
        return true;
    size_t run = 0;
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool b64 = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' || ch == '=';
        run = b64 ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best >= 200;
}

/* autostart - a registry key that starts something at logon or on use */
static bool autostart(const char *k, size_t n)
{
    return has(k, n, "\\currentversion\\run") || has(k, n, "\\explorer\\run") ||
           has(k, n, "\\winlogon\\") || has(k, n, "userinitmprlogonscript") ||
           has(k, n, "image file execution options") || has(k, n, "silentprocessexit") ||
           has(k, n, "\\shell\\open\\command");
}

/* startup_path - a path in a Startup folder */
static bool startup_path(const char *p, size_t n)
{
    return has(p, n, "\\start menu\\programs\\startup");
}

/*
 * place - the finding's location: <loc>>emu:<api>, #N from the second call on; NULL past
 * PER_API calls of one API (a flood: counted, reported once by findings)
 */
static char *place(const char *loc, APICOUNT *ac, size_t *nac, const char *api)
{
    size_t i = 0;
    while (i < *nac && strcmp(ac[i].api, api) != 0)
        i++;
    if (i == *nac && *nac < 32)
        ac[(*nac)++] = (APICOUNT){api, 0};
    unsigned k = i < *nac ? ++ac[i].n : PER_API + 1;
    if (k > PER_API)
        return NULL;
    return k <= 1 ? xasprintf("%s>emu:%s", loc, api) : xasprintf("%s>emu:%s#%u", loc, api, k);
}

/* lang_of - the language of a produced layer, for the analysers */
static const char *lang_of(const char *how)
{
    if (strcmp(how, "eval") == 0 || strcmp(how, "function") == 0 || strcmp(how, "strings") == 0)
        return "js";
    if (strcmp(how, "cmd") == 0)
        return "bat";
    return NULL;
}

/* layers - hand each distinct produced string back to the scan as a layer */
static void layers(HEUR_CTX *c, const RUN *r)
{
    char(*seen)[65] = xcalloc(MAX_LAYERS, 65);
    size_t nseen = 0;
    for (size_t i = 0; i < r->n && nseen < MAX_LAYERS && c->emit; i++) {
        const EV *e = &r->v[i];
        if (e->kind != EVLOG_EV_LAYER || e->n < 2 || e->l[1] < MIN_LAYER)
            continue;
        char sha[65];
        digest_sha256_hex(e->f[1], e->l[1], sha);
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = strcmp(seen[k], sha) == 0;
        if (dup)
            continue;
        memcpy(seen[nseen++], sha, 65);
        size_t len = e->l[1] > c->max_decoded && c->max_decoded ? c->max_decoded : e->l[1];
        char *how = xasprintf("emu-%s", e->f[0]);
        c->emit(c->emit_ctx, how, lang_of(e->f[0]), (const unsigned char *)e->f[1], len);
        free(how);
    }
    free(seen);
}

/* arg - field i or "" */
static const char *arg(const EV *e, size_t i)
{
    return i < e->n ? e->f[i] : "";
}

/* findings - each recorded call that means something, as a hit */
static void findings(HEUR_CTX *c, const RUN *r)
{
    APICOUNT ac[32];
    size_t nac = 0;
    int d = DETAIL;
    for (size_t i = 0; i < r->n; i++) {
        const EV *e = &r->v[i];
        if (e->kind != EVLOG_EV_CALL)
            continue;
        const char *api = e->f[0];
        const char *a1 = arg(e, 1);
        const char *a2 = arg(e, 2);
        const char *a3 = arg(e, 3);
        size_t l1 = e->n > 1 ? e->l[1] : 0;
        size_t l2 = e->n > 2 ? e->l[2] : 0;
        char *at = NULL;
        if (strcmp(api, "RegWrite") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_REG_WRITE", at, "%.*s = %.*s", d, a1, d, a2);
            bool run = autostart(a1, l1);
            bool pay = payload(a2, l2);
            if (run)
                hits_add(c->hits, "EMU_REG_RUNKEY", at, "autostart key %.*s", d, a1);
            if (pay)
                hits_add(c->hits, "EMU_REG_PAYLOAD", at, "value is code or encoded: %.*s", d, a2);
            if (run && launcher(a2, l2))
                hits_add(c->hits, "EMU_RUNKEY_LAUNCHER", at,
                         "autostart value built at run time launches a script: %.*s = %.*s", d, a1,
                         d, a2);
        } else if (strcmp(api, "Run") == 0 || strcmp(api, "Exec") == 0 ||
                   strcmp(api, "ShellExecute") == 0 || strcmp(api, "Win32_Process.Create") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_EXEC", at, "%.*s", d, a1);
            if (launcher(a1, l1))
                hits_add(c->hits, "EMU_EXEC_LAUNCHER", at,
                         "starts a script host or encoded "
                         "command: %.*s",
                         d, a1);
        } else if (strcmp(api, "RunDownloaded") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_DOWNLOAD_EXEC", at, "runs the file it downloaded: %.*s", d, a1);
        } else if (strcmp(api, "HttpOpen") == 0) {
            at = place(c->location, ac, &nac, "Http");
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_DOWNLOAD", at, "%.*s %.*s (%.*s)", 16, a1, d, a2, 40, a3);
        } else if (strcmp(api, "SaveToFile") == 0 || strcmp(api, "WriteFile") == 0 ||
                   strcmp(api, "CopyFile") == 0 || strcmp(api, "MoveFile") == 0) {
            bool copy = api[0] == 'C' || api[0] == 'M';
            const char *path = copy ? a2 : a1;
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_WRITE_FILE", at, "%.*s%s%.*s", d, path, copy ? " from " : " ", d,
                     copy ? a1 : a2);
            if (startup_path(path, strlen(path)))
                hits_add(c->hits, "EMU_STARTUP_FILE", at, "file in a Startup folder: %.*s", d,
                         path);
        } else if (strcmp(api, "CreateShortcut") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_SHORTCUT", at, "%.*s -> %.*s %.*s", d, a1, d, a2, d, a3);
            if (startup_path(a1, l1))
                hits_add(c->hits, "EMU_STARTUP_FILE", at, "shortcut in a Startup folder: %.*s", d,
                         a1);
        } else if (strcmp(api, "RegisterTask") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_SCHTASK", at, "task %.*s: %.*s", 60, a1, d, a2);
        } else if (strcmp(api, "WMIPut") == 0 &&
                   (has(a1, l1, "eventfilter") || has(a1, l1, "consumer") ||
                    has(a1, l1, "filtertoconsumerbinding"))) {
            at = place(c->location, ac, &nac, "WMI");
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_WMI_PERSIST", at, "%.*s: %.*s", 60, a1, d, a2);
        } else if (strcmp(api, "GetObject") == 0 &&
                   (has(a1, l1, "script:") || has(a1, l1, "http"))) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_REMOTE_SCRIPTLET", at, "%.*s", d, a1);
        } else if (strcmp(api, "BlobSave") == 0 || strcmp(api, "DataSave") == 0) {
            at = place(c->location, ac, &nac, api);
            if (at == NULL)
                continue;
            hits_add(c->hits, "EMU_BLOB_SAVE", at,
                     "page saves %.*s (%.*s bytes) built in the browser", d, a1, 16, a2);
        }
        free(at);
    }
    for (size_t i = 0; i < nac; i++) /* a flood of one call */
        if (ac[i].n > PER_API) {
            char *at = xasprintf("%s>emu:%s#more", c->location, ac[i].api);
            hits_add(c->hits, "EMU_LIMIT", at, "%u more %s calls not listed", ac[i].n - PER_API,
                     ac[i].api);
            free(at);
        }
    for (size_t i = 0; i < r->n; i++) /* generated code: one finding */
        if (r->v[i].kind == EVLOG_EV_LAYER && r->v[i].l[1] >= MIN_LAYER &&
            (strcmp(r->v[i].f[0], "eval") == 0 || strcmp(r->v[i].f[0], "function") == 0)) {
            char *at = xasprintf("%s>emu:eval", c->location);
            hits_add(c->hits, "EMU_DYNAMIC_CODE", at, "runs code it built (%zu bytes)",
                     r->v[i].l[1]);
            free(at);
            break;
        }
}

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;
static bool configured;

/* setup - the pool, configured once from the first configuration seen */
static void setup(const CONFIG *cfg)
{
    pthread_mutex_lock(&setup_lock);
    if (!configured) {
        emu_pool_configure(cfg->emulate_helper, (unsigned)cfg->emulate_workers,
                           (unsigned)(cfg->emulate_memory >> 20));
        configured = true;
    }
    pthread_mutex_unlock(&setup_lock);
}

/* emu_wanted - see emulate.h */
bool emu_wanted(const char *location, const char *type)
{
    if (type == NULL)
        return false;
    static const char *const types[] = {"js", "hta", "wsf", "sct", "html", "svg", "xml"};
    bool ok = false;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !ok; i++)
        ok = strcmp(type, types[i]) == 0;
    const char *last = NULL;
    const char *p = location;
    while ((p = strstr(p, ">decoded:")) != NULL) {
        last = p;
        p += 9;
    }
    return ok && (last == NULL || strncmp(last, ">decoded:jse", 12) == 0);
}

struct EMU_SEEN {
    pthread_mutex_t lock;
    char (*v)[DIGEST_HEX_LEN + 1];
    size_t n, cap;
};

/* emu_seen_new - an empty set of script digests */
EMU_SEEN *emu_seen_new(void)
{
    EMU_SEEN *s = xcalloc(1, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

/* emu_seen_free - release; accepts NULL, returns NULL */
EMU_SEEN *emu_seen_free(EMU_SEEN *s)
{
    if (s == NULL)
        return NULL;
    pthread_mutex_destroy(&s->lock);
    free(s->v);
    free(s);
    return NULL;
}

/* first_time - add the code's digest to the set; false when it was there already */
static bool first_time(EMU_SEEN *s, const BUF *code)
{
    if (s == NULL)
        return true;
    char d[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(code->data, code->len, d);
    pthread_mutex_lock(&s->lock);
    bool fresh = true;
    for (size_t i = 0; i < s->n && fresh; i++) /* a few scripts per message: a list */
        fresh = strcmp(s->v[i], d) != 0;
    if (fresh) {
        XGROW(s->v, s->n, s->cap);
        memcpy(s->v[s->n++], d, sizeof(d));
    }
    pthread_mutex_unlock(&s->lock);
    return fresh;
}

/* browser_call - a recorded call a page makes without the script host: navigation,
 * XMLHttpRequest, the ES2015 rewrite, blocks that did not run, members and calls of the
 * catch-all objects other than WScript's */
static bool browser_call(const EV *e)
{
    static const char *const safe[] = {"Navigate",    "HttpOpen",   "HttpSend", "Downlevel",
                                       "BlockSyntax", "BlockError", NULL};
    const char *api = e->f[0];
    for (int i = 0; safe[i]; i++)
        if (strcmp(api, safe[i]) == 0)
            return true;
    if (strcmp(api, "Member") == 0 || strcmp(api, "Call") == 0)
        return e->n > 1 && strncmp(e->f[1], "WScript", 7) != 0 && strncmp(e->f[1], "WSH", 3) != 0;
    return false;
}

/* run_class - what the run showed for heur_known: the script host used, or a run to
 * the end without it (known.h) */
static HEUR_RUN run_class(const RUN *r, EMU_STATUS s, const EMU_OUTCOME *o)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].kind == EVLOG_EV_CALL && r->v[i].n > 0 && !browser_call(&r->v[i]))
            return HEUR_RUN_HOST;
    return s == EMU_OK && strcmp(o->text, "ok") == 0 && !o->dropped ? HEUR_RUN_INERT
                                                                    : HEUR_RUN_NONE;
}

/* emu_script - see emulate.h */
HEUR_RUN emu_script(HEUR_CTX *c, const CONFIG *cfg, EMU_SEEN *seen, const char *type,
                    const unsigned char *data, size_t n)
{
    if (!cfg->emulate || n == 0)
        return HEUR_RUN_NONE;
    BUF *src = buf_new(n + 64);
    BUF *code = buf_new(n + 16);
    int kind = emu_extract_code(type, (const char *)data, n, src, code);
    bool fresh = kind >= 0 && src->len <= EVLOG_MAX_SCRIPT && first_time(seen, code);
    buf_free(code);
    if (!fresh) {
        buf_free(src);
        return HEUR_RUN_NONE;
    }
    setup(cfg);
    const char *name = strrchr(c->location, '>');
    const char *slash = strrchr(name ? name : c->location, '/');
    name = slash ? slash + 1 : name ? name + 1 : c->location;
    size_t nl = strlen(name) > 200 ? 200 : strlen(name);
    EVLOG_REQUEST req = {(uint32_t)cfg->emulate_ms,
                         (uint32_t)(cfg->emulate_memory >> 20),
                         (uint32_t)kind,
                         name,
                         nl,
                         src->data,
                         src->len};
    RUN r = {0};
    EMU_OUTCOME o;
    EMU_STATUS s = emu_pool_run(&req, on_event, &r, &o);
    findings(c, &r);
    layers(c, &r);
    char *at = xasprintf("%s>emu", c->location);
    if (s == EMU_TIMEOUT || s == EMU_MEMORY || s == EMU_KILLED)
        hits_add(c->hits, "EMU_LIMIT", at, "%s after %.0f ms (%u events kept): %s",
                 o.text[0] ? o.text : "killed", o.ms, o.events, o.msg);
    else if (o.dropped)
        hits_add(c->hits, "EMU_LIMIT", at, "%u events over the cap were dropped", o.dropped);
    else if (s == EMU_SYNTAX || s == EMU_CRASHED || s == EMU_UNAVAILABLE || s == EMU_BUSY)
        hits_add(c->hits, "EMU_ERROR", at, "not emulated: %s%s%s", o.text[0] ? o.text : "helper",
                 o.msg[0] ? ": " : "", o.msg);
    for (size_t i = 0; i < r.n; i++) /* a markup block the interpreter could not compile */
        if (r.v[i].kind == EVLOG_EV_CALL && strcmp(r.v[i].f[0], "BlockSyntax") == 0) {
            hits_add(c->hits, "EMU_ERROR", at, "a script block was not emulated: %.100s",
                     arg(&r.v[i], 1));
            break;
        }
    free(at);
    HEUR_RUN run = run_class(&r, s, &o);
    for (size_t i = 0; i < r.n; i++)
        for (size_t k = 0; k < r.v[i].n; k++)
            free(r.v[i].f[k]);
    free(r.v);
    buf_free(src);
    return run;
}

/* emu_selfcheck - see emulate.h */
int emu_selfcheck(const CONFIG *cfg, BUF *err)
{
    setup(cfg);
    return emu_pool_check(err);
}
