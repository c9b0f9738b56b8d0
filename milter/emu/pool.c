/*
 * pool - pre-spawned fileless-emu workers with a watchdog (see pool.h)
 *
 * Each slot is one worker process: its pid, the write end of its request pipe and the
 * read end of its event pipe (both O_CLOEXEC in the milter, so no other child inherits
 * them), whether a thread is using it and how many requests it served. A thread takes an
 * idle slot under the lock, then talks to its worker without the lock. Everything the
 * worker sends is checked by evlog.c; nothing it says can make the milter read past a
 * frame or wait past the watchdog.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu/pool.h"
#include <stdatomic.h>
#include "lib/xalloc.h"

typedef struct WORKER {
    pid_t pid;
    int to, from; /* request pipe (write end), event pipe (read end) */
    int busy;
    unsigned jobs;
} WORKER;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t free;
    char *helper;
    unsigned n, mib;
    WORKER w[EMU_MAX_WORKERS];
} P = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 2, 128, {{0}}};

/* now_ms - monotonic milliseconds */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* helper_path - the configured path, or fileless-emu next to our executable */
static char *helper_path(void)
{
    if (P.helper && *P.helper)
        return xstrdup(P.helper);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return xstrdup("fileless-emu");
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = 0;
    return xasprintf("%sfileless-emu", slash ? self : "");
}

/* scripts run, stopped at a limit, crashed: read by the metrics page (emu_pool_counts) */
static _Atomic unsigned long long counts[3];

/* emu_pool_configure - see pool.h */
void emu_pool_configure(const char *helper, unsigned workers, unsigned memory_mib)
{
    pthread_mutex_lock(&P.lock);
    free(P.helper);
    P.helper = xstrdup(helper ? helper : "");
    P.n = workers < 1 ? 1 : workers > EMU_MAX_WORKERS ? EMU_MAX_WORKERS : workers;
    P.mib = memory_mib ? memory_mib : 128;
    pthread_mutex_unlock(&P.lock);
}

/* reap - kill (when asked) and wait for a worker, close its pipes */
static void reap(WORKER *w, int kill_it)
{
    if (w->pid > 0) {
        if (kill_it)
            kill(w->pid, SIGKILL);
        close(w->to);
        close(w->from);
        int st;
        while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    w->pid = 0;
    w->jobs = 0;
}

/* await_ready - the helper's "ready" frame, within EMU_START_MS; 0 or -1 */
static int await_ready(int fd)
{
    unsigned char b[64];
    size_t n = 0;
    size_t frame = 0;
    double until = now_ms() + EMU_START_MS;
    while (evlog_frame_len(b, n, &frame) == 0 && n < sizeof(b)) {
        struct pollfd pf = {fd, POLLIN, 0};
        double left = until - now_ms();
        int pr = left > 0 ? poll(&pf, 1, (int)left + 1) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            return -1;
        ssize_t got = read(fd, b + n, sizeof(b) - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        n += (size_t)got;
    }
    EVLOG_EVENT ev;
    if (evlog_frame_len(b, n, &frame) != 1 || frame != n ||
        evlog_get_event(b + 4, frame - 4, &ev) != 0)
        return -1;
    return ev.kind == EVLOG_EV_END && ev.len[0] == 5 && memcmp(ev.field[0], "ready", 5) == 0 ? 0
                                                                                             : -1;
}

/* spawn - start a worker in the slot and wait until it is ready; 0, or -1 (msg says why) */
static int spawn(WORKER *w, char *msg, size_t cap)
{
    int req[2], ev[2];
    if (pipe2(req, O_CLOEXEC) != 0)
        return snprintf(msg, cap, "pipe: %s", strerror(errno)), -1;
    if (pipe2(ev, O_CLOEXEC) != 0) {
        close(req[0]);
        close(req[1]);
        return snprintf(msg, cap, "pipe: %s", strerror(errno)), -1;
    }
    char *path = helper_path();
    char mib[16];
    char cpu[16];
    char jobs[16];
    snprintf(mib, sizeof(mib), "%u", P.mib);
    snprintf(cpu, sizeof(cpu), "%u", 60u);
    snprintf(jobs, sizeof(jobs), "%u", (unsigned)EMU_WORKER_JOBS);
    char *argv[] = {path, "-m", mib, "-c", cpu, "-j", jobs, NULL};
    char *envp[] = {NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, req[0], 0);
    posix_spawn_file_actions_adddup2(&fa, ev[1], 1);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    close(req[0]);
    close(ev[1]);
    if (rc != 0) {
        snprintf(msg, cap, "%s: %s", path, strerror(rc));
        free(path);
        close(req[1]);
        close(ev[0]);
        return -1;
    }
    free(path);
    w->pid = pid;
    w->to = req[1];
    w->from = ev[0];
    w->jobs = 0;
    if (await_ready(w->from) != 0) {
        snprintf(msg, cap, "helper did not start within %d ms", EMU_START_MS);
        reap(w, 1);
        return -1;
    }
    return 0;
}

/* take - an idle slot (marked busy), or NULL after waiting ms */
static WORKER *take(double ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)((ms - (double)(long)(ms / 1000) * 1000) * 1e6);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&P.lock);
    WORKER *got = NULL;
    while (got == NULL) {
        for (unsigned i = 0; i < P.n && got == NULL; i++)
            if (!P.w[i].busy)
                got = &P.w[i];
        if (got == NULL && pthread_cond_timedwait(&P.free, &P.lock, &until) == ETIMEDOUT)
            break;
    }
    if (got)
        got->busy = 1;
    pthread_mutex_unlock(&P.lock);
    return got;
}

/* give_back - the slot is idle again */
static void give_back(WORKER *w)
{
    pthread_mutex_lock(&P.lock);
    w->busy = 0;
    pthread_cond_signal(&P.free);
    pthread_mutex_unlock(&P.lock);
}

/* send_all - the whole request, within the deadline; 0 or -1 */
static int send_all(int fd, const char *p, size_t n, double deadline)
{
    while (n) {
        struct pollfd pf = {fd, POLLOUT, 0};
        double left = deadline - now_ms();
        if (left <= 0 || poll(&pf, 1, (int)left + 1) <= 0)
            return -1;
        ssize_t w = write(fd, p, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* copy_field - a field as a C string into dst */
static void copy_field(char *dst, size_t cap, const EVLOG_EVENT *ev, size_t i)
{
    size_t n = i < ev->nfield ? ev->len[i] : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, ev->field[i], n);
    dst[n] = 0;
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)dst[k] < 0x20)
            dst[k] = '?';
}

/* status_of - the helper's status word as EMU_STATUS */
static EMU_STATUS status_of(const char *t)
{
    if (strcmp(t, "timeout") == 0)
        return EMU_TIMEOUT;
    if (strcmp(t, "memory") == 0)
        return EMU_MEMORY;
    if (strcmp(t, "syntax") == 0)
        return EMU_SYNTAX;
    if (strcmp(t, "error") == 0)
        return EMU_CRASHED;
    return EMU_OK;
}

/*
 * converse - one request on a live worker: 1 when the END frame came (o filled; *exiting
 * when the helper said it leaves), 0 when the request could not be written (the worker
 * had died), -1 when it died, broke the protocol or was killed afterwards (o filled)
 */
static int converse(WORKER *w, const BUF *req, double deadline, emu_event_fn fn, void *ctx,
                    EMU_OUTCOME *o, int *exiting)
{
    if (send_all(w->to, req->data, req->len, deadline) != 0)
        return 0;
    BUF *in = buf_new(65536);
    int result = -1;
    size_t off = 0;
    for (;;) {
        size_t frame;
        int fl;
        while ((fl = evlog_frame_len((unsigned char *)in->data + off, in->len - off, &frame)) ==
               1) {
            EVLOG_EVENT ev;
            if (evlog_get_event((unsigned char *)in->data + off + 4, frame - 4, &ev) != 0) {
                fl = -1;
                break;
            }
            off += frame;
            if (ev.kind == EVLOG_EV_END) {
                copy_field(o->text, sizeof(o->text), &ev, 0);
                copy_field(o->msg, sizeof(o->msg), &ev, 1);
                char d[16];
                copy_field(d, sizeof(d), &ev, 2);
                o->dropped = (unsigned)strtoul(d, NULL, 10);
                *exiting = ev.nfield > 3;
                o->status = status_of(o->text);
                buf_free(in);
                return 1;
            }
            o->events++;
            fn(ctx, &ev);
        }
        if (fl < 0) {
            o->status = EMU_CRASHED;
            snprintf(o->msg, sizeof(o->msg), "malformed event frame");
            break;
        }
        if (off > (1u << 20)) { /* keep the buffer from growing with consumed frames */
            memmove(in->data, in->data + off, in->len - off);
            buf_truncate(in, in->len - off);
            off = 0;
        }
        struct pollfd pf = {w->from, POLLIN, 0};
        double left = deadline - now_ms();
        int pr = left > 0 ? poll(&pf, 1, (int)left + 1) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            o->status = EMU_KILLED;
            snprintf(o->msg, sizeof(o->msg), "killed by the watchdog");
            break;
        }
        char chunk[65536];
        ssize_t n = read(w->from, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            o->status = EMU_CRASHED;
            snprintf(o->msg, sizeof(o->msg), "helper died");
            break;
        }
        buf_cat(in, chunk, (size_t)n);
    }
    buf_free(in);
    return result;
}

/* death - why a reaped worker died, for the outcome message */
static void death(pid_t pid, EMU_OUTCOME *o)
{
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return;
    if (WIFSIGNALED(st))
        snprintf(o->msg, sizeof(o->msg), "helper died by signal %d%s", WTERMSIG(st),
                 WTERMSIG(st) == SIGSYS ? " (system call outside the sandbox)" : "");
}

/* emu_pool_run - see pool.h */
EMU_STATUS emu_pool_run(const EVLOG_REQUEST *r, emu_event_fn fn, void *ctx, EMU_OUTCOME *o)
{
    memset(o, 0, sizeof(*o));
    double t0 = now_ms();
    double grace = 3.0 * r->ms + EMU_GRACE_MS; /* the helper counts CPU time */
    /* a busy worker is free again by the watchdog's bound of the job it runs at the latest,
     * so waiting that long is waiting for one to finish, not a guess (a loaded machine
     * stretches every job's wall time alike) */
    WORKER *w = take(r->ms + grace);
    if (w == NULL) {
        o->status = EMU_BUSY;
        snprintf(o->msg, sizeof(o->msg), "no emulation worker free within %.0f ms", r->ms + grace);
        return o->status;
    }
    BUF *req = buf_new(r->script_len + 256);
    evlog_put_request(req, r);
    int got = 0;
    for (int attempt = 0; attempt < 2 && got == 0; attempt++) { /* a worker found dead: once more */
        if (w->pid > 0 && w->jobs >= EMU_WORKER_JOBS)
            reap(w, 0); /* it exits by itself after that many */
        if (w->pid == 0 && spawn(w, o->msg, sizeof(o->msg)) != 0) {
            o->status = EMU_UNAVAILABLE;
            got = -2;
            break;
        }
        w->jobs++;
        int exiting = 0;
        pid_t pid = w->pid;
        got = converse(w, req, now_ms() + r->ms + grace, fn, ctx, o, &exiting);
        if (got == 1 && !exiting)
            break;
        kill(pid, SIGKILL);
        close(w->to);
        close(w->from);
        if (got == -1 && o->status == EMU_CRASHED)
            death(pid, o);
        else
            waitpid(pid, NULL, 0);
        w->pid = 0;
        if (got == 0)
            memset(o, 0, sizeof(*o));
    }
    if (got == 0) {
        o->status = EMU_CRASHED;
        snprintf(o->msg, sizeof(o->msg), "helper died before taking the script");
    }
    o->ms = now_ms() - t0;          /* the script's time, not the replacement's start-up */
    if (w->pid == 0 && got != -2) { /* replace it now, so the next script finds one ready */
        char why[160];
        if (spawn(w, why, sizeof(why)) != 0)
            w->pid = 0;
    }
    buf_free(req);
    give_back(w);
    atomic_fetch_add(&counts[0], 1);
    if (o->status == EMU_TIMEOUT || o->status == EMU_MEMORY || o->status == EMU_KILLED)
        atomic_fetch_add(&counts[1], 1);
    if (o->status == EMU_CRASHED || o->status == EMU_UNAVAILABLE)
        atomic_fetch_add(&counts[2], 1);
    return o->status;
}

/* emu_pool_counts - scripts run, stopped at a limit, crashed (see pool.h) */
void emu_pool_counts(unsigned long long *run, unsigned long long *limit, unsigned long long *crash)
{
    *run = atomic_load(&counts[0]);
    *limit = atomic_load(&counts[1]);
    *crash = atomic_load(&counts[2]);
}

/* ignore - the check's events */
static void ignore(void *ctx, const EVLOG_EVENT *ev)
{
    (void)ctx;
    (void)ev;
}

/* emu_pool_check - see pool.h */
int emu_pool_check(BUF *err)
{
    EVLOG_REQUEST r = {2000, 16, EVLOG_KIND_WSH, "check.js", 8, "WScript.Echo(1+1)", 17};
    EMU_OUTCOME o;
    EMU_STATUS s = emu_pool_run(&r, ignore, NULL, &o);
    if (s == EMU_OK && o.events == 2) /* Host (WScript used) and Echo */
        return 0;
    buf_printf(err, "emulation helper: %s%s%s", o.text[0] ? o.text : "no answer",
               o.msg[0] ? ": " : "", o.msg);
    return -1;
}

/* emu_pool_shutdown - see pool.h */
void emu_pool_shutdown(void)
{
    pthread_mutex_lock(&P.lock);
    for (unsigned i = 0; i < EMU_MAX_WORKERS; i++)
        if (!P.w[i].busy)
            reap(&P.w[i], 1);
    pthread_mutex_unlock(&P.lock);
}
