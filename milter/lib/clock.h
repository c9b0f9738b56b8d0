/*
 * lib/clock - the monotonic clock in milliseconds
 *
 * SYNOPSIS
 *   double now_ms(void);
 *
 * DESCRIPTION
 *   now_ms returns CLOCK_MONOTONIC in milliseconds (with the fraction): for deadlines and
 *   durations, never for dates. Thread-safe; it cannot fail on Linux.
 */
#ifndef FM_LIB_CLOCK_H
#define FM_LIB_CLOCK_H

double now_ms(void);

#endif
