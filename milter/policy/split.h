/*
 * policy/split - one message whose recipients fall under different policies: which
 * policy's action the message gets, and which recipients are removed from it
 *
 * SYNOPSIS
 *   size_t split_decide(const SPLIT_GROUP *g, size_t n, bool store, bool *remove);
 *
 * DESCRIPTION
 *   After DATA the milter protocol can only act on the whole message (reject, tempfail,
 *   discard, hold, headers) or remove recipients (smfi_delrcpt); a single recipient can no
 *   longer be refused. The recipients are in groups, one per policy, each with the action
 *   its policy decided (g[i].action: enum cfg_policy or ACT_DISCARD_TOKEN; accept for mode
 *   off, whose g[i].planned is false). split_decide returns the group whose plan the message
 *   gets (the lead) and sets remove[i] for the groups whose recipients are removed:
 *
 *   1. every group decided the same: no removal; the lead is the first group that plans
 *      something (a mode-off group writes no header and removes no spoofed one);
 *   2. a group tempfails: the whole message is tempfailed (every recipient is tried again;
 *      a failure is temporary);
 *   3. some groups deliver (accept, tag) and every other group can be removed: those
 *      that discard, and those that reject when a quarantine store is configured (`store`:
 *      the caller keeps their copy there, so nothing is lost without trace), provided
 *      the caller knows all their recipients (g[i].known): the others are removed, the
 *      message goes to the deliverers with the plan of the strongest of them;
 *   4. otherwise the strictest action applies to the whole message, in the order accept <
 *      tag < tempfail < quarantine (hold) < reject < discard: a reject without a store is
 *      sent to the sender (who learns of it) rather than silently dropping those
 *      recipients, and a hold keeps the message for every recipient until an admin
 *      releases it.
 *   A tie in strength goes to the group that plans something, then to the first. Pure.
 */
#ifndef FM_SPLIT_H
#define FM_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct SPLIT_GROUP {
    int action;   /* enum cfg_policy or ACT_DISCARD_TOKEN */
    bool planned; /* false in mode off */
    bool known;   /* every recipient of the group can be named for removal */
} SPLIT_GROUP;

size_t split_decide(const SPLIT_GROUP *g, size_t n, bool store, bool *remove);

#endif
