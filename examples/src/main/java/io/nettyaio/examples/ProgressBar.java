package io.nettyaio.examples;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with a carriage return:
 * {@code [#####     ] 50% 1.0 GiB/2.0 GiB 812.3 MiB/s}.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long total;
    private final long startNanos = System.nanoTime();

    /**
     * @param out where to draw, normally a terminal's standard error
     * @param total the amount that means 100%
     */
    ProgressBar(PrintStream out, long total) {
        this.out = out;
        this.total = total;
    }

    /** @param done the amount done so far */
    void update(long done) {
        int percent = total == 0 ? 100 : (int) (done * 100 / total);
        int filled = percent * WIDTH / 100;
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        out.printf(Locale.ROOT, "\r[%s%s] %3d%% %s/%s %s/s   ", "#".repeat(filled), " ".repeat(WIDTH - filled), percent,
                ByteSizes.format(done), ByteSizes.format(total), ByteSizes.format((long) (done / seconds)));
        out.flush();
    }

    /** Draws the final state and ends the line. */
    void finish(long done) {
        update(done);
        out.println();
    }
}
