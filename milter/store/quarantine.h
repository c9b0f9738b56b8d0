/*
 * store/quarantine - the quarantine store: atomic files under quarantine_dir, list, load, purge
 *
 * SYNOPSIS
 *   int quarantine_prepare(const char *dir, long uid, long gid, BUF *err);
 *   int quarantine_store(const char *dir, int64_t max_bytes, const QMETA *m,
 *                        const char *raw, size_t len, BUF *err);
 *   int quarantine_list(const char *dir, QMETA ***v, size_t *n, BUF *err);
 *   QMETA **quarantine_list_free(QMETA **v, size_t n);
 *   QMETA *quarantine_load(const char *dir, const char *id, BUF *err);
 *   char *quarantine_raw(const char *dir, const char *ref, size_t *len, BUF *err);
 *   int quarantine_update(const char *dir, const QMETA *m, BUF *err);
 *   int quarantine_delete(const char *dir, const char *ref, BUF *err);
 *   int quarantine_purge(const char *dir, int64_t before, int64_t released_before,
 *                        size_t *removed, BUF *err);
 *   int64_t quarantine_usage(const char *dir);
 *   int quarantine_write(const char *dir, const char *name, const void *p, size_t n, bool excl,
 *                        BUF *err);
 *   int quarantine_lock(const char *dir, BUF *err);      void quarantine_unlock(int fd);
 *   void quarantine_audit(const CONFIG *c, const char *who, const char *fmt, ...);
 *   int quarantine_audit_ok(const CONFIG *c, BUF *err);
 *   bool quarantine_ref_ok(const char *s);
 *
 * DESCRIPTION
 *   Layout: DIR (0700) holds items/ and tmp/ (0700 each); an item is items/REF.eml (the
 *   raw message exactly as the milter received it) and items/REF.meta (qmeta.h text
 *   form), both 0600. An item exists once its .meta exists: it is written last.
 *   Every file is written atomically: a temp file in tmp/, write, fsync, rename into
 *   place, fsync of the directory, so a crash leaves the old file or the new one, never a
 *   mix. When the caller is root (fileless-ctl) new files are given the owner of DIR, so
 *   the daemon running as its own user can still read what an admin wrote.
 *
 *   quarantine_prepare creates the tree (mode 0700) and, with uid >= 0, hands it to
 *   uid:gid (the daemon calls it before dropping privileges). quarantine_store adds one
 *   item; it refuses (-1, reason in err, nothing left behind) when the store would grow
 *   past max_bytes (0: no cap) or on any I/O error such as a full disk. The daemon keeps
 *   the store's size in memory and recounts it from disk at least every minute (other
 *   processes delete items); the function is thread-safe.
 *
 *   quarantine_list returns every item's metadata, newest first (damaged ones are
 *   skipped with a warning on the log; a quarantine directory without items/ yet is empty,
 *   not an error). quarantine_load finds one item by its full ref
 *   or a unique prefix of at least 4 hex digits (NULL with the reason otherwise).
 *   quarantine_raw returns the message bytes (caller frees; NUL-terminated).
 *   quarantine_update rewrites an item's metadata atomically. quarantine_delete removes
 *   an item. quarantine_purge removes items stored before `before` (unix seconds) and
 *   temp or half-written files older than a day, and release marks (released/REF.HASH,
 *   store/release.h) last written before `released_before` (a release header is dead by
 *   then; 0 keeps them all). quarantine_usage sums the bytes of the
 *   items. quarantine_write writes DIR/name atomically (excl: fail with EEXIST when it
 *   exists). quarantine_lock takes an exclusive lock on the store (blocking; release,
 *   delete and rescan hold it so that two admins cannot release one message twice).
 *
 *   quarantine_audit appends one line "TIME who=WHO <text>" to audit_log (default
 *   DIR/audit.log), mode 0600; sender text in it must be sanitized by the caller.
 *   quarantine_audit_ok opens it for appending (creating it) and tells whether that
 *   works (the review page does not start without it). An item that cannot be seen for
 *   lack of rights is reported with the system's reason (Permission denied), never as
 *   "no such item"; quarantine_purge fails at once when it may not remove items.
 *   quarantine_ref_ok: s is 16 lower-case hex digits.
 */
#ifndef FM_QUARANTINE_H
#define FM_QUARANTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "core/config.h"
#include "store/qmeta.h"

int quarantine_prepare(const char *dir, long uid, long gid, BUF *err);
int quarantine_store(const char *dir, int64_t max_bytes, const QMETA *m, const char *raw,
                     size_t len, BUF *err);
int quarantine_list(const char *dir, QMETA ***v, size_t *n, BUF *err);
QMETA **quarantine_list_free(QMETA **v, size_t n);
QMETA *quarantine_load(const char *dir, const char *id, BUF *err);
char *quarantine_raw(const char *dir, const char *ref, size_t *len, BUF *err);
int quarantine_update(const char *dir, const QMETA *m, BUF *err);
int quarantine_delete(const char *dir, const char *ref, BUF *err);
int quarantine_purge(const char *dir, int64_t before, int64_t released_before, size_t *removed,
                     BUF *err);
int64_t quarantine_usage(const char *dir);
int quarantine_write(const char *dir, const char *name, const void *p, size_t n, bool excl,
                     BUF *err);
int quarantine_lock(const char *dir, BUF *err);
void quarantine_unlock(int fd);
int quarantine_audit_ok(const CONFIG *c, BUF *err);
void quarantine_audit(const CONFIG *c, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool quarantine_ref_ok(const char *s);

#endif
