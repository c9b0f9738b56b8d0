/*
 * replay - a main() for the fuzz targets without libFuzzer: feeds files to
 *          LLVMFuzzerTestOneInput once each
 *
 *   fuzz_X FILE|DIR...
 *
 * Every regular file named, or found directly in a directory named, is read whole and
 * passed to LLVMFuzzerTestOneInput. Built with the normal ASan+UBSan flags, so a replayed
 * crash input aborts with the sanitizer's report. Prints "replayed N inputs" and exits 0
 * when every input ran; exit 2 when a file could not be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "fuzz.h"

/* replay_file - read one file and run the target on it; false when it cannot be read */
static bool replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return false;
    }
    BUF *b = buf_new(4096);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_cat(b, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    if (ok) {
        /* an exact-size copy, so ASan sees a read one byte past the input */
        uint8_t *copy = malloc(b->len ? b->len : 1);
        memcpy(copy, b->data, b->len);
        LLVMFuzzerTestOneInput(copy, b->len);
        free(copy);
    }
    buf_free(b);
    return ok;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL) {
                char *p = NULL;
                if (e->d_name[0] == '.' || asprintf(&p, "%s/%s", argv[i], e->d_name) < 0)
                    continue;
                if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
                    status = replay_file(p) ? status : 2;
                    count++;
                }
                free(p);
            }
            if (d)
                closedir(d);
        } else {
            status = replay_file(argv[i]) ? status : 2;
            count++;
        }
    }
    printf("replayed %zu inputs\n", count);
    return status;
}
