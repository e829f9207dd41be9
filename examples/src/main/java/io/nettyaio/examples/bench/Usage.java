package io.nettyaio.examples.bench;

/** The text of {@code bench --help}. */
final class Usage {
    static final String TEXT = String.join("\n",
            "usage: java -jar netty-aio-examples.jar bench [options]",
            "",
            "A fio-like closed-loop benchmark: each loop keeps --iodepth requests in flight and every completion",
            "issues the next request. With no options at all it runs a ~10 s comparison of aio and jdk-async on",
            "4 KiB random O_DIRECT reads at depth 32 on a 256 MiB file, " + BenchOptions.DEFAULT_FILE + ".",
            "",
            "  --engine aio|jdk-async|jdk-sync     (default aio)",
            "        aio        AioFileChannel (Linux kernel AIO) on an AioEventLoopGroup of --loops loops",
            "        jdk-async  java.nio.channels.AsynchronousFileChannel, default thread pool, --loops channels",
            "        jdk-sync   FileChannel positional reads/writes from --iodepth threads on each of --loops channels",
            "  --rw randread|randwrite|read|write  access pattern (default randread); offsets are multiples of --bs",
            "                                      in [0, size - bs]; sequential ones wrap around",
            "  --bs BYTES          bytes per request, suffixes k, m, g (default 4k)",
            "  --iodepth N         requests in flight per loop, 1 to " + BenchOptions.MAX_IODEPTH + " (default 32)",
            "  --direct true|false O_DIRECT, bypassing the page cache (default true); --bs must then be a multiple",
            "                      of the file's alignment (512 or 4096; the JDK engines want the file system's block)",
            "  --cold true|false   drop the file's pages from the page cache after the warm-up, so the measured",
            "                      window starts cold, as fio's --invalidate=1 (default false; --direct false, reads)",
            "  --size BYTES        bytes of the file the requests touch, suffixes k, m, g (default 256m)",
            "  --runtime SECONDS   measured time, decimals allowed (default 10)",
            "  --warmup SECONDS    time run before measuring, not counted (default 2)",
            "  --file PATH         the file (default " + BenchOptions.DEFAULT_FILE + "); created, or extended,",
            "                      with random bytes when shorter than --size. Write patterns overwrite its contents.",
            "  --loops N           AioEventLoops (aio) or channels (jdk engines), 1 to " + BenchOptions.MAX_LOOPS
                    + " (default 1)",
            "  --json              print one JSON object on stdout and nothing else",
            "  -h, --help          print this text",
            "",
            "Output: a table (and on a terminal a live progress line on stderr), or with --json the keys",
            "  engine rw bs iodepth direct ops seconds iops mib_per_s lat_us_p50 lat_us_p99 lat_us_p999",
            "  lat_us_max cpu_seconds cpu_us_per_op loop_stall_us_max",
            "  lat_us_*           per-request latency in microseconds (HdrHistogram), measured window only",
            "  cpu_seconds        user + system CPU time of the whole process during the measured window;",
            "                     cpu_us_per_op = cpu_seconds / ops",
            "  loop_stall_us_max  the longest lateness of a task due 1 ms after its previous run, in the measured",
            "                     window. aio: on each completion loop (how long a loop was busy or blocked while a",
            "                     task was due). jdk engines: on a plain scheduled thread, so it shows only JVM-wide",
            "                     stalls (GC, a saturated CPU).",
            "",
            "Exit status: 0 done, 1 the run failed (or completed nothing), 2 bad options.",
            "");

    private Usage() { }
}
