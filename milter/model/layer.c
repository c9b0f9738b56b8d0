/*
 * model/layer - LAYER and VBA_MODULE records (see model/layer.h)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "model/layer.h"
#include "lib/str.h"
#include "lib/xalloc.h"

/* layers_new - empty list */
LAYERS *layers_new(void)
{
    LAYERS *l = xcalloc(1, sizeof(LAYERS));
    l->max = LAYERS_MAX;
    return l;
}

/* layers_free - release everything; accepts NULL, returns NULL */
LAYERS *layers_free(LAYERS *l)
{
    if (l == NULL)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]->location);
        free(l->v[i]->part);
        free(l->v[i]->name);
        free(l->v[i]->engine_type);
        free(l->v[i]);
    }
    for (size_t i = 0; i < l->nvba; i++) {
        free(l->vba[i]->location);
        free(l->vba[i]->part);
        free(l->vba[i]->name);
        free(l->vba[i]->source);
        free(l->vba[i]);
    }
    free(l->v);
    free(l->vba);
    free(l);
    return NULL;
}

/* layers_add - record a layer unless its hash is already there (see layer.h) */
LAYER *layers_add(LAYERS *l, const char *location, const char *sha256)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i]->sha256, sha256) == 0) {
            size_t a = strcspn(l->v[i]->location, ">[");
            size_t b = strcspn(location, ">[");
            if (a != b || strncmp(l->v[i]->location, location, a) != 0)
                l->cross_dups++;
            return NULL;
        }
    }
    if (l->n >= l->max) {
        l->overflow = true;
        return NULL;
    }
    LAYER *y = xcalloc(1, sizeof(LAYER));
    y->location = xstrdup(location);
    snprintf(y->sha256, sizeof(y->sha256), "%s", sha256);
    y->ft.name = "empty";
    XGROW(l->v, l->n, l->cap);
    l->v[l->n++] = y;
    return y;
}

/*
 * vba_name - the module name from its `attribute vb_name = "X"` line, or "module";
 * the sender wrote it, so it is sanitized before it becomes part of a location
 */
static char *vba_name(const char *src, size_t n)
{
    const char *a = str_memmem_ci(src, n, "attribute vb_name = \"");
    if (a == NULL)
        return xstrdup("module");
    a += strlen("attribute vb_name = \"");
    const char *e = memchr(a, '"', n - (size_t)(a - src));
    if (e == NULL || e == a || e - a > 128)
        return xstrdup("module");
    BUF *b = buf_new(64);
    str_sanitize(b, a, (size_t)(e - a), 64);
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* layers_add_vba - record a VBA module unless the same text is already there */
VBA_MODULE *layers_add_vba(LAYERS *l, const char *part_location, const char *part,
                           const char *source, size_t n)
{
    char sha[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(source, n, sha);
    for (size_t i = 0; i < l->nvba; i++) {
        if (strcmp(l->vba[i]->sha256, sha) == 0) {
            if (strcmp(l->vba[i]->part, part) != 0)
                l->cross_dups++;
            return NULL;
        }
    }
    if (l->nvba >= LAYERS_MAX_VBA) {
        l->overflow = true;
        return NULL;
    }
    VBA_MODULE *m = xcalloc(1, sizeof(VBA_MODULE));
    m->name = vba_name(source, n);
    m->location = xasprintf("%s>vba:%s", part_location, m->name);
    m->part = xstrdup(part);
    m->source = xstrndup(source, n);
    m->len = strlen(m->source);
    memcpy(m->sha256, sha, sizeof(sha));
    XGROW(l->vba, l->nvba, l->capvba);
    l->vba[l->nvba++] = m;
    return m;
}
