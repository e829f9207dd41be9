package io.nettyaio.channel;

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

    private OpenOptions(boolean read, boolean write, boolean create, boolean createNew, boolean truncate,
                        boolean dsync, boolean direct, boolean noatime, AioIoPriority priority) {
        this.read = read;
        this.write = write;
        this.create = create;
        this.createNew = createNew;
        this.truncate = truncate;
        this.dsync = dsync;
        this.direct = direct;
        this.noatime = noatime;
        this.priority = priority;
    }

    /**
     * @throws NullPointerException naming the null element
     * @throws IllegalArgumentException for an unsupported option, or CREATE/TRUNCATE without WRITE
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
            } else if (o instanceof AioIoPriority) {
                priority = (AioIoPriority) o;
                IllegalArgumentException denied = RequestChecks.priority(priority);
                if (denied != null) {
                    throw denied;
                }
            } else {
                throw new IllegalArgumentException("options[" + i + "]: " + o + " (expected: READ, WRITE, CREATE, "
                        + "CREATE_NEW, TRUNCATE_EXISTING, DSYNC, SYNC, DIRECT, NOATIME or an AioIoPriority)");
            }
        }
        if (!write && (create || createNew || truncate)) {
            throw new IllegalArgumentException("options: " + Arrays.toString(options)
                    + " (expected: WRITE with CREATE, CREATE_NEW or TRUNCATE_EXISTING)");
        }
        return new OpenOptions(read || !write, write, create, createNew, truncate, dsync, direct, noatime,
                priority);
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

    /** @return the options for {@code FileChannel.open}; O_NOATIME has no JDK equivalent and is left out */
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
