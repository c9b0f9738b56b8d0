/*
 * policy/policyset - the policy file: per recipient, sender, authenticated user and client
 * network settings (mode, thresholds, actions per verdict, weights), and which one applies
 *
 * SYNOPSIS
 *   POLICYSET *policyset_new(const CONFIG *base, const SCORES *scores);
 *   int policyset_load(POLICYSET *ps, const char *path, POLICY_ASCII ascii, BUF *err);
 *   POLICYSET *policyset_free(POLICYSET *ps);
 *   const POLICY *policyset_select(const POLICYSET *ps, const POLICY_ENV *env);
 *   const POLICY *policyset_default(const POLICYSET *ps);
 *   int policy_natural(const POLICY *p, int verdict);
 *   bool policy_parse_ip(const char *s, POLICY_IP *ip);
 *
 * DESCRIPTION
 *   The file is made of sections. `[NAME]` starts a policy (NAME: letters, digits, `_`, `-`,
 *   `.`; unique); `[default]` is the one that applies when nothing else matches (it starts as
 *   milter.conf's settings; its section may change them). Inside a section, lines are
 *   `match = COND [COND ...] [unverified-ok]`, `KEY = VALUE` (a value may be quoted with
 *   "...") and `weight SYMBOL = N`. Blank lines and lines starting with `#` are ignored.
 *
 *   A match line holds up to one condition of each kind; all must hold (AND):
 *     rcpt:ADDR          the recipient address (case-insensitive)
 *     rcpt-domain:DOM    the recipient's domain; `*.DOM` (or `.DOM`) any subdomain of DOM,
 *                        not DOM itself
 *     sender:ADDR        the envelope sender (MAIL FROM); `<>` is never matched
 *     sender-domain:DOM  its domain, as rcpt-domain
 *     auth:LOGIN         the SMTP AUTH login ({auth_authen}); `auth:*` any authenticated one
 *     client:CIDR        the client address: 192.0.2.0/24, 2001:db8::/32, or one address
 *   Domains are compared in their ASCII (A-label) form: `ascii` (the caller's IDNA
 *   conversion, NULL: none) turns a non-ASCII domain of the file or of the envelope into it;
 *   everything is compared lower-cased, a trailing dot dropped.
 *
 *   A forged envelope sender must not choose its own policy: a line with a sender or
 *   sender-domain condition is only honoured when the MTA verified something more, that is
 *   the session is authenticated (env->auth non-empty) or the same line has an auth or a
 *   client condition; the flag `unverified-ok` waives this (for lines that only make a
 *   policy stricter).
 *
 *   Which policy: the most specific matching line wins, over all policies. Kinds rank
 *   rcpt > rcpt-domain > sender > sender-domain > auth > client; a line is compared by the
 *   set of kinds it holds, highest kind first (a line with rcpt-domain and sender-domain beats
 *   one with rcpt-domain alone, which beats any without rcpt or rcpt-domain); on the same set,
 *   by each condition's precision, highest kind first (more domain labels; an exact domain
 *   before `*.` of the same domain; a longer network prefix; an exact auth login before
 *   `auth:*`); then the policy written first. No match: the default.
 *
 *   Keys a policy may set (same values as milter.conf): mode, tag_threshold,
 *   quarantine_threshold, reject_threshold (checked tag <= quarantine <= reject),
 *   block_extensions, capability_alone_max, mention_max, quarantine_action, discard_verdicts,
 *   subject_tag; and the action per verdict on_tag, on_quarantine, on_reject (accept, tag,
 *   quarantine, reject or discard; by default each verdict's own), and `scan = no` (an
 *   allow-list: mode off, and a message all of whose recipients have it is not scanned; mode
 *   off alone still scans and logs the verdict). `weight SYMBOL = N` sets a
 *   symbol's weight for the policy; SYMBOL must have an entry in scoring.conf, exact or a
 *   family (CLAMAV_*: the exact symbol is added with the family's other columns).
 *
 *   policyset_new gives a set holding only the default (base's settings, scores). base and
 *   scores must outlive the set (each policy holds its own copy of the settings, and of the
 *   scores when it overrides a weight). policyset_load reads the file into the set; -1 with
 *   `FILE:LINE: reason` in err (the set is then partial: free it). policyset_select returns
 *   the policy for one recipient (never NULL). policy_natural maps a verdict (VERDICT_*) to
 *   the policy's action for it (enum cfg_policy or ACT_DISCARD_TOKEN). Pure: no I/O but the
 *   file read.
 */
#ifndef FM_POLICYSET_H
#define FM_POLICYSET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "lib/buf.h"
#include "policy/score.h"

/* kinds, least specific first (the bit of a kind is 1 << kind) */
typedef enum POLICY_KIND {
    PK_CLIENT,
    PK_AUTH,
    PK_SENDER_DOMAIN,
    PK_SENDER,
    PK_RCPT_DOMAIN,
    PK_RCPT,
    PK_N
} POLICY_KIND;

typedef struct POLICY_IP {
    int family; /* 4, 6, or 0: none */
    unsigned char a[16];
} POLICY_IP;

typedef struct POLICY_COND {
    char *value;   /* address, domain (without `*.`) or login; lower case, ASCII domain */
    bool sub;      /* domain: subdomains only; auth: `*` */
    POLICY_IP net; /* client */
    int prefix;    /* client: prefix length */
    int precision; /* the specificity rank within the kind */
} POLICY_COND;

typedef struct POLICY_MATCH {
    unsigned mask; /* the kinds present */
    POLICY_COND c[PK_N];
    bool unverified_ok;
} POLICY_MATCH;

typedef struct POLICY {
    char *name;
    CONFIG *cfg;           /* base settings with this policy's changes */
    SCORES *scores;        /* own copy when a weight is overridden, else NULL */
    const SCORES *weights; /* scores or the base scores */
    int on_verdict[4];     /* VERDICT_* -> action (enum cfg_policy or ACT_DISCARD_TOKEN) */
    bool noscan;           /* `scan = no`: an allow-list (mode off, and not even scanned) */
    POLICY_MATCH *m;
    size_t nm, capm;
    unsigned line; /* where its section starts (0: the implicit default) */
} POLICY;

typedef struct POLICY_ENV {
    const char *rcpt;   /* as the MTA gave it (angle brackets allowed) */
    const char *sender; /* envelope sender, or NULL */
    const char *auth;   /* {auth_authen}, or NULL / "" when not authenticated */
    POLICY_IP client;   /* family 0: unknown */
} POLICY_ENV;

typedef char *(*POLICY_ASCII)(const char *domain); /* A-label form (caller frees) or NULL */

typedef struct POLICYSET {
    POLICY **v; /* v[0] is the default */
    size_t n, cap;
    const CONFIG *base;
    const SCORES *scores;
    POLICY_ASCII ascii;
    char *path; /* the file loaded, or NULL */
} POLICYSET;

POLICYSET *policyset_new(const CONFIG *base, const SCORES *scores);
int policyset_load(POLICYSET *ps, const char *path, POLICY_ASCII ascii, BUF *err);
POLICYSET *policyset_free(POLICYSET *ps);
const POLICY *policyset_select(const POLICYSET *ps, const POLICY_ENV *env);
const POLICY *policyset_default(const POLICYSET *ps);
int policy_natural(const POLICY *p, int verdict);
bool policy_parse_ip(const char *s, POLICY_IP *ip);

#endif
