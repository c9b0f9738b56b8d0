/*
 * core/log - levelled logging to stderr or syslog, with debug areas
 *
 * SYNOPSIS
 *   void log_open(const char *ident, bool to_stderr, int facility);
 *   void log_set_level(int level);  void log_set_debug(unsigned mask);
void log_expect(bool on);
 *   void log_error(fmt, ...);  log_warning  log_notice  log_info
 *   log_debug(area, fmt, ...)             (a macro: the mask is tested before formatting)
 *   void log_fatal(fmt, ...);  void log_panic(fmt, ...);     (do not return)
 *
 * DESCRIPTION
 *   Levels follow config.h's log_level (error, warning, notice, info, debug); messages
 *   below the level are dropped before formatting. log_debug(LOG_D_MIME, ...) logs only
 *   when that area is in the debug mask (log_debug in milter.conf), whatever log_level. Lines go to
 * stderr (prefixed with the ident, the level and a timestamp) or to syslog. Message lines start
 * with `ref=<id>` and go on in key=value form; callers sanitize sender text (str_sanitize) before
 * it gets here. log_fatal is for start-up errors only (never inside a milter callback): it logs and
 *   exits 1. log_panic is for bugs: it logs and aborts (core dump).
 *   The functions are thread-safe (one write per line).
 *   log_expect(true) ... log_expect(false) (nested, for tests): errors and warnings written to
 *   stderr meanwhile read "[warning]: (expected) ...", so a negative test's output does not
 *   look like a failure.
 */
#ifndef FM_LOG_H
#define FM_LOG_H

#include <stdbool.h>

enum {
    LOG_D_CONFIG = 1 << 0,
    LOG_D_MIME = 1 << 1,
    LOG_D_URL = 1 << 2,
    LOG_D_SCAN = 1 << 3,
    LOG_D_MILTER = 1 << 4,
    LOG_D_CACHE = 1 << 5,
};

extern unsigned log_debug_mask;

void log_open(const char *ident, bool to_stderr, int facility);
void log_set_level(int level);
void log_set_debug(unsigned mask);
void log_expect(bool on);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void log_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define log_debug(area, ...)                                                                       \
    do {                                                                                           \
        if (log_debug_mask & (area))                                                               \
            log_debug_emit(__VA_ARGS__);                                                           \
    } while (0)

#endif
