/*
 * core/httpd - a small HTTP server API over libmicrohttpd (the review page; later the metrics)
 *
 * SYNOPSIS
 *   HTTPD *httpd_start(const char *listen, size_t max_body, HTTPD_HANDLER h, void *arg,
 *                      BUF *err);
 *   HTTPD *httpd_stop(HTTPD *d);
 *   int httpd_port(const HTTPD *d);
 *   const char *httpd_method(const HTTPD_REQ *r);   const char *httpd_path(const HTTPD_REQ *r);
 *   const char *httpd_query(const HTTPD_REQ *r, const char *name);
 *   const char *httpd_header(const HTTPD_REQ *r, const char *name);
 *   const char *httpd_cookie(const HTTPD_REQ *r, const char *name);
 *   const char *httpd_form(const HTTPD_REQ *r, const char *name);
 *   const char *httpd_peer(const HTTPD_REQ *r);
 *   void httpd_resp_header(HTTPD_RESP *resp, const char *name, const char *value);
 *
 * DESCRIPTION
 *   The only file that includes microhttpd.h. httpd_start listens on "ADDR:PORT"
 *   ("[v6addr]:PORT" for IPv6; port 0 picks a free one, see httpd_port) and serves on
 *   one internal thread of libmicrohttpd, so the handler is never called concurrently
 *   (it may keep state without locks). It returns NULL with the reason in err.
 *   httpd_stop stops (in-flight requests are finished) and frees; accepts NULL.
 *
 *   The handler gets a request and fills the response: status (200 when left 0),
 *   content_type (a static string; default text/html; charset=utf-8), body, and extra
 *   headers through httpd_resp_header (copied). Accessors return NULL for what is
 *   absent: query arguments, headers (case-insensitive names), cookies, and the fields of
 *   an application/x-www-form-urlencoded POST body (decoded by libmicrohttpd's post
 *   processor). A POST body of another type is not parsed (the handler sees no fields);
 *   one past max_body bytes is answered 413 without calling the handler. httpd_peer is
 *   the client's address as text.
 *
 * LIMITS
 *   64 connections, 30 s idle timeout per connection, 64 form fields of at most
 *   max_body bytes together.
 */
#ifndef FM_HTTPD_H
#define FM_HTTPD_H

#include <stddef.h>

#include "lib/buf.h"

typedef struct HTTPD HTTPD;
typedef struct HTTPD_REQ HTTPD_REQ;

typedef struct HTTPD_RESP {
    int status;
    const char *content_type;
    BUF *body;
    char **hname, **hvalue; /* extra headers (httpd_resp_header) */
    size_t nheaders;
} HTTPD_RESP;

typedef void (*HTTPD_HANDLER)(void *arg, HTTPD_REQ *req, HTTPD_RESP *resp);

HTTPD *httpd_start(const char *listen, size_t max_body, HTTPD_HANDLER h, void *arg, BUF *err);
HTTPD *httpd_stop(HTTPD *d);
int httpd_port(const HTTPD *d);
const char *httpd_method(const HTTPD_REQ *r);
const char *httpd_path(const HTTPD_REQ *r);
const char *httpd_query(const HTTPD_REQ *r, const char *name);
const char *httpd_header(const HTTPD_REQ *r, const char *name);
const char *httpd_cookie(const HTTPD_REQ *r, const char *name);
const char *httpd_form(const HTTPD_REQ *r, const char *name);
const char *httpd_peer(const HTTPD_REQ *r);
void httpd_resp_header(HTTPD_RESP *resp, const char *name, const char *value);

#endif
