/*
 * scan/extunpack - encrypted 7z and RAR through 7zz and unar (contract in scan/extunpack.h)
 *
 * Routes weighed (issue 15) and why this one:
 *  - libarchive 3.6.2 (Debian 12): 7z "encrypted, but currently not supported" even with
 *    the right passphrase; RAR entries flagged, never decrypted. No route.
 *  - In-process 7z (AES-256-CBC, key = SHA-256 iterated 2^NumCyclesPower, then liblzma):
 *    the crypto is at hand (core/digest.c, OpenSSL), but 7z headers are a coder graph
 *    (bind pairs, packed streams, substreams), usually LZMA-compressed and with -mhe
 *    encrypted, and executables are packed with BCJ2 (four streams, not in liblzma);
 *    PPMd, BZip2 and Deflate64 folders too. A parser that opens what 7-Zip writes by
 *    default is a second 7-Zip; one that opens less leaves holes a sender chooses.
 *  - In-process RAR: RAR5 is AES-256-CBC with a PBKDF2-HMAC-SHA256 key, RAR 3 AES-128
 *    with a SHA-1 key over 2^18 rounds; both are easy; the decompressors are not (RAR 3
 *    has PPMd and a filter VM) and libarchive's cannot be fed decrypted data.
 *  - Debian main: 7zz (package 7zip 22.01+really26.02+dfsg) decrypts every 7z; its RAR
 *    codec is stripped (dfsg). unar 1.10.1 (package unar, LGPL) decrypts RAR 3 and RAR 5,
 *    headers included (checked on rarfile's rar3-comment-psw, rar5-psw, rar5-hpsw); it
 *    cannot read multi-volume RAR 5 (libarchive's test files) nor RAR 3 with encrypted
 *    headers (rar3-comment-hpsw: "Archive parsing failed"). unrar-free 1:0.1.3 is a
 *    libarchive front end (no decryption); unrar and libclamunrar are not in main.
 *  So: the two Debian programs, each run confined (scan/spawn.c), only when the message
 *  states passwords and the archive is encrypted. What they cannot open stays
 *  ARCHIVE_ENCRYPTED (a finding, never clean) with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/xalloc.h"
#include "scan/extunpack.h"
#include "scan/spawn.h"

#define SIG_7Z      "7z\xBC\xAF\x27\x1C"
#define SIG_RAR     "Rar!\x1a\x07"
#define LIST_MAX    (4u << 20) /* bytes of a listing read */
#define NAME_MAX_EX 4096       /* bytes of one listed name kept */
#define UNLISTED    "(unlisted data)"

/* extunpack_kind - by signature */
int extunpack_kind(const unsigned char *data, size_t n)
{
    if (n >= 6 && memcmp(data, SIG_7Z, 6) == 0)
        return EXT_7Z;
    if (n >= 6 && memcmp(data, SIG_RAR, 6) == 0)
        return EXT_RAR;
    return 0;
}

/* ---- listings ---- */

/* push - append an entry when there is room (the name is taken over or freed) */
static size_t push(EXT_ENTRY *v, size_t n, size_t max, EXT_ENTRY *e)
{
    if (e->name && n < max)
        v[n++] = *e;
    else
        free(e->name);
    *e = (EXT_ENTRY){NULL, 0, false};
    return n;
}

/* extunpack_list_7z - "7zz l -slt": blocks of "Key = value" lines after "----------" */
size_t extunpack_list_7z(const char *t, EXT_ENTRY *v, size_t max)
{
    const char *p = t ? strstr(t, "\n----------") : NULL;
    if (p == NULL)
        return 0;
    p = strchr(p + 1, '\n');
    size_t n = 0;
    EXT_ENTRY cur = {NULL, 0, false};
    while (p && *p) {
        p++;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len == 0 && cur.name) {
            n = push(v, n, max, &cur);
        } else if (len >= 7 && memcmp(p, "Path = ", 7) == 0) {
            if (cur.name)
                n = push(v, n, max, &cur);
            cur.name = xstrndup(p + 7, len - 7 < NAME_MAX_EX ? len - 7 : NAME_MAX_EX);
        } else if (len > 7 && memcmp(p, "Size = ", 7) == 0) {
            cur.size = strtoull(p + 7, NULL, 10);
        } else if (len > 13 && memcmp(p, "Attributes = ", 13) == 0) {
            cur.dir = p[13] == 'D';
        } else if (len >= 10 && memcmp(p, "Folder = +", 10) == 0) {
            cur.dir = true;
        }
        p = eol;
    }
    return push(v, n, max, &cur);
}

/* utf8 - append code point c to out (k bytes used of cap, one kept for the NUL) */
static void utf8(char *out, size_t *k, size_t cap, uint32_t c)
{
    unsigned char b[4];
    size_t m = 0;
    if (c == 0)
        c = '?';
    if (c < 0x80) {
        b[m++] = (unsigned char)c;
    } else if (c < 0x800) {
        b[m++] = (unsigned char)(0xC0 | c >> 6);
        b[m++] = (unsigned char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        b[m++] = (unsigned char)(0xE0 | c >> 12);
        b[m++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[m++] = (unsigned char)(0x80 | (c & 0x3F));
    } else {
        b[m++] = (unsigned char)(0xF0 | c >> 18);
        b[m++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        b[m++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        b[m++] = (unsigned char)(0x80 | (c & 0x3F));
    }
    if (*k + m < cap) {
        memcpy(out + *k, b, m);
        *k += m;
    }
}

/* hex4 - four hex digits at p, or -1 */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* jstr - the JSON string at p (on its quote) decoded into out; after it, or NULL */
static const char *jstr(const char *p, char *out, size_t cap)
{
    size_t k = 0;
    for (p++; *p && *p != '"'; p++) {
        if (*p != '\\') {
            if (k + 1 < cap)
                out[k++] = *p;
            continue;
        }
        char e = *++p;
        long c = e == 'n'   ? '\n'
                 : e == 't' ? '\t'
                 : e == 'r' ? '\r'
                 : e == 'b' ? '\b'
                 : e == 'f' ? '\f'
                            : e;
        if (e == 0)
            return NULL;
        if (e == 'u') {
            if ((c = hex4(p + 1)) < 0)
                return NULL;
            p += 4;
            long lo;
            if (c >= 0xD800 && c < 0xDC00 && p[1] == '\\' && p[2] == 'u' &&
                (lo = hex4(p + 3)) >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
        }
        utf8(out, &k, cap, (uint32_t)c);
    }
    if (*p != '"')
        return NULL;
    out[k] = 0;
    return p + 1;
}

/* extunpack_list_lsar - "lsar -j": the objects of "lsarContents" and three of their keys */
size_t extunpack_list_lsar(const char *json, EXT_ENTRY *v, size_t max)
{
    const char *p = json ? strstr(json, "\"lsarContents\"") : NULL;
    p = p ? strchr(p, '[') : NULL;
    if (p == NULL)
        return 0;
    char *buf = xmalloc(NAME_MAX_EX);
    char key[64] = "";
    size_t n = 0;
    int depth = 0; /* 1 inside an entry, more inside its nested values */
    bool want_value = false;
    EXT_ENTRY cur = {NULL, 0, false};
    for (p++; p && *p; p++) {
        if (*p == '"') {
            const char *q = jstr(p, buf, NAME_MAX_EX);
            if (q == NULL)
                break;
            if (depth == 1 && want_value && strcmp(key, "XADFileName") == 0) {
                free(cur.name);
                cur.name = xstrdup(buf);
            } else if (depth == 1 && !want_value) {
                snprintf(key, sizeof(key), "%s", buf);
            }
            want_value = false;
            p = q - 1;
        } else if (*p == ':' && depth == 1) {
            want_value = true;
        } else if (*p == ',' && depth == 1) {
            want_value = false;
        } else if ((*p == '-' || (*p >= '0' && *p <= '9')) && depth == 1 && want_value) {
            char *end;
            unsigned long long x = strtoull(p, &end, 10);
            if (strcmp(key, "XADFileSize") == 0)
                cur.size = x;
            else if (strcmp(key, "XADIsDirectory") == 0 || strcmp(key, "XADIsLink") == 0)
                cur.dir = cur.dir || x != 0;
            want_value = false;
            p = end - 1;
        } else if (*p == '{' || *p == '[') {
            depth++;
            want_value = false;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0)
                break;
            if (depth == 0 && *p == '}')
                n = push(v, n, max, &cur);
        }
    }
    free(cur.name);
    free(buf);
    return n;
}

/* extunpack_entries_free - the names */
void extunpack_entries_free(EXT_ENTRY *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].name);
}

/* ---- runs ---- */

typedef struct RUN {
    int kind;
    const EXTUNPACK_CFG *cfg;
    const ARCHIVE_LIMITS *lim;
    char *dir, *lsar;
    long long deadline;
    EXTUNPACK_RESULT *r;
} RUN;

/* run - one program run with the time left; false when none is left */
static bool run(RUN *u, const char *path, char *const *argv, const char *input, size_t max_out,
                SPAWN_RESULT *sr)
{
    long long left = u->deadline - (long long)now_ms();
    if (left <= 0) {
        u->r->timeout = true;
        memset(sr, 0, sizeof(*sr));
        return false;
    }
    char *home = xasprintf("HOME=%s", u->dir);
    char *envp[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", home, NULL};
    SPAWN_LIMITS sl = {(unsigned)left, u->cfg->memory, max_out, NULL, NULL};
    int ret = spawn_run(path, argv, envp, u->dir, input, &sl, sr);
    free(home);
    if (sr->timeout)
        u->r->timeout = true;
    if (ret != 0) {
        snprintf(u->r->why, sizeof(u->r->why), "%.100s could not be started: %.120s", path,
                 sr->err);
        return false;
    }
    return true;
}

/* first_line - the first non-empty line of a program's message, for r->why */
static void first_line(const char *s, char *out, size_t cap)
{
    while (*s == '\n' || *s == '\r' || *s == ' ')
        s++;
    size_t k = strcspn(s, "\r\n");
    snprintf(out, cap, "%.*s", (int)(k < 200 ? k : 200), s);
}

/* list - the listing with password pw; number of entries, or -1 */
static long list(RUN *u, const char *pw, EXT_ENTRY *v, size_t max)
{
    SPAWN_RESULT sr;
    char *line = xasprintf("%s\n", pw);
    char *a7[] = {"7zz", "l", "-slt", "-t7z", "-bd", "-sccUTF-8", "--", "a.7z", NULL};
    char *ar[] = {"lsar", "-j", "-p", (char *)pw, "a.rar", NULL};
    bool ok = u->kind == EXT_7Z ? run(u, u->cfg->sevenzip, a7, line, LIST_MAX, &sr)
                                : run(u, u->lsar, ar, NULL, LIST_MAX, &sr);
    free(line);
    long n = -1;
    if (ok && sr.status == 0 && !sr.cut && !sr.timeout) {
        n = (long)(u->kind == EXT_7Z ? extunpack_list_7z((char *)sr.out, v, max)
                                     : extunpack_list_lsar((char *)sr.out, v, max));
    } else if (ok) {
        char l[256];
        first_line(sr.err[0] ? sr.err : (char *)sr.out, l, sizeof(l));
        snprintf(u->r->why, sizeof(u->r->why), "listing failed (exit %d%s): %.180s", sr.status,
                 sr.timeout ? ", deadline" : "", l);
    }
    spawn_done(&sr);
    return n;
}

/* extract - everything to standard output with password pw, streamed to sink */
static bool extract(RUN *u, const char *pw, bool (*sink)(void *, const unsigned char *, size_t),
                    void *ctx, SPAWN_RESULT *sr)
{
    long long left = u->deadline - (long long)now_ms();
    if (left <= 0) {
        u->r->timeout = true;
        memset(sr, 0, sizeof(*sr));
        return false;
    }
    char *line = xasprintf("%s\n", pw);
    char *home = xasprintf("HOME=%s", u->dir);
    char *a7[] = {"7zz", "x", "-so", "-t7z", "-bd", "-sccUTF-8", "--", "a.7z", NULL};
    char *ar[] = {"unar", "-q", "-o", "-", "-nr", "-k", "skip", "-p", (char *)pw, "a.rar", NULL};
    char *envp[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", home, NULL};
    SPAWN_LIMITS sl = {(unsigned)left, u->cfg->memory, u->lim->max_total_bytes, sink, ctx};
    int ret = u->kind == EXT_7Z ? spawn_run(u->cfg->sevenzip, a7, envp, u->dir, line, &sl, sr)
                                : spawn_run(u->cfg->unar, ar, envp, u->dir, NULL, &sl, sr);
    free(line);
    free(home);
    if (sr->timeout)
        u->r->timeout = true;
    return ret == 0;
}

/* count - phase one only counts what comes out */
static bool count(void *ctx, const unsigned char *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return true;
}

/* listed - the bytes the listing announces */
static uint64_t listed(const EXT_ENTRY *v, size_t nv)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < nv; i++)
        sum += v[i].dir ? 0 : v[i].size;
    return sum;
}

/* verified - RAR: unar -o - exits 0 and prints nothing for a wrong RAR 5 password, and a
 * RAR 3 key has no check value: lsar -t checks every member's CRC (7zz x already did) */
static bool verified(RUN *u, const char *pw)
{
    if (u->kind == EXT_7Z)
        return true;
    SPAWN_RESULT sr;
    char *at[] = {"lsar", "-t", "-p", (char *)pw, "a.rar", NULL};
    bool ok = run(u, u->lsar, at, NULL, LIST_MAX, &sr) && sr.status == 0 && !sr.timeout;
    if (!ok && sr.out) {
        char l[256];
        first_line(sr.err[0] ? sr.err : (char *)sr.out, l, sizeof(l));
        snprintf(u->r->why, sizeof(u->r->why), "CRC test failed (exit %d): %.180s", sr.status, l);
    }
    spawn_done(&sr);
    return ok;
}

/* SPLIT - phase two: the output cut into the listed members as it streams */
typedef struct SPLIT {
    RUN *u;
    const EXT_ENTRY *v;
    size_t nv, i, members;
    uint64_t got; /* bytes of entry i seen */
    unsigned char *buf;
    size_t len, cap; /* of entry i (or the unlisted rest), at most max_member_bytes kept */
    bool unlisted;
    archive_member_fn fn;
    void *ctx;
} SPLIT;

/* keep - append what fits under max_member_bytes */
static void keep(SPLIT *sp, const unsigned char *p, size_t n)
{
    size_t room = sp->u->lim->max_member_bytes - sp->len;
    size_t k = n < room ? n : room;
    if (k == 0)
        return;
    if (sp->len + k > sp->cap) {
        size_t c = sp->cap ? sp->cap : 65536;
        while (c < sp->len + k)
            c *= 2;
        unsigned char *d = try_realloc(sp->buf, c);
        if (d == NULL)
            return;
        sp->buf = d;
        sp->cap = c;
    }
    memcpy(sp->buf + sp->len, p, k);
    sp->len += k;
}

/* emit - hand over the member being built */
static void emit(SPLIT *sp, const char *name, bool truncated)
{
    if (sp->fn)
        sp->fn(sp->ctx, name, sp->buf ? sp->buf : (const unsigned char *)"", sp->len, truncated);
    sp->members++;
    sp->len = 0;
    sp->got = 0;
}

/* settle - move past directories, handing over empty members */
static void settle(SPLIT *sp)
{
    while (sp->i < sp->nv && (sp->v[sp->i].dir || sp->v[sp->i].size == sp->got)) {
        if (!sp->v[sp->i].dir && sp->members < sp->u->lim->max_members)
            emit(sp, sp->v[sp->i].name, false);
        sp->i++;
    }
}

/* last - entry i is the last file listed */
static bool last(const SPLIT *sp)
{
    for (size_t j = sp->i + 1; j < sp->nv; j++)
        if (!sp->v[j].dir)
            return false;
    return true;
}

/* split - the phase-two sink; false when max_members were handed over */
static bool split(void *ctx, const unsigned char *p, size_t n)
{
    SPLIT *sp = ctx;
    while (n > 0) {
        settle(sp);
        if (sp->members >= sp->u->lim->max_members)
            return false;
        if (sp->i >= sp->nv) { /* more than listed */
            sp->unlisted = true;
            keep(sp, p, n);
            return true;
        }
        uint64_t need = sp->v[sp->i].size - sp->got;
        size_t take = need < n ? (size_t)need : n;
        keep(sp, p, take);
        sp->got += take;
        p += take;
        n -= take;
        if (sp->len >= sp->u->lim->max_member_bytes && last(sp))
            return false; /* the last member is cut already: decoding more is waste */
    }
    settle(sp);
    return true;
}

/* finish - what is left when the output ended */
static void finish(SPLIT *sp, bool cut)
{
    settle(sp); /* empty members at the end (or an archive of empty members only) */
    if (sp->unlisted) {
        sp->u->r->mismatch = true;
        emit(sp, UNLISTED, sp->len >= sp->u->lim->max_member_bytes);
    } else if (sp->i < sp->nv && sp->members < sp->u->lim->max_members) {
        if (!cut) /* fewer bytes than listed */
            sp->u->r->mismatch = true;
        if (sp->got > 0 || cut)
            emit(sp, sp->v[sp->i].name, true);
    }
}

/* deliver - phase two with the winner */
static void deliver(RUN *u, const char *pw, const EXT_ENTRY *v, size_t nv, archive_member_fn fn,
                    void *ctx)
{
    SPLIT sp = {u, v, nv, 0, 0, 0, NULL, 0, 0, false, fn, ctx};
    SPAWN_RESULT sr;
    if (extract(u, pw, split, &sp, &sr)) {
        finish(&sp, sr.cut || sr.timeout);
        u->r->cut = sr.cut && sp.members < u->lim->max_members;
    } else
        u->r->mismatch = true;
    spawn_done(&sr);
    free(sp.buf);
}

/* stage - the private directory and the archive in it; false with r->why */
static bool stage(RUN *u, const unsigned char *data, size_t n)
{
    const char *t = u->cfg->tmpdir && *u->cfg->tmpdir ? u->cfg->tmpdir : getenv("TMPDIR");
    u->dir = xasprintf("%s/fm-unpack-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(u->dir) == NULL) {
        snprintf(u->r->why, sizeof(u->r->why), "no private directory in %s: %s",
                 t && *t ? t : "/tmp", strerror(errno));
        free(u->dir);
        u->dir = NULL;
        return false;
    }
    char *f = xasprintf("%s/%s", u->dir, u->kind == EXT_7Z ? "a.7z" : "a.rar");
    int fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    size_t done = 0;
    while (fd >= 0 && done < n) {
        ssize_t k = write(fd, data + done, n - done);
        if (k <= 0 && errno != EINTR)
            break;
        done += k > 0 ? (size_t)k : 0;
    }
    if (fd >= 0)
        close(fd);
    free(f);
    if (done != n) {
        snprintf(u->r->why, sizeof(u->r->why), "cannot write the archive into %s", u->dir);
        return false;
    }
    return true;
}

/* unstage - remove the archive and the directory */
static void unstage(RUN *u)
{
    if (u->dir) {
        char *f = xasprintf("%s/%s", u->dir, u->kind == EXT_7Z ? "a.7z" : "a.rar");
        unlink(f);
        free(f);
        rmdir(u->dir);
    }
    free(u->dir);
    free(u->lsar);
}

/* usable - the candidate can be handed over (7zz reads one line of standard input) */
static bool usable(const char *pw)
{
    return pw && *pw && strpbrk(pw, "\r\n") == NULL;
}

/* extunpack_open - see extunpack.h */
int extunpack_open(int kind, const unsigned char *data, size_t n, char *const *pw, size_t npw,
                   const EXTUNPACK_CFG *cfg, const ARCHIVE_LIMITS *lim, archive_member_fn fn,
                   void *ctx, EXTUNPACK_RESULT *r)
{
    memset(r, 0, sizeof(*r));
    r->used = -1;
    const char *prog = kind == EXT_7Z ? cfg->sevenzip : kind == EXT_RAR ? cfg->unar : NULL;
    if (prog == NULL || *prog == 0 || access(prog, X_OK) != 0) {
        snprintf(r->why, sizeof(r->why), "no %s unpacker (%s)", kind == EXT_7Z ? "7z" : "RAR",
                 prog && *prog ? prog : "not configured");
        return -1;
    }
    if (cfg->timeout_ms == 0) { /* no time left: nothing staged, nothing run */
        r->timeout = true;
        snprintf(r->why, sizeof(r->why),
                 "no time left (unpack_helper_ms or scan_timeout) before a password was tried");
        return 0;
    }
    RUN u = {kind, cfg, lim, NULL, NULL, (long long)now_ms() + cfg->timeout_ms, r};
    if (kind == EXT_RAR) {
        const char *slash = strrchr(prog, '/');
        u.lsar = xasprintf("%.*slsar", slash ? (int)(slash - prog + 1) : 0, prog);
    }
    if (!stage(&u, data, n)) {
        unstage(&u);
        return -1;
    }
    size_t max = lim->max_members + 1;
    size_t tries = npw < ARCHIVE_MAX_PASSWORDS ? npw : ARCHIVE_MAX_PASSWORDS;
    EXT_ENTRY *v = xcalloc(max, sizeof(*v));
    int weak = -1;
    int ret = 0;
    snprintf(r->why, sizeof(r->why), "no usable candidate password");
    for (size_t i = 0; i < tries && ret == 0 && !r->timeout; i++) {
        if (!usable(pw[i]))
            continue;
        long nv = list(&u, pw[i], v, max);
        if (nv < 0)
            continue;
        SPAWN_RESULT sr;
        bool got = extract(&u, pw[i], count, NULL, &sr);
        bool whole = got && sr.status == 0 && !sr.cut && !sr.timeout;
        bool sized = whole && sr.len == listed(v, (size_t)nv);
        if (sized && verified(&u, pw[i])) {
            r->used = (int)i;
            ret = 1;
        } else if (sr.cut && weak < 0) {
            weak = (int)i;
        } else if (whole && !sized) {
            snprintf(r->why, sizeof(r->why), "output does not match the listing (wrong password)");
        } else if (got && !whole) {
            char l[256];
            first_line(sr.err, l, sizeof(l));
            snprintf(r->why, sizeof(r->why), "wrong password or damage (exit %d%s): %.180s",
                     sr.status, sr.timeout ? ", deadline" : "", l);
        }
        spawn_done(&sr);
        if (ret == 1)
            deliver(&u, pw[i], v, (size_t)nv, fn, ctx);
        extunpack_entries_free(v, (size_t)nv);
    }
    if (ret == 0 && weak >= 0) { /* no proof, but no error within max_total_bytes either */
        long nv = list(&u, pw[weak], v, max);
        if (nv >= 0) {
            deliver(&u, pw[weak], v, (size_t)nv, fn, ctx);
            extunpack_entries_free(v, (size_t)nv);
            r->used = weak;
            ret = 1;
        }
    }
    if (ret == 0 && r->timeout)
        snprintf(r->why, sizeof(r->why), "unpack_helper_ms reached before a password worked");
    free(v);
    unstage(&u);
    return ret;
}
