/*
 * ctl/ctl_url - `fileless-ctl where URL`: a URL's campaign prevalence in Redis
 *
 *   fileless-ctl where URL    the URL as normalized, its id, first and last sighting, how
 *                             many messages carried it (within prevalence_ttl), and how many
 *                             messages and distinct senders carried it in the last
 *                             url_prevalence_window (what URL_BURST is decided on)
 *
 * The keys are those of scan/urlprev.c (see scan/urlrep.h). Exit status 1 when the URL
 * was never seen, is not a URL, or the cache is not Redis.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "ctl/ctl.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "mime/url.h"
#include "scan/urlrep.h"

#define ADMIN_MS 10000.0

/* stamp - a Unix time as ISO 8601 UTC, or "-" */
static void stamp(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    snprintf(out, 32, "-");
    if (t > 0)
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

/* ctl_where_url - print a URL's prevalence (see file comment) */
int ctl_where_url(CTL *ctl, const char *url)
{
    char *id = urlrep_url_id(url);
    if (id == NULL) {
        fprintf(stderr, "fileless-ctl: where: not a URL\n");
        return 2;
    }
    if (ctl->cfg->cache != CFG_CACHE_REDIS) {
        fprintf(stderr, "fileless-ctl: where: URL prevalence needs cache = redis in %s\n",
                ctl->config_path);
        free(id);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    BUF *err = buf_new(64);
    CACHE *c = cache_open(ctl->cfg, err);
    if (c == NULL) {
        fprintf(stderr, "fileless-ctl: where: %s\n", err->data);
        buf_free(err);
        free(id);
        return 1;
    }
    const char *pre = cache_key_prefix(c);
    long long now = (long long)time(NULL);
    long long win = ctl->cfg->url_prevalence_window;
    long long slot = urlrep_slot(now, win);
    char *fk = urlrep_key(pre, "first", id, -1);
    char *ik = urlrep_key(pre, "info", id, -1);
    char *keys[2][URLREP_SLOTS];
    CACHE_CMD cmd[6] = {0};
    cmd[0] = (CACHE_CMD){.argv = {"GET", fk}, .argc = 2};
    cmd[1] = (CACHE_CMD){.argv = {"HGET", ik, "url"}, .argc = 3};
    cmd[2] = (CACHE_CMD){.argv = {"HGET", ik, "last"}, .argc = 3};
    cmd[3] = (CACHE_CMD){.argv = {"HGET", ik, "count"}, .argc = 3};
    for (int k = 0; k < 2; k++) {
        cmd[4 + k].argv[0] = "PFCOUNT";
        cmd[4 + k].argc = URLREP_SLOTS + 1;
        for (int i = 0; i < URLREP_SLOTS; i++) {
            keys[k][i] = urlrep_key(pre, k ? "s" : "m", id, slot - i);
            cmd[4 + k].argv[i + 1] = keys[k][i];
        }
    }
    int rc = 1;
    if (cache_pipeline(c, cmd, 6, ADMIN_MS) != 0) {
        fprintf(stderr, "fileless-ctl: where: Redis failed or unreachable\n");
    } else if (cmd[0].type != CACHE_R_STR) {
        char *u = str_sanitize_dup(url, 400);
        printf("%s: not seen (id %s)\n", u, id);
        free(u);
    } else {
        char first[32];
        char last[32];
        stamp(atoll(cmd[0].str), first);
        stamp(cmd[2].str ? atoll(cmd[2].str) : 0, last);
        char *u = str_sanitize_dup(cmd[1].str ? cmd[1].str : url, 600);
        printf("%s id=%s first=%s last=%s count=%s\n", u, id, first, last,
               cmd[3].str ? cmd[3].str : "0");
        printf("  last %lld s: %lld messages from %lld senders\n", win, cmd[4].num, cmd[5].num);
        free(u);
        rc = 0;
    }
    cache_cmd_clear(cmd, 6);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < URLREP_SLOTS; i++)
            free(keys[k][i]);
    free(fk);
    free(ik);
    free(id);
    buf_free(err);
    cache_close(c);
    return rc;
}
