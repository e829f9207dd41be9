package io.nettyaio.examples.bench;

import java.io.PrintStream;
import java.util.Locale;

/** The live progress line on a terminal: rewritten in place on stderr, wiped when the run ends. */
class Progress {
    /** Shows nothing: with {@code --json}, or when not on a terminal. */
    static final Progress NONE = new Progress();

    void update(String label, String phase, double elapsedSeconds, double totalSeconds, double iops) {
    }

    void clear() {
    }

    static Progress terminal(PrintStream err) {
        return new Terminal(err);
    }

    private static final class Terminal extends Progress {
        private final PrintStream err;
        private int width;

        Terminal(PrintStream err) {
            this.err = err;
        }

        @Override
        void update(String label, String phase, double elapsedSeconds, double totalSeconds, double iops) {
            String line = String.format(Locale.ROOT, "%s  %s %4.1f/%.0f s  %,.0f iops", label, phase, elapsedSeconds,
                    totalSeconds, iops);
            err.print('\r' + line + " ".repeat(Math.max(0, width - line.length())));
            err.flush();
            width = line.length();
        }

        @Override
        void clear() {
            if (width > 0) {
                err.print('\r' + " ".repeat(width) + '\r');
                err.flush();
                width = 0;
            }
        }
    }
}
