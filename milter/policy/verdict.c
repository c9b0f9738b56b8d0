/*
 * policy/verdict - score to verdict (see policy/verdict.h)
 */
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
