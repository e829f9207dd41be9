/*
 * ext4_shutdown: forces an ext4 filesystem into the "shut down" state (test code only).
 *
 * Usage: ext4_shutdown PATH [FLAG [--armed]]   (PATH: any file or directory on the filesystem; FLAG default 2)
 *
 * EXT4_IOC_SHUTDOWN = _IOR('X', 125, __u32) = 0x8004587d. Flags: 0 = EXT4_GOING_FLAGS_DEFAULT
 * (freeze + flush), 1 = LOGFLUSH, 2 = NOLOGFLUSH (abort the journal without flushing: the
 * "device vanished" case). Needs CAP_SYS_ADMIN. Afterwards every read, write, fsync and open
 * on that filesystem fails with EIO in the VFS (no bio ever fails); only umount still works.
 * Never point it at the root filesystem.
 *
 * --armed: open PATH, print "armed" on stdout, then block reading stdin. One byte fires the ioctl
 * (exit 0 when it succeeded); end of file disarms (exit 3, nothing is shut down). A caller that
 * needs the cut at a precise moment pays for fork/exec beforehand and only for a pipe write then.
 *
 * Build: gcc -O2 -Wall -Wextra ext4_shutdown.c -o ext4_shutdown
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define EXT4_IOC_SHUTDOWN 0x8004587dUL

int main(int argc, char *argv[])
{
    int armed = argc == 4 && strcmp(argv[3], "--armed") == 0;
    if (argc < 2 || argc > 4 || (argc == 4 && !armed)) {
        fprintf(stderr, "usage: %s PATH [FLAG [--armed]]\n", argv[0]);
        return 2;
    }
    uint32_t flag = argc >= 3 ? (uint32_t) strtoul(argv[2], NULL, 10) : 2;
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        fprintf(stderr, "ext4_shutdown: open(%s): %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (armed) {
        printf("armed\n");
        fflush(stdout);
        char c;
        ssize_t n;
        do {
            n = read(STDIN_FILENO, &c, 1);
        } while (n == -1 && errno == EINTR);
        if (n != 1) {
            close(fd);
            return 3;
        }
    }
    if (ioctl(fd, EXT4_IOC_SHUTDOWN, &flag) == -1) {
        fprintf(stderr, "ext4_shutdown: ioctl(EXT4_IOC_SHUTDOWN, %u) on %s: %s\n", flag, argv[1],
                strerror(errno));
        close(fd);
        return 1;
    }
    close(fd);
    return 0;
}
