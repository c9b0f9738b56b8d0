/*
 * policy/split - recipients under different policies: the lead group and the removals
 * (see policy/split.h)
 */
#include "policy/split.h"
#include "core/config.h"
#include "policy/verdict.h"

/* stronger - a beats b for the lead: action, then planning something; ties to the first */
static bool stronger(const SPLIT_GROUP *a, const SPLIT_GROUP *b)
{
    if (a->action != b->action)
        return a->action > b->action;
    return a->planned && !b->planned;
}

/* split_decide - see split.h */
size_t split_decide(const SPLIT_GROUP *g, size_t n, bool store, bool *remove)
{
    size_t lead = 0;
    size_t deliver = n;
    size_t tempfail = n;
    bool same = true;
    bool removable = true;
    for (size_t i = 0; i < n; i++) {
        remove[i] = false;
        same = same && g[i].action == g[0].action;
        if (stronger(&g[i], &g[lead]))
            lead = i;
        if (g[i].action == CFG_POL_TEMPFAIL && tempfail == n)
            tempfail = i;
        if (g[i].action == CFG_POL_ACCEPT || g[i].action == CFG_POL_TAG) {
            if (deliver == n || stronger(&g[i], &g[deliver]))
                deliver = i;
        } else if (!g[i].known || !(g[i].action == ACT_DISCARD_TOKEN ||
                                    (g[i].action == CFG_POL_REJECT && store))) {
            removable = false;
        }
    }
    if (same)
        return lead; /* 1 */
    if (tempfail < n)
        return tempfail;            /* 2 */
    if (deliver < n && removable) { /* 3 */
        for (size_t i = 0; i < n; i++)
            remove[i] = g[i].action != CFG_POL_ACCEPT && g[i].action != CFG_POL_TAG;
        return deliver;
    }
    return lead; /* 4 */
}
