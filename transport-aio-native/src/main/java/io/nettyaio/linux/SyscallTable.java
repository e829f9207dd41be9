package io.nettyaio.linux;

/**
 * Syscall numbers and open(2) flags that differ between architectures. Only x86_64 and aarch64 are known; on any
 * other architecture {@link #forCurrentArch()} throws, and the binding reports itself unavailable with that cause.
 */
final class SyscallTable {
    final String arch;
    final long ioSetup;
    final long ioDestroy;
    final long ioSubmit;
    final long ioCancel;
    final long ioGetevents;
    final long gettid;
    final long ioprioSet;
    final long ioprioGet;
    final long schedSetattr;
    final long schedGetattr;
    final long preadv2;
    final long fstat;
    /** Where {@code st_mode} (u32) is in {@code struct stat}; {@code st_size} (s64) is at 48 on both. */
    final int statModeOffset;
    /** O_DIRECT is 040000 on x86 but 0200000 on arm and aarch64. */
    final int oDirect;

    private SyscallTable(String arch, long ioSetup, long ioDestroy, long ioSubmit, long ioCancel, long ioGetevents,
                         long gettid, long ioprioSet, long ioprioGet, long schedSetattr, long schedGetattr,
                         long preadv2, long fstat, int statModeOffset, int oDirect) {
        this.arch = arch;
        this.ioSetup = ioSetup;
        this.ioDestroy = ioDestroy;
        this.ioSubmit = ioSubmit;
        this.ioCancel = ioCancel;
        this.ioGetevents = ioGetevents;
        this.gettid = gettid;
        this.ioprioSet = ioprioSet;
        this.ioprioGet = ioprioGet;
        this.schedSetattr = schedSetattr;
        this.schedGetattr = schedGetattr;
        this.preadv2 = preadv2;
        this.fstat = fstat;
        this.statModeOffset = statModeOffset;
        this.oDirect = oDirect;
    }

    /** @return O_DIRECT for this architecture, 0 where there is no table; loads nothing native */
    static int oDirectOrZero() {
        try {
            return forCurrentArch().oDirect;
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }

    static SyscallTable forCurrentArch() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException("Linux AIO needs Linux; this is " + os);
        }
        String arch = System.getProperty("os.arch", "");
        switch (arch) {
            case "amd64":
            case "x86_64":
                return new SyscallTable("x86_64", 206, 207, 209, 210, 208, 186, 251, 252, 314, 315, 327, 5, 24,
                        0x4000);
            case "aarch64":
            case "arm64":
                // asm-generic/unistd.h
                return new SyscallTable("aarch64", 0, 1, 2, 3, 4, 178, 30, 31, 274, 275, 286, 80, 16, 0x10000);
            default:
                throw new UnsupportedOperationException("no syscall table for architecture " + arch
                        + " (supported: x86_64, aarch64)");
        }
    }
}
