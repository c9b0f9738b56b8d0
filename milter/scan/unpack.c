/*
 * unpack - RAR and TNEF members to the scanner (contract in unpack.h)
 *
 * The scanner (scan.c) owns layers, engines and the budget; this file only walks the
 * container and says what could not be looked at.
 */
#include <string.h>

#include "model/failure.h"
#include "lib/buf.h"
#include "heur/file.h"
#include "lib/str.h"
#include "scan/tnef.h"
#include "scan/unpack.h"

#define NAME_MAX_LOC 128 /* bytes of a sanitized member name in a location */

/* unpack_kind - RAR (Debian's libclamav has no unrar) or TNEF (for the names), else 0 */
int unpack_kind(const char *ftname, const unsigned char *data, size_t n)
{
    if (strcmp(ftname, "rar") == 0)
        return UNPACK_RAR;
    return tnef_is(data, n) ? UNPACK_TNEF : 0;
}

/* unpack_score_name - heur_file over a name (no decoding: emit is NULL) */
void unpack_score_name(HITS *hits, const LISTS *lists, const char *loc, int depth,
                       const char *container, const char *name, const FILETYPE *ft, bool encrypted)
{
    HEUR_CTX c = {hits, loc, lists, NULL, NULL, 0, 0, 0};
    FILE_FACTS f = {name, ft, NULL, false, depth, container, encrypted, NULL, 0};
    heur_file(&c, &f);
}

/* name_only - an encrypted or unreadable member: its name is scored like a visible one's */
static void name_only(const UNPACK_HOST *h, const char *loc, const char *name)
{
    FILETYPE ft;
    filetype_sniff((const unsigned char *)"", 0, name, &ft);
    unpack_score_name(h->hits, h->lists, loc, h->depth + 1, h->container, name, &ft, true);
}

typedef struct WALK {
    const UNPACK_HOST *h;
    size_t repeats;
    bool encrypted; /* ARCHIVE_ENCRYPTED reported */
    bool stopped;   /* the budget refused: the rest is skipped */
} WALK;

/* on_item - one member (or a note about the whole archive, name "") */
static void on_item(void *ctx, const ARCHIVE_ITEM *it)
{
    WALK *w = ctx;
    const UNPACK_HOST *h = w->h;
    bool whole = it->name[0] == '\0';
    if ((it->flags & ARCHIVE_I_ENCRYPTED) && !w->encrypted) {
        w->encrypted = true;
        hits_add(h->hits, "ARCHIVE_ENCRYPTED", h->location, "%s: %s", h->container,
                 whole ? it->error : "encrypted members");
    }
    if (whole) {
        if (it->flags & ARCHIVE_I_LIMIT)
            failure_hit(h->hits, MSG_ERR_LIMIT_ARCHIVE_MEMBERS, h->location,
                        "libarchive: %s; the rest not scanned", it->error);
        else if (it->flags & ARCHIVE_I_ERROR)
            failure_hit(h->hits, MSG_ERR_ARCHIVE_UNREADABLE, h->location,
                        "libarchive: %s; the rest not scanned", it->error ? it->error : "?");
        return;
    }
    if (w->stopped)
        return;
    BUF *loc = buf_new(128);
    buf_printf(loc, "%s>", h->location);
    str_sanitize(loc, it->name, strlen(it->name), NAME_MAX_LOC);
    if (it->flags & ARCHIVE_I_ENCRYPTED) {
        name_only(h, loc->data, it->name);
    } else if (it->flags & ARCHIVE_I_ERROR) {
        failure_hit(h->hits, MSG_ERR_ARCHIVE_UNREADABLE, loc->data,
                    "libarchive: %s; member not scanned", it->error ? it->error : "?");
        name_only(h, loc->data, it->name);
    } else if (!budget_spend(h->budget, it->n)) {
        budget_report(h->budget, h->hits, loc->data);
        w->stopped = true;
    } else if (!h->member(h, loc->data, it->name, it->data, it->n,
                          (it->flags & ARCHIVE_I_TRUNCATED) != 0)) {
        w->repeats++;
    }
    buf_free(loc);
}

/* bomb - many members repeating others */
static void bomb(const WALK *w)
{
    if (w->h->bomb_repeats > 0 && w->repeats >= (size_t)w->h->bomb_repeats)
        hits_add(w->h->hits, "ARCHIVE_BOMB", w->h->location,
                 "%zu members identical to others (analysed once)", w->repeats);
}

/* unpack_rar - every member of a RAR */
static void unpack_rar(const UNPACK_HOST *h, const unsigned char *data, size_t n)
{
    WALK w = {h, 0, false, false};
    if (archive_list(data, n, &h->lim, on_item, &w) < 0)
        failure_hit(h->hits, MSG_ERR_ARCHIVE_UNREADABLE, h->location,
                    "libarchive cannot read this RAR: its content was not scanned");
    bomb(&w);
}

/* on_tnef - one TNEF attachment, handled like an archive member */
static void on_tnef(void *ctx, const char *name, const unsigned char *data, size_t n)
{
    ARCHIVE_ITEM it = {name && *name ? name : "(unnamed)", data, n, 0, NULL};
    on_item(ctx, &it);
}

/* unpack_tnef - every attachment of a TNEF stream */
static void unpack_tnef(const UNPACK_HOST *h, const unsigned char *data, size_t n)
{
    WALK w = {h, 0, false, false};
    bool damaged = false;
    tnef_walk(data, n, h->lim.max_members, on_tnef, &w, &damaged);
    if (damaged)
        failure_hit(h->hits, MSG_ERR_ARCHIVE_UNREADABLE, h->location,
                    "TNEF stream damaged or past clamav_max_files: the rest was not named");
    bomb(&w);
}

/* unpack_run - a RAR or TNEF stream (see unpack.h) */
void unpack_run(const UNPACK_HOST *h, int kind, const unsigned char *data, size_t n)
{
    if (kind == UNPACK_TNEF)
        unpack_tnef(h, data, n);
    else
        unpack_rar(h, data, n);
}
