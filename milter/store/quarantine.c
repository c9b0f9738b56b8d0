/*
 * store/quarantine - the quarantine store on disk (see store/quarantine.h)
 *
 * Security: everything here is written 0600 in 0700 directories; names are built only
 * from validated refs (16 hex digits), never from sender text, so a message cannot steer
 * a path. Sender text reaches the files only through qmeta's escaping.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/str.h"
#include "core/log.h"
#include "store/quarantine.h"
#include "lib/xalloc.h"

#define USAGE_RECOUNT_S 60    /* the daemon recounts the store's size at least this often */
#define STALE_S         86400 /* purge: temp and half-written files older than this */

static pthread_mutex_t usage_lock = PTHREAD_MUTEX_INITIALIZER;
static char *usage_dir;      /* the store usage_bytes was counted for */
static int64_t usage_bytes;  /* bytes of items, as counted plus what we added since */
static time_t usage_counted; /* when usage_bytes was last counted from disk */

/* quarantine_ref_ok - 16 lower-case hex digits */
bool quarantine_ref_ok(const char *s)
{
    return s && strlen(s) == STR_REF_LEN && str_is_ref(s, STR_REF_LEN);
}

/* fsync_dir - make a rename or unlink in a directory durable */
static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* write_all - write n bytes, retrying short writes */
static int write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* give_owner - as root, hand a new file to the owner of the store (the daemon's user) */
static void give_owner(int fd, const char *dir)
{
    struct stat st;
    if (geteuid() == 0 && stat(dir, &st) == 0 && fchown(fd, st.st_uid, st.st_gid) != 0)
        log_warning("chown in %s: %s", dir, strerror(errno));
}

/* put_file - write DIR/sub/name atomically through DIR/tmp (see quarantine.h) */
static int put_file(const char *dir, const char *sub, const char *name, const void *p, size_t n,
                    bool excl, BUF *err)
{
    char *tmp = xasprintf("%s/tmp/%s.XXXXXX", dir, name);
    char *dst = xasprintf("%s%s%s/%s", dir, sub[0] ? "/" : "", sub, name);
    char *dstdir = xasprintf("%s%s%s", dir, sub[0] ? "/" : "", sub);
    int rc = -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        buf_printf(err, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    give_owner(fd, dir);
    if (fchmod(fd, 0600) != 0 || write_all(fd, p, n) != 0 || fsync(fd) != 0) {
        buf_printf(err, "write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0) {
        buf_printf(err, "close %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (excl ? link(tmp, dst) : rename(tmp, dst)) {
        buf_printf(err, "%s: %s", dst, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (excl)
        unlink(tmp);
    if (fsync_dir(dstdir) != 0) {
        buf_printf(err, "fsync %s: %s", dstdir, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    free(dst);
    free(dstdir);
    return rc;
}

/* quarantine_write - DIR/name, atomically */
int quarantine_write(const char *dir, const char *name, const void *p, size_t n, bool excl,
                     BUF *err)
{
    return put_file(dir, "", name, p, n, excl, err);
}

/* make_dir - mkdir 0700 (existing is fine), chmod 0700, optional chown */
static int make_dir(const char *path, long uid, long gid, BUF *err)
{
    struct stat st;
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        buf_printf(err, "mkdir %s: %s", path, strerror(errno));
        return -1;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        buf_printf(err, "%s: not a directory", path);
        return -1;
    }
    if ((st.st_mode & 07777) != 0700 && chmod(path, 0700) != 0) {
        buf_printf(err, "chmod %s: %s", path, strerror(errno));
        return -1;
    }
    if (uid >= 0 && chown(path, (uid_t)uid, (gid_t)gid) != 0) {
        buf_printf(err, "chown %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* quarantine_prepare - the tree, 0700, optionally owned by uid:gid */
int quarantine_prepare(const char *dir, long uid, long gid, BUF *err)
{
    char *items = xasprintf("%s/items", dir);
    char *tmp = xasprintf("%s/tmp", dir);
    int rc = make_dir(dir, uid, gid, err) == 0 && make_dir(items, uid, gid, err) == 0 &&
                     make_dir(tmp, uid, gid, err) == 0
                 ? 0
                 : -1;
    free(items);
    free(tmp);
    return rc;
}

/* has_suffix - name ends with suffix */
static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name);
    size_t s = strlen(suffix);
    return n > s && strcmp(name + n - s, suffix) == 0;
}

/* quarantine_usage - bytes of the items' files */
int64_t quarantine_usage(const char *dir)
{
    char *items = xasprintf("%s/items", dir);
    DIR *d = opendir(items);
    int64_t sum = 0;
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL)
        if ((has_suffix(e->d_name, ".eml") || has_suffix(e->d_name, ".meta")) &&
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            sum += (int64_t)st.st_size;
    if (d)
        closedir(d);
    free(items);
    return sum;
}

/* reserve - account for n more bytes; false when the store would pass max (0: no cap) */
static bool reserve(const char *dir, int64_t max, int64_t n, int64_t *used)
{
    pthread_mutex_lock(&usage_lock);
    time_t now = time(NULL);
    if (usage_dir == NULL || strcmp(usage_dir, dir) != 0 ||
        now - usage_counted >= USAGE_RECOUNT_S || now < usage_counted) {
        free(usage_dir);
        usage_dir = xstrdup(dir);
        usage_bytes = quarantine_usage(dir);
        usage_counted = now;
    }
    bool ok = max <= 0 || usage_bytes + n <= max;
    if (ok)
        usage_bytes += n;
    *used = usage_bytes;
    pthread_mutex_unlock(&usage_lock);
    return ok;
}

/* unreserve - give back a reservation after a failed write */
static void unreserve(const char *dir, int64_t n)
{
    pthread_mutex_lock(&usage_lock);
    if (usage_dir && strcmp(usage_dir, dir) == 0)
        usage_bytes -= n;
    pthread_mutex_unlock(&usage_lock);
}

/* item_path - DIR/items/REF.ext (caller frees) */
static char *item_path(const char *dir, const char *ref, const char *ext)
{
    return xasprintf("%s/items/%s.%s", dir, ref, ext);
}

/* quarantine_store - add one item (see quarantine.h) */
int quarantine_store(const char *dir, int64_t max_bytes, const QMETA *m, const char *raw,
                     size_t len, BUF *err)
{
    if (!quarantine_ref_ok(m->ref)) {
        buf_puts(err, "bad reference id");
        return -1;
    }
    if (quarantine_prepare(dir, -1, -1, err) != 0)
        return -1;
    BUF *meta = buf_new(1024);
    qmeta_format(meta, m);
    int64_t need = (int64_t)(len + meta->len);
    int64_t used = 0;
    int rc = -1;
    char *eml = xasprintf("%s.eml", m->ref);
    char *mname = xasprintf("%s.meta", m->ref);
    if (!reserve(dir, max_bytes, need, &used)) {
        buf_printf(err, "store full: %lld bytes used, %lld more would pass quarantine_max_bytes",
                   (long long)used, (long long)need);
        goto out;
    }
    if (put_file(dir, "items", eml, raw, len, true, err) != 0) {
        unreserve(dir, need);
        goto out;
    }
    if (put_file(dir, "items", mname, meta->data, meta->len, true, err) != 0) {
        char *p = item_path(dir, m->ref, "eml");
        unlink(p);
        free(p);
        unreserve(dir, need);
        goto out;
    }
    rc = 0;
out:
    free(eml);
    free(mname);
    buf_free(meta);
    return rc;
}

/* read_file - a whole file, NUL-terminated (caller frees); NULL with the reason */
static char *read_file(const char *path, size_t *len, BUF *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        buf_printf(err, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    size_t got = 0;
    char *p = try_malloc(n + 1);
    while (p && got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (p == NULL || got != n) {
        buf_printf(err, "%s: %s", path, p ? "short read" : "out of memory");
        free(p);
        return NULL;
    }
    p[n] = 0;
    if (len)
        *len = n;
    return p;
}

/* load_ref - the metadata of a full ref; NULL with the reason */
static QMETA *load_ref(const char *dir, const char *ref, BUF *err)
{
    char *path = item_path(dir, ref, "meta");
    size_t n = 0;
    char *p = read_file(path, &n, err);
    QMETA *m = NULL;
    if (p) {
        BUF *why = buf_new(64);
        m = qmeta_parse(p, n, why);
        if (m == NULL)
            buf_printf(err, "%s: %s", path, why->data);
        else if (strcmp(m->ref, ref) != 0) {
            buf_printf(err, "%s: holds ref %s", path, m->ref);
            m = qmeta_free(m);
        }
        buf_free(why);
    }
    free(p);
    free(path);
    return m;
}

/* newest_first - qsort order of QMETA pointers */
static int newest_first(const void *a, const void *b)
{
    const QMETA *x = *(QMETA *const *)a;
    const QMETA *y = *(QMETA *const *)b;
    if (x->time != y->time)
        return x->time > y->time ? -1 : 1;
    return strcmp(x->ref, y->ref);
}

/* meta_ref - the ref of an items/ file name REF.meta, or false */
static bool meta_ref(const char *name, char ref[17])
{
    if (strlen(name) != 21 || !has_suffix(name, ".meta"))
        return false;
    memcpy(ref, name, 16);
    ref[16] = 0;
    return quarantine_ref_ok(ref);
}

/* quarantine_list - every item's metadata, newest first */
int quarantine_list(const char *dir, QMETA ***v, size_t *n, BUF *err)
{
    char *items = xasprintf("%s/items", dir);
    DIR *d = opendir(items);
    *v = NULL;
    *n = 0;
    if (d == NULL) {
        /* a quarantine the milter never wrote to yet (items/ is made at its first start) */
        bool empty = errno == ENOENT && access(dir, F_OK) == 0;
        if (!empty)
            buf_printf(err, "%s: %s", items, strerror(errno));
        free(items);
        return empty ? 0 : -1;
    }
    size_t cap = 0;
    struct dirent *e;
    char ref[17];
    BUF *why = buf_new(64);
    while ((e = readdir(d)) != NULL) {
        if (!meta_ref(e->d_name, ref))
            continue;
        buf_reset(why);
        QMETA *m = load_ref(dir, ref, why);
        if (m == NULL) {
            if (errno != ENOENT) /* deleted meanwhile is fine */
                log_warning("quarantine: skipped %s", why->data);
            continue;
        }
        XGROW(*v, *n, cap);
        (*v)[(*n)++] = m;
    }
    closedir(d);
    buf_free(why);
    free(items);
    if (*n)
        qsort(*v, *n, sizeof(**v), newest_first);
    return 0;
}

/* quarantine_list_free - release a list; returns NULL */
QMETA **quarantine_list_free(QMETA **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        qmeta_free(v[i]);
    free(v);
    return NULL;
}

/* find_prefix - the one ref starting with id; false with the reason */
static bool find_prefix(const char *dir, const char *id, char ref[17], BUF *err)
{
    char *items = xasprintf("%s/items", dir);
    DIR *d = opendir(items);
    size_t matches = 0;
    size_t il = strlen(id);
    char r[17];
    struct dirent *e;
    if (d == NULL) {
        buf_printf(err, "%s: %s", items, strerror(errno));
        free(items);
        return false;
    }
    while ((e = readdir(d)) != NULL)
        if (meta_ref(e->d_name, r) && strncmp(r, id, il) == 0 && matches++ == 0)
            memcpy(ref, r, 17);
    closedir(d);
    free(items);
    if (matches == 1)
        return true;
    buf_printf(err, matches ? "%s: ambiguous, give more digits" : "%s: no such item", id);
    return false;
}

/* quarantine_load - one item by ref or unique prefix */
QMETA *quarantine_load(const char *dir, const char *id, BUF *err)
{
    size_t il = strlen(id);
    char ref[17];
    if (il < 4 || il > 16 || strspn(id, "0123456789abcdef") != il) {
        buf_printf(err, "bad id '%.40s': 4 to 16 lower-case hex digits", id);
        return NULL;
    }
    if (il == 16) {
        memcpy(ref, id, 17);
        char *p = item_path(dir, ref, "meta");
        bool there = access(p, F_OK) == 0;
        int e = errno;
        if (!there) /* not there, or not ours to see: say which */
            buf_printf(err, e == ENOENT ? "%s: no such item" : "%s: %s", e == ENOENT ? id : p,
                       strerror(e));
        free(p);
        if (!there)
            return NULL;
    } else if (!find_prefix(dir, id, ref, err)) {
        return NULL;
    }
    return load_ref(dir, ref, err);
}

/* quarantine_raw - the stored message bytes */
char *quarantine_raw(const char *dir, const char *ref, size_t *len, BUF *err)
{
    if (!quarantine_ref_ok(ref)) {
        buf_puts(err, "bad reference id");
        return NULL;
    }
    char *path = item_path(dir, ref, "eml");
    char *p = read_file(path, len, err);
    free(path);
    return p;
}

/* quarantine_update - rewrite an item's metadata atomically */
int quarantine_update(const char *dir, const QMETA *m, BUF *err)
{
    if (!quarantine_ref_ok(m->ref)) {
        buf_puts(err, "bad reference id");
        return -1;
    }
    BUF *b = buf_new(1024);
    qmeta_format(b, m);
    char *name = xasprintf("%s.meta", m->ref);
    int rc = put_file(dir, "items", name, b->data, b->len, false, err);
    free(name);
    buf_free(b);
    return rc;
}

/* quarantine_delete - remove an item: metadata first, so it disappears at once */
int quarantine_delete(const char *dir, const char *ref, BUF *err)
{
    if (!quarantine_ref_ok(ref)) {
        buf_puts(err, "bad reference id");
        return -1;
    }
    char *meta = item_path(dir, ref, "meta");
    char *eml = item_path(dir, ref, "eml");
    char *items = xasprintf("%s/items", dir);
    int rc = 0;
    if (unlink(meta) != 0) {
        buf_printf(err, "%s: %s", meta, strerror(errno));
        rc = -1;
    } else if (unlink(eml) != 0 && errno != ENOENT) {
        buf_printf(err, "%s: %s", eml, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        fsync_dir(items);
    free(meta);
    free(eml);
    free(items);
    return rc;
}

/* purge_stale - temp files and messages without metadata older than STALE_S */
static void purge_stale(const char *dir, const char *sub, bool orphans_only, time_t now)
{
    char *path = xasprintf("%s/%s", dir, sub);
    DIR *d = opendir(path);
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode) || now - st.st_mtime < STALE_S)
            continue;
        if (orphans_only) {
            char ref[17], meta[32];
            if (strlen(e->d_name) != 20 || !has_suffix(e->d_name, ".eml"))
                continue;
            memcpy(ref, e->d_name, 16);
            ref[16] = 0;
            snprintf(meta, sizeof(meta), "%s.meta", ref);
            if (faccessat(dirfd(d), meta, F_OK, 0) == 0)
                continue;
        }
        unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    free(path);
}

/* purge_released - release marks (released/REF.HASH) last changed before `before` */
static void purge_released(const char *dir, int64_t before)
{
    char *path = xasprintf("%s/released", dir);
    DIR *d = opendir(path);
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strlen(e->d_name) < 18 || e->d_name[16] != '.' ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            (int64_t)st.st_mtime >= before)
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    free(path);
}

/* quarantine_purge - remove items stored before `before`, release marks before released_before */
int quarantine_purge(const char *dir, int64_t before, int64_t released_before, size_t *removed,
                     BUF *err)
{
    QMETA **v;
    size_t n;
    *removed = 0;
    char *items = xasprintf("%s/items", dir);
    int ok = access(items, R_OK | W_OK | X_OK); /* removing needs all three */
    if (ok != 0 && errno == ENOENT && access(dir, F_OK) == 0) {
        free(items); /* a quarantine the milter never wrote to yet: nothing to purge */
        return 0;
    }
    if (ok != 0)
        buf_printf(err, "%s: %s", items, strerror(errno));
    free(items);
    if (ok != 0 || quarantine_list(dir, &v, &n, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->time >= before)
            continue;
        if (quarantine_delete(dir, v[i]->ref, err) == 0)
            (*removed)++;
        else
            rc = -1;
    }
    quarantine_list_free(v, n);
    time_t now = time(NULL);
    purge_stale(dir, "tmp", false, now);
    purge_stale(dir, "items", true, now);
    purge_released(dir, released_before);
    return rc;
}

/* quarantine_lock - exclusive lock on the store; the fd, or -1 with the reason */
int quarantine_lock(const char *dir, BUF *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        buf_printf(err, "lock %s: %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* quarantine_unlock - release the lock */
void quarantine_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* audit_path - the audit log's path (caller frees) */
static char *audit_path(const CONFIG *c)
{
    return c->audit_log[0] ? xstrdup(c->audit_log) : xasprintf("%s/audit.log", c->quarantine_dir);
}

/* quarantine_audit_ok - can the audit log be written; 0, or -1 with the reason */
int quarantine_audit_ok(const CONFIG *c, BUF *err)
{
    char *path = audit_path(c);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        buf_printf(err, "audit log %s: %s", path, strerror(errno));
    else
        close(fd);
    free(path);
    return fd < 0 ? -1 : 0;
}

/* quarantine_audit - one line in the audit log (see quarantine.h) */
void quarantine_audit(const CONFIG *c, const char *who, const char *fmt, ...)
{
    char *path = audit_path(c);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    BUF *b = buf_new(256);
    buf_printf(b, "%s who=%s ", stamp, who);
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    buf_puts(b, text ? text : "(unformattable)");
    buf_putc(b, '\n');
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || write_all(fd, b->data, b->len) != 0)
        log_error("audit log %s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    free(text);
    buf_free(b);
    free(path);
}
