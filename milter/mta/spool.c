/*
 * mta/spool - raw message storage in memory, spilling to an unlinked temp file (see mta/spool.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mta/spool.h"
#include "lib/xalloc.h"

/* spool_new - an empty spool */
SPOOL *spool_new(size_t mem_max, size_t keep_max)
{
    SPOOL *s = xcalloc(1, sizeof(*s));
    s->mem = buf_new(mem_max < 65536 ? mem_max + 1 : 65536);
    s->fd = -1;
    s->mem_max = mem_max;
    s->keep_max = keep_max;
    return s;
}

/* spool_free - release memory, mapping and file; returns NULL */
SPOOL *spool_free(SPOOL *s)
{
    if (s == NULL)
        return NULL;
    if (s->map)
        munmap(s->map, s->stored);
    if (s->fd >= 0)
        close(s->fd);
    buf_free(s->mem);
    free(s);
    return NULL;
}

/* tmp_fd - an anonymous private file: O_TMPFILE, else mkstemp and unlink */
static int tmp_fd(void)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == 0)
        dir = "/tmp";
    int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    char *path = xasprintf("%s/fileless-spool-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    free(path);
    return fd;
}

/* write_all - write n bytes; false on error */
static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* spill - move the memory contents to a new temp file */
static bool spill(SPOOL *s)
{
    s->fd = tmp_fd();
    if (s->fd < 0 || !write_all(s->fd, s->mem->data, s->mem->len))
        return false;
    buf_free(s->mem);
    s->mem = NULL;
    return true;
}

/* spool_add - append bytes (see spool.h) */
int spool_add(SPOOL *s, const void *p, size_t n)
{
    s->total += n;
    if (s->failed)
        return -1;
    if (s->stored + n > s->keep_max) {
        s->oversize = true;
        n = s->keep_max - s->stored;
    }
    if (n == 0)
        return 0;
    if (s->fd < 0 && s->stored + n > s->mem_max && !spill(s)) {
        s->failed = true;
        return -1;
    }
    if (s->fd >= 0 ? !write_all(s->fd, p, n) : !buf_try_cat(s->mem, p, n)) {
        s->failed = true;
        return -1;
    }
    s->stored += n;
    return 0;
}

/* spool_data - the stored bytes (see spool.h) */
const char *spool_data(SPOOL *s, size_t *len)
{
    *len = s->stored;
    if (s->fd < 0)
        return s->mem->data;
    if (s->map == NULL && s->stored) {
        void *m = mmap(NULL, s->stored, PROT_READ, MAP_PRIVATE, s->fd, 0);
        if (m == MAP_FAILED)
            return NULL;
        s->map = m;
    }
    return s->map ? s->map : "";
}
