/**
 * Asynchronous file I/O for Netty on Linux: {@link io.nettyaio.channel.AioFileChannel} and the loops that drive it.
 *
 * <h2>The path of a read</h2>
 * Each class is visited once on the way down and once on the way back; after the hand-over nothing calls back into
 * {@code AioFileChannel}, engines never write a request's fields, and a request never calls an engine.
 * <pre>
 * AioFileChannel.read(dst, pos)                      the public face
 *   RequestIntake.submit                             RequestChecks (named errors), retain, pooled IoRequest
 *     LoopDriver.submit(r)                           owns the thread hop: in the loop, or its queue + one drain task
 *       IoEngine.submit(r)  (on the loop)            admission: FileState open? count it as started
 *         LinuxAioEngine.route(r)                    RequestRouter.route: the one decision
 *           ├ CACHED_READ   preadv2(RWF_NOWAIT) on the loop ──────────────┐
 *           ├ KERNEL_SLOT   SlotTable.prepare → SubmissionQueue → io_submit (one per loop turn)
 *           ├ QUEUE         WaitingRequests, until a slot frees up         │
 *           └ BLOCKING      BlockingLane → BlockingTask on a thread ──────┤
 *   kernel ── io_event in the ring, eventfd signalled                      │
 *       LinuxAioEngine.reap → onCompletion(slot, res) ─────────────────────┤
 *                                                                          ▼
 *         AbstractIoEngine.onResult(r, res)          IoRequest.onResult → ResultClassifier.classify:
 *           SETTLED → finish   CONTINUE → route again   TO_BLOCKING / NOWAIT_UNSUPPORTED → lane   FAILED → finish
 *         AbstractIoEngine.finish(r)                 metrics, then IoRequest.succeed/fail: indices, release,
 *                                                    recycle, complete the promise; then FileState.requestFinished
 * promise listeners run on the promise's executor
 * </pre>
 * The blocking engine ({@code BlockingEngine}, where Linux AIO is unavailable) takes the same
 * path with one route: every request to the lane. A loop that could not open Linux AIO for want of a resource that
 * comes back ({@code fs.aio-max-nr} used up, no descriptor free) runs a {@code RecoveringEngine}: the blocking engine
 * on native files, and from the first loop turn where the kernel engine opens (tried at most once a second) the
 * kernel engine for new requests, while the blocking one finishes what it has. Each such degradation, and a refused
 * system call ({@code Degradations}), is counted in {@link io.nettyaio.channel.AioMetrics} and logged at WARN once.
 *
 * <h2>Who owns what</h2>
 * <ul>
 * <li>{@code LoopDriver} (one per loop: {@code AioLoopDriver} inside an {@link io.nettyaio.channel.AioEventLoop},
 *     {@code EpollLoopDriver} on a Netty 4.2 epoll loop): the engine, the eventfd, the files open on the loop, the
 *     hop, and the order of shutdown (engine, then what never reached it, then files, then the eventfd).</li>
 * <li>{@code IoEngine}: the kernel context, iocbs and iovecs ({@code LinuxAioEngine}, opened all or nothing), the
 *     lane. Loop thread only. The loop's {@link io.nettyaio.channel.AioMetrics} are the driver's, shared by the
 *     engines a loop switches between.</li>
 * <li>{@code FileState}: one open file's descriptor, mode, alignment, requests in flight, RWF_NOWAIT memory and
 *     close protocol.</li>
 * <li>{@code ExecutorFiles}: the files opened with an executor that does not run their requests (a Netty epoll loop
 *     without Linux AIO, any other executor), closed when that executor terminates.</li>
 * <li>{@code IoRequest}: one operation's buffers, progress and promise; pooled.</li>
 * </ul>
 */
package io.nettyaio.channel;
