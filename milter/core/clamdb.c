/*
 * clamdb - the official ClamAV database folder (see clamdb.h)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clamdb.h"
#include "core/digest.h"
#include "lib/xalloc.h"

/* has_suffix - name ends in suf */
static bool has_suffix(const char *name, const char *suf)
{
    size_t n = strlen(name), s = strlen(suf);
    return n > s && strcmp(name + n - s, suf) == 0;
}

/* has_database - dir holds a .cvd, .cld or .cud file */
static bool has_database(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL)
        found =
            e->d_name[0] != '.' && (has_suffix(e->d_name, ".cvd") ||
                                    has_suffix(e->d_name, ".cld") || has_suffix(e->d_name, ".cud"));
    closedir(d);
    return found;
}

/* clamdb_dir - see clamdb.h */
char *clamdb_dir(const CONFIG *c)
{
    const char *v = c->clamav_db_dir;
    if (v[0] == 0)
        return NULL;
    if (strcmp(v, "auto") == 0)
        return has_database(CLAMDB_FRESHCLAM_DIR) ? xstrdup(CLAMDB_FRESHCLAM_DIR) : NULL;
    return config_resolve(c, v);
}

/* by_name - qsort order */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* clamdb_stamp - see clamdb.h */
bool clamdb_stamp(const char *dir, char out[17])
{
    snprintf(out, 17, "none");
    DIR *d = opendir(dir);
    if (d == NULL)
        return false;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        XGROW(names, n, cap);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof(*names), by_name);
    DIGEST *dg = digest_new();
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            char line[64];
            int len = snprintf(line, sizeof(line), "%lld %lld.%09ld", (long long)st.st_size,
                               (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
            digest_update(dg, names[i], strlen(names[i]) + 1);
            digest_update(dg, line, (size_t)len + 1);
        }
        free(path);
        free(names[i]);
    }
    free(names);
    char hex[DIGEST_HEX_LEN + 1];
    digest_final_hex(dg, hex);
    digest_free(dg);
    memcpy(out, hex, 16);
    out[16] = 0;
    return true;
}
