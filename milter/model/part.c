/*
 * model/part - PART records (see model/part.h)
 */
#include <stdlib.h>

#include "model/part.h"
#include "lib/xalloc.h"

/* parts_new - empty list */
PARTS *parts_new(void)
{
    return xcalloc(1, sizeof(PARTS));
}

/* part_free - release one part */
static void part_free(PART *p)
{
    free(p->path);
    free(p->content_type);
    free(p->disposition);
    free(p->filename);
    free(p->charset);
    free(p->encoding);
    buf_free(p->data);
    free(p->text);
    free(p);
}

/* parts_free - release the list; accepts NULL, returns NULL */
PARTS *parts_free(PARTS *p)
{
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < p->n; i++)
        part_free(p->v[i]);
    free(p->v);
    free(p);
    return NULL;
}

/* parts_add - append a zeroed part with the given path */
PART *parts_add(PARTS *p, const char *path)
{
    PART *part = xcalloc(1, sizeof(PART));
    part->path = xstrdup(path);
    part->ft.name = "empty";
    XGROW(p->v, p->n, p->cap);
    p->v[p->n++] = part;
    return part;
}

/* part_kind_name - report token for a kind */
const char *part_kind_name(enum part_kind k)
{
    static const char *const names[] = {"leaf", "multipart", "message"};
    return names[k];
}

/* part_origin_name - report token for an origin */
const char *part_origin_name(enum part_origin o)
{
    static const char *const names[] = {"mime", "prologue", "epilogue", "uuencode", "yenc"};
    return names[o];
}
