/**
 * A Linux AIO binding for Java with no per-request allocation: raw {@code io_setup}/{@code io_submit}/
 * {@code io_getevents}/{@code io_cancel}/{@code io_destroy} through jnr-ffi, eventfd, and the file system calls an
 * AIO user needs. No Netty types; no {@code sun.misc.Unsafe} (off-heap memory is reached through little-endian
 * {@link java.nio.ByteBuffer} views).
 *
 * <h2>The pieces, and their counterparts elsewhere</h2>
 * <table>
 * <caption>API map</caption>
 * <tr><th>here</th><th>does</th><th>vmm-sys-util / nix / libaio</th></tr>
 * <tr><td>{@link io.nettyaio.linux.AioContext}</td><td>open(capacity), submit, reap (user-space ring, no syscall),
 *     getEvents(min, max, timeout), cancel, close (io_destroy)</td><td>{@code aio::IoContext}, {@code io_queue_init},
 *     {@code io_getevents}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.IocbArray}</td><td>control blocks in place: pread, pwrite, preadv, pwritev, fsync,
 *     fdatasync; eventfd notification, I/O priority, RWF flags, user data</td><td>{@code AioCb},
 *     {@code io_prep_*}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.SubmissionQueue}</td><td>submit everything queued; keep the remainder in order on
 *     a short count or EAGAIN; report a rejected iocb alone and go on</td><td>{@code lio_listio},
 *     {@code LioCb::listio_resubmit}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.IoEventArray}, {@link io.nettyaio.linux.IovecArray}</td><td>io_event and iovec
 *     arrays</td><td>{@code io_event}, {@code iovec}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.EventFd}</td><td>non-blocking eventfd: read, write, signal from any thread,
 *     poll with timeout</td><td>{@code EventFd}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.Poll}</td><td>poll(2) on any descriptor with a timeout</td><td>{@code poll}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.NativeFile}, {@link io.nettyaio.linux.OpenFlags},
 *     {@link io.nettyaio.linux.DioAlignment}, {@link io.nettyaio.linux.FileType}</td><td>open with
 *     O_DIRECT/O_DSYNC/O_NOATIME/O_NONBLOCK, file type, size (block devices too), statx DIO alignment, fallocate,
 *     ftruncate, fsync, fdatasync, pread, pwrite</td><td>-</td></tr>
 * <tr><td>{@link io.nettyaio.linux.NativeIoException}, {@link io.nettyaio.linux.Errno}</td><td>errno number and name,
 *     the operation, strerror text</td><td>{@code Errno}</td></tr>
 * <tr><td>{@link io.nettyaio.linux.LinuxAio}</td><td>availability: a real probe of what requests use, refused
 *     system calls (for good) told from shortages (probed again), a kill switch
 *     ({@code -Dio.nettyaio.noAio=true})</td><td>-</td></tr>
 * <tr><td>{@link io.nettyaio.linux.NativeResources}</td><td>counters of contexts, eventfds, files and native memory,
 *     for leak checks</td><td>-</td></tr>
 * </table>
 *
 * <h2>Kernel facts the API is shaped by</h2>
 * <ul>
 * <li>Errors of a request arrive in its event as {@code res = -errno}; only a malformed first iocb (bad descriptor,
 *     bad opcode, unknown RWF flag) fails {@code io_submit} itself.</li>
 * <li>O_DIRECT misalignment is reported in the event as EINVAL, never at submission: check alignment first
 *     ({@link io.nettyaio.linux.NativeFile#dioAlignment()}).</li>
 * <li>File reads and writes cannot be cancelled; a submitted request's memory is the kernel's until its event is
 *     reaped, or {@link io.nettyaio.linux.AioContext#close()} has returned.</li>
 * <li>FSYNC/FDSYNC are not ordered after in-flight writes: submit them when the writes have completed.</li>
 * <li>{@code io_submit} is synchronous for buffered files and for O_DIRECT writes that extend a file; use
 *     {@link io.nettyaio.linux.AioAbi#RWF_NOWAIT} or another thread where blocking is not acceptable.</li>
 * </ul>
 */
package io.nettyaio.linux;
