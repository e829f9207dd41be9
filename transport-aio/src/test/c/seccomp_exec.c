/*
 * seccomp_exec: runs a command under a seccomp filter that refuses chosen system calls with a chosen errno, the way
 * container runtimes refuse what their profile does not allow (test code only).
 *
 *   seccomp_exec RULE... -- COMMAND [ARG...]
 *
 *   RULE  NAME=ERRNO            every call of NAME fails with ERRNO
 *         NAME=ERRNO@ARG&MASK   only calls whose argument ARG (0-5) has a bit of MASK set in its low 32 bits
 *
 *   NAME  io_setup, io_destroy, io_submit, io_getevents, io_cancel, preadv2, pwritev2, statx, eventfd2,
 *         timerfd_create, sched_setattr, io_uring_setup
 *   ERRNO ENOSYS, EPERM, EACCES, or a number
 *
 * Example: `seccomp_exec preadv2=EPERM@5&8 -- java ...` refuses preadv2 with RWF_NOWAIT (8) in its flags (argument
 * 5) and allows it without. The filter is installed with PR_SET_NO_NEW_PRIVS (no privilege needed) and is
 * inherited by the command and every thread it starts; other architectures' calls are allowed.
 *
 * Exit status: the command's (it replaces this process), 97 when seccomp cannot be installed here (the test skips),
 * 98 on bad usage, 127 when the command cannot be executed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH_NR AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_NR AUDIT_ARCH_AARCH64
#else
#error "seccomp_exec knows x86_64 and aarch64 only"
#endif

#define MAX_RULES 16

struct named { const char *name; long value; };

static const struct named SYSCALLS[] = {
    {"io_setup", __NR_io_setup}, {"io_destroy", __NR_io_destroy}, {"io_submit", __NR_io_submit},
    {"io_getevents", __NR_io_getevents}, {"io_cancel", __NR_io_cancel}, {"preadv2", __NR_preadv2},
    {"pwritev2", __NR_pwritev2}, {"statx", __NR_statx}, {"eventfd2", __NR_eventfd2},
    {"timerfd_create", __NR_timerfd_create}, {"sched_setattr", __NR_sched_setattr},
#ifdef __NR_io_uring_setup
    {"io_uring_setup", __NR_io_uring_setup},
#else
    {"io_uring_setup", 425}, /* the same number on x86_64 and aarch64 */
#endif
};

static const struct named ERRNOS[] = {{"ENOSYS", ENOSYS}, {"EPERM", EPERM}, {"EACCES", EACCES}};

struct rule { long nr; unsigned errno_value; int arg; unsigned mask; };

static long lookup(const struct named *table, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return table[i].value;
        }
    }
    return -1;
}

static int usage(const char *why) {
    fprintf(stderr, "seccomp_exec: %s\nusage: seccomp_exec NAME=ERRNO[@ARG&MASK]... -- COMMAND [ARG...]\n", why);
    return 98;
}

static int parse(char *text, struct rule *r) {
    char *eq = strchr(text, '=');
    if (eq == NULL) {
        return -1;
    }
    *eq = '\0';
    r->nr = lookup(SYSCALLS, sizeof SYSCALLS / sizeof SYSCALLS[0], text);
    char *value = eq + 1;
    char *at = strchr(value, '@');
    r->arg = -1;
    r->mask = 0;
    if (at != NULL) {
        *at = '\0';
        char *amp = strchr(at + 1, '&');
        if (amp == NULL) {
            return -1;
        }
        *amp = '\0';
        r->arg = atoi(at + 1);
        r->mask = (unsigned) strtoul(amp + 1, NULL, 0);
        if (r->arg < 0 || r->arg > 5 || r->mask == 0) {
            return -1;
        }
    }
    long e = lookup(ERRNOS, sizeof ERRNOS / sizeof ERRNOS[0], value);
    if (e < 0) {
        e = strtol(value, NULL, 10);
    }
    if (r->nr < 0 || e <= 0 || e > 4095) {
        return -1;
    }
    r->errno_value = (unsigned) e;
    return 0;
}

int main(int argc, char **argv) {
    struct rule rules[MAX_RULES];
    int nrules = 0;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (nrules == MAX_RULES || parse(argv[i], &rules[nrules]) != 0) {
            return usage("bad rule");
        }
        nrules++;
    }
    if (nrules == 0 || i + 1 >= argc) {
        return usage("no rule or no command");
    }
    char **command = &argv[i + 1];

    struct sock_filter prog[4 + MAX_RULES * 6 + 1];
    int n = 0;
    prog[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    prog[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NR, 1, 0);
    prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    for (int k = 0; k < nrules; k++) {
        struct rule *r = &rules[k];
        int body = r->arg < 0 ? 1 : 4; /* instructions after the JEQ that belong to this rule */
        prog[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        prog[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) r->nr, 0, body);
        if (r->arg >= 0) {
            /* the low half of the 64-bit argument (little-endian on both architectures) */
            prog[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                                      offsetof(struct seccomp_data, args) + 8 * r->arg);
            prog[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->mask, 0, 1);
            prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | r->errno_value);
            prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        } else {
            prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | r->errno_value);
        }
    }
    prog[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = {.len = (unsigned short) n, .filter = prog};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fprintf(stderr, "seccomp_exec: prctl(PR_SET_NO_NEW_PRIVS): %s\n", strerror(errno));
        return 97;
    }
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
        fprintf(stderr, "seccomp_exec: seccomp(SECCOMP_SET_MODE_FILTER): %s\n", strerror(errno));
        return 97;
    }
    execvp(command[0], command);
    fprintf(stderr, "seccomp_exec: cannot execute %s: %s\n", command[0], strerror(errno));
    return 127;
}
