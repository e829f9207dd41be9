package io.nettyaio.linux;

/**
 * The type of a file, from the {@code S_IFMT} bits of its mode ({@code st_mode}, {@code stx_mode}), with the words
 * messages use for it ("a FIFO", "a character device").
 */
public enum FileType {
    /** A regular file. */
    REGULAR("a regular file", 0100000),
    /** A directory. */
    DIRECTORY("a directory", 0040000),
    /** A block device, e.g. {@code /dev/nvme0n1} or a loop device. */
    BLOCK_DEVICE("a block device", 0060000),
    /** A character device, e.g. {@code /dev/null} or a terminal. */
    CHARACTER_DEVICE("a character device", 0020000),
    /** A FIFO (named pipe): opening it for reading blocks until a writer appears, and the other way round. */
    FIFO("a FIFO (named pipe)", 0010000),
    /** A Unix domain socket. */
    SOCKET("a socket", 0140000),
    /** A symbolic link (seen only where links are not followed). */
    SYMBOLIC_LINK("a symbolic link", 0120000),
    /** Anything else. */
    UNKNOWN("a file of unknown type", -1);

    private static final int S_IFMT = 0170000;

    private final String description;
    private final int bits;

    FileType(String description, int bits) {
        this.description = description;
        this.bits = bits;
    }

    /**
     * @param mode a file mode as {@code stat(2)} reports it (type and permission bits)
     * @return its type
     */
    public static FileType ofMode(int mode) {
        int type = mode & S_IFMT;
        for (FileType t : values()) {
            if (t.bits == type) {
                return t;
            }
        }
        return UNKNOWN;
    }

    /** @return the type with its article, for messages: "a FIFO (named pipe)", "a block device" */
    public String description() {
        return description;
    }
}
