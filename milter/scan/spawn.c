/*
 * scan/spawn - run an external unpacker confined (contract in scan/spawn.h)
 *
 * Why a deny-list and not emu/sandbox.c's allow-list: fileless-emu is our own program and
 * locks itself down after it started; 7zz and unar are Debian's, start with a dynamic
 * loader, threads (7-Zip) and the GNUstep runtime (unar), and their exact system calls
 * change with every upload. What matters for an unpacker is that it cannot reach the
 * network, other processes or the file system beyond reading; that is what is refused.
 * The filter is classic BPF written here (no libseccomp in the child: it allocates).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/xalloc.h"
#include "scan/spawn.h"

#define FILTER_MAX   256
#define ARG_LO(i)    ((uint32_t)(offsetof(struct seccomp_data, args) + 8 * (i)))
#define ARG_HI(i)    (ARG_LO(i) + 4)
#define NR_OFF       ((uint32_t)offsetof(struct seccomp_data, nr))
#define ARCH_OFF     ((uint32_t)offsetof(struct seccomp_data, arch))
#define X32_BIT      0x40000000u
#define WRITE_FLAGS  ((uint32_t)(O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND))
#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e)&SECCOMP_RET_DATA))

/* system calls that fail with EPERM whatever their arguments */
static const int denied[] = {
    SYS_socket,
    SYS_socketpair,
    SYS_ptrace,
    SYS_process_vm_readv,
    SYS_process_vm_writev,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_chroot,
    SYS_unshare,
    SYS_setns,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_userfaultfd,
    SYS_personality,
    SYS_execveat,
    SYS_io_uring_setup,
    SYS_io_uring_enter,
    SYS_io_uring_register,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_fanotify_init,
    SYS_reboot,
    SYS_swapon,
    SYS_swapoff,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_iopl,
    SYS_ioperm,
    SYS_kcmp,
    SYS_fork,
    SYS_vfork,
    SYS_kill,
    SYS_tkill,
    SYS_rt_sigqueueinfo,   /* signals to another process by pid (glibc's sigqueue) */
    SYS_rt_tgsigqueueinfo, /* ... and to a thread of one */
    SYS_pidfd_open,        /* a pidfd is a handle on another process: signals, fds, memory */
    SYS_pidfd_send_signal,
    SYS_pidfd_getfd,
    SYS_process_madvise,
    SYS_creat,
    SYS_unlink,
    SYS_unlinkat,
    SYS_rename,
    SYS_renameat,
    SYS_renameat2,
    SYS_mkdir,
    SYS_mkdirat,
    SYS_rmdir,
    SYS_link,
    SYS_linkat,
    SYS_symlink,
    SYS_symlinkat,
    SYS_chmod,
    SYS_fchmod,
    SYS_fchmodat,
    SYS_chown,
    SYS_fchown,
    SYS_lchown,
    SYS_fchownat,
    SYS_truncate,
    SYS_ftruncate,
    SYS_mknod,
    SYS_mknodat,
    SYS_quotactl,
    SYS_acct,
    SYS_sethostname,
    SYS_setdomainname,
    SYS_vhangup,
    SYS_lookup_dcookie,
    SYS_move_pages,
    SYS_migrate_pages,
    SYS_mbind,
    SYS_set_mempolicy,
};

typedef struct FILTER {
    struct sock_filter f[FILTER_MAX];
    unsigned short k;
} FILTER;

/* op - append one instruction (the table is sized for the program below) */
static void op(FILTER *p, unsigned short code, uint32_t k, unsigned char jt, unsigned char jf)
{
    if (p->k < FILTER_MAX)
        p->f[p->k++] = (struct sock_filter){code, jt, jf, k};
}

/* arg_is - nr with 32-bit argument word off equal to v: allow, else EPERM; then reload nr */
static void arg_is(FILTER *p, int nr, uint32_t off, uint32_t v, uint32_t hi_off, uint32_t hi)
{
    op(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 6);
    op(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
    op(p, BPF_JMP | BPF_JEQ | BPF_K, v, 0, 3);
    op(p, BPF_LD | BPF_W | BPF_ABS, hi_off, 0, 0);
    op(p, BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 1);
    op(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
    op(p, BPF_RET | BPF_K, RET_ERRNO(EPERM), 0, 0);
    op(p, BPF_LD | BPF_W | BPF_ABS, NR_OFF, 0, 0);
}

/* flag_refused - nr with any of bits in argument word off: ret_set, else allow; reload nr */
static void flag_refused(FILTER *p, int nr, uint32_t off, uint32_t bits, uint32_t ret_set)
{
    op(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 4);
    op(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
    op(p, BPF_JMP | BPF_JSET | BPF_K, bits, 0, 1);
    op(p, BPF_RET | BPF_K, ret_set, 0, 0);
    op(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
    op(p, BPF_LD | BPF_W | BPF_ABS, NR_OFF, 0, 0);
}

/* build - the program (no allocation: it runs in the forked child) */
static void build(FILTER *p, const char *path, pid_t self)
{
    uintptr_t a = (uintptr_t)path;
    p->k = 0;
    op(p, BPF_LD | BPF_W | BPF_ABS, ARCH_OFF, 0, 0);
    op(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    op(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
    op(p, BPF_LD | BPF_W | BPF_ABS, NR_OFF, 0, 0);
    op(p, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, 0, 1);
    op(p, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS, 0, 0);
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
        op(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)denied[i], 0, 1);
        op(p, BPF_RET | BPF_K, RET_ERRNO(EPERM), 0, 0);
    }
    op(p, BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1); /* glibc falls back to clone */
    op(p, BPF_RET | BPF_K, RET_ERRNO(ENOSYS), 0, 0);
    op(p, BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1);
    op(p, BPF_RET | BPF_K, RET_ERRNO(ENOSYS), 0, 0);
    arg_is(p, SYS_execve, ARG_LO(0), (uint32_t)a, ARG_HI(0), (uint32_t)((uint64_t)a >> 32));
    arg_is(p, SYS_tgkill, ARG_LO(0), (uint32_t)self, ARG_HI(0), 0);
    /* rlimits of the caller only (glibc's setrlimit/getrlimit pass pid 0) */
    arg_is(p, SYS_prlimit64, ARG_LO(0), 0, ARG_HI(0), 0);
    /* clone: threads only (a new process has no CLONE_THREAD) */
    op(p, BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4);
    op(p, BPF_LD | BPF_W | BPF_ABS, ARG_LO(0), 0, 0);
    op(p, BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 1, 0);
    op(p, BPF_RET | BPF_K, RET_ERRNO(EPERM), 0, 0);
    op(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
    op(p, BPF_LD | BPF_W | BPF_ABS, NR_OFF, 0, 0);
    flag_refused(p, SYS_open, ARG_LO(1), WRITE_FLAGS, RET_ERRNO(EACCES));
    flag_refused(p, SYS_openat, ARG_LO(2), WRITE_FLAGS, RET_ERRNO(EACCES));
    op(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
}

/* limit - one rlimit, soft = hard */
static void limit(int res, rlim_t v)
{
    struct rlimit r = {v, v};
    setrlimit(res, &r);
}

/* child - confine, then exec; never returns (only system calls: see spawn.h) */
static void child(const char *path, char *const argv[], char *const envp[], const char *cwd, int in,
                  int out, int err, const SPAWN_LIMITS *lim)
{
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(126);
    if (syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    if (chdir(cwd) != 0)
        _exit(126);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    limit(RLIMIT_CORE, 0);
    limit(RLIMIT_FSIZE, 0);
    limit(RLIMIT_NOFILE, 64);
    limit(RLIMIT_CPU, (rlim_t)(lim->timeout_ms / 1000 + 1));
    if (lim->memory)
        limit(RLIMIT_AS, (rlim_t)lim->memory);
    FILTER f;
    build(&f, path, (pid_t)syscall(SYS_getpid));
    struct sock_fprog prog = {f.k, f.f};
    if (f.k >= FILTER_MAX || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        _exit(126);
    execve(path, argv, envp);
    _exit(127);
}

/* take - read what fd has into the result; false at end of file */
static bool take(int fd, bool is_out, SPAWN_RESULT *r, size_t *cap, size_t *elen,
                 const SPAWN_LIMITS *lim)
{
    unsigned char tmp[65536];
    ssize_t k = read(fd, tmp, sizeof(tmp));
    if (k < 0)
        return errno == EINTR || errno == EAGAIN;
    if (k == 0)
        return false;
    if (!is_out) {
        size_t room = SPAWN_ERR_MAX - *elen;
        size_t c = (size_t)k < room ? (size_t)k : room;
        memcpy(r->err + *elen, tmp, c);
        *elen += c;
        r->err[*elen] = 0;
        return true;
    }
    size_t keep = (size_t)k;
    size_t room = lim->max_out - r->len;
    if (keep > room) {
        keep = room;
        r->cut = true;
    }
    if (lim->sink) {
        if (keep && !lim->sink(lim->sink_ctx, tmp, keep))
            r->cut = true;
        r->len += keep;
        return true;
    }
    if (r->len + keep + 1 > *cap) {
        size_t c = *cap;
        while (c < r->len + keep + 1)
            c *= 2;
        unsigned char *d = try_realloc(r->out, c);
        if (d == NULL) {
            r->cut = true;
            return true;
        }
        r->out = d;
        *cap = c;
    }
    memcpy(r->out + r->len, tmp, keep);
    r->len += keep;
    r->out[r->len] = 0;
    return true;
}

/* reap - wait for the child, killing it at the deadline: a child that closed its pipes
 * but goes on running must not hold the scan (pidfd: no polling loop) */
static int reap(pid_t pid, long long deadline, SPAWN_RESULT *r)
{
    int st = 0;
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    long long left = deadline - (long long)now_ms();
    if (fd < 0) { /* a kernel before 5.3: the child has no way to outlive its pipes here */
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        return st;
    }
    struct pollfd p = {fd, POLLIN, 0};
    while (left > 0 && poll(&p, 1, (int)(left > 1000000 ? 1000000 : left)) < 0 && errno == EINTR)
        left = deadline - (long long)now_ms();
    close(fd);
    if (waitpid(pid, &st, WNOHANG) == 0) { /* still running past the deadline */
        r->timeout = r->timeout || !r->cut;
        kill(pid, SIGKILL);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    return st;
}

/* collect - read both pipes until end of file, the deadline or the cap */
static void collect(pid_t pid, int out, int err, long long deadline, const SPAWN_LIMITS *lim,
                    SPAWN_RESULT *r)
{
    size_t cap = 4096;
    size_t elen = 0;
    bool oopen = true;
    bool eopen = true;
    bool killed = false;
    while (oopen || eopen) {
        long long left = deadline - (long long)now_ms();
        if (left <= 0 || r->cut) {
            if (!killed) {
                r->timeout = !r->cut;
                kill(pid, SIGKILL);
                killed = true;
            }
            break;
        }
        struct pollfd p[2] = {{oopen ? out : -1, POLLIN, 0}, {eopen ? err : -1, POLLIN, 0}};
        int n = poll(p, 2, (int)(left > 1000000 ? 1000000 : left));
        if (n < 0 && errno != EINTR)
            break;
        if (oopen && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
            oopen = take(out, true, r, &cap, &elen, lim);
        if (eopen && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            eopen = take(err, false, r, &cap, &elen, lim);
    }
    if (r->cut && !killed)
        kill(pid, SIGKILL);
}

/* spawn_run - see spawn.h */
int spawn_run(const char *path, char *const argv[], char *const envp[], const char *cwd,
              const char *input, const SPAWN_LIMITS *lim, SPAWN_RESULT *r)
{
    memset(r, 0, sizeof(*r));
    r->out = xmalloc(4096);
    r->out[0] = 0;
    int pin[2] = {-1, -1};
    int pout[2] = {-1, -1};
    int perr[2] = {-1, -1};
    if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 || pipe2(perr, O_CLOEXEC) != 0) {
        snprintf(r->err, sizeof(r->err), "pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (pin[i] >= 0)
                close(pin[i]);
            if (pout[i] >= 0)
                close(pout[i]);
        }
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0)
        child(path, argv, envp, cwd, pin[0], pout[1], perr[1], lim);
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    if (pid < 0) {
        snprintf(r->err, sizeof(r->err), "fork: %s", strerror(errno));
        close(pin[1]);
        close(pout[0]);
        close(perr[0]);
        return -1;
    }
    if (input) /* a short line: fits the pipe; EPIPE (SIGPIPE is ignored) when it exited */
        (void)!write(pin[1], input, strlen(input));
    close(pin[1]);
    long long deadline = (long long)now_ms() + lim->timeout_ms;
    collect(pid, pout[0], perr[0], deadline, lim, r);
    close(pout[0]);
    close(perr[0]);
    int st = reap(pid, deadline, r);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : -1;
    return 0;
}

/* spawn_done - free the output */
void spawn_done(SPAWN_RESULT *r)
{
    if (r) {
        free(r->out);
        r->out = NULL;
        r->len = 0;
    }
}
