/*
 * policy/action - a message's verdict as an ordered list of MTA operations (pure), and applying it
 *
 * SYNOPSIS
 *   ACT_PLAN *action_plan(const ACT_INPUT *in);       ACT_PLAN *action_plan_free(ACT_PLAN *p);
 *   ACT_STATUS action_apply(const ACT_PLAN *p, const MTA_OPS *ops, void *ctx);
 *   const char *action_name(int act);                  (accept, tag, tempfail, quarantine, ...)
 *
 * DESCRIPTION
 *   action_plan turns verdict, score, reference id, ruleset id, hits, failure causes
 *   (in->errs, MSG_ERR_BIT()s of model/failure.h: the message's HITS.errs plus the
 *   caller's MSG_ERR_QUARANTINE) and the config (mode, on_* policies, quarantine_action,
 *   texts, header_prefix, subject_tag) into operations, in the order they must be
 *   applied; what is done is decided by verdict_action (policy/verdict.h):
 *     1. delete every inbound header named PREFIX-* (spoofed), highest index first so
 *        the lower indices stay valid;
 *     2. when the message is delivered (accept, tag, quarantine in the hold queue): insert
 *        at the top of the header (above anything the sender wrote) PREFIX-Verdict "<verdict>;
 * score=<n>; ref=<id>; rules=<id>" (plus "; action=X" when a failure policy or the policy's on_*
 * changed the action and
 * "; mode=tag-only; would=X" in tag-only mode), PREFIX-Report (the top hits by weight with their
 * locations, sanitized, folded, at most ACT_REPORT_MAX bytes) below it, the Subject prefix for tag
 *        and quarantine when subject_tag is set, and QUARANTINE with a reason;
 *     3. REPLY "550" "5.7.1" reject_text or "451" "4.7.1" tempfail_text (%s → ref).
 *   With a `policy` other than "default" the verdict header ends in "; policy=NAME";
 *   `on_verdict` is the policy's action per verdict (verdict.h). `delrcpt` recipients are
 *   removed first (ACT_DELRCPT, the message is delivered to the others; mta/conn.c splits
 *   a message whose recipients' policies disagree); a failed removal makes the status
 *   TEMPFAIL, as the removed recipient must not get the message.
 *   With `leadspc` every header value planned starts with one space (the MTA then
 *   writes it as is).
 *   p->status is the final milter status and p->action the log token.
 *
 *   More inbound PREFIX-* headers than max_spoofed_headers (`spoofed_over`, their
 *   number; conn.c remembers only that many) cannot all be removed, so a forged verdict
 *   could reach the recipient: the message is refused (550 5.7.1, in enforce and
 *   tag-only mode alike) whatever its verdict.
 *
 *   The action (verdict_action) is the stronger of the verdict's (clean→accept, tag,
 *   quarantine, reject) and the policy of every failure cause set (accept < tag < tempfail <
 * quarantine < reject). quarantine_action turns quarantine into hold, reject or discard (auto:
 *   discard with a store, hold without). Mode tag-only never rejects, tempfails,
 *   quarantines or discards: it tags and names the would-be action in the header. Mode
 *   off plans nothing (accept).
 *
 *   The quarantine store: with `store` set and the action quarantine (in enforce mode),
 *   p->store asks the caller to store the message first; when that fails the caller
 *   plans again with MSG_ERR_QUARANTINE in errs, and the action becomes on_quarantine_error
 *   instead (its "quarantine" then means the MTA's hold queue). A message carrying a
 *   valid release header (`released`: an admin let it out of the quarantine) is never
 *   quarantined again: quarantine becomes tag, the verdict header says "released=REF"
 *   (conn.c leaves the valid release header out of `inbound`, so it stays);
 *   reject and tempfail still apply (a rule update that now rejects it, or a scanner
 *   failure, is not overruled by an earlier release).
 *
 *   action_apply runs the operations through ops in order and returns the status. A
 *   failed header operation is logged and skipped; a failed quarantine or reply turns
 *   the status into TEMPFAIL (the message must not pass silently).
 */
#ifndef FM_ACTION_H
#define FM_ACTION_H
#include <stdbool.h>
#include <stddef.h>
#include "core/config.h"
#include "model/failure.h"
#include "model/hit.h"
#include "mta/mta.h"
#include "policy/verdict.h"

#define ACT_REPORT_MAX 900
#define ACT_REPORT_TOP 8

typedef enum ACT_STATUS { ACT_ACCEPT, ACT_REJECT, ACT_TEMPFAIL, ACT_DISCARD } ACT_STATUS;
typedef enum ACT_KIND {
    ACT_DELHDR,
    ACT_ADDHDR,
    ACT_CHGHDR,
    ACT_QUARANTINE,
    ACT_REPLY,
    ACT_INSHDR, /* insert at index (0: the top) */
    ACT_DELRCPT /* remove the recipient `value` */
} ACT_KIND;

typedef struct ACT_OP {
    ACT_KIND kind;
    char *name;  /* header name; reply: rcode */
    int index;   /* DELHDR/CHGHDR: 1-based occurrence of name */
    char *value; /* header value; quarantine reason; reply text */
    char *xcode; /* reply only */
} ACT_OP;

typedef struct ACT_HDR {
    char *name;
    int index;
} ACT_HDR;

typedef struct ACT_INPUT {
    VERDICT verdict;
    double score;
    const char *ref, *ruleset_id;
    const HITS *hits;
    const CONFIG *cfg;
    MSG_ERRS errs;          /* failure causes (model/failure.h) */
    const ACT_HDR *inbound; /* inbound PREFIX-* headers */
    size_t ninbound;
    const char *subject;   /* first Subject value, without its leading space (NULL: none) */
    bool leadspc;          /* SMFIP_HDR_LEADSPC: header values we send start with a space */
    bool store;            /* a quarantine store is configured (quarantine_dir) */
    const char *released;  /* ref of a valid release header (quarantine.h), or NULL */
    size_t spoofed_over;   /* inbound PREFIX-* headers seen when over max_spoofed_headers, or 0 */
    const int *on_verdict; /* the policy's action per verdict (policyset.h), or NULL */
    const char *policy;    /* the policy's name ("default" is not written), or NULL */
    const char *const *delrcpt; /* recipients to remove (another policy stops them) */
    size_t ndelrcpt;
} ACT_INPUT;

typedef struct ACT_PLAN {
    ACT_OP *v;
    size_t n, cap;
    ACT_STATUS status;
    int action;       /* enum cfg_policy or ACT_DISCARD_TOKEN: what was done */
    int would;        /* tag-only: what enforce would have done */
    bool leadspc;     /* header values start with a space */
    bool store;       /* store the message in the quarantine before applying the plan */
    bool would_store; /* enforce mode would store it */
} ACT_PLAN;

ACT_PLAN *action_plan(const ACT_INPUT *in);
ACT_PLAN *action_plan_free(ACT_PLAN *p);
ACT_STATUS action_apply(const ACT_PLAN *p, const MTA_OPS *ops, void *ctx);
const char *action_name(int act);
#endif
