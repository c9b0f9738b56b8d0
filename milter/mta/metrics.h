/*
 * mta/metrics - process-wide counters and latency histograms, as Prometheus text
 *
 * SYNOPSIS
 *   void metrics_message(const METRICS_MSG *m);
 *   void metrics_count(METRICS_COUNTER which, unsigned n);
 *   void metrics_render(BUF *out, const char *ruleset_id);
 *   void metrics_reset(void);                                   (tests)
 *
 * DESCRIPTION
 *   metrics_message records one finished message: its verdict and action (counted by
 *   name), the failure causes that were set (ACT_F_* bits), its size, and two latencies
 *   in a histogram each: the whole end-of-message stage (ms) and the scan alone
 *   (ms_scan). metrics_count adds to the other counters (cache lookups by result,
 *   reloads, failed reloads, connections). All are thread-safe (one mutex; a message
 *   takes it once).
 *
 *   metrics_render appends the Prometheus text exposition format (version 0.0.4):
 *   fileless_messages_total{verdict}, fileless_actions_total{action},
 *   fileless_failures_total{cause}, fileless_message_bytes_total,
 *   fileless_cache_lookups_total{result}, fileless_reloads_total{result},
 *   fileless_connections_total, fileless_message_seconds and fileless_scan_seconds
 *   histograms (cumulative buckets, _sum, _count), fileless_abandoned_scans (scans
 *   still running past scan_timeout) and fileless_ruleset_info{id} = 1. The daemon
 *   serves it on metrics_listen (httpd.c).
 */
#ifndef FM_METRICS_H
#define FM_METRICS_H

#include <stddef.h>

#include "lib/buf.h"

typedef enum METRICS_COUNTER {
    METRICS_CACHE_HIT,
    METRICS_CACHE_MISS,
    METRICS_CACHE_ERROR,
    METRICS_RELOAD_OK,
    METRICS_RELOAD_FAILED,
    METRICS_CONNECTION,
    METRICS_EMU_RUN,   /* scripts emulated */
    METRICS_EMU_LIMIT, /* ... that hit the deadline, the memory cap or the watchdog */
    METRICS_EMU_CRASH, /* ... that crashed the helper (or found none) */
    METRICS_NCOUNTERS
} METRICS_COUNTER;

typedef struct METRICS_MSG {
    int verdict;    /* VERDICT */
    int action;     /* action token (action_name) */
    unsigned flags; /* ACT_F_* failure causes */
    size_t size;
    double ms, ms_scan;
} METRICS_MSG;

void metrics_message(const METRICS_MSG *m);
void metrics_count(METRICS_COUNTER which, unsigned n);
void metrics_render(BUF *out, const char *ruleset_id);
void metrics_reset(void);

#endif
