package io.nettyaio.channel;

import io.nettyaio.linux.NativeFile;
import io.nettyaio.linux.OpenFlags;

import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The options {@link AioFileChannel#open} was given, parsed and checked once. Native open flags and the JDK's option
 * set are both derived from this form, so neither is translated back into the other.
 */
final class OpenOptions {
    final boolean read;
    final boolean write;
    final boolean create;
    final boolean createNew;
    final boolean truncate;
    final boolean dsync;
    final boolean direct;
    final boolean noatime;
    /** The channel's default I/O priority, or {@code null}. */
    final AioIoPriority priority;
    /** RANDOM_ACCESS or SEQUENTIAL_ACCESS, or {@code null}. */
    final AioOpenOption access;

    private OpenOptions(boolean read, boolean write, boolean create, boolean createNew, boolean truncate,
                        boolean dsync, boolean direct, boolean noatime, AioIoPriority priority,
                        AioOpenOption access) {
        this.read = read;
        this.write = write;
        this.create = create;
        this.createNew = createNew;
        this.truncate = truncate;
        this.dsync = dsync;
        this.direct = direct;
        this.noatime = noatime;
        this.priority = priority;
        this.access = access;
    }

    /**
     * @throws NullPointerException naming the null element
     * @throws IllegalArgumentException for an unsupported option, CREATE/TRUNCATE without WRITE, or both access
     *         hints
     */
    static OpenOptions parse(OpenOption... options) {
        boolean read = false;
        boolean write = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean dsync = false;
        boolean direct = false;
        boolean noatime = false;
        AioIoPriority priority = null;
        AioOpenOption access = null;
        for (int i = 0; i < options.length; i++) {
            OpenOption o = options[i];
            if (o == null) {
                throw new NullPointerException("options[" + i + "]");
            }
            if (o == StandardOpenOption.READ) {
                read = true;
            } else if (o == StandardOpenOption.WRITE) {
                write = true;
            } else if (o == StandardOpenOption.CREATE) {
                create = true;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                truncate = true;
            } else if (o == StandardOpenOption.DSYNC || o == AioOpenOption.DSYNC || o == StandardOpenOption.SYNC) {
                dsync = true;
            } else if (o == AioOpenOption.DIRECT) {
                direct = true;
            } else if (o == AioOpenOption.NOATIME) {
                noatime = true;
            } else if (o == AioOpenOption.RANDOM_ACCESS || o == AioOpenOption.SEQUENTIAL_ACCESS) {
                if (access != null && access != o) {
                    throw new IllegalArgumentException("options: " + Arrays.toString(options)
                            + " (expected: at most one of RANDOM_ACCESS and SEQUENTIAL_ACCESS)");
                }
                access = (AioOpenOption) o;
            } else if (o instanceof AioIoPriority) {
                priority = (AioIoPriority) o;
                IllegalArgumentException denied = RequestChecks.priority(priority);
                if (denied != null) {
                    throw denied;
                }
            } else {
                throw new IllegalArgumentException("options[" + i + "]: " + o + " (expected: READ, WRITE, CREATE, "
                        + "CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC, DIRECT, NOATIME, RANDOM_ACCESS,"
                        + " SEQUENTIAL_ACCESS or an AioIoPriority)");
            }
        }
        if (!write && (create || createNew || truncate)) {
            throw new IllegalArgumentException("options: " + Arrays.toString(options)
                    + " (expected: WRITE with CREATE, CREATE_NEW or TRUNCATE_EXISTING)");
        }
        return new OpenOptions(read || !write, write, create, createNew, truncate, dsync, direct, noatime,
                priority, access);
    }

    /** @return the flags for open(2) */
    int nativeFlags() {
        int flags = read && write ? OpenFlags.RDWR : write ? OpenFlags.WRONLY : OpenFlags.RDONLY;
        if (createNew) {
            flags |= OpenFlags.CREAT | OpenFlags.EXCL;
        } else if (create) {
            flags |= OpenFlags.CREAT;
        }
        if (truncate) {
            flags |= OpenFlags.TRUNC;
        }
        if (dsync) {
            flags |= OpenFlags.DSYNC;
        }
        if (direct) {
            flags |= OpenFlags.DIRECT;
        }
        if (noatime) {
            flags |= OpenFlags.NOATIME;
        }
        return flags;
    }

    /**
     * @return the {@code posix_fadvise} advice to give once the file is open, or {@code POSIX_FADV_NORMAL} for none
     *         (no access hint, or O_DIRECT, where the kernel reads ahead nothing)
     */
    int accessAdvice() {
        if (direct || access == null) {
            return NativeFile.POSIX_FADV_NORMAL;
        }
        return access == AioOpenOption.RANDOM_ACCESS
                ? NativeFile.POSIX_FADV_RANDOM : NativeFile.POSIX_FADV_SEQUENTIAL;
    }

    /** @return the options for {@code FileChannel.open}; O_NOATIME and the access hints have no JDK equivalent */
    Set<OpenOption> jdkOptions() {
        Set<OpenOption> options = new HashSet<>();
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(StandardOpenOption.WRITE);
        }
        if (createNew) {
            options.add(StandardOpenOption.CREATE_NEW);
        } else if (create) {
            options.add(StandardOpenOption.CREATE);
        }
        if (truncate) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (dsync) {
            options.add(StandardOpenOption.DSYNC);
        }
        if (direct) {
            options.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        return options;
    }
}
