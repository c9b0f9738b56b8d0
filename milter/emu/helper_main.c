/*
 * fileless-emu - the sandboxed JavaScript emulation helper (one process per worker)
 *
 *   fileless-emu [-m MIB] [-c CPU_SECONDS] [-j JOBS]      worker: requests on fd 0, events on fd 1
 *   fileless-emu --run FILE [-k wsh|browser|hta] [-t MS] [-m MIB]    one file, events as text
 *   fileless-emu --probe-sandbox      lock down, then make a forbidden call (tests: SIGSYS)
 *
 * A worker is started by the milter (emu/pool.c) with its pipes on fd 0 and 1. It closes
 * every other descriptor, sets TZ=UTC0 (so Date never opens /etc/localtime), its
 * rlimits (address space: MIB plus EMU_OVERHEAD_MIB; CPU seconds for its whole life) and
 * then the seccomp filter (sandbox.c), before it has read any script, and says "ready"
 * (an END frame) so that the milter times scripts, not start-up. From then on it can
 * only read fd 0, write fd 1, allocate memory and exit. Each request (evlog.h) runs in a
 * fresh interpreter heap (engine.c) and its events are written as frames as they happen,
 * so a run cut off by the milter's watchdog still leaves what it did so far. After JOBS
 * requests, or at end of input, the worker exits and the milter starts a new one.
 * At most EMU_MAX_EVENTS events and EMU_MAX_OUT bytes leave one run; the END frame says
 * how many were dropped.
 *
 * --run is for tests and analysts: the same limits and filter, the file read before the
 * lockdown (markup by its extension: .html .svg .hta .wsf .sct .xsl give their script blocks,
 * run as a page, HTA or script host unless -k says otherwise), the events printed one per line
 * (fields separated by " | ", control bytes as \xNN, long fields cut at 300 bytes).
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "emu/engine.h"
#include "emu/evlog.h"
#include "emu/extract.h"
#include "emu/sandbox.h"
#include "host_js.h"
#include "lib/buf.h"

#define EMU_OVERHEAD_MIB 64
#define EMU_MAX_EVENTS   4000
#define EMU_MAX_OUT      (48u << 20)

typedef struct SINK {
    int fd;
    int text;
    size_t events, bytes, dropped;
    BUF *b;
} SINK;

/* write_all - the whole buffer to fd, or exit: the milter has gone */
static void write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(4);
        p += w;
        n -= (size_t)w;
    }
}

/* text_field - one field for --run output */
static void text_field(BUF *b, const char *p, size_t n)
{
    size_t max = n > 300 ? 300 : n;
    for (size_t i = 0; i < max; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch < 0x20 || ch == 0x7f)
            buf_printf(b, "\\x%02x", ch);
        else
            buf_cat(b, (const char *)&ch, 1);
    }
    if (max < n)
        buf_printf(b, "...(%zu bytes)", n);
}

/* sink - one event from the engine: a frame (worker) or a line (--run) */
static void sink(void *ctx, int kind, const char *const *f, const size_t *l, size_t n)
{
    SINK *s = ctx;
    size_t size = 16;
    for (size_t i = 0; i < n; i++)
        size += l[i] + 4;
    if (kind != EVLOG_EV_END && (s->events >= EMU_MAX_EVENTS || s->bytes + size > EMU_MAX_OUT)) {
        s->dropped++;
        return;
    }
    s->events++;
    s->bytes += size;
    buf_truncate(s->b, 0);
    char note[64];
    const char *ef[4];
    size_t el[4];
    if (kind == EVLOG_EV_END) { /* status, message, dropped count [, "exit"] */
        snprintf(note, sizeof(note), "%zu", s->dropped);
        ef[0] = f[0];
        el[0] = l[0];
        ef[1] = n > 1 ? f[1] : "";
        el[1] = n > 1 ? l[1] : 0;
        ef[2] = note;
        el[2] = strlen(note);
        ef[3] = "exit";
        el[3] = 4;
        n = n > 2 ? 4 : 3;
        f = ef;
        l = el;
    }
    if (s->text) {
        buf_printf(s->b, "%c", kind);
        for (size_t i = 0; i < n; i++) {
            buf_cat(s->b, " | ", i ? 3 : 1);
            text_field(s->b, f[i], l[i]);
        }
        buf_cat(s->b, "\n", 1);
    } else {
        evlog_put_event(s->b, kind, f, l, n);
    }
    write_all(s->fd, s->b->data, s->b->len);
}

/* read_request - the next whole request from fd 0; NULL at end of input */
static unsigned char *read_request(BUF *in, EVLOG_REQUEST *r)
{
    buf_truncate(in, 0);
    for (;;) {
        long got = evlog_get_request((const unsigned char *)in->data, in->len, r);
        if (got > 0)
            return (unsigned char *)in->data;
        if (got < 0)
            _exit(5);
        char chunk[65536];
        ssize_t n = read(0, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        buf_cat(in, chunk, (size_t)n);
    }
}

/* prepare - what every mode does before lockdown */
static void prepare(unsigned mib, unsigned cpu)
{
    setenv("TZ", "UTC0", 1);
    tzset();
    sandbox_limits(((size_t)mib + EMU_OVERHEAD_MIB) << 20, cpu);
    engine_prepare(host_js, sizeof(host_js) - 1);
}

/* run_file - the --run mode */
static int run_file(const char *path, unsigned kind, unsigned ms, unsigned mib)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    BUF *src = buf_new(65536);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && src->len < EVLOG_MAX_SCRIPT)
        buf_cat(src, chunk, n);
    fclose(f);
    const char *base = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    base = base ? base + 1 : path;
    BUF *js = buf_new(src->len + 64); /* markup: its script blocks, as the milter sends them */
    const char *ext = dot && strcmp(dot + 1, "jse") != 0 ? dot + 1 : "js";
    if (strcasecmp(ext, "htm") == 0 || strcasecmp(ext, "html") == 0)
        ext = "html";
    else if (strcasecmp(ext, "xsl") == 0 || strcasecmp(ext, "xslt") == 0)
        ext = "xml";
    int k = emu_extract(ext, src->data, src->len, js);
    static const char *const markup[] = {"html", "hta", "wsf", "sct", "svg", "xml"};
    bool is_markup = false;
    for (size_t i = 0; i < sizeof(markup) / sizeof(markup[0]); i++)
        is_markup = is_markup || strcasecmp(ext, markup[i]) == 0;
    if (k < 0 && is_markup) {
        printf("E none | no script block to run | 0\n"); /* the milter runs nothing either */
        return 0;
    }
    if (k >= 0 && (int)kind == EVLOG_KIND_WSH)
        kind = (unsigned)k;
    if (k >= 0)
        src = js;
    prepare(mib, ms / 1000 + 2);
    SINK s = {1, 1, 0, 0, 0, buf_new(4096)};
    if (sandbox_lockdown(0, 1) != 0) {
        fprintf(stderr, "fileless-emu: seccomp filter not loaded\n");
        return 1;
    }
    EVLOG_REQUEST r = {ms, mib, kind, base, strlen(base), src->data, src->len};
    engine_run(host_js, sizeof(host_js) - 1, &r, sink, &s);
    _exit(0);
}

int main(int argc, char **argv)
{
    unsigned mib = 128;
    unsigned cpu = 30;
    unsigned jobs = 64;
    unsigned ms = 2000;
    unsigned kind = EVLOG_KIND_WSH;
    const char *run = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--probe-sandbox") == 0) { /* tests: a forbidden call after lockdown */
            prepare(mib, cpu);
            if (sandbox_lockdown(0, 1) != 0)
                return 6;
            syscall(SYS_getppid); /* not on the list: SIGSYS kills the process here */
            return 0;
        }
        if (strcmp(a, "--run") == 0 && v)
            run = v, i++;
        else if (strcmp(a, "-m") == 0 && v)
            mib = (unsigned)atoi(v), i++;
        else if (strcmp(a, "-c") == 0 && v)
            cpu = (unsigned)atoi(v), i++;
        else if (strcmp(a, "-j") == 0 && v)
            jobs = (unsigned)atoi(v), i++;
        else if (strcmp(a, "-t") == 0 && v)
            ms = (unsigned)atoi(v), i++;
        else if (strcmp(a, "-k") == 0 && v)
            kind = strcmp(v, "browser") == 0 ? EVLOG_KIND_BROWSER
                   : strcmp(v, "hta") == 0   ? EVLOG_KIND_HTA
                                             : EVLOG_KIND_WSH,
            i++;
        else {
            fprintf(stderr, "usage: fileless-emu [-m MIB] [-c CPU_S] [-j JOBS] | "
                            "--run FILE [-k wsh|browser|hta] [-t MS] [-m MIB]\n");
            return 1;
        }
    }
    if (run)
        return run_file(run, kind, ms, mib);
    close_range(3, ~0u, 0);
    prepare(mib, cpu);
    if (sandbox_lockdown(0, 1) != 0)
        return 6;
    BUF *in = buf_new(65536);
    BUF *out = buf_new(4096);
    const char *ready = "ready"; /* start-up is done: the milter's watchdog starts now */
    size_t rl = 5;
    evlog_put_event(out, EVLOG_EV_END, &ready, &rl, 1);
    write_all(1, out->data, out->len);
    for (unsigned done = 0; done < jobs; done++) {
        EVLOG_REQUEST r;
        if (read_request(in, &r) == NULL)
            break;
        if (r.memory_mib > mib)
            r.memory_mib = mib;
        SINK s = {1, 0, 0, 0, 0, out};
        engine_run(host_js, sizeof(host_js) - 1, &r, sink, &s);
    }
    _exit(0);
}
