/*
 * policy/verdict - score to verdict, verdict and failure causes to the action, under the
 * mode (see policy/verdict.h)
 */
#include <stddef.h>

#include "policy/verdict.h"

/* verdict_from_score - compare against the thresholds, strongest first */
VERDICT verdict_from_score(double score, double tag, double quarantine, double reject)
{
    if (score >= reject)
        return VERDICT_REJECT;
    if (score >= quarantine)
        return VERDICT_QUARANTINE;
    if (score >= tag)
        return VERDICT_TAG;
    return VERDICT_CLEAN;
}

/* verdict_name - report token */
const char *verdict_name(VERDICT v)
{
    static const char *const names[] = {"clean", "tag", "quarantine", "reject"};
    return names[v];
}

/* verdict_natural - the verdict's own action (see verdict.h) */
int verdict_natural(VERDICT v)
{
    static const int actions[] = {CFG_POL_ACCEPT, CFG_POL_TAG, CFG_POL_QUARANTINE, CFG_POL_REJECT};
    return actions[v];
}

/* verdict_failure_policy - the strongest on_* policy of the causes, or -1 */
int verdict_failure_policy(const CONFIG *c, MSG_ERRS errs)
{
    const struct {
        MSG_ERRS causes;
        int policy;
    } pol[] = {
        {MSG_ERR_BIT(MSG_ERR_SCANNER), c->on_scanner_error},
        {MSG_ERR_BIT(MSG_ERR_PARSE), c->on_parse_error},
        {MSG_ERR_BIT(MSG_ERR_LIMIT_MESSAGE_SIZE), c->on_oversize},
        {MSG_ERRS_TIMEOUT, c->on_timeout},
        {MSG_ERR_BIT(MSG_ERR_INTERNAL), c->on_internal_error},
        {MSG_ERR_BIT(MSG_ERR_CACHE), c->on_cache_error},
        {MSG_ERRS_ON_LIMIT, c->on_limit},
    };
    int act = -1;
    for (size_t i = 0; i < sizeof(pol) / sizeof(pol[0]); i++)
        if ((errs & pol[i].causes) && pol[i].policy > act)
            act = pol[i].policy;
    return act;
}

/* decide - the enforce-mode action; *store when the message goes to the store first */
static int decide(const CONFIG *c, const VERDICT_IN *in, int natural, bool *store)
{
    int act = natural;
    int fail = verdict_failure_policy(c, in->errs);
    if (fail > act)
        act = fail;
    *store = false;
    /* discard_verdicts replaces the verdict's own action, not a failure policy's */
    if (in->verdict != VERDICT_CLEAN && act == natural &&
        (c->discard_verdicts & (1u << (in->verdict - 1))))
        return ACT_DISCARD_TOKEN;
    if (act == CFG_POL_QUARANTINE && in->released)
        return CFG_POL_TAG;
    if (act == CFG_POL_REJECT && c->quarantine_rejects && in->store &&
        !(in->errs & MSG_ERR_BIT(MSG_ERR_QUARANTINE))) {
        *store = true; /* kept for review; the reply stays a reject */
        return act;
    }
    if (act != CFG_POL_QUARANTINE)
        return act;
    if (in->store && (in->errs & MSG_ERR_BIT(MSG_ERR_QUARANTINE)))
        return c->on_quarantine_error; /* its quarantine: the hold queue */
    *store = in->store;
    int qa = c->quarantine_action;
    if (qa == CFG_QA_AUTO)
        qa = in->store ? CFG_QA_DISCARD : CFG_QA_HOLD;
    if (qa == CFG_QA_REJECT)
        return CFG_POL_REJECT;
    return qa == CFG_QA_DISCARD ? ACT_DISCARD_TOKEN : CFG_POL_QUARANTINE;
}

/* verdict_action - the action for the message under the mode (see policy/verdict.h) */
VERDICT_ACTION verdict_action(const CONFIG *c, const VERDICT_IN *in)
{
    VERDICT_ACTION out = {.action = CFG_POL_ACCEPT,
                          .would = CFG_POL_ACCEPT,
                          .natural = in->on_verdict ? in->on_verdict[in->verdict]
                                                    : verdict_natural(in->verdict),
                          .store = false,
                          .plan = c->mode != CFG_MODE_OFF};
    if (!out.plan)
        return out;
    bool store = false;
    out.would = out.action = decide(c, in, out.natural, &store);
    out.would_store = store;
    if (c->mode == CFG_MODE_TAG_ONLY)
        out.action = out.would == CFG_POL_ACCEPT ? CFG_POL_ACCEPT : CFG_POL_TAG;
    else
        out.store = store;
    return out;
}

/* verdict_action_label - the action counted in the log line and the metrics: a message
 * kept in the quarantine store and dropped by the MTA (quarantine_action auto/discard) is
 * a quarantine, not a discard */
int verdict_action_label(int action, bool stored)
{
    return stored && action == ACT_DISCARD_TOKEN ? CFG_POL_QUARANTINE : action;
}
