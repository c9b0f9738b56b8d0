/*
 * floor - the least any content scanner must do: MIME-decode every part and hash it
 *
 * Usage: floor [-c THREADS] [-n MSGS] [-t SECS] DIR|FILE...
 *
 * Contract: loads every .eml file given (directories: their *.eml, sorted) into memory first,
 * then THREADS threads each take the next message and parse it with GMime 3 (one parser,
 * stream and message per parse; g_mime_init once before the threads, as the milter does),
 * walk every entity with GMimePartIter (which descends into message/rfc822), decode each
 * leaf part's content transfer encoding into memory and SHA-256 it with libcrypto (the same
 * digest the milter uses). No scanning, no URL or header analysis. Stops after -n messages
 * (default: each file once; 0: no limit) or -t seconds. Prints messages/s, MB/s, latency
 * percentiles, parts and decoded bytes, and a RESULT line in milterload's format.
 * A benchmark tool: it may include gmime.h itself (tests/check-code.sh only checks milter/).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <gmime/gmime.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* one message of the corpus */
typedef struct {
    char *data;
    size_t len;
} MSG;

/* per-thread results */
typedef struct {
    pthread_t tid;
    double *lat;
    size_t nlat, cap;
    long bytes, parts, decoded;
    unsigned char sink; /* folds every digest so the work cannot be optimised away */
} WORKER;

static MSG *msgs;
static size_t nmsgs;
static atomic_long next_msg;
static long max_msgs = -1;
static double max_secs, t_start;

/* now - monotonic seconds */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* die - print and exit 2 */
static void die(const char *what, const char *why)
{
    fprintf(stderr, "floor: %s: %s\n", what, why);
    exit(2);
}

/* xrealloc - realloc or die */
static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        die("realloc", "out of memory");
    return q;
}

/* add_path - read one file into the corpus */
static void add_path(const char *path)
{
    gchar *data;
    gsize len;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err))
        die(path, err->message);
    msgs = xrealloc(msgs, (nmsgs + 1) * sizeof(MSG));
    msgs[nmsgs].data = data;
    msgs[nmsgs++].len = len;
}

/* cmp_str - qsort helper for names */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load - files as given; directories: their *.eml sorted by name */
static void load(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        die(path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return add_path(path);
    DIR *d = opendir(path);
    if (d == NULL)
        die(path, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0) {
            names = xrealloc(names, (n + 1) * sizeof(char *));
            if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0)
                die("asprintf", "out of memory");
        }
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        add_path(names[i]);
        free(names[i]);
    }
    free(names);
}

/* hash_part - decode one leaf part into memory and SHA-256 it */
static void hash_part(WORKER *w, GMimePart *part, EVP_MD_CTX *md)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (content == NULL)
        return;
    GByteArray *ba = g_byte_array_new();
    GMimeStream *out = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
    g_mime_data_wrapper_write_to_stream(content, out);
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(md, ba->data, ba->len) != 1 || EVP_DigestFinal_ex(md, d, &dl) != 1)
        die("libcrypto", "SHA-256 failed");
    w->sink ^= d[0];
    w->parts++;
    w->decoded += (long)ba->len;
    g_object_unref(out);
    g_byte_array_free(ba, TRUE);
}

/* one_message - parse, walk every entity, decode and hash every leaf part */
static void one_message(WORKER *w, const MSG *m, EVP_MD_CTX *md)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(m->data, m->len);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *o = g_mime_parser_options_new();
    g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    GMimeMessage *msg = g_mime_parser_construct_message(p, o);
    if (msg != NULL) {
        GMimeObject *top = g_mime_message_get_mime_part(msg);
        if (top != NULL && GMIME_IS_PART(top))
            hash_part(w, GMIME_PART(top), md);
        GMimePartIter *it = g_mime_part_iter_new((GMimeObject *)msg);
        for (bool ok = g_mime_part_iter_is_valid(it); ok; ok = g_mime_part_iter_next(it)) {
            GMimeObject *cur = g_mime_part_iter_get_current(it);
            if (cur != top && GMIME_IS_PART(cur))
                hash_part(w, GMIME_PART(cur), md);
        }
        g_mime_part_iter_free(it);
        g_object_unref(msg);
    }
    g_mime_parser_options_free(o);
    g_object_unref(p);
    g_object_unref(s);
}

/* take - the next message index, or -1 when the run is over */
static long take(void)
{
    if (max_secs > 0 && now() - t_start >= max_secs)
        return -1;
    long i = atomic_fetch_add(&next_msg, 1);
    return max_msgs > 0 && i >= max_msgs ? -1 : i;
}

/* worker - one thread: messages until the run is over */
static void *worker(void *arg)
{
    WORKER *w = arg;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL)
        die("libcrypto", "out of memory");
    for (long i; (i = take()) >= 0;) {
        const MSG *m = &msgs[(size_t)i % nmsgs];
        double t0 = now();
        one_message(w, m, md);
        if (w->nlat == w->cap)
            w->lat = xrealloc(w->lat, (w->cap = w->cap * 2 + 1024) * sizeof(double));
        w->lat[w->nlat++] = (now() - t0) * 1000.0;
        w->bytes += (long)m->len;
    }
    EVP_MD_CTX_free(md);
    return NULL;
}

/* cmp_dbl - qsort helper */
static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* pct - the p-th percentile of sorted v */
static double pct(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

/* report - merge and print */
static void report(WORKER *ws, int nt, double secs)
{
    size_t n = 0;
    long bytes = 0, parts = 0, decoded = 0;
    unsigned sink = 0;
    for (int i = 0; i < nt; i++)
        n += ws[i].nlat;
    double *all = xrealloc(NULL, n * sizeof(double)), sum = 0;
    n = 0;
    for (int i = 0; i < nt; i++) {
        memcpy(all + n, ws[i].lat, ws[i].nlat * sizeof(double));
        n += ws[i].nlat;
        bytes += ws[i].bytes;
        parts += ws[i].parts;
        decoded += ws[i].decoded;
        sink ^= ws[i].sink;
    }
    qsort(all, n, sizeof(double), cmp_dbl);
    for (size_t i = 0; i < n; i++)
        sum += all[i];
    double mean = n ? sum / (double)n : 0;
    printf("floor: threads=%d msgs=%zu in %.2f s (%zu files), %ld parts, %.1f MB decoded "
           "(digest fold %02x)\n",
           nt, n, secs, nmsgs, parts, (double)decoded / 1e6, sink);
    printf("  %.1f msgs/s  %.2f MB/s  latency ms: mean %.2f p50 %.2f p95 %.2f p99 %.2f max %.2f\n",
           (double)n / secs, (double)bytes / 1e6 / secs, mean, pct(all, n, 50), pct(all, n, 95),
           pct(all, n, 99), n ? all[n - 1] : 0);
    printf("RESULT msgs=%zu secs=%.3f mps=%.2f mbps=%.3f mean=%.3f p50=%.3f p95=%.3f p99=%.3f "
           "max=%.3f errors=0\n",
           n, secs, (double)n / secs, (double)bytes / 1e6 / secs, mean, pct(all, n, 50),
           pct(all, n, 95), pct(all, n, 99), n ? all[n - 1] : 0);
    free(all);
}

/* main - options, corpus, threads, report */
int main(int argc, char **argv)
{
    int nt = 1;
    for (int c; (c = getopt(argc, argv, "c:n:t:h")) != -1;) {
        switch (c) {
        case 'c':
            nt = atoi(optarg);
            break;
        case 'n':
            max_msgs = atol(optarg);
            break;
        case 't':
            max_secs = atof(optarg);
            break;
        default:
            fprintf(stderr, "usage: floor [-c THREADS] [-n MSGS] [-t SECS] DIR|FILE...\n");
            return 2;
        }
    }
    if (optind >= argc || nt < 1)
        die("usage", "floor [-c THREADS] [-n MSGS] [-t SECS] DIR|FILE...");
    g_mime_init();
    for (int i = optind; i < argc; i++)
        load(argv[i]);
    if (nmsgs == 0)
        die("corpus", "no .eml files found");
    if (max_msgs < 0)
        max_msgs = (long)nmsgs;
    if (max_msgs == 0 && max_secs <= 0)
        die("usage", "-n 0 needs -t");
    WORKER *ws = calloc((size_t)nt, sizeof(WORKER));
    if (ws == NULL)
        die("calloc", "out of memory");
    t_start = now();
    for (int i = 0; i < nt; i++)
        if (pthread_create(&ws[i].tid, NULL, worker, &ws[i]) != 0)
            die("pthread_create", "failed");
    for (int i = 0; i < nt; i++)
        pthread_join(ws[i].tid, NULL);
    report(ws, nt, now() - t_start);
    g_mime_shutdown();
    return 0;
}
