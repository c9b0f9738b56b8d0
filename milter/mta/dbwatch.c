/*
 * mta/dbwatch - the official database watcher thread (see mta/dbwatch.h)
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clamdb.h"
#include "core/log.h"
#include "core/ruleset.h"
#include "lib/xalloc.h"
#include "mta/dbwatch.h"

#define IDLE_CHECK_S 60 /* how often a disabled watcher looks at the setting again */

struct DBWATCH {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv; /* signalled on quit */
    bool quit;
    void (*changed)(void);
};

/* check - ask for a reload when the folder's state differs from the current ruleset's */
static void check(DBWATCH *w)
{
    RULESET *rs = ruleset_acquire();
    if (rs == NULL)
        return;
    char now[17];
    char *dir = clamdb_dir(rs->cfg);
    if (dir == NULL || !clamdb_stamp(dir, now))
        strcpy(now, "none");
    if (strcmp(now, rs->db_stamp) != 0) {
        log_notice("clamav_db_dir %s changed (%s -> %s): reloading", dir ? dir : "(none)",
                   rs->db_stamp, now);
        w->changed();
    }
    free(dir);
    ruleset_release(rs);
}

/* interval - seconds until the next check (0: checks are off) */
static int64_t interval(void)
{
    RULESET *rs = ruleset_acquire();
    int64_t s = rs ? rs->cfg->clamav_db_check : 0;
    ruleset_release(rs);
    return s;
}

/* watch_main - sleep, check, until told to quit */
static void *watch_main(void *arg)
{
    DBWATCH *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->quit) {
        int64_t s = interval();
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s > 0 ? s : IDLE_CHECK_S;
        int rc = 0;
        while (!w->quit && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&w->cv, &w->lock, &until);
        if (w->quit || s <= 0)
            continue;
        pthread_mutex_unlock(&w->lock);
        check(w);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* dbwatch_start - see mta/dbwatch.h */
DBWATCH *dbwatch_start(void (*changed)(void))
{
    DBWATCH *w = xcalloc(1, sizeof(*w));
    w->changed = changed;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, watch_main, w) != 0)
        log_fatal("cannot start the database watcher thread");
    return w;
}

/* dbwatch_stop - see mta/dbwatch.h */
DBWATCH *dbwatch_stop(DBWATCH *w)
{
    if (w == NULL)
        return NULL;
    pthread_mutex_lock(&w->lock);
    w->quit = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return NULL;
}
