package io.nettyaio.examples.http;

import java.util.concurrent.TimeUnit;

/**
 * Live counts of what a {@link FileServer} holds open: client connections and {@code AioFileChannel}s. Useful to
 * monitor, and to prove in tests that nothing leaks when clients go away.
 * <p>
 * Thread-safe.
 */
public final class ServerActivity {
    private int connections;
    private int openFiles;
    private long responsesAborted;
    private long fileBytesRead;

    /** @return client connections currently open */
    public synchronized int connections() {
        return connections;
    }

    /** @return files currently open to serve a response; a file counts until its channel has finished closing */
    public synchronized int openFiles() {
        return openFiles;
    }

    /** @return file responses cut short so far (client gone, I/O error) */
    public synchronized long responsesAborted() {
        return responsesAborted;
    }

    /** @return bytes read from files so far, over all responses */
    public synchronized long fileBytesRead() {
        return fileBytesRead;
    }

    /**
     * Waits until at least {@code bytes} have been read from files since the server started.
     *
     * @param bytes the total to wait for
     * @param timeout how long to wait at most
     * @param unit the unit of {@code timeout}
     * @return whether the total was reached before the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    public synchronized boolean awaitFileBytesRead(long bytes, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (fileBytesRead < bytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Waits until no file is open.
     *
     * @param timeout how long to wait at most
     * @param unit the unit of {@code timeout}
     * @return whether no file was open before the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    public synchronized boolean awaitNoOpenFiles(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (openFiles > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized void connectionOpened() {
        connections++;
    }

    synchronized void connectionClosed() {
        connections--;
    }

    synchronized void fileOpened() {
        openFiles++;
    }

    synchronized void fileClosed() {
        openFiles--;
        notifyAll();
    }

    synchronized void fileRead(long bytes) {
        fileBytesRead += bytes;
        notifyAll();
    }

    synchronized void responseAborted() {
        responsesAborted++;
    }
}
