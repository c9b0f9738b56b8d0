/*
 * mta/metrics - counters and histograms in Prometheus text form (see mta/metrics.h)
 */
#include <pthread.h>
#include <string.h>

#include "policy/action.h"
#include "emu/pool.h"
#include "mta/metrics.h"
#include "mta/scanjob.h"
#include "policy/verdict.h"

#define NVERDICTS 4
#define NACTIONS  (ACT_DISCARD_TOKEN + 1)

/* latency bucket bounds in seconds; +Inf is implicit */
static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                1,     2.5,  5,     10,   30,  60,   120};
#define NBUCKETS (sizeof(bounds) / sizeof(bounds[0]))

typedef struct HISTO {
    unsigned long long bucket[NBUCKETS + 1]; /* per bucket, not cumulative; last: +Inf */
    double sum;
    unsigned long long count;
} HISTO;

/* the failure causes counted, by label */
static const struct {
    MSG_ERRS causes;
    const char *name;
} causes[] = {{MSG_ERR_BIT(MSG_ERR_SCANNER), "scanner"},
              {MSG_ERR_BIT(MSG_ERR_PARSE), "parse"},
              {MSG_ERR_BIT(MSG_ERR_LIMIT_MESSAGE_SIZE), "oversize"},
              {MSG_ERRS_TIMEOUT, "timeout"},
              {MSG_ERR_BIT(MSG_ERR_INTERNAL), "internal"}};
#define NCAUSES (sizeof(causes) / sizeof(causes[0]))

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    unsigned long long verdicts[NVERDICTS], actions[NACTIONS], failures[NCAUSES], bytes;
    unsigned long long counters[METRICS_NCOUNTERS];
    HISTO total, scan;
} m;

/* observe - one latency (ms) into a histogram */
static void observe(HISTO *h, double ms)
{
    double s = ms / 1e3;
    size_t i = 0;
    while (i < NBUCKETS && s > bounds[i])
        i++;
    h->bucket[i]++;
    h->sum += s;
    h->count++;
}

/* metrics_message - one finished message */
void metrics_message(const METRICS_MSG *x)
{
    pthread_mutex_lock(&lock);
    if (x->verdict >= 0 && x->verdict < NVERDICTS)
        m.verdicts[x->verdict]++;
    if (x->action >= 0 && x->action < NACTIONS)
        m.actions[x->action]++;
    for (size_t i = 0; i < NCAUSES; i++)
        if (x->errs & causes[i].causes)
            m.failures[i]++;
    m.bytes += x->size;
    observe(&m.total, x->ms);
    observe(&m.scan, x->ms_scan);
    pthread_mutex_unlock(&lock);
}

/* metrics_count - add n to a counter */
void metrics_count(METRICS_COUNTER which, unsigned n)
{
    pthread_mutex_lock(&lock);
    m.counters[which] += n;
    pthread_mutex_unlock(&lock);
}

/* metrics_reset - all to zero (tests) */
void metrics_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(&m, 0, sizeof(m));
    pthread_mutex_unlock(&lock);
}

/* family - the HELP and TYPE lines of a metric */
static void family(BUF *out, const char *name, const char *type, const char *help)
{
    buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* render_histo - cumulative buckets, sum and count */
static void render_histo(BUF *out, const char *name, const char *help, const HISTO *h)
{
    family(out, name, "histogram", help);
    unsigned long long cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += h->bucket[i];
        buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, bounds[i], cum);
    }
    cum += h->bucket[NBUCKETS];
    buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name, cum, name,
               h->sum, name, h->count);
}

/* render_counters - the labelled counters */
static void render_counters(BUF *out)
{
    family(out, "fileless_messages_total", "counter", "Messages scanned, by verdict.");
    for (int v = 0; v < NVERDICTS; v++)
        buf_printf(out, "fileless_messages_total{verdict=\"%s\"} %llu\n", verdict_name((VERDICT)v),
                   m.verdicts[v]);
    family(out, "fileless_actions_total", "counter", "Actions taken, by action.");
    for (int a = 0; a < NACTIONS; a++)
        buf_printf(out, "fileless_actions_total{action=\"%s\"} %llu\n", action_name(a),
                   m.actions[a]);
    family(out, "fileless_failures_total", "counter",
           "Messages with a failure cause (each cause counted once per message).");
    for (size_t i = 0; i < NCAUSES; i++)
        buf_printf(out, "fileless_failures_total{cause=\"%s\"} %llu\n", causes[i].name,
                   m.failures[i]);
    family(out, "fileless_message_bytes_total", "counter", "Bytes of messages received.");
    buf_printf(out, "fileless_message_bytes_total %llu\n", m.bytes);
    family(out, "fileless_cache_lookups_total", "counter", "Part verdict cache lookups.");
    buf_printf(out,
               "fileless_cache_lookups_total{result=\"hit\"} %llu\n"
               "fileless_cache_lookups_total{result=\"miss\"} %llu\n"
               "fileless_cache_lookups_total{result=\"error\"} %llu\n",
               m.counters[METRICS_CACHE_HIT], m.counters[METRICS_CACHE_MISS],
               m.counters[METRICS_CACHE_ERROR]);
    family(out, "fileless_reloads_total", "counter", "Rule reloads (SIGHUP), by result.");
    buf_printf(out,
               "fileless_reloads_total{result=\"ok\"} %llu\n"
               "fileless_reloads_total{result=\"failed\"} %llu\n",
               m.counters[METRICS_RELOAD_OK], m.counters[METRICS_RELOAD_FAILED]);
    family(out, "fileless_connections_total", "counter", "MTA connections accepted.");
    buf_printf(out, "fileless_connections_total %llu\n", m.counters[METRICS_CONNECTION]);
    family(out, "fileless_connections_refused_total", "counter",
           "Connections refused over max_connections.");
    buf_printf(out, "fileless_connections_refused_total %llu\n", m.counters[METRICS_CONN_REFUSED]);
    family(out, "fileless_connections_dropped_total", "counter",
           "Connections closed before any negotiation (idle past milter_timeout).");
    buf_printf(out, "fileless_connections_dropped_total %llu\n", m.counters[METRICS_CONN_DROPPED]);
    unsigned long long emu_run;
    unsigned long long emu_limit;
    unsigned long long emu_crash;
    emu_pool_counts(&emu_run, &emu_limit, &emu_crash);
    family(out, "fileless_emulations_total", "counter",
           "Scripts run by the emulation helpers, and how many of them hit a limit (deadline, "
           "memory, watchdog) or crashed the helper.");
    buf_printf(out,
               "fileless_emulations_total{result=\"run\"} %llu\n"
               "fileless_emulations_total{result=\"limit\"} %llu\n"
               "fileless_emulations_total{result=\"crash\"} %llu\n",
               emu_run, emu_limit, emu_crash);
}

/* metrics_render - the whole exposition */
void metrics_render(BUF *out, const char *ruleset_id)
{
    pthread_mutex_lock(&lock);
    render_counters(out);
    render_histo(out, "fileless_message_seconds",
                 "End-of-message latency added to the MTA (scan, verdict, actions).", &m.total);
    render_histo(out, "fileless_scan_seconds", "Time spent scanning one message.", &m.scan);
    pthread_mutex_unlock(&lock);
    family(out, "fileless_abandoned_scans", "gauge",
           "Scans still running after their scan_timeout was given up.");
    buf_printf(out, "fileless_abandoned_scans %u\n", scanjob_abandoned());
    family(out, "fileless_ruleset_info", "gauge", "The rules in use (id = cache key version).");
    buf_printf(out, "fileless_ruleset_info{id=\"%s\"} 1\n", ruleset_id ? ruleset_id : "");
}
