/*
 * core/uribl - the `uribl_zones` setting: DNS block-list zones and their return codes
 *
 * SYNOPSIS
 *   URIBL_ZONES *uribl_parse(const char *text, BUF *err);   URIBL_ZONES *uribl_free(URIBL_ZONES
 * *z); unsigned uribl_classify(const URIBL_ZONE *z, const uint32_t *codes, size_t n); const char
 * *uribl_symbol(int cat);                      const char *uribl_cat_name(int cat);
void uribl_set_allow(URIBL_ZONES *z, const char *list);
bool uribl_allowed(const URIBL_ZONES *z, const char *host);
 *   void uribl_set_allow(URIBL_ZONES *z, const char *list);
 *   bool uribl_allowed(const URIBL_ZONES *z, const char *host);
 *
 * DESCRIPTION
 *   Syntax (milter.conf, one value; zones separated by `;`):
 *
 *     ZONE: KIND [weight=W] [CODE=CATEGORY ...]
 *
 *   ZONE is the list's DNS zone (dbl.spamhaus.org). KIND says what is queried:
 *   `domain` the registrable domain of a URL's host (public suffix list; SURBL, URIBL),
 *   `host` the host name as written (wildcarded lists such as Spamhaus DBL), `ip` the
 *   reversed address of an IP-literal host (ZEN: 4.3.2.1.zone, IPv6 by nibbles).
 *   weight=W (0..100) gives the zone's listing symbols that weight instead of the one in
 *   scoring.conf. CODE is an answer address (127.0.1.2), a range (127.0.1.102-127.0.1.106),
 *   a CIDR block (127.255.255.0/24) or a bare number 1..255, which is a bit mask on the
 *   last octet of 127.0.0.x answers (SURBL multi: 8=phish 16=malware 64=abused).
 *   CATEGORY is one of spam phish malware botnet abused listed error ignore.
 *
 *   uribl_classify maps the A records of one answer to a set of categories (bit 1<<cat):
 *   per code, the first address rule that matches wins; otherwise every bit rule that
 *   matches a 127.0.0.x answer; otherwise 127.255.255.0/24 (Spamhaus' "blocked, open
 *   resolver, rate limit") is an error, any other 127/8 answer `listed` and an answer
 *   outside 127/8 an error. `ignore` contributes nothing. uribl_symbol names the
 *   finding of a category (URIBL_SPAM ... URIBL_LISTED, URIBL_ERROR).
 *
 *   uribl_parse returns the zones (n may be 0 for an empty text), or NULL with one
 *   reason in err. It is pure and bounded: URIBL_MAX_ZONES zones, URIBL_MAX_RULES rules
 *   each, zone names of at most 200 bytes (letters, digits, '-', '.').
 *
 *   uribl_set_allow keeps the domains of the `uribl_allow_domains` setting (space- or
 *   comma-separated; parsed once when the rules load); uribl_allowed says whether host is
 *   one of them or a subdomain of one (case-insensitive; z NULL: false).
 */
#ifndef FM_URIBL_H
#define FM_URIBL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define URIBL_MAX_ZONES 32
#define URIBL_MAX_RULES 64
#define URIBL_ZONE_MAX  200

enum uribl_kind { URIBL_K_DOMAIN, URIBL_K_HOST, URIBL_K_IP };
enum uribl_cat {
    URIBL_C_SPAM,
    URIBL_C_PHISH,
    URIBL_C_MALWARE,
    URIBL_C_BOTNET,
    URIBL_C_ABUSED,
    URIBL_C_LISTED,
    URIBL_C_ERROR,
    URIBL_C_IGNORE,
    URIBL_C_COUNT
};
#define URIBL_LISTING_MASK ((1u << URIBL_C_ERROR) - 1) /* every category that is a listing */

typedef struct URIBL_RULE {
    uint32_t lo; /* address rules: host-order range; bit rules: lo = mask, hi = 0 */
    uint32_t hi;
    int bits; /* 1: a bit rule */
    int cat;
} URIBL_RULE;

typedef struct URIBL_ZONE {
    char *zone;
    int kind;
    int has_weight;
    double weight;
    URIBL_RULE rules[URIBL_MAX_RULES];
    size_t nrules;
} URIBL_ZONE;

typedef struct URIBL_ZONES {
    URIBL_ZONE *v;
    size_t n;
    char **allow; /* uribl_allow_domains */
    size_t nallow, capallow;
} URIBL_ZONES;

URIBL_ZONES *uribl_parse(const char *text, BUF *err);
URIBL_ZONES *uribl_free(URIBL_ZONES *z);
unsigned uribl_classify(const URIBL_ZONE *z, const uint32_t *codes, size_t n);
const char *uribl_symbol(int cat);
const char *uribl_cat_name(int cat);
void uribl_set_allow(URIBL_ZONES *z, const char *list);
bool uribl_allowed(const URIBL_ZONES *z, const char *host);

#endif
