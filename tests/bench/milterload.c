/*
 * milterload - a milter protocol (v6) load generator, the MTA side, for benchmarks
 *
 * Usage: milterload -s SOCKET [options] DIR|FILE...
 * - SOCKET: unix:/path, local:/path or inet:PORT@HOST (as in milter configs)
 * - -c CONNS: concurrent milter connections, one thread each (default 1)
 * - -n MSGS: messages to send in all (default: each file once; 0: no limit, stop at -t)
 * - -t SECS: stop after this many seconds (default 0: no time limit)
 * - -m N: messages per SMTP session (CONNECT and HELO once, then MAIL..EOM each; default 1)
 * - -K: keep the milter connection between sessions (SMFIC_QUIT_NC, then CONNECT) where the
 *   protocol state allows; default: QUIT and a new connection per session, as Postfix does
 * - -r RATE: start at most RATE messages per second in all (default: as fast as possible)
 * - -S BYTES: skip files larger than BYTES
 * - -N: set TCP_NODELAY on our side (an MTA normally does not)
 * - -v: one line per message (file, milliseconds, final reply)
 *
 * Contract: reads every .eml file given (directories: their *.eml, sorted) into memory, then
 * each thread speaks the protocol as an MTA would: OPTNEG once per milter connection
 * (offering every action and protocol step), CONNECT, HELO, then per message MAIL, RCPT,
 * HEADER each, EOH, BODY in chunks of at most 65535 bytes, EOM, reading replies until the final
 * one and skipping modification replies (add/insert/change header, quarantine, progress...). A
 * step the milter asked not to see (SMFIP_NO*) is not sent; one it asked not to answer
 * (SMFIP_NR_*) is not waited for; SMFIR_SKIP ends the body. A transaction cut short by a
 * final reply before EOM is closed with ABORT; the next message starts with MAIL.
 * Latency is measured per message from MAIL to the final EOM reply. A protocol or socket
 * error counts as an error; the thread reconnects and goes on. Prints messages/s, MB/s,
 * latency percentiles, errors, replies by kind and a machine-readable RESULT line.
 * Only the milter protocol constants come from libmilter's mfdef.h; no library is linked.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <libmilter/mfdef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPLY (1u << 20)

/* one header field of a message, pointers into the message's own copy */
typedef struct {
    char *name;
    char *value;
} FIELD;

/* one message of the corpus, split once at load time */
typedef struct {
    char *path;
    FIELD *fields;
    size_t nfields;
    const char *body;
    size_t body_len;
    size_t size;
} MSG;

/* reply kinds counted */
enum {
    R_ACCEPT,
    R_CONTINUE,
    R_REJECT,
    R_TEMPFAIL,
    R_DISCARD,
    R_REPLY4,
    R_REPLY5,
    R_OTHER,
    R_NKINDS
};
static const char *kind_name[R_NKINDS] = {"accept",  "continue",  "reject",    "tempfail",
                                          "discard", "reply-4xx", "reply-5xx", "other"};
/* modification replies counted */
enum { M_ADDHDR, M_INSHDR, M_CHGHDR, M_QUAR, M_PROGRESS, M_OTHER, M_NKINDS };
static const char *mod_name[M_NKINDS] = {"addheader",  "insheader", "chgheader",
                                         "quarantine", "progress",  "other-mod"};

/* run options */
static struct {
    const char *socket;
    int conns;
    long max_msgs;
    double secs;
    int per_session;
    double rate;
    long max_size;
    bool keep, nodelay, verbose;
} opt = {NULL, 1, -1, 0, 1, 0, 0, false, false, false};

static MSG *msgs;
static size_t nmsgs;
static atomic_long next_msg;
static double t_start;

/* per-thread results */
typedef struct {
    pthread_t tid;
    int id;
    double *lat;
    size_t nlat, cap;
    long errors;
    long bytes;
    long kinds[R_NKINDS];
    long mods[M_NKINDS];
} WORKER;

/* one milter connection and what the milter negotiated */
typedef struct {
    int fd;
    uint32_t actions, proto;
    bool at_endm; /* last EOM answered continue: QUIT_NC is a valid next command */
    char *buf;    /* the last reply */
    size_t cap;
    char *out; /* commands not yet written */
    size_t out_len, out_cap;
} LINK;

/* now - monotonic seconds */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* die - print and exit 2 */
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("milterload: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* xrealloc - realloc or die */
static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        die("out of memory");
    return q;
}

/* read_file - the whole file, NUL-terminated, or NULL */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *b = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (cap - n < 65536)
            b = xrealloc(b, cap = cap * 2 + 65536 + 1);
        r = fread(b + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    b[n] = '\0';
    *len = n;
    return b;
}

/* line_end - the end of the line at p (at its LF or at end) */
static char *line_end(char *p, char *end)
{
    char *lf = memchr(p, '\n', (size_t)(end - p));
    return lf ? lf : end;
}

/* add_field - split "Name: value" (folded, CRLF removed) into the message's field list */
static void add_field(MSG *m, char *start, char *stop)
{
    char *w = start;
    for (char *r = start; r < stop; r++) /* unfold: keep LF before continuation, drop CR */
        if (*r != '\r')
            *w++ = *r;
    while (w > start && w[-1] == '\n')
        w--;
    *w = '\0';
    char *colon = strchr(start, ':');
    if (colon == NULL || colon == start)
        return;
    *colon = '\0';
    m->fields = xrealloc(m->fields, (m->nfields + 1) * sizeof(FIELD));
    m->fields[m->nfields].name = start;
    m->fields[m->nfields].value = colon + 1;
    m->nfields++;
}

/* parse_msg - split a message into header fields and body (in place) */
static void parse_msg(MSG *m, char *data, size_t len)
{
    char *p = data, *end = data + len;
    if (len > 5 && memcmp(p, "From ", 5) == 0)
        p = line_end(p, end) + 1;
    char *field = NULL;
    while (p < end) {
        char *e = line_end(p, end);
        bool blank = (e == p) || (e == p + 1 && *p == '\r');
        if (field && (blank || (*p != ' ' && *p != '\t'))) {
            add_field(m, field, p);
            field = NULL;
        }
        if (blank) {
            p = e < end ? e + 1 : end;
            break;
        }
        if (field == NULL)
            field = p;
        p = e < end ? e + 1 : end;
    }
    if (field)
        add_field(m, field, p);
    m->body = p;
    m->body_len = (size_t)(end - p);
    m->size = len;
}

/* add_path - load one file into the corpus */
static void add_path(const char *path)
{
    size_t len;
    char *data = read_file(path, &len);
    if (data == NULL)
        die("cannot read %s: %s", path, strerror(errno));
    if (opt.max_size > 0 && (long)len > opt.max_size) {
        free(data);
        return;
    }
    msgs = xrealloc(msgs, (nmsgs + 1) * sizeof(MSG));
    MSG *m = &msgs[nmsgs++];
    memset(m, 0, sizeof(*m));
    m->path = strdup(path);
    parse_msg(m, data, len);
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
        die("%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return add_path(path);
    DIR *d = opendir(path);
    if (d == NULL)
        die("%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0) {
            names = xrealloc(names, (n + 1) * sizeof(char *));
            if (asprintf(&names[n++], "%s/%s", path, e->d_name) < 0)
                die("out of memory");
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

/* dial - connect to the milter socket; -1 on failure */
static int dial(void)
{
    const char *s = opt.socket;
    int fd = -1;
    if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", strchr(s, ':') + 1);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
            close(fd);
            fd = -1;
        }
    } else if (strncmp(s, "inet:", 5) == 0) {
        char port[16];
        const char *at = strchr(s, '@');
        size_t pl = at ? (size_t)(at - s - 5) : 0;
        if (at == NULL || pl == 0 || pl >= sizeof(port))
            die("bad socket %s (inet:PORT@HOST)", s);
        memcpy(port, s + 5, pl);
        port[pl] = '\0';
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
        if (getaddrinfo(at + 1, port, &hints, &ai) != 0)
            die("cannot resolve %s", s);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
        freeaddrinfo(ai);
        int one = 1;
        if (fd >= 0 && opt.nodelay)
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    } else
        die("bad socket %s (unix:/path or inet:PORT@HOST)", s);
    if (fd >= 0) {
        struct timeval tv = {.tv_sec = 300};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    return fd;
}

/* write_all - write everything or fail */
static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* read_all - read exactly n bytes or fail */
static int read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* flush - write the commands queued so far */
static int flush(LINK *l)
{
    int r = l->out_len ? write_all(l->fd, l->out, l->out_len) : 0;
    l->out_len = 0;
    return r;
}

/* send_cmd - queue one command: 4-byte length (command byte + data), command, data parts.
 * Like Postfix's milter client, commands are buffered and written in one go when a reply is
 * awaited (or the buffer passes 64 KB), so macros, unanswered headers and the command that
 * follows them share a segment instead of meeting Nagle's algorithm on our side. */
static int send_cmd(LINK *l, char cmd, const void *a, size_t alen, const void *b, size_t blen)
{
    size_t need = l->out_len + 5 + alen + blen;
    if (need > l->out_cap)
        l->out = xrealloc(l->out, l->out_cap = need + 4096);
    char *p = l->out + l->out_len;
    uint32_t len = htonl((uint32_t)(1 + alen + blen));
    memcpy(p, &len, 4);
    p[4] = cmd;
    if (alen)
        memcpy(p + 5, a, alen);
    if (blen)
        memcpy(p + 5 + alen, b, blen);
    l->out_len = need;
    return l->out_len >= 65536 ? flush(l) : 0;
}

/* recv_reply - one reply: its command byte, data in *data (owned by l), length in *len */
static int recv_reply(LINK *l, char *cmd, char **data, size_t *len)
{
    uint32_t nlen;
    if (flush(l) != 0 || read_all(l->fd, &nlen, 4) != 0)
        return -1;
    size_t n = ntohl(nlen);
    if (n == 0 || n > MAX_REPLY)
        return -1;
    if (n + 1 > l->cap)
        l->buf = xrealloc(l->buf, l->cap = n + 1);
    if (read_all(l->fd, l->buf, n) != 0)
        return -1;
    l->buf[n] = '\0';
    *cmd = l->buf[0];
    *data = l->buf + 1;
    *len = n - 1;
    return 0;
}

/* final_kind - the kind of a final reply, or -1 for a non-final one */
static int final_kind(char cmd, const char *data)
{
    switch (cmd) {
    case SMFIR_ACCEPT:
        return R_ACCEPT;
    case SMFIR_CONTINUE:
        return R_CONTINUE;
    case SMFIR_REJECT:
        return R_REJECT;
    case SMFIR_TEMPFAIL:
        return R_TEMPFAIL;
    case SMFIR_DISCARD:
        return R_DISCARD;
    case SMFIR_REPLYCODE:
        return data[0] == '4' ? R_REPLY4 : data[0] == '5' ? R_REPLY5 : R_OTHER;
    case SMFIR_CONN_FAIL:
    case SMFIR_SHUTDOWN:
        return R_OTHER;
    default:
        return -1;
    }
}

/* mod_kind - the kind of a modification reply */
static int mod_kind(char cmd)
{
    switch (cmd) {
    case SMFIR_ADDHEADER:
        return M_ADDHDR;
    case SMFIR_INSHEADER:
        return M_INSHDR;
    case SMFIR_CHGHEADER:
        return M_CHGHDR;
    case SMFIR_QUARANTINE:
        return M_QUAR;
    case SMFIR_PROGRESS:
        return M_PROGRESS;
    default:
        return M_OTHER;
    }
}

/* await - read replies to one command until a final one; its kind, or -1 on error.
 * SMFIR_SKIP counts as continue (it only ends the body); at EOM modifications are counted. */
static int await(LINK *l, WORKER *w)
{
    for (;;) {
        char cmd, *data;
        size_t len;
        if (recv_reply(l, &cmd, &data, &len) != 0)
            return -1;
        if (cmd == SMFIR_SKIP)
            return R_OTHER + 1;
        int k = final_kind(cmd, data);
        if (k >= 0)
            return k;
        w->mods[mod_kind(cmd)]++;
    }
}

/* step - send a command and, unless the milter negotiated no reply (nr), await its reply.
 * Returns R_CONTINUE when no reply was due, the reply kind, or -1 on error. */
static int step(LINK *l, WORKER *w, char cmd, const void *a, size_t alen, const void *b,
                size_t blen, uint32_t nr)
{
    if (send_cmd(l, cmd, a, alen, b, blen) != 0)
        return -1;
    if (nr && (l->proto & nr))
        return R_CONTINUE;
    return await(l, w);
}

/* macro - send SMFIC_MACRO for stage with one name/value pair (never answered) */
static int macro(LINK *l, char stage, const char *name, const char *value)
{
    char b[512];
    int n = snprintf(b, sizeof(b), "%c%s%c%s", stage, name, 0, value);
    return send_cmd(l, SMFIC_MACRO, b, (size_t)n + 1, NULL, 0);
}

/* negotiate - OPTNEG: offer protocol 6, every action and step; keep what the milter wants */
static int negotiate(LINK *l)
{
    uint32_t v[3] = {htonl(SMFI_PROT_VERSION), htonl(SMFI_CURR_ACTS), htonl(SMFI_CURR_PROT)};
    if (send_cmd(l, SMFIC_OPTNEG, v, sizeof(v), NULL, 0) != 0)
        return -1;
    char cmd, *data;
    size_t len;
    if (recv_reply(l, &cmd, &data, &len) != 0 || cmd != SMFIC_OPTNEG || len < 12)
        return -1;
    memcpy(v, data, 12);
    l->actions = ntohl(v[1]);
    l->proto = ntohl(v[2]);
    return 0;
}

/* session_start - CONNECT and HELO (each unless the milter opted out); reply kind or -1 */
static int session_start(LINK *l, WORKER *w)
{
    char b[256];
    int k = R_CONTINUE;
    if (!(l->proto & SMFIP_NOCONNECT)) {
        if (macro(l, SMFIC_CONNECT, "j", "mx.bench.test") != 0)
            return -1;
        uint16_t port = htons(40000 + (uint16_t)w->id);
        int n = snprintf(b, sizeof(b), "client%d.bench.test%c%c", w->id, 0, SMFIA_INET);
        memcpy(b + n, &port, 2);
        n += 2 + snprintf(b + n + 2, sizeof(b) - (size_t)n - 2, "192.0.2.%d", 1 + w->id % 250);
        k = step(l, w, SMFIC_CONNECT, b, (size_t)n + 1, NULL, 0, SMFIP_NR_CONN);
    }
    if (k == R_CONTINUE && !(l->proto & SMFIP_NOHELO))
        k = step(l, w, SMFIC_HELO, "client.bench.test", 18, NULL, 0, SMFIP_NR_HELO);
    return k;
}

/* envelope - MAIL and RCPT with the queue id macro; reply kind or -1 */
static int envelope(LINK *l, WORKER *w, long seq)
{
    char qid[32];
    snprintf(qid, sizeof(qid), "B%02d%010ld", w->id % 100, seq);
    if (macro(l, SMFIC_MAIL, "i", qid) != 0)
        return -1;
    int k = R_CONTINUE;
    if (!(l->proto & SMFIP_NOMAIL))
        k = step(l, w, SMFIC_MAIL, "<sender@bench.test>", 20, NULL, 0, SMFIP_NR_MAIL);
    if (k == R_CONTINUE && !(l->proto & SMFIP_NORCPT))
        k = step(l, w, SMFIC_RCPT, "<rcpt@example.net>", 19, NULL, 0, SMFIP_NR_RCPT);
    return k;
}

/* content - headers, EOH and body chunks; reply kind (R_CONTINUE to go on to EOM) or -1 */
static int content(LINK *l, WORKER *w, const MSG *m)
{
    int k = R_CONTINUE;
    for (size_t i = 0; k == R_CONTINUE && !(l->proto & SMFIP_NOHDRS) && i < m->nfields; i++) {
        const char *v = m->fields[i].value;
        if (!(l->proto & SMFIP_HDR_LEADSPC) && *v == ' ')
            v++;
        size_t nl = strlen(m->fields[i].name) + 1;
        k = step(l, w, SMFIC_HEADER, m->fields[i].name, nl, v, strlen(v) + 1, SMFIP_NR_HDR);
    }
    if (k == R_CONTINUE && !(l->proto & SMFIP_NOEOH))
        k = step(l, w, SMFIC_EOH, NULL, 0, NULL, 0, SMFIP_NR_EOH);
    for (size_t off = 0; k == R_CONTINUE && !(l->proto & SMFIP_NOBODY) && off < m->body_len;) {
        size_t n = m->body_len - off < MILTER_CHUNK_SIZE ? m->body_len - off : MILTER_CHUNK_SIZE;
        k = step(l, w, SMFIC_BODY, m->body + off, n, NULL, 0, SMFIP_NR_BODY);
        off += n;
        if (k == R_OTHER + 1) /* SMFIR_SKIP: no more body */
            k = R_CONTINUE, off = m->body_len;
    }
    return k;
}

/* one_message - a whole transaction; its final reply kind or -1. A transaction that ended
 * before EOM (a final reply to MAIL, RCPT, a header or the body) is closed with ABORT. */
static int one_message(LINK *l, WORKER *w, const MSG *m, long seq)
{
    l->at_endm = false;
    int k = envelope(l, w, seq);
    if (k == R_CONTINUE)
        k = content(l, w, m);
    if (k != R_CONTINUE)
        return k < 0 || send_cmd(l, SMFIC_ABORT, NULL, 0, NULL, 0) != 0 || flush(l) != 0 ? -1 : k;
    char qid[32];
    snprintf(qid, sizeof(qid), "B%02d%010ld", w->id % 100, seq);
    if (macro(l, SMFIC_BODYEOB, "i", qid) != 0)
        return -1;
    k = step(l, w, SMFIC_BODYEOB, NULL, 0, NULL, 0, 0);
    l->at_endm = (k == R_CONTINUE); /* libmilter stays in its end-of-message state */
    return k == R_OTHER + 1 ? R_OTHER : k;
}

/* record - keep one latency sample */
static void record(WORKER *w, double ms)
{
    if (w->nlat == w->cap)
        w->lat = xrealloc(w->lat, (w->cap = w->cap * 2 + 1024) * sizeof(double));
    w->lat[w->nlat++] = ms;
}

/* take - the index of the next message to send, or -1 when the run is over */
static long take(void)
{
    if (opt.secs > 0 && now() - t_start >= opt.secs)
        return -1;
    long i = atomic_fetch_add(&next_msg, 1);
    if (opt.max_msgs > 0 && i >= opt.max_msgs)
        return -1;
    if (opt.rate > 0) { /* message i is due at t_start + i / rate */
        double wait = t_start + (double)i / opt.rate - now();
        if (wait > 0)
            usleep((useconds_t)(wait * 1e6));
        if (opt.secs > 0 && now() - t_start >= opt.secs)
            return -1;
    }
    return i;
}

/* link_open - dial and negotiate; false on failure (counted) */
static bool link_open(LINK *l, WORKER *w)
{
    l->out_len = 0;
    l->fd = dial();
    if (l->fd >= 0 && negotiate(l) == 0)
        return true;
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    w->errors++;
    return false;
}

/* link_close - QUIT and close */
static void link_close(LINK *l)
{
    if (l->fd >= 0) {
        if (send_cmd(l, SMFIC_QUIT, NULL, 0, NULL, 0) == 0)
            flush(l);
        close(l->fd);
    }
    l->fd = -1;
}

/* drop - count an error and forget a broken connection */
static void drop(LINK *l, WORKER *w)
{
    w->errors++;
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}

/* end_session - QUIT and close (as Postfix does), or QUIT_NC with -K where libmilter accepts it
 * (right after an EOM answered continue; after accept/reject/tempfail it ignores QUIT_NC) */
static void end_session(LINK *l, WORKER *w)
{
    if (!opt.keep || !l->at_endm)
        link_close(l);
    else if (send_cmd(l, SMFIC_QUIT_NC, NULL, 0, NULL, 0) != 0 || flush(l) != 0)
        drop(l, w);
}

/* worker - send messages until the run is over */
static void *worker(void *arg)
{
    WORKER *w = arg;
    LINK l = {.fd = -1};
    int in_session = 0;
    for (long seq; (seq = take()) >= 0;) {
        const MSG *m = &msgs[(size_t)seq % nmsgs];
        if (l.fd < 0 && !link_open(&l, w)) {
            usleep(100000);
            continue;
        }
        if (in_session == 0 && session_start(&l, w) != R_CONTINUE) {
            drop(&l, w);
            continue;
        }
        double t0 = now();
        int k = one_message(&l, w, m, seq);
        double ms = (now() - t0) * 1000.0;
        if (k < 0) {
            drop(&l, w);
            in_session = 0;
            continue;
        }
        w->kinds[k]++;
        w->bytes += (long)m->size;
        record(w, ms);
        if (opt.verbose)
            printf("%s %.2f ms %s\n", m->path, ms, kind_name[k]);
        if (++in_session >= opt.per_session) {
            in_session = 0;
            end_session(&l, w);
        }
    }
    link_close(&l);
    free(l.buf);
    free(l.out);
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

/* report - merge the workers' results and print them */
static void report(WORKER *ws, double secs)
{
    size_t n = 0;
    long errors = 0, bytes = 0, kinds[R_NKINDS] = {0}, mods[M_NKINDS] = {0};
    for (int i = 0; i < opt.conns; i++)
        n += ws[i].nlat;
    double *all = xrealloc(NULL, n * sizeof(double)), sum = 0;
    n = 0;
    for (int i = 0; i < opt.conns; i++) {
        memcpy(all + n, ws[i].lat, ws[i].nlat * sizeof(double));
        n += ws[i].nlat;
        errors += ws[i].errors;
        bytes += ws[i].bytes;
        for (int k = 0; k < R_NKINDS; k++)
            kinds[k] += ws[i].kinds[k];
        for (int k = 0; k < M_NKINDS; k++)
            mods[k] += ws[i].mods[k];
    }
    qsort(all, n, sizeof(double), cmp_dbl);
    for (size_t i = 0; i < n; i++)
        sum += all[i];
    double mean = n ? sum / (double)n : 0;
    printf("milterload: %s conns=%d msgs=%zu in %.2f s (%zu files)\n", opt.socket, opt.conns, n,
           secs, nmsgs);
    printf("  %.1f msgs/s  %.2f MB/s  latency ms: mean %.1f p50 %.1f p95 %.1f p99 %.1f max %.1f"
           "  errors %ld\n",
           (double)n / secs, (double)bytes / 1e6 / secs, mean, pct(all, n, 50), pct(all, n, 95),
           pct(all, n, 99), n ? all[n - 1] : 0, errors);
    printf("  replies:");
    for (int k = 0; k < R_NKINDS; k++)
        if (kinds[k])
            printf(" %s=%ld", kind_name[k], kinds[k]);
    printf("\n  modifications:");
    for (int k = 0; k < M_NKINDS; k++)
        if (mods[k])
            printf(" %s=%ld", mod_name[k], mods[k]);
    printf("\nRESULT msgs=%zu secs=%.3f mps=%.2f mbps=%.3f mean=%.2f p50=%.2f p95=%.2f p99=%.2f "
           "max=%.2f errors=%ld reject=%ld tempfail=%ld\n",
           n, secs, (double)n / secs, (double)bytes / 1e6 / secs, mean, pct(all, n, 50),
           pct(all, n, 95), pct(all, n, 99), n ? all[n - 1] : 0, errors,
           kinds[R_REJECT] + kinds[R_REPLY5], kinds[R_TEMPFAIL] + kinds[R_REPLY4]);
    free(all);
}

/* usage - print and exit 2 */
static void usage(void)
{
    fprintf(stderr, "usage: milterload -s unix:/path|inet:PORT@HOST [-c CONNS] [-n MSGS] "
                    "[-t SECS] [-m N] [-r RATE] [-S BYTES] [-K] [-N] [-v] DIR|FILE...\n");
    exit(2);
}

/* main - options, corpus, threads, report */
int main(int argc, char **argv)
{
    for (int c; (c = getopt(argc, argv, "s:c:n:t:m:r:S:KNvh")) != -1;) {
        switch (c) {
        case 's':
            opt.socket = optarg;
            break;
        case 'c':
            opt.conns = atoi(optarg);
            break;
        case 'n':
            opt.max_msgs = atol(optarg);
            break;
        case 't':
            opt.secs = atof(optarg);
            break;
        case 'm':
            opt.per_session = atoi(optarg);
            break;
        case 'K':
            opt.keep = true;
            break;
        case 'r':
            opt.rate = atof(optarg);
            break;
        case 'S':
            opt.max_size = atol(optarg);
            break;
        case 'N':
            opt.nodelay = true;
            break;
        case 'v':
            opt.verbose = true;
            break;
        default:
            usage();
        }
    }
    if (opt.socket == NULL || optind >= argc || opt.conns < 1 || opt.per_session < 1)
        usage();
    for (int i = optind; i < argc; i++)
        load(argv[i]);
    if (nmsgs == 0)
        die("no .eml files found");
    if (opt.max_msgs < 0)
        opt.max_msgs = (long)nmsgs;
    if (opt.max_msgs == 0 && opt.secs <= 0)
        die("-n 0 needs -t");
    WORKER *ws = calloc((size_t)opt.conns, sizeof(WORKER));
    if (ws == NULL)
        die("out of memory");
    t_start = now();
    for (int i = 0; i < opt.conns; i++) {
        ws[i].id = i;
        if (pthread_create(&ws[i].tid, NULL, worker, &ws[i]) != 0)
            die("pthread_create failed");
    }
    for (int i = 0; i < opt.conns; i++)
        pthread_join(ws[i].tid, NULL);
    report(ws, now() - t_start);
    return 0;
}
