/*
 * scan/scan_int - what scan.c and scan/open.c share: the per-message scan state (SCAN), the
 * queues of archives, Office files, CHMs and RAR/TNEF containers opened after a part, and the
 * two entry points into the engines and analysers. Internal to scan/: nothing outside
 * includes it (the contract of the stage is scan/scan.h).
 *
 *   scan_int_buffer runs libclamav and YARA over one buffer (a part, a member, a decrypted
 *   file) at location; scan_int_analyse runs the analysers over it. scan_int_open_pending
 *   opens the password-protected archives queued (with the message's passwords);
 *   scan_int_open_office_queue opens the Office files, CHMs and containers queued since the
 *   last call (opening may queue more: it loops until the queue is empty).
 */
#ifndef FM_SCAN_INT_H
#define FM_SCAN_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/failure.h"
#include "scan/archive.h"
#include "scan/budget.h"
#include "scan/unpack.h"
#include "cache/msgcache.h"
#include "core/digest.h"
#include "model/filetype.h"
#include "heur/heur.h"
#include "heur/file.h"
#include "heur/lang.h"
#include "heur/url.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "heur/vba.h"
#include "heur/xlm.h"
#include "heur/xlsb.h"
#include "heur/rtf.h"
#include "heur/onenote.h"
#include "heur/ooxml.h"
#include "heur/lnk.h"
#include "heur/known.h"
#include "heur/lure.h"
#include "emu/emulate.h"
#include "heur/wsh.h"
#include "heur/lolbas.h"
#include "heur/tamper.h"
#include "heur/html.h"
#include "mime/passwords.h"
#include "msg.h"
#include "scan/scan.h"
#include "scan/chm.h"
#include "scan/extunpack.h"
#include "scan/clamav.h"
#include "scan/officecrypt.h"
#include "scan/yara.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define LOCATION_NAME_MAX 128

typedef struct PENDING {
    char *location;
    char *part;
    char *name; /* the file's name (Office queue), or NULL */
    bool chm;   /* after-part queue: a CHM, not an Office file */
    int depth;
    int pwdepth;
    unsigned char *data;
    size_t n;
    int unpack; /* after-part queue: UNPACK_RAR or UNPACK_TNEF (unpack.c), else 0 */
} PENDING;

typedef struct SCAN {
    MSG *m;
    CACHE_MSG *cm; /* cache lookups, layer hashes, values to store */
    const RULESET *rs;
    char *pw[ARCHIVE_MAX_PASSWORDS];
    size_t npw;
    PENDING *q;
    size_t nq, capq;
    PENDING *oq; /* encrypted Office files and CHMs: opened after each part */
    size_t noq, capoq, oq_done;
    uint64_t rounds_left;     /* office_decrypt_max_rounds not yet spent */
    long long helper_ms_left; /* unpack_helper_ms not yet spent (scan/extunpack.c) */
    int pwdepth;              /* password-opened archives above the buffer being scanned */
    int decode;               /* decoded layers above the buffer being analysed */
    bool encrypted;           /* the buffer came out of a password-opened archive */
    BUDGET budget;            /* the message's work budget */
    EMU_SEEN *emu_seen;       /* scripts emulated in this message (emu/emulate.h) */
} SCAN;

void scan_int_buffer(SCAN *s, const char *location, const char *part, const char *filename,
                     const FILETYPE *ft, int depth, const unsigned char *data, size_t n);
void scan_int_analyse(SCAN *s, const char *location, const char *part, const FILE_FACTS *facts,
                      const FILETYPE *ft, int depth, const unsigned char *data, size_t n);
void scan_int_layer(SCAN *s, const char *loc, const char *sha256, const unsigned char *data,
                    size_t n);
void scan_int_open_pending(SCAN *s);
void scan_int_open_office_queue(SCAN *s);

#endif
