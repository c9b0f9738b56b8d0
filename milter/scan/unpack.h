/*
 * unpack - the members of a RAR (libarchive) or a TNEF stream, each handed to the scanner
 *
 * SYNOPSIS
 *   int unpack_kind(const char *ftname, const unsigned char *data, size_t n);
 *   void unpack_run(const UNPACK_HOST *h, int kind, const unsigned char *data, size_t n);
 *   void unpack_score_name(HITS *hits, const LISTS *lists, const char *loc, int depth,
 *                          const char *container, const char *name, const FILETYPE *ft,
 *                          bool encrypted);
 *
 * DESCRIPTION
 *   unpack_kind: UNPACK_RAR for a RAR, UNPACK_TNEF for a TNEF stream, else 0.
 *   unpack_score_name: the file findings (heur_file) of a member known by name only.
 *   unpack_run, for what unpack_kind named: Debian's libclamav unpacks no RAR, and gives
 *   TNEF attachments no names (it scans them concatenated). These walk the members
 *   (archive.c's archive_list, tnef.c) and call h->member with the member's location
 *   "<h->location>>name" (name sanitized), raw name and bytes, once h->budget accepted its
 *   size (when it is spent the rest is skipped, with LIMIT_WORK_BUDGET). Encrypted members
 *   and members that did not decompress get their names scored (unpack_score_name).
 *   Findings added here: ARCHIVE_ENCRYPTED (once per archive), ARCHIVE_UNREADABLE (a member
 *   or the rest could not be decompressed: never a silent pass), LIMIT_ARCHIVE_MEMBERS,
 *   ARCHIVE_BOMB when h->bomb_repeats or more members repeat bytes seen before (h->member
 *   returned false).
 */
#ifndef FM_SCAN_UNPACK_H
#define FM_SCAN_UNPACK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/hit.h"
#include "core/lists.h"
#include "model/filetype.h"
#include "scan/archive.h"
#include "scan/budget.h"

enum { UNPACK_RAR = 1, UNPACK_TNEF = 2 };

typedef struct UNPACK_HOST UNPACK_HOST;
struct UNPACK_HOST {
    void *ctx;
    HITS *hits;
    const LISTS *lists;
    BUDGET *budget;
    const char *location;  /* the archive's */
    const char *part;      /* the MIME part it belongs to */
    int depth;             /* the archive's depth */
    const char *container; /* "rar" or "tnef" */
    ARCHIVE_LIMITS lim;
    long long bomb_repeats; /* <= 0: not checked */
    /* a member's bytes; false when they repeat a layer seen before */
    bool (*member)(const UNPACK_HOST *h, const char *loc, const char *name,
                   const unsigned char *data, size_t n, bool truncated);
};

int unpack_kind(const char *ftname, const unsigned char *data, size_t n);
void unpack_run(const UNPACK_HOST *h, int kind, const unsigned char *data, size_t n);
void unpack_score_name(HITS *hits, const LISTS *lists, const char *loc, int depth,
                       const char *container, const char *name, const FILETYPE *ft, bool encrypted);

#endif
