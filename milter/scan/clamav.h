/*
 * scan/clamav - the libclamav adapter: layers, VBA source, signatures, heuristics
 *
 * SYNOPSIS
 *   int clamav_init(BUF *err);
 *   CLAMAV *clamav_load(const char *dir, const CLAMAV_LIMITS *lim, BUF *err);
 *   CLAMAV *clamav_free(CLAMAV *c);
 *   int clamav_scan(const CLAMAV *c, const CLAMAV_JOB *job);
 *   const char *clamav_version(void);   unsigned clamav_signatures(const CLAMAV *c);
 *
 * DESCRIPTION
 *   The only file that includes clamav.h; no libclamav handle leaves it.
 *   clamav_init calls cl_init once (before threads; routes libclamav's messages to our
 *   log). clamav_load builds one compiled engine from every signature file in `dir` and,
 *   when lim->db_dir is set, in that folder of official databases too
 *   (.ndb .ldb .hdb .hsb .cvd .cld ... as cl_load accepts; an empty directory is an
 *   error) with the limits applied, the clean-file cache disabled (it hides the
 *   children of a cached file) and every callback set; on failure NULL and the reason
 *   in err. The engine is read-only afterwards and shared by all threads.
 *
 *   clamav_scan scans job->data from memory (libclamav does not copy it) with
 *   ALLMATCHES, all parsers, and the heuristics for macros, encrypted archives and
 *   documents, broken files and exceeded limits (without EXCEEDS_MAX a limit is a silent
 *   pass). For every layer libclamav unpacks it records a LAYER in job->layers
 *   (deduplicated by SHA-256) whose location extends job->location (see layer.h; the
 *   parent of a layer at level L is the last layer seen at level L-1), and calls
 *   job->on_layer with the layer's bytes; VBA module source from clcb_vba goes to
 *   job->layers (deduplicated) and job->on_vba. Findings go to job->hits at the
 *   location where they were found:
 *     CLAMAV_<signature>   a signature match (".UNOFFICIAL" stripped);
 *     ARCHIVE_ENCRYPTED    Heuristics.Encrypted.Zip/.7Zip/.RAR, or an encrypted member
 *                          reported by clcb_meta;
 *     DOC_ENCRYPTED        Heuristics.Encrypted.PDF/OLE2, and ECMA-376 encrypted OOXML
 *                          (an OLE2 holding EncryptedPackage; ClamAV 1.4 does not flag it);
 *     DOC_MACROS_VBA, DOC_MACROS_XLM   Heuristics.OLE2.ContainsMacros.*, and XLM macro
 *                          sheets in OOXML (a macrosheet content type; not flagged by 1.4);
 *     LIMIT_CLAMAV_FILE_SIZE, _SCAN_SIZE, _RECURSION, _FILES, _SCAN_TIME
 *                          Heuristics.Limits.Exceeded.*: part of the part was not scanned;
 *     CLAMAV_<other heuristic>  any other heuristic name;
 *     ARCHIVE_BOMB         the part has a bomb's traits (see LIMITS: bomb_*);
 *     LIMIT_WORK_BUDGET    job->budget ran out: later layers were skipped (budget.h).
 *   A layer whose bytes were already seen in this scan is skipped (CL_BREAK): its
 *   findings stand at its first location. With the clean cache off this is what keeps
 *   a nested bomb of identical members linear instead of 16^depth.
 *   Returns 0, or -1 when libclamav failed (the reason is a SCAN_ERROR hit).
 *
 * LIMITS (config keys clamav_*): max file size, max scan size, max recursion, max files,
 *   max scan time (ms); temp files go to lim->tmpdir (NULL: $TMPDIR or /tmp).
 */
#ifndef FM_SCAN_CLAMAV_H
#define FM_SCAN_CLAMAV_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "scan/budget.h"
#include "model/hit.h"
#include "model/layer.h"

typedef struct CLAMAV CLAMAV;

typedef struct CLAMAV_LIMITS {
    int64_t max_file_size;
    int64_t max_scan_size;
    int64_t max_recursion;
    int64_t max_files;
    int64_t max_scan_time_ms;
    const char *tmpdir;
    int64_t bomb_ratio;   /* ARCHIVE_BOMB: a member inflating this many times, */
    int64_t bomb_repeats; /* this many identical archives or big members, */
    int64_t bomb_depth;   /* archives nested this deep (each <= 0: not checked) */
    const char *db_dir;   /* official databases loaded after dir (clamav_db_dir), or NULL */
    bool image_hash;      /* compute image fuzzy hashes (some signature uses fuzzy_img#) */
} CLAMAV_LIMITS;

typedef void (*clamav_layer_fn)(void *ctx, const LAYER *layer, const unsigned char *data, size_t n);
typedef void (*clamav_vba_fn)(void *ctx, const VBA_MODULE *module);
/* an encrypted member libclamav could not open: location "archive>name", its part, depth,
 * container type ("zip", "7z" ...) and raw name */
typedef void (*clamav_encrypted_fn)(void *ctx, const char *location, const char *part, int depth,
                                    const char *container, const char *name);

typedef struct CLAMAV_JOB {
    const char *location; /* location of the buffer itself: "2/invoice.zip" */
    const char *part;     /* path of the part it belongs to: "2" */
    const char *filename; /* name handed to libclamav (may be NULL) */
    int depth;            /* depth of the buffer itself (0 for a part) */
    const unsigned char *data;
    size_t len;
    LAYERS *layers;
    HITS *hits;
    clamav_layer_fn on_layer; /* may be NULL */
    clamav_vba_fn on_vba;     /* may be NULL */
    void *ctx;
    BUDGET *budget;                   /* the message's work budget (may be NULL: unbounded) */
    clamav_encrypted_fn on_encrypted; /* an encrypted member's name (may be NULL) */
} CLAMAV_JOB;

int clamav_init(BUF *err);
CLAMAV *clamav_load(const char *dir, const CLAMAV_LIMITS *lim, BUF *err);
CLAMAV *clamav_free(CLAMAV *c);
int clamav_scan(const CLAMAV *c, const CLAMAV_JOB *job);
const char *clamav_version(void);
unsigned clamav_signatures(const CLAMAV *c);

#endif
