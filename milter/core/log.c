/*
 * core/log - levelled logging (see core/log.h)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"

unsigned log_debug_mask;
static int log_level = CFG_LOG_INFO;
static bool log_stderr = true;
static const char *log_ident = "fileless-milter";
static _Atomic int log_expecting; /* log_expect: mark stderr warnings and errors as expected */

/* log_open - choose the sink; call once at start-up */
void log_open(const char *ident, bool to_stderr, int facility)
{
    log_ident = ident;
    log_stderr = to_stderr;
    if (!to_stderr)
        openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

/* log_set_level - drop messages below this level */
void log_set_level(int level)
{
    log_level = level;
}

/* log_set_debug - set the debug areas logged whatever the level */
void log_set_debug(unsigned mask)
{
    log_debug_mask = mask;
}

/* log_expect - see core/log.h */
void log_expect(bool on)
{
    log_expecting += on ? 1 : -1;
}

/* log_emit - format and write one line at a level */
static void log_emit(int level, const char *fmt, va_list ap)
{
    static const char *const names[] = {"error", "warning", "notice", "info", "debug"};
    static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
    if (level > log_level && level != CFG_LOG_DEBUG)
        return;
    char line[4096];
    vsnprintf(line, sizeof(line), fmt, ap);
    if (!log_stderr) {
        syslog(prio[level], "%s", line);
        return;
    }
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
    bool expected = log_expecting > 0 && level <= CFG_LOG_WARNING;
    fprintf(stderr, "%s %s[%s]: %s%s\n", ts, log_ident, names[level], expected ? "(expected) " : "",
            line);
}

#define LOG_FN(fn, level)                                                                          \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_emit(level, fmt, ap);                                                                  \
        va_end(ap);                                                                                \
    }

/* log_error, log_warning, log_notice, log_info, log_debug_emit - one line at a level */
LOG_FN(log_error, CFG_LOG_ERROR)
LOG_FN(log_warning, CFG_LOG_WARNING)
LOG_FN(log_notice, CFG_LOG_NOTICE)
LOG_FN(log_info, CFG_LOG_INFO)
LOG_FN(log_debug_emit, CFG_LOG_DEBUG)

/* log_fatal - start-up error: log and exit 1 */
void log_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(CFG_LOG_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}

/* log_panic - a bug: log and dump core */
void log_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit(CFG_LOG_ERROR, fmt, ap);
    va_end(ap);
    abort();
}
