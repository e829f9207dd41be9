package io.nettyaio.channel;

/**
 * The one decision of where a request goes next in a kernel engine (Linux AIO, io_uring), as a pure function of the
 * request and the engine's state, so that it is written once and tested alone.
 */
final class RequestRouter {
    /** A synchronous preadv2(RWF_NOWAIT) on the loop: a page-cache hit completes at once. */
    static final int CACHED_READ = 0;
    /** A free iocb slot: prepared now, submitted at the flush. */
    static final int KERNEL_SLOT = 1;
    /** Wait for a slot, behind the requests already waiting. */
    static final int QUEUE = 2;
    /** Wait for a slot, before the others: a continuation was accepted before them. */
    static final int QUEUE_FIRST = 3;
    /**
     * A blocking thread: the engine's kernel interface cannot do it, the file refused RWF_NOWAIT for it, or it is a
     * JDK file (opened while the loop ran the blocking engine, before the binding could load).
     */
    static final int BLOCKING = 4;

    private RequestRouter() { }

    /** @return whether Linux AIO can do {@code r}: read, write, sync, and the file did not refuse RWF_NOWAIT for it */
    static boolean linuxAioCan(IoRequest r) {
        return r.isKernelCapable() && r.file().isKernelSubmittable() && !r.file().refusesNowait(r);
    }

    /**
     * @return whether io_uring can do {@code r}: everything but allocate (its two steps, reserve then extend, keep a
     *         failure from leaving the file longer: see {@link FileIo#allocate}), and truncate only where the kernel
     *         has FTRUNCATE (6.9+)
     */
    static boolean ioUringCan(IoRequest r, boolean ftruncateSupported) {
        return r.file().isKernelSubmittable() && r.kind() != IoRequest.ALLOCATE
                && (r.kind() != IoRequest.TRUNCATE || ftruncateSupported);
    }

    /**
     * @param r the request
     * @param continuation whether it is the rest of a request that made progress
     * @param freeSlots free iocb slots
     * @param othersWaiting whether requests wait for a slot
     * @param cachedReadAllowed whether the cached-read fast path may run now (enabled, not nested too deep)
     * @param kernelCapable whether the engine's kernel interface can do this kind of request on this file
     */
    static int route(IoRequest r, boolean continuation, int freeSlots, boolean othersWaiting,
                     boolean cachedReadAllowed, boolean kernelCapable) {
        if (!kernelCapable) {
            return BLOCKING;
        }
        if (cachedReadAllowed && r.isCachedReadCandidate()) {
            return CACHED_READ;
        }
        if (freeSlots > 0 && (continuation || !othersWaiting)) {
            return KERNEL_SLOT;
        }
        return continuation ? QUEUE_FIRST : QUEUE;
    }
}
