package io.nettyaio.linux;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether Linux AIO works in this process, found out by a real probe of what the request path uses: load the
 * binding, create an AIO context and an eventfd, submit one read (8 bytes of the eventfd, after writing 1 to it) and
 * reap its completion from the ring, wait on the eventfd with {@code poll(2)}, and call {@code preadv2(2)}. The
 * system property {@value #DISABLED_PROP_NAME}{@code =true} switches it off (the probe is then not run), which makes
 * higher layers use their fallback engine.
 *
 * <p>The probe tells three outcomes apart:
 * <ul>
 * <li><b>available</b>;</li>
 * <li><b>unavailable for good</b> ({@link #isAvailable()} false, {@link #unavailabilityCause()} says why): a system
 *     call on the request path answered ENOSYS or EPERM (a kernel without {@code CONFIG_AIO}, or a seccomp profile
 *     that refuses it: the cause names the call), the binding cannot load (no jnr-ffi, an unknown architecture),
 *     the kill switch, or any other error;</li>
 * <li><b>short of a resource that comes back</b> ({@link #isAvailable()} true, {@link #transientFailureCause()} says
 *     what): {@code io_setup} answered EAGAIN (the system-wide {@code fs.aio-max-nr} is used up) or a descriptor
 *     could not be had (EMFILE, ENFILE), see {@link #isTransient}. Nothing is decided then: the next call of any
 *     method here probes again, at most once a second, until a probe finishes.</li>
 * </ul>
 * {@code preadv2} is judged on its own ({@link #preadv2UnavailabilityCause()}): without it Linux AIO still works, only
 * the synchronous read of cached pages is lost.
 *
 * <p>Thread-safe.
 */
public final class LinuxAio {
    /** System property: {@code true} makes {@link #isAvailable()} false without probing. */
    public static final String DISABLED_PROP_NAME = "io.nettyaio.noAio";
    private static final long REPROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PROBE_COMPLETION_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static volatile Verdict verdict = probe();

    private LinuxAio() { }

    /** What one probe found. */
    private static final class Verdict {
        final Throwable unavailable;
        final Throwable shortage;
        final Throwable preadv2;
        final long probedAt = System.nanoTime();

        Verdict(Throwable unavailable, Throwable shortage, Throwable preadv2) {
            this.unavailable = unavailable;
            this.shortage = shortage;
            this.preadv2 = preadv2;
        }
    }

    private static Verdict verdict() {
        Verdict v = verdict;
        if (v.shortage != null && System.nanoTime() - v.probedAt >= REPROBE_INTERVAL_NANOS) {
            synchronized (LinuxAio.class) {
                v = verdict;
                if (v.shortage != null && System.nanoTime() - v.probedAt >= REPROBE_INTERVAL_NANOS) {
                    verdict = v = probe();
                }
            }
        }
        return v;
    }

    private static Verdict probe() {
        if (Boolean.getBoolean(DISABLED_PROP_NAME)) {
            return new Verdict(new UnsupportedOperationException("Linux AIO disabled by -D" + DISABLED_PROP_NAME
                    + "=true"), null, null);
        }
        try {
            Throwable loadError = NativeLoader.loadError();
            if (loadError != null) {
                return failed(loadError);
            }
            try (AioContext context = AioContext.open(1); EventFd eventFd = EventFd.open()) {
                submitAndReap(context, eventFd);
                eventFd.write(1);
                if (!eventFd.awaitReadable(0)) {
                    throw new IllegalStateException("poll(2) did not report a signalled eventfd as readable");
                }
                eventFd.read();
                return new Verdict(null, null, preadv2Refusal(eventFd));
            }
        } catch (Throwable t) {
            return failed(t);
        }
    }

    private static Verdict failed(Throwable t) {
        return isTransient(t) ? new Verdict(null, t, null) : new Verdict(t, null, null);
    }

    /** One request through io_submit and the ring, as the engines do it. */
    private static void submitAndReap(AioContext context, EventFd eventFd) throws NativeIoException {
        IocbArray iocbs = new IocbArray(1);
        NativeMemory scratch = NativeMemory.allocate(16, 8); // [0,8): the iocb* array; [8,16): what the read reads
        try {
            eventFd.write(1);
            iocbs.preparePread(0, eventFd.fd(), scratch.address() + 8, 8, 0);
            scratch.buffer().putLong(0, iocbs.address(0));
            int accepted;
            try {
                accepted = context.submit(scratch.address(), 1);
            } catch (NativeIoException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                // Kernels before 5.12 cannot read an eventfd through AIO; a poll iocb (4.18+) can
                iocbs.prepare(0, AioAbi.IOCB_CMD_POLL, eventFd.fd(), Native.POLLIN, 0, 0);
                try {
                    accepted = context.submit(scratch.address(), 1);
                } catch (NativeIoException again) {
                    if (again.errno() != Errno.EINVAL) {
                        throw again;
                    }
                    return; // an older kernel still: io_submit is there (it judged the iocb), which is the question
                }
            }
            if (accepted != 1) {
                throw new IllegalStateException("io_submit accepted " + accepted + " of 1 probe request");
            }
            long deadline = System.nanoTime() + PROBE_COMPLETION_TIMEOUT_NANOS;
            while (context.reap((data, obj, res, res2) -> { }, 1) == 0) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("the probe's io_submit was accepted, but its completion did not "
                            + "arrive within " + TimeUnit.NANOSECONDS.toMillis(PROBE_COMPLETION_TIMEOUT_NANOS)
                            + " ms");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        } finally {
            iocbs.free();
            scratch.free();
        }
    }

    /** @return preadv2's ENOSYS/EPERM, or {@code null} when the call is there (it answers EAGAIN: nothing to read) */
    private static Throwable preadv2Refusal(EventFd eventFd) {
        IovecArray iov = new IovecArray(1);
        NativeMemory target = NativeMemory.allocate(8, 8);
        try {
            iov.set(0, target.address(), 8);
            Native.preadv2Syscall(eventFd.fd(), iov.address(), 1, -1, 0);
            return null;
        } catch (NativeIoException e) {
            return isRefused(e) ? e : null;
        } finally {
            iov.free();
            target.free();
        }
    }

    /**
     * Whether {@code cause}, or one of its causes, is a shortage that passes: EAGAIN (from {@code io_setup}: the
     * system-wide {@code fs.aio-max-nr} is used up), EMFILE or ENFILE (no descriptor free), ENOMEM. What failed that
     * way may work a moment later; nothing should be decided for good on it.
     *
     * @param cause a failure, e.g. of {@link AioContext#open} or {@link EventFd#open}
     * @return whether it is a shortage
     */
    public static boolean isTransient(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NativeIoException) {
                int errno = ((NativeIoException) t).errno();
                return errno == Errno.EAGAIN || errno == Errno.EMFILE || errno == Errno.ENFILE
                        || errno == Errno.ENOMEM;
            }
        }
        return false;
    }

    /**
     * Whether {@code cause}, or one of its causes, is a system call refused outright: ENOSYS (not implemented here)
     * or EPERM, what seccomp profiles answer for a call they do not allow. Meaningful for calls that have no EPERM
     * of their own, such as those of AIO, eventfd, {@code preadv2} and {@code statx}: the feature is unavailable in
     * this process, and asking again is no use.
     *
     * @param cause a failure
     * @return whether it is a refused system call
     */
    public static boolean isRefused(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NativeIoException) {
                int errno = ((NativeIoException) t).errno();
                return errno == Errno.ENOSYS || errno == Errno.EPERM;
            }
        }
        return false;
    }

    /** @return whether Linux AIO can be used: true also while it is only short of a resource (see the class) */
    public static boolean isAvailable() {
        return verdict().unavailable == null;
    }

    /** @return why it cannot be used, or {@code null} when it can */
    public static Throwable unavailabilityCause() {
        return verdict().unavailable;
    }

    /**
     * @return what kept the last probe from finishing when that passes (EAGAIN from {@code io_setup}, EMFILE,
     *         ENFILE: see {@link #isTransient}), or {@code null} once a probe has finished; while it is set,
     *         {@link #isAvailable()} is true and each call here probes again, at most once a second
     */
    public static Throwable transientFailureCause() {
        return verdict().shortage;
    }

    /**
     * @return why {@code preadv2(2)} cannot be used (a {@link NativeIoException} with ENOSYS or EPERM, named
     *         {@code preadv2}), or {@code null} when it can or Linux AIO was not probed to the end
     */
    public static Throwable preadv2UnavailabilityCause() {
        return verdict().preadv2;
    }

    /**
     * @throws UnsatisfiedLinkError when unavailable, with the cause attached
     */
    public static void ensureAvailability() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("Linux AIO is unavailable: " + cause);
            e.initCause(cause);
            throw e;
        }
    }
}
