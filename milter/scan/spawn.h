/*
 * scan/spawn - run an external unpacker confined: resource limits, a seccomp deny-list,
 *              a wall-clock deadline and a cap on what it prints
 *
 * SYNOPSIS
 *   int spawn_run(const char *path, char *const argv[], char *const envp[], const char *cwd,
 *                 const char *input, const SPAWN_LIMITS *lim, SPAWN_RESULT *r);
 *   void spawn_done(SPAWN_RESULT *r);
 *
 * DESCRIPTION
 *   spawn_run forks and executes path with argv and envp in directory cwd, writes input
 *   (a NUL-terminated text, may be NULL) to its standard input and closes it, and collects
 *   its standard output (at most lim->max_out bytes: one byte more and the child is
 *   killed, r->cut) and the start of its standard error (r->err, sanitized by the caller
 *   before any log). The child is killed (SIGKILL) at lim->timeout_ms of wall-clock time
 *   (r->timeout). r->status is the exit code, or minus the signal that ended the child.
 *   With lim->sink the output is streamed to it instead (memory stays one pipe read).
 *   Returns 0 when the child ran, -1 when it could not be started (r->err says why; a
 *   child that could not load its confinement exits 126 and never runs the program).
 *
 *   The confinement, set up in the child between fork and exec with system calls only
 *   (the milter is multi-threaded: nothing that allocates or takes a lock):
 *     - rlimits: RLIMIT_AS lim->memory, RLIMIT_CPU the deadline rounded up, RLIMIT_FSIZE 0
 *       (no byte can be written to any regular file), RLIMIT_NOFILE 64, RLIMIT_CORE 0;
 *     - every descriptor but 0, 1, 2 closed; PR_SET_PDEATHSIG SIGKILL; no_new_privs;
 *     - a classic-BPF seccomp filter (x86-64 only; any other ABI, x32 included, is
 *       killed): socket, socketpair, ptrace, mount, namespaces, module, key, bpf, perf,
 *       io_uring, personality, fork/vfork and clone without CLONE_THREAD, every way to
 *       reach another process (kill, tkill, tgkill outside its own thread group,
 *       rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_open/send_signal/getfd,
 *       process_madvise, process_vm_*, prlimit64 of a pid other than 0), execveat, and
 *       every call that creates, removes, renames or changes a file (open/openat with a
 *       write flag, creat, unlink, rename, mkdir, link, chmod, chown, truncate, mknod)
 *       fail with EPERM; execve is allowed only with the exact path address of this call
 *       (the first exec; argv is not compared: a payload would have to rebuild the path
 *       string at the same address of the new, randomized image).
 *   The programs run here (7zz, unar/lsar) only read the archive and print: they need no
 *   more. Where the kernel refuses the filter the child exits 126 (fail closed).
 *
 * LIMITS
 *   SPAWN_ERR_MAX bytes of standard error kept; lim->max_out of standard output.
 */
#ifndef FM_SCAN_SPAWN_H
#define FM_SCAN_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

#define SPAWN_ERR_MAX 512

typedef struct SPAWN_LIMITS {
    unsigned timeout_ms; /* wall clock; killed past it */
    size_t memory;       /* RLIMIT_AS (0: left alone) */
    size_t max_out;      /* standard output taken; killed one byte past it */
    /* when set, standard output goes here chunk by chunk instead of into r->out (which
     * stays empty; r->len still counts); false stops the child (killed, r->cut) */
    bool (*sink)(void *ctx, const unsigned char *p, size_t n);
    void *sink_ctx;
} SPAWN_LIMITS;

typedef struct SPAWN_RESULT {
    unsigned char *out; /* standard output (xmalloc'd, NUL-terminated), len bytes */
    size_t len;
    bool cut;     /* killed for printing more than max_out */
    bool timeout; /* killed at the deadline */
    int status;   /* exit code, or -signal */
    char err[SPAWN_ERR_MAX + 1];
} SPAWN_RESULT;

int spawn_run(const char *path, char *const argv[], char *const envp[], const char *cwd,
              const char *input, const SPAWN_LIMITS *lim, SPAWN_RESULT *r);
void spawn_done(SPAWN_RESULT *r);

#endif
