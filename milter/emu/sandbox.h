/*
 * sandbox - the helper's confinement: resource limits and the seccomp filter (see
 *           sandbox.c; the only file that includes seccomp.h)
 *
 * SYNOPSIS
 *   void sandbox_limits(size_t as_bytes, unsigned cpu_seconds);
 *   int sandbox_lockdown(int in_fd, int out_fd);
 *
 * DESCRIPTION
 *   sandbox_limits sets RLIMIT_AS (0: left alone), RLIMIT_CPU (SIGXCPU at cpu_seconds,
 *   SIGKILL one second later) and a zero core size. sandbox_lockdown loads a
 *   seccomp filter after which the process may only read in_fd, write out_fd, manage
 *   memory (brk, mmap without PROT_EXEC, munmap, mremap, madvise), read the clocks and
 *   exit; any other system call kills it (SIGSYS). Returns 0, or -1 when the filter could
 *   not be loaded (the helper then refuses to run scripts).
 */
#ifndef FM_EMU_SANDBOX_H
#define FM_EMU_SANDBOX_H

#include <stddef.h>

void sandbox_limits(size_t as_bytes, unsigned cpu_seconds);
int sandbox_lockdown(int in_fd, int out_fd);

#endif
