/*
 * test_extunpack - the confinement of the unpack helpers (scan/spawn.c) and the parsers of
 * their listings (scan/extunpack.c), without 7zz or unar: the confinement is checked with
 * Debian's own /bin/sh, /bin/bash, /bin/cat and /bin/sleep (coreutils, bash, dash are
 * essential packages); the encrypted archives themselves are in tests/coverage/run.py.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan/extunpack.h"
#include "scan/spawn.h"
#include "lib/xalloc.h"

static char *envp[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};

static int sh(const char *script, SPAWN_RESULT *r, unsigned ms, size_t max_out)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    SPAWN_LIMITS lim = {ms, 256u << 20, max_out, NULL, NULL};
    return spawn_run("/bin/sh", argv, envp, "/tmp", NULL, &lim, r);
}

/* reading and printing work; standard input reaches the child */
static void test_spawn_prints(void **state)
{
    (void)state;
    SPAWN_RESULT r;
    assert_int_equal(sh("read x; echo \"got $x\"; echo oops >&2", &r, 5000, 1024), 0);
    spawn_done(&r);
    char *argv[] = {"sh", "-c", "read x; echo \"got $x\"; echo oops >&2", NULL};
    SPAWN_LIMITS lim = {5000, 256u << 20, 1024, NULL, NULL};
    assert_int_equal(spawn_run("/bin/sh", argv, envp, "/tmp", "secret\n", &lim, &r), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal((char *)r.out, "got secret\n");
    assert_string_equal(r.err, "oops\n");
    spawn_done(&r);
}

/* no file can be created or written; the shell's redirection fails */
static void test_spawn_no_writes(void **state)
{
    (void)state;
    char dir[] = "/tmp/fm-spawn-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *script = xasprintf("echo x > %s/f && echo wrote; mkdir %s/d && echo made; "
                             "rm -f /tmp/fm-spawn-nothing; ls %s | wc -l",
                             dir, dir, dir);
    SPAWN_RESULT r;
    char *argv[] = {"bash", "-c", script, NULL};
    SPAWN_LIMITS lim = {5000, 256u << 20, 1024, NULL, NULL};
    assert_int_equal(spawn_run("/bin/bash", argv, envp, "/tmp", NULL, &lim, &r), 0);
    assert_null(strstr((char *)r.out, "wrote"));
    assert_null(strstr((char *)r.out, "made"));
    assert_non_null(strstr(r.err, "ermission denied")); /* EACCES / EPERM from the filter */
    char *f = xasprintf("%s/f", dir);
    assert_int_not_equal(access(f, F_OK), 0);
    free(f);
    free(script);
    spawn_done(&r);
    rmdir(dir);
}

/* a second exec, a new process and a socket are refused */
static void test_spawn_no_exec_no_net(void **state)
{
    (void)state;
    SPAWN_RESULT r;
    char *argv[] = {"bash", "-c",
                    "/bin/echo exec-ran; (echo sub-ran); "
                    "exec 3<>/dev/tcp/127.0.0.1/9 && echo net-ran; echo end",
                    NULL};
    SPAWN_LIMITS lim = {5000, 256u << 20, 4096, NULL, NULL};
    assert_int_equal(spawn_run("/bin/bash", argv, envp, "/tmp", NULL, &lim, &r), 0);
    assert_null(strstr((char *)r.out, "exec-ran"));
    assert_null(strstr((char *)r.out, "sub-ran"));
    assert_null(strstr((char *)r.out, "net-ran"));
    spawn_done(&r);
}

static char self_exe[4096]; /* this test program, run confined by test_spawn_no_signals */

/* probe - in the confined child: try every way to signal (signal 0: a permission check
 * only) or take hold of the parent; print one line per call and its errno */
static int probe(void)
{
    pid_t pp = getppid();
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
#define TRY(nm, call)                                                                              \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long rc_ = (call);                                                                         \
        printf("%s %ld %d\n", nm, rc_, rc_ < 0 ? errno : 0);                                       \
    } while (0)
    TRY("kill", syscall(SYS_kill, pp, 0));
    TRY("tgkill", syscall(SYS_tgkill, pp, pp, 0));
    TRY("rt_sigqueueinfo", syscall(SYS_rt_sigqueueinfo, pp, 0, &si));
    TRY("rt_tgsigqueueinfo", syscall(SYS_rt_tgsigqueueinfo, pp, pp, 0, &si));
    TRY("pidfd_open", syscall(SYS_pidfd_open, pp, 0));
    TRY("pidfd_send_signal", syscall(SYS_pidfd_send_signal, 0, 0, NULL, 0));
    TRY("pidfd_getfd", syscall(SYS_pidfd_getfd, 0, 0, 0));
    TRY("prlimit64", syscall(SYS_prlimit64, pp, RLIMIT_NOFILE, NULL, NULL));
#undef TRY
    long own = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL);
    printf("own-prlimit %ld\n", own);
    fflush(stdout);
    _exit(0); /* no exit handlers: LeakSanitizer's would need ptrace, refused here */
}

/* the confined child can signal neither its parent (the milter) nor reach it by pidfd */
static void test_spawn_no_signals(void **state)
{
    (void)state;
    SPAWN_RESULT r;
    char *argv[] = {self_exe, "--probe-signals", NULL};
    /* no RLIMIT_AS: this program may be built with ASan, whose shadow would not map */
    SPAWN_LIMITS lim = {10000, 0, 4096, NULL, NULL};
    assert_int_equal(spawn_run(self_exe, argv, envp, "/tmp", NULL, &lim, &r), 0);
    if (r.status != 0)
        fail_msg("the probe exited %d: %s %s", r.status, r.out ? (char *)r.out : "", r.err);
    const char *calls[] = {"kill",
                           "tgkill",
                           "rt_sigqueueinfo",
                           "rt_tgsigqueueinfo",
                           "pidfd_open",
                           "pidfd_send_signal",
                           "pidfd_getfd",
                           "prlimit64"};
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        char *want = xasprintf("%s -1 %d\n", calls[i], EPERM);
        if (strstr((char *)r.out, want) == NULL)
            fail_msg("%s not refused with EPERM; child printed:\n%s", calls[i], (char *)r.out);
        free(want);
    }
    assert_non_null(strstr((char *)r.out, "own-prlimit 0\n")); /* its own rlimits still work */
    spawn_done(&r);
    /* control: unconfined, the same probe reaches the parent (the test can fail) */
    assert_int_equal(kill(getpid(), 0), 0);
}

/* the deadline and the output cap kill the child */
static void test_spawn_limits(void **state)
{
    (void)state;
    SPAWN_RESULT r;
    char *sl[] = {"sleep", "30", NULL};
    SPAWN_LIMITS lim = {300, 256u << 20, 1024, NULL, NULL};
    assert_int_equal(spawn_run("/bin/sleep", sl, envp, "/tmp", NULL, &lim, &r), 0);
    assert_true(r.timeout);
    assert_int_equal(r.status, -9);
    spawn_done(&r);
    char *cat[] = {"cat", "/dev/zero", NULL};
    SPAWN_LIMITS lim2 = {10000, 256u << 20, 100000, NULL, NULL};
    assert_int_equal(spawn_run("/bin/cat", cat, envp, "/tmp", NULL, &lim2, &r), 0);
    assert_true(r.cut);
    assert_false(r.timeout);
    assert_int_equal(r.len, 100000);
    spawn_done(&r);
    /* a child that closes its pipes and keeps running is still killed at the deadline */
    char *busy[] = {"bash", "-c", "exec >&- 2>&-; while :; do :; done", NULL};
    assert_int_equal(spawn_run("/bin/bash", busy, envp, "/tmp", NULL, &lim, &r), 0);
    assert_true(r.timeout);
    assert_int_equal(r.status, -9);
    spawn_done(&r);
    /* a program that is not there: exec fails in the child, exit 127 */
    char *none[] = {"none", NULL};
    assert_int_equal(spawn_run("/nonexistent/prog", none, envp, "/tmp", NULL, &lim, &r), 0);
    assert_int_equal(r.status, 127);
    spawn_done(&r);
}

static size_t sunk;
static bool sink(void *ctx, const unsigned char *p, size_t n)
{
    (void)ctx;
    (void)p;
    sunk += n;
    return sunk < 50000;
}

/* a sink sees the output as it streams and can stop the child */
static void test_spawn_sink(void **state)
{
    (void)state;
    SPAWN_RESULT r;
    char *cat[] = {"cat", "/dev/zero", NULL};
    SPAWN_LIMITS lim = {10000, 256u << 20, 1u << 30, sink, NULL};
    sunk = 0;
    assert_int_equal(spawn_run("/bin/cat", cat, envp, "/tmp", NULL, &lim, &r), 0);
    assert_true(r.cut);
    assert_true(sunk >= 50000 && sunk < (1u << 20));
    assert_int_equal(r.len, sunk);
    spawn_done(&r);
}

/* 7zz l -slt: the archive block is skipped, directories flagged, sizes read */
static void test_list_7z(void **state)
{
    (void)state;
    const char *t = "7-Zip (z) 26.02\n\nListing archive: a.7z\n\n--\nPath = a.7z\nType = 7z\n"
                    "Physical Size = 253\n\n----------\nPath = Invoice.pdf.js\nSize = 66\n"
                    "Packed Size = 96\nAttributes = A -rw-r--r--\nEncrypted = +\n\n"
                    "Path = sub\nSize = 0\nAttributes = D drwxr-xr-x\n\nPath = sub/b.txt\n"
                    "Size = 12\nAttributes = A -rw-r--r--\n";
    EXT_ENTRY v[8];
    size_t n = extunpack_list_7z(t, v, 8);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "Invoice.pdf.js");
    assert_int_equal(v[0].size, 66);
    assert_false(v[0].dir);
    assert_true(v[1].dir);
    assert_string_equal(v[2].name, "sub/b.txt");
    assert_int_equal(v[2].size, 12);
    extunpack_entries_free(v, n);
    assert_int_equal(extunpack_list_7z(t, v, 1), 1); /* max respected, the rest freed */
    extunpack_entries_free(v, 1);
    assert_int_equal(extunpack_list_7z("no listing", v, 8), 0);
}

/* lsar -j: top-level entries only, JSON escapes decoded, nested objects skipped */
static void test_list_lsar(void **state)
{
    (void)state;
    const char *j =
        "{\"lsarFormatVersion\": 2, \"lsarContents\": [ {\"RAR5Salt\": \"\\u00a7\","
        " \"XADFileName\": \"a\\/b \\\"q\\\" \\u00e9\\ud83d\\ude00.js\", \"XADFileSize\":"
        " 2048, \"RAR5InputParts\": [{\"XADFileSize\": 9, \"XADFileName\": \"x\"}],"
        " \"XADIndex\": 0}, {\"XADFileName\": \"dir\", \"XADIsDirectory\": 1,"
        " \"XADFileSize\": 0}, {\"XADFileName\": \"c.txt\", \"XADFileSize\": 5} ],"
        " \"lsarEncoding\": \"utf-8\"}";
    EXT_ENTRY v[8];
    size_t n = extunpack_list_lsar(j, v, 8);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].name, "a/b \"q\" \xc3\xa9\xf0\x9f\x98\x80.js");
    assert_int_equal(v[0].size, 2048);
    assert_true(v[1].dir);
    assert_string_equal(v[2].name, "c.txt");
    assert_int_equal(v[2].size, 5);
    extunpack_entries_free(v, n);
    assert_int_equal(extunpack_list_lsar("{\"lsarContents\": [ {\"XADFileName\": \"x", v, 8), 0);
}

/* kinds by signature; a missing unpacker is -1 with the reason */
static void test_kind_and_missing(void **state)
{
    (void)state;
    assert_int_equal(extunpack_kind((const unsigned char *)"7z\xBC\xAF\x27\x1C\0\4", 8), EXT_7Z);
    assert_int_equal(extunpack_kind((const unsigned char *)"Rar!\x1a\x07\x01\0", 8), EXT_RAR);
    assert_int_equal(extunpack_kind((const unsigned char *)"PK\3\4xxxx", 8), 0);
    EXTUNPACK_CFG cfg = {"/nonexistent/7zz", "", "/tmp", 1000, 256u << 20};
    ARCHIVE_LIMITS lim = {10, 1024, 4096};
    char *pw[] = {"secret"};
    EXTUNPACK_RESULT r;
    assert_int_equal(extunpack_open(EXT_7Z, (const unsigned char *)"7z\xBC\xAF\x27\x1C", 6, pw, 1,
                                    &cfg, &lim, NULL, NULL, &r),
                     -1);
    assert_non_null(strstr(r.why, "no 7z unpacker"));
    assert_int_equal(extunpack_open(EXT_RAR, (const unsigned char *)"Rar!\x1a\x07\0", 7, pw, 1,
                                    &cfg, &lim, NULL, NULL, &r),
                     -1);
    assert_non_null(strstr(r.why, "not configured"));
    /* no time left (unpack_helper_ms or the message's deadline spent): nothing is staged */
    char dir[] = "/tmp/fm-ext-XXXXXX";
    assert_non_null(mkdtemp(dir));
    EXTUNPACK_CFG spent = {"/bin/sh", "", dir, 0, 256u << 20};
    assert_int_equal(extunpack_open(EXT_7Z, (const unsigned char *)"7z\xBC\xAF\x27\x1C", 6, pw, 1,
                                    &spent, &lim, NULL, NULL, &r),
                     0);
    assert_true(r.timeout);
    assert_non_null(strstr(r.why, "no time left"));
    assert_int_equal(rmdir(dir), 0); /* still empty */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--probe-signals") == 0)
        return probe();
    ssize_t k = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
    if (k > 0)
        self_exe[k] = 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spawn_prints),
        cmocka_unit_test(test_spawn_no_writes),
        cmocka_unit_test(test_spawn_no_exec_no_net),
        cmocka_unit_test(test_spawn_no_signals),
        cmocka_unit_test(test_spawn_limits),
        cmocka_unit_test(test_spawn_sink),
        cmocka_unit_test(test_list_7z),
        cmocka_unit_test(test_list_lsar),
        cmocka_unit_test(test_kind_and_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
