/*
 * main - command line: daemon, offline scan (-t), config check (-n), defaults (-d)
 *
 *   fileless-milter [-c CONFIG] [-f]                      run the milter daemon
 *   fileless-milter [-c CONFIG] -t [--json] FILE.eml...   scan messages offline
 *   fileless-milter [-c CONFIG] -n                        check config and rules, exit 0/1
 *   fileless-milter -d                                    print every key with its default
 *
 * The daemon (daemon.c) detaches and logs to syslog, or with -f stays in the foreground
 * and logs to stderr.
 * Exit status: 0 success; 1 bad config, bad rules or bad usage; 2 when a file given to
 * -t could not be read (the others are still scanned and reported).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyse.h"
#include "cache/cache.h"
#include "core/config.h"
#include "mta/daemon.h"
#include "core/log.h"
#include "emu/emulate.h"
#include "emu/pool.h"
#include "mime/mime.h"
#include "msg.h"
#include "policy/report.h"
#include "policy/symcheck.h"
#include "core/ruleset.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define VERSION "0.1.0"

typedef struct OPTS {
    const char *config;
    const char *extract;
    bool test, json, check, dump, dump_man, foreground;
    bool exit_code; /* -t: the exit status tells the worst verdict */
} OPTS;

/* exit status of `-t --exit-code` for the worst verdict (2 stays "a file could not be read") */
#define EXIT_TAG        3
#define EXIT_QUARANTINE 4
#define EXIT_REJECT     5

/* usage - print the synopsis and exit */
static void usage(int status)
{
    fprintf(status ? stderr : stdout,
            "usage: fileless-milter [-c CONFIG] [-f]                    run the milter daemon\n"
            "       fileless-milter [-c CONFIG] -t [--json] FILE.eml...   scan offline\n"
            "       fileless-milter [-c CONFIG] -n                      check config and rules\n"
            "       fileless-milter -d                                  print defaults\n"
            "options: -c FILE config (default ./milter.conf, then "
            "/etc/fileless-milter/milter.conf)\n"
            "         --json one JSON object per message; --extract DIR write decoded parts\n"
            "         to DIR/REF/PATH.bin (PATH.txt: UTF-8 text of text parts; vba-N.txt:\n"
            "         VBA module source) and the layers inside them (archive members,\n"
            "         Office parts, decoded scripts) to DIR/REF/PATH.LN-NAME.bin, listed\n"
            "         with their locations in DIR/REF/layers.tsv (no cache with it)\n"
            "         --exit-code with -t: exit 0 when every message is clean, else 3 (tag),\n"
            "         4 (quarantine) or 5 (reject) for the worst verdict; 2 when a file could\n"
            "         not be read, 1 for a config or rules error (without it: 0, 2 or 1)\n"
            "         -f foreground, log to stderr; -V version; -h help\n");
    exit(status);
}

/* parse_args - argv into OPTS; returns the index of the first file */
static int parse_args(int argc, char **argv, OPTS *o)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},      {"config", required_argument, NULL, 'c'},
        {"dump-man", no_argument, NULL, 'M'},  {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},   {"extract", required_argument, NULL, 'x'},
        {"exit-code", no_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "c:tndfhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->config = optarg;
            break;
        case 't':
            o->test = true;
            break;
        case 'n':
            o->check = true;
            break;
        case 'd':
            o->dump = true;
            break;
        case 'f':
            o->foreground = true;
            break;
        case 'j':
            o->json = true;
            break;
        case 'M':
            o->dump_man = true;
            break;
        case 'x':
            o->extract = optarg;
            break;
        case 'e':
            o->exit_code = true;
            break;
        case 'V':
            printf("fileless-milter %s\n", VERSION);
            exit(0);
        case 'h':
            usage(0);
            break;
        default:
            usage(1);
        }
    }
    return optind;
}

/* load_ruleset - config file and rules, or exit 1 with the reason */
static RULESET *load_ruleset(const OPTS *o)
{
    CONFIG *cfg = config_new();
    BUF *err = buf_new(128);
    const char *path = o->config ? o->config : config_default_path();
    if (config_load(cfg, path, err) != 0) {
        fprintf(stderr, "fileless-milter: %s\n", err->data);
        exit(1);
    }
    log_open("fileless-milter", true, cfg->syslog_facility);
    log_set_level(cfg->log_level);
    log_set_debug(cfg->log_debug);
    RULESET *rs = ruleset_init_libraries(err) == 0 ? ruleset_load(cfg, err) : NULL;
    if (rs == NULL) {
        while (err->len && err->data[err->len - 1] == '\n')
            buf_truncate(err, err->len - 1);
        fprintf(stderr, "fileless-milter: %s\n", err->data);
        exit(1);
    }
    buf_free(err);
    return rs;
}

/* read_message - a file's bytes, at most limit+1 of them; NULL with errno on failure */
static char *read_message(const char *path, size_t limit, size_t *len, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct stat st;
    BUF *b = buf_new(fstat(fileno(f), &st) == 0 && st.st_size > 0 && (size_t)st.st_size <= limit
                         ? (size_t)st.st_size + 1
                         : 65536);
    char chunk[65536];
    size_t n;
    while (b->len <= limit && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_cat(b, chunk, n);
    *size = b->len > limit && S_ISREG(st.st_mode) ? (size_t)st.st_size : b->len;
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_free(b);
        errno = EIO;
        return NULL;
    }
    char *r = buf_steal(b, len);
    buf_free(b);
    return r;
}

/* skip_mbox_from - an mbox "From " separator line is not part of the message */
static size_t skip_mbox_from(const char *p, size_t n)
{
    if (n < 5 || memcmp(p, "From ", 5) != 0)
        return 0;
    const char *nl = memchr(p, '\n', n);
    return nl ? (size_t)(nl - p) + 1 : 0;
}

/* write_file - create path with the given bytes (0600); false on failure */
static bool write_file(const char *path, const char *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return false;
    bool ok = true;
    while (ok && n) {
        ssize_t w = write(fd, p, n);
        ok = w > 0;
        if (ok) {
            p += w;
            n -= (size_t)w;
        }
    }
    return close(fd) == 0 && ok;
}

/*
 * extract_parts - write each decoded part under dir/ref/. File names are built from our
 * part paths only (digits, dots, '~' and letters), never from sender-chosen filenames.
 */
static void extract_parts(const char *dir, const MSG *m)
{
    char *sub = xasprintf("%s/%s", dir, m->ref);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        log_error("--extract %s: %s", dir, strerror(errno));
    if (mkdir(sub, 0700) != 0 && errno != EEXIST)
        log_error("--extract %s: %s", sub, strerror(errno));
    for (size_t i = 0; i < m->parts->n; i++) {
        const PART *p = m->parts->v[i];
        char *bin = xasprintf("%s/%s.bin", sub, p->path);
        char *txt = xasprintf("%s/%s.txt", sub, p->path);
        if (p->data && !write_file(bin, p->data->data, p->size))
            log_error("--extract %s: %s", bin, strerror(errno));
        if (p->text && !write_file(txt, p->text, p->text_len))
            log_error("--extract %s: %s", txt, strerror(errno));
        free(bin);
        free(txt);
    }
    for (size_t i = 0; i < m->layers->nvba; i++) {
        const VBA_MODULE *v = m->layers->vba[i];
        char *path = xasprintf("%s/vba-%zu.txt", sub, i + 1);
        if (!write_file(path, v->source, v->len))
            log_error("--extract %s: %s", path, strerror(errno));
        free(path);
    }
    free(sub);
}

/* EXTRACT - where --extract writes the layers of one message while it is scanned */
typedef struct EXTRACT {
    char *sub;   /* DIR/REF */
    FILE *index; /* DIR/REF/layers.tsv, opened with the first layer */
    size_t n;
} EXTRACT;

/* extract_layer - the message's layer sink: DIR/REF/<part>.L<n>-<name>.bin. The file name
 * is built from the part path (digits and dots) and the last step of the location with
 * every byte outside [A-Za-z0-9._-] replaced and no leading dot, so a member called
 * "../../x" or "a/b" stays inside DIR/REF; layers.tsv maps each file to its location
 * (sanitized). How many and how big: max_layers and the engines' size limits. */
static void extract_layer(void *ctx, const char *loc, const unsigned char *data, size_t n)
{
    EXTRACT *x = ctx;
    size_t plen = strspn(loc, "0123456789.");
    const char *last = strrchr(loc, '>');
    last = last ? last + 1 : (strchr(loc, '/') ? strchr(loc, '/') + 1 : loc);
    char name[65];
    size_t k = 0;
    for (const char *c = last; *c && k < sizeof(name) - 1; c++) {
        bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || (*c == '.' && k);
        name[k++] = keep ? *c : '_';
    }
    name[k] = 0;
    char *file =
        xasprintf("%.*s.L%zu-%s.bin", (int)(plen ? plen : 1), plen ? loc : "x", ++x->n, name);
    char *path = xasprintf("%s/%s", x->sub, file);
    if (!write_file(path, (const char *)data, n))
        log_error("--extract %s: %s", path, strerror(errno));
    if (x->index == NULL) {
        char *ip = xasprintf("%s/layers.tsv", x->sub);
        int fd = open(ip, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
        x->index = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (x->index == NULL)
            log_error("--extract %s: %s", ip, strerror(errno));
        free(ip);
    }
    if (x->index) {
        char *sl = str_sanitize_dup(loc, 1000);
        fprintf(x->index, "%s\t%zu\t%s\n", file, n, sl);
        free(sl);
    }
    free(path);
    free(file);
}

/* extract_begin - the directories of --extract, and the layer sink on m */
static void extract_begin(EXTRACT *x, const char *dir, MSG *m)
{
    x->sub = xasprintf("%s/%s", dir, m->ref);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        log_error("--extract %s: %s", dir, strerror(errno));
    if (mkdir(x->sub, 0700) != 0 && errno != EEXIST)
        log_error("--extract %s: %s", x->sub, strerror(errno));
    m->layer_sink = extract_layer;
    m->layer_ctx = x;
}

/* cpu_ms - CPU time (user + system, every thread) of this process so far, in ms */
static double cpu_ms(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* scan_file - scan one file and print its report, keeping the worst verdict in *worst;
 * false when it cannot be read. The log line gives the message's wall time (ms) and the
 * process's CPU time spent on it (cpu_ms: a batch of files in one process is judged per
 * file by it, tests/corpus/run-corpus.sh) */
static bool scan_file(const char *path, const OPTS *o, const RULESET *rs, VERDICT *worst)
{
    double cpu0 = cpu_ms();
    size_t len = 0;
    size_t size = 0;
    char *raw = read_message(path, (size_t)rs->cfg->max_message_size, &len, &size);
    if (raw == NULL) {
        fprintf(stderr, "fileless-milter: %s: %s\n", path, strerror(errno));
        return false;
    }
    size_t skip = skip_mbox_from(raw, len);
    char ref[17];
    msg_ref_from_bytes(raw + skip, len - skip, ref);
    MSG *m = msg_new(ref);
    EXTRACT x = {0};
    if (o->extract) /* every part scanned (no cache hit), so every layer is written */
        extract_begin(&x, o->extract, m);
    analyse_message(m, raw + skip, len - skip, rs, o->extract ? NULL : cache_default());
    m->size = size - skip;
    BUF *out = buf_new(4096);
    if (o->json)
        report_json(out, path, m, rs);
    else
        report_text(out, path, m, rs);
    fwrite(out->data, 1, out->len, stdout);
    fflush(stdout);
    if (o->extract) {
        extract_parts(o->extract, m);
        if (x.index)
            fclose(x.index);
        free(x.sub);
    }
    char *spath = str_sanitize_dup(path, 200);
    log_info("ref=%s file=%s size=%zu parts=%zu urls=%zu hits=%zu score=%.2f verdict=%s "
             "cache=%u/%u%s ms=%.1f cpu_ms=%.1f",
             m->ref, spath, m->size, m->parts->n, m->urls->n, m->hits->n, m->score,
             verdict_name(m->verdict), m->cache.hits, m->cache.misses,
             m->cache.errors ? "/error" : "", m->ms, cpu_ms() - cpu0);
    free(spath);
    buf_free(out);
    if (m->verdict > *worst)
        *worst = m->verdict;
    msg_free(m);
    free(raw);
    return true;
}

#define MMAP_THRESHOLD (256 * 1024) /* bytes: blocks this big come from mmap (see main) */

int main(int argc, char **argv)
{
    /* GLib's slice allocator keeps what GMime freed in caches of its own for good (1.2 GB
     * after one header flood); with plain malloc, conn.c's malloc_trim gives it back. GLib
     * reads G_SLICE before main, so set it and start again (once; the unit sets it too) */
    if (getenv("G_SLICE") == NULL && setenv("G_SLICE", "always-malloc", 1) == 0)
        execv("/proc/self/exe", argv); /* on failure: go on with the slice allocator */
    /* Big blocks (decoded parts, spooled bodies, libclamav's copies) always from mmap, so
     * they go back to the system when freed: by default glibc raises its mmap threshold to
     * the largest block freed (up to 32 MiB), and from then on such blocks come from the
     * malloc arenas and stay there. Measured in a cold soak with 4 connections (make soak):
     * 129 MB high-water with the default, 62 MB with the threshold fixed. */
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    OPTS o = {0};
    int first = parse_args(argc, argv, &o);
    if (o.dump || o.dump_man) {
        (o.dump ? config_dump : config_dump_man)(stdout);
        return 0;
    }
    if (!o.test && !o.check && first < argc)
        usage(1);
    RULESET *rs = load_ruleset(&o);
    if (!o.test && !o.check)
        return daemon_run(rs, o.foreground);
    if (o.check) {
        BUF *unknown = buf_new(64);
        if (symcheck_unknown(rs->scores, unknown) > 0) {
            fprintf(stderr,
                    "fileless-milter: scoring.conf weighs symbols that nothing reports "
                    "(misspelled?): %s\n",
                    unknown->data);
            buf_free(unknown);
            ruleset_free(rs);
            return 1;
        }
        buf_free(unknown);
        BUF *why = buf_new(64);
        if (rs->cfg->emulate && emu_selfcheck(rs->cfg, why) != 0) { /* the helper starts */
            fprintf(stderr, "fileless-milter: %s\n", why->data);
            exit(1);
        }
        buf_free(why);
        emu_pool_shutdown();
        printf("fileless-milter: config %s OK, rules %s%s", rs->cfg->path, rs->id,
               rs->cfg->emulate ? ", emulation helper OK" : "");
        if (rs->policies->path)
            printf(", policy file %s OK (%zu policies)", rs->policies->path, rs->policies->n - 1);
        putchar('\n');
        ruleset_free(rs);
        return 0;
    }
    if (first >= argc)
        usage(1);
    mime_init();
    signal(SIGPIPE, SIG_IGN);
    BUF *err = buf_new(64);
    CACHE *cache = cache_open(rs->cfg, err); /* the same cache as the daemon's */
    if (cache == NULL && err->len) {
        fprintf(stderr, "fileless-milter: %s\n", err->data);
        exit(1);
    }
    buf_free(err);
    cache_set_default(cache);
    int status = 0;
    VERDICT worst = VERDICT_CLEAN;
    for (int i = first; i < argc; i++)
        if (!scan_file(argv[i], &o, rs, &worst))
            status = 2;
    static const int by_verdict[] = {0, EXIT_TAG, EXIT_QUARANTINE, EXIT_REJECT};
    if (o.exit_code && status == 0)
        status = by_verdict[worst];
    cache_close(cache);
    emu_pool_shutdown();
    ruleset_free(rs);
    return status;
}
