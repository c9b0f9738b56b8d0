/*
 * scan/extunpack - encrypted 7z and RAR opened with a stated password by Debian's own
 *                  unpackers (7zz, unar/lsar), run confined (scan/spawn.c)
 *
 * SYNOPSIS
 *   int extunpack_kind(const unsigned char *data, size_t n);
 *   int extunpack_open(int kind, const unsigned char *data, size_t n, char *const *pw,
 *                      size_t npw, const EXTUNPACK_CFG *cfg, const ARCHIVE_LIMITS *lim,
 *                      archive_member_fn fn, void *ctx, EXTUNPACK_RESULT *r);
 *   size_t extunpack_list_7z(const char *text, EXT_ENTRY *v, size_t max);
 *   size_t extunpack_list_lsar(const char *json, EXT_ENTRY *v, size_t max);
 *   void extunpack_entries_free(EXT_ENTRY *v, size_t n);
 *
 * DESCRIPTION
 *   Why external programs: libarchive 3.6.2 (Debian 12) decrypts zip only; libclamav 1.4.6
 *   has no unrar; the 7z format (coder graphs, BCJ2, PPMd, encrypted and compressed headers)
 *   and RAR 3/5 (their own LZ, PPMd and filter VM) are each larger than this project should
 *   re-implement and maintain. Debian main ships decoders that decrypt them: 7zz (package
 *   7zip: 7z with AES-256, every 7z method; its RAR codec is removed, +dfsg) and unar/lsar
 *   (package unar, The Unarchiver's XADMaster: RAR 1.5-5 with AES, header encryption too).
 *   They run as separate, confined processes (spawn.h): a decoder bug hit by a hostile
 *   archive stays in a process that can read and print, nothing else.
 *
 *   extunpack_kind: EXT_7Z or EXT_RAR by signature, else 0.
 *   extunpack_open writes the archive into a fresh private directory under cfg->tmpdir and,
 *   for each candidate password in order, lists it (7zz l -slt; lsar -j) and extracts all of
 *   it to standard output (7zz x -so; unar -o -), whose bytes are cut into members by the
 *   listed sizes, in listing order. A candidate works when the extraction exits 0 (every
 *   CRC checked); one whose output reached lim->max_total_bytes without an error is kept
 *   as weaker proof (the members delivered are cut, truncated = 1), used only when no
 *   candidate gives proof. 7zz reads the password from its standard input; unar takes it
 *   on its command line (-p), the only way it has.
 *   Returns 1 when opened (fn called per member, r->used the password's index), 0 when no
 *   candidate opened it, -1 when it could not be tried (no unpacker, no temp directory);
 *   r->why tells why in the last two cases (sanitize before logging), r->mismatch that the
 *   output did not match the listing (the rest is delivered as "(unlisted data)"),
 *   r->timeout that the deadline ended a run, r->cut that a size limit did (max_total_bytes,
 *   or the last member past max_member_bytes: decoding stops there).
 *   Memory: the members are cut out of the output as it streams (one member buffer of at
 *   most lim->max_member_bytes), so each candidate is first checked by an extraction that
 *   only counts, and the winner's is run a second time to deliver.
 *
 *   extunpack_list_7z / extunpack_list_lsar parse the two listings (text that carries
 *   the sender's file names): at most max entries, names xmalloc'd.
 *
 * LIMITS
 *   cfg->timeout_ms for all runs on one archive together (each run gets what is left; 0:
 *   nothing is staged or run, 0 is returned with r->timeout; the caller passes the smaller
 *   of unpack_helper_ms left and the message's scan_timeout left),
 *   cfg->memory per run, at most lim->max_total_bytes of output, lim->max_members members,
 *   lim->max_member_bytes per member, ARCHIVE_MAX_PASSWORDS candidates.
 */
#ifndef FM_SCAN_EXTUNPACK_H
#define FM_SCAN_EXTUNPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/archive.h"

enum { EXT_7Z = 1, EXT_RAR = 2 };

typedef struct EXTUNPACK_CFG {
    const char *sevenzip; /* path of 7zz; "" or NULL: 7z not tried */
    const char *unar;     /* path of unar (lsar beside it); "" or NULL: RAR not tried */
    const char *tmpdir;   /* "" or NULL: $TMPDIR or /tmp */
    unsigned timeout_ms;
    size_t memory;
} EXTUNPACK_CFG;

typedef struct EXTUNPACK_RESULT {
    int used;
    bool mismatch, timeout;
    bool cut; /* the output passed max_total_bytes: the last member delivered was cut */
    char why[256];
} EXTUNPACK_RESULT;

typedef struct EXT_ENTRY {
    char *name;
    uint64_t size;
    bool dir;
} EXT_ENTRY;

int extunpack_kind(const unsigned char *data, size_t n);
int extunpack_open(int kind, const unsigned char *data, size_t n, char *const *pw, size_t npw,
                   const EXTUNPACK_CFG *cfg, const ARCHIVE_LIMITS *lim, archive_member_fn fn,
                   void *ctx, EXTUNPACK_RESULT *r);
size_t extunpack_list_7z(const char *text, EXT_ENTRY *v, size_t max);
size_t extunpack_list_lsar(const char *json, EXT_ENTRY *v, size_t max);
void extunpack_entries_free(EXT_ENTRY *v, size_t n);

#endif
