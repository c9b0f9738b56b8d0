/*
 * ctl/web - `fileless-ctl web`: the quarantine review page (routes, sessions, CSRF, actions)
 *
 *   fileless-ctl web [--listen ADDR:PORT]      serve until SIGINT/SIGTERM
 *   fileless-ctl web --hash-password           read a password on stdin, print a $6$ hash
 *
 * Routes: GET /login, POST /login, POST /logout, GET / (list; query q, verdict, symbol,
 * sender, rcpt, since), GET /item/REF, GET /item/REF/raw, GET /item/REF/part?path=P,
 * POST /item/REF/release (to, force), POST /item/REF/delete, GET /style.css.
 *
 * Security (the mail is hostile, the admin's browser holds power):
 *   - every page but /login and /style.css needs a session: GET without one is
 *     redirected to /login (303), anything else gets 401;
 *   - sessions: 32 random bytes (getrandom) as a cookie `fm_session` with HttpOnly,
 *     SameSite=Strict, Path=/ and, with web_secure_cookie, Secure; they end after
 *     web_session_minutes idle or at logout; at most WEB_SESSIONS live at once (the
 *     oldest is dropped);
 *   - every POST but the login carries the session's CSRF token (another 32 random bytes)
 *     and, when the browser sends an Origin header, it must be this host: else 403;
 *   - failed logins: counted per client address and per user name with a growing wait
 *     (weblock.h); a locked client gets 429, a client that has not been failing is
 *     never locked out by failures elsewhere;
 *   - every response: Content-Security-Policy default-src 'none'; style-src 'self'; no
 *     script at all, form-action 'self', frame-ancestors 'none'; X-Content-Type-Options
 *     nosniff; Referrer-Policy no-referrer; Cache-Control no-store;
 *   - message bytes are served only as downloads: Content-Disposition attachment with a
 *     name we build (never the sender's), application/octet-stream;
 *   - release and delete go through ctl_release_item / ctl_delete_item: same rules and
 *     audit log as the CLI, with who = "USER/web".
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ctl/ctl.h"
#include "core/digest.h"
#include "core/httpd.h"
#include "store/quarantine.h"
#include "ctl/web.h"
#include "ctl/webauth.h"
#include "ctl/weblock.h"
#include "lib/xalloc.h"

#define WEB_SESSIONS 64
#define WEB_MAX_BODY 65536
#define COOKIE       "fm_session"
#define CSP                                                                                        \
    "default-src 'none'; style-src 'self'; img-src 'none'; form-action 'self'; "                   \
    "frame-ancestors 'none'; base-uri 'none'"

typedef struct WEB {
    CTL *ctl;
    WEB_SESSION s[WEB_SESSIONS];
    WEBLOCK *lock; /* failed logins per client and user name */
} WEB;

/* random_hex - 32 random bytes as 64 hex digits */
static bool random_hex(char out[65])
{
    unsigned char r[32];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return false;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
    return true;
}

/* session_of - the live session named by the request's cookie, or NULL */
static WEB_SESSION *session_of(WEB *w, HTTPD_REQ *r)
{
    const char *tok = httpd_cookie(r, COOKIE);
    time_t now = time(NULL);
    time_t ttl = (time_t)w->ctl->cfg->web_session_minutes * 60;
    if (tok == NULL || strlen(tok) != 64)
        return NULL;
    for (int i = 0; i < WEB_SESSIONS; i++) {
        WEB_SESSION *s = &w->s[i];
        if (s->token[0] == 0 || !digest_equal(s->token, tok))
            continue;
        if (now - s->last > ttl || now < s->last) {
            memset(s, 0, sizeof(*s));
            return NULL;
        }
        s->last = now;
        return s;
    }
    return NULL;
}

/* session_new - a fresh session for user (the oldest is dropped when all are taken) */
static WEB_SESSION *session_new(WEB *w, const char *user)
{
    WEB_SESSION *s = &w->s[0];
    for (int i = 0; i < WEB_SESSIONS; i++) {
        if (w->s[i].token[0] == 0) {
            s = &w->s[i];
            break;
        }
        if (w->s[i].last < s->last)
            s = &w->s[i];
    }
    memset(s, 0, sizeof(*s));
    if (!random_hex(s->token) || !random_hex(s->csrf)) {
        memset(s, 0, sizeof(*s));
        return NULL;
    }
    snprintf(s->user, sizeof(s->user), "%s", user);
    s->last = time(NULL);
    return s;
}

/* set_cookie - the session cookie (an empty value with Max-Age=0 clears it) */
static void set_cookie(WEB *w, HTTPD_RESP *resp, const char *token)
{
    char *c = xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", COOKIE, token,
                        token[0] ? (long long)w->ctl->cfg->web_session_minutes * 60 : 0LL,
                        w->ctl->cfg->web_secure_cookie ? "; Secure" : "");
    httpd_resp_header(resp, "Set-Cookie", c);
    free(c);
}

/* redirect - 303 See Other to a local path */
static void redirect(HTTPD_RESP *resp, const char *where)
{
    resp->status = 303;
    httpd_resp_header(resp, "Location", where);
    buf_puts(resp->body, "<!DOCTYPE html><title>Moved</title><a href=\"");
    html_esc(resp->body, where, 200);
    buf_puts(resp->body, "\">continue</a>\n");
}

/* do_login - POST /login */
static void do_login(WEB *w, HTTPD_REQ *r, HTTPD_RESP *resp)
{
    time_t now = time(NULL);
    const char *user = httpd_form(r, "user");
    const char *pw = httpd_form(r, "password");
    const char *peer = httpd_peer(r);
    long wait = weblock_wait(w->lock, peer, user, now);
    if (wait > 0) {
        resp->status = 429;
        char *m = xasprintf("Too many failed logins: wait %ld seconds.", wait);
        webpage_login(resp->body, m);
        free(m);
        return;
    }
    if (!webauth_check(w->ctl->cfg->web_users, user, pw)) {
        weblock_failed(w->lock, peer, user, now);
        resp->status = 401;
        quarantine_audit(w->ctl->cfg, "-", "action=login result=failed peer=%s", peer);
        webpage_login(resp->body, "Wrong user or password.");
        return;
    }
    weblock_ok(w->lock, peer);
    WEB_SESSION *s = session_new(w, user);
    if (s == NULL) {
        resp->status = 500;
        webpage_login(resp->body, "No randomness for a session token.");
        return;
    }
    quarantine_audit(w->ctl->cfg, user, "action=login result=ok peer=%s", httpd_peer(r));
    set_cookie(w, resp, s->token);
    redirect(resp, "/");
}

/* origin_ok - no Origin header, or one naming this host */
static bool origin_ok(HTTPD_REQ *r)
{
    const char *origin = httpd_header(r, "Origin");
    const char *host = httpd_header(r, "Host");
    if (origin == NULL)
        return true;
    if (host == NULL)
        return false;
    const char *rest = strncmp(origin, "http://", 7) == 0    ? origin + 7
                       : strncmp(origin, "https://", 8) == 0 ? origin + 8
                                                             : NULL;
    return rest && strcmp(rest, host) == 0;
}

/* csrf_ok - the form's token is the session's, from this origin */
static bool csrf_ok(const WEB_SESSION *s, HTTPD_REQ *r)
{
    const char *t = httpd_form(r, "csrf");
    return t && digest_equal(t, s->csrf) && origin_ok(r);
}

/* set_flash - a one-shot message for the next page */
static void set_flash(WEB_SESSION *s, bool bad, const char *text)
{
    snprintf(s->flash, sizeof(s->flash), "%s", text);
    s->flash_bad = bad;
}

/* page_list - GET / */
static void page_list(WEB *w, WEB_SESSION *s, HTTPD_REQ *r, HTTPD_RESP *resp)
{
    WEB_QUERY q = {httpd_query(r, "q"),
                   httpd_query(r, "verdict"),
                   httpd_query(r, "symbol"),
                   httpd_query(r, "sender"),
                   httpd_query(r, "rcpt"),
                   httpd_query(r, "since"),
                   NULL};
    QFILTER f = {
        .sender = q.sender, .rcpt = q.rcpt, .symbol = q.symbol, .verdict = q.verdict, .text = q.q};
    if (q.since && q.since[0] && qfilter_since(q.since, (int64_t)time(NULL), &f.since) != 0)
        q.error = "Since: use YYYY-MM-DD, or 7d, 12h, 30m back from now.";
    QMETA **v;
    QMETA **keep;
    size_t n;
    size_t k = 0;
    BUF *err = buf_new(64);
    if (quarantine_list(w->ctl->cfg->quarantine_dir, &v, &n, err) != 0) {
        resp->status = 500;
        webpage_message(resp->body, s, "Store unreadable", err->data);
        buf_free(err);
        return;
    }
    keep = xcalloc(n ? n : 1, sizeof(*keep));
    for (size_t i = 0; i < n; i++)
        if (qfilter_match(&f, v[i]))
            keep[k++] = v[i];
    webpage_list(resp->body, s, keep, k, &q);
    free(keep);
    quarantine_list_free(v, n);
    buf_free(err);
}

/* item_ref - "/item/REF[/rest]": the ref (validated) and the rest; false when not such a path */
static bool item_ref(const char *path, char ref[17], const char **rest)
{
    if (strncmp(path, "/item/", 6) != 0 || strlen(path) < 22)
        return false;
    memcpy(ref, path + 6, 16);
    ref[16] = 0;
    *rest = path + 22;
    return quarantine_ref_ok(ref) && (**rest == 0 || **rest == '/');
}

/* download - bytes as an attachment that no browser renders */
static void download(HTTPD_RESP *resp, const char *name, const void *p, size_t n)
{
    resp->content_type = "application/octet-stream";
    char *cd = xasprintf("attachment; filename=\"%s\"", name); /* name: [0-9a-z.~_-] only */
    httpd_resp_header(resp, "Content-Disposition", cd);
    free(cd);
    buf_cat(resp->body, p, n);
}

/* safe_name - a download name from a part path: letters, digits, '.', '-' only */
static char *safe_name(const char *ref, const char *path)
{
    char *s = xasprintf("%s-part-%s.bin", ref, path);
    for (char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            *p = '_';
    return s;
}

/* page_item - GET /item/REF, /raw, /part */
static void page_item(WEB *w, WEB_SESSION *s, HTTPD_REQ *r, HTTPD_RESP *resp, const char *ref,
                      const char *rest)
{
    const CONFIG *c = w->ctl->cfg;
    BUF *err = buf_new(64);
    QMETA *m = quarantine_load(c->quarantine_dir, ref, err);
    size_t len = 0;
    char *raw = m ? quarantine_raw(c->quarantine_dir, ref, &len, err) : NULL;
    if (raw == NULL) {
        resp->status = 404;
        webpage_message(resp->body, s, "Not found", err->data);
    } else if (strcmp(rest, "/raw") == 0) {
        char *name = xasprintf("%s.eml", ref);
        download(resp, name, raw, len);
        free(name);
    } else {
        QVIEW *v = qview_new(c, raw, len);
        const char *want = httpd_query(r, "path");
        if (rest[0] == 0) {
            webpage_item(resp->body, s, m, v);
        } else if (strcmp(rest, "/part") == 0 && want) {
            const PART *p = NULL;
            for (size_t i = 0; i < v->parts->n && p == NULL; i++)
                if (strcmp(v->parts->v[i]->path, want) == 0 && v->parts->v[i]->data)
                    p = v->parts->v[i];
            char *name = p ? safe_name(ref, p->path) : NULL;
            if (p) {
                download(resp, name, p->data->data, p->data->len);
            } else {
                resp->status = 404;
                webpage_message(resp->body, s, "Not found", "no such part");
            }
            free(name);
        } else {
            resp->status = 404;
            webpage_message(resp->body, s, "Not found", "no such page");
        }
        qview_free(v);
    }
    free(raw);
    qmeta_free(m);
    buf_free(err);
}

/* act_item - POST /item/REF/release or /delete */
static void act_item(WEB *w, WEB_SESSION *s, HTTPD_REQ *r, HTTPD_RESP *resp, const char *ref,
                     const char *rest)
{
    BUF *msg = buf_new(128);
    BUF *err = buf_new(128);
    char *who = xasprintf("%s/web", s->user);
    char *back = xasprintf("/item/%s", ref);
    int rc;
    if (strcmp(rest, "/release") == 0) {
        const char *to = httpd_form(r, "to");
        const char *force = httpd_form(r, "force");
        rc = ctl_release_item(w->ctl, ref, to && to[0] ? to : NULL, force && force[0] == '1', who,
                              msg, err);
        set_flash(s, rc != 0, rc ? err->data : msg->data);
        redirect(resp, back);
    } else if (strcmp(rest, "/delete") == 0) {
        rc = ctl_delete_item(w->ctl, ref, who, msg, err);
        set_flash(s, rc != 0, rc ? err->data : msg->data);
        redirect(resp, rc ? back : "/");
    } else {
        resp->status = 404;
        webpage_message(resp->body, s, "Not found", "no such action");
    }
    free(who);
    free(back);
    buf_free(msg);
    buf_free(err);
}

/* route - pages that need a session */
static void route(WEB *w, WEB_SESSION *s, HTTPD_REQ *r, HTTPD_RESP *resp, bool get)
{
    const char *path = httpd_path(r);
    const char *rest;
    char ref[17];
    if (!get && !csrf_ok(s, r)) {
        resp->status = 403;
        webpage_message(resp->body, s, "Refused", "Missing or wrong CSRF token: reload the page.");
    } else if (get && strcmp(path, "/") == 0) {
        page_list(w, s, r, resp);
    } else if (!get && strcmp(path, "/logout") == 0) {
        quarantine_audit(w->ctl->cfg, s->user, "action=logout");
        memset(s, 0, sizeof(*s));
        set_cookie(w, resp, "");
        redirect(resp, "/login");
    } else if (item_ref(path, ref, &rest)) {
        if (get)
            page_item(w, s, r, resp, ref, rest);
        else
            act_item(w, s, r, resp, ref, rest);
    } else {
        resp->status = 404;
        webpage_message(resp->body, s, "Not found", "no such page");
    }
}

/* handle - every request (libmicrohttpd's one thread: no locking needed) */
static void handle(void *arg, HTTPD_REQ *r, HTTPD_RESP *resp)
{
    WEB *w = arg;
    const char *path = httpd_path(r);
    const char *method = httpd_method(r);
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    httpd_resp_header(resp, "Content-Security-Policy", CSP);
    httpd_resp_header(resp, "X-Content-Type-Options", "nosniff");
    httpd_resp_header(resp, "Referrer-Policy", "no-referrer");
    httpd_resp_header(resp, "X-Frame-Options", "DENY");
    httpd_resp_header(resp, "Cache-Control", "no-store");
    WEB_SESSION *s = session_of(w, r);
    if (!get && !post) {
        resp->status = 405;
        httpd_resp_header(resp, "Allow", "GET, HEAD, POST");
        webpage_message(resp->body, s, "Not allowed", "method not allowed");
    } else if (get && strcmp(path, "/style.css") == 0) {
        resp->content_type = "text/css; charset=utf-8";
        buf_puts(resp->body, webpage_css);
    } else if (strcmp(path, "/login") == 0) {
        if (post)
            do_login(w, r, resp);
        else if (s)
            redirect(resp, "/");
        else
            webpage_login(resp->body, NULL);
    } else if (s == NULL) {
        if (get) {
            redirect(resp, "/login");
        } else {
            resp->status = 401;
            webpage_login(resp->body, "Log in first.");
        }
    } else {
        route(w, s, r, resp, get);
    }
}

/* hash_password - --hash-password: a line from stdin to a $6$ hash on stdout */
static int hash_password(void)
{
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, stdin) < 0) {
        fprintf(stderr, "fileless-ctl: web --hash-password: no password on stdin\n");
        free(line);
        return 1;
    }
    line[strcspn(line, "\r\n")] = 0;
    BUF *err = buf_new(64);
    char *h = webauth_hash(line, err);
    if (h)
        printf("%s\n", h);
    else
        fprintf(stderr, "fileless-ctl: %s\n", err->data);
    free(h);
    free(line);
    buf_free(err);
    return h ? 0 : 1;
}

/* ctl_web - serve the review page until SIGINT or SIGTERM (see ctl.h) */
int ctl_web(CTL *ctl, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", 1, 0, 'l'}, {"hash-password", 0, 0, 'p'}, {0, 0, 0, 0}};
    const char *listen = ctl->cfg->web_listen;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == 'p')
            return hash_password();
        if (o != 'l' || optind != argc) {
            return ctl_usage("web", stderr, 2);
        }
        listen = optarg;
    }
    if (ctl_store(ctl) == NULL)
        return 1;
    if (ctl->cfg->web_users[0] == 0)
        fprintf(stderr, "fileless-ctl: web: web_users is empty: nobody can log in\n");
    BUF *aerr = buf_new(128);
    if (quarantine_audit_ok(ctl->cfg, aerr) != 0) { /* logins and actions must be recorded */
        fprintf(stderr, "fileless-ctl: web: not started: %s\n", aerr->data);
        buf_free(aerr);
        return 1;
    }
    buf_free(aerr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the server's thread inherits the mask */
    WEB *w = xcalloc(1, sizeof(*w));
    w->ctl = ctl;
    w->lock = weblock_new((unsigned)ctl->cfg->web_login_failure_budget);
    BUF *err = buf_new(128);
    HTTPD *d = httpd_start(listen, WEB_MAX_BODY, handle, w, err);
    int rc = d ? 0 : 1;
    if (d == NULL) {
        fprintf(stderr, "fileless-ctl: web: %s\n", err->data);
    } else {
        fprintf(stderr, "fileless-ctl: review page on %s (port %d)\n", listen, httpd_port(d));
        int sig = 0;
        while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
            ;
        httpd_stop(d);
    }
    buf_free(err);
    weblock_free(w->lock);
    free(w);
    return rc;
}
