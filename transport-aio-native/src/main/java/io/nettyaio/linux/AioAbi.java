package io.nettyaio.linux;

/**
 * The Linux AIO ABI ({@code include/uapi/linux/aio_abi.h}): layouts, opcodes and flags. Little-endian only (x86_64,
 * aarch64), where {@code aio_key} comes before {@code aio_rw_flags}.
 *
 * <pre>
 * struct iocb {                        64 bytes
 *     0  u64 aio_data;                 user data, returned in io_event.data
 *     8  u32 aio_key;                  set by the kernel (used by io_cancel)
 *    12  u32 aio_rw_flags;             RWF_* flags
 *    16  u16 aio_lio_opcode;           IOCB_CMD_*
 *    18  s16 aio_reqprio;              I/O priority when IOCB_FLAG_IOPRIO is set
 *    20  u32 aio_fildes;
 *    24  u64 aio_buf;                  buffer address, or iovec array address for PREADV/PWRITEV
 *    32  u64 aio_nbytes;               byte count, or iovec count for PREADV/PWRITEV
 *    40  s64 aio_offset;
 *    48  u64 aio_reserved2;            must be 0 (else EINVAL)
 *    56  u32 aio_flags;                IOCB_FLAG_*
 *    60  u32 aio_resfd;                eventfd signalled on completion when IOCB_FLAG_RESFD is set
 * };
 *
 * struct io_event {                    32 bytes
 *     0  u64 data;                     the iocb's aio_data
 *     8  u64 obj;                      the iocb's address
 *    16  s64 res;                      bytes transferred, or -errno
 *    24  s64 res2;                     secondary result (0 for file I/O)
 * };
 *
 * struct aio_ring {                    the aio_context_t is this mapping's address
 *     0  u32 id;   4 u32 nr;   8 u32 head;   12 u32 tail;
 *    16  u32 magic (0xa10a10a1);   20 u32 compat_features;   24 u32 incompat_features;   28 u32 header_length;
 *    32  struct io_event io_events[nr];
 * };
 *
 * struct iovec { 0 u64 iov_base; 8 u64 iov_len; };   16 bytes
 * </pre>
 */
public final class AioAbi {
    public static final int IOCB_SIZE = 64;
    public static final int IOCB_DATA = 0;
    public static final int IOCB_KEY = 8;
    public static final int IOCB_RW_FLAGS = 12;
    public static final int IOCB_OPCODE = 16;
    public static final int IOCB_REQPRIO = 18;
    public static final int IOCB_FILDES = 20;
    public static final int IOCB_BUF = 24;
    public static final int IOCB_NBYTES = 32;
    public static final int IOCB_OFFSET = 40;
    public static final int IOCB_RESERVED2 = 48;
    public static final int IOCB_FLAGS = 56;
    public static final int IOCB_RESFD = 60;

    public static final int IO_EVENT_SIZE = 32;
    public static final int IO_EVENT_DATA = 0;
    public static final int IO_EVENT_OBJ = 8;
    public static final int IO_EVENT_RES = 16;
    public static final int IO_EVENT_RES2 = 24;

    public static final int RING_NR = 4;
    public static final int RING_HEAD = 8;
    public static final int RING_TAIL = 12;
    public static final int RING_MAGIC = 16;
    public static final int RING_INCOMPAT_FEATURES = 24;
    public static final int RING_HEADER_SIZE = 32;
    public static final int RING_MAGIC_VALUE = 0xa10a10a1;

    public static final int IOVEC_SIZE = 16;
    /** UIO_MAXIOV: the most segments one PREADV/PWRITEV may carry. */
    public static final int MAX_IOV = 1024;

    public static final short IOCB_CMD_PREAD = 0;
    public static final short IOCB_CMD_PWRITE = 1;
    public static final short IOCB_CMD_FSYNC = 2;
    public static final short IOCB_CMD_FDSYNC = 3;
    public static final short IOCB_CMD_POLL = 5;
    public static final short IOCB_CMD_PREADV = 7;
    public static final short IOCB_CMD_PWRITEV = 8;

    /** aio_flags: signal aio_resfd (an eventfd) on completion. */
    public static final int IOCB_FLAG_RESFD = 1;
    /** aio_flags: aio_reqprio holds an I/O priority. */
    public static final int IOCB_FLAG_IOPRIO = 2;

    /** aio_rw_flags: high priority (polled) request; accepted and without effect on most devices. */
    public static final int RWF_HIPRI = 0x1;
    /** aio_rw_flags: per-request O_DSYNC. */
    public static final int RWF_DSYNC = 0x2;
    /** aio_rw_flags: per-request O_SYNC. */
    public static final int RWF_SYNC = 0x4;
    /** aio_rw_flags: fail with EAGAIN (or a short count) rather than block; EOPNOTSUPP where unsupported. */
    public static final int RWF_NOWAIT = 0x8;
    /** aio_rw_flags: per-request O_APPEND (the offset is ignored). */
    public static final int RWF_APPEND = 0x10;

    /** I/O priority classes for {@link #ioprio(int, int)}. */
    public static final int IOPRIO_CLASS_NONE = 0;
    public static final int IOPRIO_CLASS_RT = 1;
    public static final int IOPRIO_CLASS_BE = 2;
    public static final int IOPRIO_CLASS_IDLE = 3;

    private AioAbi() { }

    /**
     * Encodes an I/O priority for {@code aio_reqprio}: {@code class << 13 | level}.
     *
     * @param ioprioClass one of the {@code IOPRIO_CLASS_*} values
     * @param level 0 (highest) to 7
     * @return the encoded priority
     */
    public static short ioprio(int ioprioClass, int level) {
        if (ioprioClass < 0 || ioprioClass > 3) {
            throw new IllegalArgumentException("ioprioClass: " + ioprioClass + " (expected: 0..3)");
        }
        if (level < 0 || level > 7) {
            throw new IllegalArgumentException("level: " + level + " (expected: 0..7)");
        }
        return (short) (ioprioClass << 13 | level);
    }
}
