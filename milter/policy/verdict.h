/*
 * policy/verdict - message verdict from score and thresholds, and the action it calls for
 * under the mode and the failure policies (pure policy)
 *
 * SYNOPSIS
 *   VERDICT verdict_from_score(double score, double tag, double quarantine, double reject);
 *   const char *verdict_name(VERDICT v);
 *   int verdict_natural(VERDICT v);
 *   int verdict_failure_policy(const CONFIG *c, MSG_ERRS errs);
 *   VERDICT_ACTION verdict_action(const CONFIG *c, const VERDICT_IN *in);
 *   int verdict_action_label(int action, bool stored);
 *
 * DESCRIPTION
 *   clean below `tag`, tag from `tag`, quarantine from `quarantine`, reject from `reject`
 *   (thresholds come from milter.conf, checked tag <= quarantine <= reject at load).
 *   verdict_name gives the report token: clean, tag, quarantine, reject.
 *   verdict_natural is the verdict's own action (enum cfg_policy): accept, tag, quarantine,
 *   reject; the default of a policy's on_* and what it is compared with.
 *
 *   verdict_failure_policy is the strongest on_* policy (enum cfg_policy) of the failure
 *   causes in errs (model/failure.h): SCANNER on_scanner_error, PARSE on_parse_error,
 *   LIMIT_MESSAGE_SIZE on_oversize, LIMIT_SCAN_TIME and LIMIT_CLAMAV_SCAN_TIME on_timeout,
 *   INTERNAL on_internal_error, CACHE on_cache_error; -1 when none applies. Adding a
 *   policy is one row of the table in verdict.c (a set of causes and its CONFIG field).
 *
 *   verdict_action decides what happens to the message: the stronger of the verdict's
 *   action (clean accept, tag, quarantine, reject; in->on_verdict when set: a policy's
 *   on_tag/on_quarantine/on_reject, which may also say discard) and the failure policy (accept <
 * tag < tempfail < quarantine < reject); discard_verdicts replaces a verdict's own action by
 *   discard (not a failure policy's); a released message (in->released) is never
 *   quarantined again (tag instead); quarantine becomes, by quarantine_action, the hold
 *   queue, reject or discard (auto: discard with a store, hold without), and with a store
 *   (in->store) out.store asks the caller to store the message first; when the store
 *   failed (MSG_ERR_QUARANTINE in errs) the action is on_quarantine_error instead. The
 *   mode last: enforce does it; tag-only tags whatever is not accept (out.would names the
 *   enforce action, out.store is false); off plans nothing (out.plan false, accept).
 *   With quarantine_rejects a reject (of any cause) is stored first too (out.store), the
 *   reply stays 550; when that store failed the reject stands without it.
 *
 *   verdict_action_label is the action named in the log line and counted in the metrics:
 *   a message kept in the store that the MTA then drops (quarantine_action auto or
 *   discard) is a quarantine, not a discard.
 */
#ifndef FM_VERDICT_H
#define FM_VERDICT_H

#include <stdbool.h>

#include "core/config.h"
#include "model/failure.h"

typedef enum VERDICT { VERDICT_CLEAN, VERDICT_TAG, VERDICT_QUARANTINE, VERDICT_REJECT } VERDICT;

/* action tokens beyond enum cfg_policy */
enum { ACT_DISCARD_TOKEN = CFG_POL_REJECT + 1 };

typedef struct VERDICT_IN {
    VERDICT verdict;
    MSG_ERRS errs;         /* failure causes (model/failure.h) */
    bool released;         /* the message carries a valid release header */
    bool store;            /* a quarantine store is configured */
    const int *on_verdict; /* VERDICT -> the verdict's own action (a policy's on_*), or NULL */
} VERDICT_IN;

typedef struct VERDICT_ACTION {
    int action;       /* enum cfg_policy or ACT_DISCARD_TOKEN: what is done */
    int would;        /* what enforce mode does (tag-only names it) */
    int natural;      /* the verdict's own action, before failure policies */
    bool store;       /* store the message in the quarantine store first */
    bool would_store; /* enforce mode would store it (tag-only: out.store is false) */
    bool plan;        /* false in mode off: nothing at all is planned */
} VERDICT_ACTION;

VERDICT verdict_from_score(double score, double tag, double quarantine, double reject);
const char *verdict_name(VERDICT v);
int verdict_natural(VERDICT v);
int verdict_failure_policy(const CONFIG *c, MSG_ERRS errs);
VERDICT_ACTION verdict_action(const CONFIG *c, const VERDICT_IN *in);
int verdict_action_label(int action, bool stored);

#endif
