/*
 * heur/file - file-level tricks of parts and layers (URLs: heur/url.h)
 *
 * SYNOPSIS
 *   void heur_file(HEUR_CTX *c, const FILE_FACTS *f);
 *
 * DESCRIPTION
 *   heur_file: dangerous extensions (lists: dangerous-extensions.txt), double extensions
 *   (`invoice.pdf.js`, also with white-space padding before the last dot), RTLO and other
 *   bidi or invisible characters in names, declared vs detected type mismatch,
 *   executables or scripts inside archives (f->depth > 0 under an archive), encrypted
 *   containers holding scripts, container tricks (ISO/IMG/UDF/VHD/VHDX attachments,
 *   OneNote, .url/.iqy/.settingcontent-ms, HTML attachments that build a Blob/data: file
 *   = HTML smuggling, checked over f->text when given).
 */
#ifndef FM_HEUR_FILE_H
#define FM_HEUR_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/filetype.h"
#include "heur/heur.h"

typedef struct FILE_FACTS {
    const char *filename;  /* UTF-8, or NULL */
    const FILETYPE *ft;    /* detected type */
    const char *declared;  /* declared MIME type (parts only), or NULL */
    bool type_mismatch;    /* filetype_mismatch() said so */
    int depth;             /* 0: a MIME part; >0: a layer inside one */
    const char *container; /* detected type of the enclosing container (zip, iso...) or NULL */
    bool encrypted;        /* it came out of (or is) an encrypted container */
    const char *text;      /* UTF-8 text of an HTML/SVG file, or NULL */
    size_t text_len;
} FILE_FACTS;

void heur_file(HEUR_CTX *c, const FILE_FACTS *f);

#endif
