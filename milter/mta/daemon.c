/*
 * mta/daemon - start-up, signals and the serving thread (see mta/daemon.h)
 */
#include <errno.h>
#include <sys/resource.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "mta/daemon.h"
#include "mta/dbwatch.h"
#include "mta/conn.h"
#include "core/httpd.h"
#include "core/log.h"
#include "mta/metrics.h"
#include "mime/mime.h"
#include "mta/mlfi.h"
#include "mta/scanjob.h"
#include "store/quarantine.h"
#include "lib/xalloc.h"

#define FD_RESERVE 256 /* open files kept for spool, store and engines (max_connections 0) */

/* socket_file - the path of a unix socket spec, or NULL for inet sockets */
static const char *socket_file(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    return spec[0] == '/' ? spec : NULL;
}

/*
 * nodelay_listeners - TCP_NODELAY on our listening TCP sockets. libmilter accepts the MTA's
 * connections itself and never disables Nagle; each message ends with several small
 * replies (header changes, then the verdict), and Nagle plus the MTA's delayed ACK then
 * stalls ~40 ms per message (clamav-milter over TCP loses 6x this way). libmilter does not
 * hand out the listening descriptor, so it is found among ours (a listening stream socket
 * of an inet family: there is only libmilter's at start-up); Linux copies TCP_NODELAY from
 * a listening socket to every connection it accepts. Returns how many were set.
 */
static int nodelay_listeners(void)
{
    int n = 0;
    for (int fd = 3; fd < 1024; fd++) {
        int v = 0;
        int dom = 0;
        int type = 0;
        socklen_t len = sizeof(v);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || !v)
            continue;
        len = sizeof(dom);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) != 0 ||
            (dom != AF_INET && dom != AF_INET6))
            continue;
        len = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
            continue;
        int one = 1;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
            n++;
    }
    return n;
}

/* lookup_user - uid and gid of a user name; false when unknown */
static bool lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam(name);
    if (pw == NULL)
        return false;
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return true;
}

/* prepare_socket - mode (and owner, when dropping privileges) of a unix socket */
static bool prepare_socket(const CONFIG *c, bool drop, uid_t uid, gid_t gid)
{
    const char *path = socket_file(c->socket);
    if (path == NULL)
        return true;
    if (chmod(path, (mode_t)config_socket_mode(c)) != 0) {
        log_error("chmod %s: %s", path, strerror(errno));
        return false;
    }
    if (drop && chown(path, uid, gid) != 0) {
        log_error("chown %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

/* drop_privileges - become uid/gid with its supplementary groups */
static bool drop_privileges(const char *user, uid_t uid, gid_t gid)
{
    if (initgroups(user, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        log_error("cannot switch to user %s: %s", user, strerror(errno));
        return false;
    }
    return true;
}

/* write_pidfile - our pid, one line; false on failure */
static bool write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
        log_error("pidfile %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

/* prepare_store - the quarantine tree, owned by the user the daemon becomes */
static bool prepare_store(const CONFIG *c, bool drop, uid_t uid, gid_t gid)
{
    BUF *err = buf_new(128);
    bool ok = quarantine_prepare(c->quarantine_dir, drop ? (long)uid : -1, drop ? (long)gid : -1,
                                 err) == 0;
    if (!ok)
        log_error("quarantine_dir: %s", err->data);
    buf_free(err);
    return ok;
}

static volatile int serve_status;

/* serve - the thread that runs smfi_main; wakes the main thread when it returns */
static void *serve(void *arg)
{
    (void)arg;
    serve_status = mlfi_main();
    kill(getpid(), SIGUSR2);
    return NULL;
}

static HTTPD *metrics_server;

/* metrics_page - GET /metrics: the Prometheus text exposition; anything else 404 */
static void metrics_page(void *arg, HTTPD_REQ *req, HTTPD_RESP *resp)
{
    (void)arg;
    if (strcmp(httpd_path(req), "/metrics") != 0) {
        resp->status = 404;
        resp->content_type = "text/plain; charset=utf-8";
        buf_puts(resp->body, "not found: try /metrics\n");
        return;
    }
    RULESET *rs = ruleset_acquire();
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(resp->body, rs ? rs->id : NULL);
    ruleset_release(rs);
}

/* start_metrics - the metrics endpoint on metrics_listen (after daemon(): threads do not
 * survive a fork; before the privilege drop: the port may be privileged) */
static bool start_metrics(const CONFIG *c)
{
    if (c->metrics_listen[0] == 0)
        return true;
    BUF *err = buf_new(128);
    metrics_server = httpd_start(c->metrics_listen, 0, metrics_page, NULL, err);
    if (metrics_server == NULL)
        log_error("metrics_listen %s: %s", c->metrics_listen, err->data);
    else
        log_info("metrics on http://%s/metrics", c->metrics_listen);
    buf_free(err);
    return metrics_server != NULL;
}

/* open_limits - raise the open-file limit to its hard limit; set the milter timeout and
 * max_connections (0: open files less FD_RESERVE); false (logged) on failure */
static bool open_limits(const CONFIG *c)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            log_warning("cannot raise the open-file limit to %llu: %s", (unsigned long long)want,
                        strerror(errno));
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    unsigned long long files = rl.rlim_cur == RLIM_INFINITY ? 1048576 : rl.rlim_cur;
    unsigned max = (unsigned)c->max_connections;
    if (max == 0)
        max = files > 2 * FD_RESERVE ? (unsigned)(files - FD_RESERVE) : (unsigned)(files / 2);
    log_info("open files %llu, max_connections %u, milter_timeout %llds", files, max,
             (long long)c->milter_timeout);
    if (mlfi_limits((int)c->milter_timeout, max) != 0) {
        log_error("smfi_settimeout(%lld) refused", (long long)c->milter_timeout);
        return false;
    }
    return true;
}

/* start - bind, detach, pidfile, privileges; false (logged) on failure */
static bool start(const CONFIG *c, bool foreground)
{
    uid_t uid = 0;
    gid_t gid = 0;
    bool drop = c->user[0] != 0;
    if (drop && !lookup_user(c->user, &uid, &gid)) {
        log_error("unknown user '%s'", c->user);
        return false;
    }
    if (!open_limits(c))
        return false;
    if (mlfi_open(c->socket) != 0) {
        log_error("cannot listen on %s", c->socket);
        return false;
    }
    int nodelay = socket_file(c->socket) ? -1 : nodelay_listeners();
    if (nodelay == 0)
        log_warning("TCP_NODELAY not set on %s: replies may wait for delayed ACKs", c->socket);
    else if (nodelay > 0)
        log_info("TCP_NODELAY set on %s", c->socket);
    if (!prepare_socket(c, drop, uid, gid))
        return false;
    if (!foreground) {
        log_open("fileless-milter", false, c->syslog_facility);
        if (daemon(0, 0) != 0) {
            log_error("daemon: %s", strerror(errno));
            return false;
        }
    }
    if (c->pidfile[0] && !write_pidfile(c->pidfile))
        return false;
    if (c->quarantine_dir[0] && !prepare_store(c, drop, uid, gid))
        return false;
    if (!start_metrics(c))
        return false;
    return !drop || drop_privileges(c->user, uid, gid);
}

/* reload - SIGHUP: new config and rules, or keep the old ones */
static void reload(const char *path)
{
    BUF *err = buf_new(128);
    if (ruleset_reload(path, err) == 0) {
        RULESET *rs = ruleset_acquire();
        log_notice("reloaded %s, rules %s", path, rs->id);
        metrics_count(METRICS_RELOAD_OK, 1);
        ruleset_release(rs);
    } else {
        log_error("reload of %s failed, old rules kept: %s", path, err->data);
        metrics_count(METRICS_RELOAD_FAILED, 1);
    }
    buf_free(err);
}

/*
 * The reloader: a thread that builds new rules when asked, so the main thread goes straight
 * back to sigwait. While the main thread is not waiting, a SIGHUP would go to libmilter's
 * signal thread, which stops the milter on SIGHUP; and compiling large rule sets takes
 * seconds. Requests that arrive during a reload are merged into one more reload.
 */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    bool pending, quit;
    const char *path;
} reloader = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, NULL};

/* reloader_main - reload whenever asked, until told to quit */
static void *reloader_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&reloader.lock);
    for (;;) {
        while (!reloader.pending && !reloader.quit)
            pthread_cond_wait(&reloader.cv, &reloader.lock);
        if (reloader.quit)
            break;
        reloader.pending = false;
        pthread_mutex_unlock(&reloader.lock);
        reload(reloader.path);
        pthread_mutex_lock(&reloader.lock);
    }
    pthread_mutex_unlock(&reloader.lock);
    return NULL;
}

/* reloader_ask - request a reload (pending=true) or the end (quit=true) */
static void reloader_ask(bool quit)
{
    pthread_mutex_lock(&reloader.lock);
    if (quit)
        reloader.quit = true;
    else
        reloader.pending = true;
    pthread_cond_signal(&reloader.cv);
    pthread_mutex_unlock(&reloader.lock);
}

/* ask_reload - the database watcher's request: the same as SIGHUP */
static void ask_reload(void)
{
    reloader_ask(false);
}

/*
 * wait_signals - the main thread's loop until TERM/INT or the serving thread's end.
 * TERM and INT are passed on to libmilter: sent again to the process while the main
 * thread no longer waits for them, they reach libmilter's signal thread, which stops
 * accepting and lets smfi_main return after the connections in flight (calling
 * smfi_stop from here instead races with libmilter's start-up and shutdown).
 */
static void wait_signals(const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP || sig == SIGUSR1) {
            reloader_ask(false);
        } else if (sig == SIGTERM || sig == SIGINT) {
            log_notice("signal %d: stopping after the connections in flight", sig);
            kill(getpid(), sig);
            return;
        } else if (sig == SIGUSR2) {
            return;
        }
    }
}

/*
 * drain - after smfi_main returned: wait (at most ms) for the sessions libmilter's
 * worker pool is still serving and for scan threads, so messages in flight get their
 * answer and nothing shared is freed under them; false when some are left
 */
static bool drain(int64_t ms)
{
    struct timespec step = {0, 50 * 1000 * 1000};
    for (int64_t waited = 0; conn_live() || scanjob_running(); waited += 50) {
        if (waited >= ms) {
            log_warning("exiting with %u connections and %u scans still running", conn_live(),
                        scanjob_running());
            return false;
        }
        nanosleep(&step, NULL);
    }
    return true;
}

/* daemon_run - serve until stopped (see daemon.h) */
int daemon_run(RULESET *rs, bool foreground)
{
    const CONFIG *c = rs->cfg;
    char *config_path = xstrdup(c->path ? c->path : "milter.conf");
    char *pidfile = xstrdup(c->pidfile);
    char *sockfile = socket_file(c->socket) ? xstrdup(socket_file(c->socket)) : NULL;
    sigset_t set;
    sigemptyset(&set);
    int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&set, sigs[i]);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    mime_init();
    if (!start(c, foreground)) {
        metrics_server = httpd_stop(metrics_server);
        ruleset_free(rs);
        free(pidfile);
        free(sockfile);
        free(config_path);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN); /* a dead Redis must be an error, not our death */
    BUF *err = buf_new(64);
    CACHE *cache = cache_open(c, err);
    if (cache == NULL && err->len)
        log_error("cache disabled: %s", err->data);
    cache_set_default(cache);
    buf_free(err);
    ruleset_install(rs);
    log_notice("listening on %s, rules %s, cache %s", c->socket, rs->id, cache_name(cache));
    pthread_t t;
    pthread_t r;
    reloader.path = config_path;
    if (pthread_create(&r, NULL, reloader_main, NULL) != 0 ||
        pthread_create(&t, NULL, serve, NULL) != 0)
        log_fatal("cannot start the milter threads");
    DBWATCH *watch = dbwatch_start(ask_reload);
    wait_signals(&set);
    watch = dbwatch_stop(watch);
    pthread_join(t, NULL);
    RULESET *cur = ruleset_acquire(); /* rs (and c) may have been replaced by a reload */
    bool drained = drain((cur ? cur->cfg->scan_timeout : 120000) + 5000);
    ruleset_release(cur);
    reloader_ask(true);
    pthread_join(r, NULL);
    metrics_server = httpd_stop(metrics_server);
    if (drained) /* else a scan may still use it: the exit frees everything */
        cache_close(cache);
    if (pidfile[0])
        unlink(pidfile);
    if (sockfile)
        unlink(sockfile);
    log_notice("stopped");
    free(pidfile);
    free(sockfile);
    free(config_path);
    return serve_status == 0 ? 0 : 1;
}
