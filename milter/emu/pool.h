/*
 * pool - the milter's side of the emulation helpers: pre-spawned fileless-emu workers,
 *        one request at a time each, a watchdog that kills a worker past its time
 *
 * SYNOPSIS
 *   void emu_pool_configure(const char *helper, unsigned workers, unsigned memory_mib);
 *   int emu_pool_run(const EVLOG_REQUEST *r, emu_event_fn fn, void *ctx, EMU_OUTCOME *o);
 *   int emu_pool_check(BUF *err);
 *   void emu_pool_shutdown(void);
 *   void emu_pool_counts(unsigned long long *run, unsigned long long *limit,
 *                        unsigned long long *crash);
 *
 * DESCRIPTION
 *   emu_pool_configure sets the helper path ("" = fileless-emu next to the running
 *   executable), the number of workers and the memory cap each is started with. Workers
 *   start on first use (after the daemon has detached) and are spawned with posix_spawn
 *   (safe in a threaded process), their request and event pipes on fd 0 and 1; a new
 *   worker is used once it has said "ready" (at most EMU_START_MS), so that start-up
 *   never counts against a script's time.
 *
 *   emu_pool_run takes an idle worker, waiting for one at most as long as the watchdog
 *   lets a running job hold it (a worker is free by then; EMU_BUSY past it), writes the
 *   request and reads event frames until the END frame, handing each CALL and LAYER event
 *   to fn. The helper stops a script after r->ms of CPU time; the watchdog is wall-clock
 *   time, r->ms plus three times r->ms plus EMU_GRACE_MS (room for a loaded host): past it
 *   the worker is killed with SIGKILL (EMU_KILLED; the events read so far were already
 *   handed over). A worker that dies or talks nonsense is EMU_CRASHED. A dead, killed or
 *   retired worker is replaced at once, so the next script finds one ready. The outcome
 *   holds the status, the helper's message and the elapsed time; the return value is the
 *   status. Metrics: runs, limits (timeout, memory, killed) and crashes.
 *
 *   emu_pool_check (for -n) starts one helper, runs `1` in it and says whether the
 *   answer came back; emu_pool_shutdown kills and reaps every worker. emu_pool_counts gives
 *   how many scripts ran, how many hit a limit (deadline, memory, watchdog) and how many
 *   crashed their helper (or found none), for the metrics page (mta/metrics).
 */
#ifndef FM_EMU_POOL_H
#define FM_EMU_POOL_H

#include "emu/evlog.h"
#include "lib/buf.h"

#define EMU_MAX_WORKERS 64
#define EMU_GRACE_MS    100
#define EMU_WORKER_JOBS 64
#define EMU_START_MS    10000 /* a new helper's start-up (exec, sandbox, host compiled) */

typedef enum EMU_STATUS {
    EMU_OK,         /* the script ran to its end (or threw: status text "exception") */
    EMU_TIMEOUT,    /* the helper stopped it at its deadline */
    EMU_MEMORY,     /* over its memory budget */
    EMU_SYNTAX,     /* the interpreter could not compile it */
    EMU_KILLED,     /* the watchdog killed the helper */
    EMU_CRASHED,    /* the helper died or broke the protocol */
    EMU_BUSY,       /* no worker became free in time */
    EMU_UNAVAILABLE /* the helper could not be started */
} EMU_STATUS;

typedef struct EMU_OUTCOME {
    EMU_STATUS status;
    char text[32]; /* the helper's status word: ok, quit, exception, timeout ... */
    char msg[160]; /* its message, or ours */
    double ms;
    unsigned events;  /* CALL and LAYER frames received */
    unsigned dropped; /* events the helper dropped over its caps */
} EMU_OUTCOME;

typedef void (*emu_event_fn)(void *ctx, const EVLOG_EVENT *ev);

void emu_pool_configure(const char *helper, unsigned workers, unsigned memory_mib);
EMU_STATUS emu_pool_run(const EVLOG_REQUEST *r, emu_event_fn fn, void *ctx, EMU_OUTCOME *o);
int emu_pool_check(BUF *err);
void emu_pool_shutdown(void);
void emu_pool_counts(unsigned long long *run, unsigned long long *limit, unsigned long long *crash);

#endif
