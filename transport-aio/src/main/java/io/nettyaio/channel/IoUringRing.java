package io.nettyaio.channel;

/**
 * The io_uring ring an {@link IoUringEngine} submits to, as the engine sees it: Netty's ring, reached through an
 * {@code IoRegistration} of ours. Kept free of io_uring types, so the engine class loads without the optional
 * io_uring jars. Loop thread only.
 */
interface IoUringRing {
    /**
     * Queues one SQE; Netty submits it with the loop's next {@code io_uring_enter}. Its completion comes back to
     * {@link IoUringEngine#onCompletion(int, int)} with {@code data}.
     *
     * @return Netty's id of the operation, or 0 when the registration is no longer valid (nothing was queued)
     */
    long submit(byte opcode, int fd, long offset, long address, int length, int opFlags, short ioPrio, short data);

    /**
     * Runs the ring: submits what is queued and delivers ready completions, waiting at most {@code waitNanos} for one
     * (0: do not wait), then runs what {@link #afterRun} asked for. Only where the ring is ours to drive
     * ({@link #isDrivenByEngine()}); a Netty loop drives its own ring, and this does nothing there.
     */
    void run(long waitNanos);

    /**
     * Runs {@code action} on the loop thread once the ring's current run has returned, before the loop waits again:
     * what it submits then goes with the next {@code io_uring_enter}, not into the run that is delivering completions
     * now. Called from a completion, or after the ring's run when work is left for the next, at most once per run.
     */
    void afterRun(Runnable action);

    /**
     * Hands what is queued to the kernel now, without waiting, and records the completions that are ready; outside
     * the ring's run only. Where Netty's loop drives the ring, this does nothing (Netty submits after its tasks).
     */
    void submitNow();

    /** @return whether the engine's loop drives the ring itself (our own loop), rather than Netty's loop */
    boolean isDrivenByEngine();
}
