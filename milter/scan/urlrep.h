/*
 * scan/urlrep - URL reputation of one message: DNS block lists and campaign prevalence
 *
 * SYNOPSIS
 *   URLREP *urlrep_begin(MSG *m, const RULESET *rs, CACHE *cache);
 *   void urlrep_poll(URLREP *r);       void urlrep_end(URLREP *r);
 *   URLREP *urlrep_free(URLREP *r);
 *   char *urlrep_url_id(const char *url);
 *   char *urlrep_key(const char *prefix, const char *kind, const char *id, long long slot);
 *   long long urlrep_slot(long long now, long long window);
 *
 * DESCRIPTION
 *   urlrep_begin runs once the message is parsed: it unwraps redirects (mime/redirect.h,
 *   url_unwrap_depth), turns every URL with a host into its block-list questions (per
 *   zone of uribl_zones: the registrable domain, the host, or the reversed IP; never for
 *   allow-listed domains: rules/lists/allow-domains.txt and uribl_allow_domains), answers
 *   what it can from the in-process cache and then Redis (cache = redis; one round trip),
 *   and sends the rest at once over c-ares (scan/dns.h), so the answers arrive while the
 *   parts are scanned. urlrep_poll takes the answers that are ready without waiting.
 *   urlrep_end (after the scan, before the verdict) does the same for URLs found while
 *   scanning (script text, PDF annotations, SVG), waits for answers until the message's
 *   DNS deadline (first question + dns_timeout; dns_timeout from the end's own questions
 *   when it sends any; never past the scan deadline), then reports:
 *     URIBL_SPAM/PHISH/MALWARE/BOTNET/ABUSED/LISTED  at the URL's first place (a zone's
 *        weight= replaces the scoring.conf weight), detail: name, zone, answer, URL;
 *     URIBL_TIMEOUT / URIBL_ERROR  per zone at "message": lookups unanswered by the
 *        deadline / SERVFAIL, REFUSED or an error code such as 127.255.255.254 (weight 0:
 *        no answer is never "clean" silently, and never holds or tempfails the mail);
 *     URIBL_LIMIT  questions over dns_max_queries were not asked;
 *     URL_BURST  (cache = redis) a URL first seen within url_prevalence_window and carried
 *        by at least url_burst_senders distinct senders in it, across every milter of the
 *        Redis (HyperLogLogs per window sixth: bounded memory per URL).
 *   Answers (positive and NXDOMAIN, not errors) are cached dns_cache_ttl seconds.
 *   m->dns holds the counters and the time the end waited (report "dns", log line).
 *
 *   urlrep_url_id returns the prevalence id of a URL (32 hex digits of the SHA-256 of its
 *   normalized form; NULL when it is not a URL) for `fileless-ctl where URL`.
 *   Redis keys (prefix = cache_prefix): dns:<question> (answer), url:first:<id>,
 *   url:info:<id> (url, last, count), url:m:<id>:<slot>, url:s:<id>:<slot> (HyperLogLogs).
 *   urlrep_key builds one of them (kind "first", "info": slot < 0; "m", "s": with the
 *   slot), xmalloc'd; urlrep_slot is the slot of the time now (a sixth of window).
 */
#ifndef FM_URLREP_H
#define FM_URLREP_H

#include "cache/cache.h"
#include "core/ruleset.h"
#include "msg.h"

typedef struct URLREP URLREP;

URLREP *urlrep_begin(MSG *m, const RULESET *rs, CACHE *cache);
void urlrep_poll(URLREP *r);
void urlrep_end(URLREP *r);
URLREP *urlrep_free(URLREP *r);
char *urlrep_url_id(const char *url);
char *urlrep_key(const char *prefix, const char *kind, const char *id, long long slot);
long long urlrep_slot(long long now, long long window);

#define URLREP_SLOTS 6 /* the prevalence window in sixths */

#endif
