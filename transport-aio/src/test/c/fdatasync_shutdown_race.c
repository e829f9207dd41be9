/*
 * fdatasync_shutdown_race: the kernel baseline for PowerCutDurabilityTest (test code only, not run by the build).
 *
 * Plain pwrite(2) + fdatasync(2) threads, no AIO and no JVM, racing EXT4_IOC_SHUTDOWN with
 * EXT4_GOING_FLAGS_NOLOGFLUSH, then a remount. It shows that ext4 can report success for a buffered fdatasync that
 * is still in flight when the shutdown happens although the data it covered is gone after the remount. So an
 * fdatasync answered during or after the cut is no acknowledgement in a power-cut emulation (in a real power cut
 * nobody is left to hear it); only answers received before the cut count.
 *
 * Usage (root; a scratch ext4 on a loop device, never a real filesystem):
 *   truncate -s 64M img && LOOP=$(losetup -f --show img) && mkfs.ext4 -q -F -m 0 "$LOOP"
 *   mkdir -p mnt && mount "$LOOP" mnt
 *   ./fdatasync_shutdown_race "$PWD/mnt" "$LOOP" 200 1     # last argument 1: an O_DIRECT writer runs alongside
 *   umount mnt && losetup -d "$LOOP" && rm img
 *
 * Each cycle: fresh files (created and made durable first), writers appending patterned records and calling
 * fdatasync after each batch, the shutdown after 1-3 successful syncs of each writer plus 0-20 ms, umount, mount,
 * then a check that everything up to the last successful fdatasync is there. Observed on kernel 6.18 (2 CPUs):
 * buffered writer alone 16 of 200 cycles lost acknowledged data, with an O_DIRECT writer alongside 9 of 200; every
 * time the losing fdatasync had returned 0 after the ioctl started; the O_DIRECT file never lost anything.
 *
 * Build: gcc -O2 -Wall -Wextra -pthread fdatasync_shutdown_race.c -o fdatasync_shutdown_race
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXT4_IOC_SHUTDOWN 0x8004587dUL
#define EXT4_GOING_FLAGS_NOLOGFLUSH 2

static long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static unsigned char pattern(long pos, int file)
{
    return (unsigned char) (((pos * 2654435761u) >> 7) ^ file ^ 0x5a) | 1; /* never 0: a hole reads as a loss */
}

struct writer {
    int fd, file, direct;
    unsigned seed;
    atomic_int syncs;
    long acked;       /* bytes covered by the last successful fdatasync */
    long acked_called, acked_done;
};

static void *write_and_sync(void *arg)
{
    struct writer *w = arg;
    long pos = 0;
    char *buf;
    if (posix_memalign((void **) &buf, 4096, 65536) != 0) {
        return NULL;
    }
    for (;;) {
        int n = 1 + rand_r(&w->seed) % 8, failed = 0;
        for (int i = 0; i < n && !failed; i++) {
            int len = w->direct ? 512 * (1 + rand_r(&w->seed) % 16) : 29 + rand_r(&w->seed) % 8000;
            for (int j = 0; j < len; j++) {
                buf[j] = (char) pattern(pos + j, w->file);
            }
            if (pwrite(w->fd, buf, len, pos) != len) {
                failed = 1;
            } else {
                pos += len;
            }
        }
        if (failed) {
            break;
        }
        long covered = pos, called = now_us();
        if (fdatasync(w->fd) != 0) {
            break;
        }
        w->acked = covered;
        w->acked_called = called;
        w->acked_done = now_us();
        atomic_fetch_add(&w->syncs, 1);
    }
    free(buf);
    return NULL;
}

/* Bytes of [0, acked) that are missing or wrong after the remount. */
static long lost_bytes(const char *path, int file, long acked)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return acked;
    }
    struct stat st;
    fstat(fd, &st);
    unsigned char *b = malloc(st.st_size + 1);
    long got = pread(fd, b, st.st_size, 0);
    close(fd);
    long bad = got < acked ? acked - got : 0;
    for (long i = 0; i < acked && i < got; i++) {
        bad += b[i] != pattern(i, file);
    }
    free(b);
    return bad;
}

static int open_durably(const char *path, int flags)
{
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | flags, 0644);
    if (fd < 0 || fsync(fd) != 0) {
        fprintf(stderr, "open/fsync %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return fd;
}

int main(int argc, char *argv[])
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s MOUNT_POINT LOOP_DEVICE CYCLES WITH_DIRECT(0|1)\n", argv[0]);
        return 2;
    }
    const char *mnt = argv[1], *dev = argv[2];
    int cycles = atoi(argv[3]), with_direct = atoi(argv[4]), lost_cycles = 0;
    unsigned seed = (unsigned) time(NULL);
    char cmd[1024], buffered_path[512], direct_path[512];
    for (int c = 0; c < cycles; c++) {
        snprintf(buffered_path, sizeof buffered_path, "%s/buffered-%d", mnt, c);
        snprintf(direct_path, sizeof direct_path, "%s/direct-%d", mnt, c);
        struct writer wb = {.file = 0, .seed = seed + 2 * c}, wd = {.file = 1, .direct = 1, .seed = seed + 2 * c + 1};
        wb.fd = open_durably(buffered_path, 0);
        if (with_direct) {
            wd.fd = open_durably(direct_path, O_DIRECT);
        }
        int dir = open(mnt, O_RDONLY);
        fsync(dir);
        pthread_t tb, td;
        pthread_create(&tb, NULL, write_and_sync, &wb);
        if (with_direct) {
            pthread_create(&td, NULL, write_and_sync, &wd);
        }
        int k = 1 + rand_r(&seed) % 3;
        while (atomic_load(&wb.syncs) < k || (with_direct && atomic_load(&wd.syncs) < k)) {
            usleep(100);
        }
        usleep(rand_r(&seed) % 20000);
        uint32_t flag = EXT4_GOING_FLAGS_NOLOGFLUSH;
        long cut_start = now_us();
        if (ioctl(dir, EXT4_IOC_SHUTDOWN, &flag) != 0) {
            perror("ioctl(EXT4_IOC_SHUTDOWN)");
            return 1;
        }
        long cut_end = now_us();
        close(dir);
        pthread_join(tb, NULL);
        close(wb.fd);
        if (with_direct) {
            pthread_join(td, NULL);
            close(wd.fd);
        }
        snprintf(cmd, sizeof cmd, "umount '%s' && mount '%s' '%s'", mnt, dev, mnt);
        if (system(cmd) != 0) {
            fprintf(stderr, "remount failed\n");
            return 1;
        }
        long lost_b = lost_bytes(buffered_path, 0, wb.acked);
        long lost_d = with_direct ? lost_bytes(direct_path, 1, wd.acked) : 0;
        if (lost_b || lost_d) {
            lost_cycles++;
            printf("cycle %d: buffered lost %ld of %ld acknowledged bytes (last successful fdatasync called %+ld us, "
                   "returned %+ld us; the ioctl ran from 0 to %ld us); O_DIRECT lost %ld of %ld\n", c, lost_b,
                   wb.acked, wb.acked_called - cut_start, wb.acked_done - cut_start, cut_end - cut_start, lost_d,
                   wd.acked);
            fflush(stdout);
        }
        unlink(buffered_path);
        if (with_direct) {
            unlink(direct_path);
        }
    }
    printf("cycles that lost fdatasync-acknowledged data: %d of %d (O_DIRECT writer alongside: %s)\n", lost_cycles,
           cycles, with_direct ? "yes" : "no");
    return 0;
}
