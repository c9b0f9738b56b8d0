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
    size_t n = strlen(name);
    size_t s = strlen(suf);
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

/* file_mentions - the file at path holds the bytes of word (read in chunks; the overlap
 * keeps a word cut by a chunk border) */
static bool file_mentions(const char *path, const char *word)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    size_t wl = strlen(word);
    size_t keep = 0;
    size_t got;
    char buf[65536];
    bool found = false;
    while (!found && (got = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
        size_t n = keep + got;
        found = memmem(buf, n, word, wl) != NULL;
        keep = n < wl ? n : wl - 1;
        memmove(buf, buf + n - keep, keep);
    }
    fclose(f);
    return found;
}

/* clamdb_image_hash - see clamdb.h */
bool clamdb_image_hash(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (d == NULL)
        return false;
    bool want = false;
    struct dirent *e;
    while (!want && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] == '.')
            continue;
        if (has_suffix(n, ".cvd") || has_suffix(n, ".cld") || has_suffix(n, ".cud")) {
            want = true; /* packed: assume it has them */
        } else if (has_suffix(n, ".ldb") || has_suffix(n, ".ldu")) {
            char *path = xasprintf("%s/%s", dir, n);
            want = file_mentions(path, "fuzzy_img#");
            free(path);
        }
    }
    closedir(d);
    return want;
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
    size_t n = 0;
    size_t cap = 0;
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
