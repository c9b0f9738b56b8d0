/*
 * daemon - start-up, signals and the serving thread (see daemon.h)
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "daemon.h"
#include "log.h"
#include "mime.h"
#include "mlfi.h"
#include "xalloc.h"

/* socket_file - the path of a unix socket spec, or NULL for inet sockets */
static const char *socket_file(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    if (strncmp(spec, "local:", 6) == 0)
        return spec + 6;
    return spec[0] == '/' ? spec : NULL;
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

static volatile int serve_status;

/* serve - the thread that runs smfi_main; wakes the main thread when it returns */
static void *serve(void *arg)
{
    (void)arg;
    serve_status = mlfi_main();
    kill(getpid(), SIGUSR2);
    return NULL;
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
    if (mlfi_open(c->socket) != 0) {
        log_error("cannot listen on %s", c->socket);
        return false;
    }
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
    return !drop || drop_privileges(c->user, uid, gid);
}

/* reload - SIGHUP: new config and rules, or keep the old ones */
static void reload(const char *path)
{
    BUF *err = buf_new(128);
    if (ruleset_reload(path, err) == 0) {
        RULESET *rs = ruleset_acquire();
        log_notice("reloaded %s, rules %s", path, rs->id);
        ruleset_release(rs);
    } else {
        log_error("reload of %s failed, old rules kept: %s", path, err->data);
    }
    buf_free(err);
}

/*
 * Reloads run on their own thread so that the main thread is back in sigwait at once.
 * libmilter's signal thread (started by smfi_main) also sigwaits on SIGHUP and takes it
 * as "stop" whenever the main thread is not waiting, so a second SIGHUP during a slow
 * reload used to stop the milter. Requests that arrive during a reload are merged.
 */
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reload_cond = PTHREAD_COND_INITIALIZER;
static int reload_state; /* 0 idle, 1 requested, -1 quit */

/* reloader - the reload thread: one reload per request until told to quit */
static void *reloader(void *arg)
{
    const char *config_path = arg;
    pthread_mutex_lock(&reload_lock);
    for (;;) {
        while (reload_state == 0)
            pthread_cond_wait(&reload_cond, &reload_lock);
        if (reload_state < 0)
            break;
        reload_state = 0;
        pthread_mutex_unlock(&reload_lock);
        reload(config_path);
        pthread_mutex_lock(&reload_lock);
    }
    pthread_mutex_unlock(&reload_lock);
    return NULL;
}

/* reload_request - ask the reload thread for a reload (1) or to quit (-1) */
static void reload_request(int what)
{
    pthread_mutex_lock(&reload_lock);
    if (reload_state >= 0)
        reload_state = what;
    pthread_cond_signal(&reload_cond);
    pthread_mutex_unlock(&reload_lock);
}

/* wait_signals - the main thread's loop until TERM/INT or the serving thread's end */
static void wait_signals(const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP || sig == SIGUSR1) {
            reload_request(1);
        } else if (sig == SIGTERM || sig == SIGINT) {
            log_notice("signal %d: stopping after the messages in flight", sig);
            /* smfi_main runs libmilter's own signal thread, which sigwaits on SIGTERM too
             * and stops the milter from inside libmilter. smfi_stop from this thread
             * instead races with smfi_main setting up and tearing down its mutexes
             * (ThreadSanitizer: tests/milter under SANITIZE=thread). This thread no
             * longer waits, so the SIGTERM sent again can only reach that thread; if it
             * has not started yet, the signal stays pending until it does. */
            kill(getpid(), SIGTERM);
            return;
        } else if (sig == SIGUSR2) {
            return;
        }
    }
}

/* daemon_run - serve until stopped (see daemon.h) */
int daemon_run(RULESET *rs, bool foreground)
{
    const CONFIG *c = rs->cfg;
    char *config_path = xstrdup(c->path ? c->path : "milter.conf");
    char *pidfile = xstrdup(c->pidfile);
    char *sockfile = socket_file(c->socket) ? xstrdup(socket_file(c->socket)) : NULL;
    long drain_ms = (long)c->clamav_max_scan_time + 5000; /* a scan's own bound, and then some */
    sigset_t set;
    sigemptyset(&set);
    int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&set, sigs[i]);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    mime_init();
    if (!start(c, foreground)) {
        ruleset_free(rs);
        free(pidfile);
        free(sockfile);
        free(config_path);
        return 1;
    }
    ruleset_install(rs);
    log_notice("listening on %s, rules %s", c->socket, rs->id);
    pthread_t t, r;
    if (pthread_create(&t, NULL, serve, NULL) != 0 ||
        pthread_create(&r, NULL, reloader, config_path) != 0)
        log_fatal("cannot start the milter threads");
    wait_signals(&set);
    pthread_join(t, NULL);
    reload_request(-1);
    pthread_join(r, NULL);
    size_t left = conn_wait_idle(drain_ms);
    if (left)
        log_warning("%zu messages still being scanned after %ld ms; stopping anyway", left,
                    drain_ms);
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
