/*
 * budget - the work budget of one message: CPU time and bytes unpacked
 *
 * SYNOPSIS
 *   void budget_start(BUDGET *b, int64_t max_cpu_ms, int64_t max_bytes);
 *   bool budget_spend(BUDGET *b, size_t bytes);
 *   bool budget_spent(BUDGET *b);
 *   void budget_report(BUDGET *b, HITS *hits, const char *location);
 *
 * DESCRIPTION
 *   A message may cost at most max_cpu_ms of the scanning thread's CPU time
 *   (CLOCK_THREAD_CPUTIME_ID, counted from budget_start) and max_bytes of unpacked
 *   content (libclamav layers, libarchive members, decoded layers; repeats included,
 *   since unpacking them cost the same). A value <= 0 means no bound of that kind.
 *   budget_spend adds bytes and returns true while the budget holds; budget_spent
 *   only checks. Once spent, a budget stays spent: every later layer, member and part
 *   is skipped by the caller, and budget_report adds LIMIT_WORK_BUDGET once (at the
 *   place where the scan stopped), saying which bound ran out, so a scan that skipped
 *   content always says why.
 */
#ifndef FM_SCAN_BUDGET_H
#define FM_SCAN_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/hit.h"

typedef struct BUDGET {
    double start_ms;   /* thread CPU time at budget_start */
    double max_cpu_ms; /* <= 0: unbounded */
    uint64_t bytes;
    uint64_t max_bytes; /* 0: unbounded */
    bool spent;
    bool reported;
    bool by_cpu; /* which bound ran out first */
} BUDGET;

void budget_start(BUDGET *b, int64_t max_cpu_ms, int64_t max_bytes);
bool budget_spend(BUDGET *b, size_t bytes);
bool budget_spent(BUDGET *b);
void budget_report(BUDGET *b, HITS *hits, const char *location);

#endif
