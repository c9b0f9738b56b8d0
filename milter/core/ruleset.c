/*
 * core/ruleset - snapshots of config and rules, reference counted (see core/ruleset.h)
 *
 * Why a lock and a count instead of atomics alone: a reader must never take a
 * reference to a snapshot that is being freed, so acquire (read current + ref++) and
 * install (swap current) happen under one mutex; the expensive part, building the
 * snapshot (compiling signatures and rules), happens outside it.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clamdb.h"
#include "core/digest.h"
#include "core/log.h"
#include "core/ruleset.h"
#include "core/rulesdir.h"
#include "mime/url.h"
#include "policy/symcheck.h"
#include "scan/dns.h"
#include "lib/xalloc.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static RULESET *current;

/* ruleset_init_libraries - initialize libclamav and YARA once, before threads */
int ruleset_init_libraries(BUF *err)
{
    yara_init();
    return clamav_init(err);
}

/* hash_file - add a file's name and bytes to the version digest */
static bool hash_file(DIGEST *d, const char *path, BUF *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        buf_printf(err, "%s: cannot open: %s\n", path, strerror(errno));
        return false;
    }
    char chunk[8192];
    size_t n;
    const char *base = strrchr(path, '/'); /* the name, not where the rules live: */
    base = base ? base + 1 : path;         /* MTAs sharing one Redis share the ids */
    digest_update(d, base, strlen(base) + 1);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        digest_update(d, chunk, n);
    bool ok = !ferror(f);
    if (!ok)
        buf_printf(err, "%s: read error\n", path);
    fclose(f);
    return ok;
}

/* by_name - qsort order for directory entries */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* hash_dir - a label, then every regular file of a directory in name order (missing: empty) */
static bool hash_dir(DIGEST *d, const char *dir, const char *label, BUF *err)
{
    digest_update(d, label, strlen(label) + 1);
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return errno == ENOENT;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        XGROW(names, n, cap);
        names[n++] = xasprintf("%s/%s", dir, e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof(*names), by_name);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (ok && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            ok = hash_file(d, names[i], err);
        free(names[i]);
    }
    free(names);
    return ok;
}

/* yara_dirs - rules_dir/yara plus the configured extra directories (caller frees) */
static size_t yara_dirs(const CONFIG *c, const char *rules, char ***out)
{
    char **v = xcalloc(1, sizeof(char *));
    size_t n = 0;
    size_t cap = 1;
    v[n++] = xasprintf("%s/yara", rules);
    char *copy = xstrdup(c->yara_extra_dirs);
    char *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        XGROW(v, n, cap);
        v[n++] = config_resolve(c, t);
    }
    free(copy);
    *out = v;
    return n;
}

/* compute_id - the version id over engine versions and every rule file */
static bool compute_id(RULESET *rs, const char *rules, char **ydirs, size_t ny, BUF *err)
{
    DIGEST *d = digest_new();
    const char *ver = clamav_version();
    digest_update(d, ver, strlen(ver) + 1);
    char *sub[] = {xasprintf("%s/scoring.conf", rules), xasprintf("%s/clamav", rules),
                   xasprintf("%s/lists", rules)};
    bool ok = hash_file(d, sub[0], err) && hash_dir(d, sub[1], "clamav", err) &&
              hash_dir(d, sub[2], "lists", err);
    for (size_t i = 0; ok && i < ny; i++)
        ok = hash_dir(d, ydirs[i], i ? "yara-extra" : "yara", err);
    char rhex[DIGEST_HEX_LEN + 1]; /* rules_id: all of it but the official databases */
    DIGEST *r = digest_dup(d);
    digest_final_hex(r, rhex);
    digest_free(r);
    memcpy(rs->rules_id, rhex, 16);
    rs->rules_id[16] = 0;
    digest_update(d, "clamav-db", 10); /* the official databases: their stamp */
    digest_update(d, rs->db_stamp, strlen(rs->db_stamp) + 1);
    char hex[DIGEST_HEX_LEN + 1];
    digest_final_hex(d, hex);
    memcpy(rs->id, hex, 16);
    rs->id[16] = 0;
    for (size_t i = 0; i < 3; i++)
        free(sub[i]);
    digest_free(d);
    return ok;
}

/*
 * dir_writable - a temp directory really takes a file: created and removed (access()
 * would pass for root on a read-only file system). Fail closed: without it libclamav
 * cannot unpack anything and every archive would pass as clean.
 */
static bool dir_writable(const char *setting, const char *dir, BUF *err)
{
    struct stat st;
    int rc = stat(dir, &st);
    if (rc != 0 || !S_ISDIR(st.st_mode)) {
        /* st is set only when stat succeeded */
        buf_printf(err, "%s: %s is not a directory (%s)", setting, dir,
                   rc != 0 ? strerror(errno) : "not a directory");
        return false;
    }
    char *probe = xasprintf("%s/.fileless-milter-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    bool ok = fd >= 0;
    if (ok) {
        close(fd);
        unlink(probe);
    } else {
        buf_printf(err, "%s: cannot create a file in %s (%s)", setting, dir, strerror(errno));
    }
    free(probe);
    return ok;
}

/* tmpdirs_ok - every directory temp files go to: clamav_tmpdir, and $TMPDIR (spool) */
static bool tmpdirs_ok(const CONFIG *cfg, BUF *err)
{
    const char *env = getenv("TMPDIR");
    const char *tmp = env && *env ? env : "/tmp";
    if (*cfg->clamav_tmpdir)
        return dir_writable("clamav_tmpdir", cfg->clamav_tmpdir, err) &&
               dir_writable("TMPDIR (spool files)", tmp, err);
    return dir_writable("clamav_tmpdir (empty: $TMPDIR or /tmp)", tmp, err);
}

/*
 * rules_path - the one directory to load from: rules_dir itself, or the overlay of its
 * comma-separated directories (core/rulesdir.h); *overlay is set to free with rulesdir_remove
 */
static char *rules_path(const CONFIG *cfg, char **overlay, BUF *err)
{
    *overlay = NULL;
    char **dirs = NULL;
    size_t n = 0;
    size_t cap = 0;
    char *copy = xstrdup(cfg->rules_dir);
    char *save = NULL;
    for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        XGROW(dirs, n, cap);
        dirs[n++] = config_resolve(cfg, t);
    }
    free(copy);
    char *path = NULL;
    if (n == 1) {
        path = dirs[0];
        dirs[0] = NULL;
    } else if (n > 1) {
        const char *tmp = *cfg->clamav_tmpdir ? cfg->clamav_tmpdir : getenv("TMPDIR");
        *overlay = rulesdir_overlay(dirs, n, tmp && *tmp ? tmp : "/tmp", err);
        path = *overlay ? xstrdup(*overlay) : NULL;
    } else {
        buf_printf(err, "rules_dir is empty");
    }
    for (size_t i = 0; i < n; i++)
        free(dirs[i]);
    free(dirs);
    return path;
}

/* dns_server_ok - with block lists configured, c-ares accepts dns_server (checked by -n) */
static bool dns_server_ok(const CONFIG *cfg, BUF *err)
{
    if (cfg->uribl_zones[0] == 0)
        return true;
    DNS *d = dns_open(cfg->dns_server, (int)cfg->dns_timeout, err);
    bool ok = d != NULL;
    dns_close(d);
    return ok;
}

/* domain_ascii - the A-label form of a domain, through url_parse's IDNA (caller frees) */
static char *domain_ascii(const char *domain)
{
    char *u = xasprintf("http://%s/", domain);
    URL *url = url_parse(u, strlen(u));
    char *r = url && url->host ? xstrdup(url->host) : NULL;
    url_free(url);
    free(u);
    return r;
}

/* load_policies - the policy file into rs->policies; false with the reason in err */
static bool load_policies(RULESET *rs, const char *rules, BUF *err)
{
    rs->policies = policyset_new(rs->cfg, rs->scores);
    char *path = *rs->cfg->policy_file ? config_resolve(rs->cfg, rs->cfg->policy_file)
                                       : xasprintf("%s/policy.conf", rules);
    bool ok = true;
    if (*rs->cfg->policy_file || access(path, F_OK) == 0)
        ok = policyset_load(rs->policies, path, domain_ascii, err) == 0;
    if (ok && rs->policies->n > 1)
        log_info("policy file %s: %zu policies", path, rs->policies->n - 1);
    free(path);
    return ok;
}

/* ruleset_load - build a snapshot (see ruleset.h) */
RULESET *ruleset_load(CONFIG *cfg, BUF *err)
{
    RULESET *rs = xcalloc(1, sizeof(RULESET));
    rs->cfg = cfg;
    char *overlay;
    errno = 0;
    if (!tmpdirs_ok(cfg, err)) /* first: the rules overlay goes there too */
        return ruleset_free(rs);
    char *rules = rules_path(cfg, &overlay, err);
    if (rules == NULL)
        return ruleset_free(rs);
    char *scoring = xasprintf("%s/scoring.conf", rules);
    char *clamdir = xasprintf("%s/clamav", rules);
    char *listdir = xasprintf("%s/lists", rules);
    char **ydirs = NULL;
    size_t ny = yara_dirs(cfg, rules, &ydirs);
    rs->clamav_db = clamdb_dir(cfg);
    if (rs->clamav_db == NULL || !clamdb_stamp(rs->clamav_db, rs->db_stamp))
        snprintf(rs->db_stamp, sizeof(rs->db_stamp), "none");
    CLAMAV_LIMITS lim = {.max_file_size = cfg->clamav_max_file_size,
                         .max_scan_size = cfg->clamav_max_scan_size,
                         .max_recursion = cfg->clamav_max_recursion,
                         .max_files = cfg->clamav_max_files,
                         .max_scan_time_ms = cfg->clamav_max_scan_time,
                         .tmpdir = *cfg->clamav_tmpdir ? cfg->clamav_tmpdir : NULL,
                         .db_dir = rs->clamav_db,
                         .bomb_ratio = cfg->bomb_min_ratio,
                         .bomb_repeats = cfg->bomb_min_repeats,
                         .bomb_depth = cfg->bomb_min_depth,
                         .image_hash =
                             clamdb_image_hash(clamdir) || clamdb_image_hash(rs->clamav_db)};
    bool ok = (rs->scores = scores_load(scoring, err)) != NULL &&
              (rs->clamav = clamav_load(clamdir, &lim, err)) != NULL &&
              (rs->yara = yara_load((const char *const *)ydirs, ny, err)) != NULL &&
              (rs->lists = lists_load(listdir, err)) != NULL &&
              ioc_load_dir(rs->ioc = ioc_new(), listdir, err) == 0 &&
              (rs->uribl = uribl_parse(cfg->uribl_zones, err)) != NULL && dns_server_ok(cfg, err) &&
              compute_id(rs, rules, ydirs, ny, err) && load_policies(rs, rules, err);
    if (ok) {
        uribl_set_allow(rs->uribl, cfg->uribl_allow_domains);
        yara_set_timeout(rs->yara, (int)cfg->yara_timeout);
    }
    BUF *unknown = buf_new(64);
    if (ok && symcheck_unknown(rs->scores, unknown) > 0)
        log_warning("scoring.conf of rules_dir %s weighs symbols that nothing reports "
                    "(misspelled?): %s",
                    cfg->rules_dir, unknown->data);
    buf_free(unknown);
    if (ok)
        log_info("rules %s: %u signatures%s%s, %u YARA rules (%.0f ms)", rs->id,
                 clamav_signatures(rs->clamav), rs->clamav_db ? " with the databases of " : "",
                 rs->clamav_db ? rs->clamav_db : "", yara_rules(rs->yara), yara_load_ms(rs->yara));
    for (size_t i = 0; i < ny; i++)
        free(ydirs[i]);
    free(ydirs);
    free(clamdir);
    free(listdir);
    free(scoring);
    free(rules);
    rulesdir_remove(overlay);
    return ok ? rs : ruleset_free(rs);
}

/* ruleset_free - release a snapshot nobody holds; accepts NULL, returns NULL */
RULESET *ruleset_free(RULESET *rs)
{
    if (rs == NULL)
        return NULL;
    config_free(rs->cfg);
    scores_free(rs->scores);
    clamav_free(rs->clamav);
    yara_free(rs->yara);
    lists_free(rs->lists);
    ioc_free(rs->ioc);
    policyset_free(rs->policies);
    uribl_free(rs->uribl);
    free(rs->clamav_db);
    free(rs);
    return NULL;
}

/* ruleset_install - make rs current; the previous snapshot loses its reference */
void ruleset_install(RULESET *rs)
{
    pthread_mutex_lock(&lock);
    RULESET *old = current;
    rs->refs = 1;
    current = rs;
    pthread_mutex_unlock(&lock);
    if (old)
        ruleset_release(old);
}

/* ruleset_acquire - the current snapshot with one more reference (NULL before install) */
RULESET *ruleset_acquire(void)
{
    pthread_mutex_lock(&lock);
    RULESET *rs = current;
    if (rs)
        rs->refs++;
    pthread_mutex_unlock(&lock);
    return rs;
}

/* ruleset_hold - one more reference to a snapshot the caller already holds */
void ruleset_hold(RULESET *rs)
{
    pthread_mutex_lock(&lock);
    rs->refs++;
    pthread_mutex_unlock(&lock);
}

/* ruleset_release - drop one reference; the last one frees the snapshot */
void ruleset_release(RULESET *rs)
{
    if (rs == NULL)
        return;
    pthread_mutex_lock(&lock);
    bool last = --rs->refs == 0;
    if (last && rs == current)
        current = NULL;
    pthread_mutex_unlock(&lock);
    if (last)
        ruleset_free(rs);
}

/* ruleset_reload - read the config again, build, install; keep the old one on failure */
int ruleset_reload(const char *config_path, BUF *err)
{
    CONFIG *cfg = config_new();
    if (config_load(cfg, config_path, err) != 0) {
        config_free(cfg);
        return -1;
    }
    RULESET *rs = ruleset_load(cfg, err);
    if (rs == NULL)
        return -1;
    ruleset_install(rs);
    log_notice("rules reloaded: %s", rs->id);
    return 0;
}
