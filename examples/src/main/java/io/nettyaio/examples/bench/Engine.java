package io.nettyaio.examples.bench;

import java.io.IOException;

/**
 * One way of doing the I/O. An engine keeps {@code --iodepth} requests in flight on each of {@code --loops} lanes:
 * each completion records its latency and issues the next request until its {@link Flight} says stop.
 */
interface Engine extends AutoCloseable {

    /**
     * Opens the file, allocates buffers, starts the stall probes, then {@link Flight#launch launches} every slot.
     *
     * @throws BenchUsageException when the options do not suit the file (for example O_DIRECT alignment)
     * @throws IOException    when the file cannot be opened
     */
    void start() throws IOException, BenchUsageException;

    /**
     * Describes the engine's own counters for the whole run (warm-up included), for people reading stderr.
     *
     * @return one line or more, or {@code null} when the engine keeps none
     */
    default String counters() {
        return null;
    }

    /**
     * Names the library engine the requests run on, once started.
     *
     * @return {@code linux-aio}, {@code io_uring} or {@code blocking}; {@code null} for engines outside the library
     */
    default String ioEngine() {
        return null;
    }

    /**
     * Closes files, stops threads and frees buffers. Called once, after the flight landed or gave up waiting; also
     * after a failed {@link #start()}.
     */
    @Override
    void close();
}
