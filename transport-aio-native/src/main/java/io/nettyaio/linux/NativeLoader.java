package io.nettyaio.linux;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the jnr-ffi binding ({@link Native}'s class initialisation) on first use, but only when it can succeed.
 *
 * <p>Why not simply on first use: jnr-ffi's library loader reads {@code /etc/ld.so.conf.d} in a static initialiser,
 * and {@code File.listFiles()} answers {@code null} when no descriptor is free, so at EMFILE the initialiser fails
 * with a NullPointerException, and a failed class initialisation is final: the binding would be gone for the life of
 * the JVM, blamed on an NPE. jffi and the JDK's own file classes have initialisers of the same kind. So before
 * loading, this class opens {@value #RESERVE} descriptors ({@code /dev/null}) and closes them again just before the
 * load, which then finds them free; when they cannot be had, nothing is loaded, the caller gets an EMFILE/ENFILE
 * {@link NativeIoException} (a shortage, which {@link LinuxAio#isTransient} recognises), and the next use tries
 * again. A failure of the load itself is final, as before, but its cause says when descriptors ran out meanwhile.
 *
 * <p>Thread-safe.
 */
final class NativeLoader {
    /** Descriptors the load needs at most: extracting and opening jffi's stub, ld.so.conf and its directory, jars. */
    static final int RESERVE = 16;
    private static final String PROBE_PATH = "/dev/null";

    private static volatile boolean loaded;
    /** Why the binding can never load in this JVM (architecture, libc, or jnr-ffi failed); guarded by the class. */
    private static Throwable permanentError;

    private NativeLoader() { }

    /** @return whether the binding is loaded: {@link Native}'s functions may be called */
    static boolean isLoaded() {
        return loaded;
    }

    /**
     * Loads the binding unless it is loaded already.
     *
     * @return {@code null} once loaded; else why not: a {@link NativeIoException} with EMFILE or ENFILE while no
     *         descriptor is free (try again later), or the final reason
     */
    static Throwable loadError() {
        if (loaded) {
            return null;
        }
        synchronized (NativeLoader.class) {
            if (loaded) {
                return null;
            }
            if (permanentError != null) {
                return permanentError;
            }
            NativeIoException shortage = reserveDescriptors();
            if (shortage != null) {
                return shortage; // not remembered: the next call tries again
            }
            Throwable error = Native.loadError(); // runs Native's initialisation, once
            if (error == null) {
                loaded = true;
                return null;
            }
            permanentError = explain(error);
            return permanentError;
        }
    }

    /** @throws UnsatisfiedLinkError when the binding is not loaded and cannot be now, with the reason as cause */
    static void ensureLoaded() {
        if (loaded) {
            return;
        }
        Throwable error = loadError();
        if (error != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("netty-aio native binding unavailable: " + error);
            e.initCause(error);
            throw e;
        }
    }

    /** strerror(3) once the binding is loaded; before that, a short text of our own (never loads anything). */
    static String strerror(int errno) {
        if (loaded) {
            return Native.strerror(errno);
        }
        switch (errno) {
            case Errno.EMFILE:
                return "Too many open files";
            case Errno.ENFILE:
                return "Too many open files in system";
            default:
                return Errno.name(errno);
        }
    }

    /**
     * Opens and closes {@value #RESERVE} descriptors.
     *
     * @return {@code null} when they could be had (or {@code /dev/null} cannot be opened at all, which says nothing
     *         about descriptors), else the shortage
     */
    private static NativeIoException reserveDescriptors() {
        List<FileInputStream> reserve = new ArrayList<>(RESERVE);
        try {
            for (int i = 0; i < RESERVE; i++) {
                try {
                    // FileInputStream, not FileChannel: the NIO file classes have static initialisers that need a
                    // descriptor themselves and would fail for good here
                    reserve.add(new FileInputStream(PROBE_PATH));
                } catch (IOException e) {
                    return isShortage(e, reserve.size()) ? shortage(e) : null;
                }
            }
            return null;
        } finally {
            for (FileInputStream in : reserve) {
                try {
                    in.close();
                } catch (IOException ignore) {
                    // a close of /dev/null does not fail; the descriptor is released either way
                }
            }
        }
    }

    /**
     * The JDK reports open(2)'s error as strerror text only. The same path opened a moment ago, or the English
     * text, means the descriptor table is full; anything else ({@code /dev/null} missing in a sandbox) is not.
     */
    private static boolean isShortage(IOException e, int openedBefore) {
        return openedBefore > 0 || String.valueOf(e.getMessage()).contains("Too many open files");
    }

    private static NativeIoException shortage(IOException e) {
        int errno = String.valueOf(e.getMessage()).contains("in system") ? Errno.ENFILE : Errno.EMFILE;
        NativeIoException shortage = new NativeIoException("open", errno, "no descriptor is free, so the native "
                + "binding is not loaded yet (it is tried again on next use); "
                + (errno == Errno.ENFILE ? "raise fs.file-max" : "raise the descriptor limit: ulimit -n"));
        shortage.initCause(e);
        return shortage;
    }

    /** Says so when the load failed while no descriptor was free: then jnr-ffi's NPE is not the cause. */
    private static Throwable explain(Throwable error) {
        try {
            new FileInputStream(PROBE_PATH).close();
            return error;
        } catch (IOException e) {
            if (!isShortage(e, 0)) {
                return error;
            }
            UnsatisfiedLinkError explained = new UnsatisfiedLinkError("jnr-ffi failed to load while no descriptor "
                    + "was free (" + e.getMessage() + "); its static initialisers fail for good then, so the native "
                    + "binding is unavailable for the life of this JVM: " + error);
            explained.initCause(error);
            return explained;
        }
    }
}
