/*
 * core/httpd - HTTP serving over libmicrohttpd (see core/httpd.h)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "core/httpd.h"
#include "lib/xalloc.h"

#define MAX_FIELDS 64

struct HTTPD {
    struct MHD_Daemon *mhd;
    HTTPD_HANDLER handler;
    void *arg;
    size_t max_body;
};

struct HTTPD_REQ {
    HTTPD *d;
    struct MHD_Connection *conn;
    char *method, *path;
    struct MHD_PostProcessor *pp;
    char *fname[MAX_FIELDS];
    BUF *fvalue[MAX_FIELDS];
    size_t nfields, body;
    bool too_big;
    char peer[INET6_ADDRSTRLEN];
};

/* httpd_method - the request method */
const char *httpd_method(const HTTPD_REQ *r)
{
    return r->method;
}

/* httpd_path - the URL path (no query) */
const char *httpd_path(const HTTPD_REQ *r)
{
    return r->path;
}

/* httpd_query - a query argument */
const char *httpd_query(const HTTPD_REQ *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* httpd_header - a request header */
const char *httpd_header(const HTTPD_REQ *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* httpd_cookie - a cookie */
const char *httpd_cookie(const HTTPD_REQ *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* httpd_form - a field of a urlencoded POST body (the first of that name) */
const char *httpd_form(const HTTPD_REQ *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (strcmp(r->fname[i], name) == 0)
            return r->fvalue[i]->data;
    return NULL;
}

/* httpd_peer - the client's address */
const char *httpd_peer(const HTTPD_REQ *r)
{
    return r->peer;
}

/* httpd_resp_header - one more response header (copied) */
void httpd_resp_header(HTTPD_RESP *resp, const char *name, const char *value)
{
    resp->hname = xrealloc(resp->hname, (resp->nheaders + 1) * sizeof(char *));
    resp->hvalue = xrealloc(resp->hvalue, (resp->nheaders + 1) * sizeof(char *));
    resp->hname[resp->nheaders] = xstrdup(name);
    resp->hvalue[resp->nheaders++] = xstrdup(value);
}

/* on_field - post processor callback: a (piece of a) form field */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    HTTPD_REQ *r = cls;
    if (off > 0 && r->nfields && strcmp(r->fname[r->nfields - 1], key) == 0) {
        buf_cat(r->fvalue[r->nfields - 1], data, size);
        return MHD_YES;
    }
    if (r->nfields >= MAX_FIELDS)
        return MHD_NO;
    r->fname[r->nfields] = xstrdup(key);
    r->fvalue[r->nfields] = buf_new(size + 1);
    buf_cat(r->fvalue[r->nfields++], data, size);
    return MHD_YES;
}

/* req_new - request state on the first call for a connection */
static HTTPD_REQ *req_new(HTTPD *d, struct MHD_Connection *conn, const char *url,
                          const char *method)
{
    HTTPD_REQ *r = xcalloc(1, sizeof(*r));
    r->d = d;
    r->conn = conn;
    r->method = xstrdup(method);
    r->path = xstrdup(url);
    snprintf(r->peer, sizeof(r->peer), "?");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->peer,
                  sizeof(r->peer));
    else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, r->peer,
                  sizeof(r->peer));
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    if (strcmp(method, "POST") == 0 && ct &&
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        r->pp = MHD_create_post_processor(conn, 4096, on_field, r);
    return r;
}

/* req_free - release request state */
static void req_free(HTTPD_REQ *r)
{
    if (r == NULL)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    for (size_t i = 0; i < r->nfields; i++) {
        free(r->fname[i]);
        buf_free(r->fvalue[i]);
    }
    free(r->method);
    free(r->path);
    free(r);
}

/* send_resp - queue a response built by the handler */
static enum MHD_Result send_resp(struct MHD_Connection *conn, HTTPD_RESP *resp)
{
    struct MHD_Response *m =
        MHD_create_response_from_buffer(resp->body->len, resp->body->data, MHD_RESPMEM_MUST_COPY);
    if (m == NULL)
        return MHD_NO;
    MHD_add_response_header(m, "Content-Type",
                            resp->content_type ? resp->content_type : "text/html; charset=utf-8");
    for (size_t i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(m, resp->hname[i], resp->hvalue[i]);
    enum MHD_Result rc = MHD_queue_response(conn, resp->status ? (unsigned)resp->status : 200, m);
    MHD_destroy_response(m);
    return rc;
}

/* resp_clear - release what the handler put in a response */
static void resp_clear(HTTPD_RESP *resp)
{
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->hname[i]);
        free(resp->hvalue[i]);
    }
    free(resp->hname);
    free(resp->hvalue);
    buf_free(resp->body);
}

/* on_request - libmicrohttpd's access handler: collect the body, then call ours */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state)
{
    (void)version;
    HTTPD *d = cls;
    HTTPD_REQ *r = *state;
    if (r == NULL) {
        *state = req_new(d, conn, url, method);
        return MHD_YES;
    }
    if (*upload_size) {
        r->body += *upload_size;
        if (r->body > d->max_body)
            r->too_big = true;
        else if (r->pp && MHD_post_process(r->pp, upload_data, *upload_size) != MHD_YES)
            r->too_big = true; /* too many fields */
        *upload_size = 0;
        return MHD_YES;
    }
    HTTPD_RESP resp = {0};
    resp.body = buf_new(4096);
    if (r->too_big) {
        resp.status = 413;
        resp.content_type = "text/plain; charset=utf-8";
        buf_puts(resp.body, "request body too large\n");
    } else {
        d->handler(d->arg, r, &resp);
    }
    enum MHD_Result rc = send_resp(conn, &resp);
    resp_clear(&resp);
    return rc;
}

/* on_completed - a request is over: free its state */
static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)conn, (void)code;
    req_free(*state);
    *state = NULL;
}

/* parse_listen - "ADDR:PORT" or "[V6]:PORT" into a socket address */
static bool parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
        return false;
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return false;
    memset(ss, 0, sizeof(*ss));
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        host[hl - 1] = 0;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    *v6 = false;
    return inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

/* httpd_start - listen and serve (see httpd.h) */
HTTPD *httpd_start(const char *listen, size_t max_body, HTTPD_HANDLER h, void *arg, BUF *err)
{
    struct sockaddr_storage ss;
    bool v6 = false;
    if (!parse_listen(listen, &ss, &v6)) {
        buf_printf(err, "listen address '%s': want IPV4:PORT or [IPV6]:PORT", listen);
        return NULL;
    }
    HTTPD *d = xcalloc(1, sizeof(*d));
    d->handler = h;
    d->arg = arg;
    d->max_body = max_body;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (v6 ? MHD_USE_IPv6 : 0);
    d->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, d, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                              NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (d->mhd == NULL) {
        buf_printf(err, "cannot listen on %s (address in use or not local?)", listen);
        free(d);
        return NULL;
    }
    return d;
}

/* httpd_port - the port actually bound */
int httpd_port(const HTTPD *d)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
    return i ? (int)i->port : -1;
}

/* httpd_stop - stop serving and free; returns NULL */
HTTPD *httpd_stop(HTTPD *d)
{
    if (d == NULL)
        return NULL;
    MHD_stop_daemon(d->mhd);
    free(d);
    return NULL;
}
