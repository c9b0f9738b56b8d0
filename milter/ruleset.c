/*
 * ruleset - snapshot of config and rules (see ruleset.h)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "ruleset.h"
#include "xalloc.h"

/* hash_file - add a file's name and bytes to the version digest */
static bool hash_file(DIGEST *d, const char *path, BUF *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        buf_printf(err, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    char chunk[8192];
    size_t n;
    digest_update(d, path, strlen(path) + 1);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        digest_update(d, chunk, n);
    bool ok = !ferror(f);
    if (!ok)
        buf_printf(err, "%s: read error", path);
    fclose(f);
    return ok;
}

/* ruleset_load - build a snapshot (see ruleset.h) */
RULESET *ruleset_load(CONFIG *cfg, BUF *err)
{
    RULESET *rs = xcalloc(1, sizeof(RULESET));
    rs->cfg = cfg;
    char *dir = config_resolve(cfg, cfg->rules_dir);
    char *scoring = xasprintf("%s/scoring.conf", dir);
    DIGEST *d = digest_new();
    char hex[DIGEST_HEX_LEN + 1];
    rs->scores = scores_load(scoring, err);
    bool ok = rs->scores != NULL && hash_file(d, scoring, err);
    if (ok) {
        digest_final_hex(d, hex);
        memcpy(rs->id, hex, 16);
        rs->id[16] = 0;
    }
    digest_free(d);
    free(scoring);
    free(dir);
    return ok ? rs : ruleset_free(rs);
}

/* ruleset_free - release; accepts NULL, returns NULL */
RULESET *ruleset_free(RULESET *rs)
{
    if (rs == NULL)
        return NULL;
    config_free(rs->cfg);
    scores_free(rs->scores);
    free(rs);
    return NULL;
}
