/*
 * model/layer - what the engines unpack below a part: LAYER records and VBA modules
 *
 * SYNOPSIS
 *   LAYERS *layers_new(void);   LAYERS *layers_free(LAYERS *l);
 *   LAYER *layers_add(LAYERS *l, const char *location, const char *sha256);
 *   VBA_MODULE *layers_add_vba(LAYERS *l, const char *location, const char *source, size_t n);
 *
 * DESCRIPTION
 *   A LAYER is one file found inside a part: an archive member, an OOXML part, an OLE2
 *   stream, an object embedded in RTF or PDF, a TNEF attachment, a decoded script. Its
 *   `location` names the way down from the part: `<part path>/<part filename or type>`
 *   then `>` and each member's name, e.g. `2/invoice.zip>doc.js` or
 *   `1.2/report.docm>vbaProject.bin` (a name that is unknown is written as the layer's
 *   type in parentheses: `3/a.tar.gz>(tar)>x.exe`). A password-opened archive is marked
 *   `[pw]`: `2/invoice.zip[pw]>invoice.js`.
 *
 *   layers_add records a layer unless one with the same SHA-256 is already recorded for
 *   the message (libclamav hands out some layers several times: OOXML rescans, OLE2
 *   temp-dir repeats); it then returns NULL. Strings are copied. layers_add_vba does the
 *   same for VBA module source (deduplicated by the hash of the text); the module name is
 *   read from its `attribute vb_name = "..."` line. A duplicate of something first
 *   recorded below another part is counted in `cross_dups` (that part's findings then
 *   depend on the other part: the cache does not store them).
 *
 * LIMITS
 *   At most `max` layers (LAYERS_MAX by default; the config's max_layers) and
 *   LAYERS_MAX_VBA modules per message; further ones set `overflow` and are dropped (the
 *   caller reports LIMIT_LAYERS).
 */
#ifndef FM_LAYER_H
#define FM_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "model/filetype.h"

#define LAYERS_MAX     5000
#define LAYERS_MAX_VBA 1000

typedef struct LAYER {
    char *location;
    char *part;        /* path of the part it came from */
    char *name;        /* member name, or NULL */
    char *engine_type; /* libclamav's type without CL_TYPE_, lower case ("zip", "msexe") */
    FILETYPE ft;       /* our own sniff of the bytes */
    int depth;         /* 1 = directly inside the part */
    size_t size;
    char sha256[65];
    bool encrypted;
} LAYER;

typedef struct VBA_MODULE {
    char *location; /* `<part location>>vba:<module name>` */
    char *part;
    char *name;
    char *source; /* as libclamav normalized it: lower case outside strings */
    size_t len;
    char sha256[65];
} VBA_MODULE;

typedef struct LAYERS {
    LAYER **v;
    size_t n, cap;
    VBA_MODULE **vba;
    size_t nvba, capvba;
    size_t max; /* most layers kept (LAYERS_MAX unless the caller lowers it) */
    bool overflow;
    size_t cross_dups; /* duplicates of a layer or module first seen below another part */
} LAYERS;

LAYERS *layers_new(void);
LAYERS *layers_free(LAYERS *l);
LAYER *layers_add(LAYERS *l, const char *location, const char *sha256);
VBA_MODULE *layers_add_vba(LAYERS *l, const char *part_location, const char *part,
                           const char *source, size_t n);

#endif
