/*
 * mta/scanjob - analyse_message on a worker thread with a deadline and progress calls
 * (see mta/scanjob.h)
 *
 * The job is shared by the waiting callback and the worker; `owners` counts them under the
 * job's lock and the last one to leave frees it. The worker never touches the MTA.
 *
 * At most scan_workers analyses run at once (0: one per online CPU): a worker waits for a
 * slot first, inside the message's deadline. A job given up at its deadline returns its
 * slot at once (a scan stuck past scan_timeout must not block the pool), and one given up
 * before it got a slot is never analysed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "cache/cache.h"
#include "analyse.h"
#include "model/failure.h"
#include "core/log.h"
#include "mta/scanjob.h"
#include "lib/xalloc.h"

typedef struct JOB {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    int owners; /* the waiter and the worker */
    bool done, abandoned;
    bool slot;        /* holds one of the scan_workers slots */
    unsigned workers; /* scan_workers resolved */
    SPOOL *spool;
    RULESET *rs;
    MSG *m;
} JOB;

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned abandoned_running, workers_running;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cv = PTHREAD_COND_INITIALIZER;
static unsigned slots_busy;

/* slot_take - wait until fewer than max analyses run, then count this one */
static void slot_take(unsigned max)
{
    pthread_mutex_lock(&slot_lock);
    while (slots_busy >= max)
        pthread_cond_wait(&slot_cv, &slot_lock);
    slots_busy++;
    pthread_mutex_unlock(&slot_lock);
}

/* slot_give - a slot is free again (j->lock held: j->slot says whether it had one) */
static void slot_give(JOB *j)
{
    if (!j->slot)
        return;
    j->slot = false;
    pthread_mutex_lock(&slot_lock);
    slots_busy--;
    pthread_cond_signal(&slot_cv);
    pthread_mutex_unlock(&slot_lock);
}

/* workers_for - scan_workers, or the online CPUs when it is 0 */
static unsigned workers_for(const RULESET *rs)
{
    if (rs->cfg->scan_workers > 0)
        return (unsigned)rs->cfg->scan_workers;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* job_leave - one owner is done with the job; the last frees it */
static void job_leave(JOB *j)
{
    pthread_mutex_lock(&j->lock);
    bool last = --j->owners == 0;
    pthread_mutex_unlock(&j->lock);
    if (!last)
        return;
    if (j->abandoned) {
        j->m = msg_free(j->m);
        j->spool = spool_free(j->spool);
        ruleset_release(j->rs);
        pthread_mutex_lock(&count_lock);
        abandoned_running--;
        pthread_mutex_unlock(&count_lock);
    }
    pthread_cond_destroy(&j->done_cv);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

/* analyse - the scan itself (on whichever thread runs it) */
static void analyse(JOB *j)
{
    size_t len = 0;
    const char *raw = spool_data(j->spool, &len);
    if (raw)
        analyse_message(j->m, raw, len, j->rs, cache_default());
    else
        failure_hit(j->m->hits, MSG_ERR_SCANNER, "message", "the spooled message cannot be read");
}

/* worker - thread body: analyse, then tell the waiter */
static void *worker(void *arg)
{
    JOB *j = arg;
    slot_take(j->workers);
    pthread_mutex_lock(&j->lock);
    j->slot = true;
    bool late = j->abandoned; /* the MTA has had its answer: do not analyse */
    if (late)
        slot_give(j);
    pthread_mutex_unlock(&j->lock);
    if (!late)
        analyse(j);
    pthread_mutex_lock(&j->lock);
    slot_give(j);
    j->done = true;
    bool abandoned = j->abandoned; /* final once done is set */
    pthread_cond_signal(&j->done_cv);
    pthread_mutex_unlock(&j->lock);
    if (abandoned)
        log_warning("ref=%s scan finished %.0f ms after its deadline was given up", j->m->ref,
                    j->m->ms);
    job_leave(j);
    pthread_mutex_lock(&count_lock);
    workers_running--;
    pthread_mutex_unlock(&count_lock);
    return NULL;
}

/* deadline_ts - absolute CLOCK_MONOTONIC time for a monotonic ms value */
static struct timespec deadline_ts(double ms)
{
    struct timespec ts = {(time_t)(ms / 1e3),
                          (long)((ms - (double)(time_t)(ms / 1e3) * 1e3) * 1e6)};
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* wait_for - wait for the worker, calling progress; false when the deadline passed */
static bool wait_for(JOB *j, const SCANJOB_WAIT *w, double deadline)
{
    pthread_mutex_lock(&j->lock);
    while (!j->done) {
        double now = now_ms();
        if (now >= deadline)
            break;
        double next = now + w->progress_ms < deadline ? now + w->progress_ms : deadline;
        struct timespec ts = deadline_ts(next);
        int r = pthread_cond_timedwait(&j->done_cv, &j->lock, &ts);
        if (r == ETIMEDOUT && !j->done && next < deadline && w->progress) {
            pthread_mutex_unlock(&j->lock);
            if (w->progress(w->arg) != 0)
                log_debug(LOG_D_MILTER, "ref=%s progress call failed", j->m->ref);
            pthread_mutex_lock(&j->lock);
        }
    }
    bool done = j->done;
    if (!done) {
        j->abandoned = true;
        slot_give(j); /* a stuck scan runs on outside the pool */
    }
    pthread_mutex_unlock(&j->lock);
    return done;
}

/* scanjob_run - see scanjob.h */
MSG *scanjob_run(MSG *m, SPOOL **spool, RULESET *rs, const SCANJOB_WAIT *w)
{
    JOB *j = xcalloc(1, sizeof(*j));
    pthread_mutex_init(&j->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    double deadline = now_ms() + w->timeout_ms;
    j->spool = *spool;
    j->rs = rs;
    j->m = m;
    m->deadline_ms = deadline;
    const char *ref = m->ref;
    j->owners = 2;
    j->workers = workers_for(rs);
    ruleset_hold(rs);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    pthread_mutex_lock(&count_lock);
    workers_running++;
    pthread_mutex_unlock(&count_lock);
    int err = pthread_create(&t, &attr, worker, j);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        pthread_mutex_lock(&count_lock);
        workers_running--;
        pthread_mutex_unlock(&count_lock);
        log_warning("ref=%s no scan thread (%s): scanning inline", ref, strerror(err));
        analyse(j);
        j->done = true;
        j->owners = 1;
    } else if (!wait_for(j, w, deadline)) {
        pthread_mutex_lock(&count_lock);
        unsigned n = ++abandoned_running;
        pthread_mutex_unlock(&count_lock);
        log_warning("ref=%s scan still running after scan_timeout (%.0f ms); %u such scans", ref,
                    w->timeout_ms, n);
        *spool = NULL;
        job_leave(j);
        return NULL;
    }
    ruleset_release(rs);
    job_leave(j);
    return m;
}

/* scanjob_running - scan threads not yet ended (the daemon waits for them at exit) */
unsigned scanjob_running(void)
{
    pthread_mutex_lock(&count_lock);
    unsigned n = workers_running;
    pthread_mutex_unlock(&count_lock);
    return n;
}

/* scanjob_abandoned - scans still running after their deadline was given up */
unsigned scanjob_abandoned(void)
{
    pthread_mutex_lock(&count_lock);
    unsigned n = abandoned_running;
    pthread_mutex_unlock(&count_lock);
    return n;
}
