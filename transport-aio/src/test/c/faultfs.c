/*
 * faultfs: a tiny libfuse3 filesystem for fault-injection tests (test code only).
 *
 * It serves two files at the root of the mount:
 *
 *   data  the file under test; its bytes live in a sparse backing file given by --backing
 *         (created and truncated to --size at start). read, write, truncate, fsync, fallocate
 *         and getattr are supported; opens with O_DIRECT are accepted.
 *   ctl   the control file. Each write(2) holds one or more complete lines:
 *
 *           [OPS] OFFSET LENGTH ERRNO DELAY_MS [TIMES]
 *           clear
 *
 *         A rule matches a request on `data` whose byte range overlaps [OFFSET, OFFSET+LENGTH)
 *         and whose operation is in OPS. The request then waits DELAY_MS milliseconds and fails
 *         with ERRNO, or is served normally when ERRNO is 0 (a pure delay). OPS is a
 *         comma-separated list of read, write, fsync, fallocate, truncate, open, or `any`
 *         (= read,write,fsync,fallocate,truncate; `open` is only matched when named). OPS
 *         defaults to `any`. fsync, truncate and open have no byte range: they are treated as
 *         covering the whole file. TIMES > 0 retires the rule after it matched that many times
 *         (0 or absent = forever). Rules are tried in the order they were added; the first
 *         match wins. `clear` removes all rules. Blank lines and lines starting with '#' are
 *         ignored. A malformed line fails the whole write with EINVAL and changes nothing.
 *         Reading `ctl` lists the rules, one per line, as `OPS OFFSET LENGTH ERRNO DELAY_MS
 *         TIMES HITS`, where HITS counts the requests the rule has matched.
 *
 * Both files are opened with FOPEN_DIRECT_IO (fi->direct_io = 1): the kernel page cache is
 * bypassed and every read(2)/write(2) becomes FUSE requests covering exactly the requested
 * range. Without it a buffered read would be served from cache after the first success (a
 * later rule would never be seen) and readahead would fail healthy pages next to an injected
 * range. O_DIRECT opens behave the same either way (asynchronous under io_submit, no
 * alignment enforced). The price: mmap of `data` is not faulted, and large requests are split
 * by the kernel into chunks of at most max_read/max_write (1 MiB here) that are matched
 * separately; a synchronous read spanning a healthy chunk then a failing one returns a short
 * count first.
 *
 * Usage: faultfs --size=BYTES --backing=PATH [--owner-pid=PID] MOUNTPOINT [-d] [-o opt,...]
 * Always runs in the foreground, multi-threaded (up to 1024 workers, so delayed requests do not
 * serialize: each delay sleeps in its own worker thread). Exits, unmounting, on SIGTERM/SIGINT,
 * on umount, or when the --owner-pid process exits (watched with a pidfd), so a killed JVM
 * never leaves a mount behind. On exit, requests still waiting in a delay end at once with EIO.
 *
 * Build: gcc -O2 -Wall -Wextra faultfs.c $(pkg-config --cflags --libs fuse3) -o faultfs
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE

#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define OP_READ      (1u << 0)
#define OP_WRITE     (1u << 1)
#define OP_FSYNC     (1u << 2)
#define OP_FALLOCATE (1u << 3)
#define OP_TRUNCATE  (1u << 4)
#define OP_OPEN      (1u << 5)
#define OP_ANY       (OP_READ | OP_WRITE | OP_FSYNC | OP_FALLOCATE | OP_TRUNCATE)

#define MAX_RULES 256
#define WHOLE_FILE UINT64_MAX

static const struct {
    const char *name;
    unsigned mask;
} op_names[] = {
    { "read", OP_READ }, { "write", OP_WRITE }, { "fsync", OP_FSYNC }, { "fallocate", OP_FALLOCATE },
    { "truncate", OP_TRUNCATE }, { "open", OP_OPEN }, { "any", OP_ANY },
};

struct rule {
    unsigned ops;
    uint64_t offset;
    uint64_t length;
    int err;
    uint64_t delay_ms;
    uint64_t times;  /* 0 = unlimited */
    uint64_t hits;
};

static struct {
    char *backing;
    char *size;
    char *mountpoint;
    int owner_pid;
} opts;

static int backing_fd = -1;
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rule rules[MAX_RULES];
static int nrules;

/* ---- rules ---------------------------------------------------------------------------------- */

static uint64_t end_of(uint64_t off, uint64_t len)
{
    return len > UINT64_MAX - off ? UINT64_MAX : off + len;
}

/*
 * Finds the first live rule matching (op, [off, off+len)), counts the hit and returns its
 * errno and delay. Returns 0 when no rule matched.
 */
static int match(unsigned op, uint64_t off, uint64_t len, int *err, uint64_t *delay_ms)
{
    int found = 0;
    uint64_t end = end_of(off, len);
    pthread_mutex_lock(&rules_lock);
    for (int i = 0; i < nrules; i++) {
        struct rule *r = &rules[i];
        if (!(r->ops & op) || (r->times != 0 && r->hits >= r->times)) {
            continue;
        }
        if (off < end_of(r->offset, r->length) && r->offset < end) {
            r->hits++;
            *err = r->err;
            *delay_ms = r->delay_ms;
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&rules_lock);
    return found;
}

/*
 * Delays sleep in poll() on a self-pipe that the exit signal handler writes to. libfuse runs request handlers with
 * thread cancellation disabled, so on SIGTERM its pthread_cancel + pthread_join of the workers would otherwise wait
 * for every pending delay (up to the full delay_ms) before the daemon could exit. The pipe is never drained: once
 * written, every current and future delay ends at once.
 */
static int wake_pipe[2] = { -1, -1 };
static void (*libfuse_exit_handler)(int);

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* Returns 0 after the full delay, -1 if cut short because the daemon is exiting. */
static int sleep_ms(uint64_t ms)
{
    double deadline = now_ms() + (double) ms;
    struct pollfd p = { .fd = wake_pipe[0], .events = POLLIN };
    for (;;) {
        double left = deadline - now_ms();
        if (left <= 0) {
            return 0;
        }
        int res = poll(&p, 1, left > 1e9 ? 1000000000 : (int) left + 1);
        if (res > 0) {
            return -1;
        }
    }
}

static void exit_handler(int sig)
{
    int saved = errno;
    ssize_t ignored = write(wake_pipe[1], "x", 1);
    (void) ignored;
    errno = saved;
    if (libfuse_exit_handler != NULL) {
        libfuse_exit_handler(sig);
    }
}

/* Chains our handler in front of the one fuse_set_signal_handlers() installed for SIGTERM, SIGINT and SIGHUP. */
static int chain_exit_handlers(void)
{
    int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = exit_handler;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], &sa, &old) == -1) {
            return -1;
        }
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
            libfuse_exit_handler = old.sa_handler;
        }
    }
    return 0;
}

/* Applies the first matching rule: sleeps its delay, returns -errno (or 0 to proceed). */
static int inject(unsigned op, uint64_t off, uint64_t len)
{
    int err = 0;
    uint64_t delay_ms = 0;
    if (!match(op, off, len, &err, &delay_ms)) {
        return 0;
    }
    if (delay_ms > 0 && sleep_ms(delay_ms) != 0) {
        return -EIO;  /* exiting: the kernel aborts the request anyway once /dev/fuse is closed */
    }
    return -err;
}

static int parse_ops(const char *tok, unsigned *ops)
{
    char buf[128];
    if (strlen(tok) >= sizeof(buf)) {
        return -1;
    }
    strcpy(buf, tok);
    *ops = 0;
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
            if (strcmp(name, op_names[i].name) == 0) {
                *ops |= op_names[i].mask;
                break;
            }
        }
        if (i == sizeof(op_names) / sizeof(op_names[0])) {
            return -1;
        }
    }
    return *ops == 0 ? -1 : 0;
}

static int parse_u64(const char *tok, uint64_t *out)
{
    char *end;
    if (tok == NULL || *tok < '0' || *tok > '9') {
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(tok, &end, 10);
    if (errno != 0 || *end != '\0') {
        return -1;
    }
    *out = v;
    return 0;
}

/* Parses one line into *r. Returns 1 for a rule, 2 for `clear`, 0 for a blank line, -1 on error. */
static int parse_line(char *line, struct rule *r)
{
    char *tok[8];
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t != NULL; t = strtok_r(NULL, " \t\r", &save)) {
        if (n == 8) {
            return -1;
        }
        tok[n++] = t;
    }
    if (n == 0 || tok[0][0] == '#') {
        return 0;
    }
    if (n == 1 && strcmp(tok[0], "clear") == 0) {
        return 2;
    }
    memset(r, 0, sizeof(*r));
    int i = 0;
    r->ops = OP_ANY;
    if (tok[0][0] < '0' || tok[0][0] > '9') {
        if (parse_ops(tok[0], &r->ops) != 0) {
            return -1;
        }
        i = 1;
    }
    uint64_t err;
    if (n - i < 4 || n - i > 5 || parse_u64(tok[i], &r->offset) != 0 || parse_u64(tok[i + 1], &r->length) != 0
            || parse_u64(tok[i + 2], &err) != 0 || parse_u64(tok[i + 3], &r->delay_ms) != 0
            || (n - i == 5 && parse_u64(tok[i + 4], &r->times) != 0)) {
        return -1;
    }
    if (r->length == 0 || err > 4095) {
        return -1;
    }
    r->err = (int) err;
    return 1;
}

/* Parses every line of one ctl write first, then applies them atomically. */
static int apply_ctl(const char *buf, size_t size)
{
    char *text = strndup(buf, size);
    if (text == NULL) {
        return -ENOMEM;
    }
    struct rule parsed[MAX_RULES];
    int clear_at = -1;  /* rules parsed before the last `clear` are dropped too */
    int n = 0;
    int res = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        struct rule r;
        int kind = parse_line(line, &r);
        if (kind < 0) {
            res = -EINVAL;
            break;
        } else if (kind == 2) {
            clear_at = n;
        } else if (kind == 1) {
            if (n == MAX_RULES) {
                res = -ENOSPC;
                break;
            }
            parsed[n++] = r;
        }
    }
    free(text);
    if (res != 0) {
        return res;
    }
    pthread_mutex_lock(&rules_lock);
    int first = 0;
    if (clear_at >= 0) {
        nrules = 0;
        first = clear_at;
    }
    if (nrules + (n - first) > MAX_RULES) {
        res = -ENOSPC;
    } else {
        memcpy(&rules[nrules], &parsed[first], sizeof(struct rule) * (size_t) (n - first));
        nrules += n - first;
    }
    pthread_mutex_unlock(&rules_lock);
    return res;
}

/* Renders the rule table; the caller frees the result. */
static char *render_ctl(size_t *len)
{
    size_t cap = 64 + (size_t) MAX_RULES * 160;
    char *out = malloc(cap);
    if (out == NULL) {
        return NULL;
    }
    size_t pos = 0;
    pthread_mutex_lock(&rules_lock);
    for (int i = 0; i < nrules; i++) {
        const struct rule *r = &rules[i];
        char ops[96] = "";
        unsigned rest = r->ops;
        if ((rest & OP_ANY) == OP_ANY) {
            strcat(ops, "any,");
            rest &= ~OP_ANY;
        }
        for (size_t k = 0; k < sizeof(op_names) / sizeof(op_names[0]); k++) {
            if ((rest & op_names[k].mask) == op_names[k].mask && op_names[k].mask != OP_ANY) {
                strcat(ops, op_names[k].name);
                strcat(ops, ",");
            }
        }
        ops[strlen(ops) - 1] = '\0';
        pos += (size_t) snprintf(out + pos, cap - pos, "%s %" PRIu64 " %" PRIu64 " %d %" PRIu64 " %" PRIu64
                " %" PRIu64 "\n", ops, r->offset, r->length, r->err, r->delay_ms, r->times, r->hits);
    }
    pthread_mutex_unlock(&rules_lock);
    *len = pos;
    return out;
}

/* ---- filesystem ----------------------------------------------------------------------------- */

enum node { NODE_NONE, NODE_ROOT, NODE_DATA, NODE_CTL };

static enum node node_of(const char *path)
{
    if (strcmp(path, "/") == 0) {
        return NODE_ROOT;
    } else if (strcmp(path, "/data") == 0) {
        return NODE_DATA;
    } else if (strcmp(path, "/ctl") == 0) {
        return NODE_CTL;
    }
    return NODE_NONE;
}

static void *ffs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    /*
     * The kernel default max_background is 12: with more asynchronous (io_submit) requests in
     * flight than that, io_submit itself blocks until one completes (seen: 16 delayed reads
     * made io_submit block 1 s). Raise it well above any test's queue depth.
     */
    conn->max_background = 1024;
    conn->congestion_threshold = 768;
    /* No attribute or entry caching: the size seen by the kernel is always the backing size. */
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->direct_io = 1;
    return NULL;
}

static int ffs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    (void) fi;
    memset(st, 0, sizeof(*st));
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_blksize = 4096;
    switch (node_of(path)) {
    case NODE_ROOT:
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    case NODE_DATA: {
        struct stat b;
        if (fstat(backing_fd, &b) == -1) {
            return -errno;
        }
        st->st_mode = S_IFREG | 0644;
        st->st_nlink = 1;
        st->st_size = b.st_size;
        st->st_blocks = b.st_blocks;
        st->st_mtim = b.st_mtim;
        st->st_ctim = b.st_ctim;
        st->st_atim = b.st_atim;
        return 0;
    }
    case NODE_CTL:
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
        st->st_size = 0;
        return 0;
    default:
        return -ENOENT;
    }
}

static int ffs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
        enum fuse_readdir_flags flags)
{
    (void) off;
    (void) fi;
    (void) flags;
    if (node_of(path) != NODE_ROOT) {
        return -ENOTDIR;
    }
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    fill(buf, "data", NULL, 0, 0);
    fill(buf, "ctl", NULL, 0, 0);
    return 0;
}

static int ffs_open(const char *path, struct fuse_file_info *fi)
{
    enum node n = node_of(path);
    if (n == NODE_ROOT) {
        return -EISDIR;
    } else if (n == NODE_NONE) {
        return -ENOENT;
    }
    /*
     * Bypass the page cache for every open, O_DIRECT or not (see the header comment). O_DIRECT
     * itself is simply accepted: FUSE enforces no alignment.
     */
    fi->direct_io = 1;
    fi->keep_cache = 0;
    if (n == NODE_DATA) {
        int res = inject(OP_OPEN, 0, WHOLE_FILE);
        if (res != 0) {
            return res;
        }
    }
    return 0;
}

static int ffs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void) fi;
    switch (node_of(path)) {
    case NODE_DATA: {
        int res = inject(OP_READ, (uint64_t) off, size);
        if (res != 0) {
            return res;
        }
        size_t done = 0;
        while (done < size) {
            ssize_t n = pread(backing_fd, buf + done, size - done, off + (off_t) done);
            if (n == -1) {
                if (errno == EINTR) {
                    continue;
                }
                return done > 0 ? (int) done : -errno;
            }
            if (n == 0) {
                break;
            }
            done += (size_t) n;
        }
        return (int) done;
    }
    case NODE_CTL: {
        size_t len;
        char *text = render_ctl(&len);
        if (text == NULL) {
            return -ENOMEM;
        }
        size_t n = (size_t) off >= len ? 0 : len - (size_t) off;
        if (n > size) {
            n = size;
        }
        if (n > 0) {
            memcpy(buf, text + off, n);
        }
        free(text);
        return (int) n;
    }
    default:
        return -EISDIR;
    }
}

static int ffs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void) fi;
    switch (node_of(path)) {
    case NODE_DATA: {
        int res = inject(OP_WRITE, (uint64_t) off, size);
        if (res != 0) {
            return res;
        }
        size_t done = 0;
        while (done < size) {
            ssize_t n = pwrite(backing_fd, buf + done, size - done, off + (off_t) done);
            if (n == -1) {
                if (errno == EINTR) {
                    continue;
                }
                return done > 0 ? (int) done : -errno;
            }
            done += (size_t) n;
        }
        return (int) done;
    }
    case NODE_CTL: {
        /* The offset is ignored: every write is a batch of complete command lines. */
        int res = apply_ctl(buf, size);
        return res != 0 ? res : (int) size;
    }
    default:
        return -EISDIR;
    }
}

static int ffs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    (void) fi;
    switch (node_of(path)) {
    case NODE_DATA: {
        int res = inject(OP_TRUNCATE, 0, WHOLE_FILE);
        if (res != 0) {
            return res;
        }
        return ftruncate(backing_fd, size) == -1 ? -errno : 0;
    }
    case NODE_CTL:
        return 0;  /* O_TRUNC on ctl (e.g. `echo clear > ctl`) is harmless */
    default:
        return -EISDIR;
    }
}

static int ffs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void) datasync;
    (void) fi;
    if (node_of(path) != NODE_DATA) {
        return 0;
    }
    /*
     * The backing file is scratch space deleted after the test, so it is not really synced
     * (that would only add disk latency noise); only the rules decide the outcome.
     */
    return inject(OP_FSYNC, 0, WHOLE_FILE);
}

static int ffs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi)
{
    (void) fi;
    if (node_of(path) != NODE_DATA) {
        return -EOPNOTSUPP;
    }
    int res = inject(OP_FALLOCATE, (uint64_t) off, (uint64_t) len);
    if (res != 0) {
        return res;
    }
    return fallocate(backing_fd, mode, off, len) == -1 ? -errno : 0;
}

static int ffs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void) mode;
    (void) fi;
    return node_of(path) == NODE_NONE ? -ENOENT : 0;
}

static int ffs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    (void) tv;
    (void) fi;
    return node_of(path) == NODE_NONE ? -ENOENT : 0;
}

static const struct fuse_operations ops = {
    .init = ffs_init,
    .getattr = ffs_getattr,
    .readdir = ffs_readdir,
    .open = ffs_open,
    .read = ffs_read,
    .write = ffs_write,
    .truncate = ffs_truncate,
    .fsync = ffs_fsync,
    .fallocate = ffs_fallocate,
    .chmod = ffs_chmod,
    .utimens = ffs_utimens,
};

/* ---- main ----------------------------------------------------------------------------------- */

/*
 * Sends ourselves SIGTERM when the owner process exits, so libfuse's signal handler ends the
 * loop and the mount is removed even if the JVM was SIGKILLed. A pidfd becomes readable when
 * the process it refers to exits.
 */
static void *watch_owner(void *arg)
{
    int pidfd = (int) (intptr_t) arg;
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    while (poll(&p, 1, -1) == -1 && errno == EINTR) {
    }
    kill(getpid(), SIGTERM);
    return NULL;
}

#define OPT(t, p) { t, offsetof(__typeof__(opts), p), 1 }

static const struct fuse_opt opt_spec[] = {
    OPT("--backing=%s", backing),
    OPT("--size=%s", size),
    OPT("--owner-pid=%d", owner_pid),
    FUSE_OPT_END
};

static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
    (void) data;
    (void) outargs;
    if (key == FUSE_OPT_KEY_NONOPT && opts.mountpoint == NULL) {
        opts.mountpoint = strdup(arg);
        return 0;
    }
    return 1;
}

int main(int argc, char *argv[])
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    if (fuse_opt_parse(&args, &opts, opt_spec, opt_proc) == -1) {
        return 2;
    }
    if (opts.backing == NULL || opts.size == NULL || opts.mountpoint == NULL) {
        fprintf(stderr, "usage: %s --size=BYTES --backing=PATH [--owner-pid=PID] MOUNTPOINT [-d] [-o opt,...]\n",
                argv[0]);
        return 2;
    }
    uint64_t size;
    if (parse_u64(opts.size, &size) != 0) {
        fprintf(stderr, "faultfs: bad --size: %s\n", opts.size);
        return 2;
    }
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
        perror("faultfs: pipe2");
        return 1;
    }
    backing_fd = open(opts.backing, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (backing_fd == -1 || ftruncate(backing_fd, (off_t) size) == -1) {
        fprintf(stderr, "faultfs: backing file %s: %s\n", opts.backing, strerror(errno));
        return 1;
    }
    if (opts.owner_pid > 0) {
        int pidfd = (int) syscall(SYS_pidfd_open, opts.owner_pid, 0);
        if (pidfd == -1) {
            fprintf(stderr, "faultfs: pidfd_open(%d): %s\n", opts.owner_pid, strerror(errno));
            return 1;
        }
        /*
         * The watcher must not take SIGTERM itself: libfuse's handler only sets a flag, and the main thread
         * notices it only when its sem_wait is interrupted. Signals delivered to the watcher would leave the
         * loop running (libfuse's workers block all signals for the same reason). It inherits this mask.
         */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        pthread_t t;
        int err = pthread_create(&t, NULL, watch_owner, (void *) (intptr_t) pidfd);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (err != 0) {
            return 1;
        }
        pthread_detach(t);
    }
    fuse_opt_add_arg(&args, "-ofsname=faultfs,subtype=faultfs");

    struct fuse *fuse = fuse_new(&args, &ops, sizeof(ops), NULL);
    if (fuse == NULL) {
        return 1;
    }
    int res = 1;
    if (fuse_mount(fuse, opts.mountpoint) == 0) {
        struct fuse_session *se = fuse_get_session(fuse);
        if (fuse_set_signal_handlers(se) == 0 && chain_exit_handlers() == 0) {
            struct fuse_loop_config *cfg = fuse_loop_cfg_create();
            /* One worker per concurrently delayed request; idle ones are reaped down to 16. */
            fuse_loop_cfg_set_max_threads(cfg, 1024);
            fuse_loop_cfg_set_idle_threads(cfg, 16);
            res = fuse_loop_mt(fuse, cfg) == 0 ? 0 : 1;
            fuse_loop_cfg_destroy(cfg);
            fuse_remove_signal_handlers(se);
        }
        /* As root libfuse detaches (MNT_DETACH), so this succeeds even while files are open. */
        fuse_unmount(fuse);
    }
    fuse_destroy(fuse);
    fuse_opt_free_args(&args);
    close(backing_fd);
    return res;
}
