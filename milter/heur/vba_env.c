/*
 * vba_env - string variables and junk markers of one VBA project (see heur/vba_env.h)
 *
 * A flat array searched linearly: VENV_VARS names of VENV_NAME bytes at most, so a lookup
 * costs at most VENV_VARS comparisons and the memory is bounded by VENV_VARS * cap.
 */
#include <stdlib.h>
#include <string.h>

#include "heur/vba_env.h"
#include "lib/xalloc.h"

typedef struct VAR {
    char name[VENV_NAME];
    unsigned char len;
    BUF *val;
} VAR;

struct VENV {
    VAR v[VENV_VARS];
    size_t n, cap;
    char junk[VENV_JUNK][VENV_JUNK_LEN];
    unsigned char jlen[VENV_JUNK];
    size_t njunk;
};

/* venv_new - an empty environment; values are cut at cap bytes */
VENV *venv_new(size_t cap)
{
    VENV *e = xcalloc(1, sizeof(*e));
    e->cap = cap ? cap : 4096;
    return e;
}

/* venv_free - accepts NULL, returns NULL */
VENV *venv_free(VENV *e)
{
    if (e == NULL)
        return NULL;
    for (size_t i = 0; i < e->n; i++)
        buf_free(e->v[i].val);
    free(e);
    return NULL;
}

/* find - the variable named name[0..n), or NULL */
static VAR *find(const VENV *e, const char *name, size_t n)
{
    for (size_t i = 0; n < VENV_NAME && i < e->n; i++)
        if (e->v[i].len == n && memcmp(e->v[i].name, name, n) == 0)
            return (VAR *)&e->v[i];
    return NULL;
}

/* venv_set - name = val (cut at cap bytes); not recorded when full or the name is long */
void venv_set(VENV *e, const char *name, size_t n, const char *val, size_t vn)
{
    if (e == NULL || n == 0 || n >= VENV_NAME)
        return;
    VAR *v = find(e, name, n);
    if (v == NULL) {
        if (e->n >= VENV_VARS)
            return;
        v = &e->v[e->n++];
        memcpy(v->name, name, n);
        v->len = (unsigned char)n;
        v->val = buf_new(vn + 1);
    }
    buf_reset(v->val);
    buf_cat(v->val, val, vn < e->cap ? vn : e->cap);
}

/* venv_get - the value of name, or NULL */
const BUF *venv_get(const VENV *e, const char *name, size_t n)
{
    const VAR *v = e ? find(e, name, n) : NULL;
    return v ? v->val : NULL;
}

/* venv_del - forget name (its value is no longer constant) */
void venv_del(VENV *e, const char *name, size_t n)
{
    VAR *v = e ? find(e, name, n) : NULL;
    if (v == NULL)
        return;
    buf_free(v->val);
    *v = e->v[--e->n];
}

/* venv_junk - remember a marker that Replace() removes */
void venv_junk(VENV *e, const char *p, size_t n)
{
    if (e == NULL || n < 2 || n >= VENV_JUNK_LEN || e->njunk >= VENV_JUNK)
        return;
    for (size_t i = 0; i < e->njunk; i++)
        if (e->jlen[i] == n && memcmp(e->junk[i], p, n) == 0)
            return;
    memcpy(e->junk[e->njunk], p, n);
    e->jlen[e->njunk++] = (unsigned char)n;
}

/* venv_njunk - how many junk markers are known */
size_t venv_njunk(const VENV *e)
{
    return e ? e->njunk : 0;
}

/* venv_strip - p[0..n) without junk markers appended to out; true if one was removed */
bool venv_strip(const VENV *e, BUF *out, const char *p, size_t n)
{
    bool cut = false;
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        while (k < e->njunk && !(n - i >= e->jlen[k] && memcmp(p + i, e->junk[k], e->jlen[k]) == 0))
            k++;
        if (k < e->njunk) {
            i += e->jlen[k];
            cut = true;
        } else {
            buf_putc(out, p[i++]);
        }
    }
    return cut;
}
