package io.nettyaio.examples.bench;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The parsed and validated options of one {@code bench} run. {@link #parse(String[])} accepts {@code --flag value}
 * and {@code --flag=value}.
 *
 * @param engine  {@code --engine}
 * @param pattern {@code --rw}
 * @param bs      {@code --bs}, bytes per request
 * @param iodepth {@code --iodepth}, requests kept in flight per loop
 * @param direct  {@code --direct}, O_DIRECT
 * @param cold    {@code --cold}: the file's pages are dropped from the page cache when the measured window starts
 * @param size    {@code --size}, bytes of the file that requests touch
 * @param runtime {@code --runtime}, measured seconds
 * @param warmup  {@code --warmup}, seconds run before measuring
 * @param file    {@code --file}
 * @param loops   {@code --loops}, event loops or independent issuers
 * @param json    {@code --json}
 * @param help    {@code --help} or {@code -h}
 */
public record BenchOptions(EngineKind engine, Pattern pattern, int bs, int iodepth, boolean direct, boolean cold,
                           long size,
                           double runtime, double warmup, Path file, int loops, boolean json, boolean help) {

    /** The file used when {@code --file} is not given, relative to the working directory. */
    public static final Path DEFAULT_FILE = Paths.get("target", "bench", "bench.dat");

    static final int MAX_BS = 1 << 30;
    static final int MAX_IODEPTH = 4096;
    static final int MAX_LOOPS = 64;
    /** O_DIRECT needs at least sector alignment; the real alignment is checked again when the file is opened. */
    static final int MIN_DIRECT_ALIGNMENT = 512;

    /**
     * Returns the options used when a flag is not given.
     *
     * @return {@code --engine aio --rw randread --bs 4k --iodepth 32 --direct true --cold false --size 256m
     *         --runtime 10 --warmup 2 --loops 1}
     */
    public static BenchOptions defaults() {
        return new BenchOptions(EngineKind.AIO, Pattern.RANDREAD, 4096, 32, true, false, 256L << 20, 10, 2,
                DEFAULT_FILE, 1, false, false);
    }

    /**
     * Parses command-line options over {@link #defaults()}.
     *
     * @param args the options, without the {@code bench} command name
     * @return the options
     * @throws BenchUsageException naming the flag, the value and what was expected
     */
    public static BenchOptions parse(String[] args) throws BenchUsageException {
        BenchOptions d = defaults();
        EngineKind engine = d.engine;
        Pattern pattern = d.pattern;
        long bs = d.bs;
        String bsText = Long.toString(bs);
        String sizeText = null;
        int iodepth = d.iodepth;
        boolean direct = d.direct;
        boolean cold = d.cold;
        long size = d.size;
        double runtime = d.runtime;
        double warmup = d.warmup;
        Path file = d.file;
        int loops = d.loops;
        boolean json = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if ("--json".equals(flag) || "--help".equals(flag) || "-h".equals(flag)) {
                if (value != null) {
                    throw BenchUsageException.badValue(flag, value, "no value");
                }
                if ("--json".equals(flag)) {
                    json = true;
                } else {
                    help = true;
                }
                continue;
            }
            if (!isValueFlag(flag)) {
                throw new BenchUsageException("unknown flag: " + arg
                        + " (expected one of: --engine, --rw, --bs, --iodepth, --direct, --cold, --size, --runtime,"
                        + " --warmup,"
                        + " --file, --loops, --json, --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BenchUsageException(flag + ": missing value (expected: " + expectedFor(flag) + ")");
                }
                value = args[++i];
            }
            switch (flag) {
                case "--engine":
                    engine = EngineKind.of(flag, value);
                    break;
                case "--rw":
                    pattern = Pattern.of(flag, value);
                    break;
                case "--bs":
                    bs = Sizes.parse(flag, value);
                    bsText = value;
                    if (bs > MAX_BS) {
                        throw BenchUsageException.badValue(flag, value, "at most 1g");
                    }
                    break;
                case "--iodepth":
                    iodepth = parseInt(flag, value, 1, MAX_IODEPTH);
                    break;
                case "--direct":
                    direct = parseBoolean(flag, value);
                    break;
                case "--cold":
                    cold = parseBoolean(flag, value);
                    break;
                case "--size":
                    size = Sizes.parse(flag, value);
                    sizeText = value;
                    break;
                case "--runtime":
                    runtime = parseSeconds(flag, value, false);
                    break;
                case "--warmup":
                    warmup = parseSeconds(flag, value, true);
                    break;
                case "--file":
                    if (value.isEmpty()) {
                        throw BenchUsageException.badValue(flag, "''", "a file path");
                    }
                    file = Paths.get(value);
                    break;
                case "--loops":
                    loops = parseInt(flag, value, 1, MAX_LOOPS);
                    break;
                default:
                    throw new AssertionError(flag);
            }
        }
        if (direct && bs % MIN_DIRECT_ALIGNMENT != 0) {
            throw BenchUsageException.badValue("--bs", bsText, "a multiple of 512 with --direct true");
        }
        if (cold && (direct || !pattern.isRead())) {
            throw BenchUsageException.badValue("--cold", "true", "--direct false and a read pattern (randread or read):"
                    + " it empties the page cache that buffered reads go through");
        }
        if (bs > size) {
            throw sizeText == null
                    ? BenchUsageException.badValue("--bs", bsText, "at most --size, " + Sizes.format(size))
                    : BenchUsageException.badValue("--size", sizeText, "at least --bs, " + bsText);
        }
        return new BenchOptions(engine, pattern, (int) bs, iodepth, direct, cold, size, runtime, warmup, file, loops,
                json, help);
    }

    /**
     * Returns a copy for another engine.
     *
     * @param other the engine
     * @return the copy
     */
    public BenchOptions withEngine(EngineKind other) {
        return new BenchOptions(other, pattern, bs, iodepth, direct, cold, size, runtime, warmup, file, loops, json,
                help);
    }

    /**
     * Returns a copy with another {@code --direct}; {@code --cold} is dropped with O_DIRECT.
     *
     * @param other the new value
     * @return the copy
     */
    public BenchOptions withDirect(boolean other) {
        return new BenchOptions(engine, pattern, bs, iodepth, other, cold && !other, size, runtime, warmup, file, loops,
                json, help);
    }

    /**
     * Returns a copy with other run and warm-up times.
     *
     * @param newRuntime measured seconds
     * @param newWarmup  warm-up seconds
     * @return the copy
     */
    public BenchOptions withTimes(double newRuntime, double newWarmup) {
        return new BenchOptions(engine, pattern, bs, iodepth, direct, cold, size, newRuntime, newWarmup, file, loops,
                json, help);
    }

    private static String expectedFor(String flag) {
        switch (flag) {
            case "--engine":
                return "aio, jdk-async or jdk-sync";
            case "--rw":
                return "randread, randwrite, read or write";
            case "--bs":
            case "--size":
                return "a size in bytes like 4096, 4k, 256m or 1g";
            case "--iodepth":
            case "--loops":
                return "a positive integer";
            case "--direct":
            case "--cold":
                return "true or false";
            case "--runtime":
            case "--warmup":
                return "seconds";
            default:
                return "a path";
        }
    }

    private static boolean isValueFlag(String flag) {
        switch (flag) {
            case "--engine":
            case "--rw":
            case "--bs":
            case "--iodepth":
            case "--direct":
            case "--cold":
            case "--size":
            case "--runtime":
            case "--warmup":
            case "--file":
            case "--loops":
                return true;
            default:
                return false;
        }
    }

    private static int parseInt(String flag, String value, int min, int max) throws BenchUsageException {
        String expected = "an integer from " + min + " to " + max;
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw BenchUsageException.badValue(flag, value, expected);
            }
            return n;
        } catch (NumberFormatException e) {
            throw BenchUsageException.badValue(flag, value, expected);
        }
    }

    private static boolean parseBoolean(String flag, String value) throws BenchUsageException {
        if ("true".equals(value)) {
            return true;
        }
        if ("false".equals(value)) {
            return false;
        }
        throw BenchUsageException.badValue(flag, value, "true or false");
    }

    private static double parseSeconds(String flag, String value, boolean zeroAllowed) throws BenchUsageException {
        String expected = zeroAllowed ? "seconds, 0 or more, like 2 or 0.5" : "seconds, more than 0, like 10 or 2.5";
        String digits = value.endsWith("s") ? value.substring(0, value.length() - 1) : value;
        double seconds;
        try {
            seconds = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            throw BenchUsageException.badValue(flag, value, expected);
        }
        // Double.parseDouble also takes "NaN", "Infinity" and hex floats: allow plain decimals only.
        if (!digits.matches("[0-9]+(\\.[0-9]*)?|\\.[0-9]+") || seconds > 1e6 || (seconds == 0 && !zeroAllowed)) {
            throw BenchUsageException.badValue(flag, value, expected);
        }
        return seconds;
    }
}
