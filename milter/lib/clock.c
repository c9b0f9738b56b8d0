/*
 * lib/clock - the monotonic clock in milliseconds (contract in lib/clock.h)
 */
#include <time.h>

#include "lib/clock.h"

/* now_ms - CLOCK_MONOTONIC in milliseconds */
double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
