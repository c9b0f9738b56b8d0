/*
 * scan/scan - run the content engines over a message: every part, every layer they unpack,
 *        every VBA module, and archives opened with passwords found in the message
 *
 * SYNOPSIS
 *   void scan_message(MSG *m, const RULESET *rs);
 *   char *scan_part_location(const PART *p);
 *
 * DESCRIPTION
 *   For each leaf part holding decoded bytes, scan_message runs YARA over the bytes and
 *   libclamav over them (scan_clamav.c), which unpacks layers (archive members, OOXML
 *   parts, OLE2 streams, embedded objects) into m->layers and VBA source into
 *   m->layers->vba; each new layer and each VBA module is matched with YARA as it comes,
 *   with the external variables filename, extension, filetype, location and layer_depth.
 *   A YARA match is the hit `YARA_<rule>` at that location, weighted by the rule's score
 *   meta when it has one (else the YARA_DEFAULT entry of scoring.conf). A part whose bytes
 *   equal an earlier part's is not scanned again (its findings stand at the first place).
 *
 *   Our analysers (heur_*.c, lnk.c) run over every part and layer: file tricks on names
 *   and types, shortcuts, scripts, registry droppers, XLM sheets, and each VBA project as
 *   a whole. What they decode (deobfuscated scripts, -EncodedCommand, base64 ...) comes
 *   back as a layer `<location>>decoded:<how>`, which gets YARA and the analysers again,
 *   max_decode_depth levels deep; URLs in scripts and decoded layers join the message's
 *   URLs. Last, heur_url looks at all URLs.
 *
 *   Encrypted archives (zip, 7z, rar: a part or a layer) are retried with the candidate
 *   passwords found in the Subject and the text parts (passwords.c, at most
 *   max_passwords); when one opens it (archive.c, libarchive), the hit
 *   ARCHIVE_PASSWORD_FROM_BODY is added and every member becomes a layer at
 *   `<archive location>[pw]>member` that is scanned like a part (ClamAV and YARA), so
 *   what it holds is found too.
 *
 *   The cache (cache_msg.c) is asked first, for all parts in one round trip: a part with
 *   a usable cached value gets its findings back and is not scanned (no engine call:
 *   m->engine_calls counts YARA and libclamav runs); the findings of a part scanned are
 *   stored after the verdict. Then every part and layer hash is checked against the IOC
 *   hashes (IOC_HASH).
 *
 *   scan_part_location is the location string of a part: its path, then `/` and its
 *   sanitized filename when it has one (`2/invoice.zip`). The caller frees it.
 *
 * LIMITS
 *   max_layers (LIMIT_LAYERS), the clamav_* limits (scan_clamav.h), archive members are
 *   bounded by max_part_bytes each and max_total_bytes together; password-opened
 *   archives nested in password-opened archives are followed SCAN_MAX_PW_DEPTH deep.
 */
#ifndef FM_SCAN_H
#define FM_SCAN_H

#include "msg.h"
#include "core/ruleset.h"

#define SCAN_MAX_PW_DEPTH 3

void scan_message(MSG *m, const RULESET *rs);
char *scan_part_location(const PART *p);

#endif
