/*
 * ctl/ctl_cache - `fileless-ctl ioc|cache|where ...`: IOC hashes, the cache, prevalence
 *
 *   fileless-ctl ioc import [--hunt] FILE...   add the hashes of IOC files (one MD5, SHA-1 or
 *                                              SHA-256 per line, `#` comments, an optional
 *                                              name after the hash) to Redis; --hunt then
 *                                              lists the messages already received with them
 *   fileless-ctl ioc list                      every IOC hash: rules/lists/ioc-*.txt (file)
 *                                              and imported ones (redis)
 *   fileless-ctl ioc remove HASH               forget an imported hash
 *   fileless-ctl cache stats                   what the cache holds
 *   fileless-ctl cache flush [--ruleset ID|current]   delete part values (all rules ids,
 *                                              or one); SCAN + UNLINK under cache_prefix,
 *                                              never FLUSHDB, never IOC or prevalence keys
 *   fileless-ctl where HASH                    first/last seen, count, and the messages
 *                                              (ref, time, sender, recipients) that carried it
 *   fileless-ctl where URL                     a URL's prevalence (ctl_url.c)
 *
 * Everything but `ioc list` needs cache = redis: with cache = memory the values,
 * counters and prevalence live inside the milter process, so this tool says so and exits 1.
 * Output is plain text, one item per line; sender text was sanitized when it was stored
 * and is sanitized again here.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "ctl/ctl.h"
#include "core/ioc.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* open_shared - the Redis cache of the config, or NULL (reason printed) */
static CACHE *open_shared(CTL *ctl, const char *what)
{
    if (ctl->cfg->cache != CFG_CACHE_REDIS) {
        fprintf(stderr,
                "fileless-ctl: %s: needs cache = redis in %s (cache = %s keeps everything "
                "inside the milter process)\n",
                what, ctl->config_path, ctl->cfg->cache == CFG_CACHE_MEMORY ? "memory" : "off");
        return NULL;
    }
    signal(SIGPIPE, SIG_IGN);
    BUF *err = buf_new(64);
    CACHE *c = cache_open(ctl->cfg, err);
    if (c == NULL)
        fprintf(stderr, "fileless-ctl: %s: %s\n", what, err->data);
    buf_free(err);
    return c;
}

/* fail - print an operation's reason; 1 */
static int fail(const char *what, const BUF *err)
{
    fprintf(stderr, "fileless-ctl: %s: %s\n", what, err->data);
    return 1;
}

/* print_prev - a hash's prevalence and sightings */
static void print_prev(const CACHE_PREV *p, const char *asked)
{
    char first[32] = "-";
    char last[32] = "-";
    time_t f = (time_t)p->first;
    time_t l = (time_t)p->last;
    struct tm tm;
    if (p->first)
        strftime(first, sizeof(first), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&f, &tm));
    if (p->last)
        strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&l, &tm));
    printf("%s sha256=%s sha1=%s md5=%s first=%s last=%s count=%lld\n", asked,
           p->sha256[0] ? p->sha256 : "-", p->sha1[0] ? p->sha1 : "-", p->md5[0] ? p->md5 : "-",
           first, last, p->count);
    for (size_t i = 0; i < p->n; i++) {
        char *e = xstrdup(p->entries[i]);
        char *save = NULL;
        char *ref = strtok_r(e, "\t", &save);
        char *t = strtok_r(NULL, "\t", &save);
        char *from = strtok_r(NULL, "\t", &save);
        char *to = strtok_r(NULL, "\t", &save);
        char stamp[32] = "-";
        time_t tt = t ? (time_t)atoll(t) : 0;
        if (tt)
            strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
        char *sref = str_sanitize_dup(ref ? ref : "-", 40);
        char *sfrom = str_sanitize_dup(from ? from : "-", 400);
        char *sto = str_sanitize_dup(to ? to : "-", 1200);
        printf("  ref=%s time=%s from=%s to=%s\n", sref, stamp, sfrom, sto);
        free(sref);
        free(sfrom);
        free(sto);
        free(e);
    }
}

/* where_one - look a hash up and print it; false when unknown or on failure */
static bool where_one(CACHE *c, const char *hash, int *rc)
{
    CACHE_PREV p;
    BUF *err = buf_new(64);
    bool found = false;
    if (cache_where(c, hash, &p, err) != 0) {
        *rc = fail("where", err);
    } else if (p.found) {
        print_prev(&p, hash);
        found = true;
    }
    cache_prev_clear(&p);
    buf_free(err);
    return found;
}

/* lower_hash - a copy of a valid hash in lower case, or NULL */
static char *lower_hash(const char *h)
{
    if (ioc_kind(h) == NULL)
        return NULL;
    char *r = xstrdup(h);
    str_lower(r);
    return r;
}

/* ctl_where - `where HASH` */
int ctl_where(CTL *ctl, int argc, char **argv)
{
    if (argc == 2 && (strstr(argv[1], "://") || strncmp(argv[1], "www.", 4) == 0))
        return ctl_where_url(ctl, argv[1]); /* a URL's prevalence (ctl_url.c) */
    char *h = argc == 2 ? lower_hash(argv[1]) : NULL;
    if (h == NULL) {
        return ctl_usage("where", stderr, 2);
    }
    CACHE *c = open_shared(ctl, "where");
    int rc = c ? 0 : 1;
    if (c && !where_one(c, h, &rc) && rc == 0) {
        printf("%s: never seen\n", h);
        rc = 1;
    }
    cache_close(c);
    free(h);
    return rc;
}

/* ioc_import - load the files, import them, optionally hunt */
static int ioc_import(CTL *ctl, int argc, char **argv)
{
    bool hunt = argc > 2 && strcmp(argv[2], "--hunt") == 0;
    int first = hunt ? 3 : 2;
    if (first >= argc) {
        return ctl_usage("ioc", stderr, 2);
    }
    IOCSET *s = ioc_new();
    BUF *err = buf_new(64);
    int rc = 0;
    for (int i = first; i < argc && rc == 0; i++)
        if (ioc_load_file(s, argv[i], err) != 0)
            rc = fail("ioc import", err);
    CACHE *c = rc == 0 ? open_shared(ctl, "ioc import") : NULL;
    if (rc == 0 && c == NULL)
        rc = 1;
    if (c && cache_ioc_import(c, s, err) != 0)
        rc = fail("ioc import", err);
    else if (c)
        printf("imported %zu hashes\n", ioc_count(s));
    const char *h;
    size_t found = 0;
    for (size_t i = 0; c && rc == 0 && hunt && (h = ioc_at(s, i, NULL)) != NULL; i++)
        found += where_one(c, h, &rc);
    if (c && rc == 0 && hunt)
        printf("hunt: %zu of %zu hashes seen before\n", found, ioc_count(s));
    cache_close(c);
    ioc_free(s);
    buf_free(err);
    return rc;
}

/* print_set - "HASH KIND SOURCE NAME" lines */
static void print_set(const IOCSET *s, const char *source)
{
    const char *h;
    const char *name;
    for (size_t i = 0; (h = ioc_at(s, i, &name)) != NULL; i++) {
        char *sn = str_sanitize_dup(name, IOC_NAME_MAX);
        printf("%s %s %s%s%s\n", h, ioc_kind(h), source, *sn ? " " : "", sn);
        free(sn);
    }
}

/* ioc_list - the file IOC hashes, then the imported ones */
static int ioc_list(CTL *ctl)
{
    IOCSET *s = ioc_new();
    BUF *err = buf_new(64);
    char *rules = config_resolve(ctl->cfg, ctl->cfg->rules_dir);
    char *dir = xasprintf("%s/lists", rules);
    int rc = ioc_load_dir(s, dir, err) == 0 ? 0 : fail("ioc list", err);
    print_set(s, "file");
    if (rc == 0 && ctl->cfg->cache == CFG_CACHE_REDIS) {
        CACHE *c = open_shared(ctl, "ioc list");
        IOCSET *imp = ioc_new();
        if (c == NULL)
            rc = 1;
        else if (cache_ioc_list(c, imp, err) != 0)
            rc = fail("ioc list", err);
        else
            print_set(imp, "redis");
        ioc_free(imp);
        cache_close(c);
    }
    free(dir);
    free(rules);
    ioc_free(s);
    buf_free(err);
    return rc;
}

/* ctl_ioc - `ioc import|list|remove` */
int ctl_ioc(CTL *ctl, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (strcmp(sub, "import") == 0)
        return ioc_import(ctl, argc, argv);
    if (strcmp(sub, "list") == 0 && argc == 2)
        return ioc_list(ctl);
    char *h = strcmp(sub, "remove") == 0 && argc == 3 ? lower_hash(argv[2]) : NULL;
    if (h == NULL) {
        return ctl_usage("ioc", stderr, 2);
    }
    CACHE *c = open_shared(ctl, "ioc remove");
    BUF *err = buf_new(64);
    int rc = c == NULL ? 1 : cache_ioc_remove(c, h, err) != 0 ? fail(h, err) : 0;
    if (rc == 0)
        printf("removed %s\n", h);
    cache_close(c);
    buf_free(err);
    free(h);
    return rc;
}

/* ctl_cache - `cache stats|flush [--ruleset ID|current]` */
int ctl_cache(CTL *ctl, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    bool stats = strcmp(sub, "stats") == 0 && argc == 2;
    bool flush = strcmp(sub, "flush") == 0 &&
                 (argc == 2 || (argc == 4 && strcmp(argv[2], "--ruleset") == 0));
    if (!stats && !flush) {
        return ctl_usage("cache", stderr, 2);
    }
    const char *id = flush && argc == 4 ? argv[3] : NULL;
    if (id && strcmp(id, "current") == 0)
        id = ctl_ruleset(ctl)->rules_id; /* the key part: without the ClamAV databases */
    if (id && (strlen(id) != STR_REF_LEN || !str_is_ref(id, STR_REF_LEN))) {
        fprintf(stderr, "fileless-ctl: cache flush: a ruleset id is 16 hex digits\n");
        return 2;
    }
    CACHE *c = open_shared(ctl, stats ? "cache stats" : "cache flush");
    if (c == NULL)
        return 1;
    BUF *out = buf_new(256);
    BUF *err = buf_new(64);
    size_t n = 0;
    int rc = 0;
    if (stats && cache_info(c, out, err) == 0)
        fwrite(out->data, 1, out->len, stdout);
    else if (flush && cache_flush(c, id, &n, err) == 0)
        printf("deleted %zu values%s%s\n", n, id ? " of ruleset " : "", id ? id : "");
    else
        rc = fail(stats ? "cache stats" : "cache flush", err);
    cache_close(c);
    buf_free(out);
    buf_free(err);
    return rc;
}
