/*
 * budget - the work budget of one message (contract in budget.h)
 *
 * CPU time is the scanning thread's own (a message is scanned by one thread, and
 * libclamav's callbacks run on it), so other messages scanned in parallel do not
 * count against it. Reading the clock costs a system call, well below the cost of
 * unpacking the layer it is read for.
 */
#include <time.h>

#include "model/failure.h"
#include "scan/budget.h"

/* cpu_ms - CPU time of this thread in milliseconds */
static double cpu_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* budget_start - a fresh budget counted from now */
void budget_start(BUDGET *b, int64_t max_cpu_ms, int64_t max_bytes)
{
    *b = (BUDGET){.start_ms = cpu_ms(),
                  .max_cpu_ms = max_cpu_ms > 0 ? (double)max_cpu_ms : 0,
                  .max_bytes = max_bytes > 0 ? (uint64_t)max_bytes : 0};
}

/* budget_spent - true once either bound ran out (and from then on) */
bool budget_spent(BUDGET *b)
{
    if (b == NULL)
        return false;
    if (!b->spent && b->max_cpu_ms > 0 && cpu_ms() - b->start_ms > b->max_cpu_ms)
        b->spent = b->by_cpu = true;
    return b->spent;
}

/* budget_spend - count bytes unpacked; true while the budget holds */
bool budget_spend(BUDGET *b, size_t bytes)
{
    if (b == NULL)
        return true;
    b->bytes += bytes;
    if (!b->spent && b->max_bytes > 0 && b->bytes > b->max_bytes)
        b->spent = true;
    return !budget_spent(b);
}

/* budget_report - LIMIT_WORK_BUDGET once, at location */
void budget_report(BUDGET *b, HITS *hits, const char *location)
{
    if (b == NULL || !b->spent || b->reported)
        return;
    b->reported = true;
    if (b->by_cpu)
        failure_hit(hits, MSG_ERR_LIMIT_WORK_BUDGET, location,
                    "max_work_cpu (%.0f ms of CPU) spent: the rest of the message was not scanned",
                    b->max_cpu_ms);
    else
        failure_hit(hits, MSG_ERR_LIMIT_WORK_BUDGET, location,
                    "max_work_bytes (%llu bytes unpacked) spent: the rest of the message was not "
                    "scanned",
                    (unsigned long long)b->max_bytes);
}
