/*
 * heur/file - file-level tricks of parts and layers (see heur/file.h; URLs: heur/url.c)
 *
 * Symbols and what they mean are listed in rules/scoring.conf. Everything here is pure:
 * no I/O, no library beyond libc and lib/, no regular expressions.
 *
 * Names are parsed by heur/name.c.
 *
 * Bidi and invisible characters: overrides, embeddings and isolates (U+202A-202E,
 * U+2066-2069) reorder what the user sees (`photo\u202Egpj.exe` shows as
 * `photoexe.jpg`); U+200B, U+2060-2064, U+180E and U+FEFF have no business in a name.
 * ZWNJ/ZWJ and LRM/RLM are left alone: Persian and Hebrew names use them honestly.
 *
 * HTML smuggling (a page that builds the payload in the browser, past the mail filter)
 * is recognised by three shapes: `new Blob(` together with createObjectURL or
 * msSaveOrOpenBlob; a download attribute or property together with a data: URL that is
 * not an image; atob() of a string literal of 1 KB or more. Each search moves forward
 * over the text with a fixed needle, so the cost is linear in the text.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "heur/file.h"
#include "heur/name.h"
#include "lib/str.h"
#include "lib/words.h"
#include "lib/xalloc.h"

#define DETAIL_NAME 120  /* bytes of a file name quoted in a detail */
#define B64_MIN     1024 /* atob() literal long enough to carry a payload */

/* decoy extensions: what the user is meant to believe the file is */
static const char decoys[] = "pdf doc docx xls xlsx ppt pptx txt rtf csv odt ods odp jpg jpeg "
                             "jpe png gif bmp tif tiff webp heic svg mp3 mp4 wav avi mov mpg "
                             "htm html xml eml msg zip rar 7z";
/* macro-enabled Office formats: in the dangerous list, but also sent honestly */
static const char macro_exts[] = "docm dotm xlsm xltm xlam xlsb pptm potm ppsm ppam sldm";
static const char script_exts[] = "js jse vbs vbe wsf wsh wsc sct hta ps1 psm1 bat cmd lnk";
static const char shortcut_exts[] = "url iqy slk settingcontent-ms website library-ms "
                                    "searchconnector-ms";
static const char shortcut_langs[] = "url iqy slk settingcontent";
static const char archives[] = "zip 7z rar gzip bzip2 xz tar cab jar iso udf vhd vhdx";
static const char disk_types[] = "iso udf vhd vhdx";
static const char disk_exts[] = "iso img udf vhd vhdx";

/* ---------------------------------------------------------------- files */

/* name_tricks - extension list, macro formats, double extensions, bidi characters */
static void name_tricks(HEUR_CTX *c, const char *fn, const NAME *nm)
{
    bool danger = nm->ext[0] && lists_has(c->lists, LIST_DANGEROUS_EXT, nm->ext);
    if (danger && words_hasz(macro_exts, nm->ext))
        hits_add(c->hits, "FILE_MACRO_EXT", c->location, "'%.*s': macro-enabled Office .%s",
                 DETAIL_NAME, fn, nm->ext);
    else if (danger)
        hits_add(c->hits, "FILE_DANGEROUS_EXT", c->location, "'%.*s' has the extension .%s",
                 DETAIL_NAME, fn, nm->ext);
    if (danger &&
        (words_hasz(decoys, nm->prev) || (nm->pad >= 3 && !words_hasz(macro_exts, nm->ext))))
        hits_add(c->hits, "FILE_DOUBLE_EXTENSION", c->location, "'%.*s': .%s then .%s%s",
                 DETAIL_NAME, fn, nm->prev[0] ? nm->prev : "(padding)", nm->ext,
                 nm->pad ? " behind white space" : "");
    unsigned cp = name_odd_char(fn);
    if (cp)
        hits_add(c->hits, "FILE_BIDI_NAME", c->location, "'%.*s' holds U+%04X", DETAIL_NAME, fn,
                 cp);
}

/* scriptish - a script or shortcut, by detected type or (unreadable content) by name */
static bool scriptish(const FILETYPE *ft, const NAME *nm)
{
    const char *tn = ft && ft->name ? ft->name : "";
    return strcmp(tn, "script") == 0 || strcmp(tn, "lnk") == 0 || words_hasz(script_exts, nm->ext);
}

/* code_tricks - executables and scripts, inside archives or encrypted containers */
static void code_tricks(HEUR_CTX *c, const FILE_FACTS *f, const char *fn, const NAME *nm)
{
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    bool exe = words_hasz("pe elf macho", tn);
    bool script = !exe && scriptish(f->ft, nm);
    bool inside = f->depth > 0 && words_hasz(archives, f->container);
    const char *what = f->ft && f->ft->lang                           ? f->ft->lang
                       : exe || strcmp(tn, "lnk") == 0 || !nm->ext[0] ? tn
                                                                      : nm->ext;
    if (exe && inside)
        hits_add(c->hits, "ARCHIVE_EXECUTABLE", c->location, "%s '%.*s' inside a %s", tn,
                 DETAIL_NAME, fn, f->container);
    else if (exe)
        hits_add(c->hits, "FILE_EXECUTABLE", c->location, "%s file '%.*s'", tn, DETAIL_NAME, fn);
    if (script && inside)
        hits_add(c->hits, "ARCHIVE_SCRIPT", c->location, "%s '%.*s' inside a %s", what, DETAIL_NAME,
                 fn, f->container);
    if ((exe || script) && f->depth > 0 && f->encrypted)
        hits_add(c->hits, "ARCHIVE_ENCRYPTED_SCRIPT", c->location,
                 "%s '%.*s' came out of an encrypted %s", what, DETAIL_NAME, fn,
                 f->container ? f->container : "container");
}

/* container_tricks - disk images, OneNote, shortcut formats, type mismatch */
static void container_tricks(HEUR_CTX *c, const FILE_FACTS *f, const char *fn, const NAME *nm)
{
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    const char *lang = f->ft ? f->ft->lang : NULL;
    if (words_hasz(disk_types, tn) || words_hasz(disk_exts, nm->ext))
        hits_add(c->hits, "CONTAINER_DISK_IMAGE", c->location, "disk image '%.*s' (%s)",
                 DETAIL_NAME, fn, *tn ? tn : nm->ext);
    if (strcmp(tn, "onenote") == 0 || words_hasz("one onepkg", nm->ext))
        hits_add(c->hits, "CONTAINER_ONENOTE", c->location, "OneNote file '%.*s'", DETAIL_NAME, fn);
    if (words_hasz(shortcut_exts, nm->ext) || words_hasz(shortcut_langs, lang) ||
        strcmp(tn, "lnk") == 0)
        hits_add(c->hits, "FILE_SHORTCUT_TYPES", c->location, "%s shortcut '%.*s'",
                 lang                          ? lang
                 : *tn && strcmp(tn, "script") ? tn
                                               : nm->ext,
                 DETAIL_NAME, fn);
    if (f->type_mismatch)
        hits_add(c->hits, "FILE_TYPE_MISMATCH", c->location,
                 "'%.*s' declared %.60s, detected %s%s%s", DETAIL_NAME, fn,
                 f->declared ? f->declared : "(none)", *tn ? tn : "?", lang ? "/" : "",
                 lang ? lang : "");
}

/* ---------------------------------------------------------------- HTML smuggling */

/* word_at - s[i] is a letter, digit or '_' */
static bool word_at(const char *s, size_t n, size_t i)
{
    return i < n && name_ext_byte(s[i]) && s[i] != '-';
}

/* skip_blank - first index at or after i that is not ASCII white space */
static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    return i;
}

/* new_blob - "new" white space "Blob" white space "(" somewhere in t */
static bool new_blob(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "new")) != NULL; p += 3) {
        size_t i = (size_t)(p - t);
        size_t j = skip_blank(t, n, i + 3);
        if ((i > 0 && word_at(t, n, i - 1)) || j == i + 3 || n - j < 4 ||
            strncasecmp(t + j, "blob", 4) != 0)
            continue;
        j = skip_blank(t, n, j + 4);
        if (j < n && t[j] == '(')
            return true;
    }
    return false;
}

/* download_word - a download attribute or property: "download" after white space or
 * '.', followed by '=' (white space allowed) or, as a bare attribute, by '>' or '/' */
static bool download_word(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "download")) != NULL;
         p += 8) {
        size_t i = (size_t)(p - t);
        size_t j = skip_blank(t, n, i + 8);
        char before = i > 0 ? t[i - 1] : 0;
        if (!(before == '.' || before == ' ' || (before >= '\t' && before <= '\r')))
            continue;
        if (j < n && (t[j] == '=' || ((t[j] == '>' || t[j] == '/') && j == i + 8)))
            return true;
    }
    return false;
}

/* data_file_url - a data: URL that is not an image or a style sheet resource */
static bool data_file_url(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "data:")) != NULL; p += 5) {
        size_t i = (size_t)(p - t);
        size_t j = i + 5;
        size_t left = n - j;
        if ((i > 0 && word_at(t, n, i - 1)) || j >= n || !(word_at(t, n, j) || t[j] == ';'))
            continue; /* "metadata:", "Data: none" */
        bool image = left >= 6 && strncasecmp(t + j, "image/", 6) == 0 &&
                     !(left >= 9 && strncasecmp(t + j, "image/svg", 9) == 0);
        bool font = left >= 5 && strncasecmp(t + j, "font/", 5) == 0;
        if (!image && !font)
            return true;
    }
    return false;
}

/* atob_literal - atob() of a quoted base64 literal of at least B64_MIN bytes */
static bool atob_literal(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "atob")) != NULL;) {
        size_t i = (size_t)(p - t);
        size_t j = skip_blank(t, n, i + 4);
        p += 4;
        if ((i > 0 && word_at(t, n, i - 1)) || j >= n || t[j] != '(')
            continue;
        j = skip_blank(t, n, j + 1);
        if (j >= n || !strchr("'\"`", t[j]))
            continue;
        size_t k = j + 1;
        while (k < n && (word_at(t, n, k) || t[k] == '+' || t[k] == '/' || t[k] == '='))
            k++;
        if (k - j - 1 >= B64_MIN)
            return true;
        p = t + k; /* the literal is not searched again: linear */
    }
    return false;
}

/* smuggling - which HTML smuggling shape t shows, or NULL */
static const char *smuggling(const char *t, size_t n)
{
    if (new_blob(t, n) &&
        (str_memmem_ci(t, n, "createobjecturl") || str_memmem_ci(t, n, "mssaveoropenblob") ||
         str_memmem_ci(t, n, "mssaveblob")))
        return "new Blob() handed to createObjectURL/msSaveOrOpenBlob";
    if (download_word(t, n) && data_file_url(t, n))
        return "download of a data: URL";
    if (atob_literal(t, n))
        return "atob() of a large base64 literal";
    return NULL;
}

/* heur_file - file-level tricks of one part or layer (see heur/file.h) */
void heur_file(HEUR_CTX *c, const FILE_FACTS *f)
{
    if (c == NULL || f == NULL)
        return;
    const char *fn = f->filename ? f->filename : "";
    NAME nm;
    name_parse(fn, strlen(fn), &nm);
    name_tricks(c, fn, &nm);
    code_tricks(c, f, fn, &nm);
    container_tricks(c, f, fn, &nm);
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    bool markup = words_hasz("html svg xml", tn) || words_hasz("hta", f->ft ? f->ft->lang : NULL);
    const char *how = markup && f->text ? smuggling(f->text, f->text_len) : NULL;
    if (how)
        hits_add(c->hits, "HTML_SMUGGLING", c->location, "%s in '%.*s'", how, DETAIL_NAME, fn);
}
