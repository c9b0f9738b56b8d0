/*
 * policy/score - symbol weights from rules/scoring.conf, and the message score
 *
 * SYNOPSIS
 *   SCORES *scores_load(const char *path, BUF *err);   SCORES *scores_free(SCORES *s);
 *   const SCORE_ENTRY *scores_find(const SCORES *s, const char *symbol);
 *   double score_hits(const SCORES *s, HITS *hits);
 *   int score_forced(const SCORES *s, const HITS *hits);
 *
 * DESCRIPTION
 *   scoring.conf has one symbol per line:
 *   `SYMBOL  WEIGHT  CAP  [@CAPS]  [=GROUP+GROUP]  [^NAME]  [!VERDICT]  description...`,
 *   where CAP is `-` for none or the most all hits of that symbol may add together, @CAPS
 *   the capabilities the finding stands for (model/cap.h, e.g. `@DOWNLOAD,EXECUTE`),
 *   =GROUP+GROUP makes the symbol a chain (policy/chain.h: each group is CAP|CAP, one of
 *   which the attachment must hold), ^NAME puts the symbol in a group counted once per
 *   message (`^name`: file names and types are one fact), and the optional !tag,
 *   !quarantine or !reject is a hard verdict: a message with such a hit gets at least that
 *   verdict whatever its score (a ClamAV virus name, an IOC hash). A symbol ending in `*`
 *   (CLAMAV_*, YARA_*) is a family default for dynamic symbols; an exact entry wins over a
 *   family. Lines starting with `#` and blank lines are ignored. scores_load returns NULL
 *   with `FILE:LINE: reason` in err on a bad line, a duplicate symbol or a missing file.
 *
 *   score_hits sets each hit's weight (its preset when it carries one, else the table's;
 *   0 for a symbol without an entry) applying caps in hit order; a symbol scores once along
 *   a chain of decoded layers (`x.js` and `x.js>decoded:concat` are one finding); it
 *   returns the sum. score_forced returns the strongest hard verdict
 *   of the hits, or -1. Pure: no I/O.
 */
#ifndef FM_SCORE_H
#define FM_SCORE_H

#include <stddef.h>

#include "lib/buf.h"
#include "model/hit.h"

#define CHAIN_GROUPS_MAX 6

typedef struct SCORE_ENTRY {
    char *symbol;
    double weight;
    double cap;    /* < 0: none */
    int force;     /* hard verdict (VERDICT_TAG..VERDICT_REJECT) a hit forces, or -1 */
    unsigned caps; /* capabilities (model/cap.h CAP_SET) the finding stands for */
    /* a chain (`=A+B|C`): fires in an attachment holding one capability of every group */
    unsigned need[CHAIN_GROUPS_MAX];
    int nneed;   /* 0: not a chain */
    char *group; /* `^name`: hits of one group count once per message (policy/chain.c), or NULL */
    char *description;
} SCORE_ENTRY;

typedef struct SCORES {
    SCORE_ENTRY *v;
    size_t n, cap;
} SCORES;

SCORES *scores_load(const char *path, BUF *err);
SCORES *scores_free(SCORES *s);
const SCORE_ENTRY *scores_find(const SCORES *s, const char *symbol);
double score_hits(const SCORES *s, HITS *hits);
int score_forced(const SCORES *s, const HITS *hits);

#endif
