/*
 * model/filetype - what a part really is: magic-byte sniffing (model/magic.c), script
 *   language guess, declared vs detected type
 *
 * SYNOPSIS
 *   void filetype_sniff(const unsigned char *p, size_t n, const char *filename, FILETYPE *ft);
 *   bool filetype_mismatch(const char *declared_ctype, const char *filename, const FILETYPE *ft);
 *   const char *filetype_ext(const char *filename);
 *
 * DESCRIPTION
 *   filetype_sniff looks at the first bytes (and, for text, up to FILETYPE_TEXT_WINDOW
 *   bytes) and fills ft->name with a short stable token: zip, ooxml (a zip holding
 *   [Content_Types].xml; ft->sub = docx/docm/xlsx/xlsm/pptx/pptm/... when the part names
 *   show it), jar, 7z, rar, gzip, bzip2, xz, tar, cab, ole2 (ft->sub = doc/xls/ppt/msi/msg
 *   or vsd, or encrypted-ooxml for an ECMA-376 encrypted package), odf, rtf, pdf, pe, elf,
 *   macho, lnk, iso, udf, vhd, vhdx, onenote,
 *   chm, png, jpeg, gif, bmp, webp, tiff, ico, svg, html, xml, eml (an RFC 822 message),
 *   ics, text, binary, empty. Scripts are `script` with ft->lang set to js, jse, vbs, vbe,
 *   ps1, bat, hta, wsf, sct, reg, url, iqy, slk or settingcontent. ft->is_text is true for
 *   text-like data.
 *
 *   filetype_mismatch says whether the declared MIME type or the filename extension
 *   disagrees with the detected type in a way that matters: an executable, archive,
 *   Office document or script disguised as something else (a PE called invoice.pdf,
 *   a zip declared image/jpeg). Generic declarations (application/octet-stream) and
 *   compatible pairs (zip vs docx, text vs csv) are not mismatches.
 *
 *   filetype_ext returns the lower-case extension after the last dot of filename
 *   (trailing dots and white space ignored), or "" when there is none. The string is
 *   in static thread-local storage, valid until the next call in the same thread.
 *
 * LIMITS
 *   Reads at most the given n bytes; text heuristics look at the first
 *   FILETYPE_TEXT_WINDOW bytes only, so the cost per part is bounded.
 */
#ifndef FM_FILETYPE_H
#define FM_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>

#define FILETYPE_TEXT_WINDOW 65536

typedef struct FILETYPE {
    const char *name; /* static token, never NULL after filetype_sniff */
    const char *sub;  /* static token or NULL */
    const char *lang; /* script language token or NULL */
    bool is_text;
} FILETYPE;

void filetype_sniff(const unsigned char *p, size_t n, const char *filename, FILETYPE *ft);
bool filetype_mismatch(const char *declared_ctype, const char *filename, const FILETYPE *ft);
const char *filetype_ext(const char *filename);

#endif
