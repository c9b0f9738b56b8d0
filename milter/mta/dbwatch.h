/*
 * mta/dbwatch - reload the rules when freshclam updates the official ClamAV databases
 *
 * SYNOPSIS
 *   DBWATCH *dbwatch_start(void (*changed)(void));   DBWATCH *dbwatch_stop(DBWATCH *w);
 *
 * DESCRIPTION
 *   A thread that wakes every clamav_db_check seconds (of the current ruleset's config; a
 *   reload may change it), computes the stamp of clamav_db_dir (core/clamdb.h) and calls
 *   changed() when it differs from the stamp the current ruleset was built with: a new
 *   daily.cld, a database folder that appeared (auto) or went away. changed() only asks
 *   the daemon's reloader (the same path as SIGHUP), so a check never blocks mail; a reload
 *   that fails keeps the old rules and is asked for again at the next check, which also
 *   covers a folder caught in the middle of an update. With clamav_db_check = 0 the thread
 *   only sleeps. dbwatch_stop ends the thread and waits for it; it accepts NULL and
 *   returns NULL.
 */
#ifndef FM_DBWATCH_H
#define FM_DBWATCH_H

typedef struct DBWATCH DBWATCH;

DBWATCH *dbwatch_start(void (*changed)(void));
DBWATCH *dbwatch_stop(DBWATCH *w);

#endif
