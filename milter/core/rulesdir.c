/*
 * rulesdir - the union of several rules directories as one directory of links (see rulesdir.h)
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rulesdir.h"
#include "lib/xalloc.h"

/* link_dir - link each regular file of src into dst unless dst has that name; recurse once */
static bool link_dir(const char *src, const char *dst, int depth, size_t *count, BUF *err)
{
    DIR *d = opendir(src);
    if (d == NULL)
        return true; /* a missing layer is no error */
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *from = xasprintf("%s/%s", src, e->d_name);
        char *to = xasprintf("%s/%s", dst, e->d_name);
        struct stat st;
        struct stat have;
        if (stat(from, &st) != 0) {
            /* a dangling link in a rules directory: skip it like the loaders would */
        } else if (S_ISDIR(st.st_mode) && depth == 0) {
            if (mkdir(to, 0700) != 0 && errno != EEXIST) {
                buf_printf(err, "%s: cannot create: %s", to, strerror(errno));
                ok = false;
            } else {
                ok = link_dir(from, to, 1, count, err);
            }
        } else if (S_ISREG(st.st_mode) && lstat(to, &have) != 0) {
            if (++*count > RULESDIR_MAX_FILES) {
                buf_printf(err, "%s: more than %d rule files", src, RULESDIR_MAX_FILES);
                ok = false;
            } else if (symlink(from, to) != 0) {
                buf_printf(err, "%s: cannot link %s: %s", to, from, strerror(errno));
                ok = false;
            }
        }
        free(from);
        free(to);
    }
    closedir(d);
    return ok;
}

/* remove_tree - unlink the links and remove the directories of an overlay (two levels) */
static void remove_tree(const char *path, int depth)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = xasprintf("%s/%s", path, e->d_name);
            struct stat st;
            if (depth == 0 && lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(p, 1);
            else
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(path);
}

/* rulesdir_overlay - see rulesdir.h */
char *rulesdir_overlay(char *const *dirs, size_t n, const char *tmpbase, BUF *err)
{
    char *path = xasprintf("%s/fileless-rules-XXXXXX", tmpbase);
    if (mkdtemp(path) == NULL) {
        buf_printf(err, "%s: cannot create the rules overlay: %s", tmpbase, strerror(errno));
        free(path);
        return NULL;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (!link_dir(dirs[i], path, 0, &count, err))
            return rulesdir_remove(path);
    return path;
}

/* rulesdir_remove - see rulesdir.h */
char *rulesdir_remove(char *overlay)
{
    if (overlay == NULL)
        return NULL;
    remove_tree(overlay, 0);
    free(overlay);
    return NULL;
}
