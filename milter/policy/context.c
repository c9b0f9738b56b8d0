/*
 * context - mention or delivery (see context.h)
 */
#include <stdlib.h>
#include <string.h>

#include "lib/str.h"
#include "lib/xalloc.h"
#include "policy/chain.h"
#include "policy/context.h"

/* context_mention_name - a file name whose extension names a text format, or a web page
 * (its prose; its scripts are the decoded:script layer) */
bool context_mention_name(const char *filename)
{
    static const char *const ext[] = {".txt", ".text", ".md",  ".markdown", ".rst", ".log",
                                      ".csv", ".html", ".htm", ".xhtml",    NULL};
    for (int i = 0; ext[i]; i++)
        if (str_iends(filename, ext[i]))
            return true;
    return false;
}

/* body_type - a declared type a mail client shows as text, never runs */
static bool body_type(const char *ct)
{
    return ct && (strcmp(ct, "text/plain") == 0 || strcmp(ct, "text/html") == 0 ||
                  strcmp(ct, "text/markdown") == 0 || strcmp(ct, "text/enriched") == 0);
}

/* part_mention - the part itself: a body, a plain-text attachment or a text-format name */
static bool part_mention(const PART *p)
{
    if (p->filename == NULL || *p->filename == 0)
        return body_type(p->content_type);
    if (context_mention_name(p->filename))
        return true;
    return p->content_type && strcmp(p->content_type, "text/plain") == 0 &&
           strchr(p->filename, '.') == NULL;
}

/* context_mention - see context.h */
bool context_mention(const PARTS *parts, const char *location)
{
    size_t kl = chain_key_len(location);
    const PART *part = NULL;
    for (size_t i = 0; parts && i < parts->n; i++)
        if (strlen(parts->v[i]->path) == kl && strncmp(parts->v[i]->path, location, kl) == 0)
            part = parts->v[i];
    if (part == NULL)
        return false;
    /* the code of a page (heur/html.h) is what a browser runs: a delivery, not prose */
    if (strstr(location + kl, ">decoded:script"))
        return false;
    /* the innermost named member after the part decides */
    const char *member = NULL;
    size_t mlen = 0;
    const char *p = strchr(location + kl, '>');
    while (p) {
        const char *seg = p + 1;
        const char *end = strchr(seg, '>');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n && strncmp(seg, "decoded:", 8) != 0 && strncmp(seg, "vba:", 4) != 0 && *seg != '(') {
            member = seg;
            mlen = n;
        }
        p = end;
    }
    if (member == NULL)
        return part_mention(part);
    char *name = xstrndup(member, mlen);
    size_t nl = strlen(name);
    if (nl > 4 && strcmp(name + nl - 4, "[pw]") == 0)
        name[nl - 4] = 0;
    bool m = context_mention_name(name);
    free(name);
    return m;
}
