/*
 * policy/verdict - message verdict from score and thresholds (pure policy)
 *
 * SYNOPSIS
 *   VERDICT verdict_from_score(double score, double tag, double quarantine, double reject);
 *   const char *verdict_name(VERDICT v);
 *
 * DESCRIPTION
 *   clean below `tag`, tag from `tag`, quarantine from `quarantine`, reject from `reject`
 *   (thresholds come from milter.conf, checked tag <= quarantine <= reject at load).
 *   verdict_name gives the report token: clean, tag, quarantine, reject.
 */
#ifndef FM_VERDICT_H
#define FM_VERDICT_H

typedef enum VERDICT { VERDICT_CLEAN, VERDICT_TAG, VERDICT_QUARANTINE, VERDICT_REJECT } VERDICT;

VERDICT verdict_from_score(double score, double tag, double quarantine, double reject);
const char *verdict_name(VERDICT v);

#endif
