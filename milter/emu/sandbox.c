/*
 * sandbox - rlimits and the seccomp allow-list of fileless-emu (see sandbox.h)
 *
 * The list is what the interpreter was seen to call after start-up (emulation.md §6:
 * write, brk, mmap, munmap, mremap; Date needs TZ set before, which the helper does)
 * plus read on the request pipe, madvise (glibc trimming), the clocks (the deadline check;
 * usually answered by the vDSO) and exit. In a sanitizer build the runtime also needs
 * stderr, futex, sched_yield, getpid/gettid, mprotect without PROT_EXEC and what it
 * uses to print a report (signal handling, opening /proc/self/maps), and RLIMIT_AS is
 * not set (ASan and TSan reserve terabytes of shadow address space).
 */
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "emu/sandbox.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer) ||             \
    __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* sandbox_limits - see sandbox.h */
void sandbox_limits(size_t as_bytes, unsigned cpu_seconds)
{
    struct rlimit z = {0, 0};
    setrlimit(RLIMIT_CORE, &z);
    if (cpu_seconds) {
        struct rlimit cpu = {cpu_seconds, cpu_seconds + 1};
        setrlimit(RLIMIT_CPU, &cpu);
    }
    if (as_bytes && !SANITIZED) {
        struct rlimit as = {as_bytes, as_bytes};
        setrlimit(RLIMIT_AS, &as);
    }
}

/* cmp - one argument test (the SCMP_Ax macros leave a field out, which clang warns about) */
static struct scmp_arg_cmp cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b)
{
    struct scmp_arg_cmp c = {.arg = arg, .op = op, .datum_a = a, .datum_b = b};
    return c;
}

/* sandbox_lockdown - see sandbox.h */
int sandbox_lockdown(int in_fd, int out_fd)
{
    scmp_filter_ctx c = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (c == NULL)
        return -1;
    int rc = 0;
    rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(read), 1,
                           cmp(0, SCMP_CMP_EQ, (scmp_datum_t)in_fd, 0));
    rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
                           cmp(0, SCMP_CMP_EQ, (scmp_datum_t)out_fd, 0));
    rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
                           cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    const int plain[] = {SCMP_SYS(brk),        SCMP_SYS(munmap),        SCMP_SYS(mremap),
                         SCMP_SYS(madvise),    SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
                         SCMP_SYS(exit_group), SCMP_SYS(exit),          SCMP_SYS(rt_sigreturn)};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, plain[i], 0);
    if (SANITIZED) {
        rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, cmp(0, SCMP_CMP_EQ, 2, 0));
        rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
                               cmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
        const int san[] = {SCMP_SYS(futex),          SCMP_SYS(sched_yield), SCMP_SYS(getpid),
                           SCMP_SYS(gettid),         SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction),
                           SCMP_SYS(rt_sigprocmask), SCMP_SYS(readlink),    SCMP_SYS(openat),
                           SCMP_SYS(close)}; /* to print a report */
        for (size_t i = 0; i < sizeof(san) / sizeof(san[0]); i++)
            rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, san[i], 0);
    }
    if (rc == 0)
        rc = seccomp_load(c);
    seccomp_release(c);
    return rc == 0 ? 0 : -1;
}
