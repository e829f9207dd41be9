package io.nettyaio.channel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/** The capabilities of this process that change what the kernel allows it, read once from /proc/self/status. */
final class Capabilities {
    private static final int CAP_SYS_NICE = 23;
    private static final int CAP_SYS_ADMIN = 21;
    private static final long EFFECTIVE = readEffective();

    private Capabilities() { }

    private static long readEffective() {
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: assume none
        }
        return 0;
    }

    /** @return whether the real-time I/O priority class is allowed (CAP_SYS_ADMIN or CAP_SYS_NICE) */
    static boolean mayUseRealtimeIoPriority() {
        return (EFFECTIVE & (1L << CAP_SYS_ADMIN | 1L << CAP_SYS_NICE)) != 0;
    }
}
