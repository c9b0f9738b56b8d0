/*
 * tnef - the attachments of a TNEF stream (winmail.dat), with their names
 *
 * SYNOPSIS
 *   bool tnef_is(const unsigned char *p, size_t n);
 *   int tnef_walk(const unsigned char *p, size_t n, size_t max_attach, tnef_fn fn, void *ctx);
 *
 * DESCRIPTION
 *   tnef_is: p starts with the TNEF signature 78 9F 3E 22. tnef_walk calls fn once per
 *   attachment (at most max_attach) with its name and bytes (pointers into p, valid
 *   during the call): the long file name from the attachment's MAPI properties
 *   (PR_ATTACH_LONG_FILENAME, 8-bit or UTF-16 converted to UTF-8) when present, else its
 *   attAttachTitle, else "". An attachment without attAttachData is given with n = 0.
 *   Returns the number of attachments, or -1 when p is not TNEF. A truncated or damaged
 *   stream ends the walk; *damaged (may be NULL) is then set, so the caller can say that
 *   the rest was not scanned.
 *
 *   Why our own walker: libclamav decodes TNEF but gives no names and concatenates all
 *   attachments into one layer (docs/formats.md §3), so name and extension findings never
 *   fire and a hash signature on the second attachment misses. libytnef (Debian
 *   libytnef0-dev) gives names but refuses streams whose attribute checksums are wrong
 *   (ClamAV's own clam.tnef), prints its errors to stdout (which would corrupt -t --json
 *   output), and caps allocations itself. The format is simple: after the signature and
 *   a u16 key come attributes {u8 level, u32 id, u32 length, data, u16 checksum}; the
 *   checksum is ignored, as ClamAV does.
 */
#ifndef FM_SCAN_TNEF_H
#define FM_SCAN_TNEF_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*tnef_fn)(void *ctx, const char *name, const unsigned char *data, size_t n);

bool tnef_is(const unsigned char *p, size_t n);
int tnef_walk(const unsigned char *p, size_t n, size_t max_attach, tnef_fn fn, void *ctx,
              bool *damaged);

#endif
