/*
 * scan/urlrep_int - what urlrep.c and urlprev.c share (not for other modules)
 */
#ifndef FM_URLREP_INT_H
#define FM_URLREP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "scan/dns.h"
#include "scan/urlrep.h"

enum { RQ_NEW, RQ_CACHED, RQ_SENT, RQ_DONE };

typedef struct RQ {
    struct URLREP *r;
    char *name;    /* the question: subject.zone */
    size_t zone;   /* index in rs->uribl */
    char *subject; /* registrable domain, host or reversed address */
    char *loc;     /* first place of the first URL that asked it */
    char *url;     /* that URL (detail) */
    bool redirect; /* that URL was a redirect's target */
    int state, status;
    uint32_t a[DNS_MAX_A];
    size_t na;
    bool fresh;     /* answered by DNS now: cache it */
    bool to_memory; /* from Redis: put it in memory too */
    bool counted;
} RQ;

struct URLREP {
    MSG *m;
    const RULESET *rs;
    CACHE *cache;
    bool redis;          /* the cache is shared */
    double redis_budget; /* ms per round trip */
    DNS *dns;
    bool dns_failed;
    RQ **q;
    size_t n, cap, over;
    size_t urls_done; /* URLs already turned into questions */
    double first_sent;
};

void urlrep_answer_text(const RQ *q, BUF *out);
void urlprev_store(URLREP *r);
char *urlrep_first_place(const URL *u);

#endif
