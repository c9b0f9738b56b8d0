/*
 * scan/dns - asynchronous A lookups over c-ares 1.18 (see scan/dns.h)
 *
 * Facts this relies on (docs: shared/docs/reputation.md, measured): ARES_OPT_TIMEOUTMS is
 * in milliseconds; with tries=1 a silent server gives ETIMEOUT after the timeout; without
 * NOCHECKRESP a SERVFAIL looks like ECONNREFUSED; ares_fds()/select() abort at fd >= 1024,
 * so we poll ares_getsock's sockets; after a poll timeout ares_process_fd(BAD, BAD) lets
 * c-ares expire queries; ares_cancel runs pending callbacks with ECANCELLED.
 */
#include <sys/select.h> /* ares.h needs fd_set under -std=c11 */

#include <ares.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "lib/xalloc.h"
#include "scan/dns.h"

struct DNS {
    ares_channel ch;
    size_t pending;
};

typedef struct QUERY {
    DNS *d;
    dns_cb cb;
    void *arg;
} QUERY;

static pthread_mutex_t tmpl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_rc = -1;
static ares_channel tmpl;
static char *tmpl_servers;
static int tmpl_timeout = -1;

/* lib_init - ares_library_init, once per process */
static void lib_init(void)
{
    lib_rc = ares_library_init(ARES_LIB_INIT_ALL);
}

/* template_for - the process template for (servers, timeout), rebuilt when they change;
 * called with tmpl_lock held */
static int template_for(const char *servers, int timeout_ms, BUF *err)
{
    if (tmpl && tmpl_timeout == timeout_ms && strcmp(tmpl_servers, servers) == 0)
        return 0;
    if (tmpl) {
        ares_destroy(tmpl);
        tmpl = NULL;
        free(tmpl_servers);
        tmpl_servers = NULL;
    }
    struct ares_options o = {.timeout = timeout_ms, .tries = 1, .flags = ARES_FLAG_NOCHECKRESP};
    int rc = ares_init_options(&tmpl, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
    if (rc == ARES_SUCCESS && *servers)
        rc = ares_set_servers_ports_csv(tmpl, servers);
    if (rc != ARES_SUCCESS) {
        buf_printf(err, "dns: %s: %s", *servers ? servers : "system resolver", ares_strerror(rc));
        if (tmpl)
            ares_destroy(tmpl);
        tmpl = NULL;
        return -1;
    }
    tmpl_servers = xstrdup(servers);
    tmpl_timeout = timeout_ms;
    return 0;
}

/* dns_open - a handle for one message (see scan/dns.h) */
DNS *dns_open(const char *servers, int timeout_ms, BUF *err)
{
    pthread_once(&lib_once, lib_init);
    if (lib_rc != ARES_SUCCESS) {
        buf_printf(err, "dns: ares_library_init: %s", ares_strerror(lib_rc));
        return NULL;
    }
    DNS *d = xcalloc(1, sizeof(*d));
    pthread_mutex_lock(&tmpl_lock);
    int rc = template_for(servers ? servers : "", timeout_ms, err);
    if (rc == 0 && (rc = ares_dup(&d->ch, tmpl)) != ARES_SUCCESS)
        buf_printf(err, "dns: ares_dup: %s", ares_strerror(rc));
    pthread_mutex_unlock(&tmpl_lock);
    if (rc != 0) {
        free(d);
        return NULL;
    }
    return d;
}

/* dns_status_name - a word for logs and details */
const char *dns_status_name(int status)
{
    static const char *const names[] = {"ok",      "nxdomain", "servfail",
                                        "refused", "timeout",  "error"};
    return status >= 0 && status <= DNS_ERROR ? names[status] : "?";
}

/* status_of - c-ares status to ours */
static int status_of(int st)
{
    switch (st) {
    case ARES_SUCCESS:
        return DNS_OK;
    case ARES_ENOTFOUND:
    case ARES_ENODATA:
        return DNS_NXDOMAIN;
    case ARES_ESERVFAIL:
        return DNS_SERVFAIL;
    case ARES_EREFUSED:
        return DNS_REFUSED;
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
        return DNS_TIMEOUT;
    default:
        return DNS_ERROR;
    }
}

/* on_answer - c-ares callback: the A records into host order, then the caller's callback */
static void on_answer(void *arg, int st, int timeouts, unsigned char *abuf, int alen)
{
    QUERY *q = arg;
    (void)timeouts;
    uint32_t a[DNS_MAX_A];
    size_t n = 0;
    int status = status_of(st);
    if (status == DNS_OK) {
        struct ares_addrttl at[DNS_MAX_A];
        int na = DNS_MAX_A;
        if (ares_parse_a_reply(abuf, alen, NULL, at, &na) == ARES_SUCCESS && na > 0) {
            for (int i = 0; i < na && n < DNS_MAX_A; i++)
                a[n++] = ntohl(at[i].ipaddr.s_addr);
        } else {
            status = DNS_NXDOMAIN; /* no A record: not listed */
        }
    }
    q->d->pending--;
    q->cb(q->arg, status, a, n);
    free(q);
}

/* dns_query_a - send one A question (see scan/dns.h) */
void dns_query_a(DNS *d, const char *name, dns_cb cb, void *arg)
{
    QUERY *q = xcalloc(1, sizeof(*q));
    *q = (QUERY){d, cb, arg};
    d->pending++;
    ares_query(d->ch, name, 1 /* C_IN */, 1 /* T_A */, on_answer, q);
}

/* dns_pending - questions not answered yet */
size_t dns_pending(const DNS *d)
{
    return d ? d->pending : 0;
}

/* dns_run - process answers until none is pending or until_ms (see scan/dns.h) */
void dns_run(DNS *d, double until_ms)
{
    while (d && d->pending > 0) {
        ares_socket_t s[ARES_GETSOCK_MAXNUM];
        struct pollfd p[ARES_GETSOCK_MAXNUM];
        int n = 0;
        /* the ARES_GETSOCK_WRITABLE macro shifts a signed 1 into bit 31: test bits unsigned */
        unsigned bm = (unsigned)ares_getsock(d->ch, s, ARES_GETSOCK_MAXNUM);
        for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short ev = (short)((bm & (1u << i) ? POLLIN : 0) |
                               (bm & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));
            if (ev)
                p[n++] = (struct pollfd){s[i], ev, 0};
        }
        double left = until_ms > 0 ? until_ms - now_ms() : 0;
        if (left < 0)
            left = 0;
        struct timeval mx = {(long)(left / 1000), ((long)left % 1000) * 1000};
        struct timeval tv;
        struct timeval *tp = ares_timeout(d->ch, &mx, &tv);
        int wait = (int)(tp->tv_sec * 1000 + (tp->tv_usec + 999) / 1000);
        int r = poll(p, (nfds_t)n, wait);
        if (r <= 0) {
            ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* expire timeouts */
        } else {
            for (int i = 0; i < n; i++)
                if (p[i].revents)
                    ares_process_fd(d->ch,
                                    p[i].revents & (POLLIN | POLLERR | POLLHUP) ? p[i].fd
                                                                                : ARES_SOCKET_BAD,
                                    p[i].revents & POLLOUT ? p[i].fd : ARES_SOCKET_BAD);
        }
        if (n == 0 && d->pending > 0 && until_ms <= 0)
            break;
        if (until_ms <= 0 ? r <= 0 : now_ms() >= until_ms)
            break;
    }
}

/* dns_close - cancel what is pending (callbacks with DNS_TIMEOUT), free; returns NULL */
DNS *dns_close(DNS *d)
{
    if (d == NULL)
        return NULL;
    ares_cancel(d->ch);
    ares_destroy(d->ch);
    free(d);
    return NULL;
}
