/*
 * mta/daemon - the milter daemon: socket, privileges, pidfile, signals, serving
 *
 * SYNOPSIS
 *   int daemon_run(RULESET *rs, bool foreground);
 *
 * DESCRIPTION
 *   daemon_run takes ownership of rs (installs it as the current ruleset), binds the
 *   socket of rs->cfg (socket, socket_mode for a unix socket), detaches unless
 *   foreground (then logs to syslog), writes the pidfile, creates the quarantine store's
 *   tree when quarantine_dir is set (0700, handed to `user`), drops to `user` when set,
 *   and serves until SIGTERM or SIGINT; it returns the exit status (0 clean stop, 1 on
 *   a start-up failure, logged with the reason).
 *
 *   Signals: libmilter's own signal thread stops smfi_main on SIGHUP, SIGTERM and
 *   SIGINT. To keep SIGHUP for reloading, smfi_main runs on a second thread and the
 *   main thread waits for HUP, TERM, INT and USR1 with sigwait. Linux hands a signal
 *   sent to the process to its main thread when that thread is waiting for it, so
 *   libmilter's thread does not see them; the main thread therefore never does slow
 *   work: HUP and USR1 wake a reloader thread (ruleset_reload; on failure the old
 *   ruleset stays, and the reason is logged; requests during a reload merge into one).
 *   TERM and INT are sent again to the process once the main thread stops waiting, so
 *   libmilter's signal thread gets them and stops in its own way: no new connections,
 *   and smfi_main returns after the connections in flight are done. The pidfile and a
 *   unix socket are removed on exit.
 */
#ifndef FM_DAEMON_H
#define FM_DAEMON_H
#include <stdbool.h>
#include "core/ruleset.h"
int daemon_run(RULESET *rs, bool foreground);
#endif
