/*
 * scan/dns - asynchronous A lookups for one message over c-ares (the only includer of ares.h)
 *
 * SYNOPSIS
 *   DNS *dns_open(const char *servers, int timeout_ms, BUF *err);   DNS *dns_close(DNS *d);
 *   void dns_query_a(DNS *d, const char *name, dns_cb cb, void *arg);
 *   void dns_run(DNS *d, double until_ms);     size_t dns_pending(const DNS *d);
 *
 * DESCRIPTION
 *   One DNS handle per message (c-ares 1.18 channels are not thread-safe: each handle is
 *   an ares_dup of a process template built once per (servers, timeout) pair, under a
 *   lock). servers is empty for the system resolver (resolv.conf) or a c-ares server list
 *   "127.0.0.1:5353,[::1]:53". Each query is one A question (no search list) tried once
 *   with timeout_ms; answers are not checked by c-ares (ARES_FLAG_NOCHECKRESP), so a
 *   SERVFAIL or REFUSED is reported as such instead of looking like a dead server.
 *
 *   dns_query_a sends the question at once (the answer waits in the socket while the
 *   caller does other work). dns_run processes answers until every query is answered or
 *   now_ms() reaches until_ms (0: only what is ready now, never waiting); it polls with
 *   poll(), never select(), so any fd number works. dns_close cancels what is left: those
 *   callbacks run with DNS_TIMEOUT. Every callback runs exactly once, from dns_run or
 *   dns_close, with the A records of a positive answer (host order, at most DNS_MAX_A).
 */
#ifndef FM_DNS_H
#define FM_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define DNS_MAX_A 16

enum dns_status { DNS_OK, DNS_NXDOMAIN, DNS_SERVFAIL, DNS_REFUSED, DNS_TIMEOUT, DNS_ERROR };

typedef void (*dns_cb)(void *arg, int status, const uint32_t *a, size_t n);
typedef struct DNS DNS;

DNS *dns_open(const char *servers, int timeout_ms, BUF *err);
DNS *dns_close(DNS *d);
void dns_query_a(DNS *d, const char *name, dns_cb cb, void *arg);
void dns_run(DNS *d, double until_ms);
size_t dns_pending(const DNS *d);
const char *dns_status_name(int status);

#endif
