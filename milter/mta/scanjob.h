/*
 * mta/scanjob - analyse a message on a worker thread, under a deadline, telling the MTA we are
 *           still working while it runs
 *
 * SYNOPSIS
 *   MSG *scanjob_run(MSG *m, SPOOL **spool, RULESET *rs, const SCANJOB_WAIT *w);
 *   unsigned scanjob_abandoned(void);   unsigned scanjob_running(void);
 *
 * DESCRIPTION
 *   scanjob_run runs msg_analyse over the spooled message into m (a fresh MSG from
 *   msg_new, with its envelope set; the job owns it until it returns) on a new thread while the
 *   calling thread (a milter callback) waits. Every w->progress_ms it calls
 *   w->progress(w->arg) (smfi_progress through MTA_OPS: the MTA restarts its timeout), so
 *   a long scan never trips Postfix's milter_content_timeout. The MSG gets the deadline
 *   too (m->deadline_ms), so the engines stop between parts with LIMIT_SCAN_TIME.
 *
 *   On success it returns m, analysed (the caller owns it again), and gives the spool back
 *   in *spool. When w->timeout_ms passes first it returns NULL and *spool is NULL: the
 *   worker keeps m, the spool and a reference to rs, finishes on its own (no thread can be
 *   cancelled safely inside libclamav or YARA) and frees everything; the caller applies
 *   on_timeout. scanjob_abandoned counts workers still running past their deadline
 *   (logged and exposed, so an admin sees a rule that hangs); scanjob_running counts every
 *   scan thread not yet ended (the daemon waits for them before it frees shared state).
 *
 *   If no thread can be created the scan runs on the caller's thread (no progress calls).
 */
#ifndef FM_SCANJOB_H
#define FM_SCANJOB_H

#include "msg.h"
#include "core/ruleset.h"
#include "mta/spool.h"

typedef struct SCANJOB_WAIT {
    double timeout_ms;  /* scan_timeout */
    double progress_ms; /* progress_interval */
    int (*progress)(void *arg);
    void *arg;
} SCANJOB_WAIT;

MSG *scanjob_run(MSG *m, SPOOL **spool, RULESET *rs, const SCANJOB_WAIT *w);
unsigned scanjob_abandoned(void);
unsigned scanjob_running(void);

#endif
